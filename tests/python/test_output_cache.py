"""The output cache (issue 16): a NumPy memory handler that keeps freed
output blocks for reuse (`crates/ndgrad-python/src/cache.rs`).

What must hold: outputs of a cached size are ordinary NumPy arrays that own
their memory, made by the handler; a freed output's block is reused by the
next output of that size; the bytes kept never pass the limit; reused
blocks give the same bits; resizing, threads and tracemalloc behave as
with NumPy's default handler.
"""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Iterator

import ndgrad
import numpy as np
import pytest
from ndgrad import _ndgrad
from numpy._core.multiarray import get_handler_name

NAME = "ndgrad_output_cache"
KiB, MiB = 1 << 10, 1 << 20


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Each test starts from an empty cache with the default limit."""
    previous = ndgrad.set_output_cache(0)
    ndgrad.set_output_cache(previous)
    yield
    ndgrad.set_output_cache(0)
    ndgrad.set_output_cache(previous)


def _kept() -> tuple[int, int]:
    n, nbytes, name = _ndgrad.output_cache_info()
    assert name == NAME
    return n, nbytes


def test_outputs_of_cached_sizes_come_from_the_handler() -> None:
    f = np.random.default_rng(0).standard_normal((200, 300))  # 480 KB outputs
    gs = ndgrad.gradient(f)
    for g in gs:
        assert get_handler_name(g) == NAME
        assert g.flags.owndata and g.flags.writeable and g.base is None
    small = ndgrad.gradient(np.arange(100.0))  # below 128 KiB: NumPy's handler
    assert get_handler_name(small) != NAME
    big = ndgrad.gradient(np.zeros(3 * MiB))  # 24 MiB: kept too (the limit is 64 MiB)
    assert get_handler_name(big) == NAME
    ndgrad.set_output_cache(16 * MiB)
    big = ndgrad.gradient(np.zeros(3 * MiB))  # beyond the limit: NumPy's handler
    assert get_handler_name(big) != NAME
    ndgrad.set_output_cache(64 * MiB)
    # The full path (here: an axis tuple) and the operators use it too.
    assert get_handler_name(ndgrad.gradient(f, axis=(0,))) == NAME
    assert get_handler_name(ndgrad.laplacian(f)) == NAME
    # Arrays made by NumPy afterwards do not.
    assert get_handler_name(np.empty_like(f)) != NAME


def test_a_freed_output_is_reused_with_the_same_bits() -> None:
    rng = np.random.default_rng(1)
    f, h = rng.standard_normal((2, 316, 316))
    x = np.cumsum(rng.uniform(1, 2, 316))
    gs = ndgrad.gradient(f)
    addresses = sorted(g.ctypes.data for g in gs)
    nbytes = gs[0].nbytes
    del gs
    assert _kept() == (2, 2 * nbytes)
    # The kept blocks still hold the old gradients: the new call must
    # overwrite every element.
    gs = ndgrad.gradient(h, 0.5, x)
    assert sorted(g.ctypes.data for g in gs) == addresses
    assert _kept() == (0, 0)
    for g, w in zip(gs, np.gradient(h, 0.5, x), strict=True):
        assert np.array_equal(g.view(np.uint64), w.view(np.uint64))


def test_the_limit_is_kept() -> None:
    f = np.zeros((256, 256))  # 512 KiB outputs
    ndgrad.set_output_cache(1 * MiB + 1)
    outs = [ndgrad.gradient(f) for _ in range(3)]  # 6 outputs
    del outs
    n, nbytes = _kept()
    assert (n, nbytes) == (2, 1 * MiB)  # the newest two
    assert ndgrad.set_output_cache(0) == 1 * MiB + 1
    assert _kept() == (0, 0)
    g = ndgrad.gradient(f)
    del g
    assert _kept() == (0, 0)  # limit 0: nothing kept


def test_at_most_32_blocks_are_kept() -> None:
    f = np.zeros(16_640)  # 133 120-byte outputs, just over 128 KiB
    outs = [ndgrad.gradient(f) for _ in range(40)]
    assert all(get_handler_name(g) == NAME for g in outs)
    del outs
    assert _kept() == (32, 32 * 133_120)
    again = [ndgrad.gradient(f) for _ in range(40)]
    assert _kept() == (0, 0)
    assert all(np.all(g == 0) for g in again)


def test_a_block_larger_than_the_limit_is_not_kept() -> None:
    ndgrad.set_output_cache(256 * KiB)
    g = ndgrad.gradient(np.zeros(64 * KiB))  # 512 KiB
    del g
    assert _kept() == (0, 0)


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="nbytes must be >= 0, got -1"):
        ndgrad.set_output_cache(-1)
    with pytest.raises(TypeError):
        ndgrad.set_output_cache(1.5)  # type: ignore[arg-type]


def test_resizing_an_output_works() -> None:
    g = ndgrad.gradient(np.arange(40_000.0))  # 320 KB
    assert get_handler_name(g) == NAME
    g.resize(90_000, refcheck=False)  # realloc through the handler
    assert np.all(g[:40_000] == 1.0) and np.all(g[40_000:] == 0.0)
    g.resize(20_000, refcheck=False)
    assert g.shape == (20_000,)
    del g
    # 160 KB: kept under its new size, reused by an output of that size.
    assert _kept() == (1, 160_000)
    h = ndgrad.gradient(np.arange(20_000.0))
    assert _kept() == (0, 0)
    assert np.all(h == 1.0)


def test_threads_allocating_and_freeing_at_once_give_numpys_bits() -> None:
    rng = np.random.default_rng(2)
    fields = [rng.standard_normal((100 + i, 300)) for i in range(4)]
    want = [np.gradient(f) for f in fields]
    errors: list[str] = []

    def work(k: int) -> None:
        for r in range(30):
            i = (k + r) % len(fields)
            got = ndgrad.gradient(fields[i])
            for g, w in zip(got, want[i], strict=True):
                if not np.array_equal(g, w):
                    errors.append(f"thread {k} round {r}")

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    n, nbytes = _kept()
    assert nbytes <= 64 * MiB and n <= 32


def test_large_outputs_are_reused_and_advised_huge_pages() -> None:
    f = np.random.default_rng(3).standard_normal((1200, 1200))  # 11.5 MB outputs
    gs = ndgrad.gradient(f)
    assert all(get_handler_name(g) == NAME for g in gs)
    addresses = sorted(g.ctypes.data for g in gs)
    del gs
    gs = ndgrad.gradient(f[::-1].copy())
    assert sorted(g.ctypes.data for g in gs) == addresses
    for g, w in zip(gs, np.gradient(f[::-1].copy()), strict=True):
        assert np.array_equal(g, w)


def test_tracemalloc_sees_the_outputs() -> None:
    f = np.zeros((256, 256))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        gs = ndgrad.gradient(f)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown >= sum(g.nbytes for g in gs)


def test_outputs_outlive_a_limit_change() -> None:
    gs = ndgrad.gradient(np.ones((300, 300)))
    ndgrad.set_output_cache(0)
    assert all(np.all(g == 0) for g in gs)
    del gs
    assert _kept() == (0, 0)


def _vm_flags(address: int) -> list[str]:
    """The ``VmFlags`` of the mapping of this process that holds ``address``."""
    inside = False
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            head = line.split()[0]
            if "-" in head and not head.endswith(":"):
                lo, hi = (int(v, 16) for v in head.split("-"))
                inside = lo <= address < hi
            elif inside and head == "VmFlags:":
                return line.split()[1:]
    raise AssertionError(f"no mapping holds {address:#x}")


def test_large_cached_outputs_get_numpys_huge_page_advice() -> None:
    """As NumPy's handler: ``madvise(MADV_HUGEPAGE)`` on blocks of 4 MiB and
    more when NumPy's ``_get_madvise_hugepage()`` says so. The setting was
    never read, so cached outputs of 4-64 MiB faulted in 4 KiB pages: a
    256^3 float32 gradient spent most of its time in page faults."""
    from numpy._core.multiarray import _get_madvise_hugepage

    if not _get_madvise_hugepage():
        pytest.skip("NumPy gives no huge-page advice on this system")
    try:
        open("/proc/self/smaps").close()
    except OSError:
        pytest.skip("no /proc/self/smaps")
    g = ndgrad.gradient(np.ones(2 * MiB, dtype=np.float32))  # 8 MiB: cached and advised
    assert get_handler_name(g) == NAME
    assert "hg" in _vm_flags(g.ctypes.data + g.nbytes // 2)  # "hg": MADV_HUGEPAGE applied
