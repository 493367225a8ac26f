//! Values and weights of extreme magnitude (issue 10, finding 15): a value of 1e308 made the
//! sums overflow and the Gini coefficient reported "every value is zero". Values beyond
//! `MAX_ABS_VALUE` and weights outside `MIN_WEIGHT..=MAX_WEIGHT` are refused naming the row;
//! within the range every measure is computed without overflow, as the R reference shows on
//! the reference data moved to the top of the range.

use setara_stats::{
    GiniConvention, MAX_ABS_VALUE, MAX_WEIGHT, PovertyLine, StatsError, SuiteOptions, suite,
    suite_by_group,
};

mod common;
use common::*;

#[test]
fn a_value_of_1e308_is_named_not_called_zero() {
    let e = suite(&[2.0, 1e308, 3.0], None, &SuiteOptions::default()).unwrap_err();
    assert_eq!(
        e,
        StatsError::ValueTooLarge {
            index: 1,
            value: 1e308
        }
    );
    let e = suite(
        &[2.0, 1.0, 3.0],
        Some(&[1.0, 1.0, 1e308]),
        &SuiteOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, StatsError::WeightOutOfRange { index: 2, .. }));
    let e = suite_by_group(&[1e300, 1.0], None, &[1, 2], &SuiteOptions::default()).unwrap_err();
    assert!(matches!(e, StatsError::ValueTooLarge { index: 0, .. }));
}

/// No measure of a suite is ever a silent NaN or infinity, at any magnitude the input accepts.
#[test]
fn no_measure_is_ever_non_finite() {
    let cases: [(Vec<f64>, Option<Vec<f64>>); 5] = [
        (vec![MAX_ABS_VALUE, 1.0, 2.0], None),
        (
            vec![MAX_ABS_VALUE, MAX_ABS_VALUE, 0.0],
            Some(vec![MAX_WEIGHT; 3]),
        ),
        (vec![1e-300, 2.0, 3.0], Some(vec![1e-30, 1.0, 1e30])),
        (vec![5e-324, 1.0, 1e30], None),
        (vec![-MAX_ABS_VALUE, MAX_ABS_VALUE, 1.0], None),
    ];
    for (v, w) in &cases {
        for line in [None, Some(PovertyLine::Absolute(1.5))] {
            let o = SuiteOptions {
                line,
                standard_errors: true,
                lorenz_points: 11,
                ..SuiteOptions::default()
            };
            let s = suite(v, w.as_deref(), &o).unwrap();
            let mut all = vec![
                &s.mean,
                &s.median,
                &s.gini,
                &s.theil_t,
                &s.theil_l,
                &s.ge2,
                &s.atkinson_0_5,
                &s.atkinson_1,
                &s.atkinson_2,
                &s.cv,
                &s.palma,
                &s.s80_s20,
                &s.s80_s20_quantile,
            ];
            all.extend(s.fgt.iter().flatten());
            all.extend(s.watts.iter());
            for e in all.into_iter().flatten() {
                assert!(e.value.is_finite(), "{v:?} {w:?}: {e:?}");
                assert!(e.se.is_none_or(f64::is_finite), "{v:?} {w:?}: {e:?}");
            }
            // "Every value is zero" only when it is so.
            if let Err(StatsError::Undefined { reason, .. }) = &s.gini {
                assert!(!reason.contains("zero"), "{v:?}: {reason}");
            }
        }
    }
}

/// The reference data scaled so that the largest income is near `MAX_ABS_VALUE` (by 2^73, an
/// exact scaling) and the weights near `MAX_WEIGHT` (by 2^96): every scale-free measure and its
/// standard error is still R's (convey, laeken), and the mean is the mean scaled.
#[test]
fn the_reference_at_the_top_of_the_range_is_still_r() {
    let d = data();
    let r = json("results_R.json");
    let (sx, sw) = (2f64.powi(73), 2f64.powi(96));
    let x: Vec<f64> = d.income.iter().map(|v| v * sx).collect();
    let w: Vec<f64> = d.weight.iter().map(|v| v * sw).collect();
    assert!(x.iter().all(|v| v.abs() <= MAX_ABS_VALUE) && x.iter().any(|v| *v > 1e29));
    assert!(w.iter().all(|v| *v <= MAX_WEIGHT) && w.iter().any(|v| *v > 1e29));
    let o = SuiteOptions {
        line: Some(PovertyLine::Absolute(15f64.exp() * sx)),
        standard_errors: true,
        // Invariant to rescaling the weights (convey's convention is not).
        gini_convention: GiniConvention::FrequencyWeights,
        lorenz_points: 0,
    };
    let s = suite(&x, Some(&w), &o).unwrap();
    let c = &r["convey_weighted"];
    for (name, e, key) in [
        ("theil_l", &s.theil_l, "svygei_eps0_TheilL"),
        ("theil_t", &s.theil_t, "svygei_eps1_TheilT"),
        ("ge2", &s.ge2, "svygei_eps2"),
        ("atkinson 0.5", &s.atkinson_0_5, "svyatk_eps0.5"),
        ("atkinson 1", &s.atkinson_1, "svyatk_eps1"),
        ("atkinson 2", &s.atkinson_2, "svyatk_eps2"),
    ] {
        check_estimate(
            &format!("{name} at 2^73, weights at 2^96"),
            *e.as_ref().unwrap(),
            &c[key],
        );
    }
    let gini = s.gini.as_ref().unwrap();
    check(
        "frequency-weight gini at 2^73, weights at 2^96 (laeken)",
        gini.value,
        num(&r, &["laeken", "gini_weighted_pct"]) / 100.0,
        EST_TOL,
    );
    check(
        "gini SE at 2^73, weights at 2^96 (convey's influence function)",
        gini.se.unwrap(),
        num(c, &["svygini", "se"]),
        SE_TOL,
    );
    for g in 0..3 {
        check_estimate(
            &format!("fgt{g} at 2^73, weights at 2^96"),
            *s.fgt.as_ref().unwrap()[g].as_ref().unwrap(),
            &c[format!("svyfgt_abs_g{g}")],
        );
    }
    // Its standard error rests on a kernel density whose bandwidth depends on the total
    // weight (as in convey): the values alone at the top of the range.
    let s2 = suite(&x, Some(&d.weight), &o).unwrap();
    check_estimate(
        "s80/s20 at 2^73",
        *s2.s80_s20_quantile.as_ref().unwrap(),
        &c["svyqsr_S80S20"],
    );
    let plain = suite(&d.income, Some(&d.weight), &SuiteOptions::default()).unwrap();
    check(
        "mean at 2^73 / 2^73",
        s.mean.as_ref().unwrap().value / sx,
        plain.mean.as_ref().unwrap().value,
        1e-12,
    );
}
