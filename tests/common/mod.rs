//! What the end-to-end tests share: a data directory built once per test binary and copied for
//! each test that uses it, so that an expensive registry (a 20,000-household demo, ranked, with
//! a frozen selection) is built once instead of once per test; and the one way they run the
//! `setara` binary and read what it answered.

#![allow(dead_code)] // each test binary uses part of it

mod fixture;
pub mod registry;

use std::path::Path;
use std::process::{Command, Output};

#[allow(unused_imports)]
pub use fixture::{copied, copy_tree};

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
