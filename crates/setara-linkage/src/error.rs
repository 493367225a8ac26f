//! The crate's error type.

use serde::Serialize;

/// Why a configuration, a table or a linkage run was refused.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration text is not valid TOML, or a value has the wrong type or an unknown
    /// key (the message names the line and column, as the `toml` crate words it).
    #[error("linkage configuration: {0}")]
    Toml(String),
    /// The configuration text is longer than [`crate::MAX_CONFIG_BYTES`].
    #[error("linkage configuration: {bytes} bytes, more than the limit of {max}")]
    ConfigTooLarge { bytes: usize, max: usize },
    /// The configuration is valid TOML but says something impossible.
    #[error("linkage configuration{}: {key}: {message}", at_line(*.line))]
    Config {
        /// 1-based line in the configuration text (0 when built in code).
        line: usize,
        /// The key or item concerned, e.g. `comparison[2].thresholds`.
        key: String,
        message: String,
    },
    /// The configuration names a column the table does not have.
    #[error(
        "linkage configuration{}: {key}: unknown column `{column}` in the {side} (columns: {available})",
        at_line(*.line)
    )]
    UnknownColumn {
        line: usize,
        key: String,
        column: String,
        /// `table`, `left table` or `right table`.
        side: &'static str,
        available: String,
    },
    /// A table was built wrongly (duplicate column names, a row of the wrong length).
    #[error("table: {0}")]
    Table(String),
    /// Reading CSV text failed.
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    /// A table has more rows than [`crate::MAX_ROWS`].
    #[error(
        "linkage: the {side} has {rows} rows, more than the limit of {max}; link it in parts (e.g. by region)"
    )]
    TooManyRows {
        side: &'static str,
        rows: usize,
        max: usize,
    },
    /// The blocking rules would make more candidate pairs than the configured limit; nothing
    /// was compared.
    #[error("{}", .0.english())]
    TooManyPairs(Box<PairExplosion>),
    /// The data cannot be linked as configured (too few rows, no comparison left…).
    #[error("linkage: {0}")]
    Linkage(String),
}

impl Error {
    /// A stable code for the kind of error (snake_case; callers show it and tests assert it).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Toml(_) | Error::Config { .. } => "linkage_config_invalid",
            Error::ConfigTooLarge { .. } => "linkage_config_too_large",
            Error::UnknownColumn { .. } => "linkage_unknown_column",
            Error::Table(_) | Error::Csv(_) => "linkage_table_invalid",
            Error::TooManyRows { .. } => "linkage_too_many_rows",
            Error::TooManyPairs(_) => "linkage_too_many_pairs",
            Error::Linkage(_) => "linkage_invalid",
        }
    }

    /// The message in Bahasa Indonesia. Parts quoted from the configuration or from the
    /// `toml` crate's own report (which is English) are kept as they are.
    pub fn message_id(&self) -> String {
        match self {
            Error::Toml(m) => format!("konfigurasi pencocokan tidak valid: {m}"),
            Error::ConfigTooLarge { bytes, max } => {
                format!("konfigurasi pencocokan: {bytes} bita, lebih dari batas {max} bita")
            }
            Error::Config { line, key, message } => format!(
                "konfigurasi pencocokan{}: {key}: {message}",
                at_line_id(*line)
            ),
            Error::UnknownColumn {
                line,
                key,
                column,
                side,
                available,
            } => format!(
                "konfigurasi pencocokan{}: {key}: kolom `{column}` tidak ada di {} (kolom yang ada: {available})",
                at_line_id(*line),
                match *side {
                    "left table" => "tabel kiri",
                    "right table" => "tabel kanan",
                    _ => "tabel",
                }
            ),
            Error::Table(m) => format!("tabel: {m}"),
            Error::Csv(e) => format!("CSV: {e}"),
            Error::TooManyRows { side, rows, max } => format!(
                "pencocokan data: {} berisi {rows} baris, lebih dari batas {max}; cocokkan per bagian (misalnya per wilayah)",
                match *side {
                    "left table" => "tabel kiri",
                    "right table" => "tabel kanan",
                    _ => "tabel",
                }
            ),
            Error::TooManyPairs(x) => x.indonesian(),
            Error::Linkage(m) => format!("pencocokan data: {m}"),
        }
    }
}

/// The blocking rules would make more candidate pairs than allowed: which rule (or the union of
/// all), how many pairs, the limit and the biggest blocks, so that the user can see which key
/// value is too common and choose a narrower rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PairExplosion {
    /// The rule that alone makes more pairs than the limit; `None` when every rule alone is
    /// within the limit but the rules together (each pair counted once) are not.
    pub rule: Option<String>,
    /// Line of that rule in the configuration (0 when unknown).
    pub line: usize,
    /// The rule's pairs; `None` for the union (counting stops as soon as it passes the limit,
    /// so only "more than the limit" is known).
    pub pairs: Option<u64>,
    pub limit: u64,
    /// The biggest blocks of the rule (for the union: of the rule with the most pairs), most
    /// pairs first.
    pub blocks: Vec<Block>,
    /// Every rule's own pair count (pairs agreeing on all its keys), in configuration order.
    pub rules: Vec<RulePairs>,
}

/// One rule's name and the pairs it makes on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RulePairs {
    pub rule: String,
    pub pairs: u64,
}

/// A block: the records sharing one value of a rule's keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Block {
    /// The key value, e.g. `sex = "male"` (long values are shortened).
    pub key: String,
    /// Records in the block (of the left table, in a link).
    pub rows: u64,
    /// Records of the right table in the block (links only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right_rows: Option<u64>,
    /// Candidate pairs the block makes: rows·(rows − 1)/2, or rows · right_rows in a link.
    pub pairs: u64,
}

impl PairExplosion {
    fn blocks_text(&self, rows: &str, right: &str, pairs: &str) -> String {
        self.blocks
            .iter()
            .map(|b| match b.right_rows {
                Some(r) => format!(
                    "{} ({} {rows} × {r} {right}, {} {pairs})",
                    b.key, b.rows, b.pairs
                ),
                None => format!("{} ({} {rows}, {} {pairs})", b.key, b.rows, b.pairs),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn english(&self) -> String {
        let blocks = self.blocks_text("records", "right", "pairs");
        let head = match &self.rule {
            Some(rule) => format!(
                "linkage configuration{}: blocking rule `{rule}` makes {} candidate pairs, more than the limit of {}",
                at_line(self.line),
                self.pairs.unwrap_or(0),
                self.limit
            ),
            None => format!(
                "linkage: the blocking rules together make more than {} distinct candidate pairs (the limit; each pair counted once); pairs of each rule on its own: {}",
                self.limit,
                self.rules
                    .iter()
                    .map(|r| format!("`{}` {}", r.rule, r.pairs))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        format!(
            "{head}. Biggest blocks: {blocks}. Nothing was compared. Block on a rarer key (or add one to the rule), or raise the limit (max_candidate_pairs in the configuration, or --max-pairs) if the memory allows: see docs/linkage.md"
        )
    }

    fn indonesian(&self) -> String {
        let blocks = self.blocks_text("rekaman", "kanan", "pasangan");
        let head = match &self.rule {
            Some(rule) => format!(
                "konfigurasi pencocokan{}: aturan blok `{rule}` menghasilkan {} pasangan kandidat, lebih dari batas {}",
                at_line_id(self.line),
                self.pairs.unwrap_or(0),
                self.limit
            ),
            None => format!(
                "pencocokan data: semua aturan blok bersama menghasilkan lebih dari {} pasangan kandidat berbeda (batasnya; tiap pasangan dihitung sekali); pasangan tiap aturan sendiri: {}",
                self.limit,
                self.rules
                    .iter()
                    .map(|r| format!("`{}` {}", r.rule, r.pairs))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        format!(
            "{head}. Blok terbesar: {blocks}. Tidak ada yang dibandingkan. Gunakan kunci blok yang lebih jarang (atau tambahkan kunci pada aturan itu), atau naikkan batasnya (max_candidate_pairs di konfigurasi, atau --max-pairs) bila memori cukup: lihat docs/linkage.md"
        )
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `, line N`, or nothing when the item has no line (a section that is missing altogether, or a
/// configuration built in code).
fn at_line(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(", line {line}")
    }
}

fn at_line_id(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(", baris {line}")
    }
}
