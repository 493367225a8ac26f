//! Poverty measures at a given poverty line (garis kemiskinan).

use crate::accumulate::{CompensatedSum, TotalVariance};
use crate::{Estimate, Sample, StatsError};

/// Foster–Greer–Thorbecke poverty index `P_α` at an absolute poverty line `line`, with its
/// linearized standard error.
///
/// Shorthand for `Sample::new(values, weights)?.fgt(line, alpha)`; see [`Sample::fgt`].
///
/// # Errors
///
/// The input checks of [`Sample::new`], and those of [`Sample::fgt`].
pub fn fgt(
    values: &[f64],
    weights: Option<&[f64]>,
    line: f64,
    alpha: f64,
) -> Result<Estimate, StatsError> {
    Sample::new(values, weights)?.fgt(line, alpha)
}

impl Sample<'_> {
    /// Foster–Greer–Thorbecke index at an absolute poverty line `z`:
    ///
    /// `P_α = Σ wᵢ ((z − yᵢ)/z)^α · 1[yᵢ < z] / W`.
    ///
    /// `α = 0` is the headcount ratio (persentase penduduk miskin, P0), `α = 1` the poverty gap
    /// index (indeks kedalaman kemiskinan, P1), `α = 2` the squared poverty gap (indeks
    /// keparahan kemiskinan, P2), the three BPS publishes. Any real `α >= 0` is accepted.
    ///
    /// Domain: any finite values. A value `<= 0` counts as poor with a normalised gap `>= 1`
    /// (for `α >= 1` a negative income weighs more than a zero one); drop such rows first if
    /// they are recording errors.
    ///
    /// Poor means strictly below the line, `y < z`, the usual definition (World Bank, BPS).
    /// R `convey::svyfgt` uses `y <= z`: the two differ only in `P0`, and only when some value
    /// equals `z` exactly.
    ///
    /// Standard error (fixed line, as `svyfgt(type_thresh = "abs")`): the linearized variable is
    /// `zᵢ = (hᵢ − P_α)/W`, `hᵢ = ((z − yᵢ)/z)^α · 1[yᵢ < z]`; variance of the total of `wᵢzᵢ`
    /// as in the crate documentation.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidParameter`] unless `line` is finite and `> 0` and `alpha` is finite
    /// and `>= 0`.
    pub fn fgt(&self, line: f64, alpha: f64) -> Result<Estimate, StatsError> {
        if !(line.is_finite() && line > 0.0) {
            return Err(StatsError::InvalidParameter {
                name: "poverty line",
                value: line,
                requirement: "finite and > 0",
            });
        }
        if !(alpha.is_finite() && alpha >= 0.0) {
            return Err(StatsError::InvalidParameter {
                name: "FGT alpha",
                value: alpha,
                requirement: "finite and >= 0",
            });
        }
        let h = |y: f64| -> f64 {
            if y < line {
                let gap = (line - y) / line;
                if alpha == 0.0 {
                    1.0
                } else if alpha == 1.0 {
                    gap
                } else if alpha == 2.0 {
                    gap * gap
                } else {
                    gap.powf(alpha)
                }
            } else {
                0.0
            }
        };
        let w_total = self.total_weight();
        let mut sum = CompensatedSum::default();
        self.for_each(|y, w| sum.add(w * h(y)));
        let value = sum.value() / w_total;
        let mut var = TotalVariance::default();
        self.for_each(|y, w| var.push(w * (h(y) - value) / w_total));
        Ok(Estimate {
            value,
            se: var.standard_error(),
            n: self.len(),
            total_weight: w_total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_example() {
        let y = [50.0, 100.0, 150.0, 200.0];
        let w = [1.0, 2.0, 3.0, 4.0];
        // Poor: 50 (gap 0.5, w 1). 100 is at the line: not poor.
        let p0 = fgt(&y, Some(&w), 100.0, 0.0).unwrap();
        let p1 = fgt(&y, Some(&w), 100.0, 1.0).unwrap();
        let p2 = fgt(&y, Some(&w), 100.0, 2.0).unwrap();
        assert_eq!(p0.value, 0.1);
        assert_eq!(p1.value, 0.05);
        assert_eq!(p2.value, 0.025);
        let p15 = fgt(&y, Some(&w), 100.0, 1.5).unwrap();
        assert!((p15.value - 0.5f64.powf(1.5) / 10.0).abs() < 1e-15);
        // Unweighted headcount: se = sqrt(p(1 − p)/(n − 1)).
        let e = fgt(&y, None, 120.0, 0.0).unwrap();
        assert_eq!(e.value, 0.5);
        assert!((e.se.unwrap() - (0.25f64 / 3.0).sqrt()).abs() < 1e-15);
    }

    #[test]
    fn parameter_errors() {
        for line in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                fgt(&[1.0], None, line, 0.0),
                Err(StatsError::InvalidParameter { .. })
            ));
        }
        for alpha in [-0.5, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                fgt(&[1.0], None, 2.0, alpha),
                Err(StatsError::InvalidParameter { .. })
            ));
        }
    }
}
