//! A data directory built once per test binary and copied for each test that uses it (also
//! used by `crates/setara-app/tests/`, which run no binary).

#![allow(dead_code)]

use std::path::Path;
use std::sync::OnceLock;

/// A directory built once per test binary by `build` (with a value, such as how many
/// households were selected), copied whole into a new temporary directory for each caller:
/// every test changes its own copy.
pub fn copied<T: Clone + Send + Sync>(
    cell: &'static OnceLock<(tempfile::TempDir, T)>,
    build: impl FnOnce() -> (tempfile::TempDir, T),
) -> (tempfile::TempDir, T) {
    let (built, value) = cell.get_or_init(build);
    let copy = tempfile::tempdir().expect("a temporary directory");
    copy_tree(built.path(), copy.path()).expect("copy the shared fixture");
    (copy, value.clone())
}

/// Copy a directory tree (files and folders; Setara's data directories hold nothing else).
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
