//! Desil: households ranked into tenths of the population, DTSEN style.
//!
//! # Convention
//!
//! Households are ordered by score ascending (the poorest first); equal scores are ordered by
//! the tiebreak key ascending (the KK number), then by row, so the order is total and does not
//! depend on the row order of the input. The ranking is **person-weighted**: each household
//! weighs its number of members. With *before* the number of persons in households earlier in
//! the order (in the same group) and *total* the persons of the group,
//!
//! ```text
//! desil = 1 + floor(10 × before / total), at most 10   (1 = poorest tenth)
//! ```
//!
//! so a household's desil is the tenth in which its first member falls, computed exactly in
//! integers. Consequences: the first household is always in desil 1; a large household
//! straddling a boundary belongs wholly to the desil where it starts, so each desil holds
//! 10 % of the persons give or take one household's members; a household of zero members takes
//! the desil of the position it occupies. If a group has no persons at all, its households are
//! all desil 1.
//!
//! The same order gives the national desil, the desil within each province and within each
//! regency: one sort, one pass in order with a running count per group ([`desil_from`] for
//! any number of grouping levels). A household whose group is [`NO_GROUP`] (e.g. no regency
//! recorded) gets desil 0 at that level: not ranked. `rank` is the 1-based national position in
//! the order (1 = the poorest household).
//!
//! The sort maps each score's bit pattern to an order-preserving `u64`, distributes the
//! households into 65,536 buckets by the top significant bits of that key (one MSD radix
//! pass), and sorts the buckets by (key, KK, row) in parallel; the levels are then ranked in
//! parallel, one thread per level.

use arrow_array::Array;
use setara_snapshot::Snapshot;

use crate::Error;

/// Group value meaning "not in any group at this level" (desil 0).
pub const NO_GROUP: u32 = u32::MAX;

/// Desil of every household of a snapshot (row order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Desil {
    pub national: Vec<u8>,
    pub province: Vec<u8>,
    /// 0 for a household with no regency recorded.
    pub regency: Vec<u8>,
    /// 1-based national position in the order (1 = poorest).
    pub rank: Vec<u32>,
}

/// Result of [`desil_from`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesilLevels {
    pub national: Vec<u8>,
    /// One vector per grouping level, in the order given.
    pub groups: Vec<Vec<u8>>,
    /// 1-based national position in the order (1 = poorest).
    pub rank: Vec<u32>,
}

/// Desil nationally, by province and by regency of every household of `snap`, from `scores`
/// (one per household in row order, lower = poorer, as [`PmtModel::score`](crate::PmtModel::score)
/// gives), weighted by members, ties by KK.
pub fn desil(snap: &Snapshot, scores: &[f64]) -> Result<Desil, Error> {
    let n = snap.household_count();
    if scores.len() != n {
        return Err(Error::Length {
            what: "scores",
            found: scores.len(),
            expected: n,
        });
    }
    let weights: Vec<u32> = snap.members().values().iter().map(|&m| m.into()).collect();
    let province: Vec<u32> = snap.province().values().iter().map(|&p| p.into()).collect();
    let reg = snap.regency();
    let regency: Vec<u32> = reg
        .values()
        .iter()
        .enumerate()
        .map(|(h, &r)| if reg.is_valid(h) { r.into() } else { NO_GROUP })
        .collect();
    let mut levels =
        desil_province_regency(scores, snap.kk().values(), &weights, &province, &regency)?;
    let regency = levels.groups.pop().expect("two levels");
    let province = levels.groups.pop().expect("two levels");
    Ok(Desil {
        national: levels.national,
        province,
        regency,
        rank: levels.rank,
    })
}

/// [`desil_from`] with exactly two grouping levels where every lower group (regency) lies in
/// one upper group (province) — the registry's case — computed faster: each sorted item
/// carries its weight and the id of its (province, regency) pair, so the walk in score order
/// reads only the sorted items and writes each household's results once (packed), instead of
/// reading and writing several columns at random rows. Falls back to [`desil_from`] when the
/// pairs or weights do not fit the packing.
pub fn desil_province_regency(
    scores: &[f64],
    tiebreak: &[u64],
    weights: &[u32],
    province: &[u32],
    regency: &[u32],
) -> Result<DesilLevels, Error> {
    let n = scores.len();
    let generic = || desil_from(scores, tiebreak, weights, &[province, regency]);
    if tiebreak.len() != n
        || weights.len() != n
        || province.len() != n
        || regency.len() != n
        || n > u32::MAX as usize
        || weights.iter().any(|&w| w > u32::from(u16::MAX))
    {
        return generic();
    }
    if let Some(row) = scores.iter().position(|s| s.is_nan()) {
        return Err(Error::NonFiniteScore {
            row,
            value: scores[row],
        });
    }
    // Dense ids of the (province, regency) pairs present.
    let (pids, np) = densify(province);
    let (rids, nr) = densify(regency);
    // Slot of a pair in a dense table; NO_GROUP takes the last slot of its level.
    let slot = |p: u32, r: u32| {
        let p = if p == NO_GROUP { np } else { p as usize };
        let r = if r == NO_GROUP { nr } else { r as usize };
        p * (nr + 1) + r
    };
    if (np + 1).saturating_mul(nr + 1) > 1 << 24 {
        return generic();
    }
    let mut pair_of = vec![u16::MAX; (np + 1) * (nr + 1)];
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut gid = vec![0u16; n];
    for i in 0..n {
        let s = slot(pids[i], rids[i]);
        if pair_of[s] == u16::MAX {
            if pairs.len() >= usize::from(u16::MAX) {
                return generic();
            }
            pair_of[s] = pairs.len() as u16;
            pairs.push((pids[i], rids[i]));
        }
        gid[i] = pair_of[s];
    }
    drop((pids, rids, pair_of));
    let items = sorted_items(scores, tiebreak, |i| weights[i] | (u32::from(gid[i]) << 16));
    drop(gid);
    let mut total_p = vec![0u64; np];
    let mut total_r = vec![0u64; nr];
    for it in &items {
        let (p, r) = pairs[(it.payload >> 16) as usize];
        let w = u64::from(it.payload & 0xffff);
        if p != NO_GROUP {
            total_p[p as usize] += w;
        }
        if r != NO_GROUP {
            total_r[r as usize] += w;
        }
    }
    let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    // The walk in score order, split in halves walked at once: the second half starts from
    // the sums of the first (one cheap pass over the first half's payloads).
    let mid = if n >= 1 << 16 { n / 2 } else { n };
    let mut start_p = vec![0u64; np];
    let mut start_r = vec![0u64; nr];
    let mut start_seen = 0u64;
    for it in &items[..mid] {
        let (p, r) = pairs[(it.payload >> 16) as usize];
        let w = u64::from(it.payload & 0xffff);
        start_seen += w;
        if p != NO_GROUP {
            start_p[p as usize] += w;
        }
        if r != NO_GROUP {
            start_r[r as usize] += w;
        }
    }
    // Packed result per row: rank (32 bits), then national, province and regency desil.
    let mut packed = vec![0u64; n];
    {
        let out = SharedSlice(packed.as_mut_ptr());
        let (pairs, total_p, total_r, out) = (&pairs, &total_p, &total_r, &out);
        let walk = |range: std::ops::Range<usize>,
                    mut seen: u64,
                    mut before_p: Vec<u64>,
                    mut before_r: Vec<u64>| {
            for pos in range {
                let it = items[pos];
                let (p, r) = pairs[(it.payload >> 16) as usize];
                let w = u64::from(it.payload & 0xffff);
                let d = tenth(seen, total);
                seen += w;
                let dp = if p == NO_GROUP {
                    0
                } else {
                    let b = &mut before_p[p as usize];
                    let d = tenth(*b, total_p[p as usize]);
                    *b += w;
                    d
                };
                let dr = if r == NO_GROUP {
                    0
                } else {
                    let b = &mut before_r[r as usize];
                    let d = tenth(*b, total_r[r as usize]);
                    *b += w;
                    d
                };
                let v = (pos as u64 + 1)
                    | u64::from(d) << 32
                    | u64::from(dp) << 40
                    | u64::from(dr) << 48;
                // SAFETY: rows are unique across items, so each element is written once, by
                // the one half that holds its item.
                unsafe { out.write(it.row as usize, v) };
            }
        };
        std::thread::scope(|s| {
            let walk = &walk;
            s.spawn(move || walk(mid..n, start_seen, start_p, start_r));
            walk(0..mid, 0, vec![0u64; np], vec![0u64; nr]);
        });
    }
    drop(items);
    let mut national = vec![0u8; n];
    let mut prov = vec![0u8; n];
    let mut reg = vec![0u8; n];
    let mut rank = vec![0u32; n];
    for (i, &v) in packed.iter().enumerate() {
        rank[i] = v as u32;
        national[i] = (v >> 32) as u8;
        prov[i] = (v >> 40) as u8;
        reg[i] = (v >> 48) as u8;
    }
    Ok(DesilLevels {
        national,
        groups: vec![prov, reg],
        rank,
    })
}

/// Order-preserving map of an `f64` (not NaN) to `u64`; −0 and +0 map alike.
#[inline]
pub fn order_key(x: f64) -> u64 {
    let b = (x + 0.0).to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Desil from plain slices: `scores` (lower = poorer), `tiebreak` keys for equal scores,
/// person `weights`, and any number of grouping levels (`groups[l][i]` is household i's group
/// at level l, [`NO_GROUP`] for none). See the module documentation for the convention.
pub fn desil_from(
    scores: &[f64],
    tiebreak: &[u64],
    weights: &[u32],
    groups: &[&[u32]],
) -> Result<DesilLevels, Error> {
    let n = scores.len();
    for (what, len) in [("tiebreak", tiebreak.len()), ("weights", weights.len())]
        .into_iter()
        .chain(groups.iter().map(|g| ("groups", g.len())))
    {
        if len != n {
            return Err(Error::Length {
                what,
                found: len,
                expected: n,
            });
        }
    }
    if n > u32::MAX as usize {
        return Err(Error::Options(format!("{n} households, at most 2^32 − 1")));
    }
    if let Some(row) = scores.iter().position(|s| s.is_nan()) {
        return Err(Error::NonFiniteScore {
            row,
            value: scores[row],
        });
    }
    let order = sorted_order(scores, tiebreak);
    let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    // One walk over the national order computes every level at once. The walk reads and
    // writes households in score order, that is at random rows, so what it needs of a row is
    // packed together first (weight, then the dense group id of each level): one random read
    // and two random writes per household, instead of several per level.
    let levels = groups.len();
    let stride = 1 + levels;
    let dense: Vec<(Vec<u32>, usize)> = groups.iter().map(|g| densify(g)).collect();
    let mut meta = vec![0u32; n * stride];
    for (i, m) in meta.chunks_exact_mut(stride).enumerate() {
        m[0] = weights[i];
        for (l, (ids, _)) in dense.iter().enumerate() {
            m[1 + l] = ids[i];
        }
    }
    let mut totals: Vec<Vec<u64>> = dense.iter().map(|(_, k)| vec![0u64; *k]).collect();
    for (l, (ids, _)) in dense.iter().enumerate() {
        for (&id, &w) in ids.iter().zip(weights) {
            if id != NO_GROUP {
                totals[l][id as usize] += u64::from(w);
            }
        }
    }
    drop(dense);
    let mut before: Vec<Vec<u64>> = totals.iter().map(|t| vec![0u64; t.len()]).collect();
    let mut packed = vec![0u8; n * stride];
    let mut rank = vec![0u32; n];
    let mut seen = 0u64;
    for (pos, &i) in order.iter().enumerate() {
        let i = i as usize;
        let m = &meta[i * stride..(i + 1) * stride];
        let w = u64::from(m[0]);
        let out = &mut packed[i * stride..(i + 1) * stride];
        out[0] = tenth(seen, total);
        seen += w;
        for l in 0..levels {
            let id = m[1 + l];
            if id != NO_GROUP {
                let b = &mut before[l][id as usize];
                out[1 + l] = tenth(*b, totals[l][id as usize]);
                *b += w;
            }
        }
        rank[i] = pos as u32 + 1;
    }
    drop(meta);
    let mut national = vec![0u8; n];
    let mut out: Vec<Vec<u8>> = groups.iter().map(|_| vec![0u8; n]).collect();
    for (i, p) in packed.chunks_exact(stride).enumerate() {
        national[i] = p[0];
        for (l, o) in out.iter_mut().enumerate() {
            o[i] = p[1 + l];
        }
    }
    Ok(DesilLevels {
        national,
        groups: out,
        rank,
    })
}

#[inline]
fn tenth(before: u64, total: u64) -> u8 {
    if total == 0 {
        1
    } else {
        (1 + (10 * u128::from(before) / u128::from(total))).min(10) as u8
    }
}

/// Dense ids `0..k` for the distinct group values (ascending), [`NO_GROUP`] kept.
fn densify(values: &[u32]) -> (Vec<u32>, usize) {
    let max = values
        .iter()
        .copied()
        .filter(|&v| v != NO_GROUP)
        .max()
        .unwrap_or(0);
    if (max as usize) < (1 << 22) || (max as usize) < 4 * values.len() {
        let mut map = vec![NO_GROUP; max as usize + 1];
        for &v in values {
            if v != NO_GROUP {
                map[v as usize] = 0;
            }
        }
        let mut k = 0u32;
        for slot in map.iter_mut() {
            if *slot == 0 {
                *slot = k;
                k += 1;
            }
        }
        let ids = values
            .iter()
            .map(|&v| {
                if v == NO_GROUP {
                    NO_GROUP
                } else {
                    map[v as usize]
                }
            })
            .collect();
        (ids, k as usize)
    } else {
        let mut distinct: Vec<u32> = values.iter().copied().filter(|&v| v != NO_GROUP).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let ids = values
            .iter()
            .map(|&v| {
                if v == NO_GROUP {
                    NO_GROUP
                } else {
                    distinct.binary_search(&v).expect("present") as u32
                }
            })
            .collect();
        (ids, distinct.len())
    }
}

/// Row indices ordered by (score, tiebreak, row).
///
/// One bucket pass (MSD radix on the top 16 significant bits of the order key above the
/// minimum), then each bucket sorted by (key, tiebreak, row); buckets are small and sorted in
/// parallel.
fn sorted_order(scores: &[f64], tiebreak: &[u64]) -> Vec<u32> {
    sorted_items(scores, tiebreak, |_| 0)
        .into_iter()
        .map(|it| it.row)
        .collect()
}

/// A pointer for writing disjoint elements of one slice from several threads.
struct SharedSlice<T>(*mut T);

// SAFETY: used only for writes to disjoint indices (see the call sites).
unsafe impl<T: Send> Sync for SharedSlice<T> {}
unsafe impl<T: Send> Send for SharedSlice<T> {}

impl<T> SharedSlice<T> {
    /// # Safety
    /// `i` is inside the slice and no other thread reads or writes element `i` meanwhile.
    unsafe fn write(&self, i: usize, value: T) {
        unsafe { self.0.add(i).write(value) }
    }
}

/// A household in the sort: its order key, its row, and 32 bits the caller packs (so that a
/// walk in score order need not read the rows' other columns at random).
#[derive(Clone, Copy, Debug, Default)]
struct Item {
    key: u64,
    row: u32,
    payload: u32,
}

/// [`sorted_order`] with a payload carried by each item.
fn sorted_items(
    scores: &[f64],
    tiebreak: &[u64],
    payload: impl Fn(usize) -> u32 + Sync,
) -> Vec<Item> {
    const BITS: u32 = 16;
    let n = scores.len();
    if n == 0 {
        return Vec::new();
    }
    let keys: Vec<u64> = scores.iter().map(|&s| order_key(s)).collect();
    let (min, max) = keys
        .iter()
        .fold((u64::MAX, 0u64), |(lo, hi), &k| (lo.min(k), hi.max(k)));
    let significant = 64 - (max - min).leading_zeros();
    let shift = significant.saturating_sub(BITS);
    let bucket = |k: u64| ((k - min) >> shift) as usize;
    // Histograms per chunk of rows, then each chunk scatters its rows into its own slots of
    // every bucket (in row order, so each bucket stays ordered by row within a chunk).
    let threads = crate::pmt::threads(None).clamp(1, 8);
    let chunk = n.div_ceil(threads);
    let hist: Vec<Vec<usize>> = std::thread::scope(|s| {
        let handles: Vec<_> = keys
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    let mut h = vec![0usize; 1 << BITS];
                    for &k in part {
                        h[bucket(k)] += 1;
                    }
                    h
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("histogram"))
            .collect()
    });
    let mut offsets = vec![0usize; (1 << BITS) + 1];
    for h in &hist {
        for (b, &c) in h.iter().enumerate() {
            offsets[b + 1] += c;
        }
    }
    for b in 1..offsets.len() {
        offsets[b] += offsets[b - 1];
    }
    // Start of each chunk's slots in each bucket.
    let mut starts: Vec<Vec<usize>> = Vec::with_capacity(hist.len());
    let mut running: Vec<usize> = offsets[..1 << BITS].to_vec();
    for h in &hist {
        starts.push(running.clone());
        for (r, &c) in running.iter_mut().zip(h) {
            *r += c;
        }
    }
    drop(hist);
    let mut items = vec![Item::default(); n];
    {
        let out = SharedSlice(items.as_mut_ptr());
        let payload = &payload;
        std::thread::scope(|s| {
            for (t, (part, mut next)) in keys.chunks(chunk).zip(starts).enumerate() {
                let out = &out;
                s.spawn(move || {
                    let base = t * chunk;
                    for (j, &k) in part.iter().enumerate() {
                        let b = bucket(k);
                        let i = base + j;
                        // SAFETY: the slots of chunk t in bucket b are
                        // starts[t][b] .. starts[t][b] + hist[t][b], disjoint from every other
                        // chunk's and inside 0..n; each is written once.
                        unsafe {
                            out.write(
                                next[b],
                                Item {
                                    key: k,
                                    row: i as u32,
                                    payload: payload(i),
                                },
                            )
                        };
                        next[b] += 1;
                    }
                });
            }
        });
    }
    drop(keys);
    let cmp = |a: &Item, b: &Item| {
        a.key
            .cmp(&b.key)
            .then_with(|| tiebreak[a.row as usize].cmp(&tiebreak[b.row as usize]))
            .then(a.row.cmp(&b.row))
    };
    // Split the buckets into contiguous runs of about equal size, one per thread.
    let mut cuts = vec![0usize];
    for t in 1..threads {
        let target = n * t / threads;
        let b = offsets.partition_point(|&o| o < target);
        cuts.push(offsets[b.min(offsets.len() - 1)]);
    }
    cuts.push(n);
    cuts.dedup();
    std::thread::scope(|s| {
        let mut rest: &mut [Item] = &mut items;
        let mut at = 0;
        for w in cuts.windows(2) {
            let (part, tail) = rest.split_at_mut(w[1] - w[0]);
            rest = tail;
            let (offsets, cmp) = (&offsets, &cmp);
            let base = at;
            at = w[1];
            s.spawn(move || {
                let first = offsets.partition_point(|&o| o < base);
                let mut b = first;
                while b + 1 < offsets.len() && offsets[b] < base + part.len() {
                    let (lo, hi) = (offsets[b].max(base) - base, offsets[b + 1] - base);
                    if hi - lo > 1 {
                        part[lo..hi].sort_unstable_by(cmp);
                    }
                    b += 1;
                }
            });
        }
    });
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_key_preserves_order() {
        let xs = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -1.0,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            f64::MIN_POSITIVE,
            1.0,
            13.7,
            1e300,
            f64::INFINITY,
        ];
        for w in xs.windows(2) {
            assert!(order_key(w[0]) <= order_key(w[1]), "{} {}", w[0], w[1]);
        }
        assert_eq!(order_key(-0.0), order_key(0.0));
    }

    #[test]
    fn bucket_sort_matches_a_comparison_sort() {
        let mut x = 12345u64;
        for (n, spread) in [(100_000u32, 1000u64), (5000, 3), (1, 1), (70_000, 1 << 40)] {
            let scores: Vec<f64> = (0..n)
                .map(|_| {
                    x = crate::pmt::mix64(x);
                    (x % spread) as f64 * 0.37 - 100.0
                })
                .collect();
            let tiebreak: Vec<u64> = (0..n).map(|i| u64::from(i % 7)).collect();
            let mut expected: Vec<u32> = (0..n).collect();
            expected.sort_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                scores[a]
                    .total_cmp(&scores[b])
                    .then((tiebreak[a], a).cmp(&(tiebreak[b], b)))
            });
            assert_eq!(sorted_order(&scores, &tiebreak), expected);
        }
    }

    #[test]
    fn the_documented_example() {
        // Four households of 1, 2, 3, 4 persons (10 persons), poorest first.
        let scores = [4.0, 1.0, 3.0, 2.0];
        let weights = [4, 1, 3, 2];
        let d = desil_from(&scores, &[0, 0, 0, 0], &weights, &[]).unwrap();
        // Order: row1 (before 0) d1, row3 (before 1) d2, row2 (before 3) d4, row0 (before 6) d7.
        assert_eq!(d.national, vec![7, 1, 4, 2]);
        assert_eq!(d.rank, vec![4, 1, 3, 2]);
    }

    #[test]
    fn ties_are_broken_by_the_key_then_the_row() {
        let d = desil_from(&[1.0, 1.0, 1.0], &[30, 10, 20], &[1, 1, 1], &[]).unwrap();
        assert_eq!(d.rank, vec![3, 1, 2]);
        let d = desil_from(&[1.0, 1.0], &[5, 5], &[1, 1], &[]).unwrap();
        assert_eq!(d.rank, vec![1, 2]);
    }

    #[test]
    fn nan_and_length_errors() {
        assert!(matches!(
            desil_from(&[1.0, f64::NAN], &[1, 2], &[1, 1], &[]),
            Err(Error::NonFiniteScore { row: 1, .. })
        ));
        assert!(matches!(
            desil_from(&[1.0], &[1, 2], &[1], &[]),
            Err(Error::Length { .. })
        ));
    }

    #[test]
    fn no_group_gets_zero_and_empty_groups_get_one() {
        let d = desil_from(
            &[1.0, 2.0, 3.0],
            &[1, 2, 3],
            &[0, 0, 5],
            &[&[7, 7, NO_GROUP]],
        )
        .unwrap();
        assert_eq!(d.groups[0], vec![1, 1, 0]);
        assert_eq!(d.national, vec![1, 1, 1]);
    }
}
