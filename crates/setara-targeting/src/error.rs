//! The crate's one error type.

use setara_core::text::TextError;
use setara_core::{Lang, Localized};

use crate::money::rupiah;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The TOML could not be read; the message names the line and column.
    #[error("programme file: {0}")]
    Toml(String),
    /// The programme file is longer than [`MAX_PROGRAMME_BYTES`](crate::programme::MAX_PROGRAMME_BYTES).
    #[error("the programme file is larger than {max} bytes; a programme is a page of text")]
    FileTooLarge { max: usize },
    /// The programme file is not UTF-8 text (a binary file, another encoding).
    #[error(
        "the programme file is not UTF-8 text (line {line}, byte {byte}); save it as UTF-8 TOML"
    )]
    NotUtf8 { line: usize, byte: usize },
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
    /// An amount of money below 0 or above [`Rupiah::MAX`](setara_core::Rupiah::MAX).
    #[error(
        "{field} is {value} rupiah; an amount must be between 0 and {} (a thousand trillion rupiah)",
        setara_core::Rupiah::MAX
    )]
    Money { field: &'static str, value: i64 },
    /// A sum or product of money that does not fit (never wrapped or saturated).
    #[error("{what} is too large to count (more than {} rupiah)", i64::MAX)]
    Overflow { what: &'static str },
    /// More entries than the limit (partners, quotas).
    #[error("{field}: more than {max} entries ({found})")]
    TooMany {
        field: &'static str,
        max: usize,
        found: usize,
    },
    /// A free-text field (a name, the description, a canvas block) that is empty where it may
    /// not be, too long or holds a control character.
    #[error(transparent)]
    Text(#[from] TextError),
}

impl Localized for Error {
    fn code(&self) -> &'static str {
        match self {
            Error::Toml(_) => "programme_toml",
            Error::FileTooLarge { .. } => "programme_file_too_large",
            Error::NotUtf8 { .. } => "programme_not_utf8",
            Error::Invalid { .. } => "programme_invalid",
            Error::UnknownCode { .. } => "programme_unknown_code",
            Error::EmptyBudget { .. } => "programme_empty_budget",
            Error::Money { .. } => "programme_money_out_of_range",
            Error::Overflow { .. } => "money_overflow",
            Error::TooMany { .. } => "programme_too_many",
            Error::Text(e) => e.code(),
        }
    }

    /// The message; text from the programme (codes, names) is shortened and its control
    /// characters escaped.
    fn message(&self, lang: Lang) -> String {
        let text = match (self, lang) {
            (Error::Text(e), l) => e.message(l),
            (e, Lang::En) => e.to_string(),
            (Error::Toml(m), Lang::Id) => format!("berkas program: {m}"),
            (Error::FileTooLarge { max }, Lang::Id) => format!(
                "berkas program lebih dari {max} bita; sebuah program hanya satu halaman teks"
            ),
            (Error::NotUtf8 { line, byte }, Lang::Id) => format!(
                "berkas program bukan teks UTF-8 (baris {line}, bita {byte}); simpan sebagai TOML UTF-8"
            ),
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
            (Error::Money { field, value }, Lang::Id) => format!(
                "{field} bernilai {value} rupiah; jumlah uang harus antara 0 dan {} (Rp1.000 triliun)",
                setara_core::Rupiah::MAX
            ),
            (Error::Overflow { what }, Lang::Id) => format!(
                "{what} terlalu besar untuk dihitung (lebih dari {} rupiah)",
                i64::MAX
            ),
            (Error::TooMany { field, max, found }, Lang::Id) => {
                format!("{field}: lebih dari {max} isian ({found})")
            }
        };
        shown_text(&text)
    }
}

/// Most characters of one line of a message: a TOML error quotes the line of the file, which
/// may be a megabyte long.
const MESSAGE_LINE_CHARS: usize = 300;

/// `text` with control characters escaped and each line shortened to [`MESSAGE_LINE_CHARS`].
fn shown_text(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = setara_core::text::printable(l);
            if l.chars().count() > MESSAGE_LINE_CHARS {
                let mut s: String = l.chars().take(MESSAGE_LINE_CHARS - 1).collect();
                s.push('…');
                s
            } else {
                l.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A value from the programme as a message quotes it: at most 60 characters, quoted, with
/// escapes.
pub(crate) fn quoted(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() > MAX {
        let short: String = s.chars().take(MAX - 1).collect();
        format!("{:?}", short + "…")
    } else {
        format!("{s:?}")
    }
}
