"""The machinery behind ``ndgrad.xarray``'s accessors (private).

How a name becomes a coordinate (its values as the spacing, datetimes as
numbers of a unit), how ``boundary``, ``period`` and ``edge_order`` become
the kernels' arguments, and which backend (``ndgrad`` or ``ndgrad.dask``)
takes a variable's data. ``ndgrad.xarray`` imports xarray first, to say how
to install it when it is missing.
"""

from __future__ import annotations

import sys
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import NDArray

# What xarray's own `differentiate` calls to tell datetime-like variables and
# to turn them into numbers (offset by their minimum, divided by the unit):
# using the same functions is what makes datetime coordinates bit-exact.
from xarray.core.common import _contains_datetime_like_objects

import ndgrad
from ndgrad import _call

LONGITUDE_UNITS = frozenset(
    {"degrees_east", "degree_east", "degree_E", "degrees_E", "degreeE", "degreesE"}
)
"""The CF conventions' ``units`` of a longitude coordinate."""

BoundaryArg = str | Mapping[Hashable, str]
PeriodArg = float | Mapping[Hashable, float | None] | None


# ------------------------------------------------------------------ coordinates


@dataclass(frozen=True)
class Coord:
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


def coordinate(
    obj: xr.DataArray | xr.Dataset, name: Hashable, datetime_unit: str | None, caller: str
) -> Coord:
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
    var = numeric(var, unit)
    return Coord(name, dim, np.asarray(var.data), attrs, positional, unit)


def coordinates(
    obj: xr.DataArray | xr.Dataset,
    names: Hashable | Sequence[Hashable] | None,
    datetime_unit: str | None,
    caller: str,
) -> list[Coord]:
    """Several coordinates along distinct dimensions (default: every dimension)."""
    if names is None:
        names = list(obj.dims)
    elif isinstance(names, str) or not isinstance(names, Iterable):
        names = [names]
    coords = [coordinate(obj, n, datetime_unit, caller) for n in names]
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


def _per_coord(name: str, value: Any, coords: Sequence[Coord], default: Any) -> list[Any]:
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


def _full_circle(c: Coord) -> str | None:
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
    coords: Sequence[Coord], boundary: object, period: object, caller: str
) -> tuple[list[bool], list[float | None]]:
    """Per coordinate: periodic or not, and the period (given, or unambiguous
    from the metadata)."""
    periodic = [
        _call.boundary_arg(b, caller) for b in _per_coord("boundary", boundary, coords, "one-sided")
    ]
    given = _per_coord("period", period, coords, None)
    if period is not None and not isinstance(period, Mapping) and not any(periodic):
        raise ValueError(
            f"{caller}: period is for boundary='periodic'; got period={period!r} with no "
            "periodic coordinate"
        )
    periods: list[float | None] = []
    for c, p, per in zip(coords, periodic, given, strict=True):
        per = _call.period_arg(per, caller, f"the period of {c.name!r}")
        if not p:
            if per is not None and isinstance(period, Mapping):
                raise ValueError(
                    f"{caller}: period is for boundary='periodic'; got a period for "
                    f"{c.name!r}, whose boundary is 'one-sided'"
                )
            periods.append(None)
        elif per is not None:
            periods.append(per)
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


# ------------------------------------------------------------------ the data


def is_dask(x: object) -> bool:
    dask_array = sys.modules.get("dask.array")
    return dask_array is not None and isinstance(x, dask_array.Array)


def backend(data: object, caller: str) -> Any:
    """``ndgrad`` for NumPy-backed data, ``ndgrad.dask`` for Dask-backed data."""
    if is_dask(data):
        import ndgrad.dask as nd_dask

        return nd_dask
    if isinstance(data, np.ndarray):
        return ndgrad
    raise TypeError(
        f"{caller} takes NumPy- or Dask-backed data; got {type(data).__module__}."
        f"{type(data).__name__}"
    )


def numeric(v: xr.Variable, datetime_unit: str | None) -> xr.Variable:
    """A variable as ``differentiate`` differentiates it: datetime-like data
    as numbers (of the coordinate's unit when that is a datetime)."""
    if _contains_datetime_like_objects(v):
        # (unannotated in xarray)
        as_numbers: xr.Variable = v._to_numeric(datetime_unit=datetime_unit)  # type: ignore[no-untyped-call]
        return as_numbers
    return v


def unit_of(coords: Sequence[Coord]) -> str | None:
    """The unit datetime-like data takes: the first datetime coordinate's."""
    return next((c.datetime_unit for c in coords if c.datetime_unit is not None), None)


def explain(
    e: Exception,
    caller: str,
    name: Hashable,
    dims: tuple[Hashable, ...],
    axes: Sequence[int],
    coords: Sequence[Coord],
) -> None:
    """Notes on an error of the kernels (which speak of axes) which axis is
    which coordinate."""
    which = ", ".join(f"axis {a} is {c.name!r}" for a, c in zip(axes, coords, strict=True))
    of = "the DataArray" if name is None else repr(name)
    e.add_note(f"(in {caller} of {of}, dims {dims!r}: {which})")


def like(template: xr.DataArray, data: Any, name: Hashable | None = None) -> xr.DataArray:
    """``template`` (dims, coordinates, name unless ``name`` is given) with
    new data and, as ``differentiate``'s results, no attributes or encoding."""
    arr = template.copy(deep=False, data=data)
    arr.attrs = {}
    arr.encoding = {}
    if name is not None:
        arr.name = name
    return arr


# ------------------------------------------------------------------ schemes


@dataclass(frozen=True)
class Schemes:
    """The scheme along each coordinate differentiated along, checked."""

    dims: list[Hashable]
    """The coordinates' dimensions, in the caller's order."""
    periodic: list[bool]
    periods: list[float | None]
    """The period of each periodic coordinate (None on the others)."""
    edge_order: int
    """What the kernels take: the caller's, or ``_call.EDGE_ORDER`` (not
    given) with an ``accuracy``."""

    def one(self) -> dict[str, Any]:
        """``boundary`` and ``period`` for a kernel along the one coordinate
        (as :meth:`kw`, but the period is a number)."""
        periodic = self.periodic[0]
        return {"boundary": ["periodic"] if periodic else "one-sided", "period": self.periods[0]}

    def kw(self, mine: Sequence[Coord]) -> dict[str, Any]:
        """``boundary`` and ``period`` for the kernels along ``mine`` (some of
        the coordinates): the defaults when none is periodic (so that NumPy's
        gradient stays NumPy's), else one per coordinate."""
        which = [self.dims.index(c.dim) for c in mine]
        if not any(self.periodic[i] for i in which):
            return {"boundary": "one-sided", "period": None}
        return {
            "boundary": ["periodic" if self.periodic[i] else "one-sided" for i in which],
            "period": [self.periods[i] for i in which],
        }


def schemes(
    coords: Sequence[Coord],
    caller: str,
    accuracy: int | None,
    boundary: object,
    period: object,
    *,
    edge_order: int = 1,
) -> Schemes:
    """Checks ``edge_order`` against ``accuracy`` and reads the boundaries
    and periods (the coordinates' values are the kernels' to check)."""
    if accuracy is not None and edge_order != 1:
        raise ValueError(
            f"{caller}: edge_order must stay 1 (its default) when accuracy is given "
            f"(accuracy sets the order at the ends too); got edge_order={edge_order!r}, "
            f"accuracy={accuracy!r}"
        )
    periodic, periods = _periods(coords, boundary, period, caller)
    edge = edge_order if accuracy is None else _call.EDGE_ORDER
    return Schemes([c.dim for c in coords], periodic, periods, edge)
