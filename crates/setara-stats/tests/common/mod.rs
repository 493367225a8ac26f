//! What the reference tests share: reading the reference data and results (computed by R and
//! pysal, `tests/data/ineq/README.md`) and comparing with a relative tolerance.
//!
//! Each test file uses part of it.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;
use setara_stats::Estimate;

/// Point estimates must agree to this relative difference.
pub const EST_TOL: f64 = 1e-9;
/// Standard errors must agree to this relative difference.
pub const SE_TOL: f64 = 1e-6;

pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/ineq")
}

pub fn read(name: &str) -> String {
    let path = data_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

pub fn json(name: &str) -> Value {
    serde_json::from_str(&read(name)).unwrap_or_else(|e| panic!("parsing {name}: {e}"))
}

/// `json[path...]` as f64, failing loudly if absent.
pub fn num(v: &Value, path: &[&str]) -> f64 {
    let mut cur = v;
    for key in path {
        cur = cur
            .get(key)
            .unwrap_or_else(|| panic!("reference key {path:?} missing at {key:?}"));
    }
    cur.as_f64()
        .unwrap_or_else(|| panic!("reference key {path:?} is not a number"))
}

/// `R07` → 7.
pub fn region_number(code: &str) -> u32 {
    code.strip_prefix('R')
        .expect("region R..")
        .parse()
        .expect("region number")
}

/// `data_lognormal_n10000_seed42.csv`.
pub struct Data {
    pub income: Vec<f64>,
    pub weight: Vec<f64>,
    /// Region `R01`..`R34` as 1..34.
    pub region: Vec<u32>,
}

pub fn data() -> Data {
    let text = read("data_lognormal_n10000_seed42.csv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id,income,weight,region"));
    let (mut income, mut weight, mut region) = (Vec::new(), Vec::new(), Vec::new());
    for (i, line) in lines.enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 4, "line {}: {line:?}", i + 2);
        income.push(fields[1].parse().expect("income"));
        weight.push(fields[2].parse().expect("weight"));
        region.push(region_number(fields[3]));
    }
    assert_eq!(income.len(), 10_000);
    Data {
        income,
        weight,
        region,
    }
}

pub fn check(what: &str, got: f64, expected: f64, tol: f64) {
    let rel = ((got - expected) / expected).abs();
    println!("{what:<62} got {got:<22} expected {expected:<22} rel {rel:.1e}");
    assert!(
        rel <= tol,
        "{what}: got {got}, expected {expected} (relative difference {rel:e} > {tol:e})"
    );
}

pub fn check_estimate(what: &str, got: Estimate, reference: &Value) {
    check(what, got.value, num(reference, &["estimate"]), EST_TOL);
    let se = got.se.expect("standard error");
    check(&format!("{what} SE"), se, num(reference, &["se"]), SE_TOL);
}
