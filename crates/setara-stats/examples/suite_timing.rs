//! Time the measure suite on raw little-endian `f64` files (as written by
//! `scripts/anchors_ineq.py`), best of `--reps` runs, and print one JSON object.
//!
//! ```text
//! cargo run --release -p setara-stats --example suite_timing -- VALUES.f64 WEIGHTS.f64 \
//!     [--reps 3] [--only NAME] [--reference]
//! ```
//!
//! Items: `gini_unweighted`, `gini_weighted` (with standard error, as [`setara_stats::gini`]),
//! `suite`, `suite_se`, `grouped`, `grouped_se` (weighted; relative line 60 % of the median,
//! Lorenz deciles, frequency-weight Gini; groups `i % 38`, 38 groups interleaved row by row). `--only NAME` runs one item (for a peak-memory
//! measurement with `/usr/bin/time -v`). Every item starts from the unsorted input in memory
//! (validation and sorting included).

use std::time::Instant;

use setara_stats::{
    GiniConvention, PovertyLine, RelativeLine, SuiteOptions, gini, suite, suite_by_group,
};

/// A raw little-endian `f64` file, read straight into the vector (no second copy of the bytes:
/// the peak memory measured is the suite's).
fn read_f64(path: &str) -> Vec<f64> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).unwrap_or_else(|e| panic!("opening {path}: {e}"));
    let len = file.metadata().map(|m| m.len()).unwrap_or(0) as usize;
    assert!(len.is_multiple_of(8), "{path}: not a whole number of f64");
    let mut out = Vec::with_capacity(len / 8);
    let mut buf = vec![0u8; 1 << 16];
    let mut carry = 0;
    loop {
        let got = file
            .read(&mut buf[carry..])
            .unwrap_or_else(|e| panic!("reading {path}: {e}"));
        if got == 0 {
            break;
        }
        let have = carry + got;
        let whole = have / 8 * 8;
        out.extend(
            buf[..whole]
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes"))),
        );
        buf.copy_within(whole..have, 0);
        carry = have - whole;
    }
    assert_eq!(carry, 0, "{path}: truncated");
    out
}

fn options(standard_errors: bool) -> SuiteOptions {
    SuiteOptions {
        line: Some(PovertyLine::Relative(RelativeLine::of_median(0.6))),
        standard_errors,
        gini_convention: GiniConvention::FrequencyWeights,
        lorenz_points: 11,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut files = Vec::new();
    let mut reps = 3usize;
    let mut only: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--reps" => reps = it.next().expect("--reps N").parse().expect("--reps N"),
            "--only" => only = Some(it.next().expect("--only NAME").clone()),
            _ => files.push(a.clone()),
        }
    }
    assert!(
        files.len() == 2,
        "usage: suite_timing VALUES.f64 WEIGHTS.f64 [--reps N] [--only NAME]"
    );
    let values = read_f64(&files[0]);
    let weights = read_f64(&files[1]);
    assert_eq!(
        values.len(),
        weights.len(),
        "values and weights differ in length"
    );
    let n = values.len();
    // Groups only when a grouped item runs (their 4 bytes per row count in its peak memory).
    let grouped = only.as_deref().is_none_or(|o| o.starts_with("grouped"));
    let groups: Vec<u32> = if grouped {
        (0..n).map(|i| (i % 38) as u32).collect()
    } else {
        Vec::new()
    };

    type Item<'a> = (&'static str, Box<dyn Fn() -> f64 + 'a>);
    let items: Vec<Item<'_>> = vec![
        (
            "gini_unweighted",
            Box::new(|| {
                gini(&values, None, GiniConvention::default())
                    .unwrap()
                    .value
            }),
        ),
        (
            "gini_weighted",
            Box::new(|| {
                gini(&values, Some(&weights), GiniConvention::default())
                    .unwrap()
                    .value
            }),
        ),
        (
            "suite",
            Box::new(|| {
                let s = suite(&values, Some(&weights), &options(false)).unwrap();
                s.gini.unwrap().value
            }),
        ),
        (
            "suite_se",
            Box::new(|| {
                let s = suite(&values, Some(&weights), &options(true)).unwrap();
                s.gini.unwrap().se.unwrap()
            }),
        ),
        (
            "grouped",
            Box::new(|| {
                let s = suite_by_group(&values, Some(&weights), &groups, &options(false)).unwrap();
                s.theil_t.unwrap().between.value
            }),
        ),
        (
            "grouped_se",
            Box::new(|| {
                let s = suite_by_group(&values, Some(&weights), &groups, &options(true)).unwrap();
                s.theil_t.unwrap().between.se.unwrap()
            }),
        ),
    ];
    let mut out = vec![format!("\"n\": {n}"), format!("\"reps\": {reps}")];
    for (name, f) in &items {
        if only.as_deref().is_some_and(|o| o != *name) {
            continue;
        }
        let mut best = f64::INFINITY;
        let mut value = f64::NAN;
        for _ in 0..reps {
            let t = Instant::now();
            value = std::hint::black_box(f());
            best = best.min(t.elapsed().as_secs_f64());
        }
        out.push(format!(
            "\"{name}\": {{\"seconds\": {best:.4}, \"value\": {value}}}"
        ));
        eprintln!("{name}: {best:.4} s");
    }
    println!("{{{}}}", out.join(", "));
}
