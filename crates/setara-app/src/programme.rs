//! Programmes of government, CSR, social enterprises, campuses, NGOs and communities: stored
//! with every version, checked fully (fields, area, budget, and the rule against the attributes
//! and the programmes `receives(...)` may name) before anything is written.

use setara_core::Regions;
use setara_rules::Warning;
use setara_store::{
    ProgrammeVersion, SaveMode, SavedProgramme, SelectionInfo, Store, StoredProgramme,
};
use setara_targeting::Programme;

use serde::{Deserialize, Serialize};
use setara_targeting::{Benefit, OrgType, Partner, Priority};

use crate::error::{Error, Result};
use crate::targeting::{RuleWarning, warnings_of};
use crate::{App, Caller};

/// The reason recorded with a version: one line of text.
pub fn check_reason(reason: &str) -> Result<()> {
    setara_core::text::check_line("reason", reason, setara_core::text::MAX_NOTE_CHARS)?;
    Ok(())
}

/// Check a programme fully before it is stored; returns the rule's warnings.
pub fn check(store: &dyn Store, p: &Programme) -> Result<Vec<Warning>> {
    p.check(Regions::kemendagri_2025())?;
    let mut known: Vec<String> = store
        .programmes()?
        .into_iter()
        .map(|s| s.programme.code)
        .collect();
    if !known.contains(&p.code) {
        known.push(p.code.clone());
    }
    let rule = crate::rules::check_rule(&p.rule, &known)?;
    Ok(rule.warnings().to_vec())
}

/// A programme saved: its new version, the fields that changed, the rule's warnings.
#[derive(Clone, Debug, Serialize)]
pub struct Saved {
    pub programme: String,
    pub version: u32,
    /// Whether this was version 1.
    pub created: bool,
    /// Fields changed from the previous version.
    pub changes: Vec<FieldChange>,
    pub warnings: Vec<RuleWarning>,
}

/// One field of a programme changed from one version to the next (values as text).
#[derive(Clone, Debug, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

fn field_changes(changes: Vec<(String, String, String)>) -> Vec<FieldChange> {
    changes
        .into_iter()
        .map(|(field, old, new)| FieldChange { field, old, new })
        .collect()
}

/// Create a programme (`SaveMode::Create`) or store a new version of one (`Update`), with the
/// caller as its author and a reason, after checking it fully.
pub fn save(
    app: &App,
    caller: &Caller,
    p: &Programme,
    reason: &str,
    mode: SaveMode,
) -> Result<Saved> {
    caller.require_registry_change()?;
    check_reason(reason)?;
    let mut store = app.writer()?;
    let warnings = check(store.as_ref(), p)?;
    let SavedProgramme {
        version,
        created,
        changes,
    } = store.save_programme(p, &caller.actor, reason, mode)?;
    Ok(Saved {
        programme: p.code.clone(),
        version,
        created,
        changes: field_changes(changes),
        warnings: warnings_of(caller, &p.rule, &warnings),
    })
}

/// The current version of a programme (`programme_not_found` otherwise).
pub fn get(app: &App, _caller: &Caller, code: &str) -> Result<StoredProgramme> {
    let store = app.reader()?;
    Ok(store
        .programme(code)?
        .ok_or_else(|| setara_store::StoreError::ProgrammeNotFound(code.to_string()))?)
}

/// A programme as `programme show` presents it.
#[derive(Debug)]
pub struct Shown {
    pub current: StoredProgramme,
    /// Every version, oldest first (only when asked for).
    pub history: Vec<VersionShown>,
    /// Its frozen selections.
    pub selections: Vec<SelectionInfo>,
}

/// One version of a programme: who, when, why, and what changed from the version before.
#[derive(Clone, Debug, Serialize)]
pub struct VersionShown {
    pub version: u32,
    pub at: String,
    pub actor: String,
    pub reason: String,
    pub changes: Vec<FieldChange>,
}

/// Serialised as `programme show --json` prints it: the definition, its version and times,
/// the benefit and co-funding per cycle (`null` when they do not fit in a rupiah amount), the
/// frozen selections and the versions.
impl Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let c = &self.current;
        let p = &c.programme;
        serde_json::json!({
            "programme": p,
            "version": c.version,
            "created_at": c.created_at,
            "updated_at": c.updated_at,
            "rupiah_per_household": p.benefit.rupiah_per_household().ok(),
            "co_funding_per_cycle": p.co_funding_per_cycle().ok(),
            "selections": self.selections,
            "history": self.history,
        })
        .serialize(s)
    }
}

/// A programme, its selections and (with `with_history`) its versions.
pub fn show(app: &App, _caller: &Caller, code: &str, with_history: bool) -> Result<Shown> {
    let store = app.reader()?;
    let current = store
        .programme(code)?
        .ok_or_else(|| setara_store::StoreError::ProgrammeNotFound(code.to_string()))?;
    let versions: Vec<ProgrammeVersion> = if with_history {
        store.programme_history(&current.programme.code)?
    } else {
        Vec::new()
    };
    let history = versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionShown {
            version: v.version,
            at: v.at.clone(),
            actor: v.actor.clone(),
            reason: v.reason.clone(),
            changes: match i {
                0 => Vec::new(),
                _ => field_changes(versions[i - 1].programme.diff(&v.programme)),
            },
        })
        .collect();
    let selections = store.selections(&current.programme.code)?;
    Ok(Shown {
        current,
        history,
        selections,
    })
}

/// One programme of the list.
#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    pub code: String,
    pub name: String,
    /// The owner organisation's code.
    pub owner: String,
    pub owner_type: OrgType,
    pub area: String,
    pub version: u32,
    pub budget_per_cycle: i64,
    /// `None` when an in-kind benefit's value does not fit in a rupiah amount.
    pub rupiah_per_household: Option<i64>,
}

/// Every programme.
pub fn list(app: &App, _caller: &Caller) -> Result<Vec<Listed>> {
    let store = app.reader()?;
    Ok(store
        .programmes()?
        .into_iter()
        .map(|s| Listed {
            rupiah_per_household: s.programme.benefit.rupiah_per_household().ok(),
            code: s.programme.code,
            name: s.programme.name,
            owner: s.programme.owner.code,
            owner_type: s.programme.owner.org_type,
            area: s.programme.area,
            version: s.version,
            budget_per_cycle: s.programme.budget_per_cycle,
        })
        .collect())
}

/// Changes to a programme's fields, as the command line's flags and the server's requests give
/// them (text as typed; checked here and when the programme is saved).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Changes {
    pub name: Option<String>,
    pub description: Option<String>,
    pub owner_code: Option<String>,
    pub owner_name: Option<String>,
    /// government, csr, social_enterprise, campus, ngo or community.
    pub owner_type: Option<String>,
    /// The region subtree served, e.g. `32.04`.
    pub area: Option<String>,
    /// A cash benefit: rupiah per household per cycle.
    pub benefit: Option<i64>,
    /// An in-kind benefit, `ITEM:UNITS:UNIT_VALUE`.
    pub in_kind: Option<String>,
    pub budget: Option<i64>,
    pub cycles: Option<u32>,
    /// The eligibility rule (docs/rules.md).
    pub rule: Option<String>,
    /// Priority order, comma-separated: desil, score, vulnerability, members.
    pub priority: Option<String>,
    /// `REGION=HOUSEHOLDS`; when any is given they replace the quotas.
    pub quotas: Vec<String>,
    pub clear_quotas: bool,
    /// `CODE:TYPE:ROLE[:CONTRIBUTION_PER_CYCLE]:NAME`, added.
    pub partners: Vec<String>,
    /// Partner codes removed.
    pub remove_partners: Vec<String>,
    /// `BLOCK=TEXT` of the Business Model Canvas.
    pub canvas: Vec<String>,
}

/// Apply changes to a programme (in the order of the fields of [`Changes`]); the result is
/// checked when it is saved.
pub fn apply(p: &mut Programme, f: &Changes) -> Result<()> {
    if let Some(v) = &f.name {
        p.name = v.clone();
    }
    if let Some(v) = &f.description {
        p.description = v.clone();
    }
    if let Some(v) = &f.owner_code {
        p.owner.code = v.clone();
    }
    if let Some(v) = &f.owner_name {
        p.owner.name = v.clone();
    }
    if let Some(v) = &f.owner_type {
        p.owner.org_type = v.parse()?;
    }
    if let Some(v) = &f.area {
        p.area = v.clone();
    }
    if let Some(v) = f.benefit {
        p.benefit = Benefit::Cash {
            rupiah_per_household: v,
        };
    }
    if let Some(v) = &f.in_kind {
        let parts: Vec<&str> = v.rsplitn(3, ':').collect();
        let parsed = match parts.as_slice() {
            [value, units, item] => value
                .trim()
                .replace(['.', '_'], "")
                .parse::<i64>()
                .ok()
                .zip(units.trim().parse::<i64>().ok())
                .map(|(unit_value, units)| Benefit::InKind {
                    item: item.trim().to_string(),
                    units,
                    unit_value,
                }),
            _ => None,
        };
        p.benefit = parsed.ok_or_else(|| {
            Error::invalid(
                "programme_in_kind",
                format!("--in-kind {v:?}: tulis BARANG:JUMLAH:NILAI_PER_UNIT, mis. \"Beras 10 kg:2:140000\""),
                format!("--in-kind {v:?}: write ITEM:UNITS:UNIT_VALUE, e.g. \"Beras 10 kg:2:140000\""),
            )
        })?;
    }
    if let Some(v) = f.budget {
        p.budget_per_cycle = v;
    }
    if let Some(v) = f.cycles {
        p.cycles = v;
    }
    if let Some(v) = &f.rule {
        p.rule = v.clone();
    }
    if let Some(v) = &f.priority {
        p.priority = v
            .split(',')
            .map(|s| {
                let s = s.trim();
                [
                    Priority::Desil,
                    Priority::Score,
                    Priority::Vulnerability,
                    Priority::Members,
                ]
                .into_iter()
                .find(|p| p.code() == s)
                .ok_or_else(|| {
                    Error::invalid(
                        "programme_priority",
                        format!("prioritas {s:?} tidak dikenal; pilihan: desil, score, vulnerability, members"),
                        format!("unknown priority {s:?}; valid: desil, score, vulnerability, members"),
                    )
                })
            })
            .collect::<Result<_>>()?;
    }
    if f.clear_quotas {
        p.quotas.clear();
    }
    if !f.quotas.is_empty() {
        p.quotas.clear();
        for q in &f.quotas {
            let parsed = q
                .split_once('=')
                .and_then(|(r, n)| Some((r.trim().to_string(), n.trim().parse::<u64>().ok()?)));
            let (region, n) = parsed.ok_or_else(|| {
                Error::invalid(
                    "programme_quota",
                    format!("--quota {q:?}: tulis WILAYAH=JUMLAH_KELUARGA, mis. 32.04.05=120"),
                    format!("--quota {q:?}: write REGION=HOUSEHOLDS, e.g. 32.04.05=120"),
                )
            })?;
            p.quotas.insert(region, n);
        }
    }
    for code in &f.remove_partners {
        let before = p.partners.len();
        p.partners.retain(|x| &x.code != code);
        if p.partners.len() == before {
            return Err(Error::invalid(
                "programme_partner_not_found",
                format!("{code} bukan mitra program {}", p.code),
                format!("{code} is not a partner of programme {}", p.code),
            ));
        }
    }
    for spec in &f.partners {
        p.partners.push(parse_partner(spec)?);
    }
    for c in &f.canvas {
        let Some((key, text)) = c.split_once('=') else {
            return Err(Error::invalid(
                "programme_canvas",
                format!("--canvas {c:?}: tulis BLOK=TEKS"),
                format!("--canvas {c:?}: write BLOCK=TEXT"),
            ));
        };
        let canvas = &mut p.canvas;
        let slot = match key.trim() {
            "customer_segments" => &mut canvas.customer_segments,
            "value_propositions" => &mut canvas.value_propositions,
            "channels" => &mut canvas.channels,
            "customer_relationships" => &mut canvas.customer_relationships,
            "revenue_streams" => &mut canvas.revenue_streams,
            "key_resources" => &mut canvas.key_resources,
            "key_activities" => &mut canvas.key_activities,
            "key_partners" => &mut canvas.key_partners,
            "cost_structure" => &mut canvas.cost_structure,
            other => {
                let valid = canvas.blocks().map(|(k, ..)| k).join(", ");
                return Err(Error::invalid(
                    "programme_canvas",
                    format!("blok kanvas {other:?} tidak dikenal; pilihan: {valid}"),
                    format!("unknown canvas block {other:?}; valid: {valid}"),
                ));
            }
        };
        *slot = text.trim().to_string();
    }
    Ok(())
}

fn parse_partner(spec: &str) -> Result<Partner> {
    let parts: Vec<&str> = spec.splitn(5, ':').collect();
    let err = || {
        Error::invalid(
            "programme_partner",
            format!(
                "--partner {spec:?}: tulis KODE:JENIS:PERAN[:KONTRIBUSI]:NAMA, mis. unpad:campus:evaluator:Universitas Padjadjaran"
            ),
            format!(
                "--partner {spec:?}: write CODE:TYPE:ROLE[:CONTRIBUTION]:NAME, e.g. unpad:campus:evaluator:Universitas Padjadjaran"
            ),
        )
    };
    let (code, org_type, role, contribution, name) = match parts.as_slice() {
        [c, t, r, n] => (*c, *t, *r, None, *n),
        [c, t, r, money, n] => {
            let m = money.trim().replace(['.', '_'], "");
            match m.parse::<i64>() {
                Ok(v) => (*c, *t, *r, Some(v), *n),
                // A name with a colon in it.
                Err(_) => (*c, *t, *r, None, &spec[c.len() + t.len() + r.len() + 3..]),
            }
        }
        _ => return Err(err()),
    };
    if code.trim().is_empty() || name.trim().is_empty() {
        return Err(err());
    }
    Ok(Partner {
        code: code.trim().to_string(),
        name: name.trim().to_string(),
        org_type: org_type.parse()?,
        role: role.parse()?,
        contribution_per_cycle: contribution,
    })
}
