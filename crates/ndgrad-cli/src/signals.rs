//! Removing this process' temporary files when it is interrupted. Apart
//! from `io` so that the readers, which the fuzz crate compiles from their
//! sources, do not need the signal crate.

use anyhow::{Context, Result};

/// On SIGINT, SIGTERM or SIGHUP, removes the temporary files of this
/// process and then dies of the signal, as it would have without this
/// handler (a shell reports exit status 130, 143 or 129). Without it such
/// a signal kills the process before the temporary files are dropped and
/// they stay until a later run in that directory removes them.
///
/// A thread waits for the signals (`signal-hook`), so the cleanup runs
/// outside the signal handler. It holds the list of temporary files from
/// the removal to the end, so no file is created or renamed into place in
/// between: a completed output is kept whole, a partial one never appears.
#[cfg(unix)]
pub fn remove_parts_on_signals() -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
        .context("cannot install the signal handlers")?;
    std::thread::Builder::new()
        .name("ndgrad-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let parts = crate::io::live_parts();
                for p in parts.iter() {
                    let _ = std::fs::remove_file(p);
                }
                // Restores the default action and raises the signal again;
                // the exit is a fallback that should not be reached.
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                drop(parts);
                std::process::exit(128 + signal);
            }
        })
        .context("cannot start the signal thread")?;
    Ok(())
}

/// Elsewhere there are no such signals to handle.
#[cfg(not(unix))]
pub fn remove_parts_on_signals() -> Result<()> {
    Ok(())
}
