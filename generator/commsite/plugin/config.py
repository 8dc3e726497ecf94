"""The plugin's options in mkdocs.yml: the core's options (options.py), as MkDocs declares them.

MkDocs takes any value here; the core checks it, so `mkdocs build`, `mkdocs serve`
and `commsite check` give the same one-line messages. The defaults shown to MkDocs
are the core's, and the plugin passes the core only what the author wrote.
"""

from __future__ import annotations

from mkdocs.config import base

from ..options import OPTIONS


class AsWritten(base.BaseConfigOption):
    """Any value, kept as written: options.py says what is allowed."""

    def __init__(self, default):
        super().__init__()
        self.default = default

    def run_validation(self, value):
        return value


CommsiteConfig = type("CommsiteConfig", (base.Config,),
                      {option.name: AsWritten(option.default()) for option in OPTIONS})
