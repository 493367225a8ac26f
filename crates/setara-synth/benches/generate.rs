//! Throughput of generation and CSV rendering, writing to `io::sink()` (no disk):
//! `cargo bench -p setara-synth --bench generate`. To include the disk and see peak memory, run
//! `scripts/bench-demo.sh` or the `synth` example under `/usr/bin/time -v`.

use divan::Bencher;
use divan::counter::ItemsCount;
use setara_synth::{Config, CsvOutputs, CsvSink, generate};

fn main() {
    divan::main();
}

#[divan::bench(args = [100_000, 1_000_000], sample_count = 3)]
fn households_to_csv(bencher: Bencher, households: u64) {
    bencher.counter(ItemsCount::new(households)).bench(|| {
        let outputs = CsvOutputs::open_with(|_| Ok::<_, std::io::Error>(std::io::sink())).unwrap();
        let mut sink = CsvSink::new(outputs).unwrap();
        let summary = generate(&Config::new(households, 1), &mut sink, &mut |_| {}).unwrap();
        sink.finish().unwrap();
        summary.persons
    });
}
