//! Everything the CLI writes: lines on stdout and stderr that never panic when the reader went
//! away, and files the user named that never replace an input or an existing file by accident
//! ([`setara_app::output::OutputFile`], with paths shown from the current directory).
//!
//! `setara stats … | head -1` closes stdout after one line. Rust's `println!` panics on the
//! broken pipe; [`outln!`] instead notes that the reader is gone and drops the rest of the
//! output, so the command finishes its work (a transaction commits as it would have) and exits
//! with its own code.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::failure::Result;

pub use setara_app::output::same_file;

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

/// How the CLI shows paths in messages: relative to the current directory when inside it.
fn shown() -> setara_app::DataDir {
    setara_app::DataDir::new("").shown_from(std::env::current_dir().ok())
}

/// [`setara_app::output::OutputFile`] with paths shown as the CLI shows them.
pub struct OutputFile(setara_app::output::OutputFile);

impl OutputFile {
    /// See [`setara_app::output::OutputFile::create`].
    pub fn create(target: &Path, force: bool, inputs: &[&Path]) -> Result<OutputFile> {
        Ok(OutputFile(setara_app::output::OutputFile::create(
            &shown(),
            target,
            force,
            inputs,
        )?))
    }

    /// Where the file will be once committed.
    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// The writer of the content.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.0.writer()
    }

    /// Flush, sync and move the file into place.
    pub fn commit(self) -> Result<PathBuf> {
        Ok(self.0.commit()?)
    }

    /// The file itself, for an operation of the application layer to write.
    pub fn into_inner(self) -> setara_app::output::OutputFile {
        self.0
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// See [`setara_app::output::check_target`].
pub fn check_target(target: &Path, force: bool, inputs: &[&Path]) -> Result<()> {
    Ok(setara_app::output::check_target(
        &shown(),
        target,
        force,
        inputs,
    )?)
}
