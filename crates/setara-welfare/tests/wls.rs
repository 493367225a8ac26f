//! The weighted least squares with absorbed regency effects against a dense dummy-variable
//! regression, invariance to regency shifts, recovery of known coefficients, and errors.

use nalgebra::{DMatrix, DVector};
use setara_welfare::{Error, FitOptions, PmtModel, Sample, fit_sample};

/// SplitMix64, for deterministic test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

struct Problem {
    x: Vec<f64>,
    names: Vec<String>,
    y: Vec<f64>,
    w: Vec<f64>,
    regency: Vec<u16>,
    province: Vec<u8>,
    key: Vec<u64>,
}

impl Problem {
    fn sample(&self) -> Sample<'_> {
        Sample {
            x: &self.x,
            names: &self.names,
            y: &self.y,
            weights: &self.w,
            regency: &self.regency,
            province: &self.province,
            key: &self.key,
            members: None,
        }
    }
}

/// `n` observations, `beta.len()` features (a dummy, continuous ones), 6 regencies in 2
/// provinces with their own level, heteroskedastic noise of scale `sigma`.
fn simulate(n: usize, beta: &[f64], sigma: f64, seed: u64) -> Problem {
    let mut rng = Rng(seed);
    let p = beta.len();
    let regencies = [3201u16, 3202, 3204, 3271, 3501, 3578];
    let level = [10.0, 10.4, 9.8, 11.0, 10.2, 10.9];
    let mut x = Vec::with_capacity(n * p);
    let (mut y, mut w, mut regency, mut province, mut key) =
        (vec![], vec![], vec![], vec![], vec![]);
    for i in 0..n {
        let g = (rng.next() % 6) as usize;
        let mut yi = level[g];
        for (j, b) in beta.iter().enumerate() {
            // Features correlated with the regency, so absorbing it matters.
            let v = if j == 0 {
                f64::from(u8::from(rng.uniform() < 0.3 + 0.1 * g as f64))
            } else {
                rng.normal() + 0.3 * g as f64
            };
            x.push(v);
            yi += b * v;
        }
        let scale = sigma * (1.0 + 0.5 * x[i * p].abs());
        y.push(yi + scale * rng.normal());
        w.push(0.5 + 3.0 * rng.uniform());
        regency.push(regencies[g]);
        province.push((regencies[g] / 100) as u8);
        key.push(3_200_000_000_000_000 + rng.next() % 1_000_000_000);
    }
    Problem {
        x,
        names: (0..p).map(|j| format!("x{j}")).collect(),
        y,
        w,
        regency,
        province,
        key,
    }
}

fn fit(p: &Problem) -> PmtModel {
    fit_sample(&p.sample(), &FitOptions::default()).unwrap()
}

#[test]
fn absorbed_effects_equal_a_dense_dummy_regression() {
    let prob = simulate(300, &[0.4, -0.2, 0.7, 0.05], 0.3, 1);
    let model = fit(&prob);
    let (n, p) = (prob.y.len(), prob.names.len());
    let regencies: Vec<u16> = model.regency_effects.iter().map(|e| e.0).collect();
    let g = regencies.len();
    assert_eq!(g, 6);
    // Dense: features then one dummy per regency, no intercept.
    let x = DMatrix::from_fn(n, p + g, |i, j| {
        if j < p {
            prob.x[i * p + j]
        } else {
            f64::from(u8::from(prob.regency[i] == regencies[j - p]))
        }
    });
    let w = DVector::from_vec(prob.w.clone());
    let y = DVector::from_vec(prob.y.clone());
    let xw = DMatrix::from_fn(n, p + g, |i, j| x[(i, j)] * w[i]);
    let xtwx = x.transpose() * &xw;
    let inv = xtwx.clone().try_inverse().unwrap();
    let b = &inv * (xw.transpose() * &y);
    for j in 0..p {
        let c = &model.coefficients[j];
        assert!(
            (c.value - b[j]).abs() < 1e-9,
            "{} {} vs {}",
            c.name,
            c.value,
            b[j]
        );
    }
    for (k, &(code, effect)) in model.regency_effects.iter().enumerate() {
        assert!(
            (effect - b[p + k]).abs() < 1e-9,
            "regency {code}: {effect} vs {}",
            b[p + k]
        );
    }
    // HC1 robust standard errors of the dense regression, k = p + g.
    let e = &y - &x * &b;
    let mut meat = DMatrix::<f64>::zeros(p + g, p + g);
    for i in 0..n {
        let xi = x.row(i).transpose();
        meat += (&xi * xi.transpose()) * (w[i] * w[i] * e[i] * e[i]);
    }
    let v = &inv * meat * &inv * (n as f64 / (n - p - g) as f64);
    for j in 0..p {
        let se = model.coefficients[j].se.unwrap();
        assert!(
            (se - v[(j, j)].sqrt()).abs() < 1e-9 * se.max(1.0),
            "se {j}: {se} vs {}",
            v[(j, j)].sqrt()
        );
    }
    // R² with the effects equals the dense regression's weighted R².
    let ybar = w.dot(&y) / w.sum();
    let rss: f64 = (0..n).map(|i| w[i] * e[i] * e[i]).sum();
    let tss: f64 = (0..n).map(|i| w[i] * (y[i] - ybar).powi(2)).sum();
    assert!((model.stats.r_squared - (1.0 - rss / tss)).abs() < 1e-9);
    assert!(model.stats.within_r_squared < model.stats.r_squared);
    assert_eq!(model.stats.se_kind, "HC1");
}

#[test]
fn a_constant_shift_per_regency_is_absorbed() {
    let prob = simulate(500, &[0.4, -0.2, 0.7], 0.3, 2);
    let before = fit(&prob);
    let mut shifted = simulate(500, &[0.4, -0.2, 0.7], 0.3, 2);
    let shift = |r: u16| f64::from(r % 97) * 0.37 - 5.0;
    for (y, &r) in shifted.y.iter_mut().zip(&shifted.regency) {
        *y += shift(r);
    }
    let after = fit(&shifted);
    for (a, b) in before.coefficients.iter().zip(&after.coefficients) {
        assert!((a.value - b.value).abs() < 1e-9, "{}", a.name);
        assert!((a.se.unwrap() - b.se.unwrap()).abs() < 1e-9);
    }
    for (a, b) in before.regency_effects.iter().zip(&after.regency_effects) {
        assert!((a.1 + shift(a.0) - b.1).abs() < 1e-9);
    }
    assert!((before.stats.within_r_squared - after.stats.within_r_squared).abs() < 1e-9);
}

#[test]
fn known_coefficients_are_recovered_within_a_few_standard_errors() {
    let beta = [0.35, -0.25, 0.6, 0.0, 0.12];
    let prob = simulate(20_000, &beta, 0.5, 3);
    let model = fit(&prob);
    for (c, b) in model.coefficients.iter().zip(beta) {
        let se = c.se.unwrap();
        assert!(se > 0.0 && se < 0.05, "{}: se {se}", c.name);
        assert!(
            (c.value - b).abs() < 4.0 * se,
            "{}: {} vs {b} (se {se})",
            c.name,
            c.value
        );
    }
    // Out of sample is a little worse than in sample, not better.
    let s = &model.stats;
    assert!(s.cv.r_squared <= s.r_squared + 1e-3, "{s:?}");
    assert!(s.cv.r_squared > s.r_squared - 0.02, "{s:?}");
    assert!(s.cv.rmse >= s.rmse - 1e-3);
    assert_eq!(s.cv.folds, 5);
    assert_eq!(s.cv.ridge_folds, 0);
}

#[test]
fn collinear_and_constant_features_are_dropped_with_a_reason() {
    let mut prob = simulate(400, &[0.4, -0.2, 0.7], 0.3, 4);
    // Add x3 = x1 + 2 x2 (collinear) and x4 = a function of the regency (absorbed).
    let p = 3;
    let n = prob.y.len();
    let mut x = Vec::with_capacity(n * (p + 2));
    for i in 0..n {
        let row = &prob.x[i * p..(i + 1) * p];
        x.extend_from_slice(row);
        x.push(row[1] + 2.0 * row[2]);
        x.push(f64::from(prob.regency[i] % 7));
    }
    prob.x = x;
    prob.names.push("x3".into());
    prob.names.push("by_regency".into());
    let model = fit(&prob);
    assert_eq!(model.stats.features_used, 3);
    let c3 = model.coefficient("x3").unwrap();
    assert!(c3.dropped.as_deref().unwrap().contains("collinear"));
    assert_eq!((c3.value, c3.se), (0.0, None));
    let c4 = model.coefficient("by_regency").unwrap();
    assert!(c4.dropped.as_deref().unwrap().contains("within regencies"));
    assert!(model.coefficient("x2").unwrap().dropped.is_none());
}

#[test]
fn errors_too_few_no_weights_singular_and_lengths() {
    let prob = simulate(15, &[0.4, -0.2], 0.3, 5);
    match fit_sample(&prob.sample(), &FitOptions::default()) {
        Err(Error::TooFewSurveyed { found, needed, .. }) => {
            assert_eq!(found, 15);
            assert!(needed > 15);
        }
        other => panic!("{other:?}"),
    }
    let mut prob = simulate(200, &[0.4], 0.3, 6);
    prob.w.iter_mut().for_each(|w| *w = 0.0);
    assert!(matches!(
        fit_sample(&prob.sample(), &FitOptions::default()),
        Err(Error::NoWeights)
    ));
    let mut prob = simulate(200, &[0.4], 0.3, 7);
    prob.x.iter_mut().for_each(|x| *x = 1.0);
    assert!(matches!(
        fit_sample(&prob.sample(), &FitOptions::default()),
        Err(Error::Singular)
    ));
    let mut prob = simulate(200, &[0.4], 0.3, 8);
    prob.key.pop();
    assert!(matches!(
        fit_sample(&prob.sample(), &FitOptions::default()),
        Err(Error::Length { what: "key", .. })
    ));
    let prob = simulate(200, &[0.4], 0.3, 9);
    let one_fold = FitOptions {
        folds: 1,
        threads: None,
    };
    assert!(matches!(
        fit_sample(&prob.sample(), &one_fold),
        Err(Error::Options(_))
    ));
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let prob = simulate(3000, &[0.4, -0.2, 0.7], 0.3, 10);
    let one = fit_sample(
        &prob.sample(),
        &FitOptions {
            folds: 5,
            threads: Some(1),
        },
    )
    .unwrap();
    let three = fit_sample(
        &prob.sample(),
        &FitOptions {
            folds: 5,
            threads: Some(3),
        },
    )
    .unwrap();
    for (a, b) in one.coefficients.iter().zip(&three.coefficients) {
        assert!((a.value - b.value).abs() < 1e-10);
    }
    assert!((one.stats.cv.r_squared - three.stats.cv.r_squared).abs() < 1e-10);
    assert_eq!(
        one.stats.cv.poorest40_capture,
        three.stats.cv.poorest40_capture
    );
}

/// Issue 10, finding 13: a survey weight of 1e308 made every sum infinite, and ranking failed
/// later with "score of household row 0 is NaN", naming no household. It is refused at the fit,
/// naming the household by its KK; so is an outcome that is not finite.
#[test]
fn an_absurd_weight_names_its_household() {
    let mut p = simulate(400, &[0.3, -0.2, 0.1], 0.4, 11);
    p.w[17] = 1e308;
    match fit_sample(&p.sample(), &FitOptions::default()) {
        Err(Error::WeightTooLarge { kk, weight }) => {
            assert_eq!((kk, weight), (p.key[17], 1e308));
        }
        other => panic!("expected WeightTooLarge, got {other:?}"),
    }
    let mut p = simulate(400, &[0.3, -0.2, 0.1], 0.4, 11);
    p.y[5] = f64::INFINITY;
    match fit_sample(&p.sample(), &FitOptions::default()) {
        Err(Error::NonFiniteOutcome { kk, .. }) => assert_eq!(kk, p.key[5]),
        other => panic!("expected NonFiniteOutcome, got {other:?}"),
    }
    // The largest accepted weight still gives a finite model.
    let mut p = simulate(400, &[0.3, -0.2, 0.1], 0.4, 11);
    p.w[17] = setara_welfare::MAX_SURVEY_WEIGHT;
    let m = fit_sample(&p.sample(), &FitOptions::default()).unwrap();
    assert!(m.coefficients.iter().all(|c| c.value.is_finite()));
}
