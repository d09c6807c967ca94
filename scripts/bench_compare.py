#!/usr/bin/env python3
"""Compares the NumPy-path rows of two sets of `scripts/bench.py --json` runs.

    .venv/bin/python scripts/bench_compare.py --before b1.json b2.json --after a1.json a2.json
    ... --out summary.json   # also write the per-row figures

For each workload in both sets: the median over the runs of the ratio
ndgrad / numpy (from the same interleaved loop, so machine noise cancels as
far as it can), before and after, and the relative change. The median of
the per-row changes is what "same speed" is judged on: a single row of a
shared VM moves by tens of percent between runs of one build.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any


def ratios(paths: list[str]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for p in paths:
        for row in json.loads(Path(p).read_text())["rows"]:
            out.setdefault(row["workload"], []).append(row["ratio"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--before", nargs="+", required=True)
    ap.add_argument("--after", nargs="+", required=True)
    ap.add_argument("--out", help="write the per-row figures to this JSON file")
    args = ap.parse_args()
    before, after = ratios(args.before), ratios(args.after)
    rows: list[dict[str, Any]] = []
    print(f"{'workload':34} {'before':>7} {'after':>7} {'change':>7}")
    for w, rb in before.items():
        if w not in after:
            continue
        b, a = statistics.median(rb), statistics.median(after[w])
        rows.append({"workload": w, "before": b, "after": a, "change": a / b - 1})
        print(f"{w:34} {b:7.3f} {a:7.3f} {100 * (a / b - 1):6.1f}%")
    median = statistics.median(r["change"] for r in rows)
    print(f"median change {100 * median:+.1f}% over {len(rows)} rows")
    if args.out:
        summary = {"runs": {"before": len(args.before), "after": len(args.after)}, "rows": rows}
        summary["median_change"] = median
        Path(args.out).write_text(json.dumps(summary, indent=1) + "\n")


if __name__ == "__main__":
    main()
