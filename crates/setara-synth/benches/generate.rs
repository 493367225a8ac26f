//! Throughput of generation and CSV rendering, writing to `io::sink()` (no disk).
//!
//! `cargo bench -p setara-synth --bench generate [-- HOUSEHOLDS]` (default 1,000,000). A plain
//! `harness = false` benchmark printing the median of three runs. To include the disk and see
//! peak memory, run the `synth` example under `/usr/bin/time -v`.

use std::time::{Duration, Instant};

use setara_synth::{Config, CsvOutputs, CsvSink, generate};

fn main() {
    let households: u64 = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map_or(1_000_000, |a| a.parse().expect("HOUSEHOLDS is a number"));
    let mut times: Vec<Duration> = (0..3)
        .map(|run| {
            let outputs =
                CsvOutputs::open_with(|_| Ok::<_, std::io::Error>(std::io::sink())).unwrap();
            let mut sink = CsvSink::new(outputs).unwrap();
            let start = Instant::now();
            let summary =
                generate(&Config::new(households, run + 1), &mut sink, &mut |_| {}).unwrap();
            sink.finish().unwrap();
            let t = start.elapsed();
            eprintln!(
                "run {run}: {} households, {} person rows in {:.2} s",
                summary.households,
                summary.persons,
                t.as_secs_f64()
            );
            t
        })
        .collect();
    times.sort();
    let median = times[1].as_secs_f64();
    println!(
        "generate {households} households to CSV (no disk): median {median:.2} s, {:.0} households/s",
        households as f64 / median
    );
}
