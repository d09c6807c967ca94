//! `ndgrad`: `numpy.gradient` for data files, from the command line.
//!
//! `main` only maps the result of [`run`] to an exit code; each subcommand
//! lives in its own module and turns its arguments into a checked job
//! before touching any output.

// A binary: `pub` marks each module's interface to the others.
#![allow(unreachable_pub)]

mod cli;
mod data;
mod demo;
mod edges;
mod grad;
mod io;
mod job;
mod op;
mod ops;
mod plot;
mod progress;
mod signals;
mod stream;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Args, Command};

/// Process exit codes.
#[derive(Debug, Clone, Copy)]
#[repr(u8)]
enum Exit {
    /// Everything was written.
    Success = 0,
    /// An error: bad input, an output that exists, a failed write. Nothing
    /// was written.
    Failure = 1,
    // 2: command-line usage errors, reported by clap.
}

/// Settings every subcommand shares.
#[derive(Debug, Clone, Copy)]
pub struct Common {
    /// Progress bars and summaries off.
    pub quiet: bool,
    /// Threads for the gradient kernels.
    pub par: ndgrad::Par,
}

fn run(args: Args) -> anyhow::Result<()> {
    let common = Common {
        quiet: args.quiet,
        // At least 1 (the parser's check): 0 means every core.
        par: ndgrad::Par::rayon(args.threads.unwrap_or(0)),
    };
    match args.command {
        Command::Demo(a) => demo::run(&a, common),
        Command::Grad(a) => grad::run(&a, common),
        Command::Edges(a) => edges::run(&a, common),
        Command::Plot(a) => plot::run(&a, common),
        Command::Derivative(a) => ops::derivative(&a, common),
        Command::Magnitude(a) => ops::magnitude(&a, common),
        Command::Laplacian(a) => ops::laplacian(&a, common),
        Command::Div(a) => ops::div(&a, common),
        Command::Curl(a) => ops::curl(&a, common),
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Err(err) = signals::remove_parts_on_signals() {
        eprintln!("ndgrad: error: {err:#}");
        return ExitCode::from(Exit::Failure as u8);
    }
    match run(args) {
        Ok(()) => ExitCode::from(Exit::Success as u8),
        Err(err) => {
            eprintln!("ndgrad: error: {err:#}");
            ExitCode::from(Exit::Failure as u8)
        }
    }
}
