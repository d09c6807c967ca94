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
            reach,
            interior: Interior::Weights(Weights::new(
                Box::new(CentralWeights { x, reach, d }),
                reach,
            )),
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
