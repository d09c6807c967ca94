"""Type stubs for the compiled module ``ndgrad._ndgrad``.

Each ``run_<code>`` takes input arrays of one dtype (``<code>`` is
``dtype.kind`` and ``dtype.itemsize``; ``m8`` takes timedelta64/datetime64
ticks viewed as int64) and computes ``op``: the gradient of one input along
each of ``axes`` into the matching array of ``outs``, or a fused operator
(``magnitude``, ``laplacian``, ``divergence``, ``curl``; not for ``m8``). ``spacings`` holds one
:class:`ndgrad._call.AxisSpacing` and ``schemes`` one
:class:`ndgrad._call.AxisScheme` per axis (read by attribute name).
``workers`` is 0 for every thread, else the number of tasks.
"""

from typing import Any, Literal

from numpy.typing import NDArray

__all__ = [
    "__version__",
    "check",
    "empty_outputs",
    "gradient_fast",
    "input_rows",
    "output_cache_info",
    "pieces",
    "reach",
    "run_c8",
    "run_c16",
    "run_f2",
    "run_f4",
    "run_f8",
    "run_i1",
    "run_i2",
    "run_i4",
    "run_i8",
    "run_m8",
    "run_u1",
    "run_u2",
    "run_u4",
    "run_u8",
    "set_output_cache",
    "shift_periodic",
]

__version__: str

from ndgrad._call import AxisScheme as _Scheme
from ndgrad._call import AxisSpacing as _Spacing

_Op = Literal["gradient", "magnitude", "laplacian", "divergence", "curl"]

def empty_outputs(f: NDArray[Any], dtype: Any, count: int) -> list[NDArray[Any]]:
    """``[numpy.empty_like(f, dtype=dtype) for _ in range(count)]``, through
    the output cache when the arrays are of a size it keeps."""

def set_output_cache(limit: int) -> int:
    """Sets the limit on the bytes of freed outputs kept for reuse; returns
    the previous one (see ``ndgrad.set_output_cache``)."""

def output_cache_info() -> tuple[int, int, str]:
    """``(blocks, bytes)`` kept now, and the memory handler's name."""

def gradient_fast(
    f: NDArray[Any], varargs: tuple[Any, ...], axis: int | None, edge_order: int, workers: int
) -> Any:
    """``numpy.gradient(f, *varargs, axis=axis, edge_order=edge_order)``
    over every axis or one, for the common calls (a C- or Fortran-ordered
    native numeric array; no spacing, non-zero Python or ``float64``
    scalars, or ``float64`` coordinates), else None: the caller then
    applies NumPy's rules in full."""

def check(
    shape: list[int],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
) -> None: ...
def input_rows(scheme_arg: _Scheme, start: int, stop: int, n: int) -> tuple[int, int] | None: ...
def reach(scheme_arg: _Scheme) -> tuple[int, int]: ...
def pieces(
    spacing_arg: _Spacing,
    scheme_arg: _Scheme,
    axis: int,
    n: int,
    blocks: list[tuple[int, int]],
) -> tuple[Any, bool, list[tuple[int, int, int, NDArray[Any] | None]]]: ...
def shift_periodic(
    code: str, values: NDArray[Any], lo: int, n: int, period: float
) -> NDArray[Any]: ...
def run_c8(
    op: _Op,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def run_c16(
    op: _Op,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def run_f2(
    op: _Op,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def run_f4(
    op: _Op,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def run_f8(
    op: _Op,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def run_i1(
    op: _Op,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def run_i2(
    op: _Op,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def run_i4(
    op: _Op,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def run_i8(
    op: _Op,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def run_m8(
    op: _Op,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def run_u1(
    op: _Op,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def run_u2(
    op: _Op,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def run_u4(
    op: _Op,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def run_u8(
    op: _Op,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
