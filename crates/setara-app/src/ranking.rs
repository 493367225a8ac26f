//! The current welfare ranking: its run, the snapshot it ranked and its columns, and whether the
//! registry has a newer snapshot since (`stale`: the front end says so; nothing is printed here).

use setara_snapshot::Snapshot;
use setara_snapshot::ranking::{RankingColumns, RankingError};
use setara_store::{RankingInfo, Store};

use crate::App;
use crate::error::{Error, ErrorKind, Result};

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
    let stale = is_stale(app, &info);
    Ok(Ranked {
        info,
        snapshot,
        columns,
        stale,
    })
}

/// Whether the registry has a newer snapshot than the one `info` ranked.
pub fn is_stale(app: &App, info: &RankingInfo) -> bool {
    setara_snapshot::latest_hash(&app.data.snapshots()).is_ok_and(|latest| latest != info.snapshot)
}
