"""Type stubs for the compiled module ``ndgrad._ndgrad``.

Each ``gradient_<code>`` takes an input array of one dtype (``<code>`` is
``dtype.kind`` and ``dtype.itemsize``; ``m8`` takes timedelta64/datetime64
ticks viewed as int64) and writes the gradient along each of ``axes`` into
the matching array of ``outs``. ``spacings`` holds one
:class:`ndgrad._call.AxisSpacing` and ``schemes`` one
:class:`ndgrad._call.AxisScheme` per axis (read by attribute name).
``workers`` is 0 for every thread, else the number of tasks.
"""

from typing import Any

from numpy.typing import NDArray

__all__ = [
    "__version__",
    "check",
    "empty_outputs",
    "gradient_c8",
    "gradient_c16",
    "gradient_f2",
    "gradient_f4",
    "gradient_f8",
    "gradient_fast",
    "gradient_i1",
    "gradient_i2",
    "gradient_i4",
    "gradient_i8",
    "gradient_m8",
    "gradient_u1",
    "gradient_u2",
    "gradient_u4",
    "gradient_u8",
    "input_rows",
    "operator_c8",
    "operator_c16",
    "operator_f2",
    "operator_f4",
    "operator_f8",
    "operator_i1",
    "operator_i2",
    "operator_i4",
    "operator_i8",
    "operator_u1",
    "operator_u2",
    "operator_u4",
    "operator_u8",
    "output_cache_info",
    "reach",
    "set_output_cache",
]

__version__: str

from ndgrad._call import AxisScheme as _Scheme
from ndgrad._call import AxisSpacing as _Spacing

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

def gradient_f2(
    f: NDArray[Any],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def gradient_f4(
    f: NDArray[Any],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def gradient_f8(
    f: NDArray[Any],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def gradient_c8(
    f: NDArray[Any],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def gradient_c16(
    f: NDArray[Any],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def gradient_i1(
    f: NDArray[Any],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def gradient_i2(
    f: NDArray[Any],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def gradient_i4(
    f: NDArray[Any],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def gradient_i8(
    f: NDArray[Any],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def gradient_u1(
    f: NDArray[Any],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def gradient_u2(
    f: NDArray[Any],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def gradient_u4(
    f: NDArray[Any],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def gradient_u8(
    f: NDArray[Any],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def gradient_m8(
    f: NDArray[Any],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def operator_f2(
    op: str,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def operator_f4(
    op: str,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def operator_f8(
    op: str,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def operator_c8(
    op: str,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def operator_c16(
    op: str,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def operator_i1(
    op: str,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def operator_i2(
    op: str,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def operator_i4(
    op: str,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def operator_i8(
    op: str,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def operator_u1(
    op: str,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def operator_u2(
    op: str,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def operator_u4(
    op: str,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def operator_u8(
    op: str,
    fields: list[NDArray[Any]],
    outs: list[NDArray[Any]],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
    workers: int,
) -> None: ...
def check(
    shape: list[int],
    axes: list[int],
    spacings: list[_Spacing],
    schemes: list[_Scheme],
) -> None: ...
def input_rows(scheme_arg: _Scheme, start: int, stop: int, n: int) -> tuple[int, int] | None: ...
def reach(scheme_arg: _Scheme) -> tuple[int, int]: ...
