//! The seeded bootstrap: determinism, agreement with the linearized standard errors on the
//! 10,000-row reference data, and error handling.

use std::path::PathBuf;

use setara_stats::{
    BootstrapResult, GiniConvention, Sample, StatsError, bootstrap, bootstrap_many,
};

type Statistic = dyn Fn(&Sample<'_>) -> Result<f64, StatsError>;

fn lognormal_data() -> (Vec<f64>, Vec<f64>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ineq/data_lognormal_n10000_seed42.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id,income,weight,region"));
    lines
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (
                f[1].parse::<f64>().expect("income"),
                f[2].parse::<f64>().expect("weight"),
            )
        })
        .unzip()
}

fn mean(s: &Sample<'_>) -> Result<f64, StatsError> {
    Ok(s.mean().value)
}

fn gini(s: &Sample<'_>) -> Result<f64, StatsError> {
    Ok(s.gini(GiniConvention::FrequencyWeights)?.value)
}

/// The bootstrap standard error is a Monte Carlo estimate of the sampling standard deviation
/// that the linearization approximates analytically (both for the with-replacement one-stage
/// design). With B = 1000 its relative Monte Carlo error is about 1/√(2(B − 1)) ≈ 2.2 %, so
/// ±10 % is over four of its standard deviations. The seed was fixed before the first run.
#[test]
fn bootstrap_se_agrees_with_linearization() {
    const SEED: u64 = 12345;
    const B: usize = 1000;
    let (income, weight) = lognormal_data();
    for weights in [Some(weight.as_slice()), None] {
        let sample = Sample::new(&income, weights).unwrap();
        let linear_mean = sample.mean();
        let linear_gini = sample.gini(GiniConvention::FrequencyWeights).unwrap();
        let stats: [&Statistic; 2] = [&mean, &gini];
        let results = bootstrap_many(&income, weights, B, SEED, &stats).unwrap();
        let label = if weights.is_some() {
            "weighted"
        } else {
            "unweighted"
        };
        for (name, r, linear) in [
            ("mean", &results[0], linear_mean),
            ("Gini", &results[1], linear_gini),
        ] {
            let lin_se = linear.se.unwrap();
            let ratio = r.se / lin_se;
            println!(
                "{label} {name}: estimate {} bootstrap SE {} linearized SE {lin_se} ratio {ratio:.4} \
                 bias {:.3e} 95% percentile CI {:?}",
                r.estimate,
                r.se,
                r.bias(),
                r.percentile_interval(0.95).unwrap()
            );
            assert_eq!(r.estimate, linear.value);
            assert_eq!(r.replicates.len(), B);
            assert!(
                (0.9..=1.1).contains(&ratio),
                "{label} {name}: bootstrap SE {} vs linearized {lin_se} (ratio {ratio})",
                r.se
            );
            // The percentile interval is about ±1.96 SE around the estimate.
            let (lo, hi) = r.percentile_interval(0.95).unwrap();
            assert!(lo < r.estimate && r.estimate < hi);
            let half_width = (hi - lo) / 2.0 / lin_se;
            assert!(
                (1.6..=2.4).contains(&half_width),
                "{label} {name}: half-width {half_width} SE"
            );
        }
    }
}

fn small() -> (Vec<f64>, Vec<f64>) {
    let v: Vec<f64> = (1..=60)
        .map(|i| f64::from(i * i % 97) * 13.5 + 1.0)
        .collect();
    let w: Vec<f64> = (1..=60).map(|i| f64::from(i % 5 + 1)).collect();
    (v, w)
}

#[test]
fn deterministic_given_the_seed() {
    let (v, w) = small();
    let a = bootstrap(&v, Some(&w), 200, 7, gini).unwrap();
    let b = bootstrap(&v, Some(&w), 200, 7, gini).unwrap();
    assert_eq!(a, b);
    let c = bootstrap(&v, Some(&w), 200, 8, gini).unwrap();
    assert_ne!(a.replicates, c.replicates);
    assert_eq!(a.estimate, c.estimate);
    // Replicates come from one stream, in order: asking for more extends the sequence.
    let longer = bootstrap(&v, Some(&w), 300, 7, gini).unwrap();
    assert_eq!(&longer.replicates[..200], &a.replicates[..]);
    // Several statistics at once see exactly the resamples each would see alone.
    let stats: [&Statistic; 2] = [&mean, &gini];
    let both = bootstrap_many(&v, Some(&w), 200, 7, &stats).unwrap();
    assert_eq!(both[1], a);
    assert_eq!(both[0], bootstrap(&v, Some(&w), 200, 7, mean).unwrap());
}

#[test]
fn replicates_are_resamples_of_the_rows() {
    let (v, w) = small();
    let n = v.len();
    // Every replicate has n rows drawn from the input (value and its own weight together), and
    // an unweighted input stays unweighted.
    let pairs: Vec<(f64, f64)> = v.iter().copied().zip(w.iter().copied()).collect();
    let check = |s: &Sample<'_>| -> Result<f64, StatsError> {
        assert_eq!(s.len(), n);
        let ws = s
            .weights()
            .expect("weighted input gives weighted replicates");
        for (x, wi) in s.values().iter().zip(ws) {
            assert!(
                pairs.contains(&(*x, *wi)),
                "row ({x}, {wi}) not in the input"
            );
        }
        Ok(s.total_weight())
    };
    let r = bootstrap(&v, Some(&w), 50, 1, check).unwrap();
    // Not every replicate is the original sample.
    assert!(r.replicates.iter().any(|&t| t != r.estimate));
    let r = bootstrap(&v, None, 20, 1, |s| {
        assert!(!s.is_weighted());
        Ok(s.total_weight())
    })
    .unwrap();
    assert!(r.replicates.iter().all(|&t| t == n as f64));
    assert_eq!(r.se, 0.0);
}

#[test]
fn percentile_interval_and_se_from_the_replicates() {
    let (v, w) = small();
    let r = bootstrap(&v, Some(&w), 101, 3, mean).unwrap();
    let mut sorted = r.replicates.clone();
    sorted.sort_by(f64::total_cmp);
    // B = 101: the 2.5 % and 97.5 % quantiles (type 7) fall on order statistics 3.5 and 98.5
    // (1-based), i.e. halfway between sorted[2], sorted[3] and sorted[97], sorted[98].
    let (lo, hi) = r.percentile_interval(0.95).unwrap();
    assert!((lo - (sorted[2] + sorted[3]) / 2.0).abs() <= 1e-12 * lo.abs());
    assert!((hi - (sorted[97] + sorted[98]) / 2.0).abs() <= 1e-12 * hi.abs());
    let (lo90, hi90) = r.percentile_interval(0.9).unwrap();
    assert!(lo <= lo90 && hi90 <= hi);
    let b = r.replicates.len() as f64;
    let m = r.replicates.iter().sum::<f64>() / b;
    let sd = (r.replicates.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (b - 1.0)).sqrt();
    assert!((r.se - sd).abs() <= 1e-12 * sd);
    assert!((r.bias() - (m - r.estimate)).abs() <= 1e-9 * r.estimate.abs());
    for level in [0.0, 1.0, -0.5, f64::NAN] {
        assert!(matches!(
            r.percentile_interval(level),
            Err(StatsError::InvalidParameter { name: "level", .. })
        ));
    }
    // A constant statistic: zero spread.
    let c = bootstrap(&v, None, 10, 3, |_| Ok(2.5)).unwrap();
    assert_eq!(
        (c.se, c.percentile_interval(0.95).unwrap()),
        (0.0, (2.5, 2.5))
    );
}

#[test]
fn errors() {
    let (v, w) = small();
    // Too few replicates.
    for b in [0, 1] {
        assert!(matches!(
            bootstrap(&v, Some(&w), b, 1, mean),
            Err(StatsError::InvalidParameter {
                name: "number of bootstrap replicates",
                ..
            })
        ));
    }
    // Input checks of Sample::new.
    assert_eq!(
        bootstrap(&[], None, 10, 1, mean).unwrap_err(),
        StatsError::Empty
    );
    assert!(matches!(
        bootstrap(&v, Some(&w[1..]), 10, 1, mean),
        Err(StatsError::LengthMismatch { .. })
    ));
    // A failure on the full sample is the statistic's own error, unwrapped.
    assert!(matches!(
        bootstrap(&[-1.0, 2.0], None, 10, 1, gini),
        Err(StatsError::OutOfDomain { index: 0, .. })
    ));
    // A failure on a replicate is reported, with the replicate, not hidden: the Gini of a
    // replicate that drew only the zero incomes is undefined. P(a replicate of [0, 0, 5] misses
    // the 5) = (2/3)³ ≈ 0.3, so among 100 replicates one does.
    let e = bootstrap(&[0.0, 0.0, 5.0], None, 100, 1, gini).unwrap_err();
    let StatsError::BootstrapReplicate { replicate, source } = &e else {
        panic!("expected a replicate error, got {e:?}");
    };
    assert!(
        matches!(**source, StatsError::Undefined { .. }),
        "{source:?}"
    );
    assert!(*replicate < 100);
    assert!(
        e.to_string()
            .starts_with(&format!("bootstrap replicate {replicate}"))
    );
    assert!(std::error::Error::source(&e).is_some());
    // The replicates before it succeeded: the same seed fails at the same replicate.
    assert_eq!(
        bootstrap(&[0.0, 0.0, 5.0], None, 100, 1, gini).unwrap_err(),
        e
    );
    // A non-finite value is an error, not a silent NaN in the standard error.
    assert!(matches!(
        bootstrap(&v, None, 10, 1, |_| Ok(f64::NAN)),
        Err(StatsError::Undefined { .. })
    ));
    let e = bootstrap(&v, None, 10, 1, |s| {
        Ok(if s.values() == v.as_slice() {
            1.0
        } else {
            f64::INFINITY
        })
    })
    .unwrap_err();
    assert!(matches!(
        e,
        StatsError::BootstrapReplicate { replicate: 0, .. }
    ));
    // No statistics: nothing to do, not an error.
    let none: [&Statistic; 0] = [];
    assert_eq!(
        bootstrap_many(&v, None, 10, 1, &none).unwrap(),
        Vec::<BootstrapResult>::new()
    );
}

#[test]
fn bootstrap_each_draws_the_same_replicates_as_bootstrap_many() {
    let values: Vec<f64> = (1..=200).map(|i| f64::from(i).powf(1.3)).collect();
    let weights: Vec<f64> = (1..=200).map(|i| f64::from(i % 5 + 1)).collect();
    fn mean(s: &setara_stats::Sample<'_>) -> Result<f64, setara_stats::StatsError> {
        Ok(s.mean().value)
    }
    fn gini(s: &setara_stats::Sample<'_>) -> Result<f64, setara_stats::StatsError> {
        s.gini(setara_stats::GiniConvention::default())
            .map(|e| e.value)
    }
    type Stat = fn(&setara_stats::Sample<'_>) -> Result<f64, setara_stats::StatsError>;
    let many = setara_stats::bootstrap_many(
        &values,
        Some(&weights),
        50,
        7,
        &[mean as Stat, gini as Stat],
    )
    .unwrap();
    let each =
        setara_stats::bootstrap_each(&values, Some(&weights), 50, 7, |s| vec![mean(s), gini(s)])
            .unwrap();
    for (a, b) in many.iter().zip(&each) {
        let b = b.as_ref().unwrap();
        assert_eq!(a.replicates, b.replicates);
        assert_eq!(a.se, b.se);
    }
    // A value that fails on the full sample is an error of its own; the others still come.
    let each = setara_stats::bootstrap_each(&values, Some(&weights), 10, 7, |s| {
        vec![mean(s), Err(setara_stats::StatsError::Empty)]
    })
    .unwrap();
    assert!(each[0].is_ok() && each[1].is_err());
}
