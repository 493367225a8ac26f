mod common;

use std::fs;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use common::*;
use setara_core::{Household, Person, Rupiah, Survey};
use setara_snapshot::{
    Error, HOUSEHOLDS_FILE, PERSONS_FILE, Snapshot, SnapshotBuilder, SnapshotInfo, latest_hash,
};

fn build(registry: &[(Household, Vec<Person>)]) -> SnapshotBuilder {
    let mut b = SnapshotBuilder::new();
    for (h, ms) in registry {
        b.add(h, ms).unwrap();
    }
    b
}

fn write(registry: &[(Household, Vec<Person>)], dir: &Path) -> SnapshotInfo {
    build(registry).write(dir).unwrap()
}

fn sample() -> Vec<(Household, Vec<Person>)> {
    vec![
        household(11, "32.04.05.2001", 3),
        full_household(),
        household(12, "11.01.01.2001", 5),
        empty_household(),
        household(13, "32.04.05.2002", 1),
        household(14, "32.04.05.2001", 0),
        household(15, "32.04.05.2001", 2),
    ]
}

#[test]
fn round_trip_every_value() {
    let tmp = tempfile::tempdir().unwrap();
    let registry = sample();
    let info = write(&registry, tmp.path());
    assert_eq!(info.households, 7);
    assert_eq!(info.persons, 16, "members: 3 + 4 + 5 + 1 + 1 + 0 + 2");
    assert!(!info.reused);
    assert_eq!(info.dir, tmp.path().join(&info.hash));

    let s = Snapshot::open(&info.dir).unwrap();
    s.verify().unwrap();
    assert_eq!(s.hash(), info.hash);
    assert_eq!(s.household_count(), 7);
    assert_eq!(s.person_count(), 16);
    assert_eq!(read_back(&s), expected(&registry));
    assert_eq!(s.manifest().households, 7);
    assert_eq!(s.manifest().persons, 16);
}

#[test]
fn full_and_empty_households_read_back_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let registry = vec![empty_household(), full_household()];
    let s = Snapshot::open(write(&registry, tmp.path()).dir).unwrap();
    // 32.04... sorts before 35.78...
    let back = read_back(&s);
    assert_eq!(back, expected(&registry));
    let (full, members) = &back[0];
    assert_eq!(
        full.survey,
        Some(Survey {
            consumption_per_capita: Rupiah(712_345),
            weight: 231.75
        })
    );
    assert_eq!(
        members
            .iter()
            .map(|m| m.nik.to_string())
            .collect::<Vec<_>>(),
        [
            "3204051002830001",
            "3204052303120002",
            "3204054104550001",
            "3204055708850003"
        ]
    );

    // Derived region columns and the nulls of the empty household.
    assert_eq!(s.province().values(), &[32, 35]);
    assert_eq!(s.regency().values(), &[3204, 3578]);
    assert_eq!(s.district().values(), &[320405, 357810]);
    assert_eq!(s.village().values(), &[3204052001, 3578101004]);
    assert_eq!(s.first_person().values(), &[0, 4]);
    assert_eq!(s.members().values(), &[4, 1]);
    for column in s.households().columns() {
        assert!(!column.is_null(0));
    }
    let nullable = [
        "rt",
        "rw",
        "declared_size",
        "tenure",
        "floor",
        "wall",
        "roof",
        "water",
        "toilet",
        "electricity",
    ];
    for name in
        nullable
            .into_iter()
            .chain(["cooking_fuel", "floor_area_m2", "electricity_va", "land_m2"])
    {
        assert!(
            s.households().column_by_name(name).unwrap().is_null(1),
            "{name}"
        );
    }
    assert!(s.consumption().is_null(1));
    assert!(s.survey_weight().is_null(1));
    assert_eq!(s.assets_known().value(1), 0);
    for name in [
        "education",
        "work",
        "disability",
        "health_insurance",
        "school",
        "chronic_illness",
    ] {
        assert!(
            s.persons().column_by_name(name).unwrap().is_null(4),
            "{name}"
        );
        assert!(
            !s.persons().column_by_name(name).unwrap().is_null(0),
            "{name}"
        );
    }
    // No names or addresses anywhere.
    for batch in [s.households(), s.persons()] {
        for f in batch.schema().fields() {
            assert!(
                !matches!(f.data_type(), DataType::Utf8 | DataType::LargeUtf8),
                "{}",
                f.name()
            );
        }
    }
}

#[test]
fn region_columns_follow_the_level() {
    let tmp = tempfile::tempdir().unwrap();
    let mut registry = vec![
        household(1, "32.04.05.2001", 1),
        household(2, "32.04.05", 1),
        household(3, "32.04", 1),
    ];
    let mut province = household(4, "32.04.05", 1);
    province.0.region = region("32");
    registry.push(province);
    let s = Snapshot::open(write(&registry, tmp.path()).dir).unwrap();
    // Sorted by region key: a region sorts before its descendants.
    let regions: Vec<String> = s
        .region()
        .values()
        .iter()
        .map(|&k| setara_core::RegionCode::from_key(k).unwrap().to_string())
        .collect();
    assert_eq!(regions, ["32", "32.04", "32.04.05", "32.04.05.2001"]);
    assert_eq!(s.province().values(), &[32, 32, 32, 32]);
    let col = |a: &dyn Array, v: Vec<Option<u64>>, got: Vec<Option<u64>>| {
        assert_eq!(got, v, "{:?}", a.data_type());
    };
    col(
        s.regency(),
        vec![None, Some(3204), Some(3204), Some(3204)],
        s.regency().iter().map(|v| v.map(u64::from)).collect(),
    );
    col(
        s.district(),
        vec![None, None, Some(320405), Some(320405)],
        s.district().iter().map(|v| v.map(u64::from)).collect(),
    );
    col(
        s.village(),
        vec![None, None, None, Some(3204052001)],
        s.village().iter().collect(),
    );
    assert_eq!(read_back(&s), expected(&registry));
}

#[test]
fn same_content_in_another_order_gives_the_same_hash() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let registry = sample();
    let mut shuffled: Vec<_> = registry.iter().rev().cloned().collect();
    for (_, members) in &mut shuffled {
        members.reverse();
    }
    shuffled.swap(1, 4);
    let first = write(&registry, a.path());
    let second = write(&shuffled, b.path());
    assert_eq!(first.hash, second.hash);
    for name in [HOUSEHOLDS_FILE, PERSONS_FILE] {
        assert_eq!(
            fs::read(first.dir.join(name)).unwrap(),
            fs::read(second.dir.join(name)).unwrap()
        );
    }

    // Written again into the same directory: the existing snapshot is kept.
    let created = fs::read(first.dir.join("manifest.json")).unwrap();
    let again = write(&shuffled, a.path());
    assert!(again.reused);
    assert_eq!(again.hash, first.hash);
    assert_eq!(fs::read(first.dir.join("manifest.json")).unwrap(), created);
    let entries: Vec<_> = fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        entries.len(),
        2,
        "only the snapshot and LATEST remain: {entries:?}"
    );
}

#[test]
fn different_content_gives_a_different_hash() {
    let tmp = tempfile::tempdir().unwrap();
    let registry = sample();
    let base = write(&registry, tmp.path()).hash;

    let mut one_rupiah = registry.clone();
    one_rupiah[1]
        .0
        .survey
        .as_mut()
        .unwrap()
        .consumption_per_capita
        .0 += 1;
    let mut no_rt = registry.clone();
    no_rt[1].0.rt = None;
    let mut fewer = registry.clone();
    fewer[1].1.pop();
    let mut sick = registry.clone();
    sick[3].1[0].chronic_illness = Some(false);

    let mut hashes = vec![base];
    for changed in [one_rupiah, no_rt, fewer, sick] {
        let h = write(&changed, tmp.path()).hash;
        assert!(!hashes.contains(&h));
        hashes.push(h);
    }
    // Names and addresses are not in a snapshot, so changing them changes nothing.
    let mut renamed = registry.clone();
    renamed[1].1[0].name = "Another Name".into();
    renamed[1].0.address = None;
    assert_eq!(write(&renamed, tmp.path()).hash, hashes[0]);
}

#[test]
fn latest_points_to_the_last_written() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(matches!(
        Snapshot::open_latest(tmp.path()),
        Err(Error::NoLatest { .. })
    ));
    let a = write(&[full_household()], tmp.path());
    assert_eq!(latest_hash(tmp.path()).unwrap(), a.hash);
    let b = write(&[full_household(), empty_household()], tmp.path());
    assert_ne!(a.hash, b.hash);
    assert_eq!(
        fs::read_to_string(tmp.path().join("LATEST")).unwrap(),
        format!("{}\n", b.hash)
    );
    let s = Snapshot::open_latest(tmp.path()).unwrap();
    assert_eq!(s.hash(), b.hash);
    assert_eq!(s.household_count(), 2);
    // Writing the first content again reuses its directory and moves LATEST back.
    let again = write(&[full_household()], tmp.path());
    assert!(again.reused);
    assert_eq!(Snapshot::open_latest(tmp.path()).unwrap().hash(), a.hash);

    fs::write(tmp.path().join("LATEST"), "../../etc\n").unwrap();
    let e = Snapshot::open_latest(tmp.path()).unwrap_err();
    assert!(matches!(e, Error::BadLatest { .. }), "{e}");
}

#[test]
fn an_empty_registry_is_a_valid_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let info = SnapshotBuilder::new().write(tmp.path()).unwrap();
    let s = Snapshot::open_latest(tmp.path()).unwrap();
    s.verify().unwrap();
    assert_eq!((s.household_count(), s.person_count()), (0, 0));
    assert_eq!(s.hash(), info.hash);
}

fn snapshot_dir(tmp: &Path) -> std::path::PathBuf {
    write(&sample(), tmp).dir
}

#[test]
fn truncated_files_are_rejected_by_open() {
    for (name, keep) in [
        (HOUSEHOLDS_FILE, 0.5),
        (PERSONS_FILE, 0.9),
        (PERSONS_FILE, 0.0),
        (HOUSEHOLDS_FILE, 0.999),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = snapshot_dir(tmp.path());
        let path = dir.join(name);
        let bytes = fs::read(&path).unwrap();
        let len = ((bytes.len() as f64) * keep) as usize;
        fs::write(&path, &bytes[..len.min(bytes.len() - 1)]).unwrap();
        let e = Snapshot::open(&dir).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, Error::NotArrowFile { .. }), "{msg}");
        assert!(msg.contains(name), "{msg}");
        assert!(msg.contains("truncated"), "{msg}");
    }
}

#[test]
fn flipped_bytes_are_rejected_by_open_or_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let mut caught_by_verify = 0;
    for name in [HOUSEHOLDS_FILE, PERSONS_FILE] {
        let path = dir.join(name);
        let original = fs::read(&path).unwrap();
        for at in 0..original.len() {
            let mut bytes = original.clone();
            bytes[at] ^= 0x10;
            fs::write(&path, &bytes).unwrap();
            let result = Snapshot::open(&dir).and_then(|s| {
                caught_by_verify += 1;
                s.verify()
            });
            let e = result.expect_err("a changed byte must be caught");
            let msg = e.to_string();
            assert!(
                msg.contains(name) || matches!(e, Error::Inconsistent { .. }),
                "byte {at} of {name}: {msg}"
            );
        }
        fs::write(&path, &original).unwrap();
    }
    assert!(caught_by_verify > 0);
    Snapshot::open(&dir).unwrap().verify().unwrap();
}

#[test]
fn verify_names_the_damaged_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    // Change a KK value in place: the file still decodes, only the hash tells.
    let s = Snapshot::open(&dir).unwrap();
    let kk0 = s.kk().value(0).to_le_bytes();
    drop(s);
    let path = dir.join(HOUSEHOLDS_FILE);
    let mut bytes = fs::read(&path).unwrap();
    let at = bytes.windows(8).position(|w| w == kk0).unwrap();
    bytes[at] ^= 1;
    fs::write(&path, &bytes).unwrap();
    let s = Snapshot::open(&dir).unwrap();
    let e = s.verify().unwrap_err();
    assert!(matches!(e, Error::HashMismatch { .. }), "{e}");
    assert!(e.to_string().contains(HOUSEHOLDS_FILE), "{e}");
}

#[test]
fn verify_checks_the_directory_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let moved = tmp.path().join("copy");
    fs::rename(&dir, &moved).unwrap();
    let s = Snapshot::open(&moved).unwrap();
    let e = s.verify().unwrap_err();
    assert!(e.to_string().contains("directory name"), "{e}");
}

/// Replace the file at `path` (by rename: `batch` may point into the mapped old file, which
/// must not be truncated under it).
fn write_arrow(path: &Path, batch: &RecordBatch) {
    let tmp = path.with_extension("new");
    let file = fs::File::create(&tmp).unwrap();
    let mut w = arrow_ipc::writer::FileWriter::try_new(file, &batch.schema()).unwrap();
    w.write(batch).unwrap();
    w.finish().unwrap();
    fs::rename(&tmp, path).unwrap();
}

#[test]
fn a_different_schema_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let s = Snapshot::open(&dir).unwrap();
    let persons = s.persons().clone();
    let households = s.households().clone();
    drop(s);

    // Persons with a name column: exactly what a snapshot must not hold.
    let names: ArrayRef = Arc::new(StringArray::from(vec!["x"; persons.num_rows()]));
    let mut fields: Vec<Field> = persons
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields.push(Field::new("name", DataType::Utf8, false));
    let mut columns = persons.columns().to_vec();
    columns.push(names);
    let schema = Schema::new_with_metadata(fields, persons.schema().metadata().clone());
    write_arrow(
        &dir.join(PERSONS_FILE),
        &RecordBatch::try_new(Arc::new(schema), columns).unwrap(),
    );
    let e = Snapshot::open(&dir).unwrap_err();
    assert!(matches!(e, Error::Schema { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains(PERSONS_FILE) && msg.contains("`name`"),
        "{msg}"
    );

    // Households without schema version metadata.
    let plain = Schema::new(households.schema().fields().clone());
    let batch = RecordBatch::try_new(Arc::new(plain), households.columns().to_vec()).unwrap();
    write_arrow(&dir.join(HOUSEHOLDS_FILE), &batch);
    let msg = Snapshot::open(&dir).unwrap_err().to_string();
    assert!(
        msg.contains(HOUSEHOLDS_FILE) && msg.contains("schema_version"),
        "{msg}"
    );

    // Households with a column of the wrong type.
    let mut fields: Vec<Field> = households
        .schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    let mut columns = households.columns().to_vec();
    fields[0] = Field::new("kk", DataType::Utf8, false);
    columns[0] = Arc::new(StringArray::from(vec![
        "3204050101200001";
        households.num_rows()
    ]));
    let schema = Schema::new_with_metadata(fields, households.schema().metadata().clone());
    write_arrow(
        &dir.join(HOUSEHOLDS_FILE),
        &RecordBatch::try_new(Arc::new(schema), columns).unwrap(),
    );
    let msg = Snapshot::open(&dir).unwrap_err().to_string();
    assert!(
        msg.contains("column 1 is `kk` Utf8, expected `kk` UInt64"),
        "{msg}"
    );
}

#[test]
fn a_manifest_that_disagrees_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let path = dir.join("manifest.json");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replace("\"households\": 7", "\"households\": 8"),
    )
    .unwrap();
    let e = Snapshot::open(&dir).unwrap_err();
    assert!(matches!(e, Error::Inconsistent { .. }), "{e}");
    fs::write(
        &path,
        text.replace("\"schema_version\": 1", "\"schema_version\": 9"),
    )
    .unwrap();
    let e = Snapshot::open(&dir).unwrap_err();
    assert!(
        e.to_string().contains("manifest.json") && e.to_string().contains("schema version 9"),
        "{e}"
    );
    fs::remove_file(&path).unwrap();
    let e = Snapshot::open(&dir).unwrap_err();
    assert!(
        matches!(e, Error::Io { .. }) && e.to_string().contains("manifest.json"),
        "{e}"
    );
}

#[test]
fn builder_rejects_inconsistent_input() {
    let mut b = SnapshotBuilder::new();
    let (h, mut members) = full_household();
    let (_, strangers) = empty_household();
    members.push(strangers[0].clone());
    let e = b.add(&h, &members).unwrap_err();
    assert!(matches!(e, Error::ForeignMember { .. }), "{e}");
    assert_eq!(
        (b.len(), b.person_count()),
        (0, 0),
        "nothing added on error"
    );

    let (h, mut members) = full_household();
    members.push(members[0].clone());
    assert!(matches!(
        b.add(&h, &members),
        Err(Error::DuplicateNik { .. })
    ));

    let (h, members) = full_household();
    b.add(&h, &members).unwrap();
    let mut elsewhere = h.clone();
    elsewhere.region = region("11.01.01.2001");
    b.add(&elsewhere, &members).unwrap();
    assert_eq!(b.len(), 2);
    let tmp = tempfile::tempdir().unwrap();
    let e = b.write(tmp.path()).unwrap_err();
    assert!(e.to_string().contains("3204050101200001"), "{e}");
    assert!(matches!(e, Error::DuplicateKk { .. }));
    let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "a failed write leaves nothing behind");
}

#[test]
fn arrays_point_into_the_mapping() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = snapshot_dir(tmp.path());
    let s = Snapshot::open(&dir).unwrap();
    let file = fs::read(dir.join(HOUSEHOLDS_FILE)).unwrap();
    let bytes_of = |values: &[u64]| {
        values
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<u8>>()
    };
    let find = |needle: &[u8]| {
        file.windows(needle.len())
            .position(|w| w == needle)
            .unwrap()
    };
    // Zero copy: two columns lie as far apart in memory as in the file, because both are slices
    // of one mapping of it.
    let (kk, region) = (s.kk().values(), s.region().values());
    let in_file = find(&bytes_of(region)) as isize - find(&bytes_of(kk)) as isize;
    let in_memory = region.as_ptr() as isize - kk.as_ptr() as isize;
    assert_eq!(in_memory, in_file);
    for batch in [s.households(), s.persons()] {
        for column in batch.columns() {
            for buffer in column.to_data().buffers() {
                assert_eq!(buffer.as_ptr() as usize % 64, 0);
            }
        }
    }
    // The arrays keep the mapping alive.
    let households = s.households().clone();
    drop(s);
    assert_eq!(households.num_rows(), 7);
}
