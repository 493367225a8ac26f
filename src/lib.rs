//! The `setara` command and the glue between Setara's library crates: importing files into the
//! store, snapshots, the demo. The binary in `main.rs` only calls [`cli::main`].

#[macro_use]
pub mod output;
pub mod cli;
pub mod commands;
pub mod context;
pub mod failure;
mod help_id;
pub mod import;
pub mod input;
pub mod render;
pub mod targeting;
