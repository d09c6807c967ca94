//! Padding boundaries (reflect, mirror, nearest, constant): a padded axis
//! is differentiated as the interior of the explicitly padded axis, bit for
//! bit, also when the window is longer than the axis (scipy's repeated
//! extension); any piece gives the whole axis' rows; the exact weights
//! merge the samples read twice.

use ndarray::{Array1, Array2, Axis, s};
use ndgrad::{AxisPieces, Boundary, EdgeOrder, GradientError, Scheme, Spacing, gradient_axis};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

fn config() -> Config {
    Config {
        cases: 256,
        rng_seed: RngSeed::Fixed(0x7061_6464),
        failure_persistence: None,
        ..Config::default()
    }
}

fn pad() -> impl Strategy<Value = Boundary> {
    prop_oneof![
        Just(Boundary::Reflect),
        Just(Boundary::Mirror),
        Just(Boundary::Nearest),
        (-3.0f64..3.0).prop_map(|value| Boundary::Constant { value }),
    ]
}

fn scheme() -> impl Strategy<Value = Scheme> {
    (
        1u8..=4,
        prop_oneof![Just(2u8), Just(4), Just(6), Just(8)],
        pad(),
    )
        .prop_map(|(d, k, b)| Scheme::new(d, k).unwrap().with_boundary(b))
}

/// `f` padded by `r` positions each side, as the boundary says.
fn padded(f: &Array1<f64>, b: Boundary, r: usize) -> Array1<f64> {
    let n = f.len();
    let value = match b {
        Boundary::Constant { value } => value,
        _ => f64::NAN,
    };
    (-(r as isize)..(n + r) as isize)
        .map(|j| b.source(j, n).map_or(value, |i| f[i]))
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_padded_axis_is_the_interior_of_the_padded_array(
        scheme in scheme(),
        f in proptest::collection::vec(-4.0f64..4.0, 1..30),
        h in prop_oneof![Just(None), (0.1f64..3.0).prop_map(Some)],
    ) {
        let f = Array1::from(f);
        let spacing = h.map_or(Spacing::Unit, Spacing::uniform);
        let got = gradient_axis(&f, Axis(0), spacing, scheme).unwrap();
        // Wide enough for the one-sided scheme's ends to stay out of the
        // rows kept: every kept row reads its central window.
        let r = scheme.reach() + 4;
        let one_sided = scheme.with_boundary(Boundary::OneSided);
        let wide = gradient_axis(&padded(&f, scheme.boundary(), r), Axis(0), spacing, one_sided)
            .unwrap();
        let want = wide.slice(s![r..r + f.len()]);
        prop_assert!(
            got.iter().zip(want.iter()).all(|(g, w)| g.to_bits() == w.to_bits()),
            "{scheme}, n = {}: got {got}, want {want}", f.len()
        );
    }

    #[test]
    fn any_piece_of_a_padded_axis_gives_the_whole_axis_rows(
        scheme in scheme(),
        f in proptest::collection::vec(-4.0f64..4.0, 1..40),
        a in 0usize..40,
        len in 1usize..40,
    ) {
        let n = f.len();
        let f = Array1::from(f);
        let (a, b) = (a % n, (a % n + len).min(n));
        let whole = gradient_axis(&f, Axis(0), Spacing::uniform(0.5), scheme).unwrap();
        let axis = AxisPieces::new(&Spacing::uniform(0.5), scheme, 0, n).unwrap();
        let piece = axis.piece(a..b).unwrap();
        prop_assert!(piece.read.len() <= (b - a) + axis.max_halo());
        let rows = f.slice(s![piece.read.start..piece.read.end]).to_owned();
        let part = gradient_axis(&rows, Axis(0), piece.spacing(), piece.scheme).unwrap();
        let got = part.slice(s![piece.own.clone()]);
        let want = whole.slice(s![a..b]);
        prop_assert!(
            got.iter().zip(want.iter()).all(|(g, w)| g.to_bits() == w.to_bits()),
            "rows {a}..{b} of {n} under {scheme}: got {got}, want {want}"
        );
    }
}

#[test]
fn padded_edges_have_scipys_values() {
    // scipy.ndimage.correlate1d([1, 2, 4, 7, 11], [-0.5, 0, 0.5], mode=...)
    let f = ndarray::array![1.0, 2.0, 4.0, 7.0, 11.0];
    let d1 = Scheme::new(1, 2).unwrap();
    let at = |b: Boundary| gradient_axis(&f, Axis(0), Spacing::Unit, d1.with_boundary(b)).unwrap();
    assert_eq!(
        at(Boundary::Reflect),
        ndarray::array![0.5, 1.5, 2.5, 3.5, 2.0]
    );
    assert_eq!(
        at(Boundary::Mirror),
        ndarray::array![0.0, 1.5, 2.5, 3.5, 0.0]
    );
    assert_eq!(
        at(Boundary::Nearest),
        ndarray::array![0.5, 1.5, 2.5, 3.5, 2.0]
    );
    let c = at(Boundary::Constant { value: 2.0 });
    assert_eq!(c, ndarray::array![0.0, 1.5, 2.5, 3.5, -2.5]);
    // One sample: nothing changes along a padded axis (but a constant).
    let one = ndarray::array![3.0];
    let d = |b: Boundary| gradient_axis(&one, Axis(0), Spacing::Unit, d1.with_boundary(b)).unwrap();
    assert_eq!(d(Boundary::Mirror), ndarray::array![0.0]);
    assert_eq!(d(Boundary::Constant { value: 1.0 }), ndarray::array![0.0]);
    // Windows longer than the axis extend it repeatedly (scipy's values
    // for the 9-tap kernel, to rounding: scipy divides the weights first).
    let d8 = Scheme::new(1, 8).unwrap();
    let f3 = ndarray::array![1.0, 3.0, -2.0];
    let long =
        |b: Boundary| gradient_axis(&f3, Axis(0), Spacing::Unit, d8.with_boundary(b)).unwrap();
    let scipy = [
        (
            Boundary::Reflect,
            [2.5821428571428573, -1.810714285714286, -4.392857142857143],
        ),
        (Boundary::Mirror, [0.0, -2.285714285714286, 0.0]),
        (
            Boundary::Nearest,
            [2.0964285714285715, -1.903571428571429, -3.5035714285714286],
        ),
    ];
    for (b, want) in scipy {
        let got = long(b);
        assert!(
            got.iter()
                .zip(want)
                .all(|(g, w): (&f64, f64)| (g - w).abs() < 1e-14),
            "{b:?}: {got}"
        );
    }
    // A 2-D array, padded along axis 1 only.
    let z = Array2::from_shape_fn((3, 4), |(i, j)| (i * 10 + j * j) as f64);
    let g = gradient_axis(
        &z,
        Axis(1),
        Spacing::uniform(2.0),
        d1.with_boundary(Boundary::Reflect),
    )
    .unwrap();
    assert_eq!(g.row(1).to_vec(), [0.25, 1.0, 2.0, 1.25]);
}

#[test]
fn padded_stencils_are_exact_and_merge_repeated_samples() {
    let d1 = Scheme::new(1, 2).unwrap();
    let st = d1.with_boundary(Boundary::Reflect).stencil(0, 5).unwrap();
    assert_eq!(
        (st.samples, st.numerators, st.denominator),
        (vec![0, 1], vec![-1, 1], 2)
    );
    // Mirror at an end reads f[1] on both sides: the weights cancel.
    let st = d1.with_boundary(Boundary::Mirror).stencil(0, 5).unwrap();
    assert!(st.samples.is_empty());
    // Constant: the position past the end is the value, not a sample.
    let st = d1
        .with_boundary(Boundary::Constant { value: 9.0 })
        .stencil(4, 5)
        .unwrap();
    assert_eq!((st.samples, st.numerators), (vec![3], vec![-1]));
    assert_eq!(
        format!("{}", d1.with_boundary(Boundary::Mirror)),
        "derivative 1, accuracy 2, mirror"
    );
}

#[test]
fn padding_refuses_numpy_schemes_and_coordinates() {
    let f = ndarray::array![1.0, 2.0, 4.0];
    let numpy = Scheme::numpy(EdgeOrder::First).with_boundary(Boundary::Nearest);
    assert_eq!(
        gradient_axis(&f, Axis(0), Spacing::Unit, numpy),
        Err(GradientError::PaddingUnsupported {
            axis: 0,
            scheme: numpy,
            got: "NumPy's edge order"
        })
    );
    let x = ndarray::array![0.0, 1.0, 3.0];
    let s = Scheme::new(1, 2).unwrap().with_boundary(Boundary::Reflect);
    let err = gradient_axis(&f, Axis(0), Spacing::coordinates(&x), s).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the derivative 1, accuracy 2, reflect scheme on axis 0 takes a constant step and an \
         accuracy order; got coordinates"
    );
}

#[test]
fn every_axis_of_one_sample_is_still_computed() {
    // Every axis of length 1: the fused pass once skipped such arrays (no
    // axis could be differentiated before padding) and left the outputs
    // unwritten. f = [[3]] padded with 0: f'' = (0 - 2·3 + 0) = -6.
    let f = ndarray::array![[3.0]];
    let d2 = Scheme::new(2, 2)
        .unwrap()
        .with_boundary(Boundary::Constant { value: 0.0 });
    let opts = ndgrad::Options::new().scheme(d2);
    let g = ndgrad::gradient_with(&f, &opts).unwrap();
    assert_eq!((g[0][[0, 0]], g[1][[0, 0]]), (-6.0, -6.0));
    assert_eq!(ndgrad::laplacian(&f, &opts).unwrap()[[0, 0]], -12.0);
    let f3 = ndarray::Array3::from_elem((1, 1, 1), 3.0);
    assert_eq!(ndgrad::laplacian(&f3, &opts).unwrap()[[0, 0, 0]], -18.0);
}
