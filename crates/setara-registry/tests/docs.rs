//! The format documentation names every column, alias and code the reader accepts.

use setara_core::*;
use setara_registry::{HOUSEHOLD_FIELDS, PERSON_FIELDS};

fn doc() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/formats/registry-csv.md"
    );
    std::fs::read_to_string(path).expect("docs/formats/registry-csv.md exists")
}

#[test]
fn every_column_and_alias_is_documented() {
    let doc = doc();
    for f in HOUSEHOLD_FIELDS
        .iter()
        .map(|f| (f.name, f.aliases))
        .chain(PERSON_FIELDS.iter().map(|f| (f.name, f.aliases)))
    {
        assert!(
            doc.contains(&format!("`{}`", f.0)),
            "column {} is not documented",
            f.0
        );
        for a in f.1 {
            if !f.0.starts_with("asset_") {
                assert!(
                    doc.contains(&format!("`{a}`")),
                    "alias {a} of {} is not documented",
                    f.0
                );
            }
        }
    }
}

#[test]
fn every_code_is_documented() {
    let doc = doc();
    let mut codes: Vec<&str> = Vec::new();
    codes.extend(Sex::ALL.iter().map(|v| v.code()));
    codes.extend(Relation::ALL.iter().map(|v| v.code()));
    codes.extend(Education::ALL.iter().map(|v| v.code()));
    codes.extend(Work::ALL.iter().map(|v| v.code()));
    codes.extend(Disability::ALL.iter().map(|v| v.code()));
    codes.extend(HealthInsurance::ALL.iter().map(|v| v.code()));
    codes.extend(SchoolAttendance::ALL.iter().map(|v| v.code()));
    codes.extend(Tenure::ALL.iter().map(|v| v.code()));
    codes.extend(Floor::ALL.iter().map(|v| v.code()));
    codes.extend(Wall::ALL.iter().map(|v| v.code()));
    codes.extend(Roof::ALL.iter().map(|v| v.code()));
    codes.extend(WaterSource::ALL.iter().map(|v| v.code()));
    codes.extend(Toilet::ALL.iter().map(|v| v.code()));
    codes.extend(Electricity::ALL.iter().map(|v| v.code()));
    codes.extend(CookingFuel::ALL.iter().map(|v| v.code()));
    codes.extend(Asset::ALL.iter().map(|v| v.code()));
    for c in codes {
        assert!(
            doc.contains(&format!("| `{c}` |")),
            "code {c} is not documented"
        );
    }
    for a in Asset::ALL {
        assert!(
            doc.contains(&format!("`asset_{}`", a.code())),
            "asset column {} is not documented",
            a.code()
        );
    }
}
