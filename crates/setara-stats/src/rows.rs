//! Rows of a sample seen chunk by chunk, for the fused passes of [`crate::fused`]: the caller's
//! unsorted slices, or the sorted values / `(value, weight)` pairs of [`crate::Sample::sorted`].
//!
//! Every pass works on chunks of [`CHUNK`] rows with plain `f64` partial sums (vectorizable,
//! no long dependency chains) and folds each chunk's sums into compensated totals: blocked
//! summation, whose error does not grow with `n`.

use std::ops::Range;

pub(crate) use crate::entropy::CHUNK;

/// Weights of an unweighted chunk.
pub(crate) static ONES: [f64; CHUNK] = [1.0; CHUNK];

/// `1, 2, …, CHUNK`: the cumulative weight inside a chunk of unit weights.
pub(crate) static RAMP: [f64; CHUNK] = {
    let mut r = [0.0; CHUNK];
    let mut i = 0;
    while i < CHUNK {
        r[i] = (i + 1) as f64;
        i += 1;
    }
    r
};

/// Rows of a sample: values with weights (all 1 if unweighted).
pub(crate) trait Rows: Sync {
    /// Number of rows.
    fn len(&self) -> usize;
    /// Every weight is 1.
    fn unit_weights(&self) -> bool;
    /// Value of row `i`.
    fn value(&self, i: usize) -> f64;
    /// Weight of row `i`.
    fn weight(&self, i: usize) -> f64;
    /// `f(start, values, weights)` for consecutive chunks of `range`, each ending at a multiple
    /// of [`CHUNK`] (or at `range.end`), so that row `i` is always in chunk `i / CHUNK`.
    fn for_chunks(&self, range: Range<usize>, f: impl FnMut(usize, &[f64], &[f64]));
}

/// Chunk boundaries of `range` aligned to multiples of [`CHUNK`].
#[inline]
fn aligned_chunks(range: Range<usize>, mut f: impl FnMut(Range<usize>)) {
    let mut start = range.start;
    while start < range.end {
        let end = ((start / CHUNK + 1) * CHUNK).min(range.end);
        f(start..end);
        start = end;
    }
}

/// The caller's slices, in input order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Input<'a> {
    pub(crate) values: &'a [f64],
    pub(crate) weights: Option<&'a [f64]>,
}

impl Rows for Input<'_> {
    fn len(&self) -> usize {
        self.values.len()
    }
    fn unit_weights(&self) -> bool {
        self.weights.is_none()
    }
    #[inline]
    fn value(&self, i: usize) -> f64 {
        self.values[i]
    }
    #[inline]
    fn weight(&self, i: usize) -> f64 {
        self.weights.map_or(1.0, |w| w[i])
    }
    #[inline]
    fn for_chunks(&self, range: Range<usize>, mut f: impl FnMut(usize, &[f64], &[f64])) {
        aligned_chunks(range, |r| {
            let n = r.len();
            match self.weights {
                None => f(r.start, &self.values[r], &ONES[..n]),
                Some(w) => f(r.start, &self.values[r.clone()], &w[r]),
            }
        });
    }
}

/// Sorted values, every weight 1.
impl Rows for [f64] {
    fn len(&self) -> usize {
        <[f64]>::len(self)
    }
    fn unit_weights(&self) -> bool {
        true
    }
    #[inline]
    fn value(&self, i: usize) -> f64 {
        self[i]
    }
    #[inline]
    fn weight(&self, _i: usize) -> f64 {
        1.0
    }
    #[inline]
    fn for_chunks(&self, range: Range<usize>, mut f: impl FnMut(usize, &[f64], &[f64])) {
        aligned_chunks(range, |r| {
            let n = r.len();
            f(r.start, &self[r], &ONES[..n]);
        });
    }
}

/// Sorted `(value, weight)` pairs (split into two columns per chunk).
impl Rows for [(f64, f64)] {
    fn len(&self) -> usize {
        <[(f64, f64)]>::len(self)
    }
    fn unit_weights(&self) -> bool {
        false
    }
    #[inline]
    fn value(&self, i: usize) -> f64 {
        self[i].0
    }
    #[inline]
    fn weight(&self, i: usize) -> f64 {
        self[i].1
    }
    #[inline]
    fn for_chunks(&self, range: Range<usize>, mut f: impl FnMut(usize, &[f64], &[f64])) {
        let mut xs = [0.0; CHUNK];
        let mut ws = [0.0; CHUNK];
        aligned_chunks(range, |r| {
            let n = r.len();
            for ((x, w), &(xi, wi)) in xs.iter_mut().zip(ws.iter_mut()).zip(&self[r.clone()]) {
                *x = xi;
                *w = wi;
            }
            f(r.start, &xs[..n], &ws[..n]);
        });
    }
}

/// `Σ a[k]·b[k]` in four lanes.
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
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

/// `Σ a[k]` in four lanes.
#[inline]
pub(crate) fn sum(a: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let ca = a.chunks_exact(4);
    let ra = ca.remainder();
    for x in ca {
        for l in 0..4 {
            acc[l] += x[l];
        }
    }
    let mut tail = 0.0;
    for x in ra {
        tail += x;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// `out[k] = Σ_{j<k} v[j]` (exclusive prefix sums) of a chunk, in four interleaved chains (a
/// single running sum waits on every addition): each quarter of the chunk is summed from the
/// total of the quarters before it.
#[inline]
pub(crate) fn exclusive_prefix(v: &[f64], out: &mut [f64]) {
    let n = v.len();
    let out = &mut out[..n];
    let q = n.div_ceil(4);
    if q == 0 {
        return;
    }
    let mut acc = [0.0f64; 4];
    let mut base = 0.0;
    for (s, a) in acc.iter_mut().enumerate() {
        *a = base;
        let lo = (s * q).min(n);
        let hi = ((s + 1) * q).min(n);
        base += sum(&v[lo..hi]);
    }
    // Rows s·q + k for k < q, s < 4; when n is not a multiple of 4 the last quarter is short.
    if n == 4 * q {
        let (v0, rest) = v.split_at(q);
        let (v1, rest) = rest.split_at(q);
        let (v2, v3) = rest.split_at(q);
        let (o0, rest) = out.split_at_mut(q);
        let (o1, rest) = rest.split_at_mut(q);
        let (o2, o3) = rest.split_at_mut(q);
        for k in 0..q {
            o0[k] = acc[0];
            o1[k] = acc[1];
            o2[k] = acc[2];
            o3[k] = acc[3];
            acc[0] += v0[k];
            acc[1] += v1[k];
            acc[2] += v2[k];
            acc[3] += v3[k];
        }
        return;
    }
    for k in 0..q {
        for (s, a) in acc.iter_mut().enumerate() {
            let i = s * q + k;
            if i < n {
                out[i] = *a;
                *a += v[i];
            }
        }
    }
}

/// Variance of an estimated total `Σ uᵢ` for the design of the crate, `n/(n−1)·Σ(uᵢ − ū)²`
/// (as [`TotalVariance`](crate::accumulate::TotalVariance)), fed a chunk of `u` at a time:
/// each chunk's sum of squares about its own mean in one pass (see
/// [`ChunkedVariance::push_fn`]), chunks combined by Chan et al.'s pairwise update. As accurate
/// as Welford's update whatever the mean of the `u`, without a division per row, and mergeable
/// across threads.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ChunkedVariance {
    n: usize,
    mean: f64,
    m2: f64,
}

impl ChunkedVariance {
    /// Add `u(0), …, u(m − 1)` (a chunk of at most [`CHUNK`] values): evaluated into a
    /// buffer by a plain loop (which vectorizes when `u` is simple arithmetic on slices), then
    /// one pass of four-lane sums of `d = u − u(0)` and `d²`, `Σ(u − ū)² = Σd² − (Σd)²/m`.
    /// Shifting by a value of the chunk bounds the cancellation: `m·(ū − u(0))² <=
    /// m·Σ(u − ū)²`, so the relative error is at most about `m·ε` (and typically `ε`),
    /// whatever the mean of the chunk.
    #[inline(always)]
    pub(crate) fn push_fn(&mut self, m: usize, u: impl Fn(usize) -> f64) {
        let mut buf = [0.0f64; CHUNK];
        let buf = &mut buf[..m];
        for (i, b) in buf.iter_mut().enumerate() {
            *b = u(i);
        }
        self.push_chunk(buf);
    }

    /// Add the values of `u` (a chunk: at most a few thousand), in one pass (see
    /// [`ChunkedVariance::push_fn`]).
    #[inline]
    pub(crate) fn push_chunk(&mut self, u: &[f64]) {
        let m = u.len();
        if m == 0 {
            return;
        }
        let k = u[0];
        let mut s = [0.0f64; 4];
        let mut q = [0.0f64; 4];
        let chunks = u.chunks_exact(4);
        let rest = chunks.remainder();
        for c in chunks {
            for l in 0..4 {
                let d = c[l] - k;
                s[l] += d;
                q[l] += d * d;
            }
        }
        let (mut st, mut qt) = (0.0, 0.0);
        for &x in rest {
            let d = x - k;
            st += d;
            qt += d * d;
        }
        let s = (s[0] + s[1]) + (s[2] + s[3]) + st;
        let q = (q[0] + q[1]) + (q[2] + q[3]) + qt;
        let mf = m as f64;
        self.merge(&ChunkedVariance {
            n: m,
            mean: k + s / mf,
            m2: (q - s * s / mf).max(0.0),
        });
    }

    /// Add another accumulator's values.
    pub(crate) fn merge(&mut self, other: &ChunkedVariance) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let (na, nb) = (self.n as f64, other.n as f64);
        let n = na + nb;
        let delta = other.mean - self.mean;
        self.mean += delta * (nb / n);
        self.m2 += other.m2 + delta * delta * (na * nb / n);
        self.n += other.n;
    }

    /// The standard error, or `None` with fewer than two values.
    pub(crate) fn standard_error(&self) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        let n = self.n as f64;
        Some((self.m2 * n / (n - 1.0)).max(0.0).sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accumulate::TotalVariance;

    #[test]
    fn chunked_variance_matches_welford() {
        let u: Vec<f64> = (0..2000)
            .map(|i| 1e6 + ((i * 7919) % 1013) as f64 * 0.37)
            .collect();
        let mut a = ChunkedVariance::default();
        let mut b = ChunkedVariance::default();
        for (k, c) in u.chunks(300).enumerate() {
            if k % 2 == 0 {
                a.push_chunk(c)
            } else {
                b.push_chunk(c)
            }
        }
        a.merge(&b);
        let mut w = TotalVariance::default();
        u.iter().for_each(|&x| w.push(x));
        let (x, y) = (a.standard_error().unwrap(), w.standard_error().unwrap());
        assert!((x - y).abs() <= 1e-12 * y, "{x} vs {y}");
        assert_eq!(ChunkedVariance::default().standard_error(), None);
        let mut one = ChunkedVariance::default();
        one.push_chunk(&[3.0]);
        assert_eq!(one.standard_error(), None);
    }

    #[test]
    fn exclusive_prefix_sums() {
        for n in [0usize, 1, 2, 3, 5, 8, 13, 255, 256] {
            let v: Vec<f64> = (0..n).map(|i| (i * 7 % 5) as f64 + 0.5).collect();
            let mut out = vec![f64::NAN; n];
            exclusive_prefix(&v, &mut out);
            let mut acc = 0.0;
            for k in 0..n {
                assert_eq!(out[k], acc, "n = {n}, k = {k}");
                acc += v[k];
            }
        }
    }

    #[test]
    fn chunks_are_aligned() {
        let v: Vec<f64> = (0..1000).map(f64::from).collect();
        let mut starts = Vec::new();
        v.as_slice().for_chunks(100..700, |s, x, w| {
            assert_eq!(x.len(), w.len());
            assert_eq!(x[0], s as f64);
            starts.push((s, x.len()));
        });
        assert_eq!(starts, vec![(100, 156), (256, 256), (512, 188)]);
        assert_eq!(RAMP[0], 1.0);
        assert_eq!(RAMP[CHUNK - 1], CHUNK as f64);
    }
}
