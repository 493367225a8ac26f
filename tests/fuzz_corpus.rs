//! Replays what the fuzzers keep through the same functions the fuzz targets call, on the
//! stable toolchain: `fuzz/seeds/TARGET/` (hand-written starting inputs), `fuzz/corpus/TARGET/`
//! (the minimised corpus of the last long runs) and `fuzz/regressions/TARGET/` (every input
//! that once crashed a target, named after what it found): a crash that was fixed stays fixed.
//! `scripts/fuzz.sh` runs the fuzzers.

use std::path::Path;

type Target = fn(&[u8]);

const TARGETS: &[(&str, Target)] = &[
    ("table", setara_registry::fuzzing::table),
    ("rule", setara_rules::fuzzing::rule),
    ("programme_toml", setara_targeting::fuzzing::programme_toml),
    ("linkage_toml", setara_linkage::fuzzing::config_toml),
    ("receipt", setara_ledger::fuzzing::receipt),
    ("signed_note", setara_ledger::fuzzing::signed_note),
    ("entry", setara_ledger::fuzzing::entry),
];

fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    files.sort();
    files
}

#[test]
fn every_kept_fuzz_input_runs_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut failures = Vec::new();
    for (name, target) in TARGETS {
        let seeds = inputs(&root.join("seeds").join(name));
        assert!(!seeds.is_empty(), "fuzz/seeds/{name} holds no seed");
        let kept = [
            inputs(&root.join("corpus").join(name)),
            inputs(&root.join("regressions").join(name)),
        ];
        for path in seeds.iter().chain(kept.iter().flatten()) {
            // A fuzzer running meanwhile may minimise its corpus under our feet.
            let Ok(data) = std::fs::read(path) else {
                continue;
            };
            let result = std::panic::catch_unwind(|| target(&data));
            if result.is_err() {
                failures.push(path.display().to_string());
            }
        }
    }
    assert!(failures.is_empty(), "these inputs panic: {failures:#?}");
}
