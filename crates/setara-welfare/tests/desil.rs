//! Properties of the person-weighted desil.

use proptest::prelude::*;
use setara_welfare::{NO_GROUP, desil_from, desil_province_regency};

fn households() -> impl Strategy<Value = Vec<(f64, u64, u32, u32)>> {
    // (score with ties, KK, members 0..=12, group 0..4)
    prop::collection::vec(
        (
            (0u32..200).prop_map(|s| f64::from(s) / 10.0 - 5.0),
            any::<u64>(),
            0u32..=12,
            0u32..4,
        ),
        1..400,
    )
}

fn split(h: &[(f64, u64, u32, u32)]) -> (Vec<f64>, Vec<u64>, Vec<u32>, Vec<u32>) {
    (
        h.iter().map(|x| x.0).collect(),
        h.iter().map(|x| x.1).collect(),
        h.iter().map(|x| x.2).collect(),
        h.iter().map(|x| x.3).collect(),
    )
}

proptest! {
    /// The packed two-level path the registry uses gives exactly the generic result, with
    /// regencies nested in provinces and some households in no regency or no province.
    #[test]
    fn the_two_level_fast_path_equals_the_generic_one(
        h in households(),
        none in prop::collection::vec(0u8..10, 400),
    ) {
        let (scores, kk, w, g) = split(&h);
        let regency: Vec<u32> = g.iter().zip(&none).map(|(&g, &x)| if x == 0 { NO_GROUP } else { 3200 + g * 7 }).collect();
        let province: Vec<u32> = regency.iter().zip(&none).map(|(&r, &x)| {
            if x == 1 { NO_GROUP } else if r == NO_GROUP { 32 } else { r / 100 + (r % 2) }
        }).collect();
        let generic = desil_from(&scores, &kk, &w, &[&province, &regency]).unwrap();
        let fast = desil_province_regency(&scores, &kk, &w, &province, &regency).unwrap();
        prop_assert_eq!(fast, generic);
    }

    #[test]
    fn each_desil_holds_a_tenth_of_persons_within_one_household(h in households()) {
        let (s, k, w, _) = split(&h);
        let d = desil_from(&s, &k, &w, &[]).unwrap();
        let total: u64 = w.iter().map(|&x| u64::from(x)).sum();
        let biggest = u64::from(*w.iter().max().unwrap());
        for desil in 1..=10u8 {
            let persons: u64 = (0..s.len()).filter(|&i| d.national[i] == desil).map(|i| u64::from(w[i])).sum();
            // |persons − total/10| ≤ one household's members (in tenths to stay in integers).
            let diff = (10 * persons).abs_diff(total);
            prop_assert!(diff <= 10 * biggest, "desil {desil}: {persons} of {total}, biggest {biggest}");
        }
    }

    #[test]
    fn desil_and_rank_are_monotone_in_the_score(h in households()) {
        let (s, k, w, _) = split(&h);
        let d = desil_from(&s, &k, &w, &[]).unwrap();
        let mut ranks = d.rank.clone();
        ranks.sort_unstable();
        prop_assert_eq!(ranks, (1..=s.len() as u32).collect::<Vec<_>>());
        for i in 0..s.len() {
            prop_assert!((1..=10).contains(&d.national[i]));
            for j in 0..s.len() {
                if s[i] < s[j] {
                    prop_assert!(d.national[i] <= d.national[j]);
                    prop_assert!(d.rank[i] < d.rank[j]);
                }
                if s[i] == s[j] && (k[i], i) < (k[j], j) {
                    prop_assert!(d.rank[i] < d.rank[j]);
                }
            }
        }
    }

    #[test]
    fn group_desil_equals_national_desil_of_the_group_alone(h in households()) {
        let (s, k, w, g) = split(&h);
        // Level 2 leaves group 3 out.
        let g2: Vec<u32> = g.iter().map(|&x| if x == 3 { NO_GROUP } else { x }).collect();
        let d = desil_from(&s, &k, &w, &[&g, &g2]).unwrap();
        for group in 0..4 {
            let rows: Vec<usize> = (0..s.len()).filter(|&i| g[i] == group).collect();
            if rows.is_empty() {
                continue;
            }
            let pick = |v: &[u32]| rows.iter().map(|&i| v[i]).collect::<Vec<_>>();
            let alone = desil_from(
                &rows.iter().map(|&i| s[i]).collect::<Vec<_>>(),
                &rows.iter().map(|&i| k[i]).collect::<Vec<_>>(),
                &pick(&w),
                &[],
            ).unwrap();
            for (r, &i) in rows.iter().enumerate() {
                prop_assert_eq!(d.groups[0][i], alone.national[r]);
                prop_assert_eq!(d.groups[1][i], if group == 3 { 0 } else { alone.national[r] });
            }
        }
    }

    #[test]
    fn row_order_does_not_matter(h in households(), seed in any::<u64>()) {
        let (s, k, w, g) = split(&h);
        let d = desil_from(&s, &k, &w, &[&g]).unwrap();
        // Reverse rotate by seed: same households, other row order (distinct KKs needed).
        let mut keys = k.clone();
        keys.sort_unstable();
        keys.dedup();
        prop_assume!(keys.len() == k.len());
        let n = s.len();
        let shift = (seed as usize) % n;
        let perm: Vec<usize> = (0..n).map(|i| (i + shift) % n).rev().collect();
        let take = |v: &[u32]| perm.iter().map(|&i| v[i]).collect::<Vec<_>>();
        let e = desil_from(
            &perm.iter().map(|&i| s[i]).collect::<Vec<_>>(),
            &perm.iter().map(|&i| k[i]).collect::<Vec<_>>(),
            &take(&w),
            &[&take(&g)],
        ).unwrap();
        for (r, &i) in perm.iter().enumerate() {
            prop_assert_eq!(e.national[r], d.national[i]);
            prop_assert_eq!(e.groups[0][r], d.groups[0][i]);
            prop_assert_eq!(e.rank[r], d.rank[i]);
        }
    }
}

#[test]
fn a_large_input_uses_the_parallel_sort_and_agrees_with_a_simple_ranking() {
    let n = 200_000usize;
    let mut x = 99u64;
    let mut next = || {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let scores: Vec<f64> = (0..n)
        .map(|_| (next() % 50_000) as f64 / 1000.0 + 9.0)
        .collect();
    let kk: Vec<u64> = (0..n).map(|_| next()).collect();
    let w: Vec<u32> = (0..n).map(|_| (next() % 8) as u32 + 1).collect();
    let d = desil_from(&scores, &kk, &w, &[]).unwrap();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        scores[a]
            .total_cmp(&scores[b])
            .then((kk[a], a).cmp(&(kk[b], b)))
    });
    let total: u64 = w.iter().map(|&v| u64::from(v)).sum();
    let mut before = 0u64;
    for (pos, &i) in order.iter().enumerate() {
        assert_eq!(d.rank[i] as usize, pos + 1);
        assert_eq!(u64::from(d.national[i]), (1 + 10 * before / total).min(10));
        before += u64::from(w[i]);
    }
}

/// Large enough for the fast path's parallel scatter and split walk.
#[test]
fn the_fast_path_agrees_at_scale() {
    let n = 300_000usize;
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut scores = Vec::with_capacity(n);
    let mut kk = Vec::with_capacity(n);
    let mut w = Vec::with_capacity(n);
    let mut regency = Vec::with_capacity(n);
    let mut province = Vec::with_capacity(n);
    for _ in 0..n {
        // Coarse scores so that ties (broken by KK) are common.
        scores.push((next() % 5_000) as f64 / 100.0 + 11.0);
        kk.push(next());
        w.push((next() % 9) as u32);
        let r = 1100 + (next() % 300) as u32;
        let none = next() % 50 == 0;
        regency.push(if none { NO_GROUP } else { r });
        province.push(r / 100);
    }
    let generic = desil_from(&scores, &kk, &w, &[&province, &regency]).unwrap();
    let fast = desil_province_regency(&scores, &kk, &w, &province, &regency).unwrap();
    assert_eq!(fast, generic);
}
