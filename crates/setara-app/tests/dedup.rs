//! Record linkage in process: linking and deduplicating files (FEBRL, against its true pairs)
//! with the codes of a bad configuration or table; deduplicating the registry's persons of a
//! demo into the review queue, deciding, merging and unmerging with the history and access log
//! that leaves; and the refusal of a run with too many pairs to record.

#[path = "../../../tests/common/registry.rs"]
mod registry;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use setara_app::registry::dedup::{
    self, DedupFileRequest, DedupPersonsRequest, LinkOutputs, LinkRequest, LinkageFailure,
};
use setara_app::registry::import::{self, ImportRequest, Silent};
use setara_app::{App, DataDir, ErrorKind, NoProgress, review};
use setara_core::Kk;
use setara_registry::writer::Dialect;
use setara_store::Decision;

use registry::admin;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn febrl(name: &str) -> PathBuf {
    root()
        .join("crates/setara-linkage/tests/data/febrl")
        .join(name)
}

fn config(name: &str) -> PathBuf {
    root().join("examples/linkage").join(name)
}

fn outputs(out: PathBuf, clusters: Option<PathBuf>, dialect: Dialect) -> LinkOutputs {
    LinkOutputs {
        out,
        clusters,
        force: false,
        dialect,
    }
}

/// The pairs of a pairs CSV (plain dialect) marked as matches.
fn matches(pairs: &str) -> Vec<(String, String)> {
    pairs
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(4) == Some("1"))
        .map(|l| {
            let mut it = l.split(',');
            (
                it.next().unwrap().to_string(),
                it.next().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn link_and_dedup_files_with_codes_for_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(DataDir::new(dir.path().join("data")));
    let path = |name: &str| dir.path().join(name);
    let cfg = config("febrl.toml");
    let r = dedup::link_files(
        &app,
        &admin(),
        &LinkRequest {
            left: febrl("febrl4a.csv"),
            right: febrl("febrl4b.csv"),
            id: "rec_id".into(),
            config: cfg.clone(),
            max_pairs: None,
            outputs: outputs(
                path("pairs.csv"),
                Some(path("clusters.csv")),
                Dialect::Plain,
            ),
        },
    )
    .unwrap();
    assert!(r.linkage.matches > 4900, "{}", r.linkage.matches);
    assert!(r.id_unique);
    // Accuracy against the true pairs (measured here, never used to set anything).
    let truth: HashSet<(String, String)> = std::fs::read_to_string(febrl("febrl4_true_pairs.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (a.to_string(), b.to_string())
        })
        .collect();
    let predicted = matches(&std::fs::read_to_string(path("pairs.csv")).unwrap());
    assert_eq!(predicted.len(), r.linkage.matches);
    let tp = predicted.iter().filter(|p| truth.contains(*p)).count() as f64;
    let (precision, recall) = (tp / predicted.len() as f64, tp / truth.len() as f64);
    let f1 = 2.0 * precision * recall / (precision + recall);
    assert!(f1 >= 0.99, "pairwise F1 {f1}");
    assert_eq!(
        std::fs::read_to_string(path("clusters.csv"))
            .unwrap()
            .lines()
            .count(),
        10_001,
        "a header and every record of both files"
    );

    let dedup_req =
        |input: PathBuf, id: &str, config: PathBuf, out: &str, dialect| DedupFileRequest {
            input,
            id: id.into(),
            config,
            max_pairs: None,
            outputs: outputs(path(out), None, dialect),
        };
    dedup::dedup_file(
        &app,
        &admin(),
        &dedup_req(
            febrl("febrl3.csv"),
            "rec_id",
            cfg.clone(),
            "d.csv",
            Dialect::Excel,
        ),
    )
    .unwrap();
    assert!(
        std::fs::read(path("d.csv"))
            .unwrap()
            .starts_with("\u{feff}id_left;id_right;row_left;row_right;match".as_bytes())
    );

    // Bad TOML, an unknown column, a missing id column, a ragged row, a column without a
    // name: each refused with its code, the message naming the file (and the line or row) or
    // the column in both languages; nothing is written.
    let refused = |input: PathBuf, id: &str, config: PathBuf| -> setara_app::Error {
        let e: LinkageFailure = dedup::dedup_file(
            &app,
            &admin(),
            &dedup_req(input, id, config, "x.csv", Dialect::Plain),
        )
        .unwrap_err();
        assert!(!path("x.csv").exists());
        assert_eq!(e.error.kind, ErrorKind::Invalid, "{}", e.error);
        e.error
    };
    let names = |e: &setara_app::Error, what: &str| {
        assert!(e.id.contains(what) && e.en.contains(what), "{what}: {e:?}");
    };
    let write = |name: &str, text: &str| {
        std::fs::write(path(name), text).unwrap();
        path(name)
    };
    let febrl1 = febrl("febrl1.csv");
    let bad = write(
        "bad.toml",
        "match_threshold = 0.5\n[[blocking]]\nkeys = [\"surname\"]\n[[comparison]]\ncolumn = \"surname\"\ncomparator = \"jaro\"\n",
    );
    let e = refused(febrl1.clone(), "rec_id", bad);
    assert_eq!(e.code, "linkage_config_invalid");
    names(&e, "bad.toml");
    names(&e, "jaro");
    let cols = write(
        "cols.toml",
        "[[blocking]]\nkeys = [\"postcode\"]\n[[comparison]]\ncolumn = \"post_code\"\ncomparator = \"exact\"\n",
    );
    let e = refused(febrl1.clone(), "rec_id", cols);
    assert_eq!(e.code, "linkage_unknown_column");
    names(&e, "cols.toml");
    names(&e, "post_code");
    let e = refused(febrl1, "recid", cfg.clone());
    assert_eq!(e.code, "column_not_found");
    names(&e, "\"recid\"");
    // An empty or repeated id is no error: records are identified by their row (docs/dedup.md).
    let ragged = write("ragged.csv", "id,given_name\na,budi\nb,siti,extra\n");
    let e = refused(ragged, "id", cfg.clone());
    assert_eq!(e.code, "field_count");
    names(&e, "ragged.csv:3");
    let noname = write("noname.csv", "id,,surname\na,b,c\n");
    let e = refused(noname, "id", cfg);
    assert_eq!(e.code, "header_invalid");
    names(&e, "noname.csv");
}

/// A registry run that would record more than `MAX_RECORDED_PAIRS` pairs (1,420 copies of one
/// person: 1,007,490 pairs) is refused and records nothing.
#[test]
fn registry_dedup_refuses_a_million_pairs_to_record() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(DataDir::new(dir.path().join("data")));
    std::fs::create_dir_all(app.data.root()).unwrap();
    let n = 1_420;
    let mut h = String::from(
        "kk,region,address,rt,rw,declared_size,tenure,floor_area_m2,floor,wall,roof,water_source,toilet,electricity,electricity_va,cooking_fuel,asset_gas_cylinder,asset_refrigerator,asset_air_conditioner,asset_water_heater,asset_landline,asset_television,asset_gold,asset_computer,asset_bicycle,asset_motorcycle,asset_car,asset_boat,asset_motorboat,asset_smartphone,land_m2,consumption_per_capita,survey_weight\n",
    );
    let mut p = String::from(
        "nik,kk,name,sex,birth_date,relation,education,work,disability,chronic_illness,health_insurance,school_attendance\n",
    );
    for i in 0..n {
        let kk = format!("1101030306{:06}", 250_001 + i);
        h.push_str(&format!("{kk},11.01.03.2015,Dusun Harapan Jaya,6,4,1,owned,131,ceramic,masonry,metal_tile,bottled,private,pln_metered,1300,lpg_3kg,0,1,0,0,0,0,0,0,0,1,1,0,0,1,4567,1215664,2\n"));
        p.push_str(&format!("1101032311960002,{kk},Muhammad Basri,male,1996-11-23,head,junior_secondary,self_employed,none,0,jkn_contributory,not_attending\n"));
    }
    let (hp, pp) = (dir.path().join("h.csv"), dir.path().join("p.csv"));
    std::fs::write(&hp, h).unwrap();
    std::fs::write(&pp, p).unwrap();
    let req = ImportRequest {
        households: hp,
        persons: pp,
        skip_invalid: false,
        rejects: None,
        force: false,
        dialect: Dialect::Plain,
    };
    assert!(
        import::import(&app, &admin(), &req, &mut Silent)
            .unwrap()
            .committed
    );
    let digest = || app.reader().unwrap().content_digest().unwrap();
    let before = digest();
    let e = dedup::dedup_persons(
        &app,
        &admin(),
        &DedupPersonsRequest::default(),
        &mut NoProgress,
    )
    .unwrap_err();
    assert_eq!(
        (e.error.kind, e.error.code),
        (ErrorKind::Invalid, "dedup_too_many_pairs")
    );
    assert_eq!(digest(), before);
    assert!(
        review::list(&app, &admin(), "review", 1)
            .unwrap()
            .is_empty()
    );
}

/// The access log's last `n` rows: (action, KK), newest first.
fn last_reads(app: &App, n: usize) -> Vec<(String, i64)> {
    let last = setara_store::AccessFilter {
        limit: n,
        ..Default::default()
    };
    let log = setara_app::registry::access_log(app, &admin(), &last).unwrap();
    log.into_iter()
        .map(|a| (a.action, a.kk.expect("a household read").as_u64() as i64))
        .collect()
}

#[test]
fn registry_dedup_review_merge_unmerge() {
    let dir = tempfile::tempdir().unwrap();
    let app = registry::app_in(dir.path());
    registry::demo(&app, 3000, 2);
    let me = admin();
    let run = || {
        dedup::dedup_persons(&app, &me, &DedupPersonsRequest::default(), &mut NoProgress).unwrap()
    };
    let first = run();
    assert!(
        first.duplicates > 50,
        "the injected duplicates are flagged: {}",
        first.duplicates
    );
    // Decide the most likely flagged pair: the same person.
    let pairs = review::list(&app, &me, "duplicate", 1).unwrap();
    let pair = pairs[0].id;
    let kk_b = pairs[0].b.kk;
    let members = |kk: Kk| {
        setara_app::registry::show_household(&app, &me, kk, false, "household_show")
            .unwrap()
            .record
            .members
    };
    let before = members(kk_b);
    let merge = review::decide(&app, &me, pair, Decision::Same, "KTP sama")
        .unwrap()
        .expect("deciding `same` merges");
    // Deciding again is refused; the records themselves did not change.
    let e = review::decide(&app, &me, pair, Decision::Different, "x").unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (ErrorKind::Conflict, "pair_already_decided")
    );
    assert_eq!(before, members(kk_b), "a merge changes no record");
    // Another pair is decided different; a second run keeps both decisions.
    let other = review::list(&app, &me, "review", 1).unwrap()[0].id;
    assert_eq!(
        review::decide(&app, &me, other, Decision::Different, "ibu dan anak").unwrap(),
        None
    );
    let second = run();
    assert!(
        second.already_decided >= 1,
        "the 'different' pair is found again and kept"
    );
    for (id, status) in [(pair, "same"), (other, "different")] {
        assert_eq!(review::show(&app, &me, id).unwrap().status, status);
    }
    // Unmerge: the pair is back in review, the merge is marked undone, history has both.
    review::unmerge(&app, &me, merge, "keliru").unwrap();
    let e = review::unmerge(&app, &me, merge, "lagi").unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (ErrorKind::Conflict, "merge_already_undone")
    );
    let p = review::show(&app, &me, pair).unwrap();
    assert_eq!(p.status, "review");
    // Showing a pair shows both persons: both households' reads are in the access log.
    let kk_of = |s: &setara_store::PairSide| s.kk.to_string().parse::<i64>().unwrap();
    assert_eq!(
        last_reads(&app, 2),
        [
            ("review_show".to_string(), kk_of(&p.b)),
            ("review_show".to_string(), kk_of(&p.a))
        ]
    );
    let merges = review::merges(&app, &me).unwrap();
    let m = merges.iter().find(|m| m.id == merge).unwrap();
    assert_eq!(m.pair_id, Some(pair));
    assert!(m.undone_at.is_some());
    let history = setara_app::registry::show_household(&app, &me, kk_b, true, "household_show")
        .unwrap()
        .history
        .unwrap();
    let kinds: Vec<&str> = history.iter().map(|c| c.kind.as_str()).collect();
    assert!(
        kinds.contains(&"merge") && kinds.contains(&"unmerge"),
        "{kinds:?}"
    );
}
