//! The bitmap evaluator and the row-by-row explainer agree on every household, for random rules
//! over a random registry (members of 0 to 10 persons, birthdays on the reference date, missing
//! values), on 1, 2 and 3 threads.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use proptest::prelude::*;
use setara_core::*;
use setara_rules::{Bitmap, Context, Inputs, Ranking, Rule};
use setara_snapshot::{Snapshot, SnapshotBuilder};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// A value below `n`, or (one time in four) none.
    fn opt_below(&mut self, n: u64) -> Option<u64> {
        (self.below(4) != 0).then(|| self.below(n))
    }
    fn pick<T: Copy>(&mut self, all: &[T]) -> Option<T> {
        all.get(self.below(all.len() as u64 + 1) as usize).copied()
    }
}

const HOUSEHOLDS: usize = 700;

fn reference() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()
}

struct Data {
    _dir: tempfile::TempDir,
    snapshot: Snapshot,
    desil: Vec<u8>,
    desil2: Vec<u8>,
    score: Vec<f64>,
    rank: Vec<u32>,
    programmes: HashMap<String, Bitmap>,
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        let mut rng = Rng(2024);
        let mut b = SnapshotBuilder::new();
        for i in 0..HOUSEHOLDS as u64 {
            let village = RegionCode::from_digits(
                (32 + rng.below(2)) * 100_000_000
                    + (1 + rng.below(3)) * 1_000_000
                    + (1 + rng.below(2)) * 10_000
                    + 2001
                    + rng.below(3),
                Level::Village,
            );
            let district = village.ancestor(Level::District);
            let kk = Kk::from_u64(district.digits() * 10_000_000_000 + 1_000 + i).unwrap();
            let mut assets = Assets::default();
            for &a in Asset::ALL {
                assets.set(a, [None, Some(false), Some(true)][rng.below(3) as usize]);
            }
            let size = if rng.below(15) == 0 {
                0
            } else {
                1 + rng.below(10) as usize
            };
            let members: Vec<Person> = (0..size)
                .map(|j| {
                    let birth = match rng.below(6) {
                        // Birthdays on and around the reference date.
                        0 => NaiveDate::from_ymd_opt(2025 - rng.below(80) as i32, 6, 30).unwrap(),
                        1 => NaiveDate::from_ymd_opt(2025 - rng.below(80) as i32, 7, 1).unwrap(),
                        _ => NaiveDate::from_ymd_opt(
                            1930 + rng.below(96) as i32,
                            1 + rng.below(12) as u32,
                            1 + rng.below(28) as u32,
                        )
                        .unwrap(),
                    }
                    .min(reference());
                    let sex = if rng.below(2) == 0 {
                        Sex::Male
                    } else {
                        Sex::Female
                    };
                    Person {
                        nik: Nik::from_parts(district, birth, sex, 1 + j as u32).unwrap(),
                        kk,
                        name: String::new(),
                        sex,
                        birth_date: birth,
                        relation: rng.pick(Relation::ALL).unwrap_or(Relation::Head),
                        education: rng.pick(Education::ALL),
                        work: rng.pick(Work::ALL),
                        disability: rng.pick(Disability::ALL),
                        chronic_illness: [None, Some(false), Some(true)][rng.below(3) as usize],
                        health_insurance: rng.pick(HealthInsurance::ALL),
                        school: rng.pick(SchoolAttendance::ALL),
                    }
                })
                .collect();
            let h = Household {
                kk,
                region: village,
                address: None,
                rt: None,
                rw: None,
                declared_size: rng.opt_below(8).map(|v| 1 + v as u16),
                dwelling: Dwelling {
                    tenure: rng.pick(Tenure::ALL),
                    floor_area_m2: rng.opt_below(200).map(|v| v as u32),
                    floor: rng.pick(Floor::ALL),
                    wall: rng.pick(Wall::ALL),
                    roof: rng.pick(Roof::ALL),
                    water: rng.pick(WaterSource::ALL),
                    toilet: rng.pick(Toilet::ALL),
                    electricity: rng.pick(Electricity::ALL),
                    electricity_va: rng.opt_below(4).map(|v| 450 * (1 + v as u32)),
                    cooking_fuel: rng.pick(CookingFuel::ALL),
                },
                assets,
                land_m2: rng.opt_below(5_000),
                survey: (rng.below(3) == 0).then(|| Survey {
                    consumption_per_capita: Rupiah(300_000 + rng.below(2_000_000) as i64),
                    weight: 10.0,
                }),
            };
            b.add(&h, &members).unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        b.write(dir.path()).unwrap();
        let snapshot = Snapshot::open_latest(dir.path()).unwrap();
        let n = snapshot.household_count();
        let desil: Vec<u8> = (0..n).map(|_| rng.below(11) as u8).collect();
        let desil2: Vec<u8> = (0..n).map(|_| rng.below(11) as u8).collect();
        let score = desil
            .iter()
            .map(|&d| {
                if d == 0 {
                    f64::NAN
                } else {
                    13.0 + f64::from(d) / 10.0
                }
            })
            .collect();
        let rank = (0..n).map(|_| rng.below(n as u64) as u32).collect();
        let pkh = Bitmap::from_fn(n, |_| rng.below(5) == 0);
        Data {
            _dir: dir,
            snapshot,
            desil,
            desil2,
            score,
            rank,
            programmes: HashMap::from([("PKH".to_string(), pkh)]),
        }
    })
}

fn op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["==", "!=", "<", "<=", ">", ">="])
}

fn household_leaf() -> impl Strategy<Value = String> {
    let codes = |attr: &'static str, codes: Vec<&'static str>| {
        (
            prop::sample::select(codes.clone()),
            prop::sample::select(codes),
            any::<u8>(),
        )
            .prop_map(move |(a, b, k)| match k % 3 {
                0 => format!("{attr} == \"{a}\""),
                1 => format!("{attr} != \"{a}\""),
                _ => format!("{attr} in [\"{a}\", \"{b}\"]"),
            })
    };
    prop_oneof![
        (op(), 0i64..12).prop_map(|(o, v)| format!("desil {o} {v}")),
        (op(), 0i64..12).prop_map(|(o, v)| format!("desil_province {o} {v}")),
        (0i64..11, 0i64..11).prop_map(|(a, b)| format!("desil_regency in [{a}, {b}]")),
        (op(), 128i64..142).prop_map(|(o, v)| format!("score {o} {}.{}", v / 10, v % 10)),
        (op(), 0i64..700).prop_map(|(o, v)| format!("{v} {o} rank")),
        (op(), 0i64..11).prop_map(|(o, v)| format!("members {o} {v}")),
        (op(), 0i64..9).prop_map(|(o, v)| format!("declared_size {o} {v}")),
        (op(), 0i64..200).prop_map(|(o, v)| format!("floor_area_m2 {o} {v}")),
        (op(), 0i64..5000).prop_map(|(o, v)| format!("land_m2 {o} {v}")),
        (op(), 300_000i64..2_300_000).prop_map(|(o, v)| format!("consumption_per_capita {o} {v}")),
        Just("electricity_va in [450, 1_350]".to_string()),
        Just("surveyed".to_string()),
        Just("surveyed == false".to_string()),
        codes("floor", vec!["earth", "ceramic", "bambu", "wood"]),
        codes("toilet", vec!["private", "none", "umum"]),
        codes("tenure", vec!["owned", "sewa", "other"]),
        prop::sample::select(vec![
            "32",
            "33",
            "35",
            "32.01",
            "3302",
            "32.01.02",
            "33.02.01.2002"
        ])
        .prop_map(|r| format!("region in \"{r}\"")),
        Just("region in [\"32.02\", \"33.03\"]".to_string()),
        prop::sample::select(vec!["car", "motorcycle", "tv"])
            .prop_map(|a| format!("owns(\"{a}\")")),
        prop::sample::select(vec!["car", "gold"]).prop_map(|a| format!("known(owns(\"{a}\"))")),
        Just("receives(\"PKH\")".to_string()),
        prop::sample::select(vec![
            "floor_area_m2",
            "desil",
            "score",
            "rank",
            "floor",
            "members"
        ])
        .prop_map(|a| format!("known({a})")),
        Just("true".to_string()),
        Just("false".to_string()),
    ]
}

fn person_leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        (op(), 0i64..90).prop_map(|(o, v)| format!("age {o} {v}")),
        (0i64..20, 0i64..20).prop_map(|(a, b)| format!("age in [{a}, {b}]")),
        prop::sample::select(vec!["male", "perempuan"]).prop_map(|s| format!("sex == \"{s}\"")),
        Just("relation in [\"head\", \"anak\"]".to_string()),
        Just("education != \"primary\"".to_string()),
        Just("school == \"attending\"".to_string()),
        Just("disability != \"none\"".to_string()),
        Just("chronic_illness".to_string()),
        Just("chronic_illness == false".to_string()),
        Just("known(education)".to_string()),
        Just("health_insurance in [\"jkn_pbi\", \"none\"]".to_string()),
    ]
}

fn combine(leaf: impl Strategy<Value = String> + 'static) -> impl Strategy<Value = String> {
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} and {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} or {b})")),
            inner.prop_map(|a| format!("not {a}")),
        ]
    })
}

fn rule() -> impl Strategy<Value = String> {
    let person = combine(person_leaf());
    let quantified = (
        prop::sample::select(vec!["any", "all", "count"]),
        person,
        op(),
        0i64..5,
    )
        .prop_map(|(q, p, o, n)| match q {
            "count" => format!("members.count({p}) {o} {n}"),
            q => format!("members.{q}({p})"),
        });
    combine(prop_oneof![3 => household_leaf(), 1 => quantified])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn bitmaps_agree_with_explanations(source in rule()) {
        let d = data();
        let inputs = Inputs {
            snapshot: &d.snapshot,
            reference_date: reference(),
            ranking: Some(Ranking {
                desil: &d.desil,
                desil_province: &d.desil2,
                desil_regency: &d.desil,
                score: &d.score,
                rank: &d.rank,
            }),
            programmes: &d.programmes,
        };
        let rule = Rule::compile(&source, &Context::of(&inputs))
            .unwrap_or_else(|e| panic!("{}", e.render(&source, Lang::En)));
        let selected = rule.evaluate_with_threads(&inputs, 1).unwrap();
        for threads in [2, 3] {
            prop_assert_eq!(&rule.evaluate_with_threads(&inputs, threads).unwrap(), &selected);
        }
        for row in 0..d.snapshot.household_count() {
            let e = rule.explain(&inputs, row, Lang::En).unwrap();
            prop_assert_eq!(e.result, selected.get(row), "row {}: {}", row, e);
        }
    }
}
