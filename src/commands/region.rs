//! `setara region QUERY`: look up regions by code or name; the BPS crosswalk.

use crate::context::Context;
use crate::failure::Result;
use clap::Args;

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

pub fn run(ctx: &Context, a: RegionArgs) -> Result<()> {
    if a.crosswalk {
        let rows = setara_app::region::crosswalk();
        if ctx.json {
            outln!("{}", serde_json::to_string(&rows).expect("serialisable"));
        } else {
            outln!("BPS  Kemendagri  {}", ctx.t("Provinsi", "Province"));
            for r in rows {
                let k = r.kemendagri_code.to_string();
                let mark = if r.bps_code.as_ref() != Some(&k) {
                    " *"
                } else {
                    ""
                };
                outln!(
                    "{:<4} {:<11} {}{mark}",
                    r.bps_code.unwrap_or_default(),
                    k,
                    r.name
                );
            }
        }
        return Ok(());
    }
    let found = setara_app::region::lookup(a.query.as_deref().unwrap_or_default(), a.children)?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&found).expect("serialisable")
        );
        return Ok(());
    }
    for r in found {
        // The ancestors, nearest first (the path runs from the province down to the region).
        let path: Vec<&str> = r.path.iter().rev().skip(1).map(String::as_str).collect();
        out!(
            "{:<14} {} — {}",
            r.code.to_string(),
            r.name,
            r.level.name(ctx.lang)
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
        for c in r.children.iter().flatten() {
            outln!("  {:<14} {}", c.code.to_string(), c.name);
        }
    }
    Ok(())
}
