//! Everything the CLI writes: lines on stdout and stderr that never panic when the reader went
//! away, and files the user named that never replace an input or an existing file by accident.
//!
//! `setara stats … | head -1` closes stdout after one line. Rust's `println!` panics on the
//! broken pipe; [`outln!`] instead notes that the reader is gone and drops the rest of the
//! output, so the command finishes its work (a transaction commits as it would have) and exits
//! with its own code.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::context::show_path;
use crate::failure::{Failure, Result};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);

/// Write to stdout; after the first failed write (a closed pipe, a full disk behind a
/// redirection) the rest of the output is dropped.
pub fn write_stdout(args: std::fmt::Arguments<'_>) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if out.write_fmt(args).is_err() || out.flush().is_err() {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// Write to stderr, never panicking.
pub fn write_stderr(args: std::fmt::Arguments<'_>) {
    if STDERR_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut err = std::io::stderr().lock();
    if err.write_fmt(args).is_err() {
        STDERR_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// Whether stdout was closed by its reader (or otherwise failed) during this run.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// `print!` that does not panic on a closed stdout.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write_stdout(format_args!($($arg)*)) };
}

/// `println!` that does not panic on a closed stdout.
#[macro_export]
macro_rules! outln {
    () => { $crate::output::write_stdout(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprintln!` that does not panic on a closed stderr.
#[macro_export]
macro_rules! errln {
    () => { $crate::output::write_stderr(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write_stderr(format_args!("{}\n", format_args!($($arg)*))) };
}

/// A file the user asked a command to write (`--out`, `--rejects`, `--csv`, …).
///
/// The content goes to a temporary file beside the target, which takes the target's name only
/// when [`OutputFile::commit`] is called: a failed command leaves no half-written file and
/// never touches an existing one. Refused before anything is written:
/// - the target is one of the command's inputs (the same file, also through a link): always;
/// - the target exists: unless `force`;
/// - the target's directory does not exist: it is not created (a typo must not make
///   directories anywhere);
/// - the target is a directory.
pub struct OutputFile {
    target: PathBuf,
    force: bool,
    /// The target is only the first choice of a name chosen by Setara: if it is taken, the
    /// next free `NAME-2.EXT`, `NAME-3.EXT`, … is used.
    unique: bool,
    tmp: Option<tempfile::NamedTempFile>,
    writer: Option<BufWriter<File>>,
}

impl OutputFile {
    /// Check `target` against the rules above and open the temporary file.
    pub fn create(target: &Path, force: bool, inputs: &[&Path]) -> Result<OutputFile> {
        check_target(target, force, inputs)?;
        Self::open(target, force, false)
    }

    /// A file of Setara's own (a report in the data directory) named `first` or, if that is
    /// taken when it is committed, the next free `NAME-N.EXT`: never replacing anything.
    pub fn create_unique(first: &Path) -> Result<OutputFile> {
        Self::open(first, false, true)
    }

    fn open(target: &Path, force: bool, unique: bool) -> Result<OutputFile> {
        let dir = parent_dir(target);
        let tmp = tempfile::Builder::new()
            .prefix(".setara-")
            .suffix(".partial")
            .tempfile_in(dir)
            .map_err(|e| {
                Failure::invalid(
                    "output_unwritable",
                    format!(
                        "tidak dapat membuat berkas di {} untuk {}: {e}",
                        show_path(dir),
                        show_path(target)
                    ),
                    format!(
                        "cannot create a file in {} for {}: {e}",
                        show_path(dir),
                        show_path(target)
                    ),
                )
            })?;
        let file = tmp.reopen().map_err(|e| Failure::io(target, &e))?;
        Ok(OutputFile {
            target: target.to_path_buf(),
            force,
            unique,
            tmp: Some(tmp),
            writer: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    /// Where the file will be once committed.
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// The writer of the content.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("present until commit")
    }

    /// Flush, sync and move the file into place. Without `force`, a file that appeared at the
    /// target meanwhile is not replaced.
    pub fn commit(mut self) -> Result<PathBuf> {
        let target = self.target.clone();
        let io = |e: std::io::Error| Failure::io(&target, &e);
        let writer = self.writer.take().expect("present until commit");
        let file = writer.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        drop(file);
        let mut tmp = self.tmp.take().expect("present until commit");
        if self.unique {
            let stem = target.file_stem().unwrap_or_default().to_string_lossy();
            let ext = target.extension().map(|e| e.to_string_lossy());
            for n in 1u32.. {
                let name = match (n, &ext) {
                    (1, _) => target.clone(),
                    (_, Some(ext)) => target.with_file_name(format!("{stem}-{n}.{ext}")),
                    (_, None) => target.with_file_name(format!("{stem}-{n}")),
                };
                match tmp.persist_noclobber(&name) {
                    Ok(_) => return Ok(name),
                    Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists && n < 10_000 => {
                        tmp = e.file;
                    }
                    Err(e) => return Err(Failure::io(&name, &e.error)),
                }
            }
            unreachable!("the loop returns")
        } else if self.force {
            tmp.persist(&target).map_err(|e| io(e.error))?;
        } else {
            tmp.persist_noclobber(&target).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    exists_failure(&target)
                } else {
                    io(e.error)
                }
            })?;
        }
        Ok(target)
    }

    /// Write `bytes` as the whole content and commit.
    pub fn write_all(target: &Path, force: bool, inputs: &[&Path], bytes: &[u8]) -> Result<()> {
        let mut f = OutputFile::create(target, force, inputs)?;
        f.writer()
            .write_all(bytes)
            .map_err(|e| Failure::io(target, &e))?;
        f.commit()?;
        Ok(())
    }
}

/// The writer's bytes go to the temporary file.
impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.writer().flush()
    }
}

fn parent_dir(p: &Path) -> &Path {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

fn exists_failure(target: &Path) -> Failure {
    Failure::invalid(
        "output_exists",
        format!(
            "{} sudah ada; pilih nama lain atau tambahkan --force untuk menggantinya",
            show_path(target)
        ),
        format!(
            "{} already exists; choose another name or add --force to replace it",
            show_path(target)
        ),
    )
}

/// The checks of [`OutputFile::create`], for outputs written some other way (a directory).
pub fn check_target(target: &Path, force: bool, inputs: &[&Path]) -> Result<()> {
    for input in inputs {
        if same_file(target, input) {
            return Err(Failure::invalid(
                "output_is_input",
                format!(
                    "{} adalah berkas masukan perintah ini; keluaran tidak boleh menimpanya",
                    show_path(target)
                ),
                format!(
                    "{} is an input of this command; an output must not replace it",
                    show_path(target)
                ),
            ));
        }
    }
    let dir = parent_dir(target);
    if !dir.is_dir() {
        return Err(Failure::invalid(
            "output_dir_missing",
            format!(
                "direktori {} tidak ada; buat dahulu (Setara tidak membuat direktori untuk berkas keluaran)",
                show_path(dir)
            ),
            format!(
                "the directory {} does not exist; create it first (Setara does not create directories for output files)",
                show_path(dir)
            ),
        ));
    }
    match std::fs::symlink_metadata(target) {
        Ok(m) if m.is_dir() => Err(Failure::invalid(
            "output_is_directory",
            format!("{} adalah direktori, bukan berkas", show_path(target)),
            format!("{} is a directory, not a file", show_path(target)),
        )),
        Ok(_) if !force => Err(exists_failure(target)),
        _ => Ok(()),
    }
}

/// Whether two paths name the same file (also through links or `..`). A path that does not
/// exist is no existing file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return ma.dev() == mb.dev() && ma.ino() == mb.ino();
        }
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_inputs_existing_files_and_missing_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        std::fs::write(&input, "precious").unwrap();
        let e = OutputFile::create(&input, true, &[&input]).err().unwrap();
        assert_eq!(e.code, "output_is_input");
        let e = OutputFile::create(&input, false, &[]).err().unwrap();
        assert_eq!(e.code, "output_exists");
        let e = OutputFile::create(&dir.path().join("no/such/dir/x.csv"), false, &[])
            .err()
            .unwrap();
        assert_eq!(e.code, "output_dir_missing");
        assert!(!dir.path().join("no").exists());
        assert_eq!(std::fs::read_to_string(&input).unwrap(), "precious");
    }

    #[test]
    fn nothing_appears_until_commit_and_an_abandoned_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let mut f = OutputFile::create(&target, false, &[]).unwrap();
        f.writer().write_all(b"a,b\n").unwrap();
        assert!(!target.exists());
        drop(f);
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        OutputFile::write_all(&target, false, &[], b"x").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"x");
        OutputFile::write_all(&target, true, &[], b"y").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"y");
    }

    #[test]
    fn unique_names_never_replace_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("import-1.csv");
        let a = OutputFile::create_unique(&first).unwrap();
        let mut b = OutputFile::create_unique(&first).unwrap();
        b.write_all(b"b").unwrap();
        assert_eq!(b.commit().unwrap(), first);
        let mut a = a;
        a.write_all(b"a").unwrap();
        assert_eq!(a.commit().unwrap(), dir.path().join("import-1-2.csv"));
        assert_eq!(std::fs::read(&first).unwrap(), b"b");
    }

    #[test]
    fn a_file_that_appears_meanwhile_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let f = OutputFile::create(&target, false, &[]).unwrap();
        std::fs::write(&target, "someone else's").unwrap();
        assert_eq!(f.commit().err().unwrap().code, "output_exists");
        assert_eq!(std::fs::read(&target).unwrap(), b"someone else's");
    }
}
