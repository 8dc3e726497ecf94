"""What a reader is told about a file before downloading it: format, size, pages.

Read from the file itself, never from what an author wrote about it, and read again
whenever the file's size or modification time changes, so "PDF, 48 KB, 3 pages" is
never stale while a preview or a build asks for the same file many times.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FORMATS = {
    ".pdf": "PDF", ".pptx": "PowerPoint", ".ppt": "PowerPoint", ".docx": "Word", ".doc": "Word",
    ".xlsx": "Excel", ".xls": "Excel", ".csv": "CSV", ".odt": "OpenDocument text",
    ".odp": "OpenDocument presentation", ".ods": "OpenDocument spreadsheet", ".txt": "Text",
    ".png": "PNG image", ".jpg": "JPEG image", ".jpeg": "JPEG image", ".gif": "GIF image",
    ".svg": "SVG image", ".zip": "ZIP archive", ".mp4": "MP4 video", ".ics": "Calendar",
}


@dataclass(frozen=True)
class FileInfo:
    format: str
    size: int  # bytes
    pages: int | None  # PDFs only

    def describe(self) -> str:
        """'PDF, 48 KB, 3 pages', in the GOV.UK style readers know."""
        parts = [self.format, human_size(self.size)]
        if self.pages:
            parts.append(f"{self.pages} page{'s' if self.pages != 1 else ''}")
        return ", ".join(parts)


def human_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def pdf_pages(path: Path) -> int | None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(path).pages)
    except (PyPdfError, OSError, ValueError):
        return None  # not a readable PDF: say its size and format, never fail the build


def describe(path: Path) -> FileInfo:
    stat = path.stat()
    return _describe(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=None)
def _describe(path: Path, size: int, mtime_ns: int) -> FileInfo:
    suffix = path.suffix.lower()
    fmt = FORMATS.get(suffix, suffix.lstrip(".").upper() or "File")
    pages = pdf_pages(path) if suffix == ".pdf" else None
    return FileInfo(format=fmt, size=size, pages=pages)
