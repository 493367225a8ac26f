//! Hostile rules (issue 10, finding 7): deep nesting, long chains of `not`, huge chains of `or`,
//! control characters, bad escapes. Each is a clear error with a stable code and a position, or
//! — for a long flat chain within the limits — a rule that is checked, evaluated and explained
//! without recursion. None may overflow the stack.

mod common;

use proptest::prelude::*;
use setara_core::{Lang, Localized};
use setara_rules::{
    Context, ErrorKind, MAX_RULE_BYTES, MAX_RULE_DEPTH, MAX_RULE_TERMS, Rule, WarningKind, parse,
};

fn context() -> Context {
    Context {
        programmes: vec!["PKH".into()],
        ranking: true,
    }
}

fn code(source: &str) -> &'static str {
    match Rule::compile(source, &context()) {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

/// Run `f` on a thread with a stack of 1 MiB, half what evaluation threads get: in this
/// unoptimised build, a rule within the limits must fit in it.
fn on_small_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn_scoped(s, f)
            .unwrap()
            .join()
            .unwrap()
    })
}

#[test]
fn five_thousand_nested_parentheses_are_too_deep() {
    let source = format!("{}desil <= 4{}", "(".repeat(5_000), ")".repeat(5_000));
    let e = on_small_stack(|| Rule::compile(&source, &context())).unwrap_err();
    assert_eq!(e.code(), "rule_too_deep");
    assert_eq!(
        e.kind,
        ErrorKind::TooDeep {
            max: MAX_RULE_DEPTH
        }
    );
    // At the first parenthesis past the limit.
    assert_eq!((e.line, e.column), (1, MAX_RULE_DEPTH + 1));
    let shown = e.render(&source, Lang::En);
    assert!(shown.contains("deeper than 32"), "{shown}");
    assert!(shown.len() < 1_000, "the caret line is a window: {shown}");
    assert!(shown.contains('^'));
}

#[test]
fn nesting_up_to_the_limit_is_fine() {
    let depth = MAX_RULE_DEPTH;
    let source = format!("{}desil <= 4{}", "(".repeat(depth), ")".repeat(depth));
    assert_eq!(code(&source), "ok");
    let source = format!("{}surveyed", "not ".repeat(depth));
    assert_eq!(code(&source), "ok");
    let source = format!("{}surveyed", "not ".repeat(depth + 1));
    assert_eq!(code(&source), "rule_too_deep");
    // Nested lists and calls count too.
    let source = format!("desil in {}1{}", "[".repeat(5_000), "]".repeat(5_000));
    assert_eq!(on_small_stack(|| code(&source)), "rule_too_deep");
    let source = format!("{}true{}", "known(".repeat(5_000), ")".repeat(5_000));
    assert_eq!(on_small_stack(|| code(&source)), "rule_too_deep");
}

#[test]
fn a_hundred_thousand_nots_are_too_long() {
    let source = format!("{}surveyed", "not ".repeat(100_000));
    let e = on_small_stack(|| Rule::compile(&source, &context())).unwrap_err();
    assert_eq!(e.code(), "rule_too_long");
    assert!(matches!(e.kind, ErrorKind::TooLong { max, .. } if max == MAX_RULE_BYTES));
    let shown = e.render(&source, Lang::Id);
    assert!(shown.contains("65536"), "{shown}");
    assert!(shown.len() < 1_000, "{shown}");
    // A thousand fit in the bytes, not in the depth.
    let source = format!("{}surveyed", "not ".repeat(1_000));
    assert_eq!(on_small_stack(|| code(&source)), "rule_too_deep");
}

#[test]
fn thirty_thousand_or_clauses_are_too_long() {
    let source = vec!["desil <= 4"; 30_000].join(" or ");
    assert_eq!(on_small_stack(|| code(&source)), "rule_too_long");
}

#[test]
fn more_terms_than_the_limit_is_an_error() {
    let source = format!("desil in [{}]", vec!["1"; MAX_RULE_TERMS + 1].join(","));
    assert!(source.len() < MAX_RULE_BYTES);
    let e = Rule::compile(&source, &context()).unwrap_err();
    assert_eq!(e.code(), "rule_too_many_terms");
    assert_eq!(e.line, 1);
}

/// A long flat chain within the limits (3,000 clauses, 9,001 terms) is one node: checked, evaluated on 1 and
/// 2 threads and explained on a small stack, with the same answer as one clause.
#[test]
fn a_long_flat_chain_is_evaluated_without_recursion() {
    let fixture = common::Fixture::new();
    let inputs = fixture.inputs();
    let ctx = Context::of(&inputs);
    let n = 3_000;
    for (joiner, clause) in [(" or ", "desil<=3"), (" and ", "members>=1")] {
        let source = vec![clause; n].join(joiner);
        assert!(source.len() <= MAX_RULE_BYTES);
        let one = Rule::compile(clause, &ctx)
            .unwrap()
            .evaluate(&inputs)
            .unwrap();
        let (bits, explained) = on_small_stack(|| {
            let rule = Rule::compile(&source, &ctx).unwrap();
            let bits = rule.evaluate_with_threads(&inputs, 2).unwrap();
            let e = rule.explain(&inputs, 0, Lang::En).unwrap();
            assert_eq!(e.children.len(), n);
            let _ = e.to_string();
            (bits, e.result)
        });
        assert_eq!(bits, one, "{joiner}");
        assert_eq!(explained, one.get(0));
    }
}

#[test]
fn control_characters_are_refused_even_in_comments() {
    for source in [
        "desil <= 4\0",
        "desil <= 4 # \u{1b}[31mred",
        "floor == \"earth\u{7}\"",
        "floor == \"ea\trth\"",
        "desil <= 4 # \u{202e}gnp.exe",
    ] {
        let e = Rule::compile(source, &context()).unwrap_err();
        assert_eq!(e.code(), "rule_control_character", "{source:?}");
        for lang in [Lang::Id, Lang::En] {
            let shown = e.render(source, lang);
            assert!(
                !shown
                    .chars()
                    .any(|c| c != '\n' && setara_core::text::is_forbidden(c)),
                "{shown:?}"
            );
        }
    }
    // Tabs, carriage returns and newlines between tokens are spaces.
    assert_eq!(code("desil <= 4\r\n\tand surveyed"), "ok");
}

#[test]
fn bad_strings_and_numbers() {
    assert_eq!(code("floor == \"ear\\th\""), "rule_bad_escape");
    assert_eq!(code("floor == \"earth\\"), "rule_bad_escape");
    assert_eq!(code("floor == \"a \\\" b\""), "rule_bad_code");
    assert_eq!(code("floor == \"earth"), "rule_unterminated_string");
    assert_eq!(code("floor == \"ea\nrth\""), "rule_unterminated_string");
    let huge = format!("score < 1{}.5", "0".repeat(400));
    assert_eq!(code(&huge), "rule_bad_number");
    assert_eq!(code("desil <= 99999999999999999999"), "rule_bad_number");
    // A very long name is echoed shortened.
    let long = "x".repeat(50_000);
    let e = Rule::compile(&long, &context()).unwrap_err();
    assert_eq!(e.code(), "rule_unknown_attribute");
    assert!(e.render(&long, Lang::En).len() < 1_000);
}

#[test]
fn warnings_say_when_a_comparison_has_one_answer() {
    let kinds = |source: &str| -> Vec<(&'static str, usize)> {
        Rule::compile(source, &context())
            .unwrap()
            .warnings()
            .iter()
            .map(|w| (w.code(), w.column))
            .collect()
    };
    assert_eq!(kinds("desil <= 11"), [("rule_always_true", 1)]);
    assert_eq!(kinds("desil >= 1"), [("rule_always_true", 1)]);
    assert_eq!(kinds("11 >= desil"), [("rule_always_true", 1)]);
    assert_eq!(kinds("desil <= 10"), [("rule_always_true", 1)]);
    assert_eq!(kinds("desil <= 9"), []);
    assert_eq!(kinds("desil > 10"), [("rule_always_false", 1)]);
    assert_eq!(kinds("desil == 0"), [("rule_always_false", 1)]);
    assert_eq!(kinds("surveyed and rank < 1"), [("rule_always_false", 14)]);
    assert_eq!(kinds("desil in [3, 11]"), [("rule_value_out_of_range", 1)]);
    assert_eq!(
        kinds("desil in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"),
        [("rule_always_true", 1)]
    );
    assert_eq!(kinds("desil in []"), [("rule_always_false", 1)]);
    assert_eq!(
        kinds("members.count(age < 5) >= 0"),
        [("rule_always_true", 1)]
    );
    assert_eq!(
        kinds("members.count(age < 5) < 0"),
        [("rule_always_false", 1)]
    );
    assert_eq!(kinds("members >= 0"), [("rule_always_true", 1)]);
    assert_eq!(kinds("region in []"), [("rule_always_false", 1)]);
    assert_eq!(kinds("members.any(sex in [])"), [("rule_always_false", 13)]);
    assert_eq!(
        kinds("members.any(sex in [\"male\", \"female\"])"),
        [("rule_always_true", 13)]
    );
    assert_eq!(kinds("floor != \"earth\""), []);
}

#[test]
fn a_warning_names_the_attribute_and_its_range_in_both_languages() {
    let source = "surveyed and\n  desil <= 11";
    let rule = Rule::compile(source, &context()).unwrap();
    let w = &rule.warnings()[0];
    assert_eq!(w.kind, WarningKind::AlwaysTrue);
    assert_eq!((w.line, w.column), (2, 3));
    assert_eq!(w.range, Some((1, 10)));
    let en = w.render(source, Lang::En);
    assert!(
        en.starts_with("line 2, column 3: desil is always between 1 and 10"),
        "{en}"
    );
    assert!(en.contains("2 |   desil <= 11"), "{en}");
    assert!(
        w.message(Lang::Id)
            .starts_with("baris 2, kolom 3: desil selalu antara 1 dan 10")
    );
}

#[test]
fn a_rule_in_a_region_keeps_its_own_limits_and_warnings() {
    let area = setara_core::RegionCode::parse("32.04").unwrap();
    let depth = MAX_RULE_DEPTH;
    let deepest = format!("{}desil <= 11{}", "(".repeat(depth), ")".repeat(depth));
    let rule = Rule::compile_in_region(&deepest, area, &context()).unwrap();
    // The comparison, with its parentheses.
    assert_eq!(rule.warnings()[0].column, 1);
    assert_eq!(rule.warnings()[0].span.end, deepest.len());
    let too_deep = format!("({deepest})");
    let e = Rule::compile_in_region(&too_deep, area, &context()).unwrap_err();
    assert_eq!(e.code(), "rule_too_deep");
    assert_eq!(
        e.column,
        depth + 1,
        "the position is in the rule as written"
    );
}

#[test]
fn printing_parses_back_to_the_same_tree() {
    for source in [
        "desil <= 4 and (members.any(age < 6) or region in [\"32\", \"33.01\"])",
        "not not (a or b) and not c < 1",
        "(a or b) or (c and d) and e",
        "x in [(a or b), -1, 2.0, -0.0, 1.5, \"q\\\"\\\\\"] and f(a or b, c)",
        "(a < 1) < 2",
        "members.count(age >= 60) in [1, 2]",
        "score < 12.25 and score >= 1000000000000000000000.0",
    ] {
        let e = parse(source).unwrap();
        let printed = e.to_string();
        let again = parse(&printed).unwrap_or_else(|err| panic!("{printed}: {err}"));
        assert!(e.same_tree(&again), "{source}\n{printed}");
        setara_rules::fuzzing::rule(source.as_bytes());
    }
}

proptest! {
    /// Rules made of the language's own tokens, in any order: never a panic, and whatever
    /// parses prints back to the same tree.
    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(prop::sample::select(vec![
        "desil", "score", "age", "floor", "region", "members", ".", "any", "all", "count",
        "owns", "receives", "known", "(", ")", "[", "]", ",", "and", "or", "not", "in",
        "==", "!=", "<", "<=", ">", ">=", "=", "-", "1", "11", "2.5", "0", "true", "false",
        "\"earth\"", "\"32.04\"", "\"PKH\"", "\"a\\\\b\"", "\"\\q\"", "#c\n", "\n", "\"", "\u{0}",
    ]), 0..40)) {
        let source = tokens.join(" ");
        setara_rules::fuzzing::rule(source.as_bytes());
    }
}
