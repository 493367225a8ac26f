//! Errors as the user sees them: a stable code, a message in the chosen language, and an exit
//! code (0 ok, 1 invalid input, 2 usage, 3 the operation failed for another reason).

use std::process::ExitCode;

use setara_core::{Lang, Localized};

/// How a command failed, which decides the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The input is invalid, or names something that does not exist (exit 1).
    Invalid,
    /// The command line is wrong (exit 2).
    Usage,
    /// Reading, writing or the database failed (exit 3).
    Failed,
}

impl Kind {
    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(Failure::new(self, "", "", "").exit_number())
    }
}

/// A failure with its user-facing message already in both languages.
#[derive(Debug)]
pub struct Failure {
    pub kind: Kind,
    pub code: &'static str,
    pub id: String,
    pub en: String,
    /// The command already printed its JSON output with this error inside.
    pub json_printed: bool,
}

impl Failure {
    pub fn new(
        kind: Kind,
        code: &'static str,
        id: impl Into<String>,
        en: impl Into<String>,
    ) -> Failure {
        Failure {
            kind,
            code,
            id: id.into(),
            en: en.into(),
            json_printed: false,
        }
    }

    pub fn invalid(code: &'static str, id: impl Into<String>, en: impl Into<String>) -> Failure {
        Failure::new(Kind::Invalid, code, id, en)
    }

    pub fn failed(code: &'static str, id: impl Into<String>, en: impl Into<String>) -> Failure {
        Failure::new(Kind::Failed, code, id, en)
    }

    pub fn from_localized(kind: Kind, e: &dyn Localized) -> Failure {
        Failure::new(kind, e.code(), e.message(Lang::Id), e.message(Lang::En))
    }

    /// The JSON object `{"code", "message", "exit_code"}` describing this failure.
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        serde_json::json!({ "code": self.code, "message": self.message(lang), "exit_code": self.exit_number() })
    }

    pub fn exit_number(&self) -> u8 {
        match self.kind {
            Kind::Invalid => 1,
            Kind::Usage => 2,
            Kind::Failed => 3,
        }
    }

    /// An I/O problem with a path ([`setara_app::Error::io`]).
    pub fn io(path: &std::path::Path, e: &std::io::Error) -> Failure {
        setara_app::Error::io(path, e).into()
    }

    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        }
    }
}

impl From<setara_app::Error> for Failure {
    fn from(e: setara_app::Error) -> Failure {
        let kind = match e.kind.exit_code() {
            1 => Kind::Invalid,
            _ => Kind::Failed,
        };
        Failure::new(kind, e.code, e.id, e.en)
    }
}

impl From<setara_app::model::StoreError> for Failure {
    fn from(e: setara_app::model::StoreError) -> Failure {
        setara_app::Error::from(e).into()
    }
}

impl From<setara_app::model::SnapshotError> for Failure {
    fn from(e: setara_app::model::SnapshotError) -> Failure {
        setara_app::Error::from(e).into()
    }
}

impl From<setara_app::model::ProgrammeError> for Failure {
    fn from(e: setara_app::model::ProgrammeError) -> Failure {
        Failure::from_localized(Kind::Invalid, &e)
    }
}

pub type Result<T, E = Failure> = std::result::Result<T, E>;
