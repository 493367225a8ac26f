//! `setara target`: preview a programme's rule over the ranked snapshot, select and freeze a
//! cycle's beneficiaries, compare alternative rules against true welfare, export a frozen list.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{ArgGroup, Args};
use setara_core::{Bps, Kk, Level, RegionCode, Regions};
use setara_registry::writer::{Dialect, csv_writer};
use setara_rules::{Bitmap, Rule, count_persons};
use setara_snapshot::Column;
use setara_store::{NewSelection, SelectionMember};
use setara_targeting::{Known, ListHeader, cut_of, rupiah};

use crate::context::{Context, show_path};
use crate::failure::{Failure, Kind, Result};
use crate::output::OutputFile;
use crate::targeting::{
    Loaded, Ranked, RuleInputs, compile_in_area, eligible, kk_rows, load_programme, load_ranking,
    rule_failure, run_selection, show_warnings, uses_receives, warnings_json,
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

/// `households × benefit`, or an error: money is never a wrapped number.
fn cost_of(households: u64, benefit: i64) -> Result<i64> {
    i64::try_from(households)
        .ok()
        .and_then(|h| h.checked_mul(benefit))
        .ok_or_else(|| {
            Failure::invalid(
                "money_overflow",
                format!(
                    "biaya {households} keluarga × {} terlalu besar untuk dihitung",
                    rupiah(benefit)
                ),
                format!(
                    "the cost of {households} households × {} is too large to count",
                    rupiah(benefit)
                ),
            )
        })
}

/// The grouping level one below the area (provinces for a national programme).
fn child_level(area: Option<RegionCode>) -> Level {
    match area.map(|a| a.level()) {
        None => Level::Province,
        Some(Level::Province) => Level::Regency,
        Some(Level::Regency) => Level::District,
        Some(_) => Level::Village,
    }
}

/// The region of household row `h` at `level`.
fn region_at(ranked: &Ranked, h: usize, level: Level) -> RegionCode {
    RegionCode::from_key(ranked.snapshot.region().value(h))
        .expect("snapshot regions")
        .ancestor_or_self(level)
}

fn region_name(r: RegionCode) -> String {
    Regions::kemendagri_2025()
        .get(r)
        .map(|x| x.name.to_string())
        .unwrap_or_default()
}

pub fn run(ctx: &Context, a: TargetArgs) -> Result<()> {
    if let Some(path) = &a.export {
        return export(ctx, &a, path);
    }
    let started = Instant::now();
    let mut a = a;
    for path in std::mem::take(&mut a.compare_file) {
        a.compare.push(crate::targeting::read_rule_file(&path)?);
    }
    let store = ctx.open_store()?;
    let loaded = load_programme(store.as_ref(), &a.programme)?;
    let ranked = load_ranking(ctx, store.as_ref())?;
    let rules_text: Vec<&str> = std::iter::once(loaded.checked.programme.rule.as_str())
        .chain(a.compare.iter().map(String::as_str))
        .collect();
    let inputs = RuleInputs::new(
        store.as_ref(),
        &ranked,
        rules_text.iter().any(|r| uses_receives(r)),
    )?;
    let codes = inputs.codes();
    let own = &loaded.checked.programme.rule;
    let rule = compile_in_area(own, loaded.checked.area, &codes)?;
    if a.preview || a.select {
        show_warnings(ctx, None, own, rule.warnings());
    }
    if a.preview {
        let bits = eligible(&rule, &inputs, &ranked)?;
        return preview(ctx, &loaded, &ranked, &bits, &rule, started);
    }
    if a.select {
        drop(store);
        return select_and_freeze(ctx, &a, &loaded, &ranked, &rule, &inputs);
    }
    compare(ctx, &a, &loaded, &ranked, &inputs, &codes)
}

fn preview(
    ctx: &Context,
    loaded: &Loaded,
    ranked: &Ranked,
    bits: &Bitmap,
    rule: &Rule,
    started: Instant,
) -> Result<()> {
    let p = &loaded.checked.programme;
    let level = child_level(loaded.checked.area);
    let members = ranked.snapshot.members().values();
    let mut by_region: BTreeMap<u64, (RegionCode, u64, u64)> = BTreeMap::new();
    for h in bits.iter_ones() {
        let r = region_at(ranked, h, level);
        let e = by_region.entry(r.key()).or_insert((r, 0, 0));
        e.1 += 1;
        e.2 += members[h] as u64;
    }
    let households = bits.count_ones() as u64;
    let persons = count_persons(bits, &ranked.snapshot);
    let benefit = loaded.checked.rupiah_per_household;
    let cost = cost_of(households, benefit)?;
    // Both between 1 and the money ceiling: a quotient of positive numbers.
    let affordable = (p.budget_per_cycle / benefit) as u64;
    let elapsed = started.elapsed();
    if ctx.json {
        let regions: Vec<_> = by_region
            .values()
            .map(|(r, h, n)| serde_json::json!({ "region": r.to_string(), "name": region_name(*r), "households": h, "persons": n }))
            .collect();
        outln!(
            "{}",
            serde_json::json!({
                "programme": p.code, "rule": p.rule, "area": p.area,
                "ranking": ranked.info.id, "snapshot": ranked.info.snapshot,
                "eligible_households": households, "eligible_persons": persons,
                "rupiah_per_household": benefit, "cost": cost, "budget_per_cycle": p.budget_per_cycle,
                "households_budget_covers": affordable, "regions": regions,
                "warnings": warnings_json(ctx, None, rule.warnings()),
                "seconds": elapsed.as_secs_f64(),
            })
        );
        return Ok(());
    }
    outln!("{} — {}", p.code, setara_core::text::printable(&p.name));
    let rule_lines: Vec<&str> = p.rule.trim().lines().collect();
    if rule_lines.len() <= 1 {
        outln!(
            "  {}: {}",
            ctx.t("Aturan", "Rule"),
            setara_core::text::printable(p.rule.trim())
        );
    } else {
        // Indented under the heading, so that no line of the rule passes for another row.
        outln!("  {}:", ctx.t("Aturan", "Rule"));
        for l in rule_lines {
            outln!("    | {}", setara_core::text::printable(l.trim_end()));
        }
    }
    outln!(
        "  {:<14} {:<32} {:>12} {:>12}",
        ctx.t("wilayah", "region"),
        ctx.t("nama", "name"),
        ctx.t("keluarga", "households"),
        ctx.t("jiwa", "persons")
    );
    for (r, h, n) in by_region.values() {
        outln!(
            "  {:<14} {:<32} {:>12} {:>12}",
            r.to_string(),
            truncate(&region_name(*r), 32),
            h,
            n
        );
    }
    outln!(
        "  {:<14} {:<32} {:>12} {:>12}",
        ctx.t("jumlah", "total"),
        "",
        households,
        persons
    );
    outln!(
        "  {}: {} × {} = {}; {} {} ({} {} {})",
        ctx.t("Biaya per siklus", "Cost per cycle"),
        households,
        rupiah(benefit),
        rupiah(cost),
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
        elapsed.as_secs_f64() * 1000.0,
        ctx.t("peringkat", "ranking"),
        ranked.info.id,
        &ranked.info.snapshot[..12]
    );
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    } else {
        s.to_string()
    }
}

/// The content hash of a frozen list ([`setara_targeting::content_hash`]) as the store keeps it
/// beside the selection: of the same list when frozen and when exported.
pub fn content_hash(sel: &NewSelection, version: u32, members: &[SelectionMember]) -> String {
    setara_targeting::content_hash(
        &ListHeader {
            programme: &sel.programme,
            version,
            cycle: sel.cycle,
            snapshot: &sel.snapshot,
            ranking_run: sel.ranking_run,
            rule: &sel.rule,
        },
        members,
    )
}

fn select_and_freeze(
    ctx: &Context,
    a: &TargetArgs,
    loaded: &Loaded,
    ranked: &Ranked,
    rule: &Rule,
    inputs: &RuleInputs,
) -> Result<()> {
    let p = &loaded.checked.programme;
    let mut store = ctx.open_store()?;
    let frozen = store.selections(&p.code)?;
    let cycle = match a.cycle {
        Some(c) => c,
        None => frozen.iter().map(|s| s.cycle).max().unwrap_or(0) + 1,
    };
    if cycle == 0 || cycle > p.cycles {
        return Err(Failure::invalid(
            "cycle_out_of_range",
            format!(
                "program {} memiliki siklus 1–{}; siklus {cycle} tidak ada",
                p.code, p.cycles
            ),
            format!(
                "programme {} has cycles 1–{}; there is no cycle {cycle}",
                p.code, p.cycles
            ),
        ));
    }
    let bits = eligible(rule, inputs, ranked)?;
    if bits.count_ones() == 0 {
        return Err(Failure::invalid(
            "selection_empty",
            format!(
                "tidak ada keluarga yang memenuhi aturan program {} di wilayahnya; tidak ada yang dibekukan",
                p.code
            ),
            format!(
                "no household meets programme {}'s rule in its area; nothing was frozen",
                p.code
            ),
        ));
    }
    let selection = run_selection(&loaded.checked, ranked, &bits)?;
    let cut = cut_of(&loaded.checked, &selection);
    let region = ranked.snapshot.region().values();
    let members_col = ranked.snapshot.members().values();
    let members: Vec<SelectionMember> = selection
        .selected()
        .map(|(i, c)| SelectionMember {
            position: i as u32 + 1,
            kk: Kk::from_u64(c.kk).expect("snapshot KKs are valid"),
            region: RegionCode::from_key(region[c.row as usize])
                .expect("snapshot regions")
                .to_string(),
            members: members_col[c.row as usize],
            desil: c.desil,
            score: c.score,
            amount: selection.benefit,
        })
        .collect();
    let persons: u64 = members.iter().map(|m| m.members as u64).sum();
    let mut new = NewSelection {
        programme: p.code.clone(),
        programme_version: loaded.stored.version,
        cycle,
        snapshot: ranked.info.snapshot.clone(),
        ranking_run: ranked.info.id,
        rule: p.rule.clone(),
        actor: ctx.actor.clone(),
        eligible: selection.ranked.len() as u64,
        persons,
        cost: selection.cost,
        budget: p.budget_per_cycle,
        cut: Some(serde_json::to_string(&cut).expect("serializes")),
        content_hash: String::new(),
    };
    new.content_hash = content_hash(&new, loaded.stored.version, &members);
    let id = store.freeze_selection(&new, &members)?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({
                "selection": id, "programme": p.code, "cycle": cycle,
                "eligible": new.eligible, "selected": members.len(), "persons": persons,
                "cost": new.cost, "budget": new.budget, "content_hash": new.content_hash,
                "cut": cut, "entitlements_proposed": members.len(),
                "warnings": warnings_json(ctx, None, rule.warnings()),
            })
        );
        return Ok(());
    }
    ctx.say(format!(
        "{} {} {} {cycle}: {} {} {} {}, {} {}, {} {} ({} {}).",
        ctx.t("Penetapan", "Selection"),
        id,
        ctx.t("dibekukan untuk siklus", "frozen for cycle"),
        members.len(),
        ctx.t("dari", "of"),
        new.eligible,
        ctx.t("keluarga layak", "eligible households"),
        persons,
        ctx.t("jiwa", "persons"),
        ctx.t("biaya", "cost"),
        rupiah(new.cost),
        ctx.t("anggaran", "budget"),
        rupiah(new.budget)
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
        members.len(),
        ctx.t(
            "hak bantuan diusulkan (status: proposed)",
            "entitlements proposed (state: proposed)"
        ),
        ctx.t("hash isi", "content hash"),
        new.content_hash
    ));
    ctx.say(format!(
        "  {} `setara target --programme {} --cycle {cycle} --export FILE --excel`",
        ctx.t("Daftar untuk petugas lapangan:", "List for field teams:"),
        p.code
    ));
    Ok(())
}

fn export(ctx: &Context, a: &TargetArgs, path: &Path) -> Result<()> {
    // Refused before any work: the store itself, an existing file without --force, a missing
    // directory.
    let store_path = ctx.store_path();
    let mut out = OutputFile::create(path, a.force, &[store_path.as_path()])?;
    let mut store = ctx.open_store()?;
    let frozen = store.selections(&a.programme)?;
    if store.programme(&a.programme)?.is_none() {
        return Err(setara_store::StoreError::ProgrammeNotFound(a.programme.clone()).into());
    }
    let cycle = match a.cycle {
        Some(c) => c,
        None => frozen.iter().map(|s| s.cycle).max().ok_or_else(|| {
            Failure::invalid(
                "selection_missing",
                format!(
                    "program {} belum memiliki daftar yang dibekukan; jalankan `setara target --programme {} --select`",
                    a.programme, a.programme
                ),
                format!(
                    "programme {} has no frozen list yet; run `setara target --programme {} --select`",
                    a.programme, a.programme
                ),
            )
        })?,
    };
    let (info, members) = store.selection(&a.programme, cycle)?.ok_or_else(|| {
        Failure::invalid(
            "selection_missing",
            format!("siklus {cycle} program {} belum dibekukan", a.programme),
            format!("cycle {cycle} of programme {} is not frozen", a.programme),
        )
    })?;
    // The frozen list is what was decided: check it has not been altered since.
    let check = NewSelection {
        programme: info.programme.clone(),
        programme_version: info.programme_version,
        cycle: info.cycle,
        snapshot: info.snapshot.clone(),
        ranking_run: info.ranking_run,
        rule: info.rule.clone(),
        actor: ctx.actor.clone(),
        eligible: info.eligible,
        persons: info.persons,
        cost: info.cost,
        budget: info.budget,
        cut: None,
        content_hash: String::new(),
    };
    let hash = content_hash(&check, info.programme_version, &members);
    if hash != info.content_hash {
        return Err(Failure::failed(
            "selection_altered",
            format!(
                "daftar siklus {cycle} tidak cocok dengan hash isinya ({} ≠ {}): data tersimpan telah diubah",
                &hash[..12],
                &info.content_hash[..12]
            ),
            format!(
                "the list of cycle {cycle} does not match its content hash ({} ≠ {}): the stored data was altered",
                &hash[..12],
                &info.content_hash[..12]
            ),
        ));
    }
    let dialect = if a.excel {
        Dialect::Excel
    } else {
        Dialect::Plain
    };
    let mut w = csv_writer(out.writer(), dialect).map_err(|e| Failure::io(path, &e))?;
    let io = |e: csv::Error| {
        Failure::failed(
            "export_write",
            format!("{}: {e}", show_path(path)),
            format!("{}: {e}", show_path(path)),
        )
    };
    w.write_record([
        "urutan",
        "kk",
        "kepala_keluarga",
        "alamat",
        "rt",
        "rw",
        "kode_wilayah",
        "desa_kelurahan",
        "anggota",
        "desil",
        "nilai_rupiah",
        "program",
        "siklus",
    ])
    .map_err(io)?;
    for m in &members {
        // Names and addresses come from the registry as it is now; the list itself does not
        // change. Every read of them is written to the access log.
        let record = store.household(m.kk)?;
        store.record_access(&ctx.actor, "export_beneficiaries", m.kk)?;
        let (head, address, rt, rw) = record
            .map(|r| {
                let head = r
                    .members
                    .iter()
                    .find(|(p, ..)| p.relation == setara_core::Relation::Head)
                    .map(|(p, ..)| p.name.clone())
                    .unwrap_or_default();
                (
                    head,
                    r.household.address.clone().unwrap_or_default(),
                    r.household.rt.map(|x| x.to_string()).unwrap_or_default(),
                    r.household.rw.map(|x| x.to_string()).unwrap_or_default(),
                )
            })
            .unwrap_or_default();
        let village = RegionCode::parse(&m.region)
            .map(region_name)
            .unwrap_or_default();
        w.write_record([
            m.position.to_string(),
            m.kk.to_string(),
            head,
            address,
            rt,
            rw,
            m.region.clone(),
            village,
            m.members.to_string(),
            m.desil.to_string(),
            m.amount.to_string(),
            info.programme.clone(),
            info.cycle.to_string(),
        ])
        .map_err(io)?;
    }
    w.flush().map_err(|e| Failure::io(path, &e))?;
    drop(w);
    out.commit()?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({ "programme": info.programme, "cycle": cycle, "households": members.len(), "file": path.display().to_string(), "content_hash": info.content_hash })
        );
    } else {
        ctx.say(format!(
            "{} {} {} {} ({} {}, hash {})",
            members.len(),
            ctx.t("keluarga ditulis ke", "households written to"),
            show_path(path),
            if a.excel { "(Excel)" } else { "" },
            ctx.t("siklus", "cycle"),
            cycle,
            &info.content_hash[..12]
        ));
    }
    Ok(())
}

/// True consumption per household row, with a weight: from a truth file, or the surveyed
/// households.
struct Truth {
    consumption: Vec<Option<i64>>,
    weight: Vec<f64>,
    source: String,
}

fn load_truth(ctx: &Context, a: &TargetArgs, ranked: &Ranked) -> Result<Truth> {
    let n = ranked.snapshot.household_count();
    let default = ctx.data_dir.join("input/truth/households.csv");
    let path = a
        .truth
        .clone()
        .or_else(|| default.exists().then_some(default));
    if let Some(path) = path {
        let rows = kk_rows(&ranked.snapshot);
        let mut consumption = vec![None; n];
        // A line that never ends is an error naming the line, not a full memory.
        let file = std::fs::File::open(&path).map_err(|e| Failure::io(&path, &e))?;
        let mut r = csv::Reader::from_reader(setara_registry::limits::LineLimit::new(
            std::io::BufReader::new(file),
            setara_registry::limits::MAX_LINE_BYTES,
        ));
        let headers = r
            .headers()
            .map_err(|e| Failure::invalid("truth_unreadable", e.to_string(), e.to_string()))?
            .clone();
        let col = |name: &str| {
            headers.iter().position(|h| h == name).ok_or_else(|| {
                Failure::invalid(
                    "truth_column_missing",
                    format!("{}: kolom {name} tidak ada", show_path(&path)),
                    format!("{}: no column {name}", show_path(&path)),
                )
            })
        };
        let (kk_col, c_col) = (col("kk")?, col("consumption_per_capita")?);
        for (i, rec) in r.records().enumerate() {
            let rec = rec
                .map_err(|e| Failure::invalid("truth_unreadable", e.to_string(), e.to_string()))?;
            let bad = || {
                Failure::invalid(
                    "truth_bad_row",
                    format!(
                        "{} baris {}: kk atau konsumsi tidak sah",
                        show_path(&path),
                        i + 2
                    ),
                    format!("{} row {}: bad kk or consumption", show_path(&path), i + 2),
                )
            };
            let kk: u64 = rec[kk_col].trim().parse().map_err(|_| bad())?;
            let c: i64 = rec[c_col].trim().parse().map_err(|_| bad())?;
            if let Some(&row) = rows.get(&kk) {
                consumption[row as usize] = Some(c);
            }
        }
        return Ok(Truth {
            consumption,
            weight: vec![1.0; n],
            source: show_path(&path),
        });
    }
    let c = ranked.snapshot.consumption();
    let w = ranked.snapshot.survey_weight();
    Ok(Truth {
        consumption: (0..n).map(|h| c.get(h)).collect(),
        weight: (0..n).map(|h| w.get(h).unwrap_or(0.0)).collect(),
        source: ctx
            .t(
                "rumah tangga yang disurvei (berbobot)",
                "surveyed households (weighted)",
            )
            .to_string(),
    })
}

fn compare(
    ctx: &Context,
    a: &TargetArgs,
    loaded: &Loaded,
    ranked: &Ranked,
    inputs: &RuleInputs,
    codes: &[String],
) -> Result<()> {
    if !(a.very_poor > 0.0 && a.very_poor <= 1.0) {
        return Err(Failure::new(
            Kind::Usage,
            "compare_bad_very_poor",
            "--very-poor harus di antara 0 dan 1",
            "--very-poor must be between 0 and 1",
        ));
    }
    let p = &loaded.checked.programme;
    // Every rule is checked before anything is computed: a bad alternative fails at once, and
    // every warning is shown.
    let mut alternatives = vec![(
        ctx.t("aturan program", "programme rule").to_string(),
        p.rule.clone(),
    )];
    for (i, r) in a.compare.iter().enumerate() {
        alternatives.push((
            format!("{} {}", ctx.t("alternatif", "alternative"), i + 1),
            r.clone(),
        ));
    }
    let mut compiled = Vec::with_capacity(alternatives.len());
    let mut all_warnings = Vec::new();
    for (label, text) in &alternatives {
        let rule = compile_in_area(text, loaded.checked.area, codes)?;
        show_warnings(ctx, Some(label), text, rule.warnings());
        all_warnings.extend(warnings_json(ctx, Some(label), rule.warnings()));
        compiled.push(rule);
    }
    let truth = load_truth(ctx, a, ranked)?;
    let bps = Bps::shipped();
    if bps.national(&a.bps_period).is_none() {
        return Err(Failure::invalid(
            "bps_period_unknown",
            format!(
                "periode BPS {} tidak tersedia; pilihan: {}",
                a.bps_period,
                bps.periods().join(", ")
            ),
            format!(
                "BPS period {} is not available; valid: {}",
                a.bps_period,
                bps.periods().join(", ")
            ),
        ));
    }
    let mut lines: HashMap<u8, i64> = HashMap::new();
    let national_line = bps
        .national(&a.bps_period)
        .and_then(|s| s.poverty_line)
        .unwrap_or(0);
    let province = ranked.snapshot.province().values();
    let members = ranked.snapshot.members().values();
    // The population the programme targets: its area.
    let area_bits = match loaded.checked.area {
        Some(area) => compile_in_area("true", Some(area), codes)?
            .evaluate(&inputs.inputs(ranked))
            .map_err(|e| rule_failure("true", &e))?,
        None => Bitmap::full(ranked.snapshot.household_count()),
    };
    let benefit = loaded.checked.rupiah_per_household;
    let mut results = Vec::new();
    for ((label, text), rule) in alternatives.iter().zip(&compiled) {
        let bits = eligible(rule, inputs, ranked)?;
        let selection = run_selection(&loaded.checked, ranked, &bits)?;
        let mut known = Vec::new();
        for h in area_bits.iter_ones() {
            let Some(c) = truth.consumption[h] else {
                continue;
            };
            if truth.weight[h] <= 0.0 {
                continue;
            }
            let line = *lines.entry(province[h]).or_insert_with(|| {
                RegionCode::parse(&format!("{:02}", province[h]))
                    .ok()
                    .and_then(|r| bps.province(r, &a.bps_period))
                    .and_then(|s| s.poverty_line)
                    .unwrap_or(national_line)
            });
            known.push(Known {
                selected: bits.get(h),
                consumption: c,
                line,
                persons: members[h] as u32,
                weight: truth.weight[h],
            });
        }
        let acc = setara_targeting::accuracy(&known, a.very_poor);
        let households = bits.count_ones() as u64;
        results.push(serde_json::json!({
            "label": label,
            "rule": text,
            "eligible_households": households,
            "eligible_persons": count_persons(&bits, &ranked.snapshot),
            "cost_all_eligible": cost_of(households, benefit)?,
            "selected_within_budget": selection.selected,
            "cost_selected": selection.cost,
            "households_with_truth": known.len(),
            "accuracy": acc,
            "warnings": warnings_json(ctx, None, rule.warnings()),
        }));
    }
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({
                "programme": p.code, "budget_per_cycle": p.budget_per_cycle,
                "rupiah_per_household": benefit, "truth": truth.source,
                "bps_period": a.bps_period, "very_poor_share_of_line": a.very_poor,
                "alternatives": results, "warnings": all_warnings,
            })
        );
        return Ok(());
    }
    let pct = |v: &serde_json::Value| {
        v.as_f64()
            .map(|x| format!("{:.1}%", 100.0 * x))
            .unwrap_or_else(|| "–".into())
    };
    outln!("{} — {}", p.code, setara_core::text::printable(&p.name));
    for (i, (label, text)) in alternatives.iter().enumerate() {
        // One line: a rule's own line breaks and comments would break the table.
        let one = text.split_whitespace().collect::<Vec<_>>().join(" ");
        outln!(
            "  [{}] {label}: {}",
            i + 1,
            setara_core::text::printable(&one)
        );
    }
    let row = |name: &str, f: &dyn Fn(&serde_json::Value) -> String| {
        let cells: Vec<String> = results.iter().map(|r| format!("{:>16}", f(r))).collect();
        outln!("  {:<44}{}", name, cells.join(""));
    };
    let head: Vec<String> = (1..=results.len())
        .map(|i| format!("{:>16}", format!("[{i}]")))
        .collect();
    outln!("  {:<44}{}", "", head.join(""));
    row(ctx.t("Keluarga layak", "Eligible households"), &|r| {
        r["eligible_households"].to_string()
    });
    row(ctx.t("Jiwa layak", "Eligible persons"), &|r| {
        r["eligible_persons"].to_string()
    });
    row(
        ctx.t("Biaya semua yang layak", "Cost of all eligible"),
        &|r| rupiah(r["cost_all_eligible"].as_i64().unwrap_or(0)),
    );
    row(
        ctx.t("Terpilih dalam anggaran", "Selected within budget"),
        &|r| r["selected_within_budget"].to_string(),
    );
    row(
        ctx.t("Cakupan 40% termiskin", "Coverage of the poorest 40%"),
        &|r| pct(&r["accuracy"]["coverage_poorest_40"]["rate"]),
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
        &|r| pct(&r["accuracy"]["error_all"]["rate"]),
    );
    row(
        ctx.t(
            "  Inklusi, di antara yang tidak miskin",
            "  Inclusion error, among the non-poor",
        ),
        &|r| pct(&r["accuracy"]["inclusion_non_poor"]["rate"]),
    );
    row(
        ctx.t(
            "  Eksklusi, di antara yang miskin",
            "  Exclusion error, among the poor",
        ),
        &|r| pct(&r["accuracy"]["exclusion_poor"]["rate"]),
    );
    row(
        ctx.t(
            "  Eksklusi, di antara yang sangat miskin",
            "  Exclusion error, among the very poor",
        ),
        &|r| pct(&r["accuracy"]["exclusion_very_poor"]["rate"]),
    );
    row(
        ctx.t(
            "  Keluarga miskin / sangat miskin",
            "  Poor / very poor households",
        ),
        &|r| {
            format!(
                "{}/{}",
                r["accuracy"]["exclusion_poor"]["households"],
                r["accuracy"]["exclusion_very_poor"]["households"]
            )
        },
    );
    outln!(
        "  {} {}; {} ({}), {} {:.0}% {}.",
        ctx.t("Kesejahteraan sebenarnya:", "True welfare:"),
        truth.source,
        ctx.t(
            "miskin = di bawah garis kemiskinan provinsi BPS",
            "poor = below the BPS provincial poverty line"
        ),
        a.bps_period,
        ctx.t("sangat miskin = di bawah", "very poor = below"),
        100.0 * a.very_poor,
        ctx.t("garis itu", "of that line")
    );
    Ok(())
}
