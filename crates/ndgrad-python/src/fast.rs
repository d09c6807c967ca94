//! `gradient_fast`: NumPy's common `gradient` calls read without
//! Python-level argument handling, every other call declined to `_api.py`.

use half::f16;
use ndgrad::{EdgeOrder, Scheme, Spacing, Step};
use num_complex::Complex;
use numpy::{PyArrayDescrMethods, PyArrayDyn, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::prelude::*;

use crate::args::{Held, MAX_NDIM, hold_array, par, writable};
use crate::{cache, fused, to_py};

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
pub(crate) fn gradient_fast<'py>(
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
