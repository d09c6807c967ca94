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
from collections.abc import Sequence
from typing import Any

import numpy as np

# The real numpy.gradient, captured before anyone can patch `numpy.gradient`
# with ours (NumPy's own test-suite run does exactly that).
from numpy.lib._function_base_impl import gradient as _numpy_gradient
from numpy.typing import ArrayLike, NDArray

from ndgrad import _ndgrad
from ndgrad._call import (
    EDGE_ORDER,
    MAX_NDIM,
    UNIT_SPACING,
    AxisScheme,
    AxisSpacing,
    Call,
    Options,
    check_step,
    coords_spacing,
    dtype_code,
    edge_order_value,
    entry,
    is_numpy_call,
    named,
    native,
    numpy_scheme,
    parse,
    resolve,
    workers_arg,
)

# `_dask_graph` reads these two here.
from ndgrad._call import UNIT as UNIT
from ndgrad._call import Fallback as Fallback

# Spacing dtypes the kernels take: floats up to double, every integer.
SPACING_KINDS = {("f", 2), ("f", 4), ("f", 8)} | {(k, n) for k in "iu" for n in (1, 2, 4, 8)}

_INT64 = np.iinfo(np.int64)


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


def check_outputs(
    out: object, shape: tuple[int, ...], otype: np.dtype[Any], count: int, caller: str
) -> list[NDArray[Any]]:
    """Checks ``out=`` of a call of ``caller``: ``count`` arrays of ``shape``
    and ``otype`` (what would be returned), writable."""
    if isinstance(out, np.ndarray):
        outs = [out]
    elif isinstance(out, (tuple, list)):
        outs = list(out)
    else:
        raise TypeError(
            f"{caller}: out must be an ndarray or a tuple of ndarrays, not {type(out).__name__}"
        )
    for o in outs:
        if not isinstance(o, np.ndarray):
            raise TypeError(f"{caller}: out must hold ndarrays, not {type(o).__name__}")
    if len(outs) != count:
        raise ValueError(
            f"{caller}: out must have one array per output: expected {count}, got {len(outs)}"
        )
    for o in outs:
        if o.shape != shape:
            raise ValueError(f"{caller}: out array has shape {o.shape}, expected {shape}")
        if o.dtype != otype:
            raise TypeError(f"{caller}: out array has dtype {o.dtype}, expected {otype}")
        if not o.flags.writeable:
            raise ValueError(f"{caller}: out array is read-only")
    for i, o in enumerate(outs):
        for j in range(i):
            if np.shares_memory(o, outs[j]):
                raise ValueError(
                    f"{caller}: out arrays must not share memory with one another; out[{j}] "
                    f"and out[{i}] do"
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
    caller: str,
) -> Any:
    """Runs the kernel into fresh outputs or the checked `out=` arrays and
    returns an array for one axis, a tuple otherwise. Outputs are computed
    in native byte order; a byte-swapped input gets byte-swapped fresh
    outputs (as NumPy gives), a non-native `out=` array is filled by copy.
    The errors name ``caller``."""
    otype = output_dtype(f.dtype)
    native_otype = otype.newbyteorder("=")
    if out is None:
        outs = _ndgrad.empty_outputs(f, native_otype, len(axes))
        targets = outs
    else:
        outs = check_outputs(out, f.shape, otype, len(axes), caller)
        targets = [o if o.dtype.isnative else np.empty_like(o, dtype=native_otype) for o in outs]
        [f] = unaliased([f], targets)
    try:
        run(f, targets, axes, specs, schemes, n_workers)
    except ValueError as e:
        raise named(caller, e) from None
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
        options = Options(
            accuracy=accuracy, edge_order=edge_order, boundary=boundary, period=period
        )
        what = " with accuracy or boundary"
        return _schemes("ndgrad.gradient", what, f, varargs, axis, options, out, workers)
    edge_order = edge_order_value(edge_order)
    if (
        (axis is None or type(axis) is int)
        and out is None
        and type(f) is np.ndarray
        and type(edge_order) is int
        and 1 <= edge_order <= 2
    ):
        # The common calls, read in Rust (None: this call needs the rules below).
        n_workers = workers_arg(workers, "ndgrad.gradient")
        res = _ndgrad.gradient_fast(f, varargs, axis, edge_order, n_workers)
        if res is not None:
            return res
    f = np.asanyarray(f)
    n_workers = workers_arg(workers, "ndgrad.gradient")
    if type(f) is not np.ndarray or entry(f.dtype) is None:
        return _fallback(f, varargs, axis, edge_order, out)
    try:
        args = parse(f.shape, varargs, axis, edge_order)
        spacings = [spec(d) for d in args.dx]
    except Fallback:
        return _fallback(f, varargs, axis, edge_order, out)
    except Exception as ours:
        raise _numpys_error(f, varargs, axis, edge_order, ours) from None
    numpy_schemes = [numpy_scheme(args.edge_order)] * len(args.axes)
    return _compute(f, out, args.axes, spacings, numpy_schemes, n_workers, "ndgrad.gradient")


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
    options = Options(order=order, accuracy=accuracy, boundary=boundary, period=period)
    return _schemes("ndgrad.derivative", "", f, varargs, axis, options, out, workers)


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
        raise ValueError(f"ndgrad.set_output_cache: nbytes must be >= 0, got {n}")
    return _ndgrad.set_output_cache(n)


def _schemes(
    caller: str,
    what: str,
    f: ArrayLike,
    varargs: tuple[Any, ...],
    axis: Any,
    options: Options,
    out: object,
    workers: int | None,
) -> Any:
    """``gradient`` and ``derivative`` beyond NumPy's call (``what`` says
    which call, in the data's error)."""
    n_workers = workers_arg(workers, caller)
    a = data(f, caller, what)
    call = resolve(a.shape, varargs, axis, options, caller)
    return _compute(a, out, call.axes, specs(call), list(call.schemes), n_workers, caller)


def data(f: ArrayLike, caller: str, what: str = "", real: bool = False) -> NDArray[Any]:
    """``f`` as a plain ndarray of a dtype the kernels take beyond NumPy's
    formulas: float, complex (unless ``real``) or integer data."""
    a = np.asanyarray(f)
    if type(a) is not np.ndarray:
        raise TypeError(f"{caller}{what} takes plain ndarrays; got {type(a).__name__}")
    if real and a.dtype.kind == "c":
        raise TypeError(
            f"{caller} takes real data; got dtype {a.dtype} (for complex data, "
            "np.sqrt(sum(abs(g) ** 2 for g in gradients)) is the modulus of the gradient)"
        )
    if a.dtype.kind in "mM" or entry(a.dtype) is None:
        kinds = "float or integer" if real else "float, complex or integer"
        raise TypeError(f"{caller}{what} takes {kinds} data; got dtype {a.dtype}")
    return a


def specs(call: Call) -> list[AxisSpacing]:
    """The kernels' spacing of each axis of ``call`` (the step of a
    higher-order scheme checked first)."""
    if call.accuracy is not None:
        for dx in call.dx:
            if dx is not UNIT:
                check_step(dx, call.caller)
    try:
        return [spec(dx) for dx in call.dx]
    except Fallback:
        raise spacing_error(call.caller) from None


def spacing_error(caller: str) -> TypeError:
    """The error for a spacing only ``numpy.gradient`` itself takes."""
    return TypeError(
        f"{caller} takes float or integer steps and coordinates of length >= 2 "
        "(up to float64, int64 or uint64)"
    )


def output_dtype(dtype: np.dtype[Any]) -> np.dtype[Any]:
    """The dtype numpy.gradient returns for data of ``dtype`` (one ``entry`` takes)."""
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
    run_dtype = entry(f.dtype)
    assert run_dtype is not None  # the callers checked the dtype
    src = native(f)
    if f.dtype.kind in "mM":
        src = src.view(np.int64)
        views = [t.view(np.int64) for t in targets]
    else:
        views = list(targets)
    run_dtype("gradient", [src], views, list(axes), list(specs), list(schemes), workers)


def _fallback(
    f: NDArray[Any], varargs: tuple[Any, ...], axis: Any, edge_order: Any, out: object
) -> Any:
    """numpy.gradient itself, with ``out=`` honoured (and a byte-swapped
    datetime64 array read in native order, as the kernels read it)."""
    res = _numpy_gradient(_native_dates(f), *varargs, axis=axis, edge_order=edge_order)
    if out is None:
        return res
    results = [res] if isinstance(res, np.ndarray) else list(res)
    outs = check_outputs(out, f.shape, results[0].dtype, len(results), "ndgrad.gradient")
    for o, r in zip(outs, results, strict=True):
        np.copyto(o, r)
    return _result(outs, len(results))
