//! Files a user asks an operation to write (`--out`, `--rejects`, `--csv`, …) and reports
//! Setara writes into the data directory: never replacing an input or an existing file by
//! accident, and never half-written.
//!
//! Paths in messages are shown as the front end shows them ([`DataDir::show`]).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::DataDir;
use crate::error::{Error, Result};

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
    /// How paths are shown in messages.
    shown: DataDir,
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
    pub fn create(
        shown: &DataDir,
        target: &Path,
        force: bool,
        inputs: &[&Path],
    ) -> Result<OutputFile> {
        check_target(shown, target, force, inputs)?;
        Self::open(shown, target, force, false)
    }

    /// A file of Setara's own (a report in the data directory) named `first` or, if that is
    /// taken when it is committed, the next free `NAME-N.EXT`: never replacing anything.
    pub fn create_unique(shown: &DataDir, first: &Path) -> Result<OutputFile> {
        Self::open(shown, first, false, true)
    }

    fn open(shown: &DataDir, target: &Path, force: bool, unique: bool) -> Result<OutputFile> {
        let dir = parent_dir(target);
        let tmp = tempfile::Builder::new()
            .prefix(".setara-")
            .suffix(".partial")
            .tempfile_in(dir)
            .map_err(|e| {
                Error::invalid(
                    "output_unwritable",
                    format!(
                        "tidak dapat membuat berkas di {} untuk {}: {e}",
                        shown.show(dir),
                        shown.show(target)
                    ),
                    format!(
                        "cannot create a file in {} for {}: {e}",
                        shown.show(dir),
                        shown.show(target)
                    ),
                )
            })?;
        let file = tmp.reopen().map_err(|e| Error::io(target, &e))?;
        Ok(OutputFile {
            shown: shown.clone(),
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
        let io = |e: std::io::Error| Error::io(&target, &e);
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
                    Err(e) => return Err(Error::io(&name, &e.error)),
                }
            }
            unreachable!("the loop returns")
        } else if self.force {
            tmp.persist(&target).map_err(|e| io(e.error))?;
        } else {
            tmp.persist_noclobber(&target).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    exists_failure(&self.shown, &target)
                } else {
                    io(e.error)
                }
            })?;
        }
        Ok(target)
    }

    /// Write `bytes` as the whole content and commit.
    pub fn write_all(
        shown: &DataDir,
        target: &Path,
        force: bool,
        inputs: &[&Path],
        bytes: &[u8],
    ) -> Result<()> {
        let mut f = OutputFile::create(shown, target, force, inputs)?;
        f.writer()
            .write_all(bytes)
            .map_err(|e| Error::io(target, &e))?;
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

fn exists_failure(shown: &DataDir, target: &Path) -> Error {
    Error::invalid(
        "output_exists",
        format!(
            "{} sudah ada; pilih nama lain atau tambahkan --force untuk menggantinya",
            shown.show(target)
        ),
        format!(
            "{} already exists; choose another name or add --force to replace it",
            shown.show(target)
        ),
    )
}

/// The checks of [`OutputFile::create`], for outputs written some other way (a directory).
pub fn check_target(shown: &DataDir, target: &Path, force: bool, inputs: &[&Path]) -> Result<()> {
    for input in inputs {
        if same_file(target, input) {
            return Err(Error::invalid(
                "output_is_input",
                format!(
                    "{} adalah berkas masukan perintah ini; keluaran tidak boleh menimpanya",
                    shown.show(target)
                ),
                format!(
                    "{} is an input of this command; an output must not replace it",
                    shown.show(target)
                ),
            ));
        }
    }
    let dir = parent_dir(target);
    if !dir.is_dir() {
        return Err(Error::invalid(
            "output_dir_missing",
            format!(
                "direktori {} tidak ada; buat dahulu (Setara tidak membuat direktori untuk berkas keluaran)",
                shown.show(dir)
            ),
            format!(
                "the directory {} does not exist; create it first (Setara does not create directories for output files)",
                shown.show(dir)
            ),
        ));
    }
    match std::fs::symlink_metadata(target) {
        Ok(m) if m.is_dir() => Err(Error::invalid(
            "output_is_directory",
            format!("{} adalah direktori, bukan berkas", shown.show(target)),
            format!("{} is a directory, not a file", shown.show(target)),
        )),
        Ok(_) if !force => Err(exists_failure(shown, target)),
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

    fn d() -> DataDir {
        DataDir::new("unused")
    }

    #[test]
    fn refuses_inputs_existing_files_and_missing_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        std::fs::write(&input, "precious").unwrap();
        let e = OutputFile::create(&d(), &input, true, &[&input])
            .err()
            .unwrap();
        assert_eq!(e.code, "output_is_input");
        let e = OutputFile::create(&d(), &input, false, &[]).err().unwrap();
        assert_eq!(e.code, "output_exists");
        let e = OutputFile::create(&d(), &dir.path().join("no/such/dir/x.csv"), false, &[])
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
        let mut f = OutputFile::create(&d(), &target, false, &[]).unwrap();
        f.writer().write_all(b"a,b\n").unwrap();
        assert!(!target.exists());
        drop(f);
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        OutputFile::write_all(&d(), &target, false, &[], b"x").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"x");
        OutputFile::write_all(&d(), &target, true, &[], b"y").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"y");
    }

    #[test]
    fn unique_names_never_replace_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("import-1.csv");
        let a = OutputFile::create_unique(&d(), &first).unwrap();
        let mut b = OutputFile::create_unique(&d(), &first).unwrap();
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
        let f = OutputFile::create(&d(), &target, false, &[]).unwrap();
        std::fs::write(&target, "someone else's").unwrap();
        assert_eq!(f.commit().err().unwrap().code, "output_exists");
        assert_eq!(std::fs::read(&target).unwrap(), b"someone else's");
    }
}
