//! String similarity on bytes: Jaro-Winkler and a bounded Damerau-Levenshtein distance.
//!
//! Every value the comparators see has been normalised to ASCII first (lower case, accents
//! folded with `deunicode`), so the metrics work on bytes with no allocation: the match flags of
//! Jaro live on the stack for strings up to 64 bytes (longer strings take a heap path). They
//! return exactly what `strsim` returns for the same strings (`strsim::jaro_winkler` and
//! `strsim::osa_distance`); the unit tests below check that on generated strings, and
//! `benches/strings.rs` measures both: on FEBRL-like names the byte versions are several times
//! faster, because `strsim` allocates its flags and walks `char`s from the start of the second
//! string for every character of the first.
//!
//! The distance is the *restricted* Damerau-Levenshtein distance (optimal string alignment):
//! insertions, deletions, substitutions and transpositions of two adjacent characters, no
//! substring edited twice. For the small thresholds that record linkage uses (1 or 2 edits) it
//! differs from the unrestricted distance only on contrived strings (`ca` → `abc`).

/// Jaro similarity in `[0, 1]`.
pub fn jaro(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a.len() <= 64 && b.len() <= 64 {
        jaro_small(a, b)
    } else {
        jaro_large(a, b)
    }
}

/// Jaro-Winkler similarity in `[0, 1]`: Jaro plus a bonus of 0.1 per character of common prefix
/// (at most 4) times the distance to 1, applied when Jaro exceeds 0.7 (as `strsim`).
pub fn jaro_winkler(a: &[u8], b: &[u8]) -> f64 {
    let sim = jaro(a, b);
    if sim > 0.7 {
        let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

fn window(a: &[u8], b: &[u8]) -> usize {
    (a.len().max(b.len()) / 2).saturating_sub(1)
}

/// Bit-parallel Jaro for strings of at most 64 bytes: one bit mask per byte value of `b` gives
/// the candidate positions of each byte of `a` at once, and the first unused one inside the
/// window is its lowest set bit — the same choice as the textbook scan from the window's start.
fn jaro_small(a: &[u8], b: &[u8]) -> f64 {
    let range = window(a, b);
    let mut pm = [0u64; 256];
    for (j, &c) in b.iter().enumerate() {
        pm[c as usize] |= 1 << j;
    }
    let lb = b.len();
    let mut b_used: u64 = 0;
    let mut a_used: u64 = 0;
    let mut matches = 0usize;
    for (i, &x) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = (i + range + 1).min(lb);
        if lo >= hi {
            continue;
        }
        let upto = if hi == 64 { u64::MAX } else { (1u64 << hi) - 1 };
        let win = upto & !((1u64 << lo) - 1);
        let cand = pm[x as usize] & win & !b_used;
        if cand != 0 {
            b_used |= cand & cand.wrapping_neg();
            a_used |= 1 << i;
            matches += 1;
        }
    }
    if matches == 0 {
        return 0.0;
    }
    // Count the matched characters out of order.
    let mut transpositions = 0usize;
    let mut bits = b_used;
    let mut abits = a_used;
    while abits != 0 {
        let i = abits.trailing_zeros() as usize;
        abits &= abits - 1;
        let j = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        if a[i] != b[j] {
            transpositions += 1;
        }
    }
    finish(matches, transpositions / 2, a.len(), lb)
}

fn jaro_large(a: &[u8], b: &[u8]) -> f64 {
    let range = window(a, b);
    let mut a_used = vec![false; a.len()];
    let mut b_used = vec![false; b.len()];
    let mut matches = 0usize;
    for (i, &x) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = (i + range + 1).min(b.len());
        for j in lo..hi {
            if !b_used[j] && b[j] == x {
                b_used[j] = true;
                a_used[i] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut bj = b_used
        .iter()
        .enumerate()
        .filter(|(_, u)| **u)
        .map(|(j, _)| j);
    for (i, _) in a_used.iter().enumerate().filter(|(_, u)| **u) {
        let j = bj.next().expect("as many matches in b as in a");
        if a[i] != b[j] {
            transpositions += 1;
        }
    }
    finish(matches, transpositions / 2, a.len(), b.len())
}

fn finish(matches: usize, transpositions: usize, la: usize, lb: usize) -> f64 {
    let m = matches as f64;
    (m / la as f64 + m / lb as f64 + (matches - transpositions) as f64 / m) / 3.0
}

/// Restricted Damerau-Levenshtein (optimal string alignment) distance, exact.
pub fn osa_distance(a: &[u8], b: &[u8]) -> usize {
    let n = b.len();
    if a.is_empty() {
        return n;
    }
    if n == 0 {
        return a.len();
    }
    // Three rows: i-2, i-1, i.
    let mut prev2 = vec![0usize; n + 1];
    let mut prev: Vec<usize> = (0..=n).collect();
    let mut cur = vec![0usize; n + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[n]
}

/// The optimal-string-alignment distance if it is at most `k`, else `None`; cheaper than
/// [`osa_distance`] because a length difference above `k` answers at once and short strings
/// use stack rows.
pub fn osa_within(a: &[u8], b: &[u8], k: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > k {
        return None;
    }
    // Lower bound: an edit changes the byte histogram (here folded into 16 buckets, which can
    // only shrink the difference) by at most 2, so distance ≥ ⌈L1 / 2⌉. Most unrelated strings
    // stop here.
    let mut hist = [0i8; 16];
    for &x in a {
        hist[(x & 15) as usize] = hist[(x & 15) as usize].wrapping_add(1);
    }
    for &x in b {
        hist[(x & 15) as usize] = hist[(x & 15) as usize].wrapping_sub(1);
    }
    if a.len() < 128 && b.len() < 128 {
        let l1: usize = hist.iter().map(|h| h.unsigned_abs() as usize).sum();
        if l1.div_ceil(2) > k {
            return None;
        }
    }
    // Strip a common prefix and suffix: they never change the distance.
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[p..], &b[p..]);
    let s = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - s], &b[..b.len() - s]);
    // Stripping never splits a transposition: a transposed pair differs in both positions.
    let d = if b.len() < 32 {
        osa_small(a, b)
    } else {
        osa_distance(a, b)
    };
    (d <= k).then_some(d)
}

fn osa_small(a: &[u8], b: &[u8]) -> usize {
    let n = b.len();
    if a.is_empty() {
        return n;
    }
    if n == 0 {
        return a.len();
    }
    // Rows i-2, i-1 and i in turn.
    let mut rows = [[0usize; 33]; 3];
    for (j, p) in rows[1].iter_mut().enumerate().take(n + 1) {
        *p = j;
    }
    let (mut r2, mut r1, mut r0) = (0usize, 1usize, 2usize);
    for i in 1..=a.len() {
        rows[r0][0] = i;
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[r1][j] + 1)
                .min(rows[r0][j - 1] + 1)
                .min(rows[r1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[r2][j - 2] + 1);
            }
            rows[r0][j] = d;
        }
        (r2, r1, r0) = (r1, r0, r2);
    }
    rows[r1][n]
}

/// Whether two equally long byte strings differ by exactly one substituted byte or by one
/// transposition of two adjacent bytes (the typical typing errors in an identity number).
pub fn one_typo(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut diff = a.iter().zip(b).enumerate().filter(|(_, (x, y))| x != y);
    match (diff.next(), diff.next(), diff.next()) {
        (Some(_), None, None) => true,
        (Some((i, _)), Some((j, _)), None) => j == i + 1 && a[i] == b[j] && a[j] == b[i],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic pseudo-random strings over a small alphabet, so that similar pairs occur.
    fn strings(n: usize, seed: u64) -> Vec<String> {
        let mut s = seed;
        let mut next = move || {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let alphabet = b"aeinorst ";
        (0..n)
            .map(|i| {
                let len = if i % 17 == 0 {
                    70 + (next() % 10) as usize
                } else {
                    (next() % 12) as usize
                };
                (0..len)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize] as char)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn jaro_winkler_matches_strsim() {
        let xs = strings(400, 1);
        for a in &xs {
            for b in xs.iter().take(120) {
                let ours = jaro_winkler(a.as_bytes(), b.as_bytes());
                let theirs = strsim::jaro_winkler(a, b);
                assert!(
                    (ours - theirs).abs() < 1e-12,
                    "{a:?} {b:?}: {ours} {theirs}"
                );
                let ours = jaro(a.as_bytes(), b.as_bytes());
                assert!((ours - strsim::jaro(a, b)).abs() < 1e-12);
            }
        }
        for (a, b) in [
            ("martha", "marhta"),
            ("dwayne", "duane"),
            ("dixon", "dicksonx"),
            ("", ""),
            ("a", ""),
        ] {
            let ours = jaro_winkler(a.as_bytes(), b.as_bytes());
            assert!((ours - strsim::jaro_winkler(a, b)).abs() < 1e-12);
        }
        assert!((jaro_winkler(b"martha", b"marhta") - 0.961_111_111).abs() < 1e-6);
    }

    #[test]
    fn osa_matches_strsim() {
        let xs = strings(300, 2);
        for a in &xs {
            for b in xs.iter().take(100) {
                let d = strsim::osa_distance(a, b);
                assert_eq!(osa_distance(a.as_bytes(), b.as_bytes()), d, "{a:?} {b:?}");
                for k in 0..4 {
                    let want = (d <= k).then_some(d);
                    assert_eq!(
                        osa_within(a.as_bytes(), b.as_bytes(), k),
                        want,
                        "{a:?} {b:?}"
                    );
                }
            }
        }
        assert_eq!(osa_within(b"19560409", b"19560490", 1), Some(1));
        assert_eq!(osa_within(b"ca", b"abc", 2), None); // OSA 3, unrestricted DL 2
        assert_eq!(strsim::damerau_levenshtein("ca", "abc"), 2);
    }

    #[test]
    fn typos() {
        assert!(one_typo(b"3171014508900001", b"3171014508900007"));
        assert!(one_typo(b"3171014508900001", b"3171014508900010"));
        assert!(!one_typo(b"3171014508900001", b"3171014508900001"));
        assert!(!one_typo(b"3171014508900001", b"3171014508900022"));
        assert!(!one_typo(b"3171014508900001", b"317101450890001"));
        assert!(!one_typo(b"12", b"31"));
    }
}
