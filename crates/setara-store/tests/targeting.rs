//! Programmes keep every version; a frozen selection never changes and proposes entitlements.

use setara_core::Kk;
use setara_store::*;
use setara_targeting::Programme;

const PROGRAMME: &str = r#"
code = "PKH-3204"
name = "Program Keluarga Harapan Kabupaten Bandung"
area = "32.04"
budget_per_cycle = 1_500_000
cycles = 4
rule = "desil <= 4"

[owner]
code = "dinsos-3204"
name = "Dinas Sosial Kabupaten Bandung"
type = "government"

[benefit]
kind = "cash"
rupiah_per_household = 750_000

[[partners]]
code = "bank-x"
name = "PT Bank X Tbk"
type = "csr"
role = "funder"
contribution_per_cycle = 500_000
"#;

fn actor() -> Actor {
    Actor("petugas-uji".into())
}

fn store() -> (tempfile::TempDir, Box<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path().join("setara.sqlite").to_str().unwrap()).unwrap();
    (dir, store)
}

#[test]
fn programmes_are_versioned_with_who_and_why() {
    let (_d, mut store) = store();
    let p = Programme::from_toml(PROGRAMME).unwrap();
    let saved = store
        .save_programme(&p, &actor(), "dibuat", SaveMode::Create)
        .unwrap();
    assert_eq!((saved.version, saved.created), (1, true));
    assert!(matches!(
        store.save_programme(&p, &actor(), "lagi", SaveMode::Create),
        Err(StoreError::ProgrammeExists(_))
    ));
    assert!(matches!(
        store.save_programme(&p, &actor(), "sama", SaveMode::Update),
        Err(StoreError::ProgrammeUnchanged(_))
    ));
    let mut q = p.clone();
    q.budget_per_cycle = 3_000_000;
    let saved = store
        .save_programme(&q, &Actor("kabid".into()), "APBD-P", SaveMode::Update)
        .unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(
        saved.changes,
        [(
            "budget_per_cycle".to_string(),
            "1500000".to_string(),
            "3000000".to_string()
        )]
    );
    let history = store.programme_history("PKH-3204").unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].programme, p);
    assert_eq!(history[1].programme, q);
    assert_eq!(history[1].actor, "kabid");
    assert_eq!(history[1].reason, "APBD-P");
    assert_eq!(store.programme("PKH-3204").unwrap().unwrap().version, 2);

    // An organisation keeps its type.
    let mut r = Programme::from_toml(PROGRAMME).unwrap();
    r.code = "OTHER".into();
    r.owner.org_type = setara_targeting::OrgType::Ngo;
    assert!(matches!(
        store.save_programme(&r, &actor(), "x", SaveMode::Create),
        Err(StoreError::OrganisationConflict { .. })
    ));
    assert!(store.programme("OTHER").unwrap().is_none());
}

#[test]
fn a_frozen_selection_is_kept_and_proposes_entitlements() {
    let (_d, mut store) = store();
    let p = Programme::from_toml(PROGRAMME).unwrap();
    store
        .save_programme(&p, &actor(), "dibuat", SaveMode::Create)
        .unwrap();
    let run = store
        .record_ranking(
            &RankingRun {
                actor: actor(),
                snapshot: "abc".into(),
                model_json: "{}".into(),
                households: 2,
                surveyed: 1,
                r2: 0.5,
                r2_out_of_sample: Some(0.45),
                rmse_out_of_sample: Some(0.4),
                file: "rankings/1.arrow".into(),
            },
            &[DesilRow {
                kk: Kk::from_u64(3204050101200001).unwrap(),
                score: 13.1,
                rank: 1,
                desil: 1,
                desil_province: 1,
                desil_regency: 2,
            }],
        )
        .unwrap();
    let members: Vec<SelectionMember> = [3204050101200001u64, 3204050101200002]
        .iter()
        .enumerate()
        .map(|(i, &k)| SelectionMember {
            position: i as u32 + 1,
            kk: Kk::from_u64(k).unwrap(),
            region: "32.04.05.2001".into(),
            members: 4,
            desil: 1,
            score: 13.0,
            amount: 750_000,
        })
        .collect();
    let new = NewSelection {
        programme: "PKH-3204".into(),
        programme_version: 1,
        cycle: 1,
        snapshot: "abc".into(),
        ranking_run: run,
        rule: p.rule.clone(),
        actor: actor(),
        eligible: 3,
        persons: 8,
        cost: 1_500_000,
        budget: 1_500_000,
        cut: None,
        content_hash: "h".into(),
    };
    // Computed from a programme version or a ranking that is no longer current: refused
    // inside the freezing transaction, nothing frozen.
    let stale_programme = NewSelection {
        programme_version: 0,
        ..new.clone()
    };
    assert!(matches!(
        store.freeze_selection(&stale_programme, &members),
        Err(StoreError::SelectionProgrammeChanged {
            computed: 0,
            current: 1,
            ..
        })
    ));
    let stale_ranking = NewSelection {
        ranking_run: run - 1,
        ..new.clone()
    };
    assert!(matches!(
        store.freeze_selection(&stale_ranking, &members),
        Err(StoreError::SelectionRankingChanged { .. })
    ));
    assert!(store.selection("PKH-3204", 1).unwrap().is_none());
    store.freeze_selection(&new, &members).unwrap();
    assert!(matches!(
        store.freeze_selection(&new, &members),
        Err(StoreError::SelectionExists { cycle: 1, .. })
    ));
    let (info, stored) = store.selection("PKH-3204", 1).unwrap().unwrap();
    assert_eq!(info.households, 2);
    assert_eq!(stored, members);
    let live = store.live_entitlements().unwrap();
    assert_eq!(live.len(), 2);
    assert!(
        live.iter()
            .all(|e| e.state == "proposed" && e.amount == 750_000 && e.owner_type == "government")
    );
    let history = store
        .desil_history(Kk::from_u64(3204050101200001).unwrap())
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].row.desil_regency, 2);

    // The entitlements' life: every transition checked, recorded, all or nothing.
    use setara_targeting::entitlement::{State, Via};
    let all = store.entitlements(&EntitlementFilter::default()).unwrap();
    let ids: Vec<i64> = all.iter().map(|e| e.id).collect();
    assert!(all.iter().all(|e| e.state == State::Proposed));
    store
        .transition(&ids, State::Verified, Via::Officer, &actor(), "", None)
        .unwrap();
    // Paying a verified (not approved) entitlement is refused, and nothing changes.
    let err = store
        .transition(
            &ids,
            State::Paid,
            Via::Disbursement,
            &actor(),
            "",
            Some(&[7, 8]),
        )
        .unwrap_err();
    assert!(
        matches!(err, StoreError::TransitionNotAllowed { .. }),
        "{err}"
    );
    store
        .transition(
            &ids[..1],
            State::Approved,
            Via::Officer,
            &actor(),
            "ok",
            None,
        )
        .unwrap();
    // A batch with one entitlement that may not move changes none of them.
    assert!(
        store
            .transition(
                &ids,
                State::Paid,
                Via::Disbursement,
                &actor(),
                "",
                Some(&[7, 8])
            )
            .is_err()
    );
    assert_eq!(
        store.entitlement(ids[0]).unwrap().unwrap().0.state,
        State::Approved
    );
    // Suspending needs a reason.
    assert!(matches!(
        store.transition(
            &ids[1..],
            State::Suspended,
            Via::Officer,
            &actor(),
            " ",
            None
        ),
        Err(StoreError::TransitionReasonRequired { .. })
    ));
    store
        .transition(
            &ids[..1],
            State::Paid,
            Via::Disbursement,
            &actor(),
            "disbursed",
            Some(&[41]),
        )
        .unwrap();
    let (paid, events) = store.entitlement(ids[0]).unwrap().unwrap();
    assert_eq!(paid.state, State::Paid);
    assert_eq!(paid.paid_amount, 750_000);
    assert_eq!(paid.ledger_index, Some(41));
    let states: Vec<&str> = events.iter().map(|e| e.to.as_str()).collect();
    assert_eq!(states, ["proposed", "verified", "approved", "paid"]);
    assert_eq!(events[3].ledger_index, Some(41));
    // A paid entitlement cannot be cancelled: the money moved; a return entry comes first.
    assert!(
        store
            .transition(
                &ids[..1],
                State::Cancelled,
                Via::Officer,
                &actor(),
                "x",
                None
            )
            .is_err()
    );
    store.set_nonces(&[(ids[0], "ab".repeat(32))]).unwrap();
    store.set_nonces(&[(ids[0], "cd".repeat(32))]).unwrap();
    assert_eq!(
        store.entitlement(ids[0]).unwrap().unwrap().0.nonce,
        Some("ab".repeat(32)),
        "a nonce, once kept, never changes"
    );
    assert_eq!(store.ledger_applied().unwrap(), 0);
    store.set_ledger_applied(42).unwrap();
    assert_eq!(store.ledger_applied().unwrap(), 42);
}
