"""Loading shared out between processes gives what one process gives.

A load of many records reads, validates and renders them on every core
(generator/commsite/parallel.py). Each case runs in a fresh interpreter, as `commsite`
and `mkdocs build` do: forking is only used while a process has one thread,
and the test runner may have others.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write_corpus  # noqa: E402

from commsite.project import load_project  # noqa: E402
from commsite.records import load_records  # noqa: E402

from . import zygote  # noqa: E402


def python(code: str, *args: str) -> str:
    done = zygote.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT,
                      capture_output=True, text=True, timeout=300,
                      env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_results_come_back_in_order_from_other_processes():
    out = python("""
        import json, os
        from commsite import parallel
        parallel.cores = lambda: 2  # a one-core machine shares out too, for the test
        results = parallel.map_shares(lambda chunk: [(x * x, os.getpid()) for x in chunk],
                                      range(500))
        print(json.dumps({"squares": [r[0] for r in results],
                          "pids": sorted({r[1] for r in results}), "me": os.getpid()}))
    """)
    got = json.loads(out)
    assert got["squares"] == [x * x for x in range(500)]
    assert got["pids"] and got["me"] not in got["pids"]


def test_many_cores_and_few_items_start_few_processes():
    out = python("""
        import json, os
        from commsite import parallel
        parallel.cores = lambda: 64
        results = parallel.map_shares(lambda chunk: [os.getpid() for x in chunk], range(100))
        print(json.dumps({"pids": sorted(set(results)), "n": len(results), "me": os.getpid()}))
    """)
    got = json.loads(out)
    assert got["n"] == 100 and got["me"] not in got["pids"]
    assert 1 <= len(got["pids"]) <= 100 // 32


@pytest.mark.parametrize("case, code", [
    ("few items", "items = range(parallel.MIN_ITEMS - 1)"),
    ("another thread runs", "items = range(500)\n"
                            "import threading; stop = threading.Event()\n"
                            "threading.Thread(target=stop.wait, daemon=True).start()"),
    ("no semaphores here", "items = range(500)\n"  # as in a container without /dev/shm
                           "def no_pool(*args, **kwargs): raise OSError(38, 'not implemented')\n"
                           "parallel.ProcessPoolExecutor = no_pool"),
])
def test_the_work_stays_in_this_process(case, code):
    out = python(f"""
        import json, os
        from commsite import parallel
        parallel.cores = lambda: 2
{textwrap.indent(code, " " * 8)}
        results = parallel.map_shares(lambda chunk: [os.getpid() for x in chunk], items)
        print(json.dumps({{"pids": sorted(set(results)), "n": len(results), "me": os.getpid()}}))
    """)
    got = json.loads(out)
    assert got["pids"] == [got["me"]]
    assert got["n"] == (63 if case == "few items" else 500)


@pytest.mark.parametrize("chunks_per_core", [8, 400], ids=["while collecting",
                                                        "while still submitting"])
def test_a_killed_worker_costs_time_not_results(chunks_per_core):
    # Repeated, so that a copy dies at every point of the map: before, during and after
    # the chunks are handed out (with 400 chunks a core, handing out takes a while).
    out = python(f"""
        import json, os, threading
        from commsite import parallel
        parallel.cores = lambda: 2
        parallel.CHUNKS_PER_CORE = {chunks_per_core}
        me = os.getpid()

        def work(chunk):
            if os.getpid() != me:
                os._exit(9)  # as the kernel's out-of-memory killer would
            return [x + 1 for x in chunk]

        runs = [parallel.map_shares(work, range(3000)) for _ in range(25)]
        print(json.dumps({{"right": all(r == list(range(1, 3001)) for r in runs),
                          "threads": threading.active_count(), "left": parallel._work}}))
    """)
    assert json.loads(out) == {"right": True, "threads": 1, "left": None}


CHECK = """
    import sys
    from commsite import cli, parallel
    parallel.cores = lambda: 2
    if sys.argv[2] == "one process":
        parallel.MIN_ITEMS = 10 ** 9
    cli.main(["-f", sys.argv[1], "--build-date", "2026-01-01", "check"])
"""


def test_check_reports_the_same_findings_and_fills_the_cache_either_way(tmp_path):
    config = write_corpus(150, tmp_path / "project", pdf=False)
    project = config.parent
    files = [f for folder in ("bulletins", "webinars", "content/notices")
             for f in sorted((project / folder).glob("*.md"))]
    bad_date, personal, dead_link, bad_yaml = files[3], files[60], files[101], files[140]
    bad_date.write_text(bad_date.read_text().replace("date: 20", "date: 31/02/20", 1))
    personal.write_text(personal.read_text() + "\nA patient, NHS number 943 476 5919, wrote.\n")
    dead_link.write_text(dead_link.read_text() + "\nSee [the old page](../no-such-record/).\n")
    bad_yaml.write_text(bad_yaml.read_text().replace("audience:", "audience: [la", 1))

    shared = python(CHECK, str(config), "shared out")
    cache = project / ".commsite-cache" / "bodies.json"
    stamp = cache.stat().st_mtime_ns
    alone = python(CHECK, str(config), "one process")

    assert shared == alone
    lines = shared.splitlines()
    rel = lambda path: path.relative_to(project).as_posix()  # noqa: E731
    assert any(line.startswith(f"{rel(bad_date)}:3: date: '31/02/20") for line in lines)
    assert any(line.startswith(f"{rel(personal)}:") and "an NHS number (ending …19" in line
               for line in lines)
    assert any(line.startswith(f"{rel(dead_link)}:") and "'../no-such-record/' leads to no page"
               in line for line in lines)
    assert any(line.startswith(f"{rel(bad_yaml)}:") for line in lines)
    assert len(lines) == 4, lines
    # Every body the shared-out run rendered was kept: the next run rendered none, so it
    # left the cache file as it was.
    assert cache.stat().st_mtime_ns == stamp


def test_a_build_loads_the_same_records_either_way(tmp_path):
    config = write_corpus(100, tmp_path / "project", pdf=False)
    out = python("""
        import sys
        from pathlib import Path
        from commsite import body, parallel
        from commsite.project import load_project
        from commsite.records import load_records
        parallel.cores = lambda: 2
        settings = load_project(Path(sys.argv[1]))
        shared = load_records(settings)
        parallel.MIN_ITEMS = 10 ** 9
        body._kept = {}  # render every body again, here
        settings.cache_dir = Path(sys.argv[1]).parent / "other-cache"
        alone = load_records(settings)
        print(len(shared), shared == alone, [r.body.html for r in shared] == [r.body.html for r in alone])
    """, str(config))
    assert out.split() == ["100", "True", "True"]


def test_ctrl_c_during_a_shared_out_check_stops_it_cleanly(tmp_path):
    config = write_corpus(1000, tmp_path / "project", pdf=False)
    command = Path(sys.executable).parent / "commsite"
    check = subprocess.Popen([command, "-f", config, "check"], start_new_session=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    children = Path(f"/proc/{check.pid}/task/{check.pid}/children")
    deadline = time.monotonic() + 60
    while not children.read_text().split() and time.monotonic() < deadline:
        time.sleep(0.01)  # until the workers are rendering
    workers = children.read_text().split()
    assert workers, "the check finished before it shared out its work"
    os.killpg(check.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    out, err = check.communicate(timeout=60)
    assert check.returncode == 130
    assert err.strip().splitlines() == ["commsite check: interrupted"]
    assert out == ""
    def running():
        alive = []
        for pid in workers:
            try:
                if Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z":
                    alive.append(pid)
            except FileNotFoundError:  # gone, as it should be
                pass
        return alive
    deadline = time.monotonic() + 10  # the workers end with the check, not later
    while running() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not running()


def test_loading_another_project_between_two_loads_leaves_each_cache_as_it_was(tmp_path):
    # A process that loads several projects in turn (a tool that builds several sites, a
    # test run) reads each project's body cache; it never rewrites one whose bodies are
    # all there because it last loaded another project.
    first = load_project(write_corpus(20, tmp_path / "first", pdf=False))
    second = load_project(write_corpus(20, tmp_path / "second", pdf=False, seed=2))
    load_records(first)
    load_records(second)
    caches = [s.cache_dir / "bodies.json" for s in (first, second)]
    stamps = [c.stat().st_mtime_ns for c in caches]
    for settings in (first, second, first):
        assert len(load_records(settings)) == 20
    assert [c.stat().st_mtime_ns for c in caches] == stamps
