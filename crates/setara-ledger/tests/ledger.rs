//! Ledger behaviour: appends, proofs, checkpoints, reconciliation, audit, torn tails, rewrites.

use std::fs;
use std::path::Path;

use setara_ledger::merkle::{MemoryTree, reference_root};
use setara_ledger::{
    Checkpoint, Entry, EntryKind, Error, Ledger, LedgerOptions, NoteSigner, audit, balances,
    commitment, kk_string, leaf_hash, torture_entry, verify_consistency, verify_inclusion,
};

fn small(dir: &Path) -> Ledger {
    Ledger::init_with(
        dir,
        "test.setara/log",
        LedgerOptions {
            segment_entries_log2: 6,
        },
    )
    .unwrap()
}

fn entries(from: u64, to: u64) -> Vec<Entry> {
    (from..to).map(torture_entry).collect()
}

#[test]
fn append_read_proofs_and_checkpoints() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("l");
    let mut l = small(&dir);
    assert!(matches!(
        Ledger::init(&dir, "test.setara/log"),
        Err(Error::AlreadyExists(_))
    ));
    assert!(matches!(Ledger::open(&dir), Err(Error::Locked(_))));
    assert_eq!(l.append_batch(&entries(0, 100)).unwrap(), 0..100);
    let cp1 = l.checkpoint().unwrap();
    assert_eq!(l.append_batch(&entries(100, 333)).unwrap(), 100..333);
    let cp2 = l.checkpoint().unwrap();
    assert_eq!(l.len(), 333);
    let leaves: Vec<_> = (0..333)
        .map(|i| torture_entry(i).leaf_hash().unwrap())
        .collect();
    assert_eq!(l.root(), reference_root(&leaves));
    assert_eq!(cp1.root, reference_root(&leaves[..100]));
    let mem = MemoryTree::new(leaves.clone());
    for size in [1u64, 2, 3, 63, 64, 65, 100, 127, 128, 129, 200, 333] {
        for i in (0..size).step_by(7).chain([size - 1]) {
            let p = l.inclusion_proof(i, size).unwrap();
            assert_eq!(
                p,
                setara_ledger::merkle::inclusion_proof(&mem, i, size).unwrap()
            );
            verify_inclusion(&leaves[i as usize], i, size, &p, &l.root_at(size).unwrap()).unwrap();
        }
        for m in [0, 1, size / 2, size] {
            let p = l.consistency_proof(m, size).unwrap();
            setara_ledger::verify_consistency_hashes(
                m,
                &l.root_at(m).unwrap(),
                size,
                &l.root_at(size).unwrap(),
                &p,
            )
            .unwrap();
        }
    }
    let p = l.consistency_proof(100, 333).unwrap();
    verify_consistency(&cp1, &cp2, &p).unwrap();
    for i in [0, 5, 64, 332] {
        assert_eq!(l.entry(i).unwrap(), torture_entry(i));
    }
    // The note verifies with the published key and parses back.
    let vkey = setara_ledger::VerifierKey::parse(&l.verifier_key()).unwrap();
    assert_eq!(Checkpoint::open(cp2.to_note(), &vkey).unwrap(), cp2);
    assert!(cp2.note.starts_with("test.setara/log\n333\n"));
    drop(l);
    // Reopen: same state; read-only handles work beside the writer.
    let l = Ledger::open(&dir).unwrap();
    assert_eq!(l.torn_tail(), Default::default());
    assert_eq!(l.len(), 333);
    assert_eq!(l.root(), cp2.root);
    assert_eq!(l.checkpoints().unwrap(), vec![cp1, cp2.clone()]);
    let ro = Ledger::open_read_only(&dir).unwrap();
    assert_eq!(ro.root(), cp2.root);
    assert_eq!(ro.receipt(7, None).unwrap().index, 7);
    let rep = audit(&dir).unwrap();
    assert!(rep.is_ok(), "{:?}", rep.problems);
    assert_eq!((rep.entries, rep.checkpoints_checked), (333, 2));
    assert_eq!(rep.root, cp2.root);
    // Signing key file is private.
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(dir.join("signing.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn refuses_bad_batches_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let mut l = small(tmp.path());
    l.append_batch(&entries(0, 8)).unwrap();
    let mut over = torture_entry(1);
    over.amount = 100_000_000;
    let err = l.append_batch(&[torture_entry(8), over]).unwrap_err();
    assert!(matches!(err, Error::Refused { index: 9, .. }), "{err}");
    let mut rev = torture_entry(6);
    rev.reference = Some("0".into()); // reversing the budget would overdraw PKH (out 4M > in 0.05M)
    rev.amount = 8_000_000;
    assert!(l.append_batch(&[rev]).is_err());
    let mut rev = torture_entry(6);
    rev.reference = Some("6".into()); // a reversal of a reversal
    assert!(l.append_batch(&[rev]).is_err());
    let mut rev = torture_entry(6);
    rev.reference = Some("99".into());
    assert!(l.append_batch(&[rev]).is_err());
    let mut bad = torture_entry(0);
    bad.amount = 0;
    assert!(matches!(l.append_batch(&[bad]), Err(Error::Refused { .. })));
    assert_eq!(l.len(), 8);
    assert!(audit(tmp.path()).unwrap().is_ok());
}

fn e(kind: EntryKind, prog: &str, amount: i64, reference: Option<&str>) -> Entry {
    Entry {
        kind,
        programme: prog.into(),
        cycle: 1,
        amount,
        channel: "bank_transfer".into(),
        time: 1_767_225_600,
        household: (kind == EntryKind::Disbursement).then(|| commitment(&kk_string(42), &[1; 32])),
        reference: reference.map(str::to_string),
    }
}

#[test]
fn reconciliation_with_reversal() {
    use EntryKind::*;
    let log = vec![
        e(Budget, "PKH", 1_000_000, None),
        e(CsrContribution, "PKH", 500_000, None),
        e(Donation, "SEMBAKO", 300_000, None),
        e(Disbursement, "PKH", 600_000, Some("ENT-1")),
        e(Disbursement, "PKH", 400_000, Some("ENT-2")),
        e(Reversal, "PKH", 400_000, Some("4")), // ENT-2 was paid twice by mistake: reversed
        e(Disbursement, "SEMBAKO", 250_000, Some("ENT-3")),
        e(Return, "SEMBAKO", 50_000, None),
    ];
    let b = balances(&log).unwrap();
    let pkh = b["PKH"];
    assert_eq!(
        (pkh.funds_in, pkh.funds_out, pkh.reversed, pkh.balance),
        (1_500_000, 600_000, 400_000, 900_000)
    );
    let s = b["SEMBAKO"];
    assert_eq!((s.funds_in, s.funds_out, s.balance), (300_000, 300_000, 0));

    let tmp = tempfile::tempdir().unwrap();
    let mut l = small(tmp.path());
    l.append_batch(&log[..5]).unwrap();
    l.checkpoint().unwrap();
    l.append_batch(&log[5..]).unwrap();
    let cp = l.checkpoint().unwrap();
    assert_eq!(l.balances(), &b);
    assert_eq!(cp.balances().unwrap().unwrap(), b);
    assert!(
        cp.extensions
            .contains(&"setara-balance PKH 1500000 600000 400000".to_string())
    );
    let rep = audit(tmp.path()).unwrap();
    assert!(rep.is_ok(), "{:?}", rep.problems);
    assert_eq!(rep.balances, b);
    assert_eq!(rep.checkpoints_checked, 2);
    // Balances survive a reopen (from the checkpoint's lines plus the entries after it).
    drop(l);
    let mut l = Ledger::open(tmp.path()).unwrap();
    assert_eq!(l.balances(), &b);

    // An overdraft (forced past the writer's check) is reported at the checkpoint.
    l.allow_overdraft_for_tests(true);
    l.append_batch(&[e(Disbursement, "SEMBAKO", 10, Some("ENT-4"))])
        .unwrap();
    l.checkpoint().unwrap();
    let rep = audit(tmp.path()).unwrap();
    assert!(
        rep.problems
            .iter()
            .any(|p| p.contains("SEMBAKO paid out 300010 but was funded 300000")),
        "{:?}",
        rep.problems
    );
    drop(l);

    // A checkpoint that claims totals the entries do not add up to (signed with the real key).
    let signer =
        NoteSigner::parse(&fs::read_to_string(tmp.path().join("signing.key")).unwrap()).unwrap();
    let l = Ledger::open_read_only(tmp.path()).unwrap();
    let forged = Checkpoint::sign(
        &signer,
        l.len(),
        &l.root(),
        vec!["setara-balance PKH 1500000 600000 0".into()],
    )
    .unwrap();
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(tmp.path().join("checkpoints.log"))
        .unwrap();
    std::io::Write::write_all(&mut f, format!("{}\n", forged.note).as_bytes()).unwrap();
    let rep = audit(tmp.path()).unwrap();
    assert!(
        rep.problems
            .iter()
            .any(|p| p.contains("claims programme totals")),
        "{:?}",
        rep.problems
    );
}

/// Builds a log of 500 entries over 8 segments with checkpoints; returns its directory.
fn build_for_tamper(dir: &Path) {
    let mut l = small(dir);
    for (a, b) in [(0, 100), (100, 250), (250, 500)] {
        l.append_batch(&entries(a, b)).unwrap();
        l.checkpoint().unwrap();
    }
}

fn flip(path: &Path, pos: u64) -> u8 {
    let mut b = fs::read(path).unwrap();
    let old = b[pos as usize];
    b[pos as usize] ^= 0x5a;
    fs::write(path, &b).unwrap();
    old
}

fn unflip(path: &Path, pos: u64, old: u8) {
    let mut b = fs::read(path).unwrap();
    b[pos as usize] = old;
    fs::write(path, &b).unwrap();
}

/// Which entry's record holds byte `pos` of segment `seg` (64 entries per segment).
fn entry_at(dir: &Path, seg: u64, pos: u64) -> u64 {
    let idx = fs::read(dir.join("entries.idx")).unwrap();
    let mut best = seg * 64;
    for i in seg * 64..(seg * 64 + 64).min(idx.len() as u64 / 8) {
        let off = u64::from_be_bytes(idx[i as usize * 8..i as usize * 8 + 8].try_into().unwrap());
        if off <= pos {
            best = i;
        }
    }
    best
}

#[test]
fn audit_reports_first_bad_index_for_any_changed_segment_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    build_for_tamper(dir);
    let clean = audit(dir).unwrap();
    assert!(clean.is_ok(), "{:?}", clean.problems);
    let mut checked = 0;
    for seg in 0..8u64 {
        let path = dir.join(format!("entries-{seg:08}.seg"));
        let len = fs::metadata(&path).unwrap().len();
        // Positions all over the segment: starts, middles and ends of records.
        let mut positions: Vec<u64> = (0..len).step_by(97).collect();
        positions.extend([0, 1, 2, 3, 4, len / 2, len - 9, len - 1]);
        for pos in positions {
            let want = entry_at(dir, seg, pos);
            let old = flip(&path, pos);
            let rep = audit(dir).unwrap();
            assert!(!rep.is_ok());
            assert_eq!(
                rep.first_bad_index,
                Some(want),
                "segment {seg} byte {pos}: {:?}",
                rep.problems
            );
            // The writer refuses to work on a log whose tail it cannot trust, or opens it and
            // never signs a wrong tree.
            if let Ok(mut l) = Ledger::open(dir)
                && let Ok(cp) = l.checkpoint()
            {
                assert_eq!(cp.root, clean.root);
            }
            unflip(&path, pos, old);
            checked += 1;
        }
    }
    assert!(checked > 100);
    assert!(audit(dir).unwrap().is_ok());
}

#[test]
fn audit_detects_changed_index_hash_cache_and_checkpoints() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    build_for_tamper(dir);
    let good_root = audit(dir).unwrap().root;
    // Index: the entry whose offset changed.
    let path = dir.join("entries.idx");
    for i in [0u64, 1, 63, 64, 200, 499] {
        let pos = i * 8 + 7;
        let old = flip(&path, pos);
        let rep = audit(dir).unwrap();
        assert_eq!(rep.first_bad_index, Some(i), "{:?}", rep.problems);
        unflip(&path, pos, old);
    }
    // Hash cache: reported; the writer rebuilds it; proofs it hands out are never wrong.
    let path = dir.join("tree.hashes");
    let len = fs::metadata(&path).unwrap().len();
    for pos in (0..len).step_by(211).chain([len - 1]) {
        let old = flip(&path, pos);
        let rep = audit(dir).unwrap();
        assert!(!rep.is_ok(), "byte {pos} of tree.hashes");
        assert_eq!(rep.root, good_root, "the audit recomputes from entries");
        assert!(rep.first_bad_index.is_some());
        {
            let l = Ledger::open_read_only(dir);
            if let Ok(l) = l {
                let cp = l.latest_checkpoint().unwrap().clone();
                let vkey = l.verifier_key();
                for i in (0..500).step_by(13) {
                    if let Ok(r) = l.receipt(i, None) {
                        setara_ledger::verify_receipt(&r, &vkey, None).unwrap();
                        assert_eq!(r.checkpoint, cp.note);
                    }
                }
            }
        }
        let mut l = Ledger::open(dir).unwrap();
        let vkey = l.verifier_key();
        for i in (0..500).step_by(7) {
            match l.receipt(i, None) {
                Ok(r) => {
                    setara_ledger::verify_receipt(&r, &vkey, None).unwrap();
                }
                Err(Error::Corrupt(_)) => {
                    l.rebuild_hash_cache().unwrap();
                    let r = l.receipt(i, None).unwrap();
                    setara_ledger::verify_receipt(&r, &vkey, None).unwrap();
                }
                Err(e) => panic!("{e}"),
            }
        }
        l.rebuild_hash_cache().unwrap();
        drop(l);
        let _ = old;
        let rep = audit(dir).unwrap();
        assert!(rep.is_ok(), "after rebuild: {:?}", rep.problems);
    }
    // Checkpoints file: a changed byte is a bad note.
    let path = dir.join("checkpoints.log");
    let len = fs::metadata(&path).unwrap().len();
    for pos in (0..len).step_by(17) {
        let old = flip(&path, pos);
        let rep = audit(dir).unwrap();
        assert!(!rep.is_ok(), "byte {pos} of checkpoints.log");
        unflip(&path, pos, old);
    }
}

#[test]
fn torn_tails_are_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut l = small(dir);
    l.append_batch(&entries(0, 130)).unwrap();
    l.checkpoint().unwrap();
    l.append_batch(&entries(130, 140)).unwrap();
    let root = l.root();
    drop(l);
    let append = |name: &str, bytes: &[u8]| {
        let mut f = fs::OpenOptions::new()
            .append(true)
            .open(dir.join(name))
            .unwrap();
        std::io::Write::write_all(&mut f, bytes).unwrap();
    };
    append("entries-00000002.seg", &[0, 0, 0, 90, 1, 2, 3]);
    append("entries.idx", &[0, 0, 0]);
    append("tree.hashes", &[7; 50]);
    append("checkpoints.log", b"test.setara/log\n150\n");
    fs::write(dir.join("entries-00000003.seg"), [1u8; 10]).unwrap();
    let mut l = Ledger::open(dir).unwrap();
    let t = l.torn_tail();
    assert_eq!((t.index_bytes, t.segment_bytes, t.hash_bytes), (3, 17, 50));
    assert_eq!(t.checkpoint_bytes, 20);
    assert_eq!(l.len(), 140);
    assert_eq!(l.root(), root);
    assert!(!dir.join("entries-00000003.seg").exists());
    l.append_batch(&entries(140, 200)).unwrap();
    l.checkpoint().unwrap();
    drop(l);
    let rep = audit(dir).unwrap();
    assert!(rep.is_ok(), "{:?}", rep.problems);
    assert_eq!(rep.entries, 200);
    // A missing stretch of the hash cache is rebuilt from the entries.
    let h = dir.join("tree.hashes");
    let len = fs::metadata(&h).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(&h)
        .unwrap()
        .set_len(len / 3)
        .unwrap();
    let l = Ledger::open(dir).unwrap();
    assert_eq!(l.len(), 200);
    drop(l);
    assert!(audit(dir).unwrap().is_ok());
}

#[test]
fn a_rewritten_log_cannot_prove_consistency_with_a_saved_checkpoint() {
    let tmp = tempfile::tempdir().unwrap();
    let a_dir = tmp.path().join("a");
    let b_dir = tmp.path().join("b");
    let mut a = small(&a_dir);
    // The operator keeps a copy of the directory (same key) to rewrite history later.
    fs::create_dir(&b_dir).unwrap();
    for f in fs::read_dir(&a_dir).unwrap() {
        let f = f.unwrap();
        fs::copy(f.path(), b_dir.join(f.file_name())).unwrap();
    }
    let m = 37u64;
    a.append_batch(&entries(0, m)).unwrap();
    let saved = a.checkpoint().unwrap(); // an auditor saves this
    a.append_batch(&entries(m, 100)).unwrap();
    let a_new = a.checkpoint().unwrap();
    // Genuine: A's proof verifies.
    verify_consistency(&saved, &a_new, &a.consistency_proof(m, 100).unwrap()).unwrap();

    // Rewritten: entry 3 (a disbursement) now pays another household, re-signed with the key.
    drop(a);
    let mut b = Ledger::open(&b_dir).unwrap();
    assert_eq!(
        b.verifier_key(),
        Ledger::open_read_only(&a_dir).unwrap().verifier_key()
    );
    let mut log = entries(0, 100);
    log[3].household = Some(commitment(&kk_string(9_999_999_999_999_999), &[9; 32]));
    b.append_batch(&log).unwrap();
    let b_new = b.checkpoint().unwrap();
    let vkey = setara_ledger::VerifierKey::parse(&b.verifier_key()).unwrap();
    Checkpoint::open(&b_new.note, &vkey).unwrap(); // validly signed…
    // …but no consistency proof from the rewritten log links it to the saved checkpoint.
    for from in 0..=100 {
        let p = b.consistency_proof(from, 100).unwrap();
        assert!(
            verify_consistency(&saved, &b_new, &p).is_err(),
            "from {from}"
        );
    }
    assert!(verify_consistency(&saved, &b_new, &[]).is_err());
    // And B's own old-size root differs from what the auditor saved.
    assert_ne!(b.root_at(m).unwrap(), saved.root);
    // A receipt from B for entry 3 does not verify against the saved checkpoint's root.
    let leaf = leaf_hash(&log[3].to_bytes().unwrap());
    let p = b.inclusion_proof(3, m).unwrap();
    assert!(verify_inclusion(&leaf, 3, m, &p, &saved.root).is_err());
}

#[test]
fn audit_follows_a_reversal_into_an_earlier_segment() {
    use EntryKind::*;
    let tmp = tempfile::tempdir().unwrap();
    let mut l = small(tmp.path());
    let mut log = vec![
        e(Budget, "PKH", 1_000_000, None),
        e(Disbursement, "PKH", 300_000, Some("ENT-1")),
    ];
    log.extend((0..100).map(|_| e(Donation, "PKH", 1_000, None)));
    log.push(e(Reversal, "PKH", 300_000, Some("1")));
    l.append_batch(&log).unwrap();
    l.checkpoint().unwrap();
    // Reversing the same disbursement again is refused by the writer (the total reversed
    // would pass its amount), also within one batch.
    let again = e(Reversal, "PKH", 300_000, Some("1"));
    assert!(matches!(
        l.append_batch(std::slice::from_ref(&again)),
        Err(Error::Refused { index: 103, .. })
    ));
    let part = e(Reversal, "PKH", 400_000, Some("0"));
    assert!(matches!(
        l.append_batch(&[part.clone(), part.clone(), part]),
        Err(Error::Refused { index: 105, .. })
    ));
    assert_eq!(l.len(), 103);
    // Forced past the writer's checks, the audit reports it as over-reversal.
    l.allow_overdraft_for_tests(true);
    l.append_batch(&[again]).unwrap();
    let rep = audit(tmp.path()).unwrap();
    assert_eq!(rep.first_bad_index, Some(103), "{:?}", rep.problems);
    assert!(rep.problems[0].contains("reversed by 600000 in total"));
    assert_eq!(
        rep.balances,
        balances(&[log.clone(), vec![e(Reversal, "PKH", 300_000, Some("1"))]].concat()).unwrap()
    );
    let b = balances(&log).unwrap()["PKH"];
    assert_eq!(
        (b.funds_in, b.funds_out, b.reversed),
        (1_100_000, 0, 300_000)
    );
}
