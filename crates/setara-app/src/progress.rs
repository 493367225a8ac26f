//! How long work tells its caller how far it got: the CLI draws a bar, the server will publish
//! a job's progress. Operations call these; they never draw anything themselves.

/// Progress of one piece of long work, in units the work chooses (households, rows, bytes).
pub trait Progress {
    /// Work in several phases names the phase that starts next (a stable snake_case name such
    /// as `store` or `checksums`, documented by the operation), before its `start`.
    fn phase(&mut self, _name: &'static str) {}
    /// The work starts; `total` units are expected (0: unknown). Called again without a
    /// `finish` between, the total changed (it became known better).
    fn start(&mut self, _total: u64) {}
    /// `done` units are done so far.
    fn set(&mut self, _done: u64) {}
    /// The work is over (successfully or not).
    fn finish(&mut self) {}
}

/// Nobody is watching.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}
