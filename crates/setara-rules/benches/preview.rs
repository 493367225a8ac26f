//! Preview of an eligibility rule on a synthetic registry: parse, check, evaluate as bitmaps and
//! count the persons, as the instant preview of a programme's rule does.
//!
//! ```sh
//! SETARA_BENCH_HOUSEHOLDS=1000000 cargo bench -p setara-rules --bench preview
//! ```
//!
//! The registry (default 200,000 households) comes from `setara-synth` through a sink that feeds
//! a `SnapshotBuilder` directly; the snapshot is written to a temporary directory and
//! memory-mapped. The ranking is random desils; `PKH` is a random 10 % of households.

use std::collections::HashMap;
use std::sync::OnceLock;

use setara_rules::{Bitmap, Context, Inputs, Ranking, Rule, count_persons};
use setara_snapshot::{Snapshot, SnapshotBuilder};
use setara_synth::SnapshotSink;

const RULE: &str =
    r#"desil <= 4 and members.any(age < 6) and region in "32.04" and not receives("PKH")"#;

struct Data {
    _dir: tempfile::TempDir,
    snapshot: Snapshot,
    desil: Vec<u8>,
    score: Vec<f64>,
    rank: Vec<u32>,
    programmes: HashMap<String, Bitmap>,
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        let households: u64 = std::env::var("SETARA_BENCH_HOUSEHOLDS")
            .ok()
            .and_then(|v| v.replace('_', "").parse().ok())
            .unwrap_or(200_000);
        let t = std::time::Instant::now();
        let mut config = setara_synth::Config::new(households, 7);
        config.rates = setara_synth::ProblemRates::none();
        let mut sink = SnapshotSink(SnapshotBuilder::new());
        setara_synth::generate(&config, &mut sink, &mut |_| {}).expect("generate");
        let dir = tempfile::tempdir().expect("temporary directory");
        sink.0.write(dir.path()).expect("write snapshot");
        let snapshot = Snapshot::open_latest(dir.path()).expect("open snapshot");
        let n = snapshot.household_count();
        // SplitMix64: random desils and a random 10 % in PKH.
        let mut state = 42u64;
        let mut next = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let desil: Vec<u8> = (0..n).map(|_| 1 + (next() % 10) as u8).collect();
        let pkh = Bitmap::from_fn(n, |_| next() % 10 == 0);
        let score = desil.iter().map(|&d| 13.0 + f64::from(d) / 10.0).collect();
        let rank = (1..=n as u32).collect();
        eprintln!(
            "preview bench: {n} households, {} persons, prepared in {:.1} s",
            snapshot.person_count(),
            t.elapsed().as_secs_f64()
        );
        Data {
            _dir: dir,
            snapshot,
            desil,
            score,
            rank,
            programmes: HashMap::from([("PKH".to_string(), pkh)]),
        }
    })
}

fn inputs(d: &Data) -> Inputs<'_> {
    Inputs {
        snapshot: &d.snapshot,
        reference_date: chrono::NaiveDate::from_ymd_opt(2025, 6, 30).expect("date"),
        ranking: Some(Ranking {
            desil: &d.desil,
            desil_province: &d.desil,
            desil_regency: &d.desil,
            score: &d.score,
            rank: &d.rank,
        }),
        programmes: &d.programmes,
    }
}

fn main() {
    let d = data();
    let inputs = inputs(d);
    let rule = Rule::compile(RULE, &Context::of(&inputs)).expect("rule");
    let selected = rule.evaluate(&inputs).expect("evaluate");
    eprintln!(
        "selected {} households, {} persons",
        selected.count_ones(),
        count_persons(&selected, &d.snapshot)
    );
    divan::main();
}

/// Parse, check, evaluate and count persons: the whole preview.
#[divan::bench(sample_count = 20)]
fn preview(bencher: divan::Bencher) {
    let d = data();
    let inputs = inputs(d);
    let context = Context::of(&inputs);
    bencher.bench_local(|| {
        let rule = Rule::compile(divan::black_box(RULE), &context).expect("rule");
        let selected = rule.evaluate(&inputs).expect("evaluate");
        (selected.count_ones(), count_persons(&selected, &d.snapshot))
    });
}

/// The same on one thread.
#[divan::bench(sample_count = 20)]
fn preview_one_thread(bencher: divan::Bencher) {
    let d = data();
    let inputs = inputs(d);
    let context = Context::of(&inputs);
    bencher.bench_local(|| {
        let rule = Rule::compile(divan::black_box(RULE), &context).expect("rule");
        let selected = rule.evaluate_with_threads(&inputs, 1).expect("evaluate");
        (selected.count_ones(), count_persons(&selected, &d.snapshot))
    });
}
