//! Gini coefficient.

use crate::accumulate::{CompensatedSum, TotalVariance};
use crate::{Estimate, Sample, StatsError};

/// How weights enter the weighted Gini coefficient. Both reduce, with unit weights (or no
/// weights), to the population Gini `Σ (2i − 1) x₍ᵢ₎ / (n·T) − 1` (no `n/(n−1)` correction),
/// which is R `ineq::Gini` and `laeken::gini` unweighted.
///
/// Notation: order observations by ascending value, `Cᵢ` the cumulative weight up to and
/// including `i`, `W = Σ wᵢ`, `T = Σ wᵢxᵢ`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum GiniConvention {
    /// `G = (2 Σ wᵢxᵢCᵢ − Σ wᵢ²xᵢ) / (W·T) − 1 = Σ wᵢxᵢ(Cᵢ₋₁ + Cᵢ − W) / (W·T)`.
    ///
    /// The Gini of the weighted empirical distribution: each observation stands for `wᵢ`
    /// identical units at the mid-point of its cumulative-weight interval. With integer weights
    /// it equals the unweighted Gini of the data with row `i` repeated `wᵢ` times, and it does
    /// not change when all weights are multiplied by a constant. Order among tied values does
    /// not matter. This is R `laeken::gini` (EU-SILC), Stata `ineqdeco`, and pysal on
    /// frequency-expanded rows. The default.
    #[default]
    FrequencyWeights,
    /// `G = Σ (2Cᵢ − 1) wᵢxᵢ / (W·T) − 1`, as R `convey::svygini`.
    ///
    /// Matches the frequency convention only when every weight is 1. It changes when all weights
    /// are rescaled (for weights normalised to mean 1 it is close to the frequency value; with
    /// large weights it drifts up), it is not 0 for equal incomes unless all weights are 1
    /// (it is `(Σ wᵢ² − W)/W²` then), and with unequal weights among tied values it depends on
    /// their input order (ties keep input order here, as R's stable `order()`).
    /// Provided to reproduce convey's published numbers.
    Convey,
}

/// Gini coefficient of `values` with optional weights, with its linearized standard error.
///
/// Shorthand for `Sample::new(values, weights)?.gini(convention)`; see [`Sample::gini`].
///
/// # Errors
///
/// The input checks of [`Sample::new`], and those of [`Sample::gini`].
pub fn gini(
    values: &[f64],
    weights: Option<&[f64]>,
    convention: GiniConvention,
) -> Result<Estimate, StatsError> {
    Sample::new(values, weights)?.gini(convention)
}

impl Sample<'_> {
    /// Gini coefficient (see [`GiniConvention`] for the formulas), computed in O(n log n): one
    /// sort (cached on the `Sample`), then two linear passes.
    ///
    /// Domain: values `>= 0` (negative incomes make the Gini leave `[0, 1]` and lose its Lorenz
    /// meaning; drop them with [`crate::drop_negative`] and report how many), not all zero.
    ///
    /// Standard error: Taylor linearization with the influence function of `convey`
    /// (`CalcGini_IF`, after Osier 2009 / Deville 1999): `G` is written as
    /// `(2·T₁ − T₂)/(T₂·T₃) − 1` with `T₁ = Σ wᵢCᵢxᵢ`, `T₂ = T`, `T₃ = W`, whose linearized
    /// variables are `T₁ ↦ (T − Gᵢ + wᵢxᵢ + Cᵢxᵢ)` (`Gᵢ` the cumulative `Σ wx` up to `i`),
    /// `T₂ ↦ xᵢ`, `T₃ ↦ 1`, combined by the gradient:
    ///
    /// `zᵢ = 2(T − Gᵢ + wᵢxᵢ + Cᵢxᵢ)/(T·W) − 2T₁xᵢ/(T²·W) − (2T₁ − T)/(T·W²)`.
    ///
    /// The variance is that of the total of `wᵢzᵢ` under one-stage with-replacement sampling
    /// (see the crate documentation). The same influence function, hence the same standard
    /// error, is reported for both conventions: the two estimators differ by
    /// `Σ wᵢxᵢ(wᵢ − 1)/(W·T)`, a term of order `1/n` (it scales with the mean weight over the
    /// total weight), small next to a standard error of order `1/√n`.
    ///
    /// # Errors
    ///
    /// [`StatsError::OutOfDomain`] for a negative value (the index of the first one);
    /// [`StatsError::Undefined`] if every value is zero.
    pub fn gini(&self, convention: GiniConvention) -> Result<Estimate, StatsError> {
        // The smallest value (found by `Sample::new`) tells whether any is negative; only then
        // is the first one looked for.
        if self.range().0 < 0.0 {
            self.require_non_negative("the Gini coefficient")?;
        }
        let sorted = self.sorted();
        let (value, se) = crate::fused::gini_of_sorted(sorted, self.total_weight(), convention)?;
        Ok(Estimate {
            value,
            se,
            n: self.len(),
            total_weight: self.total_weight(),
        })
    }

    /// [`Sample::gini`] computed the straightforward way (compensated sums and Welford's update
    /// per row, one row at a time): the reference the fused passes are tested against.
    pub(crate) fn gini_reference(
        &self,
        convention: GiniConvention,
    ) -> Result<Estimate, StatsError> {
        self.require_non_negative("the Gini coefficient")?;
        let w_total = self.total_weight();
        // Centred rank of observation i: a·Cᵢ₋₁ + b·Cᵢ + k, so that G = Σ rankᵢ·wᵢxᵢ / (W·T).
        // Centring before summing avoids the cancellation of the final "− 1".
        let (a, b, k) = match convention {
            GiniConvention::FrequencyWeights => (1.0, 1.0, -w_total),
            GiniConvention::Convey => (0.0, 2.0, -1.0 - w_total),
        };
        let sorted = self.sorted();

        let mut cum_w = CompensatedSum::default();
        let mut total = CompensatedSum::default();
        let mut t1 = CompensatedSum::default();
        let mut numerator = CompensatedSum::default();
        sorted.for_each(|x, w| {
            let c_prev = cum_w.value();
            cum_w.add(w);
            let c = cum_w.value();
            let wx = w * x;
            total.add(wx);
            t1.add(c * wx);
            numerator.add((a * c_prev + b * c + k) * wx);
        });
        let total = total.value();
        if total == 0.0 {
            return Err(StatsError::Undefined {
                measure: "the Gini coefficient",
                reason: "every value is zero (the mean is zero)",
            });
        }
        if !(total > 0.0 && total.is_finite()) {
            return Err(StatsError::NotFinite {
                measure: "the Gini coefficient",
            });
        }
        let t1 = t1.value();
        let value = numerator.value() / (w_total * total);

        // Influence function (convey's CalcGini_IF), in ascending order: the variance of a total
        // does not depend on the order of the rows.
        let coef_t1 = 2.0 / (total * w_total);
        let coef_x = 2.0 * t1 / (total * total * w_total);
        let constant = (2.0 * t1 - total) / (total * w_total * w_total);
        let mut cum_w = CompensatedSum::default();
        let mut cum_wx = CompensatedSum::default();
        let mut var = TotalVariance::default();
        sorted.for_each(|x, w| {
            cum_w.add(w);
            // T − Gᵢ + wᵢxᵢ = Σ_{j ≥ i} wⱼxⱼ, i.e. T minus the sum strictly before i.
            let upper_tail = total - cum_wx.value();
            cum_wx.add(w * x);
            let lin_t1 = upper_tail + cum_w.value() * x;
            let z = coef_t1 * lin_t1 - coef_x * x - constant;
            var.push(w * z);
        });

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

    fn g(values: &[f64], weights: Option<&[f64]>, c: GiniConvention) -> f64 {
        gini(values, weights, c).unwrap().value
    }

    #[test]
    fn textbook_values() {
        // One person has everything: (n − 1)/n.
        let v = [0.0, 0.0, 0.0, 10.0];
        assert!((g(&v, None, GiniConvention::default()) - 0.75).abs() < 1e-15);
        // Equality.
        assert_eq!(g(&[5.0; 7], None, GiniConvention::default()), 0.0);
        // 1, 2, 3: Σ|xi − xj| / (2 n² μ) = 8 / (2·9·2) = 2/9.
        assert!((g(&[3.0, 1.0, 2.0], None, GiniConvention::default()) - 2.0 / 9.0).abs() < 1e-15);
    }

    #[test]
    fn conventions_agree_with_unit_weights_and_differ_otherwise() {
        let v = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        let ones = [1.0; 8];
        let w = [2.0, 1.0, 3.0, 1.0, 2.0, 5.0, 1.0, 1.0];
        for c in [GiniConvention::FrequencyWeights, GiniConvention::Convey] {
            let a = gini(&v, None, c).unwrap();
            let b = gini(&v, Some(&ones), c).unwrap();
            assert!((a.value - b.value).abs() < 1e-15);
            assert!((a.se.unwrap() - b.se.unwrap()).abs() < 1e-15);
        }
        let f = g(&v, Some(&w), GiniConvention::FrequencyWeights);
        let c = g(&v, Some(&w), GiniConvention::Convey);
        // Difference is Σ wx(w − 1)/(W·T).
        let (wt, t): (f64, f64) = (w.iter().sum(), v.iter().zip(&w).map(|(x, w)| x * w).sum());
        let d: f64 = v
            .iter()
            .zip(&w)
            .map(|(x, w)| w * x * (w - 1.0))
            .sum::<f64>()
            / (wt * t);
        assert!((c - f - d).abs() < 1e-15);
    }

    #[test]
    fn convey_convention_for_equal_values() {
        let w = [0.5, 2.0, 3.5];
        let wt: f64 = w.iter().sum();
        let sw2: f64 = w.iter().map(|w| w * w).sum();
        let c = g(&[4.0; 3], Some(&w), GiniConvention::Convey);
        assert!((c - (sw2 - wt) / (wt * wt)).abs() < 1e-15);
        assert_eq!(
            g(&[4.0; 3], Some(&w), GiniConvention::FrequencyWeights),
            0.0
        );
    }

    #[test]
    fn domain_errors() {
        assert!(matches!(
            gini(&[1.0, -2.0, -3.0], None, GiniConvention::default()),
            Err(StatsError::OutOfDomain { index: 1, .. })
        ));
        assert!(matches!(
            gini(&[0.0, 0.0], None, GiniConvention::default()),
            Err(StatsError::Undefined { .. })
        ));
        let one = gini(&[3.0], None, GiniConvention::default()).unwrap();
        assert_eq!((one.value, one.se, one.n), (0.0, None, 1));
    }
}
