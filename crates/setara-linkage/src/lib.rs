//! Probabilistic record linkage (pencocokan data): find the records that describe the same
//! person in one table (deduplication) or across two tables (linking), with a Fellegi-Sunter
//! model estimated without any labelled pairs.
//!
//! ```text
//!  TOML ─> Config ──────────────┐
//!  rows ─> Table ─> dedup/link ─┴─> blocking (union of rules, each pair once)
//!                                    ─> comparison vectors (one level per column)
//!                                    ─> training: u from all pairs, m and λ by EM
//!                                    ─> scored pairs with per-column weights ─> clusters
//! ```
//!
//! - [`Config`] — blocking rules, one comparison per column with its comparator, training
//!   settings and thresholds, from TOML text ([`Config::from_toml`]; format in
//!   `docs/linkage.md`), checked against a table's columns ([`Config::validate`]).
//! - [`Table`] — the records: named columns of strings, empty = null.
//! - [`dedup`] and [`link`] — run everything and return a [`Linkage`]: the scored pairs above
//!   `min_probability` (ids, match weight, match probability, each column's level and weight
//!   via [`Linkage::explain`]), the trained [`Model`] (m and u per level, λ) and [`Stats`].
//! - [`Linkage::clusters`] — entities as connected components above a threshold.
//! - [`names`] — Indonesian personal names: titles, Muhammad variants, old spelling, tokens.
//! - [`eval`] — precision, recall and F1 against true pairs, for measuring only.
//!
//! How the model is estimated, and why no true pair is ever needed, is described in
//! [`model`].
//!
//! **Architecture invariant:** pure — no files, no network, no clock except for the phase
//! timings in [`Stats`]; the same input and configuration give the same pairs, whatever the
//! number of threads.

mod cluster;
mod config;
mod error;
pub mod eval;
#[doc(hidden)]
pub mod fuzzing;
mod linkage;
pub mod model;
pub mod names;
mod prepare;
pub mod strings;
mod table;

pub use cluster::{Clusters, cluster_pairs};
pub use config::{
    BlockingRule, Comparator, Comparison, Config, DEFAULT_MAX_CANDIDATE_PAIRS, DateFormat, Key,
    KeyFunction, MAX_BLOCKING_RULES, MAX_COMPARISONS, MAX_CONFIG_BYTES, MAX_EM_ITERATIONS,
    MAX_KEYS_PER_RULE, MAX_LEVELS, MAX_NAME_CHARS, MAX_U_SAMPLE_PAIRS, Training,
};
pub use error::{Block, Error, PairExplosion, Result, RulePairs};
pub use linkage::{
    Explanation, FieldScore, Kind, Linkage, MAX_ROWS, ScoredPair, Stats, dedup, link,
};
pub use model::{FieldModel, LevelModel, Model, Stratum};
pub use prepare::MAX_COMPARED_BYTES;
pub use table::Table;
