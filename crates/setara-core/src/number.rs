//! Numbers as people in Indonesia read them.

/// 1234567 → "1.234.567" (Indonesian grouping, the same in both languages of the interface).
pub fn group_thousands(v: i64) -> String {
    let s = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if v < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
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
