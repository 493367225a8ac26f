//! Lexer and recursive-descent parser: source text → [`Expr`] with byte spans.

use crate::error::{Error, ErrorKind, Expected};

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
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
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
                        Some(_) => {
                            let ch = source[i..].chars().next().expect("in bounds");
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
                        Ok(v) => Tok::Dec(v),
                        Err(_) => return err(ErrorKind::BadNumber(text.to_string()), start, i),
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
/// [`check`](crate::check).
pub fn parse(source: &str) -> Result<Expr, Error> {
    let tokens = lex(source)?;
    let mut p = Parser {
        source,
        tokens,
        pos: 0,
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

    fn or(&mut self) -> Result<Expr, Error> {
        let mut lhs = self.and()?;
        while matches!(self.peek(), Tok::Or) {
            self.bump();
            let rhs = self.and()?;
            let span = lhs.span.to(rhs.span);
            lhs = Expr {
                kind: ExprKind::Or(Box::new(lhs), Box::new(rhs)),
                span,
            };
        }
        Ok(lhs)
    }

    fn and(&mut self) -> Result<Expr, Error> {
        let mut lhs = self.not()?;
        while matches!(self.peek(), Tok::And) {
            self.bump();
            let rhs = self.not()?;
            let span = lhs.span.to(rhs.span);
            lhs = Expr {
                kind: ExprKind::And(Box::new(lhs), Box::new(rhs)),
                span,
            };
        }
        Ok(lhs)
    }

    fn not(&mut self) -> Result<Expr, Error> {
        if matches!(self.peek(), Tok::Not) {
            let start = self.bump().1;
            let inner = self.not()?;
            let span = start.to(inner.span);
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(inner)),
                span,
            });
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
                Ok(Expr {
                    kind: ExprKind::Compare {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    span,
                })
            }
            Tok::In => {
                self.bump();
                let rhs = self.primary()?;
                let span = lhs.span.to(rhs.span);
                Ok(Expr {
                    kind: ExprKind::In {
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    span,
                })
            }
            _ => Ok(lhs),
        }
    }

    fn primary(&mut self) -> Result<Expr, Error> {
        let (tok, span) = (self.peek().clone(), self.span());
        let lit = |kind| Ok(Expr { kind, span });
        match tok {
            Tok::Int(v) => {
                self.bump();
                lit(ExprKind::Int(v))
            }
            Tok::Dec(v) => {
                self.bump();
                lit(ExprKind::Dec(v))
            }
            Tok::Str(s) => {
                self.bump();
                lit(ExprKind::Str(s))
            }
            Tok::True => {
                self.bump();
                lit(ExprKind::Bool(true))
            }
            Tok::False => {
                self.bump();
                lit(ExprKind::Bool(false))
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
                Ok(Expr {
                    kind,
                    span: span.to(s),
                })
            }
            Tok::LParen => {
                self.bump();
                let inner = self.or()?;
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
            Tok::LBracket => {
                self.bump();
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
                let end = self.expect(Tok::RBracket, Expected::CommaOrCloseBracket)?;
                Ok(Expr {
                    kind: ExprKind::List(items),
                    span: span.to(end),
                })
            }
            Tok::Ident(name) => {
                self.bump();
                if matches!(self.peek(), Tok::LParen) {
                    self.bump();
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
                    let end = self.expect(Tok::RParen, Expected::CommaOrCloseParen)?;
                    return Ok(Expr {
                        kind: ExprKind::Call { name, args },
                        span: span.to(end),
                    });
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
                    self.expect(Tok::LParen, Expected::OpenParen)?;
                    let predicate = self.or()?;
                    if matches!(self.peek(), Tok::Cmp(_) | Tok::In) {
                        return Err(Error::new(
                            ErrorKind::ChainedComparison,
                            self.span(),
                            self.source,
                        ));
                    }
                    let end = self.expect(Tok::RParen, Expected::CloseParen)?;
                    return Ok(Expr {
                        kind: ExprKind::Members {
                            quantifier,
                            predicate: Box::new(predicate),
                        },
                        span: span.to(end),
                    });
                }
                lit(ExprKind::Ident(name))
            }
            _ => Err(self.expected(Expected::Value)),
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
            ExprKind::And(a, b) => format!("(and {} {})", sexp(a), sexp(b)),
            ExprKind::Or(a, b) => format!("(or {} {})", sexp(a), sexp(b)),
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
        assert_eq!(p("a or b or c"), "(or (or a b) c)");
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
        let ExprKind::And(a, b) = &e.kind else {
            panic!()
        };
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
