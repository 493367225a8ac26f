//! Where time comes from. Every timestamp an operation writes (a ledger entry's time, and
//! through [`setara_store::Store::set_clock`] every stamp the store writes: changes, history,
//! the access log, runs) is read from the app's clock, so a test can fix it.

use std::sync::atomic::{AtomicI64, Ordering};

/// A source of the current time, in seconds since the Unix epoch.
pub trait Clock: Send + Sync {
    fn now(&self) -> i64;

    /// The same as a date and time (finer than a second where the clock is).
    fn now_utc(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(self.now(), 0).unwrap_or_default()
    }
}

/// The system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        chrono::Utc::now().timestamp()
    }

    fn now_utc(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }
}

/// A clock that says what it is told (tests).
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    pub fn new(now: i64) -> FixedClock {
        FixedClock(AtomicI64::new(now))
    }

    pub fn set(&self, now: i64) {
        self.0.store(now, Ordering::Relaxed)
    }
}

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }
}
