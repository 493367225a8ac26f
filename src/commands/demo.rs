//! `setara demo`: the whole spine on a synthetic Indonesia — generate, import into a fresh
//! store, snapshot, and a per-province table next to BPS figures.

use std::time::Instant;

use clap::Args;
use setara_app::model::Snapshot;

use crate::context::{Context, show_path};
use crate::failure::Result;
use crate::render::stats::print_region_table;
use crate::synth_args::SynthOptions;

/// BPS period the synthetic population is calibrated to and compared with.
const PERIOD: &str = "2024-03";

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
    let total = Instant::now();
    let config = a.options.config(a.households, a.seed);
    let app = ctx.app();
    let caller = ctx.caller();
    // The size is checked before the old demo is removed or anything is written.
    setara_app::demo::prepare(&app, &config)?;
    let input = ctx.data_dir.join("input");
    let step = |n: u8, id: &str, en: &str| {
        if !ctx.quiet && !ctx.json {
            errln!("[{n}/4] {}", ctx.t(id, en));
        }
    };
    let mut timings = Vec::new();

    step(
        1,
        "Membuat Indonesia sintetis",
        "Generating a synthetic Indonesia",
    );
    let t = Instant::now();
    let generated = setara_app::generate::generate_into(
        &app.data,
        &config,
        &input,
        setara_app::model::Dialect::Plain,
        false,
        &mut ctx.bar(ctx.t("membuat data", "generating")),
    )?;
    timings.push(("generate", t.elapsed().as_secs_f64()));

    step(
        2,
        "Mengimpor ke basis data baru",
        "Importing into a fresh store",
    );
    let t = Instant::now();
    let report = setara_app::demo::import_generated(
        &app,
        &caller,
        &input,
        &mut ctx.bar(ctx.t("mengimpor baris", "importing rows")),
    )?;
    timings.push(("import", t.elapsed().as_secs_f64()));

    step(
        3,
        "Menulis snapshot kolumnar",
        "Writing the columnar snapshot",
    );
    let t = Instant::now();
    let store = app.reader()?;
    let info = setara_app::registry::take_snapshot(
        &app,
        store.as_ref(),
        &mut ctx.bar(ctx.t("snapshot", "snapshot")),
    )?;
    drop(store);
    timings.push(("snapshot", t.elapsed().as_secs_f64()));

    step(
        4,
        "Menghitung statistik per provinsi",
        "Computing statistics per province",
    );
    let t = Instant::now();
    let snap = Snapshot::open(&info.dir)?;
    let keys: Vec<String> = ["mean", "fgt0", "gini"].map(String::from).to_vec();
    let query = setara_app::stats::RegionTableRequest {
        level: setara_core::Level::Province,
        region: None,
        measures: keys.clone(),
        period: PERIOD.into(),
        lorenz: false,
        gini_convey: false,
    };
    let rows = setara_app::stats::region_table(&ctx.app(), &ctx.caller(), &snap, &query)?.rows;
    timings.push(("stats", t.elapsed().as_secs_f64()));
    let seconds = total.elapsed().as_secs_f64();

    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({
                "data_dir": ctx.data_dir.display().to_string(),
                "generated": generated,
                "import": report.summary,
                "snapshot": {"hash": info.hash, "households": info.households, "persons": info.persons},
                "bps_period": PERIOD,
                "provinces": rows,
                "timings_seconds": timings.iter().map(|(k, v)| (k.to_string(), serde_json::json!(v))).collect::<serde_json::Map<_, _>>(),
                "seconds": seconds,
            })
        );
        return Ok(());
    }
    if ctx.quiet {
        return Ok(());
    }
    outln!();
    outln!(
        "{} — {} {}, {} {}, {} {}; BPS {PERIOD}",
        ctx.t("Indonesia sintetis", "Synthetic Indonesia"),
        info.households,
        ctx.t("keluarga", "households"),
        info.persons,
        ctx.t("jiwa", "persons"),
        generated.surveyed,
        ctx.t("keluarga disurvei", "surveyed households"),
    );
    print_region_table(ctx, &rows, &keys, true, true, PERIOD);
    outln!();
    outln!(
        "{}: {} ({:.1} s: {})",
        ctx.t("Selesai", "Done"),
        show_path(&ctx.data_dir),
        seconds,
        timings
            .iter()
            .map(|(k, v)| format!("{k} {v:.1}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    outln!(
        "{} {} {}, {} setara household show <KK> --history",
        report.summary.findings,
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
