//! The region table of `setara stats` and the demo, as text.

use setara_app::stats::{MIN_CELL, RegionRow, fmt_value, label};
use setara_core::Lang;

use crate::context::Context;

/// A value as the tables print it ("—" when undefined), with its standard error in
/// parentheses when given.
pub fn fmt_opt(key: &str, v: Option<f64>, se: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) => {
            let v = fmt_value(key, v);
            match se {
                Some(se) => format!("{v} ({})", fmt_value(key, se)),
                None => v,
            }
        }
    }
}

/// The first `n` characters.
pub fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// The region table: a line per region and the total, `*` for suppressed cells, BPS figures
/// beside provinces when `bps`.
pub fn print_region_table(
    ctx: &Context,
    rows: &[RegionRow],
    keys: &[String],
    with_se: bool,
    bps: bool,
    period: &str,
) {
    let mut header = format!(
        "{:<14} {:<30} {:>9} {:>10} {:>7}",
        ctx.t("Kode", "Code"),
        ctx.t("Wilayah", "Region"),
        ctx.t("KK", "Househ."),
        ctx.t("Jiwa", "Persons"),
        "n"
    );
    for k in keys {
        header.push_str(&format!(" {:>20}", truncate(label(k, ctx.lang), 20)));
    }
    if bps {
        header.push_str(&format!(" {:>8} {:>8}", "BPS P0%", "BPS Gini"));
    }
    outln!("{header}");
    for r in rows {
        let mut line = format!(
            "{:<14} {:<30} {:>9} {:>10} {:>7}",
            r.code.map(|c| c.to_string()).unwrap_or_default(),
            truncate(&r.name, 30),
            r.households,
            r.persons,
            r.surveyed
        );
        for k in keys {
            let cell = if r.suppressed {
                "*".to_string()
            } else {
                let se = r.se.get(k).copied().flatten().filter(|_| with_se);
                fmt_opt(k, r.measures.get(k).copied().flatten(), se)
            };
            line.push_str(&format!(" {cell:>20}"));
        }
        if bps {
            line.push_str(&format!(
                " {:>8} {:>8}",
                r.bps_poverty_pct
                    .map(|v| format!("{v:.2}"))
                    .unwrap_or_else(|| "—".into()),
                r.bps_gini
                    .map(|v| format!("{v:.3}"))
                    .unwrap_or_else(|| "—".into())
            ));
        }
        outln!("{line}");
    }
    outln!(
        "{}",
        match ctx.lang {
            Lang::Id => format!(
                "n = rumah tangga sampel; estimasi berbobot per jiwa dari snapshot registri; * = disembunyikan (n < {MIN_CELL}); garis kemiskinan provinsi BPS {period}. Sumber BPS: Badan Pusat Statistik."
            ),
            Lang::En => format!(
                "n = surveyed households; person-weighted estimates from the registry snapshot; * = suppressed (n < {MIN_CELL}); BPS {period} provincial poverty lines. BPS figures: Badan Pusat Statistik."
            ),
        }
    );
}
