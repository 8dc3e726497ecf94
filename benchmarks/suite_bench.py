"""How long the test suite takes, and how much of the machine it keeps busy.

    .venv/bin/python benchmarks/suite_bench.py [--runs 1] [pytest arguments, e.g. tests/browser]

Runs `python -m pytest` (the README's `make test` without the install steps) and prints, per run,
its wall time and the busy core-seconds of the whole machine over it (from /proc/stat: the
suite's processes include Chromium, PDF workers and build processes that are not all reaped
by pytest, so `time` sees only part of them), then the wall time against the 120 s target of
issue 12. Run it on a quiet machine: everything else running counts as busy.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 120.0


def busy_jiffies() -> tuple[int, int]:
    """(busy, all) clock ticks of every core since boot."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    args, pytest_args = parser.parse_known_args()
    tick = os.sysconf("SC_CLK_TCK")
    cores = os.cpu_count() or 1
    for run in range(1, args.runs + 1):
        busy0, _ = busy_jiffies()
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                               *pytest_args], cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
        busy = (busy_jiffies()[0] - busy0) / tick
        last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"run {run}: {wall:6.1f} s wall, machine busy {busy:6.0f} core-seconds "
              f"({busy / (wall * cores):.0%} of {cores} cores); {wall / TARGET:.2f} x the "
              f"{TARGET:.0f} s target; pytest: {last}", flush=True)
        if done.returncode != 0:
            sys.exit(done.returncode)


if __name__ == "__main__":
    main()
