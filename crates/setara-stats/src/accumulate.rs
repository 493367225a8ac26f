//! Numerically careful accumulators shared by the measures.

/// Neumaier (improved Kahan–Babuška) compensated sum.
///
/// Totals over millions of survey rows lose digits with naive summation; the compensation keeps
/// the error at a few ulps independent of `n`, for about four extra flops per term.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CompensatedSum {
    sum: f64,
    compensation: f64,
}

impl CompensatedSum {
    #[inline]
    pub(crate) fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    #[inline]
    pub(crate) fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// Variance of an estimated total under the design `svydesign(ids = ~1, weights = ~w)` of the R
/// `survey` package: one stage, sampling with replacement, no strata, no finite-population
/// correction.
///
/// Feed it the weighted linearized values `uᵢ = wᵢ·zᵢ` (zᵢ the linearized variable / influence
/// function of observation i). The variance is `n/(n−1) · Σ (uᵢ − ū)²`, which is what
/// `survey::svyrecvar` computes for this design (`onestrat`: centre the PSU totals, scale by
/// `nPSU/(nPSU−1)`; every row is its own PSU). Welford's update keeps the centring exact in one
/// pass.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TotalVariance {
    n: usize,
    mean: f64,
    m2: f64,
}

impl TotalVariance {
    #[inline]
    pub(crate) fn push(&mut self, u: f64) {
        self.n += 1;
        let delta = u - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (u - self.mean);
    }

    /// The standard error, or `None` with fewer than two observations (the with-replacement
    /// variance needs `n − 1 > 0`; R reports `NaN` there).
    pub(crate) fn standard_error(&self) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        let n = self.n as f64;
        let variance = self.m2 * n / (n - 1.0);
        Some(variance.max(0.0).sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compensated_sum_recovers_small_terms() {
        let mut s = CompensatedSum::default();
        s.add(1e16);
        for _ in 0..1000 {
            s.add(1.0);
        }
        s.add(-1e16);
        assert_eq!(s.value(), 1000.0);
    }

    #[test]
    fn total_variance_matches_two_pass() {
        let u = [0.3, -1.2, 4.5, 2.25, -0.75, 1e-3];
        let mut acc = TotalVariance::default();
        for &x in &u {
            acc.push(x);
        }
        let n = u.len() as f64;
        let mean = u.iter().sum::<f64>() / n;
        let ss: f64 = u.iter().map(|x| (x - mean) * (x - mean)).sum();
        let expected = (ss * n / (n - 1.0)).sqrt();
        let got = acc.standard_error().unwrap();
        assert!((got - expected).abs() <= 1e-14 * expected);
    }

    #[test]
    fn total_variance_needs_two_observations() {
        let mut acc = TotalVariance::default();
        assert_eq!(acc.standard_error(), None);
        acc.push(1.0);
        assert_eq!(acc.standard_error(), None);
    }
}
