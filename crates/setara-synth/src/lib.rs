//! Synthetic Indonesia (Indonesia sintetis): a deterministic generator of household (KK) and
//! person (NIK) registries in Setara's import format, with the ground truth that accuracy checks
//! need.
//!
//! # What is generated
//!
//! - **Where**: households are spread over the 514 regencies/cities in proportion to their 2025
//!   population ([`setara_core::Regions::kemendagri_2025`]), and within a regency over its
//!   villages (desa/kelurahan) with random village sizes; kelurahan (village part starting with
//!   `1`) are urban and larger, and better-off households live in them more often.
//! - **Who**: household sizes 1-12 (mean about 3.9), a head (mostly male, 20-90), usually a
//!   spouse, children whose mother is 16-45 years older, sometimes a parent or parent-in-law of
//!   the head, a married child with spouse and grandchildren, siblings and other relatives.
//!   Names come from pools by culture area (see the `names` module), with old spelling for some
//!   people born before 1972 and titles (H., Hj., S.Pd. ...) on some records.
//! - **Identity numbers**: NIK = issuing district + birth date (day + 40 for women) + serial,
//!   unique; the district is the household's for most members and another district of the same
//!   regency for a few. KK = district + issue date `DDMMYY` + serial, unique.
//! - **Consumption**: a latent monthly consumption per capita per household, lognormal per
//!   province, reproducing the BPS March 2024 Gini and poverty rate at the province's poverty
//!   line exactly ([`ConsumptionModel`]); independent of household size, so that the
//!   person-weighted distribution is that lognormal. Within a regency the standard normal
//!   deviates are drawn by stratified (Latin hypercube) sampling, one per equiprobable stratum
//!   in random order: each household's value is still exactly lognormal, and even small runs
//!   reproduce the BPS figures closely (over 40 seeds × 38 provinces × 2,000 households the
//!   deviations from BPS have mean ≈ 0 and about half the spread of independent draws).
//! - **Attributes**: dwelling, utilities, the 14 assets, land, and members' education, work,
//!   health insurance, school attendance, disability and chronic illness, related to
//!   consumption through a latent welfare index so that a proxy means test reaches R² ≈ 0.5.
//! - **Survey**: in each regency a simple random sample of `survey_fraction` of the households
//!   (at least one) records consumption per capita and a survey weight.
//! - **Problems**: duplicate persons with Indonesian name variants, NIK typos, day/month swaps,
//!   wrong region codes, persons listed in two KKs, at configurable [`ProblemRates`] (details
//!   in the `problems` module: placement of duplicates, which variants, which wrong codes).
//!   A duplicate record gets one or two name changes among those that apply (Muhammad ↔
//!   Muhamad ↔ Mohammad ↔ Moh. ↔ M.; oe ↔ u, dj ↔ j, tj ↔ c; a title added or removed; a
//!   dropped second name; capitals); one duplicate in ten keeps the name exactly.
//!
//! # Determinism
//!
//! Every regency has its own random streams (ChaCha8), seeded from the configuration seed and
//! the regency code, with separate streams for the population, the survey sample and the
//! injected problems. The output is the same for the same [`Config`] whatever the number of
//! threads, and the true population does not depend on the problem rates or survey fraction.
//! Output order: regency by regency in code order; within a regency by the household's true
//! village code, then KK; members in KK order (head first), with injected extra records last.
//!
//! # Speed and memory
//!
//! Regencies are generated on worker threads and written in order; only a few regencies are in
//! memory at once, so memory is bounded by the largest regency (about 2 % of the households),
//! not by the total. [`CsvSink`] also renders its rows on the workers ([`Sink::renderer`]).
//! On 2 cores, 1,000,000 households (3.9 million person rows, 1.1 GB of CSV) take about 6 s
//! with a peak RSS of about 170 MB (`examples/synth.rs` under `/usr/bin/time -v`;
//! `benches/generate.rs` for throughput without disk).
//!
//! A run is at most [`MAX_HOUSEHOLDS`] (checked by [`Config::validate`]). [`estimate`] gives,
//! before anything is generated, the peak memory (from the plan: the most households held in
//! the regencies being generated and waiting to be written, [`MEMORY_BYTES_PER_HOUSEHOLD_HELD`]
//! each, over [`MEMORY_BASE_BYTES`]) and the disk ([`DISK_BYTES_PER_HOUSEHOLD`]) of a run, so
//! that a caller can refuse one that does not fit the machine.
//!
//! # Files
//!
//! [`CsvSink`] writes `households.csv` and `persons.csv` in the import format (every row of them
//! imports without rejection) and the ground truth under `truth/`:
//!
//! `truth/households.csv` — one row per household:
//!
//! | column | meaning |
//! |---|---|
//! | `kk` | KK number (as in `households.csv`) |
//! | `region_true` | the village the household really lives in |
//! | `region_recorded` | the region code in `households.csv` (differs for `wrong_region`) |
//! | `members` | number of real members (injected duplicate records and second listings not counted); equals `declared_size` |
//! | `consumption_per_capita` | latent monthly consumption per capita, integer rupiah (known for every household, surveyed or not) |
//! | `surveyed` | `1` if the household is in the survey sample (its consumption is recorded), else `0` |
//! | `survey_weight` | the survey weight of a surveyed household, empty otherwise |
//!
//! `truth/persons.csv` — one row per row of `persons.csv`, in the same order:
//!
//! | column | meaning |
//! |---|---|
//! | `kk` | KK the record is listed in |
//! | `nik` | NIK as recorded |
//! | `entity` | id of the real person; records of the same real person (duplicates, second listings) share it |
//! | `nik_true` | the person's real NIK |
//! | `birth_date_true` | real birth date, `YYYY-MM-DD` |
//! | `name_true` | real name, without titles |
//!
//! `truth/problems.csv` — one row per injected deviation:
//!
//! | column | meaning |
//! |---|---|
//! | `kind` | `duplicate_person`, `nik_typo`, `date_swap`, `wrong_region` or `two_households` |
//! | `kk` | KK of the affected record (for a duplicate or second listing: the KK it was placed in) |
//! | `nik` | NIK of the affected record as recorded; empty for `wrong_region` |
//! | `field` | `name` (duplicate_person), `nik`, `birth_date`, `region`, or `kk` (two_households) |
//! | `true_value` | the true value: real name, real NIK, real birth date, real village code, or the KK the person really belongs to |
//! | `recorded_value` | the value as recorded: the duplicate's name, the typo'd NIK, the swapped date, the recorded region, or the second KK |
//!
//! A duplicate record that also carries a NIK typo or a swapped date has one row for each
//! (`duplicate_person` and `nik_typo` / `date_swap`), all with the duplicate's KK and NIK.
//!
//! `truth/manifest.json` — generator version, the configuration and the counts of households,
//! person records, real persons, surveyed households and problems of each kind ([`Manifest`]).

mod attributes;
mod consumption;
mod names;
mod population;
mod problems;
mod sink;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use setara_core::{Household, Kk, Nik, Person, RegionCode, Rupiah};

pub use consumption::{BPS_PERIOD, ConsumptionModel};
pub use population::{RegencyPlan, plan_national, plan_province};
pub use sink::{
    Chunk, CsvOutputs, CsvSink, MemorySink, RenderFn, SnapshotSink, TRUTH_FILES, render_csv,
};

/// Version written into the manifest.
pub const GENERATOR_VERSION: &str = concat!("setara-synth ", env!("CARGO_PKG_VERSION"));

/// Most households one run generates (100 million).
///
/// The national registry DTSEN holds about 90 million households, the size Setara plans for;
/// a synthetic Indonesia larger than the real one serves no test, and at about 1.1 kB of files
/// per household it would fill 110 GB. [`Config::validate`] refuses more; [`estimate`] tells
/// whether a run below it fits the machine.
pub const MAX_HOUSEHOLDS: u64 = 100_000_000;

/// Bytes of files written per household by [`CsvSink`] (`households.csv`, `persons.csv` and
/// `truth/`), with a margin: 1,085 measured at 200,000 and 1,000,000 households (seed 1,
/// default rates).
pub const DISK_BYTES_PER_HOUSEHOLD: u64 = 1_200;

/// Bytes of memory per household held in memory at once (in a regency being generated, or
/// generated and rendered but not yet written; see [`estimate`]), with a margin of 1.6: on
/// 2 cores the peak resident memory was 75 MB at 200,000 households (16,542 held at most)
/// and 179 MB at 1,000,000 (82,713 held), about 1,600 bytes per held household over a base
/// of 50 MB.
pub const MEMORY_BYTES_PER_HOUSEHOLD_HELD: u64 = 2_600;

/// Memory that does not depend on the number of households (code, the region table, names,
/// buffers), with a margin.
pub const MEMORY_BASE_BYTES: u64 = 64 << 20;

/// What a run needs, estimated from its plan before anything is generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SizeEstimate {
    /// Peak memory of the generator.
    pub memory_bytes: u64,
    /// Bytes of the files [`CsvSink`] writes.
    pub disk_bytes: u64,
}

/// What [`generate`] with `config` needs on this machine (the memory depends on the number of
/// worker threads: each keeps a few regencies in memory). Cheap for any size: it plans the
/// regencies and allocates nothing by the number of households.
pub fn estimate(config: &Config) -> SizeEstimate {
    let held = population::most_in_memory(&plan_national(config.households));
    SizeEstimate {
        memory_bytes: MEMORY_BASE_BYTES
            .saturating_add(held.saturating_mul(MEMORY_BYTES_PER_HOUSEHOLD_HELD)),
        disk_bytes: config.households.saturating_mul(DISK_BYTES_PER_HOUSEHOLD),
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("{households} households is more than the {max} a run may generate")]
    TooManyHouseholds { households: u64, max: u64 },
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write the manifest: {0}")]
    Json(#[from] serde_json::Error),
    #[error("generation failed: {0}")]
    Generation(String),
}

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Number of households (KK).
    pub households: u64,
    pub seed: u64,
    /// Share of households in the survey sample, in `[0, 1]` (default 0.10).
    pub survey_fraction: f64,
    pub rates: ProblemRates,
    /// The "today" of the data: ages are computed on this date and no one is born after it.
    /// Must not be after the real today (default 2025-06-30).
    pub reference_date: NaiveDate,
}

impl Config {
    /// `households` households from `seed`, with the default survey fraction, problem rates and
    /// reference date.
    pub fn new(households: u64, seed: u64) -> Config {
        Config {
            households,
            seed,
            survey_fraction: 0.10,
            rates: ProblemRates::default(),
            reference_date: NaiveDate::from_ymd_opt(2025, 6, 30).expect("valid date"),
        }
    }

    /// Check the configuration (at most [`MAX_HOUSEHOLDS`], rates and fractions in `[0, 1]`,
    /// reference date not in the future, not before 1990).
    pub fn validate(&self) -> Result<(), Error> {
        if self.households > MAX_HOUSEHOLDS {
            return Err(Error::TooManyHouseholds {
                households: self.households,
                max: MAX_HOUSEHOLDS,
            });
        }
        if !(0.0..=1.0).contains(&self.survey_fraction) {
            return Err(Error::Config(format!(
                "survey fraction {} is not in [0, 1]",
                self.survey_fraction
            )));
        }
        for (name, r) in self.rates.named() {
            if !(0.0..=1.0).contains(&r) {
                return Err(Error::Config(format!(
                    "problem rate {name} = {r} is not in [0, 1]"
                )));
            }
        }
        let today = chrono::Local::now().date_naive();
        if self.reference_date > today {
            return Err(Error::Config(format!(
                "reference date {} is after today ({today}): imports refuse birth dates in the future",
                self.reference_date
            )));
        }
        if self.reference_date < NaiveDate::from_ymd_opt(1990, 1, 1).expect("valid date") {
            return Err(Error::Config(format!(
                "reference date {} is before 1990",
                self.reference_date
            )));
        }
        Ok(())
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::new(1_000, 1)
    }
}

/// Rates of injected problems.
///
/// `duplicate_person`, `nik_typo`, `date_swap` and `two_households` are per real person (the
/// expected share of persons affected; a date swap needs a birth day ≤ 12 that differs from
/// the month, so it is applied to those persons with a correspondingly higher probability).
/// `wrong_region` is per household.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProblemRates {
    /// A second record of an existing person, with name variants.
    pub duplicate_person: f64,
    /// One digit changed or two adjacent digits swapped in the recorded NIK.
    pub nik_typo: f64,
    /// Recorded birth date with day and month swapped.
    pub date_swap: f64,
    /// Household region recorded as a non-current code or another district's village.
    pub wrong_region: f64,
    /// The same person also listed as a member of another household of the same district.
    pub two_households: f64,
}

impl Default for ProblemRates {
    fn default() -> ProblemRates {
        ProblemRates {
            duplicate_person: 0.01,
            nik_typo: 0.005,
            date_swap: 0.005,
            wrong_region: 0.005,
            two_households: 0.003,
        }
    }
}

impl ProblemRates {
    /// No injected problems: the registry is clean.
    pub fn none() -> ProblemRates {
        ProblemRates {
            duplicate_person: 0.0,
            nik_typo: 0.0,
            date_swap: 0.0,
            wrong_region: 0.0,
            two_households: 0.0,
        }
    }

    fn named(&self) -> [(&'static str, f64); 5] {
        [
            ("duplicate_person", self.duplicate_person),
            ("nik_typo", self.nik_typo),
            ("date_swap", self.date_swap),
            ("wrong_region", self.wrong_region),
            ("two_households", self.two_households),
        ]
    }
}

/// Kind of injected problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    DuplicatePerson,
    NikTypo,
    DateSwap,
    WrongRegion,
    TwoHouseholds,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 5] = [
        ProblemKind::DuplicatePerson,
        ProblemKind::NikTypo,
        ProblemKind::DateSwap,
        ProblemKind::WrongRegion,
        ProblemKind::TwoHouseholds,
    ];

    /// Code used in `truth/problems.csv`.
    pub fn code(self) -> &'static str {
        match self {
            ProblemKind::DuplicatePerson => "duplicate_person",
            ProblemKind::NikTypo => "nik_typo",
            ProblemKind::DateSwap => "date_swap",
            ProblemKind::WrongRegion => "wrong_region",
            ProblemKind::TwoHouseholds => "two_households",
        }
    }

    pub fn parse(code: &str) -> Option<ProblemKind> {
        ProblemKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One injected deviation (a row of `truth/problems.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// KK of the affected record.
    pub kk: Kk,
    /// NIK of the affected record as recorded (`None` for household problems).
    pub nik: Option<Nik>,
    /// `name`, `nik`, `birth_date`, `region` or `kk`.
    pub field: &'static str,
    pub true_value: String,
    pub recorded_value: String,
}

/// Ground truth of one household (a row of `truth/households.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdTruth {
    pub kk: Kk,
    pub region_true: RegionCode,
    pub region_recorded: RegionCode,
    /// Number of real members.
    pub members: u16,
    /// Latent monthly consumption per capita, rounded to rupiah.
    pub consumption_per_capita: Rupiah,
    /// Whether the village is a kelurahan (urban).
    pub urban: bool,
    pub surveyed: bool,
    pub survey_weight: Option<f64>,
}

/// Ground truth of one person record (a row of `truth/persons.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct PersonTruth {
    /// Id of the real person; every record of the same person has the same entity.
    pub entity: u64,
    pub nik_true: Nik,
    pub birth_date_true: NaiveDate,
    /// Real name, without titles.
    pub name_true: String,
}

/// One generated household: the records as they are written, and their ground truth.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntheticHousehold {
    /// The household row as recorded.
    pub household: Household,
    /// The member rows as recorded: real members first, then injected records.
    pub members: Vec<Person>,
    pub truth: HouseholdTruth,
    /// Parallel to `members`.
    pub member_truth: Vec<PersonTruth>,
    /// Problems whose record is in this household.
    pub problems: Vec<Problem>,
}

/// The ground truth that goes with a household written by [`Sink::household`].
pub struct Truth<'a> {
    pub household: &'a HouseholdTruth,
    /// Parallel to the members passed to [`Sink::household`].
    pub persons: &'a [PersonTruth],
    pub problems: &'a [Problem],
    /// The records, for sinks that write truth rows keyed by them.
    pub members: &'a [Person],
}

/// Where generated households go. [`generate`] calls, for each household in output order,
/// [`Sink::household`] then [`Sink::truth`], and at the end [`Sink::manifest`] once.
pub trait Sink {
    /// A household row and its member rows, as recorded.
    fn household(&mut self, household: &Household, members: &[Person]) -> Result<(), Error>;

    /// The ground truth of the household just passed to [`Sink::household`].
    fn truth(&mut self, truth: &Truth<'_>) -> Result<(), Error> {
        let _ = truth;
        Ok(())
    }

    /// The manifest, after the last household.
    fn manifest(&mut self, manifest: &Manifest) -> Result<(), Error> {
        let _ = manifest;
        Ok(())
    }

    /// Optional fast path: a function that renders a regency's households into bytes. When a
    /// sink offers one, [`generate`] runs it on the generating threads and passes each
    /// regency's [`Chunk`] to [`Sink::write_chunk`] in output order, instead of calling
    /// [`Sink::household`] and [`Sink::truth`]. The default is `None`.
    fn renderer(&self) -> Option<RenderFn> {
        None
    }

    /// Write a chunk made by the function [`Sink::renderer`] returned.
    fn write_chunk(&mut self, chunk: Chunk) -> Result<(), Error> {
        let _ = chunk;
        Err(Error::Generation(
            "this sink takes households, not rendered chunks".into(),
        ))
    }
}

/// Counts of what was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub households: u64,
    /// Rows of `persons.csv` (real members plus injected records).
    pub persons: u64,
    /// Real persons (distinct entities).
    pub entities: u64,
    pub surveyed: u64,
    /// Rows of `truth/problems.csv` by kind code.
    pub problems: BTreeMap<&'static str, u64>,
}

impl Summary {
    fn add(&mut self, h: &SyntheticHousehold) {
        self.households += 1;
        self.persons += h.members.len() as u64;
        self.entities += u64::from(h.truth.members);
        self.surveyed += u64::from(h.truth.surveyed);
        for p in &h.problems {
            *self.problems.entry(p.kind.code()).or_insert(0) += 1;
        }
    }

    fn merge(&mut self, other: Summary) {
        self.households += other.households;
        self.persons += other.persons;
        self.entities += other.entities;
        self.surveyed += other.surveyed;
        for (k, v) in other.problems {
            *self.problems.entry(k).or_insert(0) += v;
        }
    }

    fn with_all_kinds(mut self) -> Summary {
        for k in ProblemKind::ALL {
            self.problems.entry(k.code()).or_insert(0);
        }
        self
    }
}

/// The configuration as written in the manifest.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ManifestConfig {
    pub households: u64,
    pub seed: u64,
    pub survey_fraction: f64,
    pub reference_date: String,
    pub bps_period: &'static str,
    /// Restricted to one province (`generate_province`), if so.
    pub province: Option<String>,
    pub rates: BTreeMap<&'static str, f64>,
}

/// `truth/manifest.json`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Manifest {
    pub generator: &'static str,
    pub config: ManifestConfig,
    pub counts: Summary,
}

impl Manifest {
    fn new(config: &Config, province: Option<RegionCode>, counts: Summary) -> Manifest {
        Manifest {
            generator: GENERATOR_VERSION,
            config: ManifestConfig {
                households: config.households,
                seed: config.seed,
                survey_fraction: config.survey_fraction,
                reference_date: config.reference_date.format("%Y-%m-%d").to_string(),
                bps_period: BPS_PERIOD,
                province: province.map(|p| p.to_string()),
                rates: config.rates.named().into_iter().collect(),
            },
            counts: counts.with_all_kinds(),
        }
    }
}

/// Generate `config.households` households over all of Indonesia into `sink`, calling
/// `progress` with the number of households done after each regency.
pub fn generate(
    config: &Config,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(u64),
) -> Result<Summary, Error> {
    config.validate()?;
    let plan = plan_national(config.households);
    let summary = population::run(config, &plan, sink, progress)?;
    let manifest = Manifest::new(config, None, summary);
    sink.manifest(&manifest)?;
    Ok(manifest.counts)
}

/// Generate `households` households of one province (Kemendagri code), spread over its
/// regencies by population, with the same machinery as [`generate`]: a regency's households
/// are the same as in a national run that allots it the same number. `config.households` is
/// ignored.
pub fn generate_province(
    config: &Config,
    province: RegionCode,
    households: u64,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(u64),
) -> Result<Summary, Error> {
    config.validate()?;
    let plan = plan_province(province, households)?;
    let summary = population::run(config, &plan, sink, progress)?;
    let config = Config {
        households,
        ..config.clone()
    };
    let manifest = Manifest::new(&config, Some(province), summary);
    sink.manifest(&manifest)?;
    Ok(manifest.counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 10, finding 10: `--households 1000000000000` tried to allocate 77 GB. Above
    /// `MAX_HOUSEHOLDS` the configuration is refused before anything is planned.
    #[test]
    fn sizes_above_the_maximum_are_refused() {
        for n in [MAX_HOUSEHOLDS + 1, 1_000_000_000_000, u64::MAX] {
            assert!(matches!(
                Config::new(n, 1).validate(),
                Err(Error::TooManyHouseholds { .. })
            ));
        }
        assert!(Config::new(MAX_HOUSEHOLDS, 1).validate().is_ok());
    }

    /// The estimate covers what was measured (1,000,000 households on 2 cores: 179 MB peak
    /// resident memory, 1,086 MB of files), grows with the size, and is cheap at any size.
    #[test]
    fn the_estimate_covers_the_measured_run() {
        let e = estimate(&Config::new(1_000_000, 1));
        assert!(e.memory_bytes >= 179_000_000, "{e:?}");
        assert!(e.disk_bytes >= 1_086_000_000, "{e:?}");
        let national = estimate(&Config::new(90_000_000, 1));
        assert!(national.memory_bytes > 10 * e.memory_bytes);
        let absurd = estimate(&Config::new(u64::MAX, 1));
        assert!(absurd.memory_bytes > national.memory_bytes && absurd.disk_bytes == u64::MAX);
    }
}
