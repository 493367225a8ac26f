//! `setara household show|correct`.

use clap::{Args, Subcommand};
use setara_app::model::Change;
use setara_core::text::printable;
use setara_core::*;

use crate::context::Context;
use crate::failure::{Failure, Result};

#[derive(Debug, Subcommand)]
pub enum HouseholdCommand {
    /// Print a household, its members, findings and (with --history) every recorded change.
    Show(ShowArgs),
    /// Correct one field of a household (or, with --nik, of one member), with a reason.
    Correct(CorrectArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// KK number (16 digits).
    pub kk: String,
    /// Also print the history of changes.
    #[arg(long)]
    pub history: bool,
}

#[derive(Debug, Args)]
pub struct CorrectArgs {
    /// KK number (16 digits).
    pub kk: String,
    /// Field to correct, by file column name (e.g. floor, region, name, birth_date).
    #[arg(long)]
    pub field: String,
    /// New value, written as in the import files (a value starting with `-` is a value, not a
    /// flag, so that a negative number gets the field's own error).
    #[arg(
        long,
        required_unless_present = "clear",
        conflicts_with = "clear",
        allow_hyphen_values = true
    )]
    pub value: Option<String>,
    /// Make an optional field unknown.
    #[arg(long)]
    pub clear: bool,
    /// Why (required): the evidence or visit behind the correction.
    #[arg(long)]
    pub reason: String,
    /// Correct this member instead of the household.
    #[arg(long)]
    pub nik: Option<String>,
}

fn parse_kk(s: &str) -> Result<Kk> {
    Kk::parse(s).map_err(|e| Failure::from_localized(crate::failure::Kind::Invalid, &e))
}

pub fn run(ctx: &Context, cmd: HouseholdCommand) -> Result<()> {
    match cmd {
        HouseholdCommand::Show(a) => show(ctx, a),
        HouseholdCommand::Correct(a) => correct(ctx, a),
    }
}

fn show(ctx: &Context, a: ShowArgs) -> Result<()> {
    let kk = parse_kk(&a.kk)?;
    let view = setara_app::registry::show_household(
        &ctx.app(),
        &ctx.caller(),
        kk,
        a.history,
        "household_show",
    )?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&view).expect("serialisable")
        );
        return Ok(());
    }
    let (rec, findings, today) = (&view.record, &view.findings, view.today);
    let history = view.history.as_deref().unwrap_or_default();
    let h = &rec.household;

    let t = |id, en| ctx.t(id, en);
    let path: Vec<&str> = view
        .region_path
        .iter()
        .rev()
        .map(|(_, n)| n.as_str())
        .collect();
    outln!(
        "KK {}  {}",
        h.kk,
        if path.is_empty() {
            h.region.to_string()
        } else {
            format!("{} ({})", path.join(", "), h.region)
        }
    );
    if h.address.is_some() || h.rt.is_some() || h.rw.is_some() {
        outln!(
            "  {}: {}{}",
            t("Alamat", "Address"),
            printable(h.address.as_deref().unwrap_or("-")),
            match (h.rt, h.rw) {
                (Some(rt), Some(rw)) => format!(", RT {rt:03}/RW {rw:03}"),
                _ => String::new(),
            }
        );
    }
    let d = &h.dwelling;
    let mut dwelling = Vec::new();
    let mut push = |label: (&str, &str), v: Option<&str>| {
        if let Some(v) = v {
            dwelling.push(format!("{} {v}", ctx.lang.pick(label.0, label.1)));
        }
    };
    push(Tenure::FIELD, d.tenure.map(|v| v.label(ctx.lang)));
    push(Floor::FIELD, d.floor.map(|v| v.label(ctx.lang)));
    push(Wall::FIELD, d.wall.map(|v| v.label(ctx.lang)));
    push(Roof::FIELD, d.roof.map(|v| v.label(ctx.lang)));
    push(WaterSource::FIELD, d.water.map(|v| v.label(ctx.lang)));
    push(Toilet::FIELD, d.toilet.map(|v| v.label(ctx.lang)));
    push(Electricity::FIELD, d.electricity.map(|v| v.label(ctx.lang)));
    push(
        CookingFuel::FIELD,
        d.cooking_fuel.map(|v| v.label(ctx.lang)),
    );
    if let Some(a) = d.floor_area_m2 {
        dwelling.push(format!("{} {a} m²", t("luas lantai", "floor area")));
    }
    if let Some(va) = d.electricity_va {
        dwelling.push(format!("{va} VA"));
    }
    if !dwelling.is_empty() {
        outln!(
            "  {}: {}",
            t("Tempat tinggal", "Dwelling"),
            dwelling.join("; ")
        );
    }
    let owned: Vec<&str> = Asset::ALL
        .iter()
        .filter(|a| h.assets.get(**a) == Some(true))
        .map(|a| a.label(ctx.lang))
        .collect();
    let known = Asset::ALL
        .iter()
        .filter(|a| h.assets.get(**a).is_some())
        .count();
    if known > 0 {
        outln!(
            "  {}: {}",
            t("Aset", "Assets"),
            if owned.is_empty() {
                t("tidak ada", "none").to_string()
            } else {
                owned.join(", ")
            }
        );
    }
    if let Some(l) = h.land_m2 {
        outln!("  {}: {l} m²", t("Lahan", "Land"));
    }
    if let Some(s) = h.survey {
        outln!(
            "  {}: {} Rp {}/{}, {} {}",
            t("Survei", "Survey"),
            t("pengeluaran per kapita", "consumption per capita"),
            setara_core::number::group_thousands(s.consumption_per_capita.0),
            t("bulan", "month"),
            t("bobot", "weight"),
            s.weight
        );
    }
    if let Some(n) = h.declared_size {
        outln!("  {}: {n}", t("Jumlah anggota (tercatat)", "Declared size"));
    }
    outln!(
        "  {}: {} {}, {} {} {}; {} {}",
        t("Asal data", "Provenance"),
        t("impor", "import"),
        rec.provenance.import_id,
        rec.provenance.file,
        t("baris", "row"),
        rec.provenance.row,
        t("versi", "version"),
        rec.version
    );
    outln!("{} ({}):", t("Anggota", "Members"), rec.members.len());
    for (p, prov, _) in &rec.members {
        outln!(
            "  {}  {:<28} {:<10} {}  {:>3} {}  {:<18} {}  [{}:{}]",
            p.nik,
            printable(&p.name),
            p.sex.label(ctx.lang),
            p.birth_date.format("%Y-%m-%d"),
            p.age_on(today),
            t("th", "y"),
            p.relation.label(ctx.lang),
            [
                p.education.map(|v| v.label(ctx.lang)),
                p.work.map(|v| v.label(ctx.lang)),
                p.disability
                    .filter(|d| *d != Disability::None)
                    .map(|v| v.label(ctx.lang)),
                p.chronic_illness
                    .filter(|c| *c)
                    .map(|_| t("penyakit kronis", "chronic illness")),
                p.health_insurance.map(|v| v.label(ctx.lang)),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
            prov.file,
            prov.row
        );
    }
    if !findings.is_empty() {
        outln!(
            "{} ({}):",
            t("Temuan verifikasi", "Verification findings"),
            findings.len()
        );
        for f in findings {
            let desc = setara_app::model::FindingKind::parse(&f.rule)
                .map(|k| k.describe(ctx.lang))
                .unwrap_or(&f.rule);
            let who = f.nik.map(|n| format!("NIK {n}: ")).unwrap_or_default();
            outln!(
                "  [{}] {who}{desc} ({})",
                printable(&f.status),
                printable(&f.detail)
            );
        }
    }
    if a.history {
        outln!("{} ({}):", t("Riwayat", "History"), history.len());
        for c in history {
            print_change(c);
        }
    }
    Ok(())
}

/// One change per line: every stored text is printed with its control characters escaped, so
/// no value (an actor or a reason stored before they were checked) can forge a line.
fn print_change(c: &Change) {
    let who = c.nik.map(|n| format!("NIK {n} ")).unwrap_or_default();
    outln!(
        "  {}  {:<14} {:<12} {who}{}: {} → {}  ({})",
        printable(&c.at),
        printable(&c.actor),
        printable(&c.kind),
        printable(&c.field),
        printable(c.old_value.as_deref().unwrap_or("∅")),
        printable(c.new_value.as_deref().unwrap_or("∅")),
        printable(&c.reason)
    );
}

fn correct(ctx: &Context, a: CorrectArgs) -> Result<()> {
    let kk = parse_kk(&a.kk)?;
    let nik = a
        .nik
        .as_deref()
        .map(Nik::parse)
        .transpose()
        .map_err(|e| Failure::from_localized(crate::failure::Kind::Invalid, &e))?;
    let change = setara_app::registry::correct(
        &ctx.app(),
        &ctx.caller(),
        &setara_app::registry::CorrectRequest {
            kk,
            nik,
            field: a.field,
            value: if a.clear { None } else { a.value },
            reason: a.reason,
        },
    )?;
    if ctx.json {
        outln!("{}", serde_json::to_string(&change).expect("serialisable"));
    } else {
        ctx.say(format!(
            "{} {}: {} → {} ({} {}, {})",
            ctx.t("Dikoreksi", "Corrected"),
            change.field,
            change.old_value.as_deref().unwrap_or("∅"),
            change.new_value.as_deref().unwrap_or("∅"),
            ctx.t("oleh", "by"),
            change.actor,
            change.at
        ));
    }
    Ok(())
}
