//! The whole measure suite in a few fused passes (what [`crate::suite()`] runs).
//!
//! Per sample (the whole sample, or one group):
//!
//! 1. **Moments** — one pass over the rows in any order: [`EntropySums`] of every basis function
//!    the entropy-type measures need (`x`, `ln x`, `x ln x`, `x²`, `1/x`, `√x`: one `ln` per
//!    row, shared by Theil T, Theil L and Atkinson(1)), and the range of the values. Gives the
//!    mean, Theil T/L, GE(2), Atkinson 0.5/1/2, the CV and their linearizations.
//! 2. **Sort** — [`crate::sort`] (stable, two threads), cached on the [`Sample`].
//! 3. **Sorted pass** — per chunk of sorted rows: the weight and income of the chunk, the Gini
//!    sums (`Σ C·wx` in chunk-local form, put together afterwards with the cumulative weight
//!    before each chunk) and the shifted moments for the kernel bandwidth. The cumulative
//!    weight and income at every chunk start make a [`Ranks`] index: every quantile cut and
//!    Lorenz partial sum (median, quintiles, the relative line's quantile, Palma, S80/S20,
//!    Lorenz ordinates) is then a binary search plus a scan of one chunk.
//! 4. **Poor** — one pass over the sorted rows below the poverty line: FGT P0–P2, Watts and the
//!    derivatives in the line that a relative line's standard errors need.
//! 5. Only with standard errors: the Gaussian kernel sums at the thresholds (each over its
//!    `±9h` window of the sorted rows), then one **variance pass** over the sorted rows that
//!    evaluates every linearized variable of every measure per row, the Gini's included (its
//!    influence function needs the cumulative sums of the sorted pass).
//!
//! By group ([`suite_by_group`]): the rows are bucketed by group and value range in one stable
//! counting scatter; each group's moment sums give the decompositions and, merged, the whole
//! sample's; then each group is sorted (bucket by bucket, in cache) and measured, its variance
//! pass also accumulating over its rows the whole sample's entropy-type linearized variables and
//! the decompositions' within and between ones (so no pass needs a row's group id); last the
//! whole sample is sorted into the buffer of the buckets and measured.
//!
//! Sums are plain within a chunk of [`CHUNK`] rows and compensated across chunks; variances
//! are centred per chunk ([`ChunkedVariance`]). Large samples run every pass on two threads
//! (halves merged), groups two at a time, one per thread. `ln` and the kernels' `exp` are
//! vectorizable versions ([`crate::fastmath`]), within a few ulps of the library's.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Mutex;

use crate::accumulate::CompensatedSum;
use crate::decomposition::{DecompositionFinish, GroupIndex, GroupedEntropySums};
use crate::entropy::{EntropyColumns, EntropyMeasure, EntropySpec, EntropySums, Linearization};
use crate::entropy::{ONE, X, check_domain};
use crate::fastmath::{exp_non_positive, ln_chunk};
use crate::lorenz::{QsrLinearization, lorenz_ordinate, require_positive_total};
use crate::quantile::{
    Cum, KERNEL_CUTOFF, KernelAt, QuantileCut, QuantileLinearization, QuantileRule,
    convey_bandwidth,
};
use crate::relative::{PovertyIndex, PovertyLinearization, RelativeLine, require_positive};
use crate::rows::{CHUNK, ChunkedVariance, Input, RAMP, Rows, dot, exclusive_prefix, sum};
use crate::sample::{Sorted, require_non_negative};
use crate::sort::{SortItem, bucket_by_group, run_parts, split_ranges, threads_for};
use crate::suite::{GroupedSuite, PovertyLine, Suite, SuiteOptions};
use crate::{Estimate, GeDecomposition, GiniConvention, GroupEntropy, Sample, StatsError};

/// The entropy-type measures of the suite, in the order of [`Suite`]'s fields.
const ENTROPY_MEASURES: [EntropyMeasure; 7] = [
    EntropyMeasure::Ge(1.0),
    EntropyMeasure::Ge(0.0),
    EntropyMeasure::Ge(2.0),
    EntropyMeasure::Atkinson(0.5),
    EntropyMeasure::Atkinson(1.0),
    EntropyMeasure::Atkinson(2.0),
    EntropyMeasure::Cv,
];

/// The decomposed indices: Theil T, Theil L, GE(2).
const DECOMPOSED: [f64; 3] = [1.0, 0.0, 2.0];

/// One spec holding the sums of every entropy-type measure of the suite.
pub(crate) fn suite_spec() -> EntropySpec {
    let mut spec = EntropySpec::new();
    for m in ENTROPY_MEASURES {
        spec.require(m).expect("the suite's parameters are valid");
    }
    spec
}

// ---------------------------------------------------------------------------------------------
// Pass 1: moments, in any order.

/// [`EntropySums`] of `spec` over every row, on `threads` threads.
pub(crate) fn moment_sums<R: Rows + ?Sized>(
    rows: &R,
    spec: EntropySpec,
    threads: usize,
) -> EntropySums {
    let ranges = split_ranges(rows.len(), threads, CHUNK);
    let parts = run_parts(ranges.len(), |p| {
        let mut sums = EntropySums::new(spec);
        let mut cols = EntropyColumns::new();
        rows.for_chunks(ranges[p].clone(), |_, x, w| {
            spec.columns_with(x, &mut cols, ln_chunk);
            sums.add_columns(&cols, w);
        });
        sums
    });
    let mut total = EntropySums::new(spec);
    for p in &parts {
        total.merge(p);
    }
    total
}

// ---------------------------------------------------------------------------------------------
// Pass 3: the sorted pass and the rank index.

/// Sums of one chunk of sorted rows; `c'` is the cumulative weight inside the chunk.
#[derive(Clone, Copy, Debug, Default)]
struct ChunkStats {
    /// `Σ w`.
    w: f64,
    /// `Σ w·x`.
    wx: f64,
    /// `Σ c'·w·x` (`c'` including the row).
    l2: f64,
    /// `Σ w·w·x`.
    q: f64,
    /// `Σ w·s`, `s = x − x_min`.
    m1: f64,
    /// `Σ w·s²`.
    m2: f64,
}

fn chunk_stats<R: Rows + ?Sized>(
    rows: &R,
    range: Range<usize>,
    x_min: f64,
    moments: bool,
    out: &mut Vec<ChunkStats>,
) {
    let unit = rows.unit_weights();
    let mut c = [0.0; CHUNK];
    let mut wx = [0.0; CHUNK];
    let mut s = [0.0; CHUNK];
    let mut ws = [0.0; CHUNK];
    rows.for_chunks(range, |_, x, w| {
        let n = x.len();
        let mut st = if unit {
            let sx = sum(x);
            ChunkStats {
                w: n as f64,
                wx: sx,
                l2: dot(&RAMP[..n], x),
                q: sx,
                m1: 0.0,
                m2: 0.0,
            }
        } else {
            exclusive_prefix(w, &mut c);
            for k in 0..n {
                c[k] += w[k];
                wx[k] = w[k] * x[k];
            }
            ChunkStats {
                w: sum(w),
                wx: sum(&wx[..n]),
                l2: dot(&c[..n], &wx[..n]),
                q: dot(w, &wx[..n]),
                m1: 0.0,
                m2: 0.0,
            }
        };
        if moments {
            for k in 0..n {
                s[k] = x[k] - x_min;
                ws[k] = w[k] * s[k];
            }
            st.m1 = sum(&ws[..n]);
            st.m2 = dot(&ws[..n], &s[..n]);
        }
        out.push(st);
    });
}

/// `(a, b, k)` with the centred rank of row `i` `a·Cᵢ₋₁ + b·Cᵢ + k` (see `Sample::gini`).
fn gini_coefficients(convention: GiniConvention, w_total: f64) -> (f64, f64, f64) {
    match convention {
        GiniConvention::FrequencyWeights => (1.0, 1.0, -w_total),
        GiniConvention::Convey => (0.0, 2.0, -1.0 - w_total),
    }
}

/// Results of the sorted pass.
#[derive(Clone, Debug)]
pub(crate) struct SortedPass {
    /// The sample's total weight `W` (thresholds are relative to it).
    w_total: f64,
    /// Cumulative `(Σ w, Σ w·x)` before chunk `j`, for `j = 0..=chunks`.
    prefix: Vec<(f64, f64)>,
    /// `T = Σ w·x` in ascending order.
    pub(crate) income: f64,
    /// `Σ (a·Cᵢ₋₁ + b·Cᵢ + k)·wᵢxᵢ` of the convention asked for.
    gini_numerator: f64,
    /// `T₁ = Σ Cᵢ·wᵢxᵢ`.
    t1: f64,
    /// Population weighted variance of the values (kernel bandwidth), if asked for.
    pub(crate) variance: f64,
}

/// One pass over sorted rows, on `threads` threads.
pub(crate) fn sorted_pass<R: Rows + ?Sized>(
    rows: &R,
    w_total: f64,
    convention: GiniConvention,
    moments: bool,
    threads: usize,
) -> SortedPass {
    let n = rows.len();
    let x_min = if n > 0 { rows.value(0) } else { 0.0 };
    let ranges = split_ranges(n, threads, CHUNK);
    let parts = run_parts(ranges.len(), |p| {
        let mut v = Vec::with_capacity(ranges[p].len().div_ceil(CHUNK));
        chunk_stats(rows, ranges[p].clone(), x_min, moments, &mut v);
        v
    });
    let (a, b, k) = gini_coefficients(convention, w_total);
    let mut prefix = Vec::with_capacity(n.div_ceil(CHUNK) + 1);
    prefix.push((0.0, 0.0));
    let (mut cw, mut cwx) = (CompensatedSum::default(), CompensatedSum::default());
    let (mut num, mut t1) = (CompensatedSum::default(), CompensatedSum::default());
    let (mut m1, mut m2) = (CompensatedSum::default(), CompensatedSum::default());
    for st in parts.iter().flatten() {
        let base = cw.value();
        // Σ (a·C₋ + b·C + k)·wx with C = base + c', C₋ = base + c' − w.
        num.add(((a + b) * base + k) * st.wx);
        num.add(a * (st.l2 - st.q) + b * st.l2);
        t1.add(base * st.wx);
        t1.add(st.l2);
        cw.add(st.w);
        cwx.add(st.wx);
        m1.add(st.m1);
        m2.add(st.m2);
        prefix.push((cw.value(), cwx.value()));
    }
    let mean_s = m1.value() / w_total;
    SortedPass {
        w_total,
        prefix,
        income: cwx.value(),
        gini_numerator: num.value(),
        t1: t1.value(),
        variance: (m2.value() / w_total - mean_s * mean_s).max(0.0),
    }
}

/// Index of the first row of sorted `rows` for which `pred(value)` is false (`pred` true on a
/// prefix).
fn partition_point<R: Rows + ?Sized>(rows: &R, pred: impl Fn(f64) -> bool) -> usize {
    let (mut lo, mut hi) = (0, rows.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(rows.value(mid)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Rank queries on sorted rows: cumulative weight and income at any row, quantile cuts and
/// Lorenz partial sums, with the semantics of [`crate::quantile::RankScan`].
pub(crate) struct Ranks<'a, R: ?Sized> {
    rows: &'a R,
    pass: &'a SortedPass,
}

impl<'a, R: Rows + ?Sized> Ranks<'a, R> {
    pub(crate) fn new(rows: &'a R, pass: &'a SortedPass) -> Self {
        Ranks { rows, pass }
    }

    fn total(&self) -> Cum {
        let &(weight, income) = self.pass.prefix.last().expect("prefix starts with zero");
        Cum { weight, income }
    }

    /// Weight and income of the rows before row `i`.
    fn cum_before(&self, i: usize) -> Cum {
        if i >= self.rows.len() {
            return self.total();
        }
        let j = i / CHUNK;
        let (w0, g0) = self.pass.prefix[j];
        let (mut lw, mut lg) = (0.0, 0.0);
        for r in j * CHUNK..i {
            let (x, w) = (self.rows.value(r), self.rows.weight(r));
            lw += w;
            lg += w * x;
        }
        Cum {
            weight: w0 + lw,
            income: g0 + lg,
        }
    }

    /// The first row `k` whose cumulative weight `Cₖ` (including it) satisfies `pred`
    /// (monotone), with `Cₖ`.
    fn first_reaching(&self, pred: impl Fn(f64) -> bool) -> Option<(usize, f64)> {
        let prefix = &self.pass.prefix;
        let chunks = prefix.len() - 1;
        let j0 = prefix[1..].partition_point(|&(w, _)| !pred(w));
        let n = self.rows.len();
        for (j, &(base, _)) in prefix.iter().enumerate().take(chunks).skip(j0) {
            let mut local = 0.0;
            for k in j * CHUNK..((j + 1) * CHUNK).min(n) {
                local += self.rows.weight(k);
                let c = base + local;
                if pred(c) {
                    return Some((k, c));
                }
            }
        }
        None
    }

    /// The weighted quantile cut at probability `p` (every rule), as the rank scan's.
    pub(crate) fn cut(&self, p: f64) -> QuantileCut {
        let w_total = self.pass.w_total;
        let n = self.rows.len();
        match self.first_reaching(|c| c / w_total >= p) {
            None => {
                let last = self.rows.value(n - 1);
                QuantileCut {
                    p,
                    lower: last,
                    upper: last,
                    tie: false,
                    at_or_below_lower: self.total(),
                    at_or_below_upper: self.total(),
                }
            }
            Some((k, c)) => {
                let lower = self.rows.value(k);
                let (upper, tie) = if c / w_total == p && k + 1 < n {
                    (self.rows.value(k + 1), true)
                } else {
                    (lower, false)
                };
                let at_or_below = |v: f64| self.cum_before(partition_point(self.rows, |x| x <= v));
                let at_or_below_lower = at_or_below(lower);
                QuantileCut {
                    p,
                    lower,
                    upper,
                    tie,
                    at_or_below_lower,
                    at_or_below_upper: if tie {
                        at_or_below(upper)
                    } else {
                        at_or_below_lower
                    },
                }
            }
        }
    }

    /// Lorenz partial sum `T(p)` (income of the poorest `p·W` units, the straddling one in
    /// proportion).
    pub(crate) fn lorenz_partial(&self, p: f64) -> f64 {
        let threshold = p * self.pass.w_total;
        match self.first_reaching(|c| c >= threshold) {
            None => self.pass.income,
            Some((k, _)) => {
                let before = self.cum_before(k);
                before.income + (threshold - before.weight) * self.rows.value(k)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The Gini coefficient from the sorted pass, and its influence function (second sorted pass).

/// Gini value from the sorted pass (`None` if the total income is not positive).
/// The Gini coefficient of a sorted pass: undefined when the total income is zero, and an
/// error of its own when the total (or the result) is not finite — an overflow is not "every
/// value is zero".
pub(crate) fn gini_value(pass: &SortedPass) -> Result<f64, StatsError> {
    if pass.income == 0.0 {
        return Err(GINI_ZERO);
    }
    let value = pass.gini_numerator / (pass.w_total * pass.income);
    if pass.income > 0.0 && value.is_finite() {
        Ok(value)
    } else {
        Err(StatsError::NotFinite {
            measure: "the Gini coefficient",
        })
    }
}

/// Gini coefficient and standard error of a sorted sample (values `>= 0` checked by the
/// caller): the sorted pass, then one more for the influence function (it needs the totals).
pub(crate) fn gini_of_sorted(
    sorted: &Sorted,
    w_total: f64,
    convention: GiniConvention,
) -> Result<(f64, Option<f64>), StatsError> {
    fn run<R: Rows + ?Sized>(
        rows: &R,
        w_total: f64,
        convention: GiniConvention,
    ) -> Result<(f64, Option<f64>), StatsError> {
        let threads = threads_for(rows.len());
        let pass = sorted_pass(rows, w_total, convention, false, threads);
        let value = gini_value(&pass)?;
        let lin = GiniLin::new(&pass);
        let unit = rows.unit_weights();
        let ranges = split_ranges(rows.len(), threads, CHUNK);
        let parts = run_parts(ranges.len(), |p| {
            let mut var = ChunkedVariance::default();
            let mut u = [0.0; CHUNK];
            rows.for_chunks(ranges[p].clone(), |start, x, w| {
                lin.u(start, x, w, unit, &mut u[..x.len()]);
                var.push_chunk(&u[..x.len()]);
            });
            var
        });
        let mut var = ChunkedVariance::default();
        for p in &parts {
            var.merge(p);
        }
        Ok((value, var.standard_error()))
    }
    match sorted {
        Sorted::Unweighted(v) => run(&v[..], w_total, convention),
        Sorted::Weighted(p) => run(&p[..], w_total, convention),
    }
}

const GINI_ZERO: StatsError = StatsError::Undefined {
    measure: "the Gini coefficient",
    reason: "every value is zero (the mean is zero)",
};

// ---------------------------------------------------------------------------------------------
// Kernel sums and the poverty pass.

/// convey's kernel estimates at `t` (as [`crate::quantile::kernel_at`]), over the window of
/// sorted rows within `KERNEL_CUTOFF·h` of `t`, chunked, on up to `threads` threads.
fn kernel<R: Rows + ?Sized>(rows: &R, t: f64, h: f64, w_total: f64, threads: usize) -> KernelAt {
    if !(h > 0.0 && h.is_finite()) {
        return KernelAt::default();
    }
    let (lo, hi) = (t - KERNEL_CUTOFF * h, t + KERNEL_CUTOFF * h);
    let a = partition_point(rows, |x| x < lo);
    let b = partition_point(rows, |x| x <= hi);
    let len = b - a;
    let parts = split_ranges(len, threads.min(threads_for(len)), CHUNK);
    let sums = run_parts(parts.len(), |p| {
        let r = parts[p].start + a..parts[p].end + a;
        let (mut f, mut s) = (CompensatedSum::default(), CompensatedSum::default());
        let mut k = [0.0; CHUNK];
        let mut wx = [0.0; CHUNK];
        let inv_h = 1.0 / h;
        rows.for_chunks(r, |_, x, w| {
            let n = x.len();
            for i in 0..n {
                let u = (t - x[i]) * inv_h;
                k[i] = exp_non_positive(-0.5 * u * u);
                wx[i] = w[i] * x[i];
            }
            f.add(dot(w, &k[..n]));
            s.add(dot(&wx[..n], &k[..n]));
        });
        (f.value(), s.value())
    });
    let (mut f, mut s) = (CompensatedSum::default(), CompensatedSum::default());
    for (pf, ps) in sums {
        f.add(pf);
        s.add(ps);
    }
    let norm = 1.0 / (2.0 * std::f64::consts::PI).sqrt();
    KernelAt {
        density: f.value() * norm / (w_total * h),
        income_density: s.value() * norm / h,
    }
}

/// Weighted sums over the rows below a poverty line `z` (a prefix of the sorted rows).
#[derive(Clone, Copy, Debug, Default)]
struct PoorSums {
    /// `Σ w` (P0 numerator).
    count: f64,
    /// `Σ w·gap`, `gap = (z − y)/z`.
    gap: f64,
    /// `Σ w·gap²`.
    gap2: f64,
    /// `Σ w·ln(z/y)`.
    watts: f64,
    /// `Σ w·y/z²` (derivative of P1 in the line).
    d1: f64,
    /// `Σ w·2·gap·y/z²` (of P2).
    d2: f64,
    /// `Σ w/z` (of Watts).
    dw: f64,
}

fn poor_sums<R: Rows + ?Sized>(
    rows: &R,
    z: f64,
    watts: bool,
    derivatives: bool,
    threads: usize,
) -> PoorSums {
    let k_poor = partition_point(rows, |y| y < z);
    let ranges = split_ranges(k_poor, threads.min(threads_for(k_poor)), CHUNK);
    let parts = run_parts(ranges.len(), |p| {
        let mut acc = [CompensatedSum::default(); 7];
        let mut gap = [0.0; CHUNK];
        let mut gap2 = [0.0; CHUNK];
        let mut t = [0.0; CHUNK];
        rows.for_chunks(ranges[p].clone(), |_, y, w| {
            let n = y.len();
            for k in 0..n {
                gap[k] = (z - y[k]) / z;
                gap2[k] = gap[k] * gap[k];
            }
            acc[0].add(sum(w));
            acc[1].add(dot(w, &gap[..n]));
            acc[2].add(dot(w, &gap2[..n]));
            if watts {
                for k in 0..n {
                    t[k] = (z / y[k]).ln();
                }
                acc[3].add(dot(w, &t[..n]));
            }
            if derivatives {
                for k in 0..n {
                    t[k] = y[k] / (z * z);
                }
                acc[4].add(dot(w, &t[..n]));
                for k in 0..n {
                    t[k] = 2.0 * ((z - y[k]) / z).powf(1.0) * y[k] / (z * z);
                }
                acc[5].add(dot(w, &t[..n]));
                acc[6].add(sum(w) * (1.0 / z));
            }
        });
        acc.map(|a| a.value())
    });
    let mut acc = [CompensatedSum::default(); 7];
    for p in &parts {
        for (a, &v) in acc.iter_mut().zip(p) {
            a.add(v);
        }
    }
    let v = acc.map(|a| a.value());
    PoorSums {
        count: v[0],
        gap: v[1],
        gap2: v[2],
        watts: v[3],
        d1: v[4],
        d2: v[5],
        dw: v[6],
    }
}

// ---------------------------------------------------------------------------------------------
// The variance pass.

/// A linearized variable that is not a combination of the entropy basis functions.
#[derive(Clone, Copy, Debug)]
enum PointLin {
    Quantile(QuantileLinearization),
    Qsr(QsrLinearization),
    Poverty(PovertyLinearization),
}

/// What one variance pass over sorted rows evaluates.
struct VarianceJob<'a> {
    spec: EntropySpec,
    entropy: Vec<Linearization>,
    points: Vec<PointLin>,
    /// The Gini coefficient's influence function (the pass runs over the sorted rows its
    /// prefix sums were taken from).
    gini: Option<GiniLin<'a>>,
}

#[derive(Clone, Debug, Default)]
struct VarianceOut {
    entropy: Vec<ChunkedVariance>,
    points: Vec<ChunkedVariance>,
    gini: ChunkedVariance,
}

impl VarianceOut {
    fn new(job: &VarianceJob<'_>) -> Self {
        VarianceOut {
            entropy: vec![ChunkedVariance::default(); job.entropy.len()],
            points: vec![ChunkedVariance::default(); job.points.len()],
            gini: ChunkedVariance::default(),
        }
    }

    fn merge(&mut self, other: &VarianceOut) {
        for (a, b) in self.entropy.iter_mut().zip(&other.entropy) {
            a.merge(b);
        }
        for (a, b) in self.points.iter_mut().zip(&other.points) {
            a.merge(b);
        }
        self.gini.merge(&other.gini);
    }
}

/// `z = c₀ + a·f_a(x) + b·f_b(x)`: every linearization of the suite's entropy-type measures
/// and of the decompositions has at most two basis functions besides `1` (`x` and one of
/// `ln x`, `x ln x`, `x²`, `1/x`, `√x`). Same order of operations as
/// [`Linearization::z_columns`].
#[derive(Clone, Copy, Debug)]
struct Lin2 {
    c0: f64,
    a: (usize, f64),
    b: (usize, f64),
}

impl Lin2 {
    /// `None` if the linearization needs more than two basis functions besides `1`.
    fn new(lin: &Linearization) -> Option<Self> {
        let mut terms = (X..lin.c.len())
            .filter(|&j| lin.c[j] != 0.0)
            .map(|j| (j, lin.c[j]));
        let a = terms.next().unwrap_or((X, 0.0));
        let b = terms.next().unwrap_or((X, 0.0));
        terms.next().is_none().then_some(Lin2 {
            c0: lin.c[ONE],
            a,
            b,
        })
    }
}

/// The Gini coefficient's linearized variable on the sorted rows (convey's `CalcGini_IF`, see
/// `Sample::gini`).
#[derive(Clone, Copy, Debug)]
struct GiniLin<'a> {
    prefix: &'a [(f64, f64)],
    total: f64,
    coef_t1: f64,
    coef_x: f64,
    constant: f64,
}

impl<'a> GiniLin<'a> {
    fn new(pass: &'a SortedPass) -> Self {
        let total = pass.income;
        let w_total = pass.w_total;
        GiniLin {
            prefix: &pass.prefix,
            total,
            coef_t1: 2.0 / (total * w_total),
            coef_x: 2.0 * pass.t1 / (total * total * w_total),
            constant: (2.0 * pass.t1 - total) / (total * w_total * w_total),
        }
    }

    /// `uᵢ = wᵢ·zᵢ` for the chunk of sorted rows starting at row `start`.
    #[inline]
    fn u(&self, start: usize, x: &[f64], w: &[f64], unit: bool, u: &mut [f64]) {
        let n = x.len();
        let (cb, gb) = self.prefix[start / CHUNK];
        // Income strictly before each row, and weight up to and including it, in the chunk.
        let mut g = [0.0; CHUNK];
        let mut cw = [0.0; CHUNK];
        let c: &[f64] = if unit {
            exclusive_prefix(x, &mut g);
            &RAMP[..n]
        } else {
            let mut wx = [0.0; CHUNK];
            for k in 0..n {
                wx[k] = w[k] * x[k];
            }
            exclusive_prefix(&wx[..n], &mut g);
            exclusive_prefix(w, &mut cw);
            for k in 0..n {
                cw[k] += w[k];
            }
            &cw[..n]
        };
        for k in 0..n {
            // T − Gᵢ + wᵢxᵢ = T minus the income strictly before row i.
            let upper_tail = self.total - (gb + g[k]);
            let lin_t1 = upper_tail + (cb + c[k]) * x[k];
            let z = self.coef_t1 * lin_t1 - self.coef_x * x[k] - self.constant;
            u[k] = w[k] * z;
        }
    }
}

/// Push `uᵢ = wᵢ·zᵢ` of a point linearization on a chunk into `var`. Branch-free loops, one
/// per kind.
#[inline]
fn push_point(lin: &PointLin, x: &[f64], w: &[f64], var: &mut ChunkedVariance) {
    let n = x.len();
    let w = &w[..n];
    match lin {
        PointLin::Quantile(l) => var.push_fn(n, |k| w[k] * l.z(x[k])),
        PointLin::Qsr(l) => var.push_fn(n, |k| w[k] * l.z(x[k])),
        PointLin::Poverty(l) => match l.line_lin {
            None => push_poverty(l, x, w, var, |_| 0.0),
            Some(q) => {
                let slope = l.slope;
                push_poverty(l, x, w, var, |y| slope * q.z(y));
            }
        },
    }
}

/// [`push_point`] for a poverty index, `line_term(y)` the line's part of the linearized
/// variable (`0` for a fixed line).
#[inline(always)]
fn push_poverty(
    l: &PovertyLinearization,
    x: &[f64],
    w: &[f64],
    var: &mut ChunkedVariance,
    line_term: impl Fn(f64) -> f64,
) {
    let n = x.len();
    let (line, value) = (l.line, l.value);
    let inv_w = 1.0 / l.total_weight;
    let poor = |y: f64| f64::from(u8::from(y < line));
    match l.index {
        PovertyIndex::Fgt(0.0) => {
            var.push_fn(n, |k| {
                w[k] * ((poor(x[k]) - value) * inv_w + line_term(x[k]))
            });
        }
        PovertyIndex::Fgt(1.0) => var.push_fn(n, |k| {
            let gap = (line - x[k]) / line;
            w[k] * ((poor(x[k]) * gap - value) * inv_w + line_term(x[k]))
        }),
        PovertyIndex::Fgt(2.0) => var.push_fn(n, |k| {
            let gap = (line - x[k]) / line;
            w[k] * ((poor(x[k]) * (gap * gap) - value) * inv_w + line_term(x[k]))
        }),
        PovertyIndex::Fgt(_) => var.push_fn(n, |k| {
            w[k] * ((l.index.summand(x[k], line) - value) * inv_w + line_term(x[k]))
        }),
        PovertyIndex::Watts => {
            // ln(z/y) for the poor rows only (a prefix of sorted rows: most chunks have none).
            let mut h = [0.0f64; CHUNK];
            let h = &mut h[..n];
            if x.iter().any(|&y| y < line) {
                ln_chunk(x, h);
                let ln_line = line.ln();
                for (hk, &y) in h.iter_mut().zip(x) {
                    *hk = if y < line { ln_line - *hk } else { 0.0 };
                }
            }
            var.push_fn(n, |k| w[k] * ((h[k] - value) * inv_w + line_term(x[k])));
        }
    }
}

fn variance_pass<R: Rows + ?Sized>(rows: &R, job: &VarianceJob<'_>, threads: usize) -> VarianceOut {
    let ranges = split_ranges(rows.len(), threads, CHUNK);
    let entropy: Vec<Option<Lin2>> = job.entropy.iter().map(Lin2::new).collect();
    let unit = rows.unit_weights();
    let parts = run_parts(ranges.len(), |p| {
        let mut out = VarianceOut::new(job);
        let mut cols = EntropyColumns::new();
        let mut z = [0.0; CHUNK];
        rows.for_chunks(ranges[p].clone(), |start, x, w| {
            let n = x.len();
            let w = &w[..n];
            if !job.entropy.is_empty() {
                job.spec.columns_with(x, &mut cols, ln_chunk);
            }
            for ((lin, compiled), var) in
                job.entropy.iter().zip(&entropy).zip(out.entropy.iter_mut())
            {
                match compiled {
                    Some(l) => {
                        let (fa, fb) = (&cols.column(l.a.0)[..n], &cols.column(l.b.0)[..n]);
                        let (c0, ca, cb) = (l.c0, l.a.1, l.b.1);
                        var.push_fn(n, |k| w[k] * ((c0 + ca * fa[k]) + cb * fb[k]));
                    }
                    None => {
                        lin.z_columns(&cols, &mut z[..n]);
                        var.push_fn(n, |k| w[k] * z[k]);
                    }
                }
            }
            for (lin, var) in job.points.iter().zip(out.points.iter_mut()) {
                push_point(lin, x, w, var);
            }
            if let Some(g) = &job.gini {
                g.u(start, x, w, unit, &mut z[..n]);
                out.gini.push_chunk(&z[..n]);
            }
        });
        out
    });
    let mut total = VarianceOut::new(job);
    for p in &parts {
        total.merge(p);
    }
    total
}

// ---------------------------------------------------------------------------------------------
// The suite of one sample.

/// One sample to measure: its rows in any order (for the moment pass) and sorted.
pub(crate) struct View<'a, U: ?Sized, S: ?Sized> {
    pub(crate) n: usize,
    pub(crate) w_total: f64,
    pub(crate) unsorted: &'a U,
    pub(crate) sorted: &'a S,
    pub(crate) threads: usize,
    /// Moment sums of [`suite_spec`], if already accumulated.
    pub(crate) sums: Option<EntropySums>,
    /// Variances of the linearized variables of [`entropy_lins`], if already accumulated
    /// (by group, in the groups' passes).
    pub(crate) entropy_var: Option<Vec<ChunkedVariance>>,
    /// The values in input order, to name the first value outside a measure's domain.
    pub(crate) input_values: InputValues<'a>,
}

/// A sample's values in input order (only looked at to name a value outside a domain).
#[derive(Clone, Copy, Debug)]
pub(crate) enum InputValues<'a> {
    /// Every row.
    All(&'a [f64]),
    /// The rows of one group.
    Group {
        values: &'a [f64],
        groups: &'a [u32],
        id: u32,
    },
}

impl InputValues<'_> {
    fn get(&self) -> Cow<'_, [f64]> {
        match *self {
            InputValues::All(v) => Cow::Borrowed(v),
            InputValues::Group { values, groups, id } => Cow::Owned(
                values
                    .iter()
                    .zip(groups)
                    .filter(|&(_, &g)| g == id)
                    .map(|(&x, _)| x)
                    .collect(),
            ),
        }
    }
}

/// The mean and the entropy-type measures from the moment sums.
struct EntropyResults {
    mean: f64,
    mean_lin: Linearization,
    /// Per measure of [`ENTROPY_MEASURES`]: estimate and linearization, or the error.
    measures: Vec<Result<(f64, Option<Linearization>), StatsError>>,
}

fn entropy_results(sums: &EntropySums, w_total: f64, values: InputValues<'_>) -> EntropyResults {
    let min = sums.min();
    let (any_negative, any_non_positive) = (min < 0.0, min <= 0.0);
    // Mean: z = (x − μ)/W.
    let mean = sums.total() / w_total;
    let mut mean_lin = Linearization::zero();
    mean_lin.c[ONE] = -mean / w_total;
    mean_lin.c[X] = 1.0 / w_total;
    let measures = ENTROPY_MEASURES
        .iter()
        .map(|&m| {
            if any_negative || (m.requires_positive() && any_non_positive) {
                check_domain(&values.get(), m.requires_positive(), m.name())?;
            }
            let fin = sums.finish(m)?;
            Ok((fin.value, fin.lin))
        })
        .collect();
    EntropyResults {
        mean,
        mean_lin,
        measures,
    }
}

/// The linearized variables whose variances give the standard errors of the mean and the
/// entropy-type measures, in order: the mean's, then each defined measure's.
fn entropy_lins(r: &EntropyResults) -> Vec<Linearization> {
    std::iter::once(r.mean_lin)
        .chain(
            r.measures
                .iter()
                .filter_map(|m| m.as_ref().ok().and_then(|m| m.1)),
        )
        .collect()
}

/// A standard error still to be computed: where its variance lands.
#[derive(Clone, Copy, Debug)]
enum SeSlot {
    None,
    Entropy(usize),
    Point(usize),
}

/// The suite of one sample. `extra` are linearized variables of other estimators (the whole
/// sample's, the decompositions') to accumulate over this sample's rows: their variances are
/// returned beside the suite.
fn suite_core<U: Rows + ?Sized, S: Rows + ?Sized>(
    v: &View<'_, U, S>,
    o: &SuiteOptions,
    extra: &[Linearization],
) -> (Suite, Vec<ChunkedVariance>) {
    let want_se = o.standard_errors;
    let (n, w_total) = (v.n, v.w_total);
    let spec = suite_spec();
    let sums = match &v.sums {
        Some(s) => *s,
        None => moment_sums(v.unsorted, spec, v.threads),
    };
    let any_negative = sums.min() < 0.0;
    let any_non_positive = sums.min() <= 0.0;
    let values = || v.input_values.get();
    let entropy = entropy_results(&sums, w_total, v.input_values);
    let own_lins = if want_se && v.entropy_var.is_none() {
        entropy_lins(&entropy)
    } else {
        Vec::new()
    };

    let pass = sorted_pass(v.sorted, w_total, o.gini_convention, want_se, v.threads);
    let ranks = Ranks::new(v.sorted, &pass);
    let income = pass.income;
    let bandwidth = convey_bandwidth(pass.variance, w_total);
    // Kernel estimates, each point at most once.
    let mut kernels: Vec<(f64, KernelAt)> = Vec::new();
    let mut kernel_at = |t: f64| -> KernelAt {
        if let Some(&(_, k)) = kernels.iter().find(|(p, _)| p.to_bits() == t.to_bits()) {
            return k;
        }
        let k = kernel(v.sorted, t, bandwidth, w_total, v.threads);
        kernels.push((t, k));
        k
    };

    let mut job = VarianceJob {
        spec,
        entropy: own_lins.iter().chain(extra).copied().collect(),
        points: Vec::new(),
        gini: None,
    };
    // (estimate, where its standard error comes from)
    type Pending = Result<(f64, SeSlot), StatsError>;
    let point_slot = |job: &mut VarianceJob<'_>, lin: Option<PointLin>| match lin {
        Some(l) if want_se => {
            job.points.push(l);
            SeSlot::Point(job.points.len() - 1)
        }
        _ => SeSlot::None,
    };

    // Mean and entropy-type measures: their variances are the first of `job.entropy`, in the
    // order of `entropy_lins` (or given).
    let mut next_entropy = 0;
    let mut entropy_slot = |lin: Option<Linearization>| match lin {
        Some(_) if want_se => {
            next_entropy += 1;
            SeSlot::Entropy(next_entropy - 1)
        }
        _ => SeSlot::None,
    };
    let mean_p: Pending = Ok((entropy.mean, entropy_slot(Some(entropy.mean_lin))));
    let entropy_p: Vec<Pending> = entropy
        .measures
        .iter()
        .map(|m| m.clone().map(|(value, lin)| (value, entropy_slot(lin))))
        .collect();

    // Median.
    let median_cut = ranks.cut(0.5);
    let median_q = median_cut.value(QuantileRule::Lower);
    let median_p: Pending = Ok((median_q, {
        let lin = if want_se {
            QuantileLinearization::new(median_q, 0.5, kernel_at(median_q).density, w_total)
                .map(PointLin::Quantile)
        } else {
            None
        };
        point_slot(&mut job, lin)
    }));

    // Gini (its linearized variable joins the variance pass).
    let gini: Result<f64, StatsError> = if any_negative {
        require_non_negative(&values(), "the Gini coefficient").map(|()| 0.0)
    } else {
        gini_value(&pass)
    };

    // Lorenz shares.
    let share_ratio = |top: f64, bottom: f64| -> Result<f64, StatsError> {
        if any_negative {
            require_non_negative(&values(), "a share ratio")?;
        }
        require_positive_total("a share ratio", income)?;
        let top_income = if top >= 1.0 {
            income
        } else {
            income - ranks.lorenz_partial(1.0 - top)
        };
        let bottom_income = if bottom >= 1.0 {
            income
        } else {
            ranks.lorenz_partial(bottom)
        };
        if bottom_income <= 0.0 {
            return Err(StatsError::Undefined {
                measure: "a share ratio",
                reason: "the bottom group has no income (its share is zero)",
            });
        }
        Ok(top_income / bottom_income)
    };
    let palma = share_ratio(0.1, 0.4);
    let s80_s20 = share_ratio(0.2, 0.2);

    // Quintile share ratio by thresholds.
    let qsr_p: Pending = (|| {
        let measure = "the quantile share ratio";
        if any_negative {
            require_non_negative(&values(), measure)?;
        }
        let rule = QuantileRule::Lower;
        let (low, high) = (ranks.cut(0.2), ranks.cut(1.0 - 0.2));
        let bottom_income = low.at_or_below(rule).income;
        let top_income = income - high.at_or_below(rule).income;
        if bottom_income <= 0.0 {
            return Err(StatsError::Undefined {
                measure,
                reason: "the bottom group has no income (the bottom quantile is zero)",
            });
        }
        let lin = if want_se {
            QsrLinearization::new(
                rule,
                [low, high],
                [kernel_at(low.value(rule)), kernel_at(high.value(rule))],
                w_total,
                income,
            )
            .map(PointLin::Qsr)
        } else {
            None
        };
        Ok((top_income / bottom_income, point_slot(&mut job, lin)))
    })();

    // Poverty line, FGT, Watts.
    type Poverty = (Option<Pending>, Option<[Pending; 3]>, Option<Pending>);
    let (line_p, fgt_p, watts_p): Poverty = match o.line {
        None => (None, None, None),
        Some(PovertyLine::Absolute(z)) => {
            let (line, fgt, watts) = if !(z.is_finite() && z > 0.0) {
                let e = StatsError::InvalidParameter {
                    name: "poverty line",
                    value: z,
                    requirement: "finite and > 0",
                };
                (Err(e.clone()), [0, 1, 2].map(|_| Err(e.clone())), Err(e))
            } else {
                let watts_ok = if any_non_positive {
                    require_positive(&values(), "the Watts index")
                } else {
                    Ok(())
                };
                let ps = poor_sums(v.sorted, z, watts_ok.is_ok(), false, v.threads);
                let mut at = |index: PovertyIndex, total: f64| -> (f64, SeSlot) {
                    let value = total / w_total;
                    let lin = PovertyLinearization {
                        index,
                        line: z,
                        value,
                        total_weight: w_total,
                        slope: 0.0,
                        line_lin: None,
                    };
                    (value, point_slot(&mut job, Some(PointLin::Poverty(lin))))
                };
                let fgt = [
                    Ok(at(PovertyIndex::Fgt(0.0), ps.count)),
                    Ok(at(PovertyIndex::Fgt(1.0), ps.gap)),
                    Ok(at(PovertyIndex::Fgt(2.0), ps.gap2)),
                ];
                let watts = watts_ok.map(|()| at(PovertyIndex::Watts, ps.watts));
                (Ok((z, SeSlot::None)), fgt, watts)
            };
            (Some(line), Some(fgt), Some(watts))
        }
        Some(PovertyLine::Relative(line)) => {
            let watts_domain = if any_non_positive {
                require_positive(&values(), "the Watts index")
            } else {
                Ok(())
            };
            match relative_line(&ranks, line) {
                Err(e) => (
                    Some(Err(e.clone())),
                    Some([0, 1, 2].map(|_| Err(e.clone()))),
                    Some(watts_domain.and(Err(e))),
                ),
                Ok((q, z)) => {
                    let line_lin = if want_se {
                        QuantileLinearization::new(q, line.quantile, kernel_at(q).density, w_total)
                            .map(|l| l.scaled(line.share))
                    } else {
                        None
                    };
                    let line_p = Ok((z, point_slot(&mut job, line_lin.map(PointLin::Quantile))));
                    let ps = poor_sums(v.sorted, z, watts_domain.is_ok(), want_se, v.threads);
                    let density_at_line = if want_se { kernel_at(z).density } else { 0.0 };
                    let mut at = |index: PovertyIndex, total: f64, slope: f64| -> (f64, SeSlot) {
                        let value = total / w_total;
                        let lin = line_lin.map(|l| {
                            PointLin::Poverty(PovertyLinearization {
                                index,
                                line: z,
                                value,
                                total_weight: w_total,
                                slope,
                                line_lin: Some(l),
                            })
                        });
                        (value, point_slot(&mut job, lin))
                    };
                    let fgt = [
                        Ok(at(PovertyIndex::Fgt(0.0), ps.count, density_at_line)),
                        Ok(at(PovertyIndex::Fgt(1.0), ps.gap, ps.d1 / w_total)),
                        Ok(at(PovertyIndex::Fgt(2.0), ps.gap2, ps.d2 / w_total)),
                    ];
                    let watts =
                        watts_domain.map(|()| at(PovertyIndex::Watts, ps.watts, ps.dw / w_total));
                    (Some(line_p), Some(fgt), Some(watts))
                }
            }
        }
    };

    // Lorenz ordinates.
    let lorenz = if o.lorenz_points == 0 {
        Ok(Vec::new())
    } else {
        let k = o.lorenz_points.max(2);
        let ps: Vec<f64> = (0..k).map(|i| i as f64 / (k - 1) as f64).collect();
        (|| {
            if any_negative {
                require_non_negative(&values(), "Lorenz shares")?;
            }
            require_positive_total("Lorenz shares", income)?;
            Ok(ps
                .iter()
                .map(|&p| (p, lorenz_ordinate(p, ranks.lorenz_partial(p), income)))
                .collect())
        })()
    };

    // Standard errors: one pass over the sorted rows for every linearized variable.
    let var = if want_se {
        job.gini = gini.is_ok().then(|| GiniLin::new(&pass));
        variance_pass(v.sorted, &job, v.threads)
    } else {
        VarianceOut::default()
    };
    let gini_se = job.gini.and(var.gini.standard_error());
    let (own_var, extra_var) = var.entropy.split_at(own_lins.len().min(var.entropy.len()));
    let entropy_var: &[ChunkedVariance] = match &v.entropy_var {
        Some(given) => given,
        None => own_var,
    };
    let finish = |p: Pending| -> Result<Estimate, StatsError> {
        p.map(|(value, slot)| Estimate {
            value,
            se: match slot {
                SeSlot::None => None,
                SeSlot::Entropy(i) => entropy_var.get(i).and_then(|v| v.standard_error()),
                SeSlot::Point(i) => var.points[i].standard_error(),
            },
            n,
            total_weight: w_total,
        })
    };
    let plain = |r: Result<f64, StatsError>| {
        r.map(|value| Estimate {
            value,
            se: None,
            n,
            total_weight: w_total,
        })
    };
    let mut entropy = entropy_p.into_iter().map(finish);
    let mut next = || entropy.next().expect("seven entropy measures");
    let suite = Suite {
        n,
        total_weight: w_total,
        mean: finish(mean_p),
        median: finish(median_p),
        gini: gini.map(|value| Estimate {
            value,
            se: gini_se,
            n,
            total_weight: w_total,
        }),
        theil_t: next(),
        theil_l: next(),
        ge2: next(),
        atkinson_0_5: next(),
        atkinson_1: next(),
        atkinson_2: next(),
        cv: next(),
        palma: plain(palma),
        s80_s20: plain(s80_s20),
        s80_s20_quantile: finish(qsr_p),
        poverty_line: line_p.map(finish),
        fgt: fgt_p.map(|f| f.map(finish)),
        watts: watts_p.map(finish),
        lorenz,
    };
    (suite, extra_var.to_vec())
}

/// The relative line `share·q` and its quantile `q` (as `Sample::relative_threshold`).
fn relative_line<R: Rows + ?Sized>(
    ranks: &Ranks<'_, R>,
    line: RelativeLine,
) -> Result<(f64, f64), StatsError> {
    line.validate()?;
    let q = ranks.cut(line.quantile).value(line.rule);
    let z = line.share * q;
    if z <= 0.0 {
        return Err(StatsError::Undefined {
            measure: "a relative poverty line",
            reason: "the quantile it is a share of is <= 0, so the line is not positive",
        });
    }
    Ok((q, z))
}

// ---------------------------------------------------------------------------------------------
// Entry points.

/// Every measure on a validated sample (see [`crate::suite_of`]).
pub(crate) fn suite_of(s: &Sample<'_>, o: &SuiteOptions) -> Suite {
    let input = Input {
        values: s.values(),
        weights: s.weights(),
    };
    let threads = threads_for(s.len());
    let sorted = s.sorted();
    fn run<S: Rows + ?Sized>(
        s: &Sample<'_>,
        input: &Input<'_>,
        sorted: &S,
        threads: usize,
        o: &SuiteOptions,
    ) -> Suite {
        let v = View {
            n: s.len(),
            w_total: s.total_weight(),
            unsorted: input,
            sorted,
            threads,
            sums: None,
            entropy_var: None,
            input_values: InputValues::All(s.values()),
        };
        suite_core(&v, o, &[]).0
    }
    match sorted {
        Sorted::Unweighted(sorted) => run(s, &input, &sorted[..], threads, o),
        Sorted::Weighted(sorted) => run(s, &input, &sorted[..], threads, o),
    }
}

/// Run `f(slot)` for every group slot on `threads` threads, the largest groups first (by
/// `len`), and return the results by slot.
fn by_slot<R: Send>(len: &[usize], threads: usize, f: impl Fn(usize) -> R + Sync) -> Vec<R> {
    let mut order: Vec<usize> = (0..len.len()).collect();
    order.sort_by_key(|&s| len[s]);
    let queue = Mutex::new(order);
    let done: Vec<Vec<(usize, R)>> = run_parts(threads, |_| {
        let mut out = Vec::new();
        loop {
            let next = queue.lock().expect("group queue").pop();
            let Some(slot) = next else { break };
            out.push((slot, f(slot)));
        }
        out
    });
    let mut results: Vec<Option<R>> = (0..len.len()).map(|_| None).collect();
    for (slot, r) in done.into_iter().flatten() {
        results[slot] = Some(r);
    }
    results
        .into_iter()
        .map(|r| r.expect("every group measured"))
        .collect()
}

/// Every measure overall and per group, and the decompositions (see [`crate::suite_by_group`];
/// `groups` has one id per row).
pub(crate) fn suite_by_group(s: &Sample<'_>, groups: &[u32], o: &SuiteOptions) -> GroupedSuite {
    let index = GroupIndex::new(groups);
    match s.weights() {
        None => grouped::<f64>(s, groups, &index, o, Sorted::Unweighted),
        Some(_) => grouped::<(f64, f64)>(s, groups, &index, o, Sorted::Weighted),
    }
}

/// [`suite_by_group`] for rows of type `T` (values, or `(value, weight)` pairs):
///
/// 1. the rows bucketed by group and value range (one stable counting scatter);
/// 2. each group's moment sums (over its rows, in bucket order): merged, the whole sample's,
///    and the decompositions with their linearizations;
/// 3. each group sorted and measured, its variance pass also accumulating, over its rows, the
///    whole sample's entropy-type linearized variables and the decompositions' total, within
///    (the group's own within variable) and between components;
/// 4. the whole sample sorted (into the buffer of step 1) and measured.
fn grouped<T>(
    s: &Sample<'_>,
    groups: &[u32],
    index: &GroupIndex,
    o: &SuiteOptions,
    into_sorted: fn(Box<[T]>) -> Sorted,
) -> GroupedSuite
where
    T: SortItem,
    [T]: Rows,
{
    let (values, weights) = (s.values(), s.weights());
    let k = index.len();
    let threads = threads_for(values.len());
    let spec = suite_spec();
    let mut buckets =
        bucket_by_group::<T>(values, weights, k, |i| index.slot(groups[i]), s.range());
    let mut rows = std::mem::take(&mut buckets.rows);
    let start = buckets.group_start.clone();
    let len: Vec<usize> = start.windows(2).map(|w| w[1] - w[0]).collect();

    // 2. Moments by group, and everything that needs only them.
    let group_sums: Vec<EntropySums> = {
        let rows: &[T] = &rows;
        by_slot(&len, threads, |slot| {
            moment_sums(&rows[start[slot]..start[slot + 1]], spec, 1)
        })
    };
    let mut overall_sums = EntropySums::new(spec);
    for g in &group_sums {
        overall_sums.merge(g);
    }
    let grouped = GroupedEntropySums::from_groups(spec, group_sums.clone());
    let min = overall_sums.min();
    let decomposed: Vec<Result<DecompositionFinish, StatsError>> = DECOMPOSED
        .iter()
        .map(|&alpha| {
            let m = EntropyMeasure::Ge(alpha);
            if min < 0.0 || (m.requires_positive() && min <= 0.0) {
                check_domain(values, m.requires_positive(), m.name())?;
            }
            grouped.finish_decomposition(alpha)
        })
        .collect();
    let overall_lins = if o.standard_errors {
        entropy_lins(&entropy_results(
            &overall_sums,
            s.total_weight(),
            InputValues::All(values),
        ))
    } else {
        Vec::new()
    };
    // The total of a decomposition is the whole sample's index, linearized alike from the same
    // merged sums: its variance is that of the equal linearized variable accumulated anyway.
    let total_var_at: Vec<Option<usize>> = decomposed
        .iter()
        .map(|fin| {
            let fin = fin.as_ref().ok()?;
            overall_lins.iter().position(|l| *l == fin.total_lin)
        })
        .collect();

    // 3. Each group: sort, measure; its variance pass also takes the whole sample's and the
    // decompositions' linearized variables over its rows.
    let mut regions: Vec<Mutex<&mut [T]>> = Vec::with_capacity(k);
    {
        let mut rest: &mut [T] = &mut rows;
        for &l in &len {
            let (r, tail) = rest.split_at_mut(l);
            regions.push(Mutex::new(r));
            rest = tail;
        }
    }
    let results: Vec<(Suite, Vec<ChunkedVariance>)> = by_slot(&len, threads, |slot| {
        let mut region = regions[slot].lock().expect("group rows");
        let mut scratch = Vec::new();
        buckets.sort_group(slot, &mut region, &mut scratch);
        let region: &[T] = &region;
        let mut extra = overall_lins.clone();
        if o.standard_errors {
            for (fin, total) in decomposed.iter().zip(&total_var_at) {
                if let Ok(fin) = fin {
                    let within = fin.within_lin[slot];
                    if total.is_none() {
                        extra.push(fin.total_lin);
                    }
                    extra.push(within);
                    extra.push(fin.total_lin.combine(1.0, &within, -1.0));
                }
            }
        }
        let view = View {
            n: region.len(),
            w_total: buckets.group_weight[slot],
            unsorted: region,
            sorted: region,
            threads: 1,
            sums: Some(group_sums[slot]),
            entropy_var: None,
            input_values: InputValues::Group {
                values,
                groups,
                id: index.ids()[slot],
            },
        };
        suite_core(&view, o, &extra)
    });
    drop(regions);
    // The whole sample's and the decompositions' variances, merged over the groups.
    let n_extra = results.first().map_or(0, |r| r.1.len());
    let mut extra_var = vec![ChunkedVariance::default(); n_extra];
    for (_, v) in &results {
        for (a, b) in extra_var.iter_mut().zip(v) {
            a.merge(b);
        }
    }
    let (overall_var, dec_var) = extra_var.split_at(overall_lins.len().min(n_extra));

    // 4. The whole sample.
    let fine = buckets.fine.clone();
    drop(buckets);
    let sorted = s.sorted_reusing(Some(into_sorted(rows.into_boxed_slice())), fine);
    let input = Input { values, weights };
    fn run<S: Rows + ?Sized>(
        s: &Sample<'_>,
        input: &Input<'_>,
        sorted: &S,
        sums: EntropySums,
        entropy_var: Option<Vec<ChunkedVariance>>,
        o: &SuiteOptions,
    ) -> Suite {
        let v = View {
            n: s.len(),
            w_total: s.total_weight(),
            unsorted: input,
            sorted,
            threads: threads_for(s.len()),
            sums: Some(sums),
            entropy_var,
            input_values: InputValues::All(s.values()),
        };
        suite_core(&v, o, &[]).0
    }
    let entropy_var = o.standard_errors.then(|| overall_var.to_vec());
    let overall = match sorted {
        Sorted::Unweighted(p) => run(s, &input, &p[..], overall_sums, entropy_var, o),
        Sorted::Weighted(p) => run(s, &input, &p[..], overall_sums, entropy_var, o),
    };

    let mut dec_var = dec_var.iter();
    let mut decompositions =
        DECOMPOSED
            .iter()
            .zip(decomposed)
            .zip(&total_var_at)
            .map(|((&alpha, fin), total_at)| {
                fin.map(|fin| {
                    // [total, within, between]
                    let vars: Option<[ChunkedVariance; 3]> = o.standard_errors.then(|| {
                        let total = match total_at {
                            Some(i) => overall_var[*i],
                            None => *dec_var.next().expect("a total variance"),
                        };
                        let within = *dec_var.next().expect("a within variance");
                        let between = *dec_var.next().expect("a between variance");
                        [total, within, between]
                    });
                    let estimate = |value: f64, i: usize| Estimate {
                        value,
                        se: vars.and_then(|v| v[i].standard_error()),
                        n: s.len(),
                        total_weight: s.total_weight(),
                    };
                    GeDecomposition {
                        alpha,
                        total: estimate(fin.total, 0),
                        within: estimate(fin.within, 1),
                        between: estimate(fin.between, 2),
                        groups: index
                            .ids()
                            .iter()
                            .zip(&fin.groups)
                            .map(|(&id, g)| GroupEntropy {
                                id,
                                n: g.n,
                                total_weight: g.total_weight,
                                population_share: g.population_share,
                                income_share: g.income_share,
                                mean: g.mean,
                                ge: g.ge,
                            })
                            .collect(),
                    }
                })
            });
    let theil_t = decompositions.next().expect("three decompositions");
    let theil_l = decompositions.next().expect("three decompositions");
    let ge2 = decompositions.next().expect("three decompositions");
    GroupedSuite {
        overall,
        groups: index
            .ids()
            .iter()
            .zip(results)
            .map(|(&id, (suite, _))| (id, suite))
            .collect(),
        theil_t,
        theil_l,
        ge2,
    }
}

#[cfg(test)]
mod tests {
    use crate::{GiniConvention, Sample};

    /// `Sample::gini` (chunked passes) equals its row-by-row reference, on samples with ties,
    /// zeros and unequal weights, small and large (two threads), both conventions.
    #[test]
    fn gini_equals_reference() {
        let mut state = 3u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 11
        };
        for n in [1usize, 2, 3, 10, 255, 256, 257, 1000, 50_000, 300_000] {
            let values: Vec<f64> = (0..n)
                .map(|_| {
                    let r = next();
                    match r % 6 {
                        0 => 0.0,
                        1 => (r % 20) as f64 * 100.0,
                        _ => ((r % 100_000) as f64 / 1e4).exp(),
                    }
                })
                .collect();
            let weights: Vec<f64> = (0..n).map(|_| 0.25 + (next() % 37) as f64 / 8.0).collect();
            for w in [None, Some(weights.as_slice())] {
                let s = Sample::new(&values, w).unwrap();
                for c in [GiniConvention::FrequencyWeights, GiniConvention::Convey] {
                    let (a, b) = (s.gini(c), s.gini_reference(c));
                    match (a, b) {
                        (Ok(a), Ok(b)) => {
                            assert!((a.value - b.value).abs() <= 1e-12 * b.value.abs() + 1e-15);
                            match (a.se, b.se) {
                                (Some(x), Some(y)) => assert!(
                                    (x - y).abs() <= 1e-10 * y + 1e-15,
                                    "n {n}: se {x} vs {y}"
                                ),
                                (x, y) => assert_eq!(x, y),
                            }
                        }
                        (a, b) => assert_eq!(a, b),
                    }
                }
            }
        }
    }
}
