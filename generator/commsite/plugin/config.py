"""The plugin's options in mkdocs.yml, as typed config (checked by MkDocs on load)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from ..settings import DEFAULT_AUDIENCES


class CommsiteConfig(base.Config):
    # Audience keys authors write in `audience:` and the labels readers see.
    audiences = c.Type(dict, default=dict(DEFAULT_AUDIENCES))
    # Records older than this many months carry the "dates may have changed" note.
    old_after_months = c.Type(int, default=12)
    # Render a PDF for every record (records can opt out with `pdf: false`).
    pdf = c.Type(bool, default=True)
    # Worker processes rendering PDFs; 0 means one per core.
    pdf_workers = c.Type(int, default=0)
    # Seconds one PDF may take before that record fails the build.
    pdf_timeout = c.Type((int, float), default=60)
    # Rendered PDFs are kept here between builds (relative to mkdocs.yml), outside the site.
    cache_dir = c.Type(str, default=".cache/commsite")
    # Cached PDFs no build has used for this many days are removed; 0 keeps them all.
    pdf_cache_days = c.Type((int, float), default=30)
    # Build the site as it will be on this day (YYYY-MM-DD); default today.
    build_date = c.Optional(c.Type(str))
    # The language of the records: the pages' and the PDFs' lang.
    language = c.Type(str, default="en")
    # Phone numbers and email domains that records may publish (`commsite check`).
    allowed_phone_numbers = c.ListOfItems(c.Type(str), default=[])
    allowed_email_domains = c.ListOfItems(c.Type(str), default=[])
    # Render PDFs in `mkdocs serve` too (off by default: a preview should follow typing).
    preview_pdfs = c.Type(bool, default=False)
