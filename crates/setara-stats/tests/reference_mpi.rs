//! Alkire–Foster multidimensional poverty against reference values, on
//! `tests/data/ineq/mpi_deprivations_n10000_seed42.csv` (10 indicators, global-MPI weights in
//! 18ths, k = 1/3; see `tests/data/ineq/README.md`):
//!
//! - `results_mpi_hand.json`: H, A, M0, censored and uncensored headcounts, contributions and
//!   M0 of the first three regions, weighted and unweighted, computed by hand (integer scores).
//!   These are ratios of exact integer totals, so they must agree to rounding: 1e-12 relative
//!   (a few ulps; the hand values were not always correctly rounded, e.g. weighted M0 is one
//!   ulp from the quotient of its exact totals).
//! - `results_mpi_convey023.json`: H, A, M0 and their standard errors from R `convey` 0.2.3
//!   `svyafc` on `svydesign(ids = ~1, weights = ~weight)`: estimates to 1e-12 relative (convey
//!   printed 15 significant digits), standard errors to 1e-6 relative.
//!
//! Run with `--nocapture` to see the actual relative differences.

use serde_json::Value;
use setara_stats::{AlkireFoster, Deprivations, Fraction, Mpi, StatsError};

mod common;
use common::{json, num, read, region_number};

const EXACT_TOL: f64 = 1e-12;
const SE_TOL: f64 = 1e-6;

const INDICATORS: [&str; 10] = [
    "d_nutr", "d_cm", "d_satt", "d_educ", "d_elct", "d_sani", "d_wtr", "d_hsg", "d_ckfl", "d_asst",
];

struct Data {
    masks: Vec<u32>,
    columns: Vec<Vec<u8>>,
    weight: Vec<f64>,
    /// Region number: "R07" -> 7.
    region: Vec<u32>,
}

fn data() -> Data {
    let text = read("mpi_deprivations_n10000_seed42.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(header[0], "id");
    assert_eq!(&header[1..11], &INDICATORS);
    assert_eq!(&header[11..], &["weight", "region"]);
    let mut d = Data {
        masks: Vec::new(),
        columns: vec![Vec::new(); 10],
        weight: Vec::new(),
        region: Vec::new(),
    };
    for (i, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 13, "line {}: {line:?}", i + 2);
        let mut mask = 0u32;
        for j in 0..10 {
            let v: u8 = f[1 + j].parse().expect("deprivation");
            d.columns[j].push(v);
            mask |= u32::from(v) << j;
        }
        d.masks.push(mask);
        d.weight.push(f[11].parse().expect("weight"));
        d.region.push(region_number(f[12]));
    }
    assert_eq!(d.masks.len(), 10_000);
    d
}

fn check(what: &str, got: f64, expected: f64, tol: f64) {
    let rel = ((got - expected) / expected).abs();
    println!("{what:<50} got {got:<22} expected {expected:<22} rel {rel:.1e}");
    assert!(
        rel <= tol,
        "{what}: got {got}, expected {expected} (relative difference {rel:e} > {tol:e})"
    );
}

fn spec() -> AlkireFoster {
    AlkireFoster::with_common_denominator(
        &[3, 3, 3, 3, 1, 1, 1, 1, 1, 1],
        18,
        Fraction::new(1, 3).unwrap(),
    )
    .unwrap()
}

fn frac(p: u32, q: u32) -> Fraction {
    Fraction::new(p, q).unwrap()
}

fn check_against_hand(mpi: &Mpi, hand: &Value, label: &str) {
    check(
        &format!("{label} H"),
        mpi.headcount.value,
        num(hand, &["H"]),
        EXACT_TOL,
    );
    check(
        &format!("{label} A"),
        mpi.intensity.unwrap().value,
        num(hand, &["A"]),
        EXACT_TOL,
    );
    check(
        &format!("{label} M0"),
        mpi.adjusted_headcount.value,
        num(hand, &["M0"]),
        EXACT_TOL,
    );
    check(
        &format!("{label} H x A"),
        mpi.headcount.value * mpi.intensity.unwrap().value,
        num(hand, &["M0_equals_HxA"]),
        EXACT_TOL,
    );
    let mut contributions = 0.0;
    for (j, name) in INDICATORS.iter().enumerate() {
        let ind = mpi.indicators[j];
        check(
            &format!("{label} uncensored {name}"),
            ind.uncensored_headcount,
            num(hand, &["uncensored_headcounts", name]),
            EXACT_TOL,
        );
        check(
            &format!("{label} censored {name}"),
            ind.censored_headcount,
            num(hand, &["censored_headcounts", name]),
            EXACT_TOL,
        );
        check(
            &format!("{label} contribution {name}"),
            ind.contribution.unwrap(),
            num(hand, &["percent_contribution", name]),
            EXACT_TOL,
        );
        contributions += ind.contribution.unwrap();
    }
    assert!(
        (contributions - 1.0).abs() < 1e-14,
        "Σ contributions = {contributions}"
    );
}

#[test]
fn hand_reference_unweighted_and_weighted() {
    let d = data();
    let hand = json("results_mpi_hand.json");
    let af = spec();
    assert_eq!(
        hand["weights_in_18ths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![3, 3, 3, 3, 1, 1, 1, 1, 1, 1]
    );
    let dep = Deprivations::from_masks(&d.masks, 10).unwrap();
    // The column constructor gives the same matrix.
    let cols: Vec<&[u8]> = d.columns.iter().map(Vec::as_slice).collect();
    assert_eq!(Deprivations::from_columns(&cols).unwrap(), dep);

    let u = af.estimate(&dep, None).unwrap();
    assert_eq!(u.headcount.n, 10_000);
    assert_eq!(u.intensity.unwrap().n, 2531);
    check_against_hand(&u, &hand["unweighted"], "unweighted");
    let w = af.estimate(&dep, Some(&d.weight)).unwrap();
    check_against_hand(&w, &hand["weighted"], "weighted");
    assert_eq!(w.headcount.total_weight, d.weight.iter().sum::<f64>());
}

#[test]
fn hand_reference_by_region() {
    let d = data();
    let hand = json("results_mpi_hand.json");
    let af = spec();
    let dep = Deprivations::from_masks(&d.masks, 10).unwrap();
    for (key, weights) in [
        ("unweighted", None),
        ("weighted", Some(d.weight.as_slice())),
    ] {
        let by = af.estimate_by_group(&dep, weights, &d.region).unwrap();
        // The overall part is exactly `estimate`.
        assert_eq!(by.overall, af.estimate(&dep, weights).unwrap());
        assert_eq!(
            by.groups.iter().map(|g| g.group).collect::<Vec<_>>(),
            (1..=34).collect::<Vec<u32>>()
        );
        for (code, name) in [(1, "R01"), (2, "R02"), (3, "R03")] {
            let g = by.groups.iter().find(|g| g.group == code).unwrap();
            check(
                &format!("{key} M0 {name}"),
                g.mpi.adjusted_headcount.value,
                num(&hand, &[key, "M0_first3_regions", name]),
                EXACT_TOL,
            );
        }
        // Decomposability: M0 = Σ_g (W_g/W) M0_g, and the same for H and every CHⱼ.
        let total_w = by.overall.headcount.total_weight;
        let mut m0 = 0.0;
        let mut h = 0.0;
        let mut ch = [0.0; 10];
        for g in &by.groups {
            let share = g.mpi.headcount.total_weight / total_w;
            m0 += share * g.mpi.adjusted_headcount.value;
            h += share * g.mpi.headcount.value;
            for (j, c) in ch.iter_mut().enumerate() {
                *c += share * g.mpi.indicators[j].censored_headcount;
            }
        }
        check(
            &format!("{key} Σ_g share·M0_g"),
            m0,
            by.overall.adjusted_headcount.value,
            1e-13,
        );
        check(
            &format!("{key} Σ_g share·H_g"),
            h,
            by.overall.headcount.value,
            1e-13,
        );
        for (j, c) in ch.iter().enumerate() {
            check(
                &format!("{key} Σ_g share·CH_g {}", INDICATORS[j]),
                *c,
                by.overall.indicators[j].censored_headcount,
                1e-13,
            );
        }
    }
}

/// Group standard errors are domain standard errors (`svyby`/`subset` in R): the linearized
/// variable is zero outside the group and the variance runs over all n rows. Checked against a
/// direct two-pass computation.
#[test]
fn group_standard_errors_are_domain_standard_errors() {
    let d = data();
    let af = spec();
    let dep = Deprivations::from_masks(&d.masks, 10).unwrap();
    let by = af
        .estimate_by_group(&dep, Some(&d.weight), &d.region)
        .unwrap();
    let n = d.masks.len() as f64;
    let se = |u: &[f64]| {
        let m = u.iter().sum::<f64>() / n;
        (n / (n - 1.0) * u.iter().map(|x| (x - m) * (x - m)).sum::<f64>()).sqrt()
    };
    for g in by.groups.iter().filter(|g| [1, 17, 34].contains(&g.group)) {
        let inside = |i: usize| d.region[i] == g.group;
        let hc: Vec<(f64, f64)> = d
            .masks
            .iter()
            .map(|&m| {
                let s = af.score(m);
                if af.is_poor(m) {
                    (1.0, s as f64 / 18.0)
                } else {
                    (0.0, 0.0)
                }
            })
            .collect();
        let w_g: f64 = (0..d.masks.len())
            .filter(|&i| inside(i))
            .map(|i| d.weight[i])
            .sum();
        let wh_g: f64 = (0..d.masks.len())
            .filter(|&i| inside(i))
            .map(|i| d.weight[i] * hc[i].0)
            .sum();
        let (h, a, m0) = (
            g.mpi.headcount.value,
            g.mpi.intensity.unwrap().value,
            g.mpi.adjusted_headcount.value,
        );
        let u = |f: &dyn Fn(usize) -> f64| -> Vec<f64> {
            (0..d.masks.len())
                .map(|i| if inside(i) { f(i) } else { 0.0 })
                .collect()
        };
        let u_h = u(&|i| d.weight[i] * (hc[i].0 - h) / w_g);
        let u_m = u(&|i| d.weight[i] * (hc[i].1 - m0) / w_g);
        let u_a = u(&|i| d.weight[i] * (hc[i].1 - a * hc[i].0) / wh_g);
        let label = format!("region {}", g.group);
        check(
            &format!("{label} H SE (domain)"),
            g.mpi.headcount.se.unwrap(),
            se(&u_h),
            1e-10,
        );
        check(
            &format!("{label} M0 SE (domain)"),
            g.mpi.adjusted_headcount.se.unwrap(),
            se(&u_m),
            1e-10,
        );
        check(
            &format!("{label} A SE (domain)"),
            g.mpi.intensity.unwrap().se.unwrap(),
            se(&u_a),
            1e-10,
        );
    }
}

#[test]
fn convey_svyafc_estimates_and_standard_errors() {
    let d = data();
    let r = json("results_mpi_convey023.json");
    assert_eq!(r["convey_version"], "0.2.3");
    let af = spec();
    let dep = Deprivations::from_masks(&d.masks, 10).unwrap();
    for (key, weights) in [
        ("unweighted", None),
        ("weighted", Some(d.weight.as_slice())),
    ] {
        let m = af.estimate(&dep, weights).unwrap();
        let a = m.intensity.unwrap();
        let label = format!("convey::svyafc {key}");
        check(
            &format!("{label} H"),
            m.headcount.value,
            num(&r, &[key, "H"]),
            EXACT_TOL,
        );
        check(
            &format!("{label} A"),
            a.value,
            num(&r, &[key, "A"]),
            EXACT_TOL,
        );
        check(
            &format!("{label} M0"),
            m.adjusted_headcount.value,
            num(&r, &[key, "M0"]),
            EXACT_TOL,
        );
        check(
            &format!("{label} H SE"),
            m.headcount.se.unwrap(),
            num(&r, &[key, "H_se"]),
            SE_TOL,
        );
        check(
            &format!("{label} A SE"),
            a.se.unwrap(),
            num(&r, &[key, "A_se"]),
            SE_TOL,
        );
        check(
            &format!("{label} M0 SE"),
            m.adjusted_headcount.se.unwrap(),
            num(&r, &[key, "M0_se"]),
            SE_TOL,
        );
    }
}

/// A row whose score is exactly k is poor. With the global weights and k = 1/3 the integer
/// rule must put score 6/18 in, 5/18 out, whatever mix of 1/6 and 1/18 makes it up; and at a
/// cut-off where float sums fail (k = 7/18, and k = 1 with weights of 1/10), the exact rule
/// still gets it right while the float rule would not.
#[test]
fn ties_at_the_cutoff_are_exact() {
    let af = AlkireFoster::global_mpi();
    assert_eq!(af, spec());
    // Bits 0-3 weigh 3/18, bits 4-9 weigh 1/18.
    let six_eighteenths = [
        0b00_0000_0011, // 3 + 3
        0b11_1111_0000, // 1 × 6
        0b00_0111_0001, // 3 + 1 + 1 + 1
        0b00_0111_1000, // 3 + 1 + 1 + 1
    ];
    let five_eighteenths = [0b00_0011_0001, 0b01_1111_0000];
    for &m in &six_eighteenths {
        assert_eq!(af.score(m), 6);
        assert!(af.is_poor(m), "score 6/18 = k must be poor: {m:#b}");
    }
    for &m in &five_eighteenths {
        assert_eq!(af.score(m), 5);
        assert!(!af.is_poor(m));
    }
    let rows: Vec<u32> = six_eighteenths
        .iter()
        .chain(&five_eighteenths)
        .copied()
        .collect();
    let mpi = af
        .estimate(&Deprivations::from_masks(&rows, 10).unwrap(), None)
        .unwrap();
    assert_eq!(mpi.headcount.value, 4.0 / 6.0);
    assert_eq!(mpi.intensity.unwrap().value, 1.0 / 3.0);

    // k = 7/18: 1/6 + 1/6 + 1/18 is exactly 7/18, but its float sum is one ulp below 7/18.
    let float_score = |m: u32, w: &[f64]| -> f64 {
        (0..w.len())
            .filter(|&j| m >> j & 1 == 1)
            .map(|j| w[j])
            .sum()
    };
    let global_float = [
        1.0 / 6.0,
        1.0 / 6.0,
        1.0 / 6.0,
        1.0 / 6.0,
        1.0 / 18.0,
        1.0 / 18.0,
        1.0 / 18.0,
        1.0 / 18.0,
        1.0 / 18.0,
        1.0 / 18.0,
    ];
    let m = 0b00_0001_0011;
    assert!(
        float_score(m, &global_float) < 7.0 / 18.0,
        "the float rule would call this row non-poor"
    );
    let af_7 =
        AlkireFoster::with_common_denominator(&[3, 3, 3, 3, 1, 1, 1, 1, 1, 1], 18, frac(7, 18))
            .unwrap();
    assert!(af_7.is_poor(m));
    let mpi = af_7
        .estimate(&Deprivations::from_masks(&[m, 0], 10).unwrap(), None)
        .unwrap();
    assert_eq!(mpi.headcount.value, 0.5);

    // Intersection approach (k = 1) with ten weights of 1/10: deprived in everything is poor.
    let tenths = [0.1; 10];
    let all = 0b11_1111_1111;
    assert!(float_score(all, &tenths) < 1.0);
    let af_1 = AlkireFoster::with_common_denominator(&[1; 10], 10, frac(1, 1)).unwrap();
    assert!(af_1.is_poor(all));
    assert!(!af_1.is_poor(all & !1));
}

#[test]
fn nobody_poor_gives_no_intensity() {
    let af = AlkireFoster::global_mpi();
    let rows = [0u32, 0b1, 0b11_0000];
    let by = af
        .estimate_by_group(
            &Deprivations::from_masks(&rows, 10).unwrap(),
            None,
            &[5, 5, 9],
        )
        .unwrap();
    let m = &by.overall;
    assert_eq!(m.headcount.value, 0.0);
    assert_eq!(m.adjusted_headcount.value, 0.0);
    assert_eq!(m.intensity, None);
    assert!(m.indicators.iter().all(|i| i.contribution.is_none()));
    assert_eq!(m.indicators[0].uncensored_headcount, 1.0 / 3.0);
    assert_eq!(m.indicators[0].censored_headcount, 0.0);
    assert_eq!(
        by.groups.iter().map(|g| g.group).collect::<Vec<_>>(),
        [5, 9]
    );
}

#[test]
fn sparse_group_codes() {
    let af = AlkireFoster::global_mpi();
    let rows = [0b1111u32, 0, 0b11, 0];
    let dep = Deprivations::from_masks(&rows, 10).unwrap();
    let by = af
        .estimate_by_group(&dep, None, &[u32::MAX, 7, u32::MAX, 3_000_000_000])
        .unwrap();
    assert_eq!(
        by.groups.iter().map(|g| g.group).collect::<Vec<_>>(),
        [7, 3_000_000_000, u32::MAX]
    );
    let top = &by.groups[2].mpi;
    assert_eq!(top.headcount.value, 1.0);
    assert_eq!(top.headcount.n, 2);
    assert_eq!(
        top.intensity.unwrap().value,
        (12.0 / 18.0 + 6.0 / 18.0) / 2.0
    );
}

#[test]
fn errors() {
    let af = AlkireFoster::global_mpi();
    // Empty input.
    assert_eq!(
        Deprivations::from_masks(&[], 10).unwrap_err(),
        StatsError::Empty
    );
    assert_eq!(
        Deprivations::from_columns(&[&[], &[]]).unwrap_err(),
        StatsError::Empty
    );
    // Weights that do not sum to 1.
    for (numerators, denominator) in [
        (&[3, 3, 3, 3, 1, 1, 1, 1, 1, 0][..], 18),
        (&[3, 3, 3, 3, 1, 1, 1, 1, 1, 2][..], 18),
        (&[1, 1, 1][..], 4),
    ] {
        assert!(
            matches!(
                AlkireFoster::with_common_denominator(numerators, denominator, frac(1, 3)),
                Err(StatsError::InvalidParameter { .. })
            ),
            "{numerators:?}/{denominator}"
        );
    }
    let e = AlkireFoster::new(&[frac(1, 3), frac(1, 3), frac(1, 6)], frac(1, 3)).unwrap_err();
    let StatsError::InvalidParameter { name, value, .. } = e else {
        panic!("{e:?}")
    };
    assert_eq!(name, "sum of the indicator weights");
    assert!((value - 5.0 / 6.0).abs() < 1e-15);
    // k outside (0, 1].
    for k in [frac(0, 1), frac(4, 3), frac(19, 18)] {
        let e = AlkireFoster::with_common_denominator(&[1, 1], 2, k).unwrap_err();
        assert!(
            matches!(
                e,
                StatsError::InvalidParameter {
                    name: "poverty cut-off k",
                    ..
                }
            ),
            "{e:?}"
        );
    }
    assert!(AlkireFoster::with_common_denominator(&[1, 1], 2, frac(1, 1)).is_ok());
    assert!(Fraction::new(1, 0).is_err());
    assert!(AlkireFoster::new(&[], frac(1, 2)).is_err());
    // A weight above 1 (balanced by others to sum 1 would need negatives): refused, no overflow.
    assert!(matches!(
        AlkireFoster::new(&[frac(3, 1), frac(1, 1 << 31)], frac(1, 2)),
        Err(StatsError::InvalidParameter {
            name: "indicator weight",
            ..
        })
    ));
    // Indicator count mismatch.
    let dep9 = Deprivations::from_masks(&[0b1], 9).unwrap();
    assert_eq!(
        af.estimate(&dep9, None).unwrap_err(),
        StatsError::SizeMismatch {
            what: "indicators in the deprivation matrix (compared with the indicator weights)",
            expected: 10,
            found: 9
        }
    );
    // A bit beyond the declared indicators.
    assert!(matches!(
        Deprivations::from_masks(&[0b1, 1 << 10], 10),
        Err(StatsError::OutOfDomain { index: 1, .. })
    ));
    assert!(Deprivations::from_masks(&[0], 33).is_err());
    assert!(Deprivations::from_masks(&[u32::MAX], 32).is_ok());
    // Columns: unequal lengths, values other than 0/1.
    assert!(matches!(
        Deprivations::from_columns(&[&[0, 1], &[1]]),
        Err(StatsError::SizeMismatch {
            expected: 2,
            found: 1,
            ..
        })
    ));
    assert!(matches!(
        Deprivations::from_columns(&[&[0, 2]]),
        Err(StatsError::OutOfDomain { index: 1, .. })
    ));
    // Survey weights and groups.
    let dep = Deprivations::from_masks(&[0b1, 0b11], 10).unwrap();
    assert_eq!(
        af.estimate(&dep, Some(&[1.0])).unwrap_err(),
        StatsError::LengthMismatch {
            values: 2,
            weights: 1
        }
    );
    assert!(matches!(
        af.estimate(&dep, Some(&[1.0, 0.0])),
        Err(StatsError::NonPositiveWeight { index: 1, .. })
    ));
    assert!(matches!(
        af.estimate(&dep, Some(&[f64::NAN, 1.0])),
        Err(StatsError::NonFiniteWeight { index: 0, .. })
    ));
    assert!(matches!(
        af.estimate(&dep, Some(&[f64::MAX, f64::MAX])),
        Err(StatsError::WeightOutOfRange { index: 0, .. })
    ));
    assert!(matches!(
        af.estimate_by_group(&dep, None, &[1]),
        Err(StatsError::SizeMismatch {
            expected: 2,
            found: 1,
            ..
        })
    ));
    // One row: estimates, no standard error.
    let one = af
        .estimate(&Deprivations::from_masks(&[0b11], 10).unwrap(), None)
        .unwrap();
    assert_eq!(one.headcount.value, 1.0);
    assert_eq!(one.headcount.se, None);
}
