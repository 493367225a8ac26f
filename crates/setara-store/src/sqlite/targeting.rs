//! Ranking runs and desil history, programmes with versions, frozen selections and the
//! entitlements they propose, in SQLite.

use rusqlite::{Connection, OptionalExtension, Row, params};
use setara_core::Kk;
use setara_targeting::Programme;

use crate::*;

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn kk(v: i64) -> Result<Kk, StoreError> {
    Kk::from_u64(v as u64).map_err(corrupt)
}

pub(crate) fn record_ranking(
    conn: &mut Connection,
    at: &str,
    run: &RankingRun,
    rows: &[DesilRow],
) -> Result<i64, StoreError> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO ranking_runs (at, actor, snapshot, model, households, surveyed, r2,
             r2_out_of_sample, rmse_out_of_sample, file)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            at,
            run.actor.0,
            run.snapshot,
            run.model_json,
            run.households as i64,
            run.surveyed as i64,
            run.r2,
            run.r2_out_of_sample,
            run.rmse_out_of_sample,
            run.file
        ],
    )?;
    let id = tx.last_insert_rowid();
    {
        let mut stmt = tx.prepare(
            "INSERT INTO household_desil (kk, run_id, score, rank, desil, desil_province, desil_regency)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for r in rows {
            stmt.execute(params![
                r.kk.as_u64() as i64,
                id,
                r.score,
                r.rank,
                r.desil,
                r.desil_province,
                r.desil_regency
            ])?;
        }
    }
    tx.commit()?;
    Ok(id)
}

fn ranking_info(r: &Row<'_>) -> rusqlite::Result<RankingInfo> {
    Ok(RankingInfo {
        id: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        snapshot: r.get(3)?,
        households: r.get::<_, i64>(4)? as u64,
        surveyed: r.get::<_, i64>(5)? as u64,
        r2: r.get(6)?,
        r2_out_of_sample: r.get(7)?,
        rmse_out_of_sample: r.get(8)?,
        file: r.get(9)?,
    })
}

pub(crate) fn rankings(conn: &Connection) -> Result<Vec<RankingInfo>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, snapshot, households, surveyed, r2, r2_out_of_sample,
                rmse_out_of_sample, file
         FROM ranking_runs ORDER BY id DESC",
    )?;
    let rows = stmt.query_map([], ranking_info)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn ranking_model(conn: &Connection, id: i64) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT model FROM ranking_runs WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?)
}

pub(crate) fn desil_history(conn: &Connection, of: Kk) -> Result<Vec<DesilHistory>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT d.run_id, r.at, r.snapshot, d.score, d.rank, d.desil, d.desil_province, d.desil_regency
         FROM household_desil d JOIN ranking_runs r ON r.id = d.run_id
         WHERE d.kk = ?1 ORDER BY d.run_id",
    )?;
    let mut rows = stmt.query([of.as_u64() as i64])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(DesilHistory {
            run_id: r.get(0)?,
            at: r.get(1)?,
            snapshot: r.get(2)?,
            row: DesilRow {
                kk: of,
                score: r.get(3)?,
                rank: r.get(4)?,
                desil: r.get(5)?,
                desil_province: r.get(6)?,
                desil_regency: r.get(7)?,
            },
        });
    }
    Ok(out)
}

/// The organisation's id, registering it or updating its name; its type may not change.
fn organisation(
    tx: &Connection,
    code: &str,
    name: &str,
    org_type: setara_targeting::OrgType,
) -> Result<i64, StoreError> {
    let found: Option<(i64, String, String)> = tx
        .query_row(
            "SELECT id, name, type FROM organisations WHERE code = ?1",
            [code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match found {
        Some((id, _, stored)) if stored != org_type.code() => {
            let _ = id;
            Err(StoreError::OrganisationConflict {
                code: code.to_string(),
                stored,
                given: org_type.code().to_string(),
            })
        }
        Some((id, stored_name, _)) => {
            if stored_name != name {
                tx.execute(
                    "UPDATE organisations SET name = ?1 WHERE id = ?2",
                    params![name, id],
                )?;
            }
            Ok(id)
        }
        None => {
            tx.execute(
                "INSERT INTO organisations (code, name, type) VALUES (?1, ?2, ?3)",
                params![code, name, org_type.code()],
            )?;
            Ok(tx.last_insert_rowid())
        }
    }
}

fn parse_definition(text: &str) -> Result<Programme, StoreError> {
    Programme::from_toml(text).map_err(corrupt)
}

pub(crate) fn save_programme(
    conn: &mut Connection,
    at: &str,
    p: &Programme,
    actor: &Actor,
    reason: &str,
    mode: SaveMode,
) -> Result<SavedProgramme, StoreError> {
    let tx = conn.transaction()?;
    let existing: Option<(i64, i64, String)> = tx
        .query_row(
            "SELECT id, version, definition FROM programmes WHERE code = ?1",
            [&p.code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let definition = p.to_toml();
    let owner = organisation(&tx, &p.owner.code, &p.owner.name, p.owner.org_type)?;
    let (id, version, created, changes) = match (existing, mode) {
        (Some(_), SaveMode::Create) => return Err(StoreError::ProgrammeExists(p.code.clone())),
        (None, SaveMode::Update) => return Err(StoreError::ProgrammeNotFound(p.code.clone())),
        (Some((id, version, old)), _) => {
            let old = parse_definition(&old)?;
            let changes = old.diff(p);
            if changes.is_empty() {
                return Err(StoreError::ProgrammeUnchanged(p.code.clone()));
            }
            let version = version + 1;
            tx.execute(
                "UPDATE programmes SET owner_id = ?1, version = ?2, definition = ?3, updated_at = ?4
                 WHERE id = ?5",
                params![owner, version, definition, at, id],
            )?;
            (id, version, false, changes)
        }
        (None, _) => {
            tx.execute(
                "INSERT INTO programmes (code, owner_id, version, definition, created_at, updated_at)
                 VALUES (?1, ?2, 1, ?3, ?4, ?4)",
                params![p.code, owner, definition, at],
            )?;
            (tx.last_insert_rowid(), 1, true, Vec::new())
        }
    };
    tx.execute(
        "INSERT INTO programme_versions (programme_id, version, at, actor, reason, definition)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, version, at, actor.0, reason, definition],
    )?;
    tx.execute(
        "DELETE FROM programme_partners WHERE programme_id = ?1",
        [id],
    )?;
    for partner in &p.partners {
        let org = organisation(&tx, &partner.code, &partner.name, partner.org_type)?;
        tx.execute(
            "INSERT INTO programme_partners (programme_id, organisation_id, role, contribution_per_cycle)
             VALUES (?1, ?2, ?3, ?4)",
            params![id, org, partner.role.code(), partner.contribution_per_cycle],
        )?;
    }
    tx.commit()?;
    Ok(SavedProgramme {
        version: version as u32,
        created,
        changes,
    })
}

fn stored(r: &Row<'_>) -> rusqlite::Result<(String, i64, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn to_stored(
    (definition, version, created_at, updated_at): (String, i64, String, String),
) -> Result<StoredProgramme, StoreError> {
    Ok(StoredProgramme {
        programme: parse_definition(&definition)?,
        version: version as u32,
        created_at,
        updated_at,
    })
}

pub(crate) fn programme(
    conn: &Connection,
    code: &str,
) -> Result<Option<StoredProgramme>, StoreError> {
    conn.query_row(
        "SELECT definition, version, created_at, updated_at FROM programmes WHERE code = ?1",
        [code],
        stored,
    )
    .optional()?
    .map(to_stored)
    .transpose()
}

pub(crate) fn programmes(conn: &Connection) -> Result<Vec<StoredProgramme>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT definition, version, created_at, updated_at FROM programmes ORDER BY code",
    )?;
    let rows = stmt.query_map([], stored)?;
    rows.map(|r| to_stored(r?)).collect()
}

pub(crate) fn programme_history(
    conn: &Connection,
    code: &str,
) -> Result<Vec<ProgrammeVersion>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT v.version, v.at, v.actor, v.reason, v.definition
         FROM programme_versions v JOIN programmes p ON p.id = v.programme_id
         WHERE p.code = ?1 ORDER BY v.version",
    )?;
    let mut rows = stmt.query([code])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let definition: String = r.get(4)?;
        out.push(ProgrammeVersion {
            version: r.get::<_, i64>(0)? as u32,
            at: r.get(1)?,
            actor: r.get(2)?,
            reason: r.get(3)?,
            programme: parse_definition(&definition)?,
        });
    }
    Ok(out)
}

pub(crate) fn freeze_selection(
    conn: &mut Connection,
    at: &str,
    s: &NewSelection,
    members: &[SelectionMember],
) -> Result<i64, StoreError> {
    let tx = conn.transaction()?;
    let (programme_id, version): (i64, i64) = tx
        .query_row(
            "SELECT id, version FROM programmes WHERE code = ?1",
            [&s.programme],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::ProgrammeNotFound(s.programme.clone()))?;
    // The selection was computed from a programme version and a ranking read before this
    // transaction: freeze it only if both are still the current ones.
    if version as u32 != s.programme_version {
        return Err(StoreError::SelectionProgrammeChanged {
            programme: s.programme.clone(),
            computed: s.programme_version,
            current: version as u32,
        });
    }
    let latest: Option<i64> = tx.query_row("SELECT MAX(id) FROM ranking_runs", [], |r| r.get(0))?;
    if let Some(current) = latest
        && current != s.ranking_run
    {
        return Err(StoreError::SelectionRankingChanged {
            computed: s.ranking_run,
            current,
        });
    }
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM selections WHERE programme_id = ?1 AND cycle = ?2",
            params![programme_id, s.cycle],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        return Err(StoreError::SelectionExists {
            programme: s.programme.clone(),
            cycle: s.cycle,
            id,
        });
    }
    tx.execute(
        "INSERT INTO selections (programme_id, programme_version, cycle, snapshot, ranking_run, rule,
             at, actor, eligible, households, persons, cost, budget, cut, content_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            programme_id,
            version,
            s.cycle,
            s.snapshot,
            s.ranking_run,
            s.rule,
            at,
            s.actor.0,
            s.eligible as i64,
            members.len() as i64,
            s.persons as i64,
            s.cost,
            s.budget,
            s.cut,
            s.content_hash
        ],
    )?;
    let selection = tx.last_insert_rowid();
    {
        let mut member = tx.prepare(
            "INSERT INTO selection_members (selection_id, position, kk, region, members, desil, score, amount)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut entitlement = tx.prepare(
            "INSERT INTO entitlements (programme_id, cycle, kk, selection_id, amount, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'proposed', ?6, ?6)",
        )?;
        let mut event = tx.prepare(
            "INSERT INTO entitlement_events (entitlement_id, at, actor, from_state, to_state, reason)
             VALUES (?1, ?2, ?3, NULL, 'proposed', ?4)",
        )?;
        let reason = format!("selection {selection}, cycle {}", s.cycle);
        for m in members {
            let k = m.kk.as_u64() as i64;
            member.execute(params![
                selection, m.position, k, m.region, m.members, m.desil, m.score, m.amount
            ])?;
            entitlement.execute(params![programme_id, s.cycle, k, selection, m.amount, at])?;
            let e = tx.last_insert_rowid();
            event.execute(params![e, at, s.actor.0, reason])?;
        }
    }
    tx.commit()?;
    Ok(selection)
}

const SELECTION_COLUMNS: &str =
    "s.id, p.code, s.programme_version, s.cycle, s.snapshot, s.ranking_run, s.rule, s.at,
    s.actor, s.eligible, s.households, s.persons, s.cost, s.budget, s.cut, s.content_hash";

fn selection_info(r: &Row<'_>) -> rusqlite::Result<SelectionInfo> {
    Ok(SelectionInfo {
        id: r.get(0)?,
        programme: r.get(1)?,
        programme_version: r.get::<_, i64>(2)? as u32,
        cycle: r.get::<_, i64>(3)? as u32,
        snapshot: r.get(4)?,
        ranking_run: r.get(5)?,
        rule: r.get(6)?,
        at: r.get(7)?,
        actor: r.get(8)?,
        eligible: r.get::<_, i64>(9)? as u64,
        households: r.get::<_, i64>(10)? as u64,
        persons: r.get::<_, i64>(11)? as u64,
        cost: r.get(12)?,
        budget: r.get(13)?,
        cut: r.get(14)?,
        content_hash: r.get(15)?,
    })
}

pub(crate) fn selection(
    conn: &Connection,
    programme: &str,
    cycle: u32,
) -> Result<Option<(SelectionInfo, Vec<SelectionMember>)>, StoreError> {
    let info = conn
        .query_row(
            &format!(
                "SELECT {SELECTION_COLUMNS} FROM selections s JOIN programmes p ON p.id = s.programme_id
                 WHERE p.code = ?1 AND s.cycle = ?2"
            ),
            params![programme, cycle],
            selection_info,
        )
        .optional()?;
    let Some(info) = info else {
        return Ok(None);
    };
    let mut stmt = conn.prepare(
        "SELECT position, kk, region, members, desil, score, amount FROM selection_members
         WHERE selection_id = ?1 ORDER BY position",
    )?;
    let mut rows = stmt.query([info.id])?;
    let mut members = Vec::new();
    while let Some(r) = rows.next()? {
        members.push(SelectionMember {
            position: r.get(0)?,
            kk: kk(r.get(1)?)?,
            region: r.get(2)?,
            members: r.get(3)?,
            desil: r.get(4)?,
            score: r.get(5)?,
            amount: r.get(6)?,
        });
    }
    Ok(Some((info, members)))
}

pub(crate) fn selections(
    conn: &Connection,
    programme: &str,
) -> Result<Vec<SelectionInfo>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {SELECTION_COLUMNS} FROM selections s JOIN programmes p ON p.id = s.programme_id
         WHERE p.code = ?1 ORDER BY s.cycle"
    ))?;
    let rows = stmt.query_map([programme], selection_info)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn live_entitlements(conn: &Connection) -> Result<Vec<LiveEntitlement>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT p.code, o.type, e.cycle, e.kk, e.amount, e.state
         FROM entitlements e
         JOIN programmes p ON p.id = e.programme_id
         JOIN organisations o ON o.id = p.owner_id
         WHERE e.state NOT IN ('rejected', 'suspended', 'cancelled')
           AND e.cycle = (SELECT MAX(s.cycle) FROM selections s WHERE s.programme_id = e.programme_id)
         ORDER BY p.code, e.kk",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(LiveEntitlement {
            programme: r.get(0)?,
            owner_type: r.get(1)?,
            cycle: r.get::<_, i64>(2)? as u32,
            kk: kk(r.get(3)?)?,
            amount: r.get(4)?,
            state: r.get(5)?,
        });
    }
    Ok(out)
}

const ENTITLEMENT_COLUMNS: &str =
    "e.id, p.code, e.cycle, e.kk, e.amount, e.state, e.paid_amount, e.ledger_index,
    e.nonce, e.created_at, e.updated_at";

fn entitlement_view(r: &Row<'_>) -> Result<EntitlementView, StoreError> {
    let state: String = r.get(5)?;
    Ok(EntitlementView {
        id: r.get(0)?,
        programme: r.get(1)?,
        cycle: r.get::<_, i64>(2)? as u32,
        kk: kk(r.get(3)?)?,
        amount: r.get(4)?,
        state: state.parse().map_err(corrupt)?,
        paid_amount: r.get(6)?,
        ledger_index: r.get::<_, Option<i64>>(7)?.map(|v| v as u64),
        nonce: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

pub(crate) fn entitlements(
    conn: &Connection,
    f: &EntitlementFilter,
) -> Result<Vec<EntitlementView>, StoreError> {
    let limit = if f.limit == 0 {
        i64::MAX
    } else {
        f.limit as i64
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT {ENTITLEMENT_COLUMNS} FROM entitlements e JOIN programmes p ON p.id = e.programme_id
         WHERE (?1 IS NULL OR p.code = ?1) AND (?2 IS NULL OR e.cycle = ?2)
           AND (?3 IS NULL OR e.state = ?3) AND (?4 IS NULL OR e.kk = ?4)
         ORDER BY e.id LIMIT ?5"
    ))?;
    let mut rows = stmt.query(params![
        f.programme,
        f.cycle,
        f.state.map(|s| s.code()),
        f.kk.map(|k| k.as_u64() as i64),
        limit
    ])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(entitlement_view(r)?);
    }
    Ok(out)
}

pub(crate) fn entitlement(
    conn: &Connection,
    id: i64,
) -> Result<Option<(EntitlementView, Vec<EntitlementEvent>)>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ENTITLEMENT_COLUMNS} FROM entitlements e JOIN programmes p ON p.id = e.programme_id
         WHERE e.id = ?1"
    ))?;
    let mut rows = stmt.query([id])?;
    let Some(r) = rows.next()? else {
        return Ok(None);
    };
    let view = entitlement_view(r)?;
    let mut stmt = conn.prepare(
        "SELECT at, actor, from_state, to_state, reason, ledger_index FROM entitlement_events
         WHERE entitlement_id = ?1 ORDER BY id",
    )?;
    let events = stmt
        .query_map([id], |r| {
            Ok(EntitlementEvent {
                at: r.get(0)?,
                actor: r.get(1)?,
                from: r.get(2)?,
                to: r.get(3)?,
                reason: r.get(4)?,
                ledger_index: r.get::<_, Option<i64>>(5)?.map(|v| v as u64),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Some((view, events)))
}

/// Who moves entitlements, when and why (the events' stamp).
pub(crate) struct Moved<'a> {
    pub at: &'a str,
    pub actor: &'a Actor,
    pub reason: &'a str,
}

pub(crate) fn transition(
    conn: &mut Connection,
    ids: &[i64],
    to: setara_targeting::entitlement::State,
    via: setara_targeting::entitlement::Via,
    moved: &Moved,
    ledger: Option<&[u64]>,
) -> Result<usize, StoreError> {
    let Moved { at, actor, reason } = *moved;
    use setara_targeting::entitlement::{Refusal, State, Via, check};
    if let Some(l) = ledger {
        assert_eq!(l.len(), ids.len(), "one ledger index per entitlement");
    }
    let tx = conn.transaction()?;
    {
        let mut get =
            tx.prepare_cached("SELECT state, amount, paid_amount FROM entitlements WHERE id = ?1")?;
        let mut set = tx.prepare_cached(
            "UPDATE entitlements SET state = ?1, paid_amount = ?2,
                 ledger_index = COALESCE(?3, ledger_index), updated_at = ?4 WHERE id = ?5",
        )?;
        let mut event = tx.prepare_cached(
            "INSERT INTO entitlement_events (entitlement_id, at, actor, from_state, to_state, reason, ledger_index)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (n, &id) in ids.iter().enumerate() {
            let (state, amount, paid): (String, i64, i64) = get
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?
                .ok_or(StoreError::EntitlementNotFound(id))?;
            let from: State = state.parse().map_err(corrupt)?;
            match check(from, to, via, reason) {
                Ok(()) => {}
                Err(Refusal::NotAllowed { .. }) => {
                    return Err(StoreError::TransitionNotAllowed {
                        id,
                        from: from.code().into(),
                        to: to.code().into(),
                        allowed: from.next().iter().map(|s| s.code().to_string()).collect(),
                    });
                }
                Err(Refusal::ReasonRequired(_)) => {
                    return Err(StoreError::TransitionReasonRequired {
                        id,
                        to: to.code().into(),
                    });
                }
            }
            let paid = match via {
                Via::Disbursement => paid + amount,
                Via::Reversal => paid - amount,
                Via::Officer => paid,
            };
            let index = ledger.map(|l| l[n] as i64);
            set.execute(params![to.code(), paid, index, at, id])?;
            event.execute(params![
                id,
                at,
                actor.0,
                from.code(),
                to.code(),
                reason,
                index
            ])?;
        }
    }
    tx.commit()?;
    Ok(ids.len())
}

pub(crate) fn set_nonces(
    conn: &mut Connection,
    nonces: &[(i64, String)],
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    {
        let mut stmt = tx
            .prepare_cached("UPDATE entitlements SET nonce = ?1 WHERE id = ?2 AND nonce IS NULL")?;
        for (id, nonce) in nonces {
            stmt.execute(params![nonce, id])?;
        }
    }
    tx.commit()?;
    Ok(())
}
