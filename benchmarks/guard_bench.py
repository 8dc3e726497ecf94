"""What the build's guard costs: `python benchmarks/guard_bench.py [--n 1000]`.

A build loads its records once, through the audit `commsite check` prints
(checks.audit: validation, personal data, links, template text, file types). This
times, in one warm process on a synthetic project (benchmarks/corpus.py), that
audit beside the loader alone (records.load_records: what a build did before it
guarded publication), so the difference is the guard's price per build.
Prints the median of several runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

from commsite.checks import audit  # noqa: E402
from commsite.project import load_project  # noqa: E402
from commsite.records import load_records  # noqa: E402


def median_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="commsite-guard-") as tmp:
        settings = load_project(write_corpus(args.n, Path(tmp) / "project", pdf=False))
        load_records(settings)  # renders every body once: both timings below are warm
        loader = median_of(args.runs, lambda: load_records(settings))
        guarded = median_of(args.runs, lambda: audit(settings))
        report = audit(settings)
        print(f"{args.n} records, warm, median of {args.runs}:")
        print(f"  loader alone (validation)      {loader:.3f} s")
        print(f"  audit (the build's guard)      {guarded:.3f} s  "
              f"(+{guarded - loader:.3f} s, {len(report.findings)} findings, "
              f"{len(report.stops)} stop the build)")


if __name__ == "__main__":
    main()
