//! Entry points for fuzzing (cargo-fuzz targets and the replay test call these). Each must
//! never panic, whatever the bytes.

use crate::{Config, Table, dedup};

/// The columns of the small table a fuzzed configuration is checked against.
const COLUMNS: [&str; 7] = ["id", "nik", "name", "sex", "birth_date", "city", "amount"];

/// A few records with near-duplicates, so that a configuration that passes its checks also
/// runs: blocking, comparison, training and scoring on real pairs.
const ROWS: [[&str; 7]; 8] = [
    [
        "1",
        "3201014101800001",
        "Budi Santoso",
        "male",
        "1980-01-01",
        "Bandung",
        "10",
    ],
    [
        "2",
        "3201014101800001",
        "Budi Santosa",
        "male",
        "1980-01-01",
        "Bandung",
        "10.5",
    ],
    [
        "3",
        "3201015101800002",
        "Siti Aminah",
        "female",
        "1980-01-11",
        "Bandung",
        "",
    ],
    [
        "4",
        "3201015101800002",
        "Hj. Siti Aminah",
        "female",
        "1980-11-01",
        "Bogor",
        "x",
    ],
    [
        "5",
        "3273010202900003",
        "Ahmad Yani",
        "male",
        "1990-02-02",
        "Bogor",
        "7",
    ],
    [
        "6",
        "3273010202900030",
        "Achmad Jani",
        "male",
        "02/02/1990",
        "Bogor",
        "7",
    ],
    ["7", "", "Dewi", "female", "", "", ""],
    [
        "8",
        "3578016303700004",
        "Dewi Lestari",
        "female",
        "1970-03-23",
        "Surabaya",
        "-1e308",
    ],
];

/// `Config::from_toml` on the bytes (as UTF-8), then, when it parses, its validation against a
/// small table and a deduplication of that table with bounded training.
///
/// Invariants: parsing is deterministic (the same text gives the same configuration); a
/// configuration accepted by `validate` runs or fails with an error, never a panic; the pairs
/// of a run are sorted, each pair once with left < right, with probabilities in [0, 1].
pub fn config_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(config) = Config::from_toml(text) else {
        return;
    };
    let again = Config::from_toml(text).expect("the same text parses again");
    assert_eq!(config, again, "parsing is deterministic");
    assert!(config.match_threshold > 0.0 && config.match_threshold < 1.0);
    assert!(config.min_probability <= config.match_threshold);
    assert!(config.max_candidate_pairs >= 1);
    if config.validate(&COLUMNS).is_err() {
        return;
    }
    let mut table = Table::new(COLUMNS).expect("distinct column names");
    for row in ROWS {
        table.push_row(row).expect("one value per column");
    }
    // Keep one input fast: a configuration may ask for 100 million random pairs.
    let mut config = config;
    config.training.u_sample_pairs = config.training.u_sample_pairs.min(2_000);
    config.training.max_iterations = config.training.max_iterations.min(50);
    let Ok(linkage) = dedup(&table, &config) else {
        return;
    };
    assert!(
        linkage
            .pairs
            .windows(2)
            .all(|w| (w[0].left, w[0].right) < (w[1].left, w[1].right))
    );
    for (i, p) in linkage.pairs.iter().enumerate() {
        assert!(p.left < p.right && (p.right as usize) < table.len());
        assert!((0.0..=1.0).contains(&p.match_probability), "{p:?}");
        assert_eq!(linkage.explain(i).len(), linkage.columns.len());
    }
    let clusters = linkage.clusters(linkage.match_threshold);
    assert_eq!(clusters.left.len(), table.len());
}
