//! Property tests of the public API against a deliberately simple
//! reference: NumPy's formulas written out per lane, with indexing and no
//! planning, blocking, dispatch or parallelism.

use ndarray::{Array1, ArrayD, Axis, IxDyn, ShapeBuilder};
#[cfg(feature = "rayon")]
use ndgrad::Par;
use ndgrad::{EdgeOrder, GradientError, Options, Spacing, gradient_axis, gradient_with};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

fn config() -> Config {
    Config {
        cases: 96,
        rng_seed: RngSeed::Fixed(0x6e64_6772_6164),
        failure_persistence: None,
        ..Config::default()
    }
}

/// The axis' spacing in the reference: a step, or coordinates.
#[derive(Debug, Clone)]
enum RefSpacing {
    Step(f64),
    Coords(Vec<f64>),
}

/// `numpy.gradient` of one lane, straight from NumPy's source.
fn reference_lane(f: &[f64], spacing: &RefSpacing, edge2: bool) -> Vec<f64> {
    let n = f.len();
    let mut out = vec![0.0; n];
    let step = match spacing {
        RefSpacing::Step(h) => Some(*h),
        RefSpacing::Coords(x) => {
            let dx: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
            dx.iter().all(|&d| d == dx[0]).then_some(dx[0])
        }
    };
    if let Some(h) = step {
        for i in 1..n - 1 {
            out[i] = (f[i + 1] - f[i - 1]) / (2.0 * h);
        }
        if edge2 {
            out[0] = (-1.5 / h) * f[0] + (2.0 / h) * f[1] + (-0.5 / h) * f[2];
            out[n - 1] = (0.5 / h) * f[n - 3] + (-2.0 / h) * f[n - 2] + (1.5 / h) * f[n - 1];
        } else {
            out[0] = (f[1] - f[0]) / h;
            out[n - 1] = (f[n - 1] - f[n - 2]) / h;
        }
        return out;
    }
    let RefSpacing::Coords(x) = spacing else {
        unreachable!()
    };
    let dx: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
    for i in 1..n - 1 {
        let (d1, d2) = (dx[i - 1], dx[i]);
        let a = -d2 / (d1 * (d1 + d2));
        let b = (d2 - d1) / (d1 * d2);
        let c = d1 / (d2 * (d1 + d2));
        out[i] = a * f[i - 1] + b * f[i] + c * f[i + 1];
    }
    if edge2 {
        let (d1, d2) = (dx[0], dx[1]);
        let (a, b, c) = (
            -(2.0 * d1 + d2) / (d1 * (d1 + d2)),
            (d1 + d2) / (d1 * d2),
            -d1 / (d2 * (d1 + d2)),
        );
        out[0] = a * f[0] + b * f[1] + c * f[2];
        let (d1, d2) = (dx[n - 3], dx[n - 2]);
        let (a, b, c) = (
            d2 / (d1 * (d1 + d2)),
            -(d2 + d1) / (d1 * d2),
            (2.0 * d2 + d1) / (d2 * (d1 + d2)),
        );
        out[n - 1] = a * f[n - 3] + b * f[n - 2] + c * f[n - 1];
    } else {
        out[0] = (f[1] - f[0]) / dx[0];
        out[n - 1] = (f[n - 1] - f[n - 2]) / dx[n - 2];
    }
    out
}

fn reference(f: &ArrayD<f64>, axis: usize, spacing: &RefSpacing, edge2: bool) -> ArrayD<f64> {
    let mut out = ArrayD::zeros(f.raw_dim());
    for (lane, mut o) in f
        .lanes(Axis(axis))
        .into_iter()
        .zip(out.lanes_mut(Axis(axis)))
    {
        let r = reference_lane(&lane.to_vec(), spacing, edge2);
        o.assign(&Array1::from(r));
    }
    out
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => -1e3..1e3f64,
        1 => Just(0.0),
        1 => prop::sample::select(vec![f64::NAN, f64::INFINITY, -f64::INFINITY, -0.0, 1e308, 5e-324]),
    ]
}

/// An array of 1 to 3 dimensions, each of length 0 to 6.
fn array() -> impl Strategy<Value = ArrayD<f64>> {
    prop::collection::vec(0usize..7, 1..4).prop_flat_map(|shape| {
        let n: usize = shape.iter().product();
        prop::collection::vec(value(), n)
            .prop_map(move |v| ArrayD::from_shape_vec(IxDyn(&shape), v).expect("n elements"))
    })
}

fn spacing_for(len: usize) -> impl Strategy<Value = RefSpacing> {
    prop_oneof![
        (-4.0..4.0f64).prop_map(RefSpacing::Step),
        prop::collection::vec(0.05..3.0f64, len).prop_map(|steps| {
            // Increasing coordinates, with occasional exact repeats of steps.
            let mut x = 0.0;
            RefSpacing::Coords(
                steps
                    .iter()
                    .map(|s| {
                        x += (s * 4.0).round() / 4.0;
                        x
                    })
                    .collect(),
            )
        }),
        prop::collection::vec(value(), len).prop_map(RefSpacing::Coords),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn matches_the_reference_bit_for_bit(
        (f, axis, spacing, edge2) in array().prop_flat_map(|f| {
            let nd = f.ndim();
            (Just(f), 0..nd)
        }).prop_flat_map(|(f, axis)| {
            let len = f.len_of(Axis(axis));
            (Just(f), Just(axis), spacing_for(len), any::<bool>())
        })
    ) {
        let len = f.len_of(Axis(axis));
        let edge = if edge2 { EdgeOrder::Second } else { EdgeOrder::First };
        let coords = match &spacing {
            RefSpacing::Coords(x) => Array1::from(x.clone()),
            RefSpacing::Step(_) => Array1::zeros(0),
        };
        let s = match &spacing {
            RefSpacing::Step(h) => Spacing::uniform(*h),
            RefSpacing::Coords(_) => Spacing::coordinates(&coords),
        };
        let got = gradient_axis(&f, Axis(axis), s, edge);
        if len < edge.min_len() {
            prop_assert_eq!(got, Err(GradientError::AxisTooShort {
                axis, len, scheme: edge.into(), needed: edge.min_len() }));
        } else {
            let got = got.unwrap();
            let want = reference(&f, axis, &spacing, edge2);
            for (g, w) in got.iter().zip(&want) {
                prop_assert!(same(*g, *w), "got {g}, reference {w}");
            }
        }
    }

    #[test]
    fn transposed_input_gives_transposed_output(f in array(), edge2 in any::<bool>()) {
        let edge = if edge2 { EdgeOrder::Second } else { EdgeOrder::First };
        let opts = Options::new().edge_order(edge);
        match (gradient_with(&f, &opts), gradient_with(&f.t(), &opts)) {
            (Ok(g), Ok(gt)) => {
                let nd = f.ndim();
                for k in 0..nd {
                    let a = &g[k];
                    let b = &gt[nd - 1 - k];
                    prop_assert!(a.t().iter().zip(b.iter()).all(|(x, y)| same(*x, *y)));
                }
            }
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "one failed: {a:?} / {b:?}"),
        }
    }

    #[test]
    fn never_panics_on_any_arguments(
        f in array(),
        axes in prop::collection::vec(0usize..4, 0..4),
        default_axes in any::<bool>(),
        coord_lens in prop::collection::vec(0usize..7, 0..4),
        edge2 in any::<bool>(),
    ) {
        let xs: Vec<Array1<f64>> =
            coord_lens.iter().map(|&n| Array1::from_iter((0..n).map(|i| (i * i) as f64))).collect();
        let mut opts = Options::new()
            .spacing_per_axis(xs.iter().map(Spacing::coordinates))
            .edge_order(if edge2 { EdgeOrder::Second } else { EdgeOrder::First });
        if !default_axes {
            opts = opts.axes(axes.iter().map(|&a| Axis(a)));
        }
        if let Ok(g) = gradient_with(&f, &opts) {
            let expected = if default_axes { f.ndim() } else { axes.len() };
            prop_assert_eq!(g.len(), expected);
            prop_assert!(g.iter().all(|o| o.shape() == f.shape()));
        }
    }

    #[test]
    fn integer_data_equals_its_f64_conversion(
        v in prop::collection::vec(any::<i64>(), 2..20),
        edge2 in any::<bool>(),
    ) {
        let edge = if edge2 && v.len() >= 3 { EdgeOrder::Second } else { EdgeOrder::First };
        let ints = Array1::from(v.clone());
        let floats = ints.mapv(|x| x as f64);
        let a = gradient_axis(&ints, Axis(0), Spacing::uniform_weak(3), edge).unwrap();
        let b = gradient_axis(&floats, Axis(0), Spacing::uniform_weak(3), edge).unwrap();
        prop_assert!(a.iter().zip(&b).all(|(x, y)| same(*x, *y)));
    }

    #[test]
    fn linear_data_gives_the_exact_slope(
        n in 3usize..40, slope in -64i32..64, offset in -100i32..100, edge2 in any::<bool>(),
    ) {
        // Dyadic values and power-of-two steps keep every operation exact.
        let f = Array1::from_iter((0..n).map(|i| f64::from(slope) * i as f64 + f64::from(offset)));
        let edge = if edge2 { EdgeOrder::Second } else { EdgeOrder::First };
        let g = gradient_axis(&f, Axis(0), Spacing::uniform(0.5), edge).unwrap();
        prop_assert!(g.iter().all(|&d| d == 2.0 * f64::from(slope)));
    }

    #[test]
    fn second_order_edges_are_exact_for_quadratics(
        steps in prop::collection::vec(1u8..8, 3..20), a in -8i8..8, b in -8i8..8,
    ) {
        let mut x = vec![0.0f64];
        for s in &steps { x.push(x.last().unwrap() + f64::from(*s)); }
        let x = Array1::from(x);
        let f = x.mapv(|t| f64::from(a) * t * t + f64::from(b) * t);
        let g = gradient_axis(&f, Axis(0), Spacing::coordinates(&x), EdgeOrder::Second).unwrap();
        for (t, d) in x.iter().zip(&g) {
            let exact = 2.0 * f64::from(a) * t + f64::from(b);
            prop_assert!((d - exact).abs() <= 1e-9 * (1.0 + exact.abs()), "{d} vs {exact}");
        }
    }
}

#[cfg(feature = "rayon")]
#[test]
fn parallel_equals_serial_on_arrays_large_enough_to_split() {
    // 3 x 1300 x 2001 = 7 803 900 elements: several tasks (a task takes at
    // least 2^21 elements of the cheapest kernel), odd lengths.
    let f = ArrayD::from_shape_fn(IxDyn(&[3, 1300, 2001]), |i| {
        ((i[0] * 7919 + i[1] * 104_729 + i[2] * 31) % 1000) as f64 * 0.37 - 150.0
    });
    let x = Array1::from_iter((0..1300).map(|i| (i as f64).powf(1.3)));
    for axis in 0..3 {
        for edge in [EdgeOrder::First, EdgeOrder::Second] {
            for coords in [false, true] {
                let spacing = if coords && axis == 1 {
                    Spacing::coordinates(&x)
                } else {
                    Spacing::uniform(0.3)
                };
                let base = Options::new()
                    .axes([Axis(axis)])
                    .spacing(spacing)
                    .edge_order(edge);
                let serial = gradient_with(&f, &base).unwrap();
                for tasks in [2, 3, 8] {
                    let par = gradient_with(&f, &base.clone().par(Par::rayon(tasks))).unwrap();
                    assert!(
                        serial[0]
                            .iter()
                            .zip(par[0].iter())
                            .all(|(a, b)| same(*a, *b)),
                        "axis {axis}, {edge:?}, coords {coords}, {tasks} tasks"
                    );
                }
            }
        }
    }
}

/// Every kernel path: lanes along the differentiated axis, lanes across it
/// (long rows), the broadcast fallback (short rows, odd strides), coefficient
/// blocks crossed (axes longer than 256), in several memory layouts, all
/// against the reference, bit for bit.
#[test]
fn every_kernel_path_and_layout_matches_the_reference() {
    for shape in [[300usize, 20], [20, 300], [300, 5], [5, 300], [257, 3]] {
        let f = ArrayD::from_shape_fn(IxDyn(&shape), |i| {
            let (a, b) = (i[0] as f64, i[1] as f64);
            (a * 0.37 + b * 1.3).sin() * 100.0 + a * b * 0.01
        });
        let layouts: Vec<(&str, ArrayD<f64>)> = vec![
            ("C", f.clone()),
            ("F", {
                let mut a = ArrayD::zeros(IxDyn(&shape).f());
                a.assign(&f);
                a
            }),
        ];
        for (name, base) in &layouts {
            let views = [
                base.view(),
                base.slice_each_axis(|_| ndarray::Slice::new(0, None, 1)),
            ];
            let reversed = base
                .slice_each_axis(|_| ndarray::Slice::new(0, None, -1))
                .to_owned();
            let negative = reversed.slice_each_axis(|_| ndarray::Slice::new(0, None, -1));
            for view in views.iter().chain(std::iter::once(&negative)) {
                for axis in 0..2 {
                    let n = shape[axis];
                    let x: Vec<f64> = (0..n)
                        .map(|i| (i as f64).powf(1.2) + 0.1 * (i % 3) as f64)
                        .collect();
                    for spacing in [RefSpacing::Step(0.3), RefSpacing::Coords(x.clone())] {
                        for edge2 in [false, true] {
                            let edge = if edge2 {
                                EdgeOrder::Second
                            } else {
                                EdgeOrder::First
                            };
                            let xs = Array1::from(x.clone());
                            let s = match &spacing {
                                RefSpacing::Step(h) => Spacing::uniform(*h),
                                RefSpacing::Coords(_) => Spacing::coordinates(&xs),
                            };
                            let got = gradient_axis(view, Axis(axis), s, edge).unwrap();
                            let want = reference(&view.to_owned(), axis, &spacing, edge2);
                            assert!(
                                got.iter().zip(&want).all(|(g, w)| same(*g, *w)),
                                "{name} {shape:?} axis {axis} {spacing:?} edge2 {edge2}"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[cfg(feature = "rayon")]
#[test]
fn all_axes_in_one_pass_equal_one_axis_at_a_time_in_parallel() {
    let f = ArrayD::from_shape_fn(IxDyn(&[37, 300, 41]), |i| {
        ((i[0] * 7919 + i[1] * 104_729 + i[2] * 31) % 1000) as f64 * 0.37 - 150.0
    });
    let x = Array1::from_iter((0..300).map(|i| (i as f64).powf(1.3)));
    for edge in [EdgeOrder::First, EdgeOrder::Second] {
        let spacing = [
            Spacing::uniform(0.3),
            Spacing::coordinates(&x),
            Spacing::uniform_weak(2),
        ];
        for par in [Par::Seq, Par::rayon(2), Par::rayon(3), Par::rayon(0)] {
            let opts = Options::new()
                .spacing_per_axis(spacing)
                .edge_order(edge)
                .par(par);
            let fused = gradient_with(&f, &opts).unwrap();
            let t = f.t();
            let fused_t = gradient_with(
                &t,
                &Options::new()
                    .spacing_per_axis([spacing[2], spacing[1], spacing[0]])
                    .edge_order(edge)
                    .par(par),
            )
            .unwrap();
            for (k, s) in spacing.iter().enumerate() {
                let single = gradient_axis(&f, Axis(k), *s, edge).unwrap();
                assert!(
                    single
                        .iter()
                        .zip(fused[k].iter())
                        .all(|(a, b)| same(*a, *b)),
                    "axis {k} {par:?}"
                );
                let from_t = &fused_t[2 - k];
                assert!(
                    single
                        .t()
                        .iter()
                        .zip(from_t.iter())
                        .all(|(a, b)| same(*a, *b)),
                    "T axis {k} {par:?}"
                );
            }
        }
    }
}
