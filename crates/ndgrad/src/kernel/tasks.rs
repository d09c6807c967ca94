//! Splitting the work: threads (rayon tasks over the outermost axis in
//! memory) and the fused pass over several axes.

use ndarray::{ArrayView, ArrayViewMut, Axis, Dimension, Slice, Zip};

use super::regions::{apply_range, prepare};
use super::{Codec, In, St};
use crate::element::{Element, Float, Scalar};
use crate::gradient::alloc_like;
use crate::options::Par;
use crate::plan::AxisPlan;

/// Fewest units of work per parallel task. A unit is one output element of
/// the cheapest kernel (NumPy's uniform 3-point stencil); costlier kernels
/// weigh more ([`AxisPlan::cost`]). Measured on the project's 2-core VM
/// (BENCHMARKS.md, issue 16): a second thread pays for the cheapest kernel
/// only from about 3·10⁶ elements, and costs up to a third more time below
/// (page faults on a fresh output from two threads, waking the pool). Once
/// the two-point rows ran with AVX2 and a flat pass (issue 31), the break-even
/// doubled: in a warm process two threads lost on 10⁶, 1000² and 3·10⁶
/// elements (by 10–25 %) and won on 128³ and 3162² (all axes). So a task
/// needs 2^21 units: NumPy's uniform stencil splits from about 4·10⁶
/// output elements, 1-D coordinates at a higher accuracy from 2^18.
#[cfg(feature = "rayon")]
pub(crate) const MIN_TASK_LEN: usize = 1 << 21;

/// Tasks per thread when all threads are requested.
#[cfg(feature = "rayon")]
const OVERSPLIT: usize = 4;

/// Differentiates `f` along `axis` into `out` (same shape, checked by the caller).
// Without rayon the view is only borrowed; with it, it is split by value.
#[cfg_attr(not(feature = "rayon"), allow(clippy::needless_pass_by_value))]
pub(crate) fn apply<C: Codec, D: Dimension>(
    f: ArrayView<'_, In<C>, D>,
    out: ArrayViewMut<'_, St<C>, D>,
    axis: Axis,
    plan: &AxisPlan<'_>,
    par: Par,
) {
    debug_assert_eq!(f.shape(), out.shape());
    debug_assert_eq!(f.len_of(axis), plan.len);
    let lanes = out.len() / plan.len.max(1);
    match task_count(par, out.len().saturating_mul(plan.cost(lanes))) {
        1 => apply_range::<C, D>(&f, out, axis, plan, 0),
        #[cfg(feature = "rayon")]
        tasks => apply_split::<C, D>(f, out, axis, plan, 0, tasks),
        #[cfg(not(feature = "rayon"))]
        _ => unreachable!("without rayon every call is one task"),
    }
}

/// How many tasks to split `work` output elements into.
#[cfg_attr(not(feature = "rayon"), allow(unused_variables))]
pub(super) fn task_count(par: Par, work: usize) -> usize {
    match par {
        Par::Seq => 1,
        #[cfg(feature = "rayon")]
        Par::Rayon(tasks) => {
            // When every thread may be used, split finer than one task per
            // thread so that work stealing evens out a busy core (a shared
            // machine rarely gives both cores equally).
            let threads = rayon::current_num_threads();
            let tasks = if tasks.get() >= threads {
                threads * OVERSPLIT
            } else {
                tasks.get()
            };
            tasks.min(work / MIN_TASK_LEN).max(1)
        }
    }
}

/// Input bytes per slab of the fused multi-axis pass: small enough that
/// each axis after the first reads the slab from cache.
pub(super) const SLAB_BYTES: usize = 256 * 1024;

/// One derivative that an output of the fused pass is made of: input
/// `input` differentiated along `axis` with `plan`.
#[derive(Clone, Copy)]
pub(crate) struct Term<'p, 'a> {
    pub(crate) input: usize,
    pub(crate) axis: Axis,
    pub(crate) plan: &'p AxisPlan<'a>,
}

/// How the terms of one output are combined, element by element, in the
/// output type with NumPy's ufuncs: `last(next(…next(first(t0), t1)…, tn))`.
pub(crate) trait Combine<T>: 'static {
    /// Whether `first` or `last` are not the identity (a one-term output
    /// then needs passes of its own).
    const SHAPES: bool;
    fn first(v: T) -> T;
    fn next(acc: T, v: T) -> T;
    fn last(acc: T) -> T;
}

/// `t0 + t1 + …`, left to right (divergence, Laplacian; and the plain
/// gradient, whose outputs have one term each).
pub(crate) struct Sum;

impl<T: Scalar> Combine<T> for Sum {
    const SHAPES: bool = false;
    #[inline]
    fn first(v: T) -> T {
        v
    }
    #[inline]
    fn next(acc: T, v: T) -> T {
        acc.add(v)
    }
    #[inline]
    fn last(acc: T) -> T {
        acc
    }
}

/// `t0 - t1` (curl).
pub(crate) struct Difference;

impl<T: Scalar> Combine<T> for Difference {
    const SHAPES: bool = false;
    #[inline]
    fn first(v: T) -> T {
        v
    }
    #[inline]
    fn next(acc: T, v: T) -> T {
        acc.sub(v)
    }
    #[inline]
    fn last(acc: T) -> T {
        acc
    }
}

/// `sqrt(t0*t0 + t1*t1 + …)` (gradient magnitude).
pub(crate) struct Norm;

impl<T: Float> Combine<T> for Norm {
    const SHAPES: bool = true;
    #[inline]
    fn first(v: T) -> T {
        v.mul(v)
    }
    #[inline]
    fn next(acc: T, v: T) -> T {
        acc.add(v.mul(v))
    }
    #[inline]
    fn last(acc: T) -> T {
        acc.sqrt()
    }
}

/// Several axes in one pass over the input: the array is cut into slabs
/// along its outermost axis in memory, and every requested axis is
/// computed slab by slab, so the input comes from memory once rather than
/// once per axis. `outs[k]` receives the gradient along `jobs[k].0`.
pub(crate) fn apply_all<I: Element, D: Dimension>(
    f: &ArrayView<'_, I, D>,
    outs: Vec<ArrayViewMut<'_, I::Output, D>>,
    jobs: &[(Axis, &AxisPlan<'_>)],
    par: Par,
) {
    debug_assert_eq!(outs.len(), jobs.len());
    if jobs.len() < 2 || f.ndim() < 2 {
        for (out, &(axis, plan)) in outs.into_iter().zip(jobs) {
            apply::<I, D>(f.view(), out, axis, plan, par);
        }
        return;
    }
    let terms: Vec<Vec<Term<'_, '_>>> = jobs
        .iter()
        .map(|&(axis, plan)| {
            vec![Term {
                input: 0,
                axis,
                plan,
            }]
        })
        .collect();
    apply_fused::<I, D, Sum>(core::slice::from_ref(f), outs, &terms, par);
}

/// The fused pass: `outs[k]` receives the terms `jobs[k]` (each a
/// derivative of one of `inputs`, all of one shape) combined by `K`,
/// computed slab by slab so that every input comes from memory once. The
/// first term of an output is computed into the output itself, the others
/// into one slab-sized scratch array per task: nothing of the array's size
/// is allocated.
pub(crate) fn apply_fused<I: Element, D: Dimension, K: Combine<I::Output>>(
    inputs: &[ArrayView<'_, I, D>],
    outs: Vec<ArrayViewMut<'_, I::Output, D>>,
    jobs: &[Vec<Term<'_, '_>>],
    par: Par,
) {
    debug_assert_eq!(outs.len(), jobs.len());
    let f = &inputs[0];
    // The outermost axis in memory, preferring one of two samples or more
    // (a padded axis of one sample is differentiated too).
    let Some(s) = (0..f.ndim())
        .max_by_key(|&k| {
            let (n, stride) = (f.len_of(Axis(k)), f.stride_of(Axis(k)).unsigned_abs());
            (n >= 2, stride, core::cmp::Reverse(k))
        })
        .map(Axis)
        .filter(|_| !f.is_empty())
    else {
        // A 0-d or empty array: nothing to compute.
        return;
    };
    for term in jobs.iter().flatten().filter(|t| t.axis != s) {
        prepare(term.plan, f.len() / term.plan.len.max(1));
    }
    let n = f.len_of(s);
    let per_index = (f.len() / n).max(1) * size_of::<I>() * inputs.len();
    let slab = (SLAB_BYTES / per_index).clamp(1, n);
    let work = jobs
        .iter()
        .flatten()
        .map(|t| {
            f.len()
                .saturating_mul(t.plan.cost(f.len() / t.plan.len.max(1)))
        })
        .fold(0_usize, usize::saturating_add);
    let tasks = task_count(par, work);
    Fused {
        inputs,
        jobs,
        s,
        slab,
    }
    .run::<K>(outs, 0, tasks);
}

/// What every task of the fused pass shares.
struct Fused<'r, 'v, 'p, 'a, I, D: Dimension> {
    inputs: &'r [ArrayView<'v, I, D>],
    jobs: &'r [Vec<Term<'p, 'a>>],
    /// The slab axis (outermost in memory).
    s: Axis,
    /// Slab length along `s`.
    slab: usize,
}

impl<I: Element, D: Dimension> Fused<'_, '_, '_, '_, I, D> {
    /// `outs` cover indices `lo..` of the slab axis; splits them between
    /// `tasks` (rayon) and walks them slab by slab.
    fn run<K: Combine<I::Output>>(
        &self,
        outs: Vec<ArrayViewMut<'_, I::Output, D>>,
        lo: usize,
        tasks: usize,
    ) {
        let s = self.s;
        let count = outs.first().map_or(0, |o| o.len_of(s));
        #[cfg(feature = "rayon")]
        if tasks >= 2 && count >= 2 {
            let left_tasks = tasks / 2;
            let mid = (count * left_tasks / tasks).max(1);
            let (a, b): (Vec<_>, Vec<_>) = outs.into_iter().map(|o| o.split_at(s, mid)).unzip();
            rayon::join(
                || self.run::<K>(a, lo, left_tasks),
                || self.run::<K>(b, lo + mid, tasks - left_tasks),
            );
            return;
        }
        let _ = tasks;
        let mut outs = outs;
        // One slab-sized scratch array per task, in the input's memory order,
        // for the terms after each output's first.
        let mut scratch = self.jobs.iter().any(|j| j.len() >= 2).then(|| {
            let part = self.inputs[0].slice_axis(s, Slice::from(0..self.slab.min(count)));
            alloc_like(&part, <I::Output as Scalar>::ZERO)
        });
        for start in (0..count).step_by(self.slab) {
            let end = (start + self.slab).min(count);
            let (g0, g1) = (lo + start, lo + end);
            for (out, job) in outs.iter_mut().zip(self.jobs) {
                let mut o = out.slice_axis_mut(s, Slice::from(start..end));
                let last = job.len().saturating_sub(1);
                for (k, term) in job.iter().enumerate() {
                    if k == 0 {
                        self.term(term, o.view_mut(), g0, g1);
                        if K::SHAPES && last == 0 {
                            o.map_inplace(|v| *v = K::last(K::first(*v)));
                        }
                        continue;
                    }
                    let Some(scratch) = scratch.as_mut() else {
                        unreachable!("a scratch array exists when an output has two terms");
                    };
                    let mut t = scratch.slice_axis_mut(s, Slice::from(0..end - start));
                    self.term(term, t.view_mut(), g0, g1);
                    combine::<I::Output, D, K>(&mut o, &t.view(), k == 1, k == last);
                }
            }
        }
    }

    /// Rows `g0..g1` (of the slab axis) of one term, into `dest`.
    fn term(
        &self,
        term: &Term<'_, '_>,
        dest: ArrayViewMut<'_, I::Output, D>,
        g0: usize,
        g1: usize,
    ) {
        let f = &self.inputs[term.input];
        if term.axis == self.s {
            // Along the slab axis: the whole input, for the halo.
            apply_range::<I, D>(f, dest, term.axis, term.plan, g0);
        } else {
            let part = f.slice_axis(self.s, Slice::from(g0..g1));
            apply_range::<I, D>(&part, dest, term.axis, term.plan, 0);
        }
    }
}

/// `o = K::next(o, t)` element by element, with `K::first` applied to `o`
/// before (`first`) and `K::last` after (`last`), in one pass.
fn combine<T: Scalar, D: Dimension, K: Combine<T>>(
    o: &mut ArrayViewMut<'_, T, D>,
    t: &ArrayView<'_, T, D>,
    first: bool,
    last: bool,
) {
    let z = Zip::from(o).and(t);
    match (first, last) {
        (true, true) => z.for_each(|a, &b| *a = K::last(K::next(K::first(*a), b))),
        (true, false) => z.for_each(|a, &b| *a = K::next(K::first(*a), b)),
        (false, true) => z.for_each(|a, &b| *a = K::last(K::next(*a, b))),
        (false, false) => z.for_each(|a, &b| *a = K::next(*a, b)),
    }
}

/// Splits the output into `tasks` parts (recursively in halves, along the
/// outermost axis in memory, so each task streams contiguous memory) and
/// runs them with `rayon::join`.
///
/// `out` holds samples `lo..lo + out.len_of(axis)` of the differentiated
/// axis; `f` is always whole along it (the stencil reads neighbours).
#[cfg(feature = "rayon")]
pub(crate) fn apply_split<C: Codec, D: Dimension>(
    f: ArrayView<'_, In<C>, D>,
    out: ArrayViewMut<'_, St<C>, D>,
    axis: Axis,
    plan: &AxisPlan<'_>,
    lo: usize,
    tasks: usize,
) {
    let split = (0..out.ndim())
        .filter(|&k| out.len_of(Axis(k)) >= 2)
        .max_by_key(|&k| (out.stride_of(Axis(k)).unsigned_abs(), core::cmp::Reverse(k)))
        .map(Axis);
    let Some(split) = split.filter(|_| tasks >= 2) else {
        return apply_range::<C, D>(&f, out, axis, plan, lo);
    };
    let left_tasks = tasks / 2;
    let mid = out.len_of(split) * left_tasks / tasks;
    let mid = mid.max(1);
    let (out_a, out_b) = out.split_at(split, mid);
    if split == axis {
        rayon::join(
            || apply_split::<C, D>(f.view(), out_a, axis, plan, lo, left_tasks),
            || apply_split::<C, D>(f.view(), out_b, axis, plan, lo + mid, tasks - left_tasks),
        );
    } else {
        let (f_a, f_b) = f.split_at(split, mid);
        rayon::join(
            || apply_split::<C, D>(f_a, out_a, axis, plan, lo, left_tasks),
            || apply_split::<C, D>(f_b, out_b, axis, plan, lo, tasks - left_tasks),
        );
    }
}

#[cfg(all(test, feature = "rayon"))]
mod proptests {
    use super::*;
    use crate::plan::plan;
    use crate::scheme::EdgeOrder;
    use crate::spacing::Spacing;
    use ndarray::{Array1, ArrayD, IxDyn};
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngSeed};

    proptest! {
        #![proptest_config(Config {
            cases: 128,
            rng_seed: RngSeed::Fixed(7),
            failure_persistence: None,
            ..Config::default()
        })]

        /// Any split into tasks, along any axis, gives the serial bits
        /// (small arrays, below the size threshold the public API applies).
        #[test]
        fn any_split_matches_serial(
            shape in prop::collection::vec(1usize..9, 1..4),
            axis_pick in 0usize..3,
            tasks in 2usize..9,
            edge2 in any::<bool>(),
            coords in any::<bool>(),
        ) {
            let axis = Axis(axis_pick % shape.len());
            let n = shape[axis.index()];
            let edge = if edge2 { EdgeOrder::Second } else { EdgeOrder::First };
            prop_assume!(n >= edge.min_len());
            let f = ArrayD::from_shape_fn(IxDyn(&shape), |i| {
                i.slice().iter().enumerate().map(|(k, &v)| ((v * v + 3 * k) % 7) as f64).sum::<f64>()
            });
            let x = Array1::from_iter((0..n).map(|i| (i * i) as f64 * 0.5 + i as f64));
            let spacing = if coords { Spacing::coordinates(&x) } else { Spacing::uniform(0.7) };
            let p = plan(&spacing, axis.index(), n, &edge.into()).unwrap();
            let mut serial = ArrayD::<f64>::zeros(IxDyn(&shape));
            apply::<f64, _>(f.view(), serial.view_mut(), axis, &p, Par::Seq);
            let mut split = ArrayD::<f64>::from_elem(IxDyn(&shape), f64::NAN);
            apply_split::<f64, _>(f.view(), split.view_mut(), axis, &p, 0, tasks);
            prop_assert_eq!(serial, split);
        }

        /// The fused pass gives the composed bits (each term computed on
        /// its own, then combined element by element) for any slab length
        /// and any split into tasks, with terms along the slab axis too.
        #[test]
        fn fused_matches_composed(
            shape in prop::collection::vec(3usize..9, 1..4),
            wide in any::<bool>(),
            slab in 1usize..9,
            tasks in 1usize..9,
            coords in any::<bool>(),
            op in 0usize..3,
            fortran in any::<bool>(),
        ) {
            use ndarray::ShapeBuilder;
            let ndim = shape.len();
            let make = |seed: usize| {
                ArrayD::from_shape_fn(IxDyn(&shape).set_f(fortran), |i| {
                    i.slice().iter().enumerate()
                        .map(|(k, &v)| ((v * v + 3 * k + seed) % 7) as f64 * 0.37)
                        .sum::<f64>()
                })
            };
            let inputs: Vec<ArrayD<f64>> = (0..ndim).map(make).collect();
            let views: Vec<_> = inputs.iter().map(|a| a.view()).collect();
            let xs: Vec<Array1<f64>> = shape.iter()
                .map(|&n| Array1::from_iter((0..n).map(|i| (i * i) as f64 * 0.5 + i as f64)))
                .collect();
            let plans: Vec<_> = (0..ndim).map(|k| {
                let spacing = if coords { Spacing::coordinates(&xs[k]) } else { Spacing::uniform(0.7) };
                let scheme = if wide {
                    crate::Scheme::new(2, 4).unwrap()
                } else {
                    EdgeOrder::Second.into()
                };
                plan(&spacing, k, shape[k], &scheme)
            }).collect();
            prop_assume!(plans.iter().all(Result::is_ok));
            let plans: Vec<_> = plans.into_iter().map(Result::unwrap).collect();
            // op 0: norm of input 0's gradient; 1: divergence; 2: pairwise
            // differences F[k+1] along k minus F[k] along k+1.
            let jobs: Vec<Vec<Term<'_, '_>>> = match op {
                0 => vec![(0..ndim).map(|k| Term { input: 0, axis: Axis(k), plan: &plans[k] }).collect()],
                1 => vec![(0..ndim).map(|k| Term { input: k, axis: Axis(k), plan: &plans[k] }).collect()],
                _ => (0..ndim).map(|k| {
                    let j = (k + 1) % ndim;
                    vec![
                        Term { input: j, axis: Axis(k), plan: &plans[k] },
                        Term { input: k, axis: Axis(j), plan: &plans[j] },
                    ]
                }).collect(),
            };
            let expected: Vec<ArrayD<f64>> = jobs.iter().map(|job| {
                let parts: Vec<ArrayD<f64>> = job.iter().map(|t| {
                    let mut g = ArrayD::<f64>::zeros(IxDyn(&shape));
                    apply::<f64, _>(views[t.input].view(), g.view_mut(), t.axis, t.plan, Par::Seq);
                    g
                }).collect();
                let mut acc = parts[0].clone();
                if op == 0 { acc.mapv_inplace(|v| v * v); }
                for p in &parts[1..] {
                    ndarray::Zip::from(&mut acc).and(p).for_each(|a, &b| {
                        *a = match op { 0 => *a + b * b, 1 => *a + b, _ => *a - b };
                    });
                }
                if op == 0 { acc.mapv_inplace(f64::sqrt); }
                acc
            }).collect();
            let mut got: Vec<ArrayD<f64>> = jobs.iter()
                .map(|_| ArrayD::from_elem(IxDyn(&shape), f64::NAN))
                .collect();
            let outs = got.iter_mut().map(|a| a.view_mut()).collect();
            let s = (0..ndim)
                .max_by_key(|&k| (views[0].stride_of(Axis(k)).unsigned_abs(), core::cmp::Reverse(k)))
                .map(Axis)
                .unwrap();
            let fused = Fused { inputs: &views, jobs: &jobs, s, slab: slab.min(shape[s.index()]) };
            match op {
                0 => fused.run::<Norm>(outs, 0, tasks),
                1 => fused.run::<Sum>(outs, 0, tasks),
                _ => fused.run::<Difference>(outs, 0, tasks),
            }
            for (g, e) in got.iter().zip(&expected) {
                let same = g.iter().zip(e).all(|(a, b)| a.to_bits() == b.to_bits());
                prop_assert!(same, "fused {:?} != composed {:?}", g, e);
            }
        }
    }
}
