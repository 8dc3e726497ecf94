"""The HTTP headers a host should send with the site, in the files common static hosts read.

A `<meta>` policy protects pages, but not what a browser opens directly (an SVG, a
PDF, a text attachment), and it cannot forbid framing. So every build writes, at the
site's root, one policy covering every page (`csp.txt`) and the same headers in the
formats hosts pick up on their own: `_headers` (Netlify, Cloudflare Pages) and
`.htaccess` (Apache). `nosniff` stops a browser from guessing that a file is HTML
when the server says it is not; the referrer policy keeps readers' page addresses
from other sites. Any host of the core calls `host_files` (README: Hosting).
"""

from __future__ import annotations

from .csp import policy

REFERRER_POLICY = "strict-origin-when-cross-origin"


def headers(script_hashes) -> list[tuple[str, str]]:
    """The headers for every response of the site, in the order hosts should send them."""
    return [("Content-Security-Policy", policy(script_hashes, header=True)),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", REFERRER_POLICY)]


def host_files(script_hashes) -> dict[str, str]:
    """File name at the site's root -> its text."""
    pairs = headers(script_hashes)
    csp = pairs[0][1]
    netlify = "/*\n" + "".join(f"  {name}: {value}\n" for name, value in pairs)
    # mod_headers may be off: without it Apache would refuse the whole file (a 500 page).
    apache = ("<IfModule mod_headers.c>\n"
              + "".join(f'  Header always set {name} "{value}"\n' for name, value in pairs)
              + "</IfModule>\n")
    return {"csp.txt": f"Content-Security-Policy: {csp}\n", "_headers": netlify,
            ".htaccess": apache}


def nginx(script_hashes) -> str:
    """The same headers as nginx `add_header` lines (for the README and for hosts' docs)."""
    return "".join(f'add_header {name} "{value}" always;\n'
                   for name, value in headers(script_hashes))
