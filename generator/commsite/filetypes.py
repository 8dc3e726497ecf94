"""What a record may publish beside its page: the file types of a communications site.

Anything in a record's folder that a record points to is copied to the site and
served from the site's own origin, so a file is published only when it is one of
the kinds below, by its name AND by its first bytes: an `.html` "attachment"
would be a page running its own script, a `.js` one a script the site's policy
allows ('self'), and a `.pdf` that is really HTML is opened as HTML by a browser
that sniffs. Record files (`.md`, `.yml`, `.yaml`) are never attachments: a draft
attached by another record would be published. SVG images are published only
when `svg.unsafe` finds nothing active in them.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import svg
from .source import RECORD_SUFFIXES

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .xls and .ppt
_ZIP = b"PK\x03\x04"  # the container of .docx, .xlsx, .pptx and OpenDocument files

# Suffix -> (what it is, as authors know it; how its first bytes start).
DOCUMENTS = {
    ".pdf": ("PDF", "pdf"), ".doc": ("Word", _OLE2), ".docx": ("Word", _ZIP),
    ".xls": ("Excel", _OLE2), ".xlsx": ("Excel", _ZIP), ".ppt": ("PowerPoint", _OLE2),
    ".pptx": ("PowerPoint", _ZIP), ".odt": ("OpenDocument text", _ZIP),
    ".ods": ("OpenDocument spreadsheet", _ZIP), ".odp": ("OpenDocument presentation", _ZIP),
    ".csv": ("CSV", "text"), ".txt": ("plain text", "text"),
}
IMAGES = {
    ".png": ("PNG", b"\x89PNG\r\n\x1a\n"), ".jpg": ("JPEG", b"\xff\xd8\xff"),
    ".jpeg": ("JPEG", b"\xff\xd8\xff"), ".gif": ("GIF", "gif"), ".webp": ("WebP", "webp"),
    ".svg": ("SVG", "svg"),
}
# Attachments and slides may be images too (a poster, a diagram to download).
ATTACHMENTS = {**DOCUMENTS, **IMAGES}

# The first bytes that make a browser sniff a file as HTML (WHATWG MIME Sniffing).
_HTML = re.compile(rb"\s*<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style"
                   rb"|title|b|body|br|p|!--|\?xml|svg)[\s>/]", re.I)
SNIFF = 4096  # bytes read to decide; enough for every signature above
MAX_SVG = 5_000_000  # an SVG is parsed whole: far above any chart, keeps a build quick


def _allowed(kinds: dict) -> str:
    return ", ".join(dict.fromkeys(s.lstrip(".") for s in kinds))


def refusal(path: Path, rel: str, kinds: dict = ATTACHMENTS) -> str | None:
    """Why the file at `path` (written `rel` by the author) may not be published, or None."""
    suffix = path.suffix.lower()
    allowed = f"allowed: {_allowed(kinds)}"
    if suffix in RECORD_SUFFIXES:
        return (f"'{rel}' is a record file ({suffix}), which is never published as a file; "
                f"link to its page instead, or attach a PDF of it ({allowed})")
    if suffix not in kinds:
        return f"'{rel}' is a {suffix or 'file without extension'} file, not a type the site " \
               f"publishes; {allowed}"
    label, signature = kinds[suffix]
    with path.open("rb") as handle:
        head = handle.read(SNIFF)
    what = f"'{rel}' is not really a {label} file"
    if signature == "pdf":
        ok = b"%PDF-" in head[:1024]
    elif signature == "text":
        # Any encoding will do (Excel on Windows writes cp1252), but no binary and no HTML.
        ok = b"\x00" not in head and not _HTML.match(head)
        if not ok:
            return f"{what} (it holds HTML or binary data); {allowed}"
    elif signature == "gif":
        ok = head[:6] in (b"GIF87a", b"GIF89a")
    elif signature == "webp":
        ok = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    elif signature == "svg":
        if path.stat().st_size > MAX_SVG:
            return f"'{rel}' is an SVG of more than {MAX_SVG:,} bytes; export it smaller or as PNG"
        reason = svg.unsafe(path.read_bytes())
        if reason:
            return (f"'{rel}' is an SVG that could run code or load other files ({reason}); "
                    "publish an SVG without script, event handlers, foreignObject, external "
                    "references or entity declarations, or a PNG")
        ok = True
    else:
        ok = head.startswith(signature)
    if not ok:
        return f"{what} (its content does not start as one does); save it again as {label}, " \
               f"or choose another type ({allowed})"
    return None
