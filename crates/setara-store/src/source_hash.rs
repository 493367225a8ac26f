//! The SHA-256 of an imported file, as the store records it in its provenance
//! ([`ImportSession::source_read`](crate::ImportSession::source_read): file, SHA-256, bytes).
//!
//! An import reads each file once, as a stream, and the digest is computed on the way
//! ([`hashing`]) instead of reading gigabytes a second time. Readers may seek (the format
//! sniffing of `setara_registry::Source` looks at the start and goes back): every byte is hashed
//! once, in file order, the first time it passes. A file read out of order (XLSX, a zip
//! archive) is hashed separately by [`sha256_hex`].

use std::io::{Read, Seek, SeekFrom};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

struct State {
    hasher: Sha256,
    /// Bytes from the start of the file hashed so far.
    hashed: u64,
}

/// A reader that hashes what passes through it, once, in order. Made by [`hashing`].
pub struct HashingReader<R> {
    inner: R,
    pos: u64,
    state: Arc<Mutex<State>>,
}

/// The digest of a [`HashingReader`], readable after the reader was handed to a parser.
#[derive(Clone)]
pub struct SourceHash {
    state: Arc<Mutex<State>>,
}

/// Wrap `inner` (at the start of the file) so that what is read is hashed; the handle gives the
/// digest of the bytes read so far.
pub fn hashing<R>(inner: R) -> (HashingReader<R>, SourceHash) {
    let state = Arc::new(Mutex::new(State {
        hasher: Sha256::new(),
        hashed: 0,
    }));
    (
        HashingReader {
            inner,
            pos: 0,
            state: state.clone(),
        },
        SourceHash { state },
    )
}

impl SourceHash {
    /// Lowercase hex SHA-256 of the bytes from the start of the file up to the furthest point
    /// read (the whole file once the reader reached its end).
    pub fn hex(&self) -> String {
        let st = self.state.lock().expect("not poisoned");
        hex::encode(st.hasher.clone().finalize())
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let end = self.pos + n as u64;
        let mut st = self.state.lock().expect("not poisoned");
        if end > st.hashed && self.pos <= st.hashed {
            let skip = (st.hashed - self.pos) as usize;
            st.hasher.update(&buf[skip..n]);
            st.hashed = end;
        }
        self.pos = end;
        Ok(n)
    }
}

impl<R: Seek> Seek for HashingReader<R> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.pos = self.inner.seek(to)?;
        Ok(self.pos)
    }
}

/// Lowercase hex SHA-256 of everything `r` yields, read to its end.
pub fn sha256_hex(mut r: impl Read) -> std::io::Result<String> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match r.read(&mut buf)? {
            0 => break,
            n => h.update(&buf[..n]),
        }
    }
    Ok(hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn bytes_read_again_after_a_seek_are_hashed_once() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = sha256_hex(&data[..]).unwrap();
        let (mut r, hash) = hashing(Cursor::new(data.clone()));
        let mut head = [0u8; 4096];
        r.read_exact(&mut head).unwrap();
        r.seek(SeekFrom::Start(0)).unwrap();
        let mut all = Vec::new();
        r.read_to_end(&mut all).unwrap();
        assert_eq!(all, data);
        assert_eq!(hash.hex(), whole);
    }

    #[test]
    fn known_digest() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            sha256_hex(&b"abc"[..]).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
