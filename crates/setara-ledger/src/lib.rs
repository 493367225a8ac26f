//! Setara ledger (buku besar publik): a public, append-only record of every rupiah, in the
//! manner of Certificate Transparency (RFC 9162), that nobody — not even the operator — can
//! rewrite without being caught.
//!
//! - [`entry`]: the money movements ([`Entry`]) and their canonical byte format, household
//!   commitments, per-programme [`balances`].
//! - [`merkle`]: RFC 9162 tree hashing, inclusion and consistency proofs and their verification.
//! - [`note`]: Ed25519 signed notes and checkpoints (C2SP `signed-note`, `tlog-checkpoint`).
//! - [`Ledger`]: the one writer over a directory of append-only files (layout below).
//! - [`receipt`]: offline receipts for households, donors and auditors, and
//!   [`verify_receipt`]; the `setara-verify-receipt` binary wraps it.
//! - [`audit()`]: recomputes everything from the stored entries and checks every checkpoint.
//! - [`backup`]: the writer lock without opening the log, and a copy of its first `n` entries
//!   taken while a writer appends (`setara backup`).
//!
//! Every amount is at most [`MAX_AMOUNT`] (10^15 rupiah) and every total is computed with
//! checked arithmetic; a receipt is at most [`MAX_RECEIPT_BYTES`], a signed note at most
//! [`note::MAX_NOTE_BYTES`], a log holds at most [`MAX_PROGRAMMES`] programmes. Errors carry a
//! stable code ([`Error::code`]).
//!
//! # Directory layout
//!
//! | file                   | content                                                         |
//! |------------------------|-----------------------------------------------------------------|
//! | `LEDGER`               | text: `setara-ledger 1`, `origin <name>`, `segment_entries <2^k>` |
//! | `LOCK`                 | empty; the writer holds an exclusive lock on it ([`std::fs::File::try_lock`]) |
//! | `signing.key`          | the signing key string `PRIVATE+KEY+…` (mode 0600; keep it secret, back it up) |
//! | `vkey.txt`             | the verifier key string `<origin>+<id>+<key>` (public)         |
//! | `entries-NNNNNNNN.seg` | segment `N`: the records of entries `N·S … N·S+S-1` (`S` = `segment_entries`) |
//! | `entries.idx`          | index: per entry, the `u64` big-endian byte offset of its record in its segment |
//! | `tree.hashes`          | cache: every complete-subtree hash, 32 bytes each, in [`merkle`]'s stored order |
//! | `checkpoints.log`      | every signed checkpoint note, each followed by one extra `\n`   |
//!
//! A segment record is `u32` big-endian length `L`, the `L` bytes of the canonical entry, then
//! the first 8 bytes of the entry's leaf hash as a checksum. Every file is append-only.
//!
//! # Durability
//!
//! [`Ledger::append_batch`] writes the records and fsyncs the segment(s), writes and fsyncs the
//! stored hashes, then writes and fsyncs the index; when it returns, the batch is acknowledged.
//! The index is the commit point: [`Ledger::open`] takes the entry count from the index, drops a
//! partial index entry, checks the last indexed record (length and checksum), and truncates
//! anything written after it in the segments and the hash cache ([`Ledger::torn_tail`] says
//! how much). The hash cache is checked against the latest checkpoint and recomputed from the
//! entries for everything after it; if it disagrees it is rebuilt from the entries. Proofs are
//! verified before the ledger hands them out, and a checkpoint is signed only if it is
//! consistent with the previous one, so a damaged cache can never yield a wrong signed tree.

pub mod audit;
pub mod backup;
pub mod entry;
#[doc(hidden)]
pub mod fuzzing;
pub mod hex;
pub mod ledger;
pub mod merkle;
pub mod note;
pub mod receipt;

use std::path::PathBuf;

pub use audit::{AuditReport, audit, audit_with_key};
pub use entry::{
    Balance, Balances, Entry, EntryKind, EntryRef, MAX_AMOUNT, balances, commitment, kk_string,
    new_nonce, parse_kk,
};
pub use ledger::{Ledger, LedgerOptions, MAX_PROGRAMMES, TornTail, open_read_only};
pub use merkle::{Hash, leaf_hash, verify_consistency_hashes, verify_inclusion};
pub use note::{Checkpoint, NoteSigner, VerifierKey};
pub use receipt::{MAX_RECEIPT_BYTES, Receipt, Verified, verify_receipt};

/// Verifies that `old` (a checkpoint an auditor saved earlier) is a prefix of `new` by the
/// RFC 9162 consistency `proof`. Both checkpoints must already be verified ([`Checkpoint::open`]);
/// their origins must agree.
pub fn verify_consistency(old: &Checkpoint, new: &Checkpoint, proof: &[Hash]) -> Result<(), Error> {
    if old.origin != new.origin {
        return Err(Error::ProofFailed(format!(
            "checkpoints of different logs: {:?} and {:?}",
            old.origin, new.origin
        )));
    }
    verify_consistency_hashes(old.size, &old.root, new.size, &new.root, proof)
}

/// The ledger's errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// File system error, with the file.
    #[error("{path}: {source}")]
    Io {
        /// File or directory.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// An entry breaks the format's rules.
    #[error("invalid entry: {0}")]
    InvalidEntry(String),
    /// An entry in a batch was refused (bad reversal, overdraft).
    #[error("entry {index} refused: {reason}")]
    Refused {
        /// Index the entry would have had.
        index: u64,
        /// Why.
        reason: String,
    },
    /// A KK must be 16 digits.
    #[error("a KK (family card number) is exactly 16 digits")]
    InvalidKk,
    /// A key string is malformed.
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// A signed note or checkpoint is malformed.
    #[error("invalid signed note: {0}")]
    InvalidNote(String),
    /// A signature does not verify.
    #[error("bad signature: {0}")]
    BadSignature(String),
    /// An inclusion or consistency proof does not verify.
    #[error("proof failed: {0}")]
    ProofFailed(String),
    /// The household commitment does not match the KK and nonce.
    #[error("commitment mismatch: {0}")]
    CommitmentMismatch(String),
    /// A receipt is malformed.
    #[error("invalid receipt: {0}")]
    InvalidReceipt(String),
    /// Index or size out of range.
    #[error("out of range: {0}")]
    OutOfRange(String),
    /// Stored data is damaged, with the file, offset or index.
    #[error("corrupt ledger: {0}")]
    Corrupt(String),
    /// Another process holds the writer lock.
    #[error("{0}: another process is writing this ledger (the writer lock is held)")]
    Locked(PathBuf),
    /// `init` on a directory that already holds a ledger.
    #[error("{0}: a ledger already exists here")]
    AlreadyExists(PathBuf),
    /// The directory holds no ledger.
    #[error("{0}: no ledger here (missing LEDGER file)")]
    NotALedger(PathBuf),
    /// Writing through a read-only handle.
    #[error("the ledger was opened read-only")]
    ReadOnly,
    /// An earlier write failed half-way; reopen the ledger to recover.
    #[error("an earlier write failed; reopen the ledger")]
    Poisoned,
    /// No checkpoint covers the index yet.
    #[error("no checkpoint covers index {0} yet; call checkpoint() first")]
    NotCheckpointed(u64),
    /// A total of rupiah would overflow an `i64`.
    #[error("totals overflow: {0}")]
    Overflow(String),
    /// An input is larger than its limit (it was not read further).
    #[error("{what} is larger than {limit} bytes")]
    TooLarge {
        /// What was being read.
        what: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// The keys do not belong to this log: `signing.key` is not the key of `vkey.txt`, or the
    /// latest checkpoint is not signed by the key of `vkey.txt` (a key was replaced).
    #[error("key replaced: {0}")]
    KeyMismatch(String),
    /// The signing key of an existing ledger is missing: nothing can be signed or appended.
    #[error("{0}: the signing key is missing; the log can be read but not extended")]
    SigningKeyMissing(PathBuf),
    /// `init` on a directory that holds files but no ledger description.
    #[error("{0}: the directory is not empty but holds no ledger description (LEDGER)")]
    DirNotEmpty(PathBuf),
}

impl Error {
    /// A stable snake_case code for this kind of error (for the command line and JSON).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                "ledger_file_missing"
            }
            Error::Io { .. } => "ledger_io",
            Error::InvalidEntry(_) => "ledger_entry_invalid",
            Error::Refused { .. } => "ledger_refused",
            Error::InvalidKk => "kk_invalid",
            Error::InvalidKey(_) => "vkey_invalid",
            Error::InvalidNote(_) => "checkpoint_invalid",
            Error::BadSignature(_) => "signature_invalid",
            Error::ProofFailed(_) => "proof_failed",
            Error::CommitmentMismatch(_) => "commitment_mismatch",
            Error::InvalidReceipt(_) => "receipt_invalid",
            Error::OutOfRange(_) => "ledger_out_of_range",
            Error::Corrupt(_) => "ledger_corrupt",
            Error::Locked(_) => "ledger_locked",
            Error::AlreadyExists(_) => "ledger_exists",
            Error::NotALedger(_) => "ledger_missing",
            Error::ReadOnly | Error::Poisoned => "ledger_internal",
            Error::NotCheckpointed(_) => "ledger_not_checkpointed",
            Error::Overflow(_) => "ledger_overflow",
            Error::TooLarge { .. } => "input_too_large",
            Error::KeyMismatch(_) => "ledger_key_replaced",
            Error::SigningKeyMissing(_) => "ledger_signing_key_missing",
            Error::DirNotEmpty(_) => "ledger_dir_not_empty",
        }
    }
}

/// Reads all of `r` if it holds at most `limit` bytes; `None` if it holds more (then only
/// `limit + 1` bytes were read: an endless or huge input is never read whole).
pub fn read_limited(r: &mut impl std::io::Read, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut buf = Vec::new();
    r.take(limit as u64 + 1).read_to_end(&mut buf)?;
    Ok((buf.len() <= limit).then_some(buf))
}

pub(crate) fn io_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |source| Error::Io { path, source }
}

/// A deterministic, valid sequence of entries for tests, benchmarks and the crash test: in each
/// group of 8, a budget, five disbursements, a reversal of the fourth disbursement and a
/// donation, rotating over three programmes. Not part of the stable API.
#[doc(hidden)]
pub fn torture_entry(i: u64) -> Entry {
    const PROGS: [&str; 3] = ["PKH", "BPNT", "CSR-ACME.2026"];
    let programme = PROGS[((i / 8) % 3) as usize].to_string();
    let time = 1_767_225_600 + i as i64;
    let base = Entry {
        kind: EntryKind::Budget,
        programme,
        cycle: (i / 1000) as u32,
        amount: 8_000_000,
        channel: "bank_transfer".into(),
        time,
        household: None,
        reference: None,
    };
    match i % 8 {
        0 => base,
        1..=5 => {
            let mut nonce = [0u8; 32];
            nonce[..8].copy_from_slice(&i.to_be_bytes());
            Entry {
                kind: EntryKind::Disbursement,
                amount: 1_000_000,
                channel: if i.is_multiple_of(2) {
                    "pos".into()
                } else {
                    "bank_transfer".into()
                },
                household: Some(commitment(&kk_string(3_171_000_000_000_000 + i), &nonce)),
                reference: Some(format!("ENT-{i}")),
                ..base
            }
        }
        6 => Entry {
            kind: EntryKind::Reversal,
            amount: 1_000_000,
            reference: Some((i - 2).to_string()),
            ..base
        },
        _ => Entry {
            kind: EntryKind::Donation,
            amount: 50_000,
            channel: "cash".into(),
            ..base
        },
    }
}
