//! One task's rows of an axis, region by region: the boundary rows at each
//! end (one at a time, each its own stencil), then the interior rows (all
//! at once, one stencil shape), each in the precision NumPy's promotion
//! (or the scheme) gives it.

use ndarray::{ArrayView, ArrayViewMut, Axis, Dimension, NdProducer, Slice, Zip};

use super::rows::{
    along_lane, combine, row, row_axis, row_mut, scalar_lane, taps_constant, taps_flat,
    taps_scalar, three_point, two_point, two_point_flat, weights_lanes,
};
use super::{Codec, In, St, Val};
use crate::element::{Compute, Precision, Scalar};
use crate::plan::{AxisPlan, Interior, Row, Weights};

/// Interior samples per block of non-uniform coefficients: large enough to
/// amortise the block set-up (256 was 15% slower on 1-D arrays), small
/// enough for the buffers (at most 144 KiB of stack) to stay in L2.
const COEF_BLOCK: usize = 2048;

/// Lanes along the axis from which computing all its coefficients up front
/// beats computing them block by block (then they take at most 1/8 of the
/// output's memory, for f64).
const FULL_COEF_LANES: usize = 24;

/// Computes the per-axis coefficients of `plan` up front when the whole
/// array has many lanes along it (`lanes`), for callers that then work on
/// pieces too thin to decide that themselves (the slabs of the fused pass:
/// without this, each slab would recompute the whole axis' weights).
pub(crate) fn prepare(plan: &AxisPlan<'_>, lanes: usize) {
    if lanes < FULL_COEF_LANES {
        return;
    }
    match &plan.interior {
        Interior::NonUniform(c) => {
            c.all(plan.len);
        }
        Interior::Weights(w) if plan.len > 2 * w.reach => {
            w.all(plan.len);
        }
        _ => {}
    }
}

/// Shortest lane worth a loop of its own when walking hyperplanes: below
/// this, the per-hyperplane set-up costs more than the broadcast `Zip`.
const MIN_ROW: usize = 16;

/// Computes samples `lo..lo + out.len_of(axis)` along `axis` on the calling
/// thread; `f` is whole along `axis` (the stencils read neighbours).
pub(super) fn apply_range<C: Codec, D: Dimension>(
    f: &ArrayView<'_, In<C>, D>,
    mut out: ArrayViewMut<'_, St<C>, D>,
    axis: Axis,
    plan: &AxisPlan<'_>,
    lo: usize,
) {
    // Rows `0..h` and `e..n` are boundary rows.
    let (n, h) = (plan.len, plan.first.len());
    let e = n - plan.last.len();
    let hi = lo + out.len_of(axis);
    if lo == hi {
        return;
    }
    // Lanes along the innermost axis of contiguous arrays: every lane's
    // interior in one flat pass (see `flat_interior`), before the boundary
    // rows, which overwrite the lanes' ends.
    let flat = lo == 0 && hi == n && h < e && flat_interior::<C, D>(f, &mut out, axis, plan);
    let at = |i: usize| Slice::from(i..i + 1);
    for r in lo..hi.min(h) {
        let o = out.slice_axis_mut(axis, at(r - lo));
        boundary::<C, D>(f, o, axis, &plan.first[r]);
    }
    for r in lo.max(e)..hi {
        let o = out.slice_axis_mut(axis, at(r - lo));
        boundary::<C, D>(f, o, axis, &plan.last[r - e]);
    }
    let (a, b) = (lo.max(h), hi.min(e));
    if a >= b || flat {
        return;
    }
    let t = <Val<C> as Scalar>::PRECISION;
    let o = out.slice_axis_mut(axis, Slice::from(a - lo..b - lo));
    // `f` over the interior rows `a..b`, shifted by `k` samples.
    let shifted = |k: isize| {
        let (s, e) = (a.strict_add_signed(k), b.strict_add_signed(k));
        f.slice_axis(axis, Slice::from(s..e))
    };
    match &plan.interior {
        Interior::Uniform(site) => {
            let p = site.promote.resolve(t);
            let (fm, fp) = (shifted(-1), shifted(1));
            dispatch!(
                Val<C>,
                p,
                two_point::<C>(o, fp, fm, site.values[0], site.integer)
            );
        }
        Interior::NonUniform(coefs) => {
            let p = coefs.source.precision().max(t);
            let x = [shifted(-1), shifted(0), shifted(1)];
            dispatch!(Val<C>, p, nonuniform::<C>(o, x, axis, a, coefs, n));
        }
        Interior::Taps { offsets, taps } => {
            let p = taps.precision(t);
            let xs: Vec<_> = offsets.iter().map(|&k| shifted(k)).collect();
            dispatch!(
                Val<C>,
                p,
                taps_scalar::<C>(o, &xs, &taps.weights, taps.divisor)
            );
        }
        Interior::Weights(w) => {
            let p = w.source.precision().max(t).max(Precision::Single);
            let r = w.reach as isize;
            let xs: Vec<_> = (-r..=r).map(shifted).collect();
            dispatch!(Val<C>, p, weights_interior::<C>(o, &xs, axis, a, w, n));
        }
    }
}

/// The interior rows of every lane along `axis` at once, when `f` and
/// `out` are contiguous with the same strides and `axis` is their
/// innermost axis in memory (the last axis of C-ordered arrays): the lanes
/// follow one another in memory, so the interior stencil runs over the
/// whole buffer as one slice, with no per-lane set-up (lanes of 64 samples
/// took three times the time per sample of lanes across them). The
/// positions at each lane's ends read the neighbouring lanes and get
/// values of no meaning: the caller computes the boundary rows afterwards,
/// which overwrites them. Returns whether it ran (uniform and taps
/// interiors; per-row weights depend on the row and are left to the lanes).
fn flat_interior<C: Codec, D: Dimension>(
    f: &ArrayView<'_, In<C>, D>,
    out: &mut ArrayViewMut<'_, St<C>, D>,
    axis: Axis,
    plan: &AxisPlan<'_>,
) -> bool {
    if out.stride_of(axis) != 1 || out.strides() != f.strides() {
        return false;
    }
    let r = match &plan.interior {
        Interior::Uniform(_) => 1,
        Interior::Taps { offsets, .. } => {
            offsets.iter().map(|o| o.unsigned_abs()).max().unwrap_or(0)
        }
        _ => return false,
    };
    let (Some(x), Some(o)) = (f.as_slice_memory_order(), out.as_slice_memory_order_mut()) else {
        return false;
    };
    let len = o.len();
    if len <= 2 * r {
        return false;
    }
    let t = <Val<C> as Scalar>::PRECISION;
    let o = &mut o[r..len - r];
    let shifted = |k: isize| &x[r.strict_add_signed(k)..(len - r).strict_add_signed(k)];
    match &plan.interior {
        Interior::Uniform(site) => {
            let p = site.promote.resolve(t);
            let (fm, fp) = (shifted(-1), shifted(1));
            dispatch!(
                Val<C>,
                p,
                two_point_flat::<C>[flat](o, fp, fm, site.values[0], site.integer)
            );
        }
        Interior::Taps { offsets, taps } => {
            let p = taps.precision(t);
            let xs: Vec<&[In<C>]> = offsets.iter().map(|&k| shifted(k)).collect();
            dispatch!(
                Val<C>,
                p,
                taps_flat::<C>[flat](o, &xs, &taps.weights, taps.divisor)
            );
        }
        _ => unreachable!("checked above"),
    }
    true
}

/// One boundary row (`out` is that row, `f` the whole input).
fn boundary<C: Codec, D: Dimension>(
    f: &ArrayView<'_, In<C>, D>,
    out: ArrayViewMut<'_, St<C>, D>,
    axis: Axis,
    row: &Row,
) {
    let t = <Val<C> as Scalar>::PRECISION;
    // The row's axes in memory order, largest stride first (the row's own,
    // of length 1, first of all): the loops' fallback `Zip` then walks the
    // innermost axis in memory innermost, not the length-1 one (a row
    // across lanes along the innermost axis took a loop per sample).
    let order = memory_order(&out, axis);
    let out = out.permuted_axes(order.clone());
    let at = |i: usize| {
        f.slice_axis(axis, Slice::from(i..i + 1))
            .permuted_axes(order.clone())
    };
    match row {
        Row::Difference { hi, lo, site } => {
            let p = site.promote.resolve(t);
            dispatch!(
                Val<C>,
                p,
                two_point::<C>(out, at(*hi), at(*lo), site.values[0], site.integer)
            );
        }
        Row::ThreePoint { at: i, site } => {
            let p = site.promote.resolve(t);
            dispatch!(
                Val<C>,
                p,
                three_point::<C>(
                    out,
                    [at(i[0]), at(i[1]), at(i[2])],
                    site.values,
                    f.ndim() == 1
                )
            );
        }
        Row::Taps { at: idx, taps } => {
            let p = taps.precision(t);
            let xs: Vec<_> = idx.iter().map(|&i| at(i)).collect();
            dispatch!(
                Val<C>,
                p,
                taps_scalar::<C>(out, &xs, &taps.weights, taps.divisor)
            );
        }
        Row::Constant {
            at: idx,
            taps,
            value,
        } => {
            let p = taps.precision(t);
            let xs: Vec<_> = idx.iter().map(|i| i.map(at)).collect();
            dispatch!(
                Val<C>,
                p,
                taps_constant::<C>(out, &xs, &taps.weights, taps.divisor, *value)
            );
        }
    }
}

/// The axes of `v` by decreasing stride, `axis` (a boundary row's own,
/// of length 1) first: a permutation for `permuted_axes`.
fn memory_order<A, D: Dimension>(v: &ArrayViewMut<'_, A, D>, axis: Axis) -> D {
    let mut axes: Vec<usize> = (0..v.ndim()).collect();
    axes.sort_by_key(|&k| {
        (
            k != axis.index(),
            core::cmp::Reverse(v.stride_of(Axis(k)).unsigned_abs()),
        )
    });
    let mut order = D::zeros(v.ndim());
    order.slice_mut().copy_from_slice(&axes);
    order
}

/// The interior with per-row weights: `out` holds rows `first..`, and
/// `xs[j]` is `f` over the same rows shifted by `j - reach`.
fn weights_interior<C: Codec, P: Compute<Val<C>>, D: Dimension>(
    mut out: ArrayViewMut<'_, St<C>, D>,
    xs: &[ArrayView<'_, In<C>, D>],
    axis: Axis,
    first: usize,
    w: &Weights<'_>,
    len: usize,
) {
    let (count, width) = (out.len_of(axis), w.width());
    let refs: Vec<_> = xs.iter().collect();
    let rows = row_axis(&out, &refs);
    if rows == Some(axis) && (w.is_computed() || out.len() >= FULL_COEF_LANES * count) {
        // Many lanes along the axis: the axis' weights once per plan.
        let all = w.all(len);
        let m = len - 2 * w.reach;
        let r0 = first - w.reach;
        let cols: Vec<&[f64]> = (0..width)
            .map(|j| &all[j * m + r0..j * m + r0 + count])
            .collect();
        weights_lanes::<C, P, D>(out, xs, &cols, axis);
        return;
    }
    let mut buf = vec![0.0; COEF_BLOCK.min(count) * width];
    for start in (0..count).step_by(COEF_BLOCK) {
        let m = COEF_BLOCK.min(count - start);
        let buf = &mut buf[..m * width];
        w.source.fill(first + start, m, buf);
        let block = Slice::from(start..start + m);
        let mut o = out.slice_axis_mut(axis, block);
        let x: Vec<_> = xs.iter().map(|v| v.slice_axis(axis, block)).collect();
        if rows == Some(axis) {
            let cols: Vec<&[f64]> = (0..width).map(|j| &buf[j * m..(j + 1) * m]).collect();
            weights_lanes::<C, P, D>(o, &x, &cols, axis);
        } else {
            // One hyperplane at a time, scalar weights.
            let mut wk = vec![0.0; width];
            for k in 0..m {
                for (j, v) in wk.iter_mut().enumerate() {
                    *v = buf[j * m + k];
                }
                let at = Slice::from(k..=k);
                let p: Vec<_> = x.iter().map(|v| v.slice_axis(axis, at)).collect();
                taps_scalar::<C, P, D>(o.slice_axis_mut(axis, at), &p, &wk, None);
            }
        }
    }
}

/// The non-uniform interior: `out` holds interior samples `first..`, and
/// `f0` is `f` over the same samples, `fm` and `fp` shifted by -1 and +1.
pub(super) fn nonuniform<C: Codec, P: Compute<Val<C>>, D: Dimension>(
    mut out: ArrayViewMut<'_, St<C>, D>,
    [fm, f0, fp]: [ArrayView<'_, In<C>, D>; 3],
    axis: Axis,
    first: usize,
    coefs: &Weights<'_>,
    len: usize,
) {
    let src = &*coefs.source;
    let count = out.len_of(axis);
    let rows = row_axis(&out, &[&fm, &f0, &fp]);
    let fused = P::ufunc_fuses();
    if rows == Some(axis) && (coefs.is_computed() || out.len() >= FULL_COEF_LANES * count) {
        // Many lanes along the axis: the axis' coefficients are computed once
        // per plan (3 per sample of the axis: at most an eighth of the
        // output) and each lane is streamed whole.
        let all = coefs.all(len);
        let (ra, rest) = all.split_at(len - 2);
        let (rb, rc) = rest.split_at(len - 2);
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
                let x = [row(x0), row(x1), row(x2)];
                along_lane::<C, P, P>(row_mut(o), x, [&a, &b, &c], |v| v, fused);
            });
        return;
    }
    #[allow(
        clippy::large_stack_arrays,
        reason = "one block of a, b and c (48 KiB) on the stack: no allocation per call"
    )]
    let mut block = [0.0; 3 * COEF_BLOCK];
    for start in (0..count).step_by(COEF_BLOCK) {
        let m = COEF_BLOCK.min(count - start);
        src.fill(first + start, m, &mut block[..3 * m]);
        let (a, b, c) = (&block[..m], &block[m..2 * m], &block[2 * m..3 * m]);
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
                            fused,
                        );
                    });
            }
            // Lanes across it: row by row in the order `Zip` walks them
            // (memory order for C- or F-ordered arrays), each with the
            // scalar coefficients of its sample along `axis`. Walking one
            // hyperplane at a time instead visits, in a 3-D array, rows
            // scattered over the whole array for every sample: axis 1 of a
            // 256³ array with coordinates took 1.6× its uniform time.
            Some(rows) if o.len_of(rows) >= MIN_ROW => {
                let coefs: Vec<[P; 3]> = (0..m).map(coef).collect();
                // One coefficient triple per lane: `coefs` along `axis`,
                // broadcast over the lanes' other axes.
                let out_lanes = o.lanes_mut(rows);
                let lanes = out_lanes.raw_dim();
                let mut coef_dim = lanes.clone();
                coef_dim.slice_mut().fill(1);
                coef_dim[axis.index() - usize::from(rows.index() < axis.index())] = m;
                let Ok(cv) = ArrayView::from_shape(coef_dim, &coefs[..]) else {
                    unreachable!("a contiguous shape with m elements fits m coefficients")
                };
                let Some(cv) = cv.broadcast(lanes) else {
                    unreachable!("coefficients have unit length on every other axis")
                };
                Zip::from(out_lanes)
                    .and(x[0].lanes(rows))
                    .and(x[1].lanes(rows))
                    .and(x[2].lanes(rows))
                    .and(&cv)
                    .for_each(|o, x0, x1, x2, &k| {
                        let x = [row(x0), row(x1), row(x2)];
                        scalar_lane::<C, P>(row_mut(o), x, k, fused);
                    });
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
                        *o = combine::<C, P>(a, b, c, x0, x1, x2, fused);
                    });
            }
        }
    }
}
