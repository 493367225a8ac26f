//! Setara's application layer: the operations people perform, as functions with typed requests
//! and typed results, for every front end (the CLI today, the server next).
//!
//! A front end parses its input into a request, fills a [`Caller`] (who acts, in which
//! language, with which role), calls one function here and renders the result. Everything that
//! must hold whoever calls — checks of the input, the ledger before the store, idempotency of
//! money, time from one [`Clock`] — is here, so no front end can skip it.
//!
//! No printing, no command-line parsing, no environment variables and no current directory:
//! the data directory and the clock are given ([`App`]).
//!
//! Moved here so far (issue #11 is under way): the data directory's layout ([`DataDir`]), the
//! error model ([`Error`], [`ErrorKind`]), the caller, the clock and the ledger's operations
//! ([`ledger`]). The other areas still live in the `setara` binary's `src/commands/`.

pub mod caller;
pub mod clock;
pub mod data_dir;
pub mod demo;
pub mod entitlement;
pub mod error;
pub mod generate;
pub mod input;
pub mod ledger;
pub mod memory;
pub mod output;
pub mod programme;
pub mod progress;
pub mod ranking;
pub mod registry;
pub mod review;
pub mod rules;

use std::sync::Arc;

pub use caller::{Caller, Role};
pub use clock::{Clock, FixedClock, SystemClock};
pub use data_dir::DataDir;
pub use error::{Error, ErrorKind, Result};
pub use progress::{NoProgress, Progress};

/// What every operation works on: the data directory and the clock.
#[derive(Clone)]
pub struct App {
    pub data: DataDir,
    pub clock: Arc<dyn Clock>,
}

impl App {
    /// The data directory `data`, with the system clock.
    pub fn new(data: DataDir) -> App {
        App {
            data,
            clock: Arc::new(SystemClock),
        }
    }

    /// The same, with another clock (tests fix the time).
    pub fn with_clock(data: DataDir, clock: Arc<dyn Clock>) -> App {
        App { data, clock }
    }

    /// Seconds since the Unix epoch, from the app's clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("data", &self.data).finish()
    }
}
