//! Targeting accuracy against true welfare, in the form of Alatas, Banerjee, Hanna, Olken and
//! Tobias (2012), "Targeting the Poor", *American Economic Review* 102(4), Table 3: the error
//! rate over all households, the inclusion error among the non-poor, and the exclusion error
//! among the poor and among the very poor.
//!
//! * A household is **poor** when its true monthly consumption per capita is below its poverty
//!   line (`consumption < line`), and **very poor** below `very_poor_factor × line`.
//! * **Error (all households)**: the share of households that are mistargeted — poor and not
//!   selected, or not poor and selected.
//! * **Inclusion error (non-poor)**: the share of non-poor households that are selected.
//! * **Exclusion error (poor / very poor)**: the share of poor (very poor) households that are not
//!   selected.
//! * **Coverage of the poorest 40 %**: the share of households in the poorest 40 % of persons
//!   (by true consumption per capita) that are selected.
//!
//! Shares are weighted: by survey weights when truth comes from the surveyed households, by 1
//! when it comes from a census-like truth (the synthetic `truth/`). Counts are unweighted.

use serde::Serialize;

/// One household whose true consumption is known.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Known {
    pub selected: bool,
    /// True monthly consumption per capita, rupiah.
    pub consumption: i64,
    /// Poverty line that applies to the household, rupiah per capita per month.
    pub line: i64,
    pub persons: u32,
    pub weight: f64,
}

/// One line of the table: errors among a group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Rate {
    /// Households in the group (unweighted).
    pub households: u64,
    /// Households in the group counted as errors (unweighted).
    pub errors: u64,
    /// Weighted share of errors in the group; `None` for an empty group.
    pub rate: Option<f64>,
}

/// The Table 3 lines for one targeting alternative.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Accuracy {
    pub error_all: Rate,
    pub inclusion_non_poor: Rate,
    pub exclusion_poor: Rate,
    pub exclusion_very_poor: Rate,
    /// "errors" here counts the covered households; `rate` is the covered share.
    pub coverage_poorest_40: Rate,
}

#[derive(Default)]
struct Acc {
    households: u64,
    errors: u64,
    weight: f64,
    error_weight: f64,
}

impl Acc {
    fn add(&mut self, error: bool, w: f64) {
        self.households += 1;
        self.weight += w;
        if error {
            self.errors += 1;
            self.error_weight += w;
        }
    }

    fn rate(&self) -> Rate {
        Rate {
            households: self.households,
            errors: self.errors,
            rate: (self.weight > 0.0).then(|| self.error_weight / self.weight),
        }
    }
}

/// Compute the table. `very_poor_factor` is the very-poor line as a share of the poverty line.
pub fn accuracy(known: &[Known], very_poor_factor: f64) -> Accuracy {
    let mut all = Acc::default();
    let mut non_poor = Acc::default();
    let mut poor = Acc::default();
    let mut very_poor = Acc::default();
    for k in known {
        let is_poor = k.consumption < k.line;
        let is_very_poor = (k.consumption as f64) < very_poor_factor * k.line as f64;
        all.add(is_poor != k.selected, k.weight);
        if is_poor {
            poor.add(!k.selected, k.weight);
        } else {
            non_poor.add(k.selected, k.weight);
        }
        if is_very_poor {
            very_poor.add(!k.selected, k.weight);
        }
    }
    // The poorest 40 % of persons: households in order of consumption, until 40 % of the
    // weighted persons lie strictly before the household.
    let mut order: Vec<usize> = (0..known.len()).collect();
    order.sort_by_key(|&i| known[i].consumption);
    let total: f64 = known.iter().map(|k| k.weight * k.persons as f64).sum();
    let mut before = 0.0;
    let mut coverage = Acc::default();
    for i in order {
        let k = &known[i];
        if before >= 0.4 * total {
            break;
        }
        coverage.add(k.selected, k.weight);
        before += k.weight * k.persons as f64;
    }
    Accuracy {
        error_all: all.rate(),
        inclusion_non_poor: non_poor.rate(),
        exclusion_poor: poor.rate(),
        exclusion_very_poor: very_poor.rate(),
        coverage_poorest_40: coverage.rate(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(selected: bool, consumption: i64) -> Known {
        Known {
            selected,
            consumption,
            line: 100,
            persons: 1,
            weight: 1.0,
        }
    }

    #[test]
    fn the_table_by_hand() {
        // Ten households, line 100, very poor below 50:
        // very poor 20, 40 (selected, not); poor 60, 80, 99 (selected, selected, not);
        // non-poor 100, 150 (selected, not), 200, 300, 400 (not).
        let rows = [
            k(true, 20),
            k(false, 40),
            k(true, 60),
            k(true, 80),
            k(false, 99),
            k(true, 100),
            k(false, 150),
            k(false, 200),
            k(false, 300),
            k(false, 400),
        ];
        let a = accuracy(&rows, 0.5);
        // Errors: 40 and 99 excluded while poor, 100 included while not poor.
        assert_eq!(a.error_all.errors, 3);
        assert_eq!(a.error_all.rate, Some(0.3));
        assert_eq!(a.inclusion_non_poor.households, 5);
        assert_eq!(a.inclusion_non_poor.rate, Some(0.2));
        assert_eq!(a.exclusion_poor.households, 5);
        assert_eq!(a.exclusion_poor.rate, Some(0.4));
        assert_eq!(a.exclusion_very_poor.households, 2);
        assert_eq!(a.exclusion_very_poor.rate, Some(0.5));
        // Poorest 40 % of persons: 20, 40, 60, 80 — three of them selected.
        assert_eq!(a.coverage_poorest_40.households, 4);
        assert_eq!(a.coverage_poorest_40.rate, Some(0.75));
    }

    #[test]
    fn weights_count() {
        let mut rows = vec![k(false, 50), k(true, 50)];
        rows[1].weight = 3.0;
        let a = accuracy(&rows, 0.5);
        assert_eq!(a.exclusion_poor.rate, Some(0.25));
        assert_eq!(a.exclusion_poor.errors, 1);
        assert_eq!(accuracy(&[], 0.5).error_all.rate, None);
    }
}
