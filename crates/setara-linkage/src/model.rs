//! The Fellegi-Sunter model and its unsupervised estimation.
//!
//! # The model
//!
//! A pair of records either refers to one entity (a match, M) or not (U). Each compared column
//! gives a level γ_f (exact, close, …, else; or null, which carries no evidence). Given M or U
//! the levels are independent, with probabilities m_f(k) = P(γ_f = k | M) and
//! u_f(k) = P(γ_f = k | U); λ is the probability that two records drawn at random match. The
//! match weight of a pair is log₂ of its posterior odds,
//! `log₂(λ_s / (1 − λ_s)) + Σ_f log₂(m_f(γ_f) / u_{s,f}(γ_f))` where s is the pair's stratum
//! (below), and its match probability is `2^w / (1 + 2^w)`.
//!
//! # Estimation (nothing is learnt from true pairs)
//!
//! - **Background frequencies** q_f(k): how often each level occurs among *all* pairs. The exact
//!   level is counted exactly from value frequencies (Σ c_v(c_v − 1) / n(n − 1) for a
//!   deduplication, Σ a_v b_v / (n_a n_b) for a link); the other levels are split in the
//!   proportions seen in a uniform random sample of pairs (`training.u_sample_pairs`).
//! - **Background u**: all pairs are a mixture, q = λ m + (1 − λ) u, so
//!   u = (q − λ m) / (1 − λ), recomputed in every EM iteration. With λ of order 1/n this only
//!   matters for levels that non-matches almost never reach (an identical identity number),
//!   whose u would otherwise be inflated by the matches inside the sample. A u driven to zero
//!   is floored at half an observation (0.5 / number of pairs the estimate rests on).
//! - **Strata.** The candidates are split by the blocking rule that found them first. Within a
//!   stratum, non-matches are not random pairs: they agree on the rule's keys, and on whatever
//!   goes with them (two people born on the same day are of one generation, so they share name
//!   fashions; two addresses with one postcode share a suburb). Each stratum therefore has its
//!   own u, estimated by EM from the stratum's own pairs (the expected non-match counts at each
//!   level) with the background u as a prior worth [`BACKGROUND_STRENGTH`] pairs — a stratum of
//!   millions of pairs speaks for itself, one of a few hundred leans on the background. The m
//!   probabilities are shared by all strata and restricted, in each, to the levels that occur
//!   there (a field that the rule fixes, such as the birth date in a birth-date block, then
//!   weighs nothing, both classes agreeing on it).
//! - **Priors.** A stratum's share of matches is its own EM estimate (expected matches / pairs),
//!   capped by what the global model implies: all matches (λ × all pairs) times the m mass of
//!   the levels that occur in the stratum, over the stratum's pairs. The cap matters for the
//!   small strata of later rules, whose pairs disagree on the earlier rules' fields: matches
//!   rarely land there, so a cluster of look-alike non-matches (namesakes from one district)
//!   cannot pass for matches.
//! - **m by EM**: m_f(k) = expected matches at level k / expected matches with f present, over
//!   all strata, plus one pseudo-match spread over the levels so that no level gets probability
//!   zero; the global λ = expected matches / all pairs. This assumes that the blocking rules
//!   find (nearly) every true match, which is what they are chosen for. EM runs on distinct
//!   (stratum, comparison vector) pairs with their counts, so an iteration costs microseconds.
//! - **Start**: m puts 0.9 on exact agreement and 1 % on "else"; λ starts from the pairs where
//!   most present fields agree exactly.
//! - **Term frequencies** (per comparison, optional): an exact agreement on a value of relative
//!   frequency f_v gets the extra weight log₂(u_f(0) / f_v) (rare surnames count more than
//!   common ones), as in Splink.

use serde::Serialize;

use crate::config::Training;
use crate::prepare::NULL_LEVEL;

/// The trained model, for reporting.
#[derive(Clone, Debug, Serialize)]
pub struct Model {
    /// λ: probability that two records drawn at random are a match.
    pub prior: f64,
    /// log₂(λ / (1 − λ)).
    pub prior_weight: f64,
    /// Pairs in the comparison space (n(n − 1)/2 or n_a · n_b).
    pub total_pairs: f64,
    /// Expected number of matches among the candidate pairs (λ × total pairs).
    pub expected_matches: f64,
    pub fields: Vec<FieldModel>,
    /// One stratum per blocking rule: the candidates it found first.
    pub strata: Vec<Stratum>,
    pub em_iterations: u32,
    pub em_converged: bool,
    /// Random pairs compared to estimate u.
    pub u_sample_pairs: u64,
}

/// The candidates one blocking rule found first, with their own prior and u.
#[derive(Clone, Debug, Serialize)]
pub struct Stratum {
    pub rule: String,
    pub candidate_pairs: u64,
    /// Share of matches among the stratum's candidates.
    pub prior: f64,
    pub prior_weight: f64,
    pub expected_matches: f64,
    /// u per field and level among the stratum's non-matches (0 for levels that do not occur).
    pub u: Vec<Vec<f64>>,
    /// log₂(m / u) per field and level as used for the stratum's pairs (m renormalised over
    /// the levels that occur).
    pub weights: Vec<Vec<f64>>,
}

/// The m and u probabilities of one compared column.
#[derive(Clone, Debug, Serialize)]
pub struct FieldModel {
    pub column: String,
    pub comparator: String,
    pub term_frequency: bool,
    pub levels: Vec<LevelModel>,
}

/// One comparison level.
#[derive(Clone, Debug, Serialize)]
pub struct LevelModel {
    pub label: String,
    /// P(level | match)
    pub m: f64,
    /// P(level | non-match)
    pub u: f64,
    /// log₂(m / u), the level's contribution to a match weight (before any term-frequency
    /// adjustment).
    pub weight: f64,
}

/// What EM needs: distinct comparison vectors with their counts, and the background.
pub(crate) struct Background {
    /// Per field, the observed share of each level among all pairs with both values present.
    pub q: Vec<Vec<f64>>,
    /// Per field and level, the smallest u allowed.
    pub floor: Vec<Vec<f64>>,
}

/// Fitted parameters (natural scale).
#[derive(Clone, Debug)]
pub(crate) struct Params {
    /// Global λ: expected matches among the candidates / all pairs.
    pub lambda: f64,
    pub m: Vec<Vec<f64>>,
    /// The background u (all pairs, corrected for the matches among them).
    pub u: Vec<Vec<f64>>,
    pub strata: Vec<StratumParams>,
    pub iterations: u32,
    pub converged: bool,
}

/// The parameters of one stratum: the candidates a blocking rule found first.
#[derive(Clone, Debug)]
pub(crate) struct StratumParams {
    /// Candidate pairs in the stratum.
    pub pairs: f64,
    /// Share of matches among them.
    pub lambda: f64,
    /// m restricted to the levels that occur in the stratum and renormalised.
    pub m: Vec<Vec<f64>>,
    /// u of the stratum's non-matches (0 on levels that do not occur).
    pub u: Vec<Vec<f64>>,
}

impl StratumParams {
    /// log₂(m / u) per field and level (0 where the level does not occur).
    pub(crate) fn weights(&self) -> Vec<Vec<f64>> {
        self.m
            .iter()
            .zip(&self.u)
            .map(|(m, u)| {
                m.iter()
                    .zip(u)
                    .map(|(&m, &u)| if u > 0.0 { (m / u).log2() } else { 0.0 })
                    .collect()
            })
            .collect()
    }

    pub(crate) fn prior_weight(&self) -> f64 {
        (self.lambda / (1.0 - self.lambda)).log2()
    }
}

/// Level of field `f` in a packed comparison vector.
#[inline]
pub(crate) fn level_of(pattern: u64, f: usize) -> u8 {
    ((pattern >> (4 * f)) & 0xF) as u8
}

fn u_from(q: &[f64], floor: &[f64], m: &[f64], lambda: f64) -> Vec<f64> {
    let mut u: Vec<f64> = q
        .iter()
        .zip(m)
        .zip(floor)
        .map(|((&q, &m), &fl)| ((q - lambda * m) / (1.0 - lambda)).max(fl))
        .collect();
    let s: f64 = u.iter().sum();
    u.iter_mut().for_each(|x| *x /= s);
    u
}

/// `p` restricted to the levels in `support` and renormalised.
fn restrict(p: &[f64], support: &[bool]) -> Vec<f64> {
    let s: f64 = p
        .iter()
        .zip(support)
        .filter(|(_, s)| **s)
        .map(|(p, _)| p)
        .sum();
    p.iter()
        .zip(support)
        .map(|(&p, &on)| if on && s > 0.0 { p / s } else { 0.0 })
        .collect()
}

/// The starting m of a comparison with `l` levels.
fn initial_m(l: usize) -> Vec<f64> {
    match l {
        0 | 1 => vec![1.0; l],
        2 => vec![0.99, 0.01],
        _ => (0..l)
            .map(|k| {
                if k == 0 {
                    0.9
                } else if k == l - 1 {
                    0.01
                } else {
                    0.09 / (l - 2) as f64
                }
            })
            .collect(),
    }
}

/// How many non-match pairs the background is worth when a stratum's u is estimated: a
/// stratum with far more non-matches than this is described by its own pairs, one with fewer
/// mostly by the background.
pub const BACKGROUND_STRENGTH: f64 = 100.0;

/// Estimate m, the strata's λ and u, and the global λ by EM over aggregated comparison
/// vectors `(stratum, vector, count)`.
pub(crate) fn em(
    patterns: &[(u8, u64, f64)],
    restricted: &[Vec<bool>],
    levels: &[usize],
    background: &Background,
    total_pairs: f64,
    training: &Training,
) -> Params {
    let nf = levels.len();
    let n_strata = restricted.len();
    let decoded: Vec<u8> = patterns
        .iter()
        .flat_map(|(_, p, _)| (0..nf).map(move |f| level_of(*p, f)))
        .collect();
    // Which levels a stratum can hold: all of them, except for the fields that its rule or an
    // earlier rule blocks on, where the levels that occur (the truncation the rules make).
    let mut support: Vec<Vec<Vec<bool>>> = (0..n_strata)
        .map(|r| {
            levels
                .iter()
                .enumerate()
                .map(|(f, &l)| vec![!restricted[r][f]; l])
                .collect()
        })
        .collect();
    let mut pairs = vec![0.0; n_strata];
    for (pi, (r, _, c)) in patterns.iter().enumerate() {
        let r = *r as usize;
        pairs[r] += c;
        for f in 0..nf {
            let l = decoded[pi * nf + f];
            if l != NULL_LEVEL {
                support[r][f][l as usize] = true;
            }
        }
    }
    // Starting point: matches mostly agree exactly, sometimes closely, and rarely not at all;
    // a pair is a match when most of its present fields agree exactly.
    let mut m: Vec<Vec<f64>> = levels.iter().map(|&l| initial_m(l)).collect();
    let mut agreeing = vec![0.0; n_strata];
    for (pi, (r, _, c)) in patterns.iter().enumerate() {
        let (mut present, mut exact) = (0, 0);
        for f in 0..nf {
            match decoded[pi * nf + f] {
                NULL_LEVEL => {}
                0 => {
                    present += 1;
                    exact += 1
                }
                _ => present += 1,
            }
        }
        if present > 0 && 2 * exact > present {
            agreeing[*r as usize] += c;
        }
    }
    let mut lambda = (agreeing.iter().sum::<f64>().max(1.0) / total_pairs).clamp(1e-300, 0.5);
    let mut u: Vec<Vec<f64>> = (0..nf)
        .map(|f| u_from(&background.q[f], &background.floor[f], &m[f], lambda))
        .collect();
    let mut strata: Vec<StratumParams> = (0..n_strata)
        .map(|r| StratumParams {
            pairs: pairs[r],
            lambda: if pairs[r] > 0.0 {
                (agreeing[r].max(0.5) / pairs[r]).clamp(1e-9, 0.99)
            } else {
                0.5
            },
            m: (0..nf).map(|f| restrict(&m[f], &support[r][f])).collect(),
            u: (0..nf).map(|f| restrict(&u[f], &support[r][f])).collect(),
        })
        .collect();

    let mut iterations = 0;
    let mut converged = false;
    let mut match_sums: Vec<Vec<f64>> = levels.iter().map(|&l| vec![0.0; l]).collect();
    let mut non_sums: Vec<Vec<Vec<f64>>> = (0..n_strata)
        .map(|_| levels.iter().map(|&l| vec![0.0; l]).collect())
        .collect();
    let mut matches = vec![0.0; n_strata];
    while iterations < training.max_iterations {
        iterations += 1;
        let lw: Vec<Vec<Vec<f64>>> = strata
            .iter()
            .map(|s| {
                s.weights()
                    .into_iter()
                    .map(|w| w.into_iter().map(|x| x * std::f64::consts::LN_2).collect())
                    .collect()
            })
            .collect();
        let priors: Vec<f64> = strata
            .iter()
            .map(|s| (s.lambda / (1.0 - s.lambda)).ln())
            .collect();
        match_sums
            .iter_mut()
            .for_each(|s| s.iter_mut().for_each(|x| *x = 0.0));
        non_sums.iter_mut().for_each(|s| {
            s.iter_mut()
                .for_each(|s| s.iter_mut().for_each(|x| *x = 0.0))
        });
        matches.iter_mut().for_each(|x| *x = 0.0);
        for (pi, (r, _, count)) in patterns.iter().enumerate() {
            let r = *r as usize;
            let lv = &decoded[pi * nf..(pi + 1) * nf];
            let mut logit = priors[r];
            for f in 0..nf {
                if lv[f] != NULL_LEVEL {
                    logit += lw[r][f][lv[f] as usize];
                }
            }
            let p = if logit > 0.0 {
                1.0 / (1.0 + (-logit).exp())
            } else {
                let e = logit.exp();
                e / (1.0 + e)
            };
            let w = p * count;
            matches[r] += w;
            for f in 0..nf {
                if lv[f] != NULL_LEVEL {
                    match_sums[f][lv[f] as usize] += w;
                    non_sums[r][f][lv[f] as usize] += count - w;
                }
            }
        }
        let mut change: f64 = 0.0;
        for f in 0..nf {
            let l = levels[f] as f64;
            let total: f64 = match_sums[f].iter().sum();
            for k in 0..levels[f] {
                let new = (match_sums[f][k] + 1.0 / l) / (total + 1.0);
                change = change.max((new - m[f][k]).abs());
                m[f][k] = new;
            }
        }
        let new_lambda = (matches.iter().sum::<f64>() / total_pairs).clamp(1e-300, 0.999);
        change = change.max(((new_lambda - lambda) / lambda).abs());
        lambda = new_lambda;
        for f in 0..nf {
            u[f] = u_from(&background.q[f], &background.floor[f], &m[f], lambda);
        }
        for (r, s) in strata.iter_mut().enumerate() {
            if s.pairs <= 0.0 {
                continue;
            }
            // The stratum's share of matches follows from the global model: all matches
            // (λ × all pairs) times the probability that a match's comparison vector falls in
            // the stratum (the m mass of the levels that occur there, e.g. "date of birth
            // differs" for pairs that a birth-date rule did not find), over the stratum's pairs.
            let reach: f64 = (0..nf)
                .map(|f| {
                    m[f].iter()
                        .zip(&support[r][f])
                        .filter(|(_, on)| **on)
                        .map(|(m, _)| m)
                        .sum::<f64>()
                })
                .product();
            let implied = lambda * total_pairs * reach / s.pairs;
            let own = (matches[r] + 0.5) / (s.pairs + 1.0);
            let new_lambda = own.min(implied).clamp(1e-12, 1.0 - 1e-9);
            change = change.max(((new_lambda - s.lambda) / s.lambda).abs());
            s.lambda = new_lambda;
            for f in 0..nf {
                let sup = &support[r][f];
                s.m[f] = restrict(&m[f], sup);
                let prior = restrict(&u[f], sup);
                let n: f64 = non_sums[r][f].iter().sum();
                let new_u: Vec<f64> = (0..levels[f])
                    .map(|k| {
                        if sup[k] {
                            (non_sums[r][f][k] + BACKGROUND_STRENGTH * prior[k])
                                / (n + BACKGROUND_STRENGTH)
                        } else {
                            0.0
                        }
                    })
                    .collect();
                for (a, b) in s.u[f].iter().zip(&new_u) {
                    if *b > 0.0 {
                        change = change.max(((a - b) / b).abs().min((a - b).abs() * 1e3));
                    }
                }
                s.u[f] = new_u;
            }
        }
        if change < training.tolerance {
            converged = true;
            break;
        }
    }
    Params {
        lambda,
        m,
        u,
        strata,
        iterations,
        converged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64, for a reproducible test mixture.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
        fn pick(&mut self, p: &[f64]) -> u8 {
            let r = self.unit();
            let mut acc = 0.0;
            for (k, x) in p.iter().enumerate() {
                acc += x;
                if r < acc {
                    return k as u8;
                }
            }
            (p.len() - 1) as u8
        }
    }

    /// EM recovers known m and λ from a synthetic mixture of comparison vectors whose u is
    /// known from the background, as when the background is measured on all pairs.
    #[test]
    fn em_recovers_a_known_mixture() {
        let m_true = [
            vec![0.85, 0.10, 0.05],
            vec![0.70, 0.20, 0.10],
            vec![0.90, 0.10],
            vec![0.60, 0.30, 0.10],
        ];
        let u_true = [
            vec![0.01, 0.04, 0.95],
            vec![0.002, 0.01, 0.988],
            vec![0.05, 0.95],
            vec![0.1, 0.2, 0.7],
        ];
        let levels: Vec<usize> = m_true.iter().map(|m| m.len()).collect();
        // All pairs: 2e6, of which 1 % match. Two blocking rules: field 2 exact (stratum 0),
        // then, among the rest, field 0 at level 0 or 1 (stratum 1). They keep 99.5 % of the
        // matches and 9.75 % of the non-matches, drawn here from u conditioned on that
        // (rejection sampling).
        let total_pairs: f64 = 2e6;
        let lambda_true: f64 = 0.01;
        let stratum = |l: &[u8]| {
            if l[2] == 0 {
                Some(0u8)
            } else if l[0] <= 1 {
                Some(1)
            } else {
                None
            }
        };
        let p_u_blocked = u_true[2][0] + u_true[2][1] * (u_true[0][0] + u_true[0][1]);
        let n_m = (lambda_true * total_pairs) as usize;
        let n_u = ((1.0 - lambda_true) * total_pairs * p_u_blocked).round() as usize;
        let mut rng = Rng(7);
        let mut counts: hashbrown::HashMap<(u8, u64), f64> = hashbrown::HashMap::new();
        let mut kept_u = 0;
        let mut i = 0;
        while i < n_m || kept_u < n_u {
            let is_match = i < n_m;
            i += 1;
            let probs = if is_match { &m_true } else { &u_true };
            let l: Vec<u8> = probs.iter().map(|d| rng.pick(d)).collect();
            let Some(s) = stratum(&l) else {
                continue;
            };
            if !is_match {
                kept_u += 1;
            }
            let mut p = 0u64;
            for (f, &lv) in l.iter().enumerate() {
                // 5 % nulls (missing at random, after blocking on the recorded values).
                let lv = if f == 3 && rng.unit() < 0.05 {
                    NULL_LEVEL
                } else {
                    lv
                };
                p |= u64::from(lv) << (4 * f);
            }
            *counts.entry((s, p)).or_insert(0.0) += 1.0;
        }
        let mut patterns: Vec<(u8, u64, f64)> =
            counts.into_iter().map(|((s, p), c)| (s, p, c)).collect();
        patterns.sort_by_key(|p| (p.0, p.1));
        // Background over all pairs: the mixture with λ.
        let q: Vec<Vec<f64>> = (0..4)
            .map(|f| {
                (0..levels[f])
                    .map(|k| lambda_true * m_true[f][k] + (1.0 - lambda_true) * u_true[f][k])
                    .collect()
            })
            .collect();
        let floor = levels.iter().map(|&l| vec![1e-9; l]).collect();
        let bg = Background { q, floor };
        let fit = em(
            &patterns,
            &[
                vec![false, false, true, false],
                vec![true, false, true, false],
            ],
            &levels,
            &bg,
            total_pairs,
            &Training::default(),
        );
        assert!(fit.converged, "{} iterations", fit.iterations);
        assert!(
            (fit.lambda / lambda_true - 1.0).abs() < 0.03,
            "λ {} vs {lambda_true}",
            fit.lambda
        );
        for f in 0..4 {
            for k in 0..levels[f] {
                assert!(
                    (fit.m[f][k] - m_true[f][k]).abs() < 0.02,
                    "m[{f}][{k}] = {} vs {}",
                    fit.m[f][k],
                    m_true[f][k]
                );
                assert!(
                    // u = (q − λm)/(1 − λ): a small error in λ moves the rarest levels most.
                    (fit.u[f][k] / u_true[f][k] - 1.0).abs() < 0.05,
                    "u[{f}][{k}] = {} vs {}",
                    fit.u[f][k],
                    u_true[f][k]
                );
            }
        }
    }
}
