"""One call model for every surface: ``axis=`` on ``divergence`` and ``curl``
(in memory, on Dask, through xarray), and errors that name the function the
user called.

The oracle for ``axis=`` is the composition the operators document: each
component differentiated along its axis by ``ndgrad.gradient`` with the same
arguments, combined in the documented order; every comparison is bit for
bit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import dask
import dask.array as da
import ndgrad
import ndgrad.dask
import ndgrad.xarray
import numpy as np
import pytest
import xarray as xr
from conftest import assert_same_array

RNG = np.random.default_rng(27)

SHAPE = (7, 6, 8, 5)
COORDS = [np.cumsum(RNG.uniform(0.5, 1.5, n)) for n in SHAPE]

SCHEMES: list[dict[str, Any]] = [
    {},
    {"edge_order": 2},
    {"accuracy": 4},
    {"accuracy": 2, "boundary": ["periodic", "one-sided", "periodic"]},
]


def spacing(axes: tuple[int, ...], kind: str) -> list[Any]:
    """Per component: coordinates, steps, or a mix."""
    if kind == "coords":
        return [COORDS[a] for a in axes]
    if kind == "steps":
        return [0.5 + a for a in axes]
    return [COORDS[a] if i % 2 else 0.25 for i, a in enumerate(axes)]


def per_component(kw: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """The keyword arguments of component i's ``gradient`` call."""
    out = []
    for i in range(count):
        one = {k: v for k, v in kw.items() if k not in ("boundary", "period")}
        if "boundary" in kw:
            one["boundary"] = kw["boundary"][i]
            one["period"] = kw["period"][i]
        out.append(one)
    return out


def fit(kw: dict[str, Any], x: list[Any]) -> dict[str, Any]:
    """``kw`` for spacings ``x``: per-axis boundaries cut to their number,
    and a period for each periodic axis with coordinates."""
    kw = {k: v[: len(x)] if isinstance(v, list) else v for k, v in kw.items()}
    if "boundary" in kw:
        kw["period"] = [
            40.0 if b == "periodic" and np.ndim(d) == 1 else None
            for b, d in zip(kw["boundary"], x, strict=True)
        ]
    return kw


def as_tuple(g: Any) -> tuple[np.ndarray, ...]:
    return (g,) if isinstance(g, np.ndarray) else tuple(g)


def composed_divergence(F: list[np.ndarray], axes: tuple[int, ...], x: list[Any], kw: Any) -> Any:
    kws = per_component(kw, len(F))
    terms = [ndgrad.gradient(F[i], x[i], axis=a, **kws[i]) for i, a in enumerate(axes)]
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def composed_curl(F: list[np.ndarray], axes: tuple[int, ...], x: list[Any], kw: Any) -> Any:
    kws = per_component(kw, len(F))

    def d(i: int, j: int) -> Any:
        """Component i along requested axis j."""
        return ndgrad.gradient(F[i], x[j], axis=axes[j], **kws[j])

    if len(F) == 2:
        return d(1, 0) - d(0, 1)
    return (d(2, 1) - d(1, 2), d(0, 2) - d(2, 0), d(1, 0) - d(0, 1))


def field(count: int, shape: tuple[int, ...] = SHAPE) -> list[np.ndarray]:
    return [RNG.standard_normal(shape) for _ in range(count)]


AXES = [(2, 0), (3, 1, 0), (-1, 2), (0, 1, 2)]


@pytest.mark.parametrize("axes", AXES, ids=str)
@pytest.mark.parametrize("kw", SCHEMES, ids=str)
@pytest.mark.parametrize("kind", ["coords", "steps", "mixed"])
def test_axis_is_the_composed_derivatives(axes: tuple[int, ...], kw: Any, kind: str) -> None:
    """divergence and curl along a subset of the axes, in any order, are the
    gradients of the components along those axes, combined."""
    F = field(len(axes))
    x = spacing(axes, kind)
    kw = fit(kw, x)
    got = ndgrad.divergence(F, *x, axis=axes, **kw)
    assert_same_array(got, composed_divergence(F, axes, x, kw))
    got_curl = ndgrad.curl(F, *x, axis=axes, **kw)
    want_curl = composed_curl(F, axes, x, kw)
    for got_c, want_c in zip(as_tuple(got_curl), as_tuple(want_curl), strict=True):
        assert_same_array(got_c, want_c)
    # One array with the components along its leading axis, and out=.
    out = np.empty(SHAPE)
    assert ndgrad.divergence(np.stack(F), *x, axis=axes, out=out, **kw) is out
    assert_same_array(out, got)


def test_axis_none_and_default_indexing_are_every_axis() -> None:
    F = field(3, SHAPE[:3])
    x = COORDS[:3]
    want = ndgrad.divergence(F, *x)
    assert_same_array(ndgrad.divergence(F, *x, axis=(0, 1, 2)), want)
    assert_same_array(ndgrad.divergence(F, *x, axis=None), want)
    # indexing="xy" is axis=(1, 0, 2).
    xy = (x[1], x[0], x[2])
    assert_same_array(
        ndgrad.divergence(F, *xy, indexing="xy"), ndgrad.divergence(F, *xy, axis=(1, 0, 2))
    )
    for got, want_c in zip(
        ndgrad.curl(F, *xy, indexing="xy"), ndgrad.curl(F, *xy, axis=(1, 0, 2)), strict=True
    ):
        assert_same_array(got, want_c)


def test_one_component_along_one_axis_is_the_gradient() -> None:
    (f,) = field(1)
    assert_same_array(
        ndgrad.divergence([f], COORDS[2], axis=2, accuracy=6),
        ndgrad.gradient(f, COORDS[2], axis=2, accuracy=6),
    )


AXIS_ERRORS: list[tuple[str, dict[str, Any], Any, str]] = [
    ("curl", {"axis": (0,)}, ValueError, r"2-D and 3-D fields \(2 or 3 axes\); got axis=\(0,\)"),
    ("curl", {"axis": (0, 1, 2, 3)}, ValueError, r"2 or 3 axes\); got axis=\(0, 1, 2, 3\)"),
    (
        "divergence",
        {"axis": (0, 1, 2)},
        ValueError,
        r"one component per axis: axis=.* need 3, got 2",
    ),
    ("divergence", {"axis": (0, 0)}, ValueError, r"repeated axis in axis=\(0, 0\)"),
    ("divergence", {"axis": (0, 4)}, np.exceptions.AxisError, r"axis 4 is out of bounds"),
    ("curl", {"axis": (1, 0), "indexing": "xy"}, ValueError, r"indexing='xy' is for axis=None"),
    ("curl", {"axis": (1, 0), "indexing": "yx"}, ValueError, r"indexing must be 'ij' or 'xy'"),
]


@pytest.mark.parametrize(("op", "kw", "exc", "message"), AXIS_ERRORS, ids=str)
def test_axis_errors_on_every_surface(op: str, kw: dict[str, Any], exc: Any, message: str) -> None:
    F = field(2, SHAPE)
    for module, F_ in ((ndgrad, F), (ndgrad.dask, [da.from_array(c, chunks=3) for c in F])):
        name = f"{module.__name__}.{op}"
        with pytest.raises(exc, match=message) as e:
            getattr(module, op)(F_, **kw)
        assert str(e.value).startswith(name), str(e.value)


def test_stacked_components_must_match_the_axes() -> None:
    F = np.stack(field(2, SHAPE))
    with pytest.raises(ValueError, match=r"ndgrad.curl of one array .* leading axis"):
        ndgrad.curl(F, axis=(0, 1, 2))
    with pytest.raises(ValueError, match=r"ndgrad.dask.curl of one array .* leading axis"):
        ndgrad.dask.curl(da.from_array(F), axis=(0, 1, 2))


# ------------------------------------------------------------------ Dask


CHUNKINGS = [2, 3, (7, 1, 3, 5)]


@pytest.mark.parametrize("axes", AXES, ids=str)
@pytest.mark.parametrize("kw", SCHEMES, ids=str)
def test_dask_axis_is_the_in_memory_result(axes: tuple[int, ...], kw: Any) -> None:
    F = field(len(axes))
    x = spacing(axes, "mixed")
    kw = fit(kw, x)
    want_div = ndgrad.divergence(F, *x, axis=axes, **kw)
    want_curl = ndgrad.curl(F, *x, axis=axes, **kw)
    lazy = []
    for chunks in CHUNKINGS:
        dF = [da.from_array(c, chunks=chunks) for c in F]
        lazy.append(ndgrad.dask.divergence(dF, *x, axis=axes, **kw))
        lazy.append(ndgrad.dask.curl(dF, *x, axis=axes, **kw))
    computed = dask.compute(*lazy, scheduler="sync")
    for i in range(len(CHUNKINGS)):
        assert_same_array(computed[2 * i], want_div)
        for g, w in zip(as_tuple(computed[2 * i + 1]), as_tuple(want_curl), strict=True):
            assert_same_array(g, w)


# ------------------------------------------------------------------ xarray


def test_xarray_divergence_and_curl_call_the_operator_with_the_axes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Components with more dimensions than coordinates: one call of the
    fused operator, with the axes of the coordinates' dimensions."""
    dims = ("t", "y", "x", "z")
    u, v, w = field(3)
    coords = {d: COORDS[i] for i, d in enumerate(dims)}
    ds = xr.Dataset({"u": (dims, u), "v": (dims, v), "w": (dims, w)}, coords=coords)
    seen: list[Any] = []
    for op in ("divergence", "curl"):
        real = getattr(ndgrad, op)

        def spy(*args: Any, _real: Callable[..., Any] = real, **kw: Any) -> Any:
            seen.append(kw["axis"])
            return _real(*args, **kw)

        monkeypatch.setattr(ndgrad, op, spy)
    x, y = COORDS[2], COORDS[1]
    div = ds.ndgrad.divergence({"x": "u", "y": "v"}, accuracy=4)
    assert_same_array(div.values, composed_divergence([u, v], (2, 1), [x, y], {"accuracy": 4}))
    curl = ds.ndgrad.curl({"x": "u", "z": "w", "t": "v"})
    want = composed_curl([u, w, v], (2, 3, 0), [x, COORDS[3], COORDS[0]], {})
    for got, want_c in zip(curl, want, strict=True):
        assert got.dims == dims
        assert_same_array(got.values, want_c)
    assert [list(a) for a in seen] == [[2, 1], [2, 3, 0]]
    # Dask-backed: the same bits, lazily.
    chunked = ds.chunk({"t": 3, "x": 5})
    lazy_div = chunked.ndgrad.divergence({"x": "u", "y": "v"}, accuracy=4)
    assert isinstance(lazy_div.data, da.Array)
    assert_same_array(lazy_div.values, div.values)


# --------------------------------------------------- errors name the caller


def cases() -> list[tuple[str, Callable[[], Any], Any, str]]:
    f = np.sin(np.arange(12.0))
    f2 = np.ones((6, 6))
    d = da.from_array(f, chunks=5)
    d2 = da.from_array(f2, chunks=4)
    out: list[tuple[str, Callable[[], Any], Any, str]] = []
    for m, a, a2 in ((ndgrad, f, f2), (ndgrad.dask, d, d2)):
        p = m.__name__
        out += [
            (f"{p}.gradient", lambda m=m, a=a: m.gradient(a, accuracy=3), ValueError, "accuracy"),
            (f"{p}.gradient", lambda m=m, a=a: m.gradient(a, accuracy="4"), TypeError, "accuracy"),
            (
                f"{p}.gradient",
                lambda m=m, a=a: m.gradient(a, accuracy=4, edge_order=2),
                ValueError,
                "edge_order must not be given",
            ),
            (f"{p}.derivative", lambda m=m, a=a: m.derivative(a, order=5), ValueError, "order"),
            (
                f"{p}.derivative",
                lambda m=m, a=a: m.derivative(a[:3], order=2, accuracy=4),
                ValueError,
                "needs at least",
            ),
            (
                f"{p}.derivative",
                lambda m=m, a=a: m.derivative(a, 0.0, order=2),
                ValueError,
                "finite and nonzero",
            ),
            (
                f"{p}.laplacian",
                lambda m=m, a=a: m.laplacian(a, boundary="wrap"),
                ValueError,
                "boundary must be",
            ),
            (
                f"{p}.laplacian",
                lambda m=m, a2=a2: m.laplacian(a2, boundary=["periodic"]),
                ValueError,
                "one value or one per axis",
            ),
            (
                f"{p}.magnitude",
                lambda m=m, a=a: m.magnitude(a, accuracy=4, period=12.0),
                ValueError,
                "a period is for a periodic axis",
            ),
            (
                f"{p}.magnitude",
                lambda m=m, a2=a2: m.magnitude(a2, axis=()),
                ValueError,
                "at least one axis",
            ),
            (
                f"{p}.magnitude",
                lambda m=m, a=a: m.magnitude(a, np.arange(12.0), boundary="periodic", period=5.0),
                ValueError,
                "period of axis 0 must be finite and greater than",
            ),
            (
                f"{p}.divergence",
                lambda m=m, a2=a2: m.divergence([a2, a2], accuracy=4, period=[1.0, None]),
                ValueError,
                "a period is for a periodic axis",
            ),
            (
                f"{p}.curl",
                lambda m=m, a2=a2: m.curl([a2, a2[:5]]),
                ValueError,
                "component 1 has shape",
            ),
            (
                f"{p}.curl",
                lambda m=m, a2=a2: m.curl([a2, a2], accuracy=6),
                ValueError,
                "needs at least",
            ),
        ]
    out += [
        ("ndgrad.magnitude", lambda: ndgrad.magnitude(f, workers=0), ValueError, "workers must"),
        ("ndgrad.gradient", lambda: ndgrad.gradient(f, workers=0), ValueError, "workers must"),
        (
            "ndgrad.gradient",
            lambda: ndgrad.gradient(f, out=np.empty(3)),
            ValueError,
            "out array has shape (3,)",
        ),
        (
            "ndgrad.derivative",
            lambda: ndgrad.derivative(f, order=2, out=np.empty(12, np.float32)),
            TypeError,
            "out array has dtype float32",
        ),
        (
            "ndgrad.curl",
            lambda: ndgrad.curl([f2, f2], out="nope"),
            TypeError,
            "out must be an ndarray or a tuple",
        ),
        (
            "ndgrad.set_output_cache",
            lambda: ndgrad.set_output_cache(-1),
            ValueError,
            "nbytes must be >= 0",
        ),
    ]
    return out


CASES = cases()


@pytest.mark.parametrize(
    ("name", "call", "exc", "message"), CASES, ids=[f"{c[0]} {c[3]}" for c in CASES]
)
def test_errors_name_the_function_called(
    name: str, call: Callable[[], Any], exc: Any, message: str
) -> None:
    with pytest.raises(exc, match=re.escape(message)) as e:
        call()
    assert str(e.value).startswith(f"{name}: ") or str(e.value).startswith(f"{name} "), str(e.value)


def test_numpys_call_keeps_numpys_messages() -> None:
    """On NumPy's path the messages are NumPy's own, word for word."""
    f = np.ones((4, 4))
    for call in (
        lambda: ndgrad.gradient(f, 1.0, 2.0, 3.0),
        lambda: ndgrad.dask.gradient(da.from_array(f), 1.0, 2.0, 3.0),
    ):
        with pytest.raises(TypeError) as e:
            call()
        assert str(e.value) == "invalid number of arguments"


def test_xarray_notes_which_axis_is_which_coordinate() -> None:
    bad = np.array([0.0, 1.0, 3.0, 2.0, 4.0, 5.0])
    arr = xr.DataArray(np.ones((5, 6)), dims=("y", "x"), coords={"x": bad}, name="f")
    with pytest.raises(ValueError, match=r"^ndgrad.gradient: coordinates of axis 1") as e:
        arr.ndgrad.differentiate("x", accuracy=4)
    assert e.value.__notes__ == ["(in differentiate of 'f', dims ('y', 'x'): axis 1 is 'x')"]
