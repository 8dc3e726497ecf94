"""Every record's PDF: a print template of our own, rendered by WeasyPrint.

`document` turns a record into print HTML and the cache key of its PDF;
`render` takes PDFs from the cache or sends them to `pool`, whose worker
processes run `worker` (WeasyPrint, behind `guard` and `fetcher`); `system`
says what the machine lacks for fast PDFs.

The names below are imported from their modules when first asked for: the process the
workers are forked from imports `worker` (and so this package) with WeasyPrint, and would
otherwise import all that `document` needs to make print HTML (records, pages, the schema),
which no worker uses, at every build that renders a PDF.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .document import PrintJob, print_job
    from .render import Pdf, PdfFailure, PdfRenderer

_MODULE = {"PrintJob": "document", "print_job": "document",
           "Pdf": "render", "PdfFailure": "render", "PdfRenderer": "render"}
__all__ = sorted(_MODULE)


def __getattr__(name: str):
    if name not in _MODULE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_MODULE[name]}", __name__), name)
    globals()[name] = value
    return value
