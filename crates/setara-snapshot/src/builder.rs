//! Building and writing a snapshot.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::types::{
    ArrowPrimitiveType, Date32Type, Float64Type, Int64Type, UInt8Type, UInt16Type, UInt32Type,
    UInt64Type,
};
use arrow_array::{ArrayRef, BooleanArray, PrimitiveArray, RecordBatch, UInt8Array};
use arrow_buffer::{BooleanBuffer, NullBuffer, ScalarBuffer};
use arrow_ipc::MetadataVersion;
use arrow_ipc::writer::{FileWriter, IpcWriteOptions};
use chrono::Datelike;
use setara_core::{Household, Kk, Level, Person, RegionCode};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::manifest::{Manifest, ManifestFile};
use crate::schema::{
    FORMAT_NAME, FORMAT_VERSION, HOUSEHOLDS_FILE, LATEST_FILE, MANIFEST_FILE, PERSONS_FILE,
    SCHEMA_VERSION, households_schema, persons_schema,
};

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const UNIX_EPOCH_FROM_CE: i32 = 719_163;

// Bits of `HouseholdColumns::present`, one per optional column that has no spare value for null.
const RT: u8 = 1 << 0;
const RW: u8 = 1 << 1;
const DECLARED_SIZE: u8 = 1 << 2;
const FLOOR_AREA: u8 = 1 << 3;
const ELECTRICITY_VA: u8 = 1 << 4;
const LAND: u8 = 1 << 5;
const SURVEY: u8 = 1 << 6;

/// Household attributes in insertion order, one typed vector per column (about 80 bytes a
/// household). Code-list columns store `.index()`, with 0 for null (indices start at 1).
#[derive(Default)]
struct HouseholdColumns {
    kk: Vec<u64>,
    region: Vec<u64>,
    rt: Vec<u16>,
    rw: Vec<u16>,
    declared_size: Vec<u16>,
    members: Vec<u16>,
    /// tenure, floor, wall, roof, water, toilet, electricity, cooking_fuel.
    dwelling: [Vec<u8>; 8],
    floor_area_m2: Vec<u32>,
    electricity_va: Vec<u32>,
    assets_known: Vec<u16>,
    assets_owned: Vec<u16>,
    land_m2: Vec<u64>,
    consumption: Vec<i64>,
    weight: Vec<f64>,
    present: Vec<u8>,
    /// Index of the household's first member in `PersonColumns` (members are contiguous there,
    /// ordered by NIK).
    first_person: Vec<u32>,
}

/// Person attributes in insertion order (about 20 bytes a person). Code lists as in
/// [`HouseholdColumns`]; `chronic` is 0 unknown, 1 no, 2 yes.
#[derive(Default)]
struct PersonColumns {
    nik: Vec<u64>,
    sex: Vec<u8>,
    birth: Vec<i32>,
    relation: Vec<u8>,
    /// education, work, disability, health_insurance, school.
    coded: [Vec<u8>; 5],
    chronic: Vec<u8>,
}

/// What [`SnapshotBuilder::write`] produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotInfo {
    /// Hex SHA-256 of the content; the directory's name.
    pub hash: String,
    /// `snapshots_dir/<hash>`.
    pub dir: PathBuf,
    pub households: u64,
    pub persons: u64,
    /// Size of the two Arrow files together.
    pub bytes: u64,
    /// Whether a snapshot with the same content already existed and was kept as it was.
    pub reused: bool,
}

/// Collects households and their members as typed columns, then writes them as a snapshot.
///
/// Memory is about 80 bytes per household and 20 per person while collecting (≈ 160 MB for
/// 1 million households with 4 million persons); [`write`](Self::write) frees each input column
/// as soon as its output column is built.
#[derive(Default)]
pub struct SnapshotBuilder {
    h: HouseholdColumns,
    p: PersonColumns,
    scratch: Vec<u32>,
}

fn too_large(what: impl Into<String>) -> Error {
    Error::TooLarge { what: what.into() }
}

fn code(index: Option<u8>) -> u8 {
    index.unwrap_or(0)
}

impl SnapshotBuilder {
    pub fn new() -> SnapshotBuilder {
        SnapshotBuilder::default()
    }

    /// Room for `households` and `persons` without reallocating.
    pub fn with_capacity(households: usize, persons: usize) -> SnapshotBuilder {
        let mut b = SnapshotBuilder::default();
        b.reserve(households, persons);
        b
    }

    /// Reserve room for `households` more households and `persons` more persons.
    pub fn reserve(&mut self, households: usize, persons: usize) {
        let h = &mut self.h;
        h.kk.reserve(households);
        h.region.reserve(households);
        h.rt.reserve(households);
        h.rw.reserve(households);
        h.declared_size.reserve(households);
        h.members.reserve(households);
        for c in &mut h.dwelling {
            c.reserve(households);
        }
        h.floor_area_m2.reserve(households);
        h.electricity_va.reserve(households);
        h.assets_known.reserve(households);
        h.assets_owned.reserve(households);
        h.land_m2.reserve(households);
        h.consumption.reserve(households);
        h.weight.reserve(households);
        h.present.reserve(households);
        h.first_person.reserve(households);
        let p = &mut self.p;
        p.nik.reserve(persons);
        p.sex.reserve(persons);
        p.birth.reserve(persons);
        p.relation.reserve(persons);
        for c in &mut p.coded {
            c.reserve(persons);
        }
        p.chronic.reserve(persons);
    }

    /// Add a household and its members. Every member's `kk` must be the household's, and a NIK
    /// may appear only once among them. On error nothing is added.
    ///
    /// Names and the address are not taken: snapshots hold no names or addresses.
    pub fn add(&mut self, household: &Household, members: &[Person]) -> Result<(), Error> {
        let kk = household.kk;
        if self.h.kk.len() >= u32::MAX as usize {
            return Err(too_large(format!("more than {} households", u32::MAX)));
        }
        let count = u16::try_from(members.len()).map_err(|_| {
            too_large(format!(
                "household {kk} has {} members (at most {})",
                members.len(),
                u16::MAX
            ))
        })?;
        let first = self.p.nik.len();
        if first + members.len() > u32::MAX as usize {
            return Err(too_large(format!("more than {} persons", u32::MAX)));
        }
        for m in members {
            if m.kk != kk {
                return Err(Error::ForeignMember {
                    nik: m.nik,
                    person_kk: m.kk,
                    household_kk: kk,
                });
            }
        }
        self.scratch.clear();
        self.scratch.extend(0..u32::from(count));
        self.scratch
            .sort_unstable_by_key(|&i| members[i as usize].nik);
        for w in self.scratch.windows(2) {
            let (a, b) = (&members[w[0] as usize], &members[w[1] as usize]);
            if a.nik == b.nik {
                return Err(Error::DuplicateNik { kk, nik: a.nik });
            }
        }

        let p = &mut self.p;
        for &i in &self.scratch {
            let m = &members[i as usize];
            p.nik.push(m.nik.as_u64());
            p.sex.push(m.sex.index());
            p.birth
                .push(m.birth_date.num_days_from_ce() - UNIX_EPOCH_FROM_CE);
            p.relation.push(m.relation.index());
            p.coded[0].push(code(m.education.map(|v| v.index())));
            p.coded[1].push(code(m.work.map(|v| v.index())));
            p.coded[2].push(code(m.disability.map(|v| v.index())));
            p.coded[3].push(code(m.health_insurance.map(|v| v.index())));
            p.coded[4].push(code(m.school.map(|v| v.index())));
            p.chronic.push(match m.chronic_illness {
                None => 0,
                Some(false) => 1,
                Some(true) => 2,
            });
        }

        let h = &mut self.h;
        let d = &household.dwelling;
        let mut present = 0u8;
        let mut opt = |v: Option<u64>, bit: u8| -> u64 {
            present |= if v.is_some() { bit } else { 0 };
            v.unwrap_or(0)
        };
        h.rt.push(opt(household.rt.map(u64::from), RT) as u16);
        h.rw.push(opt(household.rw.map(u64::from), RW) as u16);
        h.declared_size
            .push(opt(household.declared_size.map(u64::from), DECLARED_SIZE) as u16);
        h.floor_area_m2
            .push(opt(d.floor_area_m2.map(u64::from), FLOOR_AREA) as u32);
        h.electricity_va
            .push(opt(d.electricity_va.map(u64::from), ELECTRICITY_VA) as u32);
        h.land_m2.push(opt(household.land_m2, LAND));
        match household.survey {
            Some(s) => {
                present |= SURVEY;
                h.consumption.push(s.consumption_per_capita.0);
                h.weight.push(s.weight);
            }
            None => {
                h.consumption.push(0);
                h.weight.push(0.0);
            }
        }
        h.kk.push(kk.as_u64());
        h.region.push(household.region.key());
        h.members.push(count);
        h.dwelling[0].push(code(d.tenure.map(|v| v.index())));
        h.dwelling[1].push(code(d.floor.map(|v| v.index())));
        h.dwelling[2].push(code(d.wall.map(|v| v.index())));
        h.dwelling[3].push(code(d.roof.map(|v| v.index())));
        h.dwelling[4].push(code(d.water.map(|v| v.index())));
        h.dwelling[5].push(code(d.toilet.map(|v| v.index())));
        h.dwelling[6].push(code(d.electricity.map(|v| v.index())));
        h.dwelling[7].push(code(d.cooking_fuel.map(|v| v.index())));
        h.assets_known.push(household.assets.known_bits());
        h.assets_owned.push(household.assets.owned_bits());
        h.present.push(present);
        h.first_person.push(first as u32);
        Ok(())
    }

    /// Number of households added.
    pub fn len(&self) -> usize {
        self.h.kk.len()
    }

    pub fn is_empty(&self) -> bool {
        self.h.kk.is_empty()
    }

    /// Number of persons added.
    pub fn person_count(&self) -> usize {
        self.p.nik.len()
    }

    /// Heap memory held by the collected columns, in bytes (capacity, not length).
    pub fn heap_bytes(&self) -> usize {
        fn cap<T>(v: &Vec<T>) -> usize {
            v.capacity() * size_of::<T>()
        }
        let h = &self.h;
        let p = &self.p;
        cap(&h.kk)
            + cap(&h.region)
            + cap(&h.rt)
            + cap(&h.rw)
            + cap(&h.declared_size)
            + cap(&h.members)
            + h.dwelling.iter().map(cap).sum::<usize>()
            + cap(&h.floor_area_m2)
            + cap(&h.electricity_va)
            + cap(&h.assets_known)
            + cap(&h.assets_owned)
            + cap(&h.land_m2)
            + cap(&h.consumption)
            + cap(&h.weight)
            + cap(&h.present)
            + cap(&h.first_person)
            + cap(&p.nik)
            + cap(&p.sex)
            + cap(&p.birth)
            + cap(&p.relation)
            + p.coded.iter().map(cap).sum::<usize>()
            + cap(&p.chronic)
            + cap(&self.scratch)
    }

    /// Write the snapshot into `snapshots_dir/<hash>` and point `snapshots_dir/LATEST` at it.
    ///
    /// The files are written and synced in a temporary directory inside `snapshots_dir`, which is
    /// then renamed into place, so a reader never sees a partial snapshot. When a snapshot with
    /// the same content already exists it is kept and the new copy discarded.
    pub fn write(self, snapshots_dir: &Path) -> Result<SnapshotInfo, Error> {
        self.write_at(snapshots_dir, chrono::Utc::now())
    }

    /// [`SnapshotBuilder::write`], with `created` as the manifest's time of creation (the
    /// application's clock).
    pub fn write_at(
        self,
        snapshots_dir: &Path,
        created: chrono::DateTime<chrono::Utc>,
    ) -> Result<SnapshotInfo, Error> {
        let SnapshotBuilder { h, p, scratch } = self;
        drop(scratch);
        std::fs::create_dir_all(snapshots_dir)
            .map_err(Error::io(snapshots_dir, "create the snapshots directory"))?;
        let tmp = tempfile::Builder::new()
            .prefix(".tmp-snapshot-")
            .tempdir_in(snapshots_dir)
            .map_err(Error::io(snapshots_dir, "create a temporary directory in"))?;

        let mut total = Sha256::new();
        let (households, order) = build_households(h)?;
        let household_count = households.num_rows() as u64;
        let hfile = write_ipc(&tmp.path().join(HOUSEHOLDS_FILE), &households, &mut total)?;
        drop(households);
        let persons = build_persons(p, order)?;
        let person_count = persons.num_rows() as u64;
        let pfile = write_ipc(&tmp.path().join(PERSONS_FILE), &persons, &mut total)?;
        drop(persons);
        let hash = hex::encode(total.finalize());

        let manifest = Manifest {
            format: FORMAT_NAME.to_string(),
            format_version: FORMAT_VERSION,
            schema_version: SCHEMA_VERSION,
            households: household_count,
            persons: person_count,
            sha256: hash.clone(),
            created: created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            files: vec![hfile, pfile],
        };
        let bytes = manifest.files.iter().map(|f| f.bytes).sum();
        let manifest_path = tmp.path().join(MANIFEST_FILE);
        let mut json = serde_json::to_vec_pretty(&manifest).expect("manifest serialises");
        json.push(b'\n');
        write_synced(&manifest_path, &json)?;
        sync_dir(tmp.path())?;

        let dir = snapshots_dir.join(&hash);
        let reused = if dir.exists() {
            true
        } else {
            match std::fs::rename(tmp.path(), &dir) {
                Ok(()) => {
                    // The temporary directory is now the snapshot: do not remove it.
                    let _ = tmp.keep();
                    false
                }
                // Another writer put the same content in place first.
                Err(_) if dir.exists() => true,
                Err(e) => {
                    return Err(Error::io(
                        &dir,
                        "rename the temporary snapshot directory to",
                    )(e));
                }
            }
        };
        sync_dir(snapshots_dir)?;
        write_latest(snapshots_dir, &hash)?;
        Ok(SnapshotInfo {
            hash,
            dir,
            households: household_count,
            persons: person_count,
            bytes,
            reused,
        })
    }
}

/// Values `src[order[r]]` for each row `r`.
fn gather<T: Copy>(src: &[T], order: &[u32]) -> Vec<T> {
    order.iter().map(|&i| src[i as usize]).collect()
}

/// A null buffer from a validity function, `None` when nothing is null.
fn nulls(len: usize, valid: impl FnMut(usize) -> bool) -> Option<NullBuffer> {
    let n = NullBuffer::new(BooleanBuffer::collect_bool(len, valid));
    (n.null_count() > 0).then_some(n)
}

fn array<T: ArrowPrimitiveType>(values: Vec<T::Native>, nulls: Option<NullBuffer>) -> ArrayRef {
    Arc::new(PrimitiveArray::<T>::new(ScalarBuffer::from(values), nulls))
}

/// A non-null column in row order.
fn required<T: ArrowPrimitiveType>(src: Vec<T::Native>, order: &[u32]) -> ArrayRef {
    array::<T>(gather(&src, order), None)
}

/// An optional column whose presence is a bit of `present`. Null slots hold 0 (so the bytes,
/// and the hash, depend on the content only).
fn optional<T: ArrowPrimitiveType>(
    src: Vec<T::Native>,
    present: &[u8],
    bit: u8,
    order: &[u32],
) -> ArrayRef {
    let values = gather(&src, order);
    drop(src);
    array::<T>(
        values,
        nulls(order.len(), |r| present[order[r] as usize] & bit != 0),
    )
}

/// A code-list column stored as `.index()` with 0 for null.
fn coded(src: Vec<u8>, order: &[u32]) -> ArrayRef {
    let values = gather(&src, order);
    drop(src);
    let n = nulls(values.len(), |r| values[r] != 0);
    Arc::new(UInt8Array::new(ScalarBuffer::from(values), n))
}

/// Row order of the persons: for each person row, its index in `PersonColumns` and its household
/// row.
struct PersonOrder {
    order: Vec<u32>,
    household: Vec<u32>,
}

fn build_households(h: HouseholdColumns) -> Result<(RecordBatch, PersonOrder), Error> {
    let n = h.kk.len();
    // Sort by (region key, kk). KK numbers are unique, so the order is total.
    let mut keys: Vec<(u64, u64, u32)> = (0..n).map(|i| (h.region[i], h.kk[i], i as u32)).collect();
    keys.sort_unstable();
    let mut sorted_kk: Vec<u64> = keys.iter().map(|k| k.1).collect();
    sorted_kk.sort_unstable();
    if let Some(w) = sorted_kk.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::DuplicateKk {
            kk: Kk::from_u64(w[0]).expect("stored from a Kk"),
        });
    }
    drop(sorted_kk);
    let order: Vec<u32> = keys.iter().map(|k| k.2).collect();
    drop(keys);

    let persons: usize = h.members.iter().map(|&m| usize::from(m)).sum();
    let mut person_order = PersonOrder {
        order: Vec::with_capacity(persons),
        household: Vec::with_capacity(persons),
    };
    let mut first_person = Vec::with_capacity(n);
    for (row, &i) in order.iter().enumerate() {
        let start = h.first_person[i as usize];
        let count = u32::from(h.members[i as usize]);
        first_person.push(person_order.order.len() as u32);
        person_order.order.extend(start..start + count);
        person_order
            .household
            .extend(std::iter::repeat_n(row as u32, count as usize));
    }
    drop(h.first_person);

    let region = gather(&h.region, &order);
    drop(h.region);
    let codes: Vec<RegionCode> = region
        .iter()
        .map(|&k| RegionCode::from_key(k).expect("stored from a RegionCode"))
        .collect();
    let at = |c: RegionCode, level: Level| (c.level() >= level).then(|| c.ancestor(level).digits());
    let province: Vec<u8> = codes.iter().map(|&c| c.province().digits() as u8).collect();
    let regency: Vec<u16> = codes
        .iter()
        .map(|&c| at(c, Level::Regency).unwrap_or(0) as u16)
        .collect();
    let district: Vec<u32> = codes
        .iter()
        .map(|&c| at(c, Level::District).unwrap_or(0) as u32)
        .collect();
    let village: Vec<u64> = codes
        .iter()
        .map(|&c| at(c, Level::Village).unwrap_or(0))
        .collect();
    let level_nulls = |level: Level| nulls(n, |r| codes[r].level() >= level);
    let (regency_nulls, district_nulls, village_nulls) = (
        level_nulls(Level::Regency),
        level_nulls(Level::District),
        level_nulls(Level::Village),
    );
    drop(codes);

    let present = h.present;
    let [
        tenure,
        floor,
        wall,
        roof,
        water,
        toilet,
        electricity,
        cooking_fuel,
    ] = h.dwelling;
    let columns: Vec<ArrayRef> = vec![
        required::<UInt64Type>(h.kk, &order),
        array::<UInt64Type>(region, None),
        array::<UInt8Type>(province, None),
        array::<UInt16Type>(regency, regency_nulls),
        array::<UInt32Type>(district, district_nulls),
        array::<UInt64Type>(village, village_nulls),
        optional::<UInt16Type>(h.rt, &present, RT, &order),
        optional::<UInt16Type>(h.rw, &present, RW, &order),
        optional::<UInt16Type>(h.declared_size, &present, DECLARED_SIZE, &order),
        required::<UInt16Type>(h.members, &order),
        coded(tenure, &order),
        coded(floor, &order),
        coded(wall, &order),
        coded(roof, &order),
        coded(water, &order),
        coded(toilet, &order),
        coded(electricity, &order),
        coded(cooking_fuel, &order),
        optional::<UInt32Type>(h.floor_area_m2, &present, FLOOR_AREA, &order),
        optional::<UInt32Type>(h.electricity_va, &present, ELECTRICITY_VA, &order),
        required::<UInt16Type>(h.assets_known, &order),
        required::<UInt16Type>(h.assets_owned, &order),
        optional::<UInt64Type>(h.land_m2, &present, LAND, &order),
        optional::<Int64Type>(h.consumption, &present, SURVEY, &order),
        optional::<Float64Type>(h.weight, &present, SURVEY, &order),
        array::<UInt32Type>(first_person, None),
    ];
    let batch = RecordBatch::try_new(households_schema(), columns).map_err(Error::arrow(
        HOUSEHOLDS_FILE,
        "assembling the households batch",
    ))?;
    Ok((batch, person_order))
}

fn build_persons(p: PersonColumns, po: PersonOrder) -> Result<RecordBatch, Error> {
    let PersonOrder { order, household } = po;
    let n = order.len();
    let chronic = gather(&p.chronic, &order);
    drop(p.chronic);
    let chronic_values = BooleanBuffer::collect_bool(n, |r| chronic[r] == 2);
    let chronic_nulls = nulls(n, |r| chronic[r] != 0);
    drop(chronic);
    let [education, work, disability, health_insurance, school] = p.coded;
    let columns: Vec<ArrayRef> = vec![
        required::<UInt64Type>(p.nik, &order),
        array::<UInt32Type>(household, None),
        required::<UInt8Type>(p.sex, &order),
        required::<Date32Type>(p.birth, &order),
        required::<UInt8Type>(p.relation, &order),
        coded(education, &order),
        coded(work, &order),
        coded(disability, &order),
        coded(health_insurance, &order),
        coded(school, &order),
        Arc::new(BooleanArray::new(chronic_values, chronic_nulls)),
    ];
    RecordBatch::try_new(persons_schema(), columns)
        .map_err(Error::arrow(PERSONS_FILE, "assembling the persons batch"))
}

/// Passes writes through to `inner`, hashing them into a per-file and a running total hash.
struct HashingWriter<'a> {
    inner: File,
    total: &'a mut Sha256,
    file: Sha256,
    bytes: u64,
}

impl Write for HashingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.total.update(&buf[..n]);
        self.file.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Write `batch` as an uncompressed Arrow IPC file, synced to disk.
fn write_ipc(path: &Path, batch: &RecordBatch, total: &mut Sha256) -> Result<ManifestFile, Error> {
    let file = File::create_new(path).map_err(Error::io(path, "create"))?;
    let hashing = HashingWriter {
        inner: file,
        total,
        file: Sha256::new(),
        bytes: 0,
    };
    let sink = BufWriter::with_capacity(1 << 20, hashing);
    // Pinned rather than defaulted: the bytes, and so the hash, must not change with a default.
    let options = IpcWriteOptions::try_new(64, false, MetadataVersion::V5)
        .map_err(Error::arrow(path, "configuring"))?;
    let mut writer = FileWriter::try_new_with_options(sink, &batch.schema(), options)
        .map_err(Error::arrow(path, "writing"))?;
    writer.write(batch).map_err(Error::arrow(path, "writing"))?;
    let sink = writer
        .into_inner()
        .map_err(Error::arrow(path, "finishing"))?;
    let hashing = sink
        .into_inner()
        .map_err(|e| Error::io(path, "write")(e.into_error()))?;
    hashing.inner.sync_all().map_err(Error::io(path, "sync"))?;
    let name = path
        .file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned();
    Ok(ManifestFile {
        name,
        bytes: hashing.bytes,
        sha256: hex::encode(hashing.file.finalize()),
    })
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut f = File::create_new(path).map_err(Error::io(path, "create"))?;
    f.write_all(bytes).map_err(Error::io(path, "write"))?;
    f.sync_all().map_err(Error::io(path, "sync"))
}

/// fsync a directory, so that the entries created or renamed in it are durable.
fn sync_dir(dir: &Path) -> Result<(), Error> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(Error::io(dir, "sync the directory"))
}

/// Replace `snapshots_dir/LATEST` atomically with a file holding `hash`.
fn write_latest(snapshots_dir: &Path, hash: &str) -> Result<(), Error> {
    let latest = snapshots_dir.join(LATEST_FILE);
    let mut tmp = tempfile::Builder::new()
        .prefix(".LATEST.tmp-")
        .tempfile_in(snapshots_dir)
        .map_err(Error::io(snapshots_dir, "create a temporary file in"))?;
    writeln!(tmp, "{hash}").map_err(Error::io(tmp.path(), "write"))?;
    tmp.as_file()
        .sync_all()
        .map_err(Error::io(tmp.path(), "sync"))?;
    tmp.persist(&latest)
        .map_err(|e| Error::io(&latest, "replace")(e.error))?;
    sync_dir(snapshots_dir)
}
