"""Bulletin emails: email.html as a mail client renders it, email.txt as a reader reads it.

Uses the two builds of tests/test_feeds.py: the example site (with a site_url,
so every link must be absolute) and the small project without one.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from commsite.mailout import WIDTH
from commsite.pages import long_date

from .test_feeds import HOSTILE_ACTION, HOSTILE_SUMMARY, HOSTILE_TITLE, published

MAX_BYTES = 100 * 1024
NO_STYLE_NEEDED = {"br"}  # an element with no box and no text of its own


def bulletins(settings, records):
    return [r for r in published(settings, records) if r.type.key == "bulletin"]


def email(site, record) -> tuple[BeautifulSoup, str, str]:
    raw = (site / record.url / "email.html").read_text(encoding="utf-8")
    text = (site / record.url / "email.txt").read_text(encoding="utf-8")
    return BeautifulSoup(raw, "lxml"), raw, text


def headings(record) -> list[str]:
    def walk(entries):
        for entry in entries:
            yield entry["name"]
            yield from walk(entry["children"])
    return list(walk(record.body.toc))


def test_every_bulletin_and_only_bulletins_have_both_emails(example, unusual):
    for _, site, settings, records in (example, unusual):
        expected = {f"{r.url}{name}" for r in bulletins(settings, records)
                    for name in ("email.html", "email.txt")}
        assert expected
        written = {p.relative_to(site).as_posix() for p in site.rglob("email.*")}
        assert written == expected


def test_html_is_email_ready_inline_styles_tables_no_script(example, unusual):
    for _, site, settings, records in (example, unusual):
        for record in bulletins(settings, records):
            soup, raw, _ = email(site, record)
            assert len(raw.encode("utf-8")) < MAX_BYTES, record.slug
            assert soup.find(["script", "style", "iframe", "form"]) is None
            assert soup.find("link", rel="stylesheet") is None
            # Opened from the website rather than a mail client, it still runs nothing.
            policy = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
            assert "script-src 'none'" in policy["content"].split("; ")
            assert soup.find(attrs={"class": True}) is None, "styling must not depend on classes"
            for el in soup.body.find_all(True):
                assert not [a for a in el.attrs if a.lower().startswith("on")], el
                if el.name not in NO_STYLE_NEEDED:
                    assert el.get("style"), f"{record.slug}: <{el.name}> has no inline style"
            # Layout by tables: the whole message sits in presentation tables.
            assert soup.body.find(True).name == "table"
            assert soup.body.find(True)["role"] == "presentation"


def test_largest_example_bulletin_fits(example):
    _, site, settings, records = example
    largest = max(bulletins(settings, records), key=lambda r: len(r.body.html))
    _, raw, _ = email(site, largest)
    assert len(raw.encode("utf-8")) < MAX_BYTES
    assert len(raw) > len(largest.body.html), "the whole body is in it"


def test_html_says_what_the_page_says_with_absolute_links(example):
    _, site, settings, records = example
    base = settings.site_url.rstrip("/") + "/"
    for record in bulletins(settings, records):
        soup, _, _ = email(site, record)
        text = soup.get_text(" ")
        assert soup.h1.get_text() == record.title
        assert soup.title.get_text() == record.title
        assert long_date(record.date) in text and record.summary in text
        assert [h.get_text() for h in soup.find_all(["h2", "h3", "h4"])
                if h.get_text() != "Attachments"] == headings(record)
        hrefs = [a["href"] for a in soup.find_all("a")]
        assert base + record.url in hrefs and base + record.pdf_url in hrefs
        for attachment in record.attachments:
            assert base + record.url + attachment.rel in hrefs
        for href in hrefs + [img["src"] for img in soup.find_all("img")]:
            assert href.startswith((base, "https://", "http://", "mailto:", "tel:")), href
        for href in record.body.links:
            assert urljoin(base + record.url, href) in hrefs
        if record.action_required:
            assert record.action_required in text
            if record.deadline:
                assert long_date(record.deadline) in text


def test_text_has_the_body_readable_with_every_address_written_out(example):
    _, site, settings, records = example
    base = settings.site_url.rstrip("/") + "/"
    for record in bulletins(settings, records):
        _, _, text = email(site, record)
        lines = text.splitlines()
        assert lines[0] == record.title and set(lines[1]) == {"="}
        flat = " ".join(text.split())
        assert long_date(record.date) in flat and record.summary in flat
        for heading in headings(record):
            assert heading in lines, heading  # each heading on a line of its own
        for href in record.body.links:
            assert urljoin(base + record.url, href) in text
        assert base + record.url in text and base + record.pdf_url in text
        for attachment in record.attachments:
            assert attachment.title in text and base + record.url + attachment.rel in text
        assert not re.search(r"</?[a-z][a-z0-9]*[ >]", text), "no HTML tags in the text"
        # Wrapped, except headings (kept whole, on one line, with their underline) and
        # lines that end in an address, which cannot be broken.
        whole = {record.title, *headings(record)}
        for i, line in enumerate(lines):
            assert (len(line) <= WIDTH or line in whole or lines[i - 1] in whole
                    or re.search(r"\S*[/@]\S*$", line)), line
        if record.action_required:
            assert record.action_required in flat


def test_hostile_fields_are_escaped_in_html_and_plain_in_text(unusual):
    _, site, settings, records = unusual
    record = next(r for r in records if r.title == HOSTILE_TITLE)
    soup, raw, text = email(site, record)
    assert "<script" not in raw and "<img src=x" not in raw
    assert soup.h1.get_text() == HOSTILE_TITLE and soup.title.get_text() == HOSTILE_TITLE
    visible = soup.get_text()
    assert HOSTILE_SUMMARY in visible and HOSTILE_ACTION in visible
    assert 'alert("body")' not in visible  # the body's script went with the sanitiser
    assert 'Details & "more"' in [h.get_text() for h in soup.find_all("h2")]
    # Plain text is not HTML: the reader sees the characters, not entities.
    assert HOSTILE_TITLE in text and HOSTILE_SUMMARY in " ".join(text.split())
    assert "&amp;" not in text and "&lt;" not in text
    assert "https://example.org/a?b=1&c=2" in text
    assert soup.find("a", href="https://example.org/a?b=1&c=2") is not None
    # The body's Markdown structure reads as text: list markers, numbered steps, table rows.
    for line in ("- first point", "1. step one", "2. step two", "Column A | Column B",
                 "a & b | 2", 'Details & "more"', "Small print"):
        assert line in text.splitlines(), line


def test_without_site_url_links_still_reach_the_page(unusual):
    _, site, settings, records = unusual
    for record in bulletins(settings, records):
        soup, _, text = email(site, record)
        here = record.url + "email.html"
        for a in soup.find_all("a"):
            href = a["href"]
            if href.startswith(("https://", "mailto:")):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(here), href.split("#")[0]))
            path = site / target
            assert path.is_file() or (path / "index.html").is_file(), (record.slug, href)
        # No PDFs in this project, so no PDF link; the text names the page by its site path.
        assert not soup.find("a", href=re.compile(r"\.pdf$"))
        assert f"/{record.url}" in text
