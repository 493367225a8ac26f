//! Mapping between the registry model and SQLite rows.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Row, ToSql};
use setara_core::*;

use crate::StoreError;

/// Household columns in table order after `id`, `kk`: the values bound by [`household_params`].
pub const HOUSEHOLD_COLUMNS: &str = "kk, region, address, rt, rw, declared_size, tenure, floor_area_m2, floor, wall, roof, \
     water_source, toilet, electricity, electricity_va, cooking_fuel, assets_known, assets_owned, land_m2, \
     consumption_per_capita, survey_weight";
pub const HOUSEHOLD_COLUMN_COUNT: usize = 21;

pub const PERSON_COLUMNS: &str = "nik, name, sex, birth_date, relation, education, work, disability, chronic_illness, \
     health_insurance, school_attendance";
pub const PERSON_COLUMN_COUNT: usize = 11;

fn code<T: Copy>(v: Option<T>, f: fn(T) -> &'static str) -> Value {
    match v {
        Some(v) => Value::Text(f(v).to_string()),
        None => Value::Null,
    }
}

fn int<T: Into<i64>>(v: Option<T>) -> Value {
    match v {
        Some(v) => Value::Integer(v.into()),
        None => Value::Null,
    }
}

/// The household's values in [`HOUSEHOLD_COLUMNS`] order.
pub fn household_values(h: &Household) -> [Value; HOUSEHOLD_COLUMN_COUNT] {
    let d = &h.dwelling;
    [
        Value::Integer(h.kk.as_u64() as i64),
        Value::Text(h.region.to_string()),
        h.address.clone().map(Value::Text).unwrap_or(Value::Null),
        int(h.rt),
        int(h.rw),
        int(h.declared_size),
        code(d.tenure, Tenure::code),
        int(d.floor_area_m2),
        code(d.floor, Floor::code),
        code(d.wall, Wall::code),
        code(d.roof, Roof::code),
        code(d.water, WaterSource::code),
        code(d.toilet, Toilet::code),
        code(d.electricity, Electricity::code),
        int(d.electricity_va),
        code(d.cooking_fuel, CookingFuel::code),
        Value::Integer(i64::from(h.assets.known_bits())),
        Value::Integer(i64::from(h.assets.owned_bits())),
        int(h.land_m2.map(|v| v as i64)),
        int(h.survey.map(|s| s.consumption_per_capita.0)),
        h.survey.map(|s| Value::Real(s.weight)).unwrap_or(Value::Null),
    ]
}

/// The person's values in [`PERSON_COLUMNS`] order.
pub fn person_values(p: &Person) -> [Value; PERSON_COLUMN_COUNT] {
    [
        Value::Integer(p.nik.as_u64() as i64),
        Value::Text(p.name.clone()),
        Value::Text(p.sex.code().to_string()),
        Value::Text(p.birth_date.format("%Y-%m-%d").to_string()),
        Value::Text(p.relation.code().to_string()),
        code(p.education, Education::code),
        code(p.work, Work::code),
        code(p.disability, Disability::code),
        int(p.chronic_illness.map(i64::from)),
        code(p.health_insurance, HealthInsurance::code),
        code(p.school, SchoolAttendance::code),
    ]
}

pub fn params(values: &[Value]) -> Vec<&dyn ToSql> {
    values.iter().map(|v| v as &dyn ToSql).collect()
}

fn corrupt(what: &str, v: impl std::fmt::Debug) -> StoreError {
    StoreError::Corrupt(format!("{what}: {v:?}"))
}

fn opt_code<T>(row: &Row, i: usize, parse: fn(&str) -> Option<T>, what: &str) -> Result<Option<T>, StoreError> {
    let s: Option<String> = row.get(i)?;
    match s {
        None => Ok(None),
        Some(s) => parse(&s).map(Some).ok_or_else(|| corrupt(what, s)),
    }
}

/// Read a household from columns `start..start + HOUSEHOLD_COLUMN_COUNT` of `row`.
pub fn household_from_row(row: &Row, start: usize) -> Result<Household, StoreError> {
    let c = |i: usize| start + i;
    let kk: i64 = row.get(c(0))?;
    let region: String = row.get(c(1))?;
    let consumption: Option<i64> = row.get(c(19))?;
    let weight: Option<f64> = row.get(c(20))?;
    let survey = match (consumption, weight) {
        (Some(c), Some(w)) => Some(Survey { consumption_per_capita: Rupiah(c), weight: w }),
        (None, None) => None,
        other => return Err(corrupt("survey", other)),
    };
    let small = |i: usize| -> Result<Option<u16>, StoreError> {
        let v: Option<i64> = row.get(c(i))?;
        v.map(|v| u16::try_from(v).map_err(|_| corrupt("small integer", v))).transpose()
    };
    let medium = |i: usize| -> Result<Option<u32>, StoreError> {
        let v: Option<i64> = row.get(c(i))?;
        v.map(|v| u32::try_from(v).map_err(|_| corrupt("integer", v))).transpose()
    };
    let known: i64 = row.get(c(16))?;
    let owned: i64 = row.get(c(17))?;
    let land: Option<i64> = row.get(c(18))?;
    Ok(Household {
        kk: Kk::from_u64(kk as u64).map_err(|e| corrupt("kk", e))?,
        region: RegionCode::parse(&region).map_err(|e| corrupt("region", e))?,
        address: row.get(c(2))?,
        rt: small(3)?,
        rw: small(4)?,
        declared_size: small(5)?,
        dwelling: Dwelling {
            tenure: opt_code(row, c(6), Tenure::parse, "tenure")?,
            floor_area_m2: medium(7)?,
            floor: opt_code(row, c(8), Floor::parse, "floor")?,
            wall: opt_code(row, c(9), Wall::parse, "wall")?,
            roof: opt_code(row, c(10), Roof::parse, "roof")?,
            water: opt_code(row, c(11), WaterSource::parse, "water_source")?,
            toilet: opt_code(row, c(12), Toilet::parse, "toilet")?,
            electricity: opt_code(row, c(13), Electricity::parse, "electricity")?,
            electricity_va: medium(14)?,
            cooking_fuel: opt_code(row, c(15), CookingFuel::parse, "cooking_fuel")?,
        },
        assets: Assets::from_bits(known as u16, owned as u16),
        land_m2: land.map(|v| v as u64),
        survey,
    })
}

/// Read a person from columns `start..start + PERSON_COLUMN_COUNT`, with its KK given.
pub fn person_from_row(row: &Row, start: usize, kk: Kk) -> Result<Person, StoreError> {
    let c = |i: usize| start + i;
    let nik: i64 = row.get(c(0))?;
    let sex: String = row.get(c(2))?;
    let birth: String = row.get(c(3))?;
    let relation: String = row.get(c(4))?;
    let chronic: Option<i64> = row.get(c(8))?;
    Ok(Person {
        nik: Nik::from_u64(nik as u64).map_err(|e| corrupt("nik", e))?,
        kk,
        name: row.get(c(1))?,
        sex: Sex::parse(&sex).ok_or_else(|| corrupt("sex", &sex))?,
        birth_date: NaiveDate::parse_from_str(&birth, "%Y-%m-%d").map_err(|_| corrupt("birth_date", &birth))?,
        relation: Relation::parse(&relation).ok_or_else(|| corrupt("relation", &relation))?,
        education: opt_code(row, c(5), Education::parse, "education")?,
        work: opt_code(row, c(6), Work::parse, "work")?,
        disability: opt_code(row, c(7), Disability::parse, "disability")?,
        chronic_illness: chronic.map(|v| v != 0),
        health_insurance: opt_code(row, c(9), HealthInsurance::parse, "health_insurance")?,
        school: opt_code(row, c(10), SchoolAttendance::parse, "school_attendance")?,
    })
}
