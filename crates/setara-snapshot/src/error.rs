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

impl Error {
    /// Whether the error is about the data given to the snapshot (a household it cannot
    /// hold) rather than about its files.
    pub fn is_about_the_data(&self) -> bool {
        matches!(
            self,
            Error::ForeignMember { .. }
                | Error::DuplicateNik { .. }
                | Error::DuplicateKk { .. }
                | Error::TooLarge { .. }
        )
    }
}

impl setara_core::Localized for Error {
    fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "snapshot_io",
            Error::Arrow { .. } => "snapshot_arrow",
            Error::NotArrowFile { .. } => "snapshot_not_arrow",
            Error::Schema { .. } => "snapshot_schema",
            Error::Manifest { .. } => "snapshot_manifest_invalid",
            Error::Inconsistent { .. } => "snapshot_inconsistent",
            Error::HashMismatch { .. } => "snapshot_hash_mismatch",
            Error::NoLatest { .. } => "snapshot_none",
            Error::BadLatest { .. } => "snapshot_latest_invalid",
            Error::ForeignMember { .. } => "snapshot_member_foreign",
            Error::DuplicateNik { .. } => "snapshot_nik_duplicate",
            Error::DuplicateKk { .. } => "snapshot_kk_duplicate",
            Error::TooLarge { .. } => "snapshot_too_large",
        }
    }

    /// `snapshot: ` and the message (the English one is the error's `Display`).
    fn message(&self, lang: setara_core::Lang) -> String {
        if lang == setara_core::Lang::En {
            return format!("snapshot: {self}");
        }
        let id = match self {
            Error::Io { path, op, source } => {
                format!("{}: tidak dapat {op}: {source}", path.display())
            }
            Error::Arrow { path, op, source } => {
                format!("{}: galat Arrow IPC saat {op}: {source}", path.display())
            }
            Error::NotArrowFile { path, reason } => {
                format!(
                    "{}: bukan berkas snapshot Arrow IPC yang sah: {reason}",
                    path.display()
                )
            }
            Error::Schema { path, reason } => format!(
                "{}: skema tidak cocok dengan skema snapshot versi {}: {reason}",
                path.display(),
                crate::SCHEMA_VERSION
            ),
            Error::Manifest { path, reason } => {
                format!("{}: manifes snapshot tidak sah: {reason}", path.display())
            }
            Error::Inconsistent { path, reason } => {
                format!("{}: snapshot tidak konsisten: {reason}", path.display())
            }
            Error::HashMismatch {
                path,
                expected_from,
                expected,
                actual,
            } => format!(
                "{}: SHA-256-nya {actual}, padahal {expected_from} menyebut {expected}: snapshot diubah atau rusak",
                path.display()
            ),
            Error::NoLatest { path } => format!(
                "{}: belum ada snapshot yang ditulis di sini (tidak ada berkas LATEST)",
                path.display()
            ),
            Error::BadLatest { path, content } => format!(
                "{}: tidak berisi hash snapshot (64 digit heksadesimal), melainkan {content:?}",
                path.display()
            ),
            Error::ForeignMember {
                nik,
                person_kk,
                household_kk,
            } => format!(
                "penduduk {nik} ber-KK {person_kk} tetapi diberikan sebagai anggota keluarga {household_kk}"
            ),
            Error::DuplicateNik { kk, nik } => {
                format!("keluarga {kk} mencantumkan NIK {nik} lebih dari sekali")
            }
            Error::DuplicateKk { kk } => {
                format!("keluarga {kk} ditambahkan ke snapshot lebih dari sekali")
            }
            Error::TooLarge { what } => format!("terlalu besar untuk snapshot: {what}"),
        };
        format!("snapshot: {id}")
    }
}
