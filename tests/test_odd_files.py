"""Huge, odd and oddly named files: bounded memory, a plain message, links that lead to the file.

The 2 GB attachment and the 3 GB record are sparse files: they take no disk space, yet
every byte of them reads (as zeros). Peak memory is read with resource.getrusage from a
wrapper process whose only child is the command, so nothing else counts.
"""

from __future__ import annotations

import json
import os
import stat
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from bs4 import BeautifulSoup

from commsite.problems import RecordError
from commsite.records import load_records
from commsite.settings import Settings

from . import zygote
from .pdf_helpers import mkdocs_project

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
FIELDS = "title: T\ndate: 2018-07-12\naudience: la\nsummary: A summary that says more.\n"
GB = 1 << 30


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# A PowerPoint file starts as a ZIP archive does: attachments are checked by their first bytes.
PPTX_HEAD = b"PK\x03\x04start"


def sparse(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        file.write(PPTX_HEAD)
        file.truncate(size)  # a hole: no disk space, all of it readable
    return path


def with_attachment(root: Path, rel: str, yaml_name: str | None = None) -> None:
    name = yaml_name or json.dumps(rel)
    write(root, "bulletins/2018-07-12-b.md", f"---\n{FIELDS}attachments:\n  - file: {name}\n"
                                            "    title: The notes\n---\nHello.\n")


def problems(root: Path, **options) -> list[str]:
    with pytest.raises(RecordError) as info:
        load_records(Settings(root=root, **options))
    return [str(p) for p in info.value.problems]


def peak_mib(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    """Run `command` from a wrapper that reports its child's peak resident memory."""
    wrapper = textwrap.dedent("""
        import json, resource, subprocess, sys
        done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB -> MiB
        print(json.dumps({"peak": peak, "code": done.returncode, "out": done.stdout,
                          "err": done.stderr}))
    """)
    done = subprocess.run([sys.executable, "-c", wrapper, *command], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=600)
    got = json.loads(done.stdout)
    return got["peak"], subprocess.CompletedProcess(command, got["code"], got["out"], got["err"])


# --- What cannot be published ---------------------------------------------------------

INSIDE = "give a path inside the record's folder, e.g. slides/deck.pdf"


def test_a_named_pipe_as_an_attachment_is_said_to_be_one(tmp_path):
    (tmp_path / "bulletins").mkdir()
    os.mkfifo(tmp_path / "bulletins" / "pipe")
    with_attachment(tmp_path, "pipe")
    assert problems(tmp_path) == [
        "bulletins/2018-07-12-b.md:7: attachments[1].file: 'pipe' is not a regular file (a "
        f"named pipe); only files can be published; {INSIDE}"]


def test_a_device_as_an_attachment_is_said_to_be_one(tmp_path):
    (tmp_path / "bulletins").mkdir()
    os.mknod(tmp_path / "bulletins" / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    with_attachment(tmp_path, "null")
    assert problems(tmp_path) == [
        "bulletins/2018-07-12-b.md:7: attachments[1].file: 'null' is not a regular file (a "
        f"device); only files can be published; {INSIDE}"]


def test_a_control_character_in_a_file_name_is_refused(tmp_path):
    write(tmp_path, "bulletins/notes\nv2.txt", "Notes.")
    with_attachment(tmp_path, "notes\nv2.txt")
    assert problems(tmp_path) == [
        "bulletins/2018-07-12-b.md:7: attachments[1].file: 'notes\\nv2.txt' has a control "
        "character (a line break or tab) in its name; rename the file without it"]


def test_an_attachment_over_max_file_mb_is_refused_with_the_limit(tmp_path):
    sparse(tmp_path / "bulletins" / "files" / "big.pptx", 150 * 2**20)
    with_attachment(tmp_path, "files/big.pptx")
    message = ("bulletins/2018-07-12-b.md:7: attachments[1].file: 'files/big.pptx' is 150.0 MB; "
               "a file may be at most {} MB (max_file_mb); make it smaller, link to it "
               "elsewhere, or raise max_file_mb")
    assert problems(tmp_path) == [message.format(100)]
    assert problems(tmp_path, max_file_mb=20) == [message.format(20)]
    assert load_records(Settings(root=tmp_path, max_file_mb=200))[0].attachments


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is width x height: all Pillow needs to tell its size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                                 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("width, height", [(30000, 30000), (10000, 9000)])
def test_an_image_with_too_many_pixels_is_refused_with_the_limit(tmp_path, width, height):
    write(tmp_path, "bulletins/images/huge.png", png_header(width, height))
    write(tmp_path, "bulletins/2018-07-12-b.md",
          f"---\n{FIELDS}---\nHello.\n\n![A chart](images/huge.png)\n")
    assert problems(tmp_path) == [
        f"bulletins/2018-07-12-b.md:9: body: image: 'images/huge.png' is {width:,} x {height:,} "
        "pixels; an image may have at most 89,478,485 pixels (about 9,400 x 9,400); scale it "
        "down"]


def test_an_image_within_the_limit_loads(tmp_path):
    write(tmp_path, "bulletins/images/wide.png", png_header(9000, 9000))
    write(tmp_path, "bulletins/2018-07-12-b.md",
          f"---\n{FIELDS}---\nHello.\n\n![A chart](images/wide.png)\n")
    assert [i.rel for i in load_records(Settings(root=tmp_path))[0].images] == ["images/wide.png"]


# --- Bounded memory -------------------------------------------------------------------


def test_a_3_gb_record_file_is_refused_without_being_read(tmp_path):
    root = mkdocs_project(tmp_path / "project", "      pdf: false\n")
    sparse(root / "bulletins" / "2018-07-13-huge.md", 3 * GB)
    peak, done = peak_mib([sys.executable, "-m", "commsite.cli", "check"], root)
    print(f"commsite check with a 3 GB record file: peak memory {peak:.0f} MiB")
    assert done.returncode == 1
    assert ("bulletins/2018-07-13-huge.md:1: the file is 3,221,225,472 bytes; a record may be "
            "at most 1,000,000 bytes") in done.stdout
    assert peak < 600


def test_a_sparse_2_gb_attachment_builds_in_bounded_memory_and_stays_sparse(tmp_path):
    root = mkdocs_project(tmp_path / "project", "      max_file_mb: 3000\n")
    big = sparse(root / "bulletins" / "files" / "all slides.pptx", 2 * GB)
    bulletin = root / "bulletins" / "2018-07-12-la-bulletin.md"
    bulletin.write_text(bulletin.read_text().replace(
        "topics:", "attachments:\n  - file: files/all slides.pptx\n    title: The slides\ntopics:", 1))
    peak, done = peak_mib([sys.executable, "-m", "mkdocs", "build"], root)
    print(f"mkdocs build with a sparse 2 GB attachment: peak memory {peak:.0f} MiB")
    assert done.returncode == 0, done.stderr
    copy = root / "site" / "bulletins" / "2018-07-12-la-bulletin" / "files" / "all slides.pptx"
    assert copy.stat().st_size == big.stat().st_size == 2 * GB
    assert copy.stat().st_blocks * 512 < 2**20  # the holes stayed holes
    assert copy.open("rb").read(len(PPTX_HEAD)) == PPTX_HEAD
    assert peak < 600


# --- Names that need encoding ---------------------------------------------------------


def test_names_with_hash_percent_and_spaces_link_to_the_file(tmp_path):
    root = mkdocs_project(tmp_path / "project", "      pdf: false\n")
    name = "files/notes #2 100% final ü.txt"
    write(root, f"bulletins/{name}", "The notes.")
    bulletin = root / "bulletins" / "2018-07-12-la-bulletin.md"
    bulletin.write_text(bulletin.read_text().replace(
        "topics:", f"attachments:\n  - file: {json.dumps(name)}\n    title: Notes\ntopics:", 1))
    done = zygote.run([sys.executable, "-m", "mkdocs", "build"], cwd=root, env=ENV,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    page = "bulletins/2018-07-12-la-bulletin/"
    soup = BeautifulSoup((site / page / "index.html").read_text(), "lxml")
    [link] = [a["href"] for a in soup.select("#comms-attachments ~ ul a")]
    assert link == "files/notes%20%232%20100%25%20final%20%C3%BC.txt"
    assert (site / unquote(urljoin(page, link))).read_text() == "The notes."
    text = (site / page / "email.txt").read_text()
    expected = "https://comms.example.org/" + page + link
    assert expected in text.split()
    html = BeautifulSoup((site / page / "email.html").read_text(), "lxml")
    assert expected in [a.get("href") for a in html.find_all("a")]
