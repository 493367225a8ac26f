//! `setara generate`: a synthetic Indonesia in the import format, with its ground truth
//! ([`setara_app::generate`]).

use std::path::PathBuf;

use clap::Args;
use setara_app::model::Dialect;

use crate::context::{Context, show_path};
use crate::failure::Result;
use crate::synth_args::SynthOptions;

// Where `stats --input` finds them until it takes them from `setara_app::memory` itself.
pub use setara_app::memory::{available_memory, show_bytes};

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
    /// Replace households.csv, persons.csv and the truth/ files already in the output
    /// directory.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub options: SynthOptions,
}

pub fn run(ctx: &Context, a: GenerateArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let req = setara_app::generate::GenerateRequest {
        config: a.options.config(a.households, a.seed),
        out: a.out.clone(),
        dialect: if a.excel {
            Dialect::Excel
        } else {
            Dialect::Plain
        },
        force: a.force,
    };
    let summary = setara_app::generate::generate(
        &ctx.app(),
        &ctx.caller(),
        &req,
        &mut ctx.bar(ctx.t("membuat data", "generating")),
    )?;
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
