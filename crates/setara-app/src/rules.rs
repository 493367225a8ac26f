//! Eligibility rules as every operation compiles them: errors with the rule crate's stable code
//! and the rule line with a caret under the column, in both languages.

use setara_core::{Lang, Localized, RegionCode};
use setara_rules::Rule;

use crate::error::{Error, ErrorKind, Result};

/// A rule's error (`rule_syntax`, `rule_too_deep`, …), rendered against its source.
pub fn rule_error(source: &str, e: &setara_rules::Error) -> Error {
    Error::new(
        ErrorKind::Invalid,
        e.code(),
        e.render(source, Lang::Id),
        e.render(source, Lang::En),
    )
}

fn context(programmes: &[String]) -> setara_rules::Context {
    setara_rules::Context {
        programmes: programmes.to_vec(),
        ranking: true,
    }
}

/// Parse and type-check a rule; `programmes` are the codes `receives(...)` may name. The
/// rule's [`warnings`](Rule::warnings) are for the caller to show.
pub fn check_rule(source: &str, programmes: &[String]) -> Result<Rule> {
    Rule::compile(source, &context(programmes)).map_err(|e| rule_error(source, &e))
}

/// [`check_rule`] restricted to the households inside `area`; errors and warnings point into
/// `source` as written.
pub fn check_rule_in(source: &str, area: RegionCode, programmes: &[String]) -> Result<Rule> {
    Rule::compile_in_region(source, area, &context(programmes)).map_err(|e| rule_error(source, &e))
}

/// Compile `rule` within a programme's area (one more clause, so that explanations show it
/// too): the rule's own errors, limits and warnings point into the rule as written.
pub fn compile_in_area(rule: &str, area: Option<RegionCode>, codes: &[String]) -> Result<Rule> {
    match area {
        None => check_rule(rule, codes),
        Some(area) => check_rule_in(rule, area, codes),
    }
}
