"""Nothing injected, nothing mangled: unusual and hostile records, built for real.

Every field is escaped wherever it appears, raw HTML in bodies passes the
allow-list sanitiser, and text in any language reaches the page and the PDF intact.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from commsite.records import load_records, topic_slug
from commsite.settings import Settings

from .pdf_helpers import text_of
from .test_build import mkdocs_build

ROOT = Path(__file__).resolve().parent.parent

HOSTILE_TITLE = 'Fish & chips <script>alert("t")</script> "quoted" \'single\''
HOSTILE_SUMMARY = 'A summary with <img src=x onerror=alert(1)> & "quotes" and £5.'
HOSTILE_TOPIC = '"><script>alert(2)</script>'
HOSTILE_BODY = """Intro.

<script>alert("body")</script>
<p onclick="alert('click')" style="display:none">Hidden by style</p>
<a href="javascript:alert('js')">js link</a>
<a href="data:text/html,<script>alert(1)</script>">data link</a>
<iframe src="https://example.org/"></iframe>
<object data="x.swf"></object><embed src="x.swf">
<form action="https://example.org/"><input name="q"></form>
<img src="x.png" onerror="alert('img')" alt="x">
<svg onload="alert('svg')"></svg>

## Still a heading

Text after.
"""

# A real 1x1 PNG: images must be files of the record's folder, of an image type.
PIXEL_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                          "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4"
                          "8e0000000049454e44ae426082")

UNUSUAL = {
    "bulletins/2024-03-01-cymraeg.md": """---
title: Bwletin – Gwasanaeth e-bost, Mawrth 2024 ✉️
date: 2024-03-01
audience: la
summary: Newyddion i Weinyddwyr Lleol – ŵ ŷ â ê î ô û, and £ signs.
topics: [Cymraeg, Diogelwch]
---

Croeso i'r bwletin. Mae'r gwasanaeth yn gweithio'n dda. 🎉
""",
    "bulletins/2024-03-01-arabic.md": """---
title: نشرة الخدمة – مارس 2024
date: 2024-03-01
audience: [la, users]
summary: ملخص النشرة باللغة العربية.
topics: [Arabic]
---

هذا نص باللغة العربية من اليمين إلى اليسار.
""",
    "bulletins/2024-05-06-scripts.md": """---
title: Topics in four scripts
date: 2024-05-06
audience: la
summary: Topic labels in Cyrillic, Greek, Arabic and Chinese.
topics: [Защита данных, ЗАЩИТА  данных, Безопасность, Bezopasnost, Προστασία δεδομένων, حماية البيانات, 数据保护, 事实, 实时]
---

Each topic has its own page.
""",
    "content/notices/2024-01-01-minimal.md": """---
title: Minimal
date: 2024-01-01
audience: users
summary: Only the required fields.
---
""",
    "webinars/2024-02-01-everything.yml": """title: Everything & more
date: 2024-02-01
audience: [la, users]
summary: Every optional field at once.
topics: [GDPR, gdpr, Anti spoofing, Anti-spoofing]
updated: 2024-02-10
changes:
  - date: 2024-02-10
    note: Fixed a <b>typo</b> & a date.
draft: false
pdf: true
attachments:
  - file: files/notes.txt
    title: Notes & <things>
slides: files/slides.pdf
recording: https://video.example.org/everything?a=1&b=2
qa:
  - question: Is <this> & "that" escaped?
    answer: Yes, <script>alert('qa')</script>**bold** stays.
body: |
  Body with **Markdown**.
""",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = tmp_path_factory.mktemp("unusual")
    (project / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text())
    (project / "content").mkdir()
    (project / "content" / "index.md").write_text("---\ntitle: Communications\n---\n\nHello.\n")
    for rel, text in UNUSUAL.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text, encoding="utf-8")
    files = project / "webinars" / "files"
    files.mkdir()
    (files / "notes.txt").write_text("notes")
    (files / "slides.pdf").write_bytes((ROOT / "bulletins" / "attachments" /
                                        "2018-07-12-portal-release-notes.pdf").read_bytes())
    hostile = (f"---\ntitle: {json.dumps(HOSTILE_TITLE)}\ndate: 2024-04-01\naudience: la\n"
               f"summary: {json.dumps(HOSTILE_SUMMARY)}\ntopics: [{json.dumps(HOSTILE_TOPIC)}]\n"
               f"---\n{HOSTILE_BODY}")
    (project / "bulletins" / "2024-04-01-hostile.md").write_text(hostile)
    (project / "bulletins" / "x.png").write_bytes(PIXEL_PNG)
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project, project / "site", load_records(Settings(root=project))


def soup_of(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_hostile_fields_are_text_everywhere(site):
    _, out, records = site
    record = next(r for r in records if r.slug == "2024-04-01-hostile")
    home = soup_of(out, "")
    item = home.find("a", href=record.url).find_parent("li")
    assert item.find("a", href=record.url).get_text() == HOSTILE_TITLE
    assert HOSTILE_SUMMARY in item.get_text()
    page = soup_of(out, record.url)
    assert page.select_one("article h1").get_text() == HOSTILE_TITLE
    assert page.find("meta", attrs={"name": "description"})["content"] == HOSTILE_SUMMARY
    assert HOSTILE_TITLE in page.title.get_text()
    # The hostile topic is a label, its slug is letters only: no attribute breaks out.
    assert item["data-topics"] == "script-alert-2-script"
    assert HOSTILE_TOPIC in [a.get_text() for a in page.select(".comms-record__meta a")]
    assert HOSTILE_TITLE in text_of(out / record.pdf_url)
    for html in out.rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for el in soup.find_all(True):
            assert not [a for a in el.attrs if a.lower().startswith("on")], (html, el)
        for script in soup.find_all("script"):
            assert "alert" not in script.get_text(), (html, script)


def test_raw_html_in_bodies_is_sanitised(site):
    _, out, records = site
    record = next(r for r in records if r.slug == "2024-04-01-hostile")
    body = soup_of(out, record.url).select_one(".comms-record__body")
    assert body.find(["script", "iframe", "object", "embed", "form", "input", "svg"]) is None
    for el in body.find_all(True):
        assert not [a for a in el.attrs if a.startswith("on") or a == "style"], el
    hrefs = [a.get("href") for a in body.find_all("a")]
    assert not [h for h in hrefs if h and h.split(":")[0] in ("javascript", "data")]
    # Content survives: the text a style tried to hide, the heading, the words around.
    text = body.get_text(" ")
    for words in ("Intro.", "Hidden by style", "js link", "Still a heading", "Text after."):
        assert words in text
    assert 'alert("body")' not in text


def test_any_language_reaches_page_and_pdf(site):
    _, out, records = site
    for slug in ("2024-03-01-cymraeg", "2024-03-01-arabic"):
        record = next(r for r in records if r.slug == slug)
        page = soup_of(out, record.url)
        assert page.select_one("article h1").get_text() == record.title
        assert record.summary in page.get_text()
        text = text_of(out / record.pdf_url)
        # Words a reader would search the PDF for (emoji aside: fonts vary).
        for word in record.title.replace("✉️", "").split()[:3]:
            assert word in text, (slug, word)


# Each topic of the record above (one per spelling family: the second Cyrillic label is
# the first in capitals), with the readable part of its address: its words transliterated.
SCRIPT_TOPICS = {"Защита данных": "zashchita-dannykh", "Безопасность": "bezopasnost",
                 "Bezopasnost": "bezopasnost", "Προστασία δεδομένων": "prostasia-dedomenon",
                 "حماية البيانات": "hmy-lbynt", "数据保护": "shu-ju-bao-hu", "事实": "shi-shi",
                 "实时": "shi-shi"}


def test_topics_in_any_script_have_a_readable_page_of_their_own(site):
    _, out, records = site
    record = next(r for r in records if r.slug == "2024-05-06-scripts")
    page = soup_of(out, record.url)
    links = {a.get_text(): a["href"] for a in page.select(".comms-record__meta a[href*='topics/']")}
    assert list(links) == list(SCRIPT_TOPICS)  # 'ЗАЩИТА  данных' is 'Защита данных'
    addresses = {label: href.removeprefix("../../topics/").removesuffix("/")
                 for label, href in links.items()}
    # Two different labels never share an address, even where their letters read alike
    # (事实 and 实时 are both 'shi shi'; Безопасность is Bezopasnost in Latin letters).
    assert len(set(addresses.values())) == len(SCRIPT_TOPICS)
    for label, readable in SCRIPT_TOPICS.items():
        address = addresses[label]
        assert address.isascii() and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", address), address
        assert address == readable or address.startswith(readable + "-"), (label, address)
        topic = soup_of(out, f"topics/{address}/")  # the page is there, about that topic
        assert label in topic.select_one("h1").get_text(), (label, address)
        assert record.title in [a.get_text() for a in topic.select(".comms-item__title a")]
    item = soup_of(out, "").find("a", href=record.url).find_parent("li")
    assert item["data-topics"].split() == list(addresses.values())
    # The same label always gets the same address (it is not numbered in order of use).
    assert addresses == {label: topic_slug(label) for label in SCRIPT_TOPICS}
    assert topic_slug("Защита данных") == "zashchita-dannykh-2e116d7e"


def test_same_date_records_keep_a_stable_order(site):
    _, out, records = site
    home = soup_of(out, "")
    same_day = [a.get_text() for a in home.select("#communications .comms-item__title a")
                if a.find_parent("li")["data-month"] == "2024-03"]
    expected = sorted((r.title for r in records if r.date.isoformat() == "2024-03-01"))
    assert same_day == expected


def test_every_optional_field_and_none(site):
    _, out, records = site
    full = next(r for r in records if r.slug == "2024-02-01-everything")
    page = soup_of(out, full.url)
    assert [a.get_text() for a in page.select(".comms-record__meta a[href*='topics/']")] == \
        ["GDPR", "Anti spoofing"]  # one topic per spelling family, first spelling kept
    assert page.find("a", href="files/notes.txt").get_text() == "Notes & <things>"
    assert page.find("a", href="https://video.example.org/everything?a=1&b=2") is not None
    assert page.select_one(".comms-qa h3").get_text() == 'Is <this> & "that" escaped?'
    answer = page.select_one(".comms-qa__answer")
    assert answer.find("script") is None and answer.find("strong").get_text() == "bold"
    assert "Fixed a <b>typo</b> & a date." in page.select_one(".comms-changes").get_text()
    minimal = next(r for r in records if r.slug == "2024-01-01-minimal")
    page = soup_of(out, minimal.url)
    assert page.select_one("article h1").get_text() == "Minimal"
    assert page.select_one(".comms-record__meta a[href*='topics/']") is None
    assert "Minimal" in text_of(out / minimal.pdf_url)


def test_the_site_carries_its_headers_for_netlify_cloudflare_and_apache(site):
    """csp.txt, _headers and .htaccess say the same three headers, in each host's syntax."""
    _, out, _ = site
    csp = (out / "csp.txt").read_text().removeprefix("Content-Security-Policy: ").strip()
    assert "frame-ancestors 'self'" in csp
    expected = {"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "strict-origin-when-cross-origin"}
    netlify = (out / "_headers").read_text().splitlines()
    assert netlify[0] == "/*"  # every path of the site
    assert dict(line.strip().split(": ", 1) for line in netlify[1:]) == expected
    apache = (out / ".htaccess").read_text().splitlines()
    assert apache[0] == "<IfModule mod_headers.c>" and apache[-1] == "</IfModule>"
    said = {}
    for line in apache[1:-1]:
        words = line.split(None, 4)
        assert words[:3] == ["Header", "always", "set"], line
        said[words[3]] = words[4].removeprefix('"').removesuffix('"')
    assert said == expected


def test_every_page_carries_a_strict_policy_that_allows_exactly_its_inline_scripts(site):
    _, out, _ = site
    header = (out / "csp.txt").read_text()
    assert header.startswith("Content-Security-Policy: default-src 'self'; script-src 'self' ")
    pages = list(out.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert meta is not None, path
        script_src = next(d for d in meta["content"].split("; ") if d.startswith("script-src"))
        sources = script_src.split()
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
        # The search index's WebAssembly may be compiled; JavaScript eval stays forbidden.
        # (A bulletin's email runs no script at all: 'none'.)
        assert "'wasm-unsafe-eval'" in sources or sources == ["script-src", "'none'"], path
        for script in soup.find_all("script"):
            if script.get("src") or script.get("type") == "application/json":
                continue
            digest = base64.b64encode(hashlib.sha256(script.string.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in script_src.split(), (path, script.string[:60])
            assert f"'sha256-{digest}'" in header
            assert "commsite" not in script.string  # none of the inline scripts is ours
