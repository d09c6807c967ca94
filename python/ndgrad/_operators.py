"""Vector calculus in one pass: ``magnitude``, ``laplacian``, ``divergence``
and ``curl``.

Each is what a NumPy user composes from ``numpy.gradient`` calls, computed
by the Rust core in one pass over the input(s) in cache-sized slabs, with
the output(s) as the only allocations of the array's size. The results are
the bits of the composed expressions (see each docstring).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple
from numpy.typing import ArrayLike, NDArray

from ndgrad import _call, _ndgrad
from ndgrad._api import check_outputs, data, output_dtype, spacing_error, specs, unaliased
from ndgrad._call import Fallback, Options, resolve

_INDEXINGS = ("ij", "xy")


def _run(
    op: str,
    fields: Sequence[NDArray[Any]],
    varargs: tuple[Any, ...],
    axis: Any,
    options: Options,
    out: object,
    workers: int | None,
    count: int = 1,
) -> Any:
    """Runs operator ``op`` of ``fields`` (checked) into fresh outputs
    (``count`` of them, in the first field's memory order) or ``out=``; one
    array, or a tuple of three."""
    f = fields[0]
    caller = f"ndgrad.{op}"
    n_workers = _call.workers_arg(workers, caller)
    try:
        call = resolve(f.shape, varargs, axis, options, caller)
    except Fallback:
        raise spacing_error(caller) from None
    spacings = specs(call)
    if not call.axes:
        raise ValueError(f"{caller} needs at least one axis to differentiate along; got none")
    if f.ndim > _call.MAX_NDIM:
        raise ValueError(
            f"{caller} takes arrays of at most {_call.MAX_NDIM} dimensions; got {f.ndim}"
        )
    otype = output_dtype(f.dtype).newbyteorder("=")
    if out is None:
        outs = _ndgrad.empty_outputs(f, otype, count)
    else:
        outs = check_outputs(out, f.shape, otype, count, caller)
    targets = [o if o.dtype.isnative else np.empty_like(o, dtype=otype) for o in outs]
    if out is not None:
        fields = unaliased(fields, targets)
    entry = _call.entry(f.dtype)
    assert entry is not None  # `data` checked the dtype
    natives = [_call.native(a) for a in fields]
    try:
        entry(op, natives, targets, list(call.axes), spacings, list(call.schemes), n_workers)
    except ValueError as e:
        raise _call.named(caller, e) from None
    for o, t in zip(outs, targets, strict=True):
        if o is not t:
            np.copyto(o, t)
    return outs[0] if count == 1 else tuple(outs)


def magnitude(
    f: ArrayLike,
    *varargs: Any,
    axis: int | Sequence[int] | None = None,
    edge_order: int = _call.EDGE_ORDER,
    accuracy: int | None = None,
    boundary: str | Sequence[str] = "one-sided",
    period: float | Sequence[float | None] | None = None,
    out: NDArray[Any] | None = None,
    workers: int | None = None,
) -> NDArray[Any]:
    """
    Return the gradient magnitude ``sqrt(g0*g0 + g1*g1 + ...)``, in one pass.

    ``gi`` is the derivative along the i-th requested axis, exactly as
    :func:`ndgrad.gradient` computes it with the same arguments, and the
    squares are summed in the order of the axes. The result has the bits of
    ``np.sqrt(g0*g0 + g1*g1 + ...)`` on those gradients (not ``hypot``: a
    square that overflows gives ``inf``, as it does in NumPy), without
    computing any of them as an array: the input is read once, in
    cache-sized slabs, and the output is the only allocation of its size.

    Parameters
    ----------
    f : array_like
        Real data: float16/32/64 or integers (which give float64).
    *varargs, axis, edge_order, accuracy, boundary, period, workers
        As for :func:`ndgrad.gradient`.
    out : ndarray, optional
        The array to write into (``f``'s shape, the returned dtype).

    Returns
    -------
    ndarray
        ``|grad f|``, of ``f``'s shape (one array, whatever the number of
        axes).

    Raises
    ------
    TypeError
        Complex data (whose gradient has a modulus, not a square root of
        squares: use ``np.sqrt(sum(abs(g) ** 2 for g in gradients))``),
        and the types :func:`ndgrad.gradient` rejects.
    ValueError
        No axis, and the errors of :func:`ndgrad.gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> import ndgrad
    >>> y, x = np.mgrid[0:4, 0:5].astype(float)
    >>> ndgrad.magnitude(3 * x + 4 * y)  # a plane of slope 5
    array([[5., 5., 5., 5., 5.],
           [5., 5., 5., 5., 5.],
           [5., 5., 5., 5., 5.],
           [5., 5., 5., 5., 5.]])
    """
    a = data(f, "ndgrad.magnitude", real=True)
    options = Options(edge_order=edge_order, accuracy=accuracy, boundary=boundary, period=period)
    return _run("magnitude", [a], varargs, axis, options, out, workers)  # type: ignore[no-any-return]


def laplacian(
    f: ArrayLike,
    *varargs: Any,
    axis: int | Sequence[int] | None = None,
    accuracy: int = 2,
    boundary: str | Sequence[str] = "one-sided",
    period: float | Sequence[float | None] | None = None,
    out: NDArray[Any] | None = None,
    workers: int | None = None,
) -> NDArray[Any]:
    """
    Return the Laplacian: the sum of the second derivatives along the axes.

    Each second derivative is the direct stencil of
    ``ndgrad.derivative(f, ..., order=2, accuracy=accuracy, axis=i)`` (the
    3-point ``(f[i-1] - 2 f[i] + f[i+1]) / h**2`` inside at accuracy 2), not
    the gradient applied twice, and the result has the bits of adding those
    derivatives in the order of the axes. One pass over the input; the
    output is the only allocation of its size.

    Parameters
    ----------
    f : array_like
        Float, complex or integer data.
    *varargs : scalar or array, optional
        The spacing, as for :func:`ndgrad.gradient`.
    axis : int, tuple of int or None, optional
        The axes to sum over (default: all).
    accuracy : {2, 4, 6, 8}, optional
        The accuracy order of every second derivative, ends included.
    boundary, period, workers
        As for :func:`ndgrad.derivative`.
    out : ndarray, optional
        The array to write into.

    Returns
    -------
    ndarray
        The Laplacian, of ``f``'s shape.

    Examples
    --------
    >>> import numpy as np
    >>> import ndgrad
    >>> x = np.arange(6) * 0.5
    >>> X, Y = np.meshgrid(x, x, indexing="ij")
    >>> ndgrad.laplacian(X**2 + Y**2, 0.5)  # 4 everywhere, ends included
    array([[4., 4., 4., 4., 4., 4.],
           [4., 4., 4., 4., 4., 4.],
           [4., 4., 4., 4., 4., 4.],
           [4., 4., 4., 4., 4., 4.],
           [4., 4., 4., 4., 4., 4.],
           [4., 4., 4., 4., 4., 4.]])
    """
    a = data(f, "ndgrad.laplacian")
    options = Options(order=2, accuracy=accuracy, boundary=boundary, period=period)
    return _run("laplacian", [a], varargs, axis, options, out, workers)  # type: ignore[no-any-return]


def _components(F: Any, caller: str) -> list[NDArray[Any]]:
    """A vector field: a sequence of arrays of one shape and dtype, or one
    array whose leading axis holds the components."""
    if isinstance(F, np.ndarray):
        if F.ndim < 2:
            raise leading_axis_error(caller, F.shape)
        comps = [data(F[i], caller) for i in range(F.shape[0])]
    elif isinstance(F, (list, tuple)):
        comps = [data(c, caller) for c in F]
    else:
        raise TypeError(
            f"{caller} takes a sequence of arrays or one array with a leading component axis; "
            f"got {type(F).__name__}"
        )
    check_components(comps, caller)
    return comps


def leading_axis_error(caller: str, shape: tuple[int, ...]) -> ValueError:
    """The error for one array whose leading axis is not one component per axis."""
    return ValueError(
        f"{caller} of one array takes its components along the leading axis, whose "
        f"length must be the number of axes; got shape {shape}"
    )


def check_components(comps: Sequence[Any], caller: str) -> None:
    """One shape and dtype for all components (NumPy or Dask arrays)."""
    if not comps:
        raise ValueError(f"{caller} needs at least one component; got none")
    first = comps[0]
    for i, c in enumerate(comps[1:], start=1):
        if c.shape != first.shape:
            raise ValueError(
                f"{caller}: component {i} has shape {c.shape}, expected {first.shape} "
                "(component 0's shape)"
            )
        if c.dtype != first.dtype:
            raise TypeError(
                f"{caller}: component {i} has dtype {c.dtype}, expected {first.dtype} "
                "(component 0's dtype)"
            )


def field_axes(
    op: str, F: Any, comps: Sequence[Any], axis: Any, indexing: object, caller: str
) -> tuple[int, ...]:
    """The axis each component of field ``F`` is differentiated along:
    ``axis`` as given, or (None) every axis in order, the first two
    swapped with ``indexing="xy"``. One per component; 2 or 3 for a curl."""
    if indexing not in _INDEXINGS:
        raise ValueError(f"{caller}: indexing must be 'ij' or 'xy'; got {indexing!r}")
    ndim = comps[0].ndim
    given = f"{ndim}-D components" if axis is None else f"axis={axis!r}"
    if axis is None:
        axes = tuple(range(ndim))
        if indexing == "xy" and ndim >= 2:
            axes = (1, 0, *axes[2:])
    elif indexing != "ij":
        raise ValueError(
            f"{caller}: indexing='xy' is for axis=None (with axis, component i is "
            f"differentiated along axis[i]); got {given}, indexing={indexing!r}"
        )
    else:
        try:
            axes = normalize_axis_tuple(axis, ndim, caller)  # AxisError: "{caller}: axis..."
        except np.exceptions.AxisError:
            raise
        except ValueError:
            raise ValueError(f"{caller}: repeated axis in {given}") from None
    if op == "curl" and len(axes) not in (2, 3):
        raise ValueError(f"{caller} is defined for 2-D and 3-D fields (2 or 3 axes); got {given}")
    if len(comps) != len(axes):
        if not isinstance(F, (list, tuple)):
            raise leading_axis_error(caller, (len(comps), *comps[0].shape))
        raise ValueError(
            f"{caller} takes one component per axis: {given} need {len(axes)}, got {len(comps)}"
        )
    return axes


def divergence(
    F: Any,
    *varargs: Any,
    axis: int | Sequence[int] | None = None,
    edge_order: int = _call.EDGE_ORDER,
    accuracy: int | None = None,
    boundary: str | Sequence[str] = "one-sided",
    period: float | Sequence[float | None] | None = None,
    out: NDArray[Any] | None = None,
    workers: int | None = None,
    indexing: str = "ij",
) -> NDArray[Any]:
    """
    Return the divergence ``dF0/dx0 + dF1/dx1 + ...`` of a vector field.

    Component i is differentiated along axis i exactly as
    ``ndgrad.gradient(F[i], h_i, axis=i, ...)`` computes it, and the result
    has the bits of adding those N derivatives in axis order. One pass over
    the components; the output is the only allocation of its size.

    Parameters
    ----------
    F : sequence of array_like, or ndarray
        N arrays of one N-D shape and dtype, or one array whose leading axis
        (of length N) holds the components.
    *varargs : scalar or array, optional
        The spacing: nothing, one scalar, or one scalar or 1-D coordinate
        array per axis (per component, in component order).
    axis : None or int or tuple of ints, optional
        The axis each component is differentiated along, one per component
        (component i along ``axis[i]``); the components may then have more
        dimensions. None (default): every axis, as ``indexing`` says.
    edge_order, accuracy, boundary, period, workers
        As for :func:`ndgrad.gradient` (``boundary`` and ``period`` per
        component).
    out : ndarray, optional
        The array to write into.
    indexing : {"ij", "xy"}, optional
        "ij" (default): component i along axis i. "xy": the layout of
        ``np.meshgrid``'s default, where axis 0 is y and axis 1 is x:
        component 0 (x) is differentiated along axis 1 and component 1 (y)
        along axis 0.

    Returns
    -------
    ndarray
        The divergence, of the components' shape.

    Examples
    --------
    >>> import numpy as np
    >>> import ndgrad
    >>> X, Y, Z = np.meshgrid(np.arange(3.0), np.arange(4.0), np.arange(5.0), indexing="ij")
    >>> bool((ndgrad.divergence([X, Y, Z]) == 3).all())
    True
    >>> bool((ndgrad.divergence([Y, Z], axis=(1, 2)) == 2).all())  # axis 0 not differentiated
    True
    """
    comps = _components(F, "ndgrad.divergence")
    axes = field_axes("divergence", F, comps, axis, indexing, "ndgrad.divergence")
    options = Options(edge_order=edge_order, accuracy=accuracy, boundary=boundary, period=period)
    return _run("divergence", comps, varargs, axes, options, out, workers)  # type: ignore[no-any-return]


def curl(
    F: Any,
    *varargs: Any,
    axis: int | Sequence[int] | None = None,
    edge_order: int = _call.EDGE_ORDER,
    accuracy: int | None = None,
    boundary: str | Sequence[str] = "one-sided",
    period: float | Sequence[float | None] | None = None,
    out: NDArray[Any] | Sequence[NDArray[Any]] | None = None,
    workers: int | None = None,
    indexing: str = "ij",
) -> Any:
    """
    Return the curl of a 2-D or 3-D vector field, component i along axis i.

    - 2-D: one array, ``dF1/dx0 - dF0/dx1``.
    - 3-D: three arrays, ``(dF2/dx1 - dF1/dx2, dF0/dx2 - dF2/dx0,
      dF1/dx0 - dF0/dx1)``.

    Each derivative is ``ndgrad.gradient``'s with the same arguments, and
    each result has the bits of the composed difference. One pass over the
    components; the outputs are the only allocations of their size.

    Parameters
    ----------
    F : sequence of array_like, or ndarray
        2 arrays of one 2-D shape or 3 of one 3-D shape (one dtype), or one
        array whose leading axis holds the components.
    *varargs : scalar or array, optional
        The spacing, per component in component order, as for
        :func:`divergence`.
    axis : None or tuple of 2 or 3 ints, optional
        The axis each component is differentiated along (component i along
        ``axis[i]``), as for :func:`divergence`.
    edge_order, accuracy, boundary, period, workers
        As for :func:`ndgrad.gradient`.
    out : ndarray or tuple of 3 ndarrays, optional
        The array(s) to write into.
    indexing : {"ij", "xy"}, optional
        "xy" for ``np.meshgrid``'s default layout (axis 0 is y, axis 1 is
        x), with the components and spacings still in (x, y, z) order: the
        result is the same field as with "ij" on transposed data.

    Returns
    -------
    ndarray or tuple of 3 ndarrays

    Examples
    --------
    >>> import numpy as np
    >>> import ndgrad
    >>> x = np.arange(5.0)
    >>> X, Y = np.meshgrid(x, x, indexing="ij")
    >>> bool((ndgrad.curl([-Y, X]) == 2).all())  # a rotation
    True
    >>> Xm, Ym = np.meshgrid(x, x)  # "xy": rows are y
    >>> bool((ndgrad.curl([-Ym, Xm], indexing="xy") == 2).all())
    True
    >>> F3 = [np.stack([c] * 3, axis=-1) for c in (-Y, X)]  # and a third axis
    >>> bool((ndgrad.curl(F3, axis=(0, 1)) == 2).all())
    True
    """
    comps = _components(F, "ndgrad.curl")
    axes = field_axes("curl", F, comps, axis, indexing, "ndgrad.curl")
    options = Options(edge_order=edge_order, accuracy=accuracy, boundary=boundary, period=period)
    return _run("curl", comps, varargs, axes, options, out, workers, 1 if len(axes) == 2 else 3)
