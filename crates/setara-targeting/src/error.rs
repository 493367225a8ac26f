//! The crate's one error type.

use setara_core::{Lang, Localized};

use crate::money::rupiah;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The TOML could not be read; the message names the line and column.
    #[error("programme file: {0}")]
    Toml(String),
    #[error("{field}: {en}")]
    Invalid {
        field: &'static str,
        id: String,
        en: String,
    },
    #[error("unknown {what} {value:?}; valid: {valid}")]
    UnknownCode {
        what: &'static str,
        what_id: &'static str,
        value: String,
        valid: String,
    },
    #[error("the budget per cycle is {}: a programme needs money to select anyone", rupiah(*.budget))]
    EmptyBudget { budget: i64 },
}

impl Localized for Error {
    fn code(&self) -> &'static str {
        match self {
            Error::Toml(_) => "programme_toml",
            Error::Invalid { .. } => "programme_invalid",
            Error::UnknownCode { .. } => "programme_unknown_code",
            Error::EmptyBudget { .. } => "programme_empty_budget",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (e, Lang::En) => e.to_string(),
            (Error::Toml(m), Lang::Id) => format!("berkas program: {m}"),
            (Error::Invalid { field, id, .. }, Lang::Id) => format!("{field}: {id}"),
            (
                Error::UnknownCode {
                    what_id,
                    value,
                    valid,
                    ..
                },
                Lang::Id,
            ) => format!("{what_id} {value:?} tidak dikenal; pilihan: {valid}"),
            (Error::EmptyBudget { budget }, Lang::Id) => format!(
                "anggaran per siklus {}: program tanpa anggaran tidak dapat memilih penerima",
                rupiah(*budget)
            ),
        }
    }
}
