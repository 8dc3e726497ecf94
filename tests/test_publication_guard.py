"""The build publishes nothing a record carries that could run, leak a draft or expose
someone: every door of issue 10, tried with a hostile file, built for real.

Each test writes the hostile file itself, runs `mkdocs build --strict` (as `make site`
does) into a folder that already holds a published site, and asserts what a reader of
that site would get: the build's message and exit status, the files that are (not) in
`site/`, and that the last good site is untouched when the build stops.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from commsite.checks import audit
from commsite.cli import main
from commsite.filetypes import ATTACHMENTS, IMAGES
from commsite.settings import Settings
from commsite.svg import unsafe

from .test_build import ROOT, mkdocs_build
from .search_index import everything, indexed
from .test_content_safety import PIXEL_PNG

OLD = "The last good site."
FIELDS = "date: 2018-07-12\naudience: la\nsummary: What readers find in this bulletin.\n"
PDF = (ROOT / "bulletins/attachments/2018-07-12-portal-release-notes.pdf").read_bytes()
ALLOWED_LIST = "allowed: " + ", ".join(s.lstrip(".") for s in ATTACHMENTS)


@pytest.fixture
def project(tmp_path):
    """A project with one good bulletin and a site built before (the last good one)."""
    (tmp_path / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text().replace(
        "      old_after_months: 12\n", "      old_after_months: 12\n      pdf: false\n"))
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "index.md").write_text("---\ntitle: Communications\n---\n\nHello.\n")
    write(tmp_path, "bulletins/2018-07-01-good.md", f"---\ntitle: Good\n{FIELDS}---\nFine.\n")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(OLD)
    return tmp_path


def write(root: Path, rel: str, data) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def bulletin(root: Path, text: str, extra: str = "", name="2018-07-12-b") -> str:
    write(root, f"bulletins/{name}.md", f"---\ntitle: A bulletin\n{FIELDS}{extra}---\n{text}")
    return f"bulletins/{name}.md"


def build(root: Path) -> subprocess.CompletedProcess:
    return mkdocs_build(root, root / "site")


def problem_lines(result: subprocess.CompletedProcess) -> list[str]:
    """The one-line problems the build printed under its 'nothing was built' line."""
    lines = result.stderr.splitlines()
    head = next(i for i, line in enumerate(lines) if "nothing was built" in line)
    return [line for line in lines[head + 1:] if re.match(r"^\S+:\d+: ", line)]


def check_lines(root: Path, capsys, monkeypatch) -> tuple[int, list[str]]:
    monkeypatch.chdir(root)
    code = main(["check"])
    out, _ = capsys.readouterr()
    return code, [line for line in out.splitlines() if re.match(r"^\S+:\d+: ", line)]


def assert_not_published(root: Path, result) -> None:
    assert result.returncode == 1, result.stderr
    assert (root / "site" / "index.html").read_text() == OLD  # the last good site, as it was
    assert sorted(p.name for p in (root / "site").iterdir()) == ["index.html"]


def site_text(site: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace")
                     for p in site.rglob("*") if p.is_file())


# --- the build guards publication: check's must-not-publish findings stop it ------------

HOSTILE_BODIES = {
    "personal data": "Call John Smith on 0113 496 0736 or email john.smith@gmail.com.\n\n"
                     "His NHS number is 943 476 5919.\n",
    "link to no page": "See [the July bulletin](../2018-07-13-la-bulletin/).\n",
    "link in raw HTML": '<p>See <a href="/webinars/2018-02-30-nope/">the webinar</a>.</p>\n',
    "template text": "TODO: write the bulletin here in Markdown, in place of this line.\n",
    "remote image in raw HTML": 'Hi <img src="http://tracker.example/p.gif" alt="pixel">\n',
    "remote image in Markdown": "![pixel](https://tracker.example/p.gif)\n",
}


@pytest.mark.parametrize("door", list(HOSTILE_BODIES))
def test_the_build_stops_on_what_check_finds_with_the_same_lines(project, capsys, monkeypatch,
                                                                   door):
    rel = bulletin(project, HOSTILE_BODIES[door])
    code, found = check_lines(project, capsys, monkeypatch)
    assert code == 1 and found and all(line.startswith(rel + ":") for line in found), found
    result = build(project)
    assert_not_published(project, result)
    assert problem_lines(result) == found  # one code path: the same lines, in the same order
    assert f"{len(found)} problem" in result.stderr


def test_each_finding_says_what_and_how_to_accept_it(project, capsys, monkeypatch):
    rel = bulletin(project, HOSTILE_BODIES["personal data"] + HOSTILE_BODIES["link to no page"],
                   name="2018-07-12-b")
    write(project, "bulletins/2018-07-12-t.md", "---\ntitle: New\ndate: 2018-07-12\n"
          'audience: la\nsummary: "TODO: one or two sentences about New."\n---\nText.\n')
    result = build(project)
    assert_not_published(project, result)
    lines = problem_lines(result)
    assert lines[:3] == [
        f"{rel}:7: personal data: a UK phone number (ending …36) that is not in "
        "allowed_phone_numbers (set under the commsite plugin in mkdocs.yml); remove it, or add "
        "'commsite: allow' to the line if it is meant to be published",
        f"{rel}:7: personal data: an email address at 'gmail.com', outside allowed_email_domains "
        "(nhs.net; set under the commsite plugin in mkdocs.yml); remove it, or add "
        "'commsite: allow' to the line if it is meant to be published",
        f"{rel}:9: personal data: an NHS number (ending …19, valid check digit); remove it, or "
        "add 'commsite: allow' to the line if it is meant to be published"]
    assert lines[3] == (f"{rel}:10: body: the link '../2018-07-13-la-bulletin/' leads to no page "
                        "or file of the site; correct it, or add 'commsite: allow' to the line "
                        "if the address is right")
    assert lines[4] == ("bulletins/2018-07-12-t.md:5: summary: text left from the 'commsite new' "
                        "template ('TODO: one or two sentences about New.'); write the summary "
                        "in its place, or add 'commsite: allow' to the line if it is meant to be "
                        "published")
    assert "0113 496 0736" not in result.stderr  # the data itself never reaches a CI log


def test_the_allow_marker_accepts_a_finding_in_check_and_build(project, capsys, monkeypatch):
    marked = ("Call the test line 0113 496 0736. <!-- commsite: allow -->\n\n"
              "See [the old site](/legacy/page/). <!-- commsite: allow -->\n")
    bulletin(project, marked.replace(" <!-- commsite: allow -->", ""))
    assert check_lines(project, capsys, monkeypatch)[0] == 1
    assert_not_published(project, build(project))
    bulletin(project, marked)
    assert check_lines(project, capsys, monkeypatch) == (0, [])
    result = build(project)
    assert result.returncode == 0, result.stderr
    page = (project / "site/bulletins/2018-07-12-b/index.html").read_text()
    assert "0113 496 0736" in page and 'href="/legacy/page/"' in page
    assert "commsite: allow" not in page  # the marker is an HTML comment: readers never see it


def test_advice_is_printed_and_the_build_goes_on(project):
    bulletin(project, "Text.\n", "review_by: 2018-01-01\n")
    write(project, "bulletins/2018-07-12-b.md", "---\ntitle: Portal update\ndate: 2018-07-12\n"
          "audience: la\nsummary: Portal update.\nreview_by: 2018-01-01\n---\nText.\n")
    result = build(project)  # --strict: advice is no warning
    assert result.returncode == 0, result.stderr
    assert "bulletins/2018-07-12-b.md:5: summary: only repeats the title" in result.stderr
    assert "bulletins/2018-07-12-b.md:6: review_by: 2018-01-01 has passed" in result.stderr
    assert (project / "site/bulletins/2018-07-12-b/index.html").is_file()


def test_a_new_draft_stops_nothing_and_shows_nowhere(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    assert main(["new", "bulletin", "--title", "Secret plans", "--date", "2018-07-10"]) == 0
    capsys.readouterr()
    draft = project / "bulletins/2018-07-10-secret-plans.md"
    draft.write_text(draft.read_text().replace("\n---\n", "\n---\nDRAFT-ONLY-TEXT 0113 496 0736\n"))
    code, found = check_lines(project, capsys, monkeypatch)
    assert code == 1 and any("template" in line for line in found)  # check tells the author
    result = build(project)
    assert result.returncode == 0, result.stderr  # ... but a draft is not published
    assert "DRAFT-ONLY-TEXT" not in site_text(project / "site")
    assert b"DRAFT-ONLY-TEXT" not in everything(project / "site")  # the search index, unpacked
    assert not (project / "site/bulletins/2018-07-10-secret-plans").exists()


# --- attachments, slides and images by type ------------------------------------------

HOSTILE_FILES = {
    "files/page.html": (b"<!doctype html><script>document.cookie</script>", "is a .html file"),
    "files/app.js": (b"fetch('/x')", "is a .js file"),
    "files/report.pdf": (b"<html><body><script>alert(1)</script>", "is not really a PDF file"),
    "files/data.csv": (b"<script>alert(1)</script>,a\n", "is not really a CSV file"),
    "files/notes.md": (b"# Notes\n<script src=x></script><img src=x onerror=alert(1)>",
                       "is a record file (.md)"),
    "files/tool": (b"MZ\x90\x00", "is a file without extension file"),
    "files/deck.pptx": (b"%PDF-1.4 not a zip", "is not really a PowerPoint file"),
}


@pytest.mark.parametrize("rel", list(HOSTILE_FILES))
def test_an_attachment_of_another_type_is_refused_naming_the_types_allowed(project, rel):
    data, what = HOSTILE_FILES[rel]
    write(project, f"bulletins/{rel}", data)
    source = bulletin(project, "Text.\n", f"attachments:\n  - file: {rel}\n    title: It\n")
    result = build(project)
    assert_not_published(project, result)
    line, = problem_lines(result)
    assert line.startswith(f"{source}:7: attachments[1].file: '{rel}' {what}")
    assert ALLOWED_LIST in line


def test_a_draft_attached_by_another_record_is_refused_and_leaks_nowhere(project):
    secret = "SECRET-DRAFT-TEXT-4711"
    write(project, "bulletins/2018-09-30-secret-draft.md", "---\ntitle: Secret\ndate: 2018-09-30"
          f"\naudience: la\nsummary: Not yet.\ndraft: true\n---\n{secret}\n")
    source = bulletin(project, "Text.\n", "attachments:\n  - file: 2018-09-30-secret-draft.md\n"
                      "    title: The plan\n")
    result = build(project)
    assert_not_published(project, result)
    assert problem_lines(result)[0].startswith(
        f"{source}:7: attachments[1].file: '2018-09-30-secret-draft.md' is a record file (.md), "
        "which is never published as a file")
    bulletin(project, "Text.\n")  # without the attachment: built, and the draft nowhere
    result = build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert secret not in site_text(site)
    index = indexed(site)  # the search index, unpacked: what a reader's browser can find
    assert "/bulletins/2018-07-12-b/" in index  # the published record is there ...
    assert secret.encode() not in everything(site)  # ... the draft nowhere
    assert not [url for url in index if "secret" in url]


def test_slides_and_images_are_checked_by_type_too(project):
    write(project, "webinars/slides/deck.html", b"<script>alert(1)</script>")
    write(project, "bulletins/images/chart.pdf", PDF)  # a PDF is no image
    write(project, "webinars/2018-07-03-w.md", f"---\ntitle: W\n{FIELDS}slides: "
          "slides/deck.html\n---\nHi.\n")
    source = bulletin(project, "![A chart](images/chart.pdf)\n")
    result = build(project)
    assert_not_published(project, result)
    lines = problem_lines(result)
    assert lines[0].startswith(f"{source}:7: body: image: 'images/chart.pdf' is a .pdf file, "
                               "not a type the site publishes; allowed: "
                               + ", ".join(s.lstrip(".") for s in IMAGES))
    assert lines[1].startswith("webinars/2018-07-03-w.md:6: slides: 'slides/deck.html' is a "
                               ".html file")


def test_every_allowed_type_is_published_and_no_folder_file_becomes_a_page(project):
    files = {"files/r.pdf": PDF, "files/n.txt": b"Notes\n", "files/d.csv": b"a,b\n1,2\n",
             "files/w.docx": b"PK\x03\x04rest", "files/x.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
             "files/p.png": PIXEL_PNG, "files/s.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>'}
    for rel, data in files.items():
        write(project, f"bulletins/{rel}", data)
    bulletin(project, "Text.\n", "attachments:\n" + "".join(
        f"  - file: {rel}\n    title: {rel}\n" for rel in files))
    # A notice's folder holds a Markdown file no record points to: it must not be a page.
    write(project, "content/notices/files/notes.md", "---\ntitle: Notes\n---\n"
          "NOTES-NOT-A-PAGE <script>alert(1)</script>\n")
    write(project, "content/notices/2018-07-02-n.md", f"---\ntitle: N\n{FIELDS}---\nHi.\n")
    result = build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    for rel, data in files.items():
        assert (site / "bulletins/2018-07-12-b" / rel).read_bytes() == data
    assert "NOTES-NOT-A-PAGE" not in site_text(site)


# --- SVG: safe or refused -------------------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'
HOSTILE_SVGS = {
    "script": (SVG.format("<script>alert(1)</script>"), "line 1: it holds <script>"),
    "handler": (SVG.format('<rect onclick="alert(1)"/>').replace("<svg ", '<svg onload="alert(1)" '),
                "line 1: <svg> has an event handler (onload=)"),
    "foreignObject": (SVG.format('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">'
                                 "</div></foreignObject>"), "it holds <foreignObject>"),
    "html script": (SVG.format('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)'
                               "</h:script>"), "it holds <script>"),
    "external href": (SVG.format('<image href="https://tracker.example/p.png"/>'),
                      "<image> refers to 'https://tracker.example/p.png' outside the image"),
    "xlink:href": (SVG.format('<a xlink:href="javascript:alert(1)"><text>x</text></a>'),
                   "<a> refers to 'javascript:alert(1)' outside the image"),
    "css url": (SVG.format('<rect style="fill:url(https://tracker.example/x)"/>'),
                "<rect> style= refers to a file outside the image"),
    "style import": (SVG.format("<style>@import 'https://x.example/a.css';</style>"),
                     "its <style> refers to a file outside the image"),
    "entity": ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x "y">]>\n' + SVG.format("&x;"),
               "it declares a DTD"),
    "billion laughs": ('<!DOCTYPE svg [\n<!ENTITY a "aaaa">\n<!ENTITY b "&a;&a;&a;">]>\n'
                       + SVG.format("&b;"), "line 1: it declares a DTD"),
    "stylesheet PI": ('<?xml-stylesheet type="text/xsl" href="https://x.example/a.xsl"?>\n'
                      + SVG.format(""), "line 1: it holds a processing instruction"),
    "animated href": (SVG.format('<a href="#x"><set attributeName="href" to="javascript:alert(1)"'
                                 "/><text>x</text></a>"), "<set> animates 'href'"),
    "not svg": ("<html><script>alert(1)</script></html>", "its root element is <html>"),
    "broken": ("<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "not well-formed XML"),
}
SAFE_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120"
     height="40" viewBox="0 0 120 40" role="img"><title>A bar</title>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#005eb8"/></linearGradient></defs>
  <style>rect { fill: url(#g); }</style>
  <rect id="bar" width="100" height="20" style="stroke:url(#g)"/>
  <use xlink:href="#bar" y="20"/><a href="#bar"><text y="38">Bar</text></a>
  <animate href="#bar" attributeName="width" from="0" to="100" dur="1s"/>
</svg>
"""


@pytest.mark.parametrize("name", list(HOSTILE_SVGS))
def test_an_svg_that_could_run_or_fetch_anything_is_refused_with_the_reason(name):
    svg, reason = HOSTILE_SVGS[name]
    found = unsafe(svg.encode())
    assert found is not None and reason in found, found
    assert unsafe(SAFE_SVG.encode()) is None


def test_a_hostile_svg_stops_the_build_and_a_safe_one_is_published(project):
    source = bulletin(project, "![A chart](images/chart.svg)\n")
    write(project, "bulletins/images/chart.svg", HOSTILE_SVGS["handler"][0])
    result = build(project)
    assert_not_published(project, result)
    assert problem_lines(result) == [
        f"{source}:7: body: image: 'images/chart.svg' is an SVG that could run code or load "
        "other files (line 1: <svg> has an event handler (onload=)); publish an SVG without "
        "script, event handlers, foreignObject, external references or entity declarations, "
        "or a PNG"]
    write(project, "bulletins/images/chart.svg", SAFE_SVG)
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert (project / "site/bulletins/2018-07-12-b/images/chart.svg").read_text() == SAFE_SVG


def test_every_record_file_type_check_reads_the_records_own_folder_only(project):
    """The example's own files all pass: the rules cost the example site nothing."""
    for part in ("bulletins", "webinars", "content"):
        subprocess.run(["cp", "-r", str(ROOT / part), str(project)], check=True)
    report = audit(Settings(root=project))
    assert report.findings == [] and report.catalogue.records
    assert any(f.rel.endswith(".svg") for r in report.catalogue.records for f in r.images)


# --- emails carry only the site's own images ------------------------------------------

def test_emails_and_pages_carry_only_the_site_s_own_images(project):
    write(project, "bulletins/images/chart.png", PIXEL_PNG)
    bulletin(project, "![A chart](images/chart.png)\n\n<img src=\"images/chart.png\" alt=\"Again\">\n")
    result = build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    email = BeautifulSoup((site / "bulletins/2018-07-12-b/email.html").read_text(), "html.parser")
    sources = [img["src"] for img in email.find_all("img")]
    assert sources == ["https://comms.example.org/bulletins/2018-07-12-b/images/chart.png"] * 2
    policy = email.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "img-src https://comms.example.org;" in policy  # no other server, even if opened
    for path in site.rglob("*.html"):
        for img in BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find_all("img"):
            src = img.get("src", "")
            assert not re.match(r"^(https?:)?//", src) or src.startswith(
                "https://comms.example.org/"), (path, src)
