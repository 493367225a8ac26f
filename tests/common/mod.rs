//! What the end-to-end tests share: a data directory built once per test binary and copied for
//! each test that uses it, so that an expensive registry (a 20,000-household demo, ranked, with
//! a frozen selection) is built once instead of once per test; and the one way they run the
//! `setara` binary and read what it answered.

#![allow(dead_code)] // each test binary uses part of it

use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

/// A directory built once per test binary by `build` (with a value, such as how many
/// households were selected), copied whole into a new temporary directory for each caller:
/// every test changes its own copy.
pub fn copied<T: Clone + Send + Sync>(
    cell: &'static OnceLock<(tempfile::TempDir, T)>,
    build: impl FnOnce() -> (tempfile::TempDir, T),
) -> (tempfile::TempDir, T) {
    let (built, value) = cell.get_or_init(build);
    let copy = tempfile::tempdir().expect("a temporary directory");
    copy_tree(built.path(), copy.path()).expect("copy the shared fixture");
    (copy, value.clone())
}

/// Copy a directory tree (files and folders; Setara's data directories hold nothing else).
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Run the `setara` binary in `cwd` on the data directory `data`, in language `lang` (`id` or
/// `en`), as the actor `petugas-uji`; the caller's `SETARA_STORE` and `SETARA_DATA_DIR` do not
/// leak in.
pub fn setara(cwd: &Path, data: &Path, lang: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_setara"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("SETARA_LANG", lang)
        .env("SETARA_ACTOR", "petugas-uji")
        .env_remove("SETARA_STORE")
        .env_remove("SETARA_DATA_DIR")
        .current_dir(cwd)
        .output()
        .expect("run setara")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited, not killed")
}

/// The error code a `--json` run failed with: `error.code` of the last line of stdout.
pub fn error_code(o: &Output) -> Option<String> {
    let out = stdout(o);
    let v: serde_json::Value = serde_json::from_str(out.lines().last()?).ok()?;
    v["error"]["code"].as_str().map(str::to_string)
}

/// Run with `--json` added; assert the exit code `exit` and the error code `code`; return
/// stderr (for what a message must name: a file, a line, a value).
pub fn fails_with(
    cwd: &Path,
    data: &Path,
    lang: &str,
    args: &[&str],
    exit: i32,
    code_: &str,
) -> String {
    let mut all = args.to_vec();
    all.push("--json");
    let o = setara(cwd, data, lang, &all);
    let (out, err) = (stdout(&o), stderr(&o));
    assert_eq!(code(&o), exit, "{args:?}: {out}{err}");
    assert_eq!(
        error_code(&o).as_deref(),
        Some(code_),
        "{args:?}: {out}{err}"
    );
    err
}
