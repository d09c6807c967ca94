//! NumPy's `TestGradient` (`numpy/lib/tests/test_function_base.py`) and the
//! `numpy.gradient` docstring examples, rewritten for the Rust API, with
//! hand-checkable values.

use ndarray::{Array1, Array2, Axis, array};
use ndgrad::half::f16;
use ndgrad::num_complex::Complex;
use ndgrad::{EdgeOrder, GradientError, Options, Spacing, gradient, gradient_axis, gradient_with};

type R<T> = Result<T, GradientError>;

#[test]
fn docstring_unit_and_scalar_spacing() -> R<()> {
    let f = array![1.0, 2.0, 4.0, 7.0, 11.0, 16.0];
    assert_eq!(gradient(&f)?[0], array![1.0, 1.5, 2.5, 3.5, 4.5, 5.0]);
    let g = gradient_with(&f, &Options::new().spacing(Spacing::uniform_weak(2.0)))?;
    assert_eq!(g[0], array![0.5, 0.75, 1.25, 1.75, 2.25, 2.5]);
    Ok(())
}

#[test]
fn docstring_coordinates() -> R<()> {
    let f = array![1.0, 2.0, 4.0, 7.0, 11.0, 16.0];
    let x = Array1::from_iter((0..6).map(f64::from));
    assert_eq!(
        gradient_with(&f, &Options::new().spacing(Spacing::coordinates(&x)))?[0],
        array![1.0, 1.5, 2.5, 3.5, 4.5, 5.0]
    );
    let x = array![0.0, 1.0, 1.5, 3.5, 4.0, 6.0];
    let g = gradient_with(&f, &Options::new().spacing(Spacing::coordinates(&x)))?;
    assert_eq!(
        g[0],
        array![
            1.0,
            2.9999999999999996,
            3.5,
            6.700000000000001,
            6.899999999999999,
            2.5
        ]
    );
    Ok(())
}

#[test]
fn docstring_two_dimensional() -> R<()> {
    let f = array![[1.0, 2.0, 6.0], [3.0, 4.0, 5.0]];
    let g = gradient(&f)?;
    assert_eq!(g[0], array![[2.0, 2.0, -1.0], [2.0, 2.0, -1.0]]);
    assert_eq!(g[1], array![[1.0, 2.5, 4.0], [1.0, 1.0, 1.0]]);

    // np.gradient(f, dy, x) with dy = 2. and x = [1., 2., 10.]
    let x = array![1.0, 2.0, 10.0];
    let opts =
        Options::new().spacing_per_axis([Spacing::uniform_weak(2.0), Spacing::coordinates(&x)]);
    let g = gradient_with(&f, &opts)?;
    assert_eq!(g[0], array![[1.0, 1.0, -0.5], [1.0, 1.0, -0.5]]);
    assert_eq!(
        g[1],
        array![
            [1.0, 0.9444444444444445, 0.5],
            [1.0, 0.9027777777777779, 0.125]
        ]
    );
    Ok(())
}

#[test]
fn docstring_edge_order_and_axis() -> R<()> {
    let x = array![0.0, 1.0, 2.0, 3.0, 4.0];
    let f = x.mapv(|v| v * v + 1.0);
    assert_eq!(
        gradient_axis(&f, Axis(0), Spacing::Unit, EdgeOrder::First)?,
        array![1.0, 2.0, 4.0, 6.0, 7.0]
    );
    assert_eq!(
        gradient_axis(&f, Axis(0), Spacing::Unit, EdgeOrder::Second)?,
        array![0.0, 2.0, 4.0, 6.0, 8.0]
    );
    let f = array![[1.0, 2.0, 6.0], [3.0, 4.0, 5.0]];
    assert_eq!(
        gradient_axis(&f, Axis(0), Spacing::Unit, EdgeOrder::First)?,
        array![[2.0, 2.0, -1.0], [2.0, 2.0, -1.0]]
    );
    Ok(())
}

#[test]
fn parity_page_example_is_numpys_not_the_tutorials() -> R<()> {
    // NUMPY_PARITY.md: [1, 1.1667, 1.5667, 1.7024, 1.75], not [1, 1.5, 2.67, 4.67, 6].
    let f = array![0.0, 1.0, 4.0, 9.0, 16.0];
    let x = array![0.0, 1.0, 3.0, 6.0, 10.0];
    let g = gradient_axis(&f, Axis(0), Spacing::coordinates(&x), EdgeOrder::First)?;
    assert_eq!(
        g,
        array![
            1.0,
            1.1666666666666665,
            1.5666666666666667,
            1.7023809523809523,
            1.75
        ]
    );
    Ok(())
}

#[test]
fn basic_integer_matrix() -> R<()> {
    let g = gradient(&array![[1i64, 1], [3, 4]])?;
    assert_eq!(g[0], array![[2.0, 3.0], [2.0, 3.0]]);
    assert_eq!(g[1], array![[0.0, 0.0], [1.0, 1.0]]);
    Ok(())
}

#[test]
fn spacing_forms_agree_as_in_test_spacing() -> R<()> {
    let base = array![0.0, 2.0, 3.0, 4.0, 5.0, 5.0];
    let f = Array2::from_shape_fn((6, 6), |(i, j)| base[j] + base[i]);
    let x_uneven = array![0.0, 0.5, 1.0, 3.0, 5.0, 7.0];
    let x_even = Array1::from_iter((0..6).map(f64::from));
    let row = |v: [f64; 6]| Array2::from_shape_fn((6, 6), |(_, j)| v[j]);
    let cases = [
        (
            EdgeOrder::First,
            row([2.0, 1.5, 1.0, 1.0, 0.5, 0.0]),
            row([4.0, 3.0, 1.7, 0.5, 0.25, 0.0]),
        ),
        (
            EdgeOrder::Second,
            row([2.5, 1.5, 1.0, 1.0, 0.5, -0.5]),
            row([5.0, 3.0, 1.7, 0.5, 0.25, -0.25]),
        ),
    ];
    for (edge, even, uneven) in cases {
        let by_step = gradient_with(
            &f,
            &Options::new()
                .spacing(Spacing::uniform_weak(1.0))
                .edge_order(edge),
        )?;
        let by_coords = gradient_with(
            &f,
            &Options::new()
                .spacing(Spacing::coordinates(&x_even))
                .edge_order(edge),
        )?;
        assert_eq!(by_step, by_coords);
        assert_eq!(by_step[0], even.t());
        assert_eq!(by_step[1], even);

        let g = gradient_with(
            &f,
            &Options::new()
                .spacing(Spacing::coordinates(&x_uneven))
                .edge_order(edge),
        )?;
        let close = |a: &Array2<f64>, b: ndarray::ArrayView2<'_, f64>| {
            a.iter().zip(b.iter()).all(|(x, y)| (x - y).abs() < 1e-12)
        };
        assert!(close(&g[0], uneven.t()));
        assert!(close(&g[1], uneven.view()));

        // Mixed, and the same with the axes swapped.
        let a = gradient_with(
            &f,
            &Options::new()
                .axes([Axis(0), Axis(1)])
                .edge_order(edge)
                .spacing_per_axis([
                    Spacing::coordinates(&x_even),
                    Spacing::coordinates(&x_uneven),
                ]),
        )?;
        let b = gradient_with(
            &f,
            &Options::new()
                .axes([Axis(1), Axis(0)])
                .edge_order(edge)
                .spacing_per_axis([
                    Spacing::coordinates(&x_uneven),
                    Spacing::coordinates(&x_even),
                ]),
        )?;
        assert_eq!(a[0], b[1]);
        assert_eq!(a[1], b[0]);
        assert_eq!(a[0], even.t());
    }
    Ok(())
}

#[test]
fn specific_axes_and_vararg_order() -> R<()> {
    let x = array![[1.0, 1.0], [3.0, 4.0]];
    let d0 = array![[2.0, 3.0], [2.0, 3.0]];
    let d1 = array![[0.0, 0.0], [1.0, 1.0]];
    assert_eq!(
        gradient_with(&x, &Options::new().axes([Axis(1), Axis(0)]))?,
        vec![d1.clone(), d0.clone()]
    );
    // np.gradient(x, 2, 3, axis=(1, 0))
    let opts = Options::new()
        .axes([Axis(1), Axis(0)])
        .spacing_per_axis([Spacing::uniform_weak(2), Spacing::uniform_weak(3)]);
    assert_eq!(gradient_with(&x, &opts)?, vec![&d1 / 2.0, &d0 / 3.0]);
    assert_eq!(
        gradient_with(&x, &Options::new().axes([Axis(3)])),
        Err(GradientError::AxisOutOfBounds { axis: 3, ndim: 2 })
    );
    let too_many = Options::new()
        .axes([Axis(1)])
        .spacing_per_axis([Spacing::Unit, Spacing::Unit]);
    assert_eq!(
        gradient_with(&x, &too_many),
        Err(GradientError::SpacingCount { got: 2, axes: 1 })
    );
    Ok(())
}

#[test]
fn wrong_coordinate_sizes_are_errors() {
    let f = Array2::from_shape_fn((5, 5), |(i, j)| (5 * i + j) as f64);
    let x = Array1::from_iter((1..=5).map(f64::from));
    let short = Array1::<f64>::ones(2);
    let opts =
        Options::new().spacing_per_axis([Spacing::coordinates(&x), Spacing::coordinates(&short)]);
    assert_eq!(
        gradient_with(&f, &opts),
        Err(GradientError::CoordinateLength {
            axis: 1,
            got: 2,
            expected: 5
        })
    );
    let opts =
        Options::new().spacing_per_axis([Spacing::uniform_weak(1), Spacing::coordinates(&short)]);
    assert!(gradient_with(&f, &opts).is_err());
}

#[test]
fn too_short_axes_are_errors() {
    let ok =
        |n: usize, e: EdgeOrder| gradient_axis(&Array1::<f64>::zeros(n), Axis(0), Spacing::Unit, e);
    assert!(ok(2, EdgeOrder::First).is_ok());
    assert!(ok(3, EdgeOrder::Second).is_ok());
    for (n, e) in [
        (0, EdgeOrder::First),
        (0, EdgeOrder::Second),
        (1, EdgeOrder::First),
        (1, EdgeOrder::Second),
        (2, EdgeOrder::Second),
    ] {
        assert_eq!(
            ok(n, e),
            Err(GradientError::AxisTooShort {
                axis: 0,
                len: n,
                scheme: e.into(),
                needed: e.min_len()
            })
        );
    }
}

#[test]
fn second_order_accurate() -> R<()> {
    let x: Array1<f64> = Array1::linspace(0.0, 1.0, 10);
    let y = x.mapv(|v| 2.0 * v.powi(3) + 4.0 * v * v + 2.0 * v);
    let exact = x.mapv(|v| 6.0 * v * v + 8.0 * v + 2.0);
    let g = gradient_axis(
        &y,
        Axis(0),
        Spacing::uniform(x[1] - x[0]),
        EdgeOrder::Second,
    )?;
    assert!(
        g.iter()
            .zip(&exact)
            .all(|(g, e)| (g / e - 1.0).abs() < 0.03)
    );
    let g = gradient_axis(&y, Axis(0), Spacing::coordinates(&x), EdgeOrder::Second)?;
    assert!(
        g.iter()
            .zip(&exact)
            .all(|(g, e)| (g / e - 1.0).abs() < 0.03)
    );
    Ok(())
}

#[test]
fn inexact_dtypes_are_not_promoted() -> R<()> {
    let g: Array1<f16> = gradient_axis(
        &array![f16::ONE, f16::from_f32(2.0), f16::from_f32(3.0)],
        Axis(0),
        Spacing::Unit,
        EdgeOrder::First,
    )?;
    assert_eq!(g, Array1::from_elem(3, f16::ONE));
    let g: Array1<f32> = gradient_axis(
        &array![1.0f32, 2.0, 3.0],
        Axis(0),
        Spacing::Unit,
        EdgeOrder::First,
    )?;
    assert_eq!(g, array![1.0f32, 1.0, 1.0]);
    Ok(())
}

#[test]
fn decreasing_unsigned_data_gives_negative_slopes() -> R<()> {
    let want = Array1::from_elem(5, -1.0);
    assert_eq!(gradient(&array![5u8, 4, 3, 2, 1])?[0], want);
    assert_eq!(gradient(&array![5u16, 4, 3, 2, 1])?[0], want);
    assert_eq!(gradient(&array![5u32, 4, 3, 2, 1])?[0], want);
    assert_eq!(gradient(&array![5u64, 4, 3, 2, 1])?[0], want);
    Ok(())
}

#[test]
fn signed_big_jumps_do_not_overflow() -> R<()> {
    let x = array![1.0, 3.0];
    macro_rules! check {
        ($($t:ty),*) => {$(
            let f = array![-1 as $t, <$t>::MAX];
            let g = gradient_axis(&f, Axis(0), Spacing::coordinates(&x), EdgeOrder::First)?;
            let half = ((<$t>::MAX as i128 + 1) / 2) as f64;
            assert_eq!(g, array![half, half], stringify!($t));
        )*};
    }
    check!(i8, i16, i32, i64);
    Ok(())
}

#[test]
fn decreasing_unsigned_coordinates_work() -> R<()> {
    let f = array![0.0, 2.0, 4.0];
    for x in [
        Spacing::coordinates(&array![3u8, 2, 1]),
        Spacing::coordinates(&array![3u16, 2, 1]),
        Spacing::coordinates(&array![3u32, 2, 1]),
        Spacing::coordinates(&array![3u64, 2, 1]),
    ] {
        assert_eq!(
            gradient_axis(&f, Axis(0), x, EdgeOrder::First)?,
            array![-2.0, -2.0, -2.0]
        );
    }
    Ok(())
}

#[test]
fn signed_big_jump_coordinates_work() -> R<()> {
    macro_rules! check {
        ($($t:ty),*) => {$(
            let x = array![-1 as $t, <$t>::MAX];
            let f = array![(<$t>::MIN / 2) as i64, 0];
            let g = gradient_axis(&f, Axis(0), Spacing::coordinates(&x), EdgeOrder::First)?;
            assert_eq!(g, array![0.5, 0.5], stringify!($t));
        )*};
    }
    check!(i8, i16, i32, i64);
    Ok(())
}

#[test]
fn uniform_nan_is_not_read_by_its_own_interior_point() -> R<()> {
    // NUMPY_PARITY.md §3: [1, nan, 4, 5, 6] -> [nan, 1.5, nan, 1, 1].
    let g = gradient(&array![1.0, f64::NAN, 4.0, 5.0, 6.0])?;
    assert!(g[0][0].is_nan() && g[0][2].is_nan());
    assert_eq!((g[0][1], g[0][3], g[0][4]), (1.5, 1.0, 1.0));
    // Non-uniform coordinates read f[i]: the NaN reaches out[1] too.
    let x = array![0.0, 1.0, 3.0, 4.0, 5.0];
    let g = gradient_axis(
        &array![1.0, f64::NAN, 4.0, 5.0, 6.0],
        Axis(0),
        Spacing::coordinates(&x),
        EdgeOrder::First,
    )?;
    assert!(g[1].is_nan());
    Ok(())
}

#[test]
fn zero_steps_give_infinities_not_errors() -> R<()> {
    let x = array![0.0, 1.0, 1.0, 2.0];
    let g = gradient_axis(
        &array![0.0, 1.0, 2.0, 3.0],
        Axis(0),
        Spacing::coordinates(&x),
        EdgeOrder::First,
    )?;
    assert!(g.iter().any(|v: &f64| !v.is_finite()));
    let g = gradient_axis(
        &array![0.0, 1.0, 2.0],
        Axis(0),
        Spacing::uniform(0.0),
        EdgeOrder::First,
    )?;
    assert_eq!(g, array![f64::INFINITY, f64::INFINITY, f64::INFINITY]);
    Ok(())
}

#[test]
fn length_two_axis_uses_one_difference_for_both_ends() -> R<()> {
    assert_eq!(gradient(&array![3.0, 7.5])?[0], array![4.5, 4.5]);
    Ok(())
}

#[test]
fn complex_data_differentiates_both_parts() -> R<()> {
    let f = array![
        Complex::new(0.0, 0.0),
        Complex::new(1.0, -2.0),
        Complex::new(4.0, -8.0)
    ];
    let g = gradient_axis(&f, Axis(0), Spacing::uniform(1.0), EdgeOrder::Second)?;
    assert_eq!(
        g,
        array![
            Complex::new(0.0, 0.0),
            Complex::new(2.0, -4.0),
            Complex::new(4.0, -8.0)
        ]
    );
    Ok(())
}
