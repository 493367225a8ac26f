//! Helpers shared by the integration tests.
#![allow(dead_code)]

use setara_synth::{Config, CsvOutputs, CsvSink, Summary, generate};

/// The six output files of a run, in memory.
pub struct Files {
    pub households: Vec<u8>,
    pub persons: Vec<u8>,
    pub truth_households: Vec<u8>,
    pub truth_persons: Vec<u8>,
    pub truth_problems: Vec<u8>,
    pub manifest: Vec<u8>,
    pub summary: Summary,
}

/// Generate with [`CsvSink`] into memory.
pub fn generate_files(config: &Config) -> Files {
    let outputs = CsvOutputs::open_with(|_| Ok::<_, std::io::Error>(Vec::new())).unwrap();
    let mut sink = CsvSink::new(outputs).unwrap();
    let summary = generate(config, &mut sink, &mut |_| {}).unwrap();
    let out = sink.finish().unwrap();
    Files {
        households: out.households,
        persons: out.persons,
        truth_households: out.truth_households,
        truth_persons: out.truth_persons,
        truth_problems: out.truth_problems,
        manifest: out.manifest,
        summary,
    }
}

/// Rows of a CSV text as string records (header excluded).
pub fn rows(bytes: &[u8]) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::ReaderBuilder::new().from_reader(bytes);
    let header = r.headers().unwrap().clone();
    let rows = r.records().map(|x| x.unwrap()).collect();
    (header, rows)
}
