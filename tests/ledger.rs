//! Entitlements and the ledger end to end on a demo registry: approve, fund, disburse, receipt
//! checked offline, a return, tampering caught by the audit, and a disbursement interrupted
//! between the ledger and the store repaired from the ledger (never paid twice).

mod common;

use std::path::PathBuf;
use std::process::Output;
use std::sync::OnceLock;

struct Demo {
    dir: tempfile::TempDir,
}

impl Demo {
    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, args: &[&str]) -> Output {
        common::setara(self.dir.path(), &self.data_dir(), "en", args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?} failed: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
    }

    /// Fails with exit code `exit` and error `code` (from `--json`); returns stderr.
    fn fails_with(&self, args: &[&str], exit: i32, code: &str) -> String {
        common::fails_with(self.dir.path(), &self.data_dir(), "en", args, exit, code)
    }
}

/// A data directory with the programme PKH-JABAR and nothing else (no households): enough for
/// funds in and out of the ledger.
fn programme_only() -> Demo {
    let d = Demo {
        dir: tempfile::tempdir().unwrap(),
    };
    let toml = format!(
        "{}/examples/programmes/pkh-jabar.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    d.ok(&["programme", "create", "--file", &toml]);
    d
}

fn fund_args<'a>(amount: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "ledger",
        "fund",
        "--programme",
        "PKH-JABAR",
        "--kind",
        "budget",
        "--amount",
        amount,
    ];
    v.extend_from_slice(extra);
    v
}

/// Rp3 billion of budget into PKH-JABAR.
fn fund(d: &Demo) {
    d.ok(&[
        "ledger",
        "fund",
        "--programme",
        "PKH-JABAR",
        "--kind",
        "budget",
        "--amount",
        "3000000000",
    ]);
}

/// A demo registry with PKH-JABAR selected for cycle 1 and every entitlement approved (built
/// once per run of this file, copied for each test).
fn approved() -> (Demo, u64) {
    static BUILT: OnceLock<(tempfile::TempDir, u64)> = OnceLock::new();
    let (dir, selected) = common::copied(&BUILT, || {
        let (d, selected) = build_approved();
        (d.dir, selected)
    });
    (Demo { dir }, selected)
}

fn build_approved() -> (Demo, u64) {
    let d = Demo {
        dir: tempfile::tempdir().unwrap(),
    };
    d.ok(&["demo", "--households", "20000", "--quiet"]);
    d.ok(&["rank", "--quiet"]);
    let toml = format!(
        "{}/examples/programmes/pkh-jabar.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    d.ok(&["programme", "create", "--file", &toml]);
    let sel = d.json(&["target", "--programme", "PKH-JABAR", "--select"]);
    let selected = sel["selected"].as_u64().unwrap();
    // Approving before verifying is refused, for the whole batch.
    d.fails_with(
        &[
            "entitlement",
            "transition",
            "--programme",
            "PKH-JABAR",
            "--cycle",
            "1",
            "--from",
            "proposed",
            "--to",
            "approved",
        ],
        1,
        "entitlement_transition_not_allowed",
    );
    for (from, to) in [("proposed", "verified"), ("verified", "approved")] {
        let r = d.json(&[
            "entitlement",
            "transition",
            "--programme",
            "PKH-JABAR",
            "--cycle",
            "1",
            "--from",
            from,
            "--to",
            to,
            "--reason",
            "verval lapangan",
        ]);
        assert_eq!(r["changed"].as_u64().unwrap(), selected);
    }
    (d, selected)
}

#[test]
fn pay_receipts_returns_and_tampering() {
    let (d, selected) = approved();
    // No money in the ledger yet: nothing is paid.
    d.fails_with(
        &["disburse", "--programme", "PKH-JABAR", "--cycle", "1"],
        1,
        "disburse_insufficient_funds",
    );
    d.ok(&[
        "ledger",
        "fund",
        "--programme",
        "PKH-JABAR",
        "--kind",
        "budget",
        "--amount",
        "3000000000",
        "--from",
        "APBD-Jabar-2026",
    ]);
    let first = d.json(&["ledger", "checkpoint"]);
    let first_size = first["size"].as_u64().unwrap();
    assert_eq!(first_size, 1);

    let pay = [
        "disburse",
        "--programme",
        "PKH-JABAR",
        "--cycle",
        "1",
        "--idempotency-key",
        "bayar-siklus-1",
    ];
    let paid = d.json(&pay);
    assert_eq!(paid["paid"].as_u64().unwrap(), selected);
    assert_eq!(paid["replayed"], false);
    // A repeat with the same key (a client that lost the answer) pays nobody again and
    // returns the first result.
    let again = d.json(&pay);
    assert_eq!(again["replayed"], true);
    for k in ["paid", "rupiah", "first_index", "end_index", "checkpoint"] {
        assert_eq!(again[k], paid[k], "{k}");
    }
    // The same key for another cycle is refused.
    let mut other = pay.to_vec();
    other[4] = "2";
    d.fails_with(&other, 1, "idempotency_key_reused");
    assert_eq!(paid["rupiah"].as_i64().unwrap(), selected as i64 * 750_000);
    assert!(
        paid["checkpoint"]
            .as_str()
            .unwrap()
            .starts_with("setara.local/ledger\n")
    );
    // Paying again finds nothing approved.
    d.fails_with(
        &["disburse", "--programme", "PKH-JABAR", "--cycle", "1"],
        1,
        "disburse_nothing_approved",
    );

    let list = d.json(&[
        "entitlement",
        "list",
        "--programme",
        "PKH-JABAR",
        "--state",
        "paid",
        "--limit",
        "0",
    ]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len() as u64, selected);
    let id = list[0]["id"].as_i64().unwrap();
    let kk = list[0]["kk"].as_str().unwrap().to_string();

    // The receipt checks offline, for this household only, and not once altered.
    let receipt = d.dir.path().join("receipt.json");
    d.ok(&[
        "ledger",
        "receipt",
        "--entitlement",
        &id.to_string(),
        "--out",
        receipt.to_str().unwrap(),
    ]);
    // Reading the receipt and the entitlement reads the household's data: both are in the
    // access log, with the household's KK.
    d.ok(&["entitlement", "show", &id.to_string()]);
    {
        let conn = rusqlite::Connection::open(d.data_dir().join("setara.sqlite")).unwrap();
        let logged: Vec<(String, i64)> = conn
            .prepare("SELECT action, kk FROM access_log WHERE actor = 'petugas-uji' ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let kk_number: i64 = kk.parse().unwrap();
        assert_eq!(
            &logged[logged.len() - 2..],
            &[
                ("ledger_receipt".to_string(), kk_number),
                ("entitlement_show".to_string(), kk_number)
            ]
        );
    }
    let vkey = d.ok(&["ledger", "vkey"]).trim().to_string();
    let v = d.json(&[
        "ledger",
        "verify-receipt",
        receipt.to_str().unwrap(),
        "--vkey",
        &vkey,
        "--kk",
        &kk,
    ]);
    assert_eq!(v["valid"], true);
    assert_eq!(v["amount"], 750_000);
    let other_kk = list[1]["kk"].as_str().unwrap().to_string();
    d.fails_with(
        &[
            "ledger",
            "verify-receipt",
            receipt.to_str().unwrap(),
            "--vkey",
            &vkey,
            "--kk",
            &other_kk,
        ],
        1,
        "receipt_invalid",
    );
    let text = std::fs::read_to_string(&receipt).unwrap();
    let tampered = d.dir.path().join("tampered.json");
    std::fs::write(&tampered, text.replacen("750000", "7500000", 1)).unwrap();
    d.fails_with(
        &[
            "ledger",
            "verify-receipt",
            tampered.to_str().unwrap(),
            "--vkey",
            &vkey,
        ],
        1,
        "receipt_invalid",
    );

    // Finding 15: a receipt is checked by value (docs/ledger.md). Re-indented, on one line or
    // with other whitespace between its tokens it still verifies; whitespace added inside the
    // signed checkpoint note is a change and is rejected.
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let reformatted = d.dir.path().join("reformatted.json");
    for form in [
        serde_json::to_string(&value).unwrap(),
        text.replace("\n  ", "\n\t\t").replace(": ", " :  "),
        format!("\n\n{text}\n\n"),
    ] {
        std::fs::write(&reformatted, form).unwrap();
        let v = d.json(&[
            "ledger",
            "verify-receipt",
            reformatted.to_str().unwrap(),
            "--vkey",
            &vkey,
            "--kk",
            &kk,
        ]);
        assert_eq!(v["valid"], true);
    }
    let mut changed = value.clone();
    let note = changed["checkpoint"]
        .as_str()
        .unwrap()
        .replacen('\n', " \n", 1);
    changed["checkpoint"] = note.into();
    std::fs::write(&reformatted, changed.to_string()).unwrap();
    d.fails_with(
        &[
            "ledger",
            "verify-receipt",
            reformatted.to_str().unwrap(),
            "--vkey",
            &vkey,
        ],
        1,
        "receipt_invalid",
    );
    // Garbage, binary, a directory and an endless file: invalid input (1), never exit 3.
    let junk = d.dir.path().join("junk.json");
    for (bytes, code) in [
        (&b"not json at all"[..], "receipt_unreadable"),
        (b"\x00\xff\xfe\x01binary", "receipt_unreadable"),
        (b"", "receipt_unreadable"),
        (b"{\"format\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "receipt_unreadable"),
    ] {
        std::fs::write(&junk, bytes).unwrap();
        d.fails_with(
            &["ledger", "verify-receipt", junk.to_str().unwrap(), "--vkey", &vkey],
            1,
            code,
        );
    }
    d.fails_with(
        &["ledger", "verify-receipt", "/dev/zero", "--vkey", &vkey],
        1,
        "receipt_too_large",
    );
    d.fails_with(
        &[
            "ledger",
            "verify-receipt",
            d.dir.path().to_str().unwrap(),
            "--vkey",
            &vkey,
        ],
        1,
        "receipt_unreadable",
    );
    d.fails_with(
        &[
            "ledger",
            "verify-receipt",
            receipt.to_str().unwrap(),
            "--vkey",
            "not-a-key",
        ],
        1,
        "vkey_invalid",
    );
    // An existing file is replaced only with --force.
    let id_s = id.to_string();
    let out_args = [
        "ledger",
        "receipt",
        "--entitlement",
        id_s.as_str(),
        "--out",
        receipt.to_str().unwrap(),
    ];
    std::fs::write(&receipt, "precious").unwrap();
    d.fails_with(&out_args, 1, "output_exists");
    assert_eq!(std::fs::read_to_string(&receipt).unwrap(), "precious");
    let mut forced = out_args.to_vec();
    forced.push("--force");
    d.ok(&forced);
    assert_eq!(std::fs::read_to_string(&receipt).unwrap(), text);

    // The household confirms; money coming back is a new entry, never an edit.
    d.ok(&[
        "entitlement",
        "transition",
        &id.to_string(),
        "--to",
        "received",
    ]);
    let id2 = list[1]["id"].as_i64().unwrap();
    d.ok(&[
        "ledger",
        "return",
        "--entitlement",
        &id2.to_string(),
        "--reason",
        "rekening ditutup",
    ]);
    let shown = d.json(&["entitlement", "show", &id2.to_string()]);
    assert_eq!(shown["entitlement"]["state"], "approved");
    assert_eq!(shown["entitlement"]["paid_amount"], 0);

    // The audit recomputes everything and finds the log intact; the log only grew.
    let audit = d.json(&["ledger", "audit"]);
    assert_eq!(audit["ok"], true, "{audit}");
    assert_eq!(audit["entries"].as_u64().unwrap(), 1 + selected + 1);
    let latest = d.json(&["ledger", "checkpoint"]);
    let size = latest["size"].as_u64().unwrap();
    d.ok(&[
        "ledger",
        "consistency",
        "--from",
        &first_size.to_string(),
        "--to",
        &size.to_string(),
    ]);

    // Changing one stored byte is caught, with the first bad index.
    let ledger_dir = d.data_dir().join("ledger");
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
    let o = d.run(&["ledger", "audit", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["ok"], false);
    let bad = report["first_bad_index"].as_u64().unwrap();
    assert!(bad > 0 && bad < size, "{report}");
}

/// "Not even the operator": an auditor who saved a checkpoint catches a log rewritten and
/// re-signed with the same key, although the rewritten log is consistent in itself.
#[test]
fn a_rewritten_history_is_caught_by_a_saved_checkpoint() {
    let (d, _) = approved();
    fund(&d);
    d.ok(&["disburse", "--programme", "PKH-JABAR", "--cycle", "1"]);
    // The auditor keeps today's checkpoint.
    let saved = d.dir.path().join("saved-checkpoint.txt");
    let cp = d.json(&["ledger", "checkpoint"]);
    std::fs::write(&saved, cp["note"].as_str().unwrap()).unwrap();
    let size = cp["size"].as_u64().unwrap();
    d.ok(&["ledger", "consistency", "--saved", saved.to_str().unwrap()]);

    // The operator rebuilds the log with one disbursement smaller, keeps the same key, and
    // appends one more entry so that a newer checkpoint exists.
    let dir = d.data_dir().join("ledger");
    let rewritten = d.dir.path().join("rewritten");
    let original = setara_ledger::open_read_only(&dir).unwrap();
    let mut entries: Vec<setara_ledger::Entry> =
        (0..size).map(|i| original.entry(i).unwrap()).collect();
    drop(original);
    entries[2].amount -= 100_000;
    {
        drop(setara_ledger::Ledger::init(&rewritten, "setara.local/ledger").unwrap());
        for f in ["signing.key", "vkey.txt"] {
            std::fs::copy(dir.join(f), rewritten.join(f)).unwrap();
        }
        let mut fake = setara_ledger::Ledger::open(&rewritten).unwrap();
        fake.append_batch(&entries).unwrap();
        fake.checkpoint().unwrap();
        let mut more = entries[0].clone();
        more.amount = 1;
        fake.append_batch(&[more]).unwrap();
        fake.checkpoint().unwrap();
    }
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::rename(&rewritten, &dir).unwrap();
    // The rewritten log passes its own audit: it is consistent with what it signed...
    let audit = d.json(&["ledger", "audit"]);
    assert_eq!(audit["ok"], true, "{audit}");
    // ...but not with the checkpoint the auditor saved.
    d.fails_with(
        &["ledger", "consistency", "--saved", saved.to_str().unwrap()],
        1,
        "consistency_failed",
    );
}

#[test]
fn an_interrupted_disbursement_is_repaired_from_the_ledger() {
    let (d, _) = approved();
    fund(&d);
    let list = d.json(&[
        "entitlement",
        "list",
        "--programme",
        "PKH-JABAR",
        "--state",
        "approved",
        "--limit",
        "1",
    ]);
    let e = &list[0];
    let id = e["id"].as_i64().unwrap();
    // As if `disburse` died after the ledger's fsync and before the store recorded it.
    {
        let mut ledger = setara_ledger::Ledger::open(&d.data_dir().join("ledger")).unwrap();
        let nonce = setara_ledger::new_nonce();
        ledger
            .append_batch(&[setara_ledger::Entry {
                kind: setara_ledger::EntryKind::Disbursement,
                programme: "PKH-JABAR".into(),
                cycle: 1,
                amount: 750_000,
                channel: "bank_transfer".into(),
                time: 1_790_000_000,
                household: Some(setara_ledger::commitment(e["kk"].as_str().unwrap(), &nonce)),
                reference: Some(format!("entitlement:{id}")),
            }])
            .unwrap();
    }
    let before = d.json(&["entitlement", "show", &id.to_string()]);
    assert_eq!(before["entitlement"]["state"], "approved");
    // The next ledger command applies it: the entitlement is paid, with that leaf.
    d.ok(&["ledger", "checkpoint"]);
    let after = d.json(&["entitlement", "show", &id.to_string()]);
    assert_eq!(after["entitlement"]["state"], "paid");
    assert_eq!(after["entitlement"]["ledger_index"], 1);
    // And a disbursement now pays the others, not this one again.
    let paid = d.json(&["disburse", "--programme", "PKH-JABAR", "--cycle", "1"]);
    let all = d.json(&[
        "entitlement",
        "list",
        "--programme",
        "PKH-JABAR",
        "--state",
        "paid",
        "--limit",
        "0",
    ]);
    assert_eq!(
        all.as_array().unwrap().len() as u64,
        paid["paid"].as_u64().unwrap() + 1
    );
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
    let d = programme_only();
    d.ok(&fund_args("1000", &[]));
    let idx = d.data_dir().join("ledger/entries.idx");
    let before = std::fs::read(&idx).unwrap();
    for (amount, code) in [
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
        d.fails_with(&fund_args(amount, &[]), 1, code);
        d.fails_with(
            &[
                "ledger",
                "return-funds",
                "--programme",
                "PKH-JABAR",
                "--amount",
                amount,
            ],
            1,
            code,
        );
    }
    assert_eq!(std::fs::read(&idx).unwrap(), before);
    d.ok(&fund_args("1000000000000000", &[]));
    d.ok(&fund_args("1000000000000000", &[]));
    let audit = d.json(&["ledger", "audit"]);
    assert_eq!(audit["ok"], true, "{audit}");
    assert_eq!(audit["entries"], 3);
    // A reversal of one of them reconciles (no saturated total to fall back from).
    d.ok(&[
        "ledger",
        "reverse",
        "--index",
        "2",
        "--reason",
        "salah input",
    ]);
    // Reversing it again is refused: it is reversed in full already.
    d.fails_with(
        &["ledger", "reverse", "--index", "2", "--reason", "lagi"],
        1,
        "ledger_refused",
    );
    assert_eq!(d.json(&["ledger", "audit"])["ok"], true);
}

/// Finding 14: free text bound for the append-only ledger or an entitlement's history is
/// checked before anything is written.
#[test]
fn free_text_is_checked_before_anything_is_written() {
    let d = programme_only();
    d.ok(&fund_args("1000", &["--from", "APBD-Jabar-2026"]));
    let idx = d.data_dir().join("ledger/entries.idx");
    let before = std::fs::read(&idx).unwrap();
    let long = "a".repeat(65);
    for (extra, exit, code) in [
        (["--from", "APBD\nJabar"], 1, "text_control_character"),
        (["--from", "APBD\u{202E}Jabar"], 1, "text_control_character"),
        (["--from", "APBD Jabar"], 1, "ledger_party_invalid"),
        (["--from", "APBD;rm"], 1, "ledger_party_invalid"),
        (["--from", &long], 1, "text_too_long"),
        (["--from", "  "], 1, "text_empty"),
        (["--channel", "bank-transfer"], 2, "ledger_channel_unknown"),
        (["--channel", "cash\u{7}"], 1, "text_control_character"),
    ] {
        d.fails_with(&fund_args("5", &extra), exit, code);
    }
    d.fails_with(
        &[
            "ledger",
            "return-funds",
            "--programme",
            "PKH-JABAR",
            "--amount",
            "5",
            "--to",
            "kas\ndaerah",
        ],
        1,
        "text_control_character",
    );
    d.fails_with(
        &[
            "ledger",
            "reverse",
            "--index",
            "0",
            "--reason",
            "salah\n2026-01-01 admin paid",
        ],
        1,
        "text_control_character",
    );
    d.fails_with(
        &[
            "ledger",
            "reverse",
            "--index",
            "0",
            "--reason",
            &"x".repeat(1001),
        ],
        1,
        "text_too_long",
    );
    d.fails_with(
        &[
            "entitlement",
            "transition",
            "1",
            "--to",
            "verified",
            "--reason",
            "ok\r\nforged",
        ],
        1,
        "text_control_character",
    );
    d.fails_with(
        &[
            "disburse",
            "--programme",
            "PKH-JABAR",
            "--cycle",
            "1",
            "--channel",
            "tunai",
        ],
        2,
        "ledger_channel_unknown",
    );
    assert_eq!(std::fs::read(&idx).unwrap(), before);
    assert_eq!(d.json(&["ledger", "audit"])["entries"], 1);
}

/// Finding 5, the other ways a ledger can stop matching the store: an index cut short, keys
/// replaced, the whole ledger replaced by another (longer) one.
#[test]
fn a_ledger_shorter_than_the_store_or_rekeyed_is_refused() {
    let d = programme_only();
    for a in ["1000", "2000", "3000"] {
        d.ok(&fund_args(a, &[]));
    }
    let dir = d.data_dir().join("ledger");
    let saved = d.dir.path().join("saved");
    std::fs::create_dir(&saved).unwrap();
    for e in std::fs::read_dir(&dir).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), saved.join(e.file_name())).unwrap();
    }
    // The index cut to two entries: acknowledged entries are gone.
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join("entries.idx"))
        .unwrap();
    f.set_len(16).unwrap();
    let err = d.fails_with(&["ledger", "audit"], 1, "ledger_behind_store");
    assert!(err.contains("setara restore"), "{err}");
    d.fails_with(&fund_args("5", &[]), 1, "ledger_behind_store");
    d.fails_with(&["ledger", "vkey"], 1, "ledger_behind_store");
    std::fs::copy(saved.join("entries.idx"), dir.join("entries.idx")).unwrap();
    assert_eq!(d.json(&["ledger", "audit"])["ok"], true);

    // Another ledger's key pair in place of this one's.
    let other = d.dir.path().join("other");
    drop(setara_ledger::Ledger::init(&other, "setara.local/ledger").unwrap());
    for f in ["vkey.txt", "signing.key"] {
        std::fs::copy(other.join(f), dir.join(f)).unwrap();
    }
    let err = d.fails_with(&["ledger", "audit"], 1, "ledger_key_replaced");
    assert!(err.contains("setara restore"), "{err}");
    d.fails_with(&fund_args("5", &[]), 1, "ledger_key_replaced");
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
    d.fails_with(&["ledger", "audit"], 1, "ledger_key_replaced");
    d.fails_with(&fund_args("5", &[]), 1, "ledger_key_replaced");
    // The signing key removed: nothing can be appended; reading still works.
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::create_dir(&dir).unwrap();
    for e in std::fs::read_dir(&saved).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    std::fs::remove_file(dir.join("signing.key")).unwrap();
    d.fails_with(&fund_args("5", &[]), 1, "ledger_signing_key_missing");
    assert_eq!(d.json(&["ledger", "audit"])["ok"], true);
}

/// Finding 5 with paid entitlements: the ledger folder removed, nothing that touches a payment
/// runs (not even confirming receipt of a paid entitlement), and no new ledger is started.
#[test]
fn a_missing_ledger_refuses_every_payment_command() {
    let (d, _) = approved();
    fund(&d);
    d.ok(&["disburse", "--programme", "PKH-JABAR", "--cycle", "1"]);
    let paid = d.json(&[
        "entitlement",
        "list",
        "--programme",
        "PKH-JABAR",
        "--state",
        "paid",
        "--limit",
        "0",
    ]);
    let id = paid[0]["id"].as_i64().unwrap().to_string();
    std::fs::remove_dir_all(d.data_dir().join("ledger")).unwrap();
    let code = "ledger_missing_but_store_has_entries";
    let err = d.fails_with(&["ledger", "audit"], 1, code);
    assert!(err.contains("setara restore"), "{err}");
    for args in [
        &["entitlement", "transition", id.as_str(), "--to", "received"][..],
        &["ledger", "receipt", "--entitlement", id.as_str()],
        &[
            "ledger",
            "return",
            "--entitlement",
            id.as_str(),
            "--reason",
            "rekening ditutup",
        ],
        &[
            "ledger",
            "fund",
            "--programme",
            "PKH-JABAR",
            "--kind",
            "budget",
            "--amount",
            "5",
        ],
        &["disburse", "--programme", "PKH-JABAR", "--cycle", "1"],
        &["ledger", "checkpoint"],
    ] {
        d.fails_with(args, 1, code);
    }
    assert!(!d.data_dir().join("ledger").exists());
    let still = d.json(&[
        "entitlement",
        "list",
        "--programme",
        "PKH-JABAR",
        "--state",
        "paid",
        "--limit",
        "0",
    ]);
    assert_eq!(still, paid);
}

/// `--idempotency-key`: a repeated `ledger fund` moves money once and prints the first result
/// (the same text); the same key with another amount is refused with its own code.
#[test]
fn a_repeated_fund_with_an_idempotency_key_moves_money_once() {
    let d = programme_only();
    let args = fund_args("5000000", &["--idempotency-key", "dana-2026-01"]);
    let first = d.run(&args);
    assert!(first.status.success());
    let again = d.run(&args);
    assert!(again.status.success());
    assert_eq!(
        again.stdout, first.stdout,
        "the first result, printed again"
    );
    let note = String::from_utf8_lossy(&again.stderr);
    assert!(note.contains("no money was moved"), "{note}");
    let audit = d.json(&["ledger", "audit"]);
    assert_eq!(audit["entries"], 1);
    let other = fund_args("6000000", &["--idempotency-key", "dana-2026-01"]);
    d.fails_with(&other, 1, "idempotency_key_reused");
    d.fails_with(
        &fund_args("5000000", &["--idempotency-key", "two\nlines"]),
        1,
        "text_control_character",
    );
    assert_eq!(d.json(&["ledger", "audit"])["entries"], 1);
}
