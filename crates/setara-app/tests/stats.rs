//! Statistics in process: the region table and multidimensional poverty on a synthetic
//! registry, limited to a regional officer's scope; the table of a demo's registry with its
//! CSV, map and Lorenz curve, and stale after a correction; multidimensional poverty counted by
//! hand; measures on a file, against R's; error codes.

#[path = "../../../tests/common/registry.rs"]
mod registry;

use std::sync::Arc;

use setara_app::stats::{self, FileStatsRequest, MpiRequest, RegionTableRequest};
use setara_app::{App, Caller, DataDir, ErrorKind, FixedClock};
use setara_core::{Lang, Level, RegionCode};
use setara_snapshot::{Snapshot, SnapshotBuilder};
use setara_store::Actor;

const T0: i64 = 1_790_000_000;

struct Fixture {
    _dir: tempfile::TempDir,
    app: App,
    snap: Snapshot,
    /// Region of every household of the registry.
    regions: Vec<RegionCode>,
}

/// A synthetic registry of 4,000 households, snapshotted into an app's data directory once per
/// run of this file (the tests only read it).
fn fixture() -> &'static Fixture {
    static FIXTURE: std::sync::LazyLock<Fixture> = std::sync::LazyLock::new(build);
    &FIXTURE
}

fn build() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let app = App::with_clock(
        DataDir::new(dir.path().join("data")),
        Arc::new(FixedClock::new(T0)),
    );
    let mut sink = setara_synth::MemorySink::new();
    setara_synth::generate(&setara_synth::Config::new(4_000, 3), &mut sink, &mut |_| {}).unwrap();
    let mut b = SnapshotBuilder::new();
    let mut regions = Vec::new();
    for h in &sink.households {
        b.add(&h.household, &h.members).unwrap();
        regions.push(h.household.region);
    }
    b.write(&app.data.snapshots()).unwrap();
    let snap = stats::latest_snapshot(&app).unwrap().snapshot;
    Fixture {
        _dir: dir,
        app,
        snap,
        regions,
    }
}

fn admin() -> Caller {
    Caller::administrator(Actor("uji".into()), Lang::En)
}

fn officer(region: &str) -> Caller {
    Caller::officer(
        Actor("petugas".into()),
        Lang::En,
        Some(RegionCode::parse(region).unwrap()),
    )
}

fn table(level: Level, region: Option<&str>) -> RegionTableRequest {
    RegionTableRequest {
        level,
        region: region.map(|r| RegionCode::parse(r).unwrap()),
        measures: vec![],
        period: "2024-03".into(),
        lorenz: false,
        gini_convey: false,
    }
}

#[test]
fn a_regional_officer_sees_only_their_region() {
    let f = fixture();
    let jabar = RegionCode::parse("32").unwrap();
    let in_jabar = f.regions.iter().filter(|r| r.is_within(jabar)).count() as u64;
    assert!(in_jabar > 0 && in_jabar < f.regions.len() as u64);

    // An administrator: every province, and the nation.
    let all =
        stats::region_table(&f.app, &admin(), &f.snap, &table(Level::Province, None)).unwrap();
    assert!(all.rows.len() > 2);
    let nation = all.rows.last().unwrap();
    assert_eq!((nation.name.as_str(), nation.code), ("INDONESIA", None));
    assert_eq!(nation.households, f.regions.len() as u64);
    assert_eq!(all.measures, ["mean", "fgt0", "gini"]);

    // The officer of Jawa Barat, by regency: rows of Jawa Barat only, the total is Jawa Barat.
    let t = stats::region_table(
        &f.app,
        &officer("32"),
        &f.snap,
        &table(Level::Regency, None),
    )
    .unwrap();
    let (total, rows) = t.rows.split_last().unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r.code.unwrap().is_within(jabar)),
        "rows outside the scope"
    );
    assert_eq!(total.code, Some(jabar));
    assert_eq!(total.households, in_jabar);
    // By province the officer gets one row, not the others.
    let t = stats::region_table(
        &f.app,
        &officer("32"),
        &f.snap,
        &table(Level::Province, None),
    )
    .unwrap();
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[0].code, Some(jabar));
    // A region inside the scope narrows it; one outside is refused.
    let e = stats::region_table(
        &f.app,
        &officer("32"),
        &f.snap,
        &table(Level::Regency, Some("11")),
    )
    .unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (ErrorKind::Forbidden, "region_out_of_scope")
    );

    // Multidimensional poverty: the same scope.
    let req = MpiRequest {
        level: Level::Regency,
        region: None,
    };
    let m = stats::mpi(&f.app, &officer("32"), &f.snap, &req).unwrap();
    assert!(!m.rows.is_empty());
    assert!(m.rows.iter().all(|r| r.code.is_within(jabar)));
    assert!(m.households as u64 <= in_jabar);
    let everyone = stats::mpi(&f.app, &admin(), &f.snap, &req).unwrap();
    assert!(everyone.rows.iter().any(|r| !r.code.is_within(jabar)));
    let e = stats::mpi(
        &f.app,
        &officer("32"),
        &f.snap,
        &MpiRequest {
            level: Level::Province,
            region: Some(RegionCode::parse("11").unwrap()),
        },
    )
    .unwrap_err();
    assert_eq!(e.code, "region_out_of_scope");
}

#[test]
fn small_cells_are_suppressed_and_never_computed() {
    let f = fixture();
    let t = stats::region_table(&f.app, &admin(), &f.snap, &table(Level::District, None)).unwrap();
    let small: Vec<_> = t
        .rows
        .iter()
        .filter(|r| r.surveyed < setara_stats::disclosure::MIN_CELL)
        .collect();
    assert!(!small.is_empty());
    assert!(small.iter().all(|r| r.suppressed && r.measures.is_empty()));
    assert_eq!(t.min_surveyed, setara_stats::disclosure::MIN_CELL);
}

#[test]
fn region_table_errors_have_codes() {
    let f = fixture();
    let mut req = table(Level::Province, None);
    req.measures = vec!["happiness".into()];
    let e = stats::region_table(&f.app, &admin(), &f.snap, &req).unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (ErrorKind::Invalid, "stats_unknown_measure")
    );
    let mut req = table(Level::Province, None);
    req.period = "1999-01".into();
    let e = stats::region_table(&f.app, &admin(), &f.snap, &req).unwrap_err();
    assert_eq!(e.code, "bps_period_unknown");
    // No snapshot yet.
    let dir = tempfile::tempdir().unwrap();
    let empty = App::new(DataDir::new(dir.path()));
    let e = stats::latest_snapshot(&empty).err().unwrap();
    assert_eq!((e.kind, e.code), (ErrorKind::NotFound, "snapshot_missing"));
}

#[test]
fn measures_of_a_file_with_notes_and_codes() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(DataDir::new(dir.path().join("data")));
    let csv = dir.path().join("survey.csv");
    std::fs::write(&csv, "x,w,g\n0,1,a\n1,2,a\n2,1,b\n3,1,b\n,1,a\n4,0,b\n").unwrap();
    let req = FileStatsRequest {
        path: csv.clone(),
        value: "x".into(),
        weight: Some("w".into()),
        group: Some("g".into()),
        se: true,
        poverty_line: Some(1.5),
        ..FileStatsRequest::default()
    };
    // A file is not registry data: a regional officer may measure it.
    let s = stats::file_stats(&app, &officer("32"), &req).unwrap();
    assert_eq!((s.n, s.skipped_empty, s.skipped_zero_weight), (4, 1, 1));
    assert!(s.values["gini"].is_some() && s.values["theil_l"].is_none());
    assert!(s.se.as_ref().unwrap().contains_key("fgt0"));
    assert!(s.notes.iter().any(|n| matches!(
        n,
        stats::Note::Undefined { about, code: "stats_invalid_input", .. } if about == "theil_l"
    )));
    let groups = s.groups.as_ref().unwrap();
    assert_eq!(
        groups.iter().map(|g| g.group.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    let csv_bytes = stats::export::file_csv(&s, false);
    assert!(
        String::from_utf8(csv_bytes)
            .unwrap()
            .starts_with("measure,value,se\n")
    );

    let e = stats::file_stats(
        &app,
        &admin(),
        &FileStatsRequest {
            value: "y".into(),
            ..req.clone()
        },
    )
    .unwrap_err();
    assert_eq!(e.code, "column_not_found");
    let e = stats::file_stats(
        &app,
        &admin(),
        &FileStatsRequest {
            poverty_line: Some(0.0),
            ..req.clone()
        },
    )
    .unwrap_err();
    assert_eq!(e.code, "stats_bad_line");
    std::fs::write(&csv, "x\n1\nNaN\n").unwrap();
    let e = stats::file_stats(
        &app,
        &admin(),
        &FileStatsRequest {
            path: csv,
            value: "x".into(),
            ..FileStatsRequest::default()
        },
    )
    .unwrap_err();
    assert_eq!(e.code, "value_invalid");
}

// ---------------------------------------------------------------------------------------------
// Measures of a file against R (convey, laeken): the reference data of the statistics crate.

fn ineq(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../setara-stats/tests/data/ineq")
        .join(name)
}

/// A value of R's results, by its path (`convey_weighted/svyfgt_abs_g0/estimate`).
fn reference(path: &str) -> f64 {
    static R: std::sync::LazyLock<serde_json::Value> = std::sync::LazyLock::new(|| {
        serde_json::from_str(&std::fs::read_to_string(ineq("results_R.json")).unwrap()).unwrap()
    });
    let mut v = &*R;
    for p in path.split('/') {
        v = &v[p];
    }
    v.as_f64().unwrap_or_else(|| panic!("{path}"))
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300)
}

fn file_app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(DataDir::new(dir.path().join("data")));
    (dir, app)
}

#[test]
fn measures_of_a_file_match_r_and_name_their_keys() {
    let (_d, app) = file_app();
    let req = FileStatsRequest {
        path: ineq("data_lognormal_n10000_seed42.csv"),
        value: "income".into(),
        weight: Some("weight".into()),
        group: Some("region".into()),
        se: true,
        poverty_line: Some(15f64.exp()),
        ..FileStatsRequest::default()
    };
    let s = stats::file_stats(&app, &admin(), &req).unwrap();
    let se = s.se.as_ref().unwrap();
    for key in [
        "gini",
        "theil_t",
        "theil_l",
        "ge2",
        "atkinson_0_5",
        "atkinson_1",
        "atkinson_2",
        "palma",
        "s80_s20",
        "s80_s20_quantile",
        "fgt0",
        "fgt1",
        "fgt2",
    ] {
        assert!(matches!(s.values.get(key), Some(Some(_))), "{key} missing");
        assert!(se.contains_key(key), "se.{key} missing");
    }
    assert_eq!(s.n, 10_000);
    let f = |k: &str| s.values[k].unwrap();
    let e = |k: &str| se[k].unwrap();
    // Estimates to 1e-9, standard errors to 1e-6 relative (the reference README's table).
    assert!(
        close(
            f("gini"),
            reference("laeken/gini_weighted_pct") / 100.0,
            1e-9
        ),
        "{}",
        f("gini")
    );
    for (key, r) in [
        ("theil_t", "convey_weighted/svygei_eps1_TheilT"),
        ("theil_l", "convey_weighted/svygei_eps0_TheilL"),
        ("ge2", "convey_weighted/svygei_eps2"),
        ("atkinson_0_5", "convey_weighted/svyatk_eps0.5"),
        ("atkinson_1", "convey_weighted/svyatk_eps1"),
        ("atkinson_2", "convey_weighted/svyatk_eps2"),
        ("s80_s20_quantile", "convey_weighted/svyqsr_S80S20"),
        ("fgt0", "convey_weighted/svyfgt_abs_g0"),
        ("fgt1", "convey_weighted/svyfgt_abs_g1"),
        ("fgt2", "convey_weighted/svyfgt_abs_g2"),
    ] {
        assert!(
            close(f(key), reference(&format!("{r}/estimate")), 1e-9),
            "{key}: {} vs {r}",
            f(key)
        );
        assert!(
            close(e(key), reference(&format!("{r}/se")), 1e-6),
            "se {key}: {} vs {r}",
            e(key)
        );
    }
    assert!(close(
        f("palma"),
        reference("convey_weighted/palma_from_svylorenz"),
        1e-9
    ));
    assert!(close(
        f("s80_s20"),
        reference("convey_weighted/s80s20_from_svylorenz"),
        1e-9
    ));
    // Decomposition by region, as convey's svygeidec.
    let dec = s.decomposition.as_ref().unwrap();
    for (key, r) in [
        ("theil_t", "convey_weighted/svygeidec_eps1"),
        ("theil_l", "convey_weighted/svygeidec_eps0"),
    ] {
        let d = dec[key].as_ref().unwrap();
        assert!(
            close(d.between, reference(&format!("{r}/between")), 1e-9),
            "{key} between"
        );
        assert!(
            close(d.within, reference(&format!("{r}/within")), 1e-9),
            "{key} within"
        );
        assert!(
            close(
                d.se.as_ref().unwrap().within.unwrap(),
                reference(&format!("{r}/se_within")),
                1e-6
            ),
            "{key} se within"
        );
    }
    let groups = s.groups.as_ref().unwrap();
    assert_eq!(groups.len(), 34);
    assert_eq!(groups[0].group, "R01");
    assert_eq!(groups.iter().map(|g| g.n).sum::<usize>(), 10_000);

    // The relative line: the at-risk-of-poverty rate at 60 % of the weighted median.
    let s = stats::file_stats(
        &app,
        &admin(),
        &FileStatsRequest {
            group: None,
            poverty_line: None,
            relative_line: Some(0.6),
            ..req
        },
    )
    .unwrap();
    assert!(close(
        s.values["fgt0"].unwrap(),
        reference("convey_weighted/svyfgt_relq_g0_60pct_median/estimate"),
        1e-9
    ));
    assert!(close(
        s.se.as_ref().unwrap()["fgt0"].unwrap(),
        reference("convey_weighted/svyfgt_relq_g0_60pct_median/se"),
        1e-6
    ));
}

#[test]
fn measures_of_a_file_say_why_they_are_undefined() {
    let (dir, app) = file_app();
    let file = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        FileStatsRequest {
            path: p,
            value: "x".into(),
            ..FileStatsRequest::default()
        }
    };
    let zero = file("zero.csv", "x\n0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n");
    let s = stats::file_stats(&app, &admin(), &zero).unwrap();
    assert_eq!((s.values["theil_l"], s.values["atkinson_1"]), (None, None));
    assert!(s.values["gini"].is_some() && s.values["theil_t"].is_some());
    assert!(
        s.notes.iter().any(|n| matches!(
            n,
            stats::Note::Undefined { about, code: "stats_invalid_input", .. } if about == "theil_l"
        )),
        "{:?}",
        s.notes
    );
    // Dropping zero and negative values says so; then everything is defined.
    let s = stats::file_stats(
        &app,
        &admin(),
        &FileStatsRequest {
            positive_only: true,
            ..zero
        },
    )
    .unwrap();
    assert_eq!((s.n, s.dropped), (9, 1));
    assert!(s.values["theil_l"].is_some());
    assert!(
        s.notes
            .iter()
            .any(|n| matches!(n, stats::Note::DroppedNonPositive { rows: 1 }))
    );
    // Negative values: the measures of incomes are undefined, the poverty ones are not.
    let neg = FileStatsRequest {
        poverty_line: Some(2.5),
        ..file("neg.csv", "x\n-5\n1\n2\n3\n")
    };
    let s = stats::file_stats(&app, &admin(), &neg).unwrap();
    // Three of four below 2.5 (a negative income is below any line).
    assert_eq!((s.values["gini"], s.values["fgt0"]), (None, Some(0.75)));
    // NaN, text and empty files are errors that name the row; an empty value cell is skipped.
    let e = stats::file_stats(&app, &admin(), &file("nan.csv", "x\n1\nNaN\n")).unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Invalid, "value_invalid"));
    // The message names the file and the line, in both languages.
    assert!(
        e.id.contains("nan.csv:3") && e.en.contains("nan.csv:3"),
        "{e}"
    );
    let e = stats::file_stats(&app, &admin(), &file("empty.csv", "x\n")).unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Invalid, "stats_empty"));
    let gap = file("gap.csv", "x\n1\n\n2\n,\n");
    let s = stats::file_stats(&app, &admin(), &gap).unwrap();
    assert_eq!(s.n, 2);
    let e = stats::file_stats(
        &app,
        &admin(),
        &FileStatsRequest {
            value: "y".into(),
            ..gap
        },
    )
    .unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Invalid, "column_not_found"));
}

// ---------------------------------------------------------------------------------------------
// The registry of a demo: the table by region with its pictures, and what a correction does.

#[test]
fn the_registry_by_region_with_pictures() {
    let dir = tempfile::tempdir().unwrap();
    // A fixed clock: the snapshot and the store stamp their times from it.
    let clock = Arc::new(FixedClock::new(T0));
    let app = App::with_clock(DataDir::new(dir.path().join("data")), clock.clone());
    registry::demo(&app, 6000, 5);
    let latest = stats::latest_snapshot(&app).unwrap();
    assert!(!latest.stale, "a fresh snapshot");
    let req = RegionTableRequest {
        measures: vec!["gini".into(), "fgt0".into(), "theil_t".into()],
        lorenz: true,
        ..table(Level::Province, None)
    };
    let t = stats::region_table(&app, &admin(), &latest.snapshot, &req).unwrap();
    assert_eq!(t.rows.len(), 39, "38 provinces and the nation");
    let nation = &t.rows[38];
    assert_eq!((nation.name.as_str(), nation.code), ("INDONESIA", None));
    assert_eq!(nation.bps_gini, Some(0.379));
    assert!(nation.measures["gini"].unwrap() > 0.3);
    assert!(nation.se["gini"].unwrap() > 0.0);
    let mut suppressed = 0;
    for r in &t.rows {
        if r.surveyed < setara_stats::disclosure::MIN_CELL {
            suppressed += 1;
            assert!(r.suppressed);
            assert!(
                r.measures.is_empty(),
                "suppressed cells are never computed or shown"
            );
        }
    }
    assert!(
        suppressed > 0,
        "6,000 households leave some provinces under 10 surveyed"
    );
    let csv = String::from_utf8(stats::export::region_csv(&t, true, true)).unwrap();
    assert!(
        csv.starts_with(
            "\u{feff}code;name;households;persons;surveyed;suppressed;gini;gini_se;fgt0"
        ),
        "{csv}"
    );
    let map = stats::export::province_map_svg(&t, Lang::En);
    assert!(
        map.starts_with("<svg") && map.matches("<title>").count() >= 38,
        "one title per province"
    );
    let lorenz = stats::export::lorenz_svg(&[t.lorenz.as_ref().unwrap()], Lang::En);
    assert!(lorenz.contains("INDONESIA") && lorenz.contains("Gini"));

    // By regency inside one province; the total row is the province.
    let t = stats::region_table(
        &app,
        &admin(),
        &latest.snapshot,
        &table(Level::Regency, Some("32")),
    )
    .unwrap();
    let jabar = RegionCode::parse("32").unwrap();
    let (total, rows) = t.rows.split_last().unwrap();
    assert!(rows.len() > 20);
    assert!(rows.iter().all(|r| r.code.unwrap().is_within(jabar)));
    assert_eq!(
        (total.name.as_str(), total.code),
        ("Jawa Barat", Some(jabar))
    );
    // Standard errors come with every registry row.
    assert!(total.se["gini"].unwrap() > 0.0);

    // After a correction the snapshot is older than the registry: the result says so (the
    // times compared have whole seconds).
    clock.set(T0 + 2);
    let kk = std::fs::read_to_string(app.data.root().join("input/households.csv"))
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()[..16]
        .to_string();
    setara_app::registry::correct(
        &app,
        &admin(),
        &setara_app::registry::CorrectRequest {
            kk: setara_core::Kk::parse(&kk).unwrap(),
            nik: None,
            field: "rt".into(),
            value: Some("999".into()),
            reason: "uji".into(),
        },
    )
    .unwrap();
    assert!(stats::latest_snapshot(&app).unwrap().stale);
}

/// Alkire-Foster on three households whose deprivations are counted by hand.
#[test]
fn multidimensional_poverty_on_a_registry_computed_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::with_clock(
        DataDir::new(dir.path().join("data")),
        Arc::new(FixedClock::new(T0)),
    );
    std::fs::create_dir_all(app.data.root()).unwrap();
    let dwelling = "pln_metered,private,piped,ceramic,clay_tile,masonry,lpg_3kg,1,1,0";
    let h = dir.path().join("h.csv");
    let p = dir.path().join("p.csv");
    std::fs::write(
        &h,
        format!(
            "kk,region,electricity,toilet,water_source,floor,roof,wall,cooking_fuel,asset_motorcycle,asset_television,asset_car\n\
             1101010101200001,11.01.01.2001,pln_metered,none,piped,ceramic,clay_tile,masonry,lpg_3kg,1,1,0\n\
             1101010101200002,11.01.01.2001,none,private,surface,earth,clay_tile,masonry,firewood,0,0,0\n\
             1101010101200003,11.01.01.2001,{dwelling}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        &p,
        "nik,kk,name,sex,birth_date,relation,education,health_insurance,chronic_illness,disability,school_attendance\n\
         1101011203800001,1101010101200001,A,L,1980-03-12,head,none,none,0,none,\n\
         1101015203800001,1101010101200001,B,P,1980-03-12,spouse,none,jkn_pbi,0,none,\n\
         1101011203800002,1101010101200002,C,L,1980-03-12,head,primary,jkn_pbi,0,none,\n\
         1101011203800003,1101010101200003,D,L,1980-03-12,head,senior_secondary,jkn_contributory,1,none,\n\
         1101015203800003,1101010101200003,E,P,1980-03-12,spouse,senior_secondary,jkn_contributory,0,none,\n\
         1101010101160001,1101010101200003,F,L,2016-01-01,child,primary_incomplete,jkn_contributory,0,none,not_attending\n",
    )
    .unwrap();
    let req = setara_app::registry::import::ImportRequest {
        households: h,
        persons: p,
        skip_invalid: false,
        rejects: None,
        force: false,
        dialect: setara_app::model::Dialect::Plain,
    };
    let r = setara_app::registry::import::import(
        &app,
        &admin(),
        &req,
        &mut setara_app::registry::import::Silent,
    )
    .unwrap();
    assert!(r.committed, "{:?}", r.rejections);
    let store = app.reader().unwrap();
    setara_app::registry::take_snapshot(&app, store.as_ref(), &mut setara_app::NoProgress).unwrap();
    drop(store);
    let snap = stats::latest_snapshot(&app).unwrap().snapshot;
    let m = stats::mpi(
        &app,
        &admin(),
        &snap,
        &MpiRequest {
            level: Level::Province,
            region: None,
        },
    )
    .unwrap();
    // Household 1 (2 persons): schooling 3 + health insurance 3 + sanitation 1 = 7/18, poor.
    // Household 2 (1 person): electricity, water, housing, cooking fuel, assets = 5/18, not poor.
    // Household 3 (3 persons): a child out of school 3 + illness 3 = 6/18, exactly at k: poor.
    // H = 5/6, A = (2·7 + 3·6)/(5·18) = 32/90, M0 = 32/108.
    let o = &m.overall;
    assert!((o.headcount.value - 5.0 / 6.0).abs() < 1e-12);
    assert!((o.intensity.as_ref().unwrap().value - 32.0 / 90.0).abs() < 1e-12);
    assert!((o.mpi.value - 32.0 / 108.0).abs() < 1e-12);
    let get = |c: &str| {
        m.indicators
            .iter()
            .find(|i| i.code == c)
            .unwrap()
            .uncensored_headcount
    };
    assert!((get("schooling") - 2.0 / 6.0).abs() < 1e-12);
    assert!((get("school_attendance") - 3.0 / 6.0).abs() < 1e-12);
    assert!((get("assets") - 1.0 / 6.0).abs() < 1e-12);
    assert!((get("electricity") - 1.0 / 6.0).abs() < 1e-12);
    // Three households in one province: the province row is suppressed, never computed.
    assert_eq!(m.rows.len(), 1);
    assert!(m.rows[0].suppressed && m.rows[0].result.is_none());
}
