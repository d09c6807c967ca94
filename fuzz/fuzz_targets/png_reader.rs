//! Arbitrary bytes as a PNG image, read as the CLI reads one (grayscale
//! `f64`). Errors are fine; a panic, an abort or a hang is a bug.
#![no_main]
#![allow(dead_code, unused_imports, unreachable_pub, clippy::all)]

use libfuzzer_sys::fuzz_target;

mod cli_io;
#[path = "../../crates/ndgrad-cli/src/data.rs"]
mod data;
#[path = "../../crates/ndgrad-cli/src/io/mod.rs"]
mod io;

fuzz_target!(|bytes: &[u8]| {
    let path = cli_io::write_input(bytes, "png");
    let _ = io::image::read_gray(&path);
});
