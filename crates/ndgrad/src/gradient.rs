//! The public entry points: validate everything, allocate, run the kernels.

use core::ops::DerefMut;

use ndarray::{Array, ArrayRef, Axis, Dimension};

use crate::element::{Element, Scalar};
use crate::error::GradientError;
use crate::kernel;
use crate::options::{Options, Par, PerAxis};
use crate::plan::{self, AxisPlan};
use crate::scheme::Scheme;
use crate::spacing::Spacing;

type Out<I> = <I as Element>::Output;

/// The gradient of `f` along every axis with unit spacing and first-order
/// edges: `numpy.gradient(f)`.
///
/// Returns one array per axis, in axis order (a 0-d input gives none). Each
/// has `f`'s shape, and its memory order follows `f`'s (a Fortran-ordered
/// input gives Fortran-ordered outputs).
///
/// # Errors
///
/// [`GradientError::AxisTooShort`] if an axis has fewer than 2 samples.
///
/// # Examples
///
/// ```
/// use ndgrad::ndarray::array;
/// let f = array![1.0, 2.0, 4.0, 7.0, 11.0, 16.0];
/// let g = ndgrad::gradient(&f)?;
/// assert_eq!(g[0], array![1.0, 1.5, 2.5, 3.5, 4.5, 5.0]);
///
/// let z = array![[1.0, 2.0, 6.0], [3.0, 4.0, 5.0]];
/// let g = ndgrad::gradient(&z)?;
/// assert_eq!(g[0], array![[2.0, 2.0, -1.0], [2.0, 2.0, -1.0]]); // d/d(axis 0)
/// assert_eq!(g[1], array![[1.0, 2.5, 4.0], [1.0, 1.0, 1.0]]);   // d/d(axis 1)
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub fn gradient<I: Element, D: Dimension>(
    f: &ArrayRef<I, D>,
) -> Result<Vec<Array<Out<I>, D>>, GradientError> {
    gradient_with(f, &Options::new())
}

/// [`gradient`] into caller-owned outputs, one per axis, of any memory
/// layout; nothing is allocated.
///
/// # Errors
///
/// As [`gradient`], and [`GradientError::OutputCount`] or
/// [`GradientError::OutputShape`] if the outputs do not match; nothing is
/// written then.
///
/// # Examples
///
/// ```
/// use ndgrad::ndarray::{array, Array2, ShapeBuilder};
/// let f = array![[1.0, 2.0], [4.0, 8.0]];
/// let mut outs = [Array2::zeros((2, 2)), Array2::zeros((2, 2).f())];
/// ndgrad::gradient_into(&f, &mut outs)?;
/// assert_eq!(outs[0], array![[3.0, 6.0], [3.0, 6.0]]);
/// assert_eq!(outs[1], array![[1.0, 1.0], [4.0, 4.0]]);
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub fn gradient_into<I, D, O>(f: &ArrayRef<I, D>, outs: &mut [O]) -> Result<(), GradientError>
where
    I: Element,
    D: Dimension,
    O: DerefMut<Target = ArrayRef<Out<I>, D>>,
{
    gradient_with_into(f, outs, &Options::new())
}

/// The gradient with every option `numpy.gradient` has: axes, spacing per
/// axis, edge order (and threads).
///
/// Returns one array per requested axis, in the order requested.
///
/// # Errors
///
/// Every problem is reported before any work is done:
/// [`GradientError::AxisOutOfBounds`], [`GradientError::RepeatedAxis`],
/// [`GradientError::SpacingCount`], [`GradientError::CoordinateLength`],
/// [`GradientError::AxisTooShort`].
///
/// # Examples
///
/// ```
/// use ndgrad::{gradient_with, EdgeOrder, Options, Spacing};
/// use ndgrad::ndarray::{array, Axis};
///
/// // np.gradient([0, 1, 4, 9, 16], [0, 1, 3, 6, 10])
/// let f = array![0.0, 1.0, 4.0, 9.0, 16.0];
/// let x = array![0.0, 1.0, 3.0, 6.0, 10.0];
/// let g = gradient_with(&f, &Options::new().spacing(Spacing::coordinates(&x)))?;
/// assert_eq!(g[0], array![1.0, 1.1666666666666665, 1.5666666666666667,
///                         1.7023809523809523, 1.75]);
///
/// // np.gradient(z, 2.0, axis=1, edge_order=2) on a quadratic: exact.
/// let z = array![[0.0, 4.0, 16.0, 36.0]];
/// let opts = Options::new()
///     .axes([Axis(1)])
///     .spacing(Spacing::uniform(2.0))
///     .edge_order(EdgeOrder::Second);
/// assert_eq!(gradient_with(&z, &opts)?[0], array![[0.0, 4.0, 8.0, 12.0]]);
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub fn gradient_with<I: Element, D: Dimension>(
    f: &ArrayRef<I, D>,
    opts: &Options<'_>,
) -> Result<Vec<Array<Out<I>, D>>, GradientError> {
    let plans = plan_all(f.shape(), opts)?;
    let mut outs: Vec<_> = plans
        .iter()
        .map(|_| alloc_like(f, <Out<I> as Scalar>::ZERO))
        .collect();
    apply_planned(f, &mut outs, &plans, opts.par);
    Ok(outs)
}

/// [`gradient_with`] into caller-owned outputs, one per requested axis, of
/// any memory layout; nothing is allocated.
///
/// # Errors
///
/// As [`gradient_with`], and [`GradientError::OutputCount`] or
/// [`GradientError::OutputShape`]; nothing is written if any check fails.
///
/// # Examples
///
/// ```
/// use ndgrad::{gradient_with_into, Options};
/// use ndgrad::ndarray::{array, Array2, Axis};
/// let f = array![[1.0, 2.0, 4.0]];
/// let mut out = Array2::<f64>::zeros((1, 3));
/// gradient_with_into(&f, &mut [out.view_mut()], &Options::new().axes([Axis(1)]))?;
/// assert_eq!(out, array![[1.0, 1.5, 2.0]]);
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub fn gradient_with_into<I, D, O>(
    f: &ArrayRef<I, D>,
    outs: &mut [O],
    opts: &Options<'_>,
) -> Result<(), GradientError>
where
    I: Element,
    D: Dimension,
    O: DerefMut<Target = ArrayRef<Out<I>, D>>,
{
    let plans = plan_all(f.shape(), opts)?;
    if outs.len() != plans.len() {
        return Err(GradientError::OutputCount {
            got: outs.len(),
            expected: plans.len(),
        });
    }
    for out in outs.iter() {
        check_output_shape(f.shape(), out.shape())?;
    }
    apply_planned(f, outs, &plans, opts.par);
    Ok(())
}

/// The gradient along one axis: `numpy.gradient(f, spacing, axis=axis,
/// edge_order=edge)`, or any other [`Scheme`] (an [`EdgeOrder`](crate::EdgeOrder)
/// is NumPy's).
///
/// # Errors
///
/// [`GradientError::AxisOutOfBounds`], [`GradientError::CoordinateLength`],
/// [`GradientError::AxisTooShort`].
///
/// # Examples
///
/// ```
/// use ndgrad::{gradient_axis, EdgeOrder, Spacing};
/// use ndgrad::ndarray::{array, Axis};
/// let f = array![1.0, 2.0, 4.0, 7.0, 11.0, 16.0];
/// let g = gradient_axis(&f, Axis(0), Spacing::uniform(2.0), EdgeOrder::Second)?;
/// assert_eq!(g, array![0.25, 0.75, 1.25, 1.75, 2.25, 2.75]);
///
/// // The second derivative at fourth order: exact for this quartic.
/// let q = ndgrad::ndarray::Array1::from_iter((0..9).map(|i| f64::from(i).powi(4)));
/// let g = gradient_axis(&q, Axis(0), Spacing::Unit, ndgrad::Scheme::new(2, 4)?)?;
/// assert!(g.iter().enumerate().all(|(i, &v)| (v - 12.0 * (i * i) as f64).abs() < 1e-9));
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub fn gradient_axis<I: Element, D: Dimension>(
    f: &ArrayRef<I, D>,
    axis: Axis,
    spacing: Spacing<'_>,
    scheme: impl Into<Scheme>,
) -> Result<Array<Out<I>, D>, GradientError> {
    let plan = plan_axis(f.shape(), axis, &spacing, &scheme.into())?;
    let mut out = alloc_like(f, <Out<I> as Scalar>::ZERO);
    kernel::apply::<I, D>(f.view(), out.view_mut(), axis, &plan, Par::Seq);
    Ok(out)
}

/// The primitive everything else is built on: one axis, into a caller-owned
/// output of any layout, with a choice of threads. Allocates nothing of the
/// array's size.
///
/// # Errors
///
/// As [`gradient_axis`], and [`GradientError::OutputShape`]; nothing is
/// written if any check fails.
///
/// # Examples
///
/// ```
/// use ndgrad::{gradient_axis_into, EdgeOrder, Par, Spacing};
/// use ndgrad::ndarray::{array, Array2, Axis};
/// let f = array![[1.0f32, 2.0], [5.0, 3.0], [6.0, 1.0]];
/// let x = array![0.0f32, 2.0, 3.0];
/// let mut out = Array2::<f32>::zeros((3, 2));
/// gradient_axis_into(&f, &mut out, Axis(0), Spacing::coordinates(&x), EdgeOrder::First, Par::Seq)?;
/// assert_eq!(out.column(0).to_vec(), [2.0, 1.3333333, 1.0]);
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub fn gradient_axis_into<I: Element, D: Dimension>(
    f: &ArrayRef<I, D>,
    out: &mut ArrayRef<Out<I>, D>,
    axis: Axis,
    spacing: Spacing<'_>,
    scheme: impl Into<Scheme>,
    par: Par,
) -> Result<(), GradientError> {
    axis_into::<I, D>(f, out, axis, &spacing, &scheme.into(), par)
}

/// One axis into `out` for any codec: validate, plan, run. Nothing is
/// written if a check fails.
pub(crate) fn axis_into<C: kernel::Codec, D: Dimension>(
    f: &ArrayRef<C::In, D>,
    out: &mut ArrayRef<C::Stored, D>,
    axis: Axis,
    spacing: &Spacing<'_>,
    scheme: &Scheme,
    par: Par,
) -> Result<(), GradientError> {
    let plan = plan_axis(f.shape(), axis, spacing, scheme)?;
    check_output_shape(f.shape(), out.shape())?;
    kernel::apply::<C, D>(f.view(), out.view_mut(), axis, &plan, par);
    Ok(())
}

/// Runs validated plans into matching outputs, all axes in one pass.
fn apply_planned<I, D, O>(
    f: &ArrayRef<I, D>,
    outs: &mut [O],
    plans: &[(Axis, AxisPlan<'_>)],
    par: Par,
) where
    I: Element,
    D: Dimension,
    O: DerefMut<Target = ArrayRef<Out<I>, D>>,
{
    let jobs: Vec<_> = plans.iter().map(|(axis, plan)| (*axis, plan)).collect();
    let views = outs.iter_mut().map(|o| o.view_mut()).collect();
    kernel::apply_all::<I, D>(&f.view(), views, &jobs, par);
}

pub(crate) fn check_output_shape(expected: &[usize], got: &[usize]) -> Result<(), GradientError> {
    if got == expected {
        Ok(())
    } else {
        Err(GradientError::OutputShape {
            got: got.to_vec(),
            expected: expected.to_vec(),
        })
    }
}

pub(crate) fn plan_axis<'a>(
    shape: &[usize],
    axis: Axis,
    spacing: &Spacing<'a>,
    scheme: &Scheme,
) -> Result<AxisPlan<'a>, GradientError> {
    let Some(&len) = shape.get(axis.index()) else {
        return Err(GradientError::AxisOutOfBounds {
            axis: axis.index(),
            ndim: shape.len(),
        });
    };
    plan::plan(spacing, axis.index(), len, scheme)
}

/// Checks `opts` against an array of `shape` exactly as [`gradient_with`]
/// would, without computing anything.
///
/// For callers that differentiate an array piece by piece (a file streamed
/// in slabs, blocks of a chunked array) and must report the whole array's
/// error, NumPy's, before any work.
///
/// # Errors
///
/// The [`GradientError`] that [`gradient_with`] would return for an array of
/// this shape.
///
/// ```
/// use ndgrad::{check, GradientError, Options};
/// use ndgrad::ndarray::Axis;
/// assert!(check(&[1000, 3], &Options::new()).is_ok());
/// assert_eq!(
///     check(&[1000, 3], &Options::new().axes([Axis(2)])),
///     Err(GradientError::AxisOutOfBounds { axis: 2, ndim: 2 })
/// );
/// ```
pub fn check(shape: &[usize], opts: &Options<'_>) -> Result<(), GradientError> {
    plan_all(shape, opts).map(drop)
}

/// Validates `opts` against `shape` in NumPy's order (axes, spacing count,
/// coordinate lengths, axis lengths) and plans every requested axis.
pub(crate) fn plan_all<'a>(
    shape: &[usize],
    opts: &Options<'a>,
) -> Result<Vec<(Axis, AxisPlan<'a>)>, GradientError> {
    let ndim = shape.len();
    let axes: Vec<Axis> = match &opts.axes {
        None => (0..ndim).map(Axis).collect(),
        Some(axes) => {
            let mut seen = vec![false; ndim];
            for &Axis(axis) in axes {
                let Some(s) = seen.get_mut(axis) else {
                    return Err(GradientError::AxisOutOfBounds { axis, ndim });
                };
                if core::mem::replace(s, true) {
                    return Err(GradientError::RepeatedAxis { axis });
                }
            }
            axes.clone()
        }
    };
    let spacings: Vec<Spacing<'a>> = match &opts.spacing {
        PerAxis::All(s) => vec![*s; axes.len()],
        PerAxis::Each(v) if v.len() == axes.len() => v.clone(),
        PerAxis::Each(v) => {
            return Err(GradientError::SpacingCount {
                got: v.len(),
                axes: axes.len(),
            });
        }
    };
    let schemes: Vec<Scheme> = match &opts.scheme {
        PerAxis::All(s) => vec![*s; axes.len()],
        PerAxis::Each(v) if v.len() == axes.len() => v.clone(),
        PerAxis::Each(v) => {
            return Err(GradientError::SchemeCount {
                got: v.len(),
                axes: axes.len(),
            });
        }
    };
    for (axis, s) in axes.iter().zip(&spacings) {
        if let Some(x) = s.coords()
            && x.len() != shape[axis.index()]
        {
            let (axis, got, expected) = (axis.index(), x.len(), shape[axis.index()]);
            return Err(GradientError::CoordinateLength {
                axis,
                got,
                expected,
            });
        }
    }
    axes.iter()
        .zip(spacings.iter().zip(&schemes))
        .map(|(&axis, (s, scheme))| Ok((axis, plan_axis(shape, axis, s, scheme)?)))
        .collect()
}

/// An output with `f`'s shape whose memory order follows `f`'s strides
/// (NumPy's `empty_like`, order `K`), so that input and output are walked
/// in the same order.
pub(crate) fn alloc_like<A, T: Clone, D: Dimension>(f: &ArrayRef<A, D>, zero: T) -> Array<T, D> {
    let ndim = f.ndim();
    let mut order: Vec<usize> = (0..ndim).collect();
    // Outermost (largest stride) first; stable, so ties keep C order.
    order.sort_by_key(|&k| core::cmp::Reverse(f.stride_of(Axis(k)).unsigned_abs()));
    let mut shape = f.raw_dim();
    let mut inverse = f.raw_dim();
    for (pos, &k) in order.iter().enumerate() {
        shape[pos] = f.len_of(Axis(k));
        inverse[k] = pos;
    }
    Array::from_elem(shape, zero).permuted_axes(inverse)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EdgeOrder;
    use ndarray::{Array3, ShapeBuilder, array};

    #[test]
    fn outputs_follow_the_input_memory_order() {
        let c = Array3::<f64>::zeros((2, 3, 4));
        assert!(alloc_like(&c, 0.0).is_standard_layout());
        let fo = Array3::<f64>::zeros((2, 3, 4).f());
        assert!(alloc_like(&fo, 0.0).t().is_standard_layout());
        let p = c.view().permuted_axes([1, 2, 0]);
        let out = alloc_like(&p, 0.0);
        assert_eq!(out.shape(), p.shape());
        assert_eq!(out.strides(), p.strides());
    }

    #[test]
    fn axis_errors_come_before_spacing_errors() {
        let f = array![[1.0, 2.0], [3.0, 4.0]];
        let opts = Options::new()
            .axes([Axis(0), Axis(0)])
            .spacing_per_axis([Spacing::Unit]);
        assert_eq!(
            gradient_with(&f, &opts).unwrap_err(),
            GradientError::RepeatedAxis { axis: 0 }
        );
        let opts = Options::new().axes([Axis(2)]);
        assert_eq!(
            gradient_with(&f, &opts).unwrap_err(),
            GradientError::AxisOutOfBounds { axis: 2, ndim: 2 }
        );
        let opts = Options::new().spacing_per_axis([Spacing::Unit]);
        assert_eq!(
            gradient_with(&f, &opts).unwrap_err(),
            GradientError::SpacingCount { got: 1, axes: 2 }
        );
    }

    #[test]
    fn coordinate_lengths_are_checked_before_axis_lengths() {
        // Axis 0 is too short for edge order 2, axis 1 has bad coordinates:
        // NumPy reports the coordinates first.
        let f = Array3::<f64>::zeros((2, 3, 1));
        let x = array![0.0, 1.0];
        let opts = Options::new()
            .axes([Axis(0), Axis(1)])
            .spacing_per_axis([Spacing::Unit, Spacing::coordinates(&x)])
            .edge_order(EdgeOrder::Second);
        assert_eq!(
            gradient_with(&f, &opts).unwrap_err(),
            GradientError::CoordinateLength {
                axis: 1,
                got: 2,
                expected: 3
            }
        );
    }

    #[test]
    fn bad_outputs_are_rejected_before_writing() {
        let f = array![1.0, 2.0, 3.0];
        let mut out = ndarray::Array1::from_elem(4, 7.0);
        let err = gradient_axis_into(
            &f,
            &mut out,
            Axis(0),
            Spacing::Unit,
            EdgeOrder::First,
            Par::Seq,
        );
        assert_eq!(
            err,
            Err(GradientError::OutputShape {
                got: vec![4],
                expected: vec![3]
            })
        );
        assert!(out.iter().all(|&v| v == 7.0));
        let mut outs: [ndarray::Array1<f64>; 0] = [];
        assert_eq!(
            gradient_into(&f, &mut outs),
            Err(GradientError::OutputCount {
                got: 0,
                expected: 1
            })
        );
    }

    #[test]
    fn zero_dimensional_input_has_no_axes() {
        let f = ndarray::arr0(3.0);
        assert!(gradient(&f).unwrap().is_empty());
        assert_eq!(
            gradient_axis(&f, Axis(0), Spacing::Unit, EdgeOrder::First).unwrap_err(),
            GradientError::AxisOutOfBounds { axis: 0, ndim: 0 }
        );
    }

    #[test]
    fn empty_other_axes_give_empty_outputs() {
        let f = ndarray::Array2::<f32>::zeros((0, 3));
        let g = gradient_with(&f, &Options::new().axes([Axis(1)])).unwrap();
        assert_eq!(g[0].shape(), &[0, 3]);
        assert_eq!(
            gradient(&f).unwrap_err(),
            GradientError::AxisTooShort {
                axis: 0,
                len: 0,
                scheme: Scheme::numpy(crate::EdgeOrder::First),
                needed: 2
            }
        );
    }
}
