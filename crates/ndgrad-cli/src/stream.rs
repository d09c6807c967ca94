//! Gradients and operators of `.npy` files larger than memory.
//!
//! The file is read through memory maps of one slab at a time: a range of
//! rows along the outermost axis of its storage order (axis 0 for C order,
//! the last axis for Fortran order), with the rows its stencils read
//! besides its own. Which rows those are, the scheme to differentiate
//! them with and their spacing is the core's [`AxisPieces`]: the rows'
//! windows, the one-sided window at an end, on a periodic axis rows from
//! the other end of the file with the coordinates past the seam shifted
//! by the period, and along the slab axis the whole array's decision
//! between the uniform and non-uniform formulas. Each slab's result is
//! computed by the core library and the slab's own rows are appended to
//! the outputs, which are written as they go into temporary files beside
//! the output and renamed into place at the end.
//!
//! The results are the in-memory results to the bit (the core's
//! `tests/pieces.rs` checks any piece of any axis against the whole).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::Path;

use anyhow::{Context, Result, bail};
use ndarray::{ArrayViewD, Axis, IxDyn, ShapeBuilder, Slice};
use ndgrad::{AxisPieces, Options, Piece, Spacing};

use crate::Common;
use crate::data::{DType, Elem, decode_extend, encode_into, with_dtype};
use crate::io::npy::{NpyHeader, write_header};
use crate::io::{Format, Pending, npz};
use crate::job::{ArrayJob, AxisSpec, size};
use crate::op::{Command, Op, Operand, apply};
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
    // The slab axis, if it is differentiated: checked once, cut per slab.
    let slab_axis = match k_outer {
        Some(k) => {
            let spacing = job.spec.specs[k].spacing()?;
            Some(AxisPieces::new(&spacing, job.spec.schemes[k], outer, n)?)
        }
        None => None,
    };
    let slab_rows = slab_rows(job, slab_axis.as_ref(), k_outer, n, per_row)?;

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
            let piece = slab_axis.as_ref().map(|axis| {
                axis.piece(a..b)
                    .expect("a slab is a non-empty range of the axis")
            });
            let own_rows = || std::iter::once(a..b).collect();
            let sources: Vec<Range<usize>> = piece.as_ref().map_or_else(own_rows, Piece::sources);
            for ((input, file), values) in job.inputs.iter().zip(&files).zip(&mut values) {
                read_rows(input, file, &sources, row_bytes, values)?;
            }
            let mut shape = h.shape.clone();
            shape[outer] = sources.iter().map(ExactSizeIterator::len).sum();
            let mut spacing: Vec<Spacing<'_>> = job
                .spec
                .specs
                .iter()
                .map(AxisSpec::spacing)
                .collect::<Result<_>>()?;
            let mut schemes = job.spec.schemes.clone();
            let mut own = 0..b - a;
            if let (Some(k), Some(p)) = (k_outer, &piece) {
                spacing[k] = p.spacing();
                schemes[k] = p.scheme;
                own = p.own.clone();
            }
            let options = Options::new()
                .axes(job.spec.axes.iter().map(|&a| Axis(a)))
                .spacing_per_axis(spacing)
                .scheme_per_axis(schemes.iter().copied())
                .par(job.common.par);
            let grads = apply(job.op, &views(&values, &shape, h.fortran), &options)?;
            for (g, w) in grads.iter().zip(&mut writers) {
                let mine = g.slice_axis(Axis(outer), Slice::from(own.clone()));
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

/// Rows per slab within the memory budget, leaving room for the rows a
/// slab reads besides its own (`reach` rows each side inside, and at an
/// end the whole one-sided window: [`AxisPieces::max_halo`]).
fn slab_rows(
    job: &Job<'_>,
    slab_axis: Option<&AxisPieces<'_>>,
    k_outer: Option<usize>,
    n: usize,
    per_row: u64,
) -> Result<usize> {
    let fit = usize::try_from(job.memory / per_row.max(1)).unwrap_or(usize::MAX);
    if fit >= n {
        return Ok(n);
    }
    let extra = slab_axis.map_or(0, AxisPieces::max_halo);
    if fit <= extra {
        let need = (extra + 1).min(n);
        let stencil = k_outer.map_or_else(
            || "no stencil".to_string(),
            |k| job.spec.schemes[k].to_string(),
        );
        bail!(
            "--memory {} is too small for '{}': one row with the halo of {} needs {} rows ({}); \
             raise --memory",
            size(job.memory),
            job.inputs[0].path.display(),
            stencil,
            need,
            size(per_row * need as u64)
        );
    }
    Ok(fit - extra)
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
