//! The vector-calculus operators (`magnitude`, `laplacian`, `divergence`,
//! `curl`) for `ndgrad._operators`: which ones a dtype has. The
//! `operator_*` entry points (`lib.rs`) run them with the GIL released.

use ndgrad::Options;
use ndgrad::ndarray::{ArrayViewD, ArrayViewMutD};

use crate::Failure;

/// Laplacian, divergence and curl: defined for every dtype.
pub(crate) fn linear_operators<I: ndgrad::Element>(
    op: &str,
    fields: &[ArrayViewD<'_, I>],
    outs: &mut [ArrayViewMutD<'_, I::Output>],
    opts: &Options<'_>,
) -> Result<(), Failure> {
    match (op, fields, outs) {
        ("laplacian", [f], [out]) => Ok(ndgrad::laplacian_into(f, out, opts)?),
        ("divergence", fields, [out]) => Ok(ndgrad::divergence_into(fields, out, opts)?),
        ("curl", fields, outs) => Ok(ndgrad::curl_into(fields, outs, opts)?),
        (op, fields, outs) => Err(Failure::Unsupported(format!(
            "no operator {op:?} for this dtype with {} inputs and {} outputs",
            fields.len(),
            outs.len()
        ))),
    }
}

/// Every operator, magnitude included: real data.
pub(crate) fn real_operators<I>(
    op: &str,
    fields: &[ArrayViewD<'_, I>],
    outs: &mut [ArrayViewMutD<'_, I::Output>],
    opts: &Options<'_>,
) -> Result<(), Failure>
where
    I: ndgrad::Element,
    I::Output: ndgrad::Float,
{
    match (op, fields, outs) {
        ("magnitude", [f], [out]) => Ok(ndgrad::magnitude_into(f, out, opts)?),
        ("magnitude", ..) => Err(Failure::Unsupported(
            "magnitude takes one array and one output".into(),
        )),
        (op, fields, outs) => linear_operators(op, fields, outs, opts),
    }
}
