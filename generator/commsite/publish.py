"""Publishing a build all at once, or not at all.

A build writes into a staging folder beside the site folder (same file system,
so the final step is a rename, not a copy). Only when every page, PDF and feed
is written does `publish` swap it in. A failure at any stage, or an interrupt,
leaves the published site byte for byte as it was; a staging folder left behind
by a killed build is removed by the next one.

One build of a site runs at a time: a build holds an advisory lock (`flock`) on a
file beside the site folder from before it makes its staging folder until it has
published or discarded it, and a second build waits for it, saying so. So a
staging folder found while holding the lock is one whose build is no longer
running (the kernel drops a killed build's lock), and only such folders are
removed. Without the lock, a second build would delete the folder the first is
writing, and the first would publish half a site.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

try:
    import fcntl
except ImportError:  # Windows: no advisory locks here; one build at a time is then up to you
    fcntl = None

STAGING_MARK = ".commsite-staging-"
OLD_MARK = ".commsite-old-"
LOCK_MARK = ".commsite-lock"
WAITING = "another build of this site is running; waiting"


class SiteLock:
    """The hold of one build on a site folder; `release()` (or the process's end) lets go."""

    def __init__(self, site: Path, report: Callable[[str], None]):
        site = Path(site).resolve()
        site.parent.mkdir(parents=True, exist_ok=True)
        self.path = site.parent / f".{site.name}{LOCK_MARK}"
        self._file = open(self.path, "a+b")  # never truncated: it holds nothing but the lock
        if fcntl is None:
            return
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            report(WAITING)
            fcntl.flock(self._file, fcntl.LOCK_EX)

    def release(self) -> None:
        if not self._file.closed:
            self._file.close()  # closing drops the flock


def _siblings(site: Path, mark: str):
    if site.parent.is_dir():
        yield from (p for p in site.parent.iterdir() if p.name.startswith(site.name + mark))


def staging_dir(site: Path) -> Path:
    """A fresh staging folder for a build of `site`, clearing what dead builds left.
    The caller holds the SiteLock: every other staging folder is a dead build's."""
    site = Path(site).resolve()
    for leftover in (*_siblings(site, STAGING_MARK), *_siblings(site, OLD_MARK)):
        shutil.rmtree(leftover, ignore_errors=True)
    staging = site.parent / f"{site.name}{STAGING_MARK}{os.getpid()}"
    staging.mkdir(parents=True)
    return staging


def publish(staging: Path, site: Path) -> None:
    """Swap the finished staging folder in as the site."""
    site = Path(site).resolve()
    old = site.parent / f"{site.name}{OLD_MARK}{os.getpid()}"
    if site.exists():
        os.replace(site, old)
    try:
        os.replace(staging, site)
    except OSError:
        if old.exists():
            os.replace(old, site)  # the published site back in its place
        raise
    shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path | None) -> None:
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)


def write_failure(error: OSError, staging: Path | None, site: Path | None) -> str:
    """What an author reads when the disk refuses a build (full, read-only, no permission), said
    of the site folder they know rather than the staging folder the build was writing:
    'the site could not be written: No space left on device: site/x/index.html; ...'"""
    where = str(error.filename2 or error.filename or "")  # a copy's is its destination
    if staging is not None and site is not None and where.startswith(str(staging)):
        where = str(site) + where[len(str(staging)):]  # the path the author knows
    what = f"{error.strerror or error}: {where}" if where else f"{error.strerror or error}"
    kept = f"; the published site {site} is as it was" if site is not None else ""
    return f"commsite: the site could not be written: {what}{kept}"
