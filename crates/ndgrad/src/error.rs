//! The one error type of the crate.

use crate::scheme::Scheme;

/// Everything a caller can get wrong, detected before any output is written.
///
/// Each variant carries the values involved, so callers (the Python layer,
/// the CLI) can branch on them and build their own messages.
///
/// ```
/// use ndgrad::{gradient_axis, EdgeOrder, GradientError, Spacing};
/// use ndgrad::ndarray::{array, Axis};
/// let err = gradient_axis(&array![1.0, 2.0], Axis(0), Spacing::Unit, EdgeOrder::Second)
///     .unwrap_err();
/// assert_eq!(
///     err,
///     GradientError::AxisTooShort { axis: 0, len: 2, scheme: EdgeOrder::Second.into(), needed: 3 }
/// );
/// assert_eq!(err.to_string(), "axis 0 has 2 samples; edge order 2 needs at least 3");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GradientError {
    /// An axis index is not smaller than the number of dimensions.
    #[error("axis {axis} is out of bounds for an array of dimension {ndim}")]
    AxisOutOfBounds {
        /// The axis asked for.
        axis: usize,
        /// The number of dimensions of the input.
        ndim: usize,
    },
    /// The same axis was requested twice.
    #[error("axis {axis} is repeated")]
    RepeatedAxis {
        /// The repeated axis.
        axis: usize,
    },
    /// A differentiated axis has fewer samples than its scheme needs.
    #[error("axis {axis} has {len} samples; {scheme} needs at least {needed}")]
    AxisTooShort {
        /// The axis.
        axis: usize,
        /// Its length.
        len: usize,
        /// The scheme asked for.
        scheme: Scheme,
        /// The minimum length, [`Scheme::min_len`].
        needed: usize,
    },
    /// The number of per-axis spacings differs from the number of axes.
    #[error("{got} spacings given for {axes} axes; expected one per axis")]
    SpacingCount {
        /// Spacings given.
        got: usize,
        /// Axes requested.
        axes: usize,
    },
    /// A coordinate array's length differs from its axis' length.
    #[error("coordinates for axis {axis} have length {got}, expected {expected} (the axis length)")]
    CoordinateLength {
        /// The axis.
        axis: usize,
        /// Length of the coordinate array.
        got: usize,
        /// Length of the axis.
        expected: usize,
    },
    /// The number of output arrays differs from the number of axes.
    #[error("{got} output arrays given for {expected} axes")]
    OutputCount {
        /// Outputs given.
        got: usize,
        /// Axes requested.
        expected: usize,
    },
    /// An output array's shape differs from the input's.
    #[error("output has shape {got:?}, expected {expected:?} (the input's shape)")]
    OutputShape {
        /// Shape of the output given.
        got: Vec<usize>,
        /// Shape of the input.
        expected: Vec<usize>,
    },
    /// A padding boundary ([`Boundary::is_padding`](crate::Boundary::is_padding))
    /// with something it does not take: NumPy's gradient (whose ends are
    /// one-sided by definition) or coordinates (padding modes take a
    /// constant step).
    #[error(
        "the {scheme} scheme on axis {axis} takes a constant step and an accuracy order; got {got}"
    )]
    PaddingUnsupported {
        /// The axis.
        axis: usize,
        /// The scheme asked for.
        scheme: Scheme,
        /// What it was given: `"NumPy's edge order"` or `"coordinates"`.
        got: &'static str,
    },
    /// A chain ([`chain`](crate::chain)) of no passes.
    #[error("a chain needs at least one pass; got none")]
    EmptyChain,
    /// A derivative order outside `1..=4`.
    #[error("derivative order {got} is not supported; expected 1, 2, 3 or 4")]
    InvalidDerivative {
        /// The value given.
        got: i64,
    },
    /// An accuracy order other than 2, 4, 6 or 8.
    #[error("accuracy {got} is not supported; expected 2, 4, 6 or 8")]
    InvalidAccuracy {
        /// The value given.
        got: i64,
    },
    /// The number of per-axis schemes differs from the number of axes.
    #[error("{got} schemes given for {axes} axes; expected one per axis")]
    SchemeCount {
        /// Schemes given.
        got: usize,
        /// Axes requested.
        axes: usize,
    },
    /// A row index past the end of the axis ([`Scheme::stencil`]).
    #[error("row {row} is out of bounds for an axis of {len} samples")]
    RowOutOfBounds {
        /// The row asked for.
        row: usize,
        /// The axis length.
        len: usize,
    },
    /// A period was given for a periodic axis that has a step (its period
    /// is `n·h`).
    #[error(
        "axis {axis} has a constant step, so its period is n*h; expected no period for it, got {period}"
    )]
    PeriodForStep {
        /// The axis.
        axis: usize,
        /// The period given.
        period: f64,
    },
    /// A periodic axis with coordinates was given no period.
    #[error("axis {axis} is periodic with coordinates; expected a period for it, got none")]
    PeriodMissing {
        /// The axis.
        axis: usize,
    },
    /// A period that is not finite or not longer than the coordinates' span.
    #[error(
        "period of axis {axis} must be finite and greater than x[-1] - x[0] = {span}; got {period}"
    )]
    InvalidPeriod {
        /// The axis.
        axis: usize,
        /// The period given.
        period: f64,
        /// `x[n-1] - x[0]`.
        span: f64,
    },
    /// A step that a finite-difference scheme of [`Scheme::new`] cannot use:
    /// zero or not finite. NumPy's own formulas ([`Scheme::numpy`]) keep
    /// NumPy's result for such a step (infinities and NaNs), as NumPy does.
    #[error("the step of axis {axis} must be finite and nonzero for {scheme}; got {step}")]
    InvalidStep {
        /// The axis.
        axis: usize,
        /// The scheme asked for.
        scheme: Scheme,
        /// The step, as `f64`.
        step: f64,
    },
    /// A scheme that data of this kind cannot be differentiated with:
    /// timedelta64 data takes NumPy's gradient only (its integer
    /// arithmetic), one-sided.
    #[error("{data} data takes NumPy's gradient only (edge order 1 or 2, one-sided); got {scheme}")]
    SchemeNotSupported {
        /// What the data is (`"timedelta64"`).
        data: &'static str,
        /// The scheme asked for.
        scheme: Scheme,
    },
    /// Coordinates of a periodic axis that are not finite and strictly
    /// increasing. The samples beyond the ends sit at `x[j] ± period`, which
    /// only orders them when the coordinates increase; this holds for every
    /// scheme, NumPy's formulas on the wrap-padded array included.
    #[error(
        "coordinates of periodic axis {axis} must be finite and strictly increasing; \
         x[{index}] = {value} breaks this"
    )]
    PeriodicCoordinates {
        /// The axis.
        axis: usize,
        /// The first offending index.
        index: usize,
        /// Its coordinate, as `f64`.
        value: f64,
    },
    /// Coordinates that the scheme cannot use: not finite, or not strictly
    /// monotonic (repeated, or changing direction). NumPy's gradient
    /// accepts any coordinates; the higher-order schemes need distinct,
    /// ordered samples.
    #[error(
        "coordinates of axis {axis} must be finite and strictly monotonic for {scheme}; \
         x[{index}] = {value} breaks this"
    )]
    BadCoordinates {
        /// The axis.
        axis: usize,
        /// The scheme asked for.
        scheme: Scheme,
        /// The first offending index.
        index: usize,
        /// Its coordinate, as `f64`.
        value: f64,
    },
    /// A vector-calculus operator was given no axis to differentiate along.
    #[error("{operator} needs at least one axis to differentiate along; got none")]
    NoAxes {
        /// The operator (`"magnitude"`, `"laplacian"`, `"divergence"`, `"curl"`).
        operator: &'static str,
    },
    /// A vector field whose number of components differs from the number
    /// of axes it is differentiated along.
    #[error("{operator} takes one component per axis: expected {expected}, got {got}")]
    ComponentCount {
        /// The operator.
        operator: &'static str,
        /// Components given.
        got: usize,
        /// Axes differentiated along.
        expected: usize,
    },
    /// A vector field component whose shape differs from the first one's.
    #[error("component {index} has shape {got:?}, expected {expected:?} (component 0's shape)")]
    ComponentShape {
        /// The component.
        index: usize,
        /// Its shape.
        got: Vec<usize>,
        /// The shape of component 0.
        expected: Vec<usize>,
    },
    /// A curl along a number of axes other than 2 or 3.
    #[error("curl is defined in 2 or 3 dimensions; got {got} axes")]
    CurlAxes {
        /// The number of axes.
        got: usize,
    },
    /// An edge order other than 1 or 2.
    #[error("edge order {got} is not supported; expected 1 or 2")]
    InvalidEdgeOrder {
        /// The value given.
        got: i64,
    },
}
