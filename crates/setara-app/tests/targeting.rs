//! Ranking and targeting in process, on a synthetic Jawa Barat registry (built once per run of
//! this file, copied for each test): rank, preview, freeze, compare, beneficiary rows, explain,
//! overlap and reach; the same with a regional officer's scope; and the codes of the refusals.

#[path = "../../../tests/common/fixture.rs"]
mod common;

use std::sync::OnceLock;

use setara_app::explain::{ExplainRequest, Explanation};
use setara_app::overlap::{OverlapRequest, ReachRequest};
use setara_app::ranking::{RankProgress, RankRequest};
use setara_app::targeting::{
    BeneficiariesRequest, CompareRequest, FreezeRequest, PreviewRequest, TruthSource,
};
use setara_app::{App, Caller, DataDir, ErrorKind, NoProgress};
use setara_core::{Household, Kk, Lang, Level, Person, RegionCode};
use setara_store::{Actor, ImportMeta, SaveMode};

/// A regency of Jawa Barat (Kabupaten Bogor) and another province (Jawa Tengah).
const BOGOR: &str = "32.01";
const JATENG: &str = "33";

struct Collect(Vec<(Household, Vec<Person>)>);

impl setara_synth::Sink for Collect {
    fn household(
        &mut self,
        household: &Household,
        members: &[Person],
    ) -> Result<(), setara_synth::Error> {
        self.0.push((household.clone(), members.to_vec()));
        Ok(())
    }
}

fn admin() -> Caller {
    Caller::administrator(Actor("petugas-uji".into()), Lang::En)
}

fn officer(region: &str) -> Caller {
    Caller::officer(
        Actor("petugas-bogor".into()),
        Lang::En,
        Some(RegionCode::parse(region).unwrap()),
    )
}

fn app(dir: &tempfile::TempDir) -> App {
    App::new(DataDir::new(dir.path().join("data")))
}

fn programme(app: &App, file: &str) {
    let toml = std::fs::read_to_string(format!(
        "{}/../../examples/programmes/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let p = setara_targeting::Programme::from_toml(&toml).unwrap();
    setara_app::programme::save(app, &admin(), &p, "test", SaveMode::Create).unwrap();
}

/// 3,000 households of Jawa Barat, imported and ranked, with PKH-JABAR defined.
fn build() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&dir);
    std::fs::create_dir_all(app.data.root()).unwrap();
    let mut config = setara_synth::Config::new(3000, 7);
    config.rates = setara_synth::ProblemRates::none();
    config.survey_fraction = 0.3;
    let mut sink = Collect(Vec::new());
    setara_synth::generate_province(
        &config,
        RegionCode::parse("32").unwrap(),
        3000,
        &mut sink,
        &mut |_| {},
    )
    .unwrap();
    let mut store = app.data.open_store().unwrap();
    let mut session = store
        .begin_import(ImportMeta {
            actor: Actor("uji".into()),
            mode: "all_or_nothing".into(),
        })
        .unwrap();
    let hf = session.add_source("households", "households.csv").unwrap();
    for (row, (h, _)) in sink.0.iter().enumerate() {
        session.household(hf, row as u64 + 2, h).unwrap();
    }
    let pf = session.add_source("persons", "persons.csv").unwrap();
    let mut row = 2;
    for (_, members) in &sink.0 {
        for p in members {
            session.person(pf, row, p).unwrap();
            row += 1;
        }
    }
    session.finalize().unwrap();
    session.commit().unwrap();
    drop(store);
    let r = setara_app::ranking::rank(
        &app,
        &admin(),
        &RankRequest { folds: 3 },
        RankProgress {
            snapshot: &mut NoProgress,
            fitting: &mut NoProgress,
            scoring: &mut NoProgress,
        },
    )
    .unwrap();
    assert_eq!(r.households, 3000);
    assert_eq!(r.households_by_desil.iter().sum::<u64>(), 3000);
    programme(&app, "pkh-jabar.toml");
    dir
}

fn registry() -> (tempfile::TempDir, App) {
    static BUILT: OnceLock<(tempfile::TempDir, ())> = OnceLock::new();
    let (dir, ()) = common::copied(&BUILT, || (build(), ()));
    let app = app(&dir);
    (dir, app)
}

fn access_log(app: &App, action: &str) -> Vec<(String, String)> {
    let db = rusqlite::Connection::open(app.data.store_path()).unwrap();
    let mut st = db
        .prepare("SELECT actor, kk FROM access_log WHERE action = ?1 ORDER BY id")
        .unwrap();
    st.query_map([action], |r| {
        Ok((r.get(0)?, r.get::<_, i64>(1)?.to_string()))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn preview_freeze_export_explain_overlap_and_reach() {
    let (_dir, app) = registry();
    let pkh = || PreviewRequest {
        programme: "PKH-JABAR".into(),
    };
    let all = setara_app::targeting::preview(&app, &admin(), &pkh()).unwrap();
    assert!(!all.stale);
    assert!(all.eligible_households > 50, "{all:?}");
    assert_eq!(all.cost, all.eligible_households as i64 * 750_000);
    assert_eq!(
        all.regions.iter().map(|r| r.households).sum::<u64>(),
        all.eligible_households
    );

    let frozen = setara_app::targeting::freeze(
        &app,
        &admin(),
        &FreezeRequest {
            programme: "PKH-JABAR".into(),
            cycle: None,
        },
    )
    .unwrap();
    assert_eq!(frozen.cycle, 1);
    assert_eq!(frozen.eligible, all.eligible_households);
    assert_eq!(frozen.content_hash.len(), 64);
    // A frozen cycle is never replaced.
    let e = setara_app::targeting::freeze(
        &app,
        &admin(),
        &FreezeRequest {
            programme: "PKH-JABAR".into(),
            cycle: Some(1),
        },
    )
    .unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Conflict, "selection_exists"));

    let list = setara_app::targeting::beneficiaries(
        &app,
        &admin(),
        &BeneficiariesRequest {
            programme: "PKH-JABAR".into(),
            cycle: None,
        },
    )
    .unwrap();
    assert_eq!(list.rows.len() as u64, frozen.selected);
    assert!(list.rows.iter().all(|r| !r.head.is_empty()));
    // Every name read is in the access log, by the caller.
    assert_eq!(
        access_log(&app, "export_beneficiaries").len(),
        list.rows.len()
    );
    let first = list.rows[0].kk;

    let explain = |caller: &Caller, kk: Kk| {
        setara_app::explain::explain(
            &app,
            caller,
            &ExplainRequest {
                kk,
                programme: "PKH-JABAR".into(),
                cycle: None,
            },
        )
    };
    let x = explain(&admin(), first).unwrap();
    assert!(x.eligible && x.selected);
    assert!(matches!(
        x.explanation,
        Explanation::Selected {
            cycle: 1,
            position: 1,
            ..
        }
    ));
    assert_eq!(
        access_log(&app, "explain"),
        [("petugas-uji".to_string(), first.to_string())]
    );
    // A household that is not eligible says which clauses failed.
    let store = app.data.open_store().unwrap();
    let ranked = setara_app::ranking::load_ranking(&app, store.as_ref()).unwrap();
    let rich = (0..ranked.snapshot.household_count())
        .find(|&h| ranked.columns.desil[h] == 10)
        .map(|h| Kk::from_u64(ranked.snapshot.kk().values()[h]).unwrap())
        .unwrap();
    match explain(&admin(), rich).unwrap().explanation {
        Explanation::NotEligible {
            cycle: Some(1),
            failed_clauses,
        } => assert_eq!(failed_clauses, ["desil <= 4"]),
        other => panic!("{other:?}"),
    }

    let overlap = setara_app::overlap::overlap(
        &app,
        &admin(),
        &OverlapRequest {
            by: Level::Regency,
            region: None,
            poor_desil: 2,
        },
    )
    .unwrap();
    assert_eq!(overlap.total.households, 3000);
    assert_eq!(overlap.total.served, frozen.selected);

    let reach = setara_app::overlap::reach(
        &app,
        &admin(),
        &ReachRequest {
            programme: "PKH-JABAR".into(),
            cycle: None,
            by: Level::Regency,
        },
    )
    .unwrap();
    assert_eq!(reach.households, frozen.selected);
    for r in &reach.regions {
        match r.cell.households {
            Some(n) => assert!(n >= 10 || n == 0, "{r:?}"),
            None => assert!(r.cell.suppressed),
        }
    }
}

/// A regional officer previews, compares, exports, explains and counts the households of their
/// region only; freezing a programme wider than the region and ranking the nation are refused.
#[test]
fn a_regional_scope_limits_every_read() {
    let (_dir, app) = registry();
    let bogor = officer(BOGOR);
    let in_bogor = |r: &str| r.starts_with("32.01");
    let pkh = PreviewRequest {
        programme: "PKH-JABAR".into(),
    };
    let all = setara_app::targeting::preview(&app, &admin(), &pkh).unwrap();
    let mine = setara_app::targeting::preview(&app, &bogor, &pkh).unwrap();
    assert!(mine.eligible_households > 0);
    assert!(mine.eligible_households < all.eligible_households);
    assert!(mine.regions.iter().all(|r| in_bogor(&r.region.to_string())));
    assert_eq!(
        all.regions
            .iter()
            .find(|r| r.region.to_string() == BOGOR)
            .unwrap()
            .households,
        mine.eligible_households
    );
    // An officer of another province sees no one.
    let other = setara_app::targeting::preview(&app, &officer(JATENG), &pkh).unwrap();
    assert_eq!(other.eligible_households, 0);

    // Freezing decides over the programme's whole area (Jawa Barat): not Bogor's to decide.
    let freeze = FreezeRequest {
        programme: "PKH-JABAR".into(),
        cycle: None,
    };
    let e = setara_app::targeting::freeze(&app, &bogor, &freeze).unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (ErrorKind::Forbidden, "selection_out_of_scope")
    );
    // A province's officer may freeze the province's programme.
    let frozen = setara_app::targeting::freeze(&app, &officer("32"), &freeze).unwrap();

    let compare = |caller: &Caller| {
        setara_app::targeting::compare(
            &app,
            caller,
            &CompareRequest {
                programme: "PKH-JABAR".into(),
                alternatives: vec!["desil <= 3".into()],
                truth: None,
                bps_period: "2024-03".into(),
                very_poor: 0.5,
            },
        )
        .unwrap()
    };
    let (c_all, c_mine) = (compare(&admin()), compare(&bogor));
    assert!(matches!(c_all.truth, TruthSource::Survey));
    assert_eq!(c_mine.alternatives.len(), 2);
    assert_eq!(
        c_mine.alternatives[0].eligible_households,
        mine.eligible_households
    );
    assert!(
        c_mine.alternatives[1].households_with_truth < c_all.alternatives[1].households_with_truth
    );
    assert!(
        c_mine.alternatives[0].selected_within_budget
            < c_all.alternatives[0].selected_within_budget
    );

    let list = |caller: &Caller| {
        setara_app::targeting::beneficiaries(
            &app,
            caller,
            &BeneficiariesRequest {
                programme: "PKH-JABAR".into(),
                cycle: None,
            },
        )
        .unwrap()
    };
    let mine_rows = list(&bogor);
    assert!(!mine_rows.rows.is_empty());
    assert!(mine_rows.rows.len() < frozen.selected as usize);
    assert!(mine_rows.rows.iter().all(|r| in_bogor(&r.region)));
    let logged = access_log(&app, "export_beneficiaries");
    assert_eq!(logged.len(), mine_rows.rows.len());
    assert!(logged.iter().all(|(actor, _)| actor == "petugas-bogor"));
    let everyone = list(&admin());
    let outside = everyone
        .rows
        .iter()
        .find(|r| !in_bogor(&r.region))
        .unwrap()
        .kk;

    // Explain: a household outside the region is not found, and nothing is logged.
    let explain = |caller: &Caller, kk: Kk| {
        setara_app::explain::explain(
            &app,
            caller,
            &ExplainRequest {
                kk,
                programme: "PKH-JABAR".into(),
                cycle: None,
            },
        )
    };
    let e = explain(&bogor, outside).unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (ErrorKind::NotFound, "household_not_found")
    );
    assert!(access_log(&app, "explain").is_empty());
    assert!(explain(&bogor, mine_rows.rows[0].kk).unwrap().selected);
    assert_eq!(access_log(&app, "explain").len(), 1);

    let overlap = |caller: &Caller| {
        setara_app::overlap::overlap(
            &app,
            caller,
            &OverlapRequest {
                by: Level::Regency,
                region: None,
                poor_desil: 2,
            },
        )
        .unwrap()
    };
    let o = overlap(&bogor);
    assert_eq!(o.regions.len(), 1);
    assert_eq!(o.regions[0].region.to_string(), BOGOR);
    assert_eq!(o.total.served, mine_rows.rows.len() as u64);
    assert!(o.total.households < overlap(&admin()).total.households);

    let reach = setara_app::overlap::reach(
        &app,
        &bogor,
        &ReachRequest {
            programme: "PKH-JABAR".into(),
            cycle: None,
            by: Level::District,
        },
    )
    .unwrap();
    assert_eq!(reach.households, mine_rows.rows.len() as u64);
    assert!(
        reach
            .regions
            .iter()
            .all(|r| in_bogor(&r.region.to_string()))
    );

    // The ranking is national; a household's history is read within the scope.
    let e = setara_app::ranking::rank(
        &app,
        &bogor,
        &RankRequest { folds: 3 },
        RankProgress {
            snapshot: &mut NoProgress,
            fitting: &mut NoProgress,
            scoring: &mut NoProgress,
        },
    )
    .unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (ErrorKind::Forbidden, "rank_scope_unsupported")
    );
    let e = setara_app::ranking::desil_history(&app, &bogor, outside).unwrap_err();
    assert_eq!(e.code, "household_not_found");
    assert_eq!(
        setara_app::ranking::desil_history(&app, &bogor, mine_rows.rows[0].kk)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn refusals_have_their_codes() {
    let (_dir, app) = registry();
    let e = setara_app::targeting::preview(
        &app,
        &admin(),
        &PreviewRequest {
            programme: "NOPE".into(),
        },
    )
    .unwrap_err();
    assert_eq!(e.code, "programme_not_found");
    let e = setara_app::targeting::freeze(
        &app,
        &admin(),
        &FreezeRequest {
            programme: "PKH-JABAR".into(),
            cycle: Some(5),
        },
    )
    .unwrap_err();
    assert_eq!(e.code, "cycle_out_of_range");
    let e = setara_app::targeting::beneficiaries(
        &app,
        &admin(),
        &BeneficiariesRequest {
            programme: "PKH-JABAR".into(),
            cycle: None,
        },
    )
    .unwrap_err();
    assert_eq!(e.code, "selection_missing");
    let compare = |bps: &str, very_poor: f64| {
        setara_app::targeting::compare(
            &app,
            &admin(),
            &CompareRequest {
                programme: "PKH-JABAR".into(),
                alternatives: vec![],
                truth: None,
                bps_period: bps.into(),
                very_poor,
            },
        )
        .unwrap_err()
        .code
    };
    assert_eq!(compare("1999-01", 0.5), "bps_period_unknown");
    assert_eq!(compare("2024-03", 1.5), "compare_bad_very_poor");
    let e = setara_app::targeting::compare(
        &app,
        &admin(),
        &CompareRequest {
            programme: "PKH-JABAR".into(),
            alternatives: vec!["desli <= 3".into()],
            truth: None,
            bps_period: "2024-03".into(),
            very_poor: 0.5,
        },
    )
    .unwrap_err();
    assert_eq!(e.code, "rule_unknown_attribute");
    // Nothing is frozen yet: explain says what a selection now would do.
    let store = app.data.open_store().unwrap();
    let ranked = setara_app::ranking::load_ranking(&app, store.as_ref()).unwrap();
    let poorest = (0..ranked.snapshot.household_count())
        .find(|&h| ranked.columns.rank[h] == 1)
        .map(|h| Kk::from_u64(ranked.snapshot.kk().values()[h]).unwrap())
        .unwrap();
    let x = setara_app::explain::explain(
        &app,
        &admin(),
        &ExplainRequest {
            kk: poorest,
            programme: "PKH-JABAR".into(),
            cycle: None,
        },
    )
    .unwrap();
    assert!(matches!(
        x.explanation,
        Explanation::NotFrozen { .. } | Explanation::NotEligible { cycle: None, .. }
    ));
}

/// The current ranking is loaded once per `App` and kept while it is the latest; a new
/// ranking run loads it again, and a newer snapshot makes it stale.
#[test]
fn the_current_ranking_is_cached_until_a_new_run_or_snapshot() {
    let (_dir, app) = registry();
    let first = app.current_ranking().unwrap();
    let again = app.current_ranking().unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &again), "loaded twice");
    assert!(!first.stale);

    // A correction and a new snapshot: the same run, now stale (reloaded with the flag).
    let kk: i64 = rusqlite::Connection::open(app.data.store_path())
        .unwrap()
        .query_row("SELECT kk FROM households LIMIT 1", [], |r| r.get(0))
        .unwrap();
    setara_app::registry::correct(
        &app,
        &admin(),
        &setara_app::registry::CorrectRequest {
            kk: kk.to_string().parse().unwrap(),
            nik: None,
            field: "rt".into(),
            value: Some("999".into()),
            reason: "uji".into(),
        },
    )
    .unwrap();
    {
        let store = app.reader().unwrap();
        setara_app::registry::take_snapshot(&app, &*store, &mut NoProgress).unwrap();
    }
    let stale = app.current_ranking().unwrap();
    assert!(stale.stale);
    assert_eq!(stale.info.id, first.info.id);

    // A new run: the new one, fresh.
    let r = setara_app::ranking::rank(
        &app,
        &admin(),
        &RankRequest { folds: 3 },
        RankProgress {
            snapshot: &mut NoProgress,
            fitting: &mut NoProgress,
            scoring: &mut NoProgress,
        },
    )
    .unwrap();
    let latest = app.current_ranking().unwrap();
    assert_eq!(latest.info.id, r.ranking);
    assert_ne!(latest.info.id, first.info.id);
    assert!(!latest.stale);
    assert!(std::sync::Arc::ptr_eq(
        &latest,
        &app.current_ranking().unwrap()
    ));
}
