//! Verification rules (aturan verifikasi): structural and consistency checks of the registry.
//!
//! The rules run over a columnar snapshot (`setara-snapshot`), so a national registry is checked
//! in one pass over memory-mapped columns; `setara verify` stores what they find. Each rule has
//! a stable id, a severity and a message in Bahasa Indonesia and English ([`RULES`]).
//!
//! Architecture invariant: no I/O; the snapshot is read, nothing is written.

use arrow_array::Array;
use chrono::NaiveDate;
use hashbrown::HashMap;
use setara_core::{Kk, Lang, Level, Nik, RegionCode, Regions, Relation, Sex, age_on, plausible};
use setara_snapshot::Snapshot;

mod model;

pub use model::ConsumptionModel;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The record is wrong as it stands (a code that does not exist, an identity that disagrees).
    Error,
    /// The record is implausible and deserves a look.
    Warning,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One verification rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable id (also used by the import for the findings it records).
    pub id: &'static str,
    pub severity: Severity,
    pub id_text: &'static str,
    pub en_text: &'static str,
}

impl Rule {
    pub fn message(&self, lang: Lang) -> &'static str {
        lang.pick(self.id_text, self.en_text)
    }
}

macro_rules! rules {
    ($($name:ident = $id:literal, $sev:ident, $idt:literal, $en:literal;)*) => {
        $(pub const $name: Rule = Rule { id: $id, severity: Severity::$sev, id_text: $idt, en_text: $en };)*
        /// Every rule, in the order they are reported.
        pub const RULES: &[Rule] = &[$($name),*];
    };
}

rules! {
    NIK_DISTRICT_UNKNOWN = "nik_district_unknown", Error,
        "kode kecamatan pada NIK bukan kode yang berlaku", "the NIK's district prefix is not a current district";
    NIK_BIRTH_DATE_MISMATCH = "nik_birth_date_mismatch", Error,
        "tanggal lahir pada NIK berbeda dengan tanggal lahir tercatat", "the birth date in the NIK differs from the recorded birth date";
    NIK_SEX_MISMATCH = "nik_sex_mismatch", Error,
        "jenis kelamin pada NIK berbeda dengan yang tercatat", "the sex in the NIK differs from the recorded sex";
    REGION_UNKNOWN = "region_unknown", Error,
        "kode wilayah keluarga tidak berlaku", "the household's region code is not a current code";
    REGION_NOT_VILLAGE = "region_not_village", Error,
        "wilayah keluarga bukan desa/kelurahan", "the household's region is not a village";
    REGION_DISAGREES_WITH_KK = "region_disagrees_with_kk", Warning,
        "kecamatan tempat tinggal berbeda dengan kecamatan penerbit KK", "the household's district differs from the district that issued its KK";
    HEAD_MISSING = "head_missing", Error,
        "keluarga tanpa kepala keluarga", "the household has no head";
    HEAD_MULTIPLE = "head_multiple", Error,
        "keluarga dengan lebih dari satu kepala keluarga", "the household has more than one head";
    HEAD_TOO_YOUNG = "head_too_young", Warning,
        "kepala keluarga berumur di bawah 15 tahun", "the head is younger than 15";
    SPOUSE_TOO_YOUNG = "spouse_too_young", Warning,
        "istri/suami berumur di bawah 15 tahun", "the spouse is younger than 15";
    CHILD_OLDER_THAN_PARENT = "child_older_than_parent", Warning,
        "anak kurang dari 12 tahun lebih muda dari kepala keluarga maupun istri/suaminya", "a child is less than 12 years younger than both the head and the spouse";
    PARENT_YOUNGER_THAN_CHILD = "parent_younger_than_child", Warning,
        "orang tua kurang dari 12 tahun lebih tua dari kepala keluarga (mertua: dari istri/suami)", "a parent is less than 12 years older than the head (a parent-in-law: than the spouse)";
    SIZE_MISMATCH = "size_mismatch", Warning,
        "jumlah anggota tercatat berbeda dengan jumlah anggota", "the declared household size differs from the number of members";
    NIK_IN_OTHER_HOUSEHOLD = "nik_in_other_household", Error,
        "NIK yang sama tercatat di KK lain", "the same NIK is a member of another household";
    AGE_IMPLAUSIBLE = "age_implausible", Warning,
        "umur di atas batas yang wajar", "older than the plausible maximum age";
    CONSUMPTION_IMPLAUSIBLE = "consumption_implausible", Warning,
        "pengeluaran per kapita di luar rentang yang wajar", "consumption per capita outside the plausible range";
    WEIGHT_IMPLAUSIBLE = "weight_implausible", Warning,
        "bobot survei sangat besar", "a very large survey weight";
    CONSUMPTION_INCONSISTENT = "consumption_inconsistent", Warning,
        "pengeluaran tercatat jauh dari yang diperkirakan dari aset dan tempat tinggal", "recorded consumption is far from what the assets and dwelling predict";
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// One finding: a rule, the household it concerns and, for person rules, the person.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: &'static Rule,
    /// Row of the household in the snapshot.
    pub household: usize,
    pub kk: Kk,
    pub nik: Option<Nik>,
    /// What was seen, e.g. `NIK 17-08-85, record 18-08-1985`.
    pub detail: String,
}

/// What to check.
#[derive(Clone, Debug)]
pub struct Options {
    /// Ages are computed on this day.
    pub today: NaiveDate,
    /// Only households in this region (and below).
    pub within: Option<RegionCode>,
    /// Flag recorded consumption whose log is more than this many residual standard deviations
    /// from the model's prediction.
    pub outlier_sigmas: f64,
}

/// The findings of one run.
#[derive(Clone, Debug)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub households_checked: usize,
    pub persons_checked: usize,
    /// The consumption model used by `consumption_inconsistent`, when enough households are
    /// surveyed to fit it.
    pub model: Option<ConsumptionModel>,
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid")
}

/// Run every rule over the snapshot.
pub fn verify(snap: &Snapshot, regions: &Regions, o: &Options) -> Report {
    let n = snap.household_count();
    let selected: Vec<bool> = (0..n)
        .map(|i| match o.within {
            None => true,
            Some(w) => RegionCode::from_key(snap.region().value(i))
                .is_some_and(|r| r.level() >= w.level() && r.is_within(w)),
        })
        .collect();
    let mut findings = Vec::new();
    let (kk_col, region_col, declared, nik_col, sex_col, birth_col, relation_col) = (
        snap.kk(),
        snap.region(),
        snap.declared_size(),
        snap.nik(),
        snap.sex(),
        snap.birth_date(),
        snap.relation(),
    );
    // NIKs in several households: counted over the whole snapshot (a duplicate may live outside
    // the selected region), reported for the selected households.
    let mut nik_households: HashMap<u64, (u32, u32)> = HashMap::with_capacity(snap.person_count());
    for p in 0..snap.person_count() {
        let h = snap.person_household().value(p);
        let e = nik_households.entry(nik_col.value(p)).or_insert((0, h));
        if e.0 == 0 || e.1 != h {
            e.0 += 1;
            e.1 = h;
        }
    }
    let mut persons_checked = 0;
    let mut households_checked = 0;
    for (h, _) in selected.iter().enumerate().filter(|(_, s)| **s) {
        households_checked += 1;
        let kk = Kk::from_u64(kk_col.value(h)).expect("snapshot KKs have 16 digits");
        let mut push = |rule: &'static Rule, nik: Option<Nik>, detail: String| {
            findings.push(Finding {
                rule,
                household: h,
                kk,
                nik,
                detail,
            });
        };
        // Region.
        let region = RegionCode::from_key(region_col.value(h));
        match region.and_then(|r| regions.get(r).map(|x| (r, x))) {
            None => push(
                &REGION_UNKNOWN,
                None,
                region.map(|r| r.to_string()).unwrap_or_default(),
            ),
            Some((r, x)) if x.level() != Level::Village => {
                push(&REGION_NOT_VILLAGE, None, r.to_string())
            }
            Some((r, _)) => {
                if r.ancestor(Level::District) != kk.district() {
                    push(
                        &REGION_DISAGREES_WITH_KK,
                        None,
                        format!("{} vs KK {}", r.ancestor(Level::District), kk.district()),
                    );
                }
            }
        }
        // Survey values: possible, but worth a look (the same bounds as the import's).
        let (consumption, weight) = (snap.consumption(), snap.survey_weight());
        if !consumption.is_null(h) {
            let c = consumption.value(h);
            if !plausible::PLAUSIBLE_CONSUMPTION.contains(&c) {
                push(&CONSUMPTION_IMPLAUSIBLE, None, format!("Rp{c}"));
            }
        }
        if !weight.is_null(h) && weight.value(h) > plausible::PLAUSIBLE_MAX_SURVEY_WEIGHT {
            push(&WEIGHT_IMPLAUSIBLE, None, format!("{}", weight.value(h)));
        }
        // Members.
        let members = snap.members_of(h);
        let size = members.len();
        if !declared.is_null(h) && usize::from(declared.value(h)) != size {
            push(
                &SIZE_MISMATCH,
                None,
                format!("{} vs {size}", declared.value(h)),
            );
        }
        let mut heads = Vec::new();
        let mut ages = Vec::with_capacity(size);
        for p in members.clone() {
            persons_checked += 1;
            let born = epoch() + chrono::TimeDelta::days(i64::from(birth_col.value(p)));
            let age = age_on(born, o.today);
            let relation = Relation::from_index(relation_col.value(p));
            ages.push((p, age, relation));
            if relation == Some(Relation::Head) {
                heads.push((p, age));
            }
            let Ok(nik) = Nik::from_u64(nik_col.value(p)) else {
                continue;
            };
            if age > plausible::PLAUSIBLE_MAX_AGE {
                push(&AGE_IMPLAUSIBLE, Some(nik), format!("{age}"));
            }
            if !regions.contains(nik.district()) {
                push(&NIK_DISTRICT_UNKNOWN, Some(nik), nik.district().to_string());
            }
            if !nik.agrees_with_birth_date(born) {
                push(
                    &NIK_BIRTH_DATE_MISMATCH,
                    Some(nik),
                    format!(
                        "NIK {:02}-{:02}-{:02}, record {}",
                        nik.birth_day(),
                        nik.birth_month(),
                        nik.birth_yy(),
                        born.format("%d-%m-%Y")
                    ),
                );
            }
            if let Some(sex) = Sex::from_index(sex_col.value(p))
                && sex != nik.sex()
            {
                push(
                    &NIK_SEX_MISMATCH,
                    Some(nik),
                    format!("NIK {}, record {}", nik.sex().code(), sex.code()),
                );
            }
            if nik_households
                .get(&nik.as_u64())
                .is_some_and(|(count, _)| *count > 1)
            {
                push(&NIK_IN_OTHER_HOUSEHOLD, Some(nik), String::new());
            }
        }
        match heads.len() {
            0 if size > 0 => push(&HEAD_MISSING, None, String::new()),
            0 | 1 => {}
            k => push(&HEAD_MULTIPLE, None, format!("{k}")),
        }
        if let [(hp, head_age)] = heads[..] {
            let nik_of = |p: usize| Nik::from_u64(nik_col.value(p)).ok();
            let spouses: Vec<i32> = ages
                .iter()
                .filter(|a| a.2 == Some(Relation::Spouse))
                .map(|a| a.1)
                .collect();
            if head_age < 15 {
                push(&HEAD_TOO_YOUNG, nik_of(hp), format!("{head_age}"));
            }
            for &(p, age, relation) in &ages {
                match relation {
                    Some(Relation::Spouse) if age < 15 => {
                        push(&SPOUSE_TOO_YOUNG, nik_of(p), format!("{age}"))
                    }
                    // A child of the head is the child of the head or of the spouse: flag it only
                    // when neither is 12 years older.
                    Some(Relation::Child)
                        if spouses
                            .iter()
                            .copied()
                            .chain([head_age])
                            .max()
                            .unwrap_or(head_age)
                            - age
                            < 12 =>
                    {
                        push(
                            &CHILD_OLDER_THAN_PARENT,
                            nik_of(p),
                            format!("{age} vs head {head_age}"),
                        )
                    }
                    Some(Relation::Parent) if age - head_age < 12 => push(
                        &PARENT_YOUNGER_THAN_CHILD,
                        nik_of(p),
                        format!("{age} vs head {head_age}"),
                    ),
                    // A parent-in-law is the spouse's parent: with one spouse, compare with them.
                    Some(Relation::ParentInLaw) => {
                        if let [spouse_age] = spouses[..]
                            && age - spouse_age < 12
                        {
                            push(
                                &PARENT_YOUNGER_THAN_CHILD,
                                nik_of(p),
                                format!("{age} vs spouse {spouse_age}"),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    // Consumption against what the dwelling and assets predict.
    let model = ConsumptionModel::fit(snap);
    if let Some(m) = &model {
        for (h, z) in m.outliers(snap, o.outlier_sigmas) {
            if !selected[h] {
                continue;
            }
            let kk = Kk::from_u64(kk_col.value(h)).expect("snapshot KKs have 16 digits");
            findings.push(Finding {
                rule: &CONSUMPTION_INCONSISTENT,
                household: h,
                kk,
                nik: None,
                detail: format!("{z:+.1} σ"),
            });
        }
    }
    Report {
        findings,
        households_checked,
        persons_checked,
        model,
    }
}
