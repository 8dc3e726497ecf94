"""A record as print HTML, with the key that says when its PDF must be rendered again.

The key hashes the print HTML itself rather than a list of the things that go
into it: the record's fields, its body, the labels and site options the template
shows, the template and its CSS all end up in that HTML, so no change to any of
them (nor to code that feeds them) can leave a stale PDF in the cache. Beside
the HTML, the key covers what shapes the PDF from outside it: the bytes of the
record's images (embedded), attachments and slides (named), the WeasyPrint and
pydyf versions, the render options, the code that runs in the workers, and the
system's font files (fontconfig picks the fonts: an upgraded or a new font can
change any PDF, if only by a glyph taken from another font).
Rendering the HTML costs well under a millisecond a record, so a build with no
change pays little for this certainty.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ..pages import make_environment
from ..urls import absolute
from .worker import RENDER_OPTIONS

HERE = Path(__file__).parent
TEMPLATES = HERE  # print.html and print.css
WORKER_CODE = ("worker.py", "guard.py", "fetcher.py")  # what runs in the workers
# Where fontconfig finds fonts on Linux and macOS (its default configuration). Their
# names, sizes and times are hashed (a few dozen files, once per build).
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
             "/Library/Fonts", "/System/Library/Fonts", "~/Library/Fonts")


@dataclass(frozen=True)
class PrintJob:
    slug: str
    source: str  # the record's file, relative to the project: for messages
    html: str
    base_url: str  # relative URLs in the body resolve against the record's folder
    allowed: tuple[str, ...]  # folders the fetcher may read
    key: str  # hash of everything that shapes the PDF


@lru_cache(maxsize=4)
def _environment(folder: Path):
    return make_environment(folder)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def fonts_fingerprint() -> str:
    digest = hashlib.sha256()
    for folder in FONT_DIRS:
        for path, folders, files in os.walk(os.path.expanduser(folder)):
            folders.sort()
            for name in sorted(files):
                try:
                    stat = os.stat(os.path.join(path, name))
                except OSError:
                    continue
                digest.update(f"{path}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def renderer_fingerprint() -> str:
    """What shapes every PDF from outside its HTML (read once per process)."""
    digest = hashlib.sha256()
    for part in (_version("weasyprint"), _version("pydyf"), repr(sorted(RENDER_OPTIONS.items())),
                 *((HERE / name).read_text(encoding="utf-8") for name in WORKER_CODE),
                 fonts_fingerprint()):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=4096)
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    # Keyed by size and mtime as well, so `mkdocs serve` sees a replaced image.
    with open(path, "rb") as file:  # in chunks: an attachment may be far bigger than memory
        return hashlib.file_digest(file, "sha256").hexdigest()


def file_digest(path: Path) -> str:
    stat = path.stat()
    return _file_digest(path, stat.st_size, stat.st_mtime_ns)


def print_html(record, catalogue) -> str:
    settings = catalogue.settings
    return _environment(TEMPLATES).get_template("print.html").render(
        record=record, settings=settings,
        css=(TEMPLATES / "print.css").read_text(encoding="utf-8"),
        audiences=[catalogue.audience_label(a) for a in record.audiences],
        topics=[t.label for t in catalogue.topics_of(record)], is_old=catalogue.is_old(record),
        page_url=absolute(settings.site_url, record.url))


def print_job(record, catalogue) -> PrintJob:
    html = print_html(record, catalogue)
    digest = hashlib.sha256()
    for part in (renderer_fingerprint(), html):
        digest.update(part.encode())
        digest.update(b"\0")
    for local in record.local_files:  # images, attachments, slides
        digest.update(f"{local.rel}\0{file_digest(local.path)}\0".encode())
    folder = str(record.folder)
    return PrintJob(slug=record.slug, source=record.source, html=html, base_url=folder + "/",
                    allowed=(folder,), key=digest.hexdigest())
