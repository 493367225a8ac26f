use std::path::PathBuf;

use arrow_schema::ArrowError;
use setara_core::{Kk, Nik};

/// Everything that can go wrong building, writing, opening or verifying a snapshot.
///
/// Messages name the file (or the household) and what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file system operation failed.
    #[error("{}: cannot {op}: {source}", path.display())]
    Io {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// The Arrow library failed to encode or decode a file.
    #[error("{}: Arrow IPC error while {op}: {source}", path.display())]
    Arrow {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: ArrowError,
    },
    /// A file is not a complete Arrow IPC file (truncated, overwritten, not Arrow at all).
    #[error("{}: not a valid Arrow IPC snapshot file: {reason}", path.display())]
    NotArrowFile { path: PathBuf, reason: String },
    /// An Arrow file does not have the columns this version of the program reads.
    #[error("{}: schema does not match snapshot schema version {}: {reason}", path.display(), crate::SCHEMA_VERSION)]
    Schema { path: PathBuf, reason: String },
    /// `manifest.json` is missing fields, unreadable or of an unsupported format.
    #[error("{}: invalid snapshot manifest: {reason}", path.display())]
    Manifest { path: PathBuf, reason: String },
    /// The files of a snapshot disagree with each other or with the manifest.
    #[error("{}: snapshot is inconsistent: {reason}", path.display())]
    Inconsistent { path: PathBuf, reason: String },
    /// Content does not hash to what it should: the snapshot was altered or damaged.
    #[error("{}: SHA-256 is {actual}, but {expected_from} says {expected}: the snapshot was altered or damaged", path.display())]
    HashMismatch {
        path: PathBuf,
        expected_from: &'static str,
        expected: String,
        actual: String,
    },
    /// `open_latest` on a directory where no snapshot was written.
    #[error("{}: no snapshot has been written here yet (no LATEST file)", path.display())]
    NoLatest { path: PathBuf },
    /// `LATEST` holds something other than a snapshot hash.
    #[error("{}: does not hold a snapshot hash (64 hex digits), found {content:?}", path.display())]
    BadLatest { path: PathBuf, content: String },
    /// A person given with a household belongs to another KK.
    #[error(
        "person {nik} has KK {person_kk} but was given as a member of household {household_kk}"
    )]
    ForeignMember {
        nik: Nik,
        person_kk: Kk,
        household_kk: Kk,
    },
    /// The same NIK appears twice among one household's members.
    #[error("household {kk} lists NIK {nik} more than once")]
    DuplicateNik { kk: Kk, nik: Nik },
    /// The same KK was added twice.
    #[error("household {kk} was added to the snapshot more than once")]
    DuplicateKk { kk: Kk },
    /// More rows than the snapshot's index columns can address.
    #[error("too large for a snapshot: {what}")]
    TooLarge { what: String },
}

impl Error {
    pub(crate) fn io(
        path: impl Into<PathBuf>,
        op: &'static str,
    ) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, op, source }
    }

    pub(crate) fn arrow(
        path: impl Into<PathBuf>,
        op: &'static str,
    ) -> impl FnOnce(ArrowError) -> Error {
        let path = path.into();
        move |source| Error::Arrow { path, op, source }
    }
}
