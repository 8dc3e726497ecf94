"""`python -m mkdocs build` for the tests, without importing MkDocs again for every build.

A build of a small project spends most of its CPU importing MkDocs, Material, Markdown,
jsonschema and commsite, and the tests build many small projects a run (the figures are in
the notes of issue 12; benchmarks/suite_bench.py measures the suite). So each test worker
keeps one process that has imported them (a zygote), and each build is a fork of it: still a
process of its own, with its own working folder, environment, output, exit code and PDF
workers, started as `python -m mkdocs` starts (`runpy`, as `-m` does), so a build cannot see
what another build or the tests did. A `python -c` script (a test's build in a process of
its own, driven through MkDocs' API) is run the same way, in a `__main__` of its own.

Only a build run to its end goes this way (`run`, as `subprocess.run`): a test that signals,
kills or watches its build as a process starts it with `subprocess` itself. A build whose
environment needs another `PYTHONPATH` (a fake host on the path) runs as a real process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

# What a build imports before it reads a record (the heavy part of `-X importtime`), commsite
# included (its modules make nothing from the environment when imported: the template
# cache's folder, from TMPDIR, is found at first use, in the build). Not the modules run
# as __main__ (runpy warns when they are already imported).
PRELOAD = ("click", "mkdocs.commands.build", "mkdocs.commands.serve", "mkdocs.config.defaults",
           "mkdocs.structure.files", "mkdocs.structure.pages", "mkdocs.livereload",
           "colorama", "jinja2", "markdown", "markdown.extensions.toc",
           "markdown.extensions.tables", "markdown.extensions.extra",
           "markdown.extensions.abbr", "markdown.extensions.attr_list",
           "markdown.extensions.def_list", "markdown.extensions.fenced_code",
           "markdown.extensions.footnotes", "markdown.extensions.admonition",
           "markdown.extensions.codehilite", "markdown.extensions.md_in_html",
           "markdown.extensions.sane_lists", "pygments", "pygments.formatters.html",
           "pymdownx", "jsonschema", "yaml", "slugify", "breame", "defusedxml", "nh3",
           "tinycss2", "multiprocessing", "concurrent.futures", "difflib", "PIL.Image", "pypdf",
           "pypdf.filters", "material", "material.templates", "pagefind_bin",
           "commsite.plugin.plugin", "commsite.hosts.zensical", "commsite.project")
MODULES = ("mkdocs", "commsite.cli")

ZYGOTE = r"""
import json, os, runpy, sys, tempfile, time, types
sys.path[:0] = json.loads(sys.argv[1])
for name in json.loads(sys.argv[2]):
    __import__(name)
import importlib.metadata
importlib.metadata.entry_points()  # MkDocs looks up its plugins and themes here
import PIL.Image
PIL.Image.init()  # Pillow imports its image plugins at the first image a build opens
import gc
gc.freeze()  # what is loaded is never garbage: each build's collector skips it, and leaves its
             # pages shared with this process instead of copying them (figures: issue 12's notes)
answer = os.fdopen(os.dup(1), "w", buffering=1)
for line in sys.stdin:
    job = json.loads(line)
    sys.stdout.flush(); sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        # the build's own process, as `python -m <module> <args>` in <cwd> with <env>
        answer.close()
        os.chdir(job["cwd"])
        os.environ.clear(); os.environ.update(job["env"]); time.tzset()
        tempfile.tempdir = None  # found again from this environment's TMPDIR
        null = os.open(os.devnull, os.O_RDONLY); os.dup2(null, 0); os.close(null)
        for fd, path in ((1, job["out"]), (2, job["err"])):
            out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(out, fd); os.close(out)
        sys.path[0] = job["cwd"]
        if "code" in job:  # as `python -c <code> <args>`: a __main__ of its own
            main = types.ModuleType("__main__")
            sys.modules["__main__"] = main
            sys.argv = ["-c", *job["args"]]
            exec(compile(job["code"], "<string>", "exec"), main.__dict__)
        else:
            sys.argv = [job["module"], *job["args"]]
            runpy.run_module(job["module"], run_name="__main__", alter_sys=True)
        sys.exit(0)
    answer.write(json.dumps({"pid": pid}) + "\n")
    _, status = os.waitpid(pid, 0)
    answer.write(json.dumps({"rc": os.waitstatus_to_exitcode(status)}) + "\n")
"""


class _Zygote:
    def __init__(self):
        paths = [p for p in sys.path if p]
        self.process = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE, json.dumps(paths), json.dumps(PRELOAD)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        self.lock = threading.Lock()

    def alive(self) -> bool:
        return self.process.poll() is None

    def _answer(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the tests' build zygote ended")
        return json.loads(line)

    def run(self, argv: list[str], cwd: Path, env: dict[str, str],
            timeout: float | None) -> subprocess.CompletedProcess:
        flag, what, *args = argv[1:]
        with self.lock, tempfile.TemporaryDirectory(prefix="zygote-") as tmp:
            out, err = Path(tmp) / "out", Path(tmp) / "err"
            job = {"module" if flag == "-m" else "code": what, "args": args, "cwd": str(cwd),
                   "env": env, "out": str(out), "err": str(err)}
            self.process.stdin.write(json.dumps(job) + "\n")
            self.process.stdin.flush()
            pid = self._answer()["pid"]
            # A build past its time is killed; the zygote then says how it ended, as always.
            expired = threading.Event()

            def expire() -> None:
                expired.set()
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass  # it ended meanwhile

            timer = threading.Timer(timeout, expire) if timeout is not None else None
            if timer is not None:
                timer.start()
            try:
                code = self._answer()["rc"]
            finally:
                if timer is not None:
                    timer.cancel()
            if expired.is_set():
                raise subprocess.TimeoutExpired(argv, timeout, out.read_text(), err.read_text())
            return subprocess.CompletedProcess(argv, code,
                                               out.read_text(errors="replace"),
                                               err.read_text(errors="replace"))


_zygote: _Zygote | None = None


def run(argv: list[str], *, cwd: Path | str | None = None, env: dict[str, str] | None = None,
        timeout: float | None = None, capture_output: bool = True,
        text: bool = True) -> subprocess.CompletedProcess:
    """`subprocess.run(argv, capture_output=True, text=True, ...)` for `python -m mkdocs`,
    `python -m commsite.cli` and `python -c <code>`, through the worker's zygote; other
    commands as they are."""
    global _zygote
    assert capture_output and text, "the zygote's builds give their output as text"
    env = dict(os.environ if env is None else env)
    forkable = (len(argv) > 2 and argv[0] == sys.executable
                and (argv[1] == "-m" and argv[2] in MODULES or argv[1] == "-c")
                and hasattr(os, "fork")
                and env.get("PYTHONPATH") == os.environ.get("PYTHONPATH")
                and env.get("NO_MKDOCS_2_WARNING"))
    if not forkable:
        return subprocess.run(argv, capture_output=True, text=True, cwd=cwd, env=env,
                              timeout=timeout)
    if _zygote is None or not _zygote.alive():
        _zygote = _Zygote()
    return _zygote.run(list(argv), Path(cwd or os.getcwd()).resolve(), env, timeout)
