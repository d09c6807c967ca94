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

import operator
import os
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

# The real numpy.gradient, captured before anyone can patch `numpy.gradient`
# with ours (NumPy's own test-suite run does exactly that).
from numpy.lib._function_base_impl import gradient as _numpy_gradient
from numpy.lib.array_utils import normalize_axis_tuple
from numpy.typing import ArrayLike, NDArray

from ndgrad import _ndgrad

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

Spec = tuple[str, str | None, NDArray[Any] | None]


def code(dtype: np.dtype[Any]) -> str:
    """``'f8'``, ``'i2'``…: the dtype without its byte order."""
    return f"{dtype.kind}{dtype.itemsize}"


def native(a: NDArray[Any]) -> NDArray[Any]:
    return a if a.dtype.isnative else a.astype(a.dtype.newbyteorder("="))


def spec(d: object) -> Spec:
    """How one axis' spacing is passed to Rust, and with which promotion."""
    if d is UNIT:
        return ("unit", None, None)
    if isinstance(d, np.ndarray) and d.ndim == 1:
        if type(d) is not np.ndarray or (d.dtype.kind, d.dtype.itemsize) not in SPACING_KINDS:
            raise Fallback
        return ("coords", code(d.dtype), native(d))
    if isinstance(d, (np.generic, np.ndarray)):
        # A NumPy scalar or 0-d array: strong promotion (NEP 50).
        a = np.asarray(d)
        if (a.dtype.kind, a.dtype.itemsize) not in SPACING_KINDS:
            raise Fallback
        return ("strong", code(a.dtype), native(a.reshape(1)))
    if isinstance(d, bool):
        # NumPy's handling of a bool step depends on the data's dtype.
        raise Fallback
    if isinstance(d, float):
        return ("weak", "f8", np.array([d], dtype=np.float64))
    if isinstance(d, int) and _INT64.min <= d <= _INT64.max:
        return ("weak", "i8", np.array([d], dtype=np.int64))
    # Complex numbers, ints beyond int64, other number types.
    raise Fallback


def _is_weak_zero(d: object) -> bool:
    """A Python number equal to 0: ``-1.5 / d`` raises ZeroDivisionError in NumPy."""
    return type(d) in (int, float, bool) and d == 0


def _workers(workers: int | None) -> int:
    """0 means "every thread, when the array is large enough"."""
    if workers is None:
        return 0
    n = operator.index(workers)
    if n == 0:
        raise ValueError("workers must not be 0")
    if n < 0:
        # As scipy.fft: -1 is every CPU, -2 all but one, ...
        n = max(1, (os.cpu_count() or 1) + 1 + n)
    return n


def _outputs(out: object, f: NDArray[Any], otype: np.dtype[Any], count: int) -> list[NDArray[Any]]:
    """Checks ``out=`` against the shape and dtype numpy.gradient would return."""
    if isinstance(out, np.ndarray):
        outs = [out]
    elif isinstance(out, (tuple, list)):
        outs = list(out)
    else:
        raise TypeError(f"out must be an ndarray or a tuple of ndarrays, not {type(out).__name__}")
    if len(outs) != count:
        raise ValueError(f"out must have one array per axis: expected {count}, got {len(outs)}")
    for o in outs:
        if not isinstance(o, np.ndarray):
            raise TypeError(f"out must hold ndarrays, not {type(o).__name__}")
        if o.shape != f.shape:
            raise ValueError(f"out array has shape {o.shape}, expected {f.shape}")
        if o.dtype != otype:
            raise TypeError(f"out array has dtype {o.dtype}, expected {otype}")
        if not o.flags.writeable:
            raise ValueError("out array is read-only")
    return outs


def _result(outs: Sequence[NDArray[Any]], count: int) -> Any:
    return outs[0] if count == 1 else tuple(outs)


def gradient(
    f: ArrayLike,
    *varargs: Any,
    axis: int | Sequence[int] | None = None,
    edge_order: int = 1,
    workers: int | None = None,
    out: NDArray[Any] | Sequence[NDArray[Any]] | None = None,
) -> Any:
    """
    Return the gradient of an N-dimensional array: ``numpy.gradient``, in Rust.

    The gradient is computed using second order accurate central differences
    in the interior points and either first or second order accurate
    one-sides (forward or backwards) differences at the boundaries. The
    returned gradient hence has the same shape as the input array.

    The arguments, the results (to the bit) and the exceptions are those of
    ``numpy.gradient``; ``workers`` and ``out`` are additions that change no
    result.

    Parameters
    ----------
    f : array_like
        An N-dimensional array containing samples of a scalar function.
    *varargs : list of scalar or array, optional
        Spacing between f values. Default unitary spacing for all dimensions.
        Spacing can be specified using:

        1. single scalar to specify a sample distance for all dimensions.
        2. N scalars to specify a constant sample distance for each dimension.
        3. N arrays to specify the coordinates of the values along each
           dimension of F. The length of the array must match the size of
           the corresponding dimension
        4. Any combination of N scalars/arrays with the meaning of 2. and 3.

        If `axis` is given, the number of varargs must equal the number of
        axes.
    axis : None or int or tuple of ints, optional
        Gradient is calculated only along the given axis or axes.
        The default (axis = None) is to calculate the gradient for all the
        axes of the input array. axis may be negative, in which case it
        counts from the last to the first axis.
    edge_order : {1, 2}, optional
        Gradient is calculated using N-th order accurate differences
        at the boundaries. Default: 1.
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
        A tuple of ndarrays (or a single ndarray if there is only one
        dimension) corresponding to the derivatives of f with respect to
        each dimension. Each derivative has the same shape as f.

    Notes
    -----
    The parameter descriptions and examples are adapted from NumPy's
    docstring (BSD-3-Clause), since the behaviour is NumPy's.

    ndarray subclasses (masked arrays, ``np.matrix``), object, longdouble
    and clongdouble arrays, and complex or longdouble spacings are passed to
    ``numpy.gradient`` itself. NumPy's floating-point ``RuntimeWarning``s
    (division by zero and the like) are not emitted.

    Examples
    --------
    >>> import numpy as np
    >>> import ndgrad
    >>> f = np.array([1, 2, 4, 7, 11, 16])
    >>> ndgrad.gradient(f)
    array([1. , 1.5, 2.5, 3.5, 4.5, 5. ])
    >>> ndgrad.gradient(f, 2)
    array([0.5 ,  0.75,  1.25,  1.75,  2.25,  2.5 ])

    Spacing can also be specified with an array that represents the
    coordinates of the values F along the dimensions:

    >>> x = np.arange(f.size)
    >>> ndgrad.gradient(f, x)
    array([1. ,  1.5,  2.5,  3.5,  4.5,  5. ])
    >>> x = np.array([0., 1., 1.5, 3.5, 4., 6.])
    >>> ndgrad.gradient(f, x)
    array([1. ,  3. ,  3.5,  6.7,  6.9,  2.5])

    For two dimensional arrays, the return will be two arrays ordered by
    axis. In this example the first array stands for the gradient in rows
    and the second one in columns direction:

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
    """
    f = np.asanyarray(f)
    n_workers = _workers(workers)
    entry = _ENTRY.get((f.dtype.kind, f.dtype.itemsize))
    if type(f) is not np.ndarray or entry is None:
        return _fallback(f, varargs, axis, edge_order, out)
    try:
        args = parse(f.shape, varargs, axis, edge_order)
        specs = [spec(d) for d in args.dx]
    except Fallback:
        return _fallback(f, varargs, axis, edge_order, out)
    len_axes = len(args.axes)

    otype = output_dtype(f.dtype)
    native_otype = otype.newbyteorder("=")
    if out is None:
        outs = [np.empty_like(f, dtype=native_otype) for _ in args.axes]
        targets = outs
    else:
        outs = _outputs(out, f, otype, len_axes)
        # Non-native outputs are computed natively and copied at the end.
        targets = [o if o.dtype.isnative else np.empty_like(o, dtype=native_otype) for o in outs]
    run(f, targets, args.axes, specs, args.edge_order, n_workers)

    if out is None:
        if not otype.isnative:
            # NumPy keeps a byte-swapped input's byte order in its output.
            outs = [o.byteswap(inplace=True).view(otype) for o in outs]
    else:
        for o, t in zip(outs, targets, strict=True):
            if o is not t:
                np.copyto(o, t)
    return _result(outs, len_axes)


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
) -> Args:
    """numpy.gradient's argument checks, in its order, for an array of ``shape``.

    Raises NumPy's exception for every argument NumPy rejects, or
    ``Fallback`` where numpy.gradient itself must answer (its IndexErrors).
    ``asarray`` converts each spacing as NumPy does; the Dask adapter passes
    one that leaves Dask arrays lazy (they have ``ndim``, ``len`` and
    ``dtype``).
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
            if len(distances) < 2:
                # NumPy fails on `np.diff(distances)[0]` (an IndexError) here.
                raise Fallback
            dx[i] = distances
    else:
        raise TypeError("invalid number of arguments")

    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    first_order = edge_order == 1

    for ax, d in zip(axes, dx, strict=True):
        if shape[ax] < edge_order + 1:
            raise ValueError(
                "Shape of array too small to calculate a numerical gradient, "
                "at least (edge_order + 1) elements are required."
            )
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
    specs: Sequence[Spec],
    edge_order: int,
    workers: int,
) -> None:
    """The Rust kernel for ``f``'s dtype, writing into native-order ``targets``."""
    entry = _ENTRY[(f.dtype.kind, f.dtype.itemsize)]
    src = native(f)
    if f.dtype.kind in "mM":
        src = src.view(np.int64)
        views = [t.view(np.int64) for t in targets]
    else:
        views = list(targets)
    entry(src, views, list(axes), list(specs), edge_order, workers)


def _fallback(
    f: NDArray[Any], varargs: tuple[Any, ...], axis: Any, edge_order: Any, out: object
) -> Any:
    """numpy.gradient itself, with ``out=`` honoured."""
    res = _numpy_gradient(f, *varargs, axis=axis, edge_order=edge_order)
    if out is None:
        return res
    results = [res] if isinstance(res, np.ndarray) else list(res)
    outs = _outputs(out, f, results[0].dtype, len(results))
    for o, r in zip(outs, results, strict=True):
        np.copyto(o, r)
    return _result(outs, len(results))
