//! Time and memory of building, writing and opening a snapshot at scale.
//!
//! ```sh
//! cargo run --release -p setara-snapshot --example scale -- [households] [members per household]
//! ```
//!
//! Defaults: 1,000,000 households of 4 members (4,000,000 persons). Writes into a temporary
//! directory that is removed afterwards.

use std::time::Instant;

use chrono::NaiveDate;
use setara_core::*;
use setara_snapshot::{Snapshot, SnapshotBuilder};

/// A small deterministic generator (SplitMix64).
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
}

fn pick<T: Copy>(rng: &mut Rng, all: &[T]) -> Option<T> {
    let i = rng.below(all.len() as u64 + 1) as usize;
    all.get(i).copied()
}

fn generate(i: u64, rng: &mut Rng, size: usize, members: &mut Vec<Person>) -> Household {
    let village = RegionCode::from_digits(
        (11 + rng.below(80)) * 100_000_000
            + (1 + rng.below(30)) * 1_000_000
            + (1 + rng.below(20)) * 10_000
            + 2001
            + rng.below(20),
        Level::Village,
    );
    let district = village.ancestor(Level::District);
    let kk = Kk::from_u64(district.digits() * 10_000_000_000 + i).unwrap();
    let mut assets = Assets::default();
    for &a in Asset::ALL {
        assets.set(a, [None, Some(false), Some(true)][rng.below(3) as usize]);
    }
    members.clear();
    for j in 0..size {
        let birth = NaiveDate::from_ymd_opt(
            1940 + rng.below(84) as i32,
            1 + rng.below(12) as u32,
            1 + rng.below(28) as u32,
        )
        .unwrap();
        let sex = if rng.below(2) == 0 {
            Sex::Male
        } else {
            Sex::Female
        };
        members.push(Person {
            nik: Nik::from_parts(district, birth, sex, (size - j) as u32).unwrap(),
            kk,
            name: String::new(),
            sex,
            birth_date: birth,
            relation: if j == 0 {
                Relation::Head
            } else {
                Relation::Child
            },
            education: pick(rng, Education::ALL),
            work: pick(rng, Work::ALL),
            disability: pick(rng, Disability::ALL),
            chronic_illness: [None, Some(false), Some(true)][rng.below(3) as usize],
            health_insurance: pick(rng, HealthInsurance::ALL),
            school: pick(rng, SchoolAttendance::ALL),
        });
    }
    Household {
        kk,
        region: village,
        address: None,
        rt: Some(1 + rng.below(20) as u16),
        rw: Some(1 + rng.below(10) as u16),
        declared_size: Some(size as u16),
        dwelling: Dwelling {
            tenure: pick(rng, Tenure::ALL),
            floor_area_m2: Some(20 + rng.below(200) as u32),
            floor: pick(rng, Floor::ALL),
            wall: pick(rng, Wall::ALL),
            roof: pick(rng, Roof::ALL),
            water: pick(rng, WaterSource::ALL),
            toilet: pick(rng, Toilet::ALL),
            electricity: pick(rng, Electricity::ALL),
            electricity_va: Some(450 * (1 + rng.below(4) as u32)),
            cooking_fuel: pick(rng, CookingFuel::ALL),
        },
        assets,
        land_m2: (rng.below(3) == 0).then(|| rng.below(10_000)),
        survey: (rng.below(10) == 0).then(|| Survey {
            consumption_per_capita: Rupiah(300_000 + rng.below(2_000_000) as i64),
            weight: 50.0 + rng.below(300) as f64,
        }),
    }
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(f64::NAN);
    kb / 1024.0
}

fn main() {
    let mut args = std::env::args().skip(1);
    let households: u64 = args
        .next()
        .map(|a| a.parse().expect("households"))
        .unwrap_or(1_000_000);
    let size: usize = args
        .next()
        .map(|a| a.parse().expect("members"))
        .unwrap_or(4);
    let tmp = tempfile::tempdir().unwrap();
    let mut members = Vec::new();

    let t = Instant::now();
    let mut rng = Rng(42);
    for i in 0..households {
        std::hint::black_box(generate(i, &mut rng, size, &mut members));
    }
    let generate_only = t.elapsed();

    let t = Instant::now();
    let mut rng = Rng(42);
    let mut builder = SnapshotBuilder::new();
    for i in 0..households {
        let h = generate(i, &mut rng, size, &mut members);
        builder.add(&h, &members).unwrap();
    }
    let generate_and_add = t.elapsed();
    let heap = builder.heap_bytes();
    let rss_after_add = peak_rss_mb();

    let t = Instant::now();
    let info = builder.write(tmp.path()).unwrap();
    let write = t.elapsed();
    let rss_after_write = peak_rss_mb();

    let t = Instant::now();
    let snapshot = Snapshot::open_latest(tmp.path()).unwrap();
    let open = t.elapsed();
    let t = Instant::now();
    let total: i64 = snapshot.consumption().iter().flatten().sum();
    let members_total: u64 = snapshot
        .members()
        .values()
        .iter()
        .map(|&m| u64::from(m))
        .sum();
    let scan = t.elapsed();
    let t = Instant::now();
    snapshot.verify().unwrap();
    let verify = t.elapsed();

    println!(
        "{} households, {} persons, {:.1} MB on disk",
        info.households,
        info.persons,
        info.bytes as f64 / 1e6
    );
    println!("generate only:      {:>8.3} s", generate_only.as_secs_f64());
    println!(
        "generate + add:     {:>8.3} s  (add ≈ {:.3} s)",
        generate_and_add.as_secs_f64(),
        (generate_and_add.saturating_sub(generate_only)).as_secs_f64()
    );
    println!("builder heap:       {:>8.1} MB", heap as f64 / 1e6);
    println!("peak RSS after add: {:>8.1} MB", rss_after_add);
    println!(
        "write:              {:>8.3} s  (sort, columns, IPC, SHA-256, fsync, rename)",
        write.as_secs_f64()
    );
    println!("peak RSS (write):   {:>8.1} MB", rss_after_write);
    println!("open:               {:>8.3} s", open.as_secs_f64());
    println!(
        "scan 2 columns:     {:>8.3} s  (sum {total}, members {members_total})",
        scan.as_secs_f64()
    );
    println!("verify:             {:>8.3} s", verify.as_secs_f64());
}
