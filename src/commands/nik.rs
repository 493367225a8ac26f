//! `setara nik NIK`: decode a NIK and check it against the region table (and, if given, a
//! recorded birth date and sex).

use clap::Args;
use setara_core::{Lang, Nik, Regions, Sex};
use setara_registry::value::parse_date;

use crate::context::Context;
use crate::failure::{Failure, Kind, Result};

#[derive(Debug, Args)]
pub struct NikArgs {
    /// The 16-digit NIK.
    pub nik: String,
    /// The birth date on record, to compare (YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY).
    #[arg(long)]
    pub birth_date: Option<String>,
    /// The sex on record, to compare (L/P, male/female).
    #[arg(long)]
    pub sex: Option<String>,
}

pub fn run(ctx: &Context, a: NikArgs) -> Result<()> {
    let nik = Nik::parse(&a.nik).map_err(|e| Failure::from_localized(Kind::Invalid, &e))?;
    let regions = Regions::kemendagri_2025();
    let today = chrono::Utc::now().date_naive();
    let district = nik.district();
    let path: Vec<String> = regions
        .path(district)
        .iter()
        .rev()
        .map(|r| r.name.clone())
        .collect();
    let birth = nik.birth_date(today);
    let mut problems: Vec<(&str, String, String)> = Vec::new();
    if path.is_empty() {
        problems.push((
            "nik_district_unknown",
            format!("kecamatan {district} tidak ada dalam Kepmendagri 2025"),
            format!("district {district} is not in the Kepmendagri 2025 table"),
        ));
    }
    if birth.is_none() {
        problems.push((
            "nik_date_not_calendar",
            format!(
                "tanggal {:02}-{:02} bukan tanggal kalender",
                nik.birth_day(),
                nik.birth_month()
            ),
            format!(
                "{:02}-{:02} is not a calendar date",
                nik.birth_day(),
                nik.birth_month()
            ),
        ));
    }
    if let Some(d) = &a.birth_date {
        let d = parse_date(d).map_err(|r| Failure::from_localized(Kind::Invalid, &r))?;
        if !nik.agrees_with_birth_date(d) {
            problems.push((
                "nik_birth_date_mismatch",
                format!("tanggal lahir tercatat {d} tidak sesuai dengan NIK"),
                format!("recorded birth date {d} disagrees with the NIK"),
            ));
        }
    }
    if let Some(s) = &a.sex {
        let s = Sex::parse(s).ok_or_else(|| {
            Failure::invalid(
                "sex_invalid",
                format!("jenis kelamin {s:?} tidak dikenal"),
                format!("unknown sex {s:?}"),
            )
        })?;
        if s != nik.sex() {
            problems.push((
                "nik_sex_mismatch",
                format!(
                    "jenis kelamin tercatat {} tidak sesuai dengan NIK ({})",
                    s.label(Lang::Id),
                    nik.sex().label(Lang::Id)
                ),
                format!(
                    "recorded sex {} disagrees with the NIK ({})",
                    s.label(Lang::En),
                    nik.sex().label(Lang::En)
                ),
            ));
        }
    }
    if ctx.json {
        let v = serde_json::json!({
            "nik": nik,
            "district": district,
            "district_path": path,
            "sex": nik.sex(),
            "birth_date": birth.map(|d| d.to_string()),
            "serial": nik.serial(),
            "problems": problems.iter().map(|(c, id, en)| serde_json::json!({"code": c, "message": ctx.lang.pick(id, en)})).collect::<Vec<_>>(),
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).expect("serialisable")
        );
    } else {
        outln!("NIK {nik}");
        outln!(
            "  {}: {} {}",
            ctx.t("Kecamatan penerbit", "Issuing district"),
            district,
            if path.is_empty() {
                "?".to_string()
            } else {
                path.join(", ")
            }
        );
        outln!(
            "  {}: {}",
            ctx.t("Jenis kelamin", "Sex"),
            nik.sex().label(ctx.lang)
        );
        outln!(
            "  {}: {}",
            ctx.t("Tanggal lahir", "Birth date"),
            birth.map(|d| d.to_string()).unwrap_or_else(|| format!(
                "{:02}-{:02}-??{:02}",
                nik.birth_day(),
                nik.birth_month(),
                nik.birth_yy()
            ))
        );
        outln!("  {}: {:04}", ctx.t("Nomor urut", "Serial"), nik.serial());
        for (_, id, en) in &problems {
            outln!("  ! {}", ctx.lang.pick(id, en));
        }
        if problems.is_empty() {
            outln!(
                "  {}",
                ctx.t("Tidak ada masalah ditemukan.", "No problems found.")
            );
        }
    }
    if let Some((code, id, en)) = problems.into_iter().next() {
        return Err(Failure::invalid(code, id, en));
    }
    Ok(())
}
