//! Finite-difference weights by Fornberg's algorithm, and the window rule
//! that decides which samples each output row reads.
//!
//! Given nodes `x_0, …, x_{n-1}` (distinct, any spacing) and an evaluation
//! point `x_e`, the weights `w_j` of the `d`-th derivative are the unique
//! numbers with `Σ_j w_j (x_j - x_e)^p = d! δ_{pd}` for `p = 0, …, n-1`, so
//! that `f^{(d)}(x_e) ≈ Σ_j w_j f(x_j)` is exact for polynomials of degree
//! `< n`. They are computed by the stable recursion of
//!
//! * B. Fornberg, "Generation of finite difference formulas on arbitrarily
//!   spaced grids", Math. Comp. 51 (1988) 699–706, in the form given in
//! * B. Fornberg, "Calculation of weights in finite difference formulas",
//!   SIAM Review 40 (1998) 685–691,
//!
//! with the evaluation point shifted to 0 (callers pass offsets
//! `z_j = x_j - x_e`). The recursion adds one node at a time and keeps only
//! derivative orders `0..=d`.
//!
//! Two evaluations share one recursion ([`recurse`]):
//!
//! * [`fornberg`] in `f64`, allocation-free, for the boundary rows of
//!   non-uniform grids (one call per row) and the rows [`central`] rejects;
//! * [`exact`] in exact rationals (`Ratio<i128>`), for integer offsets: the
//!   uniform-grid tables, returned as integer numerators over one common
//!   denominator. Every numerator of the supported tables (`d <= 4`,
//!   `k <= 8`) is below `2^24`, hence exact in `f32`, except in the first
//!   and last rows of `k = 8`, `d = 3, 4` (up to 66 844 596 < `2^26`; one of
//!   them, 55 829 154 for `d = 4`, is not representable in `f32`). The
//!   denominators are at most 30 240 (`d = 3`, `k = 8`).
//!
//! The interior rows of non-uniform grids take [`central`] instead: the same
//! weights from the closed form of the Lagrange basis at a node, one
//! division per row, vectorised across a block of rows.
//!
//! The scheme itself (which samples a row reads) is defined by
//! [`central_width`], [`one_sided_width`], [`half_width`] and [`window`]:
//! a centred window of `central_width(d, k)` samples in the interior, and a
//! one-sided window of `one_sided_width(d, k)` samples flush with the nearer
//! edge where the centred one does not fit, both of accuracy order `k`.
//!
//! The parts: [`recursion`] (Fornberg's recursion and its `f64`
//! evaluation), [`rational`] (the exact tables), [`lagrange`] (the
//! vectorised central weights) and [`windows`] (the window rule).

// For the unit tests of every part (written once here, not per part; the
// library build still lints the non-test code with the workspace lints).
#![cfg_attr(
    test,
    allow(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        clippy::cast_precision_loss,
        clippy::cast_sign_loss,
        clippy::float_cmp,
        clippy::many_single_char_names,
        clippy::unreadable_literal,
        reason = "allowed workspace-wide; test offsets and orders are tiny, and the \
                  tables are pasted as published"
    )
)]

mod lagrange;
mod rational;
mod recursion;
mod windows;

pub(crate) use lagrange::central;
pub(crate) use rational::exact;
pub(crate) use recursion::fornberg;
use recursion::recurse;
pub(crate) use windows::{central_width, half_width, one_sided_width, window};

/// Largest number of nodes (samples) in one stencil: the one-sided window of
/// the 4th derivative at accuracy order 8, `one_sided_width(4, 8) == 12`.
pub(crate) const MAX_NODES: usize = 12;

/// Highest supported derivative order, as an index: the public
/// [`crate::MAX_DERIVATIVE`] (defined once, in `scheme`), widened.
pub(crate) const MAX_DERIVATIVE: usize = crate::scheme::MAX_DERIVATIVE as usize;

/// Helpers shared by the submodules' tests.
#[cfg(test)]
mod testing {
    use super::{MAX_DERIVATIVE, one_sided_width, window};

    /// Derivative orders and accuracy orders the crate builds tables for.
    pub(super) const ORDERS: [usize; 4] = [2, 4, 6, 8];

    /// Every (d, k, row) of an axis of `one_sided_width + 3` samples, with
    /// the window's offsets relative to the row.
    pub(super) fn all_stencils() -> Vec<(usize, usize, usize, Vec<i64>)> {
        let mut all = Vec::new();
        for d in 1..=MAX_DERIVATIVE {
            for k in ORDERS {
                let n = one_sided_width(d, k) + 3;
                for row in 0..n {
                    let win = window(d, k, row, n);
                    let offsets = win.map(|i| i as i64 - row as i64).collect();
                    all.push((d, k, row, offsets));
                }
            }
        }
        all
    }

    /// A 64-bit LCG (Knuth's MMIX constants); uniform in `[0, 1)`.
    pub(super) struct Lcg(pub(super) u64);

    impl Lcg {
        pub(super) fn next_f64(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 11) as f64 / (1_u64 << 53) as f64
        }

        pub(super) fn below(&mut self, n: usize) -> usize {
            (self.next_f64() * n as f64) as usize
        }
    }
}
