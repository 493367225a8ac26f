//! `setara explain --household KK --programme X`: why a household is or is not a beneficiary,
//! in words that can be read to it — each clause of the rule with the value used, the welfare
//! score, the desil, the rank, and where the budget or quota cut fell.

use clap::Args;
use setara_core::{Kk, Lang};
use setara_rules::Explanation;
use setara_targeting::{Cut, Decision, rupiah};

use crate::context::Context;
use crate::failure::{Failure, Kind, Result};
use crate::targeting::{RuleInputs, load_ranking, uses_receives};
use crate::targeting::{compile_in_area, eligible, load_programme, run_selection};

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

fn clause_lines(e: &Explanation, depth: usize, lang: Lang, out: &mut Vec<String>) {
    let mark = if e.result {
        lang.pick("ya   ", "yes  ")
    } else {
        lang.pick("tidak", "no   ")
    };
    let text = e.text.split_whitespace().collect::<Vec<_>>().join(" ");
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
    let mut store = ctx.open_store()?;
    let loaded = load_programme(store.as_ref(), &a.programme)?;
    let p = &loaded.checked.programme;
    let ranked = load_ranking(ctx, store.as_ref())?;
    let row = ranked
        .snapshot
        .kk()
        .values()
        .iter()
        .position(|&k| k == kk.as_u64())
        .ok_or_else(|| {
            Failure::invalid(
                "household_not_ranked",
                format!("KK {kk} tidak ada dalam snapshot yang diperingkat ({}); bila baru didaftarkan, jalankan `setara rank`", &ranked.info.snapshot[..12]),
                format!("KK {kk} is not in the ranked snapshot ({}); if it was registered since, run `setara rank`", &ranked.info.snapshot[..12]),
            )
        })?;
    store.record_access(&ctx.actor, "explain", kk)?;
    let frozen = store.selections(&p.code)?;
    let cycle = a.cycle.or_else(|| frozen.iter().map(|s| s.cycle).max());
    let selection = match cycle {
        Some(c) => store.selection(&p.code, c)?,
        None => None,
    };
    // The rule as it was frozen, else the programme's current rule.
    let rule_text = selection
        .as_ref()
        .map(|(i, _)| i.rule.clone())
        .unwrap_or_else(|| p.rule.clone());
    let inputs = RuleInputs::new(store.as_ref(), &ranked, uses_receives(&rule_text))?;
    let codes = inputs.codes();
    let rule = compile_in_area(&rule_text, loaded.checked.area, &codes)?;
    let lang = ctx.lang;
    let explanation = rule
        .explain(&inputs.inputs(&ranked), row, lang)
        .map_err(|e| crate::targeting::rule_failure(rule.source(), &e))?;
    let cols = &ranked.columns;
    let n = ranked.snapshot.household_count();

    // Where the household stands in the selection.
    let bits = eligible(&rule, &inputs, &ranked)?;
    let simulated = run_selection(&loaded.checked, &ranked, &bits)?;
    let position = simulated
        .ranked
        .iter()
        .position(|(c, _)| c.row as usize == row);
    let member = selection
        .as_ref()
        .and_then(|(_, m)| m.iter().find(|m| m.kk == kk).cloned());
    let cut: Option<Cut> = selection
        .as_ref()
        .and_then(|(i, _)| i.cut.as_deref())
        .and_then(|c| serde_json::from_str(c).ok());

    let mut lines = Vec::new();
    lines.push(format!(
        "{} {kk} — {} {} ({})",
        ctx.t("Keluarga KK", "Household KK"),
        ctx.t("program", "programme"),
        p.code,
        setara_core::text::printable(&p.name)
    ));
    lines.push(format!(
        "{} {:.3} ({} {} {}); desil {} {}, {} {}, {} {}; {} {} {} {n}.",
        ctx.t(
            "Skor kesejahteraan (ln perkiraan konsumsi per kapita):",
            "Welfare score (ln predicted consumption per capita):"
        ),
        cols.score[row],
        ctx.t("sekitar", "about"),
        about_rupiah(cols.score[row]),
        ctx.t("per orang per bulan", "per person per month"),
        cols.desil[row],
        ctx.t("nasional", "nationally"),
        cols.desil_province[row],
        ctx.t("di provinsi", "in the province"),
        cols.desil_regency[row],
        ctx.t("di kabupaten/kota", "in the regency"),
        ctx.t("urutan", "rank"),
        cols.rank[row],
        ctx.t("dari", "of"),
    ));
    lines.push(format!(
        "{} {}:",
        ctx.t("Aturan kelayakan", "Eligibility rule"),
        if explanation.result {
            ctx.t("TERPENUHI", "MET")
        } else {
            ctx.t("TIDAK terpenuhi", "NOT met")
        }
    ));
    clause_lines(&explanation, 0, lang, &mut lines);

    let status = match (&selection, &member, position) {
        (Some((info, _)), Some(m), _) => format!(
            "{} {} {} {} {} {}, {} {}.",
            ctx.t("TERPILIH pada siklus", "SELECTED in cycle"),
            info.cycle,
            ctx.t("di urutan", "at position"),
            m.position,
            ctx.t("dari", "of"),
            info.eligible,
            ctx.t("manfaat", "benefit"),
            rupiah(m.amount)
        ),
        (Some((info, _)), None, None) => format!(
            "{} {}: {}",
            ctx.t("Tidak terpilih pada siklus", "Not selected in cycle"),
            info.cycle,
            ctx.t(
                "keluarga ini tidak memenuhi aturan kelayakan.",
                "the household does not meet the eligibility rule."
            )
        ),
        (Some((info, _)), None, Some(i)) => {
            let why = match simulated.ranked[i].1 {
                Decision::Quota(q) => {
                    let (r, n) = &loaded.checked.quotas[q as usize];
                    format!(
                        "{} {r} ({n} {}) {}",
                        ctx.t("kuota wilayah", "the quota of region"),
                        ctx.t("keluarga", "households"),
                        ctx.t(
                            "sudah penuh oleh keluarga yang lebih diprioritaskan",
                            "was filled by households of higher priority"
                        )
                    )
                }
                _ => match &cut {
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
                        i + 1,
                        ctx.t(
                            "menurut prioritas program",
                            "in the programme's priority order"
                        )
                    ),
                    None => ctx
                        .t("anggaran tidak mencukupi", "the budget did not reach it")
                        .to_string(),
                },
            };
            format!(
                "{} {}: {} {why}",
                ctx.t("Tidak terpilih pada siklus", "Not selected in cycle"),
                info.cycle,
                ctx.t("memenuhi aturan, tetapi", "meets the rule, but")
            )
        }
        (None, _, None) => ctx
            .t(
                "Belum ada daftar yang dibekukan. Dengan aturan ini keluarga ini tidak layak.",
                "No list is frozen yet. Under this rule the household is not eligible.",
            )
            .to_string(),
        (None, _, Some(i)) => format!(
            "{} {} {} {}: {}.",
            ctx.t(
                "Belum ada daftar yang dibekukan. Bila dipilih sekarang, keluarga ini di urutan",
                "No list is frozen yet. If selected now, the household would be at position"
            ),
            i + 1,
            ctx.t("dari", "of"),
            simulated.ranked.len(),
            match simulated.ranked[i].1 {
                Decision::Selected => ctx.t("terpilih", "selected").to_string(),
                Decision::Budget => ctx
                    .t("tersisih karena anggaran", "left out for lack of money")
                    .to_string(),
                Decision::Quota(q) => format!(
                    "{} {}",
                    ctx.t("tersisih karena kuota", "left out by the quota of"),
                    loaded.checked.quotas[q as usize].0
                ),
            }
        ),
    };
    lines.push(status);
    if let Some((info, _)) = &selection
        && (info.ranking_run != ranked.info.id || info.snapshot != ranked.info.snapshot)
    {
        lines.push(format!(
            "{} {}; {} {}.",
            ctx.t(
                "Catatan: daftar siklus ini dibekukan dengan peringkat",
                "Note: this cycle's list was frozen with ranking"
            ),
            info.ranking_run,
            ctx.t(
                "skor, desil, urutan nasional dan klausul di atas berasal dari peringkat terbaru,",
                "the score, desil, national rank and clauses above come from the latest ranking,"
            ),
            ranked.info.id
        ));
    }
    lines.push(format!(
        "{}: {}.",
        ctx.t("Urutan prioritas", "Priority order"),
        p.priority
            .iter()
            .map(|x| x.label(lang))
            .collect::<Vec<_>>()
            .join(" → ")
    ));
    if ctx.json {
        fn tree(e: &Explanation) -> serde_json::Value {
            serde_json::json!({
                "clause": e.text, "result": e.result, "values": e.values,
                "children": e.children.iter().map(tree).collect::<Vec<_>>(),
            })
        }
        outln!(
            "{}",
            serde_json::json!({
                "kk": kk.to_string(), "programme": p.code, "cycle": cycle,
                "eligible": explanation.result, "rule": tree(&explanation),
                "score": cols.score[row], "desil": cols.desil[row],
                "desil_province": cols.desil_province[row], "desil_regency": cols.desil_regency[row],
                "rank": cols.rank[row], "households_ranked": n,
                "selected": member.is_some(), "position": member.as_ref().map(|m| m.position).or(position.map(|i| i as u32 + 1)),
                "text": lines,
            })
        );
        return Ok(());
    }
    for l in lines {
        outln!("{l}");
    }
    Ok(())
}
