"""Atom feeds (RFC 4287): every record, and one feed per audience and per type.

Readers subscribe in a feed reader, and an RSS-to-email service can send each
audience a digest, so the feeds must be something such services can trust:
newest first, entry ids that never change (a changed id is a "new" item mailed
out again), and `updated` from the record's own `updated` or `date`, never from
the build time (a rebuild must not look like news).

The XML is built with ElementTree, which escapes every text and attribute, so a
title with `<`, `&` or quotes reaches the reader as text.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import escape
from typing import Callable

from .catalogue import Catalogue
from .records import Record
from .settings import Settings
from .urls import absolute, relative

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
FOLDER = "feeds"
ALL = f"{FOLDER}/all.atom"
# Without a site_url there is no address to use as an id. A tag: URI (RFC 4151)
# made of constants and the record's folder and slug stays the same from build
# to build; '.invalid' (RFC 2606) is a name nobody can own, so it claims no one's domain.
TAG_PREFIX = "tag:commsite.invalid,2024:"
# XML 1.0 cannot carry most control characters, even escaped: a stray one pasted
# into a title would make the whole feed unreadable, so it is dropped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Feed:
    path: str  # site-root-relative, e.g. 'feeds/la.atom'
    title: str
    page: str  # the page listing the same records ('' is the home page)
    records: tuple[Record, ...]  # newest first, as the catalogue orders them


def feeds(catalogue: Catalogue) -> list[Feed]:
    """The feeds of one build: all records, then one per type and one per audience.

    Feeds exist for every configured type and audience, even with no records yet,
    so a subscription made today keeps working when the first one is published.
    """
    settings, records = catalogue.settings, catalogue.records
    name = settings.site_name
    out = [Feed(ALL, f"{name}: all communications", "", records)]
    taken = {"all"}
    for rtype in settings.types:
        out.append(Feed(f"{FOLDER}/{rtype.key}.atom", f"{name}: {rtype.plural}", f"{rtype.url}/",
                        tuple(r for r in records if r.type.key == rtype.key)))
        taken.add(rtype.key)
    for key, label in settings.audiences.items():
        # An audience key that is also a type key (or 'all') cannot share its file name.
        stem = key if key not in taken else f"audience-{key}"
        out.append(Feed(f"{FOLDER}/{stem}.atom", f"{name}: for {label}", f"audiences/{key}/",
                        tuple(r for r in records if key in r.audiences)))
    return out


def entry_id(record: Record, settings: Settings) -> str:
    """The record's address when the site has one; otherwise a tag: URI of its folder and slug."""
    return absolute(settings.site_url, record.url) or f"{TAG_PREFIX}{record.url}"


def render(feed: Feed, catalogue: Catalogue, has_pdf: Callable[[Record], bool]) -> str:
    """The feed as Atom XML. `has_pdf(record)` says whether the record's PDF is published."""
    settings = catalogue.settings

    def href(target: str) -> str:
        # Relative references are valid Atom (resolved against the feed's own address).
        return absolute(settings.site_url, target) or relative(target, feed.path)

    root = ET.Element("feed", {"xmlns": ATOM,
                               "{http://www.w3.org/XML/1998/namespace}lang": settings.language})
    _text(root, "id", absolute(settings.site_url, feed.path) or f"{TAG_PREFIX}{feed.path}")
    _text(root, "title", feed.title)
    _text(root, "updated", _timestamp(_feed_updated(feed, catalogue)))
    ET.SubElement(root, "link", rel="self", type=MEDIA_TYPE, href=href(feed.path))
    ET.SubElement(root, "link", rel="alternate", type="text/html", href=href(feed.page))
    author = ET.SubElement(root, "author")
    _text(author, "name", settings.site_name)
    _text(root, "generator", "commsite")
    for record in feed.records:
        entry = ET.SubElement(root, "entry")
        _text(entry, "id", entry_id(record, settings))
        _text(entry, "title", record.title, type="text")
        ET.SubElement(entry, "link", rel="alternate", type="text/html", href=href(record.url))
        if has_pdf(record):
            ET.SubElement(entry, "link", rel="enclosure", type="application/pdf",
                          href=href(record.pdf_url), title=_clean(f"PDF: {record.title}"))
        _text(entry, "published", _timestamp(record.date))
        _text(entry, "updated", _timestamp(record.last_changed))
        _text(entry, "summary", record.summary, type="text")
        # Categories let a digest service pick records without one feed per combination.
        ET.SubElement(entry, "category", term=record.type.key, label=_clean(record.type.label))
        for key in record.audiences:
            ET.SubElement(entry, "category", term=_clean(key),
                          label=_clean(catalogue.audience_label(key)))
    ET.indent(root)
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            + ET.tostring(root, encoding="unicode") + "\n")


def head_links(all_feeds: list[Feed], page_url: str) -> str:
    """`<link rel="alternate">` tags for a page: the all-records feed everywhere, and the
    type's or audience's feed on that type's or audience's listing page."""
    chosen = [f for f in all_feeds if f.path == ALL or f.page == page_url]
    # rel="alternate feed" (HTML's keyword for a feed): readers find it as an alternate, and
    # Material's script, which looks for other-language versions at exactly rel=alternate and
    # fetches a sitemap.xml beside each, leaves it alone.
    return "".join(f'<link rel="alternate feed" type="{MEDIA_TYPE}" title="{escape(f.title)}" '
                   f'href="{escape(relative(f.path, page_url))}">' for f in chosen)


def with_head_links(html: str, all_feeds: list[Feed], page_url: str) -> str:
    """The page with its feed links at the end of <head> (where browsers and readers look)."""
    links = head_links(all_feeds, page_url)
    page, count = re.subn(r"</head\s*>", lambda m: links + m.group(0), html, count=1, flags=re.I)
    return page if count else html


def _text(parent: ET.Element, tag: str, text: str, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = _clean(text)
    return element


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _feed_updated(feed: Feed, catalogue: Catalogue) -> dt.date:
    # A feed changes when one of its entries does; an empty feed, when the site last did,
    # so its `updated` does not move on every rebuild either.
    dates = [r.last_changed for r in feed.records] or [r.last_changed for r in catalogue.records]
    return max(dates, default=catalogue.settings.build_date)


def _timestamp(day: dt.date) -> str:
    # Records carry days, Atom wants instants: the start of the day, in UTC.
    return f"{day.isoformat()}T00:00:00Z"
