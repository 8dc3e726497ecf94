"""Every record's PDF: a print template of our own, rendered by WeasyPrint.

`document` turns a record into print HTML and the cache key of its PDF;
`render` takes PDFs from the cache or sends them to `pool`, whose worker
processes run `worker` (WeasyPrint, behind `guard` and `fetcher`); `system`
says what the machine lacks for fast PDFs.
"""

from .document import PrintJob, print_job
from .render import Pdf, PdfFailure, PdfRenderer

__all__ = ["Pdf", "PdfFailure", "PdfRenderer", "PrintJob", "print_job"]
