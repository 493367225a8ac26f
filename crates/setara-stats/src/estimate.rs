//! The result of a measure: point estimate, standard error, sample size.

use crate::{StatsError, normal_quantile};

/// A point estimate with its linearized standard error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// The point estimate.
    pub value: f64,
    /// Standard error by Taylor linearization (see the crate documentation for the design);
    /// `None` when it is undefined (fewer than two observations).
    pub se: Option<f64>,
    /// Number of observations (rows) used.
    pub n: usize,
    /// Total weight of the observations used (`n` if unweighted): the estimated population size.
    pub total_weight: f64,
}

impl Estimate {
    /// Normal-approximation confidence interval `value ± z·se` at `level` (e.g. `0.95`), as R's
    /// `confint()` on a `svystat`. `Ok(None)` when there is no standard error.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidParameter`] unless `0 < level < 1`.
    pub fn confidence_interval(&self, level: f64) -> Result<Option<(f64, f64)>, StatsError> {
        if !(level > 0.0 && level < 1.0) {
            return Err(StatsError::InvalidParameter {
                name: "level",
                value: level,
                requirement: "strictly between 0 and 1",
            });
        }
        let z = -normal_quantile((1.0 - level) / 2.0)?;
        Ok(self.se.map(|se| (self.value - z * se, self.value + z * se)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_interval_uses_normal_quantile() {
        let e = Estimate {
            value: 0.4,
            se: Some(0.01),
            n: 100,
            total_weight: 100.0,
        };
        let (lo, hi) = e.confidence_interval(0.95).unwrap().unwrap();
        // qnorm(0.975) = 1.959963984540054
        assert!((hi - 0.4 - 0.01959963984540054).abs() < 1e-15);
        assert!((0.4 - lo - 0.01959963984540054).abs() < 1e-15);
        assert!(e.confidence_interval(1.0).is_err());
        let no_se = Estimate { se: None, ..e };
        assert_eq!(no_se.confidence_interval(0.9).unwrap(), None);
    }
}
