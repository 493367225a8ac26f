//! `setara import HOUSEHOLDS PERSONS`.

use std::path::{Path, PathBuf};

use clap::Args;
use indicatif::ProgressBar;
use setara_core::{Lang, Localized};
use setara_registry::writer::{Dialect, csv_writer};

use crate::context::{Context, show_path};
use crate::failure::{Failure, Kind, Result};
use crate::import::{
    ImportError, ImportEvents, ImportReport, ImportRequest, Rejection, import_files,
};
use crate::output::OutputFile;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Households file (CSV or XLSX), see docs/formats/registry-csv.md.
    pub households: PathBuf,
    /// Persons file (CSV or XLSX).
    pub persons: PathBuf,
    /// Load the valid rows and report the rejected ones, instead of loading nothing when any
    /// row is rejected.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Where to write every rejected row as CSV (default: DATA_DIR/rejects/import-TIME.csv).
    /// Never an input file; an existing file only with --force; the directory must exist.
    #[arg(long)]
    pub rejects: Option<PathBuf>,
    /// Write the rejects CSV for Excel: `;` separator and a UTF-8 BOM.
    #[arg(long)]
    pub excel: bool,
    /// Replace the file named by --rejects if it exists (never an input file).
    #[arg(long)]
    pub force: bool,
}

/// Progress on a terminal, and machine-readable markers for crash tests when
/// `SETARA_TEST_EVENTS` is set.
struct Events {
    bar: Option<ProgressBar>,
    ctx: Context,
    test_events: bool,
    last_reported: u64,
    rejects: RejectsFile,
}

/// The rejects CSV. A path the user named is checked and opened before the import starts;
/// the default report in `DATA_DIR/rejects/` is opened at the first rejection. Rows go to a
/// temporary file that takes its name only when complete; the default name is never reused.
struct RejectsFile {
    /// The user's path, or the first choice of the default name.
    target: PathBuf,
    dialect: Dialect,
    lang: Lang,
    file: Option<OutputFile>,
    writer: Option<csv::Writer<OutputFile>>,
    error: Option<std::io::Error>,
    /// Set once finished: where the report is, if anything was rejected.
    written: Option<Option<PathBuf>>,
}

impl RejectsFile {
    fn write(&mut self, r: &Rejection) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.try_write(r) {
            self.error = Some(e);
        }
    }

    fn try_write(&mut self, r: &Rejection) -> std::io::Result<()> {
        if self.writer.is_none() {
            let file = match self.file.take() {
                Some(f) => f,
                None => {
                    if let Some(dir) = self.target.parent() {
                        std::fs::create_dir_all(dir)?;
                    }
                    OutputFile::create_unique(&self.target)
                        .map_err(|f| std::io::Error::other(f.en))?
                }
            };
            let mut w = csv_writer(file, self.dialect)?;
            w.write_record(["file", "row", "column", "value", "code", "reason"])?;
            self.writer = Some(w);
        }
        let w = self.writer.as_mut().expect("created above");
        w.write_record([
            r.file.as_str(),
            &r.row.to_string(),
            r.column.unwrap_or(""),
            &r.value,
            r.reason.code(),
            &r.reason.message(self.lang),
        ])?;
        Ok(())
    }

    /// Flush and move the report into place; the path if anything was rejected. Runs once.
    fn finish(&mut self) -> std::result::Result<Option<PathBuf>, (PathBuf, std::io::Error)> {
        if let Some(done) = &self.written {
            return Ok(done.clone());
        }
        let fail = |e| (self.target.clone(), e);
        if let Some(e) = self.error.take() {
            return Err(fail(e));
        }
        let done = match self.writer.take() {
            Some(w) => {
                let file = w.into_inner().map_err(|e| fail(e.into_error()))?;
                Some(
                    file.commit()
                        .map_err(|f| fail(std::io::Error::other(f.en)))?,
                )
            }
            None => None,
        };
        self.written = Some(done.clone());
        Ok(done)
    }
}

impl ImportEvents for Events {
    fn file_started(&mut self, role: &str, path: &Path, bytes: u64) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        let label = match role {
            "households" => self.ctx.t("keluarga", "households"),
            _ => self.ctx.t("anggota keluarga", "persons"),
        };
        let bar = self.ctx.progress(
            bytes,
            &format!(
                "{label} {}",
                path.file_name().unwrap_or_default().to_string_lossy()
            ),
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg:32} [{bar:32}] {percent:>3}% {binary_bytes}/{binary_total_bytes} ({eta})",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        self.bar = Some(bar);
    }
    fn progress(&mut self, bytes: u64) {
        if let Some(b) = &self.bar {
            b.set_position(bytes);
        }
    }
    fn rows_written(&mut self, rows: u64) {
        if self.test_events && rows >= self.last_reported + 1000 {
            self.last_reported = rows;
            errln!("setara-test: rows {rows}");
        }
    }
    fn committing(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        if self.test_events {
            errln!("setara-test: committing");
        }
    }
    fn rejected(&mut self, r: &Rejection) {
        self.rejects.write(r);
    }
    fn before_commit(&mut self) -> std::result::Result<(), ImportError> {
        self.rejects
            .finish()
            .map(|_| ())
            .map_err(|(path, error)| ImportError::Rejects {
                path: show_path(&path),
                error,
            })
    }
}

pub fn run(ctx: &Context, args: ImportArgs) -> Result<()> {
    let req = ImportRequest {
        households: args.households.clone(),
        persons: args.persons.clone(),
        skip_invalid: args.skip_invalid,
        actor: ctx.actor.clone(),
        today: chrono::Utc::now().date_naive(),
    };
    let dialect = if args.excel {
        Dialect::Excel
    } else {
        Dialect::Plain
    };
    // A path the user named is checked before anything is imported: never an input, never
    // an existing file without --force, never in a directory that does not exist.
    let (target, file) = match &args.rejects {
        Some(path) => {
            let file = OutputFile::create(path, args.force, &[&args.households, &args.persons])?;
            (path.clone(), Some(file))
        }
        None => {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
            let path = ctx
                .data_dir
                .join(setara_app::data_dir::REJECTS)
                .join(format!("import-{stamp}.csv"));
            (path, None)
        }
    };
    let mut events = Events {
        bar: None,
        ctx: ctx.clone(),
        test_events: std::env::var_os("SETARA_TEST_EVENTS").is_some(),
        last_reported: 0,
        rejects: RejectsFile {
            target,
            dialect,
            lang: ctx.lang,
            file,
            writer: None,
            error: None,
            written: None,
        },
    };
    let mut store = ctx.open_store()?;
    let started = std::time::Instant::now();
    let report = import_files(store.as_mut(), &req, &mut events).map_err(|e| {
        let kind = match &e {
            ImportError::Store(_) => Kind::Failed,
            ImportError::Io { error, .. } | ImportError::Rejects { error, .. }
                if error.kind() != std::io::ErrorKind::NotFound =>
            {
                Kind::Failed
            }
            _ => Kind::Invalid,
        };
        Failure::from_localized(kind, &e)
    })?;
    if let Some(b) = events.bar.take() {
        b.finish_and_clear();
    }
    let elapsed = started.elapsed();
    let rejects_path = events.rejects.finish().map_err(|(path, error)| {
        Failure::from_localized(
            Kind::Failed,
            &ImportError::Rejects {
                path: show_path(&path),
                error,
            },
        )
    })?;
    let failure = (!report.summary.committed).then(|| {
        Failure::invalid(
            "import_invalid_rows",
            format!(
                "{} baris ditolak; tidak ada yang dimuat. Perbaiki berkas atau gunakan --skip-invalid.",
                report.rows_rejected
            ),
            format!(
                "{} rows rejected; nothing was loaded. Fix the files or use --skip-invalid.",
                report.rows_rejected
            ),
        )
    });
    print_report(
        ctx,
        &report,
        rejects_path.as_deref(),
        elapsed,
        failure.as_ref(),
    );
    match failure {
        Some(mut f) => {
            f.json_printed = ctx.json;
            Err(f)
        }
        None => Ok(()),
    }
}

fn print_report(
    ctx: &Context,
    report: &ImportReport,
    rejects: Option<&Path>,
    elapsed: std::time::Duration,
    failure: Option<&Failure>,
) {
    let s = &report.summary;
    if ctx.json {
        let v = serde_json::json!({
            "committed": s.committed,
            "import_id": if s.committed { Some(s.import_id) } else { None },
            "households_read": report.households_read,
            "persons_read": report.persons_read,
            "rows_rejected": report.rows_rejected,
            "values_rejected": report.values_rejected,
            "summary": s,
            "rejects_file": rejects.map(|p| p.display().to_string()),
            "rejections": report.rejections.iter().map(|r| serde_json::json!({
                "file": r.file, "row": r.row, "column": r.column, "value": r.value,
                "code": r.reason.code(), "reason": r.reason.message(ctx.lang),
            })).collect::<Vec<_>>(),
            "seconds": elapsed.as_secs_f64(),
            "phase_seconds": report.seconds,
            "error": failure.map(|f| f.to_json(ctx.lang)),
        });
        outln!("{v}");
        return;
    }
    if !report.rejections.is_empty() {
        const SHOWN: usize = 30;
        for r in report.rejections.iter().take(SHOWN) {
            errln!(
                "{}:{} {}{} {:?}: {}",
                r.file,
                r.row,
                ctx.t("kolom ", "column "),
                r.column.unwrap_or("-"),
                r.value,
                r.reason.message(ctx.lang)
            );
        }
        if report.values_rejected > SHOWN as u64 {
            errln!(
                "… {} {}",
                report.values_rejected - SHOWN as u64,
                ctx.t(
                    "masalah lain, lihat berkas penolakan",
                    "more problems, see the rejects file"
                )
            );
        }
        if let Some(p) = rejects {
            errln!(
                "{}: {}",
                ctx.t("Semua penolakan", "All rejections"),
                show_path(p)
            );
        }
    }
    if ctx.quiet {
        return;
    }
    let rows = report.households_read + report.persons_read;
    let rate = rows as f64 / elapsed.as_secs_f64().max(1e-9);
    if s.committed {
        outln!(
            "{} {}: {} {} {} {}, {} {} {} {}, {} {}, {} {}, {} {} ({:.1} s, {:.0} {})",
            ctx.t("Impor", "Import"),
            s.import_id,
            s.households_added,
            ctx.t("keluarga baru", "households added"),
            s.households_changed,
            ctx.t("berubah", "changed"),
            s.persons_added,
            ctx.t("anggota baru", "persons added"),
            s.persons_changed,
            ctx.t("berubah", "changed"),
            s.persons_moved,
            ctx.t("pindah KK", "moved"),
            s.changes,
            ctx.t("perubahan tercatat", "changes recorded"),
            s.findings,
            ctx.t("temuan verifikasi", "verification findings"),
            elapsed.as_secs_f64(),
            rate,
            ctx.t("baris/detik", "rows/s"),
        );
        if report.rows_rejected > 0 {
            outln!(
                "{} {}",
                report.rows_rejected,
                ctx.t("baris ditolak dan dilewati", "rows rejected and skipped")
            );
        }
    }
}
