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

use std::sync::OnceLock;

use ndarray::ArrayView1;

use crate::element::{Precision, Real, SpacingElement};
use crate::error::GradientError;
use crate::scheme::{EdgeOrder, Scheme};
use crate::spacing::{Coords, Spacing, Step, common_step, with_typed};
use crate::{stencil, weights};

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

/// Interior stencils.
pub(crate) enum Interior<'a> {
    /// NumPy's uniform interior, `(f[i+1] - f[i-1]) / (2h)`.
    Uniform(Site<1>),
    /// NumPy's non-uniform interior, per-sample `[a, b, c]`.
    NonUniform(Coefficients<'a>),
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
}

/// Per-row weights of a central window, computed on demand in blocks.
pub(crate) trait WeightSource: Sync {
    /// The precision the weights are applied in (the coordinates').
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

impl Weights<'_> {
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
    /// Boundary rows at each end: rows `0..reach` are `first`, rows
    /// `len - reach..len` are `last`, the rest interior.
    pub(crate) reach: usize,
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

/// Checks `spacing` and `scheme` against an axis of length `len` and
/// computes its plan.
pub(crate) fn plan<'a>(
    spacing: &Spacing<'a>,
    axis: usize,
    len: usize,
    scheme: &Scheme,
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
    if len < scheme.min_len() {
        return Err(GradientError::AxisTooShort {
            axis,
            len,
            scheme: *scheme,
            needed: scheme.min_len(),
        });
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
    let ax = Planner { len, scheme, axis };
    Ok(match *spacing {
        Spacing::Unit => ax.uniform(1.0f64, true),
        Spacing::Uniform(h) => with_typed!(Step, h, |h| ax.uniform(h, false)),
        Spacing::UniformWeak(h) => with_typed!(Step, h, |h| ax.uniform(h, true)),
        Spacing::Coordinates(x) => with_typed!(Coords, x, |x| ax.coordinates(x, true)?),
        Spacing::NonUniform(x) => with_typed!(Coords, x, |x| ax.coordinates(x, false)?),
    })
}

/// One axis being planned.
struct Planner<'s> {
    len: usize,
    scheme: &'s Scheme,
    axis: usize,
}

// A view is a pointer and strides: cheap to pass by value.
#[allow(clippy::needless_pass_by_value)]
impl Planner<'_> {
    fn periodic(&self) -> bool {
        self.scheme.boundary().is_periodic()
    }

    /// A constant step `h`.
    fn uniform<S: SpacingElement>(&self, h: S, weak: bool) -> AxisPlan<'static> {
        match self.scheme.numpy_edge() {
            Some(edge) => self.numpy_uniform(h, weak, edge),
            None => self.taps_uniform(h.to_real(), Promote::of(weak, <S::Real as Real>::PRECISION)),
        }
    }

    /// NumPy's formulas with a step: one-sided ends, or the wrap-padded
    /// array's interior formula at the two seam rows.
    fn numpy_uniform<S: SpacingElement>(
        &self,
        h: S,
        weak: bool,
        edge: EdgeOrder,
    ) -> AxisPlan<'static> {
        let len = self.len;
        let r = h.to_real();
        let real = Promote::of(weak, <S::Real as Real>::PRECISION);
        let site = Site::real([stencil::uniform_interior_divisor(r).to_f64()], real);
        let (first, last) = if self.periodic() {
            (
                Row::Difference {
                    hi: 1,
                    lo: len - 1,
                    site,
                },
                Row::Difference {
                    hi: 0,
                    lo: len - 2,
                    site,
                },
            )
        } else {
            match edge {
                EdgeOrder::First => {
                    // NumPy divides by `h` itself, so an integer step keeps its own
                    // promotion rank here (f16 data / np.int8 stays f16), and
                    // timedelta64 data is divided by it as an integer.
                    let site = Site {
                        values: [r.to_f64()],
                        promote: Promote::of(weak, S::SCALAR_PRECISION),
                        integer: S::INTEGER,
                    };
                    (
                        Row::Difference { hi: 1, lo: 0, site },
                        Row::Difference {
                            hi: len - 1,
                            lo: len - 2,
                            site,
                        },
                    )
                }
                EdgeOrder::Second => (
                    Row::ThreePoint {
                        at: [0, 1, 2],
                        site: Site::real(stencil::uniform_first_edge2(r).map(Real::to_f64), real),
                    },
                    Row::ThreePoint {
                        at: [len - 3, len - 2, len - 1],
                        site: Site::real(stencil::uniform_last_edge2(r).map(Real::to_f64), real),
                    },
                ),
            }
        };
        AxisPlan {
            len,
            reach: 1,
            interior: Interior::Uniform(site),
            first: vec![first],
            last: vec![last],
        }
    }

    /// Exact rational weights over `den·h^d`.
    fn taps_uniform<R: Real>(&self, h: R, promote: Promote) -> AxisPlan<'static> {
        let (n, reach) = (self.len, self.scheme.reach());
        let d = usize::from(self.scheme.derivative());
        let h = h.to_f64();
        let taps = |row: usize| -> (Vec<usize>, Taps) {
            let st = self
                .scheme
                .stencil(row, n)
                .unwrap_or_else(|_| unreachable!("the length and row were checked"));
            let mut divisor = st.denominator as f64;
            for _ in 0..d {
                divisor *= h;
            }
            let taps = Taps {
                weights: st.numerators.iter().map(|&w| w as f64).collect(),
                divisor: Some(divisor),
                promote,
            };
            (st.samples, taps)
        };
        let (at, t) = taps(reach);
        let offsets = at.iter().map(|&j| j as isize - reach as isize).collect();
        let row = |r: usize| {
            let (at, taps) = taps(r);
            Row::Taps { at, taps }
        };
        AxisPlan {
            len: n,
            reach,
            interior: Interior::Taps { offsets, taps: t },
            first: (0..reach).map(row).collect(),
            last: (n - reach..n).map(row).collect(),
        }
    }

    /// Coordinates `x` (`collapse`: equally spaced ones become a step, as NumPy does).
    fn coordinates<'a, S: SpacingElement>(
        &self,
        x: ArrayView1<'a, S>,
        collapse: bool,
    ) -> Result<AxisPlan<'a>, GradientError> {
        let n = self.len;
        let period = self.scheme.boundary().period();
        let real = |i: usize| x[i].to_real();
        // The steps across the seam of a periodic axis, computed as NumPy
        // differences the padded coordinates `[x[-1] - p, *x, x[0] + p]`.
        let seam = period.map(|p| {
            let p = <S::Real as Real>::from_f64(p);
            (real(0) - (real(n - 1) - p), (real(0) + p) - real(n - 1))
        });
        if self.periodic() {
            self.check_coordinates(&x)?;
        }
        if let Some(p) = period {
            let span = (real(n - 1) - real(0)).to_f64();
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
            self.check_coordinates(&x)?;
        }
        if collapse
            && let Some(h) = common_step(&x)
            && seam.is_none_or(|(l, r)| l == h && r == h)
        {
            return Ok(self.uniform(h, false));
        }
        if let Some(edge) = self.scheme.numpy_edge() {
            return Ok(self.numpy_coordinates(x, edge, seam));
        }
        Ok(self.fornberg_coordinates(x))
    }

    /// NumPy's non-uniform formulas.
    fn numpy_coordinates<'a, S: SpacingElement>(
        &self,
        x: ArrayView1<'a, S>,
        edge: EdgeOrder,
        seam: Option<(S::Real, S::Real)>,
    ) -> AxisPlan<'a> {
        let len = self.len;
        let dx = |i: usize| x[i + 1].to_real() - x[i].to_real();
        let strong = Promote::Strong(<S::Real as Real>::PRECISION);
        let three = |at: [usize; 3], c: [S::Real; 3]| Row::ThreePoint {
            at,
            site: Site::real(c.map(Real::to_f64), strong),
        };
        let (first, last) = match (seam, edge) {
            (Some((left, right)), _) => (
                three([len - 1, 0, 1], stencil::nonuniform_interior(left, dx(0))),
                three(
                    [len - 2, len - 1, 0],
                    stencil::nonuniform_interior(dx(len - 2), right),
                ),
            ),
            (None, EdgeOrder::First) => (
                Row::Difference {
                    hi: 1,
                    lo: 0,
                    site: Site::real([dx(0).to_f64()], strong),
                },
                Row::Difference {
                    hi: len - 1,
                    lo: len - 2,
                    site: Site::real([dx(len - 2).to_f64()], strong),
                },
            ),
            (None, EdgeOrder::Second) => (
                three([0, 1, 2], stencil::nonuniform_first_edge2(dx(0), dx(1))),
                three(
                    [len - 3, len - 2, len - 1],
                    stencil::nonuniform_last_edge2(dx(len - 3), dx(len - 2)),
                ),
            ),
        };
        let interior = Interior::NonUniform(Coefficients {
            source: Box::new(NonUniform { x }),
            all: OnceLock::new(),
        });
        AxisPlan {
            len,
            reach: 1,
            interior,
            first: vec![first],
            last: vec![last],
        }
    }

    /// Finite and strictly monotonic (increasing, on a periodic axis).
    fn check_coordinates<S: SpacingElement>(
        &self,
        x: &ArrayView1<'_, S>,
    ) -> Result<(), GradientError> {
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

    /// Weights on the coordinates: the interior's a block at a time
    /// ([`CentralWeights`]); at the boundary rows, Fornberg's on the pinned
    /// one-sided window, or (periodic) the interior's central formula on the
    /// wrapped window, whose coordinates beyond the ends are shifted by the
    /// period in the coordinates' own type, `x[j + n] - p` and `x[j - n] + p`.
    /// A periodic axis is so the interior of its wrap-padded copy, which is
    /// what lets a piece of it (a Dask block) be computed from a halo taken
    /// from the other end ([`Scheme::wrapped_input_rows`]).
    fn fornberg_coordinates<'a, S: SpacingElement>(&self, x: ArrayView1<'a, S>) -> AxisPlan<'a> {
        let (n, reach) = (self.len, self.scheme.reach());
        let d = usize::from(self.scheme.derivative());
        let promote = Promote::Strong(<S::Real as Real>::PRECISION);
        let period = self
            .scheme
            .boundary()
            .period()
            .map(<S::Real as Real>::from_f64);
        let row = |r: usize| -> Row {
            let (at, w) = match (self.scheme.window(r, n), period) {
                (Some(win), _) => {
                    let xf = |i: usize| x[i].to_real().to_f64();
                    let z: Vec<f64> = win.clone().map(|j| xf(j) - xf(r)).collect();
                    let mut w = vec![0.0; z.len()];
                    weights::fornberg(&z, d, &mut w);
                    (win.collect(), w)
                }
                (None, period) => {
                    let p = period.unwrap_or_else(|| unreachable!("a wrapped row has a period"));
                    let window = r as isize - reach as isize..=r as isize + reach as isize;
                    let ghost = |j: isize| {
                        let i = j.rem_euclid(n as isize) as usize;
                        let v = x[i].to_real();
                        match j {
                            j if j < 0 => v - p,
                            j if j >= n as isize => v + p,
                            _ => v,
                        }
                        .to_f64()
                    };
                    let xs: Vec<f64> = window.clone().map(ghost).collect();
                    let mut w = vec![0.0; xs.len()];
                    weights::central(&xs, reach, d, &mut w);
                    let at = window.map(|j| j.rem_euclid(n as isize) as usize).collect();
                    (at, w)
                }
            };
            Row::Taps {
                at,
                taps: Taps {
                    weights: w,
                    divisor: None,
                    promote,
                },
            }
        };
        AxisPlan {
            len: n,
            reach,
            interior: Interior::Weights(Weights {
                source: Box::new(CentralWeights { x, reach, d }),
                reach,
                all: OnceLock::new(),
            }),
            first: (0..reach).map(row).collect(),
            last: (n - reach..n).map(row).collect(),
        }
    }
}

/// Weights of central windows on coordinates ([`weights::central`]).
struct CentralWeights<'a, S> {
    x: ArrayView1<'a, S>,
    reach: usize,
    d: usize,
}

impl<S: SpacingElement> WeightSource for CentralWeights<'_, S> {
    fn precision(&self) -> Precision {
        <S::Real as Real>::PRECISION
    }

    fn fill(&self, first: usize, m: usize, out: &mut [f64]) {
        debug_assert_eq!(out.len(), m * (2 * self.reach + 1));
        // The coordinates the rows read, as f64.
        let span = first - self.reach..first + m + self.reach;
        let xf = |v: &S| v.to_real().to_f64();
        let x: Vec<f64> = match self.x.as_slice() {
            Some(s) => s[span].iter().map(xf).collect(),
            None => self.x.slice(ndarray::s![span]).iter().map(xf).collect(),
        };
        weights::central(&x, self.reach, self.d, out);
    }
}

/// Non-uniform interior coefficients: computed on demand in blocks, or
/// all at once (and then kept) when many lanes reuse them.
pub(crate) struct Coefficients<'a> {
    pub(crate) source: Box<dyn CoefSource + 'a>,
    all: OnceLock<[Vec<f64>; 3]>,
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

    /// Whether [`all`](Coefficients::all) has been computed.
    pub(crate) fn is_computed(&self) -> bool {
        self.all.get().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use half::f16;
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
            let [a, b, c] = coefs.all(4);
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
