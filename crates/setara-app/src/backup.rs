//! Backup and restore (docs/backup.md): a consistent, verified copy of
//! the data directory taken while the system runs, and bringing one back without deleting what
//! is there.
//!
//! Consistency: the store and the ledger are written in this order by every command (the
//! ledger entry is fsynced first, the store records it after), so a copy is consistent when
//! the store's copy has applied at most the entries of the ledger's copy and every entry it
//! applied is there. The backup takes the ledger's writer lock for a moment — no command is
//! then between appending and recording — fixes the store's snapshot (a read transaction that
//! SQLite's online backup copies from) and reads the ledger's length `n`, then releases the
//! lock and copies the store as of that snapshot and exactly the first `n` entries of the
//! append-only ledger, while other commands go on writing.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use setara_ledger::backup::{Sha256Reader, WriterLock, committed_len, copy_prefix};

use crate::data_dir::{CONTENT_DIRS, LEDGER, STORE_FILE};
use crate::error::{Error, Result};
use crate::ledger::{Found, LOCK_WAIT, check_ledger, ledger_error};
use crate::{App, Caller, Progress};

/// Name of the manifest in a backup directory.
pub const MANIFEST_FILE: &str = "setara-backup.json";
/// Format tag of the manifest.
pub const BACKUP_FORMAT: &str = "setara-backup/1";
/// Largest manifest read by `restore`, in bytes (64 MiB): a manifest line is about 150 bytes,
/// so this is room for 400,000 files; a data directory has a few files per snapshot and
/// ranking. A larger file is not a manifest Setara wrote.
pub const MAX_MANIFEST_BYTES: usize = 64 << 20;

/// The manifest: what the backup holds, with the size and SHA-256 of every file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub created_at: String,
    pub setara_version: String,
    /// The data directory the backup was taken of.
    pub data_dir: String,
    pub store: StoreInfo,
    pub ledger: Option<LedgerInfo>,
    pub files: Vec<FileInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreInfo {
    pub schema_version: i64,
    pub ledger_applied: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerInfo {
    pub entries: u64,
    pub checkpoints: u64,
    pub vkey: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileInfo {
    /// Relative to the backup directory, `/`-separated.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

fn invalid(code: &'static str, id: String, en: String) -> Error {
    Error::invalid(code, id, en)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, &e)
}

fn parent_of(p: &Path) -> &Path {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// `a` is `b` or inside it (after resolving links of the parts that exist).
fn within(a: &Path, b: &Path) -> bool {
    let resolve = |p: &Path| -> Option<PathBuf> {
        let abs = std::path::absolute(p).ok()?;
        // Resolve the longest existing prefix, keep the rest as written.
        let mut existing = abs.clone();
        let mut rest = Vec::new();
        while !existing.exists() {
            rest.push(existing.file_name()?.to_owned());
            existing = existing.parent()?.to_path_buf();
        }
        let mut out = fs::canonicalize(&existing).ok()?;
        for r in rest.iter().rev() {
            out.push(r);
        }
        Some(out)
    };
    match (resolve(a), resolve(b)) {
        (Some(a), Some(b)) => a.starts_with(b),
        _ => false,
    }
}

fn is_empty_dir(p: &Path) -> bool {
    fs::read_dir(p).is_ok_and(|mut d| d.next().is_none())
}

/// Bytes and SHA-256 of a file ([`Sha256Reader`]), reporting progress as it reads.
fn sha256_file(path: &Path, progress: &mut dyn FnMut(u64)) -> Result<(u64, String)> {
    let mut f = Sha256Reader::new(File::open(path).map_err(io(path))?);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let k = f.read(&mut buf).map_err(io(path))?;
        if k == 0 {
            break;
        }
        progress(k as u64);
    }
    Ok(f.finish())
}

/// Every regular file under `root`, relative, sorted.
fn list_files(root: &Path) -> Result<Vec<String>> {
    fn walk(root: &Path, rel: &Path, out: &mut Vec<String>) -> Result<()> {
        let dir = root.join(rel);
        let mut names: Vec<_> = fs::read_dir(&dir)
            .map_err(io(&dir))?
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(io(&dir))?;
        names.sort_by_key(|e| e.file_name());
        for e in names {
            let t = e.file_type().map_err(io(&e.path()))?;
            let r = rel.join(e.file_name());
            if t.is_dir() {
                walk(root, &r, out)?;
            } else if t.is_file() {
                out.push(
                    r.to_str()
                        .ok_or_else(|| {
                            invalid(
                                "backup_file_name",
                                format!("nama berkas bukan UTF-8: {}", r.display()),
                                format!("a file name is not UTF-8: {}", r.display()),
                            )
                        })?
                        .to_string(),
                );
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(root, Path::new(""), &mut out)?;
    Ok(out)
}

fn copy_file(from: &Path, to: &Path, progress: &mut dyn FnMut(u64)) -> Result<(u64, String)> {
    if let Some(d) = to.parent() {
        fs::create_dir_all(d).map_err(io(d))?;
    }
    let mut src = Sha256Reader::new(File::open(from).map_err(io(from))?);
    let mut dst = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(io(to))?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let k = src.read(&mut buf).map_err(io(from))?;
        if k == 0 {
            break;
        }
        dst.write_all(&buf[..k]).map_err(io(to))?;
        progress(k as u64);
    }
    dst.sync_all().map_err(io(to))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = src
            .get_ref()
            .metadata()
            .map_err(io(from))?
            .permissions()
            .mode();
        fs::set_permissions(to, fs::Permissions::from_mode(mode & 0o777)).map_err(io(to))?;
    }
    Ok(src.finish())
}

/// Copy the content directories (snapshots, rankings, rejects) without writes in progress.
fn copy_content(data: &Path, dst: &Path, progress: &mut dyn FnMut(u64)) -> Result<()> {
    fn walk(src: &Path, dst: &Path, progress: &mut dyn FnMut(u64)) -> Result<()> {
        let mut names: Vec<_> = fs::read_dir(src)
            .map_err(io(src))?
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(io(src))?;
        names.sort_by_key(|e| e.file_name());
        fs::create_dir_all(dst).map_err(io(dst))?;
        for e in names {
            let name = e.file_name();
            let s = name.to_string_lossy();
            if s.starts_with('.') || s.ends_with(".tmp") {
                continue;
            }
            let t = e.file_type().map_err(io(&e.path()))?;
            if t.is_dir() {
                walk(&e.path(), &dst.join(&name), progress)?;
            } else if t.is_file() {
                match copy_file(&e.path(), &dst.join(&name), progress) {
                    Ok(_) => {}
                    // Removed while we copied (an old rejects report): not part of the backup.
                    Err(f) if !e.path().exists() => drop(f),
                    Err(f) => return Err(f),
                }
            }
        }
        Ok(())
    }
    for d in CONTENT_DIRS {
        let src = data.join(d);
        if src.is_dir() {
            walk(&src, &dst.join(d), progress)?;
        }
    }
    Ok(())
}

fn tree_bytes(p: &Path) -> u64 {
    let Ok(rd) = fs::read_dir(p) else { return 0 };
    rd.filter_map(|e| e.ok())
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => tree_bytes(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

/// What [`verify`] established about a backup directory.
struct Verified {
    store: setara_store::sqlite::backup::CopyCheck,
    ledger: Option<LedgerInfo>,
}

/// The checks `backup` makes of its copy and `restore` of a backup: the store sound (SQLite's
/// integrity check, a schema this program knows), the ledger sound (its audit, and it opens),
/// the store applied at most the ledger's entries and under its key, every ranking file the
/// store refers to present.
fn verify(app: &App, dir: &Path) -> Result<Verified> {
    let damaged = |what: &str, why: String| {
        invalid(
            "backup_damaged",
            format!("cadangan {} rusak: {what}: {why}", app.data.show(dir)),
            format!(
                "the backup {} is damaged: {what}: {why}",
                app.data.show(dir)
            ),
        )
    };
    let store_path = dir.join(STORE_FILE);
    let store = setara_store::sqlite::backup::check_copy(&store_path)
        .map_err(|e| damaged(STORE_FILE, e.to_string()))?;
    if store.integrity != ["ok"] {
        return Err(damaged(STORE_FILE, store.integrity.join("; ")));
    }
    if store.schema_version > store.known_version {
        return Err(damaged(
            STORE_FILE,
            format!(
                "schema version {} is newer than this program's {}",
                store.schema_version, store.known_version
            ),
        ));
    }
    let ledger_dir = dir.join(LEDGER);
    let ledger = if ledger_dir.join("LEDGER").exists() {
        let report =
            setara_ledger::audit(&ledger_dir).map_err(|e| damaged(LEDGER, e.to_string()))?;
        if !report.is_ok() {
            let first = report
                .first_bad_index
                .map(|i| format!("first bad index {i}: "))
                .unwrap_or_default();
            return Err(damaged(
                LEDGER,
                format!(
                    "{first}{}",
                    report
                        .problems
                        .iter()
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ));
        }
        let l = setara_ledger::Ledger::open_read_only(&ledger_dir)
            .map_err(|e| damaged(LEDGER, e.to_string()))?;
        if !ledger_dir.join("signing.key").is_file() {
            return Err(damaged(LEDGER, "the signing key is missing".into()));
        }
        Some(LedgerInfo {
            entries: l.len(),
            checkpoints: l.checkpoints().map_or(0, |c| c.len() as u64),
            vkey: l.verifier_key(),
        })
    } else {
        None
    };
    let inconsistent = |id: String, en: String| invalid("backup_inconsistent", id, en);
    let len = ledger.as_ref().map_or(0, |l| l.entries);
    if store.ledger_applied > len {
        return Err(inconsistent(
            format!(
                "cadangan {}: basis data mencatat {} entri buku besar, buku besarnya hanya {len}",
                app.data.show(dir),
                store.ledger_applied
            ),
            format!(
                "the backup {}: the store recorded {} ledger entries but its ledger holds {len}",
                app.data.show(dir),
                store.ledger_applied
            ),
        ));
    }
    if let (Some(k), Some(l)) = (&store.ledger_key, &ledger)
        && *k != l.vkey
    {
        return Err(inconsistent(
            format!(
                "cadangan {}: kunci buku besar bukan kunci yang tercatat di basis data",
                app.data.show(dir)
            ),
            format!(
                "the backup {}: the ledger's key is not the one the store recorded",
                app.data.show(dir)
            ),
        ));
    }
    if store.ledger_key.is_some() && ledger.is_none() {
        return Err(inconsistent(
            format!("cadangan {}: buku besar tidak ada", app.data.show(dir)),
            format!("the backup {}: the ledger is missing", app.data.show(dir)),
        ));
    }
    for f in &store.ranking_files {
        let safe = Path::new(f)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !safe || !dir.join(f).is_file() {
            return Err(invalid(
                "backup_ranking_missing",
                format!(
                    "cadangan {}: berkas peringkat {f} yang dirujuk basis data tidak ada",
                    app.data.show(dir)
                ),
                format!(
                    "the backup {}: the ranking file {f} the store refers to is missing",
                    app.data.show(dir)
                ),
            ));
        }
    }
    Ok(Verified { store, ledger })
}

/// What a backup wrote (the `--json` form of `setara backup`).
#[derive(Clone, Debug, Serialize)]
pub struct BackupDone {
    /// The backup directory.
    pub backup: PathBuf,
    /// Files listed in its manifest.
    pub files: usize,
    pub bytes: u64,
    /// Ledger entries the store's copy had applied.
    pub ledger_applied: u64,
    /// Entries of the ledger's copy (`None`: there is no ledger yet).
    pub ledger_entries: Option<u64>,
    pub checkpoints: Option<u64>,
    /// Always true: a backup that does not pass its checks is not written.
    pub verified: bool,
}

/// Write a consistent, verified backup of the data directory into `target` (new, or an
/// empty directory; its parent must exist; not inside the data directory). Progress comes in
/// phases: `store`, `ledger`, `files`, `checksums` (bytes).
pub fn backup(
    app: &App,
    caller: &Caller,
    target: &Path,
    progress: &mut dyn Progress,
) -> Result<BackupDone> {
    caller.require_administrator("backup")?;
    let target = target.to_path_buf();
    let data = app.data.root().to_path_buf();
    // Where the backup goes: new or empty, its parent existing, not inside the data directory.
    if target.exists() && !is_empty_dir(&target) {
        return Err(invalid(
            "backup_target_not_empty",
            format!(
                "{} sudah ada dan tidak kosong; cadangan tidak pernah menimpa apa pun: pilih direktori baru",
                app.data.show(&target)
            ),
            format!(
                "{} exists and is not empty; a backup never writes over anything: choose a new directory",
                app.data.show(&target)
            ),
        ));
    }
    let parent = parent_of(&target).to_path_buf();
    if !parent.is_dir() {
        return Err(invalid(
            "output_dir_missing",
            format!(
                "direktori {} tidak ada; buat dahulu (Setara tidak membuat direktori induk)",
                app.data.show(&parent)
            ),
            format!(
                "the directory {} does not exist; create it first (Setara does not create parent directories)",
                app.data.show(&parent)
            ),
        ));
    }
    if within(&target, &data) || within(&data, &target) {
        return Err(invalid(
            "backup_inside_data_dir",
            format!(
                "{} berada di dalam direktori data {} (atau sebaliknya); simpan cadangan di luarnya, sebaiknya di disk lain",
                app.data.show(&target),
                app.data.show(&data)
            ),
            format!(
                "{} is inside the data directory {} (or the other way round); keep backups outside it, preferably on another disk",
                app.data.show(&target),
                app.data.show(&data)
            ),
        ));
    }
    if !app.data.store_elsewhere() && !app.data.store_path().is_file() {
        return Err(invalid(
            "backup_no_store",
            format!(
                "tidak ada basis data di {}; tidak ada yang dicadangkan",
                app.data.show(&app.data.store_path())
            ),
            format!(
                "there is no store at {}; nothing to back up",
                app.data.show(&app.data.store_path())
            ),
        ));
    }
    let store = app.reader()?;
    // A ledger the store cannot trust (missing, short, re-keyed) is not backed up as if sound.
    let found = check_ledger(app, store.as_ref())?;
    let ledger_dir = data.join(LEDGER);

    let tmp = tempfile::Builder::new()
        .prefix(".setara-backup-")
        .tempdir_in(&parent)
        .map_err(io(&parent))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The backup holds personal data and the ledger's signing key.
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o700))
            .map_err(io(tmp.path()))?;
    }

    // 1. The moment: no ledger writer in flight, the store's snapshot fixed, the ledger's length.
    let mut lock = match found {
        Found::Ledger => {
            Some(WriterLock::acquire(&ledger_dir, LOCK_WAIT).map_err(|e| ledger_error(&e))?)
        }
        Found::Nothing => None,
    };
    let mut n: Option<std::result::Result<u64, setara_ledger::Error>> = None;
    progress.phase("store");
    progress.start(1);
    store.backup_to(
        &tmp.path().join(STORE_FILE),
        &mut || {
            if lock.is_some() {
                n = Some(committed_len(&ledger_dir));
            }
            lock = None;
        },
        &mut |done, total| {
            progress.start(total);
            progress.set(done);
        },
    )?;
    progress.finish();
    drop(store);

    // 2. The ledger: exactly those n entries.
    let mut ledger_copied = None;
    if let Some(n) = n {
        let n = n.map_err(|e| ledger_error(&e))?;
        let total = tree_bytes(&ledger_dir);
        progress.phase("ledger");
        progress.start(total);
        let info = copy_prefix(&ledger_dir, &tmp.path().join(LEDGER), n, &mut |b| {
            progress.set(b.min(total))
        })
        .map_err(|e| ledger_error(&e))?;
        progress.finish();
        ledger_copied = Some(info);
    }

    // 3. Snapshots, rankings, rejects.
    let total: u64 = CONTENT_DIRS.iter().map(|d| tree_bytes(&data.join(d))).sum();
    progress.phase("files");
    progress.start(total);
    let mut done = 0u64;
    copy_content(&data, tmp.path(), &mut |k| {
        done += k;
        progress.set(done)
    })?;
    progress.finish();

    // 4. Verify the copy, then describe it.
    let verified = verify(app, tmp.path())?;
    let files = list_files(tmp.path())?;
    let total: u64 = files
        .iter()
        .map(|f| fs::metadata(tmp.path().join(f)).map_or(0, |m| m.len()))
        .sum();
    progress.phase("checksums");
    progress.start(total);
    let mut done = 0u64;
    let mut listed = Vec::with_capacity(files.len());
    for f in files {
        let (bytes, sha256) = sha256_file(&tmp.path().join(&f), &mut |k| {
            done += k;
            progress.set(done)
        })?;
        listed.push(FileInfo {
            path: f,
            bytes,
            sha256,
        });
    }
    progress.finish();
    let manifest = Manifest {
        format: BACKUP_FORMAT.into(),
        created_at: app_time(app).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        setara_version: env!("CARGO_PKG_VERSION").into(),
        data_dir: std::path::absolute(&data)
            .unwrap_or(data.clone())
            .display()
            .to_string(),
        store: StoreInfo {
            schema_version: verified.store.schema_version,
            ledger_applied: verified.store.ledger_applied,
        },
        ledger: verified.ledger.clone(),
        files: listed,
    };
    let mpath = tmp.path().join(MANIFEST_FILE);
    let mut m = File::create(&mpath).map_err(io(&mpath))?;
    m.write_all(
        serde_json::to_string_pretty(&manifest)
            .expect("the manifest serializes")
            .as_bytes(),
    )
    .and_then(|()| m.write_all(b"\n"))
    .and_then(|()| m.sync_all())
    .map_err(io(&mpath))?;
    File::open(tmp.path())
        .and_then(|d| d.sync_all())
        .map_err(io(tmp.path()))?;

    // 5. Into place: the target is still new or empty, or nothing is done.
    if target.exists() {
        fs::remove_dir(&target).map_err(|_| {
            invalid(
                "backup_target_not_empty",
                format!(
                    "{} tidak lagi kosong; cadangan tidak menimpanya",
                    app.data.show(&target)
                ),
                format!(
                    "{} is no longer empty; the backup does not write over it",
                    app.data.show(&target)
                ),
            )
        })?;
    }
    let kept = tmp.keep();
    if let Err(e) = fs::rename(&kept, &target) {
        let _ = fs::remove_dir_all(&kept);
        return Err(Error::io(&target, &e));
    }
    let _ = File::open(&parent).and_then(|d| d.sync_all());

    let bytes: u64 = manifest.files.iter().map(|f| f.bytes).sum();
    Ok(BackupDone {
        backup: target,
        files: manifest.files.len(),
        bytes,
        ledger_applied: manifest.store.ledger_applied,
        ledger_entries: manifest.ledger.as_ref().map(|l| l.entries),
        checkpoints: ledger_copied.map(|i| i.checkpoints),
        verified: true,
    })
}

/// A manifest's path: relative, plain components only (a hostile manifest cannot name a file
/// outside the backup or the data directory).
fn safe_relative(p: &str) -> bool {
    !p.is_empty()
        && !p.contains('\\')
        && Path::new(p)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

fn read_manifest(app: &App, dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST_FILE);
    let bad = |why: String| {
        invalid(
            "backup_manifest_invalid",
            format!(
                "{}: bukan manifes cadangan Setara ({why})",
                app.data.show(&path)
            ),
            format!(
                "{}: not a Setara backup manifest ({why})",
                app.data.show(&path)
            ),
        )
    };
    let mut f = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(invalid(
                "backup_manifest_missing",
                format!(
                    "{} bukan cadangan Setara: {MANIFEST_FILE} tidak ada",
                    app.data.show(dir)
                ),
                format!(
                    "{} is not a Setara backup: {MANIFEST_FILE} is missing",
                    app.data.show(dir)
                ),
            ));
        }
        Err(e) => return Err(Error::io(&path, &e)),
    };
    let bytes = setara_ledger::read_limited(&mut f, MAX_MANIFEST_BYTES)
        .map_err(|e| bad(e.to_string()))?
        .ok_or_else(|| bad(format!("larger than {MAX_MANIFEST_BYTES} bytes")))?;
    let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    if m.format != BACKUP_FORMAT {
        return Err(bad(format!("format {:?}", m.format)));
    }
    let mut seen = std::collections::HashSet::new();
    for f in &m.files {
        if !safe_relative(&f.path) || f.path == MANIFEST_FILE || !seen.insert(f.path.as_str()) {
            return Err(bad(format!("file path {:?}", f.path)));
        }
    }
    if !seen.contains(STORE_FILE) {
        return Err(bad("no setara.sqlite".into()));
    }
    Ok(m)
}

/// What a restore did (the `--json` form of `setara restore`).
#[derive(Clone, Debug, Serialize)]
pub struct Restored {
    /// The data directory restored into.
    pub restored: PathBuf,
    /// The backup directory.
    pub from: PathBuf,
    /// Where the data directory that was there went (nothing is deleted).
    pub moved_aside: Option<PathBuf>,
    pub backup_created_at: String,
    pub files: usize,
    pub ledger_entries: Option<u64>,
    /// Ledger entries appended while the backup was taken, applied to the restored store.
    pub entries_applied_to_store: u64,
}

/// Bring the backup `src` back as the data directory: every file checked against the
/// manifest, the copy verified, an existing data directory moved aside (never deleted), the
/// store brought up to the ledger. Progress comes in phases: `checking`, `restoring` (bytes).
pub fn restore(
    app: &App,
    caller: &Caller,
    src: &Path,
    progress: &mut dyn Progress,
) -> Result<Restored> {
    caller.require_administrator("restore")?;
    if app.data.store_elsewhere() {
        return Err(invalid(
            "restore_store_elsewhere",
            "SETARA_STORE diatur: restore hanya memulihkan basis data di dalam direktori data; hapus SETARA_STORE".into(),
            "SETARA_STORE is set: restore only brings back the store inside the data directory; unset SETARA_STORE".into(),
        ));
    }
    let src = src.to_path_buf();
    let data = app.data.root().to_path_buf();
    if !src.is_dir() {
        return Err(invalid(
            "backup_manifest_missing",
            format!("{} bukan direktori cadangan", app.data.show(&src)),
            format!("{} is not a backup directory", app.data.show(&src)),
        ));
    }
    if within(&src, &data) || within(&data, &src) {
        return Err(invalid(
            "backup_inside_data_dir",
            format!(
                "{} berada di dalam direktori data {} (atau sebaliknya)",
                app.data.show(&src),
                app.data.show(&data)
            ),
            format!(
                "{} is inside the data directory {} (or the other way round)",
                app.data.show(&src),
                app.data.show(&data)
            ),
        ));
    }
    let manifest = read_manifest(app, &src)?;
    // Every listed file as it was written.
    let total: u64 = manifest.files.iter().map(|f| f.bytes).sum();
    progress.phase("checking");
    progress.start(total);
    let mut done = 0u64;
    let damaged = |f: &str, why: &str| {
        invalid(
            "backup_damaged",
            format!("cadangan {} rusak: {f}: {why}", app.data.show(&src)),
            format!("the backup {} is damaged: {f}: {why}", app.data.show(&src)),
        )
    };
    for f in &manifest.files {
        let p = src.join(&f.path);
        match fs::symlink_metadata(&p) {
            Ok(m) if m.is_file() => {}
            _ => return Err(damaged(&f.path, "missing")),
        }
        let (bytes, sha) = sha256_file(&p, &mut |k| {
            done += k;
            progress.set(done)
        })?;
        if bytes != f.bytes {
            return Err(damaged(
                &f.path,
                &format!("{bytes} bytes, the manifest says {}", f.bytes),
            ));
        }
        if sha != f.sha256 {
            return Err(damaged(&f.path, "its SHA-256 differs from the manifest"));
        }
    }
    progress.finish();
    let verified = verify(app, &src)?;

    // Where it goes: beside the data directory, then renamed into place.
    let name = data
        .file_name()
        .filter(|n| !n.is_empty() && *n != "." && *n != "..")
        .ok_or_else(|| {
            invalid(
                "restore_target_invalid",
                format!(
                    "{} tidak dapat menjadi direktori data",
                    app.data.show(&data)
                ),
                format!("{} cannot be a data directory", app.data.show(&data)),
            )
        })?
        .to_string_lossy()
        .into_owned();
    let parent = parent_of(&data).to_path_buf();
    if !parent.is_dir() {
        return Err(invalid(
            "output_dir_missing",
            format!(
                "direktori {} tidak ada; buat dahulu",
                app.data.show(&parent)
            ),
            format!(
                "the directory {} does not exist; create it first",
                app.data.show(&parent)
            ),
        ));
    }
    // No command may be writing the data directory being replaced.
    let old_ledger = data.join(LEDGER);
    let _lock = if old_ledger.join("LEDGER").exists() {
        match WriterLock::acquire(&old_ledger, std::time::Duration::ZERO) {
            Ok(l) => Some(l),
            Err(setara_ledger::Error::Locked(_)) => {
                return Err(invalid(
                    "restore_data_dir_busy",
                    format!(
                        "perintah lain sedang menulis buku besar di {}; hentikan dahulu",
                        app.data.show(&data)
                    ),
                    format!(
                        "another command is writing the ledger in {}; stop it first",
                        app.data.show(&data)
                    ),
                ));
            }
            Err(_) => None,
        }
    } else {
        None
    };
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.restoring-"))
        .tempdir_in(&parent)
        .map_err(io(&parent))?;
    progress.phase("restoring");
    progress.start(total);
    let mut done = 0u64;
    for f in &manifest.files {
        let (_, sha) = copy_file(&src.join(&f.path), &tmp.path().join(&f.path), &mut |k| {
            done += k;
            progress.set(done)
        })?;
        if sha != f.sha256 {
            return Err(damaged(&f.path, "it changed while it was restored"));
        }
    }
    progress.finish();
    File::open(tmp.path())
        .and_then(|d| d.sync_all())
        .map_err(io(tmp.path()))?;

    // This App's connections are on the store about to be moved aside: closed, and its writer
    // held, until the restored directory is in place (the next use opens the restored store).
    let closed = app.close_stores();
    // The existing data directory is never deleted: an empty one is replaced, anything else is
    // moved aside.
    let mut moved_aside = None;
    match fs::symlink_metadata(&data) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(&data, &e)),
        Ok(m) if m.is_dir() && is_empty_dir(&data) => {
            fs::remove_dir(&data).map_err(io(&data))?;
        }
        Ok(_) => {
            let stamp = app_time(app).format("%Y%m%dT%H%M%SZ").to_string();
            let mut aside = data.with_file_name(format!("{name}.before-restore-{stamp}"));
            let mut k = 2;
            while fs::symlink_metadata(&aside).is_ok() {
                aside = data.with_file_name(format!("{name}.before-restore-{stamp}-{k}"));
                k += 1;
            }
            fs::rename(&data, &aside).map_err(io(&data))?;
            moved_aside = Some(aside);
        }
    }
    let kept = tmp.keep();
    if let Err(e) = fs::rename(&kept, &data) {
        // Put the old directory back; the restored copy stays beside it for inspection.
        if let Some(aside) = &moved_aside {
            let _ = fs::rename(aside, &data);
        }
        return Err(Error::io(&data, &e));
    }
    let _ = File::open(&parent).and_then(|d| d.sync_all());
    drop(_lock);
    drop(closed);

    // Bring the store up to the ledger (entries appended while the backup was taken).
    let repaired = crate::ledger::repair_after_restore(app, caller)?;
    Ok(Restored {
        restored: data,
        from: src,
        moved_aside,
        backup_created_at: manifest.created_at,
        files: manifest.files.len(),
        ledger_entries: verified.ledger.as_ref().map(|l| l.entries),
        entries_applied_to_store: repaired,
    })
}

/// The app's time as a UTC date and time.
fn app_time(app: &App) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(app.now(), 0).unwrap_or_default()
}
