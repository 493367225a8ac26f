//! The writer ([`Ledger`]) over the directory layout described in the crate documentation.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::ops::Range;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use memmap2::Mmap;

use crate::entry::{Balance, Balances, Entry, EntryKind, EntryRef, MAX_ENTRY_BYTES};
use crate::merkle::{self, Hash, HashSource, TreeBuilder, leaf_hash, stored_hash_count};
use crate::note::{Checkpoint, NoteSigner, VerifierKey, balance_extensions};
use crate::receipt::Receipt;
use crate::{Error, io_err};

pub(crate) const META_FILE: &str = "LEDGER";
pub(crate) const LOCK_FILE: &str = "LOCK";
pub(crate) const SIGNING_KEY_FILE: &str = "signing.key";
pub(crate) const VKEY_FILE: &str = "vkey.txt";
pub(crate) const INDEX_FILE: &str = "entries.idx";
pub(crate) const HASHES_FILE: &str = "tree.hashes";
pub(crate) const CHECKPOINTS_FILE: &str = "checkpoints.log";
const FORMAT_LINE: &str = "setara-ledger 1";
/// Most programmes one log holds (2,048). Every checkpoint carries one balance line per
/// programme, and every receipt carries a checkpoint: this keeps a checkpoint note under
/// [`crate::note::MAX_NOTE_BYTES`] and a receipt under [`crate::MAX_RECEIPT_BYTES`]. A
/// province's or ministry's log has tens of programmes; an entry that would start programme
/// 2,049 is refused.
pub const MAX_PROGRAMMES: usize = 2048;
/// Record overhead: 4-byte length + 8-byte checksum.
pub(crate) const RECORD_OVERHEAD: usize = 12;

pub(crate) fn segment_path(dir: &Path, seg: u64) -> PathBuf {
    dir.join(format!("entries-{seg:08}.seg"))
}

/// Creation options.
#[derive(Debug, Clone, Copy)]
pub struct LedgerOptions {
    /// Entries per segment file as a power of two (default 20: 1,048,576 entries).
    pub segment_entries_log2: u32,
}

impl Default for LedgerOptions {
    fn default() -> Self {
        LedgerOptions {
            segment_entries_log2: 20,
        }
    }
}

/// What [`Ledger::open`] dropped or repaired (all zero after a clean shutdown).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TornTail {
    /// Bytes of partial index entries dropped.
    pub index_bytes: u64,
    /// Bytes of unacknowledged records dropped from segment files.
    pub segment_bytes: u64,
    /// Bytes of unacknowledged stored hashes dropped.
    pub hash_bytes: u64,
    /// Bytes of a partial checkpoint dropped.
    pub checkpoint_bytes: u64,
    /// Leaves whose cached tree hashes were recomputed from the entries.
    pub leaves_rehashed: u64,
    /// True if the hash cache disagreed with the entries and was rebuilt.
    pub hash_cache_rebuilt: bool,
}

pub(crate) struct Meta {
    pub origin: String,
    pub seg_shift: u32,
}

pub(crate) fn read_meta(dir: &Path) -> Result<Meta, Error> {
    let path = dir.join(META_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NotALedger(dir.to_path_buf()));
        }
        Err(e) => return Err(io_err(&path)(e)),
    };
    let bad = || Error::Corrupt(format!("{}: unreadable ledger description", path.display()));
    let mut lines = text.lines();
    if lines.next() != Some(FORMAT_LINE) {
        return Err(bad());
    }
    let origin = lines
        .next()
        .and_then(|l| l.strip_prefix("origin "))
        .ok_or_else(bad)?
        .to_string();
    let seg: u64 = lines
        .next()
        .and_then(|l| l.strip_prefix("segment_entries "))
        .and_then(|v| v.parse().ok())
        .ok_or_else(bad)?;
    if !seg.is_power_of_two() || seg > (1 << 30) {
        return Err(bad());
    }
    Ok(Meta {
        origin,
        seg_shift: seg.trailing_zeros(),
    })
}

/// Splits the checkpoints file into complete records (each a note followed by `\n`).
/// Returns the notes with their byte offsets and the length of the complete part.
pub(crate) fn split_checkpoints(text: &[u8]) -> (Vec<(u64, &[u8])>, usize) {
    let mut out = Vec::new();
    let mut pos = 0usize;
    loop {
        let rest = &text[pos..];
        let Some(body_end) = find2(rest, 0) else {
            break;
        };
        let Some(rec_end) = find2(rest, body_end + 2) else {
            break;
        };
        // The note is everything up to and including the newline ending its last signature.
        out.push((pos as u64, &rest[..rec_end + 1]));
        pos += rec_end + 2;
    }
    (out, pos)
}

fn find2(b: &[u8], from: usize) -> Option<usize> {
    b.get(from..)?
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|p| p + from)
}

fn read_up_to(file: &File, buf: &mut [u8], off: u64) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], off + got as u64) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

fn sync_dir(dir: &Path) -> Result<(), Error> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dir))
}

struct Writer {
    _lock: File,
    signer: NoteSigner,
}

/// The ledger: one writer process (or read-only handles) over a directory.
pub struct Ledger {
    dir: PathBuf,
    origin: String,
    seg_shift: u32,
    writer: Option<Writer>,
    index: File,
    hashes: File,
    hash_map: Option<Mmap>,
    cp_file: File,
    cp_len: u64,
    segments: Mutex<BTreeMap<u64, Arc<File>>>,
    n: u64,
    /// Byte length of segment `n >> seg_shift` (where the next entry goes).
    tail_seg_len: u64,
    tree: TreeBuilder,
    vkey: VerifierKey,
    checkpoints: Vec<Checkpoint>,
    balances: Balances,
    torn: TornTail,
    poisoned: bool,
    allow_overdraft: bool,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("dir", &self.dir)
            .field("origin", &self.origin)
            .field("len", &self.n)
            .field("writable", &self.writer.is_some())
            .finish()
    }
}

/// Opens a ledger for reading (proofs, receipts, entries) without the writer lock; it sees the
/// entries acknowledged when it was opened.
pub fn open_read_only(dir: &Path) -> Result<Ledger, Error> {
    Ledger::open_read_only(dir)
}

impl Ledger {
    /// Creates a new ledger in `dir` (created if missing) named `origin` (the checkpoint origin
    /// line and key name, e.g. `setara.example.go.id/ledger`), with a new Ed25519 key.
    pub fn init(dir: &Path, origin: &str) -> Result<Ledger, Error> {
        Self::init_with(dir, origin, LedgerOptions::default())
    }

    /// [`Ledger::init`] with options.
    pub fn init_with(dir: &Path, origin: &str, opts: LedgerOptions) -> Result<Ledger, Error> {
        if opts.segment_entries_log2 > 30 {
            return Err(Error::OutOfRange(
                "segment_entries_log2 must be at most 30".into(),
            ));
        }
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        if dir.join(META_FILE).exists() {
            return Err(Error::AlreadyExists(dir.to_path_buf()));
        }
        // Files without a description are what is left of a damaged ledger: never write over
        // them.
        if fs::read_dir(dir).map_err(io_err(dir))?.next().is_some() {
            return Err(Error::DirNotEmpty(dir.to_path_buf()));
        }
        let signer = NoteSigner::generate(origin)?;
        let write = |name: &str, content: &str, mode: u32| -> Result<(), Error> {
            let path = dir.join(name);
            let mut f = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(mode)
                .open(&path)
                .map_err(io_err(&path))?;
            // `mode` only applies to new files; enforce it in any case.
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(fs::Permissions::from_mode(mode))
                .map_err(io_err(&path))?;
            std::io::Write::write_all(&mut f, content.as_bytes()).map_err(io_err(&path))?;
            f.sync_all().map_err(io_err(&path))
        };
        write(
            SIGNING_KEY_FILE,
            &format!("{}\n", signer.to_key_string()),
            0o600,
        )?;
        write(
            VKEY_FILE,
            &format!("{}\n", signer.verifier().to_key_string()),
            0o644,
        )?;
        for f in [INDEX_FILE, HASHES_FILE, CHECKPOINTS_FILE, LOCK_FILE] {
            write(f, "", 0o644)?;
        }
        write(
            META_FILE,
            &format!(
                "{FORMAT_LINE}\norigin {origin}\nsegment_entries {}\n",
                1u64 << opts.segment_entries_log2
            ),
            0o644,
        )?;
        sync_dir(dir)?;
        Self::open(dir)
    }

    /// Opens the ledger as its one writer: takes the lock (error [`Error::Locked`] if another
    /// process holds it), drops a torn tail ([`Ledger::torn_tail`]) and checks the tree.
    pub fn open(dir: &Path) -> Result<Ledger, Error> {
        Self::open_inner(dir, true)
    }

    /// [`Ledger::open`], waiting up to `timeout` for another writer (or a backup taking its
    /// snapshot) to release the lock; then [`Error::Locked`].
    pub fn open_waiting(dir: &Path, timeout: std::time::Duration) -> Result<Ledger, Error> {
        let start = std::time::Instant::now();
        loop {
            match Self::open(dir) {
                Err(Error::Locked(_)) if start.elapsed() < timeout => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    /// Opens the ledger without the writer lock; nothing is written or repaired.
    pub fn open_read_only(dir: &Path) -> Result<Ledger, Error> {
        Self::open_inner(dir, false)
    }

    fn open_inner(dir: &Path, writable: bool) -> Result<Ledger, Error> {
        let meta = read_meta(dir)?;
        let writer_lock = if writable {
            let path = dir.join(LOCK_FILE);
            let f = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io_err(&path))?;
            match f.try_lock() {
                Ok(()) => Some(f),
                Err(fs::TryLockError::WouldBlock) => return Err(Error::Locked(dir.to_path_buf())),
                Err(fs::TryLockError::Error(e)) => return Err(io_err(&path)(e)),
            }
        } else {
            None
        };
        let vkey_path = dir.join(VKEY_FILE);
        let vkey = VerifierKey::parse(
            fs::read_to_string(&vkey_path)
                .map_err(io_err(&vkey_path))?
                .trim_end(),
        )
        .map_err(|e| Error::Corrupt(format!("{}: {e}", vkey_path.display())))?;
        if vkey.name != meta.origin {
            return Err(Error::Corrupt(format!(
                "{}: key name {:?} is not the origin {:?}",
                vkey_path.display(),
                vkey.name,
                meta.origin
            )));
        }
        let writer = match writer_lock {
            None => None,
            Some(lock) => {
                let path = dir.join(SIGNING_KEY_FILE);
                let text = match fs::read_to_string(&path) {
                    Ok(t) => t,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        return Err(Error::SigningKeyMissing(path));
                    }
                    Err(e) => return Err(io_err(&path)(e)),
                };
                let signer = NoteSigner::parse(text.trim_end())
                    .map_err(|e| Error::Corrupt(format!("{}: {e}", path.display())))?;
                if signer.verifier() != vkey {
                    return Err(Error::KeyMismatch(format!(
                        "{} does not match {}",
                        path.display(),
                        vkey_path.display()
                    )));
                }
                Some(Writer {
                    _lock: lock,
                    signer,
                })
            }
        };
        let open = |name: &str| -> Result<File, Error> {
            let path = dir.join(name);
            OpenOptions::new()
                .read(true)
                .write(writable)
                .open(&path)
                .map_err(io_err(&path))
        };
        let index = open(INDEX_FILE)?;
        let hashes = open(HASHES_FILE)?;
        let cp_file = open(CHECKPOINTS_FILE)?;
        let mut l = Ledger {
            dir: dir.to_path_buf(),
            origin: meta.origin,
            seg_shift: meta.seg_shift,
            writer,
            index,
            hashes,
            hash_map: None,
            cp_file,
            cp_len: 0,
            segments: Mutex::new(BTreeMap::new()),
            n: 0,
            tail_seg_len: 0,
            tree: TreeBuilder::new(),
            vkey,
            checkpoints: Vec::new(),
            balances: Balances::default(),
            torn: TornTail::default(),
            poisoned: false,
            allow_overdraft: false,
        };
        l.recover()?;
        Ok(l)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn writable(&self) -> bool {
        self.writer.is_some()
    }

    /// Establishes `n`, drops torn tails, loads checkpoints, verifies or rebuilds the hash cache
    /// and computes balances.
    fn recover(&mut self) -> Result<(), Error> {
        let w = self.writable();
        // --- index and segments
        let idx_path = self.path(INDEX_FILE);
        let idx_len = self.index.metadata().map_err(io_err(&idx_path))?.len();
        let n = idx_len / 8;
        self.torn.index_bytes = idx_len % 8;
        self.n = n;
        let mut last_end = 0u64;
        if n > 0 {
            let off = self.index_offset(n - 1)?;
            let rec = self.record_at(n - 1, off)?;
            last_end = off + (rec.len() + RECORD_OVERHEAD) as u64;
        }
        if w && self.torn.index_bytes > 0 {
            self.index.set_len(n * 8).map_err(io_err(&idx_path))?;
            self.index.sync_all().map_err(io_err(&idx_path))?;
        }
        let last_seg = if n > 0 {
            Some((n - 1) >> self.seg_shift)
        } else {
            None
        };
        let mut removed = false;
        for ent in fs::read_dir(&self.dir).map_err(io_err(&self.dir))? {
            let ent = ent.map_err(io_err(&self.dir))?;
            let name = ent.file_name();
            let Some(num) = name
                .to_str()
                .and_then(|s| s.strip_prefix("entries-"))
                .and_then(|s| s.strip_suffix(".seg"))
                .and_then(|s| s.parse::<u64>().ok())
            else {
                continue;
            };
            let path = ent.path();
            let len = ent.metadata().map_err(io_err(&path))?.len();
            if Some(num) == last_seg {
                if len > last_end {
                    self.torn.segment_bytes += len - last_end;
                    if w {
                        let f = OpenOptions::new()
                            .write(true)
                            .open(&path)
                            .map_err(io_err(&path))?;
                        f.set_len(last_end).map_err(io_err(&path))?;
                        f.sync_all().map_err(io_err(&path))?;
                    }
                }
            } else if last_seg.is_none_or(|l| num > l) {
                self.torn.segment_bytes += len;
                if w {
                    fs::remove_file(&path).map_err(io_err(&path))?;
                    removed = true;
                }
            }
        }
        if removed {
            sync_dir(&self.dir)?;
        }
        self.tail_seg_len = if n & ((1u64 << self.seg_shift) - 1) == 0 {
            0
        } else {
            last_end
        };

        // --- checkpoints
        let cp_path = self.path(CHECKPOINTS_FILE);
        let mut text = Vec::new();
        (&self.cp_file)
            .read_to_end(&mut text)
            .map_err(io_err(&cp_path))?;
        let (records, complete) = split_checkpoints(&text);
        self.torn.checkpoint_bytes = (text.len() - complete) as u64;
        for (off, rec) in &records {
            let note = std::str::from_utf8(rec).map_err(|_| {
                Error::Corrupt(format!("{} at offset {off}: not UTF-8", cp_path.display()))
            })?;
            let cp = Checkpoint::parse_unverified(note).map_err(|e| {
                Error::Corrupt(format!("{} at offset {off}: {e}", cp_path.display()))
            })?;
            self.checkpoints.push(cp);
        }
        if w && self.torn.checkpoint_bytes > 0 {
            self.cp_file
                .set_len(complete as u64)
                .map_err(io_err(&cp_path))?;
            self.cp_file.sync_all().map_err(io_err(&cp_path))?;
        }
        self.cp_len = complete as u64;
        if !w {
            // A concurrent writer may have checkpointed entries this handle does not see.
            self.checkpoints.retain(|c| c.size <= n);
        }
        let last_cp = self.checkpoints.last().cloned();
        if let Some(cp) = &last_cp {
            cp.verify(&self.vkey).map_err(|e| match e {
                Error::BadSignature(_) => Error::KeyMismatch(format!(
                    "{}: the latest checkpoint is not signed by the key of {VKEY_FILE} ({e})",
                    cp_path.display()
                )),
                e => Error::Corrupt(format!("{}: latest checkpoint: {e}", cp_path.display())),
            })?;
            if cp.size > n {
                return Err(Error::Corrupt(format!(
                    "the latest checkpoint covers {} entries but {} holds only {n}: acknowledged entries are missing",
                    cp.size,
                    idx_path.display()
                )));
            }
        }
        let m = last_cp.as_ref().map_or(0, |c| c.size);

        // --- hash cache
        let h_path = self.path(HASHES_FILE);
        let h_len = self.hashes.metadata().map_err(io_err(&h_path))?.len();
        let want = stored_hash_count(n) * 32;
        let mut have_leaves = n;
        if h_len > want {
            self.torn.hash_bytes = h_len - want;
            if w {
                self.hashes.set_len(want).map_err(io_err(&h_path))?;
            }
        } else if h_len < want {
            // Largest size whose stored hashes are all present.
            let (mut lo, mut hi) = (0u64, n);
            while lo < hi {
                let mid = (lo + hi).div_ceil(2);
                if stored_hash_count(mid) * 32 <= h_len {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            have_leaves = lo;
            if !w {
                return Err(Error::Corrupt(format!(
                    "{} is short ({h_len} bytes, {want} expected); open the ledger as writer to rebuild it",
                    h_path.display()
                )));
            }
            self.hashes
                .set_len(stored_hash_count(lo) * 32)
                .map_err(io_err(&h_path))?;
        }
        self.remap()?;
        let cp_balances = match &last_cp {
            Some(cp) => cp.balances()?,
            None => Some(BTreeMap::new()),
        };
        let (bal_from, bal_start) = match cp_balances {
            Some(b) => (m, Balances::from_map(b)),
            None => (0, Balances::default()),
        };
        let tree_from = m.min(have_leaves);
        let ok = self.rescan(tree_from, bal_from, bal_start.clone())?;
        let root_ok = last_cp
            .as_ref()
            .is_none_or(|cp| merkle::root(&*self, cp.size).ok() == Some(cp.root));
        if !ok || !root_ok {
            if !w {
                return Err(Error::Corrupt(format!(
                    "{} disagrees with the entries; open the ledger as writer to rebuild it",
                    h_path.display()
                )));
            }
            self.rebuild_from_entries(bal_from, bal_start)?;
        }
        if w {
            self.hashes.sync_all().map_err(io_err(&h_path))?;
        }
        self.tree = TreeBuilder::from_source(&*self, n)?;
        Ok(())
    }

    /// Recomputes the whole hash cache (`tree.hashes`) from the entries, for instance after
    /// [`Ledger::receipt`] reported a damaged cache. Fails if the entries do not match the
    /// latest signed checkpoint (run [`crate::audit()`] to find the damaged entry).
    pub fn rebuild_hash_cache(&mut self) -> Result<(), Error> {
        self.check_writable()?;
        self.poisoned = true;
        self.rebuild_from_entries(0, Balances::default())?;
        let h_path = self.path(HASHES_FILE);
        self.hashes.sync_all().map_err(io_err(&h_path))?;
        self.tree = TreeBuilder::from_source(&*self, self.n)?;
        self.poisoned = false;
        Ok(())
    }

    fn rebuild_from_entries(&mut self, bal_from: u64, bal_start: Balances) -> Result<(), Error> {
        let h_path = self.path(HASHES_FILE);
        self.torn.hash_cache_rebuilt = true;
        self.hash_map = None;
        self.hashes.set_len(0).map_err(io_err(&h_path))?;
        self.remap()?;
        self.rescan(0, bal_from, bal_start)?;
        if let Some(cp) = self.checkpoints.last()
            && merkle::root(&*self, cp.size)? != cp.root
        {
            return Err(Error::Corrupt(format!(
                "the stored entries do not match the latest signed checkpoint (size {}); run an audit to find the damaged entry",
                cp.size
            )));
        }
        Ok(())
    }

    /// Re-reads entries from `min(tree_from, bal_from)`: recomputes the stored hashes from
    /// `tree_from` (comparing with the cache, writing what is missing or wrong when writable)
    /// and balances from `bal_from`. Returns false if a read-only handle found a mismatch.
    fn rescan(&mut self, tree_from: u64, bal_from: u64, start: Balances) -> Result<bool, Error> {
        let n = self.n;
        let from = tree_from.min(bal_from);
        let mut builder = TreeBuilder::from_source(&*self, tree_from)?;
        let mut pos = (stored_hash_count(tree_from) * 32) as usize;
        let mut mismatch = false;
        let mut out: Vec<u8> = Vec::new();
        let mut balances = start;
        {
            let this = &*self;
            let map: &[u8] = this.hash_map.as_deref().unwrap_or(&[]);
            this.scan(from, n, |i, bytes| {
                if i >= tree_from {
                    builder.push(leaf_hash(bytes), |_, h| {
                        if !mismatch && pos + 32 <= map.len() {
                            mismatch = map[pos..pos + 32] != h[..];
                        }
                        if mismatch || pos + 32 > map.len() {
                            out.extend_from_slice(h);
                        }
                        pos += 32;
                    });
                }
                if i >= bal_from {
                    let e = EntryRef::parse(bytes)
                        .map_err(|e| Error::Corrupt(format!("entry {i}: {e}")))?;
                    let target = match e.reversed_index() {
                        Some(r) if r < i => {
                            let t = this.entry(r)?;
                            Some((t.kind, t.programme, t.amount))
                        }
                        _ => None,
                    };
                    balances
                        .add(
                            e.kind,
                            e.programme,
                            e.amount,
                            target.as_ref().map(|(k, p, a)| (*k, p.as_str(), *a)),
                        )
                        .map_err(|why| Error::Corrupt(format!("entry {i}: {why}")))?;
                }
                Ok(())
            })?;
        }
        self.torn.leaves_rehashed += n.saturating_sub(tree_from);
        self.balances = balances;
        if out.is_empty() {
            return Ok(true);
        }
        if !self.writable() {
            return Ok(false);
        }
        let h_path = self.path(HASHES_FILE);
        let at = (pos - out.len()) as u64;
        self.hash_map = None;
        self.hashes.set_len(at).map_err(io_err(&h_path))?;
        self.hashes
            .write_all_at(&out, at)
            .map_err(io_err(&h_path))?;
        if mismatch {
            self.torn.hash_cache_rebuilt = true;
        }
        self.remap()?;
        Ok(true)
    }

    /// Calls `f(index, entry bytes)` for entries `[from, to)` read sequentially from the
    /// segments, checking each record's framing and checksum.
    fn scan(
        &self,
        from: u64,
        to: u64,
        mut f: impl FnMut(u64, &[u8]) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut i = from;
        let mut buf = Vec::with_capacity(MAX_ENTRY_BYTES + RECORD_OVERHEAD);
        while i < to {
            let seg = i >> self.seg_shift;
            let seg_end = ((seg + 1) << self.seg_shift).min(to);
            let path = segment_path(&self.dir, seg);
            let file = self.segment(seg)?;
            let off = self.index_offset(i)?;
            let mut r = BufReader::with_capacity(1 << 20, &*file);
            r.seek(SeekFrom::Start(off)).map_err(io_err(&path))?;
            let mut at = off;
            while i < seg_end {
                let mut len = [0u8; 4];
                r.read_exact(&mut len).map_err(|_| {
                    Error::Corrupt(format!(
                        "{} offset {at}: entry {i}: record truncated",
                        path.display()
                    ))
                })?;
                let len = u32::from_be_bytes(len) as usize;
                if len > MAX_ENTRY_BYTES {
                    return Err(Error::Corrupt(format!(
                        "{} offset {at}: entry {i}: record length {len} too large",
                        path.display()
                    )));
                }
                buf.resize(len + 8, 0);
                r.read_exact(&mut buf).map_err(|_| {
                    Error::Corrupt(format!(
                        "{} offset {at}: entry {i}: record truncated",
                        path.display()
                    ))
                })?;
                let (bytes, sum) = buf.split_at(len);
                if leaf_hash(bytes)[..8] != *sum {
                    return Err(Error::Corrupt(format!(
                        "{} offset {at}: entry {i}: checksum mismatch",
                        path.display()
                    )));
                }
                f(i, bytes)?;
                at += (len + RECORD_OVERHEAD) as u64;
                i += 1;
            }
        }
        Ok(())
    }

    fn remap(&mut self) -> Result<(), Error> {
        let path = self.path(HASHES_FILE);
        let len = self.hashes.metadata().map_err(io_err(&path))?.len();
        self.hash_map = if len == 0 {
            None
        } else {
            // SAFETY: the hash file is append-only; only this process's writer truncates it,
            // and it remaps right after. Another process truncating it would be misuse.
            Some(unsafe { Mmap::map(&self.hashes) }.map_err(io_err(&path))?)
        };
        Ok(())
    }

    fn index_offset(&self, i: u64) -> Result<u64, Error> {
        let mut b = [0u8; 8];
        self.index
            .read_exact_at(&mut b, i * 8)
            .map_err(io_err(self.path(INDEX_FILE)))?;
        Ok(u64::from_be_bytes(b))
    }

    fn segment(&self, seg: u64) -> Result<Arc<File>, Error> {
        let mut segs = self.segments.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = segs.get(&seg) {
            return Ok(f.clone());
        }
        let path = segment_path(&self.dir, seg);
        let f = Arc::new(
            OpenOptions::new()
                .read(true)
                .write(self.writable())
                .open(&path)
                .map_err(io_err(&path))?,
        );
        segs.insert(seg, f.clone());
        Ok(f)
    }

    /// Reads and checks the record of entry `i` at `off` in its segment.
    fn record_at(&self, i: u64, off: u64) -> Result<Vec<u8>, Error> {
        let seg = i >> self.seg_shift;
        let path = segment_path(&self.dir, seg);
        let file = self.segment(seg)?;
        let mut buf = [0u8; MAX_ENTRY_BYTES + RECORD_OVERHEAD];
        let got = read_up_to(&file, &mut buf, off).map_err(io_err(&path))?;
        let bad = |why: &str| {
            Error::Corrupt(format!("{} offset {off}: entry {i}: {why}", path.display()))
        };
        if got < 4 {
            return Err(bad("record truncated"));
        }
        let len = u32::from_be_bytes(buf[..4].try_into().unwrap()) as usize;
        if len > MAX_ENTRY_BYTES {
            return Err(bad("record length too large"));
        }
        if got < len + RECORD_OVERHEAD {
            return Err(bad("record truncated"));
        }
        let bytes = &buf[4..4 + len];
        if leaf_hash(bytes)[..8] != buf[4 + len..4 + len + 8] {
            return Err(bad("checksum mismatch"));
        }
        Ok(bytes.to_vec())
    }

    /// Rupiah of entry `r` reversed by the stored entries after it.
    fn reversed_total(&self, r: u64) -> Result<i64, Error> {
        let mut sum = 0i64;
        self.scan(r + 1, self.n, |i, bytes| {
            let e =
                EntryRef::parse(bytes).map_err(|e| Error::Corrupt(format!("entry {i}: {e}")))?;
            if e.reversed_index() == Some(r) {
                sum = sum.checked_add(e.amount).ok_or_else(|| {
                    Error::Corrupt(format!("entry {i}: reversed total overflows"))
                })?;
            }
            Ok(())
        })?;
        Ok(sum)
    }

    /// Lets batches overdraw a programme or reverse an entry by more than its amount in total
    /// (only to test that the audit catches it).
    #[doc(hidden)]
    pub fn allow_overdraft_for_tests(&mut self, allow: bool) {
        self.allow_overdraft = allow;
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The log's origin (name).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Number of entries.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// True if the log has no entries.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// What opening dropped or repaired.
    pub fn torn_tail(&self) -> TornTail {
        self.torn
    }

    /// The canonical bytes of entry `index`.
    pub fn entry_bytes(&self, index: u64) -> Result<Vec<u8>, Error> {
        if index >= self.n {
            return Err(Error::OutOfRange(format!(
                "entry {index} of a log of {} entries",
                self.n
            )));
        }
        let off = self.index_offset(index)?;
        self.record_at(index, off)
    }

    /// Entry `index`.
    pub fn entry(&self, index: u64) -> Result<Entry, Error> {
        let b = self.entry_bytes(index)?;
        Entry::from_bytes(&b).map_err(|e| Error::Corrupt(format!("entry {index}: {e}")))
    }

    /// The current root hash.
    pub fn root(&self) -> Hash {
        self.tree.root()
    }

    /// The root hash of the first `size` entries.
    pub fn root_at(&self, size: u64) -> Result<Hash, Error> {
        self.check_size(size)?;
        merkle::root(self, size)
    }

    /// Per-programme totals over all entries.
    pub fn balances(&self) -> &BTreeMap<String, Balance> {
        self.balances.map()
    }

    /// The verifier key string (`<origin>+<id>+<key>`).
    pub fn verifier_key(&self) -> String {
        self.vkey.to_key_string()
    }

    fn check_size(&self, size: u64) -> Result<(), Error> {
        if size > self.n {
            return Err(Error::OutOfRange(format!(
                "tree size {size} beyond the {} entries",
                self.n
            )));
        }
        Ok(())
    }

    /// RFC 9162 inclusion proof of `index` in the tree of the first `size` entries.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, Error> {
        self.check_size(size)?;
        merkle::inclusion_proof(self, index, size)
    }

    /// RFC 9162 consistency proof from size `from` to size `to`.
    pub fn consistency_proof(&self, from: u64, to: u64) -> Result<Vec<Hash>, Error> {
        self.check_size(to)?;
        merkle::consistency_proof(self, from, to)
    }

    /// Every published checkpoint, oldest first.
    pub fn checkpoints(&self) -> Result<Vec<Checkpoint>, Error> {
        Ok(self.checkpoints.clone())
    }

    /// The latest checkpoint.
    pub fn latest_checkpoint(&self) -> Option<&Checkpoint> {
        self.checkpoints.last()
    }

    fn check_writable(&self) -> Result<&Writer, Error> {
        if self.poisoned {
            return Err(Error::Poisoned);
        }
        self.writer.as_ref().ok_or(Error::ReadOnly)
    }

    /// Appends `entries` and returns their indices once data, hashes and index are fsynced
    /// (the acknowledgement). The batch is all or nothing: an invalid entry, a reversal that
    /// names a later, missing or reversal entry or another programme or more than its amount,
    /// or a programme paying out more than it was funded refuses the whole batch.
    pub fn append_batch(&mut self, entries: &[Entry]) -> Result<Range<u64>, Error> {
        self.check_writable()?;
        let start = self.n;
        if entries.is_empty() {
            return Ok(start..start);
        }
        let seg_size = 1u64 << self.seg_shift;
        let mut balances = self.balances.clone();
        // (segment, starting offset, bytes)
        let mut segs: Vec<(u64, u64, Vec<u8>)> = Vec::new();
        let mut idx = Vec::with_capacity(entries.len() * 8);
        let mut tree = self.tree.clone();
        let mut hashes = Vec::with_capacity((entries.len() * 2 + 64) * 32);
        // Rupiah already reversed of each entry a reversal in this batch names.
        let mut reversed: BTreeMap<u64, i64> = BTreeMap::new();
        for (j, e) in entries.iter().enumerate() {
            let g = start + j as u64;
            let refuse = |reason: String| Error::Refused { index: g, reason };
            let target = match e.reversed_index() {
                None => None,
                Some(r) if r >= g => {
                    return Err(refuse(format!(
                        "a reversal must name an earlier index, not {r}"
                    )));
                }
                Some(r) => {
                    let t = if r < start {
                        self.entry(r)?
                    } else {
                        entries[(r - start) as usize].clone()
                    };
                    if t.kind == EntryKind::Reversal {
                        return Err(refuse(format!("entry {r} is itself a reversal")));
                    }
                    if t.programme != e.programme {
                        return Err(refuse(format!(
                            "entry {r} belongs to programme {}, not {}",
                            t.programme, e.programme
                        )));
                    }
                    let before = match reversed.get(&r) {
                        Some(&v) => v,
                        None => self.reversed_total(r)?,
                    };
                    let total = before
                        .checked_add(e.amount)
                        .filter(|&v| v <= t.amount || self.allow_overdraft)
                        .ok_or_else(|| {
                            refuse(format!(
                                "reverses {} rupiah of entry {r}, which is {} and already reversed by {before}",
                                e.amount, t.amount
                            ))
                        })?;
                    reversed.insert(r, total);
                    Some(t)
                }
            };
            let seg = g >> self.seg_shift;
            if segs.last().is_none_or(|s| s.0 != seg) {
                let off = if seg == start >> self.seg_shift {
                    self.tail_seg_len
                } else {
                    0
                };
                segs.push((
                    seg,
                    off,
                    Vec::with_capacity(entries.len().min(seg_size as usize) * 120),
                ));
            }
            let (_, off, buf) = segs.last_mut().unwrap();
            let rec_start = buf.len();
            idx.extend_from_slice(&(*off + rec_start as u64).to_be_bytes());
            buf.extend_from_slice(&[0u8; 4]);
            e.encode_into(buf).map_err(|err| refuse(err.to_string()))?;
            let len = buf.len() - rec_start - 4;
            buf[rec_start..rec_start + 4].copy_from_slice(&(len as u32).to_be_bytes());
            let leaf = leaf_hash(&buf[rec_start + 4..]);
            buf.extend_from_slice(&leaf[..8]);
            tree.push(leaf, |_, h| hashes.extend_from_slice(h));
            if balances.len() >= MAX_PROGRAMMES && !balances.map().contains_key(&e.programme) {
                return Err(refuse(format!(
                    "the log already holds {MAX_PROGRAMMES} programmes, the most one log may hold"
                )));
            }
            let b = balances
                .add(
                    e.kind,
                    &e.programme,
                    e.amount,
                    target
                        .as_ref()
                        .map(|t| (t.kind, t.programme.as_str(), t.amount)),
                )
                .map_err(refuse)?;
            if b.balance < 0 && !self.allow_overdraft {
                return Err(refuse(format!(
                    "programme {} would pay out more than it was funded (funds in {}, funds out {})",
                    e.programme, b.funds_in, b.funds_out
                )));
            }
        }
        // Write: segments, hashes, then the index (the commit point); fsync each.
        self.poisoned = true;
        let mut new_file = false;
        for (seg, off, buf) in &segs {
            let path = segment_path(&self.dir, *seg);
            let file = if *off == 0 && !path.exists() {
                let f = Arc::new(
                    OpenOptions::new()
                        .read(true)
                        .write(true)
                        .create_new(true)
                        .open(&path)
                        .map_err(io_err(&path))?,
                );
                self.segments
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(*seg, f.clone());
                new_file = true;
                f
            } else {
                self.segment(*seg)?
            };
            file.write_all_at(buf, *off).map_err(io_err(&path))?;
            file.sync_data().map_err(io_err(&path))?;
        }
        if new_file {
            sync_dir(&self.dir)?;
        }
        let h_path = self.path(HASHES_FILE);
        self.hashes
            .write_all_at(&hashes, stored_hash_count(start) * 32)
            .map_err(io_err(&h_path))?;
        self.hashes.sync_data().map_err(io_err(&h_path))?;
        let i_path = self.path(INDEX_FILE);
        self.index
            .write_all_at(&idx, start * 8)
            .map_err(io_err(&i_path))?;
        self.index.sync_data().map_err(io_err(&i_path))?;
        // Acknowledged.
        self.n = start + entries.len() as u64;
        self.tree = tree;
        self.balances = balances;
        let (last_seg, last_off, last_buf) = segs.last().unwrap();
        self.tail_seg_len = if self.n & (seg_size - 1) == 0 {
            0
        } else {
            debug_assert_eq!(*last_seg, self.n >> self.seg_shift);
            last_off + last_buf.len() as u64
        };
        self.remap()?;
        self.poisoned = false;
        Ok(start..self.n)
    }

    /// Signs a checkpoint of the current tree (with per-programme balance extension lines),
    /// appends it to `checkpoints.log`, fsyncs, and returns it. Refuses to sign a tree that is
    /// not consistent with the previous checkpoint.
    pub fn checkpoint(&mut self) -> Result<Checkpoint, Error> {
        let signer = self.check_writable()?.signer.clone();
        let root = self.tree.root();
        if let Some(prev) = self.checkpoints.last() {
            let proof = self.consistency_proof(prev.size, self.n)?;
            crate::verify_consistency_hashes(prev.size, &prev.root, self.n, &root, &proof)
                .map_err(|e| {
                    Error::Corrupt(format!(
                        "refusing to sign: the tree is not consistent with the previous checkpoint ({e})"
                    ))
                })?;
        }
        let cp = Checkpoint::sign(
            &signer,
            self.n,
            &root,
            balance_extensions(self.balances.map()),
        )?;
        let mut rec = cp.note.clone().into_bytes();
        rec.push(b'\n');
        let path = self.path(CHECKPOINTS_FILE);
        self.poisoned = true;
        self.cp_file
            .write_all_at(&rec, self.cp_len)
            .map_err(io_err(&path))?;
        self.cp_file.sync_data().map_err(io_err(&path))?;
        self.poisoned = false;
        self.cp_len += rec.len() as u64;
        self.checkpoints.push(cp.clone());
        Ok(cp)
    }

    /// A receipt for entry `index` against the latest checkpoint (which must cover it), with the
    /// household's commitment nonce if the entry carries a commitment. The proof is verified
    /// before it is returned.
    pub fn receipt(&self, index: u64, nonce: Option<[u8; 32]>) -> Result<Receipt, Error> {
        let cp = match self.checkpoints.last() {
            Some(cp) if cp.size > index => cp,
            _ => return Err(Error::NotCheckpointed(index)),
        };
        let entry = self.entry(index)?;
        if nonce.is_some() && entry.household.is_none() {
            return Err(Error::InvalidReceipt(format!(
                "entry {index} carries no household commitment, so a nonce does not belong in its receipt"
            )));
        }
        let proof = self.inclusion_proof(index, cp.size)?;
        merkle::verify_inclusion(&entry.leaf_hash()?, index, cp.size, &proof, &cp.root).map_err(
            |e| {
                Error::Corrupt(format!(
                    "the cached tree hashes ({HASHES_FILE}) give a wrong proof ({e}); call rebuild_hash_cache() on the writer"
                ))
            },
        )?;
        Ok(Receipt::new(index, entry, proof, cp.note.clone(), nonce))
    }
}

impl HashSource for Ledger {
    fn complete(&self, level: u32, k: u64) -> Result<Hash, Error> {
        let end = (k + 1).checked_shl(level).filter(|&e| e >> level == k + 1);
        if level >= 63 || end.is_none_or(|e| e > self.n) {
            return Err(Error::OutOfRange(format!(
                "no complete subtree at level {level} index {k} in a tree of {}",
                self.n
            )));
        }
        let off = merkle::stored_hash_index(level, k) * 32;
        if let Some(m) = &self.hash_map
            && off + 32 <= m.len() as u64
        {
            return Ok(m[off as usize..off as usize + 32].try_into().unwrap());
        }
        let mut h = [0u8; 32];
        self.hashes
            .read_exact_at(&mut h, off)
            .map_err(io_err(self.path(HASHES_FILE)))?;
        Ok(h)
    }
}
