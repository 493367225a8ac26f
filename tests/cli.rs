//! The `setara` binary itself, where the command line is what matters: usage errors (exit 2)
//! and messages in the language asked for, `--scope` on commands that do not honour it, what
//! `import`, `household show` and `correct` print, region lookups (the `region` command is the
//! binary's own), the demo end to end, `stats` ending normally on a closed pipe and the
//! documented linkage commands run as written. Every test runs the real binary in its own
//! temporary data directory.
//!
//! What the operations do (import and its rejects, corrections, history, the access log,
//! scope, verify, statistics, linkage, the review queue) is tested in process in
//! `crates/setara-app/tests/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    fn new() -> TestDir {
        TestDir {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn data_dir(&self) -> PathBuf {
        self.path("data")
    }

    /// Run `setara` with the data dir, a fixed actor and language `lang`.
    fn run_lang(&self, lang: &str, args: &[&str]) -> Output {
        common::setara(self.dir.path(), &self.data_dir(), lang, args)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_lang("id", args)
    }
}

use common::{code, error_code, stderr, stdout};

const HOUSEHOLDS: &str = "kk,region,address,rt,rw,declared_size,floor,asset_motorcycle,consumption_per_capita,survey_weight\n\
1101010101200001,11.01.01.2001,Jl. Merdeka 5,3,1,2,ceramic,1,750000,120.5\n\
1101010101200002,11.01.01.2002,,,,1,earth,0,,\n";

const PERSONS: &str = "nik,kk,name,sex,birth_date,relation,education\n\
1101011203800001,1101010101200001,Budi Santoso,L,1980-03-12,head,senior_secondary\n\
1101015708850003,1101010101200001,Siti Aminah,P,17/08/1985,spouse,primary\n\
1101011506700001,1101010101200002,Sutrisno,L,15-06-1970,head,\n";

/// What `import`, `household show` and `household correct` print: the JSON of a household
/// (every field in the files' text form, the region's path by name, provenance), a correction
/// by a field's Indonesian name, the history as lines, and a failed import's one JSON document
/// with exit 1.
#[test]
fn import_show_correct_as_printed() {
    let t = TestDir::new();
    t.write("h.csv", HOUSEHOLDS);
    t.write("p.csv", PERSONS);
    let o = t.run(&["import", "h.csv", "p.csv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = t.run(&["--json", "household", "show", "1101010101200001"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["household"]["floor"], "ceramic");
    assert_eq!(v["household"]["consumption_per_capita"], "750000");
    assert_eq!(v["household"]["address"], "Jl. Merdeka 5");
    assert_eq!(v["members"].as_array().unwrap().len(), 2);
    assert_eq!(v["members"][1]["fields"]["birth_date"], "1985-08-17");
    assert_eq!(v["provenance"]["file"], "h.csv");
    assert_eq!(v["provenance"]["row"], 2);
    assert_eq!(v["region_path"][3]["name"], "Keude Bakongan");
    assert!(v["history"].is_null(), "history only with --history");

    let o = t.run(&[
        "household",
        "correct",
        "1101010101200001",
        "--field",
        "lantai",
        "--value",
        "tanah",
        "--reason",
        "kunjungan 2026-11-20",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = t.run_lang(
        "en",
        &["household", "show", "1101010101200001", "--history"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    let change = text
        .lines()
        .find(|l| l.contains("floor: ceramic → earth"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        change.contains("petugas-uji") && change.contains("kunjungan 2026-11-20"),
        "{change}"
    );
    // A refused correction and an unknown household: exit 1 with the error's code.
    let o = t.run(&[
        "--json",
        "household",
        "correct",
        "1101010101200001",
        "--field",
        "kk",
        "--value",
        "1101010101200009",
        "--reason",
        "x",
    ]);
    assert_eq!(
        (code(&o), error_code(&o).as_deref()),
        (1, Some("field_not_editable"))
    );
    let o = t.run(&["--json", "household", "show", "1101010101209999"]);
    assert_eq!(
        (code(&o), error_code(&o).as_deref()),
        (1, Some("household_not_found"))
    );

    // A rolled-back import: exit 1, one JSON document with the error and every rejection.
    t.write("bad.csv", HOUSEHOLDS.replace("ceramic", "lava"));
    let o = t.run(&["--json", "import", "bad.csv", "p.csv"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "--json prints one JSON document");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["code"], "import_invalid_rows");
    assert_eq!(v["rejections"][0]["code"], "code_unknown");
    assert_eq!(v["rejections"][0]["row"], 2);
    assert!(PathBuf::from(v["rejects_file"].as_str().unwrap()).exists());
}

/// `setara region`: by code, by name, the BPS crosswalk; an unknown code is exit 1.
#[test]
fn region_lookups() {
    let t = TestDir::new();
    let o = t.run(&["--json", "region", "3204"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["name"], "Kabupaten Bandung");
    assert_eq!(v[0]["level"], "regency");
    let o = t.run(&["--json", "region", "kota bandung"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["code"], "32.73");
    let o = t.run(&["--json", "region", "--crosswalk"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 38);
    let o = t.run(&["--json", "region", "99.99"]);
    assert_eq!(
        (code(&o), error_code(&o).as_deref()),
        (1, Some("region_not_found"))
    );
}

#[test]
fn usage_errors_exit_2_and_languages_follow_the_flag() {
    let t = TestDir::new();
    let o = t.run(&["import"]);
    assert_eq!(code(&o), 2);
    let o = t.run(&["no-such-command"]);
    assert_eq!(code(&o), 2);
    let o = t.run(&["--lang", "fr", "region", "32"]);
    assert_eq!(code(&o), 2);
    // Flags the application layer refuses are usage errors too: a map needs provinces, a
    // measure must exist.
    let o = t.run(&["--json", "stats", "--by", "regency", "--map", "x.svg"]);
    assert_eq!(
        (code(&o), error_code(&o).as_deref()),
        (2, Some("stats_map_provinces"))
    );
    let o = t.run(&["--json", "stats", "--measure", "happiness"]);
    assert_eq!(
        (code(&o), error_code(&o).as_deref()),
        (2, Some("stats_unknown_measure"))
    );
    let id = t.run_lang("id", &["household", "show", "1234"]);
    let en = t.run_lang("en", &["household", "show", "1234"]);
    assert_eq!((code(&id), code(&en)), (1, 1));
    assert!(stderr(&id).contains("KK harus 16 digit"), "{}", stderr(&id));
    assert!(
        stderr(&en).contains("KK must have 16 digits"),
        "{}",
        stderr(&en)
    );
    let en = Command::new(env!("CARGO_BIN_EXE_setara"))
        .args(["--lang", "en", "nik", "1234"])
        .env("SETARA_LANG", "id")
        .output()
        .unwrap();
    assert!(
        stderr(&en).contains("must have 16 digits"),
        "--lang wins over SETARA_LANG"
    );
}

/// `--scope REGION` is checked by the command line: a command that does not limit itself to a
/// region refuses it (exit 2), and the region must exist (exit 1). What a scope limits is
/// tested in process (crates/setara-app/tests/registry.rs and others).
#[test]
fn the_scope_flag_is_refused_where_it_is_not_honoured() {
    let t = TestDir::new();
    let o = t.run(&["--json", "--scope", "11.01.01", "backup", "kopi"]);
    assert_eq!(
        (code(&o), error_code(&o).as_deref()),
        (2, Some("scope_unsupported"))
    );
    let o = t.run(&[
        "--json",
        "--scope",
        "99.99",
        "household",
        "show",
        "1101010101200001",
    ]);
    assert_eq!(
        (code(&o), error_code(&o).as_deref()),
        (1, Some("region_not_found"))
    );
}

#[test]
fn demo_runs_end_to_end_and_only_replaces_its_own_data() {
    let t = TestDir::new();
    let o = t.run(&["--json", "demo", "--households", "4000", "--seed", "3"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = v["provinces"].as_array().unwrap();
    assert_eq!(rows.len(), 39, "38 provinces and the nation");
    let nation = &rows[38];
    assert_eq!(nation["name"], "INDONESIA");
    assert_eq!(nation["households"], 4000);
    assert_eq!(v["snapshot"]["households"], 4000);
    assert_eq!(v["import"]["households_added"], 4000);
    assert!(nation["surveyed"].as_u64().unwrap() >= 350);
    let gini = nation["measures"]["gini"].as_f64().unwrap();
    assert!((0.3..0.5).contains(&gini), "{gini}");
    assert!(nation["se"]["gini"].as_f64().unwrap() > 0.0);
    assert!(nation["measures"]["fgt0"].as_f64().unwrap() > 0.0);
    // Provinces with fewer than 10 surveyed households are suppressed, never printed.
    for r in rows {
        if r["surveyed"].as_u64().unwrap() < 10 {
            assert_eq!(r["suppressed"], true);
            assert!(r["measures"].as_object().unwrap().is_empty());
        }
    }
    // The store is left for the other commands.
    let o = t.run(&["--json", "snapshot"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let s: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        s["hash"], v["snapshot"]["hash"],
        "the same registry gives the same snapshot"
    );
    // A second demo replaces the first; a data dir that the demo did not create is refused.
    let o = t.run(&["--quiet", "demo", "--households", "500"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    std::fs::create_dir_all(t.path("mine")).unwrap();
    std::fs::write(t.path("mine/setara.sqlite"), b"precious").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_setara"))
        .args(["demo", "--households", "100", "--data-dir"])
        .arg(t.path("mine"))
        .output()
        .unwrap();
    assert_eq!(code(&o), 1);
    assert_eq!(
        std::fs::read(t.path("mine/setara.sqlite")).unwrap(),
        b"precious"
    );
}

/// The reference data of the statistics crate (10,000 rows).
fn reference_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/setara-stats/tests/data/ineq/data_lognormal_n10000_seed42.csv")
}

/// Finding 11 of issue 10: `setara stats … | head -1` panicked on the broken pipe (exit 101).
/// With stdout closed after its first bytes (10,000 groups make far more output than a pipe
/// holds), every form of the output ends with exit 0 and still writes its files.
#[test]
fn stats_end_normally_on_a_closed_pipe() {
    use std::io::Read;
    use std::process::Stdio;
    let t = TestDir::new();
    let csv = reference_csv();
    for (i, json) in [false, true].into_iter().enumerate() {
        let out = format!("out{i}.csv");
        let mut args = vec![
            "stats",
            "--input",
            csv.to_str().unwrap(),
            "--value",
            "income",
            "--group",
            "id",
            "--csv",
            &out,
        ];
        if json {
            args.insert(0, "--json");
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_setara"))
            .args(&args)
            .current_dir(t.path(""))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read a little, then close the pipe, as `head -c 100` does.
        let mut first = [0u8; 100];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
        assert!(t.path(&out).exists());
    }
}

/// The words of a shell command line: spaces separate, double quotes group.
fn shell_words(line: &str) -> Vec<String> {
    let (mut words, mut word, mut quoted, mut any) = (Vec::new(), String::new(), false, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

/// Issue 10, finding 15: every `setara` command in the shell blocks of docs/dedup.md and
/// docs/linkage.md runs as written, in order, on the files it names (the repository's
/// `examples/` and FEBRL data are linked into the working directory at the same paths). The
/// documented `dedup --input g/persons.csv --id nik --config …persons.toml` failed before on
/// a generated persons.csv (a NIK on several rows).
#[cfg(unix)]
#[test]
fn documented_linkage_commands_work_as_written() {
    let t = TestDir::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::os::unix::fs::symlink(root.join("examples"), t.path("examples")).unwrap();
    std::fs::create_dir_all(t.path("crates/setara-linkage/tests")).unwrap();
    std::os::unix::fs::symlink(
        root.join("crates/setara-linkage/tests/data"),
        t.path("crates/setara-linkage/tests/data"),
    )
    .unwrap();
    let mut ran = 0;
    for doc in ["docs/dedup.md", "docs/linkage.md"] {
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        let mut in_sh = false;
        for line in text.lines() {
            match line.trim() {
                "```sh" => in_sh = true,
                "```" => in_sh = false,
                l if in_sh && l.starts_with("setara ") => {
                    let words = shell_words(l);
                    let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
                    let o = t.run_lang("en", &args);
                    assert_eq!(code(&o), 0, "{doc}: `{l}`: {}", stderr(&o));
                    ran += 1;
                }
                l => assert!(!in_sh || l.is_empty() || l.starts_with('#'), "{doc}: {l}"),
            }
        }
    }
    assert!(ran >= 14, "only {ran} documented commands");
    // The generated persons.csv repeats NIKs: the pairs name the rows.
    let pairs = std::fs::read_to_string(t.path("pairs.csv")).unwrap();
    assert!(pairs.starts_with("id_left,id_right,row_left,row_right,match,"));
    assert!(
        pairs
            .lines()
            .skip(1)
            .any(|l| l.split(',').next() == l.split(',').nth(1))
    );
}
