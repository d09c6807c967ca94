//! Input files for the readers, which take paths.

use std::io::Write;
use std::path::PathBuf;

/// A file in a per-process temporary directory holding `bytes`, named
/// `input.<ext>` (the CLI's file readers take paths).
pub fn write_input(bytes: &[u8], ext: &str) -> PathBuf {
    thread_local! {
        static DIR: tempfile::TempDir = tempfile::tempdir().expect("a temporary directory");
    }
    let path = DIR.with(|d| d.path().join(format!("input.{ext}")));
    let mut f = std::fs::File::create(&path).expect("create the input file");
    f.write_all(bytes).expect("write the input file");
    path
}
