//! Statistics: inequality and poverty measures on any CSV/XLSX file ([`file_stats`]), by region
//! on the registry's latest snapshot ([`region_table`], also the demo's table), and
//! Alkire-Foster multidimensional poverty on the registry ([`mpi`](fn@mpi)).
//!
//! The measures are `setara_stats`'; small cells are suppressed by
//! `setara_stats::disclosure`; the registry's deprivations are `setara_welfare::mpi`. Here:
//! reading the columns of a file, grouping a snapshot by region within the caller's scope, the
//! BPS lines, errors that name rows as people know them, and the exports (CSV, SVG) a front end
//! writes to the files the user named ([`export`]).
//!
//! A regional caller (`caller.scope`) sees the region table and multidimensional poverty of
//! their region only: rows outside it are never computed. Measuring a file the caller gives is
//! not registry data and is not limited by the scope.

pub mod export;
pub mod file;
pub mod input;
pub mod mpi;
pub mod region;
pub mod text;

use serde::Serialize;
use setara_core::Lang;
use setara_snapshot::Snapshot;
use setara_stats::{Estimate, StatsError, Suite};

use crate::App;
use crate::error::{Error, ErrorKind, Result};

pub use file::{FileStats, FileStatsRequest, file_stats};
pub use mpi::{MpiRequest, MpiResult, mpi};
pub use region::{RegionRow, RegionTable, RegionTableRequest, region_table};
pub use setara_stats::disclosure::MIN_CELL;

/// Most bootstrap replicates (10,000).
///
/// A thousand replicates give a standard error to within about 2 %; ten thousand serve
/// percentile intervals. Each replicate recomputes every measure on a resample of the whole
/// file, so the time grows with replicates × rows, and a number like 10^9 would take days
/// and keep 10^9 results per measure in memory.
pub const MAX_BOOTSTRAP_REPLICATES: usize = 10_000;

/// The measures `setara stats` reports, in output order: (key, Indonesian, English).
pub const MEASURES: &[(&str, &str, &str)] = &[
    ("mean", "rata-rata", "mean"),
    ("median", "median", "median"),
    ("gini", "Gini", "Gini"),
    ("theil_t", "Theil T", "Theil T"),
    ("theil_l", "Theil L (MLD)", "Theil L (MLD)"),
    ("ge2", "GE(2)", "GE(2)"),
    ("atkinson_0_5", "Atkinson(0,5)", "Atkinson(0.5)"),
    ("atkinson_1", "Atkinson(1)", "Atkinson(1)"),
    ("atkinson_2", "Atkinson(2)", "Atkinson(2)"),
    ("cv", "koefisien variasi", "coefficient of variation"),
    ("palma", "Palma", "Palma"),
    ("s80_s20", "S80/S20 (Lorenz)", "S80/S20 (Lorenz)"),
    (
        "s80_s20_quantile",
        "S80/S20 (ambang kuantil)",
        "S80/S20 (quantile thresholds)",
    ),
    ("poverty_line", "garis kemiskinan", "poverty line"),
    ("fgt0", "P0 % miskin", "P0 % poor"),
    ("fgt1", "P1 (kedalaman)", "P1 (poverty gap)"),
    ("fgt2", "P2 (keparahan)", "P2 (severity)"),
    ("watts", "indeks Watts", "Watts index"),
];

/// The result of one measure in a suite (`None` when the suite has no such measure, e.g. FGT
/// without a line).
pub fn measure<'a>(
    s: &'a Suite,
    key: &str,
) -> Option<&'a std::result::Result<Estimate, StatsError>> {
    Some(match key {
        "mean" => &s.mean,
        "median" => &s.median,
        "gini" => &s.gini,
        "theil_t" => &s.theil_t,
        "theil_l" => &s.theil_l,
        "ge2" => &s.ge2,
        "atkinson_0_5" => &s.atkinson_0_5,
        "atkinson_1" => &s.atkinson_1,
        "atkinson_2" => &s.atkinson_2,
        "cv" => &s.cv,
        "palma" => &s.palma,
        "s80_s20" => &s.s80_s20,
        "s80_s20_quantile" => &s.s80_s20_quantile,
        "poverty_line" => s.poverty_line.as_ref()?,
        "fgt0" => &s.fgt.as_ref()?[0],
        "fgt1" => &s.fgt.as_ref()?[1],
        "fgt2" => &s.fgt.as_ref()?[2],
        "watts" => s.watts.as_ref()?,
        _ => return None,
    })
}

/// The name of a measure in a language ("?" for a key that is none).
pub fn label(key: &str, lang: Lang) -> &'static str {
    MEASURES
        .iter()
        .find(|m| m.0 == key)
        .map(|m| lang.pick(m.1, m.2))
        .unwrap_or("?")
}

/// A value as the tables print it: amounts with thousands separators (in scientific notation
/// from 10^15 on, where an integer would mislead), P0 in percent as its label says, ratios
/// and indices with fixed decimals.
pub fn fmt_value(key: &str, v: f64) -> String {
    let big = |v: f64, decimals: usize| {
        if v.abs() >= 1e15 {
            format!("{v:.3e}")
        } else {
            format!("{v:.decimals$}")
        }
    };
    match key {
        "mean" | "median" | "poverty_line" => {
            if v.abs() >= 1e15 {
                format!("{v:.3e}")
            } else if v.abs() >= 1000.0 {
                setara_core::number::group_thousands(v.round() as i64)
            } else {
                format!("{v:.2}")
            }
        }
        "fgt0" => format!("{:.2}", 100.0 * v),
        "palma" | "s80_s20" | "s80_s20_quantile" => big(v, 3),
        _ => big(v, 4),
    }
}

/// An estimate and its standard error (`None`: not asked for, or not defined, e.g. one
/// observation).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Est {
    pub value: f64,
    pub se: Option<f64>,
}

impl From<&Estimate> for Est {
    fn from(e: &Estimate) -> Est {
        Est {
            value: e.value,
            se: e.se,
        }
    }
}

/// A Lorenz curve to draw: its label, the Gini, the points `(p, L(p))`.
#[derive(Clone, Debug, Serialize)]
pub struct Curve {
    pub name: String,
    pub gini: Option<f64>,
    pub points: Vec<(f64, f64)>,
}

/// Something the front end shows beside the results.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum Note {
    /// Rows skipped because their value or weight is empty.
    SkippedEmpty { rows: u64 },
    /// Rows skipped because their weight is zero.
    SkippedZeroWeight { rows: u64 },
    /// Zero or negative values dropped as asked.
    DroppedNonPositive { rows: usize },
    /// A measure is undefined on these data (`about`: the measure's key, possibly prefixed by
    /// `bootstrap.` or `decomposition.`), with the statistics error's code and message.
    Undefined {
        about: String,
        code: &'static str,
        id: String,
        en: String,
    },
}

impl Note {
    /// The note in a language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Note::SkippedEmpty { rows } => format!(
                "{rows} {}",
                lang.pick(
                    "baris dilewati karena nilai atau bobotnya kosong",
                    "rows skipped because their value or weight is empty"
                )
            ),
            Note::SkippedZeroWeight { rows } => format!(
                "{rows} {}",
                lang.pick(
                    "baris dilewati karena bobotnya nol (tidak mewakili siapa pun)",
                    "rows skipped because their weight is zero (they stand for no one)"
                )
            ),
            Note::DroppedNonPositive { rows } => format!(
                "{rows} {}",
                lang.pick(
                    "nilai nol atau negatif dibuang (--positive-only)",
                    "zero or negative values dropped (--positive-only)"
                )
            ),
            Note::Undefined { about, id, en, .. } => format!("{about}: {}", lang.pick(id, en)),
        }
    }

    /// A measure that is undefined, its rows named by `row`.
    fn undefined(about: String, e: &StatsError, row: text::RowName<'_>) -> Note {
        Note::Undefined {
            about,
            code: text::stats_code(e),
            id: text::stats_error_at(e, Lang::Id, row),
            en: text::stats_error_at(e, Lang::En, row),
        }
    }
}

/// Check the lines and the bootstrap of a request before anything is read.
pub fn check_options(
    poverty_line: Option<f64>,
    relative_line: Option<f64>,
    bootstrap: Option<usize>,
) -> Result<()> {
    if let Some(z) = poverty_line
        && !(z > 0.0 && z.is_finite() && z <= setara_stats::MAX_ABS_VALUE)
    {
        return Err(Error::invalid(
            "stats_bad_line",
            format!(
                "--poverty-line {z}: garis kemiskinan harus bilangan positif hingga (paling besar 1e30)"
            ),
            format!(
                "--poverty-line {z}: the poverty line must be a positive finite number (at most 1e30)"
            ),
        ));
    }
    if let Some(r) = relative_line
        && !(r > 0.0 && r <= 1.0)
    {
        return Err(Error::invalid(
            "stats_bad_line",
            format!("--relative-line {r}: bagian dari median harus dalam (0, 1], mis. 0.6"),
            format!("--relative-line {r}: the share of the median must be in (0, 1], e.g. 0.6"),
        ));
    }
    if let Some(b) = bootstrap
        && !(2..=MAX_BOOTSTRAP_REPLICATES).contains(&b)
    {
        return Err(Error::invalid(
            "stats_bad_bootstrap",
            format!(
                "--bootstrap {b}: banyaknya replikasi harus antara 2 dan {MAX_BOOTSTRAP_REPLICATES}"
            ),
            format!(
                "--bootstrap {b}: the number of replicates must be between 2 and {MAX_BOOTSTRAP_REPLICATES}"
            ),
        ));
    }
    Ok(())
}

/// The measures of a region table: the given keys, trimmed (by default mean, fgt0, gini);
/// each must be a measure of [`MEASURES`] other than the poverty line.
pub fn check_measures(keys: &[String]) -> Result<Vec<String>> {
    let keys: Vec<String> = if keys.is_empty() {
        vec!["mean".into(), "fgt0".into(), "gini".into()]
    } else {
        keys.iter().map(|m| m.trim().to_string()).collect()
    };
    for k in &keys {
        if !MEASURES.iter().any(|m| m.0 == k) || k == "poverty_line" {
            let all: Vec<&str> = MEASURES
                .iter()
                .map(|m| m.0)
                .filter(|m| *m != "poverty_line")
                .collect();
            return Err(Error::invalid(
                "stats_unknown_measure",
                format!("ukuran {k:?} tidak dikenal; pilihan: {}", all.join(", ")),
                format!("unknown measure {k:?}; choose from: {}", all.join(", ")),
            ));
        }
    }
    Ok(keys)
}

/// The region a registry statistic covers: the asked region (which must lie within the
/// caller's scope), else the caller's scope, else everything (`None`); the one rule of every
/// registry read ([`crate::registry::scoped_region`]).
pub use crate::registry::scoped_region;

/// The registry's latest snapshot, and whether the registry changed after it was taken
/// (`stale`: the front end says so).
pub struct Latest {
    pub snapshot: Snapshot,
    pub stale: bool,
}

/// Open the latest snapshot of the data directory (`snapshot_missing` when there is none).
pub fn latest_snapshot(app: &App) -> Result<Latest> {
    let dir = app.data.snapshots();
    let snapshot = Snapshot::open_latest(&dir).map_err(|e| {
        Error::new(
            ErrorKind::NotFound,
            "snapshot_missing",
            format!(
                "tidak ada snapshot yang dapat dibaca di {} ({e}); jalankan `setara snapshot` dahulu",
                app.data.show(&dir)
            ),
            format!(
                "no readable snapshot in {} ({e}); run `setara snapshot` first",
                app.data.show(&dir)
            ),
        )
    })?;
    let stale = changed_after(app, &snapshot);
    Ok(Latest { snapshot, stale })
}

/// Whether the registry changed after the snapshot was taken (false when it cannot be told).
fn changed_after(app: &App, snap: &Snapshot) -> bool {
    if !app.data.store_path().exists() {
        return false;
    }
    let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
    let Ok(store) = app.reader() else {
        return false;
    };
    let (Some(changed), Some(taken)) = (
        store
            .last_change_at()
            .ok()
            .flatten()
            .as_deref()
            .and_then(parse),
        parse(&snap.manifest().created),
    ) else {
        return false;
    };
    // The snapshot's time has whole seconds.
    changed > taken + chrono::Duration::seconds(1)
}
