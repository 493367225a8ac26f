//! Ledger entries: one money movement each, with a canonical byte form.
//!
//! # Entry byte format (version 1)
//!
//! All integers are big-endian. Fields come in this fixed order, and nothing follows the last one:
//!
//! | field       | bytes                         | rule                                                    |
//! |-------------|-------------------------------|---------------------------------------------------------|
//! | version     | `u8`                          | `1`                                                     |
//! | kind        | `u8`                          | 1 budget, 2 csr_contribution, 3 donation, 4 disbursement, 5 return, 6 reversal |
//! | programme   | `u8` length, then ASCII bytes | 1–64 bytes of `A-Z a-z 0-9 . _ - /`                     |
//! | cycle       | `u32`                         | any                                                     |
//! | amount      | `i64`                         | rupiah, `1 ..= MAX_AMOUNT` (10^15)                      |
//! | channel     | `u8` length, then ASCII bytes | 1–32 bytes of `a-z 0-9 _` (e.g. `bank_transfer`, `pos`, `cash`, `in_kind`) |
//! | time        | `i64`                         | seconds since 1970-01-01 UTC                            |
//! | household   | `u8` flag (0/1), then 32 bytes if 1 | commitment SHA-256(KK ‖ nonce); only a disbursement may carry one |
//! | reference   | `u8` flag (0/1), then `u8` length and bytes if 1 | 1–128 bytes of printable ASCII without space; required for a reversal, where it is the reversed index in decimal without leading zeros |
//!
//! [`Entry::from_bytes`] accepts exactly the bytes [`Entry::to_bytes`] produces: any other
//! version, kind, flag, length, character, an amount outside `1 ..= MAX_AMOUNT`, a household commitment on an
//! entry that is not a disbursement, a reversal without a canonical index reference, or trailing
//! bytes is an error. So `to_bytes(from_bytes(b)) == b` for every accepted `b`.
//!
//! # Household commitment
//!
//! The log never holds a KK or a name. A disbursement carries `SHA-256(KK ‖ nonce)` where KK is
//! the 16 ASCII digits of the family card number and the nonce 32 random bytes
//! ([`new_nonce`]) kept by the operator and handed to the household with its receipt. Without
//! the nonce the commitment cannot be tested against guessed KKs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Error;

/// Version byte of the entry format.
pub const ENTRY_VERSION: u8 = 1;
/// The largest amount one entry may carry, in rupiah: 10^15 (a thousand trillion), the same
/// ceiling as `setara_core::Rupiah::MAX` (this crate depends on nothing of Setara's; a test of
/// the root crate checks that the two agree). About a quarter of Indonesia's whole state
/// budget, so no real movement comes near it, and 9,223 entries at the ceiling still sum within
/// an `i64`; every total is computed with checked arithmetic all the same
/// ([`Balances::add`]), and a log whose totals would overflow is refused by the writer and
/// reported by the audit.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// Largest encoded entry (all fields at their maximum length).
pub const MAX_ENTRY_BYTES: usize = 1 + 1 + 1 + 64 + 4 + 8 + 1 + 32 + 8 + 1 + 32 + 1 + 1 + 128;

/// The kind of a money movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Funds in: a budget allocation (anggaran).
    Budget,
    /// Funds in: a CSR contribution from a company.
    CsrContribution,
    /// Funds in: a donation (donasi).
    Donation,
    /// Funds out: a payment to a household (penyaluran).
    Disbursement,
    /// Funds out: unused funds returned to a funder.
    Return,
    /// Negates an earlier entry named by its index in `reference`.
    Reversal,
}

impl EntryKind {
    /// All kinds in code order.
    pub const ALL: [EntryKind; 6] = [
        EntryKind::Budget,
        EntryKind::CsrContribution,
        EntryKind::Donation,
        EntryKind::Disbursement,
        EntryKind::Return,
        EntryKind::Reversal,
    ];

    /// The byte used in the entry format.
    pub fn code(self) -> u8 {
        match self {
            EntryKind::Budget => 1,
            EntryKind::CsrContribution => 2,
            EntryKind::Donation => 3,
            EntryKind::Disbursement => 4,
            EntryKind::Return => 5,
            EntryKind::Reversal => 6,
        }
    }

    /// The kind of a format byte.
    pub fn from_code(code: u8) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Stable English name (`budget`, `csr_contribution`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Budget => "budget",
            EntryKind::CsrContribution => "csr_contribution",
            EntryKind::Donation => "donation",
            EntryKind::Disbursement => "disbursement",
            EntryKind::Return => "return",
            EntryKind::Reversal => "reversal",
        }
    }

    /// Budget, CSR contribution or donation.
    pub fn is_funds_in(self) -> bool {
        matches!(
            self,
            EntryKind::Budget | EntryKind::CsrContribution | EntryKind::Donation
        )
    }

    /// Disbursement or return.
    pub fn is_funds_out(self) -> bool {
        matches!(self, EntryKind::Disbursement | EntryKind::Return)
    }
}

impl std::fmt::Display for EntryKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One money movement. See the module documentation for the byte format and the rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// What kind of movement.
    pub kind: EntryKind,
    /// Programme code (e.g. `PKH`, `BPNT`, `csr.acme-2026`).
    pub programme: String,
    /// Programme cycle (tahap).
    pub cycle: u32,
    /// Rupiah, `1 ..= MAX_AMOUNT`. A reversal carries the amount it negates.
    pub amount: i64,
    /// Payment channel: `bank_transfer`, `pos`, `cash`, `in_kind`, …
    pub channel: String,
    /// Unix seconds, UTC.
    pub time: i64,
    /// Commitment to the household, SHA-256(KK ‖ nonce); only on disbursements.
    #[serde(with = "opt_hex32")]
    pub household: Option<[u8; 32]>,
    /// Entitlement id or other reference; for a reversal the reversed index in decimal.
    pub reference: Option<String>,
}

/// A borrowed view of an encoded entry (no allocation), used by the audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRef<'a> {
    /// Kind.
    pub kind: EntryKind,
    /// Programme code.
    pub programme: &'a str,
    /// Cycle.
    pub cycle: u32,
    /// Amount in rupiah.
    pub amount: i64,
    /// Channel.
    pub channel: &'a str,
    /// Unix seconds.
    pub time: i64,
    /// Household commitment.
    pub household: Option<&'a [u8; 32]>,
    /// Reference.
    pub reference: Option<&'a str>,
}

impl EntryRef<'_> {
    /// An owned copy.
    pub fn to_entry(&self) -> Entry {
        Entry {
            kind: self.kind,
            programme: self.programme.to_string(),
            cycle: self.cycle,
            amount: self.amount,
            channel: self.channel.to_string(),
            time: self.time,
            household: self.household.copied(),
            reference: self.reference.map(str::to_string),
        }
    }

    /// For a reversal, the index it reverses.
    pub fn reversed_index(&self) -> Option<u64> {
        if self.kind == EntryKind::Reversal {
            self.reference.and_then(parse_canonical_index)
        } else {
            None
        }
    }
}

fn programme_ok(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/'))
}

fn channel_ok(s: &str) -> bool {
    (1..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn amount_ok(a: i64) -> bool {
    (1..=MAX_AMOUNT).contains(&a)
}

fn reference_ok(s: &str) -> bool {
    (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic())
}

/// Parses a decimal index without sign or leading zeros.
pub(crate) fn parse_canonical_index(s: &str) -> Option<u64> {
    if s.is_empty() || (s.len() > 1 && s.starts_with('0')) || !s.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    s.parse().ok()
}

impl Entry {
    /// Checks the field rules of the module documentation.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |why: String| Err(Error::InvalidEntry(why));
        if !programme_ok(&self.programme) {
            return bad(format!(
                "programme {:?} must be 1-64 characters of A-Z a-z 0-9 . _ - /",
                self.programme
            ));
        }
        if !channel_ok(&self.channel) {
            return bad(format!(
                "channel {:?} must be 1-32 characters of a-z 0-9 _",
                self.channel
            ));
        }
        if !amount_ok(self.amount) {
            return bad(format!(
                "amount {} must be between 1 and {MAX_AMOUNT} rupiah",
                self.amount
            ));
        }
        if self.household.is_some() && self.kind != EntryKind::Disbursement {
            return bad(format!(
                "a {} must not carry a household commitment",
                self.kind
            ));
        }
        if let Some(r) = &self.reference
            && !reference_ok(r)
        {
            return bad(format!(
                "reference {r:?} must be 1-128 printable ASCII characters without spaces"
            ));
        }
        if self.kind == EntryKind::Reversal {
            match self.reference.as_deref().map(parse_canonical_index) {
                Some(Some(_)) => {}
                _ => {
                    return bad(
                        "a reversal needs the reversed index as reference (decimal, no leading zeros)"
                            .into(),
                    );
                }
            }
        }
        Ok(())
    }

    /// For a reversal, the index it reverses.
    pub fn reversed_index(&self) -> Option<u64> {
        if self.kind == EntryKind::Reversal {
            self.reference.as_deref().and_then(parse_canonical_index)
        } else {
            None
        }
    }

    /// Appends the canonical encoding to `out`. The entry must be valid ([`Entry::validate`]).
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.validate()?;
        out.push(ENTRY_VERSION);
        out.push(self.kind.code());
        out.push(self.programme.len() as u8);
        out.extend_from_slice(self.programme.as_bytes());
        out.extend_from_slice(&self.cycle.to_be_bytes());
        out.extend_from_slice(&self.amount.to_be_bytes());
        out.push(self.channel.len() as u8);
        out.extend_from_slice(self.channel.as_bytes());
        out.extend_from_slice(&self.time.to_be_bytes());
        match &self.household {
            None => out.push(0),
            Some(h) => {
                out.push(1);
                out.extend_from_slice(h);
            }
        }
        match &self.reference {
            None => out.push(0),
            Some(r) => {
                out.push(1);
                out.push(r.len() as u8);
                out.extend_from_slice(r.as_bytes());
            }
        }
        Ok(())
    }

    /// The canonical encoding (see the module documentation).
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        let mut out = Vec::with_capacity(96);
        self.encode_into(&mut out)?;
        Ok(out)
    }

    /// Decodes a canonical encoding; anything else is an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Entry, Error> {
        Ok(EntryRef::parse(bytes)?.to_entry())
    }

    /// The RFC 9162 leaf hash of this entry.
    pub fn leaf_hash(&self) -> Result<[u8; 32], Error> {
        Ok(crate::merkle::leaf_hash(&self.to_bytes()?))
    }
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], Error> {
        if self.b.len() - self.pos < n {
            return Err(Error::InvalidEntry(format!(
                "truncated at byte {} reading {what}",
                self.pos
            )));
        }
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u8(&mut self, what: &str) -> Result<u8, Error> {
        Ok(self.take(1, what)?[0])
    }
    fn flag(&mut self, what: &str) -> Result<bool, Error> {
        let at = self.pos;
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            f => Err(Error::InvalidEntry(format!(
                "{what} flag {f} at byte {at} is neither 0 nor 1"
            ))),
        }
    }
    fn str(&mut self, what: &str) -> Result<&'a str, Error> {
        let n = self.u8(what)? as usize;
        let at = self.pos;
        std::str::from_utf8(self.take(n, what)?)
            .map_err(|_| Error::InvalidEntry(format!("{what} at byte {at} is not UTF-8")))
    }
}

impl<'a> EntryRef<'a> {
    /// Decodes a canonical encoding without allocating.
    pub fn parse(bytes: &'a [u8]) -> Result<EntryRef<'a>, Error> {
        let mut r = Reader { b: bytes, pos: 0 };
        let v = r.u8("version")?;
        if v != ENTRY_VERSION {
            return Err(Error::InvalidEntry(format!("unknown entry version {v}")));
        }
        let k = r.u8("kind")?;
        let kind = EntryKind::from_code(k)
            .ok_or_else(|| Error::InvalidEntry(format!("unknown entry kind {k}")))?;
        let programme = r.str("programme")?;
        let cycle = u32::from_be_bytes(r.take(4, "cycle")?.try_into().unwrap());
        let amount = i64::from_be_bytes(r.take(8, "amount")?.try_into().unwrap());
        let channel = r.str("channel")?;
        let time = i64::from_be_bytes(r.take(8, "time")?.try_into().unwrap());
        let household = if r.flag("household")? {
            Some(<&[u8; 32]>::try_from(r.take(32, "household")?).unwrap())
        } else {
            None
        };
        let reference = if r.flag("reference")? {
            Some(r.str("reference")?)
        } else {
            None
        };
        if r.pos != bytes.len() {
            return Err(Error::InvalidEntry(format!(
                "{} trailing bytes after the entry",
                bytes.len() - r.pos
            )));
        }
        let e = EntryRef {
            kind,
            programme,
            cycle,
            amount,
            channel,
            time,
            household,
            reference,
        };
        e.validate()?;
        Ok(e)
    }

    fn validate(&self) -> Result<(), Error> {
        // Same rules as Entry::validate, without allocating on success.
        let bad = |why: &str| Err(Error::InvalidEntry(why.to_string()));
        if !programme_ok(self.programme) {
            return bad("programme has a forbidden length or character");
        }
        if !channel_ok(self.channel) {
            return bad("channel has a forbidden length or character");
        }
        if !amount_ok(self.amount) {
            return bad("amount must be between 1 and MAX_AMOUNT rupiah");
        }
        if self.household.is_some() && self.kind != EntryKind::Disbursement {
            return bad("only a disbursement may carry a household commitment");
        }
        if let Some(r) = self.reference
            && !reference_ok(r)
        {
            return bad("reference has a forbidden length or character");
        }
        if self.kind == EntryKind::Reversal && self.reversed_index().is_none() {
            return bad("a reversal needs a canonical decimal index as reference");
        }
        Ok(())
    }
}

/// The household commitment SHA-256(KK ‖ nonce), KK being the 16-digit family card number as
/// ASCII text. Use [`parse_kk`] first to check the text.
pub fn commitment(kk: &str, nonce: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(kk.as_bytes());
    h.update(nonce);
    h.finalize().into()
}

/// Checks that `kk` is a KK number: exactly 16 ASCII digits (surrounding whitespace is removed).
pub fn parse_kk(kk: &str) -> Result<&str, Error> {
    let kk = kk.trim();
    if kk.len() == 16 && kk.bytes().all(|b| b.is_ascii_digit()) {
        Ok(kk)
    } else {
        Err(Error::InvalidKk)
    }
}

/// The KK number `kk` as its 16-digit text.
pub fn kk_string(kk: u64) -> String {
    format!("{kk:016}")
}

/// 32 random bytes from the operating system, for [`commitment`].
pub fn new_nonce() -> [u8; 32] {
    let mut n = [0u8; 32];
    getrandom::fill(&mut n).expect("the operating system random number generator failed");
    n
}

/// Per-programme totals in rupiah.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// Budget + CSR contributions + donations, net of their reversals.
    pub funds_in: i64,
    /// Disbursements + returns, net of their reversals.
    pub funds_out: i64,
    /// Gross amount of reversal entries (already netted out of `funds_in`/`funds_out`).
    pub reversed: i64,
    /// `funds_in - funds_out`; never negative in a sound log.
    pub balance: i64,
}

/// Totals per programme over a whole log given from index 0 (reversals look up the entry they
/// name by index in `entries`). Reversals naming a missing entry or another reversal are counted
/// in `reversed` only; [`crate::audit()`] reports them. Totals that would overflow an `i64` are
/// an error ([`Error::Overflow`]).
pub fn balances(entries: &[Entry]) -> Result<BTreeMap<String, Balance>, Error> {
    let mut acc = Balances::default();
    for (i, e) in entries.iter().enumerate() {
        let target = e
            .reversed_index()
            .filter(|&r| r < i as u64)
            .and_then(|r| entries.get(r as usize))
            .map(|t| (t.kind, t.programme.as_str(), t.amount));
        acc.add(e.kind, &e.programme, e.amount, target)
            .map_err(|why| Error::Overflow(format!("entry {i}: {why}")))?;
    }
    Ok(acc.into_map())
}

/// Running per-programme totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Balances {
    map: BTreeMap<String, Balance>,
}

impl Balances {
    /// From a map (e.g. parsed from a checkpoint).
    pub fn from_map(map: BTreeMap<String, Balance>) -> Self {
        Balances { map }
    }

    /// Adds one entry. `target` is (kind, programme, amount) of the entry a reversal names.
    /// Returns the updated balance of the programme, or, if a total would overflow an `i64`,
    /// says which one and changes nothing.
    pub fn add(
        &mut self,
        kind: EntryKind,
        programme: &str,
        amount: i64,
        target: Option<(EntryKind, &str, i64)>,
    ) -> Result<Balance, String> {
        let old = self.map.get(programme).copied().unwrap_or_default();
        let mut b = old;
        let over = |what: &str| {
            format!("the {what} of programme {programme} would overflow (adding {amount} rupiah)")
        };
        if kind.is_funds_in() {
            b.funds_in = b
                .funds_in
                .checked_add(amount)
                .ok_or_else(|| over("funds in"))?;
        } else if kind.is_funds_out() {
            b.funds_out = b
                .funds_out
                .checked_add(amount)
                .ok_or_else(|| over("funds out"))?;
        } else {
            b.reversed = b
                .reversed
                .checked_add(amount)
                .ok_or_else(|| over("reversed total"))?;
            match target {
                Some((k, _, _)) if k.is_funds_in() => {
                    b.funds_in = b
                        .funds_in
                        .checked_sub(amount)
                        .ok_or_else(|| over("funds in"))?
                }
                Some((k, _, _)) if k.is_funds_out() => {
                    b.funds_out = b
                        .funds_out
                        .checked_sub(amount)
                        .ok_or_else(|| over("funds out"))?
                }
                _ => {}
            }
        }
        b.balance = b
            .funds_in
            .checked_sub(b.funds_out)
            .ok_or_else(|| over("balance"))?;
        match self.map.get_mut(programme) {
            Some(slot) => *slot = b,
            None => {
                self.map.insert(programme.to_string(), b);
            }
        }
        Ok(b)
    }

    /// Number of programmes.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True if no programme has an entry.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The totals.
    pub fn map(&self) -> &BTreeMap<String, Balance> {
        &self.map
    }

    /// The totals, owned.
    pub fn into_map(self) -> BTreeMap<String, Balance> {
        self.map
    }
}

mod opt_hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<[u8; 32]>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            None => s.serialize_none(),
            Some(h) => s.serialize_some(&crate::hex::encode(h)),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[u8; 32]>, D::Error> {
        let v: Option<String> = Option::deserialize(d)?;
        match v {
            None => Ok(None),
            Some(s) => crate::hex::decode32(&s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("expected 64 lowercase hex digits")),
        }
    }
}
