//! Ranking and targeting in process, on a synthetic Jawa Barat registry and on a demo
//! Indonesia with its ground truth (each built once per run of this file, copied for each
//! test): rank, programmes, preview, freeze, compare, beneficiary rows, explain, overlap and
//! reach; the same with a regional officer's scope; the accuracy report against the truth;
//! and the codes of the refusals (bad rules, budgets and money, impossible rules).

#[path = "../../../tests/common/fixture.rs"]
mod common;
#[path = "../../../tests/common/registry.rs"]
mod registry;

use std::collections::HashMap;
use std::sync::OnceLock;

use setara_app::explain::{ExplainRequest, Explanation};
use setara_app::model::{Programme, Snapshot};
use setara_app::overlap::{OverlapRequest, ReachRequest};
use setara_app::programme::Changes;
use setara_app::ranking::{RankProgress, RankRequest, RankResult};
use setara_app::targeting::{
    Beneficiaries, BeneficiariesRequest, CompareRequest, FreezeRequest, Frozen, PreviewRequest,
    TruthSource,
};
use setara_app::{App, Caller, ErrorKind, NoProgress};
use setara_core::{Kk, Lang, Level, RegionCode};
use setara_store::{Actor, SaveMode};

/// A regency of Jawa Barat (Kabupaten Bogor) and another province (Jawa Tengah).
const BOGOR: &str = "32.01";
const JATENG: &str = "33";

fn admin() -> Caller {
    registry::admin()
}

fn officer(region: &str) -> Caller {
    Caller::officer(
        Actor("petugas-bogor".into()),
        Lang::En,
        Some(RegionCode::parse(region).unwrap()),
    )
}

fn app(dir: &tempfile::TempDir) -> App {
    registry::app_in(dir.path())
}

/// 3,000 households of Jawa Barat, imported and ranked, with PKH-JABAR defined.
fn build() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&dir);
    registry::jawa_barat(&app, 3000);
    let r = registry::rank(&app, 3);
    assert_eq!(r.households, 3000);
    assert_eq!(r.households_by_desil.iter().sum::<u64>(), 3000);
    registry::programme(&app, "pkh-jabar.toml");
    dir
}

fn registry() -> (tempfile::TempDir, App) {
    static BUILT: OnceLock<(tempfile::TempDir, ())> = OnceLock::new();
    let (dir, ()) = common::copied(&BUILT, || (build(), ()));
    let app = app(&dir);
    (dir, app)
}

/// The reads logged for `action`: (actor, KK), oldest first.
fn access_log(app: &App, action: &str) -> Vec<(String, String)> {
    let only = setara_store::AccessFilter {
        action: Some(action.into()),
        ..Default::default()
    };
    let log = setara_app::registry::access_log(app, &admin(), &only).unwrap();
    log.into_iter()
        .rev()
        .map(|a| (a.actor, a.kk.expect("a household read").to_string()))
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

// ---------------------------------------------------------------------------------------------
// On a demo Indonesia with its ground truth

/// A 20,000-household demo (as `setara demo --households 20000`: generated with its truth
/// files, imported, a snapshot), ranked as `setara rank` does (5 folds), with the ranking's
/// result: built once per run of this file, copied for each test.
fn demo() -> (tempfile::TempDir, App, RankResult) {
    static BUILT: OnceLock<(tempfile::TempDir, RankResult)> = OnceLock::new();
    let (dir, rank) = common::copied(&BUILT, || {
        let dir = tempfile::tempdir().unwrap();
        let app = app(&dir);
        registry::demo(&app, 20_000, 1);
        // Before a ranking and a programme there is nothing to target with.
        let e = setara_app::targeting::preview(
            &app,
            &admin(),
            &PreviewRequest {
                programme: "X".into(),
            },
        )
        .unwrap_err();
        assert_eq!(
            (e.code, e.kind),
            ("programme_not_found", ErrorKind::NotFound)
        );
        let rank = registry::rank(&app, 5);
        (dir, rank)
    });
    let app = app(&dir);
    (dir, app, rank)
}

fn freeze(app: &App, programme: &str, cycle: Option<u32>) -> setara_app::Result<Frozen> {
    setara_app::targeting::freeze(
        app,
        &admin(),
        &FreezeRequest {
            programme: programme.into(),
            cycle,
        },
    )
}

fn beneficiaries(app: &App, programme: &str) -> Beneficiaries {
    setara_app::targeting::beneficiaries(
        app,
        &admin(),
        &BeneficiariesRequest {
            programme: programme.into(),
            cycle: None,
        },
    )
    .unwrap()
}

#[test]
fn rank_define_select_explain_overlap_reach_export() {
    let (_dir, app, rank) = demo();
    assert_eq!(rank.households, 20000);
    let stats = &rank.model.stats;
    let (r2, oos) = (stats.r_squared, stats.cv.r_squared);
    assert!(r2 > 0.3 && r2 < 1.0, "R² {r2}");
    assert!(
        oos > 0.2 && oos <= r2,
        "out-of-sample R² {oos}, in-sample {r2}"
    );
    assert_eq!(rank.households_by_desil.iter().sum::<u64>(), 20000);

    for f in ["pkh-jabar.toml", "beasiswa-csr.toml", "kredit-mikro.toml"] {
        registry::programme(&app, f);
    }
    let types: Vec<&str> = setara_app::programme::list(&app, &admin())
        .unwrap()
        .iter()
        .map(|p| p.owner_type.code())
        .collect();
    assert_eq!(types, ["csr", "social_enterprise", "government"]);

    // Preview: eligible households inside the area, cost against the budget.
    let preview = setara_app::targeting::preview(
        &app,
        &admin(),
        &PreviewRequest {
            programme: "PKH-JABAR".into(),
        },
    )
    .unwrap();
    let eligible = preview.eligible_households;
    assert!(eligible > 100, "{preview:?}");
    assert_eq!(preview.cost, eligible as i64 * 750_000);
    assert!(
        preview
            .regions
            .iter()
            .all(|r| r.region.to_string().starts_with("32."))
    );
    assert_eq!(
        preview.regions.iter().map(|r| r.households).sum::<u64>(),
        eligible
    );

    // Shrink the budget so that it binds, with a reason kept in the history.
    let budget = (eligible / 2) as i64 * 750_000;
    let mut p = setara_app::programme::get(&app, &admin(), "PKH-JABAR")
        .unwrap()
        .programme;
    setara_app::programme::apply(
        &mut p,
        &Changes {
            budget: Some(budget),
            ..Changes::default()
        },
    )
    .unwrap();
    setara_app::programme::save(&app, &admin(), &p, "APBD-P", SaveMode::Update).unwrap();
    let shown = setara_app::programme::show(&app, &admin(), "PKH-JABAR", true).unwrap();
    assert_eq!(shown.current.version, 2);
    assert_eq!(shown.history[1].reason, "APBD-P");
    assert!(shown.history[0].changes.is_empty());
    assert_eq!(shown.history[1].changes[0].field, "budget_per_cycle");

    let sel = freeze(&app, "PKH-JABAR", None).unwrap();
    assert_eq!(sel.cycle, 1);
    assert_eq!(sel.eligible, eligible);
    let selected = sel.selected;
    assert_eq!(selected, eligible / 2);
    assert!(sel.cost <= budget);
    assert_eq!(sel.cut.left_out_budget, eligible - selected);
    assert_eq!(sel.content_hash.len(), 64);
    // A frozen cycle is never replaced.
    let e = freeze(&app, "PKH-JABAR", Some(1)).unwrap_err();
    assert_eq!((e.code, e.kind), ("selection_exists", ErrorKind::Conflict));

    // The CSR scholarship leaves PKH beneficiaries to PKH; the micro-credit is selected too.
    freeze(&app, "BEASISWA-CSR", None).unwrap();
    freeze(&app, "MODAL-USAHA", None).unwrap();

    // The list for field teams: one row per selected household.
    let list = beneficiaries(&app, "PKH-JABAR");
    assert_eq!(list.rows.len() as u64, selected);
    assert_eq!(list.content_hash, sel.content_hash);
    let first_kk = list.rows[0].kk;

    // Explain a selected household: eligible, selected, first, in desil 1.
    let ex = setara_app::explain::explain(
        &app,
        &admin(),
        &ExplainRequest {
            kk: first_kk,
            programme: "PKH-JABAR".into(),
            cycle: None,
        },
    )
    .unwrap();
    assert!(ex.eligible && ex.selected);
    assert_eq!(ex.position, Some(1));
    assert_eq!(ex.desil, 1);
    assert!(matches!(
        ex.explanation,
        Explanation::Selected { cycle: 1, .. }
    ));

    // A correction after freezing does not change the frozen list.
    setara_app::registry::correct(
        &app,
        &admin(),
        &setara_app::registry::CorrectRequest {
            kk: first_kk,
            nik: None,
            field: "floor".into(),
            value: Some("marble_granite".into()),
            reason: "survey visit".into(),
        },
    )
    .unwrap();
    let again = beneficiaries(&app, "PKH-JABAR");
    assert_eq!(
        serde_json::to_value(&again).unwrap(),
        serde_json::to_value(&list).unwrap()
    );

    // Overlap: every household counted once; beneficiaries of several programmes seen.
    let ov = setara_app::overlap::overlap(
        &app,
        &admin(),
        &OverlapRequest {
            by: Level::Province,
            region: None,
            poor_desil: 2,
        },
    )
    .unwrap();
    assert_eq!(ov.total.households, 20000);
    assert!(ov.total.served >= selected);
    assert!(ov.total.poor_served_by_none <= ov.total.poor);
    assert_eq!(ov.owner_types.len(), 3);

    // Reach: a partner's report without KK numbers, small cells suppressed.
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
    let raw = serde_json::to_string(&reach).unwrap();
    assert!(!raw.contains(&first_kk.to_string()));
    assert_eq!(reach.households, selected);
    for r in &reach.regions {
        match r.cell.households {
            Some(n) => assert!(n >= 10 || n == 0, "{r:?}"),
            None => assert!(r.cell.suppressed),
        }
    }
}

/// The Table 3 figures of `compare`, recomputed here from the truth file, the snapshot and the
/// ranking file: a different path to the same numbers.
#[test]
fn the_accuracy_report_matches_the_ground_truth() {
    let (_dir, app, _) = demo();
    registry::programme(&app, "pkh-jabar.toml");
    let cmp = setara_app::targeting::compare(
        &app,
        &admin(),
        &CompareRequest {
            programme: "PKH-JABAR".into(),
            alternatives: vec!["desil <= 3".into()],
            truth: None,
            bps_period: "2024-03".into(),
            very_poor: 0.5,
        },
    )
    .unwrap();
    assert!(matches!(cmp.truth, TruthSource::File { .. }));
    let alt = &cmp.alternatives[1];
    assert_eq!(alt.rule, "desil <= 3");

    // Truth: true consumption per capita of every household.
    let truth_path = app.data.root().join("input/truth/households.csv");
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
    let store = app.reader().unwrap();
    let run = store.rankings().unwrap().remove(0);
    drop(store);
    let snap = Snapshot::open(app.data.root().join("snapshots").join(&run.snapshot)).unwrap();
    let cols = setara_snapshot::ranking::read_ranking(
        &app.data.root().join(&run.file),
        snap.household_count(),
    )
    .unwrap();
    let line = setara_core::Bps::shipped()
        .province(RegionCode::parse("32").unwrap(), "2024-03")
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

// ---------------------------------------------------------------------------------------------
// Programmes that cannot be, and rules that select nobody

/// A programme as `programme create --code UJI …` makes it from its flags: a community
/// programme over all of Indonesia, Rp100,000 per household, Rp10 million per cycle, 2 cycles,
/// with `rule`.
fn uji(rule: &str) -> Programme {
    let mut p = Programme::blank("UJI");
    setara_app::programme::apply(
        &mut p,
        &Changes {
            name: Some("Program uji".into()),
            owner_code: Some("desa-uji".into()),
            owner_name: Some("Pemerintah Desa Uji".into()),
            owner_type: Some("community".into()),
            area: Some("ID".into()),
            benefit: Some(100_000),
            budget: Some(10_000_000),
            cycles: Some(2),
            rule: Some(rule.into()),
            ..Changes::default()
        },
    )
    .unwrap();
    p
}

fn create(app: &App, p: &Programme) -> setara_app::Result<setara_app::programme::Saved> {
    setara_app::programme::save(app, &admin(), p, "created", SaveMode::Create)
}

/// The rule as the application compiles it on save: its error, with where and what.
fn rule_error(app: &App, rule: &str) -> setara_rules::Error {
    let known: Vec<String> = setara_app::programme::list(app, &admin())
        .unwrap()
        .into_iter()
        .map(|p| p.code)
        .chain(["UJI".to_string()])
        .collect();
    setara_rules::Rule::compile(
        rule,
        &setara_rules::Context {
            programmes: known,
            ranking: true,
        },
    )
    .unwrap_err()
}

#[test]
fn bad_rules_budgets_and_impossible_rules_are_refused_with_their_codes() {
    let (_dir, app) = registry();
    let refused = |p: &Programme| {
        let e = create(&app, p).unwrap_err();
        (e.code, e.kind)
    };
    let invalid = |code| (code, ErrorKind::Invalid);
    // A syntax error says where and what was expected.
    let syntax = "desil <= 4 and\n (members.any(age < 6) or )";
    assert_eq!(refused(&uji(syntax)), invalid("rule_syntax"));
    let e = rule_error(&app, syntax);
    assert_eq!((e.line, e.column), (2, 27));
    assert!(matches!(
        e.kind,
        setara_rules::ErrorKind::Expected {
            expected: setara_rules::Expected::Value,
            ..
        }
    ));
    assert_eq!(refused(&uji("desil <= 4 and")), invalid("rule_syntax"));
    assert_eq!(rule_error(&app, "desil <= 4 and").line, 1);
    // An unknown attribute gets the closest name.
    assert_eq!(
        refused(&uji("desli <= 4")),
        invalid("rule_unknown_attribute")
    );
    match rule_error(&app, "desli <= 4").kind {
        setara_rules::ErrorKind::UnknownAttribute { suggestion, .. } => {
            assert_eq!(suggestion.as_deref(), Some("desil"))
        }
        other => panic!("{other:?}"),
    }
    // A bad code lists the valid ones.
    assert_eq!(refused(&uji("floor == \"lava\"")), invalid("rule_bad_code"));
    match rule_error(&app, "floor == \"lava\"").kind {
        setara_rules::ErrorKind::BadCode { value, valid, .. } => {
            assert_eq!(value, "lava");
            assert!(valid.contains("earth"), "{valid}");
        }
        other => panic!("{other:?}"),
    }
    // An unknown programme in receives().
    assert_eq!(
        refused(&uji("not receives(\"PKH\")")),
        invalid("rule_unknown_programme")
    );
    match rule_error(&app, "not receives(\"PKH\")").kind {
        setara_rules::ErrorKind::UnknownProgramme { name, .. } => assert_eq!(name, "PKH"),
        other => panic!("{other:?}"),
    }
    // Empty budget.
    let mut no_budget = uji("desil <= 2");
    no_budget.budget_per_cycle = 0;
    assert_eq!(refused(&no_budget), invalid("programme_empty_budget"));
    assert!(setara_app::programme::get(&app, &admin(), "UJI").is_err());

    // An impossible rule is valid, previews as nobody and refuses to freeze an empty list.
    create(&app, &uji("desil <= 2 and desil >= 9")).unwrap();
    let p = setara_app::targeting::preview(
        &app,
        &admin(),
        &PreviewRequest {
            programme: "UJI".into(),
        },
    )
    .unwrap();
    assert_eq!(p.eligible_households, 0);
    let e = freeze(&app, "UJI", None).unwrap_err();
    assert_eq!((e.code, e.kind), ("selection_empty", ErrorKind::Invalid));
    let e = freeze(&app, "UJI", Some(3)).unwrap_err();
    assert_eq!((e.code, e.kind), ("cycle_out_of_range", ErrorKind::Invalid));
}

/// Issue 10: the warnings docs/rules.md promised come with the preview (finding 15), and money
/// above the ceiling is refused (finding 12).
#[test]
fn rule_warnings_and_money_above_the_ceiling() {
    let (_dir, app) = registry();
    let saved = create(&app, &uji("desil <= 11 and members.any(age < 6)")).unwrap();
    let w = &saved.warnings[0];
    assert_eq!(w.code, "rule_always_true");
    assert_eq!((w.line, w.column, w.attribute.as_str()), (1, 1, "desil"));
    let preview = setara_app::targeting::preview(
        &app,
        &admin(),
        &PreviewRequest {
            programme: "UJI".into(),
        },
    )
    .unwrap();
    assert_eq!(preview.warnings[0].code, "rule_always_true");

    for benefit in [9_200_000_000_000_000_000, 4_611_686_018_427_387_904] {
        let mut p = setara_app::programme::get(&app, &admin(), "UJI")
            .unwrap()
            .programme;
        setara_app::programme::apply(
            &mut p,
            &Changes {
                benefit: Some(benefit),
                ..Changes::default()
            },
        )
        .unwrap();
        let e = setara_app::programme::save(&app, &admin(), &p, "x", SaveMode::Update).unwrap_err();
        assert_eq!(
            (e.code, e.kind),
            ("programme_money_out_of_range", ErrorKind::Invalid),
            "{benefit}"
        );
        // Both messages name the field.
        for m in [&e.id, &e.en] {
            assert!(m.contains("benefit.rupiah_per_household"), "{m}");
        }
    }
    assert_eq!(
        setara_app::programme::get(&app, &admin(), "UJI")
            .unwrap()
            .version,
        1
    );
}
