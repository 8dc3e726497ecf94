"""A strict Content-Security-Policy for every page, with no 'unsafe-inline' for scripts.

Our own code is one external script and no inline handlers. The theme (Material)
inlines three small scripts whose text depends on the page's depth, so instead
of allowing inline script in general the policy lists the SHA-256 hash of each
inline script the page really has. Each page carries its policy in a
`<meta http-equiv>` tag, so it is enforced even where the host sends no header;
the build also writes `csp.txt`, one policy covering every page, for hosts that
can send it as a header (which adds what a meta tag cannot: frame-ancestors).
Inline styles stay allowed: Material sets them on its icons, and CSS cannot run code.
"""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_DATA_TYPE = re.compile(r"""type\s*=\s*["']?application/(ld\+)?json""", re.I)


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions for the page's inline scripts (JSON data blocks never run)."""
    hashes = []
    for match in _INLINE_SCRIPT.finditer(html):
        attrs, body = match["attrs"], match["body"]
        if "src=" in attrs.lower() or _DATA_TYPE.search(attrs) or not body.strip():
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return sorted(set(hashes))


def policy(hashes, header: bool = False) -> str:
    parts = [
        "default-src 'self'",
        # The search index (Pagefind) runs a WebAssembly module from our own origin:
        # compiling it needs 'wasm-unsafe-eval', which allows no JavaScript eval.
        "script-src 'self' 'wasm-unsafe-eval' " + " ".join(sorted(set(hashes))),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    if header:
        parts.append("frame-ancestors 'self'")
    return "; ".join(p.strip() for p in parts)


def with_meta_policy(html: str) -> tuple[str, list[str]]:
    """The page with its policy as the first thing in <head>, and the hashes it allowed."""
    hashes = inline_script_hashes(html)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes)}">'
    page, count = re.subn(r"<head(\s[^>]*)?>", lambda m: m.group(0) + meta, html, count=1,
                          flags=re.I)
    return (page if count else html), hashes
