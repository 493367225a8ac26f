//! Standard normal distribution, and the lognormal Gini used to calibrate synthetic incomes.

use std::f64::consts::{PI, SQRT_2};

use crate::StatsError;

/// Standard normal cumulative distribution function `Φ(x) = ½·erfc(−x/√2)`.
///
/// Accurate to a few ulps relative, including deep in the lower tail (it is computed from
/// `erfc`, not `1 + erf`). `NaN` gives `NaN`.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / SQRT_2)
}

/// Standard normal quantile (inverse CDF) `Φ⁻¹(p)`.
///
/// `p = 0` gives `−∞` and `p = 1` gives `+∞`. Method: Acklam's rational approximation
/// (relative error below 1.15·10⁻⁹), then two Halley steps on `Φ(x) − p` using `erfc`, computed
/// in the lower tail (`p > ½` uses `Φ⁻¹(p) = −Φ⁻¹(1 − p)`, where `1 − p` is exact). The result
/// is within a few ulps of the exact quantile for `p >= 1e-300` (tested through `Φ(Φ⁻¹(p)) = p`
/// up to the sensitivity of `Φ`); below that, in the subnormal range, Acklam's 1e-9 remains.
///
/// # Errors
///
/// [`StatsError::InvalidParameter`] unless `0 <= p <= 1`.
pub fn normal_quantile(p: f64) -> Result<f64, StatsError> {
    if !(0.0..=1.0).contains(&p) {
        return Err(StatsError::InvalidParameter {
            name: "probability",
            value: p,
            requirement: "in [0, 1]",
        });
    }
    Ok(if p > 0.5 {
        -lower_quantile(1.0 - p)
    } else {
        lower_quantile(p)
    })
}

/// `Φ⁻¹(p)` for `0 <= p <= ½`.
fn lower_quantile(p: f64) -> f64 {
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 0.5 {
        return 0.0;
    }
    let mut x = acklam(p);
    for _ in 0..2 {
        // Halley's method on f(x) = Φ(x) − p: f' = φ(x), f'' = −x·φ(x).
        let u = (normal_cdf(x) - p) * (2.0 * PI).sqrt() * (0.5 * x * x).exp();
        let next = x - u / (1.0 + 0.5 * x * u);
        if !next.is_finite() {
            // φ(x) underflows only for p in the subnormal range: keep the approximation.
            break;
        }
        x = next;
    }
    x
}

/// Acklam's rational approximation to `Φ⁻¹(p)`, `0 < p <= ½` (P. J. Acklam, "An algorithm for
/// computing the inverse normal cumulative distribution function", 2003).
fn acklam(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.38357751867269e+02, // Acklam: 1.383577518672690e+02
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-03,
        3.224671290700398e-01,
        2.445134137142996e+00,
        3.754408661907416e+00,
    ];
    const P_LOW: f64 = 0.02425;
    if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// Gini coefficient of a lognormal distribution with log-scale standard deviation `sigma`:
/// `G = 2Φ(σ/√2) − 1 = erf(σ/2)` (Aitchison & Brown 1957). It does not depend on the log-mean.
///
/// # Errors
///
/// [`StatsError::InvalidParameter`] unless `sigma` is finite and `>= 0`.
pub fn lognormal_gini(sigma: f64) -> Result<f64, StatsError> {
    if !(sigma.is_finite() && sigma >= 0.0) {
        return Err(StatsError::InvalidParameter {
            name: "lognormal sigma",
            value: sigma,
            requirement: "finite and >= 0",
        });
    }
    Ok(libm::erf(0.5 * sigma))
}

/// The log-scale standard deviation `σ` of the lognormal distribution whose Gini coefficient is
/// `gini`: the inverse of [`lognormal_gini`], `σ = √2·Φ⁻¹((1 + G)/2) = 2·erf⁻¹(G)`.
///
/// Used to calibrate synthetic incomes: draw `exp(μ + σ·Z)` with this `σ` to get a population
/// Gini of `gini`. Accurate to about 1e-15 relative over `[0, 1)`: the quantile gives the first
/// guess, then Newton steps on `erf(σ/2) = G` (or on `erfc(σ/2) = 1 − G` when `G >= ½`) keep full
/// relative precision for tiny Gini values and near 1.
///
/// # Errors
///
/// [`StatsError::InvalidParameter`] unless `0 <= gini < 1`.
pub fn lognormal_sigma_for_gini(gini: f64) -> Result<f64, StatsError> {
    if !(0.0..1.0).contains(&gini) {
        return Err(StatsError::InvalidParameter {
            name: "target Gini",
            value: gini,
            requirement: "in [0, 1)",
        });
    }
    if gini == 0.0 {
        return Ok(0.0);
    }
    let complement = 1.0 - gini; // exact for gini >= 1/2
    let mut sigma = -SQRT_2 * normal_quantile(0.5 * complement)?;
    let inv_sqrt_pi = 1.0 / PI.sqrt();
    for _ in 0..3 {
        // d/dσ erf(σ/2) = exp(−σ²/4)/√π.
        let slope = inv_sqrt_pi * (-0.25 * sigma * sigma).exp();
        if slope == 0.0 {
            break;
        }
        let residual = if gini < 0.5 {
            libm::erf(0.5 * sigma) - gini
        } else {
            complement - libm::erfc(0.5 * sigma)
        };
        sigma -= residual / slope;
    }
    Ok(sigma)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    #[test]
    fn quantile_edges_and_errors() {
        assert_eq!(normal_quantile(0.0).unwrap(), f64::NEG_INFINITY);
        assert_eq!(normal_quantile(1.0).unwrap(), f64::INFINITY);
        assert_eq!(normal_quantile(0.5).unwrap(), 0.0);
        for p in [-0.1, 1.1, f64::NAN] {
            assert!(normal_quantile(p).is_err());
        }
    }

    #[test]
    fn quantile_known_values() {
        // R qnorm / scipy.stats.norm.ppf.
        for (p, x) in [
            (0.975, 1.959963984540054),
            (0.95, 1.6448536269514722),
            (0.9, 1.2815515655446004),
            (0.995, 2.5758293035489004),
        ] {
            assert!(rel(normal_quantile(p).unwrap(), x) < 2e-16, "p = {p}");
            assert!(
                rel(normal_quantile(1.0 - p).unwrap(), -x) < 4e-16,
                "p = {}",
                1.0 - p
            );
        }
        // R pnorm(1), pnorm(-1.96).
        assert!(rel(normal_cdf(1.0), 0.8413447460685429) < 2e-16);
        assert!(rel(normal_cdf(-1.96), 0.024997895148220435) < 4e-16);
    }

    #[test]
    fn quantile_round_trips() {
        let mut p = 1e-300;
        while p < 0.5 {
            let x = normal_quantile(p).unwrap();
            // In the tail one ulp of x moves Φ(x) by about x²·ε relative: allow a few ulps.
            let tol = 4.0 * f64::EPSILON * (1.0 + x * x);
            assert!(
                rel(normal_cdf(x), p) < tol,
                "p = {p}: Φ(Φ⁻¹(p)) = {}",
                normal_cdf(x)
            );
            // Upper half by symmetry: 1 − p rounds, so compare with the rounded complement.
            let q = 1.0 - (1.0 - p);
            assert_eq!(
                normal_quantile(1.0 - p).unwrap(),
                -normal_quantile(q).unwrap()
            );
            p *= 1.7;
        }
        for i in 1..1000 {
            let p = f64::from(i) / 1000.0;
            let x = normal_quantile(p).unwrap();
            assert!((normal_cdf(x) - p).abs() < 2e-16, "p = {p}");
        }
    }

    #[test]
    fn lognormal_inverse_round_trips() {
        // Beyond σ ≈ 3 (Gini ≈ 0.97) the Gini itself, rounded to a double, no longer pins σ
        // down to 1e-13.
        for sigma in [1e-12, 1e-6, 0.01, 0.3, 0.8, 1.0, 2.0, 3.0] {
            let g = lognormal_gini(sigma).unwrap();
            let back = lognormal_sigma_for_gini(g).unwrap();
            assert!(rel(back, sigma) < 1e-13, "sigma = {sigma}: got {back}");
        }
        assert_eq!(lognormal_sigma_for_gini(0.0).unwrap(), 0.0);
        assert!(lognormal_sigma_for_gini(1.0).is_err());
        assert!(lognormal_sigma_for_gini(-0.1).is_err());
        assert!(lognormal_gini(-1.0).is_err());
    }
}
