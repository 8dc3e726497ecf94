"""The HTML of our pages: the filterable listing, static listings and record pages.

The host wraps these fragments in its theme (Material's page chrome, search,
navigation); what a reader comes for, the list, the filters and the record, is
ours and renders the same under any host. Templates live in `templates/`
beside this module; Jinja2 autoescapes every field, so a title with `<` or `&`
reaches the page as text.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import secrets
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from . import archive
from .catalogue import Catalogue
from .fileinfo import FileInfo
from .listing import Listing
from .records import Record
from .spellings import american_spellings, applies
from .templatecache import template_cache
from .urls import relative

TEMPLATES = Path(__file__).parent / "templates"


def long_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def make_environment(search_path: Path = TEMPLATES) -> Environment:
    env = Environment(loader=FileSystemLoader(str(search_path)), autoescape=select_autoescape(
        default=True), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        bytecode_cache=template_cache())
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
        self._shared: dict[tuple, str] = {}
        self._marked_macros = None  # _macros.html with its links marked (see `shared`)
        self._relinked: tuple[str | None, dict[str, str]] = (None, {})  # by page: see `shared`
        # A link in a shared fragment: its site path, escaped, behind a mark of this build's
        # own, which no record's text can hold (a title may hold any control character).
        mark = "\x1e" + secrets.token_hex(8)
        self._mark = Markup(mark)
        self._link = re.compile(re.escape(mark) + "([^\x1f]*)\x1f")

    def _globals(self, url: Callable[[str], str]) -> dict:
        return {"url": url, "cat": self.catalogue, "settings": self.settings,
                "pdf_info": self.pdf_info, "months": self.catalogue.months}

    def _render(self, template: str, page_url: str, **context) -> str:
        def url(target: str) -> str:
            return relative(target, page_url)

        def shared(macro: str, *args, **kwargs) -> Markup:
            return self.shared(page_url, macro, *args, **kwargs)

        return self.env.get_template(template).render(
            shared=shared, **self._globals(url), **context)

    def shared(self, page_url: str, macro: str, *args, **kwargs) -> Markup:
        """A macro of `_macros.html` whose output is the same on every page but for its links:
        a listed record (each is on several listings) and the browse links and archive
        drop-down (on every listing page). It is rendered once a build, with each link's
        site path marked, then given the links relative to `page_url`: the page is what
        rendering the macro there would give (tests/test_pages.py)."""
        key = (macro, *(id(a) if isinstance(a, Record) else a for a in args),
               *sorted(kwargs.items()))
        if key not in self._shared:
            if self._marked_macros is None:
                def marked(target: str) -> Markup:
                    return self._mark + target + Markup("\x1f")  # the path escaped

                self._marked_macros = self.env.get_template("_macros.html").make_module(
                    self._globals(marked))
            self._shared[key] = str(getattr(self._marked_macros, macro)(*args, **kwargs))
        if self._relinked[0] != page_url:  # a page's fragments come one after another
            self._relinked = (page_url, {})
        done = self._relinked[1]

        def relink(link: re.Match) -> str:
            # the same topic, type and month links recur down a listing: each made once
            path = link[1]
            if path not in done:
                done[path] = escape(relative(html.unescape(path), page_url))
            return done[path]

        return Markup(self._link.sub(relink, self._shared[key]))

    def home(self, page_url: str = "") -> str:
        """The finder and the first page of records: before the home page's own text."""
        cat = self.catalogue
        first = cat.home_listing()[0]
        return self._render("home.html", page_url, records=first.records, listing=first,
                            total=len(cat.records), facets=cat.facets)

    def listing(self, listing: Listing) -> str:
        return self._render("listing.html", listing.url, listing=listing,
                            records=listing.records)

    def topics_index(self, page_url: str = "topics/") -> str:
        return self._render("topics.html", page_url, topics=self.catalogue.topics)

    def archive_index(self, page_url: str = "archive/") -> str:
        return self._render("archive.html", page_url, years=archive.years(self.catalogue.records))

    def search_page(self, page_url: str = "search/") -> str:
        """Where keyword boxes submit to without JavaScript (with it, the finder answers)."""
        return self._render("search.html", page_url)

    @staticmethod
    def record_toc(record: Record) -> list[dict]:
        """The record page's table of contents: the body's headings, then our sections."""
        ours = [("comms-slides", "Slides and recording", record.slides or record.recording),
                ("comms-qa", "Questions and answers", record.qa),
                ("comms-attachments", "Attachments", record.attachments),
                ("comms-changes", "Change history", record.changes)]
        return list(record.body.toc) + [{"level": 2, "id": anchor, "name": name, "children": []}
                                        for anchor, name, shown in ours if shown]

    def finder_item(self, record: Record) -> str:
        """The record as the finder lists it (the home page's item, so results look and link
        exactly as the static list does): in its page for the search index (Pagefind meta
        "item"), and in the finder's item files (finderdata.py); rendered once."""
        return str(self.shared("", "item", record, 3))

    def record(self, record: Record) -> str:
        older, newer = self.catalogue.neighbours(record)
        return self._render("record.html", record.url, record=record, older=older, newer=newer,
                            order=self.catalogue.position(record),
                            spellings=(american_spellings(record)
                                       if applies(self.settings.language) else []),
                            finder_item=self.finder_item(record),
                            replacement=self.catalogue.replacement(record),
                            is_old=self.catalogue.is_old(record), file_info=self.file_info)


def problems_page(problems, settings) -> str:
    """The page a preview answers while records have problems: each with file, line, message."""
    return make_environment().get_template("problems.html").render(
        problems=problems, count=len(problems), site_name=settings.site_name,
        language=settings.language)
