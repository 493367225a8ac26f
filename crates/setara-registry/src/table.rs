//! Reading household and person tables from CSV or XLSX, record by record.
//!
//! CSV: UTF-8 with or without BOM, `,` `;` or tab delimiter (sniffed from the header line),
//! quoted fields with embedded newlines, Windows or Unix line ends. XLSX: the first worksheet,
//! read with `calamine`. Rows are numbered as a spreadsheet numbers them: the header is row 1.

use std::io::{BufRead, BufReader, Read, Seek};

use setara_core::{Lang, Localized};

use crate::fields::{Field, find_field, suggest_field};
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

fn header_message(problems: &[HeaderProblem], lang: Lang) -> String {
    let parts: Vec<String> = problems
        .iter()
        .map(|p| match p {
            HeaderProblem::Missing(c) => format!(
                "{} {c}",
                lang.pick("kolom wajib tidak ada:", "required column missing:")
            ),
            HeaderProblem::Unknown {
                name,
                suggestion: Some(s),
            } => format!(
                "{} {name:?} ({} {s}?)",
                lang.pick("kolom tidak dikenal:", "unknown column:"),
                lang.pick("maksud Anda", "did you mean")
            ),
            HeaderProblem::Unknown {
                name,
                suggestion: None,
            } => {
                format!(
                    "{} {name:?}",
                    lang.pick("kolom tidak dikenal:", "unknown column:")
                )
            }
            HeaderProblem::Duplicate(n) => {
                format!("{} {n:?}", lang.pick("kolom ganda:", "column twice:"))
            }
            HeaderProblem::NotUtf8 => lang
                .pick("baris judul bukan UTF-8", "header row is not UTF-8")
                .to_string(),
        })
        .collect();
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
    Csv(CsvSource),
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
            Ok(Source::Csv(CsvSource::new(reader)?))
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
    reader: csv::Reader<BufReader<Box<dyn ReadSeek>>>,
    record: csv::ByteRecord,
    delimiter: u8,
    row: u64,
}

impl CsvSource {
    fn new(reader: Box<dyn ReadSeek>) -> Result<CsvSource, FileError> {
        let mut buf = BufReader::with_capacity(1 << 20, reader);
        let head = buf.fill_buf()?;
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return Err(FileError::Utf16);
        }
        if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            buf.consume(3);
        }
        let head = buf.fill_buf()?;
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
            row: 0,
        })
    }

    fn next_into(&mut self, out: &mut RawRecord) -> Result<bool, FileError> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return Ok(false),
                Ok(true) => {}
                Err(e) => return Err(FileError::Csv(e.to_string())),
            }
            self.row += 1;
            // Skip blank lines (a record of one empty field).
            if self.record.len() == 1 && self.record[0].is_empty() {
                continue;
            }
            break;
        }
        out.row = self.row;
        out.numeric = 0;
        out.not_utf8 = None;
        out.fields.clear();
        for (i, f) in self.record.iter().enumerate() {
            match std::str::from_utf8(f) {
                Ok(s) => out.fields.push(s.to_string()),
                Err(_) => {
                    out.fields.push(String::from_utf8_lossy(f).into_owned());
                    out.not_utf8.get_or_insert(i);
                }
            }
        }
        Ok(true)
    }
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

/// XLSX rows of the first worksheet.
pub struct XlsxSource {
    rows: Vec<RawRecord>,
    next: usize,
}

impl XlsxSource {
    fn new(reader: Box<dyn ReadSeek>) -> Result<XlsxSource, FileError> {
        use calamine::{Data, Reader, Xlsx};
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
        let (row0, _) = range.start().unwrap_or((0, 0));
        let mut rows = Vec::with_capacity(range.height());
        for (i, r) in range.rows().enumerate() {
            let mut rec = RawRecord {
                row: u64::from(row0) + i as u64 + 1,
                fields: Vec::with_capacity(r.len()),
                numeric: 0,
                not_utf8: None,
            };
            for (j, cell) in r.iter().enumerate() {
                let text = match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => {
                        if j < 64 {
                            rec.numeric |= 1 << j;
                        }
                        if f.fract() == 0.0 && f.abs() < 1e17 {
                            format!("{}", *f as i64)
                        } else {
                            format!("{f}")
                        }
                    }
                    Data::Int(v) => {
                        if j < 64 {
                            rec.numeric |= 1 << j;
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
                    Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Error(e) => format!("#ERROR {e:?}"),
                };
                rec.fields.push(text);
            }
            // Trailing empty cells are not columns.
            while rec.fields.last().is_some_and(|f| f.is_empty()) {
                rec.fields.pop();
            }
            if rec.fields.is_empty() {
                continue;
            }
            rows.push(rec);
        }
        Ok(XlsxSource { rows, next: 0 })
    }

    fn next_into(&mut self, out: &mut RawRecord) -> bool {
        match self.rows.get_mut(self.next) {
            Some(r) => {
                std::mem::swap(out, r);
                self.next += 1;
                true
            }
            None => false,
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

    /// Parse one row; every problem in the row is reported.
    pub fn parse(&self, rec: &RawRecord, errors: &mut Vec<RowError>) -> Option<T> {
        if let Some(i) = rec.not_utf8 {
            let column = self
                .columns
                .get(i)
                .copied()
                .flatten()
                .map(|f| self.fields[f].name);
            let text = rec.fields.get(i).cloned().unwrap_or_default();
            errors.push(RowError::new(rec.row, column, text, Reason::NotUtf8));
            return None;
        }
        let before = errors.len();
        if rec.fields.len() > self.columns.len()
            && rec.fields[self.columns.len()..]
                .iter()
                .any(|f| !f.trim().is_empty())
        {
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
        assert_eq!(rows[2].row, 3);
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
            row: 1,
            fields: ["nik", "kk", "name", "sex", "birth_date", "relation"]
                .map(String::from)
                .to_vec(),
            numeric: 0,
        };
        let p = RecordParser::from_header(PERSON_FIELDS, &header, blank_person).unwrap();
        let row = RawRecord {
            not_utf8: None,
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
