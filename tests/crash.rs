//! An import killed with SIGKILL leaves the store exactly as before (or, if the commit had
//! completed, wholly imported): a child process running the import
//! ([`setara_app::registry::import::import`], as `setara import` does) is killed after some
//! thousands of rows are written, and again during the commit. The child is this test binary
//! itself (the test `import_child`), which reports where the import is through the import's
//! events on stderr: production code has no hook for it.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use setara_store::Store;
use setara_store::sqlite::SqliteStore;

/// Write `households` households of three persons each, all valid.
fn write_files(dir: &Path, first_kk: u64, households: u64) -> (PathBuf, PathBuf) {
    let h = dir.join(format!("h{first_kk}.csv"));
    let p = dir.join(format!("p{first_kk}.csv"));
    let mut hw = std::io::BufWriter::new(std::fs::File::create(&h).unwrap());
    let mut pw = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    writeln!(hw, "kk,region,floor,consumption_per_capita,survey_weight").unwrap();
    writeln!(pw, "nik,kk,name,sex,birth_date,relation").unwrap();
    for i in 0..households {
        let kk = 1101010101000000 + first_kk + i;
        writeln!(hw, "{kk},11.01.01.2001,ceramic,{},{}", 500_000 + i, 10.5).unwrap();
        for j in 0..3u64 {
            let n = (first_kk + i) * 3 + j;
            let (dd, mm, yy, serial) = (
                1 + n % 28,
                1 + n / 28 % 12,
                n / 336 % 100,
                1 + n / 33_600 % 9_999,
            );
            let nik = format!("110101{dd:02}{mm:02}{yy:02}{serial:04}");
            writeln!(
                pw,
                "{nik},{kk},Orang {n},L,{:04}-{mm:02}-{dd:02},{}",
                1900 + yy,
                if j == 0 { "head" } else { "child" }
            )
            .unwrap();
        }
    }
    (h, p)
}

fn setara(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_setara"));
    c.arg("--data-dir")
        .arg(data)
        .env("SETARA_LANG", "en")
        .env("SETARA_ACTOR", "crash-test");
    c
}

fn digest(data: &Path) -> (String, u64, String) {
    let store = SqliteStore::open(&data.join("setara.sqlite")).unwrap();
    let counts = store.counts().unwrap();
    (
        store.content_digest().unwrap(),
        counts.persons,
        store.integrity_check().unwrap(),
    )
}

/// Set (by a test of this file) in the environment of the child that runs `import_child`: the
/// data directory and the two files.
const CHILD: &str = "SETARA_CRASH_TEST_CHILD";

/// The child's markers on stderr: rows written (every thousand or so) and the commit starting.
struct Markers {
    last_reported: u64,
}

impl setara_app::registry::import::ImportEvents for Markers {
    fn rows_written(&mut self, rows: u64) {
        if rows >= self.last_reported + 1000 {
            self.last_reported = rows;
            eprintln!("setara-test: rows {rows}");
        }
    }
    fn committing(&mut self) {
        eprintln!("setara-test: committing");
    }
}

/// Not a test of its own: the child process of the tests below, which import in process and
/// say where they are (it does nothing unless started by them).
#[test]
fn import_child() {
    let Some(spec) = std::env::var_os(CHILD) else {
        return;
    };
    let [data, h, p]: [PathBuf; 3] = std::env::split_paths(&spec)
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();
    let app = setara_app::App::new(setara_app::DataDir::new(data));
    let caller = setara_app::Caller::administrator(
        setara_store::Actor("crash-test".into()),
        setara_core::Lang::En,
    );
    let req = setara_app::registry::import::ImportRequest {
        households: h,
        persons: p,
        skip_invalid: false,
        rejects: None,
        force: false,
        dialect: setara_registry::writer::Dialect::Plain,
    };
    let r = setara_app::registry::import::import(
        &app,
        &caller,
        &req,
        &mut Markers { last_reported: 0 },
    )
    .unwrap();
    assert!(r.committed);
}

/// Start an import and return the child and a receiver of its events.
fn start_import(data: &Path, h: &Path, p: &Path) -> (Child, mpsc::Receiver<String>) {
    let spec = std::env::join_paths([data, h, p]).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "import_child", "--nocapture", "--test-threads=1"])
        .env(CHILD, spec)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

fn wait_for(rx: &mpsc::Receiver<String>, pred: impl Fn(&str) -> bool) -> bool {
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(120)) {
        if pred(&line) {
            return true;
        }
    }
    false
}

#[test]
fn sigkill_during_a_first_load_leaves_the_empty_store() {
    // A first load into an empty store runs with a rollback journal (see setara-store); a kill
    // must leave the hot journal to roll the file back.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    drop(SqliteStore::open(&data.join("setara.sqlite")).unwrap());
    let before = digest(&data);
    let (h, p) = write_files(dir.path(), 0, 30_000);
    for threshold in [5_000u64, 60_000] {
        let (mut child, rx) = start_import(&data, &h, &p);
        let hit = wait_for(&rx, |l| {
            l.strip_prefix("setara-test: rows ")
                .and_then(|n| n.parse::<u64>().ok())
                .is_some_and(|n| n >= threshold)
        });
        assert!(hit, "the import never reported {threshold} rows");
        child.kill().unwrap();
        child.wait().unwrap();
        let after = digest(&data);
        assert_eq!(after.2, "ok");
        assert_eq!(
            after.0, before.0,
            "store changed after a kill at {threshold} rows of a first load"
        );
    }
    let (mut child, rx) = start_import(&data, &h, &p);
    assert!(wait_for(&rx, |l| l == "setara-test: committing"));
    child.kill().unwrap();
    child.wait().unwrap();
    let after = digest(&data);
    assert_eq!(after.2, "ok");
    assert!(
        after.0 == before.0 || after.1 == 90_000,
        "a partial first load is visible"
    );
    // The store is back in WAL mode for everyone else.
    let o = setara(&data)
        .arg("import")
        .arg(&h)
        .arg(&p)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn sigkill_during_an_import_leaves_the_store_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A registry to protect.
    let (h0, p0) = write_files(dir.path(), 0, 200);
    let o = setara(&data)
        .arg("import")
        .arg(&h0)
        .arg(&p0)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let before = digest(&data);
    assert_eq!(before.2, "ok");
    assert_eq!(before.1, 600);

    // The next import: new households and a re-import of the first ones with changes.
    let (h, p) = write_files(dir.path(), 100, 30_000);

    // Killed after some thousands of rows have been written.
    for threshold in [3_000u64, 12_000, 45_000] {
        let (mut child, rx) = start_import(&data, &h, &p);
        let hit = wait_for(&rx, |l| {
            l.strip_prefix("setara-test: rows ")
                .and_then(|n| n.parse::<u64>().ok())
                .is_some_and(|n| n >= threshold)
        });
        assert!(hit, "the import never reported {threshold} rows");
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let after = digest(&data);
        assert_eq!(after.2, "ok", "integrity after kill at {threshold} rows");
        assert_eq!(
            after.0, before.0,
            "store changed after a kill at {threshold} rows"
        );
    }

    // Killed during the commit, at increasing delays after the commit starts.
    let mut untouched = 0;
    let mut committed = 0;
    for delay_ms in [0u64, 1, 3, 10, 30] {
        let (mut child, rx) = start_import(&data, &h, &p);
        assert!(
            wait_for(&rx, |l| l == "setara-test: committing"),
            "the import never reached its commit"
        );
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        let after = digest(&data);
        assert_eq!(
            after.2, "ok",
            "integrity after kill {delay_ms} ms into the commit"
        );
        if after.0 == before.0 {
            untouched += 1;
        } else {
            // The commit finished before the kill: then the import is there in full.
            // 30,000 households of 3, of which the first 100 were already loaded.
            assert_eq!(
                after.1,
                before.1 + 89_700,
                "a partial import is visible ({status:?})"
            );
            committed += 1;
            break;
        }
    }
    assert!(untouched >= 1, "no kill landed inside the commit");
    eprintln!(
        "kills inside the commit: {untouched} left the store as before, {committed} after it completed"
    );
}
