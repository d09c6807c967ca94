"""``numpy.gradient``'s argument handling in front of the Rust kernels.

Everything here follows ``numpy/lib/_function_base_impl.py`` step by step,
in NumPy's order, so that every argument NumPy accepts is accepted the same
way and every argument it rejects raises the same exception with the same
message. The arithmetic happens in ``ndgrad._ndgrad``.

Inputs the kernels do not cover are handed to ``numpy.gradient`` itself
(and so give NumPy's answer or NumPy's exception): ndarray subclasses
(masked arrays, ``np.matrix``), object, longdouble, clongdouble, bool and
string arrays, and spacings that are complex, bool, longdouble, or Python
ints beyond int64.
"""

from __future__ import annotations

import math
import operator
import warnings
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

# The real numpy.gradient, captured before anyone can patch `numpy.gradient`
# with ours (NumPy's own test-suite run does exactly that).
from numpy.lib._function_base_impl import gradient as _numpy_gradient
from numpy.lib.array_utils import normalize_axis_tuple
from numpy.typing import ArrayLike, NDArray

from ndgrad import _ndgrad
from ndgrad._call import (
    EDGE_ORDER,
    MAX_NDIM,
    UNIT_SPACING,
    AxisScheme,
    AxisSpacing,
    boundaries,
    check_int,
    check_step,
    coords_spacing,
    dtype_code,
    edge_order_given,
    edge_order_value,
    is_numpy_call,
    native,
    no_edge_order_with_accuracy,
    numpy_scheme,
    workers_arg,
)

_Entry = Callable[..., None]

# Kernels by (dtype kind, itemsize).
_ENTRY: dict[tuple[str, int], _Entry] = {
    ("f", 2): _ndgrad.gradient_f2,
    ("f", 4): _ndgrad.gradient_f4,
    ("f", 8): _ndgrad.gradient_f8,
    ("c", 8): _ndgrad.gradient_c8,
    ("c", 16): _ndgrad.gradient_c16,
    ("i", 1): _ndgrad.gradient_i1,
    ("i", 2): _ndgrad.gradient_i2,
    ("i", 4): _ndgrad.gradient_i4,
    ("i", 8): _ndgrad.gradient_i8,
    ("u", 1): _ndgrad.gradient_u1,
    ("u", 2): _ndgrad.gradient_u2,
    ("u", 4): _ndgrad.gradient_u4,
    ("u", 8): _ndgrad.gradient_u8,
    ("m", 8): _ndgrad.gradient_m8,
    ("M", 8): _ndgrad.gradient_m8,
}

# Spacing dtypes the kernels take: floats up to double, every integer.
SPACING_KINDS = {("f", 2), ("f", 4), ("f", 8)} | {(k, n) for k in "iu" for n in (1, 2, 4, 8)}

_INT64 = np.iinfo(np.int64)


class Fallback(Exception):
    """Raised internally when numpy.gradient itself must handle the call."""


class _Unit:
    """NumPy's default spacing: the Python float 1.0 on every axis."""


UNIT = _Unit()

ACCURACIES = (2, 4, 6, 8)
ORDERS = (1, 2, 3, 4)


def spec(d: object) -> AxisSpacing:
    """How one axis' spacing is passed to Rust, and with which promotion."""
    if d is UNIT:
        return UNIT_SPACING
    if isinstance(d, np.ndarray) and d.ndim == 1:
        if type(d) is not np.ndarray or (d.dtype.kind, d.dtype.itemsize) not in SPACING_KINDS:
            raise Fallback
        return coords_spacing(d)
    if isinstance(d, (np.generic, np.ndarray)):
        # A NumPy scalar or 0-d array: strong promotion (NEP 50).
        a = np.asarray(d)
        if (a.dtype.kind, a.dtype.itemsize) not in SPACING_KINDS:
            raise Fallback
        return AxisSpacing("strong", dtype_code(a.dtype), native(a.reshape(1)))
    if isinstance(d, bool):
        # NumPy's handling of a bool step depends on the data's dtype.
        raise Fallback
    if isinstance(d, float):
        return AxisSpacing("weak", "f8", np.array([d], dtype=np.float64))
    if isinstance(d, int) and _INT64.min <= d <= _INT64.max:
        return AxisSpacing("weak", "i8", np.array([d], dtype=np.int64))
    # Complex numbers, ints beyond int64, other number types.
    raise Fallback


def _is_weak_zero(d: object) -> bool:
    """A Python number equal to 0: ``-1.5 / d`` raises ZeroDivisionError in NumPy."""
    return type(d) in (int, float, bool) and d == 0


def check_outputs(
    out: object, shape: tuple[int, ...], otype: np.dtype[Any], count: int
) -> list[NDArray[Any]]:
    """Checks ``out=``: ``count`` arrays of ``shape`` and ``otype`` (what would
    be returned), writable."""
    if isinstance(out, np.ndarray):
        outs = [out]
    elif isinstance(out, (tuple, list)):
        outs = list(out)
    else:
        raise TypeError(f"out must be an ndarray or a tuple of ndarrays, not {type(out).__name__}")
    for o in outs:
        if not isinstance(o, np.ndarray):
            raise TypeError(f"out must hold ndarrays, not {type(o).__name__}")
    if len(outs) != count:
        raise ValueError(f"out must have one array per output: expected {count}, got {len(outs)}")
    for o in outs:
        if o.shape != shape:
            raise ValueError(f"out array has shape {o.shape}, expected {shape}")
        if o.dtype != otype:
            raise TypeError(f"out array has dtype {o.dtype}, expected {otype}")
        if not o.flags.writeable:
            raise ValueError("out array is read-only")
    for i, o in enumerate(outs):
        for j in range(i):
            if np.shares_memory(o, outs[j]):
                raise ValueError(
                    f"out arrays must not share memory with one another; out[{j}] and out[{i}] do"
                )
    return outs


def unaliased(inputs: Sequence[NDArray[Any]], outs: Sequence[NDArray[Any]]) -> list[Any]:
    """``inputs``, each copied if it shares memory with an ``out=`` array
    (``out=f`` works, as with NumPy's ufuncs)."""
    return [
        a.copy() if any(np.may_share_memory(a, o) and np.shares_memory(a, o) for o in outs) else a
        for a in inputs
    ]


def _swapped(o: NDArray[Any], otype: np.dtype[Any]) -> NDArray[Any]:
    """``o`` in the byte order of ``otype``: in place, but for arrays of more
    than 32 dimensions, where NumPy 2.4's in-place byteswap of a
    non-contiguous array crashes the process (found by scripts/fuzz_numpy.py);
    those are converted by a copy."""
    if o.ndim > MAX_NDIM:
        return o.astype(otype)
    return o.byteswap(inplace=True).view(otype)


def _result(outs: Sequence[NDArray[Any]], count: int) -> Any:
    return outs[0] if count == 1 else tuple(outs)


def _compute(
    f: NDArray[Any],
    out: object,
    axes: tuple[int, ...],
    specs: list[AxisSpacing],
    schemes: list[AxisScheme],
    n_workers: int,
) -> Any:
    """Runs the kernel into fresh outputs or the checked `out=` arrays and
    returns an array for one axis, a tuple otherwise. Outputs are computed
    in native byte order; a byte-swapped input gets byte-swapped fresh
    outputs (as NumPy gives), a non-native `out=` array is filled by copy."""
    otype = output_dtype(f.dtype)
    native_otype = otype.newbyteorder("=")
    if out is None:
        outs = _ndgrad.empty_outputs(f, native_otype, len(axes))
        targets = outs
    else:
        outs = check_outputs(out, f.shape, otype, len(axes))
        targets = [o if o.dtype.isnative else np.empty_like(o, dtype=native_otype) for o in outs]
        [f] = unaliased([f], targets)
    run(f, targets, axes, specs, schemes, n_workers)
    if out is None:
        if not otype.isnative:
            # NumPy keeps a byte-swapped input's byte order in its output.
            outs = [_swapped(o, otype) for o in outs]
    else:
        for o, t in zip(outs, targets, strict=True):
            if o is not t:
                np.copyto(o, t)
    return _result(outs, len(axes))


def gradient(
    f: ArrayLike,
    *varargs: Any,
    axis: int | Sequence[int] | None = None,
    edge_order: int = EDGE_ORDER,
    accuracy: int | None = None,
    boundary: str | Sequence[str] = "one-sided",
    period: float | Sequence[float | None] | None = None,
    out: NDArray[Any] | Sequence[NDArray[Any]] | None = None,
    workers: int | None = None,
) -> Any:
    """
    Differentiate sampled data along each axis: ``numpy.gradient``, in Rust.

    Along each requested axis, every interior sample gets a second-order
    central difference: ``(f[i+1] - f[i-1]) / (2*h)`` for a step ``h``, and
    on uneven coordinates the three-point formula through ``f[i-1]``,
    ``f[i]`` and ``f[i+1]`` that is exact for quadratics. The first and last
    samples get a one-sided difference from the samples on their own side:
    two samples (first order) by default, three (second order) with
    ``edge_order=2``. Every output array thus has the shape of ``f``.

    With the default ``accuracy=None`` and ``boundary="one-sided"``, the
    arguments, the results (to the bit) and the exceptions are those of
    ``numpy.gradient``; ``workers`` and ``out`` are additions that change no
    result. ``accuracy`` asks for higher-order differences everywhere, ends
    included, and ``boundary="periodic"`` for axes that wrap around (see
    :func:`ndgrad.derivative` for the rules).

    Parameters
    ----------
    f : array_like
        The samples, one array axis per independent variable: float16,
        float32, float64, complex, integer, datetime64 or timedelta64 data
        (other dtypes are passed to ``numpy.gradient``, see Notes).
    *varargs : scalar or array_like, optional
        How far apart the samples are. Three forms are accepted:

        - nothing: a step of 1 along every axis;
        - one scalar: the same step along every differentiated axis;
        - one value per differentiated axis (in the order of ``axis`` when
          it is given), each either a scalar step or a 1-D array of the
          samples' coordinates along that axis, of the axis' length. Steps
          and coordinate arrays may be mixed.

        Coordinates need not be evenly spaced; when all their differences
        are equal, the step formulas are used with the first difference, as
        NumPy does. Any other number of spacing arguments is a
        ``TypeError``.
    axis : int, tuple of int or None, optional
        The axes to differentiate along, in the order the results are
        returned; a negative value counts back from the last axis. None (the
        default) means every axis of ``f``.
    edge_order : {1, 2}, default: 1
        The accuracy order of the one-sided differences at the two ends of
        each axis, NumPy's meaning and default. Not to be given with
        ``accuracy``, which sets the order at the ends too.
    accuracy : {None, 2, 4, 6, 8}, optional
        None (the default) is ``numpy.gradient``. An even order k gives
        k-th order accurate differences at every sample: central inside,
        one-sided windows pinned to the ends. ``accuracy=2`` is
        ``numpy.gradient(..., edge_order=2)``, bit for bit.
    boundary : {"one-sided", "periodic"} or sequence of them, optional
        One value for every axis, or one per requested axis. "periodic"
        wraps the axis around: the sample after the last is the first. With
        ``accuracy`` None or 2 this is ``numpy.gradient`` of the
        wrap-padded array, bit for bit.
    period : float or sequence of float or None, optional
        The period of each periodic axis that has coordinates (required for
        them, and greater than ``x[-1] - x[0]``); None for axes with a
        scalar step, whose period is ``n * h``.
    workers : int, optional
        Maximum number of threads. The default uses every core for large
        arrays and one thread for small ones; negative values count back
        from the number of CPUs (-1 is all of them), as in ``scipy.fft``.
        Results do not depend on it.
    out : ndarray or tuple of ndarray, optional
        Arrays to write the gradient into, one per axis, with the shape and
        dtype that would be returned (any memory layout). They are returned.

    Returns
    -------
    gradient : ndarray or tuple of ndarray
        The derivative along each requested axis, with the shape of ``f``:
        one array when a single axis is differentiated, otherwise a tuple
        in the order of the axes. The dtype is the one NumPy returns:
        floating, complex and timedelta64 data keep theirs, integers give
        float64 and datetime64 gives timedelta64 of the same unit.

    Notes
    -----
    The examples differentiate the same data as the examples of
    ``numpy.gradient`` (NumPy is BSD-3-Clause licensed), so the two can be
    compared line by line.

    ndarray subclasses (masked arrays, ``np.matrix``), object, longdouble
    and clongdouble arrays, and complex or longdouble spacings are passed to
    ``numpy.gradient`` itself. The floating-point ``RuntimeWarning`` that
    NumPy may emit (division by zero and the like) is not emitted.

    Examples
    --------
    >>> import numpy as np
    >>> import ndgrad
    >>> f = np.array([1, 2, 4, 7, 11, 16])
    >>> ndgrad.gradient(f)
    array([1. , 1.5, 2.5, 3.5, 4.5, 5. ])
    >>> ndgrad.gradient(f, 2)
    array([0.5 ,  0.75,  1.25,  1.75,  2.25,  2.5 ])

    The spacing may instead be the samples' coordinates, evenly spaced or
    not:

    >>> x = np.arange(f.size)
    >>> ndgrad.gradient(f, x)
    array([1. ,  1.5,  2.5,  3.5,  4.5,  5. ])
    >>> x = np.array([0., 1., 1.5, 3.5, 4., 6.])
    >>> ndgrad.gradient(f, x)
    array([1. ,  3. ,  3.5,  6.7,  6.9,  2.5])

    A 2-D array gives two arrays, in axis order: the derivative along
    axis 0 (from row to row), then along axis 1 (from column to column):

    >>> ndgrad.gradient(np.array([[1, 2, 6], [3, 4, 5]]))
    (array([[ 2.,  2., -1.],
           [ 2.,  2., -1.]]), array([[1. , 2.5, 4. ],
           [1. , 1. , 1. ]]))

    The axis keyword selects axes, and edge_order the accuracy at the ends:

    >>> ndgrad.gradient(np.array([[1, 2, 6], [3, 4, 5]]), axis=0)
    array([[ 2.,  2., -1.],
           [ 2.,  2., -1.]])
    >>> x = np.array([0, 1, 2, 3, 4])
    >>> ndgrad.gradient(x**2 + 1, edge_order=2)
    array([0., 2., 4., 6., 8.])

    Results can be written into existing arrays:

    >>> res = np.empty(6)
    >>> ndgrad.gradient(f, out=res) is res
    True

    Beyond NumPy: fourth-order differences are exact for quartics, ends
    included, and a periodic axis wraps around:

    >>> ndgrad.gradient(np.arange(6.0) ** 4, accuracy=4)
    array([  0.,   4.,  32., 108., 256., 500.])
    >>> ndgrad.gradient(np.array([0.0, 1.0, 0.0, -1.0]), boundary="periodic")
    array([ 1.,  0., -1.,  0.])
    """
    if not is_numpy_call(1, accuracy, boundary, period):
        no_edge_order_with_accuracy(edge_order, accuracy)
        return schemes(
            f, varargs, axis, 1, accuracy, edge_order, boundary, period, out, workers, "gradient"
        )
    edge_order = edge_order_value(edge_order)
    if (
        (axis is None or type(axis) is int)
        and out is None
        and type(f) is np.ndarray
        and type(edge_order) is int
        and 1 <= edge_order <= 2
    ):
        # The common calls, read in Rust (None: this call needs the rules below).
        res = _ndgrad.gradient_fast(f, varargs, axis, edge_order, workers_arg(workers))
        if res is not None:
            return res
    f = np.asanyarray(f)
    n_workers = workers_arg(workers)
    entry = _ENTRY.get((f.dtype.kind, f.dtype.itemsize))
    if type(f) is not np.ndarray or entry is None:
        return _fallback(f, varargs, axis, edge_order, out)
    try:
        args = parse(f.shape, varargs, axis, edge_order)
        specs = [spec(d) for d in args.dx]
    except Fallback:
        return _fallback(f, varargs, axis, edge_order, out)
    except Exception as ours:
        raise _numpys_error(f, varargs, axis, edge_order, ours) from None
    numpy_schemes = [numpy_scheme(args.edge_order)] * len(args.axes)
    return _compute(f, out, args.axes, specs, numpy_schemes, n_workers)


ASK_NUMPY_BYTES = 32 << 20
"""The largest input for which a refused call is replayed by NumPy
(:func:`_numpys_error`)."""


def _numpys_error(
    f: NDArray[Any], varargs: tuple[Any, ...], axis: Any, edge_order: Any, ours: Exception
) -> Exception:
    """The exception for a call that ``numpy.gradient``'s rules refuse: the
    one NumPy raises.

    NumPy converts every spacing argument first, then checks each axis in
    turn with that axis' arithmetic in between (its length, then dtype
    errors such as a float step on datetime64 data, then the next axis).
    When several arguments are wrong, which error comes first so depends on
    work ndgrad does not do in that order; NumPy itself is asked. It
    computes the axes before the failing one in full, so only inputs of up
    to :data:`ASK_NUMPY_BYTES` are replayed; above that ndgrad's own error
    (the same class whenever one argument alone is wrong) is raised."""
    if f.nbytes > ASK_NUMPY_BYTES:
        return ours
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            _numpy_gradient(_native_dates(f), *varargs, axis=axis, edge_order=edge_order)
    except Exception as theirs:
        return theirs
    return ours


def _native_dates(f: NDArray[Any]) -> NDArray[Any]:
    """``f``, with a byte-swapped datetime64 array in native order: NumPy's
    gradient reads those bytes as native timedelta64 (garbage), where
    ndgrad's documented result is the dates' differences."""
    if f.dtype.kind == "M" and not f.dtype.isnative:
        return f.astype(f.dtype.newbyteorder("="))
    return f


def derivative(
    f: ArrayLike,
    *varargs: Any,
    order: int,
    axis: int | Sequence[int] | None = None,
    accuracy: int | None = 2,
    boundary: str | Sequence[str] = "one-sided",
    period: float | Sequence[float | None] | None = None,
    out: NDArray[Any] | Sequence[NDArray[Any]] | None = None,
    workers: int | None = None,
) -> Any:
    """
    Return the ``order``-th derivative of sampled data along each axis.

    Finite differences of derivative order d (``order``, 1 to 4) and
    accuracy order k (``accuracy``: 2, 4, 6 or 8) along each requested axis
    of an array of n samples:

    - inside, the central window of ``w_c = 2*((d + 1) // 2) - 1 + k``
      samples (half-width ``h = (w_c - 1) // 2``) at every row where it
      fits;
    - at the h rows nearest each end, the ``k + d`` samples at that end,
      the same window for all of those rows (pinned to the end);
    - ``boundary="periodic"``: the central window at every row, indices
      wrapping around; with coordinates, the samples beyond the ends sit at
      ``x[j] - period`` (left) and ``x[j] + period`` (right).

    The weights are the exact finite-difference weights of the window's
    coordinates at the row's (Fornberg's algorithm): exact rationals over
    ``h**d`` for a scalar step, computed in float64 from the coordinates
    otherwise. ``derivative(f, order=1, accuracy=k)`` is
    ``gradient(f, accuracy=k)``, bit for bit.

    Parameters
    ----------
    f : array_like
        Samples of a function: float, complex or integer data.
    *varargs : scalar or array_like, optional
        The spacing, as for :func:`ndgrad.gradient` (``numpy.gradient``):
        nothing (unit step), one scalar step, or one scalar step or 1-D
        coordinate array per axis. Coordinates must be finite and strictly
        monotonic (increasing on a periodic axis).
    order : {1, 2, 3, 4}
        The derivative order d.
    axis : int, tuple of int or None, optional
        The axes to differentiate along (default: all).
    accuracy : {2, 4, 6, 8}, optional
        The accuracy order k (default 2). None with ``order=1`` is
        ``numpy.gradient``.
    boundary : {"one-sided", "periodic"} or sequence of them, optional
        One value for every axis, or one per requested axis.
    period : float or sequence of float or None, optional
        The period of each periodic axis with coordinates (required for
        them, greater than ``x[-1] - x[0]``); None for scalar steps (the
        period is then ``n * h``).
    out : ndarray or tuple of ndarray, optional
        Arrays to write into, one per axis, of the returned shape and dtype.
    workers : int, optional
        Maximum number of threads, as for :func:`ndgrad.gradient`.

    Returns
    -------
    ndarray or tuple of ndarray
        One array per requested axis (a single array for one axis), of
        ``f``'s shape and ``numpy.gradient``'s dtype for the same data
        (float32 stays float32, integers give float64, float16 data are
        accumulated in float32 and rounded once).

    Raises
    ------
    ValueError
        A bad order, accuracy, boundary or period; an axis with fewer
        samples than the scheme needs (``k + d`` one-sided, ``w_c``
        periodic); repeated, non-finite or unordered coordinates; a zero
        or non-finite step.
    TypeError
        Arguments of the wrong type, and data these schemes do not take
        (timedelta64/datetime64, object, bool, ndarray subclasses).

    Examples
    --------
    >>> import numpy as np
    >>> import ndgrad
    >>> x = np.arange(7.0)
    >>> ndgrad.derivative(x**3, order=2)  # exact for cubics, ends included
    array([ 0.,  6., 12., 18., 24., 30., 36.])
    >>> ndgrad.derivative(x**4, order=3)  # 24 x: exact for degree <= k + d - 1
    array([  0.,  24.,  48.,  72.,  96., 120., 144.])
    >>> theta = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    >>> d2 = ndgrad.derivative(np.sin(theta), theta, order=2, accuracy=8,
    ...                        boundary="periodic", period=2 * np.pi)
    >>> bool(np.abs(d2 + np.sin(theta)).max() < 1e-5)
    True
    """
    return schemes(
        f, varargs, axis, order, accuracy, EDGE_ORDER, boundary, period, out, workers, "derivative"
    )


def set_output_cache(nbytes: int) -> int:
    """Set how many bytes of freed outputs ndgrad keeps for reuse.

    A fresh output array costs its page faults, often more than the
    arithmetic: the C library gives large freed blocks back to the system,
    so a loop that differentiates a 316 x 316 image and drops the results
    faults in every output anew. ndgrad therefore allocates the outputs it
    returns through a NumPy memory handler (NEP 49, named
    ``"ndgrad_output_cache"``) that keeps the blocks of outputs that have
    been freed (those of 128 KiB or more), up to ``nbytes`` in all (oldest
    out first), and gives one back when an output of exactly that size is
    next needed. Everything else goes to the C library, as with NumPy's
    default handler (huge pages included). The arrays themselves are ordinary NumPy arrays that
    own their memory.

    Parameters
    ----------
    nbytes : int
        The most bytes to keep, 64 MiB by default. 0 keeps nothing (and
        frees what is kept).

    Returns
    -------
    int
        The previous limit.

    Examples
    --------
    >>> import ndgrad
    >>> previous = ndgrad.set_output_cache(0)  # no caching
    >>> ndgrad.set_output_cache(previous)
    0
    """
    n = operator.index(nbytes)
    if n < 0:
        raise ValueError(f"nbytes must be >= 0, got {n}")
    return _ndgrad.set_output_cache(n)


class Plan(NamedTuple):
    """A checked call, as the kernels take it."""

    f: NDArray[Any]
    axes: tuple[int, ...]
    specs: list[AxisSpacing]
    schemes: list[AxisScheme]


def scheme_plan(
    f: ArrayLike,
    varargs: tuple[Any, ...],
    axis: Any,
    order: object,
    accuracy: object,
    edge_order: object,
    boundary: object,
    period: object,
    caller: str,
    what: str = "with accuracy or boundary",
) -> Plan:
    """Checks the arguments of the higher-order and periodic schemes (the
    lengths are left to the kernels, whose error names what is needed)."""
    d = check_int("order", order, ORDERS, none_ok=False)
    assert d is not None
    k = check_int("accuracy", accuracy, ACCURACIES, none_ok=d == 1)
    if k is None and edge_order_given(edge_order):
        edge_order = operator.index(edge_order)  # type: ignore[arg-type]
    f = np.asanyarray(f)
    if type(f) is not np.ndarray:
        raise TypeError(f"{caller} {what} takes plain ndarrays; got {type(f).__name__}")
    kind = f.dtype.kind
    if kind in "mM" or kernel(f.dtype) is None:
        raise TypeError(
            f"{caller} {what} takes float, complex or integer data; got dtype {f.dtype}"
        )
    args = parse(f.shape, varargs, axis, edge_order_value(edge_order), lengths=False)
    bounds = boundaries(boundary, period, len(args.axes))
    if k is not None:
        for dx in args.dx:
            if dx is not UNIT:
                check_step(dx)
    try:
        specs = [spec(dx) for dx in args.dx]
    except Fallback:
        raise TypeError(
            f"{caller} {what} takes float or integer steps and "
            "coordinates (up to float64, int64 or uint64)"
        ) from None
    kernel_schemes = [AxisScheme(d, k, args.edge_order, p, per) for p, per in bounds]
    return Plan(f, args.axes, specs, kernel_schemes)


def schemes(
    f: ArrayLike,
    varargs: tuple[Any, ...],
    axis: Any,
    order: object,
    accuracy: object,
    edge_order: object,
    boundary: object,
    period: object,
    out: object,
    workers: int | None,
    caller: str,
) -> Any:
    """The higher-order and periodic schemes behind ``gradient`` and ``derivative``."""
    n_workers = workers_arg(workers)
    plan = scheme_plan(f, varargs, axis, order, accuracy, edge_order, boundary, period, caller)
    return _compute(plan.f, out, plan.axes, plan.specs, plan.schemes, n_workers)


class Args(NamedTuple):
    """numpy.gradient's arguments, checked and normalised."""

    axes: tuple[int, ...]
    """The requested axes, non-negative, in the order given."""
    dx: list[object]
    """Per axis: ``UNIT``, the scalar step as given, or the 1-D coordinates."""
    edge_order: int
    """1 or 2 (NumPy treats every ``edge_order`` but 1 as second order)."""


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


def kernel(dtype: np.dtype[Any]) -> _Entry | None:
    """The Rust entry point for data of ``dtype``, or None if NumPy must do it."""
    return _ENTRY.get((dtype.kind, dtype.itemsize))


def output_dtype(dtype: np.dtype[Any]) -> np.dtype[Any]:
    """The dtype numpy.gradient returns for data of ``dtype`` (one ``kernel`` takes)."""
    if dtype.kind == "M":
        return np.dtype(dtype.name.replace("datetime", "timedelta"))
    if dtype.kind in "iu":
        return np.dtype(np.float64)
    return dtype


def run(
    f: NDArray[Any],
    targets: Sequence[NDArray[Any]],
    axes: Sequence[int],
    specs: Sequence[AxisSpacing],
    schemes: Sequence[AxisScheme],
    workers: int,
) -> None:
    """The Rust kernel for ``f``'s dtype, writing into native-order ``targets``.

    The kernels take at most :data:`MAX_NDIM` dimensions. A derivative
    along one axis does not see how the other axes are arranged, so a
    larger array is folded to ``(before, n, after)`` around each
    differentiated axis: the same values, one axis at a time."""
    if f.ndim > MAX_NDIM:
        for ax, t, sp, sc in zip(axes, targets, specs, schemes, strict=True):
            folded = (math.prod(f.shape[:ax]), f.shape[ax], math.prod(f.shape[ax + 1 :]))
            dest = t.view()
            try:
                dest.shape = folded  # a view, when the layout allows it
                copy = False
            except AttributeError:
                dest, copy = np.empty(folded, dtype=t.dtype), True
            run(f.reshape(folded), [dest], [1], [sp], [sc], workers)
            if copy:
                np.copyto(t, dest.reshape(t.shape))
        return
    entry = _ENTRY[(f.dtype.kind, f.dtype.itemsize)]
    src = native(f)
    if f.dtype.kind in "mM":
        src = src.view(np.int64)
        views = [t.view(np.int64) for t in targets]
    else:
        views = list(targets)
    entry(src, views, list(axes), list(specs), list(schemes), workers)


def _fallback(
    f: NDArray[Any], varargs: tuple[Any, ...], axis: Any, edge_order: Any, out: object
) -> Any:
    """numpy.gradient itself, with ``out=`` honoured (and a byte-swapped
    datetime64 array read in native order, as the kernels read it)."""
    res = _numpy_gradient(_native_dates(f), *varargs, axis=axis, edge_order=edge_order)
    if out is None:
        return res
    results = [res] if isinstance(res, np.ndarray) else list(res)
    outs = check_outputs(out, f.shape, results[0].dtype, len(results))
    for o, r in zip(outs, results, strict=True):
        np.copyto(o, r)
    return _result(outs, len(results))
