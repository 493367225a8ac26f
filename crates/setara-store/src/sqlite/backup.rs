//! The store's part of `setara backup` and `setara restore`: a copy of the store as of one
//! moment taken while others write (SQLite's online backup), and the checks of such a copy
//! made without changing it.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::StoreError;

/// Pages copied per backup step: 1,024 pages (4 MiB at SQLite's default page size) keep a step
/// short, so progress is reported several times a second on a large store.
pub const PAGES_PER_STEP: i32 = 1024;

/// How long a backup step may keep finding the destination busy before the backup gives up
/// (the destination is a new file nobody else uses, so this only guards against a stuck
/// file system).
const BUSY_LIMIT: Duration = Duration::from_secs(60);

pub(crate) fn ledger_key(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT vkey FROM ledger_applied WHERE id = 1", [], |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()?
        .flatten())
}

fn io(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::DataDir {
        path: path.display().to_string(),
        source,
    }
}

/// See [`crate::Store::backup_to`]. The snapshot is pinned by a read transaction on `conn`
/// that lasts the whole copy: SQLite's backup reads through it (`sqlite3_backup_step` uses the
/// source's open read transaction), so writers in other connections go on and the copy is the
/// store as it was when `pinned` was called.
pub(crate) fn backup_to(
    conn: &Connection,
    dest: &Path,
    pinned: &mut dyn FnMut(),
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(), StoreError> {
    if dest.exists() {
        return Err(io(dest, std::io::ErrorKind::AlreadyExists.into()));
    }
    conn.execute_batch("BEGIN DEFERRED")?;
    let copied = (|| -> Result<(), StoreError> {
        // The first read starts the transaction's snapshot.
        conn.query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| {
            r.get::<_, i64>(0)
        })?;
        pinned();
        let mut dst = Connection::open(dest)?;
        {
            let b = Backup::new(conn, &mut dst)?;
            let mut busy_since: Option<Instant> = None;
            loop {
                let step = b.step(PAGES_PER_STEP)?;
                let p = b.progress();
                progress(
                    (p.pagecount - p.remaining).max(0) as u64,
                    p.pagecount.max(0) as u64,
                );
                match step {
                    StepResult::Done => break,
                    StepResult::More => busy_since = None,
                    _ => {
                        let since = *busy_since.get_or_insert_with(Instant::now);
                        if since.elapsed() > BUSY_LIMIT {
                            return Err(StoreError::Corrupt(format!(
                                "{}: the backup copy stayed busy for {BUSY_LIMIT:?}",
                                dest.display()
                            )));
                        }
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
            }
        }
        // One self-contained file: no write-ahead log beside it.
        dst.pragma_update(None, "journal_mode", "DELETE")?;
        dst.close().map_err(|(_, e)| e)?;
        std::fs::File::open(dest)
            .and_then(|f| f.sync_all())
            .map_err(|e| io(dest, e))?;
        Ok(())
    })();
    let ended = conn.execute_batch("ROLLBACK");
    copied?;
    ended?;
    Ok(())
}

/// What a copy of a store says about itself ([`check_copy`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyCheck {
    /// `PRAGMA integrity_check`: `["ok"]` when sound, else its first problems.
    pub integrity: Vec<String>,
    /// The copy's schema version.
    pub schema_version: i64,
    /// The schema version this program knows (a copy may be older, never newer).
    pub known_version: i64,
    /// Ledger entries reflected in the copy's entitlements.
    pub ledger_applied: u64,
    /// The verifier key of the ledger the copy was paid through, if recorded.
    pub ledger_key: Option<String>,
    /// Ranking files the copy refers to, relative to the data directory.
    pub ranking_files: Vec<String>,
}

impl CopyCheck {
    /// Sound: SQLite finds nothing wrong and the schema is one this program can open.
    pub fn is_sound(&self) -> bool {
        self.integrity == ["ok"] && self.schema_version <= self.known_version
    }
}

/// Opens the store copy at `path` read-only (nothing in it or beside it is changed) and reports
/// its integrity, schema and what it refers to. A file that is not Setara's store, or that SQLite
/// cannot read, is an error.
pub fn check_copy(path: &Path) -> Result<CopyCheck, StoreError> {
    if !super::check_existing(path)? {
        return Err(io(path, std::io::ErrorKind::NotFound.into()));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let mut integrity = Vec::new();
    {
        let mut stmt = conn.prepare("PRAGMA integrity_check(20)")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            integrity.push(r.get::<_, String>(0)?);
        }
    }
    if integrity != ["ok"] {
        return Ok(CopyCheck {
            integrity,
            schema_version: 0,
            known_version: super::MIGRATIONS.len() as i64,
            ledger_applied: 0,
            ledger_key: None,
            ranking_files: Vec::new(),
        });
    }
    if super::schema_owner(&conn)? != Some(true) {
        return Err(StoreError::NotAStore {
            path: path.display().to_string(),
            why: crate::NotAStore::Foreign,
        });
    }
    let schema_version: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    let ledger_applied = if schema_version >= 5 {
        conn.query_row("SELECT entries FROM ledger_applied WHERE id = 1", [], |r| {
            r.get::<_, i64>(0)
        })
        .optional()?
        .unwrap_or(0)
        .max(0) as u64
    } else {
        0
    };
    let ledger_key = if schema_version >= 6 {
        ledger_key(&conn)?
    } else {
        None
    };
    let mut ranking_files = Vec::new();
    if schema_version >= 4 {
        let mut stmt = conn.prepare("SELECT file FROM ranking_runs ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for f in rows {
            ranking_files.push(f?);
        }
    }
    Ok(CopyCheck {
        integrity,
        schema_version,
        known_version: super::MIGRATIONS.len() as i64,
        ledger_applied,
        ledger_key,
        ranking_files,
    })
}
