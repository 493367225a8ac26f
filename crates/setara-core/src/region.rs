//! Region codes (kode wilayah) of the Ministry of Home Affairs (Kemendagri).
//!
//! A code is `PP` (province, provinsi), `PP.KK` (regency or city, kabupaten/kota), `PP.KK.CC`
//! (district, kecamatan) or `PP.KK.CC.DDDD` (village, desa/kelurahan). It is accepted dotted or
//! undotted (`3204`, `32.04`); the undotted length tells the level.

use std::fmt;
use std::str::FromStr;

use crate::lang::{Lang, Localized};

/// Administrative level of a region (tingkat wilayah).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Provinsi.
    Province = 1,
    /// Kabupaten/kota.
    Regency = 2,
    /// Kecamatan.
    District = 3,
    /// Desa/kelurahan.
    Village = 4,
}

impl Level {
    /// Number of digits of an undotted code at this level.
    pub const fn digits(self) -> u32 {
        match self {
            Level::Province => 2,
            Level::Regency => 4,
            Level::District => 6,
            Level::Village => 10,
        }
    }

    pub fn from_number(n: u8) -> Option<Level> {
        Some(match n {
            1 => Level::Province,
            2 => Level::Regency,
            3 => Level::District,
            4 => Level::Village,
            _ => return None,
        })
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Level::Province => lang.pick("provinsi", "province"),
            Level::Regency => lang.pick("kabupaten/kota", "regency/city"),
            Level::District => lang.pick("kecamatan", "district"),
            Level::Village => lang.pick("desa/kelurahan", "village"),
        }
    }
}

/// A syntactically valid region code. Whether it is a *current* code is a question for
/// [`crate::Regions`]: a code can be well-formed and yet unknown (an old or mistyped code).
///
/// Ordering follows the hierarchy: a region sorts before its descendants, and siblings in
/// numeric order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode {
    // The digits as a number, left-aligned to 10 digits so that ordering follows the tree,
    // followed by the level: key = digits * 10^(10 - len) * 10 + level.
    key: u64,
}

/// Why a text is not a region code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegionCodeError {
    #[error("region code is empty")]
    Empty,
    #[error("region code {0:?} has characters other than digits and dots")]
    NotDigits(String),
    #[error("region code {0:?} does not have the shape PP, PP.KK, PP.KK.CC or PP.KK.CC.DDDD")]
    Shape(String),
}

impl Localized for RegionCodeError {
    fn code(&self) -> &'static str {
        match self {
            RegionCodeError::Empty => "region_empty",
            RegionCodeError::NotDigits(_) => "region_not_digits",
            RegionCodeError::Shape(_) => "region_shape",
        }
    }
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (RegionCodeError::Empty, Lang::Id) => "kode wilayah kosong".into(),
            (RegionCodeError::NotDigits(s), Lang::Id) => {
                format!("kode wilayah {s:?} memuat karakter selain angka dan titik")
            }
            (RegionCodeError::Shape(s), Lang::Id) => {
                format!("kode wilayah {s:?} tidak berbentuk PP, PP.KK, PP.KK.CC atau PP.KK.CC.DDDD")
            }
            (e, Lang::En) => e.to_string(),
        }
    }
}

impl RegionCode {
    /// Parse a dotted (`32.04.05.2001`) or undotted (`3204052001`) code.
    pub fn parse(s: &str) -> Result<RegionCode, RegionCodeError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(RegionCodeError::Empty);
        }
        if !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return Err(RegionCodeError::NotDigits(s.to_string()));
        }
        let shape = || RegionCodeError::Shape(s.to_string());
        let (digits, len) = if s.contains('.') {
            let mut digits = 0u64;
            let mut len = 0u32;
            let mut parts = 0;
            for (i, part) in s.split('.').enumerate() {
                let want = if i < 3 { 2 } else { 4 };
                if i > 3 || part.len() != want {
                    return Err(shape());
                }
                for b in part.bytes() {
                    digits = digits * 10 + u64::from(b - b'0');
                }
                len += want as u32;
                parts += 1;
            }
            debug_assert!(parts >= 1);
            (digits, len)
        } else {
            let len = s.len() as u32;
            if !matches!(len, 2 | 4 | 6 | 10) {
                return Err(shape());
            }
            (s.parse::<u64>().map_err(|_| shape())?, len)
        };
        let level = match len {
            2 => Level::Province,
            4 => Level::Regency,
            6 => Level::District,
            10 => Level::Village,
            _ => return Err(shape()),
        };
        Ok(RegionCode::from_digits(digits, level))
    }

    /// Build a code from its undotted digits and level. `digits` must have at most
    /// `level.digits()` digits.
    pub const fn from_digits(digits: u64, level: Level) -> RegionCode {
        let shift = 10u64.pow(10 - level.digits());
        RegionCode {
            key: (digits * shift) * 10 + level as u64,
        }
    }

    pub fn level(self) -> Level {
        Level::from_number((self.key % 10) as u8).expect("level is stored in the key")
    }

    /// The undotted digits as a number (`32.04` → 3204).
    pub fn digits(self) -> u64 {
        let shift = 10u64.pow(10 - self.level().digits());
        self.key / 10 / shift
    }

    /// The parent region, `None` for a province.
    pub fn parent(self) -> Option<RegionCode> {
        let level = match self.level() {
            Level::Province => return None,
            Level::Regency => Level::Province,
            Level::District => Level::Regency,
            Level::Village => Level::District,
        };
        Some(self.ancestor(level))
    }

    /// The ancestor at `level` (itself when `level` is its own level).
    ///
    /// # Panics
    /// When `level` is below this code's level.
    pub fn ancestor(self, level: Level) -> RegionCode {
        assert!(
            level <= self.level(),
            "ancestor level below the code's level"
        );
        let drop = 10u64.pow(self.level().digits() - level.digits());
        RegionCode::from_digits(self.digits() / drop, level)
    }

    /// The region at `level` that holds this code, or the code itself when it is already above
    /// `level` (a province asked for its regency).
    ///
    /// Tables grouped by a level use it: a household placed only to its province stays in one
    /// row of its own instead of being dropped or made up. Unlike [`ancestor`](Self::ancestor)
    /// it never panics.
    pub fn ancestor_or_self(self, level: Level) -> RegionCode {
        if self.level() >= level {
            self.ancestor(level)
        } else {
            self
        }
    }

    pub fn province(self) -> RegionCode {
        self.ancestor(Level::Province)
    }

    /// Whether `self` is `other` or lies inside it.
    pub fn is_within(self, other: RegionCode) -> bool {
        self.level() >= other.level() && self.ancestor(other.level()) == other
    }

    /// The undotted form (`3204052001`).
    pub fn undotted(self) -> String {
        format!(
            "{:0width$}",
            self.digits(),
            width = self.level().digits() as usize
        )
    }

    /// A compact integer key, unique across levels, that sorts in tree order (for columnar data).
    pub fn key(self) -> u64 {
        self.key
    }

    pub fn from_key(key: u64) -> Option<RegionCode> {
        Level::from_number((key % 10) as u8)?;
        Some(RegionCode { key })
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let u = self.undotted();
        let b = u.as_bytes();
        let s = |r: std::ops::Range<usize>| std::str::from_utf8(&b[r]).expect("ascii digits");
        match self.level() {
            Level::Province => f.write_str(s(0..2)),
            Level::Regency => write!(f, "{}.{}", s(0..2), s(2..4)),
            Level::District => write!(f, "{}.{}.{}", s(0..2), s(2..4), s(4..6)),
            Level::Village => write!(f, "{}.{}.{}.{}", s(0..2), s(2..4), s(4..6), s(6..10)),
        }
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionCode({self})")
    }
}

impl FromStr for RegionCode {
    type Err = RegionCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegionCode::parse(s)
    }
}

impl serde::Serialize for RegionCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ancestor_or_self_stops_at_the_code() {
        let village = RegionCode::parse("32.04.05.2001").unwrap();
        let province = RegionCode::parse("32").unwrap();
        assert_eq!(
            village.ancestor_or_self(Level::Regency),
            RegionCode::parse("32.04").unwrap()
        );
        assert_eq!(village.ancestor_or_self(Level::Village), village);
        assert_eq!(province.ancestor_or_self(Level::Regency), province);
    }

    #[test]
    fn dotted_and_undotted_agree() {
        for (dotted, undotted, level) in [
            ("32", "32", Level::Province),
            ("32.04", "3204", Level::Regency),
            ("32.04.05", "320405", Level::District),
            ("32.04.05.2001", "3204052001", Level::Village),
        ] {
            let a = RegionCode::parse(dotted).unwrap();
            let b = RegionCode::parse(undotted).unwrap();
            assert_eq!(a, b);
            assert_eq!(a.level(), level);
            assert_eq!(a.to_string(), dotted);
            assert_eq!(a.undotted(), undotted);
        }
    }

    #[test]
    fn parents_and_ancestors() {
        let v = RegionCode::parse("32.04.05.2001").unwrap();
        assert_eq!(v.parent().unwrap().to_string(), "32.04.05");
        assert_eq!(v.province().to_string(), "32");
        assert_eq!(v.ancestor(Level::Regency).to_string(), "32.04");
        assert!(v.is_within(RegionCode::parse("32.04").unwrap()));
        assert!(!v.is_within(RegionCode::parse("32.05").unwrap()));
        assert!(RegionCode::parse("32").unwrap().parent().is_none());
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "3",
            "320",
            "32.4",
            "32..04",
            "32.04.05.201",
            "32.04.05.2001.1",
            "3a",
            "32-04",
        ] {
            assert!(RegionCode::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn leading_zeros_survive() {
        // No current province starts with 0, but the type must not lose digits.
        let c = RegionCode::parse("01.02").unwrap();
        assert_eq!(c.to_string(), "01.02");
        assert_eq!(c.undotted(), "0102");
    }

    proptest! {
        #[test]
        fn tree_order(a in 0u64..10_000_000_000, b in 0u64..10_000_000_000) {
            let va = RegionCode::from_digits(a, Level::Village);
            let vb = RegionCode::from_digits(b, Level::Village);
            prop_assert_eq!(va.cmp(&vb), a.cmp(&b));
            // A parent sorts before its children.
            prop_assert!(va.parent().unwrap() < va);
            prop_assert_eq!(RegionCode::parse(&va.to_string()).unwrap(), va);
            prop_assert_eq!(RegionCode::from_key(va.key()).unwrap(), va);
        }
    }
}
