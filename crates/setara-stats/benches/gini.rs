//! Gini (with its standard error) and FGT on large samples: `cargo bench -p setara-stats --bench
//! gini`. Data: lognormal(15, 0.8) incomes rounded to whole units (so ties occur, as in real
//! data) with integer weights 1-5, as the anchors' script `ineq_anchors.py` uses. The anchors
//! were timed at n = 10,000,000 on 2 cores (R ineq 1.07 s, laeken weighted 1.76 s, convey with
//! SE 18 s; see `tests/data/ineq/README.md`).

use std::sync::LazyLock;

use divan::{Bencher, black_box};
use setara_stats::{GiniConvention, Sample, fgt, gini, normal_quantile};

fn main() {
    divan::main();
}

/// SplitMix64: a small deterministic generator, enough for benchmark data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn next_open01(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

const N: usize = 10_000_000;

static DATA: LazyLock<(Vec<f64>, Vec<f64>)> = LazyLock::new(|| {
    let mut rng = SplitMix64(42);
    let incomes = (0..N)
        .map(|_| {
            (15.0 + 0.8 * normal_quantile(rng.next_open01()).unwrap())
                .exp()
                .round()
        })
        .collect();
    let weights = (0..N).map(|_| (1 + rng.next_u64() % 5) as f64).collect();
    (incomes, weights)
});

#[divan::bench(sample_count = 5)]
fn gini_unweighted_10m(bencher: Bencher) {
    let (x, _) = &*DATA;
    bencher.bench(|| gini(black_box(x), None, GiniConvention::default()).unwrap());
}

#[divan::bench(sample_count = 5)]
fn gini_weighted_10m(bencher: Bencher) {
    let (x, w) = &*DATA;
    bencher.bench(|| gini(black_box(x), Some(w), GiniConvention::FrequencyWeights).unwrap());
}

#[divan::bench(sample_count = 5)]
fn gini_weighted_sort_cached_10m(bencher: Bencher) {
    let (x, w) = &*DATA;
    let s = Sample::new(x, Some(w)).unwrap();
    black_box(s.gini(GiniConvention::default()).unwrap());
    bencher.bench(|| s.gini(GiniConvention::default()).unwrap());
}

#[divan::bench(sample_count = 5)]
fn fgt0_weighted_10m(bencher: Bencher) {
    let (x, w) = &*DATA;
    bencher.bench(|| fgt(black_box(x), Some(w), 15f64.exp(), 0.0).unwrap());
}
