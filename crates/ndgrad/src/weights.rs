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

use core::ops::{Add, Div, Mul, Neg, Range, Sub};

use num_rational::Ratio;

/// Largest number of nodes (samples) in one stencil: the one-sided window of
/// the 4th derivative at accuracy order 8, `one_sided_width(4, 8) == 12`.
pub(crate) const MAX_NODES: usize = 12;

/// Highest supported derivative order.
pub(crate) const MAX_DERIVATIVE: usize = 4;

/// The arithmetic [`recurse`] needs: a field with small-integer constants.
trait Field:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// The additive identity.
    fn zero() -> Self;
    /// The small non-negative integer `k` (a derivative order or 1).
    fn small(k: usize) -> Self;
}

impl Field for f64 {
    #[inline]
    fn zero() -> Self {
        0.0
    }

    #[inline]
    #[allow(clippy::cast_precision_loss, reason = "k <= MAX_DERIVATIVE is exact")]
    fn small(k: usize) -> Self {
        k as f64
    }
}

impl Field for Ratio<i128> {
    #[inline]
    fn zero() -> Self {
        Ratio::new_raw(0, 1)
    }

    #[inline]
    fn small(k: usize) -> Self {
        Ratio::new_raw(k as i128, 1)
    }
}

/// Fornberg's recursion (SIAM Review 1998, evaluation point 0): writes the
/// weights of the `d`-th derivative for nodes at offsets `z` into `out`.
///
/// `c[j][m]` holds the weight of node `j` for derivative `m` over the nodes
/// added so far; adding node `i` first derives row `i` from row `i - 1`, then
/// updates rows `0..i`. Only orders `0..=d` are kept (the orders above `d`
/// never feed back into the lower ones). Entries `c[i-1][m]` with `m = i`
/// (not yet meaningful) must read as zero, hence the zero-initialised array.
///
/// Callers guarantee `z.len() == out.len() <= MAX_NODES` and
/// `d <= MAX_DERIVATIVE`.
#[inline]
fn recurse<T: Field>(z: &[T], d: usize, out: &mut [T]) {
    let n = z.len();
    let Some(&z0) = z.first() else {
        return;
    };
    let mut c = [[T::zero(); MAX_DERIVATIVE + 1]; MAX_NODES];
    c[0][0] = T::small(1);
    // c1: product of (z[i-1] - z[j]) over j < i-1 (from the previous step).
    let mut c1 = T::small(1);
    let mut z_prev = z0;
    for i in 1..n {
        let zi = z[i];
        let top = i.min(d);
        // c2: product of (z[i] - z[j]) over j < i, in increasing j.
        let c2 = z[..i].iter().fold(T::small(1), |acc, &zj| acc * (zi - zj));
        // New node i, from the old row i-1.
        let prev = c[i - 1];
        let row = &mut c[i];
        for m in (1..=top).rev() {
            row[m] = c1 * (T::small(m) * prev[m - 1] - z_prev * prev[m]) / c2;
        }
        row[0] = -c1 * z_prev * prev[0] / c2;
        // Old nodes j < i.
        for (row, &zj) in c[..i].iter_mut().zip(z) {
            let c3 = zi - zj;
            for m in (1..=top).rev() {
                row[m] = (zi * row[m] - T::small(m) * row[m - 1]) / c3;
            }
            row[0] = zi * row[0] / c3;
        }
        c1 = c2;
        z_prev = zi;
    }
    for (o, row) in out.iter_mut().zip(&c[..n]) {
        *o = row[d];
    }
}

/// Weights of the `d`-th derivative at the point 0 for nodes at offsets `z`
/// (`z[j] = x_j - x_eval`), written to `out` (`out[j]` multiplies `f(x_j)`).
///
/// Preconditions (checked in debug builds only): the offsets are distinct,
/// `out.len() == z.len()`, `d < z.len() <= MAX_NODES`, `d <= MAX_DERIVATIVE`.
/// Repeated offsets do not panic; they produce non-finite weights, as do
/// NaN or infinite offsets.
///
/// Allocation-free (one stack array of `MAX_NODES × (MAX_DERIVATIVE + 1)`
/// values); about `n² (d + 1)` multiply–divide pairs.
#[inline]
pub(crate) fn fornberg(z: &[f64], d: usize, out: &mut [f64]) {
    debug_assert!(
        z.len() <= MAX_NODES,
        "at most {MAX_NODES} nodes, got {}",
        z.len()
    );
    debug_assert!(
        d <= MAX_DERIVATIVE,
        "derivative order {d} > {MAX_DERIVATIVE}"
    );
    debug_assert!(z.len() > d, "{} nodes cannot give derivative {d}", z.len());
    debug_assert_eq!(out.len(), z.len(), "one weight per node");
    recurse(z, d, out);
}

/// Exact weights of the `d`-th derivative at 0 for nodes at the integer
/// `offsets`, as `(numerators, denominator)`: weight `j` is
/// `numerators[j] / denominator`. The denominator is positive and the
/// fraction is in lowest terms (the gcd of all numerators and the
/// denominator is 1). For a grid of spacing `h` the weights multiply
/// `1 / h^d`.
///
/// Computed by the same recursion as [`fornberg`], in `Ratio<i128>`. The
/// result is then certified: the weights solving the moment conditions
/// `Σ_j w_j offsets[j]^p = d! δ_{pd}` (`p < n`) are unique, and these are
/// re-checked in checked `i128` arithmetic, so an intermediate overflow (or
/// any other error) cannot go unnoticed.
///
/// # Panics
///
/// If the offsets are not distinct, if `d >= offsets.len()`, if
/// `offsets.len() > MAX_NODES` or `d > MAX_DERIVATIVE`, or if the offsets are
/// so spread out that the arithmetic overflows. None of this happens for the
/// crate's tables (offsets within `-11..=11`, at most 12 nodes, `d <= 4`),
/// whose numerators stay below `2^26` and denominators at most 30 240, and
/// whose intermediate values stay far inside `i128`.
pub(crate) fn exact(offsets: &[i64], d: usize) -> (Vec<i64>, i64) {
    let nodes = offsets.len();
    assert!(
        d < nodes && nodes <= MAX_NODES && d <= MAX_DERIVATIVE,
        "exact: {nodes} nodes, derivative {d} unsupported"
    );
    let mut z = [<Ratio<i128> as Field>::zero(); MAX_NODES];
    for (zj, &offset) in z.iter_mut().zip(offsets) {
        *zj = Ratio::from_integer(i128::from(offset));
    }
    let mut weights = [<Ratio<i128> as Field>::zero(); MAX_NODES];
    recurse(&z[..nodes], d, &mut weights[..nodes]);
    let weights = &weights[..nodes];

    // Common denominator: the lcm of the (positive, reduced) denominators.
    // With every weight in lowest terms this is already in lowest terms
    // overall; the gcd division below merely keeps that true by construction.
    let den = weights.iter().fold(1_i128, |lcm, weight| {
        let b = *weight.denom();
        lcm / gcd(lcm, b) * b
    });
    let mut nums: Vec<i128> = weights
        .iter()
        .map(|weight| weight.numer() * (den / weight.denom()))
        .collect();
    let common = nums.iter().fold(den, |acc, &num| gcd(acc, num));
    for num in &mut nums {
        *num /= common;
    }
    let den = den / common;

    assert!(
        moments_hold(offsets, &nums, den, d) == Some(true),
        "exact: rational recursion overflowed for offsets {offsets:?}"
    );
    let to_i64 = |v: i128| {
        i64::try_from(v).expect(
            "exact: weights of at most 12 nodes at offsets within -11..=11 are far inside i64",
        )
    };
    (nums.into_iter().map(to_i64).collect(), to_i64(den))
}

/// Greatest common divisor of `|a|` and `|b|` (`gcd(0, 0) == 0`).
fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    // Only `gcd(i128::MIN, 0)` would not fit; denominators are positive.
    i128::try_from(a).expect("gcd of a positive denominator fits in i128")
}

/// Whether `nums / den` at `offsets` satisfy `Σ_j w_j offsets[j]^p = d! δ_{pd}`
/// for every `p < offsets.len()`; `None` if checked `i128` arithmetic
/// overflows.
fn moments_hold(offsets: &[i64], nums: &[i128], den: i128, d: usize) -> Option<bool> {
    let factorial = (1..=d as i128).product::<i128>();
    let target = den.checked_mul(factorial)?;
    let mut powers: Vec<i128> = vec![1; offsets.len()];
    for p in 0..offsets.len() {
        let mut sum = 0_i128;
        for (&w, &x) in nums.iter().zip(&powers) {
            sum = sum.checked_add(w.checked_mul(x)?)?;
        }
        if sum != if p == d { target } else { 0 } {
            return Some(false);
        }
        for (x, &o) in powers.iter_mut().zip(offsets) {
            *x = x.checked_mul(i128::from(o))?;
        }
    }
    Some(true)
}

/// Samples in the centred window of the `d`-th derivative at accuracy order
/// `k` (even, `2..=8`): `2⌊(d+1)/2⌋ - 1 + k`, always odd. This is the
/// smallest symmetric stencil of order `k` (symmetry gives even derivatives
/// one order for free, so `d = 1, 2` both use `k + 1` samples and
/// `d = 3, 4` both use `k + 3`).
pub(crate) fn central_width(d: usize, k: usize) -> usize {
    2 * d.div_ceil(2) - 1 + k
}

/// Samples in the one-sided (edge) window of the `d`-th derivative at
/// accuracy order `k`: `k + d`.
pub(crate) fn one_sided_width(d: usize, k: usize) -> usize {
    k + d
}

/// Samples on each side of the centre in the centred window:
/// `(central_width(d, k) - 1) / 2`.
pub(crate) fn half_width(d: usize, k: usize) -> usize {
    (central_width(d, k) - 1) / 2
}

/// The sample indices that output row `row` of an axis of `n` samples reads
/// for the `d`-th derivative at accuracy order `k`, with one-sided
/// (non-periodic) boundaries: the centred window `row-h..=row+h` when it fits
/// (`h = half_width(d, k)`), otherwise the one-sided window of
/// `one_sided_width(d, k)` samples flush with the nearer edge.
///
/// Precondition: `n >= one_sided_width(d, k)` (checked in debug builds).
pub(crate) fn window(d: usize, k: usize, row: usize, n: usize) -> Range<usize> {
    let h = half_width(d, k);
    let w_o = one_sided_width(d, k);
    debug_assert!(
        n >= w_o,
        "axis of {n} samples shorter than the {w_o}-sample edge window"
    );
    if h <= row && row + h < n {
        row - h..row + h + 1
    } else if row < h {
        0..w_o
    } else {
        n - w_o..n
    }
}

/// Central-window weights of the `d`-th derivative for consecutive rows,
/// vectorised across rows.
///
/// `x` holds the coordinates of `m + 2h` consecutive samples (`m` the
/// number of rows, `out.len() == m (2h + 1)`). Row `r` is centred on
/// `x[r + h]` and reads `x[r..=r + 2h]`; its tap `p` goes to
/// `out[p * m + r]`.
///
/// Fornberg's recursion needs `O(W² d)` divisions per row for `W` nodes.
/// Here the weights come from the Lagrange basis instead, which at a node
/// has a closed form: with `a_q = x_c − x_q` (`c` the centre) and for
/// every node `p ≠ c`,
///
/// ```text
/// w_p = d! · e_p / D_p,   D_p = Π_{q≠p} (x_p − x_q),
///                         e_p = [t^(d−1)] Π_{q≠p,c} (t + a_q),
/// ```
///
/// and `w_c = −Σ_{p≠c} w_p` (a derivative's weights annihilate constants).
/// The `W − 1` reciprocals of a row cost one division: every `D_p` is split
/// exactly into a power of two and a mantissa in `[1, 2)`, the mantissas
/// are inverted together (Montgomery's trick: a product of at most ten of
/// them cannot overflow) and the powers of two are put back exactly. The
/// differences `x_p − x_q` are taken from the coordinates themselves, each
/// rounded once.
///
/// A row whose `D_p` is zero, subnormal or beyond `2^1022` in magnitude,
/// or whose weights are not all finite, is computed by [`fornberg`]
/// instead: repeated or non-finite coordinates (which give non-finite
/// weights there too) and differences spread over hundreds of binary
/// orders of magnitude. Every row is computed by the same sequence of
/// operations whatever block it falls in, so the result does not depend on
/// how the rows are split between calls or threads.
///
/// Preconditions (checked in debug builds): `1 <= d <= MAX_DERIVATIVE`,
/// `2h + 1 <= MAX_NODES`, `2h + 1 > d`.
pub(crate) fn central(x: &[f64], h: usize, d: usize, out: &mut [f64]) {
    let width = 2 * h + 1;
    debug_assert!((1..=MAX_DERIVATIVE).contains(&d) && width <= MAX_NODES && width > d);
    let m = x.len() + 1 - width;
    debug_assert_eq!(out.len(), m * width, "one weight per row and tap");
    central_simd(x, h, d, m, out);
}

fn central_simd(x: &[f64], h: usize, d: usize, m: usize, out: &mut [f64]) {
    // The window width and the derivative order as constants, so that the
    // block's loops unroll and its arrays live in registers.
    macro_rules! dispatch {
        ($(($w:literal, $d:literal)),*) => {
            match (2 * h + 1, d) {
                $(($w, $d) => central_rows::<$w, $d>(x, m, out),)*
                _ => unreachable!("no central window of width {} for derivative {d}", 2 * h + 1),
            }
        };
    }
    dispatch!(
        (3, 1),
        (5, 1),
        (7, 1),
        (9, 1),
        (3, 2),
        (5, 2),
        (7, 2),
        (9, 2),
        (5, 3),
        (7, 3),
        (9, 3),
        (11, 3),
        (5, 4),
        (7, 4),
        (9, 4),
        (11, 4)
    );
}

/// Rows [`central_rows`] computes together: every step of the closed form
/// is a loop over the rows of a block (slices of this length, in L1), which
/// the compiler turns into vector operations.
const BLOCK: usize = 120;

/// [`central`] for windows of `W` nodes and derivative order `D`, a block
/// of rows at a time. Every operation is row-wise, so a row gets the same
/// bits whatever block it falls in. Rows the closed form rejects are
/// recomputed by [`fornberg`].
#[multiversion::multiversion(targets("x86_64+avx512f+avx512dq+avx2", "x86_64+avx2"))]
#[allow(
    clippy::needless_range_loop,
    reason = "row loops the compiler vectorises"
)]
fn central_rows<const W: usize, const D: usize>(x: &[f64], m: usize, out: &mut [f64]) {
    const EXP: u64 = 0x7ff << 52;
    const ONE: u64 = 0x3ff << 52;
    const TOO_BIG: u64 = 0x7fe << 52;
    let h = W / 2;
    let mut mant = [[0.0; BLOCK]; W];
    let mut scale = [[0.0; BLOCK]; W];
    let mut recip = [[0.0; BLOCK]; W];
    let mut pre = [[[0.0; BLOCK]; D]; W];
    let mut poly = [[0.0; BLOCK]; D];
    let mut acc = [0.0; BLOCK];
    let mut centre = [0.0; BLOCK];
    let mut bad = [0_u64; BLOCK];
    // left[0] and right[0] are the empty products.
    let mut left = [[1.0; BLOCK + MAX_NODES]; W];
    let mut right = [[1.0; BLOCK + MAX_NODES]; W];
    #[allow(clippy::cast_precision_loss, reason = "at most 4! = 24")]
    let factorial = (1..=D).product::<usize>() as f64;
    for r0 in (0..m).step_by(BLOCK) {
        let b = BLOCK.min(m - r0);
        let xb = &x[r0..r0 + b + W - 1];
        // Node p of row r is xs[p][r].
        let xs: [&[f64]; W] = core::array::from_fn(|p| &xb[p..p + b]);
        // D_p = Π_{q≠p} (x_p − x_q), split into a mantissa of the same
        // sign and magnitude in [1, 2), and the power of two 2^-e that
        // undoes it; `bad` flags the rows with a D_p outside
        // [2^-1022, 2^1022), where the split is not exact or 2^-e not normal.
        bad[..b].fill(0);
        // Each difference x_i − x_j serves up to W − 1 rows: the products
        // of the differences to the c nodes left (right) of node i,
        // left[c][i] (right[c][i]), are computed once per node. Row r's
        // node p is node r + p, with p nodes of its window to the left and
        // W − 1 − p to the right.
        let nb = b + W - 1;
        for c in 1..W {
            let (done, rest) = left.split_at_mut(c);
            let prev = &done[c - 1][c..nb];
            for ((l, &p), (&xi, &xj)) in rest[0][c..nb]
                .iter_mut()
                .zip(prev)
                .zip(xb[c..].iter().zip(xb))
            {
                *l = p * (xi - xj);
            }
            let (done, rest) = right.split_at_mut(c);
            let prev = &done[c - 1][..nb - c];
            for ((r, &p), (&xi, &xj)) in rest[0][..nb - c]
                .iter_mut()
                .zip(prev)
                .zip(xb.iter().zip(&xb[c..]))
            {
                *r = p * (xi - xj);
            }
        }
        // Forward over the nodes: D_p split, the prefix products of the
        // mantissas (Montgomery's trick, recip[p] holding the prefix), and
        // the prefix products of (t + a_q), a_q = x_c − x_q, truncated to
        // degree D − 1 (pre[p]: over the nodes q < p, q ≠ c).
        let xc = xs[h];
        let acc = &mut acc[..b];
        acc.fill(1.0);
        for c in &mut poly {
            c[..b].fill(0.0);
        }
        poly[0][..b].fill(1.0);
        for p in (0..W).filter(|&p| p != h) {
            let (l, rt, xp) = (&left[p][p..p + b], &right[W - 1 - p][p..p + b], xs[p]);
            let (m_p, s_p, rc_p) = (&mut mant[p][..b], &mut scale[p][..b], &mut recip[p][..b]);
            let bad = &mut bad[..b];
            let pre_p = &mut pre[p];
            for r in 0..b {
                let dp = l[r] * rt[r];
                let e = dp.to_bits() & EXP;
                // Written unconditionally (a select or a branch would cost
                // the loop its vectors); NaN D_p passes here and makes the
                // weights NaN, rejected below.
                bad[r] |= u64::from(e == 0) | u64::from(e >= TOO_BIG);
                let mant = f64::from_bits((dp.to_bits() & !EXP) | ONE);
                m_p[r] = mant;
                // 2^-(E - 1023) has the biased exponent 2046 - E.
                s_p[r] = f64::from_bits(TOO_BIG.wrapping_sub(e) & EXP);
                rc_p[r] = acc[r];
                acc[r] *= mant;
                let a = xc[r] - xp[r];
                for i in (0..D).rev() {
                    pre_p[i][r] = poly[i][r];
                    poly[i][r] = if i == 0 {
                        poly[0][r] * a
                    } else {
                        poly[i][r] * a + poly[i - 1][r]
                    };
                }
            }
        }
        for a in acc.iter_mut() {
            *a = 1.0 / *a;
        }
        // Backward over the nodes: the reciprocals, the suffix products
        // (over q > p, q ≠ c) and with them e_p and the weights. The
        // centre's weight is minus the others' sum.
        for c in &mut poly {
            c[..b].fill(0.0);
        }
        poly[0][..b].fill(1.0);
        let centre = &mut centre[..b];
        centre.fill(0.0);
        for p in (0..W).rev().filter(|&p| p != h) {
            let xp = xs[p];
            let (m_p, s_p, rc_p) = (&mant[p][..b], &scale[p][..b], &recip[p][..b]);
            let pre_p = &pre[p];
            let o = &mut out[p * m + r0..p * m + r0 + b];
            for r in 0..b {
                let recip = rc_p[r] * acc[r];
                acc[r] *= m_p[r];
                let mut e = pre_p[0][r] * poly[D - 1][r];
                for i in 1..D {
                    e += pre_p[i][r] * poly[D - 1 - i][r];
                }
                let a = xc[r] - xp[r];
                for i in (0..D).rev() {
                    poly[i][r] = if i == 0 {
                        poly[0][r] * a
                    } else {
                        poly[i][r] * a + poly[i - 1][r]
                    };
                }
                let w = e * factorial * recip * s_p[r];
                o[r] = w;
                centre[r] -= w;
            }
        }
        out[h * m + r0..h * m + r0 + b].copy_from_slice(&centre[..b]);
        for r in 0..b {
            if bad[r] != 0 || !centre[r].is_finite() {
                let row = r0 + r;
                let z: [f64; W] = core::array::from_fn(|q| x[row + q] - x[row + h]);
                let mut w = [0.0; W];
                fornberg(&z, D, &mut w);
                for (p, w) in w.into_iter().enumerate() {
                    out[p * m + row] = w;
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::float_cmp,
    clippy::many_single_char_names,
    clippy::unreadable_literal,
    reason = "allowed workspace-wide; test offsets and orders are tiny, and the \
              tables are pasted as published"
)]
mod tests {
    use super::*;

    /// Derivative orders and accuracy orders the crate builds tables for.
    const ORDERS: [usize; 4] = [2, 4, 6, 8];

    /// Offsets of "row `r`, samples `0..=m`": `(0..=m) - r`.
    fn from_row(r: i64, m: i64) -> Vec<i64> {
        (0..=m).map(|i| i - r).collect()
    }

    /// Offsets `-h..=h`.
    fn centred(h: i64) -> Vec<i64> {
        (-h..=h).collect()
    }

    fn gcd_all(nums: &[i64], den: i64) -> i128 {
        nums.iter()
            .fold(i128::from(den), |g, &v| gcd(g, i128::from(v)))
    }

    /// The published tables: (d, offsets, numerators, denominator).
    #[allow(clippy::type_complexity)]
    fn table() -> Vec<(usize, Vec<i64>, Vec<i64>, i64)> {
        vec![
            // d = 1
            (1, centred(1), vec![-1, 0, 1], 2),
            (1, from_row(0, 2), vec![-3, 4, -1], 2),
            (1, centred(2), vec![1, -8, 0, 8, -1], 12),
            (1, from_row(0, 4), vec![-25, 48, -36, 16, -3], 12),
            (1, from_row(1, 4), vec![-3, -10, 18, -6, 1], 12),
            (1, centred(3), vec![-1, 9, -45, 0, 45, -9, 1], 60),
            (
                1,
                from_row(0, 6),
                vec![-147, 360, -450, 400, -225, 72, -10],
                60,
            ),
            (1, from_row(2, 6), vec![2, -24, -35, 80, -30, 8, -1], 60),
            (
                1,
                centred(4),
                vec![3, -32, 168, -672, 0, 672, -168, 32, -3],
                840,
            ),
            (
                1,
                from_row(0, 8),
                vec![-2283, 6720, -11760, 15680, -14700, 9408, -3920, 960, -105],
                840,
            ),
            (
                1,
                from_row(3, 8),
                vec![-5, 60, -420, -378, 1050, -420, 140, -30, 3],
                840,
            ),
            // d = 2
            (2, centred(1), vec![1, -2, 1], 1),
            (2, from_row(0, 3), vec![2, -5, 4, -1], 1),
            (2, centred(2), vec![-1, 16, -30, 16, -1], 12),
            (2, from_row(0, 5), vec![45, -154, 214, -156, 61, -10], 12),
            (2, from_row(1, 5), vec![10, -15, -4, 14, -6, 1], 12),
            (2, centred(3), vec![2, -27, 270, -490, 270, -27, 2], 180),
            (
                2,
                from_row(0, 7),
                vec![938, -4014, 7911, -9490, 7380, -3618, 1019, -126],
                180,
            ),
            (
                2,
                from_row(2, 7),
                vec![-11, 214, -378, 130, 85, -54, 16, -2],
                180,
            ),
            (
                2,
                centred(4),
                vec![-9, 128, -1008, 8064, -14350, 8064, -1008, 128, -9],
                5040,
            ),
            (
                2,
                from_row(0, 9),
                vec![
                    32575, -165924, 422568, -704368, 818874, -667800, 375704, -139248, 30663, -3044,
                ],
                5040,
            ),
            (
                2,
                from_row(3, 9),
                vec![38, -603, 6984, -12460, 5796, 882, -952, 396, -90, 9],
                5040,
            ),
        ]
    }

    #[test]
    fn exact_reproduces_published_tables() {
        for (d, offsets, want, want_den) in table() {
            let (got, den) = exact(&offsets, d);
            assert_eq!(got.len(), want.len(), "d={d} offsets={offsets:?}");
            assert!(den > 0, "d={d} offsets={offsets:?}: denominator {den}");
            for (&g, &w) in got.iter().zip(&want) {
                assert_eq!(
                    i128::from(g) * i128::from(want_den),
                    i128::from(w) * i128::from(den),
                    "d={d} offsets={offsets:?}: got {got:?}/{den}, want {want:?}/{want_den}"
                );
            }
            assert_eq!(
                gcd_all(&got, den),
                1,
                "d={d} {offsets:?}: {got:?}/{den} not reduced"
            );
        }
    }

    #[test]
    fn exact_reduces_to_lowest_terms() {
        // Spacing-2 nodes: weights [-1/4, 0, 1/4], not [-2, 0, 2] / 8.
        assert_eq!(exact(&[-2, 0, 2], 1), (vec![-1, 0, 1], 4));
        assert_eq!(exact(&[0, 2], 1), (vec![-1, 1], 2));
        // Unsorted nodes keep their order.
        assert_eq!(exact(&[1, -1, 0], 2), (vec![1, 1, -2], 1));
        // Interpolation (d = 0) at a node is the indicator of that node.
        assert_eq!(exact(&[-1, 0, 3], 0), (vec![0, 1, 0], 1));
    }

    #[test]
    #[should_panic(expected = "denominator == 0")]
    fn exact_rejects_repeated_offsets() {
        let _ = exact(&[0, 1, 1], 1);
    }

    /// `Σ_j nums[j] z_j^p` for `p = 0..n`, exact.
    fn exact_moments(offsets: &[i64], nums: &[i64]) -> Vec<i128> {
        (0..offsets.len() as u32)
            .map(|p| {
                offsets
                    .iter()
                    .zip(nums)
                    .map(|(&z, &w)| i128::from(w) * i128::from(z).pow(p))
                    .sum()
            })
            .collect()
    }

    /// Every (d, k, row) of an axis of `one_sided_width + 3` samples, with
    /// the window's offsets relative to the row.
    fn all_stencils() -> Vec<(usize, usize, usize, Vec<i64>)> {
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

    #[test]
    fn windows_have_the_scheme_widths() {
        for (d, k, row, offsets) in all_stencils() {
            let w = offsets.len();
            assert!(
                w == central_width(d, k) || w == one_sided_width(d, k),
                "d={d} k={k} row={row}: width {w}"
            );
            assert!(offsets.contains(&0), "d={d} k={k} row={row}: {offsets:?}");
            assert!(w <= MAX_NODES && w > d);
        }
    }

    #[test]
    fn exact_moments_are_those_of_the_dth_derivative() {
        for (d, k, row, offsets) in all_stencils() {
            let (nums, den) = exact(&offsets, d);
            assert!(den > 0);
            assert_eq!(gcd_all(&nums, den), 1);
            let factorial: i128 = (1..=d as i128).product();
            for (p, m) in exact_moments(&offsets, &nums).into_iter().enumerate() {
                let want = if p == d {
                    factorial * i128::from(den)
                } else {
                    0
                };
                assert_eq!(m, want, "d={d} k={k} row={row} p={p}: {nums:?}/{den}");
            }
        }
    }

    /// Distance of `row` from the nearer end of the `all_stencils` axis.
    fn edge_distance(d: usize, k: usize, row: usize) -> usize {
        let n = one_sided_width(d, k) + 3;
        row.min(n - 1 - row)
    }

    #[test]
    fn table_numerators_fit_in_f32_except_the_k8_edge_rows() {
        use std::collections::BTreeSet;
        let (mut max_num, mut max_den) = (0_i64, 0_i64);
        // (d, k, distance from the edge) of stencils with a numerator >= 2^24,
        // and of stencils with a numerator not exactly representable in f32.
        let mut beyond_2_24 = BTreeSet::new();
        let mut not_f32 = BTreeSet::new();
        for (d, k, row, offsets) in all_stencils() {
            let (nums, den) = exact(&offsets, d);
            assert!(den > 0, "d={d} k={k} row={row}: denominator {den}");
            for &v in &nums {
                max_num = max_num.max(v.abs());
                if v.abs() >= 1 << 24 {
                    beyond_2_24.insert((d, k, edge_distance(d, k, row)));
                }
                if v as f32 as i64 != v {
                    not_f32.insert((d, k, edge_distance(d, k, row), v.abs()));
                }
            }
            max_den = max_den.max(den);
        }
        eprintln!("max |numerator| = {max_num}, max denominator = {max_den}");
        // Below 2^24 everywhere except the outermost rows of the k = 8
        // tables of the 3rd and 4th derivatives ...
        assert_eq!(beyond_2_24, BTreeSet::from([(3, 8, 0), (4, 8, 0)]));
        assert_eq!((max_num, max_den), (66_844_596, 30_240));
        assert!(max_num < 1 << 26);
        // ... and exact in f32 everywhere except one weight of d = 4, k = 8.
        assert_eq!(not_f32, BTreeSet::from([(4, 8, 0, 55_829_154)]));
    }

    /// `f64::EPSILON`-units error of `fornberg` against `exact`, relative to
    /// the exact weights' 1-norm.
    fn ulps_vs_exact(offsets: &[i64], d: usize) -> f64 {
        let (nums, den) = exact(offsets, d);
        let want: Vec<f64> = nums.iter().map(|&v| v as f64 / den as f64).collect();
        let z: Vec<f64> = offsets.iter().map(|&o| o as f64).collect();
        let mut got = vec![0.0; z.len()];
        fornberg(&z, d, &mut got);
        let norm: f64 = want.iter().map(|w| w.abs()).sum();
        got.iter()
            .zip(&want)
            .map(|(g, w)| (g - w).abs() / (f64::EPSILON * norm))
            .fold(0.0, f64::max)
    }

    #[test]
    fn fornberg_matches_exact_on_integer_offsets() {
        let mut worst = 0.0_f64;
        for (d, k, row, offsets) in all_stencils() {
            let ulps = ulps_vs_exact(&offsets, d);
            assert!(ulps <= 4.0, "d={d} k={k} row={row}: {ulps} ulp·‖w‖₁");
            worst = worst.max(ulps);
        }
        eprintln!("worst fornberg error: {worst} ulp·‖w‖₁");
    }

    /// A 64-bit LCG (Knuth's MMIX constants); uniform in `[0, 1)`.
    struct Lcg(u64);

    impl Lcg {
        fn next_f64(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 11) as f64 / (1_u64 << 53) as f64
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next_f64() * n as f64) as usize
        }
    }

    #[test]
    fn fornberg_moments_on_random_nonuniform_offsets() {
        let mut rng = Lcg(0x5eed_1234_abcd_0001);
        let mut worst = 0.0_f64;
        for trial in 0..5000 {
            let n = 2 + rng.below(MAX_NODES - 1);
            let d = 1 + rng.below(MAX_DERIVATIVE.min(n - 1));
            let scale = [1e-3, 1.0, 1e3][rng.below(3)];
            // Sorted nodes with spacings in [0.5, 1.5)·scale, evaluated at a
            // node or between two nodes, in shuffled order.
            let mut x = [0.0; MAX_NODES];
            for j in 1..n {
                x[j] = x[j - 1] + (0.5 + rng.next_f64()) * scale;
            }
            let at = rng.below(n);
            let x_eval = if rng.below(2) == 0 || at + 1 == n {
                x[at]
            } else {
                x[at] + rng.next_f64() * (x[at + 1] - x[at])
            };
            let mut z: Vec<f64> = x[..n].iter().map(|&xj| xj - x_eval).collect();
            for j in (1..n).rev() {
                z.swap(j, rng.below(j + 1));
            }
            let mut w = vec![0.0; n];
            fornberg(&z, d, &mut w);
            let factorial = (1..=d).product::<usize>() as f64;
            for p in 0..n {
                let p32 = p as i32;
                let m: f64 = w.iter().zip(&z).map(|(w, z)| w * z.powi(p32)).sum();
                let size: f64 = w.iter().zip(&z).map(|(w, z)| (w * z.powi(p32)).abs()).sum();
                let want = if p == d { factorial } else { 0.0 };
                let err = (m - want).abs() / size.max(factorial);
                assert!(
                    err <= 1e-10,
                    "trial {trial}: d={d} p={p} z={z:?}: moment {m}, want {want} (rel {err})"
                );
                worst = worst.max(err);
            }
        }
        eprintln!("worst relative moment error: {worst:e}");
    }

    #[test]
    fn fornberg_propagates_non_finite_offsets_without_panicking() {
        let mut w = [0.0; 3];
        fornberg(&[-1.0, f64::NAN, 1.0], 1, &mut w);
        assert!(w.iter().any(|v| v.is_nan()), "{w:?}");
        fornberg(&[-1.0, 0.0, f64::INFINITY], 2, &mut w);
        assert!(w.iter().any(|v| !v.is_finite()), "{w:?}");
        // Repeated nodes: non-finite, not a panic.
        fornberg(&[0.0, 1.0, 1.0], 1, &mut w);
        assert!(w.iter().any(|v| !v.is_finite()), "{w:?}");
    }

    #[test]
    fn fornberg_uses_only_the_given_nodes() {
        // Fewest nodes: d = 4 on 5 nodes is the 5-point 4th difference.
        let mut w = [0.0; 5];
        fornberg(&[-2.0, -1.0, 0.0, 1.0, 2.0], 4, &mut w);
        assert_eq!(w, [1.0, -4.0, 6.0, -4.0, 1.0]);
        // Twelve nodes, the largest stencil (d = 4, k = 8 at the edge).
        let z: Vec<f64> = (0..12).map(f64::from).collect();
        let mut w = [0.0; 12];
        fornberg(&z, 4, &mut w);
        let (nums, den) = exact(&(0..12).collect::<Vec<i64>>(), 4);
        for (g, &n) in w.iter().zip(&nums) {
            assert!(
                (g - n as f64 / den as f64).abs() < 1e-9,
                "{w:?} vs {nums:?}/{den}"
            );
        }
    }

    #[test]
    fn window_examples() {
        let cases = [
            ((1, 4, 0, 10), 0..5),
            ((1, 4, 1, 10), 0..5),
            ((1, 4, 2, 10), 0..5),
            ((1, 4, 5, 10), 3..8),
            ((1, 4, 8, 10), 5..10),
            ((1, 4, 9, 10), 5..10),
            ((2, 4, 0, 6), 0..6),
            ((2, 4, 2, 6), 0..5),
        ];
        for ((d, k, row, n), want) in cases {
            assert_eq!(window(d, k, row, n), want, "d={d} k={k} row={row} n={n}");
        }
        assert_eq!((central_width(2, 4), one_sided_width(2, 4)), (5, 6));
    }

    /// Every central window the schemes use: (half-width, derivative).
    fn central_cases() -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        for d in 1..=MAX_DERIVATIVE {
            for k in ORDERS {
                v.push((half_width(d, k), d));
            }
        }
        v
    }

    fn random_grid(rng: &mut Lcg, n: usize, scale: f64) -> Vec<f64> {
        let mut x = vec![0.0; n];
        for i in 1..n {
            x[i] = x[i - 1] + (0.3 + 1.4 * rng.next_f64()) * scale;
        }
        x
    }

    fn fornberg_rows(x: &[f64], h: usize, d: usize) -> Vec<Vec<f64>> {
        let w = 2 * h + 1;
        (0..x.len() + 1 - w)
            .map(|r| {
                let z: Vec<f64> = (0..w).map(|q| x[r + q] - x[r + h]).collect();
                let mut out = vec![0.0; w];
                fornberg(&z, d, &mut out);
                out
            })
            .collect()
    }

    #[test]
    fn central_matches_fornberg_on_random_grids() {
        let mut rng = Lcg(0x00c0_ffee_1234_5678);
        let mut worst = 0.0_f64;
        for (h, d) in central_cases() {
            for scale in [1e-6, 1.0, 3e4] {
                // 77 rows: two blocks and a partial one, several chunks.
                let x = random_grid(&mut rng, 2 * h + 277, scale);
                let w = 2 * h + 1;
                let m = x.len() + 1 - w;
                let mut out = vec![0.0; m * w];
                central(&x, h, d, &mut out);
                for (r, want) in fornberg_rows(&x, h, d).iter().enumerate() {
                    let size: f64 = want.iter().map(|v| v.abs()).sum();
                    for (p, &want) in want.iter().enumerate() {
                        let err = (out[p * m + r] - want).abs() / size;
                        worst = worst.max(err);
                        assert!(
                            err < 1e-13,
                            "h={h} d={d} scale={scale} row {r} tap {p}: {} vs Fornberg {want}",
                            out[p * m + r]
                        );
                    }
                }
            }
        }
        eprintln!("worst difference from Fornberg, relative to Σ|w|: {worst:e}");
    }

    #[test]
    fn central_is_exact_on_integer_grids() {
        // Integer nodes: the weights are the exact tables, to a few ulps.
        for (h, d) in central_cases() {
            let x: Vec<f64> = (0..40).map(f64::from).collect();
            let w = 2 * h + 1;
            let m = x.len() + 1 - w;
            let mut out = vec![0.0; m * w];
            central(&x, h, d, &mut out);
            let offsets: Vec<i64> = (-(h as i64)..=h as i64).collect();
            let (nums, den) = exact(&offsets, d);
            for r in 0..m {
                for p in 0..w {
                    let want = nums[p] as f64 / den as f64;
                    let got = out[p * m + r];
                    assert!(
                        (got - want).abs() <= 64.0 * f64::EPSILON * want.abs().max(1.0),
                        "h={h} d={d} row {r} tap {p}: {got} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn central_rows_do_not_depend_on_the_split() {
        let mut rng = Lcg(99);
        for (h, d) in central_cases() {
            let x = random_grid(&mut rng, 2 * h + 300, 1.0);
            let w = 2 * h + 1;
            let m = x.len() + 1 - w;
            let mut whole = vec![0.0; m * w];
            central(&x, h, d, &mut whole);
            for (start, len) in [(0, 1), (3, 7), (37, 121), (120, 133), (m - 5, 5)] {
                let mut part = vec![0.0; len * w];
                central(&x[start..start + len + w - 1], h, d, &mut part);
                for r in 0..len {
                    for p in 0..w {
                        assert_eq!(
                            part[p * len + r].to_bits(),
                            whole[p * m + start + r].to_bits(),
                            "h={h} d={d} row {} tap {p}",
                            start + r
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn central_falls_back_to_fornberg_where_the_closed_form_cannot() {
        // Repeated nodes, non-finite nodes, and differences so large that
        // the products overflow: those rows are Fornberg's, bit for bit.
        for (h, d) in central_cases() {
            let w = 2 * h + 1;
            let mut x: Vec<f64> = (0..60).map(|i| f64::from(i) * 0.5).collect();
            x[20] = x[19];
            x[35] = f64::NAN;
            for (i, v) in x[45..].iter_mut().enumerate() {
                *v = 1e200 * (i as f64 + 1.0);
            }
            let m = x.len() + 1 - w;
            let mut out = vec![0.0; m * w];
            central(&x, h, d, &mut out);
            for (r, want) in fornberg_rows(&x, h, d).iter().enumerate() {
                let window = r..r + w;
                let touched = (window.contains(&19) && window.contains(&20))
                    || window.contains(&35)
                    || window.end > 45;
                if !touched {
                    continue;
                }
                for (p, &want) in want.iter().enumerate() {
                    let got = out[p * m + r];
                    assert!(
                        got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                        "h={h} d={d} row {r} tap {p}: {got} vs Fornberg {want}"
                    );
                }
            }
        }
    }

    #[test]
    #[ignore = "timing, by hand: CENTRAL_M=4096 cargo test --release -p ndgrad central_speed -- --ignored --nocapture"]
    fn central_speed() {
        let m: usize = std::env::var("CENTRAL_M")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(4096);
        let reps = (5 << 20) / m;
        let mut rng = Lcg(7);
        let x = random_grid(&mut rng, m + 10, 1.0);
        for (h, d) in [(2, 1), (4, 1), (2, 2), (5, 4)] {
            let w = 2 * h + 1;
            let mut out = vec![0.0; (x.len() - 2 * h) * w];
            let t = std::time::Instant::now();
            for _ in 0..reps {
                central(&x, h, d, &mut out);
            }
            let ns = t.elapsed().as_secs_f64() * 1e9 / ((reps * (x.len() - 2 * h)) as f64);
            eprintln!("width {w}, d = {d}: {ns:.2} ns/row");
        }
    }

    #[test]
    fn widths_follow_the_rule() {
        for k in ORDERS {
            assert_eq!(central_width(1, k), k + 1);
            assert_eq!(central_width(2, k), k + 1);
            assert_eq!(central_width(3, k), k + 3);
            assert_eq!(central_width(4, k), k + 3);
            for d in 1..=MAX_DERIVATIVE {
                assert_eq!(one_sided_width(d, k), k + d);
                assert_eq!(2 * half_width(d, k) + 1, central_width(d, k));
            }
        }
        assert_eq!(one_sided_width(MAX_DERIVATIVE, 8), MAX_NODES);
    }
}
