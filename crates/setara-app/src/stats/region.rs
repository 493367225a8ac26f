//! Measures per region from a snapshot of the registry (`setara stats`, the demo's table).

use std::collections::BTreeMap;

use serde::Serialize;
use setara_core::{Bps, Lang, Level, RegionCode, Regions};
use setara_snapshot::{Column, Snapshot};
use setara_stats::disclosure::{MIN_CELL, estimate_suppressed};
use setara_stats::{Estimate, GiniConvention, PovertyLine, StatsError, Suite, SuiteOptions};

use super::text::{RowName, stats_error};
use super::{Curve, Note, check_measures, measure, scoped_region};
use crate::App;
use crate::caller::Caller;
use crate::error::{Error, Result};

/// What to tabulate from the registry.
#[derive(Clone, Debug)]
pub struct RegionTableRequest {
    /// The level of the rows.
    pub level: Level,
    /// Only this region and what lies inside it (within the caller's scope; a regional caller
    /// without a region gets their scope).
    pub region: Option<RegionCode>,
    /// Measures of the table (keys of [`super::MEASURES`]; empty: mean, fgt0, gini).
    pub measures: Vec<String>,
    /// BPS period for the poverty lines and the figures beside the provinces.
    pub period: String,
    /// Compute the Lorenz curve of the total (an error when the total is suppressed).
    pub lorenz: bool,
    /// The Gini with convey's weight convention instead of the frequency-weight one.
    pub gini_convey: bool,
}

/// One row of the table. Every row carries its standard errors.
#[derive(Clone, Debug, Serialize)]
pub struct RegionRow {
    pub code: Option<RegionCode>,
    pub name: String,
    pub households: u64,
    pub persons: u64,
    /// Surveyed households the estimates rest on.
    pub surveyed: usize,
    /// Fewer than [`MIN_CELL`] surveyed households: nothing is computed or shown.
    pub suppressed: bool,
    /// The province's BPS poverty line (rupiah per person per month).
    pub poverty_line: Option<i64>,
    pub measures: BTreeMap<String, Option<f64>>,
    pub se: BTreeMap<String, Option<f64>>,
    pub bps_gini: Option<f64>,
    pub bps_poverty_pct: Option<f64>,
    pub notes: Vec<Note>,
}

/// Rows by region and a total row (the nation, or the selected region).
#[derive(Clone, Debug, Serialize)]
pub struct RegionTable {
    /// Hash of the snapshot the table was computed from.
    pub snapshot: String,
    pub by: Level,
    pub bps_period: String,
    /// Rows resting on fewer surveyed households are suppressed.
    pub min_surveyed: usize,
    pub measures: Vec<String>,
    pub rows: Vec<RegionRow>,
    /// The total's Lorenz curve, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lorenz: Option<Curve>,
}

/// Households of the snapshot grouped by region at `level` (inside `within`, if given).
pub(crate) struct Grouping {
    /// Region of each group, in code order.
    pub regions: Vec<RegionCode>,
    /// Group of each household row (`None`: outside the selection or not placeable).
    pub of_row: Vec<Option<u32>>,
}

pub(crate) fn group_households(
    snap: &Snapshot,
    level: Level,
    within: Option<RegionCode>,
) -> Grouping {
    let region = snap.region();
    let mut codes: BTreeMap<RegionCode, u32> = BTreeMap::new();
    let mut of_row = Vec::with_capacity(snap.household_count());
    let mut raw: Vec<Option<RegionCode>> = Vec::with_capacity(snap.household_count());
    for i in 0..snap.household_count() {
        let r = RegionCode::from_key(region.value(i));
        let g = r
            .filter(|r| r.level() >= level && within.is_none_or(|w| r.is_within(w)))
            .map(|r| r.ancestor(level));
        if let Some(g) = g {
            codes.entry(g).or_insert(0);
        }
        raw.push(g);
    }
    for (i, (_, id)) in codes.iter_mut().enumerate() {
        *id = i as u32;
    }
    for g in raw {
        of_row.push(g.map(|g| codes[&g]));
    }
    Grouping {
        regions: codes.into_keys().collect(),
        of_row,
    }
}

/// Measures per region from a snapshot: person-weighted over the surveyed households, each
/// region against its province's BPS poverty line, the total against each person's own line;
/// regions with fewer than [`MIN_CELL`] surveyed households are suppressed. Only households
/// within the caller's scope are counted.
pub fn region_table(
    _app: &App,
    caller: &Caller,
    snap: &Snapshot,
    req: &RegionTableRequest,
) -> Result<RegionTable> {
    let keys = check_measures(&req.measures)?;
    let within = scoped_region(caller, req.region)?;
    let (level, period) = (req.level, req.period.as_str());
    let grouping = group_households(snap, level, within);
    let regions = Regions::kemendagri_2025();
    let bps = Bps::shipped();
    if bps.national(period).is_none() {
        return Err(Error::invalid(
            "bps_period_unknown",
            format!(
                "periode BPS {} tidak tersedia; pilihan: {}",
                period,
                bps.periods().join(", ")
            ),
            format!(
                "BPS period {} is not available; choose from: {}",
                period,
                bps.periods().join(", ")
            ),
        ));
    }
    // The poverty line of each group: its province's BPS line.
    let line_of = |code: RegionCode| {
        bps.province(code.province(), period)
            .and_then(|b| b.poverty_line)
    };

    let (members, consumption, weight) = (snap.members(), snap.consumption(), snap.survey_weight());
    let k = grouping.regions.len();
    let mut households = vec![0u64; k];
    let mut persons = vec![0u64; k];
    // Values, person weights and snapshot rows (to name a household in a message).
    let mut samples: Vec<(Vec<f64>, Vec<f64>, Vec<usize>)> =
        vec![(Vec::new(), Vec::new(), Vec::new()); k];
    let kk = snap.kk().values();
    let show_kk = |r: usize| {
        setara_core::Kk::from_u64(kk[r]).map_or_else(|_| format!("#{r}"), |k| k.to_string())
    };
    for (i, g) in grouping.of_row.iter().enumerate() {
        let Some(g) = *g else { continue };
        let g = g as usize;
        let m = members.value(i);
        households[g] += 1;
        persons[g] += u64::from(m);
        if consumption.get(i).is_none() || weight.get(i).is_none() || m == 0 {
            continue;
        }
        // A survey weight of zero stands for no one; one the measures cannot use (negative,
        // or so large that weight × members leaves their range) is an error naming the
        // household.
        let w = weight.value(i);
        if w == 0.0 {
            continue;
        }
        let pw = w * f64::from(m);
        if !(setara_stats::MIN_WEIGHT..=setara_stats::MAX_WEIGHT).contains(&pw) {
            let kk = show_kk(i);
            return Err(Error::invalid(
                "stats_weight_out_of_range",
                format!(
                    "keluarga (KK) {kk}: bobot survei {w:e} × {m} anggota = {pw:e}; bobot per jiwa harus antara 1e-30 dan 1e30"
                ),
                format!(
                    "household (KK) {kk}: survey weight {w:e} × {m} members = {pw:e}; a person weight must lie between 1e-30 and 1e30"
                ),
            ));
        }
        samples[g].0.push(consumption.value(i) as f64);
        samples[g].1.push(pw);
        samples[g].2.push(i);
    }
    let household = |rows: &[usize], i: usize, lang: Lang| match rows.get(i) {
        Some(&r) => format!(
            "{} {}",
            lang.pick("keluarga (KK)", "household (KK)"),
            show_kk(r)
        ),
        None => lang
            .pick("keluarga yang tidak diketahui", "an unknown household")
            .to_string(),
    };
    let gini_convention = if req.gini_convey {
        GiniConvention::Convey
    } else {
        GiniConvention::FrequencyWeights
    };
    // Every row of a registry table carries its standard errors.
    let options = |line: Option<PovertyLine>, lorenz_points: usize| SuiteOptions {
        line,
        standard_errors: true,
        gini_convention,
        lorenz_points,
    };
    let mut rows = Vec::with_capacity(k + 1);
    // Values, weights, values / own line, snapshot rows.
    let mut national = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (g, code) in grouping.regions.iter().enumerate() {
        let (values, weights, of) = &samples[g];
        let named = |i: usize, _: f64, lang: Lang| household(of, i, lang);
        let line = line_of(*code);
        if let Some(z) = line {
            national.0.extend_from_slice(values);
            national.1.extend_from_slice(weights);
            national.2.extend(values.iter().map(|v| v / z as f64));
            national.3.extend_from_slice(of);
        }
        let name = regions
            .get(*code)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        let bp = (level == Level::Province)
            .then(|| bps.province(*code, period))
            .flatten();
        let mut row = RegionRow {
            code: Some(*code),
            name,
            households: households[g],
            persons: persons[g],
            surveyed: values.len(),
            suppressed: estimate_suppressed(values.len()),
            poverty_line: line,
            measures: BTreeMap::new(),
            se: BTreeMap::new(),
            bps_gini: bp.and_then(|b| b.gini),
            bps_poverty_pct: bp.and_then(|b| b.poverty_pct),
            notes: Vec::new(),
        };
        if !row.suppressed {
            let opts = options(line.map(|z| PovertyLine::Absolute(z as f64)), 0);
            let s = setara_stats::suite(values, Some(weights), &opts)
                .map_err(|e| stats_error(&e, &named))?;
            fill(&mut row, &s, &keys, &named);
        }
        rows.push(row);
    }
    // The nation (or the selected region as a whole).
    let total_name = match within {
        Some(w) => regions.get(w).map(|r| r.name.clone()).unwrap_or_default(),
        None => "INDONESIA".to_string(),
    };
    let nat_bps = if within.is_none() {
        bps.national(period)
    } else {
        within.and_then(|w| {
            (w.level() == Level::Province)
                .then(|| bps.province(w, period))
                .flatten()
        })
    };
    let mut total = RegionRow {
        code: within,
        name: total_name,
        households: households.iter().sum(),
        persons: persons.iter().sum(),
        surveyed: national.0.len(),
        suppressed: estimate_suppressed(national.0.len()),
        poverty_line: None,
        measures: BTreeMap::new(),
        se: BTreeMap::new(),
        bps_gini: nat_bps.and_then(|b| b.gini),
        bps_poverty_pct: nat_bps.and_then(|b| b.poverty_pct),
        notes: Vec::new(),
    };
    let mut total_lorenz = None;
    let named = |i: usize, _: f64, lang: Lang| household(&national.3, i, lang);
    if !total.suppressed {
        let opts = options(None, if req.lorenz { 1001 } else { 0 });
        let s = setara_stats::suite(&national.0, Some(&national.1), &opts)
            .map_err(|e| stats_error(&e, &named))?;
        fill(&mut total, &s, &keys, &named);
        // Poverty against each person's own provincial line: FGT of value/line at line 1.
        let pov = setara_stats::suite(
            &national.2,
            Some(&national.1),
            &options(Some(PovertyLine::Absolute(1.0)), 0),
        )
        .map_err(|e| stats_error(&e, &named))?;
        for key in keys
            .iter()
            .filter(|k| matches!(k.as_str(), "fgt0" | "fgt1" | "fgt2" | "watts"))
        {
            put(&mut total, key, measure(&pov, key), &named);
        }
        if req.lorenz {
            total_lorenz = Some(Curve {
                name: total.name.clone(),
                gini: s.gini.as_ref().ok().map(|e| e.value),
                points: s.lorenz.clone().unwrap_or_default(),
            });
        }
    }
    if req.lorenz && total_lorenz.is_none() {
        return Err(Error::invalid(
            "stats_suppressed",
            format!("terlalu sedikit rumah tangga sampel (< {MIN_CELL}) untuk kurva Lorenz"),
            format!("too few surveyed households (< {MIN_CELL}) for a Lorenz curve"),
        ));
    }
    rows.push(total);
    Ok(RegionTable {
        snapshot: snap.hash().to_string(),
        by: level,
        bps_period: req.period.clone(),
        min_surveyed: MIN_CELL,
        measures: keys,
        rows,
        lorenz: total_lorenz,
    })
}

fn put(
    row: &mut RegionRow,
    key: &str,
    r: Option<&std::result::Result<Estimate, StatsError>>,
    named: RowName<'_>,
) {
    match r {
        Some(Ok(e)) => {
            row.measures.insert(key.into(), Some(e.value));
            row.se.insert(key.into(), e.se);
        }
        Some(Err(e)) => {
            row.measures.insert(key.into(), None);
            row.notes.push(Note::undefined(key.to_string(), e, named));
        }
        None => {
            row.measures.insert(key.into(), None);
        }
    }
}

fn fill(row: &mut RegionRow, s: &Suite, keys: &[String], named: RowName<'_>) {
    for key in keys {
        put(row, key, measure(s, key), named);
    }
}
