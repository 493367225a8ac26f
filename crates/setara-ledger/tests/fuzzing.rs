//! The fuzzing entry points on genuine inputs and on many small mutations of them (the real
//! fuzzers run for much longer; this keeps them from rotting and checks the invariants hold on
//! valid input).

use proptest::prelude::*;
use setara_ledger::fuzzing::{self, FUZZ_KK, FUZZ_ORIGIN, fuzz_signer};
use setara_ledger::{Entry, EntryKind, Ledger, commitment, torture_entry};

/// A receipt and a checkpoint of a log signed with the fuzzing key.
fn genuine() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    drop(Ledger::init(dir, FUZZ_ORIGIN).unwrap());
    let signer = fuzz_signer();
    std::fs::write(dir.join("signing.key"), signer.to_key_string() + "\n").unwrap();
    std::fs::write(
        dir.join("vkey.txt"),
        signer.verifier().to_key_string() + "\n",
    )
    .unwrap();
    let mut l = Ledger::open(dir).unwrap();
    l.append_batch(&(0..5).map(torture_entry).collect::<Vec<_>>())
        .unwrap();
    let nonce = [9u8; 32];
    let e = Entry {
        kind: EntryKind::Disbursement,
        programme: "PKH".into(),
        cycle: 1,
        amount: 750_000,
        channel: "bank_transfer".into(),
        time: 1_767_225_600,
        household: Some(commitment(FUZZ_KK, &nonce)),
        reference: Some("entitlement:7".into()),
    };
    l.append_batch(std::slice::from_ref(&e)).unwrap();
    let cp = l.checkpoint().unwrap();
    let r = l.receipt(5, Some(nonce)).unwrap();
    (
        r.to_json().into_bytes(),
        cp.note.into_bytes(),
        e.to_bytes().unwrap(),
    )
}

#[test]
fn genuine_inputs_hold_the_invariants() {
    let (receipt, note, entry) = genuine();
    let r = setara_ledger::Receipt::from_slice(&receipt).unwrap();
    setara_ledger::verify_receipt(&r, &fuzz_signer().verifier().to_key_string(), Some(FUZZ_KK))
        .unwrap();
    fuzzing::receipt(&receipt);
    fuzzing::signed_note(&note);
    fuzzing::signed_note(fuzz_signer().to_key_string().as_bytes());
    fuzzing::signed_note(fuzz_signer().verifier().to_key_string().as_bytes());
    fuzzing::entry(&entry);
    for i in 0..8 {
        fuzzing::entry(&torture_entry(i).to_bytes().unwrap());
    }
    for junk in [&b""[..], b"\0", b"\xff\xff", b"{}", b"\n\n", &[1u8; 400]] {
        fuzzing::receipt(junk);
        fuzzing::signed_note(junk);
        fuzzing::entry(junk);
    }
}

fn mutate(mut b: Vec<u8>, pos: prop::sample::Index, byte: u8, cut: usize) -> Vec<u8> {
    if !b.is_empty() {
        let i = pos.index(b.len());
        b[i] = byte;
        b.truncate(b.len().saturating_sub(cut));
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn mutations_never_panic(pos in any::<prop::sample::Index>(), byte in any::<u8>(), cut in 0usize..4) {
        let (receipt, note, entry) = genuine_cached();
        fuzzing::receipt(&mutate(receipt.clone(), pos, byte, cut));
        fuzzing::signed_note(&mutate(note.clone(), pos, byte, cut));
        fuzzing::entry(&mutate(entry.clone(), pos, byte, cut));
    }
}

fn genuine_cached() -> &'static (Vec<u8>, Vec<u8>, Vec<u8>) {
    static G: std::sync::OnceLock<(Vec<u8>, Vec<u8>, Vec<u8>)> = std::sync::OnceLock::new();
    G.get_or_init(genuine)
}

/// Writes the seed inputs of the fuzzers (run with `SETARA_WRITE_FUZZ_SEEDS=DIR`).
#[test]
fn write_seeds_when_asked() {
    let Ok(root) = std::env::var("SETARA_WRITE_FUZZ_SEEDS") else {
        return;
    };
    let root = std::path::Path::new(&root);
    let (receipt, note, entry) = genuine_cached().clone();
    let write = |kind: &str, name: &str, bytes: &[u8]| {
        let d = root.join(kind);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(name), bytes).unwrap();
    };
    let text = String::from_utf8(receipt.clone()).unwrap();
    write("receipt", "genuine.json", &receipt);
    let compact: serde_json::Value = serde_json::from_slice(&receipt).unwrap();
    write("receipt", "compact.json", compact.to_string().as_bytes());
    write(
        "receipt",
        "amount-changed.json",
        text.replacen("750000", "750001", 1).as_bytes(),
    );
    write(
        "receipt",
        "nonce-null.json",
        {
            let mut v = compact.clone();
            v["nonce"] = serde_json::Value::Null;
            v.to_string().into_bytes()
        }
        .as_slice(),
    );
    write(
        "receipt",
        "proof-empty.json",
        {
            let mut v = compact.clone();
            v["proof"] = serde_json::json!([]);
            v.to_string().into_bytes()
        }
        .as_slice(),
    );
    write(
        "receipt",
        "index-large.json",
        text.replacen("\"index\": 5", "\"index\": 18446744073709551615", 1)
            .as_bytes(),
    );
    write(
        "receipt",
        "unknown-key.json",
        text.replacen("{", "{\"x\": 1,", 1).as_bytes(),
    );
    write(
        "receipt",
        "nested.json",
        format!("{{\"entry\":{}", "[".repeat(200)).as_bytes(),
    );
    write("receipt", "empty-object.json", b"{}");
    let note_text = String::from_utf8(note.clone()).unwrap();
    write("signed_note", "checkpoint.txt", &note);
    write(
        "signed_note",
        "size-changed.txt",
        note_text.replacen("\n6\n", "\n7\n", 1).as_bytes(),
    );
    write(
        "signed_note",
        "two-signatures.txt",
        {
            let extra = fuzz_signer().sign("x\n");
            let sig = extra.rsplit_once("\n\n").unwrap().1.to_string();
            format!("{note_text}{sig}").into_bytes()
        }
        .as_slice(),
    );
    write(
        "signed_note",
        "no-blank-line.txt",
        note_text.replacen("\n\n", "\n", 1).as_bytes(),
    );
    write("signed_note", "balance-overflow.txt", fuzz_signer().sign(&format!(
        "{FUZZ_ORIGIN}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nsetara-balance PKH {} {} 0\n",
        i64::MIN, i64::MAX)).as_bytes());
    write(
        "signed_note",
        "vkey.txt",
        fuzz_signer().verifier().to_key_string().as_bytes(),
    );
    write(
        "signed_note",
        "signing-key.txt",
        fuzz_signer().to_key_string().as_bytes(),
    );
    write("entry", "disbursement.bin", &entry);
    for i in 0..8 {
        write(
            "entry",
            &format!("torture-{i}.bin"),
            &torture_entry(i).to_bytes().unwrap(),
        );
    }
    let mut over = torture_entry(0).to_bytes().unwrap();
    let at = 1 + 1 + 1 + over[2] as usize + 4;
    over[at..at + 8].copy_from_slice(&i64::MAX.to_be_bytes());
    write("entry", "amount-over-ceiling.bin", &over);
    let mut trailing = entry.clone();
    trailing.push(0);
    write("entry", "trailing-byte.bin", &trailing);
}
