//! A piece of an axis: what computing some of its output rows needs.
//!
//! Code that differentiates an axis piece by piece — slabs of a file too
//! large for memory, blocks of a Dask array — needs three things for the
//! output rows `a..b` of each piece: which input rows to read (the rows'
//! windows, at an end the whole one-sided window, on a periodic axis rows
//! from the other end), the scheme to differentiate them with, and their
//! spacing (a step, a slice of the coordinates, or coordinates shifted by
//! the period past the seam). [`AxisPieces`] checks the whole axis once,
//! takes NumPy's uniform-or-not decision on the whole axis, and answers
//! all three for any piece ([`AxisPieces::piece`]); differentiating the
//! rows a [`Piece`] reads and keeping [`Piece::own`] gives, bit for bit,
//! the rows of the whole axis.

use core::ops::Range;

use half::f16;
use ndarray::{Array1, ArrayView1};

use crate::element::{Real, SpacingElement};
use crate::error::GradientError;
use crate::plan::{self, Checked, Planner};
use crate::scheme::{Boundary, Scheme};
use crate::spacing::{Coords, Spacing, with_typed};

/// An axis of `len` samples under a [`Scheme`] and a [`Spacing`], checked
/// once, to be differentiated piece by piece.
///
/// ```
/// use ndgrad::ndarray::{Array1, s};
/// use ndgrad::{AxisPieces, Scheme, Spacing};
///
/// let x = Array1::linspace(0.0, 1.0, 50).mapv(|t: f64| t * t); // non-uniform
/// let f = x.mapv(f64::sin);
/// let scheme = Scheme::new(1, 4)?;
/// let whole = ndgrad::gradient_axis(&f, ndgrad::ndarray::Axis(0), Spacing::coordinates(&x), scheme)?;
///
/// let axis = AxisPieces::new(&Spacing::coordinates(&x), scheme, 0, 50)?;
/// let piece = axis.piece(20..30).unwrap();
/// assert_eq!(piece.read, 18..32); // two rows each side
/// let rows = f.slice(s![18..32]);
/// let part = ndgrad::gradient_axis(&rows, ndgrad::ndarray::Axis(0), piece.spacing(), piece.scheme)?;
/// assert_eq!(part.slice(s![piece.own.clone()]), whole.slice(s![20..30]));
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct AxisPieces<'a> {
    len: usize,
    scheme: Scheme,
    spacing: Checked<'a>,
}

/// What output rows `a..b` of an axis need ([`AxisPieces::piece`]).
#[derive(Debug, Clone)]
pub struct Piece<'a> {
    /// The input rows the piece reads, in order. On a periodic axis they
    /// may run past either end: row `j < 0` is row `j + n` one period
    /// earlier, row `j >= n` is row `j - n` one period later (see
    /// [`Piece::sources`]).
    pub read: Range<isize>,
    /// The piece's own rows among the outputs of the rows read (`a..b`,
    /// shifted by `read.start`).
    pub own: Range<usize>,
    /// The scheme to differentiate the rows read with: the axis' scheme,
    /// with one-sided ends for a periodic axis (the rows past its ends are
    /// in [`read`](Piece::read)).
    pub scheme: Scheme,
    spacing: PieceSpacing<'a>,
    /// The length of the axis.
    len: usize,
}

#[derive(Debug, Clone)]
enum PieceSpacing<'a> {
    /// The spacing of the whole axis (a step), or a slice of its coordinates.
    Borrowed(Spacing<'a>),
    /// Coordinates of a periodic axis, shifted by the period past its ends.
    Shifted(Shifted),
}

/// Coordinates in their real type (`f64` for integers).
#[derive(Debug, Clone)]
pub(crate) enum Shifted {
    F16(Array1<f16>),
    F32(Array1<f32>),
    F64(Array1<f64>),
}

impl<'a> AxisPieces<'a> {
    /// Checks `spacing` and `scheme` against axis `axis` of `len` samples,
    /// as a call on the whole axis would (the same errors), and takes
    /// NumPy's uniform-or-not decision of [`Spacing::coordinates`] on the
    /// whole axis.
    ///
    /// # Errors
    ///
    /// Those of [`gradient_axis`](crate::gradient_axis) for this axis.
    pub fn new(
        spacing: &Spacing<'a>,
        scheme: Scheme,
        axis: usize,
        len: usize,
    ) -> Result<Self, GradientError> {
        let spacing = Planner {
            len,
            scheme: &scheme,
            axis,
        }
        .check(spacing)?;
        Ok(AxisPieces {
            len,
            scheme,
            spacing,
        })
    }

    /// The length of the axis.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the axis is empty (never: a checked axis has at least
    /// [`Scheme::min_len`] samples).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// What output rows `rows` need; `None` if `rows` is empty or not
    /// within the axis.
    ///
    /// ```
    /// use ndgrad::{AxisPieces, Boundary, Scheme, Spacing};
    /// let s = Scheme::new(1, 4)?.with_boundary(Boundary::Periodic { period: None });
    /// let axis = AxisPieces::new(&Spacing::uniform(0.5), s, 0, 10)?;
    /// let p = axis.piece(0..3).unwrap();
    /// assert_eq!((p.read.clone(), p.own.clone()), (-2..5, 2..5));
    /// assert_eq!(p.sources(), [8..10, 0..5]);
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    pub fn piece(&self, rows: Range<usize>) -> Option<Piece<'a>> {
        let read = self.scheme.rows_read(rows.clone(), self.len)?;
        let spacing = match (self.scheme.boundary(), self.spacing) {
            (_, Checked::Step(s)) => PieceSpacing::Borrowed(s),
            (Boundary::Periodic { period }, Checked::Coords(x)) => {
                let p = period.unwrap_or_else(|| unreachable!("checked: a period"));
                PieceSpacing::Shifted(with_typed!(Coords, x, |x| shifted(&x, p, read.clone())))
            }
            (_, Checked::Coords(x)) => {
                let rows = read.start as usize..read.end as usize;
                PieceSpacing::Borrowed(Spacing::NonUniform(x.slice(rows)))
            }
        };
        // The rows past the ends of a periodic axis are in `read`; a padded
        // piece pads where the axis does (its other rows are not its own).
        let scheme = if self.scheme.boundary().is_periodic() {
            self.scheme.with_boundary(Boundary::OneSided)
        } else {
            self.scheme
        };
        let start = (rows.start as isize - read.start) as usize;
        Some(Piece {
            own: start..start + rows.len(),
            read,
            scheme,
            spacing,
            len: self.len,
        })
    }

    /// The most rows a piece reads besides its own: the memory a slab
    /// needs beyond its rows.
    ///
    /// ```
    /// use ndgrad::{AxisPieces, Scheme, Spacing};
    /// let axis = AxisPieces::new(&Spacing::Unit, Scheme::new(1, 4)?, 0, 100)?;
    /// assert_eq!(axis.max_halo(), 4); // two rows each side
    /// # Ok::<(), ndgrad::GradientError>(())
    /// ```
    pub fn max_halo(&self) -> usize {
        let s = &self.scheme;
        match s.boundary() {
            // `reach` rows each side, the piece widened to the one-sided
            // window if it is shorter: most for a one-row piece.
            Boundary::Periodic { .. } => s
                .wrapped_input_rows(0..1, self.len)
                .map_or(0, |r| r.len() - 1),
            Boundary::OneSided => (2 * s.reach()).max(s.min_len() - 1),
            // `reach` rows each side.
            _ => 2 * s.reach(),
        }
    }
}

impl Piece<'_> {
    /// The spacing of the rows read: the axis' step, the slice of its
    /// coordinates, or on a periodic axis the coordinates of the rows read
    /// with those past the ends shifted by the period (`x[j + n] − period`,
    /// `x[j − n] + period`, in the coordinates' real type, as the whole
    /// axis' plan computes them).
    pub fn spacing(&self) -> Spacing<'_> {
        match &self.spacing {
            PieceSpacing::Borrowed(s) => s.reborrow(),
            PieceSpacing::Shifted(Shifted::F16(x)) => Spacing::non_uniform(x),
            PieceSpacing::Shifted(Shifted::F32(x)) => Spacing::non_uniform(x),
            PieceSpacing::Shifted(Shifted::F64(x)) => Spacing::non_uniform(x),
        }
    }

    /// The rows read, as ranges of `0..n` in order (a periodic piece's
    /// rows wrap around the ends, more than once if it is longer than the
    /// axis).
    pub fn sources(&self) -> Vec<Range<usize>> {
        let n = self.len;
        let mut sources = Vec::new();
        let mut at = self.read.start.rem_euclid(n as isize) as usize;
        let mut left = self.read.len();
        while left > 0 {
            let len = left.min(n - at);
            sources.push(at..at + len);
            left -= len;
            at = 0;
        }
        sources
    }
}

/// Coordinates of a periodic axis' rows shifted by the period past its
/// ends, in the coordinates' real type (`f64` for integers): what
/// [`shift_wrapped`] returns.
#[derive(Debug, Clone)]
pub struct ShiftedCoords(Shifted);

impl ShiftedCoords {
    /// The coordinates as a spacing (never collapsed to a step).
    pub fn spacing(&self) -> Spacing<'_> {
        match &self.0 {
            Shifted::F16(x) => Spacing::non_uniform(x),
            Shifted::F32(x) => Spacing::non_uniform(x),
            Shifted::F64(x) => Spacing::non_uniform(x),
        }
    }
}

/// The coordinates of rows `read` of a periodic axis of `n` samples with
/// `period`, from their coordinates `gathered` (in order, from
/// [`Piece::sources`]) by a caller that never holds the whole axis' (the
/// blocks of a chunked array): those past the ends shifted by the period,
/// bit for bit as [`Piece::spacing`] shifts them from the whole axis.
/// `None` unless `gathered` has `read.len()` values.
///
/// ```
/// use ndgrad::{Coords, shift_wrapped};
/// use ndgrad::ndarray::array;
/// let gathered = array![8.5f64, 9.0, 0.0, 1.0]; // rows 8, 9, 0, 1 of 10
/// let s = shift_wrapped(&Coords::from(gathered.view()), -2..2, 10, 10.0).unwrap();
/// let ndgrad::Spacing::NonUniform(ndgrad::Coords::F64(x)) = s.spacing() else { unreachable!() };
/// assert_eq!(x.to_vec(), [-1.5, -1.0, 0.0, 1.0]);
/// ```
pub fn shift_wrapped(
    gathered: &Coords<'_>,
    read: Range<isize>,
    n: usize,
    period: f64,
) -> Option<ShiftedCoords> {
    fn typed<S: SpacingElement>(
        x: &ArrayView1<'_, S>,
        read: Range<isize>,
        n: usize,
        period: f64,
    ) -> Shifted {
        let p = <S::Real as Real>::from_f64(period);
        let v: Array1<S::Real> = read
            .zip(x)
            .map(|(j, v)| plan::shift(v.to_real(), j, n, p))
            .collect();
        Real::shifted(v)
    }
    (gathered.len() == read.len())
        .then(|| ShiftedCoords(with_typed!(Coords, gathered, |x| typed(x, read, n, period))))
}

/// Coordinates `x` of rows `read` of a periodic axis (indices past the ends
/// as in [`Piece::read`]), shifted by the period.
fn shifted<S: SpacingElement>(x: &ArrayView1<'_, S>, period: f64, read: Range<isize>) -> Shifted {
    let p = <S::Real as Real>::from_f64(period);
    let v: Array1<S::Real> = read.map(|j| plan::ghost(x, j, p)).collect();
    Real::shifted(v)
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;
    use crate::scheme::EdgeOrder;

    fn periodic(d: u8, k: u8, period: Option<f64>) -> Scheme {
        Scheme::new(d, k)
            .unwrap()
            .with_boundary(Boundary::Periodic { period })
    }

    /// The rows piece `rows` reads, from their sources, and its own rows' start.
    fn cut(axis: &AxisPieces<'_>, rows: Range<usize>) -> (Vec<Range<usize>>, usize) {
        let p = axis.piece(rows).unwrap();
        (p.sources(), p.own.start)
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)] // a list of row ranges
    fn periodic_pieces_wrap_around_the_ends() {
        let unit = |scheme, n| AxisPieces::new(&Spacing::Unit, scheme, 0, n).unwrap();
        let wrap = unit(periodic(1, 4, None), 10);
        assert_eq!(cut(&wrap, 0..3), (vec![8..10, 0..5], 2));
        assert_eq!(cut(&wrap, 4..6), (vec![2..8], 2));
        assert_eq!(cut(&wrap, 8..10), (vec![6..10, 0..2], 2));
        assert_eq!(cut(&wrap, 0..10), (vec![8..10, 0..10, 0..2], 2));
        assert_eq!(
            cut(&unit(periodic(1, 4, None), 5), 1..2),
            (vec![4..5, 0..4], 2)
        );
        assert_eq!(wrap.max_halo(), 4);
        // A second derivative's one-sided window (k + 2 rows) is one row
        // wider than its central one: a one-row piece reads one more row.
        let d2 = unit(periodic(2, 4, None), 10);
        assert_eq!(cut(&d2, 3..4), (vec![1..7], 2));
        assert_eq!(cut(&d2, 9..10), (vec![7..10, 0..3], 2));
        assert_eq!(d2.max_halo(), 5);
        // Rows read wrap more than once around a short axis.
        let short = unit(periodic(1, 8, None), 9);
        for a in 0..9 {
            for b in a + 1..=9 {
                let (sources, own) = cut(&short, a..b);
                let rows: Vec<usize> = sources.into_iter().flatten().collect();
                assert!(rows.len() <= b - a + short.max_halo(), "{a}..{b}");
                let want: Vec<usize> = (a + 14..b + 22).map(|i| i % 9).collect();
                assert_eq!((rows, own), (want, 4), "{a}..{b}");
            }
        }
    }

    #[test]
    fn any_one_sided_piece_fits_its_halo() {
        let schemes = [EdgeOrder::First, EdgeOrder::Second].map(Scheme::numpy);
        let all = (1..=4).flat_map(|d| [2, 4, 6, 8].map(|k| Scheme::new(d, k).unwrap()));
        for scheme in schemes.into_iter().chain(all) {
            let n = 40;
            let axis = AxisPieces::new(&Spacing::Unit, scheme, 0, n).unwrap();
            for a in 0..n {
                for b in a + 1..=n {
                    let p = axis.piece(a..b).unwrap();
                    let read = p.read.start as usize..p.read.end as usize;
                    assert!(read.start <= a && read.end >= b, "{scheme} {a}..{b}");
                    assert!(read.len() <= (b - a) + axis.max_halo(), "{scheme} {a}..{b}");
                    assert_eq!(p.scheme, scheme);
                }
            }
        }
    }

    #[test]
    fn shifted_coordinates_keep_their_own_type() {
        let x = array![0.1f32, 0.2, 0.4];
        let Shifted::F32(g) = shifted(&x.view(), 0.7, -2..5) else {
            panic!("f32 coordinates stay f32")
        };
        let p = 0.7f32;
        let want = [0.2 - p, 0.4 - p, 0.1, 0.2, 0.4, 0.1 + p, 0.2 + p];
        assert_eq!(g.map(|v| v.to_bits()).to_vec(), want.map(f32::to_bits));
        // Integers in float64, as the plan converts them.
        let Shifted::F64(g) = shifted(&array![1i32, 2, 4].view(), 5.5, -1..4) else {
            panic!("integer coordinates become f64")
        };
        assert_eq!(g.to_vec(), [-1.5, 1.0, 2.0, 4.0, 6.5]);
    }

    #[test]
    fn a_periodic_axis_collapses_to_a_step_only_with_the_seam() {
        let even = array![0.0, 3.0, 6.0, 9.0, 12.0, 15.0];
        let step_of = |scheme: Scheme| {
            let axis = AxisPieces::new(&Spacing::coordinates(&even), scheme, 0, 6).unwrap();
            match axis.piece(1..2).unwrap().spacing() {
                Spacing::Uniform(h) => Some(h),
                _ => None,
            }
        };
        let numpy = Scheme::numpy(EdgeOrder::Second);
        assert_eq!(step_of(numpy), Some(crate::Step::F64(3.0)));
        // Period 18: the seam steps are 3 too.
        assert_eq!(
            step_of(periodic(1, 4, Some(18.0))),
            Some(crate::Step::F64(3.0))
        );
        let numpy_periodic = numpy.with_boundary(Boundary::Periodic { period: Some(18.0) });
        assert_eq!(step_of(numpy_periodic), Some(crate::Step::F64(3.0)));
        // Period 19: not across the seam.
        assert_eq!(step_of(periodic(1, 4, Some(19.0))), None);
        // Uneven coordinates: the piece's slice, never collapsed.
        let uneven = array![0.0, 3.0, 7.0, 8.0, 9.0];
        let axis = AxisPieces::new(&Spacing::coordinates(&uneven), numpy, 0, 5).unwrap();
        let p = axis.piece(3..4).unwrap();
        assert!(matches!(p.spacing(), Spacing::NonUniform(x) if x.len() == 3));
    }
}
