//! `setara dedup` and `setara link`: probabilistic record linkage on any CSV/XLSX, and
//! deduplication of the registry's persons into a review queue.

use std::path::{Path, PathBuf};

use clap::Args;
use setara_core::{Lang, Localized, Regions};
use setara_linkage::{Config, Linkage, Table};
use setara_registry::writer::{Dialect, csv_writer};
use setara_registry::{RawRecord, Source};
use setara_store::{DedupRun, PairClass, ScoredPair};

use crate::context::{Context, show_path};
use crate::failure::{Failure, Kind, Result};
use crate::output::OutputFile;

/// The built-in configuration for the registry's persons.
pub const PERSONS_CONFIG: &str = include_str!("../../examples/linkage/persons.toml");

/// Most pairs one `setara dedup persons` run records in the store (duplicates and the review
/// queue). Each costs about 0.9 KB of memory while it is recorded and 0.5 KB in the store
/// (measured: 1,124,250 pairs of 1,500 identical persons, 990 MB peak, 0.59 GB store); a
/// million pairs is more than any office reviews, and a registry that produces them has a data
/// or configuration problem to fix first.
pub const MAX_RECORDED_PAIRS: usize = 1_000_000;

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

/// A linkage error as the user sees it: its stable code, both languages, `file: ` before the
/// message when it comes from a configuration file. Too many candidate pairs carries the
/// details (rule, pairs, biggest blocks) in the JSON error object, printed here.
fn linkage_failure(
    ctx: &Context,
    kind: Kind,
    e: &setara_linkage::Error,
    file: Option<&Path>,
) -> Failure {
    use setara_linkage::Error as E;
    // Name the configuration file when the error is about what it says.
    let about_config = match e {
        E::Toml(_) | E::ConfigTooLarge { .. } | E::Config { .. } | E::UnknownColumn { .. } => true,
        E::TooManyPairs(x) => x.rule.is_some(),
        _ => false,
    };
    let at = match file {
        Some(p) if about_config => format!("{}: ", shown(p)),
        _ => String::new(),
    };
    let mut f = Failure::new(
        kind,
        e.code(),
        format!("{at}{}", e.message_id()),
        format!("{at}{e}"),
    );
    if let setara_linkage::Error::TooManyPairs(x) = e
        && ctx.json
    {
        let mut error = f.to_json(ctx.lang);
        error["details"] = serde_json::to_value(x).unwrap_or_default();
        outln!("{}", serde_json::json!({ "error": error }));
        f.json_printed = true;
    }
    f
}

/// A path as messages show it: relative to the current directory when inside it.
fn shown(p: &Path) -> String {
    match show_path(p) {
        s if s.is_empty() => p.display().to_string(),
        s => s,
    }
}

/// Read a linkage configuration: a regular file of at most `MAX_CONFIG_BYTES` of UTF-8 text.
fn read_config(ctx: &Context, path: &Path) -> Result<(Config, String)> {
    let text = crate::input::read_text(
        path,
        &crate::input::SmallFile {
            max: setara_linkage::MAX_CONFIG_BYTES,
            what: (
                "berkas konfigurasi pencocokan (TOML)",
                "linkage configuration file (TOML)",
            ),
            directory: "linkage_config_not_a_file",
            too_large: "linkage_config_too_large",
            not_utf8: "linkage_config_not_utf8",
        },
    )?;
    let config = Config::from_toml(&text)
        .map_err(|e| linkage_failure(ctx, Kind::Invalid, &e, Some(path)))?;
    Ok((config, text))
}

/// A table read from a file: the records and, for each, its row in the file as a spreadsheet
/// numbers it (header = 1; for CSV the line where the record starts).
pub struct InputTable {
    pub table: Table,
    pub rows: Vec<u64>,
}

/// Read any CSV/XLSX file as a linkage table: every column, as text. Lines over
/// `MAX_LINE_BYTES`, fields over `MAX_FIELD_BYTES`, rows with another number of fields than
/// the header and more than `setara_linkage::MAX_ROWS` records are refused, naming the line.
pub fn read_table(path: &Path) -> Result<InputTable> {
    let file = std::fs::File::open(path).map_err(|e| Failure::io(path, &e))?;
    let fail = |e: &setara_registry::FileError| {
        Failure::new(
            Kind::Invalid,
            e.code(),
            format!("{}: {}", path.display(), e.message(Lang::Id)),
            format!("{}: {}", path.display(), e.message(Lang::En)),
        )
    };
    let mut source = Source::open(Box::new(std::io::BufReader::with_capacity(1 << 20, file)))
        .map_err(|e| fail(&e))?;
    let mut rec = RawRecord::default();
    if !source.next_into(&mut rec).map_err(|e| fail(&e))? {
        return Err(Failure::invalid(
            "file_empty",
            format!("{}: berkas kosong", path.display()),
            format!("{}: the file is empty", path.display()),
        ));
    }
    let names: Vec<String> = rec
        .fields
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    if let Some(i) = names.iter().position(|n| n.is_empty()) {
        return Err(Failure::invalid(
            "header_invalid",
            format!("{}: kolom ke-{} tidak bernama", path.display(), i + 1),
            format!("{}: column {} has no name", path.display(), i + 1),
        ));
    }
    let width = names.len();
    let mut table = Table::new(names).map_err(|e| {
        Failure::new(
            Kind::Invalid,
            "header_invalid",
            format!("{}: {e}", path.display()),
            format!("{}: {e}", path.display()),
        )
    })?;
    let mut rows = Vec::new();
    while source.next_into(&mut rec).map_err(|e| fail(&e))? {
        if let Some(i) = rec.too_long {
            let max = setara_registry::limits::MAX_FIELD_BYTES;
            return Err(Failure::invalid(
                "value_too_long",
                format!(
                    "{}:{} kolom {}: nilai lebih panjang dari {max} bita",
                    path.display(),
                    rec.row,
                    i + 1
                ),
                format!(
                    "{}:{} column {}: value longer than {max} bytes",
                    path.display(),
                    rec.row,
                    i + 1
                ),
            ));
        }
        if rows.len() >= setara_linkage::MAX_ROWS {
            let max = setara_linkage::MAX_ROWS;
            return Err(Failure::invalid(
                "linkage_too_many_rows",
                format!(
                    "{}:{}: lebih dari {max} rekaman; cocokkan per bagian (misalnya per wilayah)",
                    path.display(),
                    rec.row
                ),
                format!(
                    "{}:{}: more than {max} records; link the file in parts (e.g. by region)",
                    path.display(),
                    rec.row
                ),
            ));
        }
        if let Some(i) = rec.not_utf8 {
            return Err(Failure::invalid(
                "text_not_utf8",
                format!(
                    "{}:{} kolom {}: teks bukan UTF-8; simpan sebagai \"CSV UTF-8\"",
                    path.display(),
                    rec.row,
                    i + 1
                ),
                format!(
                    "{}:{} column {}: text is not UTF-8; save as \"CSV UTF-8\"",
                    path.display(),
                    rec.row,
                    i + 1
                ),
            ));
        }
        // Extra fields that are all empty (a trailing delimiter) lose nothing; missing fields
        // or extra values are a broken row.
        if rec.fields.len() < width
            || (rec.fields.len() > width
                && rec.fields[width..].iter().any(|f| !f.trim().is_empty()))
        {
            return Err(Failure::invalid(
                "field_count",
                format!(
                    "{}:{}: {} kolom, seharusnya {width}",
                    path.display(),
                    rec.row,
                    rec.fields.len()
                ),
                format!(
                    "{}:{}: {} fields, expected {width}",
                    path.display(),
                    rec.row,
                    rec.fields.len()
                ),
            ));
        }
        rec.fields.truncate(width);
        table
            .push_row(rec.fields.iter().map(|s| s.trim()))
            .map_err(|e| {
                Failure::new(
                    Kind::Invalid,
                    "row_invalid",
                    format!("{}:{}: {e}", path.display(), rec.row),
                    format!("{}:{}: {e}", path.display(), rec.row),
                )
            })?;
        rows.push(rec.row);
    }
    Ok(InputTable { table, rows })
}

/// The id column of a table: its index, and the first value that repeats (the rows of its
/// first two records), if any.
///
/// The id only labels records in the output; records are identified by their row in the file,
/// so an id may repeat or be empty (a persons file has the same NIK in several rows: injected
/// duplicates, a person listed in two family cards; finding those is the point of `dedup`).
struct IdColumn {
    col: usize,
    repeated: Option<(String, u64, u64)>,
}

fn id_column(input: &InputTable, path: &Path, id: &str) -> Result<IdColumn> {
    let table = &input.table;
    let col = table.column_index(id).ok_or_else(|| {
        let have = table.column_names().join(", ");
        Failure::invalid(
            "column_not_found",
            format!(
                "{}: tidak ada kolom {id:?} (kolom yang ada: {have})",
                path.display()
            ),
            format!("{}: no column {id:?} (columns: {have})", path.display()),
        )
    })?;
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for row in 0..table.len() {
        let v = table.value(row, col);
        if v.is_empty() {
            continue;
        }
        if let Some(&first) = seen.get(v) {
            return Ok(IdColumn {
                col,
                repeated: Some((v.to_string(), input.rows[first], input.rows[row])),
            });
        }
        seen.insert(v, row);
    }
    Ok(IdColumn {
        col,
        repeated: None,
    })
}

/// Tell the user when the id repeats: rows, not ids, identify the records.
fn note_repeated_id(ctx: &Context, path: &Path, id: &str, c: &IdColumn) {
    if let Some((v, a, b)) = &c.repeated {
        let v = setara_core::text::printable(v);
        ctx.say(format!(
            "{}: {} {id} {} ({v:?}: {} {a} {} {b}); {}",
            show_path(path),
            ctx.t("kolom", "column"),
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

/// One side of the output: a table, its row numbers and its id column.
struct Side<'a> {
    input: &'a InputTable,
    id: usize,
}

fn write_pairs(
    out: &mut OutputFile,
    linkage: &Linkage,
    left: &Side<'_>,
    right: &Side<'_>,
    dialect: Dialect,
) -> Result<()> {
    let (lt, lc, rt, rc) = (&left.input.table, left.id, &right.input.table, right.id);
    let path = out.path().to_path_buf();
    let write = |file: &mut std::io::BufWriter<std::fs::File>| -> std::io::Result<()> {
        let mut w = csv_writer(file, dialect)?;
        let mut header = vec![
            "id_left".to_string(),
            "id_right".into(),
            "row_left".into(),
            "row_right".into(),
            "match".into(),
            "match_probability".into(),
            "match_weight".into(),
        ];
        for f in &linkage.model.fields {
            header.push(format!("{}_level", f.column));
            header.push(format!("{}_weight", f.column));
        }
        w.write_record(&header)?;
        for (i, p) in linkage.pairs.iter().enumerate() {
            let mut rec = vec![
                lt.value(p.left as usize, lc).to_string(),
                rt.value(p.right as usize, rc).to_string(),
                left.input.rows[p.left as usize].to_string(),
                right.input.rows[p.right as usize].to_string(),
                if p.match_probability >= linkage.match_threshold {
                    "1".into()
                } else {
                    "0".into()
                },
                format!("{:.6}", p.match_probability),
                format!("{:.4}", p.match_weight),
            ];
            for e in linkage.explain(i) {
                rec.push(e.level.unwrap_or("null").to_string());
                rec.push(format!("{:.4}", e.weight + e.tf_adjustment));
            }
            w.write_record(&rec)?;
        }
        w.flush()
    };
    write(out.writer()).map_err(|e| Failure::io(&path, &e))
}

fn write_clusters(
    out: &mut OutputFile,
    linkage: &Linkage,
    tables: &[(&Side<'_>, &str)],
    dialect: Dialect,
) -> Result<()> {
    let clusters = linkage.clusters(linkage.match_threshold);
    let path = out.path().to_path_buf();
    let write = |file: &mut std::io::BufWriter<std::fs::File>| -> std::io::Result<()> {
        let mut w = csv_writer(file, dialect)?;
        w.write_record(["table", "row", "id", "cluster"])?;
        for (k, (side, name)) in tables.iter().enumerate() {
            let ids = if k == 0 {
                &clusters.left
            } else {
                &clusters.right
            };
            for (row, cl) in ids.iter().enumerate() {
                w.write_record([
                    *name,
                    &side.input.rows[row].to_string(),
                    side.input.table.value(row, side.id),
                    &cl.to_string(),
                ])?;
            }
        }
        w.flush()
    };
    write(out.writer()).map_err(|e| Failure::io(&path, &e))
}

/// The output files of a run, checked and opened before any work: never one of `inputs`, an
/// existing file only with `force`, --out and --clusters not the same file.
fn open_outputs(
    out: &Path,
    clusters: Option<&Path>,
    force: bool,
    inputs: &[&Path],
) -> Result<(OutputFile, Option<OutputFile>)> {
    // The same file, also when written differently (`./a.csv` and `a.csv`) or when it exists.
    let same = |a: &Path, b: &Path| {
        let dir = |p: &Path| {
            let d = p.parent().filter(|d| !d.as_os_str().is_empty());
            std::fs::canonicalize(d.unwrap_or(Path::new("."))).ok()
        };
        a == b
            || crate::output::same_file(a, b)
            || (a.file_name() == b.file_name() && dir(a).is_some() && dir(a) == dir(b))
    };
    if let Some(c) = clusters
        && same(c, out)
    {
        return Err(Failure::new(
            Kind::Usage,
            "dedup_usage",
            "--out dan --clusters menyebut berkas yang sama",
            "--out and --clusters name the same file",
        ));
    }
    let pairs = OutputFile::create(out, force, inputs)?;
    let clusters = clusters
        .map(|c| OutputFile::create(c, force, inputs))
        .transpose()?;
    Ok((pairs, clusters))
}

fn summary_json(linkage: &Linkage, extra: serde_json::Value) -> serde_json::Value {
    let matches = linkage.matches(linkage.match_threshold).count();
    let mut v = serde_json::json!({
        "pairs": linkage.pairs.len(),
        "matches": matches,
        "match_threshold": linkage.match_threshold,
        "stats": linkage.stats,
        "model": linkage.model,
    });
    if let (Some(o), serde_json::Value::Object(e)) = (v.as_object_mut(), extra) {
        o.extend(e);
    }
    v
}

fn print_summary(ctx: &Context, linkage: &Linkage, out: Option<&Path>) {
    let s = &linkage.stats;
    ctx.say(format!(
        "{} {} {}, {} {}: {} {} (≥ {}), {} {} ({:.2} s, {:.0} {})",
        s.left_rows + s.right_rows,
        ctx.t("rekaman", "records"),
        ctx.t("dibandingkan", "compared"),
        s.candidate_pairs,
        ctx.t("pasangan kandidat", "candidate pairs"),
        linkage.matches(linkage.match_threshold).count(),
        ctx.t("cocok", "matches"),
        linkage.match_threshold,
        linkage.pairs.len() - linkage.matches(linkage.match_threshold).count(),
        ctx.t("untuk ditinjau", "to review"),
        s.seconds_total,
        s.pairs_compared_per_second,
        ctx.t("pasangan/detik", "pairs/s")
    ));
    if let Some(p) = out {
        ctx.say(format!("{}: {}", ctx.t("Pasangan", "Pairs"), show_path(p)));
    }
}

pub fn run_dedup(ctx: &Context, a: DedupArgs) -> Result<()> {
    let dialect = if a.excel {
        Dialect::Excel
    } else {
        Dialect::Plain
    };
    match (&a.target, &a.input) {
        (Some(_), _) => dedup_persons(ctx, &a),
        (None, Some(input)) => {
            let (Some(id), Some(config_path), Some(out)) = (&a.id, &a.config, &a.out) else {
                return Err(Failure::new(
                    Kind::Usage,
                    "dedup_usage",
                    "--input memerlukan --id, --config dan --out",
                    "--input needs --id, --config and --out",
                ));
            };
            let (mut config, _) = read_config(ctx, config_path)?;
            if let Some(n) = a.max_pairs {
                config.max_candidate_pairs = n;
            }
            let (mut pairs_file, mut clusters_file) =
                open_outputs(out, a.clusters.as_deref(), a.force, &[input, config_path])?;
            let input_table = read_table(input)?;
            let idc = id_column(&input_table, input, id)?;
            let table = &input_table.table;
            config
                .validate(table.column_names())
                .map_err(|e| linkage_failure(ctx, Kind::Invalid, &e, Some(config_path)))?;
            let linkage = setara_linkage::dedup(table, &config)
                .map_err(|e| linkage_failure(ctx, Kind::Invalid, &e, Some(config_path)))?;
            let side = Side {
                input: &input_table,
                id: idc.col,
            };
            write_pairs(&mut pairs_file, &linkage, &side, &side, dialect)?;
            if let Some(c) = &mut clusters_file {
                write_clusters(c, &linkage, &[(&side, "input")], dialect)?;
            }
            pairs_file.commit()?;
            if let Some(c) = clusters_file {
                c.commit()?;
            }
            if ctx.json {
                outln!(
                    "{}",
                    summary_json(
                        &linkage,
                        serde_json::json!({"out": out, "id_unique": idc.repeated.is_none()})
                    )
                );
            } else {
                note_repeated_id(ctx, input, id, &idc);
                print_summary(ctx, &linkage, Some(out));
            }
            Ok(())
        }
        (None, None) => Err(Failure::new(
            Kind::Usage,
            "dedup_usage",
            "sebutkan `persons` (registri) atau --input BERKAS",
            "name `persons` (the registry) or --input FILE",
        )),
    }
}

pub fn run_link(ctx: &Context, a: LinkArgs) -> Result<()> {
    let dialect = if a.excel {
        Dialect::Excel
    } else {
        Dialect::Plain
    };
    let (mut config, _) = read_config(ctx, &a.config)?;
    if let Some(n) = a.max_pairs {
        config.max_candidate_pairs = n;
    }
    let (mut pairs_file, mut clusters_file) = open_outputs(
        &a.out,
        a.clusters.as_deref(),
        a.force,
        &[&a.left, &a.right, &a.config],
    )?;
    let left = read_table(&a.left)?;
    let right = read_table(&a.right)?;
    let lc = id_column(&left, &a.left, &a.id)?;
    let rc = id_column(&right, &a.right, &a.id)?;
    config
        .validate_link(left.table.column_names(), right.table.column_names())
        .map_err(|e| linkage_failure(ctx, Kind::Invalid, &e, Some(&a.config)))?;
    let linkage = setara_linkage::link(&left.table, &right.table, &config)
        .map_err(|e| linkage_failure(ctx, Kind::Invalid, &e, Some(&a.config)))?;
    let (l, r) = (
        Side {
            input: &left,
            id: lc.col,
        },
        Side {
            input: &right,
            id: rc.col,
        },
    );
    write_pairs(&mut pairs_file, &linkage, &l, &r, dialect)?;
    if let Some(c) = &mut clusters_file {
        write_clusters(c, &linkage, &[(&l, "left"), (&r, "right")], dialect)?;
    }
    pairs_file.commit()?;
    if let Some(c) = clusters_file {
        c.commit()?;
    }
    if ctx.json {
        outln!(
            "{}",
            summary_json(
                &linkage,
                serde_json::json!({
                    "out": a.out,
                    "id_unique": lc.repeated.is_none() && rc.repeated.is_none(),
                })
            )
        );
    } else {
        note_repeated_id(ctx, &a.left, &a.id, &lc);
        note_repeated_id(ctx, &a.right, &a.id, &rc);
        print_summary(ctx, &linkage, Some(&a.out));
    }
    Ok(())
}

fn dedup_persons(ctx: &Context, a: &DedupArgs) -> Result<()> {
    let scope = match &a.region {
        None => None,
        Some(s) => Some(
            Regions::kemendagri_2025()
                .parse_existing(s)
                .map_err(|e| Failure::from_localized(Kind::Invalid, &e))?,
        ),
    };
    // Messages about the configuration name its file (the built-in one is this file).
    let config_file = a
        .config
        .as_deref()
        .unwrap_or(Path::new("examples/linkage/persons.toml"));
    let (mut config, mut text) = match &a.config {
        Some(p) => read_config(ctx, p)?,
        None => (
            Config::from_toml(PERSONS_CONFIG)
                .map_err(|e| linkage_failure(ctx, Kind::Failed, &e, None))?,
            PERSONS_CONFIG.to_string(),
        ),
    };
    if let Some(n) = a.max_pairs {
        config.max_candidate_pairs = n;
        // The run records its configuration: say that the limit came from the command line.
        text.push_str(&format!("\n# setara dedup persons --max-pairs {n}\n"));
    }
    const COLUMNS: [&str; 6] = ["nik", "name", "sex", "birth_date", "kk", "region"];
    // A configuration that names a column the registry lacks fails before the store is read.
    config
        .validate(&COLUMNS)
        .map_err(|e| linkage_failure(ctx, Kind::Invalid, &e, Some(config_file)))?;
    let mut store = ctx.open_store()?;
    let persons = store.linkage_persons(scope)?;
    let mut table =
        Table::new(COLUMNS).map_err(|e| linkage_failure(ctx, Kind::Failed, &e, None))?;
    for p in &persons {
        table
            .push_row([
                p.nik.to_string(),
                p.name.clone(),
                p.sex.code().to_string(),
                p.birth_date.format("%Y-%m-%d").to_string(),
                p.kk.to_string(),
                p.region.clone(),
            ])
            .map_err(|e| linkage_failure(ctx, Kind::Failed, &e, None))?;
    }
    let bar = ctx.progress(0, ctx.t("mencocokkan rekaman", "linking records"));
    let linkage = setara_linkage::dedup(&table, &config);
    bar.finish_and_clear();
    // Too many pairs, too few persons: the data and the configuration, not the system.
    let linkage =
        linkage.map_err(|e| linkage_failure(ctx, Kind::Invalid, &e, Some(config_file)))?;
    if linkage.pairs.len() > MAX_RECORDED_PAIRS {
        let n = linkage.pairs.len();
        return Err(Failure::invalid(
            "dedup_too_many_pairs",
            format!(
                "{n} pasangan di atas min_probability, lebih dari {MAX_RECORDED_PAIRS} yang dapat dicatat dalam satu kali jalan; tidak ada yang dicatat. Periksa data (rekaman yang sama berulang kali?) atau naikkan min_probability di konfigurasi"
            ),
            format!(
                "{n} pairs at or above min_probability, more than the {MAX_RECORDED_PAIRS} one run may record; nothing was recorded. Check the data (the same record many times?) or raise min_probability in the configuration"
            ),
        ));
    }
    let mut pairs = Vec::with_capacity(linkage.pairs.len());
    for (i, p) in linkage.pairs.iter().enumerate() {
        let (x, y) = (&persons[p.left as usize], &persons[p.right as usize]);
        if x.entity == y.entity {
            // Already one entity (merged): nothing to decide.
            continue;
        }
        let explanation: Vec<serde_json::Value> = linkage
            .explain(i)
            .iter()
            .map(|e| serde_json::json!({"column": e.column, "level": e.level, "weight": e.weight, "tf_adjustment": e.tf_adjustment}))
            .collect();
        pairs.push(ScoredPair {
            a: x.id.min(y.id),
            b: x.id.max(y.id),
            match_weight: p.match_weight,
            match_probability: p.match_probability,
            explanation: serde_json::Value::Array(explanation).to_string(),
            class: if p.match_probability >= linkage.match_threshold {
                PairClass::Duplicate
            } else {
                PairClass::Review
            },
        });
    }
    let summary = store.record_dedup(
        &DedupRun {
            actor: ctx.actor.clone(),
            scope,
            config: text,
            persons: persons.len() as u64,
            pairs_compared: linkage.stats.candidate_pairs,
        },
        &pairs,
    )?;
    if ctx.json {
        outln!(
            "{}",
            summary_json(
                &linkage,
                serde_json::json!({"run_id": summary.run_id, "persons": persons.len(), "duplicates": summary.duplicates,
                                   "review": summary.review, "already_decided": summary.already_decided}),
            )
        );
        return Ok(());
    }
    print_summary(ctx, &linkage, None);
    ctx.say(format!(
        "{} {}: {} {} (≥ {}), {} {}, {} {}. {}",
        ctx.t("Deduplikasi", "Deduplication"),
        summary.run_id,
        summary.duplicates,
        ctx.t("pasangan ditandai duplikat", "pairs flagged as duplicates"),
        linkage.match_threshold,
        summary.review,
        ctx.t(
            "pasangan masuk antrean tinjauan",
            "pairs in the review queue"
        ),
        summary.already_decided,
        ctx.t("sudah diputuskan sebelumnya", "decided before"),
        ctx.t("Lihat `setara review list`.", "See `setara review list`.")
    ));
    Ok(())
}
