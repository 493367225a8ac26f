//! Columns made ready for linkage: raw values interned once, normalised once per distinct value,
//! and the comparison level of two values computed from their prepared forms.

use hashbrown::HashMap;

use crate::config::{Comparator, DateFormat, Key, KeyFunction};
use crate::names::{self, PersonName};
use crate::strings::{jaro_winkler, one_typo, osa_within};
use crate::table::Table;

/// Id of a null value.
pub(crate) const NULL: u32 = u32::MAX;

/// Most bytes of a normalised value that the similarity comparators (`jaro_winkler`,
/// `damerau_levenshtein`, the tokens of `person_name`) look at; a longer value is compared on
/// its first 128 bytes (exact agreement still compares the whole value). Both metrics cost the
/// product of the two lengths, so a file of 4 KiB names made every pair cost about 8 million
/// steps (500 such records ran for more than ten minutes); 128 bytes cost at most 16 thousand.
/// No value of the FEBRL data or of the synthetic registry is longer than 42 bytes, and real
/// names and addresses stay under 128.
pub const MAX_COMPARED_BYTES: usize = 128;

/// Most digits of a date value that the `date` comparator's digit edits look at (a date has 8).
const MAX_DATE_DIGITS: usize = 16;

/// Level code of a null comparison (either side null) in a packed comparison vector.
pub(crate) const NULL_LEVEL: u8 = 15;

/// Interns strings to dense ids.
#[derive(Default)]
pub(crate) struct Dict {
    map: HashMap<Box<str>, u32>,
    values: Vec<Box<str>>,
}

impl Dict {
    pub(crate) fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.map.get(s) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(s.into());
        self.map.insert(s.into(), id);
        id
    }
}

/// One column of the left table and (for a link) of the right table, with raw values interned
/// in one dictionary so that equal values have equal ids on both sides.
pub(crate) struct RawColumn {
    pub left: Vec<u32>,
    pub right: Vec<u32>,
    pub values: Vec<Box<str>>,
}

impl RawColumn {
    pub(crate) fn new(left: &Table, right: Option<&Table>, name: &str) -> RawColumn {
        let mut dict = Dict::default();
        let mut ids = |t: &Table| -> Vec<u32> {
            let c = t.column_index(name).expect("validated column");
            t.column(c)
                .map(|v| if v.is_empty() { NULL } else { dict.id(v) })
                .collect()
        };
        let l = ids(left);
        let r = right.map(&mut ids).unwrap_or_default();
        RawColumn {
            left: l,
            right: r,
            values: dict.values,
        }
    }
}

/// Map each distinct raw value through `f` (in parallel for large columns) and intern the
/// results: returns the new id of every raw id (NULL where `f` says null) and the distinct
/// results.
pub(crate) fn remap<T, F>(values: &[Box<str>], threads: usize, f: F) -> (Vec<u32>, Vec<T>)
where
    T: Send,
    F: Fn(&str) -> Option<(String, T)> + Sync,
{
    let mapped: Vec<Option<(String, T)>> = par_map(values, threads, |v| f(v));
    let mut dict: HashMap<String, u32> = HashMap::with_capacity(mapped.len());
    let mut out = Vec::new();
    let ids = mapped
        .into_iter()
        .map(|m| match m {
            None => NULL,
            Some((key, prepared)) => {
                let next = dict.len() as u32;
                *dict.entry(key).or_insert_with(|| {
                    out.push(prepared);
                    next
                })
            }
        })
        .collect();
    (ids, out)
}

/// `items.iter().map(f).collect()` on up to `threads` threads, in order.
pub(crate) fn par_map<I: Sync, T: Send, F: Fn(&I) -> T + Sync>(
    items: &[I],
    threads: usize,
    f: F,
) -> Vec<T> {
    if threads <= 1 || items.len() < 4096 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| {
                let f = &f;
                s.spawn(move || c.iter().map(f).collect::<Vec<T>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker panicked"))
            .collect()
    })
}

/// Lower case, accents folded, whitespace collapsed.
pub(crate) fn normalize_text(s: &str) -> String {
    let folded;
    let s = if s.is_ascii() {
        s
    } else {
        folded = deunicode::deunicode(s);
        &folded
    };
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

/// A parsed date: year, month, day and days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ymd {
    pub y: i32,
    pub m: u32,
    pub d: u32,
}

impl Ymd {
    pub(crate) fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.y) - i64::from(self.m <= 2);
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = i64::from(self.m);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn valid(self) -> bool {
        let leap = (self.y % 4 == 0 && self.y % 100 != 0) || self.y % 400 == 0;
        let dim = match self.m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return false,
        };
        self.d >= 1 && self.d <= dim && (1000..=9999).contains(&self.y)
    }
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parse a date in the given layout; `None` if it is not a valid calendar date.
pub(crate) fn parse_date(s: &str, format: DateFormat) -> Option<Ymd> {
    let s = s.trim();
    let ymd8 = |s: &str| -> Option<Ymd> {
        if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
            Some(Ymd {
                y: num(&s[..4])? as i32,
                m: num(&s[4..6])?,
                d: num(&s[6..])?,
            })
        } else {
            None
        }
    };
    let split3 = |s: &str| -> Option<(u32, u32, u32, usize)> {
        let mut it = s.split(['-', '/', '.']);
        let a = it.next()?;
        let b = it.next()?;
        let c = it.next()?;
        if it.next().is_some() {
            return None;
        }
        Some((num(a)?, num(b)?, num(c)?, a.len()))
    };
    let iso = |s: &str| -> Option<Ymd> {
        let (y, m, d, ylen) = split3(s)?;
        (ylen == 4).then_some(Ymd { y: y as i32, m, d })
    };
    let dmy = |s: &str| -> Option<Ymd> {
        let (d, m, y, dlen) = split3(s)?;
        (dlen <= 2 && y >= 1000).then_some(Ymd { y: y as i32, m, d })
    };
    let r = match format {
        DateFormat::Ymd => ymd8(s),
        DateFormat::IsoDash => iso(s),
        DateFormat::Dmy => dmy(s),
        DateFormat::Auto => ymd8(s).or_else(|| iso(s)).or_else(|| dmy(s)),
    };
    r.filter(|d| d.valid())
}

/// A prepared date value.
#[derive(Clone, Debug)]
pub(crate) struct DateValue {
    pub date: Option<Ymd>,
    /// `YYYYMMDD` of a valid date, else the digits as written.
    pub digits: Box<[u8]>,
}

/// Values of one compared column, normalised once per distinct value.
pub(crate) enum Prepared {
    Exact,
    Text(Vec<Box<[u8]>>),
    Numeric(Vec<Option<f64>>),
    Date(Vec<DateValue>),
    Name(Vec<Box<[Box<str>]>>),
}

/// A compared column: the prepared id of every row (equal ids ⇔ exact agreement) and the
/// prepared values.
pub(crate) struct Field {
    pub comparator: Comparator,
    pub levels: usize,
    pub left: Vec<u32>,
    pub right: Vec<u32>,
    pub prepared: Prepared,
    /// Occurrences of each prepared id in the left and right tables.
    pub count_left: Vec<u32>,
    pub count_right: Vec<u32>,
    pub link: bool,
}

impl Field {
    pub(crate) fn new(
        raw: &RawColumn,
        comparator: &Comparator,
        threads: usize,
        link: bool,
    ) -> Field {
        let (map, prepared) = match comparator {
            Comparator::Exact => {
                let (m, _) = remap(&raw.values, threads, |v| {
                    let t = normalize_text(v);
                    (!t.is_empty()).then_some((t, ()))
                });
                (m, Prepared::Exact)
            }
            Comparator::JaroWinkler { .. } | Comparator::DamerauLevenshtein { .. } => {
                let (m, p) = remap(&raw.values, threads, |v| {
                    let t = normalize_text(v);
                    (!t.is_empty()).then(|| {
                        let b: Box<[u8]> = t.as_bytes()[..t.len().min(MAX_COMPARED_BYTES)].into();
                        (t, b)
                    })
                });
                (m, Prepared::Text(p))
            }
            Comparator::Nik { date_part } => {
                let date_part = *date_part;
                let (m, p) = remap(&raw.values, threads, |v| {
                    let mut t: String = v.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
                    if !date_part && t.len() == 16 && t.is_ascii() {
                        t.replace_range(6..12, "");
                    }
                    (!t.is_empty()).then(|| {
                        let b: Box<[u8]> = t.as_bytes().into();
                        (t, b)
                    })
                });
                (m, Prepared::Text(p))
            }
            Comparator::Prefix { .. } => {
                let (m, p) = remap(&raw.values, threads, |v| {
                    let t: String = v
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric())
                        .map(|c| c.to_ascii_lowercase())
                        .collect();
                    (!t.is_empty()).then(|| {
                        let b: Box<[u8]> = t.as_bytes().into();
                        (t, b)
                    })
                });
                (m, Prepared::Text(p))
            }
            Comparator::Numeric { .. } => {
                let (m, p) = remap(&raw.values, threads, |v| {
                    let t = v.trim();
                    if t.is_empty() {
                        return None;
                    }
                    match t.parse::<f64>() {
                        Ok(x) if x.is_finite() => Some((format!("{x}"), Some(x))),
                        _ => Some((format!("text:{}", normalize_text(t)), None)),
                    }
                });
                (m, Prepared::Numeric(p))
            }
            Comparator::Date { format, .. } => {
                let format = *format;
                let (m, p) = remap(&raw.values, threads, |v| {
                    let t = v.trim();
                    if t.is_empty() {
                        return None;
                    }
                    Some(match parse_date(t, format) {
                        Some(d) => {
                            let key = format!("{:04}{:02}{:02}", d.y, d.m, d.d);
                            let digits: Box<[u8]> = key.as_bytes().into();
                            (
                                key,
                                DateValue {
                                    date: Some(d),
                                    digits,
                                },
                            )
                        }
                        None => {
                            let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
                            (
                                format!("raw:{t}"),
                                DateValue {
                                    date: None,
                                    // A date has 8 digits; the edit distance of long runs
                                    // of digits would cost their product.
                                    digits: digits.as_bytes()[..digits.len().min(MAX_DATE_DIGITS)]
                                        .into(),
                                },
                            )
                        }
                    })
                });
                (m, Prepared::Date(p))
            }
            Comparator::PersonName { .. } => {
                let (m, p) = remap(&raw.values, threads, |v| {
                    let n = PersonName::parse(v);
                    if n.is_empty() {
                        return None;
                    }
                    // The tokens within the first MAX_COMPARED_BYTES bytes of the name (the
                    // one crossing the limit cut there).
                    let mut room = MAX_COMPARED_BYTES;
                    let mut tokens: Vec<Box<str>> = Vec::new();
                    for t in n.tokens() {
                        if room == 0 {
                            break;
                        }
                        let mut end = t.len().min(room);
                        while !t.is_char_boundary(end) {
                            end -= 1;
                        }
                        if end > 0 {
                            tokens.push(t[..end].into());
                        }
                        room = room.saturating_sub(t.len() + 1);
                    }
                    let tokens: Box<[Box<str>]> = tokens.into();
                    Some((n.canonical(), tokens))
                });
                (m, Prepared::Name(p))
            }
        };
        let distinct = match &prepared {
            Prepared::Exact => map
                .iter()
                .filter(|&&x| x != NULL)
                .max()
                .map_or(0, |m| m + 1) as usize,
            Prepared::Text(v) => v.len(),
            Prepared::Numeric(v) => v.len(),
            Prepared::Date(v) => v.len(),
            Prepared::Name(v) => v.len(),
        };
        let apply = |ids: &[u32]| -> Vec<u32> {
            ids.iter()
                .map(|&r| if r == NULL { NULL } else { map[r as usize] })
                .collect()
        };
        let left = apply(&raw.left);
        let right = if link { apply(&raw.right) } else { Vec::new() };
        let count = |ids: &[u32]| {
            let mut c = vec![0u32; distinct];
            for &i in ids {
                if i != NULL {
                    c[i as usize] += 1;
                }
            }
            c
        };
        let count_left = count(&left);
        let count_right = if link { count(&right) } else { Vec::new() };
        Field {
            levels: comparator.levels(),
            comparator: comparator.clone(),
            left,
            right,
            prepared,
            count_left,
            count_right,
            link,
        }
    }

    /// The ids of the right-hand side (the left table itself in a deduplication).
    pub(crate) fn right_ids(&self) -> &[u32] {
        if self.link { &self.right } else { &self.left }
    }

    /// The comparison level of two prepared ids (`NULL_LEVEL` if either is null).
    #[inline]
    pub(crate) fn level(&self, a: u32, b: u32) -> u8 {
        if a == NULL || b == NULL {
            return NULL_LEVEL;
        }
        if a == b {
            return 0;
        }
        let last = (self.levels - 1) as u8;
        match (&self.comparator, &self.prepared) {
            (Comparator::Exact, _) => last,
            (Comparator::JaroWinkler { thresholds }, Prepared::Text(v)) => {
                let s = jaro_winkler(&v[a as usize], &v[b as usize]);
                thresholds
                    .iter()
                    .position(|&t| s >= t)
                    .map_or(last, |i| i as u8 + 1)
            }
            (Comparator::DamerauLevenshtein { thresholds }, Prepared::Text(v)) => {
                let max = *thresholds.last().expect("at least one threshold");
                match osa_within(&v[a as usize], &v[b as usize], max) {
                    Some(d) => thresholds
                        .iter()
                        .position(|&t| d <= t)
                        .map_or(last, |i| i as u8 + 1),
                    None => last,
                }
            }
            (Comparator::Nik { .. }, Prepared::Text(v)) => {
                if one_typo(&v[a as usize], &v[b as usize]) {
                    1
                } else {
                    last
                }
            }
            (Comparator::Prefix { lengths }, Prepared::Text(v)) => {
                let (x, y) = (&v[a as usize], &v[b as usize]);
                let common = x.iter().zip(y.iter()).take_while(|(p, q)| p == q).count();
                lengths
                    .iter()
                    .position(|&n| common >= n)
                    .map_or(last, |i| i as u8 + 1)
            }
            (
                Comparator::Numeric {
                    tolerances,
                    relative,
                },
                Prepared::Numeric(v),
            ) => match (v[a as usize], v[b as usize]) {
                (Some(x), Some(y)) => {
                    let d = (x - y).abs();
                    if let Some(i) = tolerances.iter().position(|&t| d <= t) {
                        return i as u8 + 1;
                    }
                    let scale = x.abs().max(y.abs());
                    relative
                        .iter()
                        .position(|&r| d <= r * scale)
                        .map_or(last, |i| (tolerances.len() + i) as u8 + 1)
                }
                _ => last,
            },
            (
                Comparator::Date {
                    day_month_swap,
                    edits,
                    within_days,
                    ..
                },
                Prepared::Date(v),
            ) => {
                let (x, y) = (&v[a as usize], &v[b as usize]);
                let mut level = 1u8;
                if *day_month_swap {
                    if let (Some(p), Some(q)) = (x.date, y.date)
                        && p.y == q.y
                        && p.m == q.d
                        && p.d == q.m
                    {
                        return level;
                    }
                    level += 1;
                }
                if *edits > 0 {
                    if osa_within(&x.digits, &y.digits, *edits).is_some() {
                        return level;
                    }
                    level += 1;
                }
                if let (Some(p), Some(q)) = (x.date, y.date) {
                    let d = (p.days() - q.days()).unsigned_abs();
                    if let Some(i) = within_days.iter().position(|&t| d <= u64::from(t)) {
                        return level + i as u8;
                    }
                }
                last
            }
            (Comparator::PersonName { similarity }, Prepared::Name(v)) => {
                // Different ids are different names: tokens equal as far as compared (a name
                // cut at MAX_COMPARED_BYTES) are not the exact level.
                (names::compare_tokens(&v[a as usize], &v[b as usize], *similarity) as u8).max(1)
            }
            _ => unreachable!("comparator and prepared values agree"),
        }
    }
}

/// The blocking keys of one rule for every row (NULL where a part is null), ids shared by both
/// tables.
pub(crate) struct RuleKeys {
    pub left: Vec<u32>,
    pub right: Vec<u32>,
    pub distinct: usize,
}

/// Compute one key part per distinct raw value.
fn key_part(function: KeyFunction, v: &str) -> Option<String> {
    let text = || normalize_text(v);
    let r = match function {
        KeyFunction::Value | KeyFunction::Unordered => text(),
        KeyFunction::Prefix(n) => text().chars().take(n).collect(),
        KeyFunction::Suffix(n) => {
            let t = text();
            let len = t.chars().count();
            t.chars().skip(len.saturating_sub(n)).collect()
        }
        KeyFunction::Digits => v.chars().filter(|c| c.is_ascii_digit()).collect(),
        KeyFunction::Year => parse_date(v, DateFormat::Auto)
            .map(|d| d.y.to_string())
            .unwrap_or_default(),
        KeyFunction::DateUnordered => parse_date(v, DateFormat::Auto)
            .map(|d| format!("{:04}-{:02}-{:02}", d.y, d.m.min(d.d), d.m.max(d.d)))
            .unwrap_or_default(),
        KeyFunction::NameKey => PersonName::parse(v).sorted_key(),
    };
    (!r.is_empty()).then_some(r)
}

/// The key value of a rule for one record, for messages: `sex = "male"`,
/// `date_unordered(birth_date) = "1980-01-02", prefix(nik, 2) = "32"`. Long values are
/// shortened and control characters escaped.
pub(crate) fn key_text(keys: &[Key], table: &Table, row: usize) -> String {
    let value = |column: &str| -> &str {
        table
            .column_index(column)
            .map_or("", |c| table.value(row, c))
    };
    keys.iter()
        .map(|key| {
            let v = match key.function {
                KeyFunction::Unordered => {
                    let a =
                        key_part(KeyFunction::Value, value(&key.columns[0])).unwrap_or_default();
                    let b =
                        key_part(KeyFunction::Value, value(&key.columns[1])).unwrap_or_default();
                    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                    format!("{lo} | {hi}")
                }
                f => key_part(f, value(&key.columns[0])).unwrap_or_default(),
            };
            let mut shown: String = v.chars().take(40).collect();
            if v.chars().count() > 40 {
                shown.push('…');
            }
            format!("{key} = {}", format_args!("{shown:?}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Compute the keys of a rule. `raw` gives the interned raw column of each column name.
pub(crate) fn rule_keys(
    keys: &[Key],
    raws: &[RawColumn],
    names: &[&str],
    link: bool,
    threads: usize,
) -> RuleKeys {
    let raw = |name: &str| -> &RawColumn {
        &raws[names
            .iter()
            .position(|n| *n == name)
            .expect("interned column")]
    };
    // Each key part becomes a per-row id; a rule's key is the tuple of its parts' ids.
    let mut parts_left: Vec<Vec<u32>> = Vec::new();
    let mut parts_right: Vec<Vec<u32>> = Vec::new();
    for key in keys {
        match key.function {
            KeyFunction::Unordered => {
                let a = raw(&key.columns[0]);
                let b = raw(&key.columns[1]);
                let (ma, va) = remap(&a.values, threads, |v| {
                    key_part(KeyFunction::Value, v).map(|k| (k.clone(), k))
                });
                let (mb, vb) = remap(&b.values, threads, |v| {
                    key_part(KeyFunction::Value, v).map(|k| (k.clone(), k))
                });
                let mut dict = Dict::default();
                let mut side = |ia: &[u32], ib: &[u32]| -> Vec<u32> {
                    ia.iter()
                        .zip(ib)
                        .map(|(&x, &y)| {
                            if x == NULL
                                || y == NULL
                                || ma[x as usize] == NULL
                                || mb[y as usize] == NULL
                            {
                                return NULL;
                            }
                            let s = &va[ma[x as usize] as usize];
                            let t = &vb[mb[y as usize] as usize];
                            let (lo, hi) = if s <= t { (s, t) } else { (t, s) };
                            dict.id(&format!("{lo}\u{1f}{hi}"))
                        })
                        .collect()
                };
                parts_left.push(side(&a.left, &b.left));
                if link {
                    parts_right.push(side(&a.right, &b.right));
                }
            }
            f => {
                let c = raw(&key.columns[0]);
                let (m, _) = remap(&c.values, threads, |v| key_part(f, v).map(|k| (k, ())));
                let apply = |ids: &[u32]| -> Vec<u32> {
                    ids.iter()
                        .map(|&r| if r == NULL { NULL } else { m[r as usize] })
                        .collect()
                };
                parts_left.push(apply(&c.left));
                if link {
                    parts_right.push(apply(&c.right));
                }
            }
        }
    }
    if parts_left.len() == 1 {
        let left = parts_left.pop().expect("one part");
        let right = parts_right.pop().unwrap_or_default();
        let distinct = left
            .iter()
            .chain(&right)
            .filter(|&&x| x != NULL)
            .max()
            .map_or(0, |m| *m as usize + 1);
        return RuleKeys {
            left,
            right,
            distinct,
        };
    }
    let mut dict: HashMap<Vec<u32>, u32> = HashMap::new();
    let mut combine = |parts: &[Vec<u32>]| -> Vec<u32> {
        let n = parts[0].len();
        let mut tuple = Vec::with_capacity(parts.len());
        (0..n)
            .map(|i| {
                tuple.clear();
                for p in parts {
                    if p[i] == NULL {
                        return NULL;
                    }
                    tuple.push(p[i]);
                }
                let next = dict.len() as u32;
                *dict.entry(tuple.clone()).or_insert(next)
            })
            .collect()
    };
    let left = combine(&parts_left);
    let right = if link {
        combine(&parts_right)
    } else {
        Vec::new()
    };
    RuleKeys {
        left,
        right,
        distinct: dict.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(comparator: Comparator, values: &[&str]) -> Field {
        let mut t = Table::new(["x"]).unwrap();
        for v in values {
            t.push_row([*v]).unwrap();
        }
        let raw = RawColumn::new(&t, None, "x");
        Field::new(&raw, &comparator, 1, false)
    }

    fn lv(f: &Field, i: usize, j: usize) -> u8 {
        f.level(f.left[i], f.left[j])
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("1980-02-29", DateFormat::Auto).map(|d| d.d),
            Some(29)
        );
        assert_eq!(parse_date("1981-02-29", DateFormat::Auto), None);
        assert_eq!(
            parse_date("19560409", DateFormat::Ymd).map(|d| d.m),
            Some(4)
        );
        assert_eq!(
            parse_date("09/04/1956", DateFormat::Auto).map(|d| d.m),
            Some(4)
        );
        assert_eq!(
            parse_date("9-4-1956", DateFormat::Dmy).map(|d| d.d),
            Some(9)
        );
        assert_eq!(parse_date("19561309", DateFormat::Ymd), None);
        assert_eq!(
            Ymd {
                y: 1970,
                m: 1,
                d: 1
            }
            .days(),
            0
        );
        assert_eq!(
            Ymd {
                y: 2000,
                m: 3,
                d: 1
            }
            .days(),
            11_017
        );
        let c = Comparator::Date {
            format: DateFormat::Auto,
            day_month_swap: true,
            edits: 1,
            within_days: vec![31, 366],
        };
        let f = field(
            c,
            &[
                "1980-05-08",
                "1980-08-05",
                "1980-05-09",
                "1980-06-01",
                "1981-03-01",
                "1990-01-01",
                "",
                "1980-13-45",
                "1980-13-46",
                "08/05/1980",
            ],
        );
        // labels: exact, swap, edit, 31 d, 366 d, else
        assert_eq!(lv(&f, 0, 9), 0, "same date in two layouts");
        assert_eq!(lv(&f, 0, 1), 1, "day and month swapped");
        assert_eq!(lv(&f, 0, 2), 2, "one digit");
        assert_eq!(lv(&f, 0, 3), 3, "within 31 days");
        assert_eq!(lv(&f, 0, 4), 4, "within a year");
        assert_eq!(lv(&f, 0, 5), 5);
        assert_eq!(lv(&f, 0, 6), NULL_LEVEL);
        assert_eq!(
            lv(&f, 7, 8),
            2,
            "invalid dates still compare digit by digit"
        );
        assert_eq!(lv(&f, 7, 7), 0);
    }

    #[test]
    fn nik_typos() {
        let f = field(
            Comparator::Nik { date_part: true },
            &[
                "3171014508900001",
                "3171014508900007", // one digit substituted
                "3171014508900010", // last two digits transposed
                "3171015408900001", // two adjacent digits transposed in the date part
                "3171014508900022",
                "3171 0145 0890 0001",
            ],
        );
        assert_eq!(lv(&f, 0, 5), 0);
        assert_eq!(lv(&f, 0, 1), 1);
        assert_eq!(lv(&f, 0, 2), 1);
        assert_eq!(lv(&f, 0, 3), 1);
        assert_eq!(lv(&f, 0, 4), 2);
        // Without the birth-date part: district and serial only.
        let f = field(
            Comparator::Nik { date_part: false },
            &[
                "3171014508900001",
                "3171010508900001", // another birth date (a man's): same district and serial
                "3171014508900002", // serial typed wrong
                "3171024508900001", // district typed wrong
                "3172014508900021",
            ],
        );
        assert_eq!(lv(&f, 0, 1), 0);
        assert_eq!(lv(&f, 0, 2), 1);
        assert_eq!(lv(&f, 0, 3), 1);
        assert_eq!(lv(&f, 0, 4), 2);
    }

    #[test]
    fn long_values_are_compared_on_their_first_bytes() {
        // Two 3,128-byte values that agree on their first 128 bytes: compared on those (so
        // they are similar, not equal); in full, each comparison cost millions of steps.
        let a = format!("{}{}", "x".repeat(128), "a".repeat(3_000));
        let b = format!("{}{}", "x".repeat(128), "b".repeat(3_000));
        for comparator in [
            Comparator::JaroWinkler {
                thresholds: vec![0.92],
            },
            Comparator::DamerauLevenshtein {
                thresholds: vec![1],
            },
            Comparator::PersonName { similarity: 0.88 },
        ] {
            let f = field(comparator.clone(), &[&a, &b]);
            assert_eq!(lv(&f, 0, 0), 0);
            assert_eq!(lv(&f, 0, 1), 1, "{comparator:?}");
        }
        // A date's digits: the first 16 are compared.
        let d = "1".repeat(4_000);
        let e = format!("{}{}", "1".repeat(16), "2".repeat(3_984));
        let f = field(
            Comparator::Date {
                format: DateFormat::Auto,
                day_month_swap: true,
                edits: 1,
                within_days: vec![],
            },
            &[&d, &e],
        );
        assert_eq!(lv(&f, 0, 1), 2);
    }

    #[test]
    fn text_levels() {
        let f = field(
            Comparator::JaroWinkler {
                thresholds: vec![0.92, 0.8],
            },
            &["Martha", "marhta", "Marta", "Zed"],
        );
        assert_eq!(lv(&f, 0, 0), 0);
        assert_eq!(lv(&f, 0, 1), 1);
        assert_eq!(lv(&f, 0, 3), 3);
        let f = field(
            Comparator::DamerauLevenshtein {
                thresholds: vec![1, 2],
            },
            &["6988048", "6988084", "6988000", "1234567"],
        );
        assert_eq!(lv(&f, 0, 1), 1);
        assert_eq!(lv(&f, 0, 2), 2);
        assert_eq!(lv(&f, 0, 3), 3);
        let f = field(
            Comparator::Numeric {
                tolerances: vec![1.0],
                relative: vec![0.1],
            },
            &["100", "100.0", "101", "109", "150", "abc"],
        );
        assert_eq!(lv(&f, 0, 1), 0);
        assert_eq!(lv(&f, 0, 2), 1);
        assert_eq!(lv(&f, 0, 3), 2);
        assert_eq!(lv(&f, 0, 4), 3);
        assert_eq!(lv(&f, 0, 5), 3);
        let f = field(
            Comparator::Prefix {
                lengths: vec![6, 4],
            },
            &["31.71.01.1001", "3171011002", "3171021001", "3271011001"],
        );
        assert_eq!(lv(&f, 0, 1), 1);
        assert_eq!(lv(&f, 0, 2), 2);
        assert_eq!(lv(&f, 0, 3), 3);
    }
}
