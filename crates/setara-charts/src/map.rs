//! A choropleth map of the 38 provinces (peta provinsi) as SVG.
//!
//! Boundaries: `data/geo/indonesia-38-provinces.with-codes.geojson`, compiled in unchanged and
//! parsed once per process. Features are joined on their `kemendagri_code` property (never on
//! `KODE_PROV`, which carries pre-2022 codes for the six Papua provinces).

use std::fmt::Write;
use std::sync::OnceLock;

use setara_core::{Lang, Level, RegionCode};

use crate::palette::Palette;
use crate::svg::{FONT_FAMILY, INK, Px, ValueFormat, esc, tenths, text_width, write_tenths};

const GEOJSON: &str = include_str!("../../../data/geo/indonesia-38-provinces.with-codes.geojson");

/// The source of the boundaries, as its licence (CC BY 4.0) asks to credit it. Every map
/// carries it at the bottom, after [`MapLabels::source_prefix`].
pub const MAP_SOURCE: &str =
    "Indonesia GeoJSON & TopoJSON Maps (38 Provinces), denyherianto, CC BY 4.0";

/// One province of the shipped map.
#[derive(Debug)]
pub struct MapProvince {
    /// Kemendagri province code (the join key).
    pub code: RegionCode,
    /// BPS province code (differs from the Kemendagri code for the six Papua provinces).
    pub bps_code: u8,
    /// Name as BPS writes it ("DI Yogyakarta", "Papua Barat Daya").
    pub name: String,
    /// Rings in (longitude, latitude); all rings of the province, drawn even-odd.
    rings: Vec<Vec<(f64, f64)>>,
}

struct MapData {
    provinces: Vec<MapProvince>,
    lon: (f64, f64),
    lat: (f64, f64),
}

fn map_data() -> &'static MapData {
    static DATA: OnceLock<MapData> = OnceLock::new();
    DATA.get_or_init(|| parse_geojson(GEOJSON).expect("the shipped province map is well-formed"))
}

/// The 38 provinces of the shipped map, in code order.
pub fn map_provinces() -> &'static [MapProvince] {
    &map_data().provinces
}

fn parse_geojson(text: &str) -> Result<MapData, String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let features = doc["features"].as_array().ok_or("no features")?;
    let mut provinces = Vec::with_capacity(features.len());
    let (mut lon, mut lat) = ((f64::MAX, f64::MIN), (f64::MAX, f64::MIN));
    for f in features {
        let props = &f["properties"];
        let prop = |k: &str| {
            props[k]
                .as_str()
                .ok_or_else(|| format!("feature without {k}"))
        };
        let code = RegionCode::parse(prop("kemendagri_code")?).map_err(|e| e.to_string())?;
        if code.level() != Level::Province {
            return Err(format!("{code} is not a province code"));
        }
        let bps_code: u8 = prop("bps_code")?
            .parse()
            .map_err(|_| format!("bad bps_code for {code}"))?;
        let name = prop("province_name_std")?.to_string();
        let geom = &f["geometry"];
        let polygons: Vec<&serde_json::Value> = match geom["type"].as_str() {
            Some("Polygon") => vec![&geom["coordinates"]],
            Some("MultiPolygon") => geom["coordinates"]
                .as_array()
                .ok_or("bad MultiPolygon")?
                .iter()
                .collect(),
            other => return Err(format!("{code}: unexpected geometry {other:?}")),
        };
        let mut rings = Vec::new();
        for poly in polygons {
            for ring in poly.as_array().ok_or("bad polygon")? {
                let mut r = Vec::new();
                for pt in ring.as_array().ok_or("bad ring")? {
                    let (x, y) = (pt[0].as_f64(), pt[1].as_f64());
                    let (Some(x), Some(y)) = (x, y) else {
                        return Err(format!("{code}: bad coordinate"));
                    };
                    lon = (lon.0.min(x), lon.1.max(x));
                    lat = (lat.0.min(y), lat.1.max(y));
                    r.push((x, y));
                }
                rings.push(r);
            }
        }
        provinces.push(MapProvince {
            code,
            bps_code,
            name,
            rings,
        });
    }
    provinces.sort_by_key(|p| p.code);
    if provinces.windows(2).any(|w| w[0].code == w[1].code) {
        return Err("two features with the same kemendagri_code".into());
    }
    Ok(MapData {
        provinces,
        lon,
        lat,
    })
}

/// Something that names a province: a [`RegionCode`] of level province, or its text (`"32"`).
/// Codes of other levels and malformed texts name nothing.
pub trait ProvinceKey {
    fn province_code(&self) -> Option<RegionCode>;
}

impl ProvinceKey for RegionCode {
    fn province_code(&self) -> Option<RegionCode> {
        (self.level() == Level::Province).then_some(*self)
    }
}

impl ProvinceKey for str {
    fn province_code(&self) -> Option<RegionCode> {
        RegionCode::parse(self).ok()?.province_code()
    }
}

impl ProvinceKey for String {
    fn province_code(&self) -> Option<RegionCode> {
        self.as_str().province_code()
    }
}

impl<T: ProvinceKey + ?Sized> ProvinceKey for &T {
    fn province_code(&self) -> Option<RegionCode> {
        (**self).province_code()
    }
}

/// How values are cut into colour classes.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Breaks {
    /// Each class holds about the same number of provinces (the default): with 38 provinces
    /// and 5 classes, 7 or 8 each (ties can move a few), so the map always shows contrast.
    /// Breaks are quantiles of the values (linear interpolation), rounded up to the shown
    /// decimals so that the legend is exact.
    #[default]
    Quantile,
    /// Classes of equal width between the smallest and the largest value; shows outliers.
    EqualInterval,
    /// Given inner breaks, ascending (`[0.30, 0.35, 0.40]` gives four classes: below 0.30,
    /// 0.30–0.35, 0.35–0.40, 0.40 and above). For maps that must compare across periods.
    Fixed(Vec<f64>),
}

/// The words of a map besides its title and measure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapLabels {
    /// Legend entry for provinces without a value.
    pub no_data: String,
    /// Shown on hover for a province without a value ("Papua: no data").
    pub no_data_value: String,
    /// Put before [`MAP_SOURCE`] at the bottom.
    pub source_prefix: String,
    /// Put after [`MAP_SOURCE`]: the change made to the data, as CC BY asks to say.
    pub source_changes: String,
}

impl MapLabels {
    pub fn new(lang: Lang) -> MapLabels {
        MapLabels {
            no_data: lang
                .pick("Disembunyikan / tidak ada data", "Suppressed / no data")
                .into(),
            no_data_value: lang.pick("tidak ada data", "no data").into(),
            source_prefix: lang.pick("Batas provinsi", "Province boundaries").into(),
            source_changes: lang
                .pick("kode provinsi ditambahkan", "province codes added")
                .into(),
        }
    }
}

/// Options of [`province_map_svg`].
#[derive(Clone, Debug)]
pub struct MapOptions {
    /// Width of the SVG in px (default 1000); the height follows from the map's shape.
    pub width: u32,
    /// Heading above the map; none by default (a web page has its own).
    pub title: Option<String>,
    /// Name of the measure, heading the legend ("Rasio Gini").
    pub measure: String,
    pub labels: MapLabels,
    /// How values and class breaks are written (default 3 decimals).
    pub format: ValueFormat,
    /// Number of colour classes, 3 to 9 (default 5). Fewer are drawn when the values have
    /// fewer distinct breaks.
    pub classes: usize,
    pub breaks: Breaks,
    pub palette: Palette,
    /// Prefix of the ids inside the SVG (the no-data pattern), so that several maps can be
    /// inlined in one HTML page.
    pub id_prefix: String,
}

impl MapOptions {
    pub fn new(lang: Lang, measure: impl Into<String>) -> MapOptions {
        MapOptions {
            width: 1000,
            title: None,
            measure: measure.into(),
            labels: MapLabels::new(lang),
            format: ValueFormat::Decimals(3),
            classes: 5,
            breaks: Breaks::Quantile,
            palette: Palette::Viridis,
            id_prefix: "setara-map".into(),
        }
    }
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions::new(Lang::Id, "")
    }
}

/// Class edges `e[0] < e[1] < ... < e[k]`; class `i` holds `e[i] <= v < e[i+1]` (the last
/// class includes its upper edge). The outer edges are the data range, or infinite for
/// [`Breaks::Fixed`].
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Classes {
    pub(crate) edges: Vec<f64>,
}

impl Classes {
    pub(crate) fn count(&self) -> usize {
        self.edges.len().saturating_sub(1)
    }

    pub(crate) fn class_of(&self, v: f64) -> usize {
        let inner = &self.edges[1..self.edges.len() - 1];
        inner.iter().take_while(|&&e| e <= v).count()
    }
}

/// Cut the (finite) `values` into classes.
pub(crate) fn classify(
    values: &[f64],
    classes: usize,
    breaks: &Breaks,
    format: &ValueFormat,
) -> Option<Classes> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let (&min, &max) = (sorted.first()?, sorted.last()?);
    // Never more classes than distinct values.
    let distinct = 1 + sorted.windows(2).filter(|w| w[0] != w[1]).count();
    let k = classes.clamp(3, 9).min(distinct);
    let inner: Vec<f64> = match breaks {
        Breaks::Quantile => (1..k)
            .map(|j| {
                let h = (sorted.len() - 1) as f64 * j as f64 / k as f64;
                let lo = h.floor() as usize;
                let hi = (lo + 1).min(sorted.len() - 1);
                sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
            })
            .map(|e| format.round_up(e))
            .collect(),
        Breaks::EqualInterval => (1..k)
            .map(|j| format.round(min + (max - min) * j as f64 / k as f64))
            .collect(),
        Breaks::Fixed(b) => {
            let mut b: Vec<f64> = b.iter().copied().filter(|e| e.is_finite()).collect();
            b.sort_by(f64::total_cmp);
            b.dedup();
            b.truncate(8);
            let mut edges = vec![f64::NEG_INFINITY];
            edges.extend(b);
            edges.push(f64::INFINITY);
            return Some(Classes { edges });
        }
    };
    let mut edges = vec![min];
    for e in inner {
        if e > *edges.last().expect("non-empty") && e <= max {
            edges.push(e);
        }
    }
    if max > *edges.last().expect("non-empty") || edges.len() == 1 {
        edges.push(max);
    }
    Some(Classes { edges })
}

/// The legend text of class `i`: "0.312 – 0.345", "< 0.300", "≥ 0.400".
fn class_label(c: &Classes, i: usize, format: &ValueFormat) -> String {
    let (lo, hi) = (c.edges[i], c.edges[i + 1]);
    if lo == f64::NEG_INFINITY {
        format!("< {}", format.format(hi))
    } else if hi == f64::INFINITY {
        format!("≥ {}", format.format(lo))
    } else {
        format!("{} – {}", format.format(lo), format.format(hi))
    }
}

/// A choropleth of a measure over the 38 provinces.
///
/// `values` pairs a province (a [`RegionCode`] or its text, Kemendagri numbering) with its value;
/// `None` or a non-finite value means no data or suppressed (small cells), drawn hatched grey.
/// Provinces not listed also count as no data; entries that name no province of the map are
/// ignored; when a province is listed twice, the first entry counts.
///
/// Projection: equirectangular with longitude scaled by cos(latitude at the map's centre) —
/// Indonesia straddles the equator (11° S to 6° N), where this is within 2 % of equal-area and
/// keeps the familiar shape. The map fills `options.width`; the height follows. The legend sits
/// in the Indian Ocean south-west of Sumatra and Java (lower left), moved down when the map is
/// too narrow for it to fit there. The attribution of the boundaries is at the bottom.
///
/// Each province is one `<path>` (all its islands, even-odd fill rule) with a `data-code`
/// attribute and a `<title>` child "Jawa Barat: 0.421", shown on hover.
pub fn province_map_svg<K: ProvinceKey>(
    values: &[(K, Option<f64>)],
    options: &MapOptions,
) -> String {
    let data = map_data();
    let fmt = &options.format;
    let labels = &options.labels;

    // Join values to provinces on the Kemendagri code (the first entry of a province counts).
    let mut value_of: Vec<Option<Option<f64>>> = vec![None; data.provinces.len()];
    for (key, v) in values {
        let Some(code) = key.province_code() else {
            continue;
        };
        if let Ok(i) = data.provinces.binary_search_by_key(&code, |p| p.code) {
            value_of[i].get_or_insert(*v);
        }
    }
    let value_of: Vec<Option<f64>> = value_of
        .into_iter()
        .map(|v| v.flatten().filter(|v| v.is_finite()))
        .collect();
    let present: Vec<f64> = value_of.iter().flatten().copied().collect();
    let classes = classify(&present, options.classes, &options.breaks, fmt);
    let colours = classes
        .as_ref()
        .map(|c| options.palette.colours(c.count()))
        .unwrap_or_default();
    let any_missing = value_of.iter().any(Option::is_none);
    let nodata_id = format!("{}-nodata", sanitize_id(&options.id_prefix));

    // Layout.
    let w = f64::from(options.width.max(300));
    let margin = (w * 0.02).max(8.0);
    let font = (w / 80.0).clamp(9.0, 14.0);
    let small = font * 0.85;
    let title_font = font * 1.4;
    let title_h = match &options.title {
        Some(t) if !t.is_empty() => title_font * 1.8,
        _ => 0.0,
    };
    let map_x = margin;
    let map_y = margin + title_h;
    let map_w = w - 2.0 * margin;
    let k = ((data.lat.0 + data.lat.1) / 2.0).to_radians().cos();
    let scale = map_w / ((data.lon.1 - data.lon.0) * k);
    let map_h = (data.lat.1 - data.lat.0) * scale;
    let project = |(lon, lat): (f64, f64)| {
        (
            map_x + (lon - data.lon.0) * k * scale,
            map_y + (data.lat.1 - lat) * scale,
        )
    };

    // Legend rows: the measure, one per class, then no data (only when some province has none).
    let row = font * 1.45;
    let swatch_w = font * 1.6;
    let swatch_h = font * 0.95;
    let inner = font * 0.5;
    let class_texts: Vec<String> = match &classes {
        Some(c) => (0..c.count()).map(|i| class_label(c, i, fmt)).collect(),
        None => Vec::new(),
    };
    let mut entry_texts: Vec<&str> = class_texts.iter().map(String::as_str).collect();
    if any_missing {
        entry_texts.push(&labels.no_data);
    }
    let heading = !options.measure.is_empty();
    let legend_w = inner * 2.0
        + entry_texts
            .iter()
            .map(|t| swatch_w + font * 0.5 + text_width(t, small))
            .chain(heading.then(|| text_width(&options.measure, font)))
            .fold(0.0, f64::max);
    let legend_h =
        inner * 2.0 + row * (entry_texts.len() + usize::from(heading)) as f64 - (row - font);
    // Lowest land within the legend's columns (plus a gap); the legend goes below it.
    let gap = font * 0.8;
    let mut land_bottom = map_y;
    for p in &data.provinces {
        for r in &p.rings {
            for &q in r {
                let (x, y) = project(q);
                if x <= map_x + legend_w + gap {
                    land_bottom = land_bottom.max(y);
                }
            }
        }
    }
    let map_bottom = map_y + map_h;
    let legend_x = map_x;
    let legend_y = (map_bottom - legend_h).max(land_bottom + gap);
    let content_bottom = map_bottom.max(legend_y + legend_h);

    // Attribution, wrapped to the width.
    let mut source = format!("{}: {}", labels.source_prefix, MAP_SOURCE);
    if !labels.source_changes.is_empty() {
        source = format!("{source}, {}", labels.source_changes);
    }
    let source_lines = wrap(&source, small, w - 2.0 * margin);
    let source_top = content_bottom + gap;
    let h = source_top + small * 1.3 * source_lines.len() as f64 + margin * 0.5;

    let mut s = String::with_capacity(64 * 1024);
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
    let doc_title = options
        .title
        .as_deref()
        .filter(|t| !t.is_empty())
        .unwrap_or(&options.measure);
    let _ = writeln!(s, "<title>{}</title>", esc(doc_title));
    let _ = writeln!(
        s,
        "<defs><pattern id=\"{nodata_id}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#e0e0e0\"/>\
         <line x1=\"1.5\" y1=\"0\" x2=\"1.5\" y2=\"6\" stroke=\"#9a9a9a\" stroke-width=\"1.5\"/>\
         </pattern></defs>"
    );
    let _ = writeln!(
        s,
        "<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
        Px(w),
        Px(h)
    );
    if let Some(t) = options.title.as_deref().filter(|t| !t.is_empty()) {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\">{}</text>",
            Px(margin),
            Px(margin + title_font),
            Px(title_font),
            esc(t)
        );
    }

    // Provinces.
    let _ = writeln!(
        s,
        "<g class=\"provinces\" stroke=\"#ffffff\" stroke-width=\"{}\" stroke-linejoin=\"round\">",
        Px((w / 2000.0).clamp(0.3, 1.0))
    );
    for (p, v) in data.provinces.iter().zip(&value_of) {
        let (fill, shown) = match (v, &classes) {
            (Some(v), Some(c)) => (colours[c.class_of(*v)].clone(), fmt.format(*v)),
            _ => (format!("url(#{nodata_id})"), labels.no_data_value.clone()),
        };
        s.push_str("<path d=\"");
        for r in &p.rings {
            path_ring(&mut s, r.iter().map(|&q| project(q)));
        }
        let _ = writeln!(
            s,
            "\" fill=\"{fill}\" fill-rule=\"evenodd\" data-code=\"{}\"><title>{}: {}</title></path>",
            p.code,
            esc(&p.name),
            esc(&shown)
        );
    }
    s.push_str("</g>\n");

    // Legend.
    let _ = writeln!(
        s,
        "<g class=\"legend\">\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" \
         fill-opacity=\"0.85\"/>",
        Px(legend_x),
        Px(legend_y),
        Px(legend_w),
        Px(legend_h)
    );
    let mut ry = legend_y + inner;
    if heading {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text>",
            Px(legend_x + inner),
            Px(ry + font * 0.8),
            esc(&options.measure)
        );
        ry += row;
    }
    for (i, t) in entry_texts.iter().enumerate() {
        let fill = match colours.get(i) {
            Some(c) if i < class_texts.len() => c.clone(),
            _ => format!("url(#{nodata_id})"),
        };
        let _ = writeln!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#888888\" \
             stroke-width=\"0.5\"/>",
            Px(legend_x + inner),
            Px(ry),
            Px(swatch_w),
            Px(swatch_h)
        );
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\">{}</text>",
            Px(legend_x + inner + swatch_w + font * 0.5),
            Px(ry + swatch_h * 0.5 + small * 0.36),
            Px(small),
            esc(t)
        );
        ry += row;
    }
    s.push_str("</g>\n");

    // Attribution.
    let _ = writeln!(
        s,
        "<g class=\"attribution\" font-size=\"{}\" fill=\"#555555\">",
        Px(small)
    );
    for (i, line) in source_lines.iter().enumerate() {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            Px(margin),
            Px(source_top + small + small * 1.3 * i as f64),
            esc(line)
        );
    }
    s.push_str("</g>\n</svg>\n");
    s
}

/// Append one ring as `M x,y l dx,dy ... z` in whole tenths of a pixel, so relative steps add
/// up exactly. Repeated points (after rounding) are dropped; rings that shrink below three
/// points are left out.
fn path_ring(s: &mut String, points: impl Iterator<Item = (f64, f64)>) {
    let mut pts: Vec<(i64, i64)> = Vec::new();
    for (x, y) in points {
        let q = (tenths(x), tenths(y));
        if pts.last() != Some(&q) {
            pts.push(q);
        }
    }
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    if pts.len() < 3 {
        return;
    }
    s.push('M');
    let _ = write_tenths(s, pts[0].0);
    s.push(',');
    let _ = write_tenths(s, pts[0].1);
    s.push('l');
    for (i, w) in pts.windows(2).enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write_tenths(s, w[1].0 - w[0].0);
        s.push(',');
        let _ = write_tenths(s, w[1].1 - w[0].1);
    }
    s.push('z');
}

/// Keep ids to `[A-Za-z0-9_-]`, starting with a letter.
fn sanitize_id(prefix: &str) -> String {
    let mut id: String = prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.insert(0, 'm');
    }
    id
}

/// Greedy word wrap by estimated text width.
fn wrap(text: &str, font: f64, width: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && text_width(&candidate, font) > width {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_map_has_the_38_provinces_of_the_region_table() {
        let provinces = map_provinces();
        assert_eq!(provinces.len(), 38);
        let regions = setara_core::Regions::kemendagri_2025();
        for p in provinces {
            assert!(regions.contains(p.code), "{} {}", p.code, p.name);
            assert!(!p.rings.is_empty());
        }
        let bps = setara_core::Bps::shipped();
        for p in provinces {
            assert_eq!(
                bps.bps_for_kemendagri(p.code),
                Some(p.bps_code),
                "{}",
                p.name
            );
        }
        // The Papua split: Kemendagri 96 is Papua Barat Daya (BPS 92), not KODE_PROV 92.
        let pbd = provinces
            .iter()
            .find(|p| p.code.to_string() == "96")
            .unwrap();
        assert_eq!(pbd.name, "Papua Barat Daya");
        assert_eq!(pbd.bps_code, 92);
    }

    #[test]
    fn quantile_classes_hold_similar_counts() {
        let values: Vec<f64> = (0..38).map(|i| 0.25 + f64::from(i) * 0.005).collect();
        let c = classify(&values, 5, &Breaks::Quantile, &ValueFormat::Decimals(3)).unwrap();
        assert_eq!(c.count(), 5);
        let mut counts = [0; 5];
        for &v in &values {
            counts[c.class_of(v)] += 1;
        }
        assert!(counts.iter().all(|&n| (7..=9).contains(&n)), "{counts:?}");
        assert_eq!(c.edges[0], 0.25);
        assert_eq!(*c.edges.last().unwrap(), values[37]);
    }

    #[test]
    fn equal_interval_and_fixed_breaks() {
        let values = [0.0, 1.0, 2.0, 3.0, 4.0, 10.0];
        let c = classify(
            &values,
            5,
            &Breaks::EqualInterval,
            &ValueFormat::Decimals(1),
        )
        .unwrap();
        assert_eq!(c.edges, vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(c.class_of(10.0), 4);
        assert_eq!(c.class_of(1.99), 0);
        let f = classify(
            &values,
            5,
            &Breaks::Fixed(vec![5.0, 1.0]),
            &ValueFormat::Decimals(1),
        )
        .unwrap();
        assert_eq!(f.count(), 3);
        assert_eq!(f.class_of(0.5), 0);
        assert_eq!(f.class_of(1.0), 1);
        assert_eq!(f.class_of(7.0), 2);
        let d = ValueFormat::Decimals(1);
        assert_eq!(class_label(&f, 0, &d), "< 1.0");
        assert_eq!(class_label(&f, 1, &d), "1.0 – 5.0");
        assert_eq!(class_label(&f, 2, &d), "≥ 5.0");
    }

    #[test]
    fn ties_give_fewer_classes() {
        let c = classify(&[0.3; 10], 5, &Breaks::Quantile, &ValueFormat::Decimals(3)).unwrap();
        assert_eq!(c.count(), 1);
        assert_eq!(c.class_of(0.3), 0);
        let two = classify(&[1.0, 2.0], 7, &Breaks::Quantile, &ValueFormat::Decimals(3)).unwrap();
        assert_eq!(two.edges, vec![1.0, 1.5, 2.0]);
        assert_eq!((two.class_of(1.0), two.class_of(2.0)), (0, 1));
        assert!(classify(&[], 5, &Breaks::Quantile, &ValueFormat::Decimals(3)).is_none());
    }

    #[test]
    fn keys_name_provinces_only() {
        assert_eq!("32".province_code().unwrap().to_string(), "32");
        assert!("32.04".province_code().is_none());
        assert!("Jawa".province_code().is_none());
        let code = RegionCode::parse("96").unwrap();
        assert_eq!(code.province_code(), Some(code));
    }
}
