//! Property tests of the generalized entropy family, Atkinson and the coefficient of variation:
//! the axioms an inequality index must satisfy whatever the data, the decomposition identity,
//! and the outcome of every kind of invalid input.

use proptest::prelude::*;
use setara_stats::{
    Estimate, Sample, StatsError, atkinson, coefficient_of_variation, ge_decomposition,
    generalized_entropy, theil_l, theil_t,
};

/// The measures checked by the axioms: `GE(α)` for several `α`, Atkinson for several `ε`, CV.
#[derive(Clone, Copy, Debug)]
enum M {
    Ge(f64),
    Atk(f64),
    Cv,
}

const MEASURES: [M; 11] = [
    M::Ge(-1.0),
    M::Ge(0.0),
    M::Ge(0.5),
    M::Ge(1.0),
    M::Ge(2.0),
    M::Ge(3.0),
    M::Atk(0.5),
    M::Atk(1.0),
    M::Atk(2.0),
    M::Atk(1.5),
    M::Cv,
];

fn eval(m: M, v: &[f64], w: Option<&[f64]>) -> Estimate {
    match m {
        M::Ge(a) => generalized_entropy(v, w, a),
        M::Atk(e) => atkinson(v, w, e),
        M::Cv => coefficient_of_variation(v, w),
    }
    .unwrap_or_else(|e| panic!("{m:?}: {e}"))
}

/// Relative closeness with an absolute floor (indices of near-equal incomes are 0 up to
/// rounding: their absolute accuracy is ~1e-15, not their relative one).
fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + abs
}

/// Positive incomes over several orders of magnitude.
fn incomes(max_len: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(prop_oneof![1.0..1e3f64, 1e3..1e7f64], 1..max_len)
}

/// Positive incomes with integer weights 1..=5.
fn weighted(max_len: usize) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    prop::collection::vec(
        (prop_oneof![1.0..1e3f64, 1e3..1e7f64], 1u32..=5),
        1..max_len,
    )
    .prop_map(|rows| rows.into_iter().map(|(v, w)| (v, f64::from(w))).unzip())
}

/// Positive incomes with integer weights and group ids 0..groups.
fn grouped(max_len: usize) -> impl Strategy<Value = (Vec<f64>, Vec<f64>, Vec<u32>)> {
    prop::collection::vec(
        (prop_oneof![1.0..1e3f64, 1e3..1e6f64], 1u32..=5, 0u32..6),
        1..max_len,
    )
    .prop_map(|rows| {
        let mut v = Vec::new();
        let mut w = Vec::new();
        let mut g = Vec::new();
        for (x, wi, gi) in rows {
            v.push(x);
            w.push(f64::from(wi));
            g.push(gi * 1000 + 7);
        }
        (v, w, g)
    })
}

proptest! {
    #[test]
    fn indices_are_non_negative_and_finite((v, w) in weighted(150)) {
        for m in MEASURES {
            let e = eval(m, &v, Some(&w));
            prop_assert!(e.value >= -1e-14 && e.value.is_finite(), "{m:?} = {}", e.value);
            if let M::Atk(_) = m {
                prop_assert!(e.value < 1.0, "{m:?} = {}", e.value);
            }
            if let Some(se) = e.se {
                prop_assert!(se >= 0.0 && se.is_finite(), "{m:?} se = {se}");
            }
        }
    }

    #[test]
    fn scale_invariance(
        (v, w) in weighted(100),
        c in prop_oneof![1e-3..1.0f64, 1.0..1e4f64],
    ) {
        let scaled: Vec<f64> = v.iter().map(|x| x * c).collect();
        for m in MEASURES {
            let (a, b) = (eval(m, &v, Some(&w)), eval(m, &scaled, Some(&w)));
            prop_assert!(close(a.value, b.value, 1e-9, 1e-13), "{m:?}: {} vs {}", a.value, b.value);
            if let (Some(sa), Some(sb)) = (a.se, b.se) {
                // An SE that is rounding noise next to a large index (e.g. GE(-1) of two values
                // 10^7 apart, whose exact SE is 0) only has to be small on the index's scale.
                let floor = 1e-12 * a.value.abs().max(1.0);
                prop_assert!(close(sa, sb, 1e-6, floor), "{m:?} SE {sa} vs {sb}");
            }
        }
    }

    #[test]
    fn invariant_to_rescaling_all_weights(
        (v, w) in weighted(100),
        c in prop_oneof![1e-3..1.0f64, 1.0..1e4f64],
    ) {
        let scaled: Vec<f64> = w.iter().map(|x| x * c).collect();
        for m in MEASURES {
            let (a, b) = (eval(m, &v, Some(&w)), eval(m, &v, Some(&scaled)));
            prop_assert!(close(a.value, b.value, 1e-9, 1e-13), "{m:?}: {} vs {}", a.value, b.value);
            if let (Some(sa), Some(sb)) = (a.se, b.se) {
                // An SE that is rounding noise next to a large index (e.g. GE(-1) of two values
                // 10^7 apart, whose exact SE is 0) only has to be small on the index's scale.
                let floor = 1e-12 * a.value.abs().max(1.0);
                prop_assert!(close(sa, sb, 1e-6, floor), "{m:?} SE {sa} vs {sb}");
            }
        }
    }

    #[test]
    fn replication_invariance(v in incomes(80), k in 2usize..5) {
        let replicated: Vec<f64> = (0..k).flat_map(|_| v.iter().copied()).collect();
        for m in MEASURES {
            let (a, b) = (eval(m, &v, None), eval(m, &replicated, None));
            prop_assert!(close(a.value, b.value, 1e-9, 1e-13), "{m:?}: {} vs {}", a.value, b.value);
        }
    }

    #[test]
    fn integer_weights_equal_expanded_rows((v, w) in weighted(80)) {
        let mut expanded = Vec::new();
        for (&x, &wi) in v.iter().zip(&w) {
            for _ in 0..(wi as usize) {
                expanded.push(x);
            }
        }
        for m in MEASURES {
            let (a, b) = (eval(m, &v, Some(&w)), eval(m, &expanded, None));
            prop_assert!(close(a.value, b.value, 1e-9, 1e-13), "{m:?}: {} vs {}", a.value, b.value);
            prop_assert_eq!(a.total_weight, b.total_weight);
        }
    }

    /// A transfer from a richer to a poorer person that keeps their order (Pigou–Dalton)
    /// strictly lowers every index.
    #[test]
    fn pigou_dalton_transfer_lowers_inequality(
        v in prop::collection::vec(1.0..100.0f64, 2..30),
        picks in (any::<prop::sample::Index>(), any::<prop::sample::Index>()),
        share in 0.05..0.95f64,
    ) {
        let (i, j) = (picks.0.index(v.len()), picks.1.index(v.len()));
        let (poor, rich) = if v[i] < v[j] { (i, j) } else { (j, i) };
        prop_assume!(v[rich] - v[poor] >= 0.5);
        // Transfer less than half the gap: the poorer stays poorer (or equal).
        let delta = share * (v[rich] - v[poor]) / 2.0;
        let mut after = v.clone();
        after[rich] -= delta;
        after[poor] += delta;
        for m in MEASURES {
            let (a, b) = (eval(m, &v, None).value, eval(m, &after, None).value);
            prop_assert!(b < a, "{m:?}: {a} before, {b} after a progressive transfer");
        }
    }

    #[test]
    fn decomposition_adds_up((v, w, g) in grouped(150), alpha in prop_oneof![Just(0.0), Just(1.0), Just(2.0), Just(-1.0), Just(0.5)]) {
        let d = ge_decomposition(&v, Some(&w), &g, alpha).unwrap();
        let total = generalized_entropy(&v, Some(&w), alpha).unwrap();
        prop_assert!(close(d.total.value, total.value, 1e-10, 1e-14));
        prop_assert!(
            close(d.within.value + d.between.value, d.total.value, 1e-10, 1e-14),
            "within {} + between {} != total {}", d.within.value, d.between.value, d.total.value
        );
        prop_assert!(d.between.value >= -1e-15 && d.within.value >= -1e-15);
        let p: f64 = d.groups.iter().map(|g| g.population_share).sum();
        let s: f64 = d.groups.iter().map(|g| g.income_share).sum();
        prop_assert!(close(p, 1.0, 1e-12, 0.0) && close(s, 1.0, 1e-12, 0.0));
        if let (Some(a), Some(b)) = (d.total.se, total.se) {
            prop_assert!(close(a, b, 1e-8, 1e-14), "SE {a} vs {b}");
        }
    }

    #[test]
    fn decomposition_with_integer_weights_equals_expanded_rows((v, w, g) in grouped(80)) {
        let (mut ev, mut eg) = (Vec::new(), Vec::new());
        for i in 0..v.len() {
            for _ in 0..(w[i] as usize) {
                ev.push(v[i]);
                eg.push(g[i]);
            }
        }
        for alpha in [0.0, 1.0, 2.0] {
            let a = ge_decomposition(&v, Some(&w), &g, alpha).unwrap();
            let b = ge_decomposition(&ev, None, &eg, alpha).unwrap();
            prop_assert!(close(a.within.value, b.within.value, 1e-9, 1e-13));
            prop_assert!(close(a.between.value, b.between.value, 1e-9, 1e-13));
        }
    }

    /// Giving every member of each group the group mean removes all within inequality.
    #[test]
    fn equal_within_groups_means_all_between((v, w, g) in grouped(100)) {
        let d = ge_decomposition(&v, Some(&w), &g, 1.0).unwrap();
        let means: Vec<f64> = g
            .iter()
            .map(|id| d.groups.iter().find(|gr| gr.id == *id).unwrap().mean)
            .collect();
        for alpha in [0.0, 1.0, 2.0] {
            let e = ge_decomposition(&means, Some(&w), &g, alpha).unwrap();
            prop_assert!(e.within.value.abs() < 1e-12, "within {}", e.within.value);
            prop_assert!(close(e.between.value, e.total.value, 1e-9, 1e-13));
        }
    }
}

// ---- Outcomes for invalid and edge-case input ----

fn all_measures(v: &[f64], w: Option<&[f64]>) -> Vec<(M, Result<Estimate, StatsError>)> {
    MEASURES
        .iter()
        .map(|&m| {
            let r = match m {
                M::Ge(a) => generalized_entropy(v, w, a),
                M::Atk(e) => atkinson(v, w, e),
                M::Cv => coefficient_of_variation(v, w),
            };
            (m, r)
        })
        .collect()
}

#[test]
fn empty_input_is_an_error() {
    for (m, r) in all_measures(&[], None) {
        assert_eq!(r.unwrap_err(), StatsError::Empty, "{m:?}");
    }
    for (m, r) in all_measures(&[], Some(&[])) {
        assert_eq!(r.unwrap_err(), StatsError::Empty, "{m:?}");
    }
    assert_eq!(
        ge_decomposition(&[], None, &[], 1.0).unwrap_err(),
        StatsError::Empty
    );
}

#[test]
fn nan_and_infinite_values_or_weights_are_errors() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for (m, r) in all_measures(&[1.0, 2.0, bad], None) {
            assert!(
                matches!(r, Err(StatsError::NonFiniteValue { index: 2, .. })),
                "{m:?}: {r:?}"
            );
        }
        for (m, r) in all_measures(&[1.0, 2.0, 3.0], Some(&[1.0, bad, 1.0])) {
            assert!(
                matches!(r, Err(StatsError::NonFiniteWeight { index: 1, .. })),
                "{m:?}: {r:?}"
            );
        }
        assert!(matches!(
            ge_decomposition(&[bad, 1.0], None, &[0, 1], 0.0),
            Err(StatsError::NonFiniteValue { index: 0, .. })
        ));
    }
}

#[test]
fn negative_values_are_out_of_domain_for_every_measure() {
    let v = [3.0, 1.0, -2.0, 5.0, -1.0];
    for (m, r) in all_measures(&v, None) {
        match r {
            Err(StatsError::OutOfDomain { index, value, .. }) => {
                assert_eq!((index, value), (2, -2.0), "{m:?}");
            }
            other => panic!("{m:?}: {other:?}"),
        }
    }
    assert!(matches!(
        ge_decomposition(&v, None, &[0; 5], 2.0),
        Err(StatsError::OutOfDomain { index: 2, .. })
    ));
}

#[test]
fn zeros_are_refused_only_where_the_index_is_infinite() {
    let v = [3.0, 0.0, 2.0, 5.0, 0.0];
    for (m, r) in all_measures(&v, None) {
        let needs_positive = match m {
            M::Ge(a) => a <= 0.0,
            M::Atk(e) => e >= 1.0,
            M::Cv => false,
        };
        if needs_positive {
            assert!(
                matches!(
                    r,
                    Err(StatsError::OutOfDomain {
                        index: 1,
                        value: 0.0,
                        ..
                    })
                ),
                "{m:?}: {r:?}"
            );
        } else {
            let e = r.unwrap_or_else(|e| panic!("{m:?}: {e}"));
            assert!(e.value.is_finite() && e.value > 0.0, "{m:?}: {e:?}");
            assert!(e.se.is_some_and(f64::is_finite), "{m:?}: {e:?}");
        }
    }
    // Theil T with zeros: 0·ln 0 = 0. Mean 2, incomes 3, 2, 5 (and two zeros).
    let t = theil_t(&v, None).unwrap().value;
    let expected = [3.0f64, 2.0, 5.0]
        .iter()
        .map(|x| (x / 2.0) * (x / 2.0).ln())
        .sum::<f64>()
        / 5.0;
    assert!((t - expected).abs() < 1e-15, "{t} vs {expected}");
    // Theil L refuses the first zero.
    assert!(matches!(
        theil_l(&v, None),
        Err(StatsError::OutOfDomain { index: 1, .. })
    ));
}

#[test]
fn all_zero_incomes_are_undefined() {
    let v = [0.0; 4];
    for (m, r) in all_measures(&v, None) {
        let needs_positive = match m {
            M::Ge(a) => a <= 0.0,
            M::Atk(e) => e >= 1.0,
            M::Cv => false,
        };
        if needs_positive {
            assert!(
                matches!(r, Err(StatsError::OutOfDomain { index: 0, .. })),
                "{m:?}"
            );
        } else {
            assert!(
                matches!(r, Err(StatsError::Undefined { .. })),
                "{m:?}: {r:?}"
            );
        }
    }
}

#[test]
fn equal_incomes_and_single_observations() {
    for (m, r) in all_measures(&[4.0; 6], Some(&[1.0, 2.0, 3.0, 1.0, 1.0, 5.0])) {
        let e = r.unwrap();
        assert_eq!(e.value, 0.0, "{m:?}");
        match m {
            M::Cv => assert_eq!(e.se, None),
            _ => assert_eq!(e.se, Some(0.0), "{m:?}"),
        }
    }
    for (m, r) in all_measures(&[4.0], None) {
        let e = r.unwrap();
        assert_eq!((e.value, e.se, e.n), (0.0, None, 1), "{m:?}");
    }
}

#[test]
fn invalid_parameters() {
    let v = [1.0, 2.0, 3.0];
    for a in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert!(matches!(
            generalized_entropy(&v, None, a),
            Err(StatsError::InvalidParameter { .. })
        ));
        assert!(matches!(
            ge_decomposition(&v, None, &[0, 0, 1], a),
            Err(StatsError::InvalidParameter { .. })
        ));
    }
    for e in [-0.5, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            atkinson(&v, None, e),
            Err(StatsError::InvalidParameter { .. })
        ));
    }
    assert_eq!(atkinson(&v, None, 0.0).unwrap().value, 0.0);
}

#[test]
fn group_ids_must_match_the_values() {
    let s = Sample::new(&[1.0, 2.0, 3.0], None).unwrap();
    assert!(matches!(
        s.ge_decomposition(&[0, 1], 1.0),
        Err(StatsError::SizeMismatch {
            expected: 3,
            found: 2,
            ..
        })
    ));
}

/// Regression: two values 10^7 apart, GE(-1), whose exact SE is 0 and computed SE is noise.
#[test]
fn scale_invariance_of_a_noise_level_se() {
    let (w, v, scaled) = ([5.0, 5.0], [9616245.894, 1.0], [9616.245894, 0.001]);
    let (a, b) = (
        eval(MEASURES[0], &v, Some(&w)),
        eval(MEASURES[0], &scaled, Some(&w)),
    );
    assert!(close(a.value, b.value, 1e-9, 1e-13));
    let (sa, sb) = (a.se.unwrap(), b.se.unwrap());
    assert!(close(sa, sb, 1e-6, 1e-12 * a.value.abs()), "{sa} vs {sb}");
}
