//! Setara's domain core: region codes and the shipped Kemendagri region table, BPS reference
//! figures, identity numbers (NIK, KK), the registry model and user-facing languages.
//!
//! Architecture invariant: this crate does no I/O. The tables it ships are compiled in.

pub mod bps;
pub mod id;
pub mod lang;
pub mod model;
pub mod number;
pub mod plausible;
pub mod region;
pub mod regions;
pub mod text;

pub use bps::{Bps, BpsProvinceStat};
pub use id::{IdError, Kk, Nik};
pub use lang::{Lang, Localized};
pub use model::*;
pub use region::{Level, RegionCode, RegionCodeError};
pub use regions::{Population, Region, RegionLookupError, Regions, normalize_name};
