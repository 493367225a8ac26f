//! Setara's storage boundary.
//!
//! Callers see the [`Store`] trait and the plain types of this module; the SQLite backend (the
//! embedded default, one file in WAL mode, created on first run) lives in [`sqlite`]. A
//! PostgreSQL backend is added by implementing the same traits and choosing it in [`open`] by a
//! `postgres://` location; callers do not change.
//!
//! Invariants every backend keeps:
//! - an import is one transaction: it is either wholly in the store or not at all;
//! - nothing is deleted by absence: a person missing from a re-import stays;
//! - every change after a row's first load is recorded with who, when, why and old → new;
//! - every household and person row carries its provenance (import, file, row).

use std::path::Path;

use setara_core::{Household, Kk, Lang, Localized, Nik, Person};
use setara_registry::{Finding, Reason};

pub mod source_hash;
pub mod sqlite;

/// An idempotency key of a money-moving operation and what it was used for: the request (a
/// digest), where its ledger entries go (`first_index`, `entries`, and a digest of their leaf
/// hashes) and, once the store recorded them, the first result (JSON).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Idempotency {
    pub key: String,
    pub operation: String,
    pub request_sha256: String,
    pub first_index: u64,
    pub entries: u64,
    pub entries_sha256: String,
    pub result: Option<String>,
}

/// Who reads personal data, why (the action recorded in the access log) and where they may
/// read (a region; `None`: anywhere).
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub within: Option<setara_core::RegionCode>,
}

/// Who is making a change (`--actor`, `SETARA_ACTOR`, or the OS user).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor(pub String);

/// Open the store at `location`: a SQLite file path (created if absent) or, in the future, a
/// `postgres://` URL.
pub fn open(location: &str) -> Result<Box<dyn Store>, StoreError> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        return Err(StoreError::UnsupportedBackend("postgresql".into()));
    }
    let path = location.strip_prefix("sqlite://").unwrap_or(location);
    Ok(Box::new(sqlite::SqliteStore::open(Path::new(path))?))
}

/// A visitor of households with their members (see [`Store::scan`]).
pub type Visit<'a> = dyn FnMut(&Household, &[Person]) -> Result<(), StoreError> + 'a;

/// The registry store.
/// Where a store's stamps (`at` of changes, history, the access log, runs) take the time from:
/// the system's by default; the application gives its own clock, so that a test can fix it.
pub type StoreClock = std::sync::Arc<dyn Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync>;

pub trait Store: Send {
    /// Take the time of every stamp from `clock` from now on.
    fn set_clock(&mut self, clock: StoreClock);

    /// `sqlite` or `postgresql`.
    fn backend(&self) -> &'static str;

    /// Start an import: everything added through the session becomes visible at once when it
    /// commits, or never.
    fn begin_import<'s>(
        &'s mut self,
        meta: ImportMeta,
    ) -> Result<Box<dyn ImportSession + 's>, StoreError>;

    /// A household with its members and provenance.
    fn household(&self, kk: Kk) -> Result<Option<HouseholdRecord>, StoreError>;

    /// Every recorded change of a household and of its current and former members, oldest first.
    fn history(&self, kk: Kk) -> Result<Vec<Change>, StoreError>;

    /// Findings recorded about a household and its members.
    fn findings_for(&self, kk: Kk) -> Result<Vec<StoredFinding>, StoreError>;

    /// Reads of personal data recorded in the access log, newest first, as `filter` narrows
    /// them.
    fn access_log(&self, filter: &AccessFilter) -> Result<Vec<Access>, StoreError>;

    /// Correct one field of a household (`nik = None`) or of one member, recording the change.
    fn correct(&mut self, correction: &Correction) -> Result<Change, StoreError>;

    /// Visit every household with its members, households in (region, KK) order and members by
    /// NIK. Used to build columnar snapshots.
    fn scan(&self, visit: &mut Visit<'_>) -> Result<(), StoreError>;

    fn counts(&self) -> Result<Counts, StoreError>;

    /// Record that `actor` read personal data of a household (the access log).
    fn record_access(&mut self, actor: &Actor, action: &str, kk: Kk) -> Result<(), StoreError>;

    /// The region a household is recorded in (`None`: no such household). Not personal data:
    /// used to check a caller's region before a change.
    fn household_region(&self, kk: Kk) -> Result<Option<setara_core::RegionCode>, StoreError>;

    /// Read a household for a person, recording the access in the same transaction: the read
    /// and its record in the access log cannot be separated by a caller. A household outside
    /// `within` (a region; `None`: anywhere) is `None`, as if it did not exist, and no access
    /// is recorded.
    fn read_household(
        &mut self,
        kk: Kk,
        reader: &Reader<'_>,
    ) -> Result<Option<HouseholdRecord>, StoreError>;

    /// Record a verification run over `run.scope`: `findings` is everything the rules found
    /// there. A finding seen before becomes `open`, a finding not seen before is `new`, and a
    /// finding of a household in the scope that is no longer seen is `resolved`.
    fn record_verification(
        &mut self,
        run: &VerificationRun,
        findings: &[RuleFinding],
    ) -> Result<VerificationSummary, StoreError>;

    /// Stored findings that are not resolved, with the region of their household.
    fn open_findings(&self) -> Result<Vec<(StoredFinding, String)>, StoreError>;

    /// Person records for the record linker (names included), with their current entity.
    fn linkage_persons(
        &self,
        scope: Option<setara_core::RegionCode>,
    ) -> Result<Vec<LinkagePerson>, StoreError>;

    /// Record the scored pairs of a deduplication run. A pair an officer has decided keeps its
    /// decision; other pairs take the run's class (duplicate or review).
    fn record_dedup(
        &mut self,
        run: &DedupRun,
        pairs: &[ScoredPair],
    ) -> Result<DedupSummary, StoreError>;

    /// Pairs with this status (`duplicate`, `review`, `same`, `different`; all when `None`),
    /// most likely first.
    fn pairs(&self, status: Option<&str>, limit: usize) -> Result<Vec<PairView>, StoreError>;

    fn pair(&self, id: i64) -> Result<Option<PairView>, StoreError>;

    /// A pair for a person, recording the access to both households in the same transaction
    /// (as [`Store::read_household`]; a pair with a record outside `reader.within`: `None`).
    fn read_pair(&mut self, id: i64, reader: &Reader<'_>) -> Result<Option<PairView>, StoreError>;

    /// An officer's decision on a pair. `Same` merges the two records' entities (no record is
    /// changed or removed) and returns the merge.
    fn decide(
        &mut self,
        id: i64,
        decision: Decision,
        reason: &str,
        actor: &Actor,
    ) -> Result<Option<i64>, StoreError>;

    /// Undo a merge: every record gets back the entity it had before; the pair returns to review.
    fn unmerge(&mut self, merge_id: i64, reason: &str, actor: &Actor) -> Result<(), StoreError>;

    fn merges(&self) -> Result<Vec<MergeView>, StoreError>;

    /// When the registry last changed (an import finished, or a correction), UTC RFC 3339.
    fn last_change_at(&self) -> Result<Option<String>, StoreError>;

    /// Imports so far, newest last.
    fn imports(&self) -> Result<Vec<ImportInfo>, StoreError>;

    /// SHA-256 over the whole logical content (every table, every row, in key order).
    fn content_digest(&self) -> Result<String, StoreError>;

    /// Store a ranking run and every household's score and desil under it (one transaction).
    fn record_ranking(&mut self, run: &RankingRun, rows: &[DesilRow]) -> Result<i64, StoreError>;
    /// Ranking runs, newest first.
    fn rankings(&self) -> Result<Vec<RankingInfo>, StoreError>;
    /// The fitted model of a ranking run (JSON).
    fn ranking_model(&self, id: i64) -> Result<Option<String>, StoreError>;
    /// A household's scores and desil in every ranking run, oldest first.
    fn desil_history(&self, kk: Kk) -> Result<Vec<DesilHistory>, StoreError>;

    /// Create or update a programme (a new version, with who and why), its owner and partners.
    fn save_programme(
        &mut self,
        programme: &setara_targeting::Programme,
        actor: &Actor,
        reason: &str,
        mode: SaveMode,
    ) -> Result<SavedProgramme, StoreError>;
    fn programme(&self, code: &str) -> Result<Option<StoredProgramme>, StoreError>;
    fn programmes(&self) -> Result<Vec<StoredProgramme>, StoreError>;
    /// Every version of a programme, oldest first.
    fn programme_history(&self, code: &str) -> Result<Vec<ProgrammeVersion>, StoreError>;

    /// Freeze a cycle's beneficiary list and propose an entitlement for each member (one
    /// transaction). A cycle is frozen once.
    fn freeze_selection(
        &mut self,
        selection: &NewSelection,
        members: &[SelectionMember],
    ) -> Result<i64, StoreError>;
    /// A frozen selection and its members in priority order.
    fn selection(
        &self,
        programme: &str,
        cycle: u32,
    ) -> Result<Option<(SelectionInfo, Vec<SelectionMember>)>, StoreError>;
    /// The frozen selections of a programme, by cycle.
    fn selections(&self, programme: &str) -> Result<Vec<SelectionInfo>, StoreError>;
    /// Entitlements that are not rejected, suspended or cancelled, in each programme's latest
    /// frozen cycle: who is being served now.
    fn live_entitlements(&self) -> Result<Vec<LiveEntitlement>, StoreError>;

    /// Entitlements matching the filter, by id.
    fn entitlements(&self, filter: &EntitlementFilter) -> Result<Vec<EntitlementView>, StoreError>;
    /// One entitlement and its events for a person, recording the access to its household in
    /// the same transaction (as [`Store::read_household`]; outside `reader.within`: `None`).
    fn read_entitlement(
        &mut self,
        id: i64,
        reader: &Reader<'_>,
    ) -> Result<Option<(EntitlementView, Vec<EntitlementEvent>)>, StoreError>;
    /// One entitlement and its events, oldest first.
    fn entitlement(
        &self,
        id: i64,
    ) -> Result<Option<(EntitlementView, Vec<EntitlementEvent>)>, StoreError>;
    /// Move entitlements to `to` in one transaction: each must allow it (else nothing changes).
    /// A disbursement or a return gives each entitlement's ledger index (same order as `ids`).
    fn transition(
        &mut self,
        ids: &[i64],
        to: setara_targeting::entitlement::State,
        via: setara_targeting::entitlement::Via,
        actor: &Actor,
        reason: &str,
        ledger: Option<&[u64]>,
    ) -> Result<usize, StoreError>;
    /// Keep a commitment nonce (hex) with each entitlement that has none yet.
    fn set_nonces(&mut self, nonces: &[(i64, String)]) -> Result<(), StoreError>;
    /// How many ledger entries are reflected in the entitlements.
    fn ledger_applied(&self) -> Result<u64, StoreError>;
    fn set_ledger_applied(&mut self, entries: u64) -> Result<(), StoreError>;
    /// The verifier key of the ledger these entitlements were paid through (`None` before a
    /// ledger was first used).
    fn ledger_key(&self) -> Result<Option<String>, StoreError>;
    fn set_ledger_key(&mut self, vkey: &str) -> Result<(), StoreError>;
    /// The record of an idempotency key of a money-moving operation, if it was used.
    fn idempotency(&self, key: &str) -> Result<Option<Idempotency>, StoreError>;
    /// Record `record` as pending before its entries are appended to the ledger. A pending
    /// record of the same request is updated (a retry after its entries never reached the
    /// ledger); a completed one, or one of another request, is left as it is.
    fn idempotency_begin(&mut self, record: &Idempotency) -> Result<(), StoreError>;
    /// Keep the first result (JSON) of a pending key; a completed key keeps its first result.
    fn idempotency_done(&mut self, key: &str, result: &str) -> Result<(), StoreError>;
    /// Write a copy of the whole store as of one moment to the new file `dest` while others
    /// keep writing (SQLite's online backup). `pinned` is called once that moment is fixed and
    /// before anything is copied; `progress(done, total)` follows the copy.
    fn backup_to(
        &self,
        dest: &Path,
        pinned: &mut dyn FnMut(),
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(), StoreError>;
}

/// One import in progress. Dropping it without [`ImportSession::commit`] rolls back.
pub trait ImportSession {
    /// Record a source file (households or persons) and get its id for provenance.
    fn add_source(&mut self, role: &str, name: &str) -> Result<i64, StoreError>;

    /// Record the size and SHA-256 of a source file once it has been read.
    fn source_read(&mut self, file: i64, sha256: &str, bytes: u64) -> Result<(), StoreError>;

    /// Add or update a household from row `row` of source file `file`.
    fn household(
        &mut self,
        file: i64,
        row: u64,
        h: &Household,
    ) -> Result<HouseholdOutcome, StoreError>;

    /// Mark a KK whose household row `row` was rejected, so that its persons are rejected too
    /// and a later row with the same KK is reported as a duplicate.
    fn household_rejected(&mut self, kk: Kk, row: u64);

    /// Note a person row that was rejected, so that a later row with the same KK and NIK is
    /// reported as a duplicate.
    fn person_rejected(&mut self, kk: Kk, nik: Nik, row: u64);

    /// Add or update a person from row `row` of source file `file`.
    fn person(&mut self, file: i64, row: u64, p: &Person) -> Result<PersonOutcome, StoreError>;

    /// Record verification findings about loaded rows.
    fn findings(&mut self, findings: &[Finding]) -> Result<(), StoreError>;

    /// Resolve moves (pecah KK), record NIKs present in several households and the import's
    /// totals, all still inside the transaction.
    fn finalize(&mut self) -> Result<(), StoreError>;

    /// Make everything visible at once.
    fn commit(self: Box<Self>) -> Result<ImportSummary, StoreError>;

    /// Undo everything; the store is exactly as before the import began.
    fn rollback(self: Box<Self>) -> Result<ImportSummary, StoreError>;
}

/// What an import is.
#[derive(Clone, Debug)]
pub struct ImportMeta {
    pub actor: Actor,
    /// `all_or_nothing` or `skip_invalid`.
    pub mode: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HouseholdOutcome {
    Added,
    /// Existing household; `n` fields changed.
    Changed(usize),
    Unchanged,
    /// The same KK appeared earlier in this import.
    Duplicate {
        first_row: u64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonOutcome {
    Added,
    Changed(usize),
    Unchanged,
    /// The same NIK appeared earlier in this import within the same KK.
    Duplicate {
        first_row: u64,
    },
    /// The KK is neither in this import's households nor in the store.
    HouseholdAbsent,
    /// The KK's household row was rejected.
    HouseholdRejected,
}

impl PersonOutcome {
    /// The rejection reason, if the row was refused.
    pub fn rejection(self) -> Option<Reason> {
        match self {
            PersonOutcome::Duplicate { first_row } => Some(Reason::DuplicateNik { first_row }),
            PersonOutcome::HouseholdAbsent => Some(Reason::HouseholdAbsent),
            PersonOutcome::HouseholdRejected => Some(Reason::HouseholdRejected),
            _ => None,
        }
    }
}

impl HouseholdOutcome {
    pub fn rejection(self) -> Option<Reason> {
        match self {
            HouseholdOutcome::Duplicate { first_row } => Some(Reason::DuplicateKk { first_row }),
            _ => None,
        }
    }
}

/// Totals of one import.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub import_id: i64,
    pub committed: bool,
    pub households_added: u64,
    pub households_changed: u64,
    pub households_unchanged: u64,
    pub persons_added: u64,
    pub persons_changed: u64,
    pub persons_unchanged: u64,
    pub persons_moved: u64,
    pub changes: u64,
    pub findings: u64,
}

/// Where a row came from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Provenance {
    pub import_id: i64,
    pub file: String,
    pub row: u64,
}

/// A household as stored, with its members.
#[derive(Clone, Debug)]
pub struct HouseholdRecord {
    pub household: Household,
    pub members: Vec<(Person, Provenance, u32)>,
    pub provenance: Provenance,
    pub version: u32,
}

/// Which records of the access log to read (every field narrows; `limit` 0: all).
#[derive(Clone, Debug, Default)]
pub struct AccessFilter {
    pub kk: Option<Kk>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub limit: usize,
}

/// One read of personal data: when, by whom, for what, of which household.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Access {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    /// `None` for a read not tied to one household.
    pub kk: Option<Kk>,
}

/// One recorded change.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Change {
    pub at: String,
    pub actor: String,
    pub reason: String,
    /// `correction`, `reimport`, `member_added` or `move`.
    pub kind: String,
    pub import_id: Option<i64>,
    pub source_row: Option<u64>,
    pub kk: Kk,
    pub nik: Option<Nik>,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// A finding as stored.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StoredFinding {
    pub rule: String,
    pub kk: Kk,
    pub nik: Option<Nik>,
    pub detail: String,
    pub status: String,
    pub found_at: String,
}

/// A verification run to record.
#[derive(Clone, Debug)]
pub struct VerificationRun {
    pub actor: Actor,
    /// The region checked (with everything inside it), `None` for the whole registry.
    pub scope: Option<setara_core::RegionCode>,
    /// Hash of the snapshot the rules ran on.
    pub snapshot: String,
    pub households: u64,
    pub persons: u64,
}

/// One finding of a rule, as a run reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleFinding {
    pub rule: &'static str,
    /// `error` or `warning`.
    pub severity: &'static str,
    pub kk: Kk,
    pub nik: Option<Nik>,
    pub detail: String,
}

/// What a verification run changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct VerificationSummary {
    pub run_id: i64,
    /// Findings seen for the first time (or again after being resolved).
    pub new: u64,
    /// Findings seen before and still there.
    pub open: u64,
    /// Findings no longer seen.
    pub resolved: u64,
}

/// A person record as the record linker sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkagePerson {
    /// Row id of the record.
    pub id: i64,
    pub kk: Kk,
    pub nik: Nik,
    pub name: String,
    pub sex: setara_core::Sex,
    pub birth_date: chrono::NaiveDate,
    /// Region of the household (dotted code as recorded).
    pub region: String,
    /// The entity the record belongs to (its own id unless merged).
    pub entity: i64,
}

/// How a deduplication run classed a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairClass {
    /// Above the upper threshold: flagged as a duplicate.
    Duplicate,
    /// Between the thresholds: for an officer to decide.
    Review,
}

/// A pair of records scored by the linker (`a < b`, record ids).
#[derive(Clone, Debug, PartialEq)]
pub struct ScoredPair {
    pub a: i64,
    pub b: i64,
    pub match_weight: f64,
    pub match_probability: f64,
    /// JSON explanation of the weight, field by field.
    pub explanation: String,
    pub class: PairClass,
}

/// A deduplication run to record.
#[derive(Clone, Debug)]
pub struct DedupRun {
    pub actor: Actor,
    pub scope: Option<setara_core::RegionCode>,
    /// The configuration used, as TOML text.
    pub config: String,
    pub persons: u64,
    pub pairs_compared: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DedupSummary {
    pub run_id: i64,
    pub duplicates: u64,
    pub review: u64,
    /// Pairs found again that an officer had already decided (their decision stands).
    pub already_decided: u64,
}

/// An officer's decision on a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Same,
    Different,
}

/// One side of a pair.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PairSide {
    pub person_id: i64,
    pub kk: Kk,
    pub nik: Nik,
    pub name: String,
    pub sex: setara_core::Sex,
    pub birth_date: String,
    pub region: String,
    pub entity: i64,
}

/// A stored pair.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PairView {
    pub id: i64,
    pub status: String,
    pub match_weight: f64,
    pub match_probability: f64,
    pub explanation: serde_json::Value,
    pub a: PairSide,
    pub b: PairSide,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub reason: Option<String>,
}

/// A merge.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MergeView {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub reason: String,
    pub pair_id: Option<i64>,
    pub entity: i64,
    pub persons: Vec<i64>,
    pub undone_at: Option<String>,
    pub undone_by: Option<String>,
    pub undo_reason: Option<String>,
}

/// A correction of one field.
#[derive(Clone, Debug)]
pub struct Correction {
    pub kk: Kk,
    /// `None` corrects the household; `Some` one member.
    pub nik: Option<Nik>,
    pub field: String,
    /// `None` clears an optional field.
    pub value: Option<String>,
    pub reason: String,
    pub actor: Actor,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub households: u64,
    pub persons: u64,
    pub surveyed_households: u64,
    pub imports: u64,
    pub changes: u64,
    pub findings: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ImportInfo {
    pub id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub actor: String,
    pub mode: String,
    pub files: Vec<String>,
    pub households_added: u64,
    pub persons_added: u64,
    pub changes: u64,
    pub findings: u64,
}

/// A ranking run to record.
#[derive(Clone, Debug)]
pub struct RankingRun {
    pub actor: Actor,
    pub snapshot: String,
    pub model_json: String,
    pub households: u64,
    pub surveyed: u64,
    pub r2: f64,
    pub r2_out_of_sample: Option<f64>,
    pub rmse_out_of_sample: Option<f64>,
    /// The ranking's columns, relative to the data directory.
    pub file: String,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RankingInfo {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub snapshot: String,
    pub households: u64,
    pub surveyed: u64,
    pub r2: f64,
    pub r2_out_of_sample: Option<f64>,
    pub rmse_out_of_sample: Option<f64>,
    pub file: String,
}

/// A household's place in one ranking run.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct DesilRow {
    pub kk: Kk,
    pub score: f64,
    pub rank: u32,
    pub desil: u8,
    pub desil_province: u8,
    pub desil_regency: u8,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DesilHistory {
    pub run_id: i64,
    pub at: String,
    pub snapshot: String,
    #[serde(flatten)]
    pub row: DesilRow,
}

/// Whether [`Store::save_programme`] creates a programme or updates an existing one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveMode {
    Create,
    Update,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SavedProgramme {
    pub version: u32,
    pub created: bool,
    /// Fields changed from the previous version: (field, old, new).
    pub changes: Vec<(String, String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StoredProgramme {
    pub programme: setara_targeting::Programme,
    pub version: u32,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProgrammeVersion {
    pub version: u32,
    pub at: String,
    pub actor: String,
    pub reason: String,
    pub programme: setara_targeting::Programme,
}

/// A beneficiary list to freeze.
#[derive(Clone, Debug)]
pub struct NewSelection {
    pub programme: String,
    /// The programme's version the selection was computed from: freezing refuses it when the
    /// programme has changed since (checked inside the freezing transaction).
    pub programme_version: u32,
    pub cycle: u32,
    pub snapshot: String,
    /// The ranking run the selection was computed from: freezing refuses it when a newer run
    /// exists (checked inside the freezing transaction).
    pub ranking_run: i64,
    pub rule: String,
    pub actor: Actor,
    pub eligible: u64,
    pub persons: u64,
    pub cost: i64,
    pub budget: i64,
    /// Where the budget or quota cut fell (JSON).
    pub cut: Option<String>,
    pub content_hash: String,
}

/// One household of a frozen list: defined with the content hash over it in
/// `setara_targeting::frozen`, stored here.
pub use setara_targeting::SelectionMember;

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SelectionInfo {
    pub id: i64,
    pub programme: String,
    pub programme_version: u32,
    pub cycle: u32,
    pub snapshot: String,
    pub ranking_run: i64,
    pub rule: String,
    pub at: String,
    pub actor: String,
    pub eligible: u64,
    pub households: u64,
    pub persons: u64,
    pub cost: i64,
    pub budget: i64,
    pub cut: Option<String>,
    pub content_hash: String,
}

/// An entitlement being served now (see [`Store::live_entitlements`]).
#[derive(Clone, Debug, PartialEq)]
pub struct LiveEntitlement {
    pub programme: String,
    pub owner_type: String,
    pub cycle: u32,
    pub kk: Kk,
    pub amount: i64,
    pub state: String,
}

/// Which entitlements to list.
#[derive(Clone, Debug, Default)]
pub struct EntitlementFilter {
    pub programme: Option<String>,
    pub cycle: Option<u32>,
    pub state: Option<setara_targeting::entitlement::State>,
    pub kk: Option<Kk>,
    /// 0: no limit.
    pub limit: usize,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct EntitlementView {
    pub id: i64,
    pub programme: String,
    pub cycle: u32,
    pub kk: Kk,
    pub amount: i64,
    pub state: setara_targeting::entitlement::State,
    pub paid_amount: i64,
    pub ledger_index: Option<u64>,
    /// Hex; present once the entitlement was disbursed (or prepared for it).
    pub nonce: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct EntitlementEvent {
    pub at: String,
    pub actor: String,
    pub from: Option<String>,
    pub to: String,
    pub reason: String,
    pub ledger_index: Option<u64>,
}

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the store at {path} was written by a newer Setara (schema {found}, this build knows {known})"
    )]
    SchemaTooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("{path} is not a Setara store: {}; only a missing file is created as a new store (restore it from a backup with `setara restore`, or choose another --data-dir)", .why.en())]
    NotAStore { path: String, why: NotAStore },
    #[error("the {0} backend is not built into this version of Setara; use a SQLite path")]
    UnsupportedBackend(String),
    #[error("household KK {0} is not in the registry")]
    HouseholdNotFound(Kk),
    #[error("NIK {nik} is not a member of household KK {kk}")]
    PersonNotFound { kk: Kk, nik: Nik },
    #[error("field {field}: {}", .reason.message(Lang::En))]
    Field { field: String, reason: Reason },
    #[error("{field} already has the value {value:?}; nothing to correct")]
    Unchanged { field: String, value: String },
    #[error("region {0} is not a current village code")]
    RegionNotCurrent(String),
    #[error("a reason is required for every correction")]
    ReasonRequired,
    #[error(
        "stored data is damaged: {0}; restore the data directory from a backup with `setara restore`"
    )]
    Corrupt(String),
    #[error("pair {0} does not exist")]
    PairNotFound(i64),
    #[error("pair {id} was already decided ({status}); undo its merge first to decide again")]
    PairDecided { id: i64, status: String },
    #[error("merge {0} does not exist")]
    MergeNotFound(i64),
    #[error("merge {0} was already undone")]
    MergeUndone(i64),
    #[error(
        "merge {later} re-assigned these records after merge {merge}: undo merge {later} first"
    )]
    MergeOverlaps { merge: i64, later: i64 },
    #[error("programme {0} already exists; edit it instead")]
    ProgrammeExists(String),
    #[error("programme {0} does not exist")]
    ProgrammeNotFound(String),
    #[error("programme {0} is unchanged; nothing to save")]
    ProgrammeUnchanged(String),
    #[error("organisation {code} is already registered as {stored}, not {given}")]
    OrganisationConflict {
        code: String,
        stored: String,
        given: String,
    },
    #[error("entitlement {0} does not exist")]
    EntitlementNotFound(i64),
    #[error("entitlement {id} is {from}; it cannot become {to}{}", allowed_hint(.allowed))]
    TransitionNotAllowed {
        id: i64,
        from: String,
        to: String,
        allowed: Vec<String>,
    },
    #[error("entitlement {id}: becoming {to} needs a reason")]
    TransitionReasonRequired { id: i64, to: String },
    #[error(
        "cycle {cycle} of programme {programme} is already frozen (selection {id}); a frozen list is never replaced"
    )]
    SelectionExists {
        programme: String,
        cycle: u32,
        id: i64,
    },
    /// The programme changed between computing a selection and freezing it.
    #[error(
        "programme {programme} changed while the selection was computed: it was version {computed}, it is now version {current}"
    )]
    SelectionProgrammeChanged {
        programme: String,
        computed: u32,
        current: u32,
    },
    /// A newer ranking run exists than the one a selection was computed from.
    #[error(
        "the welfare ranking changed while the selection was computed: it used ranking run {computed}, the latest is {current}"
    )]
    SelectionRankingChanged { computed: i64, current: i64 },
}

/// Whether SQLite says the database file itself is damaged.
fn sqlite_damaged(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

/// Why an existing file is not opened as a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotAStore {
    /// The file is empty (zero bytes): an interrupted copy, not a new store.
    Empty,
    /// The path is a directory.
    Directory,
    /// The file is not an SQLite database.
    NotSqlite,
    /// An SQLite database without Setara's migrations: another program's, or empty.
    Foreign,
    /// The store file is missing but its write-ahead log is there: the store was deleted.
    JournalWithoutStore,
}

impl NotAStore {
    fn en(self) -> &'static str {
        match self {
            NotAStore::Empty => "the file is empty",
            NotAStore::Directory => "it is a directory",
            NotAStore::NotSqlite => "the file is not an SQLite database",
            NotAStore::Foreign => {
                "the database holds no Setara tables (another program's, or empty)"
            }
            NotAStore::JournalWithoutStore => {
                "the store file is missing but its write-ahead log (-wal) is there"
            }
        }
    }
    fn id(self) -> &'static str {
        match self {
            NotAStore::Empty => "berkasnya kosong",
            NotAStore::Directory => "itu sebuah direktori",
            NotAStore::NotSqlite => "berkasnya bukan basis data SQLite",
            NotAStore::Foreign => {
                "basis datanya tidak memuat tabel Setara (milik program lain, atau kosong)"
            }
            NotAStore::JournalWithoutStore => {
                "berkas basis data tidak ada tetapi jurnalnya (-wal) ada"
            }
        }
    }
}

fn allowed_hint(allowed: &[String]) -> String {
    if allowed.is_empty() {
        " (it is final)".to_string()
    } else {
        format!(" (allowed: {})", allowed.join(", "))
    }
}

impl Localized for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::Sqlite(e) if sqlite_damaged(e) => "store_corrupt",
            StoreError::Sqlite(_) => "store_database",
            StoreError::DataDir { .. } => "store_data_dir",
            StoreError::SchemaTooNew { .. } => "store_schema_too_new",
            StoreError::NotAStore { why, .. } => match why {
                NotAStore::Empty => "store_empty_file",
                NotAStore::Directory => "store_is_directory",
                NotAStore::NotSqlite => "store_not_sqlite",
                NotAStore::Foreign => "store_foreign",
                NotAStore::JournalWithoutStore => "store_missing_journal_present",
            },
            StoreError::UnsupportedBackend(_) => "store_backend_unsupported",
            StoreError::HouseholdNotFound(_) => "household_not_found",
            StoreError::PersonNotFound { .. } => "person_not_found",
            StoreError::Field { reason, .. } => reason.code(),
            StoreError::Unchanged { .. } => "correction_unchanged",
            StoreError::RegionNotCurrent(_) => "region_not_current",
            StoreError::ReasonRequired => "correction_reason_required",
            StoreError::Corrupt(_) => "store_corrupt",
            StoreError::PairNotFound(_) => "pair_not_found",
            StoreError::PairDecided { .. } => "pair_already_decided",
            StoreError::MergeNotFound(_) => "merge_not_found",
            StoreError::MergeUndone(_) => "merge_already_undone",
            StoreError::MergeOverlaps { .. } => "merge_overlaps_later_merge",
            StoreError::ProgrammeExists(_) => "programme_exists",
            StoreError::ProgrammeNotFound(_) => "programme_not_found",
            StoreError::ProgrammeUnchanged(_) => "programme_unchanged",
            StoreError::OrganisationConflict { .. } => "organisation_conflict",
            StoreError::SelectionExists { .. } => "selection_exists",
            StoreError::SelectionProgrammeChanged { .. } => "selection_programme_changed",
            StoreError::SelectionRankingChanged { .. } => "selection_ranking_changed",
            StoreError::EntitlementNotFound(_) => "entitlement_not_found",
            StoreError::TransitionNotAllowed { .. } => "entitlement_transition_not_allowed",
            StoreError::TransitionReasonRequired { .. } => "entitlement_reason_required",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (StoreError::Sqlite(e), Lang::En) if sqlite_damaged(e) => format!(
                "the store is damaged ({e}); restore the data directory from a backup with `setara restore`"
            ),
            (StoreError::Sqlite(e), Lang::Id) if sqlite_damaged(e) => format!(
                "basis data rusak ({e}); pulihkan direktori data dari cadangan dengan `setara restore`"
            ),
            (e, Lang::En) => e.to_string(),
            (StoreError::Sqlite(e), Lang::Id) => format!("basis data: {e}"),
            (StoreError::DataDir { path, source }, Lang::Id) => {
                format!("tidak dapat membuat direktori data {path}: {source}")
            }
            (StoreError::SchemaTooNew { path, found, known }, Lang::Id) => format!(
                "basis data di {path} ditulis oleh Setara yang lebih baru (skema {found}, versi ini mengenal {known})"
            ),
            (StoreError::NotAStore { path, why }, Lang::Id) => format!(
                "{path} bukan basis data Setara: {}; hanya berkas yang tidak ada yang dibuat sebagai basis data baru (pulihkan dari cadangan dengan `setara restore`, atau pilih --data-dir lain)",
                why.id()
            ),
            (StoreError::UnsupportedBackend(b), Lang::Id) => {
                format!("backend {b} belum tersedia di versi Setara ini; gunakan berkas SQLite")
            }
            (StoreError::HouseholdNotFound(kk), Lang::Id) => {
                format!("KK {kk} tidak ada di registri")
            }
            (StoreError::PersonNotFound { kk, nik }, Lang::Id) => {
                format!("NIK {nik} bukan anggota keluarga KK {kk}")
            }
            (StoreError::Field { field, reason }, Lang::Id) => {
                format!("kolom {field}: {}", reason.message(Lang::Id))
            }
            (StoreError::Unchanged { field, value }, Lang::Id) => {
                format!("{field} sudah bernilai {value:?}; tidak ada yang dikoreksi")
            }
            (StoreError::RegionNotCurrent(r), Lang::Id) => {
                format!("wilayah {r} bukan kode desa/kelurahan yang berlaku")
            }
            (StoreError::ReasonRequired, Lang::Id) => "setiap koreksi wajib disertai alasan".into(),
            (StoreError::Corrupt(e), Lang::Id) => format!(
                "data tersimpan rusak: {e}; pulihkan direktori data dari cadangan dengan `setara restore`"
            ),
            (StoreError::PairNotFound(id), Lang::Id) => format!("pasangan {id} tidak ada"),
            (StoreError::PairDecided { id, status }, Lang::Id) => {
                format!(
                    "pasangan {id} sudah diputuskan ({status}); batalkan penggabungannya dahulu untuk memutuskan ulang"
                )
            }
            (StoreError::MergeNotFound(id), Lang::Id) => format!("penggabungan {id} tidak ada"),
            (StoreError::MergeUndone(id), Lang::Id) => {
                format!("penggabungan {id} sudah dibatalkan")
            }
            (StoreError::MergeOverlaps { merge, later }, Lang::Id) => format!(
                "penggabungan {later} mengubah rekaman ini setelah penggabungan {merge}: batalkan penggabungan {later} dahulu"
            ),
            (StoreError::ProgrammeExists(c), Lang::Id) => {
                format!("program {c} sudah ada; ubah program itu saja")
            }
            (StoreError::ProgrammeNotFound(c), Lang::Id) => format!("program {c} tidak ada"),
            (StoreError::ProgrammeUnchanged(c), Lang::Id) => {
                format!("program {c} tidak berubah; tidak ada yang disimpan")
            }
            (
                StoreError::OrganisationConflict {
                    code,
                    stored,
                    given,
                },
                Lang::Id,
            ) => format!("organisasi {code} sudah terdaftar sebagai {stored}, bukan {given}"),
            (
                StoreError::SelectionExists {
                    programme,
                    cycle,
                    id,
                },
                Lang::Id,
            ) => format!(
                "siklus {cycle} program {programme} sudah dibekukan (penetapan {id}); daftar yang sudah dibekukan tidak pernah diganti"
            ),
            (
                StoreError::SelectionProgrammeChanged {
                    programme,
                    computed,
                    current,
                },
                Lang::Id,
            ) => format!(
                "program {programme} berubah selama penetapan dihitung: tadinya versi {computed}, kini versi {current}; tidak ada yang dibekukan, ulangi penetapan"
            ),
            (StoreError::SelectionRankingChanged { computed, current }, Lang::Id) => format!(
                "peringkat kesejahteraan berubah selama penetapan dihitung: memakai peringkat {computed}, yang terbaru {current}; tidak ada yang dibekukan, ulangi penetapan"
            ),
            (StoreError::EntitlementNotFound(id), Lang::Id) => {
                format!("hak bantuan {id} tidak ada")
            }
            (
                StoreError::TransitionNotAllowed {
                    id,
                    from,
                    to,
                    allowed,
                },
                Lang::Id,
            ) => format!(
                "hak bantuan {id} berstatus {from}; tidak dapat menjadi {to}{}",
                if allowed.is_empty() {
                    " (status akhir)".to_string()
                } else {
                    format!(" (yang boleh: {})", allowed.join(", "))
                }
            ),
            (StoreError::TransitionReasonRequired { id, to }, Lang::Id) => {
                format!("hak bantuan {id}: menjadi {to} wajib disertai alasan")
            }
        }
    }
}
