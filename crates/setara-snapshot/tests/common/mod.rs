//! Test data from setara-core types, and decoding a snapshot back into them.
#![allow(dead_code)]

use chrono::NaiveDate;
use setara_core::*;
use setara_snapshot::Snapshot;

pub fn kk(s: &str) -> Kk {
    Kk::parse(s).unwrap()
}

pub fn nik(s: &str) -> Nik {
    Nik::parse(s).unwrap()
}

pub fn region(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A household in Kabupaten Bandung with every field set, and its four members (given out of
/// NIK order).
pub fn full_household() -> (Household, Vec<Person>) {
    let k = kk("3204050101200001");
    let mut assets = Assets::default();
    assets.set(Asset::Motorcycle, Some(true));
    assets.set(Asset::Refrigerator, Some(false));
    assets.set(Asset::Smartphone, Some(true));
    let h = Household {
        kk: k,
        region: region("32.04.05.2001"),
        address: Some("Jl. Raya Banjaran No. 12".into()),
        rt: Some(3),
        rw: Some(7),
        declared_size: Some(4),
        dwelling: Dwelling {
            tenure: Some(Tenure::Owned),
            floor_area_m2: Some(36),
            floor: Some(Floor::Ceramic),
            wall: Some(Wall::Masonry),
            roof: Some(Roof::ClayTile),
            water: Some(WaterSource::Refill),
            toilet: Some(Toilet::Private),
            electricity: Some(Electricity::PlnMetered),
            electricity_va: Some(900),
            cooking_fuel: Some(CookingFuel::Lpg3kg),
        },
        assets,
        land_m2: Some(1_400),
        survey: Some(Survey {
            consumption_per_capita: Rupiah(712_345),
            weight: 231.75,
        }),
    };
    let person = |n: &str, name: &str, sex, birth, relation| Person {
        nik: nik(n),
        kk: k,
        name: name.into(),
        sex,
        birth_date: birth,
        relation,
        education: Some(Education::SeniorSecondary),
        work: Some(Work::Laborer),
        disability: Some(Disability::None),
        chronic_illness: Some(false),
        health_insurance: Some(HealthInsurance::JknPbi),
        school: Some(SchoolAttendance::NotAttending),
    };
    let mut child = person(
        "3204052303120002",
        "Rizky Ramadhan",
        Sex::Male,
        date(2012, 3, 23),
        Relation::Child,
    );
    child.education = Some(Education::Primary);
    child.work = Some(Work::Student);
    child.school = Some(SchoolAttendance::Attending);
    child.chronic_illness = Some(true);
    let mut grandmother = person(
        "3204054104550001",
        "Siti Aminah",
        Sex::Female,
        date(1955, 4, 1),
        Relation::Parent,
    );
    grandmother.disability = Some(Disability::Physical);
    grandmother.health_insurance = Some(HealthInsurance::JknContributory);
    grandmother.education = Some(Education::PrimaryIncomplete);
    grandmother.work = Some(Work::NotWorking);
    let members = vec![
        child,
        person(
            "3204055708850003",
            "Dewi Lestari",
            Sex::Female,
            date(1985, 8, 17),
            Relation::Spouse,
        ),
        grandmother,
        person(
            "3204051002830001",
            "Asep Sunandar",
            Sex::Male,
            date(1983, 2, 10),
            Relation::Head,
        ),
    ];
    (h, members)
}

/// A household in Kota Surabaya with every optional field `None`, and one member whose optional
/// fields are `None` too.
pub fn empty_household() -> (Household, Vec<Person>) {
    let k = kk("3578101502190007");
    let h = Household {
        kk: k,
        region: region("35.78.10.1004"),
        address: None,
        rt: None,
        rw: None,
        declared_size: None,
        dwelling: Dwelling::default(),
        assets: Assets::default(),
        land_m2: None,
        survey: None,
    };
    let members = vec![Person {
        nik: nik("3578106607910002"),
        kk: k,
        name: "Nur Aini".into(),
        sex: Sex::Female,
        birth_date: date(1991, 7, 26),
        relation: Relation::Head,
        education: None,
        work: None,
        disability: None,
        chronic_illness: None,
        health_insurance: None,
        school: None,
    }];
    (h, members)
}

/// A household in region `r` with `n` members, varied by `seed`.
pub fn household(seed: u64, r: &str, n: usize) -> (Household, Vec<Person>) {
    let code = region(r);
    let district = if code.level() >= Level::District {
        code.ancestor(Level::District)
    } else {
        region("32.04.05")
    };
    let k = Kk::from_u64(district.digits() * 10_000_000_000 + 101_200_000 + seed % 10_000).unwrap();
    let mut assets = Assets::default();
    assets.set(
        Asset::ALL[(seed % 14) as usize],
        Some(seed.is_multiple_of(2)),
    );
    let h = Household {
        kk: k,
        region: code,
        address: None,
        rt: Some((seed % 20) as u16 + 1),
        rw: (!seed.is_multiple_of(3)).then_some((seed % 9) as u16 + 1),
        declared_size: Some(n as u16),
        dwelling: Dwelling {
            tenure: Some(Tenure::ALL[(seed % 5) as usize]),
            floor_area_m2: Some(20 + (seed % 80) as u32),
            floor: Some(Floor::ALL[(seed % 9) as usize]),
            wall: (!seed.is_multiple_of(4)).then_some(Wall::ALL[(seed % 7) as usize]),
            roof: Some(Roof::ALL[(seed % 10) as usize]),
            water: Some(WaterSource::ALL[(seed % 11) as usize]),
            toilet: Some(Toilet::ALL[(seed % 4) as usize]),
            electricity: Some(Electricity::ALL[(seed % 4) as usize]),
            electricity_va: seed
                .is_multiple_of(2)
                .then_some(450 + 450 * (seed % 3) as u32),
            cooking_fuel: Some(CookingFuel::ALL[(seed % 10) as usize]),
        },
        assets,
        land_m2: seed.is_multiple_of(5).then_some(seed * 17 % 5_000),
        survey: (seed % 3 == 1).then_some(Survey {
            consumption_per_capita: Rupiah(400_000 + (seed * 7919 % 900_000) as i64),
            weight: 100.5,
        }),
    };
    let members = (0..n)
        .map(|i| {
            let birth = date(
                1950 + ((seed + i as u64 * 13) % 70) as i32,
                1 + (i as u32 % 12),
                1 + (seed % 28) as u32,
            );
            let sex = if (seed + i as u64).is_multiple_of(2) {
                Sex::Male
            } else {
                Sex::Female
            };
            Person {
                nik: Nik::from_parts(district, birth, sex, 1 + (seed % 9000) as u32 + i as u32)
                    .unwrap(),
                kk: k,
                name: String::new(),
                sex,
                birth_date: birth,
                relation: if i == 0 {
                    Relation::Head
                } else {
                    Relation::Child
                },
                education: Some(Education::ALL[(seed as usize + i) % 8]),
                work: (i % 2 == 0).then_some(Work::ALL[(seed as usize + i) % 12]),
                disability: Some(Disability::None),
                chronic_illness: (i % 3 != 2).then_some(i % 3 == 0),
                health_insurance: Some(HealthInsurance::ALL[(seed as usize + i) % 5]),
                school: None,
            }
        })
        .collect();
    (h, members)
}

/// What a snapshot should hold for `registry`: sorted by (region, kk), members by NIK, without
/// names and addresses.
pub fn expected(registry: &[(Household, Vec<Person>)]) -> Vec<(Household, Vec<Person>)> {
    let mut out: Vec<_> = registry
        .iter()
        .map(|(h, ms)| {
            let mut h = h.clone();
            h.address = None;
            let mut ms = ms.clone();
            for m in &mut ms {
                m.name.clear();
            }
            ms.sort_by_key(|m| m.nik);
            (h, ms)
        })
        .collect();
    out.sort_by_key(|(h, _)| (h.region.key(), h.kk));
    out
}

fn opt<T>(valid: bool, v: T) -> Option<T> {
    valid.then_some(v)
}

/// Decode every column of `s` back into the registry model (names empty, addresses `None`).
pub fn read_back(s: &Snapshot) -> Vec<(Household, Vec<Person>)> {
    use arrow_array::Array;
    let epoch = date(1970, 1, 1);
    let mut out = Vec::new();
    for r in 0..s.household_count() {
        let code = |a: &arrow_array::UInt8Array| opt(a.is_valid(r), a.value(r));
        let h = Household {
            kk: Kk::from_u64(s.kk().value(r)).unwrap(),
            region: RegionCode::from_key(s.region().value(r)).unwrap(),
            address: None,
            rt: opt(s.rt().is_valid(r), s.rt().value(r)),
            rw: opt(s.rw().is_valid(r), s.rw().value(r)),
            declared_size: opt(s.declared_size().is_valid(r), s.declared_size().value(r)),
            dwelling: Dwelling {
                tenure: code(s.tenure()).map(|i| Tenure::from_index(i).unwrap()),
                floor_area_m2: opt(s.floor_area_m2().is_valid(r), s.floor_area_m2().value(r)),
                floor: code(s.floor()).map(|i| Floor::from_index(i).unwrap()),
                wall: code(s.wall()).map(|i| Wall::from_index(i).unwrap()),
                roof: code(s.roof()).map(|i| Roof::from_index(i).unwrap()),
                water: code(s.water()).map(|i| WaterSource::from_index(i).unwrap()),
                toilet: code(s.toilet()).map(|i| Toilet::from_index(i).unwrap()),
                electricity: code(s.electricity()).map(|i| Electricity::from_index(i).unwrap()),
                electricity_va: opt(s.electricity_va().is_valid(r), s.electricity_va().value(r)),
                cooking_fuel: code(s.cooking_fuel()).map(|i| CookingFuel::from_index(i).unwrap()),
            },
            assets: Assets::from_bits(s.assets_known().value(r), s.assets_owned().value(r)),
            land_m2: opt(s.land_m2().is_valid(r), s.land_m2().value(r)),
            survey: {
                assert_eq!(s.consumption().is_valid(r), s.survey_weight().is_valid(r));
                opt(
                    s.consumption().is_valid(r),
                    Survey {
                        consumption_per_capita: Rupiah(s.consumption().value(r)),
                        weight: s.survey_weight().value(r),
                    },
                )
            },
        };
        let members = s
            .members_of(r)
            .map(|i| {
                assert_eq!(s.person_household().value(i) as usize, r);
                let code = |a: &arrow_array::UInt8Array| opt(a.is_valid(i), a.value(i));
                Person {
                    nik: Nik::from_u64(s.nik().value(i)).unwrap(),
                    kk: h.kk,
                    name: String::new(),
                    sex: Sex::from_index(s.sex().value(i)).unwrap(),
                    birth_date: epoch + chrono::Duration::days(i64::from(s.birth_date().value(i))),
                    relation: Relation::from_index(s.relation().value(i)).unwrap(),
                    education: code(s.education()).map(|v| Education::from_index(v).unwrap()),
                    work: code(s.work()).map(|v| Work::from_index(v).unwrap()),
                    disability: code(s.disability()).map(|v| Disability::from_index(v).unwrap()),
                    chronic_illness: opt(
                        s.chronic_illness().is_valid(i),
                        s.chronic_illness().value(i),
                    ),
                    health_insurance: code(s.health_insurance())
                        .map(|v| HealthInsurance::from_index(v).unwrap()),
                    school: code(s.school()).map(|v| SchoolAttendance::from_index(v).unwrap()),
                }
            })
            .collect();
        out.push((h, members));
    }
    out
}
