"""What a built site's search index holds, read back from its files.

Pagefind writes gzip files that start with a signature once unpacked; each page's
"fragment" is JSON with its URL, indexed text, meta and filters. Reading them is how
a test sees exactly what a reader's browser can find, without a browser.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

SIGNATURE = b"pagefind_dcd"


def unpacked(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(SIGNATURE), path
    return data[len(SIGNATURE):]


def indexed(site: Path) -> dict[str, dict]:
    """Every page in the index by its URL ('/bulletins/x/'): content, meta and filters."""
    out = {}
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        fragment = json.loads(unpacked(path))
        out[fragment["url"]] = fragment
    return out


def everything(site: Path) -> bytes:
    """Every file of the index, unpacked: words, filters, meta and fragments."""
    parts = []
    for path in sorted((site / "pagefind").rglob("*")):
        if path.is_file() and path.suffix.startswith(".pf_"):
            parts.append(unpacked(path))
    return b"\n".join(parts)
