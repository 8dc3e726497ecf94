"""The site's options as the core sees them, independent of any host.

The MkDocs plugin fills these from `mkdocs.yml`; another host (a CLI, Zensical)
fills them its own way and reuses the rest of the core unchanged.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from .colours import DEFAULT_BRAND_COLOUR, brand_colour


@dataclass(frozen=True)
class RecordType:
    key: str  # 'bulletin': the value of data-type and of the type filter
    label: str  # 'Bulletin'
    plural: str  # 'Bulletins': the listing page's title
    url: str  # 'bulletins': URL segment of the listing and of every record page
    folder: str  # where the records live, relative to the project root


# Outside `.cache/`, which hosts' clean steps empty; the old default is still found (site.py).
DEFAULT_CACHE_DIR, LEGACY_CACHE_DIR = ".commsite-cache", ".cache/commsite"
DEFAULT_AUDIENCES = {"la": "Local Administrators", "users": "Users"}


def default_types(docs_dir: str = "content") -> tuple[RecordType, ...]:
    return (
        RecordType("bulletin", "Bulletin", "Bulletins", "bulletins", "bulletins"),
        RecordType("webinar", "Webinar", "Webinars", "webinars", "webinars"),
        # Notices live in the docs folder because they read like ordinary pages;
        # the plugin takes them over from MkDocs' own page handling.
        RecordType("notice", "Notice", "Notices", "notices", f"{docs_dir}/notices"),
    )


def _build_date_from_env() -> dt.date:
    # COMMSITE_BUILD_DATE lets tests and previews see the site as it will be on a given day.
    value = os.environ.get("COMMSITE_BUILD_DATE")
    return dt.date.fromisoformat(value) if value else dt.date.today()


@dataclass
class Settings:
    root: Path  # the project folder: paths in messages are relative to it
    site_name: str = "Communications"
    site_url: str = ""  # absolute URL of the published site; printed in PDFs when set
    docs_dir: str = "content"  # the host's own pages, relative to root (links may lead there)
    language: str = "en"
    audiences: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_AUDIENCES))
    types: tuple[RecordType, ...] = field(default_factory=default_types)
    old_after_months: int = 12  # older records carry the "dates may have changed" note
    build_date: dt.date = field(default_factory=_build_date_from_env)
    summary_max: int = 300
    # Records a listing page shows; later ones are on its page 2, 3... (the finder loads as many).
    page_size: int = 50
    pdf: bool = True
    pdf_workers: int = 0  # 0: one per core
    pdf_timeout: float = 60.0  # seconds one document may take before it fails
    cache_dir: Path = Path(DEFAULT_CACHE_DIR)  # kept between builds (relative: to root)
    pdf_cache_days: float = 30  # PDFs no build has used for this long leave the cache; 0: never
    max_file_mb: float = 100  # a bigger attachment, slide deck or image is refused
    preview: bool = False  # an author's preview: drafts shown with a banner
    preview_pdfs: bool = False  # render PDFs in a preview too (off: a preview follows typing)
    # Contact details the organisation publishes on purpose: `commsite check` lets these be.
    allowed_phone_numbers: tuple[str, ...] = ()
    allowed_email_domains: tuple[str, ...] = ()
    # The organisation's look: headings, links and rules of the PDFs, the emails and the
    # site's own accents; and its logo (theme.logo) at the head of every PDF.
    brand_colour: str = DEFAULT_BRAND_COLOUR
    logo: Path | None = None

    def __post_init__(self):
        self.root = Path(self.root).resolve()
        self.cache_dir = Path(self.cache_dir)
        if not self.cache_dir.is_absolute():
            self.cache_dir = self.root / self.cache_dir
        self.brand_colour = brand_colour(self.brand_colour)  # options.py words the error

    def type(self, key: str) -> RecordType:
        return next(t for t in self.types if t.key == key)
