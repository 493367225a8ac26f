//! Identity numbers: NIK (Nomor Induk Kependudukan) and KK (Kartu Keluarga number).
//!
//! Parse, don't validate: a [`Nik`] or [`Kk`] value always has 16 digits, and a `Nik` always has
//! a month 01-12, a day field 01-31 or 41-71 and a serial from 0001. Whether the district exists,
//! or the birth date agrees with a person's record, is checked elsewhere, against data.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::lang::{Lang, Localized};
use crate::model::Sex;
use crate::region::{Level, RegionCode};

/// Why a text is not a NIK or KK number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{kind} must have 16 digits, found {found} characters")]
    Length { kind: &'static str, found: usize },
    #[error("{kind} may only contain digits")]
    NotDigits { kind: &'static str },
    #[error("NIK month {0:02} is not 01-12")]
    Month(u32),
    #[error("NIK day {0:02} is not 01-31 (men) or 41-71 (women)")]
    Day(u32),
    #[error("NIK serial 0000 is never issued")]
    Serial,
}

impl Localized for IdError {
    fn code(&self) -> &'static str {
        match self {
            IdError::Length { .. } => "id_length",
            IdError::NotDigits { .. } => "id_not_digits",
            IdError::Month(_) => "nik_month",
            IdError::Day(_) => "nik_day",
            IdError::Serial => "nik_serial",
        }
    }
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (e, Lang::En) => e.to_string(),
            (IdError::Length { kind, found }, Lang::Id) => {
                format!("{kind} harus 16 digit, ditemukan {found} karakter")
            }
            (IdError::NotDigits { kind }, Lang::Id) => format!("{kind} hanya boleh berisi angka"),
            (IdError::Month(m), Lang::Id) => format!("bulan pada NIK {m:02} bukan 01-12"),
            (IdError::Day(d), Lang::Id) => {
                format!("tanggal pada NIK {d:02} bukan 01-31 (laki-laki) atau 41-71 (perempuan)")
            }
            (IdError::Serial, Lang::Id) => "nomor urut NIK 0000 tidak pernah diterbitkan".into(),
        }
    }
}

fn sixteen_digits(s: &str, kind: &'static str) -> Result<u64, IdError> {
    let s = s.trim();
    // Excel and some exports prefix a quote to keep a long number as text.
    let s = s.strip_prefix('\'').unwrap_or(s);
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdError::NotDigits { kind });
    }
    if s.len() != 16 {
        return Err(IdError::Length {
            kind,
            found: s.chars().count(),
        });
    }
    Ok(s.parse().expect("16 ascii digits fit in u64"))
}

/// Nomor Induk Kependudukan: `PPKKCC DDMMYY SSSS`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nik(u64);

impl Nik {
    pub fn parse(s: &str) -> Result<Nik, IdError> {
        Nik::from_u64(sixteen_digits(s, "NIK")?)
    }

    /// From the 16-digit number; checks the same rules as [`Nik::parse`].
    pub fn from_u64(n: u64) -> Result<Nik, IdError> {
        if n >= 10_000_000_000_000_000 {
            return Err(IdError::Length {
                kind: "NIK",
                found: 17,
            });
        }
        let serial = n % 10_000;
        let yy_mm_dd = n / 10_000 % 1_000_000;
        let day = (yy_mm_dd / 10_000) as u32;
        let month = (yy_mm_dd / 100 % 100) as u32;
        if !(1..=12).contains(&month) {
            return Err(IdError::Month(month));
        }
        if !(1..=31).contains(&day) && !(41..=71).contains(&day) {
            return Err(IdError::Day(day));
        }
        if serial == 0 {
            return Err(IdError::Serial);
        }
        Ok(Nik(n))
    }

    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// The issuing district `PPKKCC` as a region code (not necessarily a current one).
    pub fn district(self) -> RegionCode {
        RegionCode::from_digits(self.0 / 10_000_000_000, Level::District)
    }

    /// Sex encoded by the day field (women have day + 40).
    pub fn sex(self) -> Sex {
        if self.day_field() > 40 {
            Sex::Female
        } else {
            Sex::Male
        }
    }

    fn day_field(self) -> u32 {
        (self.0 / 10_000 % 1_000_000 / 10_000) as u32
    }

    /// Day of birth (1-31), with the +40 for women removed.
    pub fn birth_day(self) -> u32 {
        let d = self.day_field();
        if d > 40 { d - 40 } else { d }
    }

    pub fn birth_month(self) -> u32 {
        (self.0 / 10_000 % 10_000 / 100) as u32
    }

    /// Two-digit year of birth.
    pub fn birth_yy(self) -> u32 {
        (self.0 / 10_000 % 100) as u32
    }

    /// Serial number, from 1.
    pub fn serial(self) -> u32 {
        (self.0 % 10_000) as u32
    }

    /// Whether the encoded birth date agrees with `date` (day, month and two-digit year).
    pub fn agrees_with_birth_date(self, date: NaiveDate) -> bool {
        date.day() == self.birth_day()
            && date.month() == self.birth_month()
            && (date.year().rem_euclid(100)) as u32 == self.birth_yy()
    }

    /// The encoded birth date, resolving the century so that the person is not born after
    /// `today` (`None` if the day does not exist in that month, e.g. 31 February).
    pub fn birth_date(self, today: NaiveDate) -> Option<NaiveDate> {
        let yy = self.birth_yy() as i32;
        let century = today.year() - today.year().rem_euclid(100);
        let mut year = century + yy;
        let candidate = NaiveDate::from_ymd_opt(year, self.birth_month(), self.birth_day());
        if candidate.is_none_or(|d| d > today) {
            year -= 100;
        }
        NaiveDate::from_ymd_opt(year, self.birth_month(), self.birth_day())
    }

    /// Build a NIK from its parts (for generators and tests).
    pub fn from_parts(
        district: RegionCode,
        birth: NaiveDate,
        sex: Sex,
        serial: u32,
    ) -> Result<Nik, IdError> {
        assert_eq!(
            district.level(),
            Level::District,
            "a NIK is issued by a district"
        );
        let day = birth.day() + if sex == Sex::Female { 40 } else { 0 };
        let n = district.digits() * 10_000_000_000
            + u64::from(day) * 100_000_000
            + u64::from(birth.month()) * 1_000_000
            + (birth.year().rem_euclid(100) as u64) * 10_000
            + u64::from(serial);
        if serial > 9999 {
            return Err(IdError::Length {
                kind: "NIK",
                found: 17,
            });
        }
        Nik::from_u64(n)
    }
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016}", self.0)
    }
}

impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({:016})", self.0)
    }
}

impl FromStr for Nik {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Nik::parse(s)
    }
}

impl serde::Serialize for Nik {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Kartu Keluarga number: 16 digits, `PPKKCC DDMMYY SSSS` (issuing district, issue date, serial).
/// Only the shape is enforced.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kk(u64);

impl Kk {
    pub fn parse(s: &str) -> Result<Kk, IdError> {
        Ok(Kk(sixteen_digits(s, "KK")?))
    }

    pub fn from_u64(n: u64) -> Result<Kk, IdError> {
        if n >= 10_000_000_000_000_000 {
            return Err(IdError::Length {
                kind: "KK",
                found: 17,
            });
        }
        Ok(Kk(n))
    }

    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// The issuing district `PPKKCC`.
    pub fn district(self) -> RegionCode {
        RegionCode::from_digits(self.0 / 10_000_000_000, Level::District)
    }
}

impl fmt::Display for Kk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016}", self.0)
    }
}

impl fmt::Debug for Kk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kk({:016})", self.0)
    }
}

impl FromStr for Kk {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kk::parse(s)
    }
}

impl serde::Serialize for Kk {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_a_womans_nik() {
        // district 32.04.05, born 17-08-1985 (day 57 = 17 + 40), serial 0003
        let nik = Nik::parse("3204055708850003").unwrap();
        assert_eq!(nik.district().to_string(), "32.04.05");
        assert_eq!(nik.sex(), Sex::Female);
        assert_eq!(nik.birth_day(), 17);
        assert_eq!(nik.birth_month(), 8);
        assert_eq!(nik.serial(), 3);
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(nik.birth_date(today), NaiveDate::from_ymd_opt(1985, 8, 17));
        assert!(nik.agrees_with_birth_date(NaiveDate::from_ymd_opt(1985, 8, 17).unwrap()));
        assert!(
            !nik.agrees_with_birth_date(NaiveDate::from_ymd_opt(1985, 17, 8).unwrap_or_default())
        );
    }

    #[test]
    fn century_is_resolved_against_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let young = Nik::parse("3204051203200001").unwrap(); // 12-03-20
        assert_eq!(young.birth_date(today).unwrap().year(), 2020);
        let later_this_year = Nik::parse("3204051212260001").unwrap(); // 12-12-26: after today
        assert_eq!(later_this_year.birth_date(today).unwrap().year(), 1926);
    }

    #[test]
    fn rejects_only_the_impossible() {
        assert!(matches!(
            Nik::parse("320405570885000"),
            Err(IdError::Length { .. })
        ));
        assert!(matches!(
            Nik::parse("32040557088500031"),
            Err(IdError::Length { .. })
        ));
        assert!(matches!(
            Nik::parse("32040557O8850003"),
            Err(IdError::NotDigits { .. })
        ));
        assert_eq!(Nik::parse("3204051713850003"), Err(IdError::Month(13)));
        assert_eq!(Nik::parse("3204051700850003"), Err(IdError::Month(0)));
        assert_eq!(Nik::parse("3204050008850003"), Err(IdError::Day(0)));
        for d in 32..=40 {
            assert_eq!(
                Nik::parse(&format!("320405{d:02}0885 0003").replace(' ', "")),
                Err(IdError::Day(d))
            );
        }
        assert_eq!(Nik::parse("3204057208850003"), Err(IdError::Day(72)));
        assert_eq!(Nik::parse("3204051708850000"), Err(IdError::Serial));
        // Unknown districts and impossible calendar days (31 February) parse: they are findings.
        assert!(Nik::parse("9999993102850001").is_ok());
        assert!(Nik::parse(" '3204051708850003 ").is_ok());
    }

    #[test]
    fn kk_checks_shape_only() {
        assert!(Kk::parse("3204050101200001").is_ok());
        assert!(Kk::parse("0000000000000000").is_ok());
        assert!(Kk::parse("32040501012000").is_err());
        assert!(Kk::parse("3204-50101200001").is_err());
    }

    proptest! {
        #[test]
        fn parts_round_trip(d in 110101u64..=969999, days in 0i64..(365*100), female: bool, serial in 1u32..=9999) {
            let district = RegionCode::from_digits(d, Level::District);
            let birth = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap() + chrono::Days::new(days as u64);
            let sex = if female { Sex::Female } else { Sex::Male };
            let nik = Nik::from_parts(district, birth, sex, serial).unwrap();
            prop_assert_eq!(nik.district(), district);
            prop_assert_eq!(nik.sex(), sex);
            prop_assert!(nik.agrees_with_birth_date(birth));
            prop_assert_eq!(nik.serial(), serial);
            prop_assert_eq!(Nik::parse(&nik.to_string()).unwrap(), nik);
            let today = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
            prop_assert_eq!(nik.birth_date(today).unwrap(), birth);
        }
    }
}
