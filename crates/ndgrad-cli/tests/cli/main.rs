//! Integration tests of the `ndgrad` binary: every subcommand on real files,
//! compared with NumPy's results bit for bit, and every kind of bad input.

// One test binary: `pub` marks what the helper module offers the others.
#![allow(unreachable_pub)]

mod errors;
mod grad;
mod pictures;
mod references;
mod streaming;
mod util;
