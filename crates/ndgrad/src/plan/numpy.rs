//! NumPy's formulas: the uniform and non-uniform 3-point stencils, with
//! NumPy's association and subtract-then-divide, so that results are
//! NumPy's bits.

use ndarray::ArrayView1;

use super::{AxisPlan, Interior, Planner, Promote, Row, Site, WeightSource, Weights};
use crate::element::{Precision, Real, SpacingElement};
use crate::scheme::EdgeOrder;
use crate::stencil;

struct NonUniform<'a, S> {
    x: ArrayView1<'a, S>,
}

/// NumPy's coefficients `a`, `b`, `c` of interior rows, as the weights of
/// the windows `i - 1..=i + 1`.
impl<S: SpacingElement> WeightSource for NonUniform<'_, S> {
    fn precision(&self) -> Precision {
        <S::Real as Real>::PRECISION
    }

    fn fill(&self, first: usize, m: usize, out: &mut [f64]) {
        let (a, rest) = out.split_at_mut(m);
        let (b, c) = rest.split_at_mut(m);
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
// A view is a pointer and strides: cheap to pass by value.
#[allow(clippy::needless_pass_by_value)]
impl Planner<'_> {
    /// NumPy's formulas with a step: one-sided ends, or the wrap-padded
    /// array's interior formula at the two seam rows.
    pub(super) fn numpy_uniform<S: SpacingElement>(
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
            interior: Interior::Uniform(site),
            first: vec![first],
            last: vec![last],
        }
    }
    /// NumPy's non-uniform formulas.
    pub(super) fn numpy_coordinates<'a, S: SpacingElement>(
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
        let interior = Interior::NonUniform(Weights::new(Box::new(NonUniform { x }), 1));
        AxisPlan {
            len,
            interior,
            first: vec![first],
            last: vec![last],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use half::f16;
    use ndarray::array;

    #[test]
    fn coefficient_source_matches_the_stencil() {
        let x = array![0.0, 1.0, 3.0, 3.5, 5.0];
        let src = NonUniform { x: x.view() };
        let mut w = [0.0; 9];
        src.fill(1, 3, &mut w);
        let (a, b, c) = (&w[..3], &w[3..6], &w[6..]);
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
