//! The linkage run: blocking, comparison, training, scoring.

use std::time::Instant;

use hashbrown::HashMap;
use serde::Serialize;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::cluster::{Clusters, cluster};
use crate::config::{BlockingRule, Comparison, Config};
use crate::error::{Block, Error, PairExplosion, Result, RulePairs};
use crate::model::{self, Background, FieldModel, LevelModel, Model, Stratum, level_of};
use crate::prepare::{Field, NULL, NULL_LEVEL, RawColumn, RuleKeys, key_text, rule_keys};
use crate::table::Table;

/// Most rows of a table (each table of a link). Memory grows with the rows: a million persons
/// (12 columns, 4 compared, 5 blocking rules) peaked at 0.75 GiB, so ten million need about
/// 7.5 GiB; a bigger table is linked in parts (by region). Row numbers must also stay below
/// 2³² − 1, the null marker of the row indexes.
pub const MAX_ROWS: usize = 10_000_000;

/// How many of a rule's biggest blocks an error about too many pairs shows.
const SHOWN_BLOCKS: usize = 3;

/// Deduplicate one table: score pairs of its rows that may be the same entity.
pub fn dedup(table: &Table, config: &Config) -> Result<Linkage> {
    config.validate(table.column_names())?;
    run(table, None, config)
}

/// Link two tables: score pairs (left row, right row) that may be the same entity.
pub fn link(left: &Table, right: &Table, config: &Config) -> Result<Linkage> {
    config.validate_link(left.column_names(), right.column_names())?;
    run(left, Some(right), config)
}

/// Whether a linkage deduplicated one table or linked two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Dedup,
    Link,
}

/// A scored candidate pair. In a deduplication `left < right` are rows of the one table; in a
/// link `left` is a row of the left table and `right` of the right table.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ScoredPair {
    pub left: u32,
    pub right: u32,
    /// Index of the blocking rule that found the pair first (its stratum: the prior and the u
    /// probabilities of its weights are that stratum's, see [`crate::model`]).
    pub rule: u16,
    /// log₂ of the posterior odds of a match (prior included).
    pub match_weight: f64,
    pub match_probability: f64,
}

/// One column's part of a pair's match weight.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FieldScore {
    /// Comparison level (0 = exact; see [`Model::fields`] for the labels); `None` when either
    /// value is null.
    pub level: Option<u8>,
    /// Contribution to the match weight, log₂(m / u), term-frequency adjustment included.
    pub weight: f64,
    /// The term-frequency part of `weight` (0 when not adjusted).
    pub tf_adjustment: f64,
}

/// How long each phase took and how much work it did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    pub kind: Option<Kind>,
    pub left_rows: usize,
    pub right_rows: usize,
    /// Candidate pairs (union of the blocking rules, each pair once).
    pub candidate_pairs: u64,
    /// New pairs each rule contributed (a pair found by an earlier rule is counted there).
    pub pairs_per_rule: Vec<(String, u64)>,
    /// Distinct comparison vectors among the candidates.
    pub distinct_patterns: usize,
    /// Comparisons of the optional columns the tables lacked, left out.
    pub skipped_comparisons: Vec<String>,
    pub threads: usize,
    pub seconds_prepare: f64,
    pub seconds_compare: f64,
    pub seconds_train: f64,
    pub seconds_score: f64,
    pub seconds_total: f64,
    /// Record pairs compared per second, candidates and random sample together.
    pub pairs_compared_per_second: f64,
}

/// The result: the scored pairs at or above `min_probability`, their per-column explanation,
/// the trained model and the run's statistics.
#[derive(Clone, Debug, Serialize)]
pub struct Linkage {
    pub kind: Kind,
    /// Columns compared, in the order of [`Linkage::fields`] and [`Model::fields`].
    pub columns: Vec<String>,
    /// Sorted by (left, right).
    pub pairs: Vec<ScoredPair>,
    /// The comparison vector of each pair, from which [`Linkage::fields`] computes the
    /// per-column scores when asked (8 bytes per pair instead of 24 per column).
    #[serde(skip)]
    patterns: Vec<Pattern>,
    #[serde(skip)]
    scorer: Scorer,
    pub model: Model,
    pub match_threshold: f64,
    pub stats: Stats,
}

/// One line of an explanation: a column, its level and its weight.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation<'a> {
    pub column: &'a str,
    pub level: Option<&'a str>,
    pub weight: f64,
    pub tf_adjustment: f64,
}

impl Linkage {
    /// The per-column scores of pair `index` (in the order of [`Linkage::columns`]).
    pub fn fields(&self, index: usize) -> Vec<FieldScore> {
        let p = &self.pairs[index];
        self.scorer
            .fields(self.patterns[index], usize::from(p.rule), p.left)
    }

    /// Why pair `index` has its weight: the prior, then every column's level and weight.
    pub fn explain(&self, index: usize) -> Vec<Explanation<'_>> {
        self.fields(index)
            .iter()
            .zip(&self.model.fields)
            .map(|(s, f)| Explanation {
                column: &f.column,
                level: s.level.map(|l| f.levels[l as usize].label.as_str()),
                weight: s.weight,
                tf_adjustment: s.tf_adjustment,
            })
            .collect()
    }

    /// Pairs whose match probability is at least `threshold`.
    pub fn matches(&self, threshold: f64) -> impl Iterator<Item = &ScoredPair> {
        self.pairs
            .iter()
            .filter(move |p| p.match_probability >= threshold)
    }

    /// Entities: connected components of the pairs at or above `threshold`.
    pub fn clusters(&self, threshold: f64) -> Clusters {
        cluster(self, threshold)
    }
}

/// A comparison vector: 4 bits per field.
type Pattern = u64;

struct Candidates {
    i: Vec<u32>,
    j: Vec<u32>,
    pattern: Vec<Pattern>,
    rule: Vec<u8>,
    counts: HashMap<(u8, Pattern), u64>,
    per_rule: Vec<u64>,
}

fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(64)
}

fn run(left: &Table, right: Option<&Table>, config: &Config) -> Result<Linkage> {
    let start = Instant::now();
    let link = right.is_some();
    let threads = threads();
    let n_left = left.len();
    let n_right = right.map_or(n_left, |r| r.len());
    for (side, rows) in [
        (if link { "left table" } else { "table" }, n_left),
        ("right table", n_right),
    ] {
        if rows > MAX_ROWS {
            return Err(Error::TooManyRows {
                side,
                rows,
                max: MAX_ROWS,
            });
        }
    }

    // Comparisons present in the data.
    let has = |c: &str| {
        left.column_index(c).is_some() && right.is_none_or(|r| r.column_index(c).is_some())
    };
    let active: Vec<&Comparison> = config
        .comparisons
        .iter()
        .filter(|c| has(&c.column))
        .collect();
    let skipped: Vec<String> = config
        .comparisons
        .iter()
        .filter(|c| !has(&c.column))
        .map(|c| c.column.clone())
        .collect();

    // Intern every column used once.
    let mut names: Vec<&str> = active.iter().map(|c| c.column.as_str()).collect();
    for r in &config.blocking {
        for k in &r.keys {
            for c in &k.columns {
                if !names.contains(&c.as_str()) {
                    names.push(c);
                }
            }
        }
    }
    let raws: Vec<RawColumn> = names
        .iter()
        .map(|n| RawColumn::new(left, right, n))
        .collect();
    let raw_of = |name: &str| -> &RawColumn {
        &raws[names.iter().position(|n| *n == name).expect("interned")]
    };
    let fields: Vec<Field> = active
        .iter()
        .map(|c| Field::new(raw_of(&c.column), &c.comparator, threads, link))
        .collect();
    let rules: Vec<RuleKeys> = config
        .blocking
        .iter()
        .map(|r| rule_keys(&r.keys, &raws, &names, link, threads))
        .collect();
    drop(raws);
    let t_prepare = start.elapsed().as_secs_f64();

    // How many pairs each rule makes, before any pair is made: a rule that alone makes more
    // than the limit is refused here (the union has at least its pairs).
    let counts: Vec<RuleCount> = rules.iter().map(|r| RuleCount::new(r, link)).collect();
    let limit = config.max_candidate_pairs;
    let explosion = |rule: Option<usize>, worst: usize| -> Error {
        let r = &config.blocking[worst];
        Error::TooManyPairs(Box::new(PairExplosion {
            rule: rule.map(|_| r.name.clone()),
            line: if rule.is_some() { r.line } else { 0 },
            pairs: rule.map(|i| counts[i].pairs),
            limit,
            blocks: counts[worst].biggest(&rules[worst], r, left, right),
            rules: config
                .blocking
                .iter()
                .zip(&counts)
                .map(|(b, c)| RulePairs {
                    rule: b.name.clone(),
                    pairs: c.pairs,
                })
                .collect(),
        }))
    };
    if let Some(i) = (0..counts.len()).find(|&i| counts[i].pairs > limit) {
        return Err(explosion(Some(i), i));
    }

    // Candidates: the union of the rules, each pair once. Their number is checked against the
    // limit while they are made (when the rules' sum is above it), so at most the limit and a
    // few work items more are ever held.
    let t0 = Instant::now();
    let sum: u64 = counts.iter().fold(0u64, |a, c| a.saturating_add(c.pairs));
    let cap = (sum > limit).then_some(limit);
    let Some(cands) = candidates(&rules, &fields, link, threads, cap) else {
        let worst = (0..counts.len())
            .max_by_key(|&i| (counts[i].pairs, std::cmp::Reverse(i)))
            .unwrap_or(0);
        return Err(explosion(None, worst));
    };
    let t_compare = t0.elapsed().as_secs_f64();

    // Training.
    let t0 = Instant::now();
    let total_pairs = if link {
        n_left as f64 * n_right as f64
    } else {
        n_left as f64 * (n_left as f64 - 1.0) / 2.0
    };
    if total_pairs < 1.0 {
        return Err(Error::Linkage(
            "fewer than two records: nothing to link".into(),
        ));
    }
    let sample = config
        .training
        .u_sample_pairs
        .min(total_pairs as u64)
        .max(1);
    let background = background(
        &fields,
        n_left,
        n_right,
        link,
        sample,
        config.training.seed,
        threads,
    );
    let mut patterns: Vec<(u8, u64, f64)> = cands
        .counts
        .iter()
        .map(|((r, p), c)| (*r, *p, *c as f64))
        .collect();
    patterns.sort_unstable_by_key(|p| (p.0, p.1));
    let levels: Vec<usize> = fields.iter().map(|f| f.levels).collect();
    // A field is truncated in a stratum when its column is a key of the stratum's rule or of an
    // earlier one (the stratum holds the pairs the earlier rules did not find).
    let restricted: Vec<Vec<bool>> = (0..config.blocking.len())
        .map(|r| {
            active
                .iter()
                .map(|c| {
                    config.blocking[..=r]
                        .iter()
                        .any(|rule| rule.keys.iter().any(|k| k.columns.contains(&c.column)))
                })
                .collect()
        })
        .collect();
    let params = model::em(
        &patterns,
        &restricted,
        &levels,
        &background,
        total_pairs,
        &config.training,
    );
    let t_train = t0.elapsed().as_secs_f64();

    // Scoring.
    let t0 = Instant::now();
    // Background weights, for the report; pairs are scored with their stratum's.
    let weights: Vec<Vec<f64>> = (0..fields.len())
        .map(|f| {
            params.m[f]
                .iter()
                .zip(&params.u[f])
                .map(|(m, u)| (m / u).log2())
                .collect()
        })
        .collect();
    let prior_weight = (params.lambda / (1.0 - params.lambda)).log2();
    let stratum_weights: Vec<Vec<Vec<f64>>> = params.strata.iter().map(|s| s.weights()).collect();
    let stratum_priors: Vec<f64> = params.strata.iter().map(|s| s.prior_weight()).collect();
    // Term-frequency adjustments per prepared value: log₂(u(exact) / f_v).
    let tf: Vec<Option<Vec<f64>>> = fields
        .iter()
        .zip(&active)
        .enumerate()
        .map(|(f, (field, c))| {
            c.term_frequency.then(|| {
                let n: f64 = field
                    .count_left
                    .iter()
                    .chain(&field.count_right)
                    .map(|&c| f64::from(c))
                    .sum();
                let u0 = params.u[f][0];
                (0..field.count_left.len())
                    .map(|v| {
                        let c = f64::from(field.count_left[v])
                            + field.count_right.get(v).map_or(0.0, |&c| f64::from(c));
                        (u0 / (c / n).max(1e-12)).log2()
                    })
                    .collect()
            })
        })
        .collect();
    let ctx = ScoreCtx {
        fields: &fields,
        weights: &stratum_weights,
        priors: &stratum_priors,
        tf: &tf,
        min_probability: config.min_probability,
    };
    let (pairs, patterns) = score(&cands, &ctx, threads);
    let (n_candidates, per_rule) = (cands.i.len(), cands.per_rule);
    drop((cands.i, cands.j, cands.pattern, cands.rule, cands.counts));
    let scorer = Scorer {
        weights: stratum_weights.clone(),
        tf_ids: fields
            .iter()
            .zip(&tf)
            .map(|(field, t)| t.as_ref().map(|_| field.left.clone()))
            .collect(),
        tf,
    };
    let t_score = t0.elapsed().as_secs_f64();

    let model = Model {
        prior: params.lambda,
        prior_weight,
        total_pairs,
        expected_matches: params.lambda * total_pairs,
        fields: active
            .iter()
            .enumerate()
            .map(|(f, c)| FieldModel {
                column: c.column.clone(),
                comparator: c.comparator.name().to_string(),
                term_frequency: c.term_frequency,
                levels: c
                    .comparator
                    .level_labels()
                    .into_iter()
                    .enumerate()
                    .map(|(k, label)| LevelModel {
                        label,
                        m: params.m[f][k],
                        u: params.u[f][k],
                        weight: weights[f][k],
                    })
                    .collect(),
            })
            .collect(),
        strata: config
            .blocking
            .iter()
            .zip(&params.strata)
            .map(|(rule, s)| Stratum {
                rule: rule.name.clone(),
                candidate_pairs: s.pairs as u64,
                prior: s.lambda,
                prior_weight: s.prior_weight(),
                expected_matches: s.lambda * s.pairs,
                u: s.u.clone(),
                weights: s.weights(),
            })
            .collect(),
        em_iterations: params.iterations,
        em_converged: params.converged,
        u_sample_pairs: sample,
    };
    let total = start.elapsed().as_secs_f64();
    let compared = n_candidates as f64 + sample as f64;
    let stats = Stats {
        kind: Some(if link { Kind::Link } else { Kind::Dedup }),
        left_rows: n_left,
        right_rows: if link { n_right } else { 0 },
        candidate_pairs: n_candidates as u64,
        pairs_per_rule: config
            .blocking
            .iter()
            .zip(&per_rule)
            .map(|(r, n)| (r.name.clone(), *n))
            .collect(),
        distinct_patterns: patterns.len(),
        skipped_comparisons: skipped,
        threads,
        seconds_prepare: t_prepare,
        seconds_compare: t_compare,
        seconds_train: t_train,
        seconds_score: t_score,
        seconds_total: total,
        pairs_compared_per_second: compared / (t_compare + t_train).max(1e-9),
    };
    Ok(Linkage {
        kind: if link { Kind::Link } else { Kind::Dedup },
        columns: active.iter().map(|c| c.column.clone()).collect(),
        pairs,
        patterns,
        scorer,
        model,
        match_threshold: config.match_threshold,
        stats,
    })
}

/// Rows grouped by key: `order` lists rows by key, `starts[k]..starts[k + 1]` is key k's group.
struct Groups {
    order: Vec<u32>,
    starts: Vec<u32>,
}

fn group(keys: &[u32], distinct: usize) -> Groups {
    let mut starts = vec![0u32; distinct + 1];
    for &k in keys {
        if k != NULL {
            starts[k as usize + 1] += 1;
        }
    }
    for i in 0..distinct {
        starts[i + 1] += starts[i];
    }
    let mut fill = starts.clone();
    let mut order = vec![0u32; starts[distinct] as usize];
    for (row, &k) in keys.iter().enumerate() {
        if k != NULL {
            order[fill[k as usize] as usize] = row as u32;
            fill[k as usize] += 1;
        }
    }
    Groups { order, starts }
}

/// A slice of work: rule `rule`, key `key`, outer positions `lo..hi` of the key's group.
#[derive(Clone, Copy)]
struct Item {
    rule: u32,
    key: u32,
    lo: u32,
    hi: u32,
    cost: u64,
}

/// The candidate pairs, or `None` when `cap` is given and the distinct pairs pass it (counting
/// then stops as soon as every thread has seen that).
fn candidates(
    rules: &[RuleKeys],
    fields: &[Field],
    link: bool,
    threads: usize,
    cap: Option<u64>,
) -> Option<Candidates> {
    let made = AtomicU64::new(0);
    let over = AtomicBool::new(false);
    let groups: Vec<(Groups, Option<Groups>)> = rules
        .iter()
        .map(|r| {
            (
                group(&r.left, r.distinct),
                link.then(|| group(&r.right, r.distinct)),
            )
        })
        .collect();
    // Work items, large groups split so that the threads stay balanced.
    const PIECE: u64 = 1 << 16;
    let mut items = Vec::new();
    for (ri, (gl, gr)) in groups.iter().enumerate() {
        for k in 0..rules[ri].distinct {
            let a = (gl.starts[k + 1] - gl.starts[k]) as u64;
            let (outer_cost, inner): (Box<dyn Fn(u64) -> u64>, u64) = match gr {
                Some(gr) => {
                    let b = (gr.starts[k + 1] - gr.starts[k]) as u64;
                    if a == 0 || b == 0 {
                        continue;
                    }
                    (Box::new(move |_| b), a)
                }
                None => {
                    if a < 2 {
                        continue;
                    }
                    (Box::new(move |x| a - 1 - x), a)
                }
            };
            let mut lo = 0u64;
            let mut cost = 0u64;
            for x in 0..inner {
                cost += outer_cost(x);
                if cost >= PIECE || x + 1 == inner {
                    items.push(Item {
                        rule: ri as u32,
                        key: k as u32,
                        lo: lo as u32,
                        hi: (x + 1) as u32,
                        cost,
                    });
                    lo = x + 1;
                    cost = 0;
                }
            }
        }
    }
    let total: u64 = items.iter().map(|i| i.cost).sum();
    let per = total.div_ceil(threads.max(1) as u64).max(1);
    let mut chunks: Vec<&[Item]> = Vec::new();
    let mut begin = 0;
    let mut acc = 0;
    for (x, it) in items.iter().enumerate() {
        acc += it.cost;
        if acc >= per {
            chunks.push(&items[begin..=x]);
            begin = x + 1;
            acc = 0;
        }
    }
    if begin < items.len() {
        chunks.push(&items[begin..]);
    }

    let work = |chunk: &[Item]| -> Candidates {
        let mut out = Candidates {
            i: Vec::new(),
            j: Vec::new(),
            pattern: Vec::new(),
            rule: Vec::new(),
            counts: HashMap::new(),
            per_rule: vec![0; rules.len()],
        };
        let est: u64 = chunk.iter().map(|i| i.cost).sum::<u64>() / 2;
        let est = cap.map_or(est, |c| est.min(c / threads.max(1) as u64 + PIECE)) as usize;
        out.i.reserve(est);
        out.j.reserve(est);
        out.pattern.reserve(est);
        let right_ids: Vec<&[u32]> = fields.iter().map(|f| f.right_ids()).collect();
        let right_keys: Vec<&[u32]> = rules
            .iter()
            .map(|r| if link { &r.right[..] } else { &r.left[..] })
            .collect();
        let emit = |rule: usize, i: u32, j: u32, out: &mut Candidates| {
            for (r, rk) in rules[..rule].iter().zip(&right_keys) {
                let k = r.left[i as usize];
                if k != NULL && k == rk[j as usize] {
                    return;
                }
            }
            let mut p: Pattern = 0;
            for (f, field) in fields.iter().enumerate() {
                let l = field.level(field.left[i as usize], right_ids[f][j as usize]);
                p |= Pattern::from(l) << (4 * f);
            }
            out.i.push(i);
            out.j.push(j);
            out.pattern.push(p);
            out.rule.push(rule as u8);
            *out.counts.entry((rule as u8, p)).or_insert(0) += 1;
            out.per_rule[rule] += 1;
        };
        let mut before = 0;
        for it in chunk {
            if let Some(cap) = cap {
                let now = out.i.len() as u64;
                let total = made.fetch_add(now - before, Ordering::Relaxed) + (now - before);
                before = now;
                if total > cap {
                    over.store(true, Ordering::Relaxed);
                }
                if over.load(Ordering::Relaxed) {
                    break;
                }
            }
            let (gl, gr) = &groups[it.rule as usize];
            let k = it.key as usize;
            let lm = &gl.order[gl.starts[k] as usize..gl.starts[k + 1] as usize];
            match gr {
                Some(gr) => {
                    let rm = &gr.order[gr.starts[k] as usize..gr.starts[k + 1] as usize];
                    for &i in &lm[it.lo as usize..it.hi as usize] {
                        for &j in rm {
                            emit(it.rule as usize, i, j, &mut out);
                        }
                    }
                }
                None => {
                    for x in it.lo as usize..it.hi as usize {
                        for &j in &lm[x + 1..] {
                            emit(it.rule as usize, lm[x], j, &mut out);
                        }
                    }
                }
            }
        }
        out
    };
    let parts: Vec<Candidates> = if chunks.len() <= 1 || threads <= 1 {
        vec![work(&items)]
    } else {
        std::thread::scope(|s| {
            let hs: Vec<_> = chunks.iter().map(|c| s.spawn(|| work(c))).collect();
            hs.into_iter()
                .map(|h| h.join().expect("worker panicked"))
                .collect()
        })
    };
    let n: u64 = parts.iter().map(|p| p.i.len() as u64).sum();
    if over.load(Ordering::Relaxed) || cap.is_some_and(|c| n > c) {
        return None;
    }
    let mut all = Candidates {
        i: Vec::new(),
        j: Vec::new(),
        pattern: Vec::new(),
        rule: Vec::new(),
        counts: HashMap::new(),
        per_rule: vec![0; rules.len()],
    };
    let n: usize = parts.iter().map(|p| p.i.len()).sum();
    all.i.reserve_exact(n);
    all.j.reserve_exact(n);
    all.pattern.reserve_exact(n);
    for p in parts {
        all.i.extend_from_slice(&p.i);
        all.j.extend_from_slice(&p.j);
        all.pattern.extend_from_slice(&p.pattern);
        all.rule.extend_from_slice(&p.rule);
        for (k, v) in p.counts {
            *all.counts.entry(k).or_insert(0) += v;
        }
        for (a, b) in all.per_rule.iter_mut().zip(&p.per_rule) {
            *a += b;
        }
    }
    Some(all)
}

/// The pairs one blocking rule makes on its own, counted from its block sizes.
struct RuleCount {
    /// Records per key value, left table (the table, in a deduplication).
    left: Vec<u32>,
    /// Records per key value, right table (empty in a deduplication).
    right: Vec<u32>,
    link: bool,
    /// Σ n(n − 1)/2 over the blocks, or Σ n_left · n_right in a link (saturating at u64::MAX).
    pairs: u64,
}

impl RuleCount {
    fn new(r: &RuleKeys, link: bool) -> RuleCount {
        let count = |keys: &[u32]| {
            let mut c = vec![0u32; r.distinct];
            for &k in keys {
                if k != NULL {
                    c[k as usize] += 1;
                }
            }
            c
        };
        let left = count(&r.left);
        let right = if link { count(&r.right) } else { Vec::new() };
        let mut rc = RuleCount {
            left,
            right,
            link,
            pairs: 0,
        };
        let total: u128 = (0..r.distinct).map(|k| rc.block_pairs(k)).sum();
        rc.pairs = u64::try_from(total).unwrap_or(u64::MAX);
        rc
    }

    fn block_pairs(&self, k: usize) -> u128 {
        let a = u128::from(self.left[k]);
        if self.link {
            a * u128::from(self.right[k])
        } else {
            a * a.saturating_sub(1) / 2
        }
    }

    /// The [`SHOWN_BLOCKS`] blocks with the most pairs, with their key values.
    fn biggest(
        &self,
        keys: &RuleKeys,
        rule: &BlockingRule,
        left: &Table,
        right: Option<&Table>,
    ) -> Vec<Block> {
        let mut top: Vec<(u128, usize)> = Vec::with_capacity(SHOWN_BLOCKS + 1);
        for k in 0..self.left.len() {
            let p = self.block_pairs(k);
            if p == 0 {
                continue;
            }
            let at = top.partition_point(|&(q, _)| q >= p);
            if at < SHOWN_BLOCKS {
                top.insert(at, (p, k));
                top.truncate(SHOWN_BLOCKS);
            }
        }
        top.into_iter()
            .map(|(p, k)| {
                // A record of the block names its key value.
                let key = match keys.left.iter().position(|&x| x as usize == k) {
                    Some(row) => key_text(&rule.keys, left, row),
                    None => match (right, keys.right.iter().position(|&x| x as usize == k)) {
                        (Some(t), Some(row)) => key_text(&rule.keys, t, row),
                        _ => String::new(),
                    },
                };
                Block {
                    key,
                    rows: u64::from(self.left[k]),
                    right_rows: self.link.then(|| u64::from(self.right[k])),
                    pairs: u64::try_from(p).unwrap_or(u64::MAX),
                }
            })
            .collect()
    }
}

/// SplitMix64: a small, fast, reproducible generator for the random pair sample.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2⁻³² for our sizes).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

/// The background level frequencies among all pairs (see [`crate::model`]).
fn background(
    fields: &[Field],
    n_left: usize,
    n_right: usize,
    link: bool,
    sample: u64,
    seed: u64,
    threads: usize,
) -> Background {
    // Random pairs in a fixed number of streams, so the result does not depend on threads.
    const STREAMS: u64 = 16;
    let stream = |s: u64| -> Vec<Vec<u64>> {
        let mut rng = SplitMix(seed ^ (s + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
        let n = sample / STREAMS + u64::from(s < sample % STREAMS);
        let mut counts: Vec<Vec<u64>> = fields.iter().map(|f| vec![0; f.levels]).collect();
        let right_ids: Vec<&[u32]> = fields.iter().map(|f| f.right_ids()).collect();
        for _ in 0..n {
            let (i, j) = if link {
                (rng.below(n_left as u64), rng.below(n_right as u64))
            } else {
                let i = rng.below(n_left as u64);
                let mut j = rng.below(n_left as u64 - 1);
                if j >= i {
                    j += 1;
                }
                (i, j)
            };
            for (f, field) in fields.iter().enumerate() {
                let l = field.level(field.left[i as usize], right_ids[f][j as usize]);
                if l != NULL_LEVEL && l != 0 {
                    counts[f][l as usize] += 1;
                }
            }
        }
        counts
    };
    let streams: Vec<u64> = (0..STREAMS).collect();
    let per_stream: Vec<Vec<Vec<u64>>> = if threads > 1 {
        std::thread::scope(|sc| {
            let chunk = streams.len().div_ceil(threads);
            let hs: Vec<_> = streams
                .chunks(chunk)
                .map(|c| {
                    let stream = &stream;
                    sc.spawn(move || c.iter().map(|&s| stream(s)).collect::<Vec<_>>())
                })
                .collect();
            hs.into_iter()
                .flat_map(|h| h.join().expect("worker panicked"))
                .collect()
        })
    } else {
        streams.iter().map(|&s| stream(s)).collect()
    };
    let mut q = Vec::new();
    let mut floor = Vec::new();
    for (f, field) in fields.iter().enumerate() {
        let sampled: Vec<u64> = (0..field.levels)
            .map(|k| per_stream.iter().map(|s| s[f][k]).sum())
            .collect();
        // Exact agreement, counted over all pairs.
        let (exact, pairs) = if link {
            let na: f64 = field.count_left.iter().map(|&c| f64::from(c)).sum();
            let nb: f64 = field.count_right.iter().map(|&c| f64::from(c)).sum();
            let e: f64 = field
                .count_left
                .iter()
                .zip(&field.count_right)
                .map(|(&a, &b)| f64::from(a) * f64::from(b))
                .sum();
            (e, na * nb)
        } else {
            let n: f64 = field.count_left.iter().map(|&c| f64::from(c)).sum();
            let e: f64 = field
                .count_left
                .iter()
                .map(|&c| f64::from(c) * (f64::from(c) - 1.0) / 2.0)
                .sum();
            (e, n * (n - 1.0) / 2.0)
        };
        let pairs = pairs.max(1.0);
        let q0 = exact / pairs;
        let rest: u64 = sampled[1..].iter().sum();
        let last = field.levels - 1;
        let mut qf = vec![0.0; field.levels];
        let mut fl = vec![0.0; field.levels];
        qf[0] = q0;
        fl[0] = 0.5 / pairs;
        for k in 1..field.levels {
            qf[k] = if rest > 0 {
                (1.0 - q0) * sampled[k] as f64 / rest as f64
            } else if k == last {
                1.0 - q0
            } else {
                0.0
            };
            fl[k] = (1.0 - q0) * 0.5 / (rest.max(1) as f64);
        }
        q.push(qf);
        floor.push(fl);
    }
    Background { q, floor }
}

/// What turns a pair's comparison vector into its per-column scores.
#[derive(Clone, Debug, Default)]
struct Scorer {
    /// Per stratum, field and level.
    weights: Vec<Vec<Vec<f64>>>,
    /// Per field with term frequencies: the adjustment of each prepared value.
    tf: Vec<Option<Vec<f64>>>,
    /// Per field with term frequencies: the prepared value id of each left row.
    tf_ids: Vec<Option<Vec<u32>>>,
}

impl Scorer {
    fn fields(&self, pattern: Pattern, rule: usize, left: u32) -> Vec<FieldScore> {
        (0..self.tf.len())
            .map(|f| {
                let l = level_of(pattern, f);
                if l == NULL_LEVEL {
                    return FieldScore {
                        level: None,
                        weight: 0.0,
                        tf_adjustment: 0.0,
                    };
                }
                let adj = match (&self.tf[f], &self.tf_ids[f]) {
                    (Some(t), Some(ids)) if l == 0 => t[ids[left as usize] as usize],
                    _ => 0.0,
                };
                FieldScore {
                    level: Some(l),
                    weight: self.weights[rule][f][l as usize] + adj,
                    tf_adjustment: adj,
                }
            })
            .collect()
    }
}

struct ScoreCtx<'a> {
    fields: &'a [Field],
    /// Per stratum, field and level.
    weights: &'a [Vec<Vec<f64>>],
    priors: &'a [f64],
    tf: &'a [Option<Vec<f64>>],
    min_probability: f64,
}

fn probability(w: f64) -> f64 {
    1.0 / (1.0 + (-w).exp2())
}

/// The pairs at or above `min_probability`, sorted by (left, right), with their comparison
/// vectors.
fn score(
    cands: &Candidates,
    ctx: &ScoreCtx<'_>,
    threads: usize,
) -> (Vec<ScoredPair>, Vec<Pattern>) {
    let nf = ctx.fields.len();
    // Weight of each distinct pattern without term frequencies.
    let base: HashMap<(u8, Pattern), f64> = cands
        .counts
        .keys()
        .map(|&(r, p)| {
            let w: f64 = (0..nf)
                .map(|f| match level_of(p, f) {
                    NULL_LEVEL => 0.0,
                    l => ctx.weights[r as usize][f][l as usize],
                })
                .sum();
            ((r, p), ctx.priors[r as usize] + w)
        })
        .collect();
    let has_tf = ctx.tf.iter().any(|t| t.is_some());
    // The largest term-frequency bonus a pair could get, to skip hopeless pairs quickly.
    let max_bonus: f64 = ctx
        .tf
        .iter()
        .map(|t| {
            t.as_ref()
                .map_or(0.0, |v| v.iter().copied().fold(0.0, f64::max))
        })
        .sum();
    let min_weight = (ctx.min_probability / (1.0 - ctx.min_probability)).log2();
    let n = cands.i.len();
    let ranges: Vec<(usize, usize)> = {
        let t = threads.max(1);
        let c = n.div_ceil(t).max(1);
        (0..t)
            .map(|x| (x * c, ((x + 1) * c).min(n)))
            .filter(|(a, b)| a < b)
            .collect()
    };
    // The scored pair of candidate x, if it reaches min_probability.
    let pair = |x: usize| -> Option<ScoredPair> {
        let p = cands.pattern[x];
        let r = cands.rule[x];
        let mut w = base[&(r, p)];
        if w + max_bonus < min_weight {
            return None;
        }
        let (i, j) = (cands.i[x], cands.j[x]);
        if has_tf {
            for (f, t) in ctx.tf.iter().enumerate() {
                if let Some(t) = t
                    && level_of(p, f) == 0
                {
                    w += t[ctx.fields[f].left[i as usize] as usize];
                }
            }
        }
        let prob = probability(w);
        (prob >= ctx.min_probability).then_some(ScoredPair {
            left: i,
            right: j,
            rule: u16::from(r),
            match_weight: w,
            match_probability: prob,
        })
    };
    let parallel = |jobs: Vec<Box<dyn FnOnce() + Send + '_>>| {
        if jobs.len() <= 1 {
            jobs.into_iter().for_each(|j| j());
        } else {
            std::thread::scope(|s| {
                let hs: Vec<_> = jobs.into_iter().map(|j| s.spawn(j)).collect();
                for h in hs {
                    h.join().expect("worker panicked");
                }
            });
        }
    };
    // Two passes, so that the result is allocated once at its final size (a block of identical
    // records returns every candidate): count the pairs each range keeps, then fill each
    // range's part of the result.
    let mut kept = vec![0usize; ranges.len()];
    parallel(
        kept.iter_mut()
            .zip(&ranges)
            .map(|(k, &(lo, hi))| {
                let pair = &pair;
                Box::new(move || *k = (lo..hi).filter(|&x| pair(x).is_some()).count())
                    as Box<dyn FnOnce() + Send + '_>
            })
            .collect(),
    );
    let total: usize = kept.iter().sum();
    let mut pairs = vec![
        ScoredPair {
            left: 0,
            right: 0,
            rule: 0,
            match_weight: 0.0,
            match_probability: 0.0,
        };
        total
    ];
    let mut patterns: Vec<Pattern> = vec![0; total];
    {
        let mut jobs: Vec<Box<dyn FnOnce() + Send + '_>> = Vec::new();
        let (mut p_rest, mut v_rest) = (&mut pairs[..], &mut patterns[..]);
        for (&k, &(lo, hi)) in kept.iter().zip(&ranges) {
            let (p_part, p_tail) = std::mem::take(&mut p_rest).split_at_mut(k);
            let (v_part, v_tail) = std::mem::take(&mut v_rest).split_at_mut(k);
            p_rest = p_tail;
            v_rest = v_tail;
            let pair = &pair;
            jobs.push(Box::new(move || {
                let mut at = 0;
                for x in lo..hi {
                    if let Some(sp) = pair(x) {
                        p_part[at] = sp;
                        v_part[at] = cands.pattern[x];
                        at += 1;
                    }
                }
            }));
        }
        parallel(jobs);
    }
    // Sort by (left, right) in place: a permutation, then its cycles.
    let mut order: Vec<usize> = (0..total).collect();
    order.sort_unstable_by_key(|&x| (pairs[x].left, pairs[x].right));
    for start in 0..total {
        if order[start] == start {
            continue;
        }
        let (first, first_pattern) = (pairs[start], patterns[start]);
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start {
                pairs[at] = first;
                patterns[at] = first_pattern;
                break;
            }
            pairs[at] = pairs[from];
            patterns[at] = patterns[from];
            at = from;
        }
    }
    (pairs, patterns)
}
