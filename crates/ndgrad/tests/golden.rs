//! Bit-for-bit comparison with `numpy.gradient`.
//!
//! The reference data is written by `scripts/gen_golden.py` (which calls
//! NumPy) into `tests/data/golden.{npz,json}`; see that script for the
//! storage format. Every case is run through every public entry point and
//! on several memory layouts of the same logical array, and every output
//! element must have NumPy's bits (any NaN matches any NaN: see [`Bits`]).

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use ndarray::{Array1, ArrayD, ArrayViewD, Axis, IxDyn, ShapeBuilder, Slice};
use ndarray_npy::{NpzReader, ReadableElement};
use ndgrad::half::f16;
use ndgrad::num_complex::Complex;
use ndgrad::{
    Coords, EdgeOrder, Element, Options, Par, Spacing, Step, gradient_axis, gradient_axis_into,
    gradient_with, gradient_with_into,
};
use serde_json::Value;

/// Every flat array of the npz, by name, in its stored type.
struct Golden {
    arrays: HashMap<String, Stored>,
}

enum Stored {
    F64(Vec<f64>),
    F32(Vec<f32>),
    C128(Vec<Complex<f64>>),
    C64(Vec<Complex<f32>>),
    I8(Vec<i8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
}

fn read<T: ReadableElement>(npz: &mut NpzReader<File>, name: &str) -> Vec<T> {
    let a: Array1<T> = npz
        .by_name(name)
        .unwrap_or_else(|e| panic!("reading {name}: {e}"));
    a.into_raw_vec_and_offset().0
}

impl Golden {
    fn load() -> (Golden, Vec<Value>) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        let meta: Value =
            serde_json::from_reader(File::open(dir.join("golden.json")).unwrap()).unwrap();
        let mut npz = NpzReader::new(File::open(dir.join("golden.npz")).unwrap()).unwrap();
        let mut arrays = HashMap::new();
        for name in npz.names().unwrap() {
            let key = name.trim_end_matches(".npy").to_string();
            let dtype = key.split_once('_').unwrap().1;
            let stored = match dtype {
                "float64" => Stored::F64(read(&mut npz, &name)),
                "float32" => Stored::F32(read(&mut npz, &name)),
                "complex128" => Stored::C128(read(&mut npz, &name)),
                "complex64" => Stored::C64(read(&mut npz, &name)),
                "int8" => Stored::I8(read(&mut npz, &name)),
                "int16" => Stored::I16(read(&mut npz, &name)),
                "int32" => Stored::I32(read(&mut npz, &name)),
                "int64" => Stored::I64(read(&mut npz, &name)),
                "uint8" => Stored::U8(read(&mut npz, &name)),
                "uint16" => Stored::U16(read(&mut npz, &name)),
                "uint32" => Stored::U32(read(&mut npz, &name)),
                "uint64" => Stored::U64(read(&mut npz, &name)),
                other => panic!("unexpected stored dtype {other}"),
            };
            arrays.insert(key, stored);
        }
        let cases = meta["cases"].as_array().unwrap().clone();
        (Golden { arrays }, cases)
    }
}

/// Types the golden data holds, and how to take them from storage.
trait Golden1: Element + Copy + std::fmt::Debug {
    /// NumPy's dtype name.
    const DTYPE: &'static str;
    fn take(stored: &Stored) -> Option<Vec<Self>>;
}

macro_rules! golden1 {
    ($($t:ty => $dtype:literal, $variant:ident, |$x:ident| $conv:expr;)*) => {$(
        impl Golden1 for $t {
            const DTYPE: &'static str = $dtype;
            fn take(stored: &Stored) -> Option<Vec<Self>> {
                match stored {
                    Stored::$variant(v) => Some(v.iter().map(|&$x| $conv).collect()),
                    _ => None,
                }
            }
        }
    )*};
}
golden1! {
    f64 => "float64", F64, |x| x;
    f32 => "float32", F32, |x| x;
    f16 => "float16", U16, |x| f16::from_bits(x);
    Complex<f64> => "complex128", C128, |x| x;
    Complex<f32> => "complex64", C64, |x| x;
    i8 => "int8", I8, |x| x;
    i16 => "int16", I16, |x| x;
    i32 => "int32", I32, |x| x;
    i64 => "int64", I64, |x| x;
    u8 => "uint8", U8, |x| x;
    u16 => "uint16", U16, |x| x;
    u32 => "uint32", U32, |x| x;
    u64 => "uint64", U64, |x| x;
}

fn storage(dtype: &str) -> &str {
    if dtype == "float16" {
        "uint16"
    } else if dtype.starts_with("timedelta64") {
        "int64"
    } else {
        dtype
    }
}

impl Golden {
    fn slice<T: Golden1>(&self, role: &str, offset: usize, len: usize) -> Vec<T> {
        let key = format!("{role}_{}", storage(T::DTYPE));
        let all =
            T::take(&self.arrays[&key]).unwrap_or_else(|| panic!("{key} is not {}", T::DTYPE));
        all[offset..offset + len].to_vec()
    }
}

/// Bits of an output element, for exact comparison. A NaN compares equal
/// to any NaN: IEEE 754 does not say which NaN an operation on two NaNs
/// returns, Rust does not promise it (LLVM may swap the operands of `+`),
/// and NumPy's own SIMD and scalar loops differ in it. Everything else,
/// signed zeros and infinities included, must match exactly.
trait Bits: Copy + std::fmt::Debug {
    fn bits(self) -> (u64, u64);
}
const NAN: u64 = u64::MAX;
fn real_bits(is_nan: bool, bits: u64) -> u64 {
    if is_nan { NAN } else { bits }
}
impl Bits for f64 {
    fn bits(self) -> (u64, u64) {
        (real_bits(self.is_nan(), self.to_bits()), 0)
    }
}
impl Bits for f32 {
    fn bits(self) -> (u64, u64) {
        (real_bits(self.is_nan(), self.to_bits().into()), 0)
    }
}
impl Bits for f16 {
    fn bits(self) -> (u64, u64) {
        (real_bits(self.is_nan(), self.to_bits().into()), 0)
    }
}
impl Bits for Complex<f64> {
    fn bits(self) -> (u64, u64) {
        (self.re.bits().0, self.im.bits().0)
    }
}
impl Bits for Complex<f32> {
    fn bits(self) -> (u64, u64) {
        (self.re.bits().0, self.im.bits().0)
    }
}

/// A spacing that owns its coordinates.
enum OwnedSpacing {
    Unit,
    Weak(Step),
    Strong(Step),
    Coords(OwnedCoords),
}

enum OwnedCoords {
    F16(Array1<f16>),
    F32(Array1<f32>),
    F64(Array1<f64>),
    I8(Array1<i8>),
    I16(Array1<i16>),
    I32(Array1<i32>),
    I64(Array1<i64>),
    U8(Array1<u8>),
    U16(Array1<u16>),
    U32(Array1<u32>),
    U64(Array1<u64>),
}

impl OwnedSpacing {
    fn load(g: &Golden, spec: &Value) -> OwnedSpacing {
        let kind = spec["kind"].as_str().unwrap();
        if kind == "unit" {
            return OwnedSpacing::Unit;
        }
        let dtype = spec["dtype"].as_str().unwrap();
        let off = spec["offset"].as_u64().unwrap() as usize;
        let len = spec["len"].as_u64().unwrap() as usize;
        macro_rules! typed {
            ($($t:ty => $v:ident),*) => {
                match dtype {
                    $(<$t as Golden1>::DTYPE => {
                        let x: Vec<$t> = g.slice("sp", off, len);
                        match kind {
                            "weak" => OwnedSpacing::Weak(Step::from(x[0])),
                            "strong" => OwnedSpacing::Strong(Step::from(x[0])),
                            "coords" => OwnedSpacing::Coords(OwnedCoords::$v(Array1::from(x))),
                            other => panic!("unknown spacing kind {other}"),
                        }
                    })*
                    other => panic!("unknown spacing dtype {other}"),
                }
            };
        }
        typed!(f16 => F16, f32 => F32, f64 => F64, i8 => I8, i16 => I16, i32 => I32,
               i64 => I64, u8 => U8, u16 => U16, u32 => U32, u64 => U64)
    }

    fn spacing(&self) -> Spacing<'_> {
        match self {
            OwnedSpacing::Unit => Spacing::Unit,
            OwnedSpacing::Weak(h) => Spacing::UniformWeak(*h),
            OwnedSpacing::Strong(h) => Spacing::Uniform(*h),
            OwnedSpacing::Coords(c) => Spacing::Coordinates(match c {
                OwnedCoords::F16(x) => Coords::from(x),
                OwnedCoords::F32(x) => Coords::from(x),
                OwnedCoords::F64(x) => Coords::from(x),
                OwnedCoords::I8(x) => Coords::from(x),
                OwnedCoords::I16(x) => Coords::from(x),
                OwnedCoords::I32(x) => Coords::from(x),
                OwnedCoords::I64(x) => Coords::from(x),
                OwnedCoords::U8(x) => Coords::from(x),
                OwnedCoords::U16(x) => Coords::from(x),
                OwnedCoords::U32(x) => Coords::from(x),
                OwnedCoords::U64(x) => Coords::from(x),
            }),
        }
    }
}

/// Calls `check` with the same logical array in several memory layouts.
fn for_each_layout<T: Copy + num_traits_zero::Zero>(
    f: &ArrayD<T>,
    mut check: impl FnMut(&str, ArrayViewD<'_, T>),
) {
    check("C order", f.view());

    let mut fortran = ArrayD::from_elem(IxDyn(f.shape()).f(), T::zero());
    fortran.assign(f);
    check("F order", fortran.view());

    let rev = |s: usize| Slice::new(0, None, if s > 0 { -1 } else { 1 });
    let reversed = f.slice_each_axis(|d| rev(d.len)).to_owned();
    check("negative strides", reversed.slice_each_axis(|d| rev(d.len)));

    let big_shape: Vec<usize> = f.shape().iter().map(|&n| 2 * n + 1).collect();
    let mut big = ArrayD::from_elem(big_shape, T::zero());
    big.slice_each_axis_mut(|_| Slice::new(1, None, 2))
        .assign(f);
    check(
        "step-sliced",
        big.slice_each_axis(|_| Slice::new(1, None, 2)),
    );

    let t = f.t().to_owned();
    check("transposed storage", t.t());
}

/// A zero for the layout helpers (the crate's own `Scalar::ZERO` covers
/// outputs only; inputs include integers).
mod num_traits_zero {
    use super::{Complex, f16};
    pub(super) trait Zero {
        fn zero() -> Self;
    }
    macro_rules! zero {
        ($($t:ty => $z:expr),*) => {$(impl Zero for $t { fn zero() -> Self { $z } })*};
    }
    zero!(f64 => 0.0, f32 => 0.0, f16 => f16::ZERO, Complex<f64> => Complex::new(0.0, 0.0),
          Complex<f32> => Complex::new(0.0, 0.0), i8 => 0, i16 => 0, i32 => 0, i64 => 0,
          u8 => 0, u16 => 0, u32 => 0, u64 => 0);
}

fn par() -> Par {
    #[cfg(feature = "rayon")]
    return Par::rayon(2);
    #[cfg(not(feature = "rayon"))]
    return Par::Seq;
}

fn assert_bits<T: Bits>(got: &ArrayD<T>, want: &[T], what: &dyn Fn() -> String) {
    assert_eq!(got.len(), want.len(), "{}", what());
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            g.bits() == w.bits(),
            "{}: element {k} (C order) is {g:?} (bits {:x?}), NumPy gives {w:?} (bits {:x?})",
            what(),
            g.bits(),
            w.bits()
        );
    }
}

/// Runs one case through every entry point and layout. Returns the number
/// of output arrays compared.
fn run_case<I>(g: &Golden, n: usize, case: &Value) -> usize
where
    I: Golden1 + num_traits_zero::Zero,
    I::Output: Golden1 + Bits + num_traits_zero::Zero,
{
    let shape: Vec<usize> = case["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let size = shape.iter().product();
    let f = ArrayD::from_shape_vec(
        shape.clone(),
        g.slice::<I>("in", case["input"].as_u64().unwrap() as usize, size),
    )
    .unwrap();
    let axes: Vec<Axis> = case["axes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| Axis(v.as_u64().unwrap() as usize))
        .collect();
    let edge = EdgeOrder::try_from(case["edge_order"].as_i64().unwrap()).unwrap();
    let owned: Vec<OwnedSpacing> = case["spacing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| OwnedSpacing::load(g, s))
        .collect();
    let spacings: Vec<Spacing<'_>> = owned.iter().map(OwnedSpacing::spacing).collect();
    assert_eq!(
        case["out_dtype"].as_str().unwrap(),
        <I::Output as Golden1>::DTYPE
    );
    let expected: Vec<Vec<I::Output>> = case["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| g.slice("out", o.as_u64().unwrap() as usize, size))
        .collect();
    let what = |how: &str| format!("case {n} ({}, {how}): {case}", I::DTYPE);

    let opts = Options::new()
        .axes(axes.iter().copied())
        .spacing_per_axis(spacings.iter().copied())
        .edge_order(edge);
    for_each_layout(&f, |layout, view| {
        let got = gradient_with(&view, &opts).unwrap_or_else(|e| panic!("{}: {e}", what(layout)));
        for (k, (got, want)) in got.iter().zip(&expected).enumerate() {
            assert_bits(got, want, &|| what(&format!("{layout}, output {k}")));
        }
    });

    // One axis at a time, into Fortran-ordered outputs, with threads asked for.
    for (k, (&axis, &spacing)) in axes.iter().zip(&spacings).enumerate() {
        let single = gradient_axis(&f, axis, spacing, edge).unwrap();
        assert_bits(&single, &expected[k], &|| {
            what(&format!("gradient_axis {axis:?}"))
        });
        let mut out = ArrayD::from_elem(
            IxDyn(&shape).f(),
            <I::Output as num_traits_zero::Zero>::zero(),
        );
        gradient_axis_into(&f, &mut out, axis, spacing, edge, par()).unwrap();
        assert_bits(&out, &expected[k], &|| {
            what(&format!("gradient_axis_into {axis:?}"))
        });
    }
    let mut outs: Vec<ArrayD<I::Output>> = expected
        .iter()
        .map(|_| {
            ArrayD::from_elem(
                IxDyn(&shape).f(),
                <I::Output as num_traits_zero::Zero>::zero(),
            )
        })
        .collect();
    let mut transposed: Vec<_> = outs
        .iter_mut()
        .map(|o| o.view_mut().reversed_axes())
        .collect();
    gradient_with_into(&f.t(), &mut transposed, &{
        // The transposed problem: axes reversed, same spacings.
        let nd = shape.len();
        Options::new()
            .axes(axes.iter().map(|a| Axis(nd - 1 - a.index())))
            .spacing_per_axis(spacings.iter().copied())
            .edge_order(edge)
    })
    .unwrap_or_else(|e| panic!("{}: {e}", what("transposed into")));
    for (k, (got, want)) in outs.iter().zip(&expected).enumerate() {
        assert_bits(got, want, &|| {
            what(&format!("transposed gradient_with_into, output {k}"))
        });
    }
    expected.len()
}

/// A timedelta64 case: `i64` ticks in and out, through `ndgrad::timedelta`,
/// one axis at a time, on every layout.
fn run_timedelta_case(g: &Golden, n: usize, case: &Value) -> usize {
    let shape: Vec<usize> = case["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let size = shape.iter().product();
    let ticks: Vec<i64> = g.slice("in", case["input"].as_u64().unwrap() as usize, size);
    let f = ArrayD::from_shape_vec(shape.clone(), ticks).unwrap();
    let edge = EdgeOrder::try_from(case["edge_order"].as_i64().unwrap()).unwrap();
    let outputs = case["outputs"].as_array().unwrap();
    for (k, (axis, spec)) in case["axes"]
        .as_array()
        .unwrap()
        .iter()
        .zip(case["spacing"].as_array().unwrap())
        .enumerate()
    {
        let axis = Axis(axis.as_u64().unwrap() as usize);
        let owned = OwnedSpacing::load(g, spec);
        let want: Vec<i64> = g.slice("out", outputs[k].as_u64().unwrap() as usize, size);
        for_each_layout(&f, |layout, view| {
            let got = ndgrad::timedelta::gradient_axis(&view, axis, owned.spacing(), edge).unwrap();
            assert_eq!(
                got.iter().copied().collect::<Vec<_>>(),
                want,
                "case {n} ({layout}): {case}"
            );
        });
        let mut out = ArrayD::from_elem(IxDyn(&shape).f(), 0i64);
        ndgrad::timedelta::gradient_axis_into(&f, &mut out, axis, owned.spacing(), edge, par())
            .unwrap();
        assert_eq!(
            out.iter().copied().collect::<Vec<_>>(),
            want,
            "case {n} (into): {case}"
        );
    }
    outputs.len()
}

#[test]
fn every_golden_case_matches_numpy_bit_for_bit() {
    let (g, cases) = Golden::load();
    assert!(
        cases.len() >= 680,
        "golden data has only {} cases",
        cases.len()
    );
    let mut outputs = 0;
    let mut per_dtype: HashMap<String, usize> = HashMap::new();
    let mut skipped = 0;
    for (n, case) in cases.iter().enumerate() {
        let dtype = case["dtype"].as_str().unwrap();
        if case["fma"]
            .as_bool()
            .is_some_and(|fma| fma != numpy_would_fuse())
        {
            // Generated where NumPy's complex multiply fuses (or not) and run
            // where it would not: only the sign of zero products differs.
            skipped += 1;
            continue;
        }
        *per_dtype.entry(dtype.to_string()).or_default() += 1;
        outputs += match dtype {
            "float64" => run_case::<f64>(&g, n, case),
            "float32" => run_case::<f32>(&g, n, case),
            "float16" => run_case::<f16>(&g, n, case),
            "complex128" => run_case::<Complex<f64>>(&g, n, case),
            "complex64" => run_case::<Complex<f32>>(&g, n, case),
            "int8" => run_case::<i8>(&g, n, case),
            "int16" => run_case::<i16>(&g, n, case),
            "int32" => run_case::<i32>(&g, n, case),
            "int64" => run_case::<i64>(&g, n, case),
            "uint8" => run_case::<u8>(&g, n, case),
            "uint16" => run_case::<u16>(&g, n, case),
            "uint32" => run_case::<u32>(&g, n, case),
            "uint64" => run_case::<u64>(&g, n, case),
            "timedelta64[s]" => run_timedelta_case(&g, n, case),
            other => panic!("unexpected dtype {other}"),
        };
    }
    assert_eq!(
        per_dtype.len(),
        14,
        "every NumPy numeric dtype is covered: {per_dtype:?}"
    );
    assert!(outputs > cases.len());
    if skipped > 0 {
        eprintln!(
            "{skipped} cases skipped: they were generated on a CPU where NumPy's complex multiply fuses differently"
        );
    }
}

/// Whether NumPy would run its fused (FMA) complex multiply on this CPU:
/// its `X86_V3` build needs these features (the same test as ndgrad's).
fn numpy_would_fuse() -> bool {
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
    #[cfg(not(target_arch = "x86_64"))]
    {
        cfg!(target_arch = "aarch64")
    }
}
