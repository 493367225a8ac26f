//! `setara rank`: fit the proxy means test on the surveyed households, score every household,
//! assign desil nationally, by province and by regency, and keep the run (model, snapshot hash,
//! time) with every household's desil history.

use std::time::Instant;

use clap::Args;
use setara_core::Kk;
use setara_snapshot::Snapshot;
use setara_store::{DesilRow, RankingRun};
use setara_welfare::{FitOptions, PmtModel};

use crate::context::{Context, show_path};
use crate::failure::{Failure, Kind, Result};
use crate::targeting::{RankingColumns, reference_date, write_ranking};

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

fn welfare_failure(e: &setara_welfare::Error) -> Failure {
    Failure::invalid(
        "pmt_failed",
        format!("model PMT tidak dapat diestimasi: {e}"),
        format!("the PMT model could not be fitted: {e}"),
    )
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
    let started = Instant::now();
    let mut store = ctx.open_store()?;
    let info = super::snapshot::take_snapshot(ctx, store.as_ref())?;
    let snap = Snapshot::open(&info.dir)?;
    let snapshot_seconds = started.elapsed().as_secs_f64();
    let fitting = Instant::now();
    let on = reference_date(&snap);
    let bar = ctx.progress(0, ctx.t("mengestimasi PMT", "fitting the PMT"));
    let model = PmtModel::fit_with(
        &snap,
        on,
        &FitOptions {
            folds: a.folds,
            threads: None,
        },
    )
    .map_err(|e| welfare_failure(&e))?;
    bar.set_message(
        ctx.t("menilai semua keluarga", "scoring every household")
            .to_string(),
    );
    let scores = model.score(&snap, on).map_err(|e| welfare_failure(&e))?;
    let desil = setara_welfare::desil(&snap, &scores).map_err(|e| welfare_failure(&e))?;
    let columns = RankingColumns {
        score: scores,
        rank: desil.rank,
        desil: desil.national,
        desil_province: desil.province,
        desil_regency: desil.regency,
    };
    bar.finish_and_clear();
    let fitted_in = fitting.elapsed();

    // The columns go beside the data, the history into the store.
    let runs_before = store.rankings()?.first().map_or(0, |r| r.id);
    let file = format!("rankings/{}-{}.arrow", runs_before + 1, &info.hash[..16]);
    write_ranking(&ctx.data_dir.join(&file), &columns)?;
    let kk = snap.kk().values();
    let rows: Vec<DesilRow> = (0..snap.household_count())
        .map(|h| DesilRow {
            kk: Kk::from_u64(kk[h]).expect("snapshot KKs are valid"),
            score: columns.score[h],
            rank: columns.rank[h],
            desil: columns.desil[h],
            desil_province: columns.desil_province[h],
            desil_regency: columns.desil_regency[h],
        })
        .collect();
    let stats = &model.stats;
    let run_id = store.record_ranking(
        &RankingRun {
            actor: ctx.actor.clone(),
            snapshot: info.hash.clone(),
            model_json: serde_json::to_string(&model).expect("the model serializes"),
            households: rows.len() as u64,
            surveyed: stats.n as u64,
            r2: stats.r_squared,
            r2_out_of_sample: Some(stats.cv.r_squared),
            rmse_out_of_sample: Some(stats.cv.rmse),
            file: file.clone(),
        },
        &rows,
    )?;
    let mut by_desil = [0u64; 11];
    for &d in &columns.desil {
        by_desil[d as usize] += 1;
    }
    let mut coefficients: Vec<_> = model
        .coefficients
        .iter()
        .filter(|c| c.dropped.is_none())
        .collect();
    coefficients.sort_by(|x, y| y.value.abs().total_cmp(&x.value.abs()));
    coefficients.truncate(a.top);
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({
                "ranking": run_id,
                "snapshot": info.hash,
                "households": rows.len(),
                "model": model,
                "households_by_desil": &by_desil[1..],
                "file": file,
                "seconds": started.elapsed().as_secs_f64(),
            })
        );
        return Ok(());
    }
    ctx.say(format!(
        "{} {run_id}: {} {} ({} {}), snapshot {}",
        ctx.t("Peringkat", "Ranking"),
        rows.len(),
        ctx.t("keluarga dinilai", "households scored"),
        ctx.t("model diestimasi pada", "model fitted on"),
        stats.n,
        &info.hash[..12]
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
    let per_regency = stats.n as f64 / stats.regencies.max(1) as f64;
    if per_regency < 10.0 && !ctx.quiet {
        errln!(
            "{}",
            if ctx.lang == setara_core::Lang::Id {
                format!(
                    "peringatan: rata-rata hanya {per_regency:.1} keluarga yang disurvei per kabupaten/kota; efek kabupaten/kota diestimasi dari sedikit keluarga (lihat galat di luar sampel)"
                )
            } else {
                format!(
                    "warning: only {per_regency:.1} surveyed households per regency on average; the regency effects rest on few households (see the out-of-sample error)"
                )
            }
        );
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
                "    {:<32} {:>8.4}  ({:.4})",
                c.name,
                c.value,
                c.se.unwrap_or(f64::NAN)
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
            .map(|d| format!("{d}:{}", by_desil[d]))
            .collect::<Vec<_>>()
            .join("  ")
    ));
    ctx.say(format!(
        "  {} {} ({:.1} s snapshot, {:.1} s {}, {:.1} s {})",
        ctx.t("Kolom peringkat:", "Ranking columns:"),
        show_path(&ctx.data_dir.join(&file)),
        snapshot_seconds,
        fitted_in.as_secs_f64(),
        ctx.t(
            "estimasi, penilaian dan desil",
            "fitting, scoring and desil"
        ),
        started.elapsed().as_secs_f64(),
        ctx.t("seluruhnya", "in all")
    ));
    Ok(())
}

fn history(ctx: &Context, kk: &str) -> Result<()> {
    let kk = Kk::parse(kk).map_err(|e| Failure::from_localized(Kind::Invalid, &e))?;
    let store = ctx.open_store()?;
    let rows = store.desil_history(kk)?;
    if rows.is_empty() && store.household(kk)?.is_none() {
        return Err(setara_store::StoreError::HouseholdNotFound(kk).into());
    }
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
