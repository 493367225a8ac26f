//! What auditors and citizens check: inclusion and consistency proofs, a receipt checked
//! offline, and the audit of the whole ledger.

use std::path::Path;

use serde::Serialize;
use setara_ledger::hex;

use super::{
    Found, check_ledger, ledger_error, no_ledger_yet, open_existing, open_store_for_reading,
};
use crate::App;
use crate::error::{Error, Result};

fn hexes(hs: &[[u8; 32]]) -> Vec<String> {
    hs.iter().map(|h| hex::encode(h)).collect()
}

/// An inclusion proof of one entry (fields in the order `setara ledger prove` prints them).
#[derive(Clone, Debug, Serialize)]
pub struct Inclusion {
    pub index: u64,
    pub leaf_hash: String,
    pub proof: Vec<String>,
    pub size: u64,
}

/// The proof that entry `index` is in the tree of `size` entries (default: the latest
/// checkpoint's size, or the whole ledger before the first checkpoint).
pub fn prove(app: &App, index: u64, size: Option<u64>) -> Result<Inclusion> {
    let ledger = open_existing(app)?;
    let size = match size {
        Some(s) => s,
        None => ledger
            .checkpoints()
            .map_err(|e| ledger_error(&e))?
            .last()
            .map(|c| c.size)
            .unwrap_or(ledger.len()),
    };
    let proof = ledger
        .inclusion_proof(index, size)
        .map_err(|e| ledger_error(&e))?;
    let entry = ledger.entry(index).map_err(|e| ledger_error(&e))?;
    let leaf = entry.leaf_hash().map_err(|e| ledger_error(&e))?;
    Ok(Inclusion {
        index,
        leaf_hash: hex::encode(&leaf),
        proof: hexes(&proof),
        size,
    })
}

/// What a valid receipt proves (fields in the order of `--json`).
#[derive(Clone, Debug, Serialize)]
pub struct ReceiptCheck {
    pub amount: i64,
    pub household_checked: bool,
    pub index: u64,
    pub kind: String,
    pub programme: String,
    pub size: u64,
    pub valid: bool,
}

/// Reads a receipt: at most [`setara_ledger::MAX_RECEIPT_BYTES`]; a file that is not a
/// receipt (garbage, binary, a directory, too large) is invalid input, never a system failure.
fn read_receipt(app: &App, path: &Path) -> Result<setara_ledger::Receipt> {
    use setara_ledger::Error as E;
    let show = app.data.show(path);
    setara_ledger::Receipt::read_file(path).map_err(|e| match &e {
        E::Io { source, .. }
            if !matches!(
                source.kind(),
                std::io::ErrorKind::NotFound
                    | std::io::ErrorKind::IsADirectory
                    | std::io::ErrorKind::InvalidInput
                    | std::io::ErrorKind::InvalidData
            ) =>
        {
            Error::io(path, source)
        }
        E::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            Error::io(path, source)
        }
        E::TooLarge { limit, .. } => Error::invalid(
            "receipt_too_large",
            format!("{show}: lebih dari {limit} bita; itu bukan tanda terima"),
            format!("{show}: larger than {limit} bytes; that is not a receipt"),
        ),
        _ => Error::invalid(
            "receipt_unreadable",
            format!("{show}: bukan tanda terima yang sah ({e})"),
            format!("{show}: not a valid receipt ({e})"),
        ),
    })
}

/// Check a receipt file offline against the ledger's verifier key, and with `kk` that it
/// was issued to that household. Needs no data directory: anyone holding the receipt can.
pub fn verify_receipt(
    app: &App,
    file: &Path,
    vkey: &str,
    kk: Option<&str>,
) -> Result<ReceiptCheck> {
    let receipt = read_receipt(app, file)?;
    match setara_ledger::verify_receipt(&receipt, vkey, kk) {
        Ok(v) => Ok(ReceiptCheck {
            amount: v.entry.amount,
            household_checked: v.household_checked,
            index: v.index,
            kind: v.entry.kind.as_str().to_string(),
            programme: v.entry.programme.clone(),
            size: v.tree_size,
            valid: true,
        }),
        Err(e) => Err(Error::invalid(
            match e {
                setara_ledger::Error::InvalidKey(_) => "vkey_invalid",
                setara_ledger::Error::InvalidKk => "kk_invalid",
                _ => "receipt_invalid",
            },
            format!("TIDAK SAH: {e}"),
            format!("INVALID: {e}"),
        )),
    }
}

/// A saved checkpoint note: at most [`setara_ledger::note::MAX_NOTE_BYTES`] of UTF-8.
fn read_note(app: &App, path: &Path) -> Result<String> {
    let invalid = |en: String, id: String| Error::invalid("checkpoint_invalid", id, en);
    let show = app.data.show(path);
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, &e))?;
    let max = setara_ledger::note::MAX_NOTE_BYTES;
    let bytes = match setara_ledger::read_limited(&mut f, max) {
        Ok(Some(b)) => b,
        Ok(None) => {
            return Err(invalid(
                format!("{show}: larger than {max} bytes; that is not a checkpoint"),
                format!("{show}: lebih dari {max} bita; itu bukan checkpoint"),
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => {
            return Err(invalid(
                format!("{show}: a directory, not a checkpoint"),
                format!("{show}: direktori, bukan checkpoint"),
            ));
        }
        Err(e) => return Err(Error::io(path, &e)),
    };
    String::from_utf8(bytes).map_err(|_| {
        invalid(
            format!("{show}: not UTF-8 text; that is not a checkpoint"),
            format!("{show}: bukan teks UTF-8; itu bukan checkpoint"),
        )
    })
}

/// Which two tree sizes a consistency proof joins.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ConsistencyRequest {
    /// The older size (a published checkpoint's).
    pub from: Option<u64>,
    /// The newer size (default: the latest checkpoint's).
    pub to: Option<u64>,
    /// A checkpoint saved earlier (the signed note): the log as it is now must still hold it.
    pub saved: Option<std::path::PathBuf>,
    /// The verifier key for `saved` (default: the ledger's own).
    pub vkey: Option<String>,
}

/// A consistency proof (fields in the order `setara ledger consistency` prints them).
#[derive(Clone, Debug, Serialize)]
pub struct Consistency {
    pub from: u64,
    pub proof: Vec<String>,
    pub to: u64,
    /// Whether the proof joins the two checkpoints (`None`: one of the sizes is not a
    /// checkpoint's, nothing to check against).
    pub verified_against_checkpoints: Option<bool>,
    /// Why it does not, when it does not.
    #[serde(skip)]
    pub failure: Option<String>,
}

impl Consistency {
    /// The error to report when the proof failed (`consistency_failed`): the log as it is now
    /// does not contain the older checkpoint.
    pub fn error(&self) -> Option<Error> {
        let e = self.failure.as_ref()?;
        let from = self.from;
        Some(Error::invalid(
            "consistency_failed",
            format!(
                "bukti konsistensi GAGAL: buku besar saat ini tidak memuat checkpoint berukuran {from} ({e})"
            ),
            format!(
                "consistency proof FAILED: the log as it is now does not contain the checkpoint of size {from} ({e})"
            ),
        ))
    }
}

/// The proof that the ledger of size `to` extends the one of size `from` (only grew), checked
/// against the checkpoints of both sizes when there are such.
pub fn consistency(app: &App, req: &ConsistencyRequest) -> Result<Consistency> {
    let ledger = open_existing(app)?;
    let checkpoints = ledger.checkpoints().map_err(|e| ledger_error(&e))?;
    let latest = checkpoints.last().cloned().ok_or_else(|| {
        Error::invalid(
            "ledger_no_checkpoint",
            "buku besar belum menerbitkan checkpoint",
            "the ledger has published no checkpoint",
        )
    })?;
    let saved = match &req.saved {
        Some(path) => {
            let note = read_note(app, path)?;
            let vkey = req.vkey.clone().unwrap_or_else(|| ledger.verifier_key());
            let key = setara_ledger::VerifierKey::parse(vkey.trim()).map_err(|e| {
                Error::invalid(
                    "vkey_invalid",
                    format!("kunci verifikasi tidak sah: {e}"),
                    format!("the verifier key is not valid: {e}"),
                )
            })?;
            Some(setara_ledger::Checkpoint::open(&note, &key).map_err(|e| {
                Error::invalid(
                    "checkpoint_invalid",
                    format!("checkpoint tersimpan tidak sah: {e}"),
                    format!("the saved checkpoint is not valid: {e}"),
                )
            })?)
        }
        None => None,
    };
    let new = match req.to {
        Some(n) => checkpoints.iter().find(|c| c.size == n).cloned(),
        None => Some(latest.clone()),
    };
    let old = match (&saved, req.from) {
        (Some(c), _) => Some(c.clone()),
        (None, Some(m)) => checkpoints.iter().find(|c| c.size == m).cloned(),
        (None, None) => None,
    };
    let from = old.as_ref().map(|c| c.size).or(req.from).unwrap_or(0);
    let to = new
        .as_ref()
        .map(|c| c.size)
        .or(req.to)
        .unwrap_or(ledger.len());
    let proof = ledger
        .consistency_proof(from, to)
        .map_err(|e| ledger_error(&e))?;
    let verified = match (&old, &new) {
        (Some(o), Some(n)) => Some(setara_ledger::verify_consistency(o, n, &proof)),
        _ => None,
    };
    Ok(Consistency {
        from,
        proof: hexes(&proof),
        to,
        verified_against_checkpoints: verified.as_ref().map(|v| v.is_ok()),
        failure: match verified {
            Some(Err(e)) => Some(e.to_string()),
            _ => None,
        },
    })
}

/// The audit of the ledger (fields in the order of `--json`).
#[derive(Clone, Debug, Serialize)]
pub struct Audit {
    pub checkpoints_checked: u64,
    pub entries: u64,
    pub first_bad_index: Option<u64>,
    pub ok: bool,
    pub problems: Vec<String>,
}

impl Audit {
    /// The error to report when the audit failed (`ledger_audit_failed`).
    pub fn error(&self) -> Option<Error> {
        (!self.ok).then(|| {
            Error::invalid(
                "ledger_audit_failed",
                "audit menemukan perubahan pada buku besar",
                "the audit found the ledger altered",
            )
        })
    }
}

/// Recompute every entry and checkpoint of the ledger, check every programme's funds, and
/// that the ledger holds every entry the store applied. A failed audit is a result (`ok`
/// false, with its problems), not an error: the report is what the auditor needs.
pub fn audit(app: &App) -> Result<Audit> {
    let dir = app.data.ledger();
    let store = open_store_for_reading(app)?;
    if check_ledger(app, store.as_ref())? == Found::Nothing {
        return Err(no_ledger_yet(app));
    }
    let applied = store.ledger_applied()?;
    drop(store);
    let mut report = setara_ledger::audit(&dir).map_err(|e| ledger_error(&e))?;
    if report.entries < applied {
        report.problems.push(format!(
            "only {} entries can be read but the store has recorded {applied}",
            report.entries
        ));
        report.first_bad_index = Some(
            report
                .first_bad_index
                .map_or(report.entries, |b| b.min(report.entries)),
        );
    }
    let ok = report.first_bad_index.is_none() && report.problems.is_empty();
    Ok(Audit {
        checkpoints_checked: report.checkpoints_checked,
        entries: report.entries,
        first_bad_index: report.first_bad_index,
        ok,
        problems: report.problems,
    })
}

/// The ledger's verifier key: what anyone needs to check its checkpoints and receipts.
pub fn verifier_key(app: &App) -> Result<String> {
    Ok(open_existing(app)?.verifier_key())
}
