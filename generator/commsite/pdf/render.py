"""Print jobs to PDF files: from the cache when it has them, else from the worker pool.

The cache is a folder of `<key>.pdf` files outside the site, where the key
hashes everything that shapes the document (see `document`), each with a
sidecar `<key>.json` (pages, size, sha256) that the worker writes. An entry is
used only when the PDF's bytes match its sidecar: a file cut short or damaged
is rendered again. The sidecar also gives the page count that pages show
beside a PDF link, which reading it from the PDF would cost tens of milliseconds
per file on every build.

Every build that uses an entry touches its sidecar, so the sidecar's time is
when a build last used the entry. At the end of a build, entries no build has
used for `keep_days` days (a record since edited or deleted, a branch long
merged) are removed, with what killed workers left behind: without that the
cache of a site edited daily would grow for ever.

While PDFs render, a progress line goes to `report` every `progress_every`
seconds; `finish()` returns the summary line a build prints.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..parallel import cores
from ..problems import quiet
from .document import PrintJob
from .pool import RenderPool
from .system import speed_warnings
from .worker import sidecar


class PdfFailure(Exception):
    """A record's PDF could not be rendered; the message says why."""


@dataclass(frozen=True)
class Pdf:
    path: Path
    pages: int
    size: int  # bytes


def cached_pdf(path: Path) -> Pdf | None:
    """The cache entry at `path` if it is whole and its sidecar vouches for it, else None."""
    try:
        meta = json.loads(sidecar(path).read_text(encoding="utf-8"))
        if path.stat().st_size != meta["size"]:
            return None  # cut short or replaced: not read at all
        data = path.read_bytes()
        if (data.startswith(b"%PDF-") and len(data) == meta["size"]
                and hashlib.sha256(data).hexdigest() == meta["sha256"]):
            return Pdf(path, int(meta["pages"]), len(data))
    except (OSError, ValueError, TypeError, KeyError):
        pass  # missing, unreadable or not our JSON: render again
    return None


@dataclass
class Stats:
    total: int = 0
    rendered: int = 0
    reused: int = 0
    failed: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def progress(self) -> str:
        done = self.rendered + self.reused + self.failed
        return (f"PDFs: {done}/{self.total} done, {self.reused} reused, {self.failed} failed, "
                f"{self.elapsed:.1f} s")

    def __str__(self) -> str:
        return (f"PDFs: {self.rendered} rendered, {self.reused} reused from the cache, "
                f"{self.failed} failed, in {self.elapsed:.1f} s")


# Names the cache owns: `<key>.pdf`, `<key>.json` (key: a SHA-256), and temporary files.
# Anything else in the folder (the body cache, say) is left alone.
ENTRY = re.compile(r"[0-9a-f]{64}\.(pdf|json)")
LEFTOVER_AFTER = 24 * 3600  # seconds: no build runs this long, so a .tmp this old is dead


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0  # missing: as old as can be


class PdfRenderer:
    def __init__(self, cache_dir: Path, workers: int = 0, timeout: float = 60.0,
                 report: Callable[[str], None] = quiet, warn: Callable[[str], None] = quiet,
                 progress_every: float = 2.0, keep_days: float = 30):
        self.cache_dir = Path(cache_dir)
        self.keep_days = keep_days
        self.workers = workers or cores()  # the cores this process may use
        self.timeout = timeout
        self.report = report
        self.warn = warn
        self.progress_every = progress_every
        self.stats = Stats()
        self.pool: RenderPool | None = None
        self._lock = threading.Lock()
        self._last_line = self.stats.started
        self._done: dict[str, Pdf | PdfFailure] = {}  # by key
        self._pending: dict[str, Future] = {}

    def path(self, job: PrintJob) -> Path:
        return self.cache_dir / f"{job.key}.pdf"

    def submit(self, job: PrintJob) -> Path:
        """Queue a job, or take its PDF from the cache; returns where the PDF will be."""
        target = self.path(job)
        with self._lock:
            self.stats.total += 1
            if job.key in self._done or job.key in self._pending:
                self.stats.reused += 1  # the same document twice: rendered once
                return target
        pdf = cached_pdf(target)
        if pdf is not None:
            try:
                os.utime(sidecar(target))  # used now: see "keep_days"
            except OSError:
                pass  # a read-only cache still serves; it is only never pruned
            with self._lock:
                self._done[job.key] = pdf
                self.stats.reused += 1
            return target
        if self.pool is None:
            for message in speed_warnings():  # once per build, and only when it matters
                self.warn(message)
            try:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise PdfFailure(f"the PDF cache folder {self.cache_dir} cannot be made "
                                 f"({err.strerror}); set cache_dir to a folder you can "
                                 "write") from None
            try:  # before any PDF is rendered: every worker would fail on it, one by one
                with tempfile.TemporaryFile(dir=self.cache_dir) as probe:
                    probe.write(b"commsite")
            except OSError as err:
                raise PdfFailure(f"the PDF cache folder {self.cache_dir} cannot be written "
                                 f"({err.strerror}); set cache_dir to a folder you can "
                                 "write") from None
            self.pool = RenderPool(self.workers, self.timeout, on_done=self._finished)
        with self._lock:  # held so that _finished cannot run before the job is known
            self._pending[job.key] = self.pool.submit(job, str(target))
        return target

    def _finished(self, job: PrintJob, target: str, result: dict) -> None:
        # Runs in the pool's dispatcher thread, before the job's future completes.
        for note in result["notes"]:
            self.report(f"{job.source}: PDF: {note}")
        with self._lock:
            if result["error"]:
                self._done[job.key] = PdfFailure(result["error"])
                self.stats.failed += 1
            else:
                self._done[job.key] = Pdf(Path(target), result["pages"], result["size"])
                self.stats.rendered += 1
            self._pending.pop(job.key, None)
            now = time.monotonic()
            line = None
            if now - self._last_line >= self.progress_every:
                self._last_line, line = now, self.stats.progress()
        if line:
            self.report(line)

    def wait(self, job: PrintJob) -> Pdf:
        """The finished PDF of a submitted job; PdfFailure says why there is none."""
        with self._lock:
            future = self._pending.get(job.key)
        if future is not None:
            future.result()  # the pool completes every future: a timeout fails it
        with self._lock:
            outcome = self._done[job.key]
        if isinstance(outcome, PdfFailure):
            raise outcome
        return outcome

    def finish(self) -> str:
        """Wait for every job and stop the workers; returns the summary line."""
        with self._lock:
            futures = list(self._pending.values())
        for future in futures:
            future.result()
        if self.pool is not None:
            self.pool.close()
        summary = str(self.stats)
        removed = self.prune() if self.stats.total and self.keep_days > 0 else 0
        if removed:
            summary += f"; {removed} cache file(s) unused for {self.keep_days:g} days removed"
        return summary

    def prune(self) -> int:
        """Remove the cache entries no build has used for `keep_days` days, and the
        temporary files of workers killed over a day ago; returns how many files went."""
        now = time.time()
        removed = 0
        try:
            names = os.listdir(self.cache_dir)
        except OSError:
            return 0
        for name in names:
            path = self.cache_dir / name
            if ENTRY.fullmatch(name):
                entry = path.with_suffix(".pdf")
                limit = self.keep_days * 86400
                # The later of the two times: the sidecar is touched on use, the PDF written.
                stamps = [_mtime(entry), _mtime(sidecar(entry))]
            elif name.endswith(".tmp"):
                limit, stamps = LEFTOVER_AFTER, [_mtime(path)]
            else:
                continue
            if now - max(stamps) > limit:
                try:
                    path.unlink()
                    removed += 1
                except OSError:
                    pass  # gone already (another build pruning), or not ours to remove
        return removed

    def close(self) -> None:
        """Stop at once (a failed or interrupted build): workers killed, jobs failed."""
        if self.pool is not None:
            self.pool.close(abort=True)
