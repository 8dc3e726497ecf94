"""Every record's PDF, checked the way a reader, a screen reader and an attacker see it.

Most tests drive the core (`Site`, `print_job`, `PdfRenderer`) on a small project
written into a temporary folder: they render real PDFs with WeasyPrint in worker
processes and read them back with pypdf. A few run `mkdocs build` end to end and
read what it prints, as a comms officer would.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
import xml.etree.ElementTree as ET
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from generator.pdf import PdfFailure, PdfRenderer, PrintJob, document, print_job, system
from generator.settings import Settings
from generator.site import BuildFailure, Site

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"PDFs: (\d+) rendered, (\d+) reused from the cache, (\d+) failed, in [\d.]+ s")
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


def text_of(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


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


# --- Accessible PDFs ---------------------------------------------------------------------


def structure_types(node, found=None) -> list[str]:
    found = [] if found is None else found
    node = node.get_object()
    if "/S" in node:
        found.append(str(node["/S"]))
    kids = node.get("/K")
    kids = kids.get_object() if kids is not None else []
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if hasattr(kid, "keys") and "/S" in kid:
            structure_types(kid, found)
    return found


def outline_titles(items) -> list[str]:
    titles = []
    for item in items:
        titles += outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


def test_pdf_is_tagged_pdf_ua_with_language_title_bookmarks_and_text(tmp_path):
    site, _, _, _ = build(project(tmp_path), language="en-GB")
    bulletin = record(site, "2018-07-12-la-bulletin")
    path = site.pdf_path(bulletin)
    reader = PdfReader(path)
    catalog = reader.trailer["/Root"]

    types = structure_types(catalog["/StructTreeRoot"])
    assert types.count("/H1") == 1 and types.count("/H2") == 2 and types.count("/H3") == 1
    for element in ("/P", "/L", "/LI", "/Table", "/TH", "/TD"):
        assert element in types, element
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "en-GB"  # the site's language option, not a default
    assert reader.metadata.title == bulletin.title
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True

    xmp = ET.fromstring(catalog["/Metadata"].get_object().get_data())
    part = "{http://www.aiim.org/pdfua/ns/id/}part"
    parts = [d.get(part) or d.findtext(part) for d in xmp.iter() if d.get(part) or
             d.findtext(part)]
    assert parts == ["1"]

    assert outline_titles(reader.outline) == [
        bulletin.title, "Anti-spoofing", "Portal update", "Reports for Local Administrators"]
    text = text_of(path)
    for words in (bulletin.title, bulletin.summary, "Organisations that run their own email "
                  "domains should publish a DMARC record.", "Publish the record.", "New reports",
                  "Local Administrators", "Anti-spoofing, Portal"):
        assert words in text, words


def test_webinar_pdf_has_its_questions_as_headings_and_bookmarks(tmp_path):
    site, _, _, _ = build(project(tmp_path))
    webinar = record(site, "2018-07-03-la-webinar")
    reader = PdfReader(site.pdf_path(webinar))
    titles = outline_titles(reader.outline)
    assert titles[0] == webinar.title
    assert [q.question for q in webinar.qa] == titles[-len(webinar.qa):]
    assert "Shared mailboxes are excluded." in text_of(site.pdf_path(webinar))


# --- Cache: render again exactly what changed -------------------------------------------


def test_no_change_renders_nothing_and_one_edit_renders_exactly_one(tmp_path):
    root = project(tmp_path)
    site, summary, _, _ = build(root)
    assert counts(summary) == (3, 0, 0)
    assert counts(build(root)[1]) == (0, 3, 0)

    source = root / "bulletins/2018-07-12-la-bulletin.md"
    source.write_text(source.read_text() + "\nOne more sentence for the edit test.\n")
    site, summary, _, _ = build(root)
    assert counts(summary) == (1, 2, 0)
    assert "One more sentence for the edit test." in text_of(
        site.pdf_path(record(site, "2018-07-12-la-bulletin")))
    assert counts(build(root)[1]) == (0, 3, 0)


@pytest.mark.parametrize("damage", ["truncate", "flip-a-byte", "remove-sidecar", "empty"])
def test_a_damaged_cache_entry_is_rendered_again(tmp_path, damage):
    root = project(tmp_path)
    site, _, _, _ = build(root)
    bulletin = record(site, "2018-07-12-la-bulletin")
    cached = site.pdf_path(bulletin)
    data = cached.read_bytes()
    if damage == "truncate":  # as a build killed while copying would leave it
        cached.write_bytes(data[: len(data) // 2])
    elif damage == "flip-a-byte":
        middle = len(data) // 2
        cached.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
    elif damage == "remove-sidecar":
        cached.with_suffix(".json").unlink()
    else:
        cached.write_bytes(b"")

    site, summary, _, _ = build(root)
    assert counts(summary) == (1, 2, 0)
    path = site.pdf_path(record(site, "2018-07-12-la-bulletin"))
    assert path == cached
    assert PdfReader(path).metadata.title == bulletin.title
    assert bulletin.summary in text_of(path)


def key_of(root: Path, slug: str = "2018-07-12-la-bulletin", **options) -> str:
    site = Site(settings(root, **options))
    site.load()
    return print_job(record(site, slug), site.catalogue).key


IMAGE_BULLETIN = BULLETIN.replace("topics: [Anti-spoofing, Portal]\n", (
    "topics: [Anti-spoofing, Portal]\nattachments:\n  - file: files/notes.txt\n"
    "    title: Release notes\n")) + "\n![A grey square](images/chart.png)\n"


def test_the_key_changes_with_everything_that_shapes_the_pdf(tmp_path, monkeypatch):
    root = project(tmp_path, {"bulletins/2018-07-12-la-bulletin.md": IMAGE_BULLETIN,
                              "bulletins/images/chart.png": png(),
                              "bulletins/files/notes.txt": "Version 1 notes."})
    base = key_of(root)
    # Unrelated: the pool, the time limit, another record. The PDF would be the same.
    assert key_of(root, pdf_workers=7, pdf_timeout=5) == base
    write(root, "content/notices/2017-09-13-use-secure-passwords.md", NOTICE + "\nMore.\n")
    assert key_of(root) == base

    changed = {}
    changed["site name"] = key_of(root, site_name="Another organisation")
    changed["site url"] = key_of(root, site_url="https://elsewhere.example.org/")
    changed["language"] = key_of(root, language="cy")
    changed["audience label"] = key_of(root, audiences={"la": "Local admins", "users": "Users"})
    changed["old note"] = key_of(root, old_after_months=10_000)  # no longer "old"
    write(root, "bulletins/images/chart.png", png(5, 5))
    changed["image bytes"] = key_of(root)
    write(root, "bulletins/files/notes.txt", "Version 2 notes.")
    changed["attachment bytes"] = key_of(root)
    write(root, "bulletins/2018-07-12-la-bulletin.md", IMAGE_BULLETIN.replace("July edition",
                                                                              "July issue"))
    changed["record text"] = key_of(root)

    templates = tmp_path / "print-templates"
    shutil.copytree(document.TEMPLATES, templates)
    monkeypatch.setattr(document, "TEMPLATES", templates)
    (templates / "print.css").write_text((templates / "print.css").read_text() + "\nh2 { }\n")
    changed["print CSS"] = key_of(root)
    (templates / "print.html").write_text((templates / "print.html").read_text().replace(
        "<body>", "<body class='v2'>"))
    changed["print template"] = key_of(root)

    monkeypatch.setattr(document, "_version", lambda package: f"{package} 999")
    document.renderer_fingerprint.cache_clear()
    changed["WeasyPrint version"] = key_of(root)
    monkeypatch.setitem(document.RENDER_OPTIONS, "pdf_variant", "pdf/ua-2")
    document.renderer_fingerprint.cache_clear()
    changed["render options"] = key_of(root)
    monkeypatch.undo()
    document.renderer_fingerprint.cache_clear()

    keys = [base, *changed.values()]
    assert len(set(keys)) == len(keys), [name for name, key in changed.items()
                                         if keys.count(key) > 1]


# --- Speed: pool, time limit, progress, the missing library -----------------------------


def jobs_of(root: Path) -> list[PrintJob]:
    site = Site(settings(root))
    site.load()
    return [print_job(r, site.catalogue) for r in site.records]


def test_a_render_past_the_time_limit_fails_that_record_and_its_worker_is_stopped(tmp_path):
    slow, other = jobs_of(project(tmp_path))[:2]
    renderer = PdfRenderer(tmp_path / "cache", workers=1, timeout=0.01)
    try:
        renderer.submit(slow)
        deadline = time.monotonic() + 60
        while not renderer.pool.pids() and time.monotonic() < deadline:
            time.sleep(0.001)
        [hung] = renderer.pool.pids()
        with pytest.raises(PdfFailure) as failure:
            renderer.wait(slow)
        assert str(failure.value) == ("rendering took longer than the 0.01 s limit "
                                      "(pdf_timeout), so it was stopped; shorten the record "
                                      "or raise pdf_timeout")
        assert not renderer.path(slow).exists()
        assert _gone(hung), "the worker that overran is still running"
        # The pool carries on with a new worker.
        renderer.pool.timeout = 60
        renderer.submit(other)
        assert renderer.wait(other).pages >= 1
        assert hung not in renderer.pool.pids()
        assert counts(renderer.finish()) == (1, 0, 1)
    finally:
        renderer.close()


def _gone(pid: int) -> bool:
    for _ in range(500):  # the fork server reaps it a moment after the kill
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.01)
    return False


def test_a_time_out_fails_the_build_naming_the_record_and_the_limit(tmp_path):
    with pytest.raises(BuildFailure) as failure:
        build(project(tmp_path), pdf_timeout=0.01)
    lines = str(failure.value).splitlines()
    assert lines[0] == "3 PDF(s) could not be made; the build stopped:"
    assert ("bulletins/2018-07-12-la-bulletin.md: the PDF could not be made: rendering took "
            "longer than the 0.01 s limit (pdf_timeout), so it was stopped; shorten the record "
            "or raise pdf_timeout") in lines


def test_progress_is_reported_while_rendering_and_summed_up_at_the_end(tmp_path):
    jobs = jobs_of(project(tmp_path))
    lines: list[str] = []
    renderer = PdfRenderer(tmp_path / "cache", report=lines.append, progress_every=0)
    try:
        for job in jobs:
            renderer.submit(job)
        summary = renderer.finish()
    finally:
        renderer.close()
    progress = [tuple(map(int, PROGRESS.fullmatch(line).groups())) for line in lines]
    assert sorted(done for done, *_ in progress) == [1, 2, 3]
    assert {(total, reused, failed) for _, total, reused, failed in progress} == {(3, 0, 0)}
    assert counts(summary) == (3, 0, 0)


def test_a_missing_harfbuzz_subset_is_warned_once_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(system, "harfbuzz_subset_available", lambda: False)
    root = project(tmp_path)
    _, summary, _, warnings = build(root)
    assert counts(summary) == (3, 0, 0)
    assert len(warnings) == 1
    assert "libharfbuzz-subset" in warnings[0]
    assert "apt-get install libharfbuzz-subset0" in warnings[0]
    _, _, _, warnings = build(root)  # everything from the cache: nothing would be slow
    assert warnings == []


def test_harfbuzz_subset_is_found_by_loading_it(monkeypatch):
    loaded = []

    def cdll(name):
        loaded.append(name)
        if name != "libharfbuzz-subset.so.0":
            raise OSError(name)

    monkeypatch.setattr(system.ctypes, "CDLL", cdll)
    assert system.harfbuzz_subset_available.__wrapped__() is True
    monkeypatch.setattr(system.ctypes, "CDLL", lambda name: (_ for _ in ()).throw(OSError()))
    monkeypatch.setattr(system.ctypes.util, "find_library", lambda name: None)
    assert system.harfbuzz_subset_available.__wrapped__() is False
    monkeypatch.setattr(system, "harfbuzz_subset_available", lambda: False)
    assert system.speed_warnings() == [system.MISSING_HARFBUZZ_SUBSET]


def test_weasyprint_is_imported_in_the_workers_only(tmp_path):
    root = project(tmp_path)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from generator.settings import Settings\n"
        "from generator.site import Site\n"
        f"site = Site(Settings(root=Path({str(root)!r}), cache_dir=Path({str(root)!r}) / 'c'))\n"
        "site.load(); site.start_pdfs(); print(site.finish_pdfs()); site.close()\n"
        "print('weasyprint in host:', any(m.split('.')[0] == 'weasyprint' for m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert counts(result.stdout) == (3, 0, 0)
    assert "weasyprint in host: False" in result.stdout


# --- Safe PDFs: record HTML is untrusted --------------------------------------------------


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


def assert_safe(path: Path, found: dict[str, bytes], requests: list[str]) -> None:
    data = every_byte(path)
    text = text_of(path)
    for name, secret in found.items():
        assert secret not in data, f"bytes of {name} in the PDF"
        assert secret.decode(errors="ignore") not in text, f"text of {name} in the PDF"
    assert embedded_files(path) == []
    assert requests == [], "the PDF renderer called the network"
    assert "Before the traps." in text and "After the traps." in text  # rendered, not dropped


def test_hostile_html_in_a_record_reaches_no_file_and_no_server(tmp_path, spy_server, secrets):
    port, requests = spy_server
    secret, found = secrets
    root = project(tmp_path / "project", {"bulletins/2018-08-01-pasted.md": (
        "---\ntitle: Pasted from an email\ndate: 2018-08-01\naudience: la\n"
        "summary: A record with hostile HTML in its body.\n---\n\n"
        + hostile_html(port, secret))})
    site, summary, _, _ = build(root, pdf_timeout=120)  # /dev/urandom must not hang it
    assert counts(summary) == (4, 0, 0)
    assert_safe(site.pdf_path(record(site, "2018-08-01-pasted")), found, requests)


def raw_job(folder: Path, body: str) -> PrintJob:
    """A print job straight to the renderer, as another host might send it: no body
    sanitiser on the way, so only the PDF package's own defences stand."""
    html = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Raw</title>"
            f"</head><body><h1>Raw</h1>{body}</body></html>")
    return PrintJob(slug="raw", source="bulletins/raw.md", html=html, base_url=f"{folder}/",
                    allowed=(str(folder),), key=hashlib.sha256(html.encode()).hexdigest())


def render_raw(tmp_path: Path, job: PrintJob) -> tuple[Path, list[str]]:
    reports: list[str] = []
    renderer = PdfRenderer(tmp_path / "cache", workers=1, timeout=120, report=reports.append)
    try:
        renderer.submit(job)
        pdf = renderer.wait(job)
        renderer.finish()
    finally:
        renderer.close()
    return pdf.path, reports


def test_without_the_body_sanitiser_the_fetcher_still_refuses_files_and_network(
        tmp_path, spy_server, secrets):
    port, requests = spy_server
    secret, found = secrets
    folder = tmp_path / "record"
    folder.mkdir()
    path, reports = render_raw(tmp_path, raw_job(folder, hostile_html(port, secret)))
    assert_safe(path, found, requests)
    assert reports and reports[0].startswith("bulletins/raw.md: PDF: ")  # the author is told


def test_without_the_body_sanitiser_nothing_is_embedded_even_from_the_records_folder(tmp_path):
    folder = tmp_path / "record"
    token = f"INSIDE-{uuid.uuid4().hex}"
    write(folder, "notes.txt", token)
    write(folder, "drawing.svg", "<svg xmlns='http://www.w3.org/2000/svg' width='200' "
          f"height='40'><text x='0' y='20'>{token}</text></svg>")
    write(folder, "page.html", f"<p>{token}</p>")
    write(folder, "chart.png", png())
    # The fetcher would serve these files (they are the record's own); the guard must
    # keep the embedding elements from WeasyPrint. The image shows the fetcher works.
    path, reports = render_raw(tmp_path, raw_job(folder, """
<p>Before.</p>
<a rel="attachment" href="notes.txt">notes</a>
<link rel="attachment" href="notes.txt">
<object data="drawing.svg" type="image/svg+xml"></object>
<embed src="drawing.svg" type="image/svg+xml">
<iframe src="page.html"></iframe>
<meta name="author" content="Someone else">
<img src="chart.png" alt="A grey square">
<p>After.</p>"""))
    assert token.encode() not in every_byte(path) and token not in text_of(path)
    assert embedded_files(path) == []
    reader = PdfReader(path)
    images = [x for page in reader.pages
              for x in (page["/Resources"].get("/XObject") or {}).values()
              if x.get_object().get("/Subtype") == "/Image"]
    assert len(images) == 1
    assert reader.metadata.get("/Author") is None
    assert ("bulletins/raw.md: PDF: left out of the PDF: a rel=attachment, embed, iframe, link, "
            "meta, object") in reports


def test_the_fetcher_allows_data_urls_and_the_records_own_files_only(tmp_path, spy_server,
                                                                      secrets):
    from generator.pdf.fetcher import SafeFetcher

    port, requests = spy_server
    secret, _ = secrets
    folder = tmp_path / "record"
    write(folder, "images/chart.png", png())
    (folder / "link-out").symlink_to("/etc/passwd")
    os.mkfifo(folder / "pipe")  # reading a FIFO would block for ever
    fetcher = SafeFetcher([str(folder)])
    assert fetcher.fetch(f"file://{folder}/images/chart.png").read() == png()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    for url in ("file:///etc/passwd", f"file://{secret}", "file:///dev/urandom",
                f"file://{folder}/../outside/secret.txt", f"file://{folder}/link-out",
                f"file://{folder}/pipe", f"file://{folder}/images", "file://otherhost/etc/passwd",
                f"http://127.0.0.1:{port}/image.png", f"https://127.0.0.1:{port}/image.png",
                "ftp://127.0.0.1/x"):
        with pytest.raises(ValueError, match="refused to load"):
            fetcher.fetch(url)
    assert requests == []


# --- End to end: what `mkdocs build` prints and publishes ----------------------------------


def mkdocs_project(root: Path, options: str = "", extra: dict | None = None) -> Path:
    project(root, extra)
    config = (ROOT / "mkdocs.yml").read_text()
    marker = "      old_after_months: 12\n"
    assert marker in config
    (root / "mkdocs.yml").write_text(config.replace(marker, marker + options))
    return root


def mkdocs_build(root: Path, site: str = "site") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"),
         "--site-dir", str(root / site)],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def built_counts(result: subprocess.CompletedProcess) -> tuple[int, int, int]:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if SUMMARY.search(line)]
    assert "INFO" in line and "commsite: PDFs:" in line
    return counts(line)


def test_mkdocs_build_renders_only_what_changed_and_keeps_its_cache_outside_the_site(
        tmp_path, spy_server, secrets):
    port, requests = spy_server
    secret, found = secrets
    root = mkdocs_project(tmp_path / "project", extra={"bulletins/2018-08-01-pasted.md": (
        "---\ntitle: Pasted from an email\ndate: 2018-08-01\naudience: la\n"
        "summary: A record with hostile HTML in its body.\n---\n\n"
        + hostile_html(port, secret))})
    site = root / "site"
    assert built_counts(mkdocs_build(root)) == (4, 0, 0)
    cache = root / ".cache" / "commsite"
    assert len(list(cache.glob("*.pdf"))) == 4
    in_site = {p.name for p in site.rglob("*")}
    assert not in_site & {p.name for p in cache.iterdir()} and ".cache" not in in_site
    pasted = site / "bulletins/2018-08-01-pasted/2018-08-01-pasted.pdf"
    assert_safe(pasted, found, requests)

    assert built_counts(mkdocs_build(root)) == (0, 4, 0)  # no change: nothing rendered

    source = root / "webinars/2018-07-03-la-webinar.md"
    source.write_text(source.read_text() + "\nA sentence added after the webinar.\n")
    assert built_counts(mkdocs_build(root)) == (1, 3, 0)  # one record edited: one PDF
    webinar = site / "webinars/2018-07-03-la-webinar/2018-07-03-la-webinar.pdf"
    assert "A sentence added after the webinar." in text_of(webinar)

    # A cache entry cut short (a full disk, a killed build) is noticed and rendered again.
    bulletin = site / "bulletins/2018-07-12-la-bulletin/2018-07-12-la-bulletin.pdf"
    [entry] = [p for p in cache.glob("*.pdf") if p.read_bytes() == bulletin.read_bytes()]
    entry.write_bytes(entry.read_bytes()[:1000])
    assert built_counts(mkdocs_build(root)) == (1, 3, 0)
    assert PdfReader(bulletin).metadata.title == "LA Bulletin – 12 July 2018"
    assert "Organisations that run their own email domains" in text_of(bulletin)
    assert entry.read_bytes() == bulletin.read_bytes()

    # The cache_dir option moves the cache: a new cache renders everything once.
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      old_after_months: 12\n", "      old_after_months: 12\n      cache_dir: ../moved\n"))
    assert built_counts(mkdocs_build(root)) == (4, 0, 0)
    assert len(list((tmp_path / "moved").glob("*.pdf"))) == 4
    assert requests == []


def test_mkdocs_build_stops_cleanly_when_a_pdf_takes_too_long(tmp_path):
    root = mkdocs_project(tmp_path / "project", "      pdf_timeout: 0.01\n")
    result = mkdocs_build(root)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert "3 PDF(s) could not be made; the build stopped:" in result.stderr
    assert ("bulletins/2018-07-12-la-bulletin.md: the PDF could not be made: rendering took "
            "longer than the 0.01 s limit (pdf_timeout)") in result.stderr
    assert not (root / "site").exists()
