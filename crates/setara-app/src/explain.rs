//! Why a household is or is not a beneficiary of a programme: each clause of the rule with the
//! value used, the welfare score, the desil, the rank, and where the budget or quota cut fell —
//! as data ([`Explained`], [`Explanation`]); a front end puts it into words that can be read to
//! the household.

use serde::Serialize;
use setara_core::number::rupiah;
use setara_core::{Kk, Lang, RegionCode};
use setara_store::Reader;
use setara_targeting::{Cut, Decision, Priority};

use crate::error::{Error, Result};
use crate::ranking::load_ranking;
use crate::rules::{compile_in_area, rule_error};
use crate::targeting::{RuleInputs, eligible, load_programme, run_selection, uses_receives};
use crate::{App, Caller};

/// Explain one household's place in one programme.
#[derive(Clone, Debug, Serialize)]
pub struct ExplainRequest {
    pub kk: Kk,
    pub programme: String,
    /// Default: the latest frozen cycle, else what a selection now would do.
    pub cycle: Option<u32>,
}

/// How one clause of the rule came out for the household (in the caller's language).
#[derive(Clone, Debug, Serialize)]
pub struct Clause {
    /// The clause's source text.
    pub clause: String,
    pub result: bool,
    /// The values it used (`desil = 3`).
    pub values: Vec<String>,
    pub children: Vec<Clause>,
}

impl Clause {
    fn from(e: &setara_rules::Explanation) -> Clause {
        Clause {
            clause: e.text.clone(),
            result: e.result,
            values: e.values.clone(),
            children: e.children.iter().map(Clause::from).collect(),
        }
    }

    /// The clauses that failed and are not failed only because of a failed part: the reasons.
    fn failed(&self, out: &mut Vec<String>) {
        if self.result {
            return;
        }
        let failed_children: Vec<&Clause> = self.children.iter().filter(|c| !c.result).collect();
        if failed_children.is_empty() {
            out.push(self.clause.split_whitespace().collect::<Vec<_>>().join(" "));
        } else {
            for c in failed_children {
                c.failed(out);
            }
        }
    }
}

/// What a selection now would do with an eligible household (no list frozen yet).
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum WouldBe {
    Selected,
    LeftOutByBudget,
    LeftOutByQuota { region: RegionCode },
}

/// Where the household stands.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Explanation {
    /// On the frozen list of `cycle`.
    Selected {
        cycle: u32,
        position: u32,
        /// Eligible households of the cycle.
        of: u64,
        amount: i64,
    },
    /// The rule is not met (`cycle`: the frozen cycle looked at; `None`: no list frozen yet).
    NotEligible {
        cycle: Option<u32>,
        failed_clauses: Vec<String>,
    },
    /// Eligible, but the money ran out before the household's position.
    LeftOutByBudget {
        cycle: u32,
        /// The household's position in the programme's priority order.
        position: u32,
        /// Where the frozen cycle's cut fell (`None`: not recorded).
        cut: Option<Cut>,
    },
    /// Eligible, but the quota of the household's region was filled by households of higher
    /// priority.
    LeftOutByQuota {
        cycle: u32,
        region: RegionCode,
        quota: u64,
    },
    /// No list is frozen yet; the household is eligible and a selection now would put it at
    /// `position` of `of`.
    NotFrozen {
        position: u32,
        of: u64,
        would_be: WouldBe,
    },
}

/// A household's explanation.
#[derive(Clone, Debug, Serialize)]
pub struct Explained {
    pub kk: Kk,
    pub programme: String,
    pub programme_name: String,
    /// The frozen cycle looked at (`None`: none is frozen).
    pub cycle: Option<u32>,
    /// The ranking's snapshot is older than the registry's latest.
    pub stale: bool,
    /// Whether the rule is met.
    pub eligible: bool,
    /// The rule, clause by clause.
    pub rule: Clause,
    pub score: f64,
    pub desil: u8,
    pub desil_province: u8,
    pub desil_regency: u8,
    pub rank: u32,
    pub households_ranked: u64,
    pub selected: bool,
    /// The position on the frozen list, else in a selection now.
    pub position: Option<u32>,
    pub explanation: Explanation,
    /// The latest ranking (the score, desil, rank and clauses are from it).
    pub ranking: i64,
    /// The ranking the cycle's list was frozen with, when another than the latest.
    pub frozen_with_ranking: Option<i64>,
    /// The programme's priority order.
    pub priority: Vec<Priority>,
}

/// Why a household is or is not a beneficiary. The household is read through the store's
/// recording read (action `explain`): a household outside the caller's region is
/// `household_not_found`, as one that does not exist.
pub fn explain(app: &App, caller: &Caller, req: &ExplainRequest) -> Result<Explained> {
    let kk = req.kk;
    let mut store = app.writer()?;
    let loaded = load_programme(store.as_ref(), &req.programme)?;
    let p = &loaded.checked.programme;
    let ranked = load_ranking(app, store.as_ref())?;
    let row = ranked
        .snapshot
        .kk()
        .values()
        .iter()
        .position(|&k| k == kk.as_u64())
        .ok_or_else(|| {
            Error::invalid(
                "household_not_ranked",
                format!("KK {kk} tidak ada dalam snapshot yang diperingkat ({}); bila baru didaftarkan, jalankan `setara rank`", &ranked.info.snapshot[..12]),
                format!("KK {kk} is not in the ranked snapshot ({}); if it was registered since, run `setara rank`", &ranked.info.snapshot[..12]),
            )
        })?;
    let not_found = || Error::from(setara_store::StoreError::HouseholdNotFound(kk));
    if let Some(scope) = caller.scope {
        let region = RegionCode::from_key(ranked.snapshot.region().values()[row]);
        if !region.is_some_and(|r| r.is_within(scope)) {
            return Err(not_found());
        }
    }
    store
        .read_household(
            kk,
            &Reader {
                actor: &caller.actor,
                action: "explain",
                within: caller.scope,
            },
        )?
        .ok_or_else(not_found)?;
    let frozen = store.selections(&p.code)?;
    let cycle = req.cycle.or_else(|| frozen.iter().map(|s| s.cycle).max());
    let selection = match cycle {
        Some(c) => store.selection(&p.code, c)?,
        None => None,
    };
    // The rule as it was frozen, else the programme's current rule.
    let rule_text = selection
        .as_ref()
        .map(|(i, _)| i.rule.clone())
        .unwrap_or_else(|| p.rule.clone());
    let inputs = RuleInputs::new(app, store.as_ref(), &ranked, uses_receives(&rule_text))?;
    let rule = compile_in_area(&rule_text, loaded.checked.area, &inputs.codes())?;
    let tree = rule
        .explain(&inputs.inputs(&ranked), row, caller.lang)
        .map_err(|e| rule_error(rule.source(), &e))?;
    let clause = Clause::from(&tree);
    let cols = &ranked.columns;

    // Where the household stands in the selection.
    let bits = eligible(&rule, &inputs, &ranked)?;
    let simulated = run_selection(app, &loaded.checked, &ranked, &bits)?;
    let position = simulated
        .ranked
        .iter()
        .position(|(c, _)| c.row as usize == row);
    let member = selection
        .as_ref()
        .and_then(|(_, m)| m.iter().find(|m| m.kk == kk).cloned());
    let failed = || {
        let mut f = Vec::new();
        clause.failed(&mut f);
        f
    };
    let explanation = match (&selection, &member, position) {
        (Some((info, _)), Some(m), _) => Explanation::Selected {
            cycle: info.cycle,
            position: m.position,
            of: info.eligible,
            amount: m.amount,
        },
        (Some((info, _)), None, None) => Explanation::NotEligible {
            cycle: Some(info.cycle),
            failed_clauses: failed(),
        },
        (Some((info, _)), None, Some(i)) => match simulated.ranked[i].1 {
            Decision::Quota(q) => {
                let (region, quota) = loaded.checked.quotas[q as usize];
                Explanation::LeftOutByQuota {
                    cycle: info.cycle,
                    region,
                    quota,
                }
            }
            _ => Explanation::LeftOutByBudget {
                cycle: info.cycle,
                position: i as u32 + 1,
                cut: info
                    .cut
                    .as_deref()
                    .and_then(|c| serde_json::from_str(c).ok()),
            },
        },
        (None, _, None) => Explanation::NotEligible {
            cycle: None,
            failed_clauses: failed(),
        },
        (None, _, Some(i)) => Explanation::NotFrozen {
            position: i as u32 + 1,
            of: simulated.ranked.len() as u64,
            would_be: match simulated.ranked[i].1 {
                Decision::Selected => WouldBe::Selected,
                Decision::Budget => WouldBe::LeftOutByBudget,
                Decision::Quota(q) => WouldBe::LeftOutByQuota {
                    region: loaded.checked.quotas[q as usize].0,
                },
            },
        },
    };
    let frozen_with_ranking = selection.as_ref().and_then(|(info, _)| {
        (info.ranking_run != ranked.info.id || info.snapshot != ranked.info.snapshot)
            .then_some(info.ranking_run)
    });
    Ok(Explained {
        kk,
        programme: p.code.clone(),
        programme_name: p.name.clone(),
        cycle,
        stale: ranked.stale,
        eligible: tree.result,
        rule: clause,
        score: cols.score[row],
        desil: cols.desil[row],
        desil_province: cols.desil_province[row],
        desil_regency: cols.desil_regency[row],
        rank: cols.rank[row],
        households_ranked: ranked.snapshot.household_count() as u64,
        selected: member.is_some(),
        position: member
            .as_ref()
            .map(|m| m.position)
            .or(position.map(|i| i as u32 + 1)),
        explanation,
        ranking: ranked.info.id,
        frozen_with_ranking,
        priority: p.priority.clone(),
    })
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

impl Explained {
    /// The explanation in words that can be read to the household, one line each: who, the
    /// welfare score and desil, each clause of the rule with the value used, then whether it
    /// was selected and why not (the cut of the budget or the quota), and the priority order.
    pub fn in_words(&self, lang: Lang) -> Vec<String> {
        let x = self;
        let t = |id: &'static str, en: &'static str| lang.pick(id, en);
        let mut lines = Vec::new();
        lines.push(format!(
            "{} {} — {} {} ({})",
            t("Keluarga KK", "Household KK"),
            x.kk,
            t("program", "programme"),
            x.programme,
            setara_core::text::printable(&x.programme_name)
        ));
        lines.push(format!(
            "{} {:.3} ({} {} {}); desil {} {}, {} {}, {} {}; {} {} {} {}.",
            t(
                "Skor kesejahteraan (ln perkiraan konsumsi per kapita):",
                "Welfare score (ln predicted consumption per capita):"
            ),
            x.score,
            t("sekitar", "about"),
            about_rupiah(x.score),
            t("per orang per bulan", "per person per month"),
            x.desil,
            t("nasional", "nationally"),
            x.desil_province,
            t("di provinsi", "in the province"),
            x.desil_regency,
            t("di kabupaten/kota", "in the regency"),
            t("urutan", "rank"),
            x.rank,
            t("dari", "of"),
            x.households_ranked,
        ));
        lines.push(format!(
            "{} {}:",
            t("Aturan kelayakan", "Eligibility rule"),
            if x.eligible {
                t("TERPENUHI", "MET")
            } else {
                t("TIDAK terpenuhi", "NOT met")
            }
        ));
        clause_lines(&x.rule, 0, lang, &mut lines);

        let not_selected = |cycle: u32, why: String| {
            format!(
                "{} {}: {} {why}",
                t("Tidak terpilih pada siklus", "Not selected in cycle"),
                cycle,
                t("memenuhi aturan, tetapi", "meets the rule, but")
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
                t("TERPILIH pada siklus", "SELECTED in cycle"),
                cycle,
                t("di urutan", "at position"),
                position,
                t("dari", "of"),
                of,
                t("manfaat", "benefit"),
                rupiah(*amount)
            ),
            Explanation::NotEligible {
                cycle: Some(cycle), ..
            } => format!(
                "{} {}: {}",
                t("Tidak terpilih pada siklus", "Not selected in cycle"),
                cycle,
                t(
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
                    t("kuota wilayah", "the quota of region"),
                    t("keluarga", "households"),
                    t(
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
                        t("anggaran hanya mencukupi", "the budget reached"),
                        c.selected,
                        t(
                            "keluarga; yang terakhir terpilih di urutan",
                            "households; the last selected was at position"
                        ),
                        c.last_selected_position.unwrap_or(0),
                        c.last_selected_desil.unwrap_or(0),
                        t("skor", "score"),
                        c.last_selected_score
                            .map(|s| format!("{s:.3}"))
                            .unwrap_or_default(),
                        t("Keluarga ini di urutan", "This household is at position"),
                        position,
                        t(
                            "menurut prioritas program",
                            "in the programme's priority order"
                        )
                    ),
                    None => {
                        t("anggaran tidak mencukupi", "the budget did not reach it").to_string()
                    }
                },
            ),
            Explanation::NotEligible { cycle: None, .. } => t(
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
                t(
                    "Belum ada daftar yang dibekukan. Bila dipilih sekarang, keluarga ini di urutan",
                    "No list is frozen yet. If selected now, the household would be at position"
                ),
                position,
                t("dari", "of"),
                of,
                match would_be {
                    WouldBe::Selected => t("terpilih", "selected").to_string(),
                    WouldBe::LeftOutByBudget =>
                        t("tersisih karena anggaran", "left out for lack of money").to_string(),
                    WouldBe::LeftOutByQuota { region } => format!(
                        "{} {}",
                        t("tersisih karena kuota", "left out by the quota of"),
                        region
                    ),
                }
            ),
        };
        lines.push(status);
        if let Some(frozen_with) = x.frozen_with_ranking {
            lines.push(format!(
            "{} {}; {} {}.",
            t(
                "Catatan: daftar siklus ini dibekukan dengan peringkat",
                "Note: this cycle's list was frozen with ranking"
            ),
            frozen_with,
            t(
                "skor, desil, urutan nasional dan klausul di atas berasal dari peringkat terbaru,",
                "the score, desil, national rank and clauses above come from the latest ranking,"
            ),
            x.ranking
        ));
        }
        lines.push(format!(
            "{}: {}.",
            t("Urutan prioritas", "Priority order"),
            x.priority
                .iter()
                .map(|p| p.label(lang))
                .collect::<Vec<_>>()
                .join(" → ")
        ));
        lines
    }
}
