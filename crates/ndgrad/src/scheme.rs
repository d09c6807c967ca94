//! What is computed along an axis: derivative order, accuracy, boundary.
//!
//! A [`Scheme`] is NumPy's gradient ([`Scheme::numpy`], with an
//! [`EdgeOrder`]) or a finite-difference stencil of derivative order
//! `d ∈ 1..=4` and accuracy order `k ∈ {2, 4, 6, 8}` ([`Scheme::new`]),
//! with one-sided ends or a periodic axis ([`Boundary`]).
//!
//! # The window rule
//!
//! Along an axis of `n` samples:
//!
//! * **interior**: the central window of `w_c = 2⌊(d+1)/2⌋ − 1 + k`
//!   samples (half-width `h = (w_c − 1)/2`, the scheme's [`reach`](Scheme::reach))
//!   at every row `h ≤ i ≤ n − 1 − h`;
//! * **near an end** (rows closer than `h` to it): the `w_o = k + d` samples
//!   at that end, the same window for all of those rows (pinned, not
//!   sliding as findiff's forward windows do: smaller error constants and
//!   much smaller weight norms);
//! * **periodic**: the central window at every row, indices modulo `n`;
//!   with coordinates the samples beyond the ends sit at `x[j] − period`
//!   (left) and `x[j] + period` (right).
//!
//! The weights are the exact finite-difference weights of the window's
//! coordinates at the row's coordinate (Fornberg's algorithm). With a
//! constant step `h` they are exact rationals, applied as integer
//! numerators and one division by `den·h^d` (see [`Scheme::stencil`]).
//!
//! `d = 1, k = 2` is NumPy's `edge_order=2` gradient, and is computed by
//! NumPy's formulas, bit for bit; so is a periodic axis at `d = 1, k = 2`
//! or with [`Scheme::numpy`] (NumPy's gradient of the wrap-padded array).

use core::fmt;
use core::ops::Range;

use crate::error::GradientError;
use crate::weights;

/// Accuracy order of the one-sided differences at the two ends of an axis.
///
/// The interior is always second-order central differences, as in NumPy.
///
/// ```
/// use ndgrad::EdgeOrder;
/// assert_eq!(EdgeOrder::default(), EdgeOrder::First);
/// assert_eq!(EdgeOrder::try_from(2)?, EdgeOrder::Second);
/// assert!(EdgeOrder::try_from(3).is_err());
/// assert_eq!(EdgeOrder::Second.min_len(), 3);
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum EdgeOrder {
    /// Two-point differences at the ends (`edge_order=1`, NumPy's default).
    #[default]
    First,
    /// Three-point one-sided differences at the ends (`edge_order=2`).
    Second,
}

impl EdgeOrder {
    /// The order as a number, 1 or 2.
    ///
    /// ```
    /// assert_eq!(ndgrad::EdgeOrder::Second.order(), 2);
    /// ```
    pub const fn order(self) -> u8 {
        match self {
            EdgeOrder::First => 1,
            EdgeOrder::Second => 2,
        }
    }

    /// The fewest samples an axis needs for this edge order (`order + 1`).
    ///
    /// ```
    /// assert_eq!(ndgrad::EdgeOrder::First.min_len(), 2);
    /// ```
    pub const fn min_len(self) -> usize {
        self.order() as usize + 1
    }
}

impl TryFrom<i64> for EdgeOrder {
    type Error = GradientError;

    /// Accepts 1 and 2 only. (NumPy also accepts values below 1 as 2; the
    /// Python layer maps those itself.)
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        match value {
            1 => Ok(EdgeOrder::First),
            2 => Ok(EdgeOrder::Second),
            got => Err(GradientError::InvalidEdgeOrder { got }),
        }
    }
}

/// How the rows near the two ends of an axis are computed.
///
/// [`OneSided`](Boundary::OneSided) pins a one-sided window to each end
/// (NumPy's rule); every other boundary reads the central window at every
/// row, with the positions past the ends standing for samples of the axis
/// ([`Boundary::source`]) or, [`Constant`](Boundary::Constant), for a
/// value. The padding modes are `scipy.ndimage`'s (and
/// `scipy.signal.savgol_filter`'s): differentiating with one of them is
/// differentiating the padded axis with central windows, and windows
/// longer than the axis extend it repeatedly, as scipy does.
///
/// ```
/// use ndgrad::{Boundary, Scheme};
/// let s = Scheme::new(1, 4)?.with_boundary(Boundary::Periodic { period: None });
/// assert_eq!(s.min_len(), 5);
/// assert_eq!(Scheme::new(1, 4)?.with_boundary(Boundary::Reflect).min_len(), 1);
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub enum Boundary {
    /// One-sided windows pinned to each end (NumPy's behaviour).
    #[default]
    OneSided,
    /// The axis wraps around. `period` is the length of one period in the
    /// coordinates' unit: required (and greater than `x[n-1] - x[0]`) for
    /// an axis with coordinates, `None` for an axis with a step `h` (the
    /// period is then `n·h`). With a step this is scipy's `"wrap"`.
    Periodic {
        /// The period of a coordinate axis; `None` for a step.
        period: Option<f64>,
    },
    /// Reflected about the edge, the edge sample repeated:
    /// `d c b a | a b c d | d c b a` (scipy.ndimage's `"reflect"`, NumPy's
    /// `pad(mode="symmetric")`). Constant step only.
    Reflect,
    /// Reflected about the edge sample, which is not repeated:
    /// `d c b | a b c d | c b a` (scipy's `"mirror"`, NumPy's
    /// `pad(mode="reflect")`). Constant step only.
    Mirror,
    /// The edge sample repeated: `a a a | a b c d | d d d` (scipy's
    /// `"nearest"`, NumPy's `pad(mode="edge")`). Constant step only.
    Nearest,
    /// A constant past the ends: `k k k | a b c d | k k k` (scipy's
    /// `"constant"` with `cval = k`). Constant step only.
    Constant {
        /// The value of every position past the ends.
        value: f64,
    },
}

impl Boundary {
    /// Whether the axis wraps around.
    ///
    /// ```
    /// assert!(!ndgrad::Boundary::OneSided.is_periodic());
    /// ```
    pub const fn is_periodic(self) -> bool {
        matches!(self, Boundary::Periodic { .. })
    }

    /// Whether this is a padding mode: [`Reflect`](Boundary::Reflect),
    /// [`Mirror`](Boundary::Mirror), [`Nearest`](Boundary::Nearest) or
    /// [`Constant`](Boundary::Constant).
    ///
    /// ```
    /// use ndgrad::Boundary;
    /// assert!(Boundary::Mirror.is_padding());
    /// assert!(!Boundary::Periodic { period: None }.is_padding());
    /// ```
    pub const fn is_padding(self) -> bool {
        matches!(
            self,
            Boundary::Reflect | Boundary::Mirror | Boundary::Nearest | Boundary::Constant { .. }
        )
    }

    /// The sample that position `j` of an axis of `n > 0` samples stands
    /// for, `j` possibly past either end: `Some(j)` inside; past the ends,
    /// the padding mode's (or the periodic axis') sample, or `None` where
    /// there is none (a constant, or a one-sided axis).
    ///
    /// ```
    /// use ndgrad::Boundary;
    /// let at = |b: Boundary| (-3..7).map(|j| b.source(j, 4)).collect::<Vec<_>>();
    /// let s = |v: &[usize]| v.iter().map(|&i| Some(i)).collect::<Vec<_>>();
    /// assert_eq!(at(Boundary::Reflect), s(&[2, 1, 0, 0, 1, 2, 3, 3, 2, 1]));
    /// assert_eq!(at(Boundary::Mirror), s(&[3, 2, 1, 0, 1, 2, 3, 2, 1, 0]));
    /// assert_eq!(at(Boundary::Nearest), s(&[0, 0, 0, 0, 1, 2, 3, 3, 3, 3]));
    /// assert_eq!(at(Boundary::Periodic { period: None }), s(&[1, 2, 3, 0, 1, 2, 3, 0, 1, 2]));
    /// assert_eq!(Boundary::Constant { value: 0.0 }.source(-1, 4), None);
    /// assert_eq!(Boundary::OneSided.source(4, 4), None);
    /// ```
    pub fn source(self, j: isize, n: usize) -> Option<usize> {
        let n = n as isize;
        if (0..n).contains(&j) {
            return Some(j as usize);
        }
        if n == 0 {
            return None;
        }
        let i = match self {
            Boundary::OneSided | Boundary::Constant { .. } => return None,
            Boundary::Periodic { .. } => j.rem_euclid(n),
            Boundary::Nearest => j.clamp(0, n - 1),
            Boundary::Reflect => {
                let m = j.rem_euclid(2 * n);
                if m < n { m } else { 2 * n - 1 - m }
            }
            Boundary::Mirror if n == 1 => 0,
            Boundary::Mirror => {
                let m = j.rem_euclid(2 * n - 2);
                if m < n { m } else { 2 * n - 2 - m }
            }
        };
        Some(i as usize)
    }

    /// The period given for a periodic axis.
    pub(crate) const fn period(self) -> Option<f64> {
        match self {
            Boundary::Periodic { period } => period,
            _ => None,
        }
    }

    /// The value past the ends, for [`Constant`](Boundary::Constant).
    pub(crate) const fn constant(self) -> Option<f64> {
        match self {
            Boundary::Constant { value } => Some(value),
            _ => None,
        }
    }

    /// The name the surfaces use: `one-sided`, `periodic`, and scipy's
    /// names of the padding modes.
    ///
    /// ```
    /// assert_eq!(ndgrad::Boundary::Nearest.name(), "nearest");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Boundary::OneSided => "one-sided",
            Boundary::Periodic { .. } => "periodic",
            Boundary::Reflect => "reflect",
            Boundary::Mirror => "mirror",
            Boundary::Nearest => "nearest",
            Boundary::Constant { .. } => "constant",
        }
    }
}

/// The accuracy of a [`Scheme`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Accuracy {
    /// NumPy's gradient: second-order central differences inside, this
    /// edge order at the ends.
    NumPy(EdgeOrder),
    /// Order `k ∈ {2, 4, 6, 8}` everywhere, ends included.
    Order(u8),
}

/// A finite-difference scheme: derivative order, accuracy and boundary.
///
/// Every single-axis function takes `impl Into<Scheme>`, so an
/// [`EdgeOrder`] is a scheme too (NumPy's).
///
/// ```
/// use ndgrad::{EdgeOrder, Scheme};
/// assert_eq!(Scheme::from(EdgeOrder::Second), Scheme::numpy(EdgeOrder::Second));
/// let s = Scheme::new(2, 4)?; // second derivative, fourth order
/// assert_eq!((s.derivative(), s.accuracy()), (2, Some(4)));
/// assert_eq!((s.reach(), s.min_len()), (2, 6));
/// assert!(Scheme::new(1, 3).is_err());
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scheme {
    derivative: u8,
    accuracy: Accuracy,
    boundary: Boundary,
}

impl Default for Scheme {
    fn default() -> Self {
        Scheme::numpy(EdgeOrder::First)
    }
}

impl From<EdgeOrder> for Scheme {
    fn from(edge: EdgeOrder) -> Self {
        Scheme::numpy(edge)
    }
}

/// The accuracy orders [`Scheme::new`] accepts.
pub const ACCURACIES: [u8; 4] = [2, 4, 6, 8];

/// The largest derivative order [`Scheme::new`] accepts.
pub const MAX_DERIVATIVE: u8 = 4;

impl Scheme {
    /// NumPy's gradient with this edge order, one-sided ends.
    ///
    /// ```
    /// let s = ndgrad::Scheme::numpy(ndgrad::EdgeOrder::First);
    /// assert_eq!((s.reach(), s.min_len(), s.accuracy()), (1, 2, None));
    /// ```
    pub const fn numpy(edge: EdgeOrder) -> Self {
        Scheme {
            derivative: 1,
            accuracy: Accuracy::NumPy(edge),
            boundary: Boundary::OneSided,
        }
    }

    /// The `derivative`-th derivative at accuracy order `accuracy`, one-sided ends.
    ///
    /// # Errors
    ///
    /// [`GradientError::InvalidDerivative`] unless `1 ≤ derivative ≤ 4`,
    /// [`GradientError::InvalidAccuracy`] unless `accuracy ∈ {2, 4, 6, 8}`.
    ///
    /// ```
    /// use ndgrad::{GradientError, Scheme};
    /// assert!(Scheme::new(4, 8).is_ok());
    /// assert_eq!(Scheme::new(5, 2), Err(GradientError::InvalidDerivative { got: 5 }));
    /// assert_eq!(Scheme::new(1, 10), Err(GradientError::InvalidAccuracy { got: 10 }));
    /// ```
    pub fn new(derivative: u8, accuracy: u8) -> Result<Self, GradientError> {
        if !(1..=MAX_DERIVATIVE).contains(&derivative) {
            return Err(GradientError::InvalidDerivative {
                got: i64::from(derivative),
            });
        }
        if !ACCURACIES.contains(&accuracy) {
            return Err(GradientError::InvalidAccuracy {
                got: i64::from(accuracy),
            });
        }
        Ok(Scheme {
            derivative,
            accuracy: Accuracy::Order(accuracy),
            boundary: Boundary::OneSided,
        })
    }

    /// The same scheme with another boundary.
    #[must_use]
    pub const fn with_boundary(mut self, boundary: Boundary) -> Self {
        self.boundary = boundary;
        self
    }

    /// The second derivative with this scheme's accuracy (NumPy's
    /// gradient counts as accuracy 2) and boundary: a Laplacian's term.
    pub(crate) const fn second_derivative(self) -> Self {
        let k = match self.accuracy {
            Accuracy::Order(k) => k,
            Accuracy::NumPy(_) => 2,
        };
        Scheme {
            derivative: 2,
            accuracy: Accuracy::Order(k),
            boundary: self.boundary,
        }
    }

    /// The derivative order `d`.
    pub const fn derivative(&self) -> u8 {
        self.derivative
    }

    /// The accuracy order `k`, or `None` for NumPy's gradient.
    pub const fn accuracy(&self) -> Option<u8> {
        match self.accuracy {
            Accuracy::Order(k) => Some(k),
            Accuracy::NumPy(_) => None,
        }
    }

    /// The accuracy, as given.
    pub const fn accuracy_kind(&self) -> Accuracy {
        self.accuracy
    }

    /// The boundary.
    pub const fn boundary(&self) -> Boundary {
        self.boundary
    }

    /// The edge order NumPy's formulas use for this scheme, when they
    /// compute it (NumPy's gradient, and `d = 1, k = 2`).
    pub(crate) const fn numpy_edge(&self) -> Option<EdgeOrder> {
        if self.boundary.is_padding() {
            return None;
        }
        match (self.derivative, self.accuracy) {
            (1, Accuracy::NumPy(e)) => Some(e),
            (1, Accuracy::Order(2)) => Some(EdgeOrder::Second),
            _ => None,
        }
    }

    /// `(d, k)` as window sizes: NumPy's gradient is `d = 1, k = 2` inside.
    fn dk(&self) -> (usize, usize) {
        let k = match self.accuracy {
            Accuracy::Order(k) => k as usize,
            Accuracy::NumPy(_) => 2,
        };
        (self.derivative as usize, k)
    }

    /// The central window's half-width `h`: how many samples each interior
    /// row reads on each side, and how many rows at each end are boundary
    /// rows.
    ///
    /// ```
    /// use ndgrad::Scheme;
    /// assert_eq!(Scheme::new(1, 8)?.reach(), 4);
    /// assert_eq!(Scheme::new(3, 2)?.reach(), 2);
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    pub fn reach(&self) -> usize {
        let (d, k) = self.dk();
        weights::half_width(d, k)
    }

    /// The fewest samples an axis needs: `k + d` one-sided (NumPy: the
    /// edge order + 1), the central width `w_c` periodic, 1 with a padding
    /// mode.
    ///
    /// ```
    /// use ndgrad::{Boundary, EdgeOrder, Scheme};
    /// assert_eq!(Scheme::numpy(EdgeOrder::Second).min_len(), 3);
    /// assert_eq!(Scheme::new(2, 4)?.min_len(), 6);
    /// let periodic = Boundary::Periodic { period: None };
    /// assert_eq!(Scheme::new(2, 4)?.with_boundary(periodic).min_len(), 5);
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    pub fn min_len(&self) -> usize {
        let (d, k) = self.dk();
        match (self.boundary, self.accuracy) {
            (Boundary::Periodic { .. }, _) => weights::central_width(d, k),
            (Boundary::OneSided, Accuracy::NumPy(e)) => e.min_len(),
            (Boundary::OneSided, Accuracy::Order(_)) => weights::one_sided_width(d, k),
            // Any axis: the padding extends it as far as the windows read.
            _ => 1,
        }
    }

    /// The samples row `row` of an axis of `n` samples reads, for a
    /// one-sided scheme; periodic and padded rows near the ends read past
    /// them and have no such range (`None`). Also `None` if `row >= n` or
    /// `n < min_len()`.
    ///
    /// ```
    /// use ndgrad::Scheme;
    /// let s = Scheme::new(1, 4)?;
    /// assert_eq!(s.window(0, 10), Some(0..5));
    /// assert_eq!(s.window(5, 10), Some(3..8));
    /// assert_eq!(s.window(9, 10), Some(5..10));
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    pub fn window(&self, row: usize, n: usize) -> Option<Range<usize>> {
        if row >= n || n < self.min_len() {
            return None;
        }
        let h = self.reach();
        let interior = h <= row && row + h < n;
        match (self.accuracy, self.boundary) {
            _ if interior => Some(row - h..row + h + 1),
            (Accuracy::NumPy(e), Boundary::OneSided) => {
                let w = e.min_len();
                Some(if row < h { 0..w } else { n - w..n })
            }
            (Accuracy::Order(_), Boundary::OneSided) => {
                let (d, k) = self.dk();
                Some(weights::window(d, k, row, n))
            }
            _ => None,
        }
    }

    /// The samples that rows `rows` of an axis of `n` samples read,
    /// widened (if need be) to at least [`min_len`](Scheme::min_len)
    /// samples: differentiating just those samples gives the same values
    /// at `rows` as differentiating the whole axis. This is the halo code
    /// computing an axis piece by piece (slabs of a file, Dask blocks)
    /// needs; [`AxisPieces`](crate::AxisPieces) adds the piece's spacing.
    /// `None` for an empty or out-of-range `rows`, an axis shorter than
    /// `min_len()`, or periodic rows that wrap. With a padding mode, the
    /// rows the central windows read within the axis: the piece is then
    /// differentiated with the same padding mode.
    ///
    /// ```
    /// use ndgrad::{EdgeOrder, Scheme};
    /// let numpy = Scheme::numpy(EdgeOrder::Second);
    /// assert_eq!(numpy.input_rows(0..1, 10), Some(0..3));
    /// assert_eq!(numpy.input_rows(4..5, 10), Some(3..6));
    /// let s = Scheme::new(2, 4)?; // 5-point interior, 6-point ends
    /// assert_eq!(s.input_rows(5..6, 20), Some(3..9));
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    pub fn input_rows(&self, rows: Range<usize>, n: usize) -> Option<Range<usize>> {
        if rows.is_empty() || rows.end > n {
            return None;
        }
        if self.boundary.is_padding() {
            // The central windows, clipped to the axis: what they read
            // past an end stands for samples within `reach` of it.
            let h = self.reach();
            return Some(rows.start.saturating_sub(h)..(rows.end + h).min(n));
        }
        let first = self.window(rows.start, n)?;
        let last = self.window(rows.end - 1, n)?;
        let (lo, mut hi) = (first.start, last.end);
        let need = self.min_len();
        // Widen an interior piece that is narrower than the scheme's
        // minimum: extra samples never change an interior row's window.
        hi = hi.max((lo + need).min(n));
        let lo = lo.min(hi.saturating_sub(need));
        Some(lo..hi)
    }

    /// For a periodic scheme, the samples that rows `rows` of an axis of
    /// `n` samples read, as indices that may run past either end: index
    /// `j < 0` stands for sample `j + n` one period earlier (at coordinate
    /// `x[j + n] - period`), `j >= n` for sample `j - n` one period later
    /// (at `x[j - n] + period`). The range is widened (if need be) to the
    /// one-sided scheme's [`min_len`](Scheme::min_len): differentiating
    /// those samples with `self.with_boundary(Boundary::OneSided)` gives,
    /// at `rows`, the values the periodic scheme gives on the whole axis.
    /// This is how a piece of a periodic axis (a Dask block, a file slab)
    /// takes its halo from the other end of the array. `None` for a
    /// one-sided scheme, an empty or out-of-range `rows`, or an axis shorter
    /// than `min_len()`.
    ///
    /// ```
    /// use ndgrad::{Boundary, Scheme};
    /// let s = Scheme::new(1, 4)?.with_boundary(Boundary::Periodic { period: None });
    /// assert_eq!(s.wrapped_input_rows(0..3, 10), Some(-2..5));
    /// assert_eq!(s.wrapped_input_rows(9..10, 10), Some(7..12));
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    pub fn wrapped_input_rows(&self, rows: Range<usize>, n: usize) -> Option<Range<isize>> {
        if !self.boundary.is_periodic() || rows.is_empty() || rows.end > n || n < self.min_len() {
            return None;
        }
        let h = self.reach() as isize;
        let need = self.with_boundary(Boundary::OneSided).min_len() as isize;
        let lo = rows.start as isize - h;
        let hi = (rows.end as isize + h).max(lo + need);
        Some(lo..hi)
    }

    /// The rows that output rows `rows` of an axis of `n` samples read, in
    /// order, under either boundary: [`input_rows`](Scheme::input_rows)
    /// for one-sided ends, [`wrapped_input_rows`](Scheme::wrapped_input_rows)
    /// (indices past either end) for a periodic axis, whose piece is then
    /// differentiated with one-sided ends. [`AxisPieces`](crate::AxisPieces)
    /// adds the piece's spacing.
    ///
    /// ```
    /// use ndgrad::{Boundary, Scheme};
    /// let s = Scheme::new(1, 4)?;
    /// assert_eq!(s.rows_read(0..3, 10), Some(0..5));
    /// let p = s.with_boundary(Boundary::Periodic { period: None });
    /// assert_eq!(p.rows_read(0..3, 10), Some(-2..5));
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    pub fn rows_read(&self, rows: Range<usize>, n: usize) -> Option<Range<isize>> {
        if self.boundary.is_periodic() {
            self.wrapped_input_rows(rows, n)
        } else {
            let r = self.input_rows(rows, n)?;
            Some(r.start as isize..r.end as isize)
        }
    }

    /// The exact weights of row `row` on an axis of `n` samples with unit
    /// step (multiply by `1/h^d` for a step `h`). With a padding mode, a
    /// sample read more than once has the sum of its weights, and the
    /// weights of positions that read [`Boundary::Constant`]'s value are
    /// left out (they multiply the value, not a sample).
    ///
    /// # Errors
    ///
    /// [`GradientError::AxisTooShort`] if `n < min_len()`;
    /// [`GradientError::RowOutOfBounds`] if `row >= n`.
    ///
    /// ```
    /// use ndgrad::Scheme;
    /// let s = Scheme::new(1, 4)?.stencil(5, 10)?;
    /// assert_eq!(s.samples, [3, 4, 6, 7]);
    /// assert_eq!((s.numerators, s.denominator), (vec![1, -8, 8, -1], 12));
    /// let edge = Scheme::new(1, 4)?.stencil(0, 10)?;
    /// assert_eq!(edge.numerators, [-25, 48, -36, 16, -3]);
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    pub fn stencil(&self, row: usize, n: usize) -> Result<Stencil, GradientError> {
        if n < self.min_len() {
            return Err(GradientError::AxisTooShort {
                axis: 0,
                len: n,
                scheme: *self,
                needed: self.min_len(),
            });
        }
        if row >= n {
            return Err(GradientError::RowOutOfBounds { row, len: n });
        }
        let (d, _) = self.dk();
        // A periodic row that wraps reads the central window, modulo n.
        let h = self.reach() as i64;
        let (samples, offsets): (Vec<Option<usize>>, Vec<i64>) =
            if let Some(w) = self.window(row, n) {
                w.map(|j| (Some(j), j as i64 - row as i64)).unzip()
            } else {
                (-h..=h)
                    .map(|o| (self.boundary.source(row as isize + o as isize, n), o))
                    .unzip()
            };
        let (num, den) = weights::exact(&offsets, d);
        // A sample read more than once (padding) gets the sum of its weights.
        let mut merged: Vec<(usize, i64)> = Vec::with_capacity(samples.len());
        for (j, w) in samples.into_iter().zip(num) {
            let Some(j) = j else { continue };
            match merged.iter_mut().find(|(i, _)| *i == j) {
                Some((_, v)) => *v += w,
                None => merged.push((j, w)),
            }
        }
        let (samples, numerators) = merged.into_iter().filter(|&(_, w)| w != 0).unzip();
        Ok(Stencil {
            samples,
            numerators,
            denominator: den,
        })
    }
}

impl fmt::Display for Scheme {
    /// `edge order 2`, `derivative 2, accuracy 4`, `..., periodic`, `..., reflect`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.accuracy {
            Accuracy::NumPy(e) => write!(f, "edge order {}", e.order())?,
            Accuracy::Order(k) => write!(f, "derivative {}, accuracy {k}", self.derivative)?,
        }
        match self.boundary {
            Boundary::OneSided => Ok(()),
            b => write!(f, ", {}", b.name()),
        }
    }
}

/// The exact weights of one row with unit step: `out[row] = Σ numerators[j]
/// · f[samples[j]] / denominator` (divide by `h^d` as well for a step `h`).
/// Zero weights are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stencil {
    /// The samples the row reads (wrapped modulo `n` on a periodic axis).
    pub samples: Vec<usize>,
    /// Integer numerators, one per sample.
    pub numerators: Vec<i64>,
    /// The common, positive denominator.
    pub denominator: i64,
}
