//! Alkire–Foster multidimensional poverty (kemiskinan multidimensi): headcount `H`, intensity `A`
//! and adjusted headcount `M0 = H × A`, with indicator and group breakdowns and linearized
//! standard errors.
//!
//! See [`AlkireFoster`] for the method, the exact cut-off and the standard errors.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::accumulate::CompensatedSum;
use crate::{Estimate, StatsError};

/// Most indicators a [`Deprivations`] matrix can hold (bits of a `u32`).
pub const MAX_INDICATORS: usize = 32;

/// An exact non-negative fraction `numerator / denominator`, kept in lowest terms (so `2/6` and
/// `1/3` are equal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fraction {
    numerator: u32,
    denominator: u32,
}

impl Fraction {
    /// `numerator / denominator`, reduced to lowest terms.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidParameter`] if `denominator` is 0.
    pub fn new(numerator: u32, denominator: u32) -> Result<Self, StatsError> {
        if denominator == 0 {
            return Err(StatsError::InvalidParameter {
                name: "fraction denominator",
                value: 0.0,
                requirement: "> 0",
            });
        }
        let g = gcd(u64::from(numerator), u64::from(denominator)) as u32;
        Ok(Fraction {
            numerator: numerator / g,
            denominator: denominator / g,
        })
    }

    /// The numerator, in lowest terms.
    pub fn numerator(self) -> u32 {
        self.numerator
    }

    /// The denominator, in lowest terms.
    pub fn denominator(self) -> u32 {
        self.denominator
    }

    /// The nearest `f64` (for display; comparisons in this module never use it).
    pub fn to_f64(self) -> f64 {
        f64::from(self.numerator) / f64::from(self.denominator)
    }
}

impl std::fmt::Display for Fraction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// The deprivation matrix: one row per person or household, one bit per indicator.
///
/// Bit `j` of row `i` (`masks[i] >> j & 1`) is 1 when `i` is deprived in indicator `j`. Borrowed
/// from bitmasks the caller already has ([`Deprivations::from_masks`]) or built from 0/1 columns
/// ([`Deprivations::from_columns`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deprivations<'a> {
    masks: Cow<'a, [u32]>,
    indicators: usize,
}

impl<'a> Deprivations<'a> {
    /// Borrow one bitmask per row; `indicators` is the number of indicators `d` (bits `0..d`).
    ///
    /// # Errors
    ///
    /// [`StatsError::Empty`] without rows; [`StatsError::InvalidParameter`] unless
    /// `1 <= indicators <= 32`; [`StatsError::OutOfDomain`] for a row with a bit set at or above
    /// `indicators` (index of the first such row).
    pub fn from_masks(masks: &'a [u32], indicators: usize) -> Result<Self, StatsError> {
        check_indicator_count(indicators)?;
        if masks.is_empty() {
            return Err(StatsError::Empty);
        }
        let allowed = low_bits(indicators);
        if let Some(index) = masks.iter().position(|&m| m & !allowed != 0) {
            return Err(StatsError::OutOfDomain {
                measure: "the deprivation matrix",
                requirement: "bits set only below the number of indicators",
                index,
                value: f64::from(masks[index]),
            });
        }
        Ok(Deprivations {
            masks: Cow::Borrowed(masks),
            indicators,
        })
    }

    /// Build the bitmasks from one column per indicator, each holding 0 (not deprived) or 1
    /// (deprived) per row.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidParameter`] unless there are 1 to 32 columns; [`StatsError::Empty`]
    /// without rows; [`StatsError::SizeMismatch`] if the columns differ in length;
    /// [`StatsError::OutOfDomain`] for an entry other than 0 or 1 (its row index).
    pub fn from_columns(columns: &[&[u8]]) -> Result<Deprivations<'static>, StatsError> {
        check_indicator_count(columns.len())?;
        let n = columns[0].len();
        if n == 0 {
            return Err(StatsError::Empty);
        }
        let mut masks = vec![0u32; n];
        for (j, column) in columns.iter().enumerate() {
            if column.len() != n {
                return Err(StatsError::SizeMismatch {
                    what: "rows of a deprivation column (compared with the first column)",
                    expected: n,
                    found: column.len(),
                });
            }
            for (index, (mask, &d)) in masks.iter_mut().zip(column.iter()).enumerate() {
                match d {
                    0 => {}
                    1 => *mask |= 1 << j,
                    _ => {
                        return Err(StatsError::OutOfDomain {
                            measure: "the deprivation matrix",
                            requirement: "0 (not deprived) or 1 (deprived) in every column",
                            index,
                            value: f64::from(d),
                        });
                    }
                }
            }
        }
        Ok(Deprivations {
            masks: Cow::Owned(masks),
            indicators: columns.len(),
        })
    }

    /// Number of rows `n`.
    pub fn len(&self) -> usize {
        self.masks.len()
    }

    /// Always `false`: construction refuses an empty matrix.
    pub fn is_empty(&self) -> bool {
        self.masks.is_empty()
    }

    /// Number of indicators `d`.
    pub fn indicators(&self) -> usize {
        self.indicators
    }

    /// The bitmasks, one per row.
    pub fn masks(&self) -> &[u32] {
        &self.masks
    }
}

fn check_indicator_count(d: usize) -> Result<(), StatsError> {
    if d == 0 || d > MAX_INDICATORS {
        return Err(StatsError::InvalidParameter {
            name: "number of indicators",
            value: d as f64,
            requirement: "between 1 and 32",
        });
    }
    Ok(())
}

fn low_bits(d: usize) -> u32 {
    if d >= 32 { u32::MAX } else { (1u32 << d) - 1 }
}

/// An Alkire–Foster specification: exact indicator weights and the poverty cut-off `k`.
///
/// # Method
///
/// Each person or household `i` is deprived (`dᵢⱼ = 1`) or not (`dᵢⱼ = 0`) in each of `d`
/// indicators `j`. Indicator `j` has weight `wⱼ > 0`, `Σ wⱼ = 1`. The deprivation score is
/// `cᵢ = Σⱼ wⱼ dᵢⱼ ∈ [0, 1]`; `i` is *multidimensionally poor* when `cᵢ ≥ k`, the poverty cut-off
/// `k ∈ (0, 1]` (the global MPI uses ten indicators weighted `1/6` or `1/18` and `k = 1/3`). With
/// survey weights `vᵢ` (1 if none), `W = Σ vᵢ` and the censored score `cᵢ(k) = cᵢ·1[cᵢ ≥ k]`:
///
/// - headcount ratio `H = Σ vᵢ 1[cᵢ ≥ k] / W`;
/// - intensity `A = Σ vᵢ cᵢ(k) / Σ vᵢ 1[cᵢ ≥ k]`, the average score of the poor;
/// - adjusted headcount `M0 = Σ vᵢ cᵢ(k) / W = H × A`;
/// - uncensored headcount of indicator `j`: `Σ vᵢ dᵢⱼ / W` (everyone deprived in `j`);
/// - censored headcount `CHⱼ = Σ vᵢ dᵢⱼ 1[cᵢ ≥ k] / W` (the poor deprived in `j`), so that
///   `M0 = Σⱼ wⱼ CHⱼ`;
/// - percentage contribution of `j`: `wⱼ CHⱼ / M0` (the contributions sum to 1).
///
/// By group (region, province…), each is computed on the group's rows: `M0` is decomposable,
/// `M0 = Σ_g (W_g/W) M0_g`.
///
/// # Exact cut-off
///
/// Weights and `k` are [`Fraction`]s, not floats. The weights are brought to a common denominator
/// `L` (the least common multiple of theirs), so every score is an integer `sᵢ = L·cᵢ`, and
/// `cᵢ ≥ k = p/q` is decided as `sᵢ·q ≥ p·L` in integers. Why: scores are sums of fractions such
/// as `1/18` that binary floating point cannot represent, and a person whose score equals `k`
/// exactly is poor by definition. A float sum can land one ulp below the float of `k`: with
/// the global MPI weights, `1/6 + 1/6 + 1/18` evaluates to `0.38888888888888884` while `7/18` is
/// `0.3888888888888889`, so at `k = 7/18` every household deprived in exactly those indicators
/// would be wrongly counted non-poor; with ten indicators of weight `1/10` and `k = 1` (the
/// intersection approach) the household deprived in everything sums to `0.9999999999999999`.
/// Such errors move whole groups of identical households across the line. Integers have no
/// rounding, so ties at `k` are always poor.
///
/// # Standard errors
///
/// As R `convey::svyafc` (0.2.3, `g = 0`) for `svydesign(ids = ~1, weights = ~w)`: `H` and `M0`
/// are means (`survey::svymean` of `1[cᵢ ≥ k]` and of `cᵢ(k)`), linearized variables
/// `(1[cᵢ ≥ k] − H)/W` and `(cᵢ(k) − M0)/W`; `A` is the ratio `Σ vᵢcᵢ(k) / Σ vᵢ1[cᵢ ≥ k]`
/// (`survey::svyratio`), linearized variable `(cᵢ(k) − A·1[cᵢ ≥ k]) / Σ vᵢ1[cᵢ ≥ k]`. The variance
/// is `n/(n − 1)·Σ (uᵢ − ū)²` with `uᵢ = vᵢzᵢ` over all `n` rows (see the crate documentation).
/// (convey itself compares float scores with `k`, so it can differ from this module at ties
/// that floats get wrong; on the reference data none does.)
///
/// For a group the estimates are domain estimates, as `svyby(…, svyafc)` or `subset()` of the
/// design in R: the linearized variable is zero outside the group, and the sum and `n` still run
/// over all `n` rows of the sample (a domain's size is random in the sample). This differs,
/// usually little, from treating the group's rows as a sample of their own.
///
/// # Data layout
///
/// [`Deprivations`] stores one `u32` bitmask per row (bit `j` set: deprived in indicator `j`, at
/// most 32 indicators): 4 bytes a row, 40 MB for 10 million households, and a row's score is a
/// few integer additions. The estimates make two linear passes over the rows (totals, then
/// standard errors).
///
/// # Example
///
/// ```
/// use setara_stats::{AlkireFoster, Deprivations, Fraction};
///
/// // Three indicators weighted 1/2, 1/4, 1/4; poor when the score is at least 1/2.
/// let af = AlkireFoster::with_common_denominator(&[2, 1, 1], 4, Fraction::new(1, 2)?)?;
/// // Row masks: bit j set = deprived in indicator j.
/// let rows = [0b001, 0b110, 0b010, 0b000];
/// let mpi = af.estimate(&Deprivations::from_masks(&rows, 3)?, None)?;
/// assert_eq!(mpi.headcount.value, 0.5); // rows 0 and 1 (score 1/2 each, exactly at k)
/// assert_eq!(mpi.intensity.unwrap().value, 0.5);
/// assert_eq!(mpi.adjusted_headcount.value, 0.25);
/// assert_eq!(mpi.indicators[1].uncensored_headcount, 0.5);
/// assert_eq!(mpi.indicators[1].censored_headcount, 0.25);
/// # Ok::<(), setara_stats::StatsError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlkireFoster {
    weights: Vec<Fraction>,
    /// Weight numerators over the common denominator.
    scaled: Vec<u64>,
    /// Least common multiple of the weights' denominators.
    denominator: u64,
    k: Fraction,
    /// Smallest integer score (over `denominator`) that is `>= k`: `ceil(k·denominator)`.
    min_poor_score: u64,
}

impl AlkireFoster {
    /// Indicator weights (each `> 0`, summing exactly to 1) and cut-off `k ∈ (0, 1]`.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidParameter`]: no weights or more than 32; a weight of 0 or above 1;
    /// weights whose sum is not exactly 1 (the reported value is the sum as a float); `k` outside
    /// `(0, 1]`; a common denominator above `2^53` (not reachable with sensible weights).
    pub fn new(weights: &[Fraction], k: Fraction) -> Result<Self, StatsError> {
        check_indicator_count(weights.len())?;
        if let Some(w) = weights
            .iter()
            .find(|w| w.numerator == 0 || w.numerator > w.denominator)
        {
            return Err(StatsError::InvalidParameter {
                name: "indicator weight",
                value: w.to_f64(),
                requirement: "in (0, 1] (drop an indicator rather than give it weight 0)",
            });
        }
        // Common denominator; kept below 2^53 so that scores convert to f64 exactly.
        const LIMIT: u64 = 1 << 53;
        let mut denominator: u64 = 1;
        for w in weights {
            let d = u64::from(w.denominator);
            denominator = (denominator / gcd(denominator, d))
                .checked_mul(d)
                .filter(|&l| l <= LIMIT)
                .ok_or(StatsError::InvalidParameter {
                    name: "common denominator of the indicator weights",
                    value: f64::INFINITY,
                    requirement: "at most 2^53",
                })?;
        }
        let scaled: Vec<u64> = weights
            .iter()
            .map(|w| u64::from(w.numerator) * (denominator / u64::from(w.denominator)))
            .collect();
        // Each weight is <= 1, so each scaled numerator is <= denominator <= 2^53: no overflow.
        let sum: u128 = scaled.iter().map(|&s| u128::from(s)).sum();
        if sum != u128::from(denominator) {
            return Err(StatsError::InvalidParameter {
                name: "sum of the indicator weights",
                value: sum as f64 / denominator as f64,
                requirement: "exactly 1",
            });
        }
        if k.numerator == 0 || k.numerator > k.denominator {
            return Err(StatsError::InvalidParameter {
                name: "poverty cut-off k",
                value: k.to_f64(),
                requirement: "in (0, 1]",
            });
        }
        // ceil(p·L/q), exact in u128.
        let p_l = u128::from(k.numerator) * u128::from(denominator);
        let q = u128::from(k.denominator);
        let min_poor_score = p_l.div_ceil(q) as u64;
        Ok(AlkireFoster {
            weights: weights.to_vec(),
            scaled,
            denominator,
            k,
            min_poor_score,
        })
    }

    /// Weights given as integers over one denominator (for example the global MPI's
    /// `[3, 3, 3, 3, 1, 1, 1, 1, 1, 1]` over 18), and `k`.
    ///
    /// # Errors
    ///
    /// As [`AlkireFoster::new`], and [`StatsError::InvalidParameter`] for a zero denominator.
    pub fn with_common_denominator(
        numerators: &[u32],
        denominator: u32,
        k: Fraction,
    ) -> Result<Self, StatsError> {
        let weights = numerators
            .iter()
            .map(|&p| Fraction::new(p, denominator))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(&weights, k)
    }

    /// The global MPI of OPHI/UNDP: ten indicators (nutrition, child mortality, years of
    /// schooling, school attendance: `1/6` each; cooking fuel, sanitation, drinking water,
    /// electricity, housing, assets: `1/18` each, in the order the caller's bits use), `k = 1/3`.
    pub fn global_mpi() -> Self {
        let one_third = Fraction {
            numerator: 1,
            denominator: 3,
        };
        Self::with_common_denominator(&[3, 3, 3, 3, 1, 1, 1, 1, 1, 1], 18, one_third)
            .expect("the global MPI weights are valid")
    }

    /// Number of indicators `d`.
    pub fn indicators(&self) -> usize {
        self.weights.len()
    }

    /// The indicator weights, in lowest terms.
    pub fn weights(&self) -> &[Fraction] {
        &self.weights
    }

    /// The poverty cut-off `k`.
    pub fn k(&self) -> Fraction {
        self.k
    }

    /// The common denominator `L` of the weights: scores are integers over `L`.
    pub fn denominator(&self) -> u64 {
        self.denominator
    }

    /// The deprivation score of a row as an integer over [`AlkireFoster::denominator`]
    /// (bits at or above the number of indicators are ignored).
    #[inline]
    pub fn score(&self, mask: u32) -> u64 {
        let mut m = mask & low_bits(self.indicators());
        let mut s = 0;
        while m != 0 {
            s += self.scaled[m.trailing_zeros() as usize];
            m &= m - 1;
        }
        s
    }

    /// `true` if a row with this deprivation mask is multidimensionally poor (score `>= k`,
    /// decided exactly).
    #[inline]
    pub fn is_poor(&self, mask: u32) -> bool {
        self.score(mask) >= self.min_poor_score
    }

    /// `H`, `A`, `M0` with standard errors and the indicator breakdown, for all rows.
    ///
    /// `weights` are survey weights (frequency or expansion weights), one per row, finite and
    /// `> 0`; `None` means every weight is 1.
    ///
    /// # Errors
    ///
    /// [`StatsError::SizeMismatch`] if `deprivations` has another number of indicators than
    /// `self`; [`StatsError::LengthMismatch`] if `weights` is not one per row;
    /// [`StatsError::NonFiniteWeight`], [`StatsError::NonPositiveWeight`],
    /// [`StatsError::WeightOutOfRange`],
    /// [`StatsError::InvalidTotalWeight`] for invalid weights.
    pub fn estimate(
        &self,
        deprivations: &Deprivations<'_>,
        weights: Option<&[f64]>,
    ) -> Result<Mpi, StatsError> {
        self.check_inputs(deprivations, weights)?;
        Ok(self.compute(deprivations.masks(), weights, None).0)
    }

    /// As [`AlkireFoster::estimate`], plus the same measures for each group (domain).
    ///
    /// `groups[i]` is the group (region, province…) of row `i`: any `u32` code. The groups in
    /// the result are those that occur, in ascending order of code. Group standard errors are
    /// domain standard errors (see [`AlkireFoster`]).
    ///
    /// # Errors
    ///
    /// As [`AlkireFoster::estimate`], and [`StatsError::SizeMismatch`] unless there is one group
    /// per row.
    pub fn estimate_by_group(
        &self,
        deprivations: &Deprivations<'_>,
        weights: Option<&[f64]>,
        groups: &[u32],
    ) -> Result<MpiByGroup, StatsError> {
        self.check_inputs(deprivations, weights)?;
        if groups.len() != deprivations.len() {
            return Err(StatsError::SizeMismatch {
                what: "group codes (one per row of the deprivation matrix)",
                expected: deprivations.len(),
                found: groups.len(),
            });
        }
        let (overall, by_group) = self.compute(deprivations.masks(), weights, Some(groups));
        Ok(MpiByGroup {
            overall,
            groups: by_group,
        })
    }

    fn check_inputs(
        &self,
        deprivations: &Deprivations<'_>,
        weights: Option<&[f64]>,
    ) -> Result<(), StatsError> {
        if deprivations.indicators() != self.indicators() {
            return Err(StatsError::SizeMismatch {
                what: "indicators in the deprivation matrix (compared with the indicator weights)",
                expected: self.indicators(),
                found: deprivations.indicators(),
            });
        }
        let n = deprivations.len();
        if n == 0 {
            return Err(StatsError::Empty);
        }
        if let Some(w) = weights {
            if w.len() != n {
                return Err(StatsError::LengthMismatch {
                    values: n,
                    weights: w.len(),
                });
            }
            let mut total = CompensatedSum::default();
            for (index, &value) in w.iter().enumerate() {
                if !value.is_finite() {
                    return Err(StatsError::NonFiniteWeight { index, value });
                }
                if value <= 0.0 {
                    return Err(StatsError::NonPositiveWeight { index, value });
                }
                if !(crate::MIN_WEIGHT..=crate::MAX_WEIGHT).contains(&value) {
                    return Err(StatsError::WeightOutOfRange { index, value });
                }
                total.add(value);
            }
            let total = total.value();
            if !total.is_finite() {
                return Err(StatsError::InvalidTotalWeight { total });
            }
        }
        Ok(())
    }

    /// Both passes. Inputs are validated.
    fn compute(
        &self,
        masks: &[u32],
        weights: Option<&[f64]>,
        groups: Option<&[u32]>,
    ) -> (Mpi, Vec<GroupMpi>) {
        let d = self.indicators();
        let n = masks.len();
        let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
        let index = groups.map(GroupIndex::new);
        let n_groups = index.as_ref().map_or(0, |g| g.codes.len());

        // Pass 1: totals.
        let mut overall = Totals::new(d);
        let mut per_group: Vec<Totals> = (0..n_groups).map(|_| Totals::new(d)).collect();
        for (i, &mask) in masks.iter().enumerate() {
            let s = self.score(mask);
            let poor = s >= self.min_poor_score;
            let w = weight(i);
            overall.add(mask, s, poor, w);
            if let (Some(idx), Some(g)) = (&index, groups) {
                per_group[idx.get(g[i])].add(mask, s, poor, w);
            }
        }
        let l = self.denominator as f64;
        let overall_point = overall.point(l);
        let group_points: Vec<Point> = per_group.iter().map(|t| t.point(l)).collect();

        // Pass 2: linearized variables.
        let mut overall_var = Moments::default();
        let mut group_var = vec![Moments::default(); n_groups];
        for (i, &mask) in masks.iter().enumerate() {
            let s = self.score(mask);
            let poor = s >= self.min_poor_score;
            let h = if poor { 1.0 } else { 0.0 };
            let c = if poor { s as f64 / l } else { 0.0 };
            let w = weight(i);
            overall_var.push(&overall_point, w, h, c);
            if let (Some(idx), Some(g)) = (&index, groups) {
                let k = idx.get(g[i]);
                group_var[k].push(&group_points[k], w, h, c);
            }
        }

        let result = |t: &Totals, p: &Point, v: &Moments| Mpi {
            headcount: Estimate {
                value: p.h,
                se: v.h.standard_error(n),
                n: t.n,
                total_weight: p.w,
            },
            intensity: p.a.map(|a| Estimate {
                value: a,
                se: v.a.standard_error(n),
                n: t.n_poor,
                total_weight: p.w_poor,
            }),
            adjusted_headcount: Estimate {
                value: p.m0,
                se: v.m0.standard_error(n),
                n: t.n,
                total_weight: p.w,
            },
            indicators: (0..d)
                .map(|j| {
                    let censored = t.censored[j].value();
                    IndicatorMpi {
                        uncensored_headcount: t.uncensored[j].value() / p.w,
                        censored_headcount: censored / p.w,
                        contribution: (p.w_score > 0.0)
                            .then(|| self.scaled[j] as f64 * censored / p.w_score),
                    }
                })
                .collect(),
        };
        let overall_mpi = result(&overall, &overall_point, &overall_var);
        let groups_mpi = match index {
            None => Vec::new(),
            Some(idx) => idx
                .codes
                .iter()
                .enumerate()
                .map(|(k, &code)| GroupMpi {
                    group: code,
                    mpi: result(&per_group[k], &group_points[k], &group_var[k]),
                })
                .collect(),
        };
        (overall_mpi, groups_mpi)
    }
}

/// Alkire–Foster measures for one population (all rows, or one group).
#[derive(Clone, Debug, PartialEq)]
pub struct Mpi {
    /// Headcount ratio `H`: share of the (weighted) population that is multidimensionally poor.
    /// `n` and `total_weight` are those of the rows used.
    pub headcount: Estimate,
    /// Intensity `A`: average deprivation score of the poor. `None` when nobody is poor (0/0).
    /// Its `n` and `total_weight` are the number and weight of the poor rows; its standard error
    /// is the ratio's, over the whole sample.
    pub intensity: Option<Estimate>,
    /// Adjusted headcount ratio `M0 = H × A` (the MPI).
    pub adjusted_headcount: Estimate,
    /// One entry per indicator, in indicator (bit) order.
    pub indicators: Vec<IndicatorMpi>,
}

/// Breakdown of `M0` by indicator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IndicatorMpi {
    /// Share of the population deprived in the indicator, poor or not.
    pub uncensored_headcount: f64,
    /// Share of the population that is poor and deprived in the indicator, `CHⱼ`.
    pub censored_headcount: f64,
    /// Share of `M0` due to the indicator, `wⱼ·CHⱼ/M0` (between 0 and 1; they sum to 1).
    /// `None` when nobody is poor.
    pub contribution: Option<f64>,
}

/// Measures for all rows and for each group.
#[derive(Clone, Debug, PartialEq)]
pub struct MpiByGroup {
    /// All rows.
    pub overall: Mpi,
    /// Each group code that occurs, in ascending order.
    pub groups: Vec<GroupMpi>,
}

/// The measures of one group.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupMpi {
    /// The group code.
    pub group: u32,
    /// Its measures (domain estimates).
    pub mpi: Mpi,
}

/// Dense numbering of the group codes that occur, in ascending order of code.
struct GroupIndex {
    codes: Vec<u32>,
    lookup: Lookup,
}

enum Lookup {
    /// `table[code]` is the dense index (codes are small).
    Table(Vec<u32>),
    /// Sparse or large codes.
    Map(HashMap<u32, u32>),
}

impl GroupIndex {
    fn new(groups: &[u32]) -> Self {
        let max = groups.iter().copied().max().unwrap_or(0) as usize;
        if max < (1 << 20) || max < groups.len() {
            let mut seen = vec![false; max + 1];
            for &g in groups {
                seen[g as usize] = true;
            }
            let codes: Vec<u32> = (0..=max as u32).filter(|&c| seen[c as usize]).collect();
            let mut table = vec![u32::MAX; max + 1];
            for (k, &c) in codes.iter().enumerate() {
                table[c as usize] = k as u32;
            }
            GroupIndex {
                codes,
                lookup: Lookup::Table(table),
            }
        } else {
            let mut codes: Vec<u32> = groups.to_vec();
            codes.sort_unstable();
            codes.dedup();
            let map = codes
                .iter()
                .enumerate()
                .map(|(k, &c)| (c, k as u32))
                .collect();
            GroupIndex {
                codes,
                lookup: Lookup::Map(map),
            }
        }
    }

    #[inline]
    fn get(&self, code: u32) -> usize {
        match &self.lookup {
            Lookup::Table(t) => t[code as usize] as usize,
            Lookup::Map(m) => m[&code] as usize,
        }
    }
}

/// Pass-1 totals of one population.
struct Totals {
    n: usize,
    n_poor: usize,
    w: CompensatedSum,
    w_poor: CompensatedSum,
    /// `Σ vᵢ sᵢ` over the poor, `sᵢ` the integer score.
    w_score: CompensatedSum,
    uncensored: Vec<CompensatedSum>,
    censored: Vec<CompensatedSum>,
}

impl Totals {
    fn new(d: usize) -> Self {
        Totals {
            n: 0,
            n_poor: 0,
            w: CompensatedSum::default(),
            w_poor: CompensatedSum::default(),
            w_score: CompensatedSum::default(),
            uncensored: vec![CompensatedSum::default(); d],
            censored: vec![CompensatedSum::default(); d],
        }
    }

    #[inline]
    fn add(&mut self, mask: u32, score: u64, poor: bool, w: f64) {
        self.n += 1;
        self.w.add(w);
        let mut m = mask;
        while m != 0 {
            self.uncensored[m.trailing_zeros() as usize].add(w);
            m &= m - 1;
        }
        if poor {
            self.n_poor += 1;
            self.w_poor.add(w);
            self.w_score.add(w * score as f64);
            let mut m = mask;
            while m != 0 {
                self.censored[m.trailing_zeros() as usize].add(w);
                m &= m - 1;
            }
        }
    }

    /// Point estimates; `l` is the common denominator of the scores.
    fn point(&self, l: f64) -> Point {
        let w = self.w.value();
        let w_poor = self.w_poor.value();
        // Σ vᵢcᵢ(k) = Σ vᵢsᵢ / L.
        let w_score = self.w_score.value();
        Point {
            w,
            w_poor,
            w_score,
            h: w_poor / w,
            m0: w_score / (l * w),
            a: (w_poor > 0.0).then(|| w_score / (l * w_poor)),
        }
    }
}

/// Point estimates and the totals their linearized variables need.
struct Point {
    w: f64,
    w_poor: f64,
    /// `Σ vᵢsᵢ` over the poor (integer scores).
    w_score: f64,
    h: f64,
    m0: f64,
    a: Option<f64>,
}

/// Pass-2 accumulators of `uᵢ = vᵢzᵢ` for `H`, `A`, `M0`, over the rows of one population.
#[derive(Clone, Copy, Default)]
struct Moments {
    h: Welford,
    a: Welford,
    m0: Welford,
}

impl Moments {
    #[inline]
    fn push(&mut self, p: &Point, w: f64, h: f64, c: f64) {
        self.h.push(w * (h - p.h) / p.w);
        self.m0.push(w * (c - p.m0) / p.w);
        if let Some(a) = p.a {
            self.a.push(w * (c - a * h) / p.w_poor);
        }
    }
}

/// Welford's running mean and sum of squared deviations of the `uᵢ` of the rows in a domain.
#[derive(Clone, Copy, Default)]
struct Welford {
    n: usize,
    mean: f64,
    m2: f64,
}

impl Welford {
    #[inline]
    fn push(&mut self, u: f64) {
        self.n += 1;
        let delta = u - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (u - self.mean);
    }

    /// Standard error of the total of `u` over a sample of `n_total` rows in which the rows not
    /// pushed have `u = 0` (domain estimation): `Σ (uᵢ − ū)²` over all rows is
    /// `m2 + n_d·mean²·(1 − n_d/n_total)`, a sum of non-negative terms (no cancellation).
    /// `None` with fewer than two rows in the sample.
    fn standard_error(&self, n_total: usize) -> Option<f64> {
        if n_total < 2 {
            return None;
        }
        let n = n_total as f64;
        let nd = self.n as f64;
        let ss = self.m2 + nd * self.mean * self.mean * (1.0 - nd / n);
        Some((ss * n / (n - 1.0)).max(0.0).sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frac(p: u32, q: u32) -> Fraction {
        Fraction::new(p, q).unwrap()
    }

    #[test]
    fn fractions_are_reduced() {
        assert_eq!(frac(6, 18), frac(1, 3));
        assert_eq!(frac(0, 5), frac(0, 1));
        assert_eq!(frac(6, 18).to_string(), "1/3");
        assert!(Fraction::new(1, 0).is_err());
    }

    #[test]
    fn common_denominator_and_threshold() {
        let af = AlkireFoster::new(
            &[frac(1, 6), frac(1, 6), frac(1, 6), frac(1, 6), frac(1, 18)]
                .into_iter()
                .chain(std::iter::repeat_n(frac(1, 18), 5))
                .collect::<Vec<_>>(),
            frac(1, 3),
        )
        .unwrap();
        assert_eq!(af, AlkireFoster::global_mpi());
        assert_eq!(af.denominator(), 18);
        assert_eq!(af.min_poor_score, 6);
        // 1/4 + 1/6 + 7/12 over 12.
        let af = AlkireFoster::new(&[frac(1, 4), frac(1, 6), frac(7, 12)], frac(2, 5)).unwrap();
        assert_eq!(af.denominator(), 12);
        // ceil(2/5 · 12) = ceil(4.8) = 5: score 5/12 ≈ 0.4167 ≥ 0.4, 4/12 not.
        assert_eq!(af.min_poor_score, 5);
        assert!(af.is_poor(0b011)); // 3 + 2 = 5
        assert!(!af.is_poor(0b001)); // 3
        assert_eq!(af.score(0b111), 12);
    }

    #[test]
    fn domain_standard_error_equals_padding_with_zeros() {
        let u = [0.3, -0.2, 0.7];
        let mut w = Welford::default();
        u.iter().for_each(|&x| w.push(x));
        let mut padded = Welford::default();
        u.iter()
            .chain([0.0; 5].iter())
            .for_each(|&x| padded.push(x));
        let a = w.standard_error(8).unwrap();
        let b = padded.standard_error(8).unwrap();
        assert!((a - b).abs() <= 1e-15 * b, "{a} vs {b}");
    }
}
