//! Exact weights in rationals (`Ratio<i128>`) for integer offsets: the
//! uniform-grid tables, certified against the moment conditions.

use num_rational::Ratio;

use super::recursion::Field;
use super::{MAX_DERIVATIVE, MAX_NODES, recurse};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weights::one_sided_width;
    use crate::weights::testing::all_stencils;

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
}
