//! A demo registry built in process, step by step as `setara demo` runs them: a fresh demo
//! data directory, a synthetic Indonesia generated into `DATA_DIR/input`, imported, and a
//! snapshot taken.

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
    let config = config(households, seed);
    setara_app::demo::prepare(&app, &config).unwrap();
    let input = app.data.root().join("input");
    setara_app::generate::generate_into(
        &app.data,
        &config,
        &input,
        setara_app::model::Dialect::Plain,
        false,
        &mut NoProgress,
    )
    .unwrap();
    let report =
        setara_app::demo::import_generated(&app, &admin(), &input, &mut NoProgress).unwrap();
    assert_eq!(report.summary.households_added, households);
    let store = app.reader().unwrap();
    setara_app::registry::take_snapshot(&app, store.as_ref(), &mut NoProgress).unwrap();
    drop(store);
    app
}
