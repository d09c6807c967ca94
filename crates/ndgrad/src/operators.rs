//! Vector calculus in one pass: gradient magnitude, Laplacian, divergence
//! and curl.
//!
//! Each operator is a sum (or difference, or root of a sum of squares) of
//! derivatives along several axes. Composed from [`gradient_with`] calls,
//! every derivative would be an array of its own and the input would be
//! read once per axis. Here the input is cut into cache-sized slabs and
//! every derivative of a slab is computed into the output or a slab-sized
//! scratch array and combined at once: the outputs are the only
//! allocations of the array's size.
//!
//! The combination is NumPy's arithmetic in the output type, term by term
//! in axis order, so each operator gives the bits of the composed
//! expression: `np.sqrt(g0*g0 + g1*g1 + …)` on [`gradient_with`]'s outputs
//! for [`magnitude`], and the sums and differences of [`gradient_with`]
//! outputs for the others.
//!
//! [`gradient_with`]: crate::gradient_with

use core::ops::DerefMut;

use ndarray::{Array, ArrayRef, ArrayView, Axis, Dimension};

use crate::element::{Element, Float, Scalar};
use crate::error::GradientError;
use crate::gradient::{alloc_like, check_output_shape, plan_all};
use crate::kernel::{self, Difference, Norm, Sum, Term};
use crate::options::{Options, PerAxis};
use crate::plan::AxisPlan;

/// What one call computes: the gradient (one array per axis) or one of the
/// fused operators. Surfaces (the Python binding, the command line) name
/// the operation with it and dispatch on it.
///
/// ```
/// use ndgrad::Operator;
/// assert_eq!(Operator::from_name("curl"), Some(Operator::Curl));
/// assert_eq!(Operator::Divergence.name(), "divergence");
/// assert!(Operator::Curl.is_vector() && !Operator::Laplacian.is_vector());
/// assert_eq!(Operator::from_name("hessian"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operator {
    /// [`gradient_with`](crate::gradient_with): one array per axis.
    Gradient,
    /// [`magnitude`]: `sqrt(g0*g0 + g1*g1 + …)`.
    Magnitude,
    /// [`laplacian`]: the sum of the second derivatives.
    Laplacian,
    /// [`divergence`]: component `i` along the i-th axis, summed.
    Divergence,
    /// [`curl`]: one array for 2 axes, three for 3.
    Curl,
}

impl Operator {
    /// Every operation, in the order above.
    pub const ALL: [Operator; 5] = [
        Operator::Gradient,
        Operator::Magnitude,
        Operator::Laplacian,
        Operator::Divergence,
        Operator::Curl,
    ];

    /// Its name, as the Python functions are called.
    pub const fn name(self) -> &'static str {
        match self {
            Operator::Gradient => "gradient",
            Operator::Magnitude => "magnitude",
            Operator::Laplacian => "laplacian",
            Operator::Divergence => "divergence",
            Operator::Curl => "curl",
        }
    }

    /// The operation called `name` ([`Operator::name`]), if there is one.
    pub fn from_name(name: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|op| op.name() == name)
    }

    /// Whether it takes a vector field: one input array per axis.
    pub const fn is_vector(self) -> bool {
        matches!(self, Operator::Divergence | Operator::Curl)
    }
}

type Out<I> = <I as Element>::Output;

/// The gradient magnitude `sqrt(g0*g0 + g1*g1 + …)` over the requested
/// axes, `gᵢ` the derivative along the i-th of them, summed in that order.
///
/// Takes every option [`gradient_with`](crate::gradient_with) takes and
/// gives the bits of `np.sqrt(g0*g0 + g1*g1 + ...)` on its outputs (not
/// `hypot`: a square that overflows gives `inf`, as NumPy does). Defined
/// for real data; integer data give `f64`.
///
/// # Errors
///
/// Those of [`gradient_with`](crate::gradient_with), and
/// [`GradientError::NoAxes`] if no axis is requested.
///
/// # Examples
///
/// ```
/// use ndgrad::{magnitude, Options};
/// use ndgrad::ndarray::array;
/// // f = 3x + 4y on a unit grid: |∇f| = 5 everywhere.
/// let f = array![[0.0, 4.0, 8.0], [3.0, 7.0, 11.0], [6.0, 10.0, 14.0]];
/// assert_eq!(magnitude(&f, &Options::new())?, ndgrad::ndarray::Array2::from_elem((3, 3), 5.0));
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub fn magnitude<I, D>(
    f: &ArrayRef<I, D>,
    opts: &Options<'_>,
) -> Result<Array<Out<I>, D>, GradientError>
where
    I: Element,
    I::Output: Float,
    D: Dimension,
{
    let mut out = alloc_like(f, <Out<I> as Scalar>::ZERO);
    magnitude_into(f, &mut out, opts)?;
    Ok(out)
}

/// [`magnitude`] into a caller-owned output of any layout.
///
/// # Errors
///
/// As [`magnitude`], and [`GradientError::OutputShape`]; nothing is
/// written if a check fails.
pub fn magnitude_into<I, D>(
    f: &ArrayRef<I, D>,
    out: &mut ArrayRef<Out<I>, D>,
    opts: &Options<'_>,
) -> Result<(), GradientError>
where
    I: Element,
    I::Output: Float,
    D: Dimension,
{
    let plans = plan_some(f.shape(), opts, "magnitude")?;
    check_output_shape(f.shape(), out.shape())?;
    let terms = vec![single_input_terms(&plans)];
    kernel::apply_fused::<I, D, Norm>(&[f.view()], vec![out.view_mut()], &terms, opts.par);
    Ok(())
}

/// The Laplacian: the sum over the requested axes, in their order, of the
/// second derivative along each.
///
/// Each axis uses the direct second-derivative stencil (not the gradient
/// applied twice) at the accuracy and boundary of its scheme in `opts`;
/// NumPy's schemes (the default) count as accuracy 2, the 3-point
/// `f[i-1] - 2 f[i] + f[i+1]` inside. The scheme's derivative order is
/// not used: it is 2. Gives the bits of adding the second derivatives
/// ([`Scheme::new(2, k)`](crate::Scheme::new)) in axis order.
///
/// # Errors
///
/// Those of [`gradient_with`](crate::gradient_with) for the second-derivative
/// schemes (an axis needs at least `k + 2` samples, `k + 1` periodic), and
/// [`GradientError::NoAxes`].
///
/// # Examples
///
/// ```
/// use ndgrad::{laplacian, Options, Spacing};
/// use ndgrad::ndarray::Array2;
/// // x² + y² on a grid of step 0.5: the Laplacian is 4 everywhere, ends included.
/// let f = Array2::from_shape_fn((5, 6), |(i, j)| {
///     let (x, y) = (0.5 * i as f64, 0.5 * j as f64);
///     x * x + y * y
/// });
/// let lap = laplacian(&f, &Options::new().spacing(Spacing::uniform(0.5)))?;
/// assert!(lap.iter().all(|&v| v == 4.0));
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub fn laplacian<I: Element, D: Dimension>(
    f: &ArrayRef<I, D>,
    opts: &Options<'_>,
) -> Result<Array<Out<I>, D>, GradientError> {
    let mut out = alloc_like(f, <Out<I> as Scalar>::ZERO);
    laplacian_into(f, &mut out, opts)?;
    Ok(out)
}

/// [`laplacian`] into a caller-owned output of any layout.
///
/// # Errors
///
/// As [`laplacian`], and [`GradientError::OutputShape`]; nothing is
/// written if a check fails.
pub fn laplacian_into<I: Element, D: Dimension>(
    f: &ArrayRef<I, D>,
    out: &mut ArrayRef<Out<I>, D>,
    opts: &Options<'_>,
) -> Result<(), GradientError> {
    let mut second = opts.clone();
    second.scheme = match &opts.scheme {
        PerAxis::All(s) => PerAxis::All(s.second_derivative()),
        PerAxis::Each(v) => PerAxis::Each(v.iter().map(|s| s.second_derivative()).collect()),
    };
    let plans = plan_some(f.shape(), &second, "laplacian")?;
    check_output_shape(f.shape(), out.shape())?;
    let terms = vec![single_input_terms(&plans)];
    kernel::apply_fused::<I, D, Sum>(&[f.view()], vec![out.view_mut()], &terms, opts.par);
    Ok(())
}

/// The divergence `∂F₀/∂x₀ + ∂F₁/∂x₁ + …` of a vector field: component `i`
/// differentiated along the i-th requested axis (by default axis `i`, so
/// an N-D field has N components), summed in that order.
///
/// Takes every option [`gradient_with`](crate::gradient_with) takes, the
/// spacing and scheme of each axis applying to the component
/// differentiated along it, and gives the bits of adding the
/// [`gradient_with`](crate::gradient_with) results.
///
/// # Errors
///
/// [`GradientError::ComponentShape`] if the components differ in shape,
/// [`GradientError::ComponentCount`] unless there is one per axis, and
/// those of [`gradient_with`](crate::gradient_with).
///
/// # Examples
///
/// ```
/// use ndgrad::{divergence, Options};
/// use ndgrad::ndarray::Array3;
/// // F = (x, y, z) on a unit grid: div F = 3.
/// let shape = (3, 4, 5);
/// let x = Array3::from_shape_fn(shape, |(i, _, _)| i as f64);
/// let y = Array3::from_shape_fn(shape, |(_, j, _)| j as f64);
/// let z = Array3::from_shape_fn(shape, |(_, _, k)| k as f64);
/// let div = divergence(&[x.view(), y.view(), z.view()], &Options::new())?;
/// assert!(div.iter().all(|&v| v == 3.0));
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub fn divergence<I: Element, D: Dimension>(
    fields: &[ArrayView<'_, I, D>],
    opts: &Options<'_>,
) -> Result<Array<Out<I>, D>, GradientError> {
    let Some(f) = fields.first() else {
        return Err(GradientError::NoAxes {
            operator: "divergence",
        });
    };
    let mut out = alloc_like(f, <Out<I> as Scalar>::ZERO);
    divergence_into(fields, &mut out, opts)?;
    Ok(out)
}

/// [`divergence`] into a caller-owned output of any layout.
///
/// # Errors
///
/// As [`divergence`], and [`GradientError::OutputShape`]; nothing is
/// written if a check fails.
pub fn divergence_into<I: Element, D: Dimension>(
    fields: &[ArrayView<'_, I, D>],
    out: &mut ArrayRef<Out<I>, D>,
    opts: &Options<'_>,
) -> Result<(), GradientError> {
    let plans = field_plans(fields, opts, "divergence")?;
    check_output_shape(fields[0].shape(), out.shape())?;
    let terms = vec![
        plans
            .iter()
            .enumerate()
            .map(|(input, (axis, plan))| Term {
                input,
                axis: *axis,
                plan,
            })
            .collect(),
    ];
    kernel::apply_fused::<I, D, Sum>(fields, vec![out.view_mut()], &terms, opts.par);
    Ok(())
}

/// The curl of a vector field in 2 or 3 dimensions, component `i` along
/// the i-th requested axis `xᵢ` (by default axis `i`):
///
/// * 2 axes: one array, `∂F₁/∂x₀ − ∂F₀/∂x₁`;
/// * 3 axes: three arrays, `(∂F₂/∂x₁ − ∂F₁/∂x₂, ∂F₀/∂x₂ − ∂F₂/∂x₀,
///   ∂F₁/∂x₀ − ∂F₀/∂x₁)`.
///
/// Each is the bits of the composed differences of
/// [`gradient_with`](crate::gradient_with) results. For data laid out as
/// `meshgrid`'s default `"xy"` indexing (axis 0 is y, axis 1 is x), request
/// the axes `[Axis(1), Axis(0)]` (and `Axis(2)` for z), with the spacings
/// in that order.
///
/// # Errors
///
/// [`GradientError::CurlAxes`] unless 2 or 3 axes are requested, and those
/// of [`divergence`].
///
/// # Examples
///
/// ```
/// use ndgrad::{curl, Options};
/// use ndgrad::ndarray::Array2;
/// // F = (-y, x): a rotation, whose curl is 2.
/// let fx = Array2::from_shape_fn((4, 5), |(_, j)| -(j as f64));
/// let fy = Array2::from_shape_fn((4, 5), |(i, _)| i as f64);
/// // x along axis 0, y along axis 1: component 0 is F_x, component 1 is F_y.
/// let c = curl(&[fx.view(), fy.view()], &Options::new())?;
/// assert_eq!(c.len(), 1);
/// assert!(c[0].iter().all(|&v| v == 2.0));
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub fn curl<I: Element, D: Dimension>(
    fields: &[ArrayView<'_, I, D>],
    opts: &Options<'_>,
) -> Result<Vec<Array<Out<I>, D>>, GradientError> {
    let Some(f) = fields.first() else {
        return Err(GradientError::NoAxes { operator: "curl" });
    };
    let count = if fields.len() == 3 { 3 } else { 1 };
    let mut outs: Vec<_> = (0..count)
        .map(|_| alloc_like(f, <Out<I> as Scalar>::ZERO))
        .collect();
    curl_into(fields, &mut outs, opts)?;
    Ok(outs)
}

/// [`curl`] into caller-owned outputs of any layout: one for 2 axes, three
/// for 3.
///
/// # Errors
///
/// As [`curl`], and [`GradientError::OutputCount`] or
/// [`GradientError::OutputShape`]; nothing is written if a check fails.
pub fn curl_into<I, D, O>(
    fields: &[ArrayView<'_, I, D>],
    outs: &mut [O],
    opts: &Options<'_>,
) -> Result<(), GradientError>
where
    I: Element,
    D: Dimension,
    O: DerefMut<Target = ArrayRef<Out<I>, D>>,
{
    let plans = field_plans(fields, opts, "curl")?;
    let term = |input: usize, along: usize| Term {
        input,
        axis: plans[along].0,
        plan: &plans[along].1,
    };
    // (F[a] along x[b]) - (F[c] along x[d]).
    let jobs: Vec<Vec<Term<'_, '_>>> = match plans.len() {
        2 => vec![vec![term(1, 0), term(0, 1)]],
        3 => vec![
            vec![term(2, 1), term(1, 2)],
            vec![term(0, 2), term(2, 0)],
            vec![term(1, 0), term(0, 1)],
        ],
        got => return Err(GradientError::CurlAxes { got }),
    };
    if outs.len() != jobs.len() {
        return Err(GradientError::OutputCount {
            got: outs.len(),
            expected: jobs.len(),
        });
    }
    for out in outs.iter() {
        check_output_shape(fields[0].shape(), out.shape())?;
    }
    let views = outs.iter_mut().map(|o| o.view_mut()).collect();
    kernel::apply_fused::<I, D, Difference>(fields, views, &jobs, opts.par);
    Ok(())
}

/// Plans every requested axis, which must be at least one.
fn plan_some<'a>(
    shape: &[usize],
    opts: &Options<'a>,
    operator: &'static str,
) -> Result<Vec<(Axis, AxisPlan<'a>)>, GradientError> {
    let plans = plan_all(shape, opts)?;
    if plans.is_empty() {
        return Err(GradientError::NoAxes { operator });
    }
    Ok(plans)
}

/// One term per planned axis, all of input 0.
fn single_input_terms<'p, 'a>(plans: &'p [(Axis, AxisPlan<'a>)]) -> Vec<Term<'p, 'a>> {
    plans
        .iter()
        .map(|(axis, plan)| Term {
            input: 0,
            axis: *axis,
            plan,
        })
        .collect()
}

/// Checks a vector field (one shape, one component per axis; `curl` also
/// 2 or 3 axes) and plans its axes.
fn field_plans<'a, I, D: Dimension>(
    fields: &[ArrayView<'_, I, D>],
    opts: &Options<'a>,
    operator: &'static str,
) -> Result<Vec<(Axis, AxisPlan<'a>)>, GradientError> {
    let Some(first) = fields.first() else {
        return Err(GradientError::NoAxes { operator });
    };
    for (index, f) in fields.iter().enumerate().skip(1) {
        if f.shape() != first.shape() {
            return Err(GradientError::ComponentShape {
                index,
                got: f.shape().to_vec(),
                expected: first.shape().to_vec(),
            });
        }
    }
    let plans = plan_some(first.shape(), opts, operator)?;
    if operator == "curl" && !(2..=3).contains(&plans.len()) {
        return Err(GradientError::CurlAxes { got: plans.len() });
    }
    if fields.len() != plans.len() {
        return Err(GradientError::ComponentCount {
            operator,
            got: fields.len(),
            expected: plans.len(),
        });
    }
    Ok(plans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::f16_from_f64;
    use crate::{EdgeOrder, Par, Scheme, Spacing, gradient_with};
    use half::f16;
    use ndarray::{Array2, Array3, ShapeBuilder, array};

    /// Threads when there are any: results must not depend on them.
    fn par() -> Par {
        #[cfg(feature = "rayon")]
        return Par::rayon(4);
        #[cfg(not(feature = "rayon"))]
        return Par::Seq;
    }

    fn field(shape: (usize, usize, usize), seed: u64) -> Array3<f64> {
        Array3::from_shape_fn(shape, |(i, j, k)| {
            let v = (i as u64 * 7 + j as u64 * 13 + k as u64 * 29 + seed).wrapping_mul(2654435761)
                % 1000;
            v as f64 / 37.0
        })
    }

    #[test]
    fn operators_equal_composed_gradients_bit_for_bit() {
        let f = field((9, 10, 11), 1);
        let fortran = {
            let mut a = Array3::zeros((9, 10, 11).f());
            a.assign(&f);
            a
        };
        let x = ndarray::Array1::from_iter((0..10).map(|i| f64::from(i) * f64::from(i) * 0.1));
        let opts = Options::new()
            .spacing_per_axis([
                Spacing::uniform(0.3),
                Spacing::coordinates(&x),
                Spacing::Unit,
            ])
            .edge_order(EdgeOrder::Second)
            .par(par());
        for input in [f.view(), fortran.view(), f.view().permuted_axes([0, 1, 2])] {
            let g = gradient_with(&input, &opts).unwrap();
            let expected = (&g[0] * &g[0] + &g[1] * &g[1] + &g[2] * &g[2]).mapv(f64::sqrt);
            assert_eq!(magnitude(&input, &opts).unwrap(), expected);
        }
        let comps = [
            field((9, 10, 11), 2),
            field((9, 10, 11), 3),
            fortran.clone(),
        ];
        let views: Vec<_> = comps.iter().map(|c| c.view()).collect();
        let g: Vec<_> = (0..3)
            .map(|i| {
                let o = Options::new()
                    .axes([Axis(i)])
                    .spacing_per_axis([[
                        Spacing::uniform(0.3),
                        Spacing::coordinates(&x),
                        Spacing::Unit,
                    ][i]])
                    .edge_order(EdgeOrder::Second);
                gradient_with(&views[i], &o).unwrap().remove(0)
            })
            .collect();
        assert_eq!(divergence(&views, &opts).unwrap(), &g[0] + &g[1] + &g[2]);
        let lap_opts = opts.clone().scheme(Scheme::new(1, 4).unwrap());
        let d2: Vec<_> = (0..3)
            .map(|i| {
                let o = lap_opts.clone().scheme(Scheme::new(2, 4).unwrap());
                gradient_with(&f, &o).unwrap().remove(i)
            })
            .collect();
        assert_eq!(laplacian(&f, &lap_opts).unwrap(), &d2[0] + &d2[1] + &d2[2]);
    }

    #[test]
    fn curl_is_the_composed_differences() {
        let comps = [
            field((6, 7, 8), 4),
            field((6, 7, 8), 5),
            field((6, 7, 8), 6),
        ];
        let views: Vec<_> = comps.iter().map(|c| c.view()).collect();
        let opts = Options::new().spacing(Spacing::uniform(0.5));
        let d = |c: usize, axis: usize| {
            gradient_with(
                &views[c],
                &opts
                    .clone()
                    .axes([Axis(axis)])
                    .spacing(Spacing::uniform(0.5)),
            )
            .unwrap()
            .remove(0)
        };
        let c = curl(&views, &opts).unwrap();
        assert_eq!(c[0], d(2, 1) - d(1, 2));
        assert_eq!(c[1], d(0, 2) - d(2, 0));
        assert_eq!(c[2], d(1, 0) - d(0, 1));
        // Two axes of a 3-D array: the curl of the (x0, x1) = (axis 2, axis 0) plane.
        let two = curl(&views[..2], &opts.clone().axes([Axis(2), Axis(0)])).unwrap();
        assert_eq!(two.len(), 1);
        assert_eq!(two[0], d(1, 2) - d(0, 0));
    }

    #[test]
    fn float16_operations_are_numpy_s() {
        // NumPy computes each half operation in f32 and rounds once; that
        // is the correctly rounded result, which f64 gives exactly here.
        for bits in 0..=u16::MAX {
            let a = f16::from_bits(bits);
            let want = f16_from_f64(f64::from(a).sqrt());
            let got = Float::sqrt(a);
            assert!(got == want || (got.is_nan() && want.is_nan()), "sqrt({a})");
        }
        for (ab, bb) in (0..=u16::MAX)
            .step_by(97)
            .zip((0..=u16::MAX).rev().step_by(89))
        {
            let (a, b) = (f16::from_bits(ab), f16::from_bits(bb));
            for (got, want) in [
                (Float::mul(a, b), f64::from(a) * f64::from(b)),
                (Scalar::add(a, b), f64::from(a) + f64::from(b)),
            ] {
                let want = f16_from_f64(want);
                assert!(got == want || (got.is_nan() && want.is_nan()), "{a} {b}");
            }
        }
    }

    #[test]
    fn bad_fields_are_rejected_before_writing() {
        let a = Array2::<f64>::zeros((3, 4));
        let b = Array2::<f64>::zeros((4, 3));
        let opts = Options::new();
        assert_eq!(
            divergence(&[a.view(), b.view()], &opts).unwrap_err(),
            GradientError::ComponentShape {
                index: 1,
                got: vec![4, 3],
                expected: vec![3, 4]
            }
        );
        assert_eq!(
            divergence(&[a.view()], &opts).unwrap_err(),
            GradientError::ComponentCount {
                operator: "divergence",
                got: 1,
                expected: 2
            }
        );
        let empty: [ndarray::ArrayView2<'_, f64>; 0] = [];
        assert_eq!(
            curl(&empty, &opts).unwrap_err(),
            GradientError::NoAxes { operator: "curl" }
        );
        let line = array![1.0, 2.0, 3.0];
        assert_eq!(
            curl(&[line.view()], &opts).unwrap_err(),
            GradientError::CurlAxes { got: 1 }
        );
        assert_eq!(
            magnitude(&a, &opts.clone().axes([])).unwrap_err(),
            GradientError::NoAxes {
                operator: "magnitude"
            }
        );
        let short = Array2::<f64>::zeros((4, 2));
        assert!(matches!(
            laplacian(&short, &opts).unwrap_err(),
            GradientError::AxisTooShort {
                axis: 1,
                len: 2,
                needed: 4,
                ..
            }
        ));
        let mut outs = [
            Array2::from_elem((3, 4), 7.0),
            Array2::from_elem((3, 4), 7.0),
        ];
        assert_eq!(
            curl_into(&[a.view(), a.view()], &mut outs, &opts).unwrap_err(),
            GradientError::OutputCount {
                got: 2,
                expected: 1
            }
        );
        assert!(outs.iter().flatten().all(|&v| v == 7.0));
    }
}
