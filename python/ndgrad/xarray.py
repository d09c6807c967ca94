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

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, Generic, Literal, TypeVar

from ndgrad._call import is_numpy_call, needs

try:
    import xarray as xr
except ImportError as e:  # pragma: no cover - exercised in a subprocess test
    raise needs("xarray", "xarray", "xarray") from e

from ndgrad._xarray_impl import (
    LONGITUDE_UNITS,
    BoundaryArg,
    Coord,
    PeriodArg,
    backend,
    coordinate,
    coordinates,
    explain,
    is_dask,
    like,
    numeric,
    schemes,
    unit_of,
)

__all__ = ["LONGITUDE_UNITS", "DataArrayAccessor", "DatasetAccessor"]

T = TypeVar("T", xr.DataArray, xr.Dataset)
_Kernel = Callable[[Any, Any, list[int], list[Coord]], Any]
"""``fn(backend, data, axes, coords)``: one variable's derivative."""


class _Accessor(ABC, Generic[T]):
    """The methods ``DataArray.ndgrad`` and ``Dataset.ndgrad`` share; the two
    differ in which variables are differentiated and how the result is put
    together (:meth:`_fields`, :meth:`_assemble`)."""

    def __init__(self, xarray_obj: T) -> None:
        self._obj: T = xarray_obj

    @abstractmethod
    def _fields(self, dims: Iterable[Hashable]) -> dict[Hashable, xr.Variable]:
        """The variables to differentiate along any of ``dims``, by name."""

    @abstractmethod
    def _assemble(self, new: Mapping[Hashable, Any]) -> T:
        """The result: the object with new data for the variables in ``new``."""

    def _map(self, coords: Sequence[Coord], caller: str, fn: _Kernel) -> T:
        """Applies ``fn(backend, data, axes, coords)`` to every field, with the
        axes of the coordinates it runs along and those coordinates."""
        unit = unit_of(coords)
        new = {}
        for k, var in self._fields([c.dim for c in coords]).items():
            v = numeric(var, unit)
            mine = [c for c in coords if c.dim in v.dims]
            axes = [v.get_axis_num(c.dim) for c in mine]
            try:
                new[k] = fn(backend(v.data, caller), v.data, axes, mine)
            except (ValueError, TypeError) as e:
                explain(e, caller, k, v.dims, axes, mine)
                raise
        return self._assemble(new)

    def differentiate(
        self,
        coord: Hashable,
        edge_order: Literal[1, 2] = 1,
        datetime_unit: str | None = None,
        *,
        accuracy: int | None = None,
        boundary: str = "one-sided",
        period: float | None = None,
    ) -> T:
        """
        Differentiate along a coordinate: xarray's ``differentiate``, with ndgrad.

        With the defaults of ``accuracy``, ``boundary`` and ``period`` the
        result is the object's own ``differentiate(coord, edge_order,
        datetime_unit)``, bit for bit, with the same dims, coordinates and
        name (and, like it, no attributes on what was differentiated):
        second-order central differences inside, ``edge_order``-th order
        one-sided differences at the ends, computed by ``ndgrad.gradient``
        (``ndgrad.dask.gradient`` for Dask data, which stays lazy). On a
        Dataset, each data variable that runs along ``coord``'s dimension is
        differentiated and the others are kept as they are.

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
        xarray.DataArray or xarray.Dataset
            Of the accessor's object's type. A DataArray: the derivative,
            with the array's dims, coordinates and name. A Dataset: the
            derivatives of the data variables along ``coord``'s dimension;
            the others unchanged.

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

        On a Dataset, the variables that do not run along ``x`` stay as they are:

        >>> ds = xr.Dataset({"a": ("x", [0.0, 1.0, 4.0, 9.0]), "b": ("y", [5.0, 6.0])},
        ...                 coords={"x": [0.0, 1.0, 2.0, 3.0]})
        >>> d = ds.ndgrad.differentiate("x")
        >>> d["a"].values, d["b"].values
        (array([1., 2., 4., 5.]), array([5., 6.]))
        >>> d.identical(ds.differentiate("x"))
        True
        """
        c = coordinate(self._obj, coord, datetime_unit, "differentiate")
        if is_numpy_call(1, accuracy, boundary, period):
            # xarray's own differentiate, with ndgrad's gradient for NumPy's.
            def numpys(nd: Any, f: Any, axes: list[int], mine: list[Coord]) -> Any:
                return nd.gradient(f, c.values, axis=axes[0], edge_order=edge_order)

            return self._map([c], "differentiate", numpys)
        s = schemes([c], "differentiate", accuracy, boundary, period, edge_order=edge_order)

        def fn(nd: Any, f: Any, axes: list[int], mine: list[Coord]) -> Any:
            e = s.edge_order
            return nd.gradient(
                f, c.values, axis=axes[0], edge_order=e, accuracy=accuracy, **s.one()
            )

        return self._map([c], "differentiate", fn)

    def derivative(
        self,
        coord: Hashable,
        order: int,
        *,
        accuracy: int | None = 2,
        boundary: str = "one-sided",
        period: float | None = None,
        datetime_unit: str | None = None,
    ) -> T:
        """
        The ``order``-th derivative along a coordinate (``ndgrad.derivative``).

        On a Dataset, of every data variable that runs along ``coord``'s
        dimension (the others are kept as they are).

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
        xarray.DataArray or xarray.Dataset
            The derivative, as :meth:`differentiate` returns it.

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
        c = coordinate(self._obj, coord, datetime_unit, "derivative")
        s = schemes([c], "derivative", accuracy, boundary, period)

        def fn(nd: Any, f: Any, axes: list[int], mine: list[Coord]) -> Any:
            return nd.derivative(
                f, c.values, order=order, axis=axes[0], accuracy=accuracy, **s.one()
            )

        return self._map([c], "derivative", fn)

    def laplacian(
        self,
        dims: Hashable | Sequence[Hashable] | None = None,
        *,
        accuracy: int = 2,
        boundary: BoundaryArg = "one-sided",
        period: PeriodArg = None,
        datetime_unit: str | None = None,
    ) -> T:
        """
        The Laplacian over coordinates: the sum of their second derivatives.

        ``ndgrad.laplacian`` in one pass over the data (``ndgrad.dask``'s
        for Dask data), with the coordinates' values as the spacing. On a
        Dataset, each data variable that runs along any of ``dims`` gets the
        Laplacian over those of ``dims`` it runs along; the others are kept
        as they are.

        Parameters
        ----------
        dims : hashable or sequence of hashable, optional
            1-D coordinates or dimensions, one per dimension (default: every
            dimension of the object), in the order the second derivatives
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
        xarray.DataArray or xarray.Dataset
            The Laplacian, in the place of the data it was taken of (as
            :meth:`differentiate` returns derivatives).

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
        coords = coordinates(self._obj, dims, datetime_unit, "laplacian")
        s = schemes(coords, "laplacian", accuracy, boundary, period)

        def fn(nd: Any, f: Any, axes: list[int], mine: list[Coord]) -> Any:
            x = [c.values for c in mine]
            return nd.laplacian(f, *x, axis=tuple(axes), accuracy=accuracy, **s.kw(mine))

        return self._map(coords, "laplacian", fn)

    def magnitude(
        self,
        dims: Hashable | Sequence[Hashable] | None = None,
        *,
        edge_order: Literal[1, 2] = 1,
        accuracy: int | None = None,
        boundary: BoundaryArg = "one-sided",
        period: PeriodArg = None,
        datetime_unit: str | None = None,
    ) -> T:
        """
        The gradient magnitude ``sqrt(sum of squared derivatives)`` over coordinates.

        ``ndgrad.magnitude`` in one pass: each derivative is
        :meth:`differentiate`'s along that coordinate with the same
        arguments, squared and added in the order of ``dims``. On a Dataset,
        of the data variables as for :meth:`laplacian`.

        Parameters
        ----------
        dims : hashable or sequence of hashable, optional
            1-D coordinates or dimensions, one per dimension (default: every
            dimension of the object).
        edge_order, accuracy
            As for :meth:`differentiate`.
        boundary, period, datetime_unit
            As for :meth:`laplacian`.

        Returns
        -------
        xarray.DataArray or xarray.Dataset
            The magnitude, in the place of the data it was taken of.

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
        coords = coordinates(self._obj, dims, datetime_unit, "magnitude")
        s = schemes(coords, "magnitude", accuracy, boundary, period, edge_order=edge_order)

        def fn(nd: Any, f: Any, axes: list[int], mine: list[Coord]) -> Any:
            x = [c.values for c in mine]
            e = s.edge_order
            return nd.magnitude(
                f, *x, axis=tuple(axes), edge_order=e, accuracy=accuracy, **s.kw(mine)
            )

        return self._map(coords, "magnitude", fn)


@xr.register_dataarray_accessor("ndgrad")
class DataArrayAccessor(_Accessor[xr.DataArray]):
    """``DataArray.ndgrad``: derivatives along named coordinates, with ndgrad.

    Registered by ``import ndgrad.xarray``. NumPy-backed data goes through
    ``ndgrad`` (in memory, every core), Dask-backed data through
    ``ndgrad.dask`` (lazily, block by block). The spacing comes from the
    coordinates. The results keep the array's dims, coordinates and name and,
    as xarray's ``differentiate`` does, drop its attributes.
    """

    def _fields(self, dims: Iterable[Hashable]) -> dict[Hashable, xr.Variable]:
        return {self._obj.name: self._obj.variable}

    def _assemble(self, new: Mapping[Hashable, Any]) -> xr.DataArray:
        (data,) = new.values()
        return like(self._obj, data)


@xr.register_dataset_accessor("ndgrad")
class DatasetAccessor(_Accessor[xr.Dataset]):
    """``Dataset.ndgrad``: derivatives of every data variable along named
    coordinates, and divergence and curl of vector fields.

    As ``Dataset.differentiate`` does, the data variables that run along the
    coordinate(s) are replaced by their derivatives (without their
    attributes); every other variable, the coordinates and the Dataset's
    attributes are kept as they are.
    """

    def _fields(self, dims: Iterable[Hashable]) -> dict[Hashable, xr.Variable]:
        want = set(dims)
        return {k: v.variable for k, v in self._obj.data_vars.items() if want & set(v.dims)}

    def _assemble(self, new: Mapping[Hashable, Any]) -> xr.Dataset:
        # As Dataset.differentiate builds its result: the new variables have
        # the old dims and no attributes or encoding.
        ds = self._obj.copy(deep=False)
        for k, data in new.items():
            ds[k] = xr.Variable(self._obj[k].dims, data)
        return ds

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
            As for :meth:`magnitude`, keyed by coordinate.

        Returns
        -------
        xarray.DataArray
            ``du/dx + dv/dy + ...``, added in the order of ``components``,
            with the first component's dims and coordinates, named
            ``"divergence"``: ``ndgrad.divergence`` in one pass, each
            component differentiated along its coordinate's dimension.

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
            coordinates. ``ndgrad.curl`` in one pass.

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
        coords = coordinates(ds, list(components), datetime_unit, op)
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
        s = schemes(coords, op, accuracy, boundary, period, edge_order=edge_order)
        unit = unit_of(coords)
        fields = [numeric(ds[n].variable, unit).transpose(*dims) for n in names]
        data = [f.data for f in fields]
        lazy = [d for d in data if is_dask(d)]
        nd = backend(lazy[0] if lazy else data[0], op)
        if not lazy:
            for d in data[1:]:
                backend(d, op)
        # Component i along the dimension of coordinate i.
        axes = [dims.index(c.dim) for c in coords]
        x = [c.values for c in coords]
        try:
            result = getattr(nd, op)(
                data, *x, axis=axes, edge_order=s.edge_order, accuracy=accuracy, **s.kw(coords)
            )
        except (ValueError, TypeError) as e:
            explain(e, op, tuple(names), dims, axes, coords)
            raise
        out = list(result) if isinstance(result, tuple) else [result]
        if len(out) == 1:
            return like(first, out[0], op)
        return tuple(like(first, o, f"curl_{c.name}") for o, c in zip(out, coords, strict=True))
