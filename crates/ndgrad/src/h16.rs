//! `f16` ⇄ `f32` conversions and `f16` arithmetic without branches or
//! calls, so that the kernels' loops over half-precision data vectorise.
//!
//! `half`'s conversions ask the CPU for F16C on every call (a runtime
//! feature check and a call per value, which keeps every loop scalar: about
//! 0.4 GB/s for a float16 gradient). These are the classic bit-level
//! conversions (F. Giesen, `half_to_float` and `float_to_half_fast3_rtne`):
//! integer and float operations only, every case computed and the right one
//! selected.
//!
//! Bits: identical to `half` (and so to NumPy's `npy_float_to_half` /
//! `npy_half_to_float`) for every input, NaNs aside: a NaN stays a NaN of
//! the same sign, its payload is not kept (the crate never promises NaN
//! payloads). `tests` checks all 2^16 halves and a dense sample of the 2^32
//! floats; the ignored test `from_f32_is_half_on_every_f32` checks all of
//! them.
//!
//! The arithmetic is NumPy's for float16: each operation in `f32`, rounded
//! once to `f16`. That is the correctly rounded `f16` operation, since
//! `f32`'s 24 significant bits are at least 2·11 + 2 (so the double rounding
//! is innocuous for `+`, `-`, `×`, `÷` and `sqrt`), and no `f32` result of
//! two halves overflows or is subnormal in `f32`.

use half::f16;

/// `f16` to `f32`, exact.
#[allow(clippy::inline_always, reason = "inside the kernels' vectorised loops")]
#[inline(always)]
pub(crate) fn to_f32(h: f16) -> f32 {
    const SHIFTED_EXP: u32 = 0x7c00 << 13;
    let h = u32::from(h.to_bits());
    let shifted = (h & 0x7fff) << 13;
    let exp = shifted & SHIFTED_EXP;
    // Normal: rebias the exponent from 15 to 127.
    let normal = shifted + ((127 - 15) << 23);
    // Infinity and NaN: the exponent all ones.
    let special = normal + ((128 - 16) << 23);
    // Zero and subnormals: 2^-14 · 0.m computed exactly as (1.m - 1) · 2^-14.
    let sub = (f32::from_bits(normal + (1 << 23)) - f32::from_bits(113 << 23)).to_bits();
    let v = if exp == SHIFTED_EXP {
        special
    } else if exp == 0 {
        sub
    } else {
        normal
    };
    f32::from_bits(v | ((h & 0x8000) << 16))
}

/// `f32` to `f16`, correctly rounded (ties to even); overflow to infinity.
#[allow(clippy::inline_always, reason = "inside the kernels' vectorised loops")]
#[inline(always)]
pub(crate) fn from_f32(x: f32) -> f16 {
    const F32_INF: u32 = 255 << 23;
    // 2^16: from here on the result is infinite (65520 and up round there
    // through the normal path's carry).
    const F16_OVERFLOW: u32 = (127 + 16) << 23;
    // 2^-14, the smallest normal half.
    const F16_MIN_NORMAL: u32 = 113 << 23;
    // 0.5: adding it leaves |x| in units of 2^-24 (the subnormal step) in
    // the low mantissa bits, rounded to nearest even by the float add.
    const DENORM_MAGIC: u32 = ((127 - 15) + (23 - 10) + 1) << 23;
    let bits = x.to_bits();
    let sign = bits & 0x8000_0000;
    let a = bits ^ sign;
    let special = if a > F32_INF { 0x7e00 } else { 0x7c00 };
    let sub = (f32::from_bits(a) + f32::from_bits(DENORM_MAGIC))
        .to_bits()
        .wrapping_sub(DENORM_MAGIC);
    // Normal: rebias, add half an ulp minus one plus the parity bit (ties
    // to even), truncate.
    let odd = (a >> 13) & 1;
    let normal = a
        .wrapping_add(15_u32.wrapping_sub(127) << 23)
        .wrapping_add(0xfff + odd)
        >> 13;
    let o = if a >= F16_OVERFLOW {
        special
    } else if a < F16_MIN_NORMAL {
        sub
    } else {
        normal
    };
    #[allow(clippy::cast_possible_truncation, reason = "o < 2^16 in every branch")]
    f16::from_bits((o | (sign >> 16)) as u16)
}

macro_rules! op {
    ($($name:ident: $op:tt;)*) => {$(
        /// NumPy's float16 operation: in `f32`, rounded once.
        #[allow(clippy::inline_always, reason = "inside the kernels' vectorised loops")]
        #[inline(always)]
        pub(crate) fn $name(a: f16, b: f16) -> f16 {
            from_f32(to_f32(a) $op to_f32(b))
        }
    )*};
}
op! {
    add: +;
    sub: -;
    mul: *;
    div: /;
}

/// NumPy's float16 square root: `npy_float_to_half(sqrtf(...))`.
#[inline]
pub(crate) fn sqrt(a: f16) -> f16 {
    from_f32(to_f32(a).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Same bits, or NaNs of the same sign.
    fn same(a: f16, b: f16) -> bool {
        a.to_bits() == b.to_bits()
            || (a.is_nan() && b.is_nan() && a.is_sign_negative() == b.is_sign_negative())
    }

    /// Same bits, or both NaN (which NaN an operation on two NaNs returns
    /// is not specified: LLVM may swap the operands of `+`).
    fn same_or_nan(a: f16, b: f16) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    #[test]
    fn to_f32_is_half_on_every_f16() {
        for bits in 0..=u16::MAX {
            let h = f16::from_bits(bits);
            let (got, want) = (to_f32(h), h.to_f32());
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "{bits:#06x}: {got} vs {want}"
            );
        }
    }

    fn check_f32(bits: u32) {
        let x = f32::from_bits(bits);
        let (got, want) = (from_f32(x), f16::from_f32(x));
        assert!(
            same(got, want),
            "{bits:#010x} ({x:e}): {:#06x} vs {:#06x}",
            got.to_bits(),
            want.to_bits()
        );
    }

    #[test]
    fn from_f32_is_half_on_a_dense_sample_and_every_boundary() {
        // Every 251st pattern (a prime: all residues of the low bits), and
        // around every f16 value: the value, the ties and their neighbours.
        for bits in (0..=u32::MAX).step_by(251) {
            check_f32(bits);
        }
        for h in 0..=u16::MAX {
            let x = to_f32(f16::from_bits(h));
            if !x.is_finite() {
                continue;
            }
            let b = x.to_bits();
            for d in [0_u32, 1, 0x0fff, 0x1000, 0x1001, 0x1fff] {
                check_f32(b.wrapping_add(d));
                check_f32(b.wrapping_sub(d));
            }
        }
        for x in [
            65504.0_f32,
            65519.99,
            65520.0,
            65536.0,
            f32::MAX,
            f32::INFINITY,
            f32::NAN,
            5.96e-8,
            2.98e-8,
            2.99e-8,
            1e-30,
            0.0,
        ] {
            check_f32(x.to_bits());
            check_f32((-x).to_bits());
        }
    }

    #[test]
    #[ignore = "every f32 (2^32 values, about 20 s in release): cargo test --release -p ndgrad from_f32_is_half_on_every_f32 -- --ignored"]
    fn from_f32_is_half_on_every_f32() {
        for bits in 0..=u32::MAX {
            check_f32(bits);
        }
    }

    #[test]
    fn arithmetic_is_the_correctly_rounded_half_operation() {
        // half's operators convert with its own (runtime-dispatched)
        // conversions: the same bits on a grid of operand pairs, every
        // 13th half against every 17th.
        for a in (0..=u16::MAX).step_by(13).map(f16::from_bits) {
            for b in (0..=u16::MAX).step_by(17).map(f16::from_bits) {
                assert!(same_or_nan(add(a, b), a + b), "{a} + {b}");
                assert!(same_or_nan(sub(a, b), a - b), "{a} - {b}");
                assert!(same_or_nan(mul(a, b), a * b), "{a} * {b}");
                assert!(same_or_nan(div(a, b), a / b), "{a} / {b}");
            }
            assert!(
                same_or_nan(sqrt(a), f16::from_f32(a.to_f32().sqrt())),
                "sqrt {a}"
            );
        }
    }
}
