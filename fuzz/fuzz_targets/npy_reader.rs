//! Arbitrary bytes as a `.npy` file (read from memory, as the CLI reads a
//! `.npy` or an `.npz` member) and as a `.npz` archive (from a file).
//! Errors are fine; a panic, an abort or a hang is a bug.
#![no_main]
#![allow(dead_code, unused_imports, unreachable_pub, clippy::all)]

use libfuzzer_sys::fuzz_target;

mod cli_io;
#[path = "../../crates/ndgrad-cli/src/data.rs"]
mod data;
#[path = "../../crates/ndgrad-cli/src/io/mod.rs"]
mod io;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(d) = io::npy::read(&mut &bytes[..]) {
        // What the CLI does next with an array it read.
        let _ = d.to_f64();
        let _ = d.gradient(&ndgrad::Options::new());
    }
    let _ = io::npy::read_header_at(&mut std::io::Cursor::new(bytes));
    let path = cli_io::write_input(bytes, "npz");
    let _ = io::npz::names_of(&path);
    let _ = io::npz::read(&path, None);
    let _ = io::read_array(&path, Some("arr_0"));
});
