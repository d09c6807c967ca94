#!/usr/bin/env python3
"""Derivatives of a global temperature field with ``ndgrad.xarray``.

A synthetic surface temperature T(time, lat, lon) on a 1-degree global grid,
6-hourly for 10 days (40 x 180 x 360, float64): a pole-to-equator contrast,
a wave travelling eastwards round the globe, and a warming trend::

    T = 288 - 40 sin(lat)^2 + 6 cos(lat) cos(lon - c t) + r t    [K]

with c = 360 degrees per 10 days and r = 0.05 K/day. Its derivatives are
known exactly, so the script prints the error of each one:

- dT/dlon (K per degree): xarray's ``differentiate`` uses one-sided
  differences at the first and last longitude, as if the grid ended there;
  ``boundary="periodic"`` wraps around the date line (the period, 360, is
  read from the coordinate's CF units ``degrees_east``), and ``accuracy=4``
  raises the order of the differences.
- d2T/dlat2 (K per degree squared), with ``derivative(order=2)``.
- dT/dt in K/day: the time coordinate is datetime64, and
  ``datetime_unit="D"`` gives the rate per day, as in ``differentiate``;
  averaged round each latitude circle, it is the warming trend.

    python examples/xarray_climate.py

runs in about a second; ``tests/python/test_xarray.py`` runs it and checks
what it prints.
"""

from __future__ import annotations

import ndgrad.xarray  # noqa: F401  (registers the .ndgrad accessor)
import numpy as np
import xarray as xr

C = 360.0 / 10.0  # the wave's phase speed, degrees of longitude per day
R = 0.05  # the warming trend, K/day
A = 6.0  # the wave's amplitude, K


def temperature() -> xr.DataArray:
    """The synthetic field, with CF-style coordinates."""
    time = np.datetime64("2024-01-01T00", "ns") + np.arange(40) * np.timedelta64(6, "h")
    lat = np.arange(-89.5, 90.0, 1.0)
    lon = np.arange(0.0, 360.0, 1.0)
    days = ((time - time[0]) / np.timedelta64(1, "D"))[:, None, None]
    phi = np.deg2rad(lat)[None, :, None]
    lam = lon[None, None, :]
    t = 288.0 - 40.0 * np.sin(phi) ** 2 + A * np.cos(phi) * np.cos(np.deg2rad(lam - C * days))
    return xr.DataArray(
        t + R * days,
        dims=("time", "lat", "lon"),
        coords={
            "time": time,
            "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude"}),
            "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude"}),
        },
        name="T",
        attrs={"units": "K"},
    )


def exact(T: xr.DataArray) -> dict[str, xr.DataArray]:
    """The exact derivatives of the field."""
    days = (T.time - T.time[0]) / np.timedelta64(1, "D")
    phi = np.deg2rad(T.lat)
    arg = np.deg2rad(T.lon - C * days)
    rad = np.pi / 180.0
    return {
        "dlon": -A * np.cos(phi) * np.sin(arg) * rad,
        "dlat2": (-80.0 * np.cos(2 * phi) - A * np.cos(phi) * np.cos(arg)) * rad**2,
        "dt": A * np.cos(phi) * np.sin(arg) * C * rad + R,
    }


def max_error(got: xr.DataArray, want: xr.DataArray) -> float:
    return float(np.abs(got - want).max())


def main() -> dict[str, float]:
    T = temperature()
    want = exact(T)
    errors = {
        "dlon differentiate": max_error(T.differentiate("lon"), want["dlon"]),
        "dlon periodic": max_error(
            T.ndgrad.differentiate("lon", boundary="periodic"), want["dlon"]
        ),
        "dlon periodic acc4": max_error(
            T.ndgrad.differentiate("lon", boundary="periodic", accuracy=4), want["dlon"]
        ),
        "dlat2 acc2": max_error(T.ndgrad.derivative("lat", order=2), want["dlat2"]),
        "dlat2 acc6": max_error(T.ndgrad.derivative("lat", order=2, accuracy=6), want["dlat2"]),
        "dt K/day differentiate": max_error(T.differentiate("time", datetime_unit="D"), want["dt"]),
        "dt K/day acc4": max_error(
            T.ndgrad.differentiate("time", datetime_unit="D", accuracy=4), want["dt"]
        ),
    }
    print(f"T{dict(T.sizes)}, {T.dtype}")
    print("max |error| against the exact derivative:")
    for k, v in errors.items():
        print(f"  {k:24} {v:.1e}")
    # With the defaults, the accessor is xarray's differentiate, bit for bit.
    same = T.ndgrad.differentiate("time", datetime_unit="D").identical(
        T.differentiate("time", datetime_unit="D")
    )
    print(f"ndgrad.differentiate is differentiate, bit for bit: {same}")
    # The wave averages out round each latitude circle: what is left is the trend.
    trend = T.ndgrad.differentiate("time", datetime_unit="D", accuracy=4).mean("lon")
    errors["trend"] = float(np.abs(trend - R).max())
    print(f"zonal-mean dT/dt: {float(trend.mean()):.4f} K/day (max |error| {errors['trend']:.0e})")
    return errors


if __name__ == "__main__":
    main()
