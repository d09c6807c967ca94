//! PyO3 glue for `ndgrad._ndgrad`: one typed entry point per NumPy dtype,
//! the GIL released while Rust computes, and `GradientError` mapped to the
//! exception NumPy raises.
//!
//! No argument handling happens here. `python/ndgrad/_call.py` resolves
//! a call (`numpy.gradient`'s argument rules and error messages first),
//! the Python layer allocates the outputs (`np.empty_like`, NumPy's own
//! layout) and passes each axis' spacing as an `ndgrad._call.AxisSpacing`
//! and scheme as an `ndgrad._call.AxisScheme`, read by `args`. The one
//! exception is `fast` (`gradient_fast`), which recognises NumPy's common
//! calls itself and declines every other to the Python layer.
//!
//! This file holds the entry points: one per dtype (`run_f8`…, one table,
//! `entry_points!`), each computing the gradient or a fused operator
//! (`operators`: the core's `Operator`, read from its Python name), the
//! scheme queries the Dask adapter uses, and the output cache's controls.
#![deny(elided_lifetimes_in_paths)]

mod args;
mod cache;
mod fast;
mod operators;
mod pieces;

use half::f16;
use ndgrad::ndarray::{ArrayRef, ArrayViewD, ArrayViewMutD, Axis, IxDyn};
use ndgrad::{Accuracy, Boundary, GradientError, Operator, Options, Par, Scheme, Spacing};
use num_complex::Complex;
#[cfg(feature = "probe")]
use numpy::PyReadonlyArray1;
use numpy::{PyArrayDyn, PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use args::{Call, Held, SchemeArg, SpacingArg, check_ndim, par, per_axis, scheme, writable};
use fast::gradient_fast;
use operators::{Op, linear_operators, no_operators, real_operators};

/// The samples a Dask block or file slab of rows `start..stop` of an axis
/// of `n` samples needs for `scheme` (its halo), or `None`: see
/// [`Scheme::rows_read`] (on a periodic axis indices past either end wrap;
/// the piece is then differentiated with the one-sided scheme).
#[pyfunction]
fn input_rows(
    py: Python<'_>,
    scheme_arg: SchemeArg,
    start: usize,
    stop: usize,
    n: usize,
) -> PyResult<Option<(isize, isize)>> {
    let s = scheme(py, &scheme_arg)?;
    Ok(s.rows_read(start..stop, n).map(|r| (r.start, r.end)))
}

/// A scheme's reach (its central half-width: the rows at each end of a
/// piece whose windows leave it) and the fewest samples its one-sided
/// version works on.
#[pyfunction]
fn reach(py: Python<'_>, scheme_arg: SchemeArg) -> PyResult<(usize, usize)> {
    let s = scheme(py, &scheme_arg)?;
    Ok((s.reach(), s.with_boundary(Boundary::OneSided).min_len()))
}
/// Checks a whole array's axes, spacings and schemes as the kernels would
/// ([`ndgrad::check`]), without computing: the Dask adapter reports the
/// whole array's error at call time, before any block runs.
#[pyfunction]
#[allow(clippy::needless_pass_by_value)]
fn check<'py>(
    py: Python<'py>,
    shape: Vec<usize>,
    axes: Vec<usize>,
    spacings: Vec<SpacingArg<'py>>,
    schemes: Vec<SchemeArg>,
) -> PyResult<()> {
    let (schemes, held) = per_axis(py, &axes, &spacings, &schemes)?;
    let opts = Options::new()
        .axes(axes.iter().map(|&a| Axis(a)))
        .spacing_per_axis(held.iter().map(Held::spacing))
        .scheme_per_axis(schemes);
    ndgrad::check(&shape, &opts).map_err(|e| to_py(py, &e))
}

/// The exception NumPy raises for each error.
fn to_py(py: Python<'_>, err: &GradientError) -> PyErr {
    match *err {
        GradientError::AxisOutOfBounds { axis, ndim } => py
            .import("numpy.exceptions")
            .and_then(|m| m.getattr("AxisError"))
            .and_then(|cls| cls.call1((axis, ndim)))
            .map_or_else(|e| e, PyErr::from_value),
        GradientError::SpacingCount { .. } | GradientError::OutputCount { .. } => {
            PyTypeError::new_err(err.to_string())
        }
        _ => PyValueError::new_err(err.to_string()),
    }
}

/// Why an entry point failed: an argument `_api.py` passed that cannot be
/// read, a core error, or an operator a dtype lacks.
enum Failure {
    Python(PyErr),
    Gradient(GradientError),
    Unsupported(String),
}

impl From<PyErr> for Failure {
    fn from(e: PyErr) -> Self {
        Failure::Python(e)
    }
}

impl From<GradientError> for Failure {
    fn from(e: GradientError) -> Self {
        Failure::Gradient(e)
    }
}

impl Failure {
    /// The exception raised: NumPy's for a core error ([`to_py`]),
    /// `TypeError` for an operator a dtype lacks.
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::Python(e) => e,
            Failure::Gradient(e) => to_py(py, &e),
            Failure::Unsupported(msg) => PyTypeError::new_err(msg),
        }
    }
}

/// The core's options for `axes`, one spacing and one scheme per axis.
fn options<'a>(
    axes: &[usize],
    spacing: Vec<Spacing<'a>>,
    schemes: Vec<Scheme>,
    par: Par,
) -> Options<'a> {
    Options::new()
        .axes(axes.iter().map(|&a| Axis(a)))
        .spacing_per_axis(spacing)
        .scheme_per_axis(schemes)
        .par(par)
}

/// How one dtype's gradient is computed, once the arguments are read: all
/// axes in one pass for plain dtypes, one axis at a time for timedelta64.
type Compute<I, O> = fn(
    &ArrayRef<I, IxDyn>,
    &mut [ArrayViewMutD<'_, O>],
    &[usize],
    Vec<Spacing<'_>>,
    Vec<Scheme>,
    Par,
) -> Result<(), GradientError>;

/// Every axis in one pass over the input ([`ndgrad::gradient_with_into`]).
fn fused<I: ndgrad::Element>(
    f: &ArrayRef<I, IxDyn>,
    outs: &mut [ArrayViewMutD<'_, I::Output>],
    axes: &[usize],
    spacing: Vec<Spacing<'_>>,
    schemes: Vec<Scheme>,
    par: Par,
) -> Result<(), GradientError> {
    ndgrad::gradient_with_into(f, outs, &options(axes, spacing, schemes, par))
}

/// One axis after another ([`ndgrad::timedelta::gradient_axis_into`]):
/// NumPy's one-sided schemes only (`_api.py` passes no other), any other
/// refused rather than changed.
fn timedelta_axes(
    f: &ArrayRef<i64, IxDyn>,
    outs: &mut [ArrayViewMutD<'_, i64>],
    axes: &[usize],
    spacing: Vec<Spacing<'_>>,
    schemes: Vec<Scheme>,
    par: Par,
) -> Result<(), GradientError> {
    for (((&axis, s), out), scheme) in axes.iter().zip(spacing).zip(outs.iter_mut()).zip(schemes) {
        let (Accuracy::NumPy(edge), Boundary::OneSided) =
            (scheme.accuracy_kind(), scheme.boundary())
        else {
            return Err(GradientError::SchemeNotSupported {
                data: "timedelta64",
                scheme,
            });
        };
        ndgrad::timedelta::gradient_axis_into(f, out, Axis(axis), s, edge, par)?;
    }
    Ok(())
}

/// Runs `compute` on `inputs` into `outs` with the GIL released, once the
/// arguments are read: every input within [`args::MAX_NDIM`] dimensions,
/// one scheme and one held spacing per axis, the outputs borrowed for
/// writing (in that order, so the first of these errors is the one
/// raised). `compute` gets the inputs, the outputs, each axis' spacing and
/// scheme, and the parallelism.
fn run<'py, I, O, E>(
    py: Python<'py>,
    inputs: &[PyReadonlyArrayDyn<'py, I>],
    outs: &[Bound<'py, PyArrayDyn<O>>],
    call: &Call<'py>,
    compute: impl Send
    + FnOnce(
        &[ArrayViewD<'_, I>],
        &mut [ArrayViewMutD<'_, O>],
        Vec<Spacing<'_>>,
        Vec<Scheme>,
        Par,
    ) -> Result<(), E>,
) -> Result<(), E>
where
    I: numpy::Element + Sync,
    O: numpy::Element + Send,
    E: From<PyErr> + Send,
{
    for f in inputs {
        check_ndim(f.ndim())?;
    }
    let (schemes, held) = call.per_axis(py)?;
    let mut writable = writable(outs)?;
    let inputs: Vec<_> = inputs.iter().map(|f| f.as_array()).collect();
    let mut views: Vec<_> = writable.iter_mut().map(|o| o.as_array_mut()).collect();
    let spacing: Vec<Spacing<'_>> = held.iter().map(Held::spacing).collect();
    let par = par(call.workers);
    py.detach(|| compute(&inputs, &mut views, spacing, schemes, par))
}

/// The per-dtype entry points, from one table: for each NumPy dtype (by
/// its code, `run_f8`…), one function that computes `op` — the gradient
/// (by `$compute`: one output per axis) or a fused operator (by `$ops`) —
/// of `fields` into `outs`. `python/ndgrad/_call.py` picks them by dtype.
macro_rules! entry_points {
    ($($name:ident: $in:ty => $out:ty, $compute:ident, $ops:ident;)*) => {$(
        /// What `op` computes, for one input dtype (see `ndgrad._call.entry`).
        #[pyfunction]
        #[allow(clippy::needless_pass_by_value, clippy::too_many_arguments)]
        fn $name<'py>(
            py: Python<'py>,
            op: Op,
            fields: Vec<PyReadonlyArrayDyn<'py, $in>>,
            outs: Vec<Bound<'py, PyArrayDyn<$out>>>,
            axes: Vec<usize>,
            spacings: Vec<SpacingArg<'py>>,
            schemes: Vec<SchemeArg>,
            workers: usize,
        ) -> PyResult<()> {
            let Op(op) = op;
            if op == Operator::Gradient && (fields.len() != 1 || outs.len() != axes.len()) {
                return Err(PyValueError::new_err("the gradient takes one input and one output per axis"));
            }
            let call = Call { axes, spacings, schemes, workers };
            run(py, &fields, &outs, &call, |fields, outs, spacing, schemes, par| {
                if op == Operator::Gradient {
                    let compute: Compute<$in, $out> = $compute;
                    return compute(&fields[0], outs, &call.axes, spacing, schemes, par)
                        .map_err(Failure::from);
                }
                $ops(op, fields, outs, &options(&call.axes, spacing, schemes, par))
            })
            .map_err(|e| e.into_py(py))
        }
    )*};
}
entry_points! {
    run_f2: f16 => f16, fused, real_operators;
    run_f4: f32 => f32, fused, real_operators;
    run_f8: f64 => f64, fused, real_operators;
    run_c8: Complex<f32> => Complex<f32>, fused, linear_operators;
    run_c16: Complex<f64> => Complex<f64>, fused, linear_operators;
    run_i1: i8 => f64, fused, real_operators;
    run_i2: i16 => f64, fused, real_operators;
    run_i4: i32 => f64, fused, real_operators;
    run_i8: i64 => f64, fused, real_operators;
    run_u1: u8 => f64, fused, real_operators;
    run_u2: u16 => f64, fused, real_operators;
    run_u4: u32 => f64, fused, real_operators;
    run_u8: u64 => f64, fused, real_operators;
    // timedelta64 and datetime64 ticks: the gradient only.
    run_m8: i64 => i64, timedelta_axes, no_operators;
}

/// The machine's ceiling for a streaming 3-point stencil, for the
/// benchmark script: `out[i] = (f[i+1] - f[i-1]) / 2` over contiguous f64
/// arrays on `threads` threads, the simplest loop that does a gradient's
/// memory traffic. The script times it into outputs NumPy allocates fresh
/// (page faults included, as a real call pays them) and into outputs
/// already touched. Built only with the `probe` feature (benchmarks).
#[cfg(feature = "probe")]
#[pyfunction]
#[allow(clippy::needless_pass_by_value)]
fn _stencil_probe(
    py: Python<'_>,
    f: PyReadonlyArray1<'_, f64>,
    mut out: numpy::PyReadwriteArray1<'_, f64>,
    threads: usize,
) -> PyResult<()> {
    use rayon::prelude::*;
    let (Ok(f), Ok(out)) = (f.as_slice(), out.as_slice_mut()) else {
        return Err(PyValueError::new_err("the probe needs contiguous arrays"));
    };
    let n = f.len();
    if n < 3 || out.len() != n || threads == 0 {
        return Err(PyValueError::new_err(
            "need two arrays of the same length >= 3, and threads >= 1",
        ));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let chunk = n.div_ceil(threads * 8).max(4096);
    py.detach(|| {
        pool.install(|| {
            out.par_chunks_mut(chunk).enumerate().for_each(|(k, o)| {
                let start = k * chunk;
                let (lo, hi) = (start.max(1), (start + o.len()).min(n - 1));
                if lo < hi {
                    let dst = &mut o[lo - start..hi - start];
                    for ((v, a), b) in dst.iter_mut().zip(&f[lo + 1..=hi]).zip(&f[lo - 1..hi - 1]) {
                        *v = (a - b) / 2.0;
                    }
                }
                if start == 0 {
                    o[0] = f[1] - f[0];
                }
                if start + o.len() == n {
                    o[o.len() - 1] = f[n - 1] - f[n - 2];
                }
            });
        });
    });
    Ok(())
}

/// Sets the limit, in bytes, on the output blocks kept for reuse (0: keep
/// none) and frees what is over it; returns the previous limit. See
/// `ndgrad.set_output_cache`.
#[pyfunction]
fn set_output_cache(limit: usize) -> usize {
    cache::set_limit(limit)
}

/// `[numpy.empty_like(f, dtype=dtype) for _ in range(count)]`, allocated
/// through the output cache when the arrays are of a size it keeps.
#[pyfunction]
fn empty_outputs<'py>(
    py: Python<'py>,
    f: &Bound<'py, PyAny>,
    dtype: &Bound<'py, PyAny>,
    count: usize,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let size: usize = f.getattr(pyo3::intern!(py, "size"))?.extract()?;
    let itemsize: usize = dtype.getattr(pyo3::intern!(py, "itemsize"))?.extract()?;
    let empty_like = py
        .import("numpy")?
        .getattr(pyo3::intern!(py, "empty_like"))?;
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("dtype", dtype)?;
    let alloc = || -> PyResult<Vec<Bound<'py, PyAny>>> {
        (0..count)
            .map(|_| empty_like.call((f,), Some(&kwargs)))
            .collect()
    };
    if cache::worth_it(size.saturating_mul(itemsize)) {
        cache::with_handler(py, alloc)?
    } else {
        alloc()
    }
}

/// `(blocks, bytes)` kept for reuse now, and the handler's name.
#[pyfunction]
fn output_cache_info() -> (usize, usize, &'static str) {
    let (n, bytes) = cache::stats();
    (n, bytes, cache::NAME)
}

/// The compiled core of the `ndgrad` Python package.
#[pymodule]
mod _ndgrad {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::{
        check, empty_outputs, gradient_fast, input_rows, output_cache_info, reach, set_output_cache,
    };

    #[pymodule_export]
    use super::pieces::{pieces, shift_periodic};

    #[cfg(feature = "probe")]
    #[pymodule_export]
    use super::_stencil_probe;

    #[pymodule_export]
    use super::{
        run_c8, run_c16, run_f2, run_f4, run_f8, run_i1, run_i2, run_i4, run_i8, run_m8, run_u1,
        run_u2, run_u4, run_u8,
    };

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
