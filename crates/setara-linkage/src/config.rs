//! The linkage configuration: blocking rules, one comparison per column, training settings and
//! thresholds, read from TOML (format documented in `docs/linkage.md`).

use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result};

/// Most comparisons a configuration may have (a comparison vector packs 4 bits per field).
pub const MAX_COMPARISONS: usize = 16;
/// Most levels a comparison may have, counting the last ("else") level.
pub const MAX_LEVELS: usize = 15;
/// Longest configuration text, in bytes (1 MiB). The shipped examples, comments included, are
/// under 8 KiB; a file of megabytes is not a hand-written configuration.
pub const MAX_CONFIG_BYTES: usize = 1 << 20;
/// Most blocking rules. Each rule is a stratum of the model and every candidate pair is checked
/// against the rules before it (so the cost of a pair grows with the rules); a pair stores its
/// rule in one byte. The shipped examples use 5.
pub const MAX_BLOCKING_RULES: usize = 32;
/// Most keys in one blocking rule (the shipped examples use at most 2).
pub const MAX_KEYS_PER_RULE: usize = 8;
/// Most EM iterations (`training.max_iterations`). Each iteration visits every distinct
/// comparison vector; the measured runs converge in fewer than 100 (87 on a million persons),
/// the default allows 200.
pub const MAX_EM_ITERATIONS: u32 = 10_000;
/// Most random pairs for the u probabilities (`training.u_sample_pairs`): about half a minute
/// at the measured 3.6 million comparisons per second on 2 cores; the default is 1 million.
pub const MAX_U_SAMPLE_PAIRS: u64 = 100_000_000;
/// Longest name of a rule or a column, and longest blocking key, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Default limit on the candidate pairs of a run (`max_candidate_pairs`, or `--max-pairs` on
/// the command line): the distinct pairs that the blocking rules make together, each pair once.
///
/// Why this value: measured peak memory (`setara dedup --input`, 2 threads) is about 64 bytes
/// per candidate pair when every candidate is returned — the worst case, a block of identical
/// records (2,000 and 4,000 identical persons: 2.0 and 8.0 million pairs, 133 and 506 MiB) —
/// and about 25 bytes per candidate scored below `min_probability`, which is what most
/// candidates are. Ten million pairs therefore cost at most about 0.65 GB on top of the table
/// (0.75 GB per million persons), which fits comfortably on an office laptop. A million
/// synthetic persons with `persons.toml` make 2.8 million candidate pairs; four million make
/// about 43 million and need the limit raised.
pub const DEFAULT_MAX_CANDIDATE_PAIRS: u64 = 10_000_000;

/// A whole linkage configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Match probability at or above which a pair is a match (and joins a cluster).
    pub match_threshold: f64,
    /// Pairs scored below this probability are not returned.
    pub min_probability: f64,
    /// Most candidate pairs (distinct pairs that at least one blocking rule makes, each pair
    /// once): a run that would make more is refused before anything is compared.
    pub max_candidate_pairs: u64,
    pub training: Training,
    /// Candidate pairs are the union of the pairs each rule finds, each pair counted once.
    pub blocking: Vec<BlockingRule>,
    /// One comparison per column (a column may be compared only once).
    pub comparisons: Vec<Comparison>,
}

/// How the model is estimated.
#[derive(Clone, Debug, PartialEq)]
pub struct Training {
    /// Random pairs drawn to estimate the u probabilities of the inexact levels.
    pub u_sample_pairs: u64,
    /// Most EM iterations.
    pub max_iterations: u32,
    /// EM stops when no probability moves more than this between iterations.
    pub tolerance: f64,
    /// Seed of the random pair sample.
    pub seed: u64,
}

impl Default for Training {
    fn default() -> Training {
        Training {
            u_sample_pairs: 1_000_000,
            max_iterations: 200,
            tolerance: 1e-6,
            seed: 1,
        }
    }
}

/// A blocking rule: two records are candidates when every key agrees (and is not null).
#[derive(Clone, Debug, PartialEq)]
pub struct BlockingRule {
    pub name: String,
    pub keys: Vec<Key>,
    /// Line of the rule in the configuration text (0 when built in code).
    pub line: usize,
}

/// One blocking key: a function of one or two columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub function: KeyFunction,
    pub columns: Vec<String>,
}

/// What a blocking key computes from its column(s). Text is lower-cased and its whitespace
/// collapsed first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFunction {
    /// `col`: the value.
    Value,
    /// `prefix(col, n)`: the first n characters.
    Prefix(usize),
    /// `suffix(col, n)`: the last n characters.
    Suffix(usize),
    /// `digits(col)`: the digits only.
    Digits,
    /// `year(col)`: the year of a date.
    Year,
    /// `date_unordered(col)`: a date with day and month in ascending order, so that a date and
    /// its day↔month swap share the key.
    DateUnordered,
    /// `name_key(col)`: the canonical tokens of an Indonesian name, sorted.
    NameKey,
    /// `unordered(a, b)`: the two values in ascending order, so that swapped columns share the
    /// key.
    Unordered,
}

impl KeyFunction {
    const NAMES: &'static str = "prefix, suffix, digits, year, date_unordered, name_key, unordered";
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.columns;
        match self.function {
            KeyFunction::Value => write!(f, "{}", c[0]),
            KeyFunction::Prefix(n) => write!(f, "prefix({}, {n})", c[0]),
            KeyFunction::Suffix(n) => write!(f, "suffix({}, {n})", c[0]),
            KeyFunction::Digits => write!(f, "digits({})", c[0]),
            KeyFunction::Year => write!(f, "year({})", c[0]),
            KeyFunction::DateUnordered => write!(f, "date_unordered({})", c[0]),
            KeyFunction::NameKey => write!(f, "name_key({})", c[0]),
            KeyFunction::Unordered => write!(f, "unordered({}, {})", c[0], c[1]),
        }
    }
}

/// A comparison of one column.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub column: String,
    pub comparator: Comparator,
    /// Adjust the weight of an exact agreement by how common the value is.
    pub term_frequency: bool,
    /// Leave the comparison out (instead of failing) when a table lacks the column.
    pub optional: bool,
    pub line: usize,
}

/// Date layouts the date comparator reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateFormat {
    /// `YYYY-MM-DD`, `YYYYMMDD`, `DD-MM-YYYY` or `DD/MM/YYYY`, recognised per value.
    Auto,
    /// `%Y%m%d`
    Ymd,
    /// `%Y-%m-%d`
    IsoDash,
    /// `%d-%m-%Y` or `%d/%m/%Y`
    Dmy,
}

/// How a column's values are compared. Every comparator's first level is "exact" (after its
/// normalisation) and its last is "else"; a null on either side gives no evidence.
#[derive(Clone, Debug, PartialEq)]
pub enum Comparator {
    /// exact, else.
    Exact,
    /// exact, Jaro-Winkler ≥ each threshold (descending), else.
    JaroWinkler { thresholds: Vec<f64> },
    /// exact, Damerau-Levenshtein distance ≤ each threshold (ascending), else.
    DamerauLevenshtein { thresholds: Vec<usize> },
    /// exact, |a − b| ≤ each absolute tolerance, |a − b| ≤ each relative tolerance × max(|a|,
    /// |b|), else.
    Numeric {
        tolerances: Vec<f64>,
        relative: Vec<f64>,
    },
    /// exact, day↔month swapped (if on), at most `edits` digit edits (if > 0), within each
    /// number of days, else.
    Date {
        format: DateFormat,
        day_month_swap: bool,
        edits: usize,
        within_days: Vec<u32>,
    },
    /// exact, one substituted digit or two adjacent digits transposed, else. With
    /// `date_part = false`, a 16-digit NIK (`PPKKCC DDMMYY SSSS`) is compared on its district
    /// and serial only: its birth-date part (which also encodes sex, day + 40 for women)
    /// repeats the birth date and sex columns, and comparing it again would count that
    /// evidence twice.
    Nik { date_part: bool },
    /// Indonesian-aware token comparison of personal names (see [`crate::names`]).
    PersonName { similarity: f64 },
    /// exact, the first n characters agree for each length (descending), else; for
    /// hierarchical codes such as regions. Separators (`.`, `-`, spaces) are ignored.
    Prefix { lengths: Vec<usize> },
}

impl Comparator {
    /// The comparator's name in the configuration.
    pub fn name(&self) -> &'static str {
        match self {
            Comparator::Exact => "exact",
            Comparator::JaroWinkler { .. } => "jaro_winkler",
            Comparator::DamerauLevenshtein { .. } => "damerau_levenshtein",
            Comparator::Numeric { .. } => "numeric",
            Comparator::Date { .. } => "date",
            Comparator::Nik { .. } => "nik",
            Comparator::PersonName { .. } => "person_name",
            Comparator::Prefix { .. } => "prefix",
        }
    }

    /// A label per level, best first; the last is `else`.
    pub fn level_labels(&self) -> Vec<String> {
        let mut l = vec!["exact".to_string()];
        match self {
            Comparator::Exact => {}
            Comparator::JaroWinkler { thresholds } => {
                l.extend(thresholds.iter().map(|t| format!("jaro_winkler >= {t}")))
            }
            Comparator::DamerauLevenshtein { thresholds } => l.extend(
                thresholds
                    .iter()
                    .map(|t| format!("damerau_levenshtein <= {t}")),
            ),
            Comparator::Numeric {
                tolerances,
                relative,
            } => {
                l.extend(tolerances.iter().map(|t| format!("within {t}")));
                l.extend(relative.iter().map(|t| format!("within {}%", t * 100.0)));
            }
            Comparator::Date {
                day_month_swap,
                edits,
                within_days,
                ..
            } => {
                if *day_month_swap {
                    l.push("day and month swapped".into());
                }
                if *edits > 0 {
                    l.push(format!("<= {edits} digit edits"));
                }
                l.extend(within_days.iter().map(|d| format!("within {d} days")));
            }
            Comparator::Nik { .. } => l.push("one digit typed wrong or two swapped".into()),
            Comparator::PersonName { .. } => {
                use crate::names::NameLevel as N;
                l = [
                    N::Exact,
                    N::Reordered,
                    N::Contained,
                    N::SingleContained,
                    N::Similar,
                    N::Partial,
                ]
                .iter()
                .map(|n| n.label().to_string())
                .collect();
                return {
                    l.push("else".into());
                    l
                };
            }
            Comparator::Prefix { lengths } => {
                l.extend(lengths.iter().map(|n| format!("first {n} characters")))
            }
        }
        l.push("else".into());
        l
    }

    /// Number of levels, "else" included.
    pub fn levels(&self) -> usize {
        self.level_labels().len()
    }
}

impl Config {
    /// Parse a configuration from TOML text. Errors name the line and the key.
    pub fn from_toml(text: &str) -> Result<Config> {
        if text.len() > MAX_CONFIG_BYTES {
            return Err(Error::ConfigTooLarge {
                bytes: text.len(),
                max: MAX_CONFIG_BYTES,
            });
        }
        let raw: RawConfig = toml::from_str(text).map_err(|e| Error::Toml(e.to_string()))?;
        let at = |span: Range<usize>| line_of(text, span.start);
        let err = |span: Range<usize>, key: String, message: String| Error::Config {
            line: at(span),
            key,
            message,
        };

        let match_threshold = prob(&raw.match_threshold, 0.9, "match_threshold", &err)?;
        let min_probability = prob(&raw.min_probability, 0.01, "min_probability", &err)?;
        if min_probability > match_threshold {
            let span = raw
                .min_probability
                .as_ref()
                .map(|s| s.span())
                .unwrap_or(0..0);
            return Err(err(
                span,
                "min_probability".into(),
                format!(
                    "{min_probability} is above match_threshold {match_threshold}: matches would not be returned"
                ),
            ));
        }

        let max_candidate_pairs = match &raw.max_candidate_pairs {
            None => DEFAULT_MAX_CANDIDATE_PAIRS,
            Some(n) if *n.get_ref() == 0 => {
                return Err(err(
                    n.span(),
                    "max_candidate_pairs".into(),
                    "must be at least 1 (0 would refuse every run)".into(),
                ));
            }
            Some(n) => *n.get_ref(),
        };

        let mut training = Training::default();
        if let Some(t) = &raw.training {
            if let Some(n) = &t.u_sample_pairs {
                if *n.get_ref() < 1_000 {
                    return Err(err(
                        n.span(),
                        "training.u_sample_pairs".into(),
                        format!("{} is too few random pairs (at least 1000)", n.get_ref()),
                    ));
                }
                if *n.get_ref() > MAX_U_SAMPLE_PAIRS {
                    return Err(err(
                        n.span(),
                        "training.u_sample_pairs".into(),
                        format!(
                            "{} random pairs is more than the limit of {MAX_U_SAMPLE_PAIRS}",
                            n.get_ref()
                        ),
                    ));
                }
                training.u_sample_pairs = *n.get_ref();
            }
            if let Some(n) = &t.max_iterations {
                if *n.get_ref() == 0 || *n.get_ref() > MAX_EM_ITERATIONS {
                    return Err(err(
                        n.span(),
                        "training.max_iterations".into(),
                        format!("{} is not in 1..={MAX_EM_ITERATIONS}", n.get_ref()),
                    ));
                }
                training.max_iterations = *n.get_ref();
            }
            if let Some(x) = &t.tolerance {
                let v = *x.get_ref();
                if !(v > 0.0 && v < 0.1) {
                    return Err(err(
                        x.span(),
                        "training.tolerance".into(),
                        format!("{v} is not in (0, 0.1)"),
                    ));
                }
                training.tolerance = v;
            }
            if let Some(s) = t.seed {
                training.seed = s;
            }
        }

        if raw.blocking.is_empty() {
            return Err(Error::Config {
                line: 0,
                key: "blocking".into(),
                message:
                    "at least one [[blocking]] rule is needed: comparing every pair does not scale"
                        .into(),
            });
        }
        if raw.blocking.len() > MAX_BLOCKING_RULES {
            return Err(err(
                raw.blocking[MAX_BLOCKING_RULES].span(),
                "blocking".into(),
                format!("{} rules; at most {MAX_BLOCKING_RULES}", raw.blocking.len()),
            ));
        }
        let mut blocking = Vec::new();
        for (i, r) in raw.blocking.iter().enumerate() {
            let span = r.span();
            let r = r.get_ref();
            let key = format!("blocking[{}]", i + 1);
            if r.keys.get_ref().is_empty() {
                return Err(err(r.keys.span(), format!("{key}.keys"), "no keys".into()));
            }
            if r.keys.get_ref().len() > MAX_KEYS_PER_RULE {
                return Err(err(
                    r.keys.span(),
                    format!("{key}.keys"),
                    format!(
                        "{} keys; at most {MAX_KEYS_PER_RULE}",
                        r.keys.get_ref().len()
                    ),
                ));
            }
            if let Some(name) = &r.name {
                check_name(name.get_ref())
                    .map_err(|m| err(name.span(), format!("{key}.name"), m))?;
            }
            let mut keys = Vec::new();
            for k in r.keys.get_ref() {
                check_name(k.get_ref()).map_err(|m| err(k.span(), format!("{key}.keys"), m))?;
                keys.push(
                    parse_key(k.get_ref()).map_err(|m| err(k.span(), format!("{key}.keys"), m))?,
                );
            }
            blocking.push(BlockingRule {
                name: r
                    .name
                    .as_ref()
                    .map(|n| n.get_ref().clone())
                    .unwrap_or_else(|| {
                        keys.iter()
                            .map(|k| k.to_string())
                            .collect::<Vec<_>>()
                            .join(" & ")
                    }),
                keys,
                line: at(span),
            });
        }

        if raw.comparison.is_empty() {
            return Err(Error::Config {
                line: 0,
                key: "comparison".into(),
                message: "at least one [[comparison]] is needed".into(),
            });
        }
        if raw.comparison.len() > MAX_COMPARISONS {
            return Err(err(
                raw.comparison[MAX_COMPARISONS].span(),
                "comparison".into(),
                format!("at most {MAX_COMPARISONS} comparisons"),
            ));
        }
        let mut comparisons: Vec<Comparison> = Vec::new();
        for (i, c) in raw.comparison.iter().enumerate() {
            let span = c.span();
            let c = c.get_ref();
            check_name(c.column.get_ref())
                .map_err(|m| err(c.column.span(), format!("comparison[{}].column", i + 1), m))?;
            let key = format!("comparison[{}] ({})", i + 1, c.column.get_ref());
            if let Some(prev) = comparisons.iter().find(|p| p.column == *c.column.get_ref()) {
                return Err(err(
                    c.column.span(),
                    key,
                    format!("column compared twice (also on line {})", prev.line),
                ));
            }
            let comparator = comparator(c, &key, &err)?;
            let levels = comparator.levels();
            if levels > MAX_LEVELS {
                return Err(err(
                    span,
                    key,
                    format!("{levels} levels; at most {MAX_LEVELS}"),
                ));
            }
            comparisons.push(Comparison {
                column: c.column.get_ref().trim().to_string(),
                comparator,
                term_frequency: c.term_frequency.unwrap_or(false),
                optional: c.optional.unwrap_or(false),
                line: at(span),
            });
        }
        Ok(Config {
            match_threshold,
            min_probability,
            max_candidate_pairs,
            training,
            blocking,
            comparisons,
        })
    }

    /// Check the configuration against a table's columns (deduplication).
    pub fn validate<S: AsRef<str>>(&self, columns: &[S]) -> Result<()> {
        self.check(columns, "table", true)
    }

    /// Check the configuration against the two tables of a link.
    pub fn validate_link<S: AsRef<str>, T: AsRef<str>>(
        &self,
        left: &[S],
        right: &[T],
    ) -> Result<()> {
        self.check(left, "left table", true)?;
        self.check(right, "right table", true)
    }

    fn check<S: AsRef<str>>(&self, columns: &[S], side: &'static str, _all: bool) -> Result<()> {
        let has = |c: &str| columns.iter().any(|x| x.as_ref() == c);
        let available = || {
            columns
                .iter()
                .map(|c| c.as_ref())
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (i, r) in self.blocking.iter().enumerate() {
            for k in &r.keys {
                for c in &k.columns {
                    if !has(c) {
                        return Err(Error::UnknownColumn {
                            line: r.line,
                            key: format!("blocking[{}] `{}`", i + 1, r.name),
                            column: c.clone(),
                            side,
                            available: available(),
                        });
                    }
                }
            }
        }
        let mut used = 0;
        for (i, c) in self.comparisons.iter().enumerate() {
            if has(&c.column) {
                used += 1;
            } else if !c.optional {
                return Err(Error::UnknownColumn {
                    line: c.line,
                    key: format!("comparison[{}]", i + 1),
                    column: c.column.clone(),
                    side,
                    available: available(),
                });
            }
        }
        if used == 0 {
            return Err(Error::Config {
                line: 0,
                key: "comparison".into(),
                message: format!("none of the compared columns is in the {side}"),
            });
        }
        Ok(())
    }
}

/// A rule name, column or key: not blank, at most [`MAX_NAME_CHARS`] characters, no control
/// characters (it is printed in messages and reports).
fn check_name(s: &str) -> std::result::Result<(), String> {
    if s.trim().is_empty() {
        return Err("empty".into());
    }
    if s.chars().count() > MAX_NAME_CHARS {
        return Err(format!("longer than {MAX_NAME_CHARS} characters"));
    }
    if s.chars().any(char::is_control) {
        return Err("contains a control character (a line break, a tab, …)".into());
    }
    Ok(())
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

type ErrFn<'a> = dyn Fn(Range<usize>, String, String) -> Error + 'a;

fn prob(v: &Option<Spanned<f64>>, default: f64, key: &str, err: &ErrFn<'_>) -> Result<f64> {
    match v {
        None => Ok(default),
        Some(s) => {
            let x = *s.get_ref();
            if x > 0.0 && x < 1.0 {
                Ok(x)
            } else {
                Err(err(
                    s.span(),
                    key.into(),
                    format!("{x} is not a probability strictly between 0 and 1"),
                ))
            }
        }
    }
}

fn parse_key(text: &str) -> std::result::Result<Key, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty key".into());
    }
    let call = t
        .strip_suffix(')')
        .and_then(|body| body.split_once('('))
        .filter(|(f, _)| !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    let Some((fname, args)) = call else {
        return Ok(Key {
            function: KeyFunction::Value,
            columns: vec![t.to_string()],
        });
    };
    let args: Vec<&str> = args.split(',').map(str::trim).collect();
    if args.iter().any(|a| a.is_empty()) {
        return Err(format!("`{t}`: empty argument"));
    }
    let one = |f: KeyFunction| -> std::result::Result<Key, String> {
        if args.len() != 1 {
            return Err(format!("`{t}`: {fname}() takes one column"));
        }
        Ok(Key {
            function: f,
            columns: vec![args[0].to_string()],
        })
    };
    let with_n = |mk: fn(usize) -> KeyFunction| -> std::result::Result<Key, String> {
        if args.len() != 2 {
            return Err(format!("`{t}`: {fname}() takes a column and a length"));
        }
        let n: usize =
            args[1].parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                format!("`{t}`: length `{}` is not a positive whole number", args[1])
            })?;
        Ok(Key {
            function: mk(n),
            columns: vec![args[0].to_string()],
        })
    };
    match fname {
        "prefix" => with_n(KeyFunction::Prefix),
        "suffix" => with_n(KeyFunction::Suffix),
        "digits" => one(KeyFunction::Digits),
        "year" => one(KeyFunction::Year),
        "date_unordered" => one(KeyFunction::DateUnordered),
        "name_key" => one(KeyFunction::NameKey),
        "unordered" => {
            if args.len() != 2 {
                return Err(format!("`{t}`: unordered() takes two columns"));
            }
            Ok(Key {
                function: KeyFunction::Unordered,
                columns: vec![args[0].to_string(), args[1].to_string()],
            })
        }
        other => Err(format!(
            "unknown key function `{other}` (known: {})",
            KeyFunction::NAMES
        )),
    }
}

const COMPARATORS: &str =
    "exact, jaro_winkler, damerau_levenshtein, numeric, date, nik, person_name, prefix";

fn comparator(c: &RawComparison, key: &str, err: &ErrFn<'_>) -> Result<Comparator> {
    let name = c.comparator.get_ref().as_str();
    // Which options each comparator takes.
    let takes: &[&str] = match name {
        "exact" => &[],
        "nik" => &["date_part"],
        "jaro_winkler" | "damerau_levenshtein" => &["thresholds"],
        "numeric" => &["tolerances", "relative"],
        "date" => &["format", "day_month_swap", "edits", "within_days"],
        "person_name" => &["similarity"],
        "prefix" => &["lengths"],
        _ => {
            return Err(err(
                c.comparator.span(),
                format!("{key}.comparator"),
                format!("unknown comparator `{name}` (known: {COMPARATORS})"),
            ));
        }
    };
    let given: [(&str, Option<Range<usize>>); 9] = [
        ("date_part", c.date_part.as_ref().map(|s| s.span())),
        ("thresholds", c.thresholds.as_ref().map(|s| s.span())),
        ("tolerances", c.tolerances.as_ref().map(|s| s.span())),
        ("relative", c.relative.as_ref().map(|s| s.span())),
        ("format", c.format.as_ref().map(|s| s.span())),
        (
            "day_month_swap",
            c.day_month_swap.as_ref().map(|s| s.span()),
        ),
        ("edits", c.edits.as_ref().map(|s| s.span())),
        ("within_days", c.within_days.as_ref().map(|s| s.span())),
        ("similarity", c.similarity.as_ref().map(|s| s.span())),
    ];
    for (opt, span) in given.iter() {
        if let Some(span) = span
            && !takes.contains(opt)
        {
            return Err(err(
                span.clone(),
                format!("{key}.{opt}"),
                format!(
                    "`{opt}` does not apply to comparator `{name}` ({})",
                    if takes.is_empty() {
                        "it takes no options".to_string()
                    } else {
                        format!("it takes: {}", takes.join(", "))
                    }
                ),
            ));
        }
    }
    if let Some(l) = &c.lengths
        && name != "prefix"
    {
        return Err(err(
            l.span(),
            format!("{key}.lengths"),
            format!("`lengths` does not apply to comparator `{name}`"),
        ));
    }
    // Thousands of thresholds would be formatted into labels before the level count is
    // checked: count the listed levels first.
    let listed: usize = [&c.thresholds, &c.tolerances, &c.relative, &c.within_days]
        .iter()
        .map(|v| v.as_ref().map_or(0, |s| s.get_ref().len()))
        .sum::<usize>()
        + c.lengths.as_ref().map_or(0, |s| s.get_ref().len());
    if listed + 2 > MAX_LEVELS {
        return Err(err(
            c.comparator.span(),
            key.to_string(),
            format!(
                "{} levels (exact, {listed} listed, else); at most {MAX_LEVELS}",
                listed + 2
            ),
        ));
    }
    let list = |v: &Option<Spanned<Vec<f64>>>| -> (Vec<f64>, Range<usize>) {
        match v {
            Some(s) => (s.get_ref().clone(), s.span()),
            None => (Vec::new(), c.comparator.span()),
        }
    };
    let whole = |xs: &[f64], span: &Range<usize>, opt: &str| -> Result<Vec<usize>> {
        xs.iter()
            .map(|&x| {
                if x >= 1.0 && x.fract() == 0.0 && x < 1e6 {
                    Ok(x as usize)
                } else {
                    Err(err(
                        span.clone(),
                        format!("{key}.{opt}"),
                        format!("{x} is not a positive whole number"),
                    ))
                }
            })
            .collect()
    };
    let monotone = |xs: &[f64], ascending: bool, span: &Range<usize>, opt: &str| -> Result<()> {
        for w in xs.windows(2) {
            let ok = if ascending { w[0] < w[1] } else { w[0] > w[1] };
            if !ok {
                return Err(err(
                    span.clone(),
                    format!("{key}.{opt}"),
                    format!(
                        "must be strictly {} (levels go from the closest agreement to the loosest)",
                        if ascending { "ascending" } else { "descending" }
                    ),
                ));
            }
        }
        Ok(())
    };
    Ok(match name {
        "exact" => Comparator::Exact,
        "nik" => Comparator::Nik {
            date_part: c.date_part.as_ref().map(|b| *b.get_ref()).unwrap_or(true),
        },
        "jaro_winkler" => {
            let (t, span) = list(&c.thresholds);
            let t = if c.thresholds.is_none() {
                vec![0.92, 0.88, 0.7]
            } else {
                t
            };
            if let Some(x) = t.iter().find(|x| !(**x > 0.0 && **x < 1.0)) {
                return Err(err(
                    span,
                    format!("{key}.thresholds"),
                    format!("{x} is not a similarity strictly between 0 and 1"),
                ));
            }
            monotone(&t, false, &span, "thresholds")?;
            Comparator::JaroWinkler { thresholds: t }
        }
        "damerau_levenshtein" => {
            let (t, span) = list(&c.thresholds);
            let t = if c.thresholds.is_none() {
                vec![1.0, 2.0]
            } else {
                t
            };
            if t.is_empty() {
                // The largest threshold bounds the distance computation.
                return Err(err(
                    span,
                    format!("{key}.thresholds"),
                    "needs at least one edit distance, e.g. [1, 2] (or use comparator `exact`)"
                        .into(),
                ));
            }
            monotone(&t, true, &span, "thresholds")?;
            Comparator::DamerauLevenshtein {
                thresholds: whole(&t, &span, "thresholds")?,
            }
        }
        "numeric" => {
            let (t, span) = list(&c.tolerances);
            if let Some(x) = t.iter().find(|x| !(**x > 0.0 && x.is_finite())) {
                return Err(err(
                    span,
                    format!("{key}.tolerances"),
                    format!("{x} is not a positive tolerance"),
                ));
            }
            monotone(&t, true, &span, "tolerances")?;
            let (r, rspan) = list(&c.relative);
            if let Some(x) = r.iter().find(|x| !(**x > 0.0 && **x < 1.0)) {
                return Err(err(
                    rspan,
                    format!("{key}.relative"),
                    format!("{x} is not a fraction strictly between 0 and 1"),
                ));
            }
            monotone(&r, true, &rspan, "relative")?;
            Comparator::Numeric {
                tolerances: t,
                relative: r,
            }
        }
        "date" => {
            let format = match &c.format {
                None => DateFormat::Auto,
                Some(f) => match f.get_ref().as_str() {
                    "auto" => DateFormat::Auto,
                    "%Y%m%d" => DateFormat::Ymd,
                    "%Y-%m-%d" => DateFormat::IsoDash,
                    "%d-%m-%Y" | "%d/%m/%Y" => DateFormat::Dmy,
                    other => {
                        return Err(err(
                            f.span(),
                            format!("{key}.format"),
                            format!(
                                "unknown date format `{other}` (known: auto, %Y%m%d, %Y-%m-%d, %d-%m-%Y, %d/%m/%Y)"
                            ),
                        ));
                    }
                },
            };
            let edits = match &c.edits {
                None => 1,
                Some(e) => {
                    let v = *e.get_ref();
                    if !(0..=4).contains(&v) {
                        return Err(err(
                            e.span(),
                            format!("{key}.edits"),
                            format!("{v} is not in 0..=4"),
                        ));
                    }
                    v as usize
                }
            };
            let (d, span) = list(&c.within_days);
            let days = whole(&d, &span, "within_days")?;
            monotone(&d, true, &span, "within_days")?;
            Comparator::Date {
                format,
                day_month_swap: c
                    .day_month_swap
                    .as_ref()
                    .map(|b| *b.get_ref())
                    .unwrap_or(true),
                edits,
                within_days: days.into_iter().map(|d| d as u32).collect(),
            }
        }
        "person_name" => {
            let s = match &c.similarity {
                None => 0.88,
                Some(s) => {
                    let v = *s.get_ref();
                    if !(v > 0.0 && v < 1.0) {
                        return Err(err(
                            s.span(),
                            format!("{key}.similarity"),
                            format!("{v} is not a similarity strictly between 0 and 1"),
                        ));
                    }
                    v
                }
            };
            Comparator::PersonName { similarity: s }
        }
        "prefix" => {
            let Some(l) = &c.lengths else {
                return Err(err(
                    c.comparator.span(),
                    format!("{key}.lengths"),
                    "comparator `prefix` needs `lengths`, e.g. [8, 5]".into(),
                ));
            };
            let span = l.span();
            let v: Vec<f64> = l.get_ref().iter().map(|&x| x as f64).collect();
            monotone(&v, false, &span, "lengths")?;
            Comparator::Prefix {
                lengths: whole(&v, &span, "lengths")?,
            }
        }
        _ => unreachable!("checked above"),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    match_threshold: Option<Spanned<f64>>,
    min_probability: Option<Spanned<f64>>,
    max_candidate_pairs: Option<Spanned<u64>>,
    training: Option<RawTraining>,
    #[serde(default)]
    blocking: Vec<Spanned<RawRule>>,
    #[serde(default)]
    comparison: Vec<Spanned<RawComparison>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTraining {
    u_sample_pairs: Option<Spanned<u64>>,
    max_iterations: Option<Spanned<u32>>,
    tolerance: Option<Spanned<f64>>,
    seed: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Option<Spanned<String>>,
    keys: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComparison {
    column: Spanned<String>,
    comparator: Spanned<String>,
    term_frequency: Option<bool>,
    optional: Option<bool>,
    thresholds: Option<Spanned<Vec<f64>>>,
    tolerances: Option<Spanned<Vec<f64>>>,
    relative: Option<Spanned<Vec<f64>>>,
    format: Option<Spanned<String>>,
    day_month_swap: Option<Spanned<bool>>,
    edits: Option<Spanned<i64>>,
    within_days: Option<Spanned<Vec<f64>>>,
    similarity: Option<Spanned<f64>>,
    lengths: Option<Spanned<Vec<u32>>>,
    date_part: Option<Spanned<bool>>,
}
