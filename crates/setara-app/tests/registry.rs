//! The registry's bulk operations in process: generate, import (with its rejects report and
//! the refusal of a regional scope), verify and deduplicate as an administrator and as a
//! regional officer. Errors are checked by code.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use setara_app::registry::dedup::{self, DedupPersonsRequest};
use setara_app::registry::import::{self, ImportRequest, Silent};
use setara_app::registry::verify::{self, VerifyRequest};
use setara_app::{App, Caller, DataDir, ErrorKind, FixedClock, NoProgress, Role};
use setara_core::{Lang, RegionCode};
use setara_registry::writer::Dialect;
use setara_store::Actor;

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

/// A data directory holding the generated registry.
fn loaded() -> (tempfile::TempDir, App) {
    let (dir, app) = fresh();
    let (h, p) = files();
    let r = import::import(&app, &admin(), &request(&h, &p), &mut Silent).unwrap();
    assert!(r.committed && r.failure().is_none());
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
