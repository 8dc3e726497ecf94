"""The HTML of our pages: the filterable listing, static listings and record pages.

The host wraps these fragments in its theme (Material's page chrome, search,
navigation); what a reader comes for, the list, the filters and the record, is
ours and renders the same under any host. Templates live in `templates/`
beside this module; Jinja2 autoescapes every field, so a title with `<` or `&`
reaches the page as text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from . import archive
from .catalogue import Catalogue
from .fileinfo import FileInfo
from .listing import Listing
from .records import Record
from .urls import relative

TEMPLATES = Path(__file__).parent / "templates"


def long_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def make_environment(search_path: Path = TEMPLATES) -> Environment:
    env = Environment(loader=FileSystemLoader(str(search_path)), autoescape=select_autoescape(
        default=True), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["long_date"] = long_date
    return env


class PageRenderer:
    """Renders our fragments for one build.

    `pdf_info(record)` returns the FileInfo of the record's PDF, or None when it
    has none; `file_info(path)` describes an attachment. Both come from the host
    so it decides when PDFs are ready (the MkDocs plugin waits on its render pool).
    """

    def __init__(self, catalogue: Catalogue, pdf_info: Callable[[Record], FileInfo | None],
                 file_info: Callable[[Path], FileInfo]):
        self.catalogue = catalogue
        self.settings = catalogue.settings
        self.pdf_info = pdf_info
        self.file_info = file_info
        self.env = make_environment()

    def _render(self, template: str, page_url: str, **context) -> str:
        def url(target: str) -> str:
            return relative(target, page_url)

        return self.env.get_template(template).render(
            url=url, cat=self.catalogue, settings=self.settings, pdf_info=self.pdf_info,
            months=self.catalogue.months, **context)

    def home(self, page_url: str = "") -> str:
        """The filters and every published record: appended to the home page's own text."""
        cat = self.catalogue
        return self._render("home.html", page_url, records=cat.records, facets=[
            ("audience", "Audience", "All audiences", cat.audiences),
            ("type", "Type", "All types", cat.types),
            ("topic", "Topic", "All topics", cat.topics),
            ("month", "Month", "All months", cat.months),
            ("status", "Status", "Any status", cat.statuses),
        ])

    def listing(self, listing: Listing) -> str:
        return self._render("listing.html", listing.url, listing=listing,
                            records=listing.records)

    def topics_index(self, page_url: str = "topics/") -> str:
        return self._render("topics.html", page_url, topics=self.catalogue.topics)

    def archive_index(self, page_url: str = "archive/") -> str:
        return self._render("archive.html", page_url, years=archive.years(self.catalogue.records))

    def record(self, record: Record) -> str:
        older, newer = self.catalogue.neighbours(record)
        return self._render("record.html", record.url, record=record, older=older, newer=newer,
                            replacement=self.catalogue.replacement(record),
                            is_old=self.catalogue.is_old(record), file_info=self.file_info)


def problems_page(problems, settings) -> str:
    """The page a preview answers while records have problems: each with file, line, message."""
    return make_environment().get_template("problems.html").render(
        problems=problems, count=len(problems), site_name=settings.site_name,
        language=settings.language)
