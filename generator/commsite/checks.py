"""`commsite check` and the build's guard: one audit of every record, for both.

One line per finding, with file and line, so an author can fix a batch at once.
Each finding has a kind (problems.py), and the build acts on it exactly as `check`
reports it, so the two never disagree:
- validation problems (the loader's) always stop the build;
- what must never be published stops the build when the record would be on the
  site: personal data (see `privacy`), links inside records that lead to no page
  or file, text left from the `commsite new` template. `commsite: allow` on the
  line accepts it;
- advice never stops it: a summary that only repeats the title, a past review date.
Scheduled records and drafts are listed as notes: they are fine, but an author
should know they are not on the site yet.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from . import feeds, ics, mailout
from .blank import PLACEHOLDERS
from .catalogue import Catalogue
from .body import BodyRenderer
from .privacy import ALLOW_MARK, PrivacyScanner
from .problems import ADVICE, UNPUBLISHABLE, Problem, field_name
from .records import Record, find_sources, load_all
from .settings import Settings
from .source import Source, read_source

ALLOW = "add 'commsite: allow' to the line if it is meant to be published"
ALLOW_LINK = "add 'commsite: allow' to the line if the address is right"


@dataclass
class Report:
    findings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    records: int = 0
    catalogue: Catalogue | None = None  # what the build publishes, when the records load
    published: set[str] = field(default_factory=set)  # sources of the published records
    loaded: set[str] = field(default_factory=set)  # sources of every record that loads

    @property
    def stops(self) -> list[Problem]:
        """What stops a build: validation problems, and what must not be published in a
        record the build would publish or that does not load (a draft's wait until it is
        published)."""
        return [p for p in self.findings if not p.kind or (p.kind == UNPUBLISHABLE and (
            p.path in self.published or p.path not in self.loaded))]

    @property
    def advice(self) -> list[Problem]:
        """Printed by a build, which goes on."""
        stops = set(map(id, self.stops))
        return [p for p in self.findings if id(p) not in stops]


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.casefold()))


def repeats_title(record: Record) -> bool:
    """A summary that says nothing the title does not (readers see both, side by side)."""
    title, summary = _words(record.title), _words(record.summary)
    return summary == title or (summary.startswith(title) and len(summary) - len(title) < 15)


def site_urls(catalogue: Catalogue, settings: Settings) -> set[str]:
    """Every address of the built site a record may link to (without the leading '/')."""
    urls = {"", "topics/", "archive/"}
    urls |= {listing.url for listing in catalogue.listings()}
    urls |= {feed.path for feed in feeds.feeds(catalogue)}
    for record in catalogue.records:
        urls |= {record.url, record.pdf_url}
        urls |= {record.url + f.rel for f in record.local_files}
        urls |= set(filter(None, [ics.event_path(record), ics.deadline_path(record)]))
        if mailout.is_bulletin(record):
            urls |= set(mailout.email_paths(record))
    docs = settings.root / settings.docs_dir
    owned = tuple(settings.root / t.folder for t in settings.types)
    if docs.is_dir():  # the host's own pages and files ('about.md' is /about/)
        for path in docs.rglob("*"):
            if path.is_file() and not any(path.is_relative_to(f) for f in owned):
                rel = path.relative_to(docs).as_posix()
                if rel.endswith(".md"):  # MkDocs' directory URLs
                    stem = rel[:-3]
                    rel = "" if stem == "index" else (
                        stem[:-5] if stem.endswith("/index") else stem + "/")
                urls.add(rel)
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
    found, text = [], None
    for href in dict.fromkeys(hrefs):
        if broken_link(record, href, urls):
            if text is None:
                text = (settings.root / record.source).read_text(encoding="utf-8-sig")
            line = _line_of_link(text, href, fallback_line)
            if ALLOW_MARK in text.split("\n")[line - 1]:
                continue
            meant = nearest(record, href, urls)
            found.append(Problem(record.source, line, where, f"the link '{href}' leads to no "
                                 "page or file of the site"
                                 + (f"; did you mean '{meant}'?" if meant else "")
                                 + f"; correct it, or {ALLOW_LINK}", UNPUBLISHABLE))
    return found


def _placeholders(src: Source) -> list[Problem]:
    """Text left from the `commsite new` template (blank.py), line by line."""
    if not any(mark in src.text for mark in PLACEHOLDERS):
        return []  # most records: one look at the whole text
    found = []
    fields = sorted((line, path[0]) for path, line in src.lines.items() if len(path) == 1)
    for index, line in enumerate(src.text.split("\n")):
        at = min((line.find(mark) for mark in PLACEHOLDERS if mark in line), default=-1)
        if at < 0 or ALLOW_MARK in line:
            continue
        number = index + 1
        if number >= src.body_line and src.path.suffix == ".md":
            name = "body"
        else:
            name = next((f for at, f in reversed(fields) if at <= number), "")
            if line.lstrip().startswith("#"):
                continue  # a YAML comment: never published
        found.append(Problem(src.rel, number, name, "text left from the 'commsite new' "
                             f"template ('{line[at:at + 40].strip().rstrip(chr(34) + chr(39))}'); write the {name or 'text'} in "
                             f"its place, or {ALLOW}", UNPUBLISHABLE))
    return found


def _line_of_link(text: str, href: str, default: int) -> int:
    """The line of a link: Markdown '(href', or an HTML attribute's quotes."""
    for written in (f"({href}", f'"{href}"', f"'{href}'", f"={href}"):
        index = text.find(written)
        if index >= 0:
            return text[:index].count("\n") + 1
    return default


def audit(settings: Settings) -> Report:
    """Every finding of every record, each with its kind; the catalogue when they load."""
    scanner = PrivacyScanner(settings.allowed_phone_numbers, settings.allowed_email_domains)

    def scan(src: Source) -> list[Problem]:
        return [Problem(src.rel, finding.line, "personal data", f"{finding.message}; remove "
                        f"it, or {ALLOW}", UNPUBLISHABLE)
                for finding in scanner.scan(src.text)] + _placeholders(src)

    # Scanned where each file is read (on every core), valid or not: a file with a typo in
    # its date may still hold an NHS number.
    records, problems = load_all(settings, scan=scan)
    report = Report(findings=list(problems),
                    records=len({r.source for r in records} | {p.path for p in problems}))
    catalogue = report.catalogue = Catalogue(records, settings)
    shown = {r.source for r in catalogue.records}
    report.loaded = {r.source for r in records}
    # A preview publishes nothing: there an author sees the record and the finding.
    report.published = set() if settings.preview else shown
    urls = site_urls(catalogue, settings)
    unloaded = _unloaded(settings, report.loaded, {p.path for p in problems})
    urls |= {u for page in unloaded for u in (page.url, f"{page.url}{page.slug}.pdf")}
    for page in unloaded:  # records that did not load: their links are checked all the same
        report.findings += _broken_links(settings, page, "body", page.body.links, urls, 1)
    for record in records:
        lines = record.field_lines

        def add(line, name, message, kind):
            report.findings.append(Problem(record.source, line, name, message, kind))

        if repeats_title(record):
            add(lines.get("summary", 1), "summary", "only repeats the title; say in a sentence "
                "what the reader will find or must do", ADVICE)
        if record.review_by and record.review_by < settings.build_date:
            add(lines.get("review_by", 1), "review_by", f"{record.review_by} has passed; review "
                "the record, then set the next review date", ADVICE)
        links = [("body", record.body.links)] + [(field_name(("qa", i, "answer")), qa.links)
                                                 for i, qa in enumerate(record.qa)]
        # A draft's or scheduled record's links to its own files are right once it is out.
        here = urls if record.source in shown else urls | {
            record.url, record.pdf_url, *(record.url + f.rel for f in record.local_files)}
        for where, hrefs in links:
            report.findings += _broken_links(settings, record, where, hrefs, here,
                                             lines.get("title", 1))
        if record.date > settings.build_date:
            report.notes.append(f"{record.source}: scheduled: published from {record.date}")
        elif record.draft:
            report.notes.append(f"{record.source}: draft: not published until 'draft: true' "
                                "is removed")
    report.findings.sort()
    return report


check = audit  # `commsite check` is the audit, printed
