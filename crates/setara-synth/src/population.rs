//! Households and persons, regency by regency.

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Condvar, Mutex, MutexGuard};

use chrono::{Datelike, Days, Months, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use setara_core::{
    HealthInsurance, Household, Kk, Level, Nik, Person, RegionCode, Regions, Relation, Rupiah, Sex,
    Survey,
};

use crate::attributes::{self, Area, AttributeModel, RHO};
use crate::consumption::ConsumptionModel;
use crate::names::{self, Culture, Name, NameRequest};
use crate::problems;
use crate::{
    Chunk, Config, Error, HouseholdTruth, PersonTruth, RenderFn, Sink, Summary, SyntheticHousehold,
    Truth,
};

/// How many households one regency (kabupaten/kota) gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegencyPlan {
    pub regency: RegionCode,
    pub households: u64,
}

/// Split `households` over all regencies in proportion to their 2025 population (largest
/// remainder), in code order.
pub fn plan_national(households: u64) -> Vec<RegencyPlan> {
    let regions = Regions::kemendagri_2025();
    let regencies: Vec<_> = regions.at_level(Level::Regency).collect();
    split(households, &regencies)
}

/// Split `households` over the regencies of one province in proportion to their population.
pub fn plan_province(province: RegionCode, households: u64) -> Result<Vec<RegencyPlan>, Error> {
    let regions = Regions::kemendagri_2025();
    if province.level() != Level::Province || !regions.contains(province) {
        return Err(Error::Config(format!(
            "{province} is not a current province code"
        )));
    }
    let regencies: Vec<_> = regions.children(province).collect();
    Ok(split(households, &regencies))
}

fn split(households: u64, regencies: &[&setara_core::Region]) -> Vec<RegencyPlan> {
    let weights: Vec<u64> = regencies
        .iter()
        .map(|r| r.population.map_or(0, |p| p.total))
        .collect();
    allocate(households, &weights)
        .into_iter()
        .zip(regencies)
        .map(|(n, r)| RegencyPlan {
            regency: r.code,
            households: n,
        })
        .collect()
}

/// Largest-remainder apportionment of `total` by `weights` (ties to the lower index).
pub(crate) fn allocate(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut out = Vec::with_capacity(weights.len());
    let mut rems = Vec::with_capacity(weights.len());
    let mut given = 0u64;
    for (i, &w) in weights.iter().enumerate() {
        let x = u128::from(total) * u128::from(w);
        let q = (x / sum) as u64;
        out.push(q);
        given += q;
        rems.push((x % sum, i));
    }
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in rems.iter().take((total - given) as usize) {
        out[i] += 1;
    }
    out
}

/// A fast hasher for the 16-digit identity numbers (already well spread in their low digits).
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ (n >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        self.0 ^= self.0 >> 32;
    }
}

pub(crate) type IdSet = HashSet<u64, BuildHasherDefault<IdHasher>>;

/// Independent random stream `stream` of a regency.
fn stream(seed: u64, regency: RegionCode, stream: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&regency.digits().to_le_bytes());
    key[16..24].copy_from_slice(b"setara-s");
    key[24..].copy_from_slice(&stream.to_le_bytes());
    ChaCha8Rng::from_seed(key)
}

const POPULATION_STREAM: u64 = 1;
const SURVEY_STREAM: u64 = 2;
const PROBLEM_STREAM: u64 = 3;

fn normal<R: Rng>(rng: &mut R) -> f64 {
    rng.sample(StandardNormal)
}

/// A village of the regency.
pub(crate) struct Village {
    pub code: RegionCode,
    pub district: usize,
    pub urban: bool,
}

/// Everything about a regency that households are drawn from.
pub(crate) struct RegencyModel {
    pub regency: RegionCode,
    pub consumption: ConsumptionModel,
    pub districts: Vec<RegionCode>,
    pub villages: Vec<Village>,
    /// Village indices by district.
    pub villages_by_district: Vec<Vec<usize>>,
    urban_villages: Picker,
    rural_villages: Picker,
    /// Probit intercept of living in a kelurahan given standardized log consumption `z`.
    urban_intercept: f64,
    /// Province shift of the welfare index.
    delta: f64,
    mix: &'static [(Culture, u16)],
    area: Area,
    coastal: bool,
}

/// Slope of the probit of living in a kelurahan on standardized log consumption.
const URBAN_SLOPE: f64 = 0.5;

struct Picker {
    items: Vec<usize>,
    cum: Vec<f64>,
}

impl Picker {
    fn pick<R: Rng>(&self, rng: &mut R) -> usize {
        let total = *self.cum.last().expect("non-empty picker");
        let x = rng.random::<f64>() * total;
        let i = self
            .cum
            .partition_point(|&c| c <= x)
            .min(self.items.len() - 1);
        self.items[i]
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl RegencyModel {
    fn new<R: Rng>(regency: RegionCode, rng: &mut R) -> Result<RegencyModel, Error> {
        let regions = Regions::kemendagri_2025();
        if regency.level() != Level::Regency || !regions.contains(regency) {
            return Err(Error::Config(format!(
                "{regency} is not a current regency code"
            )));
        }
        let province = regency.province();
        let consumption = ConsumptionModel::for_province(province)?;
        let mut districts = Vec::new();
        let mut villages = Vec::new();
        let mut villages_by_district = Vec::new();
        for d in regions.children(regency) {
            let start = villages.len();
            for v in regions.children(d.code) {
                let urban = v.code.digits() % 10_000 / 1_000 == 1;
                villages.push(Village {
                    code: v.code,
                    district: districts.len(),
                    urban,
                });
            }
            if villages.len() > start {
                villages_by_district.push((start..villages.len()).collect());
                districts.push(d.code);
            }
        }
        if villages.is_empty() {
            return Err(Error::Config(format!("regency {regency} has no villages")));
        }
        let mut urban_villages = Picker {
            items: Vec::new(),
            cum: Vec::new(),
        };
        let mut rural_villages = Picker {
            items: Vec::new(),
            cum: Vec::new(),
        };
        let (mut wu, mut wr) = (0.0, 0.0);
        for (i, v) in villages.iter().enumerate() {
            // Village sizes vary; kelurahan are denser.
            let w = (0.5 * normal(rng)).exp() * if v.urban { 3.0 } else { 1.0 };
            if v.urban {
                wu += w;
                urban_villages.items.push(i);
                urban_villages.cum.push(wu);
            } else {
                wr += w;
                rural_villages.items.push(i);
                rural_villages.cum.push(wr);
            }
        }
        let urban_share = wu / (wu + wr);
        let urban_intercept = if urban_share > 0.0 && urban_share < 1.0 {
            setara_stats::normal_quantile(urban_share).expect("share in (0, 1)")
                * (1.0 + URBAN_SLOPE * URBAN_SLOPE).sqrt()
        } else {
            0.0
        };
        let pnum = province.digits();
        Ok(RegencyModel {
            regency,
            consumption,
            districts,
            villages,
            villages_by_district,
            urban_villages,
            rural_villages,
            urban_intercept,
            delta: 0.8 * (consumption.median_over_line() - 0.9),
            mix: names::culture_mix(pnum),
            area: Area::of_province(pnum),
            coastal: attributes::is_coastal(pnum),
        })
    }

    fn pick_village<R: Rng>(&self, z: f64, rng: &mut R) -> usize {
        let urban = if self.rural_villages.is_empty() {
            true
        } else if self.urban_villages.is_empty() {
            false
        } else {
            let p = setara_stats::normal_cdf(self.urban_intercept + URBAN_SLOPE * z);
            rng.random::<f64>() < p
        };
        if urban {
            self.urban_villages.pick(rng)
        } else {
            self.rural_villages.pick(rng)
        }
    }
}

/// Allocator of unique NIK and KK numbers within a regency.
pub(crate) struct Ids {
    pub niks: IdSet,
    kks: IdSet,
}

impl Ids {
    fn new(capacity: usize) -> Ids {
        Ids {
            niks: IdSet::with_capacity_and_hasher(capacity * 5, Default::default()),
            kks: IdSet::default(),
        }
    }

    fn nik<R: Rng>(
        &mut self,
        rng: &mut R,
        district: RegionCode,
        birth: NaiveDate,
        sex: Sex,
    ) -> Result<Nik, Error> {
        let base = Nik::from_parts(district, birth, sex, 1)
            .map_err(|e| Error::Generation(e.to_string()))?
            .as_u64()
            - 1;
        let mut serial: u64 = rng.random_range(1..=120);
        for _ in 0..9999 {
            if self.niks.insert(base + serial) {
                return Nik::from_u64(base + serial).map_err(|e| Error::Generation(e.to_string()));
            }
            serial = serial % 9999 + 1;
        }
        Err(Error::Generation(format!(
            "no NIK serial left for {district} {birth}"
        )))
    }

    fn kk<R: Rng>(
        &mut self,
        rng: &mut R,
        district: RegionCode,
        issued: NaiveDate,
    ) -> Result<Kk, Error> {
        let date = u64::from(issued.day()) * 10_000
            + u64::from(issued.month()) * 100
            + (issued.year() % 100) as u64;
        let base = district.digits() * 10_000_000_000 + date * 10_000;
        let mut serial: u64 = rng.random_range(1..=50);
        for _ in 0..9999 {
            if self.kks.insert(base + serial) {
                return Kk::from_u64(base + serial).map_err(|e| Error::Generation(e.to_string()));
            }
            serial = serial % 9999 + 1;
        }
        Err(Error::Generation(format!(
            "no KK serial left for {district} {issued}"
        )))
    }
}

/// Household sizes 1..=12, per cent (mean 3.89; Susenas: 3.8-4.0).
const SIZE_WEIGHTS: [f64; 12] = [
    8.5, 16.0, 20.5, 22.5, 15.0, 8.5, 4.5, 2.4, 1.1, 0.6, 0.3, 0.1,
];

/// One member before names and numbers.
struct Slot {
    relation: Relation,
    sex: Sex,
    age: i32,
    family: Option<&'static str>,
    birth_order: usize,
}

fn opposite(s: Sex) -> Sex {
    if s == Sex::Male {
        Sex::Female
    } else {
        Sex::Male
    }
}

fn random_sex<R: Rng>(rng: &mut R, p_male: f64) -> Sex {
    if rng.random_bool(p_male) {
        Sex::Male
    } else {
        Sex::Female
    }
}

fn clamped_normal<R: Rng>(rng: &mut R, mean: f64, sd: f64, lo: i32, hi: i32) -> i32 {
    ((mean + sd * normal(rng)).round() as i32).clamp(lo, hi)
}

/// Age of a child of a mother aged `mother` (difference 18-42 years, within the brief's 16-45).
fn child_age<R: Rng>(rng: &mut R, mother: i32) -> i32 {
    let hi = 42.min(mother);
    let lo = 18.max(mother - 35).min(hi);
    mother - rng.random_range(lo..=hi)
}

/// The members of a household of `size`: relations, sexes, ages and family names.
fn compose<R: Rng>(rng: &mut R, size: usize, culture: Culture) -> Vec<Slot> {
    let mut head = Vec::with_capacity(2);
    if size == 1 {
        let (age, sex) = if rng.random_bool(0.45) {
            (rng.random_range(20..=39), random_sex(rng, 0.6))
        } else {
            (rng.random_range(55..=85), random_sex(rng, 0.35))
        };
        head.push(Slot {
            relation: Relation::Head,
            sex,
            age,
            family: culture.draw_family(rng),
            birth_order: rng.random_range(0..4),
        });
        return head;
    }
    let has_spouse = rng.random_bool(if size == 2 { 0.8 } else { 0.9 });
    let head_sex = if has_spouse {
        random_sex(rng, 0.97)
    } else {
        random_sex(rng, 0.3)
    };
    let head_age = if has_spouse {
        clamped_normal(rng, 44.0, 12.0, 20, 85)
    } else {
        clamped_normal(rng, 52.0, 14.0, 20, 85)
    };
    let head_family = culture.draw_family(rng);
    head.push(Slot {
        relation: Relation::Head,
        sex: head_sex,
        age: head_age,
        family: head_family,
        birth_order: rng.random_range(0..4),
    });
    let mut mother_age = (head_sex == Sex::Female).then_some(head_age);
    let mut father_family = head_family;
    if has_spouse {
        let diff = (4.0 + 4.0 * normal(rng)).round() as i32;
        let spouse_age = if head_sex == Sex::Male {
            head_age - diff
        } else {
            head_age + diff
        }
        .clamp(18, 95);
        let spouse_sex = opposite(head_sex);
        let family = if head_sex == Sex::Male && culture.wife_takes_husband_family(rng) {
            head_family
        } else {
            culture.draw_family(rng)
        };
        if spouse_sex == Sex::Female {
            mother_age = Some(spouse_age);
        } else {
            father_family = family;
        }
        head.push(Slot {
            relation: Relation::Spouse,
            sex: spouse_sex,
            age: spouse_age,
            family,
            birth_order: rng.random_range(0..4),
        });
    }
    let parent_age = mother_age.unwrap_or(head_age - 3).max(18);
    let mut remaining = size - head.len();

    let mut elders = Vec::new();
    if remaining >= 1 && head_age <= 62 && rng.random_bool(0.08) {
        let in_law = has_spouse && rng.random_bool(0.4);
        let sex = random_sex(rng, 0.3);
        let base_age = if in_law { head[1].age } else { head_age };
        let age = (base_age + rng.random_range(20..=38)).min(98);
        let family = if !in_law && (sex == Sex::Male || culture.wife_takes_husband_family(rng)) {
            head_family
        } else {
            culture.draw_family(rng)
        };
        elders.push(Slot {
            relation: if in_law {
                Relation::ParentInLaw
            } else {
                Relation::Parent
            },
            sex,
            age,
            family,
            birth_order: rng.random_range(0..4),
        });
        remaining -= 1;
    }

    let mut children: Vec<Slot> = Vec::new();
    let mut in_laws = Vec::new();
    let mut grandchildren: Vec<Slot> = Vec::new();
    if remaining >= 3 && (40..=85).contains(&parent_age) && rng.random_bool(0.3) {
        // Three generations: a married child, their spouse and their children.
        let lo = 18.max(parent_age - 45);
        let hi = 42.min(parent_age - 20);
        let age = parent_age - rng.random_range(lo..=hi);
        let sex = random_sex(rng, 0.5);
        let diff = (3.0 + 3.0 * normal(rng)).round() as i32;
        let in_law_age = if sex == Sex::Male {
            age - diff
        } else {
            age + diff
        }
        .max(18);
        let in_law_sex = opposite(sex);
        let in_law_family = if in_law_sex == Sex::Female && culture.wife_takes_husband_family(rng) {
            father_family
        } else {
            culture.draw_family(rng)
        };
        let (mother2, grand_family) = if sex == Sex::Female {
            (age, in_law_family)
        } else {
            (in_law_age, father_family)
        };
        children.push(Slot {
            relation: Relation::Child,
            sex,
            age,
            family: father_family,
            birth_order: 0,
        });
        in_laws.push(Slot {
            relation: Relation::ChildInLaw,
            sex: in_law_sex,
            age: in_law_age,
            family: in_law_family,
            birth_order: rng.random_range(0..4),
        });
        remaining -= 2;
        let grand = rng.random_range(1..=remaining);
        for _ in 0..grand {
            grandchildren.push(Slot {
                relation: Relation::Grandchild,
                sex: random_sex(rng, 0.51),
                age: child_age(rng, mother2.max(18)),
                family: grand_family,
                birth_order: 0,
            });
        }
        remaining -= grand;
    }
    let mut others = Vec::new();
    for _ in 0..remaining {
        let r: f64 = rng.random();
        if r < 0.04 {
            others.push(Slot {
                relation: Relation::OtherRelative,
                sex: random_sex(rng, 0.5),
                age: rng.random_range(5..=70),
                family: culture.draw_family(rng),
                birth_order: rng.random_range(0..4),
            });
        } else if r < 0.06 && head_age < 75 {
            others.push(Slot {
                relation: Relation::Sibling,
                sex: random_sex(rng, 0.5),
                age: (head_age + rng.random_range(-10..=10)).clamp(15, 95),
                family: head_family,
                birth_order: rng.random_range(0..4),
            });
        } else {
            children.push(Slot {
                relation: Relation::Child,
                sex: random_sex(rng, 0.51),
                age: child_age(rng, parent_age),
                family: father_family,
                birth_order: 0,
            });
        }
    }
    children.sort_by_key(|c| std::cmp::Reverse(c.age));
    for (i, c) in children.iter_mut().enumerate() {
        c.birth_order = i;
    }
    grandchildren.sort_by_key(|c| std::cmp::Reverse(c.age));
    for (i, c) in grandchildren.iter_mut().enumerate() {
        c.birth_order = i;
    }
    let mut all = head;
    all.extend(children);
    all.extend(in_laws);
    all.extend(grandchildren);
    all.extend(elders);
    all.extend(others);
    all
}

/// A random birth date of someone aged `age` (completed years) on `reference`.
fn birth_date<R: Rng>(rng: &mut R, reference: NaiveDate, age: i32) -> NaiveDate {
    let upper = reference
        .checked_sub_months(Months::new(12 * age.max(0) as u32))
        .expect("date in range");
    let lower = upper
        .checked_sub_months(Months::new(12))
        .expect("date in range");
    let span = (upper - lower).num_days().max(1) as u64;
    upper - Days::new(rng.random_range(0..span))
}

const STREETS: &[&str] = &[
    "Merdeka",
    "Sudirman",
    "Diponegoro",
    "Ahmad Yani",
    "Gajah Mada",
    "Pahlawan",
    "Veteran",
    "Melati",
    "Mawar",
    "Kenanga",
    "Cempaka",
    "Anggrek",
    "Flamboyan",
    "Kartini",
    "Imam Bonjol",
    "Hasanuddin",
    "Pattimura",
    "Cendrawasih",
    "Nusantara",
    "Kemuning",
    "Teuku Umar",
    "Sisingamangaraja",
];
const HAMLETS: &[&str] = &[
    "Krajan",
    "Sukamaju",
    "Sumbersari",
    "Mekarsari",
    "Tanjung",
    "Karanganyar",
    "Sidomulyo",
    "Sukadamai",
    "Mulya",
    "Harapan Jaya",
    "I",
    "II",
    "III",
    "IV",
    "V",
];

/// Extra per-household facts needed after drawing (for the survey and problems).
pub(crate) struct Meta {
    pub village: usize,
    pub district: usize,
    pub culture: Culture,
    /// Names of the real members (with titles as recorded).
    pub names: Vec<Name>,
    pub true_size: usize,
}

/// Standardized log consumption of `n` households by stratified (Latin hypercube) sampling:
/// one draw in each of `n` equiprobable strata of the standard normal, in random order. Each
/// value is exactly N(0, 1) (so each household's consumption is exactly the province's
/// lognormal, independent of its size), and the regency's sample follows the lognormal far more
/// closely than independent draws would, so that even small runs reproduce the BPS Gini and
/// poverty rate.
fn stratified_normals<R: Rng>(rng: &mut R, n: usize) -> Vec<f64> {
    let mut z: Vec<f64> = (0..n)
        .map(|i| {
            let u = (i as f64 + rng.random::<f64>().max(1e-12)) / n as f64;
            setara_stats::normal_quantile(u.min(1.0 - 1e-16)).expect("probability in (0, 1)")
        })
        .collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        z.swap(i, j);
    }
    z
}

/// Draw one household whose standardized log consumption is `z`.
fn draw_household<R: Rng>(
    model: &RegencyModel,
    ids: &mut Ids,
    rng: &mut R,
    z: f64,
    reference: NaiveDate,
) -> Result<(SyntheticHousehold, Meta), Error> {
    let consumption = model.consumption.at(z);
    let vi = model.pick_village(z, rng);
    let village = &model.villages[vi];
    let district = model.districts[village.district];
    let urban = village.urban;
    let size = 1 + attributes::weighted(rng, &SIZE_WEIGHTS);
    let culture = names::draw_culture(rng, model.mix);
    let slots = compose(rng, size, culture);
    let a = RHO * z + (1.0 - RHO * RHO).sqrt() * normal(rng) + model.delta;

    let cell = AttributeModel::get(model.area, urban, model.coastal);
    let (dwelling, assets, land) = cell.draw(a, size, rng);
    let insurance = attributes::draw_insurance(rng, a, urban);

    let births: Vec<NaiveDate> = slots
        .iter()
        .map(|s| birth_date(rng, reference, s.age))
        .collect();
    let youngest = births.iter().max().copied().unwrap_or(reference);
    let earliest_issue = youngest
        .max(NaiveDate::from_ymd_opt(2008, 1, 1).expect("valid date"))
        .min(reference);
    let issue_span = (reference - earliest_issue).num_days().max(0) as u64;
    let issued = earliest_issue + Days::new(rng.random_range(0..=issue_span));
    let kk = ids.kk(rng, district, issued)?;

    let mut members = Vec::with_capacity(size);
    let mut truth = Vec::with_capacity(size);
    let mut names_out = Vec::with_capacity(size);
    for (slot, &birth) in slots.iter().zip(&births) {
        let moved_in = matches!(
            slot.relation,
            Relation::Spouse | Relation::ChildInLaw | Relation::ParentInLaw
        );
        let p_other = if moved_in { 0.10 } else { 0.025 };
        let nik_district = if model.districts.len() > 1 && rng.random_bool(p_other) {
            let mut d = rng.random_range(0..model.districts.len() - 1);
            if d >= village.district {
                d += 1;
            }
            model.districts[d]
        } else {
            district
        };
        let nik = ids.nik(rng, nik_district, birth, slot.sex)?;
        let mut name = names::draw_name(
            rng,
            &NameRequest {
                culture,
                sex: slot.sex,
                birth_year: birth.year(),
                family: slot.family,
                birth_order: slot.birth_order,
            },
        );
        let schooling = attributes::draw_schooling(rng, a, slot.age, birth.year(), urban);
        let attending = schooling.school == setara_core::SchoolAttendance::Attending;
        let work = attributes::draw_work(
            rng,
            a,
            slot.age,
            slot.sex,
            schooling.education,
            attending,
            urban,
            model.coastal,
        );
        let health = if rng.random_bool(0.9) {
            insurance
        } else {
            attributes::draw_insurance(rng, a, urban)
        };
        let disability = attributes::draw_disability(rng, a, slot.age);
        let chronic = attributes::draw_chronic(rng, slot.age);
        if slot.age >= 22 {
            names::draw_titles(
                rng,
                &mut name,
                culture,
                slot.sex,
                slot.age,
                Some(schooling.education),
            );
        }
        truth.push(PersonTruth {
            entity: 0,
            nik_true: nik,
            birth_date_true: birth,
            name_true: name.plain(),
        });
        members.push(Person {
            nik,
            kk,
            name: name.render(),
            sex: slot.sex,
            birth_date: birth,
            relation: slot.relation,
            education: Some(schooling.education),
            work: Some(work),
            disability: Some(disability),
            chronic_illness: Some(chronic),
            health_insurance: Some(if health == HealthInsurance::Other && slot.age < 1 {
                insurance
            } else {
                health
            }),
            school: Some(schooling.school),
        });
        names_out.push(name);
    }

    let (rt, rw) = if urban {
        (rng.random_range(1..=15), rng.random_range(1..=12))
    } else {
        (rng.random_range(1..=8), rng.random_range(1..=6))
    };
    let address = if urban {
        format!(
            "Jl. {} No. {}",
            STREETS[rng.random_range(0..STREETS.len())],
            rng.random_range(1..=150)
        )
    } else if rng.random_bool(0.7) {
        format!("Dusun {}", HAMLETS[rng.random_range(0..HAMLETS.len())])
    } else {
        format!(
            "Kampung {}",
            HAMLETS[rng.random_range(0..HAMLETS.len() - 5)]
        )
    };
    let household = Household {
        kk,
        region: village.code,
        address: Some(address),
        rt: Some(rt),
        rw: Some(rw),
        declared_size: Some(size as u16),
        dwelling,
        assets,
        land_m2: Some(land),
        survey: None,
    };
    let consumption = Rupiah(consumption.round() as i64);
    Ok((
        SyntheticHousehold {
            household,
            members,
            truth: HouseholdTruth {
                kk,
                region_true: village.code,
                region_recorded: village.code,
                members: size as u16,
                consumption_per_capita: consumption,
                urban,
                surveyed: false,
                survey_weight: None,
            },
            member_truth: truth,
            problems: Vec::new(),
        },
        Meta {
            village: vi,
            district: village.district,
            culture,
            names: names_out,
            true_size: size,
        },
    ))
}

/// Generate the households of one regency, in output order.
pub(crate) fn generate_regency(
    config: &Config,
    plan: &RegencyPlan,
) -> Result<Vec<SyntheticHousehold>, Error> {
    let n = usize::try_from(plan.households)
        .map_err(|_| Error::Config("too many households".into()))?;
    let mut rng = stream(config.seed, plan.regency, POPULATION_STREAM);
    let model = RegencyModel::new(plan.regency, &mut rng)?;
    let mut ids = Ids::new(n);
    let zs = stratified_normals(&mut rng, n);
    let mut drawn = Vec::with_capacity(n);
    for z in zs {
        drawn.push(draw_household(
            &model,
            &mut ids,
            &mut rng,
            z,
            config.reference_date,
        )?);
    }
    drawn.sort_by_key(|(h, _)| (h.truth.region_true, h.truth.kk));
    let (mut households, metas): (Vec<_>, Vec<_>) = drawn.into_iter().unzip();

    // Entities: one id per real person, in output order.
    let base = plan.regency.digits() * 100_000_000;
    let mut next = 0u64;
    for h in &mut households {
        for t in &mut h.member_truth {
            next += 1;
            t.entity = base + next;
        }
    }

    // Survey: a simple random sample within the regency.
    let mut srng = stream(config.seed, plan.regency, SURVEY_STREAM);
    let k = if n == 0 || config.survey_fraction <= 0.0 {
        0
    } else {
        ((config.survey_fraction * n as f64).round() as usize).clamp(1, n)
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in 0..k {
        let j = srng.random_range(i..n);
        order.swap(i, j);
    }
    let weight = if k > 0 { n as f64 / k as f64 } else { 0.0 };
    for &i in &order[..k] {
        let h = &mut households[i];
        h.truth.surveyed = true;
        h.truth.survey_weight = Some(weight);
        h.household.survey = Some(Survey {
            consumption_per_capita: h.truth.consumption_per_capita,
            weight,
        });
    }

    let mut prng = stream(config.seed, plan.regency, PROBLEM_STREAM);
    problems::inject(
        &model,
        &metas,
        &mut households,
        &config.rates,
        &mut ids,
        &mut prng,
        config.reference_date,
    );
    Ok(households)
}

/// A generated regency, ready to be passed to the sink.
struct Ready {
    summary: Summary,
    households: u64,
    payload: Payload,
}

enum Payload {
    Households(Vec<SyntheticHousehold>),
    Chunk(Chunk),
}

/// State shared between the generating workers and the writing thread.
struct Shared {
    next_claim: usize,
    next_emit: usize,
    done: BTreeMap<usize, Result<Ready, Error>>,
    abort: bool,
}

fn lock(m: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Generate one regency and, if the sink renders, render it.
fn prepare(config: &Config, plan: &RegencyPlan, render: Option<&RenderFn>) -> Result<Ready, Error> {
    let batch = generate_regency(config, plan)?;
    let mut summary = Summary::default();
    for h in &batch {
        summary.add(h);
    }
    let households = batch.len() as u64;
    let payload = match render {
        Some(f) => Payload::Chunk(f(&batch)?),
        None => Payload::Households(batch),
    };
    Ok(Ready {
        summary,
        households,
        payload,
    })
}

/// Threads that generate regencies, for `jobs` regencies to generate.
pub(crate) fn workers(jobs: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(jobs.max(1))
}

/// Regencies that may be generated ahead of the one being written.
pub(crate) fn window(workers: usize) -> usize {
    2 * workers + 1
}

/// The most households held in memory at once: the largest sum over `window + workers`
/// consecutive regencies of the plan (the finished regencies waiting to be written and those
/// being generated).
pub(crate) fn most_in_memory(plan: &[RegencyPlan]) -> u64 {
    let jobs: Vec<u64> = plan
        .iter()
        .map(|p| p.households)
        .filter(|&n| n > 0)
        .collect();
    let workers = workers(jobs.len());
    let span = (window(workers) + workers).min(jobs.len()).max(1);
    jobs.windows(span)
        .map(|w| w.iter().sum::<u64>())
        .max()
        .unwrap_or_else(|| jobs.iter().sum())
}

/// Generate the planned regencies on worker threads and pass them to `sink` in plan order.
/// At most a few regencies are held in memory at once.
pub(crate) fn run(
    config: &Config,
    plan: &[RegencyPlan],
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(u64),
) -> Result<Summary, Error> {
    let jobs: Vec<&RegencyPlan> = plan.iter().filter(|p| p.households > 0).collect();
    let workers = workers(jobs.len());
    let window = window(workers);
    let render = sink.renderer();
    let shared = Mutex::new(Shared {
        next_claim: 0,
        next_emit: 0,
        done: BTreeMap::new(),
        abort: false,
    });
    let ready = Condvar::new();

    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let idx = {
                        let mut g = lock(&shared);
                        loop {
                            if g.abort || g.next_claim >= jobs.len() {
                                return;
                            }
                            if g.next_claim < g.next_emit + window {
                                break;
                            }
                            g = ready.wait(g).unwrap_or_else(|e| e.into_inner());
                        }
                        g.next_claim += 1;
                        g.next_claim - 1
                    };
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        prepare(config, jobs[idx], render.as_ref())
                    }))
                    .unwrap_or_else(|_| {
                        Err(Error::Generation(format!(
                            "regency {} panicked",
                            jobs[idx].regency
                        )))
                    });
                    let mut g = lock(&shared);
                    g.done.insert(idx, result);
                    ready.notify_all();
                }
            });
        }

        let mut summary = Summary::default();
        let mut emit = || -> Result<(), Error> {
            let mut done = 0u64;
            for i in 0..jobs.len() {
                let batch = {
                    let mut g = lock(&shared);
                    loop {
                        if let Some(b) = g.done.remove(&i) {
                            g.next_emit = i + 1;
                            ready.notify_all();
                            break b;
                        }
                        g = ready.wait(g).unwrap_or_else(|e| e.into_inner());
                    }
                }?;
                match batch.payload {
                    Payload::Chunk(chunk) => sink.write_chunk(chunk)?,
                    Payload::Households(households) => {
                        for h in &households {
                            sink.household(&h.household, &h.members)?;
                            sink.truth(&Truth {
                                household: &h.truth,
                                persons: &h.member_truth,
                                problems: &h.problems,
                                members: &h.members,
                            })?;
                        }
                    }
                }
                summary.merge(batch.summary);
                done += batch.households;
                progress(done);
            }
            Ok(())
        };
        let outcome = emit();
        if outcome.is_err() {
            lock(&shared).abort = true;
            ready.notify_all();
        }
        outcome.map(|()| summary)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_is_exact_and_proportional() {
        let a = allocate(10, &[1, 1, 1]);
        assert_eq!(a, [4, 3, 3]);
        let w = [5u64, 0, 3, 2];
        let a = allocate(1_000, &w);
        assert_eq!(a.iter().sum::<u64>(), 1_000);
        assert_eq!(a, [500, 0, 300, 200]);
        let plan = plan_national(12_345);
        assert_eq!(plan.len(), 514);
        assert_eq!(plan.iter().map(|p| p.households).sum::<u64>(), 12_345);
    }

    #[test]
    fn compositions_are_plausible() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..5_000 {
            let size = 1 + attributes::weighted(&mut rng, &SIZE_WEIGHTS);
            let slots = compose(&mut rng, size, Culture::Javanese);
            assert_eq!(slots.len(), size);
            assert_eq!(
                slots
                    .iter()
                    .filter(|s| s.relation == Relation::Head)
                    .count(),
                1
            );
            let head = &slots[0];
            assert_eq!(head.relation, Relation::Head);
            assert!((20..=85).contains(&head.age));
            let spouse = slots.iter().find(|s| s.relation == Relation::Spouse);
            if let Some(s) = spouse {
                assert_ne!(s.sex, head.sex);
            }
            let mother = [Some(head), spouse]
                .into_iter()
                .flatten()
                .find(|s| s.sex == Sex::Female);
            if let Some(m) = mother {
                for c in slots.iter().filter(|s| s.relation == Relation::Child) {
                    let d = m.age - c.age;
                    assert!((16..=45).contains(&d), "mother {} child {}", m.age, c.age);
                }
            }
            for s in &slots {
                assert!(s.age >= 0 && s.age <= 98, "{}", s.age);
            }
        }
    }
}
