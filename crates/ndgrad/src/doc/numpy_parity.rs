//! `numpy.gradient` → `ndgrad`, argument by argument.
//!
//! ndgrad promises NumPy 2.x's results bit for bit for every input NumPy
//! accepts as numbers. The authority is NumPy's own `gradient` in
//! `numpy/lib/_function_base_impl.py`; the crate's golden tests compare
//! against NumPy's output for every element type, spacing form, edge order
//! and memory layout.
//!
//! # Arguments
//!
//! | NumPy | ndgrad |
//! | --- | --- |
//! | `gradient(f)` | [`gradient(&f)`](crate::gradient) |
//! | `axis=None` | default of [`Options`](crate::Options) |
//! | `axis=k` / `axis=(j, k)` | [`Options::axes([Axis(k)])`](crate::Options::axes), or [`gradient_axis`](crate::gradient_axis) |
//! | negative axis | normalise first: ndgrad takes [`Axis`](ndarray::Axis) (`usize`) only |
//! | no `varargs` | [`Spacing::Unit`](crate::Spacing::Unit) |
//! | one scalar for all axes | [`Options::spacing`](crate::Options::spacing) |
//! | one per axis | [`Options::spacing_per_axis`](crate::Options::spacing_per_axis) |
//! | Python `float`/`int` step | [`Spacing::uniform_weak`](crate::Spacing::uniform_weak) |
//! | NumPy scalar / 0-d array step | [`Spacing::uniform`](crate::Spacing::uniform) |
//! | 1-D coordinate array | [`Spacing::coordinates`](crate::Spacing::coordinates) |
//! | a slice of a non-uniform coordinate array (a block of a chunked array) | [`Spacing::non_uniform`](crate::Spacing::non_uniform) |
//! | `edge_order=1` / `2` | [`EdgeOrder::First`](crate::EdgeOrder::First) / [`EdgeOrder::Second`](crate::EdgeOrder::Second) |
//! | tuple of arrays (or one array for one axis) | `Vec` of arrays, in the order of the axes |
//!
//! # Rules reproduced
//!
//! * **Integer data** is converted to `f64` before differencing (no
//!   wrap-around for unsigned data, no overflow for big `i64` jumps); the
//!   output is `f64`.
//! * **Integer coordinates** are converted to `f64` before `np.diff`.
//! * **Uniform collapse**: coordinates whose differences are all exactly
//!   equal use the uniform formulas with that step (a NumPy scalar of the
//!   coordinates' type). This changes bits, and NaN propagation: the uniform
//!   interior never reads `f[i]`, so `[1, NaN, 4, 5, 6]` with unit steps
//!   gives `[NaN, 1.5, NaN, 1, 1]`. A NaN among the coordinates prevents the
//!   collapse (NaN ≠ NaN).
//! * **Promotion** (NEP 50): differences in the data type; the step
//!   arithmetic in the step type; the stencil in the wider of the two for
//!   NumPy scalars and arrays, in the data type for Python numbers. Integer
//!   NumPy scalars rank by size at first-order edges (`float16 / int8` stays
//!   `float16`, `float16 / int16` is `float32`), and are `float64` elsewhere
//!   (`2.0 * h`).
//! * **float16**: every operation rounded to half precision; `f64 → f16`
//!   conversions are correctly rounded (NumPy's `npy_double_to_half`).
//! * **complex**: NumPy's complex multiply and Smith's division (which
//!   multiplies by a reciprocal); a real coefficient times an infinite
//!   imaginary part gives NaN in the real part, as in NumPy. NumPy's
//!   complex `multiply` loop fuses its multiply–adds (`fma`) on CPUs with
//!   AVX2 and FMA (its `X86_V3` build; and on aarch64) and not elsewhere,
//!   and its scalar math (the two edge samples of a 1-D array are NumPy
//!   scalars) never does. The only visible difference is the sign of a
//!   product that underflows to zero; ndgrad decides as NumPy does, from
//!   the CPU it runs on (`NPY_DISABLE_CPU_FEATURES` is not consulted).
//! * **Zero and repeated steps** are not errors: they give `inf` or `NaN`.
//!   Non-monotonic coordinates are accepted.
//! * **Axis too short**: fewer than `edge_order + 1` samples is an error
//!   ([`GradientError::AxisTooShort`](crate::GradientError::AxisTooShort)),
//!   reported with NumPy's checking order (axes, spacing count, coordinate
//!   lengths, then axis lengths).
//!
//! * **NaN bits**: where NumPy's result is NaN, ndgrad's is NaN too, but the
//!   sign and payload of that NaN are not promised. IEEE 754 does not say
//!   which NaN an operation on two NaNs returns, Rust leaves NaN bits
//!   unspecified (LLVM may swap the operands of `+`), and NumPy's own SIMD
//!   and scalar loops differ. Every other bit, signed zeros and infinities
//!   included, is NumPy's.
//! * **datetime64 / timedelta64**: [`crate::timedelta`] differentiates their
//!   `i64` ticks with NumPy's integer timedelta arithmetic (`NaT`
//!   propagation, truncation, integer division by integer steps).
//!   One deliberate difference, in the Python package: NumPy differentiates
//!   a byte-swapped datetime64 array by viewing its bytes as a native-order
//!   timedelta64 (garbage); ndgrad converts the bytes and returns the
//!   differences of the dates.
//!
//! # Not in the Rust API
//!
//! These NumPy inputs are for the Python package to map or hand back to NumPy:
//! `bool` (NumPy raises `TypeError`), `object`, `longdouble`, complex steps,
//! and `edge_order` values that are not 1 or 2 (NumPy treats values below 1
//! as 2).
