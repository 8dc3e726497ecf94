"""What a PDF may load while it renders: its record's own files, and nothing else.

Record text is pasted from emails and other documents, so the print HTML is
treated as untrusted. WeasyPrint's default fetcher would follow `http(s)` and
any `file:` URL; ours allows `data:` URLs and regular files inside the allowed
folders only. Everything else is refused, which WeasyPrint reports as a missing
resource and renders without it. No network, no `/etc/passwd`, no `/dev/urandom`.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


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
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed) or not path.is_file():
            raise ValueError(f"refused to load {url!r}: outside the record's folder")
        return URLFetcherResponse(url, body=path.read_bytes())
