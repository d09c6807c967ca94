"""Every bad argument raises what numpy.gradient raises: the same class, and
the same message wherever ndgrad produces the message itself."""

from __future__ import annotations

from typing import Any

import ndgrad
import numpy as np
import pytest
from conftest import outcome
from numpy.lib._function_base_impl import gradient as numpy_gradient

F2D = np.arange(25).reshape(5, 5)
X = np.cumsum(np.ones(5))

BAD: list[tuple[str, Any, tuple[Any, ...], dict[str, Any]]] = [
    ("coordinates too short", F2D, (X, np.ones(2)), {}),
    ("scalar then short coordinates", F2D, (1, np.ones(2)), {}),
    ("both coordinates too short", F2D, (np.ones(2), np.ones(2)), {}),
    ("one array for two axes", F2D, (X,), {}),
    ("one array for an axis pair", F2D, (X,), {"axis": (0, 1)}),
    ("three arrays for two axes", F2D, (X, X, X), {}),
    ("three scalars for two axes", F2D, (1, 1, 1), {}),
    ("two arrays for one axis", F2D, (X, X), {"axis": 1}),
    ("two scalars for one axis", F2D, (1, 1), {"axis": 1}),
    ("2-D coordinates", F2D, (np.stack([X] * 2, axis=-1), 1), {}),
    ("axis out of range", F2D, (), {"axis": 3}),
    ("negative axis out of range", F2D, (), {"axis": -3}),
    ("repeated axis", F2D, (), {"axis": (0, 0)}),
    ("repeated negative axis", F2D, (), {"axis": (1, -1)}),
    ("float axis", F2D, (), {"axis": 1.5}),
    ("edge order 3", F2D, (), {"edge_order": 3}),
    ("edge order string", F2D, (), {"edge_order": "2"}),
    ("empty axis", np.arange(0), (), {}),
    ("empty axis, edge order 2", np.arange(0), (), {"edge_order": 2}),
    ("one sample", np.arange(1), (), {}),
    ("two samples, edge order 2", np.arange(2), (), {"edge_order": 2}),
    ("edge order 0 on two samples", np.arange(2.0), (), {"edge_order": 0}),
    ("one coordinate", np.arange(1.0), (np.array([1.0]),), {}),
    ("Python zero step, edge order 2", np.arange(4.0), (0.0,), {"edge_order": 2}),
    ("Python int zero step, edge order 2", np.arange(4.0), (0,), {"edge_order": 2}),
    ("zero step on the second axis", np.ones((3, 3)), (1.0, 0), {"edge_order": 2}),
    ("bool data", np.array([True, False, True]), (), {}),
    ("string data", np.array(["a", "b", "c"]), (), {}),
    ("object data with None", np.array([1, None, 3], dtype=object), (), {}),
    ("huge int step on timedelta", np.array([1, 2, 3], "m8[s]"), (10**30,), {}),
    ("bool step on timedelta", np.array([1, 2, 3], "m8[s]"), (True,), {}),
    ("string step", np.arange(3.0), ("a",), {}),
    ("None step", np.arange(3.0), (None,), {}),
    # NumPy's order (issue 15): its per-axis loop divides by the spacing
    # before it checks the next axis' length; coordinates are differenced
    # before any length is checked.
    ("None step, second axis too short", np.ones((5, 1)), (None,), {}),
    ("string step, second axis too short", np.ones((5, 1)), ("a",), {}),
    ("huge int step, second axis too short", np.ones((5, 1)), (10**400,), {}),
    ("first axis too short, None step", np.ones((1, 5)), (None,), {}),
    ("good step then None, second too short", np.ones((5, 1)), (1.0, None), {}),
    ("None then good step, second too short", np.ones((5, 1)), (None, 1.0), {}),
    (
        "string coordinates, first axis too short",
        np.ones((1, 5)),
        (np.array(["a"]), np.array(list("abcde"))),
        {},
    ),
    (
        "string coordinates, second axis too short",
        np.ones((5, 1)),
        (np.array(list("abcde")), 1.0),
        {},
    ),
    ("None step, too short for edge order 2", np.ones((5, 2)), (None,), {"edge_order": 2}),
]


@pytest.mark.parametrize(("name", "f", "varargs", "kwargs"), BAD, ids=[b[0] for b in BAD])
def test_bad_arguments_raise_what_numpy_raises(
    name: str, f: Any, varargs: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    want = outcome(numpy_gradient, f, *varargs, **kwargs)
    got = outcome(ndgrad.gradient, f, *varargs, **kwargs)
    assert isinstance(want, Exception), f"{name}: NumPy accepts this"
    assert type(got) is type(want), f"{name}: {got!r} vs NumPy's {want!r}"
    assert str(got) == str(want), f"{name}: message {got!r} vs NumPy's {want!r}"


def test_axis_error_is_numpys_class() -> None:
    with pytest.raises(np.exceptions.AxisError, match="axis 3 is out of bounds"):
        ndgrad.gradient(F2D, axis=3)


@pytest.mark.parametrize(
    ("out", "error", "match"),
    [
        (np.empty((5, 4)), ValueError, r"shape \(5, 4\), expected \(5, 5\)"),
        (np.empty((5, 5), dtype=np.float32), TypeError, "dtype float32, expected float64"),
        ([np.empty((5, 5))], ValueError, "expected 2, got 1"),
        ("nope", TypeError, "out must be an ndarray or a tuple of ndarrays"),
        ((np.empty((5, 5)), [1, 2]), TypeError, "out must hold ndarrays"),
    ],
)
def test_bad_out_arrays_are_rejected_before_writing(out: Any, error: type, match: str) -> None:
    axis = 0 if isinstance(out, np.ndarray) else None
    with pytest.raises(error, match=match):
        ndgrad.gradient(F2D, axis=axis, out=out)


def test_read_only_and_mutually_overlapping_outputs_are_rejected() -> None:
    ro = np.empty((5, 5))
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        ndgrad.gradient(F2D, axis=0, out=ro)
    same = np.empty((5, 5))
    with pytest.raises(ValueError, match=r"must not share memory .* out\[0\] and out\[1\]"):
        ndgrad.gradient(F2D, out=(same, same))
    # The input as an output: read before it is overwritten (a copy is
    # taken), as NumPy's ufuncs do.
    f = np.arange(25.0).reshape(5, 5) ** 2
    want = numpy_gradient(f, axis=0)
    assert ndgrad.gradient(f, axis=0, out=f) is f
    np.testing.assert_array_equal(f, want)


@pytest.mark.parametrize(
    ("workers", "error"), [(0, ValueError), ("2", TypeError), (1.5, TypeError)]
)
def test_bad_workers(workers: Any, error: type) -> None:
    with pytest.raises(error):
        ndgrad.gradient(F2D, workers=workers)
