//! The ledger's operations in process: idempotency keys (a repeat moves money once and returns
//! the first result, also after an interruption between the ledger and the store; another
//! request with the same key is refused), time from the injected clock, and roles; and on a
//! registry with every entitlement of a cycle approved (built once per run of this file,
//! copied for each test): paying, receipts checked offline, a return, tampering caught by the
//! audit and a saved checkpoint, a disbursement interrupted between the ledger and the store
//! repaired from the ledger (never paid twice), input checked before anything is written, and
//! a ledger lost, cut short or re-keyed refused.

#[path = "../../../tests/common/fixture.rs"]
mod common;
#[path = "../../../tests/common/registry.rs"]
mod registry;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use setara_app::entitlement::{TransitionRequest, Which};
use setara_app::ledger::proof::{self, ConsistencyRequest};
use setara_app::ledger::{
    self, DisburseRequest, FundKind, FundRequest, MoneyReturnedRequest, ReturnFundsRequest,
    ReverseRequest,
};
use setara_app::model::{EntitlementFilter, State};
use setara_app::{App, Caller, DataDir, ErrorKind, FixedClock, Role};
use setara_core::Lang;
use setara_store::{Actor, SaveMode};

const T0: i64 = 1_790_000_000;

struct Fixture {
    dir: tempfile::TempDir,
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
    Fixture { dir, app, clock }
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

// ---------------------------------------------------------------------------------------------
// On a registry with a cycle's entitlements approved

/// A data directory whose PKH-JABAR cycle 1 is frozen and every entitlement of it approved.
struct Approved {
    dir: tempfile::TempDir,
    app: App,
    /// Households selected (and entitlements approved).
    selected: u64,
}

/// 3,000 households of Jawa Barat, ranked, PKH-JABAR frozen and approved: built once per run
/// of this file, copied for each test.
fn approved() -> Approved {
    static BUILT: OnceLock<(tempfile::TempDir, u64)> = OnceLock::new();
    let (dir, selected) = common::copied(&BUILT, || {
        let dir = tempfile::tempdir().unwrap();
        let app = registry::app_in(dir.path());
        registry::jawa_barat(&app, 3000);
        registry::rank(&app, 3);
        registry::programme(&app, "pkh-jabar.toml");
        let frozen = registry::approve(&app, "PKH-JABAR");
        (dir, frozen.selected)
    });
    let app = registry::app_in(dir.path());
    Approved { dir, app, selected }
}

fn admin() -> Caller {
    registry::admin()
}

fn budget(amount: i64, from: Option<&str>) -> FundRequest {
    FundRequest {
        programme: "PKH-JABAR".into(),
        kind: FundKind::Budget,
        amount,
        cycle: 0,
        from: from.map(str::to_string),
        channel: "bank_transfer".into(),
        idempotency_key: None,
    }
}

/// Rp3 billion of budget into PKH-JABAR.
fn fund_3_billion(app: &App) {
    ledger::fund(app, &admin(), &budget(3_000_000_000, None)).unwrap();
}

fn pay(cycle: u32, key: Option<&str>) -> DisburseRequest {
    DisburseRequest {
        programme: "PKH-JABAR".into(),
        cycle,
        channel: "bank_transfer".into(),
        idempotency_key: key.map(str::to_string),
    }
}

fn in_state(app: &App, state: State, limit: usize) -> Vec<setara_store::EntitlementView> {
    setara_app::entitlement::list(
        app,
        &admin(),
        &EntitlementFilter {
            programme: Some("PKH-JABAR".into()),
            cycle: None,
            state: Some(state),
            kk: None,
            limit,
        },
    )
    .unwrap()
}

fn audit(app: &App) -> proof::Audit {
    proof::audit(app).unwrap()
}

/// The code and kind of an error.
fn refused<T: std::fmt::Debug>(r: setara_app::Result<T>) -> (&'static str, ErrorKind) {
    let e = r.unwrap_err();
    (e.code, e.kind)
}

/// An error that says, in both languages, to run `setara restore`.
fn says_restore<T: std::fmt::Debug>(r: setara_app::Result<T>, code: &str) {
    let e = r.unwrap_err();
    assert_eq!((e.code, e.kind), (code, ErrorKind::Invalid), "{e}");
    for m in [&e.id, &e.en] {
        assert!(m.contains("setara restore"), "{m}");
    }
}

/// The receipt of entitlement `id` written to `path` as `setara ledger receipt --out` does.
fn write_receipt(app: &App, id: i64, path: &Path) -> String {
    let r = ledger::receipt(app, &admin(), id).unwrap();
    let text = format!("{}\n", serde_json::to_string_pretty(&r.receipt).unwrap());
    std::fs::write(path, &text).unwrap();
    text
}

#[test]
fn pay_receipts_returns_and_tampering() {
    let Approved { dir, app, selected } = approved();
    let app = &app;
    // No money in the ledger yet: nothing is paid.
    assert_eq!(
        refused(ledger::disburse(app, &admin(), &pay(1, None))),
        ("disburse_insufficient_funds", ErrorKind::Invalid)
    );
    ledger::fund(
        app,
        &admin(),
        &budget(3_000_000_000, Some("APBD-Jabar-2026")),
    )
    .unwrap();
    let first = ledger::checkpoint(app, &admin()).unwrap();
    assert_eq!(first.size, 1);

    let paid = ledger::disburse(app, &admin(), &pay(1, Some("bayar-siklus-1"))).unwrap();
    assert_eq!(paid.paid, selected);
    assert!(!paid.replayed);
    // A repeat with the same key (a client that lost the answer) pays nobody again and
    // returns the first result.
    let again = ledger::disburse(app, &admin(), &pay(1, Some("bayar-siklus-1"))).unwrap();
    assert!(again.replayed);
    assert_eq!(
        (
            again.paid,
            again.rupiah,
            again.first_index,
            again.end_index,
            &again.checkpoint
        ),
        (
            paid.paid,
            paid.rupiah,
            paid.first_index,
            paid.end_index,
            &paid.checkpoint
        )
    );
    // The same key for another cycle is refused.
    assert_eq!(
        refused(ledger::disburse(
            app,
            &admin(),
            &pay(2, Some("bayar-siklus-1"))
        )),
        ("idempotency_key_reused", ErrorKind::Conflict)
    );
    assert_eq!(paid.rupiah, selected as i64 * 750_000);
    assert!(paid.checkpoint.starts_with("setara.local/ledger\n"));
    // Paying again finds nothing approved.
    assert_eq!(
        refused(ledger::disburse(app, &admin(), &pay(1, None))),
        ("disburse_nothing_approved", ErrorKind::Invalid)
    );

    let list = in_state(app, State::Paid, 0);
    assert_eq!(list.len() as u64, selected);
    let (id, kk) = (list[0].id, list[0].kk.to_string());

    // The receipt checks offline, for this household only, and not once altered.
    let receipt = dir.path().join("receipt.json");
    let text = write_receipt(app, id, &receipt);
    // Reading the receipt and the entitlement reads the household's data: both are in the
    // access log, with the household's KK.
    setara_app::entitlement::show(app, &admin(), id).unwrap();
    {
        let mine = setara_store::AccessFilter {
            actor: Some("petugas-uji".into()),
            ..Default::default()
        };
        let logged: Vec<(String, String)> = setara_app::registry::access_log(app, &admin(), &mine)
            .unwrap()
            .into_iter()
            .rev()
            .map(|a| (a.action, a.kk.expect("a household read").to_string()))
            .collect();
        assert_eq!(
            &logged[logged.len() - 2..],
            &[
                ("ledger_receipt".to_string(), kk.clone()),
                ("entitlement_show".to_string(), kk.clone())
            ]
        );
    }
    let vkey = proof::verifier_key(app).unwrap();
    let check =
        |file: &Path, vkey: &str, kk: Option<&str>| proof::verify_receipt(app, file, vkey, kk);
    let v = check(&receipt, &vkey, Some(&kk)).unwrap();
    assert!(v.valid && v.household_checked);
    assert_eq!(
        (v.amount, v.index),
        (750_000, list[0].ledger_index.unwrap())
    );
    let other_kk = list[1].kk.to_string();
    assert_eq!(
        refused(check(&receipt, &vkey, Some(&other_kk))),
        ("receipt_invalid", ErrorKind::Invalid)
    );
    let tampered = dir.path().join("tampered.json");
    std::fs::write(&tampered, text.replacen("750000", "7500000", 1)).unwrap();
    assert_eq!(
        refused(check(&tampered, &vkey, None)),
        ("receipt_invalid", ErrorKind::Invalid)
    );

    // Finding 15: a receipt is checked by value (docs/ledger.md). Re-indented, on one line or
    // with other whitespace between its tokens it still verifies; whitespace added inside the
    // signed checkpoint note is a change and is rejected.
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let reformatted = dir.path().join("reformatted.json");
    for form in [
        serde_json::to_string(&value).unwrap(),
        text.replace("\n  ", "\n\t\t").replace(": ", " :  "),
        format!("\n\n{text}\n\n"),
    ] {
        std::fs::write(&reformatted, form).unwrap();
        assert!(check(&reformatted, &vkey, Some(&kk)).unwrap().valid);
    }
    let mut changed = value.clone();
    let note = changed["checkpoint"]
        .as_str()
        .unwrap()
        .replacen('\n', " \n", 1);
    changed["checkpoint"] = note.into();
    std::fs::write(&reformatted, changed.to_string()).unwrap();
    assert_eq!(
        refused(check(&reformatted, &vkey, None)),
        ("receipt_invalid", ErrorKind::Invalid)
    );
    // Garbage, binary, a directory and an endless file: invalid input, never a failure of the
    // system.
    let junk = dir.path().join("junk.json");
    let deep = format!("{{\"format\":{}", "[".repeat(168));
    for bytes in [
        &b"not json at all"[..],
        b"\x00\xff\xfe\x01binary",
        b"",
        deep.as_bytes(),
    ] {
        std::fs::write(&junk, bytes).unwrap();
        assert_eq!(
            refused(check(&junk, &vkey, None)),
            ("receipt_unreadable", ErrorKind::Invalid)
        );
    }
    assert_eq!(
        refused(check(Path::new("/dev/zero"), &vkey, None)),
        ("receipt_too_large", ErrorKind::Invalid)
    );
    assert_eq!(
        refused(check(dir.path(), &vkey, None)),
        ("receipt_unreadable", ErrorKind::Invalid)
    );
    assert_eq!(
        refused(check(&receipt, "not-a-key", None)),
        ("vkey_invalid", ErrorKind::Invalid)
    );
    // The receipt is the same when asked for again.
    assert_eq!(write_receipt(app, id, &receipt), text);

    // The household confirms; money coming back is a new entry, never an edit.
    setara_app::entitlement::transition(
        app,
        &admin(),
        &TransitionRequest {
            which: Which::Ids(vec![id]),
            to: State::Received,
            reason: String::new(),
        },
    )
    .unwrap();
    let id2 = list[1].id;
    let back = ledger::money_returned(
        app,
        &admin(),
        &MoneyReturnedRequest {
            entitlement: id2,
            reason: "rekening ditutup".into(),
            idempotency_key: None,
        },
    )
    .unwrap();
    assert_eq!(
        (back.entitlement, back.reverses),
        (Some(id2), list[1].ledger_index.unwrap())
    );
    let shown = setara_app::entitlement::show(app, &admin(), id2).unwrap();
    assert_eq!(shown.entitlement.state, State::Approved);
    assert_eq!(shown.entitlement.paid_amount, 0);

    // The audit recomputes everything and finds the log intact; the log only grew.
    let a = audit(app);
    assert!(a.ok, "{a:?}");
    assert_eq!(a.entries, 1 + selected + 1);
    let size = ledger::checkpoint(app, &admin()).unwrap().size;
    let c = proof::consistency(
        app,
        &ConsistencyRequest {
            from: Some(first.size),
            to: Some(size),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(c.verified_against_checkpoints, Some(true));
    assert!(c.error().is_none());

    // Changing one stored byte is caught, with the first bad index.
    let ledger_dir = app.data.ledger();
    let mut segments: Vec<PathBuf> = std::fs::read_dir(&ledger_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "seg"))
        .collect();
    segments.sort();
    assert!(!segments.is_empty(), "no segment files in {ledger_dir:?}");
    let seg = &segments[0];
    let mut bytes = std::fs::read(seg).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(seg, &bytes).unwrap();
    let report = audit(app);
    assert!(!report.ok);
    assert_eq!(report.error().unwrap().code, "ledger_audit_failed");
    let bad = report.first_bad_index.unwrap();
    assert!(bad > 0 && bad < size, "{report:?}");
}

/// "Not even the operator": an auditor who saved a checkpoint catches a log rewritten and
/// re-signed with the same key, although the rewritten log is consistent in itself.
#[test]
fn a_rewritten_history_is_caught_by_a_saved_checkpoint() {
    let Approved { dir, app, .. } = approved();
    fund_3_billion(&app);
    ledger::disburse(&app, &admin(), &pay(1, None)).unwrap();
    // The auditor keeps today's checkpoint.
    let saved = dir.path().join("saved-checkpoint.txt");
    let cp = ledger::checkpoint(&app, &admin()).unwrap();
    std::fs::write(&saved, &cp.note).unwrap();
    let against_saved = || {
        proof::consistency(
            &app,
            &ConsistencyRequest {
                saved: Some(saved.clone()),
                ..Default::default()
            },
        )
        .unwrap()
    };
    assert!(against_saved().error().is_none());

    // The operator rebuilds the log with one disbursement smaller, keeps the same key, and
    // appends one more entry so that a newer checkpoint exists.
    let ledger_dir = app.data.ledger();
    let rewritten = dir.path().join("rewritten");
    let original = setara_ledger::open_read_only(&ledger_dir).unwrap();
    let mut entries: Vec<setara_ledger::Entry> =
        (0..cp.size).map(|i| original.entry(i).unwrap()).collect();
    drop(original);
    entries[2].amount -= 100_000;
    {
        drop(setara_ledger::Ledger::init(&rewritten, "setara.local/ledger").unwrap());
        for f in ["signing.key", "vkey.txt"] {
            std::fs::copy(ledger_dir.join(f), rewritten.join(f)).unwrap();
        }
        let mut fake = setara_ledger::Ledger::open(&rewritten).unwrap();
        fake.append_batch(&entries).unwrap();
        fake.checkpoint().unwrap();
        let mut more = entries[0].clone();
        more.amount = 1;
        fake.append_batch(&[more]).unwrap();
        fake.checkpoint().unwrap();
    }
    std::fs::remove_dir_all(&ledger_dir).unwrap();
    std::fs::rename(&rewritten, &ledger_dir).unwrap();
    // The rewritten log passes its own audit: it is consistent with what it signed...
    let a = audit(&app);
    assert!(a.ok, "{a:?}");
    // ...but not with the checkpoint the auditor saved.
    let c = against_saved();
    assert_eq!(c.verified_against_checkpoints, Some(false));
    assert_eq!(c.error().unwrap().code, "consistency_failed");
}

#[test]
fn an_interrupted_disbursement_is_repaired_from_the_ledger() {
    let Approved { app, dir: _dir, .. } = approved();
    fund_3_billion(&app);
    let e = in_state(&app, State::Approved, 1).remove(0);
    // As if `disburse` died after the ledger's fsync and before the store recorded it.
    {
        let mut l = setara_ledger::Ledger::open(&app.data.ledger()).unwrap();
        let nonce = setara_ledger::new_nonce();
        l.append_batch(&[setara_ledger::Entry {
            kind: setara_ledger::EntryKind::Disbursement,
            programme: "PKH-JABAR".into(),
            cycle: 1,
            amount: 750_000,
            channel: "bank_transfer".into(),
            time: 1_790_000_000,
            household: Some(setara_ledger::commitment(&e.kk.to_string(), &nonce)),
            reference: Some(format!("entitlement:{}", e.id)),
        }])
        .unwrap();
    }
    let show = |id| {
        setara_app::entitlement::show(&app, &admin(), id)
            .unwrap()
            .entitlement
    };
    assert_eq!(show(e.id).state, State::Approved);
    // The next ledger operation applies it: the entitlement is paid, with that leaf.
    ledger::checkpoint(&app, &admin()).unwrap();
    let after = show(e.id);
    assert_eq!(after.state, State::Paid);
    assert_eq!(after.ledger_index, Some(1));
    // And a disbursement now pays the others, not this one again.
    let paid = ledger::disburse(&app, &admin(), &pay(1, None)).unwrap();
    assert_eq!(in_state(&app, State::Paid, 0).len() as u64, paid.paid + 1);
}

/// The ledger crate's ceiling is the core's (the crate depends on nothing of ours).
#[test]
fn the_ledger_ceiling_is_the_core_ceiling() {
    assert_eq!(setara_ledger::MAX_AMOUNT, setara_core::Rupiah::MAX);
}

/// Finding 12: amounts above the ceiling (i64::MAX, twice) or not above zero are refused at
/// input and nothing is written; the ceiling itself is accepted and the audit reconciles.
#[test]
fn amounts_are_checked_at_input() {
    let f = fixture();
    let app = &f.app;
    ledger::fund(app, &officer(), &fund_request(1000, None)).unwrap();
    let idx = app.data.ledger().join("entries.idx");
    let before = std::fs::read(&idx).unwrap();
    let return_funds = |amount: i64| {
        ledger::return_funds(
            app,
            &officer(),
            &ReturnFundsRequest {
                programme: "PKH-JABAR".into(),
                amount,
                cycle: 0,
                to: None,
                channel: "bank_transfer".into(),
                idempotency_key: None,
            },
        )
    };
    for (text, code) in [
        ("9223372036854775807", "ledger_amount_too_large"),
        ("9223372036854775807", "ledger_amount_too_large"),
        ("1000000000000001", "ledger_amount_too_large"),
        ("99999999999999999999999", "ledger_amount_too_large"),
        ("0", "ledger_amount"),
        ("-5", "ledger_amount"),
        ("-9223372036854775808", "ledger_amount"),
        ("1e6", "ledger_amount"),
        ("1.5", "ledger_amount"),
        ("Rp1000", "ledger_amount"),
    ] {
        // As typed, and (where it is a number at all) as a front end passes it on.
        assert_eq!(
            refused(ledger::parse_amount(text)),
            (code, ErrorKind::Invalid),
            "{text}"
        );
        if let Ok(amount) = text.parse::<i64>() {
            let fund = ledger::fund(app, &officer(), &fund_request(amount, None));
            assert_eq!(refused(fund), (code, ErrorKind::Invalid), "{text}");
            assert_eq!(
                refused(return_funds(amount)),
                (code, ErrorKind::Invalid),
                "{text}"
            );
        }
    }
    assert_eq!(std::fs::read(&idx).unwrap(), before);
    let ceiling = ledger::parse_amount("1000000000000000").unwrap();
    assert_eq!(ceiling, setara_core::Rupiah::MAX);
    ledger::fund(app, &officer(), &fund_request(ceiling, None)).unwrap();
    ledger::fund(app, &officer(), &fund_request(ceiling, None)).unwrap();
    let a = audit(app);
    assert!(a.ok, "{a:?}");
    assert_eq!(a.entries, 3);
    // A reversal of one of them reconciles (no saturated total to fall back from).
    let reverse = |reason: &str| {
        ledger::reverse(
            app,
            &officer(),
            &ReverseRequest {
                index: 2,
                reason: reason.into(),
                idempotency_key: None,
            },
        )
    };
    reverse("salah input").unwrap();
    // Reversing it again is refused: it is reversed in full already.
    assert_eq!(refused(reverse("lagi")).0, "ledger_refused");
    assert!(audit(app).ok);
}

/// Finding 14: free text bound for the append-only ledger or an entitlement's history is
/// checked before anything is written.
#[test]
fn free_text_is_checked_before_anything_is_written() {
    let f = fixture();
    let app = &f.app;
    let with = |from: Option<&str>, channel: &str| FundRequest {
        from: from.map(str::to_string),
        channel: channel.into(),
        ..fund_request(5, None)
    };
    ledger::fund(
        app,
        &officer(),
        &with(Some("APBD-Jabar-2026"), "bank_transfer"),
    )
    .unwrap();
    let idx = app.data.ledger().join("entries.idx");
    let before = std::fs::read(&idx).unwrap();
    let long = "a".repeat(65);
    for (from, channel, code) in [
        (
            Some("APBD\nJabar"),
            "bank_transfer",
            "text_control_character",
        ),
        (
            Some("APBD\u{202E}Jabar"),
            "bank_transfer",
            "text_control_character",
        ),
        (Some("APBD Jabar"), "bank_transfer", "ledger_party_invalid"),
        (Some("APBD;rm"), "bank_transfer", "ledger_party_invalid"),
        (Some(long.as_str()), "bank_transfer", "text_too_long"),
        (Some("  "), "bank_transfer", "text_empty"),
        (None, "bank-transfer", "ledger_channel_unknown"),
        (None, "cash\u{7}", "text_control_character"),
    ] {
        let r = ledger::fund(app, &officer(), &with(from, channel));
        assert_eq!(
            refused(r),
            (code, ErrorKind::Invalid),
            "{from:?} {channel:?}"
        );
    }
    let r = ledger::return_funds(
        app,
        &officer(),
        &ReturnFundsRequest {
            programme: "PKH-JABAR".into(),
            amount: 5,
            cycle: 0,
            to: Some("kas\ndaerah".into()),
            channel: "bank_transfer".into(),
            idempotency_key: None,
        },
    );
    assert_eq!(refused(r), ("text_control_character", ErrorKind::Invalid));
    let reverse = |reason: String| {
        ledger::reverse(
            app,
            &officer(),
            &ReverseRequest {
                index: 0,
                reason,
                idempotency_key: None,
            },
        )
    };
    assert_eq!(
        refused(reverse("salah\n2026-01-01 admin paid".into())),
        ("text_control_character", ErrorKind::Invalid)
    );
    assert_eq!(
        refused(reverse("x".repeat(1001))),
        ("text_too_long", ErrorKind::Invalid)
    );
    let r = setara_app::entitlement::transition(
        app,
        &officer(),
        &TransitionRequest {
            which: Which::Ids(vec![1]),
            to: State::Verified,
            reason: "ok\r\nforged".into(),
        },
    );
    assert_eq!(refused(r), ("text_control_character", ErrorKind::Invalid));
    let r = ledger::disburse(
        app,
        &officer(),
        &DisburseRequest {
            channel: "tunai".into(),
            ..pay(1, None)
        },
    );
    assert_eq!(refused(r), ("ledger_channel_unknown", ErrorKind::Invalid));
    assert_eq!(std::fs::read(&idx).unwrap(), before);
    assert_eq!(audit(app).entries, 1);
}

/// Finding 5, the other ways a ledger can stop matching the store: an index cut short, keys
/// replaced, the whole ledger replaced by another (longer) one.
#[test]
fn a_ledger_shorter_than_the_store_or_rekeyed_is_refused() {
    let f = fixture();
    let app = &f.app;
    for a in [1000, 2000, 3000] {
        ledger::fund(app, &officer(), &fund_request(a, None)).unwrap();
    }
    let fund = || ledger::fund(app, &officer(), &fund_request(5, None));
    let dir = app.data.ledger();
    let saved = f.dir.path().join("saved");
    common::copy_tree(&dir, &saved).unwrap();
    // The index cut to two entries: acknowledged entries are gone.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join("entries.idx"))
        .unwrap();
    file.set_len(16).unwrap();
    says_restore(proof::audit(app), "ledger_behind_store");
    says_restore(fund(), "ledger_behind_store");
    says_restore(proof::verifier_key(app), "ledger_behind_store");
    std::fs::copy(saved.join("entries.idx"), dir.join("entries.idx")).unwrap();
    assert!(audit(app).ok);

    // Another ledger's key pair in place of this one's.
    let other = f.dir.path().join("other");
    drop(setara_ledger::Ledger::init(&other, "setara.local/ledger").unwrap());
    for f in ["vkey.txt", "signing.key"] {
        std::fs::copy(other.join(f), dir.join(f)).unwrap();
    }
    says_restore(proof::audit(app), "ledger_key_replaced");
    says_restore(fund(), "ledger_key_replaced");
    for f in ["vkey.txt", "signing.key"] {
        std::fs::copy(saved.join(f), dir.join(f)).unwrap();
    }
    // A whole other ledger, longer than the store's count and sound in itself.
    {
        let mut l = setara_ledger::Ledger::open(&other).unwrap();
        let e = setara_ledger::Entry {
            kind: setara_ledger::EntryKind::Budget,
            programme: "PKH-JABAR".into(),
            cycle: 0,
            amount: 1,
            channel: "cash".into(),
            time: 0,
            household: None,
            reference: None,
        };
        l.append_batch(&vec![e; 5]).unwrap();
        l.checkpoint().unwrap();
    }
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::rename(&other, &dir).unwrap();
    says_restore(proof::audit(app), "ledger_key_replaced");
    says_restore(fund(), "ledger_key_replaced");
    // The signing key removed: nothing can be appended; reading still works.
    std::fs::remove_dir_all(&dir).unwrap();
    common::copy_tree(&saved, &dir).unwrap();
    std::fs::remove_file(dir.join("signing.key")).unwrap();
    assert_eq!(refused(fund()).0, "ledger_signing_key_missing");
    assert!(audit(app).ok);
}

/// Finding 5 with paid entitlements: the ledger folder removed, nothing that touches a payment
/// runs (not even confirming receipt of a paid entitlement), and no new ledger is started.
#[test]
fn a_missing_ledger_refuses_every_payment_command() {
    let Approved { app, dir: _dir, .. } = approved();
    let app = &app;
    fund_3_billion(app);
    ledger::disburse(app, &admin(), &pay(1, None)).unwrap();
    let paid = in_state(app, State::Paid, 0);
    let id = paid[0].id;
    std::fs::remove_dir_all(app.data.ledger()).unwrap();
    let code = "ledger_missing_but_store_has_entries";
    says_restore(proof::audit(app), code);
    let received = TransitionRequest {
        which: Which::Ids(vec![id]),
        to: State::Received,
        reason: String::new(),
    };
    says_restore(
        setara_app::entitlement::transition(app, &admin(), &received),
        code,
    );
    says_restore(ledger::receipt(app, &admin(), id), code);
    says_restore(
        ledger::money_returned(
            app,
            &admin(),
            &MoneyReturnedRequest {
                entitlement: id,
                reason: "rekening ditutup".into(),
                idempotency_key: None,
            },
        ),
        code,
    );
    says_restore(ledger::fund(app, &admin(), &budget(5, None)), code);
    says_restore(ledger::disburse(app, &admin(), &pay(1, None)), code);
    says_restore(ledger::checkpoint(app, &admin()), code);
    assert!(!app.data.ledger().exists());
    assert_eq!(in_state(app, State::Paid, 0), paid);
}
