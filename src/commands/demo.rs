//! `setara demo`: the whole spine on a synthetic Indonesia — generate, import into a fresh
//! store, snapshot, and a per-province table next to BPS figures.

use std::path::Path;
use std::time::Instant;

use clap::Args;
use setara_snapshot::Snapshot;

use super::generate::{SynthOptions, generate_into};
use crate::context::{Context, show_path};
use crate::failure::{Failure, Result};
use crate::import::{ImportRequest, Silent, import_files};
use crate::render::stats::print_region_table;

/// BPS period the synthetic population is calibrated to and compared with.
const PERIOD: &str = "2024-03";

/// Marks a data directory the demo created, so that it may replace it.
const MARKER: &str = "DEMO";

/// Bytes of disk per household of a demo, with a margin: the generated files (1,085 bytes),
/// the store (860 bytes, and as much again in its write-ahead log until the import commits)
/// and the snapshot (180 bytes), measured at 100,000 and 400,000 households.
pub const DEMO_DISK_BYTES_PER_HOUSEHOLD: u64 = 3_400;

/// Bytes of memory per household of a demo, with a margin: the import and the snapshot hold
/// every household (peak resident memory 173 MB at 100,000 households and 435 MB at 400,000:
/// about 890 bytes per household over 88 MB).
pub const DEMO_MEMORY_BYTES_PER_HOUSEHOLD: u64 = 1_300;

/// Memory of a demo that does not depend on its size, with a margin.
pub const DEMO_MEMORY_BASE_BYTES: u64 = 128 << 20;

/// What a demo of `config` needs: the generator's needs or the import's, whichever is more,
/// and the disk of every step.
pub fn demo_estimate(config: &setara_synth::Config) -> setara_synth::SizeEstimate {
    let generate = setara_synth::estimate(config);
    let n = config.households;
    setara_synth::SizeEstimate {
        memory_bytes: generate.memory_bytes.max(
            DEMO_MEMORY_BASE_BYTES
                .saturating_add(n.saturating_mul(DEMO_MEMORY_BYTES_PER_HOUSEHOLD)),
        ),
        disk_bytes: n.saturating_mul(DEMO_DISK_BYTES_PER_HOUSEHOLD),
    }
}

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

/// Make `dir` a fresh demo data directory; refuse to touch a directory holding anything else.
fn fresh_demo_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        let entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| Failure::io(dir, &e))?
            .flatten()
            .collect();
        if !entries.is_empty() && !dir.join(MARKER).exists() {
            return Err(Failure::invalid(
                "demo_data_dir_in_use",
                format!(
                    "{} sudah berisi data yang bukan dari demo; pilih direktori lain dengan --data-dir",
                    show_path(dir)
                ),
                format!(
                    "{} already holds data that the demo did not create; choose another with --data-dir",
                    show_path(dir)
                ),
            ));
        }
        for e in entries {
            let p = e.path();
            let r = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
            r.map_err(|err| Failure::io(&p, &err))?;
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Failure::io(dir, &e))?;
    std::fs::write(
        dir.join(MARKER),
        "Created by `setara demo`; the next `setara demo` with this data directory replaces it.\n",
    )
    .map_err(|e| Failure::io(dir, &e))?;
    Ok(())
}

pub fn run(ctx: &Context, a: DemoArgs) -> Result<()> {
    let total = Instant::now();
    let config = a.options.config(a.households, a.seed);
    // The size is checked before the old demo is removed or anything is written.
    super::generate::check_config(&config)?;
    super::generate::check_room(
        demo_estimate(&config),
        &ctx.data_dir,
        ("Demo ini", "This demo"),
    )?;
    fresh_demo_dir(&ctx.data_dir)?;
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
    let generated = generate_into(
        ctx,
        &config,
        &input,
        setara_registry::writer::Dialect::Plain,
        false,
    )?;
    timings.push(("generate", t.elapsed().as_secs_f64()));

    step(
        2,
        "Mengimpor ke basis data baru",
        "Importing into a fresh store",
    );
    let t = Instant::now();
    let mut store = ctx.open_store()?;
    let req = ImportRequest {
        households: input.join("households.csv"),
        persons: input.join("persons.csv"),
        skip_invalid: false,
        actor: ctx.actor.clone(),
        today: chrono::Utc::now().date_naive(),
    };
    let bar = ctx.progress(0, ctx.t("mengimpor baris", "importing rows"));
    struct Bar<'a>(&'a indicatif::ProgressBar);
    impl crate::import::ImportEvents for Bar<'_> {
        fn rows_written(&mut self, rows: u64) {
            self.0.set_position(rows);
        }
    }
    let report = if ctx.progress_visible() {
        import_files(store.as_mut(), &req, &mut Bar(&bar))
    } else {
        import_files(store.as_mut(), &req, &mut Silent)
    }
    .map_err(|e| Failure::from_localized(crate::failure::Kind::Failed, &e))?;
    bar.finish_and_clear();
    if !report.summary.committed {
        let first = report
            .rejections
            .first()
            .map(|r| format!("{}:{} {:?}", r.file, r.row, r.reason))
            .unwrap_or_default();
        return Err(Failure::failed(
            "demo_import_rejected",
            format!(
                "impor data demo ditolak ({} baris), misalnya {first}",
                report.rows_rejected
            ),
            format!(
                "the demo data was rejected ({} rows), e.g. {first}",
                report.rows_rejected
            ),
        ));
    }
    timings.push(("import", t.elapsed().as_secs_f64()));

    step(
        3,
        "Menulis snapshot kolumnar",
        "Writing the columnar snapshot",
    );
    let t = Instant::now();
    let info = setara_app::registry::take_snapshot(
        &ctx.app(),
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
