//! Free text that Setara stores and prints again (actors, reasons, names, addresses, notes):
//! what is accepted, so that no value can forge a line of a history or a report, hide text
//! with control characters, or fill the memory.

use crate::lang::{Lang, Localized};

/// Longest actor name, in characters.
pub const MAX_ACTOR_CHARS: usize = 100;
/// Longest reason, note or other one-line free text, in characters.
pub const MAX_NOTE_CHARS: usize = 1_000;

/// Why a free-text value is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{field} is empty")]
    Empty { field: &'static str },
    #[error("{field} is longer than {max} characters ({len})")]
    TooLong {
        field: &'static str,
        max: usize,
        len: usize,
    },
    #[error("{field} contains a control character ({found}) at character {at}")]
    Control {
        field: &'static str,
        /// The character as an escape, e.g. `\n` or `\u{1b}`.
        found: String,
        /// 1-based position.
        at: usize,
    },
}

impl Localized for TextError {
    fn code(&self) -> &'static str {
        match self {
            TextError::Empty { .. } => "text_empty",
            TextError::TooLong { .. } => "text_too_long",
            TextError::Control { .. } => "text_control_character",
        }
    }
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (e, Lang::En) => e.to_string(),
            (TextError::Empty { field }, Lang::Id) => format!("{field} kosong"),
            (TextError::TooLong { field, max, len }, Lang::Id) => {
                format!("{field} lebih dari {max} karakter ({len})")
            }
            (TextError::Control { field, found, at }, Lang::Id) => {
                format!("{field} memuat karakter kendali ({found}) pada karakter ke-{at}")
            }
        }
    }
}

/// Whether `c` may not appear in stored text: C0 and C1 controls (newlines and tabs
/// included: every such value is one line) and the Unicode controls that reorder or hide
/// text (bidirectional overrides and isolates, zero-width joiners are allowed).
pub fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Check one line of free text named `field`: not empty after trimming, at most `max`
/// characters, no character for which [`is_forbidden`] holds. Returns the trimmed text.
pub fn check_line<'a>(field: &'static str, s: &'a str, max: usize) -> Result<&'a str, TextError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(TextError::Empty { field });
    }
    if let Some((i, c)) = t.chars().enumerate().find(|&(_, c)| is_forbidden(c)) {
        return Err(TextError::Control {
            field,
            found: c.escape_default().to_string(),
            at: i + 1,
        });
    }
    let len = t.chars().count();
    if len > max {
        return Err(TextError::TooLong { field, max, len });
    }
    Ok(t)
}

/// Text as it may be printed on a terminal or in a report: each forbidden character is shown
/// as its escape (`\n`, `\u{1b}`), so stored text written before these checks existed cannot
/// forge lines either.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_forbidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_forbidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_without_controls() {
        assert_eq!(check_line("actor", "  budi  ", 10), Ok("budi"));
        assert_eq!(
            check_line("actor", "budi\n2026-01-01 admin", 100)
                .unwrap_err()
                .code(),
            "text_control_character"
        );
        assert!(check_line("reason", "a\u{202E}b", 100).is_err());
        assert!(check_line("reason", "nul\0", 100).is_err());
        assert_eq!(
            check_line("reason", "   ", 100).unwrap_err().code(),
            "text_empty"
        );
        assert_eq!(
            check_line("reason", "ééé", 2).unwrap_err().code(),
            "text_too_long"
        );
        assert_eq!(
            check_line("name", "Siti Nur'aini", 100),
            Ok("Siti Nur'aini")
        );
    }

    #[test]
    fn printable_escapes_what_could_forge_a_line() {
        assert_eq!(printable("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        assert!(matches!(printable("biasa"), std::borrow::Cow::Borrowed(_)));
    }
}
