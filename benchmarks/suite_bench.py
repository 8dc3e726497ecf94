"""How long the test suite takes, and how much of the machine it keeps busy.

    .venv/bin/python benchmarks/suite_bench.py [--runs 1] [pytest arguments, e.g. tests/browser]

Runs `python -m pytest` (the README's `make test` without the install steps, with bytecode
kept as it keeps it) and prints, per run,
its wall time and the busy core-seconds of the whole machine over it (from /proc/stat: the
suite's processes include Chromium, PDF workers and build processes that are not all reaped
by pytest, so `time` sees only part of them), then the wall time against the 120 s target of
issue 12. Run it on a quiet machine: everything else running counts as busy.

This machine's speed drifts by a half and more, from one minute to the next (the same tree
ran in 93 s and in 128 s within the hour). So a reference is measured beside the suite, in
the same run: every 5 s, the CPU time of one fixed pure-Python loop (a million additions, about
a twentieth of a second: 1 % of one core), and their mean, scaled to ten million
additions, is printed with the run. The suite's busy core-seconds divided by it is the
suite's size in loops: a figure that compares across runs where the wall time does not.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 120.0
SAMPLE_EVERY = 5.0


def reference_loop() -> float:
    """CPU seconds of ten million additions at this moment, from one million."""
    start = time.process_time()
    total = 0
    for i in range(10**6):
        total += i
    return (time.process_time() - start) * 10


def sample_reference(until: threading.Event, samples: list[float]) -> None:
    samples.append(reference_loop())
    while not until.wait(SAMPLE_EVERY):
        samples.append(reference_loop())


def busy_jiffies() -> tuple[int, int]:
    """(busy, stolen) clock ticks of every core since boot: busy is user, nice, system, irq
    and softirq (guest time is inside user already); stolen is what the hypervisor gave to
    other machines, kept apart, since it is none of the suite's work."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return user + nice + system + irq + softirq, steal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    args, pytest_args = parser.parse_known_args()
    tick = os.sysconf("SC_CLK_TCK")
    cores = os.cpu_count() or 1
    for run in range(1, args.runs + 1):
        samples: list[float] = []
        stop = threading.Event()
        sampler = threading.Thread(target=sample_reference, args=(stop, samples), daemon=True)
        busy0, steal0 = busy_jiffies()
        sampler.start()
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                               *pytest_args], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})  # as make test
        wall = time.perf_counter() - start
        busy1, steal1 = busy_jiffies()
        busy, steal = (busy1 - busy0) / tick, (steal1 - steal0) / tick
        stop.set()
        sampler.join()
        loop = sum(samples) / len(samples)
        last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"run {run}: {wall:6.1f} s wall, machine busy {busy:6.0f} core-seconds "
              f"({busy / (wall * cores):.0%} of {cores} cores; {steal:.0f} s stolen by the "
              f"hypervisor); {wall / TARGET:.2f} x the "
              f"{TARGET:.0f} s target; pytest: {last}", flush=True)
        print(f"       reference loop {loop:.2f} s (mean of {len(samples)}; {min(samples):.2f}-"
              f"{max(samples):.2f}): the suite is {busy / loop:.0f} loops of work", flush=True)
        if done.returncode != 0:
            sys.exit(done.returncode)


if __name__ == "__main__":
    main()
