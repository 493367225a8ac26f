//! Entry format: exact round trips, and nothing non-canonical is accepted.

use proptest::prelude::*;
use setara_ledger::{Entry, EntryKind, commitment, kk_string, parse_kk};

fn kind() -> impl Strategy<Value = EntryKind> {
    prop::sample::select(EntryKind::ALL.to_vec())
}

prop_compose! {
    fn entry()(
        kind in kind(),
        programme in "[A-Za-z0-9._/-]{1,64}",
        cycle in any::<u32>(),
        amount in 1i64..=setara_ledger::MAX_AMOUNT,
        channel in "[a-z0-9_]{1,32}",
        time in any::<i64>(),
        household in any::<[u8; 32]>(),
        reference in proptest::option::of("[!-~]{1,128}"),
        rev in any::<u64>(),
    ) -> Entry {
        let disb = kind == EntryKind::Disbursement;
        Entry {
            kind,
            programme,
            cycle,
            amount,
            channel,
            time,
            household: disb.then_some(household),
            reference: if kind == EntryKind::Reversal { Some(rev.to_string()) } else { reference },
        }
    }
}

proptest! {
    #[test]
    fn round_trip(e in entry()) {
        let b = e.to_bytes().unwrap();
        prop_assert_eq!(Entry::from_bytes(&b).unwrap(), e.clone());
        let json = serde_json::to_string(&e).unwrap();
        prop_assert_eq!(serde_json::from_str::<Entry>(&json).unwrap(), e);
    }

    /// Any mutation either is rejected or decodes to an entry whose encoding is exactly the
    /// mutated bytes (so no two byte strings mean the same entry).
    #[test]
    fn canonical(e in entry(), pos in any::<prop::sample::Index>(), byte in any::<u8>(),
                 extra in prop::collection::vec(any::<u8>(), 0..3), cut in 0usize..3) {
        let b = e.to_bytes().unwrap();
        let mut m = b.clone();
        let i = pos.index(m.len());
        m[i] = byte;
        if let Ok(d) = Entry::from_bytes(&m) {
            prop_assert_eq!(d.to_bytes().unwrap(), m);
        }
        let mut longer = b.clone();
        longer.extend_from_slice(&extra);
        prop_assert_eq!(Entry::from_bytes(&longer).is_ok(), extra.is_empty());
        if cut > 0 {
            prop_assert!(Entry::from_bytes(&b[..b.len() - cut]).is_err());
        }
    }
}

#[test]
fn rules() {
    let ok = Entry {
        kind: EntryKind::Disbursement,
        programme: "PKH".into(),
        cycle: 1,
        amount: 600_000,
        channel: "pos".into(),
        time: 1_767_225_600,
        household: Some(commitment(&kk_string(3_171_012_345_678_901), &[3; 32])),
        reference: Some("ENT-1".into()),
    };
    let b = ok.to_bytes().unwrap();
    assert_eq!(b[0], 1);
    assert_eq!(b[1], 4);
    assert_eq!(&b[2..6], b"\x03PKH");
    for bad in [
        Entry {
            amount: 0,
            ..ok.clone()
        },
        Entry {
            amount: -5,
            ..ok.clone()
        },
        Entry {
            programme: "".into(),
            ..ok.clone()
        },
        Entry {
            programme: "P K H".into(),
            ..ok.clone()
        },
        Entry {
            channel: "Bank".into(),
            ..ok.clone()
        },
        Entry {
            kind: EntryKind::Budget,
            ..ok.clone()
        },
        Entry {
            kind: EntryKind::Reversal,
            household: None,
            ..ok.clone()
        },
        Entry {
            kind: EntryKind::Reversal,
            household: None,
            reference: Some("007".into()),
            ..ok.clone()
        },
        Entry {
            reference: Some("has space".into()),
            ..ok.clone()
        },
    ] {
        assert!(bad.to_bytes().is_err(), "{bad:?}");
    }
    // Version, kind and flags.
    for (i, v) in [(0usize, 2u8), (1, 0), (1, 7)] {
        let mut m = b.clone();
        m[i] = v;
        assert!(Entry::from_bytes(&m).is_err());
    }
    assert_eq!(parse_kk(" 3171012345678901\n").unwrap(), "3171012345678901");
    assert!(parse_kk("317101234567890").is_err());
    assert_eq!(kk_string(42), "0000000000000042");
}
