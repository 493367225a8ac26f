//! Numbers as people in Indonesia read them.

/// `Rp1.250.000` — rupiah as Indonesians write it (dots between thousands). Amounts are
/// integer rupiah everywhere.
pub fn rupiah(amount: i64) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}Rp{}", grouped(amount.unsigned_abs()))
}

fn grouped(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// 1234567 → "1.234.567" (Indonesian grouping, the same in both languages of the interface).
pub fn group_thousands(v: i64) -> String {
    let out = grouped(v.unsigned_abs());
    if v < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rupiah_is_written_with_dots() {
        assert_eq!(super::rupiah(0), "Rp0");
        assert_eq!(super::rupiah(1_250_000), "Rp1.250.000");
        assert_eq!(super::rupiah(-750_000), "-Rp750.000");
        assert_eq!(super::rupiah(i64::MIN), "-Rp9.223.372.036.854.775.808");
    }

    #[test]
    fn thousands_are_grouped_with_dots() {
        assert_eq!(super::group_thousands(0), "0");
        assert_eq!(super::group_thousands(582_932), "582.932");
        assert_eq!(super::group_thousands(1_234_567), "1.234.567");
        assert_eq!(super::group_thousands(-1000), "-1.000");
        assert_eq!(
            super::group_thousands(i64::MIN),
            "-9.223.372.036.854.775.808"
        );
    }
}
