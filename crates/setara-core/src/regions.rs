//! The Kemendagri 2025 region table (tabel wilayah), shipped inside the binary.
//!
//! Source: Kepmendagri No 300.2.2-2138 / 300.2.2-2430 Tahun 2025, as compiled in the public
//! repository cahyadsn/wilayah (MIT licence, (c) 2017-2025 Cahya DSN); see `data/wilayah/README.md`.
//! 38 provinces, 514 regencies/cities, 7,285 districts and 83,762 villages, with population
//! (2025) and area for provinces and regencies.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::lang::{Lang, Localized};
use crate::region::{Level, RegionCode, RegionCodeError};

const REGIONS_CSV: &str = include_str!("../../../data/wilayah/regions.csv");
const POPULATION_CSV: &str = include_str!("../../../data/wilayah/population.csv");
const AREA_CSV: &str = include_str!("../../../data/wilayah/area_km2.csv");

/// One region of the table.
#[derive(Clone, Debug)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
    /// Index of the parent in [`Regions::all`], `None` for provinces.
    pub parent: Option<u32>,
    /// Population 2025 (provinces and regencies only).
    pub population: Option<Population>,
    /// Area in km² (provinces and regencies only).
    pub area_km2: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Population {
    pub male: u64,
    pub female: u64,
    pub total: u64,
}

impl Region {
    pub fn level(&self) -> Level {
        self.code.level()
    }
}

/// The region table with O(1) lookup by code and by normalised name.
pub struct Regions {
    regions: Vec<Region>,
    by_code: HashMap<RegionCode, u32>,
    by_name: HashMap<String, Vec<u32>>,
    children: Vec<Vec<u32>>,
    national: Population,
}

impl Regions {
    /// The shipped Kemendagri 2025 table, parsed once per process.
    pub fn kemendagri_2025() -> &'static Regions {
        static TABLE: OnceLock<Regions> = OnceLock::new();
        TABLE.get_or_init(|| {
            Regions::from_csv(REGIONS_CSV, POPULATION_CSV, AREA_CSV)
                .expect("the shipped region table is well-formed")
        })
    }

    /// Build a table from CSV texts in the shipped format (`code,name,level`; `code,name,male,
    /// female,total`; `code,name,area_km2`).
    pub fn from_csv(regions: &str, population: &str, area: &str) -> Result<Regions, String> {
        let mut table: Vec<Region> = Vec::with_capacity(92_000);
        let mut by_code = HashMap::with_capacity(92_000);
        for (i, rec) in records(regions).enumerate().skip(1) {
            let [code, name, level] = &rec[..] else {
                return Err(format!("regions line {}: expected 3 fields", i + 1));
            };
            let code =
                RegionCode::parse(code).map_err(|e| format!("regions line {}: {e}", i + 1))?;
            let level: u8 = level
                .parse()
                .map_err(|_| format!("regions line {}: level", i + 1))?;
            if Level::from_number(level) != Some(code.level()) {
                return Err(format!("regions line {}: level disagrees with code", i + 1));
            }
            let idx = table.len() as u32;
            if by_code.insert(code, idx).is_some() {
                return Err(format!("regions line {}: duplicate code {code}", i + 1));
            }
            table.push(Region {
                code,
                name: name.trim().to_string(),
                parent: None,
                population: None,
                area_km2: None,
            });
        }
        let mut children = vec![Vec::new(); table.len()];
        for (i, region) in table.iter_mut().enumerate() {
            if let Some(p) = region.code.parent() {
                let pi = *by_code.get(&p).ok_or_else(|| {
                    format!("region {} has no parent {p} in the table", region.code)
                })?;
                region.parent = Some(pi);
                children[pi as usize].push(i as u32);
            }
        }
        let mut national = None;
        for (i, rec) in records(population).enumerate().skip(1) {
            let [code, _name, male, female, total] = &rec[..] else {
                return Err(format!("population line {}: expected 5 fields", i + 1));
            };
            let num = |s: &str| {
                s.parse::<u64>()
                    .map_err(|_| format!("population line {}: {s:?}", i + 1))
            };
            let p = Population {
                male: num(male)?,
                female: num(female)?,
                total: num(total)?,
            };
            if code == "0" {
                national = Some(p);
                continue;
            }
            let code =
                RegionCode::parse(code).map_err(|e| format!("population line {}: {e}", i + 1))?;
            let idx = by_code
                .get(&code)
                .ok_or_else(|| format!("population: unknown code {code}"))?;
            table[*idx as usize].population = Some(p);
        }
        for (i, rec) in records(area).enumerate().skip(1) {
            let [code, _name, km2] = &rec[..] else {
                return Err(format!("area line {}: expected 3 fields", i + 1));
            };
            let code = RegionCode::parse(code).map_err(|e| format!("area line {}: {e}", i + 1))?;
            let km2: f64 = km2
                .parse()
                .map_err(|_| format!("area line {}: {km2:?}", i + 1))?;
            let idx = by_code
                .get(&code)
                .ok_or_else(|| format!("area: unknown code {code}"))?;
            table[*idx as usize].area_km2 = Some(km2);
        }
        let mut by_name: HashMap<String, Vec<u32>> = HashMap::with_capacity(table.len() * 2);
        for (i, r) in table.iter().enumerate() {
            let key = normalize_name(&r.name);
            if let Some(short) = strip_kind_prefix(&key) {
                by_name.entry(short.to_string()).or_default().push(i as u32);
            }
            by_name.entry(key).or_default().push(i as u32);
        }
        let national = national.unwrap_or_else(|| {
            let mut p = Population {
                male: 0,
                female: 0,
                total: 0,
            };
            for r in table.iter().filter(|r| r.level() == Level::Province) {
                if let Some(q) = r.population {
                    p.male += q.male;
                    p.female += q.female;
                    p.total += q.total;
                }
            }
            p
        });
        Ok(Regions {
            regions: table,
            by_code,
            by_name,
            children,
            national,
        })
    }

    /// Every region in file order (which is tree order).
    pub fn all(&self) -> &[Region] {
        &self.regions
    }

    pub fn len(&self) -> usize {
        self.regions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }

    /// The region with this code, if it is a current code. O(1).
    pub fn get(&self, code: RegionCode) -> Option<&Region> {
        self.index_of(code).map(|i| &self.regions[i as usize])
    }

    pub fn index_of(&self, code: RegionCode) -> Option<u32> {
        self.by_code.get(&code).copied()
    }

    pub fn contains(&self, code: RegionCode) -> bool {
        self.by_code.contains_key(&code)
    }

    pub fn by_index(&self, i: u32) -> &Region {
        &self.regions[i as usize]
    }

    /// Direct children of a region.
    pub fn children(&self, code: RegionCode) -> impl Iterator<Item = &Region> {
        let kids: &[u32] = match self.index_of(code) {
            Some(i) => &self.children[i as usize],
            None => &[],
        };
        kids.iter().map(|&i| &self.regions[i as usize])
    }

    /// All regions of one level, in tree order.
    pub fn at_level(&self, level: Level) -> impl Iterator<Item = &Region> {
        self.regions.iter().filter(move |r| r.level() == level)
    }

    /// The chain from the province down to `code` (inclusive).
    pub fn path(&self, code: RegionCode) -> Vec<&Region> {
        let mut out = Vec::new();
        let mut cur = self.index_of(code);
        while let Some(i) = cur {
            let r = &self.regions[i as usize];
            out.push(r);
            cur = r.parent;
        }
        out.reverse();
        out
    }

    /// Regions whose name matches, ignoring case, accents, punctuation and spacing; a regency
    /// also matches without its `Kabupaten`/`Kota`/`Kab.` prefix. Results are in tree order.
    pub fn find_by_name(&self, name: &str) -> Vec<&Region> {
        let key = normalize_name(name);
        let mut out: Vec<&Region> = self
            .by_name
            .get(&key)
            .map(|v| v.iter().map(|&i| &self.regions[i as usize]).collect())
            .unwrap_or_default();
        out.sort_by_key(|r| r.code);
        out.dedup_by_key(|r| r.code);
        out
    }

    /// Parse a region code and require it to be a current code of this table.
    ///
    /// Every command that takes a region from a person (`--region`) needs both checks, and the
    /// user should hear the same words from each: a malformed code with the
    /// [`RegionCodeError`] codes, an unknown one as `region_not_found`.
    pub fn parse_existing(&self, s: &str) -> Result<RegionCode, RegionLookupError> {
        let code = RegionCode::parse(s)?;
        if self.contains(code) {
            Ok(code)
        } else {
            Err(RegionLookupError::NotFound(code))
        }
    }

    /// National population (2025).
    pub fn national_population(&self) -> Population {
        self.national
    }

    /// Human-readable name with its level, e.g. `Kabupaten Bandung (32.04)`.
    pub fn label(&self, code: RegionCode) -> String {
        match self.get(code) {
            Some(r) => format!("{} ({})", r.name, code),
            None => code.to_string(),
        }
    }
}

/// Why a text does not name a current region ([`Regions::parse_existing`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegionLookupError {
    /// Not a region code at all.
    #[error(transparent)]
    Code(#[from] RegionCodeError),
    /// A well-formed code that the table does not have. The message names the shipped table,
    /// the only one a `Regions` is built from outside tests.
    #[error("region code {0} is not in the Kepmendagri 2025 table")]
    NotFound(RegionCode),
}

impl Localized for RegionLookupError {
    fn code(&self) -> &'static str {
        match self {
            RegionLookupError::Code(e) => e.code(),
            RegionLookupError::NotFound(_) => "region_not_found",
        }
    }
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (RegionLookupError::Code(e), lang) => e.message(lang),
            (RegionLookupError::NotFound(code), Lang::Id) => {
                format!("kode wilayah {code} tidak ada dalam Kepmendagri 2025")
            }
            (e, Lang::En) => e.to_string(),
        }
    }
}

/// Lower-case, strip accents (`ʼ`, `é` ...) and punctuation, collapse spaces.
pub fn normalize_name(s: &str) -> String {
    let ascii = deunicode::deunicode(s);
    let mut out = String::with_capacity(ascii.len());
    let mut space = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '`' {
            // apostrophes inside names (Regapu'u) are dropped, not split
        } else {
            space = true;
        }
    }
    out
}

fn strip_kind_prefix(normalized: &str) -> Option<&str> {
    for p in [
        "kabupaten ",
        "kab ",
        "kota administrasi ",
        "kota adm ",
        "kota ",
    ] {
        if let Some(rest) = normalized.strip_prefix(p) {
            return Some(rest);
        }
    }
    None
}

/// Minimal CSV record reader for the shipped tables (comma, double quotes with `""` escapes,
/// no embedded newlines).
fn records(text: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    text.lines().filter(|l| !l.is_empty()).map(|line| {
        let mut fields = Vec::with_capacity(5);
        let mut cur = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', false) if cur.is_empty() => quoted = true,
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    cur.push('"');
                }
                ('"', true) => quoted = false,
                (',', false) => fields.push(std::mem::take(&mut cur)),
                (c, _) => cur.push(c),
            }
        }
        fields.push(cur);
        fields
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn parse_existing_wants_a_current_code() {
        let t = Regions::kemendagri_2025();
        assert_eq!(t.parse_existing("32.04").unwrap(), code("3204"));
        let unknown = t.parse_existing("99").unwrap_err();
        assert_eq!(unknown.code(), "region_not_found");
        assert_eq!(
            unknown.message(Lang::Id),
            "kode wilayah 99 tidak ada dalam Kepmendagri 2025"
        );
        assert_eq!(
            unknown.message(Lang::En),
            "region code 99 is not in the Kepmendagri 2025 table"
        );
        let malformed = t.parse_existing("3x").unwrap_err();
        let direct = RegionCode::parse("3x").unwrap_err();
        assert_eq!(malformed.code(), direct.code());
        assert_eq!(malformed.message(Lang::Id), direct.message(Lang::Id));
        assert_eq!(malformed.message(Lang::En), direct.message(Lang::En));
    }

    #[test]
    fn counts_match_the_decree() {
        let t = Regions::kemendagri_2025();
        assert_eq!(t.len(), 91_599);
        assert_eq!(t.at_level(Level::Province).count(), 38);
        assert_eq!(t.at_level(Level::Regency).count(), 514);
        assert_eq!(t.at_level(Level::District).count(), 7_285);
        assert_eq!(t.at_level(Level::Village).count(), 83_762);
        assert_eq!(t.national_population().total, 284_973_643);
    }

    #[test]
    fn quoted_names_are_read_whole() {
        let t = Regions::kemendagri_2025();
        assert_eq!(
            t.get(code("12.07.28.1007")).unwrap().name,
            "Lubuk Pakam I,II"
        );
        assert_eq!(
            t.get(code("14.02.09.2010")).unwrap().name,
            "Lambang Sari I, II, III"
        );
    }

    #[test]
    fn lookup_by_code_and_parent_chain() {
        let t = Regions::kemendagri_2025();
        let v = t.get(code("11.01.01.2001")).unwrap();
        assert_eq!(v.name, "Keude Bakongan");
        let path: Vec<_> = t.path(v.code).iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            path,
            [
                "Aceh",
                "Kabupaten Aceh Selatan",
                "Bakongan",
                "Keude Bakongan"
            ]
        );
        assert_eq!(
            t.get(code("11.01")).unwrap().population.unwrap().total,
            239_629
        );
        assert!(t.get(code("11.01")).unwrap().area_km2.unwrap() > 4000.0);
        assert!(t.get(code("99.99")).is_none());
    }

    #[test]
    fn lookup_by_name_ignores_case_accents_and_prefix() {
        let t = Regions::kemendagri_2025();
        let hits = t.find_by_name("KEUDE bakongan");
        assert!(hits.iter().any(|r| r.code == code("11.01.01.2001")));
        let aceh_selatan = t.find_by_name("aceh selatan");
        assert!(aceh_selatan.iter().any(|r| r.code == code("11.01")));
        let accented = t.find_by_name("Regapu’u");
        assert!(
            accented.iter().any(|r| r.code == code("53.07.01.2021")),
            "{accented:?}"
        );
        let same = t.find_by_name("regapuu");
        assert_eq!(accented.len(), same.len());
    }

    #[test]
    fn every_parent_exists_and_population_adds_up() {
        let t = Regions::kemendagri_2025();
        for r in t.all() {
            if r.level() != Level::Province {
                assert!(r.parent.is_some(), "{} has no parent", r.code);
            }
        }
        let sum: u64 = t
            .at_level(Level::Province)
            .map(|p| p.population.unwrap().total)
            .sum();
        assert_eq!(sum, t.national_population().total);
    }
}
