//! Gradients and operators of `.npy` files larger than memory.
//!
//! The file is read through memory maps of one slab at a time: a range of
//! rows along the outermost axis of its storage order (axis 0 for C order,
//! the last axis for Fortran order), widened by the halo the stencil needs
//! (the core's [`Scheme::input_rows`]: [`Scheme::reach`] rows each side,
//! and the rows of the one-sided window when a slab touches an end). On a
//! periodic axis the halo is `reach` rows each side taken modulo the axis
//! length, from the other end of the file at the seam; the slab is then
//! differentiated with one-sided ends, whose interior rows are the
//! periodic scheme's rows (see [`Halo::Wrap`]). Each
//! slab's result is computed by the core library and the slab's own rows
//! are appended to the outputs, which are written as they go into temporary
//! files beside the output and renamed into place at the end.
//!
//! The results are the in-memory results to the bit: every interior row sees
//! the same neighbours, the boundary rows use the same one-sided formulas,
//! and along the slab axis the coordinates keep the whole array's decision
//! between the uniform and non-uniform formulas ([`Coords::uniform_step`],
//! [`Spacing::NonUniform`]).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::Path;

use anyhow::{Context, Result, bail};
use ndarray::{ArrayViewD, Axis, IxDyn, ShapeBuilder, Slice};
use ndgrad::{Boundary, Options, Scheme, Spacing};

use crate::Common;
use crate::data::{DType, Elem, decode_extend, encode_into, with_dtype};
use crate::io::npy::{NpyHeader, write_header};
use crate::io::{Format, Pending, npz};
use crate::job::{ArrayJob, AxisSpec, coords, size};
use crate::op::{Op, Operand, apply};
use crate::progress;

/// One `.npy` input file.
pub struct Input<'a> {
    pub path: &'a Path,
    pub header: NpyHeader,
    /// Byte offset of the data in the file.
    pub offset: u64,
}

/// A streamed job: the inputs (one, or one per component of a vector
/// field, all of one shape, dtype and layout, read in lockstep), what to
/// compute, where to write.
pub struct Job<'a> {
    pub inputs: &'a [Input<'a>],
    pub op: Op,
    pub spec: &'a ArrayJob,
    pub memory: u64,
    pub output: &'a Path,
    pub out_format: Format,
    pub names: &'a [String],
    pub force: bool,
    pub common: Common,
}

/// What a streamed run did.
pub struct Report {
    pub slabs: usize,
    pub rows: usize,
}

/// Maps `len` bytes of `file` from `offset`, read-only.
#[allow(unsafe_code)]
fn map_window(file: &File, offset: u64, len: usize) -> Result<memmap2::Mmap> {
    // SAFETY: the map is read-only and private to this call's caller, which
    // copies the bytes out (decoding them) before dropping it. As with any
    // file map, another process truncating or rewriting the input while we
    // read it is outside what we can guard against; the input is opened
    // read-only and never written by ndgrad.
    let map = unsafe {
        memmap2::MmapOptions::new()
            .offset(offset)
            .len(len)
            .map(file)
    };
    map.context("mapping the input file")
}

pub fn run(job: &Job<'_>) -> Result<Report> {
    debug_assert!(job.inputs.windows(2).all(|w| {
        let (a, b) = (&w[0].header, &w[1].header);
        (&a.shape, a.dtype, a.fortran) == (&b.shape, b.dtype, b.fortran)
    }));
    with_dtype!(job.inputs[0].header.dtype, T => run_typed::<T>(job))
}

/// Bytes of the inputs and the outputs, all in memory.
pub fn in_memory_bytes(inputs: &[Input<'_>], outputs: usize) -> u64 {
    let h = &inputs[0].header;
    let out = h.len() as u64 * h.dtype.gradient_dtype().size() as u64;
    inputs.iter().map(|i| i.header.data_bytes()).sum::<u64>() + out * outputs as u64
}

fn run_typed<T: Operand>(job: &Job<'_>) -> Result<Report> {
    let h = &job.inputs[0].header;
    let ndim = h.shape.len();
    let outer = if h.fortran { ndim - 1 } else { 0 };
    let n = h.shape[outer];
    let row_elems = h.len() / n;
    let (in_size, out_size) = (T::DTYPE.size(), T::Output::DTYPE.size());
    let (nin, nout) = (job.inputs.len(), job.names.len());

    // Arguments are checked on the whole shape before any work.
    ndgrad::check(&h.shape, &job.spec.options(job.common)?)?;
    let files = job
        .inputs
        .iter()
        .map(open_checked)
        .collect::<Result<Vec<_>>>()?;

    // Memory per row in flight: the mapped bytes and the decoded values of
    // each input, the outputs, and the encoded bytes of one output.
    let per_row = (row_elems * (nin * 2 * in_size + nout * out_size + out_size)) as u64;
    let k_outer = job.spec.axes.iter().position(|&a| a == outer);
    let halo = halo(job, k_outer, outer)?;
    let slab_rows = slab_rows(job, &halo, n, per_row)?;

    // The options for one slab: along the slab axis, the whole array's
    // uniform-or-not decision with the slab's own coordinates, and one-sided
    // ends for a wrapped slab.
    let mut schemes = job.spec.schemes.clone();
    if let (Some(k), Halo::Wrap(s)) = (k_outer, &halo) {
        schemes[k] = s.with_boundary(Boundary::OneSided);
    }
    let outer_step = match k_outer.map(|k| &job.spec.specs[k]) {
        Some(AxisSpec::Coords(x)) => Some(coords(x)?.uniform_step()),
        _ => None,
    };
    let base: Vec<Spacing<'_>> = job
        .spec
        .specs
        .iter()
        .map(AxisSpec::spacing)
        .collect::<Result<_>>()?;
    let slab_options = |rows: &Range<usize>| -> Options<'_> {
        let mut spacing = base.clone();
        if let (Some(k), Some(step)) = (k_outer, outer_step) {
            spacing[k] = match (step, &spacing[k]) {
                (Some(step), _) => Spacing::Uniform(step),
                (None, Spacing::Coordinates(x)) => Spacing::NonUniform(x.slice(rows.clone())),
                (None, other) => *other,
            };
        }
        Options::new()
            .axes(job.spec.axes.iter().map(|&a| Axis(a)))
            .spacing_per_axis(spacing)
            .scheme_per_axis(schemes.iter().copied())
            .par(job.common.par)
    };

    let mut parts = open_parts(job, T::Output::DTYPE)?;
    let bar = progress::bar(
        n as u64,
        in_memory_bytes(job.inputs, nout),
        job.op.label(),
        job.common.quiet,
    );
    let row_bytes = row_elems * in_size;
    let mut values: Vec<Vec<T>> = vec![Vec::new(); nin];
    let mut encoded: Vec<u8> = Vec::new();
    let mut slabs = 0;
    let mut a = 0;
    {
        let mut writers: Vec<BufWriter<&mut File>> = parts
            .iter_mut()
            .map(|p| BufWriter::with_capacity(1 << 16, p.file()))
            .collect();
        while a < n {
            let b = (a + slab_rows).min(n);
            let (pieces, own) = halo.pieces(a..b, n);
            for ((input, file), values) in job.inputs.iter().zip(&files).zip(&mut values) {
                read_rows(input, file, &pieces, row_bytes, values)?;
            }
            let len: usize = pieces.iter().map(ExactSizeIterator::len).sum();
            let mut shape = h.shape.clone();
            shape[outer] = len;
            // Only a one-piece slab can have coordinates along the slab axis.
            let grads = apply(
                job.op,
                &views(&values, &shape, h.fortran),
                &slab_options(&pieces[0]),
            )?;
            for (g, w) in grads.iter().zip(&mut writers) {
                let mine = g.slice_axis(Axis(outer), Slice::from(own..own + (b - a)));
                encoded.clear();
                encode_into(&mine, h.fortran, &mut encoded);
                w.write_all(&encoded)
                    .with_context(|| format!("writing '{}'", job.output.display()))?;
            }
            bar.inc((b - a) as u64);
            slabs += 1;
            a = b;
        }
        for w in &mut writers {
            w.flush()
                .with_context(|| format!("writing '{}'", job.output.display()))?;
        }
    }
    bar.finish_and_clear();

    finish(job, parts)?;
    Ok(Report {
        slabs,
        rows: slab_rows,
    })
}

/// The slabs of each input, of `shape`.
fn views<'v, T>(values: &'v [Vec<T>], shape: &[usize], fortran: bool) -> Vec<ArrayViewD<'v, T>> {
    values
        .iter()
        .map(|v| {
            ArrayViewD::from_shape(IxDyn(shape).set_f(fortran), v)
                .expect("the slab holds whole rows")
        })
        .collect()
}

/// Decodes the rows `pieces` (of `row_bytes` bytes each) of `input` into
/// `values`, replacing its contents.
fn read_rows<T: Elem>(
    input: &Input<'_>,
    file: &File,
    pieces: &[Range<usize>],
    row_bytes: usize,
    values: &mut Vec<T>,
) -> Result<()> {
    values.clear();
    for p in pieces {
        let map = map_window(
            file,
            input.offset + (p.start * row_bytes) as u64,
            p.len() * row_bytes,
        )?;
        decode_extend(&map, input.header.order, values);
    }
    Ok(())
}

/// The halo of the slab axis `outer` (differentiated as `k_outer`, if it is).
fn halo(job: &Job<'_>, k_outer: Option<usize>, outer: usize) -> Result<Halo> {
    Ok(match k_outer {
        None => Halo::Own,
        Some(k) => {
            let scheme = job.spec.schemes[k];
            if !scheme.boundary().is_periodic() {
                Halo::OneSided(scheme)
            } else if let AxisSpec::Coords(_) = job.spec.specs[k] {
                // The seam's weights come from the coordinates across it,
                // `x[0] + period` and `x[n-1] - period`, which the core
                // computes in its own precision: a slab cannot reproduce
                // them to the bit, so this is refused rather than approximated.
                bail!(
                    "'{}' is streamed in slabs along axis {outer}, which is periodic with \
                     coordinates: such an axis is differentiated in memory only; raise \
                     --memory above {}",
                    job.inputs[0].path.display(),
                    size(in_memory_bytes(job.inputs, job.names.len()))
                );
            } else {
                Halo::Wrap(scheme)
            }
        }
    })
}

/// Opens the input and checks that it holds all the data its header
/// promises.
fn open_checked(input: &Input<'_>) -> Result<File> {
    let h = &input.header;
    let file = crate::io::open(input.path)?;
    let have = file.metadata()?.len();
    if have < input.offset + h.data_bytes() {
        bail!(
            "reading '{}': truncated .npy: the header describes {} {} values ({} bytes) but only \
             {} bytes of data follow",
            input.path.display(),
            h.len(),
            h.dtype.name(),
            h.data_bytes(),
            have.saturating_sub(input.offset)
        );
    }
    Ok(file)
}

/// The rows a slab reads along the slab axis besides its own.
#[derive(Debug, Clone, Copy)]
enum Halo {
    /// The slab axis is not differentiated: a slab reads its own rows.
    Own,
    /// One-sided ends: the core's [`Scheme::input_rows`].
    OneSided(Scheme),
    /// A periodic axis with a step: [`Scheme::reach`] rows each side,
    /// modulo the axis length. The slab is differentiated with one-sided
    /// ends and only its inner rows kept: each of them reads its central
    /// window, with the weights the periodic scheme uses at every row (a
    /// step's weights do not depend on the row).
    Wrap(Scheme),
}

impl Halo {
    /// The ranges of rows whose concatenation is slab `rows` with its halo,
    /// and where the slab's own rows start in it.
    fn pieces(&self, rows: Range<usize>, n: usize) -> (Vec<Range<usize>>, usize) {
        match self {
            Halo::Own => (vec![rows], 0),
            Halo::OneSided(scheme) => {
                let read = scheme
                    .input_rows(rows.clone(), n)
                    .expect("the axis was checked to be long enough for the scheme");
                let own = rows.start - read.start;
                (vec![read], own)
            }
            Halo::Wrap(scheme) => {
                let h = scheme.reach();
                // `rows.start - h .. rows.end + h`, folded into `0..n`, and
                // longer at the end if the one-sided scheme the slab is
                // differentiated with needs more rows (a second or fourth
                // derivative's one-sided window is one row wider than its
                // central one).
                let mut pieces = Vec::new();
                let mut at = (rows.start + n * h.div_ceil(n) - h) % n;
                let mut left = (rows.len() + 2 * h).max(one_sided_len(scheme));
                while left > 0 {
                    let len = left.min(n - at);
                    pieces.push(at..at + len);
                    left -= len;
                    at = 0;
                }
                (pieces, h)
            }
        }
    }

    /// The most rows the halo adds to a slab.
    fn extra(&self) -> usize {
        match self {
            Halo::Own => 0,
            Halo::OneSided(scheme) => halo_rows(scheme),
            Halo::Wrap(scheme) => (2 * scheme.reach()).max(one_sided_len(scheme) - 1),
        }
    }
}

/// The fewest rows the one-sided version of a periodic scheme works on.
fn one_sided_len(scheme: &Scheme) -> usize {
    scheme.with_boundary(Boundary::OneSided).min_len()
}

impl std::fmt::Display for Halo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Halo::Own => f.write_str("no stencil"),
            Halo::OneSided(s) | Halo::Wrap(s) => write!(f, "{s}"),
        }
    }
}

/// Rows per slab within the memory budget, leaving room for the halo.
fn slab_rows(job: &Job<'_>, halo: &Halo, n: usize, per_row: u64) -> Result<usize> {
    let fit = usize::try_from(job.memory / per_row.max(1)).unwrap_or(usize::MAX);
    if fit >= n {
        return Ok(n);
    }
    // A slab of `s` rows reads at most `s + extra`: `reach` rows each side
    // inside, and at an end the whole one-sided window.
    let extra = halo.extra();
    if fit <= extra {
        let need = (extra + 1).min(n);
        bail!(
            "--memory {} is too small for '{}': one row with the halo of {} needs {} rows ({}); \
             raise --memory",
            size(job.memory),
            job.inputs[0].path.display(),
            halo,
            need,
            size(per_row * need as u64)
        );
    }
    Ok(fit - extra)
}

/// The most rows a slab's halo adds to it: [`Scheme::input_rows`] of any
/// `s` rows spans at most `s + halo_rows` rows.
fn halo_rows(scheme: &Scheme) -> usize {
    (2 * scheme.reach()).max(scheme.min_len() - 1)
}

/// One temporary `.npy` per output array, its header written, filled as
/// slabs are done.
fn open_parts(job: &Job<'_>, dtype: DType) -> Result<Vec<Pending>> {
    let nout = job.names.len();
    if job.out_format == Format::Npy && nout != 1 {
        bail!(
            "{nout} axes give {nout} arrays but a .npy file holds one: choose an axis with \
             --axis, or write .npz"
        );
    }
    let target = if job.out_format == Format::Npy {
        job.output.to_path_buf()
    } else {
        job.output.with_extension("npy")
    };
    let h = &job.inputs[0].header;
    (0..nout)
        .map(|_| {
            let mut p = Pending::new(&target, job.force)?;
            write_header(p.file(), dtype, h.fortran, &h.shape)?;
            Ok(p)
        })
        .collect()
}

/// Renames a single `.npy` into place, or gathers the parts into a `.npz`.
fn finish(job: &Job<'_>, mut parts: Vec<Pending>) -> Result<()> {
    if job.out_format == Format::Npy {
        return parts.pop().expect("one part").commit();
    }
    let mut zip = Pending::new(job.output, job.force)?;
    {
        let mut members: Vec<(String, &mut File)> = job
            .names
            .iter()
            .cloned()
            .zip(parts.iter_mut().map(Pending::file))
            .collect();
        let w = BufWriter::with_capacity(1 << 20, zip.file());
        npz::write_from_files(w, &mut members)
            .with_context(|| format!("writing '{}'", job.output.display()))?;
    }
    zip.commit()
}

#[cfg(test)]
mod tests {
    use ndgrad::{Boundary, EdgeOrder, Scheme};

    use super::{Halo, halo_rows};

    #[test]
    #[allow(clippy::single_range_in_vec_init)] // a list of row ranges
    fn periodic_halos_wrap_around_the_ends() {
        let s = Scheme::new(1, 4)
            .unwrap()
            .with_boundary(Boundary::Periodic { period: None });
        let wrap = Halo::Wrap(s);
        assert_eq!(wrap.pieces(0..3, 10), (vec![8..10, 0..5], 2));
        assert_eq!(wrap.pieces(4..6, 10), (vec![2..8], 2));
        assert_eq!(wrap.pieces(8..10, 10), (vec![6..10, 0..2], 2));
        assert_eq!(wrap.pieces(0..10, 10), (vec![8..10, 0..10, 0..2], 2));
        assert_eq!(wrap.pieces(1..2, 5), (vec![4..5, 0..4], 2));
        assert_eq!(wrap.extra(), 4);
        // A second derivative's one-sided window (k + 2 rows) is one row
        // wider than its central one: a one-row slab reads one more row.
        let d2 = Halo::Wrap(
            Scheme::new(2, 4)
                .unwrap()
                .with_boundary(Boundary::Periodic { period: None }),
        );
        assert_eq!(d2.pieces(3..4, 10), (vec![1..7], 2));
        assert_eq!(d2.pieces(9..10, 10), (vec![7..10, 0..3], 2));
        assert_eq!(d2.pieces(3..5, 10), (vec![1..7], 2));
        assert_eq!(d2.extra(), 5);
        assert_eq!(Halo::Own.pieces(3..7, 10), (vec![3..7], 0));
        assert_eq!(
            Halo::OneSided(Scheme::new(1, 4).unwrap()).pieces(0..1, 10),
            (vec![0..5], 0)
        );
        // Every row of every slab is read in order, `reach` rows each side.
        let s8 = Scheme::new(1, 8)
            .unwrap()
            .with_boundary(Boundary::Periodic { period: None });
        let n = 9;
        for a in 0..n {
            for b in a + 1..=n {
                let (pieces, own) = Halo::Wrap(s8).pieces(a..b, n);
                let rows: Vec<usize> = pieces.into_iter().flatten().collect();
                let want: Vec<usize> = (a + 2 * n - 4..b + 2 * n + 4).map(|i| i % n).collect();
                assert_eq!((rows, own), (want, 4), "{a}..{b}");
            }
        }
    }

    #[test]
    fn halos_reach_the_rows_the_stencils_read() {
        let first = Scheme::numpy(EdgeOrder::First);
        let second = Scheme::numpy(EdgeOrder::Second);
        assert_eq!(second.input_rows(0..1, 10), Some(0..3));
        assert_eq!(second.input_rows(4..5, 10), Some(3..6));
        assert_eq!(second.input_rows(9..10, 10), Some(7..10));
        assert_eq!(second.input_rows(0..10, 10), Some(0..10));
        assert_eq!(second.input_rows(0..1, 2), None);
        assert_eq!(first.input_rows(0..1, 2), Some(0..2));
        assert_eq!(first.input_rows(0..1, 10), Some(0..2));
        assert_eq!((halo_rows(&first), halo_rows(&second)), (2, 2));
    }

    #[test]
    fn any_slab_fits_its_halo_budget() {
        for scheme in [
            Scheme::numpy(EdgeOrder::First),
            Scheme::numpy(EdgeOrder::Second),
        ]
        .into_iter()
        .chain((1..=4).flat_map(|d| [2, 4, 6, 8].map(|k| Scheme::new(d, k).unwrap())))
        {
            let n = 40;
            for a in 0..n {
                for b in a + 1..=n {
                    let rows = scheme.input_rows(a..b, n).unwrap();
                    assert!(rows.start <= a && rows.end >= b, "{scheme} {a}..{b}");
                    assert!(
                        rows.len() <= (b - a) + halo_rows(&scheme),
                        "{scheme} {a}..{b}"
                    );
                }
            }
        }
    }
}
