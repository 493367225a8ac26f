//! Accuracy against known true pairs: precision, recall and F1.
//!
//! For measuring, never for training: nothing in the linkage reads true pairs.

use std::collections::HashSet;
use std::hash::Hash;

use serde::Serialize;

/// Counts and rates of a set of predicted pairs against the true pairs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Accuracy {
    pub predicted: usize,
    pub true_pairs: usize,
    pub true_positives: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Accuracy {
    /// From counts.
    pub fn from_counts(predicted: usize, true_pairs: usize, true_positives: usize) -> Accuracy {
        let precision = if predicted == 0 {
            0.0
        } else {
            true_positives as f64 / predicted as f64
        };
        let recall = if true_pairs == 0 {
            0.0
        } else {
            true_positives as f64 / true_pairs as f64
        };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Accuracy {
            predicted,
            true_pairs,
            true_positives,
            precision,
            recall,
            f1,
        }
    }
}

/// Compare predicted pairs with true pairs. With `unordered` (a deduplication), (a, b) and
/// (b, a) are the same pair. Duplicates in either list count once.
pub fn accuracy<T: Eq + Hash + Clone + Ord>(
    predicted: impl IntoIterator<Item = (T, T)>,
    truth: impl IntoIterator<Item = (T, T)>,
    unordered: bool,
) -> Accuracy {
    let norm = |(a, b): (T, T)| {
        if unordered && b < a { (b, a) } else { (a, b) }
    };
    let truth: HashSet<(T, T)> = truth.into_iter().map(norm).collect();
    let predicted: HashSet<(T, T)> = predicted.into_iter().map(norm).collect();
    let tp = predicted.iter().filter(|p| truth.contains(*p)).count();
    Accuracy::from_counts(predicted.len(), truth.len(), tp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        let a = accuracy(
            [("b", "a"), ("c", "d"), ("x", "y")],
            [("a", "b"), ("c", "d"), ("e", "f"), ("g", "h")],
            true,
        );
        assert_eq!(a.true_positives, 2);
        assert_eq!(a.precision, 2.0 / 3.0);
        assert_eq!(a.recall, 0.5);
        assert!((a.f1 - 4.0 / 7.0).abs() < 1e-12);
        let a = accuracy([("b", "a")], [("a", "b")], false);
        assert_eq!(a.true_positives, 0);
    }
}
