//! `.npz` files: zip archives of `.npy` members, as `numpy.savez` writes.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::{npy, open};
use crate::data::Data;

/// The array names in an archive (members ending in `.npy`, suffix removed).
fn names<R: Read + Seek>(zip: &ZipArchive<R>) -> Vec<String> {
    let mut names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.strip_suffix(".npy"))
        .map(str::to_owned)
        .collect();
    names.sort();
    names
}

/// The array names of a `.npz` file, sorted.
pub fn names_of(path: &Path) -> Result<Vec<String>> {
    let zip = ZipArchive::new(BufReader::new(open(path)?)).map_err(|e| {
        anyhow::anyhow!("not a .npz file ({e}); expected the output of numpy.savez")
    })?;
    Ok(names(&zip))
}

/// Reads the array `name` (or the only array) of a `.npz` file.
pub fn read(path: &Path, name: Option<&str>) -> Result<(String, Data)> {
    let mut zip = ZipArchive::new(BufReader::new(open(path)?)).map_err(|e| {
        anyhow::anyhow!("not a .npz file ({e}); expected the output of numpy.savez")
    })?;
    let names = names(&zip);
    let name = match name {
        Some(n) if names.iter().any(|m| m == n) => n.to_owned(),
        Some(n) => bail!(
            "no array '{n}' in the archive; it holds: {}",
            names.join(", ")
        ),
        None => match names.as_slice() {
            [only] => only.clone(),
            [] => bail!("the archive holds no arrays"),
            _ => bail!(
                "the archive holds {} arrays ({}); choose one with --array NAME",
                names.len(),
                names.join(", ")
            ),
        },
    };
    let mut entry = zip
        .by_name(&format!("{name}.npy"))
        .with_context(|| format!("reading array '{name}'"))?;
    let data = npy::read(&mut entry).with_context(|| format!("array '{name}'"))?;
    Ok((name, data))
}

fn options(size: u64) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(size >= u64::from(u32::MAX))
}

/// Writes named arrays as an uncompressed `.npz` (like `numpy.savez`).
pub fn write<'a, W: Write + Seek>(
    w: W,
    arrays: impl IntoIterator<Item = (&'a str, &'a Data)>,
) -> Result<()> {
    archive(w, |zip| {
        for (name, data) in arrays {
            let bytes = (data.shape().iter().product::<usize>() * data.dtype().size()) as u64;
            // The header is at most a few hundred bytes.
            zip.start_file(format!("{name}.npy"), options(bytes + 4096))?;
            npy::write(zip, data)?;
        }
        Ok(())
    })
}

/// Writes `.npy` files already on disk as the members of a `.npz`,
/// copying them through a small buffer (for outputs larger than memory).
pub fn write_from_files<W: Write + Seek>(w: W, members: &mut [(String, &mut File)]) -> Result<()> {
    archive(w, |zip| {
        for (name, file) in members.iter_mut() {
            let size = file.metadata()?.len();
            file.rewind()?;
            zip.start_file(format!("{name}.npy"), options(size))?;
            std::io::copy(file, zip)?;
        }
        Ok(())
    })
}

/// Runs `fill` on a zip archive written to `w` and finishes it. If writing
/// fails (a full disk), the first I/O error is returned and the archive is
/// abandoned quietly: the caller discards the file, and `ZipWriter`, which
/// finishes an archive when dropped, would otherwise try again and print
/// its own error to stderr (a second line under ndgrad's one-line error).
fn archive<W: Write + Seek>(
    w: W,
    fill: impl FnOnce(&mut ZipWriter<Quiet<W>>) -> Result<()>,
) -> Result<()> {
    let mut zip = ZipWriter::new(Quiet::new(w));
    let filled = fill(&mut zip);
    let finished = zip.finish();
    match finished {
        Ok(quiet) if quiet.failed.is_none() => filled,
        Ok(mut quiet) => Err(quiet
            .failed
            .take()
            .map_or_else(|| unreachable!(), Into::into)),
        Err(e) => Err(e.into()),
    }
}

/// A writer that passes everything through until its first I/O error,
/// which it keeps; from then on it only pretends (writes and seeks succeed,
/// positions are tracked, nothing reaches the file).
struct Quiet<W> {
    inner: W,
    failed: Option<io::Error>,
    /// The position and length of what was written (or pretended).
    pos: u64,
    len: u64,
}

impl<W> Quiet<W> {
    fn new(inner: W) -> Self {
        Quiet {
            inner,
            failed: None,
            pos: 0,
            len: 0,
        }
    }

    /// Keeps the first error; returns one like it for the caller.
    fn fail(&mut self, e: io::Error) -> io::Error {
        let again = io::Error::new(e.kind(), e.to_string());
        self.failed.get_or_insert(e);
        again
    }

    fn advance(&mut self, n: usize) {
        self.pos += n as u64;
        self.len = self.len.max(self.pos);
    }
}

impl<W: Write> Write for Quiet<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.failed.is_some() {
            self.advance(buf.len());
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Ok(n) => {
                self.advance(n);
                Ok(n)
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.failed.is_some() {
            return Ok(());
        }
        self.inner.flush().map_err(|e| self.fail(e))
    }
}

impl<W: Seek> Seek for Quiet<W> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        if self.failed.is_none() {
            return match self.inner.seek(to) {
                Ok(p) => {
                    self.pos = p;
                    self.len = self.len.max(p);
                    Ok(p)
                }
                Err(e) => Err(self.fail(e)),
            };
        }
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
        };
        self.pos = target.ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
        Ok(self.pos)
    }
}
