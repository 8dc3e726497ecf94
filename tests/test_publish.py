"""Nothing lost: a build that fails or is killed part-way leaves the published site as it was."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from commsite.publish import STAGING_MARK, discard, publish, staging_dir

from . import zygote
from .sites import copy_build


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build_cmd(project: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml"),
            "--site-dir", str(project / "site")]


ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def test_publish_swaps_and_discard_keeps_the_old_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old")
    staging = staging_dir(site)
    (staging / "index.html").write_text("new")
    discard(staging)
    assert (site / "index.html").read_text() == "old" and not staging.exists()
    staging = staging_dir(site)
    (staging / "index.html").write_text("new")
    publish(staging, site)
    assert (site / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


RECORD_FOLDERS = ("bulletins", "webinars", "content/notices")
# A line of the example's plugin options: the tests add options after it.
OPTIONS = "      old_after_months: 12\n"


@pytest.fixture(scope="module")
def published(example_build, tmp_path_factory):
    """The example site as the run's shared build published it, its PDF cache beside it: the
    site readers already have. Its PDFs render one at a time here (pdf_workers: 1, which
    shapes no page and no PDF), so a build that renders its 19 PDFs again is still
    rendering, seconds after its first, when the test stops it, even on a machine so busy
    that this process wakes late (with 16 records on two workers it once finished first)."""
    project = copy_build(example_build, tmp_path_factory.mktemp("interrupt") / "project")
    config = project / "mkdocs.yml"
    assert OPTIONS in config.read_text()
    config.write_text(config.read_text().replace(
        OPTIONS, OPTIONS + "      pdf_workers: 1\n"))
    return project


def records_of(project: Path) -> list[Path]:
    """The project's Markdown records (each with its own PDF), in a fixed order."""
    return sorted(p for folder in RECORD_FOLDERS for p in (project / folder).glob("*.md"))


def wait_for(process: subprocess.Popen, found, limit: float = 60):
    """What `found()` returns once it is truthy, polled while `process` runs (None if not)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        result = found()
        if result:
            return result
        time.sleep(0.02)
    return None


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM],
                         ids=["Ctrl-C to commsite build", "SIGTERM to mkdocs build"])
def test_an_interrupted_build_leaves_the_published_site_byte_for_byte(published, example_build,
                                                                      sig):
    """Ctrl-C in the terminal of `commsite build` (SIGINT to its process group, passed on to
    mkdocs as one SIGINT), or SIGTERM to `mkdocs build` itself, part-way through."""
    project = published
    site = project / "site"
    before = digest(site)
    # Change every record, so the build has real work to be killed in: their PDFs (an edit
    # of its own per signal, so that no PDF of it is in the cache yet).
    edited = f"Edited before {sig.name}."
    originals = {}
    for record in records_of(project):
        originals[record] = record.read_text()
        record.write_text(originals[record].replace("\n---\n", f"\n---\n\n{edited}\n", 1))
    cache = project / ".commsite-cache"
    cached = set(cache.glob("*.pdf"))
    command = build_cmd(project)
    if sig == signal.SIGINT:
        command = [sys.executable, "-m", "commsite.cli", "-f", str(project / "mkdocs.yml"),
                   "build", "--site-dir", str(project / "site")]
    build = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
                             start_new_session=True)
    # Part-way: the build writes its staging folder and the first new PDF is in the cache,
    # with more to come (19 records with a PDF each; the draft has none).
    staging = wait_for(build, lambda: next(project.glob(f"site{STAGING_MARK}*"), None))
    assert staging is not None, "the build never started writing"
    assert wait_for(build, lambda: set(cache.glob("*.pdf")) - cached), \
        "the build never rendered a PDF"
    assert build.poll() is None, "the build finished before it could be interrupted"
    if sig == signal.SIGINT:
        os.killpg(build.pid, sig)  # as the terminal does: commsite's whole process group
    else:
        build.send_signal(sig)  # mkdocs alone: it stops its PDF workers itself
    build.wait(timeout=60)
    assert build.returncode != 0
    assert digest(site) == before

    # The next build cleans up what the killed one left, and publishes. One edit is kept:
    # that of a record whose PDF the killed build finished (a PDF is in the cache only
    # once it is whole; its title is the record's). The others are undone, and their
    # earlier PDFs are in the cache: nothing the killed build finished is rendered again,
    # and nothing else needs rendering.
    published_records = [r for r in example_build.records if not r.draft]
    by_title = {r.title: r for r in published_records}
    assert len(by_title) == len(published_records), "a title names one record"
    finished = sorted(by_title[PdfReader(p).metadata.title].source
                      for p in set(cache.glob("*.pdf")) - cached)
    kept = project / finished[0]
    for record in originals:
        if record != kept:
            record.write_text(originals[record])
    result = zygote.run(build_cmd(project), capture_output=True, text=True, env=ENV)
    assert result.returncode == 0, result.stderr
    assert int(re.search(r"PDFs: (\d+) rendered", result.stderr)[1]) == 0, result.stderr
    assert not list(project.glob(f"site{STAGING_MARK}*"))
    pages = {r.source: site / r.url / "index.html" for r in published_records}
    assert edited in pages[finished[0]].read_text()
    assert not [source for source, page in pages.items()
                if source != finished[0] and edited in page.read_text()]


def test_a_failed_pdf_fails_the_build_by_name_and_publishes_nothing(published):
    project = published
    site = project / "site"
    before = digest(site)
    config = project / "mkdocs.yml"
    original = config.read_text()
    # One bulletin edited, so its PDF renders again, under a time limit no PDF can meet.
    first = sorted((project / "bulletins").glob("*.md"))[0]
    text = first.read_text()
    try:
        config.write_text(original.replace(OPTIONS, OPTIONS + "      pdf_timeout: 0.01\n"))
        first.write_text(text.replace("\n---\n", "\n---\n\nEdited once more.\n", 1))
        result = zygote.run(build_cmd(project), capture_output=True, text=True, env=ENV)
    finally:
        config.write_text(original)
        first.write_text(text)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert "PDF(s) could not be made; the build stopped:" in result.stderr
    assert (f"{first.relative_to(project).as_posix()}: the PDF could not be made: rendering "
            "took longer than") in result.stderr
    assert digest(site) == before
