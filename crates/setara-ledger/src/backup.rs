//! Copying a ledger while it is in use (`setara backup`).
//!
//! Every file of a ledger is append-only and the index is the commit point (see the crate
//! documentation), so once the index holds `n` entries, the bytes of those entries, their
//! index entries and every checkpoint of a size up to `n` never change again. A backup takes
//! the writer lock only for a moment — long enough to know that no writer is between appending
//! to the ledger and recording it in the store, to fix the store's snapshot and to read `n`
//! ([`WriterLock`], [`committed_len`]) — and then copies exactly those `n` entries with
//! [`copy_prefix`] while writers go on appending.
//!
//! The copy's hash cache (`tree.hashes`) is not copied but recomputed from the copied entries,
//! so a damaged cache in the source does not spoil the copy, and every record's framing and
//! checksum is checked on the way. Whether the copy matches what its checkpoints signed is
//! for [`crate::audit()`] to say: run it on the copy.

use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::entry::MAX_ENTRY_BYTES;
use crate::ledger::{
    CHECKPOINTS_FILE, HASHES_FILE, INDEX_FILE, LOCK_FILE, META_FILE, RECORD_OVERHEAD,
    SIGNING_KEY_FILE, VKEY_FILE, read_meta, segment_path, split_checkpoints,
};
use crate::merkle::{TreeBuilder, leaf_hash};
use crate::note::Checkpoint;
use crate::{Error, io_err};
use sha2::{Digest, Sha256};

/// The ledger's writer lock, held without opening the ledger: while it is held, no process is
/// appending (a writer that crashed may have left entries the store has not recorded; the
/// store's repair takes care of those). Released when dropped.
#[derive(Debug)]
pub struct WriterLock {
    _file: File,
}

impl WriterLock {
    /// Takes the lock of the ledger in `dir`, waiting up to `timeout` for the writer holding it
    /// ([`Error::Locked`] after that).
    pub fn acquire(dir: &Path, timeout: Duration) -> Result<WriterLock, Error> {
        read_meta(dir)?;
        let path = dir.join(LOCK_FILE);
        let f = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_err(&path))?;
        let start = Instant::now();
        loop {
            match f.try_lock() {
                Ok(()) => return Ok(WriterLock { _file: f }),
                Err(fs::TryLockError::WouldBlock) if start.elapsed() < timeout => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(Error::Locked(dir.to_path_buf()));
                }
                Err(fs::TryLockError::Error(e)) => return Err(io_err(&path)(e)),
            }
        }
    }
}

/// Number of acknowledged entries of the ledger in `dir`: complete entries of its index.
pub fn committed_len(dir: &Path) -> Result<u64, Error> {
    read_meta(dir)?;
    let path = dir.join(INDEX_FILE);
    Ok(fs::metadata(&path).map_err(io_err(&path))?.len() / 8)
}

/// What [`copy_prefix`] copied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CopyInfo {
    /// Entries copied.
    pub entries: u64,
    /// Checkpoints copied (every complete one of a size up to `entries`).
    pub checkpoints: u64,
    /// Bytes written in all.
    pub bytes: u64,
}

fn write_file(path: &Path, bytes: &[u8], mode: u32) -> Result<(), Error> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(io_err(path))?;
    f.set_permissions(fs::Permissions::from_mode(mode))
        .map_err(io_err(path))?;
    f.write_all(bytes).map_err(io_err(path))?;
    f.sync_all().map_err(io_err(path))
}

/// Copies the first `n` entries of the ledger in `src` (with its description, keys and every
/// checkpoint of a size up to `n`) into the new directory `dst`, which must not exist; its
/// parent must. `progress` is called with the bytes written so far. The source may be in use
/// by a writer: only bytes that no longer change are read.
pub fn copy_prefix(
    src: &Path,
    dst: &Path,
    n: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<CopyInfo, Error> {
    let meta = read_meta(src)?;
    let shift = meta.seg_shift;
    let have = committed_len(src)?;
    if n > have {
        return Err(Error::OutOfRange(format!(
            "cannot copy {n} entries of a log of {have}"
        )));
    }
    fs::create_dir(dst).map_err(io_err(dst))?;
    let mut info = CopyInfo {
        entries: n,
        ..CopyInfo::default()
    };
    // Description and keys.
    for (name, mode, required) in [
        (META_FILE, 0o644, true),
        (VKEY_FILE, 0o644, true),
        (SIGNING_KEY_FILE, 0o600, true),
    ] {
        let from = src.join(name);
        let bytes = match fs::read(&from) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && name == SIGNING_KEY_FILE => {
                return Err(Error::SigningKeyMissing(from));
            }
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_err(&from)(e)),
        };
        write_file(&dst.join(name), &bytes, mode)?;
        info.bytes += bytes.len() as u64;
    }
    write_file(&dst.join(LOCK_FILE), b"", 0o644)?;

    // Index.
    let idx_path = src.join(INDEX_FILE);
    let idx_file = File::open(&idx_path).map_err(io_err(&idx_path))?;
    let mut idx = vec![0u8; (n * 8) as usize];
    idx_file
        .read_exact_at(&mut idx, 0)
        .map_err(io_err(&idx_path))?;
    write_file(&dst.join(INDEX_FILE), &idx, 0o644)?;
    info.bytes += idx.len() as u64;
    let offset =
        |i: u64| u64::from_be_bytes(idx[i as usize * 8..i as usize * 8 + 8].try_into().unwrap());

    // Segments, each up to the end of its last copied record.
    let seg_size = 1u64 << shift;
    let segments = n.div_ceil(seg_size);
    for seg in 0..segments {
        let last = ((seg + 1) * seg_size).min(n) - 1;
        let from = segment_path(src, seg);
        let f = File::open(&from).map_err(io_err(&from))?;
        let off = offset(last);
        let mut len = [0u8; 4];
        f.read_exact_at(&mut len, off).map_err(|_| {
            Error::Corrupt(format!(
                "{} offset {off}: entry {last}: record truncated",
                from.display()
            ))
        })?;
        let len = u32::from_be_bytes(len) as usize;
        if len > MAX_ENTRY_BYTES {
            return Err(Error::Corrupt(format!(
                "{} offset {off}: entry {last}: record length {len} too large",
                from.display()
            )));
        }
        let end = off + (len + RECORD_OVERHEAD) as u64;
        let to = segment_path(dst, seg);
        let mut out = BufWriter::with_capacity(
            1 << 20,
            OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&to)
                .map_err(io_err(&to))?,
        );
        let mut r = BufReader::with_capacity(1 << 20, (&f).take(end));
        let mut buf = vec![0u8; 1 << 20];
        let mut copied = 0u64;
        loop {
            let k = r.read(&mut buf).map_err(io_err(&from))?;
            if k == 0 {
                break;
            }
            out.write_all(&buf[..k]).map_err(io_err(&to))?;
            copied += k as u64;
            info.bytes += k as u64;
            progress(info.bytes);
        }
        if copied != end {
            return Err(Error::Corrupt(format!(
                "{} is shorter ({copied} bytes) than its indexed records ({end} bytes)",
                from.display()
            )));
        }
        out.into_inner()
            .map_err(|e| io_err(&to)(e.into_error()))?
            .sync_all()
            .map_err(io_err(&to))?;
    }

    // The hash cache, recomputed from the copied records (framing and checksums checked).
    let h_path = dst.join(HASHES_FILE);
    let mut hashes = BufWriter::with_capacity(
        1 << 20,
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&h_path)
            .map_err(io_err(&h_path))?,
    );
    let mut tree = TreeBuilder::new();
    let mut write_err = None;
    let mut rec = vec![0u8; MAX_ENTRY_BYTES + 8];
    for seg in 0..segments {
        let path = segment_path(dst, seg);
        let mut r = BufReader::with_capacity(1 << 20, File::open(&path).map_err(io_err(&path))?);
        let mut at = 0u64;
        for i in seg * seg_size..((seg + 1) * seg_size).min(n) {
            let bad = |why: &str| {
                Error::Corrupt(format!("{} offset {at}: entry {i}: {why}", path.display()))
            };
            if offset(i) != at {
                return Err(bad(&format!("the index says offset {}", offset(i))));
            }
            let mut len = [0u8; 4];
            r.read_exact(&mut len)
                .map_err(|_| bad("record truncated"))?;
            let len = u32::from_be_bytes(len) as usize;
            if len > MAX_ENTRY_BYTES {
                return Err(bad("record length too large"));
            }
            let rec = &mut rec[..len + 8];
            r.read_exact(rec).map_err(|_| bad("record truncated"))?;
            let leaf = leaf_hash(&rec[..len]);
            if leaf[..8] != rec[len..] {
                return Err(bad("checksum mismatch"));
            }
            tree.push(leaf, |_, h| {
                if write_err.is_none()
                    && let Err(e) = hashes.write_all(h)
                {
                    write_err = Some(e);
                }
                info.bytes += 32;
            });
            at += (len + RECORD_OVERHEAD) as u64;
        }
    }
    if let Some(e) = write_err {
        return Err(io_err(&h_path)(e));
    }
    hashes
        .into_inner()
        .map_err(|e| io_err(&h_path)(e.into_error()))?
        .sync_all()
        .map_err(io_err(&h_path))?;

    // Checkpoints of a size up to n (the writer appends them in order of size).
    let cp_path = src.join(CHECKPOINTS_FILE);
    let text = fs::read(&cp_path).map_err(io_err(&cp_path))?;
    let (records, _) = split_checkpoints(&text);
    let mut out = Vec::new();
    for (off, note) in records {
        let cp = std::str::from_utf8(note)
            .map_err(|_| Error::InvalidNote("not UTF-8".into()))
            .and_then(Checkpoint::parse_unverified)
            .map_err(|e| Error::Corrupt(format!("{} at offset {off}: {e}", cp_path.display())))?;
        if cp.size > n {
            break;
        }
        out.extend_from_slice(note);
        out.push(b'\n');
        info.checkpoints += 1;
    }
    write_file(&dst.join(CHECKPOINTS_FILE), &out, 0o644)?;
    info.bytes += out.len() as u64;
    progress(info.bytes);
    File::open(dst)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dst))?;
    Ok(info)
}

/// A reader that computes the SHA-256 of what passes through it and counts its bytes.
///
/// `setara backup` records a digest of every file it copies (the store's copy, the ledger, the
/// content directories) in the backup's manifest, and `setara restore` checks them before
/// anything is put back. The digest is computed while a file is copied or read, not in a second
/// pass over gigabytes; this is the one definition of those digests (lowercase hex).
pub struct Sha256Reader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Sha256Reader<R> {
    pub fn new(inner: R) -> Sha256Reader<R> {
        Sha256Reader {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// The reader inside (to ask a file for its metadata).
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The bytes read and the lowercase hex SHA-256 of them.
    pub fn finish(self) -> (u64, String) {
        (self.bytes, crate::hex::encode(&self.hasher.finalize()))
    }
}

impl<R: Read> Read for Sha256Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_and_length_of_what_was_read() {
        let mut r = Sha256Reader::new(&b"abc"[..]);
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"abc");
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            r.finish(),
            (
                3,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".to_string()
            )
        );
    }
}
