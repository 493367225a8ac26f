//! Generalized entropy, Theil, Atkinson, coefficient of variation and the GE decomposition by
//! group against values computed by other people's software (R ineq 0.2-13, convey 1.0.1 with
//! survey 4.5; pysal inequality 1.1.2 and hand formulas in Python), on
//! `tests/data/ineq/data_lognormal_n10000_seed42.csv`. See `tests/data/ineq/README.md`.
//!
//! Point estimates must agree to 1e-9 relative, standard errors to 1e-6 relative.
//! Run with `--nocapture` to see the actual relative differences.

use serde_json::Value;
use setara_stats::{
    GeDecomposition, Sample, atkinson, coefficient_of_variation, ge_decomposition,
    generalized_entropy, theil_l, theil_t,
};

mod common;
use common::*;

/// convey `svygei` and `svyatk`, weighted or unweighted, through the free functions and the
/// `Sample` methods (which must agree exactly).
fn convey_gei_atk(weights: Option<&[f64]>, key: &str) {
    let d = data();
    let r = json("results_R.json");
    let c = &r[key];
    let s = Sample::new(&d.income, weights).unwrap();
    for (alpha, name) in [
        (-1.0, "svygei_eps_m1"),
        (0.0, "svygei_eps0_TheilL"),
        (1.0, "svygei_eps1_TheilT"),
        (2.0, "svygei_eps2"),
    ] {
        let e = generalized_entropy(&d.income, weights, alpha).unwrap();
        assert_eq!(e, s.ge(alpha).unwrap());
        assert_eq!(e.n, 10_000);
        check_estimate(&format!("convey {key} {name}"), e, &c[name]);
    }
    assert_eq!(theil_t(&d.income, weights).unwrap(), s.ge(1.0).unwrap());
    assert_eq!(theil_l(&d.income, weights).unwrap(), s.ge(0.0).unwrap());
    assert_eq!(s.theil_t().unwrap(), s.ge(1.0).unwrap());
    assert_eq!(s.theil_l().unwrap(), s.ge(0.0).unwrap());
    for (eps, name) in [
        (0.5, "svyatk_eps0.5"),
        (1.0, "svyatk_eps1"),
        (2.0, "svyatk_eps2"),
    ] {
        let e = atkinson(&d.income, weights, eps).unwrap();
        assert_eq!(e, s.atkinson(eps).unwrap());
        check_estimate(&format!("convey {key} {name}"), e, &c[name]);
    }
}

#[test]
fn convey_svygei_svyatk_unweighted() {
    convey_gei_atk(None, "convey_unweighted");
}

#[test]
fn convey_svygei_svyatk_weighted() {
    let d = data();
    convey_gei_atk(Some(&d.weight), "convey_weighted");
}

#[test]
fn ineq_unweighted() {
    let d = data();
    let r = json("results_R.json");
    let i = &r["ineq_unweighted"];
    let ge = |a| generalized_entropy(&d.income, None, a).unwrap().value;
    for (alpha, key) in [
        (-1.0, "entropy_GE_m1"),
        (0.0, "entropy_GE_0"),
        (0.5, "entropy_GE_0.5"),
        (1.0, "entropy_GE_1"),
        (2.0, "entropy_GE_2"),
    ] {
        check(
            &format!("ineq::entropy {key}"),
            ge(alpha),
            num(i, &[key]),
            EST_TOL,
        );
    }
    check(
        "ineq::Theil (T)",
        theil_t(&d.income, None).unwrap().value,
        num(i, &["Theil_T"]),
        EST_TOL,
    );
    check(
        "ineq::Theil (L, MLD)",
        theil_l(&d.income, None).unwrap().value,
        num(i, &["Theil_L_MLD"]),
        EST_TOL,
    );
    for (eps, key) in [
        (0.5, "Atkinson_0.5"),
        (1.0, "Atkinson_1"),
        (2.0, "Atkinson_2"),
    ] {
        check(
            &format!("ineq::Atkinson {key}"),
            atkinson(&d.income, None, eps).unwrap().value,
            num(i, &[key]),
            EST_TOL,
        );
    }
    let cv = coefficient_of_variation(&d.income, None).unwrap();
    check("ineq::var.coeff", cv.value, num(i, &["var_coeff"]), EST_TOL);
    assert!(cv.se.is_some_and(|se| se > 0.0 && se.is_finite()));
    // GE(2) = CV²/2.
    check("GE(2) = CV²/2", ge(2.0), cv.value * cv.value / 2.0, 1e-12);
}

#[test]
fn python_anchors() {
    let d = data();
    let py = json("results_python.json");
    let u = &py["unweighted"];
    let w = &py["weighted"];
    let est = |weights: Option<&[f64]>, alpha: f64| {
        generalized_entropy(&d.income, weights, alpha)
            .unwrap()
            .value
    };
    let ww = Some(d.weight.as_slice());
    check(
        "pysal Theil unweighted",
        est(None, 1.0),
        num(u, &["theil_T_pysal_inequality.theil.Theil"]),
        EST_TOL,
    );
    check(
        "ineqpy theil unweighted",
        est(None, 1.0),
        num(u, &["theil_T_ineqpy.inequality.theil"]),
        EST_TOL,
    );
    for (eps, key) in [
        (1.0, "atkinson_1_pysal_inequality.atkinson.atkinson"),
        (0.5, "atkinson_0.5_pysal"),
        (2.0, "atkinson_2_pysal"),
    ] {
        check(
            &format!("pysal {key}"),
            atkinson(&d.income, None, eps).unwrap().value,
            num(u, &[key]),
            EST_TOL,
        );
    }
    check(
        "ineqpy coef_variation unweighted",
        coefficient_of_variation(&d.income, None).unwrap().value,
        num(u, &["cv_ineqpy.statistics.coef_variation"]),
        EST_TOL,
    );
    let hu = &u["hand_formulas"];
    for (alpha, key) in [
        (0.0, "theil_L_MLD"),
        (-1.0, "GE_-1"),
        (0.0, "GE_0"),
        (1.0, "GE_1"),
        (2.0, "GE_2"),
    ] {
        check(
            &format!("hand unweighted {key}"),
            est(None, alpha),
            num(hu, &[key]),
            EST_TOL,
        );
    }
    check(
        "hand unweighted cv_population_sd",
        coefficient_of_variation(&d.income, None).unwrap().value,
        num(hu, &["cv_population_sd"]),
        EST_TOL,
    );

    // Weighted.
    check(
        "ineqpy theil(w)",
        est(ww, 1.0),
        num(w, &["theil_T_ineqpy.inequality.theil(w)"]),
        EST_TOL,
    );
    check(
        "ineqpy coef_variation(w)",
        coefficient_of_variation(&d.income, ww).unwrap().value,
        num(w, &["cv_ineqpy.statistics.coef_variation(w)"]),
        EST_TOL,
    );
    check(
        "pysal Theil on expanded rows",
        est(ww, 1.0),
        num(w, &["theil_T_pysal_on_expanded"]),
        EST_TOL,
    );
    check(
        "pysal atkinson(1) on expanded rows",
        atkinson(&d.income, ww, 1.0).unwrap().value,
        num(w, &["atkinson_1_pysal_on_expanded"]),
        EST_TOL,
    );
    let hw = &w["hand_formulas"];
    for (alpha, key) in [
        (0.0, "theil_L_MLD"),
        (1.0, "theil_T"),
        (-1.0, "GE_-1"),
        (2.0, "GE_2"),
    ] {
        check(
            &format!("hand weighted {key}"),
            est(ww, alpha),
            num(hw, &[key]),
            EST_TOL,
        );
    }
    check(
        "hand weighted atkinson_1",
        atkinson(&d.income, ww, 1.0).unwrap().value,
        num(hw, &["atkinson_1"]),
        EST_TOL,
    );
}

fn check_decomposition_values(what: &str, d: &GeDecomposition, reference: &Value) {
    check(
        &format!("{what} total"),
        d.total.value,
        num(reference, &["total"]),
        EST_TOL,
    );
    check(
        &format!("{what} within"),
        d.within.value,
        num(reference, &["within"]),
        EST_TOL,
    );
    check(
        &format!("{what} between"),
        d.between.value,
        num(reference, &["between"]),
        EST_TOL,
    );
}

fn check_decomposition_se(what: &str, d: &GeDecomposition, reference: &Value) {
    for (got, key) in [
        (d.total.se, "se_total"),
        (d.within.se, "se_within"),
        (d.between.se, "se_between"),
    ] {
        check(
            &format!("{what} {key}"),
            got.expect("standard error"),
            num(reference, &[key]),
            SE_TOL,
        );
    }
}

#[test]
fn convey_svygeidec() {
    let d = data();
    let r = json("results_R.json");
    for (weights, key) in [
        (Some(d.weight.as_slice()), "convey_weighted"),
        (None, "convey_unweighted"),
    ] {
        let s = Sample::new(&d.income, weights).unwrap();
        for (alpha, name) in [(0.0, "svygeidec_eps0"), (1.0, "svygeidec_eps1")] {
            let dec = ge_decomposition(&d.income, weights, &d.region, alpha).unwrap();
            assert_eq!(dec, s.ge_decomposition(&d.region, alpha).unwrap());
            let what = format!("convey {key} {name}");
            check_decomposition_values(&what, &dec, &r[key][name]);
            check_decomposition_se(&what, &dec, &r[key][name]);
            // The total is the plain index, with the same standard error (up to the order of
            // summation: the total sums are the merge of the groups').
            let plain = s.ge(alpha).unwrap();
            assert!((dec.total.value - plain.value).abs() <= 1e-13 * plain.value);
            assert!((dec.total.se.unwrap() - plain.se.unwrap()).abs() <= 1e-12 * plain.se.unwrap());
            assert_eq!(dec.groups.len(), 34);
            assert_eq!(
                dec.groups.iter().map(|g| g.id).collect::<Vec<_>>(),
                (1..=34).collect::<Vec<u32>>()
            );
            assert_eq!(dec.groups.iter().map(|g| g.n).sum::<usize>(), 10_000);
        }
        assert_eq!(
            s.theil_t_decomposition(&d.region).unwrap(),
            s.ge_decomposition(&d.region, 1.0).unwrap()
        );
        assert_eq!(
            s.theil_l_decomposition(&d.region).unwrap(),
            s.ge_decomposition(&d.region, 0.0).unwrap()
        );
    }
}

#[test]
fn python_decomposition() {
    let d = data();
    let py = json("results_python.json");
    let ww = Some(d.weight.as_slice());
    for (weights, side) in [(None, "unweighted"), (ww, "weighted")] {
        let h = &py[side]["hand_formulas"];
        let t = ge_decomposition(&d.income, weights, &d.region, 1.0).unwrap();
        let l = ge_decomposition(&d.income, weights, &d.region, 0.0).unwrap();
        check_decomposition_values(
            &format!("hand {side} theil_T_decomp"),
            &t,
            &h["theil_T_decomp_by_region"],
        );
        check_decomposition_values(
            &format!("hand {side} theil_L_decomp"),
            &l,
            &h["theil_L_decomp_by_region"],
        );
    }
    check_decomposition_values(
        "pysal TheilD unweighted",
        &ge_decomposition(&d.income, None, &d.region, 1.0).unwrap(),
        &py["unweighted"]["theil_T_decomp_by_region_pysal_TheilD"],
    );
    check_decomposition_values(
        "pysal TheilD on expanded rows",
        &ge_decomposition(&d.income, ww, &d.region, 1.0).unwrap(),
        &py["weighted"]["theil_T_decomp_by_region_pysal_TheilD_on_expanded"],
    );
}

#[test]
fn general_alpha_decomposition_adds_up_on_reference_data() {
    let d = data();
    for alpha in [-1.0, 0.5, 2.0, 3.0] {
        let dec = ge_decomposition(&d.income, Some(&d.weight), &d.region, alpha).unwrap();
        let total = generalized_entropy(&d.income, Some(&d.weight), alpha).unwrap();
        check(
            &format!("GE({alpha}) decomposition total"),
            dec.total.value,
            total.value,
            1e-13,
        );
        check(
            &format!("GE({alpha}) decomposition total SE"),
            dec.total.se.unwrap(),
            total.se.unwrap(),
            1e-12,
        );
        check(
            &format!("GE({alpha}) within + between = total"),
            dec.within.value + dec.between.value,
            total.value,
            1e-12,
        );
        assert!(dec.between.value > 0.0 && dec.within.value > 0.0);
        assert!(dec.within.se.unwrap() > 0.0 && dec.between.se.unwrap() > 0.0);
    }
}
