//! Copying a ledger in use, and what opening a damaged or re-keyed ledger says.

use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use setara_ledger::backup::{WriterLock, committed_len, copy_prefix};
use setara_ledger::{Ledger, LedgerOptions, audit, torture_entry};

fn small(dir: &Path) -> Ledger {
    Ledger::init_with(
        dir,
        "test.setara/log",
        LedgerOptions {
            segment_entries_log2: 6,
        },
    )
    .unwrap()
}

/// A copy taken while a writer appends and checkpoints holds exactly the entries counted, and
/// passes the audit.
#[test]
fn a_copy_taken_while_a_writer_appends_is_sound() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    let mut l = small(&src);
    l.append_batch(&(0..50).map(torture_entry).collect::<Vec<_>>())
        .unwrap();
    l.checkpoint().unwrap();
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut i = 50;
            while !stop.load(Ordering::Relaxed) {
                l.append_batch(&(i..i + 7).map(torture_entry).collect::<Vec<_>>())
                    .unwrap();
                l.checkpoint().unwrap();
                i += 7;
            }
        });
        for k in 0..20 {
            let n = committed_len(&src).unwrap();
            let dst = tmp.path().join(format!("copy{k}"));
            let info = copy_prefix(&src, &dst, n, &mut |_| {}).unwrap();
            assert_eq!(info.entries, n);
            assert!(info.checkpoints >= 1);
            let rep = audit(&dst).unwrap();
            assert!(rep.is_ok(), "copy {k} of {n}: {:?}", rep.problems);
            assert_eq!(rep.entries, n);
            let ro = Ledger::open_read_only(&dst).unwrap();
            assert_eq!(ro.len(), n);
            assert!(ro.latest_checkpoint().unwrap().size <= n);
            drop(ro);
            // The copy is a ledger a writer can continue.
            let mut w = Ledger::open(&dst).unwrap();
            assert_eq!(w.torn_tail(), Default::default());
            w.append_batch(&[torture_entry(n)]).unwrap();
            w.checkpoint().unwrap();
        }
        stop.store(true, Ordering::Relaxed);
    });
}

#[test]
fn a_damaged_source_or_a_missing_key_fails_the_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    let mut l = small(&src);
    l.append_batch(&(0..100).map(torture_entry).collect::<Vec<_>>())
        .unwrap();
    l.checkpoint().unwrap();
    drop(l);
    // A flipped byte in a record: the checksum catches it.
    let seg = src.join("entries-00000000.seg");
    let mut b = fs::read(&seg).unwrap();
    b[100] ^= 1;
    fs::write(&seg, &b).unwrap();
    let e = copy_prefix(&src, &tmp.path().join("c1"), 100, &mut |_| {}).unwrap_err();
    assert_eq!(e.code(), "ledger_corrupt", "{e}");
    b[100] ^= 1;
    fs::write(&seg, &b).unwrap();
    // More entries than the index holds.
    let e = copy_prefix(&src, &tmp.path().join("c2"), 101, &mut |_| {}).unwrap_err();
    assert_eq!(e.code(), "ledger_out_of_range");
    // The target must be new.
    fs::create_dir(tmp.path().join("c3")).unwrap();
    assert!(copy_prefix(&src, &tmp.path().join("c3"), 10, &mut |_| {}).is_err());
    // No signing key: no backup (it could never be extended again).
    fs::rename(src.join("signing.key"), tmp.path().join("key")).unwrap();
    let e = copy_prefix(&src, &tmp.path().join("c4"), 100, &mut |_| {}).unwrap_err();
    assert_eq!(e.code(), "ledger_signing_key_missing");
    let e = Ledger::open(&src).unwrap_err();
    assert_eq!(e.code(), "ledger_signing_key_missing");
    // Readers and the audit still work without it.
    Ledger::open_read_only(&src).unwrap();
    assert!(audit(&src).unwrap().is_ok());
}

#[test]
fn the_writer_lock_excludes_writers_until_released() {
    let tmp = tempfile::tempdir().unwrap();
    drop(small(tmp.path()));
    let lock = WriterLock::acquire(tmp.path(), Duration::ZERO).unwrap();
    assert_eq!(
        Ledger::open(tmp.path()).unwrap_err().code(),
        "ledger_locked"
    );
    assert!(WriterLock::acquire(tmp.path(), Duration::from_millis(50)).is_err());
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            drop(lock);
        });
        Ledger::open_waiting(tmp.path(), Duration::from_secs(60)).unwrap();
    });
}

/// A replaced key is named as such, not as generic damage; init never writes over leftovers.
#[test]
fn replaced_keys_and_leftover_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("l");
    let mut l = small(&dir);
    l.append_batch(&(0..10).map(torture_entry).collect::<Vec<_>>())
        .unwrap();
    l.checkpoint().unwrap();
    drop(l);
    let other = tmp.path().join("other");
    drop(small(&other));
    // Both key files replaced by another pair: the checkpoints were not signed by it.
    for f in ["vkey.txt", "signing.key"] {
        fs::copy(dir.join(f), tmp.path().join(f)).unwrap();
        fs::copy(other.join(f), dir.join(f)).unwrap();
    }
    assert_eq!(
        Ledger::open(&dir).unwrap_err().code(),
        "ledger_key_replaced"
    );
    assert_eq!(
        Ledger::open_read_only(&dir).unwrap_err().code(),
        "ledger_key_replaced"
    );
    assert!(!audit(&dir).unwrap().is_ok());
    // Only the public key replaced: it does not match the signing key.
    fs::copy(tmp.path().join("signing.key"), dir.join("signing.key")).unwrap();
    assert_eq!(
        Ledger::open(&dir).unwrap_err().code(),
        "ledger_key_replaced"
    );
    fs::copy(tmp.path().join("vkey.txt"), dir.join("vkey.txt")).unwrap();
    Ledger::open(&dir).unwrap();
    // The description removed: init refuses to start a new log over the entries.
    fs::remove_file(dir.join("LEDGER")).unwrap();
    let before = fs::read(dir.join("entries.idx")).unwrap();
    assert_eq!(
        Ledger::init(&dir, "test.setara/log").unwrap_err().code(),
        "ledger_dir_not_empty"
    );
    assert_eq!(fs::read(dir.join("entries.idx")).unwrap(), before);
}
