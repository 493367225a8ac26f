//! Eligibility rules (aturan kelayakan): a small expression language over household attributes,
//! type-checked against the attribute schema and evaluated as bitmaps over a columnar
//! [`Snapshot`](setara_snapshot::Snapshot).
//!
//! ```text
//! # PKH-like: poor households with a young child in Kabupaten Bandung, not yet served
//! desil <= 4
//!   and members.any(age < 6)
//!   and region in "32.04"
//!   and not receives("PKH")
//! ```
//!
//! # Use
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::collections::HashMap;
//! use setara_rules::{Context, Inputs, Rule, count_persons};
//!
//! let snapshot = setara_snapshot::Snapshot::open_latest("data/snapshots")?;
//! let programmes = HashMap::new();
//! let inputs = Inputs {
//!     snapshot: &snapshot,
//!     reference_date: chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
//!     ranking: None,
//!     programmes: &programmes,
//! };
//! let source = r#"members.any(age >= 60) and floor == "tanah""#;
//! let rule = match Rule::compile(source, &Context::of(&inputs)) {
//!     Ok(rule) => rule,
//!     Err(e) => {
//!         eprintln!("{}", e.render(source, setara_core::Lang::En));
//!         return Ok(());
//!     }
//! };
//! let selected = rule.evaluate(&inputs)?;
//! println!("{} households, {} persons", selected.count_ones(), count_persons(&selected, &snapshot));
//! let first = selected.iter_ones().next().unwrap();
//! println!("{}", rule.explain(&inputs, first, setara_core::Lang::En)?);
//! # Ok(()) }
//! ```
//!
//! [`parse`] gives the syntax tree (with byte spans), [`check`] the checked [`Rule`];
//! [`Rule::compile`] does both. [`Rule::evaluate`] gives a [`Bitmap`] over household rows,
//! [`Rule::explain`] the clause-by-clause [`Explanation`] for one household.
//!
//! # Grammar
//!
//! ```text
//! rule       = or
//! or         = and { "or" and }
//! and        = not { "and" not }
//! not        = "not" not | comparison
//! comparison = primary [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" ) primary ]
//! primary    = integer | decimal | string | "true" | "false"
//!            | "[" [ primary { "," primary } [ "," ] ] "]"
//!            | "(" or ")"
//!            | "members" "." ( "any" | "all" | "count" ) "(" or ")"
//!            | name "(" [ or { "," or } ] ")"              (function call)
//!            | name                                      (attribute)
//! integer    = [ "-" ] digit { digit | "_" }             (1_000_000)
//! decimal    = [ "-" ] digit { digit | "_" } "." digit { digit | "_" }
//! string     = '"' { character | '\"' | '\\' } '"'
//!              (character: anything but '"', '\', a line break or a control character)
//! name       = ( letter | "_" ) { letter | digit | "_" }   (ASCII letters and digits)
//! ```
//!
//! `or` binds loosest, then `and`, then `not`, then comparisons; comparisons do not chain
//! (`1 < desil < 4` is an error: write `desil > 1 and desil < 4`). Spaces, tabs and newlines
//! are free, so a rule may span several lines (in a TOML file, use a `"""` string); `#` starts
//! a comment to the end of the line. Keywords are lower case.
//!
//! A comparison has an attribute (or `members.count(…)`) on one side and a constant on the other,
//! in either order (`4 >= desil` is `desil <= 4`); two attributes cannot be compared with each
//! other. `x in [a, b]` holds when `x` equals one of the list's values.
//!
//! # Attributes
//!
//! Household attributes (atribut keluarga):
//!
//! | attribute | type | recorded? | meaning |
//! |---|---|---|---|
//! | `desil` | integer 1..10 | when ranked | national welfare desil from the ranking (1 = poorest 10 %) |
//! | `desil_province` | integer 1..10 | when ranked | desil within the province |
//! | `desil_regency` | integer 1..10 | when ranked | desil within the regency/city |
//! | `score` | decimal | when ranked | predicted ln monthly consumption per capita (PMT score) |
//! | `rank` | integer ≥ 1 | when ranked | national rank, 1 = poorest |
//! | `members` | integer | always | number of member rows (anggota) in the registry |
//! | `declared_size` | integer | optional | number of members declared on the form |
//! | `floor_area_m2` | integer | optional | floor area of the dwelling, m² |
//! | `electricity_va` | integer | optional | installed PLN power, VA |
//! | `land_m2` | integer | optional | land owned, m² |
//! | `consumption_per_capita` | integer | surveyed only | monthly consumption per capita, rupiah |
//! | `surveyed` | true/false | always | the household is in the survey sample |
//! | `region` | region | always | the household's region; use `region in "32.04"` |
//! | `floor` | code | optional | [`Floor`](setara_core::Floor) codes |
//! | `wall` | code | optional | [`Wall`](setara_core::Wall) codes |
//! | `roof` | code | optional | [`Roof`](setara_core::Roof) codes |
//! | `water` | code | optional | [`WaterSource`](setara_core::WaterSource) codes |
//! | `toilet` | code | optional | [`Toilet`](setara_core::Toilet) codes |
//! | `electricity` | code | optional | [`Electricity`](setara_core::Electricity) codes (lighting source) |
//! | `cooking_fuel` | code | optional | [`CookingFuel`](setara_core::CookingFuel) codes |
//! | `tenure` | code | optional | [`Tenure`](setara_core::Tenure) codes |
//!
//! Person attributes (atribut anggota), only inside `members.any(…)`, `members.all(…)` and
//! `members.count(…)`:
//!
//! | attribute | type | recorded? | meaning |
//! |---|---|---|---|
//! | `age` | integer | always | age in completed years on the reference date, from the birth date |
//! | `sex` | code | always | [`Sex`](setara_core::Sex) codes |
//! | `relation` | code | always | [`Relation`](setara_core::Relation) to the head |
//! | `education` | code | optional | [`Education`](setara_core::Education) codes |
//! | `work` | code | optional | [`Work`](setara_core::Work) codes |
//! | `disability` | code | optional | [`Disability`](setara_core::Disability) codes |
//! | `health_insurance` | code | optional | [`HealthInsurance`](setara_core::HealthInsurance) codes |
//! | `school` | code | optional | [`SchoolAttendance`](setara_core::SchoolAttendance) codes |
//! | `chronic_illness` | true/false | optional | has a chronic illness |
//!
//! **Codes** are compared with `==`, `!=` and `in`, written as strings: the English code
//! (`floor == "earth"`), or the Indonesian label or an alias the code list accepts
//! (`floor == "tanah"`). A string that is none of these is an error that lists the valid codes.
//!
//! **Regions**: `region in "32.04"` holds when the household's region is Kabupaten Bandung or
//! lies inside it; codes may be dotted or undotted (`"3204"`); `region in ["32.04", "33"]` is the
//! union. `==` is not defined on regions.
//!
//! **True/false attributes** stand alone as conditions (`surveyed`, `members.any(chronic_illness)`)
//! or are compared with `true`/`false` using `==`/`!=`.
//!
//! # Functions
//!
//! | function | meaning |
//! |---|---|
//! | `owns("motorcycle")` | the household is recorded as owning the asset ([`Asset`](setara_core::Asset) codes or aliases) |
//! | `receives("PKH")` | the household is a current beneficiary of the programme (programmes are supplied by the caller; an unknown code is an error listing the known ones) |
//! | `known(attr)` | the attribute is recorded for the household (or member, inside `members.*`); `known(owns("car"))`: the asset is recorded |
//! | `members.any(p)` | some member satisfies `p`; false for a household without members |
//! | `members.all(p)` | every member satisfies `p`; **true** for a household without members |
//! | `members.count(p)` | the number of members satisfying `p`, an integer to compare: `members.count(age < 18) >= 3` |
//!
//! # Unrecorded values (null)
//!
//! A comparison involving a value that is not recorded is **false**, whatever the operator:
//! with `floor_area_m2` unrecorded, `floor_area_m2 < 20` and `floor_area_m2 >= 20` and
//! `floor_area_m2 != 20` are all false. `owns("car")` is false when the car is not recorded. The
//! logic is two-valued: `not` is plain negation, so `not (floor_area_m2 >= 20)` is **true** for an
//! unrecorded area. Use `known(…)` to say what you mean: `known(floor_area_m2) and not
//! (floor_area_m2 >= 20)`, `known(owns("car")) and not owns("car")`. The ranking's `desil` is
//! unrecorded for households it did not rank (value 0), `score` when NaN, `rank` when 0.
//!
//! # Errors
//!
//! [`Error`] carries the line, column (in characters) and byte span, and a message in Bahasa
//! Indonesia or English ([`Localized`](setara_core::Localized)); [`Error::render`] shows the line
//! with a caret (a long line is shown as a window around the error; names and values from the
//! rule are shortened and control characters escaped). Each error has a stable code
//! (`rule_syntax`, `rule_unknown_attribute`, `rule_too_deep`, …). Unknown attributes and
//! functions suggest the closest name; a person attribute outside `members.*(…)` and a household
//! attribute inside are errors that say so; a rule must be a condition. A string knows two
//! escapes, `\"` and `\\`; any other backslash is an error (`rule_bad_escape`), and a control
//! character anywhere in a rule, comments included, is an error (`rule_control_character`):
//! rules are stored and printed again.
//!
//! # Warnings
//!
//! A comparison that can only give one answer is accepted with a [`Warning`], which the CLI
//! prints wherever it checks a rule (`programme create`/`edit`, `target --preview`, `--select`,
//! `--compare`) and lists under `"warnings"` in `--json` output:
//!
//! | code | when | example |
//! |---|---|---|
//! | `rule_always_true` | the comparison holds for every value the attribute can take, so it only tests that the value is recorded | `desil <= 11`, `desil >= 1`, `members.count(age < 5) >= 0`, `floor in [every code]` |
//! | `rule_always_false` | it holds for no value | `desil > 10`, `desil == 0`, `rank < 1`, `x in []` |
//! | `rule_value_out_of_range` | a value of an `in` list lies outside and never matches | `desil in [3, 11]` |
//!
//! The attributes with a known range are the desils (1..10), `rank` (≥ 1), `members` and
//! `members.count(…)` (0..65535), and those the registry accepts only within a range
//! (`docs/limits.md`): `declared_size` (0..99), `floor_area_m2` (0..100000),
//! `electricity_va` (0..1000000), `land_m2` (0..1000000000) and `consumption_per_capita`
//! (1..1000000000); code attributes warn when a list holds every code or none.
//!
//! # Limits
//!
//! | limit | value | error |
//! |---|---|---|
//! | [`MAX_RULE_BYTES`] | 65,536 bytes | `rule_too_long` |
//! | [`MAX_RULE_DEPTH`] | 32 levels of parentheses, brackets, `not`, `members.*(…)` and calls | `rule_too_deep` |
//! | [`MAX_RULE_TERMS`] | 10,000 names, values and operators | `rule_too_many_terms` |
//!
//! A real rule has tens of clauses and nests fewer than 10 levels. A chain of `and` (or of `or`)
//! is one node with many operands, so a long flat chain is parsed, checked, evaluated and
//! explained in loops; only nesting recurses, and the depth limit bounds it.
//!
//! # Evaluation
//!
//! Every leaf clause is one loop over a column of the memory-mapped snapshot that packs 64
//! results into a word; `and`, `or` and `not` combine words (an `and` stops at the first
//! operand that leaves nobody in a range). `members.*(p)` evaluates `p` over the member rows,
//! then counts each household's bits in its `first_person .. first_person + members` range.
//! Households are split into two word-aligned ranges evaluated on two threads from
//! [`PARALLEL_MIN_HOUSEHOLDS`] households on. Ages compare birth dates with thresholds computed
//! once per clause, not ages per person.

mod bitmap;
mod check;
mod error;
mod eval;
mod explain;
mod syntax;
mod types;

pub use bitmap::Bitmap;
pub use check::{Context, Rule, check};
pub use error::{
    ECHO_CHARS, Error, ErrorKind, Expected, TypeExpectation, WINDOW_CHARS, Warning, WarningKind,
    line_column,
};
pub use eval::{Inputs, PARALLEL_MIN_HOUSEHOLDS, Ranking, count_persons};
pub use explain::Explanation;
pub use syntax::{
    CmpOp, Expr, ExprKind, MAX_RULE_BYTES, MAX_RULE_DEPTH, MAX_RULE_TERMS, Quantifier, Span, parse,
};

#[doc(hidden)]
pub mod fuzzing;
pub use types::{ATTRIBUTES, Attr, AttrDef, CodeList, FUNCTIONS, Kind, Scope, Type};

#[cfg(test)]
mod tests {
    #[test]
    fn every_attribute_is_documented() {
        let docs = include_str!("lib.rs");
        for a in crate::ATTRIBUTES {
            assert!(
                docs.contains(&format!("//! | `{}` |", a.name)),
                "{} is missing from the attribute table",
                a.name
            );
        }
    }
}
