"""Differential fuzzer: ndgrad.gradient against numpy.gradient on random calls.

Every case is a random call ``gradient(f, *varargs, **kwargs)`` that a caller
could make: data of every dtype (byte-swapped too), 0-D to 4-D shapes (and
now and then a 33-D array of mostly size-1 axes), C and Fortran order,
transposed, reversed, stepped, broadcast, unaligned and read-only views,
Python lists and scalars; no spacing, one step for every axis, one step or
coordinate array per axis, wrong counts and lengths; every form of ``axis``
and ``edge_order``, the invalid ones included.

A case is Python source (the repro snippet printed by ``--show``): each call
runs on objects freshly made by executing it, so what is reported is what
was run. The rules (NUMPY_PARITY.md):

- NumPy raises: ndgrad must raise the same exception class (messages may differ);
- NumPy returns: ndgrad returns the same structure (one ndarray, or a tuple),
  each array of the same class, dtype (byte order included) and shape, with
  the same bits (any NaN matches any NaN at the same place);
- ndgrad leaves its inputs unmodified, and never panics;
- warnings are recorded for both; RuntimeWarnings (division by zero and the
  like) are not part of the contract, any other warning class must match.

The one documented deliberate difference: NumPy returns garbage for a
byte-swapped datetime64 ``f``, so there the reference is NumPy on the same
dates in native byte order.

    python scripts/fuzz_numpy.py --cases 30000 --seed 1 --show 20
    python scripts/fuzz_numpy.py --seed 1 --only 1234      # replay one case

Importable: ``make_case(rng)`` and ``compare(case) -> str | None`` (used by
tests/python/test_numpy_fuzz.py).
"""

from __future__ import annotations

import argparse
import collections
import functools
import math
import sys
import time
import warnings
from dataclasses import dataclass, replace
from typing import Any

import ndgrad
import numpy as np
from numpy.lib._function_base_impl import gradient as numpy_gradient
from numpy.lib.array_utils import normalize_axis_tuple

NATIVE = "<" if sys.byteorder == "little" else ">"
SWAPPED = ">" if NATIVE == "<" else "<"
NAT = int(np.iinfo(np.int64).min)

FLOATS = ["f2", "f4", "f8"]
COMPLEX = ["c8", "c16"]
INTS = ["i1", "i2", "i4", "i8"]
UINTS = ["u1", "u2", "u4", "u8"]
TD_UNITS = ["", "Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"]
DT_UNITS = ["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "as"]
LENGTH_WEIGHTS = np.array([0.04, 0.08, 0.18, 0.2, 0.18, 0.14, 0.1, 0.08])


# ---------------------------------------------------------------- source text


def lit(v: Any) -> str:
    """Python source that evaluates to ``v`` (scalars, NumPy scalars, tuples, lists)."""
    # NumPy scalars first: np.float64 and np.complex128 subclass float and complex
    if isinstance(v, np.bool_):
        return f"np.bool_({bool(v)})"
    if isinstance(v, np.datetime64 | np.timedelta64):
        unit, count = np.datetime_data(v.dtype)
        name = type(v).__name__
        ticks = int(v.view(np.int64))
        assert count == 1
        return f"np.{name}({ticks})" if unit == "generic" else f"np.{name}({ticks}, {unit!r})"
    if isinstance(v, np.complexfloating):
        return f"np.{v.dtype.name}({lit(complex(v))})"
    if isinstance(v, np.floating):
        return f"np.{v.dtype.name}({lit(float(v))})"
    if isinstance(v, np.integer):
        return f"np.{v.dtype.name}({int(v)})"
    if v is None or isinstance(v, bool | str | bytes):
        return repr(v)
    if isinstance(v, int):
        return repr(v)
    if isinstance(v, float):
        if math.isnan(v):
            return 'float("nan")'
        if math.isinf(v):
            return 'float("inf")' if v > 0 else '-float("inf")'
        return repr(v)
    if isinstance(v, complex):
        return f"complex({lit(v.real)}, {lit(v.imag)})"
    if isinstance(v, tuple):
        return f"({lit(v[0])},)" if len(v) == 1 else "(" + ", ".join(lit(x) for x in v) + ")"
    if isinstance(v, list):
        return "[" + ", ".join(lit(x) for x in v) + "]"
    raise TypeError(f"no source for {v!r}")


@dataclass(frozen=True, eq=False)
class ArraySpec:
    """An array argument: its values (native order, C order, logical shape
    except under a "bcast" layout), final dtype, memory layout and container."""

    values: np.ndarray
    dtype: str  # the final dtype's .str, byte order included
    layout: tuple[Any, ...] = ("C",)
    readonly: bool = False
    container: str = "array"  # array | list | npscalar | pyscalar

    def source(self, name: str) -> list[str]:
        v = self.values
        if self.container == "list":
            return [f"{name} = {lit(v.tolist())}"]
        if self.container == "npscalar":
            return [f"{name} = {lit(v[()])}"]
        if self.container == "pyscalar":
            return [f"{name} = {lit(v.item())}"]
        flat = v.reshape(-1)
        if v.dtype.kind in "mM":
            expr = (
                f"np.array({lit(flat.view(np.int64).tolist())}, dtype='i8').view('{v.dtype.str}')"
            )
        elif v.dtype.kind == "O":
            expr = f"np.array({lit(flat.tolist())}, dtype=object)"
        else:
            expr = f"np.array({lit(flat.tolist())}, dtype='{v.dtype.str}')"
        if v.ndim != 1:
            expr += f".reshape({lit(v.shape)})"
        out = [f"{name} = {expr}"]
        if self.dtype != v.dtype.str:
            out.append(f"{name} = {name}.astype('{self.dtype}')")
        kind = self.layout[0]
        if kind == "F":
            out.append(f"{name} = np.asfortranarray({name})")
        elif kind == "perm":
            p = self.layout[1]
            inv = tuple(int(i) for i in np.argsort(p))
            out.append(f"{name} = np.ascontiguousarray({name}.transpose({p})).transpose({inv})")
        elif kind == "flip":
            ax = self.layout[1]
            out.append(f"{name} = np.flip(np.flip({name}, {ax}).copy(), {ax})")
        elif kind == "step":
            k, rev = self.layout[1], self.layout[2]
            # a step of k (from offset 1) on every axis longer than one
            sl = ", ".join(f"1::{k}" if n > 1 else ":" for n in v.shape)
            dims = tuple(k * n + 1 if n > 1 else n for n in v.shape)
            out.append(f"big = np.zeros({lit(dims)}, {name}.dtype)")
            if rev:
                r = ", ".join(["::-1"] * v.ndim)
                out.append(f"big[{sl}] = {name}[{r}]")
                out.append(f"{name} = big[{sl}][{r}]")
            else:
                out.append(f"big[{sl}] = {name}")
                out.append(f"{name} = big[{sl}]")
        elif kind == "bcast":
            out.append(f"{name} = np.broadcast_to({name}, {lit(self.layout[1])})")
        elif kind == "unaligned":
            out.append(f"buf = np.zeros({name}.nbytes + 1, np.uint8)")
            out.append(f"{name}_u = buf[1:].view({name}.dtype).reshape({name}.shape)")
            out.append(f"{name}_u[...] = {name}")
            out.append(f"{name} = {name}_u")
        if self.readonly:
            out.append(f"{name}.flags.writeable = False")
        return out


@dataclass(eq=False)
class Case:
    """One call: data, positional spacings (ArraySpec or literal objects), keywords."""

    f: ArraySpec
    varargs: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...]

    @functools.cached_property
    def parts(self) -> tuple[list[str], list[str]]:
        """The statements that make the arrays, and the positional argument expressions."""
        lines = self.f.source("f")
        args = []
        for i, a in enumerate(self.varargs):
            if isinstance(a, ArraySpec):
                lines += a.source(f"x{i}")
                args.append(f"x{i}")
            else:
                args.append(lit(a))
        return lines, args

    @property
    def lines(self) -> list[str]:
        return self.parts[0]

    @property
    def call_args(self) -> str:
        return ", ".join(["f", *self.parts[1]] + [f"{k}={lit(v)}" for k, v in self.kwargs])

    @functools.cached_property
    def code(self) -> Any:
        kw = "{" + ", ".join(f"{k!r}: {lit(v)}" for k, v in self.kwargs) + "}"
        args = "(" + "".join(a + ", " for a in self.parts[1]) + ")"
        src = "\n".join(self.lines) + f"\nargs = {args}\nkwargs = {kw}\n"
        return compile(src, "<case>", "exec")

    def build(self, native_f: bool = False) -> tuple[Any, tuple[Any, ...], dict[str, Any]]:
        """Fresh objects for one call."""
        ns: dict[str, Any] = {"np": np}
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            exec(self.code, ns)
        f = ns["f"]
        if native_f:
            f = f.astype(f.dtype.newbyteorder("="))
        return f, ns["args"], ns["kwargs"]

    def snippet(self, numpy_says: str = "", ndgrad_says: str = "") -> str:
        lines = ["import numpy as np", "import ndgrad", "", *self.lines]
        lines.append(
            f"np.gradient({self.call_args})" + (f"  # NumPy: {numpy_says}" if numpy_says else "")
        )
        lines.append(
            f"ndgrad.gradient({self.call_args})"
            + (f"  # ndgrad: {ndgrad_says}" if ndgrad_says else "")
        )
        return "\n".join(lines)

    @property
    def deliberate(self) -> bool:
        """Byte-swapped datetime64 data: the documented difference (reference: native order)."""
        d = np.dtype(self.f.dtype)
        return self.f.container == "array" and d.kind == "M" and not d.isnative


# ------------------------------------------------------------------ generation


def contig(a: Any) -> np.ndarray:
    """A C-contiguous copy that keeps 0-d arrays 0-d (np.ascontiguousarray does not)."""
    return np.array(a, order="C", copy=True)


def choose(rng: np.random.Generator, options: list[Any], weights: list[float] | None = None) -> Any:
    if weights is None:
        return options[int(rng.integers(len(options)))]
    p = np.asarray(weights, dtype=float)
    return options[int(rng.choice(len(options), p=p / p.sum()))]


def pick_dtype(rng: np.random.Generator, coords: bool = False) -> str:
    """A dtype string, native order (the caller may swap it)."""
    group = choose(
        rng,
        ["f", "c", "i", "u", "b", "m", "M", "O"],
        [40, 6, 12, 10, 3, 5, 4, 1] if coords else [32, 12, 16, 12, 4, 9, 12, 2],
    )
    if group == "f":
        return choose(rng, FLOATS, [1, 1, 2])
    if group == "c":
        return choose(rng, COMPLEX)
    if group == "i":
        return choose(rng, INTS)
    if group == "u":
        return choose(rng, UINTS)
    if group == "b":
        return "?"
    if group == "m":
        unit = choose(rng, TD_UNITS)
        return f"m8[{unit}]" if unit else "m8"
    if group == "M":
        return f"M8[{choose(rng, DT_UNITS)}]"
    return "O"


def maybe_swap(rng: np.random.Generator, dt: np.dtype, p: float) -> str:
    if dt.itemsize > 1 and dt.kind != "O" and rng.random() < p:
        return dt.newbyteorder(SWAPPED).str
    return dt.str


FLOAT_SPECIALS = [math.nan, math.inf, -math.inf, -0.0, 0.0, 1e300, -1e300, 5e-324, 1e-310, 65504.0]


def float_values(rng: np.random.Generator, n: int) -> np.ndarray:
    mode = choose(rng, ["small", "normal", "square", "wide"])
    if mode == "small":
        x = rng.integers(-9, 10, size=n).astype(float)
    elif mode == "normal":
        x = rng.standard_normal(n) * 10.0 ** float(rng.integers(-3, 4))
    elif mode == "square":
        x = np.arange(n, dtype=float) ** 2 + float(rng.integers(-3, 4))
    else:
        x = rng.standard_normal(n) * 10.0 ** rng.integers(-300, 300, size=n).astype(float)
    if rng.random() < 0.25:
        pick = rng.random(n) < 0.25
        x[pick] = rng.choice(FLOAT_SPECIALS, size=int(pick.sum()))
    return x


def make_values(rng: np.random.Generator, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    """Native-order, C-contiguous values of ``dtype`` with ``shape``."""
    dt = np.dtype(dtype).newbyteorder("=")
    n = math.prod(shape)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if dt.kind == "f":
            v = float_values(rng, n).astype(dt)
        elif dt.kind == "c":
            v = np.empty(n, dt)
            v.real = float_values(rng, n)
            v.imag = float_values(rng, n) if rng.random() < 0.7 else 0.0
        elif dt.kind in "iu":
            info = np.iinfo(dt)
            if rng.random() < 0.7:
                lo = max(int(info.min), -20)
                v = rng.integers(lo, 21, size=n).astype(dt)
            else:
                v = rng.integers(info.min, info.max, size=n, endpoint=True, dtype=dt)
                pick = rng.random(n) < 0.2
                v[pick] = rng.choice([info.min, info.max], size=int(pick.sum()))
        elif dt.kind == "b":
            v = rng.random(n) < 0.5
        elif dt.kind in "mM":
            if rng.random() < 0.75:
                t = np.cumsum(rng.integers(-20, 40, size=n)) + int(rng.integers(-1000, 1000))
            else:
                t = rng.integers(-(2**62), 2**62, size=n)
            t = t.astype(np.int64)
            if rng.random() < 0.2:
                t[rng.random(n) < 0.3] = NAT
            v = t.view(dt)
        else:  # object: Python ints and floats, now and then None
            items: list[Any] = []
            for _ in range(n):
                r = rng.random()
                items.append(
                    int(rng.integers(-9, 10))
                    if r < 0.5
                    else (None if r > 0.98 else float(rng.standard_normal()))
                )
            v = np.empty(n, dtype=object)
            v[:] = items
    return contig(v.reshape(shape))


def pick_shape(rng: np.random.Generator) -> tuple[int, ...]:
    ndim = choose(rng, [0, 1, 2, 3, 4, 33], [7, 33, 30, 16, 12, 2])
    if ndim == 33:
        shape = [1] * 33
        for ax in rng.choice(33, size=int(rng.integers(1, 4)), replace=False):
            shape[int(ax)] = int(rng.integers(2, 6))
        return tuple(shape)
    return tuple(int(rng.choice(8, p=LENGTH_WEIGHTS)) for _ in range(ndim))


def pick_layout(rng: np.random.Generator, shape: tuple[int, ...], dtype: str) -> tuple[Any, ...]:
    nd = len(shape)
    options = ["C", "F", "perm", "flip", "step", "bcast", "unaligned"]
    kind = choose(rng, options, [45, 10, 10, 10, 12, 6, 7])
    if nd == 0 and kind != "unaligned":
        return ("C",)
    if kind == "perm":
        return ("perm", tuple(int(i) for i in rng.permutation(nd)))
    if kind == "flip":
        k = int(rng.integers(1, nd + 1))
        return ("flip", tuple(sorted(int(i) for i in rng.choice(nd, size=k, replace=False))))
    if kind == "step":
        return ("step", int(rng.integers(2, 4)), bool(rng.random() < 0.4))
    if kind == "bcast":
        big = [i for i, n in enumerate(shape) if n != 1]
        if not big:
            return ("C",)
        return ("bcast", int(choose(rng, big)))
    if kind == "unaligned" and (np.dtype(dtype).itemsize == 1 or np.dtype(dtype).kind == "O"):
        return ("C",)
    return (kind,)


def make_array(
    rng: np.random.Generator,
    dtype: str,
    shape: tuple[int, ...],
    values: np.ndarray | None = None,
    layout: tuple[Any, ...] | None = None,
    swap: float = 0.15,
) -> ArraySpec:
    final = maybe_swap(rng, np.dtype(dtype), swap)
    layout = pick_layout(rng, shape, final) if layout is None else layout
    if layout[0] == "bcast":
        k = layout[1]
        small = tuple(1 if i == k else n for i, n in enumerate(shape))
        vals = (
            make_values(rng, dtype, small)
            if values is None
            else values[(slice(None),) * k + (slice(0, 1),)]
        )
        return ArraySpec(contig(vals), final, ("bcast", shape), rng.random() < 0.05)
    vals = make_values(rng, dtype, shape) if values is None else values
    return ArraySpec(vals, final, layout, bool(rng.random() < 0.05))


def make_data(rng: np.random.Generator, shape: tuple[int, ...]) -> ArraySpec:
    dtype = pick_dtype(rng)
    spec = make_array(rng, dtype, shape)
    kind = np.dtype(dtype).kind
    if len(shape) == 0 and kind not in "mMO" and rng.random() < 0.5:
        container = choose(rng, ["npscalar", "pyscalar"])
        return ArraySpec(spec.values, np.dtype(dtype).str, ("C",), False, container)
    if kind in "fciubO" and math.prod(shape) <= 300 and rng.random() < 0.07:
        return ArraySpec(spec.values, np.dtype(dtype).str, ("C",), False, "list")
    return spec


def make_coords(rng: np.random.Generator, n: int) -> ArraySpec:
    """A 1-D coordinate array for an axis of n samples (sometimes a wrong length or 2-D)."""
    r = rng.random()
    if r < 0.06:
        n = max(0, n + int(choose(rng, [-2, -1, 1, 2])))
    dtype = pick_dtype(rng, coords=True)
    dt = np.dtype(dtype)
    pattern = choose(
        rng,
        ["increasing", "decreasing", "repeated", "uniform", "linspace", "random", "special"],
        [30, 10, 10, 20, 8, 12, 10],
    )
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if dt.kind == "b":
            values = rng.random(n) < 0.5
        elif pattern == "uniform":
            h = choose(rng, [1, 0.5, 0.1, 3, -2, 0.25, 1e-3])
            x = float(rng.integers(-5, 6)) + h * np.arange(n)
            values = x
        elif pattern == "linspace":
            values = np.linspace(float(rng.integers(-5, 1)), float(rng.integers(1, 9)), n)
        else:
            steps = rng.uniform(0.1, 3.0, size=n)
            if dt.kind in "iumM":
                steps = rng.integers(1, 5, size=n).astype(float)
            if pattern == "repeated":
                steps[rng.random(n) < 0.4] = 0.0
            x = np.cumsum(steps) + float(rng.integers(-5, 6))
            if pattern == "decreasing":
                x = x[::-1].copy()
            elif pattern == "random":
                x = rng.permutation(x)
            elif pattern == "special" and n:
                x[int(rng.integers(n))] = choose(rng, [math.nan, math.inf, -math.inf, 1e300])
            values = x
        if dt.kind == "u" and pattern == "decreasing":
            values = 200 - np.arange(n) * 3
        if dt.kind in "mM":
            ticks = np.nan_to_num(np.asarray(values, dtype=float), posinf=1e6, neginf=-1e6)
            ticks = np.round(ticks * 10).astype(np.int64)
            if pattern == "special" and n:
                ticks[int(rng.integers(n))] = NAT
            values = ticks.view(dt.newbyteorder("="))
        elif dt.kind == "O":
            obj = np.empty(n, dtype=object)
            obj[:] = [float(v) for v in np.asarray(values, dtype=float)]
            values = obj
        else:
            values = np.asarray(values).astype(dt.newbyteorder("="))
    values = contig(values)
    if r > 0.97 and n:  # 2-D coordinates
        values = values.reshape((n, 1) if rng.random() < 0.5 else (1, n))
    shape = values.shape
    layout = ("C",)
    if rng.random() < 0.15 and values.ndim:
        layout = choose(
            rng, [("flip", (0,)), ("step", 2, False), ("step", 3, True), ("unaligned",)]
        )
        if layout[0] == "unaligned" and (dt.itemsize == 1 or dt.kind == "O"):
            layout = ("C",)
    spec = make_array(rng, dtype, shape, values=values, layout=layout)
    if dt.kind in "fib" and values.ndim == 1 and rng.random() < 0.1:
        spec = ArraySpec(spec.values, dt.str, ("C",), False, "list")
    return spec


def make_scalar(rng: np.random.Generator) -> Any:
    """One spacing value: a Python or NumPy scalar, or a 0-d array."""
    form = choose(rng, ["python", "numpy", "zero_d", "odd"], [40, 40, 15, 5])
    values: list[Any] = [1, 2, -3, 0, 0.5, 0.1, -1.5, 0.0, -0.0, 2.0, math.nan, math.inf, 1e-310]
    if form == "python":
        extra = [True, False, 1 + 0j, 2 - 1j, 10**20, -math.inf, 3, 0.3]
        return choose(rng, values + extra)
    if form == "odd":
        return choose(rng, [None, "1", [1.0], 10**400, b"1"])
    dtype = pick_dtype(rng)
    dt = np.dtype(dtype)
    v = choose(rng, values)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if dt.kind in "iu":
            v = int(v) if math.isfinite(v) else 1
            if dt.kind == "u":
                v = abs(v)
            arr = np.array(v).astype(dt)
        elif dt.kind in "mM":
            unit = np.datetime_data(dt)[0]
            if dt.kind == "M" and unit == "generic":
                dt = np.dtype("M8[s]")
            ticks = (
                NAT if isinstance(v, float) and math.isnan(v) else int(v) if math.isfinite(v) else 7
            )
            arr = np.array(ticks, dtype=np.int64).view(dt)
        elif dt.kind == "O":
            return v
        else:
            arr = np.array(v).astype(dt)
    if form == "numpy":
        return arr[()]
    return make_array(rng, dtype, (), values=contig(arr), layout=("C",), swap=0.3)


def pick_axis(rng: np.random.Generator, nd: int, shape: tuple[int, ...]) -> tuple[bool, Any]:
    """(given, value) of the axis keyword."""
    form = choose(
        rng,
        ["absent", "None", "int", "negative", "tuple", "dup", "range", "odd"],
        [40, 5, 18, 8, 18, 2, 4, 5],
    )
    if nd == 33 and rng.random() < 0.6:
        return True, tuple(i for i, n in enumerate(shape) if n > 1)
    if form == "absent":
        return False, None
    if form == "None":
        return True, None
    if form == "range" or (nd == 0 and form in ("int", "negative", "dup")):
        return True, choose(rng, [nd, nd + 1, -nd - 1, 40, -70]) if rng.random() < 0.8 else (0, nd)
    if form == "int":
        return True, int(rng.integers(nd))
    if form == "negative":
        return True, int(rng.integers(-nd, 0))
    if form == "tuple":
        k = int(rng.integers(0, nd + 1))
        axes = [int(a) for a in rng.permutation(nd)[:k]]
        return True, tuple(a - nd if rng.random() < 0.3 else a for a in axes)
    if form == "dup":
        a = int(rng.integers(nd))
        return True, (a, a - nd) if rng.random() < 0.5 else (a, a)
    a = int(rng.integers(max(nd, 1)))
    return True, choose(
        rng, [float(a), np.int64(a), np.uint8(a), True, str(a), [a], np.float64(a), np.int8(-1)]
    )


EDGE_ORDERS: list[Any] = [1, 2, 0, 3, None, 1.0, True, np.int64(2), "1", -1, 1.5, 2.0,
                          np.float64(2.0), np.bool_(True), np.uint8(1), False]  # fmt: skip


def make_case(rng: np.random.Generator) -> Case:
    """A random call gradient(f, *varargs, **kwargs)."""
    shape = pick_shape(rng)
    nd = len(shape)
    f = make_data(rng, shape)
    kwargs: list[tuple[str, Any]] = []
    given, axis = pick_axis(rng, nd, shape)
    if given:
        kwargs.append(("axis", axis))
    r = rng.random()
    if r < 0.4:
        pass
    elif r < 0.6:
        kwargs.append(("edge_order", 1))
    elif r < 0.8:
        kwargs.append(("edge_order", 2))
    else:
        kwargs.append(("edge_order", choose(rng, EDGE_ORDERS)))
    if rng.random() < 0.5:
        kwargs.reverse()
    try:
        axes: list[int] | None = list(normalize_axis_tuple(range(nd) if axis is None else axis, nd))
    except Exception:
        axes = None
    lengths = [shape[a] for a in axes] if axes is not None else [int(rng.integers(8))]
    form = choose(rng, ["none", "one", "each", "count"], [30, 25, 38, 7])
    varargs: list[Any] = []
    if form == "one":
        varargs = [make_scalar(rng)]
    elif form == "each" or form == "count":
        if form == "count":
            k = int(rng.integers(0, len(lengths) + 3))
            lengths = [lengths[i % len(lengths)] if lengths else 3 for i in range(k)]
        for n in lengths:
            varargs.append(make_scalar(rng) if rng.random() < 0.35 else make_coords(rng, n))
    return Case(f, tuple(varargs), tuple(kwargs))


# ------------------------------------------------------------------ comparison


@dataclass
class Diff:
    category: str
    detail: str
    numpy_says: str
    ndgrad_says: str


def call(func: Any, f: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, list[Any]]:
    """The result or the exception (BaseException included), and the warnings."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        try:
            res: Any = func(f, *args, **kwargs)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:
            res = e
    return res, [w.category for w in caught]


def canonical_bytes(a: np.ndarray) -> np.ndarray:
    """The bytes of a contiguous copy, every NaN replaced by one NaN."""
    c = np.array(a, copy=True, order="C").reshape(-1)
    if c.dtype.kind == "c":
        c = c.view(np.dtype(f"{c.dtype.byteorder}f{c.dtype.itemsize // 2}"))
    if c.dtype.kind == "f":
        c[np.isnan(c)] = np.nan
    return c.view(np.uint8)


def same_object_values(g: np.ndarray, w: np.ndarray) -> bool:
    for x, y in zip(g.reshape(-1).tolist(), w.reshape(-1).tolist(), strict=True):
        if type(x) is not type(y):
            return False
        if isinstance(x, float) and math.isnan(x) and math.isnan(y):
            continue
        if isinstance(x, float) and np.float64(x).view(np.uint64) != np.float64(y).view(np.uint64):
            return False
        if not x == y:
            return False
    return True


def array_diff(g: Any, w: np.ndarray) -> tuple[str, str] | None:
    if type(g) is not type(w):
        return "array class", f"{type(g).__name__} != {type(w).__name__}"
    if g.dtype.str != w.dtype.str:
        return "dtype", f"{g.dtype.str} != NumPy's {w.dtype.str}"
    if g.shape != w.shape:
        return "shape", f"{g.shape} != NumPy's {w.shape}"
    if w.dtype.kind == "O":
        return None if same_object_values(g, w) else ("values (object)", "")
    if g.dtype.kind in "fc":
        gn = np.isnan(np.asarray(g))
        wn = np.isnan(np.asarray(w))
        if not np.array_equal(gn, wn):
            i = tuple(int(j) for j in np.argwhere(gn != wn)[0])
            return "NaN positions", f"at {i}: {g[i]!r} vs NumPy's {w[i]!r}"
    gb, wb = canonical_bytes(g), canonical_bytes(w)
    if not np.array_equal(gb, wb):
        with np.errstate(all="ignore"):
            bad = np.argwhere(
                (gb.reshape(-1, g.dtype.itemsize) != wb.reshape(-1, g.dtype.itemsize)).any(axis=1)
            )
        k = int(bad[0, 0])
        i = np.unravel_index(k, g.shape) if g.ndim else ()
        i = tuple(int(j) for j in i)
        return "bits", f"{bad.size} elements differ, first at {i}: {g[i]!r} vs NumPy's {w[i]!r}"
    return None


def same_input(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        if a.dtype.str != b.dtype.str or a.shape != b.shape or a.strides != b.strides:
            return False
        if a.dtype.kind == "O":
            return same_object_values(a, b)
        return bool(np.array_equal(canonical_bytes(a), canonical_bytes(b)))
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same_input(x, y) for x, y in zip(a, b, strict=True))
    return repr(a) == repr(b)  # scalars: NaN == NaN, and -0.0 != 0.0


def describe(res: Any) -> str:
    if isinstance(res, BaseException):
        msg = str(res).splitlines()[0] if str(res) else ""
        return f"{type(res).__name__}: {msg[:100]}"
    if isinstance(res, np.ndarray):
        return f"ndarray {res.dtype.str} {res.shape}"
    if isinstance(res, tuple | list):
        return f"{type(res).__name__} of {len(res)}"
    return type(res).__name__


def compare_detail(case: Case) -> Diff | None:
    """The first difference between ndgrad and NumPy on this case, or None."""
    want, wwarn = call(numpy_gradient, *case.build(native_f=case.deliberate))
    f, args, kwargs = case.build()
    got, gwarn = call(ndgrad.gradient, f, args, kwargs)
    ns, gs = describe(want), describe(got)

    def diff(category: str, detail: str = "") -> Diff:
        return Diff(category, detail, ns, gs)

    if not isinstance(got, Exception) and isinstance(got, BaseException):
        return diff(f"panic ({type(got).__name__})", str(got)[:200])
    if isinstance(want, BaseException):
        if not isinstance(got, BaseException):
            return diff(f"NumPy raised {type(want).__name__}, ndgrad returned")
        if type(got) is not type(want):
            return diff(
                f"exception class: ndgrad {type(got).__name__}, NumPy {type(want).__name__}"
            )
    elif isinstance(got, BaseException):
        return diff(f"ndgrad raised {type(got).__name__}, NumPy returned")
    elif type(got) is not type(want):
        return diff("return structure", f"{type(got).__name__} != NumPy's {type(want).__name__}")
    else:
        pairs = list(zip(got, want, strict=False)) if isinstance(want, tuple) else [(got, want)]
        if isinstance(want, tuple) and len(got) != len(want):
            return diff("return structure", f"{len(got)} arrays != NumPy's {len(want)}")
        for k, (g, w) in enumerate(pairs):
            d = array_diff(g, w)
            if d is not None:
                where = f"[{k}] " if isinstance(want, tuple) else ""
                return diff(d[0], where + d[1])
    fresh = case.build()
    if not same_input((f, args, kwargs), fresh):
        return diff("input modified")
    other_w = {c.__name__ for c in gwarn if not issubclass(c, RuntimeWarning)}
    other_nw = {c.__name__ for c in wwarn if not issubclass(c, RuntimeWarning)}
    if other_w != other_nw:
        return diff("warnings", f"ndgrad {sorted(other_w)}, NumPy {sorted(other_nw)}")
    return None


def compare(case: Case) -> str | None:
    """A one-line description of the difference, or None when ndgrad matches NumPy."""
    d = compare_detail(case)
    if d is None:
        return None
    detail = f": {d.detail}" if d.detail else ""
    return f"{d.category}{detail} (NumPy: {d.numpy_says}; ndgrad: {d.ndgrad_says})"


# ------------------------------------------------------------------ shrinking


def _simple_values(spec: ArraySpec) -> ArraySpec | None:
    v = spec.values
    if v.dtype.kind == "b" or v.size == 0:
        return None
    base = (np.arange(v.size) ** 2 % 7).reshape(v.shape)
    if v.dtype.kind in "mM":
        new = base.astype(np.int64).view(v.dtype)
    elif v.dtype.kind == "O":
        new = np.empty(v.shape, object)
        new.reshape(-1)[:] = [int(x) for x in base.reshape(-1)]
    else:
        new = base.astype(v.dtype)
    same = new.tolist() == v.tolist() if v.dtype.kind == "O" else new.tobytes() == v.tobytes()
    return None if same else replace(spec, values=new)


def _spec_variants(spec: ArraySpec) -> list[ArraySpec]:
    out = []
    if spec.container != "array":
        out.append(replace(spec, container="array"))
    if spec.layout != ("C",) and spec.layout[0] != "bcast":
        out.append(replace(spec, layout=("C",)))
    if spec.readonly:
        out.append(replace(spec, readonly=False))
    native = spec.values.dtype.str
    if spec.dtype != native:
        out.append(replace(spec, dtype=native))
    simple = _simple_values(spec)
    if simple is not None:
        out.append(simple)
    return out


def _axes(case: Case) -> list[int] | None:
    kw = dict(case.kwargs)
    nd = np.ndim(case.f.values) if case.f.layout[0] != "bcast" else len(case.f.layout[1])
    try:
        axes = list(normalize_axis_tuple(range(nd) if kw.get("axis") is None else kw["axis"], nd))
    except Exception:
        return None
    return axes if len(axes) == len(case.varargs) else None


def _variants(case: Case) -> list[Case]:
    out: list[Case] = []
    for i, (k, _) in enumerate(case.kwargs):
        if k == "edge_order" or len(case.varargs) <= 1 or case.kwargs[i][1] is None:
            out.append(replace(case, kwargs=case.kwargs[:i] + case.kwargs[i + 1 :]))
    for spec in _spec_variants(case.f):
        out.append(replace(case, f=spec))
    for i, a in enumerate(case.varargs):
        new: list[Any] = []
        if isinstance(a, ArraySpec):
            new = _spec_variants(a)
        elif not (type(a) is float and a == 1.0):
            new = [1.0]
        for x in new:
            out.append(replace(case, varargs=(*case.varargs[:i], x, *case.varargs[i + 1 :])))
    # without a size-1 axis (and its spacing), when every axis is differentiated
    f = case.f
    shape = f.values.shape
    kw = dict(case.kwargs)
    if (
        f.layout[0] not in ("bcast", "perm", "flip")
        and f.container == "array"
        and kw.get("axis") is None
    ):
        for j, n in enumerate(shape):
            if n != 1 or len(shape) < 2:
                continue
            new_f = replace(f, values=contig(f.values.reshape(shape[:j] + shape[j + 1 :])))
            va = case.varargs
            if len(va) == len(shape):
                va = va[:j] + va[j + 1 :]
            out.append(Case(new_f, va, case.kwargs))
    # shorter axes (with their coordinate arrays)
    f = case.f
    if f.layout[0] != "bcast" and f.container in ("array", "list"):
        axes = _axes(case)
        for j, n in enumerate(f.values.shape):
            if n <= 1:
                continue
            sl = (slice(None),) * j + (slice(0, n - 1),)
            new_f = replace(f, values=contig(f.values[sl]))
            va = list(case.varargs)
            if axes is not None:
                for i, ax in enumerate(axes):
                    a = va[i]
                    if ax == j and isinstance(a, ArraySpec) and a.values.shape == (n,):
                        va[i] = replace(a, values=contig(a.values[: n - 1]))
            out.append(Case(new_f, tuple(va), case.kwargs))
    return out


def shrink(case: Case, category: str, budget: int = 400) -> Case:
    """A simpler case with a difference of the same category."""
    tries = 0
    improved = True
    while improved and tries < budget:
        improved = False
        for cand in _variants(case):
            tries += 1
            try:
                d = compare_detail(cand)
            except Exception:
                continue
            if d is not None and d.category == category:
                case, improved = cand, True
                break
            if tries >= budget:
                break
    return case


# ------------------------------------------------------------------ main


def case_rng(seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, index])


def signature(case: Case) -> str:
    """What kind of call: data dtype, spacing forms, edge_order and axis (groups differences)."""
    d = np.dtype(case.f.dtype)
    parts = [("swapped " if not d.isnative else "") + d.name + f"/{case.f.container}"]
    for a in case.varargs:
        if isinstance(a, ArraySpec):
            ad = np.dtype(a.dtype)
            parts.append(f"{'0-d ' if a.values.ndim == 0 else 'x:'}{ad.name}")
        else:
            parts.append(type(a).__name__)
    kw = dict(case.kwargs)
    if "edge_order" in kw:
        parts.append(f"edge_order={kw['edge_order']!r}")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--cases", type=int, default=30000, help="number of random calls (30000)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: random, printed)")
    p.add_argument(
        "--show",
        type=int,
        default=10,
        metavar="K",
        help="print shrunk repro snippets of the first K differences, one per distinct kind (10)",
    )
    p.add_argument("--only", type=int, default=None, help="run only case number I of the seed")
    a = p.parse_args(argv)
    seed = int(np.random.SeedSequence().entropy % 2**32) if a.seed is None else a.seed
    print(f"seed {seed} (replay: scripts/fuzz_numpy.py --seed {seed} --cases {a.cases})")
    t0 = time.perf_counter()
    by_category: collections.Counter[str] = collections.Counter()
    by_kind: collections.Counter[tuple[str, str]] = collections.Counter()
    examples: dict[tuple[str, str], tuple[int, Case, Diff]] = {}
    indices = [a.only] if a.only is not None else range(a.cases)
    run = 0
    for i in indices:
        case = make_case(case_rng(seed, i))
        if a.only is not None:
            print(case.snippet())
        d = compare_detail(case)
        run += 1
        if d is not None:
            by_category[d.category] += 1
            kind = (d.category, signature(case))
            by_kind[kind] += 1
            examples.setdefault(kind, (i, case, d))
        if a.only is None and (i + 1) % 5000 == 0:
            print(f"  {i + 1} cases, {sum(by_category.values())} differences, "
                  f"{time.perf_counter() - t0:.1f} s", flush=True)  # fmt: skip
    elapsed = time.perf_counter() - t0
    total = sum(by_category.values())
    print(f"\n{run} cases, {total} differences, {elapsed:.1f} s (seed {seed})")
    for cat, n in by_category.most_common():
        print(f"  {n:6d}  {cat}")
        for (c, sig), m in by_kind.most_common():
            if c == cat:
                print(f"          {m:5d}  {sig}   (case {examples[(c, sig)][0]})")
    ordered = sorted(examples.items(), key=lambda kv: kv[1][0])
    firsts: dict[str, Any] = {}
    for item in ordered:
        firsts.setdefault(item[0][0], item)
    picks = list(firsts.values())
    picks += [item for item in ordered if item not in picks]
    for count, (_kind, (i, case, d)) in enumerate(picks[: a.show], start=1):
        small = shrink(case, d.category)
        sd = compare_detail(small) or d
        print(f"\n--- difference {count}: {d.category} (case {i}, seed {seed}; shrunk)")
        if sd.detail:
            print(f"# {sd.detail}")
        print(small.snippet(sd.numpy_says, sd.ndgrad_says))
        if small.deliberate:
            print(
                "# (byte-swapped datetime64: the reference is np.gradient(f.astype(native order)))"
            )
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
