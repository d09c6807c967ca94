//! NumPy's `gradient`, in Rust, bit for bit.
//!
//! `ndgrad` differentiates sampled data on regular or irregular grids: for
//! every axis of an N-dimensional [`ndarray`] array, second-order central
//! differences inside and first- or second-order one-sided differences at
//! the ends. For every input NumPy accepts as numbers, it returns the same
//! bits as `numpy.gradient` (NumPy 2.x), on any memory layout, without
//! copying the input.
//!
//! # First example
//!
//! ```
//! use ndgrad::ndarray::array;
//!
//! let f = array![1.0, 2.0, 4.0, 7.0, 11.0, 16.0];
//! let g = ndgrad::gradient(&f)?; // one array per axis
//! assert_eq!(g[0], array![1.0, 1.5, 2.5, 3.5, 4.5, 5.0]);
//! # Ok::<(), ndgrad::GradientError>(())
//! ```
//!
//! # The four calls
//!
//! | call | NumPy |
//! | --- | --- |
//! | [`gradient(&f)`](gradient) | `np.gradient(f)` |
//! | [`gradient_with(&f, &opts)`](gradient_with) | `np.gradient(f, *varargs, axis=…, edge_order=…)` |
//! | [`gradient_axis(&f, axis, spacing, edge)`](gradient_axis) | `np.gradient(f, spacing, axis=axis, edge_order=edge)` |
//! | [`gradient_axis_into(&f, &mut out, …)`](gradient_axis_into) | the same, into an existing array |
//!
//! and, beyond NumPy, the fused [`magnitude`], [`laplacian`], [`divergence`]
//! and [`curl`] (see [Vector calculus in one pass](#vector-calculus-in-one-pass)),
//! and [`chain`]: passes along axes applied in sequence (a mixed partial,
//! or `np.gradient(np.gradient(f, axis=i), axis=j)` bit for bit) without
//! a temporary of the array's size.
//!
//! Each allocating call has an `_into` twin writing into caller-owned
//! arrays of any layout. Inputs are `&ArrayRef`, so owned arrays, views
//! (transposed, step-sliced, negative strides, broadcast) and shared arrays
//! are all passed as `&a`.
//!
//! # What is computed
//!
//! With a uniform step `h` along the axis:
//!
//! ```text
//! interior      out[i]  = (f[i+1] - f[i-1]) / (2 h)
//! edge order 1  out[0]  = (f[1] - f[0]) / h            out[n-1] = (f[n-1] - f[n-2]) / h
//! edge order 2  out[0]  = (-1.5/h) f[0] + (2/h) f[1] + (-0.5/h) f[2]
//!               out[n-1] = (0.5/h) f[n-3] + (-2/h) f[n-2] + (1.5/h) f[n-1]
//! ```
//!
//! With coordinates `x` and `dx1 = x[i] - x[i-1]`, `dx2 = x[i+1] - x[i]`:
//!
//! ```text
//! out[i] = -dx2/(dx1 (dx1+dx2)) f[i-1] + (dx2-dx1)/(dx1 dx2) f[i] + dx1/(dx2 (dx1+dx2)) f[i+1]
//! ```
//!
//! and the corresponding one-sided formulas at the ends. Both are exact for
//! quadratics (with [`EdgeOrder::Second`] at the ends too). Each formula is
//! evaluated exactly as NumPy writes it: a true division where NumPy
//! divides, no fused multiply-add, the same association. An axis needs at
//! least [`EdgeOrder::min_len`] samples.
//!
//! # Beyond NumPy: higher orders, higher derivatives, periodic axes
//!
//! A [`Scheme`] says what is computed along an axis. [`Scheme::numpy`] is
//! NumPy's gradient with an [`EdgeOrder`] (the default);
//! [`Scheme::new(d, k)`](Scheme::new) is the derivative of order
//! `d ∈ 1..=4` at accuracy order `k ∈ {2, 4, 6, 8}`; either can have a
//! periodic [`Boundary`]. Along an axis of `n` samples:
//!
//! ```text
//! interior        rows h ≤ i ≤ n-1-h:  the central window of w_c = 2⌊(d+1)/2⌋ - 1 + k samples,
//!                 i-h ..= i+h, with half-width h = (w_c - 1)/2 (Scheme::reach)
//! one-sided ends  rows i < h:          samples 0 .. k+d      (one window pinned to the end)
//!                 rows i > n-1-h:      samples n-k-d .. n
//! periodic        every row:           the central window, indices modulo n; with coordinates
//!                                      x[j] - period left of x[0], x[j] + period right of x[n-1]
//! padded          every row:           the central window over the axis padded as scipy.ndimage
//!                                      pads it (Boundary::Reflect, Mirror, Nearest, Constant;
//!                                      a constant step only; any n ≥ 1)
//! weights         out[i] = Σ_j w_j f[j], w the exact weights of the window's coordinates at x[i]
//!                 (Fornberg's algorithm, or at interior rows the same weights from the Lagrange
//!                 basis' closed form); with a step h: w_j = c_j / (den · h^d), c_j integers
//! ```
//!
//! For example `d = 1, k = 4` is `(f[i-2] - 8 f[i-1] + 8 f[i+1] - f[i+2]) / (12 h)`
//! inside and `(-25 f[0] + 48 f[1] - 36 f[2] + 16 f[3] - 3 f[4]) / (12 h)`
//! in rows 0 and 1 (each row with its own weights on the same window).
//! [`Scheme::stencil`] returns the samples and exact weights of any row.
//! A scheme is exact for polynomials of degree `k + d − 1` at every row.
//!
//! With a step the weights are applied as their integer numerators (at
//! most 66 844 596 in magnitude, for `d = 4, k = 8` at the ends;
//! denominators up to 30 240; above 2²⁴ they are not all exact in `f32`)
//! and one division by `den · h^d` (computed in `f64`). The sum and the
//! division run in the precision NumPy's promotion gives the data and the
//! step (see [`Spacing`]), at least `f32`; with coordinates the weights
//! are computed in `f64` from the coordinate differences, once per
//! coordinate array and window. The result is within `16·u·Σ|w_j f_j|`
//! of the exact stencil value with a step and `64·u·Σ|w_j f_j|` with
//! coordinates (`u` the unit roundoff of the output type; `tests/schemes.rs`
//! checks this against exact rationals). Data types and outputs are those
//! of the table below; `f16` data is accumulated in `f32` and rounded once.
//!
//! Where NumPy defines the answer the result is NumPy's, bit for bit:
//! `d = 1, k = 2` is `edge_order=2`, and a periodic axis at `d = 1, k = 2`
//! or with [`Scheme::numpy`] is `numpy.gradient` of the wrap-padded array
//! (coordinates padded with `x[n-1] - period` and `x[0] + period`), trimmed.
//! Coordinates for the other schemes must be finite and strictly
//! monotonic; an axis needs [`Scheme::min_len`] samples (`k + d`
//! one-sided, `w_c` periodic); a periodic coordinate axis needs a period
//! greater than `x[n-1] − x[0]`, and a step axis takes none (its period is
//! `n·h`).
//!
//! ```
//! use ndgrad::ndarray::{Array1, Axis};
//! use ndgrad::{Boundary, Options, Scheme, Spacing};
//!
//! let x = Array1::linspace(0.0, 2.0, 41);
//! let f = x.mapv(f64::exp);
//! let err = |s: Scheme| {
//!     let g = ndgrad::gradient_axis(&f, Axis(0), Spacing::uniform(0.05), s).unwrap();
//!     (&g - &f).fold(0.0f64, |m, e| m.max(e.abs()))
//! };
//! assert!(err(Scheme::new(1, 4)?) < 1e-5); // numpy.gradient: 6e-3 at edge order 2
//! assert!(err(Scheme::new(1, 8)?) < 1e-10);
//! assert!(err(Scheme::new(2, 4)?) < 1e-4); // the second derivative
//!
//! // A periodic axis, per axis through Options.
//! let t = Array1::linspace(0.0, 1.0, 65).slice_move(ndgrad::ndarray::s![..64]);
//! let u = t.mapv(|t| (std::f64::consts::TAU * t).sin());
//! let periodic = Scheme::new(1, 6)?.with_boundary(Boundary::Periodic { period: Some(1.0) });
//! let opts = Options::new().spacing(Spacing::coordinates(&t)).scheme(periodic);
//! let du = ndgrad::gradient_with(&u, &opts)?;
//! let want = t.mapv(|t| std::f64::consts::TAU * (std::f64::consts::TAU * t).cos());
//! assert!((&du[0] - &want).iter().all(|e| e.abs() < 1e-6));
//! # Ok::<(), ndgrad::GradientError>(())
//! ```
//!
//! # Vector calculus in one pass
//!
//! | call | composed from gradients (NumPy's arithmetic, in this order) |
//! | --- | --- |
//! | [`magnitude(&f, &opts)`](magnitude) | `sqrt(g0*g0 + g1*g1 + …)`, `gᵢ` along the i-th requested axis (real data) |
//! | [`laplacian(&f, &opts)`](laplacian) | `∂²f/∂x0² + ∂²f/∂x1² + …`, direct second-derivative stencils at each axis' accuracy |
//! | [`divergence(&[F0, F1, …], &opts)`](divergence) | `∂F0/∂x0 + ∂F1/∂x1 + …` |
//! | [`curl(&[F0, F1], &opts)`](curl) | `∂F1/∂x0 − ∂F0/∂x1` (2 axes); the three components (3 axes) |
//!
//! Each takes every option of [`gradient_with`] and gives the bits of the
//! composed expression: the derivatives are the gradients
//! [`gradient_with`] returns, combined element by element in the output
//! type. They are computed slab by slab (cache-sized pieces of the input
//! along its outermost axis in memory), so every input is read from
//! memory once and the outputs are the only allocations of the array's
//! size; `_into` twins write into arrays you own.
//!
//! ```
//! use ndgrad::ndarray::Array2;
//! use ndgrad::{Options, Spacing};
//!
//! // A dyadic grid, step 0.25: the arithmetic is exact.
//! let grid = |g: fn(f64, f64) -> f64| {
//!     Array2::from_shape_fn((17, 17), |(i, j)| g(0.25 * i as f64 - 2.0, 0.25 * j as f64 - 2.0))
//! };
//! let opts = Options::new().spacing(Spacing::uniform(0.25));
//! let lap = ndgrad::laplacian(&grid(|x, y| x * x + y * y), &opts)?;
//! assert!(lap.iter().all(|&v| v == 4.0)); // ends included
//! let (fx, fy) = (grid(|_, y| -y), grid(|x, _| x)); // a rotation
//! let rot = ndgrad::curl(&[fx.view(), fy.view()], &opts)?;
//! assert!(rot[0].iter().all(|&v| v == 2.0));
//! let mag = ndgrad::magnitude(&grid(|x, y| 3.0 * x + 4.0 * y), &opts)?;
//! assert!(mag.iter().all(|&v| v == 5.0));
//! # Ok::<(), ndgrad::GradientError>(())
//! ```
//!
//! # Pieces of an axis
//!
//! Code that differentiates an array piece by piece — a file streamed in
//! slabs, blocks of a distributed array — asks [`AxisPieces`] which input
//! rows, scheme and spacing output rows `a..b` need: the stencils' halo
//! (wrapping round a periodic axis, with the coordinates past the seam
//! shifted by the period) and NumPy's uniform-or-not decision taken on the
//! whole axis. Differentiating the rows a [`Piece`] reads and keeping its
//! own gives the whole axis' bits; [`Operator`] names each operation.
//!
//! # Types
//!
//! | input element | differences taken in | output |
//! | --- | --- | --- |
//! | `f64`, `f32`, `f16` | the same type | the same type |
//! | `Complex<f64>`, `Complex<f32>` | the same type | the same type |
//! | `i8` … `i64`, `u8` … `u64` | `f64` (converted first) | `f64` |
//! | `timedelta64`/`datetime64` ticks (`i64`), via [`timedelta`] | NumPy's timedelta arithmetic | ticks |
//!
//! `f16` arithmetic rounds every operation to half precision, as NumPy's
//! `float16`. Complex arithmetic uses NumPy's formulas (Smith's division).
//! Steps and coordinates may be any float or integer type ([`Step`],
//! [`Coords`]); how their type and the data's combine follows NumPy's
//! promotion rules, including the difference between NumPy scalars and
//! Python numbers: see [`Spacing`].
//!
//! # Threads
//!
//! With the default `rayon` feature, [`Par::Rayon`] splits the work over
//! the global rayon pool; results are bit-identical to [`Par::Seq`], the
//! default. Small arrays always run on the calling thread.
//!
//! # Memory and speed
//!
//! The outputs are the only allocations of the array's size. Non-uniform
//! coefficients are computed once per axis when there are many lanes along
//! it (they then take at most an eighth of the output), otherwise in blocks
//! of 2048 samples, so even a 1-D non-uniform gradient allocates only its
//! output (`tests/memory.rs` measures this).
//!
//! Each stencil is one pass over memory: the kernels walk the input in
//! lanes along its innermost contiguous axis, as slices the compiler
//! vectorises, and fall back to [`ndarray::Zip`] for other strides.
//! `scripts/bench.py` compares with NumPy and with the machine's bandwidth.
//!
//! # Feature flags
//!
//! * `rayon` (default): [`Par::Rayon`].
//!
//! # Differences from NumPy
//!
//! Results are the same; the API is Rust's: a `Vec` of arrays rather than
//! "an array if one axis, else a tuple", typed [`EdgeOrder`] and
//! non-negative [`Axis`](ndarray::Axis) values, errors as [`GradientError`].
//! The NumPy correspondence, argument by argument, is in
//! [`doc::numpy_parity`].
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings))))]

mod chain;
#[cfg(doc)]
pub mod doc;
mod element;
mod error;
mod gradient;
mod h16;
mod kernel;
mod operators;
mod options;
mod piece;
mod plan;
mod scheme;
mod spacing;
mod stencil;
pub mod timedelta;
mod weights;

pub use chain::{Pass, chain, chain_into};
pub use element::{Element, Float, Precision, Scalar, f16_from_f64};
pub use error::GradientError;
pub use gradient::{
    check, gradient, gradient_axis, gradient_axis_into, gradient_into, gradient_with,
    gradient_with_into,
};
pub use operators::{
    Operator, curl, curl_into, divergence, divergence_into, laplacian, laplacian_into, magnitude,
    magnitude_into,
};
pub use options::{Options, Par};
pub use piece::{AxisPieces, Piece, ShiftedCoords, shift_wrapped};
pub use scheme::{ACCURACIES, Accuracy, Boundary, EdgeOrder, MAX_DERIVATIVE, Scheme, Stencil};
pub use spacing::{Coords, Spacing, Step};

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

pub use half;
pub use ndarray;
pub use num_complex;
