//! `setara import`: stream household and person files into the store, validating every row.
//!
//! Reading and parsing run on one thread, writing on another, joined by a bounded channel, so
//! memory stays flat whatever the file size. The whole import is one transaction. By default it
//! is all-or-nothing: if any row is rejected nothing is written and every rejection is reported;
//! with `skip_invalid` the valid rows are committed and the rejected ones reported.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;

use chrono::NaiveDate;
use setara_core::{Household, Kk, Lang, Localized, Nik, Person, Regions};
use setara_registry::fields::{
    HOUSEHOLD_FIELDS, PERSON_FIELDS, blank_household, blank_person, check_household, check_person,
};
use setara_registry::{
    FileError, Finding, RawRecord, Reason, RecordParser, RowError, Source, checks,
};
use setara_store::source_hash::{SourceHash, hashing, sha256_hex};
use setara_store::{Actor, ImportMeta, ImportSummary, Store, StoreError};

/// What to import.
#[derive(Clone, Debug)]
pub struct ImportRequest {
    pub households: PathBuf,
    pub persons: PathBuf,
    pub skip_invalid: bool,
    pub actor: Actor,
    /// Birth dates after this day are rejected.
    pub today: NaiveDate,
}

/// A rejected row or value.
#[derive(Clone, Debug)]
pub struct Rejection {
    pub file: String,
    pub row: u64,
    pub column: Option<&'static str>,
    pub value: String,
    pub reason: Reason,
}

impl Rejection {
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

/// The result of an import that ran to the end (committed or not).
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
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct PhaseSeconds {
    pub households: f64,
    pub persons: f64,
    pub finalize: f64,
    pub commit: f64,
}

/// Why an import could not run.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {error}")]
    File { path: String, error: FileError },
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path} is a directory, not a file")]
    NotAFile { path: String },
    /// The report of rejected rows could not be written; nothing was imported.
    #[error("{path}: the rejected rows cannot be written ({error}); nothing was imported")]
    Rejects { path: String, error: std::io::Error },
}

impl Localized for ImportError {
    fn code(&self) -> &'static str {
        match self {
            ImportError::File { error, .. } => error.code(),
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

/// Hooks for progress and for tests that need to know where an import is.
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

/// Run one import. File-level problems (unreadable file, wrong headers) return `Err` before
/// anything is written; row-level problems are in the report.
pub fn import_files(
    store: &mut dyn Store,
    req: &ImportRequest,
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
