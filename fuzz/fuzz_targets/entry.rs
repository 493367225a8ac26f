#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| setara_ledger::fuzzing::entry(data));
