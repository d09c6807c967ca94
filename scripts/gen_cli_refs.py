#!/usr/bin/env python3
"""Reference data for the `ndgrad` command-line tests, computed by NumPy.

    python scripts/gen_cli_refs.py          # (re)write crates/ndgrad-cli/tests/data/
    python scripts/gen_cli_refs.py --check  # recompute every expected output with the
                                            # installed NumPy; exit 1 on any difference

Writes input files (.npy of every dtype and layout, .npz, CSV, PNG, coordinate
files), the expected outputs (`expected/<case>.npy|.npz`, made by
numpy.gradient on the same inputs) and `cases.json`, the command line of each
case. Cases beyond NumPy (`--accuracy` 4 to 8, periodic axes at those
accuracies, `derivative` and `laplacian`) take their expected outputs from the
`ndgrad` Python package (`magnitude`, `div` and `curl` at NumPy's schemes are
NumPy's expressions on `numpy.gradient`'s results);
`--accuracy 2` is NumPy's `edge_order=2`, and a periodic axis at accuracy
2 or NumPy's default is `numpy.gradient` of the wrap-padded array,
trimmed. In `cases.json`, `{data}` stands for the data directory and
`{out}` for the test's scratch directory. A case with `ulps` (only the gradient
direction, atan2, which neither NumPy nor the C library rounds correctly)
allows that many units in the last place; every other case is compared bit
for bit. A CSV output's expected values are stored as a 2-D float64 .npy of
its numeric cells.
"""

import argparse
import json
import struct
import sys
import tempfile
import zlib
from pathlib import Path

import ndgrad
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "crates" / "ndgrad-cli" / "tests" / "data"


def png(path: Path, pixels: np.ndarray, color_type: int) -> None:
    """A minimal PNG writer (no Pillow needed): 8- or 16-bit, no interlace."""
    h, w = pixels.shape[:2]
    depth = 16 if pixels.dtype == np.uint16 else 8
    raw = pixels.astype(">u2" if depth == 16 else "u1").reshape(h, -1)
    rows = b"".join(b"\x00" + row.tobytes() for row in raw)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def luma(px: np.ndarray) -> np.ndarray:
    """What `ndgrad edges` reads from a colour pixel (ITU-R 601 luma, float64)."""
    p = px.astype(np.float64)
    return 0.299 * p[..., 0] + 0.587 * p[..., 1] + 0.114 * p[..., 2]


def make_inputs(d: Path) -> dict[str, np.ndarray]:
    """Writes the input files; returns the arrays by file name."""
    rng = np.random.default_rng(2026)
    arrays: dict[str, np.ndarray] = {}

    def save(name: str, a: np.ndarray) -> None:
        np.save(d / name, a)
        arrays[name] = a

    base = rng.standard_normal((7, 9))
    save("f64_c.npy", base)
    save("f64_f.npy", np.asfortranarray(rng.standard_normal((6, 5, 4))))
    save("f64_be.npy", base.astype(">f8"))
    save("f32_c.npy", (base * 3).astype(np.float32))
    save("f32_be_f.npy", np.asfortranarray((base * 2).astype(">f4")))
    save("f16_c.npy", (base * 4).astype(np.float16))
    save("c64.npy", (base + 1j * base[::-1]).astype(np.complex64))
    save("c128.npy", base[:, :5] - 2j * base[:, 4:])
    save("i8.npy", rng.integers(-100, 100, (5, 6)).astype(np.int8))
    save("u16_be.npy", rng.integers(0, 60000, (8,)).astype(">u2"))
    save("i64.npy", rng.integers(-(2**40), 2**40, (4, 3, 5)))
    save("u64.npy", rng.integers(0, 2**63, (6,), dtype=np.uint64) * 2)
    save("nan.npy", np.array([1.0, np.nan, 3.0, np.inf, 2.0, -np.inf, 0.5]))
    save("long.npy", np.cumsum(rng.standard_normal((64, 50)), axis=0))
    # Coordinates.
    xs = np.cumsum(rng.uniform(0.1, 1.0, 7))
    save("x7.npy", xs)
    with open(d / "x7.csv", "w") as fh:
        fh.write("i,x\n" + "".join(f"{i},{v!r}\n" for i, v in enumerate(xs.tolist())))
    save("x9_f32.npy", np.linspace(0, 2, 9, dtype=np.float32) ** 2)
    save("x7_int.npy", np.array([0, 2, 3, 7, 8, 12, 20], dtype=np.int32))
    # Equally spaced except at the very end: slabs see uniform runs.
    # (A step of 3, not a power of two: the uniform and non-uniform formulas
    # round differently, so a slab that collapsed to a step would show.)
    x64 = np.arange(64, dtype=np.float64) * 3.0
    x64[-1] += 1.5
    save("x64.npy", x64)
    # Coordinates of a periodic axis of 50 samples (long.npy's axis 1), span
    # below 80; a generator of its own keeps the other inputs unchanged.
    # long.npy as big-endian float32 in Fortran order: streamed along axis 1.
    save("long_f32_be_f.npy", np.asfortranarray(arrays["long.npy"].astype(">f4")))
    save("x50.npy", np.cumsum(np.random.default_rng(50).uniform(0.5, 1.5, 50)))
    # Vector fields for `div` and `curl`, from a generator of their own:
    # a 2-D companion of long.npy, and 3-D components as files and as a .npz.
    rv = np.random.default_rng(13)
    save("long_v.npy", np.cumsum(rv.standard_normal((64, 50)), axis=1))
    u3, v3, w3 = (rv.standard_normal((9, 7, 8)) for _ in range(3))
    save("u3.npy", u3)
    save("v3.npy", v3)
    save("w3.npy", w3)
    np.savez(d / "field3.npz", w=w3, u=u3, v=v3)
    save("u3_f32.npy", u3.astype(np.float32))
    save("short3.npy", u3[:, :, :1].copy())
    # Not numbers.
    np.save(d / "strings.npy", np.array(["a", "bc"]))
    np.save(d / "bools.npy", np.array([True, False]))
    np.savez(d / "pair.npz", pressure=base, temperature=base.T.copy())
    np.savez_compressed(d / "pair_z.npz", pressure=base, temperature=base.T.copy())
    # CSV: positions over time, with a header; and a headerless table.
    t = np.linspace(0.0, 3.0, 31)
    s = 5 * t**2 + 2 * t + 1
    h = np.sqrt(t + 1.0)
    with open(d / "track.csv", "w") as fh:
        fh.write("# sampled positions\nt,s,h\n")
        for row in zip(t, s, h, strict=True):
            fh.write(",".join(repr(float(v)) for v in row) + "\n")
    arrays["track.csv"] = np.stack([t, s, h], axis=1)
    plain = rng.standard_normal((12, 2))
    with open(d / "plain.csv", "w") as fh:
        for row in plain:
            fh.write(",".join(repr(float(v)) for v in row) + "\n")
    arrays["plain.csv"] = plain
    # Images: a gray step edge with noise, RGB, RGBA and 16-bit gray.
    img = np.where(np.arange(40)[None, :] < 20, 50, 200) + rng.integers(0, 20, (30, 40))
    png(d / "gray8.png", img.astype(np.uint8), 0)
    arrays["gray8.png"] = img.astype(np.float64)
    rgb = rng.integers(0, 256, (20, 24, 3)).astype(np.uint8)
    png(d / "rgb8.png", rgb, 2)
    arrays["rgb8.png"] = luma(rgb)
    rgba = rng.integers(0, 256, (16, 16, 4)).astype(np.uint8)
    png(d / "rgba8.png", rgba, 6)
    arrays["rgba8.png"] = luma(rgba)
    g16 = rng.integers(0, 65536, (10, 12)).astype(np.uint16)
    png(d / "gray16.png", g16, 0)
    arrays["gray16.png"] = g16.astype(np.float64)
    return arrays


def cases(a: dict[str, np.ndarray]) -> list[dict]:
    """Each case: id, args, the output file name, and the expected arrays."""
    g = np.gradient
    out: list[dict] = []

    def case(cid: str, args: list[str], output: str, expect, ulps: int = 0) -> None:
        c = {"id": cid, "args": args, "output": output, "expect": expect}
        if ulps:
            c["ulps"] = ulps
        out.append(c)

    def grad(cid, src, output, *extra, expect):
        case(cid, ["grad", "{data}/" + src, "-o", "{out}/" + output, *extra], output, expect)

    def axes(res):
        res = res if isinstance(res, (list, tuple)) else [res]
        return {f"axis{k}": r for k, r in enumerate(res)}

    # Every dtype and layout, all axes, to .npz.
    for name in [
        "f64_c.npy",
        "f64_f.npy",
        "f64_be.npy",
        "f32_c.npy",
        "f32_be_f.npy",
        "f16_c.npy",
        "c64.npy",
        "c128.npy",
        "i8.npy",
        "u16_be.npy",
        "i64.npy",
        "u64.npy",
        "nan.npy",
    ]:
        stem = name.removesuffix(".npy")
        grad(f"all_{stem}", name, "g.npz", expect=axes(g(a[name])))
        grad(
            f"all2_{stem}",
            name,
            "g.npz",
            "--edge-order",
            "2",
            expect=axes(g(a[name], edge_order=2)),
        )
    # Axis forms and spacing forms.
    f = a["f64_c.npy"]
    grad("axis1_npy", "f64_c.npy", "d1.npy", "--axis", "1", expect={"": g(f, axis=1)})
    grad(
        "axis_neg",
        "f64_c.npy",
        "d.npy",
        "--axis=-1",
        "--spacing",
        "0.5",
        expect={"": g(f, 0.5, axis=-1)},
    )
    grad(
        "spacing_per_axis",
        "f32_c.npy",
        "g.npz",
        "--spacing",
        "0.1,3",
        expect={"axis0": g(a["f32_c.npy"], 0.1, 3)[0], "axis1": g(a["f32_c.npy"], 0.1, 3)[1]},
    )
    grad(
        "spacing_int_f16", "f16_c.npy", "g.npz", "--spacing", "3", expect=axes(g(a["f16_c.npy"], 3))
    )
    grad(
        "coords_npy",
        "f64_c.npy",
        "g.npz",
        "--coords",
        "0={data}/x7.npy",
        "--edge-order",
        "2",
        expect=axes(g(f, a["x7.npy"], 1.0, edge_order=2)),
    )
    grad(
        "coords_both",
        "f32_c.npy",
        "g.npz",
        "--coords",
        "0={data}/x7_int.npy",
        "--coords",
        "1={data}/x9_f32.npy",
        expect=axes(g(a["f32_c.npy"], a["x7_int.npy"], a["x9_f32.npy"])),
    )
    grad(
        "coords_csv",
        "f64_c.npy",
        "d0.npy",
        "--axis",
        "0",
        "--coords",
        "0={data}/x7.csv:x",
        expect={"": g(f, a["x7.npy"], axis=0)},
    )
    grad(
        "coords_slab_uniform_runs",
        "long.npy",
        "d0.npy",
        "--axis",
        "0",
        "--coords",
        "0={data}/x64.npy",
        "--edge-order",
        "2",
        expect={"": g(a["long.npy"], a["x64.npy"], axis=0, edge_order=2)},
    )
    # Streamed through a memory map in small slabs: NumPy's bits all the same.
    grad(
        "stream_coords",
        "long.npy",
        "g.npz",
        "--coords",
        "0={data}/x64.npy",
        "--edge-order",
        "2",
        "--memory",
        "16KiB",
        expect=axes(g(a["long.npy"], a["x64.npy"], 1.0, edge_order=2)),
    )
    grad(
        "stream_fortran_be",
        "f32_be_f.npy",
        "g.npz",
        "--memory",
        "512B",
        expect=axes(g(a["f32_be_f.npy"])),
    )
    grad(
        "stream_f16",
        "f16_c.npy",
        "d0.npy",
        "--axis",
        "0",
        "--memory",
        "240B",
        expect={"": g(a["f16_c.npy"], axis=0)},
    )

    # Beyond NumPy: higher accuracy, periodic axes.
    def native(r):
        """Results in native byte order, as `ndgrad` writes them."""
        if isinstance(r, (list, tuple)):
            return [native(x) for x in r]
        return r.astype(r.dtype.newbyteorder("="))

    def wrap(f, *spacing, axes=None, period=None, **kw):
        """NumPy's gradient of `f` wrap-padded along `axes` (default: all),
        trimmed: a periodic axis at accuracy 2 or NumPy's default. A
        coordinate array in `spacing` is padded with `x[-1] - period` and
        `x[0] + period`."""
        axes = range(f.ndim) if axes is None else axes
        pad = [(1, 1) if k in axes else (0, 0) for k in range(f.ndim)]
        sp = [
            np.concatenate([[x[-1] - period], x, [x[0] + period]])
            if isinstance(x, np.ndarray) and x.ndim == 1 and k in axes
            else x
            for k, x in enumerate(spacing)
        ]
        res = g(np.pad(f, pad, mode="wrap"), *sp, **kw)
        res = res if isinstance(res, (list, tuple)) else [res]
        trim = tuple(slice(1, -1) if k in axes else slice(None) for k in range(f.ndim))
        return [r[trim] for r in res]

    nd = ndgrad.gradient
    L, F32 = a["long.npy"], a["f32_c.npy"]
    grad("acc2_is_edge2", "f64_c.npy", "g.npz", "--accuracy", "2", expect=axes(g(f, edge_order=2)))
    grad("acc4", "f64_c.npy", "g.npz", "--accuracy", "4", expect=axes(nd(f, accuracy=4)))
    grad("acc8", "long.npy", "g.npz", "--accuracy", "8", expect=axes(nd(L, accuracy=8)))
    grad("acc4_f32", "f32_c.npy", "g.npz", "--accuracy", "4", expect=axes(nd(F32, accuracy=4)))
    grad(
        "acc6_coords_both",
        "f32_c.npy",
        "g.npz",
        "--coords",
        "0={data}/x7_int.npy",
        "--coords",
        "1={data}/x9_f32.npy",
        "--accuracy",
        "6",
        expect=axes(nd(F32, a["x7_int.npy"], a["x9_f32.npy"], accuracy=6)),
    )
    grad(
        "periodic_step",
        "f64_c.npy",
        "g.npz",
        "--boundary",
        "periodic",
        "--spacing",
        "0.5",
        expect=axes(wrap(f, 0.5)),
    )
    grad(
        "periodic_coords",
        "f64_c.npy",
        "d0.npy",
        "--axis",
        "0",
        "--coords",
        "0={data}/x7.npy",
        "--boundary",
        "periodic",
        "--period",
        "0=10",
        expect={"": wrap(f, a["x7.npy"], axes=[0], period=10.0, axis=0)[0]},
    )
    grad(
        "periodic_axis1_only",
        "f64_c.npy",
        "g.npz",
        "--boundary",
        "1=periodic",
        expect={"axis0": g(f, axis=0), "axis1": wrap(f, axes=[1], axis=1)[0]},
    )
    grad("periodic_f32", "f32_c.npy", "g.npz", "--boundary", "periodic", expect=axes(wrap(F32)))
    grad(
        "acc4_periodic_f32",
        "f32_c.npy",
        "g.npz",
        "--accuracy",
        "4",
        "--boundary",
        "periodic",
        expect=axes(nd(F32, accuracy=4, boundary="periodic")),
    )
    grad(
        "acc4_periodic_axis0_only",
        "f64_c.npy",
        "g.npz",
        "--accuracy",
        "4",
        "--boundary",
        "periodic",
        "--boundary",
        "1=one-sided",
        expect=axes(nd(f, accuracy=4, boundary=["periodic", "one-sided"])),
    )
    grad(
        "acc6_periodic_coords",
        "f64_c.npy",
        "d0.npy",
        "--axis",
        "0",
        "--coords",
        "0={data}/x7.npy",
        "--accuracy",
        "6",
        "--boundary",
        "0=periodic",
        "--period",
        "0=10",
        expect={"": nd(f, a["x7.npy"], axis=0, accuracy=6, boundary="periodic", period=10.0)},
    )
    # The same through streaming: slabs with halos from the core's reach,
    # wrapped around the ends on a periodic slab axis.
    grad(
        "stream_acc8",
        "long.npy",
        "g.npz",
        "--accuracy",
        "8",
        "--memory",
        "24KiB",
        expect=axes(nd(L, accuracy=8)),
    )
    grad(
        "stream_acc4_coords",
        "long.npy",
        "g.npz",
        "--coords",
        "0={data}/x64.npy",
        "--accuracy",
        "4",
        "--memory",
        "16KiB",
        expect=axes(nd(L, a["x64.npy"], 1.0, accuracy=4)),
    )
    grad(
        "stream_periodic",
        "long.npy",
        "g.npz",
        "--boundary",
        "periodic",
        "--edge-order",
        "2",
        "--memory",
        "16KiB",
        expect=axes(wrap(L, edge_order=2)),
    )
    grad(
        "stream_acc4_periodic",
        "long.npy",
        "g.npz",
        "--accuracy",
        "4",
        "--boundary",
        "periodic",
        "--spacing",
        "0.25",
        "--memory",
        "16KiB",
        expect=axes(nd(L, 0.25, accuracy=4, boundary="periodic")),
    )
    grad(
        "stream_acc8_periodic_axis0",
        "long.npy",
        "d0.npy",
        "--axis",
        "0",
        "--accuracy",
        "8",
        "--boundary",
        "periodic",
        "--memory",
        "16KiB",
        expect={"": nd(L, axis=0, accuracy=8, boundary="periodic")},
    )
    grad(
        "stream_acc6_periodic_coords_axis1",
        "long.npy",
        "g.npz",
        "--coords",
        "1={data}/x50.npy",
        "--boundary",
        "1=periodic",
        "--period",
        "1=80",
        "--accuracy",
        "6",
        "--memory",
        "16KiB",
        expect=axes(
            nd(
                L,
                1.0,
                a["x50.npy"],
                accuracy=6,
                boundary=["one-sided", "periodic"],
                period=[None, 80.0],
            )
        ),
    )
    fb = a["long_f32_be_f.npy"]
    grad(
        "stream_periodic_f32_fortran",
        "long_f32_be_f.npy",
        "g.npz",
        "--boundary",
        "periodic",
        "--memory",
        "8KiB",
        expect=axes(native(wrap(fb))),
    )
    grad(
        "stream_acc4_periodic_f32_fortran",
        "long_f32_be_f.npy",
        "g.npz",
        "--accuracy",
        "4",
        "--boundary",
        "periodic",
        "--memory",
        "8KiB",
        expect=axes(native(nd(fb, accuracy=4, boundary="periodic"))),
    )

    # A periodic slab axis with coordinates: the halo from the other end of
    # the file, the coordinates past the ends shifted by the period.
    grad(
        "stream_periodic_coords_slab_axis",
        "long.npy",
        "g.npz",
        "--coords",
        "0={data}/x64.npy",
        "--boundary",
        "0=periodic",
        "--period",
        "0=200",
        "--edge-order",
        "2",
        "--memory",
        "16KiB",
        expect=axes(wrap(L, a["x64.npy"], 1.0, axes=[0], period=200.0, edge_order=2)),
    )
    grad(
        "stream_acc4_periodic_coords_f32_fortran",
        "long_f32_be_f.npy",
        "g.npz",
        "--coords",
        "1={data}/x50.npy",
        "--boundary",
        "1=periodic",
        "--period",
        "1=80",
        "--accuracy",
        "4",
        "--memory",
        "8KiB",
        expect=axes(
            native(
                nd(
                    fb,
                    1.0,
                    a["x50.npy"],
                    accuracy=4,
                    boundary=["one-sided", "periodic"],
                    period=[None, 80.0],
                )
            )
        ),
    )

    # The operators: derivative, magnitude, laplacian, div and curl.
    def op(cid, command, srcs, output, *extra, expect):
        ins = ["{data}/" + x for x in srcs]
        case(cid, [command, *ins, "-o", "{out}/" + output, *extra], output, expect)

    V, F64f = a["long_v.npy"], a["f64_f.npy"]
    U3, V3, W3 = a["u3.npy"], a["v3.npy"], a["w3.npy"]
    der, mag, lap = ndgrad.derivative, ndgrad.magnitude, ndgrad.laplacian
    op(
        "deriv_o1",
        "derivative",
        ["f64_c.npy"],
        "g.npz",
        "--order",
        "1",
        expect=axes(der(f, order=1)),
    )
    op(
        "deriv_o2_acc4",
        "derivative",
        ["long.npy"],
        "g.npz",
        "--order",
        "2",
        "--accuracy",
        "4",
        expect=axes(der(L, order=2, accuracy=4)),
    )
    op(
        "deriv_o3_coords",
        "derivative",
        ["f64_c.npy"],
        "d0.npy",
        "--order",
        "3",
        "--axis",
        "0",
        "--coords",
        "0={data}/x7.npy",
        expect={"": der(f, a["x7.npy"], order=3, axis=0)},
    )
    op(
        "deriv_o4_f32_axis1",
        "derivative",
        ["f32_c.npy"],
        "d1.npy",
        "--order",
        "4",
        "--axis",
        "1",
        "--spacing",
        "0.5",
        expect={"": der(F32, 0.5, order=4, axis=1)},
    )
    op(
        "deriv_o2_periodic",
        "derivative",
        ["f64_c.npy"],
        "g.npz",
        "--order",
        "2",
        "--boundary",
        "periodic",
        "--accuracy",
        "6",
        expect=axes(der(f, order=2, accuracy=6, boundary="periodic")),
    )
    op(
        "mag_numpy",
        "magnitude",
        ["f64_c.npy"],
        "m.npy",
        expect={"": np.sqrt(g(f)[0] * g(f)[0] + g(f)[1] * g(f)[1])},
    )
    gf = g(F32, 0.1, 3, edge_order=2)
    op(
        "mag_f32_edge2",
        "magnitude",
        ["f32_c.npy"],
        "m.npy",
        "--edge-order",
        "2",
        "--spacing",
        "0.1,3",
        expect={"": np.sqrt(gf[0] * gf[0] + gf[1] * gf[1])},
    )
    gi = g(a["i8.npy"])
    op(
        "mag_i8",
        "magnitude",
        ["i8.npy"],
        "m.npz",
        expect={"magnitude": np.sqrt(gi[0] * gi[0] + gi[1] * gi[1])},
    )
    g3 = g(F64f)
    op(
        "mag_3d_fortran",
        "magnitude",
        ["f64_f.npy"],
        "m.npy",
        expect={"": np.sqrt(g3[0] * g3[0] + g3[1] * g3[1] + g3[2] * g3[2])},
    )
    op(
        "mag_acc4_periodic",
        "magnitude",
        ["f64_c.npy"],
        "m.npy",
        "--accuracy",
        "4",
        "--boundary",
        "periodic",
        expect={"": mag(f, accuracy=4, boundary="periodic")},
    )
    op(
        "mag_npz_member",
        "magnitude",
        ["pair.npz"],
        "m.npy",
        "--array",
        "temperature",
        "--axis",
        "0",
        expect={"": np.sqrt(g(f.T.copy(), axis=0) ** 2)},
    )
    op("lap_default", "laplacian", ["f64_c.npy"], "l.npy", expect={"": lap(f)})
    op("lap_to_csv", "laplacian", ["f64_c.npy"], "l.csv", expect={"": lap(f)})
    op(
        "lap_acc4_spacing",
        "laplacian",
        ["f64_c.npy"],
        "l.npy",
        "--accuracy",
        "4",
        "--spacing",
        "0.5,2",
        expect={"": lap(f, 0.5, 2, accuracy=4)},
    )
    op(
        "lap_coords",
        "laplacian",
        ["f64_c.npy"],
        "l.npz",
        "--coords",
        "0={data}/x7.npy",
        expect={"laplacian": lap(f, a["x7.npy"], 1.0)},
    )
    op(
        "lap_periodic_f32",
        "laplacian",
        ["f32_c.npy"],
        "l.npy",
        "--boundary",
        "periodic",
        expect={"": lap(F32, boundary="periodic")},
    )
    gu = [g(U3, axis=k) for k in range(3)]
    gv = [g(V3, axis=k) for k in range(3)]
    gw = [g(W3, axis=k) for k in range(3)]
    op(
        "div_2d_files",
        "div",
        ["long.npy", "long_v.npy"],
        "d.npy",
        expect={"": g(L, axis=0) + g(V, axis=1)},
    )
    gu2 = [g(U3, axis=k, edge_order=2) for k in range(3)]
    gv2 = [g(V3, axis=k, edge_order=2) for k in range(3)]
    gw2 = [g(W3, axis=k, edge_order=2) for k in range(3)]
    op(
        "div_3d_npz",
        "div",
        ["field3.npz"],
        "d.npz",
        "--components",
        "u,v,w",
        "--edge-order",
        "2",
        expect={"divergence": gu2[0] + gv2[1] + gw2[2]},
    )
    op(
        "div_3d_acc4",
        "div",
        ["u3.npy", "v3.npy", "w3.npy"],
        "d.npy",
        "--accuracy",
        "4",
        "--spacing",
        "0.5",
        expect={"": ndgrad.divergence([U3, V3, W3], 0.5, accuracy=4)},
    )
    op(
        "div_axes_swapped",
        "div",
        ["long.npy", "long_v.npy"],
        "d.npy",
        "--axis",
        "1,0",
        expect={"": g(L, axis=1) + g(V, axis=0)},
    )
    op(
        "curl_2d",
        "curl",
        ["long.npy", "long_v.npy"],
        "c.npy",
        expect={"": g(V, axis=0) - g(L, axis=1)},
    )
    op(
        "curl_3d_files",
        "curl",
        ["u3.npy", "v3.npy", "w3.npy"],
        "c.npz",
        expect={"axis0": gw[1] - gv[2], "axis1": gu[2] - gw[0], "axis2": gv[0] - gu[1]},
    )
    op(
        "curl_3d_npz_acc4",
        "curl",
        ["field3.npz"],
        "c.npz",
        "--components",
        "u,v,w",
        "--accuracy",
        "4",
        "--boundary",
        "periodic",
        expect=axes(ndgrad.curl([U3, V3, W3], accuracy=4, boundary="periodic")),
    )
    # The operators streamed: slabs with the halos of their schemes, every
    # component of a field read in lockstep.
    op(
        "stream_deriv_o2_acc4",
        "derivative",
        ["long.npy"],
        "g.npz",
        "--order",
        "2",
        "--accuracy",
        "4",
        "--memory",
        "16KiB",
        expect=axes(der(L, order=2, accuracy=4)),
    )
    op(
        "stream_deriv_o4_periodic_rows1",
        "derivative",
        ["long.npy"],
        "d0.npy",
        "--order",
        "4",
        "--axis",
        "0",
        "--accuracy",
        "2",
        "--boundary",
        "periodic",
        "--memory",
        "10KiB",
        expect={"": der(L, order=4, axis=0, boundary="periodic")},
    )
    op(
        "stream_deriv_o3_coords",
        "derivative",
        ["long.npy"],
        "g.npz",
        "--order",
        "3",
        "--coords",
        "0={data}/x64.npy",
        "--memory",
        "16KiB",
        expect=axes(der(L, a["x64.npy"], 1.0, order=3)),
    )
    op(
        "stream_deriv_o2_f32_fortran",
        "derivative",
        ["long_f32_be_f.npy"],
        "g.npz",
        "--order",
        "2",
        "--memory",
        "8KiB",
        expect=axes(native(der(fb, order=2))),
    )
    gl = g(L, a["x64.npy"], 1.0)
    op(
        "stream_mag_coords",
        "magnitude",
        ["long.npy"],
        "m.npy",
        "--coords",
        "0={data}/x64.npy",
        "--memory",
        "16KiB",
        expect={"": np.sqrt(gl[0] * gl[0] + gl[1] * gl[1])},
    )
    gfb = native(g(fb))
    op(
        "stream_mag_f32_fortran",
        "magnitude",
        ["long_f32_be_f.npy"],
        "m.npy",
        "--memory",
        "8KiB",
        expect={"": np.sqrt(gfb[0] * gfb[0] + gfb[1] * gfb[1])},
    )
    op(
        "stream_mag_acc8_periodic",
        "magnitude",
        ["long.npy"],
        "m.npy",
        "--accuracy",
        "8",
        "--boundary",
        "periodic",
        "--memory",
        "24KiB",
        expect={"": mag(L, accuracy=8, boundary="periodic")},
    )
    op(
        "stream_lap_acc6",
        "laplacian",
        ["long.npy"],
        "l.npy",
        "--accuracy",
        "6",
        "--memory",
        "24KiB",
        expect={"": lap(L, accuracy=6)},
    )
    op(
        "stream_lap_periodic_rows1",
        "laplacian",
        ["long.npy"],
        "l.npy",
        "--boundary",
        "periodic",
        "--memory",
        "7KiB",
        expect={"": lap(L, boundary="periodic")},
    )
    op(
        "stream_div_2d",
        "div",
        ["long.npy", "long_v.npy"],
        "d.npy",
        "--memory",
        "8KiB",
        expect={"": g(L, axis=0) + g(V, axis=1)},
    )
    op(
        "stream_div_acc4_periodic",
        "div",
        ["long.npy", "long_v.npy"],
        "d.npy",
        "--accuracy",
        "4",
        "--boundary",
        "periodic",
        "--memory",
        "16KiB",
        expect={"": ndgrad.divergence([L, V], accuracy=4, boundary="periodic")},
    )
    # Axes in another order (component 1 along the slab axis), and Fortran
    # order (slabs along the last axis).
    op(
        "stream_curl_2d_axes_swapped",
        "curl",
        ["long.npy", "long_v.npy"],
        "c.npy",
        "--axis",
        "1,0",
        "--accuracy",
        "4",
        "--memory",
        "12KiB",
        expect={"": nd(V, axis=1, accuracy=4) - nd(L, axis=0, accuracy=4)},
    )
    op(
        "stream_div_f32_fortran",
        "div",
        ["long_f32_be_f.npy", "long_f32_be_f.npy"],
        "d.npy",
        "--memory",
        "8KiB",
        expect={"": native(g(fb, axis=0) + g(fb, axis=1))},
    )
    # Components of different byte orders, streamed in lockstep by one-row slabs.
    fbe = a["f64_be.npy"]
    op(
        "stream_div_mixed_byte_order",
        "div",
        ["f64_c.npy", "f64_be.npy"],
        "d.npy",
        "--memory",
        "1400",
        expect={"": native(g(f, axis=0) + g(fbe, axis=1))},
    )
    op(
        "stream_curl_2d",
        "curl",
        ["long.npy", "long_v.npy"],
        "c.npy",
        "--edge-order",
        "2",
        "--memory",
        "8KiB",
        expect={"": g(V, axis=0, edge_order=2) - g(L, axis=1, edge_order=2)},
    )
    op(
        "stream_curl_3d",
        "curl",
        ["u3.npy", "v3.npy", "w3.npy"],
        "c.npz",
        "--memory",
        "16KiB",
        expect={"axis0": gw[1] - gv[2], "axis1": gu[2] - gw[0], "axis2": gv[0] - gu[1]},
    )
    # CSV columns at higher accuracy.
    tr0 = a["track.csv"]
    case(
        "csv_acc4",
        [
            "grad",
            "{data}/track.csv",
            "-o",
            "{out}/v.csv",
            "--x",
            "t",
            "--y",
            "s",
            "--accuracy",
            "4",
        ],
        "v.csv",
        {"": np.stack([tr0[:, 0], nd(tr0[:, 1], tr0[:, 0], accuracy=4)], axis=1)},
    )
    case(
        "csv_periodic",
        [
            "grad",
            "{data}/track.csv",
            "-o",
            "{out}/v.npz",
            "--x",
            "t",
            "--boundary",
            "periodic",
            "--period",
            "0=3.1",
        ],
        "v.npz",
        {
            "ds": wrap(tr0[:, 1], tr0[:, 0], period=3.1)[0],
            "dh": wrap(tr0[:, 2], tr0[:, 0], period=3.1)[0],
        },
    )
    # .npz input.
    case(
        "npz_member",
        ["grad", "{data}/pair.npz", "--array", "temperature", "-o", "{out}/t.npz"],
        "t.npz",
        axes(g(f.T.copy())),
    )
    case(
        "npz_compressed_member",
        ["grad", "{data}/pair_z.npz", "--array", "pressure", "-o", "{out}/p.npz", "--axis", "1"],
        "p.npz",
        {"axis1": g(f, axis=1)},
    )
    # CSV: velocity from positions, to CSV and to .npz.
    tr = a["track.csv"]
    t, s, h = tr[:, 0], tr[:, 1], tr[:, 2]
    case(
        "csv_velocity",
        [
            "grad",
            "{data}/track.csv",
            "-o",
            "{out}/v.csv",
            "--x",
            "t",
            "--y",
            "s",
            "--edge-order",
            "2",
        ],
        "v.csv",
        {"": np.stack([t, g(s, t, edge_order=2)], axis=1)},
    )
    case(
        "csv_all_columns",
        ["grad", "{data}/track.csv", "-o", "{out}/v.npz", "--x", "0"],
        "v.npz",
        {"ds": g(s, t), "dh": g(h, t)},
    )
    pl = a["plain.csv"]
    case(
        "csv_no_header",
        ["grad", "{data}/plain.csv", "-o", "{out}/p.csv", "--spacing", "0.5"],
        "p.csv",
        {"": np.stack([g(pl[:, 0], 0.5), g(pl[:, 1], 0.5)], axis=1)},
    )
    case(
        "csv_to_npy",
        ["grad", "{data}/plain.csv", "-o", "{out}/p.npy"],
        "p.npy",
        {"": np.stack([g(pl[:, 0]), g(pl[:, 1])], axis=1)},
    )
    case(
        "npy_to_csv",
        ["grad", "{data}/f64_c.npy", "-o", "{out}/d.csv", "--axis", "0"],
        "d.csv",
        {"": g(f, axis=0)},
    )
    # Edges: magnitude and direction as float64 .npy.
    for name in ["gray8.png", "rgb8.png", "rgba8.png", "gray16.png"]:
        im = a[name]
        gy, gx = g(im)
        stem = name.removesuffix(".png")
        case(
            f"edges_{stem}",
            ["edges", "{data}/" + name, "-o", "{out}/m.npy", "--direction", "{out}/dir.npy"],
            "m.npy",
            {"": np.sqrt(gx * gx + gy * gy)},
        )
        case(
            f"edges_dir_{stem}",
            ["edges", "{data}/" + name, "-o", "{out}/m.npy", "--direction", "{out}/dir.npy"],
            "dir.npy",
            {"": np.arctan2(gy, gx)},
            # atan2 is not correctly rounded: NumPy's SIMD arctan2 and the C
            # library's may differ in the last bit. Everything else is exact.
            ulps=1,
        )
    return out


def write_expected(d: Path, all_cases: list[dict]) -> list[dict]:
    (d / "expected").mkdir(parents=True, exist_ok=True)
    listed = []
    for c in all_cases:
        exp = c.pop("expect")
        if "" in exp:
            path = f"expected/{c['id']}.npy"
            np.save(d / path, exp[""])
        else:
            path = f"expected/{c['id']}.npz"
            np.savez(d / path, **exp)
        listed.append({**c, "expected": path})
    return listed


def generate(d: Path) -> list[dict]:
    d.mkdir(parents=True, exist_ok=True)
    arrays = make_inputs(d)
    listed = write_expected(d, cases(arrays))
    (d / "cases.json").write_text(json.dumps(listed, indent=1) + "\n")
    return listed


def same(x: np.ndarray, y: np.ndarray, ulps: int = 0) -> bool:
    if x.dtype != y.dtype or x.shape != y.shape:
        return False
    if ulps and x.dtype == np.float64:
        # The same tolerance the Rust test applies to these cases: atan2's
        # last bit depends on which SIMD path NumPy picks on this CPU.
        a, b = x.view(np.int64), y.view(np.int64)
        a = np.where(a < 0, np.int64(-(2**63)) - a, a)
        b = np.where(b < 0, np.int64(-(2**63)) - b, b)
        return bool(np.all(np.abs(a - b) <= ulps))
    return bool(np.array_equal(x, y, equal_nan=x.dtype.kind in "fc"))


def check() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        listed = generate(fresh)
        bad = 0
        for c in listed:
            old = np.load(DATA / c["expected"])
            new = np.load(fresh / c["expected"])
            pairs = (
                [(old, new)]
                if isinstance(old, np.ndarray)
                else [(old[k], new[k]) for k in sorted(new.files)]
            )
            if not all(same(x, y, c.get("ulps", 0)) for x, y in pairs):
                print(f"differs: {c['id']}", file=sys.stderr)
                bad += 1
        stored = json.loads((DATA / "cases.json").read_text())
        if stored != listed:
            print("cases.json differs from what the generator writes", file=sys.stderr)
            bad += 1
    print(
        f"{len(listed)} CLI reference cases checked against numpy {np.__version__}: "
        f"{'all identical' if not bad else f'{bad} differ'}"
    )
    return 1 if bad else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true")
    if p.parse_args().check:
        return check()
    listed = generate(DATA)
    print(f"wrote {len(listed)} cases to {DATA}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
