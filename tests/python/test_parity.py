"""ndgrad.gradient against numpy.gradient, bit for bit.

Two layers: a deterministic grid that crosses every input dtype with every
spacing form, edge order and memory layout, and a hypothesis search over
shapes, values, axis forms, spacing mixes and off-spec arguments.
"""

from __future__ import annotations

import zlib
from typing import Any

import ndgrad
import numpy as np
import pytest
from conftest import check
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.lib._function_base_impl import gradient as numpy_gradient

DTYPES = [
    "f2",
    "f4",
    "f8",
    "c8",
    "c16",
    "i1",
    "i2",
    "i4",
    "i8",
    "u1",
    "u2",
    "u4",
    "u8",
    "m8[s]",
    "M8[D]",
    "m8[ns]",
    ">f8",
    ">f4",
    ">c16",
    ">i4",
    ">m8[s]",
]


def make(dtype: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Values that exercise the dtype: specials for floats, extremes for ints, NaT."""
    dt = np.dtype(dtype)
    n = int(np.prod(shape))
    if dt.kind in "mM":
        v = rng.integers(-(10**6), 10**6, size=n)
        v[rng.random(n) < 0.15] = np.iinfo(np.int64).min
        return v.astype(np.int64).view(dt.newbyteorder("=")).astype(dt).reshape(shape)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        native = dt.newbyteorder("=")
        v = rng.integers(info.min, info.max, size=n, endpoint=True, dtype=native)
        return v.astype(dt).reshape(shape)
    real = np.finfo(dt).dtype

    def part() -> np.ndarray:
        x = rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, size=n)
        specials = [
            np.nan,
            np.inf,
            -np.inf,
            -0.0,
            float(np.finfo(real).max) / 1.5,
            float(np.finfo(real).smallest_subnormal) * 3,
        ]
        pick = rng.random(n) < 0.1
        x[pick] = rng.choice(specials, size=int(pick.sum()))
        with np.errstate(all="ignore"):
            return x.astype(real)

    if dt.kind == "c":
        z = np.empty(n, dtype=dt)
        z.real, z.imag = part(), part()
        return z.reshape(shape)
    return part().astype(dt).reshape(shape)


def spacing(form: str, n: int, rng: np.random.Generator) -> Any:
    """One axis' spacing argument of the named form, for an axis of length n."""
    irregular = np.cumsum(rng.uniform(0.2, 3.0, size=n)) - 1.0
    return {
        "py_float": 0.3,
        "py_int": 3,
        "py_bool": True,
        "np_f8": np.float64(1.1),
        "np_f4": np.float32(0.3),
        "np_f2": np.float16(0.7),
        "np_i1": np.int8(3),
        "np_i2": np.int16(-2),
        "np_u2": np.uint16(5),
        "np_i8": np.int64(7),
        "zero_d": np.array(0.5),
        "list": [float(v) for v in irregular],
        "coords_f8": irregular,
        "coords_f4": irregular.astype(np.float32),
        "coords_f2": np.sort(irregular.astype(np.float16)),
        "coords_i8": np.cumsum(rng.integers(1, 4, size=n)),
        "coords_u1_decreasing": (250 - np.cumsum(rng.integers(1, 9, size=n))).astype(np.uint8),
        "coords_uniform_f8": 1.0 + 0.25 * np.arange(n),
        "coords_uniform_f4": (1.0 + 0.25 * np.arange(n)).astype(np.float32),
        "coords_linspace": np.linspace(0.0, 1.0, n),
        "coords_big_endian": irregular.astype(">f8"),
    }[form]


FORMS = [
    "none",
    "py_float",
    "py_int",
    "py_bool",
    "np_f8",
    "np_f4",
    "np_f2",
    "np_i1",
    "np_i2",
    "np_u2",
    "np_i8",
    "zero_d",
    "list",
    "coords_f8",
    "coords_f4",
    "coords_f2",
    "coords_i8",
    "coords_u1_decreasing",
    "coords_uniform_f8",
    "coords_uniform_f4",
    "coords_linspace",
    "coords_big_endian",
]


def layouts(a: np.ndarray) -> dict[str, np.ndarray]:
    """The same logical array in several memory layouts."""
    big = np.zeros(tuple(2 * s + 1 for s in a.shape), dtype=a.dtype)
    big[tuple(slice(1, None, 2) for _ in a.shape)] = a
    ro = a.copy()
    ro.flags.writeable = False
    return {
        "C": a,
        "F": np.asfortranarray(a),
        "negative strides": a[::-1, ::-1].copy()[::-1, ::-1],
        "step-sliced": big[tuple(slice(1, None, 2) for _ in a.shape)],
        "read-only": ro,
    }


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("form", FORMS)
def test_grid_of_dtypes_spacings_edge_orders_and_layouts(dtype: str, form: str) -> None:
    rng = np.random.default_rng(zlib.crc32(f"{dtype}/{form}".encode()))
    f = make(dtype, (5, 4), rng)
    for arr in layouts(f).values():
        for edge_order in (1, 2):
            if form == "none":
                check(arr, edge_order=edge_order)
                check(arr, axis=-1, edge_order=edge_order)
            else:
                sp = [spacing(form, n, rng) for n in arr.shape]
                check(arr, *sp, edge_order=edge_order)
                check(arr, sp[1], axis=1, edge_order=edge_order)
                if np.ndim(sp[0]) == 0:
                    check(arr, sp[0], edge_order=edge_order)  # one step for all axes


def test_one_dimensional_lengths_two_and_three(rng: np.random.Generator) -> None:
    for dtype in DTYPES:
        check(make(dtype, (2,), rng))
        check(make(dtype, (3,), rng), edge_order=2)
        check(make(dtype, (3,), rng), np.array([0.0, 1.0, 3.0]), edge_order=2)


def test_broadcast_and_zero_stride_inputs() -> None:
    row = np.array([1.0, 4.0, 9.0, 16.0])
    check(np.broadcast_to(row, (3, 4)))
    check(np.broadcast_to(row[:, None], (4, 5)), edge_order=2)


def test_long_axes_cross_coefficient_blocks(rng: np.random.Generator) -> None:
    # More samples than one coefficient block (256) along the axis.
    x = np.cumsum(rng.uniform(0.1, 1.0, size=1000))
    for dtype in ("f8", "f4", "c16", "i4", "m8[s]"):
        f = make(dtype, (1000,), rng)
        check(f, x)
        check(f, x, edge_order=2)
        check(np.tile(f, (3, 1)), 1.0, x)


@pytest.mark.parametrize("dtype", DTYPES)
def test_long_and_short_rows_with_coordinates(dtype: str) -> None:
    # Rows of 64 samples or more run the AVX2 build of the non-uniform
    # stencil loops on CPUs that have AVX2, shorter ones the inline baseline:
    # lanes along the axis (axis 1), rows across it (axis 0), both lengths,
    # coordinates of three float widths (which set the compute precision).
    rng = np.random.default_rng(zlib.crc32(dtype.encode()))
    f = make(dtype, (70, 130), rng)
    for cdt in ("f8", "f4", "f2"):
        x0 = np.cumsum(rng.uniform(0.5, 1.5, 70)).astype(cdt)
        x1 = np.cumsum(rng.uniform(0.5, 1.5, 130)).astype(cdt)
        for edge_order in (1, 2):
            check(f, x0, x1, edge_order=edge_order)
            check(f.T, x1, x0, edge_order=edge_order)
            check(f[:40, :63], x0[:40], x1[:63], edge_order=edge_order)


@pytest.mark.parametrize("dtype", ["f8", "f4", "c16", "i4"])
def test_three_dimensional_coordinates_across_rows(dtype: str) -> None:
    # With coordinates along an axis that is neither the row axis nor the
    # outermost, the rows across it are walked in memory order, each with
    # its sample's coefficients (broadcast over the other axes): 3-D arrays
    # in C and F order, transposed and stepped views, rows long enough for
    # the row loops (16 and more) and too short for them.
    rng = np.random.default_rng(zlib.crc32(dtype.encode()) + 3)
    for shape in ((6, 40, 33), (7, 9, 70), (5, 30, 4)):
        f = make(dtype, shape, rng)
        xs = [np.cumsum(rng.uniform(0.5, 1.5, n)) for n in shape]
        for edge_order in (1, 2):
            check(f, *xs, edge_order=edge_order)
            check(np.asfortranarray(f), *xs, edge_order=edge_order)
            check(f.transpose(1, 0, 2), xs[1], xs[0], xs[2], edge_order=edge_order)
            check(f[:, ::2], xs[0], xs[1][::2], xs[2], edge_order=edge_order)
            check(f, xs[1], axis=1, edge_order=edge_order)


def test_large_arrays_use_threads_and_match(rng: np.random.Generator) -> None:
    f = rng.standard_normal((300, 400))
    x = np.cumsum(rng.uniform(0.1, 1.0, size=400))
    check(f, 0.5, x, edge_order=2)
    check(f.T, x, 0.5)


def test_datetime_and_timedelta_examples() -> None:
    x = np.array(
        [
            "1910-08-16",
            "1910-08-11",
            "1910-08-10",
            "1910-08-12",
            "1910-10-12",
            "1910-12-12",
            "1912-12-12",
        ],
        dtype="datetime64[D]",
    )
    check(x)
    check(x, edge_order=2)
    check(x, 3)
    check(x, np.float32(0.7))
    check(np.array([-5, -3, 10, 12, 61, 321, 300], dtype="timedelta64[D]"), 2.5)
    check(np.array([-(2**62), 2**62, 0], dtype="m8[s]"))  # wrapping subtraction
    check(np.array([0, 2**60], dtype="m8[ns]"), 3)  # integer division by an int step
    check(np.array([0, 2**60], dtype="m8[ns]"), 3.0)


def test_byte_swapped_datetime64_differs_from_numpy_on_purpose() -> None:
    """A deliberate difference (README, crate docs): NumPy views a
    byte-swapped datetime64 array's bytes as a native-order timedelta64 and
    returns garbage; ndgrad returns the differences of the dates, those of
    the same dates in native order, in native timedelta64 as NumPy does."""
    swapped = np.array([0, 5, 20, 26], dtype=">M8[s]")
    native = swapped.astype("<M8[s]")
    want = numpy_gradient(native)
    assert not np.array_equal(numpy_gradient(swapped), want)  # NumPy's garbage
    for kw in ({}, {"edge_order": 2}):
        got = ndgrad.gradient(swapped, **kw)
        assert got.dtype == numpy_gradient(swapped, **kw).dtype == np.dtype("m8[s]")
        assert np.array_equal(got, numpy_gradient(native, **kw))
    got = ndgrad.gradient(np.stack([swapped, swapped]), 2.0, axis=1)
    assert np.array_equal(got, numpy_gradient(np.stack([native, native]), 2.0, axis=1))


def test_zero_dimensional_and_empty_axes() -> None:
    check(np.float64(3.0))
    check(np.array(3.0))
    check(np.zeros((0, 3)), axis=1)
    check(np.zeros((0, 3)))
    check(np.zeros((2, 3)), axis=())


# ------------------------------------------------------------------ hypothesis

DTYPE_STRATEGY = st.sampled_from(DTYPES)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=6)


@st.composite
def arrays(draw: st.DrawFn) -> np.ndarray:
    dtype = np.dtype(draw(DTYPE_STRATEGY))
    shape = draw(SHAPES)
    if dtype.kind in "mM":
        ticks = draw(hnp.arrays(np.int64, shape, elements=st.integers(-(2**62), 2**62)))
        nat = draw(hnp.arrays(np.bool_, shape))
        ticks[nat & (ticks % 5 == 0)] = np.iinfo(np.int64).min
        a = ticks.view(dtype.newbyteorder("=")).astype(dtype)
    else:
        a = draw(hnp.arrays(dtype, shape))
    how = draw(st.sampled_from(["C", "F", "T", "reversed", "step"]))
    if how == "F":
        a = np.asfortranarray(a)
    elif how == "T" and a.ndim:
        a = a.T.copy().T
    elif how == "reversed" and a.ndim:
        a = np.flip(np.flip(a).copy())
    elif how == "step" and a.ndim:
        big = np.zeros(tuple(2 * s for s in a.shape), dtype=a.dtype)
        big[(slice(None, None, 2),) * a.ndim] = a
        a = big[(slice(None, None, 2),) * a.ndim]
    return a


SCALARS = st.one_of(
    st.floats(-8, 8, allow_nan=False),
    st.sampled_from([0.0, 1.1, 0.3, -0.5, 2.0, 0, 3, -2, True, False]),
    st.sampled_from(
        [
            np.float64(0.3),
            np.float32(1.1),
            np.float16(0.7),
            np.int8(3),
            np.int16(2),
            np.uint8(2),
            np.int64(-3),
            np.float64(0.0),
            np.array(2.5),
            np.float64(np.nan),
        ]
    ),
)


@st.composite
def coordinates(draw: st.DrawFn, n: int) -> Any:
    kind = draw(st.sampled_from(["sorted", "any", "uniform", "int", "list", "f4", "f2"]))
    if kind == "uniform":
        return 0.5 * np.arange(n) - 1.0
    if kind == "int":
        return np.cumsum(draw(hnp.arrays(np.int64, n, elements=st.integers(-3, 5))))
    finite = st.floats(-100, 100)
    elements = st.one_of(finite, st.just(np.nan), st.just(np.inf)) if kind == "any" else finite
    values = draw(hnp.arrays(np.float64, n, elements=elements))
    if kind == "sorted":
        values = np.sort(values)
    if kind == "f4":
        return values.astype(np.float32)
    if kind == "f2":
        return values.astype(np.float16)
    return [float(v) for v in values] if kind == "list" else values


@settings(max_examples=1000)
@given(data=st.data())
def test_matches_numpy_on_random_cases(data: st.DataObject) -> None:
    f = data.draw(arrays(), label="f")
    nd = f.ndim
    axis_form = data.draw(st.sampled_from(["none", "int", "tuple"]))
    if axis_form == "none" or nd == 0:
        axis, axes = None, list(range(nd))
    elif axis_form == "int":
        axis = data.draw(st.integers(-nd, nd - 1))
        axes = [axis % nd]
    else:
        axes = data.draw(st.permutations(range(nd)))[: data.draw(st.integers(0, nd))]
        axis = tuple(a - nd if data.draw(st.booleans()) else a for a in axes)
    form = data.draw(st.sampled_from(["none", "one", "each"]))
    if form == "none":
        varargs: list[Any] = []
    elif form == "one":
        varargs = [data.draw(SCALARS)]
    else:
        varargs = [data.draw(st.one_of(SCALARS, coordinates(f.shape[a]))) for a in axes]
    edge_order = data.draw(st.sampled_from([1, 2, 1, 2, 0, -1, 1.0, 1.5, True, np.int8(2), 3]))
    kwargs: dict[str, Any] = {"edge_order": edge_order}
    if axis is not None:
        kwargs["axis"] = axis
    check(f, *varargs, **kwargs)


STEP_TYPES = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64,
              np.uint8, np.uint16, np.uint32, np.uint64]  # fmt: skip


@pytest.mark.parametrize(
    "dtype", ["f2", "f4", "f8", "c8", "c16", "i1", "u8", "i8", "m8[s]", "M8[D]", ">f4"]
)
def test_every_scalar_step_type_with_every_data_type(dtype: str) -> None:
    """NumPy's promotion of a NumPy-scalar step against each data dtype,
    including zero, integer steps on timedelta data, and extreme values."""
    f = (np.arange(1, 6) ** 2).astype(dtype)
    steps: list[Any] = [t(v) for t in STEP_TYPES for v in (0, 3, 100)]
    steps += [0.0, 3, 0, 2**62, -7, 1e-320, 1e300]
    for h in steps:
        for edge_order in (1, 2):
            check(f, h, edge_order=edge_order)
            if h:
                check(f, np.full(5, h).cumsum(), edge_order=edge_order)
