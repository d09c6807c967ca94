"""A short run of the differential fuzzer (scripts/fuzz_numpy.py): random
calls of every dtype, layout, spacing form, axis and edge order, ndgrad
against numpy.gradient bit for bit (or the same exception class)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fuzz_numpy.py"
SEED = 20260
CASES = 2000


def load_fuzzer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_numpy", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fuzz_numpy", module)
    spec.loader.exec_module(module)
    return module


fuzz = load_fuzzer()


def test_random_calls_match_numpy() -> None:
    failures = []
    for i in range(CASES):
        case = fuzz.make_case(fuzz.case_rng(SEED, i))
        diff = fuzz.compare(case)
        if diff is not None:
            failures.append(f"case {i}: {diff}\n{case.snippet()}")
    assert not failures, (
        f"{len(failures)} of {CASES} cases differ from NumPy "
        f"(replay: scripts/fuzz_numpy.py --seed {SEED} --only I):\n\n" + "\n\n".join(failures[:3])
    )


def test_cases_are_deterministic_per_seed() -> None:
    a = fuzz.make_case(fuzz.case_rng(SEED, 7))
    b = fuzz.make_case(fuzz.case_rng(SEED, 7))
    assert a.snippet() == b.snippet()
