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

    /// A value's magnitude is above [`MAX_ABS_VALUE`](crate::MAX_ABS_VALUE).
    #[error(
        "value at index {index} is {value:e}: values must lie within ±1e30 (beyond that the sums and squares the measures form overflow 64-bit floating point; rescale the values, e.g. to thousands)"
    )]
    ValueTooLarge {
        /// Position in the values slice.
        index: usize,
        /// The offending value.
        value: f64,
    },

    /// A weight outside [`MIN_WEIGHT`](crate::MIN_WEIGHT)..=[`MAX_WEIGHT`](crate::MAX_WEIGHT).
    #[error(
        "weight at index {index} is {value:e}: weights must lie between 1e-30 and 1e30 (beyond that the sums and products the measures form leave the range of 64-bit floating point; rescale the weights)"
    )]
    WeightOutOfRange {
        /// Position in the weights slice.
        index: usize,
        /// The offending weight.
        value: f64,
    },

    /// A result that is not a finite number although every input is within range: an
    /// intermediate sum, power or reciprocal left the range of 64-bit floating point (for
    /// example a negative power of a value very close to zero).
    #[error(
        "{measure} cannot be computed in 64-bit floating point: an intermediate result is not finite (values very close to zero or of very different magnitudes)"
    )]
    NotFinite {
        /// The measure that was asked for.
        measure: &'static str,
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
