"""`commsite init`: a new organisation's site folder, ready to write in and to publish.

The files live beside this module, in `starter/` (package data, so an installed
commsite has them); names there carry no leading dot (`gitignore`, `github/`) so that
every packaging tool includes them. @NAME@-style markers are filled in here: the
files themselves are YAML and GitHub Actions text, whose own `${{ }}` must stay as is.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .blank import new_record
from .settings import DEFAULT_AUDIENCES, default_types
from .slugs import slugify

STARTER = Path(__file__).parent / "starter"
# Package file -> where it goes in the new site.
FILES = {
    "mkdocs.yml": "mkdocs.yml",
    "index.md": "content/index.md",
    "README.md": "README.md",
    "requirements.txt": "requirements.txt",
    "gitignore": ".gitignore",
    "github/workflows/publish.yml": ".github/workflows/publish.yml",
    "gitlab-ci.yml": ".gitlab-ci.yml",
}
EXAMPLES = {  # one example draft of each type
    "bulletin": ("Example bulletin", "What a bulletin covers, in one or two sentences: readers "
                 "see this in every listing.",
                 "This is an example bulletin: a draft, so it is not published. Read it, then "
                 "delete it.\n\n## A section\n\nWrite each item under its own `##` heading.\n\n"
                 "- Lists, **bold** text and [links](https://www.example.org/) work as in any "
                 "Markdown."),
    "webinar": ("Example webinar", "What the webinar covered, in one or two sentences.",
                "This is an example webinar record: a draft, so it is not published. Add the "
                "slides, the recording and the Q&A in the fields above."),
    "notice": ("Example notice", "What readers need to know or do, in one or two sentences.",
               "This is an example notice: a draft, so it is not published. Notices are the "
               "lasting guidance readers come back to."),
}


class InitError(Exception):
    """The folder cannot be made into a site; the message says why."""


def commsite_version() -> str:
    try:
        return version("commsite")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0.1.0"


def make_site(folder: Path, name: str, today: dt.date) -> list[Path]:
    """Write a new site into `folder` (missing or empty); returns the files written."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InitError(f"{folder} already exists and is not empty; nothing was written "
                        "(choose a new folder)")
    if not name.strip():
        raise InitError("--name: give the site's name, e.g. --name \"Org communications\"")
    if any(ord(c) < 32 for c in name):
        raise InitError("--name: give the site's name on one line")

    def yaml_text(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string

    markers = {"@SITE_NAME@": yaml_text(name), "@COPYRIGHT@": yaml_text(f"© {name}"),
               "@DESCRIPTION@": yaml_text(f"Communications from {name}, as web pages and PDFs."),
               "@SITE_NAME_TEXT@": name, "@VERSION@": commsite_version()}
    out = {}
    for source, target in FILES.items():
        text = (STARTER / source).read_text(encoding="utf-8")
        for marker, value in markers.items():
            text = text.replace(marker, value)
        out[target] = text
    for rtype in default_types("content"):
        title, summary, body = EXAMPLES[rtype.key]
        slug = f"{today.isoformat()}-{slugify(title)}"  # as `commsite new` names it
        out[f"{rtype.folder}/{slug}.md"] = new_record(
            type_key=rtype.key, kind=rtype.label.lower(), title=title, date=today.isoformat(),
            audiences=[next(iter(DEFAULT_AUDIENCES))], audience_keys=DEFAULT_AUDIENCES,
            summary=summary, body=body)
    written = []
    for rel, text in out.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as file:  # "x": never overwrite
            file.write(text)
        written.append(path)
    return written
