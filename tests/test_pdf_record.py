"""The PDF is the record: everything the page says, with working links and valid tags.

Read back as a reader gets it: the page's HTML (BeautifulSoup), the PDF's text (PDFium),
its link annotations and structure tree (pikepdf, through tests/pdf_structure.py). Over
the example site (the session's build) and over a project whose webinar uses every field.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pikepdf
import pytest
from bs4 import BeautifulSoup

from commsite.colours import DEFAULT_BRAND_COLOUR, contrast_on_white, rgb
from commsite.pdf import tagging
from commsite.project import ProjectError, settings_from_options
from commsite.site import BRAND_CSS, NO_SITE_URL

from .pdf_helpers import (ROOT, build, every_byte, mkdocs_build, page_texts, png, project,
                          record, text_of, write)
from .pdf_structure import problems, walk
from .sites import copy_project, with_pdf_cache

SITE_URL = "https://comms.example.org/"
EVERY = "webinars/2018-06-20-every-field.md"
EVERY_FIELD = """---
title: LA Webinar – 20 June 2018 (every field)
date: 2018-06-20
updated: 2018-06-25
changes:
  - date: 2018-06-25
    note: Slides and the Portal guide added.
audience: [la, users]
topics: [Portal, Inactive accounts]
summary: A webinar that uses every field a record can have, for the parity tests.
start: 2018-06-20 14:00
duration: 45
slides: slides/2018-06-20-every-field-slides.pdf
recording: https://video.example.org/la-webinars/2018-06-20-every-field
attachments:
  - file: files/2018-06-20-every-field-figures.csv
    title: Figures shown in the webinar
action_required: Tell us which Portal reports you use.
deadline: 2018-07-01
superseded_by: 2018-07-03-la-webinar
qa:
  - question: Where is the lockout checklist?
    answer: In the [July bulletin](../../bulletins/2018-07-12-la-bulletin/), under lockouts.
---

The webinar covered the Portal and the [password notice](../../notices/2017-09-13-use-secure-passwords/).
Read the [national guidance](https://www.example.org/guidance) as well.

## Figures

| Month | Inactive accounts |
| --- | --- |
| May | 1,204 |
| June | 987 |

![A falling line: fewer inactive accounts each month](images/2018-06-20-chart.png)

- First point of the agenda.
- Second point of the agenda.
"""


def every_field_project(root: Path) -> Path:
    copy_project(root)
    write(root, EVERY, EVERY_FIELD)
    shutil.copy(ROOT / "bulletins/attachments/2018-07-12-portal-release-notes.pdf",
                root / "webinars/slides/2018-06-20-every-field-slides.pdf")
    write(root, "webinars/files/2018-06-20-every-field-figures.csv", "month,accounts\nMay,1204\n")
    write(root, "webinars/images/2018-06-20-chart.png", png(8, 8))
    return root


@pytest.fixture(scope="module")
def every_field(example_build, tmp_path_factory):
    """The example project and a webinar with every field, built with its PDFs (those of
    the example's records that are the same come from the shared build's cache)."""
    root = every_field_project(with_pdf_cache(example_build, tmp_path_factory.mktemp("every-field")))
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    return root, root / "site"


def words(text: str) -> str:
    """Text as compared: one space between words, and a line broken after a hyphen
    ("self-\nservice", as a PDF's text reads back) joined again."""
    return re.sub(r"(\w)- (?=\w)", r"\1-", " ".join(text.split()))


FURNITURE = re.compile(r"Page \d+ of \d+|(\s*(•|\d+\.)\s*)+")  # footer; list markers


def reading_text(path: Path) -> str:
    """The PDF's text in reading order, as PDFium reads it back, less what repeats on every
    page (the running header, "Page N of M") and the list markers WeasyPrint draws after
    a page's text: so a paragraph that runs over a page break reads as one."""
    pages = [text.splitlines() for text in page_texts(path)]
    header = pages[0][0]
    lines = [line for page in pages for line in page
             if line.strip() != header and not FURNITURE.fullmatch(line.strip())]
    return words(" ".join(lines))


def records_of(site: Path) -> list[tuple[Path, Path]]:
    """(page, PDF) of every record the site publishes with a PDF."""
    out = []
    for pdf in sorted(site.glob("*/*/*.pdf")):
        page = pdf.parent / "index.html"
        if pdf.stem == pdf.parent.name and page.is_file():
            out.append((page, pdf))
    assert out
    return out


def page_url(site: Path, page: Path) -> str:
    return SITE_URL + page.parent.relative_to(site).as_posix() + "/"


def pieces(article) -> list[str]:
    """Every piece of information of a record page, as text a reader reads."""
    found = [article.h1]
    found += article.select(".comms-superseded p, .comms-action p, .comms-old p")
    found += article.select(".comms-record__meta dd time, .comms-record__meta dd a:not([href^='#'])")
    found += article.select(".comms-record__summary")
    body = article.select_one(".comms-record__body")
    blocks = "p, li, h2, h3, h4, th, td"
    found += [el for el in body.select(blocks) if not el.select(blocks)]
    found += article.select("#comms-qa ~ .comms-qa h3, .comms-qa__answer p")
    found += article.select(".comms-files li a, .comms-files .comms-fileinfo")
    found += article.select(".comms-changes li")
    for hidden in article.select(".md-visually-hidden"):
        hidden.decompose()
    texts = [words(el.get_text()) for el in found]
    out = []
    for text in texts:
        # The notices end in a full stop where the PDF goes on with the address.
        text = text.removesuffix(".") if text.startswith("This ") else text
        if text and text not in out:
            out.append(text.replace("( ", "(").replace(" )", ")"))
    return out


def leaving_links(article, here: str, pdf_address: str) -> set[str]:
    """Absolute addresses of every link of the record that leads off its page (the pager of
    neighbouring records and the PDF's own download link are the site's, not the record's)."""
    for pager in article.select(".comms-pager"):
        pager.decompose()
    out = set()
    for a in article.select("a[href]"):
        address, _ = urldefrag(urljoin(here, a["href"]))
        if address not in (here, pdf_address):
            out.add(address)
    return out


def annotations(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(annot.A.URI) for page in pdf.pages for annot in page.obj.get("/Annots") or []
                if annot.get("/Subtype") == "/Link" and "/A" in annot and "/URI" in annot.A]


def _article(page: Path):
    return BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select_one(
        "article.comms-record")


def _shown(article) -> str:
    """The article without its hidden parts (the search index's sort keys and spellings,
    which a new record elsewhere renumbers): what `pieces` and `leaving_links` can read."""
    article = copy.copy(article)
    for hidden in article.select("[hidden]"):
        hidden.decompose()
    return str(article)


def assert_parity(site: Path, checked_in: Path | None = None) -> int:
    """Every record's PDF says what its page says; with `checked_in` (another build whose
    parity is asserted on its own), a record whose PDF and page article (its shown parts,
    what is compared) are that build's, byte for byte, is left out: the same text was
    compared there."""
    checked = 0
    for page, pdf in records_of(site):
        article = _article(page)
        if checked_in is not None:
            other_page, other_pdf = (checked_in / f.relative_to(site) for f in (page, pdf))
            if (other_pdf.is_file() and other_pdf.read_bytes() == pdf.read_bytes()
                    and other_page.is_file() and _shown(_article(other_page)) == _shown(article)):
                continue
        here = page_url(site, page)
        links = leaving_links(article, here, here + pdf.name)
        text = reading_text(pdf)
        for piece in pieces(article):
            assert piece in text, f"{pdf.name}: the page says {piece!r}, the PDF does not"
        found = set(annotations(pdf))
        assert links <= found, f"{pdf.name}: links of the page missing in the PDF: {links - found}"
        checked += 1
    return checked


def test_example_site_pdfs_say_what_their_pages_say_and_link_where_they_link(example):
    _, site, _, _ = example
    assert assert_parity(site) >= 20


def test_a_record_with_every_field_says_it_all_in_its_pdf(every_field, example):
    _, site = every_field
    # The new webinar and the records it changes; the rest are the example's own, compared
    # by the test above.
    assert assert_parity(site, checked_in=example.site) >= 1
    pdf = site / "webinars/2018-06-20-every-field/2018-06-20-every-field.pdf"
    text = reading_text(pdf)
    for piece in ("Action required by 1 July 2018", "Tell us which Portal reports you use.",
                  "Superseded", "LA Webinar – 3 July 2018", "This is an older communication",
                  "Starts 20 June 2018 at 14:00 BST, for 45 minutes", "Recording of the webinar",
                  "Figures shown in the webinar (CSV, 1 KB)", "Slides (PDF, 15 KB, 2 pages)",
                  "25 June 2018: Slides and the Portal guide added.",
                  "Where is the lockout checklist?", "Published 20 June 2018",
                  "Updated 25 June 2018", "For Local Administrators, Users"):
        assert piece in text, piece
    # The order of the page: title, action, superseded, metadata, summary, old note, body...
    order = ["LA Webinar – 20 June 2018 (every field)", "Action required", "Superseded",
             "Published", "A webinar that uses every field", "This is an older communication",
             "The webinar covered the Portal", "When, slides and recording",
             "Questions and answers", "Attachments", "Change history", "This webinar on the web"]
    where = [text.index(piece) for piece in order]
    assert where == sorted(where), list(zip(order, where))
    base = SITE_URL + "webinars/2018-06-20-every-field/"
    for address in (SITE_URL + "bulletins/2018-07-12-la-bulletin/",
                    SITE_URL + "notices/2017-09-13-use-secure-passwords/",
                    SITE_URL + "webinars/2018-07-03-la-webinar/", "https://www.example.org/guidance",
                    base + "slides/2018-06-20-every-field-slides.pdf",
                    base + "files/2018-06-20-every-field-figures.csv",
                    base + "2018-06-20-every-field.ics", base + "2018-06-20-every-field-deadline.ics",
                    base, SITE_URL + "audiences/users/"):
        assert address in annotations(pdf), address
    # The addresses a paper copy needs are printed, not only linked.
    assert (base + "files/2018-06-20-every-field-figures.csv").replace("/", "") in \
        text.replace(" ", "").replace("/", "")


def test_every_link_in_the_example_sites_pdfs_is_an_absolute_address_of_the_site(example):
    _, site, _, _ = example
    for _, pdf in records_of(site):
        links = annotations(pdf)
        assert links, pdf.name
        for link in links:
            assert link.startswith(("https://", "http://", "mailto:", "tel:")), (pdf.name, link)
        assert b"file:" not in every_byte(pdf), pdf.name
        assert any(link.startswith(SITE_URL) for link in links)


def test_pdfs_pass_the_structure_checker(example, every_field):
    for site in (example.site, every_field[1]):
        for _, pdf in records_of(site):
            assert problems(pdf) == [], pdf.name


def test_the_metadata_is_a_table_of_labels_and_values(every_field):
    pdf = every_field[1] / "webinars/2018-06-20-every-field/2018-06-20-every-field.pdf"
    with pikepdf.open(pdf) as document:
        elements, _, _ = walk(document.Root.StructTreeRoot)
        tables = [e for e in elements if e.S == "/Table"]
        rows = [[str(cell.S) for cell in e.K if isinstance(cell, pikepdf.Dictionary)]
                for e in elements if e.S == "/TR" and e.P.P.objgen == tables[0].objgen]
        assert rows == [["/TH", "/TD"]] * 5  # Published, Updated, Type, For, Topics
        scopes = {str(e.A.Scope) for e in elements if e.S == "/TH"
                  and e.P.P.P.objgen == tables[0].objgen}
        assert scopes == {"/Row"}
        figures = [e for e in elements if e.S == "/Figure"]
        assert [str(f.Alt) for f in figures] == [
            "A falling line: fewer inactive accounts each month"]


def test_the_checker_finds_weasyprints_own_faults_and_the_repair_removes_them(tmp_path):
    from weasyprint import HTML

    html = ("<html lang='en'><head><title>T</title><style>@page { @top-left { content: 'Head' }"
            " @bottom-center { content: 'Page ' counter(page) } }</style></head><body>"
            "<h1>T</h1><table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td>"
            "<td>2</td></tr></tbody></table><p><a href='https://example.org/'>x</a></p></body>"
            "</html>")
    path = tmp_path / "raw.pdf"
    HTML(string=html).write_pdf(path, pdf_variant="pdf/ua-1")
    found = problems(path)
    assert any("orphan" in p for p in found) and any("not reached" in p for p in found)
    assert any("no /IDTree" in p for p in found) and "TH without /Scope" in found
    tagging.repair(str(path))
    assert problems(path) == []
    assert "Head" in text_of(path)  # the header is still printed, as an artifact


def test_a_site_without_site_url_warns_how_to_set_it_and_its_pdfs_link_nowhere_local(tmp_path):
    root = project(tmp_path, {"bulletins/2018-07-20-later.md": (
        "---\ntitle: Later\ndate: 2018-07-20\naudience: la\nsummary: See the July bulletin.\n"
        "---\n\nSee [the July bulletin](../2018-07-12-la-bulletin/) and "
        "[the guide](https://www.example.org/guide).\n")})
    site, _, _, warnings = build(root)
    assert warnings == [NO_SITE_URL] and "site_url: https://" in NO_SITE_URL
    pdf = site.pdf_path(record(site, "2018-07-20-later"))
    assert annotations(pdf) == ["https://www.example.org/guide"]
    assert b"file:" not in every_byte(pdf)
    assert "See the July bulletin and the guide." in words(text_of(pdf))
    assert "/bulletins/2018-07-20-later/" in text_of(pdf)  # where the page is, as a path


def content_colours(path: Path) -> set[tuple[float, float, float]]:
    found = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) in ("rg", "RG") and len(operands) == 3:
                    found.add(tuple(round(float(x), 3) for x in operands))
    return found


def colour(hex_colour: str) -> tuple[float, float, float]:
    return tuple(round(x, 3) for x in rgb(hex_colour))


def test_brand_colour_colours_the_pdfs_and_the_sites_accents(tmp_path):
    site, _, _, _ = build(project(tmp_path / "red"), site_url=SITE_URL, brand_colour="#d5281b")
    for r in site.records:
        used = content_colours(site.pdf_path(r))
        assert colour("#d5281b") in used, r.slug
        assert colour("#005eb8") not in used, r.slug
    css = site.text_files()[BRAND_CSS]
    assert "--comms-brand: #d5281b;" in css and "--md-primary-fg-color: #d5281b;" in css
    mail = site.text_files()["bulletins/2018-07-12-la-bulletin/email.html"]
    assert "#d5281b" in mail and "#3f51b5" not in mail
    default, _, _, _ = build(project(tmp_path / "default"), site_url=SITE_URL)
    used = content_colours(default.pdf_path(record(default, "2018-07-12-la-bulletin")))
    assert colour(DEFAULT_BRAND_COLOUR) in used and colour("#005eb8") not in used
    assert contrast_on_white(DEFAULT_BRAND_COLOUR) >= 4.5


@pytest.mark.parametrize("value, message", [
    ("#d5281", "not a CSS colour"), ("bluish", "not a CSS colour"), (12, ""),
    ("#ffff00", "a contrast of 1.1:1 on white, below 4.5:1"),
    ("rgb(0 0 0 / 50%)", "see-through: it must be opaque")])
def test_a_wrong_brand_colour_stops_with_what_is_allowed(tmp_path, value, message):
    with pytest.raises(ProjectError) as err:
        settings_from_options(tmp_path, {"brand_colour": value})
    [line] = str(err.value).splitlines()
    assert line.startswith(f"mkdocs.yml: plugins.commsite.brand_colour: {value!r} is not "
                           f"allowed{f' ({message})' if message else ''}; allowed: a CSS colour")
    assert settings_from_options(tmp_path, {"brand_colour": "navy"}).brand_colour == "#000080"


@pytest.mark.parametrize("name, data", ids=["png", "svg"], argvalues=[
    ("logo.png", png(40, 12)),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="12">'
                 b'<rect width="40" height="12" fill="#d5281b"/></svg>')])
def test_the_logo_of_the_theme_heads_every_pdf(tmp_path, name, data):
    root = project(tmp_path)
    write(root, f"content/images/{name}", data)
    options = settings_from_options(root, {}, site_url=SITE_URL, logo=f"images/{name}")
    assert options.logo == (root / "content/images" / name).resolve()
    site, _, reports, _ = build(root, site_url=SITE_URL, logo=options.logo)
    assert not [line for line in reports if "refused" in line or "Failed" in line], reports
    pdf = site.pdf_path(record(site, "2018-07-12-la-bulletin"))
    with pikepdf.open(pdf) as document:
        elements, _, _ = walk(document.Root.StructTreeRoot)
        first = document.pages[0]
        drawn = (list(first.get_images()) if name.endswith(".png") else
                 [c for c in content_colours(pdf) if c == colour("#d5281b")])
    assert drawn, "the logo is not drawn on the first page"
    assert "Communications" in [str(e.Alt) for e in elements if e.S == "/Figure"]
    assert problems(pdf) == []
    # An address or an icon cannot be embedded: no logo, no error.
    assert settings_from_options(root, {}, logo="https://example.org/logo.png").logo is None


def test_a_logo_that_could_run_script_is_refused_with_the_reason(tmp_path):
    root = project(tmp_path)
    write(root, "content/images/logo.svg",
          b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="4"/></svg>')
    with pytest.raises(ProjectError) as err:
        settings_from_options(root, {}, site_url=SITE_URL, logo="images/logo.svg")
    [line] = str(err.value).splitlines()
    assert line.startswith("mkdocs.yml: theme.logo: images/logo.svg cannot head the PDFs: line 1: ")
    assert "onload" in line and line.endswith("allowed: a PNG, or an SVG with no script, "
                                              "handler or outside reference")


def test_every_page_of_the_site_takes_the_brand_colour(example):
    _, site, _, _ = example
    css = (site / BRAND_CSS).read_text(encoding="utf-8")
    assert f"--md-primary-fg-color: {DEFAULT_BRAND_COLOUR};" in css
    for page in (site / "index.html", site / "bulletins/2018-07-12-la-bulletin/index.html"):
        links = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select(
            "link[rel=stylesheet]")
        hrefs = [urljoin(page_url(site, page), link["href"]) for link in links]
        assert SITE_URL + BRAND_CSS in hrefs, page
        # After the theme's own style sheet, so its colour is the one that counts.
        theme = next(i for i, h in enumerate(hrefs) if "/assets/stylesheets/main" in h)
        assert hrefs.index(SITE_URL + BRAND_CSS) > theme
