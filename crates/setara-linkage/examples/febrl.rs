//! FEBRL accuracy and timing as JSON: `febrl [DATA_DIR] [CONFIG]`.
//!
//! Links FEBRL 4a × 4b and deduplicates FEBRL 1, 2 and 3 with one configuration (default
//! `examples/linkage/febrl.toml`), times each run from reading the CSV files to scored pairs
//! (training included; the median of `FEBRL_REPEAT` runs, default 1) and, separately,
//! clustering; then — only after the run — reads the true
//! pairs and prints precision, recall and F1, pairwise and after clustering, one JSON object per
//! data set. `scripts/bench-linkage.sh` prints these beside Splink's.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use setara_linkage::{Config, Linkage, Table, dedup, eval, link};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("tests/data/febrl"));
    let config_path = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../../examples/linkage/febrl.toml"));
    let config = Config::from_toml(&fs::read_to_string(&config_path)?)?;
    let repeat: usize = std::env::var("FEBRL_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);

    // FEBRL 4: link.
    let (mut times, mut result) = (Vec::new(), None);
    for _ in 0..repeat {
        let t0 = Instant::now();
        let a = Table::read_csv(fs::read(dir.join("febrl4a.csv"))?.as_slice())?;
        let b = Table::read_csv(fs::read(dir.join("febrl4b.csv"))?.as_slice())?;
        let l = link(&a, &b, &config)?;
        times.push(t0.elapsed().as_secs_f64());
        result = Some((a, b, l));
    }
    let best = median(&mut times);
    let (a, b, l) = result.expect("ran");
    let t0 = Instant::now();
    let clusters = l.clusters(config.match_threshold);
    let cluster_secs = t0.elapsed().as_secs_f64();
    let ids = |t: &Table, r: u32| t.value(r as usize, 0).to_string();
    let truth = read_truth(&dir.join("febrl4_true_pairs.csv"))?;
    let pairwise = eval::accuracy(
        l.matches(config.match_threshold)
            .map(|p| (ids(&a, p.left), ids(&b, p.right))),
        truth.clone(),
        false,
    );
    let clustered = eval::accuracy(
        clusters
            .implied_pairs()
            .into_iter()
            .map(|(x, y)| (ids(&a, x), ids(&b, y))),
        truth,
        false,
    );
    print_result("febrl4", &l, best, cluster_secs, pairwise, clustered);

    for name in ["febrl3", "febrl1", "febrl2"] {
        let (mut times, mut result) = (Vec::new(), None);
        for _ in 0..repeat {
            let t0 = Instant::now();
            let t = Table::read_csv(fs::read(dir.join(format!("{name}.csv")))?.as_slice())?;
            let l = dedup(&t, &config)?;
            times.push(t0.elapsed().as_secs_f64());
            result = Some((t, l));
        }
        let best = median(&mut times);
        let (t, l) = result.expect("ran");
        let t0 = Instant::now();
        let clusters = l.clusters(config.match_threshold);
        let cluster_secs = t0.elapsed().as_secs_f64();
        let truth = read_truth(&dir.join(format!("{name}_true_pairs.csv")))?;
        let pairwise = eval::accuracy(
            l.matches(config.match_threshold)
                .map(|p| (ids(&t, p.left), ids(&t, p.right))),
            truth.clone(),
            true,
        );
        let clustered = eval::accuracy(
            clusters
                .implied_pairs()
                .into_iter()
                .map(|(x, y)| (ids(&t, x), ids(&t, y))),
            truth,
            true,
        );
        print_result(name, &l, best, cluster_secs, pairwise, clustered);
    }
    if std::env::var_os("FEBRL_MODEL").is_some() {
        let t = Table::read_csv(fs::read(dir.join("febrl3.csv"))?.as_slice())?;
        let l = dedup(&t, &config)?;
        eprintln!("{}", serde_json::to_string_pretty(&l.model)?);
        eprintln!("{}", serde_json::to_string_pretty(&l.stats)?);
    }
    Ok(())
}

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn read_truth(path: &Path) -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
    let t = Table::read_csv(fs::read(path)?.as_slice())?;
    Ok((0..t.len())
        .map(|r| (t.value(r, 0).to_string(), t.value(r, 1).to_string()))
        .collect())
}

fn print_result(
    name: &str,
    l: &Linkage,
    seconds: f64,
    cluster_seconds: f64,
    pairwise: eval::Accuracy,
    clustered: eval::Accuracy,
) {
    let v = serde_json::json!({
        "dataset": name,
        "seconds": seconds,
        "cluster_seconds": cluster_seconds,
        "candidate_pairs": l.stats.candidate_pairs,
        "pairs_per_rule": l.stats.pairs_per_rule,
        "pairs_compared_per_second": l.stats.pairs_compared_per_second,
        "phases": {
            "prepare": l.stats.seconds_prepare,
            "compare": l.stats.seconds_compare,
            "train": l.stats.seconds_train,
            "score": l.stats.seconds_score,
        },
        "em_iterations": l.model.em_iterations,
        "expected_matches": l.model.expected_matches,
        "pairwise": pairwise,
        "clustered": clustered,
    });
    println!("{v}");
}
