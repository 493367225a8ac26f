//! Mapping between the registry model and SQLite rows.

use chrono::NaiveDate;
use std::sync::LazyLock;

use rusqlite::{Row, Statement};
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

fn numbered_sets(columns: &str) -> String {
    columns
        .split(',')
        .map(str::trim)
        .enumerate()
        .map(|(i, c)| format!("{c} = ?{}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `SELECT id, HOUSEHOLD_COLUMNS … WHERE kk = ?1`.
pub static SELECT_HOUSEHOLD_BY_KK: LazyLock<String> =
    LazyLock::new(|| format!("SELECT id, {HOUSEHOLD_COLUMNS} FROM households WHERE kk = ?1"));

/// `SELECT id, PERSON_COLUMNS … WHERE household_id = ?1 AND nik = ?2`.
pub static SELECT_MEMBER: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT id, {PERSON_COLUMNS} FROM persons WHERE household_id = ?1 AND nik = ?2")
});

/// `INSERT INTO households (HOUSEHOLD_COLUMNS, source_file, source_row)`: columns bound by
/// [`bind_household`] at 1, then the file at 22 and the row at 23.
pub static INSERT_HOUSEHOLD: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO households ({HOUSEHOLD_COLUMNS}, source_file, source_row) VALUES ({})",
        placeholders(HOUSEHOLD_COLUMN_COUNT + 2)
    )
});

/// `UPDATE households SET …` bound by [`bind_household`] at 1, the row id at 22.
pub static UPDATE_HOUSEHOLD: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE households SET {}, version = version + 1 WHERE id = ?{}",
        numbered_sets(HOUSEHOLD_COLUMNS),
        HOUSEHOLD_COLUMN_COUNT + 1
    )
});

/// `INSERT INTO persons`: household id at 1, [`bind_person`] at 2, file at 13, row at 14.
pub static INSERT_PERSON: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO persons (household_id, {PERSON_COLUMNS}, source_file, source_row) VALUES ({})",
        placeholders(PERSON_COLUMN_COUNT + 3)
    )
});

/// `UPDATE persons SET …`: [`bind_person`] at 1, the household id at 12, the row id at 13.
pub static UPDATE_PERSON: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE persons SET {}, household_id = ?{}, version = version + 1 WHERE id = ?{}",
        numbered_sets(PERSON_COLUMNS),
        PERSON_COLUMN_COUNT + 1,
        PERSON_COLUMN_COUNT + 2
    )
});

/// Bind a household's [`HOUSEHOLD_COLUMNS`] from parameter `at` on, without allocating.
pub fn bind_household(stmt: &mut Statement, at: usize, h: &Household) -> rusqlite::Result<()> {
    let d = &h.dwelling;
    let mut region = [0u8; 13];
    stmt.raw_bind_parameter(at, h.kk.as_u64() as i64)?;
    stmt.raw_bind_parameter(at + 1, region_text(h.region, &mut region))?;
    stmt.raw_bind_parameter(at + 2, h.address.as_deref())?;
    stmt.raw_bind_parameter(at + 3, h.rt)?;
    stmt.raw_bind_parameter(at + 4, h.rw)?;
    stmt.raw_bind_parameter(at + 5, h.declared_size)?;
    stmt.raw_bind_parameter(at + 6, d.tenure.map(Tenure::code))?;
    stmt.raw_bind_parameter(at + 7, d.floor_area_m2)?;
    stmt.raw_bind_parameter(at + 8, d.floor.map(Floor::code))?;
    stmt.raw_bind_parameter(at + 9, d.wall.map(Wall::code))?;
    stmt.raw_bind_parameter(at + 10, d.roof.map(Roof::code))?;
    stmt.raw_bind_parameter(at + 11, d.water.map(WaterSource::code))?;
    stmt.raw_bind_parameter(at + 12, d.toilet.map(Toilet::code))?;
    stmt.raw_bind_parameter(at + 13, d.electricity.map(Electricity::code))?;
    stmt.raw_bind_parameter(at + 14, d.electricity_va)?;
    stmt.raw_bind_parameter(at + 15, d.cooking_fuel.map(CookingFuel::code))?;
    stmt.raw_bind_parameter(at + 16, h.assets.known_bits())?;
    stmt.raw_bind_parameter(at + 17, h.assets.owned_bits())?;
    stmt.raw_bind_parameter(at + 18, h.land_m2.map(|v| v as i64))?;
    stmt.raw_bind_parameter(at + 19, h.survey.map(|s| s.consumption_per_capita.0))?;
    stmt.raw_bind_parameter(at + 20, h.survey.map(|s| s.weight))?;
    Ok(())
}

/// Bind a person's [`PERSON_COLUMNS`] from parameter `at` on, without allocating.
pub fn bind_person(stmt: &mut Statement, at: usize, p: &Person) -> rusqlite::Result<()> {
    let mut date = [0u8; 10];
    stmt.raw_bind_parameter(at, p.nik.as_u64() as i64)?;
    stmt.raw_bind_parameter(at + 1, p.name.as_str())?;
    stmt.raw_bind_parameter(at + 2, p.sex.code())?;
    stmt.raw_bind_parameter(at + 3, date_text(p.birth_date, &mut date))?;
    stmt.raw_bind_parameter(at + 4, p.relation.code())?;
    stmt.raw_bind_parameter(at + 5, p.education.map(Education::code))?;
    stmt.raw_bind_parameter(at + 6, p.work.map(Work::code))?;
    stmt.raw_bind_parameter(at + 7, p.disability.map(Disability::code))?;
    stmt.raw_bind_parameter(at + 8, p.chronic_illness)?;
    stmt.raw_bind_parameter(at + 9, p.health_insurance.map(HealthInsurance::code))?;
    stmt.raw_bind_parameter(at + 10, p.school.map(SchoolAttendance::code))?;
    Ok(())
}

/// `YYYY-MM-DD` into a stack buffer.
fn date_text(d: NaiveDate, buf: &mut [u8; 10]) -> &str {
    use chrono::Datelike;
    let (y, m, day) = (d.year().clamp(0, 9999) as u32, d.month(), d.day());
    let digits = [
        y / 1000,
        y / 100 % 10,
        y / 10 % 10,
        y % 10,
        10,
        m / 10,
        m % 10,
        10,
        day / 10,
        day % 10,
    ];
    for (b, v) in buf.iter_mut().zip(digits) {
        *b = if v == 10 { b'-' } else { b'0' + v as u8 };
    }
    std::str::from_utf8(buf).expect("ascii")
}

/// The dotted region code into a stack buffer.
fn region_text(r: RegionCode, buf: &mut [u8; 13]) -> &str {
    use std::io::Write;
    let mut cur = std::io::Cursor::new(&mut buf[..]);
    write!(cur, "{r}").expect("fits");
    let n = cur.position() as usize;
    std::str::from_utf8(&buf[..n]).expect("ascii")
}

fn corrupt(what: &str, v: impl std::fmt::Debug) -> StoreError {
    StoreError::Corrupt(format!("{what}: {v:?}"))
}

fn opt_code<T>(
    row: &Row,
    i: usize,
    parse: fn(&str) -> Option<T>,
    what: &str,
) -> Result<Option<T>, StoreError> {
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
        (Some(c), Some(w)) => Some(Survey {
            consumption_per_capita: Rupiah(c),
            weight: w,
        }),
        (None, None) => None,
        other => return Err(corrupt("survey", other)),
    };
    let small = |i: usize| -> Result<Option<u16>, StoreError> {
        let v: Option<i64> = row.get(c(i))?;
        v.map(|v| u16::try_from(v).map_err(|_| corrupt("small integer", v)))
            .transpose()
    };
    let medium = |i: usize| -> Result<Option<u32>, StoreError> {
        let v: Option<i64> = row.get(c(i))?;
        v.map(|v| u32::try_from(v).map_err(|_| corrupt("integer", v)))
            .transpose()
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
        birth_date: NaiveDate::parse_from_str(&birth, "%Y-%m-%d")
            .map_err(|_| corrupt("birth_date", &birth))?,
        relation: Relation::parse(&relation).ok_or_else(|| corrupt("relation", &relation))?,
        education: opt_code(row, c(5), Education::parse, "education")?,
        work: opt_code(row, c(6), Work::parse, "work")?,
        disability: opt_code(row, c(7), Disability::parse, "disability")?,
        chronic_illness: chronic.map(|v| v != 0),
        health_insurance: opt_code(row, c(9), HealthInsurance::parse, "health_insurance")?,
        school: opt_code(row, c(10), SchoolAttendance::parse, "school_attendance")?,
    })
}
