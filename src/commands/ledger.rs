//! `setara disburse` and `setara ledger …`: the flags of the money-moving and proving
//! operations of [`setara_app::ledger`] (where the ledger's rules are explained), and how their
//! results are printed.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use setara_core::number::rupiah;

use crate::context::{Context, show_path};
use crate::failure::{Failure, Kind, Result};
use crate::output::OutputFile;

/// `--idempotency-key` of every operation that moves money.
#[derive(Debug, Args)]
pub struct Idempotency {
    /// Make a repeat safe: the same key with the same request returns the first result and
    /// moves no money; the same key with another request is refused.
    #[arg(long, value_name = "KEY")]
    pub idempotency_key: Option<String>,
}

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
    #[command(flatten)]
    pub idempotency: Idempotency,
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
    #[command(flatten)]
    pub idempotency: Idempotency,
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
    #[command(flatten)]
    pub idempotency: Idempotency,
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
    #[command(flatten)]
    pub idempotency: Idempotency,
}

#[derive(Debug, Args)]
pub struct ReverseArgs {
    /// Index of the entry to reverse.
    #[arg(long)]
    pub index: u64,
    /// Why (required).
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub idempotency: Idempotency,
}

/// An error of the command line (exit 2) when the application layer refused a value the
/// command line chose from a list (`--channel`, `--kind`), else as it is.
fn usage_if(codes: &[&str], e: setara_app::Error) -> Failure {
    let code = e.code;
    let mut f = Failure::from(e);
    if codes.contains(&code) {
        f.kind = Kind::Usage;
    }
    f
}

/// Tell people that a repeated request moved nothing (stderr, so stdout stays the result).
fn say_replayed(ctx: &Context, replayed: bool) {
    if replayed && !ctx.quiet {
        errln!(
            "{}",
            ctx.t(
                "Kunci idempotensi ini sudah dipakai untuk permintaan yang sama: tidak ada uang yang dipindahkan. Hasil pertama:",
                "This idempotency key was already used for the same request: no money was moved. The first result:"
            )
        );
    }
}

pub fn run_disburse(ctx: &Context, a: DisburseArgs) -> Result<()> {
    let req = setara_app::ledger::DisburseRequest {
        channel: setara_app::ledger::check_channel(&a.channel)
            .map_err(|e| usage_if(&["ledger_channel_unknown"], e))?,
        programme: a.programme,
        cycle: a.cycle,
        idempotency_key: a.idempotency.idempotency_key,
    };
    let d = setara_app::ledger::disburse(&ctx.app(), &ctx.caller(), &req)?;
    say_replayed(ctx, d.replayed);
    if ctx.json {
        outln!("{}", serde_json::to_string(&d).expect("serialisable"));
        return Ok(());
    }
    ctx.say(format!(
        "{} {} {} ({}), {} #{}–#{}.",
        d.paid,
        ctx.t("hak bantuan dibayarkan", "entitlements paid"),
        rupiah(d.rupiah),
        d.channel,
        ctx.t("entri buku besar", "ledger entries"),
        d.first_index,
        d.end_index.saturating_sub(1)
    ));
    ctx.say(ctx.t("Checkpoint baru:", "New checkpoint:"));
    show_note(ctx, &d.checkpoint);
    Ok(())
}

/// Print a new checkpoint for people (not with `--quiet` or `--json`).
fn show_note(ctx: &Context, note: &str) {
    if !ctx.quiet && !ctx.json {
        out!("{note}");
    }
}

pub fn run(ctx: &Context, c: LedgerCommand) -> Result<()> {
    match c {
        LedgerCommand::Fund(a) => fund(ctx, a),
        LedgerCommand::Checkpoint => {
            let c = setara_app::ledger::checkpoint(&ctx.app(), &ctx.caller())?;
            if ctx.json {
                outln!("{}", serde_json::to_string(&c).expect("serialisable"));
            } else {
                show_note(ctx, &c.note);
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
            outln!("{}", setara_app::ledger::proof::verifier_key(&ctx.app())?);
            Ok(())
        }
    }
}

fn fund(ctx: &Context, a: FundArgs) -> Result<()> {
    let req = setara_app::ledger::FundRequest {
        kind: a
            .kind
            .parse()
            .map_err(|e| usage_if(&["ledger_fund_kind"], e))?,
        amount: setara_app::ledger::parse_amount(&a.amount)?,
        channel: setara_app::ledger::check_channel(&a.channel)
            .map_err(|e| usage_if(&["ledger_channel_unknown"], e))?,
        programme: a.programme,
        cycle: a.cycle,
        from: a.from,
        idempotency_key: a.idempotency.idempotency_key,
    };
    let r = setara_app::ledger::fund(&ctx.app(), &ctx.caller(), &req)?;
    show_appended(ctx, &r, ctx.t("dicatat untuk", "recorded for"))
}

/// One funds entry appended (in, or returned to a funder), and the checkpoint after it.
fn show_appended(ctx: &Context, r: &setara_app::ledger::Appended, done: &str) -> Result<()> {
    say_replayed(ctx, r.replayed);
    if ctx.json {
        outln!("{}", serde_json::to_string(r).expect("serialisable"));
    } else {
        ctx.say(format!(
            "{} {done} {} {} #{}",
            rupiah(r.amount),
            r.programme,
            ctx.t("sebagai entri", "as entry"),
            r.index
        ));
        show_note(ctx, &r.checkpoint);
    }
    Ok(())
}

fn prove(ctx: &Context, a: ProveArgs) -> Result<()> {
    let p = setara_app::ledger::proof::prove(&ctx.app(), a.index, a.size)?;
    outln!("{}", serde_json::to_string_pretty(&p).expect("serializes"));
    Ok(())
}

fn receipt(ctx: &Context, a: ReceiptArgs) -> Result<()> {
    if let Some(path) = &a.out {
        crate::output::check_target(path, a.force, &[])?;
    }
    let r = setara_app::ledger::receipt(&ctx.app(), &ctx.caller(), a.entitlement)?;
    let (receipt, index) = (&r.receipt, r.index);
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
                r.vkey,
                r.kk
            ));
        }
        None => outln!("{text}"),
    }
    Ok(())
}

fn verify_receipt(ctx: &Context, a: VerifyReceiptArgs) -> Result<()> {
    let v =
        setara_app::ledger::proof::verify_receipt(&ctx.app(), &a.file, &a.vkey, a.kk.as_deref())?;
    if ctx.json {
        outln!("{}", serde_json::to_string(&v).expect("serializes"));
    } else {
        ctx.say(format!(
            "{} #{} {} {} ({}){}",
            ctx.t("SAH: entri", "VALID: entry"),
            v.index,
            ctx.t(
                "tercatat di buku besar berukuran",
                "is in the ledger of size"
            ),
            v.size,
            rupiah(v.amount),
            if a.kk.is_some() {
                ctx.t(", untuk KK ini", ", for this KK")
            } else {
                ""
            }
        ));
    }
    Ok(())
}

fn consistency(ctx: &Context, a: ConsistencyArgs) -> Result<()> {
    let c = setara_app::ledger::proof::consistency(
        &ctx.app(),
        &setara_app::ledger::proof::ConsistencyRequest {
            from: a.from,
            to: a.to,
            saved: a.saved,
            vkey: a.vkey,
        },
    )?;
    outln!("{}", serde_json::to_string_pretty(&c).expect("serializes"));
    match c.error() {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

fn audit(ctx: &Context) -> Result<()> {
    let report = setara_app::ledger::proof::audit(&ctx.app())?;
    let failure = || {
        report.error().map(|e| {
            let mut f = Failure::from(e);
            f.json_printed = ctx.json;
            f
        })
    };
    if ctx.json {
        let mut v = serde_json::to_value(&report).expect("serializes");
        if let Some(f) = failure() {
            // The report is the output; its error is inside it, for machine callers.
            v["error"] = f.to_json(ctx.lang);
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
        if report.ok {
            ctx.say(ctx.t(
                "  Semua checkpoint cocok dengan isi buku besar; dana setiap program berimbang.",
                "  Every checkpoint matches the stored log; every programme's funds reconcile.",
            ));
        }
    }
    match failure() {
        Some(f) => Err(f),
        None => Ok(()),
    }
}

fn money_returned(ctx: &Context, a: ReturnArgs) -> Result<()> {
    let req = setara_app::ledger::MoneyReturnedRequest {
        entitlement: a.entitlement,
        reason: a.reason,
        idempotency_key: a.idempotency.idempotency_key,
    };
    let r = setara_app::ledger::money_returned(&ctx.app(), &ctx.caller(), &req)?;
    show_reversed(ctx, &r)
}

/// Append a reversal of entry `index`. When that entry paid an entitlement, the entitlement is
/// approved again (the money came back), with the reason in its history.
fn reverse(ctx: &Context, a: ReverseArgs) -> Result<()> {
    let req = setara_app::ledger::ReverseRequest {
        index: a.index,
        reason: a.reason,
        idempotency_key: a.idempotency.idempotency_key,
    };
    let r = setara_app::ledger::reverse(&ctx.app(), &ctx.caller(), &req)?;
    show_reversed(ctx, &r)
}

fn show_reversed(ctx: &Context, r: &setara_app::ledger::Reversed) -> Result<()> {
    say_replayed(ctx, r.replayed);
    if ctx.json {
        outln!("{}", serde_json::to_string(r).expect("serialisable"));
        return Ok(());
    }
    ctx.say(format!(
        "{} #{} {} #{} ({}){}",
        ctx.t("Entri", "Entry"),
        r.reverses,
        ctx.t("dibalik oleh entri", "reversed by entry"),
        r.index,
        r.reason,
        r.entitlement
            .map(|id| format!(
                "; {} {id} {}",
                ctx.t("hak bantuan", "entitlement"),
                ctx.t("kembali disetujui", "is approved again")
            ))
            .unwrap_or_default()
    ));
    show_note(ctx, &r.checkpoint);
    Ok(())
}

fn return_funds(ctx: &Context, a: ReturnFundsArgs) -> Result<()> {
    let req = setara_app::ledger::ReturnFundsRequest {
        amount: setara_app::ledger::parse_amount(&a.amount)?,
        channel: setara_app::ledger::check_channel(&a.channel)
            .map_err(|e| usage_if(&["ledger_channel_unknown"], e))?,
        programme: a.programme,
        cycle: a.cycle,
        to: a.to,
        idempotency_key: a.idempotency.idempotency_key,
    };
    let r = setara_app::ledger::return_funds(&ctx.app(), &ctx.caller(), &req)?;
    show_appended(ctx, &r, ctx.t("dikembalikan dari", "returned from"))
}
