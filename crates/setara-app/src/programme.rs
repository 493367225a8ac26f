//! Programmes of government, CSR, social enterprises, campuses, NGOs and communities: stored
//! with every version, checked fully (fields, area, budget, and the rule against the attributes
//! and the programmes `receives(...)` may name) before anything is written.

use setara_core::Regions;
use setara_rules::Warning;
use setara_store::{
    ProgrammeVersion, SaveMode, SavedProgramme, SelectionInfo, Store, StoredProgramme,
};
use setara_targeting::Programme;

use crate::error::Result;
use crate::{App, Caller};

/// The reason recorded with a version: one line of text.
pub fn check_reason(reason: &str) -> Result<()> {
    setara_core::text::check_line("reason", reason, setara_core::text::MAX_NOTE_CHARS)?;
    Ok(())
}

/// Check a programme fully before it is stored; returns the rule's warnings.
pub fn check(store: &dyn Store, p: &Programme) -> Result<Vec<Warning>> {
    p.check(Regions::kemendagri_2025())?;
    let mut known: Vec<String> = store
        .programmes()?
        .into_iter()
        .map(|s| s.programme.code)
        .collect();
    if !known.contains(&p.code) {
        known.push(p.code.clone());
    }
    let rule = crate::rules::check_rule(&p.rule, &known)?;
    Ok(rule.warnings().to_vec())
}

/// A programme saved: its new version, the fields that changed, the rule's warnings.
#[derive(Debug)]
pub struct Saved {
    pub saved: SavedProgramme,
    pub warnings: Vec<Warning>,
}

/// Create a programme (`SaveMode::Create`) or store a new version of one (`Update`), with the
/// caller as its author and a reason, after checking it fully.
pub fn save(
    app: &App,
    caller: &Caller,
    p: &Programme,
    reason: &str,
    mode: SaveMode,
) -> Result<Saved> {
    caller.require_registry_change()?;
    check_reason(reason)?;
    let mut store = app.data.open_store()?;
    let warnings = check(store.as_ref(), p)?;
    let saved = store.save_programme(p, &caller.actor, reason, mode)?;
    Ok(Saved { saved, warnings })
}

/// The current version of a programme (`programme_not_found` otherwise).
pub fn get(app: &App, _caller: &Caller, code: &str) -> Result<StoredProgramme> {
    let store = app.data.open_store()?;
    Ok(store
        .programme(code)?
        .ok_or_else(|| setara_store::StoreError::ProgrammeNotFound(code.to_string()))?)
}

/// A programme as `programme show` presents it.
#[derive(Debug)]
pub struct Shown {
    pub current: StoredProgramme,
    /// Every version, oldest first (only when asked for).
    pub history: Vec<ProgrammeVersion>,
    /// Its frozen selections.
    pub selections: Vec<SelectionInfo>,
}

/// A programme, its selections and (with `with_history`) its versions.
pub fn show(app: &App, _caller: &Caller, code: &str, with_history: bool) -> Result<Shown> {
    let store = app.data.open_store()?;
    let current = store
        .programme(code)?
        .ok_or_else(|| setara_store::StoreError::ProgrammeNotFound(code.to_string()))?;
    let history = if with_history {
        store.programme_history(&current.programme.code)?
    } else {
        Vec::new()
    };
    let selections = store.selections(&current.programme.code)?;
    Ok(Shown {
        current,
        history,
        selections,
    })
}

/// Every programme.
pub fn list(app: &App, _caller: &Caller) -> Result<Vec<StoredProgramme>> {
    let store = app.data.open_store()?;
    Ok(store.programmes()?)
}
