//! Arbitrary bytes as a CSV table, with the delimiters the CLI uses.
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
    let path = cli_io::write_input(bytes, "csv");
    for delimiter in [b',', b'\t', b';'] {
        if let Ok(t) = io::csv::read(&path, delimiter) {
            for i in 0..t.columns.len() {
                let _ = t.name(i);
            }
            let _ = t.column("1");
            let _ = t.column("x");
        }
    }
});
