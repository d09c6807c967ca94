"""The package around the function: out=, workers=, threads, fallbacks to
NumPy, and what ships (version, stubs, py.typed)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from importlib import resources
from typing import Any

import ndgrad
import numpy as np
import pytest
from conftest import assert_same_outcome, check
from ndgrad import _ndgrad
from numpy.lib._function_base_impl import gradient as numpy_gradient


def test_one_version_everywhere() -> None:
    """The workspace's version (Cargo.toml), the installed distribution's,
    the module's and the command's `--version` are one (issue 17)."""
    import tomllib
    from importlib import metadata
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    with open(root / "Cargo.toml", "rb") as fh:
        version = tomllib.load(fh)["workspace"]["package"]["version"]
    assert ndgrad.__version__ == version
    assert metadata.version("ndgrad") == version
    for name in ("ndgrad", "ndgrad-cli"):
        with open(root / "crates" / name / "Cargo.toml", "rb") as fh:
            assert tomllib.load(fh)["package"]["version"] == {"workspace": True}, name
    exe = root / "target" / "release" / "ndgrad"
    if not exe.is_file():
        pytest.skip("no target/release/ndgrad: scripts/test builds it (cargo run --release)")
    got = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    assert got.stdout.strip() == f"ndgrad {version}"


def test_version_and_typing_files_ship() -> None:
    assert ndgrad.__version__ == _ndgrad.__version__
    assert ndgrad.__version__.count(".") == 2
    files = resources.files("ndgrad")
    assert (files / "py.typed").is_file()
    assert (files / "_ndgrad.pyi").is_file()
    assert ndgrad.__all__ == [
        "__version__",
        "curl",
        "derivative",
        "divergence",
        "gradient",
        "laplacian",
        "magnitude",
        "set_output_cache",
    ]


def test_out_arrays_are_filled_and_returned(rng: np.random.Generator) -> None:
    f = rng.standard_normal((6, 7))
    want = numpy_gradient(f, 0.5, edge_order=2)
    outs = (np.empty((6, 7)), np.empty((6, 7), order="F"))
    got = ndgrad.gradient(f, 0.5, edge_order=2, out=outs)
    assert got[0] is outs[0] and got[1] is outs[1]
    assert_same_outcome(got, want)
    one = np.empty(7)
    assert ndgrad.gradient(f[0], out=one) is one
    np.testing.assert_array_equal(one, numpy_gradient(f[0]))


def test_out_with_a_strided_view_writes_only_that_view(rng: np.random.Generator) -> None:
    f = rng.standard_normal(10)
    big = np.full(20, 7.0)
    ndgrad.gradient(f, out=big[::2])
    np.testing.assert_array_equal(big[::2], numpy_gradient(f))
    assert (big[1::2] == 7.0).all()


def test_out_for_integer_datetime_and_byteswapped_inputs() -> None:
    ints = np.array([5, 3, 0], dtype=np.uint8)
    res = np.empty(3)
    assert ndgrad.gradient(ints, out=res) is res
    np.testing.assert_array_equal(res, [-2.0, -2.5, -3.0])
    days = np.array(["2020-01-01", "2020-01-05", "2020-01-06"], dtype="M8[D]")
    res = np.empty(3, dtype="m8[D]")
    assert ndgrad.gradient(days, out=res) is res
    np.testing.assert_array_equal(res, numpy_gradient(days))
    big_endian = (np.arange(5.0) ** 2).astype(">f8")
    res = np.empty(5, dtype=">f8")
    assert ndgrad.gradient(big_endian, out=res) is res
    np.testing.assert_array_equal(res, numpy_gradient(big_endian))


def test_out_works_with_fallbacks() -> None:
    m = np.ma.array([1.0, 2.0, 4.0])
    res = np.empty(3)
    assert ndgrad.gradient(m, out=res) is res
    np.testing.assert_array_equal(res, [1.0, 1.5, 2.0])


@pytest.mark.parametrize("workers", [None, 1, 2, 3, 8, -1, -2])
def test_workers_never_change_results(workers: int | None, rng: np.random.Generator) -> None:
    # Large enough (2^17 elements per axis) for the kernels to split the work.
    f = rng.standard_normal((512, 256))
    x = np.cumsum(rng.uniform(0.1, 1.0, 256))
    want = numpy_gradient(f, 0.3, x, edge_order=2)
    assert_same_outcome(ndgrad.gradient(f, 0.3, x, edge_order=2, workers=workers), want)


def test_calls_from_many_threads_at_once(rng: np.random.Generator) -> None:
    inputs = [rng.standard_normal((200, 300)) for _ in range(8)]
    wants = [numpy_gradient(a, 0.5) for a in inputs]
    results: list[Any] = [None] * 8
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for _ in range(10):
                results[k] = ndgrad.gradient(inputs[k], 0.5)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for got, want in zip(results, wants, strict=True):
        assert_same_outcome(got, want)


def test_threads_sharing_inputs_with_separate_outputs(rng: np.random.Generator) -> None:
    """Many threads at once on the same input (and coordinates), each with
    its own out= arrays, every function and scheme: each result is the
    serial one, bit for bit (issue 15)."""
    f = rng.standard_normal((120, 130))
    x = np.cumsum(rng.uniform(0.5, 1.5, 130))
    calls: list[tuple[Any, tuple[Any, ...], dict[str, Any], int]] = [
        (ndgrad.gradient, (0.5, x), {}, 2),
        (ndgrad.gradient, (0.5, x), {"accuracy": 4, "workers": 2}, 2),
        (ndgrad.derivative, (0.5,), {"order": 2, "boundary": "periodic"}, 2),
        (ndgrad.laplacian, (0.5, x), {"accuracy": 6}, 1),
        (ndgrad.magnitude, (0.5, x), {"edge_order": 2}, 1),
    ]
    wants = [fn(f, *sp, **kw) for fn, sp, kw, _ in calls]
    errors: list[BaseException] = []
    mismatches: list[str] = []

    def work(k: int) -> None:
        fn, sp, kw, n = calls[k % len(calls)]
        want = wants[k % len(calls)]
        outs = tuple(np.empty_like(f) for _ in range(n))
        try:
            for _ in range(15):
                got = fn(f, *sp, **kw, out=outs if n > 1 else outs[0])
                for g, w in zip(got if n > 1 else (got,), want if n > 1 else (want,), strict=True):
                    if not np.array_equal(g, w, equal_nan=True):
                        mismatches.append(f"thread {k}: {fn.__name__} {kw}")
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert not mismatches
    assert np.array_equal(f, f.copy())  # the shared input is read only


def test_ctrl_c_during_a_call_leaves_out_complete() -> None:
    """Ctrl-C (SIGINT) while the Rust kernel runs: the call is not
    interrupted; it finishes, `out=` holds the complete result, and the
    KeyboardInterrupt is raised when control returns to Python (README,
    "Interrupting a call")."""
    code = (
        "import os, signal, threading, time\n"
        "import numpy as np, ndgrad\n"
        "f = np.random.default_rng(0).standard_normal((2500, 2500))\n"
        "want = ndgrad.gradient(f, 0.5, workers=1)\n"
        "out = (np.zeros_like(f), np.zeros_like(f))\n"
        "started = threading.Event()\n"
        "def interrupt():\n"
        "    started.wait(); time.sleep(0.02); os.kill(os.getpid(), signal.SIGINT)\n"
        "threading.Thread(target=interrupt).start()\n"
        "interrupted = False\n"
        "try:\n"
        "    started.set()\n"
        "    deadline = time.monotonic() + 60\n"  # calls until the signal lands, however loaded
        "    while time.monotonic() < deadline:\n"
        "        ndgrad.gradient(f, 0.5, out=out, workers=1)\n"
        "except KeyboardInterrupt:\n"
        "    interrupted = True\n"
        "assert interrupted\n"
        "assert all(np.array_equal(o, w) for o, w in zip(out, want))\n"
        "print('complete')\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "complete"


def test_the_gil_is_released_while_rust_computes() -> None:
    # A call long enough (tens of ms) that Python threads must run during it
    # if, and only if, the GIL is released.
    f = np.ones((3000, 3000))
    x = np.cumsum(np.linspace(0.5, 1.5, 3000))
    done = threading.Event()
    ticks = 0

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0)

    counter = threading.Thread(target=count)
    counter.start()
    time.sleep(0.01)
    start = ticks
    for _ in range(3):
        ndgrad.gradient(f, x, x, workers=1)
    during = ticks - start
    done.set()
    counter.join()
    assert during > 100, f"only {during} Python steps ran during the computation"


def test_the_input_is_never_modified(rng: np.random.Generator) -> None:
    for dtype in ("f8", "f2", "c8", "i2", "m8[s]", ">f4"):
        f = (rng.standard_normal((4, 5)) * 100).astype(dtype)
        check(f, edge_order=2)  # `check` asserts the input is unchanged


def test_masked_arrays_give_numpys_answer_and_own_their_mask() -> None:
    x = np.ma.array([[1, 1], [3, 4]], mask=[[False, False], [False, False]])
    got = ndgrad.gradient(x)
    want = numpy_gradient(x)
    assert type(got[0]) is np.ma.MaskedArray
    np.testing.assert_array_equal(got[0], want[0])
    assert got[0]._mask is not x._mask
    x2 = np.ma.arange(5)
    x2[2] = np.ma.masked
    ndgrad.gradient(x2, edge_order=2)
    np.testing.assert_array_equal(x2.mask, [False, False, True, False, False])


def test_matrix_longdouble_and_object_inputs_are_numpys() -> None:
    with pytest.warns(PendingDeprecationWarning):
        m = np.matrix([[1.0, 2.0, 4.0], [2.0, 5.0, 9.0]])
    assert_same_outcome(ndgrad.gradient(m), numpy_gradient(m))
    check(np.array([1, 2, 4, 8], dtype=np.longdouble))
    check(np.array([1, 2, 4, 8], dtype=np.clongdouble), 0.5)
    check(np.array([1, 2, 4, 8], dtype=object))
    check(np.arange(4.0), np.array([0.0, 1.0, 3.0, 4.0], dtype=np.longdouble))
    check(np.arange(4.0), 1 + 0j)


def test_array_likes_and_returns() -> None:
    check([1, 2, 4, 7])
    check(((1, 2), (2, 3)))
    check(3.0)
    check(np.arange(6.0).reshape(2, 3), axis=())
    assert type(ndgrad.gradient([[1, 2], [2, 3]])) is tuple
    assert type(ndgrad.gradient([[1, 2], [2, 3]], axis=0)) is np.ndarray
    assert ndgrad.gradient(np.float64(3.0)) == ()


@pytest.mark.parametrize("edge_order", [0, -1, 1.0, 1.5, True, np.int8(2), np.float64(1.0)])
def test_off_spec_edge_orders_are_accepted_as_numpy_does(edge_order: Any) -> None:
    check(np.arange(6.0) ** 2, edge_order=edge_order)
    check(np.arange(6.0) ** 2, np.array([0.0, 1.0, 1.5, 3.0, 4.0, 6.0]), edge_order=edge_order)
