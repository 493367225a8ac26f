//! `setara-verify-receipt RECEIPT.json --vkey KEY [--kk KK]`: checks a Setara ledger receipt
//! offline. `KEY` is the verifier key string (`<origin>+<id>+<base64>`) or a file holding it.
//! Exit status 0: valid; 1: invalid (the reason on stderr); 2: usage error.

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
    let vkey = match std::fs::read_to_string(&vkey) {
        Ok(text) => text.trim().to_string(),
        Err(_) => vkey,
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("INVALID: cannot read {file}: {e}");
            return ExitCode::from(1);
        }
    };
    let result = Receipt::from_json(&text).and_then(|r| verify_receipt(&r, &vkey, kk.as_deref()));
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
            eprintln!("INVALID: {e}");
            ExitCode::from(1)
        }
    }
}
