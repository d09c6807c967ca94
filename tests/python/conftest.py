"""Shared helpers: call numpy.gradient and ndgrad.gradient the same way and
compare outcomes (results to the bit, or exception classes)."""

from __future__ import annotations

import os
import warnings
from typing import Any

import ndgrad
import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from numpy.lib._function_base_impl import gradient as numpy_gradient

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def outcome(func: Any, *args: Any, **kwargs: Any) -> Any:
    """The result of `func`, or the exception it raised (warnings silenced:
    NumPy's RuntimeWarnings are not part of the contract)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return func(*args, **kwargs)
        except Exception as e:
            return e


def assert_same_array(got: np.ndarray, want: np.ndarray, what: str = "") -> None:
    """Same class, dtype (byte order included), shape and bits; a NaN matches
    any NaN (IEEE 754 leaves NaN signs and payloads unspecified)."""
    assert type(got) is type(want), f"{what}: type {type(got)} != {type(want)}"
    assert got.dtype.str == want.dtype.str, f"{what}: dtype {got.dtype.str} != {want.dtype.str}"
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    g = got.astype(got.dtype.newbyteorder("="))
    w = want.astype(want.dtype.newbyteorder("="))
    if g.dtype.kind in "mM":
        np.testing.assert_array_equal(g.view(np.int64), w.view(np.int64), err_msg=what)
        return
    parts = [(g.real, w.real), (g.imag, w.imag)] if g.dtype.kind == "c" else [(g, w)]
    for p, q in parts:
        p, q = np.ascontiguousarray(p), np.ascontiguousarray(q)
        nan_p, nan_q = np.isnan(p), np.isnan(q)
        np.testing.assert_array_equal(nan_p, nan_q, err_msg=f"{what}: NaN positions differ")
        if p.dtype.itemsize in (2, 4, 8):
            uint = f"u{p.dtype.itemsize}"
            np.testing.assert_array_equal(
                p[~nan_p].view(uint), q[~nan_q].view(uint), err_msg=f"{what}: bits differ"
            )
        else:  # longdouble (NumPy's own result): padding bytes are undefined
            np.testing.assert_array_equal(p[~nan_p], q[~nan_q], err_msg=what)
            np.testing.assert_array_equal(np.signbit(p), np.signbit(q), err_msg=what)


def assert_same_outcome(got: Any, want: Any, what: str = "") -> None:
    """Same exception class, or same return structure and bits."""
    if isinstance(want, BaseException):
        assert isinstance(got, BaseException), f"{what}: NumPy raised {want!r}, ndgrad returned"
        assert type(got) is type(want), f"{what}: raised {got!r}, NumPy raised {want!r}"
        return
    assert not isinstance(got, BaseException), f"{what}: ndgrad raised {got!r}"
    assert type(got) is type(want), f"{what}: returned {type(got)}, NumPy {type(want)}"
    if isinstance(want, tuple):
        assert len(got) == len(want), what
        for k, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same_array(g, w, f"{what}[{k}]")
    else:
        assert_same_array(got, want, what)


def check(f: Any, *varargs: Any, **kwargs: Any) -> Any:
    """ndgrad.gradient must do exactly what numpy.gradient does. Returns NumPy's outcome."""
    before = np.array(f, copy=True) if isinstance(f, np.ndarray) else None
    want = outcome(numpy_gradient, f, *varargs, **kwargs)
    got = outcome(ndgrad.gradient, f, *varargs, **kwargs)
    assert_same_outcome(got, want, f"gradient({_describe(f)}, {varargs!r}, {kwargs!r})")
    if before is not None:
        np.testing.assert_array_equal(f, before, err_msg="the input was modified")
    return want


def _describe(f: Any) -> str:
    if isinstance(f, np.ndarray):
        return f"array(shape={f.shape}, dtype={f.dtype.str}, strides={f.strides})"
    return repr(f)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)
