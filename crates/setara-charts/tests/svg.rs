//! The SVG output: well-formed XML, the elements a reader (and a web page) relies on, rounded
//! coordinates, escaping and determinism.

mod xml;

use setara_charts::{
    Breaks, Lang, LorenzCurve, LorenzOptions, MapOptions, Palette, ValueFormat, lorenz_svg,
    map_provinces, province_map_svg,
};
use setara_core::{Bps, RegionCode};
use xml::Element;

/// Attributes that hold coordinates or lengths.
const GEOMETRY: [&str; 14] = [
    "d",
    "points",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "width",
    "height",
    "viewBox",
    "font-size",
    "stroke-width",
    "transform",
];

/// No number in a geometry attribute has more than one decimal.
fn assert_rounded(root: &Element) {
    for e in root.descendants() {
        for (name, value) in &e.attrs {
            if !GEOMETRY.contains(&name.as_str()) {
                continue;
            }
            for frac in value.split('.').skip(1) {
                let digits = frac.chars().take_while(char::is_ascii_digit).count();
                assert!(
                    digits <= 1,
                    "<{} {name}> has a number with {digits} decimals: {}",
                    e.name,
                    &value[..value.len().min(80)]
                );
            }
        }
    }
}

fn parse(svg: &str) -> Element {
    let root = xml::parse(svg).unwrap_or_else(|e| panic!("not well-formed XML: {e}"));
    assert_eq!(root.name, "svg");
    assert_eq!(root.attr("xmlns"), Some("http://www.w3.org/2000/svg"));
    assert!(root.attr("viewBox").is_some());
    // Self-contained: nothing is fetched from elsewhere.
    for e in root.descendants() {
        assert!(
            !matches!(
                e.name.as_str(),
                "script" | "style" | "image" | "foreignObject" | "a"
            ),
            "<{}> in the output",
            e.name
        );
        assert!(e.attr("href").is_none() && e.attr("xlink:href").is_none());
    }
    assert_eq!(
        svg.matches("://").count(),
        1,
        "a URL other than the SVG namespace"
    );
    assert_rounded(&root);
    root
}

fn gini_2024() -> Vec<(RegionCode, Option<f64>)> {
    Bps::shipped()
        .provinces("2024-03")
        .map(|r| (r.province.unwrap(), r.gini))
        .collect()
}

fn province_paths(root: &Element) -> Vec<&Element> {
    let group = root
        .descendants()
        .into_iter()
        .find(|e| e.name == "g" && e.has_class("provinces"))
        .expect("a provinces group");
    group.elements().filter(|e| e.name == "path").collect()
}

fn title_of(e: &Element) -> String {
    e.elements()
        .find(|c| c.name == "title")
        .map(Element::text)
        .unwrap_or_else(|| panic!("<{}> without a <title>", e.name))
}

#[test]
fn map_has_38_provinces_each_with_name_and_value() {
    let values = gini_2024();
    let svg = province_map_svg(&values, &MapOptions::new(Lang::Id, "Rasio Gini"));
    let root = parse(&svg);
    let paths = province_paths(&root);
    assert_eq!(paths.len(), 38);
    let bps = Bps::shipped();
    for p in &paths {
        let code = RegionCode::parse(p.attr("data-code").unwrap()).unwrap();
        let stat = bps.province(code, "2024-03").unwrap();
        let name = &map_provinces()
            .iter()
            .find(|m| m.code == code)
            .unwrap()
            .name;
        assert_eq!(
            title_of(p),
            format!("{name}: {:.3}", stat.gini.unwrap()),
            "{code}"
        );
        assert_eq!(p.attr("fill-rule"), Some("evenodd"));
        assert!(
            p.attr("fill").unwrap().starts_with('#'),
            "{code} has no colour"
        );
        assert!(p.attr("d").unwrap().starts_with('M'));
    }
    // Jawa Barat by its BPS name; the Papua split joined on Kemendagri codes.
    let titles: Vec<String> = paths.iter().map(|p| title_of(p)).collect();
    assert!(
        titles.contains(&"Jawa Barat: 0.421".to_string()),
        "{titles:?}"
    );
    let by_code = |c: &str| {
        paths
            .iter()
            .find(|p| p.attr("data-code") == Some(c))
            .map(|p| title_of(p))
            .unwrap()
    };
    assert!(by_code("96").starts_with("Papua Barat Daya: "));
    assert!(by_code("92").starts_with("Papua Barat: "));
    assert!(by_code("95").starts_with("Papua Pegunungan: "));
    // Five classes in use, and the legend names the measure and the breaks.
    let mut fills: Vec<&str> = paths.iter().map(|p| p.attr("fill").unwrap()).collect();
    fills.sort();
    fills.dedup();
    assert_eq!(fills.len(), 5, "{fills:?}");
    let legend = root
        .descendants()
        .into_iter()
        .find(|e| e.has_class("legend"))
        .unwrap();
    let text = legend.text();
    assert!(text.contains("Rasio Gini"), "{text}");
    assert_eq!(text.matches(" – ").count(), 5, "{text}");
    // No province lacks a value, so the legend has no no-data entry.
    assert!(!text.contains("tidak ada data"), "{text}");
    // The attribution.
    assert!(root.text().contains(
        "Batas provinsi: Indonesia GeoJSON & TopoJSON Maps (38 Provinces), denyherianto, CC BY 4.0"
    ));
}

#[test]
fn darker_classes_hold_higher_values() {
    let values = gini_2024();
    let options = MapOptions::new(Lang::Id, "Gini");
    let root = parse(&province_map_svg(&values, &options));
    let colours = Palette::Viridis.colours(5);
    let mut by_class: Vec<Vec<f64>> = vec![Vec::new(); 5];
    for p in province_paths(&root) {
        let code = RegionCode::parse(p.attr("data-code").unwrap()).unwrap();
        let v = values.iter().find(|(c, _)| *c == code).unwrap().1.unwrap();
        let class = colours
            .iter()
            .position(|c| c == p.attr("fill").unwrap())
            .unwrap();
        by_class[class].push(v);
    }
    for w in by_class.windows(2) {
        let max_low = w[0].iter().copied().fold(f64::MIN, f64::max);
        let min_high = w[1].iter().copied().fold(f64::MAX, f64::min);
        assert!(max_low < min_high, "{by_class:?}");
    }
    // Quantile classes: 7 or 8 provinces each, give or take the ties at a break (0.321 twice).
    assert!(
        by_class.iter().all(|c| (6..=9).contains(&c.len())),
        "{by_class:?}"
    );
}

#[test]
fn missing_values_get_the_no_data_fill() {
    let mut values: Vec<(String, Option<f64>)> = gini_2024()
        .into_iter()
        .map(|(c, v)| (c.to_string(), v))
        .collect();
    // Suppressed, absent, not finite.
    values.iter_mut().find(|(c, _)| c == "34").unwrap().1 = None;
    values.retain(|(c, _)| c != "65");
    values.iter_mut().find(|(c, _)| c == "95").unwrap().1 = Some(f64::NAN);
    // Keys that name no province are ignored.
    values.push(("32.04".into(), Some(9.0)));
    values.push(("99".into(), Some(9.0)));
    let options = MapOptions {
        id_prefix: "peta-1".into(),
        ..MapOptions::new(Lang::Id, "Rasio Gini")
    };
    let root = parse(&province_map_svg(&values, &options));
    let pattern = root
        .descendants()
        .into_iter()
        .find(|e| e.name == "pattern")
        .unwrap();
    assert_eq!(pattern.attr("id"), Some("peta-1-nodata"));
    let paths = province_paths(&root);
    assert_eq!(paths.len(), 38);
    for p in paths {
        let code = p.attr("data-code").unwrap();
        let missing = ["34", "65", "95"].contains(&code);
        assert_eq!(
            p.attr("fill") == Some("url(#peta-1-nodata)"),
            missing,
            "{code}"
        );
        if missing {
            assert!(title_of(p).ends_with(": tidak ada data"), "{}", title_of(p));
        }
    }
    let legend = root
        .descendants()
        .into_iter()
        .find(|e| e.has_class("legend"))
        .unwrap();
    assert!(legend.text().contains("Disembunyikan / tidak ada data"));
    assert!(
        legend
            .descendants()
            .iter()
            .any(|e| e.name == "rect" && e.attr("fill") == Some("url(#peta-1-nodata)"))
    );
}

#[test]
fn map_text_is_escaped_and_english_and_formatted() {
    let values = [("31", Some(4.3)), ("32", Some(7.46)), ("33", None)];
    let options = MapOptions {
        title: Some("Kemiskinan <P0> & \"Gini\" 'x'".into()),
        format: ValueFormat::custom(|v| format!("{v:.1} %").replace('.', ",")),
        breaks: Breaks::EqualInterval,
        palette: Palette::YlOrRd,
        ..MapOptions::new(Lang::En, "P0 <%> & co")
    };
    let svg = province_map_svg(&values, &options);
    let root = parse(&svg);
    let text = root.text();
    assert!(text.contains("Kemiskinan <P0> & \"Gini\" 'x'"));
    assert!(text.contains("P0 <%> & co"));
    assert!(text.contains("Suppressed / no data"));
    assert!(text.contains("Province boundaries: Indonesia GeoJSON & TopoJSON Maps"));
    let titles: Vec<String> = province_paths(&root).iter().map(|p| title_of(p)).collect();
    assert!(
        titles.contains(&"DKI Jakarta: 4,3 %".to_string()),
        "{titles:?}"
    );
    assert!(titles.contains(&"Jawa Tengah: no data".to_string()));
}

#[test]
fn map_is_deterministic_and_keys_may_be_codes_or_text() {
    let values = gini_2024();
    let text: Vec<(String, Option<f64>)> =
        values.iter().map(|(c, v)| (c.to_string(), *v)).collect();
    let options = MapOptions::new(Lang::Id, "Gini");
    let a = province_map_svg(&values, &options);
    assert_eq!(a, province_map_svg(&values, &options));
    assert_eq!(a, province_map_svg(&text, &options));
    // Widths scale the map; the output stays small.
    for width in [400, 1000, 1600] {
        let svg = province_map_svg(
            &values,
            &MapOptions {
                width,
                ..options.clone()
            },
        );
        let root = parse(&svg);
        assert_eq!(root.attr("width"), Some(width.to_string().as_str()));
        assert!(svg.len() < 60_000, "{width}: {} bytes", svg.len());
    }
}

fn lognormal_like(n: usize, a: f64) -> Vec<(f64, f64)> {
    // L(p) = p^a: convex, exact ends.
    (0..=n)
        .map(|i| {
            let p = i as f64 / n as f64;
            (p, p.powf(a))
        })
        .collect()
}

#[test]
fn lorenz_has_diagonal_curves_axes_and_legend_with_gini() {
    let a = lognormal_like(1000, 2.2);
    let b = lognormal_like(50, 1.8);
    let curves = [
        LorenzCurve::new("Nasional", 0.379, &a[..]),
        LorenzCurve::new("Desa & <kota>", Some(0.3), b),
    ];
    let svg = lorenz_svg(&curves, &LorenzOptions::new(Lang::Id));
    let root = parse(&svg);
    let all = root.descendants();
    let diagonal = all.iter().find(|e| e.has_class("equality")).unwrap();
    assert_eq!(diagonal.name, "line");
    let f = |k: &str| diagonal.attr(k).unwrap().parse::<f64>().unwrap();
    // From the bottom-left corner to the top-right corner, at 45°.
    assert!(f("x2") > f("x1") && f("y2") < f("y1"));
    assert!(((f("x2") - f("x1")) - (f("y1") - f("y2"))).abs() < 0.2);
    let lines: Vec<&&Element> = all.iter().filter(|e| e.has_class("lorenz-curve")).collect();
    assert_eq!(lines.len(), 2);
    let pts = |e: &Element| -> Vec<(f64, f64)> {
        e.attr("points")
            .unwrap()
            .split(' ')
            .map(|q| {
                let (x, y) = q.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect()
    };
    for l in &lines {
        let p = pts(l);
        // Starts at (0, 0) and ends at (1, 1), like the diagonal.
        assert_eq!(p[0], (f("x1"), f("y1")));
        assert_eq!(*p.last().unwrap(), (f("x2"), f("y2")));
        // Below the diagonal (larger y on screen).
        for &(x, y) in &p {
            let diag_y = f("y1") - (x - f("x1"));
            assert!(y >= diag_y - 0.2, "({x}, {y}) above the line of equality");
        }
    }
    assert_eq!(title_of(lines[0]), "Nasional (Gini 0.379)");
    let legend = all.iter().find(|e| e.has_class("legend")).unwrap();
    let text = legend.text();
    assert!(text.contains("Nasional (Gini 0.379)"), "{text}");
    assert!(text.contains("Desa & <kota> (Gini 0.300)"), "{text}");
    assert!(text.contains("Garis kesetaraan"), "{text}");
    let whole = root.text();
    for label in [
        "Kurva Lorenz",
        "Bagian kumulatif penduduk",
        "Bagian kumulatif pengeluaran",
        "0%",
        "20%",
        "100%",
    ] {
        assert!(whole.contains(label), "{label} missing");
    }
    assert_eq!(svg, lorenz_svg(&curves, &LorenzOptions::new(Lang::Id)));
}

#[test]
fn lorenz_in_english_with_custom_gini_format() {
    let a = lognormal_like(100, 2.0);
    let options = LorenzOptions {
        gini_format: ValueFormat::custom(|g| format!("{g:.2}").replace('.', ",")),
        ..LorenzOptions::new(Lang::En)
    };
    let root = parse(&lorenz_svg(
        &[LorenzCurve::new("Urban", 0.333, &a[..])],
        &options,
    ));
    let text = root.text();
    for label in [
        "Lorenz curve",
        "Cumulative share of population",
        "Cumulative share of consumption",
        "Line of equality",
        "Urban (Gini 0,33)",
    ] {
        assert!(text.contains(label), "{label} missing from {text}");
    }
}

#[test]
fn ten_million_points_are_drawn_with_a_few_hundred() {
    let n = 10_000_000;
    let points: Vec<(f64, f64)> = (0..=n)
        .map(|i| {
            let p = i as f64 / n as f64;
            (p, p * p * p)
        })
        .collect();
    let svg = lorenz_svg(
        &[LorenzCurve::new("Sampel", 0.5, &points[..])],
        &LorenzOptions::default(),
    );
    let root = parse(&svg);
    let curve = root
        .descendants()
        .into_iter()
        .find(|e| e.has_class("lorenz-curve"))
        .unwrap();
    let count = curve.attr("points").unwrap().split(' ').count();
    assert!((200..=502).contains(&count), "{count} points");
    assert!(svg.len() < 30_000, "{} bytes", svg.len());
}

#[test]
fn the_first_entry_of_a_province_counts() {
    let values = [("32", Some(0.5)), ("32", Some(0.9)), ("33", Some(0.1))];
    let svg = province_map_svg(&values, &MapOptions::new(Lang::En, "x"));
    assert!(svg.contains("<title>Jawa Barat: 0.500</title>"));
    assert!(!svg.contains("0.900"));
}
