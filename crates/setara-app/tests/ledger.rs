//! The ledger's operations in process: idempotency keys (a repeat moves money once and returns
//! the first result, also after an interruption between the ledger and the store; another
//! request with the same key is refused), time from the injected clock, and roles.

use std::sync::Arc;

use setara_app::ledger::{self, FundKind, FundRequest, ReverseRequest};
use setara_app::{App, Caller, DataDir, ErrorKind, FixedClock, Role};
use setara_core::Lang;
use setara_store::{Actor, SaveMode};

const T0: i64 = 1_790_000_000;

struct Fixture {
    _dir: tempfile::TempDir,
    app: App,
    clock: Arc<FixedClock>,
}

/// An empty data directory with the programme PKH-JABAR, and a fixed clock.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(T0));
    let app = App::with_clock(DataDir::new(dir.path().join("data")), clock.clone());
    std::fs::create_dir_all(app.data.root()).unwrap();
    let toml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/programmes/pkh-jabar.toml"
    ))
    .unwrap();
    let p = setara_targeting::Programme::from_toml(&toml).unwrap();
    let mut store = app.data.open_store().unwrap();
    store
        .save_programme(&p, &Actor("uji".into()), "test", SaveMode::Create)
        .unwrap();
    Fixture {
        _dir: dir,
        app,
        clock,
    }
}

fn officer() -> Caller {
    Caller::administrator(Actor("petugas-uji".into()), Lang::En)
}

fn fund_request(amount: i64, key: Option<&str>) -> FundRequest {
    FundRequest {
        programme: "PKH-JABAR".into(),
        kind: FundKind::Budget,
        amount,
        cycle: 0,
        from: Some("APBD-Jabar-2026".into()),
        channel: "bank_transfer".into(),
        idempotency_key: key.map(str::to_string),
    }
}

fn ledger_len(app: &App) -> u64 {
    ledger::open_existing(app).unwrap().len()
}

#[test]
fn a_repeated_fund_with_the_same_key_moves_money_once_and_returns_the_first_result() {
    let f = fixture();
    let first = ledger::fund(&f.app, &officer(), &fund_request(5_000_000, Some("k-1"))).unwrap();
    assert!(!first.replayed);
    assert_eq!(ledger_len(&f.app), 1);
    f.clock.set(T0 + 60);
    let again = ledger::fund(&f.app, &officer(), &fund_request(5_000_000, Some("k-1"))).unwrap();
    assert!(again.replayed);
    assert_eq!(
        (again.index, &again.checkpoint, again.amount),
        (first.index, &first.checkpoint, first.amount)
    );
    assert_eq!(ledger_len(&f.app), 1, "the repeat appended nothing");
    let balance = ledger::open_existing(&f.app).unwrap().balances()["PKH-JABAR"].balance;
    assert_eq!(balance, 5_000_000);
    // Without a key, the same request is a new one.
    ledger::fund(&f.app, &officer(), &fund_request(5_000_000, None)).unwrap();
    assert_eq!(ledger_len(&f.app), 2);
}

#[test]
fn the_same_key_with_another_request_is_refused_and_moves_nothing() {
    let f = fixture();
    ledger::fund(&f.app, &officer(), &fund_request(5_000_000, Some("k-2"))).unwrap();
    let e = ledger::fund(&f.app, &officer(), &fund_request(6_000_000, Some("k-2"))).unwrap_err();
    assert_eq!(
        (e.code, e.kind),
        ("idempotency_key_reused", ErrorKind::Conflict)
    );
    // Another operation with the key is another request too.
    let e = ledger::reverse(
        &f.app,
        &officer(),
        &ReverseRequest {
            index: 0,
            reason: "salah catat".into(),
            idempotency_key: Some("k-2".into()),
        },
    )
    .unwrap_err();
    assert_eq!(e.code, "idempotency_key_reused");
    assert_eq!(ledger_len(&f.app), 1);
}

/// As if the first `fund` was killed after the ledger's append and before the store recorded
/// it: the key is pending in the store, the entry is in the ledger, the store's count is
/// behind. The repeat finds its entry in the ledger and does not append it again.
#[test]
fn a_fund_interrupted_between_the_ledger_and_the_store_is_completed_not_repeated() {
    let f = fixture();
    let first = ledger::fund(&f.app, &officer(), &fund_request(7_500_000, Some("k-3"))).unwrap();
    let store_path = f.app.data.store_path();
    {
        let conn = rusqlite::Connection::open(&store_path).unwrap();
        conn.execute(
            "UPDATE idempotency SET result = NULL, done_at = NULL WHERE key = 'k-3'",
            [],
        )
        .unwrap();
        conn.execute("UPDATE ledger_applied SET entries = 0 WHERE id = 1", [])
            .unwrap();
    }
    f.clock.set(T0 + 3600);
    let again = ledger::fund(&f.app, &officer(), &fund_request(7_500_000, Some("k-3"))).unwrap();
    assert_eq!(again.index, first.index);
    assert_eq!(ledger_len(&f.app), 1, "exactly one entry");
    let store = f.app.data.open_store().unwrap();
    assert_eq!(store.ledger_applied().unwrap(), 1);
    // Now completed: a third try returns the result kept by the second.
    drop(store);
    let third = ledger::fund(&f.app, &officer(), &fund_request(7_500_000, Some("k-3"))).unwrap();
    assert!(third.replayed);
    assert_eq!(third.index, first.index);
    assert_eq!(ledger_len(&f.app), 1);
}

/// A key recorded as pending whose entries never reached the ledger (killed before the
/// append): the repeat carries the request out, once.
#[test]
fn a_fund_interrupted_before_the_ledger_is_carried_out_by_the_repeat() {
    let f = fixture();
    ledger::fund(&f.app, &officer(), &fund_request(1_000, None)).unwrap();
    {
        let mut store = f.app.data.open_store().unwrap();
        store
            .idempotency_begin(&setara_store::Idempotency {
                key: "k-4".into(),
                operation: "fund".into(),
                // Not this request's digest: another request owns the key.
                request_sha256: "0".repeat(64),
                first_index: 1,
                entries: 1,
                entries_sha256: "0".repeat(64),
                result: None,
            })
            .unwrap();
    }
    let e = ledger::fund(&f.app, &officer(), &fund_request(2_000, Some("k-4"))).unwrap_err();
    assert_eq!(e.code, "idempotency_key_reused");
    // The same request's pending record (written by a first attempt that died before the
    // append) is taken over: one append.
    let req = fund_request(2_000, Some("k-5"));
    let r = ledger::fund(&f.app, &officer(), &req).unwrap();
    let pending_digest = {
        let store = f.app.data.open_store().unwrap();
        store.idempotency("k-5").unwrap().unwrap().request_sha256
    };
    {
        let conn = rusqlite::Connection::open(f.app.data.store_path()).unwrap();
        // Back to pending, pointing at an index the ledger does not hold yet.
        conn.execute(
            "UPDATE idempotency SET result = NULL, first_index = 5 WHERE key = 'k-5'",
            [],
        )
        .unwrap();
    }
    assert_eq!(r.index, 1);
    let again = ledger::fund(&f.app, &officer(), &req).unwrap();
    assert!(!again.replayed);
    assert_eq!(
        again.index, 2,
        "carried out, since its entries were not in the ledger"
    );
    let store = f.app.data.open_store().unwrap();
    let rec = store.idempotency("k-5").unwrap().unwrap();
    assert_eq!(rec.request_sha256, pending_digest);
    assert!(rec.result.is_some());
}

#[test]
fn entries_take_their_time_from_the_clock() {
    let f = fixture();
    f.clock.set(T0 + 42);
    ledger::fund(&f.app, &officer(), &fund_request(1_000, None)).unwrap();
    let l = ledger::open_existing(&f.app).unwrap();
    assert_eq!(l.entry(0).unwrap().time, T0 + 42);
}

#[test]
fn an_auditor_may_not_move_money() {
    let f = fixture();
    let auditor = Caller {
        role: Role::Auditor,
        ..officer()
    };
    let e = ledger::fund(&f.app, &auditor, &fund_request(1_000, None)).unwrap_err();
    assert_eq!((e.code, e.kind), ("forbidden_role", ErrorKind::Forbidden));
    assert!(!f.app.data.ledger().exists(), "nothing was written");
}

#[test]
fn bad_keys_are_refused() {
    let f = fixture();
    for key in ["", "  ", "a\nb", &"k".repeat(129)] {
        let e = ledger::fund(&f.app, &officer(), &fund_request(1_000, Some(key))).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Invalid, "{key:?}");
    }
    assert!(!f.app.data.ledger().exists());
}

#[test]
fn a_repeated_reversal_with_the_same_key_reverses_once() {
    let f = fixture();
    ledger::fund(&f.app, &officer(), &fund_request(9_000, None)).unwrap();
    let req = ReverseRequest {
        index: 0,
        reason: "salah catat".into(),
        idempotency_key: Some("balik-0".into()),
    };
    let first = ledger::reverse(&f.app, &officer(), &req).unwrap();
    let again = ledger::reverse(&f.app, &officer(), &req).unwrap();
    assert_eq!((first.replayed, again.replayed), (false, true));
    assert_eq!((again.index, again.reverses), (first.index, 0));
    assert_eq!(ledger_len(&f.app), 2, "one fund, one reversal");
    // Without the key the second reversal would have been refused by the ledger (an entry
    // cannot be reversed by more than its amount): the key answers before that.
    let e = ledger::reverse(
        &f.app,
        &officer(),
        &ReverseRequest {
            idempotency_key: None,
            ..req
        },
    )
    .unwrap_err();
    assert_eq!(e.code, "ledger_refused");
}
