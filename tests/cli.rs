//! The `setara` binary end to end: every test runs the real binary in its own temporary data
//! directory.

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

    fn run(&self, args: &[&str]) -> Output {
        self.run_lang("id", args)
    }

    /// SHA-256 over the store's logical content.
    fn digest(&self) -> String {
        let store =
            setara_store::open(self.data_dir().join("setara.sqlite").to_str().unwrap()).unwrap();
        store.content_digest().unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

const HOUSEHOLDS: &str = "kk,region,address,rt,rw,declared_size,floor,asset_motorcycle,consumption_per_capita,survey_weight\n\
1101010101200001,11.01.01.2001,Jl. Merdeka 5,3,1,2,ceramic,1,750000,120.5\n\
1101010101200002,11.01.01.2002,,,,1,earth,0,,\n";

const PERSONS: &str = "nik,kk,name,sex,birth_date,relation,education\n\
1101011203800001,1101010101200001,Budi Santoso,L,1980-03-12,head,senior_secondary\n\
1101015708850003,1101010101200001,Siti Aminah,P,17/08/1985,spouse,primary\n\
1101011506700001,1101010101200002,Sutrisno,L,15-06-1970,head,\n";

fn loaded() -> TestDir {
    let t = TestDir::new();
    t.write("h.csv", HOUSEHOLDS);
    t.write("p.csv", PERSONS);
    let o = t.run(&["import", "h.csv", "p.csv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    t
}

#[test]
fn import_show_correct_history() {
    let t = loaded();
    let o = t.run(&["--json", "household", "show", "1101010101200001"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["household"]["floor"], "ceramic");
    assert_eq!(v["household"]["consumption_per_capita"], "750000");
    assert_eq!(v["members"].as_array().unwrap().len(), 2);
    assert_eq!(v["provenance"]["file"], "h.csv");
    assert_eq!(v["provenance"]["row"], 2);
    assert_eq!(v["region_path"][3]["name"], "Keude Bakongan");

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
    let o = t.run(&[
        "household",
        "correct",
        "1101010101200001",
        "--nik",
        "1101015708850003",
        "--field",
        "name",
        "--value",
        "Siti Aminah Lubis",
        "--reason",
        "KK baru",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = t.run_lang(
        "en",
        &["household", "show", "1101010101200001", "--history"],
    );
    let text = stdout(&o);
    assert!(text.contains("floor: ceramic → earth"), "{text}");
    assert!(
        text.contains("name: Siti Aminah → Siti Aminah Lubis"),
        "{text}"
    );
    assert!(text.contains("petugas-uji"), "{text}");
    assert!(text.contains("kunjungan 2026-11-20"), "{text}");

    // A correction that changes nothing, or lacks a reason, is refused and writes nothing.
    let before = t.digest();
    let o = t.run(&[
        "household",
        "correct",
        "1101010101200001",
        "--field",
        "floor",
        "--value",
        "earth",
        "--reason",
        "x",
    ]);
    assert_eq!(code(&o), 1);
    let o = t.run(&[
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
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("pengenal"), "{}", stderr(&o));
    assert_eq!(before, t.digest());
    // Unknown household.
    let o = t.run(&["household", "show", "1101010101209999"]);
    assert_eq!(code(&o), 1);
}

#[test]
fn reimport_records_history_and_keeps_absent_members() {
    let t = loaded();
    // Budi's education changes; Siti is absent; a new member joins.
    t.write(
        "p2.csv",
        "nik,kk,name,sex,birth_date,relation,education\n\
         1101011203800001,1101010101200001,Budi Santoso,L,1980-03-12,head,diploma\n\
         1101010101100001,1101010101200001,Rina,P,01-01-2010,child,\n",
    );
    let o = t.run(&["--json", "import", "h.csv", "p2.csv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["summary"]["persons_changed"], 1);
    assert_eq!(v["summary"]["persons_added"], 1);
    assert_eq!(v["summary"]["households_unchanged"], 2);
    let o = t.run(&[
        "--json",
        "household",
        "show",
        "1101010101200001",
        "--history",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["members"].as_array().unwrap().len(), 3, "Siti stays");
    let fields: Vec<_> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["education", "member"]);
}

#[test]
fn officers_files_semicolon_bom_crlf_and_indonesian_headers() {
    let t = TestDir::new();
    t.write(
        "keluarga.csv",
        "\u{feff}No KK;Kode Wilayah;Alamat;Lantai;Pengeluaran per Kapita;Bobot\r\n\
         1101010101200001;1101012001;\"Jl. Merdeka\r\nNo. 5\";Keramik;750.000;120,5\r\n",
    );
    t.write(
        "anggota.csv",
        "\u{feff}NIK;No KK;Nama;Jenis Kelamin;Tanggal Lahir;Hubungan\r\n\
         1101011203800001;1101010101200001;Budi;L;12/03/1980;Kepala Keluarga\r\n",
    );
    let o = t.run(&["import", "keluarga.csv", "anggota.csv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = t.run(&["--json", "household", "show", "1101010101200001"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["household"]["consumption_per_capita"], "750000");
    assert_eq!(v["household"]["survey_weight"], "120.5");
    assert_eq!(v["household"]["address"], "Jl. Merdeka No. 5");
    assert_eq!(v["members"][0]["fields"]["birth_date"], "1980-03-12");
}

#[test]
fn xlsx_files_import_and_number_niks_are_refused() {
    let t = TestDir::new();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let h = data.join("households.xlsx");
    let p = data.join("persons.xlsx");
    let o = t.run(&["import", h.to_str().unwrap(), p.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = t.run(&["--json", "household", "show", "3204050101200001"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["household"]["asset_motorcycle"], "1");
    assert_eq!(v["household"]["rt"], "2");
    let births: Vec<_> = v["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["fields"]["birth_date"].clone())
        .collect();
    assert_eq!(births, ["1980-03-12", "1985-08-17"]);

    let t = TestDir::new();
    let bad = data.join("bad_persons.xlsx");
    let o = t.run_lang(
        "en",
        &["import", h.to_str().unwrap(), bad.to_str().unwrap()],
    );
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("stored as a number in Excel"),
        "{}",
        stderr(&o)
    );
}

/// Every kind of bad input named by the issue: rejected with file, row, column and reason in
/// both languages, and the store left exactly as it was.
#[test]
fn every_kind_of_bad_input_leaves_the_store_unchanged() {
    let t = loaded();
    let good_h = "kk,region\n1101010101200005,11.01.01.2001\n";
    let good_p = "nik,kk,name,sex,birth_date,relation\n1101011203900001,1101010101200005,Ani,L,1990-03-12,head\n";
    // (name, households, persons, expected code in the rejects/errors, expected text (id), (en))
    let cases: Vec<(&str, Vec<u8>, Vec<u8>, &str)> = vec![
        ("non-UTF-8 text", good_h.into(), b"nik,kk,name,sex,birth_date,relation\n1101011203900001,1101010101200005,Jos\xe9,L,1990-03-12,head\n".to_vec(), "text_not_utf8"),
        ("UTF-16 file", good_h.into(), vec![0xFF, 0xFE, b'n', 0, b'i', 0], "file_utf16"),
        ("empty file", good_h.into(), Vec::new(), "file_empty"),
        ("missing header", "kk\n1101010101200005\n".into(), good_p.into(), "header_invalid"),
        ("unknown header", "kk,region,flor\n1101010101200005,11.01.01.2001,tanah\n".into(), good_p.into(), "header_invalid"),
        ("NIK shape", good_h.into(), "nik,kk,name,sex,birth_date,relation\n11010112039001,1101010101200005,Ani,L,1990-03-12,head\n".into(), "id_length"),
        ("NIK month 13", good_h.into(), "nik,kk,name,sex,birth_date,relation\n1101011213900001,1101010101200005,Ani,L,1990-03-12,head\n".into(), "nik_month"),
        ("KK shape", "kk,region\n11010101012000X5,11.01.01.2001\n".into(), good_p.into(), "id_not_digits"),
        ("date", good_h.into(), "nik,kk,name,sex,birth_date,relation\n1101011203900001,1101010101200005,Ani,L,1990-13-12,head\n".into(), "date_invalid"),
        ("number", "kk,region,land_m2\n1101010101200005,11.01.01.2001,dua ratus\n".into(), good_p.into(), "integer_invalid"),
        ("negative amount", "kk,region,consumption_per_capita,survey_weight\n1101010101200005,11.01.01.2001,-100,2\n".into(), good_p.into(), "amount_negative"),
        ("future birth date", good_h.into(), "nik,kk,name,sex,birth_date,relation\n1101011203900001,1101010101200005,Ani,L,2099-03-12,head\n".into(), "date_in_future"),
        ("household absent", good_h.into(), "nik,kk,name,sex,birth_date,relation\n1101011203900001,1101010101209999,Ani,L,1990-03-12,head\n".into(), "household_absent"),
        ("same NIK twice in a KK", good_h.into(), format!("{good_p}1101011203900001,1101010101200005,Ani,L,1990-03-12,head\n").into_bytes(), "nik_duplicate_in_household"),
        ("same KK twice", "kk,region\n1101010101200005,11.01.01.2001\n1101010101200005,11.01.01.2002\n".into(), good_p.into(), "kk_duplicate_in_file"),
        ("unknown code", "kk,region,floor\n1101010101200005,11.01.01.2001,lava\n".into(), good_p.into(), "code_unknown"),
    ];
    let before = t.digest();
    for (name, h, p, expected) in cases {
        t.write("bad_h.csv", &h);
        t.write("bad_p.csv", &p);
        let mut messages = Vec::new();
        for lang in ["id", "en"] {
            let rejects = t.path(&format!("rejects-{lang}.csv"));
            let _ = std::fs::remove_file(&rejects);
            let o = t.run_lang(
                lang,
                &[
                    "--json",
                    "import",
                    "bad_h.csv",
                    "bad_p.csv",
                    "--rejects",
                    rejects.to_str().unwrap(),
                ],
            );
            assert_eq!(code(&o), 1, "{name}: {}", stderr(&o));
            let out = stdout(&o);
            assert!(
                out.contains(expected),
                "{name} ({lang}): expected {expected} in {out}"
            );
            assert_eq!(
                out.lines().count(),
                1,
                "{name}: --json prints one JSON document"
            );
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            if let Some(rows) = v["rejections"].as_array() {
                // Row-level: file, row, column, value and reason, and the same in the rejects CSV.
                let r = &rows[0];
                assert!(r["file"].as_str().unwrap().starts_with("bad_"), "{name}");
                assert!(r["row"].as_u64().unwrap() >= 2, "{name}");
                assert!(r["column"].is_string(), "{name}");
                messages.push(r["reason"].as_str().unwrap().to_string());
                assert_eq!(v["error"]["code"], "import_invalid_rows", "{name}");
                let csv = std::fs::read_to_string(&rejects).unwrap();
                assert!(
                    csv.starts_with("file,row,column,value,code,reason"),
                    "{name}"
                );
                assert!(csv.contains(expected), "{name}: {csv}");
            } else {
                messages.push(v["error"]["message"].as_str().unwrap().to_string());
            }
        }
        assert_ne!(
            messages[0], messages[1],
            "{name}: the message must exist in both languages"
        );
        assert_eq!(before, t.digest(), "{name}: the store changed");
    }
    // A file that does not exist.
    let o = t.run(&["import", "nothere.csv", "bad_p.csv"]);
    assert_eq!(code(&o), 1);
    assert_eq!(before, t.digest());
}

#[test]
fn every_rejection_reaches_the_rejects_file() {
    let t = TestDir::new();
    let mut h = String::from("kk,region,floor\n");
    for i in 0..3000 {
        h.push_str(&format!("{},11.01.01.2001,lava\n", 1101010101200000u64 + i));
    }
    t.write("h.csv", h);
    t.write("p.csv", "nik,kk,name,sex,birth_date,relation\n");
    let o = t.run(&["--json", "import", "h.csv", "p.csv", "--rejects", "rej.csv"]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["values_rejected"], 3000);
    assert_eq!(
        v["rejections"].as_array().unwrap().len(),
        1000,
        "the report keeps the first 1000"
    );
    let rej = std::fs::read_to_string(t.path("rej.csv")).unwrap();
    assert_eq!(rej.lines().count(), 3001, "the rejects file has every one");
    assert!(
        !t.data_dir().join("rejects").exists(),
        "no default rejects file when --rejects is given"
    );
}

#[test]
fn skip_invalid_loads_the_rest_and_writes_rejects() {
    let t = TestDir::new();
    t.write("h.csv", "kk,region,floor\n1101010101200001,11.01.01.2001,ceramic\n1101010101200002,11.01.01.2001,lava\n");
    t.write(
        "p.csv",
        "nik,kk,name,sex,birth_date,relation\n\
         1101011203800001,1101010101200001,Budi,L,1980-03-12,head\n\
         1101011203800002,1101010101200002,Joko,L,1980-03-12,head\n",
    );
    let o = t.run(&[
        "--json",
        "import",
        "h.csv",
        "p.csv",
        "--skip-invalid",
        "--excel",
        "--rejects",
        "rej.csv",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["summary"]["households_added"], 1);
    assert_eq!(v["summary"]["persons_added"], 1);
    assert_eq!(v["rows_rejected"], 2);
    let rej = std::fs::read(t.path("rej.csv")).unwrap();
    assert!(rej.starts_with("\u{feff}file;row;column;value;code;reason".as_bytes()));
    let rej = String::from_utf8(rej).unwrap();
    assert!(rej.contains("h.csv;3;floor;lava;code_unknown"), "{rej}");
    assert!(
        rej.contains("p.csv;3;kk;1101010101200002;household_rejected"),
        "{rej}"
    );
}

#[test]
fn findings_are_recorded_not_rejected() {
    let t = TestDir::new();
    // Unknown village, NIK from an unknown district with a birth date and sex that disagree,
    // and one NIK in two households.
    t.write(
        "h.csv",
        "kk,region\n1101010101200001,11.01.01.9999\n1101010101200002,11.01.01.2001\n",
    );
    t.write(
        "p.csv",
        "nik,kk,name,sex,birth_date,relation\n\
         9901011203800001,1101010101200001,Budi,P,1980-12-03,head\n\
         1101015708850003,1101010101200001,Siti,P,1985-08-17,spouse\n\
         1101015708850003,1101010101200002,Siti,P,1985-08-17,head\n",
    );
    let o = t.run(&["import", "h.csv", "p.csv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = t.run(&["--json", "household", "show", "1101010101200001"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let mut rules: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    rules.sort();
    assert_eq!(
        rules,
        [
            "nik_birth_date_mismatch",
            "nik_district_unknown",
            "nik_in_other_household",
            "nik_sex_mismatch",
            "region_unknown"
        ]
    );
}

#[test]
fn nik_and_region_lookups() {
    let t = TestDir::new();
    let o = t.run(&["--json", "nik", "3204055708850003"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["sex"], "female");
    assert_eq!(v["birth_date"], "1985-08-17");
    assert_eq!(v["district"], "32.04.05");
    let o = t.run_lang("en", &["nik", "3204055708850003", "--sex", "L"]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("disagrees"));
    let o = t.run(&["nik", "3204051708850000"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("0000"), "{}", stderr(&o));

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
    let o = t.run(&["region", "99.99"]);
    assert_eq!(code(&o), 1);
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
    let gini = nation["gini"]["value"].as_f64().unwrap();
    assert!((0.3..0.5).contains(&gini), "{gini}");
    assert!(nation["gini"]["se"].as_f64().unwrap() > 0.0);
    // Provinces with fewer than 10 surveyed households are suppressed, never printed.
    for r in rows {
        if r["surveyed"].as_u64().unwrap() < 10 {
            assert_eq!(r["suppressed"], true);
            assert!(
                r["gini"].is_null()
                    && r["poverty_rate"].is_null()
                    && r["mean_consumption"].is_null()
            );
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

#[test]
fn generated_files_are_deterministic_and_import_cleanly() {
    let t = TestDir::new();
    for out in ["a", "b"] {
        let o = t.run(&[
            "--quiet",
            "generate",
            "--households",
            "1500",
            "--seed",
            "9",
            "--out",
            out,
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    for f in [
        "households.csv",
        "persons.csv",
        "truth/problems.csv",
        "truth/persons.csv",
    ] {
        assert_eq!(
            std::fs::read(t.path("a").join(f)).unwrap(),
            std::fs::read(t.path("b").join(f)).unwrap(),
            "{f}"
        );
    }
    let o = t.run(&["--json", "import", "a/households.csv", "a/persons.csv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["rows_rejected"], 0);
    assert_eq!(v["summary"]["households_added"], 1500);
    // The injected problems surface as findings.
    assert!(v["summary"]["findings"].as_u64().unwrap() > 0);
    // The Excel dialect (`;` and a BOM) holds the same registry and imports the same way.
    let o = t.run(&[
        "--quiet",
        "generate",
        "--households",
        "1500",
        "--seed",
        "9",
        "--out",
        "x",
        "--excel",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let excel = std::fs::read_to_string(t.path("x/persons.csv")).unwrap();
    let plain = std::fs::read_to_string(t.path("a/persons.csv")).unwrap();
    assert!(excel.starts_with("\u{feff}nik;kk;name"));
    assert_eq!(excel.lines().count(), plain.lines().count());
    // Re-importing the same files changes nothing.
    let o = t.run(&["--json", "import", "a/households.csv", "a/persons.csv"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["summary"]["changes"], 0);
    assert_eq!(v["summary"]["households_unchanged"], 1500);
    let o = t.run(&["--json", "import", "x/households.csv", "x/persons.csv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["summary"]["changes"], 0,
        "the Excel files hold exactly the same registry"
    );
    assert_eq!(
        v["summary"]["persons_unchanged"].as_u64(),
        v["persons_read"].as_u64()
    );
}
