//! The demo: the whole spine on a synthetic Indonesia ([`run`]): a fresh demo data directory
//! checked for room, a synthetic Indonesia generated into `DATA_DIR/input`
//! ([`crate::generate::generate_into`]), imported into a fresh store ([`import_generated`]),
//! a snapshot ([`crate::registry::take_snapshot`]), and statistics by province beside BPS.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use setara_snapshot::Snapshot;
use setara_store::ImportSummary;

use crate::error::{Error, ErrorKind, Result};
use crate::registry::import::{ImportFiles, ImportReport, RowProgress, import_files};
use crate::{App, Caller, DataDir, Progress};

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

/// Make `dir` a fresh demo data directory; refuse to touch a directory holding anything else.
fn fresh_demo_dir(shown: &DataDir, dir: &Path) -> Result<()> {
    if dir.exists() {
        let entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, &e))?
            .flatten()
            .collect();
        if !entries.is_empty() && !dir.join(MARKER).exists() {
            return Err(Error::invalid(
                "demo_data_dir_in_use",
                format!(
                    "{} sudah berisi data yang bukan dari demo; pilih direktori lain dengan --data-dir",
                    shown.show(dir)
                ),
                format!(
                    "{} already holds data that the demo did not create; choose another with --data-dir",
                    shown.show(dir)
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
            r.map_err(|err| Error::io(&p, &err))?;
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
    std::fs::write(
        dir.join(MARKER),
        "Created by `setara demo`; the next `setara demo` with this data directory replaces it.\n",
    )
    .map_err(|e| Error::io(dir, &e))?;
    Ok(())
}

/// Before anything is removed or written: check the configuration and that the demo fits the
/// machine's memory and the free disk of the data directory; then make the data directory a
/// fresh demo directory (one holding anything the demo did not create is refused,
/// `demo_data_dir_in_use`).
pub fn prepare(app: &App, config: &setara_synth::Config) -> Result<()> {
    crate::generate::check_config(config)?;
    crate::memory::check_room(
        &app.data,
        demo_estimate(config),
        app.data.root(),
        ("Demo ini", "This demo"),
    )?;
    fresh_demo_dir(&app.data, app.data.root())
}

/// Import the generated `households.csv` and `persons.csv` of `input` into the store, all or
/// nothing. Generated data that is rejected is a failure of the demo
/// (`demo_import_rejected`). Progress counts rows written.
pub fn import_generated(
    app: &App,
    caller: &Caller,
    input: &Path,
    progress: &mut dyn Progress,
) -> Result<ImportReport> {
    let mut store = app.writer()?;
    let req = ImportFiles {
        households: input.join("households.csv"),
        persons: input.join("persons.csv"),
        skip_invalid: false,
        actor: caller.actor.clone(),
        today: chrono::DateTime::from_timestamp(app.now(), 0)
            .unwrap_or_default()
            .date_naive(),
    };
    progress.start(0);
    let report = import_files(store.as_mut(), &req, &mut RowProgress(progress));
    progress.finish();
    // Any problem importing what the demo generated is the demo's failure.
    let report = report.map_err(|e| {
        let mut e = Error::from(e);
        e.kind = ErrorKind::Internal;
        e
    })?;
    if !report.summary.committed {
        let first = report
            .rejections
            .first()
            .map(|r| format!("{}:{} {:?}", r.file, r.row, r.reason))
            .unwrap_or_default();
        return Err(Error::internal(
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
    Ok(report)
}

/// The BPS period of the figures the demo's table is shown beside.
pub const DEMO_BPS_PERIOD: &str = "2024-03";

/// The demo's four steps, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoStep {
    Generate,
    Import,
    Snapshot,
    Statistics,
}

/// How [`run`] reports: each step as it begins, and the progress of the three long ones.
pub struct DemoProgress<'a> {
    pub step: &'a mut dyn FnMut(DemoStep),
    pub generating: &'a mut dyn Progress,
    pub importing: &'a mut dyn Progress,
    pub snapshot: &'a mut dyn Progress,
}

/// The snapshot the demo took.
#[derive(Clone, Debug, Serialize)]
pub struct DemoSnapshot {
    pub hash: String,
    pub households: u64,
    pub persons: u64,
}

/// What a demo made.
#[derive(Clone, Debug, Serialize)]
pub struct DemoResult {
    pub data_dir: PathBuf,
    pub generated: setara_synth::Summary,
    pub import: ImportSummary,
    pub snapshot: DemoSnapshot,
    pub bps_period: &'static str,
    /// Mean consumption, P0 and Gini by province.
    pub provinces: Vec<crate::stats::region::RegionRow>,
    /// Seconds of each step: `generate`, `import`, `snapshot`, `stats`.
    pub timings_seconds: BTreeMap<&'static str, f64>,
    pub seconds: f64,
}

/// The measures of the demo's table.
pub const DEMO_MEASURES: [&str; 3] = ["mean", "fgt0", "gini"];

/// Run the demo of `config` into the app's data directory (which must be empty or an earlier
/// demo's: [`prepare`]): generate, import, snapshot, statistics by province.
pub fn run(
    app: &App,
    caller: &Caller,
    config: &setara_synth::Config,
    progress: DemoProgress,
) -> Result<DemoResult> {
    let total = Instant::now();
    // The size is checked before the old demo is removed or anything is written.
    prepare(app, config)?;
    let input = app.data.root().join("input");
    let mut timings = BTreeMap::new();
    let mut timed = |name: &'static str, t: Instant| {
        timings.insert(name, t.elapsed().as_secs_f64());
    };

    (progress.step)(DemoStep::Generate);
    let t = Instant::now();
    let generated = crate::generate::generate_into(
        &app.data,
        config,
        &input,
        setara_registry::writer::Dialect::Plain,
        false,
        progress.generating,
    )?;
    timed("generate", t);

    (progress.step)(DemoStep::Import);
    let t = Instant::now();
    let report = import_generated(app, caller, &input, progress.importing)?;
    timed("import", t);

    (progress.step)(DemoStep::Snapshot);
    let t = Instant::now();
    let store = app.reader()?;
    let info = crate::registry::take_snapshot(app, &*store, progress.snapshot)?;
    drop(store);
    timed("snapshot", t);

    (progress.step)(DemoStep::Statistics);
    let t = Instant::now();
    let snap = Snapshot::open(&info.dir)?;
    let query = crate::stats::RegionTableRequest {
        level: setara_core::Level::Province,
        region: None,
        measures: DEMO_MEASURES.map(String::from).to_vec(),
        period: DEMO_BPS_PERIOD.into(),
        lorenz: false,
        gini_convey: false,
    };
    let provinces = crate::stats::region_table(app, caller, &snap, &query)?.rows;
    timed("stats", t);
    Ok(DemoResult {
        data_dir: app.data.root().to_path_buf(),
        generated,
        import: report.summary,
        snapshot: DemoSnapshot {
            hash: info.hash,
            households: info.households,
            persons: info.persons,
        },
        bps_period: DEMO_BPS_PERIOD,
        provinces,
        timings_seconds: timings,
        seconds: total.elapsed().as_secs_f64(),
    })
}
