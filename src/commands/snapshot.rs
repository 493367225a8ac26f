//! `setara snapshot`: the registry as a columnar Arrow snapshot.

use clap::Args;
use setara_snapshot::{SnapshotBuilder, SnapshotInfo};
use setara_store::Store;

use crate::context::{Context, show_path};
use crate::failure::Result;

#[derive(Debug, Args)]
pub struct SnapshotArgs {}

/// Build a snapshot of everything in the store and write it under `snapshots_dir`.
pub fn take_snapshot(ctx: &Context, store: &dyn Store) -> Result<SnapshotInfo> {
    let counts = store.counts()?;
    let bar = ctx.progress(counts.households, ctx.t("snapshot", "snapshot"));
    let mut builder =
        SnapshotBuilder::with_capacity(counts.households as usize, counts.persons as usize);
    let mut n = 0u64;
    let mut failed = None;
    store
        .scan(&mut |h, members| {
            if let Err(e) = builder.add(h, members) {
                failed = Some(e);
                return Err(setara_store::StoreError::Corrupt("snapshot".into()));
            }
            n += 1;
            if n.is_multiple_of(8192) {
                bar.set_position(n);
            }
            Ok(())
        })
        .map_err(|e| match failed.take() {
            // A household the snapshot cannot hold is the data's problem (exit 1); the
            // snapshot's message names its KK.
            Some(f) => {
                let mut f = crate::failure::Failure::from(f);
                f.kind = crate::failure::Kind::Invalid;
                f.code = "snapshot_household_invalid";
                f
            }
            None => e.into(),
        })?;
    bar.finish_and_clear();
    Ok(builder.write(&ctx.snapshots_dir())?)
}

pub fn run(ctx: &Context, _args: SnapshotArgs) -> Result<()> {
    let store = ctx.open_store()?;
    let started = std::time::Instant::now();
    let info = take_snapshot(ctx, store.as_ref())?;
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
