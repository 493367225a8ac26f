//! Lorenz curve ordinates, income shares and share ratios (Palma, S80/S20), and the quintile
//! share ratio by quantile thresholds (EU-SILC S80/S20).

use crate::quantile::{
    QuantileCut, QuantileRule, check_probability, convey_bandwidth, kernel_at, linearized_se,
};
use crate::{Estimate, Sample, StatsError};

const MEASURE_SHARES: &str = "Lorenz shares";

impl Sample<'_> {
    /// Domain check of the share-based measures: values `>= 0` with a positive total.
    fn require_positive_total(&self, measure: &'static str, total: f64) -> Result<(), StatsError> {
        require_positive_total(measure, total)
    }

    /// Lorenz curve ordinates `L(p)`: the share of total income held by the poorest fraction
    /// `p` of the (weighted) population, for each `p` in `ps`, in one pass over the sorted data.
    ///
    /// `L(p) = T(p)/T` with `T(p) = Σ_{k<j} wₖxₖ + (pW − C_{j−1})·x_j`, `j` the observation
    /// whose cumulative-weight interval `(C_{j−1}, C_j]` contains `pW`: each observation stands
    /// for `wⱼ` identical units and the one straddling `pW` is counted in proportion (linear
    /// interpolation inside the unit). This is R `convey::svylorenz` (its `wtd.psum`); unweighted
    /// it is the piecewise-linear Lorenz curve through `(i/n, Σ_{k≤i} x₍ₖ₎/T)`. `L(0) = 0`,
    /// `L(1) = 1`, and `L` is non-decreasing and convex. Invariant to rescaling the weights;
    /// with integer weights equal to the unweighted curve of the expanded rows.
    ///
    /// Domain: values `>= 0` (a Lorenz curve with negative incomes leaves `[0, 1]`), not all
    /// zero.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidParameter`] for a `p` outside `[0, 1]`;
    /// [`StatsError::OutOfDomain`] for a negative value; [`StatsError::Undefined`] if every
    /// value is zero.
    pub fn lorenz(&self, ps: &[f64]) -> Result<Vec<f64>, StatsError> {
        for &p in ps {
            check_probability("Lorenz probability", p)?;
        }
        self.require_non_negative(MEASURE_SHARES)?;
        let summary = self.rank_summary(&[], ps);
        self.require_positive_total(MEASURE_SHARES, summary.income)?;
        Ok(ps
            .iter()
            .zip(&summary.lorenz)
            .map(|(&p, &partial)| lorenz_ordinate(p, partial, summary.income))
            .collect())
    }

    /// Share of total income held by the units between the population fractions `from` and
    /// `to` (`0 <= from <= to <= 1`), `L(to) − L(from)`, read off the Lorenz curve (see
    /// [`Sample::lorenz`]). For example `income_share(0.9, 1.0)` is the share of the top 10 %.
    ///
    /// # Errors
    ///
    /// As [`Sample::lorenz`], and [`StatsError::InvalidParameter`] if `from > to`.
    pub fn income_share(&self, from: f64, to: f64) -> Result<f64, StatsError> {
        check_probability("income share lower bound", from)?;
        check_probability("income share upper bound", to)?;
        if from > to {
            return Err(StatsError::InvalidParameter {
                name: "income share lower bound",
                value: from,
                requirement: "<= the upper bound",
            });
        }
        self.require_non_negative(MEASURE_SHARES)?;
        let summary = self.rank_summary(&[], &[from, to]);
        self.require_positive_total(MEASURE_SHARES, summary.income)?;
        let partial = |p: f64, t: f64| {
            if p >= 1.0 { summary.income } else { t }
        };
        let upper = partial(to, summary.lorenz[1]);
        let lower = if from <= 0.0 { 0.0 } else { summary.lorenz[0] };
        Ok((upper - lower) / summary.income)
    }

    /// Ratio of the income share of the richest fraction `top` to that of the poorest fraction
    /// `bottom`, read off the Lorenz curve: `(1 − L(1 − top)) / L(bottom)`.
    ///
    /// - Palma ratio: `share_ratio(0.1, 0.4)` (also [`Sample::palma`]);
    /// - S80/S20 from the Lorenz curve: `share_ratio(0.2, 0.2)` (also
    ///   [`Sample::s80_s20_lorenz`]);
    /// - 10:90 ratio (`ineqpy.inequality.top_rest`): `share_ratio(0.1, 0.9)`.
    ///
    /// Computed as `(T − T(1 − top))/T(bottom)` with the Lorenz partial sums `T(p)`, in one
    /// pass. With interpolation inside the straddling unit the ratio does not depend on how
    /// tied values are ordered, and it is invariant to rescaling the weights.
    ///
    /// # Errors
    ///
    /// As [`Sample::lorenz`]; [`StatsError::InvalidParameter`] unless `0 < top <= 1` and
    /// `0 < bottom <= 1`; [`StatsError::Undefined`] if the bottom share is zero.
    pub fn share_ratio(&self, top: f64, bottom: f64) -> Result<f64, StatsError> {
        for (name, p) in [
            ("top share fraction", top),
            ("bottom share fraction", bottom),
        ] {
            check_probability(name, p)?;
            if p == 0.0 {
                return Err(StatsError::InvalidParameter {
                    name,
                    value: p,
                    requirement: "> 0 and <= 1",
                });
            }
        }
        self.require_non_negative("a share ratio")?;
        let summary = self.rank_summary(&[], &[1.0 - top, bottom]);
        self.require_positive_total("a share ratio", summary.income)?;
        let top_income = if top >= 1.0 {
            summary.income
        } else {
            summary.income - summary.lorenz[0]
        };
        let bottom_income = if bottom >= 1.0 {
            summary.income
        } else {
            summary.lorenz[1]
        };
        if bottom_income <= 0.0 {
            return Err(StatsError::Undefined {
                measure: "a share ratio",
                reason: "the bottom group has no income (its share is zero)",
            });
        }
        Ok(top_income / bottom_income)
    }

    /// Palma ratio: income share of the richest 10 % over that of the poorest 40 %,
    /// `(1 − L(0.9))/L(0.4)` on the interpolated Lorenz curve (Cobham & Sumner 2013). Matches
    /// R `convey::svylorenz` ordinates and the P90/P40-threshold hand formula on the reference
    /// data. See [`Sample::share_ratio`] for domain and errors.
    ///
    /// # Errors
    ///
    /// As [`Sample::share_ratio`].
    pub fn palma(&self) -> Result<f64, StatsError> {
        self.share_ratio(0.1, 0.4)
    }

    /// S80/S20 read off the interpolated Lorenz curve: `(1 − L(0.8))/L(0.2)`. Without weights
    /// and with `n` a multiple of 5 this equals the threshold version
    /// [`Sample::quintile_share_ratio`]; otherwise the two differ by how the units at the
    /// quintile boundaries are counted (here in proportion; there wholly in or out).
    ///
    /// # Errors
    ///
    /// As [`Sample::share_ratio`].
    pub fn s80_s20_lorenz(&self) -> Result<f64, StatsError> {
        self.share_ratio(0.2, 0.2)
    }

    /// Quintile share ratio S80/S20 the EU-SILC way, with its linearized standard error:
    /// `quantile_share_ratio(0.2, 0.2, QuantileRule::Lower)`, which is R
    /// `convey::svyqsr(~x, design)` for `svydesign(ids = ~1, weights = ~w)` (estimate and
    /// standard error), and R `laeken::qsr` whenever no cumulative weight share hits 0.2 or 0.8
    /// exactly (see [`QuantileRule::Upper`] for laeken's result when one does).
    ///
    /// # Errors
    ///
    /// As [`Sample::quantile_share_ratio`].
    pub fn quintile_share_ratio(&self) -> Result<Estimate, StatsError> {
        self.quantile_share_ratio(0.2, 0.2, QuantileRule::Lower)
    }

    /// Income share ratio by quantile thresholds: total income of the observations *above*
    /// the `(1 − top)` quantile over total income of those *at or below* the `bottom` quantile,
    ///
    /// `S = Σ wᵢxᵢ 1[xᵢ > q_{1−top}] / Σ wᵢxᵢ 1[xᵢ <= q_bottom]`,
    ///
    /// quantiles under `rule` (see [`QuantileRule`]). A ratio of totals, as `convey::svyqsr` and
    /// `laeken::qsr` (0.5.x; older laeken divided group means, which differs when the two groups
    /// carry different weight). Whole observations fall in or out of each group, so with ties
    /// at a threshold a group can hold more or less than its nominal share of the population
    /// (for equal incomes everyone is at or below every quantile, and the ratio is 0; use
    /// [`Sample::s80_s20_lorenz`] for shares that split tied units).
    ///
    /// Standard error: convey's linearization (Osier 2009; `svyisq` + `contrastinf`). With
    /// `α₁ = bottom`, `α₂ = 1 − top`, `S_α = Σ wx·1[x <= q_α]`, the linearized total below a
    /// quantile is `x·1[x <= q_α] − (Ŝ'(q_α)/(W·f̂(q_α)))·(1[x <= q_α] − α)`, where
    /// `f̂(t) = Σ wφ((t − x)/h)/(Wh)` and `Ŝ'(t) = Σ wxφ((t − x)/h)/h` are Gaussian kernel
    /// estimates with convey's bandwidth `h = σ/W^{1/5}` (`σ` the population weighted standard
    /// deviation). With `U = T − S_{α₂}` (the top total) and `B = S_{α₁}`, the ratio's
    /// linearized variable is `z = u/B − U·b/B²`, `u = x − (linearized S_{α₂})`,
    /// `b = linearized S_{α₁}`; the variance is that of `Σ wᵢzᵢ` (see the crate documentation).
    /// The standard error is `None` with fewer than two observations or when a kernel density
    /// at a threshold is zero (all values equal).
    ///
    /// Domain: values `>= 0`.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidParameter`] unless `0 < bottom < 1` and `0 < top < 1`;
    /// [`StatsError::OutOfDomain`] for a negative value; [`StatsError::Undefined`] if the
    /// bottom group has no income.
    pub fn quantile_share_ratio(
        &self,
        bottom: f64,
        top: f64,
        rule: QuantileRule,
    ) -> Result<Estimate, StatsError> {
        for (name, p) in [
            ("bottom quantile share", bottom),
            ("top quantile share", top),
        ] {
            if !(p > 0.0 && p < 1.0) {
                return Err(StatsError::InvalidParameter {
                    name,
                    value: p,
                    requirement: "strictly between 0 and 1",
                });
            }
        }
        let measure = "the quantile share ratio";
        self.require_non_negative(measure)?;
        let w_total = self.total_weight();
        let summary = self.rank_summary(&[bottom, 1.0 - top], &[]);
        let (low, high) = (summary.cuts[0], summary.cuts[1]);
        let bottom_income = low.at_or_below(rule).income;
        let top_income = summary.income - high.at_or_below(rule).income;
        if bottom_income <= 0.0 {
            return Err(StatsError::Undefined {
                measure,
                reason: "the bottom group has no income (the bottom quantile is zero)",
            });
        }
        let value = top_income / bottom_income;

        let sorted = self.sorted();
        let h = convey_bandwidth(summary.variance, w_total);
        let se = QsrLinearization::new(
            rule,
            [low, high],
            [
                kernel_at(sorted, low.value(rule), h, w_total),
                kernel_at(sorted, high.value(rule), h, w_total),
            ],
            w_total,
            summary.income,
        )
        .and_then(|lin| linearized_se(sorted, |x| lin.z(x)));
        Ok(Estimate {
            value,
            se,
            n: self.len(),
            total_weight: w_total,
        })
    }
}

/// Error unless the total income is positive (the share-based measures).
pub(crate) fn require_positive_total(measure: &'static str, total: f64) -> Result<(), StatsError> {
    if total > 0.0 {
        Ok(())
    } else {
        Err(StatsError::Undefined {
            measure,
            reason: "every value is zero (the total income is zero)",
        })
    }
}

/// `L(p)` from the partial sum `T(p)`, exact at the ends.
pub(crate) fn lorenz_ordinate(p: f64, partial: f64, total: f64) -> f64 {
    if p <= 0.0 {
        0.0
    } else if p >= 1.0 {
        1.0
    } else {
        partial / total
    }
}

/// Linearized variable of the quantile share ratio (convey `svyqsr`), see
/// [`Sample::quantile_share_ratio`]. Built from the two [`QuantileCut`]s of a rank scan and the
/// kernel estimates at the two thresholds; `z(x)` is then evaluated in one pass.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct QsrLinearization {
    q_low: f64,
    alpha_low: f64,
    /// `Ŝ'(q)/(W·f̂(q))` at the bottom threshold.
    k_low: f64,
    q_high: f64,
    alpha_high: f64,
    k_high: f64,
    /// `B`, the bottom total.
    bottom: f64,
    /// `U`, the top total.
    top: f64,
}

impl QsrLinearization {
    /// `None` when a density at a threshold is zero (the linearization is undefined).
    pub(crate) fn new(
        rule: QuantileRule,
        [low, high]: [QuantileCut; 2],
        [kernel_low, kernel_high]: [crate::quantile::KernelAt; 2],
        total_weight: f64,
        total_income: f64,
    ) -> Option<Self> {
        let k = |kernel: crate::quantile::KernelAt| {
            let k = kernel.income_density / (total_weight * kernel.density);
            (kernel.density > 0.0 && k.is_finite()).then_some(k)
        };
        Some(QsrLinearization {
            q_low: low.value(rule),
            alpha_low: low.p,
            k_low: k(kernel_low)?,
            q_high: high.value(rule),
            alpha_high: high.p,
            k_high: k(kernel_high)?,
            bottom: low.at_or_below(rule).income,
            top: total_income - high.at_or_below(rule).income,
        })
    }

    #[inline]
    pub(crate) fn z(&self, x: f64) -> f64 {
        let in_low = f64::from(u8::from(x <= self.q_low));
        let in_high = f64::from(u8::from(x <= self.q_high));
        let lin_bottom = x * in_low - self.k_low * (in_low - self.alpha_low);
        let lin_top = x - (x * in_high - self.k_high * (in_high - self.alpha_high));
        lin_top / self.bottom - self.top * lin_bottom / (self.bottom * self.bottom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lorenz_of_small_samples() {
        let s = Sample::new(&[1.0, 2.0, 3.0, 4.0], None).unwrap();
        let l = s.lorenz(&[0.0, 0.25, 0.5, 0.625, 1.0]).unwrap();
        // T = 10; T(0.625) = 1 + 2 + 0.5·3.
        assert_eq!(l, vec![0.0, 0.1, 0.3, 0.45, 1.0]);
        // Weighted = expanded.
        let w = Sample::new(&[1.0, 2.0], Some(&[3.0, 1.0])).unwrap();
        let e = Sample::new(&[1.0, 1.0, 1.0, 2.0], None).unwrap();
        let ps = [0.1, 0.3, 0.5, 0.75, 0.9];
        let (a, b) = (w.lorenz(&ps).unwrap(), e.lorenz(&ps).unwrap());
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-15);
        }
    }

    #[test]
    fn shares_and_ratios() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let s = Sample::new(&v, None).unwrap();
        // Top 10 % = 10, bottom 40 % = 1 + 2 + 3 + 4.
        assert!((s.palma().unwrap() - 1.0).abs() < 1e-15);
        // S80/S20 = (9 + 10)/(1 + 2).
        assert!((s.s80_s20_lorenz().unwrap() - 19.0 / 3.0).abs() < 1e-15);
        assert!((s.income_share(0.9, 1.0).unwrap() - 10.0 / 55.0).abs() < 1e-15);
        assert!((s.income_share(0.0, 0.2).unwrap() - 3.0 / 55.0).abs() < 1e-15);
        let q = s.quintile_share_ratio().unwrap();
        assert!((q.value - 19.0 / 3.0).abs() < 1e-14);
        assert!(q.se.unwrap() > 0.0);
        // Equal incomes: Lorenz shares are population shares, but by thresholds nobody is above
        // the 80th percentile (everyone is at or below it).
        let eq = Sample::new(&[3.0; 10], None).unwrap();
        assert!((eq.palma().unwrap() - 0.25).abs() < 1e-15);
        assert_eq!(eq.s80_s20_lorenz().unwrap(), 1.0);
        let qe = eq.quintile_share_ratio().unwrap();
        assert_eq!((qe.value, qe.se), (0.0, None));
    }

    #[test]
    fn domain_errors() {
        let neg = Sample::new(&[-1.0, 2.0, 3.0], None).unwrap();
        assert!(matches!(
            neg.lorenz(&[0.5]),
            Err(StatsError::OutOfDomain { index: 0, .. })
        ));
        assert!(matches!(neg.palma(), Err(StatsError::OutOfDomain { .. })));
        assert!(matches!(
            neg.quintile_share_ratio(),
            Err(StatsError::OutOfDomain { .. })
        ));
        let zeros = Sample::new(&[0.0; 4], None).unwrap();
        assert!(matches!(
            zeros.lorenz(&[0.5]),
            Err(StatsError::Undefined { .. })
        ));
        // Zeros are allowed, but a bottom group without income has no ratio.
        let some_zeros =
            Sample::new(&[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0], None).unwrap();
        assert_eq!(some_zeros.lorenz(&[0.5]).unwrap(), vec![0.0]);
        assert!(matches!(
            some_zeros.palma(),
            Err(StatsError::Undefined { .. })
        ));
        assert!(matches!(
            some_zeros.quintile_share_ratio(),
            Err(StatsError::Undefined { .. })
        ));
        let s = Sample::new(&[1.0, 2.0], None).unwrap();
        assert!(s.share_ratio(0.0, 0.5).is_err());
        assert!(s.income_share(0.6, 0.4).is_err());
        assert!(
            s.quantile_share_ratio(0.0, 0.2, QuantileRule::Lower)
                .is_err()
        );
        assert!(
            s.quantile_share_ratio(0.2, 1.0, QuantileRule::Lower)
                .is_err()
        );
    }
}
