//! The command line: flags are defined here, each command lives in `commands/`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use setara_app::model::Actor;
use setara_core::Lang;

use crate::commands;
use crate::context::{Context, default_actor};
use crate::failure::{Failure, Kind};

/// Setara: one registry of households, fair targeting, measured inequality.
#[derive(Debug, Parser)]
#[command(name = "setara", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Data directory (store, snapshots, reports).
    #[arg(
        long,
        global = true,
        env = "SETARA_DATA_DIR",
        default_value = "setara-data"
    )]
    pub data_dir: PathBuf,
    /// Language of messages: id (Bahasa Indonesia) or en. Default: from SETARA_LANG or the
    /// locale, Indonesian when unsure.
    #[arg(long, global = true, value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// No progress bars and no messages except errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Machine-readable JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Who is acting, recorded with every change. Default: SETARA_ACTOR, else the OS user.
    #[arg(long, global = true)]
    pub actor: Option<String>,
    /// Act as the social-affairs officer of this region (a Kemendagri code): only its
    /// households can be seen or changed. Default: an administrator over everything. Taken by
    /// household, stats, verify, dedup, rank --household, target, explain, overlap and reach;
    /// other commands refuse it.
    #[arg(long, global = true, value_name = "REGION")]
    pub scope: Option<String>,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

/// The `--lang` value on the command line, read before parsing so that help and parse errors
/// can already be in that language.
fn lang_from_args(args: &[std::ffi::OsString]) -> Option<Lang> {
    let mut it = args.iter().filter_map(|a| a.to_str());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return v.parse().ok();
        }
        if a == "--lang" {
            return it.next().and_then(|v| v.parse().ok());
        }
    }
    None
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a synthetic Indonesia, import it into a fresh store, snapshot it and print a
    /// table per province next to BPS figures.
    Demo(commands::demo::DemoArgs),
    /// Generate synthetic households.csv, persons.csv and truth/ files.
    Generate(commands::generate::GenerateArgs),
    /// Import households and persons (CSV or XLSX), validating every row.
    Import(commands::import::ImportArgs),
    /// Write the registry as a columnar Arrow snapshot named by its content hash.
    Snapshot(commands::snapshot::SnapshotArgs),
    /// Show or correct one household.
    #[command(subcommand)]
    Household(commands::household::HouseholdCommand),
    /// Look up regions (wilayah) by code or name.
    Region(commands::region::RegionArgs),
    /// Decode and check a NIK.
    Nik(commands::nik::NikArgs),
    /// Inequality and poverty measures on any CSV or on the registry by region; Lorenz curves,
    /// province maps and multidimensional poverty.
    Stats(commands::stats::StatsArgs),
    /// Run the verification rules over the registry and keep their findings (new, open,
    /// resolved).
    Verify(commands::verify::VerifyArgs),
    /// Find duplicate records: the registry's persons (into the review queue) or any CSV file.
    Dedup(commands::dedup::DedupArgs),
    /// Link the records of two CSV files that describe the same people.
    Link(commands::dedup::LinkArgs),
    /// The review queue of possible duplicates: decide, merge, unmerge.
    #[command(subcommand)]
    Review(commands::review::ReviewCommand),
    /// Welfare ranking: fit the proxy means test, score every household, assign desil.
    Rank(commands::rank::RankArgs),
    /// Programmes: create, edit (with history), show, list.
    #[command(subcommand)]
    Programme(commands::programme::ProgrammeCommand),
    /// Targeting: preview a programme's rule, select and freeze a cycle, compare rules, export.
    Target(commands::target::TargetArgs),
    /// Why a household is or is not a programme's beneficiary.
    Explain(commands::explain::ExplainArgs),
    /// Households served by several programmes, and poor households served by none.
    Overlap(commands::overlap::OverlapArgs),
    /// A programme's reach for its partners: by region and desil, without personal data.
    Reach(commands::overlap::ReachArgs),
    /// Entitlements: list, show, move through their states.
    #[command(subcommand)]
    Entitlement(commands::entitlement::EntitlementCommand),
    /// Pay a cycle's approved entitlements: ledger entries, entitlements paid, a new checkpoint.
    Disburse(commands::ledger::DisburseArgs),
    /// The tamper-evident ledger: funds, checkpoints, proofs, receipts, audit.
    #[command(subcommand)]
    Ledger(commands::ledger::LedgerCommand),
    /// Write a consistent, verified copy of the data directory (store, ledger and its key,
    /// snapshots, rankings) while the system runs.
    Backup(commands::backup::BackupArgs),
    /// Bring a backup back into the data directory (an existing one is moved aside, never
    /// deleted).
    Restore(commands::backup::RestoreArgs),
}

/// Parse the command line, run, print errors, return the exit code.
pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = lang_from_args(&args).unwrap_or_else(Lang::from_env);
    let mut command = Cli::command();
    if lang == Lang::Id {
        command = crate::help_id::indonesian(command);
    }
    let json = args.iter().any(|a| a == "--json");
    let parsed = command
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind::*;
            let shown = matches!(
                e.kind(),
                DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand
            );
            if !shown && lang == Lang::Id {
                // clap words its own errors in English; say what happened first.
                errln!(
                    "galat penggunaan: perintah atau opsi tidak lengkap atau salah (rincian di bawah; lihat `setara --help`)"
                );
            }
            if !shown && json {
                // Machine callers get the failure as JSON too.
                let text = e.render().to_string();
                let first = text
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim_start_matches("error: ");
                let f = Failure::new(Kind::Usage, "usage", first, first);
                outln!("{}", serde_json::json!({ "error": f.to_json(lang) }));
            }
            let _ = e.print();
            return match e.kind() {
                DisplayHelp | DisplayVersion => ExitCode::SUCCESS,
                _ => Kind::Usage.exit_code(),
            };
        }
    };
    let mut ctx = Context {
        lang: cli.global.lang.unwrap_or_else(Lang::from_env),
        data_dir: cli.global.data_dir.clone(),
        quiet: cli.global.quiet,
        json: cli.global.json,
        actor: Actor(String::new()),
        scope: None,
    };
    // The actor is recorded with every change and printed in histories: one line, no control
    // characters, a bounded length.
    let actor = cli.global.actor.clone().unwrap_or_else(default_actor);
    match setara_core::text::check_line("actor", &actor, setara_core::text::MAX_ACTOR_CHARS) {
        Ok(a) => ctx.actor = Actor(a.to_string()),
        Err(e) => {
            let f = Failure::from_localized(Kind::Invalid, &e);
            report_failure(&ctx, &f);
            return f.kind.exit_code();
        }
    }
    if let Some(scope) = &cli.global.scope {
        match check_scope(scope, &cli.command) {
            Ok(r) => ctx.scope = Some(r),
            Err(f) => {
                report_failure(&ctx, &f);
                return f.kind.exit_code();
            }
        }
    }
    match run(&ctx, cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            report_failure(&ctx, &f);
            f.kind.exit_code()
        }
    }
}

fn run(ctx: &Context, command: Command) -> Result<(), Failure> {
    match command {
        Command::Demo(a) => commands::demo::run(ctx, a),
        Command::Generate(a) => commands::generate::run(ctx, a),
        Command::Import(a) => commands::import::run(ctx, a),
        Command::Snapshot(a) => commands::snapshot::run(ctx, a),
        Command::Household(c) => commands::household::run(ctx, c),
        Command::Region(a) => commands::region::run(ctx, a),
        Command::Nik(a) => commands::nik::run(ctx, a),
        Command::Stats(a) => commands::stats::run(ctx, a),
        Command::Verify(a) => commands::verify::run(ctx, a),
        Command::Dedup(a) => commands::dedup::run_dedup(ctx, a),
        Command::Link(a) => commands::dedup::run_link(ctx, a),
        Command::Review(c) => commands::review::run(ctx, c),
        Command::Rank(a) => commands::rank::run(ctx, a),
        Command::Programme(c) => commands::programme::run(ctx, c),
        Command::Target(a) => commands::target::run(ctx, a),
        Command::Explain(a) => commands::explain::run(ctx, a),
        Command::Overlap(a) => commands::overlap::run_overlap(ctx, a),
        Command::Reach(a) => commands::overlap::run_reach(ctx, a),
        Command::Entitlement(c) => commands::entitlement::run(ctx, c),
        Command::Disburse(a) => commands::ledger::run_disburse(ctx, a),
        Command::Ledger(c) => commands::ledger::run(ctx, c),
        Command::Backup(a) => commands::backup::run_backup(ctx, a),
        Command::Restore(a) => commands::backup::run_restore(ctx, a),
    }
}

/// `--scope`: an existing region, and a command that honours it (the others refuse it rather
/// than show more than the scope).
fn check_scope(scope: &str, command: &Command) -> Result<setara_core::RegionCode, Failure> {
    // The same checks and words as every `--region` (a malformed or unknown code is exit 1).
    let region = crate::context::parse_region(scope)?;
    if !matches!(
        command,
        Command::Household(_)
            | Command::Stats(_)
            | Command::Verify(_)
            | Command::Dedup(_)
            | Command::Rank(_)
            | Command::Target(_)
            | Command::Explain(_)
            | Command::Overlap(_)
            | Command::Reach(_)
    ) {
        return Err(Failure::new(
            Kind::Usage,
            "scope_unsupported",
            "--scope belum didukung oleh perintah ini; yang membatasi diri pada wilayah: household show/correct, stats, verify, dedup, rank --household, target, explain, overlap, reach",
            "--scope is not supported by this command yet; those that limit themselves to a region: household show/correct, stats, verify, dedup, rank --household, target, explain, overlap, reach",
        ));
    }
    Ok(region)
}

fn report_failure(ctx: &Context, f: &Failure) {
    if ctx.json && !f.json_printed {
        outln!("{}", serde_json::json!({ "error": f.to_json(ctx.lang) }));
    }
    errln!("{}: {}", ctx.t("galat", "error"), f.message(ctx.lang));
}
