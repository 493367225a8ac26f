//! Opening a snapshot: memory-mapped, zero-copy Arrow arrays.

use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowPrimitiveType, Date32Type, Float64Type, Int64Type, UInt8Type, UInt16Type, UInt32Type,
    UInt64Type,
};
use arrow_array::{
    Array, BooleanArray, Date32Array, Float64Array, Int64Array, PrimitiveArray, RecordBatch,
    UInt8Array, UInt16Array, UInt32Array, UInt64Array,
};
use arrow_buffer::Buffer;
use arrow_ipc::convert::try_fb_to_schema;
use arrow_ipc::reader::{FileDecoder, read_footer_length};
use arrow_ipc::{root_as_footer, root_as_message};
use arrow_schema::SchemaRef;
use memmap2::Mmap;
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::manifest::{Manifest, is_hash};
use crate::schema::{
    HOUSEHOLDS_FILE, LATEST_FILE, MANIFEST_FILE, PERSONS_FILE, household as h, households_schema,
    person as p, persons_schema, schema_difference,
};

const MAGIC: &[u8; 6] = b"ARROW1";
/// Leading magic and padding, trailing footer length and magic.
const MIN_FILE_LEN: usize = 8 + 10;

/// An opened snapshot: both files memory-mapped, their columns as Arrow arrays that point into
/// the mapping (nothing is copied or parsed row by row).
///
/// Snapshot directories are immutable once written; a snapshot file must not be modified while
/// it is open (as with any memory-mapped file, the arrays would change under the reader).
#[derive(Debug, Clone)]
pub struct Snapshot {
    dir: PathBuf,
    manifest: Manifest,
    households: RecordBatch,
    persons: RecordBatch,
    households_map: Arc<Mmap>,
    persons_map: Arc<Mmap>,
}

impl Snapshot {
    /// Open the snapshot in `dir` (a `snapshots_dir/<hash>` directory).
    ///
    /// Checks the manifest, that both files are complete Arrow IPC files of the expected schema,
    /// the row counts, and that the households' `first_person`/`members` and the persons'
    /// `household` columns agree. The content hash is checked only by [`verify`](Self::verify),
    /// which reads every byte.
    pub fn open(dir: impl AsRef<Path>) -> Result<Snapshot, Error> {
        let dir = dir.as_ref().to_path_buf();
        let manifest = Manifest::read(&dir.join(MANIFEST_FILE))?;
        let (households_map, households) =
            map_batch(&dir.join(HOUSEHOLDS_FILE), households_schema())?;
        let (persons_map, persons) = map_batch(&dir.join(PERSONS_FILE), persons_schema())?;
        let snapshot = Snapshot {
            dir,
            manifest,
            households,
            persons,
            households_map,
            persons_map,
        };
        snapshot.check_consistency()?;
        Ok(snapshot)
    }

    /// Open the snapshot that `snapshots_dir/LATEST` names.
    pub fn open_latest(snapshots_dir: impl AsRef<Path>) -> Result<Snapshot, Error> {
        let snapshots_dir = snapshots_dir.as_ref();
        Snapshot::open(snapshots_dir.join(latest_hash(snapshots_dir)?))
    }

    fn check_consistency(&self) -> Result<(), Error> {
        let bad = |reason: String| Error::Inconsistent {
            path: self.dir.clone(),
            reason,
        };
        let (nh, np) = (self.household_count(), self.person_count());
        if nh as u64 != self.manifest.households || np as u64 != self.manifest.persons {
            return Err(bad(format!(
                "{MANIFEST_FILE} lists {} households and {} persons, the files hold {nh} and {np}",
                self.manifest.households, self.manifest.persons
            )));
        }
        for (name, map) in [
            (HOUSEHOLDS_FILE, &self.households_map),
            (PERSONS_FILE, &self.persons_map),
        ] {
            if let Some(f) = self.manifest.file(name)
                && f.bytes != map.len() as u64
            {
                return Err(bad(format!(
                    "{MANIFEST_FILE} gives {name} {} bytes, it has {}",
                    f.bytes,
                    map.len()
                )));
            }
        }
        // Members are contiguous and cover the persons exactly once, in household order.
        let mut next = 0u64;
        for (row, (first, members)) in self
            .first_person()
            .values()
            .iter()
            .zip(self.members().values())
            .enumerate()
        {
            if u64::from(*first) != next {
                return Err(bad(format!(
                    "{HOUSEHOLDS_FILE} row {row}: first_person is {first}, expected {next} (members must be contiguous)"
                )));
            }
            next += u64::from(*members);
        }
        if next != np as u64 {
            return Err(bad(format!(
                "{HOUSEHOLDS_FILE} counts {next} members in all, {PERSONS_FILE} has {np} rows"
            )));
        }
        // Each person row names the household whose member range holds it.
        let household = self.person_household().values();
        let mut start = 0usize;
        for (row, members) in self.members().values().iter().enumerate() {
            let end = start + usize::from(*members);
            if let Some(offset) = household[start..end]
                .iter()
                .position(|&h| h as usize != row)
            {
                let i = start + offset;
                return Err(bad(format!(
                    "{PERSONS_FILE} row {i}: household is {}, expected {row}",
                    household[i]
                )));
            }
            start = end;
        }
        Ok(())
    }

    /// Re-read both files and check their SHA-256 against the manifest and the directory name.
    pub fn verify(&self) -> Result<(), Error> {
        let mut total = Sha256::new();
        for (name, map) in [
            (HOUSEHOLDS_FILE, &self.households_map),
            (PERSONS_FILE, &self.persons_map),
        ] {
            let path = self.dir.join(name);
            let mut file = Sha256::new();
            for chunk in map.chunks(1 << 20) {
                total.update(chunk);
                file.update(chunk);
            }
            let actual = hex::encode(file.finalize());
            match self.manifest.file(name) {
                Some(entry) if entry.sha256 != actual => {
                    return Err(Error::HashMismatch {
                        path,
                        expected_from: "manifest.json",
                        expected: entry.sha256.clone(),
                        actual,
                    });
                }
                Some(_) => {}
                None => {
                    return Err(Error::Manifest {
                        path: self.dir.join(MANIFEST_FILE),
                        reason: format!("{name} is not listed in files"),
                    });
                }
            }
        }
        let actual = hex::encode(total.finalize());
        if actual != self.manifest.sha256 {
            return Err(Error::HashMismatch {
                path: self.dir.clone(),
                expected_from: "manifest.json",
                expected: self.manifest.sha256.clone(),
                actual,
            });
        }
        let name = self
            .dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name != actual {
            return Err(Error::HashMismatch {
                path: self.dir.clone(),
                expected_from: "the directory name",
                expected: name,
                actual,
            });
        }
        Ok(())
    }

    /// The directory of this snapshot.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Hex SHA-256 of the content, as recorded in the manifest (and the directory's name).
    pub fn hash(&self) -> &str {
        &self.manifest.sha256
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// All household columns (see [`crate::schema`]).
    pub fn households(&self) -> &RecordBatch {
        &self.households
    }

    /// All person columns (see [`crate::schema`]).
    pub fn persons(&self) -> &RecordBatch {
        &self.persons
    }

    pub fn household_count(&self) -> usize {
        self.households.num_rows()
    }

    pub fn person_count(&self) -> usize {
        self.persons.num_rows()
    }

    /// Person rows of household row `row`.
    pub fn members_of(&self, row: usize) -> Range<usize> {
        let first = self.first_person().value(row) as usize;
        first..first + usize::from(self.members().value(row))
    }

    fn hcol<T: ArrowPrimitiveType>(&self, name: &str) -> &PrimitiveArray<T> {
        self.households
            .column_by_name(name)
            .expect("schema checked at open")
            .as_primitive::<T>()
    }

    fn pcol<T: ArrowPrimitiveType>(&self, name: &str) -> &PrimitiveArray<T> {
        self.persons
            .column_by_name(name)
            .expect("schema checked at open")
            .as_primitive::<T>()
    }

    // Household columns.

    pub fn kk(&self) -> &UInt64Array {
        self.hcol::<UInt64Type>(h::KK)
    }
    /// [`RegionCode::key`](setara_core::RegionCode::key); decode with `RegionCode::from_key`.
    pub fn region(&self) -> &UInt64Array {
        self.hcol::<UInt64Type>(h::REGION)
    }
    pub fn province(&self) -> &UInt8Array {
        self.hcol::<UInt8Type>(h::PROVINCE)
    }
    pub fn regency(&self) -> &UInt16Array {
        self.hcol::<UInt16Type>(h::REGENCY)
    }
    pub fn district(&self) -> &UInt32Array {
        self.hcol::<UInt32Type>(h::DISTRICT)
    }
    pub fn village(&self) -> &UInt64Array {
        self.hcol::<UInt64Type>(h::VILLAGE)
    }
    pub fn rt(&self) -> &UInt16Array {
        self.hcol::<UInt16Type>(h::RT)
    }
    pub fn rw(&self) -> &UInt16Array {
        self.hcol::<UInt16Type>(h::RW)
    }
    pub fn declared_size(&self) -> &UInt16Array {
        self.hcol::<UInt16Type>(h::DECLARED_SIZE)
    }
    /// Number of member rows in the persons file.
    pub fn members(&self) -> &UInt16Array {
        self.hcol::<UInt16Type>(h::MEMBERS)
    }
    pub fn tenure(&self) -> &UInt8Array {
        self.hcol::<UInt8Type>(h::TENURE)
    }
    pub fn floor(&self) -> &UInt8Array {
        self.hcol::<UInt8Type>(h::FLOOR)
    }
    pub fn wall(&self) -> &UInt8Array {
        self.hcol::<UInt8Type>(h::WALL)
    }
    pub fn roof(&self) -> &UInt8Array {
        self.hcol::<UInt8Type>(h::ROOF)
    }
    pub fn water(&self) -> &UInt8Array {
        self.hcol::<UInt8Type>(h::WATER)
    }
    pub fn toilet(&self) -> &UInt8Array {
        self.hcol::<UInt8Type>(h::TOILET)
    }
    pub fn electricity(&self) -> &UInt8Array {
        self.hcol::<UInt8Type>(h::ELECTRICITY)
    }
    pub fn cooking_fuel(&self) -> &UInt8Array {
        self.hcol::<UInt8Type>(h::COOKING_FUEL)
    }
    pub fn floor_area_m2(&self) -> &UInt32Array {
        self.hcol::<UInt32Type>(h::FLOOR_AREA_M2)
    }
    pub fn electricity_va(&self) -> &UInt32Array {
        self.hcol::<UInt32Type>(h::ELECTRICITY_VA)
    }
    pub fn assets_known(&self) -> &UInt16Array {
        self.hcol::<UInt16Type>(h::ASSETS_KNOWN)
    }
    pub fn assets_owned(&self) -> &UInt16Array {
        self.hcol::<UInt16Type>(h::ASSETS_OWNED)
    }
    pub fn land_m2(&self) -> &UInt64Array {
        self.hcol::<UInt64Type>(h::LAND_M2)
    }
    /// Monthly consumption per capita, rupiah (`consumption_per_capita`).
    pub fn consumption(&self) -> &Int64Array {
        self.hcol::<Int64Type>(h::CONSUMPTION_PER_CAPITA)
    }
    pub fn survey_weight(&self) -> &Float64Array {
        self.hcol::<Float64Type>(h::SURVEY_WEIGHT)
    }
    pub fn first_person(&self) -> &UInt32Array {
        self.hcol::<UInt32Type>(h::FIRST_PERSON)
    }

    // Person columns.

    pub fn nik(&self) -> &UInt64Array {
        self.pcol::<UInt64Type>(p::NIK)
    }
    /// For each person, its household's row.
    pub fn person_household(&self) -> &UInt32Array {
        self.pcol::<UInt32Type>(p::HOUSEHOLD)
    }
    pub fn sex(&self) -> &UInt8Array {
        self.pcol::<UInt8Type>(p::SEX)
    }
    /// Days since 1970-01-01.
    pub fn birth_date(&self) -> &Date32Array {
        self.pcol::<Date32Type>(p::BIRTH_DATE)
    }
    pub fn relation(&self) -> &UInt8Array {
        self.pcol::<UInt8Type>(p::RELATION)
    }
    pub fn education(&self) -> &UInt8Array {
        self.pcol::<UInt8Type>(p::EDUCATION)
    }
    pub fn work(&self) -> &UInt8Array {
        self.pcol::<UInt8Type>(p::WORK)
    }
    pub fn disability(&self) -> &UInt8Array {
        self.pcol::<UInt8Type>(p::DISABILITY)
    }
    pub fn health_insurance(&self) -> &UInt8Array {
        self.pcol::<UInt8Type>(p::HEALTH_INSURANCE)
    }
    pub fn school(&self) -> &UInt8Array {
        self.pcol::<UInt8Type>(p::SCHOOL)
    }
    pub fn chronic_illness(&self) -> &BooleanArray {
        self.persons
            .column_by_name(p::CHRONIC_ILLNESS)
            .expect("schema checked at open")
            .as_boolean()
    }
}

/// The hash that `snapshots_dir/LATEST` names.
pub fn latest_hash(snapshots_dir: &Path) -> Result<String, Error> {
    let path = snapshots_dir.join(LATEST_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Error::NoLatest { path }),
        Err(e) => return Err(Error::io(path, "read")(e)),
    };
    let hash = text.trim();
    if !is_hash(hash) {
        return Err(Error::BadLatest {
            path,
            content: text.chars().take(80).collect(),
        });
    }
    Ok(hash.to_string())
}

/// Memory-map the Arrow IPC file at `path` and decode its single record batch without copying.
fn map_batch(path: &Path, schema: SchemaRef) -> Result<(Arc<Mmap>, RecordBatch), Error> {
    let not_arrow = |reason: String| Error::NotArrowFile {
        path: path.to_path_buf(),
        reason,
    };
    let file = File::open(path).map_err(Error::io(path, "open"))?;
    let len = file
        .metadata()
        .map_err(Error::io(path, "read the size of"))?
        .len() as usize;
    if len < MIN_FILE_LEN {
        return Err(not_arrow(format!("only {len} bytes long (truncated?)")));
    }
    // SAFETY: snapshot files are never modified after they are renamed into place (see the type's
    // documentation); the mapping is read-only.
    let map = Arc::new(unsafe { Mmap::map(&file) }.map_err(Error::io(path, "memory-map"))?);
    if map.len() != len {
        return Err(not_arrow(format!(
            "changed size while being opened ({len} → {} bytes)",
            map.len()
        )));
    }
    if &map[..MAGIC.len()] != MAGIC {
        return Err(not_arrow(
            "does not start with the Arrow magic ARROW1".into(),
        ));
    }
    let trailer_start = len - 10;
    if &map[len - MAGIC.len()..] != MAGIC {
        return Err(not_arrow(
            "does not end with the Arrow magic ARROW1 (truncated or incompletely written)".into(),
        ));
    }
    let footer_len = read_footer_length(map[trailer_start..].try_into().expect("10 bytes"))
        .map_err(|e| not_arrow(format!("footer length: {e}")))?;
    if footer_len > trailer_start - 8 {
        return Err(not_arrow(format!(
            "footer length {footer_len} exceeds the file ({len} bytes; truncated?)"
        )));
    }
    let footer_start = trailer_start - footer_len;
    let footer = root_as_footer(&map[footer_start..trailer_start])
        .map_err(|e| not_arrow(format!("footer is damaged: {e}")))?;
    let found = try_fb_to_schema(
        footer
            .schema()
            .ok_or_else(|| not_arrow("footer has no schema".into()))?,
    )
    .map_err(|e| not_arrow(format!("footer schema is damaged: {e}")))?;
    if let Some(reason) = schema_difference(&found, &schema) {
        return Err(Error::Schema {
            path: path.to_path_buf(),
            reason,
        });
    }
    if footer.dictionaries().is_some_and(|d| !d.is_empty()) {
        return Err(Error::Schema {
            path: path.to_path_buf(),
            reason: "has dictionary batches".into(),
        });
    }
    let blocks = footer
        .recordBatches()
        .ok_or_else(|| not_arrow("footer lists no record batches".into()))?;
    if blocks.len() != 1 {
        return Err(not_arrow(format!(
            "holds {} record batches, a snapshot file holds exactly 1",
            blocks.len()
        )));
    }
    let block = blocks.get(0);
    let (offset, meta_len, body_len) = (block.offset(), block.metaDataLength(), block.bodyLength());
    let end = u64::try_from(offset)
        .ok()
        .zip(u64::try_from(meta_len).ok())
        .zip(u64::try_from(body_len).ok())
        .and_then(|((o, m), b)| o.checked_add(m)?.checked_add(b));
    let (offset, block_len) = match end {
        Some(end) if end <= footer_start as u64 && meta_len > 0 => {
            (offset as usize, end as usize - offset as usize)
        }
        _ => {
            return Err(not_arrow(format!(
                "record batch block (offset {offset}, metadata {meta_len}, body {body_len} bytes) lies outside the \
                 data area of {footer_start} bytes"
            )));
        }
    };

    check_batch_message(
        &map[offset..offset + block_len],
        meta_len as usize,
        body_len as u64,
        schema.fields().len(),
    )
    .map_err(|reason| not_arrow(format!("record batch is damaged: {reason}")))?;

    let ptr = NonNull::new(map.as_ptr() as *mut u8).expect("a non-empty mapping");
    // SAFETY: `ptr` and `len` describe the mapping, which `map` (moved into the buffer as its
    // owner) keeps alive for as long as any array uses it.
    let buffer = unsafe { Buffer::from_custom_allocation(ptr, map.len(), map.clone()) };
    // Our writer aligns every buffer to 64 bytes and the mapping starts on a page boundary, so
    // requiring alignment guarantees the arrays point into the mapping instead of copies.
    let decoder = FileDecoder::new(schema, footer.version()).with_require_alignment(true);
    let data = buffer.slice_with_length(offset, block_len);
    // The checks above keep the decoder's slicing in bounds; should a damaged file still reach a
    // panic in the Arrow library, report it as a damaged file rather than unwind into the caller.
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        decoder.read_record_batch(block, &data)
    }))
    .map_err(|_| not_arrow("record batch is damaged (the Arrow decoder panicked)".into()))?;
    let batch = decoded
        .map_err(|e| not_arrow(format!("record batch does not decode: {e}")))?
        .ok_or_else(|| not_arrow("record batch message is empty".into()))?;
    // Guard against a writer that produced null slots in columns declared non-null.
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        if !field.is_nullable() && column.null_count() > 0 {
            return Err(Error::Schema {
                path: path.to_path_buf(),
                reason: format!(
                    "column `{}` is declared non-null but has {} nulls",
                    field.name(),
                    column.null_count()
                ),
            });
        }
    }
    Ok((map, batch))
}

/// Check the metadata of a record batch message against its block before the Arrow decoder
/// slices the body with it: the decoder trusts these offsets and panics when they are out of
/// range.
fn check_batch_message(
    block: &[u8],
    meta_len: usize,
    body_len: u64,
    columns: usize,
) -> Result<(), String> {
    // Encapsulated message: 0xFFFFFFFF continuation marker, little-endian i32 length, flatbuffer.
    if block.len() < 8 || block[..4] != [0xff; 4] {
        return Err("message does not start with the continuation marker".into());
    }
    let fb_len = i32::from_le_bytes(block[4..8].try_into().expect("4 bytes"));
    let fb_len =
        usize::try_from(fb_len).map_err(|_| format!("negative metadata length {fb_len}"))?;
    if 8 + fb_len > meta_len {
        return Err(format!(
            "metadata of {fb_len} bytes exceeds its block of {meta_len}"
        ));
    }
    let message = root_as_message(&block[8..8 + fb_len]).map_err(|e| format!("metadata: {e}"))?;
    let batch = message
        .header_as_record_batch()
        .ok_or("message is not a record batch")?;
    if batch.compression().is_some() {
        return Err("body is compressed; snapshots are written uncompressed".into());
    }
    let rows = batch.length();
    if rows < 0 || rows > i64::from(u32::MAX) {
        return Err(format!("row count {rows} is out of range"));
    }
    let nodes = batch.nodes().ok_or("no field nodes")?;
    if nodes.len() != columns {
        return Err(format!("{} field nodes for {columns} columns", nodes.len()));
    }
    for (i, node) in nodes.iter().enumerate() {
        if node.length() != rows || !(0..=rows).contains(&node.null_count()) {
            return Err(format!(
                "column {}: length {} and null count {} for {rows} rows",
                i + 1,
                node.length(),
                node.null_count()
            ));
        }
    }
    for (i, b) in batch.buffers().ok_or("no buffers")?.iter().enumerate() {
        let end = u64::try_from(b.offset())
            .ok()
            .zip(u64::try_from(b.length()).ok())
            .and_then(|(o, l)| o.checked_add(l));
        if end.is_none_or(|end| end > body_len) {
            return Err(format!(
                "buffer {i} (offset {}, length {}) lies outside the body of {body_len} bytes",
                b.offset(),
                b.length()
            ));
        }
    }
    Ok(())
}
