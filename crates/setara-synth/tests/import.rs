//! The generated files import without a single rejection, and the ground truth agrees with them.

mod common;

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use chrono::NaiveDate;
use setara_core::{Household, Kk, Level, Nik, Person, RegionCode, Regions};
use setara_registry::fields::{self, HOUSEHOLD_FIELDS, PERSON_FIELDS};
use setara_registry::table::{RawRecord, RecordParser, Source};
use setara_synth::{Config, ProblemKind, ProblemRates};

fn parse_all<T>(
    bytes: &[u8],
    fields: &'static [setara_registry::Field<T>],
    blank: fn() -> T,
    check: impl Fn(&T) -> Result<(), (&'static str, setara_registry::Reason)>,
) -> Vec<T> {
    let mut src = Source::open(Box::new(Cursor::new(bytes.to_vec()))).unwrap();
    assert_eq!(src.delimiter(), Some(b','));
    let mut header = RawRecord::default();
    assert!(src.next_into(&mut header).unwrap());
    let parser = RecordParser::from_header(fields, &header, blank).unwrap();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut rec = RawRecord::default();
    loop {
        match src.next_into(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => panic!("row error {e:?}"),
        }
        match parser.parse(&rec, &mut errors) {
            Some(v) => {
                if let Err((field, reason)) = check(&v) {
                    panic!("row {}: {field}: {reason:?}", rec.row);
                }
                out.push(v);
            }
            None => panic!("row {} rejected: {errors:?}", rec.row),
        }
    }
    assert!(errors.is_empty(), "{errors:?}");
    out
}

#[test]
fn generated_files_import_without_rejections() {
    // Higher rates than the defaults so that every kind of problem occurs often.
    let config = Config {
        rates: ProblemRates {
            duplicate_person: 0.03,
            nik_typo: 0.02,
            date_swap: 0.02,
            wrong_region: 0.02,
            two_households: 0.02,
        },
        ..Config::new(3_000, 42)
    };
    check_files(&config);
}

#[test]
fn every_problem_everywhere_still_imports() {
    let all = ProblemRates {
        duplicate_person: 1.0,
        nik_typo: 1.0,
        date_swap: 1.0,
        wrong_region: 1.0,
        two_households: 1.0,
    };
    check_files(&Config {
        rates: all,
        survey_fraction: 1.0,
        ..Config::new(400, 8)
    });
}

#[test]
fn default_rates_import() {
    check_files(&Config::new(1_000, 77));
}

fn check_files(config: &Config) {
    let files = common::generate_files(config);
    let reference = config.reference_date;
    let real_today = chrono::Local::now().date_naive();
    assert!(reference <= real_today);

    let households: Vec<Household> = parse_all(
        &files.households,
        HOUSEHOLD_FIELDS,
        fields::blank_household,
        fields::check_household,
    );
    let persons: Vec<Person> =
        parse_all(&files.persons, PERSON_FIELDS, fields::blank_person, |p| {
            fields::check_person(p, reference)
        });
    assert_eq!(households.len() as u64, config.households);
    assert_eq!(persons.len() as u64, files.summary.persons);

    // KK unique across the file; every person's KK is a household; no NIK twice in one KK.
    let mut kks = HashSet::new();
    for h in &households {
        assert!(kks.insert(h.kk), "KK {} twice", h.kk);
        assert!(h.declared_size.is_some_and(|s| s >= 1));
        if let Some(s) = h.survey {
            assert!(s.consumption_per_capita.0 >= 0 && s.weight > 0.0);
        }
        assert_eq!(h.region.level(), Level::Village);
    }
    let mut in_kk: HashSet<(Kk, Nik)> = HashSet::new();
    for p in &persons {
        assert!(
            kks.contains(&p.kk),
            "person {} in unknown KK {}",
            p.nik,
            p.kk
        );
        assert!(
            in_kk.insert((p.kk, p.nik)),
            "NIK {} twice in KK {}",
            p.nik,
            p.kk
        );
        assert!(p.birth_date <= reference);
    }

    // Output order: by region within a regency, then KK.
    let (_, truth_h) = common::rows(&files.truth_households);
    assert_eq!(truth_h.len(), households.len());
    let keys: Vec<(RegionCode, Kk)> = truth_h
        .iter()
        .map(|r| (RegionCode::parse(&r[1]).unwrap(), Kk::parse(&r[0]).unwrap()))
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "households are not in region, KK order"
    );

    // Truth persons: one row per person row, same KK and NIK.
    let (header, truth_p) = common::rows(&files.truth_persons);
    assert_eq!(
        &header,
        &csv::StringRecord::from(vec![
            "kk",
            "nik",
            "entity",
            "nik_true",
            "birth_date_true",
            "name_true"
        ])
    );
    assert_eq!(truth_p.len(), persons.len());
    let mut by_entity: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, (p, t)) in persons.iter().zip(&truth_p).enumerate() {
        assert_eq!(p.kk.to_string(), &t[0]);
        assert_eq!(p.nik.to_string(), &t[1]);
        by_entity.entry(t[2].parse().unwrap()).or_default().push(i);
    }
    assert_eq!(by_entity.len() as u64, files.summary.entities);

    // Problems: recorded values agree with the files; clean records agree with their NIK.
    let (_, problems) = common::rows(&files.truth_problems);
    let mut counts: HashMap<String, u64> = HashMap::new();
    let mut touched: HashSet<(String, String)> = HashSet::new();
    let persons_by_key: HashMap<(String, String), &Person> = persons
        .iter()
        .map(|p| ((p.kk.to_string(), p.nik.to_string()), p))
        .collect();
    let households_by_kk: HashMap<String, &Household> =
        households.iter().map(|h| (h.kk.to_string(), h)).collect();
    for pr in &problems {
        let kind = ProblemKind::parse(&pr[0]).expect("known kind");
        *counts.entry(pr[0].to_string()).or_insert(0) += 1;
        match kind {
            ProblemKind::WrongRegion => {
                let h = households_by_kk[&pr[1]];
                assert_eq!(h.region.to_string(), &pr[5]);
                assert_ne!(&pr[4], &pr[5]);
            }
            _ => {
                let p = persons_by_key[&(pr[1].to_string(), pr[2].to_string())];
                match kind {
                    ProblemKind::NikTypo => {
                        assert_eq!(p.nik.to_string(), &pr[5]);
                        assert_ne!(&pr[4], &pr[5]);
                        let a = &pr[4].as_bytes();
                        let b = &pr[5].as_bytes();
                        let diff: Vec<usize> = (0..16).filter(|&i| a[i] != b[i]).collect();
                        let swap =
                            diff.len() == 2 && diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]];
                        assert!(diff.len() == 1 || swap, "{} → {}", &pr[4], &pr[5]);
                    }
                    ProblemKind::DateSwap => {
                        assert_eq!(p.birth_date.format("%Y-%m-%d").to_string(), &pr[5])
                    }
                    ProblemKind::DuplicatePerson => assert_eq!(p.name, &pr[5]),
                    ProblemKind::TwoHouseholds => assert_eq!(p.kk.to_string(), &pr[5]),
                    ProblemKind::WrongRegion => unreachable!(),
                }
                touched.insert((pr[1].to_string(), pr[2].to_string()));
            }
        }
    }
    for k in ProblemKind::ALL {
        assert!(
            counts.get(k.code()).copied().unwrap_or(0) > 0,
            "no {} injected",
            k.code()
        );
        assert_eq!(
            counts.get(k.code()).copied().unwrap_or(0),
            files.summary.problems[k.code()]
        );
    }
    let regions = Regions::kemendagri_2025();
    let mut second_records = 0;
    for (p, t) in persons.iter().zip(&truth_p) {
        let key = (p.kk.to_string(), p.nik.to_string());
        let nik_true = Nik::parse(&t[3]).unwrap();
        let birth_true = NaiveDate::parse_from_str(&t[4], "%Y-%m-%d").unwrap();
        assert!(nik_true.agrees_with_birth_date(birth_true));
        assert_eq!(nik_true.sex(), p.sex);
        if !touched.contains(&key) {
            // A record without problems carries the truth.
            assert_eq!(p.nik, nik_true, "{key:?}");
            assert_eq!(p.birth_date, birth_true, "{key:?}");
            assert!(regions.contains(p.nik.district()));
            assert!(p.nik.agrees_with_birth_date(p.birth_date));
        }
        if by_entity[&t[2].parse::<u64>().unwrap()].len() > 1 {
            second_records += 1;
        }
    }
    assert!(second_records > 0 || config.rates == ProblemRates::none());
    // Every entity with several records is explained by duplicate_person or two_households rows.
    let extra_records: usize = by_entity.values().map(|v| v.len() - 1).sum();
    assert_eq!(
        extra_records as u64,
        counts["duplicate_person"] + counts["two_households"]
    );

    // Surveyed households: consumption and weight recorded, matching the truth.
    let surveyed = households.iter().filter(|h| h.survey.is_some()).count();
    assert_eq!(surveyed as u64, files.summary.surveyed);
    for (h, t) in households.iter().zip(&truth_h) {
        assert_eq!(h.kk.to_string(), &t[0]);
        assert_eq!(h.region.to_string(), &t[2]);
        assert_eq!(h.declared_size.unwrap().to_string(), &t[3]);
        match h.survey {
            Some(s) => {
                assert_eq!(&t[5], "1");
                assert_eq!(s.consumption_per_capita.0.to_string(), &t[4]);
                assert_eq!(s.weight, t[6].parse::<f64>().unwrap());
            }
            None => {
                assert_eq!(&t[5], "0");
                assert!(t[6].is_empty());
            }
        }
    }

    let manifest: serde_json::Value = serde_json::from_slice(&files.manifest).unwrap();
    assert_eq!(manifest["counts"]["households"], config.households);
    assert_eq!(manifest["generator"], setara_synth::GENERATOR_VERSION);
    assert_eq!(
        manifest["counts"]["problems"]["nik_typo"],
        counts["nik_typo"]
    );
    assert_eq!(manifest["config"]["seed"], config.seed);
}

#[test]
fn clean_registry_has_no_problems_and_consistent_people() {
    let config = Config {
        rates: ProblemRates::none(),
        ..Config::new(1_500, 5)
    };
    let mut sink = setara_synth::MemorySink::new();
    let summary = setara_synth::generate(&config, &mut sink, &mut |_| {}).unwrap();
    assert!(summary.problems.values().all(|&n| n == 0));
    assert_eq!(summary.persons, summary.entities);
    let reference = config.reference_date;
    let regions = Regions::kemendagri_2025();
    let mut niks = HashSet::new();
    let mut sizes = Vec::new();
    for h in &sink.households {
        assert_eq!(h.household.declared_size, Some(h.members.len() as u16));
        assert_eq!(h.truth.region_true, h.household.region);
        assert!(regions.contains(h.household.region));
        sizes.push(h.members.len());
        let heads = h
            .members
            .iter()
            .filter(|p| p.relation == setara_core::Relation::Head)
            .count();
        assert_eq!(heads, 1);
        // KK: issuing district = the household's district.
        assert_eq!(
            h.household.kk.district(),
            h.household.region.ancestor(Level::District)
        );
        for p in &h.members {
            assert!(niks.insert(p.nik), "NIK {} twice", p.nik);
            assert!(p.nik.agrees_with_birth_date(p.birth_date));
            assert_eq!(p.nik.sex(), p.sex);
            // The NIK's district is in the household's regency.
            assert_eq!(
                p.nik.district().ancestor(Level::Regency),
                h.household.region.ancestor(Level::Regency)
            );
            assert!(setara_core::age_on(p.birth_date, reference) <= 100);
        }
    }
    let mean = sizes.iter().sum::<usize>() as f64 / sizes.len() as f64;
    assert!((3.7..=4.1).contains(&mean), "mean household size {mean}");
    assert!(sizes.iter().all(|&s| (1..=12).contains(&s)));
}

#[test]
fn empty_runs_and_bad_configurations() {
    let files = common::generate_files(&Config::new(0, 1));
    assert_eq!(files.summary.households, 0);
    assert_eq!(
        files.households.iter().filter(|&&b| b == b'\n').count(),
        1,
        "header only"
    );
    let manifest: serde_json::Value = serde_json::from_slice(&files.manifest).unwrap();
    assert_eq!(manifest["counts"]["problems"]["wrong_region"], 0);

    let mut sink = setara_synth::MemorySink::new();
    let bad = |c: Config| {
        setara_synth::generate(&c, &mut setara_synth::MemorySink::new(), &mut |_| {}).is_err()
    };
    assert!(bad(Config {
        survey_fraction: 1.5,
        ..Config::new(10, 1)
    }));
    assert!(bad(Config {
        rates: ProblemRates {
            nik_typo: -0.1,
            ..ProblemRates::none()
        },
        ..Config::new(10, 1)
    }));
    let tomorrow = chrono::Local::now().date_naive() + chrono::Days::new(1);
    assert!(bad(Config {
        reference_date: tomorrow,
        ..Config::new(10, 1)
    }));
    let regency = RegionCode::parse("32.04").unwrap();
    let config = Config::new(0, 1);
    assert!(setara_synth::generate_province(&config, regency, 10, &mut sink, &mut |_| {}).is_err());
    let java = RegionCode::parse("33").unwrap();
    let s = setara_synth::generate_province(&config, java, 500, &mut sink, &mut |_| {}).unwrap();
    assert_eq!(s.households, 500);
    assert!(
        sink.households
            .iter()
            .all(|h| h.truth.region_true.province() == java)
    );
    assert_eq!(
        sink.manifest.unwrap().config.province.as_deref(),
        Some("33")
    );
}
