//! `ndgrad edges`: gradient magnitude, direction and an edge mask of an image.

use std::path::Path;

use anyhow::{Context, Result, bail};
use ndarray::{Array2, Axis, Ix2};
use ndgrad::{EdgeOrder, Options, Par};

use crate::Common;
use crate::cli::EdgesArgs;
use crate::data::Data;
use crate::io::{self, Format, image, npy};

/// What edge detection derives from an image's gradient.
pub struct Edges {
    /// `sqrt(gy*gy + gx*gx)` with `gy, gx = numpy.gradient(img)`, to the
    /// bit, from the fused [`ndgrad::magnitude`]: one pass over the image,
    /// no gradient arrays.
    pub magnitude: Array2<f64>,
}

impl Edges {
    /// The gradient magnitude of `img` (unit spacing).
    pub fn of(img: &Array2<f64>, edge: EdgeOrder, par: Par) -> Result<Self> {
        let magnitude = ndgrad::magnitude(img, &Options::new().edge_order(edge).par(par))?;
        Ok(Edges { magnitude })
    }
}

/// The gradient direction `atan2(gy, gx)` of `img`, in radians.
pub fn direction(img: &Array2<f64>, edge: EdgeOrder, par: Par) -> Result<Array2<f64>> {
    let g = ndgrad::gradient_with(img, &Options::new().edge_order(edge).par(par))?;
    let [gy, gx] = g.as_slice() else {
        bail!("an image has two axes, got {} gradients", g.len());
    };
    Ok(ndarray::Zip::from(gy)
        .and(gx)
        .map_collect(|y, x| y.atan2(*x)))
}

/// `mean + 2 * std` of the finite values (population standard deviation).
pub fn auto_threshold(m: &Array2<f64>) -> f64 {
    let finite: Vec<f64> = m.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return f64::INFINITY;
    }
    #[allow(clippy::cast_precision_loss)]
    let n = finite.len() as f64;
    let mean = finite.iter().sum::<f64>() / n;
    let var = finite.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    mean + 2.0 * var.sqrt()
}

/// Magnitudes above `threshold`.
pub fn mask(m: &Array2<f64>, threshold: f64) -> Array2<bool> {
    m.mapv(|v| v > threshold)
}

fn read_image(path: &Path) -> Result<Array2<f64>> {
    match Format::of(path)? {
        Format::Png => image::read_gray(path),
        Format::Npy | Format::Npz => {
            let a = io::read_array(path, None)?
                .to_f64()
                .with_context(|| format!("reading '{}'", path.display()))?;
            let shape = a.shape().to_vec();
            a.into_dimensionality::<Ix2>().map_err(|_| {
                anyhow::anyhow!(
                    "'{}': an image is a 2-D array, got shape {shape:?}",
                    path.display()
                )
            })
        }
        Format::Csv => bail!(
            "'{}': edges reads PNG images or 2-D .npy arrays",
            path.display()
        ),
    }
}

/// Writes a real 2-D array as `.npy` (float64) or `.png` (scaled gray).
fn write_map(
    path: &Path,
    force: bool,
    a: &Array2<f64>,
    png_px: impl FnOnce() -> Vec<u8>,
) -> Result<()> {
    match Format::of(path)? {
        Format::Npy => {
            let d = Data::F64(a.clone().into_dyn());
            io::write_atomic(path, force, |w| npy::write(w, &d))
        }
        Format::Png => {
            let px = png_px();
            let (h, w) = a.dim();
            io::write_atomic(path, force, |wr| image::write_png(wr, w, h, false, &px))
        }
        _ => bail!("'{}': write .png or .npy", path.display()),
    }
}

/// `--threshold`: `auto`, or a magnitude the mask is compared with. A
/// magnitude is finite and at least 0, so NaN, infinities and negative
/// numbers would mark every pixel or none whatever the image.
fn parse_threshold(t: &str) -> Result<Option<f64>> {
    if t.trim() == "auto" {
        return Ok(None);
    }
    match t.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        _ => bail!(
            "--threshold: expected 'auto' or a finite number of at least 0 (a gradient \
             magnitude), got '{t}'"
        ),
    }
}

pub fn run(args: &EdgesArgs, common: Common) -> Result<()> {
    let outputs: Vec<&Path> = std::iter::once(args.output.as_path())
        .chain(args.direction.as_deref())
        .chain(args.mask.as_deref())
        .collect();
    for (i, p) in outputs.iter().enumerate() {
        if !matches!(Format::of(p)?, Format::Png | Format::Npy) {
            bail!("'{}': edges writes .png or .npy files", p.display());
        }
        if outputs[..i].contains(p) {
            bail!("'{}' is given for two outputs", p.display());
        }
        io::check_output(p, args.force)?;
    }
    let threshold = parse_threshold(&args.threshold)?;
    let edge = EdgeOrder::from(args.edge_order);
    let img = read_image(&args.image)?;
    let e =
        Edges::of(&img, edge, common.par).with_context(|| format!("'{}'", args.image.display()))?;
    write_map(&args.output, args.force, &e.magnitude, || {
        image::to_gray8(&e.magnitude)
    })?;
    if let Some(p) = &args.direction {
        let dir = direction(&img, edge, common.par)
            .with_context(|| format!("'{}'", args.image.display()))?;
        // -pi..pi onto 0..255.
        write_map(p, args.force, &dir, || {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            dir.iter()
                .map(|&a| {
                    ((a + std::f64::consts::PI) / std::f64::consts::TAU * 255.0).round() as u8
                })
                .collect()
        })?;
    }
    let t = threshold.unwrap_or_else(|| auto_threshold(&e.magnitude));
    let m = mask(&e.magnitude, t);
    if let Some(p) = &args.mask {
        if Format::of(p)? == Format::Npy {
            let d = Data::U8(m.mapv(u8::from).into_dyn());
            io::write_atomic(p, args.force, |w| npy::write(w, &d))?;
        } else {
            let px: Vec<u8> = m.iter().map(|&b| if b { 255 } else { 0 }).collect();
            let (h, w) = m.dim();
            io::write_atomic(p, args.force, |wr| image::write_png(wr, w, h, false, &px))?;
        }
    }
    if !common.quiet {
        let count = m.iter().filter(|&&b| b).count();
        let max = e
            .magnitude
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        #[allow(clippy::cast_precision_loss)]
        let pct = 100.0 * count as f64 / m.len().max(1) as f64;
        eprintln!(
            "ndgrad: {}x{} image: |grad| max {max:.4}; threshold {t:.4}{}: {count} edge pixels ({pct:.1}%)",
            img.len_of(Axis(0)),
            img.len_of(Axis(1)),
            if threshold.is_none() {
                " (mean + 2 std)"
            } else {
                ""
            },
        );
    }
    Ok(())
}
