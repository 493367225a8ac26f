//! `setara disburse` and `setara ledger …`: every rupiah in and out appended to the
//! tamper-evident log (`DATA_DIR/ledger/`, crate `setara-ledger`), entitlements marked paid with
//! the index of their leaf, signed checkpoints, receipts, proofs and the audit.
//!
//! The ledger is the authority on money. An append is acknowledged once fsynced; the store then
//! records which entitlements were paid and how many ledger entries it has applied. Should the
//! process die between the two, the next ledger command applies the missing entries first, so
//! an entitlement is never paid twice and never loses its payment.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use setara_ledger::{Entry, EntryKind, Ledger};
use setara_store::{EntitlementFilter, Store};
use setara_targeting::entitlement::{State, Via};
use setara_targeting::rupiah;

use crate::context::{Context, show_path};
use crate::failure::{Failure, Kind, Result};

/// Name of the log in its checkpoints (the C2SP "origin").
pub const ORIGIN: &str = "setara.local/ledger";

#[derive(Debug, Args)]
pub struct DisburseArgs {
    /// Programme code.
    #[arg(long)]
    pub programme: String,
    /// Cycle whose approved entitlements are paid.
    #[arg(long)]
    pub cycle: u32,
    /// Payment channel recorded in each entry: bank_transfer, pos, cash, in_kind, …
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
    /// Rupiah.
    #[arg(long)]
    pub amount: i64,
    /// Cycle the money is for (0: the programme as a whole).
    #[arg(long, default_value_t = 0)]
    pub cycle: u32,
    /// Where the money comes from (an organisation code or a note).
    #[arg(long, default_value = "")]
    pub from: String,
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
    /// Rupiah.
    #[arg(long)]
    pub amount: i64,
    #[arg(long, default_value_t = 0)]
    pub cycle: u32,
    /// To whom (an organisation code or a note).
    #[arg(long, default_value = "")]
    pub to: String,
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

fn ledger_failure(e: &setara_ledger::Error) -> Failure {
    Failure::failed("ledger", format!("buku besar: {e}"), format!("ledger: {e}"))
}

/// Open the log as its one writer, creating it (and its signing key) on first use.
fn open_writer(ctx: &Context) -> Result<Ledger> {
    let dir = ledger_dir(ctx);
    let ledger = if dir.join("vkey.txt").exists() {
        Ledger::open(&dir)
    } else {
        Ledger::init(&dir, ORIGIN)
    };
    ledger.map_err(|e| ledger_failure(&e))
}

fn open_existing(ctx: &Context) -> Result<Ledger> {
    let dir = ledger_dir(ctx);
    if !dir.join("vkey.txt").exists() {
        return Err(Failure::invalid(
            "ledger_missing",
            format!(
                "belum ada buku besar di {}; catat dana dengan `setara ledger fund` atau bayar dengan `setara disburse`",
                show_path(&dir)
            ),
            format!(
                "there is no ledger in {} yet; record funds with `setara ledger fund` or pay with `setara disburse`",
                show_path(&dir)
            ),
        ));
    }
    Ledger::open_read_only(&dir).map_err(|e| ledger_failure(&e))
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
    let mut store = ctx.open_store()?;
    if store.programme(&a.programme)?.is_none() {
        return Err(setara_store::StoreError::ProgrammeNotFound(a.programme.clone()).into());
    }
    let mut ledger = open_writer(ctx)?;
    apply_pending(store.as_mut(), &ledger, &ctx.actor)?;
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
    let total: i64 = approved.iter().map(|e| e.amount).sum();
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
            channel: a.channel.clone(),
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
        &format!("disbursed via {}", a.channel),
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
        a.channel,
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
            let mut store = ctx.open_store()?;
            let mut ledger = open_writer(ctx)?;
            apply_pending(store.as_mut(), &ledger, &ctx.actor)?;
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
        amount: a.amount,
        channel: a.channel.clone(),
        time: now(),
        household: None,
        reference: (!a.from.is_empty()).then(|| format!("from:{}", a.from)),
    };
    append_programme_money(ctx, entry, ctx.t("dicatat untuk", "recorded for"))
}

/// Append one funds entry (in, or returned to a funder) of an existing programme, and publish a
/// checkpoint.
fn append_programme_money(ctx: &Context, entry: Entry, done: &str) -> Result<()> {
    if entry.amount <= 0 {
        return Err(Failure::invalid(
            "ledger_amount",
            "jumlah harus lebih dari Rp0",
            "the amount must be more than Rp0",
        ));
    }
    let mut store = ctx.open_store()?;
    if store.programme(&entry.programme)?.is_none() {
        return Err(setara_store::StoreError::ProgrammeNotFound(entry.programme.clone()).into());
    }
    let mut ledger = open_writer(ctx)?;
    apply_pending(store.as_mut(), &ledger, &ctx.actor)?;
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
    let mut store = ctx.open_store()?;
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
            std::fs::write(path, format!("{text}\n")).map_err(|e| Failure::io(path, &e))?;
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

fn read_receipt(path: &Path) -> Result<setara_ledger::Receipt> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::io(path, &e))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::invalid(
            "receipt_unreadable",
            format!("{}: bukan tanda terima yang sah ({e})", show_path(path)),
            format!("{}: not a valid receipt ({e})", show_path(path)),
        )
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
            "receipt_invalid",
            format!("TIDAK SAH: {e}"),
            format!("INVALID: {e}"),
        )),
    }
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
            let note = std::fs::read_to_string(path).map_err(|e| Failure::io(path, &e))?;
            let vkey = a.vkey.clone().unwrap_or_else(|| ledger.verifier_key());
            let key =
                setara_ledger::VerifierKey::parse(vkey.trim()).map_err(|e| ledger_failure(&e))?;
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
    if !dir.join("vkey.txt").exists() {
        open_existing(ctx)?;
    }
    let report = setara_ledger::audit(&dir).map_err(|e| ledger_failure(&e))?;
    let ok = report.first_bad_index.is_none() && report.problems.is_empty();
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({
                "ok": ok, "entries": report.entries, "checkpoints_checked": report.checkpoints_checked,
                "first_bad_index": report.first_bad_index, "problems": report.problems,
            })
        );
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
    if ok {
        Ok(())
    } else {
        let mut f = Failure::invalid(
            "ledger_audit_failed",
            "audit menemukan perubahan pada buku besar",
            "the audit found the ledger altered",
        );
        f.json_printed = ctx.json;
        Err(f)
    }
}

fn money_returned(ctx: &Context, a: ReturnArgs) -> Result<()> {
    let store = ctx.open_store()?;
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
    if a.reason.trim().is_empty() {
        return Err(Failure::invalid(
            "reason_required",
            "alasan wajib diisi",
            "a reason is required",
        ));
    }
    let mut store = ctx.open_store()?;
    let mut ledger = open_writer(ctx)?;
    apply_pending(store.as_mut(), &ledger, &ctx.actor)?;
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
            &a.reason,
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
        a.reason,
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
        amount: a.amount,
        channel: a.channel.clone(),
        time: now(),
        household: None,
        reference: (!a.to.is_empty()).then(|| format!("to:{}", a.to)),
    };
    append_programme_money(ctx, entry, ctx.t("dikembalikan dari", "returned from"))
}
