//! The window rule: which samples each output row reads.

use core::ops::Range;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weights::testing::{ORDERS, all_stencils};
    use crate::weights::{MAX_DERIVATIVE, MAX_NODES};

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
