"""The README's "Beyond NumPy" example runs, and its printed table is what it computes."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[2] / "README.md"


def python_block(heading: str) -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, f"the section {heading!r} has a Python example"
    return match.group(1)


def beyond_numpy_block() -> str:
    return python_block("## Beyond NumPy")


def test_vector_calculus_example_prints_what_it_says() -> None:
    code = python_block("## Vector calculus in one pass")
    printed = io.StringIO()
    scope: dict[str, object] = {}
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(README), "exec"), scope)
    claimed = re.search(r"^# (\[.*\])\s\s", code, re.M)
    assert claimed, "the example states its output"
    assert printed.getvalue().strip() == claimed.group(1).strip()
    # The "xy" call is the same field as the "ij" one, transposed.
    rot_xy, rot = scope["rot_xy"], scope["rot"]
    assert np.array_equal(rot_xy, np.asarray(rot).T)


def test_beyond_numpy_example_prints_its_table() -> None:
    code = beyond_numpy_block()
    printed = io.StringIO()
    scope: dict[str, object] = {}
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(README), "exec"), scope)
    # "# k   max |f' - exp| ..." then rows "# 2   5.9e-03   1.6e-02 ..."
    table = {
        int(m.group(1)): (m.group(2), m.group(3))
        for m in re.finditer(r"^# (\d)\s+(\S+e-\d+)\s+(\S+e-\d+)", code, re.M)
    }
    assert sorted(table) == [2, 4, 6, 8]
    rows = [line.split() for line in printed.getvalue().splitlines()]
    assert [int(r[0]) for r in rows] == [2, 4, 6, 8]
    for k, d1, d2 in rows:
        assert (f"{float(d1):.1e}", f"{float(d2):.1e}") == table[int(k)], k
    # The periodic line's figures.
    m = re.search(r"^abs\(du - .*# (\S+) \(np.gradient: (\S+),", code, re.M)
    assert m, "the periodic example states its error"
    du, theta, u = scope["du"], scope["theta"], scope["u"]
    err = float(np.abs(du - np.cos(theta) * u).max())  # type: ignore[operator, call-overload]
    assert f"{err:.1e}" == m.group(1)
    err_np = float(np.abs(np.gradient(u, theta) - np.cos(theta) * u).max())  # type: ignore[operator, call-overload]
    assert f"{err_np:.1e}" == m.group(2)


def test_xarray_example_prints_what_it_says() -> None:
    code = python_block("## xarray")
    printed = io.StringIO()
    scope: dict[str, object] = {}
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(README), "exec"), scope)
    claimed = re.search(r"^# (True .*)$", code, re.M)
    assert claimed, "the example states its output"
    assert printed.getvalue().strip() == claimed.group(1).strip()
    # The periodic derivative wraps round the date line: at lon 0 it is
    # 5 cos(0) K per radian, pi / 180 of that per degree, to 4th order (the
    # one-sided difference of xarray's differentiate is over 100 times further off).
    d = scope["dT_dlon"]
    exact = 5 * np.pi / 180
    assert abs(float(d[0, 0]) - exact) < 1e-4 * exact  # type: ignore[index]
    T = scope["T"]
    one_sided = T.differentiate("lon")  # type: ignore[attr-defined]
    assert abs(float(one_sided[0, 0]) - exact) > 1e-3 * exact
