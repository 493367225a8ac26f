//! Entitlements (hak bantuan): list, one with its history, and moving them through their
//! states. `paid` is set only by the ledger's disbursement ([`crate::ledger::disburse`]),
//! `proposed` only by freezing a selection.

use serde::Serialize;
use setara_store::{EntitlementEvent, EntitlementFilter, EntitlementView, Reader};
use setara_targeting::entitlement::{State, Via};

use crate::error::{Error, Result};
use crate::{App, Caller};

/// Entitlements matching `filter` (a `limit` of 0: all).
pub fn list(
    app: &App,
    _caller: &Caller,
    filter: &EntitlementFilter,
) -> Result<Vec<EntitlementView>> {
    let store = app.reader()?;
    Ok(store.entitlements(filter)?)
}

/// One entitlement, its events and the states it may move to.
#[derive(Clone, Debug, Serialize)]
pub struct Shown {
    pub entitlement: EntitlementView,
    pub events: Vec<EntitlementEvent>,
    pub next: Vec<State>,
}

/// One entitlement for a person: the read is recorded in the access log (its household's KK)
/// in the same store transaction.
pub fn show(app: &App, caller: &Caller, id: i64) -> Result<Shown> {
    let mut store = app.writer()?;
    let (entitlement, events) = store
        .read_entitlement(
            id,
            &Reader {
                actor: &caller.actor,
                action: "entitlement_show",
                within: caller.scope,
            },
        )?
        .ok_or(setara_store::StoreError::EntitlementNotFound(id))?;
    let next = entitlement.state.next().to_vec();
    Ok(Shown {
        entitlement,
        events,
        next,
    })
}

/// Which entitlements to move.
#[derive(Clone, Debug, Serialize)]
pub enum Which {
    /// These, by number.
    Ids(Vec<i64>),
    /// Every entitlement of a programme (in one cycle, or all) that is in state `from`.
    InState {
        programme: String,
        cycle: Option<u32>,
        from: State,
    },
}

/// Move entitlements to `to`, with a reason (required by some states).
#[derive(Clone, Debug, Serialize)]
pub struct TransitionRequest {
    pub which: Which,
    pub to: State,
    pub reason: String,
}

/// How many entitlements moved, and where to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transitioned {
    pub changed: usize,
    pub to: State,
}

/// Move entitlements through their states, all or none. `paid` and `proposed` are refused
/// (`entitlement_transition_reserved`); moving a paid entitlement relies on the ledger that
/// paid it, so it is refused while that ledger is missing, shorter than the store's count or
/// re-keyed.
pub fn transition(app: &App, caller: &Caller, req: &TransitionRequest) -> Result<Transitioned> {
    caller.require_registry_change()?;
    if matches!(req.to, State::Paid | State::Proposed) {
        return Err(Error::invalid(
            "entitlement_transition_reserved",
            "status paid hanya diberikan oleh `setara disburse` (uang tercatat di buku besar); proposed hanya oleh penetapan",
            "paid is set only by `setara disburse` (the money goes through the ledger); proposed only by a selection",
        ));
    }
    // The reason goes into each entitlement's history: one line, bounded, checked before
    // anything is written. It may be empty where the state does not need one.
    let reason = if req.reason.trim().is_empty() {
        String::new()
    } else {
        setara_core::text::check_line("reason", &req.reason, setara_core::text::MAX_NOTE_CHARS)?
            .to_string()
    };
    let mut store = app.writer()?;
    let (ids, touches_paid) = match &req.which {
        Which::InState {
            programme,
            cycle,
            from,
        } => (
            store
                .entitlements(&EntitlementFilter {
                    programme: Some(programme.clone()),
                    cycle: *cycle,
                    state: Some(*from),
                    kk: None,
                    limit: 0,
                })?
                .into_iter()
                .map(|e| e.id)
                .collect::<Vec<_>>(),
            *from == State::Paid,
        ),
        Which::Ids(ids) => {
            let mut paid = false;
            for id in ids {
                if let Some((e, _)) = store.entitlement(*id)?
                    && e.state == State::Paid
                {
                    paid = true;
                    break;
                }
            }
            (ids.clone(), paid)
        }
    };
    if ids.is_empty() {
        return Ok(Transitioned {
            changed: 0,
            to: req.to,
        });
    }
    if touches_paid {
        crate::ledger::check_ledger(app, store.as_ref())?;
    }
    let changed = store.transition(&ids, req.to, Via::Officer, &caller.actor, &reason, None)?;
    Ok(Transitioned {
        changed,
        to: req.to,
    })
}
