"""The page plan: every page and file a build makes, for any host to read.

The catalogue says what the site holds; the plan says what the host must publish for
it: one page per record, listing, topic and archive index (with its title,
description, table of contents, whether search indexes it, and how to render its
HTML), the files copied beside them (a record's images and attachments, its PDF from
the cache, our CSS and script) and the text files the core renders (feeds, calendar
files, emails). The MkDocs plugin turns it into MkDocs files; the Zensical route
writes it into a docs folder. Both read the same plan, so both publish the same site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .site import BRAND_CSS, Site

ASSETS = Path(__file__).parent / "assets"
ASSET_URI = "assets/commsite/"  # where our CSS and script are served, under the site root


@dataclass
class Page:
    """A page we generate: the host frames `render()`'s HTML in its theme."""

    url: str  # site-root-relative directory URL: 'bulletins/x/', '' for the home page
    source: str  # its source path in a docs folder, as MkDocs names it: 'bulletins/x.md'
    title: str
    render: Callable[[], str]
    description: str = ""
    toc: list = field(default_factory=list)  # Python-Markdown toc_tokens
    # Listings repeat what record pages say: indexing them only doubles search results.
    searchable: bool = True
    # The records a listing shows: a preview keeps its HTML while their fields but the
    # body stay the same (None: a record page, rendered every build). See plugin/preview.py.
    lists: tuple | None = None
    in_nav: bool = False  # a listing: in the navigation where the host's config puts it


@dataclass(frozen=True)
class Copied:
    """A file published as it is: `path` in the site, read from `source`."""

    path: str  # site-root-relative
    source: Path
    pdf: bool = False  # a PDF from the cache (hard-linked, never changed in place)


class Plan:
    """The plan of one loaded Site (after `site.load()` and `site.start_pdfs()`)."""

    def __init__(self, site: Site):
        self.site = site
        self.pages: list[Page] = []
        self.files: list[Copied] = [Copied(ASSET_URI + a.name, a) for a in assets()]
        pages = site.pages
        for record in site.records:
            self.pages.append(Page(record.url, f"{record.type.url}/{record.slug}.md",
                                   record.title, lambda r=record: pages.record(r),
                                   record.summary, pages.record_toc(record)))
            self.files += [Copied(record.url + local.rel, local.path)
                           for local in record.local_files]
            if site.wants_pdf(record):
                self.files.append(Copied(record.pdf_url, site.pdf_target(record), pdf=True))
        for listing in site.catalogue.listings():
            self.pages.append(Page(listing.url, listing.url + "index.md", listing.title,
                                   lambda l=listing: pages.listing(l), searchable=False,
                                   lists=listing.records, in_nav=listing.page == 1))
        # Where keyword boxes submit to without JavaScript.
        self.pages.append(Page("search/", "search/index.md", "Search", pages.search_page,
                               searchable=False, lists=()))
        self.pages.append(Page("topics/", "topics/index.md", "Topics", pages.topics_index,
                               searchable=False, lists=site.records, in_nav=True))
        self.pages.append(Page("archive/", "archive/index.md", "Archive", pages.archive_index,
                               searchable=False, lists=site.records, in_nav=True))

    @property
    def owned_folder(self) -> str:
        """The docs-folder path whose files are records, not pages (the notices)."""
        return self.site.settings.type("notice").url + "/"

    def home(self) -> str:
        """Our part of the home page, appended to the text of the host's own index page."""
        return self.site.pages.home()

    def texts(self, memo: dict | None = None) -> dict[str, str]:
        """Feeds, calendar files and bulletin emails by site path (see Site.text_files)."""
        return self.site.text_files(memo)


def assets() -> list[Path]:
    """Our stylesheet and script, which every page links to."""
    return sorted(ASSETS.iterdir())


def stylesheets() -> list[str]:
    """The brand colour's one rule (a text file of the plan), then our stylesheet."""
    return [BRAND_CSS, *(ASSET_URI + a.name for a in assets() if a.suffix == ".css")]


def scripts() -> list[str]:
    return [ASSET_URI + a.name for a in assets() if a.suffix == ".js"]
