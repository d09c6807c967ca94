//! A chain: 1-D operations along axes applied in sequence, each reading
//! the previous one's result (mixed partial derivatives, separable
//! filters, NumPy's `gradient(gradient(f, axis=i), axis=j)`).
//!
//! The array is cut into slabs along a *slab axis* `s` that no pass after
//! the first runs along; each slab goes through every pass before the next
//! slab starts, so the intermediate results live in one slab-sized scratch
//! array per task (and the output itself), never in a temporary of the
//! array's size. The first pass may run along `s`: it reads the whole
//! input there, as the fused pass does. A chain with no such axis (along
//! axis 0 twice on a 1-D array) runs pass by pass over the whole array,
//! through one temporary of its size.
//!
//! Every pass writes either the output or the scratch, alternating so that
//! the last pass writes the output. Every element is a pure function of the
//! input, so any slab length and any split into tasks give the bits of the
//! passes run one after the other over whole arrays (`proptests` below).

use ndarray::{ArrayView, ArrayViewMut, Axis, Dimension, Slice};

use super::regions::{apply_range, prepare};
use super::tasks::{apply, task_count};
use crate::element::{Element, Scalar};
use crate::gradient::alloc_like;
use crate::options::Par;
use crate::plan::AxisPlan;

type Out<I> = <I as Element>::Output;

/// Output bytes per slab. Larger than the fused pass' slabs: measured on
/// the project's 2-core VM (2000² and 200³ `f64`, every pair of axes, NumPy
/// edges), 16 KiB slabs took up to 5× the time of two whole passes through
/// a warm temporary, 256 KiB up to 2× (slabs across the outermost axis),
/// 1 MiB 0.8–1.2× (4 MiB the same): the passes cost their per-row set-up
/// more than the memory they share.
const SLAB_BYTES: usize = 1024 * 1024;

/// One pass: along `axis`, with `plan`.
pub(crate) type Pass<'p, 'a> = (Axis, &'p AxisPlan<'a>);

/// Applies `passes` in order to `f` into `out` (same shape, checked by the
/// caller; every plan was made for its axis of this shape).
pub(crate) fn apply_chain<I: Element, D: Dimension>(
    f: &ArrayView<'_, I, D>,
    out: ArrayViewMut<'_, Out<I>, D>,
    passes: &[Pass<'_, '_>],
    par: Par,
) {
    debug_assert_eq!(f.shape(), out.shape());
    let Some((&first, rest)) = passes.split_first() else {
        unreachable!("a chain has at least one pass (checked by the caller)");
    };
    if f.is_empty() {
        return;
    }
    if rest.is_empty() {
        return apply::<I, D>(f.view(), out, first.0, first.1, par);
    }
    match slab_axis(f, rest) {
        Some(s) => {
            for &(_, plan) in passes.iter().filter(|p| p.0 != s) {
                prepare(plan, f.len() / plan.len.max(1));
            }
            let n = f.len_of(s);
            let per_index = (f.len() / n).max(1) * size_of::<Out<I>>().max(size_of::<I>());
            let slab = (SLAB_BYTES / per_index).clamp(1, n);
            let work = passes
                .iter()
                .map(|(_, p)| f.len().saturating_mul(p.cost(f.len() / p.len.max(1))))
                .fold(0_usize, usize::saturating_add);
            Slabs { f, passes, s, slab }.run(out, 0, task_count(par, work));
        }
        None => whole::<I, D>(f, out, passes, par),
    }
}

/// The outermost axis in memory (of length at least 2) along which no pass
/// after the first runs.
fn slab_axis<I, D: Dimension>(f: &ArrayView<'_, I, D>, rest: &[Pass<'_, '_>]) -> Option<Axis> {
    (0..f.ndim())
        .filter(|&k| f.len_of(Axis(k)) >= 2 && rest.iter().all(|p| p.0.index() != k))
        .max_by_key(|&k| (f.stride_of(Axis(k)).unsigned_abs(), core::cmp::Reverse(k)))
        .map(Axis)
}

/// Whether pass `k` of `m` writes the output (else the scratch): the last
/// one does, and they alternate before it.
const fn writes_out(k: usize, m: usize) -> bool {
    (m - 1 - k).is_multiple_of(2)
}

/// Pass by pass over whole arrays, through one temporary of `f`'s size.
fn whole<I: Element, D: Dimension>(
    f: &ArrayView<'_, I, D>,
    mut out: ArrayViewMut<'_, Out<I>, D>,
    passes: &[Pass<'_, '_>],
    par: Par,
) {
    let m = passes.len();
    let mut tmp = alloc_like(f, <Out<I> as Scalar>::ZERO);
    for (k, &(axis, plan)) in passes.iter().enumerate() {
        let (src, dest) = if writes_out(k, m) {
            (tmp.view(), out.view_mut())
        } else {
            (out.view(), tmp.view_mut())
        };
        if k == 0 {
            apply::<I, D>(f.view(), dest, axis, plan, par);
        } else {
            apply::<Out<I>, D>(src, dest, axis, plan, par);
        }
    }
}

/// What every task of a slab-wise chain shares.
struct Slabs<'r, 'v, 'p, 'a, I, D: Dimension> {
    f: &'r ArrayView<'v, I, D>,
    passes: &'r [Pass<'p, 'a>],
    /// The slab axis.
    s: Axis,
    /// Slab length along `s`.
    slab: usize,
}

impl<I: Element, D: Dimension> Slabs<'_, '_, '_, '_, I, D> {
    /// `out` covers indices `lo..` of the slab axis; splits it between
    /// `tasks` (rayon) and walks it slab by slab.
    fn run(&self, out: ArrayViewMut<'_, Out<I>, D>, lo: usize, tasks: usize) {
        let s = self.s;
        let count = out.len_of(s);
        #[cfg(feature = "rayon")]
        if tasks >= 2 && count >= 2 {
            let left_tasks = tasks / 2;
            let mid = (count * left_tasks / tasks).max(1);
            let (a, b) = out.split_at(s, mid);
            rayon::join(
                || self.run(a, lo, left_tasks),
                || self.run(b, lo + mid, tasks - left_tasks),
            );
            return;
        }
        let _ = tasks;
        let mut out = out;
        let part = self.f.slice_axis(s, Slice::from(0..self.slab.min(count)));
        let mut scratch = alloc_like(&part, <Out<I> as Scalar>::ZERO);
        let m = self.passes.len();
        for start in (0..count).step_by(self.slab) {
            let end = (start + self.slab).min(count);
            let (g0, g1) = (lo + start, lo + end);
            let mut o = out.slice_axis_mut(s, Slice::from(start..end));
            let mut t = scratch.slice_axis_mut(s, Slice::from(0..end - start));
            for (k, &(axis, plan)) in self.passes.iter().enumerate() {
                let (src, dest) = if writes_out(k, m) {
                    (t.view(), o.view_mut())
                } else {
                    (o.view(), t.view_mut())
                };
                if k > 0 {
                    apply_range::<Out<I>, D>(&src, dest, axis, plan, 0);
                } else if axis == s {
                    // Along the slab axis: the whole input, for the halo.
                    apply_range::<I, D>(self.f, dest, axis, plan, g0);
                } else {
                    let part = self.f.slice_axis(s, Slice::from(g0..g1));
                    apply_range::<I, D>(&part, dest, axis, plan, 0);
                }
            }
        }
    }
}

#[cfg(all(test, feature = "rayon"))]
mod proptests {
    use super::*;
    use crate::plan::plan;
    use crate::scheme::{Boundary, EdgeOrder, Scheme};
    use crate::spacing::Spacing;
    use ndarray::{Array1, ArrayD, IxDyn, ShapeBuilder};
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngSeed};

    proptest! {
        #![proptest_config(Config {
            cases: 192,
            rng_seed: RngSeed::Fixed(11),
            failure_persistence: None,
            ..Config::default()
        })]

        /// Any chain, slab length and split into tasks gives the bits of
        /// its passes run one after the other over whole arrays.
        #[test]
        fn any_slab_and_split_matches_pass_by_pass(
            shape in prop::collection::vec(1usize..9, 1..4),
            picks in prop::collection::vec((0usize..3, 0usize..4, any::<bool>()), 1..4),
            slab in 1usize..9,
            tasks in 1usize..7,
            fortran in any::<bool>(),
        ) {
            let ndim = shape.len();
            let f = ArrayD::from_shape_fn(IxDyn(&shape).set_f(fortran), |i| {
                i.slice().iter().enumerate()
                    .map(|(k, &v)| ((v * v + 3 * k) % 7) as f64 * 0.37)
                    .sum::<f64>()
            });
            let xs: Vec<Array1<f64>> = shape.iter()
                .map(|&n| Array1::from_iter((0..n).map(|i| (i * i) as f64 * 0.5 + i as f64)))
                .collect();
            let plans: Vec<(Axis, _)> = picks.iter().map(|&(a, kind, coords)| {
                let axis = a % ndim;
                let scheme = match kind {
                    0 => EdgeOrder::First.into(),
                    1 => EdgeOrder::Second.into(),
                    2 => Scheme::new(2, 4).unwrap(),
                    _ => Scheme::new(1, 2).unwrap().with_boundary(Boundary::Periodic { period: None }),
                };
                let periodic = scheme.boundary().is_periodic();
                let spacing = if coords && !periodic {
                    Spacing::coordinates(&xs[axis])
                } else {
                    Spacing::uniform(0.7)
                };
                (Axis(axis), plan(&spacing, axis, shape[axis], &scheme))
            }).collect();
            prop_assume!(plans.iter().all(|p| p.1.is_ok()));
            let plans: Vec<(Axis, AxisPlan<'_>)> =
                plans.into_iter().map(|(a, p)| (a, p.unwrap())).collect();
            let passes: Vec<Pass<'_, '_>> = plans.iter().map(|(a, p)| (*a, p)).collect();
            // Pass by pass, serially, over whole arrays.
            let mut expected = ArrayD::<f64>::zeros(f.raw_dim());
            apply::<f64, _>(f.view(), expected.view_mut(), passes[0].0, passes[0].1, Par::Seq);
            for &(axis, p) in &passes[1..] {
                let mut next = ArrayD::<f64>::zeros(f.raw_dim());
                apply::<f64, _>(expected.view(), next.view_mut(), axis, p, Par::Seq);
                expected = next;
            }
            let mut got = ArrayD::from_elem(f.raw_dim(), f64::NAN);
            let view = f.view();
            match slab_axis(&view, &passes[1..]) {
                Some(s) if passes.len() >= 2 => {
                    let slabs = Slabs { f: &view, passes: &passes, s, slab: slab.min(shape[s.index()]) };
                    slabs.run(got.view_mut(), 0, tasks);
                }
                _ => apply_chain::<f64, _>(&view, got.view_mut(), &passes, Par::Seq),
            }
            let same = got.iter().zip(&expected).all(|(a, b)| a.to_bits() == b.to_bits());
            prop_assert!(same, "chain {:?} != pass by pass {:?}", got, expected);
        }
    }
}
