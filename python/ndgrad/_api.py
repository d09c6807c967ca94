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
from typing import Any

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
_SPACING_KINDS = {("f", 2), ("f", 4), ("f", 8)} | {(k, n) for k in "iu" for n in (1, 2, 4, 8)}

_INT64 = np.iinfo(np.int64)


class _Fallback(Exception):
    """Raised internally when numpy.gradient itself must handle the call."""


class _Unit:
    """NumPy's default spacing: the Python float 1.0 on every axis."""


_UNIT = _Unit()

_Spec = tuple[str, str | None, NDArray[Any] | None]


def _code(dtype: np.dtype[Any]) -> str:
    """``'f8'``, ``'i2'``…: the dtype without its byte order."""
    return f"{dtype.kind}{dtype.itemsize}"


def _native(a: NDArray[Any]) -> NDArray[Any]:
    return a if a.dtype.isnative else a.astype(a.dtype.newbyteorder("="))


def _spec(d: object) -> _Spec:
    """How one axis' spacing is passed to Rust, and with which promotion."""
    if d is _UNIT:
        return ("unit", None, None)
    if isinstance(d, np.ndarray) and d.ndim == 1:
        if type(d) is not np.ndarray or (d.dtype.kind, d.dtype.itemsize) not in _SPACING_KINDS:
            raise _Fallback
        return ("coords", _code(d.dtype), _native(d))
    if isinstance(d, (np.generic, np.ndarray)):
        # A NumPy scalar or 0-d array: strong promotion (NEP 50).
        a = np.asarray(d)
        if (a.dtype.kind, a.dtype.itemsize) not in _SPACING_KINDS:
            raise _Fallback
        return ("strong", _code(a.dtype), _native(a.reshape(1)))
    if isinstance(d, bool):
        # NumPy's handling of a bool step depends on the data's dtype.
        raise _Fallback
    if isinstance(d, float):
        return ("weak", "f8", np.array([d], dtype=np.float64))
    if isinstance(d, int) and _INT64.min <= d <= _INT64.max:
        return ("weak", "i8", np.array([d], dtype=np.int64))
    # Complex numbers, ints beyond int64, other number types.
    raise _Fallback


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

    N = f.ndim
    axes = tuple(range(N)) if axis is None else normalize_axis_tuple(axis, N)
    len_axes = len(axes)
    n = len(varargs)
    dx: list[object]
    if n == 0:
        dx = [_UNIT] * len_axes
    elif n == 1 and np.ndim(varargs[0]) == 0:
        dx = [varargs[0]] * len_axes
    elif n == len_axes:
        dx = list(varargs)
        for i, distances in enumerate(dx):
            distances = np.asanyarray(distances)
            if distances.ndim == 0:
                continue
            elif distances.ndim != 1:
                raise ValueError("distances must be either scalars or 1d")
            if len(distances) != f.shape[axes[i]]:
                raise ValueError(
                    "when 1d, distances must match the length of the corresponding dimension"
                )
            if len(distances) < 2:
                # NumPy fails on `np.diff(distances)[0]` (an IndexError) here.
                return _fallback(f, varargs, axis, edge_order, out)
            dx[i] = distances
    else:
        raise TypeError("invalid number of arguments")

    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    first_order = edge_order == 1

    try:
        specs = [_spec(d) for d in dx]
    except _Fallback:
        return _fallback(f, varargs, axis, edge_order, out)
    for ax, d in zip(axes, dx, strict=True):
        if f.shape[ax] < edge_order + 1:
            raise ValueError(
                "Shape of array too small to calculate a numerical gradient, "
                "at least (edge_order + 1) elements are required."
            )
        if not first_order:
            if f.shape[ax] < 3:
                # edge_order below 1 on a short axis: NumPy's IndexError.
                return _fallback(f, varargs, axis, edge_order, out)
            if _is_weak_zero(d):
                raise ZeroDivisionError("float division by zero")

    kind = f.dtype.kind
    if kind == "M":
        otype = np.dtype(f.dtype.name.replace("datetime", "timedelta"))
    elif kind in "iu":
        otype = np.dtype(np.float64)
    else:
        otype = f.dtype
    src = _native(f)
    native_otype = otype.newbyteorder("=")

    if out is None:
        outs = [np.empty_like(src, dtype=native_otype) for _ in axes]
        targets = outs
    else:
        outs = _outputs(out, f, otype, len_axes)
        # Non-native outputs are computed natively and copied at the end.
        targets = [o if o.dtype.isnative else np.empty_like(o, dtype=native_otype) for o in outs]

    if kind in "mM":
        src = src.view(np.int64)
        views = [t.view(np.int64) for t in targets]
    else:
        views = targets
    entry(src, views, list(axes), specs, 1 if first_order else 2, n_workers)

    if out is None:
        if not otype.isnative:
            # NumPy keeps a byte-swapped input's byte order in its output.
            outs = [o.byteswap(inplace=True).view(otype) for o in outs]
    else:
        for o, t in zip(outs, targets, strict=True):
            if o is not t:
                np.copyto(o, t)
    return _result(outs, len_axes)


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
