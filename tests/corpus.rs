//! The malformed-input corpus (`tests/corpus/`, format in its README): every case runs the
//! real binary and must end with its expected exit code and error code, never with a panic or
//! a signal, and must leave the files and the store it names as they were.
//!
//! `CORPUS_FILTER=text cargo test --test corpus` runs only the cases whose `kind/name` contains
//! `text`.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;

const KINDS: &[&str] = &[
    "import",
    "programme",
    "rules",
    "linkage",
    "receipts",
    "stats",
    "flags",
    "datadir",
];
/// At least this many cases for each kind, and in all.
const MIN_PER_KIND: usize = 15;
const MIN_TOTAL: usize = 200;
/// A case that runs longer than this is killed and fails.
const TIMEOUT: Duration = Duration::from_secs(180);

#[derive(Debug, Deserialize)]
struct CaseFile {
    #[serde(default)]
    case: Vec<Case>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    about: String,
    #[serde(default = "default_fixture")]
    fixture: String,
    args: Vec<String>,
    exit: i32,
    code: Option<String>,
    #[serde(default = "yes")]
    json: bool,
    #[serde(default = "default_lang")]
    lang: String,
    stdin: Option<String>,
    memory_mib: Option<u64>,
    #[serde(default)]
    unchanged: Vec<String>,
    store_unchanged: Option<bool>,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    present: Vec<String>,
    #[serde(default)]
    expect_json: Vec<ExpectJson>,
    #[serde(default)]
    files: BTreeMap<String, Vec<(String, usize)>>,
    #[serde(default)]
    prepare: Vec<Prepare>,
    #[serde(skip)]
    kind: String,
}

fn default_fixture() -> String {
    "empty".into()
}
fn default_lang() -> String {
    "id".into()
}
fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectJson {
    pointer: String,
    value: Option<toml::Value>,
    #[serde(default)]
    present: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Prepare {
    run: Option<Vec<String>>,
    /// The exit code `run` must end with (default 0).
    run_exit: Option<i32>,
    /// Replace the first occurrence of `find` (on line `line` when given) by `with`.
    edit: Option<String>,
    find: Option<String>,
    with: Option<String>,
    line: Option<usize>,
    /// SQL run on the store `{data}/setara.sqlite` (to damage or age it).
    sql: Option<String>,
    remove: Option<String>,
    write: Option<String>,
    text: Option<String>,
    truncate: Option<String>,
    len: Option<u64>,
    flip: Option<String>,
    offset: Option<i64>,
    copy: Option<String>,
    to: Option<String>,
    mkdir: Option<String>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn load_cases() -> Vec<Case> {
    load_kinds(KINDS)
}

fn load_kinds(kinds: &[&str]) -> Vec<Case> {
    let mut all = Vec::new();
    for kind in kinds {
        let path = corpus_dir().join(kind).join("cases.toml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let file: CaseFile =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for mut c in file.case {
            c.kind = kind.to_string();
            all.push(c);
        }
    }
    all
}

/// What the fixtures hold, built once per test run.
struct Fixtures {
    root: PathBuf,
    /// The first household of the generated files, and its first member.
    first_kk: String,
    first_nik: String,
    vkey: String,
    entitlement: String,
    kk: String,
}

/// The binary under test. `SETARA_CORPUS_BIN` runs everything (fixtures included) with
/// another build, for instance the release before a fix, to see which cases it fails.
fn bin() -> String {
    std::env::var("SETARA_CORPUS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_setara").to_string())
}

fn setara(data: &Path, cwd: &Path, args: &[&str]) -> std::process::Output {
    Command::new(bin())
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("SETARA_LANG", "en")
        .env("SETARA_ACTOR", "corpus")
        .env_remove("SETARA_STORE")
        .env_remove("SETARA_DATA_DIR")
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn ok(data: &Path, cwd: &Path, args: &[&str]) -> String {
    let o = setara(data, cwd, args);
    assert!(
        o.status.success(),
        "fixture step {args:?} failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn fixtures() -> &'static Fixtures {
    static F: OnceLock<Fixtures> = OnceLock::new();
    F.get_or_init(|| {
        // Under target/tmp, replaced by each run, so that runs leave nothing behind in /tmp.
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus");
        if root.exists() {
            std::fs::remove_dir_all(&root).unwrap();
        }
        std::fs::create_dir_all(&root).unwrap();
        let none = root.join("unused");
        ok(
            &none,
            &root,
            &[
                "generate",
                "--households",
                "3000",
                "--survey-fraction",
                "0.5",
                "--seed",
                "7",
                "--out",
                "gen",
                "--quiet",
            ],
        );
        let gen_dir = root.join("gen");
        let registry = root.join("registry");
        ok(
            &registry,
            &root,
            &[
                "import",
                gen_dir.join("households.csv").to_str().unwrap(),
                gen_dir.join("persons.csv").to_str().unwrap(),
                "--quiet",
            ],
        );
        let ranked = root.join("ranked");
        copy_dir(&registry, &ranked);
        ok(&ranked, &root, &["rank", "--quiet"]);
        let programme =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/programmes/pkh-jabar.toml");
        ok(
            &ranked,
            &root,
            &[
                "programme",
                "create",
                "--file",
                programme.to_str().unwrap(),
                "--quiet",
            ],
        );
        let ledger = root.join("ledger");
        copy_dir(&ranked, &ledger);
        ok(
            &ledger,
            &root,
            &["target", "--programme", "PKH-JABAR", "--select", "--quiet"],
        );
        for (from, to) in [("proposed", "verified"), ("verified", "approved")] {
            ok(
                &ledger,
                &root,
                &[
                    "entitlement",
                    "transition",
                    "--programme",
                    "PKH-JABAR",
                    "--cycle",
                    "1",
                    "--from",
                    from,
                    "--to",
                    to,
                    "--reason",
                    "verval",
                    "--quiet",
                ],
            );
        }
        ok(
            &ledger,
            &root,
            &[
                "ledger",
                "fund",
                "--programme",
                "PKH-JABAR",
                "--kind",
                "budget",
                "--amount",
                "3000000000",
                "--quiet",
            ],
        );
        ok(
            &ledger,
            &root,
            &[
                "disburse",
                "--programme",
                "PKH-JABAR",
                "--cycle",
                "1",
                "--quiet",
            ],
        );
        let list: serde_json::Value = serde_json::from_str(&ok(
            &ledger,
            &root,
            &[
                "entitlement",
                "list",
                "--programme",
                "PKH-JABAR",
                "--state",
                "paid",
                "--json",
            ],
        ))
        .unwrap();
        let first = list
            .as_array()
            .and_then(|a| a.first())
            .unwrap_or_else(|| panic!("no paid entitlement: {list}"))
            .clone();
        let entitlement = first["id"].to_string();
        let kk = first["kk"].to_string().trim_matches('"').to_string();
        ok(
            &ledger,
            &root,
            &[
                "ledger",
                "receipt",
                "--entitlement",
                &entitlement,
                "--out",
                "ledger-receipt.json",
                "--quiet",
            ],
        );
        let cp: serde_json::Value =
            serde_json::from_str(&ok(&ledger, &root, &["ledger", "checkpoint", "--json"])).unwrap();
        std::fs::write(
            root.join("ledger-checkpoint.txt"),
            cp["note"].as_str().unwrap(),
        )
        .unwrap();
        let vkey = ok(&ledger, &root, &["ledger", "vkey"]).trim().to_string();
        let households = std::fs::read_to_string(gen_dir.join("households.csv")).unwrap();
        let first_kk = households
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .to_string();
        let persons = std::fs::read_to_string(gen_dir.join("persons.csv")).unwrap();
        let first_nik = persons
            .lines()
            .skip(1)
            .find(|l| l.split(',').nth(1) == Some(first_kk.as_str()))
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .to_string();
        Fixtures {
            root,
            first_kk,
            first_nik,
            vkey,
            entitlement,
            kk,
        }
    })
}

/// Replace the placeholders of the README.
fn expand(text: &str, work: &Path, fx: &Fixtures) -> String {
    let text = if text.contains("{ranking}") {
        // The first ranking file of the case's data directory.
        let mut files: Vec<PathBuf> = std::fs::read_dir(work.join("data/rankings"))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        let first = files.first().expect("a ranking in {data}/rankings");
        text.replace("{ranking}", first.to_str().unwrap())
    } else {
        text.to_string()
    };
    text.replace("{work}", work.to_str().unwrap())
        .replace("{data}", work.join("data").to_str().unwrap())
        .replace("{gen}", work.join("gen").to_str().unwrap())
        .replace("{repo}", env!("CARGO_MANIFEST_DIR"))
        .replace("{vkey}", &fx.vkey)
        .replace("{receipt}", work.join("receipt.json").to_str().unwrap())
        .replace(
            "{checkpoint}",
            work.join("checkpoint.txt").to_str().unwrap(),
        )
        .replace("{entitlement}", &fx.entitlement)
        .replace("{kk}", &fx.kk)
        .replace("{first_kk}", &fx.first_kk)
        .replace("{first_nik}", &fx.first_nik)
}

/// An argument or path: `@NAME` is the corpus file copied into the work directory.
fn resolve(text: &str, case: &Case, work: &Path, fx: &Fixtures) -> String {
    match text.strip_prefix('@') {
        Some(name) => {
            let src = corpus_dir().join(&case.kind).join(name);
            let dst = work.join(name);
            if !dst.exists() {
                if let Some(d) = dst.parent() {
                    std::fs::create_dir_all(d).unwrap();
                }
                std::fs::copy(&src, &dst).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
            }
            dst.to_str().unwrap().to_string()
        }
        None => expand(text, work, fx),
    }
}

fn digest(data: &Path) -> Option<String> {
    let db = data.join("setara.sqlite");
    if !db.is_file() {
        return None;
    }
    let store = setara_store::open(db.to_str()?).ok()?;
    store.content_digest().ok()
}

struct Outcome {
    status: std::process::ExitStatus,
    stdout: String,
    stderr: String,
    timed_out: bool,
}

fn run_with_timeout(mut cmd: Command, stdin: Option<&str>) -> Outcome {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        let mut s = child.stdin.take().unwrap();
        let text = text.to_string();
        std::thread::spawn(move || {
            let _ = s.write_all(text.as_bytes());
        });
    }
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            timed_out = true;
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Outcome {
        status,
        stdout: String::from_utf8_lossy(&t_out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&t_err.join().unwrap()).into_owned(),
        timed_out,
    }
}

/// The last line of stdout that is a JSON object.
fn last_json(stdout: &str) -> Option<serde_json::Value> {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(stdout.trim())
        && v.is_object()
    {
        return Some(v);
    }
    stdout
        .lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l.trim()).ok())
        .find(|v| v.is_object())
}

fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    serde_json::to_value(v).unwrap()
}

/// Run one case; `Err` says what went wrong.
fn run_case(case: &Case, fx: &Fixtures) -> Result<(), String> {
    let work_dir = tempfile::Builder::new()
        .prefix("case-")
        .tempdir_in(&fx.root)
        .unwrap();
    let work = work_dir.path();
    let data = work.join("data");
    match case.fixture.as_str() {
        "empty" => {}
        f @ ("registry" | "ranked" | "ledger") => copy_dir(&fx.root.join(f), &data),
        other => return Err(format!("unknown fixture {other:?}")),
    }
    copy_dir(&fx.root.join("gen"), &work.join("gen"));
    if case.fixture == "ledger" {
        std::fs::copy(
            fx.root.join("ledger-receipt.json"),
            work.join("receipt.json"),
        )
        .unwrap();
        std::fs::copy(
            fx.root.join("ledger-checkpoint.txt"),
            work.join("checkpoint.txt"),
        )
        .unwrap();
    }
    for (name, parts) in &case.files {
        let mut text = String::new();
        for (part, times) in parts {
            text.push_str(&part.repeat(*times));
        }
        std::fs::write(work.join(name), text).unwrap();
    }
    for step in &case.prepare {
        let path = |p: &String| PathBuf::from(resolve(p, case, work, fx));
        if let Some(args) = &step.run {
            let args: Vec<String> = args.iter().map(|a| resolve(a, case, work, fx)).collect();
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let o = setara(&data, work, &refs);
            if o.status.code() != Some(step.run_exit.unwrap_or(0)) {
                return Err(format!(
                    "prepare step {args:?} ended with {:?}: {}",
                    o.status.code(),
                    String::from_utf8_lossy(&o.stderr)
                ));
            }
        } else if let Some(p) = &step.edit {
            let p = path(p);
            let text = std::fs::read_to_string(&p).unwrap();
            let find = expand(step.find.as_deref().expect("edit needs find"), work, fx);
            let with = expand(step.with.as_deref().unwrap_or(""), work, fx);
            let (start, end) = match step.line {
                Some(n) => {
                    let start: usize = text.split_inclusive('\n').take(n - 1).map(str::len).sum();
                    let len = text[start..]
                        .find('\n')
                        .map_or(text.len() - start, |i| i + 1);
                    (start, start + len)
                }
                None => (0, text.len()),
            };
            let Some(i) = text[start..end].find(&find) else {
                return Err(format!("edit: {find:?} is not in {}", p.display()));
            };
            let at = start + i;
            let edited = format!("{}{with}{}", &text[..at], &text[at + find.len()..]);
            std::fs::write(&p, edited).unwrap();
        } else if let Some(sql) = &step.sql {
            let conn = rusqlite::Connection::open(data.join("setara.sqlite")).unwrap();
            conn.execute_batch(&expand(sql, work, fx)).unwrap();
        } else if let Some(p) = &step.remove {
            let p = path(p);
            if p.is_dir() {
                std::fs::remove_dir_all(&p).unwrap();
            } else {
                std::fs::remove_file(&p).unwrap();
            }
        } else if let Some(p) = &step.write {
            let text = expand(step.text.as_deref().unwrap_or(""), work, fx);
            std::fs::write(path(p), text).unwrap();
        } else if let Some(p) = &step.truncate {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(path(p))
                .unwrap();
            f.set_len(step.len.unwrap_or(0)).unwrap();
        } else if let Some(p) = &step.flip {
            let p = path(p);
            let mut bytes = std::fs::read(&p).unwrap();
            let off = step.offset.unwrap_or(0);
            let i = if off < 0 {
                bytes.len() - off.unsigned_abs() as usize
            } else {
                off as usize
            };
            bytes[i] ^= 1;
            std::fs::write(&p, bytes).unwrap();
        } else if let Some(src) = &step.copy {
            let from = resolve(src, case, work, fx);
            let to = path(step.to.as_ref().expect("copy needs to"));
            std::fs::copy(from, to).unwrap();
        } else if let Some(p) = &step.mkdir {
            std::fs::create_dir_all(path(p)).unwrap();
        } else {
            return Err("a prepare step with nothing to do".into());
        }
    }
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| resolve(a, case, work, fx))
        .collect();
    let unchanged: Vec<(PathBuf, Option<Vec<u8>>)> = case
        .unchanged
        .iter()
        .map(|p| {
            let p = PathBuf::from(resolve(p, case, work, fx));
            let bytes = std::fs::read(&p).ok();
            (p, bytes)
        })
        .collect();
    let check_store = case
        .store_unchanged
        .unwrap_or(case.exit != 0 && case.fixture != "empty");
    let before = if check_store { digest(&data) } else { None };

    let mut cmd = match case.memory_mib {
        Some(mib) => {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg("ulimit -v \"$1\" && shift && exec \"$@\"")
                .arg("sh")
                .arg((mib * 1024).to_string())
                .arg(bin());
            c
        }
        None => Command::new(bin()),
    };
    cmd.args(&args)
        .arg("--data-dir")
        .arg(&data)
        .env("SETARA_LANG", &case.lang)
        .env("SETARA_ACTOR", "corpus")
        .env_remove("SETARA_STORE")
        .env_remove("SETARA_DATA_DIR")
        .env_remove("RUST_BACKTRACE")
        .current_dir(work);
    if case.json {
        cmd.arg("--json");
    }
    let o = run_with_timeout(cmd, case.stdin.as_deref());
    let shown = || {
        format!(
            "\n  args: {args:?}\n  stdout: {}\n  stderr: {}",
            o.stdout.chars().take(1500).collect::<String>(),
            o.stderr.chars().take(1500).collect::<String>()
        )
    };
    if o.timed_out {
        return Err(format!("still running after {TIMEOUT:?}{}", shown()));
    }
    let Some(exit) = o.status.code() else {
        return Err(format!("killed by a signal ({:?}){}", o.status, shown()));
    };
    if exit == 101 || o.stderr.contains("panicked at") {
        return Err(format!("panicked{}", shown()));
    }
    if exit != case.exit {
        return Err(format!("exit {exit}, expected {}{}", case.exit, shown()));
    }
    let json = last_json(&o.stdout);
    if case.json && case.exit != 0 {
        let want = case
            .code
            .as_deref()
            .ok_or("a failing case must name its error code")?;
        let got = json
            .as_ref()
            .and_then(|v| v.pointer("/error/code"))
            .and_then(|v| v.as_str());
        if got != Some(want) {
            return Err(format!("error code {got:?}, expected {want:?}{}", shown()));
        }
    }
    for e in &case.expect_json {
        if e.value.is_none() && !e.present {
            return Err(format!(
                "expect_json at {}: give a value or present = true",
                e.pointer
            ));
        }
        let got = json.as_ref().and_then(|v| v.pointer(&e.pointer));
        match (&e.value, got) {
            (_, None) => return Err(format!("no JSON at {}{}", e.pointer, shown())),
            (Some(want), Some(got)) if toml_to_json(want) != *got => {
                return Err(format!(
                    "JSON at {} is {got}, expected {}{}",
                    e.pointer,
                    toml_to_json(want),
                    shown()
                ));
            }
            _ => {}
        }
    }
    for (p, bytes) in &unchanged {
        if std::fs::read(p).ok() != *bytes {
            return Err(format!("{} changed{}", p.display(), shown()));
        }
    }
    for p in &case.absent {
        let p = resolve(p, case, work, fx);
        if Path::new(&p).exists() {
            return Err(format!("{p} exists{}", shown()));
        }
    }
    for p in &case.present {
        let p = resolve(p, case, work, fx);
        if !Path::new(&p).exists() {
            return Err(format!("{p} is missing{}", shown()));
        }
    }
    if check_store && before.is_some() && digest(&data) != before {
        return Err(format!("the store changed{}", shown()));
    }
    Ok(())
}

#[test]
fn corpus_is_big_enough_and_well_formed() {
    let cases = load_cases();
    let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut names = std::collections::HashSet::new();
    for c in &cases {
        *per_kind.entry(c.kind.as_str()).or_default() += 1;
        assert!(
            names.insert(format!("{}/{}", c.kind, c.name)),
            "{}/{} twice",
            c.kind,
            c.name
        );
        assert!(
            !c.about.trim().is_empty(),
            "{}/{}: say what it is about",
            c.kind,
            c.name
        );
        assert!(
            c.exit == 0 || !c.json || c.code.is_some(),
            "{}/{}: a failing case names its error code",
            c.kind,
            c.name
        );
    }
    for kind in KINDS {
        let n = per_kind.get(kind).copied().unwrap_or(0);
        assert!(
            n >= MIN_PER_KIND,
            "{kind}: {n} cases, at least {MIN_PER_KIND} needed"
        );
    }
    assert!(
        cases.len() >= MIN_TOTAL,
        "{} cases, at least {MIN_TOTAL} needed",
        cases.len()
    );
}

#[test]
fn every_case_ends_as_expected() {
    let filter = std::env::var("CORPUS_FILTER").unwrap_or_default();
    // A filter `kind/…` reads only that kind's file.
    let kinds: Vec<&str> = match filter.split_once('/') {
        Some((kind, _)) => vec![kind],
        None => KINDS.to_vec(),
    };
    let cases: Vec<Case> = load_kinds(&kinds)
        .into_iter()
        .filter(|c| format!("{}/{}", c.kind, c.name).contains(&filter))
        .collect();
    let fx = fixtures();
    let next = AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        run_case(case, fx)
                    }))
                    .unwrap_or_else(|p| {
                        Err(format!(
                            "the case itself is broken: {}",
                            p.downcast_ref::<String>()
                                .cloned()
                                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_default()
                        ))
                    });
                    if let Err(e) = outcome {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("{}/{} ({}): {e}", case.kind, case.name, case.about));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Every command, run on the fixtures with its standard output closed by the reader (as
/// `setara … | head -0` does), ends with exit 0: a closed pipe is a normal end (finding 11).
/// Each leaf subcommand of the CLI must appear here, so a new command gets a case too.
#[test]
fn every_command_exits_0_on_a_closed_stdout() {
    let febrl = "{repo}/crates/setara-linkage/tests/data/febrl";
    let runs: &[(&str, &[&str])] = &[
        ("empty", &["demo", "--households", "2000"]),
        (
            "empty",
            &["generate", "--households", "200", "--out", "{work}/g"],
        ),
        (
            "registry",
            &["import", "{gen}/households.csv", "{gen}/persons.csv"],
        ),
        ("registry", &["snapshot"]),
        (
            "registry",
            &["household", "show", "{first_kk}", "--history"],
        ),
        (
            "registry",
            &[
                "household",
                "correct",
                "{first_kk}",
                "--field",
                "rt",
                "--value",
                "9",
                "--reason",
                "uji",
            ],
        ),
        ("empty", &["region", "32", "--children"]),
        ("empty", &["nik", "3204055708850003"]),
        ("ranked", &["stats"]),
        ("registry", &["verify"]),
        ("registry", &["dedup", "persons"]),
        (
            "empty",
            &[
                "dedup",
                "--input",
                "{febrl}/febrl1.csv",
                "--id",
                "rec_id",
                "--config",
                "{repo}/examples/linkage/febrl.toml",
                "--out",
                "{work}/dedup.csv",
            ],
        ),
        (
            "empty",
            &[
                "link",
                "--left",
                "{febrl}/febrl4a.csv",
                "--right",
                "{febrl}/febrl4b.csv",
                "--id",
                "rec_id",
                "--config",
                "{repo}/examples/linkage/febrl.toml",
                "--out",
                "{work}/pairs.csv",
            ],
        ),
        ("registry", &["review", "list"]),
        ("registry", &["review", "show", "1"]),
        (
            "registry",
            &["review", "decide", "1", "different", "--reason", "uji"],
        ),
        ("registry", &["review", "merges"]),
        ("registry", &["review", "unmerge", "1", "--reason", "uji"]),
        ("registry", &["rank"]),
        ("ranked", &["programme", "list"]),
        ("ranked", &["programme", "show", "PKH-JABAR"]),
        (
            "ranked",
            &[
                "programme",
                "create",
                "--file",
                "{repo}/examples/programmes/beasiswa-csr.toml",
            ],
        ),
        (
            "ranked",
            &[
                "programme",
                "edit",
                "PKH-JABAR",
                "--budget",
                "4000000000",
                "--reason",
                "uji",
            ],
        ),
        (
            "ranked",
            &["target", "--programme", "PKH-JABAR", "--preview"],
        ),
        (
            "ranked",
            &["target", "--programme", "PKH-JABAR", "--select"],
        ),
        (
            "ledger",
            &[
                "target",
                "--programme",
                "PKH-JABAR",
                "--export",
                "{work}/list.csv",
            ],
        ),
        (
            "ledger",
            &["explain", "--household", "{kk}", "--programme", "PKH-JABAR"],
        ),
        ("ledger", &["overlap"]),
        ("ledger", &["reach", "--programme", "PKH-JABAR"]),
        ("ledger", &["entitlement", "list"]),
        ("ledger", &["entitlement", "show", "{entitlement}"]),
        (
            "ledger",
            &[
                "entitlement",
                "transition",
                "{entitlement}",
                "--to",
                "received",
                "--reason",
                "uji",
            ],
        ),
        (
            "ledger",
            &["disburse", "--programme", "PKH-JABAR", "--cycle", "1"],
        ),
        (
            "ledger",
            &[
                "ledger",
                "fund",
                "--programme",
                "PKH-JABAR",
                "--kind",
                "donation",
                "--amount",
                "1000",
            ],
        ),
        ("ledger", &["ledger", "checkpoint"]),
        ("ledger", &["ledger", "prove", "--index", "0"]),
        (
            "ledger",
            &["ledger", "receipt", "--entitlement", "{entitlement}"],
        ),
        (
            "ledger",
            &["ledger", "verify-receipt", "{receipt}", "--vkey", "{vkey}"],
        ),
        ("ledger", &["ledger", "consistency", "--from", "1"]),
        ("ledger", &["ledger", "audit"]),
        (
            "ledger",
            &[
                "ledger",
                "return",
                "--entitlement",
                "{entitlement}",
                "--reason",
                "uji",
            ],
        ),
        (
            "ledger",
            &["ledger", "reverse", "--index", "1", "--reason", "uji"],
        ),
        (
            "ledger",
            &[
                "ledger",
                "return-funds",
                "--programme",
                "PKH-JABAR",
                "--amount",
                "1000",
            ],
        ),
        ("ledger", &["ledger", "vkey"]),
        ("ledger", &["backup", "{work}/backup"]),
        ("empty", &["restore", "{work}/backup"]),
    ];
    // Every leaf command of the CLI has a run above.
    use clap::CommandFactory;
    fn leaves(c: &clap::Command, prefix: &str, out: &mut Vec<String>) {
        let subs: Vec<_> = c
            .get_subcommands()
            .filter(|s| s.get_name() != "help")
            .collect();
        if subs.is_empty() {
            out.push(prefix.trim().to_string());
        }
        for s in subs {
            leaves(s, &format!("{prefix} {}", s.get_name()), out);
        }
    }
    let mut all = Vec::new();
    leaves(&setara::cli::Cli::command(), "", &mut all);
    for leaf in &all {
        let words: Vec<&str> = leaf.split(' ').collect();
        assert!(
            runs.iter().any(|(_, args)| args.starts_with(&words)),
            "no closed-stdout run for `setara {leaf}`"
        );
    }
    let fx = fixtures();
    let mut failures = Vec::new();
    // Each command twice, for people and with --json, each time on a fresh copy.
    for ((fixture, args), json) in runs.iter().flat_map(|r| [(r, false), (r, true)]) {
        let work_dir = tempfile::Builder::new()
            .prefix("closed-")
            .tempdir_in(&fx.root)
            .unwrap();
        let work = work_dir.path();
        let data = work.join("data");
        if *fixture != "empty" {
            copy_dir(&fx.root.join(fixture), &data);
        }
        copy_dir(&fx.root.join("gen"), &work.join("gen"));
        if *fixture == "ledger" {
            std::fs::copy(
                fx.root.join("ledger-receipt.json"),
                work.join("receipt.json"),
            )
            .unwrap();
        }
        // What some commands need first: pairs to review, a merge to undo, an entitlement
        // approved again to pay.
        let setup: &[&[&str]] = match (args[0], args.get(1).copied()) {
            ("review", Some("unmerge")) => &[
                &["dedup", "persons"],
                &["review", "decide", "1", "same", "--reason", "uji"],
            ],
            ("review", _) => &[&["dedup", "persons"]],
            ("disburse", _) => &[&[
                "ledger",
                "return",
                "--entitlement",
                "{entitlement}",
                "--reason",
                "uji",
            ]],
            _ => &[],
        };
        for step in setup {
            let step: Vec<String> = step.iter().map(|a| expand(a, work, fx)).collect();
            let refs: Vec<&str> = step.iter().map(String::as_str).collect();
            let o = setara(&data, work, &refs);
            if !o.status.success() {
                failures.push(format!(
                    "setup {step:?}: {}",
                    String::from_utf8_lossy(&o.stderr)
                ));
            }
        }
        if args[0] == "restore" {
            // A backup to restore from.
            let from = work.join("from");
            copy_dir(&fx.root.join("ledger"), &from);
            let o = setara(
                &from,
                work,
                &["backup", work.join("backup").to_str().unwrap()],
            );
            if !o.status.success() {
                failures.push(format!("backup: {}", String::from_utf8_lossy(&o.stderr)));
            }
        }
        let args: Vec<String> = args
            .iter()
            .map(|a| expand(&a.replace("{febrl}", febrl), work, fx))
            .collect();
        let mut cmd = Command::new(bin());
        cmd.args(&args)
            .arg("--data-dir")
            .arg(&data)
            .env("SETARA_LANG", "en")
            .env("SETARA_ACTOR", "corpus")
            .env_remove("SETARA_STORE")
            .env_remove("SETARA_DATA_DIR")
            .current_dir(work)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if json {
            cmd.arg("--json");
        }
        let mut child = cmd.spawn().unwrap();
        // The reader goes away before the command writes anything.
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        if status.code() != Some(0) {
            failures.push(format!("{args:?} (json: {json}): {status:?}\n{err}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
