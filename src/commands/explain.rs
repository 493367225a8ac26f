//! `setara explain --household KK --programme X`: why a household is or is not a beneficiary,
//! in words that can be read to it — each clause of the rule with the value used, the welfare
//! score, the desil, the rank, and where the budget or quota cut fell
//! ([`setara_app::explain`]).

use clap::Args;
use setara_app::explain::ExplainRequest;
use setara_core::Kk;

use crate::context::Context;
use crate::failure::{Failure, Kind, Result};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The household's KK number.
    #[arg(long)]
    pub household: String,
    /// Programme code.
    #[arg(long)]
    pub programme: String,
    /// Cycle (default: the latest frozen cycle, else what a selection now would do).
    #[arg(long)]
    pub cycle: Option<u32>,
}

pub fn run(ctx: &Context, a: ExplainArgs) -> Result<()> {
    let kk = Kk::parse(&a.household).map_err(|e| Failure::from_localized(Kind::Invalid, &e))?;
    let x = setara_app::explain::explain(
        &ctx.app(),
        &ctx.caller(),
        &ExplainRequest {
            kk,
            programme: a.programme.clone(),
            cycle: a.cycle,
        },
    )
    .map_err(|e| crate::targeting::after_ranking(ctx, None, e))?;
    crate::targeting::warn_stale(ctx, x.stale);
    if ctx.json {
        outln!("{}", serde_json::to_string(&x).expect("serializes"));
        return Ok(());
    }
    for l in x.in_words(ctx.lang) {
        outln!("{l}");
    }
    Ok(())
}
