//! FEBRL linkage, training included: `cargo bench -p setara-linkage --bench febrl`.
//!
//! Each iteration reads the CSV text (already in memory) into tables and runs the whole
//! pipeline with `examples/linkage/febrl.toml`: blocking, comparison, u from random pairs, EM,
//! scoring. Splink 5 on DuckDB, timed on the same kind of machine by
//! `/work/shared/anchors/splink_febrl.py`: FEBRL4 6.1 s, FEBRL3 2.2-2.6 s (training and
//! prediction). `scripts/bench-linkage.sh` runs both side by side.

use std::sync::LazyLock;

use divan::{Bencher, black_box};
use setara_linkage::{Config, Table, dedup, link};

fn main() {
    divan::main();
}

fn data(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/febrl")
            .join(name),
    )
    .expect("FEBRL test data")
}

static CONFIG: LazyLock<Config> = LazyLock::new(|| {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/linkage/febrl.toml");
    Config::from_toml(&std::fs::read_to_string(path).expect("config")).expect("valid config")
});

static FEBRL4: LazyLock<(Vec<u8>, Vec<u8>)> =
    LazyLock::new(|| (data("febrl4a.csv"), data("febrl4b.csv")));
static FEBRL3: LazyLock<Vec<u8>> = LazyLock::new(|| data("febrl3.csv"));

#[divan::bench(sample_count = 10)]
fn febrl4_link(b: Bencher) {
    let (a, bb) = &*FEBRL4;
    b.bench(|| {
        let left = Table::read_csv(a.as_slice()).unwrap();
        let right = Table::read_csv(bb.as_slice()).unwrap();
        black_box(link(&left, &right, &CONFIG).unwrap().pairs.len())
    });
}

#[divan::bench(sample_count = 10)]
fn febrl3_dedup(b: Bencher) {
    b.bench(|| {
        let t = Table::read_csv(FEBRL3.as_slice()).unwrap();
        black_box(dedup(&t, &CONFIG).unwrap().pairs.len())
    });
}

#[divan::bench(sample_count = 10)]
fn febrl3_dedup_and_cluster(b: Bencher) {
    b.bench(|| {
        let t = Table::read_csv(FEBRL3.as_slice()).unwrap();
        let l = dedup(&t, &CONFIG).unwrap();
        black_box(l.clusters(l.match_threshold).count)
    });
}
