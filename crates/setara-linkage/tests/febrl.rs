//! Accuracy on the FEBRL data sets (tests/data/febrl/) with the shipped configuration
//! `examples/linkage/febrl.toml`, whose thresholds and settings were fixed before any
//! comparison with the true pairs. The linker sees `rec_id` only as an opaque identifier; the
//! true pairs are read after the run, to measure.
//!
//! Asserted: FEBRL4 (link) F1 ≥ 0.99 pairwise and FEBRL3 (dedup) F1 ≥ 0.98 pairwise. FEBRL1
//! and FEBRL2 are held out: their results with the same configuration are printed
//! (`cargo test -p setara-linkage --test febrl -- --nocapture`), not asserted.

use std::path::{Path, PathBuf};

use setara_linkage::eval::{Accuracy, accuracy};
use setara_linkage::{Config, Linkage, Table, dedup, link};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/febrl")
        .join(name)
}

fn config() -> Config {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/linkage/febrl.toml");
    Config::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn table(name: &str) -> Table {
    Table::read_csv(std::fs::File::open(data(name)).unwrap()).unwrap()
}

fn truth(name: &str) -> Vec<(String, String)> {
    let t = table(name);
    (0..t.len())
        .map(|r| (t.value(r, 0).to_string(), t.value(r, 1).to_string()))
        .collect()
}

/// Pairwise (pairs at or above the match threshold) and clustered (every pair within a
/// cluster at the same threshold) accuracy.
fn measure(
    l: &Linkage,
    left: &Table,
    right: &Table,
    truth_file: &str,
    dedup: bool,
) -> (Accuracy, Accuracy) {
    let id = |t: &Table, r: u32| t.value(r as usize, 0).to_string();
    let th = l.match_threshold;
    let truth = truth(truth_file);
    let pairwise = accuracy(
        l.matches(th)
            .map(|p| (id(left, p.left), id(right, p.right))),
        truth.clone(),
        dedup,
    );
    let clustered = accuracy(
        l.clusters(th)
            .implied_pairs()
            .into_iter()
            .map(|(a, b)| (id(left, a), id(right, b))),
        truth,
        dedup,
    );
    (pairwise, clustered)
}

fn report(name: &str, (p, c): (Accuracy, Accuracy)) {
    println!(
        "{name}: pairwise P {:.4} R {:.4} F1 {:.4} ({} predicted, {} true); clustered P {:.4} R {:.4} F1 {:.4}",
        p.precision, p.recall, p.f1, p.predicted, p.true_pairs, c.precision, c.recall, c.f1
    );
}

#[test]
fn febrl4_link() {
    let a = table("febrl4a.csv");
    let b = table("febrl4b.csv");
    let l = link(&a, &b, &config()).unwrap();
    let acc = measure(&l, &a, &b, "febrl4_true_pairs.csv", false);
    report("FEBRL4 (link)", acc);
    assert!(acc.0.f1 >= 0.99, "FEBRL4 pairwise F1 {}", acc.0.f1);
    // The model found about the 5,000 matches the data set has, without being told.
    assert!(
        (l.model.expected_matches - 5000.0).abs() < 100.0,
        "{}",
        l.model.expected_matches
    );
    // Every returned pair explains itself.
    let e = l.explain(0);
    assert_eq!(e.len(), 10);
    let sum: f64 = e.iter().map(|x| x.weight).sum::<f64>()
        + l.model.strata[l.pairs[0].rule as usize].prior_weight;
    assert!((sum - l.pairs[0].match_weight).abs() < 1e-6);
}

#[test]
fn febrl3_dedup() {
    let t = table("febrl3.csv");
    let l = dedup(&t, &config()).unwrap();
    let acc = measure(&l, &t, &t, "febrl3_true_pairs.csv", true);
    report("FEBRL3 (dedup)", acc);
    assert!(acc.0.f1 >= 0.98, "FEBRL3 pairwise F1 {}", acc.0.f1);
    assert!(acc.1.f1 >= 0.98, "FEBRL3 clustered F1 {}", acc.1.f1);
}

/// Held out: the same configuration, reported, not asserted.
#[test]
fn febrl1_and_2_held_out() {
    for (data, truth) in [
        ("febrl1.csv", "febrl1_true_pairs.csv"),
        ("febrl2.csv", "febrl2_true_pairs.csv"),
    ] {
        let t = table(data);
        let l = dedup(&t, &config()).unwrap();
        report(data, measure(&l, &t, &t, truth, true));
    }
}

/// Same input, same pairs, whatever the run.
#[test]
fn deterministic() {
    let t = table("febrl1.csv");
    let a = dedup(&t, &config()).unwrap();
    let b = dedup(&t, &config()).unwrap();
    assert_eq!(a.pairs, b.pairs);
}
