//! `setara rank`: fit the proxy means test on the surveyed households, score every household,
//! assign desil nationally, by province and by regency, and keep the run (model, snapshot hash,
//! time) with every household's desil history.

use clap::Args;
use setara_app::ranking::{RankProgress, RankRequest, RankWarning};
use setara_core::Kk;

use crate::context::{Context, show_path};
use crate::failure::{Failure, Kind, Result};

#[derive(Debug, Args)]
pub struct RankArgs {
    /// Cross-validation folds for the out-of-sample error.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Print this many coefficients (largest effects first); 0 for none.
    #[arg(long, default_value_t = 12)]
    pub top: usize,
    /// Do not rank: show this household's score and desil in every run so far.
    #[arg(long, value_name = "KK")]
    pub household: Option<String>,
}

/// A fit's warning in the user's language.
fn warning_text(ctx: &Context, w: &RankWarning) -> String {
    match *w {
        RankWarning::PoorFit {
            r2_out_of_sample: r2,
            minimum,
        } => {
            if ctx.lang == setara_core::Lang::Id {
                format!(
                    "peringatan: R² di luar sampel hanya {r2:.3} (di bawah {minimum}): model PMT hampir tidak memprediksi pengeluaran, sehingga desil ini tidak dapat diandalkan untuk penargetan; periksa nilai pengeluaran dan bobot survei yang tidak wajar"
                )
            } else {
                format!(
                    "warning: the out-of-sample R² is only {r2:.3} (below {minimum}): the PMT barely predicts consumption, so these desil are not reliable for targeting; look for implausible consumption values and survey weights"
                )
            }
        }
        RankWarning::FewPerRegency {
            surveyed_per_regency: per_regency,
        } => {
            if ctx.lang == setara_core::Lang::Id {
                format!(
                    "peringatan: rata-rata hanya {per_regency:.1} keluarga yang disurvei per kabupaten/kota; efek kabupaten/kota diestimasi dari sedikit keluarga (lihat galat di luar sampel)"
                )
            } else {
                format!(
                    "warning: only {per_regency:.1} surveyed households per regency on average; the regency effects rest on few households (see the out-of-sample error)"
                )
            }
        }
    }
}

pub fn run(ctx: &Context, a: RankArgs) -> Result<()> {
    if let Some(kk) = &a.household {
        return history(ctx, kk);
    }
    if a.folds < 2 {
        return Err(Failure::new(
            Kind::Usage,
            "rank_bad_folds",
            "--folds minimal 2",
            "--folds must be at least 2",
        ));
    }
    let r = setara_app::ranking::rank(
        &ctx.app(),
        &ctx.caller(),
        &RankRequest { folds: a.folds },
        RankProgress {
            snapshot: &mut ctx.bar(ctx.t("snapshot", "snapshot")),
            fitting: &mut ctx.bar(ctx.t("mengestimasi PMT", "fitting the PMT")),
            scoring: &mut ctx.bar(ctx.t("menilai semua keluarga", "scoring every household")),
        },
    )?;
    if ctx.json {
        outln!("{}", serde_json::to_string(&r).expect("serializes"));
        return Ok(());
    }
    let stats = &r.model.stats;
    let mut coefficients: Vec<_> = r
        .model
        .coefficients
        .iter()
        .filter(|c| c.dropped.is_none())
        .collect();
    coefficients.sort_by(|x, y| y.value.abs().total_cmp(&x.value.abs()));
    coefficients.truncate(a.top);
    ctx.say(format!(
        "{} {}: {} {} ({} {}), snapshot {}",
        ctx.t("Peringkat", "Ranking"),
        r.ranking,
        r.households,
        ctx.t("keluarga dinilai", "households scored"),
        ctx.t("model diestimasi pada", "model fitted on"),
        stats.n,
        &r.snapshot[..12]
    ));
    ctx.say(format!(
        "  PMT: WLS ln {} {}, {} {} ({} {}); R² {:.3} ({} {:.3}), RMSE {:.3}",
        ctx.t("konsumsi per kapita", "consumption per capita"),
        ctx.t(
            "dengan efek tetap kabupaten/kota",
            "with regency fixed effects"
        ),
        stats.features_used,
        ctx.t("variabel", "features"),
        stats.regencies,
        ctx.t("kabupaten/kota", "regencies"),
        stats.r_squared,
        ctx.t("dalam", "within"),
        stats.within_r_squared,
        stats.rmse
    ));
    ctx.say(format!(
        "  {} ({} fold): R² {:.3}, RMSE {:.3}; {} {:.1}%",
        ctx.t("Di luar sampel", "Out of sample"),
        stats.cv.folds,
        stats.cv.r_squared,
        stats.cv.rmse,
        ctx.t(
            "40% termiskin yang juga diprediksi di 40% termiskin:",
            "of the truly poorest 40% predicted in the poorest 40%:"
        ),
        100.0 * stats.cv.poorest40_capture
    ));
    if !ctx.quiet {
        for w in &r.warnings {
            errln!("{}", warning_text(ctx, w));
        }
    }
    if !coefficients.is_empty() {
        ctx.say(format!(
            "  {} ({}; SE {}):",
            ctx.t("Koefisien terbesar", "Largest coefficients"),
            ctx.t("efek pada ln konsumsi", "effect on ln consumption"),
            stats.se_kind
        ));
        for c in coefficients {
            ctx.say(format!(
                "    {:<32} {:>8.4}  ({})",
                c.name,
                c.value,
                c.se.map_or_else(|| "—".to_string(), |se| format!("{se:.4}"))
            ));
        }
    }
    ctx.say(format!(
        "  {}: {}",
        ctx.t(
            "Keluarga per desil nasional",
            "Households by national desil"
        ),
        (1..=10)
            .map(|d| format!("{d}:{}", r.households_by_desil[d - 1]))
            .collect::<Vec<_>>()
            .join("  ")
    ));
    ctx.say(format!(
        "  {} {} ({:.1} s snapshot, {:.1} s {}, {:.1} s {})",
        ctx.t("Kolom peringkat:", "Ranking columns:"),
        show_path(&ctx.data_dir.join(&r.file)),
        r.snapshot_seconds,
        r.fit_seconds,
        ctx.t(
            "estimasi, penilaian dan desil",
            "fitting, scoring and desil"
        ),
        r.seconds,
        ctx.t("seluruhnya", "in all")
    ));
    Ok(())
}

fn history(ctx: &Context, kk: &str) -> Result<()> {
    let kk = Kk::parse(kk).map_err(|e| Failure::from_localized(Kind::Invalid, &e))?;
    let rows = setara_app::ranking::desil_history(&ctx.app(), &ctx.caller(), kk)?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({ "kk": kk.to_string(), "history": rows })
        );
        return Ok(());
    }
    if rows.is_empty() {
        ctx.say(ctx.t(
            "Keluarga ini belum pernah diperingkat.",
            "This household has not been ranked yet.",
        ));
    }
    for r in rows {
        outln!(
            "{} {}  {}  desil {} ({} {}, {} {}), {} {}, {} {:.4}",
            ctx.t("peringkat", "ranking"),
            r.run_id,
            r.at,
            r.row.desil,
            ctx.t("provinsi", "province"),
            r.row.desil_province,
            ctx.t("kab/kota", "regency"),
            r.row.desil_regency,
            ctx.t("urutan", "rank"),
            r.row.rank,
            ctx.t("skor", "score"),
            r.row.score
        );
    }
    Ok(())
}
