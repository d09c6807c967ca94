//! `AxisPieces`: differentiating the rows a piece reads, with the piece's
//! scheme and spacing, gives the whole axis' rows bit for bit, for every
//! scheme, boundary and spacing (the contract the CLI streamer and
//! `ndgrad.dask` build on).

use ndarray::{Array1, Axis, s};
use ndgrad::{
    AxisPieces, Boundary, Coords, EdgeOrder, GradientError, Scheme, Spacing, shift_wrapped,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

fn config() -> Config {
    Config {
        cases: 256,
        rng_seed: RngSeed::Fixed(0x7069_6563_6573),
        failure_persistence: None,
        ..Config::default()
    }
}

/// A scheme: NumPy's (edge order 1 or 2) or `(d, k)`, one-sided or periodic.
fn scheme() -> impl Strategy<Value = (Scheme, bool)> {
    let numpy =
        prop_oneof![Just(EdgeOrder::First), Just(EdgeOrder::Second)].prop_map(Scheme::numpy);
    let dk = (1u8..=4, prop_oneof![Just(2u8), Just(4), Just(6), Just(8)])
        .prop_map(|(d, k)| Scheme::new(d, k).unwrap());
    (prop_oneof![numpy, dk], any::<bool>())
}

/// The spacing kinds: 0 unit, 1 step, 2 equally spaced coordinates, 3
/// non-uniform coordinates (f64), 4 non-uniform integer coordinates, 5
/// non-uniform `f32` coordinates.
#[derive(Debug, Clone)]
enum Kind {
    Unit,
    Step(f64),
    Even(Array1<f64>),
    Uneven(Array1<f64>),
    Ints(Array1<i32>),
    Single(Array1<f32>),
}

fn kind(n: usize) -> impl Strategy<Value = Kind> {
    let gaps = proptest::collection::vec(1u32..9, n);
    (0..6, 0.1f64..3.0, gaps).prop_map(move |(k, h, gaps)| {
        let mut x = Vec::with_capacity(n);
        let mut at = 0u32;
        for g in &gaps {
            x.push(at);
            at += g;
        }
        match k {
            0 => Kind::Unit,
            1 => Kind::Step(h),
            2 => Kind::Even(Array1::from_shape_fn(n, |i| 0.25 * i as f64)),
            3 => Kind::Uneven(x.iter().map(|&v| f64::from(v) * 0.1).collect()),
            4 => Kind::Ints(x.iter().map(|&v| v as i32).collect()),
            _ => Kind::Single(x.iter().map(|&v| v as f32 * 0.3).collect()),
        }
    })
}

impl Kind {
    fn spacing(&self) -> Spacing<'_> {
        match self {
            Kind::Unit => Spacing::Unit,
            Kind::Step(h) => Spacing::uniform(*h),
            Kind::Even(x) | Kind::Uneven(x) => Spacing::coordinates(x),
            Kind::Ints(x) => Spacing::coordinates(x),
            Kind::Single(x) => Spacing::coordinates(x),
        }
    }

    /// A period for a periodic axis with coordinates: the span plus a gap.
    fn period(&self) -> Option<f64> {
        let span = |a: f64, b: f64| Some(b - a + 0.75);
        match self {
            Kind::Unit | Kind::Step(_) => None,
            Kind::Even(x) | Kind::Uneven(x) => span(x[0], x[x.len() - 1]),
            Kind::Ints(x) => span(f64::from(x[0]), f64::from(x[x.len() - 1])).map(f64::ceil),
            Kind::Single(x) => span(f64::from(x[0]), f64::from(x[x.len() - 1])),
        }
    }
}

fn case() -> impl Strategy<Value = (Scheme, Kind, Array1<f64>, usize, usize)> {
    (12usize..40, scheme()).prop_flat_map(|(n, (scheme, periodic))| {
        (
            kind(n),
            proptest::collection::vec(-4.0f64..4.0, n),
            0..n,
            1..n,
        )
            .prop_map(move |(kind, f, a, len)| {
                let scheme = if periodic {
                    scheme.with_boundary(Boundary::Periodic {
                        period: kind.period(),
                    })
                } else {
                    scheme
                };
                let b = (a + len).min(n);
                (scheme, kind, Array1::from(f), a, b)
            })
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_piece_gives_the_whole_axis_rows((scheme, kind, f, a, b) in case()) {
        let n = f.len();
        let spacing = kind.spacing();
        let whole = ndgrad::gradient_axis(&f, Axis(0), spacing, scheme).unwrap();
        let axis = AxisPieces::new(&spacing, scheme, 0, n).unwrap();
        let piece = axis.piece(a..b).unwrap();
        prop_assert!(piece.read.len() <= (b - a) + axis.max_halo());
        // The rows read, gathered from their sources (wrapping on a periodic axis).
        let rows: Vec<f64> = piece.sources().into_iter().flat_map(|r| f.slice(s![r]).to_vec()).collect();
        prop_assert_eq!(rows.len(), piece.read.len());
        let part = ndgrad::gradient_axis(&Array1::from(rows), Axis(0), piece.spacing(), piece.scheme)
            .unwrap();
        let got = part.slice(s![piece.own.clone()]);
        let want = whole.slice(s![a..b]);
        prop_assert!(
            got.iter().zip(want.iter()).all(|(g, w)| g.to_bits() == w.to_bits()),
            "rows {a}..{b} of {n} under {scheme}: got {got}, want {want}"
        );
        // Coordinates gathered elsewhere and shifted give the piece's.
        let period = scheme.boundary().is_periodic().then(|| kind.period()).flatten();
        if let (Some(period), Some(x), Spacing::NonUniform(want)) =
            (period, kind.coords(), piece.spacing())
        {
            let gathered = x.gathered(&piece.sources());
            let got = shift_wrapped(&gathered.coords(), piece.read.clone(), n, period).unwrap();
            prop_assert_eq!(
                format!("{:?}", got.spacing()),
                format!("{:?}", Spacing::NonUniform(want))
            );
        }
    }
}

/// Coordinates gathered from a piece's sources, in their own type.
enum Gathered {
    F64(Array1<f64>),
    I32(Array1<i32>),
    F32(Array1<f32>),
}

impl Gathered {
    fn coords(&self) -> Coords<'_> {
        match self {
            Gathered::F64(x) => Coords::from(x.view()),
            Gathered::I32(x) => Coords::from(x.view()),
            Gathered::F32(x) => Coords::from(x.view()),
        }
    }
}

/// A kind's coordinates, if it has any.
enum KindCoords<'a> {
    F64(&'a Array1<f64>),
    I32(&'a Array1<i32>),
    F32(&'a Array1<f32>),
}

impl KindCoords<'_> {
    fn gathered(&self, sources: &[std::ops::Range<usize>]) -> Gathered {
        fn take<T: Copy>(x: &Array1<T>, sources: &[std::ops::Range<usize>]) -> Array1<T> {
            sources
                .iter()
                .flat_map(|r| x.slice(s![r.clone()]).to_vec())
                .collect()
        }
        match self {
            KindCoords::F64(x) => Gathered::F64(take(x, sources)),
            KindCoords::I32(x) => Gathered::I32(take(x, sources)),
            KindCoords::F32(x) => Gathered::F32(take(x, sources)),
        }
    }
}

impl Kind {
    fn coords(&self) -> Option<KindCoords<'_>> {
        match self {
            Kind::Unit | Kind::Step(_) => None,
            Kind::Even(x) | Kind::Uneven(x) => Some(KindCoords::F64(x)),
            Kind::Ints(x) => Some(KindCoords::I32(x)),
            Kind::Single(x) => Some(KindCoords::F32(x)),
        }
    }
}

#[test]
fn a_piece_is_checked_as_the_whole_axis() {
    let x = ndarray::array![0.0, 1.0, 3.0, 2.0, 5.0];
    let periodic = Scheme::new(1, 2)
        .unwrap()
        .with_boundary(Boundary::Periodic { period: Some(9.0) });
    assert!(matches!(
        AxisPieces::new(&Spacing::coordinates(&x), periodic, 1, 5),
        Err(GradientError::PeriodicCoordinates {
            axis: 1,
            index: 3,
            ..
        })
    ));
    assert!(matches!(
        AxisPieces::new(&Spacing::Unit, Scheme::new(2, 8).unwrap(), 0, 5),
        Err(GradientError::AxisTooShort {
            axis: 0,
            len: 5,
            ..
        })
    ));
    let axis = AxisPieces::new(&Spacing::Unit, Scheme::numpy(EdgeOrder::First), 0, 5).unwrap();
    assert!(axis.piece(3..3).is_none());
    assert!(axis.piece(4..6).is_none());
    assert_eq!(axis.piece(0..5).unwrap().read, 0..5);
}
