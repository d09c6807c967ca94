//! The pieces of an axis, for the Dask adapter: which rows each block
//! reads, with which scheme, and their spacing, all from the core's
//! [`AxisPieces`] (and [`shift_wrapped`] for coordinates that are Dask
//! arrays themselves, gathered block by block). Python derives none of it.

use ndgrad::{AxisPieces, Coords, Spacing, Step, shift_wrapped};
use numpy::PyArray1;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::args::{SchemeArg, SpacingArg, hold, hold_array, scheme};
use crate::to_py;

/// One block's piece: the rows it reads (`read_lo..read_hi`, past either
/// end on a periodic axis), where its own rows start among them, and the
/// coordinates of the rows read (`None` for a step).
type PieceOut = (isize, isize, usize, Option<Py<PyAny>>);

/// Every block's piece of axis `axis` (`n` samples) under `scheme_arg` and
/// `spacing_arg`, blocks given as `(start, stop)` output rows. Returns the
/// step equally spaced coordinates collapse to (NumPy's rule, on the whole
/// axis; `None` otherwise), whether the pieces are differentiated with
/// one-sided ends (a periodic axis' pieces hold the rows past its ends)
/// rather than the axis' scheme, and the pieces. Raises the whole axis'
/// error, as a call on it would.
#[pyfunction]
#[allow(clippy::needless_pass_by_value, clippy::type_complexity)]
pub(crate) fn pieces<'py>(
    py: Python<'py>,
    spacing_arg: SpacingArg<'py>,
    scheme_arg: SchemeArg,
    axis: usize,
    n: usize,
    blocks: Vec<(usize, usize)>,
) -> PyResult<(Option<Py<PyAny>>, bool, Vec<PieceOut>)> {
    let held = hold(&spacing_arg)?;
    let given = held.spacing();
    let s = scheme(py, &scheme_arg)?;
    let axis_pieces = AxisPieces::new(&given, s, axis, n).map_err(|e| to_py(py, &e))?;
    let piece = |rows: (usize, usize)| {
        axis_pieces.piece(rows.0..rows.1).ok_or_else(|| {
            PyValueError::new_err(format!(
                "rows {}..{} are not a piece of an axis of {n} samples",
                rows.0, rows.1
            ))
        })
    };
    let first = piece((0, 1))?;
    let coords_given = matches!(given, Spacing::Coordinates(_) | Spacing::NonUniform(_));
    let step = match first.spacing() {
        Spacing::Uniform(h) if coords_given => Some(step_to_py(py, h)?),
        _ => None,
    };
    let one_sided = first.scheme != s;
    let out = blocks
        .into_iter()
        .map(|rows| {
            let p = piece(rows)?;
            let coords = match p.spacing() {
                Spacing::Coordinates(x) | Spacing::NonUniform(x) => Some(coords_to_py(py, &x)),
                _ => None,
            };
            Ok((p.read.start, p.read.end, p.own.start, coords))
        })
        .collect::<PyResult<_>>()?;
    Ok((step, one_sided, out))
}

/// Coordinates of rows `lo..lo + len(values)` of a periodic axis of `n`
/// samples with `period`, gathered (wrapped) block by block, shifted by the
/// period past the ends ([`shift_wrapped`]): `values` of dtype `code`.
#[pyfunction]
pub(crate) fn shift_periodic<'py>(
    py: Python<'py>,
    code: &str,
    values: &Bound<'py, PyAny>,
    lo: isize,
    n: usize,
    period: f64,
) -> PyResult<Py<PyAny>> {
    let held = hold_array(code, values)?;
    let x = held.coords();
    let read = lo..lo + x.len() as isize;
    let shifted = shift_wrapped(&x, read, n, period)
        .unwrap_or_else(|| unreachable!("the rows read are as many as the values"));
    match shifted.spacing() {
        Spacing::NonUniform(x) => Ok(coords_to_py(py, &x)),
        _ => unreachable!("shifted coordinates are coordinates"),
    }
}

/// A copy of coordinates as a NumPy array of their type.
fn coords_to_py(py: Python<'_>, x: &Coords<'_>) -> Py<PyAny> {
    macro_rules! copy {
        ($($v:ident),*) => {
            match x {
                $(Coords::$v(x) => PyArray1::from_array(py, x).into_any().unbind(),)*
                _ => unreachable!("Coords has these variants"),
            }
        };
    }
    copy!(F16, F32, F64, I8, I16, I32, I64, U8, U16, U32, U64)
}

/// A step as a NumPy scalar of its type.
fn step_to_py(py: Python<'_>, h: Step) -> PyResult<Py<PyAny>> {
    macro_rules! scalar {
        ($($v:ident),*) => {
            match h {
                $(Step::$v(h) => PyArray1::from_slice(py, &[h]).get_item(0)?.unbind(),)*
                _ => unreachable!("Step has these variants"),
            }
        };
    }
    Ok(scalar!(F16, F32, F64, I8, I16, I32, I64, U8, U16, U32, U64))
}
