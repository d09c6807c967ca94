"""ndgrad.xarray: the ``ndgrad`` accessor against xarray's own
``differentiate``, bit for bit, and its schemes against ndgrad on ``.values``.

``same`` compares two xarray objects with ``xarray.testing.assert_identical``
(values, dims, coordinates, name, attributes) and, beyond it, the bits of
every data variable (dtype included) and the encodings.
"""

from __future__ import annotations

import contextlib
import io
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import dask
import dask.array as da
import ndgrad
import ndgrad.dask
import ndgrad.xarray
import numpy as np
import pytest
import xarray as xr
from conftest import assert_same_array, outcome
from test_dask import cluster_client  # noqa: F401  (the 2-process LocalCluster fixture)

ROOT = Path(__file__).resolve().parents[2]
UNITS = ["W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"]


def same(got: Any, want: Any, what: str = "") -> None:
    """Identical xarray objects, to the bit."""
    assert type(got) is type(want), f"{what}: {type(got)} != {type(want)}"
    xr.testing.assert_identical(got, want)
    assert got.encoding == want.encoding, what
    if isinstance(want, xr.DataArray):
        pairs = [(got.variable, want.variable)]
    else:
        assert list(got.variables) == list(want.variables), what
        pairs = [(got[k].variable, want[k].variable) for k in want.variables]
        assert got.attrs == want.attrs, what
    for g, w in pairs:
        assert g.encoding == w.encoding, what
        assert_same_array(np.asarray(g.values), np.asarray(w.values), what)


def no_compute(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("something was computed while the graph was built")


def lazy(x: Any) -> None:
    """Every data variable is a Dask array."""
    variables = [x.variable] if isinstance(x, xr.DataArray) else x.data_vars.values()
    for v in variables:
        assert isinstance(v.data, da.Array), type(v.data)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(14)


# ------------------------------------------------- differentiate, as xarray's


def coordinate_kinds(rng: np.random.Generator, n: int) -> dict[str, Any]:
    """Coordinates (or None: a dimension without one) of length n."""
    return {
        "float uniform": np.arange(n) * 0.25,
        "float non-uniform": np.cumsum(rng.uniform(0.1, 1.0, n)),
        "float decreasing": -np.cumsum(rng.uniform(0.1, 1.0, n)),
        "float32": np.cumsum(rng.uniform(0.1, 1.0, n)).astype(np.float32),
        "int uniform": np.arange(n) * 3,
        "int non-uniform": np.cumsum(rng.integers(1, 5, n)),
        "uint8": (np.arange(n) * 2).astype(np.uint8),
        "piecewise uniform": np.r_[np.arange(n // 2) * 3.0, 3 * n + np.arange(n - n // 2)],
        "none": None,
    }


@pytest.mark.parametrize("edge_order", [1, 2])
@pytest.mark.parametrize("dtype", ["f8", "f4", "f2", "i4", "u1", "c16"])
def test_differentiate_is_xarrays_for_every_coordinate_kind(
    edge_order: int, dtype: str, rng: np.random.Generator
) -> None:
    shape = (7, 5, 6)
    f = (rng.standard_normal(shape) * 20).astype(dtype)
    if dtype == "c16":
        f = f + 1j * rng.standard_normal(shape)
    dims = ("a", "b", "c")
    checked = 0
    for axis, dim in enumerate(dims):
        for kind, x in coordinate_kinds(rng, shape[axis]).items():
            coords = {} if x is None else {dim: x}
            arr = xr.DataArray(f, dims=dims, coords=coords, name="f")
            want = arr.differentiate(dim, edge_order=edge_order)  # type: ignore[arg-type]
            got = arr.ndgrad.differentiate(dim, edge_order=edge_order)  # type: ignore[arg-type]
            same(got, want, f"{dtype} along {dim}, {kind}")
            checked += 1
    assert checked == 27


def test_differentiate_keeps_what_xarray_keeps(rng: np.random.Generator) -> None:
    arr = xr.DataArray(
        rng.standard_normal((4, 5)),
        dims=("x", "y"),
        coords={
            "x": ("x", [0.0, 1.0, 3.0, 4.0], {"units": "m"}),
            "y": np.arange(5) * 2,
            "aux": ("x", np.array([0.0, 0.5, 2.0, 2.5]), {"long_name": "a second x"}),
            "scalar": 3,
        },
        name="T",
        attrs={"units": "K"},
    )
    arr.encoding["dtype"] = "int16"
    arr["x"].encoding["units"] = "km"
    for keep in (True, False, "default"):
        with xr.set_options(keep_attrs=keep):
            for coord in ("x", "y", "aux"):  # aux: a non-index coordinate along x
                got = arr.ndgrad.differentiate(coord)
                same(got, arr.differentiate(coord), f"{coord}, keep_attrs={keep}")
                assert got.attrs == {} and got["x"].attrs == {"units": "m"}
    # The input is untouched.
    assert arr.attrs == {"units": "K"} and arr.encoding == {"dtype": "int16"}


def test_datetime_coordinates_with_every_unit(rng: np.random.Generator) -> None:
    steps = np.array([0, 6, 12, 19, 24, 48, 49, 72]) * np.timedelta64(1, "h")
    f = rng.standard_normal((8, 3)) * 10
    checked = 0
    for resolution in ("ns", "us", "s", "m"):
        times = (np.datetime64("2021-03-01", resolution) + steps).astype(f"M8[{resolution}]")
        for coord in (times, (times - times[0]) + np.timedelta64(5, "D")):
            arr = xr.DataArray(f, dims=("time", "y"), coords={"time": coord})
            for unit in [None, *UNITS]:
                for edge_order in (1, 2):
                    want = outcome(arr.differentiate, "time", edge_order, unit)
                    got = outcome(arr.ndgrad.differentiate, "time", edge_order, unit)
                    what = f"{arr.time.dtype}, datetime_unit={unit}, edge_order={edge_order}"
                    if isinstance(want, Exception):
                        # e.g. "as" of a seconds coordinate overflows, in xarray too
                        assert type(got) is type(want), f"{what}: {got!r} != {want!r}"
                        continue
                    same(got, want, what)
                    checked += 1
    assert checked > 150


def test_unsorted_datetimes_and_nat_offsets_are_xarrays(rng: np.random.Generator) -> None:
    times = np.array(
        ["2020-01-03", "2020-01-01", "2020-01-02T12", "2020-01-07", "2020-01-04"], dtype="M8[ns]"
    )
    arr = xr.DataArray(rng.standard_normal(5), dims="t", coords={"t": times})
    for unit in (None, "D", "h"):
        same(arr.ndgrad.differentiate("t", 2, unit), arr.differentiate("t", 2, unit))
    # A non-index datetime coordinate with a NaT (NaN spacing after conversion).
    nat = times.copy()
    nat[2] = np.datetime64("NaT")
    arr = arr.assign_coords(when=("t", nat))
    same(arr.ndgrad.differentiate("when"), arr.differentiate("when"))


def test_datasets_like_xarray(rng: np.random.Generator) -> None:
    time = np.datetime64("2024-01-01", "s") + np.arange(6) * np.timedelta64(3, "h")
    ds = xr.Dataset(
        {
            "T": (("time", "x"), rng.standard_normal((6, 4)), {"units": "K"}),
            "u": (("x", "time"), rng.standard_normal((4, 6)).astype(np.float32)),
            "mask": ("x", np.array([1, 0, 1, 1])),  # not along time: kept
            "n": ("time", np.arange(6)),  # integers: float64 derivative
            "when": ("time", time + np.array([0, 1, 3, 4, 9, 10]) * np.timedelta64(1, "m")),
        },
        coords={"time": time, "x": ("x", [0.0, 2.0, 3.0, 7.0], {"units": "km"})},
        attrs={"title": "test"},
    )
    ds["T"].encoding["dtype"] = "int16"
    ds.encoding["unlimited_dims"] = {"time"}
    for coord, kw in [
        ("time", {}),
        ("time", {"datetime_unit": "h"}),
        ("time", {"datetime_unit": "D", "edge_order": 2}),
        ("x", {}),
        ("x", {"edge_order": 2}),
        ("x", {"datetime_unit": "h"}),  # ignored for a float coordinate, as in xarray
    ]:
        got = ds.ndgrad.differentiate(coord, **kw)
        same(got, ds.differentiate(coord, **kw), f"{coord} {kw}")
    assert ds.ndgrad.differentiate("x")["mask"] is not None
    # A data variable may be the coordinate of a Dataset, as in xarray.
    ds2 = ds.assign(s=("x", np.array([0.0, 1.0, 5.0, 6.0])))
    same(ds2.ndgrad.differentiate("s"), ds2.differentiate("s"))


def test_unknown_names_and_multidimensional_coordinates() -> None:
    arr = xr.DataArray(
        np.zeros((3, 4)),
        dims=("y", "x"),
        coords={"lat": (("y", "x"), np.ones((3, 4))), "x": np.arange(4.0)},
    )
    with pytest.raises(ValueError, match=r"coordinate 'lat' must be one-dimensional; got 2"):
        arr.ndgrad.differentiate("lat")
    with pytest.raises(ValueError, match=r"'z' is not a coordinate or dimension of this DataArray"):
        arr.ndgrad.differentiate("z")
    with pytest.raises(ValueError, match=r"expected one of \['lat', 'x', 'y'\]"):
        arr.ndgrad.laplacian(dims=("x", "z"))
    with pytest.raises(ValueError, match=r"not a coordinate or dimension of this Dataset"):
        arr.to_dataset(name="v").ndgrad.differentiate("v2")
    with pytest.raises(TypeError, match=r"takes the name of a coordinate or dimension; got list"):
        arr.ndgrad.differentiate(["x"])  # type: ignore[arg-type]
    # xarray's own errors for the same calls are ValueErrors too.
    for name in ("lat", "z"):
        with pytest.raises(ValueError):
            arr.differentiate(name)


class Duck:
    """A minimal duck array that is neither NumPy nor Dask."""

    def __init__(self, a: np.ndarray) -> None:
        self.a = a
        self.shape, self.dtype, self.ndim = a.shape, a.dtype, a.ndim

    def __array_function__(self, *args: Any) -> Any:
        return NotImplemented

    def __array_ufunc__(self, *args: Any) -> Any:
        return NotImplemented

    def __getitem__(self, key: Any) -> Any:
        return Duck(self.a[key])


def test_other_backends_are_refused() -> None:
    arr = xr.DataArray(Duck(np.arange(5.0)), dims="x")
    assert type(arr.variable._data) is Duck
    with pytest.raises(TypeError, match=r"NumPy- or Dask-backed data; got test_xarray.Duck"):
        arr.ndgrad.differentiate("x")


def test_ndgrad_computes_it(monkeypatch: pytest.MonkeyPatch, rng: np.random.Generator) -> None:
    """The derivative is ndgrad's: one ``ndgrad.gradient`` call per variable,
    along the coordinate's axis only, with its values (never numpy.gradient)."""
    calls: list[tuple[Any, ...]] = []
    real = ndgrad.gradient

    def spy(f: Any, *varargs: Any, **kw: Any) -> Any:
        calls.append((f.shape, [np.asarray(v).copy() for v in varargs], kw))
        return real(f, *varargs, **kw)

    def numpy_gradient(*args: Any, **kw: Any) -> Any:
        raise AssertionError("numpy.gradient was called")

    monkeypatch.setattr(ndgrad, "gradient", spy)
    monkeypatch.setattr(np, "gradient", numpy_gradient)
    y = np.cumsum(rng.uniform(0.5, 1.5, 6))
    arr = xr.DataArray(rng.standard_normal((6, 7)), dims=("y", "x"), coords={"y": y})
    arr.ndgrad.differentiate("y", edge_order=2)
    arr.to_dataset(name="a").assign(b=arr * 2).ndgrad.differentiate("x")
    assert len(calls) == 3
    assert calls[0][2] == {"axis": 0, "edge_order": 2}
    np.testing.assert_array_equal(calls[0][1][0], y)
    assert [c[2]["axis"] for c in calls[1:]] == [1, 1]
    np.testing.assert_array_equal(calls[1][1][0], np.arange(7))


# ------------------------------------------------------------------ Dask


def test_dask_backed_data_stays_lazy_and_is_xarrays(rng: np.random.Generator) -> None:
    f = rng.standard_normal((12, 10))
    x = np.cumsum(rng.uniform(0.5, 1.5, 12))
    time = np.datetime64("2020-01-01", "ns") + np.cumsum(rng.integers(1, 90, 10)) * np.timedelta64(
        1, "m"
    )
    arr = xr.DataArray(f, dims=("x", "time"), coords={"x": x, "time": time}, name="f")
    ds = xr.Dataset({"f": arr, "g": ("x", rng.standard_normal(12)), "h": ("time", np.arange(10))})
    cases = []
    with dask.config.set(scheduler=no_compute):
        for chunks in (
            {"x": 3, "time": 5},
            {"x": (5, 4, 3), "time": 10},
            {"x": 12, "time": (3, 3, 4)},
        ):
            for coord, kw in [
                ("x", {}),
                ("x", {"edge_order": 2}),
                ("time", {"datetime_unit": "h"}),
                ("time", {"datetime_unit": "s", "edge_order": 2}),
            ]:
                for obj in (arr, ds):
                    lazy_obj = obj.chunk(chunks)
                    got = lazy_obj.ndgrad.differentiate(coord, **kw)
                    lazy(got)
                    cases.append((f"{chunks} {coord} {kw}", got, lazy_obj, obj, coord, kw))
    for what, got, lazy_obj, obj, coord, kw in cases:
        computed = got.compute()
        # xarray's Dask-backed differentiate (dask.array.gradient) ...
        same(computed, lazy_obj.differentiate(coord, **kw).compute(), what)
        # ... and its NumPy-backed one.
        same(computed, obj.differentiate(coord, **kw), what)
    assert len(cases) == 24


def test_dask_backed_data_gets_numpys_bits_where_dask_array_gradient_differs(
    rng: np.random.Generator,
) -> None:
    """Where xarray's Dask-backed differentiate (dask.array.gradient) differs
    from its NumPy-backed one, the accessor gives the NumPy-backed bits."""
    # Chunks of 4 whose coordinates are equally spaced, on an axis that is not.
    x = np.concatenate([np.arange(6) * 3.0, 15.0 + np.arange(1, 7)])
    arr = xr.DataArray(rng.standard_normal((12, 3)), dims=("x", "y"), coords={"x": x})
    numpy_backed = arr.differentiate("x")
    dask_backed = arr.chunk({"x": 4}).differentiate("x").compute()
    assert not np.array_equal(dask_backed.values, numpy_backed.values)
    same(arr.chunk({"x": 4}).ndgrad.differentiate("x").compute(), numpy_backed)
    # float16 stays float16 (dask.array.gradient returns float64).
    half = arr.astype(np.float16)
    assert half.chunk({"x": 4}).differentiate("x").dtype == np.float64
    same(half.chunk({"x": 4}).ndgrad.differentiate("x").compute(), half.differentiate("x"))
    # Chunks shorter than edge_order + 1, which dask.array.gradient refuses.
    with pytest.raises(ValueError, match="Chunk size must be larger"):
        arr.chunk({"x": 2}).differentiate("x", edge_order=2)
    for chunk in (1, 2):
        got = arr.chunk({"x": chunk}).ndgrad.differentiate("x", edge_order=2)
        same(got.compute(), arr.differentiate("x", edge_order=2))


def test_dask_on_a_local_cluster(cluster_client: Any, rng: np.random.Generator) -> None:  # noqa: F811
    f = rng.standard_normal((40, 30))
    time = np.datetime64("2024-01-01", "ns") + np.arange(40) * np.timedelta64(6, "h")
    lon = np.arange(0.0, 360.0, 12.0)
    arr = xr.DataArray(
        f,
        dims=("time", "lon"),
        coords={"time": time, "lon": ("lon", lon, {"units": "degrees_east"})},
    ).chunk({"time": 7, "lon": 8})
    with dask.config.set(scheduler=no_compute):
        d_time = arr.ndgrad.differentiate("time", datetime_unit="D")
        d_lon = arr.ndgrad.differentiate("lon", boundary="periodic", accuracy=4)
        lap = arr.ndgrad.laplacian(["lon"], boundary="periodic")
    d_time, d_lon, lap = dask.compute(d_time, d_lon, lap, scheduler=cluster_client)
    assert len(cluster_client.scheduler_info()["workers"]) == 2
    mem = arr.compute()
    same(d_time, mem.differentiate("time", datetime_unit="D"))
    assert_same_array(
        d_lon.values, ndgrad.gradient(f, lon, axis=1, accuracy=4, boundary="periodic", period=360)
    )
    assert_same_array(
        lap.values, ndgrad.laplacian(f, lon, axis=1, boundary="periodic", period=360.0)
    )


# ------------------------------------------------ ndgrad's schemes along coordinates


def numeric_time(t: np.ndarray, unit: str) -> np.ndarray:
    """Datetimes as xarray's differentiate turns them into numbers."""
    return (t - t.min()) / np.timedelta64(1, unit)


def test_schemes_along_coordinates_are_ndgrads_on_values(rng: np.random.Generator) -> None:
    f = rng.standard_normal((9, 11, 10))
    y = np.cumsum(rng.uniform(0.5, 1.5, 9))
    x = -np.cumsum(rng.uniform(0.5, 1.5, 11))  # decreasing: fine one-sided
    t = np.datetime64("2024-01-01", "ns") + np.cumsum(rng.integers(30, 400, 10)) * np.timedelta64(
        1, "m"
    )
    arr = xr.DataArray(f, dims=("y", "x", "t"), coords={"y": y, "x": x, "t": t}, name="f")
    th = numeric_time(t, "h")
    checks = [
        (arr.ndgrad.differentiate("y", accuracy=4), ndgrad.gradient(f, y, axis=0, accuracy=4)),
        (arr.ndgrad.differentiate("x", accuracy=6), ndgrad.gradient(f, x, axis=1, accuracy=6)),
        (
            arr.ndgrad.differentiate("t", datetime_unit="h", accuracy=4),
            ndgrad.gradient(f, th, axis=2, accuracy=4),
        ),
        (
            arr.ndgrad.differentiate("y", edge_order=2, boundary="periodic", period=12.0),
            ndgrad.gradient(f, y, axis=0, edge_order=2, boundary="periodic", period=12.0),
        ),
        (
            arr.ndgrad.derivative("y", order=2, accuracy=4),
            ndgrad.derivative(f, y, order=2, axis=0, accuracy=4),
        ),
        (
            arr.ndgrad.derivative("t", order=3, datetime_unit="h"),
            ndgrad.derivative(f, th, order=3, axis=2),
        ),
        (
            arr.ndgrad.derivative("x", order=1, accuracy=None),
            ndgrad.gradient(f, x, axis=1),
        ),
        (arr.ndgrad.laplacian(("y", "x")), ndgrad.laplacian(f, y, x, axis=(0, 1))),
        (
            arr.ndgrad.laplacian(["x", "y"], accuracy=4, boundary={"y": "periodic"}, period=20.0),
            ndgrad.laplacian(
                f,
                x,
                y,
                axis=(1, 0),
                accuracy=4,
                boundary=["one-sided", "periodic"],
                period=[None, 20.0],
            ),
        ),
        (
            arr.ndgrad.magnitude(["y", "x"]),
            ndgrad.magnitude(f, y, x, axis=(0, 1)),
        ),
        (
            arr.ndgrad.magnitude(edge_order=2, datetime_unit="D"),
            ndgrad.magnitude(f, y, x, numeric_time(t, "D"), edge_order=2),
        ),
        (
            arr.ndgrad.magnitude(["x", "t"], accuracy=6, datetime_unit="h"),
            ndgrad.magnitude(f, x, th, axis=(1, 2), accuracy=6),
        ),
    ]
    for i, (got, want) in enumerate(checks):
        assert got.dims == arr.dims and got.name == "f", i
        xr.testing.assert_identical(got.coords.to_dataset(), arr.coords.to_dataset())
        assert_same_array(got.values, want, f"check {i}")
    # The defaults of derivative(order=1, accuracy=None) are differentiate's.
    same(arr.ndgrad.derivative("x", 1, accuracy=None), arr.differentiate("x"))


def test_dimensions_without_coordinates_are_positions(rng: np.random.Generator) -> None:
    f = rng.standard_normal((6, 8))
    arr = xr.DataArray(f, dims=("i", "j"))
    assert_same_array(
        arr.ndgrad.differentiate("j", accuracy=4).values, ndgrad.gradient(f, axis=1, accuracy=4)
    )
    # Periodic without a period: the positions repeat every n.
    assert_same_array(
        arr.ndgrad.differentiate("j", boundary="periodic").values,
        ndgrad.gradient(f, np.arange(8), axis=1, boundary="periodic", period=8.0),
    )
    assert_same_array(
        arr.ndgrad.laplacian(boundary="periodic").values,
        ndgrad.laplacian(f, boundary="periodic"),
    )


def test_schemes_on_datasets_and_dask(rng: np.random.Generator) -> None:
    x = np.cumsum(rng.uniform(0.5, 1.5, 10))
    y = np.arange(0.0, 360.0, 30.0)
    ds = xr.Dataset(
        {
            "a": (("x", "lon"), rng.standard_normal((10, 12))),
            "b": (("lon", "x"), rng.standard_normal((12, 10))),
            "c": ("x", rng.standard_normal(10)),
            "d": ("z", np.arange(3.0)),
        },
        coords={"x": x, "lon": ("lon", y, {"units": "degrees_east"})},
        attrs={"title": "t"},
    )
    for obj in (ds, ds.chunk({"x": 3, "lon": 5})):
        with dask.config.set(scheduler=no_compute):
            lap = obj.ndgrad.laplacian(("x", "lon"), boundary={"lon": "periodic"})
            d_lon = obj.ndgrad.differentiate("lon", boundary="periodic", accuracy=4)
            d2 = obj.ndgrad.derivative("x", order=2, accuracy=4)
        got = [r.compute() for r in (lap, d_lon, d2)]
        for r in got:
            assert list(r.data_vars) == ["a", "b", "c", "d"] and r.attrs == {"title": "t"}
            assert_same_array(r["d"].values, ds["d"].values)  # not along any: kept
        per = ["one-sided", "periodic"]
        assert_same_array(
            got[0]["a"].values,
            ndgrad.laplacian(ds["a"].values, x, y, boundary=per, period=[None, 360.0]),
        )
        assert_same_array(
            got[0]["b"].values,
            ndgrad.laplacian(ds["b"].values, x, y, axis=(1, 0), boundary=per, period=[None, 360]),
        )
        assert_same_array(got[0]["c"].values, ndgrad.laplacian(ds["c"].values, x))
        assert_same_array(got[1]["c"].values, ds["c"].values)  # not along lon: kept
        assert_same_array(
            got[1]["b"].values,
            ndgrad.gradient(ds["b"].values, y, axis=0, accuracy=4, boundary="periodic", period=360),
        )
        assert_same_array(
            got[2]["a"].values, ndgrad.derivative(ds["a"].values, x, order=2, axis=0, accuracy=4)
        )


def test_higher_order_schemes_are_more_accurate() -> None:
    """Not only ndgrad's bits: the schemes do what they claim along coordinates."""
    x = np.cumsum(np.random.default_rng(3).uniform(0.05, 0.15, 40))
    arr = xr.DataArray(x**4 - 3 * x**2, dims="x", coords={"x": x})
    exact = 4 * x**3 - 6 * x
    assert np.abs(arr.ndgrad.differentiate("x", accuracy=4) - exact).max() < 1e-9
    assert np.abs(arr.differentiate("x") - exact).max() > 1e-2
    assert np.abs(arr.ndgrad.derivative("x", order=2, accuracy=4) - (12 * x**2 - 6)).max() < 1e-7


# ------------------------------------------------------------ periodic from metadata


@pytest.mark.parametrize(
    ("lon", "units"),
    [
        (np.arange(0.0, 360.0, 2.5), "degrees_east"),
        (np.arange(-180.0, 180.0, 10.0), "degree_east"),
        (np.linspace(0.5, 359.5, 360).astype(np.float32), "degrees_E"),
        (np.linspace(0.0, 360.0, 36000, endpoint=False, dtype=np.float32), "degreesE"),
        (np.arange(0, 360, 45), "degreeE"),
    ],
)
def test_full_circle_longitudes_are_periodic_without_a_period(
    lon: np.ndarray, units: str, rng: np.random.Generator
) -> None:
    f = rng.standard_normal((3, len(lon)))
    arr = xr.DataArray(
        f, dims=("lat", "lon"), coords={"lon": ("lon", lon, {"units": units})}, name="T"
    )
    for acc in (None, 4):
        got = arr.ndgrad.differentiate("lon", boundary="periodic", accuracy=acc)
        assert_same_array(
            got.values,
            ndgrad.gradient(f, lon, axis=1, accuracy=acc, boundary="periodic", period=360.0),
        )
        # Not the one-sided result: the wrap is used.
        assert not np.array_equal(got.values[:, 0], arr.ndgrad.differentiate("lon").values[:, 0])
    # A given period wins over the metadata.
    assert_same_array(
        arr.ndgrad.differentiate("lon", boundary="periodic", period=720.0).values,
        ndgrad.gradient(f, lon, axis=1, boundary="periodic", period=720.0),
    )


@pytest.mark.parametrize(
    ("lon", "attrs", "why"),
    [
        (np.arange(0.0, 360.0, 10.0), {}, "has units None"),
        (np.arange(0.0, 360.0, 10.0), {"units": "degrees"}, "has units 'degrees'"),
        (np.arange(0.0, 360.0, 10.0), {"units": "degrees_north"}, "has units 'degrees_north'"),
        (np.arange(0.0, 350.0, 10.0), {"units": "degrees_east"}, "not equally spaced over"),
        (np.arange(0.0, 359.9, 0.1), {"units": "degrees_east"}, "not equally spaced over"),
        (np.arange(0.0, 720.0, 20.0), {"units": "degrees_east"}, "not equally spaced over"),
        (
            np.r_[np.arange(0.0, 180.0, 10.0), np.arange(185.0, 360.0, 10.0), 359.0],
            {"units": "degrees_east"},
            "not equally spaced over",
        ),
        (np.arange(350.0, -10.0, -10.0), {"units": "degrees_east"}, "not strictly increasing"),
    ],
)
def test_periodic_needs_a_period_unless_the_metadata_is_unambiguous(
    lon: np.ndarray, attrs: dict[str, str], why: str
) -> None:
    arr = xr.DataArray(
        np.zeros((2, len(lon))), dims=("lat", "lon"), coords={"lon": ("lon", lon, attrs)}
    )
    with pytest.raises(ValueError, match=r"boundary='periodic' along 'lon' needs period=") as e:
        arr.ndgrad.differentiate("lon", boundary="periodic")
    assert why in str(e.value)
    with pytest.raises(ValueError, match="needs period="):
        arr.ndgrad.laplacian(boundary={"lon": "periodic"})


def test_periodic_datetimes_need_a_period(rng: np.random.Generator) -> None:
    time = np.datetime64("2024-01-01", "ns") + np.arange(8) * np.timedelta64(3, "h")
    f = rng.standard_normal(8)
    arr = xr.DataArray(f, dims="time", coords={"time": time})
    with pytest.raises(ValueError, match=r"along 'time' needs period=.*has units None"):
        arr.ndgrad.differentiate("time", boundary="periodic")
    got = arr.ndgrad.differentiate("time", datetime_unit="D", boundary="periodic", period=1.0)
    want = ndgrad.gradient(f, np.arange(8) / 8, boundary="periodic", period=1.0)
    assert_same_array(got.values, want)


# ------------------------------------------------------------------ errors


def test_scheme_errors_say_what_was_expected(rng: np.random.Generator) -> None:
    f = rng.standard_normal((6, 5))
    bad = np.array([0.0, 1.0, 3.0, 2.0, 4.0, 5.0])
    arr = xr.DataArray(
        f,
        dims=("x", "y"),
        coords={"x": bad, "down": ("x", -np.arange(6.0)), "nan": ("x", np.r_[0.0, np.nan, 2:6])},
    )
    # Any coordinate is fine for xarray's differentiate, and so here.
    same(arr.ndgrad.differentiate("x"), arr.differentiate("x"))
    # The coordinates' values are checked by the kernels, whose errors speak
    # of axes; a note says which axis is which coordinate.
    monotonic = (
        r"^ndgrad.gradient: coordinates of axis 0 must be finite and strictly monotonic for "
        r"derivative 1, accuracy 4; x\[3\] = 2 breaks this\n"
        r"\(in differentiate of the DataArray, dims \('x', 'y'\): axis 0 is 'x'\)$"
    )
    with pytest.raises(ValueError, match=monotonic):
        arr.ndgrad.differentiate("x", accuracy=4)
    with pytest.raises(
        ValueError,
        match=r"^ndgrad.derivative: .* axis 0 must be finite and strictly monotonic for "
        r"derivative 2, accuracy 2; x\[3\] = 2 breaks this\n.*axis 0 is 'x'",
    ):
        arr.ndgrad.derivative("x", order=2)
    with pytest.raises(
        ValueError, match=r"^ndgrad.laplacian: .* strictly monotonic.*\n.*axis 0 is 'x'"
    ):
        arr.ndgrad.laplacian("x")
    increasing = (
        r"^ndgrad.gradient: coordinates of periodic axis 0 must be finite and strictly "
        r"increasing; x\[1\] = -1 breaks this\n.*axis 0 is 'down'\)$"
    )
    with pytest.raises(ValueError, match=increasing):
        arr.ndgrad.differentiate("down", boundary="periodic", period=10.0)
    same(  # decreasing is fine one-sided
        arr.ndgrad.differentiate("down", accuracy=2), arr.differentiate("down", edge_order=2)
    )
    with pytest.raises(ValueError, match=r"finite and strictly monotonic .* x\[1\] = NaN breaks"):
        arr.ndgrad.differentiate("nan", accuracy=4)
    y = arr.assign_coords(x=np.arange(6.0))
    with pytest.raises(ValueError, match=r"edge_order must stay 1 .* got edge_order=2, accuracy=4"):
        y.ndgrad.differentiate("x", 2, accuracy=4)
    with pytest.raises(ValueError, match=r"boundary must be 'one-sided' or 'periodic'; got 'wrap'"):
        y.ndgrad.differentiate("x", boundary="wrap")
    with pytest.raises(TypeError, match=r"boundary must be .*; got int 1"):
        y.ndgrad.differentiate("x", boundary=1)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"the period of 'x' must be a real number or None; got str"
    ):
        y.ndgrad.differentiate("x", boundary="periodic", period="6")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"period is for boundary='periodic'; got period=6.0"):
        y.ndgrad.differentiate("x", period=6.0)
    with pytest.raises(ValueError, match=r"got a period for 'x', whose boundary is 'one-sided'"):
        y.ndgrad.laplacian(period={"x": 6.0})
    with pytest.raises(ValueError, match=r"boundary names \['z'\], which are not among"):
        y.ndgrad.laplacian(boundary={"z": "periodic"})
    with pytest.raises(ValueError, match=r"'x' and 'down' both run along dimension 'x'"):
        y.ndgrad.magnitude(["x", "down"])
    # ndgrad's own errors come through.
    with pytest.raises(ValueError, match=r"period of axis 0 must be finite and greater than"):
        y.ndgrad.differentiate("x", boundary="periodic", period=5.0)
    with pytest.raises(ValueError, match=r"accuracy must be one of 2, 4, 6, 8"):
        y.ndgrad.differentiate("x", accuracy=3)


# ------------------------------------------------------------ divergence, curl


def test_divergence_and_curl_from_named_components(rng: np.random.Generator) -> None:
    x = np.cumsum(rng.uniform(0.5, 1.5, 7))
    y = np.cumsum(rng.uniform(0.5, 1.5, 6))
    z = np.arange(5.0) * 0.5
    shape = (7, 6, 5)
    u, v, w = (rng.standard_normal(shape) for _ in range(3))
    dims = ("x", "y", "z")
    ds = xr.Dataset(
        {
            "u": (dims, u, {"units": "m/s"}),
            "v": (("z", "x", "y"), v.transpose(2, 0, 1)),  # another order
            "w": (dims, w),
            "u2": (("x", "y"), u[:, :, 0]),
            "v2": (("x", "y"), v[:, :, 0]),
        },
        coords={"x": x, "y": y, "z": z},
    )
    comps = {"x": "u", "y": "v", "z": "w"}
    for obj in (ds, ds.chunk({"x": 3, "y": 4, "z": 2})):
        with dask.config.set(scheduler=no_compute):
            div = obj.ndgrad.divergence(comps)
            curl = obj.ndgrad.curl(comps, accuracy=4)
            curl2 = obj.ndgrad.curl({"x": "u2", "y": "v2"}, edge_order=2)
            div_p = obj.ndgrad.divergence(
                {"x": "u2", "y": "v2"}, boundary={"y": "periodic"}, period={"y": 10.0}
            )
        div, curl, curl2, div_p = dask.compute(div, curl, curl2, div_p)
        assert div.name == "divergence" and div.dims == dims and div.attrs == {}
        assert_same_array(div.values, ndgrad.divergence([u, v, w], x, y, z))
        assert [c.name for c in curl] == ["curl_x", "curl_y", "curl_z"]
        for got, want in zip(curl, ndgrad.curl([u, v, w], x, y, z, accuracy=4), strict=True):
            assert_same_array(got.values, want)
        assert curl2.name == "curl" and curl2.dims == ("x", "y")
        assert_same_array(curl2.values, ndgrad.curl([u[..., 0], v[..., 0]], x, y, edge_order=2))
        assert_same_array(
            div_p.values,
            ndgrad.divergence(
                [u[..., 0], v[..., 0]], x, y, boundary=["one-sided", "periodic"], period=[None, 10]
            ),
        )
    # Components in another order than the dims: ("y", "x") is a left-handed pair.
    swapped = ds.ndgrad.curl({"y": "v2", "x": "u2"})
    assert_same_array(swapped.values, -ds.ndgrad.curl({"x": "u2", "y": "v2"}).values)


def test_divergence_and_curl_with_more_dimensions_than_components(
    rng: np.random.Generator,
) -> None:
    """Time-dependent 2-D fields: each time's slice is the fused operator's."""
    t = np.datetime64("2024-01-01", "ns") + np.arange(3) * np.timedelta64(1, "D")
    lat = np.linspace(-60, 60, 9)
    lon = np.arange(0.0, 360.0, 30.0)
    shape = (3, 9, 12)
    u, v = rng.standard_normal(shape), rng.standard_normal(shape)
    ds = xr.Dataset(
        {"u": (("time", "lat", "lon"), u), "v": (("time", "lat", "lon"), v)},
        coords={"time": t, "lat": lat, "lon": ("lon", lon, {"units": "degrees_east"})},
    )
    comps = {"lon": "u", "lat": "v"}
    kw: dict[str, Any] = {"boundary": {"lon": "periodic"}, "accuracy": 4}
    for obj in (ds, ds.chunk({"time": 1, "lat": 4, "lon": 5})):
        div = obj.ndgrad.divergence(comps, **kw).compute()
        curl = obj.ndgrad.curl(comps, **kw).compute()
        assert div.dims == ("time", "lat", "lon")
        for i in range(3):
            F = [u[i].T, v[i].T]  # component i along axis i: (lon, lat)
            per: dict[str, Any] = {
                "accuracy": 4,
                "boundary": ["periodic", "one-sided"],
                "period": [360.0, None],
            }
            assert_same_array(div.values[i], ndgrad.divergence(F, lon, lat, **per).T)
            assert_same_array(curl.values[i], ndgrad.curl(F, lon, lat, **per).T)


def test_divergence_and_curl_errors(rng: np.random.Generator) -> None:
    ds = xr.Dataset(
        {
            "u": (("x", "y"), rng.standard_normal((4, 5))),
            "v": (("x", "y"), rng.standard_normal((4, 5))),
            "s": ("x", rng.standard_normal(4)),
        },
        coords={"x": np.arange(4.0), "y": np.arange(5.0)},
    )
    with pytest.raises(ValueError, match=r"'q' is not a data variable of this Dataset"):
        ds.ndgrad.divergence({"x": "u", "y": "q"})
    with pytest.raises(ValueError, match=r"same dimensions; 'u' has \('x', 'y'\), 's' has"):
        ds.ndgrad.divergence({"x": "u", "y": "s"})
    with pytest.raises(ValueError, match=r"curl is defined for 2 or 3 components; got 1"):
        ds.ndgrad.curl({"x": "u"})
    with pytest.raises(TypeError, match=r"takes a mapping from coordinate names"):
        ds.ndgrad.divergence(["u", "v"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"do not run along 'z'"):
        ds.assign_coords(z=("z", [0.0, 1.0])).ndgrad.divergence({"x": "u", "z": "v"})


# ---------------------------------------------------------- packaging, docs


def test_import_error_without_xarray_and_no_import_by_ndgrad() -> None:
    code = (
        "import sys\n"
        "import ndgrad\n"
        "assert 'xarray' not in sys.modules, 'import ndgrad imported xarray'\n"
        "sys.modules['xarray'] = None\n"
        "try:\n"
        "    import ndgrad.xarray\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'ndgrad[xarray]'" in out.stdout, out.stdout + out.stderr


def test_the_accessor_is_registered_on_both_classes() -> None:
    assert isinstance(xr.DataArray([1.0]).ndgrad, ndgrad.xarray.DataArrayAccessor)
    assert isinstance(xr.Dataset().ndgrad, ndgrad.xarray.DatasetAccessor)


def test_the_climate_example_runs_and_says_what_it_computes() -> None:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        scope = runpy.run_path(str(ROOT / "examples" / "xarray_climate.py"), run_name="example")
        errors = scope["main"]()
    out = printed.getvalue()
    # Periodic longitudes remove the error at the date line; higher orders
    # and the second derivative along latitude are accurate; dT/dt in K/day.
    assert errors["dlon periodic"] < errors["dlon differentiate"] / 100
    assert errors["dlon periodic acc4"] < 1e-8
    assert errors["dlat2 acc6"] < 1e-9 < errors["dlat2 acc2"] < 1e-4
    assert errors["dt K/day acc4"] < errors["dt K/day differentiate"] / 100
    assert errors["trend"] < 1e-10
    assert "zonal-mean dT/dt: 0.0500 K/day" in out
    assert "ndgrad.differentiate is differentiate, bit for bit: True" in out
    for k, v in errors.items():
        if k != "trend":
            assert f"  {k:24} {v:.1e}" in out, k


def test_dataarray_and_dataset_share_one_implementation_and_one_edge_order_check() -> None:
    """The methods are written once (the accessors differ only in how a result
    is assembled), and every method refuses edge_order=2 with accuracy alike."""
    for name in ("differentiate", "derivative", "laplacian", "magnitude"):
        assert getattr(ndgrad.xarray.DataArrayAccessor, name) is getattr(
            ndgrad.xarray.DatasetAccessor, name
        )
    x = np.arange(5.0)
    ds = xr.Dataset(
        {"u": (("x", "y"), np.ones((5, 5))), "v": (("x", "y"), np.ones((5, 5)))},
        coords={"x": x, "y": x},
    )
    calls = {
        "differentiate": lambda o: o.ndgrad.differentiate("x", 2, accuracy=4),
        "magnitude": lambda o: o.ndgrad.magnitude(edge_order=2, accuracy=4),
        "divergence": lambda o: o.ndgrad.divergence({"x": "u", "y": "v"}, edge_order=2, accuracy=4),
        "curl": lambda o: o.ndgrad.curl({"x": "u", "y": "v"}, edge_order=2, accuracy=4),
    }
    for name, call in calls.items():
        for obj in (ds, ds["u"]) if name in ("differentiate", "magnitude") else (ds,):
            with pytest.raises(ValueError) as e:
                call(obj)
            assert str(e.value) == (
                f"{name}: edge_order must stay 1 (its default) when accuracy is given (accuracy "
                "sets the order at the ends too); got edge_order=2, accuracy=4"
            )
