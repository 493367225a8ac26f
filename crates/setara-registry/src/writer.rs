//! Writing households and persons in the import format, so that generated or exported files
//! read back unchanged.

use std::io::Write;

use setara_core::{Household, Person};

use crate::fields::{Field, HOUSEHOLD_FIELDS, PERSON_FIELDS};

/// CSV dialect: plain (`,`, no BOM) or Excel-friendly (`;` and a UTF-8 BOM, as Excel in an
/// Indonesian locale expects).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialect {
    #[default]
    Plain,
    Excel,
}

impl Dialect {
    pub fn delimiter(self) -> u8 {
        match self {
            Dialect::Plain => b',',
            Dialect::Excel => b';',
        }
    }
}

/// Start a CSV writer in the dialect, writing the BOM when Excel-friendly.
pub fn csv_writer<W: Write>(mut w: W, dialect: Dialect) -> std::io::Result<csv::Writer<W>> {
    if dialect == Dialect::Excel {
        w.write_all("\u{feff}".as_bytes())?;
    }
    Ok(csv::WriterBuilder::new()
        .delimiter(dialect.delimiter())
        .from_writer(w))
}

/// Writes records of one type with every column of its table.
pub struct RecordWriter<T: 'static, W: Write> {
    fields: &'static [Field<T>],
    out: csv::Writer<W>,
    row: Vec<String>,
}

pub type HouseholdWriter<W> = RecordWriter<Household, W>;
pub type PersonWriter<W> = RecordWriter<Person, W>;

impl<W: Write> RecordWriter<Household, W> {
    pub fn households(w: W, dialect: Dialect) -> std::io::Result<Self> {
        RecordWriter::new(HOUSEHOLD_FIELDS, w, dialect)
    }
}

impl<W: Write> RecordWriter<Person, W> {
    pub fn persons(w: W, dialect: Dialect) -> std::io::Result<Self> {
        RecordWriter::new(PERSON_FIELDS, w, dialect)
    }
}

impl<T, W: Write> RecordWriter<T, W> {
    fn new(fields: &'static [Field<T>], w: W, dialect: Dialect) -> std::io::Result<Self> {
        let mut out = csv_writer(w, dialect)?;
        out.write_record(fields.iter().map(|f| f.name))?;
        Ok(RecordWriter {
            fields,
            out,
            row: Vec::with_capacity(fields.len()),
        })
    }

    pub fn write(&mut self, value: &T) -> std::io::Result<()> {
        self.row.clear();
        self.row.extend(
            self.fields
                .iter()
                .map(|f| (f.get)(value).unwrap_or_default()),
        );
        self.out.write_record(&self.row)?;
        Ok(())
    }

    /// Flush and return the inner writer.
    pub fn finish(self) -> std::io::Result<W> {
        self.out.into_inner().map_err(|e| e.into_error())
    }
}
