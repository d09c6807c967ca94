//! Central-window weights on coordinates from the closed form of the
//! Lagrange basis, vectorised across a block of rows.

use super::{MAX_DERIVATIVE, MAX_NODES, fornberg};

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
mod tests {
    use super::*;
    use crate::weights::testing::{Lcg, ORDERS};
    use crate::weights::{exact, half_width};

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
}
