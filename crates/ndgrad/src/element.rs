//! The numbers ndgrad reads, computes in and writes, with NumPy's arithmetic
//! for each.
//!
//! Three roles, three traits:
//!
//! * [`Element`]: what an input array may hold (floats, complex, integers).
//!   Integers are converted to `f64` as they are loaded, exactly as NumPy's
//!   `f.astype(np.float64)` does before differencing.
//! * [`Scalar`]: what an output holds and what differences are taken in
//!   (`f16`, `f32`, `f64`, `Complex<f32>`, `Complex<f64>`).
//! * `Compute<T>` (hidden): the precision a stencil is evaluated in after
//!   NumPy's type promotion, e.g. `f64` for `f32` data with an `f64` step.
//!   Its complex multiply and divide are NumPy's own formulas, not
//!   `num_complex`'s, because the two differ in rounding and in how they
//!   treat infinities.

use core::fmt::Debug;
use core::ops::{Add, Div, Mul, Neg, Sub};

use half::f16;
use num_complex::Complex;

pub(crate) mod sealed {
    /// Keeps the numeric traits closed: the kernels' exactness depends on
    /// knowing every type they run on.
    pub trait Sealed {}

    /// The type a stencil is evaluated in for output type `T`, after NumPy's
    /// promotion. Hidden because it is an implementation detail of the
    /// kernels, public only because [`Scalar`](super::Scalar) names it.
    pub trait Compute<T>: Copy + Send + Sync + 'static {
        /// Widens an output-type value (exact).
        fn lift(t: T) -> Self;
        /// Rounds back to the output type, as NumPy's assignment into `out` does.
        fn lower(self) -> T;
        /// A real coefficient or step, rounded to this precision; imaginary part `+0`.
        fn from_f64(x: f64) -> Self;
        /// A divisor that is a step; `integer` if the step was an integer
        /// (NumPy divides timedelta64 by an integer with integer division).
        fn from_step(x: f64, integer: bool) -> Self {
            let _ = integer;
            Self::from_f64(x)
        }
        /// NumPy's `add` ufunc.
        fn add(self, rhs: Self) -> Self;
        /// A product with every operation rounded: NumPy's scalar `*`
        /// (`np.float64(a) * np.complex128(z)`), and its `multiply` ufunc
        /// where that does not fuse (always, for real types).
        fn mul(self, rhs: Self) -> Self;
        /// Whether NumPy's `multiply` ufunc fuses multiply–adds for this
        /// type on this CPU (complex types only, see
        /// `numpy_fuses_complex_multiply`). Read once per kernel call and
        /// passed to [`mul_ufunc`](Self::mul_ufunc), so that the loops do
        /// not test it per sample.
        #[inline]
        fn ufunc_fuses() -> bool {
            false
        }
        /// NumPy's `multiply` ufunc, `self` a coefficient (a real number, or
        /// a real promoted to complex with imaginary part `+0`), `fused`
        /// from [`ufunc_fuses`](Self::ufunc_fuses).
        #[inline]
        fn mul_ufunc(self, rhs: Self, fused: bool) -> Self {
            let _ = fused;
            self.mul(rhs)
        }
        /// NumPy's `true_divide` ufunc.
        fn div(self, rhs: Self) -> Self;
        /// `1 / d` when multiplying by it gives, for every value, the bits
        /// of dividing by `d`: a real `d` that is a power of two with a
        /// normal reciprocal (both round the same real number once).
        /// `None` otherwise, and for complex types.
        #[inline]
        fn exact_reciprocal(d: Self) -> Option<Self> {
            let _ = d;
            None
        }
    }
}

pub(crate) use sealed::Compute;

/// Floating-point precision, ordered as NumPy promotes (`Half < Single < Double`).
///
/// ```
/// use ndgrad::Precision;
/// assert!(Precision::Half < Precision::Double);
/// assert_eq!(Precision::Single.max(Precision::Half), Precision::Single);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// IEEE binary16 (`float16`).
    Half,
    /// IEEE binary32 (`float32`, `complex64`).
    Single,
    /// IEEE binary64 (`float64`, `complex128`).
    Double,
}

/// An element type ndgrad can differentiate.
///
/// Implemented for `f16`, `f32`, `f64`, `Complex<f32>`, `Complex<f64>` (the
/// gradient has the same type) and for every primitive integer type from
/// `i8` to `u64` (converted to `f64` before differencing, as NumPy does; the
/// gradient is `f64`). The trait is sealed.
///
/// ```
/// use ndgrad::ndarray::array;
/// // Decreasing unsigned data: NumPy converts to float64 first, so no wrap-around.
/// let g = ndgrad::gradient(&array![5u8, 3, 0])?;
/// assert_eq!(g[0], array![-2.0, -2.5, -3.0]);
/// # Ok::<(), ndgrad::GradientError>(())
/// ```
pub trait Element: sealed::Sealed + Copy + Send + Sync + 'static {
    /// The type of the gradient: `Self` for floating-point and complex
    /// elements, `f64` for integers.
    type Output: Scalar;

    /// Converts an element to the type differences are taken in.
    #[doc(hidden)]
    fn to_output(self) -> Self::Output;
}

/// A floating-point or complex type that gradients are computed and stored in.
///
/// Implemented for `f16`, `f32`, `f64`, `Complex<f32>` and `Complex<f64>`;
/// sealed.
///
/// ```
/// use ndgrad::{Precision, Scalar};
/// use ndgrad::num_complex::Complex;
/// assert_eq!(<Complex<f32> as Scalar>::PRECISION, Precision::Single);
/// ```
pub trait Scalar: Element<Output = Self> + Debug + PartialEq {
    /// Precision of the type (of its real part for complex types).
    const PRECISION: Precision;
    /// The additive identity, used to initialise outputs.
    const ZERO: Self;

    /// The type stencils run in when the promoted precision is half.
    #[doc(hidden)]
    type Half: Compute<Self>;
    /// The type stencils run in when the promoted precision is single.
    #[doc(hidden)]
    type Single: Compute<Self>;
    /// The type stencils run in when the promoted precision is double.
    #[doc(hidden)]
    type Double: Compute<Self>;

    /// NumPy's `subtract` in this type (differences are never promoted).
    #[doc(hidden)]
    #[must_use]
    fn sub(self, rhs: Self) -> Self;

    /// NumPy's `add` in this type (how the fused operators sum their terms).
    #[doc(hidden)]
    #[must_use]
    fn add(self, rhs: Self) -> Self;
}

/// A real [`Scalar`] (`f16`, `f32`, `f64`): the types a gradient magnitude
/// is defined for. Sealed.
///
/// Each operation is NumPy's ufunc in this type: `float16` is computed in
/// `f32` and rounded once per operation, as NumPy's half loops do.
///
/// ```
/// fn magnitude_type<T: ndgrad::Float>() {}
/// magnitude_type::<f32>();
/// ```
pub trait Float: Scalar {
    /// NumPy's `multiply` in this type.
    #[doc(hidden)]
    #[must_use]
    fn mul(self, rhs: Self) -> Self;

    /// NumPy's `sqrt` in this type.
    #[doc(hidden)]
    #[must_use]
    fn sqrt(self) -> Self;
}

impl Float for f16 {
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        // The f32 product of two halves is exact: one rounding, NumPy's.
        crate::h16::mul(self, rhs)
    }
    #[inline]
    fn sqrt(self) -> Self {
        // NumPy's half sqrt: `npy_float_to_half(npy_sqrtf(...))`; f32 has
        // 24 >= 2*11 + 2 bits, so this double rounding is the correct one.
        crate::h16::sqrt(self)
    }
}
impl Float for f32 {
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        self * rhs
    }
    #[inline]
    fn sqrt(self) -> Self {
        f32::sqrt(self)
    }
}
impl Float for f64 {
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        self * rhs
    }
    #[inline]
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
}

/// Correctly rounded `f64` to `f16`, as NumPy's `npy_double_to_half` (how
/// a period or step given as `f64` is rounded for half-precision
/// coordinates).
///
/// `half::f16::from_f64` is not correctly rounded (it drops low mantissa
/// bits, or goes through a round-to-nearest `f32`, before rounding). Rounding
/// to odd into `f32` keeps 24 significant bits, at least 11 + 2, so the
/// second rounding to `f16` gives the correctly rounded result.
///
/// ```
/// use half::f16;
/// // A hair above the tie between 1 and the next half rounds up.
/// let x = 1.0 + 2f64.powi(-11) + 2f64.powi(-40);
/// assert_eq!(ndgrad::f16_from_f64(x).to_bits(), 0x3c01);
/// assert_ne!(f16::from_f64(x).to_bits(), 0x3c01);
/// ```
pub fn f16_from_f64(x: f64) -> f16 {
    let nearest = x as f32;
    if x.is_nan() || f64::from(nearest) == x {
        return crate::h16::from_f32(nearest);
    }
    let mut bits = nearest.to_bits();
    if f64::from(nearest).abs() > x.abs() {
        // Step one ulp toward zero to get the truncation (the bit patterns of
        // same-signed floats are ordered by magnitude; inf - 1 ulp is MAX).
        bits -= 1;
    }
    crate::h16::from_f32(f32::from_bits(bits | 1))
}

/// Real floating-point types that coordinates and steps are computed in.
pub(crate) trait Real:
    sealed::Sealed
    + SpacingElement<Real = Self>
    + Copy
    + Send
    + Sync
    + PartialEq
    + Debug
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Into<crate::spacing::Step>
{
    const PRECISION: Precision;
    /// Correctly rounded conversion (used for literals such as `1.5`, all exact).
    fn from_f64(x: f64) -> Self;
    /// Exact widening.
    fn to_f64(self) -> f64;
    /// Coordinates of this type, for a piece of an axis.
    fn shifted(x: ndarray::Array1<Self>) -> crate::piece::Shifted;
}

impl Real for f16 {
    const PRECISION: Precision = Precision::Half;
    fn from_f64(x: f64) -> Self {
        f16_from_f64(x)
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn shifted(x: ndarray::Array1<Self>) -> crate::piece::Shifted {
        crate::piece::Shifted::F16(x)
    }
}
impl Real for f32 {
    const PRECISION: Precision = Precision::Single;
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    fn shifted(x: ndarray::Array1<Self>) -> crate::piece::Shifted {
        crate::piece::Shifted::F32(x)
    }
}
impl Real for f64 {
    const PRECISION: Precision = Precision::Double;
    fn from_f64(x: f64) -> Self {
        x
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn shifted(x: ndarray::Array1<Self>) -> crate::piece::Shifted {
        crate::piece::Shifted::F64(x)
    }
}

/// Types a step or a coordinate array may have.
pub(crate) trait SpacingElement: Copy + Send + Sync + 'static {
    /// What coordinates are converted to before `np.diff`: `Self` for
    /// floats, `f64` for integers (NumPy's `distances.astype(np.float64)`).
    type Real: Real;
    /// The float precision a NumPy scalar of this type promotes to with
    /// floating-point data (`np.result_type(np.float16, np.int8)` is
    /// `float16`, with `np.int16` it is `float32`, with wider ints `float64`).
    const SCALAR_PRECISION: Precision;
    /// Whether this is an integer type.
    const INTEGER: bool;
    fn to_real(self) -> Self::Real;
}

macro_rules! spacing_float {
    ($($t:ty),*) => {$(
        impl SpacingElement for $t {
            type Real = $t;
            const SCALAR_PRECISION: Precision = <$t as Real>::PRECISION;
            const INTEGER: bool = false;
            fn to_real(self) -> $t {
                self
            }
        }
    )*};
}
spacing_float!(f16, f32, f64);

macro_rules! spacing_int {
    ($($t:ty => $p:ident),*) => {$(
        impl SpacingElement for $t {
            type Real = f64;
            const SCALAR_PRECISION: Precision = Precision::$p;
            const INTEGER: bool = true;
            fn to_real(self) -> f64 {
                self as f64
            }
        }
    )*};
}
spacing_int!(i8 => Half, u8 => Half, i16 => Single, u16 => Single,
             i32 => Double, u32 => Double, i64 => Double, u64 => Double);

// ---------------------------------------------------------------- elements

macro_rules! int_element {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            type Output = f64;
            #[inline(always)]
            fn to_output(self) -> f64 {
                self as f64
            }
        }
    )*};
}
int_element!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! scalar_element {
    ($t:ty, $prec:ident, $zero:expr, $h:ty, $s:ty, $d:ty,
     |$a:ident, $b:ident| $sub:expr, |$c:ident, $e:ident| $add:expr) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            type Output = $t;
            #[inline(always)]
            fn to_output(self) -> $t {
                self
            }
        }
        impl Scalar for $t {
            const PRECISION: Precision = Precision::$prec;
            const ZERO: Self = $zero;
            type Half = $h;
            type Single = $s;
            type Double = $d;
            #[inline(always)]
            fn sub(self, rhs: Self) -> Self {
                let ($a, $b) = (self, rhs);
                $sub
            }
            #[inline(always)]
            fn add(self, rhs: Self) -> Self {
                let ($c, $e) = (self, rhs);
                $add
            }
        }
    };
}
// f16 arithmetic goes through f32 and rounds once, as NumPy's half loops
// do (`h16`: the same bits as `half`'s operators, in vectorisable form).
scalar_element!(
    f16,
    Half,
    f16::ZERO,
    f16,
    f32,
    f64,
    |a, b| crate::h16::sub(a, b),
    |a, b| crate::h16::add(a, b)
);
scalar_element!(f32, Single, 0.0, f32, f32, f64, |a, b| a - b, |a, b| a + b);
scalar_element!(f64, Double, 0.0, f64, f64, f64, |a, b| a - b, |a, b| a + b);
scalar_element!(
    Complex<f32>,
    Single,
    Complex::new(0.0, 0.0),
    Complex<f32>,
    Complex<f32>,
    Complex<f64>,
    |a, b| Complex::new(a.re - b.re, a.im - b.im),
    |a, b| Complex::new(a.re + b.re, a.im + b.im)
);
scalar_element!(
    Complex<f64>,
    Double,
    Complex::new(0.0, 0.0),
    Complex<f64>,
    Complex<f64>,
    Complex<f64>,
    |a, b| Complex::new(a.re - b.re, a.im - b.im),
    |a, b| Complex::new(a.re + b.re, a.im + b.im)
);

// ------------------------------------------------------ compute precisions

/// Real compute type `$p` for output type `$t`.
macro_rules! real_compute {
    ($t:ty => $p:ty, lift: |$x:ident| $lift:expr, lower: |$y:ident| $lower:expr, from_f64: |$z:ident| $from:expr) => {
        impl Compute<$t> for $p {
            #[inline(always)]
            fn lift($x: $t) -> Self {
                $lift
            }
            #[inline(always)]
            fn lower(self) -> $t {
                let $y = self;
                $lower
            }
            #[inline(always)]
            fn from_f64($z: f64) -> Self {
                $from
            }
            #[inline(always)]
            fn add(self, rhs: Self) -> Self {
                self + rhs
            }
            #[inline(always)]
            fn mul(self, rhs: Self) -> Self {
                self * rhs
            }
            #[inline(always)]
            fn div(self, rhs: Self) -> Self {
                self / rhs
            }
            #[inline]
            fn exact_reciprocal(d: Self) -> Option<Self> {
                let r = 1.0 / d;
                // A power of two: no mantissa bits (f32 widens exactly).
                let power_of_two = f64::from(d).abs().to_bits() & ((1 << 52) - 1) == 0;
                (d.is_normal() && r.is_normal() && power_of_two).then_some(r)
            }
        }
    };
}
#[allow(clippy::inline_always, reason = "inside the kernels' vectorised loops")]
impl Compute<f16> for f16 {
    #[inline(always)]
    fn lift(x: f16) -> Self {
        x
    }
    #[inline(always)]
    fn lower(self) -> f16 {
        self
    }
    #[inline(always)]
    fn from_f64(z: f64) -> Self {
        f16_from_f64(z)
    }
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        crate::h16::add(self, rhs)
    }
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        crate::h16::mul(self, rhs)
    }
    #[inline(always)]
    fn div(self, rhs: Self) -> Self {
        crate::h16::div(self, rhs)
    }
}
real_compute!(f16 => f32, lift: |x| crate::h16::to_f32(x), lower: |y| crate::h16::from_f32(y), from_f64: |z| z as f32);
real_compute!(f16 => f64, lift: |x| f64::from(crate::h16::to_f32(x)), lower: |y| f16_from_f64(y), from_f64: |z| z);
real_compute!(f32 => f32, lift: |x| x, lower: |y| y, from_f64: |z| z as f32);
real_compute!(f32 => f64, lift: |x| f64::from(x), lower: |y| y as f32, from_f64: |z| z);
real_compute!(f64 => f64, lift: |x| x, lower: |y| y, from_f64: |z| z);

/// Whether NumPy's complex `multiply` ufunc fuses its multiply-adds on this
/// CPU: its loops for complex64 and complex128 are dispatched at run time,
/// and the builds for `X86_V3` (AVX2 with FMA3, BMI1/2, F16C, LZCNT, MOVBE)
/// and `X86_V4`/AVX-512 use `fmaddsub`; the baseline build (`X86_V2`) does
/// not. NumPy's ASIMD (aarch64) build fuses too. Decided once per process
/// from the CPU, as NumPy does (`NPY_DISABLE_CPU_FEATURES`, which can turn
/// NumPy's dispatch off, is not consulted).
///
/// Only the sign of a zero can differ between the two (see the complex `mul`).
#[inline]
pub(crate) fn numpy_fuses_complex_multiply() -> bool {
    use core::sync::atomic::{AtomicU8, Ordering};
    static FUSES: AtomicU8 = AtomicU8::new(0);
    match FUSES.load(Ordering::Relaxed) {
        1 => false,
        2 => true,
        _ => {
            let fuses = detect_fma();
            FUSES.store(if fuses { 2 } else { 1 }, Ordering::Relaxed);
            fuses
        }
    }
}

#[cold]
fn detect_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
            && std::arch::is_x86_feature_detected!("bmi1")
            && std::arch::is_x86_feature_detected!("bmi2")
            && std::arch::is_x86_feature_detected!("f16c")
            && std::arch::is_x86_feature_detected!("lzcnt")
            && std::arch::is_x86_feature_detected!("movbe")
    }
    #[cfg(target_arch = "aarch64")]
    {
        true
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        false
    }
}

/// Complex compute type `Complex<$p>` for output type `Complex<$t>`, with
/// NumPy's complex ufunc loops (`numpy/_core/src/umath/loops.c.src`).
macro_rules! complex_compute {
    ($t:ty => $p:ty) => {
        impl Compute<Complex<$t>> for Complex<$p> {
            #[inline(always)]
            fn lift(x: Complex<$t>) -> Self {
                Complex::new(x.re as $p, x.im as $p)
            }
            #[inline(always)]
            fn lower(self) -> Complex<$t> {
                Complex::new(self.re as $t, self.im as $t)
            }
            #[inline(always)]
            fn from_f64(x: f64) -> Self {
                Complex::new(x as $p, 0.0)
            }
            #[inline(always)]
            fn add(self, rhs: Self) -> Self {
                Complex::new(self.re + rhs.re, self.im + rhs.im)
            }
            #[inline(always)]
            fn mul(self, rhs: Self) -> Self {
                // NumPy's complex scalar math and its baseline `multiply`
                // loop: `(ar*br - ai*bi, ar*bi + ai*br)`, each operation
                // rounded. A real coefficient promoted to complex keeps its
                // `0 * im` terms, so an infinite imaginary part gives NaN,
                // as in NumPy.
                Complex::new(
                    self.re * rhs.re - self.im * rhs.im,
                    self.re * rhs.im + self.im * rhs.re,
                )
            }
            #[inline(always)]
            fn ufunc_fuses() -> bool {
                numpy_fuses_complex_multiply()
            }
            #[inline(always)]
            fn mul_ufunc(self, rhs: Self, fused: bool) -> Self {
                // NumPy's SIMD loop (`simd_cmul` in
                // `loops_arithm_fp.dispatch.c.src`) computes
                // `re = fma(ar, br, -(ai*bi))`, `im = fma(ar, bi, ai*br)` in
                // its FMA builds. With `ai = +0` (a promoted real) the added
                // term is `±0` or NaN, and the fused result is the product
                // rounded once, keeping the sign of the exact product when
                // it underflows to zero; the unfused one adds the `±0` to
                // the rounded zero, and `-0 - -0` is `+0`. Written as
                // selects, so that the loops still vectorise.
                debug_assert!(
                    self.im == 0.0 || self.im.is_nan(),
                    "a promoted real coefficient"
                );
                let (ar, ai, br, bi) = (self.re, self.im, rhs.re, rhs.im);
                let (pr, pi) = (ar * br, ar * bi);
                let (cr, ci) = (ai * bi, ai * br);
                let (re, im) = (pr - cr, pi + ci);
                // `fma(x, y, z) == round(x*y)` when `x*y != 0` exactly and `z == ±0`.
                // `&`, not `&&`: no branches in the loops.
                let keep_re = fused & (ar != 0.0) & (br != 0.0) & (cr == 0.0);
                let keep_im = fused & (ar != 0.0) & (bi != 0.0) & (ci == 0.0);
                Complex::new(if keep_re { pr } else { re }, if keep_im { pi } else { im })
            }
            #[inline(always)]
            fn div(self, rhs: Self) -> Self {
                // Smith's algorithm exactly as NumPy's `@TYPE@_divide`:
                // a multiply by the reciprocal, not a true division.
                let (ar, ai, br, bi) = (self.re, self.im, rhs.re, rhs.im);
                let (br_abs, bi_abs) = (br.abs(), bi.abs());
                if br_abs >= bi_abs {
                    if br_abs == 0.0 && bi_abs == 0.0 {
                        Complex::new(ar / br_abs, ai / br_abs)
                    } else {
                        let rat = bi / br;
                        let scl = 1.0 / (br + bi * rat);
                        Complex::new((ar + ai * rat) * scl, (ai - ar * rat) * scl)
                    }
                } else {
                    let rat = br / bi;
                    let scl = 1.0 / (bi + br * rat);
                    Complex::new((ar * rat + ai) * scl, (ai * rat - ar) * scl)
                }
            }
        }
    };
}
complex_compute!(f32 => f32);
complex_compute!(f32 => f64);
complex_compute!(f64 => f64);

#[cfg(test)]
mod tests {
    use super::*;

    /// `2^e`, exactly, by integer shifts and one exact division (Miri
    /// perturbs `powi` by design, which moves ties off their ties).
    fn pow2(e: i32) -> f64 {
        let m = (1u64 << e.unsigned_abs()) as f64;
        if e < 0 { 1.0 / m } else { m }
    }

    #[test]
    fn f16_from_f64_rounds_ties_with_sticky_bits_correctly() {
        // 1 + 2^-11 is exactly halfway between two f16 values: ties to even (1.0).
        let tie = 1.0 + pow2(-11);
        assert_eq!(f16_from_f64(tie), f16::from_f32(1.0));
        // A hair above the tie must round up, even though the extra bit is far
        // below f32 precision (where `half` loses it).
        let above = tie + pow2(-40);
        assert_eq!(f16_from_f64(above), f16::from_bits(0x3c01));
        let below = tie - pow2(-40);
        assert_eq!(f16_from_f64(below), f16::from_f32(1.0));
        assert_eq!(f16_from_f64(-above), f16::from_bits(0xbc01));
    }

    #[test]
    fn f16_from_f64_handles_overflow_underflow_and_specials() {
        assert_eq!(f16_from_f64(65520.0), f16::INFINITY); // halfway to 2^16 rounds up
        assert_eq!(f16_from_f64(65519.99), f16::MAX);
        assert_eq!(f16_from_f64(1e300), f16::INFINITY);
        assert_eq!(f16_from_f64(-1e300), f16::NEG_INFINITY);
        assert_eq!(f16_from_f64(1e-300).to_bits(), 0);
        assert_eq!(f16_from_f64(-1e-300).to_bits(), 0x8000);
        // Half the smallest subnormal plus a little rounds up to it.
        assert_eq!(f16_from_f64(pow2(-25) * (1.0 + pow2(-45))).to_bits(), 1);
        assert_eq!(f16_from_f64(pow2(-25)).to_bits(), 0);
        assert!(f16_from_f64(f64::NAN).is_nan());
        assert_eq!(f16_from_f64(f64::INFINITY), f16::INFINITY);
    }

    #[test]
    fn complex_division_is_numpys_smith_algorithm() {
        let z = Complex::new(1.0f64, 3.0);
        let h = <Complex<f64> as Compute<Complex<f64>>>::from_f64(3.0);
        let q = <Complex<f64> as Compute<Complex<f64>>>::div(z, h);
        // (1 + 3*0) * (1/3), not 1/3.
        assert_eq!(q.re, 1.0 * (1.0 / 3.0));
        assert_eq!(q.im, 3.0 * (1.0 / 3.0));
        // Division by zero uses |0|, so -0.0 gives +inf for positive numerators.
        let zero = <Complex<f64> as Compute<Complex<f64>>>::from_f64(-0.0);
        let q = <Complex<f64> as Compute<Complex<f64>>>::div(Complex::new(1.0, -1.0), zero);
        assert_eq!((q.re, q.im), (f64::INFINITY, f64::NEG_INFINITY));
    }

    #[test]
    fn complex_multiply_by_promoted_real_propagates_nan_from_infinite_parts() {
        let a = <Complex<f64> as Compute<Complex<f64>>>::from_f64(2.0);
        let p = <Complex<f64> as Compute<Complex<f64>>>::mul(a, Complex::new(1.0, f64::INFINITY));
        assert!(p.re.is_nan());
        assert_eq!(p.im, f64::INFINITY);
    }

    #[test]
    fn integer_spacing_precisions_follow_numpy_result_type() {
        assert_eq!(<i8 as SpacingElement>::SCALAR_PRECISION, Precision::Half);
        assert_eq!(<u16 as SpacingElement>::SCALAR_PRECISION, Precision::Single);
        assert_eq!(<i32 as SpacingElement>::SCALAR_PRECISION, Precision::Double);
        assert_eq!(u64::MAX.to_real(), 18_446_744_073_709_551_615.0);
    }
}
