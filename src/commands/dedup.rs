//! `setara dedup` and `setara link`: probabilistic record linkage on any CSV/XLSX, and
//! deduplication of the registry's persons into a review queue
//! ([`setara_app::registry::dedup`]).

use std::path::{Path, PathBuf};

use clap::Args;
use setara_app::model::Dialect;
use setara_app::registry::dedup::{
    DedupFileRequest, DedupPersonsRequest, FileLinkResult, LinkOutputs, LinkRequest,
    LinkageFailure, LinkageSummary,
};

use crate::context::{Context, parse_region, show_path};
use crate::failure::{Failure, Kind, Result};

#[derive(Debug, Args)]
pub struct DedupArgs {
    /// `persons`: deduplicate the registry's persons into the review queue. Without it, a file
    /// given with --input.
    #[arg(value_parser = ["persons"])]
    pub target: Option<String>,
    /// Any CSV or XLSX file to deduplicate.
    #[arg(long, conflicts_with = "target")]
    pub input: Option<PathBuf>,
    /// Column whose value labels each record of --input in the output (it need not be unique:
    /// records are identified by their row).
    #[arg(long, requires = "input")]
    pub id: Option<String>,
    /// Linkage configuration (TOML; see docs/linkage.md). Default for persons: the built-in one.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Where to write the scored pairs (CSV).
    #[arg(long, requires = "input")]
    pub out: Option<PathBuf>,
    /// Where to write each record's cluster (CSV).
    #[arg(long, requires = "input")]
    pub clusters: Option<PathBuf>,
    /// Registry: only persons of households in this region.
    #[arg(long, conflicts_with = "input")]
    pub region: Option<String>,
    /// CSV for Excel: `;` separator and a UTF-8 BOM.
    #[arg(long)]
    pub excel: bool,
    /// Replace the files named by --out and --clusters if they exist (never an input file).
    #[arg(long)]
    pub force: bool,
    /// Most candidate pairs (distinct pairs the blocking rules make, each once); overrides
    /// max_candidate_pairs of the configuration (default 10,000,000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_pairs: Option<u64>,
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The left table (CSV or XLSX).
    #[arg(long)]
    pub left: PathBuf,
    /// The right table (CSV or XLSX).
    #[arg(long)]
    pub right: PathBuf,
    /// Column whose value labels the records of both tables in the output (it need not be
    /// unique: records are identified by their row).
    #[arg(long)]
    pub id: String,
    /// Linkage configuration (TOML; see docs/linkage.md).
    #[arg(long)]
    pub config: PathBuf,
    /// Where to write the scored pairs (CSV).
    #[arg(long)]
    pub out: PathBuf,
    /// Where to write each record's cluster (CSV).
    #[arg(long)]
    pub clusters: Option<PathBuf>,
    /// CSV for Excel: `;` separator and a UTF-8 BOM.
    #[arg(long)]
    pub excel: bool,
    /// Replace the files named by --out and --clusters if they exist (never an input file).
    #[arg(long)]
    pub force: bool,
    /// Most candidate pairs (distinct pairs the blocking rules make, each once); overrides
    /// max_candidate_pairs of the configuration (default 10,000,000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_pairs: Option<u64>,
}

/// A linkage failure as the user sees it. Too many candidate pairs carries the details (rule,
/// pairs, biggest blocks) in the JSON error object, printed here.
fn linkage_failure(ctx: &Context, e: LinkageFailure) -> Failure {
    // The same file named by --out and --clusters is a wrong command line.
    let mut f = match e.error.code {
        "dedup_outputs_same_file" => Failure::new(
            Kind::Usage,
            "dedup_outputs_same_file",
            e.error.id,
            e.error.en,
        ),
        _ => Failure::from(e.error),
    };
    if let Some(x) = e.too_many_pairs
        && ctx.json
    {
        let mut error = f.to_json(ctx.lang);
        error["details"] = serde_json::to_value(x).unwrap_or_default();
        outln!("{}", serde_json::json!({ "error": error }));
        f.json_printed = true;
    }
    f
}

/// Tell the user when an id repeats: rows, not ids, identify the records.
fn note_repeated_ids(ctx: &Context, r: &FileLinkResult) {
    for x in &r.repeated_ids {
        let v = setara_core::text::printable(&x.value);
        let (a, b) = x.rows;
        ctx.say(format!(
            "{}: {} {} {} ({v:?}: {} {a} {} {b}); {}",
            show_path(&x.file),
            ctx.t("kolom", "column"),
            x.column,
            ctx.t("tidak unik", "is not unique"),
            ctx.t("baris", "rows"),
            ctx.t("dan", "and"),
            ctx.t(
                "rekaman dikenali dari barisnya (row_left, row_right)",
                "records are identified by their row (row_left, row_right)"
            )
        ));
    }
}

fn print_summary(ctx: &Context, linkage: &LinkageSummary, out: Option<&Path>) {
    let s = &linkage.stats;
    ctx.say(format!(
        "{} {} {}, {} {}: {} {} (≥ {}), {} {} ({:.2} s, {:.0} {})",
        s.left_rows + s.right_rows,
        ctx.t("rekaman", "records"),
        ctx.t("dibandingkan", "compared"),
        s.candidate_pairs,
        ctx.t("pasangan kandidat", "candidate pairs"),
        linkage.matches,
        ctx.t("cocok", "matches"),
        linkage.match_threshold,
        linkage.pairs - linkage.matches,
        ctx.t("untuk ditinjau", "to review"),
        s.seconds_total,
        s.pairs_compared_per_second,
        ctx.t("pasangan/detik", "pairs/s")
    ));
    if let Some(p) = out {
        ctx.say(format!("{}: {}", ctx.t("Pasangan", "Pairs"), show_path(p)));
    }
}

fn print_file_link(ctx: &Context, r: &FileLinkResult) {
    if ctx.json {
        outln!("{}", serde_json::to_value(r).unwrap_or_default());
    } else {
        note_repeated_ids(ctx, r);
        print_summary(ctx, &r.linkage, Some(&r.out));
    }
}

fn dialect(excel: bool) -> Dialect {
    if excel {
        Dialect::Excel
    } else {
        Dialect::Plain
    }
}

pub fn run_dedup(ctx: &Context, a: DedupArgs) -> Result<()> {
    match (&a.target, &a.input) {
        (Some(_), _) => dedup_persons(ctx, a),
        (None, Some(input)) => {
            let (Some(id), Some(config), Some(out)) = (&a.id, &a.config, &a.out) else {
                return Err(Failure::new(
                    Kind::Usage,
                    "dedup_input_needs_flags",
                    "--input memerlukan --id, --config dan --out",
                    "--input needs --id, --config and --out",
                ));
            };
            let req = DedupFileRequest {
                input: input.clone(),
                id: id.clone(),
                config: config.clone(),
                max_pairs: a.max_pairs,
                outputs: LinkOutputs {
                    out: out.clone(),
                    clusters: a.clusters.clone(),
                    force: a.force,
                    dialect: dialect(a.excel),
                },
            };
            let r = setara_app::registry::dedup::dedup_file(&ctx.app(), &ctx.caller(), &req)
                .map_err(|e| linkage_failure(ctx, e))?;
            print_file_link(ctx, &r);
            Ok(())
        }
        (None, None) => Err(Failure::new(
            Kind::Usage,
            "dedup_nothing_named",
            "sebutkan `persons` (registri) atau --input BERKAS",
            "name `persons` (the registry) or --input FILE",
        )),
    }
}

pub fn run_link(ctx: &Context, a: LinkArgs) -> Result<()> {
    let req = LinkRequest {
        left: a.left,
        right: a.right,
        id: a.id,
        config: a.config,
        max_pairs: a.max_pairs,
        outputs: LinkOutputs {
            out: a.out,
            clusters: a.clusters,
            force: a.force,
            dialect: dialect(a.excel),
        },
    };
    let r = setara_app::registry::dedup::link_files(&ctx.app(), &ctx.caller(), &req)
        .map_err(|e| linkage_failure(ctx, e))?;
    print_file_link(ctx, &r);
    Ok(())
}

fn dedup_persons(ctx: &Context, a: DedupArgs) -> Result<()> {
    let region = a.region.as_deref().map(parse_region).transpose()?;
    let req = DedupPersonsRequest {
        region,
        config: a.config,
        max_pairs: a.max_pairs,
    };
    let r = setara_app::registry::dedup::dedup_persons(
        &ctx.app(),
        &ctx.caller(),
        &req,
        &mut ctx.bar(ctx.t("mencocokkan rekaman", "linking records")),
    )
    .map_err(|e| linkage_failure(ctx, e))?;
    if ctx.json {
        outln!("{}", serde_json::to_value(&r).unwrap_or_default());
        return Ok(());
    }
    print_summary(ctx, &r.linkage, None);
    ctx.say(format!(
        "{} {}: {} {} (≥ {}), {} {}, {} {}. {}",
        ctx.t("Deduplikasi", "Deduplication"),
        r.run_id,
        r.duplicates,
        ctx.t("pasangan ditandai duplikat", "pairs flagged as duplicates"),
        r.linkage.match_threshold,
        r.review,
        ctx.t(
            "pasangan masuk antrean tinjauan",
            "pairs in the review queue"
        ),
        r.already_decided,
        ctx.t("sudah diputuskan sebelumnya", "decided before"),
        ctx.t("Lihat `setara review list`.", "See `setara review list`.")
    ));
    Ok(())
}
