//! Columnar snapshots of the registry (potret kolumnar): the households and their members as
//! Arrow IPC files that statistics and targeting memory-map, instead of reading row by row from
//! the database.
//!
//! # Layout on disk
//!
//! ```text
//! snapshots/
//!   LATEST                      hash of the latest snapshot written, one line
//!   <hash>/                     one directory per distinct content, never modified once written
//!     households.arrow          Arrow IPC file, one record batch, uncompressed
//!     persons.arrow             Arrow IPC file, one record batch, uncompressed
//!     manifest.json             format and schema version, row counts, SHA-256s, creation time
//! ```
//!
//! `<hash>` is the hex SHA-256 over the bytes of `households.arrow` followed by those of
//! `persons.arrow`. Rows are sorted by content (households by region and KK, persons by household
//! and NIK), and the creation time is only in the manifest, so the same registry content always
//! gives the same hash, whatever order it was read in. A snapshot is written in a temporary
//! directory, synced, and renamed into place; `LATEST` is replaced by rename too. Readers never
//! see a half-written snapshot.
//!
//! The columns are described in [`schema`]. **A snapshot holds no names and no addresses**:
//! analytics do not need them, and leaving them out keeps personal data out of files that are
//! copied around for analysis.
//!
//! [`Column::get`] reads one row of a column as an `Option` (null = unknown), so that callers
//! outside the analytics crates do not have to depend on Arrow. [`ranking`] is the ranking file
//! (`rankings/N-HASH.arrow`): the columns of a welfare ranking, row-aligned with a snapshot.
//!
//! # Example
//!
//! ```no_run
//! # fn main() -> Result<(), setara_snapshot::Error> {
//! # let registry: Vec<(setara_core::Household, Vec<setara_core::Person>)> = vec![];
//! use setara_snapshot::{Snapshot, SnapshotBuilder};
//!
//! let mut builder = SnapshotBuilder::new();
//! for (household, members) in &registry {
//!     builder.add(household, members)?;
//! }
//! let info = builder.write("data/snapshots".as_ref())?;
//!
//! let snapshot = Snapshot::open_latest("data/snapshots")?;
//! assert_eq!(snapshot.hash(), info.hash);
//! let consumption = snapshot.consumption(); // &Int64Array over the mapped file
//! # let _ = consumption;
//! # Ok(()) }
//! ```

mod builder;
pub mod column;
mod error;
mod manifest;
pub mod ranking;
pub mod schema;
mod snapshot;

pub use builder::{SnapshotBuilder, SnapshotInfo};
pub use column::Column;
pub use error::Error;
pub use manifest::{Manifest, ManifestFile};
pub use schema::{
    FORMAT_NAME, FORMAT_VERSION, HOUSEHOLDS_FILE, LATEST_FILE, MANIFEST_FILE, PERSONS_FILE,
    SCHEMA_VERSION, SCHEMA_VERSION_KEY, households_schema, persons_schema,
};
pub use snapshot::{Snapshot, latest_hash};
