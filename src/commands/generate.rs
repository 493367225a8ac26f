//! `setara generate`: a synthetic Indonesia in the import format, with its ground truth.
//!
//! Before anything is written the size is checked: at most [`setara_synth::MAX_HOUSEHOLDS`],
//! and the memory and disk the run will need (estimated from the plan, see
//! [`setara_synth::estimate`]) must fit what the machine has. The files are written under
//! temporary names beside their targets and take their names only when all of them are
//! complete; a failure leaves nothing behind, and existing files are replaced only with
//! `--force`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use setara_registry::writer::Dialect;
use setara_synth::{Config, CsvOutputs, CsvSink, ProblemRates, SizeEstimate, Summary, TRUTH_FILES};

use crate::context::{Context, show_path};
use crate::failure::{Failure, Result};

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of households (KK).
    #[arg(long, default_value_t = 100_000)]
    pub households: u64,
    /// Seed: the same seed and options give byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output directory (households.csv, persons.csv, truth/).
    #[arg(long)]
    pub out: PathBuf,
    /// Write households.csv and persons.csv for Excel: `;` separator and a UTF-8 BOM.
    #[arg(long)]
    pub excel: bool,
    /// Replace households.csv, persons.csv and the truth/ files already in the output
    /// directory.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub options: SynthOptions,
}

/// Options of the generator shared by `generate` and `demo`.
#[derive(Debug, Args)]
pub struct SynthOptions {
    /// Share of households in the survey sample (consumption recorded, with weights).
    #[arg(long, default_value_t = 0.10)]
    pub survey_fraction: f64,
    /// Generate a clean registry: no injected problems.
    #[arg(long)]
    pub no_problems: bool,
    /// Share of persons recorded a second time with a name variant.
    #[arg(long)]
    pub rate_duplicate_person: Option<f64>,
    /// Share of persons whose recorded NIK has a typo.
    #[arg(long)]
    pub rate_nik_typo: Option<f64>,
    /// Share of persons whose birth date has day and month swapped.
    #[arg(long)]
    pub rate_date_swap: Option<f64>,
    /// Share of households recorded with a wrong region.
    #[arg(long)]
    pub rate_wrong_region: Option<f64>,
    /// Share of persons also listed in a second KK.
    #[arg(long)]
    pub rate_two_households: Option<f64>,
}

impl SynthOptions {
    pub fn config(&self, households: u64, seed: u64) -> Config {
        let mut c = Config::new(households, seed);
        c.survey_fraction = self.survey_fraction;
        c.rates = if self.no_problems {
            ProblemRates::none()
        } else {
            ProblemRates::default()
        };
        let r = &mut c.rates;
        for (slot, v) in [
            (&mut r.duplicate_person, self.rate_duplicate_person),
            (&mut r.nik_typo, self.rate_nik_typo),
            (&mut r.date_swap, self.rate_date_swap),
            (&mut r.wrong_region, self.rate_wrong_region),
            (&mut r.two_households, self.rate_two_households),
        ] {
            if let Some(v) = v {
                *slot = v;
            }
        }
        c
    }
}

fn synth_failure(e: setara_synth::Error) -> Failure {
    match e {
        setara_synth::Error::Config(m) => Failure::invalid(
            "generate_config",
            format!("konfigurasi tidak sah: {m}"),
            format!("invalid configuration: {m}"),
        ),
        setara_synth::Error::TooManyHouseholds { households, max } => Failure::invalid(
            "generate_too_many_households",
            format!(
                "{households} keluarga melebihi batas {max} per pembuatan (registri nasional DTSEN sekitar 90 juta keluarga)"
            ),
            format!(
                "{households} households is more than the {max} one run may generate (the national registry DTSEN holds about 90 million)"
            ),
        ),
        setara_synth::Error::Io(e) => Failure::failed(
            "generate_failed",
            format!("pembuatan data gagal: {e}"),
            format!("generation failed: {e}"),
        ),
        other => Failure::failed(
            "generate_failed",
            format!("pembuatan data gagal: {other}"),
            format!("generation failed: {other}"),
        ),
    }
}

/// Check a configuration before anything is planned or written.
pub fn check_config(config: &Config) -> Result<()> {
    config.validate().map_err(synth_failure)
}

// ---------------------------------------------------------------------------------------------
// What the machine has.

/// Bytes of memory this process may still allocate: the smallest of the memory the kernel
/// reports available (`MemAvailable` in /proc/meminfo), the room left under the address-space
/// limit (`ulimit -v`) and the room left under the cgroup's memory limit. `None` where none of
/// them can be read (then nothing is refused for memory).
pub fn available_memory() -> Option<u64> {
    let mut room: Option<u64> = None;
    let mut take = |v: u64| room = Some(room.map_or(v, |r| r.min(v)));
    if let Ok(info) = std::fs::read_to_string("/proc/meminfo")
        && let Some(kb) = field_kb(&info, "MemAvailable:")
    {
        take(kb.saturating_mul(1024));
    }
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into the struct we own.
        let ok = unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut lim) } == 0;
        if ok && lim.rlim_cur != libc::RLIM_INFINITY {
            let used = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| field_kb(&s, "VmSize:"))
                .map_or(0, |kb| kb.saturating_mul(1024));
            // rlim_t is u64 on Linux, another width elsewhere.
            #[allow(clippy::unnecessary_cast)]
            let limit = lim.rlim_cur as u64;
            take(limit.saturating_sub(used));
        }
    }
    let cgroup = |name: &str| {
        std::fs::read_to_string(Path::new("/sys/fs/cgroup").join(name))
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
    };
    if let (Some(max), Some(current)) = (cgroup("memory.max"), cgroup("memory.current")) {
        take(max.saturating_sub(current));
    }
    room
}

/// The number of kilobytes on the line starting with `key` of a /proc file.
fn field_kb(text: &str, key: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// Free bytes for an unprivileged user on the file system that holds `path`, or its nearest
/// existing ancestor (statvfs). `None` where it cannot be read.
pub fn free_disk(path: &Path) -> Option<u64> {
    let mut p = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    while !p.exists() {
        p = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(p.as_os_str().as_bytes()).ok()?;
        // SAFETY: a zeroed statvfs is a valid value to be overwritten; `c` is a valid C string.
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
            return None;
        }
        Some((st.f_bavail as u64).saturating_mul(st.f_frsize as u64))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Bytes as "1.2 GB" (decimal units).
pub fn show_bytes(b: u64) -> String {
    let b = b as f64;
    for (unit, size) in [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)] {
        if b >= size {
            return format!("{:.1} {unit}", b / size);
        }
    }
    format!("{b} B")
}

/// Refuse a run whose estimate does not fit the memory this process may use or the free disk
/// at `out`, naming both figures. `what` says what is being made, in both languages.
pub fn check_room(need: SizeEstimate, out: &Path, what: (&str, &str)) -> Result<()> {
    room_for(need, available_memory(), free_disk(out), out, what)
}

/// [`check_room`] against given figures.
fn room_for(
    need: SizeEstimate,
    memory: Option<u64>,
    disk: Option<u64>,
    out: &Path,
    what: (&str, &str),
) -> Result<()> {
    if let Some(have) = memory
        && need.memory_bytes > have
    {
        return Err(Failure::invalid(
            "size_exceeds_memory",
            format!(
                "{} memerlukan sekitar {} memori; yang tersedia hanya {}. Kurangi --households",
                what.0,
                show_bytes(need.memory_bytes),
                show_bytes(have)
            ),
            format!(
                "{} needs about {} of memory; only {} is available. Use fewer --households",
                what.1,
                show_bytes(need.memory_bytes),
                show_bytes(have)
            ),
        ));
    }
    if let Some(have) = disk
        && need.disk_bytes > have
    {
        return Err(Failure::invalid(
            "size_exceeds_disk",
            format!(
                "{} memerlukan sekitar {} ruang disk di {}; yang kosong hanya {}. Kurangi --households atau pilih tempat lain",
                what.0,
                show_bytes(need.disk_bytes),
                show_path(out),
                show_bytes(have)
            ),
            format!(
                "{} needs about {} of disk space in {}; only {} is free. Use fewer --households or another place",
                what.1,
                show_bytes(need.disk_bytes),
                show_path(out),
                show_bytes(have)
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The output directory and its files.

/// Check `out` and the files that would be written into it: `out` is a directory or does not
/// exist yet (then its parent must), and without `force` none of the files exists. Returns
/// whether `out` must be created.
fn check_out(out: &Path, force: bool) -> Result<bool> {
    match std::fs::metadata(out) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Failure::invalid(
                "output_not_directory",
                format!("{} adalah berkas, bukan direktori", show_path(out)),
                format!("{} is a file, not a directory", show_path(out)),
            ));
        }
        Err(_) => {
            // Only the directory named is created: its parent must exist (the same rule as
            // every output file, which checks that its directory exists).
            crate::output::check_target(out, false, &[])?;
            return Ok(true);
        }
    }
    for p in TRUTH_FILES {
        let target = out.join(p);
        if target.parent().is_some_and(Path::is_dir) {
            crate::output::check_target(&target, force, &[])?;
        }
    }
    Ok(false)
}

/// The six files being written, under temporary names until [`Outputs::commit`].
struct Outputs {
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
    fn open(out: &Path, force: bool) -> Result<(Outputs, CsvOutputs<BufWriter<File>>)> {
        let create = check_out(out, force)?;
        let mut o = Outputs {
            temps: Vec::new(),
            force,
            created: Vec::new(),
            committed: false,
        };
        if create {
            std::fs::create_dir(out).map_err(|e| Failure::io(out, &e))?;
            o.created.push(out.to_path_buf());
        }
        let truth = out.join("truth");
        if !truth.is_dir() {
            std::fs::create_dir(&truth).map_err(|e| Failure::io(&truth, &e))?;
            o.created.push(truth);
        }
        let writers = CsvOutputs::open_with(|p| -> Result<BufWriter<File>> {
            let target = out.join(p);
            let dir = target.parent().unwrap_or(out);
            let tmp = tempfile::Builder::new()
                .prefix(".setara-")
                .suffix(".partial")
                .tempfile_in(dir)
                .map_err(|e| Failure::io(&target, &e))?;
            let file = tmp.reopen().map_err(|e| Failure::io(&target, &e))?;
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
            w.flush().map_err(|e| Failure::io(target, &e))?;
            let f = w.into_inner().map_err(|e| Failure::io(target, e.error()))?;
            f.sync_all().map_err(|e| Failure::io(target, &e))?;
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
                    crate::output::check_target(&target, false, &[])
                        .err()
                        .unwrap_or_else(|| Failure::io(&target, &e.error))
                } else {
                    Failure::io(&target, &e.error)
                }
            })?;
        }
        self.committed = true;
        Ok(())
    }
}

/// Generate into `out` with a progress bar. The caller has checked the size (see
/// [`check_room`]).
pub fn generate_into(
    ctx: &Context,
    config: &Config,
    out: &Path,
    dialect: Dialect,
    force: bool,
) -> Result<Summary> {
    check_config(config)?;
    let (outputs, writers) = Outputs::open(out, force)?;
    let mut sink = CsvSink::with_dialect(writers, dialect).map_err(synth_failure)?;
    let bar = ctx.progress(config.households, ctx.t("membuat data", "generating"));
    let summary = setara_synth::generate(config, &mut sink, &mut |done| bar.set_position(done))
        .map_err(synth_failure)?;
    let writers = sink.finish().map_err(synth_failure)?;
    outputs.commit(writers)?;
    bar.finish_and_clear();
    Ok(summary)
}

pub fn run(ctx: &Context, a: GenerateArgs) -> Result<()> {
    let config = a.options.config(a.households, a.seed);
    check_config(&config)?;
    check_out(&a.out, a.force)?;
    check_room(
        setara_synth::estimate(&config),
        &a.out,
        ("Pembuatan data ini", "This generation"),
    )?;
    let started = std::time::Instant::now();
    let dialect = if a.excel {
        Dialect::Excel
    } else {
        Dialect::Plain
    };
    let summary = generate_into(ctx, &config, &a.out, dialect, a.force)?;
    if ctx.json {
        outln!(
            "{}",
            serde_json::json!({"out": a.out.display().to_string(), "summary": summary, "seconds": started.elapsed().as_secs_f64()})
        );
    } else {
        ctx.say(format!(
            "{} {} {}, {} {} ({} {}), {} {} → {} ({:.1} s)",
            ctx.t("Dibuat", "Generated"),
            summary.households,
            ctx.t("keluarga", "households"),
            summary.persons,
            ctx.t("baris anggota", "person rows"),
            summary.surveyed,
            ctx.t("disurvei", "surveyed"),
            summary.problems.values().sum::<u64>(),
            ctx.t("masalah disisipkan", "injected problems"),
            show_path(&a.out),
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machine_is_measured() {
        // Linux CI machines have /proc and statvfs.
        if cfg!(target_os = "linux") {
            assert!(available_memory().is_some_and(|m| m > 0));
            assert!(free_disk(Path::new("no/such/dir")).is_some());
        }
        assert_eq!(show_bytes(1_500_000_000), "1.5 GB");
        assert_eq!(show_bytes(999), "999 B");
    }

    /// Issue 10, finding 10: a size that cannot fit is refused with both figures, memory first.
    #[test]
    fn sizes_that_do_not_fit_are_refused_with_both_figures() {
        let need = SizeEstimate {
            memory_bytes: 19_400_000_000,
            disk_bytes: 108_000_000_000,
        };
        let what = ("Ini", "This");
        let out = Path::new("out");
        let e = room_for(need, Some(2_000_000_000), Some(1 << 50), out, what).unwrap_err();
        assert_eq!(e.code, "size_exceeds_memory");
        assert!(
            e.en.contains("19.4 GB") && e.en.contains("2.0 GB"),
            "{}",
            e.en
        );
        let e = room_for(need, Some(1 << 40), Some(64_000_000_000), out, what).unwrap_err();
        assert_eq!(e.code, "size_exceeds_disk");
        assert!(
            e.id.contains("108.0 GB") && e.id.contains("64.0 GB"),
            "{}",
            e.id
        );
        assert!(room_for(need, None, None, out, what).is_ok());
        assert!(room_for(need, Some(1 << 40), Some(1 << 40), out, what).is_ok());
    }

    #[test]
    fn field_kb_reads_proc_lines() {
        let t = "MemTotal:       24683520 kB\nMemAvailable:   22316532 kB\n";
        assert_eq!(field_kb(t, "MemAvailable:"), Some(22_316_532));
        assert_eq!(field_kb(t, "VmSize:"), None);
    }
}
