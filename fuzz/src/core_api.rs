//! The core API on arbitrary small arrays: shapes of 0-4 dimensions, views
//! (steps, negative steps, transposes), every element type, spacings (unit,
//! steps including zero, negative and NaN, coordinates including repeated,
//! unsorted and NaN ones), axes (including invalid and repeated ones) and
//! schemes (NumPy's edge orders, `Scheme::new(d, k)` with invalid values,
//! periodic and padding boundaries), and chains of two passes.
//!
//! Properties: no panic (errors are fine); when a call succeeds, its
//! `_into` variant succeeds with the same bits; a chain gives the composed
//! single-axis calls' bits (or their first error); the threaded kernels
//! (`Par::rayon`) give the serial kernels' bits. Arrays this small never
//! reach the threaded kernels (they split only large arrays), so one input
//! in 16384 (by a hash of its bytes) asks for a large copy (the small array tiled to ~2^21
//! elements) to exercise them.
use arbitrary::{Arbitrary, Unstructured};
use ndgrad::half::f16;
use ndgrad::ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, ShapeBuilder, Slice};
use ndgrad::num_complex::Complex;
use ndgrad::{Boundary, EdgeOrder, Element, Float, GradientError, Options, Par, Scheme, Spacing};

/// The exact bits of an output element, any NaN standing for every NaN:
/// which NaN comes out (its sign and payload) is unspecified, here as in
/// NumPy (IEEE 754 leaves it open when two NaNs meet).
trait Bits: Copy {
    fn bits(self) -> (u64, u64);
}
const ANY_NAN: u64 = u64::MAX;
impl Bits for f64 {
    fn bits(self) -> (u64, u64) {
        (
            if self.is_nan() {
                ANY_NAN
            } else {
                self.to_bits()
            },
            0,
        )
    }
}
impl Bits for f32 {
    fn bits(self) -> (u64, u64) {
        (
            if self.is_nan() {
                ANY_NAN
            } else {
                u64::from(self.to_bits())
            },
            0,
        )
    }
}
impl Bits for f16 {
    fn bits(self) -> (u64, u64) {
        (
            if self.is_nan() {
                ANY_NAN
            } else {
                u64::from(self.to_bits())
            },
            0,
        )
    }
}
impl<T: Bits> Bits for Complex<T> {
    fn bits(self) -> (u64, u64) {
        (self.re.bits().0, self.im.bits().0)
    }
}

fn same<T: Bits>(a: &ArrayD<T>, b: &ArrayD<T>) -> bool {
    a.shape() == b.shape() && a.iter().zip(b.iter()).all(|(x, y)| x.bits() == y.bits())
}

/// Where two arrays of the same shape first differ, for failure messages.
fn first_difference<T: Bits + std::fmt::Debug>(a: &ArrayD<T>, b: &ArrayD<T>) -> String {
    a.indexed_iter()
        .zip(b.iter())
        .find(|((_, x), y)| x.bits() != y.bits())
        .map_or_else(String::new, |((i, x), y)| {
            format!("at {i:?}: {x:?} vs {y:?}")
        })
}

fn same_all<T: Bits>(a: &[ArrayD<T>], b: &[ArrayD<T>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
}

/// Two calls failed the same way. Compared by their `Debug` form: an error
/// may carry a NaN (a period, a step), and NaN != NaN.
fn same_error(a: &GradientError, b: &GradientError) {
    assert_eq!(
        format!("{a:?}"),
        format!("{b:?}"),
        "the calls fail differently"
    );
}

/// A value of each element type from a fuzzed `f64` (or raw bits).
trait Gen: Element + Clone + Default + std::fmt::Debug {
    fn make(a: f64, b: f64) -> Self;
}
impl Gen for f64 {
    fn make(a: f64, _: f64) -> Self {
        a
    }
}
impl Gen for f32 {
    fn make(a: f64, _: f64) -> Self {
        a as f32
    }
}
impl Gen for f16 {
    fn make(a: f64, _: f64) -> Self {
        f16::from_f64(a)
    }
}
impl Gen for Complex<f64> {
    fn make(a: f64, b: f64) -> Self {
        Complex::new(a, b)
    }
}
impl Gen for Complex<f32> {
    fn make(a: f64, b: f64) -> Self {
        Complex::new(a as f32, b as f32)
    }
}
macro_rules! gen_int {
    ($($t:ty),*) => {$(
        impl Gen for $t {
            fn make(a: f64, _: f64) -> Self {
                a as $t
            }
        }
    )*};
}
gen_int!(i8, i16, i32, i64, u8, u16, u32, u64);

const SPECIAL: [f64; 16] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    2.0,
    3.0,
    1e-308,
    5e-324,
    1e308,
    f64::MAX,
    f64::MIN_POSITIVE,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    65504.0,
];

fn value(u: &mut Unstructured<'_>) -> arbitrary::Result<f64> {
    Ok(match u8::arbitrary(u)? % 4 {
        0 => SPECIAL[usize::from(u8::arbitrary(u)? % 16)],
        1 => f64::from_bits(u64::arbitrary(u)?),
        _ => f64::from(i8::arbitrary(u)?) / 4.0,
    })
}

/// A spacing description; coordinates are built once the axis lengths are known.
enum SpacingKind {
    Unit,
    Step(f64, u8),
    Coords(Vec<f64>, u8, bool),
}

fn spacing_kind(u: &mut Unstructured<'_>) -> arbitrary::Result<SpacingKind> {
    Ok(match u8::arbitrary(u)? % 4 {
        0 => SpacingKind::Unit,
        1 => SpacingKind::Step(value(u)?, u8::arbitrary(u)?),
        _ => {
            let sorted = bool::arbitrary(u)?;
            let n = usize::from(u8::arbitrary(u)? % 10);
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                v.push(value(u)?);
            }
            SpacingKind::Coords(v, u8::arbitrary(u)?, sorted)
        }
    })
}

/// Coordinates as arrays of the three kinds the targets use.
struct CoordStore {
    f64s: Vec<ndgrad::ndarray::Array1<f64>>,
    f32s: Vec<ndgrad::ndarray::Array1<f32>>,
    i64s: Vec<ndgrad::ndarray::Array1<i64>>,
}

fn build_coords(kinds: &[SpacingKind], store: &mut CoordStore, len_hint: &[usize]) {
    for (i, k) in kinds.iter().enumerate() {
        if let SpacingKind::Coords(v, ty, sorted) = k {
            let mut v = v.clone();
            // Usually as long as the axis, so the call gets past validation.
            if let Some(&n) = len_hint.get(i)
                && ty % 2 == 0
                && !v.is_empty()
            {
                let base = v.clone();
                v = (0..n)
                    .map(|j| base[j % base.len()] + (j / base.len()) as f64)
                    .collect();
            }
            if *sorted {
                v.sort_by(f64::total_cmp);
            }
            store.f64s.push(v.iter().copied().collect());
            store.f32s.push(v.iter().map(|&x| x as f32).collect());
            store.i64s.push(v.iter().map(|&x| x as i64).collect());
        }
    }
}

fn build_spacings<'a>(kinds: &[SpacingKind], store: &'a CoordStore) -> Vec<Spacing<'a>> {
    let mut c = 0;
    kinds
        .iter()
        .map(|k| match k {
            SpacingKind::Unit => Spacing::Unit,
            SpacingKind::Step(h, ty) => match ty % 6 {
                0 => Spacing::uniform(*h),
                1 => Spacing::uniform(*h as f32),
                2 => Spacing::uniform(f16::from_f64(*h)),
                3 => Spacing::uniform(*h as i64),
                4 => Spacing::uniform(*h as u8),
                _ => Spacing::uniform_weak(*h),
            },
            SpacingKind::Coords(_, ty, _) => {
                let i = c;
                c += 1;
                match (ty / 2) % 4 {
                    0 | 1 => Spacing::coordinates(&store.f64s[i]),
                    2 => Spacing::coordinates(&store.f32s[i]),
                    _ => Spacing::coordinates(&store.i64s[i]),
                }
            }
        })
        .collect()
}

fn scheme(u: &mut Unstructured<'_>) -> arbitrary::Result<Scheme> {
    let base = match u8::arbitrary(u)? % 4 {
        0 => Scheme::from(EdgeOrder::First),
        1 => Scheme::from(EdgeOrder::Second),
        _ => {
            let d = u8::arbitrary(u)? % 6; // 0..5: 0 and 5 invalid
            let k = u8::arbitrary(u)? % 10; // 0..9: odd, 0 and 9 invalid
            match Scheme::new(d, k) {
                Ok(s) => s,
                Err(_) => Scheme::from(EdgeOrder::First),
            }
        }
    };
    Ok(match u8::arbitrary(u)? % 8 {
        0 => base.with_boundary(Boundary::Periodic { period: None }),
        1 => base.with_boundary(Boundary::Periodic {
            period: Some(value(u)?),
        }),
        2 => base.with_boundary(Boundary::Reflect),
        3 => base.with_boundary(Boundary::Mirror),
        4 => base.with_boundary(Boundary::Nearest),
        5 => base.with_boundary(Boundary::Constant { value: value(u)? }),
        _ => base,
    })
}

/// Checks the operators that need a real-valued output.
trait MaybeMagnitude: Gen {
    fn magnitude_check(_f: &ArrayViewD<'_, Self>, _opts: &Options<'_>) {}
}

fn magnitude_check<I>(f: &ArrayViewD<'_, I>, opts: &Options<'_>)
where
    I: Gen,
    I::Output: Float + Bits,
{
    let r = ndgrad::magnitude(f, opts);
    let mut out = ArrayD::<I::Output>::from_elem(f.shape(), f_zero::<I>());
    let ri = ndgrad::magnitude_into(f, &mut out, opts);
    match (r, ri) {
        (Ok(a), Ok(())) => assert!(same(&a, &out), "magnitude_into differs"),
        (Err(a), Err(b)) => same_error(&a, &b),
        (a, b) => panic!("magnitude {a:?} vs magnitude_into {b:?}"),
    }
}

fn f_zero<I: Element>() -> I::Output {
    <I::Output as ndgrad::Scalar>::ZERO
}

macro_rules! mag_real {
    ($($t:ty),*) => {$(
        impl MaybeMagnitude for $t {
            fn magnitude_check(f: &ArrayViewD<'_, Self>, opts: &Options<'_>) {
                magnitude_check::<$t>(f, opts);
            }
        }
    )*};
}
mag_real!(f64, f32, f16, i8, i16, i32, i64, u8, u16, u32, u64);
impl MaybeMagnitude for Complex<f64> {}
impl MaybeMagnitude for Complex<f32> {}

fn run<I>(u: &mut Unstructured<'_>, big: bool) -> arbitrary::Result<()>
where
    I: MaybeMagnitude,
    I::Output: Bits,
{
    // Shape of the view, 0-4 dimensions, at most 64 elements.
    let ndim = usize::from(u8::arbitrary(u)? % 5);
    let mut shape = Vec::with_capacity(ndim);
    let mut total = 1usize;
    for _ in 0..ndim {
        let limit = (64 / total.max(1)).min(9);
        let n = usize::from(u8::arbitrary(u)?) % (limit + 1);
        shape.push(n);
        total *= n.max(1);
    }
    let big = big && ndim > 0;
    if big {
        let rest: usize = shape[1..].iter().product::<usize>().max(1);
        shape[0] = ((1 << 21) / rest).max(2);
    }
    // Steps (with their signs) of a view into a larger array; a transpose.
    let mut steps = Vec::with_capacity(ndim);
    for _ in 0..ndim {
        let s = isize::from(i8::arbitrary(u)? % 3);
        steps.push(if s == 0 { 1 } else { s });
    }
    let mut pool = Vec::new();
    for _ in 0..u8::arbitrary(u)? % 16 + 1 {
        pool.push(I::make(value(u)?, value(u)?));
    }
    let base_shape: Vec<usize> = shape
        .iter()
        .zip(&steps)
        .map(|(&n, &s)| n * s.unsigned_abs())
        .collect();
    let base_len: usize = base_shape.iter().product();
    let base = ArrayD::from_shape_vec(
        IxDyn(&base_shape),
        (0..base_len).map(|i| pool[i % pool.len()]).collect(),
    )
    .expect("shape matches");
    let view = base.slice_each_axis(|ax| Slice::new(0, None, steps[ax.axis.index()]));
    let mut perm: Vec<usize> = (0..ndim).collect();
    if bool::arbitrary(u)? {
        perm.reverse();
    } else if ndim >= 2 && bool::arbitrary(u)? {
        perm.swap(0, 1);
    }
    let view = view.permuted_axes(perm);
    let shape = view.shape().to_vec();

    // Options.
    let mut opts = Options::new();
    let mut axes_given = None;
    if bool::arbitrary(u)? {
        let n = usize::from(u8::arbitrary(u)? % 5);
        let mut axes = Vec::new();
        for _ in 0..n {
            axes.push(usize::from(u8::arbitrary(u)? % (ndim as u8 + 2)));
        }
        axes_given = Some(axes.clone());
        opts = opts.axes(axes.into_iter().map(Axis));
    }
    let axes_lens: Vec<usize> = match &axes_given {
        Some(a) => a
            .iter()
            .map(|&i| shape.get(i).copied().unwrap_or(0))
            .collect(),
        None => shape.clone(),
    };
    let per_axis = bool::arbitrary(u)?;
    let nkinds = if per_axis {
        let n = axes_lens.len();
        // Usually one spacing per axis; sometimes a wrong count.
        if u8::arbitrary(u)? % 8 == 0 {
            usize::from(u8::arbitrary(u)? % 6)
        } else {
            n
        }
    } else {
        1
    };
    let mut kinds = Vec::new();
    for _ in 0..nkinds {
        kinds.push(spacing_kind(u)?);
    }
    let hint: Vec<usize> = if per_axis {
        axes_lens.clone()
    } else {
        axes_lens.iter().take(1).copied().collect()
    };
    let mut store = CoordStore {
        f64s: vec![],
        f32s: vec![],
        i64s: vec![],
    };
    build_coords(&kinds, &mut store, &hint);
    let spacings = build_spacings(&kinds, &store);
    if per_axis {
        opts = opts.spacing_per_axis(spacings);
    } else if let Some(s) = spacings.into_iter().next() {
        opts = opts.spacing(s);
    }
    if bool::arbitrary(u)? {
        let n = if u8::arbitrary(u)? % 8 == 0 {
            usize::from(u8::arbitrary(u)? % 6)
        } else {
            axes_lens.len()
        };
        let mut schemes = Vec::new();
        for _ in 0..n {
            schemes.push(scheme(u)?);
        }
        opts = opts.scheme_per_axis(schemes);
    } else {
        opts = opts.scheme(scheme(u)?);
    }
    let tasks = usize::from(u8::arbitrary(u)? % 4) + 1;
    let serial = opts.clone().par(Par::Seq);
    let parallel = opts.clone().par(Par::rayon(tasks));

    // One of three groups of calls per input: each run stays cheap under
    // libFuzzer's instrumentation (all three ran ~600 times a second).
    let part = u8::arbitrary(u)? % if big { 2 } else { 3 }; // no operators on 2^21 elements
    if part == 0 {
        // gradient_with: allocating, _into, serial and parallel.
        let g = ndgrad::gradient_with(&view, &serial);
        let gp = ndgrad::gradient_with(&view, &parallel);
        let checked = ndgrad::check(&shape, &serial);
        match (&g, &gp) {
            (Ok(a), Ok(b)) => assert!(same_all(a, b), "parallel gradient differs"),
            (Err(a), Err(b)) => same_error(a, b),
            (a, b) => panic!("serial {a:?} vs parallel {b:?}"),
        }
        assert_eq!(checked.is_ok(), g.is_ok(), "check disagrees: {checked:?}");
        if let Ok(a) = &g {
            let mut outs: Vec<ArrayD<I::Output>> = a
                .iter()
                .map(|_| {
                    // A Fortran-ordered output half of the time.
                    if bool::arbitrary(u).unwrap_or(false) {
                        ArrayD::from_elem(IxDyn(&shape).f(), f_zero::<I>())
                    } else {
                        ArrayD::from_elem(IxDyn(&shape), f_zero::<I>())
                    }
                })
                .collect();
            ndgrad::gradient_with_into(&view, &mut outs, &parallel)
                .expect("_into fails where the allocating call did not");
            assert!(same_all(a, &outs), "gradient_with_into differs");
            // One axis at a time, with the same spacing and scheme, must agree
            // when the options are per-axis-free (a single spacing and scheme).
        }
    }
    if part == 1 {
        // One axis: gradient_axis and gradient_axis_into.
        if ndim > 0 {
            let axis = Axis(usize::from(u8::arbitrary(u)?) % (ndim + 1));
            let sk = spacing_kind(u)?;
            let mut st = CoordStore {
                f64s: vec![],
                f32s: vec![],
                i64s: vec![],
            };
            let ks = [sk];
            build_coords(&ks, &mut st, &[shape.get(axis.0).copied().unwrap_or(0)]);
            let sp = build_spacings(&ks, &st).pop().expect("one spacing");
            let sc = scheme(u)?;
            // A chain of two passes: the composed calls' bits, serial and
            // threaded, and the composed calls' first error.
            let axis2 = Axis(usize::from(u8::arbitrary(u)?) % (ndim + 1));
            let sc2 = scheme(u)?;
            let passes = [
                ndgrad::Pass::new(axis, sp, sc),
                ndgrad::Pass::new(axis2, Spacing::Unit, sc2),
            ];
            let c = ndgrad::chain(&view, &passes);
            let composed = ndgrad::gradient_axis(&view, axis, sp, sc)
                .and_then(|g| ndgrad::gradient_axis(&g, axis2, Spacing::Unit, sc2));
            match (&c, &composed) {
                (Ok(a), Ok(b)) => assert!(same(a, b), "chain differs: {}", first_difference(a, b)),
                (Err(a), Err(b)) => same_error(a, b),
                (a, b) => panic!("chain {a:?} vs composed {b:?}"),
            }
            if let Ok(a) = &c {
                let mut out = ArrayD::from_elem(IxDyn(&shape).f(), f_zero::<I>());
                ndgrad::chain_into(&view, &mut out, &passes, Par::rayon(tasks))
                    .expect("chain_into fails where chain did not");
                assert!(same(a, &out), "chain_into differs");
            }
            let r = ndgrad::gradient_axis(&view, axis, sp, sc);
            let mut out = ArrayD::from_elem(IxDyn(&shape), f_zero::<I>());
            let ri = ndgrad::gradient_axis_into(&view, &mut out, axis, sp, sc, Par::rayon(tasks));
            match (r, ri) {
                (Ok(a), Ok(())) => assert!(
                    same(&a, &out),
                    "gradient_axis_into differs: shape {shape:?} strides {:?} axis {} {sp:?} {sc:?} tasks {tasks}: {}",
                    view.strides(),
                    axis.0,
                    first_difference(&a, &out)
                ),
                (Err(a), Err(b)) => same_error(&a, &b),
                (a, b) => panic!("gradient_axis {a:?} vs gradient_axis_into {b:?}"),
            }
        }
    }
    if part == 2 {
        // Operators.
        I::magnitude_check(&view, &serial);
        let l = ndgrad::laplacian(&view, &serial);
        let lp = ndgrad::laplacian(&view, &parallel);
        let mut out = ArrayD::from_elem(IxDyn(&shape), f_zero::<I>());
        let li = ndgrad::laplacian_into(&view, &mut out, &serial);
        match (&l, &lp, li) {
            (Ok(a), Ok(b), Ok(())) => {
                assert!(same(a, b), "parallel laplacian differs");
                assert!(same(a, &out), "laplacian_into differs");
            }
            (Err(a), Err(b), Err(c)) => {
                same_error(a, b);
                same_error(a, &c);
            }
            (a, b, c) => panic!("laplacian {a:?} / {b:?} / {c:?}"),
        }
        let nfields = usize::from(u8::arbitrary(u)? % 5);
        let fields = vec![view.clone(); nfields];
        let d = ndgrad::divergence(&fields, &serial);
        let mut out = ArrayD::from_elem(IxDyn(&shape), f_zero::<I>());
        let di = ndgrad::divergence_into(&fields, &mut out, &parallel);
        match (&d, di) {
            (Ok(a), Ok(())) => assert!(same(a, &out), "divergence_into differs"),
            (Err(a), Err(b)) => same_error(a, &b),
            (a, b) => panic!("divergence {a:?} vs divergence_into {b:?}"),
        }
        let c = ndgrad::curl(&fields, &serial);
        let cp = ndgrad::curl(&fields, &parallel);
        match (&c, &cp) {
            (Ok(a), Ok(b)) => assert!(same_all(a, b), "parallel curl differs"),
            (Err(a), Err(b)) => same_error(a, b),
            (a, b) => panic!("curl {a:?} vs {b:?}"),
        }
        if let Ok(a) = &c {
            let mut outs: Vec<ArrayD<I::Output>> = a
                .iter()
                .map(|_| ArrayD::from_elem(IxDyn(&shape), f_zero::<I>()))
                .collect();
            ndgrad::curl_into(&fields, &mut outs, &serial)
                .expect("curl_into fails where curl did not");
            assert!(same_all(a, &outs), "curl_into differs");
        }
    }
    Ok(())
}

/// FNV-1a, 64 bits: a hash of the input that any change of a byte changes.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One input: its first byte picks the element type, the rest drives
/// [`run`]. Panics if a property does not hold.
pub fn check(bytes: &[u8]) {
    // One input in 16384 asks for a large copy (the threaded kernels),
    // picked by a hash of the whole input: a mutant of a large input is
    // seldom large itself, and an exhausted one never. (A marker byte made
    // every mutant of such an input large too: about 40 runs a second
    // under libFuzzer, ~700 on the smoke run, against ~40,000 without.)
    let big = fnv1a(bytes) % 16384 == 0;
    let mut u = Unstructured::new(bytes);
    let Ok(ty) = u8::arbitrary(&mut u) else {
        return;
    };
    let _ = match ty % 13 {
        0 => run::<f64>(&mut u, big),
        1 => run::<f32>(&mut u, big),
        2 => run::<f16>(&mut u, big),
        3 => run::<Complex<f64>>(&mut u, big),
        4 => run::<Complex<f32>>(&mut u, big),
        5 => run::<i8>(&mut u, big),
        6 => run::<i16>(&mut u, big),
        7 => run::<i32>(&mut u, big),
        8 => run::<i64>(&mut u, big),
        9 => run::<u8>(&mut u, big),
        10 => run::<u16>(&mut u, big),
        11 => run::<u32>(&mut u, big),
        _ => run::<u64>(&mut u, big),
    };
}
