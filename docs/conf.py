"""Sphinx configuration of the ndgrad documentation site (scripts/docs)."""

from __future__ import annotations

import doctest

import ndgrad

project = "ndgrad"
author = "The ndgrad developers"
copyright = "2026, The ndgrad developers"
version = release = ndgrad.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "numpydoc",
]
exclude_patterns = ["_build"]
# Signatures without annotations: the parameter types are in the docstrings.
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()
# Every ``>>>`` block of every page is a doctest (`scripts/docs` runs them).
doctest_global_setup = """
import numpy as np
import ndgrad
"""
# As pytest runs the package's docstrings (pyproject.toml).
doctest_default_flags = (
    doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.DONT_ACCEPT_TRUE_FOR_1
)
trim_doctest_flags = True
html_theme = "alabaster"
html_title = f"ndgrad {release}"
html_static_path: list[str] = []
