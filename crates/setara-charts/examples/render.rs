//! Write example charts to a directory (default `/tmp/setara-charts`):
//!
//! ```text
//! cargo run -p setara-charts --example render -- /tmp/setara-charts
//! ```
//!
//! - `lorenz-id.svg`, `lorenz-en.svg`: two lognormal samples (1,000,000 and 200,000 people)
//!   with Gini about 0.38 and 0.30;
//! - `map-gini-id.svg`: BPS Gini ratio by province, March 2024 (quantile classes, viridis);
//! - `map-poverty-en.svg`: BPS poverty rate, March 2024, three provinces suppressed
//!   (equal-interval classes, YlOrRd, a custom "9.0 %" format), with a title;
//! - `map-narrow.svg`: the Gini map 480 px wide.
//!
//! With `--full` after the directory, also `lorenz-id-full.svg`: the same Lorenz chart drawn
//! from every point (about 15 MB), to compare with the downsampled one pixel by pixel.

use std::path::PathBuf;

use setara_charts::{
    Breaks, Lang, LorenzCurve, LorenzOptions, MapOptions, Palette, ValueFormat, lorenz_svg,
    province_map_svg,
};
use setara_core::{Bps, RegionCode};

/// SplitMix64: a small deterministic generator, enough for an example.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal by Box–Muller.
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.next_f64(), self.next_f64());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// Lognormal sample with the given Gini: G = 2 Φ(σ / √2) − 1, so σ = √2 Φ⁻¹((G + 1) / 2);
/// Φ⁻¹(0.69) ≈ 0.4959 (G = 0.38), Φ⁻¹(0.65) ≈ 0.3853 (G = 0.30).
fn lognormal(n: usize, sigma: f64, seed: u64) -> Vec<f64> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| (13.5 + sigma * rng.normal()).exp())
        .collect()
}

/// Lorenz points (one per person) and the Gini of a sample.
fn lorenz(mut x: Vec<f64>) -> (Vec<(f64, f64)>, f64) {
    x.sort_by(f64::total_cmp);
    let n = x.len() as f64;
    let total: f64 = x.iter().sum();
    let mut points = Vec::with_capacity(x.len() + 1);
    points.push((0.0, 0.0));
    let (mut cum, mut weighted) = (0.0, 0.0);
    for (i, v) in x.iter().enumerate() {
        cum += v;
        weighted += (i as f64 + 1.0) * v;
        points.push(((i as f64 + 1.0) / n, cum / total));
    }
    let gini = 2.0 * weighted / (n * total) - (n + 1.0) / n;
    (points, gini)
}

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "/tmp/setara-charts".into()),
    );
    std::fs::create_dir_all(&dir).expect("create output directory");
    let write = |name: &str, svg: &str| {
        let path = dir.join(name);
        std::fs::write(&path, svg).expect("write SVG");
        println!("{} ({} bytes)", path.display(), svg.len());
    };

    let sigma = |phi_inv: f64| std::f64::consts::SQRT_2 * phi_inv;
    let (a, ga) = lorenz(lognormal(1_000_000, sigma(0.4959), 1));
    let (b, gb) = lorenz(lognormal(200_000, sigma(0.3853), 2));
    for lang in [Lang::Id, Lang::En] {
        let curves = [
            LorenzCurve::new(lang.pick("Kota", "Urban"), ga, &a[..]),
            LorenzCurve::new(lang.pick("Desa", "Rural"), gb, &b[..]),
        ];
        write(
            &format!("lorenz-{lang}.svg"),
            &lorenz_svg(&curves, &LorenzOptions::new(lang)),
        );
        if lang == Lang::Id && std::env::args().any(|a| a == "--full") {
            let options = LorenzOptions {
                max_points: usize::MAX,
                ..LorenzOptions::new(lang)
            };
            write("lorenz-id-full.svg", &lorenz_svg(&curves, &options));
        }
    }

    let bps = Bps::shipped();
    let gini: Vec<(RegionCode, Option<f64>)> = bps
        .provinces("2024-03")
        .filter_map(|r| Some((r.province?, r.gini)))
        .collect();
    let options = MapOptions::new(Lang::Id, "Rasio Gini, Maret 2024");
    write("map-gini-id.svg", &province_map_svg(&gini, &options));
    write(
        "map-narrow.svg",
        &province_map_svg(
            &gini,
            &MapOptions {
                width: 480,
                ..options.clone()
            },
        ),
    );

    let suppressed = ["34", "65", "95"];
    let poverty: Vec<(String, Option<f64>)> = bps
        .provinces("2024-03")
        .filter_map(|r| {
            let code = r.province?.to_string();
            let v = if suppressed.contains(&code.as_str()) {
                None
            } else {
                r.poverty_pct
            };
            Some((code, v))
        })
        .collect();
    let options = MapOptions {
        title: Some("Poverty rate by province, March 2024 (BPS)".into()),
        breaks: Breaks::EqualInterval,
        palette: Palette::YlOrRd,
        classes: 6,
        format: ValueFormat::custom(|v| format!("{v:.1} %")),
        ..MapOptions::new(Lang::En, "Poor population (P0)")
    };
    write("map-poverty-en.svg", &province_map_svg(&poverty, &options));
}
