"""``numpy.gradient`` on Dask arrays, block by block, with NumPy's bits.

``ndgrad.dask.gradient`` builds one task per output block and axis. The
task differentiates its block as it is, with one thread, and then only the
block's first and last few rows (as many as the stencil reaches) again,
from thin pieces made of the halo its neighbours send and the block rows
those rows' windows read: the block is never copied. The halo is what the
core's scheme says the rows read (one sample each side for NumPy's
formulas, more for wider stencils, at the array's ends the samples the
one-sided windows read, and on a periodic axis the samples at the other
end), gathered from as many neighbouring blocks as it spans; one task per
source block cuts every face its neighbours need. A block shorter than the
stencil is extended with its halo instead. The results are bit for bit
those of ``numpy.gradient`` (or of ``ndgrad.gradient`` with a scheme) on
the whole array, for every chunking, including chunks of one sample. The
fused operators run one task per block for all axes, on the block
extended with its halo.

Coordinates are judged uniform or not from the whole coordinate array, as
NumPy does: equally spaced coordinates become NumPy's scalar step
``diff(x)[0]``; otherwise every block gets its slice of the coordinates as
``nonuniform`` spacing, which the kernel never collapses to a uniform step
even where the slice happens to be equally spaced. With Dask coordinates the
decision is a task of the graph (from one small summary per coordinate
block), so nothing is computed before ``.compute()``.

Data the Rust kernels do not cover (object, longdouble, clongdouble, bool
and string arrays; complex or longdouble spacings) is refused with a
TypeError at call time: differentiate such data in memory
(``ndgrad.gradient`` hands it to ``numpy.gradient``), or convert it.

This module needs Dask (``pip install 'ndgrad[dask]'``); ``import ndgrad``
does not.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.lib._function_base_impl import gradient as _numpy_gradient
from numpy.typing import NDArray

try:
    import dask.array as da
    from dask.base import tokenize
    from dask.highlevelgraph import HighLevelGraph, MaterializedLayer
except ImportError as e:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "ndgrad.dask needs Dask: install it with `pip install 'ndgrad[dask]'` "
        "(or `pip install 'dask[array]'`)"
    ) from e

from ndgrad import _api, _call, _ndgrad, _operators

__all__ = ["curl", "derivative", "divergence", "gradient", "laplacian", "magnitude"]

_Key = tuple[Any, ...]


def gradient(
    f: Any,
    *varargs: Any,
    axis: int | Sequence[int] | None = None,
    edge_order: int = _api.EDGE_ORDER,
    accuracy: int | None = None,
    boundary: str | Sequence[str] = "one-sided",
    period: float | Sequence[float | None] | None = None,
) -> Any:
    """
    Return the gradient of a Dask array: ``numpy.gradient``, block by block.

    The arguments, the results (to the bit, for every chunking) and the
    exceptions are those of ``numpy.gradient`` on the whole array, as
    ``ndgrad.gradient`` gives them. The result is lazy: nothing is computed
    until ``.compute()`` (or ``persist``), and its chunks are ``f``'s.

    Parameters
    ----------
    f : dask.array.Array or array_like
        An N-dimensional array containing samples of a scalar function.
        Anything else goes through ``dask.array.asarray``.
    *varargs : list of scalar or array, optional
        Spacing between f values, as for ``numpy.gradient``: nothing (unit
        spacing), one scalar for all axes, or one scalar or 1-D coordinate
        array per axis. Coordinate arrays may be NumPy or Dask arrays (a Dask
        array stays lazy); a 0-d Dask array step is computed at call time.
    axis : None or int or tuple of ints, optional
        The axes to differentiate along (all by default); negative values
        count from the last axis.
    edge_order : {1, 2}, default: 1
        Accuracy of the one-sided differences at the boundaries, NumPy's
        meaning and default. Not to be given with ``accuracy``.
    accuracy : {None, 2, 4, 6, 8}, optional
        None (the default) is ``numpy.gradient``; an even order k is
        ``ndgrad.gradient(..., accuracy=k)``: k-th order differences at
        every sample, bit for bit as in memory, for every chunking.
    boundary : {"one-sided", "periodic"} or sequence of them, optional
        As for ``ndgrad.gradient``: "periodic" axes wrap around, and a
        block at either end of such an axis takes its halo from the other
        end of the array.
    period : float or sequence of float or None, optional
        The period of each periodic axis with coordinates (required for
        them; an axis with a step has period ``n * h``).

    Returns
    -------
    gradient : dask.array.Array or tuple of dask.array.Array
        One array per requested axis, each with ``f``'s shape and chunks: a
        single array if one axis was requested, otherwise a tuple.

    Notes
    -----
    Unlike ``dask.array.gradient``, any chunking works (chunks of length 1
    or 2 along the differentiated axes included), uniform coordinates are
    recognised from the whole coordinate array as NumPy does, coordinates
    may be Dask arrays, and all requested axes share one halo exchange and
    one kernel call per block. The kernel runs single-threaded in each task:
    Dask runs the blocks in parallel.

    Data the kernels do not take (object, longdouble, clongdouble, bool,
    strings) and complex or longdouble spacings raise ``TypeError`` when
    the graph is built: differentiate them in memory with
    ``ndgrad.gradient`` (which hands them to ``numpy.gradient``). Like
    ``ndgrad.gradient``, no floating-point ``RuntimeWarning`` is emitted.
    Chunks whose type is not ``numpy.ndarray`` (masked or GPU arrays) raise
    ``TypeError``.

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> import ndgrad.dask
    >>> f = da.from_array(np.array([1.0, 2.0, 4.0, 7.0, 11.0, 16.0]), chunks=2)
    >>> g = ndgrad.dask.gradient(f)
    >>> g.chunks
    ((2, 2, 2),)
    >>> g.compute()
    array([1. , 1.5, 2.5, 3.5, 4.5, 5. ])

    Chunks of one sample and second-order edges, with coordinates:

    >>> x = np.array([0.0, 1.0, 1.5, 3.5, 4.0, 6.0])
    >>> g = ndgrad.dask.gradient(f.rechunk(1), x, edge_order=2)
    >>> bool((g.compute() == np.gradient(f.compute(), x, edge_order=2)).all())
    True

    Several axes give a tuple:

    >>> f2 = da.from_array(np.array([[1, 2, 6], [3, 4, 5]]), chunks=1)
    >>> dy, dx = ndgrad.dask.gradient(f2)
    >>> dx.compute()
    array([[1. , 2.5, 4. ],
           [1. , 1. , 1. ]])
    """
    _api.no_edge_order_with_accuracy(edge_order, accuracy)
    return _differentiate(
        f, varargs, axis, 1, accuracy, edge_order, boundary, period, "ndgrad.dask.gradient"
    )


def derivative(
    f: Any,
    *varargs: Any,
    order: int,
    axis: int | Sequence[int] | None = None,
    accuracy: int | None = 2,
    boundary: str | Sequence[str] = "one-sided",
    period: float | Sequence[float | None] | None = None,
) -> Any:
    """
    Return the ``order``-th derivative of a Dask array along each axis.

    ``ndgrad.derivative`` block by block: the same arguments, the same
    results to the bit for every chunking, lazily. Each block gathers the
    halo the scheme's stencils read (``k + d`` samples at the array's ends),
    from as many neighbouring blocks as that takes, and along a periodic
    axis from the other end of the array.

    Parameters
    ----------
    f : dask.array.Array or array_like
        Float, complex or integer data.
    *varargs : list of scalar or array, optional
        The spacing, as for :func:`gradient` (coordinates may be Dask
        arrays; they must be finite and strictly monotonic, which is checked
        when the graph is built for NumPy coordinates and when the blocks
        run for Dask ones).
    order : {1, 2, 3, 4}
        The derivative order.
    axis : None or int or tuple of ints, optional
        The axes to differentiate along (default: all).
    accuracy : {2, 4, 6, 8}, optional
        The accuracy order (default 2); None with ``order=1`` is
        ``numpy.gradient``.
    boundary, period : optional
        As for :func:`gradient`.

    Returns
    -------
    dask.array.Array or tuple of dask.array.Array
        One array per requested axis (a single array for one axis), with
        ``f``'s shape and chunks.

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> import ndgrad.dask
    >>> f = da.from_array(np.arange(8.0) ** 3, chunks=3)
    >>> ndgrad.dask.derivative(f, order=2).compute()  # exact for cubics
    array([ 0.,  6., 12., 18., 24., 30., 36., 42.])
    """
    return _differentiate(
        f,
        varargs,
        axis,
        order,
        accuracy,
        _api.EDGE_ORDER,
        boundary,
        period,
        "ndgrad.dask.derivative",
    )


def _differentiate(
    f: Any,
    varargs: tuple[Any, ...],
    axis: Any,
    order: object,
    accuracy: object,
    edge_order: Any,
    boundary: object,
    period: object,
    caller: str,
) -> Any:
    """The graph of ``gradient`` or ``derivative``."""
    f = da.asarray(f)
    args, spacings, schemes = _prepare(
        f, varargs, axis, order, accuracy, edge_order, boundary, period, caller
    )
    if not args.axes:
        return ()
    graph = _Graph([f], args, spacings, schemes, _api.output_dtype(f.dtype))
    outs = graph.outputs()
    return outs[0] if len(outs) == 1 else tuple(outs)


def _prepare(
    f: da.Array,
    varargs: tuple[Any, ...],
    axis: Any,
    order: object,
    accuracy: object,
    edge_order: Any,
    boundary: object,
    period: object,
    caller: str,
) -> tuple[_api.Args, list[_AxisSpacing], list[_call.AxisScheme]]:
    """The checked axes, spacings and schemes: NumPy's rules and errors for
    NumPy's gradient, the schemes' rules otherwise, checked on the whole
    array before any block runs."""
    if any(np.isnan(c) for cs in f.chunks for c in cs):
        raise ValueError(f"{caller} needs known chunk sizes; call `f.compute_chunk_sizes()` first")
    if type(f._meta) is not np.ndarray:
        raise TypeError(
            f"{caller} works on Dask arrays of numpy.ndarray chunks, "
            f"not of {type(f._meta).__name__}"
        )
    numpy_path = _call.is_numpy_call(order, accuracy, boundary, period)
    if _api.kernel(f.dtype) is None or (not numpy_path and f.dtype.kind in "mM"):
        kinds = "integer, timedelta64 and datetime64" if numpy_path else "and integer"
        raise TypeError(
            f"{caller} takes float (up to float64), complex (up to complex128), {kinds} "
            f"data; got dtype {f.dtype} (differentiate it in memory with ndgrad, or convert it)"
        )
    schemes: list[_call.AxisScheme]
    if numpy_path:
        edge = _api.edge_order_value(edge_order)
        try:
            args = _api.parse(f.shape, varargs, axis, edge, asarray=_lazy_asarray)
        except _api.Fallback:
            _raise_numpys_index_error(f, varargs, axis, edge)
        schemes = [_call.numpy_scheme(args.edge_order)] * len(args.axes)
    else:
        d = _api.check_int("order", order, _api.ORDERS, none_ok=False)
        k = _api.check_int("accuracy", accuracy, _api.ACCURACIES, none_ok=d == 1)
        assert d is not None
        if k is None and _api.edge_order_given(edge_order):
            edge_order = operator.index(edge_order)
        edge = _api.edge_order_value(edge_order)
        args = _api.parse(f.shape, varargs, axis, edge, asarray=_lazy_asarray, lengths=False)
        count = len(args.axes)
        schemes = [
            _call.AxisScheme(d, k, args.edge_order, p, per)
            for p, per in _api.boundaries(boundary, period, count)
        ]
    spacings = [_axis_spacing(dx, s.period) for dx, s in zip(args.dx, schemes, strict=True)]
    if not numpy_path and schemes and schemes[0].accuracy is not None:
        for sp in spacings:
            if isinstance(sp, _Step):
                _api.check_step(sp.value)
    # The whole array's errors (axis lengths, periods, NumPy coordinates), now.
    whole = [_whole(dx, s, sc) for dx, s, sc in zip(args.dx, spacings, schemes, strict=True)]
    _ndgrad.check(list(f.shape), list(args.axes), [w[0] for w in whole], [w[1] for w in whole])
    for ax, sp, sc in zip(args.axes, spacings, schemes, strict=True):
        if isinstance(sp, _LazyCoords) and sc.periodic and sc.period is None:
            raise ValueError(
                f"axis {ax} is periodic with coordinates; expected a period for it, got none"
            )
    return args, spacings, schemes


# ------------------------------------------------------------- the operators


def _operator(
    op: str,
    inputs: list[da.Array],
    varargs: tuple[Any, ...],
    axis: Any,
    order: int,
    accuracy: object,
    edge_order: Any,
    boundary: object,
    period: object,
    n_out: int,
) -> list[da.Array]:
    """The graph of a fused operator of ``inputs`` (one chunking)."""
    caller = f"ndgrad.dask.{op}"
    f = inputs[0]
    args, spacings, schemes = _prepare(
        f, varargs, axis, order, accuracy, edge_order, boundary, period, caller
    )
    if not args.axes:
        raise ValueError(f"{op} needs at least one axis to differentiate along; got none")
    graph = _Graph(inputs, args, spacings, schemes, _api.output_dtype(f.dtype), op, n_out)
    return graph.outputs()


def magnitude(
    f: Any,
    *varargs: Any,
    axis: int | Sequence[int] | None = None,
    edge_order: int = _api.EDGE_ORDER,
    accuracy: int | None = None,
    boundary: str | Sequence[str] = "one-sided",
    period: float | Sequence[float | None] | None = None,
) -> Any:
    """
    Return the gradient magnitude of a Dask array: ``ndgrad.magnitude``,
    block by block, with its bits for every chunking.

    ``sqrt(g0*g0 + g1*g1 + ...)`` over the requested axes, each block in one
    fused pass over its data and halo. Real data only (complex data is a
    TypeError, as in memory). The other arguments (``boundary`` and
    ``period`` included) are those of :func:`gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> import ndgrad.dask
    >>> y, x = np.mgrid[0:4, 0:5].astype(float)
    >>> m = ndgrad.dask.magnitude(da.from_array(3 * x + 4 * y, chunks=2))
    >>> bool((m.compute() == 5).all())
    True
    """
    _api.no_edge_order_with_accuracy(edge_order, accuracy)
    f = da.asarray(f)
    if f.dtype.kind == "c":
        raise TypeError(f"magnitude takes real data; got dtype {f.dtype}")
    return _operator("magnitude", [f], varargs, axis, 1, accuracy, edge_order, boundary, period, 1)[
        0
    ]


def laplacian(
    f: Any,
    *varargs: Any,
    axis: int | Sequence[int] | None = None,
    accuracy: int = 2,
    boundary: str | Sequence[str] = "one-sided",
    period: float | Sequence[float | None] | None = None,
) -> Any:
    """
    Return the Laplacian of a Dask array: ``ndgrad.laplacian``, block by
    block, with its bits for every chunking.

    The sum over the requested axes of the direct second-derivative
    stencils at ``accuracy`` (2, 4, 6 or 8), one fused pass per block;
    ``boundary`` and ``period`` as for :func:`gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> import ndgrad.dask
    >>> x = np.arange(6) * 0.5
    >>> X, Y = np.meshgrid(x, x, indexing="ij")
    >>> lap = ndgrad.dask.laplacian(da.from_array(X**2 + Y**2, chunks=2), 0.5)
    >>> bool((lap.compute() == 4).all())
    True
    """
    f = da.asarray(f)
    return _operator(
        "laplacian", [f], varargs, axis, 2, accuracy, _api.EDGE_ORDER, boundary, period, 1
    )[0]


def _dask_components(F: Any, caller: str) -> list[da.Array]:
    """A vector field as Dask arrays of one shape, dtype and chunking: a
    sequence of N arrays of one N-D shape, or one array whose leading axis
    (of length N) holds the components."""
    if isinstance(F, (list, tuple)):
        comps = [da.asarray(c) for c in F]
    else:
        a = da.asarray(F)
        if a.ndim < 2 or a.shape[0] != a.ndim - 1:
            raise ValueError(
                f"{caller} of one array takes its components along the leading axis, whose "
                f"length must be the number of the remaining axes; got shape {a.shape}"
            )
        comps = [a[i] for i in range(a.shape[0])]
    _operators.check_components(comps, caller)
    first = comps[0]
    # One chunking for all: the first component's.
    return [c if c.chunks == first.chunks else c.rechunk(first.chunks) for c in comps]


def divergence(
    F: Any,
    *varargs: Any,
    edge_order: int = _api.EDGE_ORDER,
    accuracy: int | None = None,
    boundary: str | Sequence[str] = "one-sided",
    period: float | Sequence[float | None] | None = None,
    indexing: str = "ij",
) -> Any:
    """
    Return the divergence of a Dask vector field: ``ndgrad.divergence``,
    block by block, with its bits for every chunking (components are
    rechunked to the first one's chunks). ``boundary`` and ``period`` are
    per field axis, as in memory.

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> import ndgrad.dask
    >>> P = [da.from_array(c, chunks=2) for c in np.meshgrid(*[np.arange(4.0)] * 3, indexing="ij")]
    >>> bool((ndgrad.dask.divergence(P).compute() == 3).all())
    True
    """
    _api.no_edge_order_with_accuracy(edge_order, accuracy)
    comps = _dask_components(F, "divergence")
    axes = _operators.field_axes(comps[0].ndim, indexing)
    return _operator(
        "divergence", comps, varargs, axes, 1, accuracy, edge_order, boundary, period, 1
    )[0]


def curl(
    F: Any,
    *varargs: Any,
    edge_order: int = _api.EDGE_ORDER,
    accuracy: int | None = None,
    boundary: str | Sequence[str] = "one-sided",
    period: float | Sequence[float | None] | None = None,
    indexing: str = "ij",
) -> Any:
    """
    Return the curl of a 2-D or 3-D Dask vector field: ``ndgrad.curl``,
    block by block, with its bits for every chunking (one array in 2-D, a
    tuple of three in 3-D). ``boundary`` and ``period`` are per field
    axis, as in memory.

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> import ndgrad.dask
    >>> X, Y = np.meshgrid(np.arange(5.0), np.arange(5.0), indexing="ij")
    >>> F = [da.from_array(c, chunks=2) for c in (-Y, X)]
    >>> bool((ndgrad.dask.curl(F).compute() == 2).all())
    True
    """
    _api.no_edge_order_with_accuracy(edge_order, accuracy)
    comps = _dask_components(F, "curl")
    ndim = comps[0].ndim
    if ndim not in (2, 3):
        raise ValueError(f"curl is defined for 2-D and 3-D fields; got {ndim}-D components")
    axes = _operators.field_axes(ndim, indexing)
    n_out = 1 if ndim == 2 else 3
    outs = _operator("curl", comps, varargs, axes, 1, accuracy, edge_order, boundary, period, n_out)
    return outs[0] if n_out == 1 else tuple(outs)


def _whole(
    dx: object, s: _AxisSpacing, scheme: _call.AxisScheme
) -> tuple[_call.AxisSpacing, _call.AxisScheme]:
    """The spacing and scheme to check the whole array with: the spacing as
    given (equally spaced coordinates too: their period is checked). Dask
    coordinates are only known in the graph: their length was checked,
    their values and period are checked when the blocks run."""
    match s:
        case _LazyCoords():
            return _call.UNIT_SPACING, replace(scheme, period=None)
        case _Coords(x):
            return _call.coords_spacing(x), scheme
        case _Step(value) if isinstance(dx, np.ndarray) and dx.ndim == 1:
            return _call.coords_spacing(dx), scheme
        case _Step(value):
            return _api.spec(value), scheme
        case _:
            return _call.UNIT_SPACING, scheme


# ------------------------------------------------------------ spacing, eagerly


def _lazy_asarray(d: Any) -> Any:
    """``np.asanyarray`` for NumPy's spacing checks, leaving Dask arrays lazy."""
    return d if isinstance(d, da.Array) else np.asanyarray(d)


def _float_coords(x: NDArray[Any]) -> NDArray[Any]:
    """NumPy converts integer coordinates to float64 before differencing."""
    return x.astype(np.float64) if np.issubdtype(x.dtype, np.integer) else x


def _uniform_step(x: NDArray[Any], period: float | None) -> Any:
    """NumPy's ``diffx[0]`` if all of ``diff(x)`` equals it (and, on a
    periodic axis, so do the two steps across the seam), else None."""
    xf = _float_coords(x)
    diffx = np.diff(xf)
    with np.errstate(all="ignore"):
        uniform = bool((diffx == diffx[0]).all())
        if uniform and period is not None:
            left, right = _seam_steps(xf[0], xf[-1], period)
            uniform = bool(left == diffx[0]) and bool(right == diffx[0])
    return diffx[0] if uniform else None


def _seam_steps(first: Any, last: Any, period: float) -> tuple[Any, Any]:
    """The steps across the seam of a periodic axis, in the coordinates'
    type, as the core computes them: ``x[0] - (x[-1] - p)`` and
    ``(x[0] + p) - x[-1]``."""
    p = first.dtype.type(period)
    return first - (last - p), (first + p) - last


def _ghosted(x: NDArray[Any], lo: int, n: int, period: float) -> NDArray[Any]:
    """Coordinates ``x`` of samples ``lo, lo + 1, ...`` of a periodic axis
    of ``n`` samples (``x`` already gathered with the wrap), shifted by the
    period where the indices run past either end, in the coordinates' type
    (float64 for integers), as the core shifts them."""
    xf = _float_coords(x)
    idx = np.arange(lo, lo + len(xf))
    if (idx >= 0).all() and (idx < n).all():
        return xf
    p = xf.dtype.type(period)
    out = xf.copy()
    with np.errstate(all="ignore"):
        out[idx < 0] -= p
        out[idx >= n] += p
    return out


@dataclass(frozen=True)
class _Unit:
    """NumPy's default spacing: 1.0."""


@dataclass(frozen=True)
class _Step:
    """A scalar step, as given, or the step ``diff(x)[0]`` of equally spaced
    NumPy coordinates (NumPy's collapse, decided on the whole array)."""

    value: Any


@dataclass(frozen=True)
class _Coords:
    """Non-uniform NumPy coordinates: each block gets its slice."""

    x: NDArray[Any]


@dataclass(frozen=True)
class _LazyCoords:
    """Dask coordinates: uniform or not is decided by a task of the graph."""

    x: Any


_AxisSpacing = _Unit | _Step | _Coords | _LazyCoords


def _axis_spacing(d: object, period: float | None) -> _AxisSpacing:
    """One axis' spacing, as far as it is known when the graph is built;
    a TypeError for spacings the kernels do not take."""
    if d is _api.UNIT:
        return _Unit()
    if isinstance(d, da.Array):
        if d.ndim == 0:
            return _axis_spacing(np.asarray(d.compute()), period)
        _check_coords_dtype(_float_coords(np.empty(0, dtype=d.dtype)).dtype)
        return _LazyCoords(d)
    if isinstance(d, np.ndarray) and d.ndim == 1:
        step = _uniform_step(d, period)
        if step is not None:
            return _Step(_checked_step(step))
        if type(d) is not np.ndarray:
            raise TypeError(f"coordinates must be plain ndarrays; got {type(d).__name__}")
        _check_coords_dtype(d.dtype)
        return _Coords(d)
    return _Step(_checked_step(d))


def _check_coords_dtype(dtype: np.dtype[Any]) -> None:
    if (dtype.kind, dtype.itemsize) not in _api.SPACING_KINDS:
        raise TypeError(
            "ndgrad.dask.gradient takes float (up to float64) and integer coordinates; "
            f"got dtype {dtype}"
        )


def _checked_step(step: Any) -> Any:
    try:
        _api.spec(step)
    except _api.Fallback:
        raise TypeError(
            "ndgrad.dask.gradient takes real steps (float up to float64, or integers "
            f"within int64); got {step!r}"
        ) from None
    return step


def _raise_numpys_index_error(
    f: da.Array, varargs: tuple[Any, ...], axis: Any, edge_order: Any
) -> Any:
    """The arguments ``_api.parse`` leaves to NumPy make NumPy raise an
    IndexError; raise it, from a proxy of at most 3 samples per axis."""
    proxy = np.zeros(tuple(min(n, 3) for n in f.shape))
    short = [
        np.arange(3.0) if np.ndim(d) == 1 and len(d) > 3 else _lazy_compute(d) for d in varargs
    ]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        _numpy_gradient(proxy, *short, axis=axis, edge_order=edge_order)
    raise AssertionError(f"numpy.gradient accepted arguments ndgrad rejects: {varargs!r}")


def _lazy_compute(d: Any) -> Any:
    return d.compute() if isinstance(d, da.Array) else d


# ------------------------------------------------------------------ the graph


def _starts(chunks: Sequence[int]) -> list[int]:
    return [0, *itertools.accumulate(chunks)][:-1]


def _blocks_in(starts: list[int], chunks: Sequence[int], lo: int, hi: int) -> list[tuple[int, int]]:
    """``(block, global start)`` of the non-empty blocks meeting ``[lo, hi)``."""
    found = []
    i = max(0, bisect.bisect_right(starts, lo) - 1)
    while i < len(chunks) and starts[i] < hi:
        if chunks[i] and starts[i] + chunks[i] > lo:
            found.append((i, starts[i]))
        i += 1
    return found


def _pieces(
    starts: list[int], chunks: Sequence[int], lo: int, hi: int
) -> list[tuple[int, int, int, int, int]]:
    """The pieces of samples ``lo..hi`` of an axis, in order, where indices
    past either end wrap (a periodic axis' halo): ``(block, its global
    start, global [a, b) within it, position of a from lo)``."""
    n = sum(chunks)
    found = []
    for q in range(lo // n, (hi - 1) // n + 1):
        seg_lo, seg_hi = max(lo, q * n), min(hi, (q + 1) * n)
        for i, st in _blocks_in(starts, chunks, seg_lo - q * n, seg_hi - q * n):
            a = max(seg_lo - q * n, st)
            b = min(seg_hi - q * n, st + chunks[i])
            found.append((i, st, a, b, a + q * n - lo))
    return found


@dataclass(frozen=True)
class _Cut:
    """A piece of a block: ``block[index]``."""

    index: tuple[slice, ...]


def _cut(block: NDArray[Any], cut: _Cut) -> NDArray[Any]:
    return block[cut.index]


@dataclass(frozen=True)
class _Faces:
    """The pieces of one block that its neighbours' halos need."""

    cuts: tuple[_Cut, ...]


def _faces(block: NDArray[Any], faces: _Faces) -> tuple[NDArray[Any], ...]:
    return tuple(block[c.index] for c in faces.cuts)


@dataclass(frozen=True)
class _Span:
    """A requested axis of one block: the block is ``[start, stop)`` of the
    axis (of length ``n``), its extension with halos ``[lo, hi)``; on a
    periodic axis ``lo`` may be negative and ``hi`` past ``n`` (the halo
    wraps, and the extended block is differentiated with the one-sided
    scheme: see ``Scheme::wrapped_input_rows``)."""

    dim: int
    start: int
    stop: int
    lo: int
    hi: int
    n: int
    period: float | None


def _span(dim: int, start: int, stop: int, n: int, scheme: _call.AxisScheme) -> _Span:
    """The samples block ``[start, stop)`` needs, as the core's scheme says
    (``Scheme::input_rows``, ``Scheme::wrapped_input_rows``): the stencil's
    reach each side, at an end of the axis the samples its one-sided window
    reads, and on a periodic axis the samples from the other end."""
    rows = _ndgrad.input_rows(scheme, start, stop, n)
    lo, hi = (start, stop) if rows is None else rows
    return _Span(dim, start, stop, lo, hi, n, scheme.period)


@dataclass(frozen=True)
class _AxisBlock:
    """What the task of one output block of the gradient along one axis
    does with the block and its halo pieces."""

    shape: tuple[int, ...]
    span: _Span
    before: tuple[int, ...]
    after: tuple[int, ...]
    """Which face of each piece's source block (see ``_Block.picks``)."""
    spacing: Any
    """The ``_api.spec`` of a step, the (wrapped, shifted) coordinates of
    samples ``[lo, hi)``, or None (Dask coordinates: task inputs)."""
    scheme: _call.AxisScheme
    """The one-sided scheme the pieces are differentiated with."""
    reach: int
    head: tuple[int, int]
    tail: tuple[int, int]
    """The samples the block's first and last ``reach`` rows read."""
    direct: bool
    """Whether the block is differentiated as it is (its inner rows are
    right as they are) and only its first and last ``reach`` rows again,
    from thin pieces with their halo; otherwise the block is extended."""
    otype: np.dtype[Any]


@dataclass(frozen=True)
class _Block:
    """What the task of one output block does with its inputs."""

    shape: tuple[int, ...]
    """The output block's shape."""
    ext_shape: tuple[int, ...]
    dests: tuple[tuple[slice, ...], ...]
    """Where each input piece goes in the extended block."""
    picks: tuple[int | None, ...]
    """Per input: None for the block itself, else which of a neighbour's
    faces (one task per source block cuts every face its neighbours need,
    so that the halo exchange adds one task per block, not one per face)."""
    zeros: tuple[tuple[slice, ...], ...]
    """Corners of the extended block that no kept output reads."""
    spans: tuple[_Span, ...]
    """One per requested axis."""
    spacings: tuple[Any, ...]
    """Per requested axis: the ``_api.spec`` tuple of a step, the coordinate
    slice ``[lo, hi)`` of NumPy coordinates, or None (Dask coordinates: the
    slice and the decision are task inputs)."""
    schemes: tuple[_call.AxisScheme, ...]
    """One per requested axis, as the kernels take it."""
    otype: np.dtype[Any]
    op: str | None
    """None for the gradient (one output per axis), else the fused operator."""
    n_out: int


class _Graph:
    """The tasks of one call: per output block, one task that assembles each
    input's block with its halo and runs the kernel (the gradient, or the
    fused operator ``op`` of all inputs, which share their chunks)."""

    def __init__(
        self,
        inputs: list[da.Array],
        args: _api.Args,
        spacings: list[_AxisSpacing],
        schemes: list[_call.AxisScheme],
        otype: np.dtype[Any],
        op: str | None = None,
        n_out: int = 0,
    ) -> None:
        f = inputs[0]
        self.inputs = inputs
        self.f = f
        self.args = args
        self.spacings = spacings
        self.schemes = schemes
        self.otype = otype
        self.op = op
        self.n_out = len(args.axes) if op is None else n_out
        names = [x.name for x in inputs]
        token = tokenize(names, args.axes, [_token_of(s) for s in spacings], schemes, otype, op)
        self.name = f"ndgrad-{op or 'gradient'}-{token}"
        self.halo = f"ndgrad-halo-{token}"
        self.dsk: dict[_Key, Any] = {}
        self.starts = [_starts(c) for c in f.chunks]

    def _spans(self, index: tuple[int, ...]) -> tuple[_Span, ...]:
        spans = []
        for ax, scheme in zip(self.args.axes, self.schemes, strict=True):
            start = self.starts[ax][index[ax]]
            stop = start + self.f.chunks[ax][index[ax]]
            spans.append(_span(ax, start, stop, self.f.shape[ax], scheme))
        return tuple(spans)

    def _coords_tasks(self, k: int, x: da.Array) -> str:
        """Tasks for Dask coordinates of requested axis ``k``: each block's
        slice ``[lo, hi)``, a summary of the steps each block owns, and the
        whole-array decision. Returns the name prefix of their keys."""
        ax = self.args.axes[k]
        prefix = f"ndgrad-coords-{k}-{tokenize(self.name, x)}"
        xstarts = _starts(x.chunks[0])
        summaries = []
        for b in range(len(self.f.chunks[ax])):
            span = self._spans(_with(b, ax, self.f.ndim))[k]
            pieces: list[_Key] = []
            for i, _, a, stop, _ in _pieces(xstarts, x.chunks[0], span.lo, span.hi):
                start = xstarts[i]
                key = (f"{prefix}-piece", b, len(pieces))
                self.dsk[key] = (_cut, (x.name, i), _Cut((slice(a - start, stop - start),)))
                pieces.append(key)
            self.dsk[(f"{prefix}-slice", b)] = (_concat, pieces)
            # Block b owns the samples [start, stop) and the steps
            # x[i + 1] - x[i] for i in [start, stop).
            own = _Cut((slice(span.start - span.lo, span.stop - span.lo),))
            steps = _Cut((slice(span.start - span.lo, min(span.stop, span.n - 1) + 1 - span.lo),))
            self.dsk[(f"{prefix}-summary", b)] = (_summary, (f"{prefix}-slice", b), steps, own)
            summaries.append((f"{prefix}-summary", b))
        self.dsk[(f"{prefix}-step", 0)] = (_decide, summaries, ax, self.schemes[k])
        return prefix

    def outputs(self) -> list[da.Array]:
        f = self.f
        coord_prefix = {
            k: self._coords_tasks(k, s.x)
            for k, s in enumerate(self.spacings)
            if isinstance(s, _LazyCoords)
        }
        self.faces: dict[tuple[int, ...], list[_Cut]] = {}
        indices = list(itertools.product(*(range(len(c)) for c in f.chunks)))
        per_axis: dict[str, dict[_Key, Any]] = {}
        for index in indices:
            if self.op is None:
                for k in range(len(self.args.axes)):
                    out = f"{self.name}-{k}"
                    task = self._axis_task(k, index, coord_prefix)
                    per_axis.setdefault(out, {})[(out, *index)] = task
            else:
                self._block_task(index, coord_prefix)
        for source, cuts in self.faces.items():
            for i, x in enumerate(self.inputs):
                self.dsk[(f"{self.halo}-{i}", *source)] = (
                    _faces,
                    (x.name, *source),
                    _Faces(tuple(cuts)),
                )
        layers: dict[str, Any] = {self.name: MaterializedLayer(self.dsk)}
        deps: dict[str, set[str]] = {self.name: set()}
        lazy = [s.x for s in self.spacings if isinstance(s, _LazyCoords)]
        collections = [*self.inputs, *lazy]
        for c in collections:
            g = c.__dask_graph__()
            layers.update(g.layers)
            deps.update(g.dependencies)
            deps[self.name] |= set(c.__dask_layers__())
        meta = np.empty((0,) * f.ndim, dtype=self.otype)
        outs = []
        for k in range(self.n_out):
            out = f"{self.name}-{k}"
            layer = per_axis.get(out) or {
                (out, *index): (operator.getitem, (self.name, *index), k) for index in indices
            }
            # A gradient block task reads the input's blocks directly too.
            needs = {self.name} | (deps[self.name] if out in per_axis else set())
            graph = HighLevelGraph({**layers, out: MaterializedLayer(layer)}, {**deps, out: needs})
            outs.append(da.Array(graph, out, f.chunks, meta=meta))
        return outs

    def _axis_task(self, k: int, index: tuple[int, ...], coord_prefix: dict[int, str]) -> Any:
        """The task of one output block of the gradient along requested axis
        ``k``: the block, the halo pieces before and after it along that
        axis (faces of the neighbouring blocks, or of the other end of a
        periodic axis), and the spacing."""
        f = self.f
        ax = self.args.axes[k]
        shape = tuple(c[i] for c, i in zip(f.chunks, index, strict=True))
        if 0 in shape:
            return (np.empty, shape, self.otype)
        start = self.starts[ax][index[ax]]
        span = _span(ax, start, start + shape[ax], f.shape[ax], self.schemes[k])
        sides: list[tuple[list[_Key], list[int]]] = []
        for lo, hi in ((span.lo, span.start), (span.stop, span.hi)):
            keys: list[_Key] = []
            picks: list[int] = []
            for i, st, a, b, _ in _pieces(self.starts[ax], f.chunks[ax], lo, hi):
                source = _with_at(index, ax, i)
                cut = tuple(
                    slice(a - st, b - st) if d == ax else slice(None) for d in range(f.ndim)
                )
                faces = self.faces.setdefault(source, [])
                picks.append(len(faces))
                faces.append(_Cut(cut))
                keys.append((f"{self.halo}-0", *source))
            sides.append((keys, picks))
        reach, min_len = _ndgrad.reach(self.schemes[k])
        m = span.stop - span.start
        head = _ndgrad.input_rows(self.schemes[k], span.start, span.start + min(reach, m), span.n)
        tail = _ndgrad.input_rows(self.schemes[k], span.stop - min(reach, m), span.stop, span.n)
        assert head is not None and tail is not None
        direct = (
            m >= max(min_len, 2 * reach)
            and (head[0], tail[1]) == (span.lo, span.hi)
            and head[1] <= span.stop
            and tail[0] >= span.start
        )
        coords: Any = None
        spacing: Any
        match self.spacings[k]:
            case _LazyCoords():
                prefix = coord_prefix[k]
                coords = [(f"{prefix}-slice", index[ax]), (f"{prefix}-step", 0)]
                spacing = None
            case _Coords(cx):
                spacing = _gather(cx, span)
            case _Step(value):
                spacing = _api.spec(value)
            case _:
                spacing = _api.spec(_api.UNIT)
        plan = _AxisBlock(
            shape=shape,
            span=span,
            before=tuple(sides[0][1]),
            after=tuple(sides[1][1]),
            spacing=spacing,
            scheme=self.schemes[k].one_sided(),
            reach=reach,
            head=head,
            tail=tail,
            direct=direct,
            otype=self.otype,
        )
        return (_axis_block, plan, (f.name, *index), sides[0][0], sides[1][0], coords)

    def _block_task(self, index: tuple[int, ...], coord_prefix: dict[int, str]) -> None:
        f = self.f
        shape = tuple(c[i] for c, i in zip(f.chunks, index, strict=True))
        spans = self._spans(index)
        by_dim = {s.dim: s for s in spans}
        # Per dimension: the pieces (source block, its global start, piece
        # [a, b) global, position in the extended block), and the block's own.
        per_dim = []
        own = []
        for d in range(f.ndim):
            s = by_dim.get(d)
            start = self.starts[d][index[d]]
            if s is None or 0 in shape:
                own.append((index[d], start, start, start + shape[d], 0))
                per_dim.append([own[-1]])
            else:
                own.append((index[d], start, start, start + shape[d], start - s.lo))
                per_dim.append(_pieces(self.starts[d], f.chunks[d], s.lo, s.hi))
        ext_shape = [sum(b - a for _, _, a, b, _ in dim) for dim in per_dim]
        pieces: list[list[_Key]] = [[] for _ in self.inputs]
        picks: list[int | None] = []
        dests = []
        zeros = []
        for combo in itertools.product(*per_dim):
            dest = tuple(slice(pos, pos + b - a) for _, _, a, b, pos in combo)
            moved = sum(p != o for p, o in zip(combo, own, strict=True))
            if moved == 0:
                for i, x in enumerate(self.inputs):
                    pieces[i].append((x.name, *index))
                picks.append(None)
            elif moved == 1:
                source = tuple(i for i, _, _, _, _ in combo)
                cut = tuple(slice(a - st, b - st) for _, st, a, b, _ in combo)
                faces = self.faces.setdefault(source, [])
                picks.append(len(faces))
                faces.append(_Cut(cut))
                for i in range(len(self.inputs)):
                    pieces[i].append((f"{self.halo}-{i}", *source))
            else:
                zeros.append(dest)
                continue
            dests.append(dest)
        coords: list[Any] = []
        spacings: list[Any] = []
        for k, (sp, span) in enumerate(zip(self.spacings, spans, strict=True)):
            match sp:
                case _LazyCoords():
                    prefix = coord_prefix[k]
                    coords.append([(f"{prefix}-slice", index[span.dim]), (f"{prefix}-step", 0)])
                    spacings.append(None)
                    continue
                case _Coords(cx):
                    spacings.append(_gather(cx, span))
                case _Step(value):
                    spacings.append(_api.spec(value))
                case _Unit():
                    spacings.append(_api.spec(_api.UNIT))
            coords.append(None)
        plan = _Block(
            shape=shape,
            ext_shape=tuple(ext_shape),
            dests=tuple(dests),
            picks=tuple(picks),
            zeros=tuple(zeros),
            spans=spans,
            spacings=tuple(spacings),
            schemes=tuple(sc.one_sided() for sc in self.schemes),
            op=self.op,
            n_out=self.n_out,
            otype=self.otype,
        )
        self.dsk[(self.name, *index)] = (_block, plan, pieces, coords)


def _with(b: int, ax: int, ndim: int) -> tuple[int, ...]:
    index = [0] * ndim
    index[ax] = b
    return tuple(index)


def _with_at(index: tuple[int, ...], ax: int, i: int) -> tuple[int, ...]:
    return (*index[:ax], i, *index[ax + 1 :])


def _token_of(s: _AxisSpacing) -> Any:
    match s:
        case _LazyCoords(x):
            return ("lazy", x.name)
        case _Coords(x):
            return ("coords", x)
        case _Step(value):
            return ("step", type(value).__name__, repr(value))
        case _Unit():
            return ("unit",)


# ------------------------------------------------------------------ the tasks


def _concat(pieces: list[NDArray[Any]]) -> NDArray[Any]:
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)


@dataclass(frozen=True)
class _Summary:
    """What the whole-array decisions need from one block of Dask
    coordinates."""

    step: Any
    """The first step the block owns (None if it owns none: a last block
    of one sample)."""
    equal: bool
    """Whether its other steps equal it."""
    increasing: bool
    """Whether its samples (and the step after them) are finite and
    increasing."""
    first: Any
    last: Any
    """Its first and last coordinates."""


def _summary(x: NDArray[Any], steps: _Cut, own: _Cut) -> _Summary:
    xf = _float_coords(x)
    diffx = np.diff(xf[steps.index])
    mine = xf[own.index]
    with np.errstate(all="ignore"):
        step = diffx[0] if diffx.size else None
        equal = bool((diffx == step).all()) if diffx.size else True
        increasing = bool(np.isfinite(mine).all() and (diffx > 0).all())
    return _Summary(step, equal, increasing, mine[0], mine[-1])


def _decide(summaries: list[_Summary], axis: int, scheme: _call.AxisScheme) -> Any:
    """NumPy's ``diffx[0]`` if all steps of the whole array equal it (and,
    periodic, the seam's), else None; a periodic axis' period and (for the
    higher-order schemes) increasing coordinates are checked here."""
    step = summaries[0].step
    assert step is not None  # block 0 owns step 0 (an axis has >= 2 samples)
    period = scheme.period
    first, last = summaries[0].first, summaries[-1].last
    with np.errstate(all="ignore"):
        uniform = all(s.step is None or (s.equal and bool(s.step == step)) for s in summaries)
        if period is not None:
            # The core's rule and words (GradientError::PeriodicCoordinates),
            # for every scheme: the ghosts at x[j] ± period need increasing x.
            if not all(s.increasing for s in summaries):
                raise ValueError(
                    f"coordinates of periodic axis {axis} must be finite and strictly "
                    "increasing; they are not"
                )
            span = float(last - first)
            if not (np.isfinite(period) and period > 0 and period > span):
                raise ValueError(
                    f"period of axis {axis} must be finite and greater than x[-1] - x[0] = "
                    f"{span}; got {period}"
                )
            left, right = _seam_steps(first, last, period)
            uniform = uniform and bool(left == step) and bool(right == step)
    return step if uniform else None


def _gather(x: NDArray[Any], span: _Span) -> NDArray[Any]:
    """NumPy coordinates of the samples ``[lo, hi)`` of a block's span:
    wrapped and shifted by the period on a periodic axis."""
    if span.period is None:
        return x[span.lo : span.hi]
    return _ghosted(
        np.take(x, np.arange(span.lo, span.hi), mode="wrap"), span.lo, span.n, span.period
    )


def _axis_block(
    plan: _AxisBlock,
    block: NDArray[Any],
    before: list[tuple[NDArray[Any], ...]],
    after: list[tuple[NDArray[Any], ...]],
    coords: list[Any] | None,
) -> NDArray[Any]:
    """One output block of the gradient along one axis.

    Differentiating the block alone gives every row whose window the block
    holds; only the first and last ``reach`` rows (when a halo exists on
    that side) are differentiated again, from a thin piece made of the halo
    and the few block rows their windows read. No copy of the block is
    made. Blocks too short for that are extended with their halo instead.
    """
    s = plan.span
    d = s.dim
    ahead = [p[i] for p, i in zip(before, plan.before, strict=True)]
    behind = [p[i] for p, i in zip(after, plan.after, strict=True)]
    spacing = plan.spacing
    if coords is not None:
        x, step = coords
        if step is not None:
            spacing = _api.spec(step)
        elif s.period is not None:
            spacing = _ghosted(x, s.lo, s.n, s.period)
        else:
            spacing = x
    native = plan.otype.newbyteorder("=")

    def diff(a: NDArray[Any], lo: int) -> NDArray[Any]:
        """The derivative of samples ``lo, lo + 1, ...`` (``a`` along ``d``)."""
        sp = spacing
        if isinstance(sp, np.ndarray):
            sp = sp[lo - s.lo : lo - s.lo + a.shape[d]]
            sp = _call.coords_spacing(sp, collapse=False)
        out = np.empty(a.shape, dtype=native)
        _api.run(a, [out], [d], [sp], [plan.scheme], 1)
        return out

    def rows(a: int, b: int | None) -> tuple[slice, ...]:
        return (slice(None),) * d + (slice(a, b),)

    if plan.direct:
        out = diff(block, s.start)
        r = plan.reach
        if s.lo < s.start:
            (a, b) = plan.head
            res = diff(np.concatenate([*ahead, block[rows(0, b - s.start)]], axis=d), a)
            out[rows(0, r)] = res[rows(s.start - a, s.start - a + r)]
        if s.hi > s.stop:
            (a, b) = plan.tail
            res = diff(np.concatenate([block[rows(a - s.start, None)], *behind], axis=d), a)
            out[rows(out.shape[d] - r, None)] = res[rows(s.stop - r - a, s.stop - a)]
    else:
        ext = np.concatenate([*ahead, block, *behind], axis=d)
        out = diff(ext, s.lo)[rows(s.start - s.lo, s.stop - s.lo)]
    # NumPy keeps a byte-swapped input's byte order in its output.
    return out if plan.otype.isnative else out.astype(plan.otype)


def _extended(plan: _Block, pieces: list[NDArray[Any]]) -> NDArray[Any]:
    """One input's block with its halo, from the pieces of its neighbours."""
    pieces = [p if k is None else p[k] for p, k in zip(pieces, plan.picks, strict=True)]
    if len(pieces) == 1 and pieces[0].shape == plan.ext_shape:
        return pieces[0]
    ext = np.empty(plan.ext_shape, dtype=pieces[0].dtype)
    for piece, dest in zip(pieces, plan.dests, strict=True):
        ext[dest] = piece
    for dest in plan.zeros:
        ext[dest] = 0
    return ext


def _block(
    plan: _Block, pieces: list[list[NDArray[Any]]], coords: list[list[Any] | None]
) -> tuple[NDArray[Any], ...]:
    """One output block: the gradient along every requested axis, or the
    operator's output(s)."""
    if 0 in plan.shape:
        return tuple(np.empty(plan.shape, dtype=plan.otype) for _ in range(plan.n_out))
    exts = [_extended(plan, p) for p in pieces]
    ext = exts[0]
    spacings = list(plan.spacings)
    for k, c in enumerate(coords):
        if c is not None:
            x, step = c
            span = plan.spans[k]
            if step is not None:
                spacings[k] = _api.spec(step)
            elif span.period is not None:
                spacings[k] = _ghosted(x, span.lo, span.n, span.period)
            else:
                spacings[k] = x
    keep = [slice(None)] * ext.ndim
    for s in plan.spans:
        keep[s.dim] = slice(s.start - s.lo, s.stop - s.lo)
    specs = [
        _call.coords_spacing(s, collapse=False) if isinstance(s, np.ndarray) else s
        for s in spacings
    ]
    native = plan.otype.newbyteorder("=")
    outs = [np.empty(ext.shape, dtype=native) for _ in range(plan.n_out)]
    axes = [s.dim for s in plan.spans]
    if plan.op is None:
        _api.run(ext, outs, axes, specs, list(plan.schemes), 1)
    else:
        entry = getattr(_ndgrad, f"operator_{_call.dtype_code(ext.dtype)}")
        entry(plan.op, [_call.native(e) for e in exts], outs, axes, specs, list(plan.schemes), 1)
    kept = [o[tuple(keep)] for o in outs]
    # NumPy keeps a byte-swapped input's byte order in its output.
    return tuple(k if plan.otype.isnative else k.astype(plan.otype) for k in kept)
