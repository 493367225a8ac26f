//! Kill a real writer process with SIGKILL at random moments, many times: every acknowledged
//! entry survives with identical bytes, the log reopens cleanly and the audit passes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use setara_ledger::{Ledger, audit, torture_entry};

#[test]
fn sigkill_at_random_points_loses_nothing_acknowledged() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let bin = env!("CARGO_BIN_EXE_setara-ledger-torture");
    let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut acked = 0u64;
    let mut torn_seen = 0u64;
    let kills = 36;
    for round in 0..kills {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let mut child = Command::new(bin)
            .arg(&dir)
            .arg(rng.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Wait until the child has opened the log, then kill it after a random delay.
        let first = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("child started");
        let opened: u64 = first.strip_prefix("open ").unwrap().parse().unwrap();
        assert!(
            opened >= acked,
            "round {round}: reopened with {opened} < acknowledged {acked}"
        );
        let delay = Duration::from_micros(500 + rng % 60_000);
        let until = Instant::now() + delay;
        while Instant::now() < until {
            if let Ok(line) = rx.recv_timeout(until - Instant::now())
                && let Ok(end) = line.parse::<u64>()
            {
                acked = acked.max(end);
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();
        // Lines printed before the kill are acknowledgements too.
        for line in rx.try_iter() {
            if let Ok(end) = line.parse::<u64>() {
                acked = acked.max(end);
            }
        }
        let l = Ledger::open(&dir).unwrap();
        let t = l.torn_tail();
        if t.segment_bytes + t.index_bytes + t.hash_bytes + t.checkpoint_bytes > 0 {
            torn_seen += 1;
        }
        assert!(
            l.len() >= acked,
            "round {round}: {} < acknowledged {acked}",
            l.len()
        );
        for i in 0..l.len() {
            assert_eq!(
                l.entry_bytes(i).unwrap(),
                torture_entry(i).to_bytes().unwrap(),
                "round {round}: entry {i}"
            );
        }
        drop(l);
        let rep = audit(&dir).unwrap();
        assert!(rep.is_ok(), "round {round}: {:?}", rep.problems);
        assert!(rep.entries >= acked);
    }
    assert!(acked > 1000, "the child made progress: {acked}");
    eprintln!(
        "{kills} kills, {acked} entries acknowledged, {torn_seen} reopenings dropped a torn tail"
    );
}
