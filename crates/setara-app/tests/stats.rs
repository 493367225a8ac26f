//! Statistics in process: the region table and multidimensional poverty on a synthetic
//! registry, limited to a regional officer's scope; measures on a file; error codes.

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

/// A synthetic registry of 4,000 households, snapshotted into an app's data directory.
fn fixture() -> Fixture {
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
