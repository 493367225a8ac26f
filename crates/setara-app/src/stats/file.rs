//! Every measure on a value column of any CSV or XLSX file, with optional weight and group
//! columns (`setara stats --input`).

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::Serialize;
use setara_core::Lang;
use setara_stats::{GiniConvention, PovertyLine, RelativeLine, StatsError, Suite, SuiteOptions};

use super::input::read_columns;
use super::text::{RowName, stats_error};
use super::{Curve, MEASURES, Note, check_options, measure};
use crate::App;
use crate::caller::Caller;
use crate::error::Result;

/// What to measure in a file.
#[derive(Clone, Debug, Default)]
pub struct FileStatsRequest {
    pub path: PathBuf,
    /// Column with the values, by header name (case and spacing ignored).
    pub value: String,
    /// Column with frequency or survey weights.
    pub weight: Option<String>,
    /// Column with a group: adds per-group results and the between/within decomposition.
    pub group: Option<String>,
    /// Absolute poverty line, in the unit of the values.
    pub poverty_line: Option<f64>,
    /// Relative poverty line: this share of the weighted median, in (0, 1].
    pub relative_line: Option<f64>,
    /// Drop zero and negative values (and say how many).
    pub positive_only: bool,
    /// Standard errors by Taylor linearization.
    pub se: bool,
    /// Also bootstrap standard errors with this many replicates.
    pub bootstrap: Option<usize>,
    pub seed: u64,
    /// The Gini with convey's weight convention instead of the frequency-weight one.
    pub gini_convey: bool,
    /// Compute the Lorenz curve (1001 points).
    pub lorenz: bool,
}

/// Measures of a set of rows: `{key: value}` for every measure the options define (null: not
/// defined on these data, a note says why).
pub type Values = BTreeMap<&'static str, Option<f64>>;

/// The measures of a file.
#[derive(Clone, Debug, Serialize)]
pub struct FileStats {
    pub n: usize,
    pub total_weight: f64,
    /// Zero or negative values dropped (`positive_only`).
    pub dropped: usize,
    pub skipped_empty: u64,
    pub skipped_zero_weight: u64,
    #[serde(flatten)]
    pub values: Values,
    /// Standard errors of the measures, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub se: Option<Values>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootstrap: Option<Bootstrap>,
    /// Between/within decomposition of Theil T, Theil L and GE(2), with a group column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decomposition: Option<BTreeMap<&'static str, Option<Decomposition>>>,
    /// Each group's measures, ordered by the group's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<GroupStats>>,
    pub notes: Vec<Note>,
    /// The Lorenz curve of all rows, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lorenz: Option<Curve>,
}

/// The measures of one group.
#[derive(Clone, Debug, Serialize)]
pub struct GroupStats {
    pub group: String,
    pub n: usize,
    pub total_weight: f64,
    #[serde(flatten)]
    pub values: Values,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub se: Option<Values>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// One decomposition of inequality into between and within groups.
#[derive(Clone, Debug, Serialize)]
pub struct Decomposition {
    pub between: f64,
    pub within: f64,
    pub total: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub se: Option<DecompositionSe>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DecompositionSe {
    pub between: Option<f64>,
    pub within: Option<f64>,
    pub total: Option<f64>,
}

/// Bootstrap standard errors of every measure.
#[derive(Clone, Debug, Serialize)]
pub struct Bootstrap {
    pub replicates: usize,
    pub seed: u64,
    pub se: Values,
}

fn options(r: &FileStatsRequest, lorenz_points: usize) -> SuiteOptions {
    let line = match (r.poverty_line, r.relative_line) {
        (Some(z), _) => Some(PovertyLine::Absolute(z)),
        (None, Some(x)) => Some(PovertyLine::Relative(RelativeLine::of_median(x))),
        _ => None,
    };
    SuiteOptions {
        line,
        standard_errors: r.se,
        gini_convention: if r.gini_convey {
            GiniConvention::Convey
        } else {
            GiniConvention::FrequencyWeights
        },
        lorenz_points,
    }
}

/// Values and standard errors of a suite, with a note for every undefined measure.
fn values_of(s: &Suite, notes: &mut Vec<Note>, row: RowName<'_>) -> (Values, Values) {
    let mut values = Values::new();
    let mut ses = Values::new();
    for (key, _, _) in MEASURES {
        let Some(r) = measure(s, key) else { continue };
        match r {
            Ok(e) => {
                values.insert(key, finite(e.value));
                ses.insert(key, e.se.and_then(finite));
            }
            Err(e) => {
                values.insert(key, None);
                ses.insert(key, None);
                notes.push(Note::undefined(key.to_string(), e, row));
            }
        }
    }
    (values, ses)
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Measure the value column of a file. A file the caller gives is not registry data: the
/// caller's scope does not limit it.
pub fn file_stats(app: &App, _caller: &Caller, req: &FileStatsRequest) -> Result<FileStats> {
    check_options(req.poverty_line, req.relative_line, req.bootstrap)?;
    let mut cols = read_columns(
        &app.data,
        &req.path,
        &req.value,
        req.weight.as_deref(),
        req.group.as_deref(),
    )?;
    let mut notes = Vec::new();
    if cols.skipped_empty > 0 {
        notes.push(Note::SkippedEmpty {
            rows: cols.skipped_empty,
        });
    }
    if cols.skipped_zero_weight > 0 {
        notes.push(Note::SkippedZeroWeight {
            rows: cols.skipped_zero_weight,
        });
    }
    let dropped = if req.positive_only {
        cols.retain(|v| v > 0.0)
    } else {
        0
    };
    if dropped > 0 {
        notes.push(Note::DroppedNonPositive { rows: dropped });
    }
    let cols = cols;
    let (values, weights, groups) = (
        &cols.values,
        cols.weights.as_deref(),
        cols.groups.as_deref(),
    );
    // Rows are named by their line; in a group or a bootstrap replicate the index is not the
    // file's, so the row is found by its value.
    let by_index = |i: usize, _: f64, lang: Lang| cols.line_name(i, lang);
    // The first row of each (value, group), built at the first message that needs it.
    let first_row: OnceCell<HashMap<(u64, u32), usize>> = OnceCell::new();
    let by_value = |group: Option<u32>| {
        let (cols, first_row) = (&cols, &first_row);
        move |_index: usize, v: f64, lang: Lang| {
            let rows = first_row.get_or_init(|| {
                let mut m = HashMap::new();
                for (r, x) in cols.values.iter().enumerate() {
                    m.entry((x.to_bits(), u32::MAX)).or_insert(r);
                    if let Some(gs) = &cols.groups {
                        m.entry((x.to_bits(), gs[r])).or_insert(r);
                    }
                }
                m
            });
            let row = rows
                .get(&(v.to_bits(), group.unwrap_or(u32::MAX)))
                .copied()
                .unwrap_or(usize::MAX);
            cols.line_name(row, lang)
        }
    };
    let opts = options(req, if req.lorenz { 1001 } else { 0 });
    let (overall, grouped) = match groups {
        Some(g) => {
            let gs = setara_stats::suite_by_group(values, weights, g, &opts)
                .map_err(|e| stats_error(&e, &by_index))?;
            (gs.overall.clone(), Some(gs))
        }
        None => (
            setara_stats::suite(values, weights, &opts).map_err(|e| stats_error(&e, &by_index))?,
            None,
        ),
    };
    let (vals, ses) = values_of(&overall, &mut notes, &by_index);
    let bootstrap = match req.bootstrap {
        Some(b) => Some(bootstrap_se(
            values,
            weights,
            &opts,
            (b, req.seed),
            &mut notes,
            &by_value(None),
        )?),
        None => None,
    };
    let mut decomposition = None;
    let mut group_stats = None;
    if let Some(gs) = &grouped {
        let mut dec = BTreeMap::new();
        for (key, d) in [
            ("theil_t", &gs.theil_t),
            ("theil_l", &gs.theil_l),
            ("ge2", &gs.ge2),
        ] {
            match d {
                Ok(d) => {
                    dec.insert(
                        key,
                        Some(Decomposition {
                            between: d.between.value,
                            within: d.within.value,
                            total: d.total.value,
                            se: req.se.then_some(DecompositionSe {
                                between: d.between.se,
                                within: d.within.se,
                                total: d.total.se,
                            }),
                        }),
                    );
                }
                Err(e) => {
                    dec.insert(key, None);
                    notes.push(Note::undefined(
                        format!("decomposition.{key}"),
                        e,
                        &by_value(None),
                    ));
                }
            }
        }
        decomposition = Some(dec);
        let names = &cols.group_names;
        let mut ordered: Vec<&(u32, Suite)> = gs.groups.iter().collect();
        ordered.sort_by(|a, b| names.get(a.0 as usize).cmp(&names.get(b.0 as usize)));
        group_stats = Some(
            ordered
                .into_iter()
                .map(|(id, s)| {
                    let mut group_notes = Vec::new();
                    let (v, se) = values_of(s, &mut group_notes, &by_value(Some(*id)));
                    GroupStats {
                        group: names.get(*id as usize).cloned().unwrap_or_default(),
                        n: s.n,
                        total_weight: s.total_weight,
                        values: v,
                        se: req.se.then_some(se),
                        notes: group_notes,
                    }
                })
                .collect(),
        );
    }
    let lorenz = req.lorenz.then(|| Curve {
        name: req
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        gini: overall.gini.as_ref().ok().map(|e| e.value),
        points: overall.lorenz.clone().unwrap_or_default(),
    });
    Ok(FileStats {
        n: overall.n,
        total_weight: overall.total_weight,
        dropped,
        skipped_empty: cols.skipped_empty,
        skipped_zero_weight: cols.skipped_zero_weight,
        values: vals,
        se: req.se.then_some(ses),
        bootstrap,
        decomposition,
        groups: group_stats,
        notes,
        lorenz,
    })
}

/// Bootstrap standard errors of every measure: `(replicates, seed)`.
fn bootstrap_se(
    values: &[f64],
    weights: Option<&[f64]>,
    opts: &SuiteOptions,
    (replicates, seed): (usize, u64),
    notes: &mut Vec<Note>,
    row: RowName<'_>,
) -> Result<Bootstrap> {
    // The whole suite once per replicate, without its own standard errors.
    let o = SuiteOptions {
        standard_errors: false,
        lorenz_points: 0,
        ..opts.clone()
    };
    let keys: Vec<&'static str> = MEASURES.iter().map(|m| m.0).collect();
    let results = setara_stats::bootstrap_each(values, weights, replicates, seed, |s| {
        let r = setara_stats::suite_of(s, &o);
        keys.iter()
            .map(|k| match measure(&r, k) {
                Some(Ok(e)) => Ok(e.value),
                Some(Err(e)) => Err(e.clone()),
                None => Err(StatsError::Undefined {
                    measure: "the bootstrapped statistic",
                    reason: "not computed",
                }),
            })
            .collect()
    })
    .map_err(|e| stats_error(&e, row))?;
    let full = setara_stats::suite(values, weights, &o).map_err(|e| stats_error(&e, row))?;
    let mut se = Values::new();
    for (key, r) in keys.iter().zip(results) {
        // Measures the options do not define (FGT without a line) are left out, and so is a
        // line that was given rather than estimated.
        let Some(point) = measure(&full, key) else {
            continue;
        };
        if *key == "poverty_line" && matches!(o.line, Some(PovertyLine::Absolute(_))) {
            continue;
        }
        match (point, r) {
            (Ok(_), Ok(b)) => {
                se.insert(key, finite(b.se));
            }
            (Ok(_), Err(e)) => {
                se.insert(key, None);
                notes.push(Note::undefined(format!("bootstrap.{key}"), &e, row));
            }
            (Err(_), _) => {
                se.insert(key, None);
            }
        }
    }
    Ok(Bootstrap {
        replicates,
        seed,
        se,
    })
}
