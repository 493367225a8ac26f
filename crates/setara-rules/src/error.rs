//! Errors and warnings of parsing, checking and evaluating a rule, in both languages.

use std::fmt;

use setara_core::{Lang, Localized};

use crate::syntax::Span;
use crate::types::Type;

/// What the parser expected where it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A number, string, attribute, `(` or `[`.
    Value,
    /// A number after `-`.
    Number,
    /// `)`.
    CloseParen,
    /// `(`.
    OpenParen,
    /// `,` or `)` in an argument list.
    CommaOrCloseParen,
    /// `,` or `]` in a list.
    CommaOrCloseBracket,
    /// `any`, `all` or `count` after `members.`.
    Quantifier,
    /// `and`, `or` or the end of the rule.
    AndOrEnd,
}

impl Expected {
    fn text(self, lang: Lang) -> &'static str {
        match self {
            Expected::Value => lang.pick(
                "sebuah nilai (angka, teks, atribut, '(' atau '[')",
                "a value (number, string, attribute, '(' or '[')",
            ),
            Expected::Number => lang.pick("sebuah angka", "a number"),
            Expected::CloseParen => "')'",
            Expected::OpenParen => "'('",
            Expected::CommaOrCloseParen => lang.pick("',' atau ')'", "',' or ')'"),
            Expected::CommaOrCloseBracket => lang.pick("',' atau ']'", "',' or ']'"),
            Expected::Quantifier => {
                lang.pick("'any', 'all' atau 'count'", "'any', 'all' or 'count'")
            }
            Expected::AndOrEnd => lang.pick(
                "'and', 'or' atau akhir aturan",
                "'and', 'or' or end of rule",
            ),
        }
    }
}

/// What went wrong. Each kind has a stable [`Localized::code`].
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorKind {
    // Syntax.
    /// The rule has no expression.
    Empty,
    UnexpectedChar {
        found: char,
        /// The keyword to write instead (`&` → `and`).
        hint: Option<&'static str>,
    },
    UnterminatedString,
    BadNumber(String),
    /// A single `=`.
    SingleEquals,
    /// `a < b < c`.
    ChainedComparison,
    /// The parser expected something else; `found` describes the token (empty: end of rule).
    Expected {
        expected: Expected,
        found: String,
    },

    // Names.
    UnknownAttribute {
        name: String,
        suggestion: Option<String>,
    },
    UnknownFunction {
        name: String,
        suggestion: Option<String>,
    },
    /// A person attribute (`age`) outside `members.*(…)`.
    PersonAttributeOutside(String),
    /// A household attribute inside `members.*(…)`.
    HouseholdAttributeInside(String),
    /// `members.any(members.any(…))`.
    NestedMembers,

    // Types.
    /// A value of type `found` where `expected` (a description) was needed.
    Type {
        expected: TypeExpectation,
        found: Type,
    },
    /// `floor == "lava"`: not a code of the attribute's code list.
    BadCode {
        attribute: String,
        value: String,
        valid: String,
    },
    BadRegion {
        value: String,
    },
    UnknownProgramme {
        name: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    Arity {
        function: String,
        expected: usize,
        found: usize,
    },
    /// A comparison without an attribute (or `members.count`) on one side and a constant on
    /// the other.
    NeedsAttributeAndConstant,
    /// `<`, `>`… on a code list or true/false attribute.
    OrderOnCode(String),
    /// `region == "32"`: regions are selected with `in`.
    RegionNeedsIn,
    /// `score in [...]`: `in` on an attribute that does not take it.
    InNotSupported(String),

    // Inputs.
    /// `desil`, `score`… without a ranking.
    NoRanking(String),
    /// An input does not have one entry per household row.
    InputLength {
        what: String,
        expected: usize,
        found: usize,
    },
    /// The household row to explain does not exist.
    NoSuchRow {
        row: usize,
        rows: usize,
    },
}

/// What kind of value a place in the rule needs.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeExpectation {
    /// A condition (true/false): operands of `and`, `or`, `not`, the whole rule.
    Boolean,
    /// A value comparable with the other operand, of the given type.
    Like(Type),
    /// A list (right of `in`).
    List,
    /// A string (function arguments).
    String,
    /// An attribute name (argument of `known`).
    Attribute,
}

impl TypeExpectation {
    fn text(&self, lang: Lang) -> String {
        match self {
            TypeExpectation::Boolean => lang
                .pick("sebuah syarat (benar/salah)", "a condition (true/false)")
                .into(),
            TypeExpectation::Like(t) => t.name(lang),
            TypeExpectation::List => lang.pick("sebuah daftar [ … ]", "a list [ … ]").into(),
            TypeExpectation::String => lang.pick("sebuah teks \"…\"", "a string \"…\"").into(),
            TypeExpectation::Attribute => lang.pick("nama atribut", "an attribute name").into(),
        }
    }
}

/// An error in a rule: what, and where (byte span, 1-based line and column in characters).
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub span: Span,
    pub line: usize,
    pub column: usize,
}

/// Line and column (1-based, column counted in characters) of byte offset `at` in `source`.
pub fn line_column(source: &str, at: usize) -> (usize, usize) {
    let at = at.min(source.len());
    let before = &source[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, span: Span, source: &str) -> Error {
        let (line, column) = line_column(source, span.start);
        Error {
            kind,
            span,
            line,
            column,
        }
    }

    /// The message without the position.
    pub fn description(&self, lang: Lang) -> String {
        use ErrorKind::*;
        let l = lang;
        match &self.kind {
            Empty => l.pick("aturan kosong", "the rule is empty").into(),
            UnexpectedChar { found, hint } => match hint {
                Some(h) => format!(
                    "{} '{found}'; {} '{h}'",
                    l.pick("karakter tak terduga", "unexpected character"),
                    l.pick("tulis", "write")
                ),
                None => format!(
                    "{} '{found}'",
                    l.pick("karakter tak terduga", "unexpected character")
                ),
            },
            UnterminatedString => l
                .pick("teks tidak ditutup dengan '\"'", "unterminated string")
                .into(),
            BadNumber(s) => match l {
                Lang::Id => format!("'{s}' bukan angka"),
                Lang::En => format!("'{s}' is not a number"),
            },
            SingleEquals => l
                .pick(
                    "'=' bukan operator; bandingkan dengan '=='",
                    "'=' is not an operator; compare with '=='",
                )
                .into(),
            ChainedComparison => l
                .pick(
                    "perbandingan tidak dapat dirangkai; gabungkan dengan 'and'",
                    "comparisons cannot be chained; join them with 'and'",
                )
                .into(),
            Expected { expected, found } => {
                let found = if found.is_empty() {
                    l.pick("akhir aturan", "end of rule").to_string()
                } else {
                    found.clone()
                };
                match l {
                    Lang::Id => format!("diharapkan {}, ditemukan {found}", expected.text(l)),
                    Lang::En => format!("expected {}, found {found}", expected.text(l)),
                }
            }
            UnknownAttribute { name, suggestion } => {
                let mut s = match l {
                    Lang::Id => format!("atribut '{name}' tidak dikenal"),
                    Lang::En => format!("unknown attribute '{name}'"),
                };
                if let Some(g) = suggestion {
                    s += &format!("; {} '{g}'?", l.pick("mungkin maksudnya", "did you mean"));
                }
                s
            }
            UnknownFunction { name, suggestion } => {
                let mut s = match l {
                    Lang::Id => format!(
                        "fungsi '{name}' tidak dikenal (yang ada: owns, receives, known, members.any, members.all, members.count)"
                    ),
                    Lang::En => format!(
                        "unknown function '{name}' (there are: owns, receives, known, members.any, members.all, members.count)"
                    ),
                };
                if let Some(g) = suggestion {
                    s += &format!("; {} '{g}'?", l.pick("mungkin maksudnya", "did you mean"));
                }
                s
            }
            PersonAttributeOutside(name) => match l {
                Lang::Id => format!(
                    "'{name}' adalah atribut anggota keluarga: pakai di dalam members.any(…), members.all(…) atau members.count(…)"
                ),
                Lang::En => format!(
                    "'{name}' is a person attribute: use it inside members.any(…), members.all(…) or members.count(…)"
                ),
            },
            HouseholdAttributeInside(name) => match l {
                Lang::Id => format!(
                    "'{name}' adalah atribut keluarga dan tidak dapat dipakai di dalam members.*(…), yang menguji tiap anggota"
                ),
                Lang::En => format!(
                    "'{name}' is a household attribute and cannot be used inside members.*(…), which tests each member"
                ),
            },
            NestedMembers => l
                .pick(
                    "members.*(…) tidak dapat bersarang di dalam members.*(…)",
                    "members.*(…) cannot be nested inside members.*(…)",
                )
                .into(),
            Type { expected, found } => match l {
                Lang::Id => format!(
                    "diharapkan {}, ditemukan {}",
                    expected.text(l),
                    found.name(l)
                ),
                Lang::En => format!(
                    "expected {}, found {}",
                    expected.text(l),
                    found.name(l)
                ),
            },
            BadCode {
                attribute,
                value,
                valid,
            } => match l {
                Lang::Id => format!(
                    "{value:?} bukan kode {attribute}; kode yang sah: {valid}"
                ),
                Lang::En => format!(
                    "{value:?} is not a code of {attribute}; valid codes: {valid}"
                ),
            },
            BadRegion { value } => match l {
                Lang::Id => format!(
                    "{value:?} bukan kode wilayah (PP, PP.KK, PP.KK.CC atau PP.KK.CC.DDDD, dengan atau tanpa titik)"
                ),
                Lang::En => format!(
                    "{value:?} is not a region code (PP, PP.KK, PP.KK.CC or PP.KK.CC.DDDD, dotted or not)"
                ),
            },
            UnknownProgramme {
                name,
                suggestion,
                known,
            } => {
                let known = if known.is_empty() {
                    l.pick("(tidak ada)", "(none)").to_string()
                } else {
                    known.join(", ")
                };
                let mut s = match l {
                    Lang::Id => format!("program {name:?} tidak dikenal; program yang ada: {known}"),
                    Lang::En => format!("unknown programme {name:?}; known programmes: {known}"),
                };
                if let Some(g) = suggestion {
                    s += &format!("; {} {g:?}?", l.pick("mungkin maksudnya", "did you mean"));
                }
                s
            }
            Arity {
                function,
                expected,
                found,
            } => match l {
                Lang::Id => format!("{function} menerima {expected} argumen, diberi {found}"),
                Lang::En => format!(
                    "{function} takes {expected} argument{}, found {found}",
                    if *expected == 1 { "" } else { "s" }
                ),
            },
            NeedsAttributeAndConstant => l
                .pick(
                    "perbandingan memerlukan atribut (atau members.count(…)) di satu sisi dan nilai tetap di sisi lain",
                    "a comparison needs an attribute (or members.count(…)) on one side and a constant on the other",
                )
                .into(),
            OrderOnCode(attr) => match l {
                Lang::Id => format!(
                    "'{attr}' hanya dapat dibandingkan dengan ==, != atau in, bukan dengan <, <=, >, >="
                ),
                Lang::En => format!(
                    "'{attr}' can be compared only with ==, != or in, not with <, <=, >, >="
                ),
            },
            RegionNeedsIn => l
                .pick(
                    "pilih wilayah dengan 'in': region in \"32.04\" memilih wilayah itu dan semua wilayah di dalamnya",
                    "select regions with 'in': region in \"32.04\" selects that region and everything in it",
                )
                .into(),
            InNotSupported(attr) => match l {
                Lang::Id => format!("'{attr}' tidak dapat dipakai dengan 'in'; bandingkan dengan <, <=, >, >="),
                Lang::En => format!("'{attr}' cannot be used with 'in'; compare it with <, <=, >, >="),
            },
            NoRanking(attr) => match l {
                Lang::Id => format!(
                    "'{attr}' memerlukan peringkat kesejahteraan, dan belum ada: jalankan `setara rank` dahulu"
                ),
                Lang::En => format!(
                    "'{attr}' needs the welfare ranking, and there is no ranking: run `setara rank` first"
                ),
            },
            InputLength {
                what,
                expected,
                found,
            } => match l {
                Lang::Id => format!(
                    "{what} memiliki {found} nilai, potret memiliki {expected} keluarga"
                ),
                Lang::En => format!(
                    "{what} has {found} values, the snapshot has {expected} households"
                ),
            },
            NoSuchRow { row, rows } => match l {
                Lang::Id => format!("tidak ada baris keluarga {row} (ada {rows})"),
                Lang::En => format!("there is no household row {row} (there are {rows})"),
            },
        }
    }

    /// The source line of the error with a caret under the column, then the message:
    ///
    /// ```text
    /// line 1, column 10: expected a value (number, string, attribute, '(' or '['), found 'and'
    ///   |
    /// 1 | desil <= and
    ///   |          ^^^
    /// ```
    pub fn render(&self, source: &str, lang: Lang) -> String {
        let line_text = source.lines().nth(self.line - 1).unwrap_or("");
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        // Underline the span on its first line, at least one caret.
        let start = self.column - 1;
        let span_chars = self
            .span
            .text(source)
            .lines()
            .next()
            .map_or(0, |t| t.chars().count());
        let width = span_chars
            .min(line_text.chars().count().saturating_sub(start))
            .max(1);
        format!(
            "{}\n{pad} |\n{number} | {line_text}\n{pad} | {}{}",
            self.message(lang),
            " ".repeat(start),
            "^".repeat(width)
        )
    }
}

impl Localized for Error {
    fn code(&self) -> &'static str {
        use ErrorKind::*;
        match self.kind {
            Empty => "rule_empty",
            UnexpectedChar { .. } => "rule_unexpected_char",
            UnterminatedString => "rule_unterminated_string",
            BadNumber(_) => "rule_bad_number",
            SingleEquals => "rule_single_equals",
            ChainedComparison => "rule_chained_comparison",
            Expected { .. } => "rule_syntax",
            UnknownAttribute { .. } => "rule_unknown_attribute",
            UnknownFunction { .. } => "rule_unknown_function",
            PersonAttributeOutside(_) => "rule_person_attribute_outside_members",
            HouseholdAttributeInside(_) => "rule_household_attribute_inside_members",
            NestedMembers => "rule_nested_members",
            Type { .. } => "rule_type",
            BadCode { .. } => "rule_bad_code",
            BadRegion { .. } => "rule_bad_region",
            UnknownProgramme { .. } => "rule_unknown_programme",
            Arity { .. } => "rule_arity",
            NeedsAttributeAndConstant => "rule_needs_attribute_and_constant",
            OrderOnCode(_) => "rule_order_on_code",
            RegionNeedsIn => "rule_region_needs_in",
            InNotSupported(_) => "rule_in_not_supported",
            NoRanking(_) => "rule_no_ranking",
            InputLength { .. } => "rule_input_length",
            NoSuchRow { .. } => "rule_no_such_row",
        }
    }

    /// `line L, column C: …` (`baris L, kolom C: …`).
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Id => format!(
                "baris {}, kolom {}: {}",
                self.line,
                self.column,
                self.description(lang)
            ),
            Lang::En => format!(
                "line {}, column {}: {}",
                self.line,
                self.column,
                self.description(lang)
            ),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for Error {}

/// Something legal but probably not meant, such as `desil <= 11`.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    pub span: Span,
    pub line: usize,
    pub column: usize,
    /// The attribute compared.
    pub attribute: String,
    /// The constant it was compared with.
    pub value: String,
    /// The values the attribute can take, inclusive.
    pub min: i64,
    pub max: i64,
}

impl Warning {
    /// `line L, column C: desil is always between 1 and 10; the constant 11 …`.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Id => format!(
                "baris {}, kolom {}: {} selalu antara {} dan {}; nilai {} di luar rentang itu, jadi perbandingan ini selalu sama hasilnya",
                self.line, self.column, self.attribute, self.min, self.max, self.value
            ),
            Lang::En => format!(
                "line {}, column {}: {} is always between {} and {}; {} lies outside, so this comparison always gives the same answer",
                self.line, self.column, self.attribute, self.min, self.max, self.value
            ),
        }
    }
}
