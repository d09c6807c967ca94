//! Stencil coefficients: scalar formulas only, no arrays.
//!
//! Each function is NumPy's expression with NumPy's operation order and sign
//! placement, evaluated in the coordinate type `R` (each operation rounded to
//! `R`, as NumPy's scalar and array arithmetic in that dtype). Returned
//! coefficients multiply `[f[i-1], f[i], f[i+1]]` (or the three samples at an
//! edge, in increasing index order).

use crate::element::Real;

/// A literal such as `1.5`, exactly representable in every `R`.
fn lit<R: Real>(x: f64) -> R {
    R::from_f64(x)
}

/// Divisor of the uniform interior difference `(f[i+1] - f[i-1]) / (2.0 * h)`.
pub(crate) fn uniform_interior_divisor<R: Real>(h: R) -> R {
    lit::<R>(2.0) * h
}

/// Uniform second-order coefficients at the first sample: `-1.5/h, 2/h, -0.5/h`.
pub(crate) fn uniform_first_edge2<R: Real>(h: R) -> [R; 3] {
    [lit::<R>(-1.5) / h, lit::<R>(2.0) / h, lit::<R>(-0.5) / h]
}

/// Uniform second-order coefficients at the last sample: `0.5/h, -2/h, 1.5/h`.
pub(crate) fn uniform_last_edge2<R: Real>(h: R) -> [R; 3] {
    [lit::<R>(0.5) / h, lit::<R>(-2.0) / h, lit::<R>(1.5) / h]
}

/// Non-uniform interior coefficients, `dx1 = x[i] - x[i-1]`, `dx2 = x[i+1] - x[i]`.
///
/// ```text
/// a = -(dx2) / (dx1 * (dx1 + dx2))
/// b = (dx2 - dx1) / (dx1 * dx2)
/// c = dx1 / (dx2 * (dx1 + dx2))
/// ```
#[inline]
pub(crate) fn nonuniform_interior<R: Real>(dx1: R, dx2: R) -> [R; 3] {
    [
        -dx2 / (dx1 * (dx1 + dx2)),
        (dx2 - dx1) / (dx1 * dx2),
        dx1 / (dx2 * (dx1 + dx2)),
    ]
}

/// Non-uniform second-order coefficients at the first sample, `dx1 = dx[0]`, `dx2 = dx[1]`.
///
/// ```text
/// a = -(2.0 * dx1 + dx2) / (dx1 * (dx1 + dx2))
/// b = (dx1 + dx2) / (dx1 * dx2)
/// c = -dx1 / (dx2 * (dx1 + dx2))
/// ```
pub(crate) fn nonuniform_first_edge2<R: Real>(dx1: R, dx2: R) -> [R; 3] {
    [
        -(lit::<R>(2.0) * dx1 + dx2) / (dx1 * (dx1 + dx2)),
        (dx1 + dx2) / (dx1 * dx2),
        -dx1 / (dx2 * (dx1 + dx2)),
    ]
}

/// Non-uniform second-order coefficients at the last sample, `dx1 = dx[-2]`, `dx2 = dx[-1]`.
///
/// ```text
/// a = dx2 / (dx1 * (dx1 + dx2))
/// b = -(dx2 + dx1) / (dx1 * dx2)
/// c = (2.0 * dx2 + dx1) / (dx2 * (dx1 + dx2))
/// ```
pub(crate) fn nonuniform_last_edge2<R: Real>(dx1: R, dx2: R) -> [R; 3] {
    [
        dx2 / (dx1 * (dx1 + dx2)),
        -(dx2 + dx1) / (dx1 * dx2),
        (lit::<R>(2.0) * dx2 + dx1) / (dx2 * (dx1 + dx2)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use half::f16;

    /// A stencil `[a, b, c]` on points `-h1, 0, h2` (relative to the centre)
    /// must be exact for 1, x and x² when the arithmetic is exact.
    fn moments(c: [f64; 3], x: [f64; 3]) -> [f64; 3] {
        [
            c[0] + c[1] + c[2],
            c[0] * x[0] + c[1] * x[1] + c[2] * x[2],
            c[0] * x[0] * x[0] + c[1] * x[1] * x[1] + c[2] * x[2] * x[2],
        ]
    }

    #[test]
    fn interior_coefficients_differentiate_quadratics_exactly() {
        // dx1 = 1, dx2 = 2: all values are dyadic, so the arithmetic is exact.
        let c = nonuniform_interior(1.0, 2.0);
        assert_eq!(c, [-2.0 / 3.0, 0.5, 1.0 / 6.0]);
        let m = moments(c, [-1.0, 0.0, 2.0]);
        assert!(m[0].abs() < 1e-15 && (m[1] - 1.0).abs() < 1e-15 && m[2].abs() < 1e-15);
    }

    #[test]
    fn edge_coefficients_differentiate_quadratics_exactly() {
        let first = nonuniform_first_edge2(1.0, 2.0);
        let m = moments(first, [0.0, 1.0, 3.0]);
        assert!(m[0].abs() < 1e-15 && (m[1] - 1.0).abs() < 1e-15 && m[2].abs() < 1e-14);
        let last = nonuniform_last_edge2(1.0, 2.0);
        let m = moments(last, [-3.0, -2.0, 0.0]);
        assert!(m[0].abs() < 1e-15 && (m[1] - 1.0).abs() < 1e-15 && m[2].abs() < 1e-14);
    }

    #[test]
    fn equal_steps_reduce_to_the_uniform_stencil() {
        assert_eq!(nonuniform_interior(0.5, 0.5), [-1.0, 0.0, 1.0]);
        assert_eq!(nonuniform_first_edge2(0.5, 0.5), uniform_first_edge2(0.5));
        assert_eq!(nonuniform_last_edge2(0.5, 0.5), uniform_last_edge2(0.5));
        assert_eq!(uniform_interior_divisor(0.25f32), 0.5);
    }

    #[test]
    fn half_precision_coefficients_round_every_operation() {
        // 1/3 in f16 is 0x3555; computed in f64 and rounded once it is the same,
        // but -(dx2)/(dx1*(dx1+dx2)) with dx = 0.1 rounds at each step.
        let dx = f16::from_f32(0.1);
        let c = nonuniform_interior(dx, dx);
        let by_hand = -dx / (dx * (dx + dx));
        assert_eq!(c[0].to_bits(), by_hand.to_bits());
        assert_eq!(c[1], f16::ZERO);
    }
}
