//! Evaluation of a checked rule over a snapshot, as bitmaps.
//!
//! Each leaf is one tight loop over a column slice that packs 64 results into a word; `and`,
//! `or` and `not` combine words. The households are split into word-aligned ranges, one per
//! thread, and each thread evaluates the whole rule over its range (persons over the member
//! rows of those households), so no thread waits for another until the end.

use std::collections::HashMap;
use std::ops::Range;

use arrow_array::{Array, BooleanArray};
use chrono::{Datelike, NaiveDate};
use setara_snapshot::Snapshot;

use crate::bitmap::Bitmap;
use crate::check::{IntTest, KnownWhat, Leaf, Node, Rule};
use crate::error::{Error, ErrorKind};
use crate::syntax::{CmpOp, Quantifier, Span};
use crate::types::{Attr, definition};

/// The welfare ranking of the households (from `setara rank`): one entry per household row of
/// the snapshot, in row order.
#[derive(Clone, Copy, Debug)]
pub struct Ranking<'a> {
    /// National desil 1..=10 (1 = poorest 10 %); 0 = not ranked.
    pub desil: &'a [u8],
    /// Desil within the province; 0 = not ranked.
    pub desil_province: &'a [u8],
    /// Desil within the regency; 0 = not ranked.
    pub desil_regency: &'a [u8],
    /// Predicted ln consumption per capita; NaN = not ranked.
    pub score: &'a [f64],
    /// National rank, 1 = poorest; 0 = not ranked.
    pub rank: &'a [u32],
}

impl<'a> From<&'a setara_snapshot::ranking::RankingColumns> for Ranking<'a> {
    /// The columns of a ranking file as rules read them.
    fn from(cols: &'a setara_snapshot::ranking::RankingColumns) -> Ranking<'a> {
        Ranking {
            desil: &cols.desil,
            desil_province: &cols.desil_province,
            desil_regency: &cols.desil_regency,
            score: &cols.score,
            rank: &cols.rank,
        }
    }
}

/// What a rule is evaluated on.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    pub snapshot: &'a Snapshot,
    /// The date on which ages are computed (whole years, from the birth date).
    pub reference_date: NaiveDate,
    /// The welfare ranking, if there is one; rules using `desil`, `score`… need it.
    pub ranking: Option<Ranking<'a>>,
    /// Current beneficiaries of each programme, by programme code, as bitmaps over household
    /// rows (`receives("PKH")`).
    pub programmes: &'a HashMap<String, Bitmap>,
}

/// Households below which evaluation stays on one thread.
pub const PARALLEL_MIN_HOUSEHOLDS: usize = 1 << 16;

impl Inputs<'_> {
    /// Check that the ranking and the programme bitmaps have one entry per household and that
    /// `rule` finds what it uses.
    pub(crate) fn validate(&self, rule: &Rule) -> Result<(), Error> {
        let n = self.snapshot.household_count();
        let bad = |what: &str, found: usize| {
            Err(Error::new(
                ErrorKind::InputLength {
                    what: what.into(),
                    expected: n,
                    found,
                },
                Span::default(),
                "",
            ))
        };
        if let Some(r) = &self.ranking {
            for (what, len) in [
                ("desil", r.desil.len()),
                ("desil_province", r.desil_province.len()),
                ("desil_regency", r.desil_regency.len()),
                ("score", r.score.len()),
                ("rank", r.rank.len()),
            ] {
                if len != n {
                    return bad(&format!("ranking.{what}"), len);
                }
            }
        }
        for (name, b) in self.programmes {
            if b.len() != n {
                return bad(&format!("programme {name:?}"), b.len());
            }
        }
        let mut result = Ok(());
        walk(&rule.root, &mut |node| {
            if result.is_err() {
                return;
            }
            if let Node::Leaf(leaf, span) = node {
                match leaf {
                    Leaf::Int { attr, .. }
                    | Leaf::Decimal { attr, .. }
                    | Leaf::Known(KnownWhat::Attr(attr))
                        if definition(*attr).needs_ranking() && self.ranking.is_none() =>
                    {
                        result = Err(Error::new(
                            ErrorKind::NoRanking(definition(*attr).name.into()),
                            *span,
                            &rule.source,
                        ));
                    }
                    Leaf::Receives(p) if !self.programmes.contains_key(p) => {
                        let mut known: Vec<String> = self.programmes.keys().cloned().collect();
                        known.sort();
                        result = Err(Error::new(
                            ErrorKind::UnknownProgramme {
                                name: p.clone(),
                                suggestion: None,
                                known,
                            },
                            *span,
                            &rule.source,
                        ));
                    }
                    _ => {}
                }
            }
        });
        result
    }
}

/// Visit every node.
pub(crate) fn walk(node: &Node, f: &mut impl FnMut(&Node)) {
    f(node);
    match node {
        Node::And(items, _) | Node::Or(items, _) => {
            for x in items {
                walk(x, f);
            }
        }
        Node::Not(a, _) => walk(a, f),
        Node::Leaf(Leaf::Members { predicate: p, .. }, _) => walk(p, f),
        _ => {}
    }
}

impl Rule {
    /// The households the rule selects, as a bitmap over household rows. Uses two threads for
    /// [`PARALLEL_MIN_HOUSEHOLDS`] households or more.
    pub fn evaluate(&self, inputs: &Inputs<'_>) -> Result<Bitmap, Error> {
        let threads = if inputs.snapshot.household_count() >= PARALLEL_MIN_HOUSEHOLDS {
            2
        } else {
            1
        };
        self.evaluate_with_threads(inputs, threads)
    }

    /// As [`evaluate`](Self::evaluate), splitting the households into `threads` word-aligned
    /// ranges evaluated in parallel (the result does not depend on `threads`).
    pub fn evaluate_with_threads(
        &self,
        inputs: &Inputs<'_>,
        threads: usize,
    ) -> Result<Bitmap, Error> {
        inputs.validate(self)?;
        let snapshot = inputs.snapshot;
        let n = snapshot.household_count();
        let words = n.div_ceil(64);
        let threads = threads.clamp(1, words.max(1));
        let per = words.div_ceil(threads);
        let ranges: Vec<Range<usize>> = (0..threads)
            .map(|t| ((t * per * 64).min(n))..(((t + 1) * per * 64).min(n)))
            .filter(|r| !r.is_empty())
            .collect();
        let first = snapshot.first_person().values();
        let persons = snapshot.person_count();
        let person_start = |h: usize| if h >= n { persons } else { first[h] as usize };
        let run = |h: Range<usize>| {
            let p = person_start(h.start)..person_start(h.end);
            let ctx = Ctx {
                inputs,
                h,
                p,
                dates: AgeDates::new(inputs.reference_date),
            };
            ctx.eval(&self.root, false)
        };
        let mut out = Vec::with_capacity(words);
        if ranges.len() <= 1 {
            if let Some(r) = ranges.into_iter().next() {
                out = run(r);
            }
        } else {
            let parts: Vec<Vec<u64>> = std::thread::scope(|s| {
                let handles: Vec<_> = ranges
                    .into_iter()
                    .map(|r| {
                        let run = &run;
                        s.spawn(move || run(r))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("evaluation thread panicked"))
                    .collect()
            });
            for p in parts {
                out.extend_from_slice(&p);
            }
        }
        Ok(Bitmap::from_words(out, n))
    }
}

/// Number of persons in the selected households.
pub fn count_persons(selected: &Bitmap, snapshot: &Snapshot) -> u64 {
    let members = snapshot.members().values();
    selected.iter_ones().map(|h| u64::from(members[h])).sum()
}

/// Birth-date thresholds for ages on a reference date.
#[derive(Clone, Copy)]
pub(crate) struct AgeDates {
    on: NaiveDate,
}

impl AgeDates {
    pub(crate) fn new(on: NaiveDate) -> AgeDates {
        AgeDates { on }
    }

    /// The last birth date (days since 1970-01-01) of someone aged `k` or more on the reference
    /// date: age ≥ k ⇔ birth ≤ threshold(k). Extreme ages saturate.
    fn threshold(self, k: i64) -> i64 {
        if k > 100_000 {
            return i64::MIN;
        }
        if k < -100_000 {
            return i64::MAX;
        }
        let y = self.on.year() as i64 - k;
        let date = NaiveDate::from_ymd_opt(y as i32, self.on.month(), self.on.day())
            .or_else(|| NaiveDate::from_ymd_opt(y as i32, 2, 28))
            .expect("a valid date");
        (date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days()
    }

    /// Birth-date ranges (inclusive, days) of the ages in the inclusive age ranges.
    fn birth_ranges(self, ages: &[(i64, i64)]) -> Vec<(i64, i64)> {
        ages.iter()
            .filter_map(|&(lo, hi)| {
                // age ≥ lo ⇔ birth ≤ T(lo); age ≤ hi ⇔ age < hi + 1 ⇔ birth > T(hi + 1).
                let upper = if lo == i64::MIN {
                    i64::MAX
                } else {
                    self.threshold(lo)
                };
                let lower = if hi == i64::MAX {
                    i64::MIN
                } else {
                    self.threshold(hi + 1).saturating_add(1)
                };
                (lower <= upper).then_some((lower, upper))
            })
            .collect()
    }
}

struct Ctx<'a> {
    inputs: &'a Inputs<'a>,
    /// Household rows of this thread.
    h: Range<usize>,
    /// Their member rows.
    p: Range<usize>,
    dates: AgeDates,
}

/// Pack `f(v)` for each value into words.
#[inline]
fn bits<T: Copy>(values: &[T], f: impl Fn(T) -> bool) -> Vec<u64> {
    let mut out = Vec::with_capacity(values.len().div_ceil(64));
    let mut chunks = values.chunks_exact(64);
    for chunk in &mut chunks {
        let mut w = 0u64;
        for (i, &v) in chunk.iter().enumerate() {
            w |= u64::from(f(v)) << i;
        }
        out.push(w);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = 0u64;
        for (i, &v) in rest.iter().enumerate() {
            w |= u64::from(f(v)) << i;
        }
        out.push(w);
    }
    out
}

/// `f` applied to inclusive ranges: in any of them.
#[inline]
fn in_ranges<T: Copy + Into<i128>>(values: &[T], ranges: &[(i64, i64)]) -> Vec<u64> {
    match ranges {
        [] => vec![0; values.len().div_ceil(64)],
        &[(lo, hi)] => {
            let (lo, hi) = (i128::from(lo), i128::from(hi));
            bits(values, |v| {
                let v: i128 = v.into();
                lo <= v && v <= hi
            })
        }
        _ => bits(values, |v| {
            let v: i128 = v.into();
            ranges
                .iter()
                .any(|&(lo, hi)| i128::from(lo) <= v && v <= i128::from(hi))
        }),
    }
}

/// A 256-entry table of `test` over byte values (0 = not recorded is false).
fn byte_table(test: impl Fn(i64) -> bool) -> [bool; 256] {
    let mut t = [false; 256];
    for (v, slot) in t.iter_mut().enumerate().skip(1) {
        *slot = test(v as i64);
    }
    t
}

/// The validity words of `array` over `range` (`None` when it has no nulls).
fn validity(array: &dyn Array, range: &Range<usize>) -> Option<Vec<u64>> {
    array.nulls().map(|n| {
        n.inner()
            .slice(range.start, range.len())
            .bit_chunks()
            .iter_padded()
            .take(range.len().div_ceil(64))
            .collect()
    })
}

fn and_in(a: &mut [u64], b: &[u64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x &= y;
    }
}

fn boolean_values(array: &BooleanArray, range: &Range<usize>) -> Vec<u64> {
    array
        .values()
        .slice(range.start, range.len())
        .bit_chunks()
        .iter_padded()
        .take(range.len().div_ceil(64))
        .collect()
}

/// Number of set bits in `start..start + len` of `words`.
#[inline]
fn count_range(words: &[u64], start: usize, len: usize) -> u32 {
    if len == 0 {
        return 0;
    }
    let end = start + len;
    let (first, last) = (start / 64, (end - 1) / 64);
    let lo_mask = !0u64 << (start % 64);
    let hi_mask = !0u64 >> (63 - (end - 1) % 64);
    if first == last {
        return (words[first] & lo_mask & hi_mask).count_ones();
    }
    let mut n = (words[first] & lo_mask).count_ones() + (words[last] & hi_mask).count_ones();
    for w in &words[first + 1..last] {
        n += w.count_ones();
    }
    n
}

impl Ctx<'_> {
    fn rows(&self, person: bool) -> Range<usize> {
        if person {
            self.p.clone()
        } else {
            self.h.clone()
        }
    }

    fn eval(&self, node: &Node, person: bool) -> Vec<u64> {
        let rows = self.rows(person);
        let words = rows.len().div_ceil(64);
        match node {
            Node::Const(b, _) => vec![if *b { !0 } else { 0 }; words],
            Node::And(items, _) => {
                let mut x = vec![!0u64; words];
                for item in items {
                    // Nobody left in this range: the other operands cannot change that.
                    if x.iter().all(|&w| w == 0) {
                        break;
                    }
                    let y = self.eval(item, person);
                    and_in(&mut x, &y);
                }
                x
            }
            Node::Or(items, _) => {
                let mut x = vec![0u64; words];
                for item in items {
                    let y = self.eval(item, person);
                    for (x, y) in x.iter_mut().zip(&y) {
                        *x |= y;
                    }
                }
                x
            }
            Node::Not(a, _) => {
                let mut x = self.eval(a, person);
                for w in &mut x {
                    *w = !*w;
                }
                x
            }
            Node::Leaf(leaf, _) => self.leaf(leaf, &rows),
        }
    }

    fn leaf(&self, leaf: &Leaf, rows: &Range<usize>) -> Vec<u64> {
        let s = self.inputs.snapshot;
        let r = rows.clone();
        match leaf {
            Leaf::Int { attr, test } => self.int(*attr, test, rows),
            Leaf::Decimal { op, value, .. } => {
                let score = &self.ranking().score[r];
                let (op, c) = (*op, *value);
                match op {
                    CmpOp::Eq => bits(score, |v| v == c),
                    CmpOp::Ne => bits(score, |v| !v.is_nan() && v != c),
                    CmpOp::Lt => bits(score, |v| v < c),
                    CmpOp::Le => bits(score, |v| v <= c),
                    CmpOp::Gt => bits(score, |v| v > c),
                    CmpOp::Ge => bits(score, |v| v >= c),
                }
            }
            Leaf::Code { attr, set, .. } => {
                let array = self.code_column(*attr);
                let table = byte_table(|i| i < 64 && set >> i & 1 == 1);
                let mut w = bits(&array.values()[r], |v| table[v as usize]);
                if let Some(valid) = validity(array, rows) {
                    and_in(&mut w, &valid);
                }
                w
            }
            Leaf::Bool { attr, value } => match attr {
                Attr::Surveyed => {
                    let c = s.consumption();
                    let known =
                        validity(c, rows).unwrap_or_else(|| vec![!0; rows.len().div_ceil(64)]);
                    if *value {
                        known
                    } else {
                        known.into_iter().map(|w| !w).collect()
                    }
                }
                _ => {
                    let array = s.chronic_illness();
                    let mut w = boolean_values(array, rows);
                    if !*value {
                        for x in &mut w {
                            *x = !*x;
                        }
                    }
                    if let Some(valid) = validity(array, rows) {
                        and_in(&mut w, &valid);
                    }
                    w
                }
            },
            Leaf::Region(regions) => {
                let ranges: Vec<(u64, u64)> = regions
                    .iter()
                    .map(|p| {
                        let span = 10u64.pow(10 - p.level().digits());
                        let left = p.digits() * span;
                        (p.key(), (left + span) * 10)
                    })
                    .collect();
                let keys = &s.region().values()[r];
                match ranges.as_slice() {
                    &[(lo, hi)] => bits(keys, |k| lo <= k && k < hi),
                    _ => bits(keys, |k| ranges.iter().any(|&(lo, hi)| lo <= k && k < hi)),
                }
            }
            Leaf::Owns(asset) => {
                let mask = 1u16 << (asset - 1);
                bits(&s.assets_owned().values()[r], |v| v & mask != 0)
            }
            Leaf::Receives(p) => {
                let b = &self.inputs.programmes[p];
                // Household ranges start on word boundaries.
                b.words()[rows.start / 64..rows.end.div_ceil(64)].to_vec()
            }
            Leaf::Known(what) => self.known(*what, rows),
            Leaf::Members {
                quantifier,
                test,
                predicate,
            } => {
                let persons = self.eval(predicate, true);
                let first = &s.first_person().values()[r.clone()];
                let members = &s.members().values()[r];
                let base = self.p.start;
                let count = |i: usize| {
                    count_range(&persons, first[i] as usize - base, usize::from(members[i]))
                };
                let n = rows.len();
                match (quantifier, test) {
                    (Quantifier::Any, _) => bits_idx(n, |i| count(i) > 0),
                    (Quantifier::All, _) => bits_idx(n, |i| count(i) == u32::from(members[i])),
                    (Quantifier::Count, Some(t)) => bits_idx(n, |i| t.test(i64::from(count(i)))),
                    (Quantifier::Count, None) => unreachable!("count is always compared"),
                }
            }
        }
    }

    fn ranking(&self) -> &Ranking<'_> {
        self.inputs
            .ranking
            .as_ref()
            .expect("validated: rules using the ranking have one")
    }

    fn code_column(&self, attr: Attr) -> &arrow_array::UInt8Array {
        let s = self.inputs.snapshot;
        match attr {
            Attr::Floor => s.floor(),
            Attr::Wall => s.wall(),
            Attr::Roof => s.roof(),
            Attr::Water => s.water(),
            Attr::Toilet => s.toilet(),
            Attr::Electricity => s.electricity(),
            Attr::CookingFuel => s.cooking_fuel(),
            Attr::Tenure => s.tenure(),
            Attr::Sex => s.sex(),
            Attr::Relation => s.relation(),
            Attr::Education => s.education(),
            Attr::Work => s.work(),
            Attr::Disability => s.disability(),
            Attr::HealthInsurance => s.health_insurance(),
            Attr::School => s.school(),
            other => unreachable!("{other:?} is not a code attribute"),
        }
    }

    fn int(&self, attr: Attr, test: &IntTest, rows: &Range<usize>) -> Vec<u64> {
        let s = self.inputs.snapshot;
        let r = rows.clone();
        let ranges = test.ranges();
        let with_nulls = |mut w: Vec<u64>, array: &dyn Array| {
            if let Some(valid) = validity(array, rows) {
                and_in(&mut w, &valid);
            }
            w
        };
        match attr {
            Attr::Desil | Attr::DesilProvince | Attr::DesilRegency => {
                let rk = self.ranking();
                let values = match attr {
                    Attr::Desil => rk.desil,
                    Attr::DesilProvince => rk.desil_province,
                    _ => rk.desil_regency,
                };
                let table = byte_table(|v| test.test(v));
                bits(&values[r], |v| table[v as usize])
            }
            Attr::Rank => {
                let (lo, hi) = match ranges.as_slice() {
                    [] => return vec![0; rows.len().div_ceil(64)],
                    _ => (ranges[0].0, ranges[ranges.len() - 1].1),
                };
                let values = &self.ranking().rank[r];
                if ranges.len() == 1 {
                    bits(values, |v| {
                        v != 0 && lo <= i64::from(v) && i64::from(v) <= hi
                    })
                } else {
                    bits(values, |v| {
                        v != 0
                            && ranges
                                .iter()
                                .any(|&(lo, hi)| lo <= i64::from(v) && i64::from(v) <= hi)
                    })
                }
            }
            Attr::Members => in_ranges(&s.members().values()[r], &ranges),
            Attr::DeclaredSize => {
                let a = s.declared_size();
                with_nulls(in_ranges(&a.values()[r], &ranges), a)
            }
            Attr::FloorAreaM2 => {
                let a = s.floor_area_m2();
                with_nulls(in_ranges(&a.values()[r], &ranges), a)
            }
            Attr::ElectricityVa => {
                let a = s.electricity_va();
                with_nulls(in_ranges(&a.values()[r], &ranges), a)
            }
            Attr::LandM2 => {
                let a = s.land_m2();
                with_nulls(in_ranges(&a.values()[r], &ranges), a)
            }
            Attr::Consumption => {
                let a = s.consumption();
                with_nulls(in_ranges(&a.values()[r], &ranges), a)
            }
            Attr::Age => {
                let births = self.dates.birth_ranges(&ranges);
                in_ranges(&s.birth_date().values()[r], &births)
            }
            other => unreachable!("{other:?} is not an integer attribute"),
        }
    }

    fn known(&self, what: KnownWhat, rows: &Range<usize>) -> Vec<u64> {
        let s = self.inputs.snapshot;
        let r = rows.clone();
        let all = || vec![!0u64; rows.len().div_ceil(64)];
        let valid = |a: &dyn Array| validity(a, rows).unwrap_or_else(all);
        let attr = match what {
            KnownWhat::Asset(asset) => {
                let mask = 1u16 << (asset - 1);
                return bits(&s.assets_known().values()[r], |v| v & mask != 0);
            }
            KnownWhat::Attr(a) => a,
        };
        match attr {
            Attr::Desil => bits(&self.ranking().desil[r], |v| v != 0),
            Attr::DesilProvince => bits(&self.ranking().desil_province[r], |v| v != 0),
            Attr::DesilRegency => bits(&self.ranking().desil_regency[r], |v| v != 0),
            Attr::Score => bits(&self.ranking().score[r], |v| !v.is_nan()),
            Attr::Rank => bits(&self.ranking().rank[r], |v| v != 0),
            Attr::DeclaredSize => valid(s.declared_size()),
            Attr::FloorAreaM2 => valid(s.floor_area_m2()),
            Attr::ElectricityVa => valid(s.electricity_va()),
            Attr::LandM2 => valid(s.land_m2()),
            Attr::Consumption => valid(s.consumption()),
            Attr::ChronicIllness => valid(s.chronic_illness()),
            Attr::Members | Attr::Surveyed | Attr::Region | Attr::Age => all(),
            code => valid(self.code_column(code)),
        }
    }
}

/// Pack `f(i)` for `i` in `0..n` into words.
#[inline]
fn bits_idx(n: usize, f: impl Fn(usize) -> bool) -> Vec<u64> {
    let mut out = vec![0u64; n.div_ceil(64)];
    for (wi, w) in out.iter_mut().enumerate() {
        let start = wi * 64;
        let end = (start + 64).min(n);
        let mut x = 0u64;
        for i in start..end {
            x |= u64::from(f(i)) << (i - start);
        }
        *w = x;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_range_masks_both_ends() {
        let words = [!0u64, !0u64, 0b1011];
        assert_eq!(count_range(&words, 0, 0), 0);
        assert_eq!(count_range(&words, 3, 5), 5);
        assert_eq!(count_range(&words, 60, 10), 10);
        assert_eq!(count_range(&words, 120, 12), 8 + 3);
        assert_eq!(count_range(&words, 128, 4), 3);
    }

    #[test]
    fn age_thresholds_follow_completed_years() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let days = |x: NaiveDate| (x - d(1970, 1, 1)).num_days();
        for on in [d(2025, 6, 30), d(2024, 2, 29), d(2025, 3, 1), d(2025, 1, 1)] {
            let dates = AgeDates::new(on);
            for k in [0i64, 1, 5, 6, 17, 60] {
                let ranges = dates.birth_ranges(&[(k, k)]);
                // Every birth date in a 3-year window around the range agrees with age_on.
                let start = on - chrono::Days::new((k as u64 + 2) * 366);
                for off in 0..(4 * 366) {
                    let b = start + chrono::Days::new(off);
                    let want = i64::from(setara_core::age_on(b, on)) == k;
                    let got = ranges
                        .iter()
                        .any(|&(lo, hi)| lo <= days(b) && days(b) <= hi);
                    assert_eq!(got, want, "on {on}, age {k}, born {b}");
                }
            }
        }
    }
}
