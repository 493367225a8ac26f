//! Entry points for the fuzzers (`fuzz/`): each feeds arbitrary bytes to one parser and checks
//! what must hold for every input. Not part of the stable API.

use crate::entry::{Entry, EntryRef};
use crate::note::{Checkpoint, NoteSigner, VerifierKey};
use crate::receipt::{Receipt, verify_receipt};

/// Name of the fixed fuzzing log (the seeds are signed with [`fuzz_signer`]).
pub const FUZZ_ORIGIN: &str = "fuzz.setara/ledger";
/// The KK the seeds' household commitments are made to.
pub const FUZZ_KK: &str = "3171012345678901";

/// The fixed signing key of the fuzzing log (seed: 32 bytes of 7), so that seeds can carry
/// valid signatures and the fuzzer can reach the code behind the signature check.
pub fn fuzz_signer() -> NoteSigner {
    NoteSigner::from_seed(FUZZ_ORIGIN, &[7u8; 32]).expect("a valid key name")
}

/// A receipt from JSON bytes, verified against the fixed key with and without the KK: never
/// panics; a receipt that parses prints (compact) and parses back to the same value, and one
/// that verifies still verifies after that round trip.
pub fn receipt(data: &[u8]) {
    let Ok(r) = Receipt::from_slice(data) else {
        return;
    };
    let vkey = fuzz_signer().verifier().to_key_string();
    let with_kk = verify_receipt(&r, &vkey, Some(FUZZ_KK));
    let without = verify_receipt(&r, &vkey, None);
    if with_kk.is_ok() {
        assert!(without.is_ok(), "verifies with the KK but not without");
    }
    // (The compact form may be longer than the input: a field left out of the input, such as
    // an absent nonce, is written out explicitly.)
    let compact = serde_json::to_string(&r).expect("a receipt serializes");
    let back = Receipt::from_slice(compact.as_bytes()).expect("its own output parses");
    assert_eq!(back, r);
    assert_eq!(
        verify_receipt(&back, &vkey, None).is_ok(),
        without.is_ok(),
        "the round trip changed the verdict"
    );
}

/// A signed note / checkpoint: never panics. A checkpoint that parses has exactly the body it
/// was parsed from; one that opens with the fixed key and carries one signature re-serialises
/// (signing its body again, Ed25519 being deterministic) to the same bytes. Key strings that
/// parse print back to the same text.
pub fn signed_note(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(k) = VerifierKey::parse(s) {
        assert_eq!(k.to_key_string(), s.strip_suffix('\n').unwrap_or(s));
    }
    if let Ok(k) = NoteSigner::parse(s) {
        assert_eq!(k.to_key_string(), s.trim_end_matches('\n'));
    }
    if let Ok(cp) = Checkpoint::parse_unverified(s) {
        let split = s.rfind("\n\n").expect("a parsed note has a blank line");
        let body = Checkpoint::body(&cp.origin, cp.size, &cp.root, &cp.extensions);
        assert_eq!(body, s[..split + 1], "the body does not re-serialise");
        let _ = cp.balances();
    }
    let signer = fuzz_signer();
    if let Ok(cp) = Checkpoint::open(s, &signer.verifier()) {
        cp.verify(&signer.verifier())
            .expect("an opened checkpoint verifies");
        let split = s.rfind("\n\n").expect("an opened note has a blank line");
        if s[split + 2..].split_terminator('\n').count() == 1 {
            assert_eq!(
                signer.sign(&s[..split + 1]),
                s,
                "the note does not re-serialise"
            );
        }
    }
}

/// Entry bytes: never panics; an entry that decodes re-encodes to exactly the same bytes, the
/// borrowed and the owned decoders agree, and its JSON form parses back to it.
pub fn entry(data: &[u8]) {
    let owned = Entry::from_bytes(data);
    let borrowed = EntryRef::parse(data);
    assert_eq!(owned.is_ok(), borrowed.is_ok());
    if let (Ok(e), Ok(r)) = (owned, borrowed) {
        assert_eq!(r.to_entry(), e);
        assert_eq!(e.to_bytes().expect("a decoded entry encodes"), data);
        let json = serde_json::to_string(&e).expect("an entry serializes");
        let back: Entry = serde_json::from_str(&json).expect("its own JSON parses");
        assert_eq!(back, e);
    }
}
