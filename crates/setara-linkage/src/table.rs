//! An in-memory table of records: named columns of strings, an empty string meaning null.

use std::io::Read;

use crate::error::{Error, Result};

/// Records to link: named text columns, row-major input, column-major storage (one text buffer
/// and offsets per column, so a million rows cost little more than their bytes).
///
/// Values are trimmed of surrounding whitespace when added; an empty value is null (unknown).
#[derive(Clone, Debug, Default)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Column>,
    rows: usize,
}

#[derive(Clone, Debug, Default)]
struct Column {
    text: String,
    /// End offset of each row's value in `text`.
    ends: Vec<usize>,
}

impl Table {
    /// An empty table with these column names (which must be distinct and not empty).
    pub fn new<I, S>(names: I) -> Result<Table>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let names: Vec<String> = names
            .into_iter()
            .map(|s| s.into().trim().to_string())
            .collect();
        for (i, n) in names.iter().enumerate() {
            if n.is_empty() {
                return Err(Error::Table(format!("column {} has no name", i + 1)));
            }
            if names[..i].contains(n) {
                return Err(Error::Table(format!("column `{n}` appears twice")));
            }
        }
        let columns = vec![Column::default(); names.len()];
        Ok(Table {
            names,
            columns,
            rows: 0,
        })
    }

    /// Append a row; it must have one value per column.
    pub fn push_row<I, S>(&mut self, values: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut n = 0;
        for (i, v) in values.into_iter().enumerate() {
            let Some(col) = self.columns.get_mut(i) else {
                self.rollback(n);
                return Err(Error::Table(format!(
                    "row {} has more than {} values",
                    self.rows + 1,
                    self.names.len()
                )));
            };
            col.text.push_str(v.as_ref().trim());
            col.ends.push(col.text.len());
            n += 1;
        }
        if n != self.names.len() {
            self.rollback(n);
            return Err(Error::Table(format!(
                "row {} has {n} values, the table has {} columns",
                self.rows + 1,
                self.names.len()
            )));
        }
        self.rows += 1;
        Ok(())
    }

    fn rollback(&mut self, pushed: usize) {
        for col in &mut self.columns[..pushed] {
            col.ends.pop();
            let end = col.ends.last().copied().unwrap_or(0);
            col.text.truncate(end);
        }
    }

    /// Read a table from CSV text with a header row (comma-separated, double quotes; a
    /// UTF-8 byte-order mark is skipped). Every column is kept as text.
    ///
    /// This reader has no limits on line or field length (it serves tests and benchmarks on
    /// known files); the `setara` command reads user files through `setara-registry`, which
    /// has them.
    pub fn read_csv<R: Read>(reader: R) -> Result<Table> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(reader);
        let headers = rdr.headers()?.clone();
        let mut table = Table::new(headers.iter().map(|h| h.trim_start_matches('\u{feff}')))?;
        let mut record = csv::StringRecord::new();
        while rdr.read_record(&mut record)? {
            table.push_row(record.iter())?;
        }
        Ok(table)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The column names, in order.
    pub fn column_names(&self) -> &[String] {
        &self.names
    }

    /// Index of a column by exact name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The value in `row` of column `col` (an empty string for null).
    ///
    /// # Panics
    /// If `row` or `col` is out of range.
    pub fn value(&self, row: usize, col: usize) -> &str {
        let c = &self.columns[col];
        let start = if row == 0 { 0 } else { c.ends[row - 1] };
        &c.text[start..c.ends[row]]
    }

    /// The values of a column, by index.
    pub fn column(&self, col: usize) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.rows).map(move |r| self.value(r, col))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_and_read() {
        let mut t = Table::new(["id", "name"]).unwrap();
        t.push_row(["1", " Budi "]).unwrap();
        t.push_row(["2", ""]).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t.value(0, 1), "Budi");
        assert_eq!(t.value(1, 1), "");
        assert!(t.push_row(["3"]).is_err());
        assert!(t.push_row(["3", "a", "b"]).is_err());
        // A refused row leaves nothing behind.
        t.push_row(["3", "Sari"]).unwrap();
        assert_eq!(t.value(2, 1), "Sari");
        assert_eq!(t.column(0).collect::<Vec<_>>(), ["1", "2", "3"]);
        assert!(Table::new(["a", "a"]).is_err());
        assert!(Table::new(["a", " "]).is_err());
    }

    #[test]
    fn csv() {
        let t = Table::read_csv("\u{feff}id,name\n1,\"Santoso, Budi\"\n2,\n".as_bytes()).unwrap();
        assert_eq!(t.column_names(), ["id", "name"]);
        assert_eq!(t.value(0, 1), "Santoso, Budi");
        assert_eq!(t.value(1, 1), "");
        assert!(Table::read_csv("a,b\n1\n".as_bytes()).is_err());
    }
}
