//! Ledger benchmarks: batched fsynced appends, proofs at 10 million leaves, audit of 10 million
//! entries. `cargo bench -p setara-ledger --bench ledger`.
//!
//! The 10M-entry fixture is built once with the ordinary, fsynced `append_batch` (batches of
//! 10,000) under `$CARGO_TARGET_TMPDIR/setara-ledger-10m` and reused by later runs; set
//! `SETARA_LEDGER_BENCH_N` for another size.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use setara_ledger::{
    Entry, Ledger, audit, leaf_hash, torture_entry, verify_consistency_hashes, verify_inclusion,
};

fn main() {
    divan::main();
}

fn fixture_n() -> u64 {
    std::env::var("SETARA_LEDGER_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000)
}

/// The big fixture's directory, built on first use.
fn fixture() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let n = fixture_n();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("setara-ledger-{n}"));
        if let Ok(l) = Ledger::open(&dir)
            && l.len() == n
            && l.latest_checkpoint().is_some_and(|c| c.size == n)
        {
            return dir;
        }
        let _ = std::fs::remove_dir_all(&dir);
        let mut l = Ledger::init(&dir, "bench.setara/ledger").unwrap();
        let t = std::time::Instant::now();
        let batch = 10_000u64;
        let mut i = 0;
        while i < n {
            let end = (i + batch).min(n);
            let b: Vec<Entry> = (i..end).map(torture_entry).collect();
            l.append_batch(&b).unwrap();
            i = end;
        }
        l.checkpoint().unwrap();
        eprintln!(
            "built the {n}-entry fixture in {:.1} s ({:.0} appends/s, batches of {batch}, fsynced)",
            t.elapsed().as_secs_f64(),
            n as f64 / t.elapsed().as_secs_f64()
        );
        dir
    })
}

fn open_fixture() -> &'static Ledger {
    static L: OnceLock<Ledger> = OnceLock::new();
    L.get_or_init(|| Ledger::open_read_only(fixture()).unwrap())
}

/// Appends one batch per iteration (each fsynced) to a growing ledger.
#[divan::bench(args = [1_000, 10_000], sample_count = 20, sample_size = 1)]
fn append_batch_fsynced(bencher: Bencher, batch: u64) {
    let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let mut l = Ledger::init(tmp.path(), "bench.setara/append").unwrap();
    let next = AtomicU64::new(0);
    bencher
        .counter(ItemsCount::new(batch))
        .with_inputs(|| {
            let s = next.fetch_add(batch, Ordering::Relaxed);
            (s..s + batch).map(torture_entry).collect::<Vec<_>>()
        })
        .bench_local_values(|b| l.append_batch(&b).unwrap());
}

fn rng(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// Inclusion proof generation plus verification at a random index of the 10M tree.
#[divan::bench]
fn inclusion_proof_10m(bencher: Bencher) {
    let l = open_fixture();
    let n = l.len();
    let root = l.root();
    let mut s = 0x1234_5678u64;
    bencher
        .with_inputs(|| {
            let i = rng(&mut s) % n;
            (i, leaf_hash(&torture_entry(i).to_bytes().unwrap()))
        })
        .bench_local_values(|(i, leaf)| {
            let p = l.inclusion_proof(i, n).unwrap();
            verify_inclusion(&leaf, i, n, &p, &root).unwrap();
            black_box(p)
        });
}

/// Consistency proof generation plus verification from a random size to the full 10M tree.
#[divan::bench]
fn consistency_proof_10m(bencher: Bencher) {
    let l = open_fixture();
    let n = l.len();
    let root = l.root();
    let mut s = 0x8765_4321u64;
    bencher
        .with_inputs(|| {
            let m = 1 + rng(&mut s) % (n - 1);
            (m, l.root_at(m).unwrap())
        })
        .bench_local_values(|(m, old)| {
            let p = l.consistency_proof(m, n).unwrap();
            verify_consistency_hashes(m, &old, n, &root, &p).unwrap();
            black_box(p)
        });
}

/// A receipt (entry read + proof + self-check) and its offline verification.
#[divan::bench]
fn receipt_10m(bencher: Bencher) {
    let l = open_fixture();
    let n = l.len();
    let vkey = l.verifier_key();
    let mut s = 0x5555u64;
    bencher
        .with_inputs(|| rng(&mut s) % n)
        .bench_local_values(|i| {
            let r = l.receipt(i, None).unwrap();
            setara_ledger::verify_receipt(&r, &vkey, None).unwrap();
        });
}

/// Full audit of the 10M fixture (recompute every hash from the entries).
#[divan::bench(sample_count = 3, sample_size = 1)]
fn audit_10m(bencher: Bencher) {
    let dir = fixture();
    bencher.counter(ItemsCount::new(fixture_n())).bench(|| {
        let r = audit(dir).unwrap();
        assert!(r.is_ok(), "{:?}", r.problems);
        r.entries
    });
}
