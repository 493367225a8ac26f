//! A small hand-built registry of 12 households in two provinces, its snapshot, a ranking and
//! two programmes.
#![allow(dead_code)]

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use setara_core::*;
use setara_rules::{Bitmap, Inputs, Ranking};
use setara_snapshot::{Snapshot, SnapshotBuilder};

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Ages are computed on this date.
pub const REFERENCE: (i32, u32, u32) = (2025, 6, 30);

pub fn reference_date() -> NaiveDate {
    date(REFERENCE.0, REFERENCE.1, REFERENCE.2)
}

/// One member: sex, birth date, relation; other fields set by `f`.
struct M(Sex, NaiveDate, Relation);

/// What each test household is, for the ranking and programmes.
pub struct Spec {
    pub kk: &'static str,
    /// 0 = not ranked.
    pub desil: u8,
    pub programmes: &'static [&'static str],
}

pub const SPECS: [Spec; 12] = [
    Spec {
        kk: "3204050101200001",
        desil: 1,
        programmes: &["PKH"],
    },
    Spec {
        kk: "3204050101200002",
        desil: 3,
        programmes: &[],
    },
    Spec {
        kk: "3204100101200003",
        desil: 4,
        programmes: &[],
    },
    Spec {
        kk: "3273010101200004",
        desil: 2,
        programmes: &["BPNT"],
    },
    Spec {
        kk: "3273010101200005",
        desil: 9,
        programmes: &[],
    },
    Spec {
        kk: "3204050101200006",
        desil: 5,
        programmes: &["BPNT"],
    },
    Spec {
        kk: "3374010101200007",
        desil: 1,
        programmes: &["PKH", "BPNT"],
    },
    Spec {
        kk: "3374010101200008",
        desil: 6,
        programmes: &[],
    },
    Spec {
        kk: "3301010101200009",
        desil: 2,
        programmes: &[],
    },
    Spec {
        kk: "3301010101200010",
        desil: 10,
        programmes: &[],
    },
    Spec {
        kk: "3301020101200011",
        desil: 4,
        programmes: &[],
    },
    Spec {
        kk: "3204050101200012",
        desil: 0,
        programmes: &[],
    },
];

/// A change to one member after the defaults are set.
type Tweak = fn(&mut Person);

fn household(i: usize) -> (Household, Vec<Person>) {
    use Relation::*;
    use Sex::*;
    let kk = Kk::parse(SPECS[i].kk).unwrap();
    let region = |s: &str| RegionCode::parse(s).unwrap();
    let mut h = Household {
        kk,
        region: region("32.04.05.2001"),
        address: None,
        rt: Some(1),
        rw: Some(1),
        declared_size: None,
        dwelling: Dwelling::default(),
        assets: Assets::default(),
        land_m2: None,
        survey: None,
    };
    let d = &mut h.dwelling;
    let mut extra: Vec<(usize, Tweak)> = Vec::new();
    let members: Vec<M> = match i {
        // Poor, young child and grandmother, earth floor, PKH.
        0 => {
            d.floor = Some(Floor::Earth);
            d.wall = Some(Wall::WovenBamboo);
            d.floor_area_m2 = Some(30);
            d.electricity = Some(Electricity::PlnMetered);
            d.electricity_va = Some(450);
            d.cooking_fuel = Some(CookingFuel::Firewood);
            d.tenure = Some(Tenure::Owned);
            h.assets.set(Asset::Motorcycle, Some(false));
            h.assets.set(Asset::Smartphone, Some(true));
            h.declared_size = Some(5);
            extra.push((4, |p| p.disability = Some(Disability::Physical)));
            vec![
                M(Male, date(1985, 3, 1), Head),
                M(Female, date(1988, 7, 12), Spouse),
                M(Male, date(2022, 1, 15), Child),
                M(Female, date(2012, 9, 9), Child),
                M(Female, date(1954, 2, 2), Parent),
            ]
        }
        // A child turning 6 on the reference date, another aged 4.
        1 => {
            h.region = region("32.04.05.2002");
            d.floor = Some(Floor::Ceramic);
            d.floor_area_m2 = Some(54);
            d.cooking_fuel = Some(CookingFuel::Lpg3kg);
            d.electricity_va = Some(900);
            h.assets.set(Asset::Motorcycle, Some(true));
            h.declared_size = Some(4);
            extra.push((2, |p| p.school = Some(SchoolAttendance::Attending)));
            vec![
                M(Male, date(1990, 5, 5), Head),
                M(Female, date(1992, 11, 30), Spouse),
                M(Female, date(2019, 6, 30), Child),
                M(Male, date(2020, 7, 1), Child),
            ]
        }
        // Elderly couple, rented, area not recorded.
        2 => {
            h.region = region("32.04.10.2003");
            d.tenure = Some(Tenure::Rented);
            d.floor = Some(Floor::CementBrick);
            h.declared_size = Some(2);
            extra.push((0, |p| p.chronic_illness = Some(true)));
            vec![
                M(Male, date(1950, 1, 1), Head),
                M(Female, date(1955, 12, 31), Spouse),
            ]
        }
        // Kota Bandung, infant, head with a disability.
        3 => {
            h.region = region("32.73.01.1001");
            d.floor = Some(Floor::TilesTerrazzo);
            d.floor_area_m2 = Some(21);
            d.water = Some(WaterSource::Piped);
            d.toilet = Some(Toilet::Shared);
            h.declared_size = Some(3);
            extra.push((0, |p| p.disability = Some(Disability::Physical)));
            vec![
                M(Male, date(1979, 4, 4), Head),
                M(Female, date(1983, 8, 8), Spouse),
                M(Female, date(2024, 12, 1), Child),
            ]
        }
        // Well off, car, surveyed.
        4 => {
            h.region = region("32.73.01.1002");
            d.floor = Some(Floor::Ceramic);
            d.floor_area_m2 = Some(180);
            d.electricity_va = Some(2200);
            d.roof = Some(Roof::CeramicTile);
            h.assets.set(Asset::Car, Some(true));
            h.assets.set(Asset::Motorcycle, Some(true));
            h.land_m2 = Some(500);
            h.survey = Some(Survey {
                consumption_per_capita: Rupiah(3_500_000),
                weight: 120.0,
            });
            h.declared_size = Some(4);
            vec![
                M(Male, date(1970, 1, 20), Head),
                M(Female, date(1972, 2, 14), Spouse),
                M(Male, date(2000, 3, 3), Child),
                M(Female, date(2005, 10, 10), Child),
            ]
        }
        // Single adult with a chronic illness.
        5 => {
            d.floor = Some(Floor::Wood);
            d.floor_area_m2 = Some(18);
            h.declared_size = Some(1);
            extra.push((0, |p| p.chronic_illness = Some(true)));
            vec![M(Female, date(1980, 6, 30), Head)]
        }
        // Semarang, three young children, earth floor, firewood, PKH and BPNT.
        6 => {
            h.region = region("33.74.01.1001");
            d.floor = Some(Floor::Earth);
            d.cooking_fuel = Some(CookingFuel::Firewood);
            d.floor_area_m2 = Some(24);
            d.toilet = Some(Toilet::None);
            h.assets.set(Asset::Motorcycle, Some(false));
            h.declared_size = Some(7);
            vec![
                M(Male, date(1987, 1, 1), Head),
                M(Female, date(1990, 2, 2), Spouse),
                M(Male, date(2020, 3, 3), Child),
                M(Female, date(2021, 4, 4), Child),
                M(Male, date(2023, 5, 5), Child),
                M(Female, date(2010, 6, 6), Child),
            ]
        }
        // Semarang, a child in school.
        7 => {
            h.region = region("33.74.01.1002");
            d.floor = Some(Floor::Ceramic);
            d.floor_area_m2 = Some(72);
            d.electricity_va = Some(1300);
            h.assets.set(Asset::Refrigerator, Some(true));
            h.declared_size = Some(4);
            extra.push((2, |p| p.school = Some(SchoolAttendance::Attending)));
            extra.push((3, |p| p.school = Some(SchoolAttendance::NotAttending)));
            vec![
                M(Male, date(1975, 7, 7), Head),
                M(Female, date(1978, 8, 8), Spouse),
                M(Male, date(2011, 9, 9), Child),
                M(Female, date(2007, 10, 10), Child),
            ]
        }
        // Cilacap, nothing recorded but the survey.
        8 => {
            h.region = region("33.01.01.2001");
            h.rt = None;
            h.rw = None;
            h.survey = Some(Survey {
                consumption_per_capita: Rupiah(450_000),
                weight: 300.0,
            });
            vec![
                M(Female, date(1960, 1, 1), Head),
                M(Male, date(1995, 2, 2), Child),
                M(Female, date(2018, 3, 3), Grandchild),
            ]
        }
        // Cilacap, large land.
        9 => {
            h.region = region("33.01.01.2002");
            d.floor = Some(Floor::MarbleGranite);
            d.floor_area_m2 = Some(250);
            h.land_m2 = Some(10_000);
            h.assets.set(Asset::Car, Some(true));
            h.declared_size = Some(2);
            vec![
                M(Male, date(1965, 5, 5), Head),
                M(Female, date(1968, 6, 6), Spouse),
            ]
        }
        // Cilacap, a household card without member rows (declared 3).
        10 => {
            h.region = region("33.01.02.2001");
            d.floor = Some(Floor::Bamboo);
            h.declared_size = Some(3);
            vec![]
        }
        // Not ranked.
        _ => {
            h.region = region("32.04.05.2003");
            d.floor = Some(Floor::Ceramic);
            d.floor_area_m2 = Some(40);
            h.declared_size = Some(2);
            vec![
                M(Male, date(1999, 1, 1), Head),
                M(Female, date(2001, 1, 1), Spouse),
            ]
        }
    };
    let district = h.region.ancestor(Level::District);
    let mut persons: Vec<Person> = members
        .into_iter()
        .enumerate()
        .map(|(j, M(sex, birth, relation))| Person {
            nik: Nik::from_parts(district, birth, sex, 1 + j as u32).unwrap(),
            kk,
            name: String::new(),
            sex,
            birth_date: birth,
            relation,
            education: Some(if birth.year_ce().1 > 2015 {
                Education::None
            } else {
                Education::Primary
            }),
            work: None,
            disability: Some(Disability::None),
            chronic_illness: Some(false),
            health_insurance: Some(if i == 4 {
                HealthInsurance::JknContributory
            } else {
                HealthInsurance::JknPbi
            }),
            school: None,
        })
        .collect();
    if i == 8 {
        for p in &mut persons {
            p.education = None;
            p.disability = None;
            p.chronic_illness = None;
            p.health_insurance = None;
        }
    }
    for (j, f) in extra {
        f(&mut persons[j]);
    }
    (h, persons)
}

/// The snapshot of the 12 households (in a temporary directory kept alive by the first value),
/// with its ranking and programmes.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub snapshot: Snapshot,
    pub desil: Vec<u8>,
    pub desil_province: Vec<u8>,
    pub desil_regency: Vec<u8>,
    pub score: Vec<f64>,
    pub rank: Vec<u32>,
    pub programmes: HashMap<String, Bitmap>,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let mut b = SnapshotBuilder::new();
        for i in 0..SPECS.len() {
            let (h, p) = household(i);
            b.add(&h, &p).unwrap();
        }
        b.write(dir.path()).unwrap();
        let snapshot = Snapshot::open_latest(dir.path()).unwrap();
        let n = snapshot.household_count();
        let spec = |row: usize| {
            let kk = snapshot.kk().value(row).to_string();
            SPECS.iter().find(|s| s.kk == kk).unwrap()
        };
        let desil: Vec<u8> = (0..n).map(|r| spec(r).desil).collect();
        // Province and regency desils: shifted by one, to tell them apart.
        let desil_province = desil
            .iter()
            .map(|&d| if d == 0 { 0 } else { d.min(9) + 1 })
            .collect();
        let desil_regency = desil.iter().map(|&d| d.saturating_sub(1)).collect();
        let score = desil
            .iter()
            .map(|&d| {
                if d == 0 {
                    f64::NAN
                } else {
                    13.0 + f64::from(d) * 0.1
                }
            })
            .collect();
        let rank = desil.iter().map(|&d| u32::from(d) * 10).collect();
        let mut programmes = HashMap::new();
        for p in ["PKH", "BPNT"] {
            programmes.insert(
                p.to_string(),
                Bitmap::from_fn(n, |r| spec(r).programmes.contains(&p)),
            );
        }
        Fixture {
            dir,
            snapshot,
            desil,
            desil_province,
            desil_regency,
            score,
            rank,
            programmes,
        }
    }

    pub fn ranking(&self) -> Ranking<'_> {
        Ranking {
            desil: &self.desil,
            desil_province: &self.desil_province,
            desil_regency: &self.desil_regency,
            score: &self.score,
            rank: &self.rank,
        }
    }

    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            snapshot: &self.snapshot,
            reference_date: reference_date(),
            ranking: Some(self.ranking()),
            programmes: &self.programmes,
        }
    }
}
