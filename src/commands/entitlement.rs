//! `setara entitlement list|show|transition`: the life of each household × programme × cycle
//! entitlement, every step recorded with who, when and why.

use clap::{Args, Subcommand};
use setara_app::model::EntitlementFilter;
use setara_app::model::State;
use setara_core::Kk;
use setara_core::number::rupiah;
use setara_core::text::printable;

use crate::context::Context;
use crate::failure::{Failure, Kind, Result};

#[derive(Debug, Subcommand)]
pub enum EntitlementCommand {
    /// Entitlements of a programme, cycle, state or household.
    List(ListArgs),
    /// One entitlement with its history and its ledger entry.
    Show(ShowArgs),
    /// Move entitlements to a new state (verified, approved, rejected, suspended, cancelled,
    /// received): by id, or all of a programme's cycle in a given state.
    Transition(TransitionArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long)]
    pub programme: Option<String>,
    #[arg(long)]
    pub cycle: Option<u32>,
    /// proposed, verified, approved, paid, received, rejected, suspended or cancelled.
    #[arg(long)]
    pub state: Option<String>,
    /// Only this household (KK).
    #[arg(long)]
    pub household: Option<String>,
    /// At most this many (0: all).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The entitlement's number.
    pub entitlement: i64,
}

#[derive(Debug, Args)]
pub struct TransitionArgs {
    /// Entitlement numbers (or use --programme, --cycle and --from for a whole cycle).
    pub entitlements: Vec<i64>,
    /// The new state.
    #[arg(long)]
    pub to: String,
    /// Why (required for rejected, suspended and cancelled).
    #[arg(long, default_value = "")]
    pub reason: String,
    /// With --cycle and --from: every entitlement of this programme's cycle in that state.
    #[arg(long, requires_all = ["cycle", "from"])]
    pub programme: Option<String>,
    #[arg(long)]
    pub cycle: Option<u32>,
    /// The state the entitlements are in now (with --programme).
    #[arg(long)]
    pub from: Option<String>,
}

fn state(s: &str) -> Result<State> {
    s.parse::<State>().map_err(|e| {
        Failure::new(
            Kind::Usage,
            "entitlement_state_unknown",
            format!(
                "status {s:?} tidak dikenal; pilihan: {}",
                State::ALL.map(State::code).join(", ")
            ),
            e,
        )
    })
}

pub fn run(ctx: &Context, c: EntitlementCommand) -> Result<()> {
    match c {
        EntitlementCommand::List(a) => list(ctx, a),
        EntitlementCommand::Show(a) => show(ctx, a),
        EntitlementCommand::Transition(a) => transition(ctx, a),
    }
}

fn list(ctx: &Context, a: ListArgs) -> Result<()> {
    let filter = EntitlementFilter {
        programme: a.programme.clone(),
        cycle: a.cycle,
        state: a.state.as_deref().map(state).transpose()?,
        kk: a
            .household
            .as_deref()
            .map(|k| Kk::parse(k).map_err(|e| Failure::from_localized(Kind::Invalid, &e)))
            .transpose()?,
        limit: a.limit,
    };
    let rows = setara_app::entitlement::list(&ctx.app(), &ctx.caller(), &filter)?;
    if ctx.json {
        outln!("{}", serde_json::to_value(&rows).expect("serializes"));
        return Ok(());
    }
    if rows.is_empty() {
        ctx.say(ctx.t(
            "Tidak ada hak bantuan yang cocok.",
            "No entitlement matches.",
        ));
    }
    for e in &rows {
        outln!(
            "{:>8}  {:<14} {} {:<3} KK {}  {:>14}  {:<12} {}",
            e.id,
            e.programme,
            ctx.t("siklus", "cycle"),
            e.cycle,
            e.kk,
            rupiah(e.amount),
            e.state.label(ctx.lang),
            e.ledger_index
                .map(|i| format!("{} #{i}", ctx.t("buku besar", "ledger")))
                .unwrap_or_default()
        );
    }
    Ok(())
}

fn show(ctx: &Context, a: ShowArgs) -> Result<()> {
    let shown = setara_app::entitlement::show(&ctx.app(), &ctx.caller(), a.entitlement)?;
    if ctx.json {
        outln!("{}", serde_json::to_string(&shown).expect("serialisable"));
        return Ok(());
    }
    let (e, events) = (&shown.entitlement, &shown.events);
    outln!(
        "{} {} — {} {} {}, KK {}",
        ctx.t("Hak bantuan", "Entitlement"),
        e.id,
        e.programme,
        ctx.t("siklus", "cycle"),
        e.cycle,
        e.kk
    );
    outln!(
        "  {}: {} ({} {}); {}: {}",
        ctx.t("Nilai", "Amount"),
        rupiah(e.amount),
        ctx.t("dibayarkan", "paid"),
        rupiah(e.paid_amount),
        ctx.t("status", "state"),
        e.state.label(ctx.lang)
    );
    if let Some(i) = e.ledger_index {
        outln!(
            "  {} #{i}: `setara ledger receipt --entitlement {}`",
            ctx.t("Entri buku besar", "Ledger entry"),
            e.id
        );
    }
    for ev in events {
        outln!(
            "  {}  {:<14} {} → {}  {}{}",
            printable(&ev.at),
            printable(&ev.actor),
            printable(ev.from.as_deref().unwrap_or("—")),
            printable(&ev.to),
            printable(&ev.reason),
            ev.ledger_index
                .map(|i| format!(" (#{i})"))
                .unwrap_or_default()
        );
    }
    let next = e.state.next();
    if !next.is_empty() {
        outln!(
            "  {}: {}",
            ctx.t("Langkah berikutnya", "Next steps"),
            next.iter().map(|s| s.code()).collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}

fn transition(ctx: &Context, a: TransitionArgs) -> Result<()> {
    use setara_app::entitlement::{TransitionRequest, Which};
    let to = state(&a.to)?;
    let which = match (&a.programme, a.entitlements.is_empty()) {
        (Some(p), true) => Which::InState {
            programme: p.clone(),
            cycle: a.cycle,
            from: state(a.from.as_deref().expect("clap requires --from"))?,
        },
        (None, false) => Which::Ids(a.entitlements.clone()),
        _ => {
            return Err(Failure::new(
                Kind::Usage,
                "entitlement_transition_which",
                "sebutkan nomor hak bantuan, atau --programme, --cycle dan --from (tidak keduanya)",
                "name entitlement numbers, or --programme, --cycle and --from (not both)",
            ));
        }
    };
    let r = setara_app::entitlement::transition(
        &ctx.app(),
        &ctx.caller(),
        &TransitionRequest {
            which,
            to,
            reason: a.reason,
        },
    )?;
    if r.changed == 0 {
        ctx.say(ctx.t(
            "Tidak ada hak bantuan yang cocok; tidak ada yang diubah.",
            "No entitlement matches; nothing changed.",
        ));
        return Ok(());
    }
    if ctx.json {
        outln!("{}", serde_json::to_string(&r).expect("serialisable"));
    } else {
        ctx.say(format!(
            "{} {} {}",
            r.changed,
            ctx.t("hak bantuan kini", "entitlements are now"),
            to.label(ctx.lang)
        ));
    }
    Ok(())
}
