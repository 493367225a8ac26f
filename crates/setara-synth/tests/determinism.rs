//! The same configuration gives byte-identical files, whatever the path through the sink.

mod common;

use setara_synth::{
    Config, CsvOutputs, CsvSink, MemorySink, ProblemRates, Sink, generate, render_csv,
};

#[test]
fn same_config_same_bytes() {
    let config = Config::new(2_500, 2024);
    let a = common::generate_files(&config);
    let b = common::generate_files(&config);
    assert_eq!(a.households, b.households);
    assert_eq!(a.persons, b.persons);
    assert_eq!(a.truth_households, b.truth_households);
    assert_eq!(a.truth_persons, b.truth_persons);
    assert_eq!(a.truth_problems, b.truth_problems);
    assert_eq!(a.manifest, b.manifest);

    let other = common::generate_files(&Config::new(2_500, 2025));
    assert_ne!(a.persons, other.persons);
}

/// A sink that takes households one by one (no rendering on the workers) must see the same
/// households, and `CsvSink` fed that way must write the same bytes.
#[test]
fn household_by_household_path_writes_the_same_bytes() {
    struct OneByOne<S: Sink>(S);
    impl<S: Sink> Sink for OneByOne<S> {
        fn household(
            &mut self,
            h: &setara_core::Household,
            m: &[setara_core::Person],
        ) -> Result<(), setara_synth::Error> {
            self.0.household(h, m)
        }
        fn truth(&mut self, t: &setara_synth::Truth<'_>) -> Result<(), setara_synth::Error> {
            self.0.truth(t)
        }
        fn manifest(&mut self, m: &setara_synth::Manifest) -> Result<(), setara_synth::Error> {
            self.0.manifest(m)
        }
    }
    let config = Config::new(1_200, 9);
    let fast = common::generate_files(&config);
    let outputs = CsvOutputs::open_with(|_| Ok::<_, std::io::Error>(Vec::new())).unwrap();
    let mut slow = OneByOne(CsvSink::new(outputs).unwrap());
    generate(&config, &mut slow, &mut |_| {}).unwrap();
    let out = slow.0.finish().unwrap();
    assert_eq!(fast.households, out.households);
    assert_eq!(fast.persons, out.persons);
    assert_eq!(fast.truth_persons, out.truth_persons);
    assert_eq!(fast.truth_problems, out.truth_problems);
    assert_eq!(fast.manifest, out.manifest);

    let mut memory = MemorySink::new();
    generate(&config, &mut memory, &mut |_| {}).unwrap();
    let chunk = render_csv(&memory.households, setara_registry::writer::Dialect::Plain).unwrap();
    let header_len = |b: &[u8]| b.iter().position(|&x| x == b'\n').unwrap() + 1;
    assert_eq!(
        &fast.persons[header_len(&fast.persons)..],
        &chunk.parts[1][..]
    );
}

/// The true population does not depend on the problem rates or the survey fraction.
#[test]
fn problems_and_survey_do_not_change_the_population() {
    let clean = Config {
        rates: ProblemRates::none(),
        survey_fraction: 0.0,
        ..Config::new(800, 3)
    };
    let noisy = Config {
        survey_fraction: 0.5,
        ..Config::new(800, 3)
    };
    let (mut a, mut b) = (MemorySink::new(), MemorySink::new());
    generate(&clean, &mut a, &mut |_| {}).unwrap();
    let mut seen = Vec::new();
    generate(&noisy, &mut b, &mut |n| seen.push(n)).unwrap();
    assert_eq!(seen.last(), Some(&800));
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(a.households.len(), b.households.len());
    for (x, y) in a.households.iter().zip(&b.households) {
        assert_eq!(x.truth.kk, y.truth.kk);
        assert_eq!(
            x.truth.consumption_per_capita,
            y.truth.consumption_per_capita
        );
        assert_eq!(x.member_truth[..], y.member_truth[..x.member_truth.len()]);
        assert_eq!(x.household.dwelling, y.household.dwelling);
    }
    assert_eq!(a.households.iter().filter(|h| h.truth.surveyed).count(), 0);
}
