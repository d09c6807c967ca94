//! The one error type of the crate.

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
/// assert_eq!(err, GradientError::AxisTooShort { axis: 0, len: 2, edge_order: 2, needed: 3 });
/// assert_eq!(err.to_string(), "axis 0 has 2 samples; edge order 2 needs at least 3");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
    /// A differentiated axis has fewer samples than the edge order needs.
    #[error("axis {axis} has {len} samples; edge order {edge_order} needs at least {needed}")]
    AxisTooShort {
        /// The axis.
        axis: usize,
        /// Its length.
        len: usize,
        /// The edge order asked for (1 or 2).
        edge_order: u8,
        /// The minimum length, `edge_order + 1`.
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
    /// An edge order other than 1 or 2.
    #[error("edge order {got} is not supported; expected 1 or 2")]
    InvalidEdgeOrder {
        /// The value given.
        got: i64,
    },
}
