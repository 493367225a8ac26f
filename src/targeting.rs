//! What the programme and targeting commands share on the terminal: a rule's warnings on
//! stderr, a rule read from a file, and the stale-ranking warning.

use std::path::Path;

use setara_app::model::MAX_RULE_BYTES;
use setara_core::text::printable;

use crate::context::Context;
use crate::failure::Result;

/// A rule's warnings on stderr (unless `--quiet` or `--json`), each with the rule line and a
/// caret; `label` says which rule when a command checks several.
pub fn show_rule_warnings(
    ctx: &Context,
    label: Option<&str>,
    warnings: &[setara_app::targeting::RuleWarning],
) {
    if ctx.quiet || ctx.json {
        return;
    }
    for w in warnings {
        let head = ctx.t("peringatan", "warning");
        let which = label.map(|l| format!(" ({l})")).unwrap_or_default();
        errln!("{head}{which}: {}", w.shown);
    }
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

/// The label of rule `i` of a comparison (0: the programme's own).
pub fn rule_label(ctx: &Context, i: usize) -> String {
    if i == 0 {
        ctx.t("aturan program", "programme rule").to_string()
    } else {
        format!("{} {i}", ctx.t("alternatif", "alternative"))
    }
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

/// A rule under the heading "Rule": on the heading's line when it is one line, else each line
/// indented under it with a bar, so that no line of it (a comment, say) can pass for another
/// field; control characters escaped.
pub fn print_rule(ctx: &Context, rule: &str) {
    let lines: Vec<&str> = rule.trim().lines().collect();
    let heading = ctx.t("Aturan", "Rule");
    if lines.len() <= 1 {
        outln!("  {heading}: {}", printable(rule.trim()));
    } else {
        outln!("  {heading}:");
        for l in lines {
            outln!("    | {}", printable(l.trim_end()));
        }
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

/// The rules a targeting command compiled: the programme's own, and for `--compare` the
/// alternatives (labelled then).
pub struct Compiled<'a> {
    pub programme: &'a str,
    pub alternatives: Option<&'a [String]>,
}

/// An error of a targeting operation as the CLI reports it: when it arose after the ranking
/// was loaded (a rule, the cut, the truth file, a household not in the ranked snapshot, …),
/// the stale-ranking warning comes first, and then the warnings of the rules that compiled
/// before the error, as they always did; `--very-poor` out of range is a usage error (exit 2).
pub fn after_ranking(
    ctx: &Context,
    rules: Option<Compiled>,
    e: setara_app::Error,
) -> crate::failure::Failure {
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
    if let Some(r) = rules
        && (AFTER.contains(&e.code) || e.code.starts_with("rule_"))
        && e.code != "compare_bad_very_poor"
    {
        let app = ctx.app();
        let alternatives = r.alternatives.unwrap_or_default();
        let all =
            setara_app::targeting::rule_warnings_of(&app, &ctx.caller(), r.programme, alternatives);
        for (i, w) in all.iter().enumerate() {
            let label = r.alternatives.map(|_| rule_label(ctx, i));
            show_rule_warnings(ctx, label.as_deref(), w);
        }
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
