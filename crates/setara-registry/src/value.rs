//! Parsing of single values as officers write them, and their canonical written form.

use chrono::NaiveDate;

use crate::problem::Reason;

/// Parse a date written `YYYY-MM-DD`, `DD-MM-YYYY` or `DD/MM/YYYY` (also `YYYY/MM/DD` and
/// `DD.MM.YYYY`). Day and month may have one digit.
pub fn parse_date(s: &str) -> Result<NaiveDate, Reason> {
    let s = s.trim();
    // Excel exports sometimes append a midnight time.
    let s = s.split_once([' ', 'T']).map(|(d, _)| d).unwrap_or(s);
    let sep = s
        .chars()
        .find(|c| matches!(c, '-' | '/' | '.'))
        .ok_or(Reason::Date)?;
    let mut parts = s.split(sep);
    let (a, b, c) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(b), Some(c), None) => (a, b, c),
        _ => return Err(Reason::Date),
    };
    let num = |p: &str| -> Result<u32, Reason> {
        if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Reason::Date);
        }
        p.parse().map_err(|_| Reason::Date)
    };
    let (y, m, d) = if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        (num(a)?, num(b)?, num(c)?)
    } else if c.len() == 4 && a.len() <= 2 && b.len() <= 2 {
        (num(c)?, num(b)?, num(a)?)
    } else {
        return Err(Reason::Date);
    };
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(Reason::Date)
}

/// Canonical written form of a date.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A whole number. Accepts `1234567`, `1.234.567` (Indonesian grouping) and `1,234,567`.
/// A leading `Rp`/`Rp.` and spaces are ignored.
pub fn parse_int(s: &str) -> Result<i64, Reason> {
    let mut t = s.trim();
    for p in ["Rp.", "Rp", "rp.", "rp", "IDR"] {
        if let Some(rest) = t.strip_prefix(p) {
            t = rest.trim_start();
            break;
        }
    }
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    if digits.is_empty() {
        return Err(Reason::Integer);
    }
    let plain: String;
    let digits = if digits.bytes().all(|b| b.is_ascii_digit()) {
        digits
    } else {
        // Grouped by thousands with one separator kind, e.g. 1.234.567 or 1,234,567.
        let sep = if digits.contains('.') { '.' } else { ',' };
        let groups: Vec<&str> = digits.split(sep).collect();
        let ok = groups.len() > 1
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return Err(Reason::Integer);
        }
        plain = groups.concat();
        &plain
    };
    let v: i64 = digits.parse().map_err(|_| Reason::Integer)?;
    Ok(if neg { -v } else { v })
}

/// A non-negative whole number (an amount, an area, a count).
pub fn parse_amount(s: &str) -> Result<i64, Reason> {
    let v = parse_int(s)?;
    if v < 0 { Err(Reason::Negative) } else { Ok(v) }
}

/// A non-negative whole number no larger than `max`.
pub fn parse_bounded(s: &str, max: i64) -> Result<i64, Reason> {
    let v = parse_amount(s)?;
    if v > max {
        Err(Reason::Range { min: 0, max })
    } else {
        Ok(v)
    }
}

/// A decimal number: `12.5` or `12,5` (a single decimal separator, no grouping).
pub fn parse_decimal(s: &str) -> Result<f64, Reason> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Reason::Number);
    }
    let t = if t.matches(',').count() == 1 && !t.contains('.') {
        t.replace(',', ".")
    } else {
        t.to_string()
    };
    let v: f64 = t.parse().map_err(|_| Reason::Number)?;
    if !v.is_finite() {
        return Err(Reason::Number);
    }
    Ok(v)
}

/// Yes/no: `1/0`, `ya/tidak`, `yes/no`, `y/n`, `true/false`, `ada/tidak ada`.
pub fn parse_bool(s: &str) -> Result<bool, Reason> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "ya" | "y" | "yes" | "true" | "t" | "ada" | "punya" => Ok(true),
        "0" | "tidak" | "tdk" | "n" | "no" | "false" | "f" | "tidak ada" | "tidak punya" => {
            Ok(false)
        }
        _ => Err(Reason::Bool),
    }
}

pub fn format_bool(b: bool) -> &'static str {
    if b { "1" } else { "0" }
}

/// Shortest decimal form that reads back to the same `f64`.
pub fn format_decimal(v: f64) -> String {
    // Rust's Display for f64 never uses exponent notation and round-trips exactly.
    format!("{v}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_the_three_forms() {
        assert_eq!(parse_date("1985-08-17"), Ok(d(1985, 8, 17)));
        assert_eq!(parse_date("17-08-1985"), Ok(d(1985, 8, 17)));
        assert_eq!(parse_date("17/08/1985"), Ok(d(1985, 8, 17)));
        assert_eq!(parse_date("7/8/1985"), Ok(d(1985, 8, 7)));
        assert_eq!(parse_date(" 1985-08-17 00:00:00"), Ok(d(1985, 8, 17)));
        for bad in [
            "",
            "1985",
            "17-08-85",
            "1985-13-01",
            "31/02/2000",
            "17-08-1985-1",
            "aa-bb-cccc",
            "08/17/1985",
        ] {
            assert!(parse_date(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn integers_with_grouping() {
        assert_eq!(parse_int("1234567"), Ok(1_234_567));
        assert_eq!(parse_int("1.234.567"), Ok(1_234_567));
        assert_eq!(parse_int("1,234,567"), Ok(1_234_567));
        assert_eq!(parse_int("Rp 750.000"), Ok(750_000));
        assert_eq!(parse_int("-5"), Ok(-5));
        assert_eq!(parse_amount("-5"), Err(Reason::Negative));
        for bad in ["", "1.5", "12.34.567", "1,2", "abc", "1.234,56"] {
            assert!(parse_int(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn decimals_with_either_separator() {
        assert_eq!(parse_decimal("12.5"), Ok(12.5));
        assert_eq!(parse_decimal("12,5"), Ok(12.5));
        assert!(parse_decimal("1,2,3").is_err());
        assert!(parse_decimal("inf").is_err());
        assert!(parse_decimal("NaN").is_err());
    }

    #[test]
    fn yes_no() {
        assert_eq!(parse_bool("Ya"), Ok(true));
        assert_eq!(parse_bool("tidak"), Ok(false));
        assert_eq!(parse_bool("0"), Ok(false));
        assert!(parse_bool("mungkin").is_err());
    }
}
