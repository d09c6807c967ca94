//! libFuzzer entry point of `ndgrad_fuzz::readers::png` (see there).
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| ndgrad_fuzz::readers::png(bytes));
