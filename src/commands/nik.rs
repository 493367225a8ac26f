//! `setara nik NIK`: decode a NIK and check it against the region table (and, if given, a
//! recorded birth date and sex).

use clap::Args;

use crate::context::Context;
use crate::failure::Result;

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
    let c = setara_app::nik::check_nik(
        &ctx.app(),
        &a.nik,
        a.birth_date.as_deref(),
        a.sex.as_deref(),
    )?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&c).expect("serialisable")
        );
    } else {
        outln!("NIK {}", c.nik);
        outln!(
            "  {}: {} {}",
            ctx.t("Kecamatan penerbit", "Issuing district"),
            c.district,
            if c.district_path.is_empty() {
                "?".to_string()
            } else {
                c.district_path.join(", ")
            }
        );
        outln!(
            "  {}: {}",
            ctx.t("Jenis kelamin", "Sex"),
            c.sex.label(ctx.lang)
        );
        outln!(
            "  {}: {}",
            ctx.t("Tanggal lahir", "Birth date"),
            c.birth_date.clone().unwrap_or_else(|| format!(
                "{:02}-{:02}-??{:02}",
                c.birth_day, c.birth_month, c.birth_yy
            ))
        );
        outln!("  {}: {:04}", ctx.t("Nomor urut", "Serial"), c.serial);
        for p in &c.problems {
            outln!("  ! {}", ctx.lang.pick(&p.id, &p.en));
        }
        if c.problems.is_empty() {
            outln!(
                "  {}",
                ctx.t("Tidak ada masalah ditemukan.", "No problems found.")
            );
        }
    }
    match c.error() {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}
