//! PNG images through the `png` crate: read as grayscale `f64`, write 8-bit
//! grayscale or RGB.

use std::io::{BufReader, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use ndarray::Array2;

use super::open;

/// A PNG read as one grayscale value per pixel, in the file's own units
/// (0–255 for 8-bit, 0–65535 for 16-bit). Colour pixels become their
/// luma `0.299 R + 0.587 G + 0.114 B` (ITU-R 601, as Pillow's `"L"` mode
/// before rounding); alpha is ignored.
pub fn read_gray(path: &Path) -> Result<Array2<f64>> {
    let ctx = || format!("reading '{}'", path.display());
    let mut decoder = png::Decoder::new(BufReader::new(open(path)?));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder
        .read_info()
        .map_err(|e| anyhow::anyhow!("not a PNG image ({e})"))
        .with_context(ctx)?;
    let size = reader
        .output_buffer_size()
        .context("the image is too large")
        .with_context(ctx)?;
    // The header alone sets the size: a small file can claim gigabytes of
    // pixels. Deflate expands at most 1032:1 and EXPAND at most 32x (1-bit
    // palette to RGBA), so a larger claim cannot be this file's pixels.
    let file_len = std::fs::metadata(path).map_or(u64::MAX, |m| m.len());
    if size as u64 > file_len.saturating_mul(1 << 16) {
        bail!(
            "'{}' is truncated or corrupt: its header claims a {}x{} image",
            path.display(),
            reader.info().width,
            reader.info().height
        );
    }
    let mut buf = vec![0; size];
    let frame = reader.next_frame(&mut buf).with_context(ctx)?;
    let (w, h) = (frame.width as usize, frame.height as usize);
    let channels = frame.color_type.samples();
    let sixteen = frame.bit_depth == png::BitDepth::Sixteen;
    let sample = |i: usize| -> f64 {
        if sixteen {
            f64::from(u16::from_be_bytes([buf[2 * i], buf[2 * i + 1]]))
        } else {
            f64::from(buf[i])
        }
    };
    let stride = frame.line_size / if sixteen { 2 } else { 1 };
    let gray = |r: usize, c: usize| -> f64 {
        let i = r * stride + c * channels;
        match frame.color_type {
            png::ColorType::Grayscale | png::ColorType::GrayscaleAlpha => sample(i),
            png::ColorType::Rgb | png::ColorType::Rgba => {
                0.299 * sample(i) + 0.587 * sample(i + 1) + 0.114 * sample(i + 2)
            }
            png::ColorType::Indexed => unreachable!("EXPAND turns palettes into RGB"),
        }
    };
    if w == 0 || h == 0 {
        bail!("'{}' is an empty image", path.display());
    }
    Ok(Array2::from_shape_fn((h, w), |(r, c)| gray(r, c)))
}

/// Writes 8-bit pixels: 1 channel (gray) or 3 (RGB), row-major.
pub fn write_png(
    w: &mut impl Write,
    width: usize,
    height: usize,
    rgb: bool,
    px: &[u8],
) -> Result<()> {
    let mut enc = png::Encoder::new(
        w,
        u32::try_from(width).context("image too wide")?,
        u32::try_from(height).context("image too tall")?,
    );
    enc.set_color(if rgb {
        png::ColorType::Rgb
    } else {
        png::ColorType::Grayscale
    });
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header()?;
    writer.write_image_data(px)?;
    writer.finish()?;
    Ok(())
}

/// Scales values to 0–255 gray (0 to the largest finite value; NaN → 0).
pub fn to_gray8(a: &Array2<f64>) -> Vec<u8> {
    let max = a
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .fold(0.0, f64::max);
    a.iter()
        .map(|&x| {
            if max > 0.0 && x.is_finite() {
                // In 0..=255 by construction.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let v = (x.max(0.0) / max * 255.0).round() as u8;
                v
            } else {
                0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    /// Found by `scripts/fuzz` (`png_reader`): a tiny file whose header
    /// claims 16 x 150994960 RGBA pixels made the reader allocate 9.6 GB.
    #[test]
    fn a_small_file_claiming_a_huge_image_is_an_error() {
        // The IHDR, a short IDAT and the IEND, with correct CRCs.
        let bytes: &[u8] = &[
            137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 16, 9, 0, 0, 16,
            8, 6, 0, 0, 0, 179, 80, 73, 58, 0, 0, 0, 12, 73, 68, 65, 84, 120, 156, 99, 96, 160, 16,
            0, 0, 0, 65, 0, 1, 22, 136, 224, 98, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.png");
        std::fs::write(&path, bytes).unwrap();
        let err = super::read_gray(&path).unwrap_err();
        assert!(
            format!("{err:#}").contains("truncated or corrupt"),
            "{err:#}"
        );
    }
}
