"""A record as print HTML, with the key that says when its PDF must be rendered again."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..pages import make_environment
from ..urls import absolute

HERE = Path(__file__).parent
RENDER_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_identifier": False}


@dataclass(frozen=True)
class PrintJob:
    slug: str
    html: str
    base_url: str  # relative URLs in the body resolve against the record's folder
    allowed: tuple[str, ...]  # folders the fetcher may read
    key: str  # hash of everything that shapes the PDF


@lru_cache(maxsize=1)
def _template():
    return make_environment(HERE).get_template("print.html")


@lru_cache(maxsize=1)
def _weasyprint_version() -> str:
    from importlib.metadata import version

    return version("weasyprint")


def print_job(record, catalogue) -> PrintJob:
    settings = catalogue.settings
    html = _template().render(
        record=record, settings=settings, css=(HERE / "print.css").read_text(),
        audiences=[catalogue.audience_label(a) for a in record.audiences],
        topics=[t.label for t in catalogue.topics_of(record)], is_old=catalogue.is_old(record),
        page_url=absolute(settings.site_url, record.url))
    digest = hashlib.sha256()
    for part in (html, _weasyprint_version(), repr(sorted(RENDER_OPTIONS.items()))):
        digest.update(part.encode())
    for image in record.images:  # the only files the PDF embeds
        digest.update(image.rel.encode())
        digest.update(image.path.read_bytes())
    folder = str(record.folder)
    return PrintJob(slug=record.slug, html=html, base_url=folder + "/", allowed=(folder,),
                    key=digest.hexdigest())
