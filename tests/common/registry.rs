//! Registries built in process through `setara-app` for the fixtures of the end-to-end tests
//! (`tests/` and `crates/setara-app/tests/`, which include this file by path): a synthetic
//! Jawa Barat or a demo Indonesia, imported; then ranked, with programmes, a frozen selection
//! and approved entitlements. No `setara` binary runs here.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use setara_app::entitlement::{TransitionRequest, Which};
use setara_app::model::{Actor, SaveMode, State, SynthConfig};
use setara_app::ranking::{RankProgress, RankRequest, RankResult};
use setara_app::targeting::{FreezeRequest, Frozen};
use setara_app::{App, Caller, DataDir, ErrorKind, NoProgress};
use setara_core::{Household, Lang, Person, RegionCode};

/// The actor every fixture acts as (`SETARA_ACTOR` of the binary's tests).
pub const ACTOR: &str = "petugas-uji";

/// An administrator over everything, in English.
pub fn admin() -> Caller {
    Caller::administrator(Actor(ACTOR.into()), Lang::En)
}

/// The application on `DIR/data`, the layout the binary's tests use (`--data-dir DIR/data`).
pub fn app_in(dir: &Path) -> App {
    App::new(DataDir::new(dir.join("data")))
}

/// `examples/programmes/NAME` of the repository.
pub fn example(name: &str) -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    [here.join("examples"), here.join("../../examples")]
        .into_iter()
        .find(|p| p.is_dir())
        .expect("the repository's examples/")
        .join("programmes")
        .join(name)
}

struct Collect(Vec<(Household, Vec<Person>)>);

impl setara_synth::Sink for Collect {
    fn household(
        &mut self,
        household: &Household,
        members: &[Person],
    ) -> Result<(), setara_synth::Error> {
        self.0.push((household.clone(), members.to_vec()));
        Ok(())
    }
}

/// `households` households of Jawa Barat (seed 7, no injected problems, 30% surveyed)
/// imported into the app's store as two source files.
pub fn jawa_barat(app: &App, households: u64) {
    std::fs::create_dir_all(app.data.root()).unwrap();
    let mut config = SynthConfig::new(households, 7);
    config.rates = setara_synth::ProblemRates::none();
    config.survey_fraction = 0.3;
    let mut sink = Collect(Vec::new());
    setara_synth::generate_province(
        &config,
        RegionCode::parse("32").unwrap(),
        households,
        &mut sink,
        &mut |_| {},
    )
    .unwrap();
    let mut store = app.data.open_store().unwrap();
    let mut session = store
        .begin_import(setara_store::ImportMeta {
            actor: Actor("uji".into()),
            mode: "all_or_nothing".into(),
        })
        .unwrap();
    let hf = session.add_source("households", "households.csv").unwrap();
    for (row, (h, _)) in sink.0.iter().enumerate() {
        session.household(hf, row as u64 + 2, h).unwrap();
    }
    let pf = session.add_source("persons", "persons.csv").unwrap();
    let mut row = 2;
    for (_, members) in &sink.0 {
        for p in members {
            session.person(pf, row, p).unwrap();
            row += 1;
        }
    }
    session.finalize().unwrap();
    session.commit().unwrap();
}

/// What `setara demo --households N --seed S` does, through the application layer
/// ([`setara_app::demo::run`]): a synthetic Indonesia (10% surveyed, the default injected
/// problems) generated into `DATA/input` (with `truth/`), imported all or nothing, and a
/// snapshot.
pub fn demo(app: &App, households: u64, seed: u64) {
    let r = setara_app::demo::run(
        app,
        &admin(),
        &SynthConfig::new(households, seed),
        setara_app::demo::DemoProgress {
            step: &mut |_| {},
            generating: &mut NoProgress,
            importing: &mut NoProgress,
            snapshot: &mut NoProgress,
        },
    )
    .unwrap();
    assert!(r.import.committed);
    assert_eq!(r.import.households_added, households);
}

/// Rank the registry with `folds` cross-validation folds (`setara rank` takes 5).
pub fn rank(app: &App, folds: usize) -> RankResult {
    setara_app::ranking::rank(
        app,
        &admin(),
        &RankRequest { folds },
        RankProgress {
            snapshot: &mut NoProgress,
            fitting: &mut NoProgress,
            scoring: &mut NoProgress,
        },
    )
    .unwrap()
}

/// Create the programme of `examples/programmes/FILE`.
pub fn programme(app: &App, file: &str) {
    let toml = std::fs::read_to_string(example(file)).unwrap();
    let p = setara_app::model::Programme::from_toml(&toml).unwrap();
    setara_app::programme::save(app, &admin(), &p, "created", SaveMode::Create).unwrap();
}

/// Freeze cycle 1 of `programme` and move every entitlement of it to approved (proposed →
/// verified → approved, with a reason); approving before verifying is refused for the whole
/// batch. Returns the frozen selection.
pub fn approve(app: &App, programme: &str) -> Frozen {
    let frozen = setara_app::targeting::freeze(
        app,
        &admin(),
        &FreezeRequest {
            programme: programme.into(),
            cycle: None,
        },
    )
    .unwrap();
    assert_eq!(frozen.cycle, 1);
    assert!(frozen.selected > 0);
    let move_all = |from: State, to: State| {
        setara_app::entitlement::transition(
            app,
            &admin(),
            &TransitionRequest {
                which: Which::InState {
                    programme: programme.into(),
                    cycle: Some(1),
                    from,
                },
                to,
                reason: "verval lapangan".into(),
            },
        )
    };
    let e = move_all(State::Proposed, State::Approved).unwrap_err();
    assert_eq!(
        (e.code, e.kind),
        ("entitlement_transition_not_allowed", ErrorKind::Conflict)
    );
    for (from, to) in [
        (State::Proposed, State::Verified),
        (State::Verified, State::Approved),
    ] {
        let r = move_all(from, to).unwrap();
        assert_eq!(r.changed as u64, frozen.selected);
    }
    frozen
}
