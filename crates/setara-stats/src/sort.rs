//! Stable ascending sort of values, or of `(value, weight)` pairs by value, on up to
//! [`MAX_THREADS`] threads: one most-significant-digit scatter into buckets of a few thousand
//! rows, then a sort of each bucket in cache.
//!
//! The key of a finite `f64` is a `u64` whose unsigned order is the numeric order (`-0.0` is
//! written as `0.0`, as the previous LSD sort, `radix.rs`, did). The sort:
//!
//! 1. takes the smallest and largest value (found by [`crate::Sample::new`]'s scan);
//! 2. counts the rows in `2^16` fine bins of the key range (each thread its share of the
//!    input), and joins consecutive fine bins into buckets of about [`BUCKET_ROWS`] rows — the
//!    buckets follow the distribution (a lognormal income puts far more rows in a key range
//!    near its mode than in its tails), so every bucket fits in cache;
//! 3. scatters the rows into the output, each thread writing its share of each bucket after
//!    the shares of the threads before it, in input order: the scatter is stable;
//! 4. sorts every bucket: one counting scatter on the highest bits of the key inside the
//!    bucket (about one row per digit value), then an insertion sort that only has to fix the
//!    rare rows sharing a digit value — with an LSD radix sort on every bit as the fallback
//!    when that would move too many rows (values clustered in a corner of their bucket).
//!
//! Ties keep their input order, as R's `order()` (which the convey Gini convention depends
//! on). Extra memory: the output plus one bucket of scratch per thread (a fine bin holding
//! many distinct values — a pathologically concentrated input — can make a bucket large).

use std::sync::Mutex;

use crate::accumulate::CompensatedSum;

/// Threads used by the parallel passes of the crate (the project's machines have 2 cores).
pub(crate) const MAX_THREADS: usize = 2;

/// Below this many rows, passes run on the calling thread (spawning costs more than it saves).
pub(crate) const PARALLEL_MIN: usize = 1 << 17;

/// Number of threads for a pass over `n` rows.
pub(crate) fn threads_for(n: usize) -> usize {
    if n < PARALLEL_MIN {
        return 1;
    }
    std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .clamp(1, MAX_THREADS)
}

/// `parts` contiguous ranges covering `0..n`, the boundaries multiples of `align` (but the end).
pub(crate) fn split_ranges(n: usize, parts: usize, align: usize) -> Vec<std::ops::Range<usize>> {
    let parts = parts.max(1);
    let mut bounds = Vec::with_capacity(parts + 1);
    bounds.push(0);
    for p in 1..parts {
        let b = (n * p / parts) / align * align;
        bounds.push(b.max(*bounds.last().expect("non-empty")));
    }
    bounds.push(n);
    bounds.windows(2).map(|w| w[0]..w[1]).collect()
}

/// Run `f(part)` for `part in 0..parts`, part 0 on the calling thread, and return the results
/// in part order.
pub(crate) fn run_parts<R: Send>(parts: usize, f: impl Fn(usize) -> R + Sync) -> Vec<R> {
    if parts <= 1 {
        return vec![f(0)];
    }
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = (1..parts).map(|p| s.spawn(move || f(p))).collect();
        let mut out = Vec::with_capacity(parts);
        out.push(f(0));
        for h in handles {
            out.push(h.join().expect("worker thread panicked"));
        }
        out
    })
}

/// Map a finite `f64` to a `u64` whose unsigned order is the numeric order; `-0.0` and `0.0`
/// have the same key.
#[inline(always)]
pub(crate) fn key(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// A row the sort moves: a value, or a `(value, weight)` pair.
pub(crate) trait SortItem: Copy + Default + Send + Sync {
    /// The row of value `x` and weight `w` (a value alone ignores `w`).
    fn from_row(x: f64, w: f64) -> Self;
    /// The value sorted by.
    fn value(&self) -> f64;
    /// The row with its value `x` (used to write `-0.0` as `0.0`).
    fn with_value(self, x: f64) -> Self;
}

impl SortItem for f64 {
    #[inline(always)]
    fn from_row(x: f64, _w: f64) -> Self {
        x
    }
    #[inline(always)]
    fn value(&self) -> f64 {
        *self
    }
    #[inline(always)]
    fn with_value(self, x: f64) -> Self {
        x
    }
}

impl SortItem for (f64, f64) {
    #[inline(always)]
    fn from_row(x: f64, w: f64) -> Self {
        (x, w)
    }
    #[inline(always)]
    fn value(&self) -> f64 {
        self.0
    }
    #[inline(always)]
    fn with_value(self, x: f64) -> Self {
        (x, self.1)
    }
}

/// Smallest and largest of `x` (finite), in four lanes.
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

/// Rows per bucket aimed at by the top-level scatter (a bucket of pairs is then ~128 KB).
pub(crate) const BUCKET_ROWS: usize = 8192;
/// At most this many top-level buckets (each is a stream the scatter writes to).
const MAX_BUCKETS: usize = 2048;
/// Fine bins of the key range counted to place the bucket boundaries.
const FINE_BITS: u32 = 16;
/// Pieces at most this long are insertion-sorted.
const INSERTION_MAX: usize = 24;
/// Largest digit of the in-bucket counting scatter (64 KB of counters).
const DIGIT_MAX_BITS: u32 = 14;

/// Key of a value already written by the sort (no `-0.0`): [`key`] without the addition.
#[inline(always)]
fn key_of_sorted(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// The top-level buckets: consecutive fine bins of the key range, `(k − k_min) >> fine_shift`,
/// joined into buckets of about equal numbers of rows.
#[derive(Clone, Debug)]
struct Buckets {
    k_min: u64,
    fine_shift: u32,
    /// Fine bin → bucket.
    table: Vec<u16>,
    /// Per bucket: the smallest key it can hold, and the number of low key bits its keys may
    /// differ in (every key `k` of the bucket has `0 <= k − base < 2^bits`).
    base: Vec<u64>,
    bits: Vec<u32>,
}

impl Buckets {
    /// The fine binning of `[k_min, k_max]` in at most `2^bits` bins: `(shift, bins)`.
    fn fine(k_min: u64, k_max: u64, bits: u32) -> (u32, usize) {
        let range_bits = 64 - (k_max - k_min).leading_zeros();
        let shift = range_bits.saturating_sub(bits);
        (shift, ((k_max - k_min) >> shift) as usize + 1)
    }

    /// Buckets of about `target` rows from the counts of the fine bins (at most
    /// `max_buckets`, and never splitting a fine bin).
    fn new(
        k_min: u64,
        fine_shift: u32,
        fine_counts: &[usize],
        target: usize,
        max_buckets: usize,
    ) -> Self {
        let total: usize = fine_counts.iter().sum();
        let target = target
            .max(total.div_ceil(max_buckets.clamp(1, 1 << 16)))
            .max(1);
        let mut table = Vec::with_capacity(fine_counts.len());
        let mut first_bin = vec![0usize];
        let mut acc = 0usize;
        for (f, &c) in fine_counts.iter().enumerate() {
            if acc >= target {
                first_bin.push(f);
                acc = 0;
            }
            table.push((first_bin.len() - 1) as u16);
            acc += c;
        }
        let count = first_bin.len();
        let mut base = Vec::with_capacity(count);
        let mut bits = Vec::with_capacity(count);
        for b in 0..count {
            let lo = first_bin[b];
            let hi = first_bin.get(b + 1).copied().unwrap_or(fine_counts.len());
            base.push((lo as u64) << fine_shift);
            // Largest offset inside the bucket: (hi − lo)·2^shift − 1 (in 128 bits: may be 2^64).
            let span = (((hi - lo) as u128) << fine_shift) - 1;
            bits.push(128 - span.leading_zeros());
        }
        Buckets {
            k_min,
            fine_shift,
            table,
            base,
            bits,
        }
    }

    fn count(&self) -> usize {
        self.base.len()
    }

    #[inline(always)]
    fn fine_of(&self, x: f64) -> usize {
        ((key(x) - self.k_min) >> self.fine_shift) as usize
    }

    #[inline(always)]
    fn of(&self, x: f64) -> usize {
        usize::from(self.table[self.fine_of(x)])
    }

    /// Sort bucket `b`'s rows.
    fn sort<T: SortItem>(&self, b: usize, rows: &mut [T], scratch: &mut Vec<T>) {
        sort_bucket(
            rows,
            scratch,
            self.k_min.wrapping_add(self.base[b]),
            self.bits[b],
        );
    }
}

/// Counts of the fine bins of the values of each part of the input (the parts of
/// `split_ranges(n, threads_for(n), 1)`), from one sort to give to another of the same values.
#[derive(Clone, Debug)]
pub(crate) struct FineCounts {
    k_min: u64,
    shift: u32,
    per_part: Vec<Vec<u32>>,
}

/// Counts of the fine bins of `values[range]` (values in `[k_min, ..]`, normalised by `key`).
fn fine_counts(values: &[f64], k_min: u64, shift: u32, bins: usize) -> Vec<u32> {
    // Two interleaved histograms: consecutive rows in the same bin do not wait on each
    // other's increment.
    let mut c = vec![0u32; 2 * bins];
    let (a, b) = c.split_at_mut(bins);
    let pairs = values.chunks_exact(2);
    let rest = pairs.remainder();
    for p in pairs {
        a[((key(p[0]) - k_min) >> shift) as usize] += 1;
        b[((key(p[1]) - k_min) >> shift) as usize] += 1;
    }
    for &x in rest {
        a[((key(x) - k_min) >> shift) as usize] += 1;
    }
    for (x, &y) in a.iter_mut().zip(b.iter()) {
        *x += y;
    }
    c.truncate(bins);
    c
}

/// Stable sort of the rows `0..n` read by `row(i)` (values must be finite), `range` the
/// smallest and largest value if known, writing into `reuse` if it has length `n`.
fn sort_rows<T: SortItem>(
    n: usize,
    values: &[f64],
    range: Option<(f64, f64)>,
    reuse: Option<Vec<T>>,
    known: Option<FineCounts>,
    row: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    debug_assert_eq!(values.len(), n);
    // A buffer of the right length is reused as it is (every row is overwritten): its pages
    // are already mapped, a fresh one costs a page fault per 4 KB on first write.
    let mut out = match reuse {
        Some(v) if v.len() == n => v,
        _ => vec![T::default(); n],
    };
    let threads = threads_for(n);
    if threads < 2 {
        for (i, o) in out.iter_mut().enumerate() {
            *o = row(i).with_value(values[i] + 0.0);
        }
        let mut scratch = Vec::new();
        sort_in_place(&mut out, &mut scratch);
        return out;
    }
    let parts = split_ranges(n, threads, 1);
    let (lo, hi) = range.unwrap_or_else(|| {
        let ranges = run_parts(threads, |p| min_max(&values[parts[p].clone()]));
        (
            ranges.iter().map(|r| r.0).fold(f64::INFINITY, f64::min),
            ranges.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max),
        )
    });
    let (k_min, k_max) = (key(lo), key(hi));
    if k_min == k_max {
        for (i, o) in out.iter_mut().enumerate() {
            *o = row(i).with_value(values[i] + 0.0);
        }
        return out;
    }
    let (fine_shift, fine) = match known {
        Some(f) if f.k_min == k_min && f.per_part.len() == threads => (f.shift, f.per_part),
        _ => {
            let (shift, bins) = Buckets::fine(k_min, k_max, FINE_BITS);
            let fine = run_parts(threads, |p| {
                fine_counts(&values[parts[p].clone()], k_min, shift, bins)
            });
            (shift, fine)
        }
    };
    let bins = fine[0].len();
    let total: Vec<usize> = (0..bins)
        .map(|f| fine.iter().map(|c| c[f] as usize).sum())
        .collect();
    let buckets = Buckets::new(k_min, fine_shift, &total, BUCKET_ROWS, MAX_BUCKETS);
    let nb = buckets.count();
    // Rows per part and bucket.
    let counts: Vec<Vec<usize>> = fine
        .iter()
        .map(|c| {
            let mut b = vec![0usize; nb];
            for (f, &cf) in c.iter().enumerate() {
                b[usize::from(buckets.table[f])] += cf as usize;
            }
            b
        })
        .collect();
    // Split the output into one segment per (bucket, part), in bucket-major order, and hand
    // each part its segments: the scatter writes disjoint slices, safely in parallel.
    let mut per_part: Vec<Vec<&mut [T]>> = (0..threads).map(|_| Vec::with_capacity(nb)).collect();
    let mut bucket_len = vec![0usize; nb];
    {
        let mut rest: &mut [T] = &mut out;
        for b in 0..nb {
            for p in 0..threads {
                let len = counts[p][b];
                bucket_len[b] += len;
                let (seg, tail) = rest.split_at_mut(len);
                per_part[p].push(seg);
                rest = tail;
            }
        }
    }
    let per_part: Vec<Mutex<Vec<&mut [T]>>> = per_part.into_iter().map(Mutex::new).collect();
    run_parts(threads, |p| {
        let mut segs = per_part[p].lock().expect("scatter segments");
        let mut cursor = vec![0usize; nb];
        for i in parts[p].clone() {
            let x = values[i] + 0.0;
            let b = buckets.of(x);
            segs[b][cursor[b]] = row(i).with_value(x);
            cursor[b] += 1;
        }
    });
    drop(per_part);
    // Sort the buckets, the threads taking contiguous runs of buckets of about equal size.
    let mut work: Vec<(&mut [T], std::ops::Range<usize>)> = Vec::with_capacity(threads);
    {
        let mut rest: &mut [T] = &mut out;
        let mut b = 0;
        let mut done = 0;
        for p in 0..threads {
            let target = n * (p + 1) / threads;
            let first = b;
            let mut taken = 0;
            while b < nb && (p == threads - 1 || done + taken < target) {
                taken += bucket_len[b];
                b += 1;
            }
            let (mine, tail) = rest.split_at_mut(taken);
            work.push((mine, first..b));
            rest = tail;
            done += taken;
        }
    }
    let work: Vec<Mutex<(&mut [T], std::ops::Range<usize>)>> =
        work.into_iter().map(Mutex::new).collect();
    run_parts(threads, |p| {
        let mut guard = work[p].lock().expect("bucket work");
        let (slice, range) = &mut *guard;
        let mut scratch = Vec::new();
        let mut start = 0;
        for b in range.clone() {
            let len = bucket_len[b];
            buckets.sort(b, &mut slice[start..start + len], &mut scratch);
            start += len;
        }
    });
    drop(work);
    out
}

/// Rows bucketed by group, and inside each group by value range, ready for each group to be
/// sorted bucket by bucket ([`GroupBuckets::sort_group`]): the rows of group slot `s` are
/// `rows[group_start[s]..group_start[s + 1]]`.
pub(crate) struct GroupBuckets<T> {
    pub(crate) rows: Vec<T>,
    pub(crate) group_start: Vec<usize>,
    /// Rows per (group, value bucket), group-major.
    bucket_len: Vec<usize>,
    buckets: Buckets,
    /// Total weight of each group, summed in input order (compensated).
    pub(crate) group_weight: Vec<f64>,
    /// The fine histogram of the values (for a sort of the whole sample), if fine enough.
    pub(crate) fine: Option<FineCounts>,
}

impl<T: SortItem> GroupBuckets<T> {
    /// Sort group `slot`'s rows (given as `rows`, its slice of [`GroupBuckets::rows`]) by value,
    /// ties in input order.
    pub(crate) fn sort_group(&self, slot: usize, rows: &mut [T], scratch: &mut Vec<T>) {
        let per = self.buckets.count();
        let mut start = 0;
        for (b, &len) in self.bucket_len[slot * per..(slot + 1) * per]
            .iter()
            .enumerate()
        {
            self.buckets.sort(b, &mut rows[start..start + len], scratch);
            start += len;
        }
    }
}

/// Stable counting scatter of rows `0..n` (values finite, in `range`) by `(group slot, value
/// bucket)`: a group's rows end up contiguous, in buckets of a few thousand rows in ascending
/// value ranges (the same value ranges for every group, fitted to the whole distribution).
/// Also sums each group's weights, in input order.
pub(crate) fn bucket_by_group<T: SortItem>(
    values: &[f64],
    weights: Option<&[f64]>,
    groups: usize,
    slot_of: impl Fn(usize) -> usize + Sync,
    range: (f64, f64),
) -> GroupBuckets<T> {
    let n = values.len();
    let threads = threads_for(n);
    let parts = split_ranges(n, threads, 1);
    let (k_min, k_max) = (key(range.0), key(range.1));
    // One pass counts the rows per (group, fine bin): about a million counters per thread at
    // most (fewer, coarser fine bins when there are many groups; a single bin, so one bucket
    // per group, with a million groups).
    let groups = groups.max(1);
    let fine_bits =
        (usize::BITS - 1 - ((1usize << 20) / groups).max(1).leading_zeros()).min(FINE_BITS);
    let (fine_shift, bins) = Buckets::fine(k_min, k_max, fine_bits);
    let by_group: Vec<Vec<u32>> = run_parts(threads, |p| {
        let mut c = vec![0u32; groups * bins];
        for i in parts[p].clone() {
            c[slot_of(i) * bins + ((key(values[i]) - k_min) >> fine_shift) as usize] += 1;
        }
        c
    });
    let fine: Vec<Vec<u32>> = by_group
        .iter()
        .map(|c| {
            let mut f = vec![0u32; bins];
            for g in c.chunks_exact(bins) {
                for (a, &b) in f.iter_mut().zip(g) {
                    *a += b;
                }
            }
            f
        })
        .collect();
    let total: Vec<usize> = (0..bins)
        .map(|f| fine.iter().map(|c| c[f] as usize).sum())
        .collect();
    // Buckets of BUCKET_ROWS rows of an average group.
    let buckets = Buckets::new(
        k_min,
        fine_shift,
        &total,
        BUCKET_ROWS.saturating_mul(groups),
        (MAX_BUCKETS / groups).max(1),
    );
    let per = buckets.count();
    let nb = groups * per;
    let counts: Vec<Vec<u32>> = by_group
        .iter()
        .map(|c| {
            let mut b = vec![0u32; nb];
            for (slot, g) in c.chunks_exact(bins).enumerate() {
                for (f, &cf) in g.iter().enumerate() {
                    b[slot * per + usize::from(buckets.table[f])] += cf;
                }
            }
            b
        })
        .collect();
    drop(by_group);
    let mut rows = vec![T::default(); n];
    let mut bucket_len = vec![0usize; nb];
    let mut per_part: Vec<Vec<&mut [T]>> = (0..threads).map(|_| Vec::with_capacity(nb)).collect();
    {
        let mut rest: &mut [T] = &mut rows;
        for b in 0..nb {
            for p in 0..threads {
                let len = counts[p][b] as usize;
                bucket_len[b] += len;
                let (seg, tail) = rest.split_at_mut(len);
                per_part[p].push(seg);
                rest = tail;
            }
        }
    }
    let per_part: Vec<Mutex<Vec<&mut [T]>>> = per_part.into_iter().map(Mutex::new).collect();
    let totals: Vec<Vec<CompensatedSum>> = run_parts(threads, |p| {
        let mut segs = per_part[p].lock().expect("scatter segments");
        let mut cursor = vec![0usize; nb];
        let mut total = vec![CompensatedSum::default(); groups];
        for i in parts[p].clone() {
            let x = values[i] + 0.0;
            let slot = slot_of(i);
            let b = slot * per + buckets.of(x);
            let w = weights.map_or(1.0, |w| w[i]);
            segs[b][cursor[b]] = T::from_row(x, w);
            cursor[b] += 1;
            if weights.is_some() {
                total[slot].add(w);
            }
        }
        total
    });
    drop(per_part);
    let mut group_start = Vec::with_capacity(groups + 1);
    group_start.push(0);
    for s in 0..groups {
        let len: usize = bucket_len[s * per..(s + 1) * per].iter().sum();
        group_start.push(group_start[s] + len);
    }
    let group_weight = (0..groups)
        .map(|s| match weights {
            None => (group_start[s + 1] - group_start[s]) as f64,
            Some(_) => {
                let mut t = CompensatedSum::default();
                for part in &totals {
                    t.add(part[s].value());
                }
                t.value()
            }
        })
        .collect();
    GroupBuckets {
        rows,
        group_start,
        bucket_len,
        buckets,
        group_weight,
        // Fine enough to cut the whole sample into buckets of a few thousand rows.
        fine: (fine_bits >= 12).then_some(FineCounts {
            k_min,
            shift: fine_shift,
            per_part: fine,
        }),
    }
}

/// Values in ascending order (`-0.0` written as `0.0`). Values must be finite; `range` is
/// their smallest and largest if known; `reuse` a buffer to write into.
pub(crate) fn sorted_values(
    values: &[f64],
    range: Option<(f64, f64)>,
    reuse: Option<Vec<f64>>,
    fine: Option<FineCounts>,
) -> Vec<f64> {
    sort_rows(values.len(), values, range, reuse, fine, |i| values[i])
}

/// `(value, weight)` pairs in ascending order of value, ties in input order (`-0.0` written as
/// `0.0`). Values must be finite; `range` is their smallest and largest if known; `reuse` a
/// buffer to write into.
pub(crate) fn sorted_pairs(
    values: &[f64],
    weights: &[f64],
    range: Option<(f64, f64)>,
    reuse: Option<Vec<(f64, f64)>>,
    fine: Option<FineCounts>,
) -> Vec<(f64, f64)> {
    assert_eq!(values.len(), weights.len(), "one weight per value");
    sort_rows(values.len(), values, range, reuse, fine, |i| {
        (values[i], weights[i])
    })
}

/// Stable sort of `items` in place on the calling thread, `scratch` reused between calls.
/// Writes `-0.0` as `0.0`.
pub(crate) fn sort_in_place<T: SortItem>(items: &mut [T], scratch: &mut Vec<T>) {
    let n = items.len();
    if n == 0 {
        return;
    }
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for it in items.iter_mut() {
        let x = it.value() + 0.0;
        *it = it.with_value(x);
        lo = if x < lo { x } else { lo };
        hi = if x > hi { x } else { hi };
    }
    let (k_min, k_max) = (key(lo), key(hi));
    if k_min == k_max {
        return;
    }
    if n <= 4 * BUCKET_ROWS {
        sort_bucket(items, scratch, k_min, 64 - (k_max - k_min).leading_zeros());
        return;
    }
    // Large: one top-level scatter into `scratch`, then the buckets, then copy back.
    let (fine_shift, bins) = Buckets::fine(k_min, k_max, FINE_BITS);
    let mut fine = vec![0usize; bins];
    for it in items.iter() {
        fine[((key_of_sorted(it.value()) - k_min) >> fine_shift) as usize] += 1;
    }
    let buckets = Buckets::new(k_min, fine_shift, &fine, BUCKET_ROWS, MAX_BUCKETS);
    let mut offsets = vec![0usize; buckets.count()];
    for (f, &c) in fine.iter().enumerate() {
        offsets[usize::from(buckets.table[f])] += c;
    }
    let mut sum = 0;
    for o in offsets.iter_mut() {
        let c = *o;
        *o = sum;
        sum += c;
    }
    let starts = offsets.clone();
    scratch.clear();
    scratch.resize(n, T::default());
    for &it in items.iter() {
        let b = buckets.of(it.value());
        scratch[offsets[b]] = it;
        offsets[b] += 1;
    }
    items.copy_from_slice(scratch);
    let mut inner = Vec::new();
    for b in 0..buckets.count() {
        let end = offsets[b];
        buckets.sort(b, &mut items[starts[b]..end], &mut inner);
    }
}

/// Stable insertion sort by key.
fn insertion_sort<T: SortItem>(items: &mut [T]) {
    for i in 1..items.len() {
        let it = items[i];
        let k = key_of_sorted(it.value());
        let mut j = i;
        while j > 0 && key_of_sorted(items[j - 1].value()) > k {
            items[j] = items[j - 1];
            j -= 1;
        }
        items[j] = it;
    }
}

/// Stable sort of one bucket (in cache) whose keys `k` satisfy `0 <= k − base < 2^bits`.
/// One counting scatter on the highest bits of `k − base` (about one row per digit value)
/// leaves only rows that share a digit value out of order, which an insertion sort then puts
/// right in about one pass; if that would move more than a few rows per row (values clustered
/// in a corner of the bucket), an LSD radix sort on every bit does it instead.
fn sort_bucket<T: SortItem>(items: &mut [T], scratch: &mut Vec<T>, base: u64, bits: u32) {
    let n = items.len();
    if n <= INSERTION_MAX || bits == 0 {
        if bits > 0 {
            insertion_sort(items);
        }
        return;
    }
    if scratch.len() < n {
        scratch.resize(n, T::default());
    }
    if n > 1 << DIGIT_MAX_BITS {
        sort_large(items, scratch, base);
        return;
    }
    // At most one row per digit value on average: the insertion sort then has little to do.
    let digit_bits = (usize::BITS - n.leading_zeros())
        .clamp(1, DIGIT_MAX_BITS)
        .min(bits);
    let shift = bits - digit_bits;
    let rel = |it: &T| key_of_sorted(it.value()).wrapping_sub(base);
    let mut counts = [0u32; 1 << DIGIT_MAX_BITS];
    let counts = &mut counts[..1 << digit_bits];
    for it in items.iter() {
        counts[(rel(it) >> shift) as usize] += 1;
    }
    let mut sum = 0u32;
    for c in counts.iter_mut() {
        let here = *c;
        *c = sum;
        sum += here;
    }
    let scratch = &mut scratch[..n];
    for &it in items.iter() {
        let d = (rel(&it) >> shift) as usize;
        scratch[counts[d] as usize] = it;
        counts[d] += 1;
    }
    if shift == 0 {
        // The digit was every bit: sorted.
        items.copy_from_slice(scratch);
        return;
    }
    // Copy back, inserting each row among the rows already copied (only rows sharing a digit
    // value can be out of order).
    let budget = 4 * n;
    let mut moves = 0usize;
    for i in 0..n {
        let it = scratch[i];
        let k = key_of_sorted(it.value());
        let mut j = i;
        while j > 0 && key_of_sorted(items[j - 1].value()) > k {
            items[j] = items[j - 1];
            j -= 1;
        }
        items[j] = it;
        moves += i - j;
        if moves > budget {
            // Values clustered in a corner of the bucket: sort every bit instead.
            items[i + 1..].copy_from_slice(&scratch[i + 1..]);
            lsd(items, scratch, base, bits);
            return;
        }
    }
}

/// [`sort_bucket`] for a bucket too large for one digit (a fine bin holding many distinct
/// values: a concentrated distribution, or one far outlier stretching the key range): a
/// counting scatter on the top [`DIGIT_MAX_BITS`] bits among those that vary inside the bucket,
/// then each piece sorted the same way.
fn sort_large<T: SortItem>(items: &mut [T], scratch: &mut Vec<T>, base: u64) {
    let n = items.len();
    let rel = |it: &T| key_of_sorted(it.value()).wrapping_sub(base);
    let r0 = rel(&items[0]);
    let varying = items.iter().fold(0u64, |v, it| v | (rel(it) ^ r0));
    if varying == 0 {
        return;
    }
    let top = 64 - varying.leading_zeros();
    let digit_bits = DIGIT_MAX_BITS.min(top);
    let shift = top - digit_bits;
    let mask = (1u64 << digit_bits) - 1;
    // Keys of the bucket agree above `top`: `high` is that common part.
    let high = if top == 64 { 0 } else { (r0 >> top) << top };
    let digit = |it: &T| ((rel(it) >> shift) & mask) as usize;
    let mut counts = vec![0usize; 1 << digit_bits];
    for it in items.iter() {
        counts[digit(it)] += 1;
    }
    let mut offsets = Vec::with_capacity(counts.len());
    let mut sum = 0;
    for &c in &counts {
        offsets.push(sum);
        sum += c;
    }
    let starts = offsets.clone();
    {
        let scratch = &mut scratch[..n];
        for &it in items.iter() {
            let d = digit(&it);
            scratch[offsets[d]] = it;
            offsets[d] += 1;
        }
        items.copy_from_slice(scratch);
    }
    for (d, (&start, &c)) in starts.iter().zip(&counts).enumerate() {
        if c > 1 {
            let piece_base = base.wrapping_add(high).wrapping_add((d as u64) << shift);
            sort_bucket(&mut items[start..start + c], scratch, piece_base, shift);
        }
    }
}

/// Stable LSD radix sort by the low `bits` bits of `key − base`, 8-bit digits (digits where
/// every row agrees skipped). `scratch` holds `items.len()` rows.
fn lsd<T: SortItem>(items: &mut [T], scratch: &mut [T], base: u64, bits: u32) {
    let n = items.len();
    let rel = |it: &T| key_of_sorted(it.value()).wrapping_sub(base);
    let shifts: Vec<u32> = (0..bits).step_by(8).collect();
    let mut hist = vec![[0u32; 256]; shifts.len()];
    for it in items.iter() {
        let r = rel(it);
        for (h, &s) in hist.iter_mut().zip(&shifts) {
            h[((r >> s) & 0xFF) as usize] += 1;
        }
    }
    let mut in_items = true;
    for (h, &s) in hist.iter().zip(&shifts) {
        if h.iter().any(|&c| c as usize == n) {
            continue;
        }
        let mut offsets = [0u32; 256];
        let mut sum = 0u32;
        for (o, &c) in offsets.iter_mut().zip(h.iter()) {
            *o = sum;
            sum += c;
        }
        let (src, dst): (&[T], &mut [T]) = if in_items {
            (&*items, &mut *scratch)
        } else {
            (&*scratch, &mut *items)
        };
        for &it in src {
            let b = ((rel(&it) >> s) & 0xFF) as usize;
            dst[offsets[b] as usize] = it;
            offsets[b] += 1;
        }
        in_items = !in_items;
    }
    if !in_items {
        items.copy_from_slice(scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(state: &mut u64) -> u64 {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *state >> 33
    }

    fn data(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
        let mut s = seed;
        let values = (0..n)
            .map(|_| {
                let r = lcg(&mut s);
                match r % 7 {
                    0 => (r % 50) as f64,
                    1 => -((r % 1000) as f64) / 7.0,
                    2 => 0.0,
                    3 => -0.0,
                    4 => ((r % 1_000_000) as f64 * 1e-3).exp(),
                    _ => (r % 10_000_000) as f64 + 0.25,
                }
            })
            .collect();
        let weights = (0..n).map(|i| i as f64 + 1.0).collect();
        (values, weights)
    }

    fn reference(values: &[f64], weights: &[f64]) -> Vec<(f64, f64)> {
        let mut p: Vec<(f64, f64)> = values
            .iter()
            .map(|&x| x + 0.0)
            .zip(weights.iter().copied())
            .collect();
        p.sort_by(|a, b| a.0.total_cmp(&b.0));
        p
    }

    #[test]
    fn matches_a_stable_comparison_sort() {
        for (n, seed) in [
            (0usize, 1u64),
            (1, 2),
            (2, 3),
            (17, 4),
            (1000, 5),
            (70_000, 6),
        ]
        .into_iter()
        .chain([(300_000, 7), (1_000_003, 8)])
        {
            let (values, weights) = data(n, seed);
            let expected = reference(&values, &weights);
            let got = sorted_pairs(&values, &weights, None, None, None);
            assert!(
                got.iter()
                    .zip(&expected)
                    .all(|(a, b)| a.0.to_bits() == b.0.to_bits() && a.1 == b.1),
                "pairs, n = {n}"
            );
            assert_eq!(got.len(), n);
            assert_eq!(
                got,
                crate::radix::sorted_pairs(&values, &weights),
                "n = {n}"
            );
            let got = sorted_values(&values, None, None, None);
            assert!(
                got.iter()
                    .zip(&expected)
                    .all(|(a, b)| a.to_bits() == b.0.to_bits()),
                "values, n = {n}"
            );
            let mut items: Vec<(f64, f64)> = values.iter().copied().zip(weights).collect();
            sort_in_place(&mut items, &mut Vec::new());
            assert!(
                items
                    .iter()
                    .zip(&expected)
                    .all(|(a, b)| a.0.to_bits() == b.0.to_bits() && a.1 == b.1),
                "in place, n = {n}"
            );
        }
    }

    #[test]
    fn concentrated_and_equal_inputs() {
        // Every value equal; two values; a huge range with a dense cluster.
        for values in [
            vec![3.5; 200_000],
            (0..200_000).map(|i| f64::from(i % 2)).collect::<Vec<_>>(),
            (0..300_000)
                .map(|i| {
                    if i % 1000 == 0 {
                        1e300
                    } else {
                        1.0 + f64::from(i % 977) * 1e-12
                    }
                })
                .collect(),
        ] {
            let weights: Vec<f64> = (0..values.len()).map(|i| i as f64).collect();
            assert_eq!(
                sorted_pairs(&values, &weights, None, None, None),
                reference(&values, &weights)
            );
        }
    }

    /// A far outlier stretches the key range: the bulk falls in one fine bin, sorted by the
    /// recursion of `sort_large`, with ties and fractional weights.
    #[test]
    fn one_far_outlier() {
        let mut state = 11u64;
        let values: Vec<f64> = (0..400_000)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if i == 1234 {
                    1e300
                } else if i % 7 == 0 {
                    1.5
                } else {
                    1.0 + (state >> 11) as f64 / (1u64 << 53) as f64
                }
            })
            .collect();
        let weights: Vec<f64> = (0..values.len()).map(|i| i as f64 * 0.5).collect();
        assert_eq!(
            sorted_pairs(&values, &weights, None, None, None),
            reference(&values, &weights)
        );
        let mut items: Vec<(f64, f64)> = values.iter().copied().zip(weights.clone()).collect();
        sort_in_place(&mut items, &mut Vec::new());
        assert_eq!(items, reference(&values, &weights));
    }

    #[test]
    fn ranges_cover_and_align() {
        let r = split_ranges(1000, 3, 256);
        assert_eq!(r, vec![0..256, 256..512, 512..1000]);
        assert_eq!(split_ranges(10, 2, 256), vec![0..0, 0..10]);
        assert_eq!(run_parts(3, |p| p * 2), vec![0, 2, 4]);
    }
}
