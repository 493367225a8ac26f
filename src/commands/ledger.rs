//! `setara disburse` and `setara ledger …`: every rupiah in and out appended to the
//! tamper-evident log (`DATA_DIR/ledger/`, crate `setara-ledger`), entitlements marked paid with
//! the index of their leaf, signed checkpoints, receipts, proofs and the audit.
//!
//! The ledger is the authority on money. An append is acknowledged once fsynced; the store then
//! records which entitlements were paid and how many ledger entries it has applied. Should the
//! process die between the two, the next ledger command applies the missing entries first, so
//! an entitlement is never paid twice and never loses its payment.
//!
//! The store also knows how many entries it applied and under which verifier key. A ledger
//! that is missing, shorter than that, or has another key lost acknowledged entries (or was
//! replaced): every ledger command, and every entitlement change that involves a payment, is
//! then refused until the data directory is restored from a backup ([`check_ledger`]). Only a
//! store that never applied an entry may start a new ledger.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand};
use setara_core::text;
use setara_ledger::{Entry, EntryKind, Ledger};
use setara_store::{EntitlementFilter, Store};
use setara_targeting::entitlement::{State, Via};
use setara_targeting::rupiah;

use crate::context::{Context, show_path};
use crate::failure::{Failure, Kind, Result};
use crate::output::OutputFile;

/// Name of the log in its checkpoints (the C2SP "origin").
pub const ORIGIN: &str = "setara.local/ledger";

// The ledger crate depends on nothing of Setara's, so it has its own copy of the ceiling.
const _: () = assert!(setara_ledger::MAX_AMOUNT == setara_core::Rupiah::MAX);

/// How long a command that writes the ledger waits for another writer (a `disburse` in
/// progress, or a backup fixing its moment) before it gives up with `ledger_locked`: a
/// disbursement of a whole cycle takes seconds, a backup holds the lock for milliseconds.
pub const LOCK_WAIT: Duration = Duration::from_secs(30);

/// Longest `--from` / `--to` (who money comes from or goes back to), in characters: an
/// organisation code such as `APBD-Jabar-2026` or `pt-sinar-nusantara`. It is stored in the
/// entry's reference (`from:` + code), which the entry format limits to 128 bytes; the
/// append-only ledger keeps it forever, so it is checked before anything is written.
pub const MAX_PARTY_CHARS: usize = 64;

/// The payment channels an entry may name. A closed list: a typo (`bank-transfer`,
/// `transfer`) would otherwise be written into the append-only ledger forever.
pub const CHANNELS: &[&str] = &["bank_transfer", "pos", "cash", "in_kind", "e_wallet"];

#[derive(Debug, Args)]
pub struct DisburseArgs {
    /// Programme code.
    #[arg(long)]
    pub programme: String,
    /// Cycle whose approved entitlements are paid.
    #[arg(long)]
    pub cycle: u32,
    /// Payment channel recorded in each entry: bank_transfer, pos, cash, in_kind or e_wallet.
    #[arg(long, default_value = "bank_transfer")]
    pub channel: String,
}

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Record money coming in for a programme: budget, csr_contribution or donation.
    Fund(FundArgs),
    /// Sign and publish a checkpoint of the log as it is now.
    Checkpoint,
    /// Inclusion proof of one entry in the tree of a given size.
    Prove(ProveArgs),
    /// A receipt for an entitlement's payment, checkable offline.
    Receipt(ReceiptArgs),
    /// Check a receipt offline against the ledger's verifier key.
    VerifyReceipt(VerifyReceiptArgs),
    /// Consistency proof between two tree sizes (the log only grew).
    Consistency(ConsistencyArgs),
    /// Recompute the tree from storage and check every published checkpoint and the balances.
    Audit,
    /// Money of a paid entitlement came back: its disbursement is reversed by a new entry and the
    /// entitlement is approved again.
    Return(ReturnArgs),
    /// Reverse a wrong entry with a new entry that cancels it (entries are never edited).
    Reverse(ReverseArgs),
    /// Money going back out of a programme to its funder (unused budget): a return entry.
    ReturnFunds(ReturnFundsArgs),
    /// The verifier key (publish it; receipts are checked against it).
    Vkey,
}

#[derive(Debug, Args)]
pub struct FundArgs {
    #[arg(long)]
    pub programme: String,
    /// budget, csr_contribution or donation.
    #[arg(long)]
    pub kind: String,
    /// Rupiah (a whole number, at most 10^15).
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// Cycle the money is for (0: the programme as a whole).
    #[arg(long, default_value_t = 0)]
    pub cycle: u32,
    /// Where the money comes from: an organisation code (letters, digits, . _ - /).
    #[arg(long)]
    pub from: Option<String>,
    /// bank_transfer, pos, cash, in_kind or e_wallet.
    #[arg(long, default_value = "bank_transfer")]
    pub channel: String,
}

#[derive(Debug, Args)]
pub struct ProveArgs {
    /// Index of the entry.
    #[arg(long)]
    pub index: u64,
    /// Tree size (default: the latest checkpoint's).
    #[arg(long)]
    pub size: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ReceiptArgs {
    /// The entitlement's number.
    #[arg(long)]
    pub entitlement: i64,
    /// Write the receipt here (default: stdout).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the file named by --out if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct VerifyReceiptArgs {
    /// The receipt (JSON).
    pub file: PathBuf,
    /// The ledger's verifier key (`setara ledger vkey`).
    #[arg(long)]
    pub vkey: String,
    /// The household's KK: also check that the entry is committed to this household.
    #[arg(long)]
    pub kk: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConsistencyArgs {
    /// Older tree size (a published checkpoint's).
    #[arg(long, required_unless_present = "saved")]
    pub from: Option<u64>,
    /// Newer tree size (default: the latest checkpoint's).
    #[arg(long)]
    pub to: Option<u64>,
    /// A checkpoint saved earlier by an auditor (the signed note): check that the log as it is
    /// now still contains it — a log rewritten and re-signed fails here.
    #[arg(long, conflicts_with = "from")]
    pub saved: Option<PathBuf>,
    /// Verifier key for --saved (default: the ledger's own vkey.txt).
    #[arg(long)]
    pub vkey: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReturnArgs {
    #[arg(long)]
    pub entitlement: i64,
    /// Why the money came back (required).
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct ReturnFundsArgs {
    #[arg(long)]
    pub programme: String,
    /// Rupiah (a whole number, at most 10^15).
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    #[arg(long, default_value_t = 0)]
    pub cycle: u32,
    /// To whom: an organisation code (letters, digits, . _ - /).
    #[arg(long)]
    pub to: Option<String>,
    /// bank_transfer, pos, cash, in_kind or e_wallet.
    #[arg(long, default_value = "bank_transfer")]
    pub channel: String,
}

#[derive(Debug, Args)]
pub struct ReverseArgs {
    /// Index of the entry to reverse.
    #[arg(long)]
    pub index: u64,
    /// Why (required).
    #[arg(long)]
    pub reason: String,
}

fn ledger_dir(ctx: &Context) -> PathBuf {
    ctx.data_dir.join("ledger")
}

const RESTORE_ID: &str = "pulihkan direktori data dari cadangan dengan `setara restore DIREKTORI_CADANGAN` (lihat docs/backup.md)";
const RESTORE_EN: &str = "restore the data directory from a backup with `setara restore BACKUP_DIR` (see docs/backup.md)";

/// A ledger error as the user sees it, with its stable code. Like the store's: bytes damaged
/// inside the ledger's files (a checksum, a record, an entry that does not decode) are a
/// failure of the system (exit 3), and so are the file system and the lock; a ledger that is
/// missing a file, re-keyed or otherwise not the store's is exit 1; refused input is exit 1.
/// Damage and loss name `setara restore`.
pub(crate) fn ledger_failure(e: &setara_ledger::Error) -> Failure {
    use setara_ledger::Error as E;
    let kind = match e {
        E::Io { source, .. } if source.kind() != std::io::ErrorKind::NotFound => Kind::Failed,
        E::Locked(_) | E::ReadOnly | E::Poisoned => Kind::Failed,
        E::Corrupt(_) | E::InvalidEntry(_) | E::Overflow(_) => Kind::Failed,
        _ => Kind::Invalid,
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
    Failure::new(kind, e.code(), id, en)
}

/// Whether the data directory holds a ledger ([`check_ledger`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// No ledger, and the store never applied an entry: a new ledger may be started.
    Nothing,
    /// A ledger at least as long as the store's count, with the store's key.
    Ledger,
}

/// Checks the data directory's ledger against the store before any ledger command: refuses a
/// ledger that is missing while the store has applied entries (or knows a key), one shorter
/// than the store's count, one whose verifier key is not the store's, and leftover ledger files
/// without a description. Reads only `LEDGER`, the index's length and `vkey.txt`.
pub(crate) fn check_ledger(ctx: &Context, store: &dyn Store) -> Result<Found> {
    let dir = ledger_dir(ctx);
    let applied = store.ledger_applied()?;
    let key = store.ledger_key()?;
    if !dir.join("LEDGER").exists() {
        if applied > 0 || key.is_some() {
            return Err(Failure::invalid(
                "ledger_missing_but_store_has_entries",
                format!(
                    "buku besar di {} tidak ada, padahal basis data telah mencatat {applied} entri buku besar (dana dan pembayaran yang menjadi dasar status hak bantuan): entri itu hilang. Buku besar baru tidak dibuat (kuncinya lain dan riwayatnya kosong); semua perintah buku besar ditolak sampai {RESTORE_ID}",
                    show_path(&dir)
                ),
                format!(
                    "the ledger in {} is missing, but the store has recorded {applied} ledger entries (the funds and payments its entitlements' states rest on): they are gone. No new ledger is started (it would have another key and none of the history); every ledger command is refused until you {RESTORE_EN}",
                    show_path(&dir)
                ),
            ));
        }
        let leftovers =
            dir.is_dir() && std::fs::read_dir(&dir).map_or(true, |mut d| d.next().is_some());
        if leftovers {
            return Err(ledger_failure(&setara_ledger::Error::DirNotEmpty(dir)));
        }
        return Ok(Found::Nothing);
    }
    let len = setara_ledger::backup::committed_len(&dir).map_err(|e| ledger_failure(&e))?;
    if len < applied {
        return Err(behind(&dir, len, applied));
    }
    if let Some(stored) = key {
        let path = dir.join("vkey.txt");
        let vkey = std::fs::read_to_string(&path)
            .map_err(|source| ledger_failure(&setara_ledger::Error::Io { path, source }))?;
        if vkey.trim() != stored {
            return Err(key_replaced(&dir, vkey.trim(), &stored));
        }
    }
    Ok(Found::Ledger)
}

fn behind(dir: &Path, len: u64, applied: u64) -> Failure {
    Failure::invalid(
        "ledger_behind_store",
        format!(
            "buku besar di {} hanya memuat {len} entri, padahal basis data telah mencatat {applied}: entri yang sudah diakui hilang. Semua perintah buku besar ditolak sampai {RESTORE_ID}",
            show_path(dir)
        ),
        format!(
            "the ledger in {} holds only {len} entries but the store has recorded {applied}: acknowledged entries were lost. Every ledger command is refused until you {RESTORE_EN}",
            show_path(dir)
        ),
    )
}

fn key_replaced(dir: &Path, found: &str, stored: &str) -> Failure {
    let found = text::printable(found);
    Failure::invalid(
        "ledger_key_replaced",
        format!(
            "buku besar di {} memakai kunci verifikasi {found}, bukan kunci {stored} yang tercatat di basis data untuk pembayarannya: buku besar diganti atau kuncinya diganti. Semua perintah buku besar ditolak sampai {RESTORE_ID}",
            show_path(dir)
        ),
        format!(
            "the ledger in {} has the verifier key {found}, not the key {stored} the store recorded for its payments: the ledger or its key was replaced. Every ledger command is refused until you {RESTORE_EN}",
            show_path(dir)
        ),
    )
}

/// After opening: the ledger is never shorter than the store's count (a partial index entry
/// may have been dropped) and has the store's key; a store that never recorded a key records
/// this one.
fn check_opened(store: &mut dyn Store, ledger: &Ledger) -> Result<()> {
    let applied = store.ledger_applied()?;
    if ledger.len() < applied {
        return Err(behind(ledger.dir(), ledger.len(), applied));
    }
    match store.ledger_key()? {
        Some(k) if k != ledger.verifier_key() => {
            Err(key_replaced(ledger.dir(), &ledger.verifier_key(), &k))
        }
        Some(_) => Ok(()),
        None => Ok(store.set_ledger_key(&ledger.verifier_key())?),
    }
}

/// Open the log as its one writer (creating it and its signing key when the store has never
/// used one), checked against the store, with entries the store missed applied.
fn open_writer(ctx: &Context, store: &mut dyn Store) -> Result<Ledger> {
    let dir = ledger_dir(ctx);
    let ledger = match check_ledger(ctx, store)? {
        Found::Nothing => Ledger::init(&dir, ORIGIN),
        Found::Ledger => Ledger::open_waiting(&dir, LOCK_WAIT),
    }
    .map_err(|e| ledger_failure(&e))?;
    check_opened(store, &ledger)?;
    apply_pending(store, &ledger, &ctx.actor)?;
    Ok(ledger)
}

/// After a restore: the store applies the ledger entries appended while the backup was taken
/// (the same repair as after an interrupted command). Returns how many entitlements changed.
pub(crate) fn repair_after_restore(ctx: &Context) -> Result<u64> {
    let mut store = ctx.open_store()?;
    if check_ledger(ctx, store.as_ref())? == Found::Nothing {
        return Ok(0);
    }
    let ledger =
        Ledger::open_waiting(&ledger_dir(ctx), LOCK_WAIT).map_err(|e| ledger_failure(&e))?;
    check_opened(store.as_mut(), &ledger)?;
    apply_pending(store.as_mut(), &ledger, &ctx.actor)
}

fn no_ledger_yet(ctx: &Context) -> Failure {
    let dir = ledger_dir(ctx);
    Failure::invalid(
        "ledger_missing",
        format!(
            "belum ada buku besar di {}; catat dana dengan `setara ledger fund` atau bayar dengan `setara disburse`",
            show_path(&dir)
        ),
        format!(
            "there is no ledger in {} yet; record funds with `setara ledger fund` or pay with `setara disburse`",
            show_path(&dir)
        ),
    )
}

/// The store, without creating one where the data directory holds neither a store nor a
/// ledger (a command that only reads has nothing to read then).
fn open_store_for_reading(ctx: &Context) -> Result<Box<dyn Store>> {
    if std::env::var_os("SETARA_STORE").is_none()
        && !ctx.store_path().exists()
        && !ledger_dir(ctx).exists()
    {
        return Err(no_ledger_yet(ctx));
    }
    ctx.open_store()
}

/// Open the log for reading, checked against the store.
fn open_existing(ctx: &Context) -> Result<Ledger> {
    let mut store = open_store_for_reading(ctx)?;
    if check_ledger(ctx, store.as_ref())? == Found::Nothing {
        return Err(no_ledger_yet(ctx));
    }
    let ledger = Ledger::open_read_only(&ledger_dir(ctx)).map_err(|e| ledger_failure(&e))?;
    check_opened(store.as_mut(), &ledger)?;
    Ok(ledger)
}

/// A whole number of rupiah from `--amount`: more than 0 and at most the ceiling
/// ([`setara_core::Rupiah::MAX`]).
fn parse_amount(s: &str) -> Result<i64> {
    let t = s.trim();
    let digits = t.strip_prefix('+').unwrap_or(t);
    let too_large = || {
        Failure::invalid(
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
    };
    match t.parse::<i64>() {
        Ok(v) if v > setara_core::Rupiah::MAX => Err(too_large()),
        Ok(v) if v > 0 => Ok(v),
        Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            Err(too_large())
        }
        _ => Err(Failure::invalid(
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

/// `--channel`: one of [`CHANNELS`].
fn check_channel(s: &str) -> Result<String> {
    let t = text::check_line("channel", s, 32)
        .map_err(|e| Failure::from_localized(Kind::Invalid, &e))?;
    if CHANNELS.contains(&t) {
        return Ok(t.to_string());
    }
    Err(Failure::new(
        Kind::Usage,
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

/// `--from` / `--to`: one line of at most [`MAX_PARTY_CHARS`] characters of
/// `A-Z a-z 0-9 . _ - /` (it is written into the append-only ledger).
fn check_party(field: &'static str, s: &str) -> Result<String> {
    let t = text::check_line(field, s, MAX_PARTY_CHARS)
        .map_err(|e| Failure::from_localized(Kind::Invalid, &e))?;
    if t.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/'))
    {
        return Ok(t.to_string());
    }
    Err(Failure::invalid(
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

/// `--reason`: required, one line of at most [`text::MAX_NOTE_CHARS`] characters.
fn check_reason(s: &str) -> Result<String> {
    if s.trim().is_empty() {
        return Err(Failure::invalid(
            "reason_required",
            "alasan wajib diisi",
            "a reason is required",
        ));
    }
    text::check_line("reason", s, text::MAX_NOTE_CHARS)
        .map(str::to_string)
        .map_err(|e| Failure::from_localized(Kind::Invalid, &e))
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
fn apply_pending(
    store: &mut dyn Store,
    ledger: &Ledger,
    actor: &setara_store::Actor,
) -> Result<u64> {
    let applied = store.ledger_applied()?;
    let len = ledger.len();
    let mut repaired = 0;
    for index in applied..len {
        let entry = ledger.entry(index).map_err(|e| ledger_failure(&e))?;
        // A disbursement names its entitlement; a reversal names the entry it reverses.
        let (id, kind) = match entry.reversed_index() {
            Some(r) => {
                let original = ledger.entry(r).map_err(|e| ledger_failure(&e))?;
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

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub fn run_disburse(ctx: &Context, a: DisburseArgs) -> Result<()> {
    let channel = check_channel(&a.channel)?;
    let mut store = ctx.open_store()?;
    if store.programme(&a.programme)?.is_none() {
        return Err(setara_store::StoreError::ProgrammeNotFound(a.programme.clone()).into());
    }
    let mut ledger = open_writer(ctx, store.as_mut())?;
    let approved = store.entitlements(&EntitlementFilter {
        programme: Some(a.programme.clone()),
        cycle: Some(a.cycle),
        state: Some(State::Approved),
        kk: None,
        limit: 0,
    })?;
    if approved.is_empty() {
        return Err(Failure::invalid(
            "disburse_nothing_approved",
            format!(
                "tidak ada hak bantuan berstatus approved pada siklus {} program {}; setujui dahulu dengan `setara entitlement transition`",
                a.cycle, a.programme
            ),
            format!(
                "no approved entitlement in cycle {} of programme {}; approve first with `setara entitlement transition`",
                a.cycle, a.programme
            ),
        ));
    }
    let mut total = 0i64;
    for e in &approved {
        if !(1..=setara_core::Rupiah::MAX).contains(&e.amount) {
            return Err(Failure::invalid(
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
            Failure::invalid(
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
    let balance = ledger.balances().get(&a.programme).map_or(0, |b| b.balance);
    if balance < total {
        return Err(Failure::invalid(
            "disburse_insufficient_funds",
            format!(
                "dana program {} di buku besar {} tidak cukup untuk {} ({} keluarga); catat dana dengan `setara ledger fund`",
                a.programme,
                rupiah(balance),
                rupiah(total),
                approved.len()
            ),
            format!(
                "programme {} has {} in the ledger, not enough for {} ({} households); record funds with `setara ledger fund`",
                a.programme,
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
    let approved = store.entitlements(&EntitlementFilter {
        programme: Some(a.programme.clone()),
        cycle: Some(a.cycle),
        state: Some(State::Approved),
        kk: None,
        limit: 0,
    })?;
    let time = now();
    let mut entries = Vec::with_capacity(approved.len());
    for e in &approved {
        let nonce = nonce_bytes(e.nonce.as_deref())?;
        entries.push(Entry {
            kind: EntryKind::Disbursement,
            programme: a.programme.clone(),
            cycle: a.cycle,
            amount: e.amount,
            channel: channel.clone(),
            time,
            household: Some(setara_ledger::commitment(&e.kk.to_string(), &nonce)),
            reference: Some(format!("entitlement:{}", e.id)),
        });
    }
    let range = ledger
        .append_batch(&entries)
        .map_err(|e| ledger_failure(&e))?;
    let ids: Vec<i64> = approved.iter().map(|e| e.id).collect();
    let indexes: Vec<u64> = range.clone().collect();
    store.transition(
        &ids,
        State::Paid,
        Via::Disbursement,
        &ctx.actor,
        &format!("disbursed via {channel}"),
        Some(&indexes),
    )?;
    store.set_ledger_applied(ledger.len())?;
    let checkpoint = ledger.checkpoint().map_err(|e| ledger_failure(&e))?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({
                "programme": a.programme, "cycle": a.cycle, "paid": ids.len(), "rupiah": total,
                "first_index": range.start, "end_index": range.end,
                "checkpoint": checkpoint.to_note(),
            })
        );
        return Ok(());
    }
    ctx.say(format!(
        "{} {} {} ({}), {} #{}–#{}.",
        ids.len(),
        ctx.t("hak bantuan dibayarkan", "entitlements paid"),
        rupiah(total),
        channel,
        ctx.t("entri buku besar", "ledger entries"),
        range.start,
        range.end.saturating_sub(1)
    ));
    ctx.say(ctx.t("Checkpoint baru:", "New checkpoint:"));
    show_note(ctx, &checkpoint);
    Ok(())
}

/// Print a new checkpoint for people (not with `--quiet` or `--json`).
fn show_note(ctx: &Context, c: &setara_ledger::Checkpoint) {
    if !ctx.quiet && !ctx.json {
        out!("{}", c.to_note());
    }
}

fn nonce_bytes(hex_nonce: Option<&str>) -> Result<[u8; 32]> {
    let bad = || Failure::failed("entitlement_nonce", "nonce rusak", "damaged nonce");
    let v = hex::decode(hex_nonce.ok_or_else(bad)?).map_err(|_| bad())?;
    v.try_into().map_err(|_| bad())
}

pub fn run(ctx: &Context, c: LedgerCommand) -> Result<()> {
    match c {
        LedgerCommand::Fund(a) => fund(ctx, a),
        LedgerCommand::Checkpoint => {
            let mut store = open_store_for_reading(ctx)?;
            if check_ledger(ctx, store.as_ref())? == Found::Nothing {
                return Err(no_ledger_yet(ctx));
            }
            let mut ledger = open_writer(ctx, store.as_mut())?;
            let c = ledger.checkpoint().map_err(|e| ledger_failure(&e))?;
            if ctx.json {
                outln!(
                    "{}",
                    serde_json::json!({ "size": c.size, "note": c.to_note() })
                );
            } else {
                show_note(ctx, &c);
            }
            Ok(())
        }
        LedgerCommand::Prove(a) => prove(ctx, a),
        LedgerCommand::Receipt(a) => receipt(ctx, a),
        LedgerCommand::VerifyReceipt(a) => verify_receipt(ctx, a),
        LedgerCommand::Consistency(a) => consistency(ctx, a),
        LedgerCommand::Audit => audit(ctx),
        LedgerCommand::Return(a) => money_returned(ctx, a),
        LedgerCommand::Reverse(a) => reverse(ctx, a),
        LedgerCommand::ReturnFunds(a) => return_funds(ctx, a),
        LedgerCommand::Vkey => {
            let ledger = open_existing(ctx)?;
            outln!("{}", ledger.verifier_key());
            Ok(())
        }
    }
}

fn fund(ctx: &Context, a: FundArgs) -> Result<()> {
    let kind = match a.kind.as_str() {
        "budget" => EntryKind::Budget,
        "csr_contribution" => EntryKind::CsrContribution,
        "donation" => EntryKind::Donation,
        other => {
            return Err(Failure::new(
                Kind::Usage,
                "ledger_fund_kind",
                format!(
                    "jenis dana {other:?} tidak dikenal; pilihan: budget, csr_contribution, donation"
                ),
                format!(
                    "unknown kind of funds {other:?}; valid: budget, csr_contribution, donation"
                ),
            ));
        }
    };
    let entry = Entry {
        kind,
        programme: a.programme.clone(),
        cycle: a.cycle,
        amount: parse_amount(&a.amount)?,
        channel: check_channel(&a.channel)?,
        time: now(),
        household: None,
        reference: match &a.from {
            Some(f) => Some(format!("from:{}", check_party("--from", f)?)),
            None => None,
        },
    };
    append_programme_money(ctx, entry, ctx.t("dicatat untuk", "recorded for"))
}

/// Append one funds entry (in, or returned to a funder) of an existing programme, and publish a
/// checkpoint.
fn append_programme_money(ctx: &Context, entry: Entry, done: &str) -> Result<()> {
    let mut store = ctx.open_store()?;
    if store.programme(&entry.programme)?.is_none() {
        return Err(setara_store::StoreError::ProgrammeNotFound(entry.programme.clone()).into());
    }
    let mut ledger = open_writer(ctx, store.as_mut())?;
    let range = ledger
        .append_batch(std::slice::from_ref(&entry))
        .map_err(|e| ledger_failure(&e))?;
    store.set_ledger_applied(ledger.len())?;
    let c = ledger.checkpoint().map_err(|e| ledger_failure(&e))?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({ "index": range.start, "checkpoint": c.to_note() })
        );
    } else {
        ctx.say(format!(
            "{} {done} {} {} #{}",
            rupiah(entry.amount),
            entry.programme,
            ctx.t("sebagai entri", "as entry"),
            range.start
        ));
        show_note(ctx, &c);
    }
    Ok(())
}

fn hexes(hs: &[[u8; 32]]) -> Vec<String> {
    hs.iter().map(hex::encode).collect()
}

fn prove(ctx: &Context, a: ProveArgs) -> Result<()> {
    let ledger = open_existing(ctx)?;
    let size = match a.size {
        Some(s) => s,
        None => ledger
            .checkpoints()
            .map_err(|e| ledger_failure(&e))?
            .last()
            .map(|c| c.size)
            .unwrap_or(ledger.len()),
    };
    let proof = ledger
        .inclusion_proof(a.index, size)
        .map_err(|e| ledger_failure(&e))?;
    let entry = ledger.entry(a.index).map_err(|e| ledger_failure(&e))?;
    let leaf = entry.leaf_hash().map_err(|e| ledger_failure(&e))?;
    outln!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({
            "index": a.index, "size": size, "leaf_hash": hex::encode(leaf),
            "proof": hexes(&proof),
        }))
        .expect("serializes")
    );
    Ok(())
}

fn receipt(ctx: &Context, a: ReceiptArgs) -> Result<()> {
    if let Some(path) = &a.out {
        crate::output::check_target(path, a.force, &[])?;
    }
    let mut store = open_store_for_reading(ctx)?;
    if check_ledger(ctx, store.as_ref())? == Found::Nothing {
        return Err(no_ledger_yet(ctx));
    }
    let (e, _) = store
        .entitlement(a.entitlement)?
        .ok_or(setara_store::StoreError::EntitlementNotFound(a.entitlement))?;
    store.record_access(&ctx.actor, "ledger_receipt", e.kk)?;
    let index = e.ledger_index.ok_or_else(|| {
        Failure::invalid(
            "receipt_not_paid",
            format!("hak bantuan {} belum dibayarkan (status {})", e.id, e.state),
            format!("entitlement {} has not been paid (state {})", e.id, e.state),
        )
    })?;
    let nonce = nonce_bytes(e.nonce.as_deref())?;
    let ledger = open_existing(ctx)?;
    let receipt = ledger
        .receipt(index, Some(nonce))
        .map_err(|e| ledger_failure(&e))?;
    let text = serde_json::to_string_pretty(&receipt).expect("serializes");
    match &a.out {
        Some(path) => {
            let mut out = OutputFile::create(path, a.force, &[])?;
            writeln!(out.writer(), "{text}").map_err(|e| Failure::io(path, &e))?;
            out.commit()?;
            ctx.say(format!(
                "{} {} ({} #{index}); {}: setara-verify-receipt {} --vkey '{}' --kk {}",
                ctx.t("Tanda terima ditulis ke", "Receipt written to"),
                show_path(path),
                ctx.t("entri", "entry"),
                ctx.t("periksa tanpa jaringan", "check it offline"),
                show_path(path),
                ledger.verifier_key(),
                e.kk
            ));
        }
        None => outln!("{text}"),
    }
    Ok(())
}

/// Reads a receipt: at most [`setara_ledger::MAX_RECEIPT_BYTES`]; a file that is not a
/// receipt (garbage, binary, a directory, too large) is invalid input (exit 1), never a system
/// failure.
fn read_receipt(path: &Path) -> Result<setara_ledger::Receipt> {
    use setara_ledger::Error as E;
    setara_ledger::Receipt::read_file(path).map_err(|e| match &e {
        E::Io { source, .. }
            if !matches!(
                source.kind(),
                std::io::ErrorKind::NotFound
                    | std::io::ErrorKind::IsADirectory
                    | std::io::ErrorKind::InvalidInput
                    | std::io::ErrorKind::InvalidData
            ) =>
        {
            Failure::io(path, source)
        }
        E::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            Failure::io(path, source)
        }
        E::TooLarge { limit, .. } => Failure::invalid(
            "receipt_too_large",
            format!(
                "{}: lebih dari {limit} bita; itu bukan tanda terima",
                show_path(path)
            ),
            format!(
                "{}: larger than {limit} bytes; that is not a receipt",
                show_path(path)
            ),
        ),
        _ => Failure::invalid(
            "receipt_unreadable",
            format!("{}: bukan tanda terima yang sah ({e})", show_path(path)),
            format!("{}: not a valid receipt ({e})", show_path(path)),
        ),
    })
}

fn verify_receipt(ctx: &Context, a: VerifyReceiptArgs) -> Result<()> {
    let receipt = read_receipt(&a.file)?;
    match setara_ledger::verify_receipt(&receipt, &a.vkey, a.kk.as_deref()) {
        Ok(v) => {
            if ctx.json {
                outln!(
                    "{}",
                    serde_json::json!({ "valid": true, "index": v.index, "size": v.tree_size, "amount": v.entry.amount, "kind": v.entry.kind.as_str(), "programme": v.entry.programme, "household_checked": v.household_checked })
                );
            } else {
                ctx.say(format!(
                    "{} #{} {} {} ({}){}",
                    ctx.t("SAH: entri", "VALID: entry"),
                    v.index,
                    ctx.t(
                        "tercatat di buku besar berukuran",
                        "is in the ledger of size"
                    ),
                    v.tree_size,
                    rupiah(v.entry.amount),
                    if a.kk.is_some() {
                        ctx.t(", untuk KK ini", ", for this KK")
                    } else {
                        ""
                    }
                ));
            }
            Ok(())
        }
        Err(e) => Err(Failure::invalid(
            match e {
                setara_ledger::Error::InvalidKey(_) => "vkey_invalid",
                setara_ledger::Error::InvalidKk => "kk_invalid",
                _ => "receipt_invalid",
            },
            format!("TIDAK SAH: {e}"),
            format!("INVALID: {e}"),
        )),
    }
}

/// A saved checkpoint note: at most [`setara_ledger::note::MAX_NOTE_BYTES`] of UTF-8.
fn read_note(path: &Path) -> Result<String> {
    let invalid = |en: String, id: String| Failure::invalid("checkpoint_invalid", id, en);
    let mut f = std::fs::File::open(path).map_err(|e| Failure::io(path, &e))?;
    let bytes = match setara_ledger::read_limited(&mut f, setara_ledger::note::MAX_NOTE_BYTES) {
        Ok(Some(b)) => b,
        Ok(None) => {
            return Err(invalid(
                format!(
                    "{}: larger than {} bytes; that is not a checkpoint",
                    show_path(path),
                    setara_ledger::note::MAX_NOTE_BYTES
                ),
                format!(
                    "{}: lebih dari {} bita; itu bukan checkpoint",
                    show_path(path),
                    setara_ledger::note::MAX_NOTE_BYTES
                ),
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => {
            return Err(invalid(
                format!("{}: a directory, not a checkpoint", show_path(path)),
                format!("{}: direktori, bukan checkpoint", show_path(path)),
            ));
        }
        Err(e) => return Err(Failure::io(path, &e)),
    };
    String::from_utf8(bytes).map_err(|_| {
        invalid(
            format!(
                "{}: not UTF-8 text; that is not a checkpoint",
                show_path(path)
            ),
            format!(
                "{}: bukan teks UTF-8; itu bukan checkpoint",
                show_path(path)
            ),
        )
    })
}

fn consistency(ctx: &Context, a: ConsistencyArgs) -> Result<()> {
    let ledger = open_existing(ctx)?;
    let checkpoints = ledger.checkpoints().map_err(|e| ledger_failure(&e))?;
    let latest = checkpoints.last().cloned().ok_or_else(|| {
        Failure::invalid(
            "ledger_no_checkpoint",
            "buku besar belum menerbitkan checkpoint",
            "the ledger has published no checkpoint",
        )
    })?;
    let saved = match &a.saved {
        Some(path) => {
            let note = read_note(path)?;
            let vkey = a.vkey.clone().unwrap_or_else(|| ledger.verifier_key());
            let key = setara_ledger::VerifierKey::parse(vkey.trim()).map_err(|e| {
                Failure::invalid(
                    "vkey_invalid",
                    format!("kunci verifikasi tidak sah: {e}"),
                    format!("the verifier key is not valid: {e}"),
                )
            })?;
            Some(setara_ledger::Checkpoint::open(&note, &key).map_err(|e| {
                Failure::invalid(
                    "checkpoint_invalid",
                    format!("checkpoint tersimpan tidak sah: {e}"),
                    format!("the saved checkpoint is not valid: {e}"),
                )
            })?)
        }
        None => None,
    };
    let new = match a.to {
        Some(n) => checkpoints.iter().find(|c| c.size == n).cloned(),
        None => Some(latest.clone()),
    };
    let old = match (&saved, a.from) {
        (Some(c), _) => Some(c.clone()),
        (None, Some(m)) => checkpoints.iter().find(|c| c.size == m).cloned(),
        (None, None) => None,
    };
    let from = old.as_ref().map(|c| c.size).or(a.from).unwrap_or(0);
    let to = new
        .as_ref()
        .map(|c| c.size)
        .or(a.to)
        .unwrap_or(ledger.len());
    let proof = ledger
        .consistency_proof(from, to)
        .map_err(|e| ledger_failure(&e))?;
    let verified = match (&old, &new) {
        (Some(o), Some(n)) => Some(setara_ledger::verify_consistency(o, n, &proof)),
        _ => None,
    };
    outln!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({
            "from": from, "to": to, "proof": hexes(&proof),
            "verified_against_checkpoints": verified.as_ref().map(|v| v.is_ok()),
        }))
        .expect("serializes")
    );
    match verified {
        Some(Err(e)) => Err(Failure::invalid(
            "consistency_failed",
            format!(
                "bukti konsistensi GAGAL: buku besar saat ini tidak memuat checkpoint berukuran {from} ({e})"
            ),
            format!(
                "consistency proof FAILED: the log as it is now does not contain the checkpoint of size {from} ({e})"
            ),
        )),
        _ => Ok(()),
    }
}

fn audit(ctx: &Context) -> Result<()> {
    let dir = ledger_dir(ctx);
    let store = open_store_for_reading(ctx)?;
    if check_ledger(ctx, store.as_ref())? == Found::Nothing {
        return Err(no_ledger_yet(ctx));
    }
    let applied = store.ledger_applied()?;
    drop(store);
    let mut report = setara_ledger::audit(&dir).map_err(|e| ledger_failure(&e))?;
    if report.entries < applied {
        report.problems.push(format!(
            "only {} entries can be read but the store has recorded {applied}",
            report.entries
        ));
        report.first_bad_index = Some(
            report
                .first_bad_index
                .map_or(report.entries, |b| b.min(report.entries)),
        );
    }
    let ok = report.first_bad_index.is_none() && report.problems.is_empty();
    let failure = || {
        let mut f = Failure::invalid(
            "ledger_audit_failed",
            "audit menemukan perubahan pada buku besar",
            "the audit found the ledger altered",
        );
        f.json_printed = ctx.json;
        f
    };
    if ctx.json {
        let mut v = serde_json::json!({
            "ok": ok, "entries": report.entries, "checkpoints_checked": report.checkpoints_checked,
            "first_bad_index": report.first_bad_index, "problems": report.problems,
        });
        if !ok {
            // The report is the output; its error is inside it, for machine callers.
            v["error"] = failure().to_json(ctx.lang);
        }
        outln!("{v}");
    } else {
        ctx.say(format!(
            "Audit: {} {}, {} {}",
            report.entries,
            ctx.t("entri dihitung ulang", "entries recomputed"),
            report.checkpoints_checked,
            ctx.t("checkpoint diperiksa", "checkpoints checked")
        ));
        if let Some(i) = report.first_bad_index {
            outln!(
                "  {} #{i}",
                ctx.t("INDEKS PERTAMA YANG RUSAK:", "FIRST BAD INDEX:")
            );
        }
        for p in &report.problems {
            outln!("  {p}");
        }
        if ok {
            ctx.say(ctx.t(
                "  Semua checkpoint cocok dengan isi buku besar; dana setiap program berimbang.",
                "  Every checkpoint matches the stored log; every programme's funds reconcile.",
            ));
        }
    }
    if ok { Ok(()) } else { Err(failure()) }
}

fn money_returned(ctx: &Context, a: ReturnArgs) -> Result<()> {
    check_reason(&a.reason)?;
    let store = ctx.open_store()?;
    check_ledger(ctx, store.as_ref())?;
    let (e, _) = store
        .entitlement(a.entitlement)?
        .ok_or(setara_store::StoreError::EntitlementNotFound(a.entitlement))?;
    let index = match (e.state, e.ledger_index) {
        (State::Paid, Some(i)) => i,
        _ => {
            return Err(setara_store::StoreError::TransitionNotAllowed {
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
            .into());
        }
    };
    drop(store);
    reverse(
        ctx,
        ReverseArgs {
            index,
            reason: a.reason,
        },
    )
}

/// Append a reversal of entry `index`. When that entry paid an entitlement, the entitlement is
/// approved again (the money came back), with the reason in its history.
fn reverse(ctx: &Context, a: ReverseArgs) -> Result<()> {
    let reason = check_reason(&a.reason)?;
    let mut store = open_store_for_reading(ctx)?;
    if check_ledger(ctx, store.as_ref())? == Found::Nothing {
        return Err(no_ledger_yet(ctx));
    }
    let mut ledger = open_writer(ctx, store.as_mut())?;
    let original = ledger.entry(a.index).map_err(|e| ledger_failure(&e))?;
    let paid = match entitlement_of(&original) {
        Some(id) if original.kind == EntryKind::Disbursement => match store.entitlement(id)? {
            Some((e, _)) if e.state == State::Paid && e.ledger_index == Some(a.index) => Some(id),
            _ => {
                return Err(Failure::invalid(
                    "ledger_reverse_not_paid",
                    format!(
                        "entri #{} membayar hak bantuan {id}, yang tidak lagi berstatus paid dengan entri ini",
                        a.index
                    ),
                    format!(
                        "entry #{} paid entitlement {id}, which is no longer paid by this entry",
                        a.index
                    ),
                ));
            }
        },
        _ => None,
    };
    let entry = Entry {
        kind: EntryKind::Reversal,
        programme: original.programme.clone(),
        cycle: original.cycle,
        amount: original.amount,
        channel: original.channel.clone(),
        time: now(),
        household: None,
        reference: Some(a.index.to_string()),
    };
    let range = ledger
        .append_batch(std::slice::from_ref(&entry))
        .map_err(|e| ledger_failure(&e))?;
    if let Some(id) = paid {
        store.transition(
            &[id],
            State::Approved,
            Via::Reversal,
            &ctx.actor,
            &reason,
            Some(&[range.start]),
        )?;
    }
    store.set_ledger_applied(ledger.len())?;
    let c = ledger.checkpoint().map_err(|e| ledger_failure(&e))?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({ "index": range.start, "reverses": a.index, "entitlement": paid, "checkpoint": c.to_note() })
        );
        return Ok(());
    }
    ctx.say(format!(
        "{} #{} {} #{} ({}){}",
        ctx.t("Entri", "Entry"),
        a.index,
        ctx.t("dibalik oleh entri", "reversed by entry"),
        range.start,
        reason,
        paid.map(|id| format!(
            "; {} {id} {}",
            ctx.t("hak bantuan", "entitlement"),
            ctx.t("kembali disetujui", "is approved again")
        ))
        .unwrap_or_default()
    ));
    show_note(ctx, &c);
    Ok(())
}

fn return_funds(ctx: &Context, a: ReturnFundsArgs) -> Result<()> {
    let entry = Entry {
        kind: EntryKind::Return,
        programme: a.programme.clone(),
        cycle: a.cycle,
        amount: parse_amount(&a.amount)?,
        channel: check_channel(&a.channel)?,
        time: now(),
        household: None,
        reference: match &a.to {
            Some(t) => Some(format!("to:{}", check_party("--to", t)?)),
            None => None,
        },
    };
    append_programme_money(ctx, entry, ctx.t("dikembalikan dari", "returned from"))
}
