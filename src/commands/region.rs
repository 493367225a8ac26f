//! `setara region QUERY`: look up regions by code or name; the BPS crosswalk.

use clap::Args;
use setara_core::{Bps, Level, Region, RegionCode, RegionLookupError, Regions};

use crate::context::Context;
use crate::failure::{Failure, Kind, Result};

#[derive(Debug, Args)]
pub struct RegionArgs {
    /// A code (dotted or not: 32.04, 3204) or a name (case and accents ignored).
    #[arg(required_unless_present = "crosswalk")]
    pub query: Option<String>,
    /// Also list the direct children.
    #[arg(long)]
    pub children: bool,
    /// Print the BPS ↔ Kemendagri province code crosswalk.
    #[arg(long)]
    pub crosswalk: bool,
}

fn region_json(regions: &Regions, r: &Region) -> serde_json::Value {
    serde_json::json!({
        "code": r.code,
        "name": r.name,
        "level": r.level(),
        "parent": r.code.parent(),
        "path": regions.path(r.code).iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        "population": r.population,
        "area_km2": r.area_km2,
        "bps_code": (r.level() == Level::Province).then(|| Bps::shipped().bps_for_kemendagri(r.code)).flatten(),
    })
}

pub fn run(ctx: &Context, a: RegionArgs) -> Result<()> {
    let regions = Regions::kemendagri_2025();
    if a.crosswalk {
        let bps = Bps::shipped();
        let rows: Vec<_> = regions
            .at_level(Level::Province)
            .map(|p| (bps.bps_for_kemendagri(p.code), p.code, p.name.as_str()))
            .collect();
        if ctx.json {
            let v: Vec<_> = rows
                .iter()
                .map(|(b, k, n)| serde_json::json!({"bps_code": b.map(|b| format!("{b:02}")), "kemendagri_code": k, "name": n}))
                .collect();
            outln!("{}", serde_json::Value::Array(v));
        } else {
            outln!("BPS  Kemendagri  {}", ctx.t("Provinsi", "Province"));
            for (b, k, n) in rows {
                let mark = if b.map(|b| format!("{b:02}")) != Some(k.to_string()) {
                    " *"
                } else {
                    ""
                };
                outln!(
                    "{:<4} {:<11} {n}{mark}",
                    b.map(|b| format!("{b:02}")).unwrap_or_default(),
                    k.to_string()
                );
            }
        }
        return Ok(());
    }
    let query = a.query.unwrap_or_default();
    let found: Vec<&Region> = match RegionCode::parse(&query) {
        Ok(code) => match regions.get(code) {
            Some(r) => vec![r],
            None => {
                return Err(Failure::from_localized(
                    Kind::Invalid,
                    &RegionLookupError::NotFound(code),
                ));
            }
        },
        Err(_) => regions.find_by_name(&query),
    };
    if found.is_empty() {
        return Err(Failure::invalid(
            "region_not_found",
            format!("tidak ada wilayah bernama {query:?}"),
            format!("no region named {query:?}"),
        ));
    }
    if ctx.json {
        let v: Vec<_> = found
            .iter()
            .map(|r| {
                let mut j = region_json(regions, r);
                if a.children {
                    j["children"] = regions
                        .children(r.code)
                        .map(|c| serde_json::json!({"code": c.code, "name": c.name}))
                        .collect();
                }
                j
            })
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).expect("serialisable")
        );
        return Ok(());
    }
    for r in found {
        let path: Vec<&str> = regions
            .path(r.code)
            .iter()
            .rev()
            .skip(1)
            .map(|p| p.name.as_str())
            .collect();
        out!(
            "{:<14} {} — {}",
            r.code.to_string(),
            r.name,
            r.level().name(ctx.lang)
        );
        if !path.is_empty() {
            out!(", {}", path.join(", "));
        }
        outln!();
        if let Some(p) = r.population {
            out!(
                "               {}: {}",
                ctx.t("penduduk", "population"),
                setara_core::number::group_thousands(p.total as i64)
            );
            if let Some(a) = r.area_km2 {
                out!(", {}: {a} km²", ctx.t("luas", "area"));
            }
            outln!();
        }
        if a.children {
            for c in regions.children(r.code) {
                outln!("  {:<14} {}", c.code.to_string(), c.name);
            }
        }
    }
    Ok(())
}
