//! Poverty at a relative line (a share of a weighted quantile, by default 60 % of the median:
//! the EU at-risk-of-poverty threshold) and the Watts index, with linearized standard errors that
//! account for the line being estimated from the same sample.

use crate::accumulate::{CompensatedSum, TotalVariance};
use crate::quantile::{
    QuantileLinearization, QuantileRule, check_probability, convey_bandwidth, kernel_at,
};
use crate::{Estimate, Sample, StatsError};

/// A relative poverty line: `share × (weighted quantile at probability quantile)`, the quantile
/// taken under `rule`. The default is the EU-SILC at-risk-of-poverty threshold, 60 % of the
/// weighted median under [`QuantileRule::Lower`] (R `convey::svyarpt`, `svyfgt(type_thresh =
/// "relq")`; `laeken::arpt` whenever no cumulative weight share is exactly 0.5).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RelativeLine {
    /// Multiple of the quantile, `> 0` (0.6 for the EU threshold, 0.5 for the OECD one).
    pub share: f64,
    /// Probability of the quantile, in `(0, 1)` (0.5: the median).
    pub quantile: f64,
    /// Quantile definition (see [`QuantileRule`]); the standard errors linearize it as convey
    /// does for [`QuantileRule::Lower`].
    pub rule: QuantileRule,
}

impl Default for RelativeLine {
    fn default() -> Self {
        RelativeLine {
            share: 0.6,
            quantile: 0.5,
            rule: QuantileRule::Lower,
        }
    }
}

impl RelativeLine {
    /// `share` × the weighted median ([`QuantileRule::Lower`]).
    pub fn of_median(share: f64) -> Self {
        RelativeLine {
            share,
            ..RelativeLine::default()
        }
    }

    pub(crate) fn validate(&self) -> Result<(), StatsError> {
        if !(self.share > 0.0 && self.share.is_finite()) {
            return Err(StatsError::InvalidParameter {
                name: "relative line share",
                value: self.share,
                requirement: "finite and > 0",
            });
        }
        check_probability("relative line quantile", self.quantile)?;
        if self.quantile == 0.0 || self.quantile == 1.0 {
            return Err(StatsError::InvalidParameter {
                name: "relative line quantile",
                value: self.quantile,
                requirement: "strictly between 0 and 1",
            });
        }
        Ok(())
    }
}

/// An estimated relative poverty line and its linearization.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct RelativeThreshold {
    /// The line `z = share·q`.
    pub(crate) line: f64,
    /// Linearized variable of `z` (`share` × that of `q`); `None` when the density at `q` is
    /// zero.
    pub(crate) lin: Option<QuantileLinearization>,
    /// Kernel bandwidth of the sample (convey's `h_fun`).
    pub(crate) bandwidth: f64,
}

/// Error unless every value is `> 0`, naming the first that is not (the check of the Watts
/// index).
pub(crate) fn require_positive(values: &[f64], measure: &'static str) -> Result<(), StatsError> {
    match values.iter().position(|&y| y <= 0.0) {
        None => Ok(()),
        Some(index) => Err(StatsError::OutOfDomain {
            measure,
            requirement: "> 0 (drop zero and negative values first, e.g. with drop_non_positive)",
            index,
            value: values[index],
        }),
    }
}

/// A poverty index that is the weighted mean of a summand `g(y; z)` of income and line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum PovertyIndex {
    /// FGT `P_α`: `g = ((z − y)/z)^α · 1[y < z]`.
    Fgt(f64),
    /// Watts: `g = ln(z/y) · 1[y < z]`, `y > 0`.
    Watts,
}

impl PovertyIndex {
    /// The summand `g(y; z)`.
    #[inline]
    pub(crate) fn summand(self, y: f64, z: f64) -> f64 {
        if y >= z {
            return 0.0;
        }
        match self {
            PovertyIndex::Fgt(alpha) => {
                let gap = (z - y) / z;
                if alpha == 0.0 {
                    1.0
                } else if alpha == 1.0 {
                    gap
                } else if alpha == 2.0 {
                    gap * gap
                } else {
                    gap.powf(alpha)
                }
            }
            PovertyIndex::Watts => (z / y).ln(),
        }
    }

    /// `∂g/∂z` where it exists (convey's `ht`): `α·((z − y)/z)^{α−1}·y/z²` for FGT with
    /// `α > 0`, `1/z` for Watts, both times `1[y < z]`. For the headcount (`α = 0`) the
    /// derivative of the mean is the density at the line instead (see [`PovertyLinearization`]).
    #[inline]
    pub(crate) fn line_derivative(self, y: f64, z: f64) -> f64 {
        if y >= z {
            return 0.0;
        }
        match self {
            PovertyIndex::Fgt(alpha) => {
                if alpha == 0.0 {
                    0.0
                } else if alpha == 1.0 {
                    y / (z * z)
                } else {
                    alpha * ((z - y) / z).powf(alpha - 1.0) * y / (z * z)
                }
            }
            PovertyIndex::Watts => 1.0 / z,
        }
    }
}

/// Linearized variable of a poverty index at a line that may be estimated:
/// `z(y) = (g(y) − P)/W + slope·lin_line(y)`, with `slope = ∂P/∂z` (the density at the line for
/// the headcount, the mean of `∂g/∂z` otherwise) and `lin_line` the line's linearization (zero
/// for a fixed line). As convey's `svyfgt`/`svywatts` for `svydesign(ids = ~1, weights = ~w)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct PovertyLinearization {
    pub(crate) index: PovertyIndex,
    pub(crate) line: f64,
    pub(crate) value: f64,
    pub(crate) total_weight: f64,
    pub(crate) slope: f64,
    pub(crate) line_lin: Option<QuantileLinearization>,
}

impl PovertyLinearization {
    #[inline]
    pub(crate) fn z(&self, y: f64) -> f64 {
        let own = (self.index.summand(y, self.line) - self.value) / self.total_weight;
        match self.line_lin {
            Some(lin) => own + self.slope * lin.z(y),
            None => own,
        }
    }
}

impl Sample<'_> {
    /// The relative line `share·q` from one rank scan, with its linearization.
    pub(crate) fn relative_threshold(
        &self,
        line: RelativeLine,
    ) -> Result<RelativeThreshold, StatsError> {
        line.validate()?;
        let w_total = self.total_weight();
        let summary = self.rank_summary(&[line.quantile], &[]);
        let q = summary.cuts[0].value(line.rule);
        let z = line.share * q;
        if z <= 0.0 {
            return Err(StatsError::Undefined {
                measure: "a relative poverty line",
                reason: "the quantile it is a share of is <= 0, so the line is not positive",
            });
        }
        let bandwidth = convey_bandwidth(summary.variance, w_total);
        let density = kernel_at(self.sorted(), q, bandwidth, w_total).density;
        let lin = QuantileLinearization::new(q, line.quantile, density, w_total)
            .map(|l| l.scaled(line.share));
        Ok(RelativeThreshold {
            line: z,
            lin,
            bandwidth,
        })
    }

    /// The relative poverty line `share × q` with its linearized standard error, as R
    /// `convey::svyarpt` (value: `laeken::arpt`). The linearized variable is
    /// `share·(−(1[x ≤ q] − p)/(W·f̂(q)))`, `f̂` the Gaussian kernel density with convey's
    /// bandwidth (see [`Sample::quantile_estimate`]).
    ///
    /// Domain: any finite values, as long as the line comes out positive.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidParameter`] for a share that is not finite and `> 0` or a quantile
    /// probability outside `(0, 1)`; [`StatsError::Undefined`] if the quantile is `<= 0`.
    pub fn poverty_line(&self, line: RelativeLine) -> Result<Estimate, StatsError> {
        let threshold = self.relative_threshold(line)?;
        let se = threshold.lin.and_then(|lin| {
            let mut var = TotalVariance::default();
            self.for_each(|x, w| var.push(w * lin.z(x)));
            var.standard_error()
        });
        Ok(Estimate {
            value: threshold.line,
            se,
            n: self.len(),
            total_weight: self.total_weight(),
        })
    }

    /// Foster–Greer–Thorbecke `P_α` at a relative line `z = share × q` (by default 60 % of
    /// the weighted median: `alpha = 0` is the EU at-risk-of-poverty rate), with a standard
    /// error that includes the sampling variability of the line.
    ///
    /// `P_α = Σ wᵢ((z − yᵢ)/z)^α·1[yᵢ < z] / W` as in [`Sample::fgt`] (poor means strictly
    /// below the line, as `laeken::arpr`; R `convey::svyfgt` counts `y <= z`, which differs only
    /// when a value equals the line exactly).
    ///
    /// Standard error: `convey::svyfgt(type_thresh = "relq")` (Osier 2009). The linearized
    /// variable is `(hᵢ − P_α)/W + slope·lin_z(yᵢ)`, `lin_z` the line's linearized variable
    /// ([`Sample::poverty_line`]) and `slope = ∂P_α/∂z`: for the headcount (`α = 0`) the kernel
    /// density at the line, `f̂(z)`; for `α > 0` the mean of `α((z − y)/z)^{α−1}·y/z²` over the
    /// poor. The kernel is Gaussian with convey's bandwidth `h = σ/W^{1/5}` (`σ` the population
    /// weighted standard deviation). The standard error is `None` with fewer than two
    /// observations or when the density at the quantile is zero.
    ///
    /// Domain: any finite values (a value `<= 0` is poor with a gap `>= 1`), as long as the line
    /// comes out positive.
    ///
    /// # Errors
    ///
    /// As [`Sample::poverty_line`], and [`StatsError::InvalidParameter`] unless `alpha` is
    /// finite and `>= 0`.
    pub fn fgt_relative(&self, line: RelativeLine, alpha: f64) -> Result<Estimate, StatsError> {
        if !(alpha.is_finite() && alpha >= 0.0) {
            return Err(StatsError::InvalidParameter {
                name: "FGT alpha",
                value: alpha,
                requirement: "finite and >= 0",
            });
        }
        let threshold = self.relative_threshold(line)?;
        Ok(self.poverty_at(PovertyIndex::Fgt(alpha), threshold.line, Some(threshold)))
    }

    /// Watts index at an absolute poverty line `z`:
    /// `W = Σ wᵢ ln(z/yᵢ)·1[yᵢ < z] / Σ wᵢ` (Watts 1968), the mean log shortfall of the poor;
    /// R `ineq::Watts`, `convey::svywatts(type_thresh = "abs")`.
    ///
    /// Standard error (fixed line): linearized variable `(hᵢ − W)/Σw`, `hᵢ` the summand.
    ///
    /// Domain: values `> 0` (the logarithm of a zero or negative income is undefined, and such
    /// an income is always below the line); drop them with [`crate::drop_non_positive`] and
    /// report how many.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidParameter`] unless `line` is finite and `> 0`;
    /// [`StatsError::OutOfDomain`] for a value `<= 0` (the first one).
    pub fn watts(&self, line: f64) -> Result<Estimate, StatsError> {
        if !(line.is_finite() && line > 0.0) {
            return Err(StatsError::InvalidParameter {
                name: "poverty line",
                value: line,
                requirement: "finite and > 0",
            });
        }
        self.require_positive("the Watts index")?;
        Ok(self.poverty_at(PovertyIndex::Watts, line, None))
    }

    /// Watts index at a relative line (see [`RelativeLine`]), with the standard error of
    /// `convey::svywatts(type_thresh = "relq")`: linearized variable
    /// `(hᵢ − W)/Σw + (P₀/z)·lin_z(yᵢ)`, `P₀` the headcount ratio at the line and `lin_z` the
    /// line's linearized variable.
    ///
    /// # Errors
    ///
    /// As [`Sample::watts`] and [`Sample::poverty_line`].
    pub fn watts_relative(&self, line: RelativeLine) -> Result<Estimate, StatsError> {
        self.require_positive("the Watts index")?;
        let threshold = self.relative_threshold(line)?;
        Ok(self.poverty_at(PovertyIndex::Watts, threshold.line, Some(threshold)))
    }

    /// Error unless every value is `> 0`.
    fn require_positive(&self, measure: &'static str) -> Result<(), StatsError> {
        require_positive(self.values(), measure)
    }

    /// Estimate and standard error of `index` at `line`; `threshold` is `Some` when the line
    /// was estimated from this sample (its variability then enters the standard error).
    fn poverty_at(
        &self,
        index: PovertyIndex,
        line: f64,
        threshold: Option<RelativeThreshold>,
    ) -> Estimate {
        let w_total = self.total_weight();
        let mut sum = CompensatedSum::default();
        let mut derivative = CompensatedSum::default();
        self.for_each(|y, w| {
            sum.add(w * index.summand(y, line));
            if threshold.is_some() {
                derivative.add(w * index.line_derivative(y, line));
            }
        });
        let value = sum.value() / w_total;
        let (slope, line_lin, defined) = match threshold {
            None => (0.0, None, true),
            Some(t) => {
                let slope = if index == PovertyIndex::Fgt(0.0) {
                    kernel_at(self.sorted(), line, t.bandwidth, w_total).density
                } else {
                    derivative.value() / w_total
                };
                (slope, t.lin, t.lin.is_some())
            }
        };
        let lin = PovertyLinearization {
            index,
            line,
            value,
            total_weight: w_total,
            slope,
            line_lin,
        };
        let se = if defined {
            let mut var = TotalVariance::default();
            self.for_each(|y, w| var.push(w * lin.z(y)));
            var.standard_error()
        } else {
            None
        };
        Estimate {
            value,
            se,
            n: self.len(),
            total_weight: w_total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_line_and_rates() {
        let v: Vec<f64> = (1..=10).map(|i| f64::from(i) * 10.0).collect();
        let s = Sample::new(&v, None).unwrap();
        // Lower-rule median of 10, 20, …, 100 is 50: line 30; poor: 10, 20.
        let line = s.poverty_line(RelativeLine::default()).unwrap();
        assert_eq!(line.value, 30.0);
        assert!(line.se.unwrap() > 0.0);
        let mid = RelativeLine {
            rule: QuantileRule::Midpoint,
            ..RelativeLine::default()
        };
        assert_eq!(s.poverty_line(mid).unwrap().value, 33.0);
        let p0 = s.fgt_relative(RelativeLine::default(), 0.0).unwrap();
        assert_eq!(p0.value, 0.2);
        let p1 = s.fgt_relative(RelativeLine::default(), 1.0).unwrap();
        assert!((p1.value - (20.0 / 30.0 + 10.0 / 30.0) / 10.0).abs() < 1e-15);
        // At the fixed line the absolute FGT agrees.
        assert_eq!(s.fgt(30.0, 1.0).unwrap().value, p1.value);
        let w = s.watts(30.0).unwrap();
        assert!((w.value - (3.0f64.ln() + 1.5f64.ln()) / 10.0).abs() < 1e-15);
        let wr = s.watts_relative(RelativeLine::default()).unwrap();
        assert_eq!(wr.value, w.value);
        assert!(wr.se.unwrap() != w.se.unwrap());
    }

    #[test]
    fn domain_and_parameter_errors() {
        let s = Sample::new(&[1.0, 2.0, 3.0], None).unwrap();
        for share in [0.0, -0.6, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                s.poverty_line(RelativeLine::of_median(share)),
                Err(StatsError::InvalidParameter { .. })
            ));
        }
        for quantile in [0.0, 1.0, 1.5] {
            let line = RelativeLine {
                quantile,
                ..RelativeLine::default()
            };
            assert!(s.fgt_relative(line, 0.0).is_err());
        }
        assert!(s.fgt_relative(RelativeLine::default(), -1.0).is_err());
        assert!(s.watts(0.0).is_err());
        // A non-positive median gives no positive line.
        let poor = Sample::new(&[-2.0, -1.0, 0.0, 5.0], None).unwrap();
        assert!(matches!(
            poor.fgt_relative(RelativeLine::default(), 0.0),
            Err(StatsError::Undefined { .. })
        ));
        // Negative incomes are poor for FGT but outside the Watts domain.
        let mixed = Sample::new(&[-1.0, 4.0, 5.0, 6.0, 7.0], None).unwrap();
        assert_eq!(
            mixed
                .fgt_relative(RelativeLine::default(), 0.0)
                .unwrap()
                .value,
            0.2
        );
        assert!(matches!(
            mixed.watts(3.0),
            Err(StatsError::OutOfDomain { index: 0, .. })
        ));
        assert!(matches!(
            Sample::new(&[0.0, 1.0], None)
                .unwrap()
                .watts_relative(RelativeLine::default()),
            Err(StatsError::OutOfDomain { index: 0, .. })
        ));
        // One observation: value, no standard error.
        let one = Sample::new(&[4.0], None).unwrap();
        let e = one.fgt_relative(RelativeLine::default(), 0.0).unwrap();
        assert_eq!((e.value, e.se), (0.0, None));
    }
}
