"""Helpers for the PDF tests: a small project, a build through the core or MkDocs,
and ways to read a PDF back as a reader, a screen reader and an attacker would.
Imported by test_pdf.py and test_pdf_safety.py.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import threading
import urllib.request
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from commsite.settings import Settings
from commsite.site import Site

from . import zygote

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(
    r"PDFs: (\d+) rendered, (\d+) reused from the cache, (\d+) failed, in [\d.]+ s")
PROGRESS = re.compile(r"PDFs: (\d+)/(\d+) done, (\d+) reused, (\d+) failed, [\d.]+ s")

BULLETIN = """---
title: "LA Bulletin – 12 July 2018"
date: 2018-07-12
audience: la
summary: Anti-spoofing progress and a Portal update.
topics: [Anti-spoofing, Portal]
---

Welcome to the July edition of the LA bulletin.

## Anti-spoofing

Organisations that run their own email domains should publish a DMARC record.

- Check your domains.
- Publish the record.

## Portal update

| Date | Change |
| --- | --- |
| 3 July | New reports |

### Reports for Local Administrators

The new reports list inactive accounts.
"""

WEBINAR = """---
title: LA Webinar – 3 July 2018
date: 2018-07-03
audience: la
summary: Service performance and the inactive account clean-up.
qa:
  - question: Will shared mailboxes be deleted?
    answer: No. Shared mailboxes are **excluded**.
---

The July webinar for Local Administrators.
"""

NOTICE = """---
title: Use secure passwords
date: 2017-09-13
audience: [users, la]
summary: How to choose a password that is hard to guess.
---

Your password expires every 90 days.
"""


def png(width: int = 4, height: int = 4) -> bytes:
    """A small valid PNG (grey), written by hand so tests need no image library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def project(root: Path, extra: dict[str, str | bytes] | None = None) -> Path:
    """A small project: a bulletin, a webinar and a notice (plus `extra` files)."""
    files = {"bulletins/2018-07-12-la-bulletin.md": BULLETIN,
             "webinars/2018-07-03-la-webinar.md": WEBINAR,
             "content/notices/2017-09-13-use-secure-passwords.md": NOTICE,
             "content/index.md": "---\ntitle: Communications\n---\n\nOur communications.\n",
             **(extra or {})}
    for rel, content in files.items():
        write(root, rel, content)
    return root


def settings(root: Path, **options) -> Settings:
    return Settings(root=root, cache_dir=options.pop("cache_dir", root / "cache"), **options)


def build(root: Path, **options) -> tuple[Site, str, list[str], list[str]]:
    """One build of the PDFs through the core: (site, summary, reports, warnings)."""
    reports, warnings = [], []
    site = Site(settings(root, **options), report=reports.append, warn=warnings.append)
    site.load()
    try:
        site.start_pdfs()
        summary = site.finish_pdfs()
    finally:
        site.close()
    return site, summary, reports, warnings


def counts(summary: str) -> tuple[int, int, int]:
    match = SUMMARY.search(summary)
    assert match, summary
    return tuple(int(n) for n in match.groups())


def record(site: Site, slug: str):
    return next(r for r in site.records if r.slug == slug)


def page_texts(path: Path | bytes) -> list[str]:
    """Each page's text as PDFium reads it back, line by line as printed (a hyphen that PDFium
    marks as ending a line reads as the hyphen and the line break it is). PDFium, not pypdf:
    the same lines in a fraction of the time (issue 12's notes give the figures)."""
    pdf = pdfium.PdfDocument(path if isinstance(path, bytes) else str(path))
    try:
        return [pdf[i].get_textpage().get_text_bounded().replace("\r\n", "\n")
                .replace("\x02", "-\n") for i in range(len(pdf))]
    finally:
        pdf.close()


def text_of(path: Path | bytes) -> str:
    """The whole PDF's text, one space between words."""
    return " ".join(" ".join(page_texts(path)).split())


def every_byte(path: Path) -> bytes:
    """The file as stored plus every stream decoded: where an embedded file would be."""
    reader = PdfReader(path)
    parts = [path.read_bytes()]
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = IndirectObject(number, 0, reader).get_object()
        except Exception:  # free entries and objects in object streams read as None or fail
            continue
        if hasattr(obj, "get_data"):
            try:
                parts.append(obj.get_data())
            except Exception:
                pass
    return b"\n".join(parts)


def embedded_files(path: Path) -> list[str]:
    """Names of embedded files and file-attachment annotations: both must be empty."""
    reader = PdfReader(path)
    found = []
    names = reader.trailer["/Root"].get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        found.append("/EmbeddedFiles")
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            if annot.get_object().get("/Subtype") == "/FileAttachment":
                found.append("/FileAttachment")
    return found


def outline_titles(items) -> list[str]:
    titles = []
    for item in items:
        titles += outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


@pytest.fixture
def spy_server():
    """A loopback HTTP server that notes every request it gets (and serves a PNG)."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(png())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    # The spy works: a request reaches it and is noted.
    urllib.request.urlopen(f"http://127.0.0.1:{port}/probe", timeout=10).read()
    assert requests == ["/probe"]
    requests.clear()
    yield port, requests
    server.shutdown()
    server.server_close()


@pytest.fixture
def secrets(tmp_path):
    """Bytes that must never reach a PDF: /etc/passwd, /etc/hostname and a file of ours
    outside the record's folder (whose content is unique, so a hit cannot be chance)."""
    outside = write(tmp_path, "outside/secret.txt", f"SECRET-{uuid.uuid4().hex}\n")
    found = {"outside": outside.read_bytes().strip()}
    for name in ("/etc/passwd", "/etc/hostname"):
        data = Path(name).read_bytes().strip() if Path(name).is_file() else b""
        if len(data) >= 4:
            found[name] = data.splitlines()[0]
    return outside, found


def hostile_html(port: int, secret: Path) -> str:
    """Every way a pasted fragment could try to read a file or call the network."""
    return f"""
<p>Before the traps.</p>
<img src="file:///etc/passwd" alt="passwd">
<img src="file://{secret}" alt="secret">
<a rel="attachment" href="file:///etc/passwd">passwd as an attachment</a>
<a rel="attachment" href="file://{secret}">secret as an attachment</a>
<link rel="attachment" href="file:///etc/passwd">
<link rel="attachment" href="file://{secret}">
<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
<p style="background: url(file:///etc/hostname)">A styled paragraph.</p>
<style>p {{ background-image: url(file://{secret}) }}
h2 {{ background: url(http://127.0.0.1:{port}/background.png) }}
@import url(http://127.0.0.1:{port}/imported.css);</style>
<img src="file:///dev/urandom" alt="noise">
<img src="http://127.0.0.1:{port}/image.png" alt="remote">
<object data="file://{secret}">fallback</object>
<embed src="file:///etc/passwd">
<iframe src="file:///etc/passwd"></iframe>
<svg width="10" height="10"><image href="file://{secret}" width="10" height="10"/></svg>
<p>After the traps.</p>
"""


def loadable_hostile_html(port: int, secret: Path) -> str:
    """hostile_html less its <img> tags, which the loader refuses before anything renders
    (images must be files of the record's folder): every other trap reaches the renderer."""
    return "\n".join(line for line in hostile_html(port, secret).splitlines()
                     if not line.startswith("<img"))


def assert_safe(path: Path, found: dict[str, bytes], requests: list[str]) -> None:
    data = every_byte(path)
    text = text_of(path)
    for name, secret in found.items():
        assert secret not in data, f"bytes of {name} in the PDF"
        assert secret.decode(errors="ignore") not in text, f"text of {name} in the PDF"
    assert embedded_files(path) == []
    assert requests == [], "the PDF renderer called the network"
    assert "Before the traps." in text and "After the traps." in text  # rendered, not dropped


def mkdocs_project(root: Path, options: str = "", extra: dict | None = None) -> Path:
    project(root, extra)
    config = (ROOT / "mkdocs.yml").read_text()
    marker = "      old_after_months: 12\n"
    assert marker in config
    (root / "mkdocs.yml").write_text(config.replace(marker, marker + options))
    return root


def mkdocs_build(root: Path, site: str = "site") -> subprocess.CompletedProcess:
    return zygote.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"),
         "--site-dir", str(root / site)],
        timeout=600, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def built_counts(result: subprocess.CompletedProcess) -> tuple[int, int, int]:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if SUMMARY.search(line)]
    assert "INFO" in line and "commsite: PDFs:" in line
    return counts(line)
