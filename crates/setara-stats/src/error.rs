//! The one error type of the crate.

/// Why a measure could not be computed.
///
/// Every measure returns an error rather than a silently wrong number (`NaN`, `inf`, or a value
/// computed on data outside the measure's domain). Indices refer to positions in the slices the
/// caller passed in.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StatsError {
    /// No observations.
    #[error("no observations: at least one value is required")]
    Empty,

    /// `values` and `weights` have different lengths.
    #[error("{values} values but {weights} weights: the slices must have the same length")]
    LengthMismatch {
        /// Length of the values slice.
        values: usize,
        /// Length of the weights slice.
        weights: usize,
    },

    /// A value is `NaN` or infinite.
    #[error("value at index {index} is {value}: values must be finite")]
    NonFiniteValue {
        /// Position in the values slice.
        index: usize,
        /// The offending value.
        value: f64,
    },

    /// A weight is `NaN` or infinite.
    #[error("weight at index {index} is {value}: weights must be finite")]
    NonFiniteWeight {
        /// Position in the weights slice.
        index: usize,
        /// The offending weight.
        value: f64,
    },

    /// A weight is zero or negative.
    #[error(
        "weight at index {index} is {value}: weights must be > 0 (drop rows with zero weight first)"
    )]
    NonPositiveWeight {
        /// Position in the weights slice.
        index: usize,
        /// The offending weight.
        value: f64,
    },

    /// The total weight is zero or overflows to infinity.
    #[error("total weight is {total}: it must be positive and finite")]
    InvalidTotalWeight {
        /// The computed total weight.
        total: f64,
    },

    /// A value lies outside the domain of the measure (for example a negative income for the
    /// Gini coefficient).
    #[error("{measure} requires values {requirement}; value at index {index} is {value}")]
    OutOfDomain {
        /// The measure that was asked for.
        measure: &'static str,
        /// The domain, in words (for example `">= 0"`).
        requirement: &'static str,
        /// Position of the first offending value.
        index: usize,
        /// The offending value.
        value: f64,
    },

    /// The measure is undefined for this (valid) input, for example the Gini coefficient when
    /// every income is zero.
    #[error("{measure} is undefined: {reason}")]
    Undefined {
        /// The measure that was asked for.
        measure: &'static str,
        /// Why it is undefined.
        reason: &'static str,
    },

    /// A parameter (poverty line, FGT α, probability, Gini target…) is out of range.
    #[error("parameter {name} = {value} is invalid: it must be {requirement}")]
    InvalidParameter {
        /// Name of the parameter.
        name: &'static str,
        /// The value passed.
        value: f64,
        /// The allowed range, in words.
        requirement: &'static str,
    },

    /// Two inputs that must agree in size do not (for example the number of indicators of a
    /// deprivation matrix and the number of indicator weights).
    #[error("size mismatch in {what}: expected {expected}, found {found}")]
    SizeMismatch {
        /// What was counted.
        what: &'static str,
        /// The size required.
        expected: usize,
        /// The size found.
        found: usize,
    },

    /// A statistic failed on a bootstrap replicate (it succeeded on the full sample).
    #[error("bootstrap replicate {replicate} (counting from 0): {source}")]
    BootstrapReplicate {
        /// Index of the replicate, from 0.
        replicate: usize,
        /// The statistic's error on that replicate.
        #[source]
        source: Box<StatsError>,
    },
}
