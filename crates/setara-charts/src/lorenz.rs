//! Lorenz curves (kurva Lorenz) as SVG.

use std::borrow::Cow;
use std::fmt::Write;

use setara_core::Lang;

use crate::svg::{FONT_FAMILY, INK, Px, ValueFormat, esc, fit, text_width};

/// One Lorenz curve: points `(p, L(p))` — cumulative share of population, cumulative share of
/// consumption, both in `[0, 1]` — in increasing order of `p`, from `(0, 0)` to `(1, 1)`.
///
/// The points may be many (one per person of a 10-million sample): the renderer downsamples
/// them (see [`downsample`]). Points that are not finite are skipped; a missing `(0, 0)` start
/// or `(1, 1)` end is added, since every Lorenz curve passes through both.
#[derive(Clone, Debug)]
pub struct LorenzCurve<'a> {
    /// Shown in the legend, e.g. "Nasional" or "Jawa Barat".
    pub label: Cow<'a, str>,
    /// Shown in the legend as "Gini 0.379" (formatted by [`LorenzOptions::gini_format`]).
    pub gini: Option<f64>,
    pub points: Cow<'a, [(f64, f64)]>,
}

impl<'a> LorenzCurve<'a> {
    /// `LorenzCurve::new("Nasional", 0.379, &points[..])` or with an owned `Vec`.
    pub fn new(
        label: impl Into<Cow<'a, str>>,
        gini: impl Into<Option<f64>>,
        points: impl Into<Cow<'a, [(f64, f64)]>>,
    ) -> LorenzCurve<'a> {
        LorenzCurve {
            label: label.into(),
            gini: gini.into(),
            points: points.into(),
        }
    }
}

/// The words of a Lorenz chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LorenzLabels {
    pub title: String,
    pub x_axis: String,
    pub y_axis: String,
    pub equality: String,
}

impl LorenzLabels {
    pub fn new(lang: Lang) -> LorenzLabels {
        LorenzLabels {
            title: lang.pick("Kurva Lorenz", "Lorenz curve").into(),
            x_axis: lang
                .pick(
                    "Bagian kumulatif penduduk",
                    "Cumulative share of population",
                )
                .into(),
            y_axis: lang
                .pick(
                    "Bagian kumulatif pengeluaran",
                    "Cumulative share of consumption",
                )
                .into(),
            equality: lang.pick("Garis kesetaraan", "Line of equality").into(),
        }
    }
}

/// Options of [`lorenz_svg`].
#[derive(Clone, Debug)]
pub struct LorenzOptions {
    /// Width of the SVG in px; the plot is square and the height follows (about width + 60).
    pub width: u32,
    pub labels: LorenzLabels,
    /// How the Gini is written in the legend (default 3 decimals: "Gini 0.379").
    pub gini_format: ValueFormat,
    /// At most about this many points are drawn per curve (default 500).
    pub max_points: usize,
}

impl LorenzOptions {
    pub fn new(lang: Lang) -> LorenzOptions {
        LorenzOptions {
            width: 600,
            labels: LorenzLabels::new(lang),
            gini_format: ValueFormat::Decimals(3),
            max_points: 500,
        }
    }
}

impl Default for LorenzOptions {
    fn default() -> Self {
        LorenzOptions::new(Lang::Id)
    }
}

/// Okabe–Ito colours (distinguishable with any colour-vision deficiency), yellow left out
/// because it vanishes on white.
const CURVE_COLOURS: [&str; 7] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
];
/// After the seven colours come round again, curves are dashed so they stay distinct.
const CURVE_DASHES: [Option<&str>; 3] = [None, Some("8 4"), Some("2 3")];

/// Reduce a Lorenz curve to at most about `max_points` points that lie on it.
///
/// The curve is cut at fixed steps of `p` (1/n) *and* at fixed steps of `L` (1/n), with
/// n = `max_points / 2`, by linear interpolation along the original polyline. Every new point
/// lies on the original curve, so a convex curve stays convex, and no two consecutive points
/// are more than 1/n apart in either direction — also where the curve is steep near `p = 1`,
/// where fixed `p` steps alone would cut off the top of the distribution. The first and last
/// points are kept, so the result has at most `max_points + 2` points. Curves of at most
/// `max_points` points are returned unchanged.
pub fn downsample(points: &[(f64, f64)], max_points: usize) -> Vec<(f64, f64)> {
    if points.len() <= max_points.max(6) {
        return points.to_vec();
    }
    let n = (max_points / 2).max(2);
    let nf = n as f64;
    let first = points[0];
    let last = points[points.len() - 1];
    let mut out = Vec::with_capacity(2 * n + 3);
    out.push(first);
    // Next grid index strictly beyond the current position.
    let mut next_p = (first.0 * nf).floor() as i64 + 1;
    let mut next_l = (first.1 * nf).floor() as i64 + 1;
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        loop {
            let gp = next_p as f64 / nf;
            let gl = next_l as f64 / nf;
            // Where along a→b the next grid line of each kind is crossed (t in [0, 1]).
            let tp = if gp <= b.0 && b.0 > a.0 {
                ((gp - a.0) / (b.0 - a.0)).clamp(0.0, 1.0)
            } else {
                f64::INFINITY
            };
            let tl = if gl <= b.1 && b.1 > a.1 {
                ((gl - a.1) / (b.1 - a.1)).clamp(0.0, 1.0)
            } else {
                f64::INFINITY
            };
            let t = tp.min(tl);
            if !t.is_finite() {
                break;
            }
            if tp <= t {
                next_p += 1;
            }
            if tl <= t {
                next_l += 1;
            }
            let q = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            if out.last() != Some(&q) {
                out.push(q);
            }
        }
    }
    if out.last() != Some(&last) {
        out.push(last);
    }
    out
}

/// Finite points, sorted by `p` (then `L`) if they are not already, and with the ends
/// `(0, 0)` and `(1, 1)` present.
fn clean(points: &[(f64, f64)]) -> Cow<'_, [(f64, f64)]> {
    let finite = |q: &(f64, f64)| q.0.is_finite() && q.1.is_finite();
    let sorted = points.windows(2).all(|w| w[0].0 <= w[1].0);
    let starts = points.first().is_some_and(|q| q.0 <= 0.0);
    let ends = points.last().is_some_and(|q| q.0 >= 1.0);
    if sorted && starts && ends && points.iter().all(finite) {
        return Cow::Borrowed(points);
    }
    let mut v: Vec<(f64, f64)> = points.iter().copied().filter(finite).collect();
    if !sorted {
        v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    }
    if v.first().is_none_or(|q| q.0 > 0.0) {
        v.insert(0, (0.0, 0.0));
    }
    if v.last().is_none_or(|q| q.0 < 1.0) {
        v.push((1.0, 1.0));
    }
    Cow::Owned(v)
}

/// The legend text of a curve: "Nasional (Gini 0.379)".
fn legend_text(c: &LorenzCurve<'_>, fmt: &ValueFormat) -> String {
    match c.gini {
        Some(g) if g.is_finite() => format!("{} (Gini {})", c.label, fmt.format(g)),
        _ => c.label.to_string(),
    }
}

/// Lorenz curves with the line of equality, axes 0–100 %, a title and a legend.
///
/// Self-contained SVG text (no fonts, styles or scripts from elsewhere; no XML prolog, so it
/// can be inlined into HTML as is). Same input, same bytes. Elements carry classes for a web
/// page to style or find: `equality`, `lorenz-curve`, `legend`, `axis`.
pub fn lorenz_svg(curves: &[LorenzCurve<'_>], options: &LorenzOptions) -> String {
    let w = f64::from(options.width.max(240));
    let font = (w / 46.0).clamp(10.0, 15.0);
    let small = font * 0.9;
    let pad = font;
    let labels = &options.labels;

    // Layout: title, then the square plot with tick labels and axis titles around it.
    let title_h = if labels.title.is_empty() {
        0.0
    } else {
        font * 1.35 * 1.9
    };
    let top = pad + title_h + font * 0.5;
    let tick = font * 0.4;
    let left = pad + font * 1.3 + text_width("100%", small) + tick + font * 0.6;
    let right = pad + font;
    let size = (w - left - right).max(100.0);
    let x = |p: f64| left + p * size;
    let y = |l: f64| top + (1.0 - l) * size;

    // Legend: inside the plot, top-left, above the diagonal (no Lorenz curve is ever there);
    // below the plot if it is too big for that triangle.
    let texts: Vec<String> = curves
        .iter()
        .map(|c| legend_text(c, &options.gini_format))
        .collect();
    let sample = font * 2.2;
    let row = font * 1.5;
    let inner = font * 0.6;
    let legend_w = inner * 2.0
        + sample
        + font * 0.5
        + texts
            .iter()
            .map(|t| text_width(t, small))
            .chain(std::iter::once(text_width(&labels.equality, small)))
            .fold(0.0, f64::max);
    let legend_h = inner * 2.0 + row * (texts.len() + 1) as f64 - (row - font);
    let gap = size * 0.04;
    let inside = legend_w + legend_h + 2.0 * gap < size * 0.92;
    let bottom_axis = top + size + tick + small * 1.5 + font * 1.5;
    let (legend_x, legend_y, legend_extra) = if inside {
        (left + gap, top + gap, 0.0)
    } else {
        (pad, bottom_axis + font * 0.6, legend_h + font * 0.6)
    };
    // Below the plot, long labels are cut to the width (the curve's hover text keeps them whole).
    let legend_w = if inside {
        legend_w
    } else {
        legend_w.min(w - 2.0 * pad)
    };
    let room = legend_w - inner * 2.0 - sample - font * 0.5;
    let shown: Vec<String> = texts.iter().map(|t| fit(t, small, room)).collect();
    let equality = fit(&labels.equality, small, room);
    let h = bottom_axis + legend_extra + pad;

    let mut s = String::with_capacity(16 * 1024);
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" \
         font-family=\"{}\" font-size=\"{}\" fill=\"{INK}\" role=\"img\">",
        Px(w),
        Px(h),
        Px(w),
        Px(h),
        FONT_FAMILY,
        Px(font)
    );
    let _ = writeln!(s, "<title>{}</title>", esc(&labels.title));
    let _ = writeln!(
        s,
        "<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
        Px(w),
        Px(h)
    );
    if !labels.title.is_empty() {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\">{}</text>",
            Px(pad),
            Px(pad + font * 1.35),
            Px(font * 1.35),
            esc(&labels.title)
        );
    }

    // Grid every 10 %, labelled ticks every 20 %.
    s.push_str("<g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\">\n");
    for i in 1..10 {
        let v = f64::from(i) / 10.0;
        let _ = writeln!(
            s,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
            Px(x(v)),
            Px(y(0.0)),
            Px(x(v)),
            Px(y(1.0))
        );
        let _ = writeln!(
            s,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
            Px(x(0.0)),
            Px(y(v)),
            Px(x(1.0)),
            Px(y(v))
        );
    }
    s.push_str("</g>\n");
    s.push_str("<g class=\"axis\" stroke=\"#444444\" stroke-width=\"1\">\n");
    let _ = writeln!(
        s,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#bbbbbb\"/>",
        Px(x(0.0)),
        Px(y(1.0)),
        Px(size),
        Px(size)
    );
    let _ = writeln!(
        s,
        "<path d=\"M{},{}V{}H{}\" fill=\"none\"/>",
        Px(x(0.0)),
        Px(y(1.0)),
        Px(y(0.0)),
        Px(x(1.0))
    );
    for i in 0..=10 {
        let v = f64::from(i) / 10.0;
        let len = if i % 2 == 0 { tick } else { tick * 0.5 };
        let _ = writeln!(
            s,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
            Px(x(v)),
            Px(y(0.0)),
            Px(x(v)),
            Px(y(0.0) + len)
        );
        let _ = writeln!(
            s,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
            Px(x(0.0) - len),
            Px(y(v)),
            Px(x(0.0)),
            Px(y(v))
        );
    }
    s.push_str("</g>\n");
    let _ = writeln!(s, "<g class=\"axis-labels\" font-size=\"{}\">", Px(small));
    for i in (0..=10).step_by(2) {
        let v = f64::from(i) / 10.0;
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}%</text>",
            Px(x(v)),
            Px(y(0.0) + tick + small * 1.05),
            i * 10
        );
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}%</text>",
            Px(x(0.0) - tick - font * 0.3),
            Px(y(v) + small * 0.35),
            i * 10
        );
    }
    s.push_str("</g>\n");
    let _ = writeln!(
        s,
        "<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        Px(x(0.5)),
        Px(y(0.0) + tick + small * 1.5 + font * 1.1),
        esc(&labels.x_axis)
    );
    let yt_x = pad + font * 0.9;
    let _ = writeln!(
        s,
        "<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" \
         transform=\"rotate(-90 {} {})\">{}</text>",
        Px(yt_x),
        Px(y(0.5)),
        Px(yt_x),
        Px(y(0.5)),
        esc(&labels.y_axis)
    );

    // The line of equality, then the curves.
    let _ = writeln!(
        s,
        "<line class=\"equality\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#777777\" \
         stroke-width=\"1.2\" stroke-dasharray=\"6 4\"><title>{}</title></line>",
        Px(x(0.0)),
        Px(y(0.0)),
        Px(x(1.0)),
        Px(y(1.0)),
        esc(&labels.equality)
    );
    for (i, (c, text)) in curves.iter().zip(&texts).enumerate() {
        let colour = CURVE_COLOURS[i % CURVE_COLOURS.len()];
        let dash = CURVE_DASHES[(i / CURVE_COLOURS.len()) % CURVE_DASHES.len()];
        let pts = downsample(&clean(&c.points), options.max_points);
        let _ = write!(
            s,
            "<polyline class=\"lorenz-curve\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" \
             stroke-linejoin=\"round\"{} points=\"",
            dash.map(|d| format!(" stroke-dasharray=\"{d}\""))
                .unwrap_or_default()
        );
        let mut prev: Option<(i64, i64)> = None;
        for &(p, l) in pts.iter() {
            let q = (
                crate::svg::tenths(x(p.clamp(0.0, 1.0))),
                crate::svg::tenths(y(l.clamp(0.0, 1.0))),
            );
            if prev == Some(q) {
                continue;
            }
            if prev.is_some() {
                s.push(' ');
            }
            let _ = crate::svg::write_tenths(&mut s, q.0);
            s.push(',');
            let _ = crate::svg::write_tenths(&mut s, q.1);
            prev = Some(q);
        }
        let _ = writeln!(s, "\"><title>{}</title></polyline>", esc(text));
    }

    // Legend.
    let _ = writeln!(
        s,
        "<g class=\"legend\" font-size=\"{}\">\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" \
         fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#cccccc\"/>",
        Px(small),
        Px(legend_x),
        Px(legend_y),
        Px(legend_w),
        Px(legend_h)
    );
    let entry = |s: &mut String, k: usize, stroke: &str, extra: &str, text: &str| {
        let cy = legend_y + inner + font * 0.5 + row * k as f64;
        let _ = writeln!(
            s,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\"{extra}/>",
            Px(legend_x + inner),
            Px(cy),
            Px(legend_x + inner + sample),
            Px(cy)
        );
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            Px(legend_x + inner + sample + font * 0.5),
            Px(cy + small * 0.35),
            esc(text)
        );
    };
    for (i, text) in shown.iter().enumerate() {
        let colour = CURVE_COLOURS[i % CURVE_COLOURS.len()];
        let dash = CURVE_DASHES[(i / CURVE_COLOURS.len()) % CURVE_DASHES.len()];
        let extra = format!(
            " stroke-width=\"2\"{}",
            dash.map(|d| format!(" stroke-dasharray=\"{d}\""))
                .unwrap_or_default()
        );
        entry(&mut s, i, colour, &extra, text);
    }
    entry(
        &mut s,
        texts.len(),
        "#777777",
        " stroke-width=\"1.2\" stroke-dasharray=\"6 4\"",
        &equality,
    );
    s.push_str("</g>\n</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(n: usize, f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
        (0..=n)
            .map(|i| {
                let p = i as f64 / n as f64;
                (p, f(p))
            })
            .collect()
    }

    #[test]
    fn few_points_are_kept() {
        let c = curve(10, |p| p * p);
        assert_eq!(downsample(&c, 500), c);
    }

    #[test]
    fn many_points_become_few_on_the_curve_and_convex() {
        // A steep top, like a heavy-tailed distribution.
        let f = |p: f64| p.powi(8);
        let c = curve(1_000_000, f);
        let d = downsample(&c, 500);
        assert!(d.len() <= 502, "{}", d.len());
        assert!(d.len() > 300, "{}", d.len());
        assert_eq!(d[0], (0.0, 0.0));
        assert_eq!(*d.last().unwrap(), (1.0, 1.0));
        for &(p, l) in &d {
            assert!((f(p) - l).abs() < 1e-6, "({p}, {l}) off the curve");
        }
        for w in d.windows(2) {
            assert!(w[1].0 >= w[0].0 && w[1].1 >= w[0].1);
            // Gaps of at most one grid step in each direction.
            assert!(w[1].0 - w[0].0 <= 1.0 / 250.0 + 1e-9);
            assert!(w[1].1 - w[0].1 <= 1.0 / 250.0 + 1e-9);
        }
        for w in d.windows(3) {
            let s1 = (w[1].1 - w[0].1) / (w[1].0 - w[0].0);
            let s2 = (w[2].1 - w[1].1) / (w[2].0 - w[1].0);
            assert!(s2 >= s1 - 1e-6, "not convex: {s1} then {s2}");
        }
    }

    #[test]
    fn flat_and_vertical_segments_are_handled() {
        // Many zero incomes (flat start), then a jump.
        let mut c: Vec<(f64, f64)> = (0..=2000).map(|i| (i as f64 / 4000.0, 0.0)).collect();
        c.extend((1..=2000).map(|i| (0.5 + i as f64 / 4000.0, (i as f64 / 2000.0).powi(2))));
        let d = downsample(&c, 100);
        assert!(d.len() <= 102);
        assert_eq!(*d.last().unwrap(), (1.0, 1.0));
        assert!(d.iter().all(|q| q.0.is_finite() && q.1.is_finite()));
    }

    /// Lorenz points of a sample (one per person).
    fn lorenz_of(mut x: Vec<f64>) -> Vec<(f64, f64)> {
        x.sort_by(f64::total_cmp);
        let total: f64 = x.iter().sum();
        let n = x.len() as f64;
        let mut cum = 0.0;
        let mut pts = vec![(0.0, 0.0)];
        for (i, v) in x.iter().enumerate() {
            cum += v;
            pts.push(((i + 1) as f64 / n, cum / total));
        }
        pts
    }

    proptest::proptest! {
        #[test]
        fn downsampled_curves_stay_on_the_curve_and_convex(
            x in proptest::collection::vec(0.0f64..1e6, 200..3000),
            max_points in 10usize..400,
        ) {
            proptest::prop_assume!(x.iter().sum::<f64>() > 0.0);
            let c = lorenz_of(x);
            let d = downsample(&c, max_points);
            proptest::prop_assert!(d.len() <= max_points.max(6) + 2);
            proptest::prop_assert_eq!(d[0], c[0]);
            proptest::prop_assert_eq!(d.last(), c.last());
            for &(p, l) in &d {
                // On the original polyline: interpolate it at p.
                let k = c.partition_point(|q| q.0 < p).min(c.len() - 1);
                let on = if k == 0 || c[k].0 == p {
                    c[k].1
                } else {
                    let (a, b) = (c[k - 1], c[k]);
                    a.1 + (p - a.0) / (b.0 - a.0) * (b.1 - a.1)
                };
                proptest::prop_assert!((on - l).abs() < 1e-9, "({}, {}) vs {}", p, l, on);
            }
            for w in d.windows(3) {
                // Convex: the middle point is not above the chord.
                let (a, b, m) = (w[0], w[2], w[1]);
                if b.0 > a.0 {
                    let chord = a.1 + (m.0 - a.0) / (b.0 - a.0) * (b.1 - a.1);
                    proptest::prop_assert!(m.1 <= chord + 1e-9);
                }
            }
        }
    }

    #[test]
    fn ends_are_added_and_order_restored() {
        let c = clean(&[(0.5, 0.3), (0.25, 0.1), (f64::NAN, 0.2)]);
        assert_eq!(&c[..], &[(0.0, 0.0), (0.25, 0.1), (0.5, 0.3), (1.0, 1.0)]);
    }
}
