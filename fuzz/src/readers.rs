//! The CLI's file readers on arbitrary bytes. Errors are fine; a panic, an
//! abort or a hang is a bug.

use crate::{cli_io, io};

/// Arbitrary bytes as a `.npy` file (read from memory, as the CLI reads a
/// `.npy` or an `.npz` member) and as a `.npz` archive (from a file).
pub fn npy(bytes: &[u8]) {
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
}

/// Arbitrary bytes as a CSV table, with the delimiters the CLI uses.
pub fn csv(bytes: &[u8]) {
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
}

/// Arbitrary bytes as a PNG image, read as the CLI reads one (grayscale
/// `f64`).
pub fn png(bytes: &[u8]) {
    let path = cli_io::write_input(bytes, "png");
    let _ = io::image::read_gray(&path);
}
