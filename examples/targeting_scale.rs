//! Ranking and targeting at national scale, for `scripts/bench-targeting.sh`.
//!
//! ```sh
//! cargo run --release --example targeting_scale -- make DIR 10000000   # write a snapshot once
//! cargo run --release --example targeting_scale -- run DIR              # time it (JSON out)
//! ```
//!
//! `make` generates a synthetic registry (about 10 % of households surveyed) straight into a
//! snapshot builder. `run` opens the snapshot memory-mapped and times, each on its own: the PMT
//! fit on the surveyed households (with its 5-fold cross-validation), scoring every household,
//! desil nationally/by province/by regency, and the preview of the issue's example rule
//! (parse, type-check, evaluate as bitmaps, count households and persons), best of 5.
//! Peak memory is measured around `run` by the script (`/usr/bin/time -v`).
//!
//! `export DIR OUT` writes what `scripts/anchor_targeting.py` (the same work with NumPy and
//! pandas, the reference the figures are compared with) needs, as NumPy `.npy` files: the
//! design matrix of the fitted (surveyed) households with its outcome, weights and regencies;
//! per household members, regency, province, first person, KK, our score and desil; per
//! person the age on the reference date and the household row; and our model as JSON.

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;
use setara_core::RegionCode;
use setara_rules::{Bitmap, Inputs, Ranking, Rule, count_persons};
use setara_snapshot::{Column, Snapshot, SnapshotBuilder};
use setara_synth::{Config, SnapshotSink};
use setara_welfare::{Design, PmtModel, desil};

fn make(dir: &Path, households: u64) {
    let t = Instant::now();
    let mut sink = SnapshotSink(SnapshotBuilder::with_capacity(
        households as usize,
        households as usize * 4,
    ));
    setara_synth::generate(&Config::new(households, 1), &mut sink, &mut |_| {})
        .expect("generation");
    let info = sink.0.write(dir).expect("snapshot written");
    eprintln!(
        "snapshot {} with {households} households in {:.1} s",
        info.hash,
        t.elapsed().as_secs_f64()
    );
}

fn run(dir: &Path) {
    let snap = Snapshot::open_latest(dir).expect("snapshot");
    let on = reference_date(&snap);
    let n = snap.household_count();

    let t = Instant::now();
    let model = PmtModel::fit(&snap, on).expect("fit");
    let fit = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let scores = model.score(&snap, on).expect("score");
    let score = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let d = desil(&snap, &scores).expect("desil");
    let desil_s = t.elapsed().as_secs_f64();

    let programmes: HashMap<String, Bitmap> = [("PKH".to_string(), Bitmap::new(n))].into();
    let ranking = Ranking {
        desil: &d.national,
        desil_province: &d.province,
        desil_regency: &d.regency,
        score: &scores,
        rank: &d.rank,
    };
    let inputs = Inputs {
        snapshot: &snap,
        reference_date: on,
        ranking: Some(ranking),
        programmes: &programmes,
    };
    let source =
        r#"desil <= 4 and members.any(age < 6) and region in "32.04" and not receives("PKH")"#;
    let broad = r#"desil <= 4 and members.any(age < 6 or age >= 70 or disability != "none")"#;
    let mut preview = f64::INFINITY;
    let mut broad_preview = f64::INFINITY;
    let (mut households, mut persons, mut broad_households) = (0, 0, 0);
    for _ in 0..5 {
        for (rule_text, best, count) in [
            (source, &mut preview, &mut households),
            (broad, &mut broad_preview, &mut broad_households),
        ] {
            let t = Instant::now();
            let rule = Rule::compile(rule_text, &setara_rules::Context::of(&inputs)).expect("rule");
            let bits = rule.evaluate(&inputs).expect("evaluate");
            *count = bits.count_ones();
            if rule_text == source {
                persons = count_persons(&bits, &snap);
            } else {
                std::hint::black_box(count_persons(&bits, &snap));
            }
            *best = best.min(t.elapsed().as_secs_f64());
        }
    }
    println!(
        "{}",
        serde_json::json!({
            "households": n,
            "persons": snap.person_count(),
            "surveyed_fitted": model.stats.n,
            "pmt_fit_seconds": fit,
            "r_squared": model.stats.r_squared,
            "out_of_sample_r_squared": model.stats.cv.r_squared,
            "score_seconds": score,
            "desil_seconds": desil_s,
            "score_and_desil_seconds": score + desil_s,
            "preview_rule": source,
            "preview_seconds": preview,
            "preview_households": households,
            "preview_persons": persons,
            "broad_rule": broad,
            "broad_preview_seconds": broad_preview,
            "broad_preview_households": broad_households,
        })
    );
}

/// A little-endian element of a `.npy` file.
trait NpyElem: Copy {
    const DESCR: &'static str;
    fn put(self, out: &mut Vec<u8>);
}

macro_rules! npy_elem {
    ($t:ty, $d:literal) => {
        impl NpyElem for $t {
            const DESCR: &'static str = $d;
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
    };
}
npy_elem!(u8, "|u1");
npy_elem!(u16, "<u2");
npy_elem!(u32, "<u4");
npy_elem!(u64, "<u8");
npy_elem!(f64, "<f8");

/// Start a NumPy `.npy` v1.0 file: magic, version, header length, header dict padded with
/// spaces and a newline so that the data starts on a 64-byte boundary.
fn npy_open(path: &Path, descr: &str, shape: &[usize]) -> BufWriter<std::fs::File> {
    let dims = match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}, }}");
    let unpadded = 10 + header.len() + 1;
    header.push_str(&" ".repeat(unpadded.next_multiple_of(64) - unpadded));
    header.push('\n');
    let mut w = BufWriter::with_capacity(
        1 << 22,
        std::fs::File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    );
    w.write_all(b"\x93NUMPY\x01\x00").expect("write");
    w.write_all(&(header.len() as u16).to_le_bytes())
        .expect("write");
    w.write_all(header.as_bytes()).expect("write");
    w
}

/// Write `data` as a one-dimensional `.npy` file `OUT/name.npy`.
fn npy<T: NpyElem>(out: &Path, name: &str, data: &[T]) {
    let mut w = npy_open(&out.join(format!("{name}.npy")), T::DESCR, &[data.len()]);
    let mut buf = Vec::with_capacity(1 << 20);
    for chunk in data.chunks(1 << 17) {
        buf.clear();
        for &v in chunk {
            v.put(&mut buf);
        }
        w.write_all(&buf).expect("write");
    }
    w.flush().expect("flush");
}

fn export(dir: &Path, out: &Path) {
    let t0 = Instant::now();
    std::fs::create_dir_all(out).expect("output directory");
    let snap = Snapshot::open_latest(dir).expect("snapshot");
    let on = reference_date(&snap);
    let n = snap.household_count();

    // Our ranking, exactly as `run` computes it.
    let model = PmtModel::fit(&snap, on).expect("fit");
    let scores = model.score(&snap, on).expect("score");
    let d = desil(&snap, &scores).expect("desil");
    std::fs::write(
        out.join("model.json"),
        serde_json::to_string(&model).expect("json"),
    )
    .expect("write model.json");

    // The fitted households: the same selection as `PmtModel::fit`.
    let cons = snap.consumption();
    let weight = snap.survey_weight();
    let regency = snap.regency();
    let rows: Vec<usize> = (0..n)
        .filter(|&h| {
            cons.get(h).is_some_and(|c| c > 0)
                && weight.get(h).is_some_and(|w| w > 0.0 && w.is_finite())
                && regency.get(h).is_some()
        })
        .collect();
    let design = Design::from_snapshot(&snap, on);
    let p = design.width();
    std::fs::write(
        out.join("feature_names.json"),
        serde_json::to_string(design.feature_names()).expect("json"),
    )
    .expect("write feature_names.json");
    {
        let mut w = npy_open(&out.join("X.npy"), "<f8", &[rows.len(), p]);
        let mut row = vec![0.0; p];
        let mut buf = Vec::with_capacity(p * 8);
        for &h in &rows {
            design.row(h, &mut row);
            buf.clear();
            for &v in &row {
                v.put(&mut buf);
            }
            w.write_all(&buf).expect("write");
        }
        w.flush().expect("flush");
    }
    let y: Vec<f64> = rows.iter().map(|&h| (cons.value(h) as f64).ln()).collect();
    let w: Vec<f64> = rows.iter().map(|&h| weight.value(h)).collect();
    let g: Vec<u16> = rows.iter().map(|&h| regency.value(h)).collect();
    let r: Vec<u32> = rows.iter().map(|&h| h as u32).collect();
    npy(out, "y", &y);
    npy(out, "w", &w);
    npy(out, "g", &g);
    npy(out, "surveyed_row", &r);

    // Every household.
    let hh_regency: Vec<u16> = (0..n).map(|h| regency.get(h).unwrap_or(0)).collect();
    npy(out, "members", snap.members().values());
    npy(out, "regency", &hh_regency);
    npy(out, "province", snap.province().values());
    npy(out, "first_person", snap.first_person().values());
    npy(out, "kk", snap.kk().values());
    npy(out, "score", &scores);
    npy(out, "desil", &d.national);
    npy(out, "desil_province", &d.province);
    npy(out, "desil_regency", &d.regency);

    // Every person: age in completed years on the reference date (setara_core::age_on, the
    // rule the rules crate's birth-date thresholds implement) and household row.
    let birth = snap.birth_date();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    let ages: Vec<u8> = birth
        .values()
        .iter()
        .map(|&b| {
            // The rules read the raw value of a null birth date too; the count is reported.
            let born = epoch + chrono::TimeDelta::days(i64::from(b));
            setara_core::age_on(born, on).clamp(0, 255) as u8
        })
        .collect();
    let mut household = vec![0u32; snap.person_count()];
    let (first, members) = (snap.first_person().values(), snap.members().values());
    for h in 0..n {
        let start = first[h] as usize;
        household[start..start + usize::from(members[h])].fill(h as u32);
    }
    npy(out, "age", &ages);
    npy(out, "household", &household);

    // Whether `region in "32.04"` (region key) and regency 3204 select the same households.
    let within = RegionCode::parse("32.04").expect("code");
    let keys = snap.region().values();
    let by_region = (0..n)
        .filter(|&h| RegionCode::from_key(keys[h]).is_some_and(|c| c.is_within(within)))
        .count();
    let by_regency = hh_regency.iter().filter(|&&r| r == 3204).count();
    let meta = serde_json::json!({
        "snapshot": snap.manifest().sha256,
        "reference_date": on.format("%Y-%m-%d").to_string(),
        "households": n,
        "persons": snap.person_count(),
        "surveyed_fitted": rows.len(),
        "features": p,
        "birth_date_nulls": (0..snap.person_count()).filter(|&p| birth.get(p).is_none()).count(),
        "households_region_in_32_04": by_region,
        "households_regency_3204": by_regency,
        "export_seconds": t0.elapsed().as_secs_f64(),
    });
    std::fs::write(out.join("meta.json"), meta.to_string()).expect("write meta.json");
    eprintln!("{meta}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("make") => make(
            Path::new(&args[2]),
            args.get(3)
                .and_then(|s| s.parse().ok())
                .unwrap_or(1_000_000),
        ),
        Some("run") => run(Path::new(&args[2])),
        Some("export") if args.len() == 4 => export(Path::new(&args[2]), Path::new(&args[3])),
        _ => {
            eprintln!("usage: targeting_scale make DIR [HOUSEHOLDS] | run DIR | export DIR OUT");
            std::process::exit(2);
        }
    }
}

/// The date a snapshot describes (as `setara_app::ranking::reference_date`).
fn reference_date(snap: &Snapshot) -> NaiveDate {
    chrono::DateTime::parse_from_rfc3339(&snap.manifest().created)
        .map(|t| t.date_naive())
        .expect("a snapshot's creation time")
}
