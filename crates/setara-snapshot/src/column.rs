//! Reading one row of a snapshot column, null or not, without naming Arrow.
//!
//! A snapshot's columns are Arrow arrays ([`Snapshot::disability`](crate::Snapshot::disability),
//! …); their values and their validity are two separate things in Arrow, and asking for the
//! validity needs Arrow's `Array` trait. Callers outside the analytics crates (the CLI, the
//! application layer) should not have to depend on Arrow for that: [`Column::get`] gives the
//! row as an `Option`, `None` where the registry did not know the value. The plain values of
//! a column without nulls stay available as a slice through `values()`.

use arrow_array::types::ArrowPrimitiveType;
use arrow_array::{Array, BooleanArray, PrimitiveArray};

/// A column of a snapshot, read row by row.
pub trait Column {
    /// The value of one row: `u8` for a code, `i32` days for a date, `bool`, …
    type Value;

    /// The value of row `row`, or `None` when it is null (not known).
    ///
    /// # Panics
    /// When `row` is past the end of the column.
    fn get(&self, row: usize) -> Option<Self::Value>;
}

impl<T: ArrowPrimitiveType> Column for PrimitiveArray<T> {
    type Value = T::Native;

    #[inline]
    fn get(&self, row: usize) -> Option<T::Native> {
        self.is_valid(row).then(|| self.value(row))
    }
}

impl Column for BooleanArray {
    type Value = bool;

    #[inline]
    fn get(&self, row: usize) -> Option<bool> {
        self.is_valid(row).then(|| self.value(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::UInt8Array;

    #[test]
    fn nulls_are_none() {
        let codes = UInt8Array::from(vec![Some(3), None, Some(0)]);
        assert_eq!(
            (0..3).map(|i| codes.get(i)).collect::<Vec<_>>(),
            [Some(3), None, Some(0)]
        );
        let flags = BooleanArray::from(vec![None, Some(true), Some(false)]);
        assert_eq!(
            (0..3).map(|i| flags.get(i)).collect::<Vec<_>>(),
            [None, Some(true), Some(false)]
        );
    }
}
