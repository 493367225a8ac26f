//! One module per command.

pub mod backup;
pub mod dedup;
pub mod demo;
pub mod entitlement;
pub mod explain;
pub mod generate;
pub mod household;
pub mod import;
pub mod ledger;
pub mod nik;
pub mod overlap;
pub mod programme;
pub mod rank;
pub mod region;
pub mod review;
pub mod snapshot;
pub mod stats;
pub mod target;
pub mod verify;
