"""What a PDF may load while it renders: its record's own files, and nothing else.

Record text is pasted from emails and other documents, so the print HTML is
treated as untrusted. WeasyPrint's default fetcher would follow `http(s)` and
any `file:` URL; ours allows `data:` URLs and regular files inside the allowed
folders only. Everything else is refused, which WeasyPrint reports as a missing
resource and renders without it: no network (so no redirects either), no
`/etc/passwd`, no `/dev/urandom`, no link or `..` out of the record's folder.

Imported only inside the worker processes (it subclasses WeasyPrint's fetcher).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

# A record's image larger than this is a mistake (a video renamed .png?), and
# reading it whole into a worker would only stall the build.
MAX_BYTES = 64 * 1024 * 1024


class SafeFetcher(URLFetcher):
    def __init__(self, allowed: list[str]):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
        self.allowed = [Path(p).resolve() for p in allowed]

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused to load {url!r}: PDFs load only the record's own files")
        # resolve() follows links first, so a link inside the folder that points
        # out of it is judged by where it points.
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed):
            raise ValueError(f"refused to load {url!r}: outside the record's folder")
        if not path.is_file():  # devices, pipes and folders are never files of a record
            raise ValueError(f"refused to load {url!r}: not a regular file")
        if path.stat().st_size > MAX_BYTES:
            raise ValueError(f"refused to load {url!r}: larger than {MAX_BYTES >> 20} MB")
        return URLFetcherResponse(url, body=path.read_bytes())
