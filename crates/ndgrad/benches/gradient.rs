//! Criterion benchmarks of every kernel path of `gradient_axis_into`.
//!
//! Run with `cargo bench -p ndgrad` (or `-- <filter>`). Outputs are
//! preallocated so that the kernels, not page faults, are measured; the
//! throughput counts the input read once and the output written once (per
//! output). `all_axes` times the every-axis call (`gradient_with_into`).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ndgrad::half::f16;
use ndgrad::ndarray::{Array, Array1, ArrayD, ArrayRef, Axis, IxDyn};
use ndgrad::num_complex::Complex;
use ndgrad::{EdgeOrder, Element, Options, Par, Spacing, gradient_axis_into, gradient_with_into};

/// 2^20 elements per array (8 MiB of f64): larger than the caches, quick to run.
const N: usize = 1 << 20;

fn data<T: Element>(shape: &[usize], make: impl Fn(f64) -> T) -> ArrayD<T> {
    let len: usize = shape.iter().product();
    Array::from_shape_fn(IxDyn(&[len]), |i| make((i[0] as f64 * 0.001).sin()))
        .into_shape_with_order(IxDyn(shape))
        .expect("shape has len elements")
}

/// Irregular but increasing coordinates of length `n`.
fn coords(n: usize) -> Array1<f64> {
    Array1::from_shape_fn(n, |i| i as f64 + 0.3 * (i as f64).sin())
}

#[allow(clippy::too_many_arguments)]
fn run<T: Element>(
    c: &mut Criterion,
    group: &str,
    id: &str,
    f: &ArrayRef<T, IxDyn>,
    axis: usize,
    coordinates: bool,
    edge: EdgeOrder,
    par: Par,
) where
    T::Output: Element,
{
    let mut out = ArrayD::from_elem(f.raw_dim(), <T::Output as ndgrad::Scalar>::ZERO);
    let x = coords(f.len_of(Axis(axis)));
    let spacing = if coordinates {
        Spacing::coordinates(&x)
    } else {
        Spacing::uniform(0.5)
    };
    let bytes = f.len() * (size_of::<T>() + size_of::<T::Output>());
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(BenchmarkId::from_parameter(id), |b| {
        b.iter(|| {
            gradient_axis_into(black_box(f), &mut out, Axis(axis), spacing, edge, par)
                .expect("valid arguments");
        });
    });
    g.finish();
}

fn shapes(c: &mut Criterion) {
    let one = data(&[N], |v| v);
    let two = data(&[1024, N / 1024], |v| v);
    let three = data(&[64, 128, N / (64 * 128)], |v| v);
    for (name, f, axes) in [
        ("1d", &one, vec![0]),
        ("2d", &two, vec![0, 1]),
        ("3d", &three, vec![0, 1, 2]),
    ] {
        for axis in axes {
            for coordinates in [false, true] {
                let spacing = if coordinates { "coords" } else { "uniform" };
                let id = format!("axis{axis}/{spacing}");
                run(
                    c,
                    &format!("f64/{name}"),
                    &id,
                    f,
                    axis,
                    coordinates,
                    EdgeOrder::First,
                    Par::Seq,
                );
            }
        }
    }
}

fn edge_orders(c: &mut Criterion) {
    // Many short rows: the edges are a large share of the work.
    let f = data(&[N / 16, 16], |v| v);
    for edge in [EdgeOrder::First, EdgeOrder::Second] {
        for coordinates in [false, true] {
            let id = format!(
                "edge{}/{}",
                edge.order(),
                if coordinates { "coords" } else { "uniform" }
            );
            run(c, "f64/short-rows", &id, &f, 1, coordinates, edge, Par::Seq);
        }
    }
}

fn dtypes(c: &mut Criterion) {
    let shape = [1024, N / 1024];
    let f32s = data(&shape, |v| v as f32);
    let f16s = data(&shape, f16::from_f64);
    let c128 = data(&shape, |v| Complex::new(v, -v));
    let ints = data(&shape, |v| (v * 1000.0) as i32);
    for coordinates in [false, true] {
        let s = if coordinates { "coords" } else { "uniform" };
        run(
            c,
            "dtype/f32",
            s,
            &f32s,
            1,
            coordinates,
            EdgeOrder::First,
            Par::Seq,
        );
        run(
            c,
            "dtype/f16",
            s,
            &f16s,
            1,
            coordinates,
            EdgeOrder::First,
            Par::Seq,
        );
        run(
            c,
            "dtype/c128",
            s,
            &c128,
            1,
            coordinates,
            EdgeOrder::First,
            Par::Seq,
        );
        run(
            c,
            "dtype/i32",
            s,
            &ints,
            1,
            coordinates,
            EdgeOrder::First,
            Par::Seq,
        );
    }
}

/// A transposed input into a C-ordered output: no axis is contiguous in
/// both, so the kernels take their `Zip` fallback.
fn layouts(c: &mut Criterion) {
    let f = data(&[N / 1024, 1024], |v| v);
    let t = f.t();
    for axis in [0, 1] {
        for coordinates in [false, true] {
            let s = if coordinates { "coords" } else { "uniform" };
            run(
                c,
                "f64/transposed-input",
                &format!("axis{axis}/{s}"),
                &t,
                axis,
                coordinates,
                EdgeOrder::First,
                Par::Seq,
            );
        }
    }
}

#[cfg(feature = "rayon")]
fn threads(c: &mut Criterion) {
    let f = data(&[1024, N / 1024], |v| v);
    for axis in [0, 1] {
        for (name, par) in [("seq", Par::Seq), ("rayon", Par::rayon(0))] {
            run(
                c,
                "f64/threads",
                &format!("axis{axis}/{name}"),
                &f,
                axis,
                false,
                EdgeOrder::First,
                par,
            );
        }
    }
}

#[cfg(not(feature = "rayon"))]
fn threads(_: &mut Criterion) {}

/// Every axis in one call (`gradient_with_into`): the fused pass that cuts
/// the array into slabs and computes all axes slab by slab, which is what
/// `numpy.gradient`-style calls without `axis` run.
fn all_axes(c: &mut Criterion) {
    let two = data(&[1024, N / 1024], |v| v);
    let three = data(&[64, 128, N / (64 * 128)], |v| v);
    for (name, f) in [("2d", &two), ("3d", &three)] {
        let xs: Vec<Array1<f64>> = f.shape().iter().map(|&n| coords(n)).collect();
        let mut outs: Vec<ArrayD<f64>> =
            (0..f.ndim()).map(|_| ArrayD::zeros(f.raw_dim())).collect();
        let bytes = f.len() * f.ndim() * 2 * size_of::<f64>();
        let mut g = c.benchmark_group(format!("f64/all-axes/{name}"));
        g.throughput(Throughput::Bytes(bytes as u64));
        for coordinates in [false, true] {
            let opts = if coordinates {
                Options::new().spacing_per_axis(xs.iter().map(Spacing::coordinates))
            } else {
                Options::new().spacing(Spacing::uniform(0.5))
            }
            .par(Par::Seq);
            let id = if coordinates { "coords" } else { "uniform" };
            g.bench_function(BenchmarkId::from_parameter(id), |b| {
                b.iter(|| {
                    gradient_with_into(black_box(f), &mut outs, &opts).expect("valid arguments");
                });
            });
        }
        g.finish();
    }
}

criterion_group!(
    benches,
    shapes,
    edge_orders,
    dtypes,
    layouts,
    threads,
    all_axes
);
criterion_main!(benches);
