//! The embedded SQLite backend: one file in WAL mode, created on first run, schema by
//! migrations (`migrations/sqlite/`).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use setara_core::{Household, Kk, Level, Nik, Person, Regions};
use setara_registry::fields::{
    HOUSEHOLD_FIELDS, PERSON_FIELDS, check_household, check_person, find_field,
};
use setara_registry::{Field, Reason};
use sha2::{Digest, Sha256};

use crate::*;

pub mod backup;
mod dedup;
mod import;
pub(crate) mod rows;
mod targeting;

use rows::*;

/// Migrations in order; the index + 1 is the schema version.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "registry",
        include_str!("../../migrations/sqlite/0001_registry.sql"),
    ),
    (
        "verification",
        include_str!("../../migrations/sqlite/0002_verification.sql"),
    ),
    (
        "dedup",
        include_str!("../../migrations/sqlite/0003_dedup.sql"),
    ),
    (
        "targeting",
        include_str!("../../migrations/sqlite/0004_targeting.sql"),
    ),
    (
        "ledger",
        include_str!("../../migrations/sqlite/0005_ledger.sql"),
    ),
    (
        "ledger_key",
        include_str!("../../migrations/sqlite/0006_ledger_key.sql"),
    ),
    (
        "idempotency",
        include_str!("../../migrations/sqlite/0007_idempotency.sql"),
    ),
];

/// The registry in a SQLite file.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    clock: StoreClock,
}

/// A time as the store writes it.
pub(crate) fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Whose database this is: `Some(true)` Setara's (its migrations table starts with
/// Setara's first migration), `Some(false)` another program's or none's (no such table,
/// or another first migration), `None` damaged (the table is there without its first row).
fn schema_owner(conn: &Connection) -> Result<Option<bool>, StoreError> {
    let table: i64 = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        [],
        |r| r.get(0),
    )?;
    if table == 0 {
        return Ok(Some(false));
    }
    // A damaged file fails here with SQLite's own error, which is reported as such.
    let first: Option<String> = conn
        .query_row(
            "SELECT name FROM schema_migrations WHERE version = 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(first.map(|name| name == MIGRATIONS[0].0))
}

/// Refuse an existing path that is not a store, before SQLite opens (and would change) it.
/// `Ok(true)`: an existing file that looks like an SQLite database; `Ok(false)`: no file.
fn check_existing(path: &Path) -> Result<bool, StoreError> {
    let not = |why| StoreError::NotAStore {
        path: path.display().to_string(),
        why,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            if Path::new(&wal).exists() {
                return Err(not(crate::NotAStore::JournalWithoutStore));
            }
            return Ok(false);
        }
        Err(source) => {
            return Err(StoreError::DataDir {
                path: path.display().to_string(),
                source,
            });
        }
    };
    if meta.is_dir() {
        return Err(not(crate::NotAStore::Directory));
    }
    if meta.len() == 0 {
        return Err(not(crate::NotAStore::Empty));
    }
    let mut magic = [0u8; 16];
    let n = {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(|source| StoreError::DataDir {
            path: path.display().to_string(),
            source,
        })?;
        let mut n = 0;
        while n < magic.len() {
            match f.read(&mut magic[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(source) => {
                    return Err(StoreError::DataDir {
                        path: path.display().to_string(),
                        source,
                    });
                }
            }
        }
        n
    };
    if n < magic.len() || &magic != b"SQLite format 3\0" {
        return Err(not(crate::NotAStore::NotSqlite));
    }
    Ok(true)
}

impl SqliteStore {
    /// Open (creating the file and its directory if needed) and migrate. Only a missing file
    /// is created: an existing file must be a Setara store.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let existed = check_existing(path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // Whose file this is, asked before any setting writes to it.
        if existed {
            match schema_owner(&conn)? {
                Some(true) => {}
                Some(false) => {
                    return Err(StoreError::NotAStore {
                        path: path.display().to_string(),
                        why: crate::NotAStore::Foreign,
                    });
                }
                None => {
                    return Err(StoreError::Corrupt(format!(
                        "{}: the table of migrations has lost its first row",
                        path.display()
                    )));
                }
            }
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // 256 MiB page cache: an import's indexes stay in memory.
        conn.pragma_update(None, "cache_size", -262_144)?;
        let mut store = SqliteStore {
            conn,
            path: path.to_path_buf(),
            clock: std::sync::Arc::new(chrono::Utc::now),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Now, by the store's clock, as the store writes it.
    fn now(&self) -> String {
        stamp((self.clock)())
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )?;
        let current: i64 = self.conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?;
        let known = MIGRATIONS.len() as i64;
        if current > known {
            return Err(StoreError::SchemaTooNew {
                path: self.path.display().to_string(),
                found: current,
                known,
            });
        }
        for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let at = self.now();
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                params![i as i64 + 1, name, at],
            )?;
            tx.commit()?;
        }
        Ok(())
    }

    /// The schema version this store is at.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
                r.get(0)
            })?)
    }

    /// SQLite's own consistency check of the file: `ok` when sound.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn household_row(
        &self,
        kk: Kk,
    ) -> Result<Option<(i64, Household, Provenance, u32)>, StoreError> {
        let sql = format!(
            "SELECT h.id, h.version, h.source_row, f.import_id, f.name, {HOUSEHOLD_COLUMNS}
             FROM households h JOIN source_files f ON f.id = h.source_file WHERE h.kk = ?1"
        )
        .replace(", region", ", h.region");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([kk.as_u64() as i64])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        let id: i64 = row.get(0)?;
        let version: i64 = row.get(1)?;
        let prov = Provenance {
            import_id: row.get(3)?,
            file: row.get(4)?,
            row: row.get::<_, i64>(2)? as u64,
        };
        Ok(Some((
            id,
            household_from_row(row, 5)?,
            prov,
            version as u32,
        )))
    }

    fn members(
        &self,
        household_id: i64,
        kk: Kk,
    ) -> Result<Vec<(i64, Person, Provenance, u32)>, StoreError> {
        let sql = format!(
            "SELECT p.id, p.version, p.source_row, f.import_id, f.name, {PERSON_COLUMNS}
             FROM persons p JOIN source_files f ON f.id = p.source_file
             WHERE p.household_id = ?1 ORDER BY p.nik"
        )
        .replace(", name, sex", ", p.name, sex");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([household_id])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let prov = Provenance {
                import_id: row.get(3)?,
                file: row.get(4)?,
                row: row.get::<_, i64>(2)? as u64,
            };
            let version: i64 = row.get(1)?;
            out.push((
                row.get(0)?,
                person_from_row(row, 5, kk)?,
                prov,
                version as u32,
            ));
        }
        Ok(out)
    }
}

fn set_field<T>(
    fields: &'static [Field<T>],
    value: &mut T,
    field: &str,
    text: Option<&str>,
) -> Result<&'static Field<T>, StoreError> {
    let Some((_, f)) = find_field(fields, field) else {
        return Err(StoreError::Field {
            field: field.to_string(),
            reason: Reason::UnknownField {
                suggestion: setara_registry::fields::suggest_field(fields, field).map(String::from),
            },
        });
    };
    if !f.editable {
        return Err(StoreError::Field {
            field: f.name.to_string(),
            reason: Reason::NotEditable,
        });
    }
    (f.set)(value, text.map(str::trim).filter(|s| !s.is_empty())).map_err(|reason| {
        StoreError::Field {
            field: f.name.to_string(),
            reason,
        }
    })?;
    Ok(f)
}

/// Overwrite a household row with new values (the caller records the change).
pub(crate) fn update_household(
    conn: &Connection,
    id: i64,
    h: &Household,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(&UPDATE_HOUSEHOLD)?;
    bind_household(&mut stmt, 1, h)?;
    stmt.raw_bind_parameter(HOUSEHOLD_COLUMN_COUNT + 1, id)?;
    stmt.raw_execute()?;
    Ok(())
}

/// Overwrite a person row, possibly attaching it to another household.
pub(crate) fn update_person(
    conn: &Connection,
    id: i64,
    household: i64,
    p: &Person,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(&UPDATE_PERSON)?;
    bind_person(&mut stmt, 1, p)?;
    stmt.raw_bind_parameter(PERSON_COLUMN_COUNT + 1, household)?;
    stmt.raw_bind_parameter(PERSON_COLUMN_COUNT + 2, id)?;
    stmt.raw_execute()?;
    Ok(())
}

/// Insert one change row.
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_change(
    conn: &Connection,
    at: &str,
    actor: &str,
    reason: &str,
    kind: &str,
    import_id: Option<i64>,
    source_row: Option<u64>,
    kk: Kk,
    nik: Option<Nik>,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO changes (at, actor, reason, kind, import_id, source_row, kk, nik, field, old_value, new_value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    stmt.execute(params![
        at,
        actor,
        reason,
        kind,
        import_id,
        source_row.map(|r| r as i64),
        kk.as_u64() as i64,
        nik.map(|n| n.as_u64() as i64),
        field,
        old,
        new
    ])?;
    Ok(())
}

/// Field-by-field differences, as (field, old, new) text.
pub(crate) fn diff<T>(
    fields: &'static [Field<T>],
    old: &T,
    new: &T,
) -> Vec<(&'static str, Option<String>, Option<String>)> {
    let mut out = Vec::new();
    for f in fields {
        let (a, b) = ((f.get)(old), (f.get)(new));
        if a != b {
            out.push((f.name, a, b));
        }
    }
    out
}

fn change_from_row(row: &rusqlite::Row) -> Result<Change, StoreError> {
    let kk: i64 = row.get(6)?;
    let nik: Option<i64> = row.get(7)?;
    Ok(Change {
        at: row.get(0)?,
        actor: row.get(1)?,
        reason: row.get(2)?,
        kind: row.get(3)?,
        import_id: row.get(4)?,
        source_row: row.get::<_, Option<i64>>(5)?.map(|v| v as u64),
        kk: Kk::from_u64(kk as u64).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        nik: nik
            .map(|n| Nik::from_u64(n as u64))
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        field: row.get(8)?,
        old_value: row.get(9)?,
        new_value: row.get(10)?,
    })
}

impl Store for SqliteStore {
    fn set_clock(&mut self, clock: StoreClock) {
        self.clock = clock;
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn begin_import<'s>(
        &'s mut self,
        meta: ImportMeta,
    ) -> Result<Box<dyn ImportSession + 's>, StoreError> {
        Ok(Box::new(import::SqliteImport::begin(
            &self.conn,
            meta,
            self.clock.clone(),
        )?))
    }

    fn household(&self, kk: Kk) -> Result<Option<HouseholdRecord>, StoreError> {
        let Some((id, household, provenance, version)) = self.household_row(kk)? else {
            return Ok(None);
        };
        let members = self
            .members(id, kk)?
            .into_iter()
            .map(|(_, p, prov, v)| (p, prov, v))
            .collect();
        Ok(Some(HouseholdRecord {
            household,
            members,
            provenance,
            version,
        }))
    }

    fn history(&self, kk: Kk) -> Result<Vec<Change>, StoreError> {
        let k = kk.as_u64() as i64;
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, actor, reason, kind, import_id, source_row, kk, nik, field, old_value, new_value
             FROM changes
             WHERE kk = ?1 OR (kind = 'move' AND old_value = ?2)
             ORDER BY id",
        )?;
        let mut rows = stmt.query(params![k, kk.to_string()])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(change_from_row(row)?);
        }
        Ok(out)
    }

    fn access_log(&self, filter: &AccessFilter) -> Result<Vec<Access>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, actor, action, kk FROM access_log
             WHERE (?1 IS NULL OR kk = ?1) AND (?2 IS NULL OR actor = ?2)
               AND (?3 IS NULL OR action = ?3)
             ORDER BY id DESC LIMIT ?4",
        )?;
        let limit = match filter.limit {
            0 => -1,
            n => i64::try_from(n).unwrap_or(i64::MAX),
        };
        let kk = filter.kk.map(|k| k.as_u64() as i64);
        let mut rows = stmt.query(params![kk, filter.actor, filter.action, limit])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let kk: Option<i64> = row.get(4)?;
            out.push(Access {
                id: row.get(0)?,
                at: row.get(1)?,
                actor: row.get(2)?,
                action: row.get(3)?,
                kk: kk.and_then(|k| Kk::from_u64(k as u64).ok()),
            });
        }
        Ok(out)
    }

    fn findings_for(&self, kk: Kk) -> Result<Vec<StoredFinding>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT rule, kk, nik, detail, status, found_at FROM findings WHERE kk = ?1 ORDER BY id",
        )?;
        let mut rows = stmt.query([kk.as_u64() as i64])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let nik: i64 = row.get(2)?;
            out.push(StoredFinding {
                rule: row.get(0)?,
                kk,
                nik: if nik == 0 {
                    None
                } else {
                    Nik::from_u64(nik as u64).ok()
                },
                detail: row.get(3)?,
                status: row.get(4)?,
                found_at: row.get(5)?,
            });
        }
        Ok(out)
    }

    fn correct(&mut self, c: &Correction) -> Result<Change, StoreError> {
        if c.reason.trim().is_empty() {
            return Err(StoreError::ReasonRequired);
        }
        let tx = self.conn.unchecked_transaction()?;
        let (hid, household, _, _) = self
            .household_row(c.kk)?
            .ok_or(StoreError::HouseholdNotFound(c.kk))?;
        let at = self.now();
        let (field, old, new) = match c.nik {
            None => {
                let mut updated = household.clone();
                let f = set_field(HOUSEHOLD_FIELDS, &mut updated, &c.field, c.value.as_deref())?;
                if let Err((field, reason)) = check_household(&updated) {
                    return Err(StoreError::Field {
                        field: field.to_string(),
                        reason,
                    });
                }
                if f.name == "region" {
                    let ok = Regions::kemendagri_2025()
                        .get(updated.region)
                        .is_some_and(|r| r.level() == Level::Village);
                    if !ok {
                        return Err(StoreError::RegionNotCurrent(updated.region.to_string()));
                    }
                }
                let (old, new) = ((f.get)(&household), (f.get)(&updated));
                if old == new {
                    return Err(StoreError::Unchanged {
                        field: f.name.into(),
                        value: old.unwrap_or_default(),
                    });
                }
                update_household(&tx, hid, &updated)?;
                (f.name, old, new)
            }
            Some(nik) => {
                let (pid, person, _, _) = self
                    .members(hid, c.kk)?
                    .into_iter()
                    .find(|(_, p, _, _)| p.nik == nik)
                    .ok_or(StoreError::PersonNotFound { kk: c.kk, nik })?;
                let mut updated = person.clone();
                let f = set_field(PERSON_FIELDS, &mut updated, &c.field, c.value.as_deref())?;
                let today = (self.clock)().date_naive();
                if let Err((field, reason)) = check_person(&updated, today) {
                    return Err(StoreError::Field {
                        field: field.to_string(),
                        reason,
                    });
                }
                let (old, new) = ((f.get)(&person), (f.get)(&updated));
                if old == new {
                    return Err(StoreError::Unchanged {
                        field: f.name.into(),
                        value: old.unwrap_or_default(),
                    });
                }
                update_person(&tx, pid, hid, &updated)?;
                (f.name, old, new)
            }
        };
        insert_change(
            &tx,
            &at,
            &c.actor.0,
            c.reason.trim(),
            "correction",
            None,
            None,
            c.kk,
            c.nik,
            field,
            old.as_deref(),
            new.as_deref(),
        )?;
        tx.commit()?;
        Ok(Change {
            at,
            actor: c.actor.0.clone(),
            reason: c.reason.trim().to_string(),
            kind: "correction".into(),
            import_id: None,
            source_row: None,
            kk: c.kk,
            nik: c.nik,
            field: field.to_string(),
            old_value: old,
            new_value: new,
        })
    }

    fn scan(&self, visit: &mut Visit<'_>) -> Result<(), StoreError> {
        // Two ordered cursors merged: households by id, persons by (household_id, nik).
        let mut hs = self.conn.prepare(&format!(
            "SELECT id, {HOUSEHOLD_COLUMNS} FROM households ORDER BY id"
        ))?;
        let mut ps = self.conn.prepare(&format!(
            "SELECT household_id, {PERSON_COLUMNS} FROM persons ORDER BY household_id, nik"
        ))?;
        let mut hrows = hs.query([])?;
        let mut prows = ps.query([])?;
        let mut pending: Option<(i64, Person)> = None;
        let mut members: Vec<Person> = Vec::with_capacity(16);
        let kk0 = Kk::from_u64(0).expect("valid");
        while let Some(h) = hrows.next()? {
            let id: i64 = h.get(0)?;
            let household = household_from_row(h, 1)?;
            members.clear();
            loop {
                if let Some((hid, _)) = &pending {
                    if *hid < id {
                        return Err(StoreError::Corrupt(format!(
                            "person of missing household {hid}"
                        )));
                    }
                    if *hid > id {
                        break;
                    }
                    let (_, mut p) = pending.take().expect("checked");
                    p.kk = household.kk;
                    members.push(p);
                }
                match prows.next()? {
                    Some(r) => pending = Some((r.get(0)?, person_from_row(r, 1, kk0)?)),
                    None => break,
                }
            }
            visit(&household, &members)?;
        }
        Ok(())
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        let one = |sql: &str| -> Result<u64, StoreError> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
        };
        Ok(Counts {
            households: one("SELECT COUNT(*) FROM households")?,
            persons: one("SELECT COUNT(*) FROM persons")?,
            surveyed_households: one(
                "SELECT COUNT(*) FROM households WHERE consumption_per_capita IS NOT NULL",
            )?,
            imports: one("SELECT COUNT(*) FROM imports WHERE finished_at IS NOT NULL")?,
            changes: one("SELECT COUNT(*) FROM changes")?,
            findings: one("SELECT COUNT(*) FROM findings")?,
        })
    }

    fn record_access(&mut self, actor: &Actor, action: &str, kk: Kk) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO access_log (at, actor, action, kk) VALUES (?1, ?2, ?3, ?4)",
            params![self.now(), actor.0, action, kk.as_u64() as i64],
        )?;
        Ok(())
    }

    fn household_region(&self, kk: Kk) -> Result<Option<setara_core::RegionCode>, StoreError> {
        let region: Option<String> = self
            .conn
            .query_row(
                "SELECT region FROM households WHERE kk = ?1",
                [kk.as_u64() as i64],
                |r| r.get(0),
            )
            .optional()?;
        region
            .map(|r| {
                setara_core::RegionCode::parse(&r)
                    .map_err(|e| StoreError::Corrupt(format!("household {kk}: region {r}: {e}")))
            })
            .transpose()
    }

    fn read_pair(&mut self, id: i64, reader: &Reader<'_>) -> Result<Option<PairView>, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let Some(p) = self.pair(id)? else {
            return Ok(None);
        };
        if let Some(region) = reader.within {
            for side in [&p.a, &p.b] {
                if !self
                    .household_region(side.kk)?
                    .is_some_and(|r| r.is_within(region))
                {
                    return Ok(None);
                }
            }
        }
        for side in [&p.a, &p.b] {
            tx.execute(
                "INSERT INTO access_log (at, actor, action, kk) VALUES (?1, ?2, ?3, ?4)",
                params![
                    self.now(),
                    reader.actor.0,
                    reader.action,
                    side.kk.as_u64() as i64
                ],
            )?;
        }
        tx.commit()?;
        Ok(Some(p))
    }

    fn read_entitlement(
        &mut self,
        id: i64,
        reader: &Reader<'_>,
    ) -> Result<Option<(EntitlementView, Vec<EntitlementEvent>)>, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let Some((e, events)) = self.entitlement(id)? else {
            return Ok(None);
        };
        if let Some(region) = reader.within
            && !self
                .household_region(e.kk)?
                .is_some_and(|r| r.is_within(region))
        {
            return Ok(None);
        }
        tx.execute(
            "INSERT INTO access_log (at, actor, action, kk) VALUES (?1, ?2, ?3, ?4)",
            params![
                self.now(),
                reader.actor.0,
                reader.action,
                e.kk.as_u64() as i64
            ],
        )?;
        tx.commit()?;
        Ok(Some((e, events)))
    }

    fn read_household(
        &mut self,
        kk: Kk,
        reader: &Reader<'_>,
    ) -> Result<Option<HouseholdRecord>, StoreError> {
        // One transaction for the read and its record (the connection is borrowed, not moved,
        // so that the household is read with the store's own queries).
        let tx = self.conn.unchecked_transaction()?;
        let Some(rec) = self.household(kk)? else {
            return Ok(None);
        };
        if let Some(region) = reader.within
            && !rec.household.region.is_within(region)
        {
            return Ok(None);
        }
        tx.execute(
            "INSERT INTO access_log (at, actor, action, kk) VALUES (?1, ?2, ?3, ?4)",
            params![
                self.now(),
                reader.actor.0,
                reader.action,
                kk.as_u64() as i64
            ],
        )?;
        tx.commit()?;
        Ok(Some(rec))
    }

    fn record_verification(
        &mut self,
        run: &VerificationRun,
        findings: &[RuleFinding],
    ) -> Result<VerificationSummary, StoreError> {
        let at = self.now();
        let tx = self.conn.transaction()?;
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS current_findings (
                rule TEXT NOT NULL, kk INTEGER NOT NULL, nik INTEGER NOT NULL, severity TEXT NOT NULL,
                detail TEXT NOT NULL, PRIMARY KEY (rule, kk, nik));
             DELETE FROM current_findings;",
        )?;
        {
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO current_findings (rule, kk, nik, severity, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for f in findings {
                ins.execute(params![
                    f.rule,
                    f.kk.as_u64() as i64,
                    f.nik.map(|n| n.as_u64() as i64).unwrap_or(0),
                    f.severity,
                    f.detail
                ])?;
            }
        }
        // Findings resolved before and seen again are new again; counted before they change
        // (not by their time: two runs may share a timestamp, as under a fixed clock).
        let reopened: i64 = tx.query_row(
            "SELECT COUNT(*) FROM findings WHERE status = 'resolved'
               AND EXISTS (SELECT 1 FROM current_findings c
                           WHERE c.rule = findings.rule AND c.kk = findings.kk AND c.nik = findings.nik)",
            [],
            |r| r.get(0),
        )?;
        let open = tx.execute(
            "UPDATE findings SET
                 status = CASE WHEN status = 'resolved' THEN 'new' ELSE 'open' END,
                 last_seen_at = ?1, resolved_at = NULL,
                 severity = (SELECT c.severity FROM current_findings c
                             WHERE c.rule = findings.rule AND c.kk = findings.kk AND c.nik = findings.nik),
                 detail = (SELECT c.detail FROM current_findings c
                           WHERE c.rule = findings.rule AND c.kk = findings.kk AND c.nik = findings.nik)
             WHERE EXISTS (SELECT 1 FROM current_findings c
                           WHERE c.rule = findings.rule AND c.kk = findings.kk AND c.nik = findings.nik)",
            [&at],
        )? as u64;
        let new = tx.execute(
            "INSERT INTO findings (rule, kk, nik, detail, import_id, status, found_at, severity, last_seen_at)
             SELECT c.rule, c.kk, c.nik, c.detail, NULL, 'new', ?1, c.severity, ?1 FROM current_findings c
             WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.rule = c.rule AND f.kk = c.kk AND f.nik = c.nik)",
            [&at],
        )? as u64;
        let scope = run.scope.map(|r| r.to_string());
        let resolved = tx.execute(
            "UPDATE findings SET status = 'resolved', resolved_at = ?1
             WHERE status <> 'resolved'
               AND NOT EXISTS (SELECT 1 FROM current_findings c
                               WHERE c.rule = findings.rule AND c.kk = findings.kk AND c.nik = findings.nik)
               AND kk IN (SELECT kk FROM households
                          WHERE ?2 IS NULL OR region = ?2 OR region LIKE ?2 || '.%')",
            params![at, scope],
        )? as u64;
        let summary = VerificationSummary {
            run_id: 0,
            new: new + reopened as u64,
            open: open - reopened as u64,
            resolved,
        };
        tx.execute(
            "INSERT INTO verify_runs (at, actor, scope, snapshot, households, persons, new, open, resolved)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                at,
                run.actor.0,
                scope,
                run.snapshot,
                run.households as i64,
                run.persons as i64,
                summary.new as i64,
                summary.open as i64,
                summary.resolved as i64
            ],
        )?;
        let run_id = tx.last_insert_rowid();
        tx.execute_batch("DELETE FROM current_findings;")?;
        tx.commit()?;
        Ok(VerificationSummary { run_id, ..summary })
    }

    fn open_findings(&self) -> Result<Vec<(StoredFinding, String)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT f.rule, f.kk, f.nik, f.detail, f.status, f.found_at, COALESCE(h.region, '')
             FROM findings f LEFT JOIN households h ON h.kk = f.kk
             WHERE f.status <> 'resolved' ORDER BY h.region, f.kk, f.rule, f.nik",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let kk: i64 = r.get(1)?;
            let nik: i64 = r.get(2)?;
            out.push((
                StoredFinding {
                    rule: r.get(0)?,
                    kk: Kk::from_u64(kk as u64).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    nik: if nik == 0 {
                        None
                    } else {
                        Nik::from_u64(nik as u64).ok()
                    },
                    detail: r.get(3)?,
                    status: r.get(4)?,
                    found_at: r.get(5)?,
                },
                r.get(6)?,
            ));
        }
        Ok(out)
    }

    fn linkage_persons(
        &self,
        scope: Option<setara_core::RegionCode>,
    ) -> Result<Vec<LinkagePerson>, StoreError> {
        dedup::linkage_persons(&self.conn, scope)
    }

    fn record_ranking(&mut self, run: &RankingRun, rows: &[DesilRow]) -> Result<i64, StoreError> {
        let at = self.now();
        targeting::record_ranking(&mut self.conn, &at, run, rows)
    }

    fn rankings(&self) -> Result<Vec<RankingInfo>, StoreError> {
        targeting::rankings(&self.conn)
    }

    fn ranking_model(&self, id: i64) -> Result<Option<String>, StoreError> {
        targeting::ranking_model(&self.conn, id)
    }

    fn desil_history(&self, kk: Kk) -> Result<Vec<DesilHistory>, StoreError> {
        targeting::desil_history(&self.conn, kk)
    }

    fn save_programme(
        &mut self,
        programme: &setara_targeting::Programme,
        actor: &Actor,
        reason: &str,
        mode: SaveMode,
    ) -> Result<SavedProgramme, StoreError> {
        let at = self.now();
        targeting::save_programme(&mut self.conn, &at, programme, actor, reason, mode)
    }

    fn programme(&self, code: &str) -> Result<Option<StoredProgramme>, StoreError> {
        targeting::programme(&self.conn, code)
    }

    fn programmes(&self) -> Result<Vec<StoredProgramme>, StoreError> {
        targeting::programmes(&self.conn)
    }

    fn programme_history(&self, code: &str) -> Result<Vec<ProgrammeVersion>, StoreError> {
        targeting::programme_history(&self.conn, code)
    }

    fn freeze_selection(
        &mut self,
        selection: &NewSelection,
        members: &[SelectionMember],
    ) -> Result<i64, StoreError> {
        let at = self.now();
        targeting::freeze_selection(&mut self.conn, &at, selection, members)
    }

    fn selection(
        &self,
        programme: &str,
        cycle: u32,
    ) -> Result<Option<(SelectionInfo, Vec<SelectionMember>)>, StoreError> {
        targeting::selection(&self.conn, programme, cycle)
    }

    fn selections(&self, programme: &str) -> Result<Vec<SelectionInfo>, StoreError> {
        targeting::selections(&self.conn, programme)
    }

    fn live_entitlements(&self) -> Result<Vec<LiveEntitlement>, StoreError> {
        targeting::live_entitlements(&self.conn)
    }

    fn entitlements(&self, filter: &EntitlementFilter) -> Result<Vec<EntitlementView>, StoreError> {
        targeting::entitlements(&self.conn, filter)
    }

    fn entitlement(
        &self,
        id: i64,
    ) -> Result<Option<(EntitlementView, Vec<EntitlementEvent>)>, StoreError> {
        targeting::entitlement(&self.conn, id)
    }

    fn transition(
        &mut self,
        ids: &[i64],
        to: setara_targeting::entitlement::State,
        via: setara_targeting::entitlement::Via,
        actor: &Actor,
        reason: &str,
        ledger: Option<&[u64]>,
    ) -> Result<usize, StoreError> {
        let at = self.now();
        let moved = targeting::Moved {
            at: &at,
            actor,
            reason,
        };
        targeting::transition(&mut self.conn, ids, to, via, &moved, ledger)
    }

    fn set_nonces(&mut self, nonces: &[(i64, String)]) -> Result<(), StoreError> {
        targeting::set_nonces(&mut self.conn, nonces)
    }

    fn ledger_applied(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT entries FROM ledger_applied WHERE id = 1", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }

    fn set_ledger_applied(&mut self, entries: u64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE ledger_applied SET entries = ?1 WHERE id = 1",
            [entries as i64],
        )?;
        Ok(())
    }
    fn ledger_key(&self) -> Result<Option<String>, StoreError> {
        backup::ledger_key(&self.conn)
    }
    fn set_ledger_key(&mut self, vkey: &str) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE ledger_applied SET vkey = ?1 WHERE id = 1", [vkey])?;
        Ok(())
    }
    fn idempotency(&self, key: &str) -> Result<Option<Idempotency>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT key, operation, request_sha256, first_index, entries, entries_sha256, result
                 FROM idempotency WHERE key = ?1",
                [key],
                |r| {
                    Ok(Idempotency {
                        key: r.get(0)?,
                        operation: r.get(1)?,
                        request_sha256: r.get(2)?,
                        first_index: r.get::<_, i64>(3)? as u64,
                        entries: r.get::<_, i64>(4)? as u64,
                        entries_sha256: r.get(5)?,
                        result: r.get(6)?,
                    })
                },
            )
            .optional()?)
    }
    fn idempotency_begin(&mut self, record: &Idempotency) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO idempotency (key, operation, request_sha256, first_index, entries,
                                      entries_sha256, result, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7)
             ON CONFLICT (key) DO UPDATE SET first_index = excluded.first_index,
                 entries = excluded.entries, entries_sha256 = excluded.entries_sha256
             WHERE result IS NULL AND request_sha256 = excluded.request_sha256",
            rusqlite::params![
                record.key,
                record.operation,
                record.request_sha256,
                record.first_index as i64,
                record.entries as i64,
                record.entries_sha256,
                self.now()
            ],
        )?;
        Ok(())
    }
    fn idempotency_done(&mut self, key: &str, result: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE idempotency SET result = ?2, done_at = ?3 WHERE key = ?1 AND result IS NULL",
            rusqlite::params![key, result, self.now()],
        )?;
        Ok(())
    }
    fn backup_to(
        &self,
        dest: &Path,
        pinned: &mut dyn FnMut(),
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(), StoreError> {
        backup::backup_to(&self.conn, dest, pinned, progress)
    }

    fn record_dedup(
        &mut self,
        run: &DedupRun,
        pairs: &[ScoredPair],
    ) -> Result<DedupSummary, StoreError> {
        let at = self.now();
        dedup::record_dedup(&mut self.conn, &at, run, pairs)
    }

    fn pairs(&self, status: Option<&str>, limit: usize) -> Result<Vec<PairView>, StoreError> {
        dedup::pairs(&self.conn, status, limit)
    }

    fn pair(&self, id: i64) -> Result<Option<PairView>, StoreError> {
        dedup::pair(&self.conn, id)
    }

    fn decide(
        &mut self,
        id: i64,
        decision: Decision,
        reason: &str,
        actor: &Actor,
    ) -> Result<Option<i64>, StoreError> {
        let at = self.now();
        dedup::decide(&mut self.conn, &at, id, decision, reason, actor)
    }

    fn unmerge(&mut self, merge_id: i64, reason: &str, actor: &Actor) -> Result<(), StoreError> {
        let at = self.now();
        dedup::unmerge(&mut self.conn, &at, merge_id, reason, actor)
    }

    fn merges(&self) -> Result<Vec<MergeView>, StoreError> {
        dedup::merges(&self.conn)
    }

    fn last_change_at(&self) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row(
            "SELECT MAX(t) FROM (SELECT MAX(finished_at) AS t FROM imports UNION ALL SELECT MAX(at) FROM changes)",
            [],
            |r| r.get(0),
        )?)
    }

    fn imports(&self) -> Result<Vec<ImportInfo>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT i.id, i.started_at, i.finished_at, i.actor, i.mode, i.households_added, i.persons_added,
                    i.changes, i.findings, (SELECT group_concat(name, ', ') FROM source_files f WHERE f.import_id = i.id)
             FROM imports i ORDER BY i.id",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let files: Option<String> = r.get(9)?;
            out.push(ImportInfo {
                id: r.get(0)?,
                started_at: r.get(1)?,
                finished_at: r.get(2)?,
                actor: r.get(3)?,
                mode: r.get(4)?,
                files: files
                    .map(|f| f.split(", ").map(String::from).collect())
                    .unwrap_or_default(),
                households_added: r.get::<_, i64>(5)? as u64,
                persons_added: r.get::<_, i64>(6)? as u64,
                changes: r.get::<_, i64>(7)? as u64,
                findings: r.get::<_, i64>(8)? as u64,
            });
        }
        Ok(out)
    }

    fn content_digest(&self) -> Result<String, StoreError> {
        use rusqlite::types::ValueRef;
        let mut hasher = Sha256::new();
        let tables: Vec<String> = {
            let mut stmt = self.conn.prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        for t in tables {
            hasher.update(b"T");
            hasher.update(t.as_bytes());
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY rowid"))?;
            let n = stmt.column_count();
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                hasher.update(b"R");
                for i in 0..n {
                    match r.get_ref(i)? {
                        ValueRef::Null => hasher.update(b"n"),
                        ValueRef::Integer(v) => {
                            hasher.update(b"i");
                            hasher.update(v.to_le_bytes());
                        }
                        ValueRef::Real(v) => {
                            hasher.update(b"r");
                            hasher.update(v.to_le_bytes());
                        }
                        ValueRef::Text(s) | ValueRef::Blob(s) => {
                            hasher.update(b"s");
                            hasher.update((s.len() as u64).to_le_bytes());
                            hasher.update(s);
                        }
                    }
                }
            }
        }
        Ok(hex::encode(hasher.finalize()))
    }
}
