"""Complex data at the edges of the floating-point range, bit for bit with
numpy.gradient, signs of zero included (issue 15, defect 1).

NumPy multiplies a real coefficient by a complex sample as a complex
product, the coefficient promoted with a `+0` imaginary part; its SIMD
multiply loop fuses the multiply-adds where the CPU has FMA (and NumPy's
scalar math, used at the edges of 1-D arrays, does not). When the product of
a coefficient and a tiny part underflows, that decides the sign of the zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from conftest import check
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# Magnitudes whose products with coefficients near 1 (or near 1e-300 / 1e300)
# underflow, are subnormal, or overflow. Zeros and the smallest subnormals
# come first and are drawn most: a zero's sign only shows when every term of
# a sum is a zero of the same sign.
TINY = {
    np.complex128: [0.0, 5e-324, 1e-323, 1e-320],
    np.complex64: [0.0, 1e-45, 3e-45, 1e-40],
}
OTHER = {
    np.complex128: [2.2250738585072014e-308, 1e-300, 1e-3, 1.0, 1e300, 1.7976931348623157e308],
    np.complex64: [1.1754944e-38, 1e-30, 1e-3, 1.0, 1e30, 3.4e38],
}


@st.composite
def tiny_complex(draw: st.DrawFn, shape: tuple[int, ...]) -> np.ndarray:
    dtype = draw(st.sampled_from([np.complex128, np.complex64]))
    magnitude = st.sampled_from(TINY[dtype] * 6 + OTHER[dtype])
    part = st.builds(lambda m, s: s * m, magnitude, st.sampled_from([1.0, -1.0]))
    real = dtype(0).real.dtype
    z = np.empty(shape, dtype=dtype)
    z.real = draw(hnp.arrays(real, shape, elements=part.map(real.type)))
    z.imag = draw(hnp.arrays(real, shape, elements=part.map(real.type)))
    return z


STEPS = st.sampled_from(
    [
        1.0,
        0.3,
        -2.5,
        1e-300,
        3e-320,
        1e300,
        np.float64(0.7),
        np.float64(1e-300),
        np.float64(-4e-310),
        np.float64(2e305),
        np.float32(1.1),
        np.float32(1e-40),
    ]
)


@st.composite
def coordinates(draw: st.DrawFn, n: int) -> Any:
    kind = draw(st.sampled_from(["float64", "uint64", "int64", "float32"]))
    steps = draw(hnp.arrays(np.int64, n, elements=st.integers(1, 9)))
    if kind == "float64":
        scale = draw(st.sampled_from([1.0, 0.1, 1e-300, 1e300]))
        return np.cumsum(steps * scale)
    if kind == "float32":
        return np.cumsum(steps * 0.1).astype(np.float32)
    if kind == "uint64":
        return (np.cumsum(steps) + 2**40).astype(np.uint64)
    return np.cumsum(steps) - 20


@settings(max_examples=300)
@given(data=st.data())
def test_tiny_complex_values_match_numpy_bit_for_bit(data: st.DataObject) -> None:
    shape = data.draw(
        st.sampled_from([(2,), (3,), (5,), (9,), (70,), (3, 4), (4, 3), (2, 70), (5, 2)]),
        label="shape",
    )
    f = data.draw(tiny_complex(shape), label="f")
    edge_order = data.draw(st.sampled_from([1, 2]), label="edge_order")
    if edge_order == 2 and min(shape) < 3:
        edge_order = 1
    spacing = []
    for n in shape:
        form = data.draw(st.sampled_from(["step", "coords"]))
        spacing.append(data.draw(STEPS if form == "step" else coordinates(n)))
    if data.draw(st.booleans(), label="default spacing"):
        spacing = []
    check(f, *spacing, edge_order=edge_order)


def test_the_reported_cases() -> None:
    """The two shapes of the fuzzer's report (uint64 coordinates with edge
    order 1, and a tiny scalar step), on fixed random data made of the
    smallest subnormals and signed zeros."""
    rng = np.random.default_rng(15)
    for _ in range(60):
        n = int(rng.integers(3, 8))
        z = np.empty(n, dtype=np.complex128)
        z.real = rng.choice([0.0, 5e-324, 1e-323], size=n) * rng.choice([-1.0, 1.0], size=n)
        z.imag = rng.choice([0.0, 5e-324, 1e-323], size=n) * rng.choice([-1.0, 1.0], size=n)
        x = (np.cumsum(rng.integers(1, 9, size=n)) + 2**40).astype(np.uint64)
        for edge_order in (1, 2):
            check(z, x, edge_order=edge_order)
            check(z, 1e-300, edge_order=edge_order)
            check(z, np.float64(2e300), edge_order=edge_order)
        f2 = np.stack([z, -z, z[::-1]])
        check(f2, 1.0, x, edge_order=1)
        check(f2.T.copy(), x, 3e-320, edge_order=2)
