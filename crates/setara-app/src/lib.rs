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

pub mod backup;
pub mod caller;
pub mod clock;
pub mod data_dir;
pub mod demo;
pub mod entitlement;
pub mod error;
pub mod explain;
pub mod generate;
pub mod input;
pub mod ledger;
pub mod memory;
pub mod nik;
pub mod output;
pub mod overlap;
pub mod programme;
pub mod progress;
pub mod ranking;
pub mod region;
pub mod registry;
pub mod review;
pub mod rules;
pub mod stats;
pub mod stores;
pub mod targeting;

/// The domain types that requests and results are made of, for front ends: a front end depends
/// on `setara-app` and `setara-core` only, and names these through here.
pub mod model {
    pub use setara_registry::writer::{Dialect, csv_writer};
    pub use setara_registry::{FindingKind, HOUSEHOLD_FIELDS, PERSON_FIELDS};
    pub use setara_rules::{MAX_RULE_BYTES, Warning as RuleWarning};
    pub use setara_snapshot::{Error as SnapshotError, Snapshot};
    pub use setara_store::{
        Actor, Change, Decision, EntitlementFilter, PairView, SaveMode, Store, StoreError,
    };
    pub use setara_synth::{Config as SynthConfig, ProblemRates};
    pub use setara_targeting::entitlement::State;
    pub use setara_targeting::programme::MAX_PROGRAMME_BYTES;
    pub use setara_targeting::{
        Benefit, Error as ProgrammeError, OrgType, Organisation, Priority, Programme, Rate,
    };
}

use std::sync::Arc;

pub use caller::{Caller, Role};
pub use clock::{Clock, FixedClock, SystemClock};
pub use data_dir::DataDir;
pub use error::{Error, ErrorKind, Result};
pub use progress::{NoProgress, Progress};

/// What every operation works on: the data directory, the clock, the store's connections
/// ([`stores`]: a pool of readers and one writer) and the current ranking, loaded once. Clones
/// share all of it, so one `App` serves many concurrent callers.
#[derive(Clone)]
pub struct App {
    pub data: DataDir,
    pub clock: Arc<dyn Clock>,
    stores: Arc<stores::Stores>,
    ranking: Arc<std::sync::Mutex<Option<Arc<ranking::Ranked>>>>,
}

impl App {
    /// The data directory `data`, with the system clock.
    pub fn new(data: DataDir) -> App {
        App::with_clock(data, Arc::new(SystemClock))
    }

    /// The same, with another clock (tests fix the time).
    pub fn with_clock(data: DataDir, clock: Arc<dyn Clock>) -> App {
        App {
            data,
            clock,
            stores: Arc::default(),
            ranking: Arc::default(),
        }
    }

    /// A connection of the store for reading, from the pool (opened, and the store created on
    /// first use, when none is idle); back in the pool when dropped.
    pub fn reader(&self) -> Result<stores::Reading<'_>> {
        self.stores.reader(&self.data, &self.store_clock())
    }

    /// The store's one connection for writing; other writers of this process wait until it is
    /// dropped.
    pub fn writer(&self) -> Result<stores::Writing<'_>> {
        self.stores.writer(&self.data, &self.store_clock())
    }

    /// Close the store's connections while its file is replaced (restore); see
    /// [`stores::Closed`].
    pub(crate) fn close_stores(&self) -> stores::Closed<'_> {
        let closed = self.stores.close();
        *self.ranking.lock().unwrap_or_else(|p| p.into_inner()) = None;
        closed
    }

    /// Connections idle in the readers' pool.
    pub fn idle_readers(&self) -> usize {
        self.stores.idle_readers()
    }

    /// The latest ranking ([`ranking::load_ranking`]), loaded once and kept while it is the
    /// latest: a new `rank` run, or a new snapshot (which changes `stale`), loads it again.
    pub fn current_ranking(&self) -> Result<Arc<ranking::Ranked>> {
        let store = self.reader()?;
        let latest = store.rankings()?.into_iter().next();
        let mut cached = self.ranking.lock().unwrap_or_else(|p| p.into_inner());
        if let (Some(c), Some(l)) = (cached.as_ref(), latest.as_ref())
            && c.info == *l
            && c.stale == ranking::snapshot_newer_than(self, l)
        {
            return Ok(c.clone());
        }
        let fresh = Arc::new(ranking::load_ranking(self, &*store)?);
        *cached = Some(fresh.clone());
        Ok(fresh)
    }

    /// The app's clock as the store takes it.
    fn store_clock(&self) -> setara_store::StoreClock {
        let clock = self.clock.clone();
        Arc::new(move || clock.now_utc())
    }

    /// Seconds since the Unix epoch, from the app's clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Today's date (UTC) by the app's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        chrono::DateTime::from_timestamp(self.now(), 0)
            .unwrap_or_default()
            .date_naive()
    }
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("data", &self.data).finish()
    }
}
