//! `setara demo`: the whole spine on a synthetic Indonesia — generate, import into a fresh
//! store, snapshot, and a per-province table next to BPS figures.

use clap::Args;
use setara_app::demo::{DEMO_BPS_PERIOD, DEMO_MEASURES, DemoProgress, DemoStep};

use crate::context::{Context, show_path};
use crate::failure::Result;
use crate::render::stats::print_region_table;
use crate::synth_args::SynthOptions;

/// BPS period the synthetic population is calibrated to and compared with.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Number of households to generate.
    #[arg(long, default_value_t = 100_000)]
    pub households: u64,
    /// Seed of the synthetic population.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub options: SynthOptions,
}

pub fn run(ctx: &Context, a: DemoArgs) -> Result<()> {
    let config = a.options.config(a.households, a.seed);
    let mut step = |s: DemoStep| {
        let (n, id, en) = match s {
            DemoStep::Generate => (
                1,
                "Membuat Indonesia sintetis",
                "Generating a synthetic Indonesia",
            ),
            DemoStep::Import => (
                2,
                "Mengimpor ke basis data baru",
                "Importing into a fresh store",
            ),
            DemoStep::Snapshot => (
                3,
                "Menulis snapshot kolumnar",
                "Writing the columnar snapshot",
            ),
            DemoStep::Statistics => (
                4,
                "Menghitung statistik per provinsi",
                "Computing statistics per province",
            ),
        };
        if !ctx.quiet && !ctx.json {
            errln!("[{n}/4] {}", ctx.t(id, en));
        }
    };
    let r = setara_app::demo::run(
        &ctx.app(),
        &ctx.caller(),
        &config,
        DemoProgress {
            step: &mut step,
            generating: &mut ctx.bar(ctx.t("membuat data", "generating")),
            importing: &mut ctx.bar(ctx.t("mengimpor baris", "importing rows")),
            snapshot: &mut ctx.bar(ctx.t("snapshot", "snapshot")),
        },
    )?;
    if ctx.json {
        outln!("{}", serde_json::to_string(&r).expect("serializes"));
        return Ok(());
    }
    if ctx.quiet {
        return Ok(());
    }
    outln!();
    outln!(
        "{} — {} {}, {} {}, {} {}; BPS {DEMO_BPS_PERIOD}",
        ctx.t("Indonesia sintetis", "Synthetic Indonesia"),
        r.snapshot.households,
        ctx.t("keluarga", "households"),
        r.snapshot.persons,
        ctx.t("jiwa", "persons"),
        r.generated.surveyed,
        ctx.t("keluarga disurvei", "surveyed households"),
    );
    let keys = DEMO_MEASURES.map(String::from);
    print_region_table(ctx, &r.provinces, &keys, true, true, DEMO_BPS_PERIOD);
    outln!();
    outln!(
        "{}: {} ({:.1} s: {})",
        ctx.t("Selesai", "Done"),
        show_path(&ctx.data_dir),
        r.seconds,
        r.timings_seconds
            .iter()
            .map(|(k, v)| format!("{k} {v:.1}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    outln!(
        "{} {} {}, {} setara household show <KK> --history",
        r.import.findings,
        ctx.t(
            "temuan verifikasi tercatat",
            "verification findings recorded"
        ),
        ctx.t(
            "(masalah yang disisipkan: lihat input/truth/)",
            "(injected problems: see input/truth/)"
        ),
        ctx.t("coba", "try")
    );
    outln!(
        "{}: setara rank; setara programme create --file examples/programmes/pkh-jabar.toml; setara target --programme PKH-JABAR --preview ({})",
        ctx.t("Berikutnya", "Next"),
        ctx.t(
            "lihat docs/targeting.md dan docs/ledger.md",
            "see docs/targeting.md and docs/ledger.md"
        )
    );
    Ok(())
}
