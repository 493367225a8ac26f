//! `setara import HOUSEHOLDS PERSONS` ([`setara_app::registry::import`]).

use std::path::{Path, PathBuf};

use clap::Args;
use indicatif::ProgressBar;
use setara_app::model::Dialect;
use setara_app::registry::import::{ImportEvents, ImportRequest, ImportResult};

use crate::context::{Context, show_path};
use crate::failure::{Failure, Result};

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

/// Progress on a terminal: one bar per file, in bytes.
struct Bars {
    bar: Option<ProgressBar>,
    ctx: Context,
}

impl ImportEvents for Bars {
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
    fn committing(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}

pub fn run(ctx: &Context, args: ImportArgs) -> Result<()> {
    let req = ImportRequest {
        households: args.households,
        persons: args.persons,
        skip_invalid: args.skip_invalid,
        rejects: args.rejects,
        force: args.force,
        dialect: if args.excel {
            Dialect::Excel
        } else {
            Dialect::Plain
        },
    };
    let mut bars = Bars {
        bar: None,
        ctx: ctx.clone(),
    };
    let report = setara_app::registry::import::import(&ctx.app(), &ctx.caller(), &req, &mut bars);
    if let Some(b) = bars.bar.take() {
        b.finish_and_clear();
    }
    let report = report?;
    let failure = report.failure().map(Failure::from);
    print_report(ctx, &report, failure.as_ref());
    match failure {
        Some(mut f) => {
            f.json_printed = ctx.json;
            Err(f)
        }
        None => Ok(()),
    }
}

fn print_report(ctx: &Context, report: &ImportResult, failure: Option<&Failure>) {
    let s = &report.summary;
    if ctx.json {
        let mut v = serde_json::to_value(report).unwrap_or_default();
        // Each rejection's reason also in the language asked for, as before.
        if let Some(rows) = v["rejections"].as_array_mut() {
            for (row, r) in rows.iter_mut().zip(&report.rejections) {
                row["reason"] = r.message(ctx.lang).into();
            }
        }
        v["error"] = serde_json::to_value(failure.map(|f| f.to_json(ctx.lang))).unwrap_or_default();
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
                r.message(ctx.lang)
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
        if let Some(p) = &report.rejects_file {
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
    let rate = rows as f64 / report.seconds.max(1e-9);
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
            report.seconds,
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
