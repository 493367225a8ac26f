//! Sinks: the import-format CSV files plus the ground truth, or memory.

use std::fmt::Write as _;
use std::io::Write;

use chrono::{Datelike, NaiveDate};
use setara_core::{Household, Person};
use setara_registry::writer::{Dialect, HouseholdWriter, PersonWriter, RecordWriter};

use crate::{Error, HouseholdTruth, Manifest, Sink, SyntheticHousehold, Truth};

/// Relative paths of the files [`CsvSink`] writes, in the order of the fields of
/// [`CsvOutputs`]. The caller creates the `truth/` directory.
pub const TRUTH_FILES: [&str; 6] = [
    "households.csv",
    "persons.csv",
    "truth/households.csv",
    "truth/persons.csv",
    "truth/problems.csv",
    "truth/manifest.json",
];

/// The writers of the six output files (see [`TRUTH_FILES`]); the caller opens them.
pub struct CsvOutputs<W> {
    pub households: W,
    pub persons: W,
    pub truth_households: W,
    pub truth_persons: W,
    pub truth_problems: W,
    pub manifest: W,
}

impl<W> CsvOutputs<W> {
    /// Open every output with `open(relative_path)`, e.g.
    /// `CsvOutputs::open_with(|p| File::create(dir.join(p)).map(BufWriter::new))`.
    pub fn open_with<E>(
        mut open: impl FnMut(&'static str) -> Result<W, E>,
    ) -> Result<CsvOutputs<W>, E> {
        let [h, p, th, tp, tpr, m] = TRUTH_FILES;
        Ok(CsvOutputs {
            households: open(h)?,
            persons: open(p)?,
            truth_households: open(th)?,
            truth_persons: open(tp)?,
            truth_problems: open(tpr)?,
            manifest: open(m)?,
        })
    }
}

/// Bytes of the five CSV files for a run of households, without headers, in the order of
/// [`TRUTH_FILES`] (the manifest excluded). Produced by [`render_csv`] on a generating thread.
#[derive(Debug, Default)]
pub struct Chunk {
    pub parts: [Vec<u8>; 5],
}

/// A function that renders households into a [`Chunk`] (see [`Sink::renderer`]).
pub type RenderFn =
    std::sync::Arc<dyn Fn(&[SyntheticHousehold]) -> Result<Chunk, Error> + Send + Sync>;

/// Renders households into the CSV texts, with [`RecordWriter`] for the import files.
struct Renderer {
    households: HouseholdWriter<Vec<u8>>,
    persons: PersonWriter<Vec<u8>>,
    truth_households: csv::Writer<Vec<u8>>,
    truth_persons: csv::Writer<Vec<u8>>,
    truth_problems: csv::Writer<Vec<u8>>,
    fields: [String; 7],
    rows: usize,
}

const TRUTH_HOUSEHOLD_COLUMNS: [&str; 7] = [
    "kk",
    "region_true",
    "region_recorded",
    "members",
    "consumption_per_capita",
    "surveyed",
    "survey_weight",
];
const TRUTH_PERSON_COLUMNS: [&str; 6] = [
    "kk",
    "nik",
    "entity",
    "nik_true",
    "birth_date_true",
    "name_true",
];
const TRUTH_PROBLEM_COLUMNS: [&str; 6] =
    ["kind", "kk", "nik", "field", "true_value", "recorded_value"];

fn csv_writer<W: Write>(w: W, header: &[&str]) -> Result<csv::Writer<W>, Error> {
    let mut c = csv::WriterBuilder::new()
        .buffer_capacity(1 << 16)
        .from_writer(w);
    c.write_record(header)?;
    Ok(c)
}

/// Everything after the header line.
fn without_header(mut bytes: Vec<u8>) -> Vec<u8> {
    let cut = bytes
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| i + 1);
    bytes.drain(..cut);
    bytes
}

/// The 16 digits of a NIK or KK number.
fn push_16(s: &mut String, n: u64) {
    let mut buf = [b'0'; 16];
    let mut x = n;
    for b in buf.iter_mut().rev() {
        *b = b'0' + (x % 10) as u8;
        x /= 10;
    }
    s.push_str(std::str::from_utf8(&buf).expect("ascii digits"));
}

impl Renderer {
    fn new(dialect: Dialect) -> Result<Renderer, Error> {
        Ok(Renderer {
            households: RecordWriter::households(Vec::new(), dialect)?,
            persons: RecordWriter::persons(Vec::new(), dialect)?,
            truth_households: csv_writer(Vec::new(), &TRUTH_HOUSEHOLD_COLUMNS)?,
            truth_persons: csv_writer(Vec::new(), &TRUTH_PERSON_COLUMNS)?,
            truth_problems: csv_writer(Vec::new(), &TRUTH_PROBLEM_COLUMNS)?,
            fields: Default::default(),
            rows: 0,
        })
    }

    fn household(&mut self, household: &Household, members: &[Person]) -> Result<(), Error> {
        self.households.write(household)?;
        for p in members {
            self.persons.write(p)?;
        }
        self.rows += 1;
        Ok(())
    }

    fn truth(&mut self, truth: &Truth<'_>) -> Result<(), Error> {
        let t: &HouseholdTruth = truth.household;
        let f = &mut self.fields;
        for s in f.iter_mut() {
            s.clear();
        }
        push_16(&mut f[0], t.kk.as_u64());
        let _ = write!(f[1], "{}", t.region_true);
        let _ = write!(f[2], "{}", t.region_recorded);
        let _ = write!(f[3], "{}", t.members);
        let _ = write!(f[4], "{}", t.consumption_per_capita.0);
        f[5].push(if t.surveyed { '1' } else { '0' });
        if let Some(w) = t.survey_weight {
            let _ = write!(f[6], "{w}");
        }
        self.truth_households
            .write_record(f.iter().map(String::as_bytes))?;
        for (p, t) in truth.members.iter().zip(truth.persons) {
            for s in f[..6].iter_mut() {
                s.clear();
            }
            push_16(&mut f[0], p.kk.as_u64());
            push_16(&mut f[1], p.nik.as_u64());
            let _ = write!(f[2], "{}", t.entity);
            push_16(&mut f[3], t.nik_true.as_u64());
            push_date(&mut f[4], t.birth_date_true);
            f[5].push_str(&t.name_true);
            self.truth_persons
                .write_record(f[..6].iter().map(String::as_bytes))?;
        }
        for pr in truth.problems {
            for s in f[..2].iter_mut() {
                s.clear();
            }
            push_16(&mut f[0], pr.kk.as_u64());
            if let Some(n) = pr.nik {
                push_16(&mut f[1], n.as_u64());
            }
            self.truth_problems.write_record([
                pr.kind.code().as_bytes(),
                f[0].as_bytes(),
                f[1].as_bytes(),
                pr.field.as_bytes(),
                pr.true_value.as_bytes(),
                pr.recorded_value.as_bytes(),
            ])?;
        }
        Ok(())
    }

    fn finish(self) -> Result<Chunk, Error> {
        let inner = |w: csv::Writer<Vec<u8>>| w.into_inner().map_err(|e| Error::Io(e.into_error()));
        Ok(Chunk {
            parts: [
                without_header(self.households.finish()?),
                without_header(self.persons.finish()?),
                without_header(inner(self.truth_households)?),
                without_header(inner(self.truth_persons)?),
                without_header(inner(self.truth_problems)?),
            ],
        })
    }
}

/// Render households into the five CSV texts of [`CsvSink`] (the [`RenderFn`] it offers).
pub fn render_csv(households: &[SyntheticHousehold], dialect: Dialect) -> Result<Chunk, Error> {
    let mut r = Renderer::new(dialect)?;
    for h in households {
        r.household(&h.household, &h.members)?;
        r.truth(&Truth {
            household: &h.truth,
            persons: &h.member_truth,
            problems: &h.problems,
            members: &h.members,
        })?;
    }
    r.finish()
}

/// Writes `households.csv` and `persons.csv` in the import format (plain dialect, rows made by
/// [`setara_registry::writer::RecordWriter`]) and the ground truth files documented in the
/// crate documentation, to writers the caller opened. Call [`CsvSink::finish`] at the end.
///
/// Under [`crate::generate`] the rows are rendered on the generating threads ([`render_csv`])
/// and this sink only writes the bytes; households passed one by one through [`Sink`] are
/// rendered here, in batches.
pub struct CsvSink<W: Write> {
    out: CsvOutputs<W>,
    pending: Option<Renderer>,
    dialect: Dialect,
}

impl<W: Write> CsvSink<W> {
    /// Start the files (the headers are written now), `households.csv` and `persons.csv` in the
    /// plain dialect.
    pub fn new(out: CsvOutputs<W>) -> Result<CsvSink<W>, Error> {
        CsvSink::with_dialect(out, Dialect::Plain)
    }

    /// As [`CsvSink::new`], writing `households.csv` and `persons.csv` in `dialect` (Excel:
    /// `;` and a BOM). The truth files are always plain CSV.
    pub fn with_dialect(mut out: CsvOutputs<W>, dialect: Dialect) -> Result<CsvSink<W>, Error> {
        RecordWriter::households(&mut out.households, dialect)?.finish()?;
        RecordWriter::persons(&mut out.persons, dialect)?.finish()?;
        for (w, header) in [
            (&mut out.truth_households, &TRUTH_HOUSEHOLD_COLUMNS[..]),
            (&mut out.truth_persons, &TRUTH_PERSON_COLUMNS[..]),
            (&mut out.truth_problems, &TRUTH_PROBLEM_COLUMNS[..]),
        ] {
            csv_writer(w, header)?.flush()?;
        }
        Ok(CsvSink {
            out,
            pending: None,
            dialect,
        })
    }

    fn flush_pending(&mut self) -> Result<(), Error> {
        if let Some(r) = self.pending.take() {
            let chunk = r.finish()?;
            self.write_chunk(chunk)?;
        }
        Ok(())
    }

    /// Flush every file and return the writers.
    pub fn finish(mut self) -> Result<CsvOutputs<W>, Error> {
        self.flush_pending()?;
        let mut out = self.out;
        for w in [
            &mut out.households,
            &mut out.persons,
            &mut out.truth_households,
            &mut out.truth_persons,
            &mut out.truth_problems,
            &mut out.manifest,
        ] {
            w.flush()?;
        }
        Ok(out)
    }
}

/// `YYYY-MM-DD` without going through a format string.
fn push_date(s: &mut String, d: NaiveDate) {
    let y = d.year();
    if (0..10_000).contains(&y) {
        let y = y as u32;
        for div in [1000, 100, 10, 1] {
            s.push(char::from(b'0' + (y / div % 10) as u8));
        }
        s.push('-');
        for v in [d.month(), d.day()] {
            s.push(char::from(b'0' + (v / 10) as u8));
            s.push(char::from(b'0' + (v % 10) as u8));
            s.push('-');
        }
        s.pop();
    } else {
        let _ = write!(s, "{}", d.format("%Y-%m-%d"));
    }
}

impl<W: Write> Sink for CsvSink<W> {
    fn household(&mut self, household: &Household, members: &[Person]) -> Result<(), Error> {
        if self.pending.as_ref().is_some_and(|r| r.rows >= 1024) {
            self.flush_pending()?;
        }
        if self.pending.is_none() {
            self.pending = Some(Renderer::new(self.dialect)?);
        }
        self.pending
            .as_mut()
            .expect("just set")
            .household(household, members)
    }

    fn truth(&mut self, truth: &Truth<'_>) -> Result<(), Error> {
        match self.pending.as_mut() {
            Some(r) => r.truth(truth),
            None => Err(Error::Generation("truth without a household".into())),
        }
    }

    fn manifest(&mut self, manifest: &Manifest) -> Result<(), Error> {
        self.flush_pending()?;
        serde_json::to_writer_pretty(&mut self.out.manifest, manifest)?;
        self.out.manifest.write_all(b"\n")?;
        Ok(())
    }

    fn renderer(&self) -> Option<RenderFn> {
        let dialect = self.dialect;
        Some(std::sync::Arc::new(move |h: &[SyntheticHousehold]| {
            render_csv(h, dialect)
        }))
    }

    fn write_chunk(&mut self, chunk: Chunk) -> Result<(), Error> {
        self.flush_pending()?;
        let [h, p, th, tp, tpr] = &chunk.parts;
        self.out.households.write_all(h)?;
        self.out.persons.write_all(p)?;
        self.out.truth_households.write_all(th)?;
        self.out.truth_persons.write_all(tp)?;
        self.out.truth_problems.write_all(tpr)?;
        Ok(())
    }
}

/// Adds every generated household straight to a columnar snapshot builder: a registry of
/// millions of households for benchmarks without a copy of it in memory or a store.
pub struct SnapshotSink(pub setara_snapshot::SnapshotBuilder);

impl Sink for SnapshotSink {
    fn household(&mut self, household: &Household, members: &[Person]) -> Result<(), Error> {
        self.0
            .add(household, members)
            .map_err(|e| Error::Generation(e.to_string()))
    }
}

/// Keeps everything in memory (for tests and small runs).
#[derive(Default)]
pub struct MemorySink {
    pub households: Vec<SyntheticHousehold>,
    pub manifest: Option<Manifest>,
    pending: Option<(Household, Vec<Person>)>,
}

impl MemorySink {
    pub fn new() -> MemorySink {
        MemorySink::default()
    }
}

impl Sink for MemorySink {
    fn household(&mut self, household: &Household, members: &[Person]) -> Result<(), Error> {
        self.pending = Some((household.clone(), members.to_vec()));
        Ok(())
    }

    fn truth(&mut self, truth: &Truth<'_>) -> Result<(), Error> {
        let (household, members) = self
            .pending
            .take()
            .ok_or_else(|| Error::Generation("truth without a household".into()))?;
        self.households.push(SyntheticHousehold {
            household,
            members,
            truth: truth.household.clone(),
            member_truth: truth.persons.to_vec(),
            problems: truth.problems.to_vec(),
        });
        Ok(())
    }

    fn manifest(&mut self, manifest: &Manifest) -> Result<(), Error> {
        self.manifest = Some(manifest.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso() {
        let mut s = String::new();
        push_date(&mut s, NaiveDate::from_ymd_opt(1985, 8, 7).unwrap());
        assert_eq!(s, "1985-08-07");
    }
}
