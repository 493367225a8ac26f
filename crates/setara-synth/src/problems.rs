//! Injected data problems and their ground truth.
//!
//! Applied per regency after the true population is drawn, from the regency's own problem
//! stream, in this order:
//!
//! 1. `wrong_region` (per household): the recorded region becomes a code that is not current
//!    (a village number that does not exist in the same district, or for a regency of the
//!    provinces created in 2022 its pre-2022 code, e.g. Merauke `93.01` → `91.01`) or a current
//!    village of another district of the regency.
//! 2. `nik_typo` and `date_swap` (per person, on the real members' records).
//! 3. `two_households` (per person): the record, as recorded, is also listed in another
//!    household of the same district (relation `child` or `other_relative`).
//! 4. `duplicate_person` (per person): a second record of the person, with name variants,
//!    placed in another household of the same village (60 %) or district (30 %), or in the same
//!    household (10 %, then always with a NIK typo); sometimes also a NIK typo (25 %) or a
//!    day/month swap (15 %).
//!
//! Every recorded NIK still parses, no NIK appears twice in one KK, a typo'd NIK is never a real
//! person's NIK of the regency and never carries the district of another regency, and no
//! recorded birth date is after the reference date.

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use setara_core::{Level, Nik, RegionCode, Regions, Relation};

use crate::names;
use crate::population::{Ids, Meta, RegencyModel};
use crate::{Problem, ProblemKind, ProblemRates, SyntheticHousehold};

/// Share of birth dates whose day and month can be swapped (day ≤ 12, day ≠ month).
const SWAPPABLE_SHARE: f64 = 11.0 / 30.44;

/// Regencies of Papua Selatan, Papua Tengah, Papua Pegunungan and Papua Barat Daya (created
/// 2022) and their codes before, in the Papua (91) and Papua Barat (92) of Permendagri 2017.
const PAPUA_OLD_CODES: &[(u64, u64)] = &[
    (9301, 9101), // Merauke
    (9302, 9116), // Boven Digoel
    (9303, 9117), // Mappi
    (9304, 9118), // Asmat
    (9401, 9104), // Nabire
    (9402, 9107), // Puncak Jaya
    (9403, 9108), // Paniai
    (9404, 9109), // Mimika
    (9405, 9125), // Puncak
    (9406, 9126), // Dogiyai
    (9407, 9127), // Intan Jaya
    (9408, 9128), // Deiyai
    (9501, 9102), // Jayawijaya
    (9502, 9112), // Pegunungan Bintang
    (9503, 9113), // Yahukimo
    (9504, 9114), // Tolikara
    (9505, 9121), // Mamberamo Tengah
    (9506, 9122), // Yalimo
    (9507, 9123), // Lanny Jaya
    (9508, 9124), // Nduga
    (9601, 9201), // Sorong
    (9602, 9204), // Sorong Selatan
    (9603, 9205), // Raja Ampat
    (9604, 9209), // Tambrauw
    (9605, 9210), // Maybrat
    (9671, 9271), // Kota Sorong
];

/// The pre-2022 regency code of a regency now in one of the new Papua provinces.
pub(crate) fn old_papua_regency(regency: RegionCode) -> Option<RegionCode> {
    let d = regency.digits();
    PAPUA_OLD_CODES
        .iter()
        .find(|(new, _)| *new == d)
        .map(|(_, old)| RegionCode::from_digits(*old, Level::Regency))
}

fn fmt_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A NIK with one digit changed or two adjacent digits swapped that still parses, is not in
/// `used`, and whose district is not a current district of another regency.
fn typo(rng: &mut ChaCha8Rng, nik: Nik, ids: &mut Ids, regency: RegionCode) -> Option<Nik> {
    let regions = Regions::kemendagri_2025();
    let s = nik.to_string();
    let digits: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
    for _ in 0..64 {
        let mut d = digits.clone();
        if rng.random_bool(0.6) {
            let i = rng.random_range(0..16);
            let mut new = rng.random_range(0..9u8);
            if new >= d[i] {
                new += 1;
            }
            d[i] = new;
        } else {
            let i = rng.random_range(0..15);
            if d[i] == d[i + 1] {
                continue;
            }
            d.swap(i, i + 1);
        }
        let n = d.iter().fold(0u64, |acc, &x| acc * 10 + u64::from(x));
        let Ok(candidate) = Nik::from_u64(n) else {
            continue;
        };
        if ids.niks.contains(&n) {
            continue;
        }
        let district = candidate.district();
        if regions.contains(district) && district.ancestor(Level::Regency) != regency {
            continue;
        }
        ids.niks.insert(n);
        return Some(candidate);
    }
    None
}

/// The birth date with day and month swapped, when possible and not after `reference`.
fn swapped(date: NaiveDate, reference: NaiveDate) -> Option<NaiveDate> {
    if date.day() > 12 || date.day() == date.month() {
        return None;
    }
    NaiveDate::from_ymd_opt(date.year(), date.day(), date.month()).filter(|d| *d <= reference)
}

/// A wrong region for a household of village `vi`.
fn wrong_region(rng: &mut ChaCha8Rng, model: &RegencyModel, vi: usize) -> Option<RegionCode> {
    let regions = Regions::kemendagri_2025();
    let village = &model.villages[vi];
    let r: f64 = rng.random();
    if let Some(old) = old_papua_regency(model.regency)
        && r < 0.5
    {
        let code = RegionCode::from_digits(
            old.digits() * 1_000_000 + village.code.digits() % 1_000_000,
            Level::Village,
        );
        if !regions.contains(code) {
            return Some(code);
        }
    }
    if r < 0.6 && model.districts.len() > 1 {
        let mut d = rng.random_range(0..model.districts.len() - 1);
        if d >= village.district {
            d += 1;
        }
        let vs = &model.villages_by_district[d];
        return Some(model.villages[vs[rng.random_range(0..vs.len())]].code);
    }
    // A village number that does not exist in the household's district.
    let district = model.districts[village.district].digits();
    let kind = if village.urban { 1_000 } else { 2_000 };
    for _ in 0..50 {
        let code = RegionCode::from_digits(
            district * 10_000 + kind + rng.random_range(1..=199),
            Level::Village,
        );
        if !regions.contains(code) {
            return Some(code);
        }
    }
    None
}

/// Apply the problems to a regency's households (in output order).
pub(crate) fn inject(
    model: &RegencyModel,
    metas: &[Meta],
    households: &mut [SyntheticHousehold],
    rates: &ProblemRates,
    ids: &mut Ids,
    rng: &mut ChaCha8Rng,
    reference: NaiveDate,
) {
    let n = households.len();
    if n == 0 || *rates == ProblemRates::none() {
        return;
    }
    let mut by_village: Vec<Vec<usize>> = vec![Vec::new(); model.villages.len()];
    let mut by_district: Vec<Vec<usize>> = vec![Vec::new(); model.districts.len()];
    for (i, m) in metas.iter().enumerate() {
        by_village[m.village].push(i);
        by_district[m.district].push(i);
    }

    // 1. Wrong region.
    for (h, meta) in households.iter_mut().zip(metas) {
        if rng.random::<f64>() < rates.wrong_region
            && let Some(code) = wrong_region(rng, model, meta.village)
        {
            h.household.region = code;
            h.truth.region_recorded = code;
            h.problems.push(Problem {
                kind: ProblemKind::WrongRegion,
                kk: h.household.kk,
                nik: None,
                field: "region",
                true_value: h.truth.region_true.to_string(),
                recorded_value: code.to_string(),
            });
        }
    }

    // 2. NIK typos and swapped dates on the real members' records.
    let p_swap = (rates.date_swap / SWAPPABLE_SHARE).min(1.0);
    for (h, meta) in households.iter_mut().zip(metas) {
        for m in 0..meta.true_size {
            if rng.random::<f64>() < rates.nik_typo {
                let true_nik = h.members[m].nik;
                if let Some(t) = typo(rng, true_nik, ids, model.regency) {
                    h.members[m].nik = t;
                    h.problems.push(Problem {
                        kind: ProblemKind::NikTypo,
                        kk: h.household.kk,
                        nik: Some(t),
                        field: "nik",
                        true_value: true_nik.to_string(),
                        recorded_value: t.to_string(),
                    });
                }
            }
            if rng.random::<f64>() < p_swap {
                let birth = h.members[m].birth_date;
                if let Some(s) = swapped(birth, reference) {
                    h.members[m].birth_date = s;
                    h.problems.push(Problem {
                        kind: ProblemKind::DateSwap,
                        kk: h.household.kk,
                        nik: Some(h.members[m].nik),
                        field: "birth_date",
                        true_value: fmt_date(birth),
                        recorded_value: fmt_date(s),
                    });
                }
            }
        }
    }

    // 3. The same person listed in a second KK of the same district.
    for hi in 0..n {
        for m in 0..metas[hi].true_size {
            if rng.random::<f64>() >= rates.two_households {
                continue;
            }
            let pool = &by_district[metas[hi].district];
            if pool.len() < 2 {
                continue;
            }
            let mut t = pool[rng.random_range(0..pool.len() - 1)];
            if t == hi {
                t = pool[pool.len() - 1];
            }
            let mut record = households[hi].members[m].clone();
            if households[t].members.iter().any(|p| p.nik == record.nik) {
                continue;
            }
            let target_head_age =
                setara_core::age_on(households[t].members[0].birth_date, reference);
            let age = setara_core::age_on(record.birth_date, reference);
            record.relation = if age + 16 <= target_head_age && rng.random_bool(0.5) {
                Relation::Child
            } else {
                Relation::OtherRelative
            };
            let original_kk = record.kk;
            record.kk = households[t].household.kk;
            let truth = households[hi].member_truth[m].clone();
            let target = &mut households[t];
            target.problems.push(Problem {
                kind: ProblemKind::TwoHouseholds,
                kk: record.kk,
                nik: Some(record.nik),
                field: "kk",
                true_value: original_kk.to_string(),
                recorded_value: record.kk.to_string(),
            });
            target.members.push(record);
            target.member_truth.push(truth);
        }
    }

    // 4. Duplicate records with name variants.
    for hi in 0..n {
        for m in 0..metas[hi].true_size {
            if rng.random::<f64>() >= rates.duplicate_person {
                continue;
            }
            let meta = &metas[hi];
            let r: f64 = rng.random();
            let others = |pool: &[usize]| pool.len() >= 2;
            let t = if r < 0.6 && others(&by_village[meta.village]) {
                pick_other(rng, &by_village[meta.village], hi)
            } else if r < 0.9 && others(&by_district[meta.district]) {
                pick_other(rng, &by_district[meta.district], hi)
            } else {
                hi
            };
            let truth = households[hi].member_truth[m].clone();
            let original = &households[hi].members[m];
            let age = setara_core::age_on(truth.birth_date_true, reference);
            let mut record = original.clone();
            record.nik = truth.nik_true;
            record.birth_date = truth.birth_date_true;
            record.relation = Relation::OtherRelative;
            record.kk = households[t].household.kk;
            let name = names::variant(
                rng,
                &meta.names[m],
                original.sex,
                age,
                meta.culture.is_muslim(),
            );
            record.name = name.render();
            if rng.random_bool(0.3) {
                record.education = None;
            }
            if rng.random_bool(0.3) {
                record.work = None;
            }
            let nik_taken = households[t].members.iter().any(|p| p.nik == record.nik);
            let mut extra = Vec::new();
            if t == hi || nik_taken || rng.random_bool(0.25) {
                match typo(rng, truth.nik_true, ids, model.regency) {
                    Some(typoed) => {
                        record.nik = typoed;
                        extra.push(Problem {
                            kind: ProblemKind::NikTypo,
                            kk: record.kk,
                            nik: Some(typoed),
                            field: "nik",
                            true_value: truth.nik_true.to_string(),
                            recorded_value: typoed.to_string(),
                        });
                    }
                    None if t == hi || nik_taken => continue,
                    None => {}
                }
            }
            if rng.random_bool(0.15)
                && let Some(s) = swapped(truth.birth_date_true, reference)
            {
                record.birth_date = s;
                extra.push(Problem {
                    kind: ProblemKind::DateSwap,
                    kk: record.kk,
                    nik: Some(record.nik),
                    field: "birth_date",
                    true_value: fmt_date(truth.birth_date_true),
                    recorded_value: fmt_date(s),
                });
            }
            let target = &mut households[t];
            target.problems.push(Problem {
                kind: ProblemKind::DuplicatePerson,
                kk: record.kk,
                nik: Some(record.nik),
                field: "name",
                true_value: truth.name_true.clone(),
                recorded_value: record.name.clone(),
            });
            target.problems.extend(extra);
            target.members.push(record);
            target.member_truth.push(truth);
        }
    }
}

/// A member of `pool` other than `me` (the pool has at least two members and contains `me`).
fn pick_other(rng: &mut ChaCha8Rng, pool: &[usize], me: usize) -> usize {
    let t = pool[rng.random_range(0..pool.len() - 1)];
    if t == me { pool[pool.len() - 1] } else { t }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_papua_codes_are_not_current() {
        let regions = Regions::kemendagri_2025();
        for (new, old) in PAPUA_OLD_CODES {
            let new = RegionCode::from_digits(*new, Level::Regency);
            assert!(regions.contains(new), "{new}");
            assert!(
                !regions.contains(RegionCode::from_digits(*old, Level::Regency)),
                "{old}"
            );
        }
        assert_eq!(
            old_papua_regency(RegionCode::parse("93.01").unwrap())
                .unwrap()
                .to_string(),
            "91.01"
        );
        assert_eq!(old_papua_regency(RegionCode::parse("91.03").unwrap()), None);
    }

    #[test]
    fn swaps_only_when_possible() {
        let r = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(swapped(d(1980, 8, 5), r), Some(d(1980, 5, 8)));
        assert_eq!(swapped(d(1980, 8, 13), r), None);
        assert_eq!(swapped(d(1980, 7, 7), r), None);
        assert_eq!(swapped(d(2025, 5, 9), r), None); // 9 May → 5 September, after the reference date
    }
}
