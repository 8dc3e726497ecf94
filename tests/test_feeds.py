"""The Atom feeds, read back with feedparser as a feed reader or an RSS-to-email service does.

Two sites are built for real with `mkdocs build`: the example site (which has a
site_url) and a small project without one, whose records carry hostile text,
drafts, a scheduled record, webinars either side of the clock change and an
action with a deadline. Both builds are shared with tests/test_calendar.py and
tests/test_mailout.py (tests/conftest.py builds each once per run). Expected values come from
the records' own metadata.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import posixpath
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from commsite import feeds
from commsite.catalogue import Catalogue

from .sites import Built, build_once, copy_project

HOSTILE_TITLE = 'Fish & chips <script>alert("t")</script> "quoted" \'single\'; a, b \\ c'
HOSTILE_SUMMARY = 'A summary with <img src=x onerror=alert(1)> & "quotes", semi;colons and £5.'
HOSTILE_ACTION = 'Reply to <b>us</b> & "them"; then, stop \\ wait'
HOSTILE_BODY = """Intro with a [link & query](https://example.org/a?b=1&c=2) and
a [relative one](../../notices/2024-02-01-users/) and [an anchor](#details).

<script>alert("body")</script>

## Details & "more"

- first *point*
- second point with [mail](mailto:comms@example.org)

1. step one
2. step two

| Column A | Column B |
| --- | ---: |
| a & b | 2 |

### Small print
Text after.
"""

# Webinars either side of the UK clock changes, with the instant each one starts (in UTC).
WEBINARS = {
    "2024-01-10-gmt": ("2024-01-10 14:00", 60, dt.datetime(2024, 1, 10, 14, 0)),
    "2024-03-31-first-bst-day": ("2024-03-31 10:00", 90, dt.datetime(2024, 3, 31, 9, 0)),
    "2024-10-27-gmt-again": ("2024-10-27 10:00", 30, dt.datetime(2024, 10, 27, 10, 0)),
    "2024-06-05-explicit-offset": ("2024-06-05 09:00+02:00", 45, dt.datetime(2024, 6, 5, 7, 0)),
}
LONG_TITLE = ("Webinar: a very long title, with commas; semicolons, a backslash \\ and ünïcödé "
              "letters – so that its SUMMARY line must fold well past seventy-five octets ✉️")

UNUSUAL = {
    "mkdocs.yml": """site_name: Comms & news
docs_dir: content
use_directory_urls: true
theme:
  name: material
  font: false
plugins:
  - search
  - commsite:
      pdf: false
      allowed_email_domains: [example.org]   # the body's mailto: the team's own address
markdown_extensions: [toc, attr_list, admonition]
""",
    "content/index.md": "---\ntitle: Communications\n---\n\nHello.\n",
    "bulletins/2024-04-01-hostile.md": (
        f"---\ntitle: {json.dumps(HOSTILE_TITLE)}\ndate: 2024-04-01\naudience: [la, users]\n"
        f"summary: {json.dumps(HOSTILE_SUMMARY)}\naction_required: {json.dumps(HOSTILE_ACTION)}\n"
        f"deadline: 2024-04-30\n---\n{HOSTILE_BODY}"),
    "bulletins/2024-03-01-plain.md": ("---\ntitle: Plain bulletin\ndate: 2024-03-01\n"
                                      "audience: la\nsummary: Nothing unusual.\n"
                                      "updated: 2024-03-09\n---\n\nHello.\n"),
    "bulletins/2024-02-20-draft.md": ("---\ntitle: Draft bulletin\ndate: 2024-02-20\naudience: la\n"
                                      "summary: Not yet.\ndraft: true\n---\n\nHello.\n"),
    "bulletins/2099-01-01-scheduled.md": ("---\ntitle: Scheduled bulletin\ndate: 2099-01-01\n"
                                          "audience: la\nsummary: Later.\n---\n\nHello.\n"),
    "content/notices/2024-02-01-users.md": ("---\ntitle: A notice for users\ndate: 2024-02-01\n"
                                            "audience: users\nsummary: For users only.\n"
                                            "action_required: Change your password.\n"
                                            "---\n\nBody.\n"),
    "webinars/2024-02-02-draft-webinar.md": ("---\ntitle: Draft webinar\ndate: 2024-02-02\n"
                                             "audience: la\nsummary: Not yet.\ndraft: true\n"
                                             "start: 2024-02-02 10:00\nduration: 60\n---\n\nHi.\n"),
    "webinars/2024-05-01-no-start.md": ("---\ntitle: Webinar without a time\ndate: 2024-05-01\n"
                                        "audience: la\nsummary: No start given.\n---\n\nHi.\n"),
    **{f"webinars/{slug}.md": (
        f"---\ntitle: {json.dumps(LONG_TITLE if slug.endswith('bst-day') else 'Webinar ' + slug)}\n"
        f"date: {slug[:10]}\naudience: la\nsummary: \"Agenda: one, two; three \\\\ four.\"\n"
        f"start: {start}\nduration: {minutes}\n---\n\nHi.\n")
       for slug, (start, minutes, _) in WEBINARS.items()},
}

def example_site(tmp_path_factory) -> Built:
    """(project, site, settings, records) of the example site, built once per run."""
    return build_once("example", copy_project, tmp_path_factory)


def make_unusual(dest: Path) -> Path:
    for rel, text in UNUSUAL.items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(text, encoding="utf-8")
    return dest


def unusual_site(tmp_path_factory) -> Built:
    """(project, site, settings, records) of the small project without a site_url."""
    return build_once("unusual", make_unusual, tmp_path_factory)


def published(settings, records) -> list:
    """What readers get, newest first: no drafts, nothing dated after today."""
    shown = [r for r in records if not r.draft and r.date <= settings.build_date]
    return sorted(sorted(shown, key=lambda r: (r.title, r.slug)), key=lambda r: r.date,
                  reverse=True)


def expected_feeds(settings, records) -> dict[str, tuple[str, list]]:
    """Feed path -> (the page listing the same records, the records), from metadata."""
    pub = published(settings, records)
    out = {"feeds/all.atom": ("", pub)}
    for rtype in settings.types:
        out[f"feeds/{rtype.key}.atom"] = (f"{rtype.url}/", [r for r in pub if r.type == rtype])
    for key in settings.audiences:
        out[f"feeds/{key}.atom"] = (f"audiences/{key}/", [r for r in pub if key in r.audiences])
    return out


def parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    assert parsed.version == "atom10"
    return parsed


def day(struct) -> dt.date:
    return dt.date(struct.tm_year, struct.tm_mon, struct.tm_mday)


def link(entry, rel: str) -> dict | None:
    return next((l for l in entry.get("links", []) if l["rel"] == rel), None)


def resolve(base: str, href: str) -> str:
    """A relative link, as a reader resolves it against the site path it was found at."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), href))


def test_every_feed_exists_with_its_own_id_title_and_links(example):
    _, site, settings, records = example
    base = settings.site_url.rstrip("/") + "/"
    for path, (page, members) in expected_feeds(settings, records).items():
        feed = parse(site / path).feed
        assert feed.id == base + path
        assert feed.title.startswith(settings.site_name)
        assert {"rel": "self", "type": "application/atom+xml", "href": base + path} in feed.links
        assert link(feed, "alternate")["href"] == base + page
        assert (site / page / "index.html").is_file()
        newest = max((r.updated or r.date for r in members), default=None)
        if newest:
            assert day(feed.updated_parsed) == newest


def test_entries_are_the_records_newest_first_with_their_data(example):
    _, site, settings, records = example
    base = settings.site_url.rstrip("/") + "/"
    for path, (_, members) in expected_feeds(settings, records).items():
        entries = parse(site / path).entries
        assert [e.id for e in entries] == [base + r.url for r in members], path
        dates = [day(e.published_parsed) for e in entries]
        assert dates == sorted(dates, reverse=True)
        for entry, record in zip(entries, members):
            assert entry.title == record.title
            assert entry.summary == record.summary
            assert day(entry.updated_parsed) == (record.updated or record.date)
            assert day(entry.published_parsed) == record.date
            assert link(entry, "alternate")["href"] == base + record.url
            enclosure = link(entry, "enclosure")
            assert enclosure["type"] == "application/pdf"
            assert enclosure["href"] == base + record.pdf_url
            assert (site / record.pdf_url).read_bytes()[:5] == b"%PDF-"
            assert {t.term for t in entry.tags} == {record.type.key, *record.audiences}


def test_each_audience_feed_holds_exactly_that_audiences_records(example):
    _, site, settings, records = example
    ids = {key: {e.id for e in parse(site / f"feeds/{key}.atom").entries}
           for key in settings.audiences}
    for record in published(settings, records):
        for key in settings.audiences:
            assert (settings.site_url.rstrip("/") + "/" + record.url in ids[key]) == \
                (key in record.audiences), (record.slug, key)


def test_every_page_links_to_the_feeds_it_lists(example):
    _, site, settings, records = example
    by_page = {page: path for path, (page, _) in expected_feeds(settings, records).items()}
    pages = sorted(site.rglob("index.html"))
    assert len(pages) > len(records)
    for html in pages:
        url = html.parent.relative_to(site).as_posix()
        url = "" if url == "." else url + "/"
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "lxml")
        links = soup.head.find_all("link", rel="alternate", type="application/atom+xml")
        targets = {resolve(url + "index.html", l["href"]) for l in links}
        expected = {"feeds/all.atom"} | ({by_page[url]} if url in by_page else set())
        assert targets == expected, url
        for target in targets:
            assert (site / target).is_file()
        # The Content-Security-Policy is still the first thing in <head>.
        assert soup.head.find(True)["http-equiv"] == "Content-Security-Policy"


def test_hostile_text_reaches_subscribers_as_text(unusual):
    _, site, settings, records = unusual
    raw = (site / "feeds/all.atom").read_text(encoding="utf-8")
    assert "<script" not in raw and "<img" not in raw
    entry = next(e for e in parse(site / "feeds/all.atom").entries if e.title.startswith("Fish"))
    assert entry.title == HOSTILE_TITLE
    assert entry.summary == HOSTILE_SUMMARY
    assert entry.title_detail.type == "text/plain"
    assert parse(site / "feeds/la.atom").feed.title.startswith(settings.site_name)


def test_without_site_url_ids_are_tag_uris_and_links_are_relative(unusual):
    _, site, settings, records = unusual
    for path, (page, members) in expected_feeds(settings, records).items():
        parsed = parse(site / path)
        assert parsed.feed.id.startswith("tag:")
        assert resolve(path, link(parsed.feed, "alternate")["href"]).rstrip("/") == \
            (page.rstrip("/") or ".")
        entries = parsed.entries
        assert len({e.id for e in entries}) == len(entries) == len(members)
        for entry, record in zip(entries, members):
            assert entry.id.startswith("tag:") and entry.id.endswith(record.url)
            target = resolve(path, link(entry, "alternate")["href"])
            assert (site / target / "index.html").is_file() and target + "/" == record.url
            # This project builds no PDFs: no enclosure points at a missing file.
            assert link(entry, "enclosure") is None


def test_drafts_and_scheduled_records_stay_out_of_the_feeds(unusual):
    _, site, settings, records = unusual
    hidden = [r for r in records if r.draft or r.date > settings.build_date]
    assert hidden
    titles = {e.title for e in parse(site / "feeds/all.atom").entries}
    assert titles and not titles & {r.title for r in hidden}


def test_entry_ids_survive_a_new_title_and_an_update(unusual):
    project, _, settings, records = unusual
    record = next(r for r in records if r.slug == "2024-03-01-plain")
    before = feeds.entry_id(record, settings)
    later = max(r.updated or r.date for r in published(settings, records)) + dt.timedelta(days=1)
    changed = dataclasses.replace(record, title="Another title", updated=later)
    catalogue = Catalogue([changed if r is record else r for r in records], settings)
    feed = next(f for f in feeds.feeds(catalogue) if f.path == feeds.ALL)
    parsed = feedparser.parse(feeds.render(feed, catalogue, lambda r: False))
    entry = next(e for e in parsed.entries if e.title == "Another title")
    assert entry.id == before
    assert day(entry.updated_parsed) == later
    # ...and it is now the newest change, so the feed says it was updated then.
    assert day(parsed.feed.updated_parsed) == later
