"""Higher-order stencils: ``ndgrad.gradient(..., accuracy=k)`` and
``ndgrad.derivative(..., order=d)``.

The oracles are independent of ndgrad: ``schemes_ref`` (exact rationals,
Fornberg's recursion), NumPy's own ``gradient`` for the schemes that must
give its bits, and ``findiff`` for the weight tables and uniform-grid values.

The tests of ``schemes_ref`` itself (``test_ref_*``, ``test_findiff_*``)
need no ndgrad; every other test fails, never skips, while ndgrad lacks
``derivative`` or ``gradient(accuracy=...)``.
"""

from __future__ import annotations

import importlib
import inspect
import math
import re
import warnings
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import schemes_ref as ref
from numpy.lib._function_base_impl import gradient as numpy_gradient
from numpy.typing import NDArray

_ndgrad_module: Any = None
_IMPORT_ERROR: BaseException | None = None
try:
    _ndgrad_module = importlib.import_module("ndgrad")
except ImportError as e:  # the extension is not built: only the schemes_ref tests can run
    _IMPORT_ERROR = e

ORDERS = ref.ORDERS
ACCURACIES = ref.ACCURACIES
BOUNDARIES = ref.BOUNDARIES

# Rounding-error bound: |computed - exact| <= C * EPS[dtype] * sum_j |w_j f_j|,
# EPS being the unit roundoff of the output dtype (half its machine epsilon).
# C is larger with coordinates, whose weights are computed at run time.
ROUNDING_C_COORDS = 64
ROUNDING_C_UNIFORM = 16
EPS: dict[np.dtype[Any], float] = {
    np.dtype(np.float64): 2.0**-53,
    np.dtype(np.float32): 2.0**-24,
}
# findiff computes in float64 by another route: agreement to this, relative
# to sum_j |w_j f_j|.
FINDIFF_RTOL = 1e-12


def nd() -> Any:
    """The ndgrad module, failing the test if it lacks the feature."""
    if _ndgrad_module is None:
        pytest.fail(f"ndgrad cannot be imported: {_IMPORT_ERROR!r}")
    missing = []
    if not hasattr(_ndgrad_module, "derivative"):
        missing.append("ndgrad.derivative")
    if "accuracy" not in inspect.signature(_ndgrad_module.gradient).parameters:
        missing.append("the accuracy parameter of ndgrad.gradient")
    if missing:
        pytest.fail("not implemented yet: " + ", ".join(missing))
    return _ndgrad_module


# ---------------------------------------------------------------------------
# Data: small integers (exact in every float type) on dyadic coordinates.


def small_ints(rng: np.random.Generator, shape: int | tuple[int, ...]) -> NDArray[np.int64]:
    """Integers in -8..8 without 0: every |w_j f_j| is then at least |w_j|, so
    a weight that is 0 in exact arithmetic but computed as a tiny number still
    falls under the bound."""
    v = rng.integers(1, 9, size=shape)
    sign = rng.choice(np.array([-1, 1]), size=shape)
    out: NDArray[np.int64] = (v * sign).astype(np.int64)
    return out


def dyadic_coordinates(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    """Strictly increasing multiples of 1/8, gaps 1/8..1, starting near -2."""
    gaps = rng.integers(1, 9, size=n - 1) / 8
    start = rng.integers(-16, 1) / 8
    return np.concatenate([[start], start + np.cumsum(gaps)])


def dyadic_period(rng: np.random.Generator, x: NDArray[np.float64]) -> float:
    return float(x[-1] - x[0] + rng.integers(1, 9) / 8)


def fractions(a: Sequence[float] | NDArray[Any]) -> list[Fraction]:
    return [Fraction(float(v)) for v in a]


def sizes(d: int, k: int, boundary: str) -> list[int]:
    m = ref.min_samples(d, k, boundary)
    return [m, m + 1, 3 * m + 5]


def assert_within_bound(
    got: NDArray[Any],
    exact: Sequence[Fraction],
    scale: Sequence[Fraction],
    c: float,
    eps: float,
    what: str,
) -> None:
    """Every row of the 1-D ``got`` within ``c * eps * scale`` of ``exact``."""
    assert got.shape == (len(exact),), f"{what}: shape {got.shape}"
    bad = []
    for i, (g, e, s) in enumerate(zip(got.tolist(), exact, scale, strict=True)):
        if not math.isfinite(g) or abs(Fraction(g) - e) > Fraction(c) * Fraction(eps) * s:
            bad.append(f"row {i}: got {g!r}, exact {float(e)!r}, bound {float(c * eps * s):.3g}")
    assert not bad, f"{what}:\n" + "\n".join(bad[:10])


def rounding_c(coordinates: bool) -> int:
    return ROUNDING_C_COORDS if coordinates else ROUNDING_C_UNIFORM


def same_bits(got: Any, want: Any, what: str = "") -> None:
    """Same type, dtype, shape and bits (tuples element by element)."""
    assert type(got) is type(want), f"{what}: {type(got)} != {type(want)}"
    if isinstance(want, tuple):
        assert len(got) == len(want), what
        for j, (g, w) in enumerate(zip(got, want, strict=True)):
            same_bits(g, w, f"{what}[{j}]")
        return
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} != {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    if want.dtype.kind in "fc":
        parts = [(got.real, want.real), (got.imag, want.imag)] if want.dtype.kind == "c" else []
        for g, w in parts or [(got, want)]:
            g = np.ascontiguousarray(g)
            w = np.ascontiguousarray(w)
            np.testing.assert_array_equal(np.isnan(g), np.isnan(w), err_msg=what)
            ok = ~np.isnan(w)
            u = f"u{w.dtype.itemsize}"
            np.testing.assert_array_equal(g[ok].view(u), w[ok].view(u), err_msg=what)
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def quiet(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Calls ``func`` with NumPy's floating-point warnings silenced."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return func(*args, **kwargs)


# ---------------------------------------------------------------------------
# schemes_ref against the published tables and against findiff (no ndgrad).


@pytest.mark.parametrize("s", ref.SCHEMES, ids=lambda s: f"d{s.d}-k{s.k}-row{s.row}")
def test_ref_published_tables(s: ref.Scheme) -> None:
    if s.row is None:
        h = ref.half_width(s.d, s.k)
        n = 4 * ref.central_width(s.d, s.k)
        assert ref.window(s.d, s.k, n // 2, n) == range(n // 2 - h, n // 2 + h + 1)
        offsets = [Fraction(j) for j in range(-h, h + 1)]
        got = ref.fornberg(Fraction(0), offsets, s.d)
    else:
        w_o = ref.one_sided_width(s.d, s.k)
        assert len(s.numerators) == w_o
        assert ref.window(s.d, s.k, s.row, 3 * w_o) == range(0, w_o)
        got = ref.fornberg(Fraction(s.row), [Fraction(j) for j in range(w_o)], s.d)
    assert got == s.weights()


@pytest.mark.parametrize("d", ORDERS)
@pytest.mark.parametrize("k", ACCURACIES)
def test_ref_window_rule(d: int, k: int) -> None:
    w_c, w_o, h = ref.central_width(d, k), ref.one_sided_width(d, k), ref.half_width(d, k)
    assert w_c == 2 * ((d + 1) // 2) - 1 + k and w_c == 2 * h + 1
    assert w_o == k + d >= w_c
    for n in sizes(d, k, "one-sided"):
        for i in range(n):
            win = ref.window(d, k, i, n)
            if i < h:
                assert win == range(0, w_o)
            elif i > n - 1 - h:
                assert win == range(n - w_o, n)
            else:
                assert win == range(i - h, i + h + 1)
    with pytest.raises(ValueError, match=str(w_o)):
        ref.window(d, k, 0, w_o - 1)
    with pytest.raises(ValueError, match=str(w_c)):
        ref.periodic_window(d, k, 0, w_c - 1)


@pytest.mark.parametrize("d", ORDERS)
@pytest.mark.parametrize("k", ACCURACIES)
def test_ref_mirror_symmetry(d: int, k: int) -> None:
    """Right-end rows are the left-end rows mirrored (sign (-1)^d)."""
    n = 2 * ref.one_sided_width(d, k) + 3
    rows = ref.stencils(n, None, d, k)
    for i in range(n):
        mirrored = rows[n - 1 - i]
        assert tuple(n - 1 - j for j in reversed(mirrored.indices)) == rows[i].indices
        assert tuple((-1) ** d * w for w in reversed(mirrored.weights)) == rows[i].weights


def _poly(coefs: Sequence[int], x: Fraction, d: int = 0) -> Fraction:
    """The ``d``-th derivative at ``x`` of ``sum(coefs[m] * x**m)``."""
    total = Fraction(0)
    for m, a in enumerate(coefs):
        if m >= d:
            total += a * math.perm(m, d) * x ** (m - d)
    return total


@pytest.mark.parametrize("d", ORDERS)
@pytest.mark.parametrize("k", ACCURACIES)
def test_ref_exact_on_polynomials(d: int, k: int) -> None:
    """Degree k+d-1 is exact on uniform grids (the central window gains one
    degree by symmetry); degree w_c-1 on any grid."""
    rng = np.random.default_rng(100 * d + k)
    n = 2 * ref.one_sided_width(d, k) + 1
    uniform_deg = k + d - 1
    coords_deg = ref.central_width(d, k) - 1
    step = Fraction(1, 4)
    for deg, x in [
        (uniform_deg, [Fraction(-1) + j * step for j in range(n)]),
        (coords_deg, fractions(dyadic_coordinates(rng, n))),
    ]:
        coefs = [int(a) for a in rng.integers(-3, 4, size=deg + 1)]
        f = [_poly(coefs, xi) for xi in x]
        want = [_poly(coefs, xi, d) for xi in x]
        spacing: ref.Spacing = step if x[1] - x[0] == x[2] - x[1] == step else x
        assert ref.exact_derivative(f, spacing, d, k) == want
        # The same with the coordinates given one by one.
        assert ref.exact_derivative(f, x, d, k) == want


@pytest.mark.parametrize("d", ORDERS)
@pytest.mark.parametrize("k", ACCURACIES)
def test_ref_periodic_step_is_coordinates_with_period(d: int, k: int) -> None:
    """A step axis is the coordinate axis j*h with period n*h; a periodic
    window on ghost coordinates equals the one on the unrolled axis."""
    rng = np.random.default_rng(7 * d + k)
    n = ref.central_width(d, k) + 2
    h = Fraction(1, 2)
    f = [int(v) for v in small_ints(rng, n)]
    x = [j * h for j in range(n)]
    by_step = ref.exact_derivative(f, h, d, k, "periodic")
    assert by_step == ref.exact_derivative(f, x, d, k, "periodic", n * h)
    # Unrolled: three periods laid end to end, the middle one's interior rows.
    x3 = [xj + m * n * h for m in (-1, 0, 1) for xj in x]
    f3 = f * 3
    rows3 = ref.stencils(3 * n, x3, d, k)
    for i in range(n):
        r = rows3[n + i]
        assert r.indices == tuple(
            range(n + i - ref.half_width(d, k), n + i + ref.half_width(d, k) + 1)
        )
        assert sum(w * f3[j] for j, w in zip(r.indices, r.weights, strict=True)) == by_step[i]


def test_ref_rejects_bad_input() -> None:
    x = [Fraction(j) for j in range(8)]
    with pytest.raises(ValueError, match="distinct"):
        ref.fornberg(Fraction(0), [Fraction(0), Fraction(1), Fraction(1)], 1)
    with pytest.raises(ValueError, match="monotonic"):
        ref.exact_derivative([1] * 8, [*x[:3], x[2], *x[4:]], 1, 4)
    with pytest.raises(ValueError, match="period"):
        ref.exact_derivative([1] * 8, x, 1, 4, "periodic")
    with pytest.raises(ValueError, match="period"):
        ref.exact_derivative([1] * 8, x, 1, 4, "periodic", 7)
    with pytest.raises(ValueError, match="period"):
        ref.exact_derivative([1] * 8, Fraction(1), 1, 4, "periodic", 8)
    with pytest.raises(ValueError, match="accuracy"):
        ref.central_width(1, 3)
    with pytest.raises(ValueError, match="order"):
        ref.one_sided_width(5, 2)


def _findiff_weights(d: int, offsets: list[int]) -> list[Fraction]:
    import findiff

    got = findiff.coefficients(deriv=d, offsets=offsets, symbolic=True)
    assert [int(o) for o in got["offsets"]] == offsets
    return [Fraction(str(c)) for c in got["coefficients"]]


@pytest.mark.parametrize("d", ORDERS)
@pytest.mark.parametrize("k", ACCURACIES)
def test_findiff_symbolic_weights(d: int, k: int) -> None:
    """Central and one-sided (every edge row, both ends) weights are findiff's
    exact ones for the same offsets."""
    h = ref.half_width(d, k)
    w_o = ref.one_sided_width(d, k)
    n = 2 * w_o + 1
    rows = ref.stencils(n, None, d, k)
    central = rows[n // 2]
    assert _findiff_weights(d, list(range(-h, h + 1))) == list(central.weights)
    for i in [*range(h), *range(n - h, n)]:
        offsets = [j - i for j in rows[i].indices]
        assert _findiff_weights(d, offsets) == list(rows[i].weights), f"row {i}"
    # findiff's own one-sided scheme of this accuracy is the row-0 window.
    import findiff

    table = findiff.coefficients(deriv=d, acc=k, symbolic=True)
    assert [int(o) for o in table["forward"]["offsets"]] == list(range(w_o))
    assert [Fraction(str(c)) for c in table["forward"]["coefficients"]] == list(rows[0].weights)
    assert [Fraction(str(c)) for c in table["center"]["coefficients"]] == list(central.weights)


# ---------------------------------------------------------------------------
# 1. Exact values: small integers, dyadic coordinates or steps.

SPACINGS = ["coordinates", "h=0.5", "h=0.25", "unit"]


def _axis_spacing(
    kind: str, rng: np.random.Generator, n: int, boundary: str
) -> tuple[tuple[Any, ...], ref.Spacing, dict[str, Any], Fraction | None]:
    """(varargs, the reference's spacing, extra kwargs, the reference's period)."""
    if kind == "coordinates":
        x = dyadic_coordinates(rng, n)
        if boundary == "periodic":
            p = dyadic_period(rng, x)
            return (x,), fractions(x), {"period": p}, Fraction(p)
        return (x,), fractions(x), {}, None
    if kind == "unit":
        return (), None, {}, None
    h = float(kind.removeprefix("h="))
    return (h,), Fraction(h), {}, None


@pytest.mark.parametrize("spacing", SPACINGS)
@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("k", ACCURACIES)
@pytest.mark.parametrize("d", ORDERS)
def test_exact_values_1d(d: int, k: int, boundary: str, spacing: str) -> None:
    ndgrad = nd()
    rng = np.random.default_rng([d, k, len(boundary), len(spacing)])
    for n in sizes(d, k, boundary):
        f = small_ints(rng, n).astype(np.float64)
        varargs, rspacing, kwargs, period = _axis_spacing(spacing, rng, n, boundary)
        got = ndgrad.derivative(f, *varargs, order=d, accuracy=k, boundary=boundary, **kwargs)
        assert isinstance(got, np.ndarray) and got.dtype == np.float64
        exact = ref.exact_derivative(fractions(f), rspacing, d, k, boundary, period)
        scale = ref.abs_sum(fractions(f), rspacing, d, k, boundary, period)
        c = rounding_c(spacing == "coordinates")
        what = f"derivative(order={d}, accuracy={k}, {boundary}, {spacing}, n={n})"
        assert_within_bound(got, exact, scale, c, EPS[got.dtype], what)
        if d == 1:
            grad = ndgrad.gradient(f, *varargs, accuracy=k, boundary=boundary, **kwargs)
            same_bits(grad, got, f"gradient vs {what}")


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("k", [2, 4, 8])
@pytest.mark.parametrize("d", ORDERS)
@pytest.mark.parametrize("axis", [0, 1])
def test_exact_values_2d(axis: int, d: int, k: int, boundary: str) -> None:
    """Along each axis of a 2-D array, C and Fortran order, one axis or both."""
    ndgrad = nd()
    rng = np.random.default_rng([axis, d, k, len(boundary)])
    m = ref.min_samples(d, k, boundary)
    shape = [m + 2, m + 2]
    shape[axis] = 2 * m + 3
    f = small_ints(rng, tuple(shape)).astype(np.float64)
    x = dyadic_coordinates(rng, shape[axis])
    kwargs: dict[str, Any] = {"order": d, "accuracy": k, "boundary": boundary}
    period: Fraction | None = None
    if boundary == "periodic":
        p = dyadic_period(rng, x)
        kwargs["period"] = p
        period = Fraction(p)
    for data in (f, np.asfortranarray(f)):
        got = ndgrad.derivative(data, x, axis=axis, **kwargs)
        assert isinstance(got, np.ndarray) and got.shape == f.shape
        for line in range(f.shape[1 - axis]):
            fl = np.take(f, line, axis=1 - axis)
            gl = np.take(got, line, axis=1 - axis)
            exact = ref.exact_derivative(fractions(fl), fractions(x), d, k, boundary, period)
            scale = ref.abs_sum(fractions(fl), fractions(x), d, k, boundary, period)
            assert_within_bound(gl, exact, scale, ROUNDING_C_COORDS, EPS[gl.dtype], f"line {line}")
    # Both axes at once: the coordinate axis and a step axis.
    steps: list[Any] = [0.5, 0.5]
    steps[axis] = x
    both_kwargs = dict(kwargs)
    if boundary == "periodic":
        periods: list[float | None] = [None, None]
        periods[axis] = kwargs["period"]
        both_kwargs["period"] = periods
    both = ndgrad.derivative(f, *steps, **both_kwargs)
    assert isinstance(both, tuple) and len(both) == 2
    same_bits(both[axis], ndgrad.derivative(f, x, axis=axis, **kwargs), "tuple vs single axis")
    other = ndgrad.derivative(f, 0.5, axis=1 - axis, order=d, accuracy=k, boundary=boundary)
    same_bits(both[1 - axis], other, "tuple vs single step axis")


@pytest.mark.parametrize("coord_dtype", [np.float64, np.float32, None])
@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("d", ORDERS)
def test_exact_values_float32(d: int, boundary: str, coord_dtype: Any) -> None:
    ndgrad = nd()
    rng = np.random.default_rng([d, len(boundary), 32])
    for k in (4, 8):
        n = 2 * ref.min_samples(d, k, boundary) + 1
        f = small_ints(rng, n).astype(np.float32)
        kwargs: dict[str, Any] = {"order": d, "accuracy": k, "boundary": boundary}
        period: Fraction | None = None
        if coord_dtype is None:
            varargs: tuple[Any, ...] = (0.25,)
            spacing: ref.Spacing = Fraction(1, 4)
        else:
            x = dyadic_coordinates(rng, n).astype(coord_dtype)
            varargs, spacing = (x,), fractions(x)
            if boundary == "periodic":
                p = dyadic_period(rng, x.astype(np.float64))
                kwargs["period"] = p
                period = Fraction(p)
        got = ndgrad.derivative(f, *varargs, **kwargs)
        assert got.dtype == np.float32
        exact = ref.exact_derivative(fractions(f), spacing, d, k, boundary, period)
        scale = ref.abs_sum(fractions(f), spacing, d, k, boundary, period)
        c = rounding_c(coord_dtype is not None)
        assert_within_bound(got, exact, scale, c, EPS[got.dtype], f"f32 k={k}")


def test_decreasing_coordinates() -> None:
    ndgrad = nd()
    rng = np.random.default_rng(5)
    for d, k in [(1, 4), (2, 6), (3, 8), (4, 2)]:
        n = 2 * ref.one_sided_width(d, k) + 1
        x = -dyadic_coordinates(rng, n)
        f = small_ints(rng, n).astype(np.float64)
        got = ndgrad.derivative(f, x, order=d, accuracy=k)
        exact = ref.exact_derivative(fractions(f), fractions(x), d, k)
        scale = ref.abs_sum(fractions(f), fractions(x), d, k)
        assert_within_bound(got, exact, scale, ROUNDING_C_COORDS, EPS[got.dtype], f"d={d} k={k}")


# ---------------------------------------------------------------------------
# 2. Polynomials are differentiated exactly (to rounding) at every row.


@pytest.mark.parametrize("coordinates", [False, True], ids=["uniform", "coordinates"])
@pytest.mark.parametrize("k", ACCURACIES)
@pytest.mark.parametrize("d", ORDERS)
def test_polynomials_exact(d: int, k: int, coordinates: bool) -> None:
    """Degree k+d-1 on a uniform grid, w_c-1 (what every row's window
    reproduces) on coordinates. The samples p(x_j) are rounded to float64; the
    bound adds that input error, propagated exactly."""
    ndgrad = nd()
    rng = np.random.default_rng([d, k, int(coordinates)])
    n = 3 * ref.one_sided_width(d, k) + 5
    if coordinates:
        deg = ref.central_width(d, k) - 1
        xf = dyadic_coordinates(rng, n) / 4
        varargs: tuple[Any, ...] = (xf,)
        spacing: ref.Spacing = fractions(xf)
        x = fractions(xf)
    else:
        deg = k + d - 1
        step = Fraction(1, 8)
        x = [Fraction(-5, 8) + j * step for j in range(n)]
        varargs, spacing = (float(step),), step
    coefs = [int(a) for a in rng.integers(-3, 4, size=deg + 1)]
    coefs[-1] = 1 if coefs[-1] == 0 else coefs[-1]
    f = np.array([float(_poly(coefs, xi)) for xi in x])
    got = ndgrad.derivative(f, *varargs, order=d, accuracy=k)
    want = [_poly(coefs, xi, d) for xi in x]
    stencil_of_rounded = ref.exact_derivative(fractions(f), spacing, d, k)
    scale = ref.abs_sum(fractions(f), spacing, d, k)
    eps = Fraction(EPS[np.dtype(np.float64)]) * rounding_c(coordinates)
    for i, g in enumerate(got.tolist()):
        bound = eps * scale[i] + abs(stencil_of_rounded[i] - want[i])
        assert abs(Fraction(g) - want[i]) <= bound, f"row {i}: {g!r} vs {float(want[i])!r}"


# ---------------------------------------------------------------------------
# 3. Convergence: the observed order is the accuracy.

# (d, k) -> (n1, n2, minimum rate at the edge rows, minimum rate in the
# interior), exp(x) on [0, 2]. Rounding grows like eps / h^d while the
# truncation error falls like h^k, so the high orders are measured on coarse,
# slightly pre-asymptotic grids: the rate is k - 0.5 except where noted.
ONE_SIDED_CONVERGENCE: dict[tuple[int, int], tuple[int, int, float, float]] = {
    **{(d, 2): (33, 65, 1.5, 1.5) for d in ORDERS},
    **{(d, 4): (33, 65, 3.5, 3.5) for d in ORDERS},
    (1, 6): (25, 49, 5.5, 5.5),
    (2, 6): (25, 49, 5.5, 5.5),
    (3, 6): (17, 33, 5.5, 5.5),
    (4, 6): (13, 25, 5.25, 5.25),
    (1, 8): (17, 33, 7.5, 7.5),
    (2, 8): (16, 31, 7.0, 7.0),
    (3, 8): (13, 25, 7.2, 7.0),
    # The interior's central stencil is so accurate that rounding (~1e-10
    # here) is reached before the rate can be seen: it must only fall clearly.
    (4, 8): (13, 25, 7.5, 3.0),
}


def _rate(e1: float, e2: float, h1: float, h2: float) -> float:
    return math.log(e1 / e2) / math.log(h1 / h2)


@pytest.mark.parametrize("k", ACCURACIES)
@pytest.mark.parametrize("d", ORDERS)
def test_convergence_one_sided(d: int, k: int) -> None:
    ndgrad = nd()
    n1, n2, edge_rate, interior_rate = ONE_SIDED_CONVERGENCE[(d, k)]
    errors: dict[str, list[float]] = {"edges": [], "interior": []}
    steps = []
    for n in (n1, n2):
        h = 2.0 / (n - 1)
        x = np.linspace(0.0, 2.0, n)
        got = ndgrad.derivative(np.exp(x), h, order=d, accuracy=k)
        err = np.abs(got - np.exp(x))
        hw = ref.half_width(d, k)
        errors["edges"].append(float(max(err[:hw].max(), err[n - hw :].max())))
        errors["interior"].append(float(err[hw : n - hw].max()))
        steps.append(h)
    for where, minimum in (("edges", edge_rate), ("interior", interior_rate)):
        e1, e2 = errors[where]
        rate = _rate(e1, e2, steps[0], steps[1])
        assert rate >= minimum, f"{where}: errors {e1:.3g} -> {e2:.3g}, rate {rate:.2f}"


# exp(sin x) on [0, 2*pi): the samples per period for each accuracy.
PERIODIC_N: dict[int, tuple[int, int]] = {2: (32, 64), 4: (32, 64), 6: (48, 96), 8: (48, 96)}


def _exp_sin_derivative(x: NDArray[np.float64], d: int) -> NDArray[np.float64]:
    s, c = np.sin(x), np.cos(x)
    poly = {
        1: c,
        2: c**2 - s,
        3: c**3 - 3 * s * c - c,
        4: c**4 - 6 * s * c**2 - 4 * c**2 + 3 * s**2 + s,
    }[d]
    out: NDArray[np.float64] = poly * np.exp(s)
    return out


@pytest.mark.parametrize("coordinates", [False, True], ids=["step", "coordinates"])
@pytest.mark.parametrize("k", ACCURACIES)
@pytest.mark.parametrize("d", ORDERS)
def test_convergence_periodic(d: int, k: int, coordinates: bool) -> None:
    ndgrad = nd()
    errors, steps = [], []
    for n in PERIODIC_N[k]:
        h = 2 * math.pi / n
        x = np.arange(n, dtype=np.float64) * h
        if coordinates:
            got = ndgrad.derivative(
                np.exp(np.sin(x)), x, order=d, accuracy=k, boundary="periodic", period=2 * math.pi
            )
        else:
            got = ndgrad.derivative(np.exp(np.sin(x)), h, order=d, accuracy=k, boundary="periodic")
        errors.append(float(np.abs(got - _exp_sin_derivative(x, d)).max()))
        steps.append(h)
    rate = _rate(errors[0], errors[1], steps[0], steps[1])
    assert rate >= k - 0.5, f"errors {errors}, rate {rate:.2f}"


# ---------------------------------------------------------------------------
# 4. NumPy's bits where the spec says so.

DATA_DTYPES = [np.float64, np.float32, np.float16, np.int64, np.int16, np.uint8, np.complex128]
COORD_DTYPES = [np.float64, np.float32, np.int64]


def _data(rng: np.random.Generator, shape: tuple[int, ...], dtype: Any) -> NDArray[Any]:
    if np.dtype(dtype).kind in "iu":
        return rng.integers(0, 100, size=shape).astype(dtype)
    if np.dtype(dtype).kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def _coords(rng: np.random.Generator, n: int, dtype: Any) -> NDArray[Any]:
    if np.dtype(dtype).kind in "iu":
        return np.cumsum(rng.integers(1, 5, size=n)).astype(dtype)
    return np.cumsum(rng.uniform(0.1, 1.0, size=n)).astype(dtype)


def _spacings(
    rng: np.random.Generator, shape: tuple[int, ...]
) -> list[tuple[str, tuple[Any, ...]]]:
    out: list[tuple[str, tuple[Any, ...]]] = [("unit", ()), ("step", (0.3,)), ("int step", (2,))]
    for cd in COORD_DTYPES:
        out.append((f"coords {np.dtype(cd)}", tuple(_coords(rng, n, cd) for n in shape)))
    out.append(("mixed", (0.5, _coords(rng, shape[1], np.float64))))
    return out


@pytest.mark.parametrize("dtype", DATA_DTYPES, ids=lambda t: np.dtype(t).name)
def test_accuracy_none_is_numpy(dtype: Any) -> None:
    ndgrad = nd()
    rng = np.random.default_rng(1)
    f = _data(rng, (6, 7), dtype)
    for name, varargs in _spacings(rng, f.shape):
        for kwargs in ({}, {"edge_order": 1}, {"edge_order": 2}, {"axis": 1}):
            va = varargs[1:] if "axis" in kwargs and len(varargs) == 2 else varargs
            want = quiet(numpy_gradient, f, *va, **kwargs)
            got = quiet(ndgrad.gradient, f, *va, accuracy=None, **kwargs)
            same_bits(got, want, f"{name} {kwargs}")
            same_bits(quiet(ndgrad.gradient, f, *va, **kwargs), want, f"{name} {kwargs}")


@pytest.mark.parametrize("dtype", DATA_DTYPES, ids=lambda t: np.dtype(t).name)
def test_accuracy_2_is_numpy_edge_order_2(dtype: Any) -> None:
    ndgrad = nd()
    rng = np.random.default_rng(2)
    f = _data(rng, (5, 8), dtype)
    for name, varargs in _spacings(rng, f.shape):
        want = quiet(numpy_gradient, f, *varargs, edge_order=2)
        same_bits(quiet(ndgrad.gradient, f, *varargs, accuracy=2), want, name)
        d1 = quiet(ndgrad.derivative, f, *varargs, order=1, accuracy=2)
        same_bits(d1, want, f"derivative {name}")
        d1 = quiet(ndgrad.derivative, f, *varargs, order=1)  # accuracy defaults to 2
        same_bits(d1, want, f"derivative default accuracy {name}")


def _wrap_padded_gradient(
    f: NDArray[Any], spacing: Any, axis: int, period: Any, edge_order: Any
) -> NDArray[Any]:
    """numpy.gradient of the array wrap-padded by one sample, trimmed."""
    pad = [(0, 0)] * f.ndim
    pad[axis] = (1, 1)
    fp = np.pad(f, pad, mode="wrap")
    if isinstance(spacing, np.ndarray):
        spacing = np.array([spacing[-1] - period, *spacing, spacing[0] + period])
    g = numpy_gradient(fp, spacing, axis=axis, edge_order=edge_order)
    return np.take(g, np.arange(1, f.shape[axis] + 1), axis=axis)


@pytest.mark.parametrize("accuracy", [None, 2])
@pytest.mark.parametrize("dtype", DATA_DTYPES, ids=lambda t: np.dtype(t).name)
def test_periodic_low_accuracy_is_numpy_of_padded(dtype: Any, accuracy: int | None) -> None:
    ndgrad = nd()
    rng = np.random.default_rng(3)
    f = _data(rng, (5, 6), dtype)
    cases: list[tuple[str, Any, Any]] = [
        ("unit", None, None),
        ("step", 0.4, None),
        ("int step", 3, None),
    ]
    for cd in COORD_DTYPES:
        x = _coords(rng, 6, cd)
        period = x[-1] - x[0] + (3 if np.dtype(cd).kind == "i" else 0.7)
        cases.append((f"coords {np.dtype(cd)}", x, period))
        uniform = (np.arange(6) * 2 + 1).astype(cd)
        cases.append((f"uniform coords {np.dtype(cd)}", uniform, uniform[-1] - uniform[0] + 2))
    for name, spacing, period in cases:
        va = () if spacing is None else (spacing,)
        extra = {} if period is None else {"period": period}
        want = quiet(_wrap_padded_gradient, f, 1.0 if spacing is None else spacing, 1, period, 1)
        got = quiet(
            ndgrad.gradient, f, *va, axis=1, accuracy=accuracy, boundary="periodic", **extra
        )
        same_bits(got, want, f"{name} accuracy={accuracy}")
        if accuracy is not None:
            d1 = quiet(ndgrad.derivative, f, *va, axis=1, order=1, boundary="periodic", **extra)
            same_bits(d1, want, f"derivative {name}")


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("k", ACCURACIES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32, np.complex64])
def test_derivative_order_1_is_gradient(dtype: Any, k: int, boundary: str) -> None:
    ndgrad = nd()
    rng = np.random.default_rng(4)
    f = _data(rng, (11, 12), dtype)
    x0 = _coords(rng, 11, np.float64)
    kwargs: dict[str, Any] = {"accuracy": k, "boundary": boundary}
    if boundary == "periodic":
        kwargs["period"] = [x0[-1] - x0[0] + 0.5, None]
    g = ndgrad.gradient(f, x0, 0.25, **kwargs)
    assert isinstance(g, tuple) and len(g) == 2
    same_bits(ndgrad.derivative(f, x0, 0.25, order=1, **kwargs), g)
    single = ndgrad.gradient(f, 0.25, axis=-1, accuracy=k, boundary=boundary)
    assert isinstance(single, np.ndarray)
    same_bits(single, g[1], "axis=-1")
    same_bits(ndgrad.derivative(f, 0.25, axis=1, order=1, accuracy=k, boundary=boundary), single)
    # workers changes no bit.
    for workers in (1, 2):
        same_bits(ndgrad.gradient(f, x0, 0.25, workers=workers, **kwargs), g, f"workers={workers}")


def test_boundary_and_period_per_axis() -> None:
    """A sequence of boundaries (and periods, None for step axes) is the same
    as one call per axis."""
    ndgrad = nd()
    rng = np.random.default_rng(6)
    f = _data(rng, (9, 10, 11), np.float64)
    x0 = _coords(rng, 9, np.float64)
    p0 = float(x0[-1] - x0[0] + 0.3)
    for d, k in [(1, 4), (2, 6), (3, 2), (4, 4)]:
        got = ndgrad.derivative(
            f,
            x0,
            0.5,
            axis=(0, 2),
            order=d,
            accuracy=k,
            boundary=("periodic", "one-sided"),
            period=(p0, None),
        )
        assert isinstance(got, tuple) and len(got) == 2
        a0 = ndgrad.derivative(f, x0, axis=0, order=d, accuracy=k, boundary="periodic", period=p0)
        a2 = ndgrad.derivative(f, 0.5, axis=2, order=d, accuracy=k)
        same_bits(got, (a0, a2), f"d={d} k={k}")
        both_periodic = ndgrad.derivative(
            f, 0.5, axis=(1, 2), order=d, accuracy=k, boundary="periodic"
        )
        b1 = ndgrad.derivative(f, 0.5, axis=1, order=d, accuracy=k, boundary="periodic")
        b2 = ndgrad.derivative(f, 0.5, axis=2, order=d, accuracy=k, boundary="periodic")
        same_bits(both_periodic, (b1, b2))


@pytest.mark.parametrize("k", [2, 4, 8])
def test_out(k: int) -> None:
    ndgrad = nd()
    rng = np.random.default_rng(8)
    f = _data(rng, (12, 13), np.float32)
    want = ndgrad.gradient(f, 0.5, accuracy=k)
    outs = (np.full(f.shape, np.nan, np.float32), np.full(f.shape, np.nan, np.float32))
    got = ndgrad.gradient(f, 0.5, accuracy=k, out=outs)
    assert isinstance(got, tuple) and got[0] is outs[0] and got[1] is outs[1]
    same_bits(got, want)
    one = np.full(f.shape, np.nan, np.float32)
    res = ndgrad.derivative(f, 0.5, axis=0, order=3, accuracy=k, boundary="periodic", out=one)
    assert res is one
    same_bits(one, ndgrad.derivative(f, 0.5, axis=0, order=3, accuracy=k, boundary="periodic"))
    # A strided view as out.
    big = np.zeros((12, 26), np.float32)
    view = big[:, ::2]
    res = ndgrad.derivative(f, 0.5, axis=1, order=2, accuracy=k, out=view)
    same_bits(np.ascontiguousarray(view), ndgrad.derivative(f, 0.5, axis=1, order=2, accuracy=k))
    assert not big[:, 1::2].any()


# ---------------------------------------------------------------------------
# 5. dtypes.


@pytest.mark.parametrize(
    "dtype",
    [np.float64, np.float32, np.float16, np.int8, np.int64, np.uint16, np.complex64, np.complex128],
    ids=lambda t: np.dtype(t).name,
)
def test_output_dtype_is_numpys(dtype: Any) -> None:
    ndgrad = nd()
    rng = np.random.default_rng(9)
    f = _data(rng, (14,), dtype)
    x = _coords(rng, 14, np.float64)
    cases: list[tuple[Any, ...]] = [(), (0.5,), (x,), (x.astype(np.float32),), (np.arange(14),)]
    for varargs in cases:
        want = quiet(numpy_gradient, f, *varargs).dtype
        for d, k in [(1, 4), (2, 2), (3, 8), (4, 6)]:
            for boundary in BOUNDARIES:
                extra = (
                    {"period": float(varargs[0][-1] - varargs[0][0]) + 1}
                    if boundary == "periodic" and varargs and np.ndim(varargs[0]) == 1
                    else {}
                )
                got = quiet(
                    ndgrad.derivative, f, *varargs, order=d, accuracy=k, boundary=boundary, **extra
                )
                assert got.dtype == want, f"{varargs!r} d={d} k={k} {boundary}"
                if d == 1:
                    g = quiet(ndgrad.gradient, f, *varargs, accuracy=k, boundary=boundary, **extra)
                    assert g.dtype == want


def test_complex_is_real_and_imaginary_parts() -> None:
    ndgrad = nd()
    rng = np.random.default_rng(10)
    x = dyadic_coordinates(rng, 17)
    re, im = small_ints(rng, 17).astype(np.float64), small_ints(rng, 17).astype(np.float64)
    for d, k in [(1, 4), (2, 8), (4, 2)]:
        got = ndgrad.derivative(re + 1j * im, x, order=d, accuracy=k)
        assert got.dtype == np.complex128
        for part, data in ((got.real, re), (got.imag, im)):
            exact = ref.exact_derivative(fractions(data), fractions(x), d, k)
            scale = ref.abs_sum(fractions(data), fractions(x), d, k)
            assert_within_bound(
                np.ascontiguousarray(part), exact, scale, ROUNDING_C_COORDS, EPS[part.dtype], "c"
            )


def test_float16_values_close() -> None:
    ndgrad = nd()
    x = np.linspace(0.0, 1.0, 21)
    f = np.sin(x).astype(np.float16)
    got = ndgrad.derivative(f, 0.05, order=1, accuracy=6)
    assert got.dtype == np.float16
    # The same samples in float64, then rounded: within a few float16 ulps.
    want = ndgrad.derivative(f.astype(np.float64), 0.05, order=1, accuracy=6)
    np.testing.assert_allclose(got.astype(np.float64), want, rtol=2.0**-9, atol=2.0**-9)


@pytest.mark.parametrize("dtype", ["m8[s]", "M8[s]"])
def test_datetime_data_rejected_by_new_schemes(dtype: str) -> None:
    ndgrad = nd()
    f = np.arange(12).astype(dtype)
    with pytest.raises((TypeError, ValueError)):
        ndgrad.gradient(f, accuracy=4)
    with pytest.raises((TypeError, ValueError)):
        ndgrad.derivative(f, order=2)
    # accuracy=None stays numpy.gradient.
    same_bits(ndgrad.gradient(f), numpy_gradient(f))


# ---------------------------------------------------------------------------
# 6. Errors: the class, and a message naming what was expected and got.


def mentions(*words: str) -> str:
    """A regex matching a message containing every word (numbers not embedded
    in longer numbers), in any order, case-insensitively."""
    parts = []
    for w in words:
        esc = re.escape(w)
        if re.fullmatch(r"-?[0-9.]+", w):
            esc = rf"(?<![0-9.]){esc}(?![0-9])"
        parts.append(f"(?=.*{esc})")
    return "(?is)" + "".join(parts)


F1 = np.arange(20.0)
# Words any message about bad coordinates has.
REPEATED = r"(?i)monoton|increas|decreas|distinct|repeat|duplicat|unique|sorted|equal"
UNSORTED = r"(?i)monoton|increas|decreas|sorted|order"
X1 = np.cumsum(np.full(20, 0.5))

ERRORS: list[tuple[str, str, tuple[Any, ...], dict[str, Any], Any, str]] = [
    # (name, function, varargs, kwargs, exception, regex)
    ("accuracy 3", "gradient", (), {"accuracy": 3}, ValueError, mentions("accuracy", "3")),
    ("accuracy 10", "gradient", (), {"accuracy": 10}, ValueError, mentions("accuracy", "10")),
    ("accuracy 0", "gradient", (), {"accuracy": 0}, ValueError, mentions("accuracy", "0")),
    (
        "accuracy 1",
        "derivative",
        (),
        {"order": 1, "accuracy": 1},
        ValueError,
        mentions("accuracy", "1"),
    ),
    ("accuracy -2", "gradient", (), {"accuracy": -2}, ValueError, mentions("accuracy", "-2")),
    (
        "derivative accuracy 3",
        "derivative",
        (),
        {"order": 2, "accuracy": 3},
        ValueError,
        mentions("accuracy", "3"),
    ),
    ("order 0", "derivative", (), {"order": 0}, ValueError, mentions("order", "0")),
    ("order 5", "derivative", (), {"order": 5, "accuracy": 2}, ValueError, mentions("order", "5")),
    (
        "boundary string",
        "gradient",
        (),
        {"accuracy": 4, "boundary": "reflect"},
        ValueError,
        mentions("boundary", "reflect"),
    ),
    (
        "boundary string, accuracy None",
        "gradient",
        (),
        {"boundary": "wrap"},
        ValueError,
        mentions("boundary", "wrap"),
    ),
    (
        "derivative boundary",
        "derivative",
        (),
        {"order": 2, "boundary": "periodc"},
        ValueError,
        mentions("periodc"),
    ),
    (
        "period too small",
        "gradient",
        (X1,),
        {"accuracy": 4, "boundary": "periodic", "period": 9.5},
        ValueError,
        mentions("period", "9.5"),
    ),
    (
        "period too small, accuracy None",
        "gradient",
        (X1,),
        {"boundary": "periodic", "period": 5.0},
        ValueError,
        mentions("period", "5"),
    ),
    (
        "period negative",
        "derivative",
        (X1,),
        {"order": 2, "boundary": "periodic", "period": -1.0},
        ValueError,
        mentions("period", "-1"),
    ),
    (
        "period on a step axis",
        "gradient",
        (0.5,),
        {"accuracy": 4, "boundary": "periodic", "period": 10.0},
        ValueError,
        mentions("period"),
    ),
    (
        "period on the unit step",
        "derivative",
        (),
        {"order": 2, "boundary": "periodic", "period": 20},
        ValueError,
        mentions("period"),
    ),
    (
        "period missing",
        "gradient",
        (X1,),
        {"accuracy": 4, "boundary": "periodic"},
        ValueError,
        mentions("period"),
    ),
    (
        "period missing, accuracy 2",
        "derivative",
        (X1,),
        {"order": 1, "boundary": "periodic"},
        ValueError,
        mentions("period"),
    ),
    (
        "repeated coordinate",
        "gradient",
        (np.r_[X1[:5], X1[4], X1[6:]],),
        {"accuracy": 4},
        ValueError,
        REPEATED,
    ),
    (
        "unsorted coordinates, order 2",
        "derivative",
        (np.r_[X1[:5], X1[6], X1[5], X1[7:]],),
        {"order": 2},
        ValueError,
        UNSORTED,
    ),
    (
        "NaN coordinate",
        "derivative",
        (np.r_[X1[:5], np.nan, X1[6:]],),
        {"order": 1, "accuracy": 6},
        ValueError,
        r"(?i)finite|nan",
    ),
    (
        "infinite coordinate",
        "gradient",
        (np.r_[X1[:19], np.inf],),
        {"accuracy": 8},
        ValueError,
        r"(?i)finite|inf",
    ),
    (
        "edge_order with accuracy",
        "gradient",
        (),
        {"accuracy": 4, "edge_order": 2},
        ValueError,
        mentions("edge_order"),
    ),
    (
        "edge_order 1 with accuracy 2",
        "gradient",
        (),
        {"accuracy": 2, "edge_order": 1},
        ValueError,
        mentions("edge_order"),
    ),
    ("accuracy string", "gradient", (), {"accuracy": "4"}, TypeError, mentions("accuracy")),
    ("order float", "derivative", (), {"order": 1.5}, TypeError, mentions("order")),
    ("order string", "derivative", (), {"order": "2"}, TypeError, mentions("order")),
    (
        "accuracy float",
        "derivative",
        (),
        {"order": 2, "accuracy": 4.5},
        TypeError,
        mentions("accuracy"),
    ),
]


@pytest.mark.parametrize(
    ("name", "func", "varargs", "kwargs", "exc", "pattern"), ERRORS, ids=[e[0] for e in ERRORS]
)
def test_errors(
    name: str, func: str, varargs: tuple[Any, ...], kwargs: dict[str, Any], exc: Any, pattern: str
) -> None:
    ndgrad = nd()
    with pytest.raises(exc, match=pattern):
        getattr(ndgrad, func)(F1, *varargs, **kwargs)


TOO_FEW: list[tuple[int, int, str]] = [
    (1, 4, "one-sided"),
    (2, 4, "one-sided"),
    (4, 8, "one-sided"),
    (1, 4, "periodic"),
    (3, 6, "periodic"),
    (2, 2, "one-sided"),
]


@pytest.mark.parametrize(("d", "k", "boundary"), TOO_FEW)
def test_too_few_samples(d: int, k: int, boundary: str) -> None:
    ndgrad = nd()
    need = ref.min_samples(d, k, boundary)
    f = np.arange(float(need - 1))
    x = np.arange(float(need - 1))
    kwargs: dict[str, Any] = {"order": d, "accuracy": k, "boundary": boundary}
    with pytest.raises(ValueError, match=mentions(str(need), str(need - 1))):
        ndgrad.derivative(f, **kwargs)
    if boundary == "periodic":
        kwargs["period"] = float(need)
    with pytest.raises(ValueError, match=mentions(str(need), str(need - 1))):
        ndgrad.derivative(f, x, **kwargs)
    if d == 1:
        del kwargs["order"]
        with pytest.raises(ValueError, match=mentions(str(need), str(need - 1))):
            ndgrad.gradient(f, x, **kwargs)
    # Exactly the minimum is fine.
    ndgrad.derivative(np.arange(float(need)), order=d, accuracy=k, boundary=boundary)


def test_boundary_sequence_of_wrong_length() -> None:
    ndgrad = nd()
    f = np.ones((10, 10))
    with pytest.raises((ValueError, TypeError), match=r"(?i)boundary"):
        ndgrad.gradient(f, accuracy=4, boundary=("periodic",) * 3)
    with pytest.raises((ValueError, TypeError), match=r"(?i)period"):
        ndgrad.gradient(f, np.arange(10.0), 1.0, accuracy=4, boundary="periodic", period=(11.0,))


def test_derivative_needs_order() -> None:
    ndgrad = nd()
    with pytest.raises(TypeError, match="order"):
        ndgrad.derivative(F1)


def test_new_schemes_reject_what_they_should_not_touch() -> None:
    """accuracy None keeps NumPy's behaviour: no monotonicity check."""
    ndgrad = nd()
    x = np.array([0.0, 2.0, 1.0, 3.0, 4.0, 5.0])
    f = np.arange(6.0) ** 2
    same_bits(quiet(ndgrad.gradient, f, x), quiet(numpy_gradient, f, x))
    same_bits(quiet(ndgrad.gradient, f, x, edge_order=2), quiet(numpy_gradient, f, x, edge_order=2))


# ---------------------------------------------------------------------------
# 8. findiff's values on uniform grids, where its rule is the same.


@pytest.mark.parametrize("k", ACCURACIES)
@pytest.mark.parametrize("d", ORDERS)
def test_findiff_uniform_values(d: int, k: int) -> None:
    """Interior rows and the two end rows (findiff's edge rows use a window
    starting at the row; ours is pinned at the end, the same only there), and
    every row with periodic=True."""
    ndgrad = nd()
    import findiff

    rng = np.random.default_rng([d, k, 88])
    h = 0.1
    n = 2 * ref.one_sided_width(d, k) + 3
    f = rng.standard_normal((n, 3))
    hw = ref.half_width(d, k)
    weights = max(sum(abs(w) for w in r.weights) for r in ref.stencils(n, None, d, k))
    scale = float(weights) * float(np.abs(f).max()) / h**d
    for periodic, boundary in ((False, "one-sided"), (True, "periodic")):
        op = findiff.Diff(0, h, periodic=periodic, acc=k)
        want = (op**d if d > 1 else op)(f)
        got = ndgrad.derivative(f, h, axis=0, order=d, accuracy=k, boundary=boundary)
        rows = np.arange(n) if periodic else np.arange(hw, n - hw)
        np.testing.assert_allclose(
            got[rows], want[rows], rtol=0, atol=FINDIFF_RTOL * scale, err_msg=boundary
        )
