//! `setara explain --household KK --programme X`: why a household is or is not a beneficiary,
//! in words that can be read to it — each clause of the rule with the value used, the welfare
//! score, the desil, the rank, and where the budget or quota cut fell
//! ([`setara_app::explain`]).

use clap::Args;
use setara_app::explain::{Clause, ExplainRequest, Explained, Explanation, WouldBe};
use setara_core::number::rupiah;
use setara_core::{Kk, Lang};

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

/// `exp(score)` as rupiah, when it is a finite amount within the money ceiling; never a
/// saturated number.
fn about_rupiah(score: f64) -> String {
    let v = score.exp().round();
    if v.is_finite() && v >= 0.0 && v <= setara_core::Rupiah::MAX as f64 {
        rupiah(v as i64)
    } else {
        "–".into()
    }
}

fn clause_lines(e: &Clause, depth: usize, lang: Lang, out: &mut Vec<String>) {
    let mark = if e.result {
        lang.pick("ya   ", "yes  ")
    } else {
        lang.pick("tidak", "no   ")
    };
    let text = e.clause.split_whitespace().collect::<Vec<_>>().join(" ");
    let values = if e.values.is_empty() {
        String::new()
    } else {
        format!("  ({})", e.values.join("; "))
    };
    out.push(format!("{}{mark}  {text}{values}", "  ".repeat(depth + 1)));
    for c in &e.children {
        clause_lines(c, depth + 1, lang, out);
    }
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
    .map_err(|e| crate::targeting::after_ranking(ctx, e))?;
    crate::targeting::warn_stale(ctx, x.stale);
    if ctx.json {
        outln!("{}", serde_json::to_string(&x).expect("serializes"));
        return Ok(());
    }
    for l in lines(ctx, &x) {
        outln!("{l}");
    }
    Ok(())
}

/// The explanation in words.
fn lines(ctx: &Context, x: &Explained) -> Vec<String> {
    let lang = ctx.lang;
    let mut lines = Vec::new();
    lines.push(format!(
        "{} {} — {} {} ({})",
        ctx.t("Keluarga KK", "Household KK"),
        x.kk,
        ctx.t("program", "programme"),
        x.programme,
        setara_core::text::printable(&x.programme_name)
    ));
    lines.push(format!(
        "{} {:.3} ({} {} {}); desil {} {}, {} {}, {} {}; {} {} {} {}.",
        ctx.t(
            "Skor kesejahteraan (ln perkiraan konsumsi per kapita):",
            "Welfare score (ln predicted consumption per capita):"
        ),
        x.score,
        ctx.t("sekitar", "about"),
        about_rupiah(x.score),
        ctx.t("per orang per bulan", "per person per month"),
        x.desil,
        ctx.t("nasional", "nationally"),
        x.desil_province,
        ctx.t("di provinsi", "in the province"),
        x.desil_regency,
        ctx.t("di kabupaten/kota", "in the regency"),
        ctx.t("urutan", "rank"),
        x.rank,
        ctx.t("dari", "of"),
        x.households_ranked,
    ));
    lines.push(format!(
        "{} {}:",
        ctx.t("Aturan kelayakan", "Eligibility rule"),
        if x.eligible {
            ctx.t("TERPENUHI", "MET")
        } else {
            ctx.t("TIDAK terpenuhi", "NOT met")
        }
    ));
    clause_lines(&x.rule, 0, lang, &mut lines);

    let not_selected = |cycle: u32, why: String| {
        format!(
            "{} {}: {} {why}",
            ctx.t("Tidak terpilih pada siklus", "Not selected in cycle"),
            cycle,
            ctx.t("memenuhi aturan, tetapi", "meets the rule, but")
        )
    };
    let status = match &x.explanation {
        Explanation::Selected {
            cycle,
            position,
            of,
            amount,
        } => format!(
            "{} {} {} {} {} {}, {} {}.",
            ctx.t("TERPILIH pada siklus", "SELECTED in cycle"),
            cycle,
            ctx.t("di urutan", "at position"),
            position,
            ctx.t("dari", "of"),
            of,
            ctx.t("manfaat", "benefit"),
            rupiah(*amount)
        ),
        Explanation::NotEligible {
            cycle: Some(cycle), ..
        } => format!(
            "{} {}: {}",
            ctx.t("Tidak terpilih pada siklus", "Not selected in cycle"),
            cycle,
            ctx.t(
                "keluarga ini tidak memenuhi aturan kelayakan.",
                "the household does not meet the eligibility rule."
            )
        ),
        Explanation::LeftOutByQuota {
            cycle,
            region,
            quota,
        } => not_selected(
            *cycle,
            format!(
                "{} {region} ({quota} {}) {}",
                ctx.t("kuota wilayah", "the quota of region"),
                ctx.t("keluarga", "households"),
                ctx.t(
                    "sudah penuh oleh keluarga yang lebih diprioritaskan",
                    "was filled by households of higher priority"
                )
            ),
        ),
        Explanation::LeftOutByBudget {
            cycle,
            position,
            cut,
        } => not_selected(
            *cycle,
            match cut {
                Some(c) => format!(
                    "{} {} {} {} (desil {}, {} {}). {} {} {}.",
                    ctx.t("anggaran hanya mencukupi", "the budget reached"),
                    c.selected,
                    ctx.t(
                        "keluarga; yang terakhir terpilih di urutan",
                        "households; the last selected was at position"
                    ),
                    c.last_selected_position.unwrap_or(0),
                    c.last_selected_desil.unwrap_or(0),
                    ctx.t("skor", "score"),
                    c.last_selected_score
                        .map(|s| format!("{s:.3}"))
                        .unwrap_or_default(),
                    ctx.t("Keluarga ini di urutan", "This household is at position"),
                    position,
                    ctx.t(
                        "menurut prioritas program",
                        "in the programme's priority order"
                    )
                ),
                None => ctx
                    .t("anggaran tidak mencukupi", "the budget did not reach it")
                    .to_string(),
            },
        ),
        Explanation::NotEligible { cycle: None, .. } => ctx
            .t(
                "Belum ada daftar yang dibekukan. Dengan aturan ini keluarga ini tidak layak.",
                "No list is frozen yet. Under this rule the household is not eligible.",
            )
            .to_string(),
        Explanation::NotFrozen {
            position,
            of,
            would_be,
        } => format!(
            "{} {} {} {}: {}.",
            ctx.t(
                "Belum ada daftar yang dibekukan. Bila dipilih sekarang, keluarga ini di urutan",
                "No list is frozen yet. If selected now, the household would be at position"
            ),
            position,
            ctx.t("dari", "of"),
            of,
            match would_be {
                WouldBe::Selected => ctx.t("terpilih", "selected").to_string(),
                WouldBe::LeftOutByBudget => ctx
                    .t("tersisih karena anggaran", "left out for lack of money")
                    .to_string(),
                WouldBe::LeftOutByQuota { region } => format!(
                    "{} {}",
                    ctx.t("tersisih karena kuota", "left out by the quota of"),
                    region
                ),
            }
        ),
    };
    lines.push(status);
    if let Some(frozen_with) = x.frozen_with_ranking {
        lines.push(format!(
            "{} {}; {} {}.",
            ctx.t(
                "Catatan: daftar siklus ini dibekukan dengan peringkat",
                "Note: this cycle's list was frozen with ranking"
            ),
            frozen_with,
            ctx.t(
                "skor, desil, urutan nasional dan klausul di atas berasal dari peringkat terbaru,",
                "the score, desil, national rank and clauses above come from the latest ranking,"
            ),
            x.ranking
        ));
    }
    lines.push(format!(
        "{}: {}.",
        ctx.t("Urutan prioritas", "Priority order"),
        x.priority
            .iter()
            .map(|p| p.label(lang))
            .collect::<Vec<_>>()
            .join(" → ")
    ));
    lines
}
