//! Gradients and operators of `.npy` files larger than memory.
//!
//! The file is read through memory maps of one slab at a time: a range of
//! rows along the outermost axis of its storage order (axis 0 for C order,
//! the last axis for Fortran order), widened by the halo the stencil needs
//! (the core's [`Scheme::input_rows`]: [`Scheme::reach`] rows each side,
//! and the rows of the one-sided window when a slab touches an end). On a
//! periodic axis the halo is the core's [`Scheme::wrapped_input_rows`],
//! read from the other end of the file at the seam; the slab is then
//! differentiated with one-sided ends, and its inner rows are the periodic
//! scheme's rows: a periodic axis is the interior of its wrap-padded copy
//! (see [`Halo::Wrap`]). Each slab's result is computed by the core library
//! and the slab's own rows are appended to the outputs, which are written
//! as they go into temporary files beside the output and renamed into
//! place at the end.
//!
//! The results are the in-memory results to the bit: every interior row sees
//! the same neighbours, the boundary rows use the same one-sided formulas,
//! and along the slab axis the coordinates keep the whole array's decision
//! between the uniform and non-uniform formulas ([`SlabCoords`]); on a
//! periodic axis, the coordinates of the rows past the ends are shifted by
//! the period as the core shifts them ([`ghosted`]).

use std::convert::identity;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::{Add, Range, Sub};
use std::path::Path;

use anyhow::{Context, Result, bail};
use ndarray::{ArrayD, ArrayViewD, Axis, Ix1, IxDyn, ShapeBuilder, Slice};
use ndgrad::{Boundary, Options, Scheme, Spacing, Step, f16_from_f64};

use crate::Common;
use crate::data::{DType, Data, Elem, decode_extend, encode_into, with_dtype};
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
    let halo = Halo::of(k_outer.map(|k| job.spec.schemes[k]));
    let slab_rows = slab_rows(job, &halo, n, per_row)?;

    // The options for one slab: along the slab axis, one-sided ends for a
    // wrapped slab, and the whole array's uniform-or-not decision with the
    // coordinates of the rows the slab reads.
    let mut schemes = job.spec.schemes.clone();
    if let (Some(k), Halo::Wrap(s)) = (k_outer, &halo) {
        schemes[k] = s.with_boundary(Boundary::OneSided);
    }
    let outer_coords = match k_outer {
        Some(k) => SlabCoords::of(&job.spec.specs[k], &job.spec.schemes[k])?,
        None => None,
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
            let read = halo.read(a..b, n);
            for ((input, file), values) in job.inputs.iter().zip(&files).zip(&mut values) {
                read_rows(input, file, &pieces(&read, n), row_bytes, values)?;
            }
            let mut shape = h.shape.clone();
            shape[outer] = read.len();
            let mut ghost = None;
            let mut spacing: Vec<Spacing<'_>> = job
                .spec
                .specs
                .iter()
                .map(AxisSpec::spacing)
                .collect::<Result<_>>()?;
            if let (Some(k), Some(c)) = (k_outer, &outer_coords) {
                spacing[k] = c.spacing(&read, &mut ghost)?;
            }
            let options = Options::new()
                .axes(job.spec.axes.iter().map(|&a| Axis(a)))
                .spacing_per_axis(spacing)
                .scheme_per_axis(schemes.iter().copied())
                .par(job.common.par);
            let grads = apply(job.op, &views(&values, &shape, h.fortran), &options)?;
            let own = (a as isize - read.start) as usize;
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
    /// A periodic axis: the core's [`Scheme::wrapped_input_rows`], rows
    /// past either end read from the other end of the file. The slab is
    /// differentiated with one-sided ends and only its own rows kept, which
    /// read their central windows with the periodic scheme's weights: on
    /// coordinates, those of the rows past the ends shifted by the period
    /// ([`SlabCoords::Wrapped`]).
    Wrap(Scheme),
}

impl Halo {
    /// The halo of a slab axis differentiated by `scheme`, if it is.
    fn of(scheme: Option<Scheme>) -> Self {
        match scheme {
            None => Halo::Own,
            Some(s) if s.boundary().is_periodic() => Halo::Wrap(s),
            Some(s) => Halo::OneSided(s),
        }
    }

    /// The rows slab `rows` of an axis of `n` reads, in order, its own
    /// among them. Past the ends of a periodic axis, `j < 0` stands for row
    /// `j + n` and `j >= n` for row `j - n` ([`pieces`]).
    fn read(&self, rows: Range<usize>, n: usize) -> Range<isize> {
        const CHECKED: &str = "the axis was checked to be long enough for the scheme";
        let rows = match self {
            Halo::Own => rows,
            Halo::OneSided(scheme) => scheme.input_rows(rows, n).expect(CHECKED),
            Halo::Wrap(scheme) => return scheme.wrapped_input_rows(rows, n).expect(CHECKED),
        };
        rows.start as isize..rows.end as isize
    }

    /// The most rows the halo adds to a slab of an axis of `n`.
    fn extra(&self, n: usize) -> usize {
        match self {
            Halo::Own => 0,
            Halo::OneSided(scheme) => halo_rows(scheme),
            // `reach` rows each side, the slab widened to the one-sided
            // scheme's window if it is shorter: most for a one-row slab.
            Halo::Wrap(_) => self.read(0..1, n).len() - 1,
        }
    }
}

impl std::fmt::Display for Halo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Halo::Own => f.write_str("no stencil"),
            Halo::OneSided(s) | Halo::Wrap(s) => write!(f, "{s}"),
        }
    }
}

/// The rows of the file that `read` ([`Halo::read`]) stands for, as ranges
/// of `0..n` in order: a periodic axis' halo wraps around the ends (more
/// than once if the slab is longer than the axis).
fn pieces(read: &Range<isize>, n: usize) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let mut at = read.start.rem_euclid(n as isize) as usize;
    let mut left = read.len();
    while left > 0 {
        let len = left.min(n - at);
        pieces.push(at..at + len);
        left -= len;
        at = 0;
    }
    pieces
}

/// The slab axis' spacing when it has coordinates: the whole axis'
/// uniform-or-not decision, taken once as NumPy (and the core) take it.
#[derive(Debug)]
enum SlabCoords<'a> {
    /// Equally spaced, and on a periodic axis across the seam too: NumPy's
    /// step `diff(x)[0]` for every slab.
    Step(Step),
    /// Each slab the slice of the coordinates it reads, with the
    /// non-uniform formulas.
    Slice(&'a Data),
    /// A periodic axis (coordinates, period): each slab the coordinates of
    /// the rows it reads, those past the ends shifted by the period
    /// ([`ghosted`]), with the non-uniform formulas.
    Wrapped(&'a Data, f64),
}

impl<'a> SlabCoords<'a> {
    /// The slab axis' coordinates, if `spec` has them, for `scheme`.
    fn of(spec: &'a AxisSpec, scheme: &Scheme) -> Result<Option<Self>> {
        let AxisSpec::Coords(data) = spec else {
            return Ok(None);
        };
        let x = coords(data)?;
        let period = match scheme.boundary() {
            Boundary::Periodic { period } => period,
            _ => None,
        };
        // In memory a periodic axis collapses to a step only if the steps
        // across the seam equal it too: if the wrap-padded coordinates
        // `[x[n-1] - p, *x, x[0] + p]` are equally spaced.
        let seam_too = |p: f64| {
            let padded = ghosted(data, p, -1..x.len() as isize + 1);
            coords(&padded).map(|c| c.uniform_step().is_some())
        };
        let uniform = match (x.uniform_step(), period) {
            (Some(h), Some(p)) => seam_too(p)?.then_some(h),
            (step, _) => step,
        };
        Ok(Some(match (uniform, period) {
            (Some(h), _) => SlabCoords::Step(h),
            (None, None) => SlabCoords::Slice(data),
            (None, Some(p)) => SlabCoords::Wrapped(data, p),
        }))
    }

    /// The spacing of a slab that reads rows `read` ([`Halo::read`]);
    /// `ghost` keeps the coordinates a wrapped slab makes.
    fn spacing<'s>(
        &'s self,
        read: &Range<isize>,
        ghost: &'s mut Option<Data>,
    ) -> Result<Spacing<'s>> {
        Ok(match *self {
            SlabCoords::Step(h) => Spacing::Uniform(h),
            SlabCoords::Slice(x) => {
                Spacing::NonUniform(coords(x)?.slice(read.start as usize..read.end as usize))
            }
            SlabCoords::Wrapped(x, p) => {
                Spacing::NonUniform(coords(ghost.insert(ghosted(x, p, read.clone())))?)
            }
        })
    }
}

/// The coordinates of rows `read` of a periodic axis with coordinates `x`
/// and period `period`, indices past the ends as in [`Halo::read`]: `x[j +
/// n] - period` left of the axis and `x[j - n] + period` right of it,
/// computed as the core computes its ghost coordinates, in the
/// coordinates' real type (`float64` for integers) with the period rounded
/// to it.
fn ghosted(x: &Data, period: f64, read: Range<isize>) -> Data {
    fn shift<S: Copy, R>(x: &ArrayD<S>, real: impl Fn(S) -> R, p: R, read: Range<isize>) -> Data
    where
        R: Copy + Add<Output = R> + Sub<Output = R>,
        ArrayD<R>: Into<Data>,
    {
        let x = x
            .view()
            .into_dimensionality::<Ix1>()
            .expect("coordinates were checked to be 1-D");
        let n = x.len() as isize;
        let v: Vec<R> = read
            .map(|j| {
                let v = real(x[j.rem_euclid(n) as usize]);
                match j {
                    j if j < 0 => v - p,
                    j if j >= n => v + p,
                    _ => v,
                }
            })
            .collect();
        ArrayD::from_shape_vec(IxDyn(&[v.len()]), v)
            .expect("a 1-D shape")
            .into()
    }
    match x {
        Data::F16(a) => shift(a, identity, f16_from_f64(period), read),
        Data::F32(a) => shift(a, identity, period as f32, read),
        Data::F64(a) => shift(a, identity, period, read),
        Data::I8(a) => shift(a, f64::from, period, read),
        Data::I16(a) => shift(a, f64::from, period, read),
        Data::I32(a) => shift(a, f64::from, period, read),
        Data::I64(a) => shift(a, |v| v as f64, period, read),
        Data::U8(a) => shift(a, f64::from, period, read),
        Data::U16(a) => shift(a, f64::from, period, read),
        Data::U32(a) => shift(a, f64::from, period, read),
        Data::U64(a) => shift(a, |v| v as f64, period, read),
        Data::C64(_) | Data::C128(_) => unreachable!("complex coordinates were refused"),
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
    let extra = halo.extra(n);
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
    use std::ops::Range;

    use ndarray::{ArrayD, IxDyn};
    use ndgrad::{Boundary, EdgeOrder, Scheme, Step};

    use super::{Halo, SlabCoords, ghosted, halo_rows, pieces};
    use crate::data::Data;
    use crate::job::AxisSpec;

    /// The file's rows a slab reads and where its own rows start among them.
    fn slab(halo: &Halo, rows: Range<usize>, n: usize) -> (Vec<Range<usize>>, usize) {
        let read = halo.read(rows.clone(), n);
        (
            pieces(&read, n),
            (rows.start as isize - read.start) as usize,
        )
    }

    fn periodic(d: u8, k: u8, period: Option<f64>) -> Scheme {
        Scheme::new(d, k)
            .unwrap()
            .with_boundary(Boundary::Periodic { period })
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)] // a list of row ranges
    fn periodic_halos_wrap_around_the_ends() {
        let wrap = Halo::Wrap(periodic(1, 4, None));
        assert_eq!(wrap.read(0..3, 10), -2..5);
        assert_eq!(slab(&wrap, 0..3, 10), (vec![8..10, 0..5], 2));
        assert_eq!(slab(&wrap, 4..6, 10), (vec![2..8], 2));
        assert_eq!(slab(&wrap, 8..10, 10), (vec![6..10, 0..2], 2));
        assert_eq!(slab(&wrap, 0..10, 10), (vec![8..10, 0..10, 0..2], 2));
        assert_eq!(slab(&wrap, 1..2, 5), (vec![4..5, 0..4], 2));
        assert_eq!(wrap.extra(10), 4);
        // A second derivative's one-sided window (k + 2 rows) is one row
        // wider than its central one: a one-row slab reads one more row.
        let d2 = Halo::Wrap(periodic(2, 4, None));
        assert_eq!(slab(&d2, 3..4, 10), (vec![1..7], 2));
        assert_eq!(slab(&d2, 9..10, 10), (vec![7..10, 0..3], 2));
        assert_eq!(slab(&d2, 3..5, 10), (vec![1..7], 2));
        assert_eq!(d2.extra(10), 5);
        assert_eq!(slab(&Halo::Own, 3..7, 10), (vec![3..7], 0));
        assert_eq!(
            slab(&Halo::OneSided(Scheme::new(1, 4).unwrap()), 0..1, 10),
            (vec![0..5], 0)
        );
        // A halo longer than the axis wraps more than once.
        assert_eq!(
            pieces(&(-7..9), 3),
            vec![2..3, 0..3, 0..3, 0..3, 0..3, 0..3]
        );
        // Every row of every slab is read in order, `reach` rows each side,
        // within the budget `extra`.
        let s8 = Halo::Wrap(periodic(1, 8, None));
        let n = 9;
        for a in 0..n {
            for b in a + 1..=n {
                let (pieces, own) = slab(&s8, a..b, n);
                let rows: Vec<usize> = pieces.into_iter().flatten().collect();
                assert!(rows.len() <= b - a + s8.extra(n), "{a}..{b}");
                let want: Vec<usize> = (a + 2 * n - 4..b + 2 * n + 4).map(|i| i % n).collect();
                assert_eq!((rows, own), (want, 4), "{a}..{b}");
            }
        }
    }

    #[test]
    fn ghost_coordinates_are_shifted_by_the_period_in_their_own_type() {
        let f32s = Data::F32(ArrayD::from_shape_vec(IxDyn(&[3]), vec![0.1f32, 0.2, 0.4]).unwrap());
        let Data::F32(g) = ghosted(&f32s, 0.7, -2..5) else {
            panic!("f32 coordinates stay f32")
        };
        let p = 0.7f32;
        let want = [0.2 - p, 0.4 - p, 0.1, 0.2, 0.4, 0.1 + p, 0.2 + p];
        assert_eq!(
            g.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            want.map(f32::to_bits)
        );
        // Integers in float64, as the core converts them.
        let ints = Data::I32(ArrayD::from_shape_vec(IxDyn(&[3]), vec![1, 2, 4]).unwrap());
        let Data::F64(g) = ghosted(&ints, 5.5, -1..4) else {
            panic!("integer coordinates become f64")
        };
        assert_eq!(g.as_slice().unwrap(), [-1.5, 1.0, 2.0, 4.0, 6.5]);
        // Rows inside the axis are the coordinates themselves.
        let Data::F32(g) = ghosted(&f32s, 0.7, 1..3) else {
            panic!()
        };
        assert_eq!(g.as_slice().unwrap(), [0.2, 0.4]);
    }

    #[test]
    fn a_periodic_slab_axis_collapses_to_a_step_only_with_the_seam() {
        let spec = |x: Vec<f64>| {
            AxisSpec::Coords(Data::F64(
                ArrayD::from_shape_vec(IxDyn(&[x.len()]), x).unwrap(),
            ))
        };
        let even = spec(vec![0.0, 3.0, 6.0, 9.0]);
        let step = |c: Option<SlabCoords<'_>>| match c {
            Some(SlabCoords::Step(h)) => Some(h),
            _ => None,
        };
        let one_sided = Scheme::numpy(EdgeOrder::Second);
        let of = |spec, scheme| SlabCoords::of(spec, &scheme).unwrap();
        assert_eq!(step(of(&even, one_sided)), Some(Step::F64(3.0)));
        // Period 12: the seam steps are 3 too.
        assert_eq!(
            step(of(&even, periodic(1, 4, Some(12.0)))),
            Some(Step::F64(3.0))
        );
        let numpy_periodic = one_sided.with_boundary(Boundary::Periodic { period: Some(12.0) });
        assert_eq!(step(of(&even, numpy_periodic)), Some(Step::F64(3.0)));
        // Period 13: not across the seam.
        assert!(matches!(
            of(&even, periodic(1, 4, Some(13.0))),
            Some(SlabCoords::Wrapped(_, 13.0))
        ));
        let uneven = spec(vec![0.0, 3.0, 7.0]);
        assert!(matches!(of(&uneven, one_sided), Some(SlabCoords::Slice(_))));
        assert!(matches!(
            of(&uneven, periodic(2, 2, Some(10.0))),
            Some(SlabCoords::Wrapped(_, 10.0))
        ));
        assert!(of(&AxisSpec::Unit, periodic(1, 2, None)).is_none());
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
