//! The registry as people read and correct it: one household with its members, findings and
//! history; a correction with its reason.
//!
//! Every read of a household's personal data is recorded in the store's access log inside the
//! store's read ([`setara_store::Store::read_household`]), so no caller can forget it; a caller
//! with a region scope sees households of that region only, and one outside it is "not found"
//! (its existence is not disclosed either).
//!
//! The registry's bulk operations are in the submodules: [`import`] (files into the store),
//! [`verify`] (the verification rules and their findings), [`dedup`] (record linkage of files
//! and of the registry's persons).

pub mod dedup;
pub mod import;
pub mod verify;

use chrono::NaiveDate;
use serde::Serialize;
use setara_core::{Kk, Nik, RegionCode, Regions};
use setara_registry::{HOUSEHOLD_FIELDS, PERSON_FIELDS};
use setara_store::{Change, Correction, HouseholdRecord, Reader};

use crate::error::{Error, ErrorKind, Result};
use crate::{App, Caller};

/// The region an operation covers for `caller`: the one asked for, which must lie within the
/// caller's scope (`region_out_of_scope`, forbidden), else the scope itself (`None`: all).
pub fn scoped_region(
    caller: &Caller,
    region: Option<setara_core::RegionCode>,
) -> Result<Option<setara_core::RegionCode>> {
    match (caller.scope, region) {
        (None, r) => Ok(r),
        (Some(s), None) => Ok(Some(s)),
        (Some(s), Some(r)) if r.is_within(s) => Ok(Some(r)),
        (Some(s), Some(r)) => Err(Error::new(
            ErrorKind::Forbidden,
            "region_out_of_scope",
            format!("wilayah {r} di luar wilayah kerja Anda ({s})"),
            format!("region {r} is outside your region ({s})"),
        )),
    }
}

/// One household as an officer sees it.
#[derive(Debug)]
pub struct HouseholdView {
    pub record: HouseholdRecord,
    /// The household's region and its ancestors, province first: (code, name).
    pub region_path: Vec<(RegionCode, String)>,
    /// The day the members' ages are counted on (the app's clock).
    pub today: NaiveDate,
    /// Verification findings about the household and its members.
    pub findings: Vec<setara_store::StoredFinding>,
    /// Every recorded change, oldest first (only when asked for).
    pub history: Option<Vec<Change>>,
}

/// Serialised as `household show --json` prints it: every field of the import files by its
/// column name (its value as written in the files, `null` when unknown), members with their
/// age, provenance and version.
impl Serialize for HouseholdView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde_json::{Map, Value, json};
        fn fields<T>(of: &T, table: &[setara_registry::Field<T>]) -> Value {
            let row: Map<String, Value> = table
                .iter()
                .map(|f| {
                    (
                        f.name.to_string(),
                        (f.get)(of).map_or(Value::Null, Value::String),
                    )
                })
                .collect();
            Value::Object(row)
        }
        let rec = &self.record;
        let members: Vec<Value> = rec
            .members
            .iter()
            .map(|(p, provenance, version)| {
                json!({
                    "fields": fields(p, PERSON_FIELDS),
                    "age": p.age_on(self.today),
                    "provenance": provenance,
                    "version": version,
                })
            })
            .collect();
        let path: Vec<Value> = self
            .region_path
            .iter()
            .map(|(code, name)| json!({ "code": code, "name": name }))
            .collect();
        json!({
            "household": fields(&rec.household, HOUSEHOLD_FIELDS),
            "region_path": path,
            "provenance": rec.provenance,
            "version": rec.version,
            "members": members,
            "findings": self.findings,
            "history": self.history,
        })
        .serialize(s)
    }
}

fn not_found(kk: Kk) -> Error {
    setara_store::StoreError::HouseholdNotFound(kk).into()
}

/// One household (`action` names the purpose in the access log, such as `household_show`).
pub fn show_household(
    app: &App,
    caller: &Caller,
    kk: Kk,
    with_history: bool,
    action: &str,
) -> Result<HouseholdView> {
    let mut store = app.writer()?;
    let record = store
        .read_household(
            kk,
            &Reader {
                actor: &caller.actor,
                action,
                within: caller.scope,
            },
        )?
        .ok_or_else(|| not_found(kk))?;
    let findings = store.findings_for(kk)?;
    let history = if with_history {
        Some(store.history(kk)?)
    } else {
        None
    };
    let region_path = Regions::kemendagri_2025()
        .path(record.household.region)
        .iter()
        .map(|r| (r.code, r.name.to_string()))
        .collect();
    Ok(HouseholdView {
        record,
        region_path,
        today: app.today(),
        findings,
        history,
    })
}

/// The reads of personal data recorded in the access log, newest first, as `filter` narrows
/// them: for an auditor or an administrator over everything ([`Caller::require_audit`]).
pub fn access_log(
    app: &App,
    caller: &Caller,
    filter: &setara_store::AccessFilter,
) -> Result<Vec<setara_store::Access>> {
    caller.require_audit()?;
    Ok(app.reader()?.access_log(filter)?)
}

/// Correct one field of a household, or of one member.
#[derive(Clone, Debug, Serialize)]
pub struct CorrectRequest {
    pub kk: Kk,
    /// The member to correct (`None`: the household).
    pub nik: Option<Nik>,
    /// The field, by its file column name (`floor`, `region`, `name`, …).
    pub field: String,
    /// The new value as written in the import files; `None` makes an optional field unknown.
    pub value: Option<String>,
    /// The evidence or visit behind the correction (required).
    pub reason: String,
}

/// Correct one field, with a reason; the change is recorded with the caller as its actor. A
/// regional officer corrects households of their region only (and cannot move one out of it).
pub fn correct(app: &App, caller: &Caller, req: &CorrectRequest) -> Result<Change> {
    caller.require_registry_change()?;
    let reason =
        setara_core::text::check_line("reason", &req.reason, setara_core::text::MAX_NOTE_CHARS)?;
    let mut store = app.writer()?;
    if caller.scope.is_some() {
        let region = store
            .household_region(req.kk)?
            .ok_or_else(|| not_found(req.kk))?;
        if !caller.sees(region) {
            return Err(not_found(req.kk));
        }
        if req.field == "region"
            && let Some(v) = &req.value
            && let Ok(to) = setara_core::RegionCode::parse(v)
            && !caller.sees(to)
        {
            return Err(Error::new(
                crate::ErrorKind::Forbidden,
                "correction_out_of_scope",
                format!(
                    "wilayah {to} di luar wilayah kerja Anda; keluarga tidak dapat dipindahkan ke sana"
                ),
                format!("region {to} is outside your region; the household cannot be moved there"),
            ));
        }
    }
    Ok(store.correct(&Correction {
        kk: req.kk,
        nik: req.nik,
        field: req.field.clone(),
        value: req.value.clone(),
        reason: reason.to_string(),
        actor: caller.actor.clone(),
    })?)
}

/// A snapshot written (or an identical one reused).
#[derive(Clone, Debug, Serialize)]
pub struct Snapshotted {
    /// Hex SHA-256 of the content; the directory's name.
    pub hash: String,
    pub dir: std::path::PathBuf,
    pub households: u64,
    pub persons: u64,
    /// Size of the Arrow files together.
    pub bytes: u64,
    pub reused: bool,
    pub seconds: f64,
}

/// Snapshot the whole registry (an administrator's operation: a snapshot is of everything).
pub fn snapshot(
    app: &App,
    caller: &Caller,
    progress: &mut dyn crate::Progress,
) -> Result<Snapshotted> {
    caller.require_administrator("snapshot")?;
    let started = std::time::Instant::now();
    let store = app.reader()?;
    let info = take_snapshot(app, &*store, progress)?;
    Ok(Snapshotted {
        hash: info.hash,
        dir: info.dir,
        households: info.households,
        persons: info.persons,
        bytes: info.bytes,
        reused: info.reused,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Write a columnar snapshot of everything in `store` under the data directory's
/// `snapshots/` (named by its content hash; an identical one is reused). Progress is counted
/// in households.
pub fn take_snapshot(
    app: &App,
    store: &dyn setara_store::Store,
    progress: &mut dyn crate::Progress,
) -> Result<setara_snapshot::SnapshotInfo> {
    let counts = store.counts()?;
    progress.start(counts.households);
    let mut builder = setara_snapshot::SnapshotBuilder::with_capacity(
        counts.households as usize,
        counts.persons as usize,
    );
    let mut n = 0u64;
    let mut failed = None;
    let scanned = store.scan(&mut |h, members| {
        if let Err(e) = builder.add(h, members) {
            failed = Some(e);
            return Err(setara_store::StoreError::Corrupt("snapshot".into()));
        }
        n += 1;
        if n.is_multiple_of(8192) {
            progress.set(n);
        }
        Ok(())
    });
    if let Err(e) = scanned {
        progress.finish();
        return Err(match failed.take() {
            // A household the snapshot cannot hold is the data's problem; the snapshot's
            // message names its KK.
            Some(f) => Error::invalid(
                "snapshot_household_invalid",
                setara_core::Localized::message(&f, setara_core::Lang::Id),
                setara_core::Localized::message(&f, setara_core::Lang::En),
            ),
            None => e.into(),
        });
    }
    progress.finish();
    Ok(builder.write_at(&app.data.snapshots(), app.clock.now_utc())?)
}
