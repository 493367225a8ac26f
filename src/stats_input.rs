//! Reading a value column (with optional weight and group columns) from any CSV or XLSX file for
//! `setara stats --input`.

use std::path::Path;

use setara_core::{Lang, Localized};
use setara_registry::value::parse_decimal;
use setara_registry::{RawRecord, Source};

use crate::failure::{Failure, Kind};

/// The columns read from a file.
#[derive(Debug, Default)]
pub struct Columns {
    pub values: Vec<f64>,
    /// Present when a weight column was named.
    pub weights: Option<Vec<f64>>,
    /// Group index per row (into `group_names`) when a group column was named.
    pub groups: Option<Vec<u32>>,
    pub group_names: Vec<String>,
    /// Rows skipped because the value (or weight) cell was empty.
    pub skipped_empty: u64,
}

/// Read `value` (and `weight`, `group`) columns by header name (case and spacing ignored).
/// A cell that is not a number stops the read with its row and column; an empty value or
/// weight cell skips the row and is counted.
pub fn read_columns(
    path: &Path,
    value: &str,
    weight: Option<&str>,
    group: Option<&str>,
) -> Result<Columns, Failure> {
    let file = std::fs::File::open(path).map_err(|e| Failure::io(path, &e))?;
    let mut source = Source::open(Box::new(std::io::BufReader::with_capacity(1 << 20, file)))
        .map_err(|e| file_failure(path, &e))?;
    let mut rec = RawRecord::default();
    if !source
        .next_into(&mut rec)
        .map_err(|e| file_failure(path, &e))?
    {
        return Err(Failure::invalid(
            "file_empty",
            format!("{}: berkas kosong", path.display()),
            format!("{}: the file is empty", path.display()),
        ));
    }
    let key = |s: &str| setara_core::fold_key(s.trim_start_matches('\u{feff}'), |_| false);
    let find = |name: &str| -> Result<usize, Failure> {
        let k = key(name);
        rec.fields.iter().position(|h| key(h) == k).ok_or_else(|| {
            let have = rec.fields.join(", ");
            Failure::invalid(
                "column_not_found",
                format!(
                    "{}: tidak ada kolom {name:?} (kolom yang ada: {have})",
                    path.display()
                ),
                format!("{}: no column {name:?} (columns: {have})", path.display()),
            )
        })
    };
    let vi = find(value)?;
    let wi = weight.map(find).transpose()?;
    let gi = group.map(find).transpose()?;
    let mut out = Columns {
        weights: wi.map(|_| Vec::new()),
        groups: gi.map(|_| Vec::new()),
        ..Columns::default()
    };
    let mut group_index = std::collections::HashMap::new();
    let number = |rec: &RawRecord, i: usize, name: &str| -> Result<Option<f64>, Failure> {
        let text = rec.fields.get(i).map(|s| s.trim()).unwrap_or("");
        if text.is_empty() {
            return Ok(None);
        }
        if rec.not_utf8 == Some(i) {
            return Err(cell_failure(
                path,
                rec.row,
                name,
                text,
                "teks bukan UTF-8",
                "text is not UTF-8",
            ));
        }
        parse_decimal(text).map(Some).map_err(|r| {
            cell_failure(
                path,
                rec.row,
                name,
                text,
                &r.message(Lang::Id),
                &r.message(Lang::En),
            )
        })
    };
    loop {
        if !source
            .next_into(&mut rec)
            .map_err(|e| file_failure(path, &e))?
        {
            break;
        }
        let v = number(&rec, vi, value)?;
        let w = match wi {
            Some(i) => number(&rec, i, weight.unwrap_or_default())?,
            None => Some(1.0),
        };
        let (Some(v), Some(w)) = (v, w) else {
            out.skipped_empty += 1;
            continue;
        };
        out.values.push(v);
        if let Some(ws) = out.weights.as_mut() {
            ws.push(w);
        }
        if let (Some(gs), Some(i)) = (out.groups.as_mut(), gi) {
            let name = rec
                .fields
                .get(i)
                .map(|s| s.trim().to_string())
                .unwrap_or_default();
            let next = group_index.len() as u32;
            let id = *group_index.entry(name.clone()).or_insert_with(|| {
                out.group_names.push(name);
                next
            });
            gs.push(id);
        }
    }
    Ok(out)
}

fn file_failure(path: &Path, e: &setara_registry::FileError) -> Failure {
    Failure::new(
        Kind::Invalid,
        e.code(),
        format!("{}: {}", path.display(), e.message(Lang::Id)),
        format!("{}: {}", path.display(), e.message(Lang::En)),
    )
}

fn cell_failure(path: &Path, row: u64, column: &str, text: &str, id: &str, en: &str) -> Failure {
    Failure::invalid(
        "value_invalid",
        format!("{}:{row} kolom {column} {text:?}: {id}", path.display()),
        format!("{}:{row} column {column} {text:?}: {en}", path.display()),
    )
}
