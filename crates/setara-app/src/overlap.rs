//! Overlap (households served by several programmes, and poor households served by none) and
//! reach (a partner's report of one programme, without personal data). Published counts of
//! fewer than [`MIN_CELL`] households are suppressed, and one more cell when a single one would
//! otherwise be given away by the total.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use setara_core::{Level, RegionCode};
use setara_targeting::{OrgType, Partner};

use crate::error::{Error, Result};
use crate::ranking::{kk_rows, load_ranking};
use crate::targeting::{frozen_cycle, load_programme, region_name};
use crate::{App, Caller};

/// Small-cell suppression of every published table: one rule, one minimum cell
/// ([`setara_stats::disclosure`]).
pub use setara_stats::disclosure::{MIN_CELL, suppress};

/// A count as published: `None` when suppressed.
fn cell(households: u64, suppressed: bool) -> Option<u64> {
    (!suppressed).then_some(households)
}

/// Overlap of the programmes being served now.
#[derive(Clone, Debug, Serialize)]
pub struct OverlapRequest {
    /// Rows by this level (province or regency).
    pub by: Level,
    /// Only households inside this region.
    pub region: Option<RegionCode>,
    /// Poor households are those in desil 1 up to this desil.
    pub poor_desil: u8,
}

/// One row of the overlap table (`None`: suppressed).
#[derive(Clone, Debug, Serialize)]
pub struct OverlapRegion {
    pub region: RegionCode,
    pub name: String,
    pub households: u64,
    pub served: Option<u64>,
    pub served_by_several: Option<u64>,
    pub poor: Option<u64>,
    pub poor_served_by_none: Option<u64>,
}

/// The totals of the overlap table (not suppressed).
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct OverlapTotal {
    pub households: u64,
    pub served: u64,
    pub served_by_several: u64,
    pub poor: u64,
    pub poor_served_by_none: u64,
}

impl OverlapTotal {
    fn add(&mut self, n: usize, poor: bool) {
        self.households += 1;
        self.served += u64::from(n >= 1);
        self.served_by_several += u64::from(n >= 2);
        self.poor += u64::from(poor);
        self.poor_served_by_none += u64::from(poor && n == 0);
    }
}

/// Households served by programmes of one owner type.
#[derive(Clone, Debug, Serialize)]
pub struct OwnerTypeRow {
    /// The owner type's code as stored (`government`, `csr`, …).
    pub owner_type: String,
    /// The type, when it is one of the known ones.
    #[serde(skip)]
    pub known: Option<OrgType>,
    pub served: u64,
    pub also_served_by_another_programme: u64,
    pub also_served_by_another_owner_type: u64,
    pub in_desil_6_to_10: u64,
}

/// Programme overlap and poor households served by none.
#[derive(Clone, Debug, Serialize)]
pub struct Overlap {
    pub ranking: i64,
    pub stale: bool,
    pub poor_desil: u8,
    pub total: OverlapTotal,
    pub regions: Vec<OverlapRegion>,
    pub owner_types: Vec<OwnerTypeRow>,
    pub entitlements_outside_ranked_snapshot: u64,
}

/// Households served by several programmes and poor households served by none, by region and
/// by owner type, over the latest ranking. A regional officer counts the households of their
/// region only.
pub fn overlap(app: &App, caller: &Caller, req: &OverlapRequest) -> Result<Overlap> {
    let store = app.reader()?;
    let ranked = load_ranking(app, store.as_ref())?;
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
    let included = |r: RegionCode| {
        req.region
            .is_none_or(|w| r.level() >= w.level() && r.is_within(w))
            && caller.sees(r)
    };
    let mut by_region: BTreeMap<u64, (RegionCode, OverlapTotal)> = BTreeMap::new();
    let mut total = OverlapTotal::default();
    let region = snap.region().values();
    let desil = &ranked.columns.desil;
    for h in 0..snap.household_count() {
        let r = RegionCode::from_key(region[h]).expect("snapshot regions");
        if !included(r) {
            continue;
        }
        let g = r.ancestor_or_self(req.by);
        let n = served.get(&(h as u32)).map_or(0, |s| s.len());
        let poor = desil[h] >= 1 && desil[h] <= req.poor_desil;
        by_region
            .entry(g.key())
            .or_insert((g, OverlapTotal::default()))
            .1
            .add(n, poor);
        total.add(n, poor);
    }
    // By owner type: households served by a programme of this type, and of them those also
    // served by another programme, and by a programme of another type.
    let mut by_type: BTreeMap<String, (u64, u64, u64, u64)> = BTreeMap::new();
    for (&h, set) in &served {
        let r = RegionCode::from_key(region[h as usize]).expect("snapshot regions");
        if !included(r) {
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
    let column = |f: fn(&OverlapTotal) -> u64| -> Vec<bool> {
        suppress(&by_region.values().map(|(_, r)| f(r)).collect::<Vec<_>>())
    };
    let hidden = [
        column(|r| r.served),
        column(|r| r.served_by_several),
        column(|r| r.poor),
        column(|r| r.poor_served_by_none),
    ];
    let regions = by_region
        .values()
        .enumerate()
        .map(|(i, (g, r))| OverlapRegion {
            region: *g,
            name: region_name(*g),
            households: r.households,
            served: cell(r.served, hidden[0][i]),
            served_by_several: cell(r.served_by_several, hidden[1][i]),
            poor: cell(r.poor, hidden[2][i]),
            poor_served_by_none: cell(r.poor_served_by_none, hidden[3][i]),
        })
        .collect();
    let owner_types = by_type
        .into_iter()
        .map(|(t, (n, multi, other, rich))| OwnerTypeRow {
            known: t.parse().ok(),
            owner_type: t,
            served: n,
            also_served_by_another_programme: multi,
            also_served_by_another_owner_type: other,
            in_desil_6_to_10: rich,
        })
        .collect();
    Ok(Overlap {
        ranking: ranked.info.id,
        stale: ranked.stale,
        poor_desil: req.poor_desil,
        total,
        regions,
        owner_types,
        entitlements_outside_ranked_snapshot: outside_snapshot,
    })
}

/// A programme's reach in one frozen cycle.
#[derive(Clone, Debug, Serialize)]
pub struct ReachRequest {
    pub programme: String,
    /// Default: the latest frozen cycle.
    pub cycle: Option<u32>,
    /// Rows by province, regency or district.
    pub by: Level,
}

/// One row of a reach report (suppressed: no counts at all).
#[derive(Clone, Debug, Serialize)]
pub struct ReachCell {
    pub households: Option<u64>,
    pub persons: Option<u64>,
    pub rupiah_planned: Option<i64>,
    pub suppressed: bool,
}

impl ReachCell {
    fn new((households, persons, money): (u64, u64, i64), hide: bool) -> ReachCell {
        ReachCell {
            households: cell(households, hide),
            persons: (!hide).then_some(persons),
            rupiah_planned: (!hide).then_some(money),
            suppressed: hide,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ReachRegion {
    pub region: RegionCode,
    pub name: String,
    #[serde(flatten)]
    pub cell: ReachCell,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReachDesil {
    pub desil: u8,
    #[serde(flatten)]
    pub cell: ReachCell,
}

/// A partner's report of one programme, without personal data.
#[derive(Clone, Debug, Serialize)]
pub struct Reach {
    pub programme: String,
    pub name: String,
    pub owner: String,
    pub owner_type: OrgType,
    pub cycle: u32,
    pub households: u64,
    pub persons: u64,
    pub rupiah_planned: i64,
    pub budget_per_cycle: i64,
    pub co_funding_per_cycle: i64,
    pub partners: Vec<Partner>,
    pub regions: Vec<ReachRegion>,
    /// Desil 1 to 10, those with no household included.
    pub desil: Vec<ReachDesil>,
    pub content_hash: String,
}

/// Households, persons and planned rupiah of one frozen cycle by region and by desil, small
/// cells suppressed. A regional officer's report covers the households of their region only.
pub fn reach(app: &App, caller: &Caller, req: &ReachRequest) -> Result<Reach> {
    let store = app.reader()?;
    let loaded = load_programme(store.as_ref(), &req.programme)?;
    let p = &loaded.checked.programme;
    let (info, members) = frozen_cycle(store.as_ref(), &p.code, req.cycle)?;
    let mut by_region: BTreeMap<u64, (RegionCode, (u64, u64, i64))> = BTreeMap::new();
    let mut by_desil = [(0u64, 0u64, 0i64); 11];
    // Sums of money are checked: an overflow is an error, never a wrapped total.
    let add = |sum: i64, amount: i64| {
        sum.checked_add(amount).ok_or_else(|| {
            Error::internal(
                "reach_total_overflow",
                "jumlah rupiah yang direncanakan terlalu besar untuk dihitung",
                "the planned rupiah are too large to add up",
            )
        })
    };
    let mut planned: i64 = 0;
    let (mut households, mut persons) = (0u64, 0u64);
    for m in &members {
        let r = RegionCode::parse(&m.region)
            .map_err(|e| Error::internal("store_corrupt", e.to_string(), e.to_string()))?;
        if !caller.sees(r) {
            continue;
        }
        let g = r.ancestor_or_self(req.by);
        let e = &mut by_region.entry(g.key()).or_insert((g, (0, 0, 0))).1;
        e.0 += 1;
        e.1 += m.members as u64;
        e.2 = add(e.2, m.amount)?;
        let d = &mut by_desil[m.desil.min(10) as usize];
        d.0 += 1;
        d.1 += m.members as u64;
        d.2 = add(d.2, m.amount)?;
        planned = add(planned, m.amount)?;
        households += 1;
        persons += m.members as u64;
    }
    if caller.scope.is_none() {
        // The list's own totals, as frozen.
        (households, persons) = (info.households, info.persons);
    }
    let region_hidden = suppress(&by_region.values().map(|e| e.1.0).collect::<Vec<_>>());
    let desil_hidden = suppress(&by_desil[1..].iter().map(|d| d.0).collect::<Vec<_>>());
    Ok(Reach {
        programme: p.code.clone(),
        name: p.name.clone(),
        owner: p.owner.name.clone(),
        owner_type: p.owner.org_type,
        cycle: info.cycle,
        households,
        persons,
        rupiah_planned: planned,
        budget_per_cycle: p.budget_per_cycle,
        co_funding_per_cycle: loaded.checked.co_funding_per_cycle,
        partners: p.partners.clone(),
        regions: by_region
            .values()
            .enumerate()
            .map(|(i, (g, c))| ReachRegion {
                region: *g,
                name: region_name(*g),
                cell: ReachCell::new(*c, region_hidden[i]),
            })
            .collect(),
        desil: by_desil[1..]
            .iter()
            .enumerate()
            .map(|(i, c)| ReachDesil {
                desil: i as u8 + 1,
                cell: ReachCell::new(*c, desil_hidden[i]),
            })
            .collect(),
        content_hash: info.content_hash,
    })
}
