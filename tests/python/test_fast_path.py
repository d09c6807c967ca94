"""The fast path for common calls (`_ndgrad.gradient_fast`, issue 16).

`ndgrad.gradient` first offers every plain call (every axis, no `out=`, no
`workers=`, NumPy's schemes) to the Rust fast path, which either answers
or declines. These tests pin down both sides: which calls it takes, and
that a taken call is exactly NumPy's (bits, dtype, memory layout), as is
every declined call, answered by the full Python path.
"""

from __future__ import annotations

from typing import Any

import ndgrad
import numpy as np
import pytest
from ndgrad import _ndgrad

DTYPES = ["f8", "f4", "f2", "c16", "c8", "i8", "i4", "i2", "i1", "u8", "u4", "u2", "u1"]


def _data(dtype: str, shape: tuple[int, ...], order: str = "C") -> np.ndarray:
    rng = np.random.default_rng(abs(hash((dtype, shape, order))) % 2**32)
    a = rng.normal(size=shape) * 20
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.normal(size=shape)
    if np.dtype(dtype).kind in "iu":
        a = np.abs(a)
    return np.asarray(a.astype(dtype), order=order)


def _same(got: Any, want: Any) -> None:
    if isinstance(want, np.ndarray):
        want, got = [want], [got]
    assert isinstance(got, (list, tuple)) and len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert type(g) is np.ndarray
        assert g.dtype == w.dtype
        assert g.shape == w.shape
        assert g.flags.c_contiguous == w.flags.c_contiguous
        assert g.flags.f_contiguous == w.flags.f_contiguous
        assert g.flags.writeable
        if w.dtype.kind == "c":
            np.testing.assert_array_equal(
                g.real.view(f"u{w.itemsize // 2}"), w.real.view(f"u{w.itemsize // 2}")
            )
            np.testing.assert_array_equal(
                g.imag.view(f"u{w.itemsize // 2}"), w.imag.view(f"u{w.itemsize // 2}")
            )
        else:
            np.testing.assert_array_equal(g.view(f"u{w.itemsize}"), w.view(f"u{w.itemsize}"))


def _check(
    f: np.ndarray, *varargs: Any, edge_order: int = 1, taken: bool, axis: int | None = None
) -> None:
    fast = _ndgrad.gradient_fast(f, varargs, axis, edge_order, 0)
    assert (fast is not None) == taken, "the fast path took or declined the wrong call"
    try:
        with np.errstate(all="ignore"):
            want = np.gradient(f, *varargs, axis=axis, edge_order=edge_order)
    except Exception as e:
        assert fast is None
        with pytest.raises(type(e)) as got:
            ndgrad.gradient(f, *varargs, axis=axis, edge_order=edge_order)
        assert str(got.value) == str(e)
        return
    _same(ndgrad.gradient(f, *varargs, axis=axis, edge_order=edge_order), want)
    if fast is not None:
        _same(fast, want)
        outs = [fast] if isinstance(fast, np.ndarray) else fast
        assert all(o.flags.owndata for o in outs), "NumPy-owned memory, as empty_like's"


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("shape", [(2,), (3,), (10,), (100,), (4, 5), (3, 1, 6)])
def test_taken_calls_are_numpys(dtype: str, edge_order: int, shape: tuple[int, ...]) -> None:
    f = _data(dtype, shape)
    ok = min(shape) >= edge_order + 1
    _check(f, edge_order=edge_order, taken=ok)
    for step in (0.1, 3, -2.5, np.float64(0.3), float("nan"), np.float64("inf")):
        _check(f, step, edge_order=edge_order, taken=ok)
    per_axis: list[Any] = [np.cumsum(np.linspace(0.5, 1.5, n)) for n in shape]
    _check(f, *per_axis, edge_order=edge_order, taken=ok and min(shape) >= 2)
    mixed = [0.7 if i % 2 else x for i, x in enumerate(per_axis)]
    _check(f, *mixed, edge_order=edge_order, taken=ok)
    uniform = [np.arange(n) * 0.25 for n in shape]  # collapses to a step
    _check(f, *uniform, edge_order=edge_order, taken=ok)


@pytest.mark.parametrize("dtype", ["f8", "f4", "c16", "i4"])
def test_fortran_order_is_kept(dtype: str) -> None:
    f = _data(dtype, (5, 7), order="F")
    assert not f.flags.c_contiguous
    _check(f, taken=True)
    _check(f, 0.5, np.linspace(0, 1, 7) ** 2, taken=True)


def test_declined_calls_are_numpys() -> None:
    f = _data("f8", (6, 5))
    x0, x1 = np.linspace(0, 1, 6) ** 2, np.linspace(0, 2, 5) ** 2
    _check(f[::2], taken=False)  # strided: NumPy's empty_like keeps its layout
    _check(f.T[:, ::-1], taken=False)
    _check(f.astype(">f8"), taken=False)  # byte-swapped
    _check(f, np.longdouble(0.5), taken=False)  # NumPy scalars of no spacing dtype
    _check(f, np.complex128(2), taken=False)
    _check(f, np.bool_(True), taken=False)
    _check(f, np.array(0.5), taken=False)  # 0-d arrays
    _check(f, x0.astype(np.longdouble), x1, taken=False)  # coordinates of no spacing dtype
    _check(f, x0.astype(">f8"), x1, taken=False)  # byte-swapped coordinates
    _check(f, x0.reshape(1, -1), x1, taken=False)  # 2-D coordinates
    _check(f, list(x0), x1, taken=False)  # lists
    _check(f, 2**70, taken=False)  # beyond int64
    _check(f, True, taken=False)  # bool steps
    _check(f, 0.0, taken=False)  # zero steps: NumPy's rules per edge order
    _check(f, 0, taken=False)
    _check(f, np.float64(0), taken=False)
    _check(f, np.int8(0), taken=False)
    _check(f, x0[::-1].copy(), x1, taken=True)  # decreasing coordinates are fine
    assert _ndgrad.gradient_fast(np.ma.masked_array(f), (), None, 1, 0) is None  # subclasses


def test_errors_come_from_the_full_path() -> None:
    f = _data("f8", (6, 2))
    for args, kwargs in [
        ((), {"edge_order": 2}),  # too short for edge_order 2
        ((np.linspace(0, 1, 6),), {}),  # one array for two axes
        ((1.0, 2.0, 3.0), {}),
        ((np.linspace(0, 1, 5), 1.0), {}),  # wrong coordinate length
        ((np.ones((6, 2)), 1.0), {}),
        ((None, 1.0), {}),
        (("a", 1.0), {}),
    ]:
        assert _ndgrad.gradient_fast(f, args, None, kwargs.get("edge_order", 1), 0) is None
        with pytest.raises(Exception) as want:
            np.gradient(f, *args, **kwargs)
        with pytest.raises(type(want.value)) as got:
            ndgrad.gradient(f, *args, **kwargs)
        assert str(got.value) == str(want.value)


def test_zero_dimensional_and_empty_arrays_decline() -> None:
    assert _ndgrad.gradient_fast(np.array(1.0), (), None, 1, 0) is None
    assert _ndgrad.gradient_fast(np.zeros((0, 3)), (), None, 1, 0) is None
    assert _ndgrad.gradient_fast(np.zeros(5, dtype=bool), (), None, 1, 0) is None
    assert _ndgrad.gradient_fast(np.zeros(5, dtype="M8[s]"), (), None, 1, 0) is None
    assert _ndgrad.gradient_fast(np.zeros(5, dtype=object), (), None, 1, 0) is None
    assert _ndgrad.gradient_fast(np.zeros(5), (), None, 3, 0) is None


def test_the_fast_path_does_not_touch_its_inputs() -> None:
    f = _data("f8", (50, 40))
    f.flags.writeable = False
    x = np.linspace(0, 1, 40) ** 2
    x.flags.writeable = False
    before = (f.copy(), x.copy())
    _check(f, 0.5, x, taken=True)
    np.testing.assert_array_equal(f, before[0])
    np.testing.assert_array_equal(x, before[1])


def test_large_arrays_take_the_fast_path_with_threads() -> None:
    # Above the size where the GIL is released and the work is split.
    f = _data("f8", (700, 600))
    _check(f, 0.1, np.cumsum(np.linspace(1, 2, 600)), taken=True)


@pytest.mark.parametrize("workers", [1, 2, -1])
def test_workers_take_the_fast_path(workers: int) -> None:
    f = _data("f8", (300, 400))
    want = np.gradient(f, 0.5, np.linspace(0, 1, 400) ** 2)
    assert (
        _ndgrad.gradient_fast(f, (0.5, np.linspace(0, 1, 400) ** 2), None, 1, workers % 3)
        is not None
    )
    _same(ndgrad.gradient(f, 0.5, np.linspace(0, 1, 400) ** 2, workers=workers), want)
    with pytest.raises(ValueError, match="workers must not be 0"):
        ndgrad.gradient(f, workers=0)


def test_one_axis_takes_the_fast_path() -> None:
    f = _data("f8", (6, 2, 5))
    for axis in (0, 2, -1, -3):
        n = f.shape[axis]
        _check(f, axis=axis, taken=True)
        _check(f, 0.25, axis=axis, taken=True)
        _check(f, np.cumsum(np.linspace(1, 2, n)), axis=axis, taken=True)
        _check(f, axis=axis, edge_order=2, taken=True)
    # Only the requested axis needs edge_order + 1 samples.
    _check(f, axis=0, edge_order=2, taken=True)
    _check(f, axis=1, edge_order=2, taken=False)  # NumPy's ValueError
    _check(f, axis=3, taken=False)  # NumPy's AxisError
    _check(f, axis=-4, taken=False)
    _check(f, 0.1, 0.2, axis=0, taken=False)  # TypeError: two spacings, one axis
    _check(f, np.ones(5), axis=0, taken=False)  # wrong coordinate length


SPACING_DTYPES = ["f8", "f4", "f2", "i8", "i4", "i2", "i1", "u8", "u4", "u2", "u1"]


@pytest.mark.parametrize("step_dtype", SPACING_DTYPES)
@pytest.mark.parametrize("dtype", ["f8", "f4", "f2", "c8", "i2", "u1"])
@pytest.mark.parametrize("edge_order", [1, 2])
def test_every_numpy_scalar_and_coordinate_dtype_is_taken(
    step_dtype: str, dtype: str, edge_order: int
) -> None:
    """NEP 50's strong promotion for each NumPy scalar type, and each
    coordinate dtype (integer coordinates, their uniform collapse, float16
    coordinate differences), as NumPy computes them."""
    f = _data(dtype, (7, 9))
    t = np.dtype(step_dtype).type
    for v in (3, 1, 100):
        _check(f, t(v), edge_order=edge_order, taken=True)
        _check(f, t(v), 0.5, edge_order=edge_order, taken=True)
        _check(f, t(v), edge_order=edge_order, axis=1, taken=True)
    if np.dtype(step_dtype).kind in "iu":
        top = np.iinfo(step_dtype).max
        _check(f, t(top), edge_order=edge_order, taken=True)
    else:
        _check(f, t(0.1), edge_order=edge_order, taken=True)
        _check(f, t(-2.5), np.float32(1e-3), edge_order=edge_order, taken=True)
    rng = np.random.default_rng(7)
    for n, other in ((7, 9), (9, 7)):
        x = np.cumsum(rng.integers(1, 5, size=n)).astype(step_dtype)
        y = np.arange(other, dtype=step_dtype) * 2  # uniform: collapses to a step
        f2 = f if n == 7 else f.T.copy()
        _check(f2, x, y, edge_order=edge_order, taken=True)
    _check(f, np.arange(7, dtype=step_dtype)[::-1].copy(), 1, edge_order=edge_order, taken=True)
