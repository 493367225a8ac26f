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
    /// A character that may not appear in a rule (a control character, a bidirectional
    /// override), shown as its escape.
    ControlCharacter(String),
    /// A backslash in a string followed by something other than `"` or `\\`.
    BadEscape(String),

    // Limits.
    /// The rule is longer than [`MAX_RULE_BYTES`](crate::MAX_RULE_BYTES).
    TooLong {
        bytes: usize,
        max: usize,
    },
    /// Parentheses, brackets, `not`, `members.*(…)` and calls nest deeper than
    /// [`MAX_RULE_DEPTH`](crate::MAX_RULE_DEPTH).
    TooDeep {
        max: usize,
    },
    /// More than [`MAX_RULE_TERMS`](crate::MAX_RULE_TERMS) names, values and operators.
    TooManyTerms {
        max: usize,
    },
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

    /// The message without the position. Text from the rule (names, strings) is shortened to
    /// [`ECHO_CHARS`] characters and any character that could disturb a terminal is escaped.
    pub fn description(&self, lang: Lang) -> String {
        setara_core::text::printable(&self.describe(lang)).into_owned()
    }

    fn describe(&self, lang: Lang) -> String {
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
                Lang::Id => format!("'{}' bukan angka", clip(s)),
                Lang::En => format!("'{}' is not a number", clip(s)),
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
            ControlCharacter(c) => match l {
                Lang::Id => format!(
                    "karakter kendali {c} tidak boleh ada di dalam aturan (hanya spasi, tab dan baris baru)"
                ),
                Lang::En => format!(
                    "control character {c} is not allowed in a rule (only spaces, tabs and line breaks)"
                ),
            },
            BadEscape(e) => match l {
                Lang::Id => format!(
                    "'{e}' bukan escape yang dikenal di dalam teks; hanya \\\" dan \\\\"
                ),
                Lang::En => format!(
                    "'{e}' is not an escape a string knows; only \\\" and \\\\"
                ),
            },
            TooLong { bytes, max } => match l {
                Lang::Id => format!(
                    "aturan sepanjang {bytes} bita melebihi batas {max} bita; aturan yang sebenarnya hanya beberapa baris"
                ),
                Lang::En => format!(
                    "the rule is {bytes} bytes long, over the limit of {max} bytes; a real rule is a few lines"
                ),
            },
            TooDeep { max } => match l {
                Lang::Id => format!(
                    "aturan bersarang lebih dari {max} tingkat (tanda kurung, 'not', members.*(…)) di sini; sederhanakan aturannya"
                ),
                Lang::En => format!(
                    "the rule nests deeper than {max} levels (parentheses, 'not', members.*(…)) here; simplify it"
                ),
            },
            TooManyTerms { max } => match l {
                Lang::Id => format!(
                    "aturan memiliki lebih dari {max} unsur (nama, nilai, operator) sampai di sini; sederhanakan aturannya"
                ),
                Lang::En => format!(
                    "the rule has more than {max} terms (names, values, operators) by here; simplify it"
                ),
            },
            Expected { expected, found } => {
                let found = if found.is_empty() {
                    l.pick("akhir aturan", "end of rule").to_string()
                } else {
                    clip(found)
                };
                match l {
                    Lang::Id => format!("diharapkan {}, ditemukan {found}", expected.text(l)),
                    Lang::En => format!("expected {}, found {found}", expected.text(l)),
                }
            }
            UnknownAttribute { name, suggestion } => {
                let name = clip(name);
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
                let name = clip(name);
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
                    "{:?} bukan kode {attribute}; kode yang sah: {valid}",
                    clip(value)
                ),
                Lang::En => format!(
                    "{:?} is not a code of {attribute}; valid codes: {valid}",
                    clip(value)
                ),
            },
            BadRegion { value } => match (l, clip(value)) {
                (Lang::Id, value) => format!(
                    "{value:?} bukan kode wilayah (PP, PP.KK, PP.KK.CC atau PP.KK.CC.DDDD, dengan atau tanpa titik)"
                ),
                (Lang::En, value) => format!(
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
                    clip_list(known)
                };
                let name = clip(name);
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
    ///
    /// A long line is shown as a window of about [`WINDOW_CHARS`] characters around the error,
    /// and characters that could disturb a terminal as their escapes.
    pub fn render(&self, source: &str, lang: Lang) -> String {
        format!(
            "{}\n{}",
            self.message(lang),
            caret(source, self.line, self.span)
        )
    }
}

/// Characters of a user's name or value repeated in a message.
pub const ECHO_CHARS: usize = 60;
/// Characters of a source line shown under a message.
pub const WINDOW_CHARS: usize = 100;

/// `s` shortened to [`ECHO_CHARS`] characters (with `…`), control characters escaped.
pub(crate) fn clip(s: &str) -> String {
    let short: String = if s.chars().count() > ECHO_CHARS {
        let mut t: String = s.chars().take(ECHO_CHARS - 1).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    };
    setara_core::text::printable(&short).into_owned()
}

/// A list of names, comma-separated, at most about 10 × [`ECHO_CHARS`] characters.
fn clip_list(items: &[String]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if out.chars().count() > 10 * ECHO_CHARS {
            out += &format!(", … (+{})", items.len() - i);
            break;
        }
        if i > 0 {
            out += ", ";
        }
        out += &clip(item);
    }
    out
}

/// The line `line` of `source` with a caret under `span` (on its first line):
///
/// ```text
///   |
/// 1 | desil <= and
///   |          ^^^
/// ```
fn caret(source: &str, line: usize, span: Span) -> String {
    let line = line.max(1);
    let line_start = source
        .get(..span.start)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1);
    let rest = source.get(line_start..).unwrap_or("");
    let line_text = rest.split('\n').next().unwrap_or("");
    let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
    // Byte offsets of the span within the line.
    let from = span.start.saturating_sub(line_start).min(line_text.len());
    let to = span
        .end
        .saturating_sub(line_start)
        .clamp(from, line_text.len());
    let chars: Vec<(usize, char)> = line_text.char_indices().collect();
    let start_char = chars.iter().take_while(|(b, _)| *b < from).count();
    let end_char = chars.iter().take_while(|(b, _)| *b < to).count();
    // A window of the line around the start of the span.
    let first = start_char.saturating_sub(WINDOW_CHARS / 2);
    let last = (first + WINDOW_CHARS).min(chars.len());
    let mut shown = String::new();
    let mut col = 0; // display column of the span's start, in shown characters
    let mut width = 0;
    if first > 0 {
        shown.push('…');
    }
    for (k, &(_, c)) in chars.iter().enumerate().take(last).skip(first) {
        let piece: String = if setara_core::text::is_forbidden(c) && c != '\t' {
            c.escape_default().collect()
        } else if c == '\t' {
            " ".into()
        } else {
            c.to_string()
        };
        let n = piece.chars().count();
        if k < start_char {
            col += n;
        } else if k < end_char {
            width += n;
        }
        shown += &piece;
    }
    if last < chars.len() {
        shown.push('…');
    }
    if first > 0 {
        col += 1;
    }
    let number = line.to_string();
    let pad = " ".repeat(number.len());
    format!(
        "{pad} |\n{number} | {shown}\n{pad} | {}{}",
        " ".repeat(col),
        "^".repeat(width.max(1))
    )
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
            ControlCharacter(_) => "rule_control_character",
            BadEscape(_) => "rule_bad_escape",
            TooLong { .. } => "rule_too_long",
            TooDeep { .. } => "rule_too_deep",
            TooManyTerms { .. } => "rule_too_many_terms",
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

/// What a [`Warning`] is about.
#[derive(Clone, Debug, PartialEq)]
pub enum WarningKind {
    /// The comparison holds for every value the attribute can take: it only tests that the
    /// value is recorded (`desil <= 11`, `desil >= 1`).
    AlwaysTrue,
    /// The comparison holds for no value the attribute can take (`desil > 10`, `x in []`).
    AlwaysFalse,
    /// A value of an `in` list lies outside the attribute's values and never matches
    /// (`desil in [3, 11]`).
    OutOfRange { value: String },
}

/// Something legal but probably not meant, such as `desil <= 11`: a comparison that can only
/// give one answer, or a list value that can never match. Each kind has a stable
/// [`Localized::code`].
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    pub kind: WarningKind,
    pub span: Span,
    pub line: usize,
    pub column: usize,
    /// The attribute compared (`desil`, `members.count(…)`).
    pub attribute: String,
    /// The values the attribute can take, inclusive, when they are a range of integers
    /// (`None` for code lists and regions).
    pub range: Option<(i64, i64)>,
}

impl Warning {
    /// The message without the position.
    pub fn description(&self, lang: Lang) -> String {
        let a = &self.attribute;
        let range = |l: Lang| match (self.range, l) {
            (Some((min, max)), Lang::Id) => format!("{a} selalu antara {min} dan {max}; "),
            (Some((min, max)), Lang::En) => format!("{a} is always between {min} and {max}; "),
            (None, _) => String::new(),
        };
        let text = match (&self.kind, lang) {
            (WarningKind::AlwaysTrue, Lang::Id) => format!(
                "{}perbandingan ini benar untuk setiap nilai {a}, jadi hanya menguji bahwa {a} tercatat",
                range(lang)
            ),
            (WarningKind::AlwaysTrue, Lang::En) => format!(
                "{}this comparison holds for every value of {a}, so it only tests that {a} is recorded",
                range(lang)
            ),
            (WarningKind::AlwaysFalse, Lang::Id) => {
                format!("{}perbandingan ini tidak pernah benar", range(lang))
            }
            (WarningKind::AlwaysFalse, Lang::En) => {
                format!("{}this comparison never holds", range(lang))
            }
            (WarningKind::OutOfRange { value }, Lang::Id) => format!(
                "{}nilai {} di luar rentang itu dan tidak pernah cocok",
                range(lang),
                clip(value)
            ),
            (WarningKind::OutOfRange { value }, Lang::En) => format!(
                "{}the value {} lies outside and never matches",
                range(lang),
                clip(value)
            ),
        };
        setara_core::text::printable(&text).into_owned()
    }

    /// The message with the source line and a caret, as [`Error::render`].
    pub fn render(&self, source: &str, lang: Lang) -> String {
        format!(
            "{}\n{}",
            self.message(lang),
            caret(source, self.line, self.span)
        )
    }
}

impl Localized for Warning {
    fn code(&self) -> &'static str {
        match self.kind {
            WarningKind::AlwaysTrue => "rule_always_true",
            WarningKind::AlwaysFalse => "rule_always_false",
            WarningKind::OutOfRange { .. } => "rule_value_out_of_range",
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
