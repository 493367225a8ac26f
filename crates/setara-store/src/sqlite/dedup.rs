//! Scored pairs, the review queue, decisions and merges in SQLite.
//!
//! A merge never changes or removes a person record: it assigns records to one entity (table
//! `person_entities`) and remembers each record's entity before, so an unmerge restores it.

use rusqlite::{Connection, OptionalExtension, params};
use setara_core::{Kk, Nik, Sex};

use super::insert_change;
use crate::*;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

pub(crate) fn linkage_persons(
    conn: &Connection,
    scope: Option<setara_core::RegionCode>,
) -> Result<Vec<LinkagePerson>, StoreError> {
    let scope = scope.map(|r| r.to_string());
    let mut stmt = conn.prepare(
        "SELECT p.id, h.kk, p.nik, p.name, p.sex, p.birth_date, h.region, COALESCE(e.entity, p.id)
         FROM persons p JOIN households h ON h.id = p.household_id
         LEFT JOIN person_entities e ON e.person_id = p.id
         WHERE ?1 IS NULL OR h.region = ?1 OR h.region LIKE ?1 || '.%'
         ORDER BY p.id",
    )?;
    let mut rows = stmt.query([scope])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let sex: String = r.get(4)?;
        let birth: String = r.get(5)?;
        out.push(LinkagePerson {
            id: r.get(0)?,
            kk: Kk::from_u64(r.get::<_, i64>(1)? as u64).map_err(corrupt)?,
            nik: Nik::from_u64(r.get::<_, i64>(2)? as u64).map_err(corrupt)?,
            name: r.get(3)?,
            sex: Sex::parse(&sex).ok_or_else(|| corrupt(&sex))?,
            birth_date: chrono::NaiveDate::parse_from_str(&birth, "%Y-%m-%d").map_err(corrupt)?,
            region: r.get(6)?,
            entity: r.get(7)?,
        });
    }
    Ok(out)
}

pub(crate) fn record_dedup(
    conn: &mut Connection,
    at: &str,
    run: &DedupRun,
    pairs: &[ScoredPair],
) -> Result<DedupSummary, StoreError> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO dedup_runs (at, actor, scope, config, persons, pairs_compared, duplicates, review)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0)",
        params![at, run.actor.0, run.scope.map(|r| r.to_string()), run.config, run.persons as i64, run.pairs_compared as i64],
    )?;
    let run_id = tx.last_insert_rowid();
    let mut summary = DedupSummary {
        run_id,
        ..Default::default()
    };
    {
        let mut existing = tx.prepare_cached(
            "SELECT id, status FROM person_pairs WHERE person_a = ?1 AND person_b = ?2",
        )?;
        let mut update = tx.prepare_cached(
            "UPDATE person_pairs SET match_weight = ?2, match_probability = ?3, explanation = ?4, run_id = ?5,
                    last_seen_at = ?6, status = COALESCE(?7, status)
             WHERE id = ?1",
        )?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO person_pairs (person_a, person_b, match_weight, match_probability, explanation, status, run_id,
                                       first_seen_at, last_seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        )?;
        for p in pairs {
            let (a, b) = if p.a < p.b { (p.a, p.b) } else { (p.b, p.a) };
            let class = match p.class {
                PairClass::Duplicate => "duplicate",
                PairClass::Review => "review",
            };
            match existing
                .query_row(params![a, b], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .optional()?
            {
                Some((id, status)) => {
                    let decided = status == "same" || status == "different";
                    if decided {
                        summary.already_decided += 1;
                    }
                    let new_status = (!decided).then_some(class);
                    update.execute(params![
                        id,
                        p.match_weight,
                        p.match_probability,
                        p.explanation,
                        run_id,
                        at,
                        new_status
                    ])?;
                    if !decided {
                        count(&mut summary, p.class);
                    }
                }
                None => {
                    insert.execute(params![
                        a,
                        b,
                        p.match_weight,
                        p.match_probability,
                        p.explanation,
                        class,
                        run_id,
                        at
                    ])?;
                    count(&mut summary, p.class);
                }
            }
        }
    }
    tx.execute(
        "UPDATE dedup_runs SET duplicates = ?2, review = ?3 WHERE id = ?1",
        params![run_id, summary.duplicates as i64, summary.review as i64],
    )?;
    tx.commit()?;
    Ok(summary)
}

fn count(s: &mut DedupSummary, class: PairClass) {
    match class {
        PairClass::Duplicate => s.duplicates += 1,
        PairClass::Review => s.review += 1,
    }
}

const PAIR_SELECT: &str =
    "SELECT pp.id, pp.status, pp.match_weight, pp.match_probability, pp.explanation,
        pp.decided_by, pp.decided_at, pp.reason,
        pa.id, ha.kk, pa.nik, pa.name, pa.sex, pa.birth_date, ha.region, COALESCE(ea.entity, pa.id),
        pb.id, hb.kk, pb.nik, pb.name, pb.sex, pb.birth_date, hb.region, COALESCE(eb.entity, pb.id)
     FROM person_pairs pp
     JOIN persons pa ON pa.id = pp.person_a JOIN households ha ON ha.id = pa.household_id
     LEFT JOIN person_entities ea ON ea.person_id = pa.id
     JOIN persons pb ON pb.id = pp.person_b JOIN households hb ON hb.id = pb.household_id
     LEFT JOIN person_entities eb ON eb.person_id = pb.id";

fn side(r: &rusqlite::Row, at: usize) -> Result<PairSide, StoreError> {
    let sex: String = r.get(at + 4)?;
    Ok(PairSide {
        person_id: r.get(at)?,
        kk: Kk::from_u64(r.get::<_, i64>(at + 1)? as u64).map_err(corrupt)?,
        nik: Nik::from_u64(r.get::<_, i64>(at + 2)? as u64).map_err(corrupt)?,
        name: r.get(at + 3)?,
        sex: Sex::parse(&sex).ok_or_else(|| corrupt(&sex))?,
        birth_date: r.get(at + 5)?,
        region: r.get(at + 6)?,
        entity: r.get(at + 7)?,
    })
}

fn pair_from_row(r: &rusqlite::Row) -> Result<PairView, StoreError> {
    let explanation: String = r.get(4)?;
    Ok(PairView {
        id: r.get(0)?,
        status: r.get(1)?,
        match_weight: r.get(2)?,
        match_probability: r.get(3)?,
        explanation: serde_json::from_str(&explanation)
            .unwrap_or(serde_json::Value::String(explanation)),
        decided_by: r.get(5)?,
        decided_at: r.get(6)?,
        reason: r.get(7)?,
        a: side(r, 8)?,
        b: side(r, 16)?,
    })
}

pub(crate) fn pairs(
    conn: &Connection,
    status: Option<&str>,
    limit: usize,
) -> Result<Vec<PairView>, StoreError> {
    let sql = format!(
        "{PAIR_SELECT} WHERE ?1 IS NULL OR pp.status = ?1 ORDER BY pp.match_weight DESC, pp.id LIMIT ?2"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params![status, limit as i64])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(pair_from_row(r)?);
    }
    Ok(out)
}

pub(crate) fn pair(conn: &Connection, id: i64) -> Result<Option<PairView>, StoreError> {
    let sql = format!("{PAIR_SELECT} WHERE pp.id = ?1");
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(r) => Ok(Some(pair_from_row(r)?)),
        None => Ok(None),
    }
}

fn entity_of(conn: &Connection, person: i64) -> Result<i64, StoreError> {
    Ok(conn
        .query_row(
            "SELECT entity FROM person_entities WHERE person_id = ?1",
            [person],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(person))
}

/// Record ids of an entity.
fn members(conn: &Connection, entity: i64) -> Result<Vec<i64>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT person_id FROM person_entities WHERE entity = ?1")?;
    let mut ids: Vec<i64> = stmt
        .query_map([entity], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if !ids.contains(&entity) {
        // An entity's own record is a member even without a row.
        ids.push(entity);
    }
    ids.sort_unstable();
    Ok(ids)
}

fn kk_nik(conn: &Connection, person: i64) -> Result<(Kk, Nik), StoreError> {
    let (kk, nik): (i64, i64) = conn.query_row(
        "SELECT h.kk, p.nik FROM persons p JOIN households h ON h.id = p.household_id WHERE p.id = ?1",
        [person],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((
        Kk::from_u64(kk as u64).map_err(corrupt)?,
        Nik::from_u64(nik as u64).map_err(corrupt)?,
    ))
}

pub(crate) fn decide(
    conn: &mut Connection,
    at: &str,
    id: i64,
    decision: Decision,
    reason: &str,
    actor: &Actor,
) -> Result<Option<i64>, StoreError> {
    if reason.trim().is_empty() {
        return Err(StoreError::ReasonRequired);
    }
    let tx = conn.transaction()?;
    let (status, a, b): (String, i64, i64) = tx
        .query_row(
            "SELECT status, person_a, person_b FROM person_pairs WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or(StoreError::PairNotFound(id))?;
    if status == "same" || status == "different" {
        return Err(StoreError::PairDecided { id, status });
    }
    let new_status = match decision {
        Decision::Same => "same",
        Decision::Different => "different",
    };
    tx.execute(
        "UPDATE person_pairs SET status = ?2, decided_by = ?3, decided_at = ?4, reason = ?5 WHERE id = ?1",
        params![id, new_status, actor.0, at, reason.trim()],
    )?;
    let mut merge_id = None;
    if decision == Decision::Same {
        let (ea, eb) = (entity_of(&tx, a)?, entity_of(&tx, b)?);
        if ea != eb {
            let (keep, gone) = (ea.min(eb), ea.max(eb));
            tx.execute(
                "INSERT INTO merges (at, actor, reason, pair_id, entity) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![at, actor.0, reason.trim(), id, keep],
            )?;
            let m = tx.last_insert_rowid();
            for person in members(&tx, gone)? {
                tx.execute("INSERT INTO merge_members (merge_id, person_id, entity_before) VALUES (?1, ?2, ?3)", params![m, person, gone])?;
                tx.execute(
                    "INSERT INTO person_entities (person_id, entity) VALUES (?1, ?2)
                     ON CONFLICT (person_id) DO UPDATE SET entity = excluded.entity",
                    params![person, keep],
                )?;
                let (kk, nik) = kk_nik(&tx, person)?;
                insert_change(
                    &tx,
                    at,
                    &actor.0,
                    reason.trim(),
                    "merge",
                    None,
                    None,
                    kk,
                    Some(nik),
                    "entity",
                    Some(&gone.to_string()),
                    Some(&keep.to_string()),
                )?;
            }
            // The kept entity's own record needs a row too, so that its entity is explicit.
            tx.execute(
                "INSERT OR IGNORE INTO person_entities (person_id, entity) VALUES (?1, ?1)",
                [keep],
            )?;
            merge_id = Some(m);
        }
    }
    tx.commit()?;
    Ok(merge_id)
}

pub(crate) fn unmerge(
    conn: &mut Connection,
    at: &str,
    merge_id: i64,
    reason: &str,
    actor: &Actor,
) -> Result<(), StoreError> {
    if reason.trim().is_empty() {
        return Err(StoreError::ReasonRequired);
    }
    let tx = conn.transaction()?;
    let (entity, undone, pair): (i64, Option<String>, Option<i64>) = tx
        .query_row(
            "SELECT entity, undone_at, pair_id FROM merges WHERE id = ?1",
            [merge_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or(StoreError::MergeNotFound(merge_id))?;
    if undone.is_some() {
        return Err(StoreError::MergeUndone(merge_id));
    }
    let members: Vec<(i64, i64)> = {
        let mut stmt =
            tx.prepare("SELECT person_id, entity_before FROM merge_members WHERE merge_id = ?1")?;
        stmt.query_map([merge_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    // A later merge that is still in force and moved any of the same records (or their entity)
    // must be undone first, or the records would land in the wrong entity.
    let later: Option<i64> = tx
        .query_row(
            "SELECT m.id FROM merges m JOIN merge_members mm ON mm.merge_id = m.id
             WHERE m.id > ?1 AND m.undone_at IS NULL
               AND (mm.person_id IN (SELECT person_id FROM merge_members WHERE merge_id = ?1)
                    OR mm.entity_before = ?2 OR m.entity IN (SELECT person_id FROM merge_members WHERE merge_id = ?1))
             ORDER BY m.id DESC LIMIT 1",
            params![merge_id, entity],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(later) = later {
        return Err(StoreError::MergeOverlaps {
            merge: merge_id,
            later,
        });
    }
    for (person, before) in members {
        tx.execute(
            "UPDATE person_entities SET entity = ?2 WHERE person_id = ?1",
            params![person, before],
        )?;
        let (kk, nik) = kk_nik(&tx, person)?;
        insert_change(
            &tx,
            at,
            &actor.0,
            reason.trim(),
            "unmerge",
            None,
            None,
            kk,
            Some(nik),
            "entity",
            Some(&entity.to_string()),
            Some(&before.to_string()),
        )?;
    }
    tx.execute(
        "UPDATE merges SET undone_at = ?2, undone_by = ?3, undo_reason = ?4 WHERE id = ?1",
        params![merge_id, at, actor.0, reason.trim()],
    )?;
    if let Some(pair) = pair {
        tx.execute(
            "UPDATE person_pairs SET status = 'review', decided_by = NULL, decided_at = NULL, reason = ?2 WHERE id = ?1",
            params![pair, format!("merge {merge_id} undone: {}", reason.trim())],
        )?;
    }
    tx.commit()?;
    Ok(())
}

pub(crate) fn merges(conn: &Connection) -> Result<Vec<MergeView>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, reason, pair_id, entity, undone_at, undone_by, undo_reason FROM merges ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let persons: Vec<i64> = {
            let mut s = conn.prepare_cached(
                "SELECT person_id FROM merge_members WHERE merge_id = ?1 ORDER BY person_id",
            )?;
            s.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?
        };
        out.push(MergeView {
            id,
            at: r.get(1)?,
            actor: r.get(2)?,
            reason: r.get(3)?,
            pair_id: r.get(4)?,
            entity: r.get(5)?,
            persons,
            undone_at: r.get(6)?,
            undone_by: r.get(7)?,
            undo_reason: r.get(8)?,
        });
    }
    Ok(out)
}
