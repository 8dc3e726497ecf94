"""How long `commsite check` takes on 1,000 records: `python benchmarks/check_bench.py [--n 1000]`.

Runs the installed command as an author would, in a fresh process each time (so
imports count), on a synthetic project (benchmarks/corpus.py):
- cold: no cache folder (a fresh clone, or the first check after an upgrade):
  every body is rendered, on every core;
- warm: the rendered bodies a previous check or build left in the cache folder;
- cold in one process (the same command with sharing out turned off), to show
  what sharing the work between cores buys on this machine.
Prints the median of each, with CPU time (user + system, all processes) beside
the wall-clock time. Goal: under 2 seconds.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402
from commsite.project import load_project  # noqa: E402

ONE_PROCESS = ("import sys; from commsite import cli, parallel; parallel.MIN_ITEMS = 10**9; "
               "sys.exit(cli.main(sys.argv[1:]))")


def timed(argv: list[str]) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds of one run, and its last line on stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"commsite check failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stderr.strip().splitlines()[-1]


def summary(name: str, runs: list[tuple[float, float, str]]) -> float:
    walls = [r[0] for r in runs]
    print(f"  {name:<24} median {statistics.median(walls):.2f} s (min {min(walls):.2f}, "
          f"max {max(walls):.2f}, {len(runs)} runs); CPU {statistics.median(r[1] for r in runs):.2f} s")
    return statistics.median(walls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    command = shutil.which("commsite", path=str(Path(sys.executable).parent))
    with tempfile.TemporaryDirectory(prefix="commsite-check-") as tmp:
        config = write_corpus(args.n, Path(tmp) / "project", pdf=False)
        cache = load_project(config).cache_dir  # where the rendered bodies are kept
        check = ["-f", str(config), "check"]
        cold, warm, alone = [], [], []
        for _ in range(args.runs):  # interleaved, so a busy spell on the machine hits all three
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(timed([command, *check]))
            warm.append(timed([command, *check]))
            shutil.rmtree(cache, ignore_errors=True)
            alone.append(timed([sys.executable, "-c", ONE_PROCESS, *check]))
        print(f"commsite check, {args.n} records, {os.cpu_count()} cores (goal: under 2 s):")
        cold_s = summary("cold", cold)
        summary("warm", warm)
        alone_s = summary("cold, one process", alone)
        print(f"  sharing out between cores: cold takes {cold_s / alone_s:.2f} of the one-process time")
        print(f"  last run said: {warm[-1][2]}")


if __name__ == "__main__":
    main()
