//! The audit: recompute everything from the stored entries and check every checkpoint.
//!
//! [`audit`] reads the segment files record by record (framing, checksum, canonical entry),
//! hashes every entry (two threads), rebuilds the tree level by level and, at each published
//! checkpoint, compares the root, checks the signature, checks for every programme that
//! `funds_out <= funds_in` and that the totals the checkpoint claims equal those computed from
//! the entries. It also compares the index and the hash cache with what it computed (a damaged
//! cache is reported; the writer rebuilds it when it opens). It never takes the writer lock
//! and writes nothing.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::path::Path;

use memmap2::Mmap;

use crate::entry::{Balance, Balances, EntryKind, EntryRef, MAX_ENTRY_BYTES};
use crate::ledger::{
    CHECKPOINTS_FILE, HASHES_FILE, INDEX_FILE, RECORD_OVERHEAD, VKEY_FILE, read_meta, segment_path,
    split_checkpoints,
};
use crate::merkle::{Hash, TreeBuilder, leaf_hash, stored_hash_count};
use crate::note::{Checkpoint, VerifierKey};
use crate::{Error, io_err};

/// Most problems listed of one kind before the rest are summarized.
const MAX_LISTED: usize = 20;

/// What the audit found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditReport {
    /// Entries checked (the acknowledged entries in the index).
    pub entries: u64,
    /// Checkpoints whose root (and balances) were checked against the entries.
    pub checkpoints_checked: u64,
    /// The first entry that is damaged or differs from what a checkpoint signed.
    pub first_bad_index: Option<u64>,
    /// Every problem found (empty: the log is sound).
    pub problems: Vec<String>,
    /// Totals per programme over all entries.
    pub balances: BTreeMap<String, Balance>,
    /// Root of the tree recomputed from the entries.
    pub root: Hash,
}

impl AuditReport {
    /// True if no problem was found.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    fn bad(&mut self, index: u64, problem: String) {
        self.first_bad_index = Some(self.first_bad_index.map_or(index, |b| b.min(index)));
        self.problems.push(problem);
    }
}

/// Problems located exactly (a damaged record, index entry or rule breach) decide the first bad
/// index; problems located only to a range (a checkpoint root, a cached hash) decide it only if
/// there is no exact one.
#[derive(Default)]
struct Suspects {
    first: Option<u64>,
}

impl Suspects {
    fn add(&mut self, rep: &mut AuditReport, index: u64, problem: String) {
        self.first = Some(self.first.map_or(index, |b| b.min(index)));
        rep.problems.push(problem);
    }
}

/// Audits the ledger in `dir` with the verifier key stored in the directory (`vkey.txt`).
/// An auditor should rather pass the key it trusts to [`audit_with_key`].
pub fn audit(dir: &Path) -> Result<AuditReport, Error> {
    audit_with_key(dir, None)
}

fn map_file(path: &Path) -> Result<Option<Mmap>, Error> {
    let f = File::open(path).map_err(io_err(path))?;
    if f.metadata().map_err(io_err(path))?.len() == 0 {
        return Ok(None);
    }
    // SAFETY: read-only mapping of append-only files; the writer never rewrites written bytes.
    Ok(Some(unsafe { Mmap::map(&f) }.map_err(io_err(path))?))
}

fn read_record(path: &Path, off: u64) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let f = File::open(path).ok()?;
    let mut len = [0u8; 4];
    f.read_exact_at(&mut len, off).ok()?;
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_ENTRY_BYTES {
        return None;
    }
    let mut b = vec![0u8; len];
    f.read_exact_at(&mut b, off + 4).ok()?;
    Some(b)
}

/// Audits the ledger in `dir`, checking checkpoint signatures with `vkey` (a verifier key
/// string) or, if `None`, with the directory's `vkey.txt`. Errors are for unreadable
/// directories; everything wrong with the data is in the report.
pub fn audit_with_key(dir: &Path, vkey: Option<&str>) -> Result<AuditReport, Error> {
    let meta = read_meta(dir)?;
    let mut rep = AuditReport::default();
    let key_text = match vkey {
        Some(k) => k.to_string(),
        None => {
            let p = dir.join(VKEY_FILE);
            fs::read_to_string(&p).map_err(io_err(&p))?
        }
    };
    let key = VerifierKey::parse(key_text.trim_end())?;
    if key.name != meta.origin {
        rep.problems.push(format!(
            "the verifier key is for {:?} but the log is {:?}",
            key.name, meta.origin
        ));
    }

    // Checkpoints.
    let cp_path = dir.join(CHECKPOINTS_FILE);
    let cp_text = fs::read(&cp_path).map_err(io_err(&cp_path))?;
    let (records, complete) = split_checkpoints(&cp_text);
    let mut checkpoints: Vec<(usize, Checkpoint)> = Vec::new();
    let mut cp_problems: Vec<(u64, String)> = Vec::new();
    let mut prev_size = 0u64;
    for (k, (off, rec)) in records.iter().enumerate() {
        let res = std::str::from_utf8(rec)
            .map_err(|_| Error::InvalidNote("not UTF-8".into()))
            .and_then(|note| Checkpoint::open(note, &key));
        match res {
            Ok(cp) => {
                if cp.size < prev_size {
                    cp_problems.push((
                        cp.size,
                        format!(
                            "checkpoint #{k} (offset {off}) has size {} below an earlier {prev_size}",
                            cp.size
                        ),
                    ));
                }
                prev_size = prev_size.max(cp.size);
                checkpoints.push((k, cp));
            }
            Err(e) => rep.problems.push(format!(
                "{} checkpoint #{k} at offset {off}: {e}",
                cp_path.display()
            )),
        }
    }
    if complete < cp_text.len() {
        rep.problems.push(format!(
            "{}: {} bytes of an incomplete checkpoint at the end (a torn write; the writer drops it when it opens)",
            cp_path.display(),
            cp_text.len() - complete
        ));
    }
    checkpoints.sort_by_key(|(_, c)| c.size);

    // Index.
    let idx_path = dir.join(INDEX_FILE);
    let idx_map = map_file(&idx_path)?;
    let idx: &[u8] = idx_map.as_deref().unwrap_or(&[]);
    let n = (idx.len() / 8) as u64;
    if !idx.len().is_multiple_of(8) {
        rep.problems.push(format!(
            "{}: {} bytes of a partial entry at the end (a torn write; the writer drops it when it opens)",
            idx_path.display(),
            idx.len() % 8
        ));
    }
    let idx_at =
        |i: u64| u64::from_be_bytes(idx[i as usize * 8..i as usize * 8 + 8].try_into().unwrap());

    // Hash cache.
    let h_path = dir.join(HASHES_FILE);
    let h_map = map_file(&h_path)?;
    let hashes: &[u8] = h_map.as_deref().unwrap_or(&[]);
    if (hashes.len() as u64) < stored_hash_count(n) * 32 {
        rep.problems.push(format!(
            "{} is short: {} bytes, {} expected (the writer rebuilds it when it opens)",
            h_path.display(),
            hashes.len(),
            stored_hash_count(n) * 32
        ));
    }

    // Entries, segment by segment.
    let shift = meta.seg_shift;
    let mut tree = TreeBuilder::new();
    let mut hpos = 0usize;
    let mut cache_bad = 0usize;
    let mut index_bad = 0usize;
    let mut entry_bad = 0usize;
    let mut overflow_bad = 0usize;
    let mut balances = Balances::default();
    let mut seg_offsets: Vec<Vec<u32>> = Vec::new();
    let mut reversed: HashMap<u64, i64> = HashMap::new();
    let mut next_cp = 0usize;
    let mut last_good_cp_size = 0u64;
    let mut suspects = Suspects::default();
    let mut cache_suspects = Suspects::default();
    let mut last_bad_entry: Option<u64> = None;
    let mut check_cps = |size: u64,
                         tree: &TreeBuilder,
                         balances: &Balances,
                         rep: &mut AuditReport,
                         next_cp: &mut usize| {
        while *next_cp < checkpoints.len() && checkpoints[*next_cp].1.size == size {
            let (k, cp) = &checkpoints[*next_cp];
            *next_cp += 1;
            rep.checkpoints_checked += 1;
            if tree.root() != cp.root {
                suspects.add(
                    rep,
                    last_good_cp_size,
                    format!(
                        "checkpoint #{k} (size {size}) signed a different root: entries {last_good_cp_size}..{size} differ from what was signed"
                    ),
                );
                continue;
            }
            last_good_cp_size = size;
            for (p, b) in balances.map() {
                if b.funds_out > b.funds_in {
                    rep.problems.push(format!(
                        "at checkpoint #{k} (size {size}) programme {p} paid out {} but was funded {}",
                        b.funds_out, b.funds_in
                    ));
                }
            }
            match cp.balances() {
                Ok(None) => {}
                Ok(Some(claimed)) => {
                    if &claimed != balances.map() {
                        rep.problems.push(format!(
                            "checkpoint #{k} (size {size}) claims programme totals that differ from the entries"
                        ));
                    }
                }
                Err(e) => rep.problems.push(format!("checkpoint #{k}: {e}")),
            }
        }
    };
    check_cps(0, &tree, &balances, &mut rep, &mut next_cp);
    let mut i = 0u64;
    'segments: while i < n {
        let seg = i >> shift;
        let seg_last = ((seg + 1) << shift).min(n);
        let path = segment_path(dir, seg);
        let map = match map_file(&path) {
            Ok(m) => m,
            Err(e) => {
                rep.bad(i, format!("entry {i}: {e}"));
                break;
            }
        };
        let data: &[u8] = map.as_deref().unwrap_or(&[]);
        // Framing, sequentially.
        let mut offs: Vec<u32> = Vec::with_capacity((seg_last - i) as usize);
        let mut recs: Vec<(usize, usize)> = Vec::with_capacity((seg_last - i) as usize);
        let mut at = 0usize;
        let mut framing_broken = None;
        for g in i..seg_last {
            if idx_at(g) != at as u64 {
                if index_bad < MAX_LISTED {
                    rep.bad(
                        g,
                        format!(
                            "{} entry {g}: offset {} but the record is at {at}",
                            idx_path.display(),
                            idx_at(g)
                        ),
                    );
                }
                index_bad += 1;
            }
            if data.len() - at < 4 {
                framing_broken = Some((
                    g,
                    format!(
                        "{} offset {at}: entry {g}: record missing or truncated",
                        path.display()
                    ),
                ));
                break;
            }
            let len = u32::from_be_bytes(data[at..at + 4].try_into().unwrap()) as usize;
            if len > MAX_ENTRY_BYTES || data.len() - at < len + RECORD_OVERHEAD {
                framing_broken = Some((
                    g,
                    format!(
                        "{} offset {at}: entry {g}: bad record length {len}",
                        path.display()
                    ),
                ));
                break;
            }
            offs.push(at as u32);
            recs.push((at + 4, len));
            at += len + RECORD_OVERHEAD;
        }
        // Leaf hashes and entry checks, on two threads.
        let check = |part: &[(usize, usize)]| -> Vec<(Hash, u8)> {
            part.iter()
                .map(|&(s, len)| {
                    let bytes = &data[s..s + len];
                    let h = leaf_hash(bytes);
                    let mut flags = 0u8;
                    if h[..8] != data[s + len..s + len + 8] {
                        flags |= 1;
                    }
                    if EntryRef::parse(bytes).is_err() {
                        flags |= 2;
                    }
                    (h, flags)
                })
                .collect()
        };
        let mid = recs.len() / 2;
        let (a, b) = std::thread::scope(|s| {
            let t = s.spawn(|| check(&recs[mid..]));
            let a = check(&recs[..mid]);
            (a, t.join().expect("hashing thread panicked"))
        });
        seg_offsets.push(offs);
        for (j, (h, flags)) in a.into_iter().chain(b).enumerate() {
            let g = i + j as u64;
            let (s, len) = recs[j];
            let bytes = &data[s..s + len];
            if flags != 0 {
                last_bad_entry = Some(g);
                if entry_bad < MAX_LISTED {
                    let what = if flags & 1 != 0 {
                        "checksum mismatch (the record was changed)".to_string()
                    } else {
                        format!("{}", EntryRef::parse(bytes).unwrap_err())
                    };
                    rep.bad(
                        g,
                        format!("{} offset {}: entry {g}: {what}", path.display(), s - 4),
                    );
                } else {
                    rep.first_bad_index = rep.first_bad_index.map(|b| b.min(g));
                }
                entry_bad += 1;
            }
            tree.push(h, |level, sh| {
                let ok = hashes.get(hpos..hpos + 32).is_none_or(|c| c == sh);
                let first_leaf = g + 1 - (1u64 << level);
                // A node over a damaged entry differs as a consequence: not a cache problem.
                if !ok && last_bad_entry.is_none_or(|b| b < first_leaf) {
                    if cache_bad < MAX_LISTED {
                        cache_suspects.add(
                            &mut rep,
                            first_leaf,
                            format!(
                                "{} byte {hpos}: cached hash of entries {first_leaf}..{} differs from the entries (the writer rebuilds the cache when it opens)",
                                h_path.display(),
                                g + 1
                            ),
                        );
                    }
                    cache_bad += 1;
                }
                hpos += 32;
            });
            // Balances and reversal rules.
            if let Ok(e) = EntryRef::parse(bytes) {
                let mut target: Option<(EntryKind, String, i64)> = None;
                if let Some(r) = e.reversed_index() {
                    let t: Option<(EntryKind, String, i64)> = if r < g {
                        let (rs, ro) = ((r >> shift) as usize, (r & ((1 << shift) - 1)) as usize);
                        let off = seg_offsets[rs][ro] as usize;
                        let owned = |t: EntryRef<'_>| (t.kind, t.programme.to_string(), t.amount);
                        if rs == seg_offsets.len() - 1 {
                            let tlen =
                                u32::from_be_bytes(data[off..off + 4].try_into().unwrap()) as usize;
                            EntryRef::parse(&data[off + 4..off + 4 + tlen])
                                .ok()
                                .map(owned)
                        } else {
                            // An earlier segment (no longer mapped): read the record back.
                            read_record(&segment_path(dir, rs as u64), off as u64)
                                .and_then(|b| EntryRef::parse(&b).ok().map(owned))
                        }
                    } else {
                        None
                    };
                    match t {
                        None => rep.bad(
                            g,
                            format!(
                                "entry {g}: reverses entry {r}, which is not an earlier valid entry"
                            ),
                        ),
                        Some(t) if t.0 == EntryKind::Reversal => rep.bad(
                            g,
                            format!("entry {g}: reverses entry {r}, itself a reversal"),
                        ),
                        Some(t) if t.1 != e.programme => rep.bad(
                            g,
                            format!("entry {g}: reverses entry {r} of another programme"),
                        ),
                        Some(t) => {
                            let sum = reversed.entry(r).or_insert(0);
                            match sum.checked_add(e.amount) {
                                Some(v) if v <= t.2 => *sum = v,
                                v => {
                                    rep.bad(
                                        g,
                                        format!(
                                            "entry {g}: entry {r} is reversed by {} in total, more than its {}",
                                            v.map_or_else(
                                                || "more than 2^63 rupiah".to_string(),
                                                |v| v.to_string()
                                            ),
                                            t.2
                                        ),
                                    );
                                    *sum = v.unwrap_or(i64::MAX);
                                }
                            }
                            target = Some(t);
                        }
                    }
                }
                if let Err(why) = balances.add(
                    e.kind,
                    e.programme,
                    e.amount,
                    target.as_ref().map(|(k, p, a)| (*k, p.as_str(), *a)),
                ) {
                    if overflow_bad < MAX_LISTED {
                        rep.bad(
                            g,
                            format!("entry {g}: {why}; its amount is left out of the totals"),
                        );
                    } else {
                        rep.first_bad_index = rep.first_bad_index.map(|b| b.min(g));
                    }
                    overflow_bad += 1;
                }
            }
            check_cps(g + 1, &tree, &balances, &mut rep, &mut next_cp);
        }
        drop(map);
        i += recs.len() as u64;
        if let Some((g, why)) = framing_broken {
            rep.bad(g, format!("{why}; entries from {g} on cannot be read"));
            break 'segments;
        }
    }
    if entry_bad > MAX_LISTED {
        rep.problems
            .push(format!("… {} damaged entries in all", entry_bad));
    }
    if overflow_bad > MAX_LISTED {
        rep.problems.push(format!(
            "… {overflow_bad} entries whose totals overflow in all"
        ));
    }
    if cache_bad > MAX_LISTED {
        rep.problems
            .push(format!("… {} wrong cached hashes in all", cache_bad));
    }
    if index_bad > MAX_LISTED {
        rep.problems
            .push(format!("… {} wrong index entries in all", index_bad));
    }
    for (_, cp) in &checkpoints[next_cp..] {
        rep.problems.push(format!(
            "a checkpoint covers {} entries but only {i} could be read",
            cp.size
        ));
        rep.first_bad_index = Some(rep.first_bad_index.map_or(i, |b| b.min(i)));
    }
    for (size, p) in cp_problems {
        rep.bad(size, p);
    }
    if rep.first_bad_index.is_none() {
        rep.first_bad_index = match (suspects.first, cache_suspects.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    rep.entries = i;
    rep.root = tree.root();
    rep.balances = balances.into_map();
    Ok(rep)
}
