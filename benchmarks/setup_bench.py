"""How long a fresh clone takes to set up: the Makefile's way (uv) beside plain pip.

    .venv/bin/python benchmarks/setup_bench.py [--runs 2] [--ref HEAD]

Each run clones the repository (at --ref, a commit of this one) into a temporary folder and
makes its `.venv/` twice, the two ways in turn, each with empty package caches of its own, as
on a new machine:

- `make`: what `make site` and `make test` do first (`make .venv/bin/mkdocs`, which runs
  tools/venv: pip installs uv, uv installs the package with its test tools);
- `pip`: the same venv, pip upgraded, then `pip install --no-compile -e '.[test]'` (the
  set-up before uv).

It prints each one's wall time, then the medians and their ratio. Downloads count: the
figures depend on the network to the package index, so compare the two in one run only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PIP_STEPS = [
    ["{python}", "-m", "venv", ".venv"],
    [".venv/bin/pip", "install", "--quiet", "--upgrade", "pip"],
    [".venv/bin/pip", "install", "--quiet", "--no-compile", "-e", ".[test]"],
]


def python() -> str:
    """The interpreter the Makefile makes .venv/ from (tools/python), for both ways."""
    return subprocess.run([str(ROOT / "tools" / "python")], capture_output=True, text=True,
                          check=True).stdout.strip()


def set_up(way: str, ref: str, work: Path, interpreter: str) -> float:
    clone = work / f"clone-{way}"
    caches = work / f"caches-{way}"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(clone)],
                   check=True)
    subprocess.run(["git", "checkout", "--quiet", ref], cwd=clone, check=True)
    env = {**os.environ, "PIP_CACHE_DIR": str(caches / "pip"),
           "UV_CACHE_DIR": str(caches / "uv"), "PYTHON": interpreter}
    steps = ([["make", "--quiet", ".venv/bin/mkdocs", f"PYTHON={interpreter}"]] if way == "make"
             else [[part.format(python=interpreter) for part in step] for step in PIP_STEPS])
    start = time.perf_counter()
    for step in steps:
        done = subprocess.run(step, cwd=clone, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{way}: {' '.join(step)} failed:\n{done.stderr[-2000:]}")
    wall = time.perf_counter() - start
    found = subprocess.run([".venv/bin/python", "-c", "import commsite, mkdocs, pytest"],
                           cwd=clone, capture_output=True, text=True)
    if found.returncode != 0:
        raise SystemExit(f"{way}: the set-up left no working .venv/:\n{found.stderr}")
    shutil.rmtree(clone)
    shutil.rmtree(caches)
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--ref", default="HEAD", help="the commit to clone (default: HEAD)")
    args = parser.parse_args()
    ref = subprocess.run(["git", "rev-parse", args.ref], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    interpreter = python()
    times: dict[str, list[float]] = {"make": [], "pip": []}
    with tempfile.TemporaryDirectory(prefix="setup-bench-") as folder:
        for run in range(1, args.runs + 1):
            # Alternate which goes first, so that neither always meets a warmer network.
            for way in (("make", "pip") if run % 2 else ("pip", "make")):
                wall = set_up(way, ref, Path(folder), interpreter)
                times[way].append(wall)
                print(f"run {run}: {way:4} {wall:6.1f} s", flush=True)
    make, pip = statistics.median(times["make"]), statistics.median(times["pip"])
    print(f"median of {args.runs}, {ref[:7]} with {interpreter}: make (uv) {make:.1f} s, "
          f"plain pip {pip:.1f} s; make takes {make / pip:.2f} x pip's time")


if __name__ == "__main__":
    main()
