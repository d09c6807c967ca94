//! Fornberg's recursion, generic over the arithmetic ([`recurse`]), and its
//! allocation-free `f64` evaluation ([`fornberg`]).

use core::ops::{Add, Div, Mul, Neg, Sub};

use super::{MAX_DERIVATIVE, MAX_NODES};

/// The arithmetic [`recurse`] needs: a field with small-integer constants.
pub(super) trait Field:
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
pub(super) fn recurse<T: Field>(z: &[T], d: usize, out: &mut [T]) {
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
#[cfg(test)]
mod tests {
    use super::*;
    use crate::weights::exact;
    use crate::weights::testing::{Lcg, all_stencils};

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
}
