//! The PMT on a synthetic registry (20,000 households, about 10 % surveyed), against the
//! generator's ground truth.

use std::collections::HashMap;

use arrow_array::Array;
use chrono::NaiveDate;
use setara_snapshot::{Snapshot, SnapshotBuilder};
use setara_synth::{Config, MemorySink};
use setara_welfare::{Error, PmtModel, desil};

/// Spearman rank correlation (average ranks for ties).
fn spearman(a: &[f64], b: &[f64]) -> f64 {
    fn ranks(x: &[f64]) -> Vec<f64> {
        let mut idx: Vec<usize> = (0..x.len()).collect();
        idx.sort_by(|&i, &j| x[i].total_cmp(&x[j]));
        let mut r = vec![0.0; x.len()];
        let mut s = 0;
        while s < idx.len() {
            let mut e = s + 1;
            while e < idx.len() && x[idx[e]] == x[idx[s]] {
                e += 1;
            }
            for &i in &idx[s..e] {
                r[i] = (s + e - 1) as f64 / 2.0;
            }
            s = e;
        }
        r
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let n = a.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma).powi(2);
        sbb += (y - mb).powi(2);
    }
    sab / (saa * sbb).sqrt()
}

#[test]
fn pmt_on_a_synthetic_registry() {
    let mut sink = MemorySink::new();
    setara_synth::generate(&Config::new(20_000, 7), &mut sink, &mut |_| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut b = SnapshotBuilder::new();
    for h in &sink.households {
        b.add(&h.household, &h.members).unwrap();
    }
    let info = b.write(dir.path()).unwrap();
    let snap = Snapshot::open(&info.dir).unwrap();
    let today = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();

    let model = PmtModel::fit(&snap, today).unwrap();
    let s = &model.stats;
    eprintln!(
        "n {} regencies {} features {} R² {:.3} within {:.3} rmse {:.3} | CV R² {:.3} rmse {:.3} \
         capture {:.3} | fallbacks {:?}",
        s.n,
        s.regencies,
        s.features_used,
        s.r_squared,
        s.within_r_squared,
        s.rmse,
        s.cv.r_squared,
        s.cv.rmse,
        s.cv.poorest40_capture,
        s.fallbacks
    );
    assert!(s.n > 1500 && s.n < 2500, "{}", s.n);
    assert!(s.r_squared > 0.4 && s.r_squared < 0.9, "{}", s.r_squared);
    assert!(s.cv.r_squared > 0.35, "{}", s.cv.r_squared);
    assert!(s.cv.r_squared <= s.r_squared + 1e-6);
    assert!(s.within_r_squared > 0.2 && s.within_r_squared <= s.r_squared);
    assert!(s.cv.poorest40_capture > 0.55 && s.cv.poorest40_capture <= 1.0);
    assert!(s.fallbacks.regency > 0);
    // Better-off attributes raise predicted consumption.
    for name in ["asset:car", "asset:refrigerator", "floor_area_pc:ln"] {
        let c = model.coefficient(name).unwrap();
        assert!(c.value > 0.0, "{name}: {c:?}");
    }
    assert!(model.coefficient("floor:earth").unwrap().value < 0.0);

    // Scores for everyone; the truth is known for every household.
    let scores = model.score(&snap, today).unwrap();
    assert_eq!(scores.len(), snap.household_count());
    assert!(scores.iter().all(|v| v.is_finite()));
    let mut truth: HashMap<u64, Option<f64>> = HashMap::new();
    for h in &sink.households {
        let v = h.truth.consumption_per_capita.0 as f64;
        truth
            .entry(h.household.kk.as_u64())
            .and_modify(|e| *e = None)
            .or_insert(Some(v.ln()));
    }
    let cons = snap.consumption();
    let (mut a, mut b) = (vec![], vec![]);
    for (h, &kk) in snap.kk().values().iter().enumerate() {
        if cons.is_null(h)
            && let Some(Some(t)) = truth.get(&kk)
        {
            a.push(*t);
            b.push(scores[h]);
        }
    }
    assert!(a.len() > 15_000);
    let rho = spearman(&a, &b);
    eprintln!(
        "Spearman(true consumption, score) on {} non-surveyed: {rho:.3}",
        a.len()
    );
    assert!(rho > 0.5, "{rho}");

    // The stored model scores identically after a JSON round trip.
    let json = serde_json::to_string(&model).unwrap();
    let back: PmtModel = serde_json::from_str(&json).unwrap();
    assert_eq!(back.features, model.features);
    let rescored = back.score(&snap, today).unwrap();
    assert!(
        rescored
            .iter()
            .zip(&scores)
            .all(|(a, b)| (a - b).abs() < 1e-9)
    );

    // A model of another design is refused, not misaligned.
    let mut other = model.clone();
    other.features.swap(3, 4);
    other.coefficients.swap(3, 4);
    match other.score(&snap, today) {
        Err(Error::FeatureMismatch { position: 3, .. }) => {}
        r => panic!("{:?}", r.map(|v| v.len())),
    }
    let mut shorter = model.clone();
    shorter.features.pop();
    shorter.coefficients.pop();
    assert!(matches!(
        shorter.score(&snap, today),
        Err(Error::FeatureMismatch { .. })
    ));

    // Desil: person-weighted tenths nationally; poorer desil have lower true consumption.
    let d = desil(&snap, &scores).unwrap();
    let members = snap.members().values();
    let total: u64 = members.iter().map(|&m| u64::from(m)).sum();
    for k in 1..=10u8 {
        let persons: u64 = (0..scores.len())
            .filter(|&h| d.national[h] == k)
            .map(|h| u64::from(members[h]))
            .sum();
        let share = persons as f64 / total as f64;
        assert!((share - 0.1).abs() < 0.002, "desil {k}: {share}");
    }
    let mean_truth = |k: u8| {
        let v: Vec<f64> = (0..scores.len())
            .filter(|&h| d.national[h] == k)
            .filter_map(|h| truth.get(&snap.kk().value(h)).copied().flatten())
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(mean_truth(1) < mean_truth(5) && mean_truth(5) < mean_truth(10));
    let reg = snap.regency();
    assert!((0..scores.len()).all(|h| (d.regency[h] == 0) == reg.is_null(h)));
    assert!(d.province.iter().all(|&v| (1..=10).contains(&v)));
}

#[test]
fn a_snapshot_without_surveyed_households_cannot_be_fitted() {
    let mut sink = MemorySink::new();
    let mut config = Config::new(500, 3);
    config.survey_fraction = 0.0;
    setara_synth::generate(&config, &mut sink, &mut |_| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut b = SnapshotBuilder::new();
    for h in &sink.households {
        b.add(&h.household, &h.members).unwrap();
    }
    let snap = Snapshot::open(b.write(dir.path()).unwrap().dir).unwrap();
    let today = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    assert!(matches!(
        PmtModel::fit(&snap, today),
        Err(Error::TooFewSurveyed { found: 0, .. })
    ));
}
