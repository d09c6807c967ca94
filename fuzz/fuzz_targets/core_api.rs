//! libFuzzer entry point of `ndgrad_fuzz::core_api::check` (see there).
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| ndgrad_fuzz::core_api::check(bytes));
