"""Record HTML is untrusted: PDFs must read no file but the record's own, call no
server and embed nothing. Each test renders a record (or a raw print job) that
tries every trick, then searches the PDF's bytes, decoded streams and text for
the secrets, and asks a loopback server whether anyone called it.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader

from commsite.pdf import PdfRenderer, PrintJob
from commsite.site import BuildFailure

from .pdf_helpers import (assert_safe, build, counts, embedded_files, every_byte, hostile_html,
                          loadable_hostile_html, png, project, record, secrets, spy_server, text_of, write)

__all__ = ["secrets", "spy_server"]  # fixtures, used by name


def test_hostile_html_in_a_record_reaches_no_file_and_no_server(tmp_path, spy_server, secrets):
    port, requests = spy_server
    secret, found = secrets
    html = hostile_html(port, secret)
    fields = ("---\ntitle: Pasted from an email\ndate: 2018-08-01\naudience: la\n"
              "summary: A record with hostile HTML in its body.\n---\n\n")
    root = project(tmp_path / "project", {"bulletins/2018-08-01-pasted.md": fields + html})
    # Its <img> tags are refused before anything renders: images are files of the folder.
    with pytest.raises(BuildFailure) as failure:
        build(root, pdf_timeout=120)
    assert str(failure.value).count("is not a file of the record's folder") == html.count("<img")
    assert requests == []
    # Without them, every other trap reaches the PDF renderer, which reads and calls nothing.
    (root / "bulletins/2018-08-01-pasted.md").write_text(fields + loadable_hostile_html(port,
                                                                                       secret))
    site, summary, _, _ = build(root, pdf_timeout=120)
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
    from commsite.pdf.fetcher import SafeFetcher

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
