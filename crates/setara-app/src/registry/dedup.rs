//! Record linkage (crate `setara-linkage`): deduplicating any CSV/XLSX file, linking two files,
//! and deduplicating the registry's persons into the review queue (decided with
//! [`crate::review`]).
//!
//! Scope: linking files reads no registry, so any caller may; deduplicating the registry's
//! persons covers the caller's region scope (or a region inside it) only.

use std::path::{Path, PathBuf};

use serde::Serialize;
use setara_core::{Lang, Localized, RegionCode};
use setara_linkage::{Config, Linkage, Table};
use setara_registry::writer::{Dialect, csv_writer};
use setara_registry::{RawRecord, Source};
use setara_store::{DedupRun, PairClass, ScoredPair};

use crate::error::{Error, ErrorKind, Result};
use crate::output::OutputFile;
use crate::{App, Caller, DataDir, Progress};

/// The built-in configuration for the registry's persons.
pub const PERSONS_CONFIG: &str = include_str!("../../../../examples/linkage/persons.toml");

/// Most pairs one deduplication of the registry's persons records in the store (duplicates and
/// the review queue). Each costs about 0.9 KB of memory while it is recorded and 0.5 KB in the
/// store (measured: 1,124,250 pairs of 1,500 identical persons, 990 MB peak, 0.59 GB store); a
/// million pairs is more than any office reviews, and a registry that produces them has a data
/// or configuration problem to fix first.
pub const MAX_RECORDED_PAIRS: usize = 1_000_000;

/// A linkage operation's failure: the error, and for too many candidate pairs
/// (`linkage_too_many_pairs`) the details (rule, pairs, biggest blocks).
#[derive(Debug)]
pub struct LinkageFailure {
    pub error: Error,
    pub too_many_pairs: Option<Box<setara_linkage::PairExplosion>>,
}

impl From<Error> for LinkageFailure {
    fn from(error: Error) -> LinkageFailure {
        LinkageFailure {
            error,
            too_many_pairs: None,
        }
    }
}

impl From<setara_store::StoreError> for LinkageFailure {
    fn from(e: setara_store::StoreError) -> LinkageFailure {
        Error::from(e).into()
    }
}

/// A linkage error with its stable code, `file: ` before the message when it comes from a
/// configuration file.
fn linkage_failure(
    shown: &DataDir,
    kind: ErrorKind,
    e: setara_linkage::Error,
    file: Option<&Path>,
) -> LinkageFailure {
    use setara_linkage::Error as E;
    // Name the configuration file when the error is about what it says.
    let about_config = match &e {
        E::Toml(_) | E::ConfigTooLarge { .. } | E::Config { .. } | E::UnknownColumn { .. } => true,
        E::TooManyPairs(x) => x.rule.is_some(),
        _ => false,
    };
    let at = match file {
        Some(p) if about_config => format!("{}: ", shown.show(p)),
        _ => String::new(),
    };
    let error = Error::new(
        kind,
        e.code(),
        format!("{at}{}", e.message_id()),
        format!("{at}{e}"),
    );
    LinkageFailure {
        error,
        too_many_pairs: match e {
            E::TooManyPairs(x) => Some(x),
            _ => None,
        },
    }
}

/// Read a linkage configuration: a regular file of at most `MAX_CONFIG_BYTES` of UTF-8 text.
fn read_config(
    shown: &DataDir,
    path: &Path,
) -> std::result::Result<(Config, String), LinkageFailure> {
    let text = crate::input::read_text(
        shown,
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
        .map_err(|e| linkage_failure(shown, ErrorKind::Invalid, e, Some(path)))?;
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
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, &e))?;
    let fail = |e: &setara_registry::FileError| {
        Error::invalid(
            e.code(),
            format!("{}: {}", path.display(), e.message(Lang::Id)),
            format!("{}: {}", path.display(), e.message(Lang::En)),
        )
    };
    let mut source = Source::open(Box::new(std::io::BufReader::with_capacity(1 << 20, file)))
        .map_err(|e| fail(&e))?;
    let mut rec = RawRecord::default();
    if !source.next_into(&mut rec).map_err(|e| fail(&e))? {
        return Err(Error::invalid(
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
        return Err(Error::invalid(
            "header_invalid",
            format!("{}: kolom ke-{} tidak bernama", path.display(), i + 1),
            format!("{}: column {} has no name", path.display(), i + 1),
        ));
    }
    let width = names.len();
    let mut table = Table::new(names).map_err(|e| {
        Error::invalid(
            "header_invalid",
            format!("{}: {e}", path.display()),
            format!("{}: {e}", path.display()),
        )
    })?;
    let mut rows = Vec::new();
    while source.next_into(&mut rec).map_err(|e| fail(&e))? {
        if let Some(i) = rec.too_long {
            let max = setara_registry::limits::MAX_FIELD_BYTES;
            return Err(Error::invalid(
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
            return Err(Error::invalid(
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
            return Err(Error::invalid(
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
            return Err(Error::invalid(
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
                Error::invalid(
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
pub struct IdColumn {
    pub col: usize,
    pub repeated: Option<(String, u64, u64)>,
}

pub fn id_column(input: &InputTable, path: &Path, id: &str) -> Result<IdColumn> {
    let table = &input.table;
    let col = table.column_index(id).ok_or_else(|| {
        let have = table.column_names().join(", ");
        Error::invalid(
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
    write(out.writer()).map_err(|e| Error::io(&path, &e))
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
    write(out.writer()).map_err(|e| Error::io(&path, &e))
}

/// The output files of a run, checked and opened before any work: never one of `inputs`, an
/// existing file only with `force`, --out and --clusters not the same file.
fn open_outputs(
    shown: &DataDir,
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
        return Err(Error::invalid(
            "dedup_outputs_same_file",
            "--out dan --clusters menyebut berkas yang sama",
            "--out and --clusters name the same file",
        ));
    }
    let pairs = OutputFile::create(shown, out, force, inputs)?;
    let clusters = clusters
        .map(|c| OutputFile::create(shown, c, force, inputs))
        .transpose()?;
    Ok((pairs, clusters))
}

/// What a linkage found, as every linkage operation reports it.
#[derive(Clone, Debug, Serialize)]
pub struct LinkageSummary {
    /// Pairs at or above `min_probability`.
    pub pairs: usize,
    /// Pairs at or above the match threshold.
    pub matches: usize,
    pub match_threshold: f64,
    pub stats: setara_linkage::Stats,
    pub model: setara_linkage::Model,
}

impl LinkageSummary {
    fn of(linkage: &Linkage) -> LinkageSummary {
        LinkageSummary {
            pairs: linkage.pairs.len(),
            matches: linkage.matches(linkage.match_threshold).count(),
            match_threshold: linkage.match_threshold,
            stats: linkage.stats.clone(),
            model: linkage.model.clone(),
        }
    }
}

/// An id column whose value repeats: rows, not ids, identify the records.
#[derive(Clone, Debug, Serialize)]
pub struct RepeatedId {
    pub file: PathBuf,
    pub column: String,
    pub value: String,
    /// The rows of its first two records.
    pub rows: (u64, u64),
}

/// Linkage of files: the pairs and clusters written, and what was found.
#[derive(Clone, Debug, Serialize)]
pub struct FileLinkResult {
    #[serde(flatten)]
    pub linkage: LinkageSummary,
    /// The scored pairs (CSV).
    pub out: PathBuf,
    /// Each record's cluster (CSV), if asked for.
    pub clusters: Option<PathBuf>,
    /// Whether the id column's values are unique in every file.
    pub id_unique: bool,
    /// The id columns whose values repeat, in the order of the files.
    #[serde(skip)]
    pub repeated_ids: Vec<RepeatedId>,
}

/// Options of the output files of a linkage of files.
#[derive(Clone, Debug)]
pub struct LinkOutputs {
    /// Where to write the scored pairs (CSV).
    pub out: PathBuf,
    /// Where to write each record's cluster (CSV).
    pub clusters: Option<PathBuf>,
    /// Replace the files if they exist (never an input file).
    pub force: bool,
    pub dialect: Dialect,
}

/// Deduplicate one file.
#[derive(Clone, Debug)]
pub struct DedupFileRequest {
    /// Any CSV or XLSX file.
    pub input: PathBuf,
    /// Column whose value labels each record in the output.
    pub id: String,
    /// Linkage configuration (TOML).
    pub config: PathBuf,
    /// Overrides the configuration's `max_candidate_pairs`.
    pub max_pairs: Option<u64>,
    pub outputs: LinkOutputs,
}

/// Link the records of two files.
#[derive(Clone, Debug)]
pub struct LinkRequest {
    pub left: PathBuf,
    pub right: PathBuf,
    /// Column whose value labels the records of both tables in the output.
    pub id: String,
    /// Linkage configuration (TOML).
    pub config: PathBuf,
    /// Overrides the configuration's `max_candidate_pairs`.
    pub max_pairs: Option<u64>,
    pub outputs: LinkOutputs,
}

fn repeated(input: &Path, id: &str, c: &IdColumn) -> Option<RepeatedId> {
    c.repeated.as_ref().map(|(v, a, b)| RepeatedId {
        file: input.to_path_buf(),
        column: id.to_string(),
        value: v.clone(),
        rows: (*a, *b),
    })
}

/// What linking files starts with, before any work: the configuration (with `max_pairs`
/// applied) and the output files, opened and checked against `inputs`.
fn prepare(
    shown: &DataDir,
    config: &Path,
    max_pairs: Option<u64>,
    o: &LinkOutputs,
    inputs: &[&Path],
) -> std::result::Result<(Config, OutputFile, Option<OutputFile>), LinkageFailure> {
    let (mut config, _) = read_config(shown, config)?;
    if let Some(n) = max_pairs {
        config.max_candidate_pairs = n;
    }
    let (pairs, clusters) = open_outputs(shown, &o.out, o.clusters.as_deref(), o.force, inputs)?;
    Ok((config, pairs, clusters))
}

/// Give the output files their names, once everything is written.
fn commit(pairs: OutputFile, clusters: Option<OutputFile>) -> Result<()> {
    pairs.commit()?;
    if let Some(c) = clusters {
        c.commit()?;
    }
    Ok(())
}

/// Deduplicate the records of one file into scored pairs (and clusters). The output files are
/// checked before any work: never an input, an existing file only with `force`, the pairs and
/// clusters not the same file (`dedup_outputs_same_file`). Reads no registry: any caller may.
pub fn dedup_file(
    app: &App,
    _caller: &Caller,
    req: &DedupFileRequest,
) -> std::result::Result<FileLinkResult, LinkageFailure> {
    let shown = &app.data;
    let o = &req.outputs;
    let (config, mut pairs_file, mut clusters_file) = prepare(
        shown,
        &req.config,
        req.max_pairs,
        o,
        &[&req.input, &req.config],
    )?;
    let input_table = read_table(&req.input)?;
    let idc = id_column(&input_table, &req.input, &req.id)?;
    let table = &input_table.table;
    config
        .validate(table.column_names())
        .map_err(|e| linkage_failure(shown, ErrorKind::Invalid, e, Some(&req.config)))?;
    let linkage = setara_linkage::dedup(table, &config)
        .map_err(|e| linkage_failure(shown, ErrorKind::Invalid, e, Some(&req.config)))?;
    let side = Side {
        input: &input_table,
        id: idc.col,
    };
    write_pairs(&mut pairs_file, &linkage, &side, &side, o.dialect)?;
    if let Some(c) = &mut clusters_file {
        write_clusters(c, &linkage, &[(&side, "input")], o.dialect)?;
    }
    commit(pairs_file, clusters_file)?;
    let repeated_ids: Vec<RepeatedId> = repeated(&req.input, &req.id, &idc).into_iter().collect();
    Ok(FileLinkResult {
        linkage: LinkageSummary::of(&linkage),
        out: o.out.clone(),
        clusters: o.clusters.clone(),
        id_unique: repeated_ids.is_empty(),
        repeated_ids,
    })
}

/// Link the records of two files that describe the same people; the rules of
/// [`dedup_file`]. Reads no registry: any caller may.
pub fn link_files(
    app: &App,
    _caller: &Caller,
    req: &LinkRequest,
) -> std::result::Result<FileLinkResult, LinkageFailure> {
    let shown = &app.data;
    let o = &req.outputs;
    let (config, mut pairs_file, mut clusters_file) = prepare(
        shown,
        &req.config,
        req.max_pairs,
        o,
        &[&req.left, &req.right, &req.config],
    )?;
    let left = read_table(&req.left)?;
    let right = read_table(&req.right)?;
    let lc = id_column(&left, &req.left, &req.id)?;
    let rc = id_column(&right, &req.right, &req.id)?;
    config
        .validate_link(left.table.column_names(), right.table.column_names())
        .map_err(|e| linkage_failure(shown, ErrorKind::Invalid, e, Some(&req.config)))?;
    let linkage = setara_linkage::link(&left.table, &right.table, &config)
        .map_err(|e| linkage_failure(shown, ErrorKind::Invalid, e, Some(&req.config)))?;
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
    write_pairs(&mut pairs_file, &linkage, &l, &r, o.dialect)?;
    if let Some(c) = &mut clusters_file {
        write_clusters(c, &linkage, &[(&l, "left"), (&r, "right")], o.dialect)?;
    }
    commit(pairs_file, clusters_file)?;
    let repeated_ids: Vec<RepeatedId> = [
        repeated(&req.left, &req.id, &lc),
        repeated(&req.right, &req.id, &rc),
    ]
    .into_iter()
    .flatten()
    .collect();
    Ok(FileLinkResult {
        linkage: LinkageSummary::of(&linkage),
        out: o.out.clone(),
        clusters: o.clusters.clone(),
        id_unique: repeated_ids.is_empty(),
        repeated_ids,
    })
}

/// Deduplicate the registry's persons.
#[derive(Clone, Debug, Default)]
pub struct DedupPersonsRequest {
    /// Only persons of households in this region (within the caller's scope).
    pub region: Option<RegionCode>,
    /// Linkage configuration (TOML); default the built-in [`PERSONS_CONFIG`].
    pub config: Option<PathBuf>,
    /// Overrides the configuration's `max_candidate_pairs` (recorded with the run).
    pub max_pairs: Option<u64>,
}

/// A deduplication run of the registry's persons.
#[derive(Clone, Debug, Serialize)]
pub struct DedupPersonsResult {
    #[serde(flatten)]
    pub linkage: LinkageSummary,
    pub run_id: i64,
    /// The region deduplicated (the request's, else the caller's scope; `None`: everything).
    pub scope: Option<RegionCode>,
    pub persons: usize,
    /// Pairs flagged as duplicates (at or above the match threshold).
    pub duplicates: u64,
    /// Pairs put in the review queue.
    pub review: u64,
    /// Pairs an officer had decided before.
    pub already_decided: u64,
}

/// Deduplicate the registry's persons (of the caller's scope) into duplicates and the review
/// queue. More than [`MAX_RECORDED_PAIRS`] pairs are refused (`dedup_too_many_pairs`) and
/// nothing is recorded. Progress: a spinner while the records are linked.
pub fn dedup_persons(
    app: &App,
    caller: &Caller,
    req: &DedupPersonsRequest,
    progress: &mut dyn Progress,
) -> std::result::Result<DedupPersonsResult, LinkageFailure> {
    let scope = super::scoped_region(caller, req.region)?;
    caller.require_registry_change()?;
    let shown = &app.data;
    // Messages about the configuration name its file (the built-in one is this file).
    let config_file = req
        .config
        .as_deref()
        .unwrap_or(Path::new("examples/linkage/persons.toml"));
    let (mut config, mut text) = match &req.config {
        Some(p) => read_config(shown, p)?,
        None => (
            Config::from_toml(PERSONS_CONFIG)
                .map_err(|e| linkage_failure(shown, ErrorKind::Internal, e, None))?,
            PERSONS_CONFIG.to_string(),
        ),
    };
    if let Some(n) = req.max_pairs {
        config.max_candidate_pairs = n;
        // The run records its configuration: say that the limit came from the command line.
        text.push_str(&format!("\n# setara dedup persons --max-pairs {n}\n"));
    }
    const COLUMNS: [&str; 6] = ["nik", "name", "sex", "birth_date", "kk", "region"];
    // A configuration that names a column the registry lacks fails before the store is read.
    config
        .validate(&COLUMNS)
        .map_err(|e| linkage_failure(shown, ErrorKind::Invalid, e, Some(config_file)))?;
    let mut store = app.writer()?;
    let persons = store.linkage_persons(scope)?;
    let mut table =
        Table::new(COLUMNS).map_err(|e| linkage_failure(shown, ErrorKind::Internal, e, None))?;
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
            .map_err(|e| linkage_failure(shown, ErrorKind::Internal, e, None))?;
    }
    progress.start(0);
    let linkage = setara_linkage::dedup(&table, &config);
    progress.finish();
    // Too many pairs, too few persons: the data and the configuration, not the system.
    let linkage =
        linkage.map_err(|e| linkage_failure(shown, ErrorKind::Invalid, e, Some(config_file)))?;
    if linkage.pairs.len() > MAX_RECORDED_PAIRS {
        let n = linkage.pairs.len();
        return Err(Error::invalid(
            "dedup_too_many_pairs",
            format!(
                "{n} pasangan di atas min_probability, lebih dari {MAX_RECORDED_PAIRS} yang dapat dicatat dalam satu kali jalan; tidak ada yang dicatat. Periksa data (rekaman yang sama berulang kali?) atau naikkan min_probability di konfigurasi"
            ),
            format!(
                "{n} pairs at or above min_probability, more than the {MAX_RECORDED_PAIRS} one run may record; nothing was recorded. Check the data (the same record many times?) or raise min_probability in the configuration"
            ),
        )
        .into());
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
            actor: caller.actor.clone(),
            scope,
            config: text,
            persons: persons.len() as u64,
            pairs_compared: linkage.stats.candidate_pairs,
        },
        &pairs,
    )?;
    Ok(DedupPersonsResult {
        linkage: LinkageSummary::of(&linkage),
        run_id: summary.run_id,
        scope,
        persons: persons.len(),
        duplicates: summary.duplicates,
        review: summary.review,
        already_decided: summary.already_decided,
    })
}
