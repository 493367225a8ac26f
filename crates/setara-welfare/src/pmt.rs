//! The proxy means test: weighted least squares of log consumption per capita with regency
//! fixed effects, fitted on the surveyed households, and scores for every household.
//!
//! # The model
//!
//! For a surveyed household *i* in regency *g*:
//!
//! ```text
//! ln(consumption per capita)ᵢ = α_g + xᵢ·β + εᵢ
//! ```
//!
//! with *xᵢ* the household's row of the [design](crate::design), fitted by weighted least
//! squares with the survey weights. The regency effects α_g are *absorbed*: every feature and
//! the outcome are replaced by their deviation from the weighted regency mean (the within
//! transformation), β solves the normal equations `X̃'WX̃ β = X̃'Wỹ` (Cholesky, nalgebra), and
//! then α_g = weighted mean of (y − x·β) in regency g. This is exactly the estimate a
//! regression with one dummy per regency would give, without the 514 dummies.
//!
//! The model stores α_g as *levels* (the predicted ln consumption of a household whose features
//! are all zero), so a score is `α_g + x·β`. Besides the regency effects it stores, per
//! province, the weighted mean of (y − x·β) over the province's surveyed households, and the
//! national one ([`PmtModel::intercept`]). **Fallbacks:** a household whose regency had no
//! surveyed household (or whose regency is not recorded) gets its province's effect; if the
//! province had none either, the national one. [`FitStats::fallbacks`] counts the regencies of
//! the fitting snapshot by which of the three they get.
//!
//! **Which households are used.** Surveyed households (consumption recorded) with a positive,
//! finite survey weight and a recorded regency. A non-positive consumption has no logarithm:
//! such households are left out and counted ([`FitStats::dropped_non_positive_consumption`]),
//! not an error; likewise a missing or non-positive weight
//! ([`FitStats::dropped_bad_weight`]) and a missing regency
//! ([`FitStats::dropped_no_regency`]). If no surveyed household has a usable weight the fit
//! fails with [`Error::NoWeights`] (with no surveyed household at all, with
//! [`Error::TooFewSurveyed`]). At least `features + regencies + 10` households must
//! remain ([`Error::TooFewSurveyed`]), `features` being the full design width and `regencies`
//! the number of regencies among them, so that ten degrees of freedom are left in the worst
//! case.
//!
//! **Dropped features.** A feature that does not vary within regencies (never observed, or
//! constant) cannot be estimated and is dropped; then, going through the features in order, a
//! feature whose within-regency variation is (almost: R² > 1 − 10⁻⁸) a linear combination of
//! the features kept before it is dropped too (e.g. `va:unknown` when it coincides with
//! `electricity:none`). Dropped features keep coefficient 0 and say why
//! ([`Coefficient::dropped`]). If the remaining system is still not positive definite the fit
//! fails with [`Error::Singular`].
//!
//! **Standard errors** are heteroskedasticity-robust HC1 (sandwich, with the within residuals,
//! scaled by n / (n − k), k = kept features + regencies, as Stata's `areg … [pw], robust`).
//! They treat the survey weights as sampling weights and ignore clustering.
//!
//! **Fit statistics** are weighted by the survey weights: R² (with the regency effects, against
//! the national weighted mean), within R² (against the regency means), and residual RMSE
//! = √(Σ w e² / Σ w).
//!
//! # Cross-validation
//!
//! K-fold (K = 5 by default). A household's fold is a hash (SplitMix64) of its KK number
//! modulo K, so folds do not depend on the row order and a household stays in its fold when
//! the snapshot grows. Each fold is predicted by the model fitted on the other folds — the same
//! kept features, the same fallbacks for a regency with no household in the training folds. The
//! out-of-sample RMSE and R² of ln consumption are weighted by the survey weights. The ranking
//! measure is the **poorest-40 % capture**: of the persons (survey weight × members) in
//! households whose true consumption is among the poorest 40 %, the share whose out-of-sample
//! prediction is also among the poorest 40 % (1 − exclusion error at a 40 % cut-off; "among
//! the poorest 40 %" uses the desil convention of [`crate::desil`]: the persons strictly before
//! the household in the order are less than 40 % of all).
//!
//! # Scoring
//!
//! [`PmtModel::score`] computes `α + x·β` for every household of a snapshot, surveyed or not,
//! in parallel chunks, without materialising the design matrix. A model whose feature names are
//! not the design's (a model fitted by another version of this crate) is refused
//! ([`Error::FeatureMismatch`]).

use arrow_array::Array;
use chrono::NaiveDate;
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};
use setara_snapshot::Snapshot;

use crate::Error;
use crate::design::Design;

/// Format tag stored in [`PmtModel::format`].
pub const MODEL_FORMAT: &str = "setara-pmt/1";

/// Households left in the fit beyond the number of parameters, at least.
pub const MIN_EXTRA_HOUSEHOLDS: usize = 10;

/// Options of [`PmtModel::fit_with`].
#[derive(Clone, Debug)]
pub struct FitOptions {
    /// Number of cross-validation folds (≥ 2; default 5).
    pub folds: usize,
    /// Worker threads; `None`: the available parallelism.
    pub threads: Option<usize>,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            folds: 5,
            threads: None,
        }
    }
}

/// One coefficient of the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Coefficient {
    pub name: String,
    /// Effect on ln consumption per capita of a unit change (0 when dropped).
    pub value: f64,
    /// HC1 robust standard error; `None` for a dropped feature.
    pub se: Option<f64>,
    /// Why the feature was dropped; `None` when it was estimated.
    pub dropped: Option<String>,
}

/// Counts of regencies (present in the fitting snapshot) by the effect their households get.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FallbackCounts {
    /// Regencies with their own effect.
    pub regency: usize,
    /// Regencies with no surveyed household, given their province's effect.
    pub province: usize,
    /// Regencies whose province had no surveyed household either: the national effect.
    pub national: usize,
}

/// Out-of-sample performance by K-fold cross-validation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrossValidation {
    pub folds: usize,
    /// Weighted RMSE of ln consumption per capita.
    pub rmse: f64,
    /// Weighted R² of ln consumption per capita.
    pub r_squared: f64,
    /// Person-weighted share of the truly poorest 40 % predicted among the poorest 40 %.
    pub poorest40_capture: f64,
    /// Folds whose training system needed a tiny ridge (10⁻⁸ on the scaled diagonal).
    pub ridge_folds: usize,
}

/// Statistics of a fit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FitStats {
    /// Households fitted.
    pub n: usize,
    pub sum_weights: f64,
    /// Regencies with at least one fitted household.
    pub regencies: usize,
    /// Features estimated (not dropped).
    pub features_used: usize,
    pub dropped_non_positive_consumption: usize,
    pub dropped_bad_weight: usize,
    pub dropped_no_regency: usize,
    /// Weighted R² with the regency effects.
    pub r_squared: f64,
    /// Weighted R² of the within (regency-demeaned) regression.
    pub within_r_squared: f64,
    /// √(Σ w e² / Σ w).
    pub rmse: f64,
    /// Kind of standard errors: `"HC1"`.
    pub se_kind: String,
    pub cv: CrossValidation,
    pub fallbacks: FallbackCounts,
}

/// A fitted proxy means test (serialisable; store it as JSON and score later).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PmtModel {
    /// [`MODEL_FORMAT`].
    pub format: String,
    /// Reference date of the ages when fitted (`YYYY-MM-DD`), for the record.
    pub reference_date: String,
    /// Feature names, in design order (dropped ones included).
    pub features: Vec<String>,
    /// One per feature, in the same order.
    pub coefficients: Vec<Coefficient>,
    /// National effect: weighted mean of (y − x·β) over all fitted households.
    pub intercept: f64,
    /// (regency number such as 3204, effect level α_g), ascending.
    pub regency_effects: Vec<(u16, f64)>,
    /// (province number, weighted mean of (y − x·β) in the province), ascending.
    pub province_effects: Vec<(u8, f64)>,
    pub stats: FitStats,
}

/// Plain-array input of [`fit_sample`]: one entry per observation.
#[derive(Clone, Copy, Debug)]
pub struct Sample<'a> {
    /// Row-major `n × names.len()` features.
    pub x: &'a [f64],
    pub names: &'a [String],
    /// The outcome (ln consumption per capita); non-finite values are an error.
    pub y: &'a [f64],
    /// Survey weights; non-positive or non-finite ones are dropped and counted.
    pub weights: &'a [f64],
    /// Regency numbers (4 digits, e.g. 3204).
    pub regency: &'a [u16],
    /// Province numbers (2 digits).
    pub province: &'a [u8],
    /// Keys whose hash assigns the cross-validation fold (the KK number).
    pub key: &'a [u64],
    /// Persons per observation, for the poorest-40 % capture (`None`: 1 each).
    pub members: Option<&'a [u16]>,
}

/// A source of feature rows.
pub(crate) trait Rows: Sync {
    fn width(&self) -> usize;
    fn visit(&self, row: usize, f: impl FnMut(usize, f64));
}

impl Rows for Design<'_> {
    fn width(&self) -> usize {
        Design::width(self)
    }
    #[inline]
    fn visit(&self, row: usize, f: impl FnMut(usize, f64)) {
        self.for_each_nonzero(row, f)
    }
}

struct Dense<'a> {
    x: &'a [f64],
    p: usize,
}

impl Rows for Dense<'_> {
    fn width(&self) -> usize {
        self.p
    }
    fn visit(&self, row: usize, mut f: impl FnMut(usize, f64)) {
        for (j, &v) in self.x[row * self.p..(row + 1) * self.p].iter().enumerate() {
            if v != 0.0 {
                f(j, v);
            }
        }
    }
}

/// An observation used in the fit.
#[derive(Clone, Copy, Debug)]
struct Obs {
    row: usize,
    /// Outcome minus the shift.
    y: f64,
    w: f64,
    /// Dense regency index.
    group: u32,
    fold: u8,
    /// Persons represented: weight × members.
    pw: f64,
}

/// Largest survey weight the fit accepts (10^12).
///
/// A survey weight is how many households a surveyed household stands for: at most the
/// country's 90 million. 10^12 leaves room for weights in other units and keeps every weighted
/// sum of squares of the fit (features up to about 10^8 squared, times the weight, over a
/// million rows: about 10^34) far from the limit of 64-bit floating point; a weight of 10^308
/// made the sums infinite and every score NaN. Refused naming the household.
pub const MAX_SURVEY_WEIGHT: f64 = 1e12;

/// SplitMix64 finaliser: the fold hash.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Cross-validation fold (0-based) of a household with KK number `kk`.
pub fn fold_of(kk: u64, folds: usize) -> usize {
    (mix64(kk) % folds as u64) as usize
}

pub(crate) fn threads(requested: Option<usize>) -> usize {
    requested
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1)
}

/// Run `f` on `threads` contiguous chunks of `items` in parallel; results in chunk order.
fn par_map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    let size = items.len().div_ceil(threads.max(1)).max(1);
    if items.len() <= size {
        return vec![f(items)];
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(size)
            .map(|c| {
                let f = &f;
                s.spawn(move || f(c))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker panicked"))
            .collect()
    })
}

/// Sparse row buffer.
struct RowBuf {
    idx: Vec<usize>,
    val: Vec<f64>,
}

impl RowBuf {
    fn new(p: usize) -> Self {
        RowBuf {
            idx: Vec::with_capacity(p),
            val: Vec::with_capacity(p),
        }
    }
    fn load(&mut self, rows: &impl Rows, row: usize) {
        self.idx.clear();
        self.val.clear();
        rows.visit(row, |j, v| {
            self.idx.push(j);
            self.val.push(v);
        });
    }
    fn dot(&self, b: &[f64]) -> f64 {
        self.idx.iter().zip(&self.val).map(|(&j, v)| b[j] * v).sum()
    }
    /// `m[i][j] += a xᵢ xⱼ` for i ≤ j (row-major p × p, upper triangle).
    fn add_outer(&self, m: &mut [f64], p: usize, a: f64) {
        for (k, (&i, &xi)) in self.idx.iter().zip(&self.val).enumerate() {
            let axi = a * xi;
            let row = &mut m[i * p..(i + 1) * p];
            for (&j, &xj) in self.idx[k..].iter().zip(&self.val[k..]) {
                row[j] += axi * xj;
            }
        }
    }
    fn add_scaled(&self, v: &mut [f64], a: f64) {
        for (&j, &x) in self.idx.iter().zip(&self.val) {
            v[j] += a * x;
        }
    }
}

/// Pass-1 sufficient statistics per fold (and per fold and regency).
#[derive(Clone)]
struct Acc {
    p: usize,
    g: usize,
    /// folds × p × p, upper triangle: Σ w x x'.
    xx: Vec<f64>,
    /// folds × p: Σ w x y.
    xy: Vec<f64>,
    /// folds: Σ w y².
    yy: Vec<f64>,
    /// folds × g × p: Σ w x.
    gx: Vec<f64>,
    /// folds × g: Σ w, Σ w y.
    gw: Vec<f64>,
    gy: Vec<f64>,
}

impl Acc {
    fn new(p: usize, g: usize, folds: usize) -> Acc {
        Acc {
            p,
            g,
            xx: vec![0.0; folds * p * p],
            xy: vec![0.0; folds * p],
            yy: vec![0.0; folds],
            gx: vec![0.0; folds * g * p],
            gw: vec![0.0; folds * g],
            gy: vec![0.0; folds * g],
        }
    }

    fn add(&mut self, other: &Acc) {
        for (a, b) in [
            (&mut self.xx, &other.xx),
            (&mut self.xy, &other.xy),
            (&mut self.yy, &other.yy),
            (&mut self.gx, &other.gx),
            (&mut self.gw, &other.gw),
            (&mut self.gy, &other.gy),
        ] {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
    }
}

/// Training-set totals (all folds but one, or all).
struct Totals {
    /// p × p full symmetric: Σ w x x'.
    xx: Vec<f64>,
    xy: Vec<f64>,
    yy: f64,
    gx: Vec<f64>,
    gw: Vec<f64>,
    gy: Vec<f64>,
}

impl Totals {
    fn of(acc: &Acc, folds: usize, skip: Option<usize>) -> Totals {
        let (p, g) = (acc.p, acc.g);
        let mut t = Totals {
            xx: vec![0.0; p * p],
            xy: vec![0.0; p],
            yy: 0.0,
            gx: vec![0.0; g * p],
            gw: vec![0.0; g],
            gy: vec![0.0; g],
        };
        for f in (0..folds).filter(|&f| Some(f) != skip) {
            let add = |dst: &mut [f64], src: &[f64]| {
                dst.iter_mut().zip(src).for_each(|(a, b)| *a += b);
            };
            add(&mut t.xx, &acc.xx[f * p * p..(f + 1) * p * p]);
            add(&mut t.xy, &acc.xy[f * p..(f + 1) * p]);
            t.yy += acc.yy[f];
            add(&mut t.gx, &acc.gx[f * g * p..(f + 1) * g * p]);
            add(&mut t.gw, &acc.gw[f * g..(f + 1) * g]);
            add(&mut t.gy, &acc.gy[f * g..(f + 1) * g]);
        }
        for i in 0..p {
            for j in 0..i {
                t.xx[i * p + j] = t.xx[j * p + i];
            }
        }
        t
    }

    /// Within (regency-demeaned) X̃'WX̃ and X̃'Wỹ.
    fn within(&self, p: usize) -> (Vec<f64>, Vec<f64>, f64) {
        let mut a = self.xx.clone();
        let mut b = self.xy.clone();
        let mut yy = self.yy;
        for (k, &w) in self.gw.iter().enumerate() {
            if w <= 0.0 {
                continue;
            }
            let sx = &self.gx[k * p..(k + 1) * p];
            let sy = self.gy[k];
            for i in 0..p {
                if sx[i] == 0.0 {
                    continue;
                }
                let si = sx[i] / w;
                let row = &mut a[i * p..(i + 1) * p];
                for j in 0..p {
                    row[j] -= si * sx[j];
                }
                b[i] -= si * sy;
            }
            yy -= sy * sy / w;
        }
        (a, b, yy)
    }
}

/// A solved linear model on the kept columns.
struct Solved {
    /// Full-width coefficients (0 for dropped).
    beta: Vec<f64>,
    /// Inverse of the kept within matrix (kept × kept), when asked for.
    inverse: Option<DMatrix<f64>>,
    ridge: bool,
}

/// Which features to keep: those varying within regencies and not collinear with earlier ones.
fn select(a: &[f64], raw: &[f64], p: usize, tolerance: f64) -> (Vec<usize>, Vec<Option<String>>) {
    let mut why: Vec<Option<String>> = vec![None; p];
    let mut kept: Vec<usize> = Vec::new();
    // Rows of the Cholesky factor of the correlation matrix of the kept columns.
    let mut l: Vec<Vec<f64>> = Vec::new();
    for j in 0..p {
        let d = a[j * p + j];
        if d.is_nan() || d <= 1e-12 * raw[j * p + j].max(f64::MIN_POSITIVE) || d <= 0.0 {
            why[j] = Some("no variation within regencies".into());
            continue;
        }
        // Correlations with the kept columns, forward-substituted.
        let mut z = Vec::with_capacity(kept.len());
        for (r, &k) in kept.iter().enumerate() {
            let c = a[k * p + j] / (a[k * p + k] * d).sqrt();
            let s: f64 = l[r].iter().zip(&z).map(|(x, y)| x * y).sum();
            z.push((c - s) / l[r][r]);
        }
        let rest = 1.0 - z.iter().map(|v| v * v).sum::<f64>();
        if rest < tolerance {
            why[j] = Some("collinear with earlier features (within regencies)".into());
            continue;
        }
        z.push(rest.sqrt());
        l.push(z);
        kept.push(j);
    }
    (kept, why)
}

/// Solve the within system on `kept` (scaled to unit diagonal for conditioning).
fn solve(a: &[f64], b: &[f64], p: usize, kept: &[usize], inverse: bool) -> Option<Solved> {
    let m = kept.len();
    let s: Vec<f64> = kept.iter().map(|&k| 1.0 / a[k * p + k].sqrt()).collect();
    let r = DMatrix::from_fn(m, m, |i, j| a[kept[i] * p + kept[j]] * s[i] * s[j]);
    let rhs = DVector::from_fn(m, |i, _| b[kept[i]] * s[i]);
    let (chol, ridge) = match r.clone().cholesky() {
        Some(c) => (c, false),
        None => {
            let mut rr = r;
            for i in 0..m {
                rr[(i, i)] += 1e-8;
            }
            (rr.cholesky()?, true)
        }
    };
    let z = chol.solve(&rhs);
    let mut beta = vec![0.0; p];
    for (i, &k) in kept.iter().enumerate() {
        beta[k] = z[i] * s[i];
    }
    let inverse = inverse.then(|| {
        let inv = chol.inverse();
        DMatrix::from_fn(m, m, |i, j| inv[(i, j)] * s[i] * s[j])
    });
    Some(Solved {
        beta,
        inverse,
        ridge,
    })
}

/// Effects of a solved model: per regency (`None` when it had no weight), per province, national.
struct Effects {
    regency: Vec<Option<f64>>,
    /// Indexed by province number.
    province: Vec<Option<f64>>,
    national: f64,
}

impl Effects {
    fn of(t: &Totals, beta: &[f64], shift: f64, group_province: &[u8]) -> Effects {
        let p = beta.len();
        let mut province_sum = vec![(0.0, 0.0); 256];
        let (mut num, mut den) = (0.0, 0.0);
        let regency = (0..t.gw.len())
            .map(|g| {
                let w = t.gw[g];
                if w <= 0.0 {
                    return None;
                }
                let xb: f64 = t.gx[g * p..(g + 1) * p]
                    .iter()
                    .zip(beta)
                    .map(|(x, b)| x * b)
                    .sum();
                let r = t.gy[g] - xb;
                let ps = &mut province_sum[usize::from(group_province[g])];
                ps.0 += r;
                ps.1 += w;
                num += r;
                den += w;
                Some(shift + r / w)
            })
            .collect();
        let province = province_sum
            .iter()
            .map(|&(r, w)| (w > 0.0).then(|| shift + r / w))
            .collect();
        Effects {
            regency,
            province,
            national: shift + num / den,
        }
    }

    fn effect(&self, group: u32, province: u8) -> f64 {
        self.regency[group as usize]
            .or(self.province[usize::from(province)])
            .unwrap_or(self.national)
    }
}

/// Counts of households left out of the fit.
#[derive(Default)]
struct Dropped {
    non_positive: usize,
    bad_weight: usize,
    no_regency: usize,
}

/// Fit on plain arrays (the snapshot-free entry point, also used by the tests).
///
/// Observations with a non-positive or non-finite weight are dropped (counted in
/// [`FitStats::dropped_bad_weight`]); `y` must be finite.
pub fn fit_sample(sample: &Sample<'_>, options: &FitOptions) -> Result<PmtModel, Error> {
    let n = sample.y.len();
    let p = sample.names.len();
    for (what, len) in [
        ("x rows", sample.x.len().checked_div(p).unwrap_or(0)),
        ("weights", sample.weights.len()),
        ("regency", sample.regency.len()),
        ("province", sample.province.len()),
        ("key", sample.key.len()),
        ("members", sample.members.map_or(n, |m| m.len())),
    ] {
        if len != n {
            return Err(Error::Length {
                what,
                found: len,
                expected: n,
            });
        }
    }
    if sample.x.len() != n * p {
        return Err(Error::Length {
            what: "x values",
            found: sample.x.len(),
            expected: n * p,
        });
    }
    let mut dropped = Dropped::default();
    let mut candidates = Vec::with_capacity(n);
    for i in 0..n {
        let (y, w) = (sample.y[i], sample.weights[i]);
        if !y.is_finite() {
            return Err(Error::NonFiniteOutcome {
                kk: sample.key[i],
                value: y,
            });
        }
        if !(w > 0.0 && w.is_finite()) {
            dropped.bad_weight += 1;
            continue;
        }
        if w > MAX_SURVEY_WEIGHT {
            return Err(Error::WeightTooLarge {
                kk: sample.key[i],
                weight: w,
            });
        }
        let m = sample.members.map_or(1, |m| m[i]);
        candidates.push(Candidate {
            row: i,
            y,
            w,
            regency: sample.regency[i],
            province: sample.province[i],
            key: sample.key[i],
            members: m,
        });
    }
    let rows = Dense { x: sample.x, p };
    fit_core(
        &rows,
        sample.names,
        candidates,
        dropped,
        &[],
        String::new(),
        options,
    )
}

/// A usable observation before regency indexing.
struct Candidate {
    row: usize,
    y: f64,
    w: f64,
    regency: u16,
    province: u8,
    key: u64,
    members: u16,
}

impl PmtModel {
    /// Fit on the surveyed households of `snap` with the default options (5 folds).
    pub fn fit(snap: &Snapshot, reference_date: NaiveDate) -> Result<PmtModel, Error> {
        PmtModel::fit_with(snap, reference_date, &FitOptions::default())
    }

    /// Fit on the surveyed households of `snap`, ages on `reference_date`.
    pub fn fit_with(
        snap: &Snapshot,
        reference_date: NaiveDate,
        options: &FitOptions,
    ) -> Result<PmtModel, Error> {
        let design = Design::from_snapshot(snap, reference_date);
        let cons = snap.consumption();
        let weight = snap.survey_weight();
        let regency = snap.regency();
        let province = snap.province().values();
        let kk = snap.kk().values();
        let members = snap.members().values();
        let mut dropped = Dropped::default();
        let mut candidates = Vec::new();
        let (mut any_weight, mut surveyed) = (false, 0usize);
        for h in 0..snap.household_count() {
            if cons.is_null(h) {
                continue;
            }
            surveyed += 1;
            let w = if weight.is_null(h) {
                f64::NAN
            } else {
                weight.value(h)
            };
            let good_weight = w > 0.0 && w.is_finite();
            any_weight |= good_weight;
            let c = cons.value(h);
            if c <= 0 {
                dropped.non_positive += 1;
                continue;
            }
            if !good_weight {
                dropped.bad_weight += 1;
                continue;
            }
            if w > MAX_SURVEY_WEIGHT {
                return Err(Error::WeightTooLarge {
                    kk: kk[h],
                    weight: w,
                });
            }
            if regency.is_null(h) {
                dropped.no_regency += 1;
                continue;
            }
            candidates.push(Candidate {
                row: h,
                y: (c as f64).ln(),
                w,
                regency: regency.value(h),
                province: province[h],
                key: kk[h],
                members: members[h],
            });
        }
        if surveyed > 0 && !any_weight {
            return Err(Error::NoWeights);
        }
        let all_regencies: Vec<u16> = {
            let mut seen = vec![false; 1 << 16];
            for (h, &r) in regency.values().iter().enumerate() {
                if regency.is_valid(h) {
                    seen[usize::from(r)] = true;
                }
            }
            (0..1usize << 16)
                .filter(|&r| seen[r])
                .map(|r| r as u16)
                .collect()
        };
        fit_core(
            &design,
            design.feature_names(),
            candidates,
            dropped,
            &all_regencies,
            reference_date.format("%Y-%m-%d").to_string(),
            options,
        )
    }

    /// Predicted ln consumption per capita of every household of `snap` (surveyed or not), in
    /// row order, ages on `reference_date`.
    pub fn score(&self, snap: &Snapshot, reference_date: NaiveDate) -> Result<Vec<f64>, Error> {
        self.score_with(snap, reference_date, None)
    }

    /// [`score`](Self::score) with a chosen number of threads (`None`: available parallelism).
    pub fn score_with(
        &self,
        snap: &Snapshot,
        reference_date: NaiveDate,
        threads: Option<usize>,
    ) -> Result<Vec<f64>, Error> {
        let design = Design::from_snapshot(snap, reference_date);
        self.check_features(design.feature_names())?;
        let beta: Vec<f64> = self.coefficients.iter().map(|c| c.value).collect();
        let (by_regency, by_province) = self.effect_tables();
        let regency = snap.regency();
        let reg = regency.values();
        let province = snap.province().values();
        let n = snap.household_count();
        let mut out = vec![0.0; n];
        let t = crate::pmt::threads(threads);
        let size = n.div_ceil(t).max(1);
        std::thread::scope(|s| {
            for (c, chunk) in out.chunks_mut(size).enumerate() {
                let (design, beta, by_regency, by_province) =
                    (&design, &beta, &by_regency, &by_province);
                s.spawn(move || {
                    let start = c * size;
                    for (k, o) in chunk.iter_mut().enumerate() {
                        let h = start + k;
                        let mut acc = if regency.is_valid(h) {
                            by_regency[usize::from(reg[h])]
                        } else {
                            by_province[usize::from(province[h])]
                        };
                        design.for_each_nonzero(h, |j, v| acc += beta[j] * v);
                        *o = acc;
                    }
                });
            }
        });
        Ok(out)
    }

    fn check_features(&self, design: &[String]) -> Result<(), Error> {
        let coefficient_names = self.coefficients.iter().map(|c| &c.name);
        if self.features.len() != self.coefficients.len()
            || !self.features.iter().eq(coefficient_names)
        {
            return Err(Error::FeatureMismatch {
                position: 0,
                model: "coefficients do not follow the feature list".into(),
                design: String::new(),
            });
        }
        for i in 0..self.features.len().max(design.len()) {
            let (m, d) = (self.features.get(i), design.get(i));
            if m != d {
                return Err(Error::FeatureMismatch {
                    position: i,
                    model: m.cloned().unwrap_or_else(|| "(none)".into()),
                    design: d.cloned().unwrap_or_else(|| "(none)".into()),
                });
            }
        }
        Ok(())
    }

    /// Effect by regency number (all 65,536, fallbacks resolved) and by province number.
    fn effect_tables(&self) -> (Vec<f64>, Vec<f64>) {
        let mut by_province = vec![self.intercept; 256];
        for &(p, e) in &self.province_effects {
            by_province[usize::from(p)] = e;
        }
        let mut by_regency: Vec<f64> = (0..1usize << 16)
            .map(|r| by_province[(r / 100).min(255)])
            .collect();
        for &(r, e) in &self.regency_effects {
            by_regency[usize::from(r)] = e;
        }
        (by_regency, by_province)
    }

    /// Regencies present in `snap` by the effect their households get from this model.
    pub fn fallbacks(&self, snap: &Snapshot) -> FallbackCounts {
        let regency = snap.regency();
        let mut seen = vec![false; 1 << 16];
        for (h, &r) in regency.values().iter().enumerate() {
            if regency.is_valid(h) {
                seen[usize::from(r)] = true;
            }
        }
        let codes: Vec<u16> = (0..1usize << 16)
            .filter(|&r| seen[r])
            .map(|r| r as u16)
            .collect();
        self.count_fallbacks(&codes)
    }

    fn count_fallbacks(&self, regencies: &[u16]) -> FallbackCounts {
        let mut c = FallbackCounts::default();
        for &r in regencies {
            if self
                .regency_effects
                .binary_search_by_key(&r, |e| e.0)
                .is_ok()
            {
                c.regency += 1;
            } else if self
                .province_effects
                .binary_search_by_key(&((r / 100) as u8), |e| e.0)
                .is_ok()
            {
                c.province += 1;
            } else {
                c.national += 1;
            }
        }
        c
    }

    /// The coefficient named `name`.
    pub fn coefficient(&self, name: &str) -> Option<&Coefficient> {
        self.coefficients.iter().find(|c| c.name == name)
    }
}

/// The fit proper, on any row source.
fn fit_core(
    rows: &impl Rows,
    names: &[String],
    candidates: Vec<Candidate>,
    dropped: Dropped,
    all_regencies: &[u16],
    reference_date: String,
    options: &FitOptions,
) -> Result<PmtModel, Error> {
    let folds = options.folds;
    if !(2..=255).contains(&folds) {
        return Err(Error::Options(format!(
            "{folds} cross-validation folds (2 to 255 allowed)"
        )));
    }
    let p = rows.width();
    let t = threads(options.threads);
    if candidates.is_empty() && dropped.bad_weight > 0 {
        return Err(Error::NoWeights);
    }
    // Dense regency indices, in ascending regency order.
    let mut index = vec![u32::MAX; 1 << 16];
    for c in &candidates {
        index[usize::from(c.regency)] = 0;
    }
    let mut group_code = Vec::new();
    for (r, slot) in index.iter_mut().enumerate() {
        if *slot == 0 {
            *slot = group_code.len() as u32;
            group_code.push(r as u16);
        }
    }
    let g = group_code.len();
    let mut group_province = vec![0u8; g];
    for c in &candidates {
        group_province[index[usize::from(c.regency)] as usize] = c.province;
    }
    let needed = p + g + MIN_EXTRA_HOUSEHOLDS;
    if candidates.len() < needed {
        return Err(Error::TooFewSurveyed {
            found: candidates.len(),
            needed,
            features: p,
            regencies: g,
        });
    }
    let shift = candidates[0].y;
    let obs: Vec<Obs> = candidates
        .iter()
        .map(|c| Obs {
            row: c.row,
            y: c.y - shift,
            w: c.w,
            group: index[usize::from(c.regency)],
            fold: fold_of(c.key, folds) as u8,
            pw: c.w * f64::from(c.members.max(1)),
        })
        .collect();
    drop(candidates);

    // Pass 1: sufficient statistics per fold.
    let parts = par_map(&obs, t, |chunk| {
        let mut acc = Acc::new(p, g, folds);
        let mut buf = RowBuf::new(p);
        for o in chunk {
            buf.load(rows, o.row);
            let f = usize::from(o.fold);
            buf.add_outer(&mut acc.xx[f * p * p..(f + 1) * p * p], p, o.w);
            buf.add_scaled(&mut acc.xy[f * p..(f + 1) * p], o.w * o.y);
            acc.yy[f] += o.w * o.y * o.y;
            let gi = o.group as usize;
            buf.add_scaled(&mut acc.gx[(f * g + gi) * p..(f * g + gi + 1) * p], o.w);
            acc.gw[f * g + gi] += o.w;
            acc.gy[f * g + gi] += o.w * o.y;
        }
        acc
    });
    let mut acc = parts[0].clone();
    for part in &parts[1..] {
        acc.add(part);
    }
    drop(parts);

    // The full model.
    let full = Totals::of(&acc, folds, None);
    let (a, b, _) = full.within(p);
    // Features nearly a combination of earlier ones are dropped. When rounding still leaves
    // the kept system not positive definite (small registries with many sparse dummies), the
    // tolerance is raised step by step, dropping the most nearly collinear features.
    let mut chosen = None;
    for tolerance in [1e-8, 1e-6, 1e-4, 1e-3] {
        let (kept, why) = select(&a, &full.xx, p, tolerance);
        if kept.is_empty() && p > 0 {
            return Err(Error::Singular);
        }
        if let Some(solved) = solve(&a, &b, p, &kept, true)
            && !solved.ridge
        {
            chosen = Some((kept, why, solved));
            break;
        }
    }
    let (kept, why, solved) = chosen.ok_or(Error::Singular)?;
    let beta = solved.beta;
    let effects = Effects::of(&full, &beta, shift, &group_province);

    // Fold models (same kept features).
    let mut ridge_folds = 0;
    let mut fold_models = Vec::with_capacity(folds);
    for f in 0..folds {
        let tr = Totals::of(&acc, folds, Some(f));
        let (fa, fb, _) = tr.within(p);
        // A fold's training part may lack variation in a sparse feature the full model keeps:
        // such features are left out of that fold's model (counted with the ridge folds).
        let s = match solve(&fa, &fb, p, &kept, false) {
            Some(s) => s,
            None => {
                let (fold_kept, _) = select(&fa, &tr.xx, p, 1e-6);
                let both: Vec<usize> = kept
                    .iter()
                    .copied()
                    .filter(|k| fold_kept.contains(k))
                    .collect();
                let mut s = solve(&fa, &fb, p, &both, false).ok_or(Error::Singular)?;
                s.ridge = true;
                s
            }
        };
        ridge_folds += usize::from(s.ridge);
        let e = Effects::of(&tr, &s.beta, shift, &group_province);
        fold_models.push((s.beta, e));
    }
    let total_w: f64 = full.gw.iter().sum();
    let mean_y = full.gy.iter().sum::<f64>() / total_w;

    // Pass 2: residuals, HC1 meat, out-of-fold predictions.
    struct Pass2 {
        meat: Vec<f64>,
        gax: Vec<f64>,
        ga: Vec<f64>,
        rss: f64,
        tss: f64,
        oos: Vec<f64>,
    }
    let parts = par_map(&obs, t, |chunk| {
        let mut r = Pass2 {
            meat: vec![0.0; p * p],
            gax: vec![0.0; g * p],
            ga: vec![0.0; g],
            rss: 0.0,
            tss: 0.0,
            oos: Vec::with_capacity(chunk.len()),
        };
        let mut buf = RowBuf::new(p);
        for o in chunk {
            buf.load(rows, o.row);
            let gi = o.group as usize;
            let e = o.y + shift - effects.regency[gi].expect("fitted regency") - buf.dot(&beta);
            let a = o.w * o.w * e * e;
            buf.add_outer(&mut r.meat, p, a);
            buf.add_scaled(&mut r.gax[gi * p..(gi + 1) * p], a);
            r.ga[gi] += a;
            r.rss += o.w * e * e;
            r.tss += o.w * (o.y - mean_y).powi(2);
            let (fb, fe) = &fold_models[usize::from(o.fold)];
            // Province of the observation: from its regency's group.
            let prov = group_province[gi];
            r.oos.push(fe.effect(o.group, prov) + buf.dot(fb));
        }
        r
    });
    let mut meat = vec![0.0; p * p];
    let mut gax = vec![0.0; g * p];
    let mut ga = vec![0.0; g];
    let (mut rss, mut tss) = (0.0, 0.0);
    let mut oos = Vec::with_capacity(obs.len());
    for part in parts {
        meat.iter_mut().zip(&part.meat).for_each(|(a, b)| *a += b);
        gax.iter_mut().zip(&part.gax).for_each(|(a, b)| *a += b);
        ga.iter_mut().zip(&part.ga).for_each(|(a, b)| *a += b);
        rss += part.rss;
        tss += part.tss;
        oos.extend(part.oos);
    }

    // HC1: V = n/(n−k) A⁻¹ M A⁻¹ on the kept features, M the within meat.
    let m = kept.len();
    let inv = solved.inverse.expect("asked for");
    let mut meat_k = DMatrix::<f64>::zeros(m, m);
    for (ii, &i) in kept.iter().enumerate() {
        for (jj, &j) in kept.iter().enumerate() {
            let (lo, hi) = if i <= j { (i, j) } else { (j, i) };
            let mut v = meat[lo * p + hi];
            for k in 0..g {
                let w = full.gw[k];
                if w <= 0.0 {
                    continue;
                }
                let (xi, xj) = (full.gx[k * p + i] / w, full.gx[k * p + j] / w);
                v -= gax[k * p + i] * xj + xi * gax[k * p + j] - ga[k] * xi * xj;
            }
            meat_k[(ii, jj)] = v;
        }
    }
    let n = obs.len();
    let dof = n.saturating_sub(m + g).max(1);
    let v = (&inv * meat_k * &inv) * (n as f64 / dof as f64);
    let mut se = vec![None; p];
    for (ii, &i) in kept.iter().enumerate() {
        se[i] = Some(v[(ii, ii)].max(0.0).sqrt());
    }

    // Within R²: total within sum of squares from the pass-1 statistics.
    let (_, _, yy_within) = full.within(p);
    let cv = cross_validation(&obs, &oos, shift, folds, ridge_folds);

    let coefficients = names
        .iter()
        .enumerate()
        .map(|(j, name)| Coefficient {
            name: name.clone(),
            value: beta[j],
            se: se[j],
            dropped: why[j].clone(),
        })
        .collect();
    let regency_effects: Vec<(u16, f64)> = group_code
        .iter()
        .zip(&effects.regency)
        .filter_map(|(&c, e)| e.map(|e| (c, e)))
        .collect();
    let province_effects: Vec<(u8, f64)> = effects
        .province
        .iter()
        .enumerate()
        .filter_map(|(pv, e)| e.map(|e| (pv as u8, e)))
        .collect();
    let mut model = PmtModel {
        format: MODEL_FORMAT.into(),
        reference_date,
        features: names.to_vec(),
        coefficients,
        intercept: effects.national,
        regency_effects,
        province_effects,
        stats: FitStats {
            n,
            sum_weights: total_w,
            regencies: g,
            features_used: m,
            dropped_non_positive_consumption: dropped.non_positive,
            dropped_bad_weight: dropped.bad_weight,
            dropped_no_regency: dropped.no_regency,
            r_squared: 1.0 - rss / tss,
            within_r_squared: 1.0 - rss / yy_within,
            rmse: (rss / total_w).sqrt(),
            se_kind: "HC1".into(),
            cv,
            fallbacks: FallbackCounts::default(),
        },
    };
    let regencies: Vec<u16> = if all_regencies.is_empty() {
        group_code
    } else {
        all_regencies.to_vec()
    };
    model.stats.fallbacks = model.count_fallbacks(&regencies);
    // What the scores are made of must be finite: a NaN here would become every household's
    // score.
    let finite = |what: &'static str, mut v: Box<dyn Iterator<Item = f64> + '_>| {
        if v.all(f64::is_finite) {
            Ok(())
        } else {
            Err(Error::NotFinite { what })
        }
    };
    finite(
        "coefficients",
        Box::new(model.coefficients.iter().map(|c| c.value)),
    )?;
    finite("intercept", Box::new(std::iter::once(model.intercept)))?;
    finite(
        "regency effects",
        Box::new(model.regency_effects.iter().map(|e| e.1)),
    )?;
    finite(
        "province effects",
        Box::new(model.province_effects.iter().map(|e| e.1)),
    )?;
    Ok(model)
}

/// Out-of-sample statistics from the out-of-fold predictions.
fn cross_validation(
    obs: &[Obs],
    oos: &[f64],
    shift: f64,
    folds: usize,
    ridge_folds: usize,
) -> CrossValidation {
    let (mut sw, mut swy) = (0.0, 0.0);
    for o in obs {
        sw += o.w;
        swy += o.w * o.y;
    }
    let mean = swy / sw;
    let (mut sse, mut sst) = (0.0, 0.0);
    for (o, &f) in obs.iter().zip(oos) {
        sse += o.w * (o.y + shift - f).powi(2);
        sst += o.w * (o.y - mean).powi(2);
    }
    // Poorest 40 % by truth and by prediction, person-weighted, ties by position.
    let poorest = |key: &dyn Fn(usize) -> f64| -> Vec<bool> {
        let mut order: Vec<usize> = (0..obs.len()).collect();
        order.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(a.cmp(&b)));
        let total: f64 = obs.iter().map(|o| o.pw).sum();
        let mut before = 0.0;
        let mut out = vec![false; obs.len()];
        for i in order {
            out[i] = before < 0.4 * total;
            before += obs[i].pw;
        }
        out
    };
    let truth = poorest(&|i| obs[i].y);
    let predicted = poorest(&|i| oos[i]);
    let (mut hit, mut poor) = (0.0, 0.0);
    for i in 0..obs.len() {
        if truth[i] {
            poor += obs[i].pw;
            if predicted[i] {
                hit += obs[i].pw;
            }
        }
    }
    CrossValidation {
        folds,
        rmse: (sse / sw).sqrt(),
        r_squared: 1.0 - sse / sst,
        poorest40_capture: if poor > 0.0 { hit / poor } else { 0.0 },
        ridge_folds,
    }
}
