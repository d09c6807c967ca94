#!/usr/bin/env python3
"""ndgrad.gradient against numpy.gradient, side by side, in one process.

The bandwidth probe is not in the shipped module: build the extension with
it first (`scripts/test` rebuilds it without),

    VIRTUAL_ENV=$PWD/.venv .venv/bin/maturin develop --release --features probe

    .venv/bin/python scripts/bench.py                 # full table (a few minutes)
    .venv/bin/python scripts/bench.py --quick         # smaller arrays, fewer workloads
    .venv/bin/python scripts/bench.py --json out.json
    .venv/bin/python scripts/bench.py --filter dask   # only the Dask rows
    .venv/bin/python scripts/bench.py --filter schemes  # only the higher-order scheme rows
    .venv/bin/python scripts/bench.py --filter operators  # only the fused operator rows
    .venv/bin/python scripts/bench.py --filter xarray  # only the xarray accessor rows
    .venv/bin/python scripts/bench.py --filter small   # 10- and 100-element calls
    .venv/bin/python scripts/bench.py --filter sweep   # 10^2..10^7: threads; warm, fresh malloc
    .venv/bin/python scripts/bench.py --filter float16 # float16 (and float32) rows
    .venv/bin/python scripts/bench.py --filter cache   # the output cache's patterns

For every workload the calls are interleaved (NumPy, ndgrad, ndgrad with
workers=1, ndgrad with out=, NumPy, ...) and the medians compared, so that
a noisy, shared machine affects both sides alike. Throughput counts, per
output, the input read once and the output written once.

The ceilings come from the project's bandwidth probe (`_stencil_probe`): the
simplest 3-point stencil over contiguous f64 arrays on every thread, into
outputs NumPy allocates fresh (page faults included, as any call that
returns a new array pays them) and into outputs already touched (as `out=`
calls do). It runs inside each workload's interleaved loop at the same byte
size, and "%fresh" / "%mapd" compare ndgrad with it: default calls against
the fresh ceiling, `out=` calls against the mapped one.

The Dask rows time ndgrad.dask against dask.array on the same array,
persisted on the same local `distributed` cluster (2 worker processes, 1
thread each, loopback only) with the same chunks, all axes: from the call to
the results being persisted in the workers' memory (graph building included,
transfer to the client excluded), interleaved, medians. Three comparisons:

- ``ndgrad.dask.gradient(f, *spacing)`` against ``dask.array.gradient`` (a
  uniform step and non-uniform coordinates). ndgrad.dask is checked against
  numpy.gradient on the whole array bit for bit; whether dask.array.gradient
  has those bits too is reported.
- ``ndgrad.dask.gradient(f, 0.1, accuracy=4)`` ("acc4") against what a user
  writes with dask.array, as dask.array.gradient itself is built: per axis,
  ``f.map_overlap(central4, depth={axis: 2, others: 0}, boundary='none')``,
  where ``central4`` is the 4th-order central stencil (1, -8, 0, 8, -1)/12h by
  NumPy slicing. That version has no stencil for the 2 samples at each end
  of the array (it leaves them at zero); ndgrad computes them with pinned
  one-sided 5-point windows.
- ``ndgrad.dask.laplacian(f, 0.1)`` against ``f.map_overlap(lambda b:
  scipy.ndimage.laplace(b) / h**2, depth=1, boundary='none')``. At the
  array's ends scipy reflects the data; ndgrad uses one-sided
  second-derivative windows.

For the last two, ndgrad.dask is checked bit for bit against ndgrad in
memory, and the dask.array version against it only in the interior (the
samples at least 2, resp. 1, from the array's ends along every axis, where
both apply the same central stencil), to a relative difference
(max |diff| / max |value|) below 1e-12: the operations are ordered
differently, so the bits may differ. ``boundary='none'`` is the cheapest
choice for the dask.array side (no padding at the array's ends), and what
dask.array.gradient uses.

The scheme rows (``--filter schemes``; issue 11) time ndgrad's higher-order
schemes on f64 data against ``accuracy=None`` (NumPy's gradient) in the same
interleaved loop, and against findiff (``Diff(axis, h, acc=k)``, ``**2``,
``periodic=True``, coordinate grids; one operator per axis, applied in turn)
on the same arrays. findiff's operators are built once, outside the timed
calls (its coefficients are computed on the first call, in the warm-up);
findiff variants whose first call takes more than a second are timed only
3 times. Results are checked: accuracy None and 2 against numpy.gradient
(edge_order 1 and 2) bit for bit, every other row against findiff in the
interior (findiff slides its one-sided windows at the ends, ndgrad pins
them, so the ends differ), periodic rows everywhere.

The operator rows (``--filter operators``; issue 12) time the fused
``magnitude``, ``divergence``, ``curl`` and ``laplacian`` (f64, unit step,
default threads) against what a user composes otherwise: NumPy's gradient
calls and ufuncs (``np.sqrt(g0*g0 + g1*g1)``, ``sum(np.gradient(F[i],
axis=i))``, the curl's differences), ``scipy.ndimage.laplace`` and
findiff's ``Laplacian``/``Divergence``, interleaved, medians. The composed
NumPy results are checked bit for bit; scipy and findiff in the interior
(their ends differ: scipy reflects, findiff slides its windows).

The xarray rows (``--filter xarray``; issue 14) time
``DataArray.ndgrad.differentiate(dim)`` (``import ndgrad.xarray``) against
xarray's own ``DataArray.differentiate(dim)`` on a NumPy-backed f64
DataArray with 1-D coordinates (``np.linspace``, which NumPy does not find
equally spaced, or ``arange * step``, which it does), along each dimension,
interleaved, medians. The two results are checked to be identical xarray
objects with the same bits.

Peak memory is measured with tracemalloc, which sees every NumPy allocation
(ndgrad's outputs are NumPy arrays; its own working memory is a few KiB,
see crates/ndgrad/tests/memory.rs), and reported in units of one output.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ndgrad
import numpy as np
from ndgrad import _ndgrad
from numpy.lib._function_base_impl import gradient as numpy_gradient


def timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    r = fn()
    elapsed = time.perf_counter() - t
    del r
    return elapsed


def peak_memory(fn: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    r = fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del r
    return peak


def probe(n: int, threads: int, fresh: bool, repeats: int) -> float:
    """Median GB/s of the stencil probe (16 bytes per element)."""
    f = np.arange(n, dtype=np.float64)
    out = np.empty(n)
    _ndgrad._stencil_probe(f, out, threads)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        if fresh:
            out = np.empty(n)
        _ndgrad._stencil_probe(f, out, threads)
        times.append(time.perf_counter() - t)
    return 16 * n / statistics.median(times) / 1e9


def workloads(quick: bool) -> list[dict[str, Any]]:
    n1, n2, n3 = (10**6, 1024, 96) if quick else (10**7, 4096, 256)
    out = []
    for dtype in ("float64", "float32"):
        for spacing in ("uniform", "nonuniform"):
            out.append(dict(shape=(n1,), dtype=dtype, spacing=spacing, axis=None, layout="C"))
            for shape in ((n2, n2), (n3, n3, n3)):
                for axis in (0, -1, None):
                    for layout in ("C", "T"):
                        if quick and (layout == "T" or (len(shape) == 3 and axis == 0)):
                            continue
                        out.append(
                            dict(
                                shape=shape, dtype=dtype, spacing=spacing, axis=axis, layout=layout
                            )
                        )
    return out


def describe(w: dict[str, Any]) -> str:
    shape = "x".join(map(str, w["shape"]))
    axis = "all" if w["axis"] is None else f"axis {w['axis']}"
    t = " T" if w["layout"] == "T" else ""
    dt = "f64" if w["dtype"] == "float64" else "f32"
    return f"{shape}{t} {dt} {w['spacing'][:3]}. {axis}"


def run(w: dict[str, Any], repeats: int, rng: np.random.Generator) -> dict[str, Any]:
    f = rng.standard_normal(w["shape"]).astype(w["dtype"])
    if w["layout"] == "T":
        f = f.T  # a transposed view: the slow axis in memory is now the last
    axes = list(range(f.ndim)) if w["axis"] is None else [w["axis"] % f.ndim]
    if w["spacing"] == "uniform":
        varargs: list[Any] = [0.1]
    else:
        varargs = [np.cumsum(rng.uniform(0.5, 1.5, f.shape[a])) for a in axes]
    kw: dict[str, Any] = {} if w["axis"] is None else {"axis": w["axis"]}
    outs = tuple(np.empty_like(f) for _ in axes)
    out_arg = outs[0] if len(outs) == 1 else outs
    # The probe at the same byte size, run in the same interleaved loop, so
    # each row is compared with the ceiling of the same moments.
    threads = os.cpu_count() or 1
    p_in = np.arange(f.nbytes // 8, dtype=np.float64)
    p_out = np.empty_like(p_in)

    def probe_fresh() -> None:
        _ndgrad._stencil_probe(p_in, np.empty_like(p_in), threads)

    def probe_mapped() -> None:
        _ndgrad._stencil_probe(p_in, p_out, threads)

    calls = {
        "numpy": lambda: numpy_gradient(f, *varargs, **kw),
        "ndgrad": lambda: ndgrad.gradient(f, *varargs, **kw),
        "ndgrad_w1": lambda: ndgrad.gradient(f, *varargs, workers=1, **kw),
        "ndgrad_out": lambda: ndgrad.gradient(f, *varargs, out=out_arg, **kw),
        "probe_fresh": probe_fresh,
        "probe_mapped": probe_mapped,
    }
    # Same bits (the parity suite proves it everywhere; this guards the benchmark).
    want = calls["numpy"]()
    got = calls["ndgrad"]()
    for g, x in zip(
        got if isinstance(got, tuple) else (got,),
        want if isinstance(want, tuple) else (want,),
        strict=True,
    ):
        assert np.array_equal(g, x, equal_nan=True), describe(w)
    del want, got
    for fn in calls.values():  # warm-up
        timed(fn)
    times: dict[str, list[float]] = {k: [] for k in calls}
    for _ in range(repeats):
        for k, fn in calls.items():
            times[k].append(timed(fn))
    med = {k: statistics.median(v) for k, v in times.items()}
    moved = len(axes) * 2 * f.nbytes  # per output: input read once, output written once
    out_bytes = f.nbytes
    gbps = {k: moved / v / 1e9 for k, v in med.items()}
    gbps["probe_fresh"] = 2 * f.nbytes / med["probe_fresh"] / 1e9
    gbps["probe_mapped"] = 2 * f.nbytes / med["probe_mapped"] / 1e9
    return {
        "workload": describe(w),
        **{k: v for k, v in w.items() if k != "shape"},
        "shape": list(w["shape"]),
        "median_s": med,
        "ratio": med["ndgrad"] / med["numpy"],
        "ratio_workers1": med["ndgrad_w1"] / med["numpy"],
        "gbps": gbps,
        "pct_fresh_ceiling": 100 * gbps["ndgrad"] / gbps["probe_fresh"],
        "pct_mapped_ceiling": 100 * gbps["ndgrad_out"] / gbps["probe_mapped"],
        "peak_outputs": {
            "numpy": peak_memory(calls["numpy"]) / out_bytes,
            "ndgrad": peak_memory(calls["ndgrad"]) / out_bytes,
        },
        "outputs": len(axes),
    }


def per_call(fn: Callable[[], Any], budget: float = 2e-3) -> Callable[[], float]:
    """A timer of one call of ``fn``: loops enough calls to fill ``budget``
    seconds (so that microsecond calls are not timer noise)."""
    t = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t, 1e-7)
    loops = max(1, int(budget / once))

    def timer() -> float:
        # One untimed call first: the variant timed before this one freed
        # arrays of other sizes, and whether this call's fresh outputs reuse
        # freed memory or fault in new pages would otherwise depend on the
        # order of the variants (up to 2x at 10^5-10^6 elements).
        fn()
        t = time.perf_counter()
        for _ in range(loops):
            fn()
        return (time.perf_counter() - t) / loops

    return timer


def interleaved(calls: dict[str, Callable[[], Any]], repeats: int) -> dict[str, float]:
    """Median seconds per call of each of ``calls``, timed in turn (warmed up).

    The order rotates every round: whichever call runs right after NumPy's
    gradient of 10^5-10^6 elements (which makes and frees five arrays of
    the input's size) ran 15-25% slower on this VM, even after an untimed
    call of its own, so a fixed order charged that to one variant."""
    timers = list({k: per_call(fn) for k, fn in calls.items()}.items())
    samples: dict[str, list[float]] = {k: [] for k in calls}
    for r in range(repeats):
        s = r % len(timers)
        for k, timer in timers[s:] + timers[:s]:
            samples[k].append(timer())
    return {k: statistics.median(v) for k, v in samples.items()}


def small_calls(repeats: int) -> list[dict[str, Any]]:
    """Issue 16: 10- and 100-element calls in every spacing form."""
    rng = np.random.default_rng(1)
    rows = []
    for n, shape2 in ((10, (2, 5)), (100, (10, 10))):
        f = rng.standard_normal(n)
        f2 = rng.standard_normal(shape2)
        x = np.cumsum(rng.uniform(0.5, 1.5, n))
        x2 = np.cumsum(rng.uniform(0.5, 1.5, shape2[1]))
        forms: list[tuple[str, np.ndarray, tuple[Any, ...]]] = [
            ("no spacing", f, ()),
            ("Python scalar 0.1", f, (0.1,)),
            ("NumPy scalar float64(0.1)", f, (np.float64(0.1),)),
            ("NumPy scalar float32(0.1)", f, (np.float32(0.1),)),
            ("NumPy scalar int64(2)", f, (np.int64(2),)),
            ("coordinates", f, (x,)),
            ("int64 coordinates", f, (np.cumsum(rng.integers(1, 3, n)),)),
            (f"{shape2[0]}x{shape2[1]}, per axis (0.1, x)", f2, (0.1, x2)),
        ]
        for name, a, args in forms:
            m = interleaved(
                {
                    "numpy": lambda a=a, args=args: numpy_gradient(a, *args),
                    "ndgrad": lambda a=a, args=args: ndgrad.gradient(a, *args),
                },
                repeats,
            )
            rows.append(
                {
                    "n": n,
                    "form": name,
                    "us": {k: v * 1e6 for k, v in m.items()},
                    "ratio": m["ndgrad"] / m["numpy"],
                }
            )
    return rows


def malloc_state(state: str) -> None:
    """Puts glibc's allocator in the state a program is in.

    ``fresh``: a process that has not yet freed a large block. Every
    allocation above 128 KiB is a new mapping (``M_MMAP_THRESHOLD``, fixed
    at its default), so NumPy's outputs of that size pay a page fault per
    page, on every call. ``warm``: a program that has freed a large block
    before (most real ones): glibc then raises its mmap threshold to that
    block's size (up to 32 MiB) and keeps freed memory in the heap, so
    outputs of up to several MiB come back without a fault. Set here with
    ``mallopt`` (threshold 32 MiB, trim threshold 64 MiB), which is what a
    freed 32 MiB block does, without depending on what ran before."""
    import ctypes

    libc = ctypes.CDLL("libc.so.6")
    m_trim_threshold, m_mmap_threshold = -1, -3
    mmap, trim = (128 << 10, 128 << 10) if state == "fresh" else (32 << 20, 64 << 20)
    libc.mallopt(m_mmap_threshold, mmap)
    libc.mallopt(m_trim_threshold, trim)
    libc.malloc_trim(0)


SWEEP_STATES = ("warm", "fresh")


def size_sweep(repeats: int, quick: bool) -> list[dict[str, Any]]:
    """Issues 16 and 31: f64 (all axes, unit spacing) from 10^2 to 10^7
    elements, 1-D, 2-D and 3-D, the default threads and workers=1, against
    NumPy and against ``f.copy()`` (one output's worth of memory traffic),
    with the allocator warm and fresh (:func:`malloc_state`)."""
    rng = np.random.default_rng(2)
    sizes = [10**2, 10**3, 10**4, 10**5, 3 * 10**5, 10**6, 3 * 10**6, 10**7]
    cubes = [16, 32, 64, 128]
    if quick:
        sizes, cubes = sizes[:6], cubes[:3]
    shapes: list[tuple[int, ...]] = []
    for n in sizes:
        side = round(n**0.5)
        shapes += [(n,), (side, side)]
    shapes += [(c, c, c) for c in cubes]
    arrays = [rng.standard_normal(shape) for shape in shapes]
    rows = []
    for state in SWEEP_STATES:
        malloc_state(state)
        for f in arrays:
            m = interleaved(
                {
                    "numpy": lambda f=f: numpy_gradient(f),
                    "ndgrad": lambda f=f: ndgrad.gradient(f),
                    "ndgrad_w1": lambda f=f: ndgrad.gradient(f, workers=1),
                    "copy": lambda f=f: f.copy(),
                },
                repeats,
            )
            rows.append(
                {
                    "state": state,
                    "shape": list(f.shape),
                    "elements": f.size,
                    "us": {k: v * 1e6 for k, v in m.items()},
                    "ratio": m["ndgrad"] / m["numpy"],
                    "ratio_w1": m["ndgrad_w1"] / m["numpy"],
                    "per_output_copies": m["ndgrad"] / f.ndim / m["copy"],
                }
            )
    malloc_state("warm")
    return rows


def cache_patterns(repeats: int, quick: bool) -> list[dict[str, Any]]:
    """Issue 31: the output cache (``ndgrad.set_output_cache``) in the
    patterns a program uses its results in, against the cache switched off
    and against NumPy, allocator warm: every call's results kept (a list of
    them grows), every call's results dropped, three sizes in turn (dropped),
    and two threads calling at once (dropped). Milliseconds per call,
    median over ``repeats`` rounds of 8 calls."""
    import threading

    rng = np.random.default_rng(4)
    n = 1000 if quick else 2000
    big = rng.standard_normal((n, n))
    sizes = [rng.standard_normal((m, m)) for m in (n // 4, n // 2, n)]

    def kept(fn: Callable[[np.ndarray], Any]) -> None:
        keep = [fn(big) for _ in range(8)]
        del keep

    def dropped(fn: Callable[[np.ndarray], Any]) -> None:
        for _ in range(8):
            fn(big)

    def mixed(fn: Callable[[np.ndarray], Any]) -> None:
        for k in range(8):
            fn(sizes[k % 3])

    def threads(fn: Callable[[np.ndarray], Any]) -> None:
        ts = [threading.Thread(target=lambda: [fn(big) for _ in range(4)]) for _ in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    # Each variant: the function and the cache limit it runs with.
    variants: dict[str, tuple[Callable[[np.ndarray], Any], int]] = {
        "numpy": (numpy_gradient, 64 << 20),
        "cache on": (ndgrad.gradient, 64 << 20),
        "cache off": (ndgrad.gradient, 0),
    }
    order = list(variants)
    rows = []
    malloc_state("warm")
    for name, pattern in (("kept", kept), ("dropped", dropped), ("mixed sizes", mixed),
                          ("2 threads", threads)):  # fmt: skip
        samples: dict[str, list[float]] = {k: [] for k in variants}
        for r in range(repeats):
            # Rotated, each after an untimed round of its own: the steady
            # state of a loop, not what the previous variant left behind.
            for k in order[r % 3 :] + order[: r % 3]:
                fn, limit = variants[k]
                ndgrad.set_output_cache(limit)
                pattern(fn)
                gc.collect()
                t = time.perf_counter()
                pattern(fn)
                samples[k].append((time.perf_counter() - t) / 8)
        ndgrad.set_output_cache(64 << 20)
        ms = {k: 1e3 * statistics.median(v) for k, v in samples.items()}
        rows.append(
            {
                "pattern": name,
                "shape": [n, n],
                "ms_per_call": ms,
                "on_over_off": ms["cache on"] / ms["cache off"],
                "on_over_numpy": ms["cache on"] / ms["numpy"],
            }
        )
    return rows


def f16_rows(repeats: int, quick: bool) -> list[dict[str, Any]]:
    """Issue 16: float16 against NumPy (and float32 for scale), all axes."""
    rng = np.random.default_rng(3)
    n = 512 if quick else 2048
    rows = []
    for dtype in ("float16", "float32"):
        f = rng.standard_normal((n, n)).astype(dtype)
        for name, args in (("unit", ()), ("step 0.1", (0.1,))):
            m = interleaved(
                {
                    "numpy": lambda f=f, args=args: numpy_gradient(f, *args),
                    "ndgrad": lambda f=f, args=args: ndgrad.gradient(f, *args),
                },
                repeats,
            )
            rows.append(
                {
                    "workload": f"{n}x{n} {dtype} all, {name}",
                    "ms": {k: v * 1e3 for k, v in m.items()},
                    "ratio": m["ndgrad"] / m["numpy"],
                }
            )
    return rows


def dask_workloads(quick: bool) -> list[dict[str, Any]]:
    n, c = (2048, 512) if quick else (4096, 1024)
    rows = [
        dict(
            shape=(n, n),
            chunks=c,
            op="gradient",
            spacing=spacing,
            name=f"dask {n}x{n} f64 {spacing[:3]}. all {c}²",
        )
        for spacing in ("uniform", "nonuniform")
    ]
    rows.append(
        dict(
            shape=(n, n),
            chunks=c,
            op="acc4",
            spacing="uniform",
            name=f"dask {n}x{n} f64 acc4 all {c}²",
        )
    )
    rows.append(
        dict(
            shape=(n, n),
            chunks=c,
            op="laplacian",
            spacing="uniform",
            name=f"dask {n}x{n} f64 laplacian {c}²",
        )
    )
    return rows


def run_dask(rows: list[dict[str, Any]], repeats: int) -> list[dict[str, Any]]:
    """ndgrad.dask against dask.array on one LocalCluster (see the module doc)."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        Client(cluster) as client,
    ):
        return [dask_row(client, w, repeats) for w in rows]


def central4(b: np.ndarray, axis: int, h: float) -> np.ndarray:
    """The 4th-order central difference along ``axis`` of one overlapped
    block, as a user writes it with NumPy slicing: ``(f[i-2] - 8 f[i-1] +
    8 f[i+1] - f[i+2]) / 12h``. The two rows at each end of the block have no
    stencil and stay zero: ``map_overlap`` trims them off, except at the
    array's ends (``boundary='none'`` adds no halo there)."""
    n = b.shape[axis]

    def at(x: np.ndarray, lo: int, hi: int) -> np.ndarray:  # x[lo : n + hi] along axis
        idx = [slice(None)] * x.ndim
        idx[axis] = slice(lo, n + hi)
        return x[tuple(idx)]

    out = np.zeros_like(b)
    at(out, 2, -2)[...] = (at(b, 0, -4) - 8 * at(b, 1, -3) + 8 * at(b, 3, -1) - at(b, 4, 0)) / (
        12 * h
    )
    return out


def dask_row(client: Any, w: dict[str, Any], repeats: int) -> dict[str, Any]:
    import dask
    import dask.array as da
    import ndgrad.dask
    import scipy.ndimage
    from distributed import wait

    f = client.persist(da.random.default_rng(0).standard_normal(w["shape"], chunks=w["chunks"]))
    wait(f)
    n = w["shape"][0]
    h = 0.1
    rng = np.random.default_rng(1)
    op = w["op"]
    varargs: list[Any] = (
        [h]
        if w["spacing"] == "uniform"
        else [np.cumsum(rng.uniform(0.5, 1.5, n)) for _ in range(2)]
    )
    calls: dict[str, Callable[[], Any]]
    check: dict[str, Any] = {}
    if op == "gradient":
        peer = "dask.array.gradient"
        calls = {
            "dask": lambda: da.gradient(f, *varargs),
            "ndgrad_dask": lambda: ndgrad.dask.gradient(f, *varargs),
        }
        # The same bits as numpy.gradient on the whole array (and whether
        # dask.array.gradient has them too).
        want = numpy_gradient(f.compute(), *varargs)
        same = {}
        for k, fn in calls.items():
            got = dask.compute(*fn())
            same[k] = all(
                np.array_equal(g, x, equal_nan=True) for g, x in zip(got, want, strict=True)
            )
            del got
        assert same["ndgrad_dask"], w["name"]
        check["same_bits_as_numpy"] = same
        del want
    else:
        if op == "acc4":
            # What a user writes with dask.array: one map_overlap per axis,
            # with a halo along that axis only (as dask.array.gradient does).
            peer = "map_overlap 4th-order central (slicing)"
            calls = {
                "dask": lambda: [
                    f.map_overlap(
                        central4,
                        depth={j: 2 if j == a else 0 for j in range(f.ndim)},
                        boundary="none",
                        dtype=f.dtype,
                        axis=a,
                        h=h,
                    )
                    for a in range(f.ndim)
                ],
                "ndgrad_dask": lambda: ndgrad.dask.gradient(f, h, accuracy=4),
            }
            in_memory = lambda: ndgrad.gradient(f.compute(), h, accuracy=4)  # noqa: E731
            reach = 2
        else:
            peer = "map_overlap scipy.ndimage.laplace"
            calls = {
                "dask": lambda: f.map_overlap(
                    lambda b: scipy.ndimage.laplace(b) / h**2,
                    depth=1,
                    boundary="none",
                    dtype=f.dtype,
                ),
                "ndgrad_dask": lambda: ndgrad.dask.laplacian(f, h),
            }
            in_memory = lambda: ndgrad.laplacian(f.compute(), h)  # noqa: E731
            reach = 1
        # ndgrad.dask: the bits of ndgrad in memory; the dask.array version:
        # the same values up to rounding, in the interior (at least `reach`
        # samples from the array's ends along every axis), where both apply
        # the central stencil.
        got = dask.compute(*as_tuple(calls["ndgrad_dask"]()))
        want = as_tuple(in_memory())
        same_nd = all(np.array_equal(g, x) for g, x in zip(got, want, strict=True))
        assert same_nd, w["name"]
        del want
        peer_got = dask.compute(*as_tuple(calls["dask"]()))
        inner = (slice(reach, n - reach),) * len(w["shape"])
        diff = max(
            float(np.max(np.abs(g[inner] - x[inner])) / np.max(np.abs(x[inner])))
            for g, x in zip(got, peer_got, strict=True)
        )
        assert diff < 1e-12, (w["name"], diff)
        check["same_bits_as_ndgrad_in_memory"] = same_nd
        check["interior_rel_diff"] = diff
        check["interior_reach"] = reach
        del got, peer_got

    def persisted(fn: Callable[[], Any]) -> float:
        t = time.perf_counter()
        res = client.persist(list(as_tuple(fn())))
        wait(res)
        elapsed = time.perf_counter() - t
        del res
        return elapsed

    for fn in calls.values():  # warm-up
        persisted(fn)
    times: dict[str, list[float]] = {k: [] for k in calls}
    for _ in range(repeats):
        for k, fn in calls.items():
            times[k].append(persisted(fn))
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "workload": w["name"],
        "op": op,
        "peer": peer,
        "shape": list(w["shape"]),
        "chunks": w["chunks"],
        "spacing": w["spacing"],
        "median_s": med,
        "speedup": med["dask"] / med["ndgrad_dask"],
        **check,
    }


SCHEME_VARIANTS = {
    # key: (label, ndgrad keyword arguments, coordinates?)
    "none": ("accuracy=None", {}, False),
    "acc2": ("accuracy=2", {"accuracy": 2}, False),
    "acc4": ("accuracy=4", {"accuracy": 4}, False),
    "acc8": ("accuracy=8", {"accuracy": 8}, False),
    "d2": ("derivative(order=2)", {"order": 2}, False),
    "periodic4": ("periodic, accuracy=4", {"accuracy": 4, "boundary": "periodic"}, False),
    "coords4": ("coordinates, accuracy=4", {"accuracy": 4}, True),
    "coords8": ("coordinates, accuracy=8", {"accuracy": 8}, True),
}


def scheme_workloads(quick: bool) -> list[dict[str, Any]]:
    n1, n2, n3 = (10**6, 1024, 96) if quick else (10**7, 4096, 256)
    return [
        dict(shape=shape, name=f"schemes {'x'.join(map(str, shape))} f64 all")
        for shape in ((n2, n2), (n3, n3, n3), (n1,))
    ]


def as_tuple(r: Any) -> tuple[Any, ...]:
    return tuple(r) if isinstance(r, (tuple, list)) else (r,)


def interior_rel_diff(got: tuple[Any, ...], want: tuple[Any, ...], reach: int | None) -> float:
    """max |got - want| / max |want| over the rows at least ``reach`` from
    both ends of each output's own axis (``None``: everywhere)."""
    worst = 0.0
    for a, (g, x) in enumerate(zip(got, want, strict=True)):
        if reach is not None:
            idx: list[slice] = [slice(None)] * g.ndim
            idx[a] = slice(reach, g.shape[a] - reach)
            g, x = g[tuple(idx)], x[tuple(idx)]
        worst = max(worst, float(np.max(np.abs(g - x)) / np.max(np.abs(x))))
    return worst


def run_schemes(w: dict[str, Any], repeats: int, rng: np.random.Generator) -> dict[str, Any]:
    """ndgrad's schemes against accuracy=None and findiff (see the module doc)."""
    f = rng.standard_normal(w["shape"])
    h = 0.1
    axes = list(range(f.ndim))
    xs = [np.cumsum(rng.uniform(0.5, 1.5, n)) for n in f.shape]

    def nd_call(kw: dict[str, Any], coords: bool) -> Callable[[], Any]:
        fn = ndgrad.derivative if "order" in kw else ndgrad.gradient
        varargs = xs if coords else [h]
        return lambda: fn(f, *varargs, **kw)

    nd = {k: nd_call(kw, coords) for k, (_, kw, coords) in SCHEME_VARIANTS.items()}
    fd: dict[str, Callable[[], Any]] = {}
    try:
        from findiff import Diff
    except ImportError:
        print("findiff columns skipped: pip install findiff")
    else:
        ops = {
            "acc2": [Diff(a, h, acc=2) for a in axes],
            "acc4": [Diff(a, h, acc=4) for a in axes],
            "acc8": [Diff(a, h, acc=8) for a in axes],
            "d2": [Diff(a, h, acc=2) ** 2 for a in axes],
            "periodic4": [Diff(a, h, acc=4, periodic=True) for a in axes],
            "coords4": [Diff(a, xs[a], acc=4) for a in axes],
            "coords8": [Diff(a, xs[a], acc=8) for a in axes],
        }
        for k, o in ops.items():
            fd[k] = lambda o=o: [op(f) for op in o]

    # Checks: NumPy's bits where NumPy defines the answer, findiff elsewhere.
    for k, edge in (("none", 1), ("acc2", 2)):
        want = as_tuple(numpy_gradient(f, h, edge_order=edge))
        got = as_tuple(nd[k]())
        assert all(np.array_equal(g, x) for g, x in zip(got, want, strict=True)), (w["name"], k)
    del want, got
    agree: dict[str, float] = {}
    # The rows both compute with the central window (None: all of them).
    reach = {
        "acc2": 1,
        "acc4": 2,
        "acc8": 4,
        "d2": 1,
        "periodic4": None,
        "coords4": 2,
        "coords8": 4,
    }
    for k in fd:
        agree[k] = interior_rel_diff(as_tuple(nd[k]()), as_tuple(fd[k]()), reach[k])
        assert agree[k] < 1e-9, (w["name"], k, agree[k])

    threads = os.cpu_count() or 1
    p_in = np.arange(f.nbytes // 8, dtype=np.float64)

    def probe_fresh() -> None:
        _ndgrad._stencil_probe(p_in, np.empty_like(p_in), threads)

    # Interleaved: the probe, then each ndgrad variant followed by its findiff twin.
    calls: dict[str, Callable[[], Any]] = {"probe_fresh": probe_fresh}
    for k in nd:
        calls[f"nd_{k}"] = nd[k]
        if k in fd:
            calls[f"fd_{k}"] = fd[k]
    warm = {k: timed(fn) for k, fn in calls.items()}  # warm-up (builds findiff's operators)
    # findiff variants slower than a second on their first call: 3 timed calls.
    n_calls = {
        k: min(repeats, 3) if k.startswith("fd_") and warm[k] > 1.0 else repeats for k in calls
    }
    times: dict[str, list[float]] = {k: [] for k in calls}
    for r in range(repeats):
        for k, fn in calls.items():
            if r < n_calls[k]:
                times[k].append(timed(fn))
    med = {k: statistics.median(v) for k, v in times.items()}
    moved = len(axes) * 2 * f.nbytes  # per output: input read once, output written once
    probe_gbps = 2 * f.nbytes / med["probe_fresh"] / 1e9
    rows = {}
    for k, (label, _, _) in SCHEME_VARIANTS.items():
        t = med[f"nd_{k}"]
        gbps = moved / t / 1e9
        row: dict[str, Any] = {
            "variant": label,
            "ndgrad_s": t,
            "ratio_to_none": t / med["nd_none"],
            "gbps": gbps,
            "pct_fresh_ceiling": 100 * gbps / probe_gbps,
            "peak_outputs_ndgrad": peak_memory(nd[k]) / f.nbytes,
        }
        if k in fd:
            row |= {
                "findiff_s": med[f"fd_{k}"],
                "findiff_calls": n_calls[f"fd_{k}"],
                "speedup_vs_findiff": med[f"fd_{k}"] / t,
                "peak_outputs_findiff": peak_memory(fd[k]) / f.nbytes,
                "rel_diff_vs_findiff": agree[k],
            }
        rows[k] = row
    return {
        "workload": w["name"],
        "shape": list(w["shape"]),
        "outputs": len(axes),
        "step": h,
        "probe_fresh_gbps": probe_gbps,
        "median_s": med,
        "timed_calls": n_calls,
        "variants": rows,
    }


def print_scheme_rows(r: dict[str, Any]) -> None:
    for k, v in r["variants"].items():
        if "findiff_s" in v:
            few = "*" if v["findiff_calls"] < r["timed_calls"]["probe_fresh"] else " "
            fd = (
                f"{1e3 * v['findiff_s']:10.1f}{few} {v['speedup_vs_findiff']:6.1f}x "
                f"{v['peak_outputs_ndgrad']:4.1f}/{v['peak_outputs_findiff']:4.1f} "
                f"{v['rel_diff_vs_findiff']:8.1e}"
            )
        else:
            check = "numpy's bits" if k == "none" else ""
            fd = f"{'-':>10}  {'-':>7} {v['peak_outputs_ndgrad']:4.1f}/  -  {check:>8}"
        print(
            f"{r['workload']:27} {v['variant']:24} {1e3 * v['ndgrad_s']:9.1f} "
            f"{v['ratio_to_none']:6.2f} {v['gbps']:6.1f} {v['pct_fresh_ceiling']:5.0f}% {fd}",
            flush=True,
        )


def operator_workloads(quick: bool) -> list[dict[str, Any]]:
    n2, n3 = (1024, 96) if quick else (4096, 256)
    return [
        dict(op="magnitude", shape=(n2, n2), name=f"operators magnitude {n2}x{n2}"),
        dict(op="divergence", shape=(n3, n3, n3), name=f"operators divergence 3x{n3}^3"),
        dict(op="curl", shape=(n3, n3, n3), name=f"operators curl 3x{n3}^3"),
        dict(op="laplacian", shape=(n3, n3, n3), name=f"operators laplacian {n3}^3"),
    ]


def run_operator(w: dict[str, Any], repeats: int, rng: np.random.Generator) -> dict[str, Any]:
    """One fused operator against its composed and peer equivalents."""
    op, shape = w["op"], w["shape"]
    ndim = len(shape)
    if op == "magnitude" or op == "laplacian":
        f = rng.standard_normal(shape)
        arg: Any = f
    else:
        F = [rng.standard_normal(shape) for _ in range(ndim)]
        arg = F
    nbytes = 8 * int(np.prod(shape))
    peers: dict[str, Callable[[], Any]] = {}
    exact: str | None = None
    if op == "magnitude":

        def composed() -> Any:
            gs = numpy_gradient(f)
            total = gs[0] * gs[0]
            for g in gs[1:]:
                total = total + g * g
            return np.sqrt(total)

        peers["numpy"] = composed
        exact = "numpy"
    elif op == "divergence":
        peers["numpy"] = lambda: sum(
            (numpy_gradient(F[i], axis=i) for i in range(1, ndim)),
            start=numpy_gradient(F[0], axis=0),
        )
        exact = "numpy"
        try:
            import findiff

            div = findiff.Divergence(h=[1.0] * ndim, acc=2)
            stacked = np.stack(F)
            peers["findiff"] = lambda: div(stacked)
        except ImportError:
            pass
    elif op == "curl":

        def d(c: int, a: int) -> Any:
            return numpy_gradient(F[c], axis=a)

        peers["numpy"] = lambda: (d(2, 1) - d(1, 2), d(0, 2) - d(2, 0), d(1, 0) - d(0, 1))
        exact = "numpy"
    else:
        try:
            import scipy.ndimage

            peers["scipy"] = lambda: scipy.ndimage.laplace(f)
        except ImportError:
            pass
        try:
            import findiff

            lap = findiff.Laplacian(h=[1.0] * ndim, acc=2)
            peers["findiff"] = lambda: lap(f)
        except ImportError:
            pass
    fn = getattr(ndgrad, op)
    nd = lambda: fn(arg)  # noqa: E731
    got = as_tuple(nd())
    checks: dict[str, Any] = {}
    for k, peer in peers.items():
        want = as_tuple(peer())
        if k == exact:
            checks[k] = all(np.array_equal(g, x) for g, x in zip(got, want, strict=True))
            assert checks[k], (w["name"], k)
        else:
            inner = (slice(1, -1),) * ndim
            diff = max(
                float(np.max(np.abs(g[inner] - x[inner])) / np.max(np.abs(x[inner])))
                for g, x in zip(got, want, strict=True)
            )
            checks[k] = diff
            assert diff < 1e-12, (w["name"], k, diff)
    del got
    calls = {"ndgrad": nd} | peers
    for fn_ in calls.values():
        timed(fn_)
    times: dict[str, list[float]] = {k: [] for k in calls}
    for _ in range(repeats):
        for k, fn_ in calls.items():
            times[k].append(timed(fn_))
    med = {k: statistics.median(v) for k, v in times.items()}
    outputs = 3 if op == "curl" else 1
    inputs = 1 if op in ("magnitude", "laplacian") else ndim
    moved = (inputs + outputs) * nbytes  # each input read once, each output written once
    return {
        "workload": w["name"],
        "op": op,
        "shape": list(shape),
        "median_s": med,
        "ratio": {k: med["ndgrad"] / med[k] for k in peers},
        "gbps": moved / med["ndgrad"] / 1e9,
        "checks": checks,
        "peak_outputs": {k: peak_memory(c) / nbytes for k, c in calls.items()},
    }


def xarray_workloads(quick: bool) -> list[dict[str, Any]]:
    n = 1024 if quick else 4096
    return [
        dict(n=n, dim=dim, coords=coords, name=f"xarray {n}x{n} f64 {coords} along {dim}")
        for coords, dims in (("linspace", ("y", "x")), ("uniform", ("y", "x")))
        for dim in dims
    ]


def run_xarray(w: dict[str, Any], repeats: int, rng: np.random.Generator) -> dict[str, Any]:
    """``.ndgrad.differentiate`` against ``.differentiate``, interleaved."""
    import ndgrad.xarray  # noqa: F401
    import xarray as xr

    n = w["n"]
    if w["coords"] == "linspace":
        coords = {"y": np.linspace(0.0, 1.0, n), "x": np.linspace(-2.0, 2.0, n)}
    else:
        coords = {"y": np.arange(n) * 0.5, "x": np.arange(n) * 0.25}
    arr = xr.DataArray(rng.standard_normal((n, n)), dims=("y", "x"), coords=coords)
    calls: dict[str, Callable[[], Any]] = {
        "xarray": lambda: arr.differentiate(w["dim"]),
        "ndgrad": lambda: arr.ndgrad.differentiate(w["dim"]),
    }
    want, got = calls["xarray"](), calls["ndgrad"]()
    same = bool(got.identical(want)) and np.array_equal(
        got.values.view(np.uint64), want.values.view(np.uint64)
    )
    assert same, w["name"]
    del want, got
    times: dict[str, list[float]] = {k: [] for k in calls}
    for _ in range(repeats):
        for k, fn in calls.items():
            times[k].append(timed(fn))
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "workload": w["name"],
        "median_s": med,
        "ratio": med["ndgrad"] / med["xarray"],
        "same_bits": same,
        "repeats": repeats,
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="smaller arrays, fewer workloads")
    ap.add_argument("--repeats", type=int, default=5, help="timed calls per variant (default 5)")
    ap.add_argument("--json", help="write all figures to this file")
    ap.add_argument("--filter", default="", help="only workloads whose name contains this")
    args = ap.parse_args()
    if not hasattr(_ndgrad, "_stencil_probe"):
        # The probe is a build feature, left out of the shipped module:
        # build it into this venv, then start again with it.
        root = Path(__file__).resolve().parents[1]
        venv = Path(sys.prefix)
        print("building the extension with the bandwidth probe (--features probe)", flush=True)
        subprocess.run(
            [
                str(venv / "bin" / "maturin"),
                "develop",
                "--release",
                "--quiet",
                "--features",
                "probe",
            ],
            cwd=root,
            env={**os.environ, "VIRTUAL_ENV": str(venv)},
            check=True,
        )
        os.execv(sys.executable, [sys.executable, *sys.argv])
    threads = os.cpu_count() or 1
    rng = np.random.default_rng(0)

    n_probe = 2**22 if args.quick else 2**25
    ceilings = {
        "fresh_all": probe(n_probe, threads, True, 9),
        "mapped_all": probe(n_probe, threads, False, 9),
        "fresh_1": probe(n_probe, 1, True, 9),
        "mapped_1": probe(n_probe, 1, False, 9),
    }
    print(f"ndgrad {ndgrad.__version__}, numpy {np.__version__}, {threads} CPUs, "
          f"{platform.processor() or platform.machine()}")  # fmt: skip
    print(
        "probe ceilings (GB/s): fresh output {fresh_all:.1f} ({fresh_1:.1f} on 1 thread), "
        "mapped output {mapped_all:.1f} ({mapped_1:.1f} on 1 thread)".format(**ceilings)
    )

    rows = []
    head = (f"{'workload':34} {'numpy ms':>9} {'ndgrad ms':>9} {'ratio':>6} {'w=1':>6} "
            f"{'GB/s':>6} {'%fresh':>6} {'out=':>6} {'%mapd':>6} {'mem np/nd':>10}")  # fmt: skip
    todo_numpy = [w for w in workloads(args.quick) if args.filter in describe(w)]
    if todo_numpy:
        print(head)
        print("-" * len(head))
    for w in todo_numpy:
        r = run(w, args.repeats, rng)
        rows.append(r)
        m, g, p = r["median_s"], r["gbps"], r["peak_outputs"]
        print(
            f"{r['workload']:34} {1e3 * m['numpy']:9.1f} {1e3 * m['ndgrad']:9.1f} "
            f"{r['ratio']:6.3f} {r['ratio_workers1']:6.3f} {g['ndgrad']:6.1f} "
            f"{r['pct_fresh_ceiling']:5.0f}% {g['ndgrad_out']:6.1f} "
            f"{r['pct_mapped_ceiling']:5.0f}% {p['numpy']:4.1f}/{p['ndgrad']:4.1f}",
            flush=True,
        )
    scheme_rows: list[dict[str, Any]] = []
    todo_schemes = [w for w in scheme_workloads(args.quick) if args.filter in w["name"]]
    if todo_schemes:
        head = (f"{'workload':27} {'variant':24} {'ndgrad ms':>9} {'xNone':>6} {'GB/s':>6} "
                f"{'%fresh':>6} {'findiff ms':>11} {'speedup':>7} {'mem nd/fd':>9} "
                f"{'vs findiff':>8}")  # fmt: skip
        print(head)
        print("-" * len(head))
        for w in todo_schemes:
            r = run_schemes(w, args.repeats, rng)
            scheme_rows.append(r)
            print_scheme_rows(r)
        if any(min(r["timed_calls"].values()) < args.repeats for r in scheme_rows):
            print("* findiff timed 3 times (its first call took more than a second)")
    operator_rows: list[dict[str, Any]] = []
    todo_ops = [w for w in operator_workloads(args.quick) if args.filter in w["name"]]
    if todo_ops:
        head = (f"{'workload':30} {'ndgrad ms':>9} {'GB/s':>6} {'peer':>8} {'peer ms':>9} "
                f"{'nd/peer':>7} {'mem nd/peer':>11}  check")  # fmt: skip
        print(head)
        print("-" * len(head))
        for w in todo_ops:
            r = run_operator(w, args.repeats, rng)
            operator_rows.append(r)
            m, mem = r["median_s"], r["peak_outputs"]
            for k in r["ratio"]:
                c = r["checks"][k]
                check = "same bits" if c is True else f"interior {c:.1e}"
                print(
                    f"{r['workload']:30} {1e3 * m['ndgrad']:9.1f} {r['gbps']:6.1f} {k:>8} "
                    f"{1e3 * m[k]:9.1f} {r['ratio'][k]:7.3f} {mem['ndgrad']:5.1f}/{mem[k]:5.1f}"
                    f"  {check}",
                    flush=True,
                )
    xarray_rows: list[dict[str, Any]] = []
    todo_xr = [w for w in xarray_workloads(args.quick) if args.filter in w["name"]]
    if todo_xr:
        try:
            import xarray  # noqa: F401
        except ImportError:
            print("xarray rows skipped: pip install 'ndgrad[xarray]'")
            todo_xr = []
    if todo_xr:
        head = f"{'workload':38} {'xarray ms':>9} {'ndgrad ms':>9} {'ratio':>6}  check"
        print(head)
        print("-" * len(head))
        for w in todo_xr:
            r = run_xarray(w, max(args.repeats, 9), rng)
            xarray_rows.append(r)
            m = r["median_s"]
            print(
                f"{r['workload']:38} {1e3 * m['xarray']:9.1f} {1e3 * m['ndgrad']:9.1f} "
                f"{r['ratio']:6.3f}  {'same bits' if r['same_bits'] else 'DIFFERENT'}",
                flush=True,
            )
    dask_rows: list[dict[str, Any]] = []
    todo = [w for w in dask_workloads(args.quick) if args.filter in w["name"]]
    if todo:
        try:
            import distributed  # noqa: F401
        except ImportError:
            print("dask rows skipped: pip install 'ndgrad[dask]'")
        else:
            head = (f"{'workload':34} {'dask ms':>9} {'ndgrad ms':>9} {'speedup':>7}  "
                    "check")  # fmt: skip
            print(head)
            print("-" * len(head))
            dask_rows = run_dask(todo, args.repeats)
            for r in dask_rows:
                m = r["median_s"]
                if "same_bits_as_numpy" in r:
                    same = r["same_bits_as_numpy"]
                    check = (
                        f"numpy's bits (dask / ndgrad.dask): {same['dask']} / {same['ndgrad_dask']}"
                    )
                else:
                    check = f"interior {r['interior_rel_diff']:.1e} vs {r['peer']}"
                print(
                    f"{r['workload']:34} {1e3 * m['dask']:9.1f} {1e3 * m['ndgrad_dask']:9.1f} "
                    f"{r['speedup']:6.2f}x  {check}",
                    flush=True,
                )
    small: list[dict[str, Any]] = []
    if args.filter in "small calls":
        small = small_calls(max(args.repeats, 15))
        print(f"{'small call':40} {'numpy us':>9} {'ndgrad us':>9} {'ratio':>6}")
        for r in small:
            print(
                f"{r['n']:>4} elements, {r['form']:28} {r['us']['numpy']:9.2f} "
                f"{r['us']['ndgrad']:9.2f} {r['ratio']:6.3f}",
                flush=True,
            )
    sweep: list[dict[str, Any]] = []
    if args.filter in "size sweep":
        sweep = size_sweep(max(args.repeats, 9), args.quick)
        print(f"{'size sweep, f64 all axes':28} {'numpy us':>10} {'ndgrad us':>10} "
              f"{'ratio':>6} {'w=1 us':>10} {'ratio':>6} {'copy us':>9} {'/copy':>6}")  # fmt: skip
        for r in sweep:
            shape = f"{r['state']:5} " + "x".join(map(str, r["shape"]))
            u = r["us"]
            print(
                f"{shape:28} {u['numpy']:10.1f} {u['ndgrad']:10.1f} {r['ratio']:6.3f} "
                f"{u['ndgrad_w1']:10.1f} {r['ratio_w1']:6.3f} {u['copy']:9.1f} "
                f"{r['per_output_copies']:6.2f}",
                flush=True,
            )
    cache: list[dict[str, Any]] = []
    if args.filter in "cache patterns":
        cache = cache_patterns(max(args.repeats, 5), args.quick)
        print(f"{'output cache, f64 all axes':34} {'numpy ms':>9} {'on ms':>8} {'off ms':>8} "
              f"{'on/off':>7} {'on/numpy':>8}")  # fmt: skip
        for r in cache:
            m = r["ms_per_call"]
            label = f"{r['pattern']}, {r['shape'][0]}x{r['shape'][1]}"
            print(
                f"{label:34} {m['numpy']:9.2f} {m['cache on']:8.2f} {m['cache off']:8.2f} "
                f"{r['on_over_off']:7.3f} {r['on_over_numpy']:8.3f}",
                flush=True,
            )
    half: list[dict[str, Any]] = []
    if args.filter in "float16 rows":
        half = f16_rows(max(args.repeats, 7), args.quick)
        print(f"{'float16':34} {'numpy ms':>9} {'ndgrad ms':>9} {'ratio':>6}")
        for r in half:
            print(
                f"{r['workload']:34} {r['ms']['numpy']:9.1f} {r['ms']['ndgrad']:9.1f} "
                f"{r['ratio']:6.3f}",
                flush=True,
            )
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"ceilings_gbps": ceilings, "small_calls": small, "size_sweep": sweep,
                       "cache_patterns": cache,
                       "float16_rows": half, "rows": rows,
                       "scheme_rows": scheme_rows, "operator_rows": operator_rows,
                       "dask_rows": dask_rows, "xarray_rows": xarray_rows,
                       "numpy": np.__version__, "ndgrad": ndgrad.__version__, "cpus": threads},
                      fh, indent=1)  # fmt: skip
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
