//! Sample spacing along an axis: the public [`Step`], [`Coords`] and
//! [`Spacing`] types. How a spacing becomes coefficients is `plan.rs`.

use half::f16;
use ndarray::{ArrayRef1, ArrayView1};

use crate::element::{Real, SpacingElement};

/// A constant step, in any type NumPy accepts as a step.
///
/// The type matters: it decides the precision the stencil is computed in
/// (see [`Spacing`]). Integers are converted to `f64` as NumPy does.
///
/// ```
/// use ndgrad::Step;
/// assert_eq!(Step::from(0.5f32), Step::F32(0.5));
/// assert_eq!(Step::from(3u8), Step::U8(3));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
#[allow(missing_docs)] // one variant per dtype, named after it
pub enum Step {
    F16(f16),
    F32(f32),
    F64(f64),
    I8(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
}

/// Sample coordinates along an axis: a 1-D view of any type NumPy accepts as
/// coordinates, any strides.
///
/// ```
/// use ndgrad::Coords;
/// use ndgrad::ndarray::array;
/// let x = array![0i64, 2, 3];
/// assert!(matches!(Coords::from(&x), Coords::I64(_)));
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
#[allow(missing_docs)] // one variant per dtype, named after it
pub enum Coords<'a> {
    F16(ArrayView1<'a, f16>),
    F32(ArrayView1<'a, f32>),
    F64(ArrayView1<'a, f64>),
    I8(ArrayView1<'a, i8>),
    I16(ArrayView1<'a, i16>),
    I32(ArrayView1<'a, i32>),
    I64(ArrayView1<'a, i64>),
    U8(ArrayView1<'a, u8>),
    U16(ArrayView1<'a, u16>),
    U32(ArrayView1<'a, u32>),
    U64(ArrayView1<'a, u64>),
}

macro_rules! spacing_types {
    ($($t:ty => $v:ident),*) => {$(
        impl From<$t> for Step {
            fn from(h: $t) -> Self {
                Step::$v(h)
            }
        }
        impl<'a> From<ArrayView1<'a, $t>> for Coords<'a> {
            fn from(x: ArrayView1<'a, $t>) -> Self {
                Coords::$v(x)
            }
        }
        impl<'a> From<&'a ArrayRef1<$t>> for Coords<'a> {
            fn from(x: &'a ArrayRef1<$t>) -> Self {
                Coords::$v(x.view())
            }
        }
        impl<'a> From<&'a ndarray::Array1<$t>> for Coords<'a> {
            fn from(x: &'a ndarray::Array1<$t>) -> Self {
                Coords::$v(x.view())
            }
        }
    )*};
}
spacing_types!(f16 => F16, f32 => F32, f64 => F64, i8 => I8, i16 => I16, i32 => I32,
               i64 => I64, u8 => U8, u16 => U16, u32 => U32, u64 => U64);

/// Run `$body` with `$x` bound to the typed payload of a [`Step`] or [`Coords`].
macro_rules! with_typed {
    ($enum:ident, $value:expr, |$x:ident| $body:expr) => {
        match $value {
            $enum::F16($x) => $body,
            $enum::F32($x) => $body,
            $enum::F64($x) => $body,
            $enum::I8($x) => $body,
            $enum::I16($x) => $body,
            $enum::I32($x) => $body,
            $enum::I64($x) => $body,
            $enum::U8($x) => $body,
            $enum::U16($x) => $body,
            $enum::U32($x) => $body,
            $enum::U64($x) => $body,
        }
    };
}
pub(crate) use with_typed;

impl<'a> Coords<'a> {
    /// The same view, for a shorter lifetime (views are invariant).
    pub(crate) fn reborrow<'b>(self) -> Coords<'b>
    where
        'a: 'b,
    {
        match self {
            Coords::F16(x) => Coords::F16(x.reborrow()),
            Coords::F32(x) => Coords::F32(x.reborrow()),
            Coords::F64(x) => Coords::F64(x.reborrow()),
            Coords::I8(x) => Coords::I8(x.reborrow()),
            Coords::I16(x) => Coords::I16(x.reborrow()),
            Coords::I32(x) => Coords::I32(x.reborrow()),
            Coords::I64(x) => Coords::I64(x.reborrow()),
            Coords::U8(x) => Coords::U8(x.reborrow()),
            Coords::U16(x) => Coords::U16(x.reborrow()),
            Coords::U32(x) => Coords::U32(x.reborrow()),
            Coords::U64(x) => Coords::U64(x.reborrow()),
        }
    }

    /// Number of coordinates.
    ///
    /// ```
    /// let x = ndgrad::ndarray::array![0.0f32, 1.0];
    /// assert_eq!(ndgrad::Coords::from(&x).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        with_typed!(Coords, self, |x| x.len())
    }

    /// Whether there are no coordinates.
    ///
    /// ```
    /// let x = ndgrad::ndarray::Array1::<f64>::zeros(0);
    /// assert!(ndgrad::Coords::from(&x).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<'a> Coords<'a> {
    /// The coordinates of the samples in `range` (a view; nothing is copied).
    ///
    /// # Panics
    ///
    /// If `range` reaches past the end, as slicing a view does.
    ///
    /// ```
    /// let x = ndgrad::ndarray::array![0.0, 1.0, 3.0, 6.0];
    /// assert_eq!(ndgrad::Coords::from(&x).slice(1..3).len(), 2);
    /// ```
    #[must_use]
    pub fn slice(&self, range: core::ops::Range<usize>) -> Coords<'a> {
        let r = ndarray::Slice::from(range);
        with_typed!(Coords, *self, |x| Coords::from(
            x.slice_axis_move(ndarray::Axis(0), r)
        ))
    }

    /// The step NumPy uses when it decides that these coordinates are
    /// equally spaced, or `None` when it keeps the non-uniform formulas.
    ///
    /// NumPy takes `diffx = np.diff(x)` (integer coordinates converted to
    /// `float64` first) and collapses to `diffx[0]` when every difference
    /// equals it; NaN never does. [`Spacing::Coordinates`] applies this rule
    /// itself. Code that differentiates a large array piece by piece (a
    /// file streamed in slabs, Dask blocks) decides once for the whole
    /// array: [`AxisPieces`](crate::AxisPieces) does, and gives each piece
    /// [`Spacing::Uniform`] with this step or its slice of the coordinates.
    ///
    /// ```
    /// use ndgrad::{Coords, Step};
    /// use ndgrad::ndarray::array;
    /// assert_eq!(Coords::from(&array![1i32, 3, 5]).uniform_step(), Some(Step::F64(2.0)));
    /// assert_eq!(Coords::from(&array![0.0f32, 0.5, 1.0]).uniform_step(), Some(Step::F32(0.5)));
    /// assert_eq!(Coords::from(&array![0.0, 0.1, 0.3]).uniform_step(), None);
    /// assert_eq!(Coords::from(&array![0.0, f64::NAN]).uniform_step(), None);
    /// ```
    pub fn uniform_step(&self) -> Option<Step> {
        with_typed!(Coords, self, |x| common_step(x).map(Step::from))
    }
}

/// The spacing of samples along one axis: NumPy's `varargs` for one axis.
///
/// | NumPy | `Spacing` |
/// | --- | --- |
/// | no spacing (step 1) | [`Spacing::Unit`] |
/// | a Python `float` or `int` `h` | [`Spacing::uniform_weak(h)`](Spacing::uniform_weak) |
/// | a NumPy scalar or 0-d array `h` | [`Spacing::uniform(h)`](Spacing::uniform) |
/// | a 1-D array `x` of coordinates | [`Spacing::coordinates(&x)`](Spacing::coordinates) |
/// | a slice of a longer, not equally spaced `x` | [`Spacing::non_uniform(&x)`](Spacing::non_uniform) |
///
/// **Precision.** NumPy's type promotion (NEP 50) decides where rounding
/// happens, and so the bits of the result. Differences of the data are always
/// taken in the data's type. Then:
///
/// * a *strong* step or coordinates (`Uniform`, `Coordinates`, like NumPy
///   scalars and arrays): the step arithmetic (`2*h`, `-1.5/h`, the non-uniform
///   coefficients) is done in the step's type and the stencil in the wider of
///   the data and step types, rounded once when stored. `f32` data with an
///   `f64` step is divided in `f64`.
/// * a *weak* step (`UniformWeak`, like a Python number): the step arithmetic
///   is done in the step's type, then rounded to the data's precision, and the
///   stencil runs in the data's type.
///
/// With matching types (f64 data, f64 step) the two are the same.
///
/// **Coordinates** are converted to `f64` if they are integers, then
/// differenced; if all differences are exactly equal, the axis is treated as
/// uniform with that step (strong), exactly as NumPy does. Repeated
/// coordinates (a zero step) are not an error: they give `inf` or `NaN`, as
/// in NumPy. Coordinates need not be increasing.
///
/// ```
/// use ndgrad::{gradient_axis, EdgeOrder, Spacing};
/// use ndgrad::ndarray::{array, Axis};
///
/// let f = array![0.0f32, 1.0, 1.0];
/// // np.gradient(f32_array, 1.1): 2.2 is rounded to f32, then f32 division...
/// let weak = gradient_axis(&f, Axis(0), Spacing::uniform_weak(1.1), EdgeOrder::First)?;
/// // ...np.gradient(f32_array, np.float64(1.1)): f64 division, rounded once.
/// let strong = gradient_axis(&f, Axis(0), Spacing::uniform(1.1), EdgeOrder::First)?;
/// assert_eq!(weak[1], 0.45454544);
/// assert_eq!(strong[1], 0.45454547);
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub enum Spacing<'a> {
    /// Unit step, NumPy's default (a weak `1.0`).
    #[default]
    Unit,
    /// A constant step with NumPy-scalar (strong) promotion.
    Uniform(Step),
    /// A constant step with Python-number (weak) promotion.
    UniformWeak(Step),
    /// Sample coordinates along the axis, one per sample.
    Coordinates(Coords<'a>),
    /// Sample coordinates that always use the non-uniform formulas, even if
    /// they are equally spaced (see [`Spacing::non_uniform`]).
    NonUniform(Coords<'a>),
}

impl<'a> Spacing<'a> {
    /// A constant step `h` with NumPy-scalar promotion.
    ///
    /// ```
    /// let s = ndgrad::Spacing::uniform(0.5);
    /// assert!(matches!(s, ndgrad::Spacing::Uniform(ndgrad::Step::F64(_))));
    /// ```
    pub fn uniform(h: impl Into<Step>) -> Self {
        Spacing::Uniform(h.into())
    }

    /// A constant step `h` with Python-number promotion.
    ///
    /// ```
    /// let s = ndgrad::Spacing::uniform_weak(2);
    /// assert!(matches!(s, ndgrad::Spacing::UniformWeak(ndgrad::Step::I32(2))));
    /// ```
    pub fn uniform_weak(h: impl Into<Step>) -> Self {
        Spacing::UniformWeak(h.into())
    }

    /// Sample coordinates along the axis.
    ///
    /// ```
    /// let x = ndgrad::ndarray::array![0.0, 1.0, 3.0];
    /// let s = ndgrad::Spacing::coordinates(&x);
    /// assert!(matches!(s, ndgrad::Spacing::Coordinates(_)));
    /// ```
    pub fn coordinates(x: impl Into<Coords<'a>>) -> Self {
        Spacing::Coordinates(x.into())
    }

    /// Sample coordinates that are never collapsed to a uniform step.
    ///
    /// NumPy decides "uniform or not" once, from the whole coordinate array.
    /// Code that differentiates a piece of a larger array (a Dask block and
    /// its halo) passes the matching slice of the coordinates; when the whole
    /// array is not equally spaced, that slice must keep the non-uniform
    /// formulas even if it happens to be equally spaced, or its bits (and its
    /// NaN propagation) would differ from NumPy's on the whole array. When
    /// the whole array is equally spaced, pass NumPy's step
    /// `diff(x)[0]` with [`Spacing::uniform`] instead.
    ///
    /// Otherwise the same as [`Spacing::coordinates`]: integers are converted
    /// to `f64` before differencing, and the precision rules are those of
    /// coordinates.
    ///
    /// ```
    /// use ndgrad::{gradient_axis, EdgeOrder, Spacing};
    /// use ndgrad::ndarray::{array, s, Axis};
    ///
    /// // x is not equally spaced, but its first four samples are.
    /// let x = array![0.0, 1.0, 2.0, 3.0, 5.0];
    /// let f = array![1.0, f64::NAN, 4.0, 5.0, 6.0];
    /// let whole = gradient_axis(&f, Axis(0), Spacing::coordinates(&x), EdgeOrder::First)?;
    /// let (fs, xs) = (f.slice(s![..4]), x.slice(s![..4]));
    /// let piece = gradient_axis(&fs, Axis(0), Spacing::non_uniform(xs), EdgeOrder::First)?;
    /// // The non-uniform interior reads f[1] (times 0.0): NaN, as on the whole.
    /// assert!(whole[1].is_nan() && piece[1].is_nan());
    /// // The collapsing form switches to the uniform formula on the slice.
    /// let collapsed = gradient_axis(&fs, Axis(0), Spacing::coordinates(xs), EdgeOrder::First)?;
    /// assert_eq!(collapsed[1], 1.5);
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    pub fn non_uniform(x: impl Into<Coords<'a>>) -> Self {
        Spacing::NonUniform(x.into())
    }

    /// The constant step as `f64`, for the spacings that have one.
    pub(crate) fn step_f64(&self) -> Option<f64> {
        match self {
            Spacing::Uniform(h) | Spacing::UniformWeak(h) => {
                Some(with_typed!(Step, *h, |h| h.to_real().to_f64()))
            }
            Spacing::Unit | Spacing::Coordinates(_) | Spacing::NonUniform(_) => None,
        }
    }

    /// The same spacing, for a shorter lifetime (views are invariant).
    pub(crate) fn reborrow<'b>(self) -> Spacing<'b>
    where
        'a: 'b,
    {
        match self {
            Spacing::Unit => Spacing::Unit,
            Spacing::Uniform(h) => Spacing::Uniform(h),
            Spacing::UniformWeak(h) => Spacing::UniformWeak(h),
            Spacing::Coordinates(x) => Spacing::Coordinates(x.reborrow()),
            Spacing::NonUniform(x) => Spacing::NonUniform(x.reborrow()),
        }
    }

    /// The coordinates, for the spacings that have them.
    pub(crate) fn coords(&self) -> Option<&Coords<'a>> {
        match self {
            Spacing::Coordinates(x) | Spacing::NonUniform(x) => Some(x),
            Spacing::Unit | Spacing::Uniform(_) | Spacing::UniformWeak(_) => None,
        }
    }
}

/// NumPy's `if (diffx == diffx[0]).all(): diffx = diffx[0]` on
/// `diffx = np.diff(x)` (integers converted to `f64` first): the common
/// step of equally spaced coordinates. A NaN difference is never equal, so
/// NaN coordinates keep the non-uniform formulas.
pub(crate) fn common_step<S: SpacingElement>(x: &ArrayView1<'_, S>) -> Option<S::Real> {
    let dx = |i: usize| x[i + 1].to_real() - x[i].to_real();
    let len = x.len();
    if len < 2 {
        return None;
    }
    let dx0 = dx(0);
    // From 0: a lone NaN difference is not equal to itself.
    (0..len - 1).all(|i| dx(i) == dx0).then_some(dx0)
}
