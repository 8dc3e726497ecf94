"""Calendar files, read back with the `icalendar` package as a calendar program reads them.

Uses the two builds of tests/test_feeds.py: the example site (with a site_url)
and the small project (no site_url) whose webinars fall either side of the UK
clock changes, with the UTC instant each must start at written beside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from commsite import ics

from .test_feeds import HOSTILE_ACTION, HOSTILE_TITLE, LONG_TITLE, WEBINARS, published

UTC = dt.timezone.utc


def event_of(path: Path):
    raw = path.read_bytes()
    # RFC 5545: CRLF line ends, no line over 75 octets.
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    calendar = Calendar.from_ical(raw)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert calendar["VERSION"] == "2.0" and calendar.get("PRODID")
    return events[0]


def calendar_links(site: Path, record) -> dict[str, str]:
    """href -> link text of the page's calendar links, hrefs resolved to site paths."""
    soup = BeautifulSoup((site / record.url / "index.html").read_text(encoding="utf-8"),
                         "lxml")
    article = soup.select_one("article")
    return {posixpath.normpath(posixpath.join(record.url, a["href"])): a.get_text(" ", strip=True)
            for a in article.find_all("a", type="text/calendar")}


def webinars_with_times(settings, records):
    return [r for r in published(settings, records) if r.start and r.duration]


def deadlines(settings, records):
    return [r for r in published(settings, records) if r.action_required and r.deadline]


def test_example_webinars_have_an_event_at_their_time(example):
    _, site, settings, records = example
    webinars = webinars_with_times(settings, records)
    assert webinars, "the example webinars show the calendar link"
    page_base = settings.site_url.rstrip("/") + "/"
    for record in webinars:
        event = event_of(site / record.url / f"{record.slug}.ics")
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start == record.start and end == record.start + record.duration
        assert start.utcoffset() is not None  # a real instant, not a floating time
        assert str(event["SUMMARY"]) == record.title
        description = str(event["DESCRIPTION"])
        assert record.summary in description and page_base + record.url in description
        assert str(event["URL"]) == page_base + record.url
        assert record.slug in str(event["UID"])


def test_example_times_follow_the_uk_clock(example):
    """The authors wrote UK wall-clock times: summer webinars are an hour ahead of UTC."""
    project, site, settings, records = example
    seasons = set()
    for record in webinars_with_times(settings, records):
        written = next(line for line in (project / record.source).read_text(encoding="utf-8")
                       .splitlines() if line.startswith("start:"))
        wall = dt.datetime.fromisoformat(written.split(":", 1)[1].strip())
        start = event_of(site / record.url / f"{record.slug}.ics").decoded("DTSTART")
        # British Summer Time: from the last Sunday of March to the last Sunday of October.
        summer = last_sunday(wall.year, 3) <= wall.date() < last_sunday(wall.year, 10)
        assert start.astimezone(UTC).replace(tzinfo=None) == wall - dt.timedelta(hours=summer)
        seasons.add(summer)
    assert seasons == {True, False}, "the example has webinars in GMT and in BST"


def last_sunday(year: int, month: int) -> dt.date:
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() + 1) % 7)


@pytest.mark.parametrize("slug", sorted(WEBINARS))
def test_times_either_side_of_the_clock_change(unusual, slug):
    _, site, settings, records = unusual
    record = next(r for r in records if r.slug == slug)
    _, minutes, utc_start = WEBINARS[slug]
    event = event_of(site / record.url / f"{slug}.ics")
    assert event.decoded("DTSTART").astimezone(UTC) == utc_start.replace(tzinfo=UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=minutes)


def test_deadlines_are_all_day_events_with_the_action(example, unusual):
    for _, site, settings, records in (example, unusual):
        found = deadlines(settings, records)
        assert found
        for record in found:
            event = event_of(site / record.url / f"{record.slug}-deadline.ics")
            start, end = event.decoded("DTSTART"), event.decoded("DTEND")
            assert not isinstance(start, dt.datetime) and start == record.deadline
            assert end == record.deadline + dt.timedelta(days=1)
            assert str(event["SUMMARY"]) == f"Action required: {record.title}"
            assert record.action_required in str(event["DESCRIPTION"])


def test_hostile_and_long_texts_round_trip(unusual):
    _, site, settings, records = unusual
    hostile = next(r for r in records if r.title == HOSTILE_TITLE)
    event = event_of(site / hostile.url / f"{hostile.slug}-deadline.ics")
    assert str(event["SUMMARY"]) == f"Action required: {HOSTILE_TITLE}"
    assert HOSTILE_ACTION in str(event["DESCRIPTION"])
    long = next(r for r in records if r.title == LONG_TITLE)
    event = event_of(site / long.url / f"{long.slug}.ics")  # folded, within 75 octets a line
    assert str(event["SUMMARY"]) == LONG_TITLE
    assert str(event["DESCRIPTION"]).startswith(long.summary)
    # Without a site_url there is no address to give: no URL, and none invented.
    assert "URL" not in event and "None" not in str(event["DESCRIPTION"])


def test_every_calendar_file_is_linked_from_its_page_and_back(example, unusual):
    for _, site, settings, records in (example, unusual):
        expected = {}
        for record in published(settings, records):
            links = calendar_links(site, record)
            wanted = {}
            if record.start and record.duration:
                wanted[f"{record.url}{record.slug}.ics"] = "Add to calendar"
            if record.action_required and record.deadline:
                wanted[f"{record.url}{record.slug}-deadline.ics"] = "deadline"
            assert set(links) == set(wanted), record.slug
            for href, words in wanted.items():
                assert words in links[href] and (site / href).is_file()
            expected.update(wanted)
        written = {p.relative_to(site).as_posix() for p in site.rglob("*.ics")}
        assert written == set(expected)  # none for drafts, scheduled records or no time


def test_uids_are_unique_and_survive_changes(unusual):
    _, site, settings, records = unusual
    uids = [str(event_of(p)["UID"]) for p in site.rglob("*.ics")]
    assert len(uids) == len(set(uids))
    record = next(r for r in records if r.slug == "2024-01-10-gmt")
    moved = dataclasses.replace(record, title="Renamed", start=record.start + dt.timedelta(days=1))
    before = Calendar.from_ical(ics.webinar_event(record, settings)).walk("VEVENT")[0]
    after = Calendar.from_ical(ics.webinar_event(moved, settings)).walk("VEVENT")[0]
    assert str(before["UID"]) == str(after["UID"])
    assert after.decoded("DTSTART") == before.decoded("DTSTART") + dt.timedelta(days=1)
