//! Progress bars: drawn on a terminal for work that takes a moment, hidden
//! with `--quiet` or when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Work smaller than this finishes before a bar would be worth drawing.
const MIN_BYTES: u64 = 64 << 20;

/// A bar over `len` units of work (`bytes` in size) labelled `msg`.
pub fn bar(len: u64, bytes: u64, msg: &'static str, quiet: bool) -> ProgressBar {
    if quiet || bytes < MIN_BYTES {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {percent:>3}% {elapsed} (eta {eta})")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message(msg);
    bar
}
