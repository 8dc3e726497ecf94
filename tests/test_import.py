"""`commsite import FILE.docx`: Word documents made here with python-docx become draft records.

Each document is written by the test (python-docx, plus hand-made XML where python-docx
has no API: hyperlinks, tracked changes), so every expectation follows from its input.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from commsite.cli import main
from commsite.records import load_records
from commsite.settings import Settings

from .sites import empty_project

CONFIG = "site_name: Test\ndocs_dir: content\nplugins:\n  - search\n  - commsite:\n      pdf: false\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    empty_project(tmp_path, CONFIG)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMMSITE_BUILD_DATE", raising=False)
    return tmp_path


def png(width: int, height: int, rgb=(0, 94, 184)) -> bytes:
    """A small solid PNG, written by hand."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def hyperlink(paragraph, text: str, url: str) -> None:
    """python-docx has no API for links: the w:hyperlink element and its relationship."""
    rid = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    text_el = OxmlElement("w:t")
    text_el.text = text
    run.append(text_el)
    link.append(run)
    paragraph._p.append(link)


def picture(document, path: Path, alt: str) -> None:
    document.add_picture(str(path))
    doc_pr = document.paragraphs[-1]._p.xpath(".//wp:docPr")[0]
    doc_pr.set("descr", alt)


def bullet_list(document) -> int:
    """A two-level bulleted list as Word makes one (python-docx's template has only single-level
    lists): an abstract numbering with levels 0 and 1, and its numId."""
    numbering = document.part.numbering_part.element
    levels = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
                     f'<w:lvlText w:val="•"/></w:lvl>' for i in (0, 1))
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
                                  f'{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId '
                               'w:val="90"/></w:num>'))
    return 90


def run_import(capsys, *argv) -> tuple[int, list[str], str]:
    code = main(["import", *argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def bulletin_docx(folder: Path) -> Path:
    (folder / "chart.png").write_bytes(png(4, 3))
    (folder / "logo.png").write_bytes(png(2, 2, (200, 0, 0)))
    document = docx.Document()
    document.add_heading("LA Bulletin – 9 December 2026", 1)
    intro = document.add_paragraph("Welcome to the ")
    intro.add_run("December").bold = True
    intro.add_run(" edition, with ")
    intro.add_run("three").italic = True
    intro.add_run(" items * and a star.")
    document.add_heading("Anti-spoofing", 1)
    links = document.add_paragraph("Read ")
    hyperlink(links, "the guidance", "https://www.example.org/guide")
    links.add_run(".")
    num_id = bullet_list(document)
    for text, level in (("Check your domains", 0), ("Turn on DMARC", 1), ("Tell us", 0)):
        item = document.add_paragraph(text)
        num_pr = item._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val, num_pr.get_or_add_numId().val = level, num_id
    document.add_heading("Figures", 2)
    table = document.add_table(rows=3, cols=2)
    for row, (name, value) in enumerate([("Service", "Availability"), ("Portal | web", "99.9%"),
                                         ("Mail", "100%")]):
        table.cell(row, 0).text, table.cell(row, 1).text = name, value
    picture(document, folder / "chart.png", "Bar chart: availability by month")
    picture(document, folder / "logo.png", "")
    document.add_paragraph("1 is the loneliest number.")
    path = folder / "bulletin.docx"
    document.save(str(path))
    return path


BODY = r"""Welcome to the **December** edition, with *three* items \* and a star.

## Anti-spoofing

Read [the guidance](https://www.example.org/guide).

- Check your domains
    - Turn on DMARC
- Tell us

### Figures

| Service | Availability |
| --- | --- |
| Portal \| web | 99.9% |
| Mail | 100% |

![Bar chart: availability by month](images/2026-12-09-la-bulletin-9-december-2026-1.png)

![](images/2026-12-09-la-bulletin-9-december-2026-2.png)

1 is the loneliest number."""


def test_a_bulletin_becomes_a_draft_record_with_its_images(project, tmp_path, capsys):
    source = bulletin_docx(tmp_path)
    code, out, err = run_import(capsys, str(source), "--date", "2026-12-09")
    assert code == 0, err
    rel = "bulletins/2026-12-09-la-bulletin-9-december-2026.md"
    image = "bulletins/images/2026-12-09-la-bulletin-9-december-2026-{}.png"
    assert out[0] == rel
    assert out[1] == "A draft dated 2026-12-09. Next:"
    assert out[-3:] == [
        f"  with {image.format(1)}", f"  with {image.format(2)} (no alt text)",
        "Note: image 2 (images/2026-12-09-la-bulletin-9-december-2026-2.png) has no alt text in "
        "the Word document; describe it in the record: ![what the image shows]"
        "(images/2026-12-09-la-bulletin-9-december-2026-2.png)"]
    text = (project / rel).read_text()
    body = text.split("\n---\n", 1)[1]
    assert body.strip().startswith(BODY + "\n\n<!-- Start headings")
    assert (project / image.format(1)).read_bytes() == (tmp_path / "chart.png").read_bytes()
    assert (project / image.format(2)).read_bytes() == (tmp_path / "logo.png").read_bytes()
    # It loads as a draft with the first heading as its title; the missing alt text is the
    # build's (and check's) finding, on the image's line.
    settings = Settings(root=project)
    main(["check"])
    out, _ = capsys.readouterr()
    line = text.splitlines().index("![](images/2026-12-09-la-bulletin-9-december-2026-2.png)") + 1
    assert (f"{rel}:{line}: body: the image 'images/2026-12-09-la-bulletin-9-december-2026-2.png' "
            "has no alt text; describe it: ![what the image shows]"
            "(images/2026-12-09-la-bulletin-9-december-2026-2.png)") in out.splitlines()
    (project / rel).write_text(text.replace("![](images", "![The Portal logo](images"))
    [record] = load_records(settings)
    assert (record.title, record.draft, record.date.isoformat()) == (
        "LA Bulletin – 9 December 2026", True, "2026-12-09")
    assert [i.rel for i in record.images] == [
        "images/2026-12-09-la-bulletin-9-december-2026-1.png",
        "images/2026-12-09-la-bulletin-9-december-2026-2.png"]
    assert "<h1" not in record.body.html
    assert [(e["level"], [c["level"] for c in e["children"]]) for e in record.body.toc] == [
        (2, [3])]
    assert "<table>" in record.body.html and "<strong>December</strong>" in record.body.html


def test_it_never_overwrites_a_record_or_an_image(project, tmp_path, capsys):
    source = bulletin_docx(tmp_path)
    assert run_import(capsys, str(source), "--date", "2026-12-09")[0] == 0
    rel = project / "bulletins/2026-12-09-la-bulletin-9-december-2026.md"
    before = rel.read_text()
    code, out, err = run_import(capsys, str(source), "--date", "2026-12-09")
    assert (code, out) == (1, [])
    assert err.strip() == ("commsite import: bulletins/2026-12-09-la-bulletin-9-december-2026.md "
                           "already exists; nothing was written (choose another title, or edit "
                           "that file)")
    assert rel.read_text() == before
    rel.unlink()  # the record is gone but its image is still there: still nothing written
    code, out, err = run_import(capsys, str(source), "--date", "2026-12-09")
    assert code == 1 and not rel.exists()
    assert err.strip() == ("commsite import: bulletins/images/2026-12-09-la-bulletin-9-december-"
                           "2026-1.png already exists; nothing was written")


def test_the_title_comes_from_the_document_s_properties_without_a_heading(project, tmp_path,
                                                                          capsys):
    document = docx.Document()
    document.core_properties.title = "Use secure passwords"
    document.add_paragraph("Your password expires every 90 days.")
    document.save(str(tmp_path / "notice.docx"))
    code, out, _ = run_import(capsys, str(tmp_path / "notice.docx"), "--type", "notice",
                              "--date", "2017-09-13", "--audience", "users")
    assert code == 0
    assert out[0] == "content/notices/2017-09-13-use-secure-passwords.md"
    [record] = load_records(Settings(root=project))
    assert (record.title, record.audiences, record.type.key) == (
        "Use secure passwords", ("users",), "notice")
    assert record.body.html.strip() == "<p>Your password expires every 90 days.</p>"


def test_tracked_deletions_and_comments_never_reach_the_record(project, tmp_path, capsys):
    document = docx.Document()
    document.add_heading("Webinar notes", 1)
    paragraph = document.add_paragraph("Kept text. ")
    commented = paragraph.add_run("Commented words.")
    document.add_comment(commented, text="COMMENT-SECRET: do not publish", author="Editor")
    # A tracked insertion (part of the text as it now reads) and a tracked deletion (not).
    inserted = OxmlElement("w:ins")
    for name, value in (("w:id", "1"), ("w:author", "Editor"), ("w:date", "2026-12-01T10:00:00Z")):
        inserted.set(qn(name), value)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = " INSERTED-TEXT"
    text.set(qn("xml:space"), "preserve")
    run.append(text)
    inserted.append(run)
    paragraph._p.append(inserted)
    deleted = OxmlElement("w:del")
    for name, value in (("w:id", "2"), ("w:author", "Editor"), ("w:date", "2026-12-01T10:00:00Z")):
        deleted.set(qn(name), value)
    run = OxmlElement("w:r")
    gone = OxmlElement("w:delText")
    gone.text = " DELETED-SECRET"
    run.append(gone)
    deleted.append(run)
    paragraph._p.append(deleted)
    document.save(str(tmp_path / "notes.docx"))
    code, out, _ = run_import(capsys, str(tmp_path / "notes.docx"), "--type", "webinar",
                              "--date", "2026-12-01")
    assert code == 0
    written = (project / out[0]).read_text()
    assert "Kept text. Commented words. INSERTED-TEXT" in written
    assert "DELETED-SECRET" not in written and "COMMENT-SECRET" not in written
    assert "Editor" not in written


@pytest.mark.parametrize("content, message", [
    (b"not a zip file", "not a Word document (.docx); in Word, choose File > Save As > Word "
                        "Document (.docx)"),
    (None, "no such file"),
])
def test_a_file_that_is_not_a_word_document(project, tmp_path, capsys, content, message):
    path = tmp_path / "letter.docx"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run_import(capsys, str(path))
    assert (code, out) == (2, [])
    assert err.strip() == f"commsite import: {path}: {message}"
    assert not (project / "bulletins").exists()
