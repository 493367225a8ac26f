//! `setara overlap` (households served by several programmes, and poor households served by
//! none) and `setara reach` (a partner's report of one programme, without personal data).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use clap::Args;
use setara_core::{Level, RegionCode, Regions};
use setara_targeting::{OrgType, rupiah};

use crate::context::Context;
use crate::failure::{Failure, Result};
use crate::targeting::load_programme;
use crate::targeting::{kk_rows, load_ranking};

/// Cells resting on fewer households are suppressed in published tables.
pub const MIN_CELL: u64 = 10;

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

fn region_name(r: RegionCode) -> String {
    Regions::kemendagri_2025()
        .get(r)
        .map(|x| x.name.to_string())
        .unwrap_or_default()
}

/// A count as published: suppressed (`None`) when 1–9 households.
fn cell(households: u64, suppressed: bool) -> Option<u64> {
    (!suppressed).then_some(households)
}

fn show(v: Option<u64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "<10".into())
}

/// Primary suppression of small cells, then secondary: when exactly one cell of a column is
/// suppressed, the next smallest is suppressed too so the total cannot give it away.
fn suppress(counts: &[u64]) -> Vec<bool> {
    let mut s: Vec<bool> = counts.iter().map(|&c| c > 0 && c < MIN_CELL).collect();
    if s.iter().filter(|&&x| x).count() == 1
        && let Some((i, _)) = counts
            .iter()
            .enumerate()
            .filter(|(i, c)| !s[*i] && **c > 0)
            .min_by_key(|(_, c)| **c)
    {
        s[i] = true;
    }
    s
}

pub fn run_overlap(ctx: &Context, a: OverlapArgs) -> Result<()> {
    let store = ctx.open_store()?;
    let ranked = load_ranking(ctx, store.as_ref())?;
    let within = match &a.region {
        Some(r) => Some(
            RegionCode::parse(r)
                .map_err(|e| Failure::from_localized(crate::failure::Kind::Invalid, &e))?,
        ),
        None => None,
    };
    let snap = &ranked.snapshot;
    let rows = kk_rows(snap);
    let live = store.live_entitlements()?;
    // Programmes (and their owner types) serving each household row.
    let mut served: HashMap<u32, BTreeSet<(String, String)>> = HashMap::new();
    let mut outside_snapshot = 0u64;
    for e in &live {
        match rows.get(&e.kk.as_u64()) {
            Some(&r) => {
                served
                    .entry(r)
                    .or_default()
                    .insert((e.programme.clone(), e.owner_type.clone()));
            }
            None => outside_snapshot += 1,
        }
    }
    let lvl = level(&a.by);
    #[derive(Default, Clone, Copy)]
    struct Row {
        households: u64,
        served: u64,
        multi: u64,
        poor: u64,
        poor_unserved: u64,
    }
    let mut by_region: BTreeMap<u64, (RegionCode, Row)> = BTreeMap::new();
    let mut total = Row::default();
    let region = snap.region().values();
    let desil = &ranked.columns.desil;
    for h in 0..snap.household_count() {
        let r = RegionCode::from_key(region[h]).expect("snapshot regions");
        if let Some(w) = within
            && !(r.level() >= w.level() && r.is_within(w))
        {
            continue;
        }
        let g = r.ancestor_or_self(lvl);
        let n = served.get(&(h as u32)).map_or(0, |s| s.len());
        let poor = desil[h] >= 1 && desil[h] <= a.poor_desil;
        let e = &mut by_region.entry(g.key()).or_insert((g, Row::default())).1;
        for row in [e, &mut total] {
            row.households += 1;
            row.served += u64::from(n >= 1);
            row.multi += u64::from(n >= 2);
            row.poor += u64::from(poor);
            row.poor_unserved += u64::from(poor && n == 0);
        }
    }
    // By owner type: households served by a programme of this type, and of them those also
    // served by another programme, and by a programme of another type.
    let mut by_type: BTreeMap<String, (u64, u64, u64, u64)> = BTreeMap::new();
    for (&h, set) in &served {
        let r = RegionCode::from_key(region[h as usize]).expect("snapshot regions");
        if let Some(w) = within
            && !(r.level() >= w.level() && r.is_within(w))
        {
            continue;
        }
        let types: BTreeSet<&String> = set.iter().map(|(_, t)| t).collect();
        for t in &types {
            let e = by_type.entry((*t).clone()).or_default();
            e.0 += 1;
            e.1 += u64::from(set.len() >= 2);
            e.2 += u64::from(types.len() >= 2);
            e.3 += u64::from(desil[h as usize] > 5);
        }
    }
    let type_label = |t: &str| {
        t.parse::<OrgType>()
            .map(|o| o.label(ctx.lang).to_string())
            .unwrap_or_else(|_| t.to_string())
    };
    let columns: [Vec<u64>; 4] = [
        by_region.values().map(|(_, r)| r.served).collect(),
        by_region.values().map(|(_, r)| r.multi).collect(),
        by_region.values().map(|(_, r)| r.poor).collect(),
        by_region.values().map(|(_, r)| r.poor_unserved).collect(),
    ];
    let hidden: Vec<Vec<bool>> = columns.iter().map(|c| suppress(c)).collect();
    if ctx.json {
        let regions: Vec<_> = by_region
            .values()
            .enumerate()
            .map(|(i, (g, r))| {
                serde_json::json!({
                    "region": g.to_string(), "name": region_name(*g), "households": r.households,
                    "served": cell(r.served, hidden[0][i]),
                    "served_by_several": cell(r.multi, hidden[1][i]),
                    "poor": cell(r.poor, hidden[2][i]),
                    "poor_served_by_none": cell(r.poor_unserved, hidden[3][i]),
                })
            })
            .collect();
        let types: Vec<_> = by_type
            .iter()
            .map(|(t, (n, multi, other_type, rich))| {
                serde_json::json!({ "owner_type": t, "served": n, "also_served_by_another_programme": multi,
                    "also_served_by_another_owner_type": other_type, "in_desil_6_to_10": rich })
            })
            .collect();
        outln!(
            "{}",
            serde_json::json!({
                "ranking": ranked.info.id, "poor_desil": a.poor_desil,
                "total": { "households": total.households, "served": total.served,
                    "served_by_several": total.multi, "poor": total.poor, "poor_served_by_none": total.poor_unserved },
                "regions": regions, "owner_types": types,
                "entitlements_outside_ranked_snapshot": outside_snapshot,
            })
        );
        return Ok(());
    }
    outln!(
        "{} (desil 1–{} = {}):",
        ctx.t(
            "Tumpang tindih program dan keluarga miskin yang belum terlayani",
            "Programme overlap and poor households served by none"
        ),
        a.poor_desil,
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
    for (i, (g, r)) in by_region.values().enumerate() {
        let name: String = region_name(*g).chars().take(28).collect();
        outln!(
            "  {:<14} {:<28} {:>10} {:>10} {:>12} {:>10} {:>14}",
            g.to_string(),
            name,
            r.households,
            show(cell(r.served, hidden[0][i])),
            show(cell(r.multi, hidden[1][i])),
            show(cell(r.poor, hidden[2][i])),
            show(cell(r.poor_unserved, hidden[3][i]))
        );
    }
    outln!(
        "  {:<14} {:<28} {:>10} {:>10} {:>12} {:>10} {:>14}",
        ctx.t("jumlah", "total"),
        "",
        total.households,
        total.served,
        total.multi,
        total.poor,
        total.poor_unserved
    );
    if !by_type.is_empty() {
        outln!(
            "{}:",
            ctx.t("Menurut jenis pemilik program", "By programme owner type")
        );
        for (t, (n, multi, other_type, rich)) in &by_type {
            outln!(
                "  {:<22} {} {}; {} {}; {} {}; {} {}",
                type_label(t),
                n,
                ctx.t("keluarga terlayani", "households served"),
                multi,
                ctx.t("juga oleh program lain", "also by another programme"),
                other_type,
                ctx.t("juga oleh pemilik jenis lain", "also by another owner type"),
                rich,
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
    let store = ctx.open_store()?;
    let loaded = load_programme(store.as_ref(), &a.programme)?;
    let p = &loaded.checked.programme;
    let frozen = store.selections(&p.code)?;
    let cycle = a
        .cycle
        .or_else(|| frozen.iter().map(|s| s.cycle).max())
        .ok_or_else(|| {
            Failure::invalid(
                "selection_missing",
                format!("program {} belum memiliki daftar yang dibekukan", p.code),
                format!("programme {} has no frozen list yet", p.code),
            )
        })?;
    let (info, members) = store.selection(&p.code, cycle)?.ok_or_else(|| {
        Failure::invalid(
            "selection_missing",
            format!("siklus {cycle} program {} belum dibekukan", p.code),
            format!("cycle {cycle} of programme {} is not frozen", p.code),
        )
    })?;
    let lvl = level(&a.by);
    let mut by_region: BTreeMap<u64, (RegionCode, u64, u64, i64)> = BTreeMap::new();
    let mut by_desil = [(0u64, 0u64, 0i64); 11];
    // Sums of money are checked: an overflow is an error, never a wrapped total.
    let add = |sum: i64, amount: i64| {
        sum.checked_add(amount).ok_or_else(|| {
            Failure::failed(
                "money_overflow",
                "jumlah rupiah yang direncanakan terlalu besar untuk dihitung",
                "the planned rupiah are too large to add up",
            )
        })
    };
    let mut planned: i64 = 0;
    for m in &members {
        let r = RegionCode::parse(&m.region)
            .map_err(|e| Failure::failed("store_corrupt", e.to_string(), e.to_string()))?;
        let g = r.ancestor_or_self(lvl);
        let e = by_region.entry(g.key()).or_insert((g, 0, 0, 0));
        e.1 += 1;
        e.2 += m.members as u64;
        e.3 = add(e.3, m.amount)?;
        let d = &mut by_desil[m.desil.min(10) as usize];
        d.0 += 1;
        d.1 += m.members as u64;
        d.2 = add(d.2, m.amount)?;
        planned = add(planned, m.amount)?;
    }
    let region_counts: Vec<u64> = by_region.values().map(|e| e.1).collect();
    let region_hidden = suppress(&region_counts);
    let desil_counts: Vec<u64> = by_desil[1..].iter().map(|d| d.0).collect();
    let desil_hidden = suppress(&desil_counts);
    let co_funding = loaded.checked.co_funding_per_cycle;
    if ctx.json {
        let regions: Vec<_> = by_region
            .values()
            .enumerate()
            .map(|(i, (g, h, n, money))| {
                let hide = region_hidden[i];
                serde_json::json!({ "region": g.to_string(), "name": region_name(*g),
                    "households": cell(*h, hide), "persons": (!hide).then_some(*n), "rupiah_planned": (!hide).then_some(*money),
                    "suppressed": hide })
            })
            .collect();
        let desil: Vec<_> = by_desil[1..]
            .iter()
            .enumerate()
            .map(|(i, (h, n, money))| {
                let hide = desil_hidden[i];
                serde_json::json!({ "desil": i + 1, "households": cell(*h, hide), "persons": (!hide).then_some(*n),
                    "rupiah_planned": (!hide).then_some(*money), "suppressed": hide })
            })
            .collect();
        let partners: Vec<_> = p
            .partners
            .iter()
            .map(|x| serde_json::json!({ "code": x.code, "name": x.name, "type": x.org_type, "role": x.role, "contribution_per_cycle": x.contribution_per_cycle }))
            .collect();
        outln!(
            "{}",
            serde_json::json!({
                "programme": p.code, "name": p.name, "owner": p.owner.name, "owner_type": p.owner.org_type,
                "cycle": cycle, "households": info.households, "persons": info.persons,
                "rupiah_planned": planned, "budget_per_cycle": p.budget_per_cycle,
                "co_funding_per_cycle": co_funding, "partners": partners,
                "regions": regions, "desil": desil, "content_hash": info.content_hash,
            })
        );
        return Ok(());
    }
    outln!(
        "{} {} — {} ({}), {} {cycle}",
        ctx.t("Laporan jangkauan", "Reach report"),
        p.code,
        p.name,
        p.owner.name,
        ctx.t("siklus", "cycle")
    );
    outln!(
        "  {} {} {}, {} {}; {} {} ({} {})",
        ctx.t("Terjangkau:", "Reached:"),
        info.households,
        ctx.t("keluarga", "households"),
        info.persons,
        ctx.t("jiwa", "persons"),
        ctx.t("direncanakan", "planned"),
        rupiah(planned),
        ctx.t("anggaran", "budget"),
        rupiah(p.budget_per_cycle)
    );
    if !p.partners.is_empty() {
        outln!(
            "  {} {}:",
            ctx.t("Pendanaan bersama per siklus", "Co-funding per cycle"),
            rupiah(co_funding)
        );
        for x in &p.partners {
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
    for (i, (g, h, n, money)) in by_region.values().enumerate() {
        let name: String = region_name(*g).chars().take(28).collect();
        if region_hidden[i] {
            outln!(
                "  {:<14} {:<28} {:>10} {:>10} {:>18}",
                g.to_string(),
                name,
                "<10",
                "–",
                "–"
            );
        } else {
            outln!(
                "  {:<14} {:<28} {:>10} {:>10} {:>18}",
                g.to_string(),
                name,
                h,
                n,
                rupiah(*money)
            );
        }
    }
    outln!(
        "  {:<8} {:>10} {:>10} {:>18}",
        "desil",
        ctx.t("keluarga", "households"),
        ctx.t("jiwa", "persons"),
        "rupiah"
    );
    for (i, (h, n, money)) in by_desil[1..].iter().enumerate() {
        if *h == 0 {
            continue;
        }
        if desil_hidden[i] {
            outln!("  {:<8} {:>10} {:>10} {:>18}", i + 1, "<10", "–", "–");
        } else {
            outln!("  {:<8} {:>10} {:>10} {:>18}", i + 1, h, n, rupiah(*money));
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

#[cfg(test)]
mod tests {
    use super::suppress;

    #[test]
    fn small_cells_and_one_more_are_suppressed() {
        assert_eq!(suppress(&[100, 5, 50, 20]), [false, true, false, true]);
        assert_eq!(suppress(&[100, 5, 3, 20]), [false, true, true, false]);
        assert_eq!(suppress(&[100, 0, 30]), [false, false, false]);
    }
}
