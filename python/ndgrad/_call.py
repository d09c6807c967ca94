"""The call model every surface builds and the kernels read: one axis'
spacing (:class:`AxisSpacing`) and scheme (:class:`AxisScheme`), as typed
values, and the one test for "this is ``numpy.gradient``'s own call"
(:func:`is_numpy_call`).

The compiled module reads both classes by attribute name
(``#[derive(FromPyObject)]`` in ``crates/ndgrad-python``), so what a field
means is written here once.
"""

from __future__ import annotations

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
