//! Applying an [`AxisPlan`] to arrays, in three layers:
//!
//! * [`tasks`]: splitting the work (threads, and the fused pass that reads
//!   the input once for every axis and combines the derivatives of the
//!   vector-calculus operators slab by slab);
//! * [`regions`]: one task's rows of an axis, as regions (the boundary rows
//!   at each end, one at a time; the interior rows, all at once);
//! * [`chain`]: several axes in sequence, each pass reading the previous
//!   one's result, slab by slab through one slab-sized scratch array;
//! * [`rows`]: the loops, one per stencil shape:
//!   - `two_point`: `(f[hi] - f[lo]) / d`, NumPy's uniform interior
//!     (`d = 2h`) and first-order edges (`d = h` or `dx`);
//!   - `three_point`: `a*f0 + b*f1 + c*f2`, NumPy's second-order edges
//!     (scalar coefficients) and non-uniform interior (per-sample);
//!   - `taps_scalar` and `weights_row`: `Σ w_j f_j` (then `/ d`) over any
//!     number of taps, the higher-order schemes (scalar or per-row weights).
//!
//! The loops walk lanes along the innermost axis on which input and output are
//! contiguous, as slices, so the loops vectorise (`row_axis`); when there
//! is none they fall back to a `Zip` over the whole views. The non-uniform
//! interior has three shapes: lanes along the axis (coefficients per
//! sample), lanes across it (one hyperplane at a time, scalar
//! coefficients), or the `Zip` fallback with coefficients broadcast.
//!
//! Each region runs in the precision NumPy's promotion gives it (a type
//! `P: Compute<T>`, chosen at run time by `dispatch!`). Every output
//! element is a pure function of the input, so any split of the work, serial
//! or parallel, gives the same bits.

use crate::element::{Element, Scalar};

pub(crate) use chain::apply_chain;
pub(crate) use tasks::{Difference, Norm, Sum, Term, apply, apply_all, apply_fused};

/// How a kernel reads and writes memory: stored input `In`, the `Value`
/// differences and results are computed as, stored output `Stored`.
///
/// Every [`Element`] is its own codec (`In = I`, `Stored = Value =
/// I::Output`); `timedelta64` stores `i64` ticks but computes with NumPy's
/// timedelta arithmetic.
pub(crate) trait Codec: 'static {
    type In: Copy + Send + Sync;
    type Value: Scalar;
    type Stored: Copy + Send + Sync;
    fn load(x: Self::In) -> Self::Value;
    fn store(v: Self::Value) -> Self::Stored;
}

impl<I: Element> Codec for I {
    type In = I;
    type Value = I::Output;
    type Stored = I::Output;
    #[inline]
    fn load(x: I) -> I::Output {
        x.to_output()
    }
    #[inline]
    fn store(v: I::Output) -> I::Output {
        v
    }
}

pub(crate) type Val<C> = <C as Codec>::Value;
pub(crate) type In<C> = <C as Codec>::In;
pub(crate) type St<C> = <C as Codec>::Stored;

/// Calls `$func::<C, P, _>(args)` (or, `[flat]`, `$func::<C, P>(args)`)
/// with `P` the compute type of value type `$t` for precision `$prec`.
macro_rules! dispatch {
    ($t:ty, $prec:expr, $func:ident::<$i:ty>[flat]($($arg:expr),* $(,)?)) => {
        match $prec {
            Precision::Half => $func::<$i, <$t as Scalar>::Half>($($arg),*),
            Precision::Single => $func::<$i, <$t as Scalar>::Single>($($arg),*),
            Precision::Double => $func::<$i, <$t as Scalar>::Double>($($arg),*),
        }
    };
    ($t:ty, $prec:expr, $func:ident::<$i:ty>($($arg:expr),* $(,)?)) => {
        match $prec {
            Precision::Half => $func::<$i, <$t as Scalar>::Half, _>($($arg),*),
            Precision::Single => $func::<$i, <$t as Scalar>::Single, _>($($arg),*),
            Precision::Double => $func::<$i, <$t as Scalar>::Double, _>($($arg),*),
        }
    };
}

mod chain;
mod regions;
mod rows;
mod tasks;
