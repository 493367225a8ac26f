//! The fused suite (`suite`, `suite_of`, `suite_by_group`) against the straightforward one
//! (`suite_reference`, `suite_by_group_reference`: one `Sample` method per measure): estimates
//! to 1e-12 relative, standard errors to 1e-10 relative, and the same `Err` for every measure
//! that is undefined. Also a few R references through the suite.

use std::path::PathBuf;

use proptest::prelude::*;
use serde_json::Value;
use setara_stats::{
    Estimate, GeDecomposition, GiniConvention, GroupedSuite, PovertyLine, QuantileRule,
    RelativeLine, Sample, StatsError, Suite, SuiteOptions, suite, suite_by_group,
    suite_by_group_reference, suite_of, suite_reference,
};

const EST_TOL: f64 = 1e-12;
const SE_TOL: f64 = 1e-10;

/// `a ≈ b` to `tol` relative; `floor` absolute for results that are zero up to rounding
/// (the Gini of equal values).
fn close(a: f64, b: f64, tol: f64, floor: f64) -> bool {
    a.to_bits() == b.to_bits() || (a - b).abs() <= tol * a.abs().max(b.abs()) + floor
}

/// Below this (times `max(1, |estimate|)`) a standard error is zero up to rounding: its
/// linearized variable is constant in exact arithmetic (e.g. the quintile share ratio of two
/// rows), and both computations report rounding noise of order 1e-15. A standard error of
/// real data is many orders of magnitude larger.
const SE_NOISE: f64 = 1e-12;

/// Errors compare by their `Debug` text (a `NaN` parameter is not `==` itself).
fn same_error(a: &StatsError, b: &StatsError) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

/// Absolute error allowed on an entropy-type index (or a decomposition component) of data with
/// mean `mean`: the index is a difference of terms of size about `1 + |ln μ|` (Theil T is
/// `T₁/T − ln μ`), so two computations whose sums differ in the last bits differ by that much
/// times the rounding error, however small the index (data with almost no inequality).
fn entropy_floor(mean: f64) -> f64 {
    let m = if mean > 0.0 { mean.ln().abs() } else { 0.0 };
    1e-13 * (1.0 + m)
}

fn check_estimate(
    what: &str,
    fused: &Result<Estimate, StatsError>,
    reference: &Result<Estimate, StatsError>,
) {
    check_estimate_floor(what, fused, reference, 1e-15);
}

fn check_estimate_floor(
    what: &str,
    fused: &Result<Estimate, StatsError>,
    reference: &Result<Estimate, StatsError>,
    floor: f64,
) {
    match (fused, reference) {
        (Ok(f), Ok(r)) => {
            assert_eq!(f.n, r.n, "{what}: n");
            assert!(
                close(f.total_weight, r.total_weight, 1e-15, 0.0),
                "{what}: total weight {} vs {}",
                f.total_weight,
                r.total_weight
            );
            assert!(
                close(f.value, r.value, EST_TOL, floor),
                "{what}: fused {} vs reference {} (rel {:e})",
                f.value,
                r.value,
                (f.value - r.value).abs() / r.value.abs()
            );
            let noise = SE_NOISE * r.value.abs().max(1.0);
            // The Gini coefficient of equal values and the quintile share ratio with an empty
            // top group are 0 with a linearized variable that is constant in exact arithmetic
            // (scaled by up to max x / bottom income): both standard errors are rounding noise.
            let degenerate =
                r.value == 0.0 && (what.ends_with(" gini") || what.ends_with("s80_s20_quantile"));
            match (f.se, r.se) {
                (None, None) => {}
                (Some(_), Some(_)) if degenerate => {}
                (Some(a), Some(b)) if a < noise && b < noise => {}
                (Some(a), Some(b)) => assert!(
                    close(a, b, SE_TOL, 0.0),
                    "{what} SE: fused {a} vs reference {b} (rel {:e})",
                    (a - b).abs() / b.abs()
                ),
                (a, b) => panic!("{what} SE: fused {a:?} vs reference {b:?}"),
            }
        }
        (Err(f), Err(r)) => assert!(same_error(f, r), "{what}: errors differ: {f:?} vs {r:?}"),
        (f, r) => panic!("{what}: fused {f:?} vs reference {r:?}"),
    }
}

/// A measure's name, fused and reference results, and the absolute error floor.
type Pair<'a> = (
    &'a str,
    &'a Result<Estimate, StatsError>,
    &'a Result<Estimate, StatsError>,
    f64,
);

/// A named sample: values, weights, groups.
type Case = (&'static str, Vec<f64>, Option<Vec<f64>>, Vec<u32>);

fn check_suite(what: &str, f: &Suite, r: &Suite) {
    assert_eq!(f.n, r.n, "{what}: n");
    // A group's total weight is summed (compensated) by two threads: equal to the last bit or two.
    assert!(
        close(f.total_weight, r.total_weight, 1e-15, 0.0),
        "{what}: total weight {} vs {}",
        f.total_weight,
        r.total_weight
    );
    let ef = entropy_floor(r.mean.as_ref().map_or(0.0, |m| m.value));
    // CV = √(2·GE(2)): the error of GE(2) divided by the CV.
    let cv_floor = ef / r.cv.as_ref().map_or(1.0, |c| c.value.max(1e-3));
    let pairs: [Pair<'_>; 13] = [
        ("mean", &f.mean, &r.mean, 1e-15),
        ("median", &f.median, &r.median, 1e-15),
        ("gini", &f.gini, &r.gini, 1e-15),
        ("theil_t", &f.theil_t, &r.theil_t, ef),
        ("theil_l", &f.theil_l, &r.theil_l, ef),
        ("ge2", &f.ge2, &r.ge2, ef),
        ("atkinson_0_5", &f.atkinson_0_5, &r.atkinson_0_5, ef),
        ("atkinson_1", &f.atkinson_1, &r.atkinson_1, ef),
        ("atkinson_2", &f.atkinson_2, &r.atkinson_2, ef),
        ("cv", &f.cv, &r.cv, cv_floor),
        ("palma", &f.palma, &r.palma, 1e-15),
        ("s80_s20", &f.s80_s20, &r.s80_s20, 1e-15),
        (
            "s80_s20_quantile",
            &f.s80_s20_quantile,
            &r.s80_s20_quantile,
            1e-15,
        ),
    ];
    for (name, a, b, floor) in pairs {
        check_estimate_floor(&format!("{what} {name}"), a, b, floor);
    }
    match (&f.poverty_line, &r.poverty_line) {
        (None, None) => {}
        (Some(a), Some(b)) => check_estimate(&format!("{what} poverty_line"), a, b),
        (a, b) => panic!("{what} poverty_line: {a:?} vs {b:?}"),
    }
    match (&f.fgt, &r.fgt) {
        (None, None) => {}
        (Some(a), Some(b)) => {
            for (k, (x, y)) in a.iter().zip(b).enumerate() {
                check_estimate(&format!("{what} fgt{k}"), x, y);
            }
        }
        (a, b) => panic!("{what} fgt: {a:?} vs {b:?}"),
    }
    match (&f.watts, &r.watts) {
        (None, None) => {}
        (Some(a), Some(b)) => check_estimate(&format!("{what} watts"), a, b),
        (a, b) => panic!("{what} watts: {a:?} vs {b:?}"),
    }
    match (&f.lorenz, &r.lorenz) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.len(), b.len(), "{what} lorenz: length");
            for ((pa, la), (pb, lb)) in a.iter().zip(b) {
                assert_eq!(pa, pb, "{what} lorenz p");
                assert!(
                    close(*la, *lb, EST_TOL, 1e-15),
                    "{what} L({pa}): {la} vs {lb}"
                );
            }
        }
        (Err(a), Err(b)) => assert!(same_error(a, b), "{what} lorenz: {a:?} vs {b:?}"),
        (a, b) => panic!("{what} lorenz: {a:?} vs {b:?}"),
    }
}

fn check_decomposition(
    what: &str,
    f: &Result<GeDecomposition, StatsError>,
    r: &Result<GeDecomposition, StatsError>,
    mean: f64,
) {
    match (f, r) {
        (Ok(f), Ok(r)) => {
            assert_eq!(f.alpha, r.alpha);
            let ef = entropy_floor(mean);
            check_estimate_floor(&format!("{what} total"), &Ok(f.total), &Ok(r.total), ef);
            check_estimate_floor(&format!("{what} within"), &Ok(f.within), &Ok(r.within), ef);
            check_estimate_floor(
                &format!("{what} between"),
                &Ok(f.between),
                &Ok(r.between),
                ef,
            );
            assert_eq!(f.groups.len(), r.groups.len(), "{what}: groups");
            for (a, b) in f.groups.iter().zip(&r.groups) {
                assert_eq!((a.id, a.n), (b.id, b.n), "{what}: group");
                for (x, y, floor) in [
                    (a.total_weight, b.total_weight, 0.0),
                    (a.population_share, b.population_share, 1e-15),
                    (a.income_share, b.income_share, 1e-15),
                    (a.mean, b.mean, 0.0),
                    (a.ge, b.ge, entropy_floor(b.mean)),
                ] {
                    assert!(
                        close(x, y, EST_TOL, floor),
                        "{what} group {}: {x} vs {y}",
                        a.id
                    );
                }
            }
        }
        (Err(a), Err(b)) => assert!(same_error(a, b), "{what}: {a:?} vs {b:?}"),
        (a, b) => panic!("{what}: {a:?} vs {b:?}"),
    }
}

fn check_grouped(what: &str, f: &GroupedSuite, r: &GroupedSuite) {
    check_suite(&format!("{what} overall"), &f.overall, &r.overall);
    assert_eq!(
        f.groups.iter().map(|g| g.0).collect::<Vec<_>>(),
        r.groups.iter().map(|g| g.0).collect::<Vec<_>>(),
        "{what}: group ids"
    );
    for ((id, a), (_, b)) in f.groups.iter().zip(&r.groups) {
        check_suite(&format!("{what} group {id}"), a, b);
    }
    let mean = r.overall.mean.as_ref().map_or(0.0, |m| m.value);
    check_decomposition(
        &format!("{what} Theil T decomposition"),
        &f.theil_t,
        &r.theil_t,
        mean,
    );
    check_decomposition(
        &format!("{what} Theil L decomposition"),
        &f.theil_l,
        &r.theil_l,
        mean,
    );
    check_decomposition(&format!("{what} GE(2) decomposition"), &f.ge2, &r.ge2, mean);
}

/// Fused and reference suites (overall through `suite` and `suite_of`, and by group when
/// `groups` is given) agree.
fn check_all(
    what: &str,
    values: &[f64],
    weights: Option<&[f64]>,
    groups: Option<&[u32]>,
    o: &SuiteOptions,
) {
    let s = Sample::new(values, weights).unwrap();
    let reference = suite_reference(&s, o);
    check_suite(what, &suite_of(&s, o), &reference);
    check_suite(what, &suite(values, weights, o).unwrap(), &reference);
    if let Some(g) = groups {
        let f = suite_by_group(values, weights, g, o).unwrap();
        let r = suite_by_group_reference(values, weights, g, o).unwrap();
        check_grouped(what, &f, &r);
    }
}

fn options_grid() -> Vec<SuiteOptions> {
    let mut out = Vec::new();
    for standard_errors in [false, true] {
        for line in [
            None,
            Some(PovertyLine::Absolute(15f64.exp())),
            Some(PovertyLine::Relative(RelativeLine::of_median(0.6))),
        ] {
            out.push(SuiteOptions {
                line,
                standard_errors,
                gini_convention: GiniConvention::FrequencyWeights,
                lorenz_points: 11,
            });
        }
    }
    out.push(SuiteOptions {
        line: Some(PovertyLine::Relative(RelativeLine {
            share: 0.5,
            quantile: 0.4,
            rule: QuantileRule::Midpoint,
        })),
        standard_errors: true,
        gini_convention: GiniConvention::Convey,
        lorenz_points: 1001,
    });
    out.push(SuiteOptions {
        line: Some(PovertyLine::Relative(RelativeLine {
            share: 0.6,
            quantile: 0.5,
            rule: QuantileRule::Upper,
        })),
        standard_errors: true,
        gini_convention: GiniConvention::Convey,
        lorenz_points: 2,
    });
    out
}

// -------------------------------------------------------------------------------------------
// The reference data of tests/data/ineq.

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/ineq")
}

struct Data {
    income: Vec<f64>,
    weight: Vec<f64>,
    region: Vec<u32>,
}

fn reference_data() -> Data {
    let path = data_dir().join("data_lognormal_n10000_seed42.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id,income,weight,region"));
    let (mut income, mut weight, mut region) = (Vec::new(), Vec::new(), Vec::new());
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        income.push(f[1].parse().expect("income"));
        weight.push(f[2].parse().expect("weight"));
        region.push(
            f[3].trim_start_matches('R')
                .parse()
                .expect("region R01..R34"),
        );
    }
    assert_eq!(income.len(), 10_000);
    Data {
        income,
        weight,
        region,
    }
}

#[test]
fn reference_data_weighted_and_unweighted() {
    let d = reference_data();
    for o in options_grid() {
        let what = format!("{:?}", o);
        check_all(
            &format!("weighted {what}"),
            &d.income,
            Some(&d.weight),
            Some(&d.region),
            &o,
        );
        check_all(
            &format!("unweighted {what}"),
            &d.income,
            None,
            Some(&d.region),
            &o,
        );
    }
}

/// Large enough for the two-thread paths (sort, passes, group bucketing), with ties, zeros and
/// fractional weights.
#[test]
fn large_sample_two_threads() {
    let n = 400_000;
    let mut state = 7u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 11
    };
    let values: Vec<f64> = (0..n)
        .map(|_| {
            let r = next();
            match r % 10 {
                0 => 0.0,
                1 => 1000.0 * (r % 7) as f64,
                _ => ((r % 1_000_000) as f64 / 1e5).exp().round() * 100.0,
            }
        })
        .collect();
    let int_weights: Vec<f64> = (0..n).map(|_| (1 + next() % 5) as f64).collect();
    let frac_weights: Vec<f64> = (0..n)
        .map(|_| 0.5 + (next() % 1000) as f64 / 997.0)
        .collect();
    let groups: Vec<u32> = (0..n).map(|i| ((i * 7) % 38) as u32 * 3).collect();
    for o in [
        SuiteOptions {
            line: Some(PovertyLine::Relative(RelativeLine::of_median(0.6))),
            standard_errors: true,
            gini_convention: GiniConvention::FrequencyWeights,
            lorenz_points: 11,
        },
        SuiteOptions {
            line: Some(PovertyLine::Absolute(20_000.0)),
            standard_errors: true,
            gini_convention: GiniConvention::Convey,
            lorenz_points: 0,
        },
    ] {
        check_all(
            "large int weights",
            &values,
            Some(&int_weights),
            Some(&groups),
            &o,
        );
        check_all(
            "large frac weights",
            &values,
            Some(&frac_weights),
            Some(&groups),
            &o,
        );
        check_all("large unweighted", &values, None, Some(&groups), &o);
        // Positive values only: Theil L, Atkinson(1), Watts defined.
        let positive: Vec<f64> = values.iter().map(|&x| x + 1.0).collect();
        check_all(
            "large positive",
            &positive,
            Some(&frac_weights),
            Some(&groups),
            &o,
        );
    }
}

/// Many small groups (sparse ids: the binary-search index, coarse or single value buckets per
/// group) and a single group, with and without weights.
#[test]
fn many_groups_and_one_group() {
    let n = 60_000;
    let mut state = 5u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 11
    };
    let values: Vec<f64> = (0..n)
        .map(|_| ((next() % 1_000_000) as f64 / 1e5).exp().round())
        .collect();
    let weights: Vec<f64> = (0..n).map(|_| (1 + next() % 5) as f64).collect();
    let many: Vec<u32> = (0..n).map(|_| (next() % 20_000) as u32 * 50_000).collect();
    let one = vec![7u32; n];
    let o = SuiteOptions {
        line: Some(PovertyLine::Relative(RelativeLine::default())),
        standard_errors: true,
        gini_convention: GiniConvention::FrequencyWeights,
        lorenz_points: 5,
    };
    for groups in [&many, &one] {
        check_all("groups", &values, Some(&weights), Some(groups), &o);
        check_all("groups unweighted", &values, None, Some(groups), &o);
    }
}

#[test]
fn edge_cases() {
    let se = SuiteOptions {
        line: Some(PovertyLine::Relative(RelativeLine::default())),
        standard_errors: true,
        gini_convention: GiniConvention::FrequencyWeights,
        lorenz_points: 5,
    };
    let abs = SuiteOptions {
        line: Some(PovertyLine::Absolute(3.0)),
        ..se.clone()
    };
    let cases: Vec<Case> = vec![
        ("one row", vec![4.0], None, vec![1]),
        ("one weighted row", vec![4.0], Some(vec![2.5]), vec![1]),
        (
            "all equal",
            vec![7.5; 9],
            None,
            vec![1, 2, 1, 2, 1, 2, 1, 2, 1],
        ),
        (
            "all equal inexact",
            vec![0.1; 9],
            Some(vec![0.3, 1.0, 2.0, 0.7, 1.0, 1.0, 3.0, 1.0, 1.0]),
            vec![0; 9],
        ),
        ("all zero", vec![0.0; 5], None, vec![0, 0, 1, 1, 1]),
        (
            "zeros",
            vec![0.0, 0.0, 1.0, 2.0, 3.0, 0.0, 5.0],
            None,
            vec![1, 2, 1, 2, 1, 2, 1],
        ),
        (
            "bottom empty",
            vec![0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
            None,
            vec![0; 10],
        ),
        (
            "negative",
            vec![-1.0, 2.0, 3.0, -0.0, 4.0],
            Some(vec![1.0, 2.0, 1.0, 1.0, 2.0]),
            vec![5, 5, 6, 6, 6],
        ),
        (
            "negative median",
            vec![-3.0, -2.0, -1.0, 0.5, 9.0],
            None,
            vec![1, 1, 1, 1, 2],
        ),
        (
            "ties at quantiles",
            vec![1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 6.0, 7.0],
            None,
            vec![0, 1, 0, 1, 0, 1, 0, 1, 0, 1],
        ),
        (
            "one group all zero",
            vec![0.0, 0.0, 1.0, 2.0],
            None,
            vec![1, 1, 2, 2],
        ),
        (
            "sparse ids",
            vec![1.0, 2.0, 4.0, 8.0, 3.0, 5.0],
            None,
            vec![10, 10, 4_000_000_000, 4_000_000_000, 7, 7],
        ),
    ];
    for (what, v, w, g) in &cases {
        for o in [&se, &abs, &SuiteOptions::default()] {
            check_all(what, v, w.as_deref(), Some(g), o);
        }
    }
    // Invalid lines are errors of their measures only.
    for line in [
        PovertyLine::Absolute(0.0),
        PovertyLine::Absolute(f64::NAN),
        PovertyLine::Relative(RelativeLine::of_median(-1.0)),
        PovertyLine::Relative(RelativeLine {
            quantile: 1.0,
            ..RelativeLine::default()
        }),
    ] {
        let o = SuiteOptions {
            line: Some(line),
            ..se.clone()
        };
        check_all("invalid line", &[1.0, 2.0, 3.0], None, Some(&[1, 1, 2]), &o);
        check_all(
            "invalid line, zeros",
            &[0.0, 2.0, 3.0],
            None,
            Some(&[1, 1, 2]),
            &o,
        );
    }
    // Input errors are the same.
    assert_eq!(
        suite_by_group(&[1.0, 2.0], None, &[1], &se).unwrap_err(),
        suite_by_group_reference(&[1.0, 2.0], None, &[1], &se).unwrap_err()
    );
    assert_eq!(suite(&[], None, &se).unwrap_err(), StatsError::Empty);
}

// -------------------------------------------------------------------------------------------
// Random data with ties and zeros.

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => Just(0.0),
        4 => (1u32..30).prop_map(|v| f64::from(v) * 1000.0),
        4 => 0.0f64..1e6,
        1 => -100.0f64..100.0,
    ]
}

/// Integer or dyadic weights: every cumulative weight is exact, whatever the order of
/// summation, so both computations locate quantiles and Lorenz points on the same rows even
/// where a share is ill-conditioned (a bottom share of a few tiny incomes).
fn exact_weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        (1u32..6).prop_map(f64::from),
        (1u32..1280).prop_map(|k| f64::from(k) / 64.0)
    ]
}

fn sample() -> impl Strategy<Value = (Vec<f64>, Option<Vec<f64>>, Vec<u32>)> {
    (1usize..300).prop_flat_map(|n| {
        (
            prop::collection::vec(value(), n),
            prop::option::of(prop::collection::vec(exact_weight(), n)),
            prop::collection::vec(0u32..6, n),
        )
    })
}

/// Arbitrary real weights (cumulative sums rounded differently by the two computations) on
/// incomes bounded away from zero, where every measure is well-conditioned.
fn inexact_sample() -> impl Strategy<Value = (Vec<f64>, Option<Vec<f64>>, Vec<u32>)> {
    (1usize..300).prop_flat_map(|n| {
        (
            prop::collection::vec(
                prop_oneof![(1u32..30).prop_map(|v| f64::from(v) * 1000.0), 1.0f64..1e6],
                n,
            ),
            prop::option::of(prop::collection::vec(0.05f64..20.0, n)),
            prop::collection::vec(0u32..6, n),
        )
    })
}

fn options() -> impl Strategy<Value = SuiteOptions> {
    let line = prop_oneof![
        Just(None),
        (500.0f64..40_000.0).prop_map(|z| Some(PovertyLine::Absolute(z))),
        (
            0.2f64..1.5,
            prop_oneof![Just(0.5), 0.05f64..0.95],
            prop_oneof![
                Just(QuantileRule::Lower),
                Just(QuantileRule::Midpoint),
                Just(QuantileRule::Upper)
            ]
        )
            .prop_map(|(share, quantile, rule)| Some(PovertyLine::Relative(
                RelativeLine {
                    share,
                    quantile,
                    rule
                }
            ))),
    ];
    (
        line,
        any::<bool>(),
        prop_oneof![
            Just(GiniConvention::FrequencyWeights),
            Just(GiniConvention::Convey)
        ],
        prop_oneof![Just(0usize), Just(2), Just(7), Just(11)],
    )
        .prop_map(
            |(line, standard_errors, gini_convention, lorenz_points)| SuiteOptions {
                line,
                standard_errors,
                gini_convention,
                lorenz_points,
            },
        )
}

proptest! {
    // 300 cases by default; PROPTEST_CASES=N for a longer run.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(300)
    ))]

    #[test]
    fn fused_equals_reference((values, weights, groups) in sample(), o in options()) {
        check_all("random", &values, weights.as_deref(), Some(&groups), &o);
        // The same rows without negative values (most measures defined).
        let non_negative: Vec<f64> = values.iter().map(|x| x.abs()).collect();
        check_all("random non-negative", &non_negative, weights.as_deref(), Some(&groups), &o);
    }

    #[test]
    fn fused_equals_reference_real_weights((values, weights, groups) in inexact_sample(), o in options()) {
        check_all("random real weights", &values, weights.as_deref(), Some(&groups), &o);
    }
}

// -------------------------------------------------------------------------------------------
// R references through the suite (tests/data/ineq/results_R.json).

fn r_reference(path: &[&str]) -> f64 {
    let text = std::fs::read_to_string(data_dir().join("results_R.json")).expect("results_R.json");
    let v: Value = serde_json::from_str(&text).expect("JSON");
    let mut cur = &v;
    for k in path {
        cur = &cur[*k];
    }
    cur.as_f64()
        .unwrap_or_else(|| panic!("reference {path:?} missing"))
}

fn check_r(what: &str, got: f64, path: &[&str], tol: f64) {
    let expected = r_reference(path);
    let rel = ((got - expected) / expected).abs();
    assert!(rel <= tol, "{what}: got {got}, R {expected} (rel {rel:e})");
}

#[test]
fn r_references_through_the_suite() {
    let d = reference_data();
    let o = SuiteOptions {
        line: Some(PovertyLine::Absolute(15f64.exp())),
        standard_errors: true,
        gini_convention: GiniConvention::Convey,
        lorenz_points: 11,
    };
    let g = suite_by_group(&d.income, Some(&d.weight), &d.region, &o).unwrap();
    let s = &g.overall;
    let cw = "convey_weighted";
    for (what, e, key) in [
        ("gini (convey)", &s.gini, "svygini"),
        ("theil_t", &s.theil_t, "svygei_eps1_TheilT"),
        ("theil_l", &s.theil_l, "svygei_eps0_TheilL"),
        ("ge2", &s.ge2, "svygei_eps2"),
        ("atkinson 0.5", &s.atkinson_0_5, "svyatk_eps0.5"),
        ("atkinson 1", &s.atkinson_1, "svyatk_eps1"),
        ("atkinson 2", &s.atkinson_2, "svyatk_eps2"),
        ("qsr", &s.s80_s20_quantile, "svyqsr_S80S20"),
    ] {
        let e = e.as_ref().unwrap();
        check_r(what, e.value, &[cw, key, "estimate"], 1e-9);
        check_r(&format!("{what} SE"), e.se.unwrap(), &[cw, key, "se"], 1e-6);
    }
    let fgt = s.fgt.as_ref().unwrap();
    for (k, key) in ["svyfgt_abs_g0", "svyfgt_abs_g1", "svyfgt_abs_g2"]
        .iter()
        .enumerate()
    {
        let e = fgt[k].as_ref().unwrap();
        check_r(key, e.value, &[cw, key, "estimate"], 1e-9);
        check_r(&format!("{key} SE"), e.se.unwrap(), &[cw, key, "se"], 1e-6);
    }
    check_r(
        "palma",
        s.palma.as_ref().unwrap().value,
        &[cw, "palma_from_svylorenz"],
        1e-9,
    );
    check_r(
        "s80/s20 Lorenz",
        s.s80_s20.as_ref().unwrap().value,
        &[cw, "s80s20_from_svylorenz"],
        1e-9,
    );
    let lorenz = s.lorenz.as_ref().unwrap();
    for (i, key) in [(2, "L0.2"), (4, "L0.4"), (8, "L0.8"), (9, "L0.9")] {
        check_r(key, lorenz[i].1, &[cw, "svylorenz_ordinates", key], 1e-9);
    }
    for (what, d, key) in [
        ("Theil T", &g.theil_t, "svygeidec_eps1"),
        ("Theil L", &g.theil_l, "svygeidec_eps0"),
    ] {
        let d = d.as_ref().unwrap();
        for (part, e) in [
            ("total", d.total),
            ("within", d.within),
            ("between", d.between),
        ] {
            check_r(&format!("{what} {part}"), e.value, &[cw, key, part], 1e-9);
            check_r(
                &format!("{what} {part} SE"),
                e.se.unwrap(),
                &[cw, key, &format!("se_{part}")],
                1e-6,
            );
        }
    }
    // Relative line: the EU at-risk-of-poverty rate (convey, laeken threshold).
    let o = SuiteOptions {
        line: Some(PovertyLine::Relative(RelativeLine::of_median(0.6))),
        ..o
    };
    let s = suite(&d.income, Some(&d.weight), &o).unwrap();
    let p0 = s.fgt.as_ref().unwrap()[0].as_ref().unwrap();
    check_r(
        "relative P0",
        p0.value,
        &[cw, "svyfgt_relq_g0_60pct_median", "estimate"],
        1e-9,
    );
    check_r(
        "relative P0 SE",
        p0.se.unwrap(),
        &[cw, "svyfgt_relq_g0_60pct_median", "se"],
        1e-6,
    );
    let line = s.poverty_line.as_ref().unwrap().as_ref().unwrap();
    check_r(
        "relative line",
        line.value,
        &["laeken", "arpt_threshold_weighted"],
        1e-9,
    );
    // Unweighted: R ineq.
    let s = suite(&d.income, None, &o).unwrap();
    let iu = "ineq_unweighted";
    check_r(
        "ineq Gini",
        s.gini.as_ref().unwrap().value,
        &[iu, "Gini"],
        1e-9,
    );
    check_r(
        "ineq Theil T",
        s.theil_t.as_ref().unwrap().value,
        &[iu, "Theil_T"],
        1e-9,
    );
    check_r(
        "ineq MLD",
        s.theil_l.as_ref().unwrap().value,
        &[iu, "Theil_L_MLD"],
        1e-9,
    );
    check_r(
        "ineq var.coeff",
        s.cv.as_ref().unwrap().value,
        &[iu, "var_coeff"],
        1e-9,
    );
    check_r(
        "ineq Atkinson 0.5",
        s.atkinson_0_5.as_ref().unwrap().value,
        &[iu, "Atkinson_0.5"],
        1e-9,
    );
}
