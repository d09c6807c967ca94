//! Arrays of every element type the tool reads, and their byte encodings.
//!
//! The `.npy` reader and the streaming path decode raw bytes themselves:
//! that one decoder handles both byte orders, any alignment and float16,
//! which `ndarray-npy`'s typed readers do not.

use anyhow::{Result, bail};
use half::f16;
use ndarray::{ArrayD, ArrayViewD, IxDyn, ShapeBuilder};
use ndgrad::{GradientError, Options};
use num_complex::Complex;

/// Byte order of stored numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteOrder {
    Little,
    Big,
}

/// The element types the tool reads: what NumPy writes for numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DType {
    F16,
    F32,
    F64,
    C64,
    C128,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

impl DType {
    /// Parses a `.npy` `descr` such as `'<f8'`, `'>i4'` or `'|u1'`.
    pub fn from_descr(descr: &str) -> Result<(Self, ByteOrder)> {
        let (order, code) = match descr.split_at_checked(1) {
            Some(("<" | "|", code)) => (ByteOrder::Little, code),
            Some(("=", code)) if cfg!(target_endian = "little") => (ByteOrder::Little, code),
            Some((">" | "=", code)) => (ByteOrder::Big, code),
            _ => (ByteOrder::Little, descr),
        };
        let dtype = match code {
            "f2" | "e" => DType::F16,
            "f4" | "f" => DType::F32,
            "f8" | "d" => DType::F64,
            "c8" | "F" => DType::C64,
            "c16" | "D" => DType::C128,
            "i1" | "b" => DType::I8,
            "i2" | "h" => DType::I16,
            "i4" | "i" => DType::I32,
            "i8" | "q" | "l" => DType::I64,
            "u1" | "B" => DType::U8,
            "u2" | "H" => DType::U16,
            "u4" | "I" => DType::U32,
            "u8" | "Q" | "L" => DType::U64,
            _ => bail!(
                "unsupported dtype '{descr}': ndgrad reads float16/32/64, complex64/128 and \
                 signed or unsigned integers"
            ),
        };
        Ok((dtype, order))
    }

    /// The little-endian `.npy` `descr` of this type.
    pub fn descr(self) -> &'static str {
        match self {
            DType::F16 => "<f2",
            DType::F32 => "<f4",
            DType::F64 => "<f8",
            DType::C64 => "<c8",
            DType::C128 => "<c16",
            DType::I8 => "|i1",
            DType::I16 => "<i2",
            DType::I32 => "<i4",
            DType::I64 => "<i8",
            DType::U8 => "|u1",
            DType::U16 => "<u2",
            DType::U32 => "<u4",
            DType::U64 => "<u8",
        }
    }

    /// NumPy's name of the type.
    pub fn name(self) -> &'static str {
        match self {
            DType::F16 => "float16",
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::C64 => "complex64",
            DType::C128 => "complex128",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::U8 => "uint8",
            DType::U16 => "uint16",
            DType::U32 => "uint32",
            DType::U64 => "uint64",
        }
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            DType::I8 | DType::U8 => 1,
            DType::F16 | DType::I16 | DType::U16 => 2,
            DType::F32 | DType::I32 | DType::U32 => 4,
            DType::F64 | DType::C64 | DType::I64 | DType::U64 => 8,
            DType::C128 => 16,
        }
    }

    /// The dtype of `numpy.gradient`'s result for this input type.
    pub fn gradient_dtype(self) -> DType {
        match self {
            DType::F16 | DType::F32 | DType::F64 | DType::C64 | DType::C128 => self,
            _ => DType::F64,
        }
    }
}

/// An element the tool can decode from and encode to `.npy` bytes.
pub trait Elem: Copy + Default + Send + Sync + 'static {
    /// The element's dtype.
    const DTYPE: DType;
    /// Decodes one element from exactly `DTYPE.size()` bytes.
    fn decode(bytes: &[u8], order: ByteOrder) -> Self;
    /// Appends the little-endian bytes of the element.
    fn encode(self, out: &mut Vec<u8>);
}

macro_rules! prim_elem {
    ($($t:ty => $d:ident),* $(,)?) => {$(
        impl Elem for $t {
            const DTYPE: DType = DType::$d;
            fn decode(bytes: &[u8], order: ByteOrder) -> Self {
                let b = bytes.try_into().expect("caller passes one element's bytes");
                match order {
                    ByteOrder::Little => <$t>::from_le_bytes(b),
                    ByteOrder::Big => <$t>::from_be_bytes(b),
                }
            }
            fn encode(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
prim_elem!(f32 => F32, f64 => F64, i8 => I8, i16 => I16, i32 => I32, i64 => I64,
           u8 => U8, u16 => U16, u32 => U32, u64 => U64);

impl Elem for f16 {
    const DTYPE: DType = DType::F16;
    fn decode(bytes: &[u8], order: ByteOrder) -> Self {
        f16::from_bits(u16::decode(bytes, order))
    }
    fn encode(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bits().to_le_bytes());
    }
}

macro_rules! complex_elem {
    ($($t:ty => $d:ident),*) => {$(
        impl Elem for Complex<$t> {
            const DTYPE: DType = DType::$d;
            fn decode(bytes: &[u8], order: ByteOrder) -> Self {
                let (re, im) = bytes.split_at(bytes.len() / 2);
                Complex::new(<$t>::decode(re, order), <$t>::decode(im, order))
            }
            fn encode(self, out: &mut Vec<u8>) {
                self.re.encode(out);
                self.im.encode(out);
            }
        }
    )*};
}
complex_elem!(f32 => C64, f64 => C128);

/// Decodes `bytes` (whole elements) into `out`, replacing its contents.
pub fn decode_into<T: Elem>(bytes: &[u8], order: ByteOrder, out: &mut Vec<T>) {
    out.clear();
    decode_extend(bytes, order, out);
}

/// Appends the elements `bytes` holds in byte order `order` to `out`.
pub fn decode_extend<T: Elem>(bytes: &[u8], order: ByteOrder, out: &mut Vec<T>) {
    out.extend(
        bytes
            .chunks_exact(T::DTYPE.size())
            .map(|b| T::decode(b, order)),
    );
}

/// Appends the elements of `a` in memory order (C, or Fortran when
/// `fortran`) as little-endian bytes.
pub fn encode_into<T: Elem>(a: &ArrayViewD<'_, T>, fortran: bool, out: &mut Vec<u8>) {
    out.reserve(a.len() * T::DTYPE.size());
    if fortran {
        a.t().iter().for_each(|&x| x.encode(out));
    } else {
        a.iter().for_each(|&x| x.encode(out));
    }
}

/// Builds an array of `shape` from elements stored in C or Fortran order.
pub fn from_shape_vec<T>(shape: &[usize], fortran: bool, v: Vec<T>) -> ArrayD<T> {
    ArrayD::from_shape_vec(IxDyn(shape).set_f(fortran), v)
        .expect("caller checked the element count")
}

/// An array of any element type the tool reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    F16(ArrayD<f16>),
    F32(ArrayD<f32>),
    F64(ArrayD<f64>),
    C64(ArrayD<Complex<f32>>),
    C128(ArrayD<Complex<f64>>),
    I8(ArrayD<i8>),
    I16(ArrayD<i16>),
    I32(ArrayD<i32>),
    I64(ArrayD<i64>),
    U8(ArrayD<u8>),
    U16(ArrayD<u16>),
    U32(ArrayD<u32>),
    U64(ArrayD<u64>),
}

/// Runs `$body` with `$a` bound to the typed array inside a [`Data`] (by
/// reference); `$T` names its element type.
macro_rules! with_data {
    ($data:expr, $a:ident => $body:expr) => {
        match $data {
            $crate::data::Data::F16($a) => $body,
            $crate::data::Data::F32($a) => $body,
            $crate::data::Data::F64($a) => $body,
            $crate::data::Data::C64($a) => $body,
            $crate::data::Data::C128($a) => $body,
            $crate::data::Data::I8($a) => $body,
            $crate::data::Data::I16($a) => $body,
            $crate::data::Data::I32($a) => $body,
            $crate::data::Data::I64($a) => $body,
            $crate::data::Data::U8($a) => $body,
            $crate::data::Data::U16($a) => $body,
            $crate::data::Data::U32($a) => $body,
            $crate::data::Data::U64($a) => $body,
        }
    };
}
pub(crate) use with_data;

/// Runs `$body` with `$T` bound to the element type of a [`DType`].
macro_rules! with_dtype {
    ($dtype:expr, $T:ident => $body:expr) => {
        match $dtype {
            $crate::data::DType::F16 => {
                type $T = ::half::f16;
                $body
            }
            $crate::data::DType::F32 => {
                type $T = f32;
                $body
            }
            $crate::data::DType::F64 => {
                type $T = f64;
                $body
            }
            $crate::data::DType::C64 => {
                type $T = ::num_complex::Complex<f32>;
                $body
            }
            $crate::data::DType::C128 => {
                type $T = ::num_complex::Complex<f64>;
                $body
            }
            $crate::data::DType::I8 => {
                type $T = i8;
                $body
            }
            $crate::data::DType::I16 => {
                type $T = i16;
                $body
            }
            $crate::data::DType::I32 => {
                type $T = i32;
                $body
            }
            $crate::data::DType::I64 => {
                type $T = i64;
                $body
            }
            $crate::data::DType::U8 => {
                type $T = u8;
                $body
            }
            $crate::data::DType::U16 => {
                type $T = u16;
                $body
            }
            $crate::data::DType::U32 => {
                type $T = u32;
                $body
            }
            $crate::data::DType::U64 => {
                type $T = u64;
                $body
            }
        }
    };
}
pub(crate) use with_dtype;

macro_rules! data_from {
    ($($t:ty => $v:ident),* $(,)?) => {$(
        impl From<ArrayD<$t>> for Data {
            fn from(a: ArrayD<$t>) -> Self {
                Data::$v(a)
            }
        }
    )*};
}
data_from!(f16 => F16, f32 => F32, f64 => F64, Complex<f32> => C64, Complex<f64> => C128,
           i8 => I8, i16 => I16, i32 => I32, i64 => I64, u8 => U8, u16 => U16, u32 => U32,
           u64 => U64);

impl Data {
    /// The element type.
    pub fn dtype(&self) -> DType {
        fn of<T: Elem>(_: &ArrayD<T>) -> DType {
            T::DTYPE
        }
        with_data!(self, a => of(a))
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        with_data!(self, a => a.shape())
    }

    /// `numpy.gradient` of the array with these options: one array per
    /// requested axis, in NumPy's result dtype.
    pub fn gradient(&self, opts: &Options<'_>) -> Result<Vec<Data>, GradientError> {
        with_data!(self, a => Ok(ndgrad::gradient_with(a, opts)?
            .into_iter()
            .map(Data::from)
            .collect()))
    }

    /// The values as `f64`, for images and plots (complex values: an error).
    pub fn to_f64(&self) -> Result<ArrayD<f64>> {
        Ok(match self {
            Data::F16(a) => a.mapv(f64::from),
            Data::F32(a) => a.mapv(f64::from),
            Data::F64(a) => a.clone(),
            Data::C64(_) | Data::C128(_) => {
                bail!("expected real numbers, got {}", self.dtype().name())
            }
            Data::I8(a) => a.mapv(f64::from),
            Data::I16(a) => a.mapv(f64::from),
            Data::I32(a) => a.mapv(f64::from),
            #[allow(clippy::cast_precision_loss)] // as NumPy's astype(float64)
            Data::I64(a) => a.mapv(|x| x as f64),
            Data::U8(a) => a.mapv(f64::from),
            Data::U16(a) => a.mapv(f64::from),
            Data::U32(a) => a.mapv(f64::from),
            #[allow(clippy::cast_precision_loss)]
            Data::U64(a) => a.mapv(|x| x as f64),
        })
    }

    /// Whether the array is stored in Fortran order (and not also C order).
    pub fn is_fortran(&self) -> bool {
        with_data!(self, a => a.ndim() > 1 && !a.is_standard_layout() && a.t().is_standard_layout())
    }

    /// Writes the elements' little-endian bytes in memory order (C, or
    /// Fortran when [`Data::is_fortran`]), a bounded chunk at a time.
    pub fn write_bytes(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        fn chunks<T: Elem>(
            it: impl Iterator<Item = T>,
            w: &mut impl std::io::Write,
        ) -> std::io::Result<()> {
            const CHUNK: usize = 1 << 16;
            let mut buf = Vec::with_capacity(CHUNK * T::DTYPE.size());
            for x in it {
                x.encode(&mut buf);
                if buf.len() >= CHUNK * T::DTYPE.size() {
                    w.write_all(&buf)?;
                    buf.clear();
                }
            }
            w.write_all(&buf)
        }
        let fortran = self.is_fortran();
        with_data!(self, a => if fortran {
            chunks(a.t().iter().copied(), w)
        } else {
            chunks(a.iter().copied(), w)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_round_trip_through_names_and_sizes() {
        for d in [
            DType::F16,
            DType::F32,
            DType::F64,
            DType::C64,
            DType::C128,
            DType::I8,
            DType::I16,
            DType::I32,
            DType::I64,
            DType::U8,
            DType::U16,
            DType::U32,
            DType::U64,
        ] {
            assert_eq!(
                DType::from_descr(d.descr()).unwrap(),
                (d, ByteOrder::Little)
            );
            let big = d.descr().replace('<', ">");
            let order = if d.size() == 1 {
                ByteOrder::Little
            } else {
                ByteOrder::Big
            };
            assert_eq!(DType::from_descr(&big).unwrap(), (d, order));
        }
        let err = DType::from_descr("<U5").unwrap_err().to_string();
        assert!(err.contains("unsupported dtype '<U5'"), "{err}");
    }

    #[test]
    fn big_endian_and_half_values_decode() {
        assert_eq!(f64::decode(&1.5f64.to_be_bytes(), ByteOrder::Big), 1.5);
        assert_eq!(f16::decode(&[0x00, 0x3c], ByteOrder::Little), f16::ONE);
        let c = Complex::<f32>::decode(&[0, 0, 0x80, 0x3f, 0, 0, 0, 0x40], ByteOrder::Little);
        assert_eq!(c, Complex::new(1.0, 2.0));
        let mut v = Vec::new();
        c.encode(&mut v);
        assert_eq!(v, [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]);
    }

    #[test]
    fn fortran_arrays_encode_in_column_order() {
        let a = from_shape_vec(&[2, 3], true, vec![1u8, 2, 3, 4, 5, 6]);
        assert_eq!(a[[1, 0]], 2);
        let d = Data::U8(a);
        assert!(d.is_fortran());
        let mut bytes = Vec::new();
        d.write_bytes(&mut bytes).unwrap();
        assert_eq!(bytes, [1, 2, 3, 4, 5, 6]);
    }
}
