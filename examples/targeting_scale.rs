//! Ranking and targeting at national scale, for `scripts/bench-targeting.sh`.
//!
//! ```sh
//! cargo run --release --example targeting_scale -- make DIR 10000000   # write a snapshot once
//! cargo run --release --example targeting_scale -- run DIR              # time it (JSON out)
//! ```
//!
//! `make` generates a synthetic registry (about 10 % of households surveyed) straight into a
//! snapshot builder. `run` opens the snapshot memory-mapped and times, each on its own: the PMT
//! fit on the surveyed households (with its 5-fold cross-validation), scoring every household,
//! desil nationally/by province/by regency, and the preview of the issue's example rule
//! (parse, type-check, evaluate as bitmaps, count households and persons), best of 5.
//! Peak memory is measured around `run` by the script (`/usr/bin/time -v`).

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use setara_core::{Household, Person};
use setara_rules::{Bitmap, Inputs, Ranking, Rule, count_persons};
use setara_snapshot::{Snapshot, SnapshotBuilder};
use setara_synth::{Config, Sink};
use setara_welfare::{PmtModel, desil};

struct BuilderSink(SnapshotBuilder);

impl Sink for BuilderSink {
    fn household(
        &mut self,
        household: &Household,
        members: &[Person],
    ) -> Result<(), setara_synth::Error> {
        self.0
            .add(household, members)
            .map_err(|e| setara_synth::Error::Generation(e.to_string()))
    }
}

fn make(dir: &Path, households: u64) {
    let t = Instant::now();
    let mut sink = BuilderSink(SnapshotBuilder::with_capacity(
        households as usize,
        households as usize * 4,
    ));
    setara_synth::generate(&Config::new(households, 1), &mut sink, &mut |_| {})
        .expect("generation");
    let info = sink.0.write(dir).expect("snapshot written");
    eprintln!(
        "snapshot {} with {households} households in {:.1} s",
        info.hash,
        t.elapsed().as_secs_f64()
    );
}

fn run(dir: &Path) {
    let snap = Snapshot::open_latest(dir).expect("snapshot");
    let on = setara::targeting::reference_date(&snap);
    let n = snap.household_count();

    let t = Instant::now();
    let model = PmtModel::fit(&snap, on).expect("fit");
    let fit = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let scores = model.score(&snap, on).expect("score");
    let score = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let d = desil(&snap, &scores).expect("desil");
    let desil_s = t.elapsed().as_secs_f64();

    let programmes: HashMap<String, Bitmap> = [("PKH".to_string(), Bitmap::new(n))].into();
    let ranking = Ranking {
        desil: &d.national,
        desil_province: &d.province,
        desil_regency: &d.regency,
        score: &scores,
        rank: &d.rank,
    };
    let inputs = Inputs {
        snapshot: &snap,
        reference_date: on,
        ranking: Some(ranking),
        programmes: &programmes,
    };
    let source =
        r#"desil <= 4 and members.any(age < 6) and region in "32.04" and not receives("PKH")"#;
    let broad = r#"desil <= 4 and members.any(age < 6 or age >= 70 or disability != "none")"#;
    let mut preview = f64::INFINITY;
    let mut broad_preview = f64::INFINITY;
    let (mut households, mut persons, mut broad_households) = (0, 0, 0);
    for _ in 0..5 {
        for (rule_text, best, count) in [
            (source, &mut preview, &mut households),
            (broad, &mut broad_preview, &mut broad_households),
        ] {
            let t = Instant::now();
            let rule = Rule::compile(rule_text, &setara_rules::Context::of(&inputs)).expect("rule");
            let bits = rule.evaluate(&inputs).expect("evaluate");
            *count = bits.count_ones();
            if rule_text == source {
                persons = count_persons(&bits, &snap);
            } else {
                std::hint::black_box(count_persons(&bits, &snap));
            }
            *best = best.min(t.elapsed().as_secs_f64());
        }
    }
    println!(
        "{}",
        serde_json::json!({
            "households": n,
            "persons": snap.person_count(),
            "surveyed_fitted": model.stats.n,
            "pmt_fit_seconds": fit,
            "r_squared": model.stats.r_squared,
            "out_of_sample_r_squared": model.stats.cv.r_squared,
            "score_seconds": score,
            "desil_seconds": desil_s,
            "score_and_desil_seconds": score + desil_s,
            "preview_rule": source,
            "preview_seconds": preview,
            "preview_households": households,
            "preview_persons": persons,
            "broad_rule": broad,
            "broad_preview_seconds": broad_preview,
            "broad_preview_households": broad_households,
        })
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("make") => make(
            Path::new(&args[2]),
            args.get(3)
                .and_then(|s| s.parse().ok())
                .unwrap_or(1_000_000),
        ),
        Some("run") => run(Path::new(&args[2])),
        _ => {
            eprintln!("usage: targeting_scale make DIR [HOUSEHOLDS] | run DIR");
            std::process::exit(2);
        }
    }
}
