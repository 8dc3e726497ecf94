"""`commsite check`: everything that would stop or embarrass a build, without building.

One line per finding, with file and line, so an author can fix a batch at once:
the build's own validation, links inside records that lead nowhere, a summary
that only repeats the title, records past their review date, and personal data
(see `privacy`). Scheduled records and drafts are listed as notes: they are
fine, but an author should know they are not on the site yet.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .catalogue import Catalogue
from .privacy import PrivacyScanner
from .problems import Problem, field_name
from .body import BodyRenderer
from .records import Record, find_sources, load_all
from .settings import Settings
from .source import Source, read_source


@dataclass
class Report:
    findings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    records: int = 0


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.casefold()))


def repeats_title(record: Record) -> bool:
    """A summary that says nothing the title does not (readers see both, side by side)."""
    title, summary = _words(record.title), _words(record.summary)
    return summary == title or (summary.startswith(title) and len(summary) - len(title) < 15)


def site_urls(catalogue: Catalogue, records: list[Record]) -> set[str]:
    urls = {"", "topics/", "archive/"}
    urls |= {listing.url for listing in catalogue.listings()}
    for record in records:
        urls |= {record.url, record.pdf_url}
        urls |= {record.url + f.rel for f in record.local_files}
    return urls


def _target(record: Record, href: str) -> str:
    """The site path a link from the record's page leads to, without the leading '/'."""
    path = unquote(urlsplit(href).path)
    return posixpath.normpath(posixpath.join("/" + record.url, path)).lstrip("/")


def broken_link(record: Record, href: str, urls: set[str]) -> bool:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:  # external, mailto:, or '#anchor'
        return False
    target = _target(record, href)
    return target not in urls and target + "/" not in urls and target != "."


def nearest(record: Record, href: str, urls: set[str]) -> str | None:
    """The address the author probably meant (a mistyped date or slug), written as they
    wrote theirs: relative to the record's page, or from the site's root."""
    others = {u.rstrip("/") for u in urls if u and u != record.url}  # not the page itself
    found = difflib.get_close_matches(_target(record, href).rstrip("/"), others, n=1, cutoff=0.8)
    if not found:
        return None
    url = "/" + found[0] + ("/" if found[0] + "/" in urls else "")
    if href.startswith("/"):
        return url
    relative = posixpath.relpath(url, "/" + record.url)
    return relative + "/" if url.endswith("/") and relative != "." else relative


@dataclass
class _Unloaded:
    """A record whose fields have problems: enough of it to check its body's links."""

    source: str
    url: str
    slug: str
    body: object


def _unloaded(settings: Settings, loaded: set[str], failed: set[str]) -> list[_Unloaded]:
    out = []
    for rtype, path in find_sources(settings):
        rel = path.relative_to(settings.root).as_posix()
        if rel in failed and rel not in loaded:
            src, _ = read_source(path, rel)
            if src.body:  # a Markdown record's text is read even when its fields are not
                out.append(_Unloaded(rel, f"{rtype.url}/{path.stem}/", path.stem,
                                     BodyRenderer().render(src.body)))
    return out


def _broken_links(settings: Settings, record, where: str, hrefs, urls: set[str],
                  fallback_line: int) -> list[Problem]:
    found = []
    for href in dict.fromkeys(hrefs):
        if broken_link(record, href, urls):
            text = (settings.root / record.source).read_text(encoding="utf-8-sig")
            index = text.find(f"({href}")
            line = text[:index].count("\n") + 1 if index >= 0 else fallback_line
            meant = nearest(record, href, urls)
            found.append(Problem(record.source, line, where, f"the link '{href}' leads to no "
                                 "page or file of the site"
                                 + (f"; did you mean '{meant}'?" if meant else "")))
    return found


def check(settings: Settings) -> Report:
    scanner = PrivacyScanner(settings.allowed_phone_numbers, settings.allowed_email_domains)

    def personal_data(src: Source) -> list[Problem]:
        return [Problem(src.rel, finding.line, "personal data", f"{finding.message}; remove "
                        "it, or add 'commsite: allow' to the line if it is meant to be published")
                for finding in scanner.scan(src.text)]

    # Scanned where each file is read (on every core), valid or not: a file with a typo in
    # its date may still hold an NHS number.
    records, problems = load_all(settings, scan=personal_data)
    report = Report(findings=list(problems),
                    records=len({r.source for r in records} | {p.path for p in problems}))
    catalogue = Catalogue(records, settings)
    urls = site_urls(catalogue, records)
    unloaded = _unloaded(settings, {r.source for r in records}, {p.path for p in problems})
    urls |= {u for page in unloaded for u in (page.url, f"{page.url}{page.slug}.pdf")}
    for page in unloaded:  # records that did not load: their links are checked all the same
        report.findings += _broken_links(settings, page, "body", page.body.links, urls, 1)
    for record in records:
        lines = record.field_lines

        def add(line, name, message):
            report.findings.append(Problem(record.source, line, name, message))

        if repeats_title(record):
            add(lines.get("summary", 1), "summary", "only repeats the title; say in a sentence "
                "what the reader will find or must do")
        if record.review_by and record.review_by < settings.build_date:
            add(lines.get("review_by", 1), "review_by", f"{record.review_by} has passed; review "
                "the record, then set the next review date")
        links = [("body", record.body.links)] + [(field_name(("qa", i, "answer")), qa.links)
                                                 for i, qa in enumerate(record.qa)]
        for where, hrefs in links:
            report.findings += _broken_links(settings, record, where, hrefs, urls,
                                             lines.get("title", 1))
        if record.date > settings.build_date:
            report.notes.append(f"{record.source}: scheduled: published from {record.date}")
        elif record.draft:
            report.notes.append(f"{record.source}: draft: not published until 'draft: true' "
                                "is removed")
    report.findings.sort()
    return report
