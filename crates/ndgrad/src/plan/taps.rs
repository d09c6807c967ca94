//! Every scheme other than NumPy's: exact rational weights with a step,
//! and on coordinates Fornberg's weights at the boundary rows and the
//! central weights ([`weights::central`]) in the interior.

use ndarray::ArrayView1;

use super::{AxisPlan, Interior, Planner, Promote, Row, Taps, WeightSource, Weights};
use crate::element::{Precision, Real, SpacingElement};
use crate::weights;

// A view is a pointer and strides: cheap to pass by value.
#[allow(clippy::needless_pass_by_value)]
impl Planner<'_> {
    /// Exact rational weights over `den·h^d`.
    pub(super) fn taps_uniform<R: Real>(&self, h: R, promote: Promote) -> AxisPlan<'static> {
        let (n, reach) = (self.len, self.scheme.reach());
        let d = self.scheme.derivative();
        let h = h.to_f64();
        let over = |denominator: i64| {
            let mut divisor = denominator as f64;
            for _ in 0..d {
                divisor *= h;
            }
            Taps {
                weights: Vec::new(),
                divisor: Some(divisor),
                promote,
            }
        };
        // The central window's nonzero taps: every interior row's, and
        // every row's on a padded axis.
        let (offsets, numerators, den) = central_taps(usize::from(d), reach);
        let central = Taps {
            weights: numerators.iter().map(|&w| w as f64).collect(),
            ..over(den)
        };
        let boundary = self.scheme.boundary();
        let row = |r: usize| -> Row {
            if boundary.is_padding() {
                let at: Vec<Option<usize>> = offsets
                    .iter()
                    .map(|&o| boundary.source(r as isize + o, n))
                    .collect();
                let taps = central.clone();
                return match (
                    at.iter().copied().collect::<Option<Vec<usize>>>(),
                    boundary.constant(),
                ) {
                    (Some(at), _) => Row::Taps { at, taps },
                    (None, Some(value)) => Row::Constant { at, taps, value },
                    (None, None) => {
                        unreachable!("only a constant leaves positions without a sample")
                    }
                };
            }
            let st = self
                .scheme
                .stencil(r, n)
                .unwrap_or_else(|_| unreachable!("the length and row were checked"));
            let taps = Taps {
                weights: st.numerators.iter().map(|&w| w as f64).collect(),
                ..over(st.denominator)
            };
            Row::Taps {
                at: st.samples,
                taps,
            }
        };
        // On a padded axis shorter than two reaches, every row is a
        // boundary row.
        let head = reach.min(n);
        let first = (0..head).map(row).collect();
        let last = (head.max(n.saturating_sub(reach))..n).map(row).collect();
        AxisPlan {
            len: n,
            interior: Interior::Taps {
                offsets,
                taps: central,
            },
            first,
            last,
        }
    }
    /// Weights on the coordinates: the interior's a block at a time
    /// ([`CentralWeights`]); at the boundary rows, Fornberg's on the pinned
    /// one-sided window, or (periodic) the interior's central formula on the
    /// wrapped window, whose coordinates beyond the ends are shifted by the
    /// period in the coordinates' own type, `x[j + n] - p` and `x[j - n] + p`.
    /// A periodic axis is so the interior of its wrap-padded copy, which is
    /// what lets a piece of it (a Dask block) be computed from a halo taken
    /// from the other end ([`Scheme::wrapped_input_rows`](crate::Scheme::wrapped_input_rows)).
    pub(super) fn fornberg_coordinates<'a, S: SpacingElement>(
        &self,
        x: ArrayView1<'a, S>,
    ) -> AxisPlan<'a> {
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
                    let xs: Vec<f64> = window
                        .clone()
                        .map(|j| super::ghost(&x, j, p).to_f64())
                        .collect();
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
            interior: Interior::Weights(Weights::new(
                Box::new(CentralWeights { x, reach, d }),
                reach,
            )),
            first: (0..reach).map(row).collect(),
            last: (n - reach..n).map(row).collect(),
        }
    }
}

/// The nonzero exact weights of the central window of half-width `reach`
/// for the `d`-th derivative with unit step: offsets, integer numerators
/// and their common denominator (the weights of an interior row of
/// [`Scheme::stencil`](crate::Scheme::stencil)).
fn central_taps(d: usize, reach: usize) -> (Vec<isize>, Vec<i64>, i64) {
    let r = reach as i64;
    let all: Vec<i64> = (-r..=r).collect();
    let (num, den) = weights::exact(&all, d);
    let (offsets, numerators) = all
        .iter()
        .zip(num)
        .filter(|&(_, w)| w != 0)
        .map(|(&o, w)| (o as isize, w))
        .unzip();
    (offsets, numerators, den)
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
