"""Every record's PDF as a reader and a screen reader get it, and what a build costs.

Most tests drive the core (`Site`, `print_job`, `PdfRenderer`) on a small project
written into a temporary folder: they render real PDFs with WeasyPrint in worker
processes and read them back with pypdf. Two run `mkdocs build` end to end and
read what it prints, as a comms officer would. Safety is in test_pdf_safety.py.
"""

from __future__ import annotations

import ast
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from commsite.pdf import PdfFailure, PdfRenderer, PrintJob, document, print_job, system
from commsite.pdf.pool import RenderPool
from commsite.site import BuildFailure, Site

from .pdf_helpers import (BULLETIN, NOTICE, PROGRESS, ROOT, assert_safe, build, built_counts,
                          counts, loadable_hostile_html, mkdocs_build, mkdocs_project,
                          outline_titles, png, project, record, secrets, settings, spy_server, text_of, write)

__all__ = ["secrets", "spy_server"]  # fixtures, used by name
SITE_URL = "https://comms.example.org/"


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


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """The PDF cache of the small project, built once with the default options."""
    root = project(tmp_path_factory.mktemp("rendered"))
    assert counts(build(root)[1]) == (3, 0, 0)
    return root / "cache"


def rendered_project(root: Path, rendered: Path) -> Path:
    """The small project with its PDFs already in its own cache (a copy of `rendered`), as
    an earlier build would have left them: for tests about what the next build does."""
    shutil.copytree(rendered, project(root) / "cache")
    return root


def test_webinar_pdf_has_its_questions_as_headings_and_bookmarks(tmp_path, rendered):
    site, _, _, _ = build(rendered_project(tmp_path, rendered))
    webinar = record(site, "2018-07-03-la-webinar")
    reader = PdfReader(site.pdf_path(webinar))
    titles = outline_titles(reader.outline)
    assert titles[0] == webinar.title
    assert [q.question for q in webinar.qa] == titles[-len(webinar.qa):]
    assert "Shared mailboxes are excluded." in text_of(site.pdf_path(webinar))


# --- Cache: render again exactly what changed -------------------------------------------


def test_no_change_renders_nothing_and_one_edit_renders_exactly_one(tmp_path, rendered):
    # (A first build renders all three: the `rendered` fixture says so.)
    root = rendered_project(tmp_path, rendered)
    assert counts(build(root)[1]) == (0, 3, 0)

    source = root / "bulletins/2018-07-12-la-bulletin.md"
    source.write_text(source.read_text() + "\nOne more sentence for the edit test.\n")
    site, summary, _, _ = build(root)
    assert counts(summary) == (1, 2, 0)
    assert "One more sentence for the edit test." in text_of(
        site.pdf_path(record(site, "2018-07-12-la-bulletin")))
    assert counts(build(root)[1]) == (0, 3, 0)


@pytest.mark.parametrize("damage", ["truncate", "flip-a-byte", "remove-sidecar", "empty"])
def test_a_damaged_cache_entry_is_rendered_again(tmp_path, rendered, damage):
    root = rendered_project(tmp_path, rendered)
    site, summary, _, _ = build(root)
    assert counts(summary) == (0, 3, 0)
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


def test_entries_no_build_has_used_for_a_month_leave_the_cache(tmp_path, rendered):
    root = rendered_project(tmp_path, rendered)
    build(root)
    cache = root / "cache"
    used = sorted(cache.glob("*.pdf"))
    assert len(used) == 3

    def age(path: Path | str, days: float, content: bytes | None = None) -> Path:
        path = Path(path)
        if content is not None:
            path.write_bytes(content)
        stamp = time.time() - days * 86400
        os.utime(path, (stamp, stamp))
        return path

    for entry in used:  # rendered long ago, but this build will use them: they stay
        age(entry, 90), age(entry.with_suffix(".json"), 90)
    gone = [age(shutil.copy(used[0], cache / f"{'a' * 64}.pdf"), 31),  # a record since deleted
            age(shutil.copy(used[0].with_suffix(".json"), cache / f"{'a' * 64}.json"), 31),
            age(cache / f"{'c' * 64}.pdf.4242.tmp", 2, b"%PDF-1.7 cut")]  # a killed worker's
    kept = [age(shutil.copy(used[1], cache / f"{'b' * 64}.pdf"), 29),  # e.g. another branch's
            age(shutil.copy(used[1].with_suffix(".json"), cache / f"{'b' * 64}.json"), 29),
            age(cache / "notes.json", 365, b"{}"),  # not a PDF entry (bodies.json, say): left
            age(cache / f"{'d' * 64}.pdf.4243.tmp", 0.1, b"%PDF-1.7 ")]  # a running build's

    site, summary, _, _ = build(root, pdf_cache_days=0)  # 0: keep everything
    assert counts(summary) == (0, 3, 0) and "removed" not in summary
    assert all(path.exists() for path in gone + kept)

    site, summary, _, _ = build(root)
    assert counts(summary) == (0, 3, 0)
    assert summary.endswith("; 3 cache file(s) unused for 30 days removed")
    assert not any(path.exists() for path in gone)
    assert all(path.exists() for path in kept + used)
    for record_ in site.records:  # the site's PDFs, taken from the cache, are whole
        assert text_of(site.pdf_path(record_)) and record_.title in text_of(site.pdf_path(record_))


def test_a_cache_folder_that_cannot_be_made_stops_the_build_with_the_fix(tmp_path):
    root = project(tmp_path / "project")
    write(tmp_path, "a-file", "not a folder")
    with pytest.raises(BuildFailure) as failure:
        build(root, cache_dir=tmp_path / "a-file" / "cache")
    assert str(failure.value) == (
        f"cache_dir: the PDF cache folder {tmp_path / 'a-file' / 'cache'} cannot be made (Not a "
        "directory); set cache_dir to a folder you can write")


def key_of(root: Path, slug: str = "2018-07-12-la-bulletin", **options) -> str:
    site = Site(settings(root, **options))
    site.load()
    return print_job(record(site, slug), site.catalogue).key


IMAGE_BULLETIN = BULLETIN.replace("topics: [Anti-spoofing, Portal]\n", (
    "topics: [Anti-spoofing, Portal]\nattachments:\n  - file: files/notes.txt\n"
    "    title: Release notes\n  - file: files/minutes.pdf\n    title: Minutes\n"
)) + "\n![A grey square](images/chart.png)\n"


def blank_pdf(pages: int) -> bytes:
    import io

    import pikepdf

    pdf, out = pikepdf.new(), io.BytesIO()
    for _ in range(pages):
        pdf.add_blank_page()
    pdf.save(out)
    return out.getvalue()


def test_the_key_changes_with_everything_that_shapes_the_pdf(tmp_path, monkeypatch):
    root = project(tmp_path, {"bulletins/2018-07-12-la-bulletin.md": IMAGE_BULLETIN,
                              "bulletins/images/chart.png": png(),
                              "bulletins/files/notes.txt": "Version 1 notes.",
                              "bulletins/files/minutes.pdf": blank_pdf(1)})
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
    # An attachment is named in the PDF with its format and size ("1 KB"), not drawn: other
    # bytes of that size make the same PDF (so a build never reads a big file through); a
    # size the PDF shows otherwise ("5 KB") makes another.
    write(root, "bulletins/files/notes.txt", "Version 2 notes.")
    assert key_of(root) == changed["image bytes"]
    write(root, "bulletins/files/notes.txt", "Version 2 notes. " * 300)
    changed["attachment size"] = key_of(root)
    # A PDF attachment is named with its pages too ("PDF, 1 KB, 2 pages").
    assert len(blank_pdf(1)) // 1024 == len(blank_pdf(2)) // 1024 == 0  # both "1 KB"
    write(root, "bulletins/files/minutes.pdf", blank_pdf(2))
    changed["attachment pages"] = key_of(root)
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
    fonts = tmp_path / "fonts"
    write(fonts, "truetype/dejavu/DejaVuSans.ttf", b"version 1")
    monkeypatch.setattr(document, "FONT_DIRS", (str(fonts),))
    document.renderer_fingerprint.cache_clear()
    changed["fonts"] = key_of(root)
    write(fonts, "truetype/dejavu/DejaVuSans.ttf", b"version 2, upgraded")
    document.renderer_fingerprint.cache_clear()
    changed["a font upgraded"] = key_of(root)
    write(fonts, "truetype/noto/NotoSans.ttf", b"a new font")
    document.renderer_fingerprint.cache_clear()
    changed["a font installed"] = key_of(root)
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
    first, slow, other = jobs_of(project(tmp_path))
    renderer = PdfRenderer(tmp_path / "cache", workers=1, timeout=60)
    try:
        # A record rendered in time first: the pool's one worker is known before the one
        # that overruns, which is killed and replaced 10 ms after it starts (a test that
        # looked for the worker while that record rendered could see its replacement).
        renderer.submit(first)
        assert renderer.wait(first).pages >= 1
        [hung] = renderer.pool.pids()
        renderer.pool.timeout = 0.01
        renderer.submit(slow)
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
        assert counts(renderer.finish()) == (2, 0, 1)
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


def test_a_worker_that_dies_fails_only_its_own_record(tmp_path):
    folder = tmp_path / "record"
    folder.mkdir()
    paragraphs = "".join(f"<p>Paragraph {i} of a very long record.</p>" for i in range(3000))
    html = f"<!DOCTYPE html><html lang='en'><head><title>Long</title></head><body>{paragraphs}"
    long = PrintJob(slug="long", source="bulletins/long.md", html=html, base_url=f"{folder}/",
                    allowed=(str(folder),), key="long-record")
    other = jobs_of(project(tmp_path / "project"))[0]
    renderer = PdfRenderer(tmp_path / "cache", workers=1, timeout=600)
    try:
        renderer.submit(long)
        renderer.submit(other)
        deadline = time.monotonic() + 60
        while not renderer.pool.pids(busy=True) and time.monotonic() < deadline:
            time.sleep(0.001)
        [pid] = renderer.pool.pids(busy=True)
        os.kill(pid, signal.SIGKILL)  # as the kernel's OOM killer or a crash in Pango would
        with pytest.raises(PdfFailure, match=r"^the PDF renderer process stopped unexpectedly "
                                             r"\(exit code -9\)$"):
            renderer.wait(long)
        assert renderer.wait(other).pages >= 1  # the next record renders in a new worker
        assert counts(renderer.finish()) == (1, 0, 1)
    finally:
        renderer.close()


def small_jobs(folder: Path, n: int) -> list[PrintJob]:
    """`n` one-page documents: for tests of the pool, where what is rendered does not matter."""
    folder.mkdir(parents=True, exist_ok=True)
    return [PrintJob(slug=f"small-{i}", source=f"bulletins/small-{i}.md", base_url=f"{folder}/",
                     html=f"<!DOCTYPE html><html lang='en'><head><title>Small {i}</title></head>"
                          f"<body><h1>Small {i}</h1><p>A short record.</p></body></html>",
                     allowed=(str(folder),), key=f"small-{i}") for i in range(n)]


def test_a_worker_is_replaced_after_its_share_of_documents(tmp_path):
    # WeasyPrint's caches grow with every document, so workers are recycled.
    pool = RenderPool(1, timeout=600, max_jobs=2)
    try:
        futures = [pool.submit(job, str(tmp_path / f"{i}.pdf"))
                   for i, job in enumerate(small_jobs(tmp_path / "records", 6))]
        results = [future.result() for future in futures]
    finally:
        pool.close()
    assert [r["error"] for r in results] == [None] * 6
    assert all(r["pages"] >= 1 for r in results)
    pids = [r["pid"] for r in results]
    assert len(set(pids)) == 3 and pids[0] == pids[1] != pids[2] == pids[3]  # two a worker


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
    _, summary, _, warnings = build(root, site_url=SITE_URL)
    assert counts(summary) == (3, 0, 0)
    assert len(warnings) == 1
    assert "libharfbuzz-subset" in warnings[0]
    assert "apt-get install libharfbuzz-subset0" in warnings[0]
    _, _, _, warnings = build(root, site_url=SITE_URL)  # all from the cache: nothing slow
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
        "from commsite.settings import Settings\n"
        "from commsite.site import Site\n"
        f"site = Site(Settings(root=Path({str(root)!r}), cache_dir=Path({str(root)!r}) / 'c'))\n"
        "site.load(); site.start_pdfs(); print(site.finish_pdfs()); site.close()\n"
        "print('weasyprint in host:', any(m.split('.')[0] == 'weasyprint' for m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert counts(result.stdout) == (3, 0, 0)
    assert "weasyprint in host: False" in result.stdout


def test_the_workers_process_loads_weasyprint_without_asking_the_c_toolchain(tmp_path):
    """cffi would ask ctypes.util.find_library (ldconfig, a C compiler, the linker: some fifty
    processes) for each bare library name WeasyPrint tries first; the preload loads them by
    soname without asking, and leaves find_library as it found it."""
    script = (
        "import ctypes.util, sys\n"
        "asked = []\n"
        "def find_library(name):\n"
        "    asked.append(name)\n"
        "    return None\n"
        "ctypes.util.find_library = find_library\n"
        "import commsite.pdf.preload\n"
        "from weasyprint import HTML\n"
        f"HTML(string='<p>Hello</p>').write_pdf({str(tmp_path / 'hello.pdf')!r})\n"
        "print(asked, ctypes.util.find_library is find_library)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "True"]
    assert "Hello" in text_of(tmp_path / "hello.pdf")


def test_the_workers_server_imports_what_renders_and_not_what_makes_print_html():
    """The process the workers are forked from, started at every build that renders a PDF,
    imports its preload list (pool.PRELOAD) as multiprocessing's fork server does: WeasyPrint,
    pikepdf and the worker, and none of the records, pages, schema and templates that the
    host's `document` needs to make the print HTML."""
    script = (
        "import sys\n"
        "from commsite.pdf.pool import PRELOAD\n"
        "for name in PRELOAD:\n"
        "    name == '__main__' or __import__(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('commsite') or m in "
        "('weasyprint', 'pikepdf', 'jsonschema', 'jinja2', 'markdown', 'yaml')))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    # commsite.pdf.pool is the host's own, imported by the script to read the list
    assert ast.literal_eval(result.stdout) == [
        "commsite", "commsite.pdf", "commsite.pdf.pool", "commsite.pdf.preload",
        "commsite.pdf.worker", "pikepdf", "weasyprint"]


# --- End to end: what `mkdocs build` prints and publishes ----------------------------------


def test_mkdocs_build_renders_only_what_changed_and_keeps_its_cache_outside_the_site(
        tmp_path, spy_server, secrets):
    port, requests = spy_server
    secret, found = secrets
    root = mkdocs_project(tmp_path / "project", extra={"bulletins/2018-08-01-pasted.md": (
        "---\ntitle: Pasted from an email\ndate: 2018-08-01\naudience: la\n"
        "summary: A record with hostile HTML in its body.\n---\n\n"
        + loadable_hostile_html(port, secret))})
    site = root / "site"
    assert built_counts(mkdocs_build(root)) == (4, 0, 0)
    cache = root / ".commsite-cache"
    assert len(list(cache.glob("*.pdf"))) == 4
    in_site = {p.name for p in site.rglob("*")}
    assert not in_site & {p.name for p in cache.iterdir()} and ".commsite-cache" not in in_site
    pasted = site / "bulletins/2018-08-01-pasted/2018-08-01-pasted.pdf"
    assert_safe(pasted, found, requests)

    assert built_counts(mkdocs_build(root)) == (0, 4, 0)  # no change: nothing rendered

    # One record edited, and another's cache entry cut short (a full disk, a killed build):
    # the edit is rendered, the damage noticed and rendered again, and nothing else.
    source = root / "webinars/2018-07-03-la-webinar.md"
    source.write_text(source.read_text() + "\nA sentence added after the webinar.\n")
    bulletin = site / "bulletins/2018-07-12-la-bulletin/2018-07-12-la-bulletin.pdf"
    [entry] = [p for p in cache.glob("*.pdf") if p.read_bytes() == bulletin.read_bytes()]
    entry.write_bytes(entry.read_bytes()[:1000])
    reused = {p.read_bytes() for p in site.rglob("*.pdf") if p != bulletin}
    assert built_counts(mkdocs_build(root)) == (2, 2, 0)
    webinar = site / "webinars/2018-07-03-la-webinar/2018-07-03-la-webinar.pdf"
    assert "A sentence added after the webinar." in text_of(webinar)
    assert PdfReader(bulletin).metadata.title == "LA Bulletin – 12 July 2018"
    assert "Organisations that run their own email domains" in text_of(bulletin)
    assert entry.read_bytes() == bulletin.read_bytes()
    assert {p.read_bytes() for p in site.rglob("*.pdf")
            if p not in (bulletin, webinar)} <= reused  # the other two as they were

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
