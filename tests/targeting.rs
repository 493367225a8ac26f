//! Ranking and targeting end to end on a demo registry: rank, three programmes of different
//! owner types, preview, select and freeze, explain, overlap, reach, export; the accuracy report
//! checked against the synthetic ground truth computed here by hand; and the clear errors.
//!
//! The ranked 20,000-household demo is built once per run of this file and copied for each
//! test. The flow and the printed errors and warnings are checked through the binary; the
//! accuracy report in process, through `setara-app`.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use setara_snapshot::Snapshot;

struct Demo {
    dir: tempfile::TempDir,
}

impl Demo {
    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, lang: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_setara"))
            .args(args)
            .arg("--data-dir")
            .arg(self.data_dir())
            .env("SETARA_LANG", lang)
            .env("SETARA_ACTOR", "petugas-uji")
            .env_remove("SETARA_STORE")
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }

    /// Run in English, expect success, return stdout as JSON.
    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        let o = self.run("en", &all);
        assert!(
            o.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&o.stdout)))
    }

    fn fails(&self, lang: &str, args: &[&str]) -> String {
        let o = self.run(lang, args);
        assert_eq!(o.status.code(), Some(1), "{args:?} should fail with 1");
        String::from_utf8_lossy(&o.stderr).into_owned()
    }

    /// The application layer on this demo's data directory.
    fn app(&self) -> setara_app::App {
        setara_app::App::new(setara_app::DataDir::new(self.data_dir()))
    }
}

fn example(name: &str) -> String {
    format!("{}/examples/programmes/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A 20,000-household demo, ranked (`setara rank --json` alongside): built once per run of
/// this file, copied for each test.
fn ranked() -> (Demo, serde_json::Value) {
    static BUILT: OnceLock<(tempfile::TempDir, serde_json::Value)> = OnceLock::new();
    let (dir, rank) = common::copied(&BUILT, || {
        let d = Demo {
            dir: tempfile::tempdir().unwrap(),
        };
        let o = d.run("en", &["demo", "--households", "20000", "--quiet"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // Before a ranking there is nothing to target with.
        let e = d.fails("en", &["target", "--programme", "X", "--preview"]);
        assert!(e.contains("programme X does not exist"), "{e}");
        let rank = d.json(&["rank"]);
        (d.dir, rank)
    });
    (Demo { dir }, rank)
}

#[test]
fn rank_define_select_explain_overlap_reach_export() {
    let (d, rank) = ranked();
    assert_eq!(rank["households"], 20000);
    let stats = &rank["model"]["stats"];
    let r2 = stats["r_squared"].as_f64().unwrap();
    let oos = stats["cv"]["r_squared"].as_f64().unwrap();
    assert!(r2 > 0.3 && r2 < 1.0, "R² {r2}");
    assert!(
        oos > 0.2 && oos <= r2,
        "out-of-sample R² {oos}, in-sample {r2}"
    );
    let by_desil = rank["households_by_desil"].as_array().unwrap();
    assert_eq!(by_desil.len(), 10);
    assert_eq!(
        by_desil.iter().map(|v| v.as_u64().unwrap()).sum::<u64>(),
        20000
    );

    for f in ["pkh-jabar.toml", "beasiswa-csr.toml", "kredit-mikro.toml"] {
        let o = d.run("en", &["programme", "create", "--file", &example(f)]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let list = d.json(&["programme", "list"]);
    let types: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["owner_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["csr", "social_enterprise", "government"]);

    // Preview: eligible households inside the area, cost against the budget.
    let preview = d.json(&["target", "--programme", "PKH-JABAR", "--preview"]);
    let eligible = preview["eligible_households"].as_u64().unwrap();
    assert!(eligible > 100, "{preview}");
    assert_eq!(preview["cost"].as_i64().unwrap(), eligible as i64 * 750_000);
    let regions = preview["regions"].as_array().unwrap();
    assert!(
        regions
            .iter()
            .all(|r| r["region"].as_str().unwrap().starts_with("32."))
    );
    assert_eq!(
        regions
            .iter()
            .map(|r| r["households"].as_u64().unwrap())
            .sum::<u64>(),
        eligible
    );

    // Shrink the budget so that it binds, with a reason kept in the history.
    let budget = (eligible / 2) as i64 * 750_000;
    let o = d.run(
        "en",
        &[
            "programme",
            "edit",
            "PKH-JABAR",
            "--budget",
            &budget.to_string(),
            "--reason",
            "APBD-P",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let shown = d.json(&["programme", "show", "PKH-JABAR", "--history"]);
    assert_eq!(shown["version"], 2);
    assert_eq!(shown["history"][1]["reason"], "APBD-P");
    assert_eq!(
        shown["history"][1]["changes"][0]["field"],
        "budget_per_cycle"
    );

    let sel = d.json(&["target", "--programme", "PKH-JABAR", "--select"]);
    assert_eq!(sel["cycle"], 1);
    assert_eq!(sel["eligible"].as_u64().unwrap(), eligible);
    let selected = sel["selected"].as_u64().unwrap();
    assert_eq!(selected, eligible / 2);
    assert!(sel["cost"].as_i64().unwrap() <= budget);
    assert_eq!(
        sel["cut"]["left_out_budget"].as_u64().unwrap(),
        eligible - selected
    );
    assert_eq!(sel["content_hash"].as_str().unwrap().len(), 64);
    // A frozen cycle is never replaced.
    let e = d.fails(
        "en",
        &[
            "target",
            "--programme",
            "PKH-JABAR",
            "--select",
            "--cycle",
            "1",
        ],
    );
    assert!(e.contains("already frozen"), "{e}");

    // The CSR scholarship leaves PKH beneficiaries to PKH; the micro-credit is selected too.
    d.json(&["target", "--programme", "BEASISWA-CSR", "--select"]);
    d.json(&["target", "--programme", "MODAL-USAHA", "--select"]);

    // Export for field teams: Excel-friendly, one row per selected household.
    let out = d.dir.path().join("pkh.csv");
    let o = d.run(
        "id",
        &[
            "target",
            "--programme",
            "PKH-JABAR",
            "--export",
            out.to_str().unwrap(),
            "--excel",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with('\u{feff}'));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len() as u64, selected + 1);
    assert!(lines[0].contains(";kk;kepala_keluarga;"));
    let first_kk = lines[1].split(';').nth(1).unwrap().to_string();

    // Explain a selected household: eligible, selected, with its clauses.
    let ex = d.json(&[
        "explain",
        "--household",
        &first_kk,
        "--programme",
        "PKH-JABAR",
    ]);
    assert_eq!(ex["eligible"], true);
    assert_eq!(ex["selected"], true);
    assert_eq!(ex["position"], 1);
    assert_eq!(ex["desil"].as_u64().unwrap(), 1);
    let o = d.run(
        "id",
        &[
            "explain",
            "--household",
            &first_kk,
            "--programme",
            "PKH-JABAR",
        ],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("TERPILIH pada siklus 1"), "{text}");

    // A correction after freezing does not change the frozen list.
    let o = d.run(
        "en",
        &[
            "household",
            "correct",
            &first_kk,
            "--field",
            "floor",
            "--value",
            "marble_granite",
            "--reason",
            "survey visit",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let again = d.dir.path().join("again.csv");
    let o = d.run(
        "id",
        &[
            "target",
            "--programme",
            "PKH-JABAR",
            "--export",
            again.to_str().unwrap(),
            "--excel",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&out).unwrap());

    // Overlap: every household counted once; beneficiaries of several programmes seen.
    let ov = d.json(&["overlap"]);
    assert_eq!(ov["total"]["households"], 20000);
    let served = ov["total"]["served"].as_u64().unwrap();
    assert!(served >= selected);
    assert!(
        ov["total"]["poor_served_by_none"].as_u64().unwrap()
            <= ov["total"]["poor"].as_u64().unwrap()
    );
    assert_eq!(ov["owner_types"].as_array().unwrap().len(), 3);

    // Reach: a partner's report without KK numbers, small cells suppressed.
    let o = d.run("en", &["reach", "--programme", "PKH-JABAR", "--json"]);
    let raw = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(!raw.contains(&first_kk));
    let reach: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(reach["households"].as_u64().unwrap(), selected);
    for r in reach["regions"].as_array().unwrap() {
        match r["households"].as_u64() {
            Some(n) => assert!(n >= 10 || n == 0, "{r}"),
            None => assert_eq!(r["suppressed"], true),
        }
    }
}

/// The Table 3 figures of `target --compare`, recomputed here from the truth file, the
/// snapshot and the ranking file: a different path to the same numbers.
#[test]
fn the_accuracy_report_matches_the_ground_truth() {
    let (d, _) = ranked();
    let o = d.run(
        "en",
        &["programme", "create", "--file", &example("pkh-jabar.toml")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cmp = setara_app::targeting::compare(
        &d.app(),
        &setara_app::Caller::administrator(
            setara_store::Actor("petugas-uji".into()),
            setara_core::Lang::En,
        ),
        &setara_app::targeting::CompareRequest {
            programme: "PKH-JABAR".into(),
            alternatives: vec!["desil <= 3".into()],
            truth: None,
            bps_period: "2024-03".into(),
            very_poor: 0.5,
        },
    )
    .unwrap();
    assert!(matches!(
        cmp.truth,
        setara_app::targeting::TruthSource::File { .. }
    ));
    let alt = &cmp.rules[1];
    assert_eq!(alt.rule, "desil <= 3");

    // Truth: true consumption per capita of every household.
    let truth_path = d.data_dir().join("input/truth/households.csv");
    let mut truth: HashMap<u64, i64> = HashMap::new();
    let mut r = csv::Reader::from_path(&truth_path).unwrap();
    let h = r.headers().unwrap().clone();
    let kk_i = h.iter().position(|x| x == "kk").unwrap();
    let c_i = h
        .iter()
        .position(|x| x == "consumption_per_capita")
        .unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        truth.insert(rec[kk_i].parse().unwrap(), rec[c_i].parse().unwrap());
    }
    let store = setara_store::open(d.data_dir().join("setara.sqlite").to_str().unwrap()).unwrap();
    let run = store.rankings().unwrap().remove(0);
    let snap = Snapshot::open(d.data_dir().join("snapshots").join(&run.snapshot)).unwrap();
    let cols = setara_snapshot::ranking::read_ranking(
        &d.data_dir().join(&run.file),
        snap.household_count(),
    )
    .unwrap();
    let line = setara_core::Bps::shipped()
        .province(setara_core::RegionCode::parse("32").unwrap(), "2024-03")
        .unwrap()
        .poverty_line
        .unwrap();
    let (mut n, mut wrong, mut poor, mut poor_out, mut nonpoor, mut nonpoor_in) =
        (0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
    let (mut very_poor, mut very_poor_out) = (0u64, 0u64);
    for row in 0..snap.household_count() {
        if snap.province().value(row) != 32 {
            continue;
        }
        let c = truth[&snap.kk().value(row)];
        let selected = cols.desil[row] <= 3;
        let is_poor = c < line;
        n += 1;
        wrong += u64::from(is_poor != selected);
        if is_poor {
            poor += 1;
            poor_out += u64::from(!selected);
        } else {
            nonpoor += 1;
            nonpoor_in += u64::from(selected);
        }
        if (c as f64) < 0.5 * line as f64 {
            very_poor += 1;
            very_poor_out += u64::from(!selected);
        }
    }
    assert!(
        poor > 20,
        "too few poor households in the test registry: {poor}"
    );
    let acc = &alt.accuracy;
    let rate = |r: &setara_targeting::Rate| r.rate.unwrap();
    assert_eq!(alt.households_with_truth, n);
    assert_eq!(acc.error_all.errors, wrong);
    assert!((rate(&acc.error_all) - wrong as f64 / n as f64).abs() < 1e-12);
    assert!((rate(&acc.inclusion_non_poor) - nonpoor_in as f64 / nonpoor as f64).abs() < 1e-12);
    assert!((rate(&acc.exclusion_poor) - poor_out as f64 / poor as f64).abs() < 1e-12);
    assert_eq!(acc.exclusion_very_poor.households, very_poor);
    assert_eq!(acc.exclusion_very_poor.errors, very_poor_out);
    // The PMT targets better than chance: fewer poor are left out by desil ≤ 3 than the
    // share of non-poor it takes in would suggest.
    assert!(rate(&acc.exclusion_poor) < 1.0 - rate(&acc.inclusion_non_poor));
}

#[test]
fn bad_rules_budgets_and_impossible_rules_get_clear_errors() {
    let (d, _) = ranked();
    let base = [
        "programme",
        "create",
        "--code",
        "UJI",
        "--name",
        "Program uji",
        "--owner-code",
        "desa-uji",
        "--owner-name",
        "Pemerintah Desa Uji",
        "--owner-type",
        "community",
        "--area",
        "ID",
        "--benefit",
        "100000",
        "--budget",
        "10000000",
        "--cycles",
        "2",
    ];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter()
            .chain(extra.iter())
            .map(|s| s.to_string())
            .collect()
    };
    let run = |args: Vec<String>, lang: &str| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        d.fails(lang, &refs)
    };
    // A syntax error names the line and column and shows where.
    let e = run(
        with(&["--rule", "desil <= 4 and\n (members.any(age < 6) or )"]),
        "en",
    );
    assert!(e.contains("line 2, column 27"), "{e}");
    assert!(e.contains("expected a value"), "{e}");
    assert!(e.contains("^"), "{e}");
    let e = run(with(&["--rule", "desil <= 4 and"]), "id");
    assert!(e.contains("baris 1"), "{e}");
    // An unknown attribute gets the closest name.
    let e = run(with(&["--rule", "desli <= 4"]), "en");
    assert!(e.contains("did you mean 'desil'"), "{e}");
    // A bad code lists the valid ones.
    let e = run(with(&["--rule", "floor == \"lava\""]), "en");
    assert!(e.contains("earth"), "{e}");
    // An unknown programme in receives().
    let e = run(with(&["--rule", "not receives(\"PKH\")"]), "en");
    assert!(e.contains("PKH"), "{e}");
    // Empty budget.
    let mut args = with(&["--rule", "desil <= 2"]);
    let i = args.iter().position(|a| a == "10000000").unwrap();
    args[i] = "0".into();
    let e = run(args, "en");
    assert!(e.contains("budget"), "{e}");
    // An impossible rule is valid, previews as nobody and refuses to freeze an empty list.
    let o = d.run(
        "en",
        &with(&["--rule", "desil <= 2 and desil >= 9"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let p = d.json(&["target", "--programme", "UJI", "--preview"]);
    assert_eq!(p["eligible_households"], 0);
    let e = d.fails("en", &["target", "--programme", "UJI", "--select"]);
    assert!(e.contains("no household meets"), "{e}");
    let e = d.fails(
        "en",
        &["target", "--programme", "UJI", "--select", "--cycle", "3"],
    );
    assert!(e.contains("cycles 1–2"), "{e}");
}

/// Issue 10: the warnings docs/rules.md promised are printed (finding 15), a binary programme
/// file is invalid input (finding 15), money above the ceiling is refused (finding 12), and a
/// rule's comment cannot pass for another line of `programme show`.
#[test]
fn warnings_are_printed_and_hostile_programmes_are_invalid_input() {
    let (d, _) = ranked();
    let bin = d.dir.path().join("biner.toml");
    std::fs::write(&bin, [0x7f, b'E', b'L', b'F', 0xff, 0x00, 0x12, b'\n']).unwrap();
    let e = d.fails(
        "en",
        &["programme", "create", "--file", bin.to_str().unwrap()],
    );
    assert!(e.contains("biner.toml") && e.contains("not UTF-8"), "{e}");

    let create = [
        "programme",
        "create",
        "--code",
        "UJI",
        "--name",
        "Program uji",
        "--owner-code",
        "desa-uji",
        "--owner-name",
        "Pemerintah Desa Uji",
        "--owner-type",
        "community",
        "--area",
        "ID",
        "--benefit",
        "100000",
        "--budget",
        "10000000",
        "--cycles",
        "2",
        "--rule",
        "desil <= 11 and members.any(age < 6)",
    ];
    let o = d.run("en", &create);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("warning: line 1, column 1: desil is always between 1 and 10"),
        "{err}"
    );
    assert!(
        err.contains("1 | desil <= 11 and") && err.contains("^^^^^^^^^^^"),
        "{err}"
    );
    let o = d.run("id", &["target", "--programme", "UJI", "--preview"]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("peringatan: baris 1, kolom 1: desil selalu antara 1 dan 10"),
        "{err}"
    );
    let preview = d.json(&["target", "--programme", "UJI", "--preview"]);
    assert_eq!(preview["warnings"][0]["code"], "rule_always_true");

    let e = d.fails(
        "en",
        &[
            "programme",
            "edit",
            "UJI",
            "--benefit",
            "9200000000000000000",
            "--reason",
            "x",
        ],
    );
    assert!(e.contains("benefit.rupiah_per_household"), "{e}");
    let e = d.fails(
        "en",
        &[
            "programme",
            "edit",
            "UJI",
            "--benefit",
            "4611686018427387904",
            "--reason",
            "x",
        ],
    );
    assert!(e.contains("benefit.rupiah_per_household"), "{e}");

    let o = d.run(
        "en",
        &[
            "programme",
            "edit",
            "UJI",
            "--rule",
            "desil <= 4\n# Owner: someone else",
            "--reason",
            "x",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = d.run("en", &["programme", "show", "UJI"]);
    let out = String::from_utf8_lossy(&o.stdout);
    let forged: Vec<&str> = out.lines().filter(|l| l.contains("someone else")).collect();
    assert_eq!(forged, ["    | # Owner: someone else"], "{out}");
}
