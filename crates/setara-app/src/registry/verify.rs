//! Verification: the rules of `setara-verify` run over a fresh snapshot of the registry, their
//! findings kept in the store (new, open, resolved), optionally the open ones as CSV.
//!
//! Scope: a regional officer verifies their region (or a region inside it); findings outside
//! it are neither computed, resolved nor written.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use setara_core::RegionCode;
use setara_registry::writer::{Dialect, csv_writer};
use setara_snapshot::Snapshot;
use setara_store::{RuleFinding, VerificationRun};
use setara_verify::{Options, RULES, verify as run_rules};

use crate::error::{Error, Result};
use crate::output::OutputFile;
use crate::{App, Caller, Progress};

/// Run the verification rules.
#[derive(Clone, Debug)]
pub struct VerifyRequest {
    /// Only this region and what lies inside it (within the caller's scope).
    pub region: Option<RegionCode>,
    /// Flag recorded consumption this many residual standard deviations from what the
    /// household's dwelling and assets predict (positive).
    pub outlier_sigmas: f64,
    /// Write the open findings (new and open) as CSV to this file.
    pub csv: Option<PathBuf>,
    /// Replace the file named by `csv` if it exists.
    pub force: bool,
    pub dialect: Dialect,
}

/// Findings of one rule.
#[derive(Clone, Debug, Serialize)]
pub struct RuleCount {
    pub rule: &'static str,
    pub severity: &'static str,
    pub findings: u64,
    /// What the rule finds, in the caller's language.
    pub meaning: &'static str,
}

/// The consumption model `consumption_inconsistent` used.
#[derive(Clone, Debug, Serialize)]
pub struct ModelFit {
    /// Surveyed households it was fitted on.
    pub households: usize,
    pub r_squared: f64,
    pub sigma: f64,
}

/// One verification run.
#[derive(Clone, Debug, Serialize)]
pub struct VerifyResult {
    pub run_id: i64,
    /// The snapshot's content hash the rules ran on.
    pub snapshot: String,
    /// The region verified (the request's, else the caller's scope; `None`: everything).
    pub scope: Option<RegionCode>,
    pub households: usize,
    pub persons: usize,
    pub findings: usize,
    /// Findings seen for the first time (or again after being resolved).
    pub new: u64,
    /// Findings seen before and still there.
    pub open: u64,
    /// Findings no longer seen.
    pub resolved: u64,
    /// Findings of this run by rule id (rules without findings left out).
    pub by_rule: BTreeMap<&'static str, u64>,
    /// Every rule, in the order of [`setara_verify::RULES`], with its findings of this run.
    pub rules: Vec<RuleCount>,
    /// Findings by province code (`?` for a household whose region is not a code).
    pub by_province: BTreeMap<String, u64>,
    pub consumption_model: Option<ModelFit>,
    /// Where the open findings were written.
    pub csv: Option<PathBuf>,
}

/// Run the rules over a fresh snapshot and record their findings. Progress is the snapshot's
/// (households).
pub fn verify(
    app: &App,
    caller: &Caller,
    req: &VerifyRequest,
    progress: &mut dyn Progress,
) -> Result<VerifyResult> {
    let within = super::scoped_region(caller, req.region)?;
    if !(req.outlier_sigmas > 0.0 && req.outlier_sigmas.is_finite()) {
        return Err(Error::invalid(
            "verify_bad_sigmas",
            "--outlier-sigmas harus positif",
            "--outlier-sigmas must be positive",
        ));
    }
    // A CSV that would replace a file is refused before anything is verified or recorded.
    if let Some(path) = &req.csv {
        crate::output::check_target(&app.data, path, req.force, &[])?;
    }
    let mut store = app.writer()?;
    // The rules run on a snapshot of the registry as it is now.
    let info = super::take_snapshot(app, store.as_ref(), progress)?;
    let snap = Snapshot::open(&info.dir).map_err(Error::from)?;
    let today = chrono::DateTime::from_timestamp(app.now(), 0)
        .unwrap_or_default()
        .date_naive();
    let regions = setara_core::Regions::kemendagri_2025();
    let report = run_rules(
        &snap,
        regions,
        &Options {
            today,
            within,
            outlier_sigmas: req.outlier_sigmas,
        },
    );
    let findings: Vec<RuleFinding> = report
        .findings
        .iter()
        .map(|f| RuleFinding {
            rule: f.rule.id,
            severity: f.rule.severity.code(),
            kk: f.kk,
            nik: f.nik,
            detail: f.detail.clone(),
        })
        .collect();
    let summary = store.record_verification(
        &VerificationRun {
            actor: caller.actor.clone(),
            scope: within,
            snapshot: info.hash.clone(),
            households: report.households_checked as u64,
            persons: report.persons_checked as u64,
        },
        &findings,
    )?;
    // Counts by rule and by province.
    let mut by_rule: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut by_province: BTreeMap<String, u64> = BTreeMap::new();
    let region_col = snap.region();
    for f in &report.findings {
        *by_rule.entry(f.rule.id).or_default() += 1;
        let province = RegionCode::from_key(region_col.value(f.household))
            .map(|r| r.province().to_string())
            .unwrap_or_else(|| "?".into());
        *by_province.entry(province).or_default() += 1;
    }
    if let Some(path) = &req.csv {
        let open = store.open_findings()?;
        let mut out = OutputFile::create(&app.data, path, req.force, &[])?;
        let mut write = || -> std::io::Result<()> {
            let mut w = csv_writer(out.writer(), req.dialect)?;
            w.write_record([
                "rule", "severity", "status", "region", "kk", "nik", "detail", "message",
            ])?;
            for (f, region) in &open {
                let in_scope = within.is_none_or(|w| {
                    RegionCode::parse(region)
                        .is_ok_and(|r| r.level() >= w.level() && r.is_within(w))
                });
                if !in_scope {
                    continue;
                }
                let rule = setara_verify::rule(&f.rule);
                w.write_record([
                    f.rule.as_str(),
                    rule.map(|r| r.severity.code()).unwrap_or("error"),
                    f.status.as_str(),
                    region.as_str(),
                    &f.kk.to_string(),
                    &f.nik.map(|n| n.to_string()).unwrap_or_default(),
                    f.detail.as_str(),
                    rule.map(|r| r.message(caller.lang)).unwrap_or(""),
                ])?;
            }
            w.flush()
        };
        write().map_err(|e| Error::io(path, &e))?;
        out.commit()?;
    }
    Ok(VerifyResult {
        run_id: summary.run_id,
        snapshot: info.hash,
        scope: within,
        households: report.households_checked,
        persons: report.persons_checked,
        findings: report.findings.len(),
        new: summary.new,
        open: summary.open,
        resolved: summary.resolved,
        rules: RULES
            .iter()
            .map(|r| RuleCount {
                rule: r.id,
                severity: r.severity.code(),
                findings: by_rule.get(r.id).copied().unwrap_or(0),
                meaning: r.message(caller.lang),
            })
            .collect(),
        by_rule,
        by_province,
        consumption_model: report.model.as_ref().map(|m| ModelFit {
            households: m.n,
            r_squared: m.r_squared,
            sigma: m.sigma,
        }),
        csv: req.csv.clone(),
    })
}
