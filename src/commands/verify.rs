//! `setara verify`: the verification rules over a fresh snapshot of the registry, their
//! findings kept in the store ([`setara_app::registry::verify`]).

use std::path::PathBuf;

use clap::Args;
use setara_app::model::Dialect;
use setara_core::{Level, RegionCode, Regions};

use crate::context::{Context, parse_region, show_path};
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
    let region = a.region.as_deref().map(parse_region).transpose()?;
    // A wrong number on the command line is a usage error (exit 2) here.
    if !(a.outlier_sigmas > 0.0 && a.outlier_sigmas.is_finite()) {
        return Err(Failure::new(
            Kind::Usage,
            "verify_bad_sigmas",
            "--outlier-sigmas harus positif",
            "--outlier-sigmas must be positive",
        ));
    }
    let started = std::time::Instant::now();
    let req = setara_app::registry::verify::VerifyRequest {
        region,
        outlier_sigmas: a.outlier_sigmas,
        csv: a.csv,
        force: a.force,
        dialect: if a.excel {
            Dialect::Excel
        } else {
            Dialect::Plain
        },
    };
    let r = setara_app::registry::verify::verify(
        &ctx.app(),
        &ctx.caller(),
        &req,
        &mut ctx.bar(ctx.t("snapshot", "snapshot")),
    )?;
    if ctx.json {
        let mut v = serde_json::to_value(&r).unwrap_or_default();
        v["seconds"] = serde_json::json!(started.elapsed().as_secs_f64());
        outln!("{v}");
        return Ok(());
    }
    if ctx.quiet {
        return Ok(());
    }
    outln!(
        "{} {}: {} {}, {} {}; {} {} ({} {}, {} {}, {} {}) ({:.1} s)",
        ctx.t("Verifikasi", "Verification"),
        r.run_id,
        r.households,
        ctx.t("keluarga", "households"),
        r.persons,
        ctx.t("jiwa", "persons"),
        r.findings,
        ctx.t("temuan", "findings"),
        r.new,
        ctx.t("baru", "new"),
        r.open,
        ctx.t("masih terbuka", "still open"),
        r.resolved,
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
    for c in &r.rules {
        outln!(
            "{:<28} {:<8} {:>9}  {}",
            c.rule,
            c.severity,
            c.findings,
            c.meaning
        );
    }
    outln!(
        "{:<6} {:<30} {:>9}",
        ctx.t("Kode", "Code"),
        ctx.t("Provinsi", "Province"),
        ctx.t("Temuan", "Findings")
    );
    for (code, n) in &r.by_province {
        let name = RegionCode::parse(code)
            .ok()
            .and_then(|c| Regions::kemendagri_2025().get(c))
            .filter(|r| r.level() == Level::Province)
            .map(|r| r.name.as_str())
            .unwrap_or("?");
        outln!("{code:<6} {name:<30} {n:>9}");
    }
    if let Some(m) = &r.consumption_model {
        outln!(
            "{}: R² {:.3}, σ {:.3} ({} {})",
            ctx.t(
                "Model pengeluaran untuk consumption_inconsistent",
                "Consumption model for consumption_inconsistent"
            ),
            m.r_squared,
            m.sigma,
            m.households,
            ctx.t("keluarga sampel", "surveyed households")
        );
    }
    if let Some(p) = &r.csv {
        outln!(
            "{}: {}",
            ctx.t("Temuan terbuka", "Open findings"),
            show_path(p)
        );
    }
    Ok(())
}
