"""Rendering print jobs to PDF files: in worker processes, through a cache.

WeasyPrint is CPU-bound and single-threaded, so PDFs render in a pool of
processes (one per core by default) while the host goes on building HTML.
WeasyPrint is imported inside the workers only: the host process never pays
for it when every PDF comes from the cache.

The cache is a folder of `<key>.pdf` files outside the site, where the key
hashes everything that shapes the document (see `document.print_job`). A file
is written under a temporary name and renamed into place, so an interrupted
build never leaves a half-written PDF that a later build would trust; a cached
file that does not look like a whole PDF is rendered again.
"""

from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path

from .document import RENDER_OPTIONS, PrintJob


class PdfFailure(Exception):
    """A record's PDF could not be rendered; the message names the record."""


def is_whole_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            if f.read(5) != b"%PDF-":
                return False
            f.seek(max(0, path.stat().st_size - 1024))
            return b"%%EOF" in f.read()
    except OSError:
        return False


def _render(job: PrintJob, target: str) -> str | None:
    """Runs in a worker: render one job to `target`. Returns an error message or None."""
    try:
        from weasyprint import HTML

        from .fetcher import SafeFetcher

        tmp = f"{target}.{os.getpid()}.tmp"
        HTML(string=job.html, base_url=job.base_url,
             url_fetcher=SafeFetcher(list(job.allowed))).write_pdf(tmp, **RENDER_OPTIONS)
        os.replace(tmp, target)
        return None
    except Exception as err:  # any failure becomes that record's message, never a traceback
        return f"{type(err).__name__}: {err}"


@dataclass
class Stats:
    rendered: int = 0
    reused: int = 0
    failed: int = 0
    started: float = field(default_factory=time.monotonic)

    def __str__(self) -> str:
        return (f"PDFs: {self.rendered} rendered, {self.reused} reused from the cache, "
                f"{self.failed} failed, in {time.monotonic() - self.started:.1f} s")


class PdfRenderer:
    def __init__(self, cache_dir: Path, workers: int = 0, timeout: float = 60.0):
        self.cache_dir = Path(cache_dir)
        self.workers = workers or os.cpu_count() or 1
        self.timeout = timeout
        self.stats = Stats()
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: dict[str, tuple[PrintJob, Future | None]] = {}

    def path(self, job: PrintJob) -> Path:
        return self.cache_dir / f"{job.key}.pdf"

    def submit(self, job: PrintJob) -> Path:
        """Queue a job (or reuse its cached PDF); returns where the PDF will be."""
        target = self.path(job)
        if is_whole_pdf(target):
            self.stats.reused += 1
            self._jobs[job.slug + job.key] = (job, None)
            return target
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        self._jobs[job.slug + job.key] = (job, self._pool.submit(_render, job, str(target)))
        return target

    def wait(self, job: PrintJob) -> Path:
        """The finished PDF of a submitted job; PdfFailure if it could not be made."""
        _, future = self._jobs[job.slug + job.key]
        target = self.path(job)
        if future is not None:
            try:
                error = future.result(timeout=self.timeout)
            except FutureTimeout:
                error = f"took longer than {self.timeout:.0f} s"
            self._jobs[job.slug + job.key] = (job, None)
            if error:
                self.stats.failed += 1
                raise PdfFailure(error)
            self.stats.rendered += 1
        if not is_whole_pdf(target):
            raise PdfFailure("the rendered file is not a whole PDF")
        return target

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._jobs.clear()


def copy_pdf(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
