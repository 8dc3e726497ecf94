"""The programs that can turn the page plan into a site (README: Hosts).

- `mkdocs`: MkDocs 1.6 runs our plugin (plugin/); the default.
- `properdocs`: ProperDocs, a maintained fork of MkDocs 1.x, runs the same plugin (it
  loads every `mkdocs.plugins` entry point and answers `import mkdocs...` itself).
- `zensical`: Zensical runs no plugins, so `zensical.py` writes the plan into a docs
  folder, lets Zensical frame the pages in its theme, and finishes the site itself.

The core never imports a host: each runs as a program of its own.
"""

from __future__ import annotations

HOSTS = ("mkdocs", "properdocs", "zensical")
# The pip extra that installs each optional host, for the message when it is missing.
EXTRAS = {"properdocs": "commsite[properdocs]", "zensical": "commsite[zensical]"}


def installed(host: str) -> bool:
    from importlib.util import find_spec

    return find_spec(host) is not None


def missing_message(host: str) -> str:
    return (f"the host '{host}' is not installed: pip install '{EXTRAS[host]}' "
            f"(or choose --host mkdocs)")
