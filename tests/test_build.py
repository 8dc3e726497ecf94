"""The example site, built as a comms officer builds it, checked as a reader sees it.

The project is copied into a temporary folder and built with `mkdocs build`, so
these tests see exactly what `make site` publishes. Expected values come from the
records themselves (loaded by the core), never from numbers typed in here.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from commsite.archive import month_label
from commsite.fileinfo import human_size
from commsite.records import topic_slug

from .sites import (PROJECT_PARTS, ROOT, copy_build, copy_project, empty_project,  # noqa: F401
                    mkdocs_build)

from .pdf_helpers import page_texts
from .search_index import everything, indexed


@pytest.fixture(scope="module")
def built(example_build):
    """(project, site, records, build result) of the one shared build of the example."""
    return (example_build.project, example_build.site, example_build.records,
            example_build.result)


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "lxml")


def published(records):
    return [r for r in records if not r.draft]


def test_example_has_every_kind_of_record(built):
    _, _, records, _ = built
    kinds = Counter(r.type.key for r in published(records))
    assert kinds["bulletin"] >= 5 and kinds["webinar"] >= 5 and kinds["notice"] >= 6
    assert any(r.draft for r in records), "the example shows a draft being hidden"


def test_every_record_has_a_page_and_a_pdf_with_its_title(built):
    _, site, records, _ = built
    for record in published(records):
        soup = page(site, record.url)
        assert [h.get_text(strip=True) for h in soup.select("article h1")] == [record.title]
        assert record.summary in soup.get_text(" ")
        pdf = site / record.pdf_url
        assert pdf.read_bytes()[:5] == b"%PDF-"
        reader = PdfReader(pdf)
        first_page = " ".join(page_texts(pdf)[0].split())
        assert record.title in first_page  # where a reader opening it looks
        assert reader.metadata.title == record.title
        assert reader.trailer["/Root"]["/Lang"] == "en"


def test_bulletin_pdfs_run_to_two_pages_or_more(built):
    _, site, records, _ = built
    for record in published(records):
        if record.type.key == "bulletin":
            assert len(PdfReader(site / record.pdf_url).pages) >= 2, record.slug


def describe_pdf(path: Path) -> str:
    pages = len(PdfReader(path).pages)
    return f"PDF, {human_size(path.stat().st_size)}, {pages} page{'s' if pages != 1 else ''}"


def test_home_lists_every_published_record_newest_first_with_its_data(built):
    _, site, records, _ = built
    soup = page(site, "")
    items = soup.select("#communications > li")
    expected = sorted(published(records), key=lambda r: r.date, reverse=True)
    assert len(items) == len(expected)
    by_href = {item.select_one(".comms-item__title a")["href"]: item for item in items}
    assert set(by_href) == {r.url for r in expected}
    dates = [item.select_one("time")["datetime"] for item in items]
    assert dates == sorted(dates, reverse=True)
    for record in expected:
        item = by_href[record.url]
        assert item["data-audience"].split() == list(record.audiences)
        assert item["data-type"] == record.type.key
        assert item["data-topics"].split() == [topic_slug(t) for t in record.topics]
        assert item["data-month"] == record.date.strftime("%Y-%m")
        assert item.select_one(".comms-item__title a").get_text() == record.title
        assert record.summary in item.get_text(" ")
        pdf_link = item.select_one(".comms-item__pdf a")
        assert pdf_link["href"] == record.pdf_url
        assert f"({describe_pdf(site / record.pdf_url)})" in item.select_one(".comms-item__pdf").get_text()
    count = soup.select_one("#comms-count")
    assert count.get_text() == f"Showing {len(expected)} of {len(expected)} communications"
    assert count["aria-live"] == "polite"


def test_filters_offer_every_value_with_counts(built):
    _, site, records, _ = built
    soup = page(site, "")
    pub = published(records)
    options = {name: [(o["value"], o.get_text()) for o in soup.select(f'select[name="{name}"] option')]
               for name in ("audience", "type", "topic", "month")}
    aud = Counter(a for r in pub for a in r.audiences)
    assert options["audience"][1:] == [("la", f"Local Administrators ({aud['la']})"),
                                       ("users", f"Users ({aud['users']})")]
    types = Counter(r.type.key for r in pub)
    assert [v for v, _ in options["type"][1:]] == ["bulletin", "webinar", "notice"]
    assert options["type"][1][1] == f"Bulletin ({types['bulletin']})"
    topics = Counter(s for r in pub for s in dict.fromkeys(map(topic_slug, r.topics)))
    assert {v: int(re.search(r"\((\d+)\)$", t).group(1)) for v, t in options["topic"][1:]} == topics
    # The archive drop-down: months newest first, each with its count.
    months = Counter(r.date.strftime("%Y-%m") for r in pub)
    assert options["month"][0] == ("", "All months")
    assert options["month"][1:] == [(m, f"{month_label(m)} ({months[m]})")
                                    for m in sorted(months, reverse=True)]
    for select in soup.select("#comms-filters select"):
        assert soup.select_one(f'label[for="{select["id"]}"]').get_text().strip()


def test_without_javascript_every_filter_value_is_a_link_to_a_static_page(built):
    _, site, records, _ = built
    soup = page(site, "")
    links = {a["href"] for a in soup.select(".comms-browse a")}
    pub = published(records)
    expected = {f"audiences/{a}/" for r in pub for a in r.audiences}
    expected |= {f"{r.type.url}/" for r in pub}
    expected |= {f"topics/{topic_slug(t)}/" for r in pub for t in r.topics}
    expected |= {f"archive/{r.date:%Y}/{r.date:%m}/" for r in pub}
    assert expected <= links
    for href in links:
        assert (site / href / "index.html").is_file(), href


def test_static_pages_list_exactly_their_records(built):
    _, site, records, _ = built
    pub = published(records)

    def listed(url):
        return sorted(a["href"] for a in page(site, url).select("#communications .comms-item__title a"))

    def rel(record, url):
        return os.path.relpath("/" + record.url, "/" + url) + "/"

    checks = {"bulletins/": [r for r in pub if r.type.key == "bulletin"],
              "webinars/": [r for r in pub if r.type.key == "webinar"],
              "notices/": [r for r in pub if r.type.key == "notice"],
              "audiences/users/": [r for r in pub if "users" in r.audiences],
              "topics/gdpr/": [r for r in pub if "gdpr" in map(topic_slug, r.topics)]}
    for record in pub:
        checks.setdefault(f"archive/{record.date:%Y}/", [])
        checks.setdefault(f"archive/{record.date:%Y}/{record.date:%m}/", [])
    for url in list(checks):
        if url.startswith("archive/"):
            parts = url.split("/")
            checks[url] = [r for r in pub if f"{r.date:%Y}" == parts[1]
                           and (not parts[2] or f"{r.date:%m}" == parts[2])]
    for url, expected in checks.items():
        assert expected, url
        assert listed(url) == sorted(rel(r, url) for r in expected), url
        assert page(site, url).select_one("select[name=month]") is not None, url


def test_drafts_are_absent(built):
    _, site, records, _ = built
    drafts = [r for r in records if r.draft]
    home = (site / "index.html").read_text()
    search = everything(site).decode("utf-8", "replace")
    assert drafts and search
    for draft in drafts:
        assert not (site / draft.url).exists()
        assert draft.url not in home and draft.title not in home
        assert draft.title not in search and draft.url not in search
        assert draft.summary not in search


def test_record_page_shows_what_a_reader_needs(built):
    _, site, records, _ = built
    pub = published(records)
    webinar = next(r for r in pub if r.type.key == "webinar" and r.slides and r.qa)
    soup = page(site, webinar.url)
    text = soup.get_text(" ")
    assert [h.get_text() for h in soup.select(".comms-qa h3")] == [q.question for q in webinar.qa]
    slides = soup.find("a", href=webinar.slides.rel)
    assert slides is not None and (site / webinar.url / webinar.slides.rel).is_file()
    assert f"({describe_pdf(webinar.slides.path)})" in slides.parent.get_text()
    assert soup.find("a", href=webinar.recording) is not None
    topic_links = [a["href"] for a in soup.select(".comms-record__meta a[href*='topics/']")]
    assert topic_links == [f"../../topics/{topic_slug(t)}/" for t in webinar.topics]
    download = soup.select_one(".comms-download")
    assert download.a["href"] == webinar.pdf_url.split("/")[-1]
    assert f"({describe_pdf(site / webinar.pdf_url)})" in download.get_text()
    assert "Dates in previous communications are subject to change" in text  # 2018 is long ago

    # Previous and next stay within the type, in date order.
    same = sorted((r for r in pub if r.type.key == "webinar"), key=lambda r: r.date)
    i = same.index(webinar)
    pager = {a["rel"][0]: a["href"] for a in soup.select(".comms-pager a")}
    if i > 0:
        assert pager["prev"] == f"../{same[i - 1].slug}/"
    if i + 1 < len(same):
        assert pager["next"] == f"../{same[i + 1].slug}/"


def test_attachments_and_change_history(built):
    _, site, records, _ = built
    pub = published(records)
    with_attachment = next(r for r in pub if r.attachments)
    soup = page(site, with_attachment.url)
    for attachment in with_attachment.attachments:
        link = soup.find("a", href=attachment.rel)
        assert link.get_text() == attachment.title
        assert (site / with_attachment.url / attachment.rel).read_bytes() == attachment.path.read_bytes()
        assert human_size(attachment.path.stat().st_size) in link.parent.get_text()
    changed = next(r for r in pub if r.changes)
    soup = page(site, changed.url)
    history = soup.select(".comms-changes li")
    assert [li.get_text(" ", strip=True).split(": ", 1)[1] for li in history] == [c.note for c in changed.changes]
    assert f"{changed.updated.day} {changed.updated:%B %Y}" in soup.select_one(".comms-record__meta").get_text()


def test_images_in_bodies_are_published_and_described(built):
    _, site, records, _ = built
    record = next(r for r in published(records) if r.images)
    soup = page(site, record.url)
    for image in record.images:
        img = soup.find("img", src=image.rel)
        assert img["alt"].strip()
        assert (site / record.url / image.rel).is_file()


def test_search_indexes_records_and_pages_use_no_network(built):
    _, site, records, _ = built
    pages = indexed(site)
    # Exactly the published records: no home page, listing, archive or search page.
    assert set(pages) == {"/" + r.url for r in published(records)}
    home = page(site, "")
    for record in published(records):
        fragment = pages["/" + record.url]
        assert fragment["meta"]["title"] == record.title
        assert record.summary in fragment["content"]
        for entry in record.qa:  # the Q&A answers' words are searchable
            answer = BeautifulSoup(entry.answer_html, "lxml").get_text(" ").split()
            assert " ".join(answer[:6]) in " ".join(fragment["content"].split())
        # Our content only: not the navigation, header or footer around it.
        assert "Skip to content" not in fragment["content"]
        assert "Previous " + record.type.label.lower() not in fragment["content"]
        status = {"action"} if record.action_required else set()
        status |= {"superseded"} if record.superseded_by else set()
        assert {k: sorted(v) for k, v in fragment["filters"].items()} == {
            k: sorted(v) for k, v in {
                "audience": record.audiences, "type": [record.type.key],
                "topic": list(dict.fromkeys(map(topic_slug, record.topics))),
                "month": [record.date.strftime("%Y-%m")], "status": sorted(status)}.items() if v}
        # The finder shows the home page's own item for it: same markup, same links.
        item = BeautifulSoup(fragment["meta"]["item"], "lxml").li
        assert item["data-type"] == record.type.key
        assert str(item) in {str(li) for li in home.select("#communications > li")} or \
            item.select_one(".comms-item__title a")["href"] == record.url
    for path in site.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        for tag, attr in (("link", "href"), ("script", "src"), ("img", "src")):
            for el in soup.find_all(tag):
                assert not (el.get(attr) or "").startswith(("http:", "https:", "//")) or \
                    el.name == "link" and el.get("rel") in (["canonical"], ["alternate"]), (path, el)


def test_every_page_has_one_h1_headings_in_order_and_its_language(example_build):
    """Read from the HTML as served (no script adds or moves a heading)."""
    site, settings = example_build.site, example_build.settings
    pages = sorted(site.rglob("index.html"))
    assert len(pages) > len(published(example_build.records))  # records, listings, topics...
    for path in pages:
        url = path.relative_to(site).as_posix()
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        headings = [(int(h.name[1]), h.get_text(strip=True))
                    for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
        levels = [level for level, _ in headings]
        assert levels.count(1) == 1 and levels[0] == 1, (url, headings)
        for before, after in zip(headings, headings[1:]):
            assert after[0] <= before[0] + 1, f"{url}: {before} is followed by {after}"
        assert soup.html["lang"] == settings.language, url


def test_second_build_reuses_every_pdf_and_a_broken_record_leaves_the_site_as_it_was(
        example_build, tmp_path):
    records, first = example_build.records, example_build.result
    assert f"{len(published(records))} rendered" in first.stderr
    # A second build of the same sources, with the first one's PDF cache.
    broken = copy_build(example_build, tmp_path / "project")
    site = broken / "site"
    again = mkdocs_build(broken, site)
    assert again.returncode == 0, again.stderr
    assert f"PDFs: 0 rendered, {len(published(records))} reused" in again.stderr
    # Then a broken record fails the build and the site stays as the second build left it.
    before = tree_digest(site)
    source = broken / next(r for r in records if r.type.key == "bulletin").source
    text = source.read_text().replace("audience: la", "audience: LA", 1)
    source.write_text(text)
    line = text.split("\n").index("audience: LA") + 1
    (broken / "webinars" / "2018-08-01-oops.md").write_text(
        "---\ntitle: Oops\ndate: 2018-02-30\naudience: la\nsummary: A broken webinar.\n---\nText.\n")
    result = mkdocs_build(broken, site)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    rel = source.relative_to(broken).as_posix()
    assert f"{rel}:{line}: audience: unknown key 'LA'; allowed: la, users" in result.stderr
    assert ("webinars/2018-08-01-oops.md:3: date: '2018-02-30' is not a real date (no such day); "
            "write it as YYYY-MM-DD, e.g. 2018-07-12") in result.stderr
    assert tree_digest(site) == before


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_compiled_templates_are_kept_per_user_and_follow_an_edited_template(tmp_path):
    # Templates compiled by one build are reused by the next (templatecache.py), from a
    # folder of this user's in the temporary directory: an edited override is compiled
    # afresh, a damaged entry is compiled again, and a folder that cannot be trusted is
    # not used; the site is the same each time.
    project = empty_project(tmp_path / "p", (ROOT / "mkdocs.yml").read_text().replace(
        "  name: material\n", "  name: material\n  custom_dir: overrides\n", 1))
    override = project / "overrides" / "main.html"
    override.parent.mkdir()
    override.write_text('{% extends "base.html" %}\n'
                        '{% block announce %}Service notice one{% endblock %}\n')
    temp = tmp_path / "temp"
    temp.mkdir()
    cache = temp / f"_jinja2-cache-{os.getuid()}"

    def build():
        done = mkdocs_build(project, project / "site", TMPDIR=str(temp))
        assert done.returncode == 0, done.stderr
        return (project / "site" / "index.html").read_text(encoding="utf-8")

    assert "Service notice one" in build()
    kept = sorted(cache.iterdir())
    assert len(kept) >= 10, "Material's templates and ours are kept"
    override.write_text(override.read_text().replace("one", "two"))
    assert "Service notice two" in build()
    for entry in cache.iterdir():
        entry.write_bytes(entry.read_bytes()[:20])  # cut short, as by a full disk
    assert "Service notice two" in build()
    shutil.rmtree(cache)
    cache.write_text("not a folder")  # someone else's, say: Jinja will not use it
    assert "Service notice two" in build()
    assert cache.read_text() == "not a folder"
