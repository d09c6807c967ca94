//! The bodies of the fuzz targets, one function per target, shared by the
//! libFuzzer binaries (`fuzz_targets/`, nightly, `scripts/fuzz`) and the
//! stable replay test (`tests/smoke.rs`, run by `scripts/test`).
//!
//! The CLI's readers are compiled in from its source files: `ndgrad-cli`
//! is a binary-only crate, and its `data` and `io` modules depend on
//! nothing else in it.

pub mod core_api;
pub mod readers;

#[allow(dead_code, unused_imports, unreachable_pub, clippy::all)]
mod cli_io;
#[allow(dead_code, unused_imports, unreachable_pub, clippy::all)]
#[path = "../../crates/ndgrad-cli/src/data.rs"]
mod data;
#[allow(dead_code, unused_imports, unreachable_pub, clippy::all)]
#[path = "../../crates/ndgrad-cli/src/io/mod.rs"]
mod io;

/// A target's body: any input, no panic (errors are fine).
pub type Target = fn(&[u8]);

/// The targets by name: `scripts/fuzz`'s names and the corpus folders.
pub const TARGETS: [(&str, Target); 4] = [
    ("core_api", core_api::check),
    ("npy_reader", readers::npy),
    ("csv_reader", readers::csv),
    ("png_reader", readers::png),
];
