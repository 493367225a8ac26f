//! The current welfare ranking: its run, the snapshot it ranked and its columns, and whether the
//! registry has a newer snapshot since (`stale`: the front end says so; nothing is printed here).

use std::collections::HashMap;
use std::time::Instant;

use chrono::NaiveDate;
use serde::Serialize;
use setara_core::Kk;
use setara_snapshot::Snapshot;
use setara_snapshot::ranking::{RankingColumns, RankingError};
use setara_store::{DesilHistory, DesilRow, RankingInfo, RankingRun, Store};
use setara_welfare::{FitOptions, PmtModel};

use crate::error::{Error, ErrorKind, Result};
use crate::{App, Caller, Progress};

/// The latest ranking, its snapshot and its columns.
pub struct Ranked {
    pub info: RankingInfo,
    pub snapshot: Snapshot,
    pub columns: RankingColumns,
    /// The registry has a newer snapshot than the one ranked: targeting would not use the
    /// latest data until `setara rank` runs again.
    pub stale: bool,
}

/// A ranking file's error (a failure of the system): paths shown as the data directory shows
/// them; an I/O error worded as every other file's.
pub fn ranking_error(app: &App, e: RankingError) -> Error {
    match e {
        RankingError::Io { path, source, .. } => Error::io(&path, &source),
        e => Error::from_localized(
            ErrorKind::Internal,
            &e.show_paths_with(|p| app.data.show(p)),
        ),
    }
}

/// Load the latest ranking run; `ranking_none` when there is none.
pub fn load_ranking(app: &App, store: &dyn Store) -> Result<Ranked> {
    let info = store.rankings()?.into_iter().next().ok_or_else(|| {
        Error::invalid(
            "ranking_none",
            "belum ada peringkat kesejahteraan: jalankan `setara rank` dahulu",
            "there is no welfare ranking yet: run `setara rank` first",
        )
    })?;
    let dir = app.data.snapshots().join(&info.snapshot);
    let snapshot = Snapshot::open(&dir).map_err(|e| {
        Error::internal(
            "ranking_snapshot_missing",
            format!(
                "snapshot {} yang dipakai peringkat {} tidak dapat dibuka ({e}); jalankan `setara rank` lagi",
                info.snapshot, info.id
            ),
            format!(
                "snapshot {} of ranking {} cannot be opened ({e}); run `setara rank` again",
                info.snapshot, info.id
            ),
        )
    })?;
    let columns = setara_snapshot::ranking::read_ranking(
        &app.data.root().join(&info.file),
        snapshot.household_count(),
    )
    .map_err(|e| ranking_error(app, e))?;
    let stale = snapshot_newer_than(app, &info);
    Ok(Ranked {
        info,
        snapshot,
        columns,
        stale,
    })
}

/// The date a snapshot describes: ages and the ranking are computed on it, so that the same
/// snapshot always gives the same answers (a snapshot without a readable creation time: the
/// app's clock).
pub fn reference_date(app: &App, snap: &Snapshot) -> NaiveDate {
    chrono::DateTime::parse_from_rfc3339(&snap.manifest().created)
        .map(|t| t.date_naive())
        .unwrap_or_else(|_| {
            chrono::DateTime::from_timestamp(app.now(), 0)
                .unwrap_or_default()
                .date_naive()
        })
}

/// Below this out-of-sample R² of ln consumption per capita, a ranking carries the warning
/// [`RankWarning::PoorFit`] (0.2).
///
/// A proxy means test in Indonesia explains about half of the variation (Alatas et al. 2012;
/// the synthetic registry reaches about 0.5; Brown, Ravallion and van de Walle 2018 report
/// 0.4-0.6 elsewhere). Below a fifth the ranking is little better than chance for targeting,
/// the sign of absurd or broken data (issue 10: one consumption of 9.2·10^18 took it from
/// 0.30 to 0.01 without a word).
pub const MIN_OUT_OF_SAMPLE_R2: f64 = 0.2;

/// Rank the registry.
#[derive(Clone, Debug, Serialize)]
pub struct RankRequest {
    /// Cross-validation folds for the out-of-sample error (at least 2).
    pub folds: usize,
}

/// What the long work of a ranking reports to: the snapshot (in households), the fit and the
/// scoring (no total).
pub struct RankProgress<'a> {
    pub snapshot: &'a mut dyn Progress,
    pub fitting: &'a mut dyn Progress,
    pub scoring: &'a mut dyn Progress,
}

/// A warning about a fitted model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RankWarning {
    /// `pmt_poor_fit`: the out-of-sample R² is below [`MIN_OUT_OF_SAMPLE_R2`] (or not a number).
    #[serde(rename = "pmt_poor_fit")]
    PoorFit { r2_out_of_sample: f64, minimum: f64 },
    /// `pmt_few_per_regency`: fewer than 10 surveyed households per regency on average.
    #[serde(rename = "pmt_few_per_regency")]
    FewPerRegency { surveyed_per_regency: f64 },
}

impl RankWarning {
    pub fn code(&self) -> &'static str {
        match self {
            RankWarning::PoorFit { .. } => "pmt_poor_fit",
            RankWarning::FewPerRegency { .. } => "pmt_few_per_regency",
        }
    }
}

/// A ranking run, done.
#[derive(Clone, Debug, Serialize)]
pub struct RankResult {
    /// The run's number.
    pub ranking: i64,
    /// The content hash of the snapshot ranked.
    pub snapshot: String,
    pub households: u64,
    pub model: PmtModel,
    /// Households in national desil 1 to 10.
    pub households_by_desil: [u64; 10],
    pub warnings: Vec<RankWarning>,
    /// The ranking file, relative to the data directory.
    pub file: String,
    /// Seconds taken by the snapshot, by fitting, scoring and desil, and in all.
    pub snapshot_seconds: f64,
    pub fit_seconds: f64,
    pub seconds: f64,
}

fn welfare_error(e: &setara_welfare::Error, snap: &Snapshot) -> Error {
    use setara_welfare::Error as W;
    // A row of the snapshot is named by its household's KK.
    if let W::NonFiniteScore { row, value } = e {
        let kk = snap
            .kk()
            .values()
            .get(*row)
            .and_then(|&k| Kk::from_u64(k).ok())
            .map_or_else(|| format!("#{row}"), |k| k.to_string());
        return Error::invalid(
            "pmt_score_not_finite",
            format!("skor keluarga (KK) {kk} adalah {value}, bukan angka"),
            format!("the score of household (KK) {kk} is {value}, not a number"),
        );
    }
    let (code, id) = match e {
        W::WeightTooLarge { kk, weight } => (
            "pmt_weight_too_large",
            format!(
                "bobot survei keluarga (KK) {kk} adalah {weight:e}: paling besar {:e} (bobot survei adalah banyaknya keluarga yang diwakili)",
                setara_welfare::MAX_SURVEY_WEIGHT
            ),
        ),
        W::NonFiniteOutcome { kk, value } => (
            "pmt_outcome_not_finite",
            format!(
                "ln pengeluaran per kapita keluarga (KK) {kk} adalah {value}, bukan bilangan hingga"
            ),
        ),
        _ => ("pmt_failed", e.to_string()),
    };
    Error::invalid(
        code,
        format!("model PMT tidak dapat diestimasi: {id}"),
        format!("the PMT model could not be fitted: {e}"),
    )
}

fn fit_warnings(stats: &setara_welfare::FitStats) -> Vec<RankWarning> {
    let mut out = Vec::new();
    let r2 = stats.cv.r_squared;
    if r2.is_nan() || r2 < MIN_OUT_OF_SAMPLE_R2 {
        out.push(RankWarning::PoorFit {
            r2_out_of_sample: r2,
            minimum: MIN_OUT_OF_SAMPLE_R2,
        });
    }
    let per_regency = stats.n as f64 / stats.regencies.max(1) as f64;
    if per_regency < 10.0 {
        out.push(RankWarning::FewPerRegency {
            surveyed_per_regency: per_regency,
        });
    }
    out
}

/// Snapshot the registry, fit the proxy means test on the surveyed households, score every
/// household, assign desil nationally, by province and by regency, and keep the run (model,
/// snapshot hash, time) with every household's desil history; the columns go to a ranking
/// file under `rankings/`.
///
/// The ranking is national: a caller with a region scope is refused
/// (`rank_scope_unsupported`), since desil are relative to the whole country.
pub fn rank(
    app: &App,
    caller: &Caller,
    req: &RankRequest,
    progress: RankProgress<'_>,
) -> Result<RankResult> {
    if caller.scope.is_some() {
        return Err(Error::new(
            ErrorKind::Forbidden,
            "rank_scope_unsupported",
            "peringkat kesejahteraan bersifat nasional dan tidak dapat dijalankan oleh petugas wilayah",
            "the welfare ranking is national and cannot be run by a regional officer",
        ));
    }
    caller.require_registry_change()?;
    if req.folds < 2 {
        return Err(Error::invalid(
            "rank_bad_folds",
            "--folds minimal 2",
            "--folds must be at least 2",
        ));
    }
    let started = Instant::now();
    let mut store = app.writer()?;
    let info = crate::registry::take_snapshot(app, store.as_ref(), progress.snapshot)?;
    let snap = Snapshot::open(&info.dir).map_err(Error::from)?;
    let snapshot_seconds = started.elapsed().as_secs_f64();
    let fitting = Instant::now();
    let on = reference_date(app, &snap);
    progress.fitting.start(0);
    let model = PmtModel::fit_with(
        &snap,
        on,
        &FitOptions {
            folds: req.folds,
            threads: None,
        },
    )
    .map_err(|e| welfare_error(&e, &snap));
    progress.fitting.finish();
    let model = model?;
    progress.scoring.start(0);
    let scored = model
        .score(&snap, on)
        .and_then(|scores| setara_welfare::desil(&snap, &scores).map(|d| (scores, d)))
        .map_err(|e| welfare_error(&e, &snap));
    progress.scoring.finish();
    let (scores, desil) = scored?;
    let columns = RankingColumns {
        score: scores,
        rank: desil.rank,
        desil: desil.national,
        desil_province: desil.province,
        desil_regency: desil.regency,
    };
    let fit_seconds = fitting.elapsed().as_secs_f64();

    // The columns go beside the data, the history into the store.
    let runs_before = store.rankings()?.first().map_or(0, |r| r.id);
    let file = format!(
        "{}/{}-{}.arrow",
        crate::data_dir::RANKINGS,
        runs_before + 1,
        &info.hash[..16]
    );
    setara_snapshot::ranking::write_ranking(&app.data.root().join(&file), &columns)
        .map_err(|e| ranking_error(app, e))?;
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
            actor: caller.actor.clone(),
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
    let mut by_desil = [0u64; 10];
    for &d in &columns.desil {
        if (1..=10).contains(&d) {
            by_desil[d as usize - 1] += 1;
        }
    }
    let warnings = fit_warnings(stats);
    Ok(RankResult {
        ranking: run_id,
        snapshot: info.hash,
        households: rows.len() as u64,
        model,
        households_by_desil: by_desil,
        warnings,
        file,
        snapshot_seconds,
        fit_seconds,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// A household's scores and desil in every ranking run, oldest first
/// (`household_not_found` when there is no such household, or it is outside the caller's
/// scope).
pub fn desil_history(app: &App, caller: &Caller, kk: Kk) -> Result<Vec<DesilHistory>> {
    let store = app.reader()?;
    let not_found = || Error::from(setara_store::StoreError::HouseholdNotFound(kk));
    if caller.scope.is_some() {
        let region = store.household_region(kk)?.ok_or_else(not_found)?;
        if !caller.sees(region) {
            return Err(not_found());
        }
    }
    let rows = store.desil_history(kk)?;
    if rows.is_empty() && store.household_region(kk)?.is_none() {
        return Err(not_found());
    }
    Ok(rows)
}

/// KK → household row of a snapshot.
pub fn kk_rows(snap: &Snapshot) -> HashMap<u64, u32> {
    snap.kk()
        .values()
        .iter()
        .enumerate()
        .map(|(i, &k)| (k, i as u32))
        .collect()
}

/// Whether the latest ranking is older than the registry's latest snapshot (false when there
/// is no ranking). Cheap: no file of the ranking is read.
pub fn is_stale(app: &App) -> bool {
    let Ok(store) = app.reader() else {
        return false;
    };
    let Ok(Some(info)) = store.rankings().map(|r| r.into_iter().next()) else {
        return false;
    };
    snapshot_newer_than(app, &info)
}

/// Whether the registry has a newer snapshot than the one `info` ranked.
pub fn snapshot_newer_than(app: &App, info: &RankingInfo) -> bool {
    setara_snapshot::latest_hash(&app.data.snapshots()).is_ok_and(|latest| latest != info.snapshot)
}
