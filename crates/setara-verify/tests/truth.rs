//! The rules against the synthetic registry's ground truth: which injected problems they find,
//! and what they flag that was not injected.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use setara_core::Regions;
use setara_snapshot::{Snapshot, SnapshotBuilder};
use setara_synth::{Config, MemorySink, ProblemKind};
use setara_verify::{Options, verify};

#[test]
fn injected_problems_are_found_and_false_findings_are_rare() {
    let mut sink = MemorySink::new();
    setara_synth::generate(&Config::new(20_000, 11), &mut sink, &mut |_| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut b = SnapshotBuilder::new();
    for h in &sink.households {
        b.add(&h.household, &h.members).unwrap();
    }
    let info = b.write(dir.path()).unwrap();
    let snap = Snapshot::open(&info.dir).unwrap();
    let today = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    let report = verify(
        &snap,
        Regions::kemendagri_2025(),
        &Options {
            today,
            within: None,
            outlier_sigmas: 3.5,
        },
    );
    assert_eq!(report.households_checked, 20_000);

    // Findings by (kk, nik) and by kk.
    let mut by_person: HashMap<(u64, u64), HashSet<&str>> = HashMap::new();
    let mut by_household: HashMap<u64, HashSet<&str>> = HashMap::new();
    for f in &report.findings {
        by_household
            .entry(f.kk.as_u64())
            .or_default()
            .insert(f.rule.id);
        if let Some(n) = f.nik {
            by_person
                .entry((f.kk.as_u64(), n.as_u64()))
                .or_default()
                .insert(f.rule.id);
        }
    }
    let mut found: HashMap<ProblemKind, (usize, usize)> = HashMap::new();
    // Households touched by an injected problem: the one the problem was placed in, and every
    // household holding a record of a person who was duplicated or listed twice.
    let mut touched: HashSet<u64> = HashSet::new();
    let mut households_of_entity: HashMap<u64, Vec<u64>> = HashMap::new();
    for h in &sink.households {
        for t in &h.member_truth {
            households_of_entity
                .entry(t.entity)
                .or_default()
                .push(h.household.kk.as_u64());
        }
    }
    for h in &sink.households {
        for (m, t) in h.members.iter().zip(&h.member_truth) {
            let placed = h.problems.iter().any(|p| {
                p.nik == Some(m.nik)
                    && matches!(
                        p.kind,
                        ProblemKind::DuplicatePerson | ProblemKind::TwoHouseholds
                    )
            });
            if placed {
                touched.extend(households_of_entity[&t.entity].iter().copied());
            }
        }
    }
    for h in &sink.households {
        for p in &h.problems {
            touched.insert(p.kk.as_u64());
            let hit = match p.kind {
                ProblemKind::DateSwap => p.nik.is_some_and(|n| {
                    by_person
                        .get(&(p.kk.as_u64(), n.as_u64()))
                        .is_some_and(|r| r.contains("nik_birth_date_mismatch"))
                }),
                ProblemKind::TwoHouseholds => p.nik.is_some_and(|n| {
                    by_person
                        .get(&(p.kk.as_u64(), n.as_u64()))
                        .is_some_and(|r| r.contains("nik_in_other_household"))
                }),
                ProblemKind::WrongRegion => by_household.get(&p.kk.as_u64()).is_some_and(|r| {
                    r.contains("region_unknown")
                        || r.contains("region_not_village")
                        || r.contains("region_disagrees_with_kk")
                }),
                ProblemKind::NikTypo => p.nik.is_some_and(|n| {
                    by_person
                        .get(&(p.kk.as_u64(), n.as_u64()))
                        .is_some_and(|r| {
                            r.contains("nik_district_unknown")
                                || r.contains("nik_birth_date_mismatch")
                                || r.contains("nik_sex_mismatch")
                        })
                }),
                // Duplicates are the record linker's job; the rules see them only through
                // side effects (a household larger than declared, a NIK in two households).
                ProblemKind::DuplicatePerson => continue,
            };
            let e = found.entry(p.kind).or_default();
            e.0 += usize::from(hit);
            e.1 += 1;
        }
    }
    let share = |k: ProblemKind| {
        let (hit, all) = found[&k];
        hit as f64 / all as f64
    };
    // Findings on households with no injected problem at all.
    let false_households: HashSet<u64> = report
        .findings
        .iter()
        .filter(|f| !touched.contains(&f.kk.as_u64()) && f.rule.id != "consumption_inconsistent")
        .map(|f| f.kk.as_u64())
        .collect();
    let mut false_rules: HashMap<&str, usize> = HashMap::new();
    for f in report
        .findings
        .iter()
        .filter(|f| !touched.contains(&f.kk.as_u64()))
    {
        *false_rules.entry(f.rule.id).or_default() += 1;
    }
    eprintln!("findings on clean households by rule: {false_rules:?}");
    let outliers = report
        .findings
        .iter()
        .filter(|f| f.rule.id == "consumption_inconsistent")
        .count();
    let model = report.model.as_ref().unwrap();
    eprintln!(
        "found: date_swap {:.3}, two_households {:.3}, wrong_region {:.3}, nik_typo {:.3}; \
         households flagged without an injected problem: {}; consumption outliers {} of {} surveyed (R² {:.3}, σ {:.3})",
        share(ProblemKind::DateSwap),
        share(ProblemKind::TwoHouseholds),
        share(ProblemKind::WrongRegion),
        share(ProblemKind::NikTypo),
        false_households.len(),
        outliers,
        model.n,
        model.r_squared,
        model.sigma
    );
    // What the rules can see, they must see.
    assert_eq!(share(ProblemKind::DateSwap), 1.0);
    assert_eq!(share(ProblemKind::TwoHouseholds), 1.0);
    assert_eq!(share(ProblemKind::WrongRegion), 1.0);
    // A typo in the serial digits leaves a valid NIK: only part of the typos are visible.
    assert!(share(ProblemKind::NikTypo) > 0.3);
    // A clean household is never flagged by a structural rule.
    assert!(
        false_households.is_empty(),
        "{:?}",
        false_households.iter().take(5).collect::<Vec<_>>()
    );
    // The consumption model reaches a PMT's fit and flags few households.
    assert!(model.r_squared > 0.35, "{}", model.r_squared);
    assert!((outliers as f64) < 0.01 * model.n as f64);
}
