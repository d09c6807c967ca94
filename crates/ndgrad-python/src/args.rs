//! Reading the per-axis arguments `ndgrad._call` builds: one axis'
//! spacing ([`SpacingArg`], held as [`Held`] while the kernels borrow its
//! array) and scheme ([`SchemeArg`]), the outputs borrowed for writing, and
//! the worker count.

use half::f16;
use ndgrad::{Boundary, Coords, EdgeOrder, Par, Scheme, Spacing, Step};
use numpy::{PyArrayDyn, PyArrayMethods, PyReadonlyArray1, PyReadwriteArrayDyn};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::to_py;

/// A spacing argument, holding the NumPy array its values live in.
pub(crate) enum Held<'py> {
    Unit,
    Weak(Step),
    Strong(Step),
    Coords(HeldCoords<'py>),
    NonUniform(HeldCoords<'py>),
}

macro_rules! held_coords {
    ($($code:literal => $t:ty, $v:ident;)*) => {
        pub(crate) enum HeldCoords<'py> {
            $($v(PyReadonlyArray1<'py, $t>),)*
        }

        impl HeldCoords<'_> {
            pub(crate) fn coords(&self) -> Coords<'_> {
                match self {
                    $(HeldCoords::$v(a) => Coords::from(a.as_array()),)*
                }
            }
        }

        /// Reads `values` as a 1-D array of the dtype named by `code`
        /// (`numpy.dtype.str` without the byte-order character).
        pub(crate) fn hold_array<'py>(code: &str, values: &Bound<'py, PyAny>) -> PyResult<HeldCoords<'py>> {
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
pub(crate) struct SpacingArg<'py> {
    kind: String,
    dtype: Option<String>,
    values: Option<Bound<'py, PyAny>>,
}

pub(crate) fn hold<'py>(arg: &SpacingArg<'py>) -> PyResult<Held<'py>> {
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
    pub(crate) fn spacing(&self) -> Spacing<'_> {
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
pub(crate) struct SchemeArg {
    derivative: u8,
    accuracy: Option<u8>,
    edge_order: u8,
    periodic: bool,
    period: Option<f64>,
}

pub(crate) fn scheme(py: Python<'_>, arg: &SchemeArg) -> PyResult<Scheme> {
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

/// The per-axis arguments of a call, read from `_api.py`'s tuples: one
/// scheme and one held spacing per axis.
pub(crate) fn per_axis<'py>(
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

/// The arguments every per-dtype entry point takes after its arrays: the
/// axes, one spacing and one scheme per axis, and `workers` (see [`par`]).
pub(crate) struct Call<'py> {
    pub(crate) axes: Vec<usize>,
    pub(crate) spacings: Vec<SpacingArg<'py>>,
    pub(crate) schemes: Vec<SchemeArg>,
    pub(crate) workers: usize,
}

impl<'py> Call<'py> {
    /// The schemes and held spacings, one per axis ([`per_axis`]).
    pub(crate) fn per_axis(&self, py: Python<'py>) -> PyResult<(Vec<Scheme>, Vec<Held<'py>>)> {
        per_axis(py, &self.axes, &self.spacings, &self.schemes)
    }
}

/// The output arrays, borrowed for writing.
pub(crate) fn writable<'py, O: numpy::Element>(
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
/// `workers` as `_api.py` passes it: 0 for every thread, else a task count.
pub(crate) fn par(workers: usize) -> Par {
    match workers {
        1 => Par::Seq,
        n => Par::rayon(n),
    }
}
/// The most dimensions an array can have here: rust-numpy's views keep a
/// 32-bit mask of inverted axes and panic beyond it. NumPy allows 64;
/// `_api.run` folds a larger array to three dimensions around the
/// differentiated axis, and the operators refuse it.
pub(crate) const MAX_NDIM: usize = 32;

/// Refuses an array with more than [`MAX_NDIM`] dimensions (a panic in
/// rust-numpy otherwise).
pub(crate) fn check_ndim(ndim: usize) -> PyResult<()> {
    if ndim > MAX_NDIM {
        return Err(PyValueError::new_err(format!(
            "the compiled kernels take arrays of at most {MAX_NDIM} dimensions; got {ndim}"
        )));
    }
    Ok(())
}
