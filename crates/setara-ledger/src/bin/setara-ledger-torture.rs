//! Test helper for the crash test: `setara-ledger-torture DIR [SEED]` opens (or creates) the
//! ledger in DIR and appends batches of deterministic entries forever, printing each
//! acknowledged end index on its own line (flushed) after the batch is fsynced, and now and then
//! a checkpoint. The entry at index `i` is always `setara_ledger::torture_entry(i)`.

use std::io::Write;
use std::path::Path;

use setara_ledger::{Ledger, torture_entry};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .expect("usage: setara-ledger-torture DIR [SEED]");
    let mut seed: u64 = args.next().map_or(1, |s| s.parse().expect("seed"));
    let dir = Path::new(&dir);
    let mut l = match Ledger::open(dir) {
        Ok(l) => l,
        Err(setara_ledger::Error::NotALedger(_)) => Ledger::init_with(
            dir,
            "torture.test/log",
            setara_ledger::LedgerOptions {
                segment_entries_log2: 9,
            },
        )
        .expect("init"),
        Err(e) => panic!("open: {e}"),
    };
    let out = std::io::stdout();
    let mut out = out.lock();
    writeln!(out, "open {}", l.len()).unwrap();
    out.flush().unwrap();
    loop {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let k = 1 + (seed >> 33) % 300;
        let start = l.len();
        let batch: Vec<_> = (start..start + k).map(torture_entry).collect();
        let r = l.append_batch(&batch).expect("append");
        writeln!(out, "{}", r.end).unwrap();
        out.flush().unwrap();
        if (seed >> 20).is_multiple_of(4) {
            let cp = l.checkpoint().expect("checkpoint");
            writeln!(out, "cp {}", cp.size).unwrap();
            out.flush().unwrap();
        }
    }
}
