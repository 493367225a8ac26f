//! The ranking file (berkas peringkat): the columns of one welfare ranking run, row-aligned with
//! the households of the snapshot it ranked, as an Arrow IPC file beside the snapshots
//! (`DATA_DIR/rankings/N-HASH.arrow`).
//!
//! It lives here, beside the snapshot format, because it is the same kind of thing: a columnar
//! file that rules and targeting read whole, whose rows only mean something next to a snapshot.
//! The store keeps the ranking's model and every household's desil; this file keeps the columns
//! that rules evaluate (`desil`, `score`, …) so that they need not be read back row by row.
//!
//! Errors carry stable codes and messages in both languages ([`RankingError`]); the message
//! tells the officer what to do (rank again, or restore the data directory).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{Float64Array, RecordBatch, UInt8Array, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use setara_core::{Lang, Localized};

/// The columns of a ranking run, one entry per household row of its snapshot.
#[derive(Clone, Debug, Default)]
pub struct RankingColumns {
    /// Predicted ln consumption per capita; NaN = not ranked.
    pub score: Vec<f64>,
    /// National rank, 1 = poorest; 0 = not ranked.
    pub rank: Vec<u32>,
    /// National desil 1..=10; 0 = not ranked.
    pub desil: Vec<u8>,
    /// Desil within the province; 0 = not ranked.
    pub desil_province: Vec<u8>,
    /// Desil within the regency; 0 = not ranked.
    pub desil_regency: Vec<u8>,
}

/// The schema of a ranking file: five columns without nulls, in this order.
pub fn ranking_schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new("score", DataType::Float64, false),
        Field::new("rank", DataType::UInt32, false),
        Field::new("desil", DataType::UInt8, false),
        Field::new("desil_province", DataType::UInt8, false),
        Field::new("desil_regency", DataType::UInt8, false),
    ]))
}

/// Why a ranking file could not be written or read.
///
/// Messages name the file as [`RankingError::show_paths_with`] says (by default as given), so
/// that a front end can show paths relative to where the user is without this crate knowing
/// about a current directory.
#[derive(Debug, thiserror::Error)]
pub enum RankingError {
    /// The file the store refers to is not there (`ranking_missing`).
    #[error(
        "the ranking file {shown} that the store refers to is missing; run `setara rank` again, or restore the data directory from a backup (`setara restore`)"
    )]
    Missing { path: PathBuf, shown: String },
    /// The file is not a ranking file, is cut short, or has another number of rows than the
    /// snapshot has households (`ranking_damaged`).
    #[error("ranking file {shown} is damaged or does not match ({why}); run `setara rank` again")]
    Damaged {
        path: PathBuf,
        shown: String,
        why: String,
    },
    /// Writing, syncing or renaming the file failed (`ranking_write`).
    #[error("{shown}: {why}")]
    Write {
        path: PathBuf,
        shown: String,
        why: String,
    },
    /// The file could not be opened for another reason than its absence, or the rankings
    /// directory could not be created (`file_io`, or `file_not_found` when a directory above is
    /// missing). `path` is the file or directory that failed.
    #[error("{shown}: {source}")]
    Io {
        path: PathBuf,
        shown: String,
        #[source]
        source: std::io::Error,
    },
}

impl RankingError {
    fn missing(path: &Path) -> RankingError {
        RankingError::Missing {
            path: path.to_path_buf(),
            shown: path.display().to_string(),
        }
    }

    fn damaged(path: &Path, why: impl Into<String>) -> RankingError {
        RankingError::Damaged {
            path: path.to_path_buf(),
            shown: path.display().to_string(),
            why: why.into(),
        }
    }

    fn write(path: &Path, why: String) -> RankingError {
        RankingError::Write {
            path: path.to_path_buf(),
            shown: path.display().to_string(),
            why,
        }
    }

    fn io(path: &Path, source: std::io::Error) -> RankingError {
        RankingError::Io {
            path: path.to_path_buf(),
            shown: path.display().to_string(),
            source,
        }
    }

    /// The file or directory the error is about.
    pub fn path(&self) -> &Path {
        match self {
            RankingError::Missing { path, .. }
            | RankingError::Damaged { path, .. }
            | RankingError::Write { path, .. }
            | RankingError::Io { path, .. } => path,
        }
    }

    /// Name the path in messages as `show` renders it (the CLI: relative to its current
    /// directory when inside it).
    pub fn show_paths_with(mut self, show: impl FnOnce(&Path) -> String) -> RankingError {
        let rendered = show(self.path());
        match &mut self {
            RankingError::Missing { shown, .. }
            | RankingError::Damaged { shown, .. }
            | RankingError::Write { shown, .. }
            | RankingError::Io { shown, .. } => *shown = rendered,
        }
        self
    }
}

impl Localized for RankingError {
    fn code(&self) -> &'static str {
        match self {
            RankingError::Missing { .. } => "ranking_missing",
            RankingError::Damaged { .. } => "ranking_damaged",
            RankingError::Write { .. } => "ranking_write",
            RankingError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                "file_not_found"
            }
            RankingError::Io { .. } => "file_io",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (RankingError::Missing { shown, .. }, Lang::Id) => format!(
                "berkas peringkat {shown} yang dicatat basis data tidak ada; jalankan `setara rank` lagi, atau pulihkan direktori data dari cadangan (`setara restore`)"
            ),
            (RankingError::Damaged { shown, why, .. }, Lang::Id) => format!(
                "berkas peringkat {shown} rusak atau tidak cocok ({why}); jalankan `setara rank` lagi"
            ),
            (e, _) => e.to_string(),
        }
    }
}

/// Write the ranking's columns as an Arrow IPC file, atomically: a temporary file beside it,
/// synced, then renamed, so that a reader sees the old file or the whole new one. The
/// directory is created if needed.
///
/// # Panics
/// When the columns do not all have the same length (a bug of the caller, not a state of the
/// data).
pub fn write_ranking(path: &Path, cols: &RankingColumns) -> Result<(), RankingError> {
    let batch = RecordBatch::try_new(
        ranking_schema(),
        vec![
            Arc::new(Float64Array::from(cols.score.clone())),
            Arc::new(UInt32Array::from(cols.rank.clone())),
            Arc::new(UInt8Array::from(cols.desil.clone())),
            Arc::new(UInt8Array::from(cols.desil_province.clone())),
            Arc::new(UInt8Array::from(cols.desil_regency.clone())),
        ],
    )
    .expect("columns of equal length");
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| RankingError::io(dir, e))?;
    }
    let tmp = path.with_extension("arrow.tmp");
    let write = || -> Result<(), Box<dyn std::error::Error>> {
        let file = std::fs::File::create(&tmp)?;
        let mut w = arrow_ipc::writer::FileWriter::try_new(
            std::io::BufWriter::new(file),
            &ranking_schema(),
        )?;
        w.write(&batch)?;
        w.finish()?;
        let file = w.into_inner()?.into_inner()?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    };
    write().map_err(|e| RankingError::write(path, e.to_string()))
}

/// Read a ranking file written by [`write_ranking`] for a snapshot of `households` rows.
///
/// A file of another length than the snapshot is refused as damaged: its rows would be
/// attributed to the wrong households.
pub fn read_ranking(path: &Path, households: usize) -> Result<RankingColumns, RankingError> {
    let damaged = |why: String| RankingError::damaged(path, why);
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => RankingError::missing(path),
        _ => RankingError::io(path, e),
    })?;
    let reader = arrow_ipc::reader::FileReader::try_new(std::io::BufReader::new(file), None)
        .map_err(|e| damaged(e.to_string()))?;
    let mut cols = RankingColumns::default();
    for batch in reader {
        let batch = batch.map_err(|e| damaged(e.to_string()))?;
        if batch.schema().fields() != ranking_schema().fields() {
            return Err(damaged("schema".into()));
        }
        let col = |i: usize| batch.column(i).clone();
        let f64s = col(0);
        let f64s = f64s
            .as_any()
            .downcast_ref::<Float64Array>()
            .expect("schema");
        cols.score.extend_from_slice(f64s.values());
        let u32s = col(1);
        let u32s = u32s.as_any().downcast_ref::<UInt32Array>().expect("schema");
        cols.rank.extend_from_slice(u32s.values());
        for (i, out) in [
            (2, &mut cols.desil),
            (3, &mut cols.desil_province),
            (4, &mut cols.desil_regency),
        ] {
            let a = col(i);
            out.extend_from_slice(
                a.as_any()
                    .downcast_ref::<UInt8Array>()
                    .expect("schema")
                    .values(),
            );
        }
    }
    if cols.score.len() != households {
        return Err(damaged(format!(
            "{} rows for {households} households",
            cols.score.len()
        )));
    }
    Ok(cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> RankingColumns {
        RankingColumns {
            score: vec![1.5, f64::NAN, -0.25],
            rank: vec![2, 0, 1],
            desil: vec![5, 0, 1],
            desil_province: vec![4, 0, 1],
            desil_regency: vec![3, 0, 2],
        }
    }

    #[test]
    fn written_columns_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rankings/1-abc.arrow");
        write_ranking(&path, &columns()).unwrap();
        let back = read_ranking(&path, 3).unwrap();
        let want = columns();
        assert_eq!(back.rank, want.rank);
        assert_eq!(back.desil, want.desil);
        assert_eq!(back.desil_province, want.desil_province);
        assert_eq!(back.desil_regency, want.desil_regency);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back.score), bits(&want.score));
    }

    #[test]
    fn errors_say_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("1-abc.arrow");
        let missing = read_ranking(&path, 3)
            .unwrap_err()
            .show_paths_with(|_| "rankings/1-abc.arrow".into());
        assert_eq!(missing.code(), "ranking_missing");
        assert!(
            missing
                .message(Lang::Id)
                .starts_with("berkas peringkat rankings/1-abc.arrow yang dicatat")
        );
        write_ranking(&path, &columns()).unwrap();
        let other = read_ranking(&path, 4).unwrap_err();
        assert_eq!(other.code(), "ranking_damaged");
        assert_eq!(
            other.message(Lang::En),
            format!(
                "ranking file {} is damaged or does not match (3 rows for 4 households); run `setara rank` again",
                path.display()
            )
        );
        std::fs::write(&path, b"not arrow").unwrap();
        assert_eq!(
            read_ranking(&path, 3).unwrap_err().code(),
            "ranking_damaged"
        );
    }
}
