//! Region lookups and identity parsing: `cargo bench --bench registry`.
//!
//! The issue asks for region lookup by code in O(1) and by name in ≤ 1 ms; `by_code` is
//! measured on a small and a large set of codes to show that its time does not grow with the
//! table, and `by_name` on exact, accent-folded and prefix-less names.

use divan::{Bencher, black_box};
use setara_core::{Level, Nik, RegionCode, Regions};

fn main() {
    // Parse the shipped table once, outside the measurements.
    let _ = Regions::kemendagri_2025();
    divan::main();
}

fn village_codes(n: usize) -> Vec<RegionCode> {
    Regions::kemendagri_2025()
        .at_level(Level::Village)
        .step_by(83_762 / n)
        .take(n)
        .map(|r| r.code)
        .collect()
}

/// Lookup by code over `n` different codes: the cost per lookup stays flat as `n` grows.
#[divan::bench(args = [100, 10_000, 80_000])]
fn by_code(bencher: Bencher, n: usize) {
    let t = Regions::kemendagri_2025();
    let codes = village_codes(n);
    bencher
        .counter(divan::counter::ItemsCount::new(codes.len()))
        .bench(|| {
            let mut found = 0;
            for c in &codes {
                found += usize::from(t.get(black_box(*c)).is_some());
            }
            found
        });
}

#[divan::bench(args = ["Keude Bakongan", "kota bandung", "Regapu’u", "KABUPATEN ACEH SELATAN", "tidak ada"])]
fn by_name(bencher: Bencher, name: &str) {
    let t = Regions::kemendagri_2025();
    bencher.bench(|| t.find_by_name(black_box(name)).len());
}

#[divan::bench]
fn parse_dotted_code(bencher: Bencher) {
    bencher.bench(|| RegionCode::parse(black_box("32.04.05.2001")));
}

#[divan::bench]
fn parse_nik(bencher: Bencher) {
    bencher.bench(|| Nik::parse(black_box("3204055708850003")));
}

/// Loading the shipped region table (91,599 codes), which happens once per process.
#[divan::bench(sample_count = 10)]
fn load_region_table(bencher: Bencher) {
    let csv = (
        include_str!("../data/wilayah/regions.csv"),
        include_str!("../data/wilayah/population.csv"),
        include_str!("../data/wilayah/area_km2.csv"),
    );
    bencher.bench(|| Regions::from_csv(csv.0, csv.1, csv.2).map(|t| t.len()));
}
