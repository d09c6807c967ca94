//! What an entry point computes ([`Op`]: the core's [`Operator`], read
//! from its Python name once at the boundary) and the vector-calculus operators (`magnitude`,
//! `laplacian`, `divergence`, `curl`) each dtype has. The `run_*` entry
//! points (`lib.rs`) run them with the GIL released.

use ndgrad::ndarray::{ArrayViewD, ArrayViewMutD};
use ndgrad::{Operator, Options};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;

use crate::Failure;

/// What an entry point computes ([`Operator`]), read from its Python name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Op(pub(crate) Operator);

impl FromPyObject<'_, '_> for Op {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, '_, PyAny>) -> Result<Self, Self::Error> {
        let name: PyBackedStr = obj.extract()?;
        Operator::from_name(&name).map(Op).ok_or_else(|| {
            let names = Operator::ALL.map(Operator::name).join(", ");
            PyValueError::new_err(format!("expected one of {names}; got {:?}", &*name))
        })
    }
}

/// The operators of a dtype without any (timedelta64).
pub(crate) fn no_operators<I, O>(
    op: Operator,
    _: &[ArrayViewD<'_, I>],
    _: &mut [ArrayViewMutD<'_, O>],
    _: &Options<'_>,
) -> Result<(), Failure> {
    Err(Failure::Unsupported(format!(
        "no operator {} for this dtype",
        op.name()
    )))
}

/// Laplacian, divergence and curl: defined for every dtype.
pub(crate) fn linear_operators<I: ndgrad::Element>(
    op: Operator,
    fields: &[ArrayViewD<'_, I>],
    outs: &mut [ArrayViewMutD<'_, I::Output>],
    opts: &Options<'_>,
) -> Result<(), Failure> {
    match (op, fields, outs) {
        (Operator::Laplacian, [f], [out]) => Ok(ndgrad::laplacian_into(f, out, opts)?),
        (Operator::Divergence, fields, [out]) => Ok(ndgrad::divergence_into(fields, out, opts)?),
        (Operator::Curl, fields, outs) => Ok(ndgrad::curl_into(fields, outs, opts)?),
        (op, fields, outs) => Err(Failure::Unsupported(format!(
            "no operator {} for this dtype with {} inputs and {} outputs",
            op.name(),
            fields.len(),
            outs.len()
        ))),
    }
}

/// Every operator, magnitude included: real data.
pub(crate) fn real_operators<I>(
    op: Operator,
    fields: &[ArrayViewD<'_, I>],
    outs: &mut [ArrayViewMutD<'_, I::Output>],
    opts: &Options<'_>,
) -> Result<(), Failure>
where
    I: ndgrad::Element,
    I::Output: ndgrad::Float,
{
    match (op, fields, outs) {
        (Operator::Magnitude, [f], [out]) => Ok(ndgrad::magnitude_into(f, out, opts)?),
        (Operator::Magnitude, ..) => Err(Failure::Unsupported(
            "magnitude takes one array and one output".into(),
        )),
        (op, fields, outs) => linear_operators(op, fields, outs, opts),
    }
}
