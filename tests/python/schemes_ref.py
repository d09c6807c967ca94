"""An exact, pure-Python reference for the higher-order stencils of
``ndgrad.gradient(..., accuracy=k)`` and ``ndgrad.derivative(..., order=d)``.

Everything is computed over :class:`fractions.Fraction`, so the values are the
exact stencil values the floating-point results are compared with.

The window rule, for derivative order ``d`` in 1..4 and accuracy ``k`` in
{2, 4, 6, 8} along an axis of ``n`` samples:

- interior rows ``h <= i <= n - 1 - h`` use the central window of
  ``central_width(d, k)`` samples, ``h`` being its half-width;
- rows closer than ``h`` to an end all use the same ``one_sided_width(d, k)``
  samples at that end (the window is pinned, not centred on the row);
- with ``boundary="periodic"`` every row uses the central window, the indices
  wrapping around; the samples beyond the ends sit at ``x[j] - period`` (left)
  and ``x[j] + period`` (right);
- the weights are the exact finite-difference weights of the window's
  coordinates at the row's coordinate (Fornberg's recursion).

>>> [str(w) for w in fornberg(Fraction(0), [Fraction(j) for j in (-1, 0, 1)], 1)]
['-1/2', '0', '1/2']
>>> window(1, 4, 0, 10), window(1, 4, 5, 10), window(1, 4, 9, 10)
(range(0, 5), range(3, 8), range(5, 10))
>>> [str(v) for v in exact_derivative([0, 1, 4, 9, 16], None, 1, 2)]
['0', '2', '4', '6', '8']
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

ORDERS = (1, 2, 3, 4)
ACCURACIES = (2, 4, 6, 8)
BOUNDARIES = ("one-sided", "periodic")

Number = int | Fraction
# None (unit step), one step for the whole axis, or one coordinate per sample.
Spacing = None | int | Fraction | Sequence[Number]


def _check_scheme(d: int, k: int) -> None:
    if d not in ORDERS:
        raise ValueError(f"derivative order must be one of {ORDERS}, got {d!r}")
    if k not in ACCURACIES:
        raise ValueError(f"accuracy must be one of {ACCURACIES}, got {k!r}")


def central_width(d: int, k: int) -> int:
    """Samples in the central window: ``2*floor((d+1)/2) - 1 + k``.

    >>> [central_width(d, 2) for d in ORDERS]
    [3, 3, 5, 5]
    """
    _check_scheme(d, k)
    return 2 * ((d + 1) // 2) - 1 + k


def half_width(d: int, k: int) -> int:
    """Half-width ``h`` of the central window: rows ``i < h`` or ``i > n-1-h`` are edge rows."""
    return (central_width(d, k) - 1) // 2


def one_sided_width(d: int, k: int) -> int:
    """Samples in the pinned window of the edge rows: ``k + d``.

    >>> [one_sided_width(d, 2) for d in ORDERS]
    [3, 4, 5, 6]
    """
    _check_scheme(d, k)
    return k + d


def min_samples(d: int, k: int, boundary: str = "one-sided") -> int:
    """The fewest samples an axis may have: ``k + d`` one-sided, the central width periodic."""
    if boundary == "one-sided":
        return one_sided_width(d, k)
    if boundary == "periodic":
        return central_width(d, k)
    raise ValueError(f"boundary must be one of {BOUNDARIES}, got {boundary!r}")


def window(d: int, k: int, row: int, n: int) -> range:
    """Indices of the samples row ``row`` uses, one-sided boundary, ``n`` samples."""
    w_o = one_sided_width(d, k)
    if n < w_o:
        raise ValueError(f"order {d}, accuracy {k} needs at least {w_o} samples, got {n}")
    if not 0 <= row < n:
        raise IndexError(f"row {row} outside 0..{n - 1}")
    h = half_width(d, k)
    if row < h:
        return range(0, w_o)
    if row > n - 1 - h:
        return range(n - w_o, n)
    return range(row - h, row + h + 1)


def periodic_window(d: int, k: int, row: int, n: int) -> range:
    """Unwrapped indices (possibly < 0 or >= n) of row ``row``'s periodic window."""
    w_c = central_width(d, k)
    if n < w_c:
        raise ValueError(f"periodic order {d}, accuracy {k} needs at least {w_c} samples, got {n}")
    if not 0 <= row < n:
        raise IndexError(f"row {row} outside 0..{n - 1}")
    h = half_width(d, k)
    return range(row - h, row + h + 1)


def fornberg(x0: Fraction, xs: Sequence[Fraction], d: int) -> list[Fraction]:
    """Exact weights ``w`` with ``sum(w[j] * f(xs[j]))`` the ``d``-th derivative at ``x0``
    of the polynomial interpolating ``f`` at the (distinct) points ``xs``.

    B. Fornberg, "Generation of finite difference formulas on arbitrarily
    spaced grids", Math. Comp. 51 (1988), 699-706.

    >>> [str(w) for w in fornberg(Fraction(0), [Fraction(j) for j in range(3)], 2)]
    ['1', '-2', '1']
    """
    if d < 0:
        raise ValueError(f"derivative order must be >= 0, got {d}")
    xs = [Fraction(x) for x in xs]
    x0 = Fraction(x0)
    m = len(xs)
    if m <= d:
        raise ValueError(f"a derivative of order {d} needs more than {d} points, got {m}")
    if len(set(xs)) != m:
        raise ValueError(f"the points must be distinct, got {[str(x) for x in xs]}")
    # c[j][q]: weight of xs[j] in the q-th derivative, over the points seen so far.
    c = [[Fraction(0)] * (d + 1) for _ in range(m)]
    c[0][0] = Fraction(1)
    c1 = Fraction(1)
    c4 = xs[0] - x0
    for i in range(1, m):
        mn = min(i, d)
        c2 = Fraction(1)
        c5 = c4
        c4 = xs[i] - x0
        for j in range(i):
            c3 = xs[i] - xs[j]
            c2 *= c3
            if j == i - 1:
                for q in range(mn, 0, -1):
                    c[i][q] = c1 * (q * c[i - 1][q - 1] - c5 * c[i - 1][q]) / c2
                c[i][0] = -c1 * c5 * c[i - 1][0] / c2
            for q in range(mn, 0, -1):
                c[j][q] = (c4 * c[j][q] - q * c[j][q - 1]) / c3
            c[j][0] = c4 * c[j][0] / c3
        c1 = c2
    return [c[j][d] for j in range(m)]


@lru_cache(maxsize=4096)
def _weights_at_zero(offsets: tuple[Fraction, ...], d: int) -> tuple[Fraction, ...]:
    """Fornberg weights at 0 (cached: uniform axes repeat the same offsets)."""
    return tuple(fornberg(Fraction(0), offsets, d))


def _coordinates(spacing: Spacing, n: int) -> tuple[list[Fraction], Fraction | None]:
    """The axis' coordinates and, for a step, the step."""
    if spacing is None:
        return [Fraction(j) for j in range(n)], Fraction(1)
    if isinstance(spacing, (int, Fraction)):
        step = Fraction(spacing)
        if step == 0:
            raise ValueError("the step must not be 0")
        return [j * step for j in range(n)], step
    x = [Fraction(v) for v in spacing]
    if len(x) != n:
        raise ValueError(f"{n} samples need {n} coordinates, got {len(x)}")
    increasing = all(b > a for a, b in itertools.pairwise(x))
    decreasing = all(b < a for a, b in itertools.pairwise(x))
    if not (increasing or decreasing):
        raise ValueError("the coordinates must be strictly monotonic")
    return x, None


class Row(NamedTuple):
    """One output row: the sample indices (wrapped into 0..n-1) and their weights."""

    indices: tuple[int, ...]
    weights: tuple[Fraction, ...]


def stencils(
    n: int,
    spacing: Spacing,
    d: int,
    k: int,
    boundary: str = "one-sided",
    period: Number | None = None,
) -> list[Row]:
    """The exact stencil of every row of an axis of ``n`` samples.

    ``spacing`` is None (unit step), a step, or the ``n`` coordinates. A step
    axis takes no ``period`` (it is ``n * step``); a periodic coordinate axis
    needs one, larger than ``x[-1] - x[0]``.
    """
    _check_scheme(d, k)
    x, step = _coordinates(spacing, n)
    if boundary == "one-sided":
        if period is not None:
            raise ValueError("period is only meaningful with boundary='periodic'")
        rows = []
        for i in range(n):
            idx = window(d, k, i, n)
            offsets = tuple(x[j] - x[i] for j in idx)
            rows.append(Row(tuple(idx), _weights_at_zero(offsets, d)))
        return rows
    if boundary != "periodic":
        raise ValueError(f"boundary must be one of {BOUNDARIES}, got {boundary!r}")
    if step is not None:
        if period is not None:
            raise ValueError(f"a step axis takes no period (it is n * step), got {period}")
        p = n * step
    else:
        if period is None:
            raise ValueError("a periodic coordinate axis needs a period")
        p = Fraction(period)
        if not p > x[-1] - x[0]:
            raise ValueError(f"period must exceed x[-1] - x[0] = {x[-1] - x[0]}, got {p}")

    def at(j: int) -> Fraction:
        if j < 0:
            return x[j + n] - p
        if j >= n:
            return x[j - n] + p
        return x[j]

    rows = []
    for i in range(n):
        idx = periodic_window(d, k, i, n)
        offsets = tuple(at(j) - x[i] for j in idx)
        rows.append(Row(tuple(j % n for j in idx), _weights_at_zero(offsets, d)))
    return rows


def exact_derivative(
    f_values: Sequence[Number],
    x: Spacing,
    d: int,
    k: int,
    boundary: str = "one-sided",
    period: Number | None = None,
) -> list[Fraction]:
    """The exact stencil value at every row of the 1-D samples ``f_values``.

    ``x`` is None (unit step), a step, or one coordinate per sample.
    """
    f = [Fraction(v) for v in f_values]
    rows = stencils(len(f), x, d, k, boundary, period)
    return [
        sum((w * f[j] for j, w in zip(r.indices, r.weights, strict=True)), Fraction(0))
        for r in rows
    ]


def abs_sum(
    f_values: Sequence[Number],
    x: Spacing,
    d: int,
    k: int,
    boundary: str = "one-sided",
    period: Number | None = None,
) -> list[Fraction]:
    """``sum(|w_j * f_j|)`` at every row: the scale of the rounding error bound."""
    f = [Fraction(v) for v in f_values]
    rows = stencils(len(f), x, d, k, boundary, period)
    return [
        sum((abs(w * f[j]) for j, w in zip(r.indices, r.weights, strict=True)), Fraction(0))
        for r in rows
    ]


class Scheme(NamedTuple):
    """A published weight table on a unit step.

    ``row`` is None for the central window (offsets ``-h..h``), else the row
    (0-based) whose pinned left-end window is samples ``0..len(numerators)-1``.
    """

    d: int
    k: int
    row: int | None
    numerators: tuple[int, ...]
    denominator: int

    def weights(self) -> list[Fraction]:
        return [Fraction(a, self.denominator) for a in self.numerators]


SCHEMES = (
    Scheme(1, 4, None, (1, -8, 0, 8, -1), 12),
    Scheme(1, 4, 0, (-25, 48, -36, 16, -3), 12),
    Scheme(1, 4, 1, (-3, -10, 18, -6, 1), 12),
    Scheme(1, 8, None, (3, -32, 168, -672, 0, 672, -168, 32, -3), 840),
    Scheme(1, 8, 3, (-5, 60, -420, -378, 1050, -420, 140, -30, 3), 840),
    Scheme(2, 4, None, (-1, 16, -30, 16, -1), 12),
    Scheme(2, 4, 0, (45, -154, 214, -156, 61, -10), 12),
    Scheme(2, 2, 0, (2, -5, 4, -1), 1),
)
