//! Type checking: syntax tree → checked rule ([`Rule`]) ready to evaluate.

use setara_core::RegionCode;

use crate::error::{Error, ErrorKind, TypeExpectation, Warning, WarningKind};
use crate::syntax::{CmpOp, Expr, ExprKind, Limits, Quantifier, Span, parse, parse_limited};
use crate::types::{Attr, AttrDef, CodeList, FUNCTIONS, Kind, Scope, Type, attribute, closest};

/// What the checker needs to know besides the attribute schema.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// Codes of the programmes that `receives("…")` may name.
    pub programmes: Vec<String>,
    /// Whether a welfare ranking is available (`desil`, `score`, `rank`…).
    pub ranking: bool,
}

impl Context {
    /// The context that [`Inputs`](crate::Inputs) provide.
    pub fn of(inputs: &crate::Inputs<'_>) -> Context {
        let mut programmes: Vec<String> = inputs.programmes.keys().cloned().collect();
        programmes.sort();
        Context {
            programmes,
            ranking: inputs.ranking.is_some(),
        }
    }
}

/// The values `members.count(…)` can take: a household has at most `u16::MAX` member rows.
const COUNT_RANGE: (i64, i64) = (0, u16::MAX as i64);

/// An integer test: a comparison with a constant or membership in a list.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum IntTest {
    Cmp(CmpOp, i64),
    In(Vec<i64>),
}

impl IntTest {
    pub(crate) fn test(&self, v: i64) -> bool {
        match self {
            IntTest::Cmp(op, c) => op.test(v, *c),
            IntTest::In(list) => list.contains(&v),
        }
    }

    /// The test as inclusive ranges of values, sorted and disjoint.
    pub(crate) fn ranges(&self) -> Vec<(i64, i64)> {
        match *self {
            IntTest::Cmp(op, c) => match op {
                CmpOp::Eq => vec![(c, c)],
                CmpOp::Ne => {
                    let mut r = Vec::new();
                    if c > i64::MIN {
                        r.push((i64::MIN, c - 1));
                    }
                    if c < i64::MAX {
                        r.push((c + 1, i64::MAX));
                    }
                    r
                }
                CmpOp::Lt if c == i64::MIN => vec![],
                CmpOp::Lt => vec![(i64::MIN, c - 1)],
                CmpOp::Le => vec![(i64::MIN, c)],
                CmpOp::Gt if c == i64::MAX => vec![],
                CmpOp::Gt => vec![(c + 1, i64::MAX)],
                CmpOp::Ge => vec![(c, i64::MAX)],
            },
            IntTest::In(ref list) => {
                let mut v = list.clone();
                v.sort_unstable();
                v.dedup();
                let mut r: Vec<(i64, i64)> = Vec::new();
                for x in v {
                    match r.last_mut() {
                        Some(last) if last.1.checked_add(1) == Some(x) => last.1 = x,
                        _ => r.push((x, x)),
                    }
                }
                r
            }
        }
    }
}

/// What `known(…)` asks about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum KnownWhat {
    Attr(Attr),
    /// Asset by 1-based index.
    Asset(u8),
}

/// A leaf clause of a checked rule.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Leaf {
    Int {
        attr: Attr,
        test: IntTest,
    },
    Decimal {
        attr: Attr,
        op: CmpOp,
        value: f64,
    },
    /// Bit `i` of `set` is set when code index `i` satisfies the clause.
    Code {
        attr: Attr,
        list: CodeList,
        set: u64,
    },
    Bool {
        attr: Attr,
        value: bool,
    },
    Region(Vec<RegionCode>),
    /// Asset by 1-based index.
    Owns(u8),
    Receives(String),
    Known(KnownWhat),
    Members {
        quantifier: Quantifier,
        /// For `count`.
        test: Option<IntTest>,
        predicate: Box<Node>,
    },
}

/// A node of a checked rule; every node keeps the span of its source.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Node {
    Const(bool, Span),
    /// Two or more operands (a chain of `and` is one node).
    And(Vec<Node>, Span),
    Or(Vec<Node>, Span),
    Not(Box<Node>, Span),
    Leaf(Leaf, Span),
}

impl Node {
    pub(crate) fn span(&self) -> Span {
        match self {
            Node::Const(_, s)
            | Node::And(_, s)
            | Node::Or(_, s)
            | Node::Not(_, s)
            | Node::Leaf(_, s) => *s,
        }
    }
}

/// A parsed and type-checked rule, ready to [`evaluate`](Rule::evaluate) and
/// [`explain`](Rule::explain).
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub(crate) source: String,
    pub(crate) root: Node,
    pub(crate) warnings: Vec<Warning>,
}

impl Rule {
    /// Parse and check `source` ([`parse`] then [`check`]).
    pub fn compile(source: &str, context: &Context) -> Result<Rule, Error> {
        check(source, &parse(source)?, context)
    }

    /// `source` restricted to the households inside `area`: the rule
    /// `(source) and region in "AREA"`, so that explanations show the area as one more clause.
    /// The limits and every error apply to `source` alone, and the warnings point into it.
    pub fn compile_in_region(
        source: &str,
        area: RegionCode,
        context: &Context,
    ) -> Result<Rule, Error> {
        let own = Rule::compile(source, context)?;
        let text = format!("({source}\n) and region in \"{area}\"");
        // The wrapper adds one level (the parentheses), four terms and a few bytes.
        let limits = Limits {
            bytes: Limits::RULE.bytes + (text.len() - source.len()),
            depth: Limits::RULE.depth + 1,
            terms: Limits::RULE.terms + 4,
        };
        let mut rule = check(&text, &parse_limited(&text, limits)?, context)?;
        rule.warnings = own.warnings;
        Ok(rule)
    }

    /// The rule's text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Legal but suspicious comparisons, such as `desil <= 11`.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

/// Check `expr` (parsed from `source`) against the attribute schema and `context`.
pub fn check(source: &str, expr: &Expr, context: &Context) -> Result<Rule, Error> {
    let mut c = Checker {
        source,
        context,
        warnings: Vec::new(),
    };
    let root = c.condition(expr, Scope::Household)?;
    Ok(Rule {
        source: source.to_string(),
        root,
        warnings: c.warnings,
    })
}

struct Checker<'a> {
    source: &'a str,
    context: &'a Context,
    warnings: Vec<Warning>,
}

/// One side of a comparison.
enum Operand<'e> {
    Attr(&'static AttrDef, Span),
    Count(&'e Expr),
    Const(&'e Expr),
}

impl Checker<'_> {
    fn err(&self, kind: ErrorKind, span: Span) -> Error {
        Error::new(kind, span, self.source)
    }

    fn type_err(&self, expected: TypeExpectation, found: Type, span: Span) -> Error {
        self.err(ErrorKind::Type { expected, found }, span)
    }

    /// Resolve an attribute name used in `scope`.
    fn attribute(&self, name: &str, span: Span, scope: Scope) -> Result<&'static AttrDef, Error> {
        let Some(def) = attribute(name) else {
            let in_scope = crate::types::ATTRIBUTES
                .iter()
                .filter(|d| d.scope == scope)
                .map(|d| d.name);
            let suggestion = closest(name, in_scope)
                .or_else(|| closest(name, crate::types::ATTRIBUTES.iter().map(|d| d.name)));
            return Err(self.err(
                ErrorKind::UnknownAttribute {
                    name: name.to_string(),
                    suggestion,
                },
                span,
            ));
        };
        match (def.scope, scope) {
            (Scope::Person, Scope::Household) => {
                return Err(self.err(ErrorKind::PersonAttributeOutside(name.into()), span));
            }
            (Scope::Household, Scope::Person) => {
                return Err(self.err(ErrorKind::HouseholdAttributeInside(name.into()), span));
            }
            _ => {}
        }
        if def.needs_ranking() && !self.context.ranking {
            return Err(self.err(ErrorKind::NoRanking(name.into()), span));
        }
        Ok(def)
    }

    /// The type of an expression that is not a condition, for messages.
    fn type_of(&self, e: &Expr) -> Type {
        match &e.kind {
            ExprKind::Int(_) => Type::Int,
            ExprKind::Dec(_) => Type::Decimal,
            ExprKind::Str(_) => Type::String,
            ExprKind::Bool(_) => Type::Bool,
            ExprKind::List(_) => Type::List,
            ExprKind::Ident(n) => attribute(n).map_or(Type::Bool, |d| d.ty()),
            ExprKind::Members {
                quantifier: Quantifier::Count,
                ..
            } => Type::Int,
            _ => Type::Bool,
        }
    }

    fn condition(&mut self, e: &Expr, scope: Scope) -> Result<Node, Error> {
        let span = e.span;
        Ok(match &e.kind {
            ExprKind::Bool(b) => Node::Const(*b, span),
            ExprKind::And(items) => Node::And(
                items
                    .iter()
                    .map(|x| self.condition(x, scope))
                    .collect::<Result<_, _>>()?,
                span,
            ),
            ExprKind::Or(items) => Node::Or(
                items
                    .iter()
                    .map(|x| self.condition(x, scope))
                    .collect::<Result<_, _>>()?,
                span,
            ),
            ExprKind::Not(a) => Node::Not(Box::new(self.condition(a, scope)?), span),
            ExprKind::Ident(name) => {
                let def = self.attribute(name, span, scope)?;
                if def.ty != Kind::Bool {
                    return Err(self.type_err(TypeExpectation::Boolean, def.ty(), span));
                }
                Node::Leaf(
                    Leaf::Bool {
                        attr: def.attr,
                        value: true,
                    },
                    span,
                )
            }
            ExprKind::Call { name, args } => Node::Leaf(self.call(name, args, span, scope)?, span),
            ExprKind::Members {
                quantifier,
                predicate,
            } => {
                if scope == Scope::Person {
                    return Err(self.err(ErrorKind::NestedMembers, span));
                }
                if *quantifier == Quantifier::Count {
                    return Err(self.type_err(TypeExpectation::Boolean, Type::Int, span));
                }
                let predicate = Box::new(self.condition(predicate, Scope::Person)?);
                Node::Leaf(
                    Leaf::Members {
                        quantifier: *quantifier,
                        test: None,
                        predicate,
                    },
                    span,
                )
            }
            ExprKind::Compare { op, lhs, rhs } => {
                Node::Leaf(self.compare(*op, lhs, rhs, span, scope)?, span)
            }
            ExprKind::In { lhs, rhs } => Node::Leaf(self.within(lhs, rhs, span, scope)?, span),
            ExprKind::Int(_) | ExprKind::Dec(_) | ExprKind::Str(_) | ExprKind::List(_) => {
                return Err(self.type_err(TypeExpectation::Boolean, self.type_of(e), span));
            }
        })
    }

    fn operand<'e>(&self, e: &'e Expr, scope: Scope) -> Result<Operand<'e>, Error> {
        Ok(match &e.kind {
            ExprKind::Ident(name) => Operand::Attr(self.attribute(name, e.span, scope)?, e.span),
            ExprKind::Members {
                quantifier: Quantifier::Count,
                predicate,
            } => {
                if scope == Scope::Person {
                    return Err(self.err(ErrorKind::NestedMembers, e.span));
                }
                Operand::Count(predicate)
            }
            ExprKind::Int(_)
            | ExprKind::Dec(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::List(_) => Operand::Const(e),
            _ => {
                return Err(self.err(ErrorKind::NeedsAttributeAndConstant, e.span));
            }
        })
    }

    fn int_const(&self, c: &Expr, like: Type) -> Result<i64, Error> {
        match c.kind {
            ExprKind::Int(v) => Ok(v),
            _ => Err(self.type_err(TypeExpectation::Like(like), self.type_of(c), c.span)),
        }
    }

    fn warn(&mut self, kind: WarningKind, attribute: &str, range: Option<(i64, i64)>, span: Span) {
        let (line, column) = crate::error::line_column(self.source, span.start);
        self.warnings.push(Warning {
            kind,
            span,
            line,
            column,
            attribute: attribute.into(),
            range,
        });
    }

    /// Warn when `test` on an integer that lies in `min..=max` always gives the same answer,
    /// or when a value of its list lies outside and can never match. `span` is the whole
    /// comparison.
    fn warn_int(&mut self, attribute: &str, range: Option<(i64, i64)>, test: &IntTest, span: Span) {
        let Some((min, max)) = range else { return };
        // The parts of the test's ranges that fall in min..=max.
        let inside: Vec<(i64, i64)> = test
            .ranges()
            .into_iter()
            .filter_map(|(lo, hi)| {
                let (lo, hi) = (lo.max(min), hi.min(max));
                (lo <= hi).then_some((lo, hi))
            })
            .collect();
        if inside.is_empty() {
            self.warn(WarningKind::AlwaysFalse, attribute, range, span);
        } else if inside == [(min, max)] {
            self.warn(WarningKind::AlwaysTrue, attribute, range, span);
        } else if let IntTest::In(values) = test
            && let Some(v) = values.iter().find(|v| **v < min || **v > max)
        {
            self.warn(
                WarningKind::OutOfRange {
                    value: v.to_string(),
                },
                attribute,
                range,
                span,
            );
        }
    }

    /// Warn when a set of codes holds every code of the list, or none.
    fn warn_codes(&mut self, attribute: &str, list: CodeList, set: u64, span: Span) {
        let all = ((1u64 << list.count()) - 1) << 1;
        if set & all == 0 {
            self.warn(WarningKind::AlwaysFalse, attribute, None, span);
        } else if set & all == all {
            self.warn(WarningKind::AlwaysTrue, attribute, None, span);
        }
    }

    fn compare(
        &mut self,
        op: CmpOp,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
        scope: Scope,
    ) -> Result<Leaf, Error> {
        let (l, r) = (self.operand(lhs, scope)?, self.operand(rhs, scope)?);
        let (subject, c, op) = match (l, r) {
            (Operand::Const(_), Operand::Const(_)) => {
                return Err(self.err(ErrorKind::NeedsAttributeAndConstant, span));
            }
            (Operand::Const(c), s) => (s, c, op.flip()),
            (s, Operand::Const(c)) => (s, c, op),
            _ => return Err(self.err(ErrorKind::NeedsAttributeAndConstant, span)),
        };
        match subject {
            Operand::Count(pred) => {
                let v = self.int_const(c, Type::Int)?;
                let predicate = Box::new(self.condition(pred, Scope::Person)?);
                let test = IntTest::Cmp(op, v);
                self.warn_int("members.count(…)", Some(COUNT_RANGE), &test, span);
                Ok(Leaf::Members {
                    quantifier: Quantifier::Count,
                    test: Some(test),
                    predicate,
                })
            }
            Operand::Attr(def, aspan) => match def.ty {
                Kind::Int => {
                    let v = self.int_const(c, Type::Int)?;
                    let test = IntTest::Cmp(op, v);
                    self.warn_int(def.name, def.range, &test, span);
                    Ok(Leaf::Int {
                        attr: def.attr,
                        test,
                    })
                }
                Kind::Decimal => {
                    let value = match c.kind {
                        ExprKind::Int(v) => v as f64,
                        ExprKind::Dec(v) => v,
                        _ => {
                            return Err(self.type_err(
                                TypeExpectation::Like(Type::Decimal),
                                self.type_of(c),
                                c.span,
                            ));
                        }
                    };
                    Ok(Leaf::Decimal {
                        attr: def.attr,
                        op,
                        value,
                    })
                }
                Kind::Bool => {
                    let ExprKind::Bool(b) = c.kind else {
                        return Err(self.type_err(
                            TypeExpectation::Like(Type::Bool),
                            self.type_of(c),
                            c.span,
                        ));
                    };
                    match op {
                        CmpOp::Eq => Ok(Leaf::Bool {
                            attr: def.attr,
                            value: b,
                        }),
                        CmpOp::Ne => Ok(Leaf::Bool {
                            attr: def.attr,
                            value: !b,
                        }),
                        _ => Err(self.err(ErrorKind::OrderOnCode(def.name.into()), span)),
                    }
                }
                Kind::Region => Err(self.err(ErrorKind::RegionNeedsIn, aspan.to(c.span))),
                Kind::Code(list) => {
                    if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                        return Err(self.err(ErrorKind::OrderOnCode(def.name.into()), span));
                    }
                    let i = self.code(def, list, c)?;
                    let all = ((1u64 << list.count()) - 1) << 1;
                    let set = if op == CmpOp::Eq {
                        1u64 << i
                    } else {
                        all & !(1u64 << i)
                    };
                    self.warn_codes(def.name, list, set, span);
                    Ok(Leaf::Code {
                        attr: def.attr,
                        list,
                        set,
                    })
                }
            },
            Operand::Const(_) => unreachable!("handled above"),
        }
    }

    /// The index of code `c` (a string) in `list`.
    fn code(&self, def: &AttrDef, list: CodeList, c: &Expr) -> Result<u8, Error> {
        let ExprKind::Str(s) = &c.kind else {
            return Err(self.type_err(TypeExpectation::Like(def.ty()), self.type_of(c), c.span));
        };
        list.parse(s).ok_or_else(|| {
            self.err(
                ErrorKind::BadCode {
                    attribute: def.name.into(),
                    value: s.clone(),
                    valid: list.codes(),
                },
                c.span,
            )
        })
    }

    fn region(&self, c: &Expr) -> Result<RegionCode, Error> {
        let ExprKind::Str(s) = &c.kind else {
            return Err(self.type_err(
                TypeExpectation::Like(Type::Region),
                self.type_of(c),
                c.span,
            ));
        };
        RegionCode::parse(s)
            .map_err(|_| self.err(ErrorKind::BadRegion { value: s.clone() }, c.span))
    }

    fn within(&mut self, lhs: &Expr, rhs: &Expr, span: Span, scope: Scope) -> Result<Leaf, Error> {
        let subject = match self.operand(lhs, scope)? {
            Operand::Const(_) => return Err(self.err(ErrorKind::NeedsAttributeAndConstant, span)),
            s => s,
        };
        let items: Vec<&Expr> = match &rhs.kind {
            ExprKind::List(items) => items.iter().collect(),
            ExprKind::Str(_) if matches!(subject, Operand::Attr(d, _) if d.ty == Kind::Region) => {
                vec![rhs]
            }
            _ => {
                return Err(self.type_err(TypeExpectation::List, self.type_of(rhs), rhs.span));
            }
        };
        match subject {
            Operand::Count(pred) => {
                let values = items
                    .iter()
                    .map(|c| self.int_const(c, Type::Int))
                    .collect::<Result<Vec<_>, _>>()?;
                let predicate = Box::new(self.condition(pred, Scope::Person)?);
                let test = IntTest::In(values);
                self.warn_int("members.count(…)", Some(COUNT_RANGE), &test, span);
                Ok(Leaf::Members {
                    quantifier: Quantifier::Count,
                    test: Some(test),
                    predicate,
                })
            }
            Operand::Attr(def, _) => match def.ty {
                Kind::Int => {
                    let values = items
                        .iter()
                        .map(|c| self.int_const(c, Type::Int))
                        .collect::<Result<Vec<_>, _>>()?;
                    let test = IntTest::In(values);
                    self.warn_int(def.name, def.range, &test, span);
                    Ok(Leaf::Int {
                        attr: def.attr,
                        test,
                    })
                }
                Kind::Code(list) => {
                    let mut set = 0u64;
                    for c in items {
                        set |= 1u64 << self.code(def, list, c)?;
                    }
                    self.warn_codes(def.name, list, set, span);
                    Ok(Leaf::Code {
                        attr: def.attr,
                        list,
                        set,
                    })
                }
                Kind::Region => {
                    let regions: Vec<RegionCode> = items
                        .iter()
                        .map(|c| self.region(c))
                        .collect::<Result<_, _>>()?;
                    if regions.is_empty() {
                        self.warn(WarningKind::AlwaysFalse, def.name, None, span);
                    }
                    Ok(Leaf::Region(regions))
                }
                Kind::Decimal | Kind::Bool => {
                    Err(self.err(ErrorKind::InNotSupported(def.name.into()), span))
                }
            },
            Operand::Const(_) => unreachable!("handled above"),
        }
    }

    fn call(&self, name: &str, args: &[Expr], span: Span, scope: Scope) -> Result<Leaf, Error> {
        if !FUNCTIONS.contains(&name) {
            let suggestion = closest(name, FUNCTIONS.iter().copied());
            return Err(self.err(
                ErrorKind::UnknownFunction {
                    name: name.into(),
                    suggestion,
                },
                span,
            ));
        }
        if args.len() != 1 {
            return Err(self.err(
                ErrorKind::Arity {
                    function: name.into(),
                    expected: 1,
                    found: args.len(),
                },
                span,
            ));
        }
        let arg = &args[0];
        if name != "known" && scope == Scope::Person {
            return Err(self.err(ErrorKind::HouseholdAttributeInside(name.into()), span));
        }
        match name {
            "owns" => Ok(Leaf::Owns(self.asset(arg)?)),
            "receives" => {
                let ExprKind::Str(p) = &arg.kind else {
                    return Err(self.type_err(
                        TypeExpectation::String,
                        self.type_of(arg),
                        arg.span,
                    ));
                };
                if !self.context.programmes.contains(p) {
                    return Err(self.err(
                        ErrorKind::UnknownProgramme {
                            name: p.clone(),
                            suggestion: closest(
                                p,
                                self.context.programmes.iter().map(String::as_str),
                            ),
                            known: self.context.programmes.clone(),
                        },
                        arg.span,
                    ));
                }
                Ok(Leaf::Receives(p.clone()))
            }
            _ => match &arg.kind {
                ExprKind::Ident(n) => Ok(Leaf::Known(KnownWhat::Attr(
                    self.attribute(n, arg.span, scope)?.attr,
                ))),
                ExprKind::Call { name: f, args } if f == "owns" => {
                    if scope == Scope::Person {
                        return Err(
                            self.err(ErrorKind::HouseholdAttributeInside(f.clone()), arg.span)
                        );
                    }
                    if args.len() != 1 {
                        return Err(self.err(
                            ErrorKind::Arity {
                                function: f.clone(),
                                expected: 1,
                                found: args.len(),
                            },
                            arg.span,
                        ));
                    }
                    Ok(Leaf::Known(KnownWhat::Asset(self.asset(&args[0])?)))
                }
                _ => Err(self.type_err(TypeExpectation::Attribute, self.type_of(arg), arg.span)),
            },
        }
    }

    fn asset(&self, arg: &Expr) -> Result<u8, Error> {
        let ExprKind::Str(s) = &arg.kind else {
            return Err(self.type_err(TypeExpectation::String, self.type_of(arg), arg.span));
        };
        CodeList::Asset.parse(s).ok_or_else(|| {
            self.err(
                ErrorKind::BadCode {
                    attribute: "owns".into(),
                    value: s.clone(),
                    valid: CodeList::Asset.codes(),
                },
                arg.span,
            )
        })
    }
}
