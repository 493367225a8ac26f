//! `setara verify`: run the verification rules over a fresh snapshot of the registry and keep
//! their findings in the store (new, open, resolved).

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;
use setara_core::{Level, RegionCode, Regions};
use setara_registry::writer::{Dialect, csv_writer};
use setara_snapshot::Snapshot;
use setara_store::{RuleFinding, VerificationRun};
use setara_verify::{Options, RULES, verify};

use crate::context::{Context, show_path};
use crate::failure::{Failure, Kind, Result};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Only this region and what lies inside it.
    #[arg(long)]
    pub region: Option<String>,
    /// Write the open findings (new and open) as CSV to this file.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// CSV for Excel: `;` separator and a UTF-8 BOM.
    #[arg(long)]
    pub excel: bool,
    /// Replace the file named by --csv if it exists.
    #[arg(long)]
    pub force: bool,
    /// Flag recorded consumption this many residual standard deviations from what the
    /// household's dwelling and assets predict.
    #[arg(long, default_value_t = 3.5)]
    pub outlier_sigmas: f64,
}

pub fn run(ctx: &Context, a: VerifyArgs) -> Result<()> {
    let regions = Regions::kemendagri_2025();
    let within = match &a.region {
        None => None,
        Some(s) => Some(
            regions
                .parse_existing(s)
                .map_err(|e| Failure::from_localized(Kind::Invalid, &e))?,
        ),
    };
    if !(a.outlier_sigmas > 0.0 && a.outlier_sigmas.is_finite()) {
        return Err(Failure::new(
            Kind::Usage,
            "verify_bad_sigmas",
            "--outlier-sigmas harus positif",
            "--outlier-sigmas must be positive",
        ));
    }
    // A --csv that would replace a file is refused before anything is verified or recorded.
    if let Some(path) = &a.csv {
        crate::output::check_target(path, a.force, &[])?;
    }
    let started = std::time::Instant::now();
    let mut store = ctx.open_store()?;
    // The rules run on a snapshot of the registry as it is now.
    let info = setara_app::registry::take_snapshot(
        &ctx.app(),
        store.as_ref(),
        &mut ctx.bar(ctx.t("snapshot", "snapshot")),
    )?;
    let snap = Snapshot::open(&info.dir)?;
    let today = chrono::Utc::now().date_naive();
    let report = verify(
        &snap,
        regions,
        &Options {
            today,
            within,
            outlier_sigmas: a.outlier_sigmas,
        },
    );
    let findings: Vec<RuleFinding> = report
        .findings
        .iter()
        .map(|f| RuleFinding {
            rule: f.rule.id,
            severity: f.rule.severity.code(),
            kk: f.kk,
            nik: f.nik,
            detail: f.detail.clone(),
        })
        .collect();
    let summary = store.record_verification(
        &VerificationRun {
            actor: ctx.actor.clone(),
            scope: within,
            snapshot: info.hash.clone(),
            households: report.households_checked as u64,
            persons: report.persons_checked as u64,
        },
        &findings,
    )?;
    // Counts by rule and by province.
    let mut by_rule: BTreeMap<&str, u64> = BTreeMap::new();
    let mut by_province: BTreeMap<String, u64> = BTreeMap::new();
    let region_col = snap.region();
    for f in &report.findings {
        *by_rule.entry(f.rule.id).or_default() += 1;
        let province = RegionCode::from_key(region_col.value(f.household))
            .map(|r| r.province().to_string())
            .unwrap_or_else(|| "?".into());
        *by_province.entry(province).or_default() += 1;
    }
    if let Some(path) = &a.csv {
        let dialect = if a.excel {
            Dialect::Excel
        } else {
            Dialect::Plain
        };
        let open = store.open_findings()?;
        let mut out = crate::output::OutputFile::create(path, a.force, &[])?;
        let mut write = || -> std::io::Result<()> {
            let mut w = csv_writer(out.writer(), dialect)?;
            w.write_record([
                "rule", "severity", "status", "region", "kk", "nik", "detail", "message",
            ])?;
            for (f, region) in &open {
                let in_scope = within.is_none_or(|w| {
                    RegionCode::parse(region)
                        .is_ok_and(|r| r.level() >= w.level() && r.is_within(w))
                });
                if !in_scope {
                    continue;
                }
                let rule = setara_verify::rule(&f.rule);
                w.write_record([
                    f.rule.as_str(),
                    rule.map(|r| r.severity.code()).unwrap_or("error"),
                    f.status.as_str(),
                    region.as_str(),
                    &f.kk.to_string(),
                    &f.nik.map(|n| n.to_string()).unwrap_or_default(),
                    f.detail.as_str(),
                    rule.map(|r| r.message(ctx.lang)).unwrap_or(""),
                ])?;
            }
            w.flush()
        };
        write().map_err(|e| Failure::io(path, &e))?;
        out.commit()?;
    }
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({
                "run_id": summary.run_id,
                "snapshot": info.hash,
                "scope": within,
                "households": report.households_checked,
                "persons": report.persons_checked,
                "findings": report.findings.len(),
                "new": summary.new,
                "open": summary.open,
                "resolved": summary.resolved,
                "by_rule": by_rule,
                "by_province": by_province,
                "consumption_model": report.model.as_ref().map(|m| serde_json::json!({"households": m.n, "r_squared": m.r_squared, "sigma": m.sigma})),
                "seconds": started.elapsed().as_secs_f64(),
            })
        );
        return Ok(());
    }
    if ctx.quiet {
        return Ok(());
    }
    outln!(
        "{} {}: {} {}, {} {}; {} {} ({} {}, {} {}, {} {}) ({:.1} s)",
        ctx.t("Verifikasi", "Verification"),
        summary.run_id,
        report.households_checked,
        ctx.t("keluarga", "households"),
        report.persons_checked,
        ctx.t("jiwa", "persons"),
        report.findings.len(),
        ctx.t("temuan", "findings"),
        summary.new,
        ctx.t("baru", "new"),
        summary.open,
        ctx.t("masih terbuka", "still open"),
        summary.resolved,
        ctx.t("selesai", "resolved"),
        started.elapsed().as_secs_f64()
    );
    outln!(
        "{:<28} {:<8} {:>9}  {}",
        ctx.t("Aturan", "Rule"),
        ctx.t("Tingkat", "Severity"),
        ctx.t("Jumlah", "Count"),
        ctx.t("Keterangan", "Meaning")
    );
    for r in RULES {
        let n = by_rule.get(r.id).copied().unwrap_or(0);
        outln!(
            "{:<28} {:<8} {:>9}  {}",
            r.id,
            r.severity.code(),
            n,
            r.message(ctx.lang)
        );
    }
    outln!(
        "{:<6} {:<30} {:>9}",
        ctx.t("Kode", "Code"),
        ctx.t("Provinsi", "Province"),
        ctx.t("Temuan", "Findings")
    );
    for (code, n) in &by_province {
        let name = RegionCode::parse(code)
            .ok()
            .and_then(|c| regions.get(c))
            .filter(|r| r.level() == Level::Province)
            .map(|r| r.name.as_str())
            .unwrap_or("?");
        outln!("{code:<6} {name:<30} {n:>9}");
    }
    if let Some(m) = &report.model {
        outln!(
            "{}: R² {:.3}, σ {:.3} ({} {})",
            ctx.t(
                "Model pengeluaran untuk consumption_inconsistent",
                "Consumption model for consumption_inconsistent"
            ),
            m.r_squared,
            m.sigma,
            m.n,
            ctx.t("keluarga sampel", "surveyed households")
        );
    }
    if let Some(p) = &a.csv {
        outln!(
            "{}: {}",
            ctx.t("Temuan terbuka", "Open findings"),
            show_path(p)
        );
    }
    Ok(())
}
