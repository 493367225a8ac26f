//! Backup and restore in process (issue 10): a backup taken while others write is consistent;
//! a deleted ledger is refused with an error that says to restore, and restoring brings it
//! back; restore never deletes a data directory; a damaged backup is refused; a backup never
//! writes over anything.

#[path = "../../../tests/common/fixture.rs"]
mod common;
#[path = "../../../tests/common/registry.rs"]
mod registry;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use setara_app::ledger::proof::{self, ConsistencyRequest};
use setara_app::ledger::{self, FundKind, FundRequest, ReturnFundsRequest, ReverseRequest};
use setara_app::{App, DataDir, ErrorKind, NoProgress};

struct Dir {
    tmp: tempfile::TempDir,
    /// The application on `data`.
    app: App,
}

impl Dir {
    fn path(&self, p: &str) -> PathBuf {
        self.tmp.path().join(p)
    }

    fn data(&self) -> PathBuf {
        self.app.data.root().to_path_buf()
    }
}

/// The application on another data directory (as another process would have it).
fn app_on(data: &Path) -> App {
    App::new(DataDir::new(data))
}

fn fund_request(kind: FundKind, amount: i64, from: Option<&str>) -> FundRequest {
    FundRequest {
        programme: "PKH-JABAR".into(),
        kind,
        amount,
        cycle: 0,
        from: from.map(str::to_string),
        channel: "bank_transfer".into(),
        idempotency_key: None,
    }
}

fn fund(app: &App, amount: i64) -> setara_app::Result<ledger::Appended> {
    ledger::fund(
        app,
        &registry::admin(),
        &fund_request(FundKind::Budget, amount, None),
    )
}

fn backup(app: &App, target: &Path) -> setara_app::Result<setara_app::backup::BackupDone> {
    setara_app::backup::backup(app, &registry::admin(), target, &mut NoProgress)
}

/// Restore `src` into the data directory `data`, as `setara restore` does: by an `App` that
/// has not opened the store yet (one process per command). (An `App` that has is tested in
/// `a_running_app_restores_and_goes_on_with_the_restored_store`.)
fn restore(data: &Path, src: &Path) -> setara_app::Result<setara_app::backup::Restored> {
    setara_app::backup::restore(&app_on(data), &registry::admin(), src, &mut NoProgress)
}

fn audit(app: &App) -> proof::Audit {
    proof::audit(app).unwrap()
}

/// The code and kind of an error.
fn refused<T: std::fmt::Debug>(r: setara_app::Result<T>) -> (&'static str, ErrorKind) {
    let e = r.unwrap_err();
    (e.code, e.kind)
}

/// A data directory with one programme and three funding entries (cheap: built per test).
fn funded() -> Dir {
    let tmp = tempfile::tempdir().unwrap();
    let app = registry::app_in(tmp.path());
    registry::programme(&app, "pkh-jabar.toml");
    for a in [1_000_000, 2_000_000, 3_000_000] {
        fund(&app, a).unwrap();
    }
    Dir { tmp, app }
}

/// Every file under `dir` with its bytes.
fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// A backup taken while another writer (its own `App`, as another process) keeps appending to
/// the ledger and writing the store restores to a data directory whose ledger passes the
/// audit, with the store's count at most the ledger's length; the writer never fails because
/// of the backup.
#[test]
fn a_backup_taken_while_others_write_is_consistent() {
    let d = funded();
    let data = d.data();
    let stop = AtomicBool::new(false);
    // Stops the writer however the checks below end (a failed assertion must not hang).
    struct Stop<'a>(&'a AtomicBool);
    impl Drop for Stop<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    let mut writes = 0;
    std::thread::scope(|s| {
        let _stop = Stop(&stop);
        let writer = s.spawn(|| {
            let other = app_on(&data);
            let donation = fund_request(FundKind::Donation, 1000, Some("donor-uji"));
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) || n < 5 {
                if let Err(e) = ledger::fund(&other, &registry::admin(), &donation) {
                    panic!("a write during the backup failed: {e:?}");
                }
                n += 1;
            }
            n
        });
        for k in 0..4 {
            let bk = d.path(&format!("bk{k}"));
            let done = backup(&d.app, &bk).unwrap();
            assert!(done.verified);
            let m: serde_json::Value = serde_json::from_slice(
                &std::fs::read(bk.join(setara_app::backup::MANIFEST_FILE)).unwrap(),
            )
            .unwrap();
            let applied = m["store"]["ledger_applied"].as_u64().unwrap();
            let entries = m["ledger"]["entries"].as_u64().unwrap();
            assert!(applied <= entries, "{m}");
            assert!(entries >= 3);
            assert_eq!(
                (done.ledger_applied, done.ledger_entries),
                (applied, Some(entries))
            );
            // Restored elsewhere, the copy audits clean and the store catches up.
            let r = d.path(&format!("r{k}"));
            restore(&r, &bk).unwrap();
            let r = app_on(&r);
            let a = audit(&r);
            assert!(a.ok, "{a:?}");
            assert_eq!(a.entries, entries);
            // A write works on the restored directory.
            fund(&r, 5).unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        writes = writer.join().unwrap();
    });
    assert!(writes >= 5);
    let a = audit(&d.app);
    assert!(a.ok);
    assert_eq!(a.entries, 3 + writes);
}

/// Finding 5: with the ledger folder removed, every ledger operation is refused with an error
/// that says to restore; `fund` no longer starts a new ledger. Restoring the backup brings the
/// ledger back and the audit passes.
#[test]
fn a_deleted_ledger_is_refused_until_restored() {
    let d = funded();
    let app = &d.app;
    let admin = registry::admin();
    let bk = d.path("bk");
    backup(app, &bk).unwrap();
    let before = audit(app);
    std::fs::remove_dir_all(app.data.ledger()).unwrap();
    let code = "ledger_missing_but_store_has_entries";
    let says_restore = |e: setara_app::Error| {
        assert_eq!((e.code, e.kind), (code, ErrorKind::Invalid), "{e}");
        for m in [&e.id, &e.en] {
            assert!(m.contains("setara restore"), "{m}");
        }
    };
    says_restore(proof::audit(app).unwrap_err());
    says_restore(fund(app, 9).unwrap_err());
    assert!(!app.data.ledger().exists(), "a new ledger was started");
    says_restore(ledger::checkpoint(app, &admin).unwrap_err());
    says_restore(proof::verifier_key(app).unwrap_err());
    says_restore(proof::prove(app, 0, None).unwrap_err());
    let from_1 = ConsistencyRequest {
        from: Some(1),
        ..Default::default()
    };
    says_restore(proof::consistency(app, &from_1).unwrap_err());
    let reverse = ReverseRequest {
        index: 0,
        reason: "salah input".into(),
        idempotency_key: None,
    };
    says_restore(ledger::reverse(app, &admin, &reverse).unwrap_err());
    let back = ReturnFundsRequest {
        programme: "PKH-JABAR".into(),
        amount: 5,
        cycle: 0,
        to: None,
        channel: "bank_transfer".into(),
        idempotency_key: None,
    };
    says_restore(ledger::return_funds(app, &admin, &back).unwrap_err());
    let pay = ledger::DisburseRequest {
        programme: "PKH-JABAR".into(),
        cycle: 1,
        channel: "bank_transfer".into(),
        idempotency_key: None,
    };
    says_restore(ledger::disburse(app, &admin, &pay).unwrap_err());
    // Backing up this state is refused too: it would not be a sound backup.
    says_restore(backup(app, &d.path("bk-broken")).unwrap_err());
    assert!(!d.path("bk-broken").exists());
    assert!(!app.data.ledger().exists());

    let r = restore(&d.data(), &bk).unwrap();
    let aside = r.moved_aside.unwrap();
    assert!(aside.join("setara.sqlite").is_file(), "{aside:?}");
    let app = app_on(&d.data());
    let after = audit(&app);
    assert!(after.ok, "{after:?}");
    assert_eq!(after.entries, before.entries);
    fund(&app, 9).unwrap();
}

/// Restore moves an existing data directory aside (never deletes it), replaces an empty one,
/// and creates a missing one.
#[test]
fn restore_never_deletes_a_data_directory() {
    let d = funded();
    let bk = d.path("bk");
    backup(&d.app, &bk).unwrap();
    // Something unrelated in the data directory, and later changes.
    std::fs::write(d.data().join("catatan.txt"), "jangan dihapus").unwrap();
    fund(&d.app, 4_000_000).unwrap();
    let old = contents(&d.data());
    let aside = restore(&d.data(), &bk).unwrap().moved_aside.unwrap();
    assert!(
        aside
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("data.before-restore-")
    );
    assert_eq!(contents(&aside), old, "the previous data directory changed");
    assert!(!d.data().join("catatan.txt").exists());
    // Twice in the same second: another name, still nothing deleted.
    let aside2 = restore(&d.data(), &bk).unwrap().moved_aside.unwrap();
    assert_ne!(aside, aside2);
    assert!(aside.is_dir() && aside2.is_dir());
    // An empty directory is simply replaced; a missing one created.
    let empty = d.path("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(restore(&empty, &bk).unwrap().moved_aside.is_none());
    assert!(audit(&app_on(&empty)).ok);
    let fresh = d.path("fresh");
    restore(&fresh, &bk).unwrap();
    assert_eq!(audit(&app_on(&fresh)).entries, 3);
}

fn flip(path: &Path, at: usize) {
    let mut b = std::fs::read(path).unwrap();
    b[at] ^= 1;
    std::fs::write(path, b).unwrap();
}

/// A damaged backup is refused with a code, and neither the data directory nor anything else
/// is touched.
#[test]
fn a_damaged_backup_is_refused() {
    let d = funded();
    let bk = d.path("bk");
    backup(&d.app, &bk).unwrap();
    let current = contents(&d.data());
    let damaged = |name: &str, f: &dyn Fn(&Path), code: &str| {
        let b = d.path(name);
        common::copy_tree(&bk, &b).unwrap();
        f(&b);
        assert_eq!(
            refused(restore(&d.data(), &b)),
            (code, ErrorKind::Invalid),
            "{name}"
        );
        assert_eq!(
            contents(&d.data()),
            current,
            "{name}: the data directory changed"
        );
        let fresh = d.path(&format!("{name}-target"));
        assert_eq!(
            refused(restore(&fresh, &b)),
            (code, ErrorKind::Invalid),
            "{name}"
        );
        assert!(!fresh.exists(), "{name}: a data directory was created");
    };
    damaged(
        "flipped-segment",
        &|b| flip(&b.join("ledger/entries-00000000.seg"), 20),
        "backup_damaged",
    );
    damaged(
        "truncated-store",
        &|b| {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(b.join("setara.sqlite"))
                .unwrap();
            f.set_len(f.metadata().unwrap().len() / 2).unwrap();
        },
        "backup_damaged",
    );
    damaged(
        "missing-key",
        &|b| std::fs::remove_file(b.join("ledger/signing.key")).unwrap(),
        "backup_damaged",
    );
    damaged(
        "no-manifest",
        &|b| std::fs::remove_file(b.join("setara-backup.json")).unwrap(),
        "backup_manifest_missing",
    );
    damaged(
        "manifest-escapes",
        &|b| {
            let m = std::fs::read_to_string(b.join("setara-backup.json")).unwrap();
            std::fs::write(
                b.join("setara-backup.json"),
                m.replacen("\"ledger/LEDGER\"", "\"../../etc/passwd\"", 1),
            )
            .unwrap();
        },
        "backup_manifest_invalid",
    );
    // Flipped and the manifest made to agree: the ledger's own audit still refuses it.
    damaged(
        "flipped-and-rehashed",
        &|b| {
            let seg = b.join("ledger/entries-00000000.seg");
            flip(&seg, 20);
            let bytes = std::fs::read(&seg).unwrap();
            let mut m: serde_json::Value =
                serde_json::from_slice(&std::fs::read(b.join("setara-backup.json")).unwrap())
                    .unwrap();
            for f in m["files"].as_array_mut().unwrap() {
                if f["path"] == "ledger/entries-00000000.seg" {
                    f["sha256"] = setara_store::source_hash::sha256_hex(&bytes[..])
                        .unwrap()
                        .into();
                }
            }
            std::fs::write(b.join("setara-backup.json"), m.to_string()).unwrap();
        },
        "backup_damaged",
    );
}

/// A backup never writes over anything and refuses places that cannot hold it.
#[test]
fn backup_refuses_existing_content_and_bad_places() {
    let d = funded();
    let taken = d.path("taken");
    std::fs::create_dir(&taken).unwrap();
    std::fs::write(taken.join("penting.txt"), "isi").unwrap();
    assert_eq!(
        refused(backup(&d.app, &taken)),
        ("backup_target_not_empty", ErrorKind::Invalid)
    );
    assert_eq!(
        std::fs::read_to_string(taken.join("penting.txt")).unwrap(),
        "isi"
    );
    assert_eq!(std::fs::read_dir(&taken).unwrap().count(), 1);
    assert_eq!(
        refused(backup(&d.app, &d.path("no/such/parent/bk"))),
        ("output_dir_missing", ErrorKind::Invalid)
    );
    assert_eq!(
        refused(backup(&d.app, &d.data().join("inside"))),
        ("backup_inside_data_dir", ErrorKind::Invalid)
    );
    assert_eq!(
        refused(backup(
            &app_on(&d.path("nothing")),
            &d.path("bk-of-nothing")
        )),
        ("backup_no_store", ErrorKind::Invalid)
    );
    // An empty directory is fine.
    let empty = d.path("empty");
    std::fs::create_dir(&empty).unwrap();
    backup(&d.app, &empty).unwrap();
    assert!(empty.join("setara-backup.json").is_file());
    // No half-written backup is left behind by a refusal.
    let leftovers: Vec<_> = std::fs::read_dir(d.tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".setara-backup-")
        })
        .collect();
    assert!(leftovers.is_empty());
}

/// A server restores through the `App` it has been serving with: the store it had open is
/// moved aside, and what comes after the restore (the repair, the next payment, the audit)
/// works on the restored store, not on the one moved aside.
#[test]
fn a_running_app_restores_and_goes_on_with_the_restored_store() {
    let d = funded();
    let app = &d.app;
    let bk = d.path("bk");
    backup(app, &bk).unwrap();
    // After the backup: one more entry, and connections open in the pool and the writer.
    fund(app, 4_000_000).unwrap();
    assert_eq!(audit(app).entries, 4);
    let r = setara_app::backup::restore(app, &registry::admin(), &bk, &mut NoProgress).unwrap();
    assert!(r.moved_aside.is_some());
    assert_eq!(r.ledger_entries, Some(3));
    // The restored store agrees with the restored ledger: the next payment is entry 3 (the
    // store moved aside had applied 4 and would refuse it as ledger_behind_store).
    assert_eq!(fund(app, 5_000_000).unwrap().index, 3);
    let a = audit(app);
    assert!(a.ok, "{a:?}");
    assert_eq!(a.entries, 4);
}
