"""Publishing a build all at once, or not at all.

A build writes into a staging folder beside the site folder (same file system,
so the final step is a rename, not a copy). Only when every page, PDF and feed
is written does `publish` swap it in. A failure at any stage, or an interrupt,
leaves the published site byte for byte as it was; a staging folder left behind
by a killed build is removed by the next one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

STAGING_MARK = ".commsite-staging-"
OLD_MARK = ".commsite-old-"


def _siblings(site: Path, mark: str):
    if site.parent.is_dir():
        yield from (p for p in site.parent.iterdir() if p.name.startswith(site.name + mark))


def staging_dir(site: Path) -> Path:
    """A fresh staging folder for a build of `site`, clearing what dead builds left."""
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
    os.replace(staging, site)
    shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path | None) -> None:
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
