//! `setara snapshot`: the registry as a columnar Arrow snapshot.

use clap::Args;

use crate::context::{Context, show_path};
use crate::failure::Result;

#[derive(Debug, Args)]
pub struct SnapshotArgs {}

pub fn run(ctx: &Context, _args: SnapshotArgs) -> Result<()> {
    let store = ctx.open_store()?;
    let started = std::time::Instant::now();
    let info = setara_app::registry::take_snapshot(
        &ctx.app(),
        store.as_ref(),
        &mut ctx.bar(ctx.t("snapshot", "snapshot")),
    )?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({
                "hash": info.hash, "dir": info.dir.display().to_string(), "households": info.households,
                "persons": info.persons, "bytes": info.bytes, "reused": info.reused,
                "seconds": started.elapsed().as_secs_f64(),
            })
        );
    } else {
        ctx.say(format!(
            "{} {} ({} {}, {} {}) {} {} ({:.1} s)",
            ctx.t("Snapshot", "Snapshot"),
            &info.hash[..16],
            info.households,
            ctx.t("keluarga", "households"),
            info.persons,
            ctx.t("jiwa", "persons"),
            ctx.t("di", "in"),
            show_path(&info.dir),
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(())
}
