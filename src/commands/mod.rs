//! One module per command.

pub mod demo;
pub mod generate;
pub mod household;
pub mod import;
pub mod nik;
pub mod region;
pub mod snapshot;
pub mod stats;
