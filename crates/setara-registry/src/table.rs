//! Reading household and person tables from CSV or XLSX, record by record.
//!
//! CSV: UTF-8 with or without BOM, `,` `;` or tab delimiter (sniffed from the header line),
//! quoted fields with embedded newlines, Windows or Unix line ends. XLSX: the first worksheet,
//! read with `calamine`. Rows are numbered as a spreadsheet numbers them: the header is row 1.

use std::io::{BufRead, BufReader, Read, Seek};

use setara_core::{Lang, Localized};

use crate::fields::{Field, find_field, suggest_field};
use crate::limits::{
    LineIndex, LineLimit, LineTooLong, MAX_COLUMNS, MAX_FIELD_BYTES, MAX_LINE_BYTES,
    MAX_RECORD_LINES, MAX_XLSX_EXPANDED_BYTES, MAX_XLSX_PARTS,
};
use crate::problem::{Reason, RowError};

/// One data row as text, before parsing.
#[derive(Clone, Debug, Default)]
pub struct RawRecord {
    /// Spreadsheet row number (header = 1).
    pub row: u64,
    pub fields: Vec<String>,
    /// Bit `i` set when column `i` came from a numeric Excel cell (only the first 64 columns).
    pub numeric: u64,
    /// The first column whose bytes were not UTF-8 (its text is then a lossy conversion).
    pub not_utf8: Option<usize>,
    /// The first column longer than [`MAX_FIELD_BYTES`] (its text is then cut short).
    pub too_long: Option<usize>,
}

/// Why a whole file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is empty: no header row")]
    Empty,
    #[error("the file is UTF-16 text; save it as \"CSV UTF-8\"")]
    Utf16,
    #[error("not a readable XLSX workbook: {0}")]
    Xlsx(String),
    #[error("the workbook has no worksheet")]
    NoSheet,
    #[error("{}", header_message(.0, Lang::En))]
    Header(Vec<HeaderProblem>),
    #[error("CSV: {0}")]
    Csv(String),
    #[error("line {line} is longer than {max} bytes; is this a registry table?")]
    LineTooLong { line: u64, max: usize },
    #[error(
        "the quote opened on line {line} is not closed within {max_lines} lines: every row after it would be read as part of one value; close the quote or remove it"
    )]
    UnbalancedQuote { line: u64, max_lines: u64 },
    #[error("the header has {found} columns; at most {max} are read")]
    TooManyColumns { found: usize, max: usize },
    #[error("the workbook's {part} expands to more than {max} bytes; save the table as CSV")]
    XlsxTooLarge { part: String, max: u64 },
}

/// A problem with the header row.
#[derive(Clone, Debug, PartialEq)]
pub enum HeaderProblem {
    Missing(&'static str),
    Unknown {
        name: String,
        suggestion: Option<&'static str>,
    },
    Duplicate(String),
    NotUtf8,
}

/// Most header problems a message lists; the rest are counted.
const SHOWN_HEADER_PROBLEMS: usize = 20;

/// A column name as a message shows it: quoted, at most [`SHOWN_OF_LONG_FIELD`] characters.
fn shown_name(name: &str) -> String {
    if name.chars().count() > SHOWN_OF_LONG_FIELD {
        let cut: String = name.chars().take(SHOWN_OF_LONG_FIELD).collect();
        format!("{cut:?}…")
    } else {
        format!("{name:?}")
    }
}

fn header_message(problems: &[HeaderProblem], lang: Lang) -> String {
    let mut parts: Vec<String> = problems
        .iter()
        .take(SHOWN_HEADER_PROBLEMS)
        .map(|p| match p {
            HeaderProblem::Missing(c) => format!(
                "{} {c}",
                lang.pick("kolom wajib tidak ada:", "required column missing:")
            ),
            HeaderProblem::Unknown {
                name,
                suggestion: Some(s),
            } => format!(
                "{} {} ({} {s}?)",
                lang.pick("kolom tidak dikenal:", "unknown column:"),
                shown_name(name),
                lang.pick("maksud Anda", "did you mean")
            ),
            HeaderProblem::Unknown {
                name,
                suggestion: None,
            } => {
                format!(
                    "{} {}",
                    lang.pick("kolom tidak dikenal:", "unknown column:"),
                    shown_name(name)
                )
            }
            HeaderProblem::Duplicate(n) => {
                format!(
                    "{} {}",
                    lang.pick("kolom ganda:", "column twice:"),
                    shown_name(n)
                )
            }
            HeaderProblem::NotUtf8 => lang
                .pick("baris judul bukan UTF-8", "header row is not UTF-8")
                .to_string(),
        })
        .collect();
    if problems.len() > SHOWN_HEADER_PROBLEMS {
        parts.push(format!(
            "{} {}",
            problems.len() - SHOWN_HEADER_PROBLEMS,
            lang.pick("masalah lain", "more problems")
        ));
    }
    format!(
        "{}: {}",
        lang.pick("baris judul salah", "wrong header row"),
        parts.join("; ")
    )
}

impl Localized for FileError {
    fn code(&self) -> &'static str {
        match self {
            FileError::Io(_) => "file_unreadable",
            FileError::Empty => "file_empty",
            FileError::Utf16 => "file_utf16",
            FileError::Xlsx(_) => "xlsx_unreadable",
            FileError::NoSheet => "xlsx_no_sheet",
            FileError::Header(_) => "header_invalid",
            FileError::Csv(_) => "csv_unreadable",
            FileError::LineTooLong { .. } => "line_too_long",
            FileError::UnbalancedQuote { .. } => "csv_unbalanced_quote",
            FileError::TooManyColumns { .. } => "too_many_columns",
            FileError::XlsxTooLarge { .. } => "xlsx_too_large",
        }
    }
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (FileError::Header(p), l) => header_message(p, l),
            (e, Lang::En) => e.to_string(),
            (FileError::Io(e), Lang::Id) => format!("tidak dapat dibaca: {e}"),
            (FileError::Empty, Lang::Id) => "berkas kosong: tidak ada baris judul".into(),
            (FileError::Utf16, Lang::Id) => {
                "berkas berupa teks UTF-16; simpan sebagai \"CSV UTF-8\"".into()
            }
            (FileError::Xlsx(e), Lang::Id) => {
                format!("bukan buku kerja XLSX yang dapat dibaca: {e}")
            }
            (FileError::NoSheet, Lang::Id) => "buku kerja tidak memiliki lembar kerja".into(),
            (FileError::Csv(e), Lang::Id) => format!("CSV: {e}"),
            (FileError::LineTooLong { line, max }, Lang::Id) => {
                format!("baris {line} lebih panjang dari {max} bita; apakah ini tabel registri?")
            }
            (FileError::UnbalancedQuote { line, max_lines }, Lang::Id) => format!(
                "tanda kutip yang dibuka di baris {line} tidak ditutup dalam {max_lines} baris: semua baris sesudahnya akan terbaca sebagai satu nilai; tutup atau hapus tanda kutip itu"
            ),
            (FileError::TooManyColumns { found, max }, Lang::Id) => {
                format!("baris judul memiliki {found} kolom; paling banyak {max} yang dibaca")
            }
            (FileError::XlsxTooLarge { part, max }, Lang::Id) => format!(
                "bagian {part} buku kerja mengembang menjadi lebih dari {max} bita; simpan tabel sebagai CSV"
            ),
        }
    }
}

/// File format, chosen by the first bytes (an XLSX file is a ZIP archive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

/// Something to read records from.
pub trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// A source of raw records: the header first, then data rows.
pub enum Source {
    Csv(Box<CsvSource>),
    Xlsx(XlsxSource),
}

impl Source {
    /// Open a table, detecting XLSX by its ZIP signature.
    pub fn open(mut reader: Box<dyn ReadSeek>) -> Result<Source, FileError> {
        let mut magic = [0u8; 4];
        let n = read_up_to(&mut reader, &mut magic)?;
        reader.seek(std::io::SeekFrom::Start(0))?;
        if n == 4 && magic == *b"PK\x03\x04" {
            Ok(Source::Xlsx(XlsxSource::new(reader)?))
        } else {
            Ok(Source::Csv(Box::new(CsvSource::new(reader)?)))
        }
    }

    pub fn format(&self) -> Format {
        match self {
            Source::Csv(_) => Format::Csv,
            Source::Xlsx(_) => Format::Xlsx,
        }
    }

    /// The CSV delimiter found, if CSV.
    pub fn delimiter(&self) -> Option<u8> {
        match self {
            Source::Csv(c) => Some(c.delimiter),
            Source::Xlsx(_) => None,
        }
    }

    /// Next record into `out`; `Ok(false)` at the end. A row with text that is not UTF-8 is
    /// returned with [`RawRecord::not_utf8`] set (the parser rejects it); reading goes on.
    pub fn next_into(&mut self, out: &mut RawRecord) -> Result<bool, FileError> {
        match self {
            Source::Csv(c) => c.next_into(out),
            Source::Xlsx(x) => Ok(x.next_into(out)),
        }
    }

    /// Bytes consumed so far (CSV), for progress reporting.
    pub fn position(&self) -> u64 {
        match self {
            Source::Csv(c) => c.reader.position().byte(),
            Source::Xlsx(x) => x.next as u64,
        }
    }
}

fn read_up_to(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// CSV records, streaming.
pub struct CsvSource {
    reader: csv::Reader<BufReader<LineLimit<Box<dyn ReadSeek>>>>,
    record: csv::ByteRecord,
    delimiter: u8,
    /// Lines of the bytes read, to name the line each record starts on.
    lines: LineIndex,
    /// Bytes before what the CSV reader sees (a byte-order mark).
    skipped: u64,
    /// Fields of the header (the first record), once read.
    header_len: Option<usize>,
}

impl CsvSource {
    fn new(reader: Box<dyn ReadSeek>) -> Result<CsvSource, FileError> {
        let (limited, lines) = LineLimit::with_index(reader, MAX_LINE_BYTES);
        let mut buf = BufReader::with_capacity(1 << 20, limited);
        let mut skipped = 0;
        let head = buf.fill_buf().map_err(io_error)?;
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return Err(FileError::Utf16);
        }
        if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            buf.consume(3);
            skipped = 3;
        }
        let head = buf.fill_buf().map_err(io_error)?;
        if head.is_empty() {
            return Err(FileError::Empty);
        }
        let delimiter = sniff_delimiter(head);
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(buf);
        Ok(CsvSource {
            reader,
            record: csv::ByteRecord::new(),
            delimiter,
            lines,
            skipped,
            header_len: None,
        })
    }

    fn next_into(&mut self, out: &mut RawRecord) -> Result<bool, FileError> {
        let line = loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return Ok(false),
                Ok(true) => {}
                Err(e) => return Err(csv_error(e)),
            }
            // Blank lines are skipped by the reader; a line of only delimiters is no row
            // either.
            if self.record.iter().all(|f| f.is_empty()) {
                continue;
            }
            break self.start_line();
        };
        // A quoted field may hold a line break; one that runs on for many lines, or that
        // leaves its row with the wrong number of fields, is a quote never closed: the rows
        // after it would silently become part of one value.
        let spans = self.line_breaks_inside() + 1;
        let multiline = spans > 1;
        if multiline {
            let wrong_count = self.header_len.is_some_and(|n| n != self.record.len());
            if spans > MAX_RECORD_LINES || wrong_count {
                return Err(FileError::UnbalancedQuote {
                    line,
                    max_lines: MAX_RECORD_LINES,
                });
            }
        }
        if self.header_len.is_none() {
            if self.record.len() > MAX_COLUMNS {
                return Err(FileError::TooManyColumns {
                    found: self.record.len(),
                    max: MAX_COLUMNS,
                });
            }
            self.header_len = Some(self.record.len());
        }
        out.row = line;
        out.numeric = 0;
        out.not_utf8 = None;
        out.too_long = None;
        out.fields.clear();
        for (i, f) in self.record.iter().enumerate().take(MAX_COLUMNS + 1) {
            let f = if f.len() > MAX_FIELD_BYTES {
                out.too_long.get_or_insert(i);
                &f[..SHOWN_OF_LONG_FIELD]
            } else {
                f
            };
            match std::str::from_utf8(f) {
                Ok(s) => out.fields.push(s.to_string()),
                Err(_) => {
                    // Each invalid byte becomes U+FFFD (3 bytes): the shown text is cut back
                    // to the limit, so a value that is not UTF-8 cannot grow past it.
                    let mut lossy = String::from_utf8_lossy(f).into_owned();
                    if lossy.len() > MAX_FIELD_BYTES {
                        let mut end = MAX_FIELD_BYTES;
                        while !lossy.is_char_boundary(end) {
                            end -= 1;
                        }
                        lossy.truncate(end);
                    }
                    out.fields.push(lossy);
                    if out.too_long != Some(i) {
                        out.not_utf8.get_or_insert(i);
                    }
                }
            }
        }
        Ok(true)
    }
}

impl CsvSource {
    /// Line breaks inside the fields of the current record.
    fn line_breaks_inside(&self) -> u64 {
        // Almost every record has none: one vectorised search over the record's bytes says so.
        if memchr::memchr2(b'\n', b'\r', self.record.as_slice()).is_none() {
            return 0;
        }
        // `\n`, `\r\n` and a lone `\r` each end a line.
        self.record
            .iter()
            .map(|f| {
                f.iter()
                    .enumerate()
                    .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && f.get(i + 1) != Some(&b'\n')))
                    .count() as u64
            })
            .sum()
    }

    /// The file line the current record starts on. The reader's record position is just
    /// after the previous record, so blank lines before this one are skipped here.
    fn start_line(&self) -> u64 {
        let p = self.record.position().map_or(0, |p| p.byte());
        self.lines.line_of_content(p + self.skipped)
    }
}

/// How much of a field longer than [`MAX_FIELD_BYTES`] is kept to show in a report.
const SHOWN_OF_LONG_FIELD: usize = 64;

fn io_error(e: std::io::Error) -> FileError {
    match LineTooLong::from_io(&e) {
        Some(LineTooLong { line, max }) => FileError::LineTooLong { line, max },
        None => FileError::Io(e),
    }
}

fn csv_error(e: csv::Error) -> FileError {
    if !e.is_io_error() {
        return FileError::Csv(e.to_string());
    }
    match e.into_kind() {
        csv::ErrorKind::Io(e) => io_error(e),
        other => FileError::Csv(format!("{other:?}")),
    }
}

/// Refuse a workbook that expands to more than [`MAX_XLSX_EXPANDED_BYTES`] or has more than
/// [`MAX_XLSX_PARTS`] parts, by decompressing every part into nothing and counting (the sizes
/// an archive declares may lie). Leaves the reader at the start.
fn check_expanded_size(reader: &mut Box<dyn ReadSeek>) -> Result<(), FileError> {
    let xlsx = |e: zip::result::ZipError| FileError::Xlsx(e.to_string());
    let mut archive = zip::ZipArchive::new(&mut *reader).map_err(xlsx)?;
    if archive.len() > MAX_XLSX_PARTS {
        return Err(FileError::XlsxTooLarge {
            part: format!("{} parts", archive.len()),
            max: MAX_XLSX_EXPANDED_BYTES,
        });
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(xlsx)?;
        let name = part.name().map_err(xlsx)?.into_owned();
        let room = MAX_XLSX_EXPANDED_BYTES - total;
        let n = std::io::copy(&mut (&mut part).take(room + 1), &mut std::io::sink())
            .map_err(|e| FileError::Xlsx(format!("{name}: {e}")))?;
        total += n;
        if total > MAX_XLSX_EXPANDED_BYTES {
            return Err(FileError::XlsxTooLarge {
                part: name,
                max: MAX_XLSX_EXPANDED_BYTES,
            });
        }
    }
    drop(archive);
    reader.seek(std::io::SeekFrom::Start(0))?;
    Ok(())
}

/// The delimiter that splits the header line into the most fields: `,`, `;` or tab.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = &head[..line_end];
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t'] {
        let mut in_quotes = false;
        let mut count = 0;
        for &b in line {
            if b == b'"' {
                in_quotes = !in_quotes;
            } else if b == d && !in_quotes {
                count += 1;
            }
        }
        if count > best.1 {
            best = (d, count);
        }
    }
    best.0
}

/// XLSX rows of the first worksheet. The sheet is loaded whole (a workbook cannot be read
/// as a stream), within [`MAX_XLSX_EXPANDED_BYTES`]; rows are turned into text one at a time.
pub struct XlsxSource {
    range: calamine::Range<calamine::Data>,
    next: usize,
    header_len: Option<usize>,
}

impl XlsxSource {
    fn new(mut reader: Box<dyn ReadSeek>) -> Result<XlsxSource, FileError> {
        use calamine::{Reader, Xlsx};
        check_expanded_size(&mut reader)?;
        let mut wb: Xlsx<_> =
            Xlsx::new(BufReader::new(reader)).map_err(|e| FileError::Xlsx(e.to_string()))?;
        let name = wb
            .sheet_names()
            .first()
            .cloned()
            .ok_or(FileError::NoSheet)?;
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| FileError::Xlsx(e.to_string()))?;
        if range.width() > MAX_COLUMNS {
            return Err(FileError::TooManyColumns {
                found: range.width(),
                max: MAX_COLUMNS,
            });
        }
        Ok(XlsxSource {
            range,
            next: 0,
            header_len: None,
        })
    }

    fn next_into(&mut self, out: &mut RawRecord) -> bool {
        use calamine::Data;
        let (row0, _) = self.range.start().unwrap_or((0, 0));
        loop {
            let Some(r) = self.range.rows().nth(self.next) else {
                return false;
            };
            out.row = u64::from(row0) + self.next as u64 + 1;
            self.next += 1;
            out.fields.clear();
            out.numeric = 0;
            out.not_utf8 = None;
            out.too_long = None;
            for (j, cell) in r.iter().enumerate() {
                let text = match cell {
                    Data::Empty => String::new(),
                    Data::String(s) if s.len() > MAX_FIELD_BYTES => {
                        out.too_long.get_or_insert(j);
                        s.chars().take(SHOWN_OF_LONG_FIELD).collect()
                    }
                    Data::String(s) => s.clone(),
                    Data::Float(f) => {
                        if j < 64 {
                            out.numeric |= 1 << j;
                        }
                        if f.fract() == 0.0 && f.abs() < 1e17 {
                            format!("{}", *f as i64)
                        } else {
                            format!("{f}")
                        }
                    }
                    Data::Int(v) => {
                        if j < 64 {
                            out.numeric |= 1 << j;
                        }
                        v.to_string()
                    }
                    Data::Bool(b) => {
                        if *b {
                            "1".into()
                        } else {
                            "0".into()
                        }
                    }
                    Data::DateTime(dt) => match dt.as_datetime() {
                        Some(d) => d.date().format("%Y-%m-%d").to_string(),
                        None => dt.as_f64().to_string(),
                    },
                    Data::DateTimeIso(s) | Data::DurationIso(s) => {
                        s.chars().take(SHOWN_OF_LONG_FIELD).collect()
                    }
                    Data::Error(e) => format!("#ERROR {e:?}"),
                };
                out.fields.push(text);
            }
            // Trailing empty cells are not columns.
            while out.fields.last().is_some_and(|f| f.is_empty()) {
                out.fields.pop();
            }
            if out.fields.is_empty() {
                continue;
            }
            // A spreadsheet does not store empty cells at the end of a row: such a row has
            // the header's columns, the last ones empty.
            match self.header_len {
                None => self.header_len = Some(out.fields.len()),
                Some(n) if out.fields.len() < n => out.fields.resize(n, String::new()),
                Some(_) => {}
            }
            return true;
        }
    }
}

/// Maps a file's columns to the fields of a record type and parses rows.
pub struct RecordParser<T: 'static> {
    fields: &'static [Field<T>],
    /// For each file column, the field it fills.
    columns: Vec<Option<usize>>,
    blank: fn() -> T,
}

impl<T> RecordParser<T> {
    /// Build from the header record. Every problem with the header is reported at once.
    pub fn from_header(
        fields: &'static [Field<T>],
        header: &RawRecord,
        blank: fn() -> T,
    ) -> Result<Self, FileError> {
        let mut problems = Vec::new();
        let mut columns = Vec::with_capacity(header.fields.len());
        let mut seen = vec![false; fields.len()];
        for name in &header.fields {
            if name.trim().is_empty() {
                columns.push(None);
                continue;
            }
            match find_field(fields, name) {
                Some((i, _)) if seen[i] => {
                    problems.push(HeaderProblem::Duplicate(name.clone()));
                    columns.push(None);
                }
                Some((i, _)) => {
                    seen[i] = true;
                    columns.push(Some(i));
                }
                None => {
                    problems.push(HeaderProblem::Unknown {
                        name: name.clone(),
                        suggestion: suggest_field(fields, name),
                    });
                    columns.push(None);
                }
            }
        }
        for (i, f) in fields.iter().enumerate() {
            if f.required && !seen[i] {
                problems.push(HeaderProblem::Missing(f.name));
            }
        }
        if problems.is_empty() {
            Ok(RecordParser {
                fields,
                columns,
                blank,
            })
        } else {
            Err(FileError::Header(problems))
        }
    }

    /// Whether the file has this field.
    pub fn has(&self, name: &str) -> bool {
        self.column_of(name).is_some()
    }

    /// The file column that holds a field (by canonical name).
    pub fn column_of(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.is_some_and(|i| self.fields[i].name == name))
    }

    /// The field that file column `i` fills, if any.
    fn field_name(&self, i: usize) -> Option<&'static str> {
        self.columns
            .get(i)
            .copied()
            .flatten()
            .map(|f| self.fields[f].name)
    }

    /// Parse one row; every problem in the row is reported.
    pub fn parse(&self, rec: &RawRecord, errors: &mut Vec<RowError>) -> Option<T> {
        if let Some(i) = rec.not_utf8 {
            let text = rec.fields.get(i).cloned().unwrap_or_default();
            errors.push(RowError::new(
                rec.row,
                self.field_name(i),
                text,
                Reason::NotUtf8,
            ));
            return None;
        }
        if let Some(i) = rec.too_long {
            let text = format!("{}…", rec.fields.get(i).map_or("", |s| s.as_str()));
            let max = MAX_FIELD_BYTES;
            errors.push(RowError::new(
                rec.row,
                self.field_name(i),
                text,
                Reason::TooLong { max },
            ));
            return None;
        }
        let before = errors.len();
        if rec.fields.len() != self.columns.len() {
            errors.push(RowError::new(
                rec.row,
                None,
                String::new(),
                Reason::FieldCount {
                    expected: self.columns.len(),
                    found: rec.fields.len(),
                },
            ));
            return None;
        }
        let mut value = (self.blank)();
        for (j, col) in self.columns.iter().enumerate() {
            let Some(fi) = *col else { continue };
            let field = &self.fields[fi];
            let text = rec
                .fields
                .get(j)
                .map(|s| s.trim())
                .filter(|s| !s.is_empty());
            if !field.editable && j < 64 && rec.numeric & (1 << j) != 0 {
                errors.push(RowError::new(
                    rec.row,
                    Some(field.name),
                    text.unwrap_or(""),
                    Reason::ExcelNumberId,
                ));
                continue;
            }
            if let Err(reason) = (field.set)(&mut value, text) {
                errors.push(RowError::new(
                    rec.row,
                    Some(field.name),
                    text.unwrap_or(""),
                    reason,
                ));
            }
        }
        (errors.len() == before).then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{PERSON_FIELDS, blank_person};
    use std::io::Cursor;

    fn source(bytes: &[u8]) -> Source {
        Source::open(Box::new(Cursor::new(bytes.to_vec()))).unwrap()
    }

    fn all(src: &mut Source) -> Vec<RawRecord> {
        let mut out = Vec::new();
        loop {
            let mut r = RawRecord::default();
            match src.next_into(&mut r) {
                Ok(true) => out.push(r),
                Ok(false) => return out,
                Err(e) => panic!("{e:?}"),
            }
        }
    }

    #[test]
    fn bom_semicolons_crlf_and_quoted_newlines() {
        let text =
            "\u{feff}nik;nama\r\n3204055708850003;\"Siti\r\nAminah\"\r\n3204051708850001;Budi\r\n";
        let mut src = source(text.as_bytes());
        assert_eq!(src.delimiter(), Some(b';'));
        let rows = all(&mut src);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].fields, ["nik", "nama"]);
        assert_eq!(rows[1].fields[1], "Siti\r\nAminah");
        assert_eq!(rows[1].row, 2);
        // Rows are named by the file line they start on.
        assert_eq!(rows[2].row, 4);
    }

    fn read_err(bytes: &[u8]) -> FileError {
        let mut src = match Source::open(Box::new(Cursor::new(bytes.to_vec()))) {
            Ok(s) => s,
            Err(e) => return e,
        };
        let mut r = RawRecord::default();
        loop {
            match src.next_into(&mut r) {
                Ok(true) => {}
                Ok(false) => panic!("read to the end without an error"),
                Err(e) => return e,
            }
        }
    }

    #[test]
    fn blank_lines_keep_line_numbers() {
        let rows = all(&mut source(b"a,b\n\n1,2\n\n\n3,4\n,\n5,6"));
        let lines: Vec<u64> = rows.iter().map(|r| r.row).collect();
        assert_eq!(lines, [1, 3, 6, 8]);
        // Old Macintosh line ends (a lone carriage return) are line ends too.
        let rows = all(&mut source(b"a,b\r1,2\r\r3,\"x\ry\"\r5,6"));
        let lines: Vec<u64> = rows.iter().map(|r| r.row).collect();
        assert_eq!(lines, [1, 2, 4, 6]);
    }

    #[test]
    fn a_quote_never_closed_is_named_at_its_line() {
        // The address of line 3 opens a quote: every later row would become part of it.
        let mut text = String::from("kk,address,rt\n1,Dusun I,1\n2,\"Dusun IV,2\n");
        for i in 3..40 {
            text.push_str(&format!("{i},Dusun {i},1\n"));
        }
        assert!(matches!(
            read_err(text.as_bytes()),
            FileError::UnbalancedQuote { line: 3, .. }
        ));
        // Also when it ends the file within a few lines (the row has too few fields).
        let text = "kk,address,rt\n1,Dusun I,1\n2,\"Dusun IV,2\n3,Dusun V,1\n";
        assert!(matches!(
            read_err(text.as_bytes()),
            FileError::UnbalancedQuote { line: 3, .. }
        ));
        // A quoted line break inside a well-formed row is fine.
        let rows = all(&mut source(b"kk,address,rt\n1,\"Jl. A\nNo. 5\",1\n2,B,2\n"));
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn a_line_that_never_ends_is_refused_at_the_limit() {
        struct Zeros;
        impl Read for Zeros {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                buf.fill(0);
                Ok(buf.len())
            }
        }
        impl Seek for Zeros {
            fn seek(&mut self, _: std::io::SeekFrom) -> std::io::Result<u64> {
                Ok(0)
            }
        }
        let mut src = Source::open(Box::new(Zeros)).unwrap();
        let mut r = RawRecord::default();
        assert!(matches!(
            src.next_into(&mut r),
            Err(FileError::LineTooLong {
                line: 1,
                max: MAX_LINE_BYTES
            })
        ));
    }

    #[test]
    fn short_rows_and_long_fields_are_row_errors() {
        let header = RawRecord {
            row: 1,
            fields: ["nik", "kk", "name", "sex", "birth_date", "relation"]
                .map(String::from)
                .to_vec(),
            ..RawRecord::default()
        };
        let p = RecordParser::from_header(PERSON_FIELDS, &header, blank_person).unwrap();
        let mut errors = Vec::new();
        let short = RawRecord {
            row: 5,
            fields: ["3204055708850003", "3204050101200001", "Siti"]
                .map(String::from)
                .to_vec(),
            ..RawRecord::default()
        };
        assert!(p.parse(&short, &mut errors).is_none());
        assert_eq!(
            errors[0].reason,
            Reason::FieldCount {
                expected: 6,
                found: 3
            }
        );
        let mut text =
            b"nik,kk,name,sex,birth_date,relation\n3204055708850003,3204050101200001,".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_FIELD_BYTES + 1));
        text.extend_from_slice(b",P,1985-08-17,head\n");
        let rows = all(&mut source(&text));
        errors.clear();
        assert!(p.parse(&rows[1], &mut errors).is_none());
        assert_eq!(errors[0].column, Some("name"));
        assert_eq!(
            errors[0].reason,
            Reason::TooLong {
                max: MAX_FIELD_BYTES
            }
        );
    }

    #[test]
    fn a_workbook_that_expands_too_far_is_refused_before_parsing() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        let block = vec![b' '; 1 << 20];
        for _ in 0..=(MAX_XLSX_EXPANDED_BYTES >> 20) {
            zip.write_all(&block).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 2 << 20, "{}", bytes.len());
        assert!(matches!(
            Source::open(Box::new(Cursor::new(bytes))).err().unwrap(),
            FileError::XlsxTooLarge { .. }
        ));
    }

    #[test]
    fn non_utf8_is_a_row_error() {
        let mut bytes = b"nik,kk,name,sex,birth_date,relation\n".to_vec();
        bytes.extend_from_slice(b"3204055708850003,3204050101200001,Jos\xe9,L,1985-08-17,head\n");
        bytes.extend_from_slice(b"3204051708850001,3204050101200001,Budi,L,1985-08-17,head\n");
        let mut src = source(&bytes);
        let mut header = RawRecord::default();
        assert!(src.next_into(&mut header).unwrap());
        let p = RecordParser::from_header(PERSON_FIELDS, &header, blank_person).unwrap();
        let mut r = RawRecord::default();
        assert!(src.next_into(&mut r).unwrap());
        assert_eq!(r.not_utf8, Some(2));
        let mut errors = Vec::new();
        assert!(p.parse(&r, &mut errors).is_none());
        assert_eq!(
            errors,
            [RowError::new(
                2,
                Some("name"),
                "Jos\u{fffd}",
                Reason::NotUtf8
            )]
        );
        // Reading goes on.
        assert!(src.next_into(&mut r).unwrap());
        assert_eq!(r.fields[2], "Budi");
        assert!(p.parse(&r, &mut Vec::new()).is_some());
    }

    #[test]
    fn utf16_and_empty_files_are_refused() {
        assert!(matches!(
            Source::open(Box::new(Cursor::new(vec![0xFF, 0xFE, b'n', 0]))),
            Err(FileError::Utf16)
        ));
        assert!(matches!(
            Source::open(Box::new(Cursor::new(Vec::new()))),
            Err(FileError::Empty)
        ));
    }

    #[test]
    fn header_problems_are_all_reported() {
        let header = RawRecord {
            not_utf8: None,
            too_long: None,
            row: 1,
            fields: vec![
                "nik".into(),
                "nama".into(),
                "nama".into(),
                "tgl_lahr".into(),
            ],
            numeric: 0,
        };
        let err = RecordParser::from_header(PERSON_FIELDS, &header, blank_person)
            .err()
            .unwrap();
        let FileError::Header(p) = err else { panic!() };
        assert!(p.contains(&HeaderProblem::Duplicate("nama".into())));
        assert!(p.contains(&HeaderProblem::Unknown {
            name: "tgl_lahr".into(),
            suggestion: Some("birth_date")
        }));
        assert!(p.contains(&HeaderProblem::Missing("kk")));
        assert!(p.contains(&HeaderProblem::Missing("sex")));
        let msg = FileError::Header(p).message(Lang::Id);
        assert!(msg.contains("kolom wajib tidak ada: kk"), "{msg}");
    }

    #[test]
    fn a_row_reports_every_bad_value() {
        let header = RawRecord {
            not_utf8: None,
            too_long: None,
            row: 1,
            fields: ["nik", "kk", "name", "sex", "birth_date", "relation"]
                .map(String::from)
                .to_vec(),
            numeric: 0,
        };
        let p = RecordParser::from_header(PERSON_FIELDS, &header, blank_person).unwrap();
        let row = RawRecord {
            not_utf8: None,
            too_long: None,
            row: 7,
            fields: ["3204050813850003", "320405", "", "X", "31/02/1990", "head"]
                .map(String::from)
                .to_vec(),
            numeric: 0,
        };
        let mut errors = Vec::new();
        assert!(p.parse(&row, &mut errors).is_none());
        let cols: Vec<_> = errors.iter().map(|e| e.column.unwrap()).collect();
        assert_eq!(cols, ["nik", "kk", "name", "sex", "birth_date"]);
        assert!(errors.iter().all(|e| e.row == 7));
    }
}
