//! A demo registry built in process, as `setara demo` builds it ([`setara_app::demo::run`]):
//! a fresh demo data directory, a synthetic Indonesia generated into `DATA_DIR/input`,
//! imported, and a snapshot taken.

#![allow(dead_code)] // each test binary uses part of it

use setara_app::{App, Caller, DataDir, NoProgress};
use setara_core::Lang;
use setara_store::Actor;

/// The configuration of `setara demo --households N --seed S` (and of `setara generate`):
/// 10 % surveyed, the default injected problems.
pub fn config(households: u64, seed: u64) -> setara_synth::Config {
    let mut c = setara_synth::Config::new(households, seed);
    c.survey_fraction = 0.10;
    c.rates = setara_synth::ProblemRates::default();
    c
}

/// The administrator the demo runs as.
pub fn admin() -> Caller {
    Caller::administrator(Actor("petugas-uji".into()), Lang::En)
}

/// `setara demo --households N --seed S` into `dir/data`, with the system clock.
pub fn demo(dir: &std::path::Path, households: u64, seed: u64) -> App {
    let app = App::new(DataDir::new(dir.join("data")));
    let r = setara_app::demo::run(
        &app,
        &admin(),
        &config(households, seed),
        setara_app::demo::DemoProgress {
            step: &mut |_| {},
            generating: &mut NoProgress,
            importing: &mut NoProgress,
            snapshot: &mut NoProgress,
        },
    )
    .unwrap();
    assert_eq!(r.import.households_added, households);
    app
}
