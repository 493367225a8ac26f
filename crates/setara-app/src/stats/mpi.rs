//! Alkire-Foster multidimensional poverty on the registry (`setara stats --mpi`), with the
//! default indicators of `setara_welfare::mpi`.

use serde::Serialize;
use setara_core::{Lang, Level, RegionCode, Regions};
use setara_snapshot::Snapshot;
use setara_stats::disclosure::estimate_suppressed;
use setara_stats::{AlkireFoster, Deprivations, Fraction};
use setara_welfare::mpi::{CUTOFF_18, INDICATORS, registry_deprivations};

use super::region::group_households;
use super::text::{by_position, stats_error};
use super::{Est, scoped_region};
use crate::App;
use crate::caller::Caller;
use crate::error::{Error, Result};

/// Where to measure multidimensional poverty.
#[derive(Clone, Debug)]
pub struct MpiRequest {
    /// The level of the rows.
    pub level: Level,
    /// Only this region and what lies inside it (within the caller's scope).
    pub region: Option<RegionCode>,
}

/// Headcount ratio H, intensity A (undefined when no one is poor) and M0 = H × A.
#[derive(Clone, Debug, Serialize)]
pub struct MpiEstimate {
    pub headcount: Est,
    pub intensity: Option<Est>,
    pub mpi: Est,
}

impl From<&setara_stats::Mpi> for MpiEstimate {
    fn from(m: &setara_stats::Mpi) -> MpiEstimate {
        MpiEstimate {
            headcount: (&m.headcount).into(),
            intensity: m.intensity.as_ref().map(Est::from),
            mpi: (&m.adjusted_headcount).into(),
        }
    }
}

/// One indicator over all households of the selection.
#[derive(Clone, Debug, Serialize)]
pub struct IndicatorResult {
    pub code: &'static str,
    pub dimension: &'static str,
    /// Its weight, "3/18".
    pub weight: String,
    pub uncensored_headcount: f64,
    pub censored_headcount: f64,
    /// Share of M0 (undefined when M0 is zero).
    pub contribution: Option<f64>,
    /// Households whose data for it are not recorded (counted as not deprived).
    pub households_not_recorded: u64,
}

/// One region.
#[derive(Clone, Debug, Serialize)]
pub struct MpiRow {
    pub code: RegionCode,
    pub name: Option<String>,
    pub households: usize,
    /// Fewer than `MIN_CELL` households: nothing is shown.
    pub suppressed: bool,
    /// `None` when suppressed.
    pub result: Option<MpiEstimate>,
}

/// Multidimensional poverty of the selection and of each region in it.
#[derive(Clone, Debug, Serialize)]
pub struct MpiResult {
    /// Hash of the snapshot.
    pub snapshot: String,
    /// The poverty cut-off k, "6/18".
    pub cutoff: String,
    pub overall: MpiEstimate,
    /// Households measured (with at least one member).
    pub households: usize,
    pub indicators: Vec<IndicatorResult>,
    pub rows: Vec<MpiRow>,
}

/// Alkire-Foster multidimensional poverty by region, each household weighted by its members,
/// ages taken on the app clock's date. Only households within the caller's scope are counted.
pub fn mpi(app: &App, caller: &Caller, snap: &Snapshot, req: &MpiRequest) -> Result<MpiResult> {
    let within = scoped_region(caller, req.region)?;
    let grouping = group_households(snap, req.level, within);
    let today = chrono::DateTime::from_timestamp(app.now(), 0)
        .unwrap_or_default()
        .date_naive();
    let deps = registry_deprivations(snap, today);
    let members = snap.members();
    // Rows of the selection, each household weighted by its members.
    let (mut masks, mut weights, mut groups, mut of) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut missing = [0u64; 10];
    for (i, g) in grouping.of_row.iter().enumerate() {
        let (Some(g), m) = (*g, members.value(i)) else {
            continue;
        };
        if m == 0 {
            continue;
        }
        masks.push(deps.masks[i]);
        weights.push(f64::from(m));
        groups.push(g);
        of.push(i);
        for (j, c) in missing.iter_mut().enumerate() {
            if deps.missing[i] & (1 << j) != 0 {
                *c += 1;
            }
        }
    }
    if masks.is_empty() {
        return Err(Error::invalid(
            "stats_empty",
            "tidak ada keluarga di pilihan ini",
            "no households in this selection",
        ));
    }
    let kk = snap.kk().values();
    let named = |i: usize, _: f64, lang: Lang| match of
        .get(i)
        .and_then(|&r| setara_core::Kk::from_u64(kk[r]).ok())
    {
        Some(k) => format!("{} {k}", lang.pick("keluarga (KK)", "household (KK)")),
        None => lang
            .pick("keluarga yang tidak diketahui", "an unknown household")
            .to_string(),
    };
    let af = AlkireFoster::with_common_denominator(
        &INDICATORS.map(|i| i.weight_18),
        18,
        Fraction::new(CUTOFF_18, 18).map_err(|e| stats_error(&e, &by_position))?,
    )
    .map_err(|e| stats_error(&e, &by_position))?;
    let d =
        Deprivations::from_masks(&masks, INDICATORS.len()).map_err(|e| stats_error(&e, &named))?;
    let by = af
        .estimate_by_group(&d, Some(&weights), &groups)
        .map_err(|e| stats_error(&e, &named))?;
    let regions = Regions::kemendagri_2025();
    let mut counts = vec![0usize; grouping.regions.len()];
    for &g in &groups {
        counts[g as usize] += 1;
    }
    let rows = by
        .groups
        .iter()
        .map(|g| {
            let code = grouping.regions[g.group as usize];
            let n = counts[g.group as usize];
            let suppressed = estimate_suppressed(n);
            MpiRow {
                code,
                name: regions.get(code).map(|r| r.name.clone()),
                households: n,
                suppressed,
                result: (!suppressed).then(|| (&g.mpi).into()),
            }
        })
        .collect();
    let indicators = INDICATORS
        .iter()
        .zip(&by.overall.indicators)
        .zip(missing)
        .map(|((i, r), miss)| IndicatorResult {
            code: i.code,
            dimension: i.dimension,
            weight: format!("{}/18", i.weight_18),
            uncensored_headcount: r.uncensored_headcount,
            censored_headcount: r.censored_headcount,
            contribution: r.contribution,
            households_not_recorded: miss,
        })
        .collect();
    Ok(MpiResult {
        snapshot: snap.hash().to_string(),
        cutoff: format!("{CUTOFF_18}/18"),
        overall: (&by.overall).into(),
        households: masks.len(),
        indicators,
        rows,
    })
}
