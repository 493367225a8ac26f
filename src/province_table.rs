//! The per-province table the demo prints: registry counts from the snapshot, and estimates from
//! the surveyed households with their survey weights, person-weighted, next to BPS figures.

use arrow_array::Array;
use setara_core::{Bps, Lang, Level, RegionCode, Regions};
use setara_snapshot::Snapshot;
use setara_stats::{GiniConvention, Sample, weighted_mean};

/// An estimate with its standard error and the number of observations behind it.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Estimate {
    pub value: f64,
    pub se: Option<f64>,
    pub n: usize,
}

impl From<setara_stats::Estimate> for Estimate {
    fn from(e: setara_stats::Estimate) -> Self {
        Estimate {
            value: e.value,
            se: e.se,
            n: e.n,
        }
    }
}

/// Cells resting on fewer surveyed households are suppressed.
pub const MIN_SURVEYED: usize = 10;

/// One row: a province, or the nation (`code = None`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct ProvinceRow {
    pub code: Option<RegionCode>,
    pub name: String,
    pub households: u64,
    pub persons: u64,
    /// Surveyed households the estimates rest on.
    pub surveyed: usize,
    /// Whether the estimates are suppressed (fewer than [`MIN_SURVEYED`] surveyed households).
    pub suppressed: bool,
    /// Mean monthly consumption per capita, rupiah.
    pub mean_consumption: Option<Estimate>,
    /// Share of persons below the province's poverty line.
    pub poverty_rate: Option<Estimate>,
    pub gini: Option<Estimate>,
    pub poverty_line: Option<i64>,
    pub bps_gini: Option<f64>,
    /// BPS P0, percent.
    pub bps_poverty_pct: Option<f64>,
}

/// Build the table from a snapshot, with BPS figures of `period` (e.g. `2024-03`).
pub fn province_table(
    snap: &Snapshot,
    period: &str,
) -> Result<Vec<ProvinceRow>, setara_stats::StatsError> {
    let regions = Regions::kemendagri_2025();
    let bps = Bps::shipped();
    let province = snap.province();
    let members = snap.members();
    let consumption = snap.consumption();
    let weight = snap.survey_weight();

    // Per province (by 2-digit number): counts and the surveyed sample.
    #[derive(Default)]
    struct Acc {
        households: u64,
        persons: u64,
        values: Vec<f64>,
        weights: Vec<f64>,
    }
    let mut acc: Vec<Acc> = (0..100).map(|_| Acc::default()).collect();
    let mut unplaced = Acc::default();
    for i in 0..snap.household_count() {
        let a = if province.is_null(i) {
            &mut unplaced
        } else {
            &mut acc[province.value(i) as usize]
        };
        let m = members.value(i);
        a.households += 1;
        a.persons += u64::from(m);
        if !consumption.is_null(i) && !weight.is_null(i) && m > 0 {
            a.values.push(consumption.value(i) as f64);
            a.weights.push(weight.value(i) * f64::from(m));
        }
    }

    let mut rows = Vec::new();
    // National: each person against the poverty line of their own province.
    let mut nat_values = Vec::new();
    let mut nat_weights = Vec::new();
    let mut nat_poor = Vec::new();
    let mut nat = ProvinceRow {
        code: None,
        name: "INDONESIA".into(),
        households: unplaced.households,
        persons: unplaced.persons,
        surveyed: 0,
        suppressed: false,
        mean_consumption: None,
        poverty_rate: None,
        gini: None,
        poverty_line: bps.national(period).and_then(|n| n.poverty_line),
        bps_gini: bps.national(period).and_then(|n| n.gini),
        bps_poverty_pct: bps.national(period).and_then(|n| n.poverty_pct),
    };
    for p in regions.at_level(Level::Province) {
        let a = &acc[p.code.digits() as usize];
        let b = bps.province(p.code, period);
        let line = b.and_then(|b| b.poverty_line);
        let mut row = ProvinceRow {
            code: Some(p.code),
            name: p.name.clone(),
            households: a.households,
            persons: a.persons,
            surveyed: a.values.len(),
            suppressed: a.values.len() < MIN_SURVEYED,
            mean_consumption: None,
            poverty_rate: None,
            gini: None,
            poverty_line: line,
            bps_gini: b.and_then(|b| b.gini),
            bps_poverty_pct: b.and_then(|b| b.poverty_pct),
        };
        nat.households += a.households;
        nat.persons += a.persons;
        if !row.suppressed {
            let s = Sample::new(&a.values, Some(&a.weights))?;
            row.mean_consumption = Some(s.mean().into());
            row.gini = Some(s.gini(GiniConvention::FrequencyWeights)?.into());
            if let Some(z) = line {
                row.poverty_rate = Some(s.fgt(z as f64, 0.0)?.into());
            }
        }
        if let Some(z) = line {
            nat_poor.extend(
                a.values
                    .iter()
                    .map(|&v| if v < z as f64 { 1.0 } else { 0.0 }),
            );
            nat_values.extend_from_slice(&a.values);
            nat_weights.extend_from_slice(&a.weights);
        }
        rows.push(row);
    }
    nat.surveyed = nat_values.len();
    nat.suppressed = nat.surveyed < MIN_SURVEYED;
    if !nat.suppressed {
        let s = Sample::new(&nat_values, Some(&nat_weights))?;
        nat.mean_consumption = Some(s.mean().into());
        nat.gini = Some(s.gini(GiniConvention::FrequencyWeights)?.into());
        nat.poverty_rate = Some(weighted_mean(&nat_poor, Some(&nat_weights))?.into());
    }
    rows.push(nat);
    Ok(rows)
}

/// Render the table as fixed-width text.
pub fn render(rows: &[ProvinceRow], lang: Lang, period: &str) -> String {
    use std::fmt::Write;
    let t = |id, en| lang.pick(id, en);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<5} {:<30} {:>9} {:>10} {:>6} {:>11} {:>13} {:>7} {:>15} {:>6}",
        t("Kode", "Code"),
        t("Provinsi", "Province"),
        t("KK", "Househ."),
        t("Jiwa", "Persons"),
        "n",
        t("Rerata Rp", "Mean Rp"),
        t("Miskin %", "Poor %"),
        "BPS %",
        "Gini (SE)",
        "BPS"
    );
    let dash = "–";
    for r in rows {
        let code = r.code.map(|c| c.to_string()).unwrap_or_default();
        let name: String = r.name.chars().take(30).collect();
        let mean = r
            .mean_consumption
            .map(|e| crate::commands::household::group_thousands(e.value.round() as i64));
        let pov = r.poverty_rate.map(|e| {
            format!(
                "{:.2} ({:.2})",
                100.0 * e.value,
                100.0 * e.se.unwrap_or(f64::NAN)
            )
        });
        let gini = r
            .gini
            .map(|e| format!("{:.3} ({:.3})", e.value, e.se.unwrap_or(f64::NAN)));
        let _ = writeln!(
            out,
            "{:<5} {:<30} {:>9} {:>10} {:>6} {:>11} {:>13} {:>7} {:>15} {:>6}",
            code,
            name,
            r.households,
            r.persons,
            r.surveyed,
            if r.suppressed {
                "*".into()
            } else {
                mean.unwrap_or_else(|| dash.into())
            },
            if r.suppressed {
                "*".into()
            } else {
                pov.unwrap_or_else(|| dash.into())
            },
            r.bps_poverty_pct
                .map(|v| format!("{v:.2}"))
                .unwrap_or_else(|| dash.into()),
            if r.suppressed {
                "*".into()
            } else {
                gini.unwrap_or_else(|| dash.into())
            },
            r.bps_gini
                .map(|v| format!("{v:.3}"))
                .unwrap_or_else(|| dash.into()),
        );
    }
    let _ = writeln!(
        out,
        "{}",
        match lang {
            Lang::Id => format!(
                "n = rumah tangga sampel survei; estimasi berbobot per jiwa, galat baku (SE) linearisasi Taylor; \
                 garis kemiskinan provinsi BPS {period}; * = disembunyikan (n < {MIN_SURVEYED}). Sumber BPS: Badan Pusat Statistik."
            ),
            Lang::En => format!(
                "n = surveyed households; person-weighted estimates, Taylor-linearized standard errors (SE); \
                 BPS {period} provincial poverty lines; * = suppressed (n < {MIN_SURVEYED}). BPS figures: Badan Pusat Statistik."
            ),
        }
    );
    out
}
