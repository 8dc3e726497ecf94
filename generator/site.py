"""One build of the site, as any host drives it: records -> catalogue -> pages and PDFs.

A host (the MkDocs plugin, a CLI) creates a Site with its settings, calls
`load()` before it touches the output folder (so bad records stop the build
with the old site intact), `start_pdfs()` as early as it can (the PDFs render
in the background while it builds HTML), asks for page fragments, and calls
`finish_pdfs()` before it publishes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .catalogue import Catalogue
from .fileinfo import FileInfo, describe
from .pages import PageRenderer
from .pdf import PdfFailure, PdfRenderer, print_job
from .problems import RecordError
from .records import Record, load_records
from .settings import Settings


class BuildFailure(Exception):
    """The build cannot publish: the message says why, one line per problem."""


class Site:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.catalogue: Catalogue | None = None
        self.pages: PageRenderer | None = None
        self._pdfs = PdfRenderer(settings.cache_dir, settings.pdf_workers, settings.pdf_timeout)
        self._jobs: dict[str, object] = {}

    @property
    def records(self) -> tuple[Record, ...]:
        return self.catalogue.records if self.catalogue else ()

    def load(self) -> Catalogue:
        """Read and check every record; BuildFailure lists every problem of the run."""
        try:
            records = load_records(self.settings)
        except RecordError as err:
            raise BuildFailure(err.report()) from None
        self.catalogue = Catalogue(records, self.settings)
        self.pages = PageRenderer(self.catalogue, self.pdf_info, self.file_info)
        return self.catalogue

    def wants_pdf(self, record: Record) -> bool:
        return self.settings.pdf and record.pdf

    def start_pdfs(self) -> None:
        for record in self.records:
            if self.wants_pdf(record):
                job = print_job(record, self.catalogue)
                self._jobs[record.url] = job
                self._pdfs.submit(job)

    def pdf_target(self, record: Record) -> Path:
        """Where the record's PDF is (or will be once rendered), before waiting for it."""
        return self._pdfs.path(self._jobs[record.url])

    def pdf_path(self, record: Record) -> Path:
        """The finished PDF file (waits for it); BuildFailure names the record on failure."""
        job = self._jobs[record.url]
        try:
            return self._pdfs.wait(job)
        except PdfFailure as err:
            raise BuildFailure(f"{record.source}: the PDF could not be made: {err}") from None

    def pdf_info(self, record: Record) -> FileInfo | None:
        if record.url not in self._jobs:
            return None
        return self.file_info(self.pdf_path(record))

    @staticmethod
    @lru_cache(maxsize=None)
    def _describe(path: Path, mtime: float) -> FileInfo:
        return describe(path)

    def file_info(self, path: Path) -> FileInfo:
        return self._describe(path, path.stat().st_mtime)

    def finish_pdfs(self) -> str:
        """Wait for every PDF; BuildFailure lists every record whose PDF failed."""
        failures = []
        for record in self.records:
            if record.url in self._jobs:
                try:
                    self.pdf_path(record)
                except BuildFailure as err:
                    failures.append(str(err))
        summary = str(self._pdfs.stats)
        if failures:
            raise BuildFailure("\n".join([f"{len(failures)} PDF(s) could not be made; the build "
                                          "stopped:", *failures]))
        return summary

    def close(self) -> None:
        self._pdfs.close()
