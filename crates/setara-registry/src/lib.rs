//! Registry files: the household and person table formats (CSV and XLSX), parsing and
//! validation of every row, the canonical CSV writer, and the checks an import records as
//! verification findings.
//!
//! Architecture invariant: no file system or database access here. Readers take any
//! `Read + Seek`, writers any `Write`; the CLI opens files and the store persists.

pub mod checks;
pub mod fields;
#[doc(hidden)]
pub mod fuzzing;
pub mod limits;
pub mod problem;
pub mod table;
pub mod value;
pub mod writer;

pub use fields::{Field, HOUSEHOLD_FIELDS, PERSON_FIELDS};
pub use problem::{Finding, FindingKind, Reason, RowError};
pub use table::{FileError, Format, RawRecord, RecordParser, Source};
