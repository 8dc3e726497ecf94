"""Calendar files (iCalendar, RFC 5545): a webinar's session, and an action's deadline.

A reader opens the file and their calendar (Outlook, Google, Apple) adds the
event. Each file holds one VEVENT whose UID never changes, so opening a newer
file for the same webinar updates the event instead of adding a second one.

Written by hand rather than with a library: one event of a handful of fields
needs only RFC 5545's text escaping and line folding, both here, and the tests
read the files back with the `icalendar` package, a parser that owes nothing to
this code. Times are written in UTC ("Z"): a TZID=Europe/London time would need
a VTIMEZONE block with the UK's rules in every file, and calendars show UTC
times in the reader's own zone anyway (14:00 BST is written 13:00Z, 14:00 GMT 14:00Z).
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from .catalogue import Catalogue
from .records import Record
from .settings import Settings
from .urls import absolute

PRODID = "-//commsite//Communications calendar//EN"
# Used in UIDs when the site has no address of its own; nobody can own '.invalid'.
NO_HOST = "commsite.invalid"
# TEXT may not hold control characters other than tab; line breaks are escaped, not dropped.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def event_path(record: Record) -> str | None:
    """Where a webinar's calendar file is, or None when it has no start and duration."""
    if record.start is None or record.duration is None:
        return None
    return f"{record.url}{record.slug}.ics"


def deadline_path(record: Record) -> str | None:
    """Where the calendar file of a record's action deadline is, or None without one."""
    if not record.action_required or record.deadline is None:
        return None
    return f"{record.url}{record.slug}-deadline.ics"


def calendar_files(catalogue: Catalogue) -> dict[str, str]:
    """Every calendar file of the build, by site-root-relative path."""
    out = {}
    for record in catalogue.records:
        if path := event_path(record):
            out[path] = webinar_event(record, catalogue.settings)
        if path := deadline_path(record):
            out[path] = deadline_event(record, catalogue.settings)
    return out


def webinar_event(record: Record, settings: Settings) -> str:
    page = absolute(settings.site_url, record.url)
    start = record.start.astimezone(dt.timezone.utc)
    return _calendar([
        ("UID", f"{record.type.url}-{record.slug}@{_host(settings)}"),
        # DTSTAMP is when the event was last revised: calendars compare it to see a change.
        ("DTSTAMP", _utc(record.last_changed)),
        ("DTSTART", _utc(start)),
        ("DTEND", _utc(start + record.duration)),
        ("SUMMARY", _escape(record.title)),
        ("DESCRIPTION", _escape("\n\n".join(filter(None, [record.summary, page])))),
        *([("URL", page)] if page else []),
    ])


def deadline_event(record: Record, settings: Settings) -> str:
    """An all-day event on the deadline; 'free' time, since it is a date, not a meeting."""
    page = absolute(settings.site_url, record.url)
    deadline = record.deadline
    return _calendar([
        ("UID", f"{record.type.url}-{record.slug}-deadline@{_host(settings)}"),
        ("DTSTAMP", _utc(record.last_changed)),
        ("DTSTART;VALUE=DATE", f"{deadline:%Y%m%d}"),
        ("DTEND;VALUE=DATE", f"{deadline + dt.timedelta(days=1):%Y%m%d}"),
        ("SUMMARY", _escape(f"Action required: {record.title}")),
        ("DESCRIPTION", _escape("\n\n".join(filter(None, [
            f"{record.action_required} (by {deadline.day} {deadline:%B %Y})",
            f"From: {record.title}", page])))),
        ("TRANSP", "TRANSPARENT"),
        *([("URL", page)] if page else []),
    ])


def _calendar(event: list[tuple[str, str]]) -> str:
    lines = [("BEGIN", "VCALENDAR"), ("VERSION", "2.0"), ("PRODID", PRODID),
             ("CALSCALE", "GREGORIAN"), ("METHOD", "PUBLISH"),
             ("BEGIN", "VEVENT"), *event, ("END", "VEVENT"), ("END", "VCALENDAR")]
    return "".join(_fold(f"{name}:{value}") + "\r\n" for name, value in lines)


def _escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets go on in lines that start with a space (RFC 5545 3.1),
    split between characters, never inside one's UTF-8 bytes."""
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # the leading space counts
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _utc(moment: dt.datetime | dt.date) -> str:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(), dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _host(settings: Settings) -> str:
    return urlsplit(settings.site_url).hostname or NO_HOST
