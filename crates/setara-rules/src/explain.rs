//! Explanations: one household, clause by clause, with the values used.
//!
//! This evaluator works row by row and is written independently of the bitmap evaluator, so that
//! tests can check the two against each other.

use std::fmt;

use arrow_array::Array;
use setara_core::{Assets, Lang, RegionCode, age_on};

use crate::check::{IntTest, KnownWhat, Leaf, Node, Rule};
use crate::error::{Error, ErrorKind};
use crate::eval::Inputs;
use crate::syntax::{Quantifier, Span};
use crate::types::{Attr, CodeList, Kind, definition};

/// How one clause of a rule came out for one household.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The clause's source text.
    pub text: String,
    /// Its byte span in the rule.
    pub span: Span,
    /// Whether the clause holds for the household.
    pub result: bool,
    /// The values it used (`desil = 3`, `members with age < 6: 2 of 5`); empty for `and`,
    /// `or`, `not` and constants.
    pub values: Vec<String>,
    /// The clauses it is made of (`and`, `or`, `not`).
    pub children: Vec<Explanation>,
}

impl Explanation {
    /// The leaf clauses in source order (`not` of a leaf counts as one).
    pub fn leaves(&self) -> Vec<&Explanation> {
        let mut out = Vec::new();
        fn go<'a>(e: &'a Explanation, out: &mut Vec<&'a Explanation>) {
            if e.children.is_empty() || !e.values.is_empty() {
                out.push(e);
                return;
            }
            for c in &e.children {
                go(c, out);
            }
        }
        go(self, &mut out);
        out
    }

    /// One line: the result, then each leaf clause with its result and values.
    ///
    /// `✓ | ✓ desil <= 4 [desil = 3]; ✗ owns("car") [car: not owned]`
    pub fn one_line(&self) -> String {
        let mark = |b: bool| if b { "✓" } else { "✗" };
        let leaves: Vec<String> = self
            .leaves()
            .iter()
            .map(|l| {
                let text = l.text.split_whitespace().collect::<Vec<_>>().join(" ");
                if l.values.is_empty() {
                    format!("{} {text}", mark(l.result))
                } else {
                    format!("{} {text} [{}]", mark(l.result), l.values.join(", "))
                }
            })
            .collect();
        format!("{} | {}", mark(self.result), leaves.join("; "))
    }
}

/// An indented tree, one clause per line.
impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn go(e: &Explanation, depth: usize, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let text = e.text.split_whitespace().collect::<Vec<_>>().join(" ");
            write!(
                f,
                "{}{} {text}",
                "  ".repeat(depth),
                if e.result { "✓" } else { "✗" }
            )?;
            if !e.values.is_empty() {
                write!(f, "    [{}]", e.values.join(", "))?;
            }
            writeln!(f)?;
            if !e.values.is_empty() {
                return Ok(()); // `not clause`: its child says the same
            }
            for c in &e.children {
                go(c, depth + 1, f)?;
            }
            Ok(())
        }
        go(self, 0, f)
    }
}

/// A value of one attribute for one row.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Decimal(f64),
    Bool(bool),
    Code(CodeList, u8),
    Region(RegionCode),
}

impl Value {
    fn show(self, lang: Lang) -> String {
        match self {
            Value::Null => lang.pick("(tidak tercatat)", "(not recorded)").into(),
            Value::Int(v) => v.to_string(),
            Value::Decimal(v) => format!("{v:.4}"),
            Value::Bool(b) => b.to_string(),
            Value::Code(list, i) => list.code(i).unwrap_or("?").to_string(),
            Value::Region(r) => r.to_string(),
        }
    }
}

impl Rule {
    /// Evaluate the rule for household row `row`, clause by clause, in language `lang`.
    pub fn explain(
        &self,
        inputs: &Inputs<'_>,
        row: usize,
        lang: Lang,
    ) -> Result<Explanation, Error> {
        inputs.validate(self)?;
        let rows = inputs.snapshot.household_count();
        if row >= rows {
            return Err(Error::new(
                ErrorKind::NoSuchRow { row, rows },
                Span::default(),
                "",
            ));
        }
        let x = Explainer {
            inputs,
            source: &self.source,
            lang,
        };
        Ok(x.node(&self.root, row))
    }
}

struct Explainer<'a> {
    inputs: &'a Inputs<'a>,
    source: &'a str,
    lang: Lang,
}

impl Explainer<'_> {
    fn node(&self, node: &Node, row: usize) -> Explanation {
        let span = node.span();
        let text = span.text(self.source).to_string();
        let make = |result, values, children| Explanation {
            text: text.clone(),
            span,
            result,
            values,
            children,
        };
        match node {
            Node::Const(b, _) => make(*b, vec![], vec![]),
            Node::And(items, _) | Node::Or(items, _) => {
                let children: Vec<Explanation> = items.iter().map(|x| self.node(x, row)).collect();
                let result = if matches!(node, Node::And(..)) {
                    children.iter().all(|c| c.result)
                } else {
                    children.iter().any(|c| c.result)
                };
                make(result, vec![], children)
            }
            Node::Not(a, _) => {
                let a = self.node(a, row);
                // `not` of a clause shows that clause's values, and stands for it in summaries.
                let values = if a.children.is_empty() {
                    a.values.clone()
                } else {
                    vec![]
                };
                make(!a.result, values, vec![a])
            }
            Node::Leaf(leaf, _) => {
                let (result, values) = self.leaf(leaf, row);
                make(result, values, vec![])
            }
        }
    }

    /// Whether the person-scope `node` holds for person row `p` (no explanation).
    fn person(&self, node: &Node, p: usize) -> bool {
        match node {
            Node::Const(b, _) => *b,
            Node::And(items, _) => items.iter().all(|x| self.person(x, p)),
            Node::Or(items, _) => items.iter().any(|x| self.person(x, p)),
            Node::Not(a, _) => !self.person(a, p),
            Node::Leaf(leaf, _) => self.test(leaf, p, true).0,
        }
    }

    fn leaf(&self, leaf: &Leaf, row: usize) -> (bool, Vec<String>) {
        self.test(leaf, row, false)
    }

    fn value(&self, attr: Attr, row: usize) -> Value {
        let s = self.inputs.snapshot;
        let opt = |a: &dyn arrow_array::Array| a.is_valid(row);
        let int = |valid: bool, v: i64| if valid { Value::Int(v) } else { Value::Null };
        let rk = self.inputs.ranking.as_ref();
        let desil = |v: u8| {
            if v == 0 {
                Value::Null
            } else {
                Value::Int(i64::from(v))
            }
        };
        match attr {
            Attr::Desil => desil(rk.expect("validated").desil[row]),
            Attr::DesilProvince => desil(rk.expect("validated").desil_province[row]),
            Attr::DesilRegency => desil(rk.expect("validated").desil_regency[row]),
            Attr::Score => {
                let v = rk.expect("validated").score[row];
                if v.is_nan() {
                    Value::Null
                } else {
                    Value::Decimal(v)
                }
            }
            Attr::Rank => {
                let v = rk.expect("validated").rank[row];
                if v == 0 {
                    Value::Null
                } else {
                    Value::Int(i64::from(v))
                }
            }
            Attr::Members => Value::Int(i64::from(s.members().value(row))),
            Attr::DeclaredSize => int(
                opt(s.declared_size()),
                i64::from(s.declared_size().value(row)),
            ),
            Attr::FloorAreaM2 => int(
                opt(s.floor_area_m2()),
                i64::from(s.floor_area_m2().value(row)),
            ),
            Attr::ElectricityVa => int(
                opt(s.electricity_va()),
                i64::from(s.electricity_va().value(row)),
            ),
            Attr::LandM2 => int(
                opt(s.land_m2()),
                i64::try_from(s.land_m2().value(row)).unwrap_or(i64::MAX),
            ),
            Attr::Consumption => int(opt(s.consumption()), s.consumption().value(row)),
            Attr::Surveyed => Value::Bool(s.consumption().is_valid(row)),
            Attr::Region => Value::Region(
                RegionCode::from_key(s.region().value(row)).expect("snapshot holds valid keys"),
            ),
            Attr::Age => {
                let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
                let birth = epoch + chrono::TimeDelta::days(i64::from(s.birth_date().value(row)));
                Value::Int(i64::from(age_on(birth, self.inputs.reference_date)))
            }
            Attr::ChronicIllness => {
                let a = s.chronic_illness();
                if a.is_valid(row) {
                    Value::Bool(a.value(row))
                } else {
                    Value::Null
                }
            }
            code => {
                let a = match code {
                    Attr::Floor => s.floor(),
                    Attr::Wall => s.wall(),
                    Attr::Roof => s.roof(),
                    Attr::Water => s.water(),
                    Attr::Toilet => s.toilet(),
                    Attr::Electricity => s.electricity(),
                    Attr::CookingFuel => s.cooking_fuel(),
                    Attr::Tenure => s.tenure(),
                    Attr::Sex => s.sex(),
                    Attr::Relation => s.relation(),
                    Attr::Education => s.education(),
                    Attr::Work => s.work(),
                    Attr::Disability => s.disability(),
                    Attr::HealthInsurance => s.health_insurance(),
                    _ => s.school(),
                };
                let Kind::Code(list) = definition(code).ty else {
                    unreachable!("a code attribute")
                };
                if a.is_valid(row) {
                    Value::Code(list, a.value(row))
                } else {
                    Value::Null
                }
            }
        }
    }

    /// The result of `leaf` on `row` (a person row when `person`), and the values shown.
    fn test(&self, leaf: &Leaf, row: usize, person: bool) -> (bool, Vec<String>) {
        let l = self.lang;
        let shown = |attr: Attr, v: Value| format!("{} = {}", definition(attr).name, v.show(l));
        match leaf {
            Leaf::Int { attr, test } => {
                let v = self.value(*attr, row);
                let r = matches!(v, Value::Int(x) if test.test(x));
                (r, vec![shown(*attr, v)])
            }
            Leaf::Decimal { attr, op, value } => {
                let v = self.value(*attr, row);
                let r = matches!(v, Value::Decimal(x) if op.test(x, *value));
                (r, vec![shown(*attr, v)])
            }
            Leaf::Code { attr, set, .. } => {
                let v = self.value(*attr, row);
                let r = matches!(v, Value::Code(_, i) if i < 64 && set >> i & 1 == 1);
                (r, vec![shown(*attr, v)])
            }
            Leaf::Bool { attr, value } => {
                let v = self.value(*attr, row);
                (v == Value::Bool(*value), vec![shown(*attr, v)])
            }
            Leaf::Region(regions) => {
                let v = self.value(Attr::Region, row);
                let Value::Region(r) = v else { unreachable!() };
                (
                    regions.iter().any(|p| r.is_within(*p)),
                    vec![shown(Attr::Region, v)],
                )
            }
            Leaf::Owns(asset) => {
                let s = self.inputs.snapshot;
                let assets =
                    Assets::from_bits(s.assets_known().value(row), s.assets_owned().value(row));
                let a = setara_core::Asset::from_index(*asset).expect("checked");
                let got = assets.get(a);
                let word = match got {
                    None => l.pick("(tidak tercatat)", "(not recorded)"),
                    Some(true) => l.pick("dimiliki", "owned"),
                    Some(false) => l.pick("tidak dimiliki", "not owned"),
                };
                (got == Some(true), vec![format!("{}: {word}", a.code())])
            }
            Leaf::Receives(p) => {
                let r = self.inputs.programmes[p].get(row);
                let word = if r {
                    l.pick("penerima", "beneficiary")
                } else {
                    l.pick("bukan penerima", "not a beneficiary")
                };
                (r, vec![format!("{p}: {word}")])
            }
            Leaf::Known(KnownWhat::Attr(attr)) => {
                let v = self.value(*attr, row);
                (v != Value::Null, vec![shown(*attr, v)])
            }
            Leaf::Known(KnownWhat::Asset(asset)) => {
                let s = self.inputs.snapshot;
                let assets =
                    Assets::from_bits(s.assets_known().value(row), s.assets_owned().value(row));
                let a = setara_core::Asset::from_index(*asset).expect("checked");
                let word = match assets.get(a) {
                    None => l.pick("(tidak tercatat)", "(not recorded)"),
                    Some(true) => l.pick("dimiliki", "owned"),
                    Some(false) => l.pick("tidak dimiliki", "not owned"),
                };
                (
                    assets.get(a).is_some(),
                    vec![format!("{}: {word}", a.code())],
                )
            }
            Leaf::Members {
                quantifier,
                test,
                predicate,
            } => {
                debug_assert!(!person, "members.* is household-level");
                let members = self.inputs.snapshot.members_of(row);
                let total = members.len();
                let count = members.filter(|&p| self.person(predicate, p)).count();
                let result = match quantifier {
                    Quantifier::Any => count > 0,
                    Quantifier::All => count == total,
                    Quantifier::Count => test
                        .as_ref()
                        .is_some_and(|t: &IntTest| t.test(count as i64)),
                };
                let text = predicate.span().text(self.source);
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                let value = match l {
                    Lang::Id => format!("anggota dengan {text}: {count} dari {total}"),
                    Lang::En => format!("members with {text}: {count} of {total}"),
                };
                (result, vec![value])
            }
        }
    }
}
