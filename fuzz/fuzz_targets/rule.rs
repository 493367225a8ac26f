#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| setara_rules::fuzzing::rule(data));
