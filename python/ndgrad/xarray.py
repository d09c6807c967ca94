"""ndgrad on xarray: the ``ndgrad`` accessor of ``DataArray`` and ``Dataset``.

``import ndgrad.xarray`` registers, with xarray's documented
``register_dataarray_accessor`` and ``register_dataset_accessor``, an
accessor ``ndgrad`` on every ``xarray.DataArray`` and ``xarray.Dataset``:

- ``.ndgrad.differentiate(coord, edge_order=1, datetime_unit=None)`` is
  xarray's own ``differentiate``: the same values bit for bit, the same
  dims, coordinates, name and attributes, for float, integer and datetime64
  coordinates and every ``datetime_unit``, computed by ``ndgrad.gradient``
  (NumPy-backed data) or ``ndgrad.dask.gradient`` (Dask-backed data, which
  stays lazy). With ``accuracy``, ``boundary`` or ``period`` it applies
  ndgrad's schemes along that coordinate.
- ``.ndgrad.derivative(coord, order)``, ``.ndgrad.laplacian(dims)`` and
  ``.ndgrad.magnitude(dims)``; on Datasets, ``.ndgrad.divergence`` and
  ``.ndgrad.curl`` of vector fields given as named component variables.

The spacing always comes from the coordinates, as in ``differentiate``: a
coordinate's values (datetimes converted to numbers of ``datetime_unit``
exactly as xarray converts them), and the positions ``0, 1, ..., n - 1``
along a dimension without a coordinate. Coordinates are read into memory
(they are 1-D); Dask-backed data is never computed.

A longitude in CF's ``degrees_east`` (or another CF spelling of it), equally
spaced over the full circle, takes ``boundary="periodic"`` without a
``period``: it is 360. So does a dimension without a coordinate (its
positions repeat every ``n``). Any other periodic coordinate needs
``period``.

This module needs xarray (``pip install 'ndgrad[xarray]'``); ``import
ndgrad`` does not import it.

Examples
--------
>>> import numpy as np
>>> import xarray as xr
>>> import ndgrad.xarray
>>> t = xr.DataArray([1.0, 2.0, 4.0, 7.0, 11.0, 16.0], dims="x",
...                  coords={"x": [0.0, 1.0, 1.5, 3.5, 4.0, 6.0]})
>>> t.ndgrad.differentiate("x").values
array([1. , 3. , 3.5, 6.7, 6.9, 2.5])
>>> t.ndgrad.differentiate("x").identical(t.differentiate("x"))
True
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

try:
    import xarray as xr
except ImportError as e:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "ndgrad.xarray needs xarray: install it with `pip install 'ndgrad[xarray]'` "
        "(or `pip install xarray`)"
    ) from e

# What xarray's own `differentiate` calls to tell datetime-like variables and
# to turn them into numbers (offset by their minimum, divided by the unit):
# using the same functions is what makes datetime coordinates bit-exact.
from xarray.core.common import _contains_datetime_like_objects

import ndgrad
from ndgrad import _api

__all__ = ["LONGITUDE_UNITS", "DataArrayAccessor", "DatasetAccessor"]

LONGITUDE_UNITS = frozenset(
    {"degrees_east", "degree_east", "degree_E", "degrees_E", "degreeE", "degreesE"}
)
"""The CF conventions' ``units`` of a longitude coordinate."""

_Obj = xr.DataArray | xr.Dataset
BoundaryArg = str | Mapping[Hashable, str]
PeriodArg = float | Mapping[Hashable, float | None] | None


# ------------------------------------------------------------------ coordinates


@dataclass(frozen=True)
class _Coord:
    """One coordinate to differentiate along, resolved on an object."""

    name: Hashable
    """The name the caller gave (a coordinate or a dimension)."""
    dim: Hashable
    """The dimension it runs along."""
    values: NDArray[Any]
    """The spacing passed to the kernels: the numeric values xarray's
    ``differentiate`` passes to ``numpy.gradient``."""
    attrs: Mapping[Any, Any]
    """The coordinate's attributes (for the period)."""
    positional: bool
    """A dimension without a coordinate (the values are its positions)."""
    datetime_unit: str | None
    """The unit of a datetime-like coordinate's values, else None."""


def _describe(obj: xr.DataArray | xr.Dataset) -> str:
    return "DataArray" if isinstance(obj, xr.DataArray) else "Dataset"


def _known(obj: xr.DataArray | xr.Dataset) -> list[Hashable]:
    """The coordinates and dimensions to name in an error (a Dataset's 1-D
    data variables are accepted too, as ``Dataset.differentiate`` does, but
    are not what a caller means by a coordinate)."""
    return list(obj.coords) + [d for d in obj.dims if d not in obj.coords]


def _in_memory(v: xr.Variable) -> xr.Variable:
    """A (1-D) coordinate variable with its values in memory."""
    return v if isinstance(v.data, np.ndarray) else v.compute()


def _coord(
    obj: xr.DataArray | xr.Dataset, name: Hashable, datetime_unit: str | None, caller: str
) -> _Coord:
    """``name``'s values as ``differentiate`` passes them to ``numpy.gradient``."""
    try:
        hash(name)
    except TypeError:
        raise TypeError(
            f"{caller} takes the name of a coordinate or dimension; got {type(name).__name__} "
            f"{name!r}"
        ) from None
    in_obj = name in obj.dims or (
        name in obj.variables if isinstance(obj, xr.Dataset) else name in obj.coords
    )
    if not in_obj:
        raise ValueError(
            f"{caller}: {name!r} is not a coordinate or dimension of this {_describe(obj)}; "
            f"expected one of {_known(obj)!r}"
        )
    var = obj[name].variable
    if var.ndim != 1:
        raise ValueError(
            f"{caller}: coordinate {name!r} must be one-dimensional; got {var.ndim} "
            f"dimensions {var.dims!r}"
        )
    dim = var.dims[0]
    positional = name == dim and name not in obj.coords
    attrs = var.attrs
    unit: str | None = None
    var = _in_memory(var)
    if _contains_datetime_like_objects(var):
        # Dataset.differentiate's rules: datetime64/timedelta64 default to
        # their own unit, cftime dates to seconds.
        if datetime_unit is None:
            datetime_unit = np.datetime_data(var.dtype)[0] if var.dtype.kind in "mM" else "s"
        unit = datetime_unit
        var = var._to_numeric(datetime_unit=datetime_unit)
    return _Coord(name, dim, np.asarray(var.data), attrs, positional, unit)


def _coords(
    obj: xr.DataArray | xr.Dataset,
    names: Hashable | Sequence[Hashable] | None,
    datetime_unit: str | None,
    caller: str,
) -> list[_Coord]:
    """Several coordinates along distinct dimensions (default: every dimension)."""
    if names is None:
        names = list(obj.dims)
    elif isinstance(names, str) or not isinstance(names, Iterable):
        names = [names]
    coords = [_coord(obj, n, datetime_unit, caller) for n in names]
    if not coords:
        raise ValueError(f"{caller} needs at least one coordinate or dimension; got none")
    seen: dict[Hashable, Hashable] = {}
    for c in coords:
        if c.dim in seen:
            raise ValueError(
                f"{caller}: {seen[c.dim]!r} and {c.name!r} both run along dimension "
                f"{c.dim!r}; expected one coordinate per dimension"
            )
        seen[c.dim] = c.name
    return coords


# ---------------------------------------------------------- boundaries, periods


def _per_coord(name: str, value: Any, coords: Sequence[_Coord], default: Any) -> list[Any]:
    """One value for every coordinate, or a mapping from coordinate names."""
    if not isinstance(value, Mapping):
        return [value] * len(coords)
    names = [c.name for c in coords]
    unknown = [k for k in value if k not in names]
    if unknown:
        raise ValueError(
            f"{name} names {unknown!r}, which are not among the coordinates differentiated "
            f"along; expected keys from {names!r}"
        )
    return [value.get(c.name, default) for c in coords]


def _full_circle(c: _Coord) -> str | None:
    """Why ``c`` is not a longitude spanning the full circle, or None if it is."""
    units = c.attrs.get("units")
    if units not in LONGITUDE_UNITS:
        return (
            f"it is read from the coordinate only for a longitude (CF units 'degrees_east') "
            f"equally spaced over the full circle, and {c.name!r} has units {units!r}"
        )
    x = c.values.astype(np.float64)
    n = len(x)
    step = 360.0 / n
    d = np.diff(x)
    if n < 2 or not np.isfinite(x).all() or not (d > 0).all():
        return f"the longitude {c.name!r} is not strictly increasing"
    # Equally spaced, allowing for the rounding of the coordinate's dtype
    # (float32 longitudes are common) ...
    eps = float(np.finfo(c.values.dtype).eps) if c.values.dtype.kind == "f" else 0.0
    tol = 1e-3 * step + 8 * eps * float(np.abs(x).max())
    # ... and spanning the full circle: n * (x[-1] - x[0]) / (n - 1) == 360,
    # to far less than one step (a global grid missing one column is not one).
    span = (x[-1] - x[0]) * n / (n - 1)
    if np.abs(d - step).max() > tol or abs(span - 360.0) > 1e-5 * 360.0:
        return (
            f"the longitude {c.name!r} is not equally spaced over the full circle: "
            f"{n} samples with steps from {d.min():g} to {d.max():g}, "
            f"(x[-1] - x[0]) * n / (n - 1) = {span:g} degrees, expected 360"
        )
    return None


def _periods(
    coords: Sequence[_Coord], boundary: object, period: object, caller: str
) -> tuple[list[bool], list[float | None]]:
    """Per coordinate: periodic or not, and the period (given, or unambiguous
    from the metadata)."""
    periodic = [_api.boundary_arg(b) for b in _per_coord("boundary", boundary, coords, "one-sided")]
    given = _per_coord("period", period, coords, None)
    if period is not None and not isinstance(period, Mapping) and not any(periodic):
        raise ValueError(
            f"{caller}: period is for boundary='periodic'; got period={period!r} with no "
            "periodic coordinate"
        )
    periods: list[float | None] = []
    for c, p, per in zip(coords, periodic, given, strict=True):
        if per is not None and (
            isinstance(per, bool) or not isinstance(per, (int, float, np.integer, np.floating))
        ):
            raise TypeError(
                f"{caller}: the period of {c.name!r} must be a real number; "
                f"got {type(per).__name__} {per!r}"
            )
        if not p:
            if per is not None and isinstance(period, Mapping):
                raise ValueError(
                    f"{caller}: period is for boundary='periodic'; got a period for "
                    f"{c.name!r}, whose boundary is 'one-sided'"
                )
            periods.append(None)
        elif per is not None:
            periods.append(float(per))
        elif c.positional:
            periods.append(float(len(c.values)))
        else:
            why = _full_circle(c)
            if why is not None:
                raise ValueError(
                    f"{caller}: boundary='periodic' along {c.name!r} needs period=; {why}"
                )
            periods.append(360.0)
    return periodic, periods


def _check_monotonic(c: _Coord, periodic: bool, what: str, caller: str) -> None:
    """The higher-order and periodic schemes need finite, strictly monotonic
    coordinates (increasing on a periodic axis)."""
    x = c.values
    if x.dtype.kind not in "fiu":
        raise TypeError(
            f"{caller}: coordinate {c.name!r} must be numeric or datetime-like for {what}; "
            f"got dtype {x.dtype}"
        )
    bad = np.flatnonzero(~np.isfinite(x)) if x.dtype.kind == "f" else np.array([], dtype=int)
    if bad.size:
        raise ValueError(
            f"{caller}: coordinate {c.name!r} must be finite for {what}; "
            f"got {c.name}[{bad[0]}] = {x[bad[0]].item()!r}"
        )
    if len(x) < 2:
        return
    d = np.diff(x) if x.dtype.kind == "f" else np.diff(x.astype(np.float64))
    want = "strictly increasing" if periodic else "strictly monotonic"
    ok = (d > 0) if periodic or d[0] > 0 else (d < 0)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0]) + 1
        raise ValueError(
            f"{caller}: coordinate {c.name!r} must be {want} for {what}; got "
            f"{c.name}[{i - 1}] = {x[i - 1].item()!r}, {c.name}[{i}] = {x[i].item()!r}"
        )


def _scheme_words(accuracy: object, periodic: Sequence[bool], order: int = 1) -> str:
    words = []
    if order != 1:
        words.append(f"order={order}")
    if accuracy is not None:
        words.append(f"accuracy={accuracy}")
    if any(periodic):
        words.append("boundary='periodic'")
    return ", ".join(words)


# ------------------------------------------------------------------ the data


def _is_dask(x: object) -> bool:
    dask_array = sys.modules.get("dask.array")
    return dask_array is not None and isinstance(x, dask_array.Array)


def _backend(data: object, caller: str) -> Any:
    """``ndgrad`` for NumPy-backed data, ``ndgrad.dask`` for Dask-backed data."""
    if _is_dask(data):
        import ndgrad.dask as nd_dask

        return nd_dask
    if isinstance(data, np.ndarray):
        return ndgrad
    raise TypeError(
        f"{caller} takes NumPy- or Dask-backed data; got {type(data).__module__}."
        f"{type(data).__name__}"
    )


def _numeric(v: xr.Variable, datetime_unit: str | None) -> xr.Variable:
    """A variable as ``differentiate`` differentiates it: datetime-like data
    as numbers (of the coordinate's unit when that is a datetime)."""
    if _contains_datetime_like_objects(v):
        numeric: xr.Variable = v._to_numeric(datetime_unit=datetime_unit)
        return numeric
    return v


def _unit(coords: Sequence[_Coord]) -> str | None:
    """The unit datetime-like data takes: the first datetime coordinate's."""
    return next((c.datetime_unit for c in coords if c.datetime_unit is not None), None)


def _replace(obj: _Obj, new: Mapping[Hashable, Any]) -> _Obj:
    """``obj`` with new data for some variables, as ``Dataset.differentiate``
    builds its result: the new variables have the old dims and no attributes
    or encoding; every other variable, the coordinates, the name and the
    object's own attributes are kept."""
    if isinstance(obj, xr.DataArray):
        (data,) = new.values()
        arr = obj.copy(deep=False, data=data)
        arr.attrs = {}
        arr.encoding = {}
        return arr
    ds = obj.copy(deep=False)
    for k, data in new.items():
        ds[k] = xr.Variable(obj[k].dims, data)
    return ds


def _fields(obj: xr.DataArray | xr.Dataset, dims: Iterable[Hashable]) -> dict[Hashable, Any]:
    """The variables to differentiate: the array, or the data variables of a
    Dataset that run along any of ``dims`` (others are kept as they are)."""
    if isinstance(obj, xr.DataArray):
        return {obj.name: obj.variable}
    want = set(dims)
    return {k: v.variable for k, v in obj.data_vars.items() if want & set(v.dims)}


def _map(
    obj: _Obj,
    coords: Sequence[_Coord],
    caller: str,
    fn: Callable[[Any, Any, list[int], list[_Coord]], Any],
) -> _Obj:
    """Applies ``fn(backend, data, axes, coords)`` to every field, with the
    axes of the coordinates it runs along and those coordinates."""
    unit = _unit(coords)
    new = {}
    for k, var in _fields(obj, [c.dim for c in coords]).items():
        v = _numeric(var, unit)
        mine = [c for c in coords if c.dim in v.dims]
        axes = [v.get_axis_num(c.dim) for c in mine]
        new[k] = fn(_backend(v.data, caller), v.data, axes, mine)
    return _replace(obj, new)


def _scheme_kw(
    coords: Sequence[_Coord], periodic: Sequence[bool], periods: Sequence[float | None]
) -> dict[str, Any]:
    """``boundary`` and ``period`` for the kernels: the defaults when no
    axis is periodic (so that NumPy's gradient stays NumPy's), else per axis."""
    if not any(periodic):
        return {"boundary": "one-sided", "period": None}
    return {
        "boundary": ["periodic" if p else "one-sided" for p in periodic],
        "period": list(periods),
    }


# ------------------------------------------------------------------ methods


class _Accessor:
    """What ``DataArray.ndgrad`` and ``Dataset.ndgrad`` share."""

    _obj: xr.DataArray | xr.Dataset

    def _differentiate(
        self,
        coord: Hashable,
        edge_order: int,
        datetime_unit: str | None,
        accuracy: int | None,
        boundary: str,
        period: float | None,
    ) -> Any:
        caller = "differentiate"
        c = _coord(self._obj, coord, datetime_unit, caller)
        if accuracy is None and boundary == "one-sided" and period is None:
            # xarray's own differentiate, with ndgrad's gradient for NumPy's.
            def grad(nd: Any, f: Any, axes: list[int], mine: list[_Coord]) -> Any:
                return nd.gradient(f, mine[0].values, axis=axes[0], edge_order=edge_order)

            return _map(self._obj, [c], caller, grad)
        if accuracy is not None and edge_order != 1:
            raise ValueError(
                f"{caller}: edge_order must stay 1 (its default) when accuracy is given "
                f"(accuracy sets the order at the ends too); got edge_order={edge_order!r}, "
                f"accuracy={accuracy!r}"
            )
        periodic, periods = _periods([c], boundary, period, caller)
        _check_monotonic(c, periodic[0], _scheme_words(accuracy, periodic), caller)
        kw = _scheme_kw([c], periodic, periods)

        def schemes(nd: Any, f: Any, axes: list[int], mine: list[_Coord]) -> Any:
            return nd.gradient(
                f,
                mine[0].values,
                axis=axes[0],
                edge_order=_api.EDGE_ORDER if accuracy is not None else edge_order,
                accuracy=accuracy,
                boundary=kw["boundary"],
                period=periods[0],
            )

        return _map(self._obj, [c], caller, schemes)

    def _derivative(
        self,
        coord: Hashable,
        order: int,
        accuracy: int | None,
        boundary: str,
        period: float | None,
        datetime_unit: str | None,
    ) -> Any:
        caller = "derivative"
        c = _coord(self._obj, coord, datetime_unit, caller)
        periodic, periods = _periods([c], boundary, period, caller)
        _check_monotonic(c, periodic[0], _scheme_words(accuracy, periodic, order), caller)
        kw = _scheme_kw([c], periodic, periods)

        def fn(nd: Any, f: Any, axes: list[int], mine: list[_Coord]) -> Any:
            return nd.derivative(
                f,
                mine[0].values,
                order=order,
                axis=axes[0],
                accuracy=accuracy,
                boundary=kw["boundary"],
                period=periods[0],
            )

        return _map(self._obj, [c], caller, fn)

    def _operator(
        self,
        op: Literal["laplacian", "magnitude"],
        dims: Hashable | Sequence[Hashable] | None,
        edge_order: int,
        accuracy: int | None,
        boundary: BoundaryArg,
        period: PeriodArg,
        datetime_unit: str | None,
    ) -> Any:
        coords = _coords(self._obj, dims, datetime_unit, op)
        if op == "magnitude" and accuracy is not None and edge_order != 1:
            raise ValueError(
                f"{op}: edge_order must stay 1 (its default) when accuracy is given; got "
                f"edge_order={edge_order!r}, accuracy={accuracy!r}"
            )
        periodic, periods = _periods(coords, boundary, period, op)
        if op == "laplacian" or accuracy is not None or any(periodic):
            what = _scheme_words(accuracy, periodic, 2 if op == "laplacian" else 1)
            for c, p in zip(coords, periodic, strict=True):
                _check_monotonic(c, p, what, op)
        index = {c.dim: i for i, c in enumerate(coords)}

        def fn(nd: Any, f: Any, axes: list[int], mine: list[_Coord]) -> Any:
            which = [index[c.dim] for c in mine]
            kw = _scheme_kw(mine, [periodic[i] for i in which], [periods[i] for i in which])
            x = [c.values for c in mine]
            if op == "magnitude":
                edge = edge_order if accuracy is None else _api.EDGE_ORDER
                return nd.magnitude(
                    f, *x, axis=tuple(axes), edge_order=edge, accuracy=accuracy, **kw
                )
            return nd.laplacian(f, *x, axis=tuple(axes), accuracy=accuracy, **kw)

        return _map(self._obj, coords, op, fn)


@xr.register_dataarray_accessor("ndgrad")
class DataArrayAccessor(_Accessor):
    """``DataArray.ndgrad``: derivatives along named coordinates, with ndgrad.

    Registered by ``import ndgrad.xarray``. NumPy-backed data goes through
    ``ndgrad`` (in memory, every core), Dask-backed data through
    ``ndgrad.dask`` (lazily, block by block). The spacing comes from the
    coordinates. The results keep the array's dims, coordinates and name and,
    as xarray's ``differentiate`` does, drop its attributes.
    """

    _obj: xr.DataArray

    def __init__(self, xarray_obj: xr.DataArray) -> None:
        self._obj = xarray_obj

    def differentiate(
        self,
        coord: Hashable,
        edge_order: Literal[1, 2] = 1,
        datetime_unit: str | None = None,
        *,
        accuracy: int | None = None,
        boundary: str = "one-sided",
        period: float | None = None,
    ) -> xr.DataArray:
        """
        Differentiate along a coordinate: xarray's ``differentiate``, with ndgrad.

        With the defaults of ``accuracy``, ``boundary`` and ``period`` the
        result is ``DataArray.differentiate(coord, edge_order,
        datetime_unit)``'s, bit for bit, with the same dims, coordinates and
        name (and, like it, no attributes): second-order central differences
        inside, ``edge_order``-th order one-sided differences at the ends,
        computed by ``ndgrad.gradient`` (``ndgrad.dask.gradient`` for Dask
        data, which stays lazy).

        Parameters
        ----------
        coord : hashable
            The 1-D coordinate (or dimension, whose positions
            ``0, 1, ..., n - 1`` are then the coordinate) to differentiate
            along.
        edge_order : {1, 2}, default: 1
            The order of the one-sided differences at the ends (NumPy's
            gradient). Must stay 1 with ``accuracy``, which sets the ends
            too.
        datetime_unit : {"W", "D", "h", "m", "s", "ms", "us", "ns", ...}, optional
            For a datetime coordinate, the time unit of the derivative
            (default: the coordinate's own unit), as in ``differentiate``.
        accuracy : {None, 2, 4, 6, 8}, optional
            None is NumPy's gradient (``differentiate``); an even k gives
            k-th order differences at every sample, ends included (see
            ``ndgrad.gradient``).
        boundary : {"one-sided", "periodic"}, default: "one-sided"
            "periodic" wraps the coordinate around: the sample after the
            last is the first, one ``period`` further on.
        period : float, optional
            The period of a periodic coordinate, in its units (in
            ``datetime_unit`` for datetimes). Not needed for a longitude in
            ``degrees_east`` equally spaced over 360 degrees (it is 360) or
            a dimension without a coordinate (it is the length).

        Returns
        -------
        xarray.DataArray
            The derivative, with the array's dims, coordinates and name.

        Raises
        ------
        ValueError
            An unknown coordinate or dimension, a coordinate that is not
            one-dimensional; with ``accuracy`` or ``boundary="periodic"``, a
            coordinate that is not finite and strictly monotonic (increasing
            if periodic), a periodic coordinate without a period that cannot
            be read from its metadata, and the errors of ``ndgrad.gradient``.
        TypeError
            Data that is neither NumPy- nor Dask-backed, arguments of the
            wrong type.

        Examples
        --------
        >>> import numpy as np
        >>> import xarray as xr
        >>> import ndgrad.xarray
        >>> x = np.arange(6.0)
        >>> f = xr.DataArray(x**4, dims="x", coords={"x": x}, name="f")
        >>> f.ndgrad.differentiate("x", edge_order=2).values  # differentiate's bits
        array([ -6.,   8.,  40., 120., 272., 466.])
        >>> f.ndgrad.differentiate("x", accuracy=4).values  # exact for quartics
        array([  0.,   4.,  32., 108., 256., 500.])

        Time derivatives in any unit, and a periodic longitude:

        >>> time = np.array(["2024-01-01", "2024-01-02", "2024-01-04"], dtype="M8[ns]")
        >>> temp = xr.DataArray([270.0, 272.0, 271.0], dims="time", coords={"time": time})
        >>> temp.ndgrad.differentiate("time", datetime_unit="D").values  # K/day
        array([ 2.        ,  1.16666667, -0.5       ])
        >>> lon = xr.DataArray(np.arange(0.0, 360.0, 90.0), dims="lon",
        ...                    attrs={"units": "degrees_east"})
        >>> wave = xr.DataArray([0.0, 1.0, 0.0, -1.0], dims="lon", coords={"lon": lon})
        >>> wave.ndgrad.differentiate("lon", boundary="periodic").values * 90
        array([ 1.,  0., -1.,  0.])
        """
        return self._differentiate(  # type: ignore[no-any-return]
            coord, edge_order, datetime_unit, accuracy, boundary, period
        )

    def derivative(
        self,
        coord: Hashable,
        order: int,
        *,
        accuracy: int | None = 2,
        boundary: str = "one-sided",
        period: float | None = None,
        datetime_unit: str | None = None,
    ) -> xr.DataArray:
        """
        The ``order``-th derivative along a coordinate (``ndgrad.derivative``).

        Parameters
        ----------
        coord : hashable
            The 1-D coordinate or dimension to differentiate along; its
            values must be finite and strictly monotonic (increasing if
            periodic).
        order : {1, 2, 3, 4}
            The derivative order.
        accuracy : {2, 4, 6, 8}, default: 2
            The accuracy order, ends included (None with ``order=1`` is
            NumPy's gradient).
        boundary, period, datetime_unit
            As for :meth:`differentiate` (the derivative of a datetime
            coordinate is per ``datetime_unit ** order``).

        Returns
        -------
        xarray.DataArray
            The derivative, with the array's dims, coordinates and name.

        Examples
        --------
        >>> import numpy as np
        >>> import xarray as xr
        >>> import ndgrad.xarray
        >>> x = np.arange(7.0) / 2
        >>> f = xr.DataArray(x**3, dims="x", coords={"x": x})
        >>> f.ndgrad.derivative("x", order=2).values  # 6 x, ends included
        array([ 0.,  3.,  6.,  9., 12., 15., 18.])
        """
        return self._derivative(  # type: ignore[no-any-return]
            coord, order, accuracy, boundary, period, datetime_unit
        )

    def laplacian(
        self,
        dims: Hashable | Sequence[Hashable] | None = None,
        *,
        accuracy: int = 2,
        boundary: BoundaryArg = "one-sided",
        period: PeriodArg = None,
        datetime_unit: str | None = None,
    ) -> xr.DataArray:
        """
        The Laplacian over coordinates: the sum of their second derivatives.

        ``ndgrad.laplacian`` in one pass over the data (``ndgrad.dask``'s
        for Dask data), with the coordinates' values as the spacing.

        Parameters
        ----------
        dims : hashable or sequence of hashable, optional
            1-D coordinates or dimensions, one per dimension (default: every
            dimension of the array), in the order the second derivatives
            are added.
        accuracy : {2, 4, 6, 8}, default: 2
            The accuracy order of every second derivative, ends included.
        boundary : {"one-sided", "periodic"} or mapping, default: "one-sided"
            One value for every coordinate, or a mapping from coordinate
            names to values (the others one-sided).
        period : float or mapping, optional
            The period of the periodic coordinates: one value, or a mapping
            from names to values. Inferred where :meth:`differentiate`
            infers it.
        datetime_unit : str, optional
            The unit of any datetime coordinate.

        Returns
        -------
        xarray.DataArray

        Examples
        --------
        >>> import numpy as np
        >>> import xarray as xr
        >>> import ndgrad.xarray
        >>> x = np.arange(5.0) / 4
        >>> f = xr.DataArray(x[:, None] ** 2 + 2 * x**2, dims=("y", "x"),
        ...                  coords={"y": x, "x": x})
        >>> f.ndgrad.laplacian().values  # 2 + 4 everywhere
        array([[6., 6., 6., 6., 6.],
               [6., 6., 6., 6., 6.],
               [6., 6., 6., 6., 6.],
               [6., 6., 6., 6., 6.],
               [6., 6., 6., 6., 6.]])
        """
        return self._operator(  # type: ignore[no-any-return]
            "laplacian", dims, 1, accuracy, boundary, period, datetime_unit
        )

    def magnitude(
        self,
        dims: Hashable | Sequence[Hashable] | None = None,
        *,
        edge_order: Literal[1, 2] = 1,
        accuracy: int | None = None,
        boundary: BoundaryArg = "one-sided",
        period: PeriodArg = None,
        datetime_unit: str | None = None,
    ) -> xr.DataArray:
        """
        The gradient magnitude ``sqrt(sum of squared derivatives)`` over coordinates.

        ``ndgrad.magnitude`` in one pass: each derivative is
        :meth:`differentiate`'s along that coordinate with the same
        arguments, squared and added in the order of ``dims``.

        Parameters
        ----------
        dims : hashable or sequence of hashable, optional
            1-D coordinates or dimensions, one per dimension (default: every
            dimension of the array).
        edge_order, accuracy
            As for :meth:`differentiate`.
        boundary, period, datetime_unit
            As for :meth:`laplacian`.

        Returns
        -------
        xarray.DataArray

        Examples
        --------
        >>> import numpy as np
        >>> import xarray as xr
        >>> import ndgrad.xarray
        >>> x = np.arange(4.0)
        >>> f = xr.DataArray(3 * x[:, None] + 4 * x, dims=("y", "x"), coords={"y": x, "x": x})
        >>> f.ndgrad.magnitude().values  # a plane of slope 5
        array([[5., 5., 5., 5.],
               [5., 5., 5., 5.],
               [5., 5., 5., 5.],
               [5., 5., 5., 5.]])
        """
        return self._operator(  # type: ignore[no-any-return]
            "magnitude", dims, edge_order, accuracy, boundary, period, datetime_unit
        )


@xr.register_dataset_accessor("ndgrad")
class DatasetAccessor(_Accessor):
    """``Dataset.ndgrad``: derivatives of every data variable along named
    coordinates, and divergence and curl of vector fields.

    As ``Dataset.differentiate`` does, the data variables that run along the
    coordinate(s) are replaced by their derivatives (without their
    attributes); every other variable, the coordinates and the Dataset's
    attributes are kept as they are.
    """

    _obj: xr.Dataset

    def __init__(self, xarray_obj: xr.Dataset) -> None:
        self._obj = xarray_obj

    def differentiate(
        self,
        coord: Hashable,
        edge_order: Literal[1, 2] = 1,
        datetime_unit: str | None = None,
        *,
        accuracy: int | None = None,
        boundary: str = "one-sided",
        period: float | None = None,
    ) -> xr.Dataset:
        """
        ``Dataset.differentiate``, with ndgrad: see ``DataArray.ndgrad.differentiate``.

        Returns
        -------
        xarray.Dataset
            The derivatives of the data variables along ``coord``'s
            dimension; the others unchanged.

        Examples
        --------
        >>> import numpy as np
        >>> import xarray as xr
        >>> import ndgrad.xarray
        >>> ds = xr.Dataset({"a": ("x", [0.0, 1.0, 4.0, 9.0]), "b": ("y", [5.0, 6.0])},
        ...                 coords={"x": [0.0, 1.0, 2.0, 3.0]})
        >>> d = ds.ndgrad.differentiate("x")
        >>> d["a"].values, d["b"].values
        (array([1., 2., 4., 5.]), array([5., 6.]))
        >>> d.identical(ds.differentiate("x"))
        True
        """
        return self._differentiate(  # type: ignore[no-any-return]
            coord, edge_order, datetime_unit, accuracy, boundary, period
        )

    def derivative(
        self,
        coord: Hashable,
        order: int,
        *,
        accuracy: int | None = 2,
        boundary: str = "one-sided",
        period: float | None = None,
        datetime_unit: str | None = None,
    ) -> xr.Dataset:
        """
        ``DataArray.ndgrad.derivative`` of every data variable along ``coord``.

        Returns
        -------
        xarray.Dataset
        """
        return self._derivative(  # type: ignore[no-any-return]
            coord, order, accuracy, boundary, period, datetime_unit
        )

    def laplacian(
        self,
        dims: Hashable | Sequence[Hashable] | None = None,
        *,
        accuracy: int = 2,
        boundary: BoundaryArg = "one-sided",
        period: PeriodArg = None,
        datetime_unit: str | None = None,
    ) -> xr.Dataset:
        """
        ``DataArray.ndgrad.laplacian`` of every data variable.

        Each data variable that runs along any of ``dims`` (default: every
        dimension of the Dataset) gets the Laplacian over those of ``dims``
        it runs along; the others are kept as they are.

        Returns
        -------
        xarray.Dataset
        """
        return self._operator(  # type: ignore[no-any-return]
            "laplacian", dims, 1, accuracy, boundary, period, datetime_unit
        )

    def magnitude(
        self,
        dims: Hashable | Sequence[Hashable] | None = None,
        *,
        edge_order: Literal[1, 2] = 1,
        accuracy: int | None = None,
        boundary: BoundaryArg = "one-sided",
        period: PeriodArg = None,
        datetime_unit: str | None = None,
    ) -> xr.Dataset:
        """
        ``DataArray.ndgrad.magnitude`` of every data variable, as :meth:`laplacian`.

        Returns
        -------
        xarray.Dataset
        """
        return self._operator(  # type: ignore[no-any-return]
            "magnitude", dims, edge_order, accuracy, boundary, period, datetime_unit
        )

    def divergence(
        self,
        components: Mapping[Hashable, Hashable],
        *,
        edge_order: Literal[1, 2] = 1,
        accuracy: int | None = None,
        boundary: BoundaryArg = "one-sided",
        period: PeriodArg = None,
        datetime_unit: str | None = None,
    ) -> xr.DataArray:
        """
        The divergence of a vector field given by named component variables.

        Parameters
        ----------
        components : mapping
            From each coordinate (or dimension) to the data variable holding
            the field's component along it, e.g. ``{"x": "u", "y": "v"}``.
            The variables must have the same dimensions (in any order), among
            them every coordinate's.
        edge_order, accuracy, boundary, period, datetime_unit
            As for ``DataArray.ndgrad.magnitude``, keyed by coordinate.

        Returns
        -------
        xarray.DataArray
            ``du/dx + dv/dy + ...``, added in the order of ``components``,
            with the first component's dims and coordinates, named
            ``"divergence"``. When the components have no other dimensions
            this is ``ndgrad.divergence`` in one pass; otherwise the
            derivatives are computed one by one, to the same bits.

        Examples
        --------
        >>> import numpy as np
        >>> import xarray as xr
        >>> import ndgrad.xarray
        >>> x = np.arange(4.0)
        >>> ds = xr.Dataset({"u": (("x", "y"), np.broadcast_to(2 * x[:, None], (4, 4))),
        ...                  "v": (("x", "y"), np.broadcast_to(3 * x, (4, 4)))},
        ...                 coords={"x": x, "y": x})
        >>> ds.ndgrad.divergence({"x": "u", "y": "v"}).values
        array([[5., 5., 5., 5.],
               [5., 5., 5., 5.],
               [5., 5., 5., 5.],
               [5., 5., 5., 5.]])
        """
        return self._vector(  # type: ignore[no-any-return]
            "divergence", components, edge_order, accuracy, boundary, period, datetime_unit
        )

    def curl(
        self,
        components: Mapping[Hashable, Hashable],
        *,
        edge_order: Literal[1, 2] = 1,
        accuracy: int | None = None,
        boundary: BoundaryArg = "one-sided",
        period: PeriodArg = None,
        datetime_unit: str | None = None,
    ) -> Any:
        """
        The curl of a 2-D or 3-D vector field given by named component variables.

        Parameters
        ----------
        components : mapping
            From each of 2 or 3 coordinates, in right-handed order ``(x, y)``
            or ``(x, y, z)``, to the variable holding the component along it,
            e.g. ``{"lon": "u", "lat": "v"}``.
        edge_order, accuracy, boundary, period, datetime_unit
            As for :meth:`divergence`.

        Returns
        -------
        xarray.DataArray or tuple of 3 xarray.DataArray
            2-D: ``dv/dx - du/dy``, named ``"curl"``. 3-D: the three
            components ``(dw/dy - dv/dz, du/dz - dw/dx, dv/dx - du/dy)``,
            named ``"curl_<coordinate>"``. The first component's dims and
            coordinates. ``ndgrad.curl`` in one pass when the components
            have no other dimensions, else derivative by derivative to the
            same bits.

        Examples
        --------
        >>> import numpy as np
        >>> import xarray as xr
        >>> import ndgrad.xarray
        >>> x = np.arange(4.0)
        >>> X, Y = np.meshgrid(x, x, indexing="ij")
        >>> ds = xr.Dataset({"u": (("x", "y"), -Y), "v": (("x", "y"), X)},
        ...                 coords={"x": x, "y": x})
        >>> ds.ndgrad.curl({"x": "u", "y": "v"}).values  # a rotation
        array([[2., 2., 2., 2.],
               [2., 2., 2., 2.],
               [2., 2., 2., 2.],
               [2., 2., 2., 2.]])
        """
        return self._vector(
            "curl", components, edge_order, accuracy, boundary, period, datetime_unit
        )

    def _vector(
        self,
        op: Literal["divergence", "curl"],
        components: Mapping[Hashable, Hashable],
        edge_order: int,
        accuracy: int | None,
        boundary: BoundaryArg,
        period: PeriodArg,
        datetime_unit: str | None,
    ) -> Any:
        ds = self._obj
        if not isinstance(components, Mapping):
            raise TypeError(
                f"{op} takes a mapping from coordinate names to component variable names, "
                f"e.g. {{'x': 'u', 'y': 'v'}}; got {type(components).__name__}"
            )
        if op == "curl" and len(components) not in (2, 3):
            raise ValueError(
                f"curl is defined for 2 or 3 components; got {len(components)}: "
                f"{dict(components)!r}"
            )
        if not components:
            raise ValueError(f"{op} needs at least one component; got none")
        names = list(components.values())
        for name in names:
            if name not in ds.data_vars:
                raise ValueError(
                    f"{op}: {name!r} is not a data variable of this Dataset; expected one of "
                    f"{list(ds.data_vars)!r}"
                )
        coords = _coords(ds, list(components), datetime_unit, op)
        first = ds[names[0]]
        dims = first.dims
        for name in names[1:]:
            if set(ds[name].dims) != set(dims):
                raise ValueError(
                    f"{op}: the components must have the same dimensions; {names[0]!r} has "
                    f"{dims!r}, {name!r} has {ds[name].dims!r}"
                )
        for c in coords:
            if c.dim not in dims:
                raise ValueError(
                    f"{op}: the components do not run along {c.dim!r} (the dimension of "
                    f"{c.name!r}); they have dimensions {dims!r}"
                )
        if accuracy is not None and edge_order != 1:
            raise ValueError(
                f"{op}: edge_order must stay 1 (its default) when accuracy is given; got "
                f"edge_order={edge_order!r}, accuracy={accuracy!r}"
            )
        periodic, periods = _periods(coords, boundary, period, op)
        if accuracy is not None or any(periodic):
            what = _scheme_words(accuracy, periodic)
            for c, p in zip(coords, periodic, strict=True):
                _check_monotonic(c, p, what, op)
        unit = _unit(coords)
        fields = [_numeric(ds[n].variable, unit).transpose(*dims) for n in names]
        data = [f.data for f in fields]
        lazy = [d for d in data if _is_dask(d)]
        nd = _backend(lazy[0] if lazy else data[0], op)
        if not lazy:
            for d in data[1:]:
                _backend(d, op)
        axes = [dims.index(c.dim) for c in coords]
        edge = edge_order if accuracy is None else _api.EDGE_ORDER
        kw = _scheme_kw(coords, periodic, periods)
        x = [c.values for c in coords]
        out: list[Any]
        if len(dims) == len(coords):
            # The fused operator, component i along axis i.
            order = [dims[a] for a in axes]
            fused = getattr(nd, op)(
                [f.transpose(*order).data for f in fields],
                *x,
                edge_order=edge,
                accuracy=accuracy,
                **kw,
            )
            back = [order.index(d) for d in dims]
            out = [o.transpose(back) for o in (fused if isinstance(fused, tuple) else [fused])]
        else:

            def d(i: int, j: int) -> Any:
                """Component i along coordinate j, as ``ndgrad.gradient`` computes it."""
                return nd.gradient(
                    data[i],
                    x[j],
                    axis=axes[j],
                    edge_order=edge,
                    accuracy=accuracy,
                    boundary="periodic" if periodic[j] else "one-sided",
                    period=periods[j],
                )

            if op == "divergence":
                total = d(0, 0)
                for i in range(1, len(coords)):
                    total = total + d(i, i)
                out = [total]
            elif len(coords) == 2:
                out = [d(1, 0) - d(0, 1)]
            else:
                out = [d(2, 1) - d(1, 2), d(0, 2) - d(2, 0), d(1, 0) - d(0, 1)]
        template = ds[names[0]]
        results = []
        for i, o in enumerate(out):
            r = template.copy(deep=False, data=o)
            r.attrs = {}
            r.encoding = {}
            if op == "divergence" or len(out) == 1:
                r.name = op
            else:
                r.name = f"curl_{coords[i].name}"
            results.append(r)
        return results[0] if len(results) == 1 else tuple(results)
