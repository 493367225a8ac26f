//! The data directory's layout, in one place.
//!
//! ```text
//! DATA_DIR/
//!   setara.sqlite        the store (SQLite, WAL): registry, history, programmes, entitlements
//!   snapshots/           columnar snapshots of the registry (Arrow IPC)
//!   rankings/            welfare rankings (Arrow IPC), one per `setara rank`
//!   rejects/             rejected rows of imports (CSV), unless written elsewhere
//!   ledger/              the tamper-evident ledger of money (crate setara-ledger) and its keys
//! ```

use std::path::{Path, PathBuf};

use setara_store::Store;

use crate::error::{Error, Result};

/// File name of the embedded store inside the data directory.
pub const STORE_FILE: &str = "setara.sqlite";
/// Folder of the registry's snapshots.
pub const SNAPSHOTS: &str = "snapshots";
/// Folder of the welfare rankings.
pub const RANKINGS: &str = "rankings";
/// Folder of rejected rows written by imports.
pub const REJECTS: &str = "rejects";
/// Folder of the ledger.
pub const LEDGER: &str = "ledger";
/// Folders a backup copies besides the store and the ledger.
pub const CONTENT_DIRS: &[&str] = &[SNAPSHOTS, RANKINGS, REJECTS];

/// A data directory: where everything of one Setara installation lives.
#[derive(Clone, Debug)]
pub struct DataDir {
    root: PathBuf,
    /// Another store than the embedded file (`SETARA_STORE`, read by the front end).
    store_location: Option<String>,
    /// Paths in messages are shown relative to this directory when inside it (the CLI gives its
    /// current directory).
    shown_from: Option<PathBuf>,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir {
            root: root.into(),
            store_location: None,
            shown_from: None,
        }
    }

    /// Use the store at `location` instead of the embedded file.
    pub fn with_store_location(mut self, location: Option<String>) -> DataDir {
        self.store_location = location;
        self
    }

    /// Show paths in messages relative to `dir` when they are inside it.
    pub fn shown_from(mut self, dir: Option<PathBuf>) -> DataDir {
        self.shown_from = dir;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn store_path(&self) -> PathBuf {
        self.root.join(STORE_FILE)
    }

    pub fn snapshots(&self) -> PathBuf {
        self.root.join(SNAPSHOTS)
    }

    pub fn rankings(&self) -> PathBuf {
        self.root.join(RANKINGS)
    }

    pub fn rejects(&self) -> PathBuf {
        self.root.join(REJECTS)
    }

    pub fn ledger(&self) -> PathBuf {
        self.root.join(LEDGER)
    }

    /// Whether the store is another than the embedded file.
    pub fn store_elsewhere(&self) -> bool {
        self.store_location.is_some()
    }

    /// A path as messages show it.
    pub fn show(&self, p: &Path) -> String {
        self.shown_from
            .as_deref()
            .and_then(|base| p.strip_prefix(base).ok())
            .map(|r| r.display().to_string())
            .map(|r| if r.is_empty() { ".".to_string() } else { r })
            .unwrap_or_else(|| p.display().to_string())
    }

    /// Open (creating on first use) the store of the data directory.
    ///
    /// A data directory that holds a ledger or rankings but no store lost its store: a new,
    /// empty one would hide that, so it is refused (`store_missing`).
    pub fn open_store(&self) -> Result<Box<dyn Store>> {
        let location = match &self.store_location {
            Some(l) => l.clone(),
            None => {
                if self.root.exists() && !self.root.is_dir() {
                    return Err(Error::invalid(
                        "data_dir_not_directory",
                        format!("{} bukan direktori", self.show(&self.root)),
                        format!("{} is not a directory", self.show(&self.root)),
                    ));
                }
                let path = self.store_path();
                if !path.exists()
                    && let Some(left) = [LEDGER, RANKINGS]
                        .into_iter()
                        .find(|d| self.root.join(d).exists())
                {
                    return Err(Error::invalid(
                        "store_missing",
                        format!(
                            "{} tidak ada, padahal direktori data masih memuat {left}/; basis data hilang. Pulihkan direktori data dari cadangan dengan `setara restore`",
                            self.show(&path)
                        ),
                        format!(
                            "{} is missing although the data directory still holds {left}/: the store was lost. Restore the data directory from a backup with `setara restore`",
                            self.show(&path)
                        ),
                    ));
                }
                path.display().to_string()
            }
        };
        Ok(setara_store::open(&location)?)
    }
}
