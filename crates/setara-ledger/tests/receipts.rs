//! Receipts: a genuine one verifies; any single altered byte in any part is rejected.

use std::process::Command;

use setara_ledger::{
    Entry, EntryKind, Ledger, Receipt, commitment, new_nonce, torture_entry, verify_receipt,
};

const KK: &str = "3171012345678901";

/// A ledger with a disbursement to household KK at index 11; returns (receipt, vkey).
fn setup(dir: &std::path::Path) -> (Receipt, String) {
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
    let r = l.append_batch(&[e]).unwrap();
    assert_eq!(r, 11..12);
    l.append_batch(&(12..40).map(torture_entry).collect::<Vec<_>>())
        .unwrap();
    l.checkpoint().unwrap();
    (l.receipt(11, Some(nonce)).unwrap(), l.verifier_key())
}

#[test]
fn genuine_receipt_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let (r, vkey) = setup(tmp.path());
    let v = verify_receipt(&r, &vkey, Some(KK)).unwrap();
    assert!(v.household_checked);
    assert_eq!((v.index, v.tree_size, v.entry.amount), (11, 40, 750_000));
    let v = verify_receipt(&r, &vkey, None).unwrap();
    assert!(!v.household_checked);
    // Round trip through JSON.
    let back = Receipt::from_json(&r.to_json()).unwrap();
    assert_eq!(back, r);
    // Another KK is not this household.
    assert!(verify_receipt(&r, &vkey, Some("3171012345678902")).is_err());
    assert!(verify_receipt(&r, &vkey, Some("not a kk")).is_err());
    // A donor's receipt (no commitment) verifies without a KK, not with one.
    let l = Ledger::open_read_only(tmp.path()).unwrap();
    let d = l.receipt(7, None).unwrap();
    verify_receipt(&d, &vkey, None).unwrap();
    assert!(verify_receipt(&d, &vkey, Some(KK)).is_err());
    assert!(l.receipt(7, Some([0; 32])).is_err());
    // Another log's key is rejected.
    let other = tempfile::tempdir().unwrap();
    let o = Ledger::init(other.path(), "bansos.example.go.id/ledger").unwrap();
    assert!(verify_receipt(&r, &o.verifier_key(), None).is_err());
}

/// Flips one bit in every byte of the compact JSON, one at a time: each must be rejected.
#[test]
fn any_altered_byte_of_the_json_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let (r, vkey) = setup(tmp.path());
    let json = serde_json::to_vec(&r).unwrap();
    for i in 0..json.len() {
        for bit in [0x01u8, 0x20, 0x80] {
            let mut j = json.clone();
            j[i] ^= bit;
            let ok = std::str::from_utf8(&j)
                .ok()
                .and_then(|s| Receipt::from_json(s).ok())
                .map(|r| verify_receipt(&r, &vkey, Some(KK)));
            assert!(
                !matches!(ok, Some(Ok(_))),
                "byte {i} ^ {bit:#x} accepted: {}",
                String::from_utf8_lossy(&j)
            );
        }
    }
}

fn rejected(r: &Receipt, vkey: &str) -> bool {
    verify_receipt(r, vkey, Some(KK)).is_err()
}

/// Part by part in the decoded structure.
#[test]
fn any_altered_part_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let (r, vkey) = setup(tmp.path());
    // Entry: every byte of its canonical encoding that still decodes.
    let bytes = r.entry.to_bytes().unwrap();
    let mut tried = 0;
    for i in 0..bytes.len() {
        for bit in [1u8, 2, 4, 8, 16, 32, 64, 128] {
            let mut b = bytes.clone();
            b[i] ^= bit;
            if let Ok(e) = Entry::from_bytes(&b) {
                let mut x = r.clone();
                x.entry = e;
                assert!(rejected(&x, &vkey), "entry byte {i} ^ {bit}");
                tried += 1;
            }
        }
    }
    assert!(tried > 100);
    // Index.
    for d in [1u64, 2, 1 << 32] {
        for idx in [r.index ^ d, r.index.wrapping_add(d)] {
            let mut x = r.clone();
            x.index = idx;
            assert!(rejected(&x, &vkey), "index {idx}");
        }
    }
    // Each proof hash, every byte.
    assert!(!r.proof.is_empty());
    for h in 0..r.proof.len() {
        for i in 0..32 {
            let mut x = r.clone();
            x.proof[h][i] ^= 1;
            assert!(rejected(&x, &vkey), "proof {h} byte {i}");
        }
    }
    let mut x = r.clone();
    x.proof.pop();
    assert!(rejected(&x, &vkey));
    let mut x = r.clone();
    x.proof.push([0; 32]);
    assert!(rejected(&x, &vkey));
    // Checkpoint note: every byte of body and signature line.
    let note = r.checkpoint.as_bytes();
    let body_end = r.checkpoint.find("\n\n").unwrap();
    let mut body_tried = 0;
    let mut sig_tried = 0;
    for i in 0..note.len() {
        let mut n = note.to_vec();
        n[i] ^= 1;
        if let Ok(s) = String::from_utf8(n) {
            let mut x = r.clone();
            x.checkpoint = s;
            assert!(rejected(&x, &vkey), "checkpoint byte {i}");
            if i <= body_end {
                body_tried += 1
            } else {
                sig_tried += 1
            }
        }
    }
    assert!(body_tried > 50 && sig_tried > 50);
    // Nonce.
    for i in 0..32 {
        let mut x = r.clone();
        x.nonce.as_mut().unwrap()[i] ^= 1;
        assert!(rejected(&x, &vkey), "nonce byte {i}");
    }
    let mut x = r.clone();
    x.nonce = None;
    assert!(rejected(&x, &vkey));
    // Verifier key: every character.
    let vb = vkey.as_bytes();
    for i in 0..vb.len() {
        let mut k = vb.to_vec();
        k[i] ^= 1;
        let k = String::from_utf8(k).unwrap();
        assert!(rejected(&r, &k), "vkey char {i}: {k}");
    }
    // Format tag.
    let mut x = r.clone();
    x.format.push('x');
    assert!(rejected(&x, &vkey));
    assert!(!rejected(&r, &vkey));
}

#[test]
fn standalone_verifier_binary() {
    let tmp = tempfile::tempdir().unwrap();
    let (r, vkey) = setup(&tmp.path().join("log"));
    let path = tmp.path().join("receipt.json");
    std::fs::write(&path, r.to_json()).unwrap();
    let bin = env!("CARGO_BIN_EXE_setara-verify-receipt");
    let run = |args: &[&str]| {
        let out = Command::new(bin).args(args).output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let p = path.to_str().unwrap();
    let (code, out) = run(&[p, "--vkey", &vkey, "--kk", KK]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("VALID") && out.contains("household commitment matches"));
    let vkey_file = tmp.path().join("log/vkey.txt");
    let (code, _) = run(&[p, "--vkey", vkey_file.to_str().unwrap()]);
    assert_eq!(code, 0);
    let (code, out) = run(&[p, "--vkey", &vkey, "--kk", "3171012345678900"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("INVALID") && out.contains("commitment"),
        "{out}"
    );
    let mut tampered = r.clone();
    tampered.entry.amount += 1;
    std::fs::write(&path, tampered.to_json()).unwrap();
    let (code, out) = run(&[p, "--vkey", &vkey]);
    assert_eq!(code, 1);
    assert!(
        out.contains("INVALID (proof_failed): proof failed"),
        "{out}"
    );
    let (code, _) = run(&[p]);
    assert_eq!(code, 2);
    // Unreadable, binary, huge and endless inputs: invalid (1), never a crash.
    let dir = tmp.path().to_str().unwrap();
    std::fs::write(&path, b"\xff\xfe\0\0garbage").unwrap();
    for (input, code_word) in [
        (p, "receipt_invalid"),
        (dir, "ledger_io"),
        ("/dev/zero", "input_too_large"),
        ("/no/such/receipt.json", "ledger_file_missing"),
    ] {
        let (code, out) = run(&[input, "--vkey", &vkey]);
        assert_eq!(code, 1, "{input}: {out}");
        assert!(out.contains(code_word), "{input}: {out}");
    }
}
