//! The registry in process: generate, import (every kind of bad input, its rejects report, an
//! officer's spreadsheet, XLSX, the refusal of a regional scope), one household shown and
//! corrected with its history and access log, verify and deduplicate as an administrator and
//! as a regional officer; a NIK decoded. Errors are checked by code.

#[path = "../../../tests/common/fixture.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, OnceLock};

use setara_app::model::{HOUSEHOLD_FIELDS, PERSON_FIELDS};
use setara_app::registry::dedup::{self, DedupPersonsRequest};
use setara_app::registry::import::{self, ImportRequest, Silent};
use setara_app::registry::verify::{self, VerifyRequest};
use setara_app::registry::{self, CorrectRequest, HouseholdView};
use setara_app::{App, Caller, DataDir, ErrorKind, FixedClock, NoProgress, Role};
use setara_core::{Household, Kk, Lang, Localized, Nik, Person, RegionCode, Regions, Sex};
use setara_registry::writer::Dialect;
use setara_store::{AccessFilter, Actor};

/// 2027-09-20T12:00:00Z.
const T0: i64 = 1_821_528_000;

/// Generated files shared by the tests (households.csv, persons.csv), made once.
static INPUT: LazyLock<(tempfile::TempDir, PathBuf)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("input");
    let app = App::new(DataDir::new(dir.path().join("unused")));
    let mut config = setara_synth::Config::new(600, 7);
    config.survey_fraction = 0.3;
    let req = setara_app::generate::GenerateRequest {
        config,
        out: out.clone(),
        dialect: Dialect::Plain,
        force: false,
    };
    let s = setara_app::generate::generate(&app, &admin(), &req, &mut NoProgress).unwrap();
    assert_eq!(s.households, 600);
    (dir, out)
});

fn admin() -> Caller {
    Caller::administrator(Actor("admin-test".into()), Lang::En)
}

fn officer(region: RegionCode) -> Caller {
    Caller::officer(Actor("officer-test".into()), Lang::En, Some(region))
}

fn files() -> (PathBuf, PathBuf) {
    let dir = &INPUT.1;
    (dir.join("households.csv"), dir.join("persons.csv"))
}

/// A fresh data directory with a fixed clock.
fn fresh() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::with_clock(
        DataDir::new(dir.path().join("data")),
        Arc::new(FixedClock::new(T0)),
    );
    std::fs::create_dir_all(app.data.root()).unwrap();
    (dir, app)
}

fn request(h: &Path, p: &Path) -> ImportRequest {
    ImportRequest {
        households: h.to_path_buf(),
        persons: p.to_path_buf(),
        skip_invalid: true,
        rejects: None,
        force: false,
        dialect: Dialect::Plain,
    }
}

/// The generated registry, imported once per run of this file.
static LOADED: OnceLock<(tempfile::TempDir, ())> = OnceLock::new();

/// A data directory of its own holding the generated registry (a copy of [`LOADED`]).
fn loaded() -> (tempfile::TempDir, App) {
    let (dir, ()) = common::copied(&LOADED, || {
        let (dir, app) = fresh();
        let (h, p) = files();
        let r = import::import(&app, &admin(), &request(&h, &p), &mut Silent).unwrap();
        assert!(r.committed && r.failure().is_none());
        (dir, ())
    });
    let app = App::with_clock(
        DataDir::new(dir.path().join("data")),
        Arc::new(FixedClock::new(T0)),
    );
    (dir, app)
}

/// The province holding the first household of the generated file.
fn a_province() -> RegionCode {
    let text = std::fs::read_to_string(files().0).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|c| *c == "region").unwrap();
    let region = lines.next().unwrap().split(',').nth(col).unwrap();
    RegionCode::parse(&region.replace('.', "")[..2]).unwrap()
}

#[test]
fn an_import_commits_and_a_scoped_or_auditor_import_is_refused() {
    let (_d, app) = fresh();
    let (h, p) = files();
    let e =
        import::import(&app, &officer(a_province()), &request(&h, &p), &mut Silent).unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (ErrorKind::Forbidden, "import_scope_unsupported")
    );
    let mut auditor = admin();
    auditor.role = Role::Auditor;
    let e = import::import(&app, &auditor, &request(&h, &p), &mut Silent).unwrap_err();
    assert_eq!(e.code, "forbidden_role");
    // Nothing was imported by the refused calls.
    let store = app.reader().unwrap();
    assert_eq!(store.counts().unwrap().households, 0);
    drop(store);
    let r = import::import(&app, &admin(), &request(&h, &p), &mut Silent).unwrap();
    assert!(r.committed);
    assert!(r.import_id.is_some());
    assert_eq!(r.households_read, 600);
    // The generated data holds injected problems (rejected rows are skipped and reported).
    if r.values_rejected > 0 {
        let report = r.rejects_file.as_ref().unwrap();
        assert!(report.starts_with(app.data.rejects()));
        // Named by the app's clock.
        assert!(
            report.ends_with("import-20270920T120000Z.csv"),
            "{report:?}"
        );
    }
}

#[test]
fn rejected_rows_load_nothing_and_are_reported_where_asked() {
    let (dir, app) = fresh();
    let (h, p) = files();
    let bad = dir.path().join("bad-persons.csv");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str("not-a-nik,1101010101000001,X,L,2999-01-01,head\n");
    std::fs::write(&bad, text).unwrap();
    let rejects = dir.path().join("rejects.csv");
    let mut req = request(&h, &bad);
    req.skip_invalid = false;
    req.rejects = Some(rejects.clone());
    let r = import::import(&app, &admin(), &req, &mut Silent).unwrap();
    assert!(!r.committed);
    assert_eq!(r.failure().unwrap().code, "import_invalid_rows");
    assert_eq!(r.rejects_file.as_deref(), Some(rejects.as_path()));
    assert!(
        std::fs::read_to_string(&rejects)
            .unwrap()
            .starts_with("file,row,column")
    );
    // The report never replaces an input, nor an existing file without `force`.
    req.rejects = Some(bad.clone());
    let e = import::import(&app, &admin(), &req, &mut Silent).unwrap_err();
    assert_eq!(e.code, "output_is_input");
    req.rejects = Some(rejects.clone());
    let e = import::import(&app, &admin(), &req, &mut Silent).unwrap_err();
    assert_eq!(e.code, "output_exists");
}

#[test]
fn verification_covers_the_officers_region_only() {
    let (dir, app) = loaded();
    let province = a_province();
    let req = VerifyRequest {
        region: None,
        outlier_sigmas: 3.5,
        csv: None,
        force: false,
        dialect: Dialect::Plain,
    };
    let all = verify::verify(&app, &admin(), &req, &mut NoProgress).unwrap();
    assert_eq!((all.scope, all.households), (None, 600));
    let csv = dir.path().join("open.csv");
    let scoped_req = VerifyRequest {
        csv: Some(csv.clone()),
        ..req.clone()
    };
    let mine = verify::verify(&app, &officer(province), &scoped_req, &mut NoProgress).unwrap();
    assert_eq!(mine.scope, Some(province));
    assert!(mine.households > 0 && mine.households < 600);
    // Every finding counted and every open finding written is in the province.
    assert!(
        mine.by_province.keys().all(|p| *p == province.to_string()),
        "{:?}",
        mine.by_province
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    for line in text.lines().skip(1) {
        let region = RegionCode::parse(line.split(',').nth(3).unwrap()).unwrap();
        assert!(region.is_within(province), "{line}");
    }
    // A region outside the scope is refused, not widened.
    let other = RegionCode::parse(if province.to_string() == "11" {
        "12"
    } else {
        "11"
    })
    .unwrap();
    let e = verify::verify(
        &app,
        &officer(province),
        &VerifyRequest {
            region: Some(other),
            ..req.clone()
        },
        &mut NoProgress,
    )
    .unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (ErrorKind::Forbidden, "region_out_of_scope")
    );
    let e = verify::verify(
        &app,
        &admin(),
        &VerifyRequest {
            outlier_sigmas: 0.0,
            ..req
        },
        &mut NoProgress,
    )
    .unwrap_err();
    assert_eq!(e.code, "verify_bad_sigmas");
}

#[test]
fn deduplication_of_persons_covers_the_officers_region_only() {
    let (_d, app) = loaded();
    let province = a_province();
    let all = dedup::dedup_persons(
        &app,
        &admin(),
        &DedupPersonsRequest::default(),
        &mut NoProgress,
    )
    .unwrap();
    assert_eq!(all.scope, None);
    let mine = dedup::dedup_persons(
        &app,
        &officer(province),
        &DedupPersonsRequest::default(),
        &mut NoProgress,
    )
    .unwrap();
    assert_eq!(mine.scope, Some(province));
    assert!(mine.persons > 0 && mine.persons < all.persons);
    let other = RegionCode::parse(if province.to_string() == "11" {
        "12"
    } else {
        "11"
    })
    .unwrap();
    let e = dedup::dedup_persons(
        &app,
        &officer(province),
        &DedupPersonsRequest {
            region: Some(other),
            ..Default::default()
        },
        &mut NoProgress,
    )
    .unwrap_err();
    assert_eq!(e.error.code, "region_out_of_scope");
}

#[test]
fn linking_files_checks_its_outputs_first() {
    let (dir, app) = fresh();
    let (_, p) = files();
    let config = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/linkage/persons.toml"
    ));
    let out = dir.path().join("pairs.csv");
    let req = dedup::DedupFileRequest {
        input: p.clone(),
        id: "nik".into(),
        config,
        max_pairs: None,
        outputs: dedup::LinkOutputs {
            out: out.clone(),
            clusters: Some(out.clone()),
            force: false,
            dialect: Dialect::Plain,
        },
    };
    let e = dedup::dedup_file(&app, &admin(), &req).unwrap_err();
    assert_eq!(e.error.code, "dedup_outputs_same_file");
    let mut req = req;
    req.outputs.clusters = None;
    // A regional officer may link files: they hold no registry data.
    let r = dedup::dedup_file(&app, &officer(a_province()), &req).unwrap();
    assert!(out.exists());
    assert!(r.linkage.pairs > 0);
    // The generated persons file repeats NIKs (injected duplicates).
    assert!(!r.id_unique);
}

#[test]
fn generating_refuses_a_bad_configuration_and_an_existing_output() {
    let (dir, app) = fresh();
    let mut config = setara_synth::Config::new(10, 1);
    config.survey_fraction = 2.0;
    let req = setara_app::generate::GenerateRequest {
        config,
        out: dir.path().join("g"),
        dialect: Dialect::Plain,
        force: false,
    };
    let e = setara_app::generate::generate(&app, &admin(), &req, &mut NoProgress).unwrap_err();
    assert_eq!(e.code, "generate_config");
    let req = setara_app::generate::GenerateRequest {
        config: setara_synth::Config::new(10, 1),
        out: INPUT.1.clone(),
        ..req
    };
    let e = setara_app::generate::generate(&app, &admin(), &req, &mut NoProgress).unwrap_err();
    assert_eq!(e.code, "output_exists");
}

// ---------------------------------------------------------------------------------------------
// One household at a time: import, show, correct and history on small files written here.

const HOUSEHOLDS: &str = "kk,region,address,rt,rw,declared_size,floor,asset_motorcycle,consumption_per_capita,survey_weight\n\
1101010101200001,11.01.01.2001,Jl. Merdeka 5,3,1,2,ceramic,1,750000,120.5\n\
1101010101200002,11.01.01.2002,,,,1,earth,0,,\n";

const PERSONS: &str = "nik,kk,name,sex,birth_date,relation,education\n\
1101011203800001,1101010101200001,Budi Santoso,L,1980-03-12,head,senior_secondary\n\
1101015708850003,1101010101200001,Siti Aminah,P,17/08/1985,spouse,primary\n\
1101011506700001,1101010101200002,Sutrisno,L,15-06-1970,head,\n";

fn write(dir: &tempfile::TempDir, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// All or nothing, as `setara import` without flags.
fn strict(h: &Path, p: &Path) -> ImportRequest {
    ImportRequest {
        skip_invalid: false,
        ..request(h, p)
    }
}

/// Import `households` and `persons` (written as h.csv and p.csv) into a fresh directory.
fn imported(households: &str, persons: &str) -> (tempfile::TempDir, App) {
    let (dir, app) = fresh();
    let h = write(&dir, "h.csv", households);
    let p = write(&dir, "p.csv", persons);
    let r = import::import(&app, &admin(), &strict(&h, &p), &mut Silent).unwrap();
    assert!(r.committed, "{:?}", r.rejections);
    (dir, app)
}

/// The two households of `HOUSEHOLDS` and their three members.
fn small() -> (tempfile::TempDir, App) {
    imported(HOUSEHOLDS, PERSONS)
}

fn kk(s: &str) -> Kk {
    Kk::parse(s).unwrap()
}

fn nik(s: &str) -> Nik {
    Nik::parse(s).unwrap()
}

/// A household's field as the files write it (the registry's one text form).
fn hfield(h: &Household, name: &str) -> Option<String> {
    let f = HOUSEHOLD_FIELDS.iter().find(|f| f.name == name).unwrap();
    (f.get)(h)
}

/// A person's field as the files write it.
fn pfield(p: &Person, name: &str) -> Option<String> {
    let f = PERSON_FIELDS.iter().find(|f| f.name == name).unwrap();
    (f.get)(p)
}

fn show(app: &App, caller: &Caller, kk_: &str, history: bool) -> setara_app::Result<HouseholdView> {
    registry::show_household(app, caller, kk(kk_), history, "household_show")
}

fn correction(kk_: &str, member: Option<&str>, field: &str, value: &str) -> CorrectRequest {
    CorrectRequest {
        kk: kk(kk_),
        nik: member.map(nik),
        field: field.into(),
        value: Some(value.into()),
        reason: "kunjungan 2026-11-20".into(),
    }
}

/// SHA-256 over the store's logical content.
fn digest(app: &App) -> String {
    app.reader().unwrap().content_digest().unwrap()
}

/// The access log as the administrator reads it: (actor, action, KK), oldest first.
fn access_log(app: &App) -> Vec<(String, String, i64)> {
    let log = registry::access_log(app, &admin(), &AccessFilter::default()).unwrap();
    log.into_iter()
        .rev()
        .map(|a| {
            (
                a.actor,
                a.action,
                a.kk.expect("a household read").as_u64() as i64,
            )
        })
        .collect()
}

#[test]
fn import_show_correct_history() {
    let (_d, app) = small();
    let v = show(&app, &admin(), "1101010101200001", false).unwrap();
    let h = &v.record.household;
    assert_eq!(hfield(h, "floor").as_deref(), Some("ceramic"));
    assert_eq!(
        hfield(h, "consumption_per_capita").as_deref(),
        Some("750000")
    );
    assert_eq!(v.record.members.len(), 2);
    assert_eq!(
        (v.record.provenance.file.as_str(), v.record.provenance.row),
        ("h.csv", 2)
    );
    assert_eq!(
        Regions::kemendagri_2025().path(h.region)[3].name,
        "Keude Bakongan"
    );
    assert!(v.history.is_none(), "history only when asked for");

    // The field by its Indonesian alias and value; then a member's name.
    let c = registry::correct(
        &app,
        &admin(),
        &CorrectRequest {
            field: "lantai".into(),
            value: Some("tanah".into()),
            ..correction("1101010101200001", None, "floor", "")
        },
    )
    .unwrap();
    assert_eq!(
        (
            c.field.as_str(),
            c.old_value.as_deref(),
            c.new_value.as_deref()
        ),
        ("floor", Some("ceramic"), Some("earth"))
    );
    let mut rename = correction(
        "1101010101200001",
        Some("1101015708850003"),
        "name",
        "Siti Aminah Lubis",
    );
    rename.reason = "KK baru".into();
    registry::correct(&app, &admin(), &rename).unwrap();
    let v = show(&app, &admin(), "1101010101200001", true).unwrap();
    let history: Vec<_> = v
        .history
        .unwrap()
        .into_iter()
        .map(|c| {
            (
                c.field,
                c.old_value,
                c.new_value,
                c.actor,
                c.reason,
                c.nik.map(|n| n.to_string()),
            )
        })
        .collect();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        history,
        [
            (
                "floor".to_string(),
                s("ceramic"),
                s("earth"),
                "admin-test".to_string(),
                "kunjungan 2026-11-20".to_string(),
                None
            ),
            (
                "name".to_string(),
                s("Siti Aminah"),
                s("Siti Aminah Lubis"),
                "admin-test".to_string(),
                "KK baru".to_string(),
                s("1101015708850003")
            ),
        ]
    );

    // A correction that changes nothing, or of a field that cannot change, is refused and
    // writes nothing; a reason is required.
    let before = digest(&app);
    let e = registry::correct(
        &app,
        &admin(),
        &correction("1101010101200001", None, "floor", "earth"),
    )
    .unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (ErrorKind::Invalid, "correction_unchanged")
    );
    let e = registry::correct(
        &app,
        &admin(),
        &correction("1101010101200001", None, "kk", "1101010101200009"),
    )
    .unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Invalid, "field_not_editable"));
    let mut no_reason = correction("1101010101200001", None, "floor", "ceramic");
    no_reason.reason = String::new();
    let e = registry::correct(&app, &admin(), &no_reason).unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Invalid, "text_empty"));
    assert_eq!(before, digest(&app));
    // Unknown household.
    let e = show(&app, &admin(), "1101010101209999", false).unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (ErrorKind::NotFound, "household_not_found")
    );
}

#[test]
fn reimport_records_history_and_keeps_absent_members() {
    let (dir, app) = small();
    // Budi's education changes; Siti is absent; a new member joins.
    let p2 = write(
        &dir,
        "p2.csv",
        "nik,kk,name,sex,birth_date,relation,education\n\
         1101011203800001,1101010101200001,Budi Santoso,L,1980-03-12,head,diploma\n\
         1101010101100001,1101010101200001,Rina,P,01-01-2010,child,\n",
    );
    let h = dir.path().join("h.csv");
    let r = import::import(&app, &admin(), &strict(&h, &p2), &mut Silent).unwrap();
    assert!(r.committed);
    let s = &r.summary;
    assert_eq!(
        (s.persons_changed, s.persons_added, s.households_unchanged),
        (1, 1, 2)
    );
    let v = show(&app, &admin(), "1101010101200001", true).unwrap();
    assert_eq!(v.record.members.len(), 3, "Siti stays");
    let fields: Vec<String> = v.history.unwrap().into_iter().map(|c| c.field).collect();
    assert_eq!(fields, ["education", "member"]);
}

/// An officer's spreadsheet export: `;`, a BOM, CRLF, a quoted line break, Indonesian headers
/// and values, thousands separators and a decimal comma.
#[test]
fn officers_files_semicolon_bom_crlf_and_indonesian_headers() {
    let (_d, app) = imported(
        "\u{feff}No KK;Kode Wilayah;Alamat;Lantai;Pengeluaran per Kapita;Bobot\r\n\
         1101010101200001;1101012001;\"Jl. Merdeka\r\nNo. 5\";Keramik;750.000;120,5\r\n",
        "\u{feff}NIK;No KK;Nama;Jenis Kelamin;Tanggal Lahir;Hubungan\r\n\
         1101011203800001;1101010101200001;Budi;L;12/03/1980;Kepala Keluarga\r\n",
    );
    let v = show(&app, &admin(), "1101010101200001", false).unwrap();
    let h = &v.record.household;
    assert_eq!(
        hfield(h, "consumption_per_capita").as_deref(),
        Some("750000")
    );
    assert_eq!(hfield(h, "survey_weight").as_deref(), Some("120.5"));
    assert_eq!(hfield(h, "address").as_deref(), Some("Jl. Merdeka No. 5"));
    assert_eq!(hfield(h, "floor").as_deref(), Some("ceramic"));
    assert_eq!(
        pfield(&v.record.members[0].0, "birth_date").as_deref(),
        Some("1980-03-12")
    );
}

#[test]
fn xlsx_files_import_and_number_niks_are_refused() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data");
    let (h, p) = (data.join("households.xlsx"), data.join("persons.xlsx"));
    let (_d, app) = fresh();
    let r = import::import(&app, &admin(), &strict(&h, &p), &mut Silent).unwrap();
    assert!(r.committed, "{:?}", r.rejections);
    let v = show(&app, &admin(), "3204050101200001", false).unwrap();
    let hh = &v.record.household;
    assert_eq!(hfield(hh, "asset_motorcycle").as_deref(), Some("1"));
    assert_eq!(hfield(hh, "rt").as_deref(), Some("2"));
    let births: Vec<_> = v
        .record
        .members
        .iter()
        .map(|(m, _, _)| pfield(m, "birth_date").unwrap())
        .collect();
    assert_eq!(births, ["1980-03-12", "1985-08-17"]);

    // A NIK that Excel stored as a number has lost its digits: refused, nothing loaded.
    let (_d, app) = fresh();
    let bad = data.join("bad_persons.xlsx");
    let r = import::import(&app, &admin(), &strict(&h, &bad), &mut Silent).unwrap();
    assert!(!r.committed);
    assert_eq!(r.failure().unwrap().code, "import_invalid_rows");
    let first = &r.rejections[0];
    assert_eq!(
        (first.reason.code(), first.column),
        ("excel_number_id", Some("nik"))
    );
    assert_eq!(app.reader().unwrap().counts().unwrap().households, 0);
}

/// Every kind of bad input named by the issue: rejected with file, row, column and reason in
/// both languages (row by row in the rejects CSV too), and the store left exactly as it was.
#[test]
fn every_kind_of_bad_input_leaves_the_store_unchanged() {
    let (dir, app) = small();
    let good_h = "kk,region\n1101010101200005,11.01.01.2001\n";
    let good_p = "nik,kk,name,sex,birth_date,relation\n1101011203900001,1101010101200005,Ani,L,1990-03-12,head\n";
    // (name, households, persons, expected code of the rejection or the error)
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
    let before = digest(&app);
    for (name, h, p, expected) in cases {
        let h = write(&dir, "bad_h.csv", &h);
        let p = write(&dir, "bad_p.csv", &p);
        let mut messages = Vec::new();
        for lang in [Lang::Id, Lang::En] {
            let rejects = dir.path().join(format!("rejects-{lang:?}.csv"));
            let _ = std::fs::remove_file(&rejects);
            let mut caller = admin();
            caller.lang = lang;
            let req = ImportRequest {
                rejects: Some(rejects.clone()),
                ..strict(&h, &p)
            };
            match import::import(&app, &caller, &req, &mut Silent) {
                // Row by row: file, row, column, value and reason, and the same in the CSV.
                Ok(r) => {
                    assert!(!r.committed, "{name}");
                    assert_eq!(r.failure().unwrap().code, "import_invalid_rows", "{name}");
                    assert!(
                        r.rejections.iter().any(|x| x.reason.code() == expected),
                        "{name}: expected {expected} in {:?}",
                        r.rejections
                    );
                    let first = &r.rejections[0];
                    assert!(first.file.starts_with("bad_"), "{name}");
                    assert!(first.row >= 2, "{name}");
                    assert!(first.column.is_some(), "{name}");
                    messages.push(first.message(lang));
                    let csv = std::fs::read_to_string(&rejects).unwrap();
                    assert!(
                        csv.starts_with("file,row,column,value,code,reason"),
                        "{name}"
                    );
                    assert!(csv.contains(expected), "{name}: {csv}");
                    // Its first row is the first rejection, the reason in the caller's
                    // language.
                    let row = csv::Reader::from_reader(csv.as_bytes())
                        .records()
                        .next()
                        .unwrap()
                        .unwrap();
                    assert_eq!(&row[4], first.reason.code(), "{name}");
                    assert_eq!(row[5], first.message(lang), "{name}");
                }
                // The whole file: one error, before anything is read into the store.
                Err(e) => {
                    assert_eq!((e.kind, e.code), (ErrorKind::Invalid, expected), "{name}");
                    messages.push(e.message(lang).to_string());
                }
            }
        }
        assert_ne!(
            messages[0], messages[1],
            "{name}: the message must exist in both languages"
        );
        assert_eq!(before, digest(&app), "{name}: the store changed");
    }
    // A file that does not exist.
    let e = import::import(
        &app,
        &admin(),
        &strict(
            &dir.path().join("nothere.csv"),
            &dir.path().join("bad_p.csv"),
        ),
        &mut Silent,
    )
    .unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::NotFound, "file_not_found"));
    assert_eq!(before, digest(&app));
}

#[test]
fn every_rejection_reaches_the_rejects_file() {
    let (dir, app) = fresh();
    let mut h = String::from("kk,region,floor\n");
    for i in 0..3000 {
        h.push_str(&format!("{},11.01.01.2001,lava\n", 1101010101200000u64 + i));
    }
    let h = write(&dir, "h.csv", h);
    let p = write(&dir, "p.csv", "nik,kk,name,sex,birth_date,relation\n");
    let rej = dir.path().join("rej.csv");
    let req = ImportRequest {
        rejects: Some(rej.clone()),
        ..strict(&h, &p)
    };
    let r = import::import(&app, &admin(), &req, &mut Silent).unwrap();
    assert!(!r.committed);
    assert_eq!(r.values_rejected, 3000);
    assert_eq!(
        r.rejections.len(),
        import::KEPT_REJECTIONS,
        "the report keeps the first 1000"
    );
    assert_eq!(import::KEPT_REJECTIONS, 1000);
    let text = std::fs::read_to_string(&rej).unwrap();
    assert_eq!(text.lines().count(), 3001, "the rejects file has every one");
    assert!(
        !app.data.rejects().exists(),
        "no default rejects file when a path is given"
    );
}

#[test]
fn skip_invalid_loads_the_rest_and_writes_rejects() {
    let (dir, app) = fresh();
    let h = write(
        &dir,
        "h.csv",
        "kk,region,floor\n1101010101200001,11.01.01.2001,ceramic\n1101010101200002,11.01.01.2001,lava\n",
    );
    let p = write(
        &dir,
        "p.csv",
        "nik,kk,name,sex,birth_date,relation\n\
         1101011203800001,1101010101200001,Budi,L,1980-03-12,head\n\
         1101011203800002,1101010101200002,Joko,L,1980-03-12,head\n",
    );
    let rej = dir.path().join("rej.csv");
    let req = ImportRequest {
        rejects: Some(rej.clone()),
        dialect: Dialect::Excel,
        ..request(&h, &p)
    };
    let r = import::import(&app, &admin(), &req, &mut Silent).unwrap();
    assert!(r.committed && r.failure().is_none());
    assert_eq!(
        (
            r.summary.households_added,
            r.summary.persons_added,
            r.rows_rejected
        ),
        (1, 1, 2)
    );
    let bytes = std::fs::read(&rej).unwrap();
    assert!(bytes.starts_with("\u{feff}file;row;column;value;code;reason".as_bytes()));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("h.csv;3;floor;lava;code_unknown"), "{text}");
    assert!(
        text.contains("p.csv;3;kk;1101010101200002;household_rejected"),
        "{text}"
    );
}

#[test]
fn findings_are_recorded_not_rejected() {
    // Unknown village, NIK from an unknown district with a birth date and sex that disagree,
    // and one NIK in two households.
    let (_d, app) = imported(
        "kk,region\n1101010101200001,11.01.01.9999\n1101010101200002,11.01.01.2001\n",
        "nik,kk,name,sex,birth_date,relation\n\
         9901011203800001,1101010101200001,Budi,P,1980-12-03,head\n\
         1101015708850003,1101010101200001,Siti,P,1985-08-17,spouse\n\
         1101015708850003,1101010101200002,Siti,P,1985-08-17,head\n",
    );
    let v = show(&app, &admin(), "1101010101200001", false).unwrap();
    let mut rules: Vec<_> = v.findings.iter().map(|f| f.rule.as_str()).collect();
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

/// Two failed imports at the same moment (the app's clock is fixed) would name the same
/// default rejects file: each report keeps its own file.
#[test]
fn failed_imports_at_the_same_time_keep_every_report() {
    let (dir, app) = fresh();
    let p = write(&dir, "p.csv", PERSONS);
    let h1 = write(&dir, "h1.csv", HOUSEHOLDS.replace("ceramic", "lava"));
    let h2 = write(
        &dir,
        "h2.csv",
        HOUSEHOLDS.replace(",1,earth,", ",abc,earth,"),
    );
    let mut reports = Vec::new();
    for h in [&h1, &h2, &h1] {
        let r = import::import(&app, &admin(), &strict(h, &p), &mut Silent).unwrap();
        assert!(!r.committed);
        reports.push(r.rejects_file.unwrap());
    }
    let mut unique = reports.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 3, "{reports:?}");
    assert!(reports.iter().all(|r| r.starts_with(app.data.rejects())));
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    assert!(read(&reports[0]).contains("lava"));
    assert!(read(&reports[1]).contains("abc"));
    assert!(read(&reports[2]).contains("lava"));
}

/// Finding 13 of issue 10: a correction is refused what the import refuses, so a later step
/// never meets an absurd value.
#[test]
fn correct_refuses_what_import_refuses() {
    let (_d, app) = small();
    let before = digest(&app);
    for (field, value, wanted) in [
        (
            "consumption_per_capita",
            "9200000000000000000",
            "value_out_of_range",
        ),
        ("survey_weight", "1e308", "value_out_of_range"),
        ("address", "Jl. A\u{1b}[2J", "text_control_character"),
        ("declared_size", "-5", "amount_negative"),
    ] {
        let e = registry::correct(
            &app,
            &admin(),
            &correction("1101010101200001", None, field, value),
        )
        .unwrap_err();
        assert_eq!((e.kind, e.code), (ErrorKind::Invalid, wanted), "{field}");
    }
    assert_eq!(before, digest(&app));
}

/// A regional officer sees and corrects households of their region only; one outside it is
/// "not found" (its existence is not disclosed) and no access is recorded. Every read of a
/// household is in the access log, recorded by the store's read itself.
#[test]
fn a_regional_scope_limits_reads_and_corrections_and_reads_are_logged() {
    let (_d, app) = small();
    let district = officer(RegionCode::parse("11.01.01").unwrap());
    let elsewhere = officer(RegionCode::parse("32").unwrap());
    let before = access_log(&app).len();
    // Inside: the village 11.01.01.2001 lies in the district 11.01.01.
    let v = show(&app, &district, "1101010101200001", false).unwrap();
    assert_eq!(v.record.household.kk, kk("1101010101200001"));
    let log = access_log(&app);
    assert_eq!(log.len(), before + 1);
    assert_eq!(
        log.last().unwrap(),
        &(
            "officer-test".to_string(),
            "household_show".to_string(),
            1101010101200001
        )
    );
    // Outside (another province): the same answer as for a KK that does not exist.
    let outside = show(&app, &elsewhere, "1101010101200001", false).unwrap_err();
    let missing = show(&app, &admin(), "1101010101209999", false).unwrap_err();
    assert_eq!(
        (outside.kind, outside.code, missing.code),
        (
            ErrorKind::NotFound,
            "household_not_found",
            "household_not_found"
        )
    );
    assert_eq!(
        access_log(&app).len(),
        before + 1,
        "nothing shown, nothing logged"
    );
    // The log itself: an auditor reads it, narrowed to one actor; an officer may not.
    let mut auditor = admin();
    auditor.role = Role::Auditor;
    let by_officer = AccessFilter {
        actor: Some("officer-test".into()),
        ..AccessFilter::default()
    };
    let read = registry::access_log(&app, &auditor, &by_officer).unwrap();
    assert_eq!(read.len(), 1);
    assert_eq!(
        (read[0].action.as_str(), read[0].kk),
        ("household_show", Some(kk("1101010101200001")))
    );
    let e = registry::access_log(&app, &district, &AccessFilter::default()).unwrap_err();
    assert_eq!((e.code, e.kind), ("forbidden_role", ErrorKind::Forbidden));
    // Corrections: refused outside the scope, and a household cannot be moved out of it.
    let before = digest(&app);
    let e = registry::correct(
        &app,
        &elsewhere,
        &correction("1101010101200001", None, "floor", "earth"),
    )
    .unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (ErrorKind::NotFound, "household_not_found")
    );
    let e = registry::correct(
        &app,
        &district,
        &correction("1101010101200001", None, "region", "32.04.05.2001"),
    )
    .unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (ErrorKind::Forbidden, "correction_out_of_scope")
    );
    assert_eq!(before, digest(&app));
    let c = registry::correct(
        &app,
        &district,
        &correction("1101010101200001", None, "floor", "earth"),
    )
    .unwrap();
    assert_eq!(c.actor, "officer-test");
    // An auditor reads but does not correct.
    let mut auditor = admin();
    auditor.role = Role::Auditor;
    let e = registry::correct(
        &app,
        &auditor,
        &correction("1101010101200001", None, "floor", "wood"),
    )
    .unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Forbidden, "forbidden_role"));
}

#[test]
fn verify_finds_keeps_and_resolves() {
    // Household 1: two heads, declared size 3 for 2 members, a 9-year-old "head".
    // Household 2: no head; a child older than the head's spouse and head.
    // Household 3: clean.
    let (dir, app) = imported(
        "kk,region,declared_size\n\
         1101010101200001,11.01.01.2001,3\n\
         1101010101200002,11.01.01.2001,2\n\
         1101010101200003,11.01.01.2002,2\n",
        "nik,kk,name,sex,birth_date,relation\n\
         1101011203800001,1101010101200001,A,L,1980-03-12,head\n\
         1101010101170001,1101010101200001,B,L,2017-01-01,head\n\
         1101015203800002,1101010101200002,C,P,1980-03-12,spouse\n\
         1101011203750002,1101010101200002,D,L,1975-03-12,child\n\
         1101011203800003,1101010101200003,E,L,1980-03-12,head\n\
         1101015203820003,1101010101200003,F,P,1982-03-12,spouse\n",
    );
    let csv = dir.path().join("findings.csv");
    let req = VerifyRequest {
        region: None,
        outlier_sigmas: 3.5,
        csv: Some(csv.clone()),
        force: false,
        dialect: Dialect::Plain,
    };
    let r = verify::verify(&app, &admin(), &req, &mut NoProgress).unwrap();
    assert_eq!(r.by_rule.get("head_multiple"), Some(&1));
    assert_eq!(
        r.by_rule.get("head_too_young"),
        None,
        "two heads: the age rules need one head"
    );
    assert_eq!(r.by_rule.get("size_mismatch"), Some(&1));
    assert_eq!(r.by_rule.get("head_missing"), Some(&1));
    assert_eq!(r.new, 3);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.contains("head_multiple,error,new,11.01.01.2001,1101010101200001"),
        "{text}"
    );
    assert!(
        !text.contains("1101010101200003"),
        "the clean household has no finding"
    );

    // Fix household 1: the child becomes a child; run again: one finding resolved, others open.
    let mut fix = correction(
        "1101010101200001",
        Some("1101010101170001"),
        "relation",
        "child",
    );
    fix.reason = "KK asli".into();
    registry::correct(&app, &admin(), &fix).unwrap();
    let again = VerifyRequest {
        csv: None,
        ..req.clone()
    };
    let r = verify::verify(&app, &admin(), &again, &mut NoProgress).unwrap();
    assert_eq!((r.new, r.open, r.resolved), (0, 2, 1), "{r:?}");
    let v = show(&app, &admin(), "1101010101200001", false).unwrap();
    let statuses: Vec<(&str, &str)> = v
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.status.as_str()))
        .collect();
    assert!(
        statuses.contains(&("head_multiple", "resolved")),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&("size_mismatch", "open")),
        "{statuses:?}"
    );
    // A run over another region leaves these alone.
    let r = verify::verify(
        &app,
        &admin(),
        &VerifyRequest {
            region: Some(RegionCode::parse("11.01.01.2002").unwrap()),
            ..again
        },
        &mut NoProgress,
    )
    .unwrap();
    assert_eq!((r.households, r.resolved), (1, 0));
}

/// The configuration of `setara generate --households N --seed S` (and of the demo).
fn cli_config(households: u64, seed: u64) -> setara_synth::Config {
    let mut c = setara_synth::Config::new(households, seed);
    c.survey_fraction = 0.10;
    c.rates = setara_synth::ProblemRates::default();
    c
}

#[test]
fn generated_files_are_deterministic_and_import_cleanly() {
    let (dir, app) = fresh();
    let gen_ = |out: &str, dialect: Dialect| {
        let req = setara_app::generate::GenerateRequest {
            config: cli_config(1500, 9),
            out: dir.path().join(out),
            dialect,
            force: false,
        };
        setara_app::generate::generate(&app, &admin(), &req, &mut NoProgress).unwrap()
    };
    for out in ["a", "b"] {
        gen_(out, Dialect::Plain);
    }
    for f in [
        "households.csv",
        "persons.csv",
        "truth/problems.csv",
        "truth/persons.csv",
    ] {
        assert_eq!(
            std::fs::read(dir.path().join("a").join(f)).unwrap(),
            std::fs::read(dir.path().join("b").join(f)).unwrap(),
            "{f}"
        );
    }
    let files = |d: &str| {
        let d = dir.path().join(d);
        strict(&d.join("households.csv"), &d.join("persons.csv"))
    };
    let r = import::import(&app, &admin(), &files("a"), &mut Silent).unwrap();
    assert!(r.committed);
    assert_eq!(r.rows_rejected, 0);
    assert_eq!(r.summary.households_added, 1500);
    // The injected problems surface as findings.
    assert!(r.summary.findings > 0);
    // The Excel dialect (`;` and a BOM) holds the same registry and imports the same way.
    gen_("x", Dialect::Excel);
    let excel = std::fs::read_to_string(dir.path().join("x/persons.csv")).unwrap();
    let plain = std::fs::read_to_string(dir.path().join("a/persons.csv")).unwrap();
    assert!(excel.starts_with("\u{feff}nik;kk;name"));
    assert_eq!(excel.lines().count(), plain.lines().count());
    // Re-importing the same files changes nothing.
    let r = import::import(&app, &admin(), &files("a"), &mut Silent).unwrap();
    assert_eq!(
        (r.summary.changes, r.summary.households_unchanged),
        (0, 1500)
    );
    let r = import::import(&app, &admin(), &files("x"), &mut Silent).unwrap();
    assert!(r.committed);
    assert_eq!(
        r.summary.changes, 0,
        "the Excel files hold exactly the same registry"
    );
    assert_eq!(r.summary.persons_unchanged, r.persons_read);
}

#[test]
fn nik_lookups() {
    let (_d, app) = fresh();
    let c = setara_app::nik::check_nik(&app, "3204055708850003", None, None).unwrap();
    assert_eq!(c.sex, Sex::Female);
    assert_eq!(c.birth_date.as_deref(), Some("1985-08-17"));
    assert_eq!(c.district.to_string(), "32.04.05");
    assert!(c.problems.is_empty() && c.error().is_none());
    // A recorded sex that disagrees is the check's error.
    let c = setara_app::nik::check_nik(&app, "3204055708850003", None, Some("L")).unwrap();
    let e = c.error().unwrap();
    assert_eq!((e.kind, e.code), (ErrorKind::Invalid, "nik_sex_mismatch"));
    // Serial 0000 is no NIK.
    let e = setara_app::nik::check_nik(&app, "3204051708850000", None, None).unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Invalid, "nik_serial"));
}

/// Time comes from the app's clock, also for what the store stamps itself: a correction's
/// history row and the access log's rows carry the fixed clock's time, not the system's.
#[test]
fn the_store_stamps_with_the_apps_clock() {
    let (_d, app) = small();
    let change = registry::correct(
        &app,
        &admin(),
        &correction("1101010101200001", None, "floor", "wood"),
    )
    .unwrap();
    // The fixed clock's time (the fixture set it after T0), to the millisecond.
    let at = chrono::DateTime::from_timestamp(app.now(), 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    assert!(at.starts_with("2027-09-2"), "{at}");
    assert_eq!(change.at, at);
    let v = show(&app, &admin(), "1101010101200001", true).unwrap();
    assert_eq!(v.history.unwrap().last().unwrap().at, at);
    let log = registry::access_log(&app, &admin(), &AccessFilter::default()).unwrap();
    assert_eq!(log[0].at, at);
}
