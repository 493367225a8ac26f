//! What the ranking and targeting commands share: the ranking file beside a snapshot, loading
//! the latest ranking with its snapshot, checking rules, the beneficiaries of programmes as
//! bitmaps, and household vulnerability.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use setara_core::{Disability, RegionCode, Regions};
use setara_rules::{Bitmap, Inputs, MAX_RULE_BYTES, Ranking, Rule, Warning};
use setara_snapshot::ranking::RankingError;
use setara_snapshot::{Column, Snapshot};
use setara_store::{Store, StoredProgramme};
use setara_targeting::vulnerability::Member;
use setara_targeting::{Checked, Households, Selection};

use crate::context::{Context, show_path};
use crate::failure::{Failure, Kind, Result};

pub use setara_snapshot::ranking::RankingColumns;

/// The date a snapshot describes: ages and the ranking are computed on it, so that the same
/// snapshot always gives the same answers.
pub fn reference_date(snap: &Snapshot) -> NaiveDate {
    chrono::DateTime::parse_from_rfc3339(&snap.manifest().created)
        .map(|t| t.date_naive())
        .unwrap_or_else(|_| chrono::Utc::now().date_naive())
}

/// Write the ranking's columns ([`setara_snapshot::ranking::write_ranking`]), with its errors
/// as the CLI reports them.
pub fn write_ranking(path: &Path, cols: &RankingColumns) -> Result<()> {
    setara_snapshot::ranking::write_ranking(path, cols).map_err(ranking_failure)
}

/// Read a ranking file ([`setara_snapshot::ranking::read_ranking`]), with its errors as the
/// CLI reports them.
pub fn read_ranking(path: &Path, households: usize) -> Result<RankingColumns> {
    setara_snapshot::ranking::read_ranking(path, households).map_err(ranking_failure)
}

/// A ranking file's error as a failure (exit 3) ([`setara_app::ranking::ranking_error`]).
fn ranking_failure(e: RankingError) -> Failure {
    match e {
        RankingError::Io { path, source, .. } => Failure::io(&path, &source),
        e => Failure::from_localized(Kind::Failed, &e.show_paths_with(show_path)),
    }
}

pub use setara_app::ranking::Ranked;

/// Load the latest ranking run ([`setara_app::ranking::load_ranking`]); warns when the registry
/// has a newer snapshot than the one ranked.
pub fn load_ranking(ctx: &Context, store: &dyn Store) -> Result<Ranked> {
    let ranked = setara_app::ranking::load_ranking(&ctx.app(), store)?;
    if !ctx.quiet && ranked.stale {
        errln!(
            "{}",
            ctx.t(
                "peringatan: ada snapshot yang lebih baru daripada yang diperingkat; jalankan `setara rank` agar penargetan memakai data terbaru",
                "warning: there is a newer snapshot than the one ranked; run `setara rank` so that targeting uses the latest data"
            )
        );
    }
    Ok(ranked)
}

/// A rule's error as a failure ([`setara_app::rules::rule_error`]).
pub fn rule_failure(source: &str, e: &setara_rules::Error) -> Failure {
    setara_app::rules::rule_error(source, e).into()
}

/// Parse and type-check a rule ([`setara_app::rules::check_rule`]).
pub fn check_rule(source: &str, programmes: &[String]) -> Result<Rule> {
    Ok(setara_app::rules::check_rule(source, programmes)?)
}

/// A rule's warnings on stderr (unless `--quiet` or `--json`), each with the rule line and a
/// caret; `label` says which rule when a command checks several.
pub fn show_warnings(ctx: &Context, label: Option<&str>, source: &str, warnings: &[Warning]) {
    if ctx.quiet || ctx.json {
        return;
    }
    for w in warnings {
        let head = ctx.t("peringatan", "warning");
        let which = label.map(|l| format!(" ({l})")).unwrap_or_default();
        errln!("{head}{which}: {}", w.render(source, ctx.lang));
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

/// Everything a rule is evaluated on: the ranked snapshot and the current beneficiaries.
pub struct RuleInputs {
    pub programmes: HashMap<String, Bitmap>,
    pub reference_date: NaiveDate,
}

impl RuleInputs {
    /// Beneficiary bitmaps of every programme in the store (built only when `needed`: the
    /// KK → row index costs a pass over all households).
    pub fn new(store: &dyn Store, ranked: &Ranked, needed: bool) -> Result<RuleInputs> {
        let snap = &ranked.snapshot;
        let n = snap.household_count();
        let mut programmes: HashMap<String, Bitmap> = store
            .programmes()?
            .into_iter()
            .map(|p| (p.programme.code, Bitmap::new(n)))
            .collect();
        if needed {
            let live = store.live_entitlements()?;
            if !live.is_empty() {
                let rows = kk_rows(snap);
                for e in live {
                    if let (Some(&row), Some(b)) =
                        (rows.get(&e.kk.as_u64()), programmes.get_mut(&e.programme))
                    {
                        b.set(row as usize, true);
                    }
                }
            }
        }
        Ok(RuleInputs {
            programmes,
            reference_date: reference_date(snap),
        })
    }

    pub fn codes(&self) -> Vec<String> {
        let mut c: Vec<String> = self.programmes.keys().cloned().collect();
        c.sort();
        c
    }

    pub fn inputs<'a>(&'a self, ranked: &'a Ranked) -> Inputs<'a> {
        Inputs {
            snapshot: &ranked.snapshot,
            reference_date: self.reference_date,
            ranking: Some(Ranking::from(&ranked.columns)),
            programmes: &self.programmes,
        }
    }
}

/// KK → household row of a snapshot.
pub fn kk_rows(snap: &Snapshot) -> HashMap<u64, u32> {
    snap.kk()
        .values()
        .iter()
        .enumerate()
        .map(|(i, &k)| (k, i as u32))
        .collect()
}

/// Vulnerable conditions among each household's members
/// ([`setara_targeting::vulnerability`]), read from the snapshot's person columns with ages on
/// `on`.
pub fn vulnerability(snap: &Snapshot, on: NaiveDate) -> Vec<u16> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid");
    let today = (on - epoch).num_days() as i32;
    let birth = snap.birth_date();
    let disability = snap.disability();
    let chronic = snap.chronic_illness();
    let none = Disability::None.index();
    let first = snap.first_person().values();
    let members = snap.members().values();
    (0..snap.household_count())
        .map(|h| {
            let start = first[h] as usize;
            setara_targeting::vulnerability::vulnerability(
                (start..start + members[h] as usize).map(|p| Member {
                    age_days: today - birth.value(p),
                    disabled: disability.get(p).is_some_and(|d| d != none),
                    chronic_illness: chronic.get(p) == Some(true),
                }),
            )
        })
        .collect()
}

/// Does the rule text use `receives(`? Then the beneficiary bitmaps must be built.
pub fn uses_receives(rule: &str) -> bool {
    rule.contains("receives")
}

// What the targeting commands (target, explain, overlap) share: a programme loaded and
// checked, its rule compiled within its area and evaluated, and the selection of one cycle.

/// A programme loaded and checked, with its compiled rule restricted to its area.
pub struct Loaded {
    pub stored: StoredProgramme,
    pub checked: Checked,
}

pub fn load_programme(store: &dyn Store, code: &str) -> Result<Loaded> {
    let stored = store
        .programme(code)?
        .ok_or_else(|| setara_store::StoreError::ProgrammeNotFound(code.to_string()))?;
    let checked = stored.programme.check(Regions::kemendagri_2025())?;
    Ok(Loaded { stored, checked })
}

/// Compile a rule within a programme's area ([`setara_app::rules::compile_in_area`]).
pub fn compile_in_area(rule: &str, area: Option<RegionCode>, codes: &[String]) -> Result<Rule> {
    Ok(setara_app::rules::compile_in_area(rule, area, codes)?)
}

/// Evaluate a rule (within the area) over the ranked snapshot.
pub fn eligible(rule: &Rule, inputs: &RuleInputs, ranked: &Ranked) -> Result<Bitmap> {
    rule.evaluate(&inputs.inputs(ranked))
        .map_err(|e| rule_failure(rule.source(), &e))
}

/// The ranked snapshot's household columns as a selection reads them; `vulnerable` is
/// [`vulnerability`] of the snapshot, computed by the caller.
fn households<'a>(ranked: &'a Ranked, vulnerable: &'a [u16]) -> Households<'a> {
    Households {
        kk: ranked.snapshot.kk().values(),
        members: ranked.snapshot.members().values(),
        region: ranked.snapshot.region().values(),
        desil: &ranked.columns.desil,
        score: &ranked.columns.score,
        vulnerability: vulnerable,
    }
}

/// Run the selection of one cycle over the eligible households of the ranked snapshot
/// ([`setara_targeting::run_selection`]).
pub fn run_selection(checked: &Checked, ranked: &Ranked, bits: &Bitmap) -> Result<Selection> {
    let on = crate::targeting::reference_date(&ranked.snapshot);
    let vulnerable = vulnerability(&ranked.snapshot, on);
    Ok(setara_targeting::run_selection(
        checked,
        &households(ranked, &vulnerable),
        bits.iter_ones(),
    )?)
}
