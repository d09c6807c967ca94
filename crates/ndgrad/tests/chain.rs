//! `chain`: the passes in one call give the bits of the composed
//! single-axis calls (NumPy's `gradient(gradient(f, axis=i), axis=j)`), for
//! every element type, memory order and split into threads; errors come
//! before anything is written.

use ndarray::{Array, Array1, Array2, Array3, ArrayRef, Axis, Dimension, ShapeBuilder};
use ndgrad::num_complex::Complex;
use ndgrad::{
    Boundary, EdgeOrder, Element, GradientError, Par, Pass, Scheme, Spacing, chain, chain_into,
    gradient_axis,
};

/// The passes applied one by one with `gradient_axis`.
fn composed<I: Element, D: Dimension>(
    f: &ArrayRef<I, D>,
    passes: &[Pass<'_>],
) -> Array<I::Output, D> {
    let (first, rest) = passes.split_first().unwrap();
    let mut g = gradient_axis(f, first.axis, first.spacing, first.scheme).unwrap();
    for p in rest {
        g = gradient_axis(&g, p.axis, p.spacing, p.scheme).unwrap();
    }
    g
}

/// Equal bits: `Debug` prints every value round-trip exactly, the sign of
/// zero included (`==` would take -0.0 for 0.0).
fn same_bits<T: core::fmt::Debug, D: Dimension>(a: &Array<T, D>, b: &Array<T, D>) {
    assert_eq!(a.shape(), b.shape());
    let same = ndarray::Zip::from(a)
        .and(b)
        .all(|x, y| format!("{x:?}") == format!("{y:?}"));
    assert!(same, "{a:?} != {b:?}");
}

fn schemes() -> Vec<Scheme> {
    vec![
        EdgeOrder::First.into(),
        EdgeOrder::Second.into(),
        Scheme::new(1, 4).unwrap(),
        Scheme::new(2, 2).unwrap(),
        Scheme::new(1, 2)
            .unwrap()
            .with_boundary(Boundary::Periodic { period: None }),
    ]
}

#[test]
fn hessian_pairs_match_the_composed_calls_in_every_type_and_order() {
    let x = Array1::from_iter((0..11).map(|i| f64::from(i * i) * 0.3 + f64::from(i)));
    for fortran in [false, true] {
        let f = Array3::from_shape_fn((9, 11, 7).set_f(fortran), |(i, j, k)| {
            ((i * 7 + j * j * 3 + k * 5) % 13) as f64 * 0.61 - 2.0
        });
        let f32s = f.mapv(|v| v as f32);
        let ints = f.mapv(|v| (v * 10.0) as i32);
        let cplx = f.mapv(|v| Complex::new(v, -0.5 * v));
        for scheme in schemes() {
            for (i, j) in [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2), (2, 0)] {
                let sp = |a: usize| match (a, scheme.boundary().is_periodic()) {
                    (1, false) => Spacing::coordinates(&x),
                    _ => Spacing::uniform(0.7),
                };
                let passes = [
                    Pass::new(Axis(i), sp(i), scheme),
                    Pass::new(Axis(j), sp(j), scheme),
                ];
                same_bits(&chain(&f, &passes).unwrap(), &composed(&f, &passes));
                same_bits(&chain(&f32s, &passes).unwrap(), &composed(&f32s, &passes));
                same_bits(&chain(&ints, &passes).unwrap(), &composed(&ints, &passes));
                same_bits(&chain(&cplx, &passes).unwrap(), &composed(&cplx, &passes));
            }
        }
    }
}

#[test]
fn long_chains_and_one_dimensional_chains_match() {
    let f = Array1::from_iter((0..40).map(|i| f64::from(i).sin() * 3.0));
    let d = Pass::new(Axis(0), Spacing::uniform(0.25), EdgeOrder::Second);
    for m in 1..5 {
        let passes = vec![d; m];
        same_bits(&chain(&f, &passes).unwrap(), &composed(&f, &passes));
    }
    let z = Array2::from_shape_fn((30, 20), |(i, j)| ((i * 3 + j * j) % 11) as f64);
    let passes = [
        Pass::new(Axis(1), Spacing::Unit, EdgeOrder::First),
        Pass::new(Axis(0), Spacing::Unit, EdgeOrder::First),
        Pass::new(Axis(0), Spacing::uniform(2.0), Scheme::new(1, 6).unwrap()),
    ];
    same_bits(&chain(&z, &passes).unwrap(), &composed(&z, &passes));
}

#[cfg(feature = "rayon")]
#[test]
fn threads_and_output_layouts_give_the_same_bits() {
    // Large enough to be split into tasks (2^21 units of work each).
    let f = Array2::from_shape_fn((1800, 1500), |(i, j)| {
        ((i * 31 + j * 17) % 101) as f32 * 0.1
    });
    let passes = [
        Pass::new(Axis(0), Spacing::uniform(0.5), Scheme::new(1, 4).unwrap()),
        Pass::new(Axis(1), Spacing::Unit, EdgeOrder::First),
    ];
    let expected = composed(&f, &passes);
    for par in [Par::Seq, Par::rayon(2), Par::rayon(7)] {
        let mut c = Array2::<f32>::zeros((1800, 1500));
        chain_into(&f, &mut c, &passes, par).unwrap();
        same_bits(&c, &expected);
        let mut fo = Array2::<f32>::zeros((1800, 1500).f());
        chain_into(&f, &mut fo, &passes, par).unwrap();
        same_bits(&fo, &expected);
    }
}

#[test]
fn errors_come_first_and_write_nothing() {
    let f = Array2::<f64>::ones((4, 3));
    assert_eq!(chain(&f, &[]), Err(GradientError::EmptyChain));
    let bad_axis = [
        Pass::new(Axis(0), Spacing::Unit, EdgeOrder::First),
        Pass::new(Axis(2), Spacing::Unit, EdgeOrder::First),
    ];
    assert_eq!(
        chain(&f, &bad_axis),
        Err(GradientError::AxisOutOfBounds { axis: 2, ndim: 2 })
    );
    let too_short = [
        Pass::new(Axis(0), Spacing::Unit, EdgeOrder::First),
        Pass::new(Axis(1), Spacing::Unit, Scheme::new(2, 4).unwrap()),
    ];
    assert!(matches!(
        chain(&f, &too_short),
        Err(GradientError::AxisTooShort {
            axis: 1,
            len: 3,
            needed: 6,
            ..
        })
    ));
    let mut out = Array2::<f64>::from_elem((4, 3), 7.0);
    let ok = [Pass::new(Axis(0), Spacing::Unit, EdgeOrder::First)];
    let mut wrong = Array2::<f64>::from_elem((3, 4), 7.0);
    assert_eq!(
        chain_into(&f, &mut wrong, &ok, Par::Seq),
        Err(GradientError::OutputShape {
            got: vec![3, 4],
            expected: vec![4, 3]
        })
    );
    assert!(chain_into(&f, &mut out, &too_short, Par::Seq).is_err());
    assert!(out.iter().all(|&v| v == 7.0));
    assert!(wrong.iter().all(|&v| v == 7.0));
}
