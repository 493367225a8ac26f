//! What the programme and targeting commands share on the terminal: a rule's warnings on
//! stderr, a rule read from a file, and the stale-ranking warning.

use std::path::Path;

use setara_app::model::{MAX_RULE_BYTES, RuleWarning as Warning};

use crate::context::Context;
use crate::failure::Result;

/// A rule's warnings on stderr (unless `--quiet` or `--json`), each with the rule line and a
/// caret; `label` says which rule when a command checks several.
pub fn show_warnings(ctx: &Context, label: Option<&str>, source: &str, warnings: &[Warning]) {
    let shown: Vec<String> = warnings
        .iter()
        .map(|w| w.render(source, ctx.lang))
        .collect();
    show_rendered(ctx, label, shown.iter().map(String::as_str));
}

/// Warnings of the application layer ([`setara_app::targeting::RuleWarning`]) as
/// [`show_warnings`] prints them.
pub fn show_rule_warnings(
    ctx: &Context,
    label: Option<&str>,
    warnings: &[setara_app::targeting::RuleWarning],
) {
    show_rendered(ctx, label, warnings.iter().map(|w| w.shown.as_str()));
}

fn show_rendered<'a>(ctx: &Context, label: Option<&str>, shown: impl Iterator<Item = &'a str>) {
    if ctx.quiet || ctx.json {
        return;
    }
    for w in shown {
        let head = ctx.t("peringatan", "warning");
        let which = label.map(|l| format!(" ({l})")).unwrap_or_default();
        errln!("{head}{which}: {w}");
    }
}

/// Warnings as `--json` prints them: `[{"code", "message"}]` (with `"rule"` naming the rule
/// when a command checks several).
pub fn warnings_json(
    ctx: &Context,
    label: Option<&str>,
    warnings: &[Warning],
) -> Vec<serde_json::Value> {
    use setara_core::Localized;
    warnings
        .iter()
        .map(|w| {
            let mut v = serde_json::json!({ "code": w.code(), "message": w.message(ctx.lang) });
            if let Some(l) = label {
                v["rule"] = serde_json::Value::from(l);
            }
            v
        })
        .collect()
}

/// Read a rule from a file (`--rule-file`): at most [`MAX_RULE_BYTES`] bytes of UTF-8 text.
pub fn read_rule_file(path: &Path) -> Result<String> {
    crate::input::read_text(
        path,
        &crate::input::SmallFile {
            max: MAX_RULE_BYTES,
            what: ("berkas aturan", "rule file"),
            directory: "rule_file_is_directory",
            too_large: "rule_too_long",
            not_utf8: "rule_not_utf8",
        },
    )
}

/// Warn (unless `--quiet`) when the ranking used is older than the registry's latest snapshot.
pub fn warn_stale(ctx: &Context, stale: bool) {
    if !ctx.quiet && stale {
        errln!(
            "{}",
            ctx.t(
                "peringatan: ada snapshot yang lebih baru daripada yang diperingkat; jalankan `setara rank` agar penargetan memakai data terbaru",
                "warning: there is a newer snapshot than the one ranked; run `setara rank` so that targeting uses the latest data"
            )
        );
    }
}

/// One line of text for a table cell: cut to `n` characters with an ellipsis.
pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    } else {
        s.to_string()
    }
}

/// An error of a targeting operation as the CLI reports it: when it arose after the ranking
/// was loaded (a rule, the cut, the truth file, a household not in the ranked snapshot, …),
/// the stale-ranking warning comes first, as it always did; `--very-poor` out of range is a
/// usage error (exit 2).
pub fn after_ranking(ctx: &Context, e: setara_app::Error) -> crate::failure::Failure {
    const AFTER: &[&str] = &[
        "household_not_ranked",
        "household_not_found",
        "compare_bad_very_poor",
        "truth_unreadable",
        "truth_column_missing",
        "truth_bad_row",
        "file_not_found",
        "bps_period_unknown",
        "cycle_out_of_range",
        "selection_empty",
        "selection_exists",
        "selection_programme_changed",
        "selection_ranking_changed",
        "money_overflow",
    ];
    if (AFTER.contains(&e.code) || e.code.starts_with("rule_"))
        && setara_app::ranking::is_stale(&ctx.app())
    {
        warn_stale(ctx, true);
    }
    if e.code == "compare_bad_very_poor" {
        return crate::failure::Failure::new(
            crate::failure::Kind::Usage,
            "compare_bad_very_poor",
            e.id,
            e.en,
        );
    }
    e.into()
}
