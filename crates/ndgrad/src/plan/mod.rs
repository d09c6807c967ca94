//! An axis' plan: which stencil each row of the axis uses, its
//! coefficients (or how to compute them), and the precision each part runs
//! in. Everything a spacing and a [`Scheme`] can get wrong is checked here,
//! before any kernel runs.
//!
//! A plan has three regions: `reach` boundary rows at each end, each a
//! [`Row`] of its own, and the interior rows between them, one
//! [`Interior`] stencil for all. NumPy's formulas are forms of their own
//! ([`Row::Difference`], [`Row::ThreePoint`], [`Interior::Uniform`],
//! [`Interior::NonUniform`]): subtract-then-divide and NumPy's association
//! are what give NumPy's bits. Every other scheme is taps: `Σ w_j f[j]`,
//! then one division for a constant step ([`Taps`], [`Interior::Weights`]).
//!
//! The two planners are submodules: [`numpy`] (NumPy's formulas, with a
//! step or on coordinates) and [`taps`] (exact rational weights with a
//! step, Fornberg's and the central weights on coordinates).

mod numpy;
mod taps;

use std::sync::OnceLock;

use ndarray::ArrayView1;

use crate::element::{Precision, Real, SpacingElement};
use crate::error::GradientError;
use crate::scheme::Scheme;
use crate::spacing::{Coords, Spacing, Step, common_step, with_typed};

/// Where the stencil values of one part of an axis are rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Promote {
    /// Rounded to the data's precision (a Python-number step).
    Weak,
    /// Kept; the stencil runs in the wider of this and the data's precision.
    Strong(Precision),
}

impl Promote {
    pub(crate) fn of(weak: bool, precision: Precision) -> Self {
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
    pub(crate) fn real(values: [f64; N], promote: Promote) -> Self {
        Site {
            values,
            promote,
            integer: false,
        }
    }
}

/// Interior stencils.
pub(crate) enum Interior<'a> {
    /// NumPy's uniform interior, `(f[i+1] - f[i-1]) / (2h)`.
    Uniform(Site<1>),
    /// NumPy's non-uniform interior, `a f[i-1] + b f[i] + c f[i+1]` with
    /// NumPy's association: per-row weights `[a, b, c]` on the window
    /// `i - 1..=i + 1`.
    NonUniform(Weights<'a>),
    /// The same weights at every row: `f[i + offsets[j]]` times
    /// `taps.weights[j]`, summed, divided by `taps.divisor`.
    Taps {
        /// Sample offsets from the row, one per weight.
        offsets: Vec<isize>,
        /// The weights.
        taps: Taps,
    },
    /// Per-row weights on the central window `i - reach..=i + reach`
    /// (coordinates, higher-order schemes).
    Weights(Weights<'a>),
}

/// `N` weights (exact `f64` images) applied as `Σ w_j f_j`, then divided by
/// `divisor` if there is one, in the precision [`Taps::precision`] gives.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Taps {
    pub(crate) weights: Vec<f64>,
    pub(crate) divisor: Option<f64>,
    pub(crate) promote: Promote,
}

impl Taps {
    /// The precision the sum runs in for data of precision `data`: NumPy's
    /// promotion, and at least single (half-precision data accumulate in
    /// `f32` and are rounded once).
    pub(crate) fn precision(&self, data: Precision) -> Precision {
        self.promote.resolve(data).max(Precision::Single)
    }
}

/// One boundary row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Row {
    /// NumPy's `(f[hi] - f[lo]) / d`.
    Difference { hi: usize, lo: usize, site: Site<1> },
    /// NumPy's `(a*f[at0] + b*f[at1]) + c*f[at2]`.
    ThreePoint { at: [usize; 3], site: Site<3> },
    /// `Σ taps.weights[j] * f[at[j]]` (and the division).
    Taps { at: Vec<usize>, taps: Taps },
    /// A row of a constant-padded axis whose window reaches past an end:
    /// as [`Row::Taps`], with `value` where `at[j]` is `None`.
    Constant {
        at: Vec<Option<usize>>,
        taps: Taps,
        value: f64,
    },
}

/// Per-row weights of a central window, computed on demand in blocks: a
/// weight source (NumPy's non-uniform coefficients, the central weights on
/// coordinates).
pub(crate) trait WeightSource: Sync {
    /// The precision the weights are computed in (the coordinates').
    fn precision(&self) -> Precision;
    /// Weights of rows `first..first + m`, tap `j` of row `first + r` at
    /// `out[j * m + r]` (`out.len()` is `m` times the window width).
    fn fill(&self, first: usize, m: usize, out: &mut [f64]);
}

/// Per-row interior weights: computed block by block, or all at once (and
/// kept) when many lanes reuse them.
pub(crate) struct Weights<'a> {
    pub(crate) source: Box<dyn WeightSource + 'a>,
    /// The half-width of the window.
    pub(crate) reach: usize,
    all: OnceLock<Vec<f64>>,
}

impl<'a> Weights<'a> {
    /// Weights from `source` on windows of half-width `reach`.
    pub(crate) fn new(source: Box<dyn WeightSource + 'a>, reach: usize) -> Self {
        Weights {
            source,
            reach,
            all: OnceLock::new(),
        }
    }

    /// The window's width, `2 reach + 1`.
    pub(crate) fn width(&self) -> usize {
        2 * self.reach + 1
    }

    /// The weights of every interior row (row `reach + r`, tap `j` at
    /// `j * (len - 2 reach) + r`), computed on first use.
    pub(crate) fn all(&self, len: usize) -> &[f64] {
        self.all.get_or_init(|| {
            let m = len - 2 * self.reach;
            let mut w = vec![0.0; m * self.width()];
            self.source.fill(self.reach, m, &mut w);
            w
        })
    }

    /// Whether [`all`](Weights::all) has been computed.
    pub(crate) fn is_computed(&self) -> bool {
        self.all.get().is_some()
    }
}

/// Everything the kernel needs to differentiate along one axis.
pub(crate) struct AxisPlan<'a> {
    pub(crate) len: usize,
    /// Rows `0..first.len()` are `first`, rows `len - last.len()..len`
    /// are `last`, the rest interior: the scheme's reach at each end,
    /// except on a padded axis shorter than two reaches, where every row
    /// is a boundary row.
    pub(crate) interior: Interior<'a>,
    pub(crate) first: Vec<Row>,
    pub(crate) last: Vec<Row>,
}

impl AxisPlan<'_> {
    /// The relative cost of one output element on one thread, for splitting
    /// work between threads (`kernel::tasks`): NumPy's uniform stencil is 1.
    /// Non-uniform coefficients and per-row weights cost more when a single
    /// lane runs along the axis (`lanes <= 1`), where they are computed for
    /// every sample and used once; with many lanes they are computed once
    /// per axis. Measured (BENCHMARKS.md): 1-D coordinates take about 2× the
    /// uniform time per sample with NumPy's formulas and 10–20× with the
    /// higher-order schemes' per-row weights.
    pub(crate) fn cost(&self, lanes: usize) -> usize {
        match (&self.interior, lanes <= 1) {
            (Interior::Weights(_), true) => 16,
            (Interior::Weights(_), false) | (Interior::NonUniform(_), true) => 2,
            _ => 1,
        }
    }
}

/// A spacing once its whole axis is checked against a scheme, with NumPy's
/// collapse of equally spaced coordinates decided.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Checked<'a> {
    /// A step: as given, or ([`Spacing::Uniform`]) the common step of
    /// equally spaced coordinates (and on a periodic axis, of the steps
    /// across the seam too).
    Step(Spacing<'a>),
    /// Coordinates, with the non-uniform formulas.
    Coords(Coords<'a>),
}

/// Checks `spacing` and `scheme` against an axis of length `len` and
/// computes its plan.
pub(crate) fn plan<'a>(
    spacing: &Spacing<'a>,
    axis: usize,
    len: usize,
    scheme: &Scheme,
) -> Result<AxisPlan<'a>, GradientError> {
    let ax = Planner { len, scheme, axis };
    Ok(ax.build(ax.check(spacing)?))
}

/// The steps across the seam of a periodic axis with coordinates `x` and
/// period `period`, computed as NumPy differences the wrap-padded
/// coordinates `[x[n-1] - p, *x, x[0] + p]`, in the coordinates' real type.
pub(crate) fn seam<S: SpacingElement>(x: &ArrayView1<'_, S>, period: f64) -> (S::Real, S::Real) {
    let (first, last) = (x[0].to_real(), x[x.len() - 1].to_real());
    let p = <S::Real as Real>::from_f64(period);
    (first - (last - p), (first + p) - last)
}

/// Coordinate `j` of a periodic axis with coordinates `x` and period `p`,
/// where `j` may run past either end of the `n = x.len()` samples:
/// `x[j + n] − p` left of the axis, `x[j − n] + p` right of it, in the
/// coordinates' real type (the wrap-padded coordinates of NumPy's
/// formulas, the ghosts of the central windows).
pub(crate) fn ghost<S: SpacingElement>(x: &ArrayView1<'_, S>, j: isize, p: S::Real) -> S::Real {
    let n = x.len();
    shift(x[j.rem_euclid(n as isize) as usize].to_real(), j, n, p)
}

/// Coordinate `v` of sample `j mod n` as the coordinate of position `j` of
/// a periodic axis of `n` samples with period `p` ([`ghost`]).
pub(crate) fn shift<R: Real>(v: R, j: isize, n: usize, p: R) -> R {
    match j {
        j if j < 0 => v - p,
        j if j >= n as isize => v + p,
        _ => v,
    }
}

/// One axis being planned: its length, its scheme and its index (for errors).
pub(crate) struct Planner<'s> {
    pub(crate) len: usize,
    pub(crate) scheme: &'s Scheme,
    pub(crate) axis: usize,
}

// A view is a pointer and strides: cheap to pass by value.
#[allow(clippy::needless_pass_by_value)]
impl Planner<'_> {
    /// Checks `spacing` and the scheme against the axis: every error a plan
    /// of the whole axis can have, and NumPy's collapse.
    pub(crate) fn check<'a>(&self, spacing: &Spacing<'a>) -> Result<Checked<'a>, GradientError> {
        let Planner { len, scheme, axis } = *self;
        if let Some(x) = spacing.coords()
            && x.len() != len
        {
            return Err(GradientError::CoordinateLength {
                axis,
                got: x.len(),
                expected: len,
            });
        }
        if len < scheme.min_len() {
            return Err(GradientError::AxisTooShort {
                axis,
                len,
                scheme: *scheme,
                needed: scheme.min_len(),
            });
        }
        if scheme.boundary().is_padding() {
            let got = match (scheme.accuracy(), spacing.coords()) {
                (None, _) => Some("NumPy's edge order"),
                (_, Some(_)) => Some("coordinates"),
                _ => None,
            };
            if let Some(got) = got {
                return Err(GradientError::PaddingUnsupported {
                    axis,
                    scheme: *scheme,
                    got,
                });
            }
        }
        let periodic = scheme.boundary().is_periodic();
        let period = scheme.boundary().period();
        match (spacing.coords(), period) {
            (None, Some(period)) if periodic => {
                return Err(GradientError::PeriodForStep { axis, period });
            }
            (Some(_), None) if periodic => return Err(GradientError::PeriodMissing { axis }),
            _ => {}
        }
        if scheme.accuracy().is_some()
            && let Some(step) = spacing.step_f64()
            && !(step.is_finite() && step != 0.0)
        {
            return Err(GradientError::InvalidStep {
                axis,
                scheme: *scheme,
                step,
            });
        }
        match *spacing {
            Spacing::Coordinates(x) => with_typed!(Coords, x, |x| self.check_coordinates(x, true)),
            Spacing::NonUniform(x) => with_typed!(Coords, x, |x| self.check_coordinates(x, false)),
            step => Ok(Checked::Step(step)),
        }
    }

    fn periodic(&self) -> bool {
        self.scheme.boundary().is_periodic()
    }

    /// The plan of the axis with a spacing [`Planner::check`] passed.
    fn build<'a>(&self, checked: Checked<'a>) -> AxisPlan<'a> {
        match checked {
            Checked::Step(Spacing::Uniform(h)) => with_typed!(Step, h, |h| self.uniform(h, false)),
            Checked::Step(Spacing::UniformWeak(h)) => {
                with_typed!(Step, h, |h| self.uniform(h, true))
            }
            Checked::Step(_) => self.uniform(1.0f64, true),
            Checked::Coords(x) => with_typed!(Coords, x, |x| self.coordinates(x)),
        }
    }

    /// A constant step `h`.
    fn uniform<S: SpacingElement>(&self, h: S, weak: bool) -> AxisPlan<'static> {
        match self.scheme.numpy_edge() {
            Some(edge) => self.numpy_uniform(h, weak, edge),
            None => self.taps_uniform(h.to_real(), Promote::of(weak, <S::Real as Real>::PRECISION)),
        }
    }

    /// Coordinates `x` that [`Planner::check`] kept as coordinates.
    fn coordinates<'a, S: SpacingElement>(&self, x: ArrayView1<'a, S>) -> AxisPlan<'a> {
        match self.scheme.numpy_edge() {
            Some(edge) => {
                let seam = self.scheme.boundary().period().map(|p| seam(&x, p));
                self.numpy_coordinates(x, edge, seam)
            }
            None => self.fornberg_coordinates(x),
        }
    }

    /// The checks of coordinates `x` (`collapse`: equally spaced ones
    /// become a step, as NumPy does).
    fn check_coordinates<'a, S: SpacingElement>(
        &self,
        x: ArrayView1<'a, S>,
        collapse: bool,
    ) -> Result<Checked<'a>, GradientError>
    where
        Coords<'a>: From<ArrayView1<'a, S>>,
    {
        let n = self.len;
        let period = self.scheme.boundary().period();
        if self.periodic() {
            self.monotonic(&x)?;
        }
        if let Some(p) = period {
            let span = (x[n - 1].to_real() - x[0].to_real()).to_f64();
            if !(p.is_finite() && p > 0.0 && p > span) {
                return Err(GradientError::InvalidPeriod {
                    axis: self.axis,
                    period: p,
                    span,
                });
            }
        }
        // Before the collapse: all-equal coordinates have a common step, 0.
        if self.scheme.accuracy().is_some() && !self.periodic() {
            self.monotonic(&x)?;
        }
        if collapse
            && let Some(h) = common_step(&x)
            && period.is_none_or(|p| seam(&x, p) == (h, h))
        {
            return Ok(Checked::Step(Spacing::Uniform(h.into())));
        }
        Ok(Checked::Coords(x.into()))
    }

    /// Finite and strictly monotonic (increasing, on a periodic axis).
    fn monotonic<S: SpacingElement>(&self, x: &ArrayView1<'_, S>) -> Result<(), GradientError> {
        let v = |i: usize| x[i].to_real().to_f64();
        let up = v(1) > v(0) || self.periodic();
        let bad = (0..self.len).find(|&i| {
            !v(i).is_finite()
                || (i > 0
                    && if up {
                        v(i) <= v(i - 1)
                    } else {
                        v(i) >= v(i - 1)
                    })
        });
        match bad {
            None => Ok(()),
            Some(index) if self.periodic() => Err(GradientError::PeriodicCoordinates {
                axis: self.axis,
                index,
                value: v(index),
            }),
            Some(index) => Err(GradientError::BadCoordinates {
                axis: self.axis,
                scheme: *self.scheme,
                index,
                value: v(index),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::EdgeOrder;
    use crate::stencil;
    use ndarray::array;

    fn site1(rows: &[Row]) -> Site<1> {
        match rows {
            [Row::Difference { site, .. }] => *site,
            _ => panic!("expected one two-point edge"),
        }
    }

    #[test]
    fn equally_spaced_coordinates_collapse_to_a_strong_uniform_step() {
        let x = array![1.0f32, 1.5, 2.0, 2.5];
        let p = plan(&Spacing::coordinates(&x), 0, 4, &EdgeOrder::First.into()).unwrap();
        match p.interior {
            Interior::Uniform(s) => {
                assert_eq!(s, Site::real([1.0], Promote::Strong(Precision::Single)));
            }
            _ => panic!("should collapse"),
        }
    }

    #[test]
    fn non_uniform_coordinates_never_collapse() {
        let x = array![1.0f32, 1.5, 2.0, 2.5];
        for edge in [EdgeOrder::First, EdgeOrder::Second] {
            let p = plan(&Spacing::non_uniform(&x), 0, 4, &edge.into()).unwrap();
            let Interior::NonUniform(coefs) = p.interior else {
                panic!("equally spaced non_uniform coordinates must not collapse");
            };
            let w = coefs.all(4);
            let (a, b, c) = (&w[..2], &w[2..4], &w[4..]);
            assert_eq!(
                [a[0], b[0], c[0]],
                stencil::nonuniform_interior(0.5f32, 0.5).map(f64::from)
            );
            assert_eq!(c.len(), 2);
        }
        let p = plan(&Spacing::non_uniform(&x), 0, 4, &EdgeOrder::Second.into()).unwrap();
        let want = stencil::nonuniform_first_edge2(0.5f32, 0.5).map(f64::from);
        assert_eq!(
            p.first,
            [Row::ThreePoint {
                at: [0, 1, 2],
                site: Site::real(want, Promote::Strong(Precision::Single))
            }]
        );
        assert_eq!(
            plan(&Spacing::non_uniform(&x), 3, 5, &EdgeOrder::First.into()).err(),
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
        let p = plan(&Spacing::coordinates(&x), 0, 3, &EdgeOrder::First.into()).unwrap();
        assert!(matches!(p.interior, Interior::NonUniform(_)));
    }

    #[test]
    fn integer_coordinates_are_differenced_as_f64() {
        // Decreasing unsigned coordinates: no wrap-around, a step of -2.
        let x = array![6u8, 4, 2];
        let p = plan(&Spacing::coordinates(&x), 0, 3, &EdgeOrder::First.into()).unwrap();
        let s = site1(&p.first);
        assert_eq!(s, Site::real([-2.0], Promote::Strong(Precision::Double)));
    }

    #[test]
    fn integer_step_keeps_its_rank_at_first_order_edges() {
        let p = plan(&Spacing::uniform(3i8), 0, 4, &EdgeOrder::First.into()).unwrap();
        assert_eq!(site1(&p.first).promote, Promote::Strong(Precision::Half));
        match p.interior {
            Interior::Uniform(s) => assert_eq!(s.promote, Promote::Strong(Precision::Double)),
            _ => unreachable!(),
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
            plan(&Spacing::coordinates(&x), 2, 3, &EdgeOrder::First.into()).err(),
            Some(GradientError::CoordinateLength {
                axis: 2,
                got: 2,
                expected: 3
            })
        );
        assert_eq!(
            plan(&Spacing::Unit, 1, 1, &EdgeOrder::First.into()).err(),
            Some(GradientError::AxisTooShort {
                axis: 1,
                len: 1,
                scheme: EdgeOrder::First.into(),
                needed: 2
            })
        );
    }
}
