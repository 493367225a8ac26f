//! The design matrix: what the proxy means test knows of every household, as named numbers.
//!
//! [`Design`] does not hold the matrix. It holds the snapshot's columns and computes a
//! household's row on demand ([`Design::for_each_nonzero`], [`Design::row`]), so that scoring
//! ten million households never materialises 10 M × p numbers (which would not fit in memory):
//! a row is computed, multiplied by the coefficients and forgotten. Fitting, which uses only the
//! surveyed households, accumulates cross-products row by row the same way.
//!
//! # Features
//!
//! The list is fixed (it does not depend on the data), so a model fitted on one snapshot can
//! score another: [`feature_names`] gives it in order. A feature that never varies in the data
//! (say, no household has a marble floor) is dropped when fitting, not here.
//!
//! - **Dwelling code lists** (`tenure`, `floor`, `wall`, `roof`, `water`, `toilet`,
//!   `electricity`, `cooking_fuel`): one 0/1 indicator per code, named `floor:earth`, except the
//!   *first* code of the list (`Floor::ALL[0]`, marble/granite; `Tenure::ALL[0]`, owned; …),
//!   which is the reference level; plus `floor:unknown` when the code was not recorded (or is
//!   not a valid index).
//! - `floor_area_pc:ln`: ln(floor area m² / members) (area 0 counts as 1 m²), with
//!   `floor_area:unknown` when not recorded (the log is then 0).
//! - Installed PLN power bands: `va:900` (451–900 VA), `va:1300` (901–1300), `va:2200`
//!   (1301–2200), `va:3500_plus` (above 2200), `va:unknown`; up to 450 VA is the reference.
//! - Assets, for each [`Asset`]: `asset:motorcycle` (owned) and `asset:motorcycle:unknown` (not
//!   recorded; an unrecorded asset is not an absent one).
//! - `land:ln1p` = ln(1 + land m²), `land:unknown`.
//! - Household size: `members`, `members_sq`, `ln_members` (members = member rows; 0 counts as
//!   1 in the log).
//! - Composition, by age on the reference date: `share:age_0_5`, `share:age_6_14`,
//!   `share:age_60_plus` (shares of members; ages 15–59 are the reference) and
//!   `count:age_15_59` (number of working-age members).
//! - Head: the first member whose relation is `head` (else the first member): `head:female`,
//!   `head:age_decades` (age in years / 10) and its square `head:age_decades_sq`;
//!   `head_edu:<level>` for every education level but `none` (the reference), `head_edu:unknown`;
//!   `head_work:<work>` for every work code but `not_working`, `head_work:unknown`.
//! - `max_edu_years`: the highest education of any member in years of schooling (none 0,
//!   primary incomplete 3, primary 6, junior secondary 9, senior secondary 12, diploma 14,
//!   bachelor 16, postgraduate 18), `max_edu:unknown` when no member's education is recorded.
//! - `share_working`: share of members whose main work is a job (farmer, fisher, laborer,
//!   trader, private employee, civil servant, self-employed, other).
//! - `any_disability` (a member with a recorded disability other than `none`),
//!   `any_chronic_illness`.
//!
//! Urban/rural is not in the snapshot and is not a feature; the regency fixed effects (see
//! [`crate::pmt`]) carry the place.

use std::ops::Range;

use arrow_array::Array;
use arrow_array::types::{ArrowPrimitiveType, Date32Type, UInt8Type, UInt32Type, UInt64Type};
use arrow_array::{BooleanArray, PrimitiveArray};
use chrono::{Months, NaiveDate};
use setara_core::{
    Asset, CookingFuel, Disability, Education, Electricity, Floor, Relation, Roof, Sex, Tenure,
    Toilet, Wall, WaterSource, Work,
};
use setara_snapshot::Snapshot;

/// Dwelling code lists in feature order: prefix, codes (first is the reference level).
fn code_lists() -> [(&'static str, Vec<&'static str>); 8] {
    fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|&v| code(v)).collect()
    }
    [
        ("tenure", codes(Tenure::ALL, Tenure::code)),
        ("floor", codes(Floor::ALL, Floor::code)),
        ("wall", codes(Wall::ALL, Wall::code)),
        ("roof", codes(Roof::ALL, Roof::code)),
        ("water", codes(WaterSource::ALL, WaterSource::code)),
        ("toilet", codes(Toilet::ALL, Toilet::code)),
        ("electricity", codes(Electricity::ALL, Electricity::code)),
        ("cooking_fuel", codes(CookingFuel::ALL, CookingFuel::code)),
    ]
}

/// Years of schooling by `Education::index()` (1-based; slot 0 unused).
const EDU_YEARS: [f64; 9] = [0.0, 0.0, 3.0, 6.0, 9.0, 12.0, 14.0, 16.0, 18.0];

/// Offsets of the feature blocks in a row.
#[derive(Clone, Debug)]
struct Layout {
    /// Per code list: offset of its first non-reference level, and its number of codes.
    cats: [(usize, u8); 8],
    floor_area: usize,
    va: usize,
    assets: usize,
    land: usize,
    members: usize,
    composition: usize,
    head: usize,
    head_edu: usize,
    max_edu: usize,
    head_work: usize,
    share_working: usize,
    any_disability: usize,
    width: usize,
}

fn layout_and_names() -> (Layout, Vec<String>) {
    let mut names: Vec<String> = Vec::with_capacity(160);
    let mut cats = [(0usize, 0u8); 8];
    for (slot, (prefix, codes)) in cats.iter_mut().zip(code_lists()) {
        *slot = (names.len(), codes.len() as u8);
        for c in &codes[1..] {
            names.push(format!("{prefix}:{c}"));
        }
        names.push(format!("{prefix}:unknown"));
    }
    let push = |names: &mut Vec<String>, list: &[&str]| {
        let at = names.len();
        names.extend(list.iter().map(|s| s.to_string()));
        at
    };
    let floor_area = push(&mut names, &["floor_area_pc:ln", "floor_area:unknown"]);
    let va = push(
        &mut names,
        &["va:900", "va:1300", "va:2200", "va:3500_plus", "va:unknown"],
    );
    let assets = names.len();
    for a in Asset::ALL {
        names.push(format!("asset:{}", a.code()));
        names.push(format!("asset:{}:unknown", a.code()));
    }
    let land = push(&mut names, &["land:ln1p", "land:unknown"]);
    let members = push(&mut names, &["members", "members_sq", "ln_members"]);
    let composition = push(
        &mut names,
        &[
            "share:age_0_5",
            "share:age_6_14",
            "share:age_60_plus",
            "count:age_15_59",
        ],
    );
    let head = push(
        &mut names,
        &["head:female", "head:age_decades", "head:age_decades_sq"],
    );
    let head_edu = names.len();
    for e in &Education::ALL[1..] {
        names.push(format!("head_edu:{}", e.code()));
    }
    names.push("head_edu:unknown".into());
    let max_edu = push(&mut names, &["max_edu_years", "max_edu:unknown"]);
    let head_work = names.len();
    for w in &Work::ALL[1..] {
        names.push(format!("head_work:{}", w.code()));
    }
    names.push("head_work:unknown".into());
    let share_working = push(&mut names, &["share_working"]);
    let any_disability = push(&mut names, &["any_disability", "any_chronic_illness"]);
    let width = names.len();
    (
        Layout {
            cats,
            floor_area,
            va,
            assets,
            land,
            members,
            composition,
            head,
            head_edu,
            max_edu,
            head_work,
            share_working,
            any_disability,
            width,
        },
        names,
    )
}

/// The names of the features, in row order (stable strings; a fitted model stores them).
pub fn feature_names() -> Vec<String> {
    layout_and_names().1
}

/// A nullable primitive column as its value slice and validity.
#[derive(Clone, Copy)]
struct Col<'a, T: ArrowPrimitiveType> {
    values: &'a [T::Native],
    array: &'a PrimitiveArray<T>,
    has_nulls: bool,
}

impl<'a, T: ArrowPrimitiveType> Col<'a, T> {
    fn new(array: &'a PrimitiveArray<T>) -> Self {
        Col {
            values: array.values(),
            array,
            has_nulls: array.null_count() > 0,
        }
    }

    #[inline(always)]
    fn get(&self, i: usize) -> Option<T::Native> {
        if self.has_nulls && self.array.is_null(i) {
            None
        } else {
            Some(self.values[i])
        }
    }
}

/// Features of every household of a snapshot, computed row by row on demand.
///
/// Built once per snapshot and reference date (cheap: it only borrows columns), shared by
/// threads (`Sync`).
pub struct Design<'a> {
    layout: Layout,
    names: Vec<String>,
    households: usize,
    cats: [Col<'a, UInt8Type>; 8],
    floor_area: Col<'a, UInt32Type>,
    va: Col<'a, UInt32Type>,
    known: &'a [u16],
    owned: &'a [u16],
    land: Col<'a, UInt64Type>,
    members: &'a [u16],
    first: &'a [u32],
    sex: &'a [u8],
    birth: Col<'a, Date32Type>,
    relation: &'a [u8],
    education: Col<'a, UInt8Type>,
    work: Col<'a, UInt8Type>,
    disability: Col<'a, UInt8Type>,
    chronic: &'a BooleanArray,
    /// Birth dates (days since 1970-01-01) on or before which a person is at least 6, 15 and
    /// 60 years old on the reference date.
    born_by_6: i32,
    born_by_15: i32,
    born_by_60: i32,
    reference_days: i32,
}

// The arrays are immutable, memory-mapped Arrow arrays.
unsafe impl Sync for Design<'_> {}

/// Days since 1970-01-01 of `date`.
fn days(date: NaiveDate) -> i32 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid")).num_days() as i32
}

/// The last birth date at which a person is at least `years` old on `reference`: the same
/// calendar day `years` earlier (a reference date of 29 February maps to 28 February).
fn born_by(reference: NaiveDate, years: u32) -> i32 {
    let d = reference
        .checked_sub_months(Months::new(12 * years))
        .unwrap_or(NaiveDate::MIN);
    days(d)
}

impl<'a> Design<'a> {
    /// The design of `snap`, with ages computed on `reference_date`.
    pub fn from_snapshot(snap: &'a Snapshot, reference_date: NaiveDate) -> Design<'a> {
        let (layout, names) = layout_and_names();
        Design {
            layout,
            names,
            households: snap.household_count(),
            cats: [
                Col::new(snap.tenure()),
                Col::new(snap.floor()),
                Col::new(snap.wall()),
                Col::new(snap.roof()),
                Col::new(snap.water()),
                Col::new(snap.toilet()),
                Col::new(snap.electricity()),
                Col::new(snap.cooking_fuel()),
            ],
            floor_area: Col::new(snap.floor_area_m2()),
            va: Col::new(snap.electricity_va()),
            known: snap.assets_known().values(),
            owned: snap.assets_owned().values(),
            land: Col::new(snap.land_m2()),
            members: snap.members().values(),
            first: snap.first_person().values(),
            sex: snap.sex().values(),
            birth: Col::new(snap.birth_date()),
            relation: snap.relation().values(),
            education: Col::new(snap.education()),
            work: Col::new(snap.work()),
            disability: Col::new(snap.disability()),
            chronic: snap.chronic_illness(),
            born_by_6: born_by(reference_date, 6),
            born_by_15: born_by(reference_date, 15),
            born_by_60: born_by(reference_date, 60),
            reference_days: days(reference_date),
        }
    }

    /// Feature names, in row order (equal to [`feature_names`]).
    pub fn feature_names(&self) -> &[String] {
        &self.names
    }

    /// Number of features (row width).
    pub fn width(&self) -> usize {
        self.layout.width
    }

    /// Number of households (rows).
    pub fn len(&self) -> usize {
        self.households
    }

    pub fn is_empty(&self) -> bool {
        self.households == 0
    }

    /// The row of household `h` into `out` (length [`width`](Self::width); overwritten).
    pub fn row(&self, h: usize, out: &mut [f64]) {
        assert_eq!(out.len(), self.width(), "row buffer of the wrong width");
        out.fill(0.0);
        self.for_each_nonzero(h, |j, v| out[j] = v);
    }

    /// Rows `range` into `out`, row-major (`range.len() × width` values; overwritten).
    pub fn rows(&self, range: Range<usize>, out: &mut [f64]) {
        let p = self.width();
        assert_eq!(out.len(), range.len() * p, "buffer of the wrong size");
        for (h, row) in range.zip(out.chunks_exact_mut(p)) {
            self.row(h, row);
        }
    }

    /// Call `f(feature, value)` for every feature of household `h` whose value is not zero,
    /// in increasing feature order, each feature at most once.
    #[inline]
    pub fn for_each_nonzero(&self, h: usize, mut f: impl FnMut(usize, f64)) {
        let l = &self.layout;
        // Dwelling code lists.
        for (col, &(at, n)) in self.cats.iter().zip(&l.cats) {
            match col.get(h) {
                Some(1) => {}
                Some(i) if i >= 2 && i <= n => f(at + usize::from(i) - 2, 1.0),
                _ => f(at + usize::from(n) - 1, 1.0),
            }
        }
        let members = self.members[h];
        let m = f64::from(members.max(1));
        let ln_m = m.ln();
        match self.floor_area.get(h) {
            Some(a) => {
                let v = f64::from(a.max(1)).ln() - ln_m;
                if v != 0.0 {
                    f(l.floor_area, v);
                }
            }
            None => f(l.floor_area + 1, 1.0),
        }
        match self.va.get(h) {
            Some(va) if va <= 450 => {}
            Some(va) if va <= 900 => f(l.va, 1.0),
            Some(va) if va <= 1300 => f(l.va + 1, 1.0),
            Some(va) if va <= 2200 => f(l.va + 2, 1.0),
            Some(_) => f(l.va + 3, 1.0),
            None => f(l.va + 4, 1.0),
        }
        let (known, owned) = (self.known[h], self.owned[h]);
        for i in 0..Asset::ALL.len() {
            let bit = 1u16 << i;
            if known & bit == 0 {
                f(l.assets + 2 * i + 1, 1.0);
            } else if owned & bit != 0 {
                f(l.assets + 2 * i, 1.0);
            }
        }
        match self.land.get(h) {
            Some(0) => {}
            Some(a) => f(l.land, (a as f64).ln_1p()),
            None => f(l.land + 1, 1.0),
        }
        if members > 0 {
            let mf = f64::from(members);
            f(l.members, mf);
            f(l.members + 1, mf * mf);
            if members > 1 {
                f(l.members + 2, ln_m);
            }
        }
        if members == 0 {
            // No member rows: the head and everyone's attributes are unknown.
            f(l.head_edu + Education::ALL.len() - 1, 1.0);
            f(l.max_edu + 1, 1.0);
            f(l.head_work + Work::ALL.len() - 1, 1.0);
            return;
        }
        let first = self.first[h] as usize;
        let persons = first..first + usize::from(members);
        let head_rel = Relation::Head.index();
        let mut head = first;
        let (mut young, mut child, mut old, mut working_age) = (0u32, 0u32, 0u32, 0u32);
        let mut max_edu: Option<u8> = None;
        let (mut working, mut disabled, mut chronic) = (0u32, false, false);
        let none_disability = Disability::None.index();
        let mut found_head = false;
        for p in persons {
            if !found_head && self.relation[p] == head_rel {
                head = p;
                found_head = true;
            }
            if let Some(b) = self.birth.get(p) {
                if b > self.born_by_6 {
                    young += 1;
                } else if b > self.born_by_15 {
                    child += 1;
                } else if b > self.born_by_60 {
                    working_age += 1;
                } else {
                    old += 1;
                }
            }
            if let Some(e) = self.education.get(p)
                && (1..=8).contains(&e)
            {
                max_edu = Some(max_edu.map_or(e, |m| m.max(e)));
            }
            if let Some(w) = self.work.get(p) {
                // Work codes 4..=10 and 12: farmer … self-employed, other.
                if (4..=10).contains(&w) || w == 12 {
                    working += 1;
                }
            }
            if let Some(d) = self.disability.get(p)
                && d != none_disability
            {
                disabled = true;
            }
            if self.chronic.is_valid(p) && self.chronic.value(p) {
                chronic = true;
            }
        }
        let inv = 1.0 / f64::from(members);
        for (k, c) in [young, child, old].into_iter().enumerate() {
            if c > 0 {
                f(l.composition + k, f64::from(c) * inv);
            }
        }
        if working_age > 0 {
            f(l.composition + 3, f64::from(working_age));
        }
        if self.sex[head] == Sex::Female.index() {
            f(l.head, 1.0);
        }
        if let Some(b) = self.birth.get(head) {
            let age = f64::from(self.reference_days - b).max(0.0) / 3652.425;
            if age > 0.0 {
                f(l.head + 1, age);
                f(l.head + 2, age * age);
            }
        }
        match self.education.get(head) {
            Some(1) => {}
            Some(e) if (2..=8).contains(&e) => f(l.head_edu + usize::from(e) - 2, 1.0),
            _ => f(l.head_edu + Education::ALL.len() - 1, 1.0),
        }
        match max_edu {
            Some(e) => {
                let y = EDU_YEARS[usize::from(e)];
                if y > 0.0 {
                    f(l.max_edu, y);
                }
            }
            None => f(l.max_edu + 1, 1.0),
        }
        let n_work = Work::ALL.len();
        match self.work.get(head) {
            Some(1) => {}
            Some(w) if w >= 2 && usize::from(w) <= n_work => {
                f(l.head_work + usize::from(w) - 2, 1.0)
            }
            _ => f(l.head_work + n_work - 1, 1.0),
        }
        if working > 0 {
            f(l.share_working, f64::from(working) * inv);
        }
        if disabled {
            f(l.any_disability, 1.0);
        }
        if chronic {
            f(l.any_disability + 1, 1.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_match_the_layout() {
        let (layout, names) = layout_and_names();
        assert_eq!(layout.width, names.len());
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert!(names.contains(&"floor:earth".to_string()));
        assert!(!names.contains(&"floor:marble_granite".to_string()));
        assert!(names.contains(&"asset:motorcycle".to_string()));
        assert!(names.contains(&"ln_members".to_string()));
        assert_eq!(names[layout.any_disability + 1], "any_chronic_illness");
        assert_eq!(names[layout.head_work], "head_work:student");
        assert_eq!(names[layout.head_edu], "head_edu:primary_incomplete");
    }

    #[test]
    fn work_codes_counted_as_jobs_are_the_documented_ones() {
        let jobs: Vec<&str> = Work::ALL
            .iter()
            .filter(|w| (4..=10).contains(&w.index()) || w.index() == 12)
            .map(|w| w.code())
            .collect();
        assert_eq!(
            jobs,
            [
                "farmer",
                "fisher",
                "laborer",
                "trader",
                "private_employee",
                "civil_servant",
                "self_employed",
                "other"
            ]
        );
        assert_eq!(Education::ALL.len() + 1, EDU_YEARS.len());
    }

    #[test]
    fn age_thresholds_are_calendar_years() {
        let r = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        assert_eq!(
            born_by(r, 6),
            days(NaiveDate::from_ymd_opt(2019, 6, 30).unwrap())
        );
        let leap = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(
            born_by(leap, 1),
            days(NaiveDate::from_ymd_opt(2023, 2, 28).unwrap())
        );
    }
}
