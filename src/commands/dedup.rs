//! `setara dedup` and `setara link`: probabilistic record linkage on any CSV/XLSX, and
//! deduplication of the registry's persons into a review queue.

use std::path::{Path, PathBuf};

use clap::Args;
use setara_core::{Lang, Localized, RegionCode, Regions};
use setara_linkage::{Config, Linkage, Table};
use setara_registry::writer::{Dialect, csv_writer};
use setara_registry::{RawRecord, Source};
use setara_store::{DedupRun, PairClass, ScoredPair};

use crate::context::{Context, show_path};
use crate::failure::{Failure, Kind, Result};

/// The built-in configuration for the registry's persons.
pub const PERSONS_CONFIG: &str = include_str!("../../examples/linkage/persons.toml");

#[derive(Debug, Args)]
pub struct DedupArgs {
    /// `persons`: deduplicate the registry's persons into the review queue. Without it, a file
    /// given with --input.
    #[arg(value_parser = ["persons"])]
    pub target: Option<String>,
    /// Any CSV or XLSX file to deduplicate.
    #[arg(long, conflicts_with = "target")]
    pub input: Option<PathBuf>,
    /// Column that identifies the records of --input in the output.
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
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The left table (CSV or XLSX).
    #[arg(long)]
    pub left: PathBuf,
    /// The right table (CSV or XLSX).
    #[arg(long)]
    pub right: PathBuf,
    /// Column that identifies the records of both tables in the output.
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
}

fn linkage_failure(kind: Kind, e: &setara_linkage::Error) -> Failure {
    // The linker's messages name the line and key or the row and column; they are English only.
    Failure::new(
        kind,
        "linkage_invalid",
        format!("pencocokan data: {e}"),
        e.to_string(),
    )
}

fn read_config(path: &Path) -> Result<(Config, String)> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::io(path, &e))?;
    let config = Config::from_toml(&text).map_err(|e| {
        let f = linkage_failure(Kind::Invalid, &e);
        Failure::new(
            Kind::Invalid,
            "linkage_config_invalid",
            format!("{}: {}", path.display(), f.id),
            format!("{}: {}", path.display(), f.en),
        )
    })?;
    Ok((config, text))
}

/// Read any CSV/XLSX file as a linkage table: every column, as text.
pub fn read_table(path: &Path) -> Result<Table> {
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
    while source.next_into(&mut rec).map_err(|e| fail(&e))? {
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
        if rec.fields.len() > width && rec.fields[width..].iter().any(|f| !f.trim().is_empty()) {
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
        rec.fields.resize(width, String::new());
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
    }
    Ok(table)
}

/// The id column's index; every record must have a distinct, non-empty id.
fn id_column(table: &Table, path: &Path, id: &str) -> Result<usize> {
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
    let mut seen = std::collections::HashMap::new();
    for row in 0..table.len() {
        let v = table.value(row, col);
        if v.is_empty() {
            return Err(Failure::invalid(
                "id_empty",
                format!("{}:{} kolom {id}: pengenal kosong", path.display(), row + 2),
                format!(
                    "{}:{} column {id}: the id is empty",
                    path.display(),
                    row + 2
                ),
            ));
        }
        if let Some(first) = seen.insert(v.to_string(), row) {
            return Err(Failure::invalid(
                "id_duplicate",
                format!(
                    "{}:{} kolom {id}: pengenal {v:?} sudah ada di baris {}",
                    path.display(),
                    row + 2,
                    first + 2
                ),
                format!(
                    "{}:{} column {id}: id {v:?} already on row {}",
                    path.display(),
                    row + 2,
                    first + 2
                ),
            ));
        }
    }
    Ok(col)
}

fn write_pairs(
    path: &Path,
    linkage: &Linkage,
    ids: (&Table, usize, &Table, usize),
    dialect: Dialect,
) -> Result<()> {
    let (lt, lc, rt, rc) = ids;
    let file = std::fs::File::create(path).map_err(|e| Failure::io(path, &e))?;
    let write = || -> std::io::Result<()> {
        let mut w = csv_writer(std::io::BufWriter::new(file), dialect)?;
        let mut header = vec![
            "id_left".to_string(),
            "id_right".into(),
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
    write().map_err(|e| Failure::io(path, &e))
}

fn write_clusters(
    path: &Path,
    linkage: &Linkage,
    tables: &[(&Table, usize, &str)],
    dialect: Dialect,
) -> Result<()> {
    let clusters = linkage.clusters(linkage.match_threshold);
    let file = std::fs::File::create(path).map_err(|e| Failure::io(path, &e))?;
    let write = || -> std::io::Result<()> {
        let mut w = csv_writer(std::io::BufWriter::new(file), dialect)?;
        w.write_record(["table", "id", "cluster"])?;
        for (k, (t, c, name)) in tables.iter().enumerate() {
            let ids = if k == 0 {
                &clusters.left
            } else {
                &clusters.right
            };
            for (row, cl) in ids.iter().enumerate() {
                w.write_record([*name, t.value(row, *c), &cl.to_string()])?;
            }
        }
        w.flush()
    };
    write().map_err(|e| Failure::io(path, &e))
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
            let (Some(id), Some(config), Some(out)) = (&a.id, &a.config, &a.out) else {
                return Err(Failure::new(
                    Kind::Usage,
                    "dedup_usage",
                    "--input memerlukan --id, --config dan --out",
                    "--input needs --id, --config and --out",
                ));
            };
            let (config, _) = read_config(config)?;
            let table = read_table(input)?;
            let idc = id_column(&table, input, id)?;
            let ignore: Vec<&str> = table
                .column_names()
                .iter()
                .map(String::as_str)
                .filter(|c| *c != id)
                .collect();
            config
                .validate(&ignore)
                .map_err(|e| linkage_failure(Kind::Invalid, &e))?;
            let linkage = setara_linkage::dedup(&table, &config)
                .map_err(|e| linkage_failure(Kind::Invalid, &e))?;
            write_pairs(out, &linkage, (&table, idc, &table, idc), dialect)?;
            if let Some(c) = &a.clusters {
                write_clusters(c, &linkage, &[(&table, idc, "input")], dialect)?;
            }
            if ctx.json {
                outln!(
                    "{}",
                    summary_json(&linkage, serde_json::json!({"out": out}))
                );
            } else {
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
    let (config, _) = read_config(&a.config)?;
    let left = read_table(&a.left)?;
    let right = read_table(&a.right)?;
    let lc = id_column(&left, &a.left, &a.id)?;
    let rc = id_column(&right, &a.right, &a.id)?;
    let l: Vec<&str> = left
        .column_names()
        .iter()
        .map(String::as_str)
        .filter(|c| *c != a.id)
        .collect();
    let r: Vec<&str> = right
        .column_names()
        .iter()
        .map(String::as_str)
        .filter(|c| *c != a.id)
        .collect();
    config
        .validate_link(&l, &r)
        .map_err(|e| linkage_failure(Kind::Invalid, &e))?;
    let linkage = setara_linkage::link(&left, &right, &config)
        .map_err(|e| linkage_failure(Kind::Invalid, &e))?;
    write_pairs(&a.out, &linkage, (&left, lc, &right, rc), dialect)?;
    if let Some(c) = &a.clusters {
        write_clusters(
            c,
            &linkage,
            &[(&left, lc, "left"), (&right, rc, "right")],
            dialect,
        )?;
    }
    if ctx.json {
        outln!(
            "{}",
            summary_json(&linkage, serde_json::json!({"out": a.out}))
        );
    } else {
        print_summary(ctx, &linkage, Some(&a.out));
    }
    Ok(())
}

fn dedup_persons(ctx: &Context, a: &DedupArgs) -> Result<()> {
    let scope = match &a.region {
        None => None,
        Some(s) => {
            let code =
                RegionCode::parse(s).map_err(|e| Failure::from_localized(Kind::Invalid, &e))?;
            if Regions::kemendagri_2025().get(code).is_none() {
                return Err(Failure::invalid(
                    "region_not_found",
                    format!("kode wilayah {code} tidak ada dalam Kepmendagri 2025"),
                    format!("region code {code} is not in the Kepmendagri 2025 table"),
                ));
            }
            Some(code)
        }
    };
    let (config, text) = match &a.config {
        Some(p) => read_config(p)?,
        None => (
            Config::from_toml(PERSONS_CONFIG).map_err(|e| linkage_failure(Kind::Failed, &e))?,
            PERSONS_CONFIG.to_string(),
        ),
    };
    let mut store = ctx.open_store()?;
    let persons = store.linkage_persons(scope)?;
    let mut table = Table::new(["nik", "name", "sex", "birth_date", "kk", "region"])
        .map_err(|e| linkage_failure(Kind::Failed, &e))?;
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
            .map_err(|e| linkage_failure(Kind::Failed, &e))?;
    }
    config
        .validate(&["nik", "name", "sex", "birth_date", "kk", "region"])
        .map_err(|e| linkage_failure(Kind::Invalid, &e))?;
    let bar = ctx.progress(0, ctx.t("mencocokkan rekaman", "linking records"));
    let linkage =
        setara_linkage::dedup(&table, &config).map_err(|e| linkage_failure(Kind::Failed, &e))?;
    bar.finish_and_clear();
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
