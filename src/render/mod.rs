//! Renderings of the application layer's results shared by several commands.

pub mod stats;
