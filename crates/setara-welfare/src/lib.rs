//! Welfare ranking: the proxy means test (PMT) and desil.
//!
//! Few households are surveyed (their consumption per capita is measured, with a survey
//! weight); everyone's dwelling, assets, land and members are in the registry. The proxy
//! means test learns, on the surveyed households, how the registry's observable attributes
//! predict the logarithm of consumption per capita, and then predicts it for every household.
//! The predictions (scores) rank households; DTSEN groups the ranking into desil 1..10
//! (1 = the poorest tenth of persons), nationally and within each province and regency, and
//! programmes use desil cut-offs (PKH desil 1-4, Sembako and PBI-JK desil 1-5).
//!
//! The pieces:
//!
//! - [`design`]: the features of a household ([`Design`], [`feature_names`]), computed row by
//!   row from the memory-mapped snapshot, never materialised for all households.
//! - [`pmt`]: the model ([`PmtModel::fit`]): weighted least squares of ln consumption per
//!   capita with regency fixed effects absorbed, HC1 standard errors, K-fold cross-validation
//!   with folds by a hash of the KK number; [`PmtModel::score`] for every household. The model
//!   is `serde`-serialisable and refuses to score a design whose feature names differ.
//! - [`desil`](mod@desil): person-weighted desil from scores ([`desil()`] on a snapshot,
//!   [`desil_from`] on plain slices), national, province and regency from one sort.
//!
//! Everything is pure computation over a [`Snapshot`](setara_snapshot::Snapshot): no I/O,
//! parallel with `std::thread::scope`.
//!
//! ```no_run
//! # fn main() -> Result<(), setara_welfare::Error> {
//! # let snap: setara_snapshot::Snapshot = unimplemented!();
//! let today = chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
//! let model = setara_welfare::PmtModel::fit(&snap, today)?;
//! println!("R² {:.3}, out of sample {:.3}", model.stats.r_squared, model.stats.cv.r_squared);
//! let scores = model.score(&snap, today)?;
//! let desil = setara_welfare::desil(&snap, &scores)?;
//! # let _ = desil; Ok(()) }
//! ```

pub mod design;
pub mod desil;
pub mod mpi;
pub mod pmt;

pub use design::{Design, feature_names};
pub use desil::{
    Desil, DesilLevels, NO_GROUP, desil, desil_from, desil_province_regency, order_key,
};
pub use pmt::{
    Coefficient, CrossValidation, FallbackCounts, FitOptions, FitStats, MAX_SURVEY_WEIGHT,
    MIN_EXTRA_HOUSEHOLDS, MODEL_FORMAT, PmtModel, Sample, fit_sample, fold_of,
};

/// Why a fit, a scoring or a ranking failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Fewer usable surveyed households than features + regencies + [`MIN_EXTRA_HOUSEHOLDS`].
    #[error(
        "too few surveyed households to fit the PMT: {found} usable, at least {needed} needed \
         ({features} features + {regencies} regencies + {extra})",
        extra = MIN_EXTRA_HOUSEHOLDS
    )]
    TooFewSurveyed {
        found: usize,
        needed: usize,
        features: usize,
        regencies: usize,
    },
    /// No surveyed household has a positive, finite survey weight.
    #[error("no surveyed household has a positive survey weight")]
    NoWeights,
    /// The normal equations are not positive definite even after dropping constant and
    /// collinear features.
    #[error("the PMT design is singular after dropping constant and collinear features")]
    Singular,
    /// The model's features are not the design's (fitted by another version).
    #[error(
        "the model does not fit this design: feature {position} is `{model}` in the model, \
         `{design}` in the design"
    )]
    FeatureMismatch {
        position: usize,
        model: String,
        design: String,
    },
    /// An input slice of the wrong length.
    #[error("{what} has length {found}, expected {expected}")]
    Length {
        what: &'static str,
        found: usize,
        expected: usize,
    },
    /// A score is NaN. `row` is the household's row of the snapshot (or of the slices given
    /// to [`desil_from`]); callers name the household by its KK.
    #[error("the score of the household at row {row} is {value}, not a number")]
    NonFiniteScore { row: usize, value: f64 },
    /// A survey weight above [`MAX_SURVEY_WEIGHT`].
    #[error(
        "the survey weight of household (KK) {kk} is {weight:e}: at most {max:e} (a survey weight is how many households a surveyed one stands for)",
        max = MAX_SURVEY_WEIGHT
    )]
    WeightTooLarge { kk: u64, weight: f64 },
    /// The outcome of a surveyed household is not a finite number.
    #[error(
        "the outcome (ln consumption per capita) of household (KK) {kk} is {value}, not a finite number"
    )]
    NonFiniteOutcome { kk: u64, value: f64 },
    /// A fitted quantity the scores need is not a finite number (the sums overflowed).
    #[error(
        "the fitted {what} is not a finite number: the survey weights or the data are of extreme magnitude"
    )]
    NotFinite { what: &'static str },
    /// An invalid option or input value.
    #[error("{0}")]
    Options(String),
}
