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

/// Most bytes an XLSX workbook may expand to, all its parts together (512 MiB). A full
/// Excel sheet of a million persons expands to about 400 MiB; a few kilobytes that expand to
/// gigabytes (a "zip bomb") are refused while counting, before anything is parsed. Larger
/// tables belong in CSV, which is read as a stream.
pub const MAX_XLSX_EXPANDED_BYTES: u64 = 512 << 20;
/// Most parts (files inside the ZIP archive) of an XLSX workbook.
pub const MAX_XLSX_PARTS: usize = 10_000;

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
    /// Bytes read so far.
    offset: u64,
    /// The last byte read was `\r` and the next decides whether it ended a line.
    pending_cr: bool,
    /// The last byte read was `\r`.
    last_cr: bool,
    index: Option<LineIndex>,
}

/// The line numbers of byte offsets a [`LineLimit`] reader has read, for a parser that reads
/// ahead and wants to name the line a record started on. Queries must come in increasing
/// order of offset; only the line breaks between the last query and the read position are
/// kept.
#[derive(Clone, Debug, Default)]
pub struct LineIndex(std::sync::Arc<std::sync::Mutex<IndexState>>);

impl IndexState {
    fn pass(&mut self, offset: u64) {
        while self.ahead.front().is_some_and(|&(o, _)| o < offset) {
            self.ahead.pop_front();
            self.passed += 1;
        }
    }
}

#[derive(Debug, Default)]
struct IndexState {
    /// Offsets of line breaks (`\n`) not yet passed by a query, each with whether a `\r`
    /// comes just before it.
    ahead: std::collections::VecDeque<(u64, bool)>,
    /// Line breaks before the last queried offset.
    passed: u64,
}

impl LineIndex {
    /// The 1-based line that holds the byte at `offset`.
    pub fn line_of(&self, offset: u64) -> u64 {
        let mut st = self.0.lock().expect("not poisoned");
        st.pass(offset);
        st.passed + 1
    }

    /// The 1-based line of the first byte at or after `offset` that is not a line break or
    /// the `\r` of one: where a record starts when blank lines come before it.
    pub fn line_of_content(&self, offset: u64) -> u64 {
        let mut st = self.0.lock().expect("not poisoned");
        st.pass(offset);
        let mut p = offset;
        while let Some(&(o, cr)) = st.ahead.front() {
            if o == p || (cr && o == p + 1) {
                st.ahead.pop_front();
                st.passed += 1;
                p = o + 1;
            } else {
                break;
            }
        }
        st.passed + 1
    }
}

impl<R> LineLimit<R> {
    pub fn new(inner: R, max: usize) -> LineLimit<R> {
        LineLimit {
            inner,
            max,
            run: 0,
            newlines: 0,
            offset: 0,
            pending_cr: false,
            last_cr: false,
            index: None,
        }
    }

    /// A limited reader that also records where its lines start.
    pub fn with_index(inner: R, max: usize) -> (LineLimit<R>, LineIndex) {
        let index = LineIndex::default();
        let mut r = LineLimit::new(inner, max);
        r.index = Some(index.clone());
        (r, index)
    }

    pub fn get_ref(&self) -> &R {
        &self.inner
    }
}

/// A line ends at `\n`, at `\r\n`, or at a lone `\r` (old Macintosh files), as the CSV
/// reader sees it.
impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let index = self.index.clone();
        let mut index = index.as_ref().map(|i| i.0.lock().expect("not poisoned"));
        if n == 0 {
            // A `\r` that ended the file ended its line.
            if std::mem::take(&mut self.pending_cr) {
                self.line_break(self.offset - 1, false, index.as_deref_mut());
            }
            return Ok(0);
        }
        let bytes = &buf[..n];
        if std::mem::take(&mut self.pending_cr) && bytes[0] != b'\n' {
            self.line_break(self.offset - 1, false, index.as_deref_mut());
        }
        let mut i = 0;
        while let Some(k) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let j = i + k;
            self.run += k;
            if self.run > self.max {
                return Err(self.too_long());
            }
            let at = self.offset + j as u64;
            if bytes[j] == b'\n' {
                let cr = if j > 0 {
                    bytes[j - 1] == b'\r'
                } else {
                    self.last_cr
                };
                self.line_break(at, cr, index.as_deref_mut());
            } else if j + 1 == n {
                // Whether this `\r` is a line break depends on the next byte.
                self.pending_cr = true;
                self.run += 1;
            } else if bytes[j + 1] != b'\n' {
                self.line_break(at, false, index.as_deref_mut());
            } else {
                self.run += 1;
            }
            i = j + 1;
        }
        self.run += n - i;
        if self.run > self.max {
            return Err(self.too_long());
        }
        self.last_cr = bytes[n - 1] == b'\r';
        self.offset += n as u64;
        Ok(n)
    }
}

impl<R> LineLimit<R> {
    /// A line ends with the byte at `at` (`cr`: a `\r` just before it belongs to it).
    fn line_break(&mut self, at: u64, cr: bool, index: Option<&mut IndexState>) {
        if let Some(st) = index {
            st.ahead.push_back((at, cr));
        }
        self.run = 0;
        self.newlines += 1;
    }

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
        let at = self.inner.seek(pos)?;
        self.run = 0;
        self.newlines = 0;
        self.offset = at;
        self.pending_cr = false;
        self.last_cr = false;
        if let Some(i) = &self.index {
            *i.0.lock().expect("not poisoned") = IndexState::default();
        }
        Ok(at)
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
    fn the_index_names_the_line_of_an_offset() {
        let text = b"ab\n\ncd\nef";
        let (mut r, index) = LineLimit::with_index(&text[..], 100);
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        let lines: Vec<u64> = (0..text.len() as u64).map(|o| index.line_of(o)).collect();
        assert_eq!(lines, [1, 1, 1, 2, 3, 3, 3, 4, 4]);
        let text = b"a\r\n\r\n\nb";
        for chunk in [1, 2, 100] {
            let (r, index) = LineLimit::with_index(&text[..], 100);
            let mut r = std::io::BufReader::with_capacity(chunk, r);
            std::io::copy(&mut r, &mut std::io::sink()).unwrap();
            assert_eq!(index.line_of_content(2), 4, "chunk {chunk}");
        }
        // Lone carriage returns end lines too, whatever the chunks.
        let text = b"ab\rcd\r\ref\r\ngh\r";
        for chunk in 1..=text.len() {
            let (r, index) = LineLimit::with_index(&text[..], 100);
            let mut r = std::io::BufReader::with_capacity(chunk, r);
            std::io::copy(&mut r, &mut std::io::sink()).unwrap();
            let lines: Vec<u64> = [0, 3, 7, 11].iter().map(|&o| index.line_of(o)).collect();
            assert_eq!(lines, [1, 2, 4, 5], "chunk {chunk}");
        }
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
