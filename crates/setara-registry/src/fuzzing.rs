//! Entry points for the fuzzers in `fuzz/` and for the replay of their corpora in the tests.
//! Each takes any bytes and must never panic; the assertions are the invariants the readers
//! promise.

use std::io::Cursor;

use crate::fields::{HOUSEHOLD_FIELDS, PERSON_FIELDS, blank_household, blank_person};
use crate::limits::{MAX_COLUMNS, MAX_FIELD_BYTES};
use crate::table::{RawRecord, RecordParser, Source};
use crate::{Field, RowError};

/// A household or person table (CSV or XLSX) read record by record and parsed as both
/// record types. Invariants: rows are numbered in increasing order after the header; no
/// field is longer than the limit unless marked; every value a parsed record holds is
/// written as text that reads back to the same value.
pub fn table(data: &[u8]) {
    let Ok(mut src) = Source::open(Box::new(Cursor::new(data.to_vec()))) else {
        return;
    };
    let mut header = RawRecord::default();
    if !matches!(src.next_into(&mut header), Ok(true)) {
        return;
    }
    let households = RecordParser::from_header(HOUSEHOLD_FIELDS, &header, blank_household).ok();
    let persons = RecordParser::from_header(PERSON_FIELDS, &header, blank_person).ok();
    let mut rec = RawRecord::default();
    let mut errors: Vec<RowError> = Vec::new();
    let mut last = header.row;
    while let Ok(true) = src.next_into(&mut rec) {
        assert!(rec.row > last, "row {} after row {last}", rec.row);
        last = rec.row;
        assert!(rec.fields.len() <= MAX_COLUMNS + 1);
        for (i, f) in rec.fields.iter().enumerate() {
            assert!(
                f.len() <= MAX_FIELD_BYTES || rec.too_long.is_some_and(|t| t <= i),
                "field {i} of {} bytes",
                f.len()
            );
        }
        if let Some(p) = &households {
            errors.clear();
            if let Some(h) = p.parse(&rec, &mut errors) {
                reads_back(HOUSEHOLD_FIELDS, &h);
            } else {
                assert!(!errors.is_empty(), "a refused row says why");
            }
        }
        if let Some(p) = &persons {
            errors.clear();
            if let Some(person) = p.parse(&rec, &mut errors) {
                reads_back(PERSON_FIELDS, &person);
            } else {
                assert!(!errors.is_empty(), "a refused row says why");
            }
        }
    }
}

/// Every field of `value` written as text and read back gives the same text.
fn reads_back<T: Clone>(fields: &'static [Field<T>], value: &T) {
    for f in fields {
        let text = (f.get)(value);
        let mut again = value.clone();
        if let Err(reason) = (f.set)(&mut again, text.as_deref()) {
            panic!("{}: {text:?} does not read back: {reason:?}", f.name);
        }
        assert_eq!((f.get)(&again), text, "{}", f.name);
    }
}
