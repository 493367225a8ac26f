//! Limits on what a table file may hold, so that a hostile or broken file (a line that never
//! ends, a field of megabytes, a quote that is never closed) gets a clear error naming the
//! line instead of filling the memory. Documented in `docs/limits.md`.

use std::io::Read;

/// Longest physical line of a CSV file, in bytes (1 MiB).
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Longest value of one field, in bytes. A registry value is a code, a number, a name or an
/// address; nothing legitimate comes near this.
pub const MAX_FIELD_BYTES: usize = 4_096;
/// Most columns in a row.
pub const MAX_COLUMNS: usize = 1_000;
/// Most physical lines one record may span. A quoted field may hold a line break (an address
/// typed on two lines); a record longer than this is an unbalanced quote.
pub const MAX_RECORD_LINES: u64 = 10;

/// A physical line longer than [`MAX_LINE_BYTES`] (or the limit given to [`LineLimit`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line} is longer than {max} bytes")]
pub struct LineTooLong {
    /// 1-based line number.
    pub line: u64,
    pub max: usize,
}

impl LineTooLong {
    /// The limit error inside an I/O error returned by a [`LineLimit`] reader, if it is one.
    pub fn from_io(e: &std::io::Error) -> Option<LineTooLong> {
        e.get_ref()?.downcast_ref::<LineTooLong>().copied()
    }
}

/// A reader that fails with [`LineTooLong`] (inside an `io::Error` of kind `InvalidData`)
/// as soon as a physical line exceeds `max` bytes, before the bytes reach the parser.
pub struct LineLimit<R> {
    inner: R,
    max: usize,
    /// Bytes since the last `\n`.
    run: usize,
    /// Line breaks seen so far.
    newlines: u64,
}

impl<R> LineLimit<R> {
    pub fn new(inner: R, max: usize) -> LineLimit<R> {
        LineLimit {
            inner,
            max,
            run: 0,
            newlines: 0,
        }
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut rest = &buf[..n];
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            if self.run + i > self.max {
                return Err(self.too_long());
            }
            self.run = 0;
            self.newlines += 1;
            rest = &rest[i + 1..];
        }
        self.run += rest.len();
        if self.run > self.max {
            return Err(self.too_long());
        }
        Ok(n)
    }
}

impl<R> LineLimit<R> {
    fn too_long(&self) -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            LineTooLong {
                line: self.newlines + 1,
                max: self.max,
            },
        )
    }
}

impl<R: std::io::Seek> std::io::Seek for LineLimit<R> {
    /// Seeking back to the start resets the count; other seeks are not supported by the
    /// line count and reset it too (callers only rewind).
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.run = 0;
        self.newlines = 0;
        self.inner.seek(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], max: usize, chunk: usize) -> Result<Vec<u8>, LineTooLong> {
        struct Chunked<'a>(&'a [u8], usize);
        impl Read for Chunked<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut r = LineLimit::new(Chunked(bytes, chunk), max);
        let mut out = Vec::new();
        r.read_to_end(&mut out)
            .map_err(|e| LineTooLong::from_io(&e).expect("a limit error"))?;
        Ok(out)
    }

    #[test]
    fn names_the_long_line_whatever_the_chunks() {
        let text = b"abc\ndefgh\nij\n";
        for chunk in 1..=text.len() {
            assert_eq!(read_all(text, 5, chunk).unwrap(), text);
            assert_eq!(
                read_all(text, 4, chunk),
                Err(LineTooLong { line: 2, max: 4 })
            );
        }
        // A last line without a newline counts too.
        assert_eq!(
            read_all(b"a\nbbbbbb", 5, 3),
            Err(LineTooLong { line: 2, max: 5 })
        );
    }

    #[test]
    fn an_endless_line_stops_at_the_limit() {
        let mut r = LineLimit::new(std::io::repeat(0), 1 << 16);
        let mut sink = Vec::new();
        let e = std::io::copy(&mut r, &mut sink).unwrap_err();
        assert_eq!(
            LineTooLong::from_io(&e),
            Some(LineTooLong {
                line: 1,
                max: 1 << 16
            })
        );
        assert!(sink.len() <= (1 << 16) + 8192 * 2);
    }
}
