"""The theme's static files, listed without walking the theme's hidden folders.

At every build, and at every rebuild of a preview, MkDocs asks the theme's Jinja loader
for every file under the theme's folders, then drops each one with a part of its path that
starts with a dot (its patterns '.*' and '*/.*'). Material keeps some 14,000 icons under
`.icons/`, so walking and dropping them was most of that step, and a sizeable part of a
small site's build (the figures are in the notes of issue 12). The loader given here does
not go into hidden folders: it lists what MkDocs keeps and what it would have dropped at
the top level, nothing else. A template is loaded by its name as before, so an icon that a
template includes from `.icons/` is found as ever. A theme whose environment has another
kind of loader is left as it is.
"""

from __future__ import annotations

import functools
import os

import jinja2


class _Loader(jinja2.FileSystemLoader):
    def list_templates(self) -> list[str]:
        # jinja2.FileSystemLoader.list_templates, with hidden folders left out of the walk
        found = set()
        for searchpath in self.searchpath:
            for dirpath, dirnames, filenames in os.walk(searchpath, followlinks=self.followlinks):
                dirnames[:] = [name for name in dirnames if not name.startswith(".")]
                for filename in filenames:
                    template = (os.path.join(dirpath, filename)[len(searchpath):]
                                .strip(os.path.sep).replace(os.path.sep, "/"))
                    if template[:2] == "./":
                        template = template[2:]
                    found.add(template)
        return sorted(found)


def list_without_hidden_folders(theme) -> None:
    """Makes `theme.get_env()` give environments whose loader skips hidden folders when it
    lists the theme's files."""
    get_env = theme.get_env

    @functools.wraps(get_env)
    def env() -> jinja2.Environment:
        made = get_env()
        loader = made.loader
        if type(loader) is jinja2.FileSystemLoader:
            made.loader = _Loader(loader.searchpath, loader.encoding, loader.followlinks)
        return made

    theme.get_env = env
