//! PyO3 glue for `ndgrad._ndgrad`: one typed entry point per NumPy dtype,
//! the GIL released while Rust computes, and `GradientError` mapped to the
//! exception NumPy raises.
//!
//! No argument handling happens here. `python/ndgrad/_api.py` reproduces
//! `numpy.gradient`'s argument rules and error messages, allocates the
//! outputs (`np.empty_like`, NumPy's own layout) and passes each axis'
//! spacing as `(kind, dtype code, values)` and scheme as
//! `(derivative, accuracy, edge_order, periodic, period)`.
#![deny(elided_lifetimes_in_paths)]

mod cache;

use half::f16;
use ndgrad::ndarray::{ArrayRef, ArrayViewD, ArrayViewMutD, Axis, IxDyn};
use ndgrad::{
    Accuracy, Boundary, Coords, EdgeOrder, GradientError, Options, Par, Scheme, Spacing, Step,
};
use num_complex::Complex;
use numpy::{
    PyArrayDescrMethods, PyArrayDyn, PyArrayMethods, PyReadonlyArray1, PyReadonlyArrayDyn,
    PyReadwriteArrayDyn, PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

/// A spacing argument, holding the NumPy array its values live in.
enum Held<'py> {
    Unit,
    Weak(Step),
    Strong(Step),
    Coords(HeldCoords<'py>),
    NonUniform(HeldCoords<'py>),
}

macro_rules! held_coords {
    ($($code:literal => $t:ty, $v:ident;)*) => {
        enum HeldCoords<'py> {
            $($v(PyReadonlyArray1<'py, $t>),)*
        }

        impl HeldCoords<'_> {
            fn coords(&self) -> Coords<'_> {
                match self {
                    $(HeldCoords::$v(a) => Coords::from(a.as_array()),)*
                }
            }
        }

        /// Reads `values` as a 1-D array of the dtype named by `code`
        /// (`numpy.dtype.str` without the byte-order character).
        fn hold_array<'py>(code: &str, values: &Bound<'py, PyAny>) -> PyResult<HeldCoords<'py>> {
            Ok(match code {
                $($code => HeldCoords::$v(values.extract()?),)*
                other => return Err(PyTypeError::new_err(format!("unsupported spacing dtype {other:?}"))),
            })
        }

        /// The first value of a held array, as a typed step.
        fn first_step(held: &HeldCoords<'_>) -> PyResult<Step> {
            match held {
                $(HeldCoords::$v(a) => a
                    .as_array()
                    .first()
                    .map(|&h| Step::from(h))
                    .ok_or_else(|| PyValueError::new_err("a step needs one value")),)*
            }
        }
    };
}
held_coords! {
    "f2" => f16, F16;
    "f4" => f32, F32;
    "f8" => f64, F64;
    "i1" => i8, I8;
    "i2" => i16, I16;
    "i4" => i32, I32;
    "i8" => i64, I64;
    "u1" => u8, U8;
    "u2" => u16, U16;
    "u4" => u32, U32;
    "u8" => u64, U64;
}

/// One axis' spacing: `ndgrad._call.AxisSpacing`, read by attribute name.
/// `kind` is `unit`, `weak` (a Python number), `strong` (a NumPy scalar),
/// `coords`, or `nonuniform` (coordinates never collapsed to a uniform
/// step); `dtype` is the values' dtype code (`"f8"`, `"i2"`…).
#[derive(FromPyObject)]
struct SpacingArg<'py> {
    kind: String,
    dtype: Option<String>,
    values: Option<Bound<'py, PyAny>>,
}

fn hold<'py>(arg: &SpacingArg<'py>) -> PyResult<Held<'py>> {
    let kind = &arg.kind;
    let array = || -> PyResult<HeldCoords<'py>> {
        match (&arg.dtype, &arg.values) {
            (Some(code), Some(values)) => hold_array(code, values),
            _ => Err(PyValueError::new_err(format!(
                "spacing kind {kind:?} needs a dtype and values"
            ))),
        }
    };
    Ok(match kind.as_str() {
        "unit" => Held::Unit,
        "weak" => Held::Weak(first_step(&array()?)?),
        "strong" => Held::Strong(first_step(&array()?)?),
        "coords" => Held::Coords(array()?),
        "nonuniform" => Held::NonUniform(array()?),
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown spacing kind {other:?}"
            )));
        }
    })
}

impl Held<'_> {
    fn spacing(&self) -> Spacing<'_> {
        match self {
            Held::Unit => Spacing::Unit,
            Held::Weak(h) => Spacing::UniformWeak(*h),
            Held::Strong(h) => Spacing::Uniform(*h),
            Held::Coords(x) => Spacing::Coordinates(x.coords()),
            Held::NonUniform(x) => Spacing::NonUniform(x.coords()),
        }
    }
}

/// One axis' scheme: `ndgrad._call.AxisScheme`, read by attribute name.
/// `accuracy` None is NumPy's gradient with `edge_order` (1 or 2);
/// otherwise `edge_order` is not read.
#[derive(Clone, Copy, FromPyObject)]
struct SchemeArg {
    derivative: u8,
    accuracy: Option<u8>,
    edge_order: u8,
    periodic: bool,
    period: Option<f64>,
}

fn scheme(py: Python<'_>, arg: &SchemeArg) -> PyResult<Scheme> {
    let base = match arg.accuracy {
        None => EdgeOrder::try_from(i64::from(arg.edge_order)).map(Scheme::numpy),
        Some(k) => Scheme::new(arg.derivative, k),
    };
    let base = base.map_err(|e| to_py(py, &e))?;
    Ok(if arg.periodic {
        base.with_boundary(Boundary::Periodic { period: arg.period })
    } else {
        base
    })
}

/// The samples a Dask block or file slab of rows `start..stop` of an axis
/// of `n` samples needs for `scheme` (its halo), or `None`: see
/// [`Scheme::input_rows`], and for a periodic scheme
/// [`Scheme::wrapped_input_rows`] (indices past either end wrap; the piece
/// is then differentiated with the one-sided scheme).
#[pyfunction]
fn input_rows(
    py: Python<'_>,
    scheme_arg: SchemeArg,
    start: usize,
    stop: usize,
    n: usize,
) -> PyResult<Option<(isize, isize)>> {
    let s = scheme(py, &scheme_arg)?;
    Ok(if s.boundary().is_periodic() {
        s.wrapped_input_rows(start..stop, n)
            .map(|r| (r.start, r.end))
    } else {
        s.input_rows(start..stop, n)
            .map(|r| (r.start as isize, r.end as isize))
    })
}

/// A scheme's reach (its central half-width: the rows at each end of a
/// piece whose windows leave it) and the fewest samples its one-sided
/// version works on.
#[pyfunction]
fn reach(py: Python<'_>, scheme_arg: SchemeArg) -> PyResult<(usize, usize)> {
    let s = scheme(py, &scheme_arg)?;
    Ok((s.reach(), s.with_boundary(Boundary::OneSided).min_len()))
}

/// The per-axis arguments of a call, read from `_api.py`'s tuples: one
/// scheme and one held spacing per axis.
fn per_axis<'py>(
    py: Python<'py>,
    axes: &[usize],
    spacings: &[SpacingArg<'py>],
    schemes: &[SchemeArg],
) -> PyResult<(Vec<Scheme>, Vec<Held<'py>>)> {
    if spacings.len() != axes.len() || schemes.len() != axes.len() {
        return Err(PyValueError::new_err(
            "one spacing and one scheme per axis are needed",
        ));
    }
    let schemes = schemes
        .iter()
        .map(|s| scheme(py, s))
        .collect::<PyResult<Vec<_>>>()?;
    let held = spacings.iter().map(hold).collect::<PyResult<Vec<_>>>()?;
    Ok((schemes, held))
}

/// The output arrays, borrowed for writing.
fn writable<'py, O: numpy::Element>(
    outs: &[Bound<'py, PyArrayDyn<O>>],
) -> PyResult<Vec<PyReadwriteArrayDyn<'py, O>>> {
    outs.iter()
        .map(|o| {
            o.try_readwrite().map_err(|e| {
                PyValueError::new_err(format!(
                    "output array is not writable or overlaps another: {e}"
                ))
            })
        })
        .collect()
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

/// `workers` as `_api.py` passes it: 0 for every thread, else a task count.
fn par(workers: usize) -> Par {
    match workers {
        1 => Par::Seq,
        n => Par::rayon(n),
    }
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
    let opts = Options::new()
        .axes(axes.iter().map(|&a| Axis(a)))
        .spacing_per_axis(spacing)
        .scheme_per_axis(schemes)
        .par(par);
    ndgrad::gradient_with_into(f, outs, &opts)
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

/// The most dimensions an array can have here: rust-numpy's views keep a
/// 32-bit mask of inverted axes and panic beyond it. NumPy allows 64;
/// `_api.run` folds a larger array to three dimensions around the
/// differentiated axis, and the operators refuse it.
const MAX_NDIM: usize = 32;

/// Refuses an array with more than [`MAX_NDIM`] dimensions (a panic in
/// rust-numpy otherwise).
fn check_ndim(ndim: usize) -> PyResult<()> {
    if ndim > MAX_NDIM {
        return Err(PyValueError::new_err(format!(
            "the compiled kernels take arrays of at most {MAX_NDIM} dimensions; got {ndim}"
        )));
    }
    Ok(())
}

/// Differentiates `f` along each of `axes` into the matching `outs`, with
/// the GIL released.
#[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
fn run<'py, I, O>(
    py: Python<'py>,
    f: PyReadonlyArrayDyn<'py, I>,
    outs: Vec<Bound<'py, PyArrayDyn<O>>>,
    axes: Vec<usize>,
    spacings: Vec<SpacingArg<'py>>,
    schemes: Vec<SchemeArg>,
    workers: usize,
    compute: Compute<I, O>,
) -> PyResult<()>
where
    I: numpy::Element + Sync,
    O: numpy::Element + Send,
{
    if outs.len() != axes.len() {
        return Err(PyValueError::new_err("one output per axis is needed"));
    }
    check_ndim(f.ndim())?;
    let (schemes, held) = per_axis(py, &axes, &spacings, &schemes)?;
    let mut writable = writable(&outs)?;
    let input = f.as_array();
    let mut views: Vec<_> = writable.iter_mut().map(|o| o.as_array_mut()).collect();
    let spacing: Vec<Spacing<'_>> = held.iter().map(Held::spacing).collect();
    let par = par(workers);
    py.detach(|| compute(&input, &mut views, &axes, spacing, schemes, par))
        .map_err(|e| to_py(py, &e))
}

macro_rules! entry_points {
    ($($name:ident: $in:ty => $out:ty, $compute:expr;)*) => {$(
        /// `numpy.gradient` for one input dtype: writes the gradient of `f`
        /// along each of `axes` into `outs` (see `ndgrad._api`).
        #[pyfunction]
        #[allow(clippy::needless_pass_by_value)]
        fn $name<'py>(
            py: Python<'py>,
            f: PyReadonlyArrayDyn<'py, $in>,
            outs: Vec<Bound<'py, PyArrayDyn<$out>>>,
            axes: Vec<usize>,
            spacings: Vec<SpacingArg<'py>>,
            schemes: Vec<SchemeArg>,
            workers: usize,
        ) -> PyResult<()> {
            run(py, f, outs, axes, spacings, schemes, workers, $compute)
        }
    )*};
}
entry_points! {
    gradient_f2: f16 => f16, fused;
    gradient_f4: f32 => f32, fused;
    gradient_f8: f64 => f64, fused;
    gradient_c8: Complex<f32> => Complex<f32>, fused;
    gradient_c16: Complex<f64> => Complex<f64>, fused;
    gradient_i1: i8 => f64, fused;
    gradient_i2: i16 => f64, fused;
    gradient_i4: i32 => f64, fused;
    gradient_i8: i64 => f64, fused;
    gradient_u1: u8 => f64, fused;
    gradient_u2: u16 => f64, fused;
    gradient_u4: u32 => f64, fused;
    gradient_u8: u64 => f64, fused;
    gradient_m8: i64 => i64, timedelta_axes;
}

/// The types `gradient_fast` recognises without asking Python.
struct FastTypes {
    ndarray: Py<pyo3::types::PyType>,
    /// NumPy's scalar types a step may have, each with its dtype code
    /// (`float64` first: the most common).
    scalars: Vec<(Py<pyo3::types::PyType>, &'static str)>,
}

/// The NumPy scalar types of `FastTypes::scalars`, by name and dtype code.
const FAST_SCALARS: [(&str, &str); 11] = [
    ("float64", "f8"),
    ("float32", "f4"),
    ("float16", "f2"),
    ("int64", "i8"),
    ("int32", "i4"),
    ("int16", "i2"),
    ("int8", "i1"),
    ("uint64", "u8"),
    ("uint32", "u4"),
    ("uint16", "u2"),
    ("uint8", "u1"),
];

static FAST_TYPES: pyo3::sync::PyOnceLock<FastTypes> = pyo3::sync::PyOnceLock::new();

fn fast_types(py: Python<'_>) -> PyResult<&FastTypes> {
    FAST_TYPES.get_or_try_init(py, || {
        let np = py.import("numpy")?;
        Ok(FastTypes {
            ndarray: np.getattr("ndarray")?.cast_into()?.unbind(),
            scalars: FAST_SCALARS
                .iter()
                .map(|&(name, code)| Ok((np.getattr(name)?.cast_into()?.unbind(), code)))
                .collect::<PyResult<_>>()?,
        })
    })
}

/// One spacing argument as `_api.spec` would pass it, for the forms the
/// fast path takes: a Python `float` or `int` (weak), a NumPy scalar of a
/// spacing dtype (strong; `FAST_SCALARS`), all non-zero; a native-order
/// 1-D coordinate array of a spacing dtype and `len >= 2` samples (`None`
/// for a scalar there: NumPy's single scalar applies to every axis).
/// Anything else (zero steps, other types, wrong lengths) declines, and
/// `_api.py` answers with NumPy's rules and errors.
fn fast_spacing<'py>(
    types: &FastTypes,
    d: &Bound<'py, PyAny>,
    len: Option<usize>,
) -> Option<Held<'py>> {
    let py = d.py();
    if d.is_exact_instance_of::<pyo3::types::PyFloat>() {
        let h: f64 = d.extract().ok()?;
        return (h != 0.0).then(|| Held::Weak(Step::from(h)));
    }
    if d.is_exact_instance_of::<pyo3::types::PyInt>() {
        let h: i64 = d.extract().ok()?;
        return (h != 0).then(|| Held::Weak(Step::from(h)));
    }
    let ty = d.get_type();
    if let Some(&(_, code)) = types.scalars.iter().find(|(t, _)| ty.is(t.bind(py))) {
        return numpy_scalar_step(d, code).map(Held::Strong);
    }
    let len = len?;
    if !ty.is(types.ndarray.bind(py)) {
        return None;
    }
    let a = d.cast::<numpy::PyUntypedArray>().ok()?;
    let dtype = a.dtype();
    if a.ndim() != 1 || a.len() != len || len < 2 || dtype.is_native_byteorder() == Some(false) {
        return None;
    }
    let code = format!("{}{}", char::from(dtype.kind()), dtype.itemsize());
    hold_array(&code, d).ok().map(Held::Coords)
}

/// The value of a NumPy scalar of dtype `code` as a typed step, `None` for
/// zero (NumPy's division by a zero step is `_api.py`'s business).
fn numpy_scalar_step(d: &Bound<'_, PyAny>, code: &str) -> Option<Step> {
    let wide: f64 = d.extract().ok()?;
    if wide == 0.0 {
        return None;
    }
    // Every value of these types converts to f64 exactly except 64-bit
    // integers, which are read as integers.
    Some(match code {
        "f8" => Step::from(wide),
        "f4" => Step::from(wide as f32),
        "f2" => Step::from(f16::from_f64(wide)),
        "i8" => Step::from(d.extract::<i64>().ok()?),
        "i4" => Step::from(d.extract::<i32>().ok()?),
        "i2" => Step::from(d.extract::<i16>().ok()?),
        "i1" => Step::from(d.extract::<i8>().ok()?),
        "u8" => Step::from(d.extract::<u64>().ok()?),
        "u4" => Step::from(d.extract::<u32>().ok()?),
        "u2" => Step::from(d.extract::<u16>().ok()?),
        "u1" => Step::from(d.extract::<u8>().ok()?),
        _ => return None,
    })
}

/// Arrays up to this many elements are differentiated without releasing
/// the GIL: a few microseconds of work, less than a release costs.
const FAST_KEEP_GIL: usize = 1 << 14;

/// `gradient_fast` for input dtype `I`: allocates the outputs (NumPy's
/// `empty_like` layout for C- and Fortran-ordered inputs; others decline)
/// and differentiates every axis.
fn fast_run<'py, I>(
    py: Python<'py>,
    f: &Bound<'py, PyArrayDyn<I>>,
    axes: &[usize],
    held: &[Held<'_>],
    edge: EdgeOrder,
    workers: usize,
) -> PyResult<Option<Bound<'py, PyAny>>>
where
    I: numpy::Element + ndgrad::Element + Sync,
    I::Output: numpy::Element + Send,
{
    if f.dtype().is_native_byteorder() == Some(false) {
        return Ok(None);
    }
    let fortran = if f.is_c_contiguous() {
        false
    } else if f.is_fortran_contiguous() {
        true
    } else {
        return Ok(None);
    };
    let input = f.readonly();
    let input = input.as_array();
    let shape = input.shape().to_vec();
    let alloc = || -> Vec<Bound<'py, PyArrayDyn<I::Output>>> {
        held.iter()
            .map(|_| {
                #[allow(unsafe_code)]
                // SAFETY: `numpy.empty` (what `_api.py` allocates with
                // `np.empty_like`): the elements are plain numbers, every
                // one of which the kernel writes before the arrays are
                // returned; if it fails (which it does before writing),
                // they are dropped unread.
                unsafe {
                    PyArrayDyn::<I::Output>::new(py, shape.as_slice(), fortran)
                }
            })
            .collect()
    };
    let bytes = input.len().saturating_mul(std::mem::size_of::<I::Output>());
    let outs = if cache::worth_it(bytes) {
        cache::with_handler(py, alloc)?
    } else {
        alloc()
    };
    let mut writable = writable(&outs)?;
    let mut views: Vec<_> = writable.iter_mut().map(|o| o.as_array_mut()).collect();
    let spacing: Vec<Spacing<'_>> = held.iter().map(Held::spacing).collect();
    let schemes = vec![Scheme::numpy(edge); axes.len()];
    let work = || fused::<I>(&input, &mut views, axes, spacing, schemes, par(workers));
    if input.len() <= FAST_KEEP_GIL {
        work()
    } else {
        py.detach(work)
    }
    .map_err(|e| to_py(py, &e))?;
    drop(views);
    drop(writable);
    Ok(Some(if outs.len() == 1 {
        outs.into_iter()
            .next()
            .map_or_else(|| py.None().into_bound(py), Bound::into_any)
    } else {
        pyo3::types::PyTuple::new(py, outs)?.into_any()
    }))
}

/// `numpy.gradient(f, *varargs, axis=axis, edge_order=edge_order)` for the
/// common calls, read without Python-level argument handling: `f` an
/// `ndarray` (exactly) of a native numeric dtype, C- or Fortran-ordered,
/// with at least one dimension and `edge_order + 1` samples on every
/// requested axis; every axis, or one (`axis` an int); no spacing, one
/// non-zero scalar, or one per axis (scalars and `float64` coordinates, see
/// `fast_spacing`). Returns `None` for every other call, which `_api.py`
/// then handles in full: its rules, its errors. `workers` as for the entry
/// points (0: every thread for large arrays).
#[pyfunction]
fn gradient_fast<'py>(
    py: Python<'py>,
    f: &Bound<'py, PyAny>,
    varargs: &Bound<'py, pyo3::types::PyTuple>,
    axis: Option<isize>,
    edge_order: u8,
    workers: usize,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let Ok(edge) = EdgeOrder::try_from(i64::from(edge_order)) else {
        return Ok(None);
    };
    let types = fast_types(py)?;
    if !f.get_type().is(types.ndarray.bind(py)) {
        return Ok(None); // subclasses (masked arrays, matrices) keep NumPy's handling
    }
    let Ok(array) = f.cast::<numpy::PyUntypedArray>() else {
        return Ok(None);
    };
    let shape = array.shape();
    let ndim = shape.len();
    if ndim > MAX_NDIM {
        return Ok(None); // `_api.run` folds such arrays to three dimensions
    }
    let axes: Vec<usize> = match axis {
        None => (0..ndim).collect(),
        Some(a) => {
            // numpy's normalize_axis_index; out of range: its AxisError, from _api.py.
            let Ok(n) = isize::try_from(ndim) else {
                return Ok(None);
            };
            let a = if a < 0 { a + n } else { a };
            match usize::try_from(a) {
                Ok(a) if a < ndim => vec![a],
                _ => return Ok(None),
            }
        }
    };
    let min = usize::from(edge_order) + 1;
    if ndim == 0 || axes.iter().any(|&a| shape[a] < min) {
        return Ok(None);
    }
    let mut held = Vec::with_capacity(axes.len());
    match varargs.len() {
        0 => held.extend(axes.iter().map(|_| Held::Unit)),
        1 if axes.len() > 1 => {
            // One scalar for every axis (an array here is NumPy's error).
            let d = varargs.get_item(0)?;
            for _ in 0..axes.len() {
                let Some(h) = fast_spacing(types, &d, None) else {
                    return Ok(None);
                };
                held.push(h);
            }
        }
        n if n == axes.len() => {
            for (d, &a) in varargs.iter().zip(&axes) {
                let Some(h) = fast_spacing(types, &d, Some(shape[a])) else {
                    return Ok(None);
                };
                held.push(h);
            }
        }
        _ => return Ok(None),
    }
    macro_rules! try_dtypes {
        ($($t:ty),*) => {
            $(if let Ok(a) = f.cast::<PyArrayDyn<$t>>() {
                return fast_run::<$t>(py, a, &axes, &held, edge, workers);
            })*
        };
    }
    try_dtypes!(
        f64,
        f32,
        Complex<f64>,
        Complex<f32>,
        i64,
        i32,
        f16,
        i16,
        i8,
        u64,
        u32,
        u16,
        u8
    );
    Ok(None)
}

/// How one dtype's operators are computed: `magnitude` only for real
/// outputs.
type OperatorFn<I, O> = fn(
    &str,
    &[ArrayViewD<'_, I>],
    &mut [ArrayViewMutD<'_, O>],
    &Options<'_>,
) -> Result<(), OperatorError>;

/// A failed operator call: a core error, or an operator this dtype lacks.
enum OperatorError {
    Gradient(GradientError),
    Unsupported(String),
}

impl From<GradientError> for OperatorError {
    fn from(e: GradientError) -> Self {
        OperatorError::Gradient(e)
    }
}

/// Laplacian, divergence and curl: defined for every dtype.
fn linear_operators<I: ndgrad::Element>(
    op: &str,
    fields: &[ArrayViewD<'_, I>],
    outs: &mut [ArrayViewMutD<'_, I::Output>],
    opts: &Options<'_>,
) -> Result<(), OperatorError> {
    match (op, fields, outs) {
        ("laplacian", [f], [out]) => Ok(ndgrad::laplacian_into(f, out, opts)?),
        ("divergence", fields, [out]) => Ok(ndgrad::divergence_into(fields, out, opts)?),
        ("curl", fields, outs) => Ok(ndgrad::curl_into(fields, outs, opts)?),
        (op, fields, outs) => Err(OperatorError::Unsupported(format!(
            "no operator {op:?} for this dtype with {} inputs and {} outputs",
            fields.len(),
            outs.len()
        ))),
    }
}

/// Every operator, magnitude included: real data.
fn real_operators<I>(
    op: &str,
    fields: &[ArrayViewD<'_, I>],
    outs: &mut [ArrayViewMutD<'_, I::Output>],
    opts: &Options<'_>,
) -> Result<(), OperatorError>
where
    I: ndgrad::Element,
    I::Output: ndgrad::Float,
{
    match (op, fields, outs) {
        ("magnitude", [f], [out]) => Ok(ndgrad::magnitude_into(f, out, opts)?),
        ("magnitude", ..) => Err(OperatorError::Unsupported(
            "magnitude takes one array and one output".into(),
        )),
        (op, fields, outs) => linear_operators(op, fields, outs, opts),
    }
}

/// Runs operator `op` of `fields` into `outs`, with the GIL released.
#[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
fn run_operator<'py, I, O>(
    py: Python<'py>,
    op: &str,
    fields: Vec<PyReadonlyArrayDyn<'py, I>>,
    outs: Vec<Bound<'py, PyArrayDyn<O>>>,
    axes: Vec<usize>,
    spacings: Vec<SpacingArg<'py>>,
    schemes: Vec<SchemeArg>,
    workers: usize,
    compute: OperatorFn<I, O>,
) -> PyResult<()>
where
    I: numpy::Element + Sync,
    O: numpy::Element + Send,
{
    for f in &fields {
        check_ndim(f.ndim())?;
    }
    let (schemes, held) = per_axis(py, &axes, &spacings, &schemes)?;
    let mut writable = writable(&outs)?;
    let inputs: Vec<_> = fields.iter().map(|f| f.as_array()).collect();
    let mut views: Vec<_> = writable.iter_mut().map(|o| o.as_array_mut()).collect();
    let opts = Options::new()
        .axes(axes.iter().map(|&a| Axis(a)))
        .spacing_per_axis(held.iter().map(Held::spacing))
        .scheme_per_axis(schemes)
        .par(par(workers));
    py.detach(|| compute(op, &inputs, &mut views, &opts))
        .map_err(|e| match e {
            OperatorError::Gradient(e) => to_py(py, &e),
            OperatorError::Unsupported(msg) => PyTypeError::new_err(msg),
        })
}

macro_rules! operator_entry_points {
    ($($name:ident: $in:ty => $out:ty, $compute:expr;)*) => {$(
        /// The vector-calculus operator `op` (`magnitude`, `laplacian`,
        /// `divergence` or `curl`) of `fields`, for one input dtype, into
        /// `outs` (see `ndgrad._operators`).
        #[pyfunction]
        #[allow(clippy::needless_pass_by_value, clippy::too_many_arguments)]
        fn $name<'py>(
            py: Python<'py>,
            op: &str,
            fields: Vec<PyReadonlyArrayDyn<'py, $in>>,
            outs: Vec<Bound<'py, PyArrayDyn<$out>>>,
            axes: Vec<usize>,
            spacings: Vec<SpacingArg<'py>>,
            schemes: Vec<SchemeArg>,
            workers: usize,
        ) -> PyResult<()> {
            run_operator(py, op, fields, outs, axes, spacings, schemes, workers, $compute)
        }
    )*};
}
operator_entry_points! {
    operator_f2: f16 => f16, real_operators;
    operator_f4: f32 => f32, real_operators;
    operator_f8: f64 => f64, real_operators;
    operator_c8: Complex<f32> => Complex<f32>, linear_operators;
    operator_c16: Complex<f64> => Complex<f64>, linear_operators;
    operator_i1: i8 => f64, real_operators;
    operator_i2: i16 => f64, real_operators;
    operator_i4: i32 => f64, real_operators;
    operator_i8: i64 => f64, real_operators;
    operator_u1: u8 => f64, real_operators;
    operator_u2: u16 => f64, real_operators;
    operator_u4: u32 => f64, real_operators;
    operator_u8: u64 => f64, real_operators;
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

    #[cfg(feature = "probe")]
    #[pymodule_export]
    use super::_stencil_probe;

    #[pymodule_export]
    use super::{
        gradient_c8, gradient_c16, gradient_f2, gradient_f4, gradient_f8, gradient_i1, gradient_i2,
        gradient_i4, gradient_i8, gradient_m8, gradient_u1, gradient_u2, gradient_u4, gradient_u8,
    };

    #[pymodule_export]
    use super::{
        operator_c8, operator_c16, operator_f2, operator_f4, operator_f8, operator_i1, operator_i2,
        operator_i4, operator_i8, operator_u1, operator_u2, operator_u4, operator_u8,
    };

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
