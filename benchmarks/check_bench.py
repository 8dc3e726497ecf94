"""How long `commsite check` takes on 1,000 records: `python benchmarks/check_bench.py [--n 1000]`.

Runs the installed command as an author would, in a fresh process each time (so
imports count), on a synthetic project (benchmarks/corpus.py). The first run is
cold (no cache folder yet: every body is rendered); later runs find the rendered
bodies a previous check or build left in .cache/commsite, as an author's do.
Prints the cold run and the median of the warm ones. Goal: under 2 seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    command = shutil.which("commsite", path=str(Path(sys.executable).parent))
    with tempfile.TemporaryDirectory(prefix="commsite-check-") as tmp:
        config = write_corpus(args.n, Path(tmp) / "project", pdf=False)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            done = subprocess.run([command, "-f", str(config), "check"], capture_output=True,
                                  text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
            times.append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                raise SystemExit(f"commsite check failed:\n{done.stderr}")
        warm = times[1:] or times
        print(f"commsite check, {args.n} records: cold (first run) {times[0]:.2f} s; warm median "
              f"{statistics.median(warm):.2f} s (min {min(warm):.2f}, max {max(warm):.2f}, "
              f"{len(warm)} runs); goal under 2 s")
        print(f"last run said: {done.stderr.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
