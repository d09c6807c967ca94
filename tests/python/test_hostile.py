"""Hostile but realistic calls (issue 32, and the exactness regression of
issue 27): each test here failed before its fix.

- a periodic axis with decreasing coordinates gave silently wrong end rows
  on NumPy's formulas (and no check of the period against the span);
- arrays of more than 32 dimensions panicked across the binding
  (``pyo3_runtime.PanicException``, a ``BaseException``);
- ``edge_order=None`` was taken as "not given" where NumPy raises;
- a zero or non-finite step reached the higher-order kernels from the
  surfaces that do not check it themselves.
"""

from __future__ import annotations

import inspect
from typing import Any

import dask.array as da
import ndgrad
import ndgrad.dask
import numpy as np
import pytest
from conftest import check
from numpy.lib._function_base_impl import gradient as numpy_gradient

INCREASING = "must be finite and strictly increasing"


def _wrap_padded(f: np.ndarray, x: np.ndarray, period: float, edge_order: int) -> np.ndarray:
    """NumPy's gradient of the wrap-padded samples, trimmed: what a periodic
    axis with NumPy's formulas means."""
    fp = np.concatenate([f[-1:], f, f[:1]])
    xp = np.concatenate([[x[-1] - period], x, [x[0] + period]])
    return numpy_gradient(fp, xp, edge_order=edge_order)[1:-1]


PERIODIC_CALLS: list[tuple[str, Any]] = [
    ("gradient", lambda f, x, p: ndgrad.gradient(f, x, boundary="periodic", period=p)),
    (
        "gradient accuracy 4",
        lambda f, x, p: ndgrad.gradient(f, x, accuracy=4, boundary="periodic", period=p),
    ),
    (
        "derivative order 1",
        lambda f, x, p: ndgrad.derivative(f, x, order=1, boundary="periodic", period=p),
    ),
    (
        "derivative order 2",
        lambda f, x, p: ndgrad.derivative(f, x, order=2, boundary="periodic", period=p),
    ),
    (
        "dask gradient",
        lambda f, x, p: ndgrad.dask.gradient(
            da.from_array(f, chunks=3), da.from_array(x, chunks=3), boundary="periodic", period=p
        ).compute(),
    ),
    (
        "dask derivative order 2",
        lambda f, x, p: ndgrad.dask.derivative(
            da.from_array(f, chunks=4), x, order=2, boundary="periodic", period=p
        ).compute(),
    ),
]


@pytest.mark.parametrize("name,call", PERIODIC_CALLS, ids=[n for n, _ in PERIODIC_CALLS])
@pytest.mark.parametrize("period", [2.0, 6.0, 7.5, -6.0])
def test_periodic_decreasing_coordinates_are_refused(name: str, call: Any, period: float) -> None:
    f = np.sin(np.arange(6.0))
    x = np.arange(6.0)[::-1]
    with pytest.raises(ValueError, match=INCREASING):
        call(f, x, period)


@pytest.mark.parametrize("edge_order", [1, 2])
def test_periodic_increasing_coordinates_are_numpy_of_the_wrap_padded_array(
    edge_order: int,
) -> None:
    rng = np.random.default_rng(32)
    f = rng.standard_normal(9)
    x = np.cumsum(rng.uniform(0.2, 1.0, 9))
    period = float(x[-1] - x[0]) + 0.6
    want = _wrap_padded(f, x, period, edge_order)
    # Every edge order is the same on a periodic axis: the interior formula.
    got = ndgrad.gradient(f, x, boundary="periodic", period=period)
    np.testing.assert_array_equal(got, want)
    dask_got = ndgrad.dask.gradient(
        da.from_array(f, chunks=4), da.from_array(x, chunks=4), boundary="periodic", period=period
    ).compute()
    np.testing.assert_array_equal(dask_got, want)
    # The same samples in decreasing order are refused rather than computed.
    with pytest.raises(ValueError, match=INCREASING):
        ndgrad.gradient(f[::-1], x[::-1], boundary="periodic", period=period)


@pytest.mark.parametrize("ndim", [33, 64])
def test_more_than_32_dimensions_work_or_are_refused(ndim: int) -> None:
    rng = np.random.default_rng(ndim)
    shape = (6,) + (1,) * (ndim - 2) + (2,)
    a = rng.standard_normal(shape)
    np.testing.assert_array_equal(ndgrad.gradient(a, axis=0), numpy_gradient(a, axis=0))
    np.testing.assert_array_equal(
        ndgrad.gradient(a, 0.5, axis=-1, edge_order=1), numpy_gradient(a, 0.5, axis=-1)
    )
    # A transposed (not C-contiguous) view and out=.
    t = a.T
    out = np.empty_like(t)
    ndgrad.gradient(t, axis=-1, out=out)
    np.testing.assert_array_equal(out, numpy_gradient(t, axis=-1))
    # Higher-order schemes: the same values as on the array folded to 2-D.
    folded = a.reshape(6, 2)
    np.testing.assert_array_equal(
        ndgrad.gradient(a, axis=0, accuracy=4).reshape(6, 2),
        ndgrad.gradient(folded, axis=0, accuracy=4),
    )
    np.testing.assert_array_equal(
        ndgrad.derivative(a, order=2, axis=0).reshape(6, 2),
        ndgrad.derivative(folded, order=2, axis=0),
    )
    np.testing.assert_array_equal(
        ndgrad.dask.gradient(da.from_array(a, chunks=3), axis=0).compute(),
        numpy_gradient(a, axis=0),
    )
    # Every axis: NumPy's own error (the size-1 axes are too short).
    check(a)
    # Byte-swapped and broadcast (NumPy 2.4 crashes byte-swapping such
    # outputs in place: found by scripts/fuzz_numpy.py).
    b = np.broadcast_to(a[:1].astype(">c8"), a.shape)
    check(b, axis=(0, ndim - 1))
    for op in (ndgrad.magnitude, ndgrad.laplacian):
        with pytest.raises(ValueError, match=f"at most 32 dimensions; got {ndim}"):
            op(a, axis=(0, ndim - 1))


EDGE_ORDERS: list[Any] = [None, 0, 1, 2, 3, -1, 1.0, 2.5, True, "1", np.int64(2), [1]]


@pytest.mark.parametrize("edge_order", EDGE_ORDERS, ids=repr)
def test_every_edge_order_a_caller_can_pass_is_numpys(edge_order: Any) -> None:
    f = np.arange(5.0) ** 2
    check(f, edge_order=edge_order)
    check(f, 0.5, axis=0, edge_order=edge_order)
    check(f.astype(np.float32), np.arange(5), edge_order=edge_order)


def test_edge_order_default_is_told_apart_from_a_given_one() -> None:
    f = np.arange(9.0) ** 2
    ndgrad.gradient(f, accuracy=4)  # not given: fine
    for given in (1, None, 2):
        with pytest.raises(ValueError, match="edge_order must not be given with accuracy"):
            ndgrad.gradient(f, accuracy=4, edge_order=given)
    with pytest.raises(TypeError):
        ndgrad.dask.gradient(da.from_array(f, chunks=4), edge_order=None)
    default = inspect.signature(ndgrad.gradient).parameters["edge_order"].default
    assert default == 1 and repr(default) == "1"  # as numpy.gradient's signature shows it


@pytest.mark.parametrize("step", [0.0, -0.0, np.nan, np.inf, 0, np.float32(0)])
def test_higher_order_schemes_refuse_a_zero_or_non_finite_step(step: Any) -> None:
    f = np.arange(12.0) ** 3
    for call in (
        lambda: ndgrad.derivative(f, step, order=1),
        lambda: ndgrad.derivative(f, step, order=2, accuracy=4),
        lambda: ndgrad.laplacian(f, step),
        lambda: ndgrad.gradient(f, step, accuracy=4),
    ):
        with pytest.raises(ValueError, match="finite and nonzero"):
            call()
    # NumPy's own formulas keep NumPy's result.
    check(f, step)
    check(f, step, edge_order=2)


def test_a_period_on_a_one_sided_axis_is_refused() -> None:
    f = np.sin(np.arange(8.0))
    x = np.arange(8.0)
    for call in (
        lambda: ndgrad.gradient(f, accuracy=4, period=3.0),
        lambda: ndgrad.derivative(f, x, order=2, period=9.0),
        lambda: ndgrad.gradient(
            np.zeros((8, 8)), x, x, boundary=["periodic", "one-sided"], period=[9.0, 9.0]
        ),
        lambda: ndgrad.dask.gradient(da.from_array(f, chunks=4), x, accuracy=4, period=9.0),
    ):
        with pytest.raises(ValueError, match="period is for a periodic axis; requested axis"):
            call()


def test_periods_may_be_arrays() -> None:
    f = np.sin(np.arange(8.0))
    x = np.arange(8.0)
    want = ndgrad.gradient(f, x, boundary="periodic", period=[8.0])
    for period in (np.array([8.0]), np.array(8.0), np.float32(8.0)):
        np.testing.assert_array_equal(
            ndgrad.gradient(f, x, boundary="periodic", period=period), want
        )


def test_workers_out_of_range_are_refused_as_in_scipy_fft() -> None:
    import os

    cpus = os.cpu_count() or 1
    f = np.arange(10.0)
    np.testing.assert_array_equal(ndgrad.gradient(f, workers=-cpus), numpy_gradient(f))
    for bad in (-cpus - 1, -100):
        with pytest.raises(ValueError, match=f"down to -{cpus} .* got {bad}"):
            ndgrad.gradient(f, workers=bad)


def test_out_may_be_the_input() -> None:
    rng = np.random.default_rng(5)
    for call, kw in (
        (ndgrad.gradient, {}),
        (ndgrad.gradient, {"accuracy": 4}),
        (ndgrad.derivative, {"order": 2}),
        (ndgrad.laplacian, {}),
    ):
        f = rng.standard_normal(12)
        want = call(f.copy(), **kw)
        got = call(f, out=f, **kw)
        assert got is f
        np.testing.assert_array_equal(f, want)
    g = rng.standard_normal((6, 7))
    want = ndgrad.gradient(g)
    got = ndgrad.gradient(g, out=(g, np.empty_like(g)))
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


def test_out_messages_name_what_is_wrong() -> None:
    g = np.zeros((6, 7))
    with pytest.raises(TypeError, match="out must hold ndarrays, not list"):
        ndgrad.gradient(g, axis=0, out=[[0.0] * 7] * 6)
    with pytest.raises(TypeError, match="out must hold ndarrays, not list"):
        ndgrad.gradient(g, accuracy=2, out=[[0.0] * 7] * 6)
    o = np.empty_like(g)
    with pytest.raises(ValueError, match=r"out\[0\] and out\[1\]"):
        ndgrad.gradient(g, out=(o, o))


def test_derivative_refuses_coordinates_it_cannot_use_as_documented() -> None:
    f = np.sin(np.arange(8.0))
    for x in (
        np.array([0, 1, 1, 2, 3, 5, 6, 7.0]),  # repeated
        np.array([0, 1, 3, 2, 4, 5, 6, 7.0]),  # unordered
        np.array([0, 1, np.nan, 3, 4, 5, 6, 7.0]),  # NaN
    ):
        for kw in ({"order": 1}, {"order": 2}, {"order": 1, "accuracy": 4}):
            with pytest.raises(ValueError, match="finite and strictly monotonic"):
                ndgrad.derivative(f, x, **kw)
        with pytest.raises(ValueError, match="finite and strictly monotonic"):
            ndgrad.gradient(f, x, accuracy=2)
        check(f, x, edge_order=2)  # NumPy's own gradient takes them


def test_dataset_errors_list_coordinates_not_data_variables() -> None:
    import ndgrad.xarray  # noqa: F401  (registers the accessor)
    import xarray as xr

    dims = ("x", "y")
    ds = xr.Dataset(
        {"u": (dims, np.ones((5, 5))), "v": (dims, np.ones((5, 5)))},
        coords={"x": np.arange(5.0), "y": np.arange(5.0)},
    )
    with pytest.raises(
        ValueError, match=r"'z' is not a coordinate .* expected one of \['x', 'y'\]$"
    ):
        ds.ndgrad.curl({"x": "u", "z": "v"})


def test_the_timedelta_kernel_refuses_schemes_it_cannot_compute() -> None:
    """It once turned them into NumPy's first-order edges silently."""
    from ndgrad import _call, _ndgrad

    f = np.arange(6, dtype=np.int64)
    out = np.empty(6, dtype=np.int64)
    for scheme in [
        _call.AxisScheme(1, 4),
        _call.AxisScheme(periodic=True),
        _call.AxisScheme(2, 2),
    ]:
        with pytest.raises(ValueError, match="timedelta64 data takes NumPy's gradient only"):
            _ndgrad.run_m8("gradient", [f], [out], [0], [_call.UNIT_SPACING], [scheme], 1)


def test_an_entry_point_refuses_what_it_cannot_compute() -> None:
    """One entry point per dtype: the operation is read once, at the boundary."""
    from ndgrad import _call, _ndgrad

    f = np.arange(6.0)
    out = np.empty(6)
    args = ([out], [0], [_call.UNIT_SPACING], [_call.AxisScheme()], 1)
    with pytest.raises(ValueError, match="expected one of gradient, magnitude, laplacian"):
        _ndgrad.run_f8("hessian", [f], *args)
    with pytest.raises(TypeError, match="'int' object is not an instance of 'str'"):
        _ndgrad.run_f8(3, [f], *args)
    with pytest.raises(ValueError, match="one input and one output per axis"):
        _ndgrad.run_f8("gradient", [f, f], *args)
    ticks = np.arange(6, dtype=np.int64)
    with pytest.raises(TypeError, match="no operator laplacian for this dtype"):
        _ndgrad.run_m8("laplacian", [ticks], [ticks.copy()], *args[1:])
    _ndgrad.run_f8("laplacian", [f], *args)
    assert (out == 0).all()


def test_the_pieces_of_an_axis_come_from_the_core() -> None:
    """``ndgrad.dask`` asks the core for each block's rows and coordinates:
    the whole axis' error, a clear error for rows outside the axis, the
    step equally spaced coordinates collapse to, and the shifted
    coordinates of a periodic block."""
    from ndgrad import _call, _ndgrad

    x = np.array([0.0, 1.0, 3.0, 4.0, 8.0])
    periodic = _call.AxisScheme(1, 2, 1, True, 10.0)
    step, one_sided, pieces = _ndgrad.pieces(
        _call.coords_spacing(x), periodic, 0, 5, [(0, 2), (2, 5)]
    )
    assert step is None and one_sided
    assert [p[:3] for p in pieces] == [(-1, 3, 1), (1, 6, 1)]
    assert pieces[0][3].tolist() == [-2.0, 0.0, 1.0, 3.0]
    assert pieces[1][3].tolist() == [1.0, 3.0, 4.0, 8.0, 10.0]
    even = np.arange(5, dtype=np.float32) * np.float32(0.5)
    step, _, _ = _ndgrad.pieces(_call.coords_spacing(even), _call.numpy_scheme(1), 0, 5, [])
    assert type(step) is np.float32 and step == 0.5
    with pytest.raises(ValueError, match="finite and strictly increasing"):
        _ndgrad.pieces(_call.coords_spacing(x[::-1]), periodic, 0, 5, [])
    with pytest.raises(ValueError, match=r"rows 3\.\.9 are not a piece of an axis of 5 samples"):
        _ndgrad.pieces(_call.coords_spacing(x), periodic, 0, 5, [(3, 9)])
    shifted = _ndgrad.shift_periodic("i4", np.array([4, 0, 1], dtype=np.int32), -1, 2, 6.0)
    assert shifted.dtype == np.float64 and shifted.tolist() == [-2.0, 0.0, 1.0]
