//! An import as one SQLite transaction.
//!
//! Identity: a household is its KK; a person is (KK, NIK). On a re-import an existing row is
//! compared field by field and each difference recorded as a change; an absent row is left
//! alone. A NIK that appears under a new KK while its old KK is re-listed in the same import
//! without it has moved (pecah KK): the person row is moved and the move recorded. A NIK that is
//! in several households at the end is recorded as a finding.

use hashbrown::{HashMap, HashSet};
use rusqlite::{CachedStatement, Connection, params};
use setara_core::{Household, Kk, Nik, Person};
use setara_registry::fields::{HOUSEHOLD_FIELDS, PERSON_FIELDS};
use setara_registry::{Finding, FindingKind};

use super::rows::*;
use super::{diff, insert_change, update_household, update_person};
use crate::*;

/// Where a household of this import stands.
#[derive(Clone, Copy)]
enum Known {
    /// Row id; the row of this import's households file that listed it (0 = not listed);
    /// whether it was in the store before this import.
    Household {
        id: i64,
        row: u64,
        existed: bool,
    },
    Rejected {
        row: u64,
    },
}

struct MoveCandidate {
    nik: Nik,
    new_person: i64,
    new_household: i64,
    new_kk: Kk,
    row: u64,
}

pub(crate) struct SqliteImport<'c> {
    conn: &'c Connection,
    clock: StoreClock,
    import_id: i64,
    at: String,
    actor: String,
    reason: String,
    /// The store had no households when the import began: nothing to compare with.
    first_load: bool,
    /// The import runs with a rollback journal; WAL is restored when it ends.
    journal_switched: bool,
    finished: bool,
    households: HashMap<u64, Known>,
    /// (KK, NIK) → row in the persons file.
    persons_seen: HashMap<(u64, u64), u64>,
    /// KKs whose member list this import re-lists.
    households_listed: HashSet<u64>,
    moves: Vec<MoveCandidate>,
    summary: ImportSummary,
}

impl<'c> SqliteImport<'c> {
    pub(crate) fn begin(
        conn: &'c Connection,
        meta: ImportMeta,
        clock: StoreClock,
    ) -> Result<Self, StoreError> {
        // Loading into an empty store: a rollback journal writes each page once, where WAL
        // would write it to the log and again at the checkpoint. Pages appended to the file are
        // not journaled, and a crash still rolls back to the empty store. Switched back to WAL
        // at the end; if another connection holds the file, the switch is refused and the
        // import simply runs in WAL mode.
        let empty: i64 =
            conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM households)", [], |r| {
                r.get(0)
            })?;
        let journal_switched = empty == 1
            && conn
                .query_row("PRAGMA journal_mode = DELETE", [], |r| {
                    r.get::<_, String>(0)
                })
                .is_ok_and(|m| m.eq_ignore_ascii_case("delete"));
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            if journal_switched {
                let _ = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0));
            }
            return Err(e.into());
        }
        let at = super::stamp(clock());
        let result = (|| {
            conn.execute(
                "INSERT INTO imports (started_at, actor, mode) VALUES (?1, ?2, ?3)",
                params![at, meta.actor.0, meta.mode],
            )?;
            let import_id = conn.last_insert_rowid();
            let any: i64 =
                conn.query_row("SELECT EXISTS (SELECT 1 FROM households)", [], |r| r.get(0))?;
            Ok::<_, StoreError>((import_id, any == 0))
        })();
        let (import_id, first_load) = match result {
            Ok(v) => v,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                if journal_switched {
                    let _ =
                        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0));
                }
                return Err(e);
            }
        };
        Ok(SqliteImport {
            conn,
            clock,
            journal_switched,
            import_id,
            reason: format!("import {import_id}"),
            at,
            actor: meta.actor.0,
            first_load,
            finished: false,
            households: HashMap::new(),
            persons_seen: HashMap::new(),
            households_listed: HashSet::new(),
            moves: Vec::new(),
            summary: ImportSummary {
                import_id,
                ..Default::default()
            },
        })
    }

    fn stmt(&self, sql: &str) -> Result<CachedStatement<'c>, StoreError> {
        Ok(self.conn.prepare_cached(sql)?)
    }

    /// Record one change made by this import: `(field, old, new)`.
    fn record(
        &mut self,
        kind: &str,
        row: u64,
        kk: Kk,
        nik: Option<Nik>,
        (field, old, new): (&str, Option<&str>, Option<&str>),
    ) -> Result<(), StoreError> {
        insert_change(
            self.conn,
            &self.at,
            &self.actor,
            &self.reason,
            kind,
            Some(self.import_id),
            Some(row),
            kk,
            nik,
            field,
            old,
            new,
        )?;
        self.summary.changes += 1;
        Ok(())
    }

    fn lookup_household(&mut self, kk: Kk) -> Result<Option<Known>, StoreError> {
        if let Some(k) = self.households.get(&kk.as_u64()) {
            return Ok(Some(*k));
        }
        if self.first_load {
            return Ok(None);
        }
        let mut stmt = self.stmt("SELECT id FROM households WHERE kk = ?1")?;
        let mut rows = stmt.query([kk.as_u64() as i64])?;
        let Some(r) = rows.next()? else {
            return Ok(None);
        };
        let k = Known::Household {
            id: r.get(0)?,
            row: 0,
            existed: true,
        };
        drop(rows);
        drop(stmt);
        self.households.insert(kk.as_u64(), k);
        Ok(Some(k))
    }

    fn insert_person(
        &self,
        household: i64,
        file: i64,
        row: u64,
        p: &Person,
    ) -> Result<i64, StoreError> {
        let mut stmt = self.stmt(&INSERT_PERSON)?;
        stmt.raw_bind_parameter(1, household)?;
        bind_person(&mut stmt, 2, p)?;
        stmt.raw_bind_parameter(PERSON_COLUMN_COUNT + 2, file)?;
        stmt.raw_bind_parameter(PERSON_COLUMN_COUNT + 3, row as i64)?;
        stmt.raw_execute()?;
        Ok(self.conn.last_insert_rowid())
    }

    fn update_person(&self, id: i64, household: i64, p: &Person) -> Result<(), StoreError> {
        update_person(self.conn, id, household, p)
    }

    /// Resolve tentative rows of NIKs that were already in another household.
    fn resolve_moves(&mut self) -> Result<(), StoreError> {
        let moves = std::mem::take(&mut self.moves);
        for m in moves {
            // Other rows of this NIK that existed before this import.
            let others: Vec<(i64, i64, i64)> = {
                // (person id, household id, KK)
                let mut stmt = self.stmt(
                    "SELECT p.id, p.household_id, h.kk FROM persons p JOIN households h ON h.id = p.household_id
                     WHERE p.nik = ?1 AND p.id <> ?2 AND p.household_id <> ?3 ORDER BY p.id",
                )?;
                stmt.query_map(
                    params![m.nik.as_u64() as i64, m.new_person, m.new_household],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?
                .collect::<Result<_, _>>()?
            };
            // Moved from a household that this import re-lists without the person.
            let from = others.into_iter().find(|(_, _, kk)| {
                let kk = *kk as u64;
                self.households_listed.contains(&kk)
                    && !self.persons_seen.contains_key(&(kk, m.nik.as_u64()))
            });
            let Some((old_person, _old_household, old_kk)) = from else {
                continue;
            };
            let old_kk =
                Kk::from_u64(old_kk as u64).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            // Keep the old row (its provenance and identity), give it the new household and values.
            let (old_values, new_values) = {
                let sql = format!("SELECT {PERSON_COLUMNS} FROM persons WHERE id = ?1");
                let mut stmt = self.stmt(&sql)?;
                let old = stmt.query_row([old_person], |r| Ok(person_from_row(r, 0, old_kk)))??;
                let new =
                    stmt.query_row([m.new_person], |r| Ok(person_from_row(r, 0, m.new_kk)))??;
                (old, new)
            };
            self.conn
                .execute("DELETE FROM persons WHERE id = ?1", [m.new_person])?;
            self.update_person(old_person, m.new_household, &new_values)?;
            self.record(
                "move",
                m.row,
                m.new_kk,
                Some(m.nik),
                (
                    "household",
                    Some(&old_kk.to_string()),
                    Some(&m.new_kk.to_string()),
                ),
            )?;
            let mut old_as_new = old_values.clone();
            old_as_new.kk = m.new_kk;
            for (field, a, b) in diff(PERSON_FIELDS, &old_as_new, &new_values) {
                self.record(
                    "move",
                    m.row,
                    m.new_kk,
                    Some(m.nik),
                    (field, a.as_deref(), b.as_deref()),
                )?;
            }
            self.summary.persons_moved += 1;
            self.summary.persons_added -= 1;
        }
        Ok(())
    }

    fn record_shared_niks(&mut self) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO findings (rule, kk, nik, detail, import_id, status, found_at)
             SELECT ?1, h.kk, p.nik,
                    (SELECT group_concat(printf('%016d', h2.kk), ' ')
                       FROM persons p2 JOIN households h2 ON h2.id = p2.household_id
                      WHERE p2.nik = p.nik AND p2.id <> p.id),
                    ?2, 'new', ?3
             FROM persons p JOIN households h ON h.id = p.household_id
             WHERE p.nik IN (SELECT nik FROM persons GROUP BY nik HAVING COUNT(*) > 1)",
            params![
                FindingKind::NikInOtherHousehold.code(),
                self.import_id,
                self.at
            ],
        )?;
        self.summary.findings += n as u64;
        Ok(())
    }
}

impl ImportSession for SqliteImport<'_> {
    fn add_source(&mut self, role: &str, name: &str) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO source_files (import_id, role, name, sha256, bytes) VALUES (?1, ?2, ?3, '', 0)",
            params![self.import_id, role, name],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn source_read(&mut self, file: i64, sha256: &str, bytes: u64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE source_files SET sha256 = ?1, bytes = ?2 WHERE id = ?3 AND import_id = ?4",
            params![sha256, bytes as i64, file, self.import_id],
        )?;
        Ok(())
    }

    fn household(
        &mut self,
        file: i64,
        row: u64,
        h: &Household,
    ) -> Result<HouseholdOutcome, StoreError> {
        let key = h.kk.as_u64();
        match self.households.get(&key) {
            Some(Known::Household { row: first_row, .. } | Known::Rejected { row: first_row })
                if *first_row > 0 =>
            {
                return Ok(HouseholdOutcome::Duplicate {
                    first_row: *first_row,
                });
            }
            _ => {}
        }
        let existing = if self.first_load {
            None
        } else {
            let mut stmt = self.stmt(&SELECT_HOUSEHOLD_BY_KK)?;
            let mut rows = stmt.query([key as i64])?;
            match rows.next()? {
                Some(r) => Some((r.get::<_, i64>(0)?, household_from_row(r, 1)?)),
                None => None,
            }
        };
        match existing {
            None => {
                let mut stmt = self.stmt(&INSERT_HOUSEHOLD)?;
                bind_household(&mut stmt, 1, h)?;
                stmt.raw_bind_parameter(HOUSEHOLD_COLUMN_COUNT + 1, file)?;
                stmt.raw_bind_parameter(HOUSEHOLD_COLUMN_COUNT + 2, row as i64)?;
                stmt.raw_execute()?;
                let id = self.conn.last_insert_rowid();
                self.households.insert(
                    key,
                    Known::Household {
                        id,
                        row,
                        existed: false,
                    },
                );
                self.summary.households_added += 1;
                Ok(HouseholdOutcome::Added)
            }
            Some((id, old)) => {
                self.households.insert(
                    key,
                    Known::Household {
                        id,
                        row,
                        existed: true,
                    },
                );
                let changes = diff(HOUSEHOLD_FIELDS, &old, h);
                if changes.is_empty() {
                    self.summary.households_unchanged += 1;
                    return Ok(HouseholdOutcome::Unchanged);
                }
                update_household(self.conn, id, h)?;
                let n = changes.len();
                for (field, a, b) in changes {
                    self.record(
                        "reimport",
                        row,
                        h.kk,
                        None,
                        (field, a.as_deref(), b.as_deref()),
                    )?;
                }
                self.summary.households_changed += 1;
                Ok(HouseholdOutcome::Changed(n))
            }
        }
    }

    fn household_rejected(&mut self, kk: Kk, row: u64) {
        self.households
            .entry(kk.as_u64())
            .or_insert(Known::Rejected { row });
    }

    fn person_rejected(&mut self, kk: Kk, nik: Nik, row: u64) {
        self.persons_seen
            .entry((kk.as_u64(), nik.as_u64()))
            .or_insert(row);
    }

    fn person(&mut self, file: i64, row: u64, p: &Person) -> Result<PersonOutcome, StoreError> {
        let nik = p.nik.as_u64();
        let kk = p.kk.as_u64();
        if let Some(first_row) = self.persons_seen.get(&(kk, nik)) {
            return Ok(PersonOutcome::Duplicate {
                first_row: *first_row,
            });
        }
        let (household, existed) = match self.lookup_household(p.kk)? {
            None => return Ok(PersonOutcome::HouseholdAbsent),
            Some(Known::Rejected { .. }) => return Ok(PersonOutcome::HouseholdRejected),
            Some(Known::Household { id, existed, .. }) => (id, existed),
        };
        match self.persons_seen.entry((kk, nik)) {
            hashbrown::hash_map::Entry::Occupied(e) => {
                return Ok(PersonOutcome::Duplicate {
                    first_row: *e.get(),
                });
            }
            hashbrown::hash_map::Entry::Vacant(e) => {
                e.insert(row);
            }
        }
        self.households_listed.insert(kk);
        if self.first_load {
            self.insert_person(household, file, row, p)?;
            self.summary.persons_added += 1;
            return Ok(PersonOutcome::Added);
        }
        let existing = {
            let mut stmt = self.stmt(&SELECT_MEMBER)?;
            let mut rows = stmt.query(params![household, nik as i64])?;
            match rows.next()? {
                Some(r) => Some((r.get::<_, i64>(0)?, person_from_row(r, 1, p.kk)?)),
                None => None,
            }
        };
        match existing {
            Some((id, old)) => {
                let changes = diff(PERSON_FIELDS, &old, p);
                if changes.is_empty() {
                    self.summary.persons_unchanged += 1;
                    return Ok(PersonOutcome::Unchanged);
                }
                self.update_person(id, household, p)?;
                let n = changes.len();
                for (field, a, b) in changes {
                    self.record(
                        "reimport",
                        row,
                        p.kk,
                        Some(p.nik),
                        (field, a.as_deref(), b.as_deref()),
                    )?;
                }
                self.summary.persons_changed += 1;
                Ok(PersonOutcome::Changed(n))
            }
            None => {
                let id = self.insert_person(household, file, row, p)?;
                self.summary.persons_added += 1;
                // An existing household gains a member: that is a change of the household.
                if existed {
                    self.record(
                        "member_added",
                        row,
                        p.kk,
                        Some(p.nik),
                        ("member", None, Some(&p.nik.to_string())),
                    )?;
                }
                let elsewhere: i64 = self
                    .stmt("SELECT EXISTS (SELECT 1 FROM persons WHERE nik = ?1 AND id <> ?2)")?
                    .query_row(params![nik as i64, id], |r| r.get(0))?;
                if elsewhere != 0 {
                    self.moves.push(MoveCandidate {
                        nik: p.nik,
                        new_person: id,
                        new_household: household,
                        new_kk: p.kk,
                        row,
                    });
                }
                Ok(PersonOutcome::Added)
            }
        }
    }

    fn findings(&mut self, findings: &[Finding]) -> Result<(), StoreError> {
        let mut stmt = self.stmt(
            "INSERT OR IGNORE INTO findings (rule, kk, nik, detail, import_id, status, found_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'new', ?6)",
        )?;
        let mut n = 0;
        for f in findings {
            n += stmt.execute(params![
                f.kind.code(),
                f.kk.as_u64() as i64,
                f.nik.map(|n| n.as_u64() as i64).unwrap_or(0),
                f.detail,
                self.import_id,
                self.at
            ])?;
        }
        drop(stmt);
        self.summary.findings += n as u64;
        Ok(())
    }

    fn finalize(&mut self) -> Result<(), StoreError> {
        self.resolve_moves()?;
        self.record_shared_niks()?;
        let s = &self.summary;
        self.conn.execute(
            "UPDATE imports SET finished_at = ?1, households_added = ?2, households_changed = ?3,
                    persons_added = ?4, persons_changed = ?5, persons_moved = ?6, changes = ?7, findings = ?8
             WHERE id = ?9",
            params![
                super::stamp((self.clock)()),
                s.households_added as i64,
                s.households_changed as i64,
                s.persons_added as i64,
                s.persons_changed as i64,
                s.persons_moved as i64,
                s.changes as i64,
                s.findings as i64,
                self.import_id
            ],
        )?;
        Ok(())
    }

    fn commit(mut self: Box<Self>) -> Result<ImportSummary, StoreError> {
        self.finished = true;
        let result = self.conn.execute_batch("COMMIT");
        if result.is_err() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        self.restore_wal();
        result?;
        let mut s = self.summary.clone();
        s.committed = true;
        Ok(s)
    }

    fn rollback(mut self: Box<Self>) -> Result<ImportSummary, StoreError> {
        self.finished = true;
        let result = self.conn.execute_batch("ROLLBACK");
        self.restore_wal();
        result?;
        let mut s = self.summary.clone();
        s.committed = false;
        Ok(s)
    }
}

impl SqliteImport<'_> {
    fn restore_wal(&mut self) {
        if std::mem::take(&mut self.journal_switched) {
            let _ = self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0));
        }
    }
}

impl Drop for SqliteImport<'_> {
    fn drop(&mut self) {
        if !self.finished {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        self.restore_wal();
    }
}
