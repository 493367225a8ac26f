//! The `setara` command: flags, and the rendering of what the application layer
//! (`setara-app`) returns. The binary in `main.rs` only calls [`cli::main`].

#[macro_use]
pub mod output;
pub mod cli;
pub mod commands;
pub mod context;
pub mod failure;
mod help_id;
pub mod input;
pub mod render;
pub mod synth_args;
pub mod targeting;
