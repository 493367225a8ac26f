//! Targeting: a programme's rule over the ranked snapshot (preview), the selection of one cycle
//! frozen with its entitlements proposed (freeze), alternative rules compared against true
//! welfare (compare), and a frozen list's rows for field teams (beneficiaries).
//!
//! Every read respects the caller's scope: a regional officer counts, compares and exports only
//! households of their region (the selection itself is always the programme's, over its whole
//! area: a scope narrows what is shown, never what is decided).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use serde::Serialize;
use setara_core::{Bps, Disability, Kk, Level, Localized, RegionCode, Regions};
use setara_rules::{Bitmap, Inputs, Ranking, Rule, Warning, count_persons};
use setara_snapshot::{Column, Snapshot};
use setara_store::{NewSelection, Reader, SelectionInfo, SelectionMember, Store, StoredProgramme};
use setara_targeting::vulnerability::Member;
use setara_targeting::{
    Accuracy, Checked, Cut, Households, Known, ListHeader, Selection, cut_of, rupiah,
};

use crate::error::{Error, ErrorKind, Result};
use crate::ranking::{Ranked, kk_rows, load_ranking, reference_date};
use crate::rules::{compile_in_area, rule_error};
use crate::{App, Caller};

/// A programme loaded and checked.
pub struct Loaded {
    pub stored: StoredProgramme,
    pub checked: Checked,
}

/// The current version of a programme, checked (`programme_not_found` otherwise).
pub fn load_programme(store: &dyn Store, code: &str) -> Result<Loaded> {
    let stored = store
        .programme(code)?
        .ok_or_else(|| setara_store::StoreError::ProgrammeNotFound(code.to_string()))?;
    let checked = stored.programme.check(Regions::kemendagri_2025())?;
    Ok(Loaded { stored, checked })
}

/// Does the rule text use `receives(`? Then the beneficiary bitmaps must be built.
pub fn uses_receives(rule: &str) -> bool {
    rule.contains("receives")
}

/// Everything a rule is evaluated on besides the ranked snapshot: the current beneficiaries of
/// every programme, and the reference date.
pub struct RuleInputs {
    pub programmes: HashMap<String, Bitmap>,
    pub reference_date: NaiveDate,
}

impl RuleInputs {
    /// Beneficiary bitmaps of every programme in the store (built only when `needed`: the
    /// KK → row index costs a pass over all households).
    pub fn new(app: &App, store: &dyn Store, ranked: &Ranked, needed: bool) -> Result<RuleInputs> {
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
            reference_date: reference_date(app, snap),
        })
    }

    /// The programme codes `receives(...)` may name, sorted.
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

/// Evaluate a rule (compiled within the area) over the ranked snapshot.
pub fn eligible(rule: &Rule, inputs: &RuleInputs, ranked: &Ranked) -> Result<Bitmap> {
    rule.evaluate(&inputs.inputs(ranked))
        .map_err(|e| rule_error(rule.source(), &e))
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

/// Run the selection of one cycle over the eligible households of the ranked snapshot
/// ([`setara_targeting::run_selection`]).
pub fn run_selection(
    app: &App,
    checked: &Checked,
    ranked: &Ranked,
    bits: &Bitmap,
) -> Result<Selection> {
    let vulnerable = vulnerability(&ranked.snapshot, reference_date(app, &ranked.snapshot));
    let households = Households {
        kk: ranked.snapshot.kk().values(),
        members: ranked.snapshot.members().values(),
        region: ranked.snapshot.region().values(),
        desil: &ranked.columns.desil,
        score: &ranked.columns.score,
        vulnerability: &vulnerable,
    };
    Ok(setara_targeting::run_selection(
        checked,
        &households,
        bits.iter_ones(),
    )?)
}

/// The households of the snapshot the caller may see (`None`: all of them).
pub fn scope_bits(caller: &Caller, snap: &Snapshot) -> Option<Bitmap> {
    let scope = caller.scope?;
    let region = snap.region().values();
    Some(Bitmap::from_fn(snap.household_count(), |h| {
        RegionCode::from_key(region[h]).is_some_and(|r| r.is_within(scope))
    }))
}

fn within(bits: Bitmap, scope: Option<&Bitmap>) -> Bitmap {
    match scope {
        Some(s) => bits.and(s),
        None => bits,
    }
}

/// A warning about a rule, in the caller's language.
#[derive(Clone, Debug, Serialize)]
pub struct RuleWarning {
    pub code: &'static str,
    pub message: String,
    /// Where in the rule (line and column, from 1).
    pub line: usize,
    pub column: usize,
    /// The attribute compared (`desil`, `members.count(…)`).
    pub attribute: String,
    /// The warning with the rule's line and a caret under the column, as a terminal shows it.
    #[serde(skip)]
    pub shown: String,
}

fn rule_warnings(caller: &Caller, rule: &Rule) -> Vec<RuleWarning> {
    warnings_of(caller, rule.source(), rule.warnings())
}

/// The warnings of a programme's rule and of `alternatives` as targeting compiles them, in
/// that order up to the first rule that does not compile: for a front end that reports them
/// beside an error that came later (nothing when the programme cannot be read).
pub fn rule_warnings_of(
    app: &App,
    caller: &Caller,
    programme: &str,
    alternatives: &[String],
) -> Vec<Vec<RuleWarning>> {
    let read = || -> Result<(Loaded, Vec<String>)> {
        let store = app.reader()?;
        let loaded = load_programme(&*store, programme)?;
        let mut codes: Vec<String> = store
            .programmes()?
            .into_iter()
            .map(|p| p.programme.code)
            .collect();
        codes.sort();
        Ok((loaded, codes))
    };
    let Ok((loaded, codes)) = read() else {
        return Vec::new();
    };
    std::iter::once(&loaded.checked.programme.rule)
        .chain(alternatives)
        .map_while(|text| compile_in_area(text, loaded.checked.area, &codes).ok())
        .map(|rule| rule_warnings(caller, &rule))
        .collect()
}

/// Warnings of a rule (`source`) in the caller's language.
pub fn warnings_of(caller: &Caller, source: &str, warnings: &[Warning]) -> Vec<RuleWarning> {
    warnings
        .iter()
        .map(|w| RuleWarning {
            code: w.code(),
            message: w.message(caller.lang),
            line: w.line,
            column: w.column,
            attribute: w.attribute.clone(),
            shown: w.render(source, caller.lang),
        })
        .collect()
}

/// `households × benefit`, or an error: money is never a wrapped number.
pub fn cost_of(households: u64, benefit: i64) -> Result<i64> {
    i64::try_from(households)
        .ok()
        .and_then(|h| h.checked_mul(benefit))
        .ok_or_else(|| {
            Error::invalid(
                "money_overflow",
                format!(
                    "biaya {households} keluarga × {} terlalu besar untuk dihitung",
                    rupiah(benefit)
                ),
                format!(
                    "the cost of {households} households × {} is too large to count",
                    rupiah(benefit)
                ),
            )
        })
}

/// The grouping level one below the area (provinces for a national programme).
fn child_level(area: Option<RegionCode>) -> Level {
    match area.map(|a| a.level()) {
        None => Level::Province,
        Some(Level::Province) => Level::Regency,
        Some(Level::Regency) => Level::District,
        Some(_) => Level::Village,
    }
}

/// The name of a region in the shipped table ("" when unknown).
pub fn region_name(r: RegionCode) -> String {
    Regions::kemendagri_2025()
        .get(r)
        .map(|x| x.name.to_string())
        .unwrap_or_default()
}

/// Which programme to preview or compare.
#[derive(Clone, Debug, Serialize)]
pub struct PreviewRequest {
    pub programme: String,
}

/// Eligible households and persons of one region (one level below the programme's area).
#[derive(Clone, Debug, Serialize)]
pub struct RegionCount {
    pub region: RegionCode,
    pub name: String,
    pub households: u64,
    pub persons: u64,
}

/// A programme's rule over the ranked snapshot.
#[derive(Clone, Debug, Serialize)]
pub struct Preview {
    pub programme: String,
    pub name: String,
    pub rule: String,
    pub area: String,
    pub ranking: i64,
    pub snapshot: String,
    /// The registry has a newer snapshot than the one ranked.
    pub stale: bool,
    pub eligible_households: u64,
    pub eligible_persons: u64,
    pub rupiah_per_household: i64,
    /// `eligible_households × rupiah_per_household`.
    pub cost: i64,
    pub budget_per_cycle: i64,
    /// How many households the budget pays for.
    pub households_budget_covers: u64,
    pub regions: Vec<RegionCount>,
    pub warnings: Vec<RuleWarning>,
    pub seconds: f64,
}

/// Eligible households and persons by region and the cost against the budget. A regional
/// officer sees the eligible households of their region only (the cost is theirs too; the
/// budget stays the programme's).
pub fn preview(app: &App, caller: &Caller, req: &PreviewRequest) -> Result<Preview> {
    let started = Instant::now();
    let store = app.reader()?;
    let loaded = load_programme(store.as_ref(), &req.programme)?;
    let ranked = load_ranking(app, store.as_ref())?;
    let p = &loaded.checked.programme;
    let inputs = RuleInputs::new(app, store.as_ref(), &ranked, uses_receives(&p.rule))?;
    let rule = compile_in_area(&p.rule, loaded.checked.area, &inputs.codes())?;
    let bits = within(
        eligible(&rule, &inputs, &ranked)?,
        scope_bits(caller, &ranked.snapshot).as_ref(),
    );
    let level = child_level(loaded.checked.area);
    let members = ranked.snapshot.members().values();
    let region = ranked.snapshot.region().values();
    let mut by_region: BTreeMap<u64, RegionCount> = BTreeMap::new();
    for h in bits.iter_ones() {
        let r = RegionCode::from_key(region[h])
            .expect("snapshot regions")
            .ancestor_or_self(level);
        let e = by_region.entry(r.key()).or_insert_with(|| RegionCount {
            region: r,
            name: region_name(r),
            households: 0,
            persons: 0,
        });
        e.households += 1;
        e.persons += members[h] as u64;
    }
    let households = bits.count_ones() as u64;
    let benefit = loaded.checked.rupiah_per_household;
    let cost = cost_of(households, benefit)?;
    Ok(Preview {
        programme: p.code.clone(),
        name: p.name.clone(),
        rule: p.rule.clone(),
        area: p.area.clone(),
        ranking: ranked.info.id,
        snapshot: ranked.info.snapshot.clone(),
        stale: ranked.stale,
        eligible_households: households,
        eligible_persons: count_persons(&bits, &ranked.snapshot),
        rupiah_per_household: benefit,
        cost,
        budget_per_cycle: p.budget_per_cycle,
        // Both between 1 and the money ceiling: a quotient of positive numbers.
        households_budget_covers: (p.budget_per_cycle / benefit) as u64,
        regions: by_region.into_values().collect(),
        warnings: rule_warnings(caller, &rule),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Select and freeze one cycle of a programme.
#[derive(Clone, Debug, Serialize)]
pub struct FreezeRequest {
    pub programme: String,
    /// Default: the next cycle not yet frozen.
    pub cycle: Option<u32>,
}

/// A cycle's list, frozen, with an entitlement proposed for each selected household.
#[derive(Clone, Debug, Serialize)]
pub struct Frozen {
    pub selection: i64,
    pub programme: String,
    pub cycle: u32,
    pub stale: bool,
    pub eligible: u64,
    pub selected: u64,
    pub persons: u64,
    pub cost: i64,
    pub budget: i64,
    pub content_hash: String,
    pub cut: Cut,
    pub entitlements_proposed: u64,
    pub warnings: Vec<RuleWarning>,
}

/// The content hash of a frozen list ([`setara_targeting::content_hash`]) as the store keeps it
/// beside the selection: of the same list when frozen and when exported.
pub fn content_hash(sel: &NewSelection, version: u32, members: &[SelectionMember]) -> String {
    setara_targeting::content_hash(
        &ListHeader {
            programme: &sel.programme,
            version,
            cycle: sel.cycle,
            snapshot: &sel.snapshot,
            ranking_run: sel.ranking_run,
            rule: &sel.rule,
        },
        members,
    )
}

/// Fill the cycle's budget and quotas by priority over the latest ranking, freeze the list and
/// propose an entitlement for each selected household. The store's freezing transaction
/// refuses the list when the programme or the ranking changed since they were read
/// (`selection_programme_changed`, `selection_ranking_changed`) and a cycle already frozen.
///
/// A selection decides over the programme's whole area, so a regional officer may freeze only
/// a programme whose area lies within their region (a regency's programme for a province's
/// officer); a national programme, or one reaching outside the region, is refused
/// (`selection_out_of_scope`, forbidden).
pub fn freeze(app: &App, caller: &Caller, req: &FreezeRequest) -> Result<Frozen> {
    caller.require_registry_change()?;
    let mut store = app.writer()?;
    let loaded = load_programme(store.as_ref(), &req.programme)?;
    let p = &loaded.checked.programme;
    if let Some(scope) = caller.scope
        && !loaded.checked.area.is_some_and(|a| a.is_within(scope))
    {
        return Err(Error::new(
            ErrorKind::Forbidden,
            "selection_out_of_scope",
            format!(
                "wilayah program {} ({}) tidak berada di dalam wilayah kerja Anda ({scope}); penetapan memutuskan untuk seluruh wilayah program",
                p.code, p.area
            ),
            format!(
                "programme {}'s area ({}) is not within your region ({scope}); a selection decides for the programme's whole area",
                p.code, p.area
            ),
        ));
    }
    let ranked = load_ranking(app, store.as_ref())?;
    let inputs = RuleInputs::new(app, store.as_ref(), &ranked, uses_receives(&p.rule))?;
    let rule = compile_in_area(&p.rule, loaded.checked.area, &inputs.codes())?;
    let frozen = store.selections(&p.code)?;
    let cycle = match req.cycle {
        Some(c) => c,
        None => frozen.iter().map(|s| s.cycle).max().unwrap_or(0) + 1,
    };
    if cycle == 0 || cycle > p.cycles {
        return Err(Error::invalid(
            "cycle_out_of_range",
            format!(
                "program {} memiliki siklus 1–{}; siklus {cycle} tidak ada",
                p.code, p.cycles
            ),
            format!(
                "programme {} has cycles 1–{}; there is no cycle {cycle}",
                p.code, p.cycles
            ),
        ));
    }
    let bits = eligible(&rule, &inputs, &ranked)?;
    if bits.count_ones() == 0 {
        return Err(Error::invalid(
            "selection_empty",
            format!(
                "tidak ada keluarga yang memenuhi aturan program {} di wilayahnya; tidak ada yang dibekukan",
                p.code
            ),
            format!(
                "no household meets programme {}'s rule in its area; nothing was frozen",
                p.code
            ),
        ));
    }
    let selection = run_selection(app, &loaded.checked, &ranked, &bits)?;
    let cut = cut_of(&loaded.checked, &selection);
    let region = ranked.snapshot.region().values();
    let members_col = ranked.snapshot.members().values();
    let members: Vec<SelectionMember> = selection
        .selected()
        .map(|(i, c)| SelectionMember {
            position: i as u32 + 1,
            kk: Kk::from_u64(c.kk).expect("snapshot KKs are valid"),
            region: RegionCode::from_key(region[c.row as usize])
                .expect("snapshot regions")
                .to_string(),
            members: members_col[c.row as usize],
            desil: c.desil,
            score: c.score,
            amount: selection.benefit,
        })
        .collect();
    let persons: u64 = members.iter().map(|m| m.members as u64).sum();
    let mut new = NewSelection {
        programme: p.code.clone(),
        programme_version: loaded.stored.version,
        cycle,
        snapshot: ranked.info.snapshot.clone(),
        ranking_run: ranked.info.id,
        rule: p.rule.clone(),
        actor: caller.actor.clone(),
        eligible: selection.ranked.len() as u64,
        persons,
        cost: selection.cost,
        budget: p.budget_per_cycle,
        cut: Some(serde_json::to_string(&cut).expect("serializes")),
        content_hash: String::new(),
    };
    new.content_hash = content_hash(&new, loaded.stored.version, &members);
    let id = store.freeze_selection(&new, &members)?;
    Ok(Frozen {
        selection: id,
        programme: p.code.clone(),
        cycle,
        stale: ranked.stale,
        eligible: new.eligible,
        selected: members.len() as u64,
        persons,
        cost: new.cost,
        budget: new.budget,
        content_hash: new.content_hash,
        cut,
        entitlements_proposed: members.len() as u64,
        warnings: rule_warnings(caller, &rule),
    })
}

/// Compare alternative rules with a programme's own.
#[derive(Clone, Debug, Serialize)]
pub struct CompareRequest {
    pub programme: String,
    /// Alternative rules, compared after the programme's own.
    pub alternatives: Vec<String>,
    /// True consumption per household (a `truth/households.csv` of the synthetic generator);
    /// default: `DATA_DIR/input/truth/households.csv` when present, else the surveyed
    /// households with their weights.
    pub truth: Option<PathBuf>,
    /// BPS period of the provincial poverty lines that define the poor.
    pub bps_period: String,
    /// Very poor: below this share of the poverty line (0 < x ≤ 1).
    pub very_poor: f64,
}

/// Where true welfare came from.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TruthSource {
    /// A truth file (its path as messages show it).
    File { path: String },
    /// The surveyed households, weighted.
    Survey,
}

/// One rule of a comparison: counts, cost and accuracy against true welfare.
#[derive(Clone, Debug, Serialize)]
pub struct ComparedRule {
    /// The rule's text (the first is the programme's own).
    pub rule: String,
    pub eligible_households: u64,
    pub eligible_persons: u64,
    pub cost_all_eligible: i64,
    pub selected_within_budget: u64,
    pub cost_selected: i64,
    pub households_with_truth: u64,
    pub accuracy: Accuracy,
    pub warnings: Vec<RuleWarning>,
}

/// The programme's rule and the alternatives, side by side.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub programme: String,
    pub name: String,
    pub stale: bool,
    pub budget_per_cycle: i64,
    pub rupiah_per_household: i64,
    pub truth: TruthSource,
    pub bps_period: String,
    pub very_poor_share_of_line: f64,
    /// The programme's rule first, then the alternatives in order.
    pub alternatives: Vec<ComparedRule>,
}

/// True consumption per household row, with a weight: from a truth file, or the surveyed
/// households.
struct Truth {
    consumption: Vec<Option<i64>>,
    weight: Vec<f64>,
    source: TruthSource,
}

/// Where the synthetic generator's truth of a demo lies inside the data directory.
const DEFAULT_TRUTH: &str = "input/truth/households.csv";

fn load_truth(app: &App, path: Option<&PathBuf>, ranked: &Ranked) -> Result<Truth> {
    let n = ranked.snapshot.household_count();
    let default = app.data.root().join(DEFAULT_TRUTH);
    let path = path
        .cloned()
        .or_else(|| default.exists().then_some(default));
    if let Some(path) = path {
        let shown = app.data.show(&path);
        let rows = kk_rows(&ranked.snapshot);
        let mut consumption = vec![None; n];
        // A line that never ends is an error naming the line, not a full memory.
        let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, &e))?;
        let mut r = csv::Reader::from_reader(setara_registry::limits::LineLimit::new(
            std::io::BufReader::new(file),
            setara_registry::limits::MAX_LINE_BYTES,
        ));
        let unreadable =
            |e: csv::Error| Error::invalid("truth_unreadable", e.to_string(), e.to_string());
        let headers = r.headers().map_err(unreadable)?.clone();
        let col = |name: &str| {
            headers.iter().position(|h| h == name).ok_or_else(|| {
                Error::invalid(
                    "truth_column_missing",
                    format!("{shown}: kolom {name} tidak ada"),
                    format!("{shown}: no column {name}"),
                )
            })
        };
        let (kk_col, c_col) = (col("kk")?, col("consumption_per_capita")?);
        for (i, rec) in r.records().enumerate() {
            let rec = rec.map_err(unreadable)?;
            let bad = || {
                Error::invalid(
                    "truth_bad_row",
                    format!("{shown} baris {}: kk atau konsumsi tidak sah", i + 2),
                    format!("{shown} row {}: bad kk or consumption", i + 2),
                )
            };
            let kk: u64 = rec[kk_col].trim().parse().map_err(|_| bad())?;
            let c: i64 = rec[c_col].trim().parse().map_err(|_| bad())?;
            if let Some(&row) = rows.get(&kk) {
                consumption[row as usize] = Some(c);
            }
        }
        return Ok(Truth {
            consumption,
            weight: vec![1.0; n],
            source: TruthSource::File { path: shown },
        });
    }
    let c = ranked.snapshot.consumption();
    let w = ranked.snapshot.survey_weight();
    Ok(Truth {
        consumption: (0..n).map(|h| c.get(h)).collect(),
        weight: (0..n).map(|h| w.get(h).unwrap_or(0.0)).collect(),
        source: TruthSource::Survey,
    })
}

/// Counts, cost, coverage of the poorest 40% and inclusion/exclusion errors against true
/// welfare (Alatas et al. 2012, Table 3) of the programme's rule and of each alternative.
/// Every rule is checked before anything is computed. A regional officer compares over the
/// households of their region: counts, truth and errors are of those; the selection is still
/// the programme's, of which the households of the region are counted.
pub fn compare(app: &App, caller: &Caller, req: &CompareRequest) -> Result<Comparison> {
    let store = app.reader()?;
    let loaded = load_programme(store.as_ref(), &req.programme)?;
    let ranked = load_ranking(app, store.as_ref())?;
    let p = &loaded.checked.programme;
    let texts: Vec<&str> = std::iter::once(p.rule.as_str())
        .chain(req.alternatives.iter().map(String::as_str))
        .collect();
    let inputs = RuleInputs::new(
        app,
        store.as_ref(),
        &ranked,
        texts.iter().any(|r| uses_receives(r)),
    )?;
    let codes = inputs.codes();
    let own = compile_in_area(&p.rule, loaded.checked.area, &codes)?;
    if !(req.very_poor > 0.0 && req.very_poor <= 1.0) {
        return Err(Error::invalid(
            "compare_bad_very_poor",
            "--very-poor harus di antara 0 dan 1",
            "--very-poor must be between 0 and 1",
        ));
    }
    let mut compiled = vec![own];
    for t in &req.alternatives {
        compiled.push(compile_in_area(t, loaded.checked.area, &codes)?);
    }
    let truth = load_truth(app, req.truth.as_ref(), &ranked)?;
    let bps = Bps::shipped();
    if bps.national(&req.bps_period).is_none() {
        return Err(Error::invalid(
            "bps_period_unknown",
            format!(
                "periode BPS {} tidak tersedia; pilihan: {}",
                req.bps_period,
                bps.periods().join(", ")
            ),
            format!(
                "BPS period {} is not available; valid: {}",
                req.bps_period,
                bps.periods().join(", ")
            ),
        ));
    }
    let mut lines: HashMap<u8, i64> = HashMap::new();
    let national_line = bps
        .national(&req.bps_period)
        .and_then(|s| s.poverty_line)
        .unwrap_or(0);
    let province = ranked.snapshot.province().values();
    let members = ranked.snapshot.members().values();
    let scope = scope_bits(caller, &ranked.snapshot);
    // The population the programme targets: its area (and the caller's region).
    let area_bits = match loaded.checked.area {
        Some(area) => compile_in_area("true", Some(area), &codes)?
            .evaluate(&inputs.inputs(&ranked))
            .map_err(|e| rule_error("true", &e))?,
        None => Bitmap::full(ranked.snapshot.household_count()),
    };
    let area_bits = within(area_bits, scope.as_ref());
    let benefit = loaded.checked.rupiah_per_household;
    let mut rules = Vec::with_capacity(compiled.len());
    for (text, rule) in texts.iter().zip(&compiled) {
        let all = eligible(rule, &inputs, &ranked)?;
        let selection = run_selection(app, &loaded.checked, &ranked, &all)?;
        let (selected, cost_selected) = match &scope {
            None => (selection.selected as u64, selection.cost),
            Some(s) => {
                let n = selection
                    .selected()
                    .filter(|(_, c)| s.get(c.row as usize))
                    .count() as u64;
                (n, cost_of(n, benefit)?)
            }
        };
        let bits = within(all, scope.as_ref());
        let mut known = Vec::new();
        for h in area_bits.iter_ones() {
            let Some(c) = truth.consumption[h] else {
                continue;
            };
            if truth.weight[h] <= 0.0 {
                continue;
            }
            let line = *lines.entry(province[h]).or_insert_with(|| {
                RegionCode::parse(&format!("{:02}", province[h]))
                    .ok()
                    .and_then(|r| bps.province(r, &req.bps_period))
                    .and_then(|s| s.poverty_line)
                    .unwrap_or(national_line)
            });
            known.push(Known {
                selected: bits.get(h),
                consumption: c,
                line,
                persons: members[h] as u32,
                weight: truth.weight[h],
            });
        }
        let households = bits.count_ones() as u64;
        rules.push(ComparedRule {
            rule: text.to_string(),
            eligible_households: households,
            eligible_persons: count_persons(&bits, &ranked.snapshot),
            cost_all_eligible: cost_of(households, benefit)?,
            selected_within_budget: selected,
            cost_selected,
            households_with_truth: known.len() as u64,
            accuracy: setara_targeting::accuracy(&known, req.very_poor),
            warnings: rule_warnings(caller, rule),
        });
    }
    Ok(Comparison {
        programme: p.code.clone(),
        name: p.name.clone(),
        stale: ranked.stale,
        budget_per_cycle: p.budget_per_cycle,
        rupiah_per_household: benefit,
        truth: truth.source,
        bps_period: req.bps_period.clone(),
        very_poor_share_of_line: req.very_poor,
        alternatives: rules,
    })
}

/// A frozen list to hand to field teams.
#[derive(Clone, Debug, Serialize)]
pub struct BeneficiariesRequest {
    pub programme: String,
    /// Default: the latest frozen cycle.
    pub cycle: Option<u32>,
}

/// One selected household with the names field teams need (from the registry as it is now).
#[derive(Clone, Debug, Serialize)]
pub struct BeneficiaryRow {
    pub position: u32,
    pub kk: Kk,
    /// The head of the household's name ("" when unknown).
    pub head: String,
    pub address: String,
    pub rt: String,
    pub rw: String,
    pub region: String,
    pub village: String,
    pub members: u16,
    pub desil: u8,
    pub amount: i64,
}

/// A frozen cycle's list, checked against its content hash.
#[derive(Clone, Debug, Serialize)]
pub struct Beneficiaries {
    pub programme: String,
    pub cycle: u32,
    pub content_hash: String,
    pub rows: Vec<BeneficiaryRow>,
}

impl Beneficiaries {
    /// The list as field teams get it: a CSV file with Indonesian column names, one row per
    /// household in priority order (`Dialect::Excel`: `;` and a UTF-8 BOM).
    pub fn write_csv(
        &self,
        out: impl std::io::Write,
        dialect: setara_registry::writer::Dialect,
    ) -> std::result::Result<(), csv::Error> {
        let mut w = setara_registry::writer::csv_writer(out, dialect)?;
        w.write_record([
            "urutan",
            "kk",
            "kepala_keluarga",
            "alamat",
            "rt",
            "rw",
            "kode_wilayah",
            "desa_kelurahan",
            "anggota",
            "desil",
            "nilai_rupiah",
            "program",
            "siklus",
        ])?;
        let cycle = self.cycle.to_string();
        for m in &self.rows {
            w.write_record([
                m.position.to_string().as_str(),
                &m.kk.to_string(),
                &m.head,
                &m.address,
                &m.rt,
                &m.rw,
                &m.region,
                &m.village,
                &m.members.to_string(),
                &m.desil.to_string(),
                &m.amount.to_string(),
                &self.programme,
                &cycle,
            ])?;
        }
        w.flush()?;
        Ok(())
    }
}

fn selection_missing(programme: &str, cycle: u32) -> Error {
    Error::invalid(
        "selection_missing",
        format!("siklus {cycle} program {programme} belum dibekukan"),
        format!("cycle {cycle} of programme {programme} is not frozen"),
    )
}

/// The frozen list of one cycle (default: the latest), checked against its content hash
/// (`selection_altered` when the stored list was changed), with the names and addresses of
/// the registry as it is now: each household is read through the store's recording read
/// (action `export_beneficiaries`). A regional officer gets the rows of their region only.
pub fn beneficiaries(
    app: &App,
    caller: &Caller,
    req: &BeneficiariesRequest,
) -> Result<Beneficiaries> {
    let mut store = app.writer()?;
    let frozen = store.selections(&req.programme)?;
    if store.programme(&req.programme)?.is_none() {
        return Err(setara_store::StoreError::ProgrammeNotFound(req.programme.clone()).into());
    }
    let cycle = match req.cycle {
        Some(c) => c,
        None => frozen.iter().map(|s| s.cycle).max().ok_or_else(|| {
            Error::invalid(
                "selection_missing",
                format!(
                    "program {} belum memiliki daftar yang dibekukan; jalankan `setara target --programme {} --select`",
                    req.programme, req.programme
                ),
                format!(
                    "programme {} has no frozen list yet; run `setara target --programme {} --select`",
                    req.programme, req.programme
                ),
            )
        })?,
    };
    let (info, members) = store
        .selection(&req.programme, cycle)?
        .ok_or_else(|| selection_missing(&req.programme, cycle))?;
    check_content_hash(caller, &info, &members)?;
    let reader = Reader {
        actor: &caller.actor,
        action: "export_beneficiaries",
        within: caller.scope,
    };
    let mut rows = Vec::with_capacity(members.len());
    for m in &members {
        let region = RegionCode::parse(&m.region).ok();
        if caller.scope.is_some() && !region.is_some_and(|r| caller.sees(r)) {
            continue;
        }
        // Names and addresses come from the registry as it is now; the list itself does not
        // change.
        let record = store.read_household(m.kk, &reader)?;
        let (head, address, rt, rw) = record
            .map(|r| {
                let head = r
                    .members
                    .iter()
                    .find(|(p, ..)| p.relation == setara_core::Relation::Head)
                    .map(|(p, ..)| p.name.clone())
                    .unwrap_or_default();
                (
                    head,
                    r.household.address.clone().unwrap_or_default(),
                    r.household.rt.map(|x| x.to_string()).unwrap_or_default(),
                    r.household.rw.map(|x| x.to_string()).unwrap_or_default(),
                )
            })
            .unwrap_or_default();
        rows.push(BeneficiaryRow {
            position: m.position,
            kk: m.kk,
            head,
            address,
            rt,
            rw,
            region: m.region.clone(),
            village: region.map(region_name).unwrap_or_default(),
            members: m.members,
            desil: m.desil,
            amount: m.amount,
        });
    }
    Ok(Beneficiaries {
        programme: info.programme,
        cycle: info.cycle,
        content_hash: info.content_hash,
        rows,
    })
}

/// The frozen list is what was decided: check it has not been altered since.
fn check_content_hash(
    caller: &Caller,
    info: &SelectionInfo,
    members: &[SelectionMember],
) -> Result<()> {
    let check = NewSelection {
        programme: info.programme.clone(),
        programme_version: info.programme_version,
        cycle: info.cycle,
        snapshot: info.snapshot.clone(),
        ranking_run: info.ranking_run,
        rule: info.rule.clone(),
        actor: caller.actor.clone(),
        eligible: info.eligible,
        persons: info.persons,
        cost: info.cost,
        budget: info.budget,
        cut: None,
        content_hash: String::new(),
    };
    let hash = content_hash(&check, info.programme_version, members);
    if hash != info.content_hash {
        let cycle = info.cycle;
        return Err(Error::internal(
            "selection_altered",
            format!(
                "daftar siklus {cycle} tidak cocok dengan hash isinya ({} ≠ {}): data tersimpan telah diubah",
                &hash[..12],
                &info.content_hash[..12]
            ),
            format!(
                "the list of cycle {cycle} does not match its content hash ({} ≠ {}): the stored data was altered",
                &hash[..12],
                &info.content_hash[..12]
            ),
        ));
    }
    Ok(())
}

/// The latest frozen cycle of a programme, or `cycle`, with its list (`selection_missing`).
pub(crate) fn frozen_cycle(
    store: &dyn Store,
    programme: &str,
    cycle: Option<u32>,
) -> Result<(SelectionInfo, Vec<SelectionMember>)> {
    let frozen = store.selections(programme)?;
    let cycle = cycle
        .or_else(|| frozen.iter().map(|s| s.cycle).max())
        .ok_or_else(|| {
            Error::invalid(
                "selection_missing",
                format!("program {programme} belum memiliki daftar yang dibekukan"),
                format!("programme {programme} has no frozen list yet"),
            )
        })?;
    store
        .selection(programme, cycle)?
        .ok_or_else(|| selection_missing(programme, cycle))
}
