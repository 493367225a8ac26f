//! Generalized entropy GE(α) (Theil T, Theil L / mean log deviation), Atkinson(ε) and the
//! coefficient of variation, with linearized standard errors as R `convey::svygei` /
//! `convey::svyatk`.
//!
//! # Building blocks for fused passes
//!
//! Every measure here is a smooth function of a handful of weighted sums of functions of `x`, so
//! its point estimate needs ONE pass over `(x, w)` and its standard error a second one. The
//! pieces are `pub(crate)` so that a "suite" can compute many measures in the same two loops:
//!
//! 1. [`EntropySpec`] says which sums a pass accumulates. Register every measure wanted with
//!    [`EntropySpec::require`]; the spec then knows the union of the sums needed and whether
//!    values must be `> 0` ([`EntropySpec::requires_positive`]). The sums are indexed by the
//!    *basis functions* `f_j(x)`: `1`, `x`, `ln x`, `x ln x`, `x²`, `1/x`, `√x`, and up to
//!    [`MAX_EXTRA_POWERS`] other powers `x^p` (computed with `powf`; the special exponents
//!    `0, 1, 2, −1, ½` never call `powf`).
//! 2. [`EntropySpec::row`] evaluates the active basis functions at one `x` (one `ln`, one
//!    division… per row, shared by every measure). [`EntropySums::add_row`] adds `w·f_j(x)` to
//!    the sums; [`EntropySums::add`] does both. [`EntropySums::merge`] combines partial sums
//!    (two threads each doing half). The sums also count rows and track min and max of `x`.
//! 3. [`EntropySums::finish`] turns the sums into a point estimate and a [`Linearization`]: the
//!    coefficients `c_j` of the linearized variable `zᵢ = Σ_j c_j f_j(xᵢ)` (the gradient of the
//!    estimator with respect to the sums, exactly as convey writes it).
//! 4. Second pass: for each row, `let r = spec.row(x)`, and for each measure
//!    `var.push(w * lin.z(&r))` into a [`LinearizedVariance`] (plain sums of `u` and `u²`,
//!    mergeable; safe because these linearized variables have weighted sum zero) or the crate's
//!    Welford [`TotalVariance`](crate::accumulate::TotalVariance); its standard error is the
//!    measure's.
//!
//! The per-row calls ([`EntropySpec::row`], [`EntropySums::add`], [`Linearization::z`]) are
//! simple but cost ~10 ns a row in a closure-driven loop (the sums live in memory). The fast
//! path works on chunks of [`CHUNK`] rows (several times faster, and the way to fuse measures):
//! [`for_each_chunk`] cuts `(values, weights)` into chunks; [`EntropySpec::columns`] evaluates
//! the basis functions column by column into a reusable [`EntropyColumns`] (the `ln` of a row is
//! computed once for every measure); then [`EntropySums::add_columns`] (pass 1) and
//! [`Linearization::push_columns`] (pass 2, once per measure) on the same columns. Each chunk's
//! column sums are plain four-lane sums added into the compensated totals (blocked summation:
//! relative error at most ~[`CHUNK`]·ε, typically ~1e-16, independent of `n`).
//!
//! Domain checks (values `> 0` or `>= 0`) are not done by the sums, which see no indices: run
//! [`check_domain`] on the values first (a cheap scan that names the first offending index).
//! A value outside the domain that slips through makes the sums non-finite, and
//! [`EntropySums::finish`] then refuses with [`StatsError::Undefined`] rather than return `NaN`.

use crate::accumulate::CompensatedSum;
use crate::{Estimate, Sample, StatsError};

/// Basis function `1` (its sum is the total weight `W = U₀`).
pub(crate) const ONE: usize = 0;
/// Basis function `x` (its sum is `T = U₁ = Σ wx`).
pub(crate) const X: usize = 1;
/// Basis function `ln x` (its sum is `Σ w ln x`, Biewen–Jenkins `T₀`).
pub(crate) const LN: usize = 2;
/// Basis function `x ln x` (its sum is `Σ w x ln x`, Biewen–Jenkins `T₁`); `0` at `x = 0`.
pub(crate) const X_LN: usize = 3;
/// Basis function `x²` (`U₂`).
pub(crate) const SQUARE: usize = 4;
/// Basis function `1/x` (`U₋₁`).
pub(crate) const INVERSE: usize = 5;
/// Basis function `√x` (`U_½`).
pub(crate) const SQRT: usize = 6;
/// First of the basis functions `x^p` for other exponents `p` (`powf`).
pub(crate) const EXTRA: usize = 7;
/// How many exponents other than `0, 1, 2, −1, ½` one [`EntropySpec`] can hold.
pub(crate) const MAX_EXTRA_POWERS: usize = 4;
/// Number of basis functions.
pub(crate) const N_BASIS: usize = EXTRA + MAX_EXTRA_POWERS;

/// One measure of this module, as registered in an [`EntropySpec`] and finished by
/// [`EntropySums::finish`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum EntropyMeasure {
    /// Generalized entropy `GE(α)`, any finite `α` (0: Theil L, 1: Theil T).
    Ge(f64),
    /// Atkinson index `A(ε)`, finite `ε >= 0`.
    Atkinson(f64),
    /// Coefficient of variation (population standard deviation over the mean).
    Cv,
}

impl EntropyMeasure {
    /// Name for error messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            EntropyMeasure::Ge(0.0) => "Theil L (mean log deviation, GE(0))",
            EntropyMeasure::Ge(1.0) => "Theil T (GE(1))",
            EntropyMeasure::Ge(_) => "the generalized entropy index GE(α)",
            EntropyMeasure::Atkinson(_) => "the Atkinson index",
            EntropyMeasure::Cv => "the coefficient of variation",
        }
    }

    /// `true` if the measure needs every value `> 0` (`GE(α)` with `α <= 0`, Atkinson with
    /// `ε >= 1`: logarithms or negative powers); otherwise values must be `>= 0`.
    pub(crate) fn requires_positive(self) -> bool {
        match self {
            EntropyMeasure::Ge(a) => a <= 0.0,
            EntropyMeasure::Atkinson(e) => e >= 1.0,
            EntropyMeasure::Cv => false,
        }
    }

    /// Check the parameter.
    pub(crate) fn validate(self) -> Result<(), StatsError> {
        match self {
            EntropyMeasure::Ge(a) if !a.is_finite() => Err(StatsError::InvalidParameter {
                name: "GE alpha",
                value: a,
                requirement: "finite",
            }),
            EntropyMeasure::Atkinson(e) if !(e.is_finite() && e >= 0.0) => {
                Err(StatsError::InvalidParameter {
                    name: "Atkinson epsilon",
                    value: e,
                    requirement: "finite and >= 0",
                })
            }
            _ => Ok(()),
        }
    }
}

/// Which weighted sums one pass accumulates (see the module documentation).
///
/// `1` and `x` are always active. Cheap to copy; every [`EntropySums`] carries its spec.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct EntropySpec {
    active: [bool; N_BASIS],
    extra: [f64; MAX_EXTRA_POWERS],
    n_extra: usize,
    positive: bool,
}

impl Default for EntropySpec {
    fn default() -> Self {
        Self::new()
    }
}

impl EntropySpec {
    /// Only `Σ w` and `Σ wx` (enough for the mean).
    pub(crate) fn new() -> Self {
        let mut active = [false; N_BASIS];
        active[ONE] = true;
        active[X] = true;
        EntropySpec {
            active,
            extra: [0.0; MAX_EXTRA_POWERS],
            n_extra: 0,
            positive: false,
        }
    }

    /// A spec for one measure.
    pub(crate) fn for_measure(measure: EntropyMeasure) -> Result<Self, StatsError> {
        let mut spec = Self::new();
        spec.require(measure)?;
        Ok(spec)
    }

    /// Register a measure: activate the sums its estimate and linearization need.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidParameter`] for an invalid `α`/`ε`, or when the measure would need a
    /// `(MAX_EXTRA_POWERS + 1)`-th exponent outside `0, 1, 2, −1, ½`.
    pub(crate) fn require(&mut self, measure: EntropyMeasure) -> Result<(), StatsError> {
        measure.validate()?;
        match measure {
            EntropyMeasure::Ge(0.0) => self.active[LN] = true,
            EntropyMeasure::Ge(1.0) => self.active[X_LN] = true,
            EntropyMeasure::Ge(a) => {
                self.require_power(a)?;
            }
            EntropyMeasure::Atkinson(1.0) => self.active[LN] = true,
            EntropyMeasure::Atkinson(e) => {
                self.require_power(1.0 - e)?;
            }
            EntropyMeasure::Cv => self.active[SQUARE] = true,
        }
        self.positive |= measure.requires_positive();
        Ok(())
    }

    /// `true` if a registered measure needs every value `> 0`.
    pub(crate) fn requires_positive(&self) -> bool {
        self.positive
    }

    /// The basis index of `x^p`, if it is accumulated.
    pub(crate) fn power_basis(&self, p: f64) -> Option<usize> {
        let j = special_power_basis(p).or_else(|| {
            self.extra[..self.n_extra]
                .iter()
                .position(|&q| q == p)
                .map(|k| EXTRA + k)
        })?;
        self.active[j].then_some(j)
    }

    fn require_power(&mut self, p: f64) -> Result<usize, StatsError> {
        if let Some(j) = special_power_basis(p) {
            self.active[j] = true;
            return Ok(j);
        }
        if let Some(k) = self.extra[..self.n_extra].iter().position(|&q| q == p) {
            return Ok(EXTRA + k);
        }
        if self.n_extra == MAX_EXTRA_POWERS {
            return Err(StatsError::InvalidParameter {
                name: "exponent",
                value: p,
                requirement: "one of at most 4 distinct exponents other than 0, 1, 2, -1, 0.5 per pass",
            });
        }
        let j = EXTRA + self.n_extra;
        self.extra[self.n_extra] = p;
        self.n_extra += 1;
        self.active[j] = true;
        Ok(j)
    }

    /// The active basis functions at `x` (inactive ones are `0`). Computes `ln x` at most once,
    /// and `powf` only for exponents outside `0, 1, 2, −1, ½`. `x ln x` is `0` at `x = 0`.
    #[allow(
        dead_code,
        reason = "per-row building block for fused passes (the measures use the chunked path)"
    )]
    #[inline]
    pub(crate) fn row(&self, x: f64) -> EntropyRow {
        let mut f = [0.0; N_BASIS];
        f[ONE] = 1.0;
        f[X] = x;
        if self.active[LN] || self.active[X_LN] {
            let ln = x.ln();
            if self.active[LN] {
                f[LN] = ln;
            }
            if self.active[X_LN] {
                f[X_LN] = if x == 0.0 { 0.0 } else { x * ln };
            }
        }
        if self.active[SQUARE] {
            f[SQUARE] = x * x;
        }
        if self.active[INVERSE] {
            f[INVERSE] = 1.0 / x;
        }
        if self.active[SQRT] {
            f[SQRT] = x.sqrt();
        }
        for k in 0..self.n_extra {
            f[EXTRA + k] = x.powf(self.extra[k]);
        }
        EntropyRow { f }
    }
}

fn special_power_basis(p: f64) -> Option<usize> {
    if p == 0.0 {
        Some(ONE)
    } else if p == 1.0 {
        Some(X)
    } else if p == 2.0 {
        Some(SQUARE)
    } else if p == -1.0 {
        Some(INVERSE)
    } else if p == 0.5 {
        Some(SQRT)
    } else {
        None
    }
}

/// The basis functions evaluated at one value (see [`EntropySpec::row`]).
#[allow(
    dead_code,
    reason = "per-row building block for fused passes (the measures use the chunked path)"
)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct EntropyRow {
    /// `f[j]` is basis function `j` at `x` (`0` if inactive).
    pub(crate) f: [f64; N_BASIS],
}

/// Rows per chunk of [`EntropyColumns`].
pub(crate) const CHUNK: usize = 256;

/// The active basis functions evaluated on a chunk of up to [`CHUNK`] values, column by column
/// (see [`EntropySpec::columns`]): the fast path, where every loop is a simple loop over a
/// column and one `ln` per row serves every measure. About 22 KB: allocate once, reuse.
#[derive(Clone, Debug)]
pub(crate) struct EntropyColumns {
    len: usize,
    /// `f[j][k]`: basis function `j` at the chunk's value `k` (only active `j` are filled).
    f: [[f64; CHUNK]; N_BASIS],
}

impl EntropyColumns {
    /// Empty columns.
    pub(crate) fn new() -> Box<Self> {
        Box::new(EntropyColumns {
            len: 0,
            f: [[0.0; CHUNK]; N_BASIS],
        })
    }

    /// Number of rows in the chunk.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Basis function `j` on the chunk's rows.
    #[inline]
    pub(crate) fn column(&self, j: usize) -> &[f64] {
        &self.f[j][..self.len]
    }
}

/// `Σ a[k]·b[k]` in four independent lanes (vectorizable, no long dependency chain); the terms
/// are few (one chunk), so plain summation loses nothing measurable before the chunk total
/// goes into a compensated sum.
#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..4 {
            acc[l] += x[l] * y[l];
        }
    }
    let mut tail = 0.0;
    for (x, y) in ra.iter().zip(rb) {
        tail += x * y;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// Smallest and largest of a chunk of finite values, in four lanes.
#[inline]
fn min_max(x: &[f64]) -> (f64, f64) {
    let mut lo = [f64::INFINITY; 4];
    let mut hi = [f64::NEG_INFINITY; 4];
    let chunks = x.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        for l in 0..4 {
            lo[l] = if c[l] < lo[l] { c[l] } else { lo[l] };
            hi[l] = if c[l] > hi[l] { c[l] } else { hi[l] };
        }
    }
    for &v in rest {
        lo[0] = if v < lo[0] { v } else { lo[0] };
        hi[0] = if v > hi[0] { v } else { hi[0] };
    }
    (
        lo[0].min(lo[1]).min(lo[2].min(lo[3])),
        hi[0].max(hi[1]).max(hi[2].max(hi[3])),
    )
}

/// The weights of an unweighted chunk.
static ONES: [f64; CHUNK] = [1.0; CHUNK];

/// Call `f(values_chunk, weights_chunk)` on consecutive chunks of at most [`CHUNK`] rows
/// (`weights` `None`: a chunk of ones).
#[inline]
pub(crate) fn for_each_chunk(
    values: &[f64],
    weights: Option<&[f64]>,
    mut f: impl FnMut(&[f64], &[f64]),
) {
    match weights {
        None => values.chunks(CHUNK).for_each(|x| f(x, &ONES[..x.len()])),
        Some(w) => values
            .chunks(CHUNK)
            .zip(w.chunks(CHUNK))
            .for_each(|(x, w)| f(x, w)),
    }
}

impl EntropySpec {
    /// Evaluate the active basis functions on `x` (at most [`CHUNK`] values) into `out`:
    /// the column form of [`EntropySpec::row`], with the same values.
    pub(crate) fn columns(&self, x: &[f64], out: &mut EntropyColumns) {
        self.columns_with(x, out, |x, ln| {
            for (l, &xi) in ln.iter_mut().zip(x) {
                *l = xi.ln();
            }
        });
    }

    /// [`EntropySpec::columns`] with `ln_of(x, out)` computing the logarithms of a chunk (the
    /// fused passes use a vectorized one, [`crate::fastmath::ln_chunk`]).
    pub(crate) fn columns_with(
        &self,
        x: &[f64],
        out: &mut EntropyColumns,
        ln_of: impl Fn(&[f64], &mut [f64]),
    ) {
        let n = x.len();
        assert!(n <= CHUNK, "a chunk holds at most {CHUNK} values");
        out.len = n;
        out.f[X][..n].copy_from_slice(x);
        out.f[ONE][..n].fill(1.0);
        if self.active[LN] || self.active[X_LN] {
            let (lo, hi) = out.f.split_at_mut(X_LN);
            let ln = &mut lo[LN][..n];
            ln_of(x, ln);
            if self.active[X_LN] {
                for ((t, &l), &xi) in hi[0][..n].iter_mut().zip(ln.iter()).zip(x) {
                    *t = if xi == 0.0 { 0.0 } else { xi * l };
                }
            }
        }
        if self.active[SQUARE] {
            for (t, &xi) in out.f[SQUARE][..n].iter_mut().zip(x) {
                *t = xi * xi;
            }
        }
        if self.active[INVERSE] {
            for (t, &xi) in out.f[INVERSE][..n].iter_mut().zip(x) {
                *t = 1.0 / xi;
            }
        }
        if self.active[SQRT] {
            for (t, &xi) in out.f[SQRT][..n].iter_mut().zip(x) {
                *t = xi.sqrt();
            }
        }
        for k in 0..self.n_extra {
            let p = self.extra[k];
            for (t, &xi) in out.f[EXTRA + k][..n].iter_mut().zip(x) {
                *t = xi.powf(p);
            }
        }
    }
}

/// Weighted sums `Σ wᵢ f_j(xᵢ)` of the active basis functions, plus the row count and the range
/// of `x`. One per pass (or per group, or per thread; combine with [`EntropySums::merge`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct EntropySums {
    spec: EntropySpec,
    n: usize,
    min: f64,
    max: f64,
    sums: [CompensatedSum; N_BASIS],
}

impl EntropySums {
    /// Empty sums for `spec`.
    pub(crate) fn new(spec: EntropySpec) -> Self {
        EntropySums {
            spec,
            n: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            sums: [CompensatedSum::default(); N_BASIS],
        }
    }

    /// Add one observation.
    #[allow(
        dead_code,
        reason = "per-row building block for fused passes (the measures use the chunked path)"
    )]
    #[inline]
    pub(crate) fn add(&mut self, x: f64, w: f64) {
        let row = self.spec.row(x);
        self.add_row(&row, w);
    }

    /// Add one observation whose basis functions were already evaluated by `self.spec().row(x)`
    /// (to share them between several sums, e.g. a group's and a total's).
    #[allow(
        dead_code,
        reason = "per-row building block for fused passes (the measures use the chunked path)"
    )]
    #[inline]
    pub(crate) fn add_row(&mut self, row: &EntropyRow, w: f64) {
        let x = row.f[X];
        self.n += 1;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        for j in 0..N_BASIS {
            if self.spec.active[j] {
                self.sums[j].add(w * row.f[j]);
            }
        }
    }

    /// Add partial sums computed with the same spec (e.g. by another thread).
    pub(crate) fn merge(&mut self, other: &EntropySums) {
        debug_assert_eq!(self.spec, other.spec, "merging sums of different specs");
        self.n += other.n;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        for j in 0..N_BASIS {
            if self.spec.active[j] {
                self.sums[j].add(other.sums[j].value());
            }
        }
    }

    /// Add the rows of a chunk whose basis functions were evaluated by
    /// `self.spec().columns(x, cols)`, with weights `w` (same length). The fast path: each
    /// column is summed in four lanes and the chunk total added to the compensated sum.
    pub(crate) fn add_columns(&mut self, cols: &EntropyColumns, w: &[f64]) {
        let n = cols.len();
        assert_eq!(w.len(), n, "one weight per value of the chunk");
        if n == 0 {
            return;
        }
        self.n += n;
        let (lo, hi) = min_max(cols.column(X));
        self.min = self.min.min(lo);
        self.max = self.max.max(hi);
        self.sums[ONE].add(dot(w, &ONES[..n]));
        for j in X..N_BASIS {
            if self.spec.active[j] {
                self.sums[j].add(dot(cols.column(j), w));
            }
        }
    }

    /// Add row `k` of a chunk (for scattering rows into per-group sums).
    #[inline]
    pub(crate) fn add_column_row(&mut self, cols: &EntropyColumns, k: usize, w: f64) {
        let x = cols.f[X][k];
        self.n += 1;
        self.min = if x < self.min { x } else { self.min };
        self.max = if x > self.max { x } else { self.max };
        self.sums[ONE].add(w);
        for j in X..N_BASIS {
            if self.spec.active[j] {
                self.sums[j].add(w * cols.f[j][k]);
            }
        }
    }

    /// Add every row of `values` with `weights` (`None`: all 1), chunk by chunk through
    /// [`EntropySpec::columns`] and [`EntropySums::add_columns`].
    pub(crate) fn add_slice(&mut self, values: &[f64], weights: Option<&[f64]>) {
        let spec = self.spec;
        let mut cols = EntropyColumns::new();
        for_each_chunk(values, weights, |x, w| {
            spec.columns(x, &mut cols);
            self.add_columns(&cols, w);
        });
    }

    /// The spec the sums were built with.
    #[allow(dead_code, reason = "building block for fused passes")]
    pub(crate) fn spec(&self) -> &EntropySpec {
        &self.spec
    }

    /// Number of rows added.
    pub(crate) fn n(&self) -> usize {
        self.n
    }

    /// `Σ w f_j(x)` for basis function `j`.
    pub(crate) fn sum(&self, j: usize) -> f64 {
        self.sums[j].value()
    }

    /// Total weight `W`.
    pub(crate) fn total_weight(&self) -> f64 {
        self.sum(ONE)
    }

    /// Weighted total `T = Σ wx`.
    pub(crate) fn total(&self) -> f64 {
        self.sum(X)
    }

    /// Smallest value added (`+∞` if none).
    pub(crate) fn min(&self) -> f64 {
        self.min
    }

    /// `true` if every value added is the same (then every measure here is exactly 0).
    pub(crate) fn all_equal(&self) -> bool {
        self.n > 0 && self.min == self.max
    }

    /// Point estimate and linearization of `measure` from the sums.
    ///
    /// With `W = Σw`, `T = Σwx`, `μ = T/W`, `U_p = Σ w x^p`, `T₀ = Σ w ln x`, `T₁ = Σ w x ln x`
    /// (the `U`/`T` functions of Biewen & Jenkins 2002, as convey names them), the estimates and
    /// linearized variables `zᵢ` (the gradient of the estimate with respect to those sums, as
    /// convey 1.0.1 `svygei`/`svyatk` write them) are:
    ///
    /// - `GE(0) = ln μ − T₀/W`; `z = (T₀/W − 1)/W + x/T − ln x / W`.
    /// - `GE(1) = T₁/T − ln μ`; `z = 1/W − (T₁/T + 1)·x/T + x ln x / T`.
    /// - `GE(α) = (k − 1)/(α(α−1))`, `k = (U_α/W)/μ^α`;
    ///   `z = k/(αW) − k·x/((α−1)T) + x^α/(α(α−1)·W·μ^α)`.
    /// - Atkinson `ε = 1`: `A = 1 − r`, `r = exp(T₀/W)/μ`;
    ///   `z = −r(1 − T₀/W)/W + r·x/T − r·ln x / W`.
    /// - Atkinson `ε ≠ 1`: `A = 1 − r`, `r = (U_{1−ε}/W)^{1/(1−ε)}/μ`;
    ///   `z = ε/(1−ε)·r/W + r·x/T − r·x^{1−ε}/((1−ε)·U_{1−ε})`.
    /// - CV `= √(2·GE(2))`; `z = z_{GE(2)} / CV` (delta method; no convey reference).
    ///
    /// If every value is equal the estimate is exactly `0` and every `zᵢ` is `0` (for the CV,
    /// whose square root is not differentiable at 0, the linearization is `None`).
    ///
    /// # Errors
    ///
    /// [`StatsError::Empty`] without rows; [`StatsError::Undefined`] if the mean is zero, or a
    /// sum is not finite (values outside the domain, or `x^α` overflowing `f64` for extreme
    /// `α`: the measures are scale invariant, so rescale the values).
    ///
    /// # Panics
    ///
    /// If the spec does not hold the sums of `measure` (register it with
    /// [`EntropySpec::require`] first).
    pub(crate) fn finish(&self, measure: EntropyMeasure) -> Result<EntropyFinish, StatsError> {
        measure.validate()?;
        if self.n == 0 {
            return Err(StatsError::Empty);
        }
        let undefined = |reason| StatsError::Undefined {
            measure: measure.name(),
            reason,
        };
        let w_total = self.total_weight();
        let total = self.total();
        if !(w_total > 0.0 && w_total.is_finite()) {
            return Err(undefined("the total weight is not positive and finite"));
        }
        if !total.is_finite() {
            return Err(undefined(
                "the weighted total of the values is not finite (values outside the domain?)",
            ));
        }
        if total == 0.0 {
            return Err(undefined("every value is zero (the mean is zero)"));
        }
        if total < 0.0 {
            return Err(undefined(
                "the mean is negative (values outside the domain?)",
            ));
        }
        let needed = |j: Option<usize>| -> usize {
            match j {
                Some(j) if self.spec.active[j] => j,
                _ => panic!("EntropySums::finish({measure:?}): sums not accumulated by the spec"),
            }
        };
        let sum = |j: usize| -> Result<f64, StatsError> {
            let s = self.sum(j);
            if s.is_finite() {
                Ok(s)
            } else {
                Err(undefined(
                    "a power or logarithm sum is not finite (values outside the domain, or x^α \
                     overflows: the index is scale invariant, rescale the values)",
                ))
            }
        };
        let mean = total / w_total;
        let mut lin = Linearization::zero();

        if self.all_equal() {
            // Exactly 0, and zᵢ = 0 at the only value present: skip the cancellation noise.
            needed(match measure {
                EntropyMeasure::Ge(0.0) => Some(LN),
                EntropyMeasure::Ge(1.0) => Some(X_LN),
                EntropyMeasure::Ge(a) => self.spec.power_basis(a),
                EntropyMeasure::Atkinson(1.0) => Some(LN),
                EntropyMeasure::Atkinson(e) => self.spec.power_basis(1.0 - e),
                EntropyMeasure::Cv => Some(SQUARE),
            });
            let lin = (measure != EntropyMeasure::Cv).then_some(lin);
            return Ok(EntropyFinish { value: 0.0, lin });
        }

        let value = match measure {
            EntropyMeasure::Ge(0.0) => {
                let mean_ln = sum(needed(Some(LN)))? / w_total;
                lin.c[ONE] = (mean_ln - 1.0) / w_total;
                lin.c[X] = 1.0 / total;
                lin.c[LN] = -1.0 / w_total;
                mean.ln() - mean_ln
            }
            EntropyMeasure::Ge(1.0) => {
                let t1_over_t = sum(needed(Some(X_LN)))? / total;
                lin.c[ONE] = 1.0 / w_total;
                lin.c[X] = -(t1_over_t + 1.0) / total;
                lin.c[X_LN] = 1.0 / total;
                t1_over_t - mean.ln()
            }
            EntropyMeasure::Ge(a) => {
                let j = needed(self.spec.power_basis(a));
                let (k, mean_pow) = power_ratio(sum(j)?, w_total, mean, a);
                if !(k.is_finite() && mean_pow.is_finite() && mean_pow > 0.0) {
                    return Err(undefined(
                        "x^α or μ^α overflows f64 (the index is scale invariant: rescale the values)",
                    ));
                }
                let aa = a * (a - 1.0);
                lin.c[ONE] += k / (a * w_total);
                lin.c[X] += -k / ((a - 1.0) * total);
                lin.c[j] += 1.0 / (aa * w_total * mean_pow);
                (k - 1.0) / aa
            }
            EntropyMeasure::Atkinson(1.0) => {
                let mean_ln = sum(needed(Some(LN)))? / w_total;
                let r = mean_ln.exp() / mean;
                lin.c[ONE] = -r * (1.0 - mean_ln) / w_total;
                lin.c[X] = r / total;
                lin.c[LN] = -r / w_total;
                1.0 - r
            }
            EntropyMeasure::Atkinson(e) => {
                let p = 1.0 - e;
                let j = needed(self.spec.power_basis(p));
                let s = sum(j)?;
                let ede = (s / w_total).powf(1.0 / p);
                let r = ede / mean;
                if !(r.is_finite() && s > 0.0) {
                    return Err(undefined(
                        "x^(1−ε) overflows f64 (the index is scale invariant: rescale the values)",
                    ));
                }
                lin.c[ONE] += e / p * r / w_total;
                lin.c[X] += r / total;
                lin.c[j] += -r / (p * s);
                1.0 - r
            }
            EntropyMeasure::Cv => {
                let j = needed(Some(SQUARE));
                let (k, mean_pow) = power_ratio(sum(j)?, w_total, mean, 2.0);
                if !k.is_finite() {
                    return Err(undefined(
                        "x² overflows f64 (the index is scale invariant: rescale the values)",
                    ));
                }
                let cv = (k - 1.0).max(0.0).sqrt();
                if cv == 0.0 {
                    return Ok(EntropyFinish {
                        value: 0.0,
                        lin: None,
                    });
                }
                // z_CV = z_GE(2) / CV, z_GE(2) = k/(2W) − k·x/T + x²/(2·W·μ²).
                lin.c[ONE] = k / (2.0 * w_total) / cv;
                lin.c[X] = -k / total / cv;
                lin.c[SQUARE] = 1.0 / (2.0 * w_total * mean_pow) / cv;
                cv
            }
        };
        Ok(EntropyFinish {
            value,
            lin: Some(lin),
        })
    }
}

/// `k = (U_p/W)/μ^p` and `μ^p`, without `powf` for the special exponents.
fn power_ratio(u_p: f64, w_total: f64, mean: f64, p: f64) -> (f64, f64) {
    let mean_pow = if p == 2.0 {
        mean * mean
    } else if p == -1.0 {
        1.0 / mean
    } else if p == 0.5 {
        mean.sqrt()
    } else {
        mean.powf(p)
    };
    (u_p / w_total / mean_pow, mean_pow)
}

/// A point estimate with its linearization, from [`EntropySums::finish`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct EntropyFinish {
    /// The point estimate.
    pub(crate) value: f64,
    /// The linearized variable, `None` when the estimator is not differentiable there (the
    /// coefficient of variation of equal values).
    pub(crate) lin: Option<Linearization>,
}

/// A linearized variable (influence function) `z(x) = Σ_j c[j]·f_j(x)` over the basis functions
/// of [`EntropySpec`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Linearization {
    /// Coefficient of each basis function.
    pub(crate) c: [f64; N_BASIS],
}

impl Linearization {
    /// `z ≡ 0`.
    pub(crate) fn zero() -> Self {
        Linearization { c: [0.0; N_BASIS] }
    }

    /// `zᵢ` at a row evaluated by the spec the linearization was finished with.
    #[allow(
        dead_code,
        reason = "per-row building block for fused passes (the measures use the chunked path)"
    )]
    #[inline]
    pub(crate) fn z(&self, row: &EntropyRow) -> f64 {
        let mut z = 0.0;
        for j in 0..N_BASIS {
            if self.c[j] != 0.0 {
                z += self.c[j] * row.f[j];
            }
        }
        z
    }

    /// Push `uᵢ = wᵢ·zᵢ` for every row of a chunk (columns evaluated by the spec the
    /// linearization was finished with) into `var`.
    pub(crate) fn push_columns(
        &self,
        cols: &EntropyColumns,
        w: &[f64],
        var: &mut LinearizedVariance,
    ) {
        let n = cols.len();
        assert_eq!(w.len(), n, "one weight per value of the chunk");
        let mut u = [0.0f64; CHUNK];
        let u = &mut u[..n];
        self.z_columns(cols, u);
        for (uk, &wk) in u.iter_mut().zip(w) {
            *uk *= wk;
        }
        var.push_slice(u);
    }

    /// `zᵢ` for every row of a chunk, into `out` (length `cols.len()`).
    pub(crate) fn z_columns(&self, cols: &EntropyColumns, out: &mut [f64]) {
        assert_eq!(out.len(), cols.len(), "one output per value of the chunk");
        out.fill(self.c[ONE]);
        for j in X..N_BASIS {
            let c = self.c[j];
            if c != 0.0 {
                for (zk, &f) in out.iter_mut().zip(cols.column(j)) {
                    *zk += c * f;
                }
            }
        }
    }

    /// `zᵢ` for row `k` of a chunk. Basis functions with a zero coefficient are skipped, not
    /// multiplied: a column may hold `ln 0 = −∞` for a zero value (the `ln x` column is filled
    /// whenever `x ln x` is active), and `0·∞` would make the sum `NaN`.
    #[inline]
    pub(crate) fn z_at(&self, cols: &EntropyColumns, k: usize) -> f64 {
        let mut z = 0.0;
        for j in 0..N_BASIS {
            if self.c[j] != 0.0 {
                z += self.c[j] * cols.f[j][k];
            }
        }
        z
    }

    /// `a·self + b·other`.
    pub(crate) fn combine(&self, a: f64, other: &Linearization, b: f64) -> Linearization {
        let mut c = [0.0; N_BASIS];
        for (j, cj) in c.iter_mut().enumerate() {
            *cj = a * self.c[j] + b * other.c[j];
        }
        Linearization { c }
    }
}

/// Variance of the estimated total `Σ uᵢ`, `uᵢ = wᵢzᵢ`, for the design of the crate
/// (`n/(n−1) · Σ (uᵢ − ū)²`, the same as
/// [`TotalVariance`](crate::accumulate::TotalVariance)), from the plain sums `Σu`, `Σu²`.
///
/// `Σu² − (Σu)²/n` cancels only when `|ū|` is large next to the spread of the `uᵢ`. For the
/// linearized variable of an estimator invariant to rescaling all weights (every measure of this
/// module and the decomposition) `Σ wᵢzᵢ = 0` exactly (Euler's theorem), so `Σu` is rounding
/// noise and there is nothing to cancel. That makes this accumulator safe here, about six times
/// faster than Welford's update (no division in the dependency chain), and mergeable across
/// threads ([`LinearizedVariance::merge`]). Do not use it for `u` with a large mean.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct LinearizedVariance {
    n: usize,
    sum: f64,
    sum_sq: f64,
}

impl LinearizedVariance {
    #[allow(
        dead_code,
        reason = "per-row building block for fused passes (the measures use the chunked path)"
    )]
    #[inline]
    pub(crate) fn push(&mut self, u: f64) {
        self.n += 1;
        self.sum += u;
        self.sum_sq += u * u;
    }

    /// Push every `u` of a slice (four lanes).
    pub(crate) fn push_slice(&mut self, u: &[f64]) {
        let mut s1 = [0.0f64; 4];
        let mut s2 = [0.0f64; 4];
        let chunks = u.chunks_exact(4);
        let rest = chunks.remainder();
        for c in chunks {
            for l in 0..4 {
                s1[l] += c[l];
                s2[l] += c[l] * c[l];
            }
        }
        for &x in rest {
            s1[0] += x;
            s2[0] += x * x;
        }
        self.n += u.len();
        self.sum += (s1[0] + s1[1]) + (s1[2] + s1[3]);
        self.sum_sq += (s2[0] + s2[1]) + (s2[2] + s2[3]);
    }

    /// Add another accumulator's observations (e.g. another thread's).
    #[allow(dead_code, reason = "building block for fused multi-threaded passes")]
    pub(crate) fn merge(&mut self, other: &LinearizedVariance) {
        self.n += other.n;
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
    }

    /// The standard error, or `None` with fewer than two observations.
    pub(crate) fn standard_error(&self) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        let n = self.n as f64;
        let centred = self.sum_sq - self.sum * self.sum / n;
        // A NaN (an undefined linearized value) must not become a silent 0.
        if centred.is_nan() {
            return None;
        }
        Some((centred * n / (n - 1.0)).max(0.0).sqrt())
    }
}

/// Error naming the first value outside the domain: `> 0` if `positive`, else `>= 0`.
pub(crate) fn check_domain(
    values: &[f64],
    positive: bool,
    measure: &'static str,
) -> Result<(), StatsError> {
    let bad = if positive {
        values.iter().position(|&x| x <= 0.0)
    } else {
        values.iter().position(|&x| x < 0.0)
    };
    match bad {
        None => Ok(()),
        Some(index) => Err(StatsError::OutOfDomain {
            measure,
            requirement: if positive {
                "> 0 (logarithms or negative powers; drop zero and negative values first, e.g. \
                 with drop_non_positive)"
            } else {
                ">= 0 (drop negative values first, e.g. with drop_negative)"
            },
            index,
            value: values[index],
        }),
    }
}

impl Sample<'_> {
    /// One measure of this module: domain check, pass 1 (sums), finish, pass 2 (variance).
    fn entropy_estimate(&self, measure: EntropyMeasure) -> Result<Estimate, StatsError> {
        let spec = EntropySpec::for_measure(measure)?;
        check_domain(self.values(), spec.requires_positive(), measure.name())?;
        let mut sums = EntropySums::new(spec);
        sums.add_slice(self.values(), self.weights());
        let finished = sums.finish(measure)?;
        let se = finished.lin.and_then(|lin| {
            let mut var = LinearizedVariance::default();
            let mut cols = EntropyColumns::new();
            for_each_chunk(self.values(), self.weights(), |x, w| {
                spec.columns(x, &mut cols);
                lin.push_columns(&cols, w, &mut var);
            });
            var.standard_error()
        });
        Ok(Estimate {
            value: finished.value,
            se,
            n: self.len(),
            total_weight: self.total_weight(),
        })
    }

    /// Generalized entropy index
    ///
    /// `GE(α) = 1/(α(α−1)) · (Σ wᵢ (xᵢ/μ)^α / W − 1)` for `α ∉ {0, 1}`,
    /// `GE(0) = Σ wᵢ ln(μ/xᵢ) / W` (Theil L, mean log deviation),
    /// `GE(1) = Σ wᵢ (xᵢ/μ) ln(xᵢ/μ) / W` (Theil T),
    ///
    /// with `μ` the weighted mean and `W = Σ wᵢ`. `α = 2` is half the squared coefficient of
    /// variation; larger `α` weighs the top of the distribution more, smaller (negative) `α`
    /// the bottom. Any finite `α`; `0` and `1` use logarithms, `2`, `−1`, `½` plain arithmetic,
    /// other `α` one `powf` per value. Point estimates are those of R `ineq::entropy` (unweighted)
    /// and `convey::svygei` (weighted).
    ///
    /// Domain: for `α <= 0`, every value `> 0` (a zero income makes `ln x` or `x^α` infinite);
    /// for `α > 0`, values `>= 0` (zeros allowed: `x^α = 0`, and `x ln x = 0` at `x = 0` for
    /// Theil T). convey 1.0.1 `svygei` refuses any value `<= 0` whatever `α`; here zeros are
    /// accepted where the index is finite. Negative values are refused for every `α`.
    ///
    /// Standard error: Taylor linearization exactly as `convey::svygei` (Biewen & Jenkins 2002):
    /// the gradient of the estimate with respect to the sums `W`, `Σwx`, `Σ w x^α` (or
    /// `Σ w ln x`, `Σ w x ln x`), see the crate documentation for the variance of a total.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidParameter`] for a non-finite `α`; [`StatsError::OutOfDomain`] naming
    /// the first value outside the domain; [`StatsError::Undefined`] if every value is zero
    /// (mean zero), or if `x^α` overflows `f64` (only for extreme `α`; rescale the values).
    pub fn ge(&self, alpha: f64) -> Result<Estimate, StatsError> {
        self.entropy_estimate(EntropyMeasure::Ge(alpha))
    }

    /// Theil T index, `GE(1) = Σ wᵢ (xᵢ/μ) ln(xᵢ/μ) / W`. Domain: values `>= 0`, not all zero
    /// (zeros contribute `0 · ln 0 = 0`; convey refuses them). See [`Sample::ge`].
    ///
    /// # Errors
    ///
    /// As [`Sample::ge`].
    pub fn theil_t(&self) -> Result<Estimate, StatsError> {
        self.ge(1.0)
    }

    /// Theil L index, or mean log deviation (MLD), `GE(0) = Σ wᵢ ln(μ/xᵢ) / W`. Domain: every
    /// value `> 0`. See [`Sample::ge`].
    ///
    /// # Errors
    ///
    /// As [`Sample::ge`].
    pub fn theil_l(&self) -> Result<Estimate, StatsError> {
        self.ge(0.0)
    }

    /// Atkinson index with inequality aversion `ε >= 0`:
    ///
    /// `A(ε) = 1 − (Σ wᵢ xᵢ^{1−ε} / W)^{1/(1−ε)} / μ` for `ε ≠ 1`,
    /// `A(1) = 1 − exp(Σ wᵢ ln xᵢ / W) / μ` (one minus geometric over arithmetic mean).
    ///
    /// The numerator is the equally distributed equivalent income. `ε = 0` gives `0`; larger `ε`
    /// weighs the bottom of the distribution more. Point estimates are those of R
    /// `ineq::Atkinson` (unweighted) and `convey::svyatk` (weighted).
    ///
    /// Domain: for `ε >= 1`, every value `> 0`; for `ε < 1`, values `>= 0` (zeros allowed).
    /// convey 1.0.1 `svyatk` refuses any value `<= 0` and any `ε <= 0`.
    ///
    /// Standard error: Taylor linearization exactly as `convey::svyatk` (the gradient with
    /// respect to `W`, `Σwx`, `Σ w x^{1−ε}` or `Σ w ln x`).
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidParameter`] unless `ε` is finite and `>= 0`;
    /// [`StatsError::OutOfDomain`] naming the first value outside the domain;
    /// [`StatsError::Undefined`] if every value is zero, or `x^{1−ε}` overflows `f64`.
    pub fn atkinson(&self, epsilon: f64) -> Result<Estimate, StatsError> {
        self.entropy_estimate(EntropyMeasure::Atkinson(epsilon))
    }

    /// Coefficient of variation: population standard deviation over the mean,
    /// `CV = √(Σ wᵢ (xᵢ − μ)² / W) / μ = √(2·GE(2))` (no `n/(n−1)`; R `ineq::var.coeff`).
    ///
    /// Domain: values `>= 0`, not all zero (as the other inequality measures; the ratio itself
    /// would exist for any data with a positive mean).
    ///
    /// Standard error: the delta method on `GE(2)` (whose linearization is convey's), `z_CV =
    /// z_{GE(2)} / CV`. When every value is equal the CV is `0` and its standard error is `None`
    /// (the square root is not differentiable at 0).
    ///
    /// # Errors
    ///
    /// [`StatsError::OutOfDomain`] for a negative value; [`StatsError::Undefined`] if every
    /// value is zero.
    pub fn cv(&self) -> Result<Estimate, StatsError> {
        self.entropy_estimate(EntropyMeasure::Cv)
    }
}

/// Generalized entropy index `GE(α)` of `values` with optional weights.
///
/// Shorthand for `Sample::new(values, weights)?.ge(alpha)`; see [`Sample::ge`].
///
/// # Errors
///
/// The input checks of [`Sample::new`], and those of [`Sample::ge`].
pub fn generalized_entropy(
    values: &[f64],
    weights: Option<&[f64]>,
    alpha: f64,
) -> Result<Estimate, StatsError> {
    Sample::new(values, weights)?.ge(alpha)
}

/// Theil T index (`GE(1)`); see [`Sample::theil_t`].
///
/// # Errors
///
/// The input checks of [`Sample::new`], and those of [`Sample::ge`].
pub fn theil_t(values: &[f64], weights: Option<&[f64]>) -> Result<Estimate, StatsError> {
    Sample::new(values, weights)?.theil_t()
}

/// Theil L index / mean log deviation (`GE(0)`); see [`Sample::theil_l`].
///
/// # Errors
///
/// The input checks of [`Sample::new`], and those of [`Sample::ge`].
pub fn theil_l(values: &[f64], weights: Option<&[f64]>) -> Result<Estimate, StatsError> {
    Sample::new(values, weights)?.theil_l()
}

/// Atkinson index `A(ε)`; see [`Sample::atkinson`].
///
/// # Errors
///
/// The input checks of [`Sample::new`], and those of [`Sample::atkinson`].
pub fn atkinson(
    values: &[f64],
    weights: Option<&[f64]>,
    epsilon: f64,
) -> Result<Estimate, StatsError> {
    Sample::new(values, weights)?.atkinson(epsilon)
}

/// Coefficient of variation (population standard deviation over the mean); see [`Sample::cv`].
///
/// # Errors
///
/// The input checks of [`Sample::new`], and those of [`Sample::cv`].
pub fn coefficient_of_variation(
    values: &[f64],
    weights: Option<&[f64]>,
) -> Result<Estimate, StatsError> {
    Sample::new(values, weights)?.cv()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * a.abs().max(b.abs()).max(1e-300)
    }

    #[test]
    fn textbook_values() {
        // Two people, incomes 1 and 3, mean 2.
        let v = [1.0, 3.0];
        let t = theil_t(&v, None).unwrap().value;
        let expected_t = (0.5 * 0.5f64.ln() + 1.5 * 1.5f64.ln()) / 2.0;
        assert!(close(t, expected_t, 1e-14));
        let l = theil_l(&v, None).unwrap().value;
        let expected_l = (2.0f64.ln() + (2.0f64 / 3.0).ln()) / 2.0;
        assert!(close(l, expected_l, 1e-14));
        // CV: sd = 1, mean 2.
        assert!(close(
            coefficient_of_variation(&v, None).unwrap().value,
            0.5,
            1e-14
        ));
        // GE(2) = CV²/2.
        assert!(close(
            generalized_entropy(&v, None, 2.0).unwrap().value,
            0.125,
            1e-14
        ));
        // Atkinson(1) = 1 − √3/2; Atkinson(2) = 1 − (harmonic mean 1.5)/2.
        let a1 = atkinson(&v, None, 1.0).unwrap().value;
        assert!(close(a1, 1.0 - 3.0f64.sqrt() / 2.0, 1e-14));
        assert!(close(atkinson(&v, None, 2.0).unwrap().value, 0.25, 1e-14));
        // Atkinson(0) = 0.
        assert_eq!(atkinson(&v, None, 0.0).unwrap().value, 0.0);
        // GE(−1) = (Σ (μ/x) / n − 1)/2 = ((2 + 2/3)/2 − 1)/2 = 1/6.
        assert!(close(
            generalized_entropy(&v, None, -1.0).unwrap().value,
            1.0 / 6.0,
            1e-14
        ));
        // A general α through powf: GE(3) = (mean((x/μ)³) − 1)/6 = ((1/8 + 27/8)/2 − 1)/6.
        let ge3 = generalized_entropy(&v, None, 3.0).unwrap().value;
        assert!(close(ge3, (1.75 - 1.0) / 6.0, 1e-14));
    }

    #[test]
    fn equal_values_are_exactly_zero() {
        let v = [7.5; 5];
        for m in [
            EntropyMeasure::Ge(0.0),
            EntropyMeasure::Ge(1.0),
            EntropyMeasure::Ge(2.0),
            EntropyMeasure::Ge(-1.0),
            EntropyMeasure::Ge(0.3),
            EntropyMeasure::Atkinson(0.5),
            EntropyMeasure::Atkinson(1.0),
            EntropyMeasure::Atkinson(3.0),
        ] {
            let e = Sample::new(&v, None).unwrap().entropy_estimate(m).unwrap();
            assert_eq!((e.value, e.se), (0.0, Some(0.0)), "{m:?}");
        }
        let cv = coefficient_of_variation(&v, None).unwrap();
        assert_eq!((cv.value, cv.se), (0.0, None));
    }

    #[test]
    fn merge_equals_one_pass() {
        let v = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        let w = [2.0, 1.0, 3.0, 1.0, 2.0, 5.0, 1.0, 1.0];
        let mut spec = EntropySpec::new();
        for m in [
            EntropyMeasure::Ge(0.0),
            EntropyMeasure::Ge(1.0),
            EntropyMeasure::Ge(2.0),
            EntropyMeasure::Ge(-1.0),
            EntropyMeasure::Ge(0.25),
            EntropyMeasure::Atkinson(0.5),
            EntropyMeasure::Atkinson(1.0),
            EntropyMeasure::Atkinson(2.0),
            EntropyMeasure::Atkinson(1.5),
            EntropyMeasure::Cv,
        ] {
            spec.require(m).unwrap();
        }
        let mut all = EntropySums::new(spec);
        let (mut a, mut b) = (EntropySums::new(spec), EntropySums::new(spec));
        for (i, (&x, &wi)) in v.iter().zip(&w).enumerate() {
            all.add(x, wi);
            if i < 3 { a.add(x, wi) } else { b.add(x, wi) }
        }
        a.merge(&b);
        assert_eq!(a.n(), all.n());
        for m in [
            EntropyMeasure::Ge(0.25),
            EntropyMeasure::Atkinson(1.5),
            EntropyMeasure::Cv,
        ] {
            let (x, y) = (a.finish(m).unwrap(), all.finish(m).unwrap());
            assert!(close(x.value, y.value, 1e-14));
            let (lx, ly) = (x.lin.unwrap(), y.lin.unwrap());
            for j in 0..N_BASIS {
                assert!(close(lx.c[j], ly.c[j], 1e-13) || lx.c[j] == ly.c[j]);
            }
        }
    }

    /// The linearized variable is the derivative of the estimate with respect to each row's
    /// weight (Deville 1999): check it against central finite differences.
    #[test]
    fn linearization_is_the_weight_derivative() {
        let v = [1.5, 2.0, 4.0, 8.0, 3.0, 5.0, 0.7, 12.0, 2.5];
        let w = [1.0, 2.0, 1.5, 3.0, 1.0, 2.5, 1.0, 0.5, 2.0];
        for m in [
            EntropyMeasure::Ge(-1.0),
            EntropyMeasure::Ge(0.0),
            EntropyMeasure::Ge(0.5),
            EntropyMeasure::Ge(1.0),
            EntropyMeasure::Ge(2.0),
            EntropyMeasure::Ge(-2.5),
            EntropyMeasure::Ge(3.0),
            EntropyMeasure::Atkinson(0.0),
            EntropyMeasure::Atkinson(0.5),
            EntropyMeasure::Atkinson(1.0),
            EntropyMeasure::Atkinson(2.0),
            EntropyMeasure::Atkinson(3.5),
            EntropyMeasure::Cv,
        ] {
            let spec = EntropySpec::for_measure(m).unwrap();
            let run = |w: &[f64]| {
                let mut sums = EntropySums::new(spec);
                for (&x, &wi) in v.iter().zip(w) {
                    sums.add(x, wi);
                }
                sums.finish(m).unwrap()
            };
            let lin = run(&w).lin.unwrap();
            for i in 0..v.len() {
                let h = 1e-6 * w[i];
                let (mut up, mut down) = (w.to_vec(), w.to_vec());
                up[i] += h;
                down[i] -= h;
                let d = (run(&up).value - run(&down).value) / (2.0 * h);
                let z = lin.z(&spec.row(v[i]));
                assert!(
                    (z - d).abs() <= 1e-6 * (1e-3 + d.abs()),
                    "{m:?} row {i}: z = {z}, derivative = {d}"
                );
            }
        }
    }

    #[test]
    fn linearized_variance_matches_welford() {
        let v = [1.5, 2.0, 4.0, 8.0, 3.0, 5.0, 0.7, 12.0, 2.5];
        let w = [1.0, 2.0, 1.5, 3.0, 1.0, 2.5, 1.0, 0.5, 2.0];
        let m = EntropyMeasure::Ge(1.0);
        let spec = EntropySpec::for_measure(m).unwrap();
        let mut sums = EntropySums::new(spec);
        for (&x, &wi) in v.iter().zip(&w) {
            sums.add(x, wi);
        }
        let lin = sums.finish(m).unwrap().lin.unwrap();
        let (mut a, mut b, mut c) = (
            LinearizedVariance::default(),
            LinearizedVariance::default(),
            crate::accumulate::TotalVariance::default(),
        );
        let mut total = 0.0;
        for (i, (&x, &wi)) in v.iter().zip(&w).enumerate() {
            let u = wi * lin.z(&spec.row(x));
            total += u;
            if i < 4 {
                a.push(u)
            } else {
                b.push(u)
            }
            c.push(u);
        }
        // Σ wz = 0 for a weight-scale-invariant estimator.
        assert!(total.abs() < 1e-15);
        a.merge(&b);
        let (x, y) = (a.standard_error().unwrap(), c.standard_error().unwrap());
        assert!(close(x, y, 1e-13), "{x} vs {y}");
        assert_eq!(LinearizedVariance::default().standard_error(), None);
    }

    #[test]
    fn chunked_path_equals_per_row_path() {
        let v: Vec<f64> = (0..1000)
            .map(|i| 1.0 + ((i * 7919) % 1013) as f64 * 3.5)
            .collect();
        let w: Vec<f64> = (0..1000).map(|i| 1.0 + (i % 5) as f64).collect();
        let mut spec = EntropySpec::new();
        let measures = [
            EntropyMeasure::Ge(0.0),
            EntropyMeasure::Ge(1.0),
            EntropyMeasure::Ge(-1.0),
            EntropyMeasure::Ge(0.3),
            EntropyMeasure::Atkinson(0.5),
            EntropyMeasure::Cv,
        ];
        for m in measures {
            spec.require(m).unwrap();
        }
        for weights in [None, Some(w.as_slice())] {
            let mut per_row = EntropySums::new(spec);
            for (i, &x) in v.iter().enumerate() {
                per_row.add(x, weights.map_or(1.0, |w| w[i]));
            }
            let mut chunked = EntropySums::new(spec);
            chunked.add_slice(&v, weights);
            assert_eq!(per_row.n(), chunked.n());
            for m in measures {
                let (a, b) = (per_row.finish(m).unwrap(), chunked.finish(m).unwrap());
                assert!(close(a.value, b.value, 1e-13), "{m:?}");
                let lin = b.lin.unwrap();
                let mut cols = EntropyColumns::new();
                let (mut va, mut vb) =
                    (LinearizedVariance::default(), LinearizedVariance::default());
                let mut i = 0;
                for_each_chunk(&v, weights, |x, wc| {
                    spec.columns(x, &mut cols);
                    lin.push_columns(&cols, wc, &mut vb);
                    let mut z = vec![0.0; x.len()];
                    lin.z_columns(&cols, &mut z);
                    for (k, &xk) in x.iter().enumerate() {
                        let zr = lin.z(&spec.row(xk));
                        assert_eq!(zr.to_bits(), lin.z_at(&cols, k).to_bits());
                        assert!(close(z[k], zr, 1e-12) || (z[k] - zr).abs() < 1e-18);
                        va.push(wc[k] * zr);
                        i += 1;
                    }
                });
                assert_eq!(i, v.len());
                let (sa, sb) = (va.standard_error().unwrap(), vb.standard_error().unwrap());
                assert!(close(sa, sb, 1e-12), "{m:?}: {sa} vs {sb}");
            }
        }
    }

    #[test]
    fn spec_holds_limited_extra_powers() {
        let mut spec = EntropySpec::new();
        for a in [0.1, 0.2, 0.3, 0.4] {
            spec.require(EntropyMeasure::Ge(a)).unwrap();
        }
        // Special exponents and repeats never use a slot.
        spec.require(EntropyMeasure::Ge(0.2)).unwrap();
        spec.require(EntropyMeasure::Atkinson(3.0 / 2.0))
            .unwrap_err();
        spec.require(EntropyMeasure::Atkinson(2.0)).unwrap();
        spec.require(EntropyMeasure::Atkinson(0.5)).unwrap();
        assert!(matches!(
            spec.require(EntropyMeasure::Ge(5.0)),
            Err(StatsError::InvalidParameter { .. })
        ));
    }

    #[test]
    fn overflow_is_an_error_not_nan() {
        // 1e200 itself is now refused as too large; 1e29 cubed and summed still fits, but
        // GE(12) would need x^12.
        let v = [1e200, 2e200];
        assert!(matches!(
            generalized_entropy(&v, None, 3.0),
            Err(StatsError::ValueTooLarge { index: 0, .. })
        ));
        let v = [1e29, 2e29];
        assert!(matches!(
            generalized_entropy(&v, None, 12.0),
            Err(StatsError::Undefined { .. })
        ));
        // The index is scale invariant: rescaled, it is fine.
        let e = generalized_entropy(&[1.0, 2.0], None, 3.0).unwrap();
        assert!(e.value.is_finite());
    }
}
