"""NumPy's own ``TestGradient`` (numpy/lib/tests/test_function_base.py, shipped
in the installed numpy package), run with ``numpy.gradient`` replaced by
``ndgrad.gradient``.

The test module binds ``gradient`` at import (``from numpy import gradient``)
and some tests call ``np.gradient`` at run time, so both are replaced: the
first while importing, the second for each test. A spy proves every test
really went through ndgrad.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from typing import Any

import ndgrad
import numpy as np
import pytest

_NAME = "numpy.lib.tests.test_function_base"


def _import_with_ndgrad() -> Any:
    saved = np.gradient
    np.gradient = ndgrad.gradient
    try:
        sys.modules.pop(_NAME, None)
        return importlib.import_module(_NAME)
    finally:
        np.gradient = saved
        sys.modules.pop(_NAME, None)


_numpy_tests = _import_with_ndgrad()


def test_the_replacement_took_effect() -> None:
    assert _numpy_tests.gradient is ndgrad.gradient
    assert len([m for m in dir(TestGradient) if m.startswith("test_")]) >= 15


@pytest.fixture(autouse=True)
def _through_ndgrad(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    if request.cls is not TestGradient:
        yield
        return
    calls: list[int] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return ndgrad.gradient(*args, **kwargs)

    monkeypatch.setattr(np, "gradient", spy)
    monkeypatch.setattr(_numpy_tests, "gradient", spy)
    yield
    assert calls, f"{request.node.name} never called ndgrad.gradient"


class TestGradient(_numpy_tests.TestGradient):  # type: ignore[misc,name-defined]
    """Every test of NumPy's TestGradient, unchanged."""
