//! Importing household and person files into the store, validating every row.
//!
//! Reading and parsing run on one thread, writing on another, joined by a bounded channel, so
//! memory stays flat whatever the file size. The whole import is one transaction. By default it
//! is all-or-nothing: if any row is rejected nothing is written and every rejection is reported;
//! with `skip_invalid` the valid rows are committed and the rejected ones reported. Every
//! rejected value goes to a CSV report (a file the caller names, or `DATA_DIR/rejects/`), written
//! whole before the import commits.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;

use chrono::NaiveDate;
use serde::Serialize;
use setara_core::{Household, Kk, Lang, Localized, Nik, Person, Regions};
use setara_registry::fields::{
    HOUSEHOLD_FIELDS, PERSON_FIELDS, blank_household, blank_person, check_household, check_person,
};
use setara_registry::writer::{Dialect, csv_writer};
use setara_registry::{
    FileError, Finding, RawRecord, Reason, RecordParser, RowError, Source, checks,
};
use setara_store::source_hash::{SourceHash, hashing, sha256_hex};
use setara_store::{Actor, ImportMeta, ImportSummary, Store, StoreError};

use crate::error::{Error, ErrorKind, Result};
use crate::output::OutputFile;
use crate::{App, Caller, DataDir, Progress};

/// A rejected row or value. Serialized with the reason's stable `code` and its message in
/// both languages (`reason_id`, `reason_en`).
#[derive(Clone, Debug)]
pub struct Rejection {
    pub file: String,
    pub row: u64,
    pub column: Option<&'static str>,
    pub value: String,
    pub reason: Reason,
}

impl Rejection {
    /// Why, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        self.reason.message(lang)
    }

    fn new(file: &str, e: RowError) -> Rejection {
        Rejection {
            file: file.to_string(),
            row: e.row,
            column: e.column,
            value: e.value,
            reason: e.reason,
        }
    }
}

impl Serialize for Rejection {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Rejection", 7)?;
        st.serialize_field("file", &self.file)?;
        st.serialize_field("row", &self.row)?;
        st.serialize_field("column", &self.column)?;
        st.serialize_field("value", &self.value)?;
        st.serialize_field("code", self.reason.code())?;
        st.serialize_field("reason_id", &self.reason.message(Lang::Id))?;
        st.serialize_field("reason_en", &self.reason.message(Lang::En))?;
        st.end()
    }
}

/// The result of the pipeline's run to the end (committed or not).
#[derive(Clone, Debug)]
pub struct ImportReport {
    pub summary: ImportSummary,
    pub households_read: u64,
    pub persons_read: u64,
    /// The first [`KEPT_REJECTIONS`] rejected values; every one goes to
    /// [`ImportEvents::rejected`] as it is found.
    pub rejections: Vec<Rejection>,
    /// Rejected values in all.
    pub values_rejected: u64,
    /// Rows rejected (a row may have several rejected values).
    pub rows_rejected: u64,
    /// Seconds spent on the households file, the persons file, the final checks and the commit.
    pub seconds: PhaseSeconds,
}

/// Where an import's time went.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct PhaseSeconds {
    pub households: f64,
    pub persons: f64,
    pub finalize: f64,
    pub commit: f64,
}

/// Why an import could not run.
#[derive(Debug)]
pub enum ImportError {
    File {
        path: String,
        error: FileError,
    },
    Io {
        path: String,
        error: std::io::Error,
    },
    Store(StoreError),
    NotAFile {
        path: String,
    },
    /// The report of rejected rows could not be written; nothing was imported.
    Rejects {
        path: String,
        error: std::io::Error,
    },
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> ImportError {
        ImportError::Store(e)
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::File { path, error } => write!(f, "{path}: {error}"),
            ImportError::Io { path, error } => write!(f, "{path}: {error}"),
            ImportError::Store(e) => write!(f, "{e}"),
            ImportError::NotAFile { path } => write!(f, "{path} is a directory, not a file"),
            ImportError::Rejects { path, error } => write!(
                f,
                "{path}: the rejected rows cannot be written ({error}); nothing was imported"
            ),
        }
    }
}

impl std::error::Error for ImportError {}

/// Problems with the request's files are the request's (`Invalid`); the store, the file
/// system and an unwritable report the system's (`Internal`).
impl From<ImportError> for Error {
    fn from(e: ImportError) -> Error {
        let kind = match &e {
            ImportError::Store(_) => ErrorKind::Internal,
            ImportError::Io { error, .. } if error.kind() == std::io::ErrorKind::NotFound => {
                ErrorKind::NotFound
            }
            ImportError::Io { error, .. } | ImportError::Rejects { error, .. }
                if error.kind() != std::io::ErrorKind::NotFound =>
            {
                ErrorKind::Internal
            }
            _ => ErrorKind::Invalid,
        };
        Error::from_localized(kind, &e)
    }
}

impl Localized for ImportError {
    fn code(&self) -> &'static str {
        match self {
            ImportError::File { error, .. } => error.code(),
            ImportError::Io { error, .. } if error.kind() == std::io::ErrorKind::NotFound => {
                "file_not_found"
            }
            ImportError::Io { .. } => "file_unreadable",
            ImportError::Store(e) => e.code(),
            ImportError::Rejects { .. } => "rejects_unwritable",
            ImportError::NotAFile { .. } => "file_not_a_file",
        }
    }
    fn message(&self, lang: Lang) -> String {
        match self {
            ImportError::File { path, error } => format!("{path}: {}", error.message(lang)),
            ImportError::Io { path, error } => match lang {
                Lang::En => format!("{path}: {error}"),
                Lang::Id => format!("{path}: tidak dapat dibaca: {error}"),
            },
            ImportError::Store(e) => e.message(lang),
            ImportError::NotAFile { path } => match lang {
                Lang::En => self.to_string(),
                Lang::Id => format!("{path} adalah direktori, bukan berkas"),
            },
            ImportError::Rejects { path, error } => match lang {
                Lang::En => self.to_string(),
                Lang::Id => format!(
                    "{path}: baris yang ditolak tidak dapat ditulis ({error}); tidak ada yang diimpor"
                ),
            },
        }
    }
}

/// What an import tells whoever watches it: progress for a front end, and where it is for a
/// test (such as one that kills the process at a given row or during the commit).
pub trait ImportEvents {
    /// A file starts (`role` is `households` or `persons`).
    fn file_started(&mut self, _role: &str, _path: &Path, _bytes: u64) {}
    /// Bytes of the current file read so far.
    fn progress(&mut self, _bytes: u64) {}
    /// Rows handed to the store so far (both files).
    fn rows_written(&mut self, _rows: u64) {}
    /// The transaction is about to commit.
    fn committing(&mut self) {}
    /// A value was rejected (called for every one, in file order).
    fn rejected(&mut self, _rejection: &Rejection) {}
    /// Everything is read and checked and the import is about to commit: an error here (the
    /// report of rejected rows could not be written) rolls the import back, so that no row
    /// is skipped without its report.
    fn before_commit(&mut self) -> Result<(), ImportError> {
        Ok(())
    }
}

/// No progress reporting.
pub struct Silent;
impl ImportEvents for Silent {}

/// Progress counted in rows written (both files), for a front end that draws one bar.
pub struct RowProgress<'a>(pub &'a mut dyn Progress);
impl ImportEvents for RowProgress<'_> {
    fn rows_written(&mut self, rows: u64) {
        self.0.set(rows);
    }
}

/// A file being imported, apart from its rows.
struct FileMeta {
    path: PathBuf,
    name: String,
    bytes: u64,
    hash: SourceHash,
    /// XLSX is read out of order; hash it separately.
    hash_separately: bool,
}

impl FileMeta {
    fn sha256(&self) -> Result<String, ImportError> {
        if self.hash_separately {
            let io = |error| ImportError::Io {
                path: self.path.display().to_string(),
                error,
            };
            let file = File::open(&self.path).map_err(io)?;
            return sha256_hex(file).map_err(io);
        }
        Ok(self.hash.hex())
    }

    fn file_error(&self, error: FileError) -> ImportError {
        ImportError::File {
            path: self.path.display().to_string(),
            error,
        }
    }
}

struct OpenedFile {
    meta: FileMeta,
    source: Source,
    header: RawRecord,
}

fn open_table(path: &Path) -> Result<OpenedFile, ImportError> {
    let io = |error| ImportError::Io {
        path: path.display().to_string(),
        error,
    };
    let file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(ImportError::NotAFile {
            path: path.display().to_string(),
        });
    }
    let bytes = meta.len();
    let (reader, hash) = hashing(file);
    let mut source = Source::open(Box::new(reader)).map_err(|error| ImportError::File {
        path: path.display().to_string(),
        error,
    })?;
    let mut header = RawRecord::default();
    match source.next_into(&mut header) {
        Ok(true) if header.not_utf8.is_some() => {
            return Err(ImportError::File {
                path: path.display().to_string(),
                error: FileError::Header(vec![setara_registry::table::HeaderProblem::NotUtf8]),
            });
        }
        Ok(true) => {}
        Ok(false) => {
            return Err(ImportError::File {
                path: path.display().to_string(),
                error: FileError::Empty,
            });
        }
        Err(error) => {
            return Err(ImportError::File {
                path: path.display().to_string(),
                error,
            });
        }
    }
    let hash_separately = source.format() == setara_registry::Format::Xlsx;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(OpenedFile {
        meta: FileMeta {
            path: path.to_path_buf(),
            name,
            bytes,
            hash,
            hash_separately,
        },
        source,
        header,
    })
}

/// One parsed row, or why it could not be parsed.
enum Parsed<T> {
    Ok {
        row: u64,
        value: T,
        findings: Vec<Finding>,
    },
    Bad {
        row: u64,
        kk: Option<Kk>,
        nik: Option<Nik>,
        errors: Vec<RowError>,
    },
}

const BATCH: usize = 2048;

/// How many rejections an [`ImportReport`] keeps in memory; a file where every row is wrong
/// must not fill the memory, so the rest only go to [`ImportEvents::rejected`].
pub const KEPT_REJECTIONS: usize = 1000;

/// What the reading thread sends: a batch of rows with the bytes read so far, or why reading
/// stopped.
type Message<T> = Result<(Vec<Parsed<T>>, u64), FileError>;

/// Read every row of a file on its own thread and hand them over in batches.
fn parse_rows<T: Send + 'static>(
    mut source: Source,
    parser: RecordParser<T>,
    validate: impl Fn(&T, &mut Vec<Finding>) -> Result<(), (&'static str, Reason)> + Send,
    ids: (Option<usize>, Option<usize>),
    tx: std::sync::mpsc::SyncSender<Message<T>>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    let mut rec = RawRecord::default();
    let mut errors = Vec::new();
    loop {
        match source.next_into(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                errors.clear();
                match parser.parse(&rec, &mut errors) {
                    Some(value) => {
                        let mut findings = Vec::new();
                        match validate(&value, &mut findings) {
                            Ok(()) => batch.push(Parsed::Ok {
                                row: rec.row,
                                value,
                                findings,
                            }),
                            Err((column, reason)) => {
                                let text = rec
                                    .fields
                                    .get(column_index(&parser, column))
                                    .cloned()
                                    .unwrap_or_default();
                                batch.push(Parsed::Bad {
                                    row: rec.row,
                                    kk: id_of(&rec, ids.0, Kk::parse),
                                    nik: id_of(&rec, ids.1, Nik::parse),
                                    errors: vec![RowError::new(
                                        rec.row,
                                        Some(column),
                                        text,
                                        reason,
                                    )],
                                });
                            }
                        }
                    }
                    None => batch.push(Parsed::Bad {
                        row: rec.row,
                        kk: id_of(&rec, ids.0, Kk::parse),
                        nik: id_of(&rec, ids.1, Nik::parse),
                        errors: errors.clone(),
                    }),
                }
            }
            Err(file_error) => {
                let _ = tx.send(Err(file_error));
                return;
            }
        }
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if tx.send(Ok((full, source.position()))).is_err() {
                return;
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(Ok((batch, source.position())));
    }
}

fn column_index<T>(parser: &RecordParser<T>, name: &str) -> usize {
    parser.column_of(name).unwrap_or(usize::MAX)
}

/// The identifier in a column of a rejected row, if it parses.
fn id_of<I, E>(
    rec: &RawRecord,
    column: Option<usize>,
    parse: fn(&str) -> Result<I, E>,
) -> Option<I> {
    parse(rec.fields.get(column?)?).ok()
}

/// The pipeline's request: the two files, the mode, who acts and today's date.
#[derive(Clone, Debug)]
pub struct ImportFiles {
    pub households: PathBuf,
    pub persons: PathBuf,
    pub skip_invalid: bool,
    pub actor: Actor,
    /// Birth dates after this day are rejected.
    pub today: NaiveDate,
}

/// Run the pipeline once on an open store (the benchmark calls this; operations call
/// [`import`]). File-level problems (unreadable file, wrong headers) return `Err` before
/// anything is written; row-level problems are in the report.
pub fn import_files(
    store: &mut dyn Store,
    req: &ImportFiles,
    events: &mut dyn ImportEvents,
) -> Result<ImportReport, ImportError> {
    let regions = Regions::kemendagri_2025();
    // Open both files and check both headers before touching the store.
    let hfile = open_table(&req.households)?;
    let pfile = open_table(&req.persons)?;
    let hparser = RecordParser::from_header(HOUSEHOLD_FIELDS, &hfile.header, blank_household)
        .map_err(|e| hfile.meta.file_error(e))?;
    let pparser = RecordParser::from_header(PERSON_FIELDS, &pfile.header, blank_person)
        .map_err(|e| pfile.meta.file_error(e))?;

    let mode = if req.skip_invalid {
        "skip_invalid"
    } else {
        "all_or_nothing"
    };
    let mut session = store.begin_import(ImportMeta {
        actor: req.actor.clone(),
        mode: mode.into(),
    })?;
    let mut report = ImportReport {
        summary: ImportSummary::default(),
        households_read: 0,
        persons_read: 0,
        rejections: Vec::new(),
        values_rejected: 0,
        rows_rejected: 0,
        seconds: PhaseSeconds::default(),
    };
    let mut written = 0u64;
    let mut clock = std::time::Instant::now();
    let mut lap = move || {
        let now = std::time::Instant::now();
        let s = (now - clock).as_secs_f64();
        clock = now;
        s
    };

    // Households first: persons are checked against them.
    let OpenedFile { meta, source, .. } = hfile;
    let file = session.add_source("households", &meta.name)?;
    events.file_started("households", &meta.path, meta.bytes);
    let ids = (hparser.column_of("kk"), None);
    let validate = move |h: &Household, f: &mut Vec<Finding>| {
        check_household(h)?;
        checks::household_findings(h, regions, f);
        Ok(())
    };
    run_file(source, hparser, validate, ids, events, |batch, events| {
        for item in batch {
            report.households_read += 1;
            written += 1;
            match item {
                Parsed::Ok {
                    row,
                    value,
                    findings,
                } => {
                    let outcome = session.household(file, row, &value)?;
                    if let Some(reason) = outcome.rejection() {
                        let r = Rejection {
                            file: meta.name.clone(),
                            row,
                            column: Some("kk"),
                            value: value.kk.to_string(),
                            reason,
                        };
                        report.reject(events, [r]);
                    } else if !findings.is_empty() {
                        session.findings(&findings)?;
                    }
                }
                Parsed::Bad {
                    row, kk, errors, ..
                } => {
                    if let Some(kk) = kk {
                        session.household_rejected(kk, row);
                    }
                    report.reject(
                        events,
                        errors.into_iter().map(|e| Rejection::new(&meta.name, e)),
                    );
                }
            }
        }
        events.rows_written(written);
        Ok(())
    })
    .map_err(|e| e.with_path(&meta.path))?;
    session.source_read(file, &meta.sha256()?, meta.bytes)?;
    report.seconds.households = lap();

    let OpenedFile { meta, source, .. } = pfile;
    let file = session.add_source("persons", &meta.name)?;
    events.file_started("persons", &meta.path, meta.bytes);
    let ids = (pparser.column_of("kk"), pparser.column_of("nik"));
    let today = req.today;
    let validate = move |p: &Person, f: &mut Vec<Finding>| {
        check_person(p, today)?;
        checks::person_findings(p, regions, today, f);
        Ok(())
    };
    run_file(source, pparser, validate, ids, events, |batch, events| {
        for item in batch {
            report.persons_read += 1;
            written += 1;
            match item {
                Parsed::Ok {
                    row,
                    value,
                    findings,
                } => {
                    let outcome = session.person(file, row, &value)?;
                    if let Some(reason) = outcome.rejection() {
                        let (column, text) = match reason {
                            Reason::DuplicateNik { .. } => ("nik", value.nik.to_string()),
                            _ => ("kk", value.kk.to_string()),
                        };
                        let r = Rejection {
                            file: meta.name.clone(),
                            row,
                            column: Some(column),
                            value: text,
                            reason,
                        };
                        report.reject(events, [r]);
                    } else if !findings.is_empty() {
                        session.findings(&findings)?;
                    }
                }
                Parsed::Bad {
                    row,
                    kk,
                    nik,
                    errors,
                } => {
                    if let (Some(kk), Some(nik)) = (kk, nik) {
                        session.person_rejected(kk, nik, row);
                    }
                    report.reject(
                        events,
                        errors.into_iter().map(|e| Rejection::new(&meta.name, e)),
                    );
                }
            }
        }
        events.rows_written(written);
        Ok(())
    })
    .map_err(|e| e.with_path(&meta.path))?;
    session.source_read(file, &meta.sha256()?, meta.bytes)?;
    report.seconds.persons = lap();

    let commit = req.skip_invalid || report.values_rejected == 0;
    report.summary = if commit {
        session.finalize()?;
        report.seconds.finalize = lap();
        events.before_commit()?;
        events.committing();
        let s = session.commit()?;
        report.seconds.commit = lap();
        s
    } else {
        session.rollback()?
    };
    Ok(report)
}

impl ImportReport {
    /// A row is rejected for these values.
    fn reject(
        &mut self,
        events: &mut dyn ImportEvents,
        values: impl IntoIterator<Item = Rejection>,
    ) {
        self.rows_rejected += 1;
        for r in values {
            self.values_rejected += 1;
            events.rejected(&r);
            if self.rejections.len() < KEPT_REJECTIONS {
                self.rejections.push(r);
            }
        }
    }
}

/// Errors while streaming one file.
enum StreamError {
    File(FileError),
    Store(StoreError),
}

impl From<StoreError> for StreamError {
    fn from(e: StoreError) -> Self {
        StreamError::Store(e)
    }
}

impl StreamError {
    fn with_path(self, path: &Path) -> ImportError {
        match self {
            StreamError::File(error) => ImportError::File {
                path: path.display().to_string(),
                error,
            },
            StreamError::Store(e) => ImportError::Store(e),
        }
    }
}

/// Parse `source` on a helper thread while `write` consumes batches on this one.
fn run_file<T: Send + 'static>(
    source: Source,
    parser: RecordParser<T>,
    validate: impl Fn(&T, &mut Vec<Finding>) -> Result<(), (&'static str, Reason)> + Send,
    ids: (Option<usize>, Option<usize>),
    events: &mut dyn ImportEvents,
    mut write: impl FnMut(Vec<Parsed<T>>, &mut dyn ImportEvents) -> Result<(), StoreError>,
) -> Result<(), StreamError> {
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel(8);
        scope.spawn(move || parse_rows(source, parser, validate, ids, tx));
        for msg in rx {
            match msg {
                Ok((batch, position)) => {
                    events.progress(position);
                    // Returning early drops `rx`, which stops the reader.
                    write(batch, events)?;
                }
                Err(e) => return Err(StreamError::File(e)),
            }
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// The operation: an import with its report of rejected rows.

/// Import a households file and a persons file.
#[derive(Clone, Debug)]
pub struct ImportRequest {
    /// Households file (CSV or XLSX).
    pub households: PathBuf,
    /// Persons file (CSV or XLSX).
    pub persons: PathBuf,
    /// Load the valid rows and report the rejected ones, instead of loading nothing when any
    /// row is rejected.
    pub skip_invalid: bool,
    /// Where to write every rejected row as CSV (default: `DATA_DIR/rejects/import-TIME.csv`,
    /// under the next free name). Never an input file; an existing file only with `force`;
    /// its directory must exist. Checked before anything is imported.
    pub rejects: Option<PathBuf>,
    /// Replace the file named by `rejects` if it exists.
    pub force: bool,
    /// The rejects CSV's dialect.
    pub dialect: Dialect,
}

/// An import that ran to the end: committed, or (all-or-nothing with rejected rows) rolled
/// back, then [`ImportResult::failure`] says why.
#[derive(Clone, Debug, Serialize)]
pub struct ImportResult {
    pub committed: bool,
    /// The import's number (only when committed).
    pub import_id: Option<i64>,
    pub households_read: u64,
    pub persons_read: u64,
    /// Rows rejected (a row may have several rejected values).
    pub rows_rejected: u64,
    /// Rejected values in all.
    pub values_rejected: u64,
    pub summary: ImportSummary,
    /// The CSV report of every rejected value, if anything was rejected.
    pub rejects_file: Option<PathBuf>,
    /// The first [`KEPT_REJECTIONS`] rejected values.
    pub rejections: Vec<Rejection>,
    /// Seconds the import took (opening the files to the commit).
    pub seconds: f64,
    /// Where the time went.
    pub phase_seconds: PhaseSeconds,
}

impl ImportResult {
    /// Why nothing was loaded (`import_invalid_rows`), if so.
    pub fn failure(&self) -> Option<Error> {
        (!self.committed).then(|| {
            Error::invalid(
                "import_invalid_rows",
                format!(
                    "{} baris ditolak; tidak ada yang dimuat. Perbaiki berkas atau gunakan --skip-invalid.",
                    self.rows_rejected
                ),
                format!(
                    "{} rows rejected; nothing was loaded. Fix the files or use --skip-invalid.",
                    self.rows_rejected
                ),
            )
        })
    }
}

/// Import the two files into the store of the data directory, as the caller.
///
/// Scope: an import writes whatever regions its files hold, so a caller with a region scope
/// (a regional officer) is refused (`import_scope_unsupported`, forbidden) before anything is
/// read; an administrator imports for every region. The role must allow changing the registry
/// (`forbidden_role`).
///
/// Rejected rows are reported, not errors: with `skip_invalid` the valid rows are committed;
/// otherwise nothing is, and the result's [`ImportResult::failure`] says so. The report of
/// rejected rows is written whole before the commit; if it cannot be written, nothing is
/// imported (`rejects_unwritable`).
pub fn import(
    app: &App,
    caller: &Caller,
    req: &ImportRequest,
    events: &mut dyn ImportEvents,
) -> Result<ImportResult> {
    caller.require_registry_change()?;
    if let Some(region) = caller.scope {
        return Err(Error::new(
            ErrorKind::Forbidden,
            "import_scope_unsupported",
            format!(
                "impor tidak dapat dibatasi pada wilayah {region}: berkas impor dapat memuat wilayah mana pun; impor dilakukan oleh administrator"
            ),
            format!(
                "an import cannot be limited to region {region}: import files may hold any region; imports are run by an administrator"
            ),
        ));
    }
    let now = chrono::DateTime::from_timestamp(app.now(), 0).unwrap_or_default();
    // A path the caller named is checked before anything is imported: never an input, never
    // an existing file without `force`, never in a directory that does not exist.
    let (target, file) = match &req.rejects {
        Some(path) => {
            let file =
                OutputFile::create(&app.data, path, req.force, &[&req.households, &req.persons])?;
            (path.clone(), Some(file))
        }
        None => {
            let stamp = now.format("%Y%m%dT%H%M%SZ");
            (app.data.rejects().join(format!("import-{stamp}.csv")), None)
        }
    };
    let mut watched = Watched {
        events,
        rejects: RejectsFile {
            shown: app.data.clone(),
            target,
            dialect: req.dialect,
            lang: caller.lang,
            file,
            writer: None,
            error: None,
            written: None,
        },
    };
    let files = ImportFiles {
        households: req.households.clone(),
        persons: req.persons.clone(),
        skip_invalid: req.skip_invalid,
        actor: caller.actor.clone(),
        today: now.date_naive(),
    };
    let mut store = app.writer()?;
    let started = std::time::Instant::now();
    let report = import_files(store.as_mut(), &files, &mut watched)?;
    let seconds = started.elapsed().as_secs_f64();
    let rejects_file = watched.rejects.finish().map_err(|(path, error)| {
        Error::from_localized(
            ErrorKind::Internal,
            &ImportError::Rejects {
                path: app.data.show(&path),
                error,
            },
        )
    })?;
    let s = report.summary.clone();
    Ok(ImportResult {
        committed: s.committed,
        import_id: s.committed.then_some(s.import_id),
        households_read: report.households_read,
        persons_read: report.persons_read,
        rows_rejected: report.rows_rejected,
        values_rejected: report.values_rejected,
        summary: s,
        rejects_file,
        rejections: report.rejections,
        seconds,
        phase_seconds: report.seconds,
    })
}

/// The caller's events, and the rejects report written as rows are rejected.
struct Watched<'a> {
    events: &'a mut dyn ImportEvents,
    rejects: RejectsFile,
}

impl ImportEvents for Watched<'_> {
    fn file_started(&mut self, role: &str, path: &Path, bytes: u64) {
        self.events.file_started(role, path, bytes);
    }
    fn progress(&mut self, bytes: u64) {
        self.events.progress(bytes);
    }
    fn rows_written(&mut self, rows: u64) {
        self.events.rows_written(rows);
    }
    fn committing(&mut self) {
        self.events.committing();
    }
    fn rejected(&mut self, r: &Rejection) {
        self.rejects.write(r);
        self.events.rejected(r);
    }
    fn before_commit(&mut self) -> std::result::Result<(), ImportError> {
        self.rejects
            .finish()
            .map(|_| ())
            .map_err(|(path, error)| ImportError::Rejects {
                path: self.rejects.shown.show(&path),
                error,
            })?;
        self.events.before_commit()
    }
}

/// The rejects CSV. A path the caller named is checked and opened before the import starts;
/// the default report in `DATA_DIR/rejects/` is opened at the first rejection. Rows go to a
/// temporary file that takes its name only when complete; the default name is never reused.
struct RejectsFile {
    shown: DataDir,
    /// The caller's path, or the first choice of the default name.
    target: PathBuf,
    dialect: Dialect,
    lang: Lang,
    file: Option<OutputFile>,
    writer: Option<csv::Writer<OutputFile>>,
    error: Option<std::io::Error>,
    /// Set once finished: where the report is, if anything was rejected.
    written: Option<Option<PathBuf>>,
}

impl RejectsFile {
    fn write(&mut self, r: &Rejection) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.try_write(r) {
            self.error = Some(e);
        }
    }

    fn try_write(&mut self, r: &Rejection) -> std::io::Result<()> {
        if self.writer.is_none() {
            let file = match self.file.take() {
                Some(f) => f,
                None => {
                    if let Some(dir) = self.target.parent() {
                        std::fs::create_dir_all(dir)?;
                    }
                    OutputFile::create_unique(&self.shown, &self.target)
                        .map_err(|f| std::io::Error::other(f.en))?
                }
            };
            let mut w = csv_writer(file, self.dialect)?;
            w.write_record(["file", "row", "column", "value", "code", "reason"])?;
            self.writer = Some(w);
        }
        let w = self.writer.as_mut().expect("created above");
        w.write_record([
            r.file.as_str(),
            &r.row.to_string(),
            r.column.unwrap_or(""),
            &r.value,
            r.reason.code(),
            &r.reason.message(self.lang),
        ])?;
        Ok(())
    }

    /// Flush and move the report into place; the path if anything was rejected. Runs once.
    fn finish(&mut self) -> std::result::Result<Option<PathBuf>, (PathBuf, std::io::Error)> {
        if let Some(done) = &self.written {
            return Ok(done.clone());
        }
        let fail = |e| (self.target.clone(), e);
        if let Some(e) = self.error.take() {
            return Err(fail(e));
        }
        let done = match self.writer.take() {
            Some(w) => {
                let file = w.into_inner().map_err(|e| fail(e.into_error()))?;
                Some(
                    file.commit()
                        .map_err(|f| fail(std::io::Error::other(f.en)))?,
                )
            }
            None => None,
        };
        self.written = Some(done.clone());
        Ok(done)
    }
}
