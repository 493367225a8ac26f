//! `setara review`: the queue of possible duplicate persons, decisions, merges and unmerges.

use clap::{Args, Subcommand};
use setara_app::model::{Decision, PairView};
use setara_core::text::printable;

use crate::context::Context;
use crate::failure::Result;

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Pairs waiting for a decision (or with another status).
    List(ListArgs),
    /// One pair, side by side, with the weight of each field.
    Show(PairArgs),
    /// Decide a pair: the same person (the records are merged into one entity) or different.
    Decide(DecideArgs),
    /// Merges made so far.
    Merges,
    /// Undo a merge: the records get back their own entities and the pair returns to review.
    Unmerge(UnmergeArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// review, duplicate, same or different.
    #[arg(long, default_value = "review", value_parser = ["review", "duplicate", "same", "different"])]
    pub status: String,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct PairArgs {
    /// The pair's number.
    pub pair: i64,
}

#[derive(Debug, Args)]
pub struct DecideArgs {
    /// The pair's number.
    pub pair: i64,
    /// same or different.
    #[arg(value_parser = ["same", "different"])]
    pub decision: String,
    /// Why (required): the evidence behind the decision.
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct UnmergeArgs {
    /// The merge's number.
    pub merge: i64,
    /// Why (required).
    #[arg(long)]
    pub reason: String,
}

fn line(p: &PairView) {
    outln!(
        "#{:<6} {:<10} p={:.3} w={:+.2}  {} {} {} | {} {} {}",
        p.id,
        p.status,
        p.match_probability,
        p.match_weight,
        p.a.nik,
        printable(&p.a.name),
        p.a.birth_date,
        p.b.nik,
        printable(&p.b.name),
        p.b.birth_date
    );
}

pub fn run(ctx: &Context, cmd: ReviewCommand) -> Result<()> {
    let (app, caller) = (ctx.app(), ctx.caller());
    // The store is opened (created on first use) before anything else, as it always was.
    drop(app.data.open_store()?);
    match cmd {
        ReviewCommand::List(a) => {
            let pairs = setara_app::review::list(&app, &caller, &a.status, a.limit)?;
            if ctx.json {
                outln!("{}", serde_json::to_string(&pairs).expect("serialisable"));
            } else {
                for p in &pairs {
                    line(p);
                }
                if pairs.is_empty() {
                    ctx.say(ctx.t("Tidak ada pasangan.", "No pairs."));
                }
            }
        }
        ReviewCommand::Show(a) => {
            let p = setara_app::review::show(&app, &caller, a.pair)?;
            if ctx.json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&p).expect("serialisable")
                );
                return Ok(());
            }
            outln!(
                "{} #{} ({}), {} {:.3}, {} {:+.2}",
                ctx.t("Pasangan", "Pair"),
                p.id,
                p.status,
                ctx.t("peluang sama", "match probability"),
                p.match_probability,
                ctx.t("bobot", "weight"),
                p.match_weight
            );
            for (label, s) in [("A", &p.a), ("B", &p.b)] {
                outln!(
                    "  {label}: NIK {}  {:<28} {}  {}  KK {}  {}  ({} {})",
                    s.nik,
                    printable(&s.name),
                    s.sex.label(ctx.lang),
                    s.birth_date,
                    s.kk,
                    s.region,
                    ctx.t("entitas", "entity"),
                    s.entity
                );
            }
            if let Some(fields) = p.explanation.as_array() {
                outln!("  {}:", ctx.t("Bobot per kolom", "Weight by field"));
                for f in fields {
                    outln!(
                        "    {:<12} {:<28} {:+.2}",
                        f["column"].as_str().unwrap_or(""),
                        f["level"].as_str().unwrap_or("null"),
                        f["weight"].as_f64().unwrap_or(0.0)
                            + f["tf_adjustment"].as_f64().unwrap_or(0.0)
                    );
                }
            }
            if let (Some(by), Some(at)) = (&p.decided_by, &p.decided_at) {
                outln!(
                    "  {}: {}, {at}: {}",
                    ctx.t("Diputuskan", "Decided"),
                    printable(by),
                    printable(p.reason.as_deref().unwrap_or(""))
                );
            }
        }
        ReviewCommand::Decide(a) => {
            let decision = if a.decision == "same" {
                Decision::Same
            } else {
                Decision::Different
            };
            let merge = setara_app::review::decide(&app, &caller, a.pair, decision, &a.reason)?;
            if ctx.json {
                outln!(
                    "{}",
                    serde_json::json!({"pair": a.pair, "decision": a.decision, "merge": merge})
                );
            } else {
                match merge {
                    Some(m) => ctx.say(format!(
                        "{} #{}: {}; {} #{m} ({} `setara review unmerge {m}`)",
                        ctx.t("Pasangan", "Pair"),
                        a.pair,
                        ctx.t("orang yang sama", "the same person"),
                        ctx.t("digabung sebagai", "merged as"),
                        ctx.t("batalkan dengan", "undo with")
                    )),
                    None => ctx.say(format!(
                        "{} #{}: {}",
                        ctx.t("Pasangan", "Pair"),
                        a.pair,
                        a.decision
                    )),
                }
            }
        }
        ReviewCommand::Merges => {
            let merges = setara_app::review::merges(&app, &caller)?;
            if ctx.json {
                outln!("{}", serde_json::to_string(&merges).expect("serialisable"));
            } else {
                for m in &merges {
                    outln!(
                        "#{:<5} {}  {:<14} {} {} → {} {:?}{}",
                        m.id,
                        m.at,
                        printable(&m.actor),
                        ctx.t("pasangan", "pair"),
                        m.pair_id.map(|p| p.to_string()).unwrap_or_default(),
                        m.entity,
                        m.persons,
                        m.undone_at
                            .as_ref()
                            .map(|u| format!("  [{} {u}]", ctx.t("dibatalkan", "undone")))
                            .unwrap_or_default()
                    );
                }
            }
        }
        ReviewCommand::Unmerge(a) => {
            setara_app::review::unmerge(&app, &caller, a.merge, &a.reason)?;
            if ctx.json {
                outln!("{}", serde_json::json!({"merge": a.merge, "undone": true}));
            } else {
                ctx.say(format!(
                    "{} #{} {}",
                    ctx.t("Penggabungan", "Merge"),
                    a.merge,
                    ctx.t("dibatalkan", "undone")
                ));
            }
        }
    }
    Ok(())
}
