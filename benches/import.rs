//! Import throughput: `cargo bench --bench import`.
//!
//! A synthetic registry (setara-synth) of `HOUSEHOLDS` households is written in the import
//! format, once as generated and once with every tenth household and every tenth person
//! changed. Measured, on a fresh temporary store each iteration:
//! - `first_load`: both files into an empty store (validation, findings and provenance
//!   included) — rows per second counts household and person rows;
//! - `reimport_with_changes`: the changed files into a store holding the first version, so
//!   every row is compared and every difference recorded as history.
//!
//! The full-scale figures and the comparison with SQLite's own `.import` are produced by
//! `scripts/bench-import.sh` and recorded in docs/benchmarks.md.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use divan::Bencher;
use divan::counter::ItemsCount;
use setara_app::registry::import::{ImportFiles, Silent, import_files};
use setara_core::{Education, Household, Person};
use setara_registry::writer::{Dialect, RecordWriter};
use setara_store::Actor;
use setara_synth::{Config, MemorySink};

const HOUSEHOLDS: u64 = 20_000;

fn main() {
    divan::main();
}

struct Fixture {
    _dir: tempfile::TempDir,
    v1: (PathBuf, PathBuf),
    v2: (PathBuf, PathBuf),
    rows: usize,
    /// A store holding v1.
    loaded: PathBuf,
}

fn write(dir: &Path, name: &str, households: &[(Household, Vec<Person>)]) -> (PathBuf, PathBuf) {
    let h = dir.join(format!("{name}-households.csv"));
    let p = dir.join(format!("{name}-persons.csv"));
    let mut hw =
        RecordWriter::households(std::fs::File::create(&h).unwrap(), Dialect::Plain).unwrap();
    let mut pw = RecordWriter::persons(std::fs::File::create(&p).unwrap(), Dialect::Plain).unwrap();
    for (hh, members) in households {
        hw.write(hh).unwrap();
        for m in members {
            pw.write(m).unwrap();
        }
    }
    hw.finish().unwrap();
    pw.finish().unwrap();
    (h, p)
}

fn request(files: &(PathBuf, PathBuf)) -> ImportFiles {
    ImportFiles {
        households: files.0.clone(),
        persons: files.1.clone(),
        skip_invalid: false,
        actor: Actor("bench".into()),
        today: chrono::Utc::now().date_naive(),
    }
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let mut sink = MemorySink::new();
    setara_synth::generate(&Config::new(HOUSEHOLDS, 1), &mut sink, &mut |_| {}).unwrap();
    let v1: Vec<(Household, Vec<Person>)> = sink
        .households
        .into_iter()
        .map(|h| (h.household, h.members))
        .collect();
    let mut v2 = v1.clone();
    let mut person = 0usize;
    for (i, (h, members)) in v2.iter_mut().enumerate() {
        if i % 10 == 0 {
            h.dwelling.floor_area_m2 = Some(h.dwelling.floor_area_m2.unwrap_or(20) + 1);
        }
        for m in members.iter_mut() {
            if person.is_multiple_of(10) {
                m.education = Some(if m.education == Some(Education::Diploma) {
                    Education::Bachelor
                } else {
                    Education::Diploma
                });
            }
            person += 1;
        }
    }
    let rows = v1.len() + person;
    let v1 = write(dir.path(), "v1", &v1);
    let v2 = write(dir.path(), "v2", &v2);
    let loaded = dir.path().join("loaded.sqlite");
    let mut store = setara_store::open(loaded.to_str().unwrap()).unwrap();
    import_files(store.as_mut(), &request(&v1), &mut Silent).unwrap();
    drop(store);
    Fixture {
        _dir: dir,
        v1,
        v2,
        rows,
        loaded,
    }
});

#[divan::bench(sample_count = 8)]
fn first_load(bencher: Bencher) {
    let f = &*FIXTURE;
    bencher
        .counter(ItemsCount::new(f.rows))
        .with_inputs(|| tempfile::tempdir().unwrap())
        .bench_local_values(|dir| {
            let mut store =
                setara_store::open(dir.path().join("s.sqlite").to_str().unwrap()).unwrap();
            let r = import_files(store.as_mut(), &request(&f.v1), &mut Silent).unwrap();
            assert!(r.summary.committed);
            dir
        });
}

#[divan::bench(sample_count = 8)]
fn reimport_with_changes(bencher: Bencher) {
    let f = &*FIXTURE;
    bencher
        .counter(ItemsCount::new(f.rows))
        .with_inputs(|| {
            let dir = tempfile::tempdir().unwrap();
            std::fs::copy(&f.loaded, dir.path().join("s.sqlite")).unwrap();
            dir
        })
        .bench_local_values(|dir| {
            let mut store =
                setara_store::open(dir.path().join("s.sqlite").to_str().unwrap()).unwrap();
            let r = import_files(store.as_mut(), &request(&f.v2), &mut Silent).unwrap();
            assert!(r.summary.changes > 0);
            dir
        });
}
