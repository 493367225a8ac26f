//! Setara charts as SVG text: Lorenz curves ([`lorenz_svg`]) and a choropleth map of the 38
//! provinces ([`province_map_svg`]).
//!
//! The renderers are pure: data in, SVG text out, no I/O (the province boundaries are compiled
//! in). The CLI writes the text to files; the web server sends or inlines the same text.
//!
//! Every SVG is self-contained (no external fonts, CSS or scripts; a generic sans-serif font
//! stack), escapes all text, writes coordinates with at most one decimal (0.1 px), has no XML
//! prolog (so it can be inlined into HTML) and is deterministic: same input, same bytes.
//!
//! ```
//! use setara_charts::{Lang, LorenzCurve, LorenzOptions, MapOptions, lorenz_svg, province_map_svg};
//!
//! let points = [(0.0, 0.0), (0.5, 0.2), (0.9, 0.6), (1.0, 1.0)];
//! let svg = lorenz_svg(
//!     &[LorenzCurve::new("Nasional", 0.379, &points[..])],
//!     &LorenzOptions::new(Lang::Id),
//! );
//! assert!(svg.contains("Nasional (Gini 0.379)"));
//!
//! let values = [("32", Some(0.421)), ("96", None)];
//! let svg = province_map_svg(&values, &MapOptions::new(Lang::Id, "Rasio Gini"));
//! assert!(svg.contains("<title>Jawa Barat: 0.421</title>"));
//! assert!(svg.contains("<title>Papua Barat Daya: tidak ada data</title>"));
//! ```

mod lorenz;
mod map;
mod palette;
mod svg;

pub use lorenz::{LorenzCurve, LorenzLabels, LorenzOptions, downsample, lorenz_svg};
pub use map::{
    Breaks, MAP_SOURCE, MapLabels, MapOptions, MapProvince, ProvinceKey, map_provinces,
    province_map_svg,
};
pub use palette::Palette;
pub use setara_core::Lang;
pub use svg::ValueFormat;
