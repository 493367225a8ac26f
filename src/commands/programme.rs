//! `setara programme`: create, edit (a new version with who and why), show and list programmes.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use setara_app::model::MAX_PROGRAMME_BYTES;
use setara_app::model::Programme;
use setara_app::model::SaveMode;
use setara_app::programme::Changes;
use setara_core::Localized;
use setara_core::number::rupiah;
use setara_core::text::printable;

use crate::context::{Context, show_path};
use crate::failure::{Failure, Result};

#[derive(Debug, Subcommand)]
pub enum ProgrammeCommand {
    /// Create a programme from a TOML file (docs/programmes.md) or from flags.
    Create(CreateArgs),
    /// Change a programme: a new version, recorded with who, when and why.
    Edit(EditArgs),
    /// Show a programme: owner, partners, canvas, benefit, budget, quotas, rule, versions.
    Show(ShowArgs),
    /// List the programmes.
    List,
}

/// Fields that can be given as flags, on create and on edit.
#[derive(Debug, Args, Default)]
pub struct Fields {
    /// Programme name.
    #[arg(long)]
    pub name: Option<String>,
    /// Owner organisation: its code.
    #[arg(long)]
    pub owner_code: Option<String>,
    /// Owner organisation: its name.
    #[arg(long)]
    pub owner_name: Option<String>,
    /// Owner organisation: government, csr, social_enterprise, campus, ngo or community.
    #[arg(long)]
    pub owner_type: Option<String>,
    /// Region subtree served, e.g. 32.04.
    #[arg(long)]
    pub area: Option<String>,
    /// Cash benefit: rupiah per household per cycle.
    #[arg(long, conflicts_with = "in_kind")]
    pub benefit: Option<i64>,
    /// In-kind benefit: ITEM:UNITS:UNIT_VALUE, e.g. "Beras 10 kg:2:140000".
    #[arg(long)]
    pub in_kind: Option<String>,
    /// Budget per cycle, rupiah.
    #[arg(long)]
    pub budget: Option<i64>,
    /// Number of cycles.
    #[arg(long)]
    pub cycles: Option<u32>,
    /// Eligibility rule (docs/rules.md).
    #[arg(long, conflicts_with = "rule_file")]
    pub rule: Option<String>,
    /// Read the eligibility rule from this file (UTF-8 text, at most 64 KiB).
    #[arg(long, value_name = "FILE")]
    pub rule_file: Option<PathBuf>,
    /// Priority order, comma-separated: desil, score, vulnerability, members.
    #[arg(long)]
    pub priority: Option<String>,
    /// Quota REGION=HOUSEHOLDS (repeatable; replaces the quotas).
    #[arg(long = "quota")]
    pub quotas: Vec<String>,
    /// Remove all quotas.
    #[arg(long)]
    pub clear_quotas: bool,
    /// Partner CODE:TYPE:ROLE[:CONTRIBUTION_PER_CYCLE]:NAME (repeatable; adds a partner).
    #[arg(long = "partner")]
    pub partners: Vec<String>,
    /// Remove the partner with this code (repeatable).
    #[arg(long = "remove-partner")]
    pub remove_partners: Vec<String>,
    /// Business Model Canvas block BLOCK=TEXT (repeatable), e.g. value_propositions="…".
    #[arg(long = "canvas")]
    pub canvas: Vec<String>,
    /// Description.
    #[arg(long)]
    pub description: Option<String>,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Programme file (TOML). Flags given too override its fields.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Programme code (with flags, not with --file).
    #[arg(long)]
    pub code: Option<String>,
    #[command(flatten)]
    pub fields: Fields,
    /// Why the programme is created (recorded with version 1).
    #[arg(long, default_value = "created")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Programme code.
    pub programme: String,
    /// The whole new definition (TOML); its code must be the same.
    #[arg(long)]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub fields: Fields,
    /// Why (required): recorded with the new version.
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Programme code.
    pub programme: String,
    /// Every version with who, when, why and what changed.
    #[arg(long)]
    pub history: bool,
    /// Print the definition as TOML (the format `create --file` reads).
    #[arg(long)]
    pub toml: bool,
}

fn bad(code: &'static str, id: String, en: String) -> Failure {
    Failure::invalid(code, id, en)
}

/// Read a programme file: at most [`MAX_PROGRAMME_BYTES`] of UTF-8 TOML. Every problem with
/// its content is invalid input (exit 1) naming the file.
fn read_toml(path: &std::path::Path) -> Result<Programme> {
    let text = crate::input::read_text(
        path,
        &crate::input::SmallFile {
            max: MAX_PROGRAMME_BYTES,
            what: ("berkas program", "programme file"),
            directory: "programme_file_is_directory",
            too_large: "programme_file_too_large",
            not_utf8: "programme_not_utf8",
        },
    )?;
    Programme::from_toml(&text).map_err(|e| {
        bad(
            e.code(),
            format!("{}: {}", show_path(path), e.message(setara_core::Lang::Id)),
            format!("{}: {}", show_path(path), e.message(setara_core::Lang::En)),
        )
    })
}

/// The flags as the application layer's changes (a rule file read into the rule).
fn changes(f: &Fields) -> Result<Changes> {
    let rule = match &f.rule_file {
        Some(path) => Some(crate::targeting::read_rule_file(path)?),
        None => f.rule.clone(),
    };
    Ok(Changes {
        name: f.name.clone(),
        description: f.description.clone(),
        owner_code: f.owner_code.clone(),
        owner_name: f.owner_name.clone(),
        owner_type: f.owner_type.clone(),
        area: f.area.clone(),
        benefit: f.benefit,
        in_kind: f.in_kind.clone(),
        budget: f.budget,
        cycles: f.cycles,
        rule,
        priority: f.priority.clone(),
        quotas: f.quotas.clone(),
        clear_quotas: f.clear_quotas,
        partners: f.partners.clone(),
        remove_partners: f.remove_partners.clone(),
        canvas: f.canvas.clone(),
    })
}

/// Save a programme through the application layer; the rule's warnings are shown on stderr,
/// and with `--json` the result is printed here.
fn save(
    ctx: &Context,
    p: &Programme,
    reason: &str,
    mode: SaveMode,
) -> Result<setara_app::programme::Saved> {
    let saved = setara_app::programme::save(&ctx.app(), &ctx.caller(), p, reason, mode)?;
    crate::targeting::show_rule_warnings(ctx, None, &saved.warnings);
    if ctx.json {
        outln!("{}", serde_json::to_string(&saved).expect("serializes"));
    }
    Ok(saved)
}

pub fn run(ctx: &Context, c: ProgrammeCommand) -> Result<()> {
    match c {
        ProgrammeCommand::Create(a) => create(ctx, a),
        ProgrammeCommand::Edit(a) => edit(ctx, a),
        ProgrammeCommand::Show(a) => show(ctx, a),
        ProgrammeCommand::List => list(ctx),
    }
}

fn create(ctx: &Context, a: CreateArgs) -> Result<()> {
    let mut p = match (&a.file, &a.code) {
        (Some(path), None) => read_toml(path)?,
        (Some(_), Some(_)) => {
            return Err(bad(
                "programme_code_twice",
                "--code tidak dipakai bersama --file: kode ada di dalam berkas".into(),
                "--code is not used with --file: the code is in the file".into(),
            ));
        }
        (None, Some(code)) => {
            let missing: Vec<&str> = [
                ("--name", a.fields.name.is_none()),
                ("--owner-code", a.fields.owner_code.is_none()),
                ("--owner-name", a.fields.owner_name.is_none()),
                ("--owner-type", a.fields.owner_type.is_none()),
                ("--area", a.fields.area.is_none()),
                (
                    "--benefit/--in-kind",
                    a.fields.benefit.is_none() && a.fields.in_kind.is_none(),
                ),
                ("--budget", a.fields.budget.is_none()),
                ("--cycles", a.fields.cycles.is_none()),
                (
                    "--rule/--rule-file",
                    a.fields.rule.is_none() && a.fields.rule_file.is_none(),
                ),
            ]
            .into_iter()
            .filter_map(|(f, m)| m.then_some(f))
            .collect();
            if !missing.is_empty() {
                let m = missing.join(", ");
                return Err(Failure::new(
                    crate::failure::Kind::Usage,
                    "programme_flags_missing",
                    format!("tanpa --file, program memerlukan {m}"),
                    format!("without --file, a programme needs {m}"),
                ));
            }
            Programme::blank(code)
        }
        (None, None) => {
            return Err(Failure::new(
                crate::failure::Kind::Usage,
                "programme_no_definition",
                "berikan --file PROGRAM.toml, atau --code beserta opsi lainnya".to_string(),
                "give --file PROGRAMME.toml, or --code with the other flags".to_string(),
            ));
        }
    };
    setara_app::programme::apply(&mut p, &changes(&a.fields)?)?;
    let saved = save(ctx, &p, &a.reason, SaveMode::Create)?;
    if !ctx.json {
        ctx.say(format!(
            "{} {} ({}) {} {}",
            ctx.t("Program", "Programme"),
            p.code,
            p.name,
            ctx.t("dibuat, versi", "created, version"),
            saved.version
        ));
    }
    Ok(())
}

fn edit(ctx: &Context, a: EditArgs) -> Result<()> {
    if a.reason.trim().is_empty() {
        return Err(bad(
            "programme_reason_required",
            "setiap perubahan program wajib disertai alasan (--reason)".into(),
            "every programme change needs a reason (--reason)".into(),
        ));
    }
    setara_app::programme::check_reason(&a.reason)?;
    let current = setara_app::programme::get(&ctx.app(), &ctx.caller(), &a.programme)?;
    let mut p = match &a.file {
        Some(path) => {
            let p = read_toml(path)?;
            if p.code != a.programme {
                return Err(bad(
                    "programme_code_differs",
                    format!(
                        "berkas berisi program {}, bukan {}; kode program tidak dapat diubah",
                        p.code, a.programme
                    ),
                    format!(
                        "the file holds programme {}, not {}; a programme's code cannot change",
                        p.code, a.programme
                    ),
                ));
            }
            p
        }
        None => current.programme.clone(),
    };
    setara_app::programme::apply(&mut p, &changes(&a.fields)?)?;
    let saved = save(ctx, &p, &a.reason, SaveMode::Update)?;
    if !ctx.json {
        ctx.say(format!(
            "{} {} {} {}:",
            ctx.t("Program", "Programme"),
            p.code,
            ctx.t("sekarang versi", "is now version"),
            saved.version
        ));
        for c in &saved.changes {
            ctx.say(format!(
                "  {}: {} → {}",
                c.field,
                short(&c.old),
                short(&c.new)
            ));
        }
    }
    Ok(())
}

/// One line of at most 80 characters, control characters escaped.
fn short(s: &str) -> String {
    let one_line = s.replace('\n', " ");
    let one_line = printable(&one_line);
    if one_line.chars().count() > 80 {
        format!("{}…", one_line.chars().take(79).collect::<String>())
    } else {
        one_line.into_owned()
    }
}

/// Stored text as it is printed: escaped (text stored before the checks existed may hold
/// control characters).
fn text(s: &str) -> std::borrow::Cow<'_, str> {
    printable(s)
}

fn show(ctx: &Context, a: ShowArgs) -> Result<()> {
    let shown = setara_app::programme::show(&ctx.app(), &ctx.caller(), &a.programme, a.history)?;
    let (stored, history, selections) = (&shown.current, &shown.history, &shown.selections);
    let p = &stored.programme;
    if a.toml {
        out!("{}", p.to_toml());
        return Ok(());
    }
    if ctx.json {
        outln!("{}", serde_json::to_string(&shown).expect("serializes"));
        return Ok(());
    }
    let lang = ctx.lang;
    // A sum or product that does not fit is shown as such, never as a wrapped number.
    let money = |v: std::result::Result<i64, setara_app::model::ProgrammeError>| {
        v.map(rupiah).unwrap_or_else(|_| "–".into())
    };
    outln!("{} — {}", text(&p.code), text(&p.name));
    if !p.description.is_empty() {
        outln!("  {}", text(&p.description));
    }
    outln!(
        "  {}: {} ({}), {} {} {} {}",
        ctx.t("Pemilik", "Owner"),
        text(&p.owner.name),
        p.owner.org_type.label(lang),
        ctx.t("versi", "version"),
        stored.version,
        ctx.t("sejak", "since"),
        stored.updated_at
    );
    for partner in &p.partners {
        let money = partner
            .contribution_per_cycle
            .map(|c| format!(", {}/{}", rupiah(c), ctx.t("siklus", "cycle")))
            .unwrap_or_default();
        outln!(
            "  {}: {} ({}) — {}{money}",
            ctx.t("Mitra", "Partner"),
            text(&partner.name),
            partner.org_type.label(lang),
            partner.role.label(lang)
        );
    }
    outln!("  {}: {}", ctx.t("Wilayah", "Area"), text(&p.area));
    outln!(
        "  {}: {} {}",
        ctx.t("Manfaat", "Benefit"),
        text(&p.benefit.describe(lang)),
        ctx.t("per keluarga per siklus", "per household per cycle")
    );
    outln!(
        "  {}: {} × {} {} ({} {})",
        ctx.t("Anggaran", "Budget"),
        rupiah(p.budget_per_cycle),
        p.cycles,
        ctx.t("siklus", "cycles"),
        ctx.t("pendanaan bersama", "co-funding"),
        money(p.co_funding_per_cycle())
    );
    for (region, n) in &p.quotas {
        outln!(
            "  {} {}: {n} {}",
            text(region),
            ctx.t("Kuota", "Quota"),
            ctx.t("keluarga", "households")
        );
    }
    crate::targeting::print_rule(ctx, &p.rule);
    outln!(
        "  {}: {}",
        ctx.t("Prioritas", "Priority"),
        p.priority
            .iter()
            .map(|x| x.label(lang))
            .collect::<Vec<_>>()
            .join(" → ")
    );
    let blocks: Vec<_> = p
        .canvas
        .blocks()
        .into_iter()
        .filter(|(.., text)| !text.is_empty())
        .collect();
    if !blocks.is_empty() {
        outln!(
            "  {}:",
            ctx.t("Kanvas model bisnis", "Business Model Canvas")
        );
        for (_, id, en, block) in blocks {
            outln!("    {}: {}", lang.pick(id, en), text(block));
        }
    }
    for s in selections {
        outln!(
            "  {} {}: {} {}, {}, {} {} ({})",
            ctx.t("Siklus", "Cycle"),
            s.cycle,
            s.households,
            ctx.t("keluarga dibekukan", "households frozen"),
            rupiah(s.cost),
            ctx.t("oleh", "by"),
            text(&s.actor),
            s.at
        );
    }
    if a.history {
        outln!("{}:", ctx.t("Riwayat", "History"));
        for v in history {
            outln!(
                "  {} {}  {}  {}  {}",
                ctx.t("versi", "version"),
                v.version,
                v.at,
                text(&v.actor),
                text(&v.reason)
            );
            for c in &v.changes {
                outln!("      {}: {} → {}", c.field, short(&c.old), short(&c.new));
            }
        }
    }
    Ok(())
}

fn list(ctx: &Context) -> Result<()> {
    let all = setara_app::programme::list(&ctx.app(), &ctx.caller())?;
    if ctx.json {
        outln!("{}", serde_json::to_string(&all).expect("serializes"));
        return Ok(());
    }
    if all.is_empty() {
        ctx.say(ctx.t(
            "Belum ada program; buat dengan `setara programme create --file PROGRAM.toml`",
            "No programmes yet; create one with `setara programme create --file PROGRAMME.toml`",
        ));
    }
    for p in &all {
        outln!(
            "{:<16} {:<10} {:<18} {:>16} {:>14}  {}",
            text(&p.code),
            text(&p.area),
            p.owner_type.label(ctx.lang),
            rupiah(p.budget_per_cycle),
            p.rupiah_per_household
                .map(rupiah)
                .unwrap_or_else(|| "–".into()),
            text(&p.name)
        );
    }
    Ok(())
}
