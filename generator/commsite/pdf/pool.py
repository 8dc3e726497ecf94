"""Worker processes that render print jobs, each job under a time limit.

`concurrent.futures.ProcessPoolExecutor` cannot stop one task: a render stuck on
a pathological document would hold its worker until the build ends, and
`result(timeout=...)` measures how long the caller waited, not how long the
render ran. So the pool is ours, and small: every worker has its own pipe; a
dispatcher thread hands a job to an idle worker and notes the time; a job past
the limit has its worker killed and replaced, and fails with a message that
names the limit. A worker that dies (a crash in a C library) fails its job the
same way and is replaced, so one bad record never stalls the others.

Workers are forked from a server process that has WeasyPrint imported already
(multiprocessing's "forkserver" start method, where the platform has it): a new
worker, including a replacement for a killed one, starts in milliseconds; none
inherits the host's memory or threads; and the host process never imports
WeasyPrint. The dispatcher thread starts the workers, so the host goes on
building HTML while the server starts.

Whatever fails in the dispatcher thread itself, every future still completes: the
pool keeps each open task apart from the workers, and a failure of the thread fails
them all with its reason, as does a job submitted after it ended.

Why not pebble.ProcessPool (per-task timeout, worker replacement after N tasks,
per-task failure on a crash)? It was tried behind this same interface (issue 12,
item 5; the trial is described in that issue's notes): the PDF fault tests passed,
but `benchmarks/pdf_bench.py --n 200` (2 cores, load average about 12, one run of
each in turn) did not keep its figures: PDF stage 2.00 x the bare WeasyPrint loop
against 1.20 x for this pool (wall clock), peak PSS 253 MiB against 247 MiB, with the
same CPU time (1.06 x and 1.07 x the loop). Its manager threads poll in 0.1 s steps
where this dispatcher waits on the pipes, and its public API does not say which worker
renders a job, which the clean-up of a killed worker's temporary files needs.
So this pool stays.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
import time
from collections import deque
from concurrent.futures import Future
from multiprocessing.connection import wait as wait_ready
from pathlib import Path

from . import worker

# "__main__" as multiprocessing does by default: the server imports the host's main
# module once, so workers need not (a host script guards its entry point with
# `if __name__ == "__main__":`, as any multiprocessing user must). Python 3.11 and 3.12
# skip it (python/cpython#126631): there each worker of a host script imports the script
# itself (for the `commsite` command: commsite.cli); `python -m mkdocs` runs a package's `__main__`,
# which no worker imports again. Then WeasyPrint, through a module that cannot kill the
# server, and the worker's own code (this package's names come lazily: see __init__.py).
PRELOAD = ["__main__", f"{__package__}.preload", worker.__name__]


# A worker grows with every document (WeasyPrint's and Pango's caches), so it is
# replaced after this many: its memory stays bounded on any site, for a fork and a
# first render per replacement (benchmarks/pdf_bench.py measures both).
MAX_JOBS = 100


def _context():
    if "forkserver" in mp.get_all_start_methods():
        context = mp.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)  # ignored once the server runs: same list
        return context
    return mp.get_context("spawn")  # Windows: each worker imports WeasyPrint itself


class _Worker:
    def __init__(self, context):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker.serve, args=(child,), daemon=True,
                                       name="commsite-pdf")
        self.process.start()
        child.close()
        self.task: tuple | None = None  # (job, target, future) while rendering
        self.started = 0.0
        self.jobs = 0

    def stop(self, kill: bool) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                kill = True
        if not kill:
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


def _failed(error: str) -> dict:
    return {"error": error, "pages": 0, "size": 0, "notes": []}


class RenderPool:
    """`submit(job, target)` returns a Future whose result is the worker's dict
    ({'error', 'pages', 'size', 'notes'}); every future completes, whatever happens.
    `on_done(job, target, result)` runs in the dispatcher thread just before the
    future completes, so whoever waits on the future sees its effects."""

    def __init__(self, size: int, timeout: float, on_done=None, max_jobs: int = MAX_JOBS):
        self.size = max(1, size)
        self.timeout = timeout
        self.on_done = on_done
        self.max_jobs = max_jobs
        self._context = None
        self._pending: deque = deque()
        # Every task whose future is not yet complete, wherever it is (queued, being sent,
        # rendering, being retired): what a failure of this pool's own thread must fail.
        self._open: dict[int, tuple] = {}
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        # Wakes the dispatcher when jobs arrive or the pool closes. At most one wake-up
        # is ever unread (`_woken`), so a burst of submissions never fills the pipe.
        self._wake_r, self._wake_w = mp.Pipe(duplex=False)
        self._woken = False
        self._thread: threading.Thread | None = None
        self._closing = False  # no more jobs: stop the workers once they are idle
        self._aborting = False  # stop now: kill the workers, fail what is left
        self._stopped: str | None = None  # why the dispatcher ended, once it has

    def submit(self, job, target: str) -> Future:
        future: Future = Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("the PDF pool is closed")
            if self._stopped is not None:  # no thread is left to render it: fail it now
                future.set_result(_failed(self._stopped))
                return future
            self._pending.append((job, target, future))
            self._open[id(future)] = (job, target, future)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="commsite-pdf-pool",
                                                daemon=True)
                self._thread.start()
            self._wake()
        return future

    def _wake(self) -> None:  # with the lock held
        if not self._woken:
            self._woken = True
            self._wake_w.send_bytes(b"")

    def pids(self, busy: bool = False) -> list[int]:
        """The worker processes now running, or only those rendering (for tests)."""
        with self._lock:
            return [w.process.pid for w in self._workers if w.task or not busy]

    def close(self, abort: bool = False) -> None:
        """Stop the workers: after the submitted jobs are done, or now when `abort`."""
        with self._lock:
            if self._wake_w.closed:  # closed before
                return
            self._closing = True
            self._aborting = self._aborting or abort
            thread = self._thread
            self._wake()
        if thread is not None:
            thread.join()
        self._wake_r.close()
        self._wake_w.close()

    # The dispatcher thread from here on.

    def _run(self) -> None:
        # Whatever goes wrong in this thread, every future completes: a bug or an OSError
        # here fails the jobs with a message, and never leaves the build waiting for ever.
        reason = "not rendered: the PDF renderer stopped first"
        try:
            self._loop()
        except BaseException as err:
            reason = f"the PDF renderer stopped: {type(err).__name__}: {err}"
        finally:
            for w in list(self._workers):  # a worker still busy here is killed, not waited for
                try:
                    w.stop(kill=self._aborting or w.task is not None)
                except BaseException:
                    pass
            self._workers.clear()
            with self._lock:
                self._stopped = reason
            self._fail_all(reason)

    def _loop(self) -> None:
        while True:
            with self._lock:
                aborting = self._aborting
                finished = self._closing and not self._pending and \
                    not any(w.task for w in self._workers)
            if aborting:
                self._fail_all("not rendered: the build stopped first")
                return
            if finished:
                return
            self._assign()
            busy = [w for w in self._workers if w.task]
            now = time.monotonic()
            wait = min((w.started + self.timeout - now for w in busy), default=None)
            ready = wait_ready([w.conn for w in busy] + [self._wake_r],
                               None if wait is None else max(0.0, wait))
            with self._lock:
                if self._woken:
                    self._wake_r.recv_bytes()
                    self._woken = False
            for w in busy:
                if w.conn in ready:
                    self._collect(w)
            now = time.monotonic()
            for w in [w for w in self._workers if w.task and now - w.started >= self.timeout]:
                if w.conn.poll():  # it finished just in time
                    self._collect(w)
                    continue
                self._retire(w, kill=True, error=(
                    f"rendering took longer than the {self.timeout:g} s limit (pdf_timeout), "
                    "so it was stopped; shorten the record or raise pdf_timeout"))

    def _assign(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    return
                idle = next((w for w in self._workers if w.task is None), None)
                if idle is None and len(self._workers) >= self.size:
                    return
            if idle is None:  # started before a job is taken: if it fails, no job is lost
                if self._context is None:
                    self._context = _context()
                idle = _Worker(self._context)
                with self._lock:
                    self._workers.append(idle)
            with self._lock:
                task = self._pending.popleft()
            job, target, _ = task
            try:
                idle.conn.send((job, target))
            except OSError:  # the worker died while idle: replace it, keep the job
                self._retire(idle, kill=True)
                with self._lock:
                    self._pending.appendleft(task)
                continue
            idle.task, idle.started = task, time.monotonic()

    def _collect(self, w: _Worker) -> None:
        try:
            result = w.conn.recv()
        except (EOFError, OSError):
            w.process.join(1)
            self._retire(w, kill=True, error="the PDF renderer process stopped unexpectedly "
                                             f"(exit code {w.process.exitcode})")
            return
        task, w.task = w.task, None
        w.jobs += 1
        if w.jobs >= self.max_jobs:
            self._retire(w, kill=False)
        self._complete(task, result)

    def _retire(self, w: _Worker, kill: bool, error: str | None = None) -> None:
        task, w.task = w.task, None
        with self._lock:
            self._workers.remove(w)
        w.stop(kill=kill)
        if task is not None:  # a killed worker may have been half-way through writing
            for leftover in worker.temporary_files(Path(task[1]), w.process.pid):
                try:
                    leftover.unlink(missing_ok=True)
                except OSError:
                    pass  # a read-only cache: the worker wrote nothing there
        if task is not None and error is not None:
            self._complete(task, _failed(error))

    def _fail_all(self, error: str) -> None:
        with self._lock:
            tasks = list(self._open.values())
            self._pending.clear()
        for task in tasks:
            if not task[2].done():
                try:
                    self._complete(task, _failed(error))
                except BaseException:
                    pass  # on_done failed; _complete has completed the future all the same

    def _complete(self, task: tuple, result: dict) -> None:
        job, target, future = task
        try:
            if self.on_done is not None:
                self.on_done(job, target, result)
        finally:
            with self._lock:
                self._open.pop(id(future), None)
            if not future.done():
                future.set_result(result)
