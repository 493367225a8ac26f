//! The crate's error type.

/// Why a configuration, a table or a linkage run was refused.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration text is not valid TOML, or a value has the wrong type or an unknown
    /// key (the message names the line and column, as the `toml` crate words it).
    #[error("linkage configuration: {0}")]
    Toml(String),
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
    /// The data cannot be linked as configured (too many rows, no comparison left…).
    #[error("linkage: {0}")]
    Linkage(String),
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
