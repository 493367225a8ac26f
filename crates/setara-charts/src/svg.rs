//! Small helpers for writing SVG text: escaping, coordinates rounded to 0.1 px, number formats
//! and a rough text-width estimate for layout.

use std::fmt;
use std::sync::Arc;

/// Font stack of every chart. Only family names, so the SVG stays self-contained: the viewer
/// picks whichever sans-serif face it has.
pub(crate) const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";
/// Colour of text and axes.
pub(crate) const INK: &str = "#222222";

/// Escape text for XML character data and attribute values (both quote kinds included).
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newlines are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A length or coordinate written with at most one decimal (0.1 px), without a trailing `.0`
/// and never as `-0`.
#[derive(Clone, Copy)]
pub(crate) struct Px(pub f64);

impl fmt::Display for Px {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_tenths(f, tenths(self.0))
    }
}

/// `x` in whole tenths (non-finite values become 0).
pub(crate) fn tenths(x: f64) -> i64 {
    if x.is_finite() {
        (x * 10.0).round() as i64
    } else {
        0
    }
}

/// Write a number of tenths as a decimal (`-12` → `-1.2`, `30` → `3`).
pub(crate) fn write_tenths(f: &mut impl fmt::Write, t: i64) -> fmt::Result {
    let sign = if t < 0 { "-" } else { "" };
    let a = t.unsigned_abs();
    if a.is_multiple_of(10) {
        write!(f, "{sign}{}", a / 10)
    } else {
        write!(f, "{sign}{}.{}", a / 10, a % 10)
    }
}

/// How numbers shown to the reader (values, class breaks, Gini) are written.
#[derive(Clone)]
pub enum ValueFormat {
    /// Fixed number of decimals with a decimal point: `Decimals(3)` writes `0.421`.
    Decimals(usize),
    /// Any formatter, e.g. one with a decimal comma or a unit (`"9,03 %"`).
    Custom(Arc<dyn Fn(f64) -> String + Send + Sync>),
}

impl ValueFormat {
    /// A custom formatter.
    pub fn custom(f: impl Fn(f64) -> String + Send + Sync + 'static) -> ValueFormat {
        ValueFormat::Custom(Arc::new(f))
    }

    /// Format one value.
    pub fn format(&self, v: f64) -> String {
        match self {
            ValueFormat::Decimals(d) => fixed(v, *d),
            ValueFormat::Custom(f) => f(v),
        }
    }

    /// Round `v` up to what the reader sees, when the format says (only for `Decimals`): a
    /// class break `b` rounded up keeps every value below `b` at the shown precision in the
    /// class below, as an unrounded break would.
    pub(crate) fn round_up(&self, v: f64) -> f64 {
        match self {
            ValueFormat::Decimals(d) => {
                let scale = 10f64.powi((*d).min(12) as i32);
                // The tolerance keeps 0.30100000000000002 at 0.301.
                let up = ((v * scale) - 1e-7).ceil() / scale;
                fixed(up, *d).parse().unwrap_or(v)
            }
            ValueFormat::Custom(_) => v,
        }
    }

    /// Round `v` to what the reader sees, when the format says (only for `Decimals`).
    pub(crate) fn round(&self, v: f64) -> f64 {
        match self {
            ValueFormat::Decimals(d) => {
                let s = fixed(v, *d);
                s.parse().unwrap_or(v)
            }
            ValueFormat::Custom(_) => v,
        }
    }
}

impl Default for ValueFormat {
    fn default() -> Self {
        ValueFormat::Decimals(3)
    }
}

impl fmt::Debug for ValueFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueFormat::Decimals(d) => write!(f, "Decimals({d})"),
            ValueFormat::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

/// `v` with `d` decimals, never `-0.000`.
fn fixed(v: f64, d: usize) -> String {
    let d = d.min(12);
    let s = format!("{v:.d$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => s,
    }
}

/// Rough width of `s` set in a sans-serif face at `font` px (Verdana/DejaVu are wide; this
/// errs on the wide side so that boxes are never too small).
pub(crate) fn text_width(s: &str, font: f64) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '|' | '!' | '\'' | 'I' | '(' | ')' => 0.33,
            ' ' | 'f' | 't' | 'r' => 0.40,
            'm' | 'w' | 'M' | 'W' | '%' => 0.95,
            c if c.is_ascii_uppercase() => 0.72,
            c if c.is_ascii_digit() => 0.64,
            '–' | '—' | '…' => 0.64,
            _ => 0.62,
        })
        .sum();
    em * font
}

/// `s` cut with an ellipsis so that it fits in `width` px at `font` px (whole when it fits).
pub(crate) fn fit(s: &str, font: f64, width: f64) -> String {
    if text_width(s, font) <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().collect();
    while !out.is_empty() && text_width(&out, font) + text_width("…", font) > width {
        out.pop();
    }
    format!("{}…", out.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn px_rounds_to_tenths() {
        assert_eq!(Px(1.25).to_string(), "1.3");
        assert_eq!(Px(3.0).to_string(), "3");
        assert_eq!(Px(-0.04).to_string(), "0");
        assert_eq!(Px(-2.46).to_string(), "-2.5");
        assert_eq!(Px(123.456_789_012_345).to_string(), "123.5");
        assert_eq!(Px(f64::NAN).to_string(), "0");
    }

    #[test]
    fn long_text_is_cut_to_fit() {
        assert_eq!(fit("Jawa", 10.0, 100.0), "Jawa");
        let cut = fit("Kabupaten dengan nama yang panjang sekali", 10.0, 100.0);
        assert!(
            cut.ends_with('…') && text_width(&cut, 10.0) <= 100.0,
            "{cut}"
        );
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("A & B <c> \"d\" 'e'"),
            "A &amp; B &lt;c&gt; &quot;d&quot; &#39;e&#39;"
        );
    }

    #[test]
    fn decimals_never_negative_zero() {
        let f = ValueFormat::Decimals(3);
        assert_eq!(f.format(0.4214), "0.421");
        assert_eq!(f.format(-0.0001), "0.000");
        assert_eq!(f.round(0.31249), 0.312);
        assert_eq!(f.round_up(0.3014), 0.302);
        assert_eq!(f.round_up(0.1 + 0.2), 0.3);
        assert_eq!(f.round_up(0.301), 0.301);
        let c = ValueFormat::custom(|v| format!("{v:.2}").replace('.', ","));
        assert_eq!(c.format(9.031), "9,03");
    }
}
