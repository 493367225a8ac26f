//! The review queue of possible duplicates: list, one pair (its read recorded in the access
//! log for both households, inside the store's read), decide, merges, unmerge. A merge assigns
//! records to one entity and never changes a record.

use setara_store::{Decision, MergeView, PairView, Reader};

use crate::error::Result;
use crate::{App, Caller};

/// Pairs in `status` (`pending`, `same`, `different`), at most `limit`.
pub fn list(app: &App, _caller: &Caller, status: &str, limit: usize) -> Result<Vec<PairView>> {
    let store = app.reader()?;
    Ok(store.pairs(Some(status), limit)?)
}

/// One pair with both records.
pub fn show(app: &App, caller: &Caller, id: i64) -> Result<PairView> {
    let mut store = app.writer()?;
    Ok(store
        .read_pair(
            id,
            &Reader {
                actor: &caller.actor,
                action: "review_show",
                within: caller.scope,
            },
        )?
        .ok_or(setara_store::StoreError::PairNotFound(id))?)
}

/// Check a reason stored with a decision and printed in histories.
fn reason(reason: &str) -> Result<&str> {
    Ok(setara_core::text::check_line(
        "reason",
        reason,
        setara_core::text::MAX_NOTE_CHARS,
    )?)
}

/// An officer's decision on a pair; `Same` merges the two records' entities and returns the
/// merge's number.
pub fn decide(
    app: &App,
    caller: &Caller,
    pair: i64,
    decision: Decision,
    why: &str,
) -> Result<Option<i64>> {
    caller.require_registry_change()?;
    let why = reason(why)?;
    let mut store = app.writer()?;
    Ok(store.decide(pair, decision, why, &caller.actor)?)
}

/// Every merge, newest last.
pub fn merges(app: &App, _caller: &Caller) -> Result<Vec<MergeView>> {
    let store = app.reader()?;
    Ok(store.merges()?)
}

/// Undo a merge, with a reason.
pub fn unmerge(app: &App, caller: &Caller, merge: i64, why: &str) -> Result<()> {
    caller.require_registry_change()?;
    let why = reason(why)?;
    let mut store = app.writer()?;
    Ok(store.unmerge(merge, why, &caller.actor)?)
}
