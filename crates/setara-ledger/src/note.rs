//! Ed25519 signed notes (<https://c2sp.org/signed-note>) and checkpoints
//! (<https://c2sp.org/tlog-checkpoint>).
//!
//! A checkpoint note is
//!
//! ```text
//! <origin>\n
//! <tree size in decimal>\n
//! <base64 root hash>\n
//! [<extension line>\n ...]
//! \n
//! — <key name> <base64(4-byte key id ‖ 64-byte Ed25519 signature)>\n
//! ```
//!
//! The signature is over the body (everything before the blank line, including its last
//! newline). The key id is the first four bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).
//! Key strings:
//!
//! - verifier key: `<name>+<8 lowercase hex digits key id>+<base64(0x01 ‖ 32-byte public key)>`
//! - signing key: `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ 32-byte seed)>`
//!
//! Setara writes one extension line per programme with its totals at that tree size:
//! `setara-balance <programme> <funds_in> <funds_out> <reversed>` (decimal rupiah, programmes
//! in byte order). [`crate::audit()`] checks them against the entries.
//!
//! Parsing is strict: base64 must be canonical (standard alphabet, padded, zero trailing
//! bits), hex lowercase, decimals without leading zeros, so that no two different texts carry
//! the same meaning.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::entry::Balance;
use crate::merkle::Hash;

const ALG_ED25519: u8 = 1;
const SIG_PREFIX: &str = "\u{2014} ";
/// Prefix of Setara's balance extension lines.
pub const BALANCE_EXTENSION: &str = "setara-balance";

/// Largest signed note accepted, in bytes (512 KiB). A Setara checkpoint is about 120 bytes
/// plus one balance line per programme, at most 15 + 64 + 3 × 21 = 142 bytes, and a log holds
/// at most [`crate::MAX_PROGRAMMES`] (2,048) programmes: 300 KB at the very longest. A note
/// larger than this (a saved checkpoint given to `ledger consistency --saved`, or inside a
/// receipt) is refused before it is split into lines.
pub const MAX_NOTE_BYTES: usize = 512 << 10;

fn key_name_ok(name: &str) -> bool {
    !name.is_empty()
        && !name.contains('+')
        && name.chars().all(|c| !c.is_whitespace() && !c.is_control())
}

/// Ed25519 key id: first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).
pub fn key_id(name: &str, public: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ALG_ED25519]);
    h.update(public);
    let d: [u8; 32] = h.finalize().into();
    u32::from_be_bytes(d[..4].try_into().unwrap())
}

pub(crate) fn b64_decode(s: &str) -> Option<Vec<u8>> {
    let v = B64.decode(s).ok()?;
    // Reject any text that is not the canonical encoding of its bytes.
    (B64.encode(&v) == s).then_some(v)
}

pub(crate) fn b64(b: &[u8]) -> String {
    B64.encode(b)
}

fn parse_hex_id(s: &str) -> Option<u32> {
    if s.len() != 8
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// A note verifier (public) key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    /// Key name (the log's origin for Setara).
    pub name: String,
    /// Key id.
    pub id: u32,
    key: VerifyingKey,
}

impl VerifierKey {
    /// Parses `<name>+<hex id>+<base64(0x01 ‖ key)>`, checking that the id matches.
    pub fn parse(s: &str) -> Result<VerifierKey, Error> {
        let bad = |why: &str| Err(Error::InvalidKey(why.to_string()));
        let s = s.strip_suffix('\n').unwrap_or(s);
        let mut parts = s.splitn(3, '+');
        let (Some(name), Some(id), Some(key), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return bad("a verifier key is <name>+<hex key id>+<base64 key>");
        };
        if !key_name_ok(name) {
            return bad("bad key name");
        }
        let Some(id) = parse_hex_id(id) else {
            return bad("the key id must be 8 lowercase hex digits");
        };
        let Some(raw) = b64_decode(key) else {
            return bad("the key is not canonical base64");
        };
        if raw.len() != 33 || raw[0] != ALG_ED25519 {
            return bad("not an Ed25519 key (expected 0x01 and 32 bytes)");
        }
        let public: [u8; 32] = raw[1..].try_into().unwrap();
        if key_id(name, &public) != id {
            return bad("the key id does not match the name and key");
        }
        let key = VerifyingKey::from_bytes(&public)
            .map_err(|_| Error::InvalidKey("not a valid Ed25519 public key".into()))?;
        Ok(VerifierKey {
            name: name.to_string(),
            id,
            key,
        })
    }

    /// The key string.
    pub fn to_key_string(&self) -> String {
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(self.key.as_bytes());
        format!("{}+{:08x}+{}", self.name, self.id, b64(&raw))
    }
}

/// A note signing (private) key.
#[derive(Clone)]
pub struct NoteSigner {
    /// Key name.
    pub name: String,
    /// Key id.
    pub id: u32,
    key: SigningKey,
}

impl std::fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NoteSigner({}+{:08x})", self.name, self.id)
    }
}

impl NoteSigner {
    /// A signer from a 32-byte seed.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<NoteSigner, Error> {
        if !key_name_ok(name) {
            return Err(Error::InvalidKey(format!(
                "key name {name:?} must be non-empty, without spaces or '+'"
            )));
        }
        let key = SigningKey::from_bytes(seed);
        let id = key_id(name, key.verifying_key().as_bytes());
        Ok(NoteSigner {
            name: name.to_string(),
            id,
            key,
        })
    }

    /// A new key from the operating system's random generator.
    pub fn generate(name: &str) -> Result<NoteSigner, Error> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| Error::InvalidKey(format!("no random seed: {e}")))?;
        Self::from_seed(name, &seed)
    }

    /// Parses `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>`.
    pub fn parse(s: &str) -> Result<NoteSigner, Error> {
        let bad = |why: &str| Err(Error::InvalidKey(why.to_string()));
        let s = s.trim_end_matches('\n');
        let Some(rest) = s.strip_prefix("PRIVATE+KEY+") else {
            return bad("a signing key starts with PRIVATE+KEY+");
        };
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id), Some(key), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return bad("a signing key is PRIVATE+KEY+<name>+<hex id>+<base64 seed>");
        };
        let Some(id) = parse_hex_id(id) else {
            return bad("the key id must be 8 lowercase hex digits");
        };
        let Some(raw) = b64_decode(key) else {
            return bad("the key is not canonical base64");
        };
        if raw.len() != 33 || raw[0] != ALG_ED25519 {
            return bad("not an Ed25519 key");
        }
        let signer = Self::from_seed(name, &raw[1..].try_into().unwrap())?;
        if signer.id != id {
            return bad("the key id does not match the name and key");
        }
        Ok(signer)
    }

    /// The signing key string (secret!).
    pub fn to_key_string(&self) -> String {
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(self.key.as_bytes());
        format!("PRIVATE+KEY+{}+{:08x}+{}", self.name, self.id, b64(&raw))
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            id: self.id,
            key: self.key.verifying_key(),
        }
    }

    /// Signs `body` (which must end with a newline) and returns the whole note.
    pub fn sign(&self, body: &str) -> String {
        let sig = self.key.sign(body.as_bytes());
        let mut raw = self.id.to_be_bytes().to_vec();
        raw.extend_from_slice(&sig.to_bytes());
        format!("{body}\n{SIG_PREFIX}{} {}\n", self.name, b64(&raw))
    }
}

/// Splits a note into body and signature lines, checks the signature of `key` and returns
/// the body. Signatures by other keys are ignored; a note without a valid signature by `key`
/// is rejected.
pub fn open_note<'a>(note: &'a str, key: &VerifierKey) -> Result<&'a str, Error> {
    let (body, sigs) = split_note(note)?;
    let mut found = false;
    for line in sigs.split_terminator('\n') {
        let (name, id, sig) = parse_sig_line(line)?;
        if name != key.name || id != key.id {
            continue;
        }
        let sig = ed25519_dalek::Signature::from_bytes(&sig);
        key.key
            .verify_strict(body.as_bytes(), &sig)
            .map_err(|_| Error::BadSignature(format!("invalid signature by {}", key.name)))?;
        found = true;
    }
    if !found {
        return Err(Error::BadSignature(format!(
            "no signature by key {}+{:08x}",
            key.name, key.id
        )));
    }
    Ok(body)
}

fn split_note(note: &str) -> Result<(&str, &str), Error> {
    let bad = |why: &str| Err(Error::InvalidNote(why.to_string()));
    if note.len() > MAX_NOTE_BYTES {
        return Err(Error::TooLarge {
            what: "a signed note",
            limit: MAX_NOTE_BYTES,
        });
    }
    if note
        .chars()
        .any(|c| c != '\n' && (c.is_control() || c == '\u{feff}'))
    {
        return bad("control character in note");
    }
    let Some(split) = note.rfind("\n\n") else {
        return bad("no blank line before the signatures");
    };
    let body = &note[..split + 1];
    let sigs = &note[split + 2..];
    if sigs.is_empty() || !sigs.ends_with('\n') {
        return bad("signature block is empty or does not end with a newline");
    }
    if sigs.split_terminator('\n').count() > 100 {
        return bad("too many signatures");
    }
    Ok((body, sigs))
}

fn parse_sig_line(line: &str) -> Result<(&str, u32, [u8; 64]), Error> {
    let bad = |why: &str| Err(Error::InvalidNote(why.to_string()));
    let Some(rest) = line.strip_prefix(SIG_PREFIX) else {
        return bad("signature line does not start with an em dash and a space");
    };
    let Some((name, sig)) = rest.split_once(' ') else {
        return bad("signature line without a space between name and signature");
    };
    if !key_name_ok(name) {
        return bad("bad key name in a signature line");
    }
    let Some(raw) = b64_decode(sig) else {
        return bad("signature is not canonical base64");
    };
    if raw.len() != 4 + 64 {
        return bad("an Ed25519 signature is a 4-byte key id and 64 bytes");
    }
    let id = u32::from_be_bytes(raw[..4].try_into().unwrap());
    Ok((name, id, raw[4..].try_into().unwrap()))
}

/// A signed checkpoint of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Origin line (the log's name).
    pub origin: String,
    /// Tree size.
    pub size: u64,
    /// Root hash at that size.
    pub root: Hash,
    /// Extension lines (without newlines).
    pub extensions: Vec<String>,
    /// The whole signed note.
    pub note: String,
}

impl Checkpoint {
    /// The checkpoint body (unsigned) for these values.
    pub fn body(origin: &str, size: u64, root: &Hash, extensions: &[String]) -> String {
        let mut s = format!("{origin}\n{size}\n{}\n", b64(root));
        for e in extensions {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    /// Signs a checkpoint.
    pub fn sign(
        signer: &NoteSigner,
        size: u64,
        root: &Hash,
        extensions: Vec<String>,
    ) -> Result<Checkpoint, Error> {
        for e in &extensions {
            if e.is_empty() || e.contains('\n') {
                return Err(Error::InvalidNote(
                    "extension lines must be non-empty single lines".into(),
                ));
            }
        }
        let body = Self::body(&signer.name, size, root, &extensions);
        let note = signer.sign(&body);
        Ok(Checkpoint {
            origin: signer.name.clone(),
            size,
            root: *root,
            extensions,
            note,
        })
    }

    /// Parses a note and verifies its signature by `key`; the origin must be the key's name.
    pub fn open(note: &str, key: &VerifierKey) -> Result<Checkpoint, Error> {
        let body = open_note(note, key)?;
        let cp = Self::parse_body(body, note)?;
        if cp.origin != key.name {
            return Err(Error::InvalidNote(format!(
                "checkpoint origin {:?} is not the key name {:?}",
                cp.origin, key.name
            )));
        }
        Ok(cp)
    }

    /// Parses a note's checkpoint body without checking any signature.
    pub fn parse_unverified(note: &str) -> Result<Checkpoint, Error> {
        let (body, sigs) = split_note(note)?;
        for line in sigs.split_terminator('\n') {
            parse_sig_line(line)?;
        }
        Self::parse_body(body, note)
    }

    /// Checks the signature of this checkpoint's note with `key`.
    pub fn verify(&self, key: &VerifierKey) -> Result<(), Error> {
        let again = Checkpoint::open(&self.note, key)?;
        if &again != self {
            return Err(Error::InvalidNote(
                "checkpoint fields differ from its signed note".into(),
            ));
        }
        Ok(())
    }

    fn parse_body(body: &str, note: &str) -> Result<Checkpoint, Error> {
        let bad = |why: &str| Err(Error::InvalidNote(format!("checkpoint: {why}")));
        let mut lines = body.split_terminator('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return bad("needs origin, size and root lines");
        };
        if origin.is_empty() {
            return bad("empty origin");
        }
        let Some(size) = crate::entry::parse_canonical_index(size) else {
            return bad("size is not a decimal number without leading zeros");
        };
        let Some(root) = b64_decode(root).filter(|r| r.len() == 32) else {
            return bad("root is not 32 bytes of canonical base64");
        };
        let mut extensions = Vec::new();
        for l in lines {
            if l.is_empty() {
                return bad("empty extension line");
            }
            extensions.push(l.to_string());
        }
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root: root.try_into().unwrap(),
            extensions,
            note: note.to_string(),
        })
    }

    /// The note text.
    pub fn to_note(&self) -> &str {
        &self.note
    }

    /// The programme totals claimed by `setara-balance` extension lines (None if the checkpoint
    /// has none). A malformed balance line is an error.
    pub fn balances(&self) -> Result<Option<BTreeMap<String, Balance>>, Error> {
        let mut out = BTreeMap::new();
        let mut any = false;
        for e in &self.extensions {
            let mut w = e.split(' ');
            if w.next() != Some(BALANCE_EXTENSION) {
                continue;
            }
            any = true;
            let bad = || Error::InvalidNote(format!("bad balance line {e:?}"));
            let prog = w.next().ok_or_else(bad)?;
            let mut num = || -> Result<i64, Error> {
                let s = w.next().ok_or_else(bad)?;
                let v: i64 = s.parse().map_err(|_| bad())?;
                if v.to_string() != s {
                    return Err(bad());
                }
                Ok(v)
            };
            let funds_in = num()?;
            let funds_out = num()?;
            let reversed = num()?;
            if w.next().is_some() {
                return Err(bad());
            }
            out.insert(
                prog.to_string(),
                Balance {
                    funds_in,
                    funds_out,
                    reversed,
                    balance: funds_in.checked_sub(funds_out).ok_or_else(bad)?,
                },
            );
        }
        Ok(any.then_some(out))
    }
}

/// The `setara-balance` extension lines for a set of totals.
pub fn balance_extensions(b: &BTreeMap<String, Balance>) -> Vec<String> {
    b.iter()
        .map(|(p, b)| {
            format!(
                "{BALANCE_EXTENSION} {p} {} {} {}",
                b.funds_in, b.funds_out, b.reversed
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_round_trip_and_sign() {
        let s = NoteSigner::from_seed("example.com/log", &[7u8; 32]).unwrap();
        let again = NoteSigner::parse(&s.to_key_string()).unwrap();
        assert_eq!(again.id, s.id);
        let v = VerifierKey::parse(&s.verifier().to_key_string()).unwrap();
        assert_eq!(v, s.verifier());
        let cp = Checkpoint::sign(&s, 5, &[3u8; 32], vec!["ext one".into()]).unwrap();
        let opened = Checkpoint::open(&cp.note, &v).unwrap();
        assert_eq!(opened, cp);
        assert!(cp.note.contains("\n\n\u{2014} example.com/log "));
    }

    /// Known answer from the signed-note specification / Go's note package tests.
    #[test]
    fn go_note_vector() {
        let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        let msg = "If you think cryptography is the answer to your problem,\n\
                   then you don't know what your problem is.\n\n\
                   \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
        let v = VerifierKey::parse(vkey).unwrap();
        let body = open_note(msg, &v).unwrap();
        assert!(body.starts_with("If you think"));
        let s = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
        let signer = NoteSigner::parse(s).unwrap();
        assert_eq!(signer.verifier(), v);
        assert_eq!(signer.sign(body), msg);
    }
}
