//! One error model for every operation: a kind (which decides the exit code of the CLI and the
//! HTTP status of the server), a stable code, and the message in Bahasa Indonesia and English.

use setara_core::{Lang, Localized};

/// What kind of failure an error is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// What the request names does not exist (a programme, an entitlement, a ledger entry).
    NotFound,
    /// The request contradicts the current state (a reused idempotency key, a state that does
    /// not allow the change).
    Conflict,
    /// The input itself is wrong.
    Invalid,
    /// The caller may not do this.
    Forbidden,
    /// Something needed is busy or missing for now (a lock held by another writer).
    Unavailable,
    /// The system failed: damaged files, the file system, the database.
    Internal,
}

impl ErrorKind {
    /// The CLI's exit code: 1 for a problem with the request, 3 for a failure of the system
    /// (2, a wrong command line, is the CLI's own).
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::NotFound
            | ErrorKind::Conflict
            | ErrorKind::Invalid
            | ErrorKind::Forbidden => 1,
            ErrorKind::Unavailable | ErrorKind::Internal => 3,
        }
    }

    /// The server's HTTP status.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::Invalid => 422,
            ErrorKind::Forbidden => 403,
            ErrorKind::Unavailable => 503,
            ErrorKind::Internal => 500,
        }
    }
}

/// An error of an operation, with its message already in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub code: &'static str,
    pub id: String,
    pub en: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(
        kind: ErrorKind,
        code: &'static str,
        id: impl Into<String>,
        en: impl Into<String>,
    ) -> Error {
        Error {
            kind,
            code,
            id: id.into(),
            en: en.into(),
        }
    }

    pub fn invalid(code: &'static str, id: impl Into<String>, en: impl Into<String>) -> Error {
        Error::new(ErrorKind::Invalid, code, id, en)
    }

    pub fn internal(code: &'static str, id: impl Into<String>, en: impl Into<String>) -> Error {
        Error::new(ErrorKind::Internal, code, id, en)
    }

    /// Any error of a lower crate that explains itself, as this kind.
    pub fn from_localized(kind: ErrorKind, e: &dyn Localized) -> Error {
        Error::new(kind, e.code(), e.message(Lang::Id), e.message(Lang::En))
    }

    /// An I/O problem with a file: a missing file is the request's problem (`file_not_found`),
    /// anything else the system's (`file_io`).
    pub fn io(path: &std::path::Path, e: &std::io::Error) -> Error {
        let (kind, code) = if e.kind() == std::io::ErrorKind::NotFound {
            (ErrorKind::NotFound, "file_not_found")
        } else {
            (ErrorKind::Internal, "file_io")
        };
        Error::new(
            kind,
            code,
            format!("{}: {}", path.display(), io_id(e)),
            format!("{}: {e}", path.display()),
        )
    }

    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        }
    }
}

/// An I/O error in Bahasa Indonesia.
fn io_id(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "berkas tidak ditemukan".into(),
        PermissionDenied => "akses ditolak".into(),
        AlreadyExists => "sudah ada".into(),
        _ => format!("galat masukan/keluaran: {e}"),
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.en)
    }
}

impl std::error::Error for Error {}

impl Localized for Error {
    fn code(&self) -> &'static str {
        self.code
    }
    fn message(&self, lang: Lang) -> String {
        Error::message(self, lang).to_string()
    }
}

impl From<setara_store::StoreError> for Error {
    fn from(e: setara_store::StoreError) -> Error {
        use setara_store::StoreError::*;
        let kind = match &e {
            HouseholdNotFound(_)
            | PersonNotFound { .. }
            | PairNotFound(_)
            | MergeNotFound(_)
            | ProgrammeNotFound(_)
            | EntitlementNotFound(_) => ErrorKind::NotFound,
            PairDecided { .. }
            | MergeUndone(_)
            | MergeOverlaps { .. }
            | ProgrammeExists(_)
            | ProgrammeUnchanged(_)
            | OrganisationConflict { .. }
            | SelectionExists { .. }
            | SelectionProgrammeChanged { .. }
            | SelectionRankingChanged { .. }
            | TransitionNotAllowed { .. } => ErrorKind::Conflict,
            Field { .. }
            | Unchanged { .. }
            | RegionNotCurrent(_)
            | ReasonRequired
            | UnsupportedBackend(_)
            | NotAStore { .. }
            | SchemaTooNew { .. }
            | TransitionReasonRequired { .. } => ErrorKind::Invalid,
            _ => ErrorKind::Internal,
        };
        Error::from_localized(kind, &e)
    }
}

impl From<setara_targeting::Error> for Error {
    fn from(e: setara_targeting::Error) -> Error {
        Error::from_localized(ErrorKind::Invalid, &e)
    }
}

/// A snapshot's error: the data's problem when the snapshot cannot hold a household, a missing
/// snapshot when none was written, otherwise a failure of its files.
impl From<setara_snapshot::Error> for Error {
    fn from(e: setara_snapshot::Error) -> Error {
        let kind = if e.is_about_the_data() {
            ErrorKind::Invalid
        } else if matches!(e, setara_snapshot::Error::NoLatest { .. }) {
            ErrorKind::NotFound
        } else {
            ErrorKind::Internal
        };
        Error::from_localized(kind, &e)
    }
}

/// Text that is not one printable line, or too long.
impl From<setara_core::text::TextError> for Error {
    fn from(e: setara_core::text::TextError) -> Error {
        Error::from_localized(ErrorKind::Invalid, &e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exit codes the CLI has always used: 1 for the request, 3 for the system.
    #[test]
    fn kinds_keep_the_cli_exit_codes_and_map_to_http() {
        for (k, exit, http) in [
            (ErrorKind::NotFound, 1, 404),
            (ErrorKind::Conflict, 1, 409),
            (ErrorKind::Invalid, 1, 422),
            (ErrorKind::Forbidden, 1, 403),
            (ErrorKind::Unavailable, 3, 503),
            (ErrorKind::Internal, 3, 500),
        ] {
            assert_eq!((k.exit_code(), k.http_status()), (exit, http), "{k:?}");
        }
    }
}
