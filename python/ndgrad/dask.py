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

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ndgrad import _call

try:
    import dask.array as da
except ImportError as e:  # pragma: no cover - exercised in a subprocess test
    raise _call.needs("dask", "Dask", "'dask[array]'") from e

from ndgrad import _api, _ndgrad, _operators
from ndgrad._dask_graph import (
    _axis_spacing,
    _AxisSpacing,
    _collapse,
    _Coords,
    _Graph,
    _lazy_asarray,
    _LazyCoords,
    _raise_numpys_index_error,
    _Step,
)

__all__ = ["curl", "derivative", "divergence", "gradient", "laplacian", "magnitude"]

_Key = tuple[Any, ...]


def gradient(
    f: Any,
    *varargs: Any,
    axis: int | Sequence[int] | None = None,
    edge_order: int = _call.EDGE_ORDER,
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
        The samples, one array axis per independent variable. Anything
        other than a Dask array goes through ``dask.array.asarray``.
    *varargs : scalar or array_like, optional
        How far apart the samples are, as for ``numpy.gradient``: nothing
        (unit spacing), one scalar for all axes, or one scalar or 1-D
        coordinate array per axis. Coordinate arrays may be NumPy or Dask
        arrays (a Dask array stays lazy); a 0-d Dask array step is computed
        at call time.
    axis : int, tuple of int or None, optional
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
    options = _call.Options(
        accuracy=accuracy, edge_order=edge_order, boundary=boundary, period=period
    )
    return _differentiate("gradient", f, varargs, axis, options)


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
    *varargs : scalar or array_like, optional
        The spacing, as for :func:`gradient` (coordinates may be Dask
        arrays; they must be finite and strictly monotonic, which is checked
        when the graph is built for NumPy coordinates and when the blocks
        run for Dask ones).
    order : {1, 2, 3, 4}
        The derivative order.
    axis : int, tuple of int or None, optional
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
    options = _call.Options(order=order, accuracy=accuracy, boundary=boundary, period=period)
    return _differentiate("derivative", f, varargs, axis, options)


def _differentiate(
    name: str, f: Any, varargs: tuple[Any, ...], axis: Any, options: _call.Options
) -> Any:
    """The graph of ``gradient`` or ``derivative`` (``name``)."""
    f = da.asarray(f)
    call, spacings = _prepare(f, varargs, axis, options, f"ndgrad.dask.{name}")
    if not call.axes:
        return ()
    graph = _Graph([f], call, spacings, list(call.schemes), _api.output_dtype(f.dtype))
    outs = graph.outputs()
    return outs[0] if len(outs) == 1 else tuple(outs)


def _prepare(
    f: da.Array, varargs: tuple[Any, ...], axis: Any, options: _call.Options, caller: str
) -> tuple[_call.Call, list[_AxisSpacing]]:
    """The checked call and the spacing of each axis: NumPy's rules and
    errors for NumPy's gradient, the schemes' rules otherwise, checked on
    the whole array before any block runs."""
    if any(np.isnan(c) for cs in f.chunks for c in cs):
        raise ValueError(f"{caller} needs known chunk sizes; call `f.compute_chunk_sizes()` first")
    if type(f._meta) is not np.ndarray:
        raise TypeError(
            f"{caller} works on Dask arrays of numpy.ndarray chunks, "
            f"not of {type(f._meta).__name__}"
        )
    try:
        call = _call.resolve(f.shape, varargs, axis, options, caller, _lazy_asarray)
    except _call.Fallback:
        edge = _call.edge_order_value(options.edge_order)
        _raise_numpys_index_error(f, varargs, axis, edge)
    if _call.entry(f.dtype) is None or (not call.numpy and f.dtype.kind in "mM"):
        kinds = "integer, timedelta64 and datetime64" if call.numpy else "and integer"
        raise TypeError(
            f"{caller} takes float (up to float64), complex (up to complex128), {kinds} "
            f"data; got dtype {f.dtype} (differentiate it in memory with ndgrad, or convert it)"
        )
    schemes = call.schemes
    spacings = [_axis_spacing(dx, caller) for dx in call.dx]
    if call.accuracy is not None:
        for sp in spacings:
            if isinstance(sp, _Step):
                _call.check_step(sp.value, caller)
    # The whole array's errors (axis lengths, periods, NumPy coordinates), now.
    whole = [_whole(dx, s, sc) for dx, s, sc in zip(call.dx, spacings, schemes, strict=True)]
    try:
        _ndgrad.check(list(f.shape), list(call.axes), [w[0] for w in whole], [w[1] for w in whole])
    except ValueError as e:
        raise _call.named(caller, e) from None
    spacings = [
        _collapse(sp, sc, ax, f.shape[ax], caller)
        for ax, sp, sc in zip(call.axes, spacings, schemes, strict=True)
    ]
    if call.accuracy is not None:
        for sp in spacings:
            if isinstance(sp, _Step):
                _call.check_step(sp.value, caller)
    for ax, sp, sc in zip(call.axes, spacings, schemes, strict=True):
        if isinstance(sp, _LazyCoords) and sc.periodic and sc.period is None:
            raise ValueError(
                f"{caller}: axis {ax} is periodic with coordinates; expected a period for it, "
                "got none"
            )
    return call, spacings


# ------------------------------------------------------------- the operators


def _operator(
    op: str,
    inputs: list[da.Array],
    varargs: tuple[Any, ...],
    axis: Any,
    options: _call.Options,
    n_out: int = 1,
) -> Any:
    """The graph of a fused operator of ``inputs`` (one chunking): one Dask
    array, or a tuple of ``n_out``."""
    caller = f"ndgrad.dask.{op}"
    f = inputs[0]
    call, spacings = _prepare(f, varargs, axis, options, caller)
    if not call.axes:
        raise ValueError(f"{caller} needs at least one axis to differentiate along; got none")
    otype = _api.output_dtype(f.dtype)
    outs = _Graph(inputs, call, spacings, list(call.schemes), otype, op, n_out).outputs()
    return outs[0] if n_out == 1 else tuple(outs)


def magnitude(
    f: Any,
    *varargs: Any,
    axis: int | Sequence[int] | None = None,
    edge_order: int = _call.EDGE_ORDER,
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
    f = da.asarray(f)
    if f.dtype.kind == "c":
        raise TypeError(f"ndgrad.dask.magnitude takes real data; got dtype {f.dtype}")
    options = _call.Options(
        edge_order=edge_order, accuracy=accuracy, boundary=boundary, period=period
    )
    return _operator("magnitude", [f], varargs, axis, options)


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
    options = _call.Options(order=2, accuracy=accuracy, boundary=boundary, period=period)
    return _operator("laplacian", [da.asarray(f)], varargs, axis, options)


def _dask_components(F: Any, caller: str) -> list[da.Array]:
    """A vector field as Dask arrays of one shape, dtype and chunking: a
    sequence of arrays, or one array whose leading axis holds the
    components."""
    if isinstance(F, (list, tuple)):
        comps = [da.asarray(c) for c in F]
    else:
        a = da.asarray(F)
        if a.ndim < 2:
            raise _operators.leading_axis_error(caller, a.shape)
        comps = [a[i] for i in range(a.shape[0])]
    _operators.check_components(comps, caller)
    first = comps[0]
    # One chunking for all: the first component's.
    return [c if c.chunks == first.chunks else c.rechunk(first.chunks) for c in comps]


def divergence(
    F: Any,
    *varargs: Any,
    axis: int | Sequence[int] | None = None,
    edge_order: int = _call.EDGE_ORDER,
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

    Parameters
    ----------
    axis : None or int or tuple of ints, optional
        The axis each component is differentiated along (component i along
        ``axis[i]``), as for ``ndgrad.divergence``; None: every axis, as
        ``indexing`` says.

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> import ndgrad.dask
    >>> P = [da.from_array(c, chunks=2) for c in np.meshgrid(*[np.arange(4.0)] * 3, indexing="ij")]
    >>> bool((ndgrad.dask.divergence(P).compute() == 3).all())
    True
    >>> bool((ndgrad.dask.divergence(P[1:], axis=(1, 2)).compute() == 2).all())
    True
    """
    comps = _dask_components(F, "ndgrad.dask.divergence")
    axes = _operators.field_axes("divergence", F, comps, axis, indexing, "ndgrad.dask.divergence")
    options = _call.Options(
        edge_order=edge_order, accuracy=accuracy, boundary=boundary, period=period
    )
    return _operator("divergence", comps, varargs, axes, options)


def curl(
    F: Any,
    *varargs: Any,
    axis: int | Sequence[int] | None = None,
    edge_order: int = _call.EDGE_ORDER,
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

    Parameters
    ----------
    axis : None or tuple of 2 or 3 ints, optional
        The axis each component is differentiated along (component i along
        ``axis[i]``), as for ``ndgrad.curl``; None: every axis, as
        ``indexing`` says.

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> import ndgrad.dask
    >>> X, Y = np.meshgrid(np.arange(5.0), np.arange(5.0), indexing="ij")
    >>> F = [da.from_array(c, chunks=2) for c in (-Y, X)]
    >>> bool((ndgrad.dask.curl(F).compute() == 2).all())
    True
    >>> F3 = [da.stack([c] * 3, axis=-1) for c in F]  # and a third axis
    >>> bool((ndgrad.dask.curl(F3, axis=(0, 1)).compute() == 2).all())
    True
    """
    comps = _dask_components(F, "ndgrad.dask.curl")
    axes = _operators.field_axes("curl", F, comps, axis, indexing, "ndgrad.dask.curl")
    options = _call.Options(
        edge_order=edge_order, accuracy=accuracy, boundary=boundary, period=period
    )
    return _operator("curl", comps, varargs, axes, options, 1 if len(axes) == 2 else 3)


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
