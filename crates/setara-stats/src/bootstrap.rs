//! Seeded nonparametric bootstrap for any measure of a [`Sample`].
//!
//! See [`bootstrap`] for the resampling design and the random-number generator.

use crate::accumulate::CompensatedSum;
use crate::{Sample, StatsError};

/// The bootstrap distribution of one statistic.
#[derive(Clone, Debug, PartialEq)]
pub struct BootstrapResult {
    /// The statistic on the full sample.
    pub estimate: f64,
    /// Bootstrap standard error: standard deviation of the replicates, divisor `B − 1`.
    pub se: f64,
    /// The statistic on each replicate, in replicate order.
    pub replicates: Vec<f64>,
}

impl BootstrapResult {
    /// Percentile confidence interval at `level` (e.g. `0.95`): the `(1 − level)/2` and
    /// `(1 + level)/2` quantiles of the replicates, interpolated as R's default
    /// `quantile(type = 7)`.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidParameter`] unless `0 < level < 1`.
    pub fn percentile_interval(&self, level: f64) -> Result<(f64, f64), StatsError> {
        if !(level > 0.0 && level < 1.0) {
            return Err(StatsError::InvalidParameter {
                name: "level",
                value: level,
                requirement: "strictly between 0 and 1",
            });
        }
        let mut sorted = self.replicates.clone();
        sorted.sort_unstable_by(f64::total_cmp);
        let alpha = (1.0 - level) / 2.0;
        Ok((quantile7(&sorted, alpha), quantile7(&sorted, 1.0 - alpha)))
    }

    /// Bootstrap estimate of the bias: mean of the replicates minus the full-sample estimate.
    pub fn bias(&self) -> f64 {
        mean(&self.replicates) - self.estimate
    }
}

/// R `quantile(x, p, type = 7)` of ascending, non-empty `sorted`.
fn quantile7(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor();
    let i = lo as usize;
    match sorted.get(i + 1) {
        Some(&next) => sorted[i] + (h - lo) * (next - sorted[i]),
        None => sorted[i],
    }
}

fn mean(x: &[f64]) -> f64 {
    let mut s = CompensatedSum::default();
    x.iter().for_each(|&v| s.add(v));
    s.value() / x.len() as f64
}

/// Sample standard deviation (divisor `len − 1`), two-pass; `len >= 2`.
fn sd(x: &[f64]) -> f64 {
    let m = mean(x);
    let mut ss = CompensatedSum::default();
    x.iter().for_each(|&v| ss.add((v - m) * (v - m)));
    (ss.value() / (x.len() - 1) as f64).sqrt()
}

/// Bootstrap one statistic: `replicates` resamples of the rows with replacement, generated from
/// `seed`.
///
/// `statistic` is any measure of a [`Sample`], e.g.
/// `|s| Ok(s.gini(GiniConvention::default())?.value)`.
///
/// # Design
///
/// Each replicate draws `n` rows uniformly *with replacement* from the `n` rows of the sample,
/// each drawn row keeping its own weight: the bootstrap of the one-stage with-replacement design
/// `svydesign(ids = ~1, weights = ~w)` that the linearized standard errors of this crate assume.
/// The statistic is computed on every replicate; the bootstrap standard error is the standard
/// deviation of the replicates with the `B − 1` divisor (R's `sd`). Its expectation is close to the
/// linearized standard error, without the `n/(n − 1)` factor (negligible for survey sizes).
///
/// A replicate is passed to the statistic as a [`Sample`] whose rows are the drawn rows in input
/// order, row `i` repeated as many times as it was drawn (the order of rows in a sample does not
/// change a measure, except through floating-point rounding and the convey Gini's input-order
/// tie-break). The value, weight and count buffers are allocated once and reused by every
/// replicate. [`bootstrap_many`] computes several statistics on each replicate, so a whole
/// suite of measures shares one resampling (and one sort per replicate, cached by the
/// [`Sample`]).
///
/// # Random numbers
///
/// Deterministic given the seed, on every platform, and independent of any external crate:
///
/// - generator: xoshiro256** (Blackman & Vigna 2021), 256 bits of state, period `2^256 − 1`;
/// - seeding: the four state words are the first four outputs of SplitMix64 started at `seed`
///   (the seeding recommended by the authors; it never yields the all-zero state);
/// - a uniform row index below `n` is drawn by Lemire's (2019) multiply-and-reject method, exact
///   (no modulo bias);
/// - replicates draw from one stream in order, so the first `B` replicates are the same whatever
///   the total number asked for.
///
/// # References
///
/// - Efron, B., Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
/// - Blackman, D., Vigna, S. (2021). Scrambled linear pseudorandom number generators. *ACM
///   Transactions on Mathematical Software* 47(4), 36.
/// - Steele, G. L., Lea, D., Flood, C. H. (2014). Fast splittable pseudorandom number generators.
///   *OOPSLA 2014* (SplitMix64).
/// - Lemire, D. (2019). Fast random integer generation in an interval. *ACM Transactions on
///   Modeling and Computer Simulation* 29(1), 3.
///
/// # Errors
///
/// The input checks of [`Sample::new`]; [`StatsError::InvalidParameter`] if `replicates < 2`
/// (a standard deviation needs two); the statistic's own error on the full sample, unchanged;
/// [`StatsError::BootstrapReplicate`] wrapping its error on the first replicate where it fails
/// (for example a Gini on a replicate that drew only zero incomes); [`StatsError::Undefined`] if
/// it returns a non-finite value (wrapped likewise on a replicate).
///
/// # Example
///
/// ```
/// use setara_stats::{GiniConvention, bootstrap};
///
/// let incomes = [120.0, 80.0, 300.0, 95.0, 150.0, 60.0, 410.0, 220.0];
/// let b = bootstrap(&incomes, None, 200, 7, |s| {
///     Ok(s.gini(GiniConvention::default())?.value)
/// })?;
/// let (lo, hi) = b.percentile_interval(0.9)?;
/// assert!(lo < b.estimate && b.estimate < hi && b.se > 0.0);
/// # Ok::<(), setara_stats::StatsError>(())
/// ```
pub fn bootstrap<F>(
    values: &[f64],
    weights: Option<&[f64]>,
    replicates: usize,
    seed: u64,
    statistic: F,
) -> Result<BootstrapResult, StatsError>
where
    F: Fn(&Sample<'_>) -> Result<f64, StatsError>,
{
    let mut results = bootstrap_many(values, weights, replicates, seed, &[statistic])?;
    Ok(results.pop().expect("one statistic, one result"))
}

/// Bootstrap several statistics on the same resamples: one [`BootstrapResult`] per statistic, in
/// order. Each replicate is drawn and built once and every statistic is computed on it, so the
/// results equal those of [`bootstrap`] called with the same seed for each statistic, at a
/// fraction of the cost (and their replicates are paired, for differences between measures).
///
/// Pass closures of one type, or `&dyn Fn` / `Box<dyn Fn>` to mix them:
///
/// ```
/// use setara_stats::{GiniConvention, Sample, StatsError, bootstrap_many};
///
/// let incomes = [120.0, 80.0, 300.0, 95.0, 150.0, 60.0, 410.0, 220.0];
/// let weights = [2.0, 1.0, 1.0, 3.0, 1.0, 2.0, 1.0, 1.0];
/// let mean = |s: &Sample<'_>| Ok(s.mean().value);
/// let gini = |s: &Sample<'_>| Ok(s.gini(GiniConvention::default())?.value);
/// let p0 = |s: &Sample<'_>| Ok(s.fgt(100.0, 0.0)?.value);
/// let suite: [&dyn Fn(&Sample<'_>) -> Result<f64, StatsError>; 3] = [&mean, &gini, &p0];
/// let results = bootstrap_many(&incomes, Some(&weights), 500, 2024, &suite)?;
/// assert_eq!(results.len(), 3);
/// # Ok::<(), StatsError>(())
/// ```
///
/// # Errors
///
/// As [`bootstrap`], for the first statistic (in order) that fails on the full sample, or on the
/// first replicate where any fails.
pub fn bootstrap_many<F>(
    values: &[f64],
    weights: Option<&[f64]>,
    replicates: usize,
    seed: u64,
    statistics: &[F],
) -> Result<Vec<BootstrapResult>, StatsError>
where
    F: Fn(&Sample<'_>) -> Result<f64, StatsError>,
{
    let full = Sample::new(values, weights)?;
    if replicates < 2 {
        return Err(StatsError::InvalidParameter {
            name: "number of bootstrap replicates",
            value: replicates as f64,
            requirement: "at least 2",
        });
    }
    let estimates = statistics
        .iter()
        .map(|f| finite(f(&full)))
        .collect::<Result<Vec<f64>, _>>()?;
    drop(full);
    if statistics.is_empty() {
        return Ok(Vec::new());
    }

    let mut resample = Resampler::new(values, weights, seed);
    let mut draws: Vec<Vec<f64>> = statistics
        .iter()
        .map(|_| Vec::with_capacity(replicates))
        .collect();
    for replicate in 0..replicates {
        let sample = resample.next()?;
        for (f, out) in statistics.iter().zip(draws.iter_mut()) {
            let v = finite(f(&sample)).map_err(|e| StatsError::BootstrapReplicate {
                replicate,
                source: Box::new(e),
            })?;
            out.push(v);
        }
    }
    Ok(estimates
        .into_iter()
        .zip(draws)
        .map(|(estimate, replicates)| BootstrapResult {
            estimate,
            se: sd(&replicates),
            replicates,
        })
        .collect())
}

/// Bootstrap a statistic that returns several values at once (for example every measure of a
/// suite), computing it once per replicate. The resampling is the same as [`bootstrap`]'s, and
/// the same `seed` draws the same replicates.
///
/// Each value gets its own result: a value that fails (or is not finite) on the full sample or
/// on any replicate gets that error (the first replicate's, wrapped in
/// [`StatsError::BootstrapReplicate`]); the other values are unaffected.
///
/// # Errors
///
/// Invalid input (see [`Sample::new`]) or fewer than 2 replicates.
pub fn bootstrap_each<F>(
    values: &[f64],
    weights: Option<&[f64]>,
    replicates: usize,
    seed: u64,
    statistic: F,
) -> Result<Vec<Result<BootstrapResult, StatsError>>, StatsError>
where
    F: Fn(&Sample<'_>) -> Vec<Result<f64, StatsError>>,
{
    let full = Sample::new(values, weights)?;
    if replicates < 2 {
        return Err(StatsError::InvalidParameter {
            name: "number of bootstrap replicates",
            value: replicates as f64,
            requirement: "at least 2",
        });
    }
    let mut results: Vec<Result<BootstrapResult, StatsError>> = statistic(&full)
        .into_iter()
        .map(|r| {
            finite(r).map(|estimate| BootstrapResult {
                estimate,
                se: f64::NAN,
                replicates: Vec::with_capacity(replicates),
            })
        })
        .collect();
    drop(full);
    let mut resample = Resampler::new(values, weights, seed);
    for replicate in 0..replicates {
        let sample = resample.next()?;
        for (slot, v) in results.iter_mut().zip(statistic(&sample)) {
            if let Ok(r) = slot {
                match finite(v) {
                    Ok(v) => r.replicates.push(v),
                    Err(e) => {
                        *slot = Err(StatsError::BootstrapReplicate {
                            replicate,
                            source: Box::new(e),
                        })
                    }
                }
            }
        }
    }
    for r in results.iter_mut().flatten() {
        r.se = sd(&r.replicates);
    }
    Ok(results)
}

/// Draws bootstrap replicates: `n` rows with replacement from `n`, as a sample (rows kept in
/// their original order, each repeated as often as it was drawn).
struct Resampler<'a> {
    values: &'a [f64],
    weights: Option<&'a [f64]>,
    rng: Xoshiro256StarStar,
    counts: Vec<u32>,
    rep_values: Vec<f64>,
    rep_weights: Vec<f64>,
}

impl<'a> Resampler<'a> {
    fn new(values: &'a [f64], weights: Option<&'a [f64]>, seed: u64) -> Self {
        let n = values.len();
        Resampler {
            values,
            weights,
            rng: Xoshiro256StarStar::seed_from_u64(seed),
            counts: vec![0; n],
            rep_values: Vec::with_capacity(n),
            rep_weights: Vec::with_capacity(if weights.is_some() { n } else { 0 }),
        }
    }

    fn next(&mut self) -> Result<Sample<'_>, StatsError> {
        let n = self.values.len();
        self.counts.fill(0);
        for _ in 0..n {
            self.counts[self.rng.below(n as u64) as usize] += 1;
        }
        self.rep_values.clear();
        self.rep_weights.clear();
        for (i, &c) in self.counts.iter().enumerate() {
            if c > 0 {
                self.rep_values
                    .extend(std::iter::repeat_n(self.values[i], c as usize));
                if let Some(w) = self.weights {
                    self.rep_weights
                        .extend(std::iter::repeat_n(w[i], c as usize));
                }
            }
        }
        Sample::new(
            &self.rep_values,
            self.weights
                .is_some()
                .then_some(self.rep_weights.as_slice()),
        )
    }
}

fn finite(r: Result<f64, StatsError>) -> Result<f64, StatsError> {
    match r {
        Ok(v) if !v.is_finite() => Err(StatsError::Undefined {
            measure: "the bootstrapped statistic",
            reason: "it returned a non-finite value (NaN or infinite)",
        }),
        other => other,
    }
}

/// SplitMix64 step (Steele, Lea & Flood 2014; constants of Vigna's `splitmix64.c`): advances
/// `state` by the golden-ratio increment and returns the mixed value.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** 1.0 (Blackman & Vigna), as `xoshiro256starstar.c`.
#[derive(Clone, Debug)]
struct Xoshiro256StarStar {
    s: [u64; 4],
}

impl Xoshiro256StarStar {
    /// State from the first four outputs of SplitMix64 started at `seed`.
    fn seed_from_u64(seed: u64) -> Self {
        let mut sm = seed;
        Xoshiro256StarStar {
            s: std::array::from_fn(|_| splitmix64(&mut sm)),
        }
    }

    #[inline]
    fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform integer in `0..n` (`n > 0`), without bias (Lemire 2019).
    #[inline]
    fn below(&mut self, n: u64) -> u64 {
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        if (m as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (m >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_published_outputs() {
        // From state 0 (Vigna's splitmix64.c).
        let mut s = 0;
        let got: Vec<u64> = (0..4).map(|_| splitmix64(&mut s)).collect();
        assert_eq!(
            got,
            [
                0xE220_A839_7B1D_CDAF,
                0x6E78_9E6A_A1B9_65F4,
                0x06C4_5D18_8009_454F,
                0xF88B_B8A8_724C_81EC
            ]
        );
        let mut s = 1_234_567;
        let got: Vec<u64> = (0..5).map(|_| splitmix64(&mut s)).collect();
        assert_eq!(
            got,
            [
                6457827717110365317,
                3203168211198807973,
                9817491932198370423,
                4593380528125082431,
                16408922859458223821
            ]
        );
    }

    #[test]
    fn xoshiro256starstar_published_outputs() {
        // The reference implementation from the state {1, 2, 3, 4} (test vector of rand_xoshiro).
        let mut rng = Xoshiro256StarStar { s: [1, 2, 3, 4] };
        let got: Vec<u64> = (0..10).map(|_| rng.next_u64()).collect();
        assert_eq!(
            got,
            [
                11520,
                0,
                1509978240,
                1215971899390074240,
                1216172134540287360,
                607988272756665600,
                16172922978634559625,
                8476171486693032832,
                10595114339597558777,
                2904607092377533576
            ]
        );
    }

    #[test]
    fn below_is_in_range_and_roughly_uniform() {
        let mut rng = Xoshiro256StarStar::seed_from_u64(99);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[rng.below(7) as usize] += 1;
        }
        // Expected 10,000 each, sd ≈ 93: ±600 is over 6 sd.
        assert!(
            counts.iter().all(|&c| (9_400..=10_600).contains(&c)),
            "{counts:?}"
        );
        assert_eq!(rng.below(1), 0);
        let big = u64::MAX - 1;
        assert!(rng.below(big) < big);
    }

    #[test]
    fn quantile_type7() {
        // R: quantile(c(1, 2, 3, 4, 10), c(0.025, 0.5, 0.975)) = 1.1, 3, 9.4
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((quantile7(&x, 0.025) - 1.1).abs() < 1e-12);
        assert_eq!(quantile7(&x, 0.5), 3.0);
        assert!((quantile7(&x, 0.975) - 9.4).abs() < 1e-12);
        assert_eq!(quantile7(&x, 1.0), 10.0);
        assert_eq!(quantile7(&x, 0.0), 1.0);
    }
}
