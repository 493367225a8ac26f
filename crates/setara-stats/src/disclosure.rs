//! Disclosure control of published tables: one minimum cell for every table Setara prints or
//! writes (the region table and multidimensional poverty of `setara stats`, the overlap and
//! reach tables of targeting).
//!
//! Two rules, both resting on [`MIN_CELL`]:
//!
//! - an **estimate** (a mean, a Gini, a poverty rate) resting on fewer than [`MIN_CELL`]
//!   observations is never computed or shown ([`estimate_suppressed`]);
//! - a **count** of 1 to `MIN_CELL - 1` households is hidden, and when exactly one cell of a
//!   column is hidden the next smallest is hidden too, so that the total cannot give it away
//!   ([`suppress`]). A count of zero discloses no one and is shown.

/// Cells resting on fewer households (or surveyed households) than this are suppressed.
pub const MIN_CELL: usize = 10;

/// Whether an estimate resting on `n` observations is suppressed (`n < MIN_CELL`, zero
/// included: there is nothing to estimate from).
pub fn estimate_suppressed(n: usize) -> bool {
    n < MIN_CELL
}

/// Which counts of a column are hidden: primary suppression of small cells (1 to
/// `MIN_CELL - 1`), then secondary: when exactly one cell is hidden, the next smallest
/// non-zero cell is hidden too.
pub fn suppress(counts: &[u64]) -> Vec<bool> {
    let min = MIN_CELL as u64;
    let mut s: Vec<bool> = counts.iter().map(|&c| c > 0 && c < min).collect();
    if s.iter().filter(|h| **h).count() == 1 {
        let next = counts
            .iter()
            .enumerate()
            .filter(|&(i, &c)| !s[i] && c > 0)
            .min_by_key(|&(_, &c)| c)
            .map(|(i, _)| i);
        if let Some(i) = next {
            s[i] = true;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_cells_and_one_more_are_suppressed() {
        assert_eq!(suppress(&[100, 5, 50, 20]), [false, true, false, true]);
        assert_eq!(suppress(&[100, 5, 3, 20]), [false, true, true, false]);
        assert_eq!(suppress(&[100, 0, 30]), [false, false, false]);
    }

    #[test]
    fn estimates_need_min_cell_observations() {
        assert!(estimate_suppressed(0));
        assert!(estimate_suppressed(MIN_CELL - 1));
        assert!(!estimate_suppressed(MIN_CELL));
    }
}
