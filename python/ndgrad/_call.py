"""The call model every surface builds and the kernels read: one axis'
spacing (:class:`AxisSpacing`) and scheme (:class:`AxisScheme`), as typed
values, and the one test for "this is ``numpy.gradient``'s own call"
(:func:`is_numpy_call`).

The compiled module reads both classes by attribute name
(``#[derive(FromPyObject)]`` in ``crates/ndgrad-python``), so what a field
means is written here once.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

SpacingKind = Literal["unit", "weak", "strong", "coords", "nonuniform"]

BOUNDARIES = ("one-sided", "periodic")


@dataclass(frozen=True, slots=True)
class AxisSpacing:
    """How one axis is spaced, as the kernels take it."""

    kind: SpacingKind
    """``unit`` (NumPy's default), ``weak`` (a Python number), ``strong`` (a
    NumPy scalar: NEP 50 promotion), ``coords`` (coordinates, collapsed to
    a step when equally spaced, as NumPy does) or ``nonuniform``
    (coordinates never collapsed: a Dask block's slice of coordinates that
    are not equally spaced as a whole)."""
    dtype: str | None = None
    """The values' dtype code (``'f8'``, ``'i2'``…), without byte order."""
    values: NDArray[Any] | None = None
    """The step (one value) or the coordinates, in native byte order."""


UNIT_SPACING = AxisSpacing("unit")


def dtype_code(dtype: np.dtype[Any]) -> str:
    """``'f8'``, ``'i2'``…: the dtype without its byte order."""
    return f"{dtype.kind}{dtype.itemsize}"


def native(a: NDArray[Any]) -> NDArray[Any]:
    """``a`` in native byte order (a copy only if it is not)."""
    return a if a.dtype.isnative else a.astype(a.dtype.newbyteorder("="))


def coords_spacing(x: NDArray[Any], *, collapse: bool = True) -> AxisSpacing:
    """Coordinates ``x`` (1-D), collapsed to a step when equally spaced
    unless ``collapse`` is false."""
    return AxisSpacing("coords" if collapse else "nonuniform", dtype_code(x.dtype), native(x))


@dataclass(frozen=True, slots=True)
class AxisScheme:
    """What is computed along one axis, as the kernels take it."""

    derivative: int = 1
    """The derivative order, 1 to 4."""
    accuracy: int | None = None
    """The accuracy order (2, 4, 6, 8), or None for ``numpy.gradient``'s
    formulas with :attr:`edge_order`."""
    edge_order: int = 1
    """NumPy's ``edge_order`` (1 or 2) when :attr:`accuracy` is None."""
    periodic: bool = False
    """Whether the axis wraps around."""
    period: float | None = None
    """A periodic axis' period, for coordinates (None with a step)."""

    @property
    def is_numpy(self) -> bool:
        """Whether this is ``numpy.gradient``'s own scheme."""
        return self.accuracy is None and not self.periodic

    def one_sided(self) -> AxisScheme:
        """The same formulas with one-sided ends: what a piece of a
        periodic axis that carries its wrapped halo runs."""
        return replace(self, periodic=False, period=None)


def numpy_scheme(edge_order: int) -> AxisScheme:
    """``numpy.gradient``'s scheme (every ``edge_order`` but 1 is second
    order there)."""
    return AxisScheme(edge_order=1 if edge_order == 1 else 2)


def is_default_boundary(value: object) -> bool:
    """``boundary`` left at its default, the string ``"one-sided"`` (a
    sequence of them takes the schemes' rules)."""
    return isinstance(value, str) and value == "one-sided"


def is_numpy_call(order: object, accuracy: object, boundary: object, period: object) -> bool:
    """Whether a call is ``numpy.gradient``'s own (first derivative, NumPy's
    formulas, one-sided ends): NumPy's argument rules and messages apply."""
    return order == 1 and accuracy is None and is_default_boundary(boundary) and period is None


# ---------------------------------------------------------- argument checks


def workers_arg(workers: int | None) -> int:
    """0 means "every thread, when the array is large enough"."""
    if workers is None:
        return 0
    n = operator.index(workers)
    if n == 0:
        raise ValueError("workers must not be 0")
    if n < 0:
        # As scipy.fft: -1 is every CPU, -2 all but one, ... down to -cpu_count.
        cpus = os.cpu_count() or 1
        if n < -cpus:
            raise ValueError(
                f"workers must be positive, or from -1 (every CPU) down to -{cpus} "
                f"(one CPU) on this machine; got {n}"
            )
        n = cpus + 1 + n
    return n


class _DefaultEdgeOrder(int):
    """The type of :data:`EDGE_ORDER`: a 1 that is told apart from a 1 the
    caller passed, so that every value a caller can pass (``None``
    included) gets NumPy's treatment."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "1"


EDGE_ORDER: int = _DefaultEdgeOrder(1)
"""``edge_order``'s default (NumPy's 1), shown as ``1`` in signatures."""

MAX_NDIM = 32
"""The most dimensions the compiled kernels take (rust-numpy's views keep a
32-bit mask of axes); NumPy allows 64."""


def edge_order_given(edge_order: object) -> bool:
    """Whether the caller passed ``edge_order``."""
    return edge_order is not EDGE_ORDER


def edge_order_value(edge_order: object) -> Any:
    """The ``edge_order`` NumPy's rules get: the default as a plain 1, any
    other value as given (NumPy's rules reject what is not 1 or 2)."""
    return 1 if edge_order is EDGE_ORDER else edge_order


def no_edge_order_with_accuracy(edge_order: object, accuracy: object) -> None:
    """``edge_order`` is NumPy's; with an ``accuracy`` the order at the ends is set."""
    if accuracy is not None and edge_order_given(edge_order):
        raise ValueError(
            "edge_order must not be given with accuracy (accuracy sets the "
            f"order at the ends too); got edge_order={edge_order!r}, accuracy={accuracy!r}"
        )


def check_int(name: str, value: object, allowed: Sequence[int], none_ok: bool) -> int | None:
    """``value`` as an int from ``allowed`` (or None when ``none_ok``)."""
    want = ", ".join(map(str, allowed)) + (" or None" if none_ok else "")
    if value is None and none_ok:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int ({want}); got {type(value).__name__} {value!r}")
    if int(value) not in allowed:
        raise ValueError(f"{name} must be one of {want}; got {value!r}")
    return int(value)


def per_axis(name: str, value: Any, count: int, check: Callable[[Any], Any]) -> list[Any]:
    """One value for every axis, or a sequence (a 1-D array too) with one per
    requested axis."""
    if isinstance(value, np.ndarray) and value.ndim <= 1:
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(
                f"{name} must be one value or one per axis: expected {count}, got {len(value)}"
            )
        return [check(v) for v in value]
    return [check(value)] * count


def boundaries(boundary: object, period: object, count: int) -> list[tuple[bool, float | None]]:
    """``(periodic, period)`` for each of ``count`` requested axes; a period
    belongs to a periodic axis."""
    periodic = per_axis("boundary", boundary, count, boundary_arg)
    periods = per_axis("period", period, count, period_arg)
    for i, (p, per) in enumerate(zip(periodic, periods, strict=True)):
        if per is not None and not p:
            raise ValueError(
                f"a period is for a periodic axis; requested axis {i} is one-sided "
                f"(boundary='one-sided'); got period={per!r}"
            )
    return list(zip(periodic, periods, strict=True))


def boundary_arg(value: object) -> bool:
    """Whether a boundary name is periodic."""
    if not isinstance(value, str):
        raise TypeError(
            f"boundary must be 'one-sided' or 'periodic'; got {type(value).__name__} {value!r}"
        )
    if value not in BOUNDARIES:
        raise ValueError(f"boundary must be 'one-sided' or 'periodic'; got {value!r}")
    return value == "periodic"


def period_arg(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"period must be a real number or None; got {type(value).__name__}")
    return float(value)


def check_step(d: object) -> None:
    """A scalar step of the higher-order schemes: finite and nonzero."""
    if isinstance(d, np.ndarray) and d.ndim == 1:
        return
    try:
        h = complex(d)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"a step must be a real number; got {type(d).__name__}") from None
    if h.imag != 0:
        raise TypeError(f"a step must be a real number; got {d!r}")
    if h.real == 0 or not np.isfinite(h.real):
        raise ValueError(f"a step must be finite and nonzero; got {d!r}")
