//! Splitting the work: threads (rayon tasks over the outermost axis in
//! memory) and the fused pass over several axes.

use ndarray::{ArrayView, ArrayViewMut, Axis, Dimension, Slice};

use super::regions::{apply_range, prepare};
use super::{Codec, In, St};
use crate::options::Par;
use crate::plan::AxisPlan;

/// Fewest output elements per parallel task; below this, threads cost more
/// than they save (a 3-point stencil streams about 10 GB/s per core, so a
/// task this size is ~0.1 ms of work).
#[cfg(feature = "rayon")]
pub(crate) const MIN_TASK_LEN: usize = 1 << 16;

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
    match task_count(par, out.len()) {
        1 => apply_range::<C, D>(&f, out, axis, plan, 0),
        #[cfg(feature = "rayon")]
        tasks => apply_split::<C, D>(f, out, axis, plan, 0, tasks),
        #[cfg(not(feature = "rayon"))]
        _ => unreachable!("without rayon every call is one task"),
    }
}

/// How many tasks to split `work` output elements into.
#[cfg_attr(not(feature = "rayon"), allow(unused_variables))]
fn task_count(par: Par, work: usize) -> usize {
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
const SLAB_BYTES: usize = 256 * 1024;

/// Several axes in one pass over the input: the array is cut into slabs
/// along its outermost axis in memory, and every requested axis is
/// computed slab by slab, so the input comes from memory once rather than
/// once per axis. `outs[k]` receives the gradient along `jobs[k].0`.
pub(crate) fn apply_all<C: Codec, D: Dimension>(
    f: &ArrayView<'_, In<C>, D>,
    outs: Vec<ArrayViewMut<'_, St<C>, D>>,
    jobs: &[(Axis, &AxisPlan<'_>)],
    par: Par,
) {
    debug_assert_eq!(outs.len(), jobs.len());
    let slab_axis = (0..f.ndim())
        .filter(|&k| f.len_of(Axis(k)) >= 2)
        .max_by_key(|&k| (f.stride_of(Axis(k)).unsigned_abs(), core::cmp::Reverse(k)))
        .map(Axis);
    let Some(s) = slab_axis.filter(|_| jobs.len() >= 2 && f.ndim() >= 2) else {
        for (out, &(axis, plan)) in outs.into_iter().zip(jobs) {
            apply::<C, D>(f.view(), out, axis, plan, par);
        }
        return;
    };
    for (_, plan) in jobs.iter().filter(|&&(axis, _)| axis != s) {
        prepare(plan, f.len() / plan.len.max(1));
    }
    let n = f.len_of(s);
    let per_index = (f.len() / n).max(1) * size_of::<In<C>>();
    let slab = (SLAB_BYTES / per_index).clamp(1, n);
    let tasks = task_count(par, f.len() * jobs.len());
    slabs::<C, D>(f, outs, jobs, s, 0, slab, tasks);
}

/// `outs` cover indices `lo..` of the slab axis `s`; splits them between
/// `tasks` (rayon) and walks them slab by slab.
fn slabs<C: Codec, D: Dimension>(
    f: &ArrayView<'_, In<C>, D>,
    outs: Vec<ArrayViewMut<'_, St<C>, D>>,
    jobs: &[(Axis, &AxisPlan<'_>)],
    s: Axis,
    lo: usize,
    slab: usize,
    tasks: usize,
) {
    let count = outs[0].len_of(s);
    #[cfg(feature = "rayon")]
    if tasks >= 2 && count >= 2 {
        let left_tasks = tasks / 2;
        let mid = (count * left_tasks / tasks).max(1);
        let (a, b): (Vec<_>, Vec<_>) = outs.into_iter().map(|o| o.split_at(s, mid)).unzip();
        rayon::join(
            || slabs::<C, D>(f, a, jobs, s, lo, slab, left_tasks),
            || slabs::<C, D>(f, b, jobs, s, lo + mid, slab, tasks - left_tasks),
        );
        return;
    }
    let _ = tasks;
    let mut outs = outs;
    for start in (0..count).step_by(slab) {
        let end = (start + slab).min(count);
        let (g0, g1) = (lo + start, lo + end);
        let part = f.slice_axis(s, Slice::from(g0..g1));
        for (out, &(axis, plan)) in outs.iter_mut().zip(jobs) {
            let o = out.slice_axis_mut(s, Slice::from(start..end));
            if axis == s {
                // Along the slab axis: the whole input, for the halo.
                apply_range::<C, D>(f, o, axis, plan, g0);
            } else {
                apply_range::<C, D>(&part, o, axis, plan, 0);
            }
        }
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
    use crate::options::EdgeOrder;
    use crate::plan::plan;
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
    }
}
