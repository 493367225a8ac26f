//! Money as Indonesians read it. Amounts are integer rupiah everywhere.

/// `Rp1.250.000` — rupiah as Indonesians write it (dots between thousands).
pub fn rupiah(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 3);
    if amount < 0 {
        out.push('-');
    }
    out.push_str("Rp");
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}
