//! `setara generate`: a synthetic Indonesia in the import format, with its ground truth.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use clap::Args;
use setara_registry::writer::Dialect;
use setara_synth::{Config, CsvOutputs, CsvSink, ProblemRates, Summary};

use crate::context::{Context, show_path};
use crate::failure::{Failure, Result};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of households (KK).
    #[arg(long, default_value_t = 100_000)]
    pub households: u64,
    /// Seed: the same seed and options give byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output directory (households.csv, persons.csv, truth/).
    #[arg(long)]
    pub out: PathBuf,
    /// Write households.csv and persons.csv for Excel: `;` separator and a UTF-8 BOM.
    #[arg(long)]
    pub excel: bool,
    #[command(flatten)]
    pub options: SynthOptions,
}

/// Options of the generator shared by `generate` and `demo`.
#[derive(Debug, Args)]
pub struct SynthOptions {
    /// Share of households in the survey sample (consumption recorded, with weights).
    #[arg(long, default_value_t = 0.10)]
    pub survey_fraction: f64,
    /// Generate a clean registry: no injected problems.
    #[arg(long)]
    pub no_problems: bool,
    /// Share of persons recorded a second time with a name variant.
    #[arg(long)]
    pub rate_duplicate_person: Option<f64>,
    /// Share of persons whose recorded NIK has a typo.
    #[arg(long)]
    pub rate_nik_typo: Option<f64>,
    /// Share of persons whose birth date has day and month swapped.
    #[arg(long)]
    pub rate_date_swap: Option<f64>,
    /// Share of households recorded with a wrong region.
    #[arg(long)]
    pub rate_wrong_region: Option<f64>,
    /// Share of persons also listed in a second KK.
    #[arg(long)]
    pub rate_two_households: Option<f64>,
}

impl SynthOptions {
    pub fn config(&self, households: u64, seed: u64) -> Config {
        let mut c = Config::new(households, seed);
        c.survey_fraction = self.survey_fraction;
        c.rates = if self.no_problems {
            ProblemRates::none()
        } else {
            ProblemRates::default()
        };
        let r = &mut c.rates;
        for (slot, v) in [
            (&mut r.duplicate_person, self.rate_duplicate_person),
            (&mut r.nik_typo, self.rate_nik_typo),
            (&mut r.date_swap, self.rate_date_swap),
            (&mut r.wrong_region, self.rate_wrong_region),
            (&mut r.two_households, self.rate_two_households),
        ] {
            if let Some(v) = v {
                *slot = v;
            }
        }
        c
    }
}

/// Generate into `out` with a progress bar.
pub fn generate_into(
    ctx: &Context,
    config: &Config,
    out: &Path,
    dialect: Dialect,
) -> Result<Summary> {
    std::fs::create_dir_all(out.join("truth")).map_err(|e| Failure::io(out, &e))?;
    let outputs = CsvOutputs::open_with(|p| {
        File::create(out.join(p)).map(|f| BufWriter::with_capacity(1 << 20, f))
    })
    .map_err(|e| Failure::io(out, &e))?;
    let fail = |e: setara_synth::Error| match e {
        setara_synth::Error::Config(m) => Failure::invalid(
            "generate_config",
            format!("konfigurasi tidak sah: {m}"),
            format!("invalid configuration: {m}"),
        ),
        other => Failure::failed(
            "generate_failed",
            format!("pembuatan data gagal: {other}"),
            format!("generation failed: {other}"),
        ),
    };
    let mut sink = CsvSink::with_dialect(outputs, dialect).map_err(fail)?;
    let bar = ctx.progress(config.households, ctx.t("membuat data", "generating"));
    let summary = setara_synth::generate(config, &mut sink, &mut |done| bar.set_position(done))
        .map_err(fail)?;
    sink.finish().map_err(fail)?;
    bar.finish_and_clear();
    Ok(summary)
}

pub fn run(ctx: &Context, a: GenerateArgs) -> Result<()> {
    let config = a.options.config(a.households, a.seed);
    let started = std::time::Instant::now();
    let dialect = if a.excel {
        Dialect::Excel
    } else {
        Dialect::Plain
    };
    let summary = generate_into(ctx, &config, &a.out, dialect)?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({"out": a.out.display().to_string(), "summary": summary, "seconds": started.elapsed().as_secs_f64()})
        );
    } else {
        ctx.say(format!(
            "{} {} {}, {} {} ({} {}), {} {} → {} ({:.1} s)",
            ctx.t("Dibuat", "Generated"),
            summary.households,
            ctx.t("keluarga", "households"),
            summary.persons,
            ctx.t("baris anggota", "person rows"),
            summary.surveyed,
            ctx.t("disurvei", "surveyed"),
            summary.problems.values().sum::<u64>(),
            ctx.t("masalah disisipkan", "injected problems"),
            show_path(&a.out),
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(())
}
