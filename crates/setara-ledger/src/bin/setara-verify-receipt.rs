//! `setara-verify-receipt RECEIPT.json --vkey KEY [--kk KK]`: checks a Setara ledger receipt
//! offline. `KEY` is the verifier key string (`<origin>+<id>+<base64>`) or a file holding it.
//! Exit status 0: valid; 1: invalid or unreadable (the reason and its code on stderr); 2: usage
//! error.

use std::process::ExitCode;

use setara_ledger::{Receipt, verify_receipt};

const USAGE: &str = "usage: setara-verify-receipt RECEIPT.json --vkey KEY [--kk KK]";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (mut file, mut vkey, mut kk) = (None, None, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--vkey" => vkey = args.next(),
            "--kk" => kk = args.next(),
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ if file.is_none() && !a.starts_with("--") => file = Some(a),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(file), Some(vkey)) = (file, vkey) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    // A key string, or a file holding one (a key is under 200 bytes; read at most 4 KiB).
    let vkey = match std::fs::File::open(&vkey)
        .and_then(|mut f| setara_ledger::read_limited(&mut f, 4096))
    {
        Ok(Some(bytes)) => String::from_utf8_lossy(&bytes).trim().to_string(),
        _ => vkey,
    };
    let result = Receipt::read_file(std::path::Path::new(&file))
        .and_then(|r| verify_receipt(&r, &vkey, kk.as_deref()));
    match result {
        Ok(v) => {
            println!(
                "VALID: entry {} ({} {} rupiah, programme {}, cycle {}) is in log {} at tree size {}{}",
                v.index,
                v.entry.kind,
                v.entry.amount,
                v.entry.programme,
                v.entry.cycle,
                v.origin,
                v.tree_size,
                if v.household_checked {
                    "; the household commitment matches the KK"
                } else {
                    ""
                }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("INVALID ({}): {e}", e.code());
            ExitCode::from(1)
        }
    }
}
