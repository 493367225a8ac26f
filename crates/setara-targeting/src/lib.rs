//! Programmes and targeting (program dan penetapan sasaran).
//!
//! * [`programme`]: programme definitions — owner organisation and its type, partners in roles,
//!   the Business Model Canvas, area, benefit (cash, or in kind with a rupiah unit value),
//!   budget, cycles, quotas (kuota), eligibility rule and priority order — read from TOML and
//!   checked.
//! * [`select`]: the candidates from the ranked households' columns, filling a cycle's budget
//!   and quotas by priority, and where the cut fell.
//! * [`vulnerability`]: the vulnerable conditions among a household's members (a priority key).
//! * [`frozen`]: a frozen list's members and its content hash.
//! * [`entitlement`]: the states of an entitlement and the transitions allowed between them.
//! * [`accuracy`]: inclusion and exclusion errors against true welfare (Alatas et al. 2012,
//!   Table 3).
//!
//! Pure logic: no file, database or snapshot access. Money is integer rupiah.

pub mod accuracy;
pub mod entitlement;
mod error;
pub mod frozen;
#[doc(hidden)]
pub mod fuzzing;
mod money;
pub mod programme;
pub mod select;
pub mod vulnerability;

pub use accuracy::{Accuracy, Known, Rate, accuracy};
pub use error::Error;
pub use frozen::{ListHeader, SelectionMember, content_hash};
pub use money::rupiah;
pub use programme::{
    Benefit, Canvas, Checked, OrgType, Organisation, Partner, PartnerRole, Priority, Programme,
};
pub use select::{
    Candidate, Cut, Decision, Households, Selection, candidates, cut_of, run_selection, select,
};
