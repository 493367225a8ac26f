//! Reference values computed by other people's software (R ineq, laeken, convey/survey; pysal),
//! on `tests/data/ineq/data_lognormal_n10000_seed42.csv`. See `tests/data/ineq/README.md`.
//!
//! Point estimates must agree to 1e-9 relative, standard errors to 1e-6 relative.
//! Run with `--nocapture` to see the actual relative differences.

use setara_stats::{
    GiniConvention, Sample, fgt, gini, lognormal_gini, lognormal_sigma_for_gini, normal_cdf,
    weighted_mean,
};

mod common;
use common::*;

#[test]
fn gini_unweighted() {
    let d = data();
    let r = json("results_R.json");
    let py = json("results_python.json");
    for convention in [GiniConvention::FrequencyWeights, GiniConvention::Convey] {
        let e = gini(&d.income, None, convention).unwrap();
        assert_eq!(e.n, 10_000);
        check(
            "ineq::Gini",
            e.value,
            num(&r, &["ineq_unweighted", "Gini"]),
            EST_TOL,
        );
        check(
            "laeken::gini unweighted / 100",
            e.value,
            num(&r, &["laeken", "gini_unweighted_pct"]) / 100.0,
            EST_TOL,
        );
        check(
            "pysal inequality.gini.Gini",
            e.value,
            num(&py, &["unweighted", "gini_pysal_inequality.gini.Gini"]),
            EST_TOL,
        );
        check_estimate(
            "convey::svygini unweighted",
            e,
            &r["convey_unweighted"]["svygini"],
        );
    }
}

#[test]
fn gini_weighted_frequency_convention() {
    let d = data();
    let r = json("results_R.json");
    let conv = json("gini_weight_conventions.json");
    let py = json("results_python.json");
    let e = gini(&d.income, Some(&d.weight), GiniConvention::FrequencyWeights).unwrap();
    check(
        "frequency-weight formula (laeken_formula)",
        e.value,
        num(&conv, &["laeken_formula"]),
        EST_TOL,
    );
    check(
        "laeken::gini weighted / 100",
        e.value,
        num(&r, &["laeken", "gini_weighted_pct"]) / 100.0,
        EST_TOL,
    );
    check(
        "pysal Gini on frequency-expanded rows",
        e.value,
        num(&py, &["weighted", "gini_pysal_on_expanded"]),
        EST_TOL,
    );
    // The SE reported for this convention is convey's (same influence function).
    let c = gini(&d.income, Some(&d.weight), GiniConvention::Convey).unwrap();
    assert_eq!(e.se, c.se);

    // Invariant to rescaling the weights.
    let w10: Vec<f64> = d.weight.iter().map(|w| w * 10.0).collect();
    let e10 = gini(&d.income, Some(&w10), GiniConvention::FrequencyWeights).unwrap();
    check(
        "frequency formula, weights x10 (laeken_formula_weights_x10)",
        e10.value,
        num(&conv, &["laeken_formula_weights_x10"]),
        EST_TOL,
    );

    // Identical to the unweighted Gini of the frequency-expanded rows.
    let expanded: Vec<f64> = d
        .income
        .iter()
        .zip(&d.weight)
        .flat_map(|(&x, &w)| std::iter::repeat_n(x, w as usize))
        .collect();
    assert_eq!(expanded.len() as f64, num(&py, &["weighted", "expanded_n"]));
    let ex = gini(&expanded, None, GiniConvention::default()).unwrap();
    check("unweighted Gini on expanded rows", ex.value, e.value, 1e-13);
}

#[test]
fn gini_weighted_convey_convention() {
    let d = data();
    let r = json("results_R.json");
    let conv = json("gini_weight_conventions.json");
    let e = gini(&d.income, Some(&d.weight), GiniConvention::Convey).unwrap();
    check_estimate(
        "convey::svygini weighted",
        e,
        &r["convey_weighted"]["svygini"],
    );
    check(
        "convey formula (convey_formula)",
        e.value,
        num(&conv, &["convey_formula"]),
        EST_TOL,
    );
    // The convey convention changes with the scale of the weights (hand formulas in the
    // reference file).
    let w10: Vec<f64> = d.weight.iter().map(|w| w * 10.0).collect();
    let e10 = gini(&d.income, Some(&w10), GiniConvention::Convey).unwrap();
    check(
        "convey formula, weights x10",
        e10.value,
        num(&conv, &["convey_formula_weights_x10"]),
        EST_TOL,
    );
    let mean_w = d.weight.iter().sum::<f64>() / d.weight.len() as f64;
    let w1: Vec<f64> = d.weight.iter().map(|w| w / mean_w).collect();
    let e1 = gini(&d.income, Some(&w1), GiniConvention::Convey).unwrap();
    check(
        "convey formula, weights normalised to mean 1",
        e1.value,
        num(&conv, &["convey_formula_weights_normalised_mean1"]),
        EST_TOL,
    );
}

#[test]
fn fgt_at_absolute_line() {
    let d = data();
    let r = json("results_R.json");
    let py = json("results_python.json");
    let line = 15f64.exp();
    // No income sits exactly on the line, so convey's `y <= z` and our `y < z` agree.
    assert!(d.income.iter().all(|&y| y != line));
    let s = Sample::new(&d.income, Some(&d.weight)).unwrap();
    let u = Sample::new(&d.income, None).unwrap();
    let foster = [
        "Foster_param1_is_FGT0",
        "Foster_param2_is_FGT1",
        "Foster_param3_is_FGT2",
    ];
    for (g, foster_key) in foster.iter().enumerate() {
        let alpha = g as f64;
        let key = format!("svyfgt_abs_g{g}");
        check_estimate(
            &format!("convey::svyfgt abs g={g} weighted"),
            s.fgt(line, alpha).unwrap(),
            &r["convey_weighted"][&key],
        );
        let e = u.fgt(line, alpha).unwrap();
        check_estimate(
            &format!("convey::svyfgt abs g={g} unweighted"),
            e,
            &r["convey_unweighted"][&key],
        );
        check(
            &format!("ineq::Foster ({foster_key})"),
            e.value,
            num(&r, &["ineq_unweighted", foster_key]),
            EST_TOL,
        );
        check(
            &format!("pysal-side hand formula fgt_hand P{g}"),
            e.value,
            num(&py, &["unweighted", "fgt_hand", &format!("P{g}")]),
            EST_TOL,
        );
        // Same through the slice API.
        assert_eq!(
            fgt(&d.income, Some(&d.weight), line, alpha).unwrap(),
            s.fgt(line, alpha).unwrap()
        );
    }
}

#[test]
fn weighted_mean_direct_and_via_fgt() {
    let d = data();
    let r = json("results_R.json");
    let e = weighted_mean(&d.income, Some(&d.weight)).unwrap();
    let (sw, swx) = d
        .income
        .iter()
        .zip(&d.weight)
        .fold((0.0, 0.0), |(a, b), (x, w)| (a + w, b + w * x));
    check("weighted mean vs direct Σwx/Σw", e.value, swx / sw, 1e-13);
    assert_eq!(e.total_weight, sw);

    // Unweighted, the svymean SE for this design is s/√n.
    let u = weighted_mean(&d.income, None).unwrap();
    let n = d.income.len() as f64;
    let s2 = d
        .income
        .iter()
        .map(|x| (x - u.value) * (x - u.value))
        .sum::<f64>()
        / (n - 1.0);
    check(
        "unweighted mean SE vs s/sqrt(n)",
        u.se.unwrap(),
        (s2 / n).sqrt(),
        1e-12,
    );

    // With a fixed line, convey's FGT linearization (h - P)/N is survey::svymean's, so the
    // weighted mean of hᵢ reproduces convey's estimate and SE: a sourced check of the mean SE.
    let line = 15f64.exp();
    for g in 0..3 {
        let h: Vec<f64> = d
            .income
            .iter()
            .map(|&y| {
                if y < line {
                    ((line - y) / line).powi(g)
                } else {
                    0.0
                }
            })
            .collect();
        check_estimate(
            &format!("weighted mean of FGT summand g={g} (svyfgt)"),
            weighted_mean(&h, Some(&d.weight)).unwrap(),
            &r["convey_weighted"][&format!("svyfgt_abs_g{g}")],
        );
    }
}

#[test]
fn lognormal_closed_form() {
    let py = json("results_python.json");
    let sigma = 0.8;
    let g = lognormal_gini(sigma).unwrap();
    check(
        "lognormal Gini, sigma 0.8 (results_python theoretical)",
        g,
        num(&py, &["theoretical_lognormal_sigma0.8", "gini"]),
        1e-14,
    );
    check(
        "lognormal Gini vs 2Φ(σ/√2) − 1",
        g,
        2.0 * normal_cdf(sigma / std::f64::consts::SQRT_2) - 1.0,
        1e-14,
    );
    check(
        "sigma for that Gini",
        lognormal_sigma_for_gini(g).unwrap(),
        sigma,
        1e-14,
    );
    for target in [0.05, 0.25, 0.35, 0.38, 0.45, 0.6, 0.9] {
        let s = lognormal_sigma_for_gini(target).unwrap();
        let back = 2.0 * normal_cdf(s / std::f64::consts::SQRT_2) - 1.0;
        check(
            &format!("2Φ(σ/√2) − 1 at σ(G = {target})"),
            back,
            target,
            1e-14,
        );
    }
}

/// The calibrated sigma produces the target Gini in data: a deterministic lognormal sample
/// (quantiles at mid-points) with σ = lognormal_sigma_for_gini(0.38).
#[test]
fn lognormal_sample_hits_target_gini() {
    let target = 0.38;
    let sigma = lognormal_sigma_for_gini(target).unwrap();
    let n = 200_000;
    let incomes: Vec<f64> = (0..n)
        .map(|i| {
            let p = (i as f64 + 0.5) / n as f64;
            (10.0 + sigma * setara_stats::normal_quantile(p).unwrap()).exp()
        })
        .collect();
    let e = gini(&incomes, None, GiniConvention::default()).unwrap();
    check(
        "Gini of a calibrated lognormal sample",
        e.value,
        target,
        1e-3,
    );
}
