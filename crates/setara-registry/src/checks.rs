//! Checks an import makes on rows that parse: problems worth recording as verification
//! findings, but not reasons to refuse the row (see `docs/import.md`).

use chrono::NaiveDate;
use setara_core::{Household, Level, Person, Regions, age_on, plausible};

use crate::problem::{Finding, FindingKind};

/// Findings about a household row: its region must be a current village code, its survey
/// values plausible.
pub fn household_findings(h: &Household, regions: &Regions, out: &mut Vec<Finding>) {
    if let Some(s) = h.survey {
        let c = s.consumption_per_capita.0;
        if !plausible::PLAUSIBLE_CONSUMPTION.contains(&c) {
            out.push(Finding {
                kind: FindingKind::ConsumptionImplausible,
                kk: h.kk,
                nik: None,
                detail: format!("Rp{c}"),
            });
        }
        if s.weight > plausible::PLAUSIBLE_MAX_SURVEY_WEIGHT {
            out.push(Finding {
                kind: FindingKind::WeightImplausible,
                kk: h.kk,
                nik: None,
                detail: format!("{}", s.weight),
            });
        }
    }
    match regions.get(h.region) {
        None => out.push(Finding {
            kind: FindingKind::RegionUnknown,
            kk: h.kk,
            nik: None,
            detail: h.region.to_string(),
        }),
        Some(r) if r.level() != Level::Village => out.push(Finding {
            kind: FindingKind::RegionNotVillage,
            kk: h.kk,
            nik: None,
            detail: format!("{} ({:?})", h.region, r.level()),
        }),
        Some(_) => {}
    }
}

/// Findings about a person row: the NIK's district must be current, its encoded birth date
/// and sex must agree with the record, and the age on `today` must be plausible.
pub fn person_findings(p: &Person, regions: &Regions, today: NaiveDate, out: &mut Vec<Finding>) {
    let age = age_on(p.birth_date, today);
    if age > plausible::PLAUSIBLE_MAX_AGE {
        out.push(Finding {
            kind: FindingKind::AgeImplausible,
            kk: p.kk,
            nik: Some(p.nik),
            detail: format!("{age}"),
        });
    }
    let district = p.nik.district();
    if !regions.contains(district) {
        out.push(Finding {
            kind: FindingKind::NikDistrictUnknown,
            kk: p.kk,
            nik: Some(p.nik),
            detail: district.to_string(),
        });
    }
    if !p.nik.agrees_with_birth_date(p.birth_date) {
        out.push(Finding {
            kind: FindingKind::NikBirthDateMismatch,
            kk: p.kk,
            nik: Some(p.nik),
            detail: format!(
                "NIK {:02}-{:02}-{:02}, record {}",
                p.nik.birth_day(),
                p.nik.birth_month(),
                p.nik.birth_yy(),
                p.birth_date.format("%d-%m-%Y")
            ),
        });
    }
    if p.nik.sex() != p.sex {
        out.push(Finding {
            kind: FindingKind::NikSexMismatch,
            kk: p.kk,
            nik: Some(p.nik),
            detail: format!("NIK {}, record {}", p.nik.sex().code(), p.sex.code()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{blank_household, blank_person};
    use chrono::NaiveDate;
    use setara_core::{Kk, Nik, RegionCode, Sex};

    #[test]
    fn region_must_be_a_current_village() {
        let regions = Regions::kemendagri_2025();
        let mut h = blank_household();
        h.kk = Kk::parse("1101010101200001").unwrap();
        let mut out = Vec::new();
        h.region = RegionCode::parse("11.01.01.2001").unwrap();
        household_findings(&h, regions, &mut out);
        assert!(out.is_empty());
        h.region = RegionCode::parse("11.01.01").unwrap();
        household_findings(&h, regions, &mut out);
        h.region = RegionCode::parse("11.01.01.9999").unwrap();
        household_findings(&h, regions, &mut out);
        let kinds: Vec<_> = out.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [FindingKind::RegionNotVillage, FindingKind::RegionUnknown]
        );
    }

    #[test]
    fn nik_must_agree_with_the_record() {
        let regions = Regions::kemendagri_2025();
        let mut p = blank_person();
        p.nik = Nik::parse("1101015708850003").unwrap(); // 11.01.01, woman born 17-08-85
        p.kk = Kk::parse("1101010101200001").unwrap();
        p.sex = Sex::Female;
        p.birth_date = NaiveDate::from_ymd_opt(1985, 8, 17).unwrap();
        let mut out = Vec::new();
        person_findings(
            &p,
            regions,
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
        p.sex = Sex::Male;
        p.birth_date = NaiveDate::from_ymd_opt(1985, 8, 18).unwrap();
        p.nik = Nik::parse("9901015708850003").unwrap();
        person_findings(
            &p,
            regions,
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            &mut out,
        );
        let kinds: Vec<_> = out.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [
                FindingKind::NikDistrictUnknown,
                FindingKind::NikBirthDateMismatch,
                FindingKind::NikSexMismatch
            ]
        );
    }
}
