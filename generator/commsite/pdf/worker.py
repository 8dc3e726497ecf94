"""What runs inside a PDF worker process: one print job in, one cached PDF out.

WeasyPrint is imported here, inside functions, and nowhere else: the host
process imports this module only to name `serve` as the workers' entry point,
and never pays WeasyPrint's import time or memory (the pool preloads it in the
process the workers are forked from instead; see `pool`).

A worker writes the PDF and a small sidecar (`<key>.json`: pages, size, sha256)
under temporary names and renames them into place, sidecar first. The cache
trusts a PDF only when the sidecar vouches for its exact bytes, so a file cut
short by a crash, a full disk or a killed worker is never mistaken for a PDF.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
from pathlib import Path

# The options every PDF is written with; part of the cache key.
RENDER_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_identifier": False}


def sidecar(target: Path) -> Path:
    return target.with_suffix(".json")


def temporary_files(target: Path, pid: int) -> tuple[Path, Path]:
    """Where the worker `pid` writes before renaming: removed if it is killed mid-write."""
    return (target.with_name(f"{target.name}.{pid}.tmp"),
            target.with_name(f"{target.stem}.{pid}.json.tmp"))


class _Notes(logging.Handler):
    """Collects WeasyPrint's warnings for one job, so the host can report them
    against the record instead of them spilling, unattributed, onto stderr."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.notes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = " ".join(record.getMessage().split())
        if message not in self.notes:
            self.notes.append(message)


def render_job(job, target: str) -> dict:
    """Render `job` to `target`; returns {'error': str | None, 'pages', 'size', 'notes',
    'pid'}."""
    from weasyprint import HTML

    from .fetcher import SafeFetcher
    from .guard import strip_unsafe
    from .tagging import repair

    notes = _Notes()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(notes)
    logger.propagate = False
    target_path = Path(target)
    tmp, meta_tmp = temporary_files(target_path, os.getpid())
    try:
        html = HTML(string=job.html, base_url=job.base_url,
                    url_fetcher=SafeFetcher(list(job.allowed)))
        removed = strip_unsafe(html.etree_element)
        if removed:
            notes.notes.append(f"left out of the PDF: {', '.join(sorted(set(removed)))}")
        # What HTML.write_pdf does, in two steps, to learn the page count.
        document = html.render(**RENDER_OPTIONS)
        document.write_pdf(tmp, **RENDER_OPTIONS)
        repair(str(tmp))  # PDF/UA faults of WeasyPrint's tags (see tagging)
        data = tmp.read_bytes()
        meta_tmp.write_text(json.dumps({"pages": len(document.pages), "size": len(data),
                                        "sha256": hashlib.sha256(data).hexdigest()}))
        os.replace(meta_tmp, sidecar(target_path))
        os.replace(tmp, target_path)
        return {"error": None, "pages": len(document.pages), "size": len(data),
                "notes": notes.notes, "pid": os.getpid()}
    except Exception as err:  # any failure becomes that record's message, never a traceback
        for leftover in (tmp, meta_tmp):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                pass  # a read-only or vanished cache folder: nothing was written there
        return {"error": f"{type(err).__name__}: {err}", "pages": 0, "size": 0,
                "notes": notes.notes, "pid": os.getpid()}
    finally:
        logger.removeHandler(notes)


def serve(conn) -> None:
    """A worker's main loop: render the jobs the host sends until it sends None or goes."""
    # Ctrl-C reaches every process of the terminal's group; the host decides what
    # to stop, and a worker printing its own KeyboardInterrupt would only add noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job, target = message
        conn.send(render_job(job, target))
