//! Regions as people look them up: by code (dotted or not) or by name, with their path, level,
//! population and area, the BPS code of a province, and the BPS ↔ Kemendagri crosswalk. The
//! table is public (Kepmendagri 2025): any caller may read it.

use serde::Serialize;
use setara_core::{Bps, Level, Population, Region, RegionCode, RegionLookupError, Regions};

use crate::error::{Error, ErrorKind, Result};

/// One region found.
#[derive(Clone, Debug, Serialize)]
pub struct RegionInfo {
    pub code: RegionCode,
    pub name: String,
    pub level: Level,
    pub parent: Option<RegionCode>,
    /// The names from the province down to this region.
    pub path: Vec<String>,
    pub population: Option<Population>,
    pub area_km2: Option<f64>,
    /// A province's code in BPS's numbering.
    pub bps_code: Option<u8>,
    /// The direct children (only when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<RegionName>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegionName {
    pub code: RegionCode,
    pub name: String,
}

/// A province's code in the two numberings.
#[derive(Clone, Debug, Serialize)]
pub struct CrosswalkRow {
    /// Two digits, as BPS writes it (`None`: BPS has no code for it).
    pub bps_code: Option<String>,
    pub kemendagri_code: RegionCode,
    pub name: String,
}

fn info(regions: &Regions, r: &Region, children: bool) -> RegionInfo {
    RegionInfo {
        code: r.code,
        name: r.name.clone(),
        level: r.level(),
        parent: r.code.parent(),
        path: regions
            .path(r.code)
            .iter()
            .map(|p| p.name.clone())
            .collect(),
        population: r.population,
        area_km2: r.area_km2,
        bps_code: (r.level() == Level::Province)
            .then(|| Bps::shipped().bps_for_kemendagri(r.code))
            .flatten(),
        children: children.then(|| {
            regions
                .children(r.code)
                .map(|c| RegionName {
                    code: c.code,
                    name: c.name.clone(),
                })
                .collect()
        }),
    }
}

/// The regions a query names: a code (`region_not_found` when it is not in the table) or a
/// name, case and accents ignored (`region_not_found` when none has it).
pub fn lookup(query: &str, children: bool) -> Result<Vec<RegionInfo>> {
    let regions = Regions::kemendagri_2025();
    let found: Vec<&Region> = match RegionCode::parse(query) {
        Ok(code) => match regions.get(code) {
            Some(r) => vec![r],
            None => {
                return Err(Error::from_localized(
                    ErrorKind::NotFound,
                    &RegionLookupError::NotFound(code),
                ));
            }
        },
        Err(_) => regions.find_by_name(query),
    };
    if found.is_empty() {
        return Err(Error::new(
            ErrorKind::NotFound,
            "region_not_found",
            format!("tidak ada wilayah bernama {query:?}"),
            format!("no region named {query:?}"),
        ));
    }
    Ok(found.iter().map(|r| info(regions, r, children)).collect())
}

/// Every province with its BPS and Kemendagri codes.
pub fn crosswalk() -> Vec<CrosswalkRow> {
    let bps = Bps::shipped();
    Regions::kemendagri_2025()
        .at_level(Level::Province)
        .map(|p| CrosswalkRow {
            bps_code: bps.bps_for_kemendagri(p.code).map(|b| format!("{b:02}")),
            kemendagri_code: p.code,
            name: p.name.clone(),
        })
        .collect()
}
