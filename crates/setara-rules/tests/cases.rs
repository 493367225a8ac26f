//! Data-driven tests: every `tests/cases/*.rule` is parsed, checked and evaluated on the
//! 12-household registry of `common`; the snapshot holds the rendered error (both languages), or
//! the warnings, the selected households and a one-line explanation of every household.

mod common;

use setara_core::{Lang, Localized};
use setara_rules::{Context, Rule, count_persons};

#[test]
fn cases() {
    let fixture = common::Fixture::new();
    let inputs = fixture.inputs();
    let snapshot = &fixture.snapshot;
    insta::glob!("cases/*.rule", |path| {
        let source = std::fs::read_to_string(path).unwrap();
        let mut out = String::new();
        match Rule::compile(&source, &Context::of(&inputs)) {
            Err(e) => {
                out += &e.render(&source, Lang::En);
                out += "\n\n";
                out += &e.render(&source, Lang::Id);
                out += "\n";
            }
            Ok(rule) => {
                for w in rule.warnings() {
                    out += &format!("warning {}: {}\n", w.code(), w.message(Lang::En));
                }
                let selected = rule.evaluate(&inputs).unwrap();
                for threads in [2, 3] {
                    assert_eq!(
                        rule.evaluate_with_threads(&inputs, threads).unwrap(),
                        selected
                    );
                }
                out += &format!(
                    "selected: {} households, {} persons\n",
                    selected.count_ones(),
                    count_persons(&selected, snapshot)
                );
                for row in selected.iter_ones() {
                    out += &format!("  {}\n", snapshot.kk().value(row));
                }
                out += "\n";
                for row in 0..snapshot.household_count() {
                    let e = rule.explain(&inputs, row, Lang::En).unwrap();
                    assert_eq!(e.result, selected.get(row), "row {row}");
                    out += &format!("{} {}\n", snapshot.kk().value(row), e.one_line());
                }
            }
        }
        insta::assert_snapshot!(out);
    });
}

#[test]
fn ranking_attributes_need_a_ranking() {
    let fixture = common::Fixture::new();
    let mut inputs = fixture.inputs();
    inputs.ranking = None;
    let source = "surveyed or desil <= 4";
    let e = Rule::compile(source, &Context::of(&inputs)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 1, column 13: 'desil' needs the welfare ranking, and there is no ranking: run `setara rank` first"
    );
    assert!(
        e.render(source, Lang::Id)
            .contains("jalankan `setara rank` dahulu")
    );
    // A rule checked with a ranking and then evaluated without one fails the same way.
    let rule = Rule::compile(source, &Context::of(&fixture.inputs())).unwrap();
    assert_eq!(rule.evaluate(&inputs).unwrap_err().kind, e.kind);
}
