//! Times `chain_into` against the same two passes through a warm
//! preallocated temporary (`gradient_axis_into` twice), for every pair of
//! axes of a 2000² and a 200³ `f64` array, one thread, medians:
//! `cargo run --release -p ndgrad --example chain_timing`. BENCHMARKS.md
//! quotes its figures.
#![allow(clippy::print_stdout, reason = "an example that prints its timings")]

use ndgrad::ndarray::{Array2, Array3, Axis};
use ndgrad::{EdgeOrder, Par, Pass, Spacing, chain_into, gradient_axis_into};
use std::time::Instant;
/// The median of `v`.
fn med(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
fn main() {
    let f = Array2::from_shape_fn((2000, 2000), |(i, j)| {
        ((i * 31 + j * 17) % 101) as f64 * 0.1
    });
    let mut out = Array2::<f64>::zeros((2000, 2000));
    let mut tmp = Array2::<f64>::zeros((2000, 2000));
    for (i, j) in [(0, 1), (0, 0), (1, 1)] {
        let p = [
            Pass::new(Axis(i), Spacing::Unit, EdgeOrder::First),
            Pass::new(Axis(j), Spacing::Unit, EdgeOrder::First),
        ];
        let (mut a, mut b) = (vec![], vec![]);
        for _ in 0..15 {
            let t = Instant::now();
            chain_into(&f, &mut out, &p, Par::Seq).unwrap();
            a.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            gradient_axis_into(
                &f,
                &mut tmp,
                Axis(i),
                Spacing::Unit,
                EdgeOrder::First,
                Par::Seq,
            )
            .unwrap();
            gradient_axis_into(
                &tmp,
                &mut out,
                Axis(j),
                Spacing::Unit,
                EdgeOrder::First,
                Par::Seq,
            )
            .unwrap();
            b.push(t.elapsed().as_secs_f64() * 1e3);
        }
        println!(
            "2000² H{i}{j}: chain {:.2} ms, two passes {:.2} ms",
            med(a),
            med(b)
        );
    }
    let f = Array3::from_shape_fn((200, 200, 200), |(i, j, k)| {
        ((i * 31 + j * 17 + k) % 101) as f64 * 0.1
    });
    let mut out = Array3::<f64>::zeros((200, 200, 200));
    let mut tmp = Array3::<f64>::zeros((200, 200, 200));
    for (i, j) in [(0, 1), (1, 2), (2, 2)] {
        let p = [
            Pass::new(Axis(i), Spacing::Unit, EdgeOrder::First),
            Pass::new(Axis(j), Spacing::Unit, EdgeOrder::First),
        ];
        let (mut a, mut b) = (vec![], vec![]);
        for _ in 0..9 {
            let t = Instant::now();
            chain_into(&f, &mut out, &p, Par::Seq).unwrap();
            a.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            gradient_axis_into(
                &f,
                &mut tmp,
                Axis(i),
                Spacing::Unit,
                EdgeOrder::First,
                Par::Seq,
            )
            .unwrap();
            gradient_axis_into(
                &tmp,
                &mut out,
                Axis(j),
                Spacing::Unit,
                EdgeOrder::First,
                Par::Seq,
            )
            .unwrap();
            b.push(t.elapsed().as_secs_f64() * 1e3);
        }
        println!(
            "200³ H{i}{j}: chain {:.2} ms, two passes {:.2} ms",
            med(a),
            med(b)
        );
    }
}
