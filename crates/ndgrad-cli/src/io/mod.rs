//! File formats, chosen from the file name, and atomic output.

pub mod csv;
pub mod image;
pub mod npy;
pub mod npz;

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use anyhow::{Context, Result, bail};

use crate::data::Data;

/// The file formats the tool reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Npy,
    Npz,
    Csv,
    Png,
}

impl Format {
    /// The format a file name's extension names.
    pub fn of(path: &Path) -> Result<Self> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        Ok(match ext.as_deref() {
            Some("npy") => Format::Npy,
            Some("npz") => Format::Npz,
            Some("csv" | "txt" | "tsv") => Format::Csv,
            Some("png") => Format::Png,
            _ => bail!(
                "cannot tell the format of '{}' from its name: use a .npy, .npz, .csv or .png file",
                path.display()
            ),
        })
    }
}

/// Opens an input file for reading (never for writing: inputs are not
/// modified), with an error that names it.
///
/// Only a regular file (or a link to one) is opened: its metadata is read
/// first, because opening a FIFO for reading blocks until a writer comes,
/// maybe forever, and none of the readers can work on a pipe, a socket, a
/// device or a directory anyway.
pub fn open(path: &Path) -> Result<File> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot open '{}'", path.display()))?;
    if !meta.is_file() {
        bail!(
            "'{}' is not a regular file ({}); expected a .npy, .npz, .csv or .png file",
            path.display(),
            file_kind(meta.file_type())
        );
    }
    File::open(path).with_context(|| format!("cannot open '{}'", path.display()))
}

/// What a file that is not a regular file is, for a message.
fn file_kind(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// Reads a `.npy` file, or one array of a `.npz` file (by `name`, or its
/// only array).
pub fn read_array(path: &Path, name: Option<&str>) -> Result<Data> {
    let ctx = || format!("reading '{}'", path.display());
    match Format::of(path)? {
        Format::Npy => {
            let mut r = BufReader::new(open(path)?);
            npy::read(&mut r).with_context(ctx)
        }
        Format::Npz => Ok(npz::read(path, name).with_context(ctx)?.1),
        Format::Csv | Format::Png => bail!(
            "'{}': expected a .npy or .npz array file here",
            path.display()
        ),
    }
}

/// Checks, before any work, that `path` may be written: its directory
/// exists and, without `force`, nothing is there yet.
pub fn check_output(path: &Path, force: bool) -> Result<()> {
    let dir = parent(path);
    if !dir.is_dir() {
        bail!(
            "cannot write '{}': the directory '{}' does not exist",
            path.display(),
            dir.display()
        );
    }
    if path.is_dir() {
        bail!("cannot write '{}': it is a directory", path.display());
    }
    if !force && path.exists() {
        bail!(
            "'{}' already exists; pass --force to replace it",
            path.display()
        );
    }
    Ok(())
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A temporary file beside `path` that becomes `path` only when complete.
pub struct Pending {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
    force: bool,
    // Dropped after `tmp`, which removes the file.
    _live: Live,
}

/// The temporary files of this process that are not yet renamed into
/// place, for [`crate::signals::remove_parts_on_signals`].
static LIVE_PARTS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

pub fn live_parts() -> MutexGuard<'static, Vec<PathBuf>> {
    // The list stays valid whatever panicked while holding it.
    LIVE_PARTS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A temporary file's place in [`LIVE_PARTS`], left when dropped.
struct Live(PathBuf);

impl Drop for Live {
    fn drop(&mut self) {
        let mut parts = live_parts();
        if let Some(i) = parts.iter().position(|p| *p == self.0) {
            parts.swap_remove(i);
        }
    }
}

/// The temporary files' names: `.ndgrad-<pid>-<random>.part`, the pid of
/// the process writing them.
const PART_PREFIX: &str = ".ndgrad-";
const PART_SUFFIX: &str = ".part";

/// Removes the temporary files that killed runs (SIGKILL, power loss) left
/// in `dir`: those named as [`Pending`] names them whose writer process is
/// gone. A file whose pid is alive (this process, another run, or a reused
/// pid) is kept. Linux only (`/proc`); elsewhere nothing is removed.
/// Errors are ignored: this is housekeeping, not the job.
fn remove_stale_parts(dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PART_PREFIX)?.strip_suffix(PART_SUFFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists();
        if !alive && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

impl Pending {
    /// Creates the temporary file in `path`'s directory, after removing the
    /// temporary files of earlier runs that were killed there.
    pub fn new(path: &Path, force: bool) -> Result<Self> {
        let dir = parent(path);
        remove_stale_parts(&dir);
        let mut builder = tempfile::Builder::new();
        // An ordinary file's mode (0666 less the umask), not tempfile's 0600.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let prefix = format!("{PART_PREFIX}{}-", std::process::id());
        // Created and listed under the lock: a signal's cleanup sees every
        // file created.
        let mut parts = live_parts();
        let tmp = builder
            .prefix(&prefix)
            .suffix(PART_SUFFIX)
            .tempfile_in(&dir)
            .with_context(|| format!("cannot create a file beside '{}'", path.display()))?;
        parts.push(tmp.path().to_path_buf());
        drop(parts);
        let live = Live(tmp.path().to_path_buf());
        Ok(Pending {
            tmp,
            path: path.to_path_buf(),
            force,
            _live: live,
        })
    }

    /// The temporary file.
    pub fn file(&mut self) -> &mut File {
        self.tmp.as_file_mut()
    }

    /// Flushes the data to disk and renames the file into place (replacing
    /// an existing file only with `force`). Dropping a `Pending` without
    /// committing removes the temporary file.
    pub fn commit(self) -> Result<()> {
        let ctx = || format!("writing '{}'", self.path.display());
        self.tmp.as_file().sync_all().with_context(ctx)?;
        let Pending {
            tmp,
            path,
            force,
            _live: live,
        } = self;
        // Renamed and unlisted under the lock: a signal's cleanup removes
        // the temporary file or leaves the whole output, never the output.
        let parts = live_parts();
        let done = if force {
            tmp.persist(&path)
        } else {
            tmp.persist_noclobber(&path)
        };
        drop(parts);
        drop(live);
        done.map(drop).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                anyhow::anyhow!(
                    "'{}' already exists; pass --force to replace it",
                    path.display()
                )
            } else {
                anyhow::Error::new(e.error).context(format!("writing '{}'", path.display()))
            }
        })
    }
}

/// Writes `path` atomically: `write` fills a temporary file in the same
/// directory, which is renamed into place only if it succeeds. On any
/// error nothing is left behind.
pub fn write_atomic(
    path: &Path,
    force: bool,
    write: impl FnOnce(&mut BufWriter<&mut File>) -> Result<()>,
) -> Result<()> {
    let mut pending = Pending::new(path, force)?;
    {
        let mut w = BufWriter::with_capacity(1 << 20, pending.file());
        write(&mut w).with_context(|| format!("writing '{}'", path.display()))?;
        w.flush()
            .with_context(|| format!("writing '{}'", path.display()))?;
    }
    pending.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.npy");
        let err = write_atomic(&out, false, |w| {
            w.write_all(b"partial")?;
            // What a full disk reports.
            Err(std::io::Error::from_raw_os_error(28).into())
        })
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("No space left on device"),
            "{err:#}"
        );
        assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
    }

    #[test]
    fn parts_of_killed_runs_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // A pid that is gone: a child that has exited and been waited for.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let me = std::process::id();
        let stale = format!(".ndgrad-{dead}-AbC123.part");
        let mine = format!(".ndgrad-{me}-XyZ789.part");
        let others = [
            ".ndgrad-notapid-q.part",
            ".ndgrad-12.part",
            "data.part",
            "keep.npy",
        ];
        for name in [stale.as_str(), mine.as_str()].iter().chain(&others) {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        write_atomic(&dir.path().join("out.npy"), false, |w| {
            Ok(w.write_all(b"new")?)
        })
        .unwrap();
        let left = entries(dir.path());
        let removed =
            Path::new("/proc/self").exists() && !Path::new("/proc").join(dead.to_string()).exists();
        assert_eq!(left.contains(&stale), !removed, "{left:?}");
        assert!(left.contains(&mine), "{left:?}");
        for name in others {
            assert!(
                left.iter().any(|l| l == name),
                "{name} must be kept: {left:?}"
            );
        }
        assert!(left.iter().any(|l| l == "out.npy"));
        // No part of this run is left either.
        assert_eq!(
            left.iter()
                .filter(|l| Path::new(l).extension().is_some_and(|e| e == "part"))
                .count(),
            5 - usize::from(removed)
        );
    }

    #[test]
    fn existing_files_are_kept_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.csv");
        std::fs::write(&out, "mine").unwrap();
        let err = write_atomic(&out, false, |w| Ok(w.write_all(b"new")?)).unwrap_err();
        assert!(
            err.to_string().contains("already exists; pass --force"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
        assert_eq!(entries(dir.path()), ["out.csv"]);
        write_atomic(&out, true, |w| Ok(w.write_all(b"new")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "new");
    }
}
