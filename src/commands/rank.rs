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

/// Below this out-of-sample R² of ln consumption per capita, `rank` warns that the ranking
/// rests on a poor model (0.2).
///
/// A proxy means test in Indonesia explains about half of the variation (Alatas et al. 2012;
/// the synthetic registry reaches about 0.5; Brown, Ravallion and van de Walle 2018 report
/// 0.4-0.6 elsewhere). Below a fifth the ranking is little better than chance for targeting,
/// the sign of absurd or broken data (issue 10: one consumption of 9.2·10^18 took it from
/// 0.30 to 0.01 without a word).
pub const MIN_OUT_OF_SAMPLE_R2: f64 = 0.2;

fn welfare_failure(e: &setara_welfare::Error, snap: Option<&Snapshot>) -> Failure {
    use setara_welfare::Error;
    // A row of the snapshot is named by its household's KK.
    if let (Error::NonFiniteScore { row, value }, Some(snap)) = (e, snap) {
        let kk = snap
            .kk()
            .values()
            .get(*row)
            .and_then(|&k| Kk::from_u64(k).ok())
            .map_or_else(|| format!("#{row}"), |k| k.to_string());
        return Failure::invalid(
            "pmt_score_not_finite",
            format!("skor keluarga (KK) {kk} adalah {value}, bukan angka"),
            format!("the score of household (KK) {kk} is {value}, not a number"),
        );
    }
    let (code, id) = match e {
        Error::WeightTooLarge { kk, weight } => (
            "pmt_weight_too_large",
            format!(
                "bobot survei keluarga (KK) {kk} adalah {weight:e}: paling besar {:e} (bobot survei adalah banyaknya keluarga yang diwakili)",
                setara_welfare::MAX_SURVEY_WEIGHT
            ),
        ),
        Error::NonFiniteOutcome { kk, value } => (
            "pmt_outcome_not_finite",
            format!(
                "ln pengeluaran per kapita keluarga (KK) {kk} adalah {value}, bukan bilangan hingga"
            ),
        ),
        _ => ("pmt_failed", e.to_string()),
    };
    Failure::invalid(
        code,
        format!("model PMT tidak dapat diestimasi: {id}"),
        format!("the PMT model could not be fitted: {e}"),
    )
}

/// The warnings a fit deserves, in the user's language.
fn fit_warnings(ctx: &Context, stats: &setara_welfare::FitStats) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let r2 = stats.cv.r_squared;
    if r2.is_nan() || r2 < MIN_OUT_OF_SAMPLE_R2 {
        out.push((
            "pmt_poor_fit",
            if ctx.lang == setara_core::Lang::Id {
                format!(
                    "peringatan: R² di luar sampel hanya {r2:.3} (di bawah {MIN_OUT_OF_SAMPLE_R2}): model PMT hampir tidak memprediksi pengeluaran, sehingga desil ini tidak dapat diandalkan untuk penargetan; periksa nilai pengeluaran dan bobot survei yang tidak wajar"
                )
            } else {
                format!(
                    "warning: the out-of-sample R² is only {r2:.3} (below {MIN_OUT_OF_SAMPLE_R2}): the PMT barely predicts consumption, so these desil are not reliable for targeting; look for implausible consumption values and survey weights"
                )
            },
        ));
    }
    let per_regency = stats.n as f64 / stats.regencies.max(1) as f64;
    if per_regency < 10.0 {
        out.push((
            "pmt_few_per_regency",
            if ctx.lang == setara_core::Lang::Id {
                format!(
                    "peringatan: rata-rata hanya {per_regency:.1} keluarga yang disurvei per kabupaten/kota; efek kabupaten/kota diestimasi dari sedikit keluarga (lihat galat di luar sampel)"
                )
            } else {
                format!(
                    "warning: only {per_regency:.1} surveyed households per regency on average; the regency effects rest on few households (see the out-of-sample error)"
                )
            },
        ));
    }
    out
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
    let info = setara_app::registry::take_snapshot(
        &ctx.app(),
        store.as_ref(),
        &mut ctx.bar(ctx.t("snapshot", "snapshot")),
    )?;
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
    .map_err(|e| welfare_failure(&e, Some(&snap)))?;
    bar.set_message(
        ctx.t("menilai semua keluarga", "scoring every household")
            .to_string(),
    );
    let scores = model
        .score(&snap, on)
        .map_err(|e| welfare_failure(&e, Some(&snap)))?;
    let desil =
        setara_welfare::desil(&snap, &scores).map_err(|e| welfare_failure(&e, Some(&snap)))?;
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
    let file = format!(
        "{}/{}-{}.arrow",
        setara_app::data_dir::RANKINGS,
        runs_before + 1,
        &info.hash[..16]
    );
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
    let warnings = fit_warnings(ctx, stats);
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({
                "ranking": run_id,
                "snapshot": info.hash,
                "households": rows.len(),
                "model": model,
                "households_by_desil": &by_desil[1..],
                "warnings": warnings.iter().map(|(code, message)| serde_json::json!({"code": code, "message": message})).collect::<Vec<_>>(),
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
    if !ctx.quiet {
        for (_, w) in &warnings {
            errln!("{w}");
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
