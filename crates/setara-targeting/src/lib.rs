//! Programmes and targeting (program dan penetapan sasaran).
//!
//! * [`programme`]: programme definitions — owner organisation and its type, partners in roles,
//!   the Business Model Canvas, area, benefit (cash, or in kind with a rupiah unit value),
//!   budget, cycles, quotas (kuota), eligibility rule and priority order — read from TOML and
//!   checked.
//! * [`select`]: fill a cycle's budget and quotas by priority.
//! * [`entitlement`]: the states of an entitlement and the transitions allowed between them.
//! * [`accuracy`]: inclusion and exclusion errors against true welfare (Alatas et al. 2012,
//!   Table 3).
//!
//! Pure logic: no file, database or snapshot access. Money is integer rupiah.

pub mod accuracy;
pub mod entitlement;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod money;
pub mod programme;
pub mod select;

pub use accuracy::{Accuracy, Known, Rate, accuracy};
pub use error::Error;
pub use money::rupiah;
pub use programme::{
    Benefit, Canvas, Checked, OrgType, Organisation, Partner, PartnerRole, Priority, Programme,
};
pub use select::{Candidate, Decision, Selection, select};
