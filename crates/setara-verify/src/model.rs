//! A consumption model for the `consumption_inconsistent` rule: ordinary least squares of the
//! log of recorded consumption per capita on what the registry knows of every household (its
//! province, dwelling, assets, land and size), fitted on the surveyed households. A recorded
//! consumption far outside what the model predicts — by more than a chosen number of residual
//! standard deviations — is worth a look (a typo in the amount, or a household misdescribed).
//!
//! The welfare-ranking issue builds the full proxy means test; this one only needs to know
//! what "far beyond the model's error" means.

use arrow_array::{Array, UInt8Array};
use setara_core::{
    Asset, CookingFuel, Electricity, Floor, Roof, Tenure, Toilet, Wall, WaterSource,
};
use setara_snapshot::Snapshot;

/// The fitted model.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsumptionModel {
    coefficients: Vec<f64>,
    /// Households it was fitted on.
    pub n: usize,
    /// Number of regressors (with the intercept).
    pub p: usize,
    /// Residual standard deviation of log consumption.
    pub sigma: f64,
    pub r_squared: f64,
}

/// Categorical columns and their number of codes.
fn categoricals(snap: &Snapshot) -> [(&UInt8Array, usize); 8] {
    [
        (snap.tenure(), Tenure::ALL.len()),
        (snap.floor(), Floor::ALL.len()),
        (snap.wall(), Wall::ALL.len()),
        (snap.roof(), Roof::ALL.len()),
        (snap.water(), WaterSource::ALL.len()),
        (snap.toilet(), Toilet::ALL.len()),
        (snap.electricity(), Electricity::ALL.len()),
        (snap.cooking_fuel(), CookingFuel::ALL.len()),
    ]
}

/// Number of regressors.
fn width() -> usize {
    // intercept + 38 provinces as 99 slots is wasteful: province number 11..96 mapped to a
    // dummy per two-digit number (100 slots, unused ones are dropped by the ridge term)
    1 + 100
        + [
            Tenure::ALL.len(),
            Floor::ALL.len(),
            Wall::ALL.len(),
            Roof::ALL.len(),
            WaterSource::ALL.len(),
            Toilet::ALL.len(),
            Electricity::ALL.len(),
            CookingFuel::ALL.len(),
        ]
        .iter()
        .map(|k| k + 1)
        .sum::<usize>()
        + Asset::ALL.len()
        + 4
}

/// The regressors of household `h` into `x` (zeroed by the caller).
fn features(snap: &Snapshot, cats: &[(&UInt8Array, usize); 8], h: usize, x: &mut [f64]) {
    let mut at = 0;
    x[at] = 1.0;
    at += 1;
    let prov = snap.province();
    if !prov.is_null(h) {
        x[at + usize::from(prov.value(h)).min(99)] = 1.0;
    }
    at += 100;
    for (col, k) in cats {
        // Slot 0: not recorded.
        let code = if col.is_null(h) {
            0
        } else {
            usize::from(col.value(h)).min(*k)
        };
        x[at + code] = 1.0;
        at += k + 1;
    }
    let owned = snap.assets_owned().value(h);
    for (i, _) in Asset::ALL.iter().enumerate() {
        if owned & (1 << i) != 0 {
            x[at + i] = 1.0;
        }
    }
    at += Asset::ALL.len();
    let members = f64::from(snap.members().value(h).max(1));
    x[at] = members.ln();
    let area = snap.floor_area_m2();
    x[at + 1] = if area.is_null(h) {
        0.0
    } else {
        (f64::from(area.value(h)) / members + 1.0).ln()
    };
    let land = snap.land_m2();
    x[at + 2] = if land.is_null(h) {
        0.0
    } else {
        (land.value(h) as f64 + 1.0).ln()
    };
    let va = snap.electricity_va();
    x[at + 3] = if va.is_null(h) {
        0.0
    } else {
        (f64::from(va.value(h)) + 1.0).ln()
    };
}

impl ConsumptionModel {
    /// Fit on the surveyed households of the snapshot; `None` with fewer than 200 of them.
    pub fn fit(snap: &Snapshot) -> Option<ConsumptionModel> {
        let cons = snap.consumption();
        let rows: Vec<usize> = (0..snap.household_count())
            .filter(|&h| !cons.is_null(h) && cons.value(h) > 0)
            .collect();
        if rows.len() < 200 {
            return None;
        }
        let p = width();
        let cats = categoricals(snap);
        let mut xtx = vec![0.0; p * p];
        let mut xty = vec![0.0; p];
        let mut x = vec![0.0; p];
        let (mut sy, mut syy) = (0.0, 0.0);
        for &h in &rows {
            x.fill(0.0);
            features(snap, &cats, h, &mut x);
            let y = (cons.value(h) as f64).ln();
            sy += y;
            syy += y * y;
            let nz: Vec<usize> = (0..p).filter(|&j| x[j] != 0.0).collect();
            for &i in &nz {
                xty[i] += x[i] * y;
                for &j in &nz {
                    xtx[i * p + j] += x[i] * x[j];
                }
            }
        }
        // A small ridge keeps columns that never occur (and collinear dummies) solvable without
        // moving the fit.
        for i in 0..p {
            xtx[i * p + i] += 1e-6 * rows.len() as f64;
        }
        let beta = solve_spd(&mut xtx, &xty, p)?;
        let mut rss = 0.0;
        for &h in &rows {
            x.fill(0.0);
            features(snap, &cats, h, &mut x);
            let y = (cons.value(h) as f64).ln();
            let fit: f64 = x.iter().zip(&beta).map(|(a, b)| a * b).sum();
            rss += (y - fit) * (y - fit);
        }
        let n = rows.len();
        let tss = syy - sy * sy / n as f64;
        let used = (0..p)
            .filter(|&i| xtx[i * p + i] > 2e-6 * n as f64)
            .count()
            .min(n - 1);
        let sigma = (rss / (n - used).max(1) as f64).sqrt();
        Some(ConsumptionModel {
            coefficients: beta,
            n,
            p: used,
            sigma,
            r_squared: 1.0 - rss / tss,
        })
    }

    /// Predicted log consumption per capita of household `h`.
    pub fn predict_ln(&self, snap: &Snapshot, h: usize) -> f64 {
        let mut x = vec![0.0; self.coefficients.len()];
        features(snap, &categoricals(snap), h, &mut x);
        x.iter().zip(&self.coefficients).map(|(a, b)| a * b).sum()
    }

    /// Surveyed households whose log consumption is more than `sigmas` residual standard
    /// deviations from the prediction: `(row, standardized residual)`.
    pub fn outliers(&self, snap: &Snapshot, sigmas: f64) -> Vec<(usize, f64)> {
        let cons = snap.consumption();
        let cats = categoricals(snap);
        let mut x = vec![0.0; self.coefficients.len()];
        let mut out = Vec::new();
        for h in 0..snap.household_count() {
            if cons.is_null(h) || cons.value(h) <= 0 {
                continue;
            }
            x.fill(0.0);
            features(snap, &cats, h, &mut x);
            let fit: f64 = x.iter().zip(&self.coefficients).map(|(a, b)| a * b).sum();
            let z = ((cons.value(h) as f64).ln() - fit) / self.sigma;
            if z.abs() > sigmas {
                out.push((h, z));
            }
        }
        out
    }
}

/// Solve `A x = b` for a symmetric positive definite `A` (row-major, overwritten by its
/// Cholesky factor). `None` if `A` is not positive definite.
fn solve_spd(a: &mut [f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if d <= 0.0 {
            return None;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    let mut y = b.to_vec();
    for i in 0..n {
        for k in 0..i {
            y[i] -= a[i * n + k] * y[k];
        }
        y[i] /= a[i * n + i];
    }
    for i in (0..n).rev() {
        for k in i + 1..n {
            y[i] -= a[k * n + i] * y[k];
        }
        y[i] /= a[i * n + i];
    }
    Some(y)
}

#[cfg(test)]
mod tests {
    #[test]
    fn cholesky_solves_a_small_system() {
        // A = [[4, 2], [2, 3]], b = [2, 5] → x = [-0.5, 2].
        let mut a = vec![4.0, 2.0, 2.0, 3.0];
        let x = super::solve_spd(&mut a, &[2.0, 5.0], 2).unwrap();
        assert!((x[0] + 0.5).abs() < 1e-12 && (x[1] - 2.0).abs() < 1e-12);
        let mut singular = vec![1.0, 1.0, 1.0, 1.0];
        assert!(super::solve_spd(&mut singular, &[1.0, 1.0], 2).is_none());
    }
}
