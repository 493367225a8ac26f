//! Validated input: values with optional frequency/survey weights.

use std::fmt;
use std::sync::OnceLock;

use crate::StatsError;
use crate::accumulate::CompensatedSum;

/// Largest magnitude of a value (10^30).
///
/// No welfare value in any unit comes near it (the world's yearly product is about 2·10^18
/// rupiah); within it and the weight range below, every sum, square and product the measures
/// and their standard errors form — up to `x⁴·w²` summed over 10^10 rows, about 10^200 — stays
/// finite in 64-bit floating point, so a total can never overflow into a wrong classification
/// ("every value is zero") or a silent `NaN`. Beyond it the input is refused, naming the row.
pub const MAX_ABS_VALUE: f64 = 1e30;

/// Smallest weight (10^-30): weights are counts of population units, or shares of them; below
/// this the reciprocal of the total weight the standard errors need would leave the range of
/// 64-bit floating point.
pub const MIN_WEIGHT: f64 = 1e-30;

/// Largest weight (10^30), for the same reason as [`MAX_ABS_VALUE`]: a weight is how many
/// population units a row stands for, and no population is near 10^30.
pub const MAX_WEIGHT: f64 = 1e30;

/// A validated sample: values (incomes, consumption…) with optional weights.
///
/// Construction checks, once, everything every measure needs:
///
/// - at least one observation ([`StatsError::Empty`]);
/// - `weights`, when given, has the length of `values` ([`StatsError::LengthMismatch`]);
/// - every value is finite ([`StatsError::NonFiniteValue`]);
/// - every weight is finite and strictly positive ([`StatsError::NonFiniteWeight`],
///   [`StatsError::NonPositiveWeight`]) — drop zero-weight rows before, they are not
///   observations of the population;
/// - the total weight is positive and finite ([`StatsError::InvalidTotalWeight`]);
/// - every value lies within ±[`MAX_ABS_VALUE`] ([`StatsError::ValueTooLarge`]) and every
///   weight between [`MIN_WEIGHT`] and [`MAX_WEIGHT`] ([`StatsError::WeightOutOfRange`]), so
///   that no sum, square or product a measure forms can overflow.
///
/// Measures then check their own domain (for example the Gini coefficient refuses negative
/// values). A `Sample` borrows the caller's slices; the ascending order needed by rank-based
/// measures (Gini, and later Lorenz shares and quantiles) is computed at most once and cached,
/// so computing several measures on one `Sample` sorts once.
///
/// Weights are *frequency or survey (sampling) weights*: observation `i` stands for `wᵢ` units of
/// the population. Point estimates of the measures in this crate are the population values of the
/// weighted empirical distribution; standard errors treat the rows as a with-replacement sample
/// of primary units with these weights (see the crate documentation).
pub struct Sample<'a> {
    values: &'a [f64],
    weights: Option<&'a [f64]>,
    total_weight: f64,
    /// Smallest and largest value (found while validating; the sort starts from them).
    range: (f64, f64),
    sorted: OnceLock<Sorted>,
}

/// The sample in ascending order of value; ties keep their input order (a stable sort, as R's
/// `order()`), which matters for the convey Gini convention with unequal weights among ties.
pub(crate) enum Sorted {
    /// Values only (all weights 1).
    Unweighted(Box<[f64]>),
    /// `(value, weight)` pairs.
    Weighted(Box<[(f64, f64)]>),
}

impl<'a> Sample<'a> {
    /// Validate `values` and optional `weights`.
    ///
    /// # Errors
    ///
    /// See the type documentation.
    pub fn new(values: &'a [f64], weights: Option<&'a [f64]>) -> Result<Self, StatsError> {
        if let Some(w) = weights
            && w.len() != values.len()
        {
            return Err(StatsError::LengthMismatch {
                values: values.len(),
                weights: w.len(),
            });
        }
        // One chunked pass (two threads for large samples) checks every row and sums the
        // weights; only if a check fails does the row-by-row scan look for the first culprit.
        let scan = scan_rows(values, weights);
        if !scan.valid {
            validate_rows(values, weights)?;
        }
        if values.is_empty() {
            return Err(StatsError::Empty);
        }
        let total_weight = match weights {
            None => values.len() as f64,
            Some(_) => scan.total_weight,
        };
        if !(total_weight > 0.0 && total_weight.is_finite()) {
            return Err(StatsError::InvalidTotalWeight {
                total: total_weight,
            });
        }
        Ok(Sample {
            values,
            weights,
            total_weight,
            range: (scan.min, scan.max),
            sorted: OnceLock::new(),
        })
    }

    /// The values, in input order.
    pub fn values(&self) -> &'a [f64] {
        self.values
    }

    /// The weights, in input order, or `None` if unweighted (every weight is 1).
    pub fn weights(&self) -> Option<&'a [f64]> {
        self.weights
    }

    /// Number of observations (rows), `n`.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Always `false`: a `Sample` has at least one observation.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `true` if weights were given.
    pub fn is_weighted(&self) -> bool {
        self.weights.is_some()
    }

    /// Total weight `W = Σ wᵢ` (the estimated population size), `n` if unweighted.
    pub fn total_weight(&self) -> f64 {
        self.total_weight
    }

    /// Call `f(value, weight)` for every observation in input order (weight 1 if unweighted).
    #[inline]
    pub(crate) fn for_each(&self, mut f: impl FnMut(f64, f64)) {
        match self.weights {
            None => self.values.iter().for_each(|&x| f(x, 1.0)),
            Some(w) => self.values.iter().zip(w).for_each(|(&x, &wi)| f(x, wi)),
        }
    }

    /// The ascending order, computed once (O(n log n)) and cached.
    pub(crate) fn sorted(&self) -> &Sorted {
        self.sorted_reusing(None, None)
    }

    /// [`Sample::sorted`], writing into `buffer` (of the sample's kind and length, contents
    /// irrelevant) if it has to sort: a buffer whose pages are already mapped saves the page
    /// faults of a fresh allocation. `fine`: the values' fine histogram if already counted.
    pub(crate) fn sorted_reusing(
        &self,
        buffer: Option<Sorted>,
        fine: Option<crate::sort::FineCounts>,
    ) -> &Sorted {
        // A stable radix sort (ties in input order, as R's `order()`), on two threads for
        // large samples (see `crate::sort`).
        self.sorted.get_or_init(|| match self.weights {
            None => {
                let reuse = match buffer {
                    Some(Sorted::Unweighted(b)) => Some(b.into_vec()),
                    _ => None,
                };
                Sorted::Unweighted(
                    crate::sort::sorted_values(self.values, Some(self.range), reuse, fine)
                        .into_boxed_slice(),
                )
            }
            Some(w) => {
                let reuse = match buffer {
                    Some(Sorted::Weighted(b)) => Some(b.into_vec()),
                    _ => None,
                };
                Sorted::Weighted(
                    crate::sort::sorted_pairs(self.values, w, Some(self.range), reuse, fine)
                        .into_boxed_slice(),
                )
            }
        })
    }

    /// Smallest and largest value.
    pub(crate) fn range(&self) -> (f64, f64) {
        self.range
    }

    /// Error unless every value is `>= 0`.
    pub(crate) fn require_non_negative(&self, measure: &'static str) -> Result<(), StatsError> {
        require_non_negative(self.values, measure)
    }
}

impl fmt::Debug for Sample<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sample")
            .field("n", &self.len())
            .field("weighted", &self.is_weighted())
            .field("total_weight", &self.total_weight)
            .field("sorted_cached", &self.sorted.get().is_some())
            .finish()
    }
}

impl Sorted {
    /// Call `f(value, weight)` in ascending order of value (weight 1 if unweighted).
    #[inline]
    pub(crate) fn for_each(&self, mut f: impl FnMut(f64, f64)) {
        match self {
            Sorted::Unweighted(v) => v.iter().for_each(|&x| f(x, 1.0)),
            Sorted::Weighted(p) => p.iter().for_each(|&(x, w)| f(x, w)),
        }
    }
}

/// Error unless every value is `>= 0`, naming the first negative one (the check of the Gini
/// coefficient and the Lorenz-curve measures).
pub(crate) fn require_non_negative(
    values: &[f64],
    measure: &'static str,
) -> Result<(), StatsError> {
    match values.iter().position(|&x| x < 0.0) {
        None => Ok(()),
        Some(index) => Err(StatsError::OutOfDomain {
            measure,
            requirement: ">= 0 (drop or bottom-code negative values first, e.g. with drop_negative)",
            index,
            value: values[index],
        }),
    }
}

/// Rows kept by [`drop_negative`] or [`drop_non_positive`], owned.
#[derive(Clone, Debug, PartialEq)]
pub struct Filtered {
    /// The kept values, in input order.
    pub values: Vec<f64>,
    /// The kept weights (`None` if the input was unweighted).
    pub weights: Option<Vec<f64>>,
    /// How many rows were dropped.
    pub dropped: usize,
    /// Total weight of the dropped rows (`dropped` as `f64` if unweighted): report it, the
    /// measure then describes only the rest of the population.
    pub dropped_weight: f64,
}

impl Filtered {
    /// A validated [`Sample`] over the kept rows.
    ///
    /// # Errors
    ///
    /// [`StatsError::Empty`] if every row was dropped.
    pub fn sample(&self) -> Result<Sample<'_>, StatsError> {
        Sample::new(&self.values, self.weights.as_deref())
    }
}

/// Keep the rows with value `>= 0` (for the Gini coefficient and other measures defined on
/// non-negative incomes).
///
/// # Errors
///
/// The row checks of [`Sample::new`] (length mismatch, non-finite values or weights,
/// non-positive weights); an empty input or an empty result is not an error here.
pub fn drop_negative(values: &[f64], weights: Option<&[f64]>) -> Result<Filtered, StatsError> {
    filter_rows(values, weights, |x| x >= 0.0)
}

/// Keep the rows with value `> 0` (for measures that take logarithms or negative powers of
/// incomes, such as Theil L/MLD, Atkinson with ε ≥ 1, Watts; also accepted by the Gini).
///
/// # Errors
///
/// As [`drop_negative`].
pub fn drop_non_positive(values: &[f64], weights: Option<&[f64]>) -> Result<Filtered, StatsError> {
    filter_rows(values, weights, |x| x > 0.0)
}

fn filter_rows(
    values: &[f64],
    weights: Option<&[f64]>,
    keep: impl Fn(f64) -> bool,
) -> Result<Filtered, StatsError> {
    validate_rows(values, weights)?;
    let mut dropped_weight = CompensatedSum::default();
    let mut kept_values = Vec::with_capacity(values.len());
    let kept_weights = match weights {
        None => {
            kept_values.extend(values.iter().copied().filter(|&x| keep(x)));
            dropped_weight.add((values.len() - kept_values.len()) as f64);
            None
        }
        Some(w) => {
            let mut kept = Vec::with_capacity(values.len());
            for (&x, &wi) in values.iter().zip(w) {
                if keep(x) {
                    kept_values.push(x);
                    kept.push(wi);
                } else {
                    dropped_weight.add(wi);
                }
            }
            Some(kept)
        }
    };
    Ok(Filtered {
        dropped: values.len() - kept_values.len(),
        values: kept_values,
        weights: kept_weights,
        dropped_weight: dropped_weight.value(),
    })
}

/// Result of [`scan_rows`].
struct RowScan {
    /// Every value finite, every weight finite and `> 0`.
    valid: bool,
    /// `Σ w` (meaningful if `valid`).
    total_weight: f64,
    min: f64,
    max: f64,
}

/// The checks of [`validate_rows`] as a yes/no, the total weight and the range of the values,
/// block by block: plain four-lane loops (a non-finite value shows as `x·0 ≠ 0`), each
/// block's sum of the weights added into a compensated total; two threads for large samples.
fn scan_rows(values: &[f64], weights: Option<&[f64]>) -> RowScan {
    const LANES: usize = 4;
    const BLOCK: usize = 1024;
    /// Per part: finite and positive, total weight, min, max.
    fn scan(x: &[f64], w: Option<&[f64]>) -> (bool, f64, f64, f64) {
        let mut nan = [0.0f64; LANES];
        let mut lo = [f64::INFINITY; LANES];
        let mut hi = [f64::NEG_INFINITY; LANES];
        let mut w_min = [f64::INFINITY; LANES];
        let mut w_max = [f64::NEG_INFINITY; LANES];
        let mut total = CompensatedSum::default();
        for (b, xb) in x.chunks(BLOCK).enumerate() {
            let xs = xb.chunks_exact(LANES);
            let x_rest = xs.remainder();
            for c in xs {
                for l in 0..LANES {
                    nan[l] += c[l] * 0.0;
                    lo[l] = if c[l] < lo[l] { c[l] } else { lo[l] };
                    hi[l] = if c[l] > hi[l] { c[l] } else { hi[l] };
                }
            }
            for &v in x_rest {
                nan[0] += v * 0.0;
                lo[0] = if v < lo[0] { v } else { lo[0] };
                hi[0] = if v > hi[0] { v } else { hi[0] };
            }
            if let Some(w) = w {
                let wb = &w[b * BLOCK..b * BLOCK + xb.len()];
                let mut ws = [0.0f64; LANES];
                let cs = wb.chunks_exact(LANES);
                let w_rest = cs.remainder();
                for c in cs {
                    for l in 0..LANES {
                        nan[l] += c[l] * 0.0;
                        w_min[l] = if c[l] < w_min[l] { c[l] } else { w_min[l] };
                        w_max[l] = if c[l] > w_max[l] { c[l] } else { w_max[l] };
                        ws[l] += c[l];
                    }
                }
                for &v in w_rest {
                    nan[0] += v * 0.0;
                    w_min[0] = if v < w_min[0] { v } else { w_min[0] };
                    w_max[0] = if v > w_max[0] { v } else { w_max[0] };
                    ws[0] += v;
                }
                total.add((ws[0] + ws[1]) + (ws[2] + ws[3]));
            }
        }
        let finite = nan.iter().all(|&v| v == 0.0);
        let in_range = w.is_none()
            || (w_min.iter().all(|&v| v >= MIN_WEIGHT) && w_max.iter().all(|&v| v <= MAX_WEIGHT));
        let lo = lo.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = hi.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let small = x.is_empty() || (lo >= -MAX_ABS_VALUE && hi <= MAX_ABS_VALUE);
        (finite && in_range && small, total.value(), lo, hi)
    }
    let n = values.len();
    let threads = crate::sort::threads_for(n);
    let ranges = crate::sort::split_ranges(n, threads, BLOCK);
    let parts = crate::sort::run_parts(ranges.len(), |p| {
        let r = ranges[p].clone();
        scan(&values[r.clone()], weights.map(|w| &w[r]))
    });
    let mut total = CompensatedSum::default();
    let mut scan = RowScan {
        valid: true,
        total_weight: 0.0,
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
    };
    for &(valid, t, lo, hi) in &parts {
        scan.valid &= valid;
        total.add(t);
        scan.min = scan.min.min(lo);
        scan.max = scan.max.max(hi);
    }
    scan.total_weight = total.value();
    scan
}

/// Row-level checks shared by [`Sample::new`] and the filters.
fn validate_rows(values: &[f64], weights: Option<&[f64]>) -> Result<(), StatsError> {
    if let Some(w) = weights
        && w.len() != values.len()
    {
        return Err(StatsError::LengthMismatch {
            values: values.len(),
            weights: w.len(),
        });
    }
    if let Some(index) = values.iter().position(|x| !x.is_finite()) {
        return Err(StatsError::NonFiniteValue {
            index,
            value: values[index],
        });
    }
    if let Some(index) = values.iter().position(|x| x.abs() > MAX_ABS_VALUE) {
        return Err(StatsError::ValueTooLarge {
            index,
            value: values[index],
        });
    }
    if let Some(w) = weights {
        for (index, &value) in w.iter().enumerate() {
            if !value.is_finite() {
                return Err(StatsError::NonFiniteWeight { index, value });
            }
            if value <= 0.0 {
                return Err(StatsError::NonPositiveWeight { index, value });
            }
            if !(MIN_WEIGHT..=MAX_WEIGHT).contains(&value) {
                return Err(StatsError::WeightOutOfRange { index, value });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_input() {
        assert_eq!(Sample::new(&[], None).unwrap_err(), StatsError::Empty);
        assert_eq!(Sample::new(&[], Some(&[])).unwrap_err(), StatsError::Empty);
        assert_eq!(
            Sample::new(&[1.0, 2.0], Some(&[1.0])).unwrap_err(),
            StatsError::LengthMismatch {
                values: 2,
                weights: 1
            }
        );
        assert!(matches!(
            Sample::new(&[1.0, f64::NAN], None).unwrap_err(),
            StatsError::NonFiniteValue { index: 1, .. }
        ));
        assert!(matches!(
            Sample::new(&[1.0, f64::INFINITY], None).unwrap_err(),
            StatsError::NonFiniteValue { index: 1, .. }
        ));
        assert!(matches!(
            Sample::new(&[1.0, 2.0], Some(&[1.0, f64::NAN])).unwrap_err(),
            StatsError::NonFiniteWeight { index: 1, .. }
        ));
        assert!(matches!(
            Sample::new(&[1.0, 2.0], Some(&[0.0, 1.0])).unwrap_err(),
            StatsError::NonPositiveWeight { index: 0, .. }
        ));
        assert!(matches!(
            Sample::new(&[1.0, 2.0], Some(&[1.0, -1.0])).unwrap_err(),
            StatsError::NonPositiveWeight { index: 1, .. }
        ));
        assert!(matches!(
            Sample::new(&[1.0, 2.0], Some(&[f64::MAX, f64::MAX])).unwrap_err(),
            StatsError::WeightOutOfRange { index: 0, .. }
        ));
    }

    /// Finding 15 of issue 10: a value of 1e308 made the sums overflow, and the Gini reported
    /// "every value is zero". Such values are refused by name; the largest allowed ones, and
    /// weights at both ends of their range, give finite results.
    #[test]
    fn magnitudes_that_would_overflow_are_refused_naming_the_row() {
        assert_eq!(
            Sample::new(&[2.0, 1e308, 3.0], None).unwrap_err(),
            StatsError::ValueTooLarge {
                index: 1,
                value: 1e308
            }
        );
        assert!(matches!(
            Sample::new(&[2.0, -1e31], None).unwrap_err(),
            StatsError::ValueTooLarge { index: 1, .. }
        ));
        assert!(matches!(
            Sample::new(&[1.0, 2.0, 3.0], Some(&[1.0, 1e308, 1.0])).unwrap_err(),
            StatsError::WeightOutOfRange { index: 1, .. }
        ));
        assert!(matches!(
            Sample::new(&[1.0, 2.0], Some(&[1.0, 1e-300])).unwrap_err(),
            StatsError::WeightOutOfRange { index: 1, .. }
        ));
        // A long sample: the chunked scan finds it too.
        let mut v = vec![1.0; 100_000];
        v[77_777] = 2e30;
        assert!(matches!(
            Sample::new(&v, None).unwrap_err(),
            StatsError::ValueTooLarge { index: 77_777, .. }
        ));
        let s = Sample::new(
            &[MAX_ABS_VALUE, 1.0, -MAX_ABS_VALUE],
            Some(&[MAX_WEIGHT, MIN_WEIGHT, 1.0]),
        )
        .unwrap();
        assert!(s.total_weight().is_finite());
    }

    #[test]
    fn sorted_is_stable_for_weighted_ties() {
        let v = [3.0, 1.0, 3.0, 2.0];
        let w = [1.0, 2.0, 3.0, 4.0];
        let s = Sample::new(&v, Some(&w)).unwrap();
        let Sorted::Weighted(p) = s.sorted() else {
            panic!("weighted sample sorted as unweighted");
        };
        assert_eq!(&p[..], &[(1.0, 2.0), (2.0, 4.0), (3.0, 1.0), (3.0, 3.0)]);
    }

    #[test]
    fn filters_report_what_they_drop() {
        let v = [-1.0, 0.0, 2.0, 3.0];
        let w = [2.0, 3.0, 4.0, 5.0];
        let f = drop_negative(&v, Some(&w)).unwrap();
        assert_eq!(f.values, vec![0.0, 2.0, 3.0]);
        assert_eq!(f.weights, Some(vec![3.0, 4.0, 5.0]));
        assert_eq!((f.dropped, f.dropped_weight), (1, 2.0));
        let f = drop_non_positive(&v, None).unwrap();
        assert_eq!(f.values, vec![2.0, 3.0]);
        assert_eq!(f.weights, None);
        assert_eq!((f.dropped, f.dropped_weight), (2, 2.0));
        assert_eq!(f.sample().unwrap().len(), 2);
        let none = drop_non_positive(&[-1.0], None).unwrap();
        assert_eq!(none.sample().unwrap_err(), StatsError::Empty);
        assert!(drop_negative(&[f64::NAN], None).is_err());
    }
}
