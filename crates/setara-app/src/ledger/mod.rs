//! The ledger's operations: record funds, pay a cycle, reverse an entry, money that came back,
//! funds returned to a funder, a new checkpoint; and the checks that come before every one.
//!
//! The ledger (`DATA_DIR/ledger/`, crate `setara-ledger`) is the authority on money. An append
//! is acknowledged once fsynced; the store then records which entitlements were paid and how
//! many ledger entries it has applied. Should the process die between the two, the next ledger
//! operation applies the missing entries first ([`open_writer`]), so an entitlement is never
//! paid twice and never loses its payment.
//!
//! The store also knows how many entries it applied and under which verifier key. A ledger
//! that is missing, shorter than that, or has another key lost acknowledged entries (or was
//! replaced): every ledger operation, and every entitlement change that involves a payment, is
//! then refused until the data directory is restored from a backup ([`check_ledger`]). Only a
//! store that never applied an entry may start a new ledger.
//!
//! **Idempotency.** Every operation that moves money takes an optional idempotency key. The
//! key is recorded in the store with a digest of the request and of the entries about to be
//! appended, before the ledger is written; the first result is kept once the store has
//! recorded the entries. A repeat with the same key and the same request returns that first
//! result and moves nothing, even when the first attempt was killed between the ledger's append
//! and the store's update (its entries are then found in the ledger and completed, not
//! appended again). The same key with another request is refused (`idempotency_key_reused`).

pub mod proof;

use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use setara_core::text;
use setara_ledger::{Entry, EntryKind, Ledger};
use setara_store::{Actor, EntitlementFilter, Idempotency, Store};
use setara_targeting::entitlement::{State, Via};
use setara_targeting::rupiah;
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result};
use crate::{App, Caller};

/// Name of the log in its checkpoints (the C2SP "origin").
pub const ORIGIN: &str = "setara.local/ledger";

// The ledger crate depends on nothing of Setara's, so it has its own copy of the ceiling.
const _: () = assert!(setara_ledger::MAX_AMOUNT == setara_core::Rupiah::MAX);

/// How long an operation that writes the ledger waits for another writer (a `disburse` in
/// progress, or a backup fixing its moment) before it gives up with `ledger_locked`: a
/// disbursement of a whole cycle takes seconds, a backup holds the lock for milliseconds.
pub const LOCK_WAIT: Duration = Duration::from_secs(30);

/// Longest organisation code money comes from or goes back to, in characters (such as
/// `APBD-Jabar-2026` or `pt-sinar-nusantara`). It is stored in the entry's reference (`from:` +
/// code), which the entry format limits to 128 bytes; the append-only ledger keeps it forever,
/// so it is checked before anything is written.
pub const MAX_PARTY_CHARS: usize = 64;

/// The payment channels an entry may name. A closed list: a typo (`bank-transfer`,
/// `transfer`) would otherwise be written into the append-only ledger forever.
pub const CHANNELS: &[&str] = &["bank_transfer", "pos", "cash", "in_kind", "e_wallet"];

/// Longest idempotency key, in characters (a UUID is 36; a client's own scheme may be longer).
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 128;

const RESTORE_ID: &str = "pulihkan direktori data dari cadangan dengan `setara restore DIREKTORI_CADANGAN` (lihat docs/backup.md)";
const RESTORE_EN: &str = "restore the data directory from a backup with `setara restore BACKUP_DIR` (see docs/backup.md)";

// ---------------------------------------------------------------------------------------------
// Requests and results

/// Where money for a programme comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundKind {
    Budget,
    CsrContribution,
    Donation,
}

impl std::str::FromStr for FundKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<FundKind> {
        match s {
            "budget" => Ok(FundKind::Budget),
            "csr_contribution" => Ok(FundKind::CsrContribution),
            "donation" => Ok(FundKind::Donation),
            other => Err(Error::invalid(
                "ledger_fund_kind",
                format!(
                    "jenis dana {other:?} tidak dikenal; pilihan: budget, csr_contribution, donation"
                ),
                format!(
                    "unknown kind of funds {other:?}; valid: budget, csr_contribution, donation"
                ),
            )),
        }
    }
}

impl FundKind {
    fn entry_kind(self) -> EntryKind {
        match self {
            FundKind::Budget => EntryKind::Budget,
            FundKind::CsrContribution => EntryKind::CsrContribution,
            FundKind::Donation => EntryKind::Donation,
        }
    }
}

/// Money coming in for a programme (`setara ledger fund`).
#[derive(Clone, Debug, Serialize)]
pub struct FundRequest {
    pub programme: String,
    pub kind: FundKind,
    /// Whole rupiah, 1..=[`setara_core::Rupiah::MAX`] ([`parse_amount`] reads it from text).
    pub amount: i64,
    /// The cycle the money is for (0: the programme as a whole).
    pub cycle: u32,
    /// The organisation the money comes from ([`check_party`]).
    pub from: Option<String>,
    /// One of [`CHANNELS`].
    pub channel: String,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// Money going back out of a programme to its funder (`setara ledger return-funds`).
#[derive(Clone, Debug, Serialize)]
pub struct ReturnFundsRequest {
    pub programme: String,
    pub amount: i64,
    pub cycle: u32,
    /// The organisation the money goes back to.
    pub to: Option<String>,
    pub channel: String,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// One entry of a programme's money appended (funds in, or returned to a funder).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appended {
    /// The entry's index in the ledger.
    pub index: u64,
    pub programme: String,
    pub amount: i64,
    /// The signed checkpoint published after the entry (a C2SP signed note).
    pub checkpoint: String,
    /// This is the first result of an earlier request with the same idempotency key; nothing
    /// was moved this time.
    #[serde(default)]
    pub replayed: bool,
}

/// Pay every approved entitlement of a programme's cycle (`setara disburse`).
#[derive(Clone, Debug, Serialize)]
pub struct DisburseRequest {
    pub programme: String,
    pub cycle: u32,
    pub channel: String,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// A cycle paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disbursed {
    pub programme: String,
    pub cycle: u32,
    /// Entitlements paid.
    pub paid: u64,
    /// Their total, in rupiah.
    pub rupiah: i64,
    pub channel: String,
    /// The entries appended are `first_index..end_index`.
    pub first_index: u64,
    pub end_index: u64,
    pub checkpoint: String,
    #[serde(default)]
    pub replayed: bool,
}

/// Reverse a wrong entry with a new one that cancels it (`setara ledger reverse`).
#[derive(Clone, Debug, Serialize)]
pub struct ReverseRequest {
    /// The entry to reverse.
    pub index: u64,
    pub reason: String,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// The money of a paid entitlement came back (`setara ledger return`): its disbursement is
/// reversed and the entitlement is approved again.
#[derive(Clone, Debug, Serialize)]
pub struct MoneyReturnedRequest {
    pub entitlement: i64,
    pub reason: String,
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// An entry reversed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reversed {
    /// The reversal's index.
    pub index: u64,
    /// The entry it reverses.
    pub reverses: u64,
    /// The entitlement approved again, when the reversed entry paid one.
    pub entitlement: Option<i64>,
    pub reason: String,
    pub checkpoint: String,
    #[serde(default)]
    pub replayed: bool,
}

/// A checkpoint signed and published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpointed {
    pub size: u64,
    pub note: String,
}

// ---------------------------------------------------------------------------------------------
// Checking input

/// A whole number of rupiah from text: more than 0 and at most the ceiling
/// ([`setara_core::Rupiah::MAX`]).
pub fn parse_amount(s: &str) -> Result<i64> {
    let t = s.trim();
    let digits = t.strip_prefix('+').unwrap_or(t);
    match t.parse::<i64>() {
        Ok(v) if v > setara_core::Rupiah::MAX => Err(amount_too_large(t)),
        Ok(v) if v > 0 => Ok(v),
        Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            Err(amount_too_large(t))
        }
        _ => Err(Error::invalid(
            "ledger_amount",
            format!(
                "jumlah {} bukan bilangan bulat rupiah lebih dari Rp0",
                text::printable(t)
            ),
            format!(
                "the amount {} is not a whole number of rupiah above Rp0",
                text::printable(t)
            ),
        )),
    }
}

fn amount_too_large(t: &str) -> Error {
    Error::invalid(
        "ledger_amount_too_large",
        format!(
            "jumlah {} melebihi batas {} untuk satu entri",
            text::printable(t),
            rupiah(setara_core::Rupiah::MAX)
        ),
        format!(
            "the amount {} is above the ceiling of {} for one entry",
            text::printable(t),
            rupiah(setara_core::Rupiah::MAX)
        ),
    )
}

fn check_amount(amount: i64) -> Result<i64> {
    if (1..=setara_core::Rupiah::MAX).contains(&amount) {
        Ok(amount)
    } else {
        parse_amount(&amount.to_string())
    }
}

/// A payment channel: one of [`CHANNELS`] (`ledger_channel_unknown`).
pub fn check_channel(s: &str) -> Result<String> {
    let t = text::check_line("channel", s, 32)?;
    if CHANNELS.contains(&t) {
        return Ok(t.to_string());
    }
    Err(Error::invalid(
        "ledger_channel_unknown",
        format!(
            "saluran {} tidak dikenal; pilihan: {}",
            text::printable(t),
            CHANNELS.join(", ")
        ),
        format!(
            "unknown channel {}; valid: {}",
            text::printable(t),
            CHANNELS.join(", ")
        ),
    ))
}

/// Who money comes from or goes to: one line of at most [`MAX_PARTY_CHARS`] characters of
/// `A-Z a-z 0-9 . _ - /` (it is written into the append-only ledger). `field` names it in
/// messages (`--from`).
pub fn check_party(field: &'static str, s: &str) -> Result<String> {
    let t = text::check_line(field, s, MAX_PARTY_CHARS)?;
    if t.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/'))
    {
        return Ok(t.to_string());
    }
    Err(Error::invalid(
        "ledger_party_invalid",
        format!(
            "{field} {} harus berupa kode organisasi: huruf, angka, . _ - / tanpa spasi",
            text::printable(t)
        ),
        format!(
            "{field} {} must be an organisation code: letters, digits, . _ - / and no spaces",
            text::printable(t)
        ),
    ))
}

/// A reason: required, one line of at most [`text::MAX_NOTE_CHARS`] characters.
pub fn check_reason(s: &str) -> Result<String> {
    if s.trim().is_empty() {
        return Err(Error::invalid(
            "ledger_reason_required",
            "alasan wajib diisi",
            "a reason is required",
        ));
    }
    Ok(text::check_line("reason", s, text::MAX_NOTE_CHARS)?.to_string())
}

/// An idempotency key: one line of printable text, at most [`MAX_IDEMPOTENCY_KEY_CHARS`].
pub fn check_idempotency_key(s: &str) -> Result<String> {
    if s.trim().is_empty() {
        return Err(Error::invalid(
            "idempotency_key_empty",
            "kunci idempotensi kosong",
            "the idempotency key is empty",
        ));
    }
    Ok(text::check_line("idempotency-key", s, MAX_IDEMPOTENCY_KEY_CHARS)?.to_string())
}

// ---------------------------------------------------------------------------------------------
// The ledger against the store

/// A ledger error with its stable code. Like the store's: bytes damaged inside the ledger's
/// files (a checksum, a record, an entry that does not decode) are a failure of the system, and
/// so are the file system and the lock (busy: unavailable); a ledger that is missing a file,
/// re-keyed or otherwise not the store's, and refused input, are errors of the request. Damage
/// and loss name `setara restore`.
pub fn ledger_error(e: &setara_ledger::Error) -> Error {
    use setara_ledger::Error as E;
    let kind = match e {
        E::Locked(_) => ErrorKind::Unavailable,
        E::Io { source, .. } if source.kind() != std::io::ErrorKind::NotFound => {
            ErrorKind::Internal
        }
        E::ReadOnly | E::Poisoned => ErrorKind::Internal,
        E::Corrupt(_) | E::InvalidEntry(_) | E::Overflow(_) => ErrorKind::Internal,
        E::OutOfRange(_) => ErrorKind::NotFound,
        _ => ErrorKind::Invalid,
    };
    let damaged = matches!(
        e,
        E::Io { .. }
            | E::Corrupt(_)
            | E::KeyMismatch(_)
            | E::SigningKeyMissing(_)
            | E::DirNotEmpty(_)
            | E::InvalidEntry(_)
            | E::Overflow(_)
    ) && !matches!(e, E::Io { source, .. } if source.kind() != std::io::ErrorKind::NotFound);
    let (id, en) = if damaged {
        (
            format!("buku besar: {e}; {RESTORE_ID}"),
            format!("ledger: {e}; {RESTORE_EN}"),
        )
    } else {
        (format!("buku besar: {e}"), format!("ledger: {e}"))
    };
    Error::new(kind, e.code(), id, en)
}

/// Whether the data directory holds a ledger ([`check_ledger`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    /// No ledger, and the store never applied an entry: a new ledger may be started.
    Nothing,
    /// A ledger at least as long as the store's count, with the store's key.
    Ledger,
}

/// Checks the data directory's ledger against the store before any ledger operation: refuses
/// a ledger that is missing while the store has applied entries (or knows a key), one shorter
/// than the store's count, one whose verifier key is not the store's, and leftover ledger files
/// without a description. Reads only `LEDGER`, the index's length and `vkey.txt`.
pub fn check_ledger(app: &App, store: &dyn Store) -> Result<Found> {
    let dir = app.data.ledger();
    let applied = store.ledger_applied()?;
    let key = store.ledger_key()?;
    if !dir.join("LEDGER").exists() {
        if applied > 0 || key.is_some() {
            return Err(Error::invalid(
                "ledger_missing_but_store_has_entries",
                format!(
                    "buku besar di {} tidak ada, padahal basis data telah mencatat {applied} entri buku besar (dana dan pembayaran yang menjadi dasar status hak bantuan): entri itu hilang. Buku besar baru tidak dibuat (kuncinya lain dan riwayatnya kosong); semua perintah buku besar ditolak sampai {RESTORE_ID}",
                    app.data.show(&dir)
                ),
                format!(
                    "the ledger in {} is missing, but the store has recorded {applied} ledger entries (the funds and payments its entitlements' states rest on): they are gone. No new ledger is started (it would have another key and none of the history); every ledger command is refused until you {RESTORE_EN}",
                    app.data.show(&dir)
                ),
            ));
        }
        let leftovers =
            dir.is_dir() && std::fs::read_dir(&dir).map_or(true, |mut d| d.next().is_some());
        if leftovers {
            return Err(ledger_error(&setara_ledger::Error::DirNotEmpty(dir)));
        }
        return Ok(Found::Nothing);
    }
    let len = setara_ledger::backup::committed_len(&dir).map_err(|e| ledger_error(&e))?;
    if len < applied {
        return Err(behind(app, &dir, len, applied));
    }
    if let Some(stored) = key {
        let path = dir.join("vkey.txt");
        let vkey = std::fs::read_to_string(&path)
            .map_err(|source| ledger_error(&setara_ledger::Error::Io { path, source }))?;
        if vkey.trim() != stored {
            return Err(key_replaced(app, &dir, vkey.trim(), &stored));
        }
    }
    Ok(Found::Ledger)
}

fn behind(app: &App, dir: &Path, len: u64, applied: u64) -> Error {
    Error::invalid(
        "ledger_behind_store",
        format!(
            "buku besar di {} hanya memuat {len} entri, padahal basis data telah mencatat {applied}: entri yang sudah diakui hilang. Semua perintah buku besar ditolak sampai {RESTORE_ID}",
            app.data.show(dir)
        ),
        format!(
            "the ledger in {} holds only {len} entries but the store has recorded {applied}: acknowledged entries were lost. Every ledger command is refused until you {RESTORE_EN}",
            app.data.show(dir)
        ),
    )
}

fn key_replaced(app: &App, dir: &Path, found: &str, stored: &str) -> Error {
    let found = text::printable(found);
    Error::invalid(
        "ledger_key_replaced",
        format!(
            "buku besar di {} memakai kunci verifikasi {found}, bukan kunci {stored} yang tercatat di basis data untuk pembayarannya: buku besar diganti atau kuncinya diganti. Semua perintah buku besar ditolak sampai {RESTORE_ID}",
            app.data.show(dir)
        ),
        format!(
            "the ledger in {} has the verifier key {found}, not the key {stored} the store recorded for its payments: the ledger or its key was replaced. Every ledger command is refused until you {RESTORE_EN}",
            app.data.show(dir)
        ),
    )
}

/// After opening: the ledger is never shorter than the store's count (a partial index entry
/// may have been dropped) and has the store's key; a store that never recorded a key records
/// this one.
fn check_opened(app: &App, store: &mut dyn Store, ledger: &Ledger) -> Result<()> {
    let applied = store.ledger_applied()?;
    if ledger.len() < applied {
        return Err(behind(app, ledger.dir(), ledger.len(), applied));
    }
    match store.ledger_key()? {
        Some(k) if k != ledger.verifier_key() => {
            Err(key_replaced(app, ledger.dir(), &ledger.verifier_key(), &k))
        }
        Some(_) => Ok(()),
        None => Ok(store.set_ledger_key(&ledger.verifier_key())?),
    }
}

/// Open the log as its one writer (creating it and its signing key when the store has never
/// used one), checked against the store, with entries the store missed applied.
pub fn open_writer(app: &App, store: &mut dyn Store, actor: &Actor) -> Result<Ledger> {
    let dir = app.data.ledger();
    let ledger = match check_ledger(app, store)? {
        Found::Nothing => Ledger::init(&dir, ORIGIN),
        Found::Ledger => Ledger::open_waiting(&dir, LOCK_WAIT),
    }
    .map_err(|e| ledger_error(&e))?;
    check_opened(app, store, &ledger)?;
    apply_pending(store, &ledger, actor)?;
    Ok(ledger)
}

/// After a restore: the store applies the ledger entries appended while the backup was taken
/// (the same repair as after an interrupted operation). Returns how many entitlements changed.
pub fn repair_after_restore(app: &App, caller: &Caller) -> Result<u64> {
    let mut store = app.writer()?;
    if check_ledger(app, store.as_ref())? == Found::Nothing {
        return Ok(0);
    }
    let ledger =
        Ledger::open_waiting(&app.data.ledger(), LOCK_WAIT).map_err(|e| ledger_error(&e))?;
    check_opened(app, store.as_mut(), &ledger)?;
    apply_pending(store.as_mut(), &ledger, &caller.actor)
}

/// "There is no ledger yet" (`ledger_missing`), for operations that only read it.
pub fn no_ledger_yet(app: &App) -> Error {
    let dir = app.data.ledger();
    Error::invalid(
        "ledger_missing",
        format!(
            "belum ada buku besar di {}; catat dana dengan `setara ledger fund` atau bayar dengan `setara disburse`",
            app.data.show(&dir)
        ),
        format!(
            "there is no ledger in {} yet; record funds with `setara ledger fund` or pay with `setara disburse`",
            app.data.show(&dir)
        ),
    )
}

/// The store, without creating one where the data directory holds neither a store nor a
/// ledger (an operation that only reads has nothing to read then).
pub fn open_store_for_reading(app: &App) -> Result<crate::stores::Reading<'_>> {
    require_something(app)?;
    app.reader()
}

/// The same for an operation that writes (a checkpoint, a reversal): the store's writer.
fn open_store_for_writing(app: &App) -> Result<crate::stores::Writing<'_>> {
    require_something(app)?;
    app.writer()
}

fn require_something(app: &App) -> Result<()> {
    if !app.data.store_elsewhere() && !app.data.store_path().exists() && !app.data.ledger().exists()
    {
        return Err(no_ledger_yet(app));
    }
    Ok(())
}

/// Open the log for reading, checked against the store.
pub fn open_existing(app: &App) -> Result<Ledger> {
    let mut store = open_store_for_reading(app)?;
    if check_ledger(app, store.as_ref())? == Found::Nothing {
        return Err(no_ledger_yet(app));
    }
    let ledger = Ledger::open_read_only(&app.data.ledger()).map_err(|e| ledger_error(&e))?;
    check_opened(app, store.as_mut(), &ledger)?;
    Ok(ledger)
}

fn entitlement_of(entry: &Entry) -> Option<i64> {
    entry
        .reference
        .as_deref()?
        .strip_prefix("entitlement:")?
        .parse()
        .ok()
}

/// Bring the store up to the ledger: entries appended but not yet recorded (a crash between
/// the two) are applied now.
fn apply_pending(store: &mut dyn Store, ledger: &Ledger, actor: &Actor) -> Result<u64> {
    let applied = store.ledger_applied()?;
    let len = ledger.len();
    let mut repaired = 0;
    for index in applied..len {
        let entry = ledger.entry(index).map_err(|e| ledger_error(&e))?;
        // A disbursement names its entitlement; a reversal names the entry it reverses.
        let (id, kind) = match entry.reversed_index() {
            Some(r) => {
                let original = ledger.entry(r).map_err(|e| ledger_error(&e))?;
                (entitlement_of(&original), EntryKind::Reversal)
            }
            None => (entitlement_of(&entry), entry.kind),
        };
        let Some(id) = id else {
            continue;
        };
        let Some((e, _)) = store.entitlement(id)? else {
            continue;
        };
        let (to, via) = match kind {
            EntryKind::Disbursement if e.state == State::Approved => {
                (State::Paid, Via::Disbursement)
            }
            EntryKind::Reversal if e.state == State::Paid => (State::Approved, Via::Reversal),
            _ => continue,
        };
        store.transition(
            &[id],
            to,
            via,
            actor,
            "recorded from the ledger after an interruption",
            Some(&[index]),
        )?;
        repaired += 1;
    }
    if len != applied {
        store.set_ledger_applied(len)?;
    }
    Ok(repaired)
}

// ---------------------------------------------------------------------------------------------
// Idempotency

/// What an idempotency key says about a request, once the ledger is open for writing.
enum Prior<T> {
    /// No key, or a key not used before: go on.
    New,
    /// The first result of the same request.
    Done(T),
    /// The same request was interrupted after its entries reached the ledger: these are they.
    Appended(Range<u64>),
}

/// The key, the operation and the digest of one request.
struct Keyed<'a> {
    key: &'a str,
    operation: &'static str,
    request_sha256: String,
}

impl<'a> Keyed<'a> {
    fn new(
        key: Option<&'a str>,
        operation: &'static str,
        request: &impl Serialize,
    ) -> Result<Option<Self>> {
        let Some(key) = key else {
            return Ok(None);
        };
        check_idempotency_key(key)?;
        let mut h = Sha256::new();
        h.update(operation.as_bytes());
        h.update(b"\n");
        h.update(serde_json::to_vec(request).expect("a request serialises"));
        Ok(Some(Keyed {
            key,
            operation,
            request_sha256: hex::encode(h.finalize()),
        }))
    }

    /// Looks the key up: refuses it when it was used for another request.
    fn prior<T: DeserializeOwned>(&self, store: &dyn Store, ledger: &Ledger) -> Result<Prior<T>> {
        let Some(rec) = store.idempotency(self.key)? else {
            return Ok(Prior::New);
        };
        if rec.operation != self.operation || rec.request_sha256 != self.request_sha256 {
            let shown = text::printable(self.key);
            return Err(Error::new(
                ErrorKind::Conflict,
                "idempotency_key_reused",
                format!(
                    "kunci idempotensi {shown} sudah dipakai untuk permintaan lain ({}); tidak ada uang yang dipindahkan. Gunakan kunci baru untuk permintaan baru",
                    rec.operation
                ),
                format!(
                    "the idempotency key {shown} was already used for another request ({}); no money was moved. Use a new key for a new request",
                    rec.operation
                ),
            ));
        }
        if let Some(result) = rec.result {
            let first = serde_json::from_str(&result).map_err(|e| {
                Error::internal(
                    "idempotency_result_damaged",
                    format!("hasil tersimpan untuk kunci idempotensi rusak: {e}"),
                    format!("the result kept for the idempotency key is damaged: {e}"),
                )
            })?;
            return Ok(Prior::Done(first));
        }
        let end = rec.first_index.saturating_add(rec.entries);
        if rec.entries > 0 && ledger.len() >= end {
            let digest = ledger_digest(ledger, rec.first_index..end)?;
            if digest == rec.entries_sha256 {
                return Ok(Prior::Appended(rec.first_index..end));
            }
        }
        // The entries never reached the ledger: the request is carried out now.
        Ok(Prior::New)
    }

    /// Records the key as pending, before `entries` are appended at the ledger's end.
    fn begin(&self, store: &mut dyn Store, ledger: &Ledger, entries: &[Entry]) -> Result<()> {
        let mut h = Sha256::new();
        for e in entries {
            h.update(Sha256::digest(e.to_bytes().map_err(|e| ledger_error(&e))?));
        }
        store.idempotency_begin(&Idempotency {
            key: self.key.to_string(),
            operation: self.operation.to_string(),
            request_sha256: self.request_sha256.clone(),
            first_index: ledger.len(),
            entries: entries.len() as u64,
            entries_sha256: hex::encode(h.finalize()),
            result: None,
        })?;
        Ok(())
    }

    /// Keeps the first result.
    fn done(&self, store: &mut dyn Store, result: &impl Serialize) -> Result<()> {
        let json = serde_json::to_string(result).expect("a result serialises");
        Ok(store.idempotency_done(self.key, &json)?)
    }
}

fn ledger_digest(ledger: &Ledger, range: Range<u64>) -> Result<String> {
    let mut h = Sha256::new();
    for i in range {
        h.update(Sha256::digest(
            ledger.entry_bytes(i).map_err(|e| ledger_error(&e))?,
        ));
    }
    Ok(hex::encode(h.finalize()))
}

// ---------------------------------------------------------------------------------------------
// Operations

fn require_programme(store: &dyn Store, programme: &str) -> Result<()> {
    if store.programme(programme)?.is_none() {
        return Err(setara_store::StoreError::ProgrammeNotFound(programme.to_string()).into());
    }
    Ok(())
}

/// Record money coming in for a programme.
pub fn fund(app: &App, caller: &Caller, req: &FundRequest) -> Result<Appended> {
    let party = req.from.as_deref().map(|f| ("--from", "from", f));
    let entry = programme_money(
        app,
        req.kind.entry_kind(),
        &req.programme,
        req.cycle,
        req.amount,
        &req.channel,
        party,
    )?;
    let keyed = Keyed::new(req.idempotency_key.as_deref(), "fund", req)?;
    append_programme_money(app, caller, entry, keyed)
}

/// Record money going back out of a programme to its funder.
pub fn return_funds(app: &App, caller: &Caller, req: &ReturnFundsRequest) -> Result<Appended> {
    let party = req.to.as_deref().map(|t| ("--to", "to", t));
    let entry = programme_money(
        app,
        EntryKind::Return,
        &req.programme,
        req.cycle,
        req.amount,
        &req.channel,
        party,
    )?;
    let keyed = Keyed::new(req.idempotency_key.as_deref(), "return_funds", req)?;
    append_programme_money(app, caller, entry, keyed)
}

/// The entry of a programme's money (funds in, or back to a funder), every value checked;
/// `party` is (the field that named it, the reference's prefix, the organisation code).
fn programme_money(
    app: &App,
    kind: EntryKind,
    programme: &str,
    cycle: u32,
    amount: i64,
    channel: &str,
    party: Option<(&'static str, &str, &str)>,
) -> Result<Entry> {
    Ok(Entry {
        kind,
        programme: programme.to_string(),
        cycle,
        amount: check_amount(amount)?,
        channel: check_channel(channel)?,
        time: app.now(),
        household: None,
        reference: match party {
            Some((field, prefix, code)) => Some(format!("{prefix}:{}", check_party(field, code)?)),
            None => None,
        },
    })
}

/// Append one funds entry (in, or returned to a funder) of an existing programme, and publish
/// a checkpoint.
fn append_programme_money(
    app: &App,
    caller: &Caller,
    entry: Entry,
    keyed: Option<Keyed>,
) -> Result<Appended> {
    caller.require_money()?;
    let mut store = app.writer()?;
    require_programme(store.as_ref(), &entry.programme)?;
    let mut ledger = open_writer(app, store.as_mut(), &caller.actor)?;
    let range = match keyed
        .as_ref()
        .map(|k| k.prior(store.as_ref(), &ledger))
        .transpose()?
    {
        Some(Prior::Done(first)) => {
            return Ok(Appended {
                replayed: true,
                ..first
            });
        }
        Some(Prior::Appended(range)) => range,
        Some(Prior::New) | None => {
            if let Some(k) = &keyed {
                k.begin(store.as_mut(), &ledger, std::slice::from_ref(&entry))?;
            }
            let range = ledger
                .append_batch(std::slice::from_ref(&entry))
                .map_err(|e| ledger_error(&e))?;
            store.set_ledger_applied(ledger.len())?;
            range
        }
    };
    let c = ledger.checkpoint().map_err(|e| ledger_error(&e))?;
    let appended = ledger.entry(range.start).map_err(|e| ledger_error(&e))?;
    let result = Appended {
        index: range.start,
        programme: appended.programme,
        amount: appended.amount,
        checkpoint: c.to_note().to_string(),
        replayed: false,
    };
    if let Some(k) = &keyed {
        k.done(store.as_mut(), &result)?;
    }
    Ok(result)
}

/// A signed checkpoint of the log as it is now.
pub fn checkpoint(app: &App, caller: &Caller) -> Result<Checkpointed> {
    let mut store = open_store_for_writing(app)?;
    if check_ledger(app, store.as_ref())? == Found::Nothing {
        return Err(no_ledger_yet(app));
    }
    let mut ledger = open_writer(app, store.as_mut(), &caller.actor)?;
    let c = ledger.checkpoint().map_err(|e| ledger_error(&e))?;
    Ok(Checkpointed {
        size: c.size,
        note: c.to_note().to_string(),
    })
}

/// The 32-byte commitment nonce an entitlement keeps (hex).
pub fn nonce_bytes(hex_nonce: Option<&str>) -> Result<[u8; 32]> {
    let bad = || Error::internal("entitlement_nonce", "nonce rusak", "damaged nonce");
    let v = hex::decode(hex_nonce.ok_or_else(bad)?).map_err(|_| bad())?;
    v.try_into().map_err(|_| bad())
}

fn approved_of(
    store: &dyn Store,
    req: &DisburseRequest,
) -> Result<Vec<setara_store::EntitlementView>> {
    Ok(store.entitlements(&EntitlementFilter {
        programme: Some(req.programme.clone()),
        cycle: Some(req.cycle),
        state: Some(State::Approved),
        kk: None,
        limit: 0,
    })?)
}

/// Pay every approved entitlement of a programme's cycle: one ledger entry each, committed to
/// the household by SHA-256(KK ‖ nonce), then the entitlements marked paid with their index.
pub fn disburse(app: &App, caller: &Caller, req: &DisburseRequest) -> Result<Disbursed> {
    caller.require_money()?;
    let channel = check_channel(&req.channel)?;
    let mut store = app.writer()?;
    require_programme(store.as_ref(), &req.programme)?;
    let mut ledger = open_writer(app, store.as_mut(), &caller.actor)?;
    let keyed = Keyed::new(req.idempotency_key.as_deref(), "disburse", req)?;
    let range = match keyed
        .as_ref()
        .map(|k| k.prior(store.as_ref(), &ledger))
        .transpose()?
    {
        Some(Prior::Done(first)) => {
            return Ok(Disbursed {
                replayed: true,
                ..first
            });
        }
        // The store caught up with these entries when the ledger was opened.
        Some(Prior::Appended(range)) => range,
        Some(Prior::New) | None => pay(
            app,
            caller,
            store.as_mut(),
            &mut ledger,
            req,
            &channel,
            keyed.as_ref(),
        )?,
    };
    let checkpoint = ledger.checkpoint().map_err(|e| ledger_error(&e))?;
    let mut rupiah_total = 0i64;
    for i in range.clone() {
        let e = ledger.entry(i).map_err(|e| ledger_error(&e))?;
        rupiah_total = rupiah_total.saturating_add(e.amount);
    }
    let result = Disbursed {
        programme: req.programme.clone(),
        cycle: req.cycle,
        paid: range.end - range.start,
        rupiah: rupiah_total,
        channel,
        first_index: range.start,
        end_index: range.end,
        checkpoint: checkpoint.to_note().to_string(),
        replayed: false,
    };
    if let Some(k) = &keyed {
        k.done(store.as_mut(), &result)?;
    }
    Ok(result)
}

/// The payments of [`disburse`]: checks, entries, the append and the store's record.
fn pay(
    app: &App,
    caller: &Caller,
    store: &mut dyn Store,
    ledger: &mut Ledger,
    req: &DisburseRequest,
    channel: &str,
    keyed: Option<&Keyed>,
) -> Result<Range<u64>> {
    let approved = approved_of(store, req)?;
    if approved.is_empty() {
        return Err(Error::invalid(
            "disburse_nothing_approved",
            format!(
                "tidak ada hak bantuan berstatus approved pada siklus {} program {}; setujui dahulu dengan `setara entitlement transition`",
                req.cycle, req.programme
            ),
            format!(
                "no approved entitlement in cycle {} of programme {}; approve first with `setara entitlement transition`",
                req.cycle, req.programme
            ),
        ));
    }
    let mut total = 0i64;
    for e in &approved {
        if !(1..=setara_core::Rupiah::MAX).contains(&e.amount) {
            return Err(Error::invalid(
                "disburse_amount_invalid",
                format!(
                    "hak bantuan {} bernilai {}, di luar 1..{}; tidak ada yang dibayarkan",
                    e.id,
                    e.amount,
                    setara_core::Rupiah::MAX
                ),
                format!(
                    "entitlement {} is worth {}, outside 1..{}; nothing was paid",
                    e.id,
                    e.amount,
                    setara_core::Rupiah::MAX
                ),
            ));
        }
        total = total.checked_add(e.amount).ok_or_else(|| {
            Error::invalid(
                "disburse_total_overflow",
                format!(
                    "jumlah {} hak bantuan melampaui batas hitung rupiah; bayarkan per bagian",
                    approved.len()
                ),
                format!(
                    "the total of {} entitlements is beyond what a rupiah sum can hold; pay in parts",
                    approved.len()
                ),
            )
        })?;
    }
    let balance = ledger
        .balances()
        .get(&req.programme)
        .map_or(0, |b| b.balance);
    if balance < total {
        return Err(Error::invalid(
            "disburse_insufficient_funds",
            format!(
                "dana program {} di buku besar {} tidak cukup untuk {} ({} keluarga); catat dana dengan `setara ledger fund`",
                req.programme,
                rupiah(balance),
                rupiah(total),
                approved.len()
            ),
            format!(
                "programme {} has {} in the ledger, not enough for {} ({} households); record funds with `setara ledger fund`",
                req.programme,
                rupiah(balance),
                rupiah(total),
                approved.len()
            ),
        ));
    }
    // Each entitlement keeps a random nonce; the ledger sees only SHA-256(KK ‖ nonce).
    let fresh: Vec<(i64, String)> = approved
        .iter()
        .filter(|e| e.nonce.is_none())
        .map(|e| (e.id, hex::encode(setara_ledger::new_nonce())))
        .collect();
    store.set_nonces(&fresh)?;
    let approved = approved_of(store, req)?;
    let time = app.now();
    let mut entries = Vec::with_capacity(approved.len());
    for e in &approved {
        let nonce = nonce_bytes(e.nonce.as_deref())?;
        entries.push(Entry {
            kind: EntryKind::Disbursement,
            programme: req.programme.clone(),
            cycle: req.cycle,
            amount: e.amount,
            channel: channel.to_string(),
            time,
            household: Some(setara_ledger::commitment(&e.kk.to_string(), &nonce)),
            reference: Some(format!("entitlement:{}", e.id)),
        });
    }
    if let Some(k) = keyed {
        k.begin(store, ledger, &entries)?;
    }
    let range = ledger
        .append_batch(&entries)
        .map_err(|e| ledger_error(&e))?;
    let ids: Vec<i64> = approved.iter().map(|e| e.id).collect();
    let indexes: Vec<u64> = range.clone().collect();
    store.transition(
        &ids,
        State::Paid,
        Via::Disbursement,
        &caller.actor,
        &format!("disbursed via {channel}"),
        Some(&indexes),
    )?;
    store.set_ledger_applied(ledger.len())?;
    Ok(range)
}

/// The money of a paid entitlement came back: its disbursement is reversed by a new entry and
/// the entitlement is approved again.
pub fn money_returned(app: &App, caller: &Caller, req: &MoneyReturnedRequest) -> Result<Reversed> {
    check_reason(&req.reason)?;
    let store = app.reader()?;
    check_ledger(app, store.as_ref())?;
    let (e, _) = store.entitlement(req.entitlement)?.ok_or(
        setara_store::StoreError::EntitlementNotFound(req.entitlement),
    )?;
    // The key stands for this request (the entitlement), not for the reversal it becomes: a
    // repeat after the money was returned finds the first result before the entitlement's
    // state (approved again) is looked at.
    let keyed = Keyed::new(req.idempotency_key.as_deref(), "money_returned", req)?;
    let id = e.id;
    let seen = match &keyed {
        Some(k) => store.idempotency(k.key)?.is_some(),
        None => false,
    };
    if !seen {
        paid_by(store.as_ref(), id)?;
    }
    drop(store);
    reverse_entry(app, caller, &|store| paid_by(store, id), &req.reason, keyed)
}

/// The ledger index of the payment of entitlement `id`, which must be paid.
fn paid_by(store: &dyn Store, id: i64) -> Result<u64> {
    let (e, _) = store
        .entitlement(id)?
        .ok_or(setara_store::StoreError::EntitlementNotFound(id))?;
    match (e.state, e.ledger_index) {
        (State::Paid, Some(i)) => Ok(i),
        _ => Err(setara_store::StoreError::TransitionNotAllowed {
            id: e.id,
            from: e.state.code().into(),
            to: State::Approved.code().into(),
            allowed: e
                .state
                .next()
                .iter()
                .map(|s| s.code().to_string())
                .collect(),
        }
        .into()),
    }
}

/// Append a reversal of an entry. When that entry paid an entitlement, the entitlement is
/// approved again (the money came back), with the reason in its history.
pub fn reverse(app: &App, caller: &Caller, req: &ReverseRequest) -> Result<Reversed> {
    let keyed = Keyed::new(req.idempotency_key.as_deref(), "reverse", req)?;
    let index = req.index;
    reverse_entry(app, caller, &|_| Ok(index), &req.reason, keyed)
}

/// Reverse the entry `target` names (asked once the ledger is open and the store caught up).
fn reverse_entry(
    app: &App,
    caller: &Caller,
    target: &dyn Fn(&dyn Store) -> Result<u64>,
    reason: &str,
    keyed: Option<Keyed>,
) -> Result<Reversed> {
    caller.require_money()?;
    let reason = check_reason(reason)?;
    let mut store = open_store_for_writing(app)?;
    if check_ledger(app, store.as_ref())? == Found::Nothing {
        return Err(no_ledger_yet(app));
    }
    let mut ledger = open_writer(app, store.as_mut(), &caller.actor)?;
    let prior = keyed
        .as_ref()
        .map(|k| k.prior::<Reversed>(store.as_ref(), &ledger))
        .transpose()?;
    let (at, index, paid) = match prior {
        Some(Prior::Done(first)) => {
            return Ok(Reversed {
                replayed: true,
                ..first
            });
        }
        // The store approved the entitlement again when the ledger was opened.
        Some(Prior::Appended(range)) => {
            let reversal = ledger.entry(range.start).map_err(|e| ledger_error(&e))?;
            let index = reversal.reversed_index().unwrap_or_default();
            let original = ledger.entry(index).map_err(|e| ledger_error(&e))?;
            let paid =
                entitlement_of(&original).filter(|_| original.kind == EntryKind::Disbursement);
            (range.start, index, paid)
        }
        Some(Prior::New) | None => {
            let index = target(store.as_ref())?;
            let original = ledger.entry(index).map_err(|e| ledger_error(&e))?;
            let paid = match entitlement_of(&original) {
                Some(id) if original.kind == EntryKind::Disbursement => {
                    match store.entitlement(id)? {
                        Some((e, _)) if e.state == State::Paid && e.ledger_index == Some(index) => {
                            Some(id)
                        }
                        _ => {
                            return Err(Error::new(
                                ErrorKind::Conflict,
                                "ledger_reverse_not_paid",
                                format!(
                                    "entri #{index} membayar hak bantuan {id}, yang tidak lagi berstatus paid dengan entri ini"
                                ),
                                format!(
                                    "entry #{index} paid entitlement {id}, which is no longer paid by this entry"
                                ),
                            ));
                        }
                    }
                }
                _ => None,
            };
            let entry = Entry {
                kind: EntryKind::Reversal,
                programme: original.programme.clone(),
                cycle: original.cycle,
                amount: original.amount,
                channel: original.channel.clone(),
                time: app.now(),
                household: None,
                reference: Some(index.to_string()),
            };
            if let Some(k) = &keyed {
                k.begin(store.as_mut(), &ledger, std::slice::from_ref(&entry))?;
            }
            let range = ledger
                .append_batch(std::slice::from_ref(&entry))
                .map_err(|e| ledger_error(&e))?;
            if let Some(id) = paid {
                store.transition(
                    &[id],
                    State::Approved,
                    Via::Reversal,
                    &caller.actor,
                    &reason,
                    Some(&[range.start]),
                )?;
            }
            store.set_ledger_applied(ledger.len())?;
            (range.start, index, paid)
        }
    };
    let c = ledger.checkpoint().map_err(|e| ledger_error(&e))?;
    let result = Reversed {
        index: at,
        reverses: index,
        entitlement: paid,
        reason,
        checkpoint: c.to_note().to_string(),
        replayed: false,
    };
    if let Some(k) = &keyed {
        k.done(store.as_mut(), &result)?;
    }
    Ok(result)
}

/// The receipt of an entitlement's payment, checkable offline against the ledger's verifier
/// key, with what the citizen needs to check it.
#[derive(Clone, Debug, Serialize)]
pub struct PaymentReceipt {
    pub receipt: setara_ledger::Receipt,
    /// The ledger index of the payment.
    pub index: u64,
    /// The household the payment is committed to.
    pub kk: setara_core::Kk,
    /// The ledger's verifier key.
    pub vkey: String,
}

/// The receipt of entitlement `id`'s payment. Reading it reads the household's commitment: the
/// access is recorded in the same store transaction as the read of the entitlement.
pub fn receipt(app: &App, caller: &Caller, id: i64) -> Result<PaymentReceipt> {
    let mut store = open_store_for_reading(app)?;
    if check_ledger(app, store.as_ref())? == Found::Nothing {
        return Err(no_ledger_yet(app));
    }
    let (e, _) = store
        .read_entitlement(
            id,
            &setara_store::Reader {
                actor: &caller.actor,
                action: "ledger_receipt",
                within: caller.scope,
            },
        )?
        .ok_or(setara_store::StoreError::EntitlementNotFound(id))?;
    let index = e.ledger_index.ok_or_else(|| {
        Error::invalid(
            "receipt_not_paid",
            format!("hak bantuan {} belum dibayarkan (status {})", e.id, e.state),
            format!("entitlement {} has not been paid (state {})", e.id, e.state),
        )
    })?;
    let nonce = nonce_bytes(e.nonce.as_deref())?;
    drop(store);
    let ledger = open_existing(app)?;
    let receipt = ledger
        .receipt(index, Some(nonce))
        .map_err(|e| ledger_error(&e))?;
    Ok(PaymentReceipt {
        receipt,
        index,
        kk: e.kk,
        vkey: ledger.verifier_key(),
    })
}
