//! `setara overlap` (households served by several programmes, and poor households served by
//! none) and `setara reach` (a partner's report of one programme, without personal data).

use clap::Args;
use setara_app::overlap::{OverlapRequest, ReachRequest};
use setara_core::number::rupiah;
use setara_core::{Level, RegionCode};

use crate::context::Context;
use crate::failure::{Failure, Result};

#[derive(Debug, Args)]
pub struct OverlapArgs {
    /// Rows by province or regency.
    #[arg(long, default_value = "province", value_parser = ["province", "regency"])]
    pub by: String,
    /// Only households inside this region.
    #[arg(long)]
    pub region: Option<String>,
    /// Poor households are those in desil 1 up to this desil.
    #[arg(long, default_value_t = 2)]
    pub poor_desil: u8,
}

#[derive(Debug, Args)]
pub struct ReachArgs {
    /// Programme code.
    #[arg(long)]
    pub programme: String,
    /// Cycle (default: the latest frozen).
    #[arg(long)]
    pub cycle: Option<u32>,
    /// Rows by province, regency or district.
    #[arg(long, default_value = "regency", value_parser = ["province", "regency", "district"])]
    pub by: String,
}

fn level(s: &str) -> Level {
    match s {
        "province" => Level::Province,
        "district" => Level::District,
        _ => Level::Regency,
    }
}

fn show(v: Option<u64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "<10".into())
}

pub fn run_overlap(ctx: &Context, a: OverlapArgs) -> Result<()> {
    let region = match &a.region {
        Some(r) => Some(
            RegionCode::parse(r)
                .map_err(|e| Failure::from_localized(crate::failure::Kind::Invalid, &e))?,
        ),
        None => None,
    };
    let o = setara_app::overlap::overlap(
        &ctx.app(),
        &ctx.caller(),
        &OverlapRequest {
            by: level(&a.by),
            region,
            poor_desil: a.poor_desil,
        },
    )?;
    crate::targeting::warn_stale(ctx, o.stale);
    if ctx.json {
        outln!("{}", serde_json::to_string(&o).expect("serializes"));
        return Ok(());
    }
    outln!(
        "{} (desil 1–{} = {}):",
        ctx.t(
            "Tumpang tindih program dan keluarga miskin yang belum terlayani",
            "Programme overlap and poor households served by none"
        ),
        o.poor_desil,
        ctx.t("miskin", "poor")
    );
    outln!(
        "  {:<14} {:<28} {:>10} {:>10} {:>12} {:>10} {:>14}",
        ctx.t("wilayah", "region"),
        ctx.t("nama", "name"),
        ctx.t("keluarga", "households"),
        ctx.t("terlayani", "served"),
        ctx.t(">1 program", ">1 programme"),
        ctx.t("miskin", "poor"),
        ctx.t("miskin, 0 prog", "poor, none")
    );
    for r in &o.regions {
        let name: String = r.name.chars().take(28).collect();
        outln!(
            "  {:<14} {:<28} {:>10} {:>10} {:>12} {:>10} {:>14}",
            r.region.to_string(),
            name,
            r.households,
            show(r.served),
            show(r.served_by_several),
            show(r.poor),
            show(r.poor_served_by_none)
        );
    }
    let t = &o.total;
    outln!(
        "  {:<14} {:<28} {:>10} {:>10} {:>12} {:>10} {:>14}",
        ctx.t("jumlah", "total"),
        "",
        t.households,
        t.served,
        t.served_by_several,
        t.poor,
        t.poor_served_by_none
    );
    if !o.owner_types.is_empty() {
        outln!(
            "{}:",
            ctx.t("Menurut jenis pemilik program", "By programme owner type")
        );
        for t in &o.owner_types {
            let label = t
                .known
                .map(|k| k.label(ctx.lang).to_string())
                .unwrap_or_else(|| t.owner_type.clone());
            outln!(
                "  {:<22} {} {}; {} {}; {} {}; {} {}",
                label,
                t.served,
                ctx.t("keluarga terlayani", "households served"),
                t.also_served_by_another_programme,
                ctx.t("juga oleh program lain", "also by another programme"),
                t.also_served_by_another_owner_type,
                ctx.t("juga oleh pemilik jenis lain", "also by another owner type"),
                t.in_desil_6_to_10,
                ctx.t("di desil 6–10", "in desil 6–10")
            );
        }
    }
    outln!(
        "  {}",
        ctx.t(
            "<10 = disembunyikan (kurang dari 10 keluarga, atau untuk melindungi sel lain).",
            "<10 = suppressed (fewer than 10 households, or to protect another cell)."
        )
    );
    Ok(())
}

pub fn run_reach(ctx: &Context, a: ReachArgs) -> Result<()> {
    let r = setara_app::overlap::reach(
        &ctx.app(),
        &ctx.caller(),
        &ReachRequest {
            programme: a.programme.clone(),
            cycle: a.cycle,
            by: level(&a.by),
        },
    )?;
    if ctx.json {
        outln!("{}", serde_json::to_string(&r).expect("serializes"));
        return Ok(());
    }
    outln!(
        "{} {} — {} ({}), {} {}",
        ctx.t("Laporan jangkauan", "Reach report"),
        r.programme,
        r.name,
        r.owner,
        ctx.t("siklus", "cycle"),
        r.cycle
    );
    outln!(
        "  {} {} {}, {} {}; {} {} ({} {})",
        ctx.t("Terjangkau:", "Reached:"),
        r.households,
        ctx.t("keluarga", "households"),
        r.persons,
        ctx.t("jiwa", "persons"),
        ctx.t("direncanakan", "planned"),
        rupiah(r.rupiah_planned),
        ctx.t("anggaran", "budget"),
        rupiah(r.budget_per_cycle)
    );
    if !r.partners.is_empty() {
        outln!(
            "  {} {}:",
            ctx.t("Pendanaan bersama per siklus", "Co-funding per cycle"),
            rupiah(r.co_funding_per_cycle)
        );
        for x in &r.partners {
            outln!(
                "    {} ({}, {}){}",
                x.name,
                x.org_type.label(ctx.lang),
                x.role.label(ctx.lang),
                x.contribution_per_cycle
                    .map(|c| format!(": {}", rupiah(c)))
                    .unwrap_or_default()
            );
        }
    }
    outln!(
        "  {:<14} {:<28} {:>10} {:>10} {:>18}",
        ctx.t("wilayah", "region"),
        ctx.t("nama", "name"),
        ctx.t("keluarga", "households"),
        ctx.t("jiwa", "persons"),
        ctx.t("rupiah", "rupiah")
    );
    for g in &r.regions {
        let name: String = g.name.chars().take(28).collect();
        match (g.cell.households, g.cell.persons, g.cell.rupiah_planned) {
            (Some(h), Some(n), Some(money)) => outln!(
                "  {:<14} {:<28} {:>10} {:>10} {:>18}",
                g.region.to_string(),
                name,
                h,
                n,
                rupiah(money)
            ),
            _ => outln!(
                "  {:<14} {:<28} {:>10} {:>10} {:>18}",
                g.region.to_string(),
                name,
                "<10",
                "–",
                "–"
            ),
        }
    }
    outln!(
        "  {:<8} {:>10} {:>10} {:>18}",
        "desil",
        ctx.t("keluarga", "households"),
        ctx.t("jiwa", "persons"),
        "rupiah"
    );
    for d in &r.desil {
        match (d.cell.households, d.cell.persons, d.cell.rupiah_planned) {
            (Some(0), ..) => continue,
            (Some(h), Some(n), Some(money)) => {
                outln!("  {:<8} {:>10} {:>10} {:>18}", d.desil, h, n, rupiah(money))
            }
            _ => outln!("  {:<8} {:>10} {:>10} {:>18}", d.desil, "<10", "–", "–"),
        }
    }
    outln!(
        "  {}",
        ctx.t(
            "Tanpa data pribadi. <10 = disembunyikan (kurang dari 10 keluarga, atau untuk melindungi sel lain).",
            "No personal data. <10 = suppressed (fewer than 10 households, or to protect another cell)."
        )
    );
    Ok(())
}
