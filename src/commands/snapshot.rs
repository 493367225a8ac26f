//! `setara snapshot`: the registry as a columnar Arrow snapshot.

use clap::Args;

use crate::context::{Context, show_path};
use crate::failure::Result;

#[derive(Debug, Args)]
pub struct SnapshotArgs {}

pub fn run(ctx: &Context, _args: SnapshotArgs) -> Result<()> {
    let info = setara_app::registry::snapshot(
        &ctx.app(),
        &ctx.caller(),
        &mut ctx.bar(ctx.t("snapshot", "snapshot")),
    )?;
    if ctx.json {
        outln!("{}", serde_json::to_string(&info).expect("serializes"));
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
            info.seconds
        ));
    }
    Ok(())
}
