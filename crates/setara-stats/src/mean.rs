//! Weighted mean.

use crate::accumulate::{CompensatedSum, TotalVariance};
use crate::{Estimate, Sample, StatsError};

/// Weighted mean `μ = Σ wᵢxᵢ / Σ wᵢ` with its linearized standard error.
///
/// Domain: any finite values. Shorthand for `Sample::new(values, weights)?.mean()`.
///
/// # Errors
///
/// The input checks of [`Sample::new`].
pub fn weighted_mean(values: &[f64], weights: Option<&[f64]>) -> Result<Estimate, StatsError> {
    Ok(Sample::new(values, weights)?.mean())
}

impl Sample<'_> {
    /// Weighted mean `μ = T / W`, `T = Σ wᵢxᵢ`, `W = Σ wᵢ`.
    ///
    /// Standard error: the linearized variable of the ratio `T/W` is `zᵢ = (xᵢ − μ)/W`, as in
    /// `survey::svymean` (which centres `x` at the mean and scales by `w/W` before
    /// `svyrecvar`). Unweighted, this gives `s/√n` with `s` the `n − 1` sample standard
    /// deviation.
    pub fn mean(&self) -> Estimate {
        let w_total = self.total_weight();
        let mut t = CompensatedSum::default();
        self.for_each(|x, w| t.add(w * x));
        let mean = t.value() / w_total;
        let mut var = TotalVariance::default();
        self.for_each(|x, w| var.push(w * (x - mean) / w_total));
        Estimate {
            value: mean,
            se: var.standard_error(),
            n: self.len(),
            total_weight: w_total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_se() {
        let e = weighted_mean(&[1.0, 2.0, 3.0, 4.0], None).unwrap();
        assert_eq!(e.value, 2.5);
        // s = sqrt(5/3), se = s / 2
        assert!((e.se.unwrap() - (5.0f64 / 3.0).sqrt() / 2.0).abs() < 1e-15);
        let e = weighted_mean(&[1.0, 3.0], Some(&[3.0, 1.0])).unwrap();
        assert_eq!(e.value, 1.5);
        assert_eq!(e.total_weight, 4.0);
        assert_eq!(weighted_mean(&[7.0], None).unwrap().se, None);
    }
}
