"""The Dask graph behind :mod:`ndgrad.dask`: each axis' spacing as the
blocks see it, the halo pieces each output block needs (rows past a block's
ends, from the other end on a periodic axis) and the block tasks, which run
the same kernels as an in-memory call on a block and its halo.

Private: :mod:`ndgrad.dask` is the public module (it imports this one
after saying how to install Dask when it is missing).
"""

from __future__ import annotations

import bisect
import itertools
import operator
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import dask.array as da
import numpy as np
from dask.base import tokenize
from dask.highlevelgraph import HighLevelGraph, MaterializedLayer
from numpy.lib._function_base_impl import gradient as _numpy_gradient
from numpy.typing import NDArray

from ndgrad import _api, _call, _ndgrad

_Key = tuple[Any, ...]

# ------------------------------------------------------------ spacing, eagerly


def _lazy_asarray(d: Any) -> Any:
    """``np.asanyarray`` for NumPy's spacing checks, leaving Dask arrays lazy."""
    return d if isinstance(d, da.Array) else np.asanyarray(d)


def _float_coords(x: NDArray[Any]) -> NDArray[Any]:
    """NumPy converts integer coordinates to float64 before differencing."""
    return x.astype(np.float64) if np.issubdtype(x.dtype, np.integer) else x


def _shifted(x: NDArray[Any], lo: int, n: int, period: float) -> NDArray[Any]:
    """Coordinates ``x`` of samples ``lo, lo + 1, ...`` of a periodic axis
    of ``n`` samples (gathered with the wrap), shifted by the period where
    the indices run past either end: the core's rule (``shift_wrapped``),
    in the coordinates' real type (float64 for integers)."""
    sp = _call.coords_spacing(x, collapse=False)
    assert sp.dtype is not None and sp.values is not None
    return _ndgrad.shift_periodic(sp.dtype, sp.values, lo, n, period)


def _seam_steps(first: Any, last: Any, n: int, period: float) -> tuple[Any, Any]:
    """The steps across the seam of a periodic axis of ``n`` samples whose
    first and last coordinates are ``first`` and ``last``, from the core's
    shifted coordinates: ``x[0] - (x[-1] - p)`` and ``(x[0] + p) - x[-1]``."""
    pair = np.array([last, first])
    left = np.diff(_shifted(pair, -1, n, period))[0]
    right = np.diff(_shifted(pair, n - 1, n, period))[0]
    return left, right


@dataclass(frozen=True)
class _Unit:
    """NumPy's default spacing: 1.0."""


@dataclass(frozen=True)
class _Step:
    """A scalar step, as given, or the step ``diff(x)[0]`` of equally spaced
    NumPy coordinates (NumPy's collapse, decided on the whole array)."""

    value: Any


@dataclass(frozen=True)
class _Coords:
    """Non-uniform NumPy coordinates: each block gets its slice."""

    x: NDArray[Any]


@dataclass(frozen=True)
class _LazyCoords:
    """Dask coordinates: uniform or not is decided by a task of the graph."""

    x: Any


_AxisSpacing = _Unit | _Step | _Coords | _LazyCoords


def _axis_spacing(d: object, caller: str) -> _AxisSpacing:
    """One axis' spacing, as far as it is known when the graph is built;
    a TypeError naming ``caller`` for spacings the kernels do not take."""
    if d is _api.UNIT:
        return _Unit()
    if isinstance(d, da.Array):
        if d.ndim == 0:
            return _axis_spacing(np.asarray(d.compute()), caller)
        _check_coords_dtype(_float_coords(np.empty(0, dtype=d.dtype)).dtype, caller)
        return _LazyCoords(d)
    if isinstance(d, np.ndarray) and d.ndim == 1:
        # Collapsed to a step or not by the core, on the whole axis, once
        # the whole array is checked (`_collapse`).
        _check_coords_dtype(d.dtype, caller)
        return _Coords(d)
    return _Step(_checked_step(d, caller))


def _collapse(
    s: _AxisSpacing, scheme: _call.AxisScheme, axis: int, n: int, caller: str
) -> _AxisSpacing:
    """NumPy coordinates once the whole array is checked: the step they
    collapse to (the core's decision on the whole axis, the seam of a
    periodic axis included), or coordinates the kernels take."""
    if not isinstance(s, _Coords):
        return s
    step, _, _ = _ndgrad.pieces(_call.coords_spacing(s.x), scheme, axis, n, [])
    if step is not None:
        return _Step(_checked_step(step, caller))
    if type(s.x) is not np.ndarray:
        raise TypeError(f"coordinates must be plain ndarrays; got {type(s.x).__name__}")
    return s


def _check_coords_dtype(dtype: np.dtype[Any], caller: str) -> None:
    if (dtype.kind, dtype.itemsize) not in _api.SPACING_KINDS:
        raise TypeError(
            f"{caller} takes float (up to float64) and integer coordinates; got dtype {dtype}"
        )


def _checked_step(step: Any, caller: str) -> Any:
    try:
        _api.spec(step)
    except _api.Fallback:
        raise TypeError(
            f"{caller} takes real steps (float up to float64, or integers "
            f"within int64); got {step!r}"
        ) from None
    return step


def _raise_numpys_index_error(
    f: da.Array, varargs: tuple[Any, ...], axis: Any, edge_order: Any
) -> Any:
    """The arguments ``_api.parse`` leaves to NumPy make NumPy raise an
    IndexError; raise it, from a proxy of at most 3 samples per axis."""
    proxy = np.zeros(tuple(min(n, 3) for n in f.shape))
    short = [
        np.arange(3.0) if np.ndim(d) == 1 and len(d) > 3 else _lazy_compute(d) for d in varargs
    ]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        _numpy_gradient(proxy, *short, axis=axis, edge_order=edge_order)
    raise AssertionError(f"numpy.gradient accepted arguments ndgrad rejects: {varargs!r}")


def _lazy_compute(d: Any) -> Any:
    return d.compute() if isinstance(d, da.Array) else d


# ------------------------------------------------------------------ the graph


def _starts(chunks: Sequence[int]) -> list[int]:
    return [0, *itertools.accumulate(chunks)][:-1]


def _blocks_in(starts: list[int], chunks: Sequence[int], lo: int, hi: int) -> list[tuple[int, int]]:
    """``(block, global start)`` of the non-empty blocks meeting ``[lo, hi)``."""
    found = []
    i = max(0, bisect.bisect_right(starts, lo) - 1)
    while i < len(chunks) and starts[i] < hi:
        if chunks[i] and starts[i] + chunks[i] > lo:
            found.append((i, starts[i]))
        i += 1
    return found


def _pieces(
    starts: list[int], chunks: Sequence[int], lo: int, hi: int
) -> list[tuple[int, int, int, int, int]]:
    """The pieces of samples ``lo..hi`` of an axis, in order, where indices
    past either end wrap (a periodic axis' halo): ``(block, its global
    start, global [a, b) within it, position of a from lo)``."""
    n = sum(chunks)
    found = []
    for q in range(lo // n, (hi - 1) // n + 1):
        seg_lo, seg_hi = max(lo, q * n), min(hi, (q + 1) * n)
        for i, st in _blocks_in(starts, chunks, seg_lo - q * n, seg_hi - q * n):
            a = max(seg_lo - q * n, st)
            b = min(seg_hi - q * n, st + chunks[i])
            found.append((i, st, a, b, a + q * n - lo))
    return found


@dataclass(frozen=True)
class _Cut:
    """A piece of a block: ``block[index]``."""

    index: tuple[slice, ...]


def _cut(block: NDArray[Any], cut: _Cut) -> NDArray[Any]:
    return block[cut.index]


@dataclass(frozen=True)
class _Faces:
    """The pieces of one block that its neighbours' halos need."""

    cuts: tuple[_Cut, ...]


def _faces(block: NDArray[Any], faces: _Faces) -> tuple[NDArray[Any], ...]:
    return tuple(block[c.index] for c in faces.cuts)


@dataclass(frozen=True)
class _Span:
    """A requested axis of one block: the block is ``[start, stop)`` of the
    axis (of length ``n``), its extension with halos ``[lo, hi)``; on a
    periodic axis ``lo`` may be negative and ``hi`` past ``n`` (the halo
    wraps, and the extended block is differentiated with the one-sided
    scheme: see ``Scheme::wrapped_input_rows``)."""

    dim: int
    start: int
    stop: int
    lo: int
    hi: int
    n: int
    period: float | None


def _span(dim: int, start: int, stop: int, n: int, scheme: _call.AxisScheme) -> _Span:
    """The samples block ``[start, stop)`` needs, as the core's scheme says
    (``Scheme::input_rows``, ``Scheme::wrapped_input_rows``): the stencil's
    reach each side, at an end of the axis the samples its one-sided window
    reads, and on a periodic axis the samples from the other end."""
    rows = _ndgrad.input_rows(scheme, start, stop, n)
    lo, hi = (start, stop) if rows is None else rows
    return _Span(dim, start, stop, lo, hi, n, scheme.period)


@dataclass(frozen=True)
class _AxisBlock:
    """What the task of one output block of the gradient along one axis
    does with the block and its halo pieces."""

    shape: tuple[int, ...]
    span: _Span
    before: tuple[int, ...]
    after: tuple[int, ...]
    """Which face of each piece's source block (see ``_Block.picks``)."""
    spacing: Any
    """The ``_api.spec`` of a step, the (wrapped, shifted) coordinates of
    samples ``[lo, hi)``, or None (Dask coordinates: task inputs)."""
    scheme: _call.AxisScheme
    """The one-sided scheme the pieces are differentiated with."""
    reach: int
    head: tuple[int, int]
    tail: tuple[int, int]
    """The samples the block's first and last ``reach`` rows read."""
    direct: bool
    """Whether the block is differentiated as it is (its inner rows are
    right as they are) and only its first and last ``reach`` rows again,
    from thin pieces with their halo; otherwise the block is extended."""
    otype: np.dtype[Any]


@dataclass(frozen=True)
class _Block:
    """What the task of one output block does with its inputs."""

    shape: tuple[int, ...]
    """The output block's shape."""
    ext_shape: tuple[int, ...]
    dests: tuple[tuple[slice, ...], ...]
    """Where each input piece goes in the extended block."""
    picks: tuple[int | None, ...]
    """Per input: None for the block itself, else which of a neighbour's
    faces (one task per source block cuts every face its neighbours need,
    so that the halo exchange adds one task per block, not one per face)."""
    zeros: tuple[tuple[slice, ...], ...]
    """Corners of the extended block that no kept output reads."""
    spans: tuple[_Span, ...]
    """One per requested axis."""
    spacings: tuple[Any, ...]
    """Per requested axis: the ``_api.spec`` tuple of a step, the coordinate
    slice ``[lo, hi)`` of NumPy coordinates, or None (Dask coordinates: the
    slice and the decision are task inputs)."""
    schemes: tuple[_call.AxisScheme, ...]
    """One per requested axis, as the kernels take it."""
    otype: np.dtype[Any]
    op: str | None
    """None for the gradient (one output per axis), else the fused operator."""
    n_out: int


class _Graph:
    """The tasks of one call: per output block, one task that assembles each
    input's block with its halo and runs the kernel (the gradient, or the
    fused operator ``op`` of all inputs, which share their chunks)."""

    def __init__(
        self,
        inputs: list[da.Array],
        args: _call.Call,
        spacings: list[_AxisSpacing],
        schemes: list[_call.AxisScheme],
        otype: np.dtype[Any],
        op: str | None = None,
        n_out: int = 0,
    ) -> None:
        f = inputs[0]
        self.inputs = inputs
        self.f = f
        self.args = args
        self.spacings = spacings
        self.schemes = schemes
        self.otype = otype
        self.op = op
        self.n_out = len(args.axes) if op is None else n_out
        names = [x.name for x in inputs]
        token = tokenize(names, args.axes, [_token_of(s) for s in spacings], schemes, otype, op)
        self.name = f"ndgrad-{op or 'gradient'}-{token}"
        self.halo = f"ndgrad-halo-{token}"
        self.dsk: dict[_Key, Any] = {}
        self.starts = [_starts(c) for c in f.chunks]
        # NumPy coordinates that are not equally spaced: each block's
        # (the rows it reads, shifted past the ends of a periodic axis),
        # from the core's pieces of the axis.
        self.coords_of: dict[int, list[NDArray[Any] | None]] = {}
        for k, (ax, sp) in enumerate(zip(args.axes, spacings, strict=True)):
            if isinstance(sp, _Coords):
                blocks = [(st, st + c) for st, c in zip(self.starts[ax], f.chunks[ax], strict=True)]
                _, _, pieces = _ndgrad.pieces(
                    _call.coords_spacing(sp.x), schemes[k], ax, f.shape[ax], blocks
                )
                self.coords_of[k] = [p[3] for p in pieces]

    def _spans(self, index: tuple[int, ...]) -> tuple[_Span, ...]:
        spans = []
        for ax, scheme in zip(self.args.axes, self.schemes, strict=True):
            start = self.starts[ax][index[ax]]
            stop = start + self.f.chunks[ax][index[ax]]
            spans.append(_span(ax, start, stop, self.f.shape[ax], scheme))
        return tuple(spans)

    def _coords_tasks(self, k: int, x: da.Array) -> str:
        """Tasks for Dask coordinates of requested axis ``k``: each block's
        slice ``[lo, hi)``, a summary of the steps each block owns, and the
        whole-array decision. Returns the name prefix of their keys."""
        ax = self.args.axes[k]
        prefix = f"ndgrad-coords-{k}-{tokenize(self.name, x)}"
        xstarts = _starts(x.chunks[0])
        summaries = []
        for b in range(len(self.f.chunks[ax])):
            span = self._spans(_with(b, ax, self.f.ndim))[k]
            pieces: list[_Key] = []
            for i, _, a, stop, _ in _pieces(xstarts, x.chunks[0], span.lo, span.hi):
                start = xstarts[i]
                key = (f"{prefix}-piece", b, len(pieces))
                self.dsk[key] = (_cut, (x.name, i), _Cut((slice(a - start, stop - start),)))
                pieces.append(key)
            self.dsk[(f"{prefix}-slice", b)] = (_concat, pieces)
            # Block b owns the samples [start, stop) and the steps
            # x[i + 1] - x[i] for i in [start, stop).
            own = _Cut((slice(span.start - span.lo, span.stop - span.lo),))
            steps = _Cut((slice(span.start - span.lo, min(span.stop, span.n - 1) + 1 - span.lo),))
            self.dsk[(f"{prefix}-summary", b)] = (_summary, (f"{prefix}-slice", b), steps, own)
            summaries.append((f"{prefix}-summary", b))
        self.dsk[(f"{prefix}-step", 0)] = (
            _decide,
            summaries,
            ax,
            self.f.shape[ax],
            self.schemes[k],
        )
        return prefix

    def outputs(self) -> list[da.Array]:
        f = self.f
        coord_prefix = {
            k: self._coords_tasks(k, s.x)
            for k, s in enumerate(self.spacings)
            if isinstance(s, _LazyCoords)
        }
        self.faces: dict[tuple[int, ...], list[_Cut]] = {}
        indices = list(itertools.product(*(range(len(c)) for c in f.chunks)))
        per_axis: dict[str, dict[_Key, Any]] = {}
        for index in indices:
            if self.op is None:
                for k in range(len(self.args.axes)):
                    out = f"{self.name}-{k}"
                    task = self._axis_task(k, index, coord_prefix)
                    per_axis.setdefault(out, {})[(out, *index)] = task
            else:
                self._block_task(index, coord_prefix)
        for source, cuts in self.faces.items():
            for i, x in enumerate(self.inputs):
                self.dsk[(f"{self.halo}-{i}", *source)] = (
                    _faces,
                    (x.name, *source),
                    _Faces(tuple(cuts)),
                )
        layers: dict[str, Any] = {self.name: MaterializedLayer(self.dsk)}
        deps: dict[str, set[str]] = {self.name: set()}
        lazy = [s.x for s in self.spacings if isinstance(s, _LazyCoords)]
        collections = [*self.inputs, *lazy]
        for c in collections:
            g = c.__dask_graph__()
            layers.update(g.layers)
            deps.update(g.dependencies)
            deps[self.name] |= set(c.__dask_layers__())
        meta = np.empty((0,) * f.ndim, dtype=self.otype)
        outs = []
        for k in range(self.n_out):
            out = f"{self.name}-{k}"
            layer = per_axis.get(out) or {
                (out, *index): (operator.getitem, (self.name, *index), k) for index in indices
            }
            # A gradient block task reads the input's blocks directly too.
            needs = {self.name} | (deps[self.name] if out in per_axis else set())
            graph = HighLevelGraph({**layers, out: MaterializedLayer(layer)}, {**deps, out: needs})
            outs.append(da.Array(graph, out, f.chunks, meta=meta))
        return outs

    def _axis_task(self, k: int, index: tuple[int, ...], coord_prefix: dict[int, str]) -> Any:
        """The task of one output block of the gradient along requested axis
        ``k``: the block, the halo pieces before and after it along that
        axis (faces of the neighbouring blocks, or of the other end of a
        periodic axis), and the spacing."""
        f = self.f
        ax = self.args.axes[k]
        shape = tuple(c[i] for c, i in zip(f.chunks, index, strict=True))
        if 0 in shape:
            return (np.empty, shape, self.otype)
        start = self.starts[ax][index[ax]]
        span = _span(ax, start, start + shape[ax], f.shape[ax], self.schemes[k])
        sides: list[tuple[list[_Key], list[int]]] = []
        for lo, hi in ((span.lo, span.start), (span.stop, span.hi)):
            keys: list[_Key] = []
            picks: list[int] = []
            for i, st, a, b, _ in _pieces(self.starts[ax], f.chunks[ax], lo, hi):
                source = _with_at(index, ax, i)
                cut = tuple(
                    slice(a - st, b - st) if d == ax else slice(None) for d in range(f.ndim)
                )
                faces = self.faces.setdefault(source, [])
                picks.append(len(faces))
                faces.append(_Cut(cut))
                keys.append((f"{self.halo}-0", *source))
            sides.append((keys, picks))
        reach, min_len = _ndgrad.reach(self.schemes[k])
        m = span.stop - span.start
        head = _ndgrad.input_rows(self.schemes[k], span.start, span.start + min(reach, m), span.n)
        tail = _ndgrad.input_rows(self.schemes[k], span.stop - min(reach, m), span.stop, span.n)
        assert head is not None and tail is not None
        direct = (
            m >= max(min_len, 2 * reach)
            and (head[0], tail[1]) == (span.lo, span.hi)
            and head[1] <= span.stop
            and tail[0] >= span.start
        )
        coords: Any = None
        spacing: Any
        match self.spacings[k]:
            case _LazyCoords():
                prefix = coord_prefix[k]
                coords = [(f"{prefix}-slice", index[ax]), (f"{prefix}-step", 0)]
                spacing = None
            case _Coords():
                spacing = self.coords_of[k][index[ax]]
            case _Step(value):
                spacing = _api.spec(value)
            case _:
                spacing = _api.spec(_api.UNIT)
        plan = _AxisBlock(
            shape=shape,
            span=span,
            before=tuple(sides[0][1]),
            after=tuple(sides[1][1]),
            spacing=spacing,
            scheme=self.schemes[k].one_sided(),
            reach=reach,
            head=head,
            tail=tail,
            direct=direct,
            otype=self.otype,
        )
        return (_axis_block, plan, (f.name, *index), sides[0][0], sides[1][0], coords)

    def _block_task(self, index: tuple[int, ...], coord_prefix: dict[int, str]) -> None:
        f = self.f
        shape = tuple(c[i] for c, i in zip(f.chunks, index, strict=True))
        spans = self._spans(index)
        by_dim = {s.dim: s for s in spans}
        # Per dimension: the pieces (source block, its global start, piece
        # [a, b) global, position in the extended block), and the block's own.
        per_dim = []
        own = []
        for d in range(f.ndim):
            s = by_dim.get(d)
            start = self.starts[d][index[d]]
            if s is None or 0 in shape:
                own.append((index[d], start, start, start + shape[d], 0))
                per_dim.append([own[-1]])
            else:
                own.append((index[d], start, start, start + shape[d], start - s.lo))
                per_dim.append(_pieces(self.starts[d], f.chunks[d], s.lo, s.hi))
        ext_shape = [sum(b - a for _, _, a, b, _ in dim) for dim in per_dim]
        pieces: list[list[_Key]] = [[] for _ in self.inputs]
        picks: list[int | None] = []
        dests = []
        zeros = []
        for combo in itertools.product(*per_dim):
            dest = tuple(slice(pos, pos + b - a) for _, _, a, b, pos in combo)
            moved = sum(p != o for p, o in zip(combo, own, strict=True))
            if moved == 0:
                for i, x in enumerate(self.inputs):
                    pieces[i].append((x.name, *index))
                picks.append(None)
            elif moved == 1:
                source = tuple(i for i, _, _, _, _ in combo)
                cut = tuple(slice(a - st, b - st) for _, st, a, b, _ in combo)
                faces = self.faces.setdefault(source, [])
                picks.append(len(faces))
                faces.append(_Cut(cut))
                for i in range(len(self.inputs)):
                    pieces[i].append((f"{self.halo}-{i}", *source))
            else:
                zeros.append(dest)
                continue
            dests.append(dest)
        coords: list[Any] = []
        spacings: list[Any] = []
        for k, (sp, span) in enumerate(zip(self.spacings, spans, strict=True)):
            match sp:
                case _LazyCoords():
                    prefix = coord_prefix[k]
                    coords.append([(f"{prefix}-slice", index[span.dim]), (f"{prefix}-step", 0)])
                    spacings.append(None)
                    continue
                case _Coords():
                    spacings.append(self.coords_of[k][index[span.dim]])
                case _Step(value):
                    spacings.append(_api.spec(value))
                case _Unit():
                    spacings.append(_api.spec(_api.UNIT))
            coords.append(None)
        plan = _Block(
            shape=shape,
            ext_shape=tuple(ext_shape),
            dests=tuple(dests),
            picks=tuple(picks),
            zeros=tuple(zeros),
            spans=spans,
            spacings=tuple(spacings),
            schemes=tuple(sc.one_sided() for sc in self.schemes),
            op=self.op,
            n_out=self.n_out,
            otype=self.otype,
        )
        self.dsk[(self.name, *index)] = (_block, plan, pieces, coords)


def _with(b: int, ax: int, ndim: int) -> tuple[int, ...]:
    index = [0] * ndim
    index[ax] = b
    return tuple(index)


def _with_at(index: tuple[int, ...], ax: int, i: int) -> tuple[int, ...]:
    return (*index[:ax], i, *index[ax + 1 :])


def _token_of(s: _AxisSpacing) -> Any:
    match s:
        case _LazyCoords(x):
            return ("lazy", x.name)
        case _Coords(x):
            return ("coords", x)
        case _Step(value):
            return ("step", type(value).__name__, repr(value))
        case _Unit():
            return ("unit",)


# ------------------------------------------------------------------ the tasks


def _concat(pieces: list[NDArray[Any]]) -> NDArray[Any]:
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)


@dataclass(frozen=True)
class _Summary:
    """What the whole-array decisions need from one block of Dask
    coordinates."""

    step: Any
    """The first step the block owns (None if it owns none: a last block
    of one sample)."""
    equal: bool
    """Whether its other steps equal it."""
    increasing: bool
    """Whether its samples (and the step after them) are finite and
    increasing."""
    first: Any
    last: Any
    """Its first and last coordinates."""


def _summary(x: NDArray[Any], steps: _Cut, own: _Cut) -> _Summary:
    xf = _float_coords(x)
    diffx = np.diff(xf[steps.index])
    mine = xf[own.index]
    with np.errstate(all="ignore"):
        step = diffx[0] if diffx.size else None
        equal = bool((diffx == step).all()) if diffx.size else True
        increasing = bool(np.isfinite(mine).all() and (diffx > 0).all())
    return _Summary(step, equal, increasing, mine[0], mine[-1])


def _decide(summaries: list[_Summary], axis: int, n: int, scheme: _call.AxisScheme) -> Any:
    """NumPy's ``diffx[0]`` if all steps of the whole array equal it (and,
    periodic, the seam's), else None; a periodic axis' period and (for the
    higher-order schemes) increasing coordinates are checked here."""
    step = summaries[0].step
    assert step is not None  # block 0 owns step 0 (an axis has >= 2 samples)
    period = scheme.period
    first, last = summaries[0].first, summaries[-1].last
    with np.errstate(all="ignore"):
        uniform = all(s.step is None or (s.equal and bool(s.step == step)) for s in summaries)
        if period is not None:
            # The core's rule and words (GradientError::PeriodicCoordinates),
            # for every scheme: the ghosts at x[j] ± period need increasing x.
            if not all(s.increasing for s in summaries):
                raise ValueError(
                    f"coordinates of periodic axis {axis} must be finite and strictly "
                    "increasing; they are not"
                )
            span = float(last - first)
            if not (np.isfinite(period) and period > 0 and period > span):
                raise ValueError(
                    f"period of axis {axis} must be finite and greater than x[-1] - x[0] = "
                    f"{span}; got {period}"
                )
            left, right = _seam_steps(first, last, n, period)
            uniform = uniform and bool(left == step) and bool(right == step)
    return step if uniform else None


def _axis_block(
    plan: _AxisBlock,
    block: NDArray[Any],
    before: list[tuple[NDArray[Any], ...]],
    after: list[tuple[NDArray[Any], ...]],
    coords: list[Any] | None,
) -> NDArray[Any]:
    """One output block of the gradient along one axis.

    Differentiating the block alone gives every row whose window the block
    holds; only the first and last ``reach`` rows (when a halo exists on
    that side) are differentiated again, from a thin piece made of the halo
    and the few block rows their windows read. No copy of the block is
    made. Blocks too short for that are extended with their halo instead.
    """
    s = plan.span
    d = s.dim
    ahead = [p[i] for p, i in zip(before, plan.before, strict=True)]
    behind = [p[i] for p, i in zip(after, plan.after, strict=True)]
    spacing = plan.spacing
    if coords is not None:
        x, step = coords
        if step is not None:
            spacing = _api.spec(step)
        elif s.period is not None:
            spacing = _shifted(x, s.lo, s.n, s.period)
        else:
            spacing = x
    native = plan.otype.newbyteorder("=")

    def diff(a: NDArray[Any], lo: int) -> NDArray[Any]:
        """The derivative of samples ``lo, lo + 1, ...`` (``a`` along ``d``)."""
        sp = spacing
        if isinstance(sp, np.ndarray):
            sp = sp[lo - s.lo : lo - s.lo + a.shape[d]]
            sp = _call.coords_spacing(sp, collapse=False)
        out = np.empty(a.shape, dtype=native)
        _api.run(a, [out], [d], [sp], [plan.scheme], 1)
        return out

    def rows(a: int, b: int | None) -> tuple[slice, ...]:
        return (slice(None),) * d + (slice(a, b),)

    if plan.direct:
        out = diff(block, s.start)
        r = plan.reach
        if s.lo < s.start:
            (a, b) = plan.head
            res = diff(np.concatenate([*ahead, block[rows(0, b - s.start)]], axis=d), a)
            out[rows(0, r)] = res[rows(s.start - a, s.start - a + r)]
        if s.hi > s.stop:
            (a, b) = plan.tail
            res = diff(np.concatenate([block[rows(a - s.start, None)], *behind], axis=d), a)
            out[rows(out.shape[d] - r, None)] = res[rows(s.stop - r - a, s.stop - a)]
    else:
        ext = np.concatenate([*ahead, block, *behind], axis=d)
        out = diff(ext, s.lo)[rows(s.start - s.lo, s.stop - s.lo)]
    # NumPy keeps a byte-swapped input's byte order in its output.
    return out if plan.otype.isnative else out.astype(plan.otype)


def _extended(plan: _Block, pieces: list[NDArray[Any]]) -> NDArray[Any]:
    """One input's block with its halo, from the pieces of its neighbours."""
    pieces = [p if k is None else p[k] for p, k in zip(pieces, plan.picks, strict=True)]
    if len(pieces) == 1 and pieces[0].shape == plan.ext_shape:
        return pieces[0]
    ext = np.empty(plan.ext_shape, dtype=pieces[0].dtype)
    for piece, dest in zip(pieces, plan.dests, strict=True):
        ext[dest] = piece
    for dest in plan.zeros:
        ext[dest] = 0
    return ext


def _block(
    plan: _Block, pieces: list[list[NDArray[Any]]], coords: list[list[Any] | None]
) -> tuple[NDArray[Any], ...]:
    """One output block: the gradient along every requested axis, or the
    operator's output(s)."""
    if 0 in plan.shape:
        return tuple(np.empty(plan.shape, dtype=plan.otype) for _ in range(plan.n_out))
    exts = [_extended(plan, p) for p in pieces]
    ext = exts[0]
    spacings = list(plan.spacings)
    for k, c in enumerate(coords):
        if c is not None:
            x, step = c
            span = plan.spans[k]
            if step is not None:
                spacings[k] = _api.spec(step)
            elif span.period is not None:
                spacings[k] = _shifted(x, span.lo, span.n, span.period)
            else:
                spacings[k] = x
    keep = [slice(None)] * ext.ndim
    for s in plan.spans:
        keep[s.dim] = slice(s.start - s.lo, s.stop - s.lo)
    specs = [
        _call.coords_spacing(s, collapse=False) if isinstance(s, np.ndarray) else s
        for s in spacings
    ]
    native = plan.otype.newbyteorder("=")
    outs = [np.empty(ext.shape, dtype=native) for _ in range(plan.n_out)]
    axes = [s.dim for s in plan.spans]
    if plan.op is None:
        _api.run(ext, outs, axes, specs, list(plan.schemes), 1)
    else:
        entry = _call.entry(ext.dtype)
        assert entry is not None  # the call checked the dtype
        entry(plan.op, [_call.native(e) for e in exts], outs, axes, specs, list(plan.schemes), 1)
    kept = [o[tuple(keep)] for o in outs]
    # NumPy keeps a byte-swapped input's byte order in its output.
    return tuple(k if plan.otype.isnative else k.astype(plan.otype) for k in kept)
