//! Chains: one axis' result differentiated along another, in one call.

use ndarray::{Array, ArrayRef, Axis, Dimension};

use crate::element::{Element, Scalar};
use crate::error::GradientError;
use crate::gradient::{alloc_like, check_output_shape, plan_axis};
use crate::kernel;
use crate::options::Par;
use crate::plan::AxisPlan;
use crate::scheme::Scheme;
use crate::spacing::Spacing;

type Out<I> = <I as Element>::Output;

/// One pass of a [`chain`]: a 1-D operation along `axis` with its spacing
/// and scheme, as [`gradient_axis`](crate::gradient_axis) takes them.
///
/// ```
/// use ndgrad::{EdgeOrder, Pass, Scheme, Spacing};
/// use ndgrad::ndarray::Axis;
/// let p = Pass::new(Axis(1), Spacing::uniform(0.5), Scheme::new(1, 4)?);
/// assert_eq!(p.axis, Axis(1));
/// let numpy = Pass::new(Axis(0), Spacing::Unit, EdgeOrder::Second);
/// assert_eq!(numpy.scheme, Scheme::numpy(EdgeOrder::Second));
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Pass<'a> {
    /// The axis the pass runs along.
    pub axis: Axis,
    /// The spacing of that axis.
    pub spacing: Spacing<'a>,
    /// What is computed along it.
    pub scheme: Scheme,
}

impl<'a> Pass<'a> {
    /// A pass along `axis` with `spacing` and `scheme`.
    pub fn new(axis: Axis, spacing: Spacing<'a>, scheme: impl Into<Scheme>) -> Self {
        Pass {
            axis,
            spacing,
            scheme: scheme.into(),
        }
    }
}

/// The passes applied in order, each to the previous one's result: a mixed
/// partial derivative (`∂²f/∂x∂y` is a first derivative along `y` of one
/// along `x`), or NumPy's `gradient(gradient(f, axis=i), axis=j)` in one
/// call, bit for bit.
///
/// The result has `f`'s shape and memory order and is in `f`'s output type
/// (a later pass reads the earlier one's result in that type, as the
/// composed calls would). The passes run slab by slab through one
/// slab-sized scratch array, not through a temporary of the array's size
/// per pass; only a chain that runs along every axis of length ≥ 2 after
/// its first pass (axis 0 twice on a 1-D array) needs one temporary of
/// `f`'s size.
///
/// # Errors
///
/// [`GradientError::EmptyChain`] for no passes; otherwise the first error
/// [`gradient_axis`](crate::gradient_axis) would return for a pass, in the
/// passes' order.
///
/// # Examples
///
/// ```
/// use ndgrad::{chain, gradient_axis, EdgeOrder, Pass, Scheme, Spacing};
/// use ndgrad::ndarray::{array, Axis};
/// let z = array![[1.0, 2.0, 6.0, 7.0], [3.0, 4.0, 5.0, 1.0], [0.0, 2.0, 9.0, 4.0]];
///
/// // np.gradient(np.gradient(z, axis=0), axis=1), in one call:
/// let passes = [Pass::new(Axis(0), Spacing::Unit, EdgeOrder::First),
///               Pass::new(Axis(1), Spacing::Unit, EdgeOrder::First)];
/// let dxy = chain(&z, &passes)?;
/// let dx = gradient_axis(&z, Axis(0), Spacing::Unit, EdgeOrder::First)?;
/// assert_eq!(dxy, gradient_axis(&dx, Axis(1), Spacing::Unit, EdgeOrder::First)?);
///
/// // A mixed partial of fourth-order stencils: exact for x²y².
/// let q = ndgrad::ndarray::Array2::from_shape_fn((6, 7), |(i, j)| (i * i * j * j) as f64);
/// let d1 = Scheme::new(1, 4)?;
/// let passes = [Pass::new(Axis(0), Spacing::Unit, d1), Pass::new(Axis(1), Spacing::Unit, d1)];
/// let m = chain(&q, &passes)?;
/// assert!(m.indexed_iter().all(|((i, j), &v)| (v - (4 * i * j) as f64).abs() < 1e-9));
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub fn chain<I: Element, D: Dimension>(
    f: &ArrayRef<I, D>,
    passes: &[Pass<'_>],
) -> Result<Array<Out<I>, D>, GradientError> {
    let plans = plan_passes(f.shape(), passes)?;
    let mut out = alloc_like(f, <Out<I> as Scalar>::ZERO);
    run(f, &mut out, &plans, Par::Seq);
    Ok(out)
}

/// [`chain`] into a caller-owned output of any memory layout, with a
/// choice of threads.
///
/// # Errors
///
/// As [`chain`], and [`GradientError::OutputShape`]; nothing is written if
/// any check fails.
///
/// ```
/// use ndgrad::{chain_into, Par, Pass, Scheme, Spacing};
/// use ndgrad::ndarray::{Array1, Axis};
/// let f = Array1::from_iter((0..8).map(|i| f64::from(i).powi(3)));
/// let mut out = Array1::zeros(8);
/// let d2 = Scheme::new(2, 2)?;
/// chain_into(&f, &mut out, &[Pass::new(Axis(0), Spacing::Unit, d2)], Par::Seq)?;
/// assert_eq!(out[3], 18.0); // 6x at x = 3
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub fn chain_into<I: Element, D: Dimension>(
    f: &ArrayRef<I, D>,
    out: &mut ArrayRef<Out<I>, D>,
    passes: &[Pass<'_>],
    par: Par,
) -> Result<(), GradientError> {
    let plans = plan_passes(f.shape(), passes)?;
    check_output_shape(f.shape(), out.shape())?;
    run(f, out, &plans, par);
    Ok(())
}

/// Every pass' plan against `shape`, in order.
fn plan_passes<'a>(
    shape: &[usize],
    passes: &[Pass<'a>],
) -> Result<Vec<(Axis, AxisPlan<'a>)>, GradientError> {
    if passes.is_empty() {
        return Err(GradientError::EmptyChain);
    }
    passes
        .iter()
        .map(|p| Ok((p.axis, plan_axis(shape, p.axis, &p.spacing, &p.scheme)?)))
        .collect()
}

fn run<I: Element, D: Dimension>(
    f: &ArrayRef<I, D>,
    out: &mut ArrayRef<Out<I>, D>,
    plans: &[(Axis, AxisPlan<'_>)],
    par: Par,
) {
    let passes: Vec<_> = plans.iter().map(|(axis, plan)| (*axis, plan)).collect();
    kernel::apply_chain::<I, D>(&f.view(), out.view_mut(), &passes, par);
}
