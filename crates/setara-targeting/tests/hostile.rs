//! Hostile programme files (issue 10, findings 12 and 15): money beyond the ceiling, binary and
//! enormous files, deep TOML nesting, control characters in names. Each is an error with a
//! stable code that names the field, never a wrapped, saturated or panicking number.

use proptest::prelude::*;
use setara_core::{Localized, Regions, Rupiah};
use setara_targeting::Programme;
use setara_targeting::programme::MAX_PROGRAMME_BYTES;

const BASE: &str = r#"
code = "UJI-1"
name = "Program uji"
area = "32"
budget_per_cycle = 1_000_000_000
cycles = 2
rule = "desil <= 4"

[owner]
code = "dinsos-32"
name = "Dinas Sosial"
type = "government"

[benefit]
kind = "cash"
rupiah_per_household = 750_000
"#;

fn with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from}");
    BASE.replace(from, to)
}

/// The error code of reading and checking `text`, or "ok".
fn code(text: &str) -> &'static str {
    match Programme::from_toml_bytes(text.as_bytes())
        .and_then(|p| p.check(Regions::kemendagri_2025()))
    {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

fn message(text: &str) -> String {
    let e = Programme::from_toml_bytes(text.as_bytes())
        .and_then(|p| p.check(Regions::kemendagri_2025()))
        .unwrap_err();
    e.message(setara_core::Lang::En)
}

#[test]
fn the_base_programme_is_valid() {
    assert_eq!(code(BASE), "ok");
}

#[test]
fn money_above_the_ceiling_is_refused_naming_the_field() {
    let b = "rupiah_per_household = 750_000";
    // Finding 12: Rp9.2e18 previewed as a negative cost; 2^62 as Rp0.
    for v in [
        "9200000000000000000",
        "4611686018427387904",
        "1_000_000_000_000_001",
    ] {
        let t = with(b, &format!("rupiah_per_household = {v}"));
        assert_eq!(code(&t), "programme_money_out_of_range", "{v}");
        assert!(
            message(&t).contains("benefit.rupiah_per_household"),
            "{}",
            message(&t)
        );
    }
    let t = with(b, &format!("rupiah_per_household = {}", Rupiah::MAX));
    let t = t.replace(
        "budget_per_cycle = 1_000_000_000",
        &format!("budget_per_cycle = {}", Rupiah::MAX),
    );
    assert_eq!(code(&t), "ok");
    let t = with(
        "budget_per_cycle = 1_000_000_000",
        "budget_per_cycle = 9223372036854775807",
    );
    assert_eq!(code(&t), "programme_money_out_of_range");
    assert!(message(&t).contains("budget_per_cycle"));
    // Beyond i64: a TOML error, not a wrapped number.
    let t = with(
        "budget_per_cycle = 1_000_000_000",
        "budget_per_cycle = 9223372036854775808",
    );
    assert_eq!(code(&t), "programme_toml");
    let t = with("budget_per_cycle = 1_000_000_000", "budget_per_cycle = -5");
    assert_eq!(code(&t), "programme_empty_budget");
    let t = with(b, "rupiah_per_household = -750_000");
    assert_eq!(code(&t), "programme_invalid");
}

#[test]
fn in_kind_products_and_contributions_are_checked() {
    let kind = "kind = \"cash\"\nrupiah_per_household = 750_000";
    // units × unit value overflows i64: an error, not i64::MAX.
    let t = with(
        kind,
        "kind = \"in_kind\"\nitem = \"Beras\"\nunits = 4611686018427387904\nunit_value = 4",
    );
    assert_eq!(code(&t), "money_overflow");
    // Each within the ceiling, the product above it.
    let t = with(
        kind,
        "kind = \"in_kind\"\nitem = \"Beras\"\nunits = 1_000_000\nunit_value = 1_000_000_000_000",
    );
    assert_eq!(code(&t), "programme_money_out_of_range");
    let t = with(
        kind,
        "kind = \"in_kind\"\nitem = \"Beras\"\nunits = 2\nunit_value = 1_000_000_000_000_001",
    );
    assert_eq!(code(&t), "programme_money_out_of_range");
    assert!(message(&t).contains("benefit.unit_value"));
    let partner = |money: &str| {
        format!(
            "{BASE}\n[[partners]]\ncode = \"csr-a\"\nname = \"A\"\ntype = \"csr\"\nrole = \"funder\"\ncontribution_per_cycle = {money}\n"
        )
    };
    assert_eq!(code(&partner("5_000_000")), "ok");
    assert_eq!(
        code(&partner("1_000_000_000_000_001")),
        "programme_money_out_of_range"
    );
    assert_eq!(code(&partner("-1")), "programme_invalid");
    // Two partners at the ceiling: each fine, together above it.
    let two = format!(
        "{}\n[[partners]]\ncode = \"csr-b\"\nname = \"B\"\ntype = \"csr\"\nrole = \"funder\"\ncontribution_per_cycle = {}\n",
        partner(&Rupiah::MAX.to_string()),
        Rupiah::MAX
    );
    assert_eq!(code(&two), "programme_money_out_of_range");
}

#[test]
fn quotas_priorities_and_partners_have_limits() {
    let q = |n: &str| format!("{BASE}\n[quotas]\n\"32.04\" = {n}\n");
    assert_eq!(code(&q("100")), "ok");
    assert_eq!(code(&q("1_000_000_001")), "programme_invalid");
    assert_eq!(code(&q("-1")), "programme_toml");
    let t = with("rule = ", "priority = [\"desil\", \"desil\"]\nrule = ");
    assert_eq!(code(&t), "programme_invalid");
    let mut many = BASE.to_string();
    for i in 0..101 {
        many += &format!(
            "\n[[partners]]\ncode = \"p{i}\"\nname = \"P\"\ntype = \"ngo\"\nrole = \"evaluator\"\n"
        );
    }
    assert_eq!(code(&many), "programme_too_many");
    // The same partner twice in one role.
    let dup = format!(
        "{BASE}\n[[partners]]\ncode = \"unpad\"\nname = \"U\"\ntype = \"campus\"\nrole = \"evaluator\"\n\n[[partners]]\ncode = \"unpad\"\nname = \"U\"\ntype = \"campus\"\nrole = \"evaluator\"\n"
    );
    assert_eq!(code(&dup), "programme_invalid");
}

#[test]
fn names_and_texts_are_one_clean_line() {
    for (from, to, want) in [
        (
            "name = \"Program uji\"",
            "name = \"Program\\u001b[31m uji\"",
            "text_control_character",
        ),
        (
            "name = \"Program uji\"",
            "name = \"Program\\u0000\"",
            "text_control_character",
        ),
        (
            "name = \"Program uji\"",
            "name = \"Program\\nOwner: palsu\"",
            "text_control_character",
        ),
        (
            "name = \"Program uji\"",
            "name = \"Program \\u202e uji\"",
            "text_control_character",
        ),
        (
            "name = \"Dinas Sosial\"",
            "name = \"Dinas\\tSosial\"",
            "text_control_character",
        ),
        ("name = \"Dinas Sosial\"", "name = \"\"", "text_empty"),
        (
            "cycles = 2",
            "cycles = 2\ndescription = \"baris\\nkedua\"",
            "text_control_character",
        ),
        (
            "name = \"Program uji\"",
            "name = \"Program uji\"\ndescription = \"Bantuan\"",
            "ok",
        ),
    ] {
        assert_eq!(code(&with(from, to)), want, "{to}");
    }
    let long = "x".repeat(201);
    assert_eq!(
        code(&with(
            "name = \"Program uji\"",
            &format!("name = \"{long}\"")
        )),
        "text_too_long"
    );
    let canvas = format!("{BASE}\n[canvas]\nchannels = \"bank\\u0007\"\n");
    assert_eq!(code(&canvas), "text_control_character");
    assert!(message(&canvas).contains("canvas.channels"));
}

#[test]
fn codes_are_a_safe_set_of_characters() {
    // As TOML strings.
    for bad in [
        "\"UJI 1\"",
        "\"UJI/1\"",
        "\"../etc\"",
        "\"-rf\"",
        "\"UJI\\u001b\"",
        "\"\"",
        "\".hidden\"",
    ] {
        let t = with("code = \"UJI-1\"", &format!("code = {bad}"));
        assert_eq!(code(&t), "programme_invalid", "{bad:?}");
        assert!(!message(&t).contains('\u{1b}'));
    }
    let t = with("code = \"dinsos-32\"", "code = \"dinsos 32\"");
    assert_eq!(code(&t), "programme_invalid");
}

#[test]
fn a_file_that_is_not_utf8_text_or_too_large_is_refused() {
    let mut bytes = b"code = \"UJI\"\nname = \"\xff\xfe\"\n".to_vec();
    let e = Programme::from_toml_bytes(&bytes).unwrap_err();
    assert_eq!(e.code(), "programme_not_utf8");
    assert!(e.to_string().contains("line 2"), "{e}");
    bytes = vec![0u8; 64];
    let e = Programme::from_toml_bytes(&bytes).unwrap_err();
    assert_eq!(e.code(), "programme_toml");
    assert!(!e.message(setara_core::Lang::En).contains('\0'));
    let big = format!("{BASE}\n# {}\n", "x".repeat(MAX_PROGRAMME_BYTES));
    assert_eq!(code(&big), "programme_file_too_large");
    // A TOML error quoting a megabyte-long line is shortened.
    let long_line = format!("{BASE}\nx = {}\n", "1".repeat(500_000));
    let m = message(&long_line);
    assert!(m.len() < 5_000, "{} bytes", m.len());
}

/// Finding 15's neighbour: `a = [[[[…` 100,000 deep must not overflow the stack of the TOML
/// reader (its own recursion limit holds) — on a thread with a small stack.
#[test]
fn deep_toml_nesting_is_an_error_not_a_crash() {
    for (open, close) in [("[", "]"), ("{a=", "}")] {
        let text = format!("a = {}1{}\n", open.repeat(100_000), close.repeat(100_000));
        let bytes = text.into_bytes();
        let got = std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(512 * 1024)
                .spawn_scoped(s, || Programme::from_toml_bytes(&bytes).map(|_| ()))
                .unwrap()
                .join()
                .unwrap()
        });
        assert_eq!(got.unwrap_err().code(), "programme_toml");
    }
    let dotted = format!("{}= 1\n", "a.".repeat(100_000) + "b ");
    assert_eq!(code(&dotted), "programme_toml");
}

#[test]
fn the_fuzzing_entry_accepts_anything() {
    setara_targeting::fuzzing::programme_toml(BASE.as_bytes());
    setara_targeting::fuzzing::programme_toml(b"\xff\x00[[[");
    setara_targeting::fuzzing::programme_toml(
        &with(
            "rupiah_per_household = 750_000",
            "rupiah_per_household = 9223372036854775807",
        )
        .into_bytes(),
    );
}

proptest! {
    /// Any amounts: either the check refuses them, or every amount and the cost of any number
    /// of households up to the budget is within the ceiling — computed without overflow.
    #[test]
    fn checked_money_stays_within_the_ceiling(
        benefit in prop_oneof![1i64..=2_000_000, (1i64 << 40)..=i64::MAX, Just(i64::MAX), Just(1i64 << 62)],
        budget in prop_oneof![0i64..=10_000_000_000, (1i64 << 40)..=i64::MAX],
        units in 1i64..=i64::MAX,
        in_kind in any::<bool>(),
    ) {
        let benefit_toml = if in_kind {
            format!("kind = \"in_kind\"\nitem = \"Beras\"\nunits = {units}\nunit_value = {benefit}")
        } else {
            format!("kind = \"cash\"\nrupiah_per_household = {benefit}")
        };
        let text = with("kind = \"cash\"\nrupiah_per_household = 750_000", &benefit_toml)
            .replace("budget_per_cycle = 1_000_000_000", &format!("budget_per_cycle = {budget}"));
        match Programme::from_toml_bytes(text.as_bytes()).unwrap().check(Regions::kemendagri_2025()) {
            Ok(c) => {
                prop_assert!(c.rupiah_per_household >= 1 && c.rupiah_per_household <= Rupiah::MAX);
                prop_assert!(budget <= Rupiah::MAX && c.rupiah_per_household <= budget);
                let want = if in_kind { i128::from(units) * i128::from(benefit) } else { i128::from(benefit) };
                prop_assert_eq!(i128::from(c.rupiah_per_household), want);
            }
            Err(e) => {
                let code = e.code();
                prop_assert!(
                    matches!(code, "programme_money_out_of_range" | "money_overflow" | "programme_invalid" | "programme_empty_budget"),
                    "{}", code
                );
                let too_big = i128::from(benefit) * if in_kind { i128::from(units) } else { 1 } > i128::from(Rupiah::MAX)
                    || budget > Rupiah::MAX;
                let too_small = budget == 0 || i128::from(budget) < i128::from(benefit) * if in_kind { i128::from(units) } else { 1 };
                prop_assert!(too_big || too_small, "refused {} for benefit {} × {} budget {}", code, benefit, units, budget);
            }
        }
    }
}
