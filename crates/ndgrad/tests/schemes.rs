//! The higher-order schemes (`Scheme::new(d, k)`, periodic boundaries)
//! against independent expectations: exact polynomial derivatives, exact
//! integer arithmetic with the published stencils, NumPy's own path on a
//! wrap-padded array, lane-by-lane 1-D results, serial results, and the
//! errors and precisions the scheme documentation promises.

use half::f16;
use ndarray::{
    Array, Array1, ArrayD, ArrayRef, ArrayViewD, Axis, Dimension, IxDyn, ShapeBuilder, Slice,
};
use ndgrad::num_complex::Complex;
use ndgrad::{
    Boundary, EdgeOrder, Element, GradientError, Options, Par, Scheme, Spacing, gradient_axis,
    gradient_axis_into, gradient_with, gradient_with_into,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

// ---------------------------------------------------------------- helpers

const ACCURACIES: [u8; 4] = [2, 4, 6, 8];

fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(0x7363_6865_6d65),
        failure_persistence: None,
        ..Config::default()
    }
}

/// Every `(d, k)` the crate supports.
fn all_dk() -> impl Iterator<Item = (u8, u8)> {
    (1..=4u8).flat_map(|d| ACCURACIES.into_iter().map(move |k| (d, k)))
}

fn scheme(d: u8, k: u8) -> Scheme {
    Scheme::new(d, k).unwrap()
}

fn periodic(s: Scheme, period: Option<f64>) -> Scheme {
    s.with_boundary(Boundary::Periodic { period })
}

/// `2⌊(d+1)/2⌋ − 1 + k`, from the module docs (not from the crate).
fn central_width(d: u8, k: u8) -> usize {
    usize::from(2 * d.div_ceil(2) - 1 + k)
}

/// Bit patterns of the output types, for bit-for-bit comparisons.
trait Bits: Copy + core::fmt::Debug {
    fn bits(self) -> (u64, u64);
}

impl Bits for f64 {
    fn bits(self) -> (u64, u64) {
        (self.to_bits(), 0)
    }
}

impl Bits for f32 {
    fn bits(self) -> (u64, u64) {
        (u64::from(self.to_bits()), 0)
    }
}

impl Bits for f16 {
    fn bits(self) -> (u64, u64) {
        (u64::from(self.to_bits()), 0)
    }
}

impl Bits for Complex<f64> {
    fn bits(self) -> (u64, u64) {
        (self.re.to_bits(), self.im.to_bits())
    }
}

impl Bits for Complex<f32> {
    fn bits(self) -> (u64, u64) {
        (u64::from(self.re.to_bits()), u64::from(self.im.to_bits()))
    }
}

fn flat<T: Copy, D: Dimension>(a: &ArrayRef<T, D>) -> Vec<T> {
    a.iter().copied().collect()
}

#[track_caller]
fn assert_bits<T: Bits>(got: &[T], want: &[T], ctx: &str) {
    assert_eq!(got.len(), want.len(), "{ctx}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(
            g.bits(),
            w.bits(),
            "{ctx}: element {i}: got {g:?}, want {w:?}"
        );
    }
}

/// `c[0] + c[1] x + … + c[deg] x^deg`, by Horner.
fn eval(c: &[f64], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &cj| acc * x + cj)
}

/// Coefficients of the `d`-th derivative.
fn derivative(c: &[f64], d: usize) -> Vec<f64> {
    (d..c.len())
        .map(|j| c[j] * ((j - d + 1)..=j).map(|m| m as f64).product::<f64>())
        .collect()
}

/// Small integer coefficients of a polynomial of degree exactly `deg`.
fn coefficients(deg: usize, seed: usize) -> Vec<f64> {
    (0..=deg)
        .map(|j| {
            if j == deg {
                1.0 + (seed % 2) as f64
            } else {
                ((j * 7 + seed * 3) % 7) as f64 - 3.0
            }
        })
        .collect()
}

/// `Σ|w_j||f_j|` of row `row` with a step `h`, from the exact stencil.
fn stencil_scale(s: &Scheme, row: usize, n: usize, h: f64, f: &[f64]) -> f64 {
    let st = s.stencil(row, n).unwrap();
    let sum: f64 = st
        .samples
        .iter()
        .zip(&st.numerators)
        .map(|(&j, &w)| (w as f64).abs() * f[j].abs())
        .sum();
    sum / (st.denominator as f64 * h.powi(i32::from(s.derivative())))
}

/// The weight matrix the library applies (it is linear in the data):
/// `w[i][j]` is the gradient of the unit vector `e_j` at row `i`.
fn weight_matrix(n: usize, spacing: Spacing<'_>, s: Scheme) -> Vec<Vec<f64>> {
    let mut w = vec![vec![0.0; n]; n];
    for j in 0..n {
        let mut e = Array1::<f64>::zeros(n);
        e[j] = 1.0;
        let g = gradient_axis(&e, Axis(0), spacing, s).unwrap();
        for (i, row) in w.iter_mut().enumerate() {
            row[j] = g[i];
        }
    }
    w
}

/// `Σ_j |w[row][j]| |f_j|`.
fn matrix_scale(w: &[Vec<f64>], row: usize, f: &[f64]) -> f64 {
    w[row].iter().zip(f).map(|(a, b)| a.abs() * b.abs()).sum()
}

/// Deterministic, non-dyadic test data.
fn wavy(n: usize, seed: usize) -> Vec<f64> {
    (0..n)
        .map(|i| ((i * 7 + seed * 13) as f64 * 0.37).sin() * 10.0 + (i % 5) as f64 * 0.1)
        .collect()
}

/// Strictly increasing non-uniform coordinates (`x_i = i^1.2 + small wobble`).
fn nonuniform_x(n: usize) -> Array1<f64> {
    Array1::from_iter((0..n).map(|i| (i as f64).powf(1.2) + 0.1 * (i % 3) as f64))
}

// ------------------------------------------------ 1. polynomial exactness

/// With the dyadic step h = 0.5, every row of every one-sided scheme
/// differentiates polynomials of degree `k + d − 1` exactly, up to the
/// rounding of `Σ w_j f_j`: the bound is `|got − exact| ≤ 1e-9 · Σ|w_j||f_j|`
/// (the rounding error is at most ~12 ulps of that sum). One degree more is
/// not exact at row 0: the boundary window really has `k + d` samples.
#[test]
fn uniform_steps_are_exact_for_polynomials_of_degree_k_plus_d_minus_1() {
    let h = 0.5;
    for (d, k) in all_dk() {
        let s = scheme(d, k);
        let (du, ku) = (usize::from(d), usize::from(k));
        let m = s.min_len();
        assert_eq!(m, ku + du);
        for n in [m, m + 1, 3 * m + 5] {
            let x: Vec<f64> = (0..n).map(|i| (i as f64 - (n / 2) as f64) * h).collect();
            for seed in 0..3 {
                let c = coefficients(ku + du - 1, seed + n);
                let f: Vec<f64> = x.iter().map(|&t| eval(&c, t)).collect();
                let dc = derivative(&c, du);
                let fa = Array1::from(f.clone());
                let got = gradient_axis(&fa, Axis(0), Spacing::uniform(h), s).unwrap();
                for (i, (&g, &t)) in got.iter().zip(&x).enumerate() {
                    let exact = eval(&dc, t);
                    let scale = stencil_scale(&s, i, n, h, &f);
                    assert!(
                        (g - exact).abs() <= 1e-9 * scale,
                        "d={d} k={k} n={n} row {i}: got {g}, exact {exact}, scale {scale}"
                    );
                }
            }
            // (x − x0)^(k+d): its d-th derivative at x0 is 0, the scheme's is not.
            let f: Vec<f64> = x
                .iter()
                .map(|&t| (t - x[0]).powi(i32::from(k + d)))
                .collect();
            let fa = Array1::from(f.clone());
            let got = gradient_axis(&fa, Axis(0), Spacing::uniform(h), s).unwrap();
            let scale = stencil_scale(&s, 0, n, h, &f);
            assert!(
                got[0].abs() > 1e-6 * scale,
                "d={d} k={k} n={n}: degree k+d exact at row 0? {} vs {scale}",
                got[0]
            );
        }
    }
}

/// `(d, k, gaps in eighths, decreasing, seed)`: at least `k + d` samples.
fn coordinate_case() -> impl Strategy<Value = (u8, u8, Vec<u8>, bool, usize)> {
    (
        1u8..=4,
        prop::sample::select(ACCURACIES.to_vec()),
        0usize..24,
    )
        .prop_flat_map(|(d, k, extra)| {
            let n = usize::from(k + d) + extra;
            (
                Just(d),
                Just(k),
                prop::collection::vec(1u8..=8, n - 1),
                any::<bool>(),
                0usize..1000,
            )
        })
}

proptest! {
    #![proptest_config(config(48))]

    /// On dyadic non-uniform coordinates (gaps multiples of 1/8 in
    /// [1/8, 1], increasing or decreasing), interior rows are exact for
    /// degree `w_c − 1` (for even d only `k + d − 2`: the central window of
    /// `k + d − 1` points loses its symmetry) and boundary rows for degree
    /// `k + d − 1`, within `1e-9 · Σ|w_j||f_j|` (`w` the weights the library
    /// applies, read off its gradients of unit vectors).
    #[test]
    fn coordinates_are_exact_for_polynomials((d, k, gaps, decreasing, seed) in coordinate_case()) {
        let s = scheme(d, k);
        let n = gaps.len() + 1;
        let total: u32 = gaps.iter().map(|&g| u32::from(g)).sum();
        let mut eighths = vec![-i64::from(total / 2)];
        for &g in &gaps {
            eighths.push(eighths.last().unwrap() + i64::from(g));
        }
        let sign = if decreasing { -1.0 } else { 1.0 };
        let x = Array1::from_iter(eighths.iter().map(|&e| sign * e as f64 / 8.0));
        let spacing = Spacing::coordinates(&x);
        let w = weight_matrix(n, spacing, s);
        let reach = s.reach();
        let du = usize::from(d);
        for (deg, interior) in [(central_width(d, k) - 1, true), (usize::from(k + d) - 1, false)] {
            let c = coefficients(deg, seed);
            let dc = derivative(&c, du);
            let f: Vec<f64> = x.iter().map(|&t| eval(&c, t)).collect();
            let got = gradient_axis(&Array1::from(f.clone()), Axis(0), spacing, s).unwrap();
            for i in 0..n {
                if (reach..n - reach).contains(&i) != interior {
                    continue;
                }
                let exact = eval(&dc, x[i]);
                let scale = matrix_scale(&w, i, &f);
                prop_assert!(
                    (got[i] - exact).abs() <= 1e-9 * scale,
                    "d={} k={} n={} row {} (interior {}): got {}, exact {}, scale {}",
                    d, k, n, i, interior, got[i], exact, scale
                );
            }
        }
    }
}

// ---------------------------------------------------------- 2. periodic

/// Max error of the d-th derivative of `sin(2π m x / L + φ)` on `x`,
/// relative to `(2π m / L)^d`.
fn periodic_error(x: &Array1<f64>, spacing: Spacing<'_>, s: Scheme, big_l: f64) -> f64 {
    let (m, phase) = (2.0, 0.3);
    let w = 2.0 * std::f64::consts::PI * m / big_l;
    let d = i32::from(s.derivative());
    let f = x.mapv(|t| (w * t + phase).sin());
    let g = gradient_axis(&f, Axis(0), spacing, s).unwrap();
    let shift = f64::from(d) * std::f64::consts::FRAC_PI_2;
    x.iter()
        .zip(&g)
        .map(|(&t, &v)| (v / w.powi(d) - (w * t + phase + shift).sin()).abs())
        .fold(0.0, f64::max)
}

/// Trigonometric data converge at the scheme's order: halving the step
/// (24 → 48 samples) divides the error by at least `2^(k−0.75)` (observed:
/// `2^(k−0.1)` uniform, `2^(k−0.5)` stretched; `2^k` asymptotically), on a
/// uniform grid (step) and on a smoothly stretched one (coordinates and a
/// period).
#[test]
fn periodic_schemes_converge_on_trigonometric_data() {
    let big_l = 2.0;
    for (d, k) in all_dk() {
        for uniform in [true, false] {
            let errors: Vec<f64> = [24usize, 48]
                .iter()
                .map(|&n| {
                    let xi = |i: usize| i as f64 * big_l / n as f64;
                    let stretch = 0.35 * big_l / (2.0 * std::f64::consts::PI);
                    let x = Array1::from_iter((0..n).map(|i| {
                        if uniform {
                            xi(i)
                        } else {
                            xi(i) + stretch * (2.0 * std::f64::consts::PI * xi(i) / big_l).sin()
                        }
                    }));
                    let (spacing, s) = if uniform {
                        (
                            Spacing::uniform(big_l / n as f64),
                            periodic(scheme(d, k), None),
                        )
                    } else {
                        (
                            Spacing::coordinates(&x),
                            periodic(scheme(d, k), Some(big_l)),
                        )
                    };
                    periodic_error(&x, spacing, s, big_l)
                })
                .collect();
            let ratio = errors[0] / errors[1];
            assert!(
                errors[0] < 0.5 && ratio >= 2f64.powf(f64::from(k) - 0.75),
                "d={d} k={k} uniform {uniform}: errors {errors:?}, ratio {ratio}"
            );
        }
    }
}

/// The stencils of [`Scheme::stencil`], applied by hand in exact `i128`
/// arithmetic to small-integer data, give the library's bits: `Σ n_j f_j`
/// is an exact integer and the one division by `den·h^d` (exact for
/// h = 1, 1/2) is correctly rounded. One-sided and periodic, every d, k,
/// several lengths.
#[test]
fn stencils_in_exact_integer_arithmetic_give_the_library_bits() {
    for (d, k) in all_dk() {
        for wrap in [false, true] {
            let s = if wrap {
                periodic(scheme(d, k), None)
            } else {
                scheme(d, k)
            };
            let m = s.min_len();
            for n in [m, m + 1, m + 3, 2 * m + 7] {
                let fi: Vec<i128> = (0..n)
                    .map(|i| ((i * 37 + n * 11 + usize::from(d) * 5) % 17) as i128 - 8)
                    .collect();
                let f = Array1::from_iter(fi.iter().map(|&v| v as f64));
                for h in [1.0f64, 0.5] {
                    let spacing = if h == 1.0 {
                        Spacing::Unit
                    } else {
                        Spacing::uniform(h)
                    };
                    let got = gradient_axis(&f, Axis(0), spacing, s).unwrap();
                    for (row, g) in got.iter().enumerate() {
                        let st = s.stencil(row, n).unwrap();
                        let sum: i128 = st
                            .samples
                            .iter()
                            .zip(&st.numerators)
                            .map(|(&j, &w)| i128::from(w) * fi[j])
                            .sum();
                        let want = sum as f64 / (st.denominator as f64 * h.powi(i32::from(d)));
                        assert_eq!(
                            g.to_bits(),
                            want.to_bits(),
                            "d={d} k={k} periodic {wrap} n={n} h={h} row {row}: {g} vs {want}"
                        );
                    }
                }
            }
        }
    }
}

/// Periodic rows read the central window at offsets `−h..=h`, modulo `n`,
/// with the interior weights of the one-sided scheme.
#[test]
fn periodic_stencils_are_the_central_stencil_wrapped() {
    for (d, k) in all_dk() {
        let one = scheme(d, k);
        let reach = one.reach();
        assert_eq!(2 * reach + 1, central_width(d, k));
        let long = 4 * one.min_len();
        let central = one.stencil(2 * reach, long).unwrap();
        let per = periodic(one, None);
        for n in [per.min_len(), per.min_len() + 2, 3 * per.min_len()] {
            for row in 0..n {
                let st = per.stencil(row, n).unwrap();
                assert_eq!(
                    st.numerators, central.numerators,
                    "d={d} k={k} n={n} row {row}"
                );
                assert_eq!(st.denominator, central.denominator);
                let want: Vec<usize> = central
                    .samples
                    .iter()
                    .map(|&j| (row + n + j - 2 * reach) % n)
                    .collect();
                assert_eq!(st.samples, want, "d={d} k={k} n={n} row {row}");
            }
        }
    }
}

// ------------------------------------------------- 3. bit equivalences

/// The data of one test, in every element type.
struct Typed {
    f64s: Array1<f64>,
    f32s: Array1<f32>,
    f16s: Array1<f16>,
    i32s: Array1<i32>,
    c64s: Array1<Complex<f64>>,
    c32s: Array1<Complex<f32>>,
}

impl Typed {
    fn new(n: usize, seed: usize) -> Self {
        let a = wavy(n, seed);
        let b = wavy(n, seed + 1);
        Typed {
            f64s: Array1::from(a.clone()),
            f32s: a.iter().map(|&v| v as f32).collect(),
            f16s: a.iter().map(|&v| f16::from_f64(v)).collect(),
            i32s: a.iter().map(|&v| (v * 100.0) as i32).collect(),
            c64s: a
                .iter()
                .zip(&b)
                .map(|(&r, &i)| Complex::new(r, i))
                .collect(),
            c32s: a
                .iter()
                .zip(&b)
                .map(|(&r, &i)| Complex::new(r as f32, i as f32))
                .collect(),
        }
    }

    /// Schemes `a` and `b` give the same bits on each element type.
    fn same_bits(&self, spacing: Spacing<'_>, a: Scheme, b: Scheme) {
        same_pair(&self.f64s, spacing, a, b, "f64");
        same_pair(&self.f32s, spacing, a, b, "f32");
        same_pair(&self.f16s, spacing, a, b, "f16");
        same_pair(&self.i32s, spacing, a, b, "i32");
        same_pair(&self.c64s, spacing, a, b, "c128");
        same_pair(&self.c32s, spacing, a, b, "c64");
    }
}

/// Schemes `a` and `b` give the same bits on `f`.
#[track_caller]
fn same_pair<I: Element>(f: &Array1<I>, spacing: Spacing<'_>, a: Scheme, b: Scheme, ctx: &str)
where
    I::Output: Bits,
{
    let ga = gradient_axis(f, Axis(0), spacing, a).unwrap();
    let gb = gradient_axis(f, Axis(0), spacing, b).unwrap();
    assert_bits(
        &flat(&ga),
        &flat(&gb),
        &format!("{ctx}: {a} vs {b}, {spacing:?}"),
    );
}

/// Coordinate arrays of length `n`, equally and unequally spaced, in three types.
struct Grids {
    f64_eq: Array1<f64>,
    f64_un: Array1<f64>,
    f32_eq: Array1<f32>,
    f32_un: Array1<f32>,
    i64_eq: Array1<i64>,
    i64_un: Array1<i64>,
}

impl Grids {
    fn new(n: usize) -> Self {
        let un = nonuniform_x(n).mapv(|v| v * 0.7 - 1.3);
        Grids {
            f64_eq: Array1::from_iter((0..n).map(|i| 0.3 * i as f64 - 1.0)),
            f32_un: un.mapv(|v| v as f32),
            f64_un: un,
            f32_eq: Array1::from_iter((0..n).map(|i| 0.25 * i as f32 + 3.0)),
            i64_eq: Array1::from_iter((0..n as i64).map(|i| 3 * i - 7)),
            i64_un: Array1::from_iter((0..n as i64).map(|i| i * i + 2 * i)),
        }
    }

    /// Steps (weak and strong, several types) and every coordinate array,
    /// collapsing and not.
    fn spacings(&self) -> Vec<Spacing<'_>> {
        let mut v = vec![
            Spacing::Unit,
            Spacing::uniform(0.3),
            Spacing::uniform_weak(0.3),
            Spacing::uniform(0.3f32),
            Spacing::uniform_weak(0.3f32),
            Spacing::uniform(f16::from_f64(0.3)),
            Spacing::uniform(3i32),
            Spacing::uniform_weak(2i64),
            Spacing::uniform(3u8),
        ];
        for c in [
            Spacing::coordinates(&self.f64_eq),
            Spacing::coordinates(&self.f64_un),
            Spacing::coordinates(&self.f32_eq),
            Spacing::coordinates(&self.f32_un),
            Spacing::coordinates(&self.i64_eq),
            Spacing::coordinates(&self.i64_un),
            Spacing::non_uniform(&self.f64_eq),
            Spacing::non_uniform(&self.f32_un),
        ] {
            v.push(c);
        }
        v
    }
}

/// `Scheme::new(1, 2)` is NumPy's `edge_order=2`, bit for bit, for every
/// element type and every kind of spacing.
#[test]
fn first_derivative_second_order_is_numpy_edge_order_2() {
    let new12 = scheme(1, 2);
    assert_eq!(new12.min_len(), 3);
    for n in [3, 4, 7, 20] {
        let grids = Grids::new(n);
        let typed = Typed::new(n, n);
        for spacing in grids.spacings() {
            typed.same_bits(spacing, new12, EdgeOrder::Second.into());
        }
    }
}

/// `[f[n-1], f..., f[0]]`.
fn wrap_pad<T: Copy>(f: &Array1<T>) -> Array1<T> {
    let n = f.len();
    std::iter::once(f[n - 1])
        .chain(f.iter().copied())
        .chain(std::iter::once(f[0]))
        .collect()
}

/// Periodic NumPy's gradient, and `Scheme::new(1, 2)` periodic, equal NumPy's
/// gradient of the wrap-padded array (ndgrad's NumPy path, `EdgeOrder::First`
/// on `[f[n-1], f…, f[0]]` with coordinates `[x[n-1]−p, x…, x[0]+p]`
/// computed in the coordinates' type), trimmed.
#[track_caller]
fn periodic_is_padded<I: Element>(
    f: &Array1<I>,
    spacing: Spacing<'_>,
    padded_spacing: Spacing<'_>,
    period: Option<f64>,
    ctx: &str,
) where
    I::Output: Bits,
{
    let n = f.len();
    let padded = gradient_axis(&wrap_pad(f), Axis(0), padded_spacing, EdgeOrder::First).unwrap();
    let want = flat(&padded.slice(ndarray::s![1..=n]));
    for s in [
        Scheme::numpy(EdgeOrder::First),
        Scheme::numpy(EdgeOrder::Second),
        scheme(1, 2),
    ] {
        let s = periodic(s, period);
        let got = gradient_axis(f, Axis(0), spacing, s).unwrap();
        assert_bits(
            &flat(&got),
            &want,
            &format!("{ctx}: {s}, {spacing:?}, period {period:?}"),
        );
    }
}

fn pad_f64(x: &Array1<f64>, p: f64) -> Array1<f64> {
    let n = x.len();
    let mut v = vec![x[n - 1] - p];
    v.extend(x.iter().copied());
    v.push(x[0] + p);
    Array1::from(v)
}

fn pad_f32(x: &Array1<f32>, p: f64) -> Array1<f32> {
    let (n, p) = (x.len(), p as f32);
    let mut v = vec![x[n - 1] - p];
    v.extend(x.iter().copied());
    v.push(x[0] + p);
    Array1::from(v)
}

/// Every spacing of a periodic axis of `n` samples, with its padded twin.
fn periodic_cases_for<I: Element>(f: &Array1<I>, ctx: &str)
where
    I::Output: Bits,
{
    let n = f.len();
    let g = Grids::new(n);
    for sp in [
        Spacing::Unit,
        Spacing::uniform(0.3),
        Spacing::uniform_weak(0.3),
        Spacing::uniform(0.3f32),
        Spacing::uniform_weak(2i32),
    ] {
        periodic_is_padded(f, sp, sp, None, ctx);
    }
    let span = |x: &Array1<f64>| x[n - 1] - x[0];
    // Equally spaced, period n·step: the padded array collapses too.
    let p_eq = 0.3 * n as f64;
    let (x_eq, x_un) = (&g.f64_eq, &g.f64_un);
    for (x, p) in [
        (x_eq, p_eq),
        (x_eq, span(x_eq) + 0.1),
        (x_un, span(x_un) + 0.7),
    ] {
        let xp = pad_f64(x, p);
        periodic_is_padded(
            f,
            Spacing::coordinates(x),
            Spacing::coordinates(&xp),
            Some(p),
            ctx,
        );
        periodic_is_padded(
            f,
            Spacing::non_uniform(x),
            Spacing::non_uniform(&xp),
            Some(p),
            ctx,
        );
    }
    let span32 = |x: &Array1<f32>| f64::from(x[n - 1] - x[0]);
    let (y_eq, y_un) = (&g.f32_eq, &g.f32_un);
    for (x, p) in [
        (y_eq, 0.25 * n as f64),
        (y_eq, span32(y_eq) + 0.1),
        (y_un, span32(y_un) + 0.7),
    ] {
        let xp = pad_f32(x, p);
        periodic_is_padded(
            f,
            Spacing::coordinates(x),
            Spacing::coordinates(&xp),
            Some(p),
            ctx,
        );
    }
    let (z_eq, z_un) = (&g.i64_eq, &g.i64_un);
    for (x, p) in [
        (z_eq, 3.0 * n as f64),
        (z_un, (z_un[n - 1] - z_un[0]) as f64 + 2.5),
    ] {
        let xp = pad_f64(&x.mapv(|v| v as f64), p);
        periodic_is_padded(
            f,
            Spacing::coordinates(x),
            Spacing::coordinates(&xp),
            Some(p),
            ctx,
        );
    }
}

#[test]
fn periodic_numpy_schemes_are_numpy_on_the_wrap_padded_array() {
    for n in [3, 4, 5, 9, 20] {
        let t = Typed::new(n, 3 * n);
        periodic_cases_for(&t.f64s, "f64");
        periodic_cases_for(&t.f32s, "f32");
        periodic_cases_for(&t.f16s, "f16");
        periodic_cases_for(&t.i32s, "i32");
        periodic_cases_for(&t.c64s, "c128");
        periodic_cases_for(&t.c32s, "c64");
    }
}

// ------------------------------------------------------------ 4. layouts

/// Data with a distinct value at every index.
fn fill(i: &IxDyn) -> f64 {
    let h = i
        .slice()
        .iter()
        .fold(17usize, |a, &v| a.wrapping_mul(31).wrapping_add(v * 7 + 3));
    ((h % 1009) as f64 * 0.731).sin() * 50.0
}

/// Owned arrays the views of [`layouts`] borrow from.
struct Bases {
    c: ArrayD<f64>,
    f: ArrayD<f64>,
    permuted: ArrayD<f64>,
    big: ArrayD<f64>,
}

impl Bases {
    fn new(shape: &[usize]) -> Self {
        let c = ArrayD::from_shape_fn(IxDyn(shape), |i| fill(&i));
        let mut f = ArrayD::zeros(IxDyn(shape).f());
        f.assign(&c);
        // Stored with its axes rotated, viewed back in `shape`.
        let nd = shape.len();
        let rotated: Vec<usize> = (0..nd).map(|k| shape[(k + nd - 1) % nd]).collect();
        let permuted = ArrayD::from_shape_fn(IxDyn(&rotated), |i| fill(&i));
        let doubled: Vec<usize> = shape.iter().map(|&s| 2 * s + 1).collect();
        let big = ArrayD::from_shape_fn(IxDyn(&doubled), |i| fill(&i));
        Bases {
            c,
            f,
            permuted,
            big,
        }
    }

    /// C and Fortran order, a transposed (axis-permuted) view, negative
    /// strides on the first and on every axis, step-sliced views (step 2 and
    /// −2), all of the same shape.
    fn layouts(&self) -> Vec<(&'static str, ArrayViewD<'_, f64>)> {
        let nd = self.c.ndim();
        let perm: Vec<usize> = (0..nd).map(|k| (k + 1) % nd).collect();
        let v = vec![
            ("C", self.c.view()),
            ("F", self.f.view()),
            ("permuted", self.permuted.view().permuted_axes(perm)),
            (
                "negative first",
                self.c.slice_axis(Axis(0), Slice::new(0, None, -1)),
            ),
            (
                "negative all",
                self.c.slice_each_axis(|_| Slice::new(0, None, -1)),
            ),
            (
                "step 2",
                self.big.slice_each_axis(|_| Slice::new(1, None, 2)),
            ),
            (
                "step -2",
                self.big.slice_each_axis(|_| Slice::new(1, None, -2)),
            ),
        ];
        for (name, a) in &v {
            assert_eq!(a.shape(), self.c.shape(), "{name}");
        }
        v
    }
}

/// The three schemes of the layout and thread tests, with the spacing each
/// uses along an axis of `n` samples (coordinates from `x`).
fn three_schemes(x: &Array1<f64>) -> [(Scheme, Spacing<'_>); 3] {
    [
        (scheme(1, 4), Spacing::uniform(0.3)),
        (periodic(scheme(2, 6), None), Spacing::uniform_weak(0.3)),
        (scheme(3, 4), Spacing::coordinates(x)),
    ]
}

/// Every lane of `out` along `axis` is the 1-D gradient of that lane of `f`.
#[track_caller]
fn lanes_match(
    f: &ArrayViewD<'_, f64>,
    out: &ArrayD<f64>,
    axis: usize,
    s: Scheme,
    sp: Spacing<'_>,
    ctx: &str,
) {
    for (k, (lane, o)) in f
        .lanes(Axis(axis))
        .into_iter()
        .zip(out.lanes(Axis(axis)))
        .enumerate()
    {
        let one = gradient_axis(&lane.to_owned(), Axis(0), sp, s).unwrap();
        assert_bits(&flat(&o), &flat(&one), &format!("{ctx}, lane {k}"));
    }
}

#[test]
fn every_layout_gives_the_one_dimensional_bits_lane_by_lane() {
    for shape in [
        &[13usize, 17][..],
        &[300, 7],
        &[7, 300],
        &[9, 12, 10],
        &[8, 1, 40],
    ] {
        let bases = Bases::new(shape);
        for (name, view) in bases.layouts() {
            for axis in 0..shape.len() {
                let n = shape[axis];
                if n == 1 {
                    continue;
                }
                let x = nonuniform_x(n);
                for (s, sp) in three_schemes(&x) {
                    let ctx = format!("{name} {shape:?} axis {axis} {s}");
                    let out = gradient_axis(&view, Axis(axis), sp, s).unwrap();
                    lanes_match(&view, &out, axis, s, sp, &ctx);
                    // Into an output of the other memory order.
                    let mut other = if out.is_standard_layout() {
                        ArrayD::from_elem(IxDyn(shape).f(), f64::NAN)
                    } else {
                        ArrayD::from_elem(IxDyn(shape), f64::NAN)
                    };
                    gradient_axis_into(&view, &mut other, Axis(axis), sp, s, Par::Seq).unwrap();
                    assert_bits(&flat(&other), &flat(&out), &format!("{ctx}, into"));
                }
            }
        }
    }
}

// ------------------------------------------------------------ 5. threads

#[cfg(feature = "rayon")]
#[test]
fn threads_give_the_serial_bits_one_axis_at_a_time() {
    // 67·45·53 = 159 795 > 2^17 elements, and a long 1-D axis.
    for shape in [&[67usize, 45, 53][..], &[140_001]] {
        let f = ArrayD::from_shape_fn(IxDyn(shape), |i| fill(&i));
        for axis in 0..shape.len() {
            let x = nonuniform_x(shape[axis]);
            for (s, sp) in three_schemes(&x) {
                let serial = gradient_axis(&f, Axis(axis), sp, s).unwrap();
                for tasks in 2..8 {
                    let mut out = ArrayD::from_elem(IxDyn(shape), f64::NAN);
                    gradient_axis_into(&f, &mut out, Axis(axis), sp, s, Par::rayon(tasks)).unwrap();
                    let ctx = format!("{shape:?} axis {axis} {s}, {tasks} tasks");
                    assert_bits(&flat(&out), &flat(&serial), &ctx);
                }
            }
        }
    }
}

#[cfg(feature = "rayon")]
#[test]
fn threads_give_the_serial_bits_all_axes_at_once() {
    let shape = [53usize, 67, 45];
    let f = ArrayD::from_shape_fn(IxDyn(&shape), |i| fill(&i));
    let x = nonuniform_x(shape[2]);
    let [a, b, c] = three_schemes(&x);
    // Axes in a shuffled order, one scheme and spacing each.
    let axes = [Axis(1), Axis(0), Axis(2)];
    let per = [a, b, c];
    let opts = Options::new()
        .axes(axes)
        .scheme_per_axis(per.map(|p| p.0))
        .spacing_per_axis(per.map(|p| p.1));
    let serial = gradient_with(&f, &opts).unwrap();
    for ((axis, (s, sp)), g) in axes.iter().zip(per).zip(&serial) {
        let single = gradient_axis(&f, *axis, sp, s).unwrap();
        assert_bits(&flat(g), &flat(&single), &format!("fused {axis:?} {s}"));
    }
    for tasks in 2..8 {
        let par = gradient_with(&f, &opts.clone().par(Par::rayon(tasks))).unwrap();
        for (k, (p, s)) in par.iter().zip(&serial).enumerate() {
            assert_bits(&flat(p), &flat(s), &format!("output {k}, {tasks} tasks"));
        }
        let mut outs: Vec<ArrayD<f64>> = (0..3)
            .map(|_| ArrayD::from_elem(IxDyn(&shape).f(), f64::NAN))
            .collect();
        gradient_with_into(&f, &mut outs, &opts.clone().par(Par::rayon(tasks))).unwrap();
        for (k, (p, s)) in outs.iter().zip(&serial).enumerate() {
            assert_bits(
                &flat(p),
                &flat(s),
                &format!("into output {k}, {tasks} tasks"),
            );
        }
    }
}

// ------------------------------------------------------------- 6. errors

const SENTINEL: f64 = 12345.5;

/// The error of `gradient_axis_into` into a sentinel-filled buffer, which
/// must come back untouched; `gradient_axis` must report the same error.
#[track_caller]
fn error_of<D: Dimension>(
    f: &Array<f64, D>,
    axis: usize,
    sp: Spacing<'_>,
    s: Scheme,
) -> GradientError {
    let mut out = Array::from_elem(f.raw_dim(), SENTINEL);
    let Err(err) = gradient_axis_into(f, &mut out, Axis(axis), sp, s, Par::Seq) else {
        panic!("{s}, {sp:?}: no error");
    };
    assert!(
        out.iter().all(|v| v.to_bits() == SENTINEL.to_bits()),
        "{err}: output written"
    );
    let again = gradient_axis(f, Axis(axis), sp, s).unwrap_err();
    assert_eq!(format!("{again:?}"), format!("{err:?}"));
    err
}

#[test]
fn axes_shorter_than_the_scheme_are_reported_with_the_length_needed() {
    for (d, k) in all_dk() {
        let one = scheme(d, k);
        let x_len = |n: usize| Array1::from_iter((0..n).map(|i| (i * i + i) as f64));
        for (s, needed) in [
            (one, usize::from(k + d)),
            (periodic(one, None), central_width(d, k)),
            (periodic(one, Some(1e6)), central_width(d, k)),
        ] {
            assert_eq!(s.min_len(), needed, "{s}");
            let coords = s.boundary() == Boundary::Periodic { period: Some(1e6) };
            for n in [needed - 1, needed] {
                let x = x_len(n);
                let sp = if coords {
                    Spacing::coordinates(&x)
                } else {
                    Spacing::Unit
                };
                // Along axis 1 of a 2-D array: the error names the axis.
                let f = Array::from_shape_fn((3, n), |(i, j)| (i * 10 + j * j) as f64);
                if n == needed {
                    gradient_axis(&f, Axis(1), sp, s).unwrap();
                    continue;
                }
                let err = error_of(&f, 1, sp, s);
                assert_eq!(
                    err,
                    GradientError::AxisTooShort {
                        axis: 1,
                        len: n,
                        scheme: s,
                        needed
                    }
                );
                let msg = err.to_string();
                assert!(msg.contains(&format!("at least {needed}")), "{msg}");
                assert!(msg.contains(&format!("{n} samples")), "{msg}");
            }
        }
    }
}

#[test]
fn invalid_orders_are_rejected() {
    for d in [0u8, 5, 9, 255] {
        assert_eq!(
            Scheme::new(d, 2),
            Err(GradientError::InvalidDerivative { got: i64::from(d) })
        );
    }
    for k in [0u8, 1, 3, 5, 7, 9, 10, 12] {
        assert_eq!(
            Scheme::new(1, k),
            Err(GradientError::InvalidAccuracy { got: i64::from(k) })
        );
    }
    // The derivative is checked first.
    assert_eq!(
        Scheme::new(0, 3),
        Err(GradientError::InvalidDerivative { got: 0 })
    );
    let msg = Scheme::new(7, 2).unwrap_err().to_string();
    assert!(msg.contains('7'), "{msg}");
}

#[test]
fn periods_must_match_the_spacing() {
    let f = Array1::from_iter((0..9).map(f64::from));
    let x = Array1::from(vec![0.0, 1.0, 3.0, 4.0, 6.0, 7.0, 9.0, 10.0, 12.0]);
    let s = scheme(1, 4);
    for sp in [
        Spacing::Unit,
        Spacing::uniform(0.5),
        Spacing::uniform_weak(2),
    ] {
        assert_eq!(
            error_of(&f, 0, sp, periodic(s, Some(20.0))),
            GradientError::PeriodForStep {
                axis: 0,
                period: 20.0
            }
        );
    }
    for s in [s, Scheme::numpy(EdgeOrder::First), scheme(2, 2)] {
        assert_eq!(
            error_of(&f, 0, Spacing::coordinates(&x), periodic(s, None)),
            GradientError::PeriodMissing { axis: 0 }
        );
        // Periods not greater than the span (12), negative, zero, NaN, infinite.
        for p in [12.0, 11.0, 0.0, -1.0, -20.0, f64::NAN, f64::INFINITY] {
            let err = error_of(&f, 0, Spacing::coordinates(&x), periodic(s, Some(p)));
            assert!(
                matches!(err, GradientError::InvalidPeriod { axis: 0, period, span }
                    if period.to_bits() == p.to_bits() && span == 12.0),
                "{s}, period {p}: {err:?}"
            );
        }
        gradient_axis(
            &f,
            Axis(0),
            Spacing::coordinates(&x),
            periodic(s, Some(12.5)),
        )
        .unwrap();
    }
}

/// Coordinates the higher-order schemes cannot use, and the index each
/// error names: NumPy's scheme accepts all of them.
#[test]
fn bad_coordinates_are_rejected_by_new_schemes_only() {
    let nan = f64::NAN;
    let cases: [(&[f64], usize); 7] = [
        (&[0.0, 1.0, 2.0, 2.0, 3.0, 5.0, 6.0], 3), // repeated
        (&[0.0, 0.0, 2.0, 3.0, 4.0, 5.0, 6.0], 1), // repeated first
        (&[0.0, 1.0, 2.0, nan, 4.0, 5.0, 6.0], 3), // NaN
        (&[0.0, 1.0, 3.0, 2.0, 4.0, 5.0, 6.0], 3), // non-monotonic
        (&[9.0, 8.0, 6.0, 7.0, 4.0, 3.0, 1.0], 3), // non-monotonic, decreasing
        (&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, f64::INFINITY], 6), // infinite
        (&[2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], 1), // all equal
    ];
    let f = Array1::from_iter((0..7).map(|i| f64::from(i * i)));
    for (x, index) in cases {
        let x = Array1::from(x.to_vec());
        for sp in [Spacing::coordinates(&x), Spacing::non_uniform(&x)] {
            for s in [
                scheme(1, 2),
                scheme(1, 4),
                scheme(2, 2),
                scheme(3, 2),
                scheme(1, 6),
            ] {
                let err = error_of(&f, 0, sp, s);
                assert!(
                    matches!(err, GradientError::BadCoordinates { axis: 0, scheme, index: i, value }
                        if scheme == s && i == index && value.to_bits() == x[index].to_bits()),
                    "{x} {s}: {err:?}"
                );
            }
            for edge in [EdgeOrder::First, EdgeOrder::Second] {
                gradient_axis(&f, Axis(0), sp, edge).unwrap();
            }
        }
    }
}

/// A periodic axis needs finite, strictly increasing coordinates under
/// every scheme, NumPy's formulas included: the samples beyond the ends sit
/// at `x[j] ± period`, which orders them only when `x` increases. Decreasing
/// coordinates were once accepted by NumPy's periodic scheme, with wrong
/// seam rows and no check of the period against the span.
#[test]
fn periodic_axes_need_increasing_coordinates_under_every_scheme() {
    let f = Array1::from_iter((0..7).map(|i| f64::from(i * i)));
    let schemes = [
        Scheme::numpy(EdgeOrder::First),
        Scheme::numpy(EdgeOrder::Second),
        scheme(1, 2),
        scheme(1, 4),
        scheme(2, 2),
    ];
    let nan = f64::NAN;
    let cases: [(&[f64], usize, f64); 5] = [
        (&[6.0, 5.0, 4.0, 2.0, 1.0, 0.0, -1.0], 1, 8.0), // decreasing
        (&[6.0, 5.0, 4.0, 2.0, 1.0, 0.0, -1.0], 1, 2.0), // and a period shorter than the span
        (&[6.0, 5.0, 4.0, 2.0, 1.0, 0.0, -1.0], 1, -8.0), // and a negative period
        (&[0.0, 1.0, 2.0, 2.0, 3.0, 5.0, 6.0], 3, 8.0),  // repeated
        (&[0.0, 1.0, 2.0, nan, 4.0, 5.0, 6.0], 3, 8.0),  // NaN
    ];
    for (x, index, p) in cases {
        let x = Array1::from(x.to_vec());
        for s in schemes {
            for sp in [Spacing::coordinates(&x), Spacing::non_uniform(&x)] {
                let err = error_of(&f, 0, sp, periodic(s, Some(p)));
                assert!(
                    matches!(err, GradientError::PeriodicCoordinates { axis: 0, index: i, value }
                        if i == index && value.to_bits() == x[index].to_bits()),
                    "{x} {s} period {p}: {err:?}"
                );
                assert!(
                    err.to_string()
                        .contains("must be finite and strictly increasing"),
                    "{err}"
                );
            }
        }
    }
}

/// A zero or non-finite step is refused by the schemes of `Scheme::new`;
/// NumPy's formulas keep NumPy's infinities and NaNs.
#[test]
fn new_schemes_refuse_zero_and_non_finite_steps() {
    let f = Array1::from_iter((0..13).map(|i| f64::from(i * i)));
    for h in [0.0, -0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for sp in [Spacing::uniform(h), Spacing::uniform_weak(h)] {
            for s in [scheme(1, 2), scheme(1, 4), scheme(2, 2), scheme(4, 8)] {
                for s in [s, periodic(s, None)] {
                    let err = error_of(&f, 0, sp, s);
                    assert!(
                        matches!(err, GradientError::InvalidStep { axis: 0, scheme, step }
                            if scheme == s && step.to_bits() == h.to_bits()),
                        "{s}, step {h}: {err:?}"
                    );
                    assert!(err.to_string().contains("finite and nonzero"), "{err}");
                }
            }
            for edge in [EdgeOrder::First, EdgeOrder::Second] {
                gradient_axis(&f, Axis(0), sp, edge).unwrap();
            }
        }
    }
    // Integer steps too.
    let err = error_of(&f, 0, Spacing::uniform(0i32), scheme(2, 4));
    assert!(
        matches!(err, GradientError::InvalidStep { step, .. } if step == 0.0),
        "{err:?}"
    );
}

#[test]
fn scheme_counts_must_match_the_axes_and_nothing_is_written() {
    let f = Array::from_shape_fn((8, 9), |(i, j)| (i * j) as f64);
    let s = scheme(1, 4);
    for (axes, schemes, expected) in [
        (vec![], vec![s], 2),
        (vec![], vec![s, s, s], 2),
        (vec![Axis(1)], vec![s, s], 1),
    ] {
        let mut opts = Options::new().scheme_per_axis(schemes.clone());
        if !axes.is_empty() {
            opts = opts.axes(axes);
        }
        assert_eq!(
            gradient_with(&f, &opts).unwrap_err(),
            GradientError::SchemeCount {
                got: schemes.len(),
                axes: expected
            }
        );
        let mut outs: Vec<_> = (0..expected)
            .map(|_| Array::from_elem((8, 9), SENTINEL))
            .collect();
        assert!(gradient_with_into(&f, &mut outs, &opts).is_err());
        assert!(
            outs.iter()
                .flatten()
                .all(|v| v.to_bits() == SENTINEL.to_bits())
        );
    }
    // A bad scheme on the last axis: nothing is written on the first either.
    let opts = Options::new().scheme_per_axis([s, periodic(scheme(4, 8), None)]);
    let mut outs: Vec<_> = (0..2).map(|_| Array::from_elem((8, 9), SENTINEL)).collect();
    let err = gradient_with_into(&f, &mut outs, &opts).unwrap_err();
    assert!(
        matches!(
            err,
            GradientError::AxisTooShort {
                axis: 1,
                needed: 11,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        outs.iter()
            .flatten()
            .all(|v| v.to_bits() == SENTINEL.to_bits())
    );
}

// -------------------------------------------------------------- 7. dtypes

/// The schemes of the precision tests: one-sided and periodic, several d, k.
fn precision_schemes() -> Vec<Scheme> {
    let mut v: Vec<Scheme> = [(1, 4), (2, 2), (2, 8), (3, 6), (4, 4)]
        .iter()
        .map(|&(d, k)| scheme(d, k))
        .collect();
    v.extend([periodic(scheme(1, 6), None), periodic(scheme(4, 2), None)]);
    v
}

/// Unit in the last place of `f16` at `|v|` (subnormals: 2^-24).
fn ulp16(v: f64) -> f64 {
    let v = v.abs();
    if v < 2f64.powi(-14) {
        2f64.powi(-24)
    } else {
        2f64.powi(v.log2().floor() as i32 - 10)
    }
}

/// f32 and f16 data keep their type. With a weak step (the data's
/// precision) f32 results are within `16·2^-24·Σ|w_j f_j|` of the f64 result
/// on the same values, and f16 results (accumulated in f32, rounded once)
/// within 2 f16 ulps plus that; with a strong f64 step they are the f64
/// result rounded once: exactly for f32, to nearest for f16.
#[test]
fn single_and_half_precision_data() {
    let n = 23;
    // Values within ±1 so that no f16 result overflows.
    let a: Vec<f64> = wavy(n, 5).iter().map(|v| v / 16.0).collect();
    let f32s: Array1<f32> = a.iter().map(|&v| v as f32).collect();
    let f16s: Array1<f16> = a.iter().map(|&v| f16::from_f64(v)).collect();
    for s in precision_schemes() {
        for (h, weak) in [(1.0, true), (0.3, true), (0.3, false), (0.75, false)] {
            let (sp, sp64) = if weak {
                (Spacing::uniform_weak(h), Spacing::uniform_weak(h))
            } else {
                (Spacing::uniform(h), Spacing::uniform(h))
            };
            let w = weight_matrix(n, sp64, s);
            let g32: Array1<f32> = gradient_axis(&f32s, Axis(0), sp, s).unwrap();
            let v32: Vec<f64> = f32s.iter().map(|&v| f64::from(v)).collect();
            let r32 = gradient_axis(&Array1::from(v32.clone()), Axis(0), sp64, s).unwrap();
            let g16: Array1<f16> = gradient_axis(&f16s, Axis(0), sp, s).unwrap();
            let v16: Vec<f64> = f16s.iter().map(|&v| v.to_f64()).collect();
            let r16 = gradient_axis(&Array1::from(v16.clone()), Axis(0), sp64, s).unwrap();
            for i in 0..n {
                let ctx = format!("{s}, h {h} weak {weak}, row {i}");
                let (got, want) = (f64::from(g32[i]), r32[i]);
                let (got16, want16) = (g16[i].to_f64(), r16[i]);
                if weak {
                    let tol = 16.0 * 2f64.powi(-24) * matrix_scale(&w, i, &v32);
                    assert!(
                        (got - want).abs() <= tol,
                        "f32 {ctx}: {got} vs {want} (tol {tol})"
                    );
                    let tol =
                        2.0 * ulp16(want16) + 16.0 * 2f64.powi(-24) * matrix_scale(&w, i, &v16);
                    assert!(
                        (got16 - want16).abs() <= tol,
                        "f16 {ctx}: {got16} vs {want16}"
                    );
                } else {
                    assert_eq!(g32[i].to_bits(), (want as f32).to_bits(), "f32 {ctx}");
                    let half_ulp = 0.5 * ulp16(got16.abs().min(want16.abs()));
                    assert!(
                        (got16 - want16).abs() <= half_ulp,
                        "f16 {ctx}: {got16} vs {want16}"
                    );
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Integer data give `f64`, bit for bit the result on the data converted
    /// to `f64` (extreme values included), for every kind of spacing.
    #[test]
    fn integer_data_equal_their_f64_conversion(
        v in prop::collection::vec(any::<i64>(), 12..30),
        pick in 0usize..7,
        small in any::<bool>(),
    ) {
        let s = precision_schemes()[pick];
        let n = v.len();
        let ints = Array1::from(v.iter().map(|&x| if small { x % 1000 } else { x }).collect::<Vec<_>>());
        let floats = ints.mapv(|x| x as f64);
        let xs = nonuniform_x(n);
        let xi = Array1::from_iter((0..n as i64).map(|i| i * i + 3 * i));
        let coords = [Spacing::coordinates(&xs), Spacing::coordinates(&xi)];
        let steps = [Spacing::Unit, Spacing::uniform(0.3), Spacing::uniform_weak(3), Spacing::uniform(0.3f32)];
        let period = s.boundary().is_periodic();
        let spacings: Vec<Spacing<'_>> = if period { steps.to_vec() } else { steps.iter().chain(&coords).copied().collect() };
        for sp in spacings {
            let want = flat(&gradient_axis(&floats, Axis(0), sp, s).unwrap());
            let i64s = gradient_axis(&ints, Axis(0), sp, s).unwrap();
            assert_bits(&flat(&i64s), &want, &format!("i64 {s} {sp:?}"));
            if small {
                let i16s = ints.mapv(|x| x as i16);
                assert_bits(&flat(&gradient_axis(&i16s, Axis(0), sp, s).unwrap()), &want, "i16");
                let u8s = ints.mapv(|x| (x + 1000) as u16);
                let w8 = flat(&gradient_axis(&u8s.mapv(f64::from), Axis(0), sp, s).unwrap());
                assert_bits(&flat(&gradient_axis(&u8s, Axis(0), sp, s).unwrap()), &w8, "u16");
            } else {
                let u64s = ints.mapv(|x| x as u64);
                let w64 = flat(&gradient_axis(&u64s.mapv(|x| x as f64), Axis(0), sp, s).unwrap());
                assert_bits(&flat(&gradient_axis(&u64s, Axis(0), sp, s).unwrap()), &w64, "u64");
            }
        }
    }
}

/// Complex data stay complex, and with real weights the real and imaginary
/// parts are differentiated independently: exactly (`==`, so the sign of a
/// zero does not matter) with coordinates, where the weights multiply; with
/// a step, the one division by `den·h^d` is NumPy's complex division
/// (Smith's: a multiply by the reciprocal), within 2 ulps of the real one.
#[test]
fn complex_data_are_differentiated_componentwise() {
    let n = 19;
    let (re, im) = (wavy(n, 1), wavy(n, 2));
    let z: Array1<Complex<f64>> = re
        .iter()
        .zip(&im)
        .map(|(&r, &i)| Complex::new(r, i))
        .collect();
    let z32: Array1<Complex<f32>> = z.mapv(|c| Complex::new(c.re as f32, c.im as f32));
    let x = nonuniform_x(n);
    let close = |a: f64, b: f64, eps: f64, exact: bool| {
        if exact {
            a == b
        } else {
            (a - b).abs() <= 2.0 * eps * b.abs()
        }
    };
    for s in precision_schemes() {
        for sp in [Spacing::uniform(0.3), Spacing::coordinates(&x)] {
            let exact = matches!(sp, Spacing::Coordinates(_));
            if exact && s.boundary().is_periodic() {
                continue;
            }
            let g = gradient_axis(&z, Axis(0), sp, s).unwrap();
            let gr = gradient_axis(&Array1::from(re.clone()), Axis(0), sp, s).unwrap();
            let gi = gradient_axis(&Array1::from(im.clone()), Axis(0), sp, s).unwrap();
            for k in 0..n {
                assert!(
                    close(g[k].re, gr[k], f64::EPSILON, exact)
                        && close(g[k].im, gi[k], f64::EPSILON, exact),
                    "{s} {sp:?} row {k}: {} vs {} {}",
                    g[k],
                    gr[k],
                    gi[k]
                );
            }
            let g32 = gradient_axis(&z32, Axis(0), sp, s).unwrap();
            let r32 = gradient_axis(&z32.mapv(|c| c.re), Axis(0), sp, s).unwrap();
            let i32_ = gradient_axis(&z32.mapv(|c| c.im), Axis(0), sp, s).unwrap();
            let eps = f64::from(f32::EPSILON);
            for k in 0..n {
                let (a, b) = (g32[k], (f64::from(r32[k]), f64::from(i32_[k])));
                assert!(
                    close(f64::from(a.re), b.0, eps, exact)
                        && close(f64::from(a.im), b.1, eps, exact),
                    "c64 {s} {sp:?} row {k}: {a} vs {b:?}"
                );
            }
        }
    }
}
