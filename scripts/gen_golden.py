#!/usr/bin/env python3
"""Golden reference data for ndgrad's core tests, computed by numpy.gradient.

    python scripts/gen_golden.py           # (re)write crates/ndgrad/tests/data/golden.{npz,json}
    python scripts/gen_golden.py --check   # recompute every stored case with the installed
                                           # NumPy and compare bit for bit (exit 1 on any diff)

Every case is a call `np.gradient(f, *spacing, axis=axes, edge_order=e)`.
To keep the data small, arrays are stored flat, one array per dtype and role
(`in_<dtype>`, `out_<dtype>`, `sp_<dtype>`), and `golden.json` lists the
cases with offsets into them. float16 arrays are stored as their uint16 bits
(ndarray-npy has no float16).

Spacing forms (per axis):
  unit                      no spacing argument (NumPy's weak 1.0)
  weak   dtype float64|int64  a Python float / int
  strong dtype D              a NumPy scalar of dtype D
  coords dtype D              a 1-D coordinate array of dtype D
"""

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "crates" / "ndgrad" / "tests" / "data"

DTYPES = [
    "float64",
    "float32",
    "float16",
    "complex128",
    "complex64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "timedelta64[s]",
]

# (kind, dtype, generator name)
SPACINGS = [
    ("unit", None, None),
    ("weak", "float64", "step"),
    ("weak", "float64", "awkward"),  # 1.1, 0.3: not representable in f32/f16
    ("weak", "int64", "int"),
    ("weak", "float64", "zero"),
    ("strong", "float64", "step"),
    ("strong", "float64", "awkward"),
    ("strong", "float64", "negative"),
    ("strong", "float32", "awkward"),
    ("strong", "float16", "awkward"),
    ("strong", "int8", "int"),
    ("strong", "int16", "int"),
    ("strong", "int64", "int"),
    ("strong", "uint8", "int"),
    ("coords", "float64", "irregular"),
    ("coords", "float32", "irregular"),
    ("coords", "float16", "irregular"),
    ("coords", "int64", "irregular"),
    ("coords", "uint8", "decreasing"),
    ("coords", "float64", "uniform"),  # exactly equal steps: NumPy collapses
    ("coords", "float32", "uniform"),
    ("coords", "int32", "uniform"),
    ("coords", "float64", "linspace"),  # nearly equal steps: does not collapse
    ("coords", "float64", "nan"),
    ("coords", "float64", "repeat"),  # a zero step
]

SHAPES = [(6,), (2,), (3,), (4, 5), (3, 2, 4), (7,), (2, 3), (5, 3)]


def storage(dtype):
    """The dtype an array of `dtype` is stored as in the npz."""
    if dtype == "float16":
        return "uint16"
    if dtype.startswith("timedelta64"):
        return "int64"
    return dtype


def make_data(rng, dtype, shape):
    dt = np.dtype(dtype)
    n = int(np.prod(shape))
    if dt.kind == "m":
        ticks = rng.integers(-(10**6), 10**6, size=n)
        huge = rng.integers(-(2**62), 2**62, size=n)
        ticks = np.where(rng.random(n) < 0.15, huge, ticks)
        ticks[rng.random(n) < 0.1] = np.iinfo(np.int64).min  # NaT
        return ticks.astype(np.int64).view(dt).reshape(shape)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        wide = rng.integers(info.min, info.max, size=n, endpoint=True, dtype=dt)
        small = rng.integers(max(info.min, -50), min(info.max, 50), size=n, endpoint=True).astype(
            dt
        )
        return np.where(rng.random(n) < 0.3, wide, small).reshape(shape)

    real = dt.type(0).real.dtype
    finfo = np.finfo(real)

    def part():
        x = rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, size=n)
        specials = np.array(
            [
                np.nan,
                np.inf,
                -np.inf,
                0.0,
                -0.0,
                float(finfo.max) / 1.5,
                -float(finfo.max) / 1.5,
                float(finfo.smallest_subnormal) * 3,
            ]
        )
        pick = rng.random(n) < 0.12
        x[pick] = rng.choice(specials, size=int(pick.sum()))
        with np.errstate(all="ignore"):
            return x.astype(real)

    if dt.kind == "c":
        z = np.empty(n, dtype=dt)  # not `re + 1j*im`: 1j * inf has a NaN real part
        z.real, z.imag = part(), part()
        return z.reshape(shape)
    return part().reshape(shape)


def make_tiny(rng, dtype, shape):
    """Complex data whose products with a coefficient underflow to zero:
    tiny and subnormal parts of both signs, signed zeros, a few ordinary and
    huge values (issue 15, defect 1: the sign of such zeros is NumPy's)."""
    dt = np.dtype(dtype)
    real = dt.type(0).real.dtype
    finfo = np.finfo(real)
    n = int(np.prod(shape))
    tiny = float(finfo.smallest_subnormal)

    def part():
        mags = np.array([tiny, 3 * tiny, 1e3 * tiny, float(finfo.smallest_normal), 1e-3, 1.0])
        x = rng.choice(mags, size=n) * rng.choice([-1.0, 1.0], size=n)
        x[rng.random(n) < 0.25] = 0.0
        x[rng.random(n) < 0.25] = -0.0
        x[rng.random(n) < 0.05] = float(finfo.max) / 3 * rng.choice([-1.0, 1.0])
        return x.astype(real)

    z = np.empty(n, dtype=dt)
    z.real, z.imag = part(), part()
    return z.reshape(shape)


# Spacings for the tiny complex cases: coefficients near 1 (coordinates, of
# every kind NumPy converts), and tiny or huge steps (a huge step gives tiny
# second-order edge coefficients).
TINY_SPACINGS = [
    ("unit", None, None),
    ("coords", "uint64", "increasing"),
    ("coords", "int64", "irregular"),
    ("coords", "float64", "irregular"),
    ("coords", "float32", "irregular"),
    ("weak", "float64", "tiny"),
    ("strong", "float64", "tiny"),
    ("weak", "float64", "huge"),
    ("strong", "float64", "huge"),
    ("strong", "float32", "awkward"),
]


def make_spacing(rng, kind, dtype, gen, length):
    """Returns (the value numpy.gradient is called with, the value stored)."""
    if kind == "unit":
        return None, None
    if kind in ("weak", "strong"):
        if gen == "step":
            v = float(rng.choice([0.5, 2.0, 0.25, 4.0]))
        elif gen == "awkward":
            v = float(rng.choice([0.1, 0.3, 1.1, 0.7, 3.3]))
        elif gen == "negative":
            v = -0.3
        elif gen == "zero":
            v = 0.0
        elif gen == "tiny":
            v = float(rng.choice([1e-300, 2.5e-310, 3e-320, -7e-305]))
        elif gen == "huge":
            v = float(rng.choice([1e300, 3.5e307, -2e305]))
        else:  # int
            v = int(rng.choice([2, 3, 7]))
        if kind == "weak":
            return (int(v) if dtype == "int64" else float(v)), np.array([v], dtype=dtype)
        s = np.dtype(dtype).type(v)
        return s, np.array([s], dtype=dtype)
    # coordinates
    dt = np.dtype(dtype)
    if gen == "irregular":
        steps = rng.uniform(0.2, 3.0, size=length)
        x = np.cumsum(steps) - 2.0
        if dt.kind in "iu":
            x = np.cumsum(rng.integers(1, 5, size=length)) - 3
    elif gen == "increasing":
        x = np.cumsum(rng.integers(1, 9, size=length)) + 2**40
    elif gen == "decreasing":
        x = 250 - np.cumsum(rng.integers(1, 9, size=length))
    elif gen == "uniform":
        x = 1.0 + 0.25 * np.arange(length) if dt.kind == "f" else 3 * np.arange(length) - 4
    elif gen == "linspace":
        x = np.linspace(0.0, 1.0, length)
    elif gen == "nan":
        x = np.cumsum(rng.uniform(0.2, 3.0, size=length))
        x[rng.integers(0, length)] = np.nan
    elif gen == "repeat":
        x = np.cumsum(rng.uniform(0.2, 3.0, size=length))
        if length > 1:
            i = int(rng.integers(1, length))
            x[i] = x[i - 1]
    else:
        raise ValueError(gen)
    x = np.asarray(x).astype(dt)
    return x, x


def call_numpy(f, spacing_args, axes, edge_order):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        r = np.gradient(f, *spacing_args, axis=tuple(axes), edge_order=edge_order)
    return [r] if len(axes) == 1 else list(r)


def spacing_arg(kind, dtype, stored):
    """Rebuild the numpy.gradient argument from the stored value."""
    if kind == "unit":
        return None
    if kind == "weak":
        return int(stored[0]) if dtype == "int64" else float(stored[0])
    if kind == "strong":
        return stored[0]
    return stored


class Store:
    """Flat per-key arrays and offsets into them."""

    def __init__(self):
        self.parts = {}
        self.sizes = {}

    def add(self, key, array):
        flat = np.ascontiguousarray(array).reshape(-1)
        if flat.dtype == np.float16:
            flat = flat.view(np.uint16)
        elif flat.dtype.kind == "m":
            flat = flat.view(np.int64)
        off = self.sizes.get(key, 0)
        self.parts.setdefault(key, []).append(flat)
        self.sizes[key] = off + flat.size
        return off

    def arrays(self):
        return {k: np.concatenate(v) for k, v in self.parts.items()}


def generate():
    rng = np.random.default_rng(20261122)
    store = Store()
    cases = []
    skipped = 0
    i = 0
    for dtype in DTYPES:
        for kind, sdtype, gen in SPACINGS:
            for edge_order in (1, 2):
                if gen == "zero" and edge_order == 2:
                    # Python's own `-1.5 / 0.0` raises ZeroDivisionError in NumPy's code.
                    continue
                shape = SHAPES[i % len(SHAPES)]
                i += 1
                if edge_order == 2 and min(shape) < 3:
                    shape = tuple(max(3, s) for s in shape)
                ndim = len(shape)
                # All axes, or a permuted subset for N-D inputs.
                if ndim > 1 and i % 3 == 0:
                    axes = [int(a) for a in rng.permutation(ndim)[: rng.integers(1, ndim + 1)]]
                else:
                    axes = list(range(ndim))
                f = make_data(rng, dtype, shape)
                specs, args = [], []
                for j, ax in enumerate(axes):
                    # The case's spacing form on the first axis; a random one elsewhere.
                    k, d, g = (
                        (kind, sdtype, gen) if j == 0 else SPACINGS[rng.integers(len(SPACINGS))]
                    )
                    if g == "zero" and edge_order == 2:
                        k, d, g = "strong", "float64", "step"
                    arg, stored = make_spacing(rng, k, d, g, shape[ax])
                    spec = {"kind": k}
                    if stored is not None:
                        spec["dtype"] = d
                        spec["offset"] = store.add("sp_" + storage(d), stored)
                        spec["len"] = int(stored.size)
                    specs.append(spec)
                    args.append(arg)
                if all(s["kind"] == "unit" for s in specs):
                    args = []
                elif any(s["kind"] == "unit" for s in specs):
                    args = [1.0 if a is None else a for a in args]
                try:
                    outs = call_numpy(f, args, axes, edge_order)
                except TypeError:
                    # e.g. a timedelta64 divided by a float16 step: NumPy has no loop.
                    skipped += 1
                    continue
                out_dtype = str(outs[0].dtype)
                cases.append(
                    {
                        "dtype": dtype,
                        "shape": list(shape),
                        "input": store.add("in_" + storage(dtype), f),
                        "axes": axes,
                        "edge_order": edge_order,
                        "spacing": specs,
                        "out_dtype": out_dtype,
                        "outputs": [store.add("out_" + storage(out_dtype), o) for o in outs],
                    }
                )
    # Complex data with products that underflow to signed zeros (issue 15).
    for dtype in ("complex128", "complex64"):
        for kind, sdtype, gen in TINY_SPACINGS:
            for edge_order in (1, 2):
                for shape in ((6,), (3,), (4, 5), (5, 3), (67,), (3, 70)):
                    if edge_order == 2 and min(shape) < 3:
                        continue
                    ndim = len(shape)
                    axes = list(range(ndim)) if ndim == 1 or i % 2 else [ndim - 1, 0]
                    i += 1
                    f = make_tiny(rng, dtype, shape)
                    specs, args = [], []
                    for ax in axes:
                        arg, stored = make_spacing(rng, kind, sdtype, gen, shape[ax])
                        spec = {"kind": kind}
                        if stored is not None:
                            spec["dtype"] = sdtype
                            spec["offset"] = store.add("sp_" + storage(sdtype), stored)
                            spec["len"] = int(stored.size)
                        specs.append(spec)
                        args.append(arg)
                    if kind == "unit":
                        args = []
                    outs = call_numpy(f, args, axes, edge_order)
                    out_dtype = str(outs[0].dtype)
                    cases.append(
                        {
                            "dtype": dtype,
                            "shape": list(shape),
                            "input": store.add("in_" + storage(dtype), f),
                            "axes": axes,
                            "edge_order": edge_order,
                            "spacing": specs,
                            "out_dtype": out_dtype,
                            "outputs": [store.add("out_" + storage(out_dtype), o) for o in outs],
                            "fma": NUMPY_FMA,
                        }
                    )
    print(f"{skipped} spacing/dtype combinations NumPy rejects were skipped")
    return cases, store.arrays()


def numpy_fuses_complex_multiply():
    """Whether this NumPy's complex `multiply` loop fuses its multiply-adds
    (its AVX2/FMA3, AVX-512 and ASIMD builds do; the baseline x86-64 build
    does not). Only the sign of zero products differs: the tiny complex cases
    are marked `"fma": <this>` so that tests on a CPU where NumPy would not
    fuse can skip them."""
    a = np.array([1e-200] * 8)
    z = np.array([-1e-200 - 1e-200j] * 8)
    # Exact product -1e-400 + (+0 * -1e-200 = -0): fused keeps -0, unfused -0 - -0 = +0.
    return bool(np.signbit((a * z).real[0]))


NUMPY_FMA = numpy_fuses_complex_multiply()


def load(key, arrays, dtype, offset, count):
    a = arrays[key][offset : offset + count]
    if dtype == "float16":
        return a.view(np.float16)
    if dtype.startswith("timedelta64"):
        return a.view(dtype)
    return a


def check():
    arrays = dict(np.load(DATA / "golden.npz"))
    cases = json.loads((DATA / "golden.json").read_text())["cases"]
    bad = 0
    for n, c in enumerate(cases):
        shape = tuple(c["shape"])
        f = load("in_" + storage(c["dtype"]), arrays, c["dtype"], c["input"], int(np.prod(shape)))
        f = f.reshape(shape)
        args = []
        for s in c["spacing"]:
            if s["kind"] == "unit":
                args.append(None)
                continue
            stored = load("sp_" + storage(s["dtype"]), arrays, s["dtype"], s["offset"], s["len"])
            args.append(spacing_arg(s["kind"], s["dtype"], stored))
        if all(a is None for a in args):
            args = []
        else:
            args = [1.0 if a is None else a for a in args]
        outs = call_numpy(f, args, c["axes"], c["edge_order"])
        for o, off in zip(outs, c["outputs"], strict=True):
            want = load("out_" + storage(c["out_dtype"]), arrays, c["out_dtype"], off, o.size)
            if (
                str(o.dtype) != c["out_dtype"]
                or o.reshape(-1).tobytes() != want.view(o.dtype).tobytes()
            ):
                bad += 1
                print(f"case {n} differs: {c}", file=sys.stderr)
    print(f"golden check: {len(cases)} cases, {bad} differ (numpy {np.__version__})")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--check", action="store_true", help="verify the stored data against NumPy")
    args = ap.parse_args()
    if args.check:
        return check()
    cases, arrays = generate()
    DATA.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(DATA / "golden.npz", **arrays)
    meta = {"numpy": np.__version__, "generator": "scripts/gen_golden.py", "cases": cases}
    (DATA / "golden.json").write_text(json.dumps(meta, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} cases with numpy {np.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
