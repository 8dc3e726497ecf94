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
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from html import escape, unescape
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

from ..fileinfo import describe
from ..pages import long_date, make_environment
from ..urls import absolute
from .worker import RENDER_OPTIONS

HERE = Path(__file__).parent
TEMPLATES = HERE  # print.html and print.css
WORKER_CODE = ("worker.py", "guard.py", "fetcher.py", "tagging.py")  # what runs in the workers
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
    for part in (_version("weasyprint"), _version("pydyf"), _version("pikepdf"),
                 repr(sorted(RENDER_OPTIONS.items())),
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


# An <a> start tag of sanitised HTML (nh3 writes attributes in double quotes) and its href.
_A_TAG = re.compile(r"<a\b[^>]*>")
_HREF = re.compile(r'\shref="([^"]*)"')


def absolute_links(html: str, page_url: str) -> str:
    """Every link of a body or answer as a PDF needs it: in-page anchors stay (the PDF
    has the same headings), the rest become absolute addresses resolved against the
    record's page. Without a page address (no site_url) a link to the site has nowhere
    to go from a PDF, so it is left out and its text kept; WeasyPrint would otherwise
    point it at the build machine's folders (file:///...)."""
    def rewrite(tag: re.Match) -> str:
        def one(href: re.Match) -> str:
            value = unescape(href.group(1))
            if value.startswith("#"):
                return href.group(0)
            target = urljoin(page_url, value) if page_url else value
            if urlsplit(target).scheme not in ("http", "https", "mailto", "tel"):
                return ""  # no address outside this PDF: text only
            return f' href="{escape(target)}"'
        return _HREF.sub(one, tag.group(0))
    return _A_TAG.sub(rewrite, html)


@lru_cache(maxsize=1024)
def _describe(path: Path, size: int, mtime_ns: int) -> str:
    return describe(path).describe()


def file_description(path: Path) -> str:
    """'PDF, 48 KB, 3 pages', read once per version of the file."""
    stat = path.stat()
    return _describe(path, stat.st_size, stat.st_mtime_ns)


def start_time(record) -> str:
    """'3 July 2018 at 14:00 BST, for 60 minutes', in the time zone the author gave."""
    if record.start is None:
        return ""
    text = f"{long_date(record.start)} at {record.start:%H:%M} {record.start.tzname() or ''}"
    if record.duration:
        text = f"{text.rstrip()}, for {int(record.duration.total_seconds() // 60)} minutes"
    return text.strip()


def print_html(record, catalogue) -> str:
    settings = catalogue.settings
    site_url = settings.site_url

    def address(target: str) -> str:  # an absolute address of the site, or ''
        return absolute(site_url, target)

    def local(file) -> SimpleNamespace:
        target = record.url + file.href
        return SimpleNamespace(title=file.title, info=file_description(file.path),
                               url=address(target), path="/" + target)

    page_url = address(record.url)
    replacement = catalogue.replacement(record)
    deadline_ics = record.url + record.slug + "-deadline.ics"
    calendar_ics = record.url + record.slug + ".ics"
    has_calendar = bool(record.start and record.duration)
    return _environment(TEMPLATES).get_template("print.html").render(
        record=record, settings=settings,
        css=(TEMPLATES / "print.css").read_text(encoding="utf-8"),
        logo=settings.logo.as_uri() if settings.logo else "",
        body=absolute_links(record.body.html, page_url),
        qa=[(entry.question, absolute_links(entry.answer_html, page_url)) for entry in record.qa],
        audiences=[catalogue.audience_label(a) for a in record.audiences],
        topics=[t.label for t in catalogue.topics_of(record)], is_old=catalogue.is_old(record),
        type_url=address(record.type.url + "/"),
        audience_links=[(catalogue.audience_label(a), address(f"audiences/{a}/"))
                        for a in record.audiences],
        topic_links=[(t.label, address(t.url)) for t in catalogue.topics_of(record)],
        replacement=replacement,
        replacement_url=address(replacement.url) if replacement else "",
        replacement_path="/" + replacement.url if replacement else "",
        deadline_ics=address(deadline_ics), deadline_ics_path="/" + deadline_ics,
        start=start_time(record),
        calendar_ics=address(calendar_ics) if has_calendar else "",
        calendar_ics_path="/" + calendar_ics if has_calendar else "",
        slides=local(record.slides) if record.slides else None,
        attachments=[local(a) for a in record.attachments],
        page_url=page_url, page_path="/" + record.url)


def print_job(record, catalogue) -> PrintJob:
    html = print_html(record, catalogue)
    digest = hashlib.sha256()
    for part in (renderer_fingerprint(), html):
        digest.update(part.encode())
        digest.update(b"\0")
    # The images are drawn into the PDF: their bytes shape it. Attachments and slides are
    # only named in it, with their format, size and pages, which the print HTML holds:
    # their bytes are not read, so a 2 GB recording costs a build no reading.
    for local in record.images:
        digest.update(f"{local.rel}\0{file_digest(local.path)}\0".encode())
    folder = str(record.folder)
    allowed = (folder,)
    logo = catalogue.settings.logo
    if logo:  # the fetcher may read this one file besides the record's folder
        digest.update(f"logo\0{file_digest(logo)}\0".encode())
        allowed += (str(logo),)
    return PrintJob(slug=record.slug, source=record.source, html=html, base_url=folder + "/",
                    allowed=allowed, key=digest.hexdigest())
