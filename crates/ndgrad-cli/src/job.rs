//! The job model of the commands on array files: which axes, with what
//! spacing, by which formulas, and how results are written. The commands
//! build it from the arguments; the in-memory path and the streamer
//! ([`crate::stream`]) read it, so neither the streamer nor one file
//! command imports another (`grad` and the operator commands share this).

use std::path::Path;

use anyhow::{Context, Result, bail};
use ndarray::{ArrayD, Axis, Ix1, IxDyn};
use ndgrad::{Boundary, Coords, EdgeOrder, Options, Scheme, Spacing, Step};

use crate::Common;
use crate::cli::{GridArgs, SchemeArgs};
use crate::data::Data;
use crate::io::{self, Format, csv, npy, npz};

/// One axis' spacing, owning any coordinates read from a file.
#[derive(Debug, Clone)]
pub enum AxisSpec {
    /// NumPy's default, a unit step.
    Unit,
    /// A uniform step written as a Python number (weak promotion).
    Step(Step),
    /// Sample coordinates (a 1-D array of any real dtype).
    Coords(Data),
}

impl AxisSpec {
    /// The core library's spacing for this axis.
    pub fn spacing(&self) -> Result<Spacing<'_>> {
        Ok(match self {
            AxisSpec::Unit => Spacing::Unit,
            AxisSpec::Step(h) => Spacing::UniformWeak(*h),
            AxisSpec::Coords(d) => Spacing::Coordinates(coords(d)?),
        })
    }
}

/// A 1-D array of coordinates as the core's [`Coords`].
pub fn coords(d: &Data) -> Result<Coords<'_>> {
    fn one<T>(a: &ArrayD<T>) -> Result<ndarray::ArrayView1<'_, T>> {
        a.view().into_dimensionality::<Ix1>().map_err(|_| {
            anyhow::anyhow!("coordinates must be a 1-D array, got shape {:?}", a.shape())
        })
    }
    Ok(match d {
        Data::F16(a) => Coords::from(one(a)?),
        Data::F32(a) => Coords::from(one(a)?),
        Data::F64(a) => Coords::from(one(a)?),
        Data::I8(a) => Coords::from(one(a)?),
        Data::I16(a) => Coords::from(one(a)?),
        Data::I32(a) => Coords::from(one(a)?),
        Data::I64(a) => Coords::from(one(a)?),
        Data::U8(a) => Coords::from(one(a)?),
        Data::U16(a) => Coords::from(one(a)?),
        Data::U32(a) => Coords::from(one(a)?),
        Data::U64(a) => Coords::from(one(a)?),
        Data::C64(_) | Data::C128(_) => {
            bail!("coordinates must be real numbers, got {}", d.dtype().name())
        }
    })
}

/// The checked arguments of a gradient of an array file.
pub struct ArrayJob {
    pub axes: Vec<usize>,
    /// The spacing of each differentiated axis, in the order of `axes`.
    pub specs: Vec<AxisSpec>,
    /// The scheme of each differentiated axis, in the order of `axes`.
    pub schemes: Vec<Scheme>,
}

impl ArrayJob {
    /// The core library's options (borrowing the coordinates).
    pub fn options(&self, common: Common) -> Result<Options<'_>> {
        let spacing = self
            .specs
            .iter()
            .map(AxisSpec::spacing)
            .collect::<Result<Vec<_>>>()?;
        Ok(Options::new()
            .axes(self.axes.iter().map(|&a| Axis(a)))
            .spacing_per_axis(spacing)
            .scheme_per_axis(self.schemes.iter().copied())
            .par(common.par))
    }

    /// The job for `grid` on an array of `ndim` dimensions, every axis by
    /// `base` (with the boundaries `grid` gives).
    pub fn new(args: &GridArgs, ndim: usize, delimiter: u8, base: Scheme) -> Result<Self> {
        if ndim == 0 {
            bail!(
                "a 0-d array (a single number) has no axis to differentiate; expected an array \
                 of at least 1 dimension, got shape ()"
            );
        }
        let axes = if args.axis.is_empty() {
            (0..ndim).collect()
        } else {
            args.axis
                .iter()
                .map(|&a| normalize_axis(a, ndim))
                .collect::<Result<Vec<_>>>()?
        };
        // The option that gave each axis its spacing: an axis takes one.
        let mut given: Vec<Option<String>> = vec![None; axes.len()];
        let mut specs = vec![AxisSpec::Unit; axes.len()];
        let pairs = args.spacing.iter().filter(|s| s.contains('=')).count();
        if pairs == 0 {
            let steps = args
                .spacing
                .iter()
                .map(|s| parse_step(s))
                .collect::<Result<Vec<_>>>()?;
            let all = format!("--spacing {}", args.spacing.join(","));
            match steps.len() {
                0 => {}
                1 => specs.fill(AxisSpec::Step(steps[0])),
                n if n == axes.len() => {
                    specs = steps.into_iter().map(AxisSpec::Step).collect();
                }
                n => bail!(
                    "--spacing: expected one value or one per differentiated axis ({}), got {n}",
                    axes.len()
                ),
            }
            if !args.spacing.is_empty() {
                given.fill(Some(all));
            }
        } else if pairs == args.spacing.len() {
            for s in &args.spacing {
                let (axis, h) = s.split_once('=').expect("counted");
                let k = differentiated("--spacing", s, axis, &axes, ndim)?;
                let this = format!("--spacing {s}");
                if let Some(before) = &given[k] {
                    bail!(conflict(axes[k], before, &this));
                }
                specs[k] = AxisSpec::Step(parse_step(h)?);
                given[k] = Some(this);
            }
        } else {
            bail!(
                "--spacing: expected steps (one, or one per differentiated axis) or AXIS=H \
                 pairs, not both; got '{}'",
                args.spacing.join(",")
            );
        }
        for c in &args.coords {
            let (axis, file) = c
                .split_once('=')
                .with_context(|| format!("--coords: expected AXIS=FILE, got '{c}'"))?;
            let k = differentiated("--coords", c, axis, &axes, ndim)?;
            let this = format!("--coords {c}");
            if let Some(before) = &given[k] {
                bail!(conflict(axes[k], before, &this));
            }
            let x = read_coords(file, delimiter).with_context(|| this.clone())?;
            specs[k] = AxisSpec::Coords(x);
            given[k] = Some(this);
        }
        let schemes = schemes(base, args, &axes, ndim)?;
        Ok(ArrayJob {
            axes,
            specs,
            schemes,
        })
    }
}

/// The error for two options that both give the spacing of `axis`.
fn conflict(axis: usize, before: &str, this: &str) -> String {
    format!(
        "conflicting spacing for axis {axis}: {before} and {this}; expected one step or one set \
         of coordinates per axis (a step for some axes only: --spacing AXIS=H)"
    )
}

/// The position in `axes` of the axis written `axis` in the argument `arg`
/// of option `flag` (`--coords 0=x.npy`).
fn differentiated(flag: &str, arg: &str, axis: &str, axes: &[usize], ndim: usize) -> Result<usize> {
    let axis: i64 = axis
        .trim()
        .parse()
        .with_context(|| format!("{flag}: expected an axis number before '=', got '{axis}'"))?;
    let axis = normalize_axis(axis, ndim)?;
    axes.iter().position(|&a| a == axis).with_context(|| {
        format!("{flag} {arg}: axis {axis} is not one of the differentiated axes {axes:?}")
    })
}

/// The first-derivative scheme of `--edge-order` or `--accuracy`.
pub fn gradient_scheme(args: &SchemeArgs) -> Result<Scheme> {
    Ok(match args.accuracy {
        Some(k) => Scheme::new(1, k)?,
        None => Scheme::numpy(EdgeOrder::from(args.edge_order)),
    })
}

/// The scheme of each differentiated axis: `base` with the boundary of
/// `--boundary` and `--period`. Whether a period suits the axis' spacing
/// (coordinates need one, a step must not have one) is the core library's
/// check.
pub fn schemes(base: Scheme, args: &GridArgs, axes: &[usize], ndim: usize) -> Result<Vec<Scheme>> {
    // In the order given: `--boundary periodic --boundary 0=one-sided`
    // makes every axis but 0 periodic.
    let mut periodic = vec![false; axes.len()];
    for b in &args.boundary {
        let (axis, kind) = match b.split_once('=') {
            Some((axis, kind)) => (Some(axis), kind),
            None => (None, b.as_str()),
        };
        let on = match kind.trim() {
            "periodic" => true,
            "one-sided" => false,
            _ => bail!("--boundary: expected [AXIS=]periodic or [AXIS=]one-sided, got '{b}'"),
        };
        match axis {
            Some(axis) => periodic[differentiated("--boundary", b, axis, axes, ndim)?] = on,
            None => periodic.fill(on),
        }
    }
    let mut periods = vec![None; axes.len()];
    for p in &args.period {
        let (axis, value) = p
            .split_once('=')
            .with_context(|| format!("--period: expected AXIS=VALUE, got '{p}'"))?;
        let k = differentiated("--period", p, axis, axes, ndim)?;
        let value: f64 = value.trim().parse().map_err(|_| {
            anyhow::anyhow!("--period {p}: expected a number after '=', got '{value}'")
        })?;
        if !periodic[k] {
            bail!(
                "--period {p}: axis {a} is one-sided; expected --boundary {a}=periodic (or \
                 --boundary periodic) with a period",
                a = axes[k]
            );
        }
        periods[k] = Some(value);
    }
    Ok(periodic
        .iter()
        .zip(periods)
        .map(|(&on, period)| {
            base.with_boundary(if on {
                Boundary::Periodic { period }
            } else {
                Boundary::OneSided
            })
        })
        .collect())
}

/// A step as NumPy reads a Python number: an `int` when it looks like
/// one, else a `float`.
pub fn parse_step(s: &str) -> Result<Step> {
    let s = s.trim();
    if let Ok(i) = s.trim().parse::<i64>() {
        return Ok(Step::I64(i));
    }
    s.trim()
        .parse::<f64>()
        .map(Step::F64)
        .map_err(|_| anyhow::anyhow!("--spacing: expected a number, got '{s}'"))
}

/// NumPy's `normalize_axis_index`, with NumPy's message.
fn normalize_axis(axis: i64, ndim: usize) -> Result<usize> {
    let n = i64::try_from(ndim).expect("ndim fits in i64");
    if axis < -n || axis >= n {
        bail!("axis {axis} is out of bounds for array of dimension {ndim}");
    }
    Ok(usize::try_from(if axis < 0 { axis + n } else { axis }).expect("in range"))
}

/// Reads `--coords` values: `FILE.npy` or `FILE.csv[:COLUMN]`.
fn read_coords(spec: &str, delimiter: u8) -> Result<Data> {
    let path = Path::new(spec);
    if Format::of(path).is_ok_and(|f| f == Format::Npy) {
        return io::read_array(path, None);
    }
    let (file, column) = match spec.rsplit_once(':') {
        Some((f, c)) if Format::of(Path::new(f)).is_ok_and(|f| f == Format::Csv) => (f, Some(c)),
        _ => (spec, None),
    };
    let file = Path::new(file);
    match Format::of(file)? {
        Format::Csv => {
            let t = csv::read(file, delimiter)?;
            let col = match column {
                Some(c) => t.column(c)?,
                None if t.columns.len() == 1 => 0,
                None => bail!(
                    "'{}' has {} columns: name one as {}:COLUMN",
                    file.display(),
                    t.columns.len(),
                    file.display()
                ),
            };
            Ok(Data::F64(ArrayD::from_shape_vec(
                IxDyn(&[t.columns[col].len()]),
                t.columns[col].clone(),
            )?))
        }
        _ => bail!("coordinates come from a 1-D .npy file or a CSV column, not '{spec}'"),
    }
}

/// Formats a byte count with a binary unit that suits it.
#[allow(clippy::cast_precision_loss)]
pub fn size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.1} KiB", bytes as f64 / 1024.0),
        1_048_576..1_073_741_824 => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
        _ => format!("{:.1} GiB", bytes as f64 / 1_073_741_824.0),
    }
}

/// Peak resident memory of this process so far (Linux `VmHWM`).
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Formats a byte count as MiB.
#[allow(clippy::cast_precision_loss)]
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
}

/// Writes the results as `.npy` (exactly one), `.npz` or `.csv`.
pub fn write_outputs(
    path: &Path,
    format: Format,
    force: bool,
    names: &[String],
    grads: &[Data],
) -> Result<()> {
    match (format, grads) {
        (Format::Npy, [one]) => io::write_atomic(path, force, |w| npy::write(w, one)),
        (Format::Npy, _) => bail!(
            "{} axes give {} arrays but a .npy file holds one: choose an axis with --axis, or \
             write .npz",
            grads.len(),
            grads.len()
        ),
        (Format::Npz, _) => io::write_atomic(path, force, |w| {
            npz::write(w, names.iter().map(String::as_str).zip(grads))
        }),
        (Format::Csv, [one]) => io::write_atomic(path, force, |w| csv::write_matrix(w, one)),
        (Format::Csv, _) => bail!(
            "{} axes give {} arrays but a CSV file holds one: choose an axis with --axis, or \
             write .npz",
            grads.len(),
            grads.len()
        ),
        (Format::Png, _) => unreachable!("refused before any work"),
    }
}
