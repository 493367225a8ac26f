//! Property tests: axioms the measures must satisfy whatever the data.

use proptest::prelude::*;
use setara_stats::{GiniConvention, fgt, gini};

const FREQ: GiniConvention = GiniConvention::FrequencyWeights;

/// Relative closeness, with an absolute floor for values that are zero up to rounding (the
/// Gini of equal incomes).
fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + 1e-15
}

/// Incomes: non-negative, not all zero, spread over several orders of magnitude.
fn incomes(max_len: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(prop_oneof![Just(0.0), 1.0..1e3f64, 1e3..1e7f64], 1..max_len)
        .prop_filter("not all zero", |v| v.iter().any(|&x| x > 0.0))
}

/// Incomes drawn from few distinct values (many ties) with integer weights 1..=6.
fn tied_weighted(max_len: usize) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    prop::collection::vec((0u32..12, 1u32..=6), 1..max_len)
        .prop_map(|rows| {
            rows.into_iter()
                .map(|(v, w)| (f64::from(v) * 250.0, f64::from(w)))
                .unzip()
        })
        .prop_filter("not all zero", |(v, _): &(Vec<f64>, Vec<f64>)| {
            v.iter().any(|&x| x > 0.0)
        })
}

proptest! {
    #[test]
    fn gini_is_in_unit_interval(v in incomes(200)) {
        let g = gini(&v, None, FREQ).unwrap().value;
        prop_assert!((-1e-15..1.0).contains(&g), "G = {g}");
    }

    #[test]
    fn gini_is_scale_invariant(
        (v, w) in tied_weighted(100),
        c in prop_oneof![1e-3..1.0f64, 1.0..1e6f64],
    ) {
        let scaled: Vec<f64> = v.iter().map(|x| x * c).collect();
        for convention in [GiniConvention::FrequencyWeights, GiniConvention::Convey] {
            let a = gini(&v, Some(&w), convention).unwrap();
            let b = gini(&scaled, Some(&w), convention).unwrap();
            prop_assert!(close(a.value, b.value, 1e-12), "{} vs {}", a.value, b.value);
            if let (Some(sa), Some(sb)) = (a.se, b.se) {
                prop_assert!(close(sa, sb, 1e-9), "SE {sa} vs {sb}");
            }
        }
    }

    #[test]
    fn frequency_gini_is_invariant_to_weight_scale(
        (v, w) in tied_weighted(100),
        c in prop_oneof![1e-3..1.0f64, 1.0..1e6f64],
    ) {
        let scaled: Vec<f64> = w.iter().map(|x| x * c).collect();
        let a = gini(&v, Some(&w), FREQ).unwrap().value;
        let b = gini(&v, Some(&scaled), FREQ).unwrap().value;
        prop_assert!(close(a, b, 1e-12), "{a} vs {b}");
    }

    #[test]
    fn gini_is_replication_invariant(v in incomes(100), k in 2usize..6) {
        // Population principle: the data repeated k times has the same Gini.
        let replicated: Vec<f64> = (0..k).flat_map(|_| v.iter().copied()).collect();
        let a = gini(&v, None, FREQ).unwrap().value;
        let b = gini(&replicated, None, FREQ).unwrap().value;
        prop_assert!(close(a, b, 1e-12), "{a} vs {b}");
    }

    #[test]
    fn weighted_gini_is_replication_invariant((v, w) in tied_weighted(100), k in 2usize..5) {
        let rv: Vec<f64> = (0..k).flat_map(|_| v.iter().copied()).collect();
        let rw: Vec<f64> = (0..k).flat_map(|_| w.iter().copied()).collect();
        let a = gini(&v, Some(&w), FREQ).unwrap().value;
        let b = gini(&rv, Some(&rw), FREQ).unwrap().value;
        prop_assert!(close(a, b, 1e-12), "{a} vs {b}");
    }

    #[test]
    fn integer_weights_equal_expanded_rows((v, w) in tied_weighted(150)) {
        let expanded: Vec<f64> = v
            .iter()
            .zip(&w)
            .flat_map(|(&x, &wi)| std::iter::repeat_n(x, wi as usize))
            .collect();
        let weighted = gini(&v, Some(&w), FREQ).unwrap();
        let unweighted = gini(&expanded, None, FREQ).unwrap();
        prop_assert!(
            close(weighted.value, unweighted.value, 1e-12),
            "weighted {} vs expanded {}", weighted.value, unweighted.value
        );
        prop_assert_eq!(weighted.total_weight, expanded.len() as f64);
    }

    #[test]
    fn pigou_dalton_transfer_lowers_gini(
        mut v in prop::collection::vec(1.0..1e6f64, 2..60),
        i in any::<prop::sample::Index>(),
        j in any::<prop::sample::Index>(),
        share in 0.01..1.0f64,
    ) {
        v.sort_by(f64::total_cmp);
        let (mut i, mut j) = (i.index(v.len()), j.index(v.len()));
        if i > j {
            std::mem::swap(&mut i, &mut j);
        }
        prop_assume!(i < j);
        // The largest rank-preserving transfer from j (richer) to i (poorer).
        let room = (v[i + 1] - v[i]).min(v[j] - v[j - 1]).min((v[j] - v[i]) / 2.0);
        let delta = share * room;
        prop_assume!(delta > 1e-6 * v[j]);
        let before = gini(&v, None, FREQ).unwrap().value;
        let mut after_v = v.clone();
        after_v[i] += delta;
        after_v[j] -= delta;
        let after = gini(&after_v, None, FREQ).unwrap().value;
        prop_assert!(after < before, "before {before}, after {after}, delta {delta}");
        // Input order does not matter.
        after_v.reverse();
        prop_assert!(close(gini(&after_v, None, FREQ).unwrap().value, after, 1e-13));
    }

    #[test]
    fn fgt_is_monotone_in_the_line(
        (v, w) in tied_weighted(100),
        z1 in 1.0..3000.0f64,
        dz in 0.0..3000.0f64,
    ) {
        // For non-negative incomes every P_α rises with the line.
        let z2 = z1 + dz;
        for alpha in [0.0, 1.0, 2.0, 0.5, 3.0] {
            let p1 = fgt(&v, Some(&w), z1, alpha).unwrap().value;
            let p2 = fgt(&v, Some(&w), z2, alpha).unwrap().value;
            prop_assert!(p1 <= p2 + 1e-15, "alpha {alpha}: P({z1}) = {p1} > P({z2}) = {p2}");
            prop_assert!((0.0..=1.0).contains(&p1));
        }
    }

    #[test]
    fn fgt_orders_by_alpha((v, w) in tied_weighted(100), z in 1.0..3000.0f64) {
        // Normalised gaps are in [0, 1] for non-negative incomes: P0 >= P1 >= P2.
        let p: Vec<f64> = [0.0, 1.0, 2.0]
            .iter()
            .map(|&a| fgt(&v, Some(&w), z, a).unwrap().value)
            .collect();
        prop_assert!(p[0] + 1e-15 >= p[1] && p[1] + 1e-15 >= p[2], "{p:?}");
    }
}
