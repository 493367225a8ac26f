//! Reading a value column (with optional weight and group columns) from any CSV or XLSX file for
//! `setara stats --input`.
//!
//! The file is read by the registry's table reader (`setara_registry::Source`: CSV through
//! `LineLimit`, so a line longer than `MAX_LINE_BYTES` is an error naming it; XLSX within
//! `MAX_XLSX_EXPANDED_BYTES`; at most `MAX_COLUMNS` columns). Every value that cannot be
//! measured stops the read with the file, line and column: text that is not a finite number,
//! a magnitude beyond what the measures can sum (`setara_stats::MAX_ABS_VALUE`), a negative
//! weight or one outside the weight range, a row with another number of fields than the
//! header, a cell of our columns over `MAX_FIELD_BYTES`. Rows with an empty value or weight,
//! or a weight of zero, are skipped and counted (the command reports them).

use std::collections::HashMap;
use std::path::Path;

use setara_core::{Lang, Localized};
use setara_registry::value::parse_decimal;
use setara_registry::{RawRecord, Source};
use setara_stats::{MAX_ABS_VALUE, MAX_WEIGHT, MIN_WEIGHT};

use crate::data_dir::DataDir;
use crate::error::{Error, ErrorKind};
use crate::memory::{available_memory, show_bytes};

/// Most distinct groups in a `--group` column (10,000).
///
/// Every group gets a full set of measures and a line of output. Indonesia has 7,277
/// districts (kecamatan), the finest region whose groups still hold enough surveyed rows to
/// measure; a column with thousands more distinct values (an id, a name, a village code on a
/// survey file) is a mistake to report, not tens of thousands of suites of a few rows each.
pub const MAX_GROUPS: usize = 10_000;

/// Bytes of memory per row while a file is measured: the value, weight, group and line kept
/// per row (28 bytes), the sorted copy of values and weights and the grouped buffers of the
/// measures (about 50 bytes more), with a margin. The read stops when the rows read so far
/// would not fit the memory this process may use (see [`check_memory`]).
pub const MEMORY_BYTES_PER_ROW: u64 = 120;

/// The columns read from a file.
#[derive(Debug, Default)]
pub struct Columns {
    pub values: Vec<f64>,
    /// Present when a weight column was named.
    pub weights: Option<Vec<f64>>,
    /// Group index per row (into `group_names`) when a group column was named.
    pub groups: Option<Vec<u32>>,
    pub group_names: Vec<String>,
    /// The file line (CSV) or sheet row (XLSX) of each row kept, to name it in messages.
    pub lines: Vec<u64>,
    /// Rows skipped because the value (or weight) cell was empty.
    pub skipped_empty: u64,
    /// Rows skipped because their weight is zero (such a row stands for no one).
    pub skipped_zero_weight: u64,
    /// The file as messages show it.
    pub shown: String,
}

impl Columns {
    /// Keep the rows for which `keep` is true (values, weights, groups and lines alike);
    /// returns how many were dropped.
    pub fn retain(&mut self, keep: impl Fn(f64) -> bool) -> usize {
        let mask: Vec<bool> = self.values.iter().map(|&v| keep(v)).collect();
        let dropped = mask.iter().filter(|k| !**k).count();
        if dropped > 0 {
            fn apply<T>(v: &mut Vec<T>, mask: &[bool]) {
                let mut k = mask.iter();
                v.retain(|_| *k.next().expect("same length"));
            }
            apply(&mut self.values, &mask);
            apply(&mut self.lines, &mask);
            if let Some(w) = self.weights.as_mut() {
                apply(w, &mask);
            }
            if let Some(g) = self.groups.as_mut() {
                apply(g, &mask);
            }
        }
        dropped
    }

    /// "line 17 of survey.csv": how the row at `index` is named in messages.
    pub fn line_name(&self, index: usize, lang: Lang) -> String {
        match self.lines.get(index) {
            Some(line) => format!("{}:{line}", self.shown),
            None => lang
                .pick("baris yang tidak diketahui", "an unknown row")
                .to_string(),
        }
    }
}

/// Read `value` (and `weight`, `group`) columns by header name (case and spacing ignored).
pub fn read_columns(
    data: &DataDir,
    path: &Path,
    value: &str,
    weight: Option<&str>,
    group: Option<&str>,
) -> Result<Columns, Error> {
    let show_path = |p: &Path| data.show(p);
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, &e))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(Error::invalid(
            "input_is_directory",
            format!("{} adalah direktori, bukan berkas", show_path(path)),
            format!("{} is a directory, not a file", show_path(path)),
        ));
    }
    let mut source = Source::open(Box::new(std::io::BufReader::with_capacity(1 << 20, file)))
        .map_err(|e| file_failure(data, path, &e))?;
    let mut rec = RawRecord::default();
    if !source
        .next_into(&mut rec)
        .map_err(|e| file_failure(data, path, &e))?
    {
        return Err(Error::invalid(
            "file_empty",
            format!("{}: berkas kosong", show_path(path)),
            format!("{}: the file is empty", show_path(path)),
        ));
    }
    let header = Header::new(data, path, &rec)?;
    let vi = header.find(value)?;
    let wi = weight.map(|w| header.find(w)).transpose()?;
    let gi = group.map(|g| header.find(g)).transpose()?;
    let columns = header.names.len();
    let mut out = Columns {
        shown: show_path(path),
        weights: wi.map(|_| Vec::new()),
        groups: gi.map(|_| Vec::new()),
        ..Columns::default()
    };
    let mut group_index: HashMap<String, u32> = HashMap::new();
    let mut next_memory_check = 1usize << 20;
    let cell = |rec: &RawRecord, i: usize, name: &str| -> Result<Option<f64>, Error> {
        let text = rec.fields.get(i).map(|s| s.trim()).unwrap_or("");
        if text.is_empty() {
            return Ok(None);
        }
        let fail = |id: &str, en: &str| cell_failure(data, path, rec.row, name, text, id, en);
        if rec.not_utf8 == Some(i) {
            return Err(fail("teks bukan UTF-8", "text is not UTF-8"));
        }
        let v = parse_decimal(text).map_err(|r| {
            let (id, en) = (r.message(Lang::Id), r.message(Lang::En));
            fail(
                &format!("{id} (harus bilangan hingga)"),
                &format!("{en} (it must be a finite number)"),
            )
        })?;
        Ok(Some(v))
    };
    while source
        .next_into(&mut rec)
        .map_err(|e| file_failure(data, path, &e))?
    {
        if rec.fields.len() != columns {
            return Err(Error::invalid(
                "row_field_count",
                format!(
                    "{}:{}: baris ini memiliki {} kolom, baris judul {}; pemisah atau tanda kutip yang salah menggeser nilai ke kolom lain",
                    show_path(path),
                    rec.row,
                    rec.fields.len(),
                    columns
                ),
                format!(
                    "{}:{}: this row has {} fields, the header {}; a stray separator or quote would shift values into other columns",
                    show_path(path),
                    rec.row,
                    rec.fields.len(),
                    columns
                ),
            ));
        }
        if let Some(i) = rec.too_long
            && [Some(vi), wi, gi].contains(&Some(i))
        {
            let max = setara_registry::limits::MAX_FIELD_BYTES;
            return Err(Error::invalid(
                "value_too_long",
                format!(
                    "{}:{} kolom {}: nilai lebih panjang dari {max} bita",
                    show_path(path),
                    rec.row,
                    header.names[i]
                ),
                format!(
                    "{}:{} column {}: the value is longer than {max} bytes",
                    show_path(path),
                    rec.row,
                    header.names[i]
                ),
            ));
        }
        let v = cell(&rec, vi, value)?;
        let w = match (wi, weight) {
            (Some(i), Some(name)) => cell(&rec, i, name)?,
            _ => Some(1.0),
        };
        let (Some(v), Some(w)) = (v, w) else {
            out.skipped_empty += 1;
            continue;
        };
        if v.abs() > MAX_ABS_VALUE {
            let text = rec.fields[vi].trim();
            return Err(Error::invalid(
                "stats_value_too_large",
                format!(
                    "{}:{} kolom {value} {text:?}: nilai harus berada dalam ±1e30 (di luar itu jumlah dan kuadrat yang dihitung melampaui jangkauan bilangan titik-mengambang 64-bit; ubah skalanya, mis. ke ribuan)",
                    show_path(path),
                    rec.row
                ),
                format!(
                    "{}:{} column {value} {text:?}: values must lie within ±1e30 (beyond that the sums and squares the measures form overflow 64-bit floating point; rescale the values, e.g. to thousands)",
                    show_path(path),
                    rec.row
                ),
            ));
        }
        if let (Some(i), Some(name)) = (wi, weight) {
            if w == 0.0 {
                out.skipped_zero_weight += 1;
                continue;
            }
            if !(MIN_WEIGHT..=MAX_WEIGHT).contains(&w) {
                let text = rec.fields[i].trim();
                let (code, id, en) = if w < 0.0 {
                    (
                        "stats_weight_negative",
                        "bobot tidak boleh negatif (bobot adalah banyaknya unit populasi yang diwakili baris ini)",
                        "a weight cannot be negative (it is how many population units the row stands for)",
                    )
                } else {
                    (
                        "stats_weight_out_of_range",
                        "bobot harus 0 (baris dilewati) atau antara 1e-30 dan 1e30",
                        "a weight must be 0 (the row is skipped) or between 1e-30 and 1e30",
                    )
                };
                return Err(Error::invalid(
                    code,
                    format!(
                        "{}:{} kolom {name} {text:?}: {id}",
                        show_path(path),
                        rec.row
                    ),
                    format!(
                        "{}:{} column {name} {text:?}: {en}",
                        show_path(path),
                        rec.row
                    ),
                ));
            }
        }
        if let (Some(gs), Some(i)) = (out.groups.as_mut(), gi) {
            let name = rec.fields[i].trim();
            let id = match group_index.get(name) {
                Some(&id) => id,
                None => {
                    if group_index.len() >= MAX_GROUPS {
                        let g = group.unwrap_or_default();
                        return Err(Error::invalid(
                            "stats_too_many_groups",
                            format!(
                                "{}:{} kolom {g}: lebih dari {MAX_GROUPS} kelompok berbeda; apakah ini kolom wilayah atau kategori, bukan nomor identitas?",
                                show_path(path),
                                rec.row
                            ),
                            format!(
                                "{}:{} column {g}: more than {MAX_GROUPS} distinct groups; is this a region or category column, not an identifier?",
                                show_path(path),
                                rec.row
                            ),
                        ));
                    }
                    let id = group_index.len() as u32;
                    group_index.insert(name.to_string(), id);
                    out.group_names.push(name.to_string());
                    id
                }
            };
            gs.push(id);
        }
        out.values.push(v);
        out.lines.push(rec.row);
        if let Some(ws) = out.weights.as_mut() {
            ws.push(w);
        }
        if out.values.len() >= next_memory_check {
            check_memory(data, path, rec.row, out.values.len())?;
            next_memory_check *= 2;
        }
    }
    if out.values.is_empty()
        && out.skipped_zero_weight > 0
        && let Some(name) = weight
    {
        return Err(Error::invalid(
            "stats_no_weight",
            format!(
                "{}: setiap bobot di kolom {name} adalah nol: tidak ada baris yang mewakili siapa pun",
                show_path(path)
            ),
            format!(
                "{}: every weight in column {name} is zero: no row stands for anyone",
                show_path(path)
            ),
        ));
    }
    Ok(out)
}

/// Refuse to go on reading when twice the rows read so far would not fit the memory this
/// process may use: a file of hundreds of millions of rows ends with a clear error at the
/// line reached, not with the process killed for want of memory.
fn check_memory(data: &DataDir, path: &Path, line: u64, rows: usize) -> Result<(), Error> {
    let need = (rows as u64).saturating_mul(2 * MEMORY_BYTES_PER_ROW);
    let show_path = |p: &Path| data.show(p);
    match available_memory() {
        Some(have) if need > have => {
            let show = show_bytes;
            Err(Error::invalid(
                "size_exceeds_memory",
                format!(
                    "{}:{line}: {rows} baris terbaca dan masih ada lagi; mengukurnya memerlukan lebih dari {} memori, yang tersedia {}",
                    show_path(path),
                    show(need),
                    show(have)
                ),
                format!(
                    "{}:{line}: {rows} rows read and more to come; measuring them needs more than {} of memory, {} is available",
                    show_path(path),
                    show(need),
                    show(have)
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// The header row: column names, each found by name once.
struct Header<'a> {
    data: &'a DataDir,
    path: &'a Path,
    names: Vec<String>,
}

impl<'a> Header<'a> {
    fn new(data: &'a DataDir, path: &'a Path, rec: &RawRecord) -> Result<Header<'a>, Error> {
        let show_path = |p: &Path| data.show(p);
        if let Some(i) = rec.not_utf8.or(rec.too_long) {
            return Err(Error::invalid(
                "header_invalid",
                format!(
                    "{}:{} kolom {}: nama kolom bukan UTF-8 atau terlalu panjang",
                    show_path(path),
                    rec.row,
                    i + 1
                ),
                format!(
                    "{}:{} column {}: a column name is not UTF-8 or too long",
                    show_path(path),
                    rec.row,
                    i + 1
                ),
            ));
        }
        Ok(Header {
            data,
            path,
            names: rec.fields.clone(),
        })
    }

    fn key(s: &str) -> String {
        setara_core::fold_key(s.trim_start_matches('\u{feff}'), |_| false)
    }

    /// The column called `name`: exactly one must be.
    fn find(&self, name: &str) -> Result<usize, Error> {
        let k = Self::key(name);
        let found: Vec<usize> = (0..self.names.len())
            .filter(|&i| Self::key(&self.names[i]) == k)
            .collect();
        let path = self.data.show(self.path);
        match found[..] {
            [i] => Ok(i),
            [] => {
                let shown: Vec<&str> = self.names.iter().take(20).map(String::as_str).collect();
                let more = if self.names.len() > 20 { ", …" } else { "" };
                let have = format!("{}{more}", shown.join(", "));
                let (hint_id, hint_en) = if self.names.len() == 1 {
                    (
                        "; hanya satu kolom terbaca: apakah pemisahnya `,` `;` atau tab?",
                        "; only one column was read: is the separator `,` `;` or tab?",
                    )
                } else {
                    ("", "")
                };
                Err(Error::invalid(
                    "column_not_found",
                    format!("{path}: tidak ada kolom {name:?} (kolom yang ada: {have}){hint_id}"),
                    format!("{path}: no column {name:?} (columns: {have}){hint_en}"),
                ))
            }
            [a, b, ..] => Err(Error::invalid(
                "column_ambiguous",
                format!(
                    "{path}: kolom {name:?} ada lebih dari sekali (kolom {} dan {}); beri nama yang berbeda",
                    a + 1,
                    b + 1
                ),
                format!(
                    "{path}: the column {name:?} appears more than once (columns {} and {}); give them different names",
                    a + 1,
                    b + 1
                ),
            )),
        }
    }
}

fn file_failure(data: &DataDir, path: &Path, e: &setara_registry::FileError) -> Error {
    let show_path = |p: &Path| data.show(p);
    // A read that fails for the system's reasons (a disk error) is exit 3; everything the
    // file holds is the file's fault, exit 1.
    let kind = match e {
        setara_registry::FileError::Io(io)
            if !matches!(
                io.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
            ) =>
        {
            ErrorKind::Internal
        }
        _ => ErrorKind::Invalid,
    };
    Error::new(
        kind,
        e.code(),
        format!("{}: {}", show_path(path), e.message(Lang::Id)),
        format!("{}: {}", show_path(path), e.message(Lang::En)),
    )
}

fn cell_failure(
    data: &DataDir,
    path: &Path,
    row: u64,
    column: &str,
    text: &str,
    id: &str,
    en: &str,
) -> Error {
    let show_path = |p: &Path| data.show(p);
    let text: String = text.chars().take(64).collect();
    Error::invalid(
        "value_invalid",
        format!("{}:{row} kolom {column} {text:?}: {id}", show_path(path)),
        format!("{}:{row} column {column} {text:?}: {en}", show_path(path)),
    )
}
