//! Offline receipts (bukti) for households, donors and auditors.
//!
//! # JSON form
//!
//! ```json
//! {
//!   "format": "setara-receipt/1",
//!   "index": 42,
//!   "entry": {
//!     "kind": "disbursement", "programme": "PKH", "cycle": 3, "amount": 750000,
//!     "channel": "bank_transfer", "time": 1767225600,
//!     "household": "<64 lowercase hex digits>", "reference": "ENT-2026-000123"
//!   },
//!   "proof": ["<64 lowercase hex digits>", "..."],
//!   "checkpoint": "<the signed checkpoint note, with its newlines>",
//!   "nonce": "<64 lowercase hex digits>" | null
//! }
//! ```
//!
//! - `entry` is the money movement; its canonical bytes ([`Entry::to_bytes`]) give the leaf
//!   hash.
//! - `proof` is the RFC 9162 inclusion proof of leaf `index` in the tree of the checkpoint's
//!   size, leaf side first.
//! - `checkpoint` is a signed note ([`crate::note`]) naming the tree size and root.
//! - `nonce` is the commitment nonce; with it and the KK, a household checks that
//!   `entry.household == SHA-256(KK ‖ nonce)`. Give the nonce only to that household: with
//!   it a KK can be tested against the log.
//!
//! # What is checked, and what is only formatting
//!
//! A receipt is checked **by value**: [`verify_receipt`] recomputes the entry's canonical bytes
//! and leaf hash, follows the proof from that leaf at `index` to a root, and checks that the
//! signed checkpoint note names that root, byte for byte of the note. So any change to a value
//! that is signed or committed — a field of the entry, the index, a hash of the proof, any
//! character of the checkpoint note including its whitespace and line ends, the signature —
//! and, when a KK is given, the nonce, is rejected.
//!
//! The JSON around those values is not signed: indentation and other whitespace between
//! tokens, the order of the keys, and a character written as a JSON escape (`\u0050` for `P`)
//! change no value, and such a re-formatted receipt still verifies. Unknown keys, a key given
//! twice, uppercase hex and numbers written as decimals (`750000.0`) are refused, so one value
//! has one spelling in every part that is checked.
//!
//! A receipt file is at most [`MAX_RECEIPT_BYTES`]; nesting deeper than serde_json's
//! recursion limit (128) is refused by the parser.

use std::fs::File;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::entry::{Entry, commitment, parse_kk};
use crate::merkle::{Hash, verify_inclusion};
use crate::note::{Checkpoint, VerifierKey};
use crate::{Error, io_err};

/// The receipt format tag.
pub const RECEIPT_FORMAT: &str = "setara-receipt/1";

/// Largest receipt accepted, in bytes (1 MiB). A genuine receipt is an entry (under 400 bytes),
/// at most 64 proof hashes (4.3 KB) and one checkpoint note, which is at most
/// [`crate::note::MAX_NOTE_BYTES`] (512 KiB, room for [`crate::MAX_PROGRAMMES`] balance lines
/// at their longest) and grows by a few percent when escaped into JSON; re-indenting it does
/// not double it. Anything larger is not a receipt and is refused before it is parsed.
pub const MAX_RECEIPT_BYTES: usize = 1 << 20;

/// A receipt: everything needed to check one entry offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Always [`RECEIPT_FORMAT`].
    pub format: String,
    /// Index of the entry in the log.
    pub index: u64,
    /// The entry.
    pub entry: Entry,
    /// Inclusion proof, leaf side first.
    #[serde(with = "hex_vec")]
    pub proof: Vec<Hash>,
    /// The signed checkpoint note.
    pub checkpoint: String,
    /// Commitment nonce (only for entries with a household commitment).
    #[serde(with = "hex_opt")]
    pub nonce: Option<[u8; 32]>,
}

/// What a successful [`verify_receipt`] established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The log's origin.
    pub origin: String,
    /// The entry's index.
    pub index: u64,
    /// The checkpoint's tree size.
    pub tree_size: u64,
    /// The checkpoint's root.
    pub root: Hash,
    /// The entry.
    pub entry: Entry,
    /// True if the household commitment was checked against a KK.
    pub household_checked: bool,
}

impl Receipt {
    /// A receipt from its parts.
    pub fn new(
        index: u64,
        entry: Entry,
        proof: Vec<Hash>,
        checkpoint: String,
        nonce: Option<[u8; 32]>,
    ) -> Receipt {
        Receipt {
            format: RECEIPT_FORMAT.to_string(),
            index,
            entry,
            proof,
            checkpoint,
            nonce,
        }
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a receipt always serializes")
    }

    /// Parses JSON (at most [`MAX_RECEIPT_BYTES`]).
    pub fn from_json(s: &str) -> Result<Receipt, Error> {
        Self::from_slice(s.as_bytes())
    }

    /// Parses JSON bytes: at most [`MAX_RECEIPT_BYTES`], UTF-8, the form of the module
    /// documentation.
    pub fn from_slice(b: &[u8]) -> Result<Receipt, Error> {
        if b.len() > MAX_RECEIPT_BYTES {
            return Err(Error::TooLarge {
                what: "a receipt",
                limit: MAX_RECEIPT_BYTES,
            });
        }
        let s = std::str::from_utf8(b).map_err(|e| {
            Error::InvalidReceipt(format!("not UTF-8 text (byte {})", e.valid_up_to()))
        })?;
        serde_json::from_str(s).map_err(|e| Error::InvalidReceipt(e.to_string()))
    }

    /// Reads and parses a receipt file, reading at most [`MAX_RECEIPT_BYTES`] + 1 bytes of it.
    pub fn read_file(path: &Path) -> Result<Receipt, Error> {
        let mut f = File::open(path).map_err(io_err(path))?;
        match crate::read_limited(&mut f, MAX_RECEIPT_BYTES).map_err(io_err(path))? {
            Some(b) => Self::from_slice(&b),
            None => Err(Error::TooLarge {
                what: "a receipt",
                limit: MAX_RECEIPT_BYTES,
            }),
        }
    }
}

/// Checks a receipt offline: the checkpoint's signature by `vkey` (a verifier key string), the
/// inclusion of the entry's leaf hash at `index` under the checkpoint's root, and, if `kk` is
/// given, that the entry's household commitment is SHA-256(KK ‖ nonce).
pub fn verify_receipt(receipt: &Receipt, vkey: &str, kk: Option<&str>) -> Result<Verified, Error> {
    if receipt.format != RECEIPT_FORMAT {
        return Err(Error::InvalidReceipt(format!(
            "unknown format {:?} (expected {RECEIPT_FORMAT})",
            receipt.format
        )));
    }
    let key = VerifierKey::parse(vkey)?;
    let cp = Checkpoint::open(&receipt.checkpoint, &key)?;
    let leaf = receipt.entry.leaf_hash()?;
    verify_inclusion(&leaf, receipt.index, cp.size, &receipt.proof, &cp.root)?;
    if receipt.nonce.is_some() && receipt.entry.household.is_none() {
        return Err(Error::InvalidReceipt(
            "a nonce without a household commitment".into(),
        ));
    }
    let household_checked = match kk {
        None => false,
        Some(kk) => {
            let kk = parse_kk(kk)?;
            let (Some(h), Some(nonce)) = (&receipt.entry.household, &receipt.nonce) else {
                return Err(Error::CommitmentMismatch(
                    "the receipt has no household commitment and nonce to check a KK against"
                        .into(),
                ));
            };
            if &commitment(kk, nonce) != h {
                return Err(Error::CommitmentMismatch(
                    "the entry's household commitment is not SHA-256(KK ‖ nonce) for this KK"
                        .into(),
                ));
            }
            true
        }
    };
    Ok(Verified {
        origin: cp.origin,
        index: receipt.index,
        tree_size: cp.size,
        root: cp.root,
        entry: receipt.entry.clone(),
        household_checked,
    })
}

mod hex_vec {
    use serde::{Deserialize, Deserializer, Serializer, ser::SerializeSeq};

    pub fn serialize<S: Serializer>(v: &[[u8; 32]], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for h in v {
            seq.serialize_element(&crate::hex::encode(h))?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<[u8; 32]>, D::Error> {
        let v: Vec<String> = Vec::deserialize(d)?;
        v.iter()
            .map(|s| {
                crate::hex::decode32(s)
                    .ok_or_else(|| serde::de::Error::custom("expected 64 lowercase hex digits"))
            })
            .collect()
    }
}

mod hex_opt {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<[u8; 32]>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            None => s.serialize_none(),
            Some(h) => s.serialize_some(&crate::hex::encode(h)),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[u8; 32]>, D::Error> {
        let v: Option<String> = Option::deserialize(d)?;
        v.map(|s| {
            crate::hex::decode32(&s)
                .ok_or_else(|| serde::de::Error::custom("expected 64 lowercase hex digits"))
        })
        .transpose()
    }
}
