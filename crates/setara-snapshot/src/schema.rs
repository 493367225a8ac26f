//! The snapshot schema: file names, column names and Arrow types.
//!
//! # `households.arrow` (one row per household, keluarga)
//!
//! Rows are sorted by (`region`, `kk`), so the file does not depend on the order in which the
//! registry was read.
//!
//! | column                   | Arrow type | null | meaning |
//! |--------------------------|------------|------|---------|
//! | `kk`                     | UInt64     | no   | KK number (16 digits) |
//! | `region`                 | UInt64     | no   | [`RegionCode::key`](setara_core::RegionCode::key) of the household's region; ancestors derive from it |
//! | `province`               | UInt8      | no   | 2-digit province number (`32`) |
//! | `regency`                | UInt16     | yes  | 4-digit regency number (`3204`); null if the region is a province |
//! | `district`               | UInt32     | yes  | 6-digit district number (`320405`); null above district level |
//! | `village`                | UInt64     | yes  | 10-digit village number (`3204052001`); null unless the region is a village |
//! | `rt`, `rw`               | UInt16     | yes  | neighbourhood (RT) and hamlet (RW) numbers |
//! | `declared_size`          | UInt16     | yes  | number of members declared on the form |
//! | `members`                | UInt16     | no   | number of member rows in `persons.arrow` |
//! | `tenure` … `cooking_fuel`| UInt8      | yes  | dwelling code lists, as their 1-based `.index()` (`from_index` decodes): `tenure`, `floor`, `wall`, `roof`, `water`, `toilet`, `electricity`, `cooking_fuel` |
//! | `floor_area_m2`          | UInt32     | yes  | floor area, m² |
//! | `electricity_va`         | UInt32     | yes  | installed PLN power, VA |
//! | `assets_known`           | UInt16     | no   | [`Assets::known_bits`](setara_core::Assets::known_bits): bit `i-1` set when asset `i` was recorded |
//! | `assets_owned`           | UInt16     | no   | [`Assets::owned_bits`](setara_core::Assets::owned_bits): bit set when the asset is owned |
//! | `land_m2`                | UInt64     | yes  | land owned, m² |
//! | `consumption_per_capita` | Int64      | yes  | monthly consumption per capita, integer rupiah (surveyed households only) |
//! | `survey_weight`          | Float64    | yes  | survey weight (null exactly when `consumption_per_capita` is null) |
//! | `first_person`           | UInt32     | no   | row in `persons.arrow` of the first member; members are rows `first_person .. first_person + members` |
//!
//! # `persons.arrow` (one row per household member, anggota keluarga)
//!
//! Rows are ordered by their household's row, then by NIK.
//!
//! | column             | Arrow type | null | meaning |
//! |--------------------|------------|------|---------|
//! | `nik`              | UInt64     | no   | NIK (16 digits) |
//! | `household`        | UInt32     | no   | row of the household in `households.arrow` |
//! | `sex`              | UInt8      | no   | `Sex::index()` |
//! | `birth_date`       | Date32     | no   | days since 1970-01-01 |
//! | `relation`         | UInt8      | no   | `Relation::index()` |
//! | `education`        | UInt8      | yes  | `Education::index()` |
//! | `work`             | UInt8      | yes  | `Work::index()` |
//! | `disability`       | UInt8      | yes  | `Disability::index()` |
//! | `health_insurance` | UInt8      | yes  | `HealthInsurance::index()` |
//! | `school`           | UInt8      | yes  | `SchoolAttendance::index()` |
//! | `chronic_illness`  | Boolean    | yes  | has a chronic illness |
//!
//! **Privacy by design:** a snapshot holds no names and no addresses. Analytics (statistics,
//! targeting) need neither, and keeping them out means a snapshot copied for analysis carries
//! less personal data (UU PDP 27/2022). NIK and KK stay, as the keys that join results back to the
//! registry. Both files carry the schema version in the Arrow schema metadata under
//! [`SCHEMA_VERSION_KEY`].

use std::collections::HashMap;
use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef};

/// Version of the column layout below. Bump it on any change of names, types or meaning.
pub const SCHEMA_VERSION: u32 = 1;
/// Arrow schema metadata key holding [`SCHEMA_VERSION`].
pub const SCHEMA_VERSION_KEY: &str = "setara.snapshot.schema_version";

/// Version of the snapshot directory layout (files and manifest).
pub const FORMAT_VERSION: u32 = 1;
/// Value of the manifest's `format` field.
pub const FORMAT_NAME: &str = "setara-snapshot";

pub const HOUSEHOLDS_FILE: &str = "households.arrow";
pub const PERSONS_FILE: &str = "persons.arrow";
pub const MANIFEST_FILE: &str = "manifest.json";
/// File in the snapshots directory holding the hash of the latest snapshot.
pub const LATEST_FILE: &str = "LATEST";

/// Column names of `households.arrow`.
pub mod household {
    pub const KK: &str = "kk";
    pub const REGION: &str = "region";
    pub const PROVINCE: &str = "province";
    pub const REGENCY: &str = "regency";
    pub const DISTRICT: &str = "district";
    pub const VILLAGE: &str = "village";
    pub const RT: &str = "rt";
    pub const RW: &str = "rw";
    pub const DECLARED_SIZE: &str = "declared_size";
    pub const MEMBERS: &str = "members";
    pub const TENURE: &str = "tenure";
    pub const FLOOR: &str = "floor";
    pub const WALL: &str = "wall";
    pub const ROOF: &str = "roof";
    pub const WATER: &str = "water";
    pub const TOILET: &str = "toilet";
    pub const ELECTRICITY: &str = "electricity";
    pub const COOKING_FUEL: &str = "cooking_fuel";
    pub const FLOOR_AREA_M2: &str = "floor_area_m2";
    pub const ELECTRICITY_VA: &str = "electricity_va";
    pub const ASSETS_KNOWN: &str = "assets_known";
    pub const ASSETS_OWNED: &str = "assets_owned";
    pub const LAND_M2: &str = "land_m2";
    pub const CONSUMPTION_PER_CAPITA: &str = "consumption_per_capita";
    pub const SURVEY_WEIGHT: &str = "survey_weight";
    pub const FIRST_PERSON: &str = "first_person";
}

/// Column names of `persons.arrow`.
pub mod person {
    pub const NIK: &str = "nik";
    pub const HOUSEHOLD: &str = "household";
    pub const SEX: &str = "sex";
    pub const BIRTH_DATE: &str = "birth_date";
    pub const RELATION: &str = "relation";
    pub const EDUCATION: &str = "education";
    pub const WORK: &str = "work";
    pub const DISABILITY: &str = "disability";
    pub const HEALTH_INSURANCE: &str = "health_insurance";
    pub const SCHOOL: &str = "school";
    pub const CHRONIC_ILLNESS: &str = "chronic_illness";
}

/// Columns of `households.arrow` in file order: name, type, nullable.
pub(crate) const HOUSEHOLD_COLUMNS: [(&str, DataType, bool); 26] = {
    use DataType::*;
    use household::*;
    [
        (KK, UInt64, false),
        (REGION, UInt64, false),
        (PROVINCE, UInt8, false),
        (REGENCY, UInt16, true),
        (DISTRICT, UInt32, true),
        (VILLAGE, UInt64, true),
        (RT, UInt16, true),
        (RW, UInt16, true),
        (DECLARED_SIZE, UInt16, true),
        (MEMBERS, UInt16, false),
        (TENURE, UInt8, true),
        (FLOOR, UInt8, true),
        (WALL, UInt8, true),
        (ROOF, UInt8, true),
        (WATER, UInt8, true),
        (TOILET, UInt8, true),
        (ELECTRICITY, UInt8, true),
        (COOKING_FUEL, UInt8, true),
        (FLOOR_AREA_M2, UInt32, true),
        (ELECTRICITY_VA, UInt32, true),
        (ASSETS_KNOWN, UInt16, false),
        (ASSETS_OWNED, UInt16, false),
        (LAND_M2, UInt64, true),
        (CONSUMPTION_PER_CAPITA, Int64, true),
        (SURVEY_WEIGHT, Float64, true),
        (FIRST_PERSON, UInt32, false),
    ]
};

/// Columns of `persons.arrow` in file order: name, type, nullable.
pub(crate) const PERSON_COLUMNS: [(&str, DataType, bool); 11] = {
    use DataType::*;
    use person::*;
    [
        (NIK, UInt64, false),
        (HOUSEHOLD, UInt32, false),
        (SEX, UInt8, false),
        (BIRTH_DATE, Date32, false),
        (RELATION, UInt8, false),
        (EDUCATION, UInt8, true),
        (WORK, UInt8, true),
        (DISABILITY, UInt8, true),
        (HEALTH_INSURANCE, UInt8, true),
        (SCHOOL, UInt8, true),
        (CHRONIC_ILLNESS, Boolean, true),
    ]
};

fn schema_of(columns: &[(&str, DataType, bool)]) -> SchemaRef {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, ty, nullable)| Field::new(*name, ty.clone(), *nullable))
        .collect();
    let metadata = HashMap::from([(SCHEMA_VERSION_KEY.to_string(), SCHEMA_VERSION.to_string())]);
    Arc::new(Schema::new_with_metadata(fields, metadata))
}

/// The Arrow schema of `households.arrow`.
pub fn households_schema() -> SchemaRef {
    schema_of(&HOUSEHOLD_COLUMNS)
}

/// The Arrow schema of `persons.arrow`.
pub fn persons_schema() -> SchemaRef {
    schema_of(&PERSON_COLUMNS)
}

/// Why `found` is not `expected`, naming the first difference; `None` when they agree.
pub(crate) fn schema_difference(found: &Schema, expected: &Schema) -> Option<String> {
    let version = found.metadata().get(SCHEMA_VERSION_KEY);
    let want = SCHEMA_VERSION.to_string();
    if version != Some(&want) {
        return Some(match version {
            None => format!("no {SCHEMA_VERSION_KEY} metadata (not written by setara-snapshot)"),
            Some(v) => format!("schema version {v}, this program reads version {want}"),
        });
    }
    let describe = |f: &Field| {
        format!(
            "`{}` {}{}",
            f.name(),
            f.data_type(),
            if f.is_nullable() { " (nullable)" } else { "" }
        )
    };
    for (i, want) in expected.fields().iter().enumerate() {
        match found.fields().get(i) {
            None => {
                return Some(format!(
                    "has {} columns, expected {}: column {} {} is missing",
                    found.fields().len(),
                    expected.fields().len(),
                    i + 1,
                    describe(want)
                ));
            }
            Some(got) => {
                if got.name() != want.name()
                    || got.data_type() != want.data_type()
                    || got.is_nullable() != want.is_nullable()
                {
                    return Some(format!(
                        "column {} is {}, expected {}",
                        i + 1,
                        describe(got),
                        describe(want)
                    ));
                }
            }
        }
    }
    if found.fields().len() > expected.fields().len() {
        let extra = &found.fields()[expected.fields().len()];
        return Some(format!(
            "has {} columns, expected {}: unexpected column {}",
            found.fields().len(),
            expected.fields().len(),
            describe(extra)
        ));
    }
    None
}
