//! Languages of user-facing messages (bahasa pesan).
//!
//! Every message a user reads exists in Bahasa Indonesia and English. The language is chosen by
//! `--lang`, else by `SETARA_LANG`, else by the usual locale variables; Indonesian when unsure.

use std::fmt;
use std::str::FromStr;

/// A language of user-facing text.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Bahasa Indonesia (the default).
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// The language the environment asks for: `SETARA_LANG`, then `LC_ALL`, `LC_MESSAGES`, `LANG`.
    /// Only an explicit English locale gives English; anything else, or nothing, gives Indonesian.
    pub fn from_env() -> Lang {
        Self::from_env_vars(|k| std::env::var(k).ok())
    }

    /// As [`Lang::from_env`], reading variables through `get` (testable without touching the process).
    pub fn from_env_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        if let Some(l) = get("SETARA_LANG").and_then(|v| v.parse().ok()) {
            return l;
        }
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(v) = get(key).filter(|v| !v.is_empty()) {
                let v = v.to_ascii_lowercase();
                // POSIX gives precedence to the first variable that is set.
                return if v.starts_with("en") {
                    Lang::En
                } else {
                    Lang::Id
                };
            }
        }
        Lang::Id
    }

    /// Pick the text for this language.
    pub fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        if s == "id" || s.starts_with("id_") || s.starts_with("id-") || s == "in" {
            Ok(Lang::Id)
        } else if s == "en" || s.starts_with("en_") || s.starts_with("en-") {
            Ok(Lang::En)
        } else {
            Err(format!("unknown language {s:?}: use id or en"))
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Something that can explain itself to a user in either language, with a stable code that
/// officers and client developers can look up (`import_invalid_row`, `nik_bad_month`, ...).
pub trait Localized {
    /// Stable, machine-readable code in snake_case.
    fn code(&self) -> &'static str;
    /// The message in the given language.
    fn message(&self, lang: Lang) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn indonesian_when_unsure() {
        assert_eq!(Lang::from_env_vars(env(&[])), Lang::Id);
        assert_eq!(Lang::from_env_vars(env(&[("LANG", "C.UTF-8")])), Lang::Id);
        assert_eq!(
            Lang::from_env_vars(env(&[("LANG", "id_ID.UTF-8")])),
            Lang::Id
        );
    }

    #[test]
    fn english_only_when_asked() {
        assert_eq!(
            Lang::from_env_vars(env(&[("LANG", "en_US.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_env_vars(env(&[("LC_ALL", "id_ID"), ("LANG", "en_US")])),
            Lang::Id
        );
        assert_eq!(
            Lang::from_env_vars(env(&[("SETARA_LANG", "en"), ("LANG", "id_ID")])),
            Lang::En
        );
    }
}
