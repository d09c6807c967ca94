//! `.npz` files: zip archives of `.npy` members, as `numpy.savez` writes.

use std::fs::File;
use std::io::{BufReader, Read, Seek, Write};
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
    let mut zip = ZipWriter::new(w);
    for (name, data) in arrays {
        let bytes = (data.shape().iter().product::<usize>() * data.dtype().size()) as u64;
        // The header is at most a few hundred bytes.
        zip.start_file(format!("{name}.npy"), options(bytes + 4096))?;
        npy::write(&mut zip, data)?;
    }
    zip.finish()?;
    Ok(())
}

/// Writes `.npy` files already on disk as the members of a `.npz`,
/// copying them through a small buffer (for outputs larger than memory).
pub fn write_from_files<W: Write + Seek>(w: W, members: &mut [(String, &mut File)]) -> Result<()> {
    let mut zip = ZipWriter::new(w);
    for (name, file) in members.iter_mut() {
        let size = file.metadata()?.len();
        file.rewind()?;
        zip.start_file(format!("{name}.npy"), options(size))?;
        std::io::copy(file, &mut zip)?;
    }
    zip.finish()?;
    Ok(())
}
