#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| setara_linkage::fuzzing::config_toml(data));
