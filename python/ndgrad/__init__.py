"""ndgrad: ``numpy.gradient`` in Rust, with the same bits, faster.

>>> import numpy as np, ndgrad
>>> ndgrad.gradient(np.array([1.0, 2.0, 4.0, 7.0, 11.0, 16.0]))
array([1. , 1.5, 2.5, 3.5, 4.5, 5. ])
"""

from ndgrad._api import derivative, gradient, set_output_cache
from ndgrad._ndgrad import __version__
from ndgrad._operators import curl, divergence, laplacian, magnitude

__all__ = [
    "__version__",
    "curl",
    "derivative",
    "divergence",
    "gradient",
    "laplacian",
    "magnitude",
    "set_output_cache",
]
