//! The loops: one output region from input views of the same shape, in
//! the compute type `P`. Rows that are contiguous go through slices (which
//! the compiler vectorises), the rest through `Zip` or strided lanes.

use ndarray::{ArrayView, ArrayView1, ArrayViewMut, ArrayViewMut1, Axis, Dimension, Zip};

use super::{Codec, In, St, Val};
use crate::element::{Compute, Scalar};
use crate::weights::MAX_NODES;

/// `out = (hi - lo) / d`: the difference in the data type, the division in
/// `P`. `integer` says `d` is an integer step (it matters for timedelta64).
pub(super) fn two_point<C: Codec, P: Compute<Val<C>>, D: Dimension>(
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
                if o.len() >= SIMD_ROW {
                    two_point_row_simd::<C, P>(o, h, l, d);
                } else {
                    two_point_row::<C, P>(o, h, l, d);
                }
            });
    } else {
        Zip::from(out)
            .and(hi)
            .and(lo)
            .for_each(|o, &h, &l| *o = op(h, l));
    }
}

/// One contiguous row of [`two_point`]: `o = (h - l) / d`.
// Always inlined, so that the AVX2 clone of its caller compiles it for AVX2.
#[allow(clippy::inline_always)]
#[inline(always)]
fn two_point_row<C: Codec, P: Compute<Val<C>>>(o: &mut [St<C>], h: &[In<C>], l: &[In<C>], d: P) {
    let n = o.len();
    let (h, l) = (&h[..n], &l[..n]);
    let diff = |h: In<C>, l: In<C>| P::lift(C::load(h).sub(C::load(l)));
    // NumPy divides; a power-of-two divisor (2h with the default h = 1)
    // multiplies by its exact reciprocal instead: the same bits, several
    // times the throughput.
    if let Some(r) = P::exact_reciprocal(d) {
        for ((o, &h), &l) in o.iter_mut().zip(h).zip(l) {
            *o = C::store(diff(h, l).mul(r).lower());
        }
    } else {
        for ((o, &h), &l) in o.iter_mut().zip(h).zip(l) {
            *o = C::store(diff(h, l).div(d).lower());
        }
    }
}

/// [`two_point_row`] compiled for baseline x86-64 and with AVX2 (see
/// [`lane_simd`]): the division, which NumPy's bits need, runs four `f64`
/// lanes at a time instead of two.
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn two_point_row_simd<C: Codec, P: Compute<Val<C>>>(
    o: &mut [St<C>],
    h: &[In<C>],
    l: &[In<C>],
    d: P,
) {
    two_point_row::<C, P>(o, h, l, d);
}

/// The axis along which `out` and every input are contiguous (stride 1),
/// so that lanes along it are slices: loops over slices vectorise, which a
/// `Zip` with runtime strides in every producer does not. `None` when there
/// is no such axis (Fortran-ordered input with C-ordered output, negative or
/// stepped strides...): the callers then fall back to `Zip`.
pub(super) fn row_axis<A, B, D: Dimension>(
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
pub(super) fn row<A>(lane: ndarray::ArrayView1<'_, A>) -> &[A] {
    lane.to_slice()
        .unwrap_or_else(|| unreachable!("row_axis chose a stride-1 axis"))
}

pub(super) fn row_mut<A>(lane: ndarray::ArrayViewMut1<'_, A>) -> &mut [A] {
    lane.into_slice()
        .unwrap_or_else(|| unreachable!("row_axis chose a stride-1 axis"))
}

/// `out = (c0*f0 + c1*f1) + c2*f2` in `P`, with scalar coefficients.
///
/// `scalar_math`: the samples are NumPy scalars (an edge of a 1-D array,
/// where NumPy's `f[0]` is a scalar), so the products are NumPy's scalar
/// math rather than its `multiply` ufunc (for complex data they differ in
/// the sign of zero products).
pub(super) fn three_point<C: Codec, P: Compute<Val<C>>, D: Dimension>(
    mut out: ArrayViewMut<'_, St<C>, D>,
    [f0, f1, f2]: [ArrayView<'_, In<C>, D>; 3],
    coefs: [f64; 3],
    scalar_math: bool,
) {
    let [a, b, c] = coefs.map(P::from_f64);
    if scalar_math {
        let lift = |x: In<C>| P::lift(C::load(x));
        Zip::from(&mut out)
            .and(&f0)
            .and(&f1)
            .and(&f2)
            .for_each(|o, &x0, &x1, &x2| {
                *o = C::store(
                    a.mul(lift(x0))
                        .add(b.mul(lift(x1)))
                        .add(c.mul(lift(x2)))
                        .lower(),
                );
            });
        return;
    }
    three_point_scalar::<C, P, D>(out, [&f0, &f1, &f2], [a, b, c]);
}

/// [`three_point`] with coefficients already in `P`.
pub(super) fn three_point_scalar<C: Codec, P: Compute<Val<C>>, D: Dimension>(
    mut out: ArrayViewMut<'_, St<C>, D>,
    [f0, f1, f2]: [&ArrayView<'_, In<C>, D>; 3],
    [a, b, c]: [P; 3],
) {
    let fused = P::ufunc_fuses();
    if let Some(rows) = row_axis(&out, &[f0, f1, f2]) {
        Zip::from(out.lanes_mut(rows))
            .and(f0.lanes(rows))
            .and(f1.lanes(rows))
            .and(f2.lanes(rows))
            .for_each(|o, x0, x1, x2| {
                scalar_lane::<C, P>(row_mut(o), [row(x0), row(x1), row(x2)], [a, b, c], fused);
            });
    } else {
        Zip::from(out)
            .and(f0)
            .and(f1)
            .and(f2)
            .for_each(|o, &x0, &x1, &x2| {
                *o = combine::<C, P>(a, b, c, x0, x1, x2, fused);
            });
    }
}

/// One contiguous row of `out = (a*f0 + b*f1) + c*f2` with scalar
/// coefficients (vectorised, with the AVX2 build for long rows).
#[inline]
pub(super) fn scalar_lane<C: Codec, P: Compute<Val<C>>>(
    o: &mut [St<C>],
    x: [&[In<C>]; 3],
    coefs: [P; 3],
    fused: bool,
) {
    if o.len() >= SIMD_ROW {
        scalar_row_simd::<C, P>(o, x, coefs, fused);
    } else {
        scalar_row::<C, P>(o, x, coefs, fused);
    }
}

#[inline]
pub(super) fn combine<C: Codec, P: Compute<Val<C>>>(
    a: P,
    b: P,
    c: P,
    x0: In<C>,
    x1: In<C>,
    x2: In<C>,
    fused: bool,
) -> St<C> {
    let lift = |x: In<C>| P::lift(C::load(x));
    C::store(
        a.mul_ufunc(lift(x0), fused)
            .add(b.mul_ufunc(lift(x1), fused))
            .add(c.mul_ufunc(lift(x2), fused))
            .lower(),
    )
}

/// One lane along the differentiated axis with per-sample coefficients,
/// stored as `K` and converted by `to_p` (`P` itself, or the `f64`
/// images [`WeightSource::fill`] writes): every slice is cut to the
/// output's length first, so the loop has no bounds checks and vectorises.
///
/// [`WeightSource::fill`]: crate::plan::WeightSource::fill
#[inline]
pub(super) fn along_lane<C: Codec, P: Compute<Val<C>>, K: Copy>(
    o: &mut [St<C>],
    x: [&[In<C>]; 3],
    coefs: [&[K]; 3],
    to_p: impl Fn(K) -> P,
    fused: bool,
) {
    if o.len() >= SIMD_ROW {
        lane_simd::<C, P, K>(o, x, coefs, to_p, fused);
    } else {
        lane::<C, P, K>(o, x, coefs, to_p, fused);
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
    fused: bool,
) {
    lane::<C, P, K>(o, x, coefs, to_p, fused);
}

/// [`scalar_row`] compiled for baseline x86-64 and with AVX2 (see [`lane_simd`]).
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn scalar_row_simd<C: Codec, P: Compute<Val<C>>>(
    o: &mut [St<C>],
    x: [&[In<C>]; 3],
    coefs: [P; 3],
    fused: bool,
) {
    scalar_row::<C, P>(o, x, coefs, fused);
}

/// One row of [`three_point_scalar`]: `out = a*x0 + b*x1 + c*x2`.
// Always inlined, so that the AVX2 clone of its caller compiles it for AVX2.
#[allow(clippy::inline_always)]
#[inline(always)]
fn scalar_row<C: Codec, P: Compute<Val<C>>>(
    o: &mut [St<C>],
    [x0, x1, x2]: [&[In<C>]; 3],
    [a, b, c]: [P; 3],
    fused: bool,
) {
    for (((o, &x0), &x1), &x2) in o.iter_mut().zip(x0).zip(x1).zip(x2) {
        *o = combine::<C, P>(a, b, c, x0, x1, x2, fused);
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
    fused: bool,
) {
    let n = o.len();
    let (x0, x1, x2, a, b, c) = (&x0[..n], &x1[..n], &x2[..n], &a[..n], &b[..n], &c[..n]);
    for k in 0..n {
        o[k] = combine::<C, P>(
            to_p(a[k]),
            to_p(b[k]),
            to_p(c[k]),
            x0[k],
            x1[k],
            x2[k],
            fused,
        );
    }
}

/// Samples per accumulator chunk of the taps loops (a stack buffer that
/// stays in L1).
const CHUNK: usize = 256;

/// Calls `body` with every lane along `lane` of `out` and the matching
/// lanes of `xs` (all of `out`'s shape).
pub(super) fn for_lanes<C: Codec, D: Dimension>(
    mut out: ArrayViewMut<'_, St<C>, D>,
    xs: &[ArrayView<'_, In<C>, D>],
    lane: Axis,
    mut body: impl FnMut(ArrayViewMut1<'_, St<C>>, &[ArrayView1<'_, In<C>>]),
) {
    // Fast path: every array as a 2-D (lanes x lane) view, so that lanes
    // are found by one index each rather than by stepping an N-D iterator
    // per array (which, for the `IxDyn` views the Python layer passes,
    // cost as much as the arithmetic of a 256-sample lane).
    if let Some(mut o2) = as_lanes_mut(out.view_mut(), lane) {
        let x2: Option<Vec<_>> = xs.iter().map(|x| as_lanes(x.view(), lane)).collect();
        if let Some(x2) = x2.filter(|x2| x2.iter().all(|x| x.dim() == o2.dim())) {
            let mut lanes = Vec::with_capacity(xs.len());
            for (i, o) in o2.outer_iter_mut().enumerate() {
                lanes.clear();
                lanes.extend(x2.iter().map(|x| x.row(i)));
                body(o, &lanes);
            }
            return;
        }
    }
    let mut iters: Vec<_> = xs.iter().map(|x| x.lanes(lane).into_iter()).collect();
    let mut lanes = Vec::with_capacity(xs.len());
    for o in out.lanes_mut(lane) {
        lanes.clear();
        lanes.extend(iters.iter_mut().map(|it| {
            it.next()
                .unwrap_or_else(|| unreachable!("inputs have the output's shape"))
        }));
        body(o, &lanes);
    }
}

macro_rules! as_lanes_fn {
    ($name:ident, $view:ident, $view2:ident) => {
        /// The array as a 2-D `(lanes, lane)` view ([`lane_shape`]'s order), or
        /// `None` if its axes other than `lane` do not merge into one.
        fn $name<A, D: Dimension>(
            v: $view<'_, A, D>,
            lane: Axis,
        ) -> Option<ndarray::$view2<'_, A>> {
            let mut v = v.into_dyn();
            if v.is_empty() {
                return None;
            }
            let others: Vec<usize> = (0..v.ndim()).filter(|&k| k != lane.index()).collect();
            if !others
                .windows(2)
                .all(|w| v.merge_axes(Axis(w[0]), Axis(w[1])))
            {
                return None;
            }
            let mut lane = lane.index();
            // Drop the merged-away axes (length 1), from the last down.
            if let Some((_, merged)) = others.split_last() {
                for &k in merged.iter().rev() {
                    v.index_axis_inplace(Axis(k), 0);
                    if k < lane {
                        lane -= 1;
                    }
                }
            } else {
                v.insert_axis_inplace(Axis(0));
                lane = 1;
            }
            if lane == 0 {
                v.swap_axes(0, 1);
            }
            v.into_dimensionality::<ndarray::Ix2>().ok()
        }
    };
}
as_lanes_fn!(as_lanes, ArrayView, ArrayView2);
as_lanes_fn!(as_lanes_mut, ArrayViewMut, ArrayViewMut2);

/// The axis to walk lanes along: the contiguous one ([`row_axis`]), else
/// the output's innermost axis in memory.
pub(super) fn lane_axis<A, B, D: Dimension>(
    out: &ArrayViewMut<'_, A, D>,
    xs: &[ArrayView<'_, B, D>],
) -> Axis {
    let refs: Vec<&ArrayView<'_, B, D>> = xs.iter().collect();
    row_axis(out, &refs).unwrap_or_else(|| {
        (0..out.ndim())
            .filter(|&k| out.len_of(Axis(k)) > 1)
            .min_by_key(|&k| out.stride_of(Axis(k)).unsigned_abs())
            .map_or(Axis(0), Axis)
    })
}

/// `out = (Σ_j w_j x_j) / divisor` in `P`, with scalar weights `w_j`
/// (exact `f64` images, at most [`MAX_NODES`]) and inputs of `out`'s
/// shape; the sum runs left to right.
pub(super) fn taps_scalar<C: Codec, P: Compute<Val<C>>, D: Dimension>(
    out: ArrayViewMut<'_, St<C>, D>,
    xs: &[ArrayView<'_, In<C>, D>],
    weights: &[f64],
    divisor: Option<f64>,
) {
    debug_assert!(!xs.is_empty() && xs.len() == weights.len() && xs.len() <= MAX_NODES);
    let mut w = [P::from_f64(0.0); MAX_NODES];
    for (w, &v) in w.iter_mut().zip(weights) {
        *w = P::from_f64(v);
    }
    let w = &w[..xs.len()];
    let div = divisor.map(P::from_f64);
    let lane = lane_axis(&out, xs);
    taps_for_lanes::<C, P, D>(
        out,
        xs,
        lane,
        div,
        |j, _| w[j],
        |o, s| {
            if o.len() >= SIMD_ROW {
                taps_row_simd::<C, P>(o, s, w, div);
            } else {
                taps_row::<C, P>(o, s, w, div);
            }
        },
    );
}

/// A row of a constant-padded axis: `Σ w_j x_j`, left to right, with the
/// constant `value` for the taps that read no sample (`None`), then `/ d`.
/// Only the few rows within reach of an end take this loop.
pub(super) fn taps_constant<C: Codec, P: Compute<Val<C>>, D: Dimension>(
    out: ArrayViewMut<'_, St<C>, D>,
    xs: &[Option<ArrayView<'_, In<C>, D>>],
    weights: &[f64],
    divisor: Option<f64>,
    value: f64,
) {
    debug_assert!(!xs.is_empty() && xs.len() == weights.len());
    let mut acc = ndarray::Array::from_elem(out.raw_dim(), P::from_f64(0.0));
    let c = P::from_f64(value);
    for (j, (x, &w)) in xs.iter().zip(weights).enumerate() {
        let w = P::from_f64(w);
        match (x, j) {
            (Some(x), 0) => Zip::from(&mut acc)
                .and(x)
                .for_each(|a, &x| *a = w.mul(lift::<C, P>(x))),
            (Some(x), _) => Zip::from(&mut acc)
                .and(x)
                .for_each(|a, &x| *a = a.add(w.mul(lift::<C, P>(x)))),
            (None, 0) => acc.fill(w.mul(c)),
            (None, _) => acc.map_inplace(|a| *a = a.add(w.mul(c))),
        }
    }
    let div = divisor.map(P::from_f64);
    Zip::from(out)
        .and(&acc)
        .for_each(|o, &a| *o = C::store(div.map_or(a, |d| a.div(d)).lower()));
}

/// [`two_point`] over one flat slice: `o[k] = (hi[k] - lo[k]) / d`.
pub(super) fn two_point_flat<C: Codec, P: Compute<Val<C>>>(
    o: &mut [St<C>],
    hi: &[In<C>],
    lo: &[In<C>],
    d: f64,
    integer: bool,
) {
    let d = P::from_step(d, integer);
    if o.len() >= SIMD_ROW {
        two_point_row_simd::<C, P>(o, hi, lo, d);
    } else {
        two_point_row::<C, P>(o, hi, lo, d);
    }
}

/// [`taps_scalar`] over one flat slice: `o[k] = Σ_j w_j xs[j][k]`, then
/// `/ divisor`.
pub(super) fn taps_flat<C: Codec, P: Compute<Val<C>>>(
    o: &mut [St<C>],
    xs: &[&[In<C>]],
    weights: &[f64],
    divisor: Option<f64>,
) {
    debug_assert!(!xs.is_empty() && xs.len() == weights.len() && xs.len() <= MAX_NODES);
    let mut w = [P::from_f64(0.0); MAX_NODES];
    for (w, &v) in w.iter_mut().zip(weights) {
        *w = P::from_f64(v);
    }
    let (w, div) = (&w[..xs.len()], divisor.map(P::from_f64));
    if o.len() >= SIMD_ROW {
        taps_row_simd::<C, P>(o, xs, w, div);
    } else {
        taps_row::<C, P>(o, xs, w, div);
    }
}

/// [`for_lanes`] for the sums of taps: each lane as slices when every
/// array is contiguous along it (`row`: the vectorised loops), else
/// [`taps_strided`] with the weight `w(j, k)` of tap `j` at sample `k`.
fn taps_for_lanes<C: Codec, P: Compute<Val<C>>, D: Dimension>(
    out: ArrayViewMut<'_, St<C>, D>,
    xs: &[ArrayView<'_, In<C>, D>],
    lane: Axis,
    div: Option<P>,
    w: impl Fn(usize, usize) -> P,
    mut row: impl FnMut(&mut [St<C>], &[&[In<C>]]),
) {
    for_lanes::<C, D>(out, xs, lane, |mut o, x| {
        let mut s: [&[In<C>]; MAX_NODES] = [&[]; MAX_NODES];
        if let Some(o) = o.as_slice_mut()
            && x.iter()
                .zip(&mut s)
                .all(|(x, s)| x.as_slice().map(|v| *s = v).is_some())
        {
            row(o, &s[..x.len()]);
        } else {
            taps_strided::<C, P>(o, x, &w, div);
        }
    });
}

/// Lanes along the differentiated axis with per-row weights: `out[k] =
/// Σ_j weights[j][k] x_j[k]` (the `f64` weights rounded to `P`).
pub(super) fn weights_lanes<C: Codec, P: Compute<Val<C>>, D: Dimension>(
    out: ArrayViewMut<'_, St<C>, D>,
    xs: &[ArrayView<'_, In<C>, D>],
    weights: &[&[f64]],
    axis: Axis,
) {
    debug_assert!(xs.len() == weights.len() && xs.len() <= MAX_NODES);
    let w = |j: usize, k: usize| P::from_f64(weights[j][k]);
    taps_for_lanes::<C, P, D>(out, xs, axis, None, w, |o, s| {
        if o.len() >= SIMD_ROW {
            weights_row_simd::<C, P>(o, s, weights);
        } else {
            weights_row::<C, P>(o, s, weights);
        }
    });
}

/// [`taps_row`] compiled for baseline x86-64 and with AVX2 (see [`lane_simd`]).
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn taps_row_simd<C: Codec, P: Compute<Val<C>>>(
    o: &mut [St<C>],
    xs: &[&[In<C>]],
    w: &[P],
    div: Option<P>,
) {
    taps_row::<C, P>(o, xs, w, div);
}

/// [`weights_row`] compiled for baseline x86-64 and with AVX2.
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn weights_row_simd<C: Codec, P: Compute<Val<C>>>(o: &mut [St<C>], xs: &[&[In<C>]], w: &[&[f64]]) {
    weights_row::<C, P>(o, xs, w);
}

/// One contiguous row of [`taps_scalar`]: a loop with the sum in
/// registers for 2 to 9 taps, else [`chunked`].
#[allow(clippy::inline_always)]
#[inline(always)]
fn taps_row<C: Codec, P: Compute<Val<C>>>(
    o: &mut [St<C>],
    xs: &[&[In<C>]],
    w: &[P],
    div: Option<P>,
) {
    match xs.len() {
        2 => return taps_fixed::<C, P, 2>(o, xs, w, div),
        3 => return taps_fixed::<C, P, 3>(o, xs, w, div),
        4 => return taps_fixed::<C, P, 4>(o, xs, w, div),
        5 => return taps_fixed::<C, P, 5>(o, xs, w, div),
        6 => return taps_fixed::<C, P, 6>(o, xs, w, div),
        7 => return taps_fixed::<C, P, 7>(o, xs, w, div),
        8 => return taps_fixed::<C, P, 8>(o, xs, w, div),
        9 => return taps_fixed::<C, P, 9>(o, xs, w, div),
        _ => {}
    }
    chunked::<C, P>(o, xs, div, |j| Tap::Scalar(w[j]));
}

/// Tap `j`'s weight in [`chunked`]: one for every sample, or one per sample.
enum Tap<'a, P> {
    Scalar(P),
    PerRow(&'a [f64]),
}

/// The rows of [`taps_row`] and [`weights_row`] whose tap count has no
/// fixed-size loop: a chunk at a time, tap by tap into an accumulator
/// (`w_0 x_0`, then `+ w_j x_j` left to right), so that every loop is a
/// vectorisable pass over slices whatever the number of taps.
#[allow(clippy::inline_always)]
#[inline(always)]
fn chunked<'w, C: Codec, P: Compute<Val<C>>>(
    o: &mut [St<C>],
    xs: &[&[In<C>]],
    div: Option<P>,
    tap: impl Fn(usize) -> Tap<'w, P>,
) {
    let n = o.len();
    let mut acc = [P::from_f64(0.0); CHUNK];
    for start in (0..n).step_by(CHUNK) {
        let m = CHUNK.min(n - start);
        let acc = &mut acc[..m];
        for (j, x) in xs.iter().enumerate() {
            let x = &x[start..start + m];
            match (tap(j), j) {
                (Tap::Scalar(w), 0) => {
                    for (a, &x) in acc.iter_mut().zip(x) {
                        *a = w.mul(lift::<C, P>(x));
                    }
                }
                (Tap::Scalar(w), _) => {
                    for (a, &x) in acc.iter_mut().zip(x) {
                        *a = a.add(w.mul(lift::<C, P>(x)));
                    }
                }
                (Tap::PerRow(w), 0) => {
                    for ((a, &x), &w) in acc.iter_mut().zip(x).zip(&w[start..start + m]) {
                        *a = P::from_f64(w).mul(lift::<C, P>(x));
                    }
                }
                (Tap::PerRow(w), _) => {
                    for ((a, &x), &w) in acc.iter_mut().zip(x).zip(&w[start..start + m]) {
                        *a = a.add(P::from_f64(w).mul(lift::<C, P>(x)));
                    }
                }
            }
        }
        store::<C, P>(&mut o[start..start + m], acc, div);
    }
}

/// [`taps_row`] for `N` taps known at compile time: the sum stays in
/// registers (the same operations in the same order, so the same bits).
#[allow(clippy::inline_always)]
#[inline(always)]
fn taps_fixed<C: Codec, P: Compute<Val<C>>, const N: usize>(
    o: &mut [St<C>],
    xs: &[&[In<C>]],
    w: &[P],
    div: Option<P>,
) {
    let n = o.len();
    let x: [&[In<C>]; N] = core::array::from_fn(|j| &xs[j][..n]);
    let w: [P; N] = core::array::from_fn(|j| w[j]);
    match div {
        Some(d) => {
            for (i, o) in o.iter_mut().enumerate() {
                *o = C::store(dot::<C, P, N>(&x, &w, i).div(d).lower());
            }
        }
        None => {
            for (i, o) in o.iter_mut().enumerate() {
                *o = C::store(dot::<C, P, N>(&x, &w, i).lower());
            }
        }
    }
}

/// `Σ_j w_j x_j[i]`, left to right (inlined: a call per sample would stop
/// the loop from vectorising).
#[allow(clippy::inline_always)]
#[inline(always)]
fn dot<C: Codec, P: Compute<Val<C>>, const N: usize>(x: &[&[In<C>]; N], w: &[P; N], i: usize) -> P {
    let mut a = w[0].mul(lift::<C, P>(x[0][i]));
    for j in 1..N {
        a = a.add(w[j].mul(lift::<C, P>(x[j][i])));
    }
    a
}

/// One contiguous row of [`weights_lanes`]: a loop with the sum in
/// registers for the central windows of 3 to 9 samples, else [`chunked`].
#[allow(clippy::inline_always)]
#[inline(always)]
fn weights_row<C: Codec, P: Compute<Val<C>>>(o: &mut [St<C>], xs: &[&[In<C>]], w: &[&[f64]]) {
    match xs.len() {
        3 => return weights_fixed::<C, P, 3>(o, xs, w),
        5 => return weights_fixed::<C, P, 5>(o, xs, w),
        7 => return weights_fixed::<C, P, 7>(o, xs, w),
        9 => return weights_fixed::<C, P, 9>(o, xs, w),
        _ => {}
    }
    chunked::<C, P>(o, xs, None, |j| Tap::PerRow(w[j]));
}

/// [`weights_row`] for `N` taps known at compile time (the central windows
/// of the schemes: 3 to 9 samples), the sum in registers, same bits.
#[allow(clippy::inline_always)]
#[inline(always)]
fn weights_fixed<C: Codec, P: Compute<Val<C>>, const N: usize>(
    o: &mut [St<C>],
    xs: &[&[In<C>]],
    w: &[&[f64]],
) {
    let n = o.len();
    let x: [&[In<C>]; N] = core::array::from_fn(|j| &xs[j][..n]);
    let w: [&[f64]; N] = core::array::from_fn(|j| &w[j][..n]);
    for (i, o) in o.iter_mut().enumerate() {
        let mut a = P::from_f64(w[0][i]).mul(lift::<C, P>(x[0][i]));
        for j in 1..N {
            a = a.add(P::from_f64(w[j][i]).mul(lift::<C, P>(x[j][i])));
        }
        *o = C::store(a.lower());
    }
}

/// The taps sum over strided lanes, one sample at a time (the fallback
/// when some view has no contiguous axis).
fn taps_strided<C: Codec, P: Compute<Val<C>>>(
    mut o: ArrayViewMut1<'_, St<C>>,
    xs: &[ArrayView1<'_, In<C>>],
    w: impl Fn(usize, usize) -> P,
    div: Option<P>,
) {
    for (k, o) in o.iter_mut().enumerate() {
        let mut acc = w(0, k).mul(lift::<C, P>(xs[0][k]));
        for (j, x) in xs.iter().enumerate().skip(1) {
            acc = acc.add(w(j, k).mul(lift::<C, P>(x[k])));
        }
        *o = C::store(div.map_or(acc, |d| acc.div(d)).lower());
    }
}

#[allow(clippy::inline_always)]
#[inline(always)]
fn lift<C: Codec, P: Compute<Val<C>>>(x: In<C>) -> P {
    P::lift(C::load(x))
}

/// `o = acc / div` (or `acc`), rounded to the output type.
#[allow(clippy::inline_always)]
#[inline(always)]
fn store<C: Codec, P: Compute<Val<C>>>(o: &mut [St<C>], acc: &[P], div: Option<P>) {
    match div {
        Some(d) => {
            for (o, &a) in o.iter_mut().zip(acc) {
                *o = C::store(a.div(d).lower());
            }
        }
        None => {
            for (o, &a) in o.iter_mut().zip(acc) {
                *o = C::store(a.lower());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{ArrayD, IxDyn, ShapeBuilder, Slice};

    /// The 2-D lane views enumerate lanes in `lanes()`'s order, for every
    /// layout they accept (and they accept the common ones).
    #[test]
    fn lane_views_keep_the_lane_order() {
        let mut accepted = 0;
        for shape in [vec![7], vec![3, 4], vec![2, 3, 4], vec![3, 1, 5, 2]] {
            for fortran in [false, true] {
                let a = ArrayD::from_shape_fn(IxDyn(&shape).set_f(fortran), |i| {
                    i.slice().iter().fold(0usize, |acc, &v| acc * 10 + v)
                });
                let sliced = a.slice_axis(Axis(shape.len() - 1), Slice::from(1..));
                let reversed = a.slice_axis(Axis(0), Slice::new(0, None, -1));
                for v in [a.view(), sliced, reversed] {
                    for lane in 0..v.ndim() {
                        let want: Vec<Vec<usize>> = v
                            .lanes(Axis(lane))
                            .into_iter()
                            .map(|l| l.to_vec())
                            .collect();
                        if let Some(rows) = as_lanes(v.view(), Axis(lane)) {
                            accepted += 1;
                            let got: Vec<Vec<usize>> =
                                rows.outer_iter().map(|l| l.to_vec()).collect();
                            assert_eq!(got, want, "{shape:?} f={fortran} lane {lane}");
                        }
                        let mut m = v.to_owned();
                        if let Some(rows) = as_lanes_mut(m.view_mut(), Axis(lane)) {
                            let got: Vec<Vec<usize>> =
                                rows.outer_iter().map(|l| l.to_vec()).collect();
                            let own: Vec<Vec<usize>> = m
                                .lanes(Axis(lane))
                                .into_iter()
                                .map(|l| l.to_vec())
                                .collect();
                            assert_eq!(got, own);
                        }
                    }
                }
            }
        }
        assert!(accepted >= 20, "only {accepted} layouts took the fast path");
    }
}
