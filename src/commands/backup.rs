//! `setara backup DIR` and `setara restore DIR` (docs/backup.md): a consistent, verified copy of
//! the data directory taken while the system runs, and bringing one back without deleting what
//! is there ([`setara_app::backup`]).

use std::path::PathBuf;

use clap::Args;

use crate::context::{Context, show_path};
use crate::failure::{Failure, Kind, Result};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup directory to write: it must not exist or be empty (its parent must exist).
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup directory to restore (written by `setara backup`).
    pub dir: PathBuf,
}

/// Labels of the progress bars, by the phases of [`setara_app::backup`].
const PHASES: &[(&str, &str, &str)] = &[
    ("store", "Basis data", "Store"),
    ("ledger", "Buku besar", "Ledger"),
    ("files", "Berkas", "Files"),
    ("checksums", "Memeriksa", "Checksums"),
    ("checking", "Memeriksa", "Checking"),
    ("restoring", "Memulihkan", "Restoring"),
];

pub fn run_backup(ctx: &Context, a: BackupArgs) -> Result<()> {
    let done = setara_app::backup::backup(
        &ctx.app(),
        &ctx.caller(),
        &a.dir,
        &mut ctx.phased_bar(PHASES),
    )?;
    if ctx.json {
        outln!("{}", serde_json::to_string(&done).expect("serializes"));
        return Ok(());
    }
    ctx.say(format!(
        "{} {}: {} {}, {} MB; {}{}.",
        ctx.t("Cadangan ditulis ke", "Backup written to"),
        show_path(&done.backup),
        done.files,
        ctx.t("berkas", "files"),
        done.bytes / 1_000_000,
        ctx.t("diperiksa: basis data utuh", "verified: store intact"),
        match done.ledger_entries {
            Some(n) => format!(
                ", {} {n} {}",
                ctx.t("audit buku besar lulus,", "ledger audit passed,"),
                ctx.t("entri", "entries")
            ),
            None => String::new(),
        }
    ));
    ctx.say(format!(
        "{}: setara restore {}",
        ctx.t("Memulihkan", "To restore"),
        show_path(&done.backup)
    ));
    Ok(())
}

pub fn run_restore(ctx: &Context, a: RestoreArgs) -> Result<()> {
    let r = setara_app::backup::restore(
        &ctx.app(),
        &ctx.caller(),
        &a.dir,
        &mut ctx.phased_bar(PHASES),
    )
    .map_err(|e| {
        // Both are about the command line (SETARA_STORE, --data-dir).
        let usage = matches!(e.code, "restore_store_elsewhere" | "restore_target_invalid");
        let mut f = Failure::from(e);
        if usage {
            f.kind = Kind::Usage;
        }
        f
    })?;
    if ctx.json {
        outln!("{}", serde_json::to_string(&r).expect("serializes"));
        return Ok(());
    }
    if let Some(aside) = &r.moved_aside {
        ctx.say(format!(
            "{} {} {} {} ({}).",
            ctx.t("Direktori data lama", "The previous data directory"),
            show_path(&r.restored),
            ctx.t("dipindahkan ke", "was moved to"),
            show_path(aside),
            ctx.t("tidak ada yang dihapus", "nothing was deleted")
        ));
    }
    ctx.say(format!(
        "{} {} {} {} ({} {}, {}).",
        ctx.t("Cadangan", "The backup"),
        show_path(&r.from),
        ctx.t("dipulihkan ke", "was restored into"),
        show_path(&r.restored),
        ctx.t("dibuat", "taken"),
        r.backup_created_at,
        match r.ledger_entries {
            Some(n) => format!(
                "{} {n} {}",
                ctx.t("audit buku besar lulus,", "ledger audit passed,"),
                ctx.t("entri", "entries")
            ),
            None => ctx.t("tanpa buku besar", "no ledger").to_string(),
        }
    ));
    Ok(())
}
