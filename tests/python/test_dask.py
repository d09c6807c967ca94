"""ndgrad.dask.gradient against numpy.gradient on the whole array, bit for bit,
on the threaded scheduler and on a real two-process ``distributed`` cluster.

Every comparison computes the Dask result and checks it against
``numpy.gradient`` of the same data with conftest's bit-exact helper.
Results of one test are computed in a single ``dask.compute`` call so that
the cluster's per-call overhead stays small.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import dask
import dask.array as da
import ndgrad
import ndgrad.dask
import numpy as np
import pytest
from conftest import assert_same_outcome, outcome
from numpy.lib._function_base_impl import gradient as numpy_gradient
from test_parity import make, spacing


class Compute:
    """Computes a list of Dask collections in one call on one scheduler."""

    def __init__(self, client: Any = None) -> None:
        self.client = client
        self.on_cluster = client is not None

    def __call__(self, xs: list[Any]) -> list[Any]:
        if self.client is None:
            return list(dask.compute(*xs, scheduler="threads"))
        # Both workers, however long a cold start takes them (a first run
        # after creating the venv once failed the count taken after the
        # compute); a TimeoutError if one never comes.
        self.client.wait_for_workers(2, timeout=120)
        return list(dask.compute(*xs, scheduler=self.client))


# ------------------------------------------------------------------ schedulers


@contextlib.contextmanager
def local_cluster() -> Iterator[Any]:
    """A client of two worker processes, one thread each, loopback only."""
    from distributed import Client, LocalCluster

    with warnings.catch_warnings():
        # Cluster start-up and shutdown chatter is not what is tested here.
        warnings.simplefilter("ignore")
        cluster = LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        )
        client = Client(cluster, set_as_default=False)
    try:
        yield client
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            client.close()
            cluster.close()


@pytest.fixture(scope="module")
def cluster_client() -> Iterator[Any]:
    """Two worker processes, one thread each, loopback only."""
    with local_cluster() as client:
        yield client


@pytest.fixture(params=["threads", "distributed"])
def compute(request: pytest.FixtureRequest) -> Compute:
    """The threaded scheduler, or the two-process cluster."""
    if request.param == "threads":
        return Compute()
    return Compute(request.getfixturevalue("cluster_client"))


# ------------------------------------------------------------------ helpers


def as_result(r: Any) -> tuple[Any, ...]:
    return r if isinstance(r, tuple) else (r,)


class Batch:
    """Calls to check: ``add`` calls numpy.gradient on the NumPy data and
    ndgrad.dask.gradient on the Dask data; ``run`` computes every Dask result
    in one call and compares them all with NumPy's, bit for bit."""

    def __init__(self) -> None:
        self.cases: list[tuple[str, Any, Any, tuple[tuple[tuple[int, ...], ...], ...]]] = []

    def add(self, what: str, f: np.ndarray, df: da.Array, *varargs: Any, **kw: Any) -> None:
        dvarargs = tuple(
            da.from_array(v[0], chunks=v[1]) if isinstance(v, DaskCoords) else v for v in varargs
        )
        nvarargs = tuple(v[0] if isinstance(v, DaskCoords) else v for v in varargs)
        want = outcome(numpy_gradient, f, *nvarargs, **kw)
        got = outcome(ndgrad.dask.gradient, df, *dvarargs, **kw)
        if isinstance(want, Exception):
            assert_same_outcome(got, want, what)
            return
        assert isinstance(got, tuple) == isinstance(want, tuple), f"{what}: {got!r}"
        for g in as_result(got):
            assert isinstance(g, da.Array), what
            assert g.chunks == df.chunks, f"{what}: chunks {g.chunks} != {df.chunks}"
        self.cases.append((what, got, want, df.chunks))

    def run(self, compute: Callable[[list[Any]], list[Any]]) -> int:
        flat = [g for _, got, _, _ in self.cases for g in as_result(got)]
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            done = iter(compute(flat))
        for what, got, want, _ in self.cases:
            res = tuple(next(done) for _ in as_result(got))
            assert_same_outcome(res if isinstance(got, tuple) else res[0], want, what)
        return len(self.cases)


class DaskCoords(tuple[np.ndarray, Any]):
    """Coordinates to pass as a Dask array with the given chunks."""


def piecewise_uniform(n: int) -> np.ndarray:
    """Not equally spaced as a whole, but every short slice is: steps of 3,
    then one step of 4 at the end (so blocks see the uniform formula unless
    the decision is taken on the whole array). A step of 3, unlike a power
    of two, makes the two formulas round differently."""
    x = 3.0 * np.arange(n)
    x[-1] += 1.0
    return x


def random_chunks(n: int, rng: np.random.Generator) -> tuple[int, ...]:
    cuts = np.sort(rng.choice(np.arange(1, n), size=rng.integers(0, n), replace=False))
    return tuple(int(c) for c in np.diff(np.concatenate([[0], cuts, [n]])))


CHUNKINGS: dict[str, Callable[[tuple[int, ...]], Any]] = {
    "ones": lambda s: 1,
    "twos": lambda s: 2,
    "single": lambda s: s,
    "uneven": lambda s: tuple((1, n - 3, 2) if n > 3 else (n,) for n in s),
    "threes": lambda s: 3,
}


# ------------------------------------------------------------------ parity


@pytest.mark.parametrize("chunking", list(CHUNKINGS))
def test_every_chunking_gives_numpys_bits(
    chunking: str, compute: Compute, rng: np.random.Generator
) -> None:
    b = Batch()
    shapes = [(7,), (6, 7), (3, 3, 4)]
    if compute.on_cluster and chunking == "ones":
        shapes = [(7,), (4, 5), (3, 3, 3)]  # fewer tasks: about 1.5 ms each on 2 cores
    for shape in shapes:
        f = make("f8", shape, rng)
        df = da.from_array(f, chunks=CHUNKINGS[chunking](shape))
        for eo in (1, 2):
            what = f"{shape} {chunking} edge_order={eo}"
            b.add(what, f, df, edge_order=eo)
            b.add(what + " scalar", f, df, 0.7, edge_order=eo)
            b.add(what + " axis=-1", f, df, axis=-1, edge_order=eo)
            coords = [piecewise_uniform(n) for n in shape]
            b.add(what + " piecewise-uniform coords", f, df, *coords, edge_order=eo)
            dcoords = [DaskCoords((x, 2)) for x in coords]
            b.add(what + " dask coords", f, df, *dcoords, edge_order=eo)
            uniform = [DaskCoords((3.0 * np.arange(n) - 1.0, 3)) for n in shape]
            b.add(what + " uniform dask coords", f, df, *uniform, edge_order=eo)
    assert b.run(compute) == 36


@pytest.mark.parametrize(
    "dtype", ["f2", "f4", "f8", "c8", "c16", "i1", "i8", "u1", "u8", "M8[D]", "m8[s]", ">f8"]
)
def test_every_dtype_with_every_spacing_kind(dtype: str, rng: np.random.Generator) -> None:
    """Threaded scheduler only (the cluster runs the same kernels): each
    dtype with NumPy scalars of several types, integer, float32 and float16
    coordinates, uniform and not, on chunks of 1 to 3 samples."""
    b = Batch()
    shape = (5, 6)
    f = make(dtype, shape, rng)
    for chunks in [(2, 1), ((1, 3, 1), (2, 1, 3))]:
        df = da.from_array(f, chunks=chunks)
        for eo in (1, 2):
            for forms in [
                ("py_float", "np_f4"),
                ("np_f8", "np_i2"),
                ("np_f2", "coords_f4"),
                ("coords_i8", "coords_uniform_f8"),
                ("coords_f2", "coords_u1_decreasing"),
                ("coords_uniform_f4", "coords_f8"),
                ("zero_d", "coords_linspace"),
                ("coords_big_endian", "py_int"),
            ]:
                args = [spacing(form, n, rng) for form, n in zip(forms, shape, strict=True)]
                b.add(f"{dtype} {chunks} {forms} eo={eo}", f, df, *args, edge_order=eo)
    with dask.config.set(scheduler="threads"):
        b.run(lambda xs: list(dask.compute(*xs)))


def test_seeded_random_cases(compute: Compute) -> None:
    """Random shapes, chunkings, dtypes, spacings, axes and edge orders."""
    rng = np.random.default_rng(6)
    b = Batch()
    dtypes = ["f2", "f4", "f8", "c8", "c16", "i2", "u4", "i8"]
    forms = ["py_float", "np_f8", "np_f4", "coords_f8", "coords_i8", "coords_uniform_f8"]
    cases = 12 if compute.on_cluster else 40
    for case in range(cases):
        ndim = int(rng.integers(1, 4))
        shape = tuple(int(n) for n in rng.integers(3, 8, size=ndim))
        dtype = str(rng.choice(dtypes))
        f = make(dtype, shape, rng)
        df = da.from_array(f, chunks=tuple(random_chunks(n, rng) for n in shape))
        kind = rng.integers(0, 4)
        axis: Any
        if kind == 0:
            axis = None
        elif kind == 1:
            axis = int(rng.integers(-ndim, ndim))
        else:
            axis = tuple(int(a) for a in rng.permutation(ndim)[: rng.integers(1, ndim + 1)])
        axes = range(ndim) if axis is None else np.atleast_1d(axis)
        args: list[Any] = []
        how = rng.integers(0, 3)
        if how == 1:
            args = [0.25]
        elif how == 2:
            for ax in axes:
                a = spacing(str(rng.choice(forms)), shape[ax], rng)
                if isinstance(a, np.ndarray) and rng.random() < 0.4:
                    a = DaskCoords((a, int(rng.integers(1, 4))))
                args.append(a)
        eo = int(rng.integers(1, 3))
        b.add(f"case {case}: {shape} {dtype} {df.chunks} axis={axis}", f, df, *args,
              axis=axis, edge_order=eo)  # fmt: skip
    assert b.run(compute) == cases


def test_nan_coordinates_keep_the_nonuniform_formulas(compute: Compute) -> None:
    """dask.array.gradient decides per block and so differs from NumPy here."""
    f = np.array([1.0, np.nan, 4.0, 5.0, 6.0, 9.0, 2.0, 0.0])
    x = np.arange(8.0)
    x[6] = np.nan
    b = Batch()
    for chunks in [1, 2, 3, (4, 4)]:
        df = da.from_array(f, chunks=chunks)
        for eo in (1, 2):
            b.add(f"nan coords {chunks} eo={eo}", f, df, x, edge_order=eo)
            b.add(f"dask nan coords {chunks} eo={eo}", f, df, DaskCoords((x, 3)), edge_order=eo)
    b.run(compute)
    # The point of it: the uniform interior would not read f[1]; NumPy's
    # non-uniform formula does (0 * NaN), and so must every block.
    got = ndgrad.dask.gradient(da.from_array(f, chunks=2), x).compute(scheduler="sync")
    assert np.isnan(got[1]) and np.isnan(got[2])


@pytest.mark.parametrize(
    ("data", "varargs", "message"),
    [
        (np.ones(5, dtype=np.longdouble), (), "got dtype float128"),
        (np.ones(5, dtype=object), (), "got dtype object"),
        (np.ones(5, dtype=np.clongdouble), (), "got dtype complex256"),
        (np.ones(5, dtype=bool), (), "got dtype bool"),
        (np.array(["a", "b", "c"]), (), "got dtype <U1"),
        (np.ones(5), (1 + 0j,), "real steps"),
        (np.ones(5), (np.longdouble(0.5),), "real steps"),
        (np.ones(5), (np.array([0.0, 1, 3, 4, 7], dtype=np.longdouble),), "coordinates"),
        (np.ones(5), (da.from_array(np.arange(5, dtype=np.complex128), chunks=2),), "coordinates"),
    ],
)
def test_data_and_spacings_the_kernels_do_not_take_are_refused(
    data: Any, varargs: tuple[Any, ...], message: str
) -> None:
    """The simplest honest behaviour for the rare dtypes: a TypeError when
    the graph is built, saying what is taken and what was given (in memory,
    ``ndgrad.gradient`` hands them to numpy.gradient)."""
    with pytest.raises(TypeError, match=message):
        ndgrad.dask.gradient(da.from_array(data, chunks=2), *varargs)


def test_numpy_input_lists_and_zero_d() -> None:
    f = np.arange(12.0).reshape(3, 4) ** 2
    got = ndgrad.dask.gradient(f, axis=1)
    assert isinstance(got, da.Array)
    assert_same_outcome(got.compute(scheduler="sync"), numpy_gradient(f, axis=1))
    got = ndgrad.dask.gradient([1, 4, 9, 16])
    assert_same_outcome(got.compute(scheduler="sync"), numpy_gradient([1, 4, 9, 16]))
    assert ndgrad.dask.gradient(da.from_array(np.array(3.0))) == ()
    assert ndgrad.dask.gradient(da.ones((3, 4), chunks=2), axis=()) == ()
    empty = da.ones((0, 4), chunks=2)
    got = ndgrad.dask.gradient(empty, axis=1)
    assert got.shape == (0, 4)
    assert_same_outcome(got.compute(scheduler="sync"), numpy_gradient(np.ones((0, 4)), axis=1))


# ------------------------------------------------------------------ errors


def error_cases() -> list[tuple[str, tuple[int, ...], tuple[Any, ...], dict[str, Any]]]:
    return [
        ("axis out of range", (4, 5), (), {"axis": 2}),
        ("negative axis out of range", (4, 5), (), {"axis": -3}),
        ("repeated axis", (4, 5), (), {"axis": (0, 0)}),
        ("too many spacings", (4, 5), (1.0, 2.0, 3.0), {}),
        ("2-d coordinates", (4, 5), (np.ones((4, 1)), 1.0), {}),
        ("coordinates of the wrong length", (4, 5), (np.arange(5.0), 1.0), {}),
        ("dask coordinates of the wrong length", (4, 5), (1.0, da.arange(4.0, chunks=2)), {}),
        ("edge_order 3", (4, 5), (), {"edge_order": 3}),
        ("axis too short", (2, 5), (), {"edge_order": 2}),
        ("one-sample coordinates", (1, 5), (np.array([1.0]), 1.0), {}),
        ("edge_order 0 on a short axis", (2, 5), (), {"edge_order": 0}),
        ("zero weak step, second order", (4, 5), (0,), {"edge_order": 2}),
    ]


@pytest.mark.parametrize("case", error_cases(), ids=lambda c: c[0])
def test_errors_are_numpys_and_raised_at_call_time(
    case: tuple[str, tuple[int, ...], tuple[Any, ...], dict[str, Any]],
) -> None:
    what, shape, varargs, kw = case
    kw = dict(kw)
    f = np.arange(int(np.prod(shape))).reshape(shape).astype(kw.pop("dtype", np.float64))
    nvarargs = tuple(v.compute() if isinstance(v, da.Array) else v for v in varargs)
    want = outcome(numpy_gradient, f, *nvarargs, **kw)
    assert isinstance(want, Exception), f"{what}: NumPy did not raise"
    with dask.config.set(scheduler=_no_compute):
        got = outcome(ndgrad.dask.gradient, da.from_array(f, chunks=1), *varargs, **kw)
    assert_same_outcome(got, want, what)
    assert str(got) == str(want) or isinstance(want, IndexError | TypeError), what


def _no_compute(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("something was computed")


def test_unknown_chunks_and_non_ndarray_chunks_are_refused() -> None:
    f = da.arange(10.0, chunks=3)
    with pytest.raises(ValueError, match="known chunk sizes"):
        ndgrad.dask.gradient(f[f > 2])
    masked = da.from_array(np.ma.masked_array(np.arange(6.0), mask=[0, 1, 0, 0, 0, 0]), chunks=2)
    with pytest.raises(TypeError, match="MaskedArray"):
        ndgrad.dask.gradient(masked)


# ------------------------------------------------------------------ graph


def test_nothing_is_computed_until_compute() -> None:
    calls: list[int] = []

    def counted(block: np.ndarray) -> np.ndarray:
        calls.append(block.size)
        return block * 1.5

    f = da.arange(60.0, chunks=7).reshape(6, 10).rechunk((2, 3)).map_blocks(counted)
    x = da.from_array(piecewise_uniform(10), chunks=4).map_blocks(counted)
    calls.clear()  # map_blocks itself ran `counted` on empty arrays for its meta
    got = ndgrad.dask.gradient(f, 2.0, x, edge_order=2)
    assert calls == []
    np_f = np.arange(60.0).reshape(6, 10) * 1.5
    want = numpy_gradient(np_f, 2.0, piecewise_uniform(10) * 1.5, edge_order=2)
    assert_same_outcome(tuple(dask.compute(*got, scheduler="threads")), want)
    assert calls


def test_one_task_per_output_block_and_one_halo_exchange() -> None:
    """Each output block is one task that reads its block and the halo faces
    of its neighbours along its axis; one task per source block cuts every
    face; no overlap layers, no getitem layer."""
    f = da.ones((8, 9, 10), chunks=(4, 3, 5))
    got = ndgrad.dask.gradient(f)
    graph = dict(got[0].__dask_graph__())
    for g in got:
        tasks = [k for k in dict(g.__dask_graph__()) if isinstance(k, tuple) and k[0] == g.name]
        assert len(tasks) == f.npartitions
    # The input's blocks, the face tasks and this axis' blocks: nothing else.
    assert len(graph) == 3 * f.npartitions
    halo = [k for k in graph if isinstance(k, tuple) and k[0].startswith("ndgrad-halo")]
    # One task per source block cuts the faces its neighbours need: one face
    # for each neighbour along each axis, no corners.
    assert len(halo) == f.npartitions
    faces = sum(
        (i > 0) + (i < nb - 1)
        for index in np.ndindex(*f.numblocks)
        for i, nb in zip(index, f.numblocks, strict=True)
    )
    assert sum(len(graph[k][2].cuts) for k in halo) == faces
    assert got[0].name != got[1].name
    # The same call gives the same graph (deterministic names).
    assert ndgrad.dask.gradient(f)[2].name == got[2].name


def test_import_error_without_dask() -> None:
    code = (
        "import sys\n"
        "sys.modules['dask'] = None\n"
        "import ndgrad\n"
        "assert ndgrad.gradient([1.0, 2.0, 4.0])[1] == 1.5\n"
        "try:\n"
        "    import ndgrad.dask\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'ndgrad[dask]'" in out.stdout
    assert "dask[array]" in out.stdout


# ------------------------------------------------------- higher-order schemes


def check_cases(cases: list[tuple[str, Any, Any]], compute: Compute) -> None:
    """Computes every case's Dask result(s) in one call and compares each
    with the in-memory result (or exception)."""
    flat = [g for _, got, _ in cases for g in as_result(got)]
    done = iter(compute(flat))
    for what, got, want in cases:
        res = tuple(next(done) for _ in as_result(got))
        assert_same_outcome(res if isinstance(got, tuple) else res[0], want, what)


def scheme_call(dask_side: bool, f: Any, varargs: tuple[Any, ...], kw: dict[str, Any]) -> Any:
    """``gradient`` (with ``accuracy``) or ``derivative`` (with ``order``),
    in memory or on Dask."""
    if dask_side:
        mod: Any = ndgrad.dask
        args = tuple(
            da.from_array(v[0], chunks=v[1]) if isinstance(v, DaskCoords) else v for v in varargs
        )
    else:
        mod = ndgrad
        args = tuple(v[0] if isinstance(v, DaskCoords) else v for v in varargs)
    fn = mod.derivative if "order" in kw else mod.gradient
    return fn(f, *args, **kw)


def test_schemes_match_the_in_memory_bits_for_every_chunking(
    compute: Compute, rng: np.random.Generator
) -> None:
    """accuracy 2-8 and derivative orders 1-4 on Dask give ndgrad's
    in-memory bits: chunks of one sample, uneven and random chunks, steps,
    NumPy and Dask coordinates (non-uniform, and equally spaced ones, which
    become a step on the whole array)."""
    shape = (9, 11)
    f64 = rng.standard_normal(shape)
    x = np.cumsum(rng.uniform(0.5, 1.5, 11))
    spacings: list[tuple[Any, ...]] = [
        (),
        (0.5, x),
        (np.float32(0.25), DaskCoords((x, 4))),
        (0.5, 0.25 * np.arange(11)),  # equally spaced: a step
    ]
    every = (
        {"accuracy": 4},
        {"accuracy": 8},
        {"accuracy": 2, "axis": 1},
        {"order": 2, "accuracy": 4},
        {"order": 3, "accuracy": 2},
        {"order": 4, "accuracy": 6, "axis": -1},
        {"order": 1, "accuracy": None},
    )
    runs: list[tuple[str, np.ndarray, Any, list[tuple[Any, ...]], tuple[dict[str, Any], ...]]]
    if compute.on_cluster:
        runs = [("f64", f64, ((4, 5), (3, 1, 7)), spacings, every)]
    else:
        runs = [
            ("f64", f64, chunks, spacings, every)
            for chunks in [1, (1, (3, 1, 6, 1)), (random_chunks(9, rng), random_chunks(11, rng))]
        ]
        runs += [
            (name, f, (2, (5, 6)), spacings[1:3], every[::3])
            for name, f in (
                ("f32", rng.standard_normal(shape).astype(np.float32)),
                ("i16", rng.integers(-50, 50, shape).astype(np.int16)),
            )
        ]
    cases: list[tuple[str, Any, Any]] = []
    for name, f, chunks, sps, kws in runs:
        df = da.from_array(f, chunks=chunks)
        for sp in sps:
            for kw in kws:
                one = sp[1:] if "axis" in kw and len(sp) > 1 else sp  # one per axis
                what = f"{name} {chunks} {len(one)} spacings {kw}"
                cases.append((what, scheme_call(True, df, one, kw), scheme_call(False, f, one, kw)))
    check_cases(cases, compute)


def test_one_dimensional_schemes_with_chunks_of_one(rng: np.random.Generator) -> None:
    f = rng.standard_normal(23)
    x = np.cumsum(rng.uniform(0.5, 1.5, 23))
    for k in (2, 4, 6, 8):
        for d in (1, 2, 3, 4):
            if k + d > 23:
                continue
            got = ndgrad.dask.derivative(da.from_array(f, chunks=1), x, order=d, accuracy=k)
            want = ndgrad.derivative(f, x, order=d, accuracy=k)
            assert_same_outcome(got.compute(scheduler="sync"), want, f"d={d} k={k}")


@pytest.mark.parametrize(
    ("call", "exc", "message"),
    [
        (lambda f: ndgrad.dask.gradient(f, accuracy=3), ValueError, "accuracy"),
        (lambda f: ndgrad.dask.gradient(f, accuracy=4, edge_order=2), ValueError, "edge_order"),
        (lambda f: ndgrad.dask.derivative(f, order=5), ValueError, "order"),
        (lambda f: ndgrad.dask.derivative(f, order=2, accuracy=8), ValueError, "needs at least"),
        (lambda f: ndgrad.dask.gradient(f, 0.0, accuracy=4), ValueError, "finite and nonzero"),
        (
            lambda f: ndgrad.dask.gradient(f, np.array([0, 1, 3, 2, 4, 5, 6.0]), 1.0, accuracy=4),
            ValueError,
            "strictly monotonic",
        ),
        (
            lambda f: ndgrad.dask.gradient(f.astype("m8[s]"), accuracy=4),
            TypeError,
            "timedelta64",
        ),
    ],
)
def test_scheme_errors_are_raised_at_call_time(call: Any, exc: type, message: str) -> None:
    f = da.from_array(np.arange(56.0).reshape(7, 8), chunks=2)
    with dask.config.set(scheduler=_no_compute), pytest.raises(exc, match=message):
        call(f)


def test_lazy_coordinates_are_checked_when_the_blocks_run() -> None:
    f = da.from_array(np.arange(8.0), chunks=3)
    x = da.from_array(np.array([0.0, 1, 2, 3, 2, 5, 6, 7]), chunks=3)
    g = ndgrad.dask.gradient(f, x, accuracy=4)  # nothing computed yet
    with pytest.raises(ValueError, match="strictly monotonic"):
        g.compute(scheduler="sync")


# ------------------------------------------------------------------ operators


def test_operators_match_the_in_memory_bits_for_every_chunking(
    compute: Compute, rng: np.random.Generator
) -> None:
    """magnitude, laplacian, divergence and curl on Dask give the in-memory
    operators' bits: chunks of one, uneven chunks, components chunked
    differently, steps and NumPy or Dask coordinates, accuracy None and k."""
    shape = (9, 10, 11)
    x = np.cumsum(rng.uniform(0.5, 1.5, 10))
    F = [rng.standard_normal(shape) for _ in range(3)]
    f = F[0]
    chunkings: list[Any] = [((4, 5), (3, 1, 6), 11)]
    if not compute.on_cluster:
        chunkings += [(2, (1, 9), (5, 6))]
    spacing_sets: list[tuple[Any, ...]] = [(), (0.5, x, 0.25), (0.5, DaskCoords((x, 3)), 0.25)]
    cases: list[tuple[str, Any, Any]] = []

    def add(what: str, name: str, d_args: Any, m_args: Any, sp: tuple[Any, ...], **kw: Any) -> None:
        dsp = tuple(
            da.from_array(v[0], chunks=v[1]) if isinstance(v, DaskCoords) else v for v in sp
        )
        msp = tuple(v[0] if isinstance(v, DaskCoords) else v for v in sp)
        got = getattr(ndgrad.dask, name)(d_args, *dsp, **kw)
        want = getattr(ndgrad, name)(m_args, *msp, **kw)
        cases.append((f"{what} {name} {len(sp)} {kw}", got, want))

    for chunks in chunkings:
        df = da.from_array(f, chunks=chunks)
        dF = [da.from_array(c, chunks=chunks) for c in F]
        for sp in spacing_sets:
            for kw in ({}, {"accuracy": 4}, {"edge_order": 2}):
                add(str(chunks), "magnitude", df, f, sp, **kw)
                add(str(chunks), "divergence", dF, F, sp, **kw)
                add(str(chunks), "curl", dF, F, sp, **kw)
            for acc in (2, 6):
                add(str(chunks), "laplacian", df, f, sp, accuracy=acc)
    # Chunks of one sample (a smaller field: 210 blocks per call; on the
    # threaded scheduler only, where the cluster's per-task cost is not paid).
    small = [c[:5, :6, :7] for c in F]
    ones = [da.from_array(c, chunks=1) for c in small]
    for name, d_arg, m_arg in (
        ("magnitude", ones[0], small[0]),
        ("laplacian", ones[0], small[0]),
        ("divergence", ones, small),
        ("curl", ones, small),
    ):
        if not compute.on_cluster:
            add("ones", name, d_arg, m_arg, (0.5, x[:6], 0.25))
    # Components chunked differently, a stacked field, xy indexing, 2-D curl.
    mixed = [da.from_array(c, chunks=ch) for c, ch in zip(F, (3, 4, (9, 5, 11)), strict=True)]
    add("mixed chunks", "divergence", mixed, F, ())
    add("stacked", "curl", da.from_array(np.stack(F), chunks=(1, 4, 5, 6)), np.stack(F), ())
    add("xy", "curl", [c[0] for c in mixed[:2]], [c[0] for c in F[:2]], (), indexing="xy")
    check_cases(cases, compute)


@pytest.mark.parametrize(
    ("call", "exc", "message"),
    [
        (lambda: ndgrad.dask.magnitude(da.ones((4, 4), dtype=complex)), TypeError, "real data"),
        (lambda: ndgrad.dask.magnitude(da.ones((4, 4)), axis=()), ValueError, "at least one"),
        (lambda: ndgrad.dask.laplacian(da.ones((4, 3))), ValueError, "needs at least 4"),
        (lambda: ndgrad.dask.divergence([da.ones((4, 4))]), ValueError, "one component per axis"),
        (
            lambda: ndgrad.dask.divergence([da.ones((4, 4)), da.ones((4, 5))]),
            ValueError,
            "shape",
        ),
        (lambda: ndgrad.dask.curl([da.ones(5)]), ValueError, "2-D and 3-D"),
        (lambda: ndgrad.dask.curl(da.ones((2, 4, 4)), indexing="yx"), ValueError, "indexing"),
        (
            lambda: ndgrad.dask.curl([da.ones((4, 4))] * 2, accuracy=4, edge_order=2),
            ValueError,
            "edge_order",
        ),
    ],
)
def test_operator_errors_are_raised_at_call_time(call: Any, exc: type, message: str) -> None:
    with dask.config.set(scheduler=_no_compute), pytest.raises(exc, match=message):
        call()


# ------------------------------------------------------------ periodic axes


def test_periodic_axes_match_the_in_memory_bits_for_every_chunking(
    compute: Compute, rng: np.random.Generator
) -> None:
    """boundary="periodic" on Dask gives the in-memory bits: the blocks at
    either end take their halo from the other end of the array, for chunks
    of one sample (the halo then wraps over several blocks), uneven and
    random chunks, a single block (which wraps onto itself), steps, NumPy and
    Dask coordinates of every real dtype with their period (non-uniform,
    equally spaced with and without a matching seam), NumPy's formulas and
    the higher-order schemes, one axis periodic and the other not, and the
    fused operators."""
    shape = (9, 12)
    f = rng.standard_normal(shape)
    x = np.cumsum(rng.uniform(0.5, 1.5, 12))
    period = float(x[-1] - x[0] + 0.8)
    spacings: list[tuple[tuple[Any, ...], Any]] = [
        ((), None),
        ((0.5, 0.25), None),
        ((0.5, x), [None, period]),
        ((0.5, x.astype(np.float32)), [None, period]),
        ((0.5, x.astype(np.float16)), [None, period]),
        ((0.5, np.array([0, 1, 3, 4, 6, 7, 9, 11, 12, 14, 15, 17])), [None, 20.0]),
        ((0.5, DaskCoords((x, 5))), [None, period]),
        ((0.5, 0.25 * np.arange(12)), [None, 3.0]),  # seam step 0.25 too: a step
        ((0.5, 0.25 * np.arange(12)), [None, 3.5]),  # seam step 0.75: coordinates
        ((0.5, DaskCoords((0.25 * np.arange(12), 4))), [None, 3.0]),
    ]
    every: tuple[dict[str, Any], ...] = (
        {"accuracy": None},
        {"accuracy": None, "edge_order": 2},
        {"accuracy": 2},
        {"accuracy": 8},
        {"order": 2, "accuracy": 4},
        {"order": 3, "accuracy": 2},
        {"order": 4, "accuracy": 2},
    )
    chunkings: list[Any] = [((4, 5), (5, 7))]
    if not compute.on_cluster:
        chunkings += [
            1,
            shape,
            ((1, 7, 1), (2, 1, 9)),
            (random_chunks(9, rng), random_chunks(12, rng)),
        ]
    cases: list[tuple[str, Any, Any]] = []
    for chunks in chunkings:
        df = da.from_array(f, chunks=chunks)
        # Blocks of one sample make the largest graphs (this test took 39 s
        # with every scheme on them): there NumPy's formulas and the widest
        # reaches only (accuracy 8, the fourth derivative); every scheme
        # wraps over blocks of one in test_short_periodic_axes_with_chunks_of_one.
        schemes = every if chunks != 1 else (every[0], every[3], every[6])
        for sp, periods in spacings:
            for kw in schemes:
                kw = {**kw, "boundary": "periodic", "period": periods}
                what = f"{chunks} {len(sp)} spacings {kw}"
                cases.append((what, scheme_call(True, df, sp, kw), scheme_call(False, f, sp, kw)))
            # One axis periodic, the other one-sided.
            kw = {"accuracy": 4, "boundary": ["one-sided", "periodic"]}
            kw["period"] = periods
            cases.append(
                (
                    f"{chunks} mixed {len(sp)}",
                    scheme_call(True, df, sp, kw),
                    scheme_call(False, f, sp, kw),
                )
            )
        F = [f, f[::-1].copy()]
        dF = [da.from_array(c, chunks=chunks) for c in F]
        for name, d_arg, m_arg in (("laplacian", df, f), ("magnitude", df, f), ("curl", dF, F)):
            for acc in (None, 4) if name != "laplacian" else (2, 6):
                kw = {"accuracy": acc, "boundary": "periodic", "period": [None, period]}
                got = getattr(ndgrad.dask, name)(d_arg, 0.5, x, **kw)
                want = getattr(ndgrad, name)(m_arg, 0.5, x, **kw)
                cases.append((f"{chunks} {name} {kw}", got, want))
    check_cases(cases, compute)


def test_short_periodic_axes_with_chunks_of_one(rng: np.random.Generator) -> None:
    """The shortest periodic axes each scheme takes, one sample per block:
    the halo wraps around the whole axis."""
    for k in (2, 4, 6, 8):
        for d in (1, 2, 3, 4):
            n = 2 * ((d + 1) // 2) - 1 + k  # the central width
            f = rng.standard_normal(n)
            x = np.cumsum(rng.uniform(0.5, 1.5, n))
            for sp, period in (((), None), ((0.3,), None), ((x,), float(x[-1] - x[0] + 1.0))):
                kw = {"order": d, "accuracy": k, "boundary": "periodic", "period": period}
                got = ndgrad.dask.derivative(da.from_array(f, chunks=1), *sp, **kw)
                want = ndgrad.derivative(f, *sp, **kw)
                assert_same_outcome(got.compute(scheduler="sync"), want, f"d={d} k={k} {sp}")


@pytest.mark.parametrize(
    ("call", "exc", "message"),
    [
        (
            lambda f: ndgrad.dask.gradient(f, 1.0, np.arange(8.0), boundary="periodic"),
            ValueError,
            "expected a period",
        ),
        (
            lambda f: ndgrad.dask.gradient(f, boundary="periodic", period=3.0),
            ValueError,
            "constant step",
        ),
        (
            lambda f: ndgrad.dask.gradient(
                f, 1.0, np.arange(8.0) ** 2, boundary="periodic", period=[None, 10.0]
            ),
            ValueError,
            "greater than",
        ),
        (
            lambda f: ndgrad.dask.gradient(
                f, 1.0, da.from_array(np.arange(8.0), chunks=3), boundary="periodic"
            ),
            ValueError,
            "expected a period",
        ),
        (lambda f: ndgrad.dask.gradient(f, boundary="wrap"), ValueError, "boundary"),
        (lambda f: ndgrad.dask.laplacian(f, boundary=["periodic"]), ValueError, "one per axis"),
    ],
)
def test_periodic_errors_are_raised_at_call_time(call: Any, exc: type, message: str) -> None:
    f = da.from_array(np.arange(56.0).reshape(7, 8), chunks=2)
    with dask.config.set(scheduler=_no_compute), pytest.raises(exc, match=message):
        call(f)


def test_lazy_periodic_coordinates_are_checked_when_the_blocks_run() -> None:
    f = da.from_array(np.arange(8.0), chunks=3)
    x = da.from_array(np.arange(8.0) ** 2, chunks=3)
    g = ndgrad.dask.gradient(f, x, boundary="periodic", period=40.0)
    with pytest.raises(ValueError, match="greater than"):
        g.compute(scheduler="sync")
    down = da.from_array(-np.arange(8.0), chunks=3)
    g = ndgrad.dask.gradient(f, down, accuracy=4, boundary="periodic", period=10.0)
    with pytest.raises(ValueError, match="increasing"):
        g.compute(scheduler="sync")


@pytest.mark.parametrize("chunks", [(12, 13, 12), (2, 11, 10, 14), (20, 17), (15, 1, 21)])
def test_blocks_long_enough_are_differentiated_in_place(
    chunks: tuple[int, ...], rng: np.random.Generator
) -> None:
    """Blocks that hold their inner rows' windows are differentiated as they
    are, and only their first and last rows again from thin pieces with the
    halo (a block shorter than the stencil is extended instead): every
    scheme, one-sided and periodic, steps and coordinates, 2-D along either
    axis, gives the in-memory bits."""
    n = sum(chunks)
    f = rng.standard_normal((5, n))
    x = np.cumsum(rng.uniform(0.5, 1.5, n))
    period = float(x[-1] - x[0] + 1.0)
    cases: list[tuple[str, Any, Any]] = []
    for boundary, p in (("one-sided", None), ("periodic", period)):
        for sp, per in ((0.3, None), (x, p)):
            for d, k in ((1, None), (1, 2), (1, 8), (2, 4), (3, 6), (4, 8)):
                kw = {"order": d, "accuracy": k, "boundary": boundary, "period": per}
                if k is None and boundary == "one-sided":
                    kw = {"order": 1, "accuracy": None}
                for fa, ch, ax in (
                    (f, (5, chunks), 1),
                    (np.ascontiguousarray(f.T), (chunks, 5), 0),
                ):
                    got = ndgrad.dask.derivative(da.from_array(fa, chunks=ch), sp, axis=ax, **kw)
                    want = ndgrad.derivative(fa, sp, axis=ax, **kw)
                    cases.append((f"{ch} {kw}", got, want))
    done = dask.compute(*[got for _, got, _ in cases], scheduler="threads")
    for (what, _, want), res in zip(cases, done, strict=True):
        assert_same_outcome(res, want, what)


def _slowly(block: np.ndarray) -> np.ndarray:
    """The input's blocks take a while to make, so that a worker can be
    killed while the graph runs."""
    time.sleep(0.03)
    return block


def test_a_worker_killed_mid_computation_changes_no_bit() -> None:
    """SIGKILL one of two worker processes while an ndgrad.dask graph runs:
    distributed recomputes what was lost on the surviving and the restarted
    worker, and every result is still the in-memory bits (issue 15)."""
    import os
    import signal

    rng = np.random.default_rng(7)
    base = rng.standard_normal((480, 500))
    x = np.cumsum(rng.uniform(0.5, 1.5, 500))
    with local_cluster() as client:
        f = da.from_array(base, chunks=(48, 50)).map_blocks(_slowly, dtype=base.dtype)
        lazy_x = da.from_array(x, chunks=70)
        outs = [
            *ndgrad.dask.gradient(f, 0.5, lazy_x, edge_order=2),
            ndgrad.dask.derivative(
                f,
                x,
                order=2,
                accuracy=4,
                axis=1,
                boundary="periodic",
                period=float(x[-1] - x[0] + 1.0),
            ),
            ndgrad.dask.laplacian(f, 0.5, x, accuracy=6),
        ]
        wants = [
            *ndgrad.gradient(base, 0.5, x, edge_order=2),
            ndgrad.derivative(
                base,
                x,
                order=2,
                accuracy=4,
                axis=1,
                boundary="periodic",
                period=float(x[-1] - x[0] + 1.0),
            ),
            ndgrad.laplacian(base, 0.5, x, accuracy=6),
        ]
        futures = client.compute(outs)
        pids = client.run(os.getpid)
        time.sleep(0.6)  # 100 input blocks at 30 ms each on 2 workers: ~1.5 s
        assert not all(fut.done() for fut in futures), "the graph finished before the kill"
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        got = client.gather(futures)
        for g, w in zip(got, wants, strict=True):
            assert_same_outcome(g, w)
