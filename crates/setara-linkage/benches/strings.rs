//! The string metrics against `strsim`: `cargo bench -p setara-linkage --bench strings`.
//!
//! Pairs of FEBRL given names and street names (similar and unrelated), as the comparators see
//! them. The byte versions in `setara_linkage::strings` return the same values as `strsim`
//! (unit tests) and are measured here to justify keeping them.

use std::sync::LazyLock;

use divan::{Bencher, black_box};
use setara_linkage::{Table, strings};

fn main() {
    divan::main();
}

static PAIRS: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/febrl/febrl4a.csv");
    let a = Table::read_csv(std::fs::File::open(&path).unwrap()).unwrap();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/febrl/febrl4b.csv");
    let b = Table::read_csv(std::fs::File::open(&path).unwrap()).unwrap();
    let mut v = Vec::new();
    for col in [1, 2, 4] {
        for r in 0..2000 {
            // Row r with row r (often a variant of the same value) and with row r + 1 (unrelated).
            v.push((a.value(r, col).to_string(), b.value(r, col).to_string()));
            v.push((a.value(r, col).to_string(), a.value(r + 1, col).to_string()));
        }
    }
    v
});

#[divan::bench]
fn jaro_winkler_ours(b: Bencher) {
    b.bench(|| {
        PAIRS
            .iter()
            .map(|(x, y)| strings::jaro_winkler(black_box(x.as_bytes()), black_box(y.as_bytes())))
            .sum::<f64>()
    });
}

#[divan::bench]
fn jaro_winkler_strsim(b: Bencher) {
    b.bench(|| {
        PAIRS
            .iter()
            .map(|(x, y)| strsim::jaro_winkler(black_box(x), black_box(y)))
            .sum::<f64>()
    });
}

#[divan::bench]
fn osa_within_2_ours(b: Bencher) {
    b.bench(|| {
        PAIRS
            .iter()
            .filter(|(x, y)| {
                strings::osa_within(black_box(x.as_bytes()), black_box(y.as_bytes()), 2).is_some()
            })
            .count()
    });
}

#[divan::bench]
fn osa_strsim(b: Bencher) {
    b.bench(|| {
        PAIRS
            .iter()
            .filter(|(x, y)| strsim::osa_distance(black_box(x), black_box(y)) <= 2)
            .count()
    });
}

#[divan::bench]
fn damerau_levenshtein_strsim(b: Bencher) {
    b.bench(|| {
        PAIRS
            .iter()
            .filter(|(x, y)| strsim::damerau_levenshtein(black_box(x), black_box(y)) <= 2)
            .count()
    });
}
