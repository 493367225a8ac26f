//! The ledger's command line: what `ledger fund`, `disburse`, `ledger receipt` and
//! `ledger verify-receipt` print, `--out` and `--force`, the exit code of a wrong `--channel`,
//! and `--idempotency-key`. The operations themselves (balances, receipts, tampering, repairs,
//! refusals) are tested in process: `crates/setara-app/tests/ledger.rs`.

mod common;

use std::path::PathBuf;
use std::process::Output;

struct Demo {
    dir: tempfile::TempDir,
}

impl Demo {
    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, args: &[&str]) -> Output {
        common::setara(self.dir.path(), &self.data_dir(), "en", args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?} failed: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
    }

    /// Fails with exit code `exit` and error `code` (from `--json`); returns stderr.
    fn fails_with(&self, args: &[&str], exit: i32, code: &str) -> String {
        common::fails_with(self.dir.path(), &self.data_dir(), "en", args, exit, code)
    }
}

/// A data directory with the programme PKH-JABAR and nothing else (no households): enough for
/// funds in and out of the ledger.
fn programme_only() -> Demo {
    let d = Demo {
        dir: tempfile::tempdir().unwrap(),
    };
    let toml = format!(
        "{}/examples/programmes/pkh-jabar.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    d.ok(&["programme", "create", "--file", &toml]);
    d
}

fn fund_args<'a>(amount: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "ledger",
        "fund",
        "--programme",
        "PKH-JABAR",
        "--kind",
        "budget",
        "--amount",
        amount,
    ];
    v.extend_from_slice(extra);
    v
}

/// A registry whose PKH-JABAR cycle 1 is approved, built in process (2,000 households of Jawa
/// Barat); returns it and how many were selected.
fn approved() -> (Demo, u64) {
    let d = Demo {
        dir: tempfile::tempdir().unwrap(),
    };
    let app = common::registry::app_in(d.dir.path());
    common::registry::jawa_barat(&app, 2000);
    common::registry::rank(&app, 3);
    common::registry::programme(&app, "pkh-jabar.toml");
    let selected = common::registry::approve(&app, "PKH-JABAR").selected;
    (d, selected)
}

/// The happy path as people see it: money in, every approved entitlement paid, a receipt
/// written to a file (never over one without `--force`) and checked offline.
#[test]
fn fund_disburse_and_a_receipt_on_the_command_line() {
    let (d, selected) = approved();
    let out = d.ok(&fund_args("3000000000", &["--from", "APBD-Jabar-2026"]));
    assert!(
        out.starts_with("Rp3.000.000.000 recorded for PKH-JABAR as entry #0\n"),
        "{out}"
    );
    assert!(out.contains("setara.local/ledger\n1\n"), "{out}");

    // A channel that is not one of the list is a wrong command line (2), checked first.
    d.fails_with(
        &fund_args("5", &["--channel", "bank-transfer"]),
        2,
        "ledger_channel_unknown",
    );
    d.fails_with(
        &[
            "disburse",
            "--programme",
            "PKH-JABAR",
            "--cycle",
            "1",
            "--channel",
            "tunai",
        ],
        2,
        "ledger_channel_unknown",
    );
    let out = d.ok(&["disburse", "--programme", "PKH-JABAR", "--cycle", "1"]);
    let rupiah = setara_core::number::rupiah(selected as i64 * 750_000);
    assert!(
        out.starts_with(&format!(
            "{selected} entitlements paid {rupiah} (bank_transfer), ledger entries #1–#{selected}.\nNew checkpoint:\n"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("setara.local/ledger\n{}\n", selected + 1)),
        "{out}"
    );

    let paid = d.json(&[
        "entitlement",
        "list",
        "--programme",
        "PKH-JABAR",
        "--state",
        "paid",
        "--limit",
        "1",
    ]);
    let id = paid[0]["id"].as_i64().unwrap().to_string();
    let kk = paid[0]["kk"].as_str().unwrap().to_string();
    let index = paid[0]["ledger_index"].as_u64().unwrap();
    let vkey = d.ok(&["ledger", "vkey"]).trim().to_string();
    let receipt = d.dir.path().join("receipt.json");
    let args = [
        "ledger",
        "receipt",
        "--entitlement",
        id.as_str(),
        "--out",
        "receipt.json",
    ];
    let out = d.ok(&args);
    assert_eq!(
        out,
        format!(
            "Receipt written to receipt.json (entry #{index}); check it offline: setara-verify-receipt receipt.json --vkey '{vkey}' --kk {kk}\n"
        )
    );
    let text = std::fs::read_to_string(&receipt).unwrap();
    // An existing file is replaced only with --force.
    std::fs::write(&receipt, "precious").unwrap();
    d.fails_with(&args, 1, "output_exists");
    assert_eq!(std::fs::read_to_string(&receipt).unwrap(), "precious");
    let mut forced = args.to_vec();
    forced.push("--force");
    d.ok(&forced);
    assert_eq!(std::fs::read_to_string(&receipt).unwrap(), text);
    // Without --out the receipt is printed.
    let mut printed = args.to_vec();
    printed.truncate(4);
    assert_eq!(d.ok(&printed), text);

    let out = d.ok(&[
        "ledger",
        "verify-receipt",
        "receipt.json",
        "--vkey",
        &vkey,
        "--kk",
        &kk,
    ]);
    assert_eq!(
        out,
        format!(
            "VALID: entry #{index} is in the ledger of size {} (Rp750.000), for this KK\n",
            selected + 1
        )
    );
}

/// `--idempotency-key`: a repeated `ledger fund` moves money once and prints the first result
/// (the same text); the same key with another amount is refused with its own code.
#[test]
fn a_repeated_fund_with_an_idempotency_key_moves_money_once() {
    let d = programme_only();
    let args = fund_args("5000000", &["--idempotency-key", "dana-2026-01"]);
    let first = d.run(&args);
    assert!(first.status.success());
    let again = d.run(&args);
    assert!(again.status.success());
    assert_eq!(
        again.stdout, first.stdout,
        "the first result, printed again"
    );
    let note = String::from_utf8_lossy(&again.stderr);
    assert!(note.contains("no money was moved"), "{note}");
    let audit = d.json(&["ledger", "audit"]);
    assert_eq!(audit["entries"], 1);
    let other = fund_args("6000000", &["--idempotency-key", "dana-2026-01"]);
    d.fails_with(&other, 1, "idempotency_key_reused");
    d.fails_with(
        &fund_args("5000000", &["--idempotency-key", "two\nlines"]),
        1,
        "text_control_character",
    );
    assert_eq!(d.json(&["ledger", "audit"])["entries"], 1);
}
