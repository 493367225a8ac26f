//! The files a statistic can be written to: CSV tables (plain, or for Excel: `;` and a UTF-8
//! BOM) and SVG pictures (Lorenz curves, the province map). Each returns the file's bytes; the
//! front end writes them where the user asked.

use setara_core::{Lang, Level, RegionCode};
use setara_registry::writer::{Dialect, csv_writer};

use super::file::FileStats;
use super::mpi::{MpiEstimate, MpiResult};
use super::region::RegionTable;
use super::{Curve, MEASURES, fmt_value, label};

fn dialect(excel: bool) -> Dialect {
    if excel {
        Dialect::Excel
    } else {
        Dialect::Plain
    }
}

fn cell(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Writing CSV into memory cannot fail.
fn csv(
    excel: bool,
    fill: impl FnOnce(&mut csv::Writer<&mut Vec<u8>>) -> csv::Result<()>,
) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = csv_writer(&mut out, dialect(excel)).expect("writing to memory");
        fill(&mut w).expect("writing to memory");
        w.flush().expect("writing to memory");
    }
    out
}

/// The measures of a file: `measure,value,se`.
pub fn file_csv(s: &FileStats, excel: bool) -> Vec<u8> {
    csv(excel, |w| {
        w.write_record(["measure", "value", "se"])?;
        for (key, _, _) in MEASURES {
            if let Some(v) = s.values.get(key) {
                let se = s.se.as_ref().and_then(|se| se.get(key).copied().flatten());
                w.write_record([key.to_string(), cell(*v), cell(se)])?;
            }
        }
        Ok(())
    })
}

/// The region table, with a standard error column per measure when `with_se`.
pub fn region_csv(t: &RegionTable, with_se: bool, excel: bool) -> Vec<u8> {
    let keys = &t.measures;
    csv(excel, |w| {
        let mut header: Vec<String> = [
            "code",
            "name",
            "households",
            "persons",
            "surveyed",
            "suppressed",
        ]
        .map(String::from)
        .to_vec();
        for k in keys {
            header.push(k.clone());
            if with_se {
                header.push(format!("{k}_se"));
            }
        }
        header.extend(["bps_gini", "bps_poverty_pct"].map(String::from));
        w.write_record(&header)?;
        for r in &t.rows {
            let mut rec = vec![
                r.code.map(|c| c.to_string()).unwrap_or_default(),
                r.name.clone(),
                r.households.to_string(),
                r.persons.to_string(),
                r.surveyed.to_string(),
                if r.suppressed { "1".into() } else { "0".into() },
            ];
            for k in keys {
                rec.push(if r.suppressed {
                    String::new()
                } else {
                    cell(r.measures.get(k).copied().flatten())
                });
                if with_se {
                    rec.push(if r.suppressed {
                        String::new()
                    } else {
                        cell(r.se.get(k).copied().flatten())
                    });
                }
            }
            rec.push(cell(r.bps_gini));
            rec.push(cell(r.bps_poverty_pct));
            w.write_record(&rec)?;
        }
        Ok(())
    })
}

/// Multidimensional poverty by region: H, A and M0 with their standard errors.
pub fn mpi_csv(m: &MpiResult, excel: bool) -> Vec<u8> {
    csv(excel, |w| {
        w.write_record([
            "code",
            "name",
            "households",
            "suppressed",
            "H",
            "H_se",
            "A",
            "A_se",
            "M0",
            "M0_se",
        ])?;
        for r in &m.rows {
            let e: Option<&MpiEstimate> = r.result.as_ref();
            let h = e.map(|e| e.headcount);
            let a = e.and_then(|e| e.intensity);
            let m0 = e.map(|e| e.mpi);
            w.write_record([
                r.code.to_string(),
                r.name.clone().unwrap_or_default(),
                r.households.to_string(),
                if r.suppressed { "1".into() } else { "0".into() },
                cell(h.map(|x| x.value)),
                cell(h.and_then(|x| x.se)),
                cell(a.map(|x| x.value)),
                cell(a.and_then(|x| x.se)),
                cell(m0.map(|x| x.value)),
                cell(m0.and_then(|x| x.se)),
            ])?;
        }
        Ok(())
    })
}

/// Lorenz curves as SVG, labelled in `lang`.
pub fn lorenz_svg(curves: &[&Curve], lang: Lang) -> String {
    let cs: Vec<setara_charts::LorenzCurve<'_>> = curves
        .iter()
        .map(|c| setara_charts::LorenzCurve::new(c.name.as_str(), c.gini, c.points.as_slice()))
        .collect();
    setara_charts::lorenz_svg(&cs, &setara_charts::LorenzOptions::new(lang))
}

/// The first measure of a province table on a map of the 38 provinces, as SVG (suppressed
/// provinces hatched).
pub fn province_map_svg(t: &RegionTable, lang: Lang) -> String {
    let key = t.measures[0].as_str();
    let values: Vec<(RegionCode, Option<f64>)> = t
        .rows
        .iter()
        .filter_map(|r| Some((r.code?, r.measures.get(key).copied().flatten())))
        .filter(|(c, _)| c.level() == Level::Province)
        .collect();
    let mut o = setara_charts::MapOptions::new(lang, label(key, lang));
    o.title = Some(format!(
        "{} — {}",
        label(key, lang),
        lang.pick("per provinsi", "by province")
    ));
    // The legend shows values as the table does (P0 in percent, as its label says).
    let k = key.to_string();
    o.format = setara_charts::ValueFormat::custom(move |v| fmt_value(&k, v));
    setara_charts::province_map_svg(&values, &o)
}
