//! Sample spacing along an axis, and its resolution into an [`AxisPlan`]:
//! the coefficients (or how to compute them) and the precision each part of
//! the stencil runs in.

use half::f16;
use ndarray::{ArrayRef1, ArrayView1};

use crate::element::{Precision, Real, SpacingElement};
use crate::error::GradientError;
use crate::options::EdgeOrder;
use crate::stencil;

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

impl Coords<'_> {
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
    /// array: [`Spacing::Uniform`] with this step for every piece, or
    /// [`Spacing::NonUniform`] with each piece's slice of the coordinates.
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

    /// The coordinates, for the spacings that have them.
    pub(crate) fn coords(&self) -> Option<&Coords<'a>> {
        match self {
            Spacing::Coordinates(x) | Spacing::NonUniform(x) => Some(x),
            Spacing::Unit | Spacing::Uniform(_) | Spacing::UniformWeak(_) => None,
        }
    }
}

// ------------------------------------------------------------------ plans

/// Where the stencil values of one part of an axis are rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Promote {
    /// Rounded to the data's precision (a Python-number step).
    Weak,
    /// Kept; the stencil runs in the wider of this and the data's precision.
    Strong(Precision),
}

impl Promote {
    fn of(weak: bool, precision: Precision) -> Self {
        if weak {
            Promote::Weak
        } else {
            Promote::Strong(precision)
        }
    }

    /// The precision the stencil runs in for data of precision `data`.
    pub(crate) fn resolve(self, data: Precision) -> Precision {
        match self {
            Promote::Weak => data,
            Promote::Strong(p) => p.max(data),
        }
    }
}

/// `N` scalar stencil values, each exactly an `f64` image of a value
/// computed in the step's type, and how they promote.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Site<const N: usize> {
    pub(crate) values: [f64; N],
    pub(crate) promote: Promote,
    /// The value is an integer step used as is (a first-order edge divisor).
    pub(crate) integer: bool,
}

impl<const N: usize> Site<N> {
    /// Values computed in floating point (not an integer step).
    fn real(values: [f64; N], promote: Promote) -> Self {
        Site {
            values,
            promote,
            integer: false,
        }
    }
}

/// Per-sample interior coefficients, computed on demand in blocks so that no
/// coefficient array as long as the axis is ever allocated.
pub(crate) trait CoefSource: Sync {
    /// The precision the coefficients are computed in.
    fn precision(&self) -> Precision;
    /// Coefficients `a`, `b`, `c` for interior samples `first..first + a.len()`
    /// (each `>= 1` and `< len - 1`), as exact `f64` images; the three slices
    /// have the same length.
    fn fill(&self, first: usize, a: &mut [f64], b: &mut [f64], c: &mut [f64]);
}

struct NonUniform<'a, S> {
    x: ArrayView1<'a, S>,
}

impl<S: SpacingElement> CoefSource for NonUniform<'_, S> {
    fn precision(&self) -> Precision {
        <S::Real as Real>::PRECISION
    }

    fn fill(&self, first: usize, a: &mut [f64], b: &mut [f64], c: &mut [f64]) {
        let m = a.len();
        if let Some(x) = self.x.as_slice() {
            return fill_from(&x[first - 1..=first + m], a, b, c);
        }
        let x: Vec<S> = (first - 1..=first + m).map(|i| self.x[i]).collect();
        fill_from(&x, a, b, c);
    }
}

/// Interior coefficients from `m + 2` contiguous coordinates into `m` each of
/// `a`, `b`, `c`: the steps around each chunk, then the coefficients from
/// them in index loops over equal-length slices, which vectorise (divisions
/// included) for f32 and f64.
///
/// Three divisions per sample make this the hot loop of a 1-D non-uniform
/// gradient, so it is compiled twice, for baseline x86-64 (SSE2) and with
/// AVX2, and the version the CPU supports is picked at run time (the
/// `multiversion` crate does the detection). AVX2 only widens the vectors:
/// Rust never fuses or reorders floating-point operations, so both versions
/// give the same bits (`crates/ndgrad/tests/golden.rs` runs whichever this
/// CPU picks; `fill_versions_agree` below compares them).
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn fill_from<S: SpacingElement>(x: &[S], a: &mut [f64], b: &mut [f64], c: &mut [f64]) {
    let m = a.len();
    debug_assert!(x.len() == m + 2 && b.len() == m && c.len() == m);
    let mut dx = [<S::Real as Real>::from_f64(0.0); DX_BLOCK + 1];
    for start in (0..m).step_by(DX_BLOCK) {
        let len = DX_BLOCK.min(m - start);
        let dx = &mut dx[..=len];
        for (d, w) in dx.iter_mut().zip(x[start..=start + len + 1].windows(2)) {
            *d = w[1].to_real() - w[0].to_real();
        }
        let (d1, d2) = (&dx[..len], &dx[1..=len]);
        let (a, b, c) = (
            &mut a[start..start + len],
            &mut b[start..start + len],
            &mut c[start..start + len],
        );
        for k in 0..len {
            let [ak, bk, ck] = stencil::nonuniform_interior(d1[k], d2[k]);
            (a[k], b[k], c[k]) = (ak.to_f64(), bk.to_f64(), ck.to_f64());
        }
    }
}

/// Steps computed at a time by [`NonUniform::fill`] (a stack buffer).
const DX_BLOCK: usize = 512;

pub(crate) enum Interior<'a> {
    Uniform(Site<1>),
    NonUniform(Coefficients<'a>),
}

/// Non-uniform interior coefficients: computed on demand in blocks, or
/// all at once (and then kept) when many lanes reuse them.
pub(crate) struct Coefficients<'a> {
    pub(crate) source: Box<dyn CoefSource + 'a>,
    all: std::sync::OnceLock<[Vec<f64>; 3]>,
}

impl Coefficients<'_> {
    /// `[a, b, c]` for every interior sample (index `i - 1` for sample `i`),
    /// computed on first use; callers use this only when the vectors are
    /// small next to the output.
    pub(crate) fn all(&self, len: usize) -> &[Vec<f64>; 3] {
        self.all.get_or_init(|| {
            let n = len - 2;
            let (mut a, mut b, mut c) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
            self.source.fill(1, &mut a, &mut b, &mut c);
            [a, b, c]
        })
    }
}

/// The stencil at one end of an axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Edge {
    /// `(f[1] - f[0]) / h`, or `(f[-1] - f[-2]) / h`.
    TwoPoint(Site<1>),
    /// `a*f[0] + b*f[1] + c*f[2]`, or `a*f[-3] + b*f[-2] + c*f[-1]`.
    ThreePoint(Site<3>),
}

/// Everything the kernel needs to differentiate along one axis.
pub(crate) struct AxisPlan<'a> {
    pub(crate) len: usize,
    pub(crate) interior: Interior<'a>,
    pub(crate) first: Edge,
    pub(crate) last: Edge,
}

/// Checks `spacing` against an axis of length `len` and computes its plan.
pub(crate) fn plan<'a>(
    spacing: &Spacing<'a>,
    axis: usize,
    len: usize,
    edge: EdgeOrder,
) -> Result<AxisPlan<'a>, GradientError> {
    if let Some(x) = spacing.coords()
        && x.len() != len
    {
        return Err(GradientError::CoordinateLength {
            axis,
            got: x.len(),
            expected: len,
        });
    }
    if len < edge.min_len() {
        return Err(GradientError::AxisTooShort {
            axis,
            len,
            edge_order: edge.order(),
            needed: edge.min_len(),
        });
    }
    Ok(match *spacing {
        Spacing::Unit => uniform(1.0f64, true, len, edge),
        Spacing::Uniform(h) => with_typed!(Step, h, |h| uniform(h, false, len, edge)),
        Spacing::UniformWeak(h) => with_typed!(Step, h, |h| uniform(h, true, len, edge)),
        Spacing::Coordinates(x) => with_typed!(Coords, x, |x| coordinates(&x, len, edge, true)),
        Spacing::NonUniform(x) => with_typed!(Coords, x, |x| coordinates(&x, len, edge, false)),
    })
}

fn uniform<S: SpacingElement>(h: S, weak: bool, len: usize, edge: EdgeOrder) -> AxisPlan<'static> {
    let r = h.to_real();
    let real = Promote::of(weak, <S::Real as Real>::PRECISION);
    let interior = Site::real([stencil::uniform_interior_divisor(r).to_f64()], real);
    let (first, last) = match edge {
        EdgeOrder::First => {
            // NumPy divides by `h` itself, so an integer step keeps its own
            // promotion rank here (f16 data / np.int8 stays f16), and
            // timedelta64 data is divided by it as an integer.
            let site = Site {
                values: [r.to_f64()],
                promote: Promote::of(weak, S::SCALAR_PRECISION),
                integer: S::INTEGER,
            };
            (Edge::TwoPoint(site), Edge::TwoPoint(site))
        }
        EdgeOrder::Second => (
            Edge::ThreePoint(Site::real(
                stencil::uniform_first_edge2(r).map(Real::to_f64),
                real,
            )),
            Edge::ThreePoint(Site::real(
                stencil::uniform_last_edge2(r).map(Real::to_f64),
                real,
            )),
        ),
    };
    AxisPlan {
        len,
        interior: Interior::Uniform(interior),
        first,
        last,
    }
}

/// NumPy's `if (diffx == diffx[0]).all(): diffx = diffx[0]` on
/// `diffx = np.diff(x)` (integers converted to `f64` first): the common
/// step of equally spaced coordinates. A NaN difference is never equal, so
/// NaN coordinates keep the non-uniform formulas.
fn common_step<S: SpacingElement>(x: &ArrayView1<'_, S>) -> Option<S::Real> {
    let dx = |i: usize| x[i + 1].to_real() - x[i].to_real();
    let len = x.len();
    if len < 2 {
        return None;
    }
    let dx0 = dx(0);
    // From 0: a lone NaN difference is not equal to itself.
    (0..len - 1).all(|i| dx(i) == dx0).then_some(dx0)
}

fn coordinates<'a, S: SpacingElement>(
    x: &ArrayView1<'a, S>,
    len: usize,
    edge: EdgeOrder,
    collapse: bool,
) -> AxisPlan<'a> {
    let dx = |i: usize| x[i + 1].to_real() - x[i].to_real();
    let dx0 = dx(0);
    if collapse && let Some(h) = common_step(x) {
        return uniform(h, false, len, edge);
    }
    let strong = Promote::Strong(<S::Real as Real>::PRECISION);
    let (first, last) = match edge {
        EdgeOrder::First => (
            Edge::TwoPoint(Site::real([dx0.to_f64()], strong)),
            Edge::TwoPoint(Site::real([dx(len - 2).to_f64()], strong)),
        ),
        EdgeOrder::Second => {
            let first = stencil::nonuniform_first_edge2(dx0, dx(1));
            let last = stencil::nonuniform_last_edge2(dx(len - 3), dx(len - 2));
            (
                Edge::ThreePoint(Site::real(first.map(Real::to_f64), strong)),
                Edge::ThreePoint(Site::real(last.map(Real::to_f64), strong)),
            )
        }
    };
    let interior = Interior::NonUniform(Coefficients {
        source: Box::new(NonUniform { x: *x }),
        all: std::sync::OnceLock::new(),
    });
    AxisPlan {
        len,
        interior,
        first,
        last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn site1(e: Edge) -> Site<1> {
        match e {
            Edge::TwoPoint(s) => s,
            Edge::ThreePoint(_) => panic!("expected a two-point edge"),
        }
    }

    #[test]
    fn equally_spaced_coordinates_collapse_to_a_strong_uniform_step() {
        let x = array![1.0f32, 1.5, 2.0, 2.5];
        let p = plan(&Spacing::coordinates(&x), 0, 4, EdgeOrder::First).unwrap();
        match p.interior {
            Interior::Uniform(s) => {
                assert_eq!(s, Site::real([1.0], Promote::Strong(Precision::Single)));
            }
            Interior::NonUniform(_) => panic!("should collapse"),
        }
    }

    #[test]
    fn non_uniform_coordinates_never_collapse() {
        let x = array![1.0f32, 1.5, 2.0, 2.5];
        for edge in [EdgeOrder::First, EdgeOrder::Second] {
            let p = plan(&Spacing::non_uniform(&x), 0, 4, edge).unwrap();
            let Interior::NonUniform(coefs) = p.interior else {
                panic!("equally spaced non_uniform coordinates must not collapse");
            };
            let [a, b, c] = coefs.all(4);
            assert_eq!(
                [a[0], b[0], c[0]],
                stencil::nonuniform_interior(0.5f32, 0.5).map(f64::from)
            );
            assert_eq!(c.len(), 2);
        }
        let p = plan(&Spacing::non_uniform(&x), 0, 4, EdgeOrder::Second).unwrap();
        let want = stencil::nonuniform_first_edge2(0.5f32, 0.5).map(f64::from);
        assert_eq!(
            p.first,
            Edge::ThreePoint(Site::real(want, Promote::Strong(Precision::Single)))
        );
        assert_eq!(
            plan(&Spacing::non_uniform(&x), 3, 5, EdgeOrder::First).err(),
            Some(GradientError::CoordinateLength {
                axis: 3,
                got: 4,
                expected: 5
            })
        );
    }

    #[test]
    fn nan_coordinates_do_not_collapse() {
        let x = array![0.0, f64::NAN, 2.0];
        let p = plan(&Spacing::coordinates(&x), 0, 3, EdgeOrder::First).unwrap();
        assert!(matches!(p.interior, Interior::NonUniform(_)));
    }

    #[test]
    fn integer_coordinates_are_differenced_as_f64() {
        // Decreasing unsigned coordinates: no wrap-around, a step of -2.
        let x = array![6u8, 4, 2];
        let p = plan(&Spacing::coordinates(&x), 0, 3, EdgeOrder::First).unwrap();
        let s = site1(p.first);
        assert_eq!(s, Site::real([-2.0], Promote::Strong(Precision::Double)));
    }

    #[test]
    fn integer_step_keeps_its_rank_at_first_order_edges() {
        let p = plan(&Spacing::uniform(3i8), 0, 4, EdgeOrder::First).unwrap();
        assert_eq!(site1(p.first).promote, Promote::Strong(Precision::Half));
        match p.interior {
            Interior::Uniform(s) => assert_eq!(s.promote, Promote::Strong(Precision::Double)),
            Interior::NonUniform(_) => unreachable!(),
        }
    }

    #[test]
    fn weak_steps_resolve_to_the_data_precision() {
        assert_eq!(Promote::Weak.resolve(Precision::Single), Precision::Single);
        assert_eq!(
            Promote::Strong(Precision::Double).resolve(Precision::Half),
            Precision::Double
        );
        assert_eq!(
            Promote::Strong(Precision::Half).resolve(Precision::Single),
            Precision::Single
        );
    }

    #[test]
    fn bad_lengths_are_errors() {
        let x = array![0.0, 1.0];
        assert_eq!(
            plan(&Spacing::coordinates(&x), 2, 3, EdgeOrder::First).err(),
            Some(GradientError::CoordinateLength {
                axis: 2,
                got: 2,
                expected: 3
            })
        );
        assert_eq!(
            plan(&Spacing::Unit, 1, 1, EdgeOrder::First).err(),
            Some(GradientError::AxisTooShort {
                axis: 1,
                len: 1,
                edge_order: 1,
                needed: 2
            })
        );
    }

    #[test]
    fn coefficient_source_matches_the_stencil() {
        let x = array![0.0, 1.0, 3.0, 3.5, 5.0];
        let src = NonUniform { x: x.view() };
        let (mut a, mut b, mut c) = ([0.0; 3], [0.0; 3], [0.0; 3]);
        src.fill(1, &mut a, &mut b, &mut c);
        assert_eq!([a[0], b[0], c[0]], stencil::nonuniform_interior(1.0, 2.0));
        assert_eq!([a[2], b[2], c[2]], stencil::nonuniform_interior(0.5, 1.5));
    }

    /// `fill_from` runs its AVX2 build on CPUs that have AVX2 (and its
    /// baseline build elsewhere): either must give, bit for bit, the scalar
    /// formula evaluated one sample at a time by this baseline test code.
    /// Lengths cross the vector widths and the `DX_BLOCK` chunking; the data
    /// include zero, negative, tiny and huge steps, and NaN.
    #[test]
    fn fill_versions_agree() {
        fn check<S: SpacingElement>(x: &[S]) {
            for first in 1..4 {
                for m in [0, 1, 3, 4, 7, 8, 17, DX_BLOCK - 1, DX_BLOCK, DX_BLOCK + 5] {
                    if first + m + 1 > x.len() {
                        continue;
                    }
                    let (mut a, mut b, mut c) = (vec![0.0; m], vec![0.0; m], vec![0.0; m]);
                    fill_from(&x[first - 1..=first + m], &mut a, &mut b, &mut c);
                    for k in 0..m {
                        let i = first + k;
                        let d1 = x[i].to_real() - x[i - 1].to_real();
                        let d2 = x[i + 1].to_real() - x[i].to_real();
                        let want = stencil::nonuniform_interior(d1, d2).map(Real::to_f64);
                        let got = [a[k], b[k], c[k]];
                        assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "sample {i}");
                    }
                }
            }
        }
        let n = DX_BLOCK + 12;
        let weird = [0.0, -3.0, 1e-300, 1e300, f64::NAN, 7.25, 7.25];
        let x: Vec<f64> = (0..n)
            .map(|i| (i as f64).powf(1.37) + weird[i % weird.len()] * f64::from(i % 5 == 0))
            .collect();
        check(&x);
        check(&x.iter().map(|&v| v as f32).collect::<Vec<_>>());
        check(&x.iter().map(|&v| f16::from_f64(v)).collect::<Vec<_>>());
        check(
            &(0..n as i64)
                .map(|i| i * i * (i % 3 - 1))
                .collect::<Vec<_>>(),
        );
        check(
            &(0..n)
                .map(|i| (i as u8).wrapping_mul(37))
                .collect::<Vec<_>>(),
        );
    }
}
