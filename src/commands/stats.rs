//! `setara stats`: inequality and poverty measures on any CSV/XLSX file, or on the registry's
//! latest snapshot by region; Lorenz curves and province maps as SVG; multidimensional poverty.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use setara_app::stats::{
    self, FileStats, FileStatsRequest, MEASURES, MIN_CELL, MpiRequest, MpiResult,
    RegionTableRequest, export, label,
};
use setara_core::{Lang, Level};

use crate::context::{Context, parse_region, show_path};
use crate::failure::{Failure, Kind, Result};
use crate::output::OutputFile;
use crate::render::stats::{fmt_opt, print_region_table, truncate};

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

/// A value of a flag the application layer refused, as an error of the command line (exit 2);
/// any other error as it is.
fn flag_error(e: setara_app::Error) -> Failure {
    let code = match e.code {
        "stats_bad_line" => "stats_bad_line",
        "stats_bad_bootstrap" => "stats_bad_bootstrap",
        "stats_unknown_measure" => "stats_unknown_measure",
        _ => return e.into(),
    };
    Failure::new(Kind::Usage, code, e.id, e.en)
}

fn usage(code: &'static str, id: String, en: String) -> Failure {
    Failure::new(Kind::Usage, code, id, en)
}

/// Check the values of the flags before anything is read.
fn check_flags(a: &StatsArgs) -> Result<()> {
    stats::check_options(a.poverty_line, a.relative_line, a.bootstrap).map_err(flag_error)?;
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

/// A result as JSON (keys in order, as every `--json` of Setara).
fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).expect("a result serialises")
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

fn file_stats(ctx: &Context, a: &StatsArgs, path: &Path, value: &str) -> Result<()> {
    let mut outputs = Outputs::open(a, &[path])?;
    let req = FileStatsRequest {
        path: path.to_path_buf(),
        value: value.to_string(),
        weight: a.weight.clone(),
        group: a.group.clone(),
        poverty_line: a.poverty_line,
        relative_line: a.relative_line,
        positive_only: a.positive_only,
        se: a.se,
        bootstrap: a.bootstrap,
        seed: a.seed,
        gini_convey: a.gini_convey,
        lorenz: a.lorenz.is_some(),
    };
    let s = stats::file_stats(&ctx.app(), &ctx.caller(), &req)?;
    if let (Some(f), Some(c)) = (outputs.lorenz.as_mut(), s.lorenz.as_ref()) {
        write_to(f, export::lorenz_svg(&[c], ctx.lang).as_bytes())?;
    }
    if let Some(f) = outputs.csv.as_mut() {
        write_to(f, &export::file_csv(&s, a.excel))?;
    }
    outputs.commit(ctx)?;
    if ctx.json {
        outln!("{}", json(&s));
        return Ok(());
    }
    print_file_table(ctx, &s, a.se);
    Ok(())
}

fn print_file_table(ctx: &Context, s: &FileStats, with_se: bool) {
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
    let se_of = |key: &str| {
        s.se.as_ref()
            .and_then(|se| se.get(key).copied().flatten())
            .filter(|_| with_se)
    };
    for (key, _, _) in MEASURES {
        if let Some(v) = s.values.get(key) {
            outln!(
                "  {:<32} {}",
                label(key, ctx.lang),
                fmt_opt(key, *v, se_of(key))
            );
        }
    }
    if let (Some(dec), Some(groups)) = (&s.decomposition, &s.groups) {
        outln!(
            "{}:",
            ctx.t(
                "Dekomposisi menurut kelompok (antar / dalam)",
                "Decomposition by group (between / within)"
            )
        );
        for key in ["theil_t", "theil_l", "ge2"] {
            if let Some(Some(d)) = dec.get(key) {
                outln!(
                    "  {:<32} {:.4} / {:.4}",
                    label(key, ctx.lang),
                    d.between,
                    d.within
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
        let cell = |g: &stats::file::GroupStats, key: &str| {
            fmt_opt(key, g.values.get(key).copied().flatten(), None)
        };
        for g in groups {
            outln!(
                "{:<20} {:>10} {:>10} {:>10} {:>10}",
                g.group,
                g.n,
                cell(g, "mean"),
                cell(g, "gini"),
                cell(g, "theil_t")
            );
        }
    }
    for n in &s.notes {
        outln!("{}: {}", ctx.t("catatan", "note"), n.message(ctx.lang));
    }
}

// ---------------------------------------------------------------------------------------------
// Registry mode.

/// Say so when the registry changed after the snapshot was taken.
fn warn_if_stale(ctx: &Context, stale: bool) {
    if stale && !ctx.quiet {
        errln!(
            "{}",
            ctx.t(
                "peringatan: registri berubah setelah snapshot ini dibuat; jalankan `setara snapshot` agar statistik memuat perubahan itu",
                "warning: the registry changed after this snapshot was taken; run `setara snapshot` for statistics that include the change"
            )
        );
    }
}

fn registry_stats(ctx: &Context, a: &StatsArgs) -> Result<()> {
    let keys = stats::check_measures(&a.measure).map_err(flag_error)?;
    if a.map.is_some() && a.by != By::Province {
        return Err(Failure::new(
            Kind::Usage,
            "stats_map_provinces",
            "--map menggambar provinsi: gunakan --by province",
            "--map draws provinces: use --by province",
        ));
    }
    let within = a.region.as_deref().map(parse_region).transpose()?;
    let store = ctx.app().data.store_path();
    let mut outputs = Outputs::open(a, &[store.as_path()])?;
    let app = ctx.app();
    let latest = stats::latest_snapshot(&app)?;
    warn_if_stale(ctx, latest.stale);
    let level = a.by.level();
    let req = RegionTableRequest {
        level,
        region: within,
        measures: keys,
        period: a.bps_period.clone(),
        lorenz: a.lorenz.is_some(),
        gini_convey: a.gini_convey,
    };
    let table = stats::region_table(&app, &ctx.caller(), &latest.snapshot, &req)?;
    if let (Some(f), Some(c)) = (outputs.lorenz.as_mut(), table.lorenz.as_ref()) {
        write_to(f, export::lorenz_svg(&[c], ctx.lang).as_bytes())?;
    }
    if let Some(f) = outputs.map.as_mut() {
        write_to(f, export::province_map_svg(&table, ctx.lang).as_bytes())?;
    }
    if let Some(f) = outputs.csv.as_mut() {
        write_to(f, &export::region_csv(&table, a.se, a.excel))?;
    }
    outputs.commit(ctx)?;
    if ctx.json {
        outln!("{}", json(&table));
        return Ok(());
    }
    if !ctx.quiet {
        print_region_table(
            ctx,
            &table.rows,
            &table.measures,
            a.se,
            level == Level::Province,
            &a.bps_period,
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Multidimensional poverty on the registry.

fn registry_mpi(ctx: &Context, a: &StatsArgs) -> Result<()> {
    let within = a.region.as_deref().map(parse_region).transpose()?;
    if a.lorenz.is_some() || a.map.is_some() {
        return Err(Failure::new(
            Kind::Usage,
            "stats_mpi_pictures",
            "--mpi tidak menggambar kurva Lorenz atau peta; gunakan --csv",
            "--mpi draws no Lorenz curve or map; use --csv",
        ));
    }
    let store = ctx.app().data.store_path();
    let mut outputs = Outputs::open(a, &[store.as_path()])?;
    let app = ctx.app();
    let latest = stats::latest_snapshot(&app)?;
    warn_if_stale(ctx, latest.stale);
    let req = MpiRequest {
        level: a.by.level(),
        region: within,
    };
    let m = stats::mpi(&app, &ctx.caller(), &latest.snapshot, &req)?;
    if let Some(f) = outputs.csv.as_mut() {
        write_to(f, &export::mpi_csv(&m, a.excel))?;
    }
    outputs.commit(ctx)?;
    if ctx.json {
        outln!("{}", json(&m));
        return Ok(());
    }
    if !ctx.quiet {
        print_mpi(ctx, &m);
    }
    Ok(())
}

fn print_mpi(ctx: &Context, m: &MpiResult) {
    let o = &m.overall;
    // A standard error that does not exist (one household) is shown as "—", never as NaN.
    let se = |se: Option<f64>, scale: f64, d: usize| {
        se.map_or_else(|| "—".to_string(), |s| format!("{:.d$}", scale * s))
    };
    let pct = |e: &stats::Est| format!("{:.2}% ({})", 100.0 * e.value, se(e.se, 100.0, 2));
    outln!(
        "{} (k = {}): H {}  A {}  M0 {:.4} ({}); {} {}",
        ctx.t(
            "Kemiskinan multidimensi Alkire-Foster",
            "Alkire-Foster multidimensional poverty"
        ),
        m.cutoff,
        pct(&o.headcount),
        o.intensity.as_ref().map(pct).unwrap_or_else(|| "—".into()),
        o.mpi.value,
        se(o.mpi.se, 1.0, 4),
        m.households,
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
    for i in &m.indicators {
        outln!(
            "{:<20} {:>8} {:>14.2} {:>14} {:>10}",
            i.code,
            i.weight,
            100.0 * i.censored_headcount,
            i.contribution
                .map(|c| format!("{:.1}", 100.0 * c))
                .unwrap_or_else(|| "—".into()),
            i.households_not_recorded
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
    for r in &m.rows {
        let name = r.name.as_deref().unwrap_or_default();
        let code = r.code.to_string();
        match &r.result {
            None => outln!(
                "{:<14} {:<30} {:>9} {:>16} {:>16} {:>16}",
                code,
                truncate(name, 30),
                r.households,
                "*",
                "*",
                "*"
            ),
            Some(g) => outln!(
                "{:<14} {:<30} {:>9} {:>16} {:>16} {:>16}",
                code,
                truncate(name, 30),
                r.households,
                pct(&g.headcount),
                g.intensity.as_ref().map(pct).unwrap_or_else(|| "—".into()),
                format!("{:.4} ({})", g.mpi.value, se(g.mpi.se, 1.0, 4))
            ),
        }
    }
    outln!(
        "{}",
        match ctx.lang {
            Lang::Id => format!(
                "Indikator dan bobot: docs/stats.md; * = disembunyikan (< {MIN_CELL} keluarga)."
            ),
            Lang::En => format!(
                "Indicators and weights: docs/stats.md; * = suppressed (< {MIN_CELL} households)."
            ),
        }
    );
}
