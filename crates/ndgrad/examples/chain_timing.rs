//! Times `chain_into` against the same two passes through a warm
//! preallocated temporary (`gradient_axis_into` twice), for pairs of axes
//! of a 2000² and a 200³ `f64` array, one thread, medians:
//! `cargo run --release -p ndgrad --example chain_timing`. BENCHMARKS.md
//! quotes its figures.
#![allow(clippy::print_stdout, reason = "an example that prints its timings")]

use std::time::Instant;

use ndgrad::ndarray::{Array, Axis, Dimension, IxDyn};
use ndgrad::{EdgeOrder, Par, Pass, Spacing, chain_into, gradient_axis_into};

/// The median of `v`.
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Milliseconds of one call of `run`.
fn time(mut run: impl FnMut()) -> f64 {
    let t = Instant::now();
    run();
    t.elapsed().as_secs_f64() * 1e3
}

/// Prints the chain's and the two passes' median times for each pair.
fn compare(shape: &[usize], pairs: &[(usize, usize)], calls: usize) {
    let f = Array::from_shape_fn(IxDyn(shape), |i| {
        let k: usize = i.slice().iter().zip([31, 17, 1]).map(|(a, b)| a * b).sum();
        (k % 101) as f64 * 0.1
    });
    let mut out = Array::<f64, _>::zeros(f.raw_dim());
    let mut tmp = Array::<f64, _>::zeros(f.raw_dim());
    let name = shape
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("x");
    for &(i, j) in pairs {
        let pass = |a| Pass::new(Axis(a), Spacing::Unit, EdgeOrder::First);
        let passes = [pass(i), pass(j)];
        let (mut chained, mut two) = (vec![], vec![]);
        for _ in 0..calls {
            chained.push(time(|| {
                chain_into(&f, &mut out, &passes, Par::Seq).unwrap();
            }));
            two.push(time(|| {
                let one = |f: &_, out: &mut _, a| {
                    gradient_axis_into(f, out, Axis(a), Spacing::Unit, EdgeOrder::First, Par::Seq)
                };
                one(&f, &mut tmp, i).unwrap();
                one(&tmp, &mut out, j).unwrap();
            }));
        }
        let (c, t) = (median(chained), median(two));
        println!("{name} H{i}{j}: chain {c:.2} ms, two passes {t:.2} ms");
    }
}

fn main() {
    compare(&[2000, 2000], &[(0, 1), (0, 0), (1, 1)], 15);
    compare(&[200, 200, 200], &[(0, 1), (1, 2), (2, 2)], 9);
}
