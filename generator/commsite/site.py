"""One build of the site, as any host drives it: records -> catalogue -> pages and PDFs.

A host (the MkDocs plugin, a CLI) creates a Site with its settings, calls
`load()` before it touches the output folder (so bad records stop the build
with the old site intact), `start_pdfs()` as early as it can (the PDFs render
in the background while it builds HTML), asks for page fragments, and calls
`finish_pdfs()` before it publishes.
"""

from __future__ import annotations

import os
from hashlib import sha256
from pathlib import Path
from typing import Callable

from . import feeds, finderdata, ics, mailout
from .catalogue import Catalogue
from .fileinfo import FileInfo, describe
from .pages import PageRenderer
from .pdf import Pdf, PdfFailure, PdfRenderer, PrintJob, print_job
from .checks import audit
from .problems import UNPUBLISHABLE, Problem, RecordError, quiet
from .records import Record
from .settings import DEFAULT_CACHE_DIR, LEGACY_CACHE_DIR, Settings


def settle_cache(settings: Settings, report: Callable[[str], None]) -> None:
    """The cache used to default to `.cache/commsite`, which a host's clean step may empty
    whole (`zensical build --clean` does): with the default cache_dir, a cache still there is
    moved to the new default once, or used where it is when it cannot be moved."""
    default = (settings.root / DEFAULT_CACHE_DIR).resolve()
    legacy = settings.root / LEGACY_CACHE_DIR
    if settings.cache_dir.resolve() != default or default.exists() or not legacy.is_dir():
        return
    try:
        os.replace(legacy, default)
    except OSError as err:
        settings.cache_dir = legacy
        report(f"the cache stays in {LEGACY_CACHE_DIR} ({err.strerror}); move it to "
               f"{DEFAULT_CACHE_DIR} yourself, or set cache_dir")
        return
    report(f"the cache moved from {LEGACY_CACHE_DIR} to {DEFAULT_CACHE_DIR}, where no "
           "host's clean step removes it")


# A PDF is read away from the site (printed, forwarded): its links need the site's address.
NO_SITE_URL = ("site_url is not set, so the PDFs cannot link to the site: links to other "
               "records, attachments, slides and calendar files print as text and paths; set "
               "the site's address in mkdocs.yml, e.g. site_url: https://comms.example.org/")


# The site in the brand colour: the theme's header and links, and our own accents. Served
# after the theme's style sheet; the attribute selector outweighs a palette's own colour.
BRAND_CSS = "assets/commsite/brand.css"


def brand_css(colour: str) -> str:
    return (f":root, [data-md-color-primary] {{ --comms-brand: {colour}; "
            f"--md-primary-fg-color: {colour}; --md-primary-fg-color--dark: {colour}; }}\n")


class BuildFailure(Exception):
    """The build cannot publish: the message says why, one line per problem."""


class Site:
    """`report` receives progress and notes for the person running the build;
    `warn` receives what they should fix (e.g. a missing library), once a build."""

    def __init__(self, settings: Settings, report: Callable[[str], None] = quiet,
                 warn: Callable[[str], None] = quiet):
        self.settings = settings
        self._report, self._warn = report, warn
        settle_cache(settings, report)
        self.catalogue: Catalogue | None = None
        self.pages: PageRenderer | None = None
        self._pdfs = PdfRenderer(settings.cache_dir, settings.pdf_workers, settings.pdf_timeout,
                                 report=report, warn=warn, keep_days=settings.pdf_cache_days)
        self._jobs: dict[str, PrintJob] = {}
        self._warn = warn
        self._feeds: list[feeds.Feed] | None = None

    @property
    def records(self) -> tuple[Record, ...]:
        return self.catalogue.records if self.catalogue else ()

    def load(self, keep_going: bool = False) -> Catalogue:
        """Read and check every record, as `commsite check` does (checks.audit): BuildFailure
        lists every problem of the run that stops publication; advice is reported.
        With `keep_going` (a preview) the records that load are built, and `problems`
        holds the others' problems for the host to show instead of stopping."""
        report = audit(self.settings)
        self.problems: list[Problem] = []
        if keep_going:
            self.problems = report.stops
        elif report.stops:
            raise BuildFailure(RecordError(report.stops).report())
        for finding in report.advice:  # a draft's must-not-publish findings too
            (self._warn if finding.kind == UNPUBLISHABLE else self._report)(f"{finding}")
        self.catalogue = report.catalogue
        self.pages = PageRenderer(self.catalogue, self.pdf_info, self.file_info)
        return self.catalogue

    def wants_pdf(self, record: Record) -> bool:
        return self.settings.pdf and record.pdf

    def atom_feeds(self) -> list[feeds.Feed]:
        """The Atom feeds of this build (computed once: every page links to some of them)."""
        if self._feeds is None:
            self._feeds = feeds.feeds(self.catalogue)
        return self._feeds

    def text_files(self, memo: dict | None = None) -> dict[str, str]:
        """Every generated text file beside the pages, by site-root-relative path: the Atom
        feeds, the calendar files of webinars and deadlines, the finder's data and the
        bulletins' emails.

        A host that builds again and again in one process (a preview) passes the same
        `memo` dict each time: emails, the slow part, are then rendered only for bulletins
        that changed. An email shows its record, the settings and whether it has a PDF."""
        out = {feed.path: feeds.render(feed, self.catalogue, self.wants_pdf)
               for feed in self.atom_feeds()}
        out[BRAND_CSS] = brand_css(self.settings.brand_colour)
        out.update(ics.calendar_files(self.catalogue))
        out.update(finderdata.finder_files(self.catalogue, self.pages.finder_item))
        if memo is None:
            out.update(mailout.email_files(self.catalogue, self.wants_pdf))
            return out
        kept, settings = dict(memo), repr(self.settings)
        memo.clear()  # only this build's emails, so the memo never grows past one site
        for record in self.records:
            if mailout.is_bulletin(record):
                key = sha256(f"{settings}\n{self.wants_pdf(record)}\n{record!r}".encode()).digest()
                memo[key] = kept.get(key) or mailout.bulletin_emails(
                    record, self.catalogue, self.wants_pdf)
                out.update(memo[key])
        return out

    def with_feed_links(self, html: str, page_url: str) -> str:
        """A page with `<link rel="alternate">` to the feeds that match it, in its <head>."""
        return feeds.with_head_links(html, self.atom_feeds(), page_url)

    def start_pdfs(self) -> None:
        """Queue every PDF that the cache lacks; they render while the host builds HTML."""
        if not self.settings.site_url and any(map(self.wants_pdf, self.records)):
            self._warn(NO_SITE_URL)
        for record in self.records:
            if self.wants_pdf(record):
                try:
                    job = print_job(record, self.catalogue)
                except OSError as err:  # a file of the record went away since it was loaded
                    raise BuildFailure(f"{record.source}: the PDF could not be made: "
                                       f"{err.strerror}: {err.filename}") from None
                self._jobs[record.url] = job
                try:
                    self._pdfs.submit(job)
                except PdfFailure as err:  # the cache folder cannot be made
                    raise BuildFailure(f"cache_dir: {err}") from None

    def pdf_target(self, record: Record) -> Path:
        """Where the record's PDF is (or will be once rendered), before waiting for it."""
        return self._pdfs.path(self._jobs[record.url])

    def pdf_path(self, record: Record) -> Path:
        """The finished PDF file (waits for it); BuildFailure names the record on failure."""
        return self._pdf(record).path

    def _pdf(self, record: Record) -> Pdf:
        try:
            return self._pdfs.wait(self._jobs[record.url])
        except PdfFailure as err:
            raise BuildFailure(f"{record.source}: the PDF could not be made: {err}") from None

    def pdf_info(self, record: Record) -> FileInfo | None:
        """What pages say beside the PDF link (waits for the PDF). None when the record
        has no PDF, or when it failed: `finish_pdfs` then stops the build, naming it."""
        if record.url not in self._jobs:
            return None
        try:
            pdf = self._pdf(record)
        except BuildFailure:
            return None
        # Size and pages from the cache's sidecar: counting pages with pypdf would
        # cost tens of milliseconds a PDF on every build.
        return FileInfo(format="PDF", size=pdf.size, pages=pdf.pages)

    def file_info(self, path: Path) -> FileInfo:
        return describe(path)

    def finish_pdfs(self) -> str:
        """Wait for every PDF and stop the workers; returns the summary line.
        BuildFailure lists every record whose PDF failed."""
        summary = self._pdfs.finish()
        failures = []
        for record in self.records:
            if record.url in self._jobs:
                try:
                    self._pdf(record)
                except BuildFailure as err:
                    failures.append(str(err))
        if failures:
            raise BuildFailure("\n".join([f"{len(failures)} PDF(s) could not be made; the build "
                                          "stopped:", *failures]))
        return summary

    def close(self) -> None:
        """Stop any PDF still rendering (the build failed or was interrupted)."""
        self._pdfs.close()
