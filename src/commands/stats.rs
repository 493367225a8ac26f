//! `setara stats`: inequality and poverty measures on any CSV/XLSX file, or on the registry's
//! latest snapshot by region; Lorenz curves and province maps as SVG; multidimensional poverty.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use setara_core::{Bps, Lang, Level, RegionCode, Regions};
use setara_registry::writer::{Dialect, csv_writer};
use setara_snapshot::{Column, Snapshot};
use setara_stats::{
    Estimate, GiniConvention, PovertyLine, RelativeLine, StatsError, Suite, SuiteOptions,
};

use crate::context::{Context, show_path};
use crate::failure::{Failure, Kind, Result};
use crate::output::OutputFile;
use crate::stats_input::read_columns;
use crate::stats_text::{RowName, stats_code, stats_error_at};

/// Cells resting on fewer surveyed households are suppressed (never printed).
pub const MIN_CELL: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum By {
    Province,
    Regency,
    District,
}

impl By {
    fn level(self) -> Level {
        match self {
            By::Province => Level::Province,
            By::Regency => Level::Regency,
            By::District => Level::District,
        }
    }
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Any CSV or XLSX file to measure (instead of the registry).
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Column with the values (income, consumption…), by header name.
    #[arg(long, requires = "input")]
    pub value: Option<String>,
    /// Column with frequency or survey weights.
    #[arg(long, requires = "input")]
    pub weight: Option<String>,
    /// Column with a group (region…): adds per-group results and the between/within decomposition.
    #[arg(long, requires = "input")]
    pub group: Option<String>,
    /// Absolute poverty line, in the unit of the values (FGT P0-P2 and Watts).
    #[arg(long, conflicts_with = "relative_line", allow_negative_numbers = true)]
    pub poverty_line: Option<f64>,
    /// Relative poverty line: this share of the weighted median, in (0, 1] (e.g. 0.6).
    #[arg(long, allow_negative_numbers = true)]
    pub relative_line: Option<f64>,
    /// Drop zero and negative values (and say how many) instead of reporting the measures that
    /// need positive values as undefined.
    #[arg(long)]
    pub positive_only: bool,
    /// Standard errors by Taylor linearization (design: one stage, with replacement, weights).
    #[arg(long)]
    pub se: bool,
    /// Also bootstrap standard errors with this many replicates (2 to 10,000).
    #[arg(long)]
    pub bootstrap: Option<usize>,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The Gini with convey's weight convention instead of the frequency-weight one.
    #[arg(long)]
    pub gini_convey: bool,
    /// Registry: the level of the table.
    #[arg(long, value_enum, default_value_t = By::Province, conflicts_with = "input")]
    pub by: By,
    /// Registry: only this region and what lies inside it.
    #[arg(long, conflicts_with = "input")]
    pub region: Option<String>,
    /// Registry: measures in the table, comma-separated (default mean,fgt0,gini).
    #[arg(long, value_delimiter = ',', conflicts_with = "input")]
    pub measure: Vec<String>,
    /// Registry: BPS period shown beside the provinces.
    #[arg(long, default_value = "2024-03", conflicts_with = "input")]
    pub bps_period: String,
    /// Registry: Alkire-Foster multidimensional poverty instead of the consumption measures.
    #[arg(long, conflicts_with = "input")]
    pub mpi: bool,
    /// Also write the table as CSV to this file.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// CSV for Excel: `;` separator and a UTF-8 BOM.
    #[arg(long)]
    pub excel: bool,
    /// Draw the Lorenz curve to this SVG file.
    #[arg(long)]
    pub lorenz: Option<PathBuf>,
    /// Registry: draw a map of the first measure over the 38 provinces to this SVG file.
    #[arg(long, conflicts_with = "input")]
    pub map: Option<PathBuf>,
    /// Replace the files of --csv, --lorenz and --map if they exist (never an input).
    #[arg(long)]
    pub force: bool,
}

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

fn label(key: &str, lang: Lang) -> &'static str {
    MEASURES
        .iter()
        .find(|m| m.0 == key)
        .map(|m| lang.pick(m.1, m.2))
        .unwrap_or("?")
}

fn num(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(v)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

/// `{key: value}` and `{key: se}` objects of a suite, with a note for every undefined measure.
fn suite_json(
    s: &Suite,
    lang: Lang,
    notes: &mut Vec<String>,
    prefix: &str,
    row: RowName<'_>,
) -> (
    serde_json::Map<String, serde_json::Value>,
    serde_json::Map<String, serde_json::Value>,
) {
    let mut values = serde_json::Map::new();
    let mut ses = serde_json::Map::new();
    for (key, _, _) in MEASURES {
        let Some(r) = measure(s, key) else { continue };
        match r {
            Ok(e) => {
                values.insert(key.to_string(), num(e.value));
                ses.insert(
                    key.to_string(),
                    e.se.map(num).unwrap_or(serde_json::Value::Null),
                );
            }
            Err(e) => {
                values.insert(key.to_string(), serde_json::Value::Null);
                ses.insert(key.to_string(), serde_json::Value::Null);
                notes.push(format!("{prefix}{key}: {}", stats_error_at(e, lang, row)));
            }
        }
    }
    (values, ses)
}

fn stats_failure(e: &StatsError, lang: Lang) -> Failure {
    stats_failure_at(e, lang, &crate::stats_text::by_position)
}

/// A statistics error that stops the command, its rows named by `row`.
fn stats_failure_at(e: &StatsError, _lang: Lang, row: RowName<'_>) -> Failure {
    Failure::invalid(
        stats_code(e),
        stats_error_at(e, Lang::Id, row),
        stats_error_at(e, Lang::En, row),
    )
}

fn usage(code: &'static str, id: String, en: String) -> Failure {
    Failure::new(Kind::Usage, code, id, en)
}

/// Check the values of the flags before anything is read.
fn check_flags(a: &StatsArgs) -> Result<()> {
    if let Some(z) = a.poverty_line
        && !(z > 0.0 && z.is_finite() && z <= setara_stats::MAX_ABS_VALUE)
    {
        return Err(usage(
            "stats_bad_line",
            format!(
                "--poverty-line {z}: garis kemiskinan harus bilangan positif hingga (paling besar 1e30)"
            ),
            format!(
                "--poverty-line {z}: the poverty line must be a positive finite number (at most 1e30)"
            ),
        ));
    }
    if let Some(r) = a.relative_line
        && !(r > 0.0 && r <= 1.0)
    {
        return Err(usage(
            "stats_bad_line",
            format!("--relative-line {r}: bagian dari median harus dalam (0, 1], mis. 0.6"),
            format!("--relative-line {r}: the share of the median must be in (0, 1], e.g. 0.6"),
        ));
    }
    if let Some(b) = a.bootstrap
        && !(2..=MAX_BOOTSTRAP_REPLICATES).contains(&b)
    {
        return Err(usage(
            "stats_bad_bootstrap",
            format!(
                "--bootstrap {b}: banyaknya replikasi harus antara 2 dan {MAX_BOOTSTRAP_REPLICATES}"
            ),
            format!(
                "--bootstrap {b}: the number of replicates must be between 2 and {MAX_BOOTSTRAP_REPLICATES}"
            ),
        ));
    }
    // Two outputs into one file: the second would replace the first.
    let outputs: Vec<&PathBuf> = [&a.csv, &a.lorenz, &a.map].into_iter().flatten().collect();
    for (i, x) in outputs.iter().enumerate() {
        for y in &outputs[i + 1..] {
            if x == y || crate::output::same_file(x, y) {
                return Err(usage(
                    "output_twice",
                    format!("{} disebut untuk dua keluaran", show_path(x)),
                    format!("{} is named for two outputs", show_path(x)),
                ));
            }
        }
    }
    Ok(())
}

/// The output files a run writes, opened (and checked) before anything is computed, and
/// committed at the end: nothing is written when the command fails.
struct Outputs {
    csv: Option<OutputFile>,
    lorenz: Option<OutputFile>,
    map: Option<OutputFile>,
}

impl Outputs {
    fn open(a: &StatsArgs, inputs: &[&Path]) -> Result<Outputs> {
        let open = |p: &Option<PathBuf>| {
            p.as_deref()
                .map(|p| OutputFile::create(p, a.force, inputs))
                .transpose()
        };
        Ok(Outputs {
            csv: open(&a.csv)?,
            lorenz: open(&a.lorenz)?,
            map: open(&a.map)?,
        })
    }

    /// Give every file its name, and say where the pictures are.
    fn commit(self, ctx: &Context) -> Result<()> {
        let said = [
            (self.csv, None),
            (self.lorenz, Some(("Kurva Lorenz", "Lorenz curve"))),
            (self.map, Some(("Peta", "Map"))),
        ];
        for (f, what) in said {
            let Some(f) = f else { continue };
            let path = f.commit()?;
            if let Some((id, en)) = what
                && !ctx.json
                && !ctx.quiet
            {
                errln!("{}: {}", ctx.t(id, en), show_path(&path));
            }
        }
        Ok(())
    }
}

fn write_to(f: &mut OutputFile, bytes: &[u8]) -> Result<()> {
    let path = f.path().to_path_buf();
    f.writer()
        .write_all(bytes)
        .map_err(|e| Failure::io(&path, &e))
}

pub fn run(ctx: &Context, a: StatsArgs) -> Result<()> {
    check_flags(&a)?;
    match &a.input {
        Some(path) => {
            let value = a.value.clone().ok_or_else(|| {
                Failure::new(
                    Kind::Usage,
                    "stats_value_missing",
                    "--input memerlukan --value KOLOM",
                    "--input needs --value COLUMN",
                )
            })?;
            file_stats(ctx, &a, path, &value)
        }
        None if a.mpi => registry_mpi(ctx, &a),
        None => registry_stats(ctx, &a),
    }
}

fn options(a: &StatsArgs, line: Option<PovertyLine>, lorenz_points: usize) -> SuiteOptions {
    SuiteOptions {
        line,
        standard_errors: a.se,
        gini_convention: if a.gini_convey {
            GiniConvention::Convey
        } else {
            GiniConvention::FrequencyWeights
        },
        lorenz_points,
    }
}

fn file_line(a: &StatsArgs) -> Option<PovertyLine> {
    match (a.poverty_line, a.relative_line) {
        (Some(z), _) => Some(PovertyLine::Absolute(z)),
        (None, Some(r)) => Some(PovertyLine::Relative(RelativeLine::of_median(r))),
        _ => None,
    }
}

fn file_stats(ctx: &Context, a: &StatsArgs, path: &Path, value: &str) -> Result<()> {
    let mut outputs = Outputs::open(a, &[path])?;
    let mut cols = read_columns(path, value, a.weight.as_deref(), a.group.as_deref())?;
    let lang = ctx.lang;
    let mut notes = Vec::new();
    if cols.skipped_empty > 0 {
        notes.push(format!(
            "{} {}",
            cols.skipped_empty,
            ctx.t(
                "baris dilewati karena nilai atau bobotnya kosong",
                "rows skipped because their value or weight is empty"
            )
        ));
    }
    if cols.skipped_zero_weight > 0 {
        notes.push(format!(
            "{} {}",
            cols.skipped_zero_weight,
            ctx.t(
                "baris dilewati karena bobotnya nol (tidak mewakili siapa pun)",
                "rows skipped because their weight is zero (they stand for no one)"
            )
        ));
    }
    let dropped = if a.positive_only {
        cols.retain(|v| v > 0.0)
    } else {
        0
    };
    if dropped > 0 {
        notes.push(format!(
            "{dropped} {}",
            ctx.t(
                "nilai nol atau negatif dibuang (--positive-only)",
                "zero or negative values dropped (--positive-only)"
            )
        ));
    }
    let cols = cols;
    let (values, weights, groups) = (
        &cols.values,
        cols.weights.as_deref(),
        cols.groups.as_deref(),
    );
    // Rows are named by their line; in a group or a bootstrap replicate the index is not the
    // file's, so the row is found by its value.
    let by_index = |i: usize, _: f64, lang: Lang| cols.line_name(path, i, lang);
    // The first row of each (value, group), built at the first message that needs it.
    let first_row: std::cell::OnceCell<std::collections::HashMap<(u64, u32), usize>> =
        std::cell::OnceCell::new();
    let by_value = |group: Option<u32>| {
        let (cols, first_row) = (&cols, &first_row);
        move |_index: usize, v: f64, lang: Lang| {
            let rows = first_row.get_or_init(|| {
                let mut m = std::collections::HashMap::new();
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
            cols.line_name(path, row, lang)
        }
    };
    let lorenz_points = if a.lorenz.is_some() { 1001 } else { 0 };
    let opts = options(a, file_line(a), lorenz_points);
    let (overall, grouped) = match groups {
        Some(g) => {
            let gs = setara_stats::suite_by_group(values, weights, g, &opts)
                .map_err(|e| stats_failure_at(&e, lang, &by_index))?;
            (gs.overall.clone(), Some(gs))
        }
        None => (
            setara_stats::suite(values, weights, &opts)
                .map_err(|e| stats_failure_at(&e, lang, &by_index))?,
            None,
        ),
    };
    let (vals, ses) = suite_json(&overall, lang, &mut notes, "", &by_index);
    let mut out = serde_json::Map::new();
    out.insert("n".into(), overall.n.into());
    out.insert("total_weight".into(), num(overall.total_weight));
    out.insert("dropped".into(), dropped.into());
    out.insert("skipped_empty".into(), cols.skipped_empty.into());
    out.insert(
        "skipped_zero_weight".into(),
        cols.skipped_zero_weight.into(),
    );
    out.extend(vals);
    if a.se {
        out.insert("se".into(), serde_json::Value::Object(ses));
    }
    if let Some(b) = a.bootstrap {
        let boot = bootstrap_json(
            values,
            weights,
            &opts,
            (b, a.seed),
            lang,
            &mut notes,
            &by_value(None),
        )?;
        out.insert("bootstrap".into(), boot);
    }
    if let Some(gs) = &grouped {
        let mut dec = serde_json::Map::new();
        for (key, d) in [
            ("theil_t", &gs.theil_t),
            ("theil_l", &gs.theil_l),
            ("ge2", &gs.ge2),
        ] {
            match d {
                Ok(d) => {
                    let mut o = serde_json::json!({"between": num(d.between.value), "within": num(d.within.value), "total": num(d.total.value)});
                    if a.se {
                        o["se"] = serde_json::json!({"between": d.between.se.map(num), "within": d.within.se.map(num), "total": d.total.se.map(num)});
                    }
                    dec.insert(key.into(), o);
                }
                Err(e) => {
                    dec.insert(key.into(), serde_json::Value::Null);
                    notes.push(format!(
                        "decomposition.{key}: {}",
                        stats_error_at(e, lang, &by_value(None))
                    ));
                }
            }
        }
        out.insert("decomposition".into(), serde_json::Value::Object(dec));
        let names = &cols.group_names;
        let mut ordered: Vec<&(u32, Suite)> = gs.groups.iter().collect();
        ordered.sort_by(|a, b| names.get(a.0 as usize).cmp(&names.get(b.0 as usize)));
        let groups_json: Vec<serde_json::Value> = ordered
            .into_iter()
            .map(|(id, s)| {
                let name = names.get(*id as usize).cloned().unwrap_or_default();
                let mut group_notes = Vec::new();
                let (v, se) = suite_json(s, lang, &mut group_notes, "", &by_value(Some(*id)));
                let mut g = serde_json::Map::new();
                g.insert("group".into(), name.into());
                g.insert("n".into(), s.n.into());
                g.insert("total_weight".into(), num(s.total_weight));
                g.extend(v);
                if a.se {
                    g.insert("se".into(), serde_json::Value::Object(se));
                }
                if !group_notes.is_empty() {
                    g.insert("notes".into(), group_notes.into());
                }
                serde_json::Value::Object(g)
            })
            .collect();
        out.insert("groups".into(), groups_json.into());
    }
    out.insert("notes".into(), notes.clone().into());

    if let Some(f) = outputs.lorenz.as_mut() {
        let points = overall.lorenz.clone().unwrap_or_default();
        let gini = overall.gini.as_ref().ok().map(|e| e.value);
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        write_lorenz(ctx, f, &[(name, gini, points)])?;
    }
    if let Some(f) = outputs.csv.as_mut() {
        write_file_csv(f, &out, a.excel)?;
    }
    outputs.commit(ctx)?;
    if ctx.json {
        outln!("{}", serde_json::Value::Object(out));
        return Ok(());
    }
    print_file_table(
        ctx,
        &overall,
        a,
        &notes,
        grouped.as_ref(),
        &cols.group_names,
    );
    Ok(())
}

/// Bootstrap standard errors of every measure: `(replicates, seed)`.
fn bootstrap_json(
    values: &[f64],
    weights: Option<&[f64]>,
    opts: &SuiteOptions,
    (replicates, seed): (usize, u64),
    lang: Lang,
    notes: &mut Vec<String>,
    row: RowName<'_>,
) -> Result<serde_json::Value> {
    // The whole suite once per replicate, without its own standard errors.
    let o = SuiteOptions {
        standard_errors: false,
        lorenz_points: 0,
        ..opts.clone()
    };
    let keys: Vec<&str> = MEASURES.iter().map(|m| m.0).collect();
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
    .map_err(|e| stats_failure_at(&e, lang, row))?;
    let full =
        setara_stats::suite(values, weights, &o).map_err(|e| stats_failure_at(&e, lang, row))?;
    let mut se = serde_json::Map::new();
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
                se.insert(key.to_string(), num(b.se));
            }
            (Ok(_), Err(e)) => {
                se.insert(key.to_string(), serde_json::Value::Null);
                notes.push(format!(
                    "bootstrap.{key}: {}",
                    stats_error_at(&e, lang, row)
                ));
            }
            (Err(_), _) => {
                se.insert(key.to_string(), serde_json::Value::Null);
            }
        }
    }
    Ok(serde_json::json!({"replicates": replicates, "seed": seed, "se": se}))
}

fn fmt_est(e: &std::result::Result<Estimate, StatsError>, key: &str, with_se: bool) -> String {
    match e {
        Err(_) => "—".into(),
        Ok(e) => {
            let v = fmt_value(key, e.value);
            match (with_se, e.se) {
                (true, Some(se)) => format!("{v} ({})", fmt_value(key, se)),
                _ => v,
            }
        }
    }
}

/// A value as the tables print it: amounts with thousands separators (in scientific notation
/// from 10^15 on, where an integer would mislead), P0 in percent as its label says, ratios
/// and indices with fixed decimals.
fn fmt_value(key: &str, v: f64) -> String {
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

fn print_file_table(
    ctx: &Context,
    s: &Suite,
    a: &StatsArgs,
    notes: &[String],
    grouped: Option<&setara_stats::GroupedSuite>,
    names: &[String],
) {
    if ctx.quiet {
        return;
    }
    outln!(
        "n = {}, {} = {}",
        s.n,
        ctx.t("jumlah bobot", "total weight"),
        if s.total_weight >= 1e15 {
            format!("{:.3e}", s.total_weight)
        } else {
            format!("{}", s.total_weight)
        }
    );
    for (key, _, _) in MEASURES {
        if let Some(r) = measure(s, key) {
            outln!("  {:<32} {}", label(key, ctx.lang), fmt_est(r, key, a.se));
        }
    }
    if let Some(gs) = grouped {
        outln!(
            "{}:",
            ctx.t(
                "Dekomposisi menurut kelompok (antar / dalam)",
                "Decomposition by group (between / within)"
            )
        );
        for (key, d) in [
            ("theil_t", &gs.theil_t),
            ("theil_l", &gs.theil_l),
            ("ge2", &gs.ge2),
        ] {
            if let Ok(d) = d {
                outln!(
                    "  {:<32} {:.4} / {:.4}",
                    label(key, ctx.lang),
                    d.between.value,
                    d.within.value
                );
            }
        }
        outln!(
            "{:<20} {:>10} {:>10} {:>10} {:>10}",
            ctx.t("Kelompok", "Group"),
            "n",
            label("mean", ctx.lang),
            "Gini",
            "Theil T"
        );
        let mut ordered: Vec<&(u32, Suite)> = gs.groups.iter().collect();
        ordered.sort_by(|a, b| names.get(a.0 as usize).cmp(&names.get(b.0 as usize)));
        for (id, g) in ordered {
            outln!(
                "{:<20} {:>10} {:>10} {:>10} {:>10}",
                names.get(*id as usize).map(String::as_str).unwrap_or("?"),
                g.n,
                fmt_est(&g.mean, "mean", false),
                fmt_est(&g.gini, "gini", false),
                fmt_est(&g.theil_t, "theil_t", false)
            );
        }
    }
    for n in notes {
        outln!("{}: {n}", ctx.t("catatan", "note"));
    }
}

fn write_file_csv(
    f: &mut OutputFile,
    out: &serde_json::Map<String, serde_json::Value>,
    excel: bool,
) -> Result<()> {
    let dialect = if excel {
        Dialect::Excel
    } else {
        Dialect::Plain
    };
    let path = f.path().to_path_buf();
    let file = f.writer();
    let write = || -> std::io::Result<()> {
        let mut w = csv_writer(file, dialect)?;
        w.write_record(["measure", "value", "se"])?;
        let se = out.get("se").and_then(|v| v.as_object());
        for (key, _, _) in MEASURES {
            if let Some(v) = out.get(*key) {
                let se = se
                    .and_then(|s| s.get(*key))
                    .and_then(|v| v.as_f64())
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                w.write_record([
                    key.to_string(),
                    v.as_f64().map(|v| v.to_string()).unwrap_or_default(),
                    se,
                ])?;
            }
        }
        w.flush()
    };
    write().map_err(|e| Failure::io(&path, &e))
}

/// A Lorenz curve to draw: label, Gini, points `(p, L(p))`.
pub type Curve = (String, Option<f64>, Vec<(f64, f64)>);

fn write_lorenz(ctx: &Context, f: &mut OutputFile, curves: &[Curve]) -> Result<()> {
    let cs: Vec<setara_charts::LorenzCurve<'_>> = curves
        .iter()
        .map(|(name, gini, pts)| {
            setara_charts::LorenzCurve::new(name.as_str(), *gini, pts.as_slice())
        })
        .collect();
    let svg = setara_charts::lorenz_svg(&cs, &setara_charts::LorenzOptions::new(ctx.lang));
    write_to(f, svg.as_bytes())
}

// ---------------------------------------------------------------------------------------------
// Registry mode.

fn open_snapshot(ctx: &Context) -> Result<Snapshot> {
    let snap = open_latest(ctx)?;
    warn_if_stale(ctx, &snap);
    Ok(snap)
}

/// Say so when the registry changed after the snapshot was taken.
fn warn_if_stale(ctx: &Context, snap: &Snapshot) {
    if ctx.quiet || !ctx.store_path().exists() {
        return;
    }
    let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
    let Ok(store) = ctx.open_store() else { return };
    let (Some(changed), Some(taken)) = (
        store
            .last_change_at()
            .ok()
            .flatten()
            .as_deref()
            .and_then(parse),
        parse(&snap.manifest().created),
    ) else {
        return;
    };
    // The snapshot's time has whole seconds.
    if changed > taken + chrono::Duration::seconds(1) {
        errln!(
            "{}",
            ctx.t(
                "peringatan: registri berubah setelah snapshot ini dibuat; jalankan `setara snapshot` agar statistik memuat perubahan itu",
                "warning: the registry changed after this snapshot was taken; run `setara snapshot` for statistics that include the change"
            )
        );
    }
}

fn open_latest(ctx: &Context) -> Result<Snapshot> {
    Snapshot::open_latest(ctx.snapshots_dir()).map_err(|e| {
        Failure::invalid(
            "snapshot_missing",
            format!("tidak ada snapshot yang dapat dibaca di {} ({e}); jalankan `setara snapshot` dahulu", show_path(&ctx.snapshots_dir())),
            format!("no readable snapshot in {} ({e}); run `setara snapshot` first", show_path(&ctx.snapshots_dir())),
        )
    })
}

fn parse_region(s: &str) -> Result<RegionCode> {
    Regions::kemendagri_2025()
        .parse_existing(s)
        .map_err(|e| Failure::from_localized(Kind::Invalid, &e))
}

/// Households of the snapshot grouped by region at `level` (inside `within`, if given).
struct Grouping {
    /// Region of each group, in code order.
    regions: Vec<RegionCode>,
    /// Group of each household row (`None`: outside the selection or not placeable).
    of_row: Vec<Option<u32>>,
}

fn group_households(snap: &Snapshot, level: Level, within: Option<RegionCode>) -> Grouping {
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

/// One row of the registry table.
#[derive(serde::Serialize)]
pub struct RegionRow {
    pub code: Option<RegionCode>,
    pub name: String,
    pub households: u64,
    pub persons: u64,
    pub surveyed: usize,
    pub suppressed: bool,
    pub poverty_line: Option<i64>,
    pub measures: BTreeMap<String, Option<f64>>,
    pub se: BTreeMap<String, Option<f64>>,
    pub bps_gini: Option<f64>,
    pub bps_poverty_pct: Option<f64>,
    pub notes: Vec<String>,
}

fn registry_stats(ctx: &Context, a: &StatsArgs) -> Result<()> {
    let keys: Vec<String> = if a.measure.is_empty() {
        vec!["mean".into(), "fgt0".into(), "gini".into()]
    } else {
        a.measure.iter().map(|m| m.trim().to_string()).collect()
    };
    for k in &keys {
        if !MEASURES.iter().any(|m| m.0 == k) || k == "poverty_line" {
            let all: Vec<&str> = MEASURES
                .iter()
                .map(|m| m.0)
                .filter(|m| *m != "poverty_line")
                .collect();
            return Err(Failure::new(
                Kind::Usage,
                "stats_unknown_measure",
                format!("ukuran {k:?} tidak dikenal; pilihan: {}", all.join(", ")),
                format!("unknown measure {k:?}; choose from: {}", all.join(", ")),
            ));
        }
    }
    if a.map.is_some() && a.by != By::Province {
        return Err(Failure::new(
            Kind::Usage,
            "stats_map_provinces",
            "--map menggambar provinsi: gunakan --by province",
            "--map draws provinces: use --by province",
        ));
    }
    let within = a.region.as_deref().map(parse_region).transpose()?;
    let store = ctx.store_path();
    let mut outputs = Outputs::open(a, &[store.as_path()])?;
    let snap = open_snapshot(ctx)?;
    let level = a.by.level();
    let query = RegionQuery {
        level,
        within,
        keys: &keys,
        // Every row of a registry table carries its standard errors.
        se: true,
        period: &a.bps_period,
        lorenz: a.lorenz.is_some(),
        gini_convention: if a.gini_convey {
            GiniConvention::Convey
        } else {
            GiniConvention::FrequencyWeights
        },
    };
    let RegionTable {
        rows,
        lorenz: total_lorenz,
    } = region_table(&snap, &query, ctx.lang)?;
    let with_se = a.se;

    if let Some(f) = outputs.lorenz.as_mut() {
        match &total_lorenz {
            Some(c) => write_lorenz(ctx, f, std::slice::from_ref(c))?,
            None => {
                return Err(Failure::invalid(
                    "stats_suppressed",
                    format!(
                        "terlalu sedikit rumah tangga sampel (< {MIN_CELL}) untuk kurva Lorenz"
                    ),
                    format!("too few surveyed households (< {MIN_CELL}) for a Lorenz curve"),
                ));
            }
        }
    }
    if let Some(f) = outputs.map.as_mut() {
        let key = keys[0].as_str();
        let values: Vec<(RegionCode, Option<f64>)> = rows
            .iter()
            .filter_map(|r| Some((r.code?, r.measures.get(key).copied().flatten())))
            .filter(|(c, _)| c.level() == Level::Province)
            .collect();
        let mut o = setara_charts::MapOptions::new(ctx.lang, label(key, ctx.lang));
        o.title = Some(format!(
            "{} — {}",
            label(key, ctx.lang),
            ctx.t("per provinsi", "by province")
        ));
        // The legend shows values as the table does (P0 in percent, as its label says).
        let k = key.to_string();
        o.format = setara_charts::ValueFormat::custom(move |v| fmt_value(&k, v));
        let svg_text = setara_charts::province_map_svg(&values, &o);
        write_to(f, svg_text.as_bytes())?;
    }
    if let Some(f) = outputs.csv.as_mut() {
        write_region_csv(f, &rows, &keys, with_se, a.excel)?;
    }
    outputs.commit(ctx)?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({
                "snapshot": snap.hash(),
                "by": format!("{:?}", a.by).to_lowercase(),
                "bps_period": a.bps_period,
                "min_surveyed": MIN_CELL,
                "measures": keys,
                "rows": rows,
            })
        );
        return Ok(());
    }
    if !ctx.quiet {
        print_region_table(
            ctx,
            &rows,
            &keys,
            with_se,
            level == Level::Province,
            &a.bps_period,
        );
    }
    Ok(())
}

/// What to tabulate from the registry.
pub struct RegionQuery<'a> {
    pub level: Level,
    /// Only this region and what lies inside it.
    pub within: Option<RegionCode>,
    pub keys: &'a [String],
    pub se: bool,
    /// BPS period for the poverty lines and the figures beside the provinces.
    pub period: &'a str,
    /// Compute the Lorenz curve of the total.
    pub lorenz: bool,
    pub gini_convention: GiniConvention,
}

/// Rows by region and a total row (the nation, or the selected region), and the total's Lorenz
/// curve when asked for.
pub struct RegionTable {
    pub rows: Vec<RegionRow>,
    pub lorenz: Option<Curve>,
}

/// Measures per region from a snapshot: person-weighted over the surveyed households, each
/// region against its province's BPS poverty line, the total against each person's own line;
/// regions with fewer than [`MIN_CELL`] surveyed households are suppressed.
pub fn region_table(snap: &Snapshot, q: &RegionQuery<'_>, lang: Lang) -> Result<RegionTable> {
    let (level, within, keys, period) = (q.level, q.within, q.keys, q.period);
    let grouping = group_households(snap, level, within);
    let regions = Regions::kemendagri_2025();
    let bps = Bps::shipped();
    if bps.national(period).is_none() {
        return Err(Failure::invalid(
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
            return Err(Failure::invalid(
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
    let with_se = q.se;
    let need_lorenz = q.lorenz;
    let options = |line: Option<PovertyLine>, lorenz_points: usize| SuiteOptions {
        line,
        standard_errors: q.se,
        gini_convention: q.gini_convention,
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
            suppressed: values.len() < MIN_CELL,
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
                .map_err(|e| stats_failure_at(&e, lang, &named))?;
            fill(&mut row, &s, keys, with_se, lang, &named);
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
        suppressed: national.0.len() < MIN_CELL,
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
        let opts = options(None, if need_lorenz { 1001 } else { 0 });
        let s = setara_stats::suite(&national.0, Some(&national.1), &opts)
            .map_err(|e| stats_failure_at(&e, lang, &named))?;
        fill(&mut total, &s, keys, with_se, lang, &named);
        // Poverty against each person's own provincial line: FGT of value/line at line 1.
        let pov = setara_stats::suite(
            &national.2,
            Some(&national.1),
            &options(Some(PovertyLine::Absolute(1.0)), 0),
        )
        .map_err(|e| stats_failure_at(&e, lang, &named))?;
        for key in keys
            .iter()
            .filter(|k| matches!(k.as_str(), "fgt0" | "fgt1" | "fgt2" | "watts"))
        {
            put(&mut total, key, measure(&pov, key), with_se, lang, &named);
        }
        total_lorenz = Some((
            total.name.clone(),
            s.gini.as_ref().ok().map(|e| e.value),
            s.lorenz.clone().unwrap_or_default(),
        ));
    }
    rows.push(total);
    Ok(RegionTable {
        rows,
        lorenz: total_lorenz,
    })
}

fn put(
    row: &mut RegionRow,
    key: &str,
    r: Option<&std::result::Result<Estimate, StatsError>>,
    with_se: bool,
    lang: Lang,
    named: RowName<'_>,
) {
    match r {
        Some(Ok(e)) => {
            row.measures.insert(key.into(), Some(e.value));
            if with_se {
                row.se.insert(key.into(), e.se);
            }
        }
        Some(Err(e)) => {
            row.measures.insert(key.into(), None);
            row.notes
                .push(format!("{key}: {}", stats_error_at(e, lang, named)));
        }
        None => {
            row.measures.insert(key.into(), None);
        }
    }
}

fn fill(
    row: &mut RegionRow,
    s: &Suite,
    keys: &[String],
    with_se: bool,
    lang: Lang,
    named: RowName<'_>,
) {
    for key in keys {
        put(row, key, measure(s, key), with_se, lang, named);
    }
}

pub fn print_region_table(
    ctx: &Context,
    rows: &[RegionRow],
    keys: &[String],
    with_se: bool,
    bps: bool,
    period: &str,
) {
    let mut header = format!(
        "{:<14} {:<30} {:>9} {:>10} {:>7}",
        ctx.t("Kode", "Code"),
        ctx.t("Wilayah", "Region"),
        ctx.t("KK", "Househ."),
        ctx.t("Jiwa", "Persons"),
        "n"
    );
    for k in keys {
        header.push_str(&format!(" {:>20}", truncate(label(k, ctx.lang), 20)));
    }
    if bps {
        header.push_str(&format!(" {:>8} {:>8}", "BPS P0%", "BPS Gini"));
    }
    outln!("{header}");
    for r in rows {
        let mut line = format!(
            "{:<14} {:<30} {:>9} {:>10} {:>7}",
            r.code.map(|c| c.to_string()).unwrap_or_default(),
            truncate(&r.name, 30),
            r.households,
            r.persons,
            r.surveyed
        );
        for k in keys {
            let cell = if r.suppressed {
                "*".to_string()
            } else {
                match r.measures.get(k).copied().flatten() {
                    None => "—".to_string(),
                    Some(v) => {
                        let v = fmt_value(k, v);
                        match r.se.get(k).copied().flatten() {
                            Some(se) if with_se => format!("{v} ({})", fmt_value(k, se)),
                            _ => v,
                        }
                    }
                }
            };
            line.push_str(&format!(" {cell:>20}"));
        }
        if bps {
            line.push_str(&format!(
                " {:>8} {:>8}",
                r.bps_poverty_pct
                    .map(|v| format!("{v:.2}"))
                    .unwrap_or_else(|| "—".into()),
                r.bps_gini
                    .map(|v| format!("{v:.3}"))
                    .unwrap_or_else(|| "—".into())
            ));
        }
        outln!("{line}");
    }
    outln!(
        "{}",
        match ctx.lang {
            Lang::Id => format!(
                "n = rumah tangga sampel; estimasi berbobot per jiwa dari snapshot registri; * = disembunyikan (n < {MIN_CELL}); garis kemiskinan provinsi BPS {period}. Sumber BPS: Badan Pusat Statistik."
            ),
            Lang::En => format!(
                "n = surveyed households; person-weighted estimates from the registry snapshot; * = suppressed (n < {MIN_CELL}); BPS {period} provincial poverty lines. BPS figures: Badan Pusat Statistik."
            ),
        }
    );
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn write_region_csv(
    f: &mut OutputFile,
    rows: &[RegionRow],
    keys: &[String],
    with_se: bool,
    excel: bool,
) -> Result<()> {
    let dialect = if excel {
        Dialect::Excel
    } else {
        Dialect::Plain
    };
    let path = f.path().to_path_buf();
    let file = f.writer();
    let write = || -> std::io::Result<()> {
        let mut w = csv_writer(file, dialect)?;
        let mut header: Vec<String> = [
            "code",
            "name",
            "households",
            "persons",
            "surveyed",
            "suppressed",
        ]
        .map(String::from)
        .to_vec();
        for k in keys {
            header.push(k.clone());
            if with_se {
                header.push(format!("{k}_se"));
            }
        }
        header.extend(["bps_gini", "bps_poverty_pct"].map(String::from));
        w.write_record(&header)?;
        let f = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        for r in rows {
            let mut rec = vec![
                r.code.map(|c| c.to_string()).unwrap_or_default(),
                r.name.clone(),
                r.households.to_string(),
                r.persons.to_string(),
                r.surveyed.to_string(),
                if r.suppressed { "1".into() } else { "0".into() },
            ];
            for k in keys {
                rec.push(if r.suppressed {
                    String::new()
                } else {
                    f(r.measures.get(k).copied().flatten())
                });
                if with_se {
                    rec.push(if r.suppressed {
                        String::new()
                    } else {
                        f(r.se.get(k).copied().flatten())
                    });
                }
            }
            rec.push(f(r.bps_gini));
            rec.push(f(r.bps_poverty_pct));
            w.write_record(&rec)?;
        }
        w.flush()
    };
    write().map_err(|e| Failure::io(&path, &e))
}

// ---------------------------------------------------------------------------------------------
// Multidimensional poverty on the registry.

fn registry_mpi(ctx: &Context, a: &StatsArgs) -> Result<()> {
    use crate::mpi_registry::{CUTOFF_18, INDICATORS, registry_deprivations};
    use setara_stats::{AlkireFoster, Deprivations, Fraction};

    let within = a.region.as_deref().map(parse_region).transpose()?;
    if a.lorenz.is_some() || a.map.is_some() {
        return Err(Failure::new(
            Kind::Usage,
            "stats_mpi_pictures",
            "--mpi tidak menggambar kurva Lorenz atau peta; gunakan --csv",
            "--mpi draws no Lorenz curve or map; use --csv",
        ));
    }
    let store = ctx.store_path();
    let mut outputs = Outputs::open(a, &[store.as_path()])?;
    let snap = open_snapshot(ctx)?;
    let grouping = group_households(&snap, a.by.level(), within);
    let deps = registry_deprivations(&snap, chrono::Utc::now().date_naive());
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
        return Err(Failure::invalid(
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
        Fraction::new(CUTOFF_18, 18).map_err(|e| stats_failure(&e, ctx.lang))?,
    )
    .map_err(|e| stats_failure(&e, ctx.lang))?;
    let d = Deprivations::from_masks(&masks, INDICATORS.len())
        .map_err(|e| stats_failure_at(&e, ctx.lang, &named))?;
    let by = af
        .estimate_by_group(&d, Some(&weights), &groups)
        .map_err(|e| stats_failure_at(&e, ctx.lang, &named))?;
    let regions = Regions::kemendagri_2025();
    let mut counts = vec![0usize; grouping.regions.len()];
    for &g in &groups {
        counts[g as usize] += 1;
    }
    let est = |e: &Estimate| serde_json::json!({"value": e.value, "se": e.se});
    let mpi_json = |m: &setara_stats::Mpi| {
        serde_json::json!({
            "headcount": est(&m.headcount),
            "intensity": m.intensity.as_ref().map(est),
            "mpi": est(&m.adjusted_headcount),
        })
    };
    let mut rows = Vec::new();
    for g in &by.groups {
        let code = grouping.regions[g.group as usize];
        let n = counts[g.group as usize];
        let suppressed = n < MIN_CELL;
        rows.push(serde_json::json!({
            "code": code,
            "name": regions.get(code).map(|r| r.name.clone()),
            "households": n,
            "suppressed": suppressed,
            "result": if suppressed { serde_json::Value::Null } else { mpi_json(&g.mpi) },
        }));
    }
    let indicators: Vec<serde_json::Value> = INDICATORS
        .iter()
        .zip(&by.overall.indicators)
        .zip(missing)
        .map(|((i, r), miss)| {
            serde_json::json!({
                "code": i.code, "dimension": i.dimension, "weight": format!("{}/18", i.weight_18),
                "uncensored_headcount": r.uncensored_headcount, "censored_headcount": r.censored_headcount,
                "contribution": r.contribution, "households_not_recorded": miss,
            })
        })
        .collect();
    if let Some(f) = outputs.csv.as_mut() {
        let dialect = if a.excel {
            Dialect::Excel
        } else {
            Dialect::Plain
        };
        let csv = f.path().to_path_buf();
        let file = f.writer();
        let write = || -> std::io::Result<()> {
            let mut w = csv_writer(file, dialect)?;
            w.write_record([
                "code",
                "name",
                "households",
                "suppressed",
                "H",
                "H_se",
                "A",
                "A_se",
                "M0",
                "M0_se",
            ])?;
            for r in &rows {
                let g = |path: &[&str]| {
                    let mut v = &r["result"];
                    for p in path {
                        v = &v[*p];
                    }
                    v.as_f64().map(|x| x.to_string()).unwrap_or_default()
                };
                w.write_record([
                    r["code"].as_str().unwrap_or_default().to_string(),
                    r["name"].as_str().unwrap_or_default().to_string(),
                    r["households"].to_string(),
                    if r["suppressed"] == true {
                        "1".into()
                    } else {
                        "0".into()
                    },
                    g(&["headcount", "value"]),
                    g(&["headcount", "se"]),
                    g(&["intensity", "value"]),
                    g(&["intensity", "se"]),
                    g(&["mpi", "value"]),
                    g(&["mpi", "se"]),
                ])?;
            }
            w.flush()
        };
        write().map_err(|e| Failure::io(&csv, &e))?;
    }
    outputs.commit(ctx)?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({
                "snapshot": snap.hash(),
                "cutoff": format!("{CUTOFF_18}/18"),
                "overall": mpi_json(&by.overall),
                "households": masks.len(),
                "indicators": indicators,
                "rows": rows,
            })
        );
        return Ok(());
    }
    if ctx.quiet {
        return Ok(());
    }
    let o = &by.overall;
    // A standard error that does not exist (one household) is shown as "—", never as NaN.
    let se = |se: Option<f64>, scale: f64, d: usize| {
        se.map_or_else(|| "—".to_string(), |s| format!("{:.d$}", scale * s))
    };
    let pct = |e: &Estimate| format!("{:.2}% ({})", 100.0 * e.value, se(e.se, 100.0, 2));
    outln!(
        "{} (k = {CUTOFF_18}/18): H {}  A {}  M0 {:.4} ({}); {} {}",
        ctx.t(
            "Kemiskinan multidimensi Alkire-Foster",
            "Alkire-Foster multidimensional poverty"
        ),
        pct(&o.headcount),
        o.intensity.as_ref().map(pct).unwrap_or_else(|| "—".into()),
        o.adjusted_headcount.value,
        se(o.adjusted_headcount.se, 1.0, 4),
        masks.len(),
        ctx.t("keluarga", "households")
    );
    outln!(
        "{:<20} {:>8} {:>14} {:>14} {:>10}",
        ctx.t("Indikator", "Indicator"),
        ctx.t("bobot", "weight"),
        ctx.t("tersensor %", "censored %"),
        ctx.t("kontribusi %", "contribution %"),
        ctx.t("tak tercatat", "not recorded")
    );
    for ((i, r), miss) in INDICATORS.iter().zip(&o.indicators).zip(missing) {
        outln!(
            "{:<20} {:>8} {:>14.2} {:>14} {:>10}",
            i.code,
            format!("{}/18", i.weight_18),
            100.0 * r.censored_headcount,
            r.contribution
                .map(|c| format!("{:.1}", 100.0 * c))
                .unwrap_or_else(|| "—".into()),
            miss
        );
    }
    outln!(
        "{:<14} {:<30} {:>9} {:>16} {:>16} {:>16}",
        ctx.t("Kode", "Code"),
        ctx.t("Wilayah", "Region"),
        ctx.t("KK", "Househ."),
        "H",
        "A",
        "M0"
    );
    for (r, g) in rows.iter().zip(&by.groups) {
        let name = r["name"].as_str().unwrap_or_default();
        if r["suppressed"] == true {
            outln!(
                "{:<14} {:<30} {:>9} {:>16} {:>16} {:>16}",
                r["code"].as_str().unwrap_or_default(),
                truncate(name, 30),
                r["households"].as_u64().unwrap_or_default(),
                "*",
                "*",
                "*"
            );
            continue;
        }
        outln!(
            "{:<14} {:<30} {:>9} {:>16} {:>16} {:>16}",
            r["code"].as_str().unwrap_or_default(),
            truncate(name, 30),
            r["households"].as_u64().unwrap_or_default(),
            pct(&g.mpi.headcount),
            g.mpi
                .intensity
                .as_ref()
                .map(pct)
                .unwrap_or_else(|| "—".into()),
            format!(
                "{:.4} ({})",
                g.mpi.adjusted_headcount.value,
                se(g.mpi.adjusted_headcount.se, 1.0, 4)
            )
        );
    }
    outln!(
        "{}",
        ctx.t(
            "Indikator dan bobot: docs/stats.md; * = disembunyikan (< 10 keluarga).",
            "Indicators and weights: docs/stats.md; * = suppressed (< 10 households)."
        )
    );
    Ok(())
}
