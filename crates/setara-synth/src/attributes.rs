//! Observable attributes related to consumption through a latent "observable welfare" index.
//!
//! Each household has `a = ρ·z + √(1 − ρ²)·u + δ`, with `z` its standardized log consumption
//! within the province, `u` independent noise and `δ` a province shift (how far above its
//! poverty line the province's median lives). Every attribute is an ordered outcome of
//! `β·a + e` with its own noise `e ~ N(0, 1)`, its loading `β` and cut points chosen so that the
//! categories have plausible Indonesian shares (Susenas-like) for the island group and for
//! kelurahan (urban) or desa (rural) villages. The same index drives the members' education,
//! work, health insurance and school attendance. Household size is independent of consumption
//! per capita by construction, as the brief requires.

use std::sync::OnceLock;

use rand::Rng;
use rand_distr::StandardNormal;
use setara_core::{
    Asset, Assets, CookingFuel, Disability, Dwelling, Education, Electricity, Floor,
    HealthInsurance, Roof, SchoolAttendance, Sex, Tenure, Toilet, Wall, WaterSource, Work,
};

/// Correlation between standardized log consumption and the welfare index that the
/// attributes observe. Chosen so that a PMT reaches R² of about 0.5 (published PMTs: 0.4-0.6).
pub(crate) const RHO: f64 = 0.72;

fn normal<R: Rng>(rng: &mut R) -> f64 {
    rng.sample(StandardNormal)
}

/// Island group, for the regional pattern of housing materials and utilities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Area {
    JavaBali,
    Sumatra,
    Kalimantan,
    Sulawesi,
    NusaTenggara,
    MalukuPapua,
}

impl Area {
    pub(crate) fn of_province(province: u64) -> Area {
        match province {
            11..=21 => Area::Sumatra,
            31..=36 | 51 => Area::JavaBali,
            52 | 53 => Area::NusaTenggara,
            61..=65 => Area::Kalimantan,
            71..=76 => Area::Sulawesi,
            _ => Area::MalukuPapua,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Provinces where boats are a common household asset.
pub(crate) fn is_coastal(province: u64) -> bool {
    matches!(
        province,
        19 | 21 | 52 | 53 | 71 | 72 | 73 | 74 | 75 | 76 | 81 | 82 | 92 | 96
    )
}

/// An ordered outcome of `β·a + e`.
pub(crate) struct Ordered<T: Copy + 'static> {
    cats: &'static [T],
    cuts: Vec<f64>,
    beta: f64,
}

impl<T: Copy + 'static> Ordered<T> {
    /// `weights` are the target shares (any scale) of `cats`, ordered worst to best, for an
    /// index `a ~ N(0, 1)`.
    fn new(cats: &'static [T], weights: &[f64], beta: f64) -> Ordered<T> {
        assert_eq!(cats.len(), weights.len());
        let total: f64 = weights.iter().sum();
        let scale = (beta * beta + 1.0).sqrt();
        let mut cum = 0.0;
        let cuts = weights[..weights.len() - 1]
            .iter()
            .map(|w| {
                cum += w / total;
                scale
                    * setara_stats::normal_quantile(cum.clamp(0.0, 1.0))
                        .expect("probability in [0, 1]")
            })
            .collect();
        Ordered { cats, cuts, beta }
    }

    fn draw<R: Rng>(&self, a: f64, rng: &mut R) -> T {
        let y = self.beta * a + normal(rng);
        let k = self
            .cuts
            .iter()
            .position(|&c| y < c)
            .unwrap_or(self.cats.len() - 1);
        self.cats[k]
    }
}

/// Tilt shares towards the better categories (for kelurahan), `factor` per step across the
/// whole range.
fn tilt(weights: &[f64], factor: f64) -> Vec<f64> {
    let n = weights.len() as f64 - 1.0;
    weights
        .iter()
        .enumerate()
        .map(|(i, w)| w * (factor * (i as f64 / n - 0.5)).exp())
        .collect()
}

const FLOORS: &[Floor] = &[
    Floor::Earth,
    Floor::Bamboo,
    Floor::Other,
    Floor::Wood,
    Floor::CementBrick,
    Floor::TilesTerrazzo,
    Floor::Ceramic,
    Floor::ParquetVinyl,
    Floor::MarbleGranite,
];
const WALLS: &[Wall] = &[
    Wall::Bamboo,
    Wall::WovenBamboo,
    Wall::Log,
    Wall::Other,
    Wall::Wood,
    Wall::PlasteredBamboo,
    Wall::Masonry,
];
const ROOFS: &[Roof] = &[
    Roof::Thatch,
    Roof::Bamboo,
    Roof::Other,
    Roof::Shingle,
    Roof::Zinc,
    Roof::Asbestos,
    Roof::ClayTile,
    Roof::MetalTile,
    Roof::CeramicTile,
    Roof::Concrete,
];
const WATERS: &[WaterSource] = &[
    WaterSource::Surface,
    WaterSource::UnprotectedSpring,
    WaterSource::UnprotectedWell,
    WaterSource::Rain,
    WaterSource::Other,
    WaterSource::ProtectedSpring,
    WaterSource::ProtectedWell,
    WaterSource::BoreWell,
    WaterSource::Refill,
    WaterSource::Piped,
    WaterSource::Bottled,
];
const TOILETS: &[Toilet] = &[
    Toilet::None,
    Toilet::Public,
    Toilet::Shared,
    Toilet::Private,
];
const ELECTRICITY: &[Electricity] = &[
    Electricity::None,
    Electricity::NonPln,
    Electricity::PlnUnmetered,
    Electricity::PlnMetered,
];
const VA: &[u32] = &[450, 900, 1300, 2200, 3500, 5500];
const FUELS: &[CookingFuel] = &[
    CookingFuel::Firewood,
    CookingFuel::Charcoal,
    CookingFuel::Kerosene,
    CookingFuel::Other,
    CookingFuel::Lpg3kg,
    CookingFuel::CityGas,
    CookingFuel::LpgLarge,
    CookingFuel::Electricity,
];
const TENURES: &[Tenure] = &[
    Tenure::Owned,
    Tenure::Rented,
    Tenure::RentFree,
    Tenure::Official,
    Tenure::Other,
];

/// Asset, loading, share in desa, share in kelurahan.
const ASSETS: &[(Asset, f64, f64, f64)] = &[
    (Asset::GasCylinder, 1.1, 0.05, 0.12),
    (Asset::Refrigerator, 1.0, 0.45, 0.68),
    (Asset::AirConditioner, 1.3, 0.03, 0.20),
    (Asset::WaterHeater, 1.3, 0.01, 0.08),
    (Asset::Landline, 0.8, 0.005, 0.04),
    (Asset::Television, 0.9, 0.25, 0.45),
    (Asset::Gold, 0.8, 0.15, 0.22),
    (Asset::Computer, 1.1, 0.10, 0.28),
    (Asset::Bicycle, 0.2, 0.25, 0.25),
    (Asset::Motorcycle, 0.9, 0.82, 0.84),
    (Asset::Car, 1.3, 0.06, 0.16),
    (Asset::Boat, 0.0, 0.02, 0.005),
    (Asset::Motorboat, 0.2, 0.015, 0.004),
    (Asset::Smartphone, 0.9, 0.85, 0.93),
];

/// Household-level attribute model for one (island group, urban, coastal) cell.
pub(crate) struct AttributeModel {
    floor: Ordered<Floor>,
    wall: Ordered<Wall>,
    roof: Ordered<Roof>,
    water: Ordered<WaterSource>,
    toilet: Ordered<Toilet>,
    electricity: Ordered<Electricity>,
    va: Ordered<u32>,
    fuel: Ordered<CookingFuel>,
    tenure: [f64; 5],
    /// (asset, loading, cut)
    assets: Vec<(Asset, f64, f64)>,
    land_share: f64,
    land_ln_median: f64,
    area_ln_median: f64,
    urban: bool,
}

impl AttributeModel {
    fn build(area: Area, urban: bool, coastal: bool) -> AttributeModel {
        use Area::*;
        let floor: &[f64] = match area {
            JavaBali => &[5.0, 0.3, 0.5, 1.0, 25.0, 4.0, 62.0, 0.5, 1.7],
            Sumatra => &[2.0, 0.5, 0.5, 12.0, 30.0, 2.0, 52.0, 0.5, 0.5],
            Kalimantan => &[1.0, 0.5, 0.5, 35.0, 18.0, 1.0, 43.0, 0.5, 0.5],
            Sulawesi => &[1.5, 1.0, 0.5, 20.0, 30.0, 2.0, 44.0, 0.5, 0.5],
            NusaTenggara => &[6.0, 1.0, 0.5, 3.0, 45.0, 2.0, 41.0, 0.5, 1.0],
            MalukuPapua => &[6.0, 3.0, 1.0, 30.0, 30.0, 1.0, 28.0, 0.5, 0.5],
        };
        let wall: &[f64] = match area {
            JavaBali => &[1.0, 5.0, 0.2, 0.5, 3.0, 1.0, 89.0],
            Sumatra => &[0.5, 1.0, 0.5, 0.5, 18.0, 0.5, 79.0],
            Kalimantan => &[0.5, 0.5, 0.5, 0.5, 48.0, 0.5, 49.5],
            Sulawesi => &[1.0, 3.0, 0.5, 0.5, 25.0, 1.0, 69.0],
            NusaTenggara => &[3.0, 8.0, 0.5, 1.0, 5.0, 3.0, 79.5],
            MalukuPapua => &[3.0, 3.0, 1.0, 1.0, 35.0, 2.0, 55.0],
        };
        let roof: &[f64] = match area {
            JavaBali => &[0.3, 0.2, 0.5, 0.2, 3.0, 12.0, 62.0, 12.0, 5.0, 4.8],
            Sumatra => &[0.5, 0.2, 0.5, 0.3, 70.0, 5.0, 5.0, 15.0, 1.5, 2.0],
            Kalimantan => &[0.5, 0.2, 0.5, 3.0, 72.0, 3.0, 1.0, 17.0, 1.0, 1.8],
            Sulawesi => &[1.0, 0.3, 0.5, 0.5, 75.0, 2.0, 4.0, 14.0, 1.0, 1.7],
            NusaTenggara => &[3.0, 0.5, 0.5, 0.5, 62.0, 3.0, 15.0, 12.0, 1.0, 2.5],
            MalukuPapua => &[5.0, 0.5, 1.0, 1.0, 80.0, 1.0, 0.5, 9.0, 0.5, 1.5],
        };
        let water: &[f64] = match area {
            JavaBali => &[0.5, 1.0, 2.0, 0.2, 0.3, 6.0, 14.0, 24.0, 38.0, 8.0, 6.0],
            Sumatra => &[2.0, 1.5, 4.0, 3.0, 0.5, 4.0, 15.0, 12.0, 44.0, 9.0, 5.0],
            Kalimantan => &[5.0, 1.0, 2.0, 6.0, 0.5, 2.0, 6.0, 10.0, 45.0, 18.0, 4.5],
            Sulawesi => &[2.0, 3.0, 3.0, 0.5, 0.5, 8.0, 12.0, 14.0, 38.0, 14.0, 5.0],
            NusaTenggara => &[2.0, 5.0, 3.0, 0.5, 0.5, 12.0, 14.0, 10.0, 30.0, 20.0, 3.0],
            MalukuPapua => &[8.0, 6.0, 3.0, 8.0, 1.0, 10.0, 8.0, 6.0, 28.0, 18.0, 4.0],
        };
        let toilet: &[f64] = match area {
            JavaBali => &[3.0, 2.0, 6.0, 89.0],
            Sumatra => &[5.0, 2.0, 5.0, 88.0],
            Kalimantan => &[5.0, 3.0, 7.0, 85.0],
            Sulawesi => &[6.0, 2.0, 6.0, 86.0],
            NusaTenggara => &[8.0, 2.0, 8.0, 82.0],
            MalukuPapua => &[15.0, 3.0, 10.0, 72.0],
        };
        let electricity: &[f64] = match area {
            JavaBali => &[0.1, 0.2, 1.5, 98.2],
            Sumatra => &[0.5, 0.5, 2.0, 97.0],
            Kalimantan => &[1.5, 2.0, 3.0, 93.5],
            Sulawesi => &[0.8, 1.0, 2.5, 95.7],
            NusaTenggara => &[2.0, 4.0, 4.0, 90.0],
            MalukuPapua => &[8.0, 8.0, 5.0, 79.0],
        };
        let fuel: &[f64] = match area {
            JavaBali => &[14.0, 0.3, 0.3, 0.5, 80.0, 0.5, 3.5, 0.9],
            Sumatra => &[12.0, 0.3, 0.5, 0.5, 80.0, 0.5, 5.0, 1.2],
            Kalimantan => &[6.0, 0.2, 2.0, 0.5, 82.0, 0.5, 7.0, 1.8],
            Sulawesi => &[12.0, 0.3, 1.0, 0.5, 79.0, 0.2, 6.0, 1.0],
            NusaTenggara => &[35.0, 0.5, 3.0, 0.5, 57.0, 0.2, 3.0, 0.8],
            MalukuPapua => &[30.0, 0.5, 25.0, 0.5, 38.0, 0.2, 4.0, 1.8],
        };
        let va: &[f64] = if urban {
            &[12.0, 35.0, 28.0, 16.0, 7.0, 2.0]
        } else {
            &[28.0, 42.0, 18.0, 8.0, 3.0, 1.0]
        };
        let t = |w: &[f64]| if urban { tilt(w, 2.0) } else { w.to_vec() };
        let assets = ASSETS
            .iter()
            .map(|&(asset, beta, rural, urb)| {
                let mut share = if urban { urb } else { rural };
                if matches!(asset, Asset::Boat | Asset::Motorboat) && coastal {
                    share *= 4.0;
                }
                let cut = (beta * beta + 1.0).sqrt()
                    * setara_stats::normal_quantile(1.0 - share).expect("share in (0, 1)");
                (asset, beta, cut)
            })
            .collect();
        AttributeModel {
            floor: Ordered::new(FLOORS, &t(floor), 1.0),
            wall: Ordered::new(WALLS, &t(wall), 0.8),
            roof: Ordered::new(ROOFS, &t(roof), 0.7),
            water: Ordered::new(WATERS, &t(water), 0.7),
            toilet: Ordered::new(TOILETS, &t(toilet), 0.8),
            electricity: Ordered::new(ELECTRICITY, &t(electricity), 0.6),
            va: Ordered::new(VA, va, 1.0),
            fuel: Ordered::new(FUELS, &t(fuel), 0.9),
            tenure: if urban {
                [70.0, 18.0, 10.0, 1.5, 0.5]
            } else {
                [88.0, 3.0, 8.0, 0.5, 0.5]
            },
            assets,
            land_share: if urban { 0.12 } else { 0.55 },
            land_ln_median: if urban { 300f64.ln() } else { 2500f64.ln() },
            area_ln_median: if urban { 42f64.ln() } else { 55f64.ln() },
            urban,
        }
    }

    /// The model of a cell, built once per process.
    pub(crate) fn get(area: Area, urban: bool, coastal: bool) -> &'static AttributeModel {
        static MODELS: OnceLock<Vec<AttributeModel>> = OnceLock::new();
        let models = MODELS.get_or_init(|| {
            let areas = [
                Area::JavaBali,
                Area::Sumatra,
                Area::Kalimantan,
                Area::Sulawesi,
                Area::NusaTenggara,
                Area::MalukuPapua,
            ];
            let mut v = Vec::with_capacity(24);
            for area in areas {
                for urban in [false, true] {
                    for coastal in [false, true] {
                        v.push(AttributeModel::build(area, urban, coastal));
                    }
                }
            }
            v
        });
        &models[area.index() * 4 + usize::from(urban) * 2 + usize::from(coastal)]
    }

    /// The dwelling, assets and land of a household with welfare index `a` and `size` members.
    pub(crate) fn draw<R: Rng>(&self, a: f64, size: usize, rng: &mut R) -> (Dwelling, Assets, u64) {
        // Tenure: renting is urban and a little richer, living rent-free a little poorer.
        let tw = [
            self.tenure[0],
            self.tenure[1] * (0.2 * a).exp(),
            self.tenure[2] * (-0.3 * a).exp(),
            self.tenure[3] * (0.5 * a).exp(),
            self.tenure[4],
        ];
        let tenure = TENURES[weighted(rng, &tw)];
        let area =
            (self.area_ln_median + 0.3 * a + 0.25 * (size as f64).ln() + 0.35 * normal(rng)).exp();
        let electricity = self.electricity.draw(a, rng);
        let electricity_va = (electricity == Electricity::PlnMetered).then(|| self.va.draw(a, rng));
        let fuel = if self.urban && size <= 2 && rng.random_bool(0.05) {
            CookingFuel::NoCooking
        } else {
            self.fuel.draw(a, rng)
        };
        let dwelling = Dwelling {
            tenure: Some(tenure),
            floor_area_m2: Some(area.clamp(8.0, 600.0).round() as u32),
            floor: Some(self.floor.draw(a, rng)),
            wall: Some(self.wall.draw(a, rng)),
            roof: Some(self.roof.draw(a, rng)),
            water: Some(self.water.draw(a, rng)),
            toilet: Some(self.toilet.draw(a, rng)),
            electricity: Some(electricity),
            electricity_va,
            cooking_fuel: Some(fuel),
        };
        let mut assets = Assets::default();
        for &(asset, beta, cut) in &self.assets {
            let owned = beta * a + normal(rng) > cut;
            assets.set(asset, Some(owned));
        }
        let land = if rng.random_bool(self.land_share) {
            let ln = self.land_ln_median + 0.2 * a + normal(rng);
            ln.exp().clamp(10.0, 500_000.0).round() as u64
        } else {
            0
        };
        (dwelling, assets, land)
    }
}

/// Index drawn with probability proportional to `weights`.
pub(crate) fn weighted<R: Rng>(rng: &mut R, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

const EDUCATION: &[Education] = &[
    Education::None,
    Education::PrimaryIncomplete,
    Education::Primary,
    Education::JuniorSecondary,
    Education::SeniorSecondary,
    Education::Diploma,
    Education::Bachelor,
    Education::Postgraduate,
];
/// Cumulative shares of final attainment for the 1978 cohort at average welfare.
const EDUCATION_CUM: [f64; 7] = [0.05, 0.16, 0.43, 0.60, 0.89, 0.92, 0.995];
/// Age by which each level of [`EDUCATION`] is completed.
const COMPLETION_AGE: [i32; 8] = [0, 0, 13, 16, 19, 22, 23, 26];

/// What a person has completed and whether they attend school now.
pub(crate) struct Schooling {
    pub education: Education,
    pub school: SchoolAttendance,
}

/// Education and school attendance of a person of `age` born in `birth_year`.
pub(crate) fn draw_schooling<R: Rng>(
    rng: &mut R,
    a: f64,
    age: i32,
    birth_year: i32,
    urban: bool,
) -> Schooling {
    static CUTS: OnceLock<[f64; 7]> = OnceLock::new();
    let cuts = CUTS.get_or_init(|| {
        let scale = (0.9f64 * 0.9 + 1.0).sqrt();
        EDUCATION_CUM.map(|p| scale * setara_stats::normal_quantile(p).expect("probability"))
    });
    let cohort = (0.035 * f64::from(birth_year - 1978)).clamp(-1.2, 1.3);
    let y = 0.9 * a + cohort + if urban { 0.3 } else { 0.0 } + normal(rng);
    let final_level = cuts.iter().position(|&c| y < c).unwrap_or(7);
    // Highest level completed by now.
    let mut done = 0usize;
    for (level, &age_done) in COMPLETION_AGE
        .iter()
        .enumerate()
        .take(final_level + 1)
        .skip(2)
    {
        if age >= age_done {
            done = level;
        }
    }
    if final_level <= 1 {
        done = final_level;
        if final_level == 1 && age < 10 {
            done = 0;
        }
    }
    let in_school_age = (5..=26).contains(&age);
    let attending = in_school_age
        && if age < 7 {
            rng.random_bool(0.35)
        } else if final_level >= 2 {
            done < final_level
        } else {
            final_level == 1 && age < 10
        };
    let education = if done == 0 && attending && age >= 7 {
        Education::PrimaryIncomplete
    } else {
        EDUCATION[done]
    };
    let school = if attending {
        SchoolAttendance::Attending
    } else if final_level == 0 || age < 7 {
        SchoolAttendance::Never
    } else {
        SchoolAttendance::NotAttending
    };
    Schooling { education, school }
}

/// Main work of a person.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw_work<R: Rng>(
    rng: &mut R,
    a: f64,
    age: i32,
    sex: Sex,
    education: Education,
    attending: bool,
    urban: bool,
    coastal: bool,
) -> Work {
    if attending {
        return Work::Student;
    }
    if age < 15 {
        return if age >= 12 && rng.random_bool(0.05) {
            if urban { Work::Laborer } else { Work::Farmer }
        } else {
            Work::NotWorking
        };
    }
    let higher = education >= Education::Diploma;
    let senior = education >= Education::SeniorSecondary;
    if age >= 58 && (higher && rng.random_bool(0.5) || rng.random_bool(0.05)) {
        return Work::Retired;
    }
    if age >= 65 {
        let w = [
            55.0,
            if urban { 4.0 } else { 20.0 },
            8.0,
            if sex == Sex::Female { 15.0 } else { 2.0 },
            3.0,
        ];
        return [
            Work::NotWorking,
            Work::Farmer,
            Work::Trader,
            Work::Housekeeping,
            Work::SelfEmployed,
        ][weighted(rng, &w)];
    }
    let up = |g: f64| (g * a).exp();
    let civil = if higher {
        20.0
    } else if senior {
        3.0
    } else {
        0.3
    };
    let female = sex == Sex::Female;
    let w = [
        /* NotWorking */ if female { 5.0 } else { 6.0 },
        /* Housekeeping */ if female { 35.0 } else { 0.5 },
        /* Farmer */
        (if urban { 3.0 } else { 30.0 }) * if female { 0.45 } else { 1.0 } * up(-0.4),
        /* Fisher */
        if female {
            0.1
        } else if coastal && !urban {
            12.0
        } else if urban {
            0.5
        } else {
            2.5
        },
        /* Laborer */ (if female { 7.0 } else { 18.0 }) * up(-0.5),
        /* Trader */ if female { 14.0 } else { 10.0 },
        /* PrivateEmployee */
        (if urban { 30.0 } else { 10.0 })
            * if female { 0.6 } else { 1.0 }
            * up(0.3)
            * if senior { 1.5 } else { 0.7 },
        /* CivilServant */ civil * up(0.3),
        /* SelfEmployed */ (if female { 6.0 } else { 14.0 }) * up(0.2),
        /* Other */ 2.5,
    ];
    [
        Work::NotWorking,
        Work::Housekeeping,
        Work::Farmer,
        Work::Fisher,
        Work::Laborer,
        Work::Trader,
        Work::PrivateEmployee,
        Work::CivilServant,
        Work::SelfEmployed,
        Work::Other,
    ][weighted(rng, &w)]
}

/// Health insurance status of a household (members mostly share it).
pub(crate) fn draw_insurance<R: Rng>(rng: &mut R, a: f64, urban: bool) -> HealthInsurance {
    // PBI (government-paid) mostly for the poorer; contributory JKN for the better-off and urban.
    let y = -0.8 * a + normal(rng);
    if y > 1.28 * 0.5 {
        return HealthInsurance::JknPbi;
    }
    let c = 0.6 * a + if urban { 0.5 } else { 0.0 } + normal(rng);
    if a > 1.3 && rng.random_bool(0.15) {
        HealthInsurance::Private
    } else if c > -0.3 {
        HealthInsurance::JknContributory
    } else if rng.random_bool(0.03) {
        HealthInsurance::Other
    } else {
        HealthInsurance::None
    }
}

/// Disability (by age, a little more common among the poor).
pub(crate) fn draw_disability<R: Rng>(rng: &mut R, a: f64, age: i32) -> Disability {
    let base = if age < 18 {
        0.01
    } else if age < 60 {
        0.02
    } else {
        0.10
    };
    if rng.random_bool((base * (-0.2 * a).exp()).min(0.5)) {
        const KINDS: &[Disability] = &[
            Disability::Physical,
            Disability::Sensory,
            Disability::Intellectual,
            Disability::Mental,
            Disability::Multiple,
            Disability::Unspecified,
        ];
        KINDS[weighted(rng, &[35.0, 30.0, 10.0, 10.0, 10.0, 5.0])]
    } else {
        Disability::None
    }
}

/// Chronic illness (by age).
pub(crate) fn draw_chronic<R: Rng>(rng: &mut R, age: i32) -> bool {
    let p = match age {
        ..30 => 0.02,
        30..50 => 0.08,
        50..65 => 0.20,
        _ => 0.35,
    };
    rng.random_bool(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn ordered_outcomes_hit_their_shares() {
        let o = Ordered::new(TOILETS, &[3.0, 2.0, 6.0, 89.0], 0.8);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let n = 200_000;
        let mut private = 0;
        for _ in 0..n {
            let a: f64 = normal(&mut rng);
            if o.draw(a, &mut rng) == Toilet::Private {
                private += 1;
            }
        }
        let share = f64::from(private) / f64::from(n);
        assert!((share - 0.89).abs() < 0.005, "{share}");
    }

    #[test]
    fn schooling_is_consistent_with_age() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for _ in 0..20_000 {
            let age = rng.random_range(0..90);
            let a = normal(&mut rng);
            let urban = rng.random_bool(0.5);
            let s = draw_schooling(&mut rng, a, age, 2025 - age, urban);
            if age < 7 {
                assert_eq!(s.education, Education::None);
            }
            if age < 13 {
                assert!(
                    s.education <= Education::PrimaryIncomplete,
                    "{age} {:?}",
                    s.education
                );
            }
            if age < 23 {
                assert!(s.education < Education::Bachelor, "{age} {:?}", s.education);
            }
            if age > 26 {
                assert_ne!(s.school, SchoolAttendance::Attending);
            }
        }
    }
}
