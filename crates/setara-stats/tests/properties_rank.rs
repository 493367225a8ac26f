//! Property tests of the rank-based measures: weighted quantiles, Lorenz curve, share ratios,
//! quintile share ratio, relative poverty and Watts.

use proptest::prelude::*;
use setara_stats::{QuantileRule, RelativeLine, Sample};

const RULES: [QuantileRule; 3] = [
    QuantileRule::Lower,
    QuantileRule::Midpoint,
    QuantileRule::Upper,
];

/// Probabilities including the ones that hit cumulative shares exactly (ties) with small
/// integer weights.
const PS: [f64; 12] = [0.0, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 0.9, 1.0];

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + 1e-15
}

/// Positive incomes from few distinct values (many ties) with integer weights 1..=6.
fn tied_weighted(max_len: usize) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    prop::collection::vec((1u32..12, 1u32..=6), 1..max_len).prop_map(|rows| {
        rows.into_iter()
            .map(|(v, w)| (f64::from(v) * 250.0, f64::from(w)))
            .unzip()
    })
}

/// Positive incomes over several orders of magnitude, with integer weights.
fn spread_weighted(max_len: usize) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    prop::collection::vec(
        (prop_oneof![1.0..1e3f64, 1e3..1e7f64], 1u32..=5),
        2..max_len,
    )
    .prop_map(|rows| rows.into_iter().map(|(v, w)| (v, f64::from(w))).unzip())
}

fn expand(v: &[f64], w: &[f64]) -> Vec<f64> {
    v.iter()
        .zip(w)
        .flat_map(|(&x, &k)| std::iter::repeat_n(x, k as usize))
        .collect()
}

proptest! {
    #[test]
    fn quantiles_are_monotone_in_p((v, w) in tied_weighted(60)) {
        let s = Sample::new(&v, Some(&w)).unwrap();
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        for rule in RULES {
            let q = s.quantiles(&PS, rule).unwrap();
            prop_assert_eq!(q[0], min);
            prop_assert_eq!(q[PS.len() - 1], max);
            for pair in q.windows(2) {
                prop_assert!(pair[0] <= pair[1], "{:?}: {:?}", rule, q);
            }
        }
        // Lower <= Midpoint <= Upper.
        let lo = s.quantiles(&PS, QuantileRule::Lower).unwrap();
        let mid = s.quantiles(&PS, QuantileRule::Midpoint).unwrap();
        let up = s.quantiles(&PS, QuantileRule::Upper).unwrap();
        for i in 0..PS.len() {
            prop_assert!(lo[i] <= mid[i] && mid[i] <= up[i]);
        }
    }

    #[test]
    fn integer_weights_equal_expanded_rows((v, w) in tied_weighted(40)) {
        let s = Sample::new(&v, Some(&w)).unwrap();
        let expanded = expand(&v, &w);
        let e = Sample::new(&expanded, None).unwrap();
        for rule in RULES {
            prop_assert_eq!(s.quantiles(&PS, rule).unwrap(), e.quantiles(&PS, rule).unwrap());
        }
        let (ls, le) = (s.lorenz(&PS).unwrap(), e.lorenz(&PS).unwrap());
        for (a, b) in ls.iter().zip(&le) {
            prop_assert!(close(*a, *b, 1e-12), "{} vs {}", a, b);
        }
        prop_assert!(close(s.palma().unwrap(), e.palma().unwrap(), 1e-12));
        let (qs, qe) = (s.quintile_share_ratio(), e.quintile_share_ratio());
        match (qs, qe) {
            (Ok(a), Ok(b)) => prop_assert!(close(a.value, b.value, 1e-12)),
            (a, b) => prop_assert_eq!(a.is_err(), b.is_err()),
        }
        let line = RelativeLine::default();
        prop_assert!(close(
            s.fgt_relative(line, 1.0).unwrap().value,
            e.fgt_relative(line, 1.0).unwrap().value,
            1e-12
        ));
        prop_assert!(close(
            s.watts_relative(line).unwrap().value,
            e.watts_relative(line).unwrap().value,
            1e-12
        ));
    }

    #[test]
    fn replication_invariance((v, w) in tied_weighted(40), k in 2usize..4) {
        // Every row repeated k times (and the weights with it): same population shares.
        let rep_v: Vec<f64> = v.iter().flat_map(|&x| std::iter::repeat_n(x, k)).collect();
        let rep_w: Vec<f64> = w.iter().flat_map(|&x| std::iter::repeat_n(x, k)).collect();
        let s = Sample::new(&v, Some(&w)).unwrap();
        let r = Sample::new(&rep_v, Some(&rep_w)).unwrap();
        for rule in RULES {
            prop_assert_eq!(s.quantiles(&PS, rule).unwrap(), r.quantiles(&PS, rule).unwrap());
        }
        let (ls, lr) = (s.lorenz(&PS).unwrap(), r.lorenz(&PS).unwrap());
        for (a, b) in ls.iter().zip(&lr) {
            prop_assert!(close(*a, *b, 1e-12));
        }
        prop_assert!(close(
            s.s80_s20_lorenz().unwrap(),
            r.s80_s20_lorenz().unwrap(),
            1e-12
        ));
        prop_assert!(close(
            s.fgt_relative(RelativeLine::default(), 0.0).unwrap().value,
            r.fgt_relative(RelativeLine::default(), 0.0).unwrap().value,
            1e-12
        ));
    }

    #[test]
    fn weight_scale_invariance((v, w) in tied_weighted(40), c in prop_oneof![Just(0.25), Just(3.0), Just(1024.0)]) {
        let wc: Vec<f64> = w.iter().map(|x| x * c).collect();
        let s = Sample::new(&v, Some(&w)).unwrap();
        let t = Sample::new(&v, Some(&wc)).unwrap();
        for rule in RULES {
            prop_assert_eq!(s.quantiles(&PS, rule).unwrap(), t.quantiles(&PS, rule).unwrap());
        }
        prop_assert!(close(s.palma().unwrap(), t.palma().unwrap(), 1e-12));
    }

    #[test]
    fn income_scale_invariance((v, w) in spread_weighted(80), c in prop_oneof![1e-3..1.0f64, 1.0..1e4f64]) {
        let vc: Vec<f64> = v.iter().map(|x| x * c).collect();
        let s = Sample::new(&v, Some(&w)).unwrap();
        let t = Sample::new(&vc, Some(&w)).unwrap();
        let (qs, qt) = (
            s.quantiles(&PS, QuantileRule::Midpoint).unwrap(),
            t.quantiles(&PS, QuantileRule::Midpoint).unwrap(),
        );
        for (a, b) in qs.iter().zip(&qt) {
            prop_assert!(close(a * c, *b, 1e-14));
        }
        let (ls, lt) = (s.lorenz(&PS).unwrap(), t.lorenz(&PS).unwrap());
        for (a, b) in ls.iter().zip(&lt) {
            prop_assert!(close(*a, *b, 1e-12));
        }
        prop_assert!(close(s.palma().unwrap(), t.palma().unwrap(), 1e-12));
        let (a, b) = (s.quintile_share_ratio().unwrap(), t.quintile_share_ratio().unwrap());
        prop_assert!(close(a.value, b.value, 1e-12));
        if let (Some(x), Some(y)) = (a.se, b.se) {
            // Absolute floor: a standard error that is zero in exact arithmetic comes out as
            // rounding noise.
            prop_assert!(close(x, y, 1e-8) || (x - y).abs() <= 1e-9, "SE {} vs {}", x, y);
        }
        for alpha in [0.0, 1.0, 2.0] {
            let (a, b) = (
                s.fgt_relative(RelativeLine::default(), alpha).unwrap(),
                t.fgt_relative(RelativeLine::default(), alpha).unwrap(),
            );
            prop_assert!(close(a.value, b.value, 1e-12));
            if let (Some(x), Some(y)) = (a.se, b.se) {
                prop_assert!(
                    close(x, y, 1e-8) || (x - y).abs() <= 1e-12,
                    "alpha {}: SE {} vs {}", alpha, x, y
                );
            }
        }
        let (a, b) = (
            s.watts_relative(RelativeLine::default()).unwrap(),
            t.watts_relative(RelativeLine::default()).unwrap(),
        );
        prop_assert!(close(a.value, b.value, 1e-10));
    }

    #[test]
    fn lorenz_is_convex_and_ends_at_one((v, w) in spread_weighted(80)) {
        let s = Sample::new(&v, Some(&w)).unwrap();
        let grid: Vec<f64> = (0..=100).map(|i| f64::from(i) / 100.0).collect();
        let l = s.lorenz(&grid).unwrap();
        prop_assert_eq!(l[0], 0.0);
        prop_assert_eq!(l[100], 1.0);
        for (i, &li) in l.iter().enumerate() {
            // Below the line of equality.
            prop_assert!(li <= grid[i] + 1e-12, "L({}) = {}", grid[i], li);
        }
        for t in l.windows(3) {
            prop_assert!(t[0] <= t[1] + 1e-15);
            // Convex: second differences on an even grid are >= 0.
            prop_assert!(t[2] - 2.0 * t[1] + t[0] >= -1e-12, "{:?}", t);
        }
        // Shares of complementary groups add up.
        let top = s.income_share(0.7, 1.0).unwrap();
        let bottom = s.income_share(0.0, 0.7).unwrap();
        prop_assert!(close(top + bottom, 1.0, 1e-12));
    }

    #[test]
    fn poverty_measures_are_bounded((v, w) in spread_weighted(80)) {
        let s = Sample::new(&v, Some(&w)).unwrap();
        let line = RelativeLine::default();
        let z = s.poverty_line(line).unwrap().value;
        let mut previous = f64::INFINITY;
        for alpha in [0.0, 0.5, 1.0, 2.0, 3.0] {
            let e = s.fgt_relative(line, alpha).unwrap();
            prop_assert!((0.0..=1.0).contains(&e.value));
            // Decreasing in alpha (gaps are <= 1).
            prop_assert!(e.value <= previous + 1e-15);
            previous = e.value;
            // The same index at the same (now fixed) line.
            prop_assert!(close(e.value, s.fgt(z, alpha).unwrap().value, 1e-12));
        }
        let watts = s.watts_relative(line).unwrap().value;
        prop_assert!(watts >= 0.0);
        prop_assert!(close(watts, s.watts(z).unwrap().value, 1e-12));
    }
}

/// What each rank-based measure does with empty, non-finite, zero and negative input.
#[test]
fn domains_of_the_rank_measures() {
    use setara_stats::StatsError;
    // Empty and non-finite input never reach a measure: `Sample::new` refuses them.
    assert_eq!(Sample::new(&[], None).unwrap_err(), StatsError::Empty);
    assert!(matches!(
        Sample::new(&[1.0, f64::NAN], None),
        Err(StatsError::NonFiniteValue { index: 1, .. })
    ));
    assert!(matches!(
        Sample::new(&[1.0, 2.0], Some(&[1.0, 0.0])),
        Err(StatsError::NonPositiveWeight { index: 1, .. })
    ));

    let line = RelativeLine::default();
    let out_of_domain =
        |r: Result<f64, StatsError>| matches!(r, Err(StatsError::OutOfDomain { .. }));
    let undefined = |r: Result<f64, StatsError>| matches!(r, Err(StatsError::Undefined { .. }));

    // Negative incomes: quantiles and FGT (absolute or relative line) are defined; Lorenz
    // shares, share ratios and the quintile share ratio need values >= 0, Watts values > 0.
    let v = [-5.0, 10.0, 20.0, 30.0, 40.0];
    let s = Sample::new(&v, None).unwrap();
    assert_eq!(s.quantile(0.2, QuantileRule::Lower).unwrap(), -5.0);
    assert_eq!(s.fgt_relative(line, 0.0).unwrap().value, 0.4);
    assert!(out_of_domain(s.lorenz(&[0.5]).map(|l| l[0])));
    assert!(out_of_domain(s.palma()));
    assert!(out_of_domain(s.s80_s20_lorenz()));
    assert!(out_of_domain(s.quintile_share_ratio().map(|e| e.value)));
    assert!(out_of_domain(s.watts(25.0).map(|e| e.value)));

    // Zero incomes: fine for quantiles, FGT and the Lorenz curve; share ratios are undefined
    // when the bottom group's income is zero; Watts needs values > 0.
    let z = [0.0, 0.0, 10.0, 20.0, 30.0];
    let s = Sample::new(&z, None).unwrap();
    assert_eq!(s.lorenz(&[0.4]).unwrap(), vec![0.0]);
    assert!(undefined(s.palma()));
    assert!(undefined(s.quintile_share_ratio().map(|e| e.value)));
    assert!((s.share_ratio(0.2, 0.6).unwrap() - 3.0).abs() < 1e-15);
    assert_eq!(s.fgt_relative(line, 0.0).unwrap().value, 0.4);
    assert!(out_of_domain(s.watts(5.0).map(|e| e.value)));

    // All zero: no Lorenz curve; a relative line of zero is not a line.
    let s = Sample::new(&[0.0; 3], None).unwrap();
    assert!(undefined(s.lorenz(&[0.5]).map(|l| l[0])));
    assert!(undefined(s.poverty_line(line).map(|e| e.value)));
}
