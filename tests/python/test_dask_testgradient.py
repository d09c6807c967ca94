"""Dask's own gradient test (``dask/array/tests/test_routines.py::test_gradient``,
shipped in the installed dask package), run with ``dask.array.gradient``
replaced by ``ndgrad.dask.gradient``.

The test calls ``da.gradient`` at run time, so the attribute of the
``dask.array`` module is replaced for each test; a spy proves every
parametrisation really went through ndgrad.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from importlib import resources
from typing import Any

import dask
import dask.array as da
import ndgrad.dask
import pytest

_dask_tests: Any = importlib.import_module("dask.array.tests.test_routines")

# Collected here with its own parametrisation (shapes, spacings, axes, edge orders).
test_gradient = _dask_tests.test_gradient


def test_the_installed_dask_ships_the_test() -> None:
    path = resources.files("dask") / "array" / "tests" / "test_routines.py"
    assert path.is_file(), f"dask {dask.__version__} has no {path}"
    marks = [m for m in test_gradient.pytestmark if m.name == "parametrize"]
    cases = 1
    for m in marks:
        cases *= len(m.args[1])
    assert cases >= 20


@pytest.fixture(autouse=True)
def _through_ndgrad(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    if request.function is not test_gradient:
        yield
        return
    calls: list[int] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return ndgrad.dask.gradient(*args, **kwargs)

    monkeypatch.setattr(da, "gradient", spy)
    with dask.config.set(scheduler="threads"):
        yield
    assert calls, f"{request.node.name} never called ndgrad.dask.gradient"
