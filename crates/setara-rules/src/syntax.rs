//! Lexer and recursive-descent parser: source text → [`Expr`] with byte spans; and the printer
//! ([`Expr`]'s `Display`), whose text parses back to the same tree.
//!
//! The parser recurses once per level of nesting (parentheses, brackets, `not`, `members.*(…)`,
//! calls), which [`MAX_RULE_DEPTH`] bounds; chains of `and` and `or` are read in a loop into
//! one node each. Every other function over the tree recurses along the same nesting, so the
//! depth limit bounds them all.

use std::fmt;

use crate::error::{Error, ErrorKind, Expected};

/// Longest rule, in bytes (64 KiB). A real rule is a few lines — tens of clauses, about a
/// kilobyte; even a list of a thousand village codes (`region in ["32.04.05.2001", …]`) is under
/// 20 KiB. The limit is checked before anything else, so that a runaway input costs nothing.
pub const MAX_RULE_BYTES: usize = 64 * 1024;

/// Deepest nesting of parentheses, brackets, `not`, `members.*(…)` and function calls: 32.
/// Officers' rules nest fewer than 10 levels. Every function that walks the rule (parser,
/// checker, evaluator, explainer, printer) recurses once per level, a few frames each: at 32
/// levels that stays under a megabyte of stack even in an unoptimised build, so a rule fits on
/// any thread's stack (2 MiB for the evaluation threads).
pub const MAX_RULE_DEPTH: usize = 32;

/// Most terms (names, values, operators: the nodes of the syntax tree) in a rule: 10,000. A
/// real rule has tens; a long list of region codes a few thousand. Evaluation costs a pass over
/// a column per clause, so this also bounds the time one rule can take.
pub const MAX_RULE_TERMS: usize = 10_000;

/// The limits a parse runs under (the constants above, unless the caller adds room for text it
/// wraps around a rule that was already checked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    pub bytes: usize,
    pub depth: usize,
    pub terms: usize,
}

impl Limits {
    pub(crate) const RULE: Limits = Limits {
        bytes: MAX_RULE_BYTES,
        depth: MAX_RULE_DEPTH,
        terms: MAX_RULE_TERMS,
    };
}

/// A byte range `start..end` in the rule's source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The source text under this span.
    pub fn text(self, source: &str) -> &str {
        source.get(self.start..self.end).unwrap_or("")
    }
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// The operator with its operands swapped (`a < b` ⇔ `b > a`).
    pub fn flip(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            o => o,
        }
    }

    /// Apply to two ordered values.
    pub fn test<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }
}

/// The member quantifiers `members.any`, `members.all`, `members.count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    Any,
    All,
    Count,
}

impl Quantifier {
    pub fn name(self) -> &'static str {
        match self {
            Quantifier::Any => "any",
            Quantifier::All => "all",
            Quantifier::Count => "count",
        }
    }
}

/// A node of the syntax tree, with the span of the source it was parsed from.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// What an [`Expr`] is.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// An integer literal (`12`, `1_000_000`, `-3`).
    Int(i64),
    /// A decimal literal (`13.5`).
    Dec(f64),
    /// A string literal (`"32.04"`).
    Str(String),
    /// `true` or `false`.
    Bool(bool),
    /// `[a, b, …]`.
    List(Vec<Expr>),
    /// An attribute name.
    Ident(String),
    /// `name(args…)`.
    Call {
        name: String,
        args: Vec<Expr>,
    },
    /// `members.any(pred)`, `members.all(pred)`, `members.count(pred)`.
    Members {
        quantifier: Quantifier,
        predicate: Box<Expr>,
    },
    Not(Box<Expr>),
    /// `a and b and …`: a chain at one level is one node with two or more operands, so that a
    /// long chain is a wide tree, not a deep one.
    And(Vec<Expr>),
    /// `a or b or …`, as [`ExprKind::And`].
    Or(Vec<Expr>),
    Compare {
        op: CmpOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `lhs in rhs`.
    In {
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Int(i64),
    Dec(f64),
    Str(String),
    Ident(String),
    And,
    Or,
    Not,
    In,
    True,
    False,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Minus,
    Cmp(CmpOp),
    Eof,
}

impl Tok {
    /// How the token is named in "found …" messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Int(v) => format!("number {v}"),
            Tok::Dec(v) => format!("number {v}"),
            Tok::Str(s) => format!("string {s:?}"),
            Tok::Ident(s) => format!("'{s}'"),
            Tok::And => "'and'".into(),
            Tok::Or => "'or'".into(),
            Tok::Not => "'not'".into(),
            Tok::In => "'in'".into(),
            Tok::True => "'true'".into(),
            Tok::False => "'false'".into(),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::LBracket => "'['".into(),
            Tok::RBracket => "']'".into(),
            Tok::Comma => "','".into(),
            Tok::Dot => "'.'".into(),
            Tok::Minus => "'-'".into(),
            Tok::Cmp(op) => format!("'{}'", op.symbol()),
            Tok::Eof => String::new(),
        }
    }
}

/// Split `source` into tokens with their spans; the last token is [`Tok::Eof`].
pub(crate) fn lex(source: &str) -> Result<Vec<(Tok, Span)>, Error> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |kind, start, end| Err(Error::new(kind, Span::new(start, end), source));
    // No control character anywhere, comments included: the rule is stored and printed again.
    if let Some((at, c)) = source.char_indices().find(|&(_, c)| {
        setara_core::text::is_forbidden(c) && !matches!(c, ' ' | '\t' | '\r' | '\n')
    }) {
        return err(
            ErrorKind::ControlCharacter(c.escape_default().to_string()),
            at,
            at + c.len_utf8(),
        );
    }
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' | b')' | b'[' | b']' | b',' | b'.' | b'-' => {
                i += 1;
                let t = match c {
                    b'(' => Tok::LParen,
                    b')' => Tok::RParen,
                    b'[' => Tok::LBracket,
                    b']' => Tok::RBracket,
                    b',' => Tok::Comma,
                    b'.' => Tok::Dot,
                    _ => Tok::Minus,
                };
                out.push((t, Span::new(start, i)));
            }
            b'=' | b'!' | b'<' | b'>' => {
                let next = bytes.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    (b'=', Some(b'=')) => (CmpOp::Eq, 2),
                    (b'!', Some(b'=')) => (CmpOp::Ne, 2),
                    (b'<', Some(b'=')) => (CmpOp::Le, 2),
                    (b'>', Some(b'=')) => (CmpOp::Ge, 2),
                    (b'<', _) => (CmpOp::Lt, 1),
                    (b'>', _) => (CmpOp::Gt, 1),
                    (b'=', _) => return err(ErrorKind::SingleEquals, start, start + 1),
                    _ => {
                        return err(
                            ErrorKind::UnexpectedChar {
                                found: '!',
                                hint: Some("not"),
                            },
                            start,
                            start + 1,
                        );
                    }
                };
                i += len;
                out.push((Tok::Cmp(op), Span::new(start, i)));
            }
            b'"' => {
                i += 1;
                let mut s = String::new();
                loop {
                    match bytes.get(i) {
                        None | Some(b'\n') => {
                            return err(ErrorKind::UnterminatedString, start, start + 1);
                        }
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(b'\\') if matches!(bytes.get(i + 1), Some(b'"' | b'\\')) => {
                            s.push(bytes[i + 1] as char);
                            i += 2;
                        }
                        Some(b'\\') => {
                            let next = source[i + 1..].chars().next();
                            let end = i + 1 + next.map_or(0, char::len_utf8);
                            let shown = match next {
                                Some(c) => format!("\\{c}"),
                                None => "\\".to_string(),
                            };
                            return err(ErrorKind::BadEscape(shown), i, end);
                        }
                        Some(_) => {
                            let ch = source[i..].chars().next().expect("in bounds");
                            if ch.is_control() {
                                return err(
                                    ErrorKind::ControlCharacter(ch.escape_default().to_string()),
                                    i,
                                    i + ch.len_utf8(),
                                );
                            }
                            s.push(ch);
                            i += ch.len_utf8();
                        }
                    }
                }
                out.push((Tok::Str(s), Span::new(start, i)));
            }
            b'0'..=b'9' => {
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
                    i += 1;
                }
                let mut decimal = false;
                if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
                    decimal = true;
                    i += 1;
                    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
                        i += 1;
                    }
                }
                if i < bytes.len() && (bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') {
                    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_')
                    {
                        i += 1;
                    }
                    return err(ErrorKind::BadNumber(source[start..i].to_string()), start, i);
                }
                let text = &source[start..i];
                let digits: String = text.chars().filter(|&c| c != '_').collect();
                if text.ends_with('_') || text.contains("_.") || text.contains("._") {
                    return err(ErrorKind::BadNumber(text.to_string()), start, i);
                }
                let tok = if decimal {
                    match digits.parse::<f64>() {
                        Ok(v) if v.is_finite() => Tok::Dec(v),
                        _ => return err(ErrorKind::BadNumber(text.to_string()), start, i),
                    }
                } else {
                    match digits.parse::<i64>() {
                        Ok(v) => Tok::Int(v),
                        Err(_) => return err(ErrorKind::BadNumber(text.to_string()), start, i),
                    }
                };
                out.push((tok, Span::new(start, i)));
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let word = &source[start..i];
                let tok = match word {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    "in" => Tok::In,
                    "true" => Tok::True,
                    "false" => Tok::False,
                    w => Tok::Ident(w.to_string()),
                };
                out.push((tok, Span::new(start, i)));
            }
            _ => {
                let ch = source[i..].chars().next().expect("in bounds");
                let hint = match ch {
                    '&' => Some("and"),
                    '|' => Some("or"),
                    _ => None,
                };
                return err(
                    ErrorKind::UnexpectedChar { found: ch, hint },
                    start,
                    start + ch.len_utf8(),
                );
            }
        }
    }
    // The end is reported just after the last token, not after trailing comments and newlines.
    let end = out.last().map_or(0, |(_, s): &(Tok, Span)| s.end);
    out.push((Tok::Eof, Span::new(end, end)));
    Ok(out)
}

/// Parse a rule into its syntax tree. Nothing is checked against the attribute schema yet: see
/// [`check`](crate::check). A rule longer than [`MAX_RULE_BYTES`], nested deeper than
/// [`MAX_RULE_DEPTH`] or with more than [`MAX_RULE_TERMS`] terms is an error that says where.
pub fn parse(source: &str) -> Result<Expr, Error> {
    parse_limited(source, Limits::RULE)
}

/// [`parse`] under the given limits.
pub(crate) fn parse_limited(source: &str, limits: Limits) -> Result<Expr, Error> {
    if source.len() > limits.bytes {
        // Point at the first character past the limit.
        let mut at = limits.bytes;
        while !source.is_char_boundary(at) {
            at -= 1;
        }
        let end = at + source[at..].chars().next().map_or(0, char::len_utf8);
        return Err(Error::new(
            ErrorKind::TooLong {
                bytes: source.len(),
                max: limits.bytes,
            },
            Span::new(at, end),
            source,
        ));
    }
    let tokens = lex(source)?;
    let mut p = Parser {
        source,
        tokens,
        pos: 0,
        depth: 0,
        terms: 0,
        limits,
    };
    if matches!(p.peek(), Tok::Eof) {
        return Err(Error::new(ErrorKind::Empty, p.span(), source));
    }
    let e = p.or()?;
    if !matches!(p.peek(), Tok::Eof) {
        let expected = if matches!(p.peek(), Tok::Cmp(_) | Tok::In) {
            return Err(Error::new(ErrorKind::ChainedComparison, p.span(), source));
        } else {
            Expected::AndOrEnd
        };
        return Err(p.expected(expected));
    }
    Ok(e)
}

struct Parser<'s> {
    source: &'s str,
    tokens: Vec<(Tok, Span)>,
    pos: usize,
    /// Levels of nesting open at the current token.
    depth: usize,
    /// Nodes made so far.
    terms: usize,
    limits: Limits,
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos].0
    }

    fn span(&self) -> Span {
        self.tokens[self.pos].1
    }

    fn bump(&mut self) -> (Tok, Span) {
        let t = self.tokens[self.pos].clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn expected(&self, expected: Expected) -> Error {
        let found = self.peek().describe();
        Error::new(
            ErrorKind::Expected { expected, found },
            self.span(),
            self.source,
        )
    }

    fn expect(&mut self, tok: Tok, expected: Expected) -> Result<Span, Error> {
        if *self.peek() == tok {
            Ok(self.bump().1)
        } else {
            Err(self.expected(expected))
        }
    }

    /// Open one level of nesting at `span` (the token that opens it).
    fn enter(&mut self, span: Span) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > self.limits.depth {
            return Err(Error::new(
                ErrorKind::TooDeep {
                    max: self.limits.depth,
                },
                span,
                self.source,
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// A new node.
    fn node(&mut self, kind: ExprKind, span: Span) -> Result<Expr, Error> {
        self.terms += 1;
        if self.terms > self.limits.terms {
            return Err(Error::new(
                ErrorKind::TooManyTerms {
                    max: self.limits.terms,
                },
                span,
                self.source,
            ));
        }
        Ok(Expr { kind, span })
    }

    fn or(&mut self) -> Result<Expr, Error> {
        let first = self.and()?;
        if !matches!(self.peek(), Tok::Or) {
            return Ok(first);
        }
        let mut items = vec![first];
        while matches!(self.peek(), Tok::Or) {
            self.bump();
            items.push(self.and()?);
        }
        let span = items[0].span.to(items[items.len() - 1].span);
        self.node(ExprKind::Or(items), span)
    }

    fn and(&mut self) -> Result<Expr, Error> {
        let first = self.not()?;
        if !matches!(self.peek(), Tok::And) {
            return Ok(first);
        }
        let mut items = vec![first];
        while matches!(self.peek(), Tok::And) {
            self.bump();
            items.push(self.not()?);
        }
        let span = items[0].span.to(items[items.len() - 1].span);
        self.node(ExprKind::And(items), span)
    }

    fn not(&mut self) -> Result<Expr, Error> {
        if matches!(self.peek(), Tok::Not) {
            let start = self.bump().1;
            self.enter(start)?;
            let inner = self.not()?;
            self.leave();
            let span = start.to(inner.span);
            return self.node(ExprKind::Not(Box::new(inner)), span);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, Error> {
        let lhs = self.primary()?;
        match self.peek().clone() {
            Tok::Cmp(op) => {
                self.bump();
                let rhs = self.primary()?;
                let span = lhs.span.to(rhs.span);
                self.node(
                    ExprKind::Compare {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    span,
                )
            }
            Tok::In => {
                self.bump();
                let rhs = self.primary()?;
                let span = lhs.span.to(rhs.span);
                self.node(
                    ExprKind::In {
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    span,
                )
            }
            _ => Ok(lhs),
        }
    }

    /// `or` inside a parenthesis, a call or `members.*(…)`: one level deeper.
    fn nested_or(&mut self, opened: Span) -> Result<Expr, Error> {
        self.enter(opened)?;
        let e = self.or()?;
        self.leave();
        Ok(e)
    }

    /// A primary: a thin dispatcher, so that the frames on the recursive path (parentheses,
    /// lists, calls) stay small.
    fn primary(&mut self) -> Result<Expr, Error> {
        match self.peek() {
            Tok::LParen => self.parenthesis(),
            Tok::LBracket => self.list(),
            Tok::Ident(_) => self.name(),
            _ => self.literal(),
        }
    }

    #[inline(never)]
    fn parenthesis(&mut self) -> Result<Expr, Error> {
        let span = self.bump().1;
        let inner = self.nested_or(span)?;
        if matches!(self.peek(), Tok::Cmp(_) | Tok::In) {
            return Err(Error::new(
                ErrorKind::ChainedComparison,
                self.span(),
                self.source,
            ));
        }
        let end = self.expect(Tok::RParen, Expected::CloseParen)?;
        // Keep the parentheses in the span, so explanations quote them.
        Ok(Expr {
            kind: inner.kind,
            span: span.to(end),
        })
    }

    #[inline(never)]
    fn list(&mut self) -> Result<Expr, Error> {
        let span = self.bump().1;
        self.enter(span)?;
        let mut items = Vec::new();
        if !matches!(self.peek(), Tok::RBracket) {
            loop {
                items.push(self.primary()?);
                if matches!(self.peek(), Tok::Comma) {
                    self.bump();
                    if matches!(self.peek(), Tok::RBracket) {
                        break; // trailing comma
                    }
                } else {
                    break;
                }
            }
        }
        self.leave();
        let end = self.expect(Tok::RBracket, Expected::CommaOrCloseBracket)?;
        self.node(ExprKind::List(items), span.to(end))
    }

    /// An attribute, a call or `members.*(…)`.
    #[inline(never)]
    fn name(&mut self) -> Result<Expr, Error> {
        let (tok, span) = self.bump();
        let Tok::Ident(name) = tok else {
            unreachable!("called on a name")
        };
        if matches!(self.peek(), Tok::LParen) {
            let open = self.bump().1;
            self.enter(open)?;
            let mut args = Vec::new();
            if !matches!(self.peek(), Tok::RParen) {
                loop {
                    args.push(self.or()?);
                    if matches!(self.peek(), Tok::Comma) {
                        self.bump();
                    } else {
                        break;
                    }
                }
            }
            self.leave();
            let end = self.expect(Tok::RParen, Expected::CommaOrCloseParen)?;
            return self.node(ExprKind::Call { name, args }, span.to(end));
        }
        if name == "members" && matches!(self.peek(), Tok::Dot) {
            self.bump();
            let quantifier = match self.peek() {
                Tok::Ident(q) if q == "any" => Quantifier::Any,
                Tok::Ident(q) if q == "all" => Quantifier::All,
                Tok::Ident(q) if q == "count" => Quantifier::Count,
                _ => return Err(self.expected(Expected::Quantifier)),
            };
            self.bump();
            let open = self.expect(Tok::LParen, Expected::OpenParen)?;
            let predicate = self.nested_or(open)?;
            if matches!(self.peek(), Tok::Cmp(_) | Tok::In) {
                return Err(Error::new(
                    ErrorKind::ChainedComparison,
                    self.span(),
                    self.source,
                ));
            }
            let end = self.expect(Tok::RParen, Expected::CloseParen)?;
            return self.node(
                ExprKind::Members {
                    quantifier,
                    predicate: Box::new(predicate),
                },
                span.to(end),
            );
        }
        self.node(ExprKind::Ident(name), span)
    }

    /// A number, string, `true` or `false` (no recursion).
    #[inline(never)]
    fn literal(&mut self) -> Result<Expr, Error> {
        let (tok, span) = (self.peek().clone(), self.span());
        match tok {
            Tok::Int(v) => {
                self.bump();
                self.node(ExprKind::Int(v), span)
            }
            Tok::Dec(v) => {
                self.bump();
                self.node(ExprKind::Dec(v), span)
            }
            Tok::Str(s) => {
                self.bump();
                self.node(ExprKind::Str(s), span)
            }
            Tok::True => {
                self.bump();
                self.node(ExprKind::Bool(true), span)
            }
            Tok::False => {
                self.bump();
                self.node(ExprKind::Bool(false), span)
            }
            Tok::Minus => {
                self.bump();
                let (t, s) = (self.peek().clone(), self.span());
                let kind = match t {
                    Tok::Int(v) => ExprKind::Int(-v),
                    Tok::Dec(v) => ExprKind::Dec(-v),
                    _ => return Err(self.expected(Expected::Number)),
                };
                self.bump();
                self.node(kind, span.to(s))
            }
            _ => Err(self.expected(Expected::Value)),
        }
    }
}

/// The rule as text that [`parse`] reads back to the same tree (spans aside): canonical
/// spacing, no comments, parentheses only where the grammar needs them. Recurses along the
/// tree's nesting, which [`MAX_RULE_DEPTH`] bounds for parsed rules.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// Whether `e` is a `primary` of the grammar (an operand of a comparison).
        fn primary(e: &Expr) -> bool {
            !matches!(
                e.kind,
                ExprKind::Not(_)
                    | ExprKind::And(_)
                    | ExprKind::Or(_)
                    | ExprKind::Compare { .. }
                    | ExprKind::In { .. }
            )
        }
        fn wrapped(e: &Expr, paren: bool, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            if paren {
                write!(f, "({e})")
            } else {
                write!(f, "{e}")
            }
        }
        /// Items of a list are primaries; arguments of a call are whole conditions.
        fn list(items: &[Expr], primaries: bool, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                wrapped(x, primaries && !primary(x), f)?;
            }
            Ok(())
        }
        match &self.kind {
            ExprKind::Int(v) => write!(f, "{v}"),
            ExprKind::Dec(v) => {
                // Plain digits with a point (the grammar has no exponent), enough to read back
                // the same number.
                let t = format!("{v}");
                if t.contains('.') {
                    f.write_str(&t)
                } else {
                    write!(f, "{t}.0")
                }
            }
            ExprKind::Str(s) => {
                f.write_str("\"")?;
                for c in s.chars() {
                    if matches!(c, '"' | '\\') {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("\"")
            }
            ExprKind::Bool(b) => write!(f, "{b}"),
            ExprKind::List(items) => {
                f.write_str("[")?;
                list(items, true, f)?;
                f.write_str("]")
            }
            ExprKind::Ident(n) => f.write_str(n),
            ExprKind::Call { name, args } => {
                write!(f, "{name}(")?;
                list(args, false, f)?;
                f.write_str(")")
            }
            ExprKind::Members {
                quantifier,
                predicate,
            } => write!(f, "members.{}({predicate})", quantifier.name()),
            ExprKind::Not(a) => {
                f.write_str("not ")?;
                // `not` takes a `not` or a comparison without parentheses.
                let bare = primary(a)
                    || matches!(
                        a.kind,
                        ExprKind::Not(_) | ExprKind::Compare { .. } | ExprKind::In { .. }
                    );
                wrapped(a, !bare, f)
            }
            ExprKind::And(items) => {
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" and ")?;
                    }
                    wrapped(x, matches!(x.kind, ExprKind::And(_) | ExprKind::Or(_)), f)?;
                }
                Ok(())
            }
            ExprKind::Or(items) => {
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" or ")?;
                    }
                    wrapped(x, matches!(x.kind, ExprKind::Or(_)), f)?;
                }
                Ok(())
            }
            ExprKind::Compare { op, lhs, rhs } => {
                wrapped(lhs, !primary(lhs), f)?;
                write!(f, " {} ", op.symbol())?;
                wrapped(rhs, !primary(rhs), f)
            }
            ExprKind::In { lhs, rhs } => {
                wrapped(lhs, !primary(lhs), f)?;
                f.write_str(" in ")?;
                wrapped(rhs, !primary(rhs), f)
            }
        }
    }
}

impl Expr {
    /// Whether `self` and `other` are the same tree, whatever their spans.
    pub fn same_tree(&self, other: &Expr) -> bool {
        fn all(a: &[Expr], b: &[Expr]) -> bool {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_tree(y))
        }
        use ExprKind::*;
        match (&self.kind, &other.kind) {
            (Int(a), Int(b)) => a == b,
            (Dec(a), Dec(b)) => a.to_bits() == b.to_bits(),
            (Str(a), Str(b)) => a == b,
            (Bool(a), Bool(b)) => a == b,
            (List(a), List(b)) | (And(a), And(b)) | (Or(a), Or(b)) => all(a, b),
            (Ident(a), Ident(b)) => a == b,
            (Call { name: n, args: a }, Call { name: m, args: b }) => n == m && all(a, b),
            (
                Members {
                    quantifier: q,
                    predicate: a,
                },
                Members {
                    quantifier: r,
                    predicate: b,
                },
            ) => q == r && a.same_tree(b),
            (Not(a), Not(b)) => a.same_tree(b),
            (
                Compare {
                    op: o,
                    lhs: a,
                    rhs: b,
                },
                Compare {
                    op: p,
                    lhs: c,
                    rhs: d,
                },
            ) => o == p && a.same_tree(c) && b.same_tree(d),
            (In { lhs: a, rhs: b }, In { lhs: c, rhs: d }) => a.same_tree(c) && b.same_tree(d),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree as an S-expression, to test precedence.
    fn sexp(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Int(v) => v.to_string(),
            ExprKind::Dec(v) => format!("{v:?}"),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::List(items) => {
                format!("[{}]", items.iter().map(sexp).collect::<Vec<_>>().join(" "))
            }
            ExprKind::Ident(n) => n.clone(),
            ExprKind::Call { name, args } => format!(
                "({name} {})",
                args.iter().map(sexp).collect::<Vec<_>>().join(" ")
            ),
            ExprKind::Members {
                quantifier,
                predicate,
            } => format!("(members.{} {})", quantifier.name(), sexp(predicate)),
            ExprKind::Not(a) => format!("(not {})", sexp(a)),
            ExprKind::And(items) => {
                format!(
                    "(and {})",
                    items.iter().map(sexp).collect::<Vec<_>>().join(" ")
                )
            }
            ExprKind::Or(items) => {
                format!(
                    "(or {})",
                    items.iter().map(sexp).collect::<Vec<_>>().join(" ")
                )
            }
            ExprKind::Compare { op, lhs, rhs } => {
                format!("({} {} {})", op.symbol(), sexp(lhs), sexp(rhs))
            }
            ExprKind::In { lhs, rhs } => format!("(in {} {})", sexp(lhs), sexp(rhs)),
        }
    }

    fn p(s: &str) -> String {
        sexp(&parse(s).unwrap_or_else(|e| panic!("{s}: {e}")))
    }

    fn e(s: &str) -> String {
        parse(s).unwrap_err().to_string()
    }

    #[test]
    fn precedence_or_and_not() {
        assert_eq!(p("a or b and c"), "(or a (and b c))");
        assert_eq!(p("a and b or c"), "(or (and a b) c)");
        assert_eq!(p("not a and b"), "(and (not a) b)");
        assert_eq!(p("not not a"), "(not (not a))");
        assert_eq!(p("(a or b) and c"), "(and (or a b) c)");
        assert_eq!(p("a or b or c"), "(or a b c)");
        assert_eq!(p("a or (b or c)"), "(or a (or b c))");
        assert_eq!(p("a and b and c or d"), "(or (and a b c) d)");
        assert_eq!(p("not desil <= 4"), "(not (<= desil 4))");
        assert_eq!(
            p("desil <= 4 and members.any(age < 6) or region in [\"32\", \"33.01\"]"),
            "(or (and (<= desil 4) (members.any (< age 6))) (in region [\"32\" \"33.01\"]))"
        );
    }

    #[test]
    fn literals() {
        assert_eq!(p("x == 1_000_000"), "(== x 1000000)");
        assert_eq!(p("x >= -2.5"), "(>= x -2.5)");
        assert_eq!(p("x != \"a \\\"b\\\"\""), "(!= x \"a \\\"b\\\"\")");
        assert_eq!(p("x in [1, 2, 3,]"), "(in x [1 2 3])");
        assert_eq!(p("x in []"), "(in x [])");
        assert_eq!(p("true"), "true");
        assert_eq!(p("owns(\"car\")"), "(owns \"car\")");
        assert_eq!(
            p("# a comment\n  desil <= 4 # why\n and surveyed"),
            "(and (<= desil 4) surveyed)"
        );
    }

    #[test]
    fn spans_cover_the_source() {
        let src = "desil <= 4 and (not surveyed)";
        let e = parse(src).unwrap();
        assert_eq!(e.span.text(src), src);
        let ExprKind::And(items) = &e.kind else {
            panic!()
        };
        let (a, b) = (&items[0], &items[1]);
        assert_eq!(a.span.text(src), "desil <= 4");
        assert_eq!(b.span.text(src), "(not surveyed)");
    }

    #[test]
    fn errors_say_where_and_what() {
        assert_eq!(
            e("desil <= and"),
            "line 1, column 10: expected a value (number, string, attribute, '(' or '['), found 'and'"
        );
        assert_eq!(
            e("desil <= 4\nand (surveyed"),
            "line 2, column 14: expected ')', found end of rule"
        );
        assert_eq!(
            e("1 < desil < 3"),
            "line 1, column 11: comparisons cannot be chained; join them with 'and'"
        );
        assert_eq!(
            e("desil = 3"),
            "line 1, column 7: '=' is not an operator; compare with '=='"
        );
        assert_eq!(
            e("a && b"),
            "line 1, column 3: unexpected character '&'; write 'and'"
        );
        assert_eq!(e("x == \"abc"), "line 1, column 6: unterminated string");
        assert_eq!(e("x == 12ab"), "line 1, column 6: '12ab' is not a number");
        assert_eq!(e("  # nothing"), "line 1, column 1: the rule is empty");
        assert_eq!(
            e("members.some(age < 5)"),
            "line 1, column 9: expected 'any', 'all' or 'count', found 'some'"
        );
        assert_eq!(
            e("desil 4"),
            "line 1, column 7: expected 'and', 'or' or end of rule, found number 4"
        );
    }
}
