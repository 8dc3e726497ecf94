"""Every record's PDF: a print template of our own, rendered by WeasyPrint.

`document` turns a record into print HTML, `fetcher` decides what that HTML may
load, and `render` runs WeasyPrint in worker processes with a cache, so an
unchanged record is never rendered twice.
"""

from .document import print_job
from .render import PdfFailure, PdfRenderer

__all__ = ["PdfFailure", "PdfRenderer", "print_job"]
