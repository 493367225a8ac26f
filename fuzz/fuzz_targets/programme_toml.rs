#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| setara_targeting::fuzzing::programme_toml(data));
