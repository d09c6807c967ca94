"""The fused operators: ``magnitude``, ``laplacian``, ``divergence``, ``curl``.

The oracle is the composed expression: NumPy's ``gradient`` calls combined
with NumPy's ufuncs where NumPy defines the derivatives (accuracy None), and
``ndgrad.gradient``/``ndgrad.derivative`` calls (themselves tested against
exact rationals in ``test_schemes.py``) for the higher-order and periodic
schemes. Every comparison is bit for bit.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import ndgrad
import numpy as np
import pytest
from conftest import assert_same_array
from numpy.lib._function_base_impl import gradient as numpy_gradient

RNG = np.random.default_rng(12)


def layouts(a: np.ndarray) -> Iterator[tuple[str, np.ndarray]]:
    """The same values in several memory layouts."""
    yield "C", np.ascontiguousarray(a)
    yield "F", np.asfortranarray(a)
    if a.ndim >= 2:
        axes = tuple(range(a.ndim))[::-1]
        yield "transposed", np.ascontiguousarray(a.transpose(axes)).transpose(axes)
    flipped = np.ascontiguousarray(a[(slice(None, None, -1),) * a.ndim])
    yield "negative strides", flipped[(slice(None, None, -1),) * a.ndim]
    big = np.zeros(tuple(2 * n for n in a.shape), dtype=a.dtype)
    view = big[(slice(None, None, 2),) * a.ndim]
    view[...] = a
    yield "strided", view


def data(shape: tuple[int, ...], dtype: Any = np.float64) -> np.ndarray:
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        return RNG.integers(0, 100, size=shape).astype(dt)
    a = RNG.standard_normal(shape)
    if dt.kind == "c":
        a = a + 1j * RNG.standard_normal(shape)
    return a.astype(dt)


def quiet(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def as_tuple(g: Any) -> tuple[np.ndarray, ...]:
    return (g,) if isinstance(g, np.ndarray) else tuple(g)


def composed_magnitude(grad: Callable[..., Any], f: np.ndarray, *args: Any, **kw: Any) -> Any:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        gs = as_tuple(grad(f, *args, **kw))
        total = gs[0] * gs[0]
        for g in gs[1:]:
            total = total + g * g
        return np.sqrt(total)


SHAPES = [(17,), (9, 12), (5, 6, 7)]


def spacings(shape: tuple[int, ...]) -> Iterator[tuple[Any, ...]]:
    """No spacing, one scalar, and one per axis mixing steps and coordinates."""
    yield ()
    yield (0.3,)
    per_axis: list[Any] = []
    for k, n in enumerate(shape):
        if k % 2:
            per_axis.append(np.float32(0.5))
        else:
            per_axis.append(np.cumsum(RNG.uniform(0.5, 1.5, n)))
    yield tuple(per_axis)


# ----------------------------------------------------------------- magnitude


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16, np.int16, np.uint8])
@pytest.mark.parametrize("edge_order", [1, 2])
def test_magnitude_is_composed_numpy(shape: tuple[int, ...], dtype: Any, edge_order: int) -> None:
    f0 = data(shape, dtype)
    for args in spacings(shape):
        want = composed_magnitude(numpy_gradient, f0, *args, edge_order=edge_order)
        for name, f in layouts(f0):
            got = quiet(ndgrad.magnitude, f, *args, edge_order=edge_order)
            assert_same_array(got, want, f"{dtype.__name__} {shape} {name} {len(args)} spacings")


@pytest.mark.parametrize("axis", [0, (2, 0), (1, 2, 0), -1])
def test_magnitude_sums_in_the_order_of_axis(axis: Any) -> None:
    f = data((6, 7, 8))
    want = composed_magnitude(numpy_gradient, f, axis=axis)
    assert_same_array(ndgrad.magnitude(f, axis=axis), want, str(axis))


def test_magnitude_overflows_as_numpy_does() -> None:
    # Not hypot: the squares overflow to inf, underflow to 0.
    f = np.array([[0.0, 1e200, 2e200], [1e-200, 0.0, 3e-200], [0.0, 1.0, 2.0]])
    want = composed_magnitude(numpy_gradient, f)
    got = quiet(ndgrad.magnitude, f)
    assert_same_array(got, want)
    assert np.isinf(got).any()


@pytest.mark.parametrize("accuracy", [2, 4, 6, 8])
@pytest.mark.parametrize("boundary", ["one-sided", "periodic"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_magnitude_schemes_are_composed_ndgrad(accuracy: int, boundary: str, dtype: Any) -> None:
    shape = (11, 13, 12)
    f0 = data(shape, dtype)
    x = np.cumsum(RNG.uniform(0.5, 1.5, shape[2]))
    period = [None, None, float(x[-1] - x[0] + 1.0)] if boundary == "periodic" else None
    kw = dict(accuracy=accuracy, boundary=boundary, period=period)
    want = composed_magnitude(ndgrad.gradient, f0, 0.5, 0.25, x, **kw)
    for name, f in layouts(f0):
        got = ndgrad.magnitude(f, 0.5, 0.25, x, **kw)
        assert_same_array(got, want, name)


def test_magnitude_of_complex_data_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="real data; got dtype complex128"):
        ndgrad.magnitude(np.ones((3, 3), dtype=complex))


# ----------------------------------------------------------------- laplacian


def composed_laplacian(f: np.ndarray, *args: Any, axis: Any = None, **kw: Any) -> Any:
    axes = range(f.ndim) if axis is None else np.atleast_1d(axis).tolist()
    axes = list(axes)
    ds = as_tuple(ndgrad.derivative(f, *args, order=2, axis=tuple(axes), **kw))
    total = ds[0]
    for d in ds[1:]:
        total = total + d
    return total


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("accuracy", [2, 4, 6, 8])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128, np.int32])
def test_laplacian_is_summed_second_derivatives(
    shape: tuple[int, ...], accuracy: int, dtype: Any
) -> None:
    shape = tuple(n + 6 for n in shape)
    f0 = data(shape, dtype)
    for args in spacings(shape):
        want = composed_laplacian(f0, *args, accuracy=accuracy)
        for name, f in layouts(f0):
            got = ndgrad.laplacian(f, *args, accuracy=accuracy)
            assert_same_array(got, want, f"{shape} {name} {len(args)} spacings")


@pytest.mark.parametrize("accuracy", [2, 8])
def test_laplacian_periodic_and_axis(accuracy: int) -> None:
    f = data((14, 15, 16))
    x = np.sort(RNG.uniform(0, 10, 16))
    kw = dict(accuracy=accuracy, boundary=["periodic", "one-sided"], period=[12.0, None])
    want = composed_laplacian(f, x, 0.5, axis=(2, 1), **kw)
    assert_same_array(ndgrad.laplacian(f, x, 0.5, axis=(2, 1), **kw), want)


def test_laplacian_of_a_paraboloid_is_four() -> None:
    x = np.arange(6) * 0.5
    X, Y = np.meshgrid(x, x, indexing="ij")
    for accuracy in (2, 4):
        lap = ndgrad.laplacian(X**2 + Y**2, 0.5, accuracy=accuracy)
        np.testing.assert_allclose(lap, 4.0, rtol=0, atol=1e-11)
    assert (ndgrad.laplacian(X**2 + Y**2, 0.5) == 4.0).all()


# ---------------------------------------------------------------- divergence


def field(shape: tuple[int, ...], dtype: Any = np.float64) -> list[np.ndarray]:
    return [data(shape, dtype) for _ in shape]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex64, np.int64])
@pytest.mark.parametrize("edge_order", [1, 2])
def test_divergence_is_composed_numpy(shape: tuple[int, ...], dtype: Any, edge_order: int) -> None:
    F = field(shape, dtype)
    for args in spacings(shape):
        per = list(args) * len(shape) if len(args) == 1 else list(args) or [1.0] * len(shape)
        parts = [
            quiet(numpy_gradient, F[i], per[i], axis=i, edge_order=edge_order)
            for i in range(len(shape))
        ]
        want = parts[0]
        for p in parts[1:]:
            want = want + p
        for name, _ in layouts(F[0]):
            comps = [dict(layouts(c))[name] for c in F]
            got = quiet(ndgrad.divergence, comps, *args, edge_order=edge_order)
            assert_same_array(got, want, f"{shape} {name} {len(args)} spacings")
        # One stacked array: components along the leading axis.
        if len(shape) >= 1:
            got = quiet(ndgrad.divergence, np.stack(F), *args, edge_order=edge_order)
            assert_same_array(got, want, "stacked")


@pytest.mark.parametrize("accuracy", [4, 6, 8])
def test_divergence_schemes_are_composed_ndgrad(accuracy: int) -> None:
    shape = (12, 13, 14)
    F = field(shape)
    x = np.cumsum(RNG.uniform(0.5, 1.5, 13))
    kw = dict(accuracy=accuracy, boundary=["one-sided", "periodic", "periodic"])
    period = [None, float(x[-1] - x[0] + 1), None]
    spacing = [0.5, x, 0.25]
    want = sum(
        (
            ndgrad.gradient(
                F[i],
                spacing[i],
                axis=i,
                accuracy=accuracy,
                boundary=kw["boundary"][i],
                period=period[i],
            )
            for i in range(1, 3)
        ),
        start=ndgrad.gradient(F[0], 0.5, axis=0, accuracy=accuracy),
    )
    got = ndgrad.divergence(F, *spacing, period=period, **kw)
    assert_same_array(got, want)


def test_divergence_of_position_is_three() -> None:
    X, Y, Z = np.meshgrid(np.arange(3.0), np.arange(4.0), np.arange(5.0), indexing="ij")
    assert (ndgrad.divergence([X, Y, Z]) == 3).all()
    assert (ndgrad.divergence(np.stack([X, Y, Z]), accuracy=2) == 3).all()


def test_divergence_xy_indexing_follows_meshgrid() -> None:
    x, y = np.linspace(0, 1, 7), np.linspace(0, 2, 9)
    Xm, Ym = np.meshgrid(x, y)  # shape (9, 7): axis 0 is y
    U, V = np.sin(Xm) * Ym, Xm * Ym**2
    want = np.gradient(U, x, axis=1) + np.gradient(V, y, axis=0)
    assert_same_array(ndgrad.divergence([U, V], x, y, indexing="xy"), want)


# ---------------------------------------------------------------------- curl


def test_curl_2d_is_composed_numpy() -> None:
    F = field((9, 11))
    x = np.cumsum(RNG.uniform(0.5, 1.5, 11))
    for edge_order in (1, 2):
        want = np.gradient(F[1], 0.5, axis=0, edge_order=edge_order) - np.gradient(
            F[0], x, axis=1, edge_order=edge_order
        )
        for name, _ in layouts(F[0]):
            comps = [dict(layouts(c))[name] for c in F]
            assert_same_array(ndgrad.curl(comps, 0.5, x, edge_order=edge_order), want, name)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
def test_curl_3d_is_composed_numpy(dtype: Any) -> None:
    F = field((6, 7, 8), dtype)
    h = (0.5, 0.25, 2.0)

    def d(c: int, a: int) -> np.ndarray:
        return numpy_gradient(F[c], h[a], axis=a)

    want = (d(2, 1) - d(1, 2), d(0, 2) - d(2, 0), d(1, 0) - d(0, 1))
    got = ndgrad.curl(F, *h)
    assert isinstance(got, tuple) and len(got) == 3
    for g, w in zip(got, want, strict=True):
        assert_same_array(g, w)
    out = tuple(np.empty((6, 7, 8), dtype=dtype, order="F") for _ in range(3))
    res = ndgrad.curl(np.stack(F), *h, out=out)
    assert all(r is o for r, o in zip(res, out, strict=True))
    for g, w in zip(out, want, strict=True):
        assert_same_array(g, w)


def test_curl_schemes_are_composed_ndgrad() -> None:
    F = field((10, 11, 12))
    kw: dict[str, Any] = dict(accuracy=6, boundary="periodic")

    def d(c: int, a: int) -> np.ndarray:
        return ndgrad.gradient(F[c], axis=a, **kw)  # type: ignore[no-any-return]

    want = (d(2, 1) - d(1, 2), d(0, 2) - d(2, 0), d(1, 0) - d(0, 1))
    for g, w in zip(ndgrad.curl(F, **kw), want, strict=True):
        assert_same_array(g, w)


def test_curl_of_a_rotation_is_two() -> None:
    x = np.arange(5.0)
    X, Y = np.meshgrid(x, x, indexing="ij")
    assert (ndgrad.curl([-Y, X]) == 2).all()
    Xm, Ym = np.meshgrid(x, x)
    assert (ndgrad.curl([-Ym, Xm], indexing="xy") == 2).all()


def test_curl_xy_3d_is_the_ij_curl_of_the_swapped_layout() -> None:
    F = field((6, 7, 8))  # "xy": axis 0 is y, axis 1 is x
    swapped = [np.swapaxes(c, 0, 1) for c in F]
    for g, w in zip(
        ndgrad.curl(F, 0.5, 0.25, 2.0, indexing="xy"),
        ndgrad.curl(swapped, 0.5, 0.25, 2.0),
        strict=True,
    ):
        assert_same_array(g, np.swapaxes(w, 0, 1))


# ------------------------------------------------------------ threads, out=


@pytest.mark.parametrize("op", ["magnitude", "laplacian", "divergence", "curl"])
def test_results_do_not_depend_on_workers_or_out(op: str) -> None:
    shape = (70, 80, 90)
    f = data(shape)
    arg: Any = f if op in ("magnitude", "laplacian") else field(shape)
    func = getattr(ndgrad, op)
    one = as_tuple(func(arg, 0.5, workers=1))
    for workers in (None, 2, -1):
        for a, b in zip(as_tuple(func(arg, 0.5, workers=workers)), one, strict=True):
            assert_same_array(a, b, f"workers={workers}")
    outs = tuple(np.full(shape, np.nan, order="F") for _ in one)
    res = func(arg, 0.5, out=outs[0] if len(outs) == 1 else outs)
    for a, b in zip(as_tuple(res), one, strict=True):
        assert_same_array(a, b, "out")
    assert as_tuple(res)[0] is outs[0]


# -------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("call", "exc", "message"),
    [
        (lambda: ndgrad.divergence([np.ones((3, 4))]), ValueError, "expected 2|need 2"),
        (lambda: ndgrad.divergence([np.ones((3, 4)), np.ones((4, 3))]), ValueError, "shape"),
        (
            lambda: ndgrad.divergence([np.ones((3, 4)), np.ones((3, 4), np.float32)]),
            TypeError,
            "dtype",
        ),
        (lambda: ndgrad.divergence(np.ones((3, 4, 5))), ValueError, "leading axis"),
        (lambda: ndgrad.divergence([]), ValueError, "at least one component"),
        (lambda: ndgrad.divergence(3.0), TypeError, "sequence of arrays"),
        (lambda: ndgrad.curl([np.ones(4)]), ValueError, "2-D and 3-D"),
        (lambda: ndgrad.curl([np.ones((2, 2, 2, 2))] * 4), ValueError, "2-D and 3-D"),
        (lambda: ndgrad.curl([np.ones((3, 1))] * 2), ValueError, "at least"),
        (lambda: ndgrad.curl([np.ones((4, 4))] * 2, indexing="yx"), ValueError, "indexing"),
        (lambda: ndgrad.laplacian(np.ones((4, 3))), ValueError, "needs at least 4"),
        (lambda: ndgrad.laplacian(np.ones(8), accuracy=None), TypeError, "accuracy"),
        (lambda: ndgrad.laplacian(np.ones(8), accuracy=3), ValueError, "accuracy"),
        (lambda: ndgrad.magnitude(np.ones((3, 3)), axis=()), ValueError, "at least one axis"),
        (lambda: ndgrad.magnitude(np.ones(3, dtype="M8[s]")), TypeError, "datetime64"),
        (lambda: ndgrad.magnitude(np.ones(3, dtype=object)), TypeError, "object"),
        (lambda: ndgrad.magnitude(np.ones(3), edge_order=3), ValueError, "edge_order"),
        (lambda: ndgrad.magnitude(np.ones(3), out=np.ones(4)), ValueError, "shape"),
        (lambda: ndgrad.magnitude(np.ones(3), out=np.ones(3, np.float32)), TypeError, "dtype"),
        (lambda: ndgrad.curl([np.ones((3, 3))] * 3), ValueError, "one component per axis"),
        (
            lambda: ndgrad.curl([np.ones((3, 3, 3))] * 3, out=np.ones((3, 3, 3))),
            ValueError,
            "expected 3, got 1",
        ),
        (lambda: ndgrad.magnitude(np.ones((3, 3)), 1.0, 2.0, 3.0), TypeError, "arguments"),
    ],
)
def test_bad_input_gets_a_clear_error(call: Callable[[], Any], exc: type, message: str) -> None:
    with pytest.raises(exc, match=message):
        call()


def test_inputs_are_not_modified() -> None:
    F = field((9, 10))
    before = [c.copy() for c in F]
    ndgrad.curl(F)
    ndgrad.divergence(F, accuracy=4)
    ndgrad.magnitude(F[0])
    ndgrad.laplacian(F[1], accuracy=8, boundary="periodic")
    for a, b in zip(F, before, strict=True):
        assert_same_array(a, b)
