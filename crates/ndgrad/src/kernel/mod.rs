//! Applying an [`AxisPlan`] to arrays.
//!
//! An axis is three regions: the first sample, the interior, the last
//! sample. Each region is one of two stencil shapes, written once:
//!
//! * [`two_point`]: `(f[hi] - f[lo]) / d`, the uniform interior (`d = 2h`)
//!   and the first-order edges (`d = h` or `dx`);
//! * [`three_point`]: `a*f0 + b*f1 + c*f2`, the second-order edges (scalar
//!   coefficients) and the non-uniform interior (per-sample coefficients).
//!
//! Both walk lanes along the innermost axis on which input and output are
//! contiguous, as slices, so the loops vectorise ([`row_axis`]); when there
//! is none they fall back to a `Zip` over the whole views. The non-uniform
//! interior has three shapes: lanes along the axis (coefficients per
//! sample), lanes across it (one hyperplane at a time, scalar
//! coefficients), or the `Zip` fallback with coefficients broadcast.
//!
//! Each region runs in the precision NumPy's promotion gives it (a type
//! `P: Compute<T>`, chosen at run time by [`dispatch!`]). Every output
//! element is a pure function of the input, so any split of the work, serial
//! or parallel, gives the same bits.

use ndarray::{ArrayView, ArrayViewMut, Axis, Dimension, Slice, Zip};

use crate::element::{Compute, Element, Precision, Scalar};
use crate::options::Par;
use crate::spacing::{AxisPlan, Coefficients, Edge, Interior, Site};

/// Interior samples per block of non-uniform coefficients: large enough to
/// amortise the block set-up (256 was 15% slower on 1-D arrays), small
/// enough for the buffers (at most 144 KiB of stack) to stay in L2.
const COEF_BLOCK: usize = 2048;

/// Lanes along the axis from which computing all its coefficients up front
/// beats computing them block by block (then they take at most 1/8 of the
/// output's memory, for f64).
const FULL_COEF_LANES: usize = 24;

/// Shortest lane worth a loop of its own when walking hyperplanes: below
/// this, the per-hyperplane set-up costs more than the broadcast `Zip`.
const MIN_ROW: usize = 16;

/// Fewest output elements per parallel task; below this, threads cost more
/// than they save (a 3-point stencil streams about 10 GB/s per core, so a
/// task this size is ~0.1 ms of work).
#[cfg(feature = "rayon")]
pub(crate) const MIN_TASK_LEN: usize = 1 << 16;

/// Tasks per thread when all threads are requested.
#[cfg(feature = "rayon")]
const OVERSPLIT: usize = 4;

/// How a kernel reads and writes memory: stored input `In`, the `Value`
/// differences and results are computed as, stored output `Stored`.
///
/// Every [`Element`] is its own codec (`In = I`, `Stored = Value =
/// I::Output`); `timedelta64` stores `i64` ticks but computes with NumPy's
/// timedelta arithmetic.
pub(crate) trait Codec: 'static {
    type In: Copy + Send + Sync;
    type Value: Scalar;
    type Stored: Copy + Send + Sync;
    fn load(x: Self::In) -> Self::Value;
    fn store(v: Self::Value) -> Self::Stored;
}

impl<I: Element> Codec for I {
    type In = I;
    type Value = I::Output;
    type Stored = I::Output;
    #[inline]
    fn load(x: I) -> I::Output {
        x.to_output()
    }
    #[inline]
    fn store(v: I::Output) -> I::Output {
        v
    }
}

type Val<C> = <C as Codec>::Value;
type In<C> = <C as Codec>::In;
type St<C> = <C as Codec>::Stored;

/// Calls `$func::<C, P, _>(args)` with `P` the compute type of value type
/// `$t` for precision `$prec`.
macro_rules! dispatch {
    ($t:ty, $prec:expr, $func:ident::<$i:ty>($($arg:expr),* $(,)?)) => {
        match $prec {
            Precision::Half => $func::<$i, <$t as Scalar>::Half, _>($($arg),*),
            Precision::Single => $func::<$i, <$t as Scalar>::Single, _>($($arg),*),
            Precision::Double => $func::<$i, <$t as Scalar>::Double, _>($($arg),*),
        }
    };
}

/// Differentiates `f` along `axis` into `out` (same shape, checked by the caller).
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

/// Computes samples `lo..lo + out.len_of(axis)` along `axis` on the calling thread.
fn apply_range<C: Codec, D: Dimension>(
    f: &ArrayView<'_, In<C>, D>,
    mut out: ArrayViewMut<'_, St<C>, D>,
    axis: Axis,
    plan: &AxisPlan<'_>,
    lo: usize,
) {
    let n = plan.len;
    let hi = lo + out.len_of(axis);
    if lo == hi {
        return;
    }
    let at = |i: usize| Slice::from(i..i + 1);
    let t = <Val<C> as Scalar>::PRECISION;
    if lo == 0 {
        edge::<C, D>(
            f,
            out.slice_axis_mut(axis, at(0)),
            axis,
            plan.first,
            End::First,
        );
    }
    if hi == n {
        let o = out.slice_axis_mut(axis, at(n - 1 - lo));
        edge::<C, D>(f, o, axis, plan.last, End::Last);
    }
    let (a, b) = (lo.max(1), hi.min(n - 1));
    if a >= b {
        return;
    }
    let o = out.slice_axis_mut(axis, Slice::from(a - lo..b - lo));
    let fm = f.slice_axis(axis, Slice::from(a - 1..b - 1));
    let fp = f.slice_axis(axis, Slice::from(a + 1..b + 1));
    match &plan.interior {
        Interior::Uniform(site) => {
            let p = site.promote.resolve(t);
            dispatch!(
                Val<C>,
                p,
                two_point::<C>(o, fp, fm, site.values[0], site.integer)
            );
        }
        Interior::NonUniform(coefs) => {
            let p = coefs.source.precision().max(t);
            let f0 = f.slice_axis(axis, Slice::from(a..b));
            dispatch!(
                Val<C>,
                p,
                nonuniform::<C>(o, [fm, f0, fp], axis, a, coefs, n)
            );
        }
    }
}

#[derive(Clone, Copy)]
enum End {
    First,
    Last,
}

/// One edge sample.
fn edge<C: Codec, D: Dimension>(
    f: &ArrayView<'_, In<C>, D>,
    out: ArrayViewMut<'_, St<C>, D>,
    axis: Axis,
    edge: Edge,
    end: End,
) {
    let n = f.len_of(axis);
    let t = <Val<C> as Scalar>::PRECISION;
    let at = |i: usize| f.slice_axis(axis, Slice::from(i..i + 1));
    match edge {
        Edge::TwoPoint(Site {
            values: [h],
            promote,
            integer,
        }) => {
            // (f[1] - f[0]) / h and (f[-1] - f[-2]) / h
            let (lo, hi) = match end {
                End::First => (0, 1),
                End::Last => (n - 2, n - 1),
            };
            let p = promote.resolve(t);
            dispatch!(Val<C>, p, two_point::<C>(out, at(hi), at(lo), h, integer));
        }
        Edge::ThreePoint(Site {
            values, promote, ..
        }) => {
            // a*f[0] + b*f[1] + c*f[2] and a*f[-3] + b*f[-2] + c*f[-1]
            let i = match end {
                End::First => 0,
                End::Last => n - 3,
            };
            let p = promote.resolve(t);
            dispatch!(
                Val<C>,
                p,
                three_point::<C>(out, [at(i), at(i + 1), at(i + 2)], values)
            );
        }
    }
}

/// `out = (hi - lo) / d`: the difference in the data type, the division in
/// `P`. `integer` says `d` is an integer step (it matters for timedelta64).
fn two_point<C: Codec, P: Compute<Val<C>>, D: Dimension>(
    mut out: ArrayViewMut<'_, St<C>, D>,
    hi: ArrayView<'_, In<C>, D>,
    lo: ArrayView<'_, In<C>, D>,
    d: f64,
    integer: bool,
) {
    let d = P::from_step(d, integer);
    let op = |h: In<C>, l: In<C>| C::store(P::lift(C::load(h).sub(C::load(l))).div(d).lower());
    if let Some(rows) = row_axis(&out, &[&hi, &lo]) {
        Zip::from(out.lanes_mut(rows))
            .and(hi.lanes(rows))
            .and(lo.lanes(rows))
            .for_each(|o, h, l| {
                let (o, h, l) = (row_mut(o), row(h), row(l));
                for ((o, &h), &l) in o.iter_mut().zip(h).zip(l) {
                    *o = op(h, l);
                }
            });
    } else {
        Zip::from(out)
            .and(hi)
            .and(lo)
            .for_each(|o, &h, &l| *o = op(h, l));
    }
}

/// The axis along which `out` and every input are contiguous (stride 1),
/// so that lanes along it are slices: loops over slices vectorise, which a
/// `Zip` with runtime strides in every producer does not. `None` when there
/// is no such axis (Fortran-ordered input with C-ordered output, negative or
/// stepped strides...): the callers then fall back to `Zip`.
fn row_axis<A, B, D: Dimension>(
    out: &ArrayViewMut<'_, A, D>,
    inputs: &[&ArrayView<'_, B, D>],
) -> Option<Axis> {
    let k = (0..out.ndim()).find(|&k| out.len_of(Axis(k)) > 1 && out.stride_of(Axis(k)) == 1)?;
    inputs
        .iter()
        .all(|v| v.stride_of(Axis(k)) == 1)
        .then_some(Axis(k))
}

#[allow(clippy::needless_pass_by_value)] // a view is a pointer and a stride: cheap to move
fn row<A>(lane: ndarray::ArrayView1<'_, A>) -> &[A] {
    lane.to_slice()
        .unwrap_or_else(|| unreachable!("row_axis chose a stride-1 axis"))
}

fn row_mut<A>(lane: ndarray::ArrayViewMut1<'_, A>) -> &mut [A] {
    lane.into_slice()
        .unwrap_or_else(|| unreachable!("row_axis chose a stride-1 axis"))
}

/// `out = (c0*f0 + c1*f1) + c2*f2` in `P`, with scalar coefficients.
fn three_point<C: Codec, P: Compute<Val<C>>, D: Dimension>(
    out: ArrayViewMut<'_, St<C>, D>,
    [f0, f1, f2]: [ArrayView<'_, In<C>, D>; 3],
    coefs: [f64; 3],
) {
    let [a, b, c] = coefs.map(P::from_f64);
    three_point_scalar::<C, P, D>(out, [&f0, &f1, &f2], [a, b, c]);
}

/// [`three_point`] with coefficients already in `P`.
fn three_point_scalar<C: Codec, P: Compute<Val<C>>, D: Dimension>(
    mut out: ArrayViewMut<'_, St<C>, D>,
    [f0, f1, f2]: [&ArrayView<'_, In<C>, D>; 3],
    [a, b, c]: [P; 3],
) {
    if let Some(rows) = row_axis(&out, &[f0, f1, f2]) {
        Zip::from(out.lanes_mut(rows))
            .and(f0.lanes(rows))
            .and(f1.lanes(rows))
            .and(f2.lanes(rows))
            .for_each(|o, x0, x1, x2| {
                let (o, x) = (row_mut(o), [row(x0), row(x1), row(x2)]);
                if o.len() >= SIMD_ROW {
                    scalar_row_simd::<C, P>(o, x, [a, b, c]);
                } else {
                    scalar_row::<C, P>(o, x, [a, b, c]);
                }
            });
    } else {
        Zip::from(out)
            .and(f0)
            .and(f1)
            .and(f2)
            .for_each(|o, &x0, &x1, &x2| {
                *o = combine::<C, P>(a, b, c, x0, x1, x2);
            });
    }
}

#[inline]
fn combine<C: Codec, P: Compute<Val<C>>>(
    a: P,
    b: P,
    c: P,
    x0: In<C>,
    x1: In<C>,
    x2: In<C>,
) -> St<C> {
    let lift = |x: In<C>| P::lift(C::load(x));
    C::store(
        a.mul(lift(x0))
            .add(b.mul(lift(x1)))
            .add(c.mul(lift(x2)))
            .lower(),
    )
}

/// The non-uniform interior: `out` holds interior samples `first..`, and
/// `f0` is `f` over the same samples, `fm` and `fp` shifted by -1 and +1.
fn nonuniform<C: Codec, P: Compute<Val<C>>, D: Dimension>(
    mut out: ArrayViewMut<'_, St<C>, D>,
    [fm, f0, fp]: [ArrayView<'_, In<C>, D>; 3],
    axis: Axis,
    first: usize,
    coefs: &Coefficients<'_>,
    len: usize,
) {
    let src = &*coefs.source;
    let count = out.len_of(axis);
    let rows = row_axis(&out, &[&fm, &f0, &fp]);
    if rows == Some(axis) && out.len() >= FULL_COEF_LANES * count {
        // Many lanes along the axis: the axis' coefficients are computed once
        // per plan (3 per sample of the axis: at most an eighth of the
        // output) and each lane is streamed whole.
        let [ra, rb, rc] = coefs.all(len);
        let range = first - 1..first - 1 + count;
        // Converted to `P` once here, not once per lane.
        let a: Vec<P> = ra[range.clone()].iter().map(|&v| P::from_f64(v)).collect();
        let b: Vec<P> = rb[range.clone()].iter().map(|&v| P::from_f64(v)).collect();
        let c: Vec<P> = rc[range].iter().map(|&v| P::from_f64(v)).collect();
        Zip::from(out.lanes_mut(axis))
            .and(fm.lanes(axis))
            .and(f0.lanes(axis))
            .and(fp.lanes(axis))
            .for_each(|o, x0, x1, x2| {
                along_lane::<C, P, P>(row_mut(o), [row(x0), row(x1), row(x2)], [&a, &b, &c], |v| v);
            });
        return;
    }
    let (mut ra, mut rb, mut rc) = ([0.0; COEF_BLOCK], [0.0; COEF_BLOCK], [0.0; COEF_BLOCK]);
    for start in (0..count).step_by(COEF_BLOCK) {
        let m = COEF_BLOCK.min(count - start);
        src.fill(first + start, &mut ra[..m], &mut rb[..m], &mut rc[..m]);
        let (a, b, c) = (&ra[..m], &rb[..m], &rc[..m]);
        let coef = |k: usize| [a[k], b[k], c[k]].map(P::from_f64);
        let block = Slice::from(start..start + m);
        let mut o = out.slice_axis_mut(axis, block);
        let x = [
            fm.slice_axis(axis, block),
            f0.slice_axis(axis, block),
            fp.slice_axis(axis, block),
        ];
        match rows {
            // Lanes along the differentiated axis: per-sample coefficients,
            // converted to `P` in the loop (free for f64; a separate
            // conversion pass cost 10% of a 1-D gradient).
            Some(rows) if rows == axis => {
                Zip::from(o.lanes_mut(rows))
                    .and(x[0].lanes(rows))
                    .and(x[1].lanes(rows))
                    .and(x[2].lanes(rows))
                    .for_each(|o, x0, x1, x2| {
                        along_lane::<C, P, f64>(
                            row_mut(o),
                            [row(x0), row(x1), row(x2)],
                            [a, b, c],
                            P::from_f64,
                        );
                    });
            }
            // Lanes across it: one hyperplane at a time, scalar coefficients.
            Some(rows) if o.len_of(rows) >= MIN_ROW => {
                for k in 0..m {
                    let at = Slice::from(k..=k);
                    let p = x.each_ref().map(|v| v.slice_axis(axis, at));
                    let plane = o.slice_axis_mut(axis, at);
                    three_point_scalar::<C, P, D>(plane, [&p[0], &p[1], &p[2]], coef(k));
                }
            }
            _ => {
                // Shape of one block of coefficients: 1 on every axis but `axis`.
                let mut coef_dim = o.raw_dim();
                coef_dim.slice_mut().fill(1);
                coef_dim[axis.index()] = m;
                let coefs: Vec<[P; 3]> = (0..m).map(coef).collect();
                let Ok(cv) = ArrayView::from_shape(coef_dim, &coefs[..]) else {
                    unreachable!("a contiguous shape with m elements fits m coefficients")
                };
                let Some(cv) = cv.broadcast(o.raw_dim()) else {
                    unreachable!("coefficients have unit length on every other axis")
                };
                Zip::from(o)
                    .and(&x[0])
                    .and(&x[1])
                    .and(&x[2])
                    .and(&cv)
                    .for_each(|o, &x0, &x1, &x2, &[a, b, c]| {
                        *o = combine::<C, P>(a, b, c, x0, x1, x2);
                    });
            }
        }
    }
}

/// One lane along the differentiated axis with per-sample coefficients,
/// stored as `K` and converted by `to_p` (`P` itself, or the `f64`
/// images [`CoefSource::fill`] writes): every slice is cut to the output's length first, so the loop
/// has no bounds checks and vectorises.
///
/// [`CoefSource::fill`]: crate::spacing::CoefSource::fill
#[inline]
fn along_lane<C: Codec, P: Compute<Val<C>>, K: Copy>(
    o: &mut [St<C>],
    x: [&[In<C>]; 3],
    coefs: [&[K]; 3],
    to_p: impl Fn(K) -> P,
) {
    if o.len() >= SIMD_ROW {
        lane_simd::<C, P, K>(o, x, coefs, to_p);
    } else {
        lane::<C, P, K>(o, x, coefs, to_p);
    }
}

/// Rows at least this long go through the run-time CPU dispatch of
/// [`lane_simd`] and [`scalar_row_simd`]; shorter ones stay inline, where
/// the dispatch (an indirect call) would cost more than wider vectors save.
const SIMD_ROW: usize = 64;

/// [`lane`] compiled for baseline x86-64 and with AVX2, picked at run time
/// (`multiversion`). With f32 data and f64 coordinates the loop converts,
/// multiplies and adds in f64, which SSE2 does two lanes at a time; AVX2
/// widens that to four (and eight for f32). Rust never fuses or reorders
/// float operations, so both builds give the same bits.
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn lane_simd<C: Codec, P: Compute<Val<C>>, K: Copy>(
    o: &mut [St<C>],
    x: [&[In<C>]; 3],
    coefs: [&[K]; 3],
    to_p: impl Fn(K) -> P,
) {
    lane::<C, P, K>(o, x, coefs, to_p);
}

/// [`scalar_row`] compiled for baseline x86-64 and with AVX2 (see [`lane_simd`]).
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn scalar_row_simd<C: Codec, P: Compute<Val<C>>>(o: &mut [St<C>], x: [&[In<C>]; 3], coefs: [P; 3]) {
    scalar_row::<C, P>(o, x, coefs);
}

/// One row of [`three_point_scalar`]: `out = a*x0 + b*x1 + c*x2`.
// Always inlined, so that the AVX2 clone of its caller compiles it for AVX2.
#[allow(clippy::inline_always)]
#[inline(always)]
fn scalar_row<C: Codec, P: Compute<Val<C>>>(
    o: &mut [St<C>],
    [x0, x1, x2]: [&[In<C>]; 3],
    [a, b, c]: [P; 3],
) {
    for (((o, &x0), &x1), &x2) in o.iter_mut().zip(x0).zip(x1).zip(x2) {
        *o = combine::<C, P>(a, b, c, x0, x1, x2);
    }
}

/// The loop of [`along_lane`] (always inlined, as [`scalar_row`]).
#[allow(clippy::inline_always)]
#[inline(always)]
fn lane<C: Codec, P: Compute<Val<C>>, K: Copy>(
    o: &mut [St<C>],
    [x0, x1, x2]: [&[In<C>]; 3],
    [a, b, c]: [&[K]; 3],
    to_p: impl Fn(K) -> P,
) {
    let n = o.len();
    let (x0, x1, x2, a, b, c) = (&x0[..n], &x1[..n], &x2[..n], &a[..n], &b[..n], &c[..n]);
    for k in 0..n {
        o[k] = combine::<C, P>(to_p(a[k]), to_p(b[k]), to_p(c[k]), x0[k], x1[k], x2[k]);
    }
}

#[cfg(all(test, feature = "rayon"))]
mod proptests {
    use super::*;
    use crate::options::EdgeOrder;
    use crate::spacing::{Spacing, plan};
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
            let p = plan(&spacing, axis.index(), n, edge).unwrap();
            let mut serial = ArrayD::<f64>::zeros(IxDyn(&shape));
            apply::<f64, _>(f.view(), serial.view_mut(), axis, &p, Par::Seq);
            let mut split = ArrayD::<f64>::from_elem(IxDyn(&shape), f64::NAN);
            apply_split::<f64, _>(f.view(), split.view_mut(), axis, &p, 0, tasks);
            prop_assert_eq!(serial, split);
        }
    }
}
