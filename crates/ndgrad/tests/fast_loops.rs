//! The fast loops give the general loops' bits: contiguous arrays along
//! their innermost axis (one flat pass over every lane's interior) and
//! power-of-two divisors (a multiplication by the exact reciprocal instead
//! of NumPy's division) against the same values in a strided layout, which
//! takes the per-element loops and divides.

use ndarray::{ArrayD, Axis, Dimension, IxDyn, Slice};
use ndgrad::half::f16;
use ndgrad::num_complex::Complex;
use ndgrad::{Boundary, EdgeOrder, Element, Scheme, Spacing, gradient_axis};

/// `f`'s values in a strided view of a larger array (every other element
/// along each axis), and `f` itself.
fn strided<T: Clone + Default>(f: &ArrayD<T>) -> ArrayD<T> {
    let big_shape: Vec<usize> = f.shape().iter().map(|&n| 2 * n).collect();
    let mut big = ArrayD::from_elem(IxDyn(&big_shape), T::default());
    big.slice_each_axis_mut(|_| Slice::new(0, None, 2))
        .assign(f);
    big
}

fn check<I: Element + Clone + Default>(f: &ArrayD<I>, label: &str)
where
    I::Output: core::fmt::Debug,
{
    let big = strided(f);
    let view = big.slice_each_axis(|_| Slice::new(0, None, 2));
    let periodic = Boundary::Periodic { period: None };
    let schemes = [
        EdgeOrder::First.into(),
        EdgeOrder::Second.into(),
        Scheme::new(1, 4).unwrap(),
        Scheme::new(2, 2).unwrap(),
        Scheme::new(1, 2).unwrap().with_boundary(periodic),
        Scheme::new(1, 4).unwrap().with_boundary(Boundary::Reflect),
    ];
    let steps = [
        1.0,
        0.5,
        2.0,
        0.3,
        0.35,
        0.13,
        -4.0,
        2f64.powi(-1000),
        1e-310,
        2f64.powi(1000),
    ];
    for axis in 0..f.ndim() {
        for scheme in schemes {
            for h in steps {
                let sp = Spacing::uniform(h);
                let Ok(a) = gradient_axis(f, Axis(axis), sp, scheme) else {
                    continue;
                };
                let b = gradient_axis(&view, Axis(axis), sp, scheme).unwrap();
                let same = ndarray::Zip::from(&a)
                    .and(&b)
                    .all(|x, y| format!("{x:?}") == format!("{y:?}"));
                assert!(same, "{label} axis {axis} {scheme} h={h}: {a:?} != {b:?}");
            }
        }
    }
}

#[test]
fn contiguous_and_strided_layouts_give_the_same_bits() {
    for shape in [
        vec![1000],
        vec![7, 64],
        vec![3, 5, 66],
        vec![4, 130],
        vec![2, 3, 2],
    ] {
        let f = ArrayD::from_shape_fn(IxDyn(&shape), |i| {
            let k: usize = i
                .slice()
                .iter()
                .enumerate()
                .map(|(a, &v)| (a + 3) * v * v)
                .sum();
            ((k * 7919) % 1013) as f64 * 0.0137 + (k as f64).sin() * 9.0 - 6.0
        });
        check(&f, "f64");
        check(&f.mapv(|v| v as f32), "f32");
        check(&f.mapv(f16::from_f64), "f16");
        check(&f.mapv(|v| Complex::new(v, 1.0 - v)), "c128");
        check(&f.mapv(|v| v as i32), "i32");
    }
}
