//! A synthetic Indonesia in the import format, with its ground truth (crate `setara-synth`),
//! written to files.
//!
//! Before anything is written the size is checked: at most [`setara_synth::MAX_HOUSEHOLDS`],
//! and the memory and disk the run will need (estimated from the plan, see
//! [`setara_synth::estimate`]) must fit what the machine has. The files are written under
//! temporary names beside their targets and take their names only when all of them are
//! complete; a failure leaves nothing behind, and existing files are replaced only with
//! `force`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use setara_registry::writer::Dialect;
use setara_synth::{Config, CsvOutputs, CsvSink, Summary, TRUTH_FILES};

use crate::error::{Error, Result};
use crate::{App, Caller, DataDir, Progress};

/// An error of the generator.
pub fn synth_error(e: setara_synth::Error) -> Error {
    match e {
        setara_synth::Error::Config(m) => Error::invalid(
            "generate_config",
            format!("konfigurasi tidak sah: {m}"),
            format!("invalid configuration: {m}"),
        ),
        setara_synth::Error::TooManyHouseholds { households, max } => Error::invalid(
            "generate_too_many_households",
            format!(
                "{households} keluarga melebihi batas {max} per pembuatan (registri nasional DTSEN sekitar 90 juta keluarga)"
            ),
            format!(
                "{households} households is more than the {max} one run may generate (the national registry DTSEN holds about 90 million)"
            ),
        ),
        setara_synth::Error::Io(e) => Error::internal(
            "generate_failed",
            format!("pembuatan data gagal: {e}"),
            format!("generation failed: {e}"),
        ),
        other => Error::internal(
            "generate_failed",
            format!("pembuatan data gagal: {other}"),
            format!("generation failed: {other}"),
        ),
    }
}

/// Check a configuration before anything is planned or written.
pub fn check_config(config: &Config) -> Result<()> {
    config.validate().map_err(synth_error)
}

// ---------------------------------------------------------------------------------------------
// What the machine has.

/// Check `out` and the files that would be written into it: `out` is a directory or does not
/// exist yet (then its parent must), and without `force` none of the files exists. Returns
/// whether `out` must be created.
pub fn check_out(shown: &DataDir, out: &Path, force: bool) -> Result<bool> {
    match std::fs::metadata(out) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Error::invalid(
                "output_not_directory",
                format!("{} adalah berkas, bukan direktori", shown.show(out)),
                format!("{} is a file, not a directory", shown.show(out)),
            ));
        }
        Err(_) => {
            // Only the directory named is created: its parent must exist (the same rule as
            // every output file, which checks that its directory exists).
            crate::output::check_target(shown, out, false, &[])?;
            return Ok(true);
        }
    }
    for p in TRUTH_FILES {
        let target = out.join(p);
        if target.parent().is_some_and(Path::is_dir) {
            crate::output::check_target(shown, &target, force, &[])?;
        }
    }
    Ok(false)
}

/// The six files being written, under temporary names until [`Outputs::commit`].
struct Outputs {
    shown: DataDir,
    temps: Vec<(PathBuf, tempfile::NamedTempFile)>,
    force: bool,
    /// Directories this run created, removed again (if empty) when it fails.
    created: Vec<PathBuf>,
    committed: bool,
}

impl Drop for Outputs {
    fn drop(&mut self) {
        if !self.committed {
            self.temps.clear();
            for d in self.created.iter().rev() {
                let _ = std::fs::remove_dir(d);
            }
        }
    }
}

impl Outputs {
    fn open(
        shown: &DataDir,
        out: &Path,
        force: bool,
    ) -> Result<(Outputs, CsvOutputs<BufWriter<File>>)> {
        let create = check_out(shown, out, force)?;
        let mut o = Outputs {
            shown: shown.clone(),
            temps: Vec::new(),
            force,
            created: Vec::new(),
            committed: false,
        };
        if create {
            std::fs::create_dir(out).map_err(|e| Error::io(out, &e))?;
            o.created.push(out.to_path_buf());
        }
        let truth = out.join("truth");
        if !truth.is_dir() {
            std::fs::create_dir(&truth).map_err(|e| Error::io(&truth, &e))?;
            o.created.push(truth);
        }
        let writers = CsvOutputs::open_with(|p| -> Result<BufWriter<File>> {
            let target = out.join(p);
            let dir = target.parent().unwrap_or(out);
            let tmp = tempfile::Builder::new()
                .prefix(".setara-")
                .suffix(".partial")
                .tempfile_in(dir)
                .map_err(|e| Error::io(&target, &e))?;
            let file = tmp.reopen().map_err(|e| Error::io(&target, &e))?;
            o.temps.push((target, tmp));
            Ok(BufWriter::with_capacity(1 << 20, file))
        })?;
        Ok((o, writers))
    }

    /// Sync every file and give each its name: the import files last, so that a directory
    /// with a `households.csv` has all the rest.
    fn commit(mut self, writers: CsvOutputs<BufWriter<File>>) -> Result<()> {
        let CsvOutputs {
            households,
            persons,
            truth_households,
            truth_persons,
            truth_problems,
            manifest,
        } = writers;
        for (w, (target, _)) in [
            households,
            persons,
            truth_households,
            truth_persons,
            truth_problems,
            manifest,
        ]
        .into_iter()
        .zip(&self.temps)
        {
            let mut w = w;
            w.flush().map_err(|e| Error::io(target, &e))?;
            let f = w.into_inner().map_err(|e| Error::io(target, e.error()))?;
            f.sync_all().map_err(|e| Error::io(target, &e))?;
        }
        let mut temps = std::mem::take(&mut self.temps);
        temps.rotate_left(2);
        for (target, tmp) in temps {
            let r = if self.force {
                tmp.persist(&target).map(|_| ())
            } else {
                tmp.persist_noclobber(&target).map(|_| ())
            };
            r.map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    crate::output::check_target(&self.shown, &target, false, &[])
                        .err()
                        .unwrap_or_else(|| Error::io(&target, &e.error))
                } else {
                    Error::io(&target, &e.error)
                }
            })?;
        }
        self.committed = true;
        Ok(())
    }
}

/// Generate `config` into `out` (households.csv, persons.csv, truth/), counting progress in
/// households. The caller has checked the size (see [`crate::memory::check_room`]); paths in
/// messages are shown as `shown` says.
pub fn generate_into(
    shown: &DataDir,
    config: &Config,
    out: &Path,
    dialect: Dialect,
    force: bool,
    progress: &mut dyn Progress,
) -> Result<Summary> {
    check_config(config)?;
    let (outputs, writers) = Outputs::open(shown, out, force)?;
    let mut sink = CsvSink::with_dialect(writers, dialect).map_err(synth_error)?;
    progress.start(config.households);
    let generated = setara_synth::generate(config, &mut sink, &mut |done| progress.set(done));
    let summary = match generated {
        Ok(s) => s,
        Err(e) => {
            progress.finish();
            return Err(synth_error(e));
        }
    };
    let writers = sink.finish().map_err(synth_error)?;
    outputs.commit(writers)?;
    progress.finish();
    Ok(summary)
}

/// Generate a synthetic Indonesia into a directory.
#[derive(Clone, Debug)]
pub struct GenerateRequest {
    pub config: Config,
    /// The output directory (created if missing; its parent must exist).
    pub out: PathBuf,
    /// households.csv and persons.csv for Excel.
    pub dialect: Dialect,
    /// Replace files already in `out`.
    pub force: bool,
}

/// Generate, after checking the configuration, the output directory and that the run fits
/// the machine's memory and free disk. Generating reads no registry: any caller may.
pub fn generate(
    app: &App,
    _caller: &Caller,
    req: &GenerateRequest,
    progress: &mut dyn Progress,
) -> Result<Summary> {
    check_config(&req.config)?;
    check_out(&app.data, &req.out, req.force)?;
    crate::memory::check_room(
        &app.data,
        setara_synth::estimate(&req.config),
        &req.out,
        ("Pembuatan data ini", "This generation"),
    )?;
    generate_into(
        &app.data,
        &req.config,
        &req.out,
        req.dialect,
        req.force,
        progress,
    )
}
