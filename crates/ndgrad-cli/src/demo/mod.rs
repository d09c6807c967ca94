//! `ndgrad demo`: the classic worked examples of `numpy.gradient` on
//! built-in data, then what NumPy cannot do (accuracy orders 4 to 8,
//! second derivatives, periodic axes, the Laplacian and curl), printed,
//! and seven pictures.
//!
//! One submodule per part: [`classic`] (sections 1 to 5, NumPy's own
//! examples), [`accuracy`] (sections 6 and 7, accuracy orders and second
//! derivatives), [`periodic`] (section 8) and [`vector`] (section 9, the
//! Laplacian and curl).

mod accuracy;
mod classic;
mod periodic;
mod vector;

use std::fmt::Write as _;

use anyhow::{Context, Result};

use crate::Common;
use crate::cli::DemoArgs;

/// The pictures the demo writes; nothing else is written.
pub const PICTURES: [&str; 7] = [
    "surface_gradient.png",
    "edges.png",
    "motion.png",
    "convergence.png",
    "acceleration.png",
    "periodic.png",
    "vector_calculus.png",
];
/// The largest absolute difference between `a` and `b`.
pub(super) fn max_err<'a>(
    a: impl IntoIterator<Item = &'a f64>,
    b: impl IntoIterator<Item = &'a f64>,
) -> f64 {
    a.into_iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}
pub fn run(args: &DemoArgs, common: Common) -> Result<()> {
    let dir = &args.out_dir;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the output directory '{}'", dir.display()))?;
    let mut out = String::new();
    writeln!(
        out,
        "ndgrad demo: numpy.gradient in Rust on built-in data (the same bits NumPy computes)\n"
    )?;
    classic::sequences(&mut out)?;
    classic::surface(&mut out, dir, common.par)?;
    classic::edges(&mut out, dir, common.par)?;
    classic::motion(&mut out, dir)?;
    writeln!(out, "\nBeyond numpy.gradient:")?;
    accuracy::accuracy(&mut out, dir)?;
    accuracy::acceleration(&mut out, dir)?;
    periodic::periodic(&mut out, dir)?;
    vector::vector_calculus(&mut out, dir, common.par)?;
    writeln!(
        out,
        "\nPictures are in '{}'. Next: `ndgrad grad --help` to differentiate your own files.",
        dir.display()
    )?;
    if !common.quiet {
        // The demo's results are its standard output.
        #[allow(clippy::print_stdout)]
        {
            print!("{out}");
        }
    }
    Ok(())
}
