//! `setara target`: preview a programme's rule over the ranked snapshot, select and freeze a
//! cycle's beneficiaries, compare alternative rules against true welfare, export a frozen list.

use std::path::{Path, PathBuf};

use clap::{ArgGroup, Args};
use setara_app::model::Dialect;
use setara_app::model::Rate;
use setara_app::targeting::{
    BeneficiariesRequest, CompareRequest, Comparison, FreezeRequest, Frozen, Preview,
    PreviewRequest, TruthSource,
};
use setara_core::number::rupiah;

use crate::context::{Context, show_path};
use crate::failure::{Failure, Result};
use crate::output::OutputFile;
use crate::targeting::{
    Compiled, after_ranking, rule_label, show_rule_warnings, truncate, warn_stale,
};

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("action").required(true).args(["preview", "select", "compare", "compare_file", "export"])))]
pub struct TargetArgs {
    /// Programme code.
    #[arg(long)]
    pub programme: String,
    /// Cycle to select or export (default: the next cycle not yet frozen; for export, the
    /// latest frozen).
    #[arg(long)]
    pub cycle: Option<u32>,
    /// Eligible households and persons by region and the cost against the budget.
    #[arg(long)]
    pub preview: bool,
    /// Fill the cycle's budget and quotas by priority, freeze the list and propose an
    /// entitlement for each selected household.
    #[arg(long)]
    pub select: bool,
    /// An alternative rule to compare with the programme's own (repeatable): counts, cost,
    /// coverage of the poorest 40% and inclusion/exclusion errors against true welfare.
    #[arg(long, value_name = "RULE")]
    pub compare: Vec<String>,
    /// An alternative rule read from a file (repeatable; UTF-8 text, at most 64 KiB), compared
    /// after those of --compare.
    #[arg(long, value_name = "FILE")]
    pub compare_file: Vec<PathBuf>,
    /// Write a frozen cycle's beneficiary list for field teams to this file.
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
    /// With --export: Excel-friendly CSV (`;`, UTF-8 BOM).
    #[arg(long)]
    pub excel: bool,
    /// With --export: replace the file if it exists.
    #[arg(long)]
    pub force: bool,
    /// True consumption per household for --compare: a truth/households.csv of the synthetic
    /// generator. Default: DATA_DIR/input/truth/households.csv when present, else the surveyed
    /// households with their weights.
    #[arg(long)]
    pub truth: Option<PathBuf>,
    /// BPS period of the provincial poverty lines that define the poor for --compare.
    #[arg(long, default_value = "2024-03")]
    pub bps_period: String,
    /// Very poor: below this share of the poverty line (--compare).
    #[arg(long, default_value_t = 0.5)]
    pub very_poor: f64,
}

pub fn run(ctx: &Context, a: TargetArgs) -> Result<()> {
    if let Some(path) = &a.export {
        return export(ctx, &a, path);
    }
    let app = ctx.app();
    let caller = ctx.caller();
    // The programme's own rule, compiled by preview and select.
    let own = || {
        Some(Compiled {
            programme: &a.programme,
            alternatives: None,
        })
    };
    if a.preview {
        let p = setara_app::targeting::preview(
            &app,
            &caller,
            &PreviewRequest {
                programme: a.programme.clone(),
            },
        )
        .map_err(|e| after_ranking(ctx, own(), e))?;
        return render_preview(ctx, &p);
    }
    if a.select {
        let f = setara_app::targeting::freeze(
            &app,
            &caller,
            &FreezeRequest {
                programme: a.programme.clone(),
                cycle: a.cycle,
            },
        )
        .map_err(|e| after_ranking(ctx, own(), e))?;
        return render_frozen(ctx, &f);
    }
    let mut alternatives = a.compare.clone();
    for path in &a.compare_file {
        alternatives.push(crate::targeting::read_rule_file(path)?);
    }
    let req = CompareRequest {
        programme: a.programme.clone(),
        alternatives,
        truth: a.truth.clone(),
        bps_period: a.bps_period.clone(),
        very_poor: a.very_poor,
    };
    let c = setara_app::targeting::compare(&app, &caller, &req).map_err(|e| {
        let compiled = Compiled {
            programme: &a.programme,
            alternatives: Some(&req.alternatives),
        };
        after_ranking(ctx, Some(compiled), e)
    })?;
    render_comparison(ctx, &c)
}

fn render_preview(ctx: &Context, p: &Preview) -> Result<()> {
    warn_stale(ctx, p.stale);
    show_rule_warnings(ctx, None, &p.warnings);
    if ctx.json {
        outln!("{}", serde_json::to_string(p).expect("serializes"));
        return Ok(());
    }
    let households = p.eligible_households;
    outln!(
        "{} — {}",
        p.programme,
        setara_core::text::printable(&p.name)
    );
    crate::targeting::print_rule(ctx, &p.rule);
    outln!(
        "  {:<14} {:<32} {:>12} {:>12}",
        ctx.t("wilayah", "region"),
        ctx.t("nama", "name"),
        ctx.t("keluarga", "households"),
        ctx.t("jiwa", "persons")
    );
    for r in &p.regions {
        outln!(
            "  {:<14} {:<32} {:>12} {:>12}",
            r.region.to_string(),
            truncate(&r.name, 32),
            r.households,
            r.persons
        );
    }
    outln!(
        "  {:<14} {:<32} {:>12} {:>12}",
        ctx.t("jumlah", "total"),
        "",
        households,
        p.eligible_persons
    );
    let affordable = p.households_budget_covers;
    outln!(
        "  {}: {} × {} = {}; {} {} ({} {} {})",
        ctx.t("Biaya per siklus", "Cost per cycle"),
        households,
        rupiah(p.rupiah_per_household),
        rupiah(p.cost),
        ctx.t("anggaran", "budget"),
        rupiah(p.budget_per_cycle),
        ctx.t("cukup untuk", "enough for"),
        affordable.min(households),
        ctx.t("keluarga", "households")
    );
    if households == 0 {
        outln!(
            "  {}",
            ctx.t(
                "Tidak ada keluarga yang memenuhi aturan ini di wilayah program.",
                "No household meets this rule in the programme's area."
            )
        );
    } else if households > affordable {
        outln!(
            "  {} {} {}",
            ctx.t(
                "Anggaran tidak mencukupi semua yang layak:",
                "The budget does not reach everyone eligible:"
            ),
            households - affordable,
            ctx.t(
                "keluarga akan tersisih menurut urutan prioritas",
                "households would be left out by the priority order"
            )
        );
    }
    outln!(
        "  ({} {:.0} ms; {} {}, snapshot {})",
        ctx.t("dihitung dalam", "computed in"),
        p.seconds * 1000.0,
        ctx.t("peringkat", "ranking"),
        p.ranking,
        &p.snapshot[..12]
    );
    Ok(())
}

fn render_frozen(ctx: &Context, f: &Frozen) -> Result<()> {
    warn_stale(ctx, f.stale);
    show_rule_warnings(ctx, None, &f.warnings);
    if ctx.json {
        outln!("{}", serde_json::to_string(f).expect("serializes"));
        return Ok(());
    }
    let cut = &f.cut;
    let cycle = f.cycle;
    ctx.say(format!(
        "{} {} {} {cycle}: {} {} {} {}, {} {}, {} {} ({} {}).",
        ctx.t("Penetapan", "Selection"),
        f.selection,
        ctx.t("dibekukan untuk siklus", "frozen for cycle"),
        f.selected,
        ctx.t("dari", "of"),
        f.eligible,
        ctx.t("keluarga layak", "eligible households"),
        f.persons,
        ctx.t("jiwa", "persons"),
        ctx.t("biaya", "cost"),
        rupiah(f.cost),
        ctx.t("anggaran", "budget"),
        rupiah(f.budget)
    ));
    if cut.left_out_budget > 0 {
        ctx.say(format!(
            "  {} {} ({} {}, desil {}); {} {} {}",
            ctx.t(
                "Anggaran habis setelah urutan",
                "The budget ran out after position"
            ),
            cut.last_selected_position.unwrap_or(0),
            ctx.t("skor", "score"),
            cut.last_selected_score
                .map(|s| format!("{s:.3}"))
                .unwrap_or_default(),
            cut.last_selected_desil.unwrap_or(0),
            cut.left_out_budget,
            ctx.t("keluarga layak tersisih", "eligible households left out"),
            ctx.t("karena anggaran", "for lack of money")
        ));
    }
    for (r, n) in &cut.full_quotas {
        ctx.say(format!(
            "  {} {r} ({n} {}) {}",
            ctx.t("Kuota", "Quota"),
            ctx.t("keluarga", "households"),
            ctx.t("terisi penuh", "was filled")
        ));
    }
    ctx.say(format!(
        "  {} {}. {}: {}",
        f.entitlements_proposed,
        ctx.t(
            "hak bantuan diusulkan (status: proposed)",
            "entitlements proposed (state: proposed)"
        ),
        ctx.t("hash isi", "content hash"),
        f.content_hash
    ));
    ctx.say(format!(
        "  {} `setara target --programme {} --cycle {cycle} --export FILE --excel`",
        ctx.t("Daftar untuk petugas lapangan:", "List for field teams:"),
        f.programme
    ));
    Ok(())
}

fn export(ctx: &Context, a: &TargetArgs, path: &Path) -> Result<()> {
    // Refused before any work: the store itself, an existing file without --force, a missing
    // directory.
    let store_path = ctx.app().data.store_path();
    let mut out = OutputFile::create(path, a.force, &[store_path.as_path()])?;
    let list = setara_app::targeting::beneficiaries(
        &ctx.app(),
        &ctx.caller(),
        &BeneficiariesRequest {
            programme: a.programme.clone(),
            cycle: a.cycle,
        },
    )?;
    let dialect = if a.excel {
        Dialect::Excel
    } else {
        Dialect::Plain
    };
    list.write_csv(out.writer(), dialect).map_err(|e| {
        Failure::failed(
            "export_write",
            format!("{}: {e}", show_path(path)),
            format!("{}: {e}", show_path(path)),
        )
    })?;
    out.commit()?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({ "programme": list.programme, "cycle": list.cycle, "households": list.rows.len(), "file": path.display().to_string(), "content_hash": list.content_hash })
        );
    } else {
        ctx.say(format!(
            "{} {} {} {} ({} {}, hash {})",
            list.rows.len(),
            ctx.t("keluarga ditulis ke", "households written to"),
            show_path(path),
            if a.excel { "(Excel)" } else { "" },
            ctx.t("siklus", "cycle"),
            list.cycle,
            &list.content_hash[..12]
        ));
    }
    Ok(())
}

fn render_comparison(ctx: &Context, c: &Comparison) -> Result<()> {
    warn_stale(ctx, c.stale);
    for (i, r) in c.alternatives.iter().enumerate() {
        show_rule_warnings(ctx, Some(&rule_label(ctx, i)), &r.warnings);
    }
    if ctx.json {
        outln!("{}", serde_json::to_string(c).expect("serializes"));
        return Ok(());
    }
    let pct = |r: &Rate| {
        r.rate
            .map(|x| format!("{:.1}%", 100.0 * x))
            .unwrap_or_else(|| "–".into())
    };
    outln!(
        "{} — {}",
        c.programme,
        setara_core::text::printable(&c.name)
    );
    for (i, r) in c.alternatives.iter().enumerate() {
        // One line: a rule's own line breaks and comments would break the table.
        let one = r.rule.split_whitespace().collect::<Vec<_>>().join(" ");
        outln!(
            "  [{}] {}: {}",
            i + 1,
            rule_label(ctx, i),
            setara_core::text::printable(&one)
        );
    }
    let row = |name: &str, f: &dyn Fn(&setara_app::targeting::ComparedRule) -> String| {
        let cells: Vec<String> = c
            .alternatives
            .iter()
            .map(|r| format!("{:>16}", f(r)))
            .collect();
        outln!("  {:<44}{}", name, cells.join(""));
    };
    let head: Vec<String> = (1..=c.alternatives.len())
        .map(|i| format!("{:>16}", format!("[{i}]")))
        .collect();
    outln!("  {:<44}{}", "", head.join(""));
    row(ctx.t("Keluarga layak", "Eligible households"), &|r| {
        r.eligible_households.to_string()
    });
    row(ctx.t("Jiwa layak", "Eligible persons"), &|r| {
        r.eligible_persons.to_string()
    });
    row(
        ctx.t("Biaya semua yang layak", "Cost of all eligible"),
        &|r| rupiah(r.cost_all_eligible),
    );
    row(
        ctx.t("Terpilih dalam anggaran", "Selected within budget"),
        &|r| r.selected_within_budget.to_string(),
    );
    row(
        ctx.t("Cakupan 40% termiskin", "Coverage of the poorest 40%"),
        &|r| pct(&r.accuracy.coverage_poorest_40),
    );
    outln!(
        "  {}",
        ctx.t(
            "Kesalahan penargetan (bentuk Alatas dkk. 2012, Tabel 3; atas kelayakan):",
            "Targeting errors (the form of Alatas et al. 2012, Table 3; of eligibility):"
        )
    );
    row(
        ctx.t("  Kesalahan, semua keluarga", "  Error, all households"),
        &|r| pct(&r.accuracy.error_all),
    );
    row(
        ctx.t(
            "  Inklusi, di antara yang tidak miskin",
            "  Inclusion error, among the non-poor",
        ),
        &|r| pct(&r.accuracy.inclusion_non_poor),
    );
    row(
        ctx.t(
            "  Eksklusi, di antara yang miskin",
            "  Exclusion error, among the poor",
        ),
        &|r| pct(&r.accuracy.exclusion_poor),
    );
    row(
        ctx.t(
            "  Eksklusi, di antara yang sangat miskin",
            "  Exclusion error, among the very poor",
        ),
        &|r| pct(&r.accuracy.exclusion_very_poor),
    );
    row(
        ctx.t(
            "  Keluarga miskin / sangat miskin",
            "  Poor / very poor households",
        ),
        &|r| {
            format!(
                "{}/{}",
                r.accuracy.exclusion_poor.households, r.accuracy.exclusion_very_poor.households
            )
        },
    );
    let source = match &c.truth {
        TruthSource::File { path } => path.clone(),
        TruthSource::Survey => ctx
            .t(
                "rumah tangga yang disurvei (berbobot)",
                "surveyed households (weighted)",
            )
            .to_string(),
    };
    outln!(
        "  {} {}; {} ({}), {} {:.0}% {}.",
        ctx.t("Kesejahteraan sebenarnya:", "True welfare:"),
        source,
        ctx.t(
            "miskin = di bawah garis kemiskinan provinsi BPS",
            "poor = below the BPS provincial poverty line"
        ),
        c.bps_period,
        ctx.t("sangat miskin = di bawah", "very poor = below"),
        100.0 * c.very_poor_share_of_line,
        ctx.t("garis itu", "of that line")
    );
    Ok(())
}
