//! Timing of the Gini coefficient (with its standard error) and FGT on large samples.
//!
//! `cargo bench -p setara-stats --bench gini [-- N]` (default N = 10,000,000). A plain
//! `harness = false` benchmark: it prints the median of a few runs. The anchors in
//! `tests/data/ineq/README.md` were timed at N = 10,000,000 on 2 cores (R ineq 1.07 s,
//! laeken weighted 1.76 s, convey with SE 18 s).

use std::hint::black_box;
use std::time::{Duration, Instant};

use setara_stats::{GiniConvention, Sample, fgt, gini, normal_quantile};

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

    /// Uniform on (0, 1).
    fn next_open01(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

fn median_time(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    let mut rng = SplitMix64(42);
    let incomes: Vec<f64> = (0..n)
        .map(|_| {
            let z = normal_quantile(rng.next_open01()).expect("probability in (0, 1)");
            // Rounded to rupiah, so that ties occur as in real data.
            (15.0 + 0.8 * z).exp().round()
        })
        .collect();
    let weights: Vec<f64> = (0..n).map(|_| (1 + rng.next_u64() % 5) as f64).collect();
    let line = 15f64.exp();
    let runs = 5;

    let t = median_time(runs, || {
        black_box(gini(black_box(&incomes), None, GiniConvention::default()).unwrap());
    });
    println!("n = {n}: gini unweighted + SE            {t:>10.3?}");
    let t = median_time(runs, || {
        black_box(gini(&incomes, Some(&weights), GiniConvention::FrequencyWeights).unwrap());
    });
    println!("n = {n}: gini weighted (frequency) + SE  {t:>10.3?}");
    let t = median_time(runs, || {
        black_box(gini(&incomes, Some(&weights), GiniConvention::Convey).unwrap());
    });
    println!("n = {n}: gini weighted (convey) + SE     {t:>10.3?}");
    let cached = Sample::new(&incomes, Some(&weights)).unwrap();
    black_box(cached.gini(GiniConvention::default()).unwrap());
    let t = median_time(runs, || {
        black_box(cached.gini(GiniConvention::default()).unwrap());
    });
    println!("n = {n}: gini weighted, sort cached      {t:>10.3?}");
    let t = median_time(runs, || {
        let s = Sample::new(&incomes, Some(&weights)).unwrap();
        for alpha in [0.0, 1.0, 2.0] {
            black_box(s.fgt(line, alpha).unwrap());
        }
    });
    println!("n = {n}: FGT P0, P1, P2 weighted + SE    {t:>10.3?}");
    let t = median_time(runs, || {
        black_box(fgt(&incomes, Some(&weights), line, 0.0).unwrap());
    });
    println!("n = {n}: FGT P0 weighted + SE            {t:>10.3?}");
}
