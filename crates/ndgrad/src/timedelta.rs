//! Gradients of `timedelta64` and `datetime64` data, stored as NumPy stores
//! them: `i64` ticks of a unit, with `i64::MIN` meaning `NaT`.
//!
//! NumPy differentiates `datetime64[unit]` data by viewing it as
//! `timedelta64[unit]`; the result is `timedelta64[unit]`. Its timedelta
//! arithmetic is integer arithmetic, reproduced here exactly (NumPy 2.x):
//!
//! | operation | result |
//! | --- | --- |
//! | `a - b`, `a + b` | wrapping `i64` arithmetic; `NaT` if either is `NaT` |
//! | `a / x`, `x * a` (float `x`) | `a as f64 / x` (or `x * a`) in `f64`, truncated toward zero; `NaT` if `a` is `NaT` or the result is not finite or out of range |
//! | `a / k` (integer step `k`) | integer division truncated toward zero; `NaT` if `a` is `NaT` or `k == 0` |
//!
//! The stencil formulas and their coefficients are those of
//! [`gradient_axis`](crate::gradient_axis); an integer step (a Python or
//! NumPy `int`) divides first-order edges as an integer, every other
//! coefficient is a float.
//!
//! ```
//! use ndgrad::ndarray::{array, Axis};
//! use ndgrad::{timedelta, EdgeOrder, Spacing};
//!
//! // np.gradient(np.array([-5, -3, 10, 12, 61, 321, 300], 'm8[D]'))
//! let days = array![-5i64, -3, 10, 12, 61, 321, 300];
//! let g = timedelta::gradient_axis(&days, Axis(0), Spacing::Unit, EdgeOrder::First)?;
//! assert_eq!(g, array![2, 7, 7, 25, 154, 119, -21]);
//!
//! // NaT propagates: np.gradient(np.array(['2020-01-01', '2020-01-03', 'NaT', '2020-01-10'], 'M8[D]'))
//! let dates = array![18262i64, 18264, timedelta::NAT, 18271];
//! let g = timedelta::gradient_axis(&dates, Axis(0), Spacing::Unit, EdgeOrder::First)?;
//! assert_eq!(g, array![2, timedelta::NAT, 3, timedelta::NAT]);
//! # Ok::<(), ndgrad::GradientError>(())
//! ```

use ndarray::{Array, ArrayRef, Axis, Dimension};

use crate::element::{Compute, Element, Precision, Scalar, sealed};
use crate::error::GradientError;
use crate::gradient::{alloc_like, axis_into, plan_axis};
use crate::kernel::{self, Codec};
use crate::options::Par;
use crate::scheme::EdgeOrder;
use crate::spacing::Spacing;

/// NumPy's "not a time" (`NaT`): the smallest `i64`.
pub const NAT: i64 = i64::MIN;

/// A timedelta value in the kernels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ticks(i64);

impl sealed::Sealed for Ticks {}

impl Element for Ticks {
    type Output = Ticks;
    fn to_output(self) -> Ticks {
        self
    }
}

impl Scalar for Ticks {
    // Timedelta arithmetic has one precision: coefficients are always f64.
    const PRECISION: Precision = Precision::Double;
    const ZERO: Self = Ticks(0);
    type Half = TickCompute;
    type Single = TickCompute;
    type Double = TickCompute;

    /// `TIMEDELTA_mm_m_subtract`.
    fn sub(self, rhs: Self) -> Self {
        if self.0 == NAT || rhs.0 == NAT {
            Ticks(NAT)
        } else {
            Ticks(self.0.wrapping_sub(rhs.0))
        }
    }

    /// `TIMEDELTA_mm_m_add`.
    fn add(self, rhs: Self) -> Self {
        if self.0 == NAT || rhs.0 == NAT {
            Ticks(NAT)
        } else {
            Ticks(self.0.wrapping_add(rhs.0))
        }
    }
}

/// What the stencil handles for timedelta data: values, float coefficients,
/// and integer steps.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TickCompute {
    /// A timedelta.
    Ticks(i64),
    /// A float coefficient or step.
    Coef(f64),
    /// An integer step.
    IntStep(i64),
}

/// `(npy_timedelta)result` for a finite `result`; on x86 an out-of-range
/// conversion gives the "integer indefinite" value `i64::MIN`, which is `NaT`.
fn to_ticks(result: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if result.is_finite() && (-LIMIT..LIMIT).contains(&result) {
        result as i64
    } else {
        NAT
    }
}

impl Compute<Ticks> for TickCompute {
    fn lift(t: Ticks) -> Self {
        TickCompute::Ticks(t.0)
    }
    fn lower(self) -> Ticks {
        match self {
            TickCompute::Ticks(v) => Ticks(v),
            other => unreachable!("the stencil ends in a timedelta, not {other:?}"),
        }
    }
    fn from_f64(x: f64) -> Self {
        TickCompute::Coef(x)
    }
    fn from_step(x: f64, integer: bool) -> Self {
        if integer {
            TickCompute::IntStep(x as i64)
        } else {
            TickCompute::Coef(x)
        }
    }
    /// `TIMEDELTA_mm_m_add`.
    fn add(self, rhs: Self) -> Self {
        match (self, rhs) {
            (TickCompute::Ticks(a), TickCompute::Ticks(b)) => {
                TickCompute::Ticks(if a == NAT || b == NAT {
                    NAT
                } else {
                    a.wrapping_add(b)
                })
            }
            pair => unreachable!("the stencil adds timedeltas, not {pair:?}"),
        }
    }
    /// `TIMEDELTA_dm_m_multiply`: coefficient times timedelta.
    fn mul(self, rhs: Self) -> Self {
        match (self, rhs) {
            (TickCompute::Coef(c), TickCompute::Ticks(v)) => TickCompute::Ticks(if v == NAT {
                NAT
            } else {
                to_ticks(c * v as f64)
            }),
            pair => {
                unreachable!("the stencil multiplies a coefficient by a timedelta, not {pair:?}")
            }
        }
    }
    /// `TIMEDELTA_md_m_divide` for a float step, `TIMEDELTA_mq_m_divide` for an integer one.
    fn div(self, rhs: Self) -> Self {
        match (self, rhs) {
            (TickCompute::Ticks(v), TickCompute::Coef(x)) => TickCompute::Ticks(if v == NAT {
                NAT
            } else {
                to_ticks(v as f64 / x)
            }),
            (TickCompute::Ticks(v), TickCompute::IntStep(k)) => {
                TickCompute::Ticks(if v == NAT || k == 0 {
                    NAT
                } else {
                    v.wrapping_div(k)
                })
            }
            pair => unreachable!("the stencil divides a timedelta by a step, not {pair:?}"),
        }
    }
}

/// Reads and writes `i64` ticks, computes as [`Ticks`].
pub(crate) struct TimedeltaCodec;

impl Codec for TimedeltaCodec {
    type In = i64;
    type Value = Ticks;
    type Stored = i64;
    fn load(x: i64) -> Ticks {
        Ticks(x)
    }
    fn store(v: Ticks) -> i64 {
        v.0
    }
}

/// The gradient of timedelta64 (or datetime64) ticks along one axis:
/// `numpy.gradient(f, spacing, axis=axis, edge_order=edge)`.
///
/// # Errors
///
/// As [`gradient_axis`](crate::gradient_axis).
///
/// # Examples
///
/// ```
/// use ndgrad::ndarray::{array, Axis};
/// use ndgrad::{timedelta, EdgeOrder, Spacing};
/// // np.gradient(np.array([-7, 7, 0], 'm8[s]'), 2): integer division truncates.
/// let g = timedelta::gradient_axis(&array![-7i64, 7, 0], Axis(0), Spacing::uniform_weak(2), EdgeOrder::First)?;
/// assert_eq!(g, array![7, 1, -3]);
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub fn gradient_axis<D: Dimension>(
    f: &ArrayRef<i64, D>,
    axis: Axis,
    spacing: Spacing<'_>,
    edge: EdgeOrder,
) -> Result<Array<i64, D>, GradientError> {
    let plan = plan_axis(f.shape(), axis, &spacing, &edge.into())?;
    let mut out = alloc_like(f, 0i64);
    kernel::apply::<TimedeltaCodec, D>(f.view(), out.view_mut(), axis, &plan, Par::Seq);
    Ok(out)
}

/// [`gradient_axis`] into a caller-owned output of any layout.
///
/// # Errors
///
/// As [`gradient_axis_into`](crate::gradient_axis_into).
///
/// # Examples
///
/// ```
/// use ndgrad::ndarray::{array, Array1, Axis};
/// use ndgrad::{timedelta, EdgeOrder, Par, Spacing};
/// let mut out = Array1::zeros(3);
/// timedelta::gradient_axis_into(&array![0i64, 10, 40], &mut out, Axis(0), Spacing::Unit,
///                               EdgeOrder::Second, Par::Seq)?;
/// assert_eq!(out, array![0, 20, 40]); // each product is truncated before the sum
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub fn gradient_axis_into<D: Dimension>(
    f: &ArrayRef<i64, D>,
    out: &mut ArrayRef<i64, D>,
    axis: Axis,
    spacing: Spacing<'_>,
    edge: EdgeOrder,
    par: Par,
) -> Result<(), GradientError> {
    axis_into::<TimedeltaCodec, D>(f, out, axis, &spacing, &edge.into(), par)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn float_results_truncate_toward_zero_and_overflow_to_nat() {
        assert_eq!(to_ticks(-3.5), -3);
        assert_eq!(to_ticks(3.99), 3);
        assert_eq!(to_ticks(f64::NAN), NAT);
        assert_eq!(to_ticks(f64::INFINITY), NAT);
        assert_eq!(to_ticks(1e20), NAT);
        assert_eq!(to_ticks(-9_223_372_036_854_775_808.0), i64::MIN);
    }

    #[test]
    fn integer_steps_divide_as_integers() {
        // 2^60 / 3 exactly as an integer; a float division would round.
        let f = array![0i64, 1 << 60];
        let g = gradient_axis(&f, Axis(0), Spacing::uniform(3i64), EdgeOrder::First).unwrap();
        assert_eq!(g, array![384_307_168_202_282_325, 384_307_168_202_282_325]);
        let g = gradient_axis(&f, Axis(0), Spacing::uniform(3.0), EdgeOrder::First).unwrap();
        assert_eq!(g, array![384_307_168_202_282_304, 384_307_168_202_282_304]);
        let g = gradient_axis(&f, Axis(0), Spacing::uniform(0i8), EdgeOrder::First).unwrap();
        assert_eq!(g, array![NAT, NAT]);
    }

    #[test]
    fn subtraction_wraps_like_numpy() {
        // np.gradient(np.array([-2**62, 2**62, 0], 'm8[s]')) = [NaT, 2**61, -2**62]
        let f = array![-(1i64 << 62), 1 << 62, 0];
        let g = gradient_axis(&f, Axis(0), Spacing::Unit, EdgeOrder::First).unwrap();
        assert_eq!(g, array![NAT, 1 << 61, -(1 << 62)]);
    }

    #[test]
    fn second_order_and_coordinates_match_numpy() {
        // np.gradient(np.array([-5, -3, 10, 12, 61, 321, 300], 'm8[D]'), edge_order=2)
        let f = array![-5i64, -3, 10, 12, 61, 321, 300];
        let g = gradient_axis(&f, Axis(0), Spacing::Unit, EdgeOrder::Second).unwrap();
        assert_eq!(g, array![-4, 7, 7, 25, 154, 119, -162]);
        // np.gradient(..., 3)
        let g = gradient_axis(&f, Axis(0), Spacing::uniform_weak(3), EdgeOrder::First).unwrap();
        assert_eq!(g, array![0, 2, 2, 8, 51, 39, -7]);
        // np.gradient(np.array([1, 5, 9], 'm8[s]'), np.array([0., 1., 3.]))
        let x = array![0.0, 1.0, 3.0];
        let g = gradient_axis(
            &array![1i64, 5, 9],
            Axis(0),
            Spacing::coordinates(&x),
            EdgeOrder::First,
        )
        .unwrap();
        assert_eq!(g, array![4, 3, 2]);
    }
}
