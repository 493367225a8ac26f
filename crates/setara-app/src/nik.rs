//! What a NIK says by itself: the issuing district, sex, birth date and serial encoded in it,
//! and whether a recorded birth date and sex agree with it.

use serde::Serialize;
use setara_core::{Lang, Nik, Regions, Sex};

use crate::App;
use crate::error::{Error, Result};

/// A problem found with a NIK (the first one is the error of the check).
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    pub code: &'static str,
    pub id: String,
    pub en: String,
}

/// A NIK decoded.
#[derive(Clone, Debug, Serialize)]
pub struct NikCheck {
    pub nik: Nik,
    pub district: setara_core::RegionCode,
    /// The district's names, from the province down (empty: not in the Kepmendagri table).
    pub district_path: Vec<String>,
    pub sex: Sex,
    /// `None`: the day and month are not a calendar date.
    pub birth_date: Option<String>,
    pub birth_day: u32,
    pub birth_month: u32,
    /// The two digits of the birth year.
    pub birth_yy: u32,
    pub serial: u32,
    pub problems: Vec<Problem>,
}

impl Problem {
    fn new(code: &'static str, id: String, en: String) -> Problem {
        Problem { code, id, en }
    }
}

impl NikCheck {
    /// The error to report: the first problem (`nik_district_unknown`,
    /// `nik_date_not_calendar`, `nik_birth_date_mismatch`, `nik_sex_mismatch`).
    pub fn error(&self) -> Option<Error> {
        self.problems
            .first()
            .map(|p| Error::invalid(p.code, p.id.clone(), p.en.clone()))
    }
}

/// Decode `nik` and check it against a recorded birth date and sex, if given. The century of
/// the birth year is the one that puts the date in the past, by the app's clock.
pub fn check_nik(
    app: &App,
    nik: &str,
    birth_date: Option<&str>,
    sex: Option<&str>,
) -> Result<NikCheck> {
    let nik = Nik::parse(nik).map_err(|e| Error::from_localized(crate::ErrorKind::Invalid, &e))?;
    let regions = Regions::kemendagri_2025();
    let today = chrono::DateTime::from_timestamp(app.now(), 0)
        .unwrap_or_default()
        .date_naive();
    let district = nik.district();
    let path: Vec<String> = regions
        .path(district)
        .iter()
        .rev()
        .map(|r| r.name.clone())
        .collect();
    let birth = nik.birth_date(today);
    let mut problems = Vec::new();
    if path.is_empty() {
        problems.push(Problem::new(
            "nik_district_unknown",
            format!("kecamatan {district} tidak ada dalam Kepmendagri 2025"),
            format!("district {district} is not in the Kepmendagri 2025 table"),
        ));
    }
    if birth.is_none() {
        let (d, m) = (nik.birth_day(), nik.birth_month());
        problems.push(Problem::new(
            "nik_date_not_calendar",
            format!("tanggal {d:02}-{m:02} bukan tanggal kalender"),
            format!("{d:02}-{m:02} is not a calendar date"),
        ));
    }
    if let Some(d) = birth_date {
        let d = setara_registry::value::parse_date(d)
            .map_err(|r| Error::from_localized(crate::ErrorKind::Invalid, &r))?;
        if !nik.agrees_with_birth_date(d) {
            problems.push(Problem::new(
                "nik_birth_date_mismatch",
                format!("tanggal lahir tercatat {d} tidak sesuai dengan NIK"),
                format!("recorded birth date {d} disagrees with the NIK"),
            ));
        }
    }
    if let Some(s) = sex {
        let s = Sex::parse(s).ok_or_else(|| {
            Error::invalid(
                "sex_invalid",
                format!("jenis kelamin {s:?} tidak dikenal"),
                format!("unknown sex {s:?}"),
            )
        })?;
        if s != nik.sex() {
            problems.push(Problem::new(
                "nik_sex_mismatch",
                format!(
                    "jenis kelamin tercatat {} tidak sesuai dengan NIK ({})",
                    s.label(Lang::Id),
                    nik.sex().label(Lang::Id)
                ),
                format!(
                    "recorded sex {} disagrees with the NIK ({})",
                    s.label(Lang::En),
                    nik.sex().label(Lang::En)
                ),
            ));
        }
    }
    Ok(NikCheck {
        nik,
        district,
        district_path: path,
        sex: nik.sex(),
        birth_date: birth.map(|d| d.to_string()),
        birth_day: nik.birth_day(),
        birth_month: nik.birth_month(),
        birth_yy: nik.birth_yy(),
        serial: nik.serial(),
        problems,
    })
}
