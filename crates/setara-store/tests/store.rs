//! The store's promises, each checked on its own temporary SQLite file.

use chrono::NaiveDate;
use setara_core::*;
use setara_registry::fields::{blank_household, blank_person};
use setara_store::*;

fn kk(s: &str) -> Kk {
    Kk::parse(s).unwrap()
}
fn nik(s: &str) -> Nik {
    Nik::parse(s).unwrap()
}

fn household(k: &str, village: &str) -> Household {
    let mut h = blank_household();
    h.kk = kk(k);
    h.region = RegionCode::parse(village).unwrap();
    h.declared_size = Some(2);
    h.dwelling.floor = Some(Floor::Ceramic);
    h
}

fn person(n: &str, k: &str, name: &str) -> Person {
    let mut p = blank_person();
    p.nik = nik(n);
    p.kk = kk(k);
    p.name = name.into();
    p.sex = p.nik.sex();
    p.birth_date = p
        .nik
        .birth_date(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
        .unwrap();
    p.relation = Relation::Head;
    p
}

fn actor() -> Actor {
    Actor("petugas-uji".into())
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: Box<dyn Store>,
}

fn store() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path().join("setara.sqlite").to_str().unwrap()).unwrap();
    Fixture { _dir: dir, store }
}

const A: &str = "1101010101200001";
const B: &str = "1101010101200002";
const SITI: &str = "1101015708850003";
const BUDI: &str = "1101011203800001";
const ANI: &str = "1101014506100002";

/// Import households and persons; returns the summary.
fn import(store: &mut dyn Store, hs: &[Household], ps: &[Person]) -> ImportSummary {
    let mut s = store
        .begin_import(ImportMeta {
            actor: actor(),
            mode: "all_or_nothing".into(),
        })
        .unwrap();
    let hf = s.add_source("households", "households.csv").unwrap();
    let pf = s.add_source("persons", "persons.csv").unwrap();
    for (i, h) in hs.iter().enumerate() {
        assert_eq!(s.household(hf, i as u64 + 2, h).unwrap().rejection(), None);
    }
    for (i, p) in ps.iter().enumerate() {
        assert_eq!(s.person(pf, i as u64 + 2, p).unwrap().rejection(), None);
    }
    s.finalize().unwrap();
    s.commit().unwrap()
}

#[test]
fn first_load_keeps_provenance() {
    let mut f = store();
    let s = import(
        f.store.as_mut(),
        &[household(A, "11.01.01.2001")],
        &[person(SITI, A, "Siti"), person(BUDI, A, "Budi")],
    );
    assert_eq!((s.households_added, s.persons_added, s.changes), (1, 2, 0));
    let rec = f.store.household(kk(A)).unwrap().unwrap();
    assert_eq!(rec.household.dwelling.floor, Some(Floor::Ceramic));
    assert_eq!(
        rec.provenance,
        Provenance {
            import_id: s.import_id,
            file: "households.csv".into(),
            row: 2
        }
    );
    let names: Vec<_> = rec
        .members
        .iter()
        .map(|(p, _, _)| p.name.as_str())
        .collect();
    assert_eq!(names, ["Budi", "Siti"]); // ordered by NIK
    assert_eq!(rec.members[1].1.row, 2);
    assert_eq!(rec.members[1].1.file, "persons.csv");
    assert!(f.store.history(kk(A)).unwrap().is_empty());
}

#[test]
fn reimport_records_changes_and_keeps_absent_people() {
    let mut f = store();
    import(
        f.store.as_mut(),
        &[household(A, "11.01.01.2001")],
        &[person(SITI, A, "Siti"), person(BUDI, A, "Budi")],
    );
    let before = f.store.content_digest().unwrap();
    // The same files again change nothing but the import log.
    let again = import(
        f.store.as_mut(),
        &[household(A, "11.01.01.2001")],
        &[person(SITI, A, "Siti"), person(BUDI, A, "Budi")],
    );
    assert_eq!(
        (
            again.households_unchanged,
            again.persons_unchanged,
            again.changes
        ),
        (1, 2, 0)
    );
    assert_ne!(
        before,
        f.store.content_digest().unwrap(),
        "the import itself is logged"
    );

    let mut h = household(A, "11.01.01.2001");
    h.dwelling.floor = Some(Floor::Earth);
    let mut siti = person(SITI, A, "Siti Aminah");
    siti.education = Some(Education::Primary);
    // Budi is missing from this re-import: he stays.
    let s = import(f.store.as_mut(), &[h], &[siti]);
    assert_eq!((s.households_changed, s.persons_changed), (1, 1));
    let rec = f.store.household(kk(A)).unwrap().unwrap();
    assert_eq!(rec.members.len(), 2);
    assert_eq!(rec.version, 2);
    let hist = f.store.history(kk(A)).unwrap();
    let seen: Vec<_> = hist
        .iter()
        .map(|c| {
            (
                c.field.as_str(),
                c.old_value.as_deref(),
                c.new_value.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("floor", Some("ceramic"), Some("earth")),
            ("name", Some("Siti"), Some("Siti Aminah")),
            ("education", None, Some("primary")),
        ]
    );
    assert!(hist.iter().all(|c| c.kind == "reimport"
        && c.actor == "petugas-uji"
        && c.import_id == Some(s.import_id)));
}

#[test]
fn pecah_kk_is_a_recorded_move() {
    let mut f = store();
    import(
        f.store.as_mut(),
        &[household(A, "11.01.01.2001")],
        &[person(SITI, A, "Siti"), person(ANI, A, "Ani")],
    );
    // Ani leaves A for her own new KK B; A is re-listed without her.
    let mut ani = person(ANI, B, "Ani");
    ani.relation = Relation::Head;
    let s = import(
        f.store.as_mut(),
        &[household(A, "11.01.01.2001"), household(B, "11.01.01.2001")],
        &[person(SITI, A, "Siti"), ani],
    );
    assert_eq!((s.persons_moved, s.persons_added), (1, 0));
    let a = f.store.household(kk(A)).unwrap().unwrap();
    let b = f.store.household(kk(B)).unwrap().unwrap();
    assert_eq!(a.members.len(), 1);
    assert_eq!(b.members.len(), 1);
    // The moved row keeps its original provenance.
    assert_eq!(b.members[0].1.import_id, 1);
    let moves: Vec<_> = f
        .store
        .history(kk(B))
        .unwrap()
        .into_iter()
        .filter(|c| c.field == "household")
        .collect();
    assert_eq!(moves.len(), 1);
    assert_eq!(moves[0].old_value.as_deref(), Some(A));
    assert_eq!(moves[0].new_value.as_deref(), Some(B));
    // The old household's history shows the departure too.
    assert!(
        f.store
            .history(kk(A))
            .unwrap()
            .iter()
            .any(|c| c.kind == "move")
    );
    assert!(f.store.findings_for(kk(B)).unwrap().is_empty());
}

#[test]
fn a_nik_in_two_households_is_loaded_and_found() {
    let mut f = store();
    // Ani is listed in A (not re-listed later) and in B: a double registration, not a move.
    import(
        f.store.as_mut(),
        &[household(A, "11.01.01.2001")],
        &[person(ANI, A, "Ani")],
    );
    let s = import(
        f.store.as_mut(),
        &[household(B, "11.01.01.2001")],
        &[person(ANI, B, "Ani")],
    );
    assert_eq!((s.persons_added, s.persons_moved), (1, 0));
    for k in [A, B] {
        let found = f.store.findings_for(kk(k)).unwrap();
        assert_eq!(found.len(), 1, "{k}");
        assert_eq!(found[0].rule, "nik_in_other_household");
        assert_eq!(found[0].nik, Some(nik(ANI)));
    }
}

#[test]
fn duplicates_within_an_import_are_refused() {
    let mut f = store();
    let mut s = f
        .store
        .begin_import(ImportMeta {
            actor: actor(),
            mode: "all_or_nothing".into(),
        })
        .unwrap();
    let file = s.add_source("households", "h.csv").unwrap();
    assert_eq!(
        s.household(file, 2, &household(A, "11.01.01.2001"))
            .unwrap(),
        HouseholdOutcome::Added
    );
    assert_eq!(
        s.household(file, 3, &household(A, "11.01.01.2001"))
            .unwrap(),
        HouseholdOutcome::Duplicate { first_row: 2 }
    );
    assert_eq!(
        s.person(file, 2, &person(SITI, A, "Siti")).unwrap(),
        PersonOutcome::Added
    );
    assert_eq!(
        s.person(file, 3, &person(SITI, A, "Siti")).unwrap(),
        PersonOutcome::Duplicate { first_row: 2 }
    );
    assert_eq!(
        s.person(file, 4, &person(BUDI, B, "Budi")).unwrap(),
        PersonOutcome::HouseholdAbsent
    );
    s.household_rejected(kk(B), 9);
    assert_eq!(
        s.person(file, 5, &person(BUDI, B, "Budi")).unwrap(),
        PersonOutcome::HouseholdRejected
    );
    assert_eq!(
        s.household(file, 10, &household(B, "11.01.01.2001"))
            .unwrap(),
        HouseholdOutcome::Duplicate { first_row: 9 }
    );
    s.person_rejected(kk(A), nik(ANI), 11);
    assert_eq!(
        s.person(file, 12, &person(ANI, A, "Ani")).unwrap(),
        PersonOutcome::Duplicate { first_row: 11 }
    );
}

#[test]
fn a_rolled_back_import_leaves_nothing() {
    let mut f = store();
    import(
        f.store.as_mut(),
        &[household(A, "11.01.01.2001")],
        &[person(SITI, A, "Siti")],
    );
    let before = f.store.content_digest().unwrap();
    {
        let mut s = f
            .store
            .begin_import(ImportMeta {
                actor: actor(),
                mode: "all_or_nothing".into(),
            })
            .unwrap();
        let file = s.add_source("households", "h.csv").unwrap();
        s.household(file, 2, &household(B, "11.01.01.2001"))
            .unwrap();
        let mut h = household(A, "11.01.01.2001");
        h.rt = Some(7);
        s.household(file, 3, &h).unwrap();
        let summary = s.rollback().unwrap();
        assert!(!summary.committed);
    }
    assert_eq!(before, f.store.content_digest().unwrap());
    {
        // Dropped without finishing: also rolled back.
        let mut s = f
            .store
            .begin_import(ImportMeta {
                actor: actor(),
                mode: "all_or_nothing".into(),
            })
            .unwrap();
        let file = s.add_source("households", "h.csv").unwrap();
        s.household(file, 2, &household(B, "11.01.01.2001"))
            .unwrap();
    }
    assert_eq!(before, f.store.content_digest().unwrap());
    assert!(f.store.household(kk(B)).unwrap().is_none());
}

#[test]
fn corrections_are_recorded_and_checked() {
    let mut f = store();
    import(
        f.store.as_mut(),
        &[household(A, "11.01.01.2001")],
        &[person(SITI, A, "Siti")],
    );
    let corr = |field: &str, value: Option<&str>, nik: Option<Nik>| Correction {
        kk: kk(A),
        nik,
        field: field.into(),
        value: value.map(String::from),
        reason: "kunjungan lapangan 2026-11-20".into(),
        actor: Actor("dinsos-aceh".into()),
    };
    let c = f
        .store
        .correct(&corr("lantai", Some("tanah"), None))
        .unwrap();
    assert_eq!(
        (
            c.field.as_str(),
            c.old_value.as_deref(),
            c.new_value.as_deref()
        ),
        ("floor", Some("ceramic"), Some("earth"))
    );
    let c = f
        .store
        .correct(&corr("name", Some("Siti Aminah"), Some(nik(SITI))))
        .unwrap();
    assert_eq!(c.old_value.as_deref(), Some("Siti"));
    let rec = f.store.household(kk(A)).unwrap().unwrap();
    assert_eq!(rec.household.dwelling.floor, Some(Floor::Earth));
    assert_eq!(rec.members[0].0.name, "Siti Aminah");
    let hist = f.store.history(kk(A)).unwrap();
    assert_eq!(hist.len(), 2);
    assert!(hist.iter().all(|c| c.kind == "correction"
        && c.actor == "dinsos-aceh"
        && c.reason.starts_with("kunjungan")));

    let before = f.store.content_digest().unwrap();
    let err = |c: Correction, f: &mut Fixture| f.store.correct(&c).unwrap_err();
    assert!(matches!(
        err(corr("floor", Some("earth"), None), &mut f),
        StoreError::Unchanged { .. }
    ));
    assert!(matches!(
        err(corr("kk", Some(B), None), &mut f),
        StoreError::Field { .. }
    ));
    assert!(matches!(
        err(corr("floor", Some("lava"), None), &mut f),
        StoreError::Field { .. }
    ));
    assert!(matches!(
        err(corr("flor", Some("earth"), None), &mut f),
        StoreError::Field { .. }
    ));
    assert!(matches!(
        err(corr("region", Some("11.01.01.9999"), None), &mut f),
        StoreError::RegionNotCurrent(_)
    ));
    assert!(matches!(
        err(corr("consumption_per_capita", Some("100000"), None), &mut f),
        StoreError::Field { .. }
    ));
    assert!(matches!(
        err(corr("name", Some("X"), Some(nik(BUDI))), &mut f),
        StoreError::PersonNotFound { .. }
    ));
    let mut no_reason = corr("floor", Some("wood"), None);
    no_reason.reason = "  ".into();
    assert!(matches!(err(no_reason, &mut f), StoreError::ReasonRequired));
    assert_eq!(
        before,
        f.store.content_digest().unwrap(),
        "failed corrections write nothing"
    );
}

#[test]
fn scan_visits_households_with_their_members() {
    let mut f = store();
    import(
        f.store.as_mut(),
        &[household(A, "11.01.01.2001"), household(B, "11.01.01.2002")],
        &[
            person(SITI, A, "Siti"),
            person(ANI, B, "Ani"),
            person(BUDI, A, "Budi"),
        ],
    );
    let mut seen = Vec::new();
    f.store
        .scan(&mut |h, ms| {
            seen.push((h.kk, ms.iter().map(|p| (p.nik, p.kk)).collect::<Vec<_>>()));
            Ok(())
        })
        .unwrap();
    assert_eq!(
        seen,
        [
            (kk(A), vec![(nik(BUDI), kk(A)), (nik(SITI), kk(A))]),
            (kk(B), vec![(nik(ANI), kk(B))]),
        ]
    );
    let c = f.store.counts().unwrap();
    assert_eq!((c.households, c.persons, c.imports), (2, 3, 1));
}

#[test]
fn reopening_keeps_data_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/setara.sqlite");
    {
        let mut s = open(path.to_str().unwrap()).unwrap();
        import(
            s.as_mut(),
            &[household(A, "11.01.01.2001")],
            &[person(SITI, A, "Siti")],
        );
    }
    let s = open(path.to_str().unwrap()).unwrap();
    assert_eq!(s.counts().unwrap().persons, 1);
    assert!(matches!(
        open("postgres://localhost/setara"),
        Err(StoreError::UnsupportedBackend(_))
    ));
}
