use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::schema::{FORMAT_NAME, FORMAT_VERSION, SCHEMA_VERSION};

/// `manifest.json`: what a snapshot directory holds.
///
/// Everything but `created` follows from the content, so two snapshots of the same registry have
/// the same hash (and share one directory).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT_NAME`](crate::FORMAT_NAME).
    pub format: String,
    /// Directory layout version, [`FORMAT_VERSION`](crate::FORMAT_VERSION).
    pub format_version: u32,
    /// Column layout version, [`SCHEMA_VERSION`](crate::SCHEMA_VERSION).
    pub schema_version: u32,
    /// Number of rows of `households.arrow`.
    pub households: u64,
    /// Number of rows of `persons.arrow`.
    pub persons: u64,
    /// Hex SHA-256 over the bytes of `households.arrow` followed by those of `persons.arrow`;
    /// also the directory's name.
    pub sha256: String,
    /// The two data files, in hashing order.
    pub files: Vec<ManifestFile>,
    /// When the snapshot was written, RFC 3339 UTC (`2026-11-27T06:50:00Z`).
    pub created: String,
}

/// One data file of a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub name: String,
    pub bytes: u64,
    /// Hex SHA-256 of this file alone.
    pub sha256: String,
}

pub(crate) fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Manifest {
    pub(crate) fn read(path: &Path) -> Result<Manifest, Error> {
        let bytes = std::fs::read(path).map_err(Error::io(path, "read the snapshot manifest"))?;
        let bad = |reason: String| Error::Manifest {
            path: path.to_path_buf(),
            reason,
        };
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
        if m.format != FORMAT_NAME {
            return Err(bad(format!(
                "format is {:?}, expected {FORMAT_NAME:?}",
                m.format
            )));
        }
        if m.format_version != FORMAT_VERSION {
            return Err(bad(format!(
                "format version {} is not supported (this program reads version {FORMAT_VERSION})",
                m.format_version
            )));
        }
        if m.schema_version != SCHEMA_VERSION {
            return Err(bad(format!(
                "schema version {} is not supported (this program reads version {SCHEMA_VERSION})",
                m.schema_version
            )));
        }
        if !is_hash(&m.sha256) {
            return Err(bad(format!(
                "sha256 {:?} is not 64 lower-case hex digits",
                m.sha256
            )));
        }
        Ok(m)
    }

    /// The entry for data file `name`, if listed.
    pub fn file(&self, name: &str) -> Option<&ManifestFile> {
        self.files.iter().find(|f| f.name == name)
    }
}
