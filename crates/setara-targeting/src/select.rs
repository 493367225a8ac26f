//! Selection (penetapan penerima): fill a cycle's budget and quotas with eligible households in
//! the programme's order of priority.
//!
//! Households are ranked by the programme's criteria in order (desil, then score, then
//! vulnerability, …), ties broken by KK so that the same inputs always give the same list. Each
//! household in turn is selected when its region's quota has room and the remaining money
//! covers the benefit; otherwise it is left out with the reason. Every household costs the same
//! benefit, so the budget cut falls at one place in the order: after it, nobody is selected.
//! A household outside every quota region is limited by the budget alone.

use std::cmp::Ordering;

use setara_core::RegionCode;

use crate::error::Error;
use crate::programme::{Checked, Priority};

/// An eligible household, with what the priority order needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Row in the snapshot.
    pub row: u32,
    pub kk: u64,
    pub desil: u8,
    pub score: f64,
    /// Number of vulnerable conditions among members ([`Priority::Vulnerability`]).
    pub vulnerability: u16,
    pub members: u16,
    /// Index of the quota (in the programme's checked quota list) the household falls under.
    pub quota: Option<u32>,
}

/// What happened to a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Selected,
    /// Left out: the budget was spent on households of higher priority.
    Budget,
    /// Left out: the quota of this index was full.
    Quota(u32),
}

/// The outcome of a selection.
#[derive(Clone, Debug, PartialEq)]
pub struct Selection {
    /// Every candidate in priority order (position = index + 1), with its decision.
    pub ranked: Vec<(Candidate, Decision)>,
    pub selected: usize,
    /// Rupiah committed: selected × benefit.
    pub cost: i64,
    pub budget: i64,
    pub benefit: i64,
    /// Households taken under each quota.
    pub quota_used: Vec<u64>,
    /// Index in `ranked` of the first household left out for lack of money, if any.
    pub budget_cut: Option<usize>,
}

impl Selection {
    pub fn selected(&self) -> impl Iterator<Item = (usize, &Candidate)> {
        self.ranked
            .iter()
            .enumerate()
            .filter(|(_, (_, d))| *d == Decision::Selected)
            .map(|(i, (c, _))| (i, c))
    }
}

/// Compare two candidates by the programme's priority order (earlier = served first).
pub fn by_priority(priority: &[Priority], a: &Candidate, b: &Candidate) -> Ordering {
    for p in priority {
        let o = match p {
            Priority::Desil => a.desil.cmp(&b.desil),
            Priority::Score => a.score.total_cmp(&b.score),
            Priority::Vulnerability => b.vulnerability.cmp(&a.vulnerability),
            Priority::Members => b.members.cmp(&a.members),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.kk.cmp(&b.kk)
}

/// Rank the candidates and fill the budget and the quotas (`quotas[i]` households at most under
/// quota `i`). The benefit must be more than Rp0 and the budget at least Rp0 (a checked
/// programme guarantees both); the cost is what was taken from the budget, so it never exceeds
/// it and cannot overflow. A quota index out of range is an error.
pub fn select(
    mut candidates: Vec<Candidate>,
    priority: &[Priority],
    benefit: i64,
    budget: i64,
    quotas: &[u64],
) -> Result<Selection, Error> {
    if benefit <= 0 || budget < 0 {
        return Err(Error::Invalid {
            field: "benefit",
            id: "manfaat harus lebih dari Rp0 dan anggaran tidak negatif".into(),
            en: "the benefit must be more than Rp0 and the budget not negative".into(),
        });
    }
    if let Some(c) = candidates
        .iter()
        .find(|c| c.quota.is_some_and(|q| q as usize >= quotas.len()))
    {
        return Err(Error::Invalid {
            field: "quotas",
            id: format!("keluarga {} merujuk kuota yang tidak ada", c.kk),
            en: format!("household {} refers to a quota that does not exist", c.kk),
        });
    }
    candidates.sort_unstable_by(|a, b| by_priority(priority, a, b));
    let mut left = budget;
    let mut used = vec![0u64; quotas.len()];
    let mut cut = None;
    let mut selected = 0;
    let mut ranked = Vec::with_capacity(candidates.len());
    for c in candidates {
        let decision = match c.quota.map(|q| q as usize) {
            Some(q) if used[q] >= quotas[q] => Decision::Quota(q as u32),
            _ if left < benefit => {
                cut.get_or_insert(ranked.len());
                Decision::Budget
            }
            q => {
                if let Some(q) = q {
                    used[q] += 1;
                }
                left -= benefit;
                selected += 1;
                Decision::Selected
            }
        };
        ranked.push((c, decision));
    }
    Ok(Selection {
        ranked,
        selected,
        // Each selection took the benefit from what was left: budget − left is their sum.
        cost: budget - left,
        budget,
        benefit,
        quota_used: used,
        budget_cut: cut,
    })
}

/// The household columns a selection reads, one entry per household row of the ranked
/// snapshot (plain slices: this crate does not read snapshots).
#[derive(Clone, Copy, Debug)]
pub struct Households<'a> {
    pub kk: &'a [u64],
    pub members: &'a [u16],
    /// [`RegionCode::key`] of each household.
    pub region: &'a [u64],
    /// National desil of the ranking.
    pub desil: &'a [u8],
    /// Score of the ranking.
    pub score: &'a [f64],
    /// [`vulnerability`](crate::vulnerability::vulnerability) of each household.
    pub vulnerability: &'a [u16],
}

/// The candidates for a selection: every eligible household row, in the order given, with its
/// priority keys and the first of the programme's quotas (in tree order) whose region holds it.
///
/// # Panics
/// When a region key is not a region code (a snapshot only holds valid ones) or a row is out of
/// range of the columns.
pub fn candidates(
    checked: &Checked,
    households: &Households<'_>,
    eligible: impl IntoIterator<Item = usize>,
) -> Vec<Candidate> {
    let h = households;
    eligible
        .into_iter()
        .map(|row| {
            let quota = if checked.quotas.is_empty() {
                None
            } else {
                let r = RegionCode::from_key(h.region[row]).expect("snapshot regions");
                checked
                    .quotas
                    .iter()
                    .position(|(q, _)| r.level() >= q.level() && r.is_within(*q))
                    .map(|i| i as u32)
            };
            Candidate {
                row: row as u32,
                kk: h.kk[row],
                desil: h.desil[row],
                score: h.score[row],
                vulnerability: h.vulnerability[row],
                members: h.members[row],
                quota,
            }
        })
        .collect()
}

/// Run the selection of one cycle of a checked programme over its eligible households: its
/// priority order, benefit, budget per cycle and quotas.
pub fn run_selection(
    checked: &Checked,
    households: &Households<'_>,
    eligible: impl IntoIterator<Item = usize>,
) -> Result<Selection, Error> {
    let p = &checked.programme;
    let quotas: Vec<u64> = checked.quotas.iter().map(|(_, n)| *n).collect();
    select(
        candidates(checked, households, eligible),
        &p.priority,
        checked.rupiah_per_household,
        p.budget_per_cycle,
        &quotas,
    )
}

/// Where the cut fell, as stored with a frozen selection (JSON) and read back by `explain`,
/// which tells a household why it was or was not selected.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cut {
    pub eligible: u64,
    pub selected: u64,
    pub left_out_budget: u64,
    pub left_out_quota: u64,
    /// Position (1-based, in priority order) of the last selected household.
    pub last_selected_position: Option<u64>,
    pub last_selected_desil: Option<u8>,
    pub last_selected_score: Option<f64>,
    /// Position of the first household left out because the money ran out.
    pub budget_cut_position: Option<u64>,
    /// Quotas that were filled: (region, quota).
    pub full_quotas: Vec<(String, u64)>,
}

/// Where the cut fell in `s`, a selection of `checked`.
pub fn cut_of(checked: &Checked, s: &Selection) -> Cut {
    let last = s
        .ranked
        .iter()
        .enumerate()
        .rfind(|(_, (_, d))| *d == Decision::Selected);
    Cut {
        eligible: s.ranked.len() as u64,
        selected: s.selected as u64,
        left_out_budget: s
            .ranked
            .iter()
            .filter(|(_, d)| *d == Decision::Budget)
            .count() as u64,
        left_out_quota: s
            .ranked
            .iter()
            .filter(|(_, d)| matches!(d, Decision::Quota(_)))
            .count() as u64,
        last_selected_position: last.map(|(i, _)| i as u64 + 1),
        last_selected_desil: last.map(|(_, (c, _))| c.desil),
        last_selected_score: last.map(|(_, (c, _))| c.score),
        budget_cut_position: s.budget_cut.map(|i| i as u64 + 1),
        full_quotas: checked
            .quotas
            .iter()
            .zip(&s.quota_used)
            .filter(|((_, n), used)| *used >= n)
            .map(|((r, n), _)| (r.to_string(), *n))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cand(kk: u64, desil: u8, score: f64, vulnerability: u16, quota: Option<u32>) -> Candidate {
        Candidate {
            row: kk as u32,
            kk,
            desil,
            score,
            vulnerability,
            members: 4,
            quota,
        }
    }

    #[test]
    fn priority_then_budget() {
        let c = vec![
            cand(1, 3, 12.0, 0, None),
            cand(2, 1, 13.0, 0, None),
            cand(3, 1, 12.5, 2, None),
            cand(4, 1, 12.5, 1, None),
            cand(5, 2, 11.0, 0, None),
        ];
        let p = [Priority::Desil, Priority::Score, Priority::Vulnerability];
        let s = select(c, &p, 100, 350, &[]).unwrap();
        let order: Vec<u64> = s.ranked.iter().map(|(c, _)| c.kk).collect();
        assert_eq!(order, [3, 4, 2, 5, 1]);
        let chosen: Vec<u64> = s.selected().map(|(_, c)| c.kk).collect();
        assert_eq!(chosen, [3, 4, 2]);
        assert_eq!(s.cost, 300);
        assert_eq!(s.budget_cut, Some(3));
        assert_eq!(s.ranked[4].1, Decision::Budget);
    }

    #[test]
    fn a_full_quota_passes_the_turn_to_others() {
        let c = vec![
            cand(1, 1, 1.0, 0, Some(0)),
            cand(2, 1, 2.0, 0, Some(0)),
            cand(3, 2, 3.0, 0, Some(1)),
            cand(4, 3, 4.0, 0, None),
        ];
        let s = select(c, &[Priority::Desil], 10, 1_000, &[1, 5]).unwrap();
        let d: Vec<Decision> = s.ranked.iter().map(|(_, d)| *d).collect();
        assert_eq!(
            d,
            [
                Decision::Selected,
                Decision::Quota(0),
                Decision::Selected,
                Decision::Selected
            ]
        );
        assert_eq!(s.quota_used, [1, 1]);
        assert_eq!(s.budget_cut, None);
    }

    #[test]
    fn a_bad_benefit_or_quota_is_an_error_not_a_panic() {
        assert!(select(vec![], &[Priority::Desil], 0, 100, &[]).is_err());
        assert!(select(vec![], &[Priority::Desil], 10, -1, &[]).is_err());
        assert!(
            select(
                vec![cand(1, 1, 1.0, 0, Some(3))],
                &[Priority::Desil],
                10,
                100,
                &[5]
            )
            .is_err()
        );
    }

    proptest! {
        /// Money up to and beyond the ceiling: the cost is exactly selected × benefit (in
        /// i128), never above the budget, never wrapped.
        #[test]
        fn the_cost_never_overflows(
            n in 0usize..300,
            benefit in 1i64..=i64::MAX,
            budget in 0i64..=i64::MAX,
        ) {
            let candidates: Vec<Candidate> = (0..n).map(|i| cand(i as u64, 1, 0.0, 0, None)).collect();
            let s = select(candidates, &[Priority::Desil], benefit, budget, &[]).unwrap();
            prop_assert!(s.cost >= 0 && s.cost <= budget);
            prop_assert_eq!(i128::from(s.cost), s.selected as i128 * i128::from(benefit));
            prop_assert_eq!(s.selected as i128, (i128::from(budget) / i128::from(benefit)).min(n as i128));
        }

        #[test]
        fn budget_and_quotas_hold_and_nobody_is_skipped_unfairly(
            raw in prop::collection::vec((1u8..=10, 0u16..4, 0u32..4), 0..200),
            benefit in 1i64..1_000,
            budget in 0i64..50_000,
            quotas in prop::collection::vec(0u64..20, 3),
        ) {
            let candidates: Vec<Candidate> = raw.iter().enumerate().map(|(i, &(d, v, q))| Candidate {
                row: i as u32, kk: i as u64, desil: d, score: (i * 7 % 13) as f64, vulnerability: v,
                members: 1, quota: (q < 3).then_some(q),
            }).collect();
            let s = select(candidates, &[Priority::Desil, Priority::Vulnerability], benefit, budget, &quotas).unwrap();
            prop_assert!(s.cost <= budget);
            prop_assert_eq!(s.cost, s.selected as i64 * benefit);
            for (q, &n) in s.quota_used.iter().enumerate() {
                prop_assert!(n <= quotas[q]);
            }
            // Priority order is respected: nothing ranked before is worse than what follows.
            for w in s.ranked.windows(2) {
                prop_assert!(by_priority(&[Priority::Desil, Priority::Vulnerability], &w[0].0, &w[1].0) != Ordering::Greater);
            }
            // Left out for money only when money ran out; after the cut nobody is selected.
            if let Some(cut) = s.budget_cut {
                prop_assert!(budget - s.cost < benefit);
                prop_assert!(s.ranked[cut..].iter().all(|(_, d)| *d != Decision::Selected));
            }
            // Left out for a quota only when the quota was full.
            for (_, d) in &s.ranked {
                if let Decision::Quota(q) = d {
                    prop_assert_eq!(s.quota_used[*q as usize], quotas[*q as usize]);
                }
            }
        }
    }
}
