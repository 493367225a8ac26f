//! Review queue, decisions, merges and unmerges: nothing is ever lost.

use chrono::NaiveDate;
use setara_core::*;
use setara_registry::fields::{blank_household, blank_person};
use setara_store::*;

fn person(nik: &str, kk: &str, name: &str) -> Person {
    let mut p = blank_person();
    p.nik = Nik::parse(nik).unwrap();
    p.kk = Kk::parse(kk).unwrap();
    p.name = name.into();
    p.sex = p.nik.sex();
    p.birth_date = p
        .nik
        .birth_date(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
        .unwrap();
    p.relation = Relation::Head;
    p
}

fn household(kk: &str) -> Household {
    let mut h = blank_household();
    h.kk = Kk::parse(kk).unwrap();
    h.region = RegionCode::parse("11.01.01.2001").unwrap();
    h
}

const K1: &str = "1101010101200001";
const K2: &str = "1101010101200002";
const K3: &str = "1101010101200003";

fn actor() -> Actor {
    Actor("petugas".into())
}

fn setup() -> (tempfile::TempDir, Box<dyn Store>, Vec<LinkagePerson>) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path().join("s.sqlite").to_str().unwrap()).unwrap();
    let mut s = store
        .begin_import(ImportMeta {
            actor: actor(),
            mode: "all_or_nothing".into(),
        })
        .unwrap();
    let f = s.add_source("h", "h.csv").unwrap();
    for (i, k) in [K1, K2, K3].iter().enumerate() {
        s.household(f, i as u64 + 2, &household(k)).unwrap();
    }
    let p = s.add_source("p", "p.csv").unwrap();
    s.person(p, 2, &person("1101011203800001", K1, "Muhammad Rizki"))
        .unwrap();
    s.person(p, 3, &person("1101011203800002", K2, "Moh. Rizki"))
        .unwrap();
    s.person(p, 4, &person("1101011506700001", K3, "Sutrisno"))
        .unwrap();
    s.finalize().unwrap();
    s.commit().unwrap();
    let persons = store.linkage_persons(None).unwrap();
    (dir, store, persons)
}

fn scored(a: i64, b: i64, w: f64, class: PairClass) -> ScoredPair {
    ScoredPair {
        a,
        b,
        match_weight: w,
        match_probability: 0.5,
        explanation: r#"{"name": 3.2}"#.into(),
        class,
    }
}

fn run(persons: u64) -> DedupRun {
    DedupRun {
        actor: actor(),
        scope: None,
        config: "# test".into(),
        persons,
        pairs_compared: 3,
    }
}

#[test]
fn review_decide_merge_unmerge() {
    let (_dir, mut store, persons) = setup();
    let (a, b, c) = (persons[0].id, persons[1].id, persons[2].id);
    assert!(
        persons.iter().all(|p| p.entity == p.id),
        "every record starts as its own entity"
    );
    let before: Vec<_> = [K1, K2, K3]
        .iter()
        .map(|k| {
            store
                .household(Kk::parse(k).unwrap())
                .unwrap()
                .unwrap()
                .members
        })
        .collect();

    let s = store
        .record_dedup(
            &run(3),
            &[
                scored(b, a, 9.0, PairClass::Review),
                scored(a, c, 1.0, PairClass::Review),
            ],
        )
        .unwrap();
    assert_eq!((s.review, s.duplicates, s.already_decided), (2, 0, 0));
    let queue = store.pairs(Some("review"), 10).unwrap();
    assert_eq!(queue.len(), 2);
    assert_eq!(queue[0].match_weight, 9.0, "most likely first");
    assert_eq!(
        (queue[0].a.person_id, queue[0].b.person_id),
        (a, b),
        "stored with a < b"
    );
    assert_eq!(queue[0].b.name, "Moh. Rizki");
    let pair_ab = queue[0].id;

    // Same: the two records become one entity; no record changes.
    let m1 = store
        .decide(pair_ab, Decision::Same, "KTP dicek", &actor())
        .unwrap()
        .unwrap();
    let persons = store.linkage_persons(None).unwrap();
    assert_eq!(persons[1].entity, a);
    let after: Vec<_> = [K1, K2, K3]
        .iter()
        .map(|k| {
            store
                .household(Kk::parse(k).unwrap())
                .unwrap()
                .unwrap()
                .members
        })
        .collect();
    assert_eq!(before, after, "a merge changes no record");
    assert!(
        store
            .history(Kk::parse(K2).unwrap())
            .unwrap()
            .iter()
            .any(|c| c.kind == "merge" && c.field == "entity")
    );

    // The decision is kept when the pair is found again, and cannot be taken twice.
    let s = store
        .record_dedup(&run(3), &[scored(a, b, 9.5, PairClass::Duplicate)])
        .unwrap();
    assert_eq!((s.already_decided, s.duplicates), (1, 0));
    assert_eq!(store.pair(pair_ab).unwrap().unwrap().status, "same");
    assert!(matches!(
        store.decide(pair_ab, Decision::Different, "x", &actor()),
        Err(StoreError::PairDecided { .. })
    ));
    assert!(matches!(
        store.decide(999, Decision::Same, "x", &actor()),
        Err(StoreError::PairNotFound(999))
    ));
    assert!(matches!(
        store.decide(queue[1].id, Decision::Same, " ", &actor()),
        Err(StoreError::ReasonRequired)
    ));

    // Different: nothing merges.
    assert_eq!(
        store
            .decide(queue[1].id, Decision::Different, "orang lain", &actor())
            .unwrap(),
        None
    );
    assert_eq!(store.linkage_persons(None).unwrap()[2].entity, c);

    // Unmerge: everything back as it was, the pair back in the queue.
    store.unmerge(m1, "salah baca KTP", &actor()).unwrap();
    let persons = store.linkage_persons(None).unwrap();
    assert!(persons.iter().all(|p| p.entity == p.id));
    assert_eq!(store.pair(pair_ab).unwrap().unwrap().status, "review");
    let merges = store.merges().unwrap();
    assert_eq!(merges.len(), 1);
    assert_eq!(merges[0].persons, vec![b]);
    assert!(merges[0].undone_at.is_some());
    assert!(matches!(
        store.unmerge(m1, "lagi", &actor()),
        Err(StoreError::MergeUndone(_))
    ));
    assert!(
        store
            .history(Kk::parse(K2).unwrap())
            .unwrap()
            .iter()
            .any(|c| c.kind == "unmerge")
    );
}

#[test]
fn an_earlier_merge_cannot_be_undone_under_a_later_one() {
    let (_dir, mut store, persons) = setup();
    let (a, b, c) = (persons[0].id, persons[1].id, persons[2].id);
    store
        .record_dedup(
            &run(3),
            &[
                scored(b, c, 5.0, PairClass::Review),
                scored(a, b, 4.0, PairClass::Review),
            ],
        )
        .unwrap();
    let q = store.pairs(Some("review"), 10).unwrap();
    // b and c merge into entity b; then a and b merge, moving b and c into entity a.
    let m1 = store
        .decide(q[0].id, Decision::Same, "satu", &actor())
        .unwrap()
        .unwrap();
    let m2 = store
        .decide(q[1].id, Decision::Same, "dua", &actor())
        .unwrap()
        .unwrap();
    let persons = store.linkage_persons(None).unwrap();
    assert!(persons.iter().all(|p| p.entity == a), "{persons:?}");
    assert!(
        matches!(store.unmerge(m1, "x", &actor()), Err(StoreError::MergeOverlaps { later, .. }) if later == m2)
    );
    store.unmerge(m2, "x", &actor()).unwrap();
    let persons = store.linkage_persons(None).unwrap();
    assert_eq!(
        persons.iter().map(|p| p.entity).collect::<Vec<_>>(),
        vec![a, b, b]
    );
    store.unmerge(m1, "x", &actor()).unwrap();
    let persons = store.linkage_persons(None).unwrap();
    assert_eq!(
        persons.iter().map(|p| p.entity).collect::<Vec<_>>(),
        vec![a, b, c]
    );
}
