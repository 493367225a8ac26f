//! Deduplicate a synthetic registry's persons and measure it: `persons HOUSEHOLDS [DIR] [CONFIG]`.
//!
//! Generates `HOUSEHOLDS` households with `setara-synth` (seed 1, default problem rates: 1 % of
//! persons get a second record with name variants, some with NIK typos or swapped dates) into
//! `DIR` (default `target/linkage-synth-HOUSEHOLDS`) unless `DIR/persons.csv` exists, then
//! deduplicates `persons.csv` with `examples/linkage/persons.toml` and prints one JSON object:
//! the time to read and to deduplicate, pairs compared per second, the model, and — read only
//! after the run — precision, recall and F1 against the true pairs (two records with the same
//! `entity` in `truth/persons.csv`), pairwise and after clustering. Run it under
//! `/usr/bin/time -v` for the peak memory (`scripts/bench-linkage.sh` does).

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

use setara_linkage::{Config, Table, dedup, eval};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut args = std::env::args().skip(1);
    let households: u64 = args.next().as_deref().unwrap_or("2000").parse()?;
    let dir = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(format!("../../target/linkage-synth-{households}")));
    let config_path = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../../examples/linkage/persons.toml"));
    let config = Config::from_toml(&fs::read_to_string(&config_path)?)?;

    if !dir.join("persons.csv").exists() {
        let t0 = Instant::now();
        fs::create_dir_all(dir.join("truth"))?;
        let outputs = setara_synth::CsvOutputs::open_with(|p| {
            File::create(dir.join(p)).map(|f| BufWriter::with_capacity(1 << 20, f))
        })?;
        let mut sink = setara_synth::CsvSink::new(outputs)?;
        setara_synth::generate(
            &setara_synth::Config::new(households, 1),
            &mut sink,
            &mut |_| {},
        )?;
        sink.finish()?;
        eprintln!(
            "generated {} in {:.1} s",
            dir.display(),
            t0.elapsed().as_secs_f64()
        );
    }

    let t0 = Instant::now();
    let table = Table::read_csv(File::open(dir.join("persons.csv"))?)?;
    let read = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let linkage = dedup(&table, &config)?;
    let run = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let clusters = linkage.clusters(config.match_threshold);
    let cluster_secs = t2.elapsed().as_secs_f64();

    // Only now: the truth.
    let truth = Table::read_csv(File::open(dir.join("truth/persons.csv"))?)?;
    let entity = truth
        .column_index("entity")
        .ok_or("truth has no entity column")?;
    let mut by_entity: hashbrown::HashMap<&str, Vec<u32>> = hashbrown::HashMap::new();
    for r in 0..truth.len() {
        by_entity
            .entry(truth.value(r, entity))
            .or_default()
            .push(r as u32);
    }
    let mut true_pairs = Vec::new();
    for rows in by_entity.values() {
        for (x, &a) in rows.iter().enumerate() {
            for &b in &rows[x + 1..] {
                true_pairs.push((a, b));
            }
        }
    }
    let pairwise = eval::accuracy(
        linkage
            .matches(config.match_threshold)
            .map(|p| (p.left, p.right)),
        true_pairs.iter().copied(),
        true,
    );
    let clustered = eval::accuracy(clusters.implied_pairs(), true_pairs.iter().copied(), true);
    if std::env::var_os("PERSONS_DEBUG").is_some() {
        let truth_set: std::collections::HashSet<(u32, u32)> = true_pairs.iter().copied().collect();
        let cols: Vec<usize> = ["nik", "name", "sex", "birth_date", "kk"]
            .iter()
            .map(|c| table.column_index(c).expect("column"))
            .collect();
        let show = |r: u32| {
            cols.iter()
                .map(|&c| table.value(r as usize, c))
                .collect::<Vec<_>>()
                .join(" | ")
        };
        for (i, p) in linkage.pairs.iter().enumerate() {
            let is_true = truth_set.contains(&(p.left, p.right));
            let predicted = p.match_probability >= config.match_threshold;
            if is_true != predicted {
                eprintln!(
                    "{} p={:.3} w={:.1}\n  {}\n  {}\n  {:?}",
                    if predicted { "FP" } else { "FN" },
                    p.match_probability,
                    p.match_weight,
                    show(p.left),
                    show(p.right),
                    linkage
                        .explain(i)
                        .iter()
                        .map(|e| format!(
                            "{}:{}:{:.1}",
                            e.column,
                            e.level.unwrap_or("null"),
                            e.weight
                        ))
                        .collect::<Vec<_>>()
                );
            }
        }
    }
    let review = linkage
        .pairs
        .iter()
        .filter(|p| p.match_probability < config.match_threshold)
        .count();
    let v = serde_json::json!({
        "households": households,
        "persons": table.len(),
        "seconds_read_csv": read,
        "seconds_dedup": run,
        "seconds_cluster": cluster_secs,
        "candidate_pairs": linkage.stats.candidate_pairs,
        "pairs_per_rule": linkage.stats.pairs_per_rule,
        "pairs_compared_per_second": linkage.stats.pairs_compared_per_second,
        "phases": {
            "prepare": linkage.stats.seconds_prepare,
            "compare": linkage.stats.seconds_compare,
            "train": linkage.stats.seconds_train,
            "score": linkage.stats.seconds_score,
        },
        "threads": linkage.stats.threads,
        "returned_pairs": linkage.pairs.len(),
        "review_pairs_below_threshold": review,
        "true_pairs": true_pairs.len(),
        "pairwise": pairwise,
        "clustered": clustered,
        "model": linkage.model,
    });
    println!("{v}");
    Ok(())
}
