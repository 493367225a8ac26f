//! `setara backup` and `setara restore` (issue 10): a backup taken while other commands write
//! is consistent; a deleted ledger is refused with a message naming `setara restore`, and
//! restoring brings it back; restore never deletes a data directory; a damaged backup is
//! refused.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

struct Dir {
    tmp: tempfile::TempDir,
}

fn run_in(cwd: &Path, data: &Path, args: &[&str]) -> Output {
    common::setara(cwd, data, "en", args)
}

impl Dir {
    fn path(&self, p: &str) -> PathBuf {
        self.tmp.path().join(p)
    }

    fn data(&self) -> PathBuf {
        self.path("data")
    }

    fn run_on(&self, data: &Path, args: &[&str]) -> Output {
        run_in(self.tmp.path(), data, args)
    }

    fn ok_on(&self, data: &Path, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        let o = self.run_on(data, &all);
        assert!(
            o.status.success(),
            "{args:?} failed: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let out = String::from_utf8_lossy(&o.stdout);
        serde_json::from_str(out.lines().last().unwrap_or("null"))
            .unwrap_or(serde_json::Value::Null)
    }

    fn ok(&self, args: &[&str]) -> serde_json::Value {
        self.ok_on(&self.data(), args)
    }

    /// Exit 1 with `code`; returns stderr.
    fn fails_on(&self, data: &Path, args: &[&str], code: &str) -> String {
        let mut all = args.to_vec();
        all.push("--json");
        let o = self.run_on(data, &all);
        let out = String::from_utf8_lossy(&o.stdout);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(1), "{args:?}: {out}{err}");
        let v: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
        assert_eq!(v["error"]["code"], code, "{args:?}: {out}{err}");
        err
    }

    fn fails(&self, args: &[&str], code: &str) -> String {
        self.fails_on(&self.data(), args, code)
    }

    fn fund(&self, amount: &str) {
        self.ok(&[
            "ledger",
            "fund",
            "--programme",
            "PKH-JABAR",
            "--kind",
            "budget",
            "--amount",
            amount,
        ]);
    }
}

/// A data directory with one programme and three funding entries.
fn funded() -> Dir {
    let d = Dir {
        tmp: tempfile::tempdir().unwrap(),
    };
    let toml = format!(
        "{}/examples/programmes/pkh-jabar.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    d.ok(&["programme", "create", "--file", &toml]);
    for a in ["1000000", "2000000", "3000000"] {
        d.fund(a);
    }
    d
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

/// A backup taken while another process keeps appending to the ledger and writing the store
/// restores to a data directory whose ledger passes the audit, with the store's count at most
/// the ledger's length; the writers never fail because of the backup.
#[test]
fn a_backup_taken_while_others_write_is_consistent() {
    let d = funded();
    let data = d.data();
    let cwd = d.tmp.path().to_path_buf();
    let stop = std::sync::atomic::AtomicBool::new(false);
    // Stops the writer however the checks below end (a failed assertion must not hang).
    struct Stop<'a>(&'a std::sync::atomic::AtomicBool);
    impl Drop for Stop<'_> {
        fn drop(&mut self) {
            self.0.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
    let mut writes = 0;
    std::thread::scope(|s| {
        let _stop = Stop(&stop);
        let writer = s.spawn(|| {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || n < 5 {
                let o = run_in(
                    &cwd,
                    &data,
                    &[
                        "ledger",
                        "fund",
                        "--programme",
                        "PKH-JABAR",
                        "--kind",
                        "donation",
                        "--amount",
                        "1000",
                        "--from",
                        "donor-uji",
                        "--quiet",
                    ],
                );
                assert!(
                    o.status.success(),
                    "a write during the backup failed: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
                n += 1;
            }
            n
        });
        for k in 0..4 {
            let bk = d.path(&format!("bk{k}"));
            let v = d.ok(&["backup", bk.to_str().unwrap()]);
            assert_eq!(v["verified"], true);
            let m: serde_json::Value =
                serde_json::from_slice(&std::fs::read(bk.join("setara-backup.json")).unwrap())
                    .unwrap();
            let applied = m["store"]["ledger_applied"].as_u64().unwrap();
            let entries = m["ledger"]["entries"].as_u64().unwrap();
            assert!(applied <= entries, "{m}");
            assert!(entries >= 3);
            // Restored elsewhere, the copy audits clean and the store catches up.
            let r = d.path(&format!("r{k}"));
            d.ok_on(&r, &["restore", bk.to_str().unwrap()]);
            let audit = d.ok_on(&r, &["ledger", "audit"]);
            assert_eq!(audit["ok"], true, "{audit}");
            assert_eq!(audit["entries"].as_u64().unwrap(), entries);
            // A command that writes works on the restored directory.
            d.ok_on(
                &r,
                &[
                    "ledger",
                    "fund",
                    "--programme",
                    "PKH-JABAR",
                    "--kind",
                    "budget",
                    "--amount",
                    "5",
                ],
            );
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        writes = writer.join().unwrap();
    });
    assert!(writes >= 5);
    let audit = d.ok(&["ledger", "audit"]);
    assert_eq!(audit["ok"], true);
    assert_eq!(audit["entries"].as_u64().unwrap(), 3 + writes);
}

/// Finding 5: with the ledger folder removed, every ledger command is refused with an error
/// that says to restore; `ledger fund` no longer starts a new ledger. Restoring the backup
/// brings the ledger back and the audit passes.
#[test]
fn a_deleted_ledger_is_refused_until_restored() {
    let d = funded();
    let bk = d.path("bk");
    d.ok(&["backup", bk.to_str().unwrap()]);
    let before = d.ok(&["ledger", "audit"]);
    std::fs::remove_dir_all(d.data().join("ledger")).unwrap();
    let err = d.fails(&["ledger", "audit"], "ledger_missing_but_store_has_entries");
    assert!(err.contains("setara restore"), "{err}");
    d.fails(
        &[
            "ledger",
            "fund",
            "--programme",
            "PKH-JABAR",
            "--kind",
            "budget",
            "--amount",
            "9",
        ],
        "ledger_missing_but_store_has_entries",
    );
    assert!(
        !d.data().join("ledger").exists(),
        "a new ledger was started"
    );
    for args in [
        &["ledger", "checkpoint"][..],
        &["ledger", "vkey"],
        &["ledger", "prove", "--index", "0"],
        &["ledger", "consistency", "--from", "1"],
        &[
            "ledger",
            "reverse",
            "--index",
            "0",
            "--reason",
            "salah input",
        ],
        &[
            "ledger",
            "return-funds",
            "--programme",
            "PKH-JABAR",
            "--amount",
            "5",
        ],
        &["disburse", "--programme", "PKH-JABAR", "--cycle", "1"],
    ] {
        d.fails(args, "ledger_missing_but_store_has_entries");
    }
    // Backing up this state is refused too: it would not be a sound backup.
    d.fails(
        &["backup", d.path("bk-broken").to_str().unwrap()],
        "ledger_missing_but_store_has_entries",
    );
    assert!(!d.path("bk-broken").exists());

    let v = d.ok(&["restore", bk.to_str().unwrap()]);
    let aside = PathBuf::from(v["moved_aside"].as_str().unwrap());
    assert!(aside.join("setara.sqlite").is_file(), "{v}");
    let after = d.ok(&["ledger", "audit"]);
    assert_eq!(after["ok"], true, "{after}");
    assert_eq!(after["entries"], before["entries"]);
    d.fund("9");
}

/// Restore moves an existing data directory aside (never deletes it), replaces an empty one,
/// and creates a missing one.
#[test]
fn restore_never_deletes_a_data_directory() {
    let d = funded();
    let bk = d.path("bk");
    d.ok(&["backup", bk.to_str().unwrap()]);
    // Something unrelated in the data directory, and later changes.
    std::fs::write(d.data().join("catatan.txt"), "jangan dihapus").unwrap();
    d.fund("4000000");
    let old = contents(&d.data());
    let v = d.ok(&["restore", bk.to_str().unwrap()]);
    let aside = PathBuf::from(v["moved_aside"].as_str().unwrap());
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
    let v2 = d.ok(&["restore", bk.to_str().unwrap()]);
    let aside2 = PathBuf::from(v2["moved_aside"].as_str().unwrap());
    assert_ne!(aside, aside2);
    assert!(aside.is_dir() && aside2.is_dir());
    // An empty directory is simply replaced; a missing one created.
    let empty = d.path("empty");
    std::fs::create_dir(&empty).unwrap();
    let v = d.ok_on(&empty, &["restore", bk.to_str().unwrap()]);
    assert!(v["moved_aside"].is_null());
    assert_eq!(d.ok_on(&empty, &["ledger", "audit"])["ok"], true);
    let fresh = d.path("fresh");
    d.ok_on(&fresh, &["restore", bk.to_str().unwrap()]);
    assert_eq!(d.ok_on(&fresh, &["ledger", "audit"])["entries"], 3);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
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
    d.ok(&["backup", bk.to_str().unwrap()]);
    let current = contents(&d.data());
    let damaged = |name: &str, f: &dyn Fn(&Path), code: &str| {
        let b = d.path(name);
        copy_dir(&bk, &b);
        f(&b);
        d.fails(&["restore", b.to_str().unwrap()], code);
        assert_eq!(
            contents(&d.data()),
            current,
            "{name}: the data directory changed"
        );
        let fresh = d.path(&format!("{name}-target"));
        d.fails_on(&fresh, &["restore", b.to_str().unwrap()], code);
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
    d.fails(
        &["backup", taken.to_str().unwrap()],
        "backup_target_not_empty",
    );
    assert_eq!(
        std::fs::read_to_string(taken.join("penting.txt")).unwrap(),
        "isi"
    );
    assert_eq!(std::fs::read_dir(&taken).unwrap().count(), 1);
    d.fails(
        &["backup", d.path("no/such/parent/bk").to_str().unwrap()],
        "output_dir_missing",
    );
    d.fails(
        &["backup", d.data().join("inside").to_str().unwrap()],
        "backup_inside_data_dir",
    );
    d.fails_on(
        &d.path("nothing"),
        &["backup", d.path("bk-of-nothing").to_str().unwrap()],
        "backup_no_store",
    );
    // An empty directory is fine.
    let empty = d.path("empty");
    std::fs::create_dir(&empty).unwrap();
    d.ok(&["backup", empty.to_str().unwrap()]);
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
