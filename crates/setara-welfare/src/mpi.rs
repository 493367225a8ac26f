//! The default multidimensional-poverty indicator set on the registry (`setara stats --mpi`):
//! which of ten deprivations each household of a snapshot has. Pure computation over a
//! [`Snapshot`]; the Alkire-Foster measures themselves are `setara_stats::AlkireFoster`.
//!
//! Ten household deprivations in three dimensions, after the global MPI of OPHI/UNDP, adapted to
//! what the registry records (it has no anthropometrics or child deaths, so the two health
//! indicators are coverage and illness burden). Each household's deprivations count for all its
//! members. Weights are in eighteenths so that scores compare with the cut-off exactly.
//!
//! | code | dimension | weight | a household is deprived when … |
//! |---|---|---|---|
//! | `schooling` | education | 3/18 | no member aged 10 or more has completed primary school (SD) |
//! | `school_attendance` | education | 3/18 | a child aged 7-15 is not attending school |
//! | `health_insurance` | health | 3/18 | a member has no health insurance (JKN or other) |
//! | `illness` | health | 3/18 | a member has a chronic illness or a disability |
//! | `electricity` | living standards | 1/18 | no electricity |
//! | `sanitation` | living standards | 1/18 | no own toilet (shared, public or none) |
//! | `water` | living standards | 1/18 | drinking water from an unprotected well or spring, surface water or rain |
//! | `housing` | living standards | 1/18 | earth or bamboo floor, thatch or bamboo roof, or bamboo/log walls |
//! | `cooking_fuel` | living standards | 1/18 | cooking with firewood, charcoal or briquettes |
//! | `assets` | living standards | 1/18 | no car, and at most one of: television, refrigerator, computer, smartphone or landline, motorcycle, bicycle |
//!
//! An indicator whose data are not recorded for a household (for example no member's education
//! is known) counts as *not deprived*, and the number of such households is reported, so that a
//! registry with gaps is not made to look poorer than it is. Cut-off: poor when the weighted
//! score is at least 6/18 (k = 1/3).

use chrono::NaiveDate;
use setara_core::{
    Asset, Assets, CookingFuel, Disability, Education, Electricity, Floor, HealthInsurance, Roof,
    SchoolAttendance, Toilet, Wall, WaterSource, age_on,
};
use setara_snapshot::{Column, Snapshot};

/// One indicator of the default set.
pub struct Indicator {
    pub code: &'static str,
    pub dimension: &'static str,
    /// Weight in eighteenths.
    pub weight_18: u32,
    pub id: &'static str,
    pub en: &'static str,
}

pub const INDICATORS: [Indicator; 10] = [
    Indicator {
        code: "schooling",
        dimension: "education",
        weight_18: 3,
        id: "tidak ada anggota ≥ 10 tahun yang tamat SD",
        en: "no member aged 10+ completed primary school",
    },
    Indicator {
        code: "school_attendance",
        dimension: "education",
        weight_18: 3,
        id: "ada anak 7-15 tahun yang tidak bersekolah",
        en: "a child aged 7-15 not attending school",
    },
    Indicator {
        code: "health_insurance",
        dimension: "health",
        weight_18: 3,
        id: "ada anggota tanpa jaminan kesehatan",
        en: "a member without health insurance",
    },
    Indicator {
        code: "illness",
        dimension: "health",
        weight_18: 3,
        id: "ada anggota dengan penyakit kronis atau disabilitas",
        en: "a member with a chronic illness or disability",
    },
    Indicator {
        code: "electricity",
        dimension: "living_standards",
        weight_18: 1,
        id: "tanpa listrik",
        en: "no electricity",
    },
    Indicator {
        code: "sanitation",
        dimension: "living_standards",
        weight_18: 1,
        id: "tanpa jamban sendiri",
        en: "no own toilet",
    },
    Indicator {
        code: "water",
        dimension: "living_standards",
        weight_18: 1,
        id: "air minum tidak layak",
        en: "unimproved drinking water",
    },
    Indicator {
        code: "housing",
        dimension: "living_standards",
        weight_18: 1,
        id: "lantai, atap atau dinding tidak layak",
        en: "inadequate floor, roof or walls",
    },
    Indicator {
        code: "cooking_fuel",
        dimension: "living_standards",
        weight_18: 1,
        id: "memasak dengan kayu bakar, arang atau briket",
        en: "cooking with wood, charcoal or briquettes",
    },
    Indicator {
        code: "assets",
        dimension: "living_standards",
        weight_18: 1,
        id: "aset sangat sedikit",
        en: "very few assets",
    },
];

/// The cut-off k as a score in eighteenths.
pub const CUTOFF_18: u32 = 6;

/// Deprivations of every household of a snapshot.
pub struct Deprivations {
    /// Bit `i` set: deprived in `INDICATORS[i]`, one per household row of the snapshot.
    pub masks: Vec<u32>,
    /// Bit `i` set: `INDICATORS[i]` was not recorded for the household (counted as not deprived).
    pub missing: Vec<u32>,
}

fn bit(i: usize) -> u32 {
    1 << i
}

/// Compute the ten deprivations for each household; ages are taken on `on`.
pub fn registry_deprivations(snap: &Snapshot, on: NaiveDate) -> Deprivations {
    let n = snap.household_count();
    let mut masks = vec![0u32; n];
    let mut missing = vec![0u32; n];
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid");
    let birth = snap.birth_date();
    let education = snap.education();
    let school = snap.school();
    let insurance = snap.health_insurance();
    let chronic = snap.chronic_illness();
    let disability = snap.disability();
    let (floor, roof, wall) = (snap.floor(), snap.roof(), snap.wall());
    let (electricity, toilet, water, fuel) = (
        snap.electricity(),
        snap.toilet(),
        snap.water(),
        snap.cooking_fuel(),
    );
    let (known, owned) = (snap.assets_known(), snap.assets_owned());

    for h in 0..n {
        let (mut m, mut miss) = (0u32, 0u32);
        // Members.
        let (mut any_edu_known, mut someone_completed_primary) = (false, false);
        let (mut child_out_of_school, mut any_child, mut child_unknown) = (false, false, false);
        let (mut uninsured, mut insurance_unknown) = (false, false);
        let (mut ill, mut illness_unknown) = (false, true);
        for p in snap.members_of(h) {
            let born = epoch + chrono::TimeDelta::days(i64::from(birth.value(p)));
            let age = age_on(born, on);
            if age >= 10
                && let Some(e) = education.get(p).and_then(Education::from_index)
            {
                any_edu_known = true;
                if e >= Education::Primary {
                    someone_completed_primary = true;
                }
            }
            if (7..=15).contains(&age) {
                any_child = true;
                match school.get(p).and_then(SchoolAttendance::from_index) {
                    Some(SchoolAttendance::Attending) => {}
                    Some(_) => child_out_of_school = true,
                    None => child_unknown = true,
                }
            }
            match insurance.get(p).and_then(HealthInsurance::from_index) {
                Some(HealthInsurance::None) => uninsured = true,
                Some(_) => {}
                None => insurance_unknown = true,
            }
            let c = chronic.get(p);
            let d = disability.get(p).and_then(Disability::from_index);
            if c.is_some() || d.is_some() {
                illness_unknown = false;
            }
            if c == Some(true) || d.is_some_and(|d| d != Disability::None) {
                ill = true;
            }
        }
        if !any_edu_known {
            miss |= bit(0);
        } else if !someone_completed_primary {
            m |= bit(0);
        }
        if child_out_of_school {
            m |= bit(1);
        } else if any_child && child_unknown {
            miss |= bit(1);
        }
        if uninsured {
            m |= bit(2);
        } else if insurance_unknown {
            miss |= bit(2);
        }
        if ill {
            m |= bit(3);
        } else if illness_unknown {
            miss |= bit(3);
        }
        // Dwelling.
        let mut flag = |i: usize, v: Option<bool>| match v {
            Some(true) => m |= bit(i),
            Some(false) => {}
            None => miss |= bit(i),
        };
        flag(
            4,
            electricity
                .get(h)
                .and_then(Electricity::from_index)
                .map(|e| e == Electricity::None),
        );
        flag(
            5,
            toilet
                .get(h)
                .and_then(Toilet::from_index)
                .map(|t| t != Toilet::Private),
        );
        flag(
            6,
            water.get(h).and_then(WaterSource::from_index).map(|w| {
                matches!(
                    w,
                    WaterSource::UnprotectedWell
                        | WaterSource::UnprotectedSpring
                        | WaterSource::Surface
                        | WaterSource::Rain
                )
            }),
        );
        let fl = floor.get(h).and_then(Floor::from_index);
        let ro = roof.get(h).and_then(Roof::from_index);
        let wa = wall.get(h).and_then(Wall::from_index);
        let bad = fl.is_some_and(|f| matches!(f, Floor::Earth | Floor::Bamboo))
            || ro.is_some_and(|r| matches!(r, Roof::Thatch | Roof::Bamboo))
            || wa.is_some_and(|w| matches!(w, Wall::Bamboo | Wall::WovenBamboo | Wall::Log));
        flag(
            7,
            if bad {
                Some(true)
            } else if fl.is_none() && ro.is_none() && wa.is_none() {
                None
            } else {
                Some(false)
            },
        );
        flag(
            8,
            fuel.get(h).and_then(CookingFuel::from_index).map(|f| {
                matches!(
                    f,
                    CookingFuel::Firewood | CookingFuel::Charcoal | CookingFuel::Briquette
                )
            }),
        );
        let assets = Assets::from_bits(known.value(h), owned.value(h));
        if assets.known_bits() == 0 {
            miss |= bit(9);
        } else {
            let small = [
                Asset::Television,
                Asset::Refrigerator,
                Asset::Computer,
                Asset::Motorcycle,
                Asset::Bicycle,
            ]
            .iter()
            .filter(|a| assets.get(**a) == Some(true))
            .count()
                + usize::from(
                    assets.get(Asset::Smartphone) == Some(true)
                        || assets.get(Asset::Landline) == Some(true),
                );
            flag(9, Some(assets.get(Asset::Car) != Some(true) && small <= 1));
        }
        masks[h] = m;
        missing[h] = miss;
    }
    Deprivations { masks, missing }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_sum_to_one_and_codes_are_unique() {
        assert_eq!(INDICATORS.iter().map(|i| i.weight_18).sum::<u32>(), 18);
        let mut codes: Vec<_> = INDICATORS.iter().map(|i| i.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 10);
    }
}
