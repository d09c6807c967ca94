"""The call model every surface builds and the kernels read: one axis'
spacing (:class:`AxisSpacing`) and scheme (:class:`AxisScheme`), as typed
values, the one test for "this is ``numpy.gradient``'s own call"
(:func:`is_numpy_call`), and the checked call itself (:class:`Call`, made by
:func:`resolve` for every surface: in memory, ``ndgrad.dask``, and through
them ``ndgrad.xarray``).

The compiled module reads both classes by attribute name
(``#[derive(FromPyObject)]`` in ``crates/ndgrad-python``), so what a field
means is written here once.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, NamedTuple

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple
from numpy.typing import NDArray

from ndgrad import _ndgrad

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


Entry = Callable[..., None]
Op = Literal["gradient", "magnitude", "laplacian", "divergence", "curl"]

# The compiled entry point of each input dtype, by dtype code: each computes
# the gradient (op "gradient", one output per axis) or a fused operator
# (datetime64 and timedelta64 ticks: the gradient only).
_ENTRY: dict[str, Entry] = {
    "f2": _ndgrad.run_f2,
    "f4": _ndgrad.run_f4,
    "f8": _ndgrad.run_f8,
    "c8": _ndgrad.run_c8,
    "c16": _ndgrad.run_c16,
    "i1": _ndgrad.run_i1,
    "i2": _ndgrad.run_i2,
    "i4": _ndgrad.run_i4,
    "i8": _ndgrad.run_i8,
    "u1": _ndgrad.run_u1,
    "u2": _ndgrad.run_u2,
    "u4": _ndgrad.run_u4,
    "u8": _ndgrad.run_u8,
    "m8": _ndgrad.run_m8,
    "M8": _ndgrad.run_m8,
}


def entry(dtype: np.dtype[Any]) -> Entry | None:
    """The compiled entry point for data of ``dtype``, or None if NumPy must
    differentiate it."""
    return _ENTRY.get(dtype_code(dtype))


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


def needs(module: str, package: str, pip: str) -> ImportError:
    """The error of ``ndgrad.<module>`` when ``package`` (installed by
    ``pip install <pip>``) is missing."""
    return ImportError(
        f"ndgrad.{module} needs {package}: install it with `pip install 'ndgrad[{module}]'` "
        f"(or `pip install {pip}`)"
    )


# ---------------------------------------------------------- argument checks


def workers_arg(workers: int | None, caller: str) -> int:
    """0 means "every thread, when the array is large enough"."""
    if workers is None:
        return 0
    n = operator.index(workers)
    if n == 0:
        raise ValueError(f"{caller}: workers must not be 0")
    if n < 0:
        # As scipy.fft: -1 is every CPU, -2 all but one, ... down to -cpu_count.
        cpus = os.cpu_count() or 1
        if n < -cpus:
            raise ValueError(
                f"{caller}: workers must be positive, or from -1 (every CPU) down to -{cpus} "
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


def no_edge_order_with_accuracy(edge_order: object, accuracy: object, caller: str) -> None:
    """``edge_order`` is NumPy's; with an ``accuracy`` the order at the ends is set."""
    if accuracy is not None and edge_order_given(edge_order):
        raise ValueError(
            f"{caller}: edge_order must not be given with accuracy (accuracy sets the "
            f"order at the ends too); got edge_order={edge_order!r}, accuracy={accuracy!r}"
        )


def check_int(
    name: str, value: object, allowed: Sequence[int], none_ok: bool, caller: str
) -> int | None:
    """``value`` as an int from ``allowed`` (or None when ``none_ok``)."""
    want = ", ".join(map(str, allowed)) + (" or None" if none_ok else "")
    if value is None and none_ok:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"{caller}: {name} must be an int ({want}); got {type(value).__name__} {value!r}"
        )
    if int(value) not in allowed:
        raise ValueError(f"{caller}: {name} must be one of {want}; got {value!r}")
    return int(value)


def per_axis(
    name: str, value: Any, count: int, check: Callable[[Any, str], Any], caller: str
) -> list[Any]:
    """One value for every axis, or a sequence (a 1-D array too) with one per
    requested axis."""
    if isinstance(value, np.ndarray) and value.ndim <= 1:
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise ValueError(
                f"{caller}: {name} must be one value or one per axis: expected {count}, "
                f"got {len(value)}"
            )
        return [check(v, caller) for v in value]
    return [check(value, caller)] * count


def boundaries(
    boundary: object, period: object, count: int, caller: str
) -> list[tuple[bool, float | None]]:
    """``(periodic, period)`` for each of ``count`` requested axes; a period
    belongs to a periodic axis."""
    periodic = per_axis("boundary", boundary, count, boundary_arg, caller)
    periods = per_axis("period", period, count, period_arg, caller)
    for i, (p, per) in enumerate(zip(periodic, periods, strict=True)):
        if per is not None and not p:
            raise ValueError(
                f"{caller}: a period is for a periodic axis; requested axis {i} is one-sided "
                f"(boundary='one-sided'); got period={per!r}"
            )
    return list(zip(periodic, periods, strict=True))


def boundary_arg(value: object, caller: str) -> bool:
    """Whether a boundary name is periodic."""
    if not isinstance(value, str):
        raise TypeError(
            f"{caller}: boundary must be 'one-sided' or 'periodic'; got "
            f"{type(value).__name__} {value!r}"
        )
    if value not in BOUNDARIES:
        raise ValueError(f"{caller}: boundary must be 'one-sided' or 'periodic'; got {value!r}")
    return value == "periodic"


def period_arg(value: object, caller: str, what: str = "period") -> float | None:
    """A period: a real number, or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(
            f"{caller}: {what} must be a real number or None; got {type(value).__name__} {value!r}"
        )
    return float(value)


def check_step(d: object, caller: str) -> None:
    """A scalar step of the higher-order schemes: finite and nonzero."""
    if isinstance(d, np.ndarray) and d.ndim == 1:
        return
    try:
        h = complex(d)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"{caller}: a step must be a real number; got {type(d).__name__}") from None
    if h.imag != 0:
        raise TypeError(f"{caller}: a step must be a real number; got {d!r}")
    if h.real == 0 or not np.isfinite(h.real):
        raise ValueError(f"{caller}: a step must be finite and nonzero; got {d!r}")


def named(caller: str, e: ValueError) -> ValueError:
    """The kernels' error (the core's message) ``e``, naming the function called."""
    return ValueError(f"{caller}: {e}")


# ------------------------------------------------- numpy.gradient's arguments


class Fallback(Exception):
    """Raised where ``numpy.gradient`` itself must answer the call."""


class _Unit:
    """NumPy's default spacing: the Python float 1.0 on every axis."""


UNIT = _Unit()

ACCURACIES = (2, 4, 6, 8)
ORDERS = (1, 2, 3, 4)


class Args(NamedTuple):
    """numpy.gradient's arguments, checked and normalised (a NamedTuple,
    read by attribute: the cheapest to make on NumPy's own path)."""

    axes: tuple[int, ...]
    """The requested axes, non-negative, in the order given."""
    dx: list[object]
    """Per axis: ``UNIT``, the scalar step as given, or the 1-D coordinates."""
    edge_order: int
    """1 or 2 (NumPy treats every ``edge_order`` but 1 as second order)."""


def _is_weak_zero(d: object) -> bool:
    """A Python number equal to 0: ``-1.5 / d`` raises ZeroDivisionError in NumPy."""
    return type(d) in (int, float, bool) and d == 0


def parse(
    shape: tuple[int, ...],
    varargs: Sequence[Any],
    axis: Any,
    edge_order: Any,
    asarray: Callable[[Any], Any] = np.asanyarray,
    lengths: bool = True,
) -> Args:
    """numpy.gradient's argument checks, in its order, for an array of ``shape``.

    Raises NumPy's exception for every argument NumPy rejects, or
    ``Fallback`` where numpy.gradient itself must answer (its IndexErrors).
    ``asarray`` converts each spacing as NumPy does; the Dask adapter passes
    one that leaves Dask arrays lazy (they have ``ndim``, ``len`` and
    ``dtype``). ``lengths=False`` leaves the axis lengths to the kernels
    (the higher-order schemes, whose error names what they need).
    """
    N = len(shape)
    axes = tuple(range(N)) if axis is None else normalize_axis_tuple(axis, N)
    len_axes = len(axes)
    n = len(varargs)
    dx: list[object]
    if n == 0:
        dx = [UNIT] * len_axes
    elif n == 1 and np.ndim(varargs[0]) == 0:
        dx = [varargs[0]] * len_axes
    elif n == len_axes:
        dx = list(varargs)
        for i, distances in enumerate(dx):
            distances = asarray(distances)
            if distances.ndim == 0:
                continue
            elif distances.ndim != 1:
                raise ValueError("distances must be either scalars or 1d")
            if len(distances) != shape[axes[i]]:
                raise ValueError(
                    "when 1d, distances must match the length of the corresponding dimension"
                )
            if isinstance(distances, np.ndarray) and distances.dtype.kind not in "biufcmM":
                # NumPy differences the coordinates here: strings fail now,
                # before any axis length is checked.
                np.diff(distances)
            if len(distances) < 2 and lengths:
                # NumPy fails on `np.diff(distances)[0]` (an IndexError) here.
                raise Fallback
            dx[i] = distances
    else:
        raise TypeError("invalid number of arguments")

    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    first_order = edge_order == 1
    if not lengths:
        return Args(axes, dx, 1 if first_order else 2)

    for ax, d in zip(axes, dx, strict=True):
        if shape[ax] < edge_order + 1:
            raise ValueError(
                "Shape of array too small to calculate a numerical gradient, "
                "at least (edge_order + 1) elements are required."
            )
        step: Any = d
        if step is not UNIT and np.ndim(step) == 0:
            # NumPy's per-axis loop divides by `2. * dx` before it checks the
            # next axis' length: a spacing that is not a number (None, a
            # string) raises its TypeError here, axis by axis, as NumPy's does.
            2.0 * step
        if not first_order:
            if shape[ax] < 3:
                # edge_order below 1 on a short axis: NumPy's IndexError.
                raise Fallback
            if _is_weak_zero(d):
                raise ZeroDivisionError("float division by zero")
    return Args(axes, dx, 1 if first_order else 2)


# ------------------------------------------------------------ the call model


@dataclass(frozen=True, slots=True)
class Call:
    """A checked call of any surface: what is differentiated along which
    axes, with which spacing and scheme. Each surface turns :attr:`dx` into
    its own spacing type (in memory ``_api.spec``, on Dask
    ``_dask_graph._axis_spacing``)."""

    caller: str
    """The function the user called (``"ndgrad.laplacian"``,
    ``"ndgrad.dask.curl"``...): the errors ndgrad raises name it."""
    axes: tuple[int, ...]
    """The requested axes, non-negative, in the order given."""
    dx: tuple[object, ...]
    """Per axis, the spacing as given: :data:`UNIT`, a scalar step, or
    1-D coordinates (NumPy or, on Dask, Dask arrays)."""
    schemes: tuple[AxisScheme, ...]
    """Per axis, what is computed along it."""
    numpy: bool
    """Whether this is ``numpy.gradient``'s own call (:func:`is_numpy_call`),
    checked by NumPy's rules with NumPy's messages."""
    edge_order: int
    """NumPy's ``edge_order``, 1 or 2."""

    @property
    def accuracy(self) -> int | None:
        """The accuracy order of every axis (None: NumPy's formulas)."""
        return self.schemes[0].accuracy if self.schemes else None


@dataclass(frozen=True, slots=True)
class Options:
    """A call's scheme arguments as the caller gave them (any values:
    :func:`resolve` checks them), with their defaults."""

    order: object = 1
    accuracy: object = None
    edge_order: object = EDGE_ORDER
    boundary: object = "one-sided"
    period: object = None


def resolve(
    shape: tuple[int, ...],
    varargs: Sequence[Any],
    axis: Any,
    options: Options,
    caller: str,
    asarray: Callable[[Any], Any] = np.asanyarray,
) -> Call:
    """The checked call for an array of ``shape``.

    ``numpy.gradient``'s own call (:func:`is_numpy_call`) is checked by its
    rules, in its order, with its messages, the axis lengths included; it
    raises :class:`Fallback` where NumPy itself must answer (each surface
    knows how). Any other call is checked by the schemes' rules, with
    messages that name ``caller``; the axis lengths, coordinates and
    periods are left to the kernels (whose errors say what is needed).
    ``asarray`` is ``parse``'s."""
    order, accuracy, edge_order = options.order, options.accuracy, options.edge_order
    if is_numpy_call(order, accuracy, options.boundary, options.period):
        args = parse(shape, varargs, axis, edge_order_value(edge_order), asarray)
        schemes = (numpy_scheme(args.edge_order),) * len(args.axes)
        return Call(caller, args.axes, tuple(args.dx), schemes, True, args.edge_order)
    no_edge_order_with_accuracy(edge_order, accuracy, caller)
    d = check_int("order", order, ORDERS, False, caller)
    assert d is not None
    k = check_int("accuracy", accuracy, ACCURACIES, d == 1, caller)
    if k is None and edge_order_given(edge_order):
        edge_order = operator.index(edge_order)  # type: ignore[arg-type]
    args = parse(shape, varargs, axis, edge_order_value(edge_order), asarray, lengths=False)
    bounds = boundaries(options.boundary, options.period, len(args.axes), caller)
    schemes = tuple(AxisScheme(d, k, args.edge_order, p, per) for p, per in bounds)
    return Call(caller, args.axes, tuple(args.dx), schemes, False, args.edge_order)
