//! Generate a synthetic registry into a directory: `synth HOUSEHOLDS SEED OUT_DIR`.
//!
//! A small driver for measuring speed and memory (`/usr/bin/time -v`); the `setara generate`
//! command is the user-facing way.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::time::Instant;

use setara_synth::{Config, CsvOutputs, CsvSink, generate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let households: u64 = args.next().as_deref().unwrap_or("10000").parse()?;
    let seed: u64 = args.next().as_deref().unwrap_or("1").parse()?;
    let out = PathBuf::from(args.next().unwrap_or_else(|| "synth-out".into()));
    std::fs::create_dir_all(out.join("truth"))?;
    let outputs = CsvOutputs::open_with(|p| {
        File::create(out.join(p)).map(|f| BufWriter::with_capacity(1 << 20, f))
    })?;
    let mut sink = CsvSink::new(outputs)?;
    let start = Instant::now();
    let summary = generate(&Config::new(households, seed), &mut sink, &mut |_| {})?;
    sink.finish()?;
    eprintln!("{summary:?}");
    eprintln!("{:.2} s", start.elapsed().as_secs_f64());
    Ok(())
}
