//! Hostile input to the ledger (issue 10): amounts above the ceiling, sums that would overflow,
//! entries on disk that no writer of this version would accept, receipts reformatted, changed,
//! huge or deeply nested.

use std::fs;
use std::path::Path;

use setara_ledger::merkle::{TreeBuilder, leaf_hash};
use setara_ledger::{
    Entry, EntryKind, Error, Ledger, Receipt, audit, commitment, new_nonce, torture_entry,
    verify_receipt,
};

/// `setara_core::Rupiah::MAX`, written out: the ledger depends on nothing of ours.
const CEILING: i64 = 1_000_000_000_000_000;

fn budget(amount: i64) -> Entry {
    Entry {
        kind: EntryKind::Budget,
        programme: "PKH".into(),
        cycle: 0,
        amount,
        channel: "bank_transfer".into(),
        time: 1_767_225_600,
        household: None,
        reference: None,
    }
}

/// Finding 12: one amount above the ceiling is refused, at the ceiling accepted.
#[test]
fn amounts_above_the_ceiling_are_refused() {
    assert_eq!(setara_ledger::MAX_AMOUNT, CEILING);
    let tmp = tempfile::tempdir().unwrap();
    let mut l = Ledger::init(tmp.path(), "test.setara/log").unwrap();
    for bad in [i64::MAX, CEILING + 1, 0, -1, i64::MIN] {
        assert!(budget(bad).validate().is_err(), "{bad}");
        assert!(
            matches!(l.append_batch(&[budget(bad)]), Err(Error::Refused { .. })),
            "{bad}"
        );
    }
    assert_eq!(l.len(), 0);
    l.append_batch(&[budget(CEILING)]).unwrap();
    // The decoder refuses bytes the encoder would not write.
    let mut bytes = budget(CEILING).to_bytes().unwrap();
    let at = 1 + 1 + 1 + 3 + 4; // version, kind, programme length and bytes, cycle
    bytes[at..at + 8].copy_from_slice(&i64::MAX.to_be_bytes());
    assert!(Entry::from_bytes(&bytes).is_err());
}

/// Finding 12: funding the ceiling until the total would pass `i64::MAX` is refused (never a
/// saturated total), and the log stays as it was.
#[test]
fn totals_that_would_overflow_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut l = Ledger::init(tmp.path(), "test.setara/log").unwrap();
    let fits = (i64::MAX / CEILING) as usize;
    l.append_batch(&vec![budget(CEILING); fits]).unwrap();
    l.checkpoint().unwrap();
    let e = l.append_batch(&[budget(CEILING)]).unwrap_err();
    assert!(matches!(e, Error::Refused { .. }), "{e}");
    assert_eq!(l.len(), fits as u64);
    assert_eq!(l.balances()["PKH"].funds_in, fits as i64 * CEILING);
    drop(l);
    let rep = audit(tmp.path()).unwrap();
    assert!(rep.is_ok(), "{:?}", rep.problems);
}

/// Writes a ledger whose segment, index and hash cache hold `entries` as given (no checks):
/// what an older version or a hostile editor could leave on disk.
fn raw_ledger(dir: &Path, entries: &[Vec<u8>]) {
    drop(Ledger::init(dir, "test.setara/log").unwrap());
    let mut seg = Vec::new();
    let mut idx = Vec::new();
    let mut hashes = Vec::new();
    let mut tree = TreeBuilder::new();
    for b in entries {
        idx.extend_from_slice(&(seg.len() as u64).to_be_bytes());
        seg.extend_from_slice(&(b.len() as u32).to_be_bytes());
        seg.extend_from_slice(b);
        seg.extend_from_slice(&leaf_hash(b)[..8]);
        tree.push(leaf_hash(b), |_, h| hashes.extend_from_slice(h));
    }
    fs::write(dir.join("entries-00000000.seg"), seg).unwrap();
    fs::write(dir.join("entries.idx"), idx).unwrap();
    fs::write(dir.join("tree.hashes"), hashes).unwrap();
}

/// Finding 12: `i64::MAX` twice, written by an older version: the audit names the entry and
/// does not say that the funds reconcile; opening the log fails cleanly.
#[test]
fn an_amount_above_the_ceiling_on_disk_is_an_audit_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let mut b = budget(CEILING).to_bytes().unwrap();
    let at = 1 + 1 + 1 + 3 + 4;
    b[at..at + 8].copy_from_slice(&i64::MAX.to_be_bytes());
    raw_ledger(tmp.path(), &[b.clone(), b]);
    let rep = audit(tmp.path()).unwrap();
    assert!(!rep.is_ok());
    assert_eq!(rep.first_bad_index, Some(0), "{:?}", rep.problems);
    assert!(Ledger::open(tmp.path()).is_err());
    assert!(Ledger::open_read_only(tmp.path()).is_err());
}

/// Finding 12: valid entries whose sum passes `i64::MAX` (possible only on disk): the audit
/// reports the overflow at the entry where it happens, never a saturated total.
#[test]
fn totals_that_overflow_on_disk_are_an_audit_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let fits = (i64::MAX / CEILING) as usize;
    let b = budget(CEILING).to_bytes().unwrap();
    raw_ledger(tmp.path(), &vec![b; fits + 2]);
    let rep = audit(tmp.path()).unwrap();
    assert!(!rep.is_ok());
    assert_eq!(rep.first_bad_index, Some(fits as u64), "{:?}", rep.problems);
    assert!(rep.balances["PKH"].funds_in > 0);
    assert!(Ledger::open(tmp.path()).is_err());
}

/// A checkpoint's balance line whose numbers would overflow is an error, not a saturated
/// balance.
#[test]
fn checkpoint_balance_lines_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let l = Ledger::init(tmp.path(), "test.setara/log").unwrap();
    drop(l);
    let signer = setara_ledger::NoteSigner::parse(
        &fs::read_to_string(tmp.path().join("signing.key")).unwrap(),
    )
    .unwrap();
    let cp = setara_ledger::Checkpoint::sign(
        &signer,
        0,
        &setara_ledger::merkle::empty_root(),
        vec![format!("setara-balance PKH {} {} 0", i64::MIN, i64::MAX)],
    )
    .unwrap();
    assert!(cp.balances().is_err());
}

const KK: &str = "3171012345678901";

fn receipt(dir: &Path) -> (Receipt, String) {
    let mut l = Ledger::init(dir, "bansos.example.go.id/ledger").unwrap();
    l.append_batch(&(0..11).map(torture_entry).collect::<Vec<_>>())
        .unwrap();
    let nonce = new_nonce();
    let e = Entry {
        kind: EntryKind::Disbursement,
        programme: "PKH".into(),
        cycle: 3,
        amount: 750_000,
        channel: "bank_transfer".into(),
        time: 1_767_225_600,
        household: Some(commitment(KK, &nonce)),
        reference: Some("ENT-2026-000123".into()),
    };
    l.append_batch(&[e]).unwrap();
    l.append_batch(&(12..40).map(torture_entry).collect::<Vec<_>>())
        .unwrap();
    l.checkpoint().unwrap();
    (l.receipt(11, Some(nonce)).unwrap(), l.verifier_key())
}

fn verifies(json: &str, vkey: &str) -> bool {
    Receipt::from_json(json)
        .and_then(|r| verify_receipt(&r, vkey, Some(KK)))
        .is_ok()
}

/// Finding 15: a receipt is checked by value. Re-indenting it, other whitespace between the
/// JSON tokens, another order of keys or a character written as a JSON escape change no value
/// and still verify (docs/ledger.md says so); whitespace added inside a signed or committed
/// value is a change and is rejected.
#[test]
fn reformatting_is_harmless_and_changed_values_are_not() {
    let tmp = tempfile::tempdir().unwrap();
    let (r, vkey) = receipt(tmp.path());
    let pretty = r.to_json();
    let compact = serde_json::to_string(&r).unwrap();
    assert!(verifies(&pretty, &vkey) && verifies(&compact, &vkey));
    // Other indentation, tabs, CRLF line ends, spaces around every colon and comma.
    let spaced = pretty
        .replace("\n", "\r\n\t")
        .replace("\": ", "\"   :   ")
        .replace(",\r\n", " ,\r\n");
    assert!(verifies(&format!("\n\n  {spaced}  \n"), &vkey), "{spaced}");
    // Keys in another order.
    let v: serde_json::Value = serde_json::from_str(&compact).unwrap();
    let obj = v.as_object().unwrap();
    let mut reordered = String::from("{");
    for (i, k) in obj.keys().rev().enumerate() {
        if i > 0 {
            reordered.push(',');
        }
        reordered.push_str(&format!("{:?}:{}", k, obj[k]));
    }
    reordered.push('}');
    assert!(verifies(&reordered, &vkey), "{reordered}");
    // The same character as a JSON escape.
    assert!(verifies(
        &compact.replacen("\"PKH\"", "\"\\u0050KH\"", 1),
        &vkey
    ));

    // Whitespace inside a value: the checkpoint note, the programme, a proof hash, a nonce.
    let note_json = serde_json::to_string(&r.checkpoint).unwrap();
    let mut x = r.clone();
    x.checkpoint = r.checkpoint.replacen('\n', " \n", 1);
    assert!(verify_receipt(&x, &vkey, None).is_err());
    x.checkpoint = r.checkpoint.replacen("\n\n", "\n\n\n", 1);
    assert!(verify_receipt(&x, &vkey, None).is_err());
    x.checkpoint = format!("{} ", r.checkpoint);
    assert!(verify_receipt(&x, &vkey, None).is_err());
    assert!(!verifies(
        &compact.replacen(&note_json, &note_json.replacen("\\n", " \\n", 1), 1),
        &vkey
    ));
    assert!(!verifies(
        &compact.replacen("\"PKH\"", "\"PKH \"", 1),
        &vkey
    ));
    let h = crate_hex(&r.proof[0]);
    assert!(!verifies(&compact.replacen(&h, &format!(" {h}"), 1), &vkey));
    let n = crate_hex(r.nonce.as_ref().unwrap());
    assert!(!verifies(&compact.replacen(&n, &format!("{n} "), 1), &vkey));
    // Numbers: another spelling of the same number is not JSON's integer and is refused.
    assert!(!verifies(
        &compact.replacen("\"amount\":750000", "\"amount\":750000.0", 1),
        &vkey
    ));
    assert!(!verifies(
        &compact.replacen("\"amount\":750000", "\"amount\":7.5e5", 1),
        &vkey
    ));
    // A key twice, an unknown key.
    assert!(!verifies(
        &compact.replacen("{\"format\"", "{\"index\":11,\"format\"", 1),
        &vkey
    ));
    assert!(!verifies(
        &compact.replacen("{\"format\"", "{\"x\":1,\"format\"", 1),
        &vkey
    ));
}

fn crate_hex(h: &[u8; 32]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

/// Finding 15: a receipt larger than the limit is refused before it is parsed; deep nesting,
/// garbage and binary are refused with an error, never a crash.
#[test]
fn huge_nested_and_binary_receipts_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (r, vkey) = receipt(tmp.path());
    let max = setara_ledger::receipt::MAX_RECEIPT_BYTES;
    let mut big = r.to_json();
    big.push_str(&" ".repeat(max + 1 - big.len()));
    assert!(matches!(
        Receipt::from_slice(big.as_bytes()),
        Err(Error::TooLarge { .. })
    ));
    assert!(Receipt::from_slice(big.trim_end().as_bytes()).is_ok());
    for deep in [
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!("{{\"format\":{}", "[".repeat(500_000)),
        format!("{{\"entry\":{}", "{\"kind\":".repeat(100_000)),
    ] {
        assert!(deep.len() <= max);
        assert!(Receipt::from_slice(deep.as_bytes()).is_err());
    }
    for junk in [
        &b""[..],
        b"\0\0\0",
        b"\xff\xfe{",
        b"null",
        b"{}",
        b"[]",
        b"42",
    ] {
        assert!(Receipt::from_slice(junk).is_err(), "{junk:?}");
    }
    assert!(verify_receipt(&r, &vkey, None).is_ok());
    // The reader stops at the limit instead of reading a whole endless input.
    assert!(matches!(
        Receipt::read_file(Path::new("/dev/zero")),
        Err(Error::TooLarge { .. })
    ));
    assert!(Receipt::read_file(tmp.path()).is_err());
}
