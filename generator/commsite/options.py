"""The site's options (the `commsite` plugin's block of mkdocs.yml), checked once for every host.

Each option is declared here once: its name, what it allows in words, and how its
value becomes the Settings value. The default is the Settings field's (settings.py),
so a host passes only what the author wrote. The MkDocs plugin, the command line
and any other host get the same one-line messages, every problem of the block at
once, e.g. `mkdocs.yml: plugins.commsite.pdf_timeout: -5 is not allowed; allowed: a
number of seconds above 0, e.g. 60`.

To add an option: a field in Settings (its default) and one `Option` line below.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .colours import brand_colour
from .settings import Settings

KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # audience keys: URL segments and filter values
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")  # a BCP 47 tag: en, en-GB, cy


class OptionError(ValueError):
    """One option's value is wrong; the message says what is wrong with it (or is empty)."""


@dataclass(frozen=True)
class Where:
    """What some checks need besides the value: where the project's folders are."""

    root: Path
    docs_dir: Path
    site_dir: Path


@dataclass(frozen=True)
class Option:
    name: str  # as written in mkdocs.yml, and the Settings field it fills
    allowed: str  # what is allowed, in words, for messages
    convert: Callable[[Any, Where], Any]  # value as written -> Settings value; OptionError
    # Its default is worked out at build time (build_date: today): empty means that default.
    computed: bool = False

    def default(self):
        """The core's default (from Settings), as an author would write it in mkdocs.yml."""
        if self.computed:
            return None
        value = _settings_default(self.name)
        if isinstance(value, tuple):
            return list(value)
        if isinstance(value, Path):
            return value.as_posix()
        return value


def _settings_default(name: str):
    for f in dataclasses.fields(Settings):
        if f.name == name:
            if f.default_factory is not dataclasses.MISSING:
                return f.default_factory()
            return f.default
    raise KeyError(name)


def _shown(value) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "{}" if not value else "a mapping"
    if isinstance(value, list):
        return f"a list {value!r}" if len(repr(value)) < 60 else "a list"
    return repr(value) if value is not None else "empty"


def _flag(value, where):
    if not isinstance(value, bool):
        raise OptionError
    return value


def _number(low: float, above: bool, integer: bool = False):
    def convert(value, where):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                (integer and not isinstance(value, int)) or not math.isfinite(value):
            raise OptionError
        if value < low or (above and value == low):
            raise OptionError
        return value
    return convert


def _page_size(value, where):
    value = _number(1, above=False, integer=True)(value, where)
    if value > 1000:
        raise OptionError
    return value


def _text(value, where):
    if not isinstance(value, str) or not value.strip():
        raise OptionError
    return value.strip()


def _language(value, where):
    if not isinstance(value, str) or not LANGUAGE.fullmatch(value):
        raise OptionError
    return value


def _texts(value, where):
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise OptionError
    return tuple(v.strip() for v in value)


def _audiences(value, where):
    if not isinstance(value, dict) or not value:
        raise OptionError
    for key, label in value.items():
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise OptionError(f"the key {key!r} is not lowercase letters, digits and hyphens")
        if not isinstance(label, str) or not label.strip():
            raise OptionError(f"the key '{key}' has no label")
    return {key: label.strip() for key, label in value.items()}


def _date(value, where):
    if isinstance(value, dt.datetime):
        raise OptionError("a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise OptionError


def _cache_dir(value, where):
    if not isinstance(value, str) or not value.strip():
        raise OptionError
    folder = (where.root / value.strip()).resolve()
    for name, other in (("site_dir", where.site_dir), ("docs_dir", where.docs_dir)):
        other = other.resolve()
        if folder == other or folder.is_relative_to(other):
            raise OptionError(f"inside {name} '{_relative(other, where.root)}'")
        if other.is_relative_to(folder):
            raise OptionError(f"it holds {name} '{_relative(other, where.root)}'")
    if where.root.resolve().is_relative_to(folder):
        raise OptionError("it holds the whole project")
    return Path(value.strip())


def _colour(value, where):
    if not isinstance(value, str):
        raise OptionError
    try:
        return brand_colour(value)
    except ValueError as err:
        raise OptionError(str(err)) from None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return str(path)


OPTIONS = (
    Option("audiences", "a mapping of keys (lowercase letters, digits, hyphens) to the labels "
           "readers see, e.g. {la: Local Administrators, users: Users}", _audiences),
    Option("old_after_months", "a whole number of months from 1, e.g. 12",
           _number(1, above=False, integer=True)),
    Option("page_size", "a whole number of records a listing page shows, from 1 to 1000, "
           "e.g. 50", _page_size),
    Option("pdf", "true or false", _flag),
    Option("pdf_workers", "a whole number from 0 (0: one per core), e.g. 2",
           _number(0, above=False, integer=True)),
    Option("pdf_timeout", "a number of seconds above 0, e.g. 60", _number(0, above=True)),
    Option("cache_dir", "a folder of its own, outside site_dir and docs_dir, e.g. .commsite-cache",
           _cache_dir),
    Option("pdf_cache_days", "a number of days from 0 (0: never remove), e.g. 30",
           _number(0, above=False)),
    Option("max_file_mb", "a number of megabytes above 0, e.g. 100", _number(0, above=True)),
    Option("build_date", "a real date written YYYY-MM-DD, e.g. 2018-08-01", _date,
           computed=True),
    Option("language", "a language tag such as en or en-GB", _language),
    Option("allowed_phone_numbers", "a list of phone numbers as text, e.g. ['0300 303 4034']",
           _texts),
    Option("allowed_email_domains", "a list of domains, e.g. [nhs.net]", _texts),
    Option("preview_pdfs", "true or false", _flag),
    Option("brand_colour", "a CSS colour with 4.5:1 contrast on white (it colours text), e.g. "
           "'#1d4f91', 'rgb(29 79 145)' or navy", _colour),
)
BY_NAME = {option.name: option for option in OPTIONS}


class ProjectError(Exception):
    """mkdocs.yml cannot be read or an option is wrong; the message says which, one line each."""


def problems_and_values(options: dict, where: Where, config_name: str = "mkdocs.yml"
                        ) -> tuple[list[str], dict]:
    """One line per wrong option, and the Settings values of the right ones."""
    problems, values = [], {}
    at = f"{config_name}: plugins.commsite"
    if not isinstance(options, dict):
        return [f"{at}: {_shown(options)} is not allowed; allowed: 'option: value' lines under "
                "'- commsite:'"], {}
    for name, value in options.items():
        option = BY_NAME.get(name)
        if option is None:
            close = difflib.get_close_matches(str(name), BY_NAME, n=1)
            hint = f"; did you mean {close[0]}?" if close else \
                f"; the options are: {', '.join(BY_NAME)}"
            problems.append(f"{at}.{name}: not an option{hint}")
            continue
        if value is None and option.computed:
            continue
        try:
            values[name] = option.convert(value, where)
        except OptionError as err:
            why = f" ({err})" if str(err) else ""
            problems.append(f"{at}.{name}: {_shown(value)} is not allowed{why}; "
                            f"allowed: {option.allowed}")
    return problems, values


def settings_from_options(root: Path, options: dict, *, docs_dir: str = "content",
                          site_dir: str = "site", site_name: str = "Communications",
                          site_url: str = "", types=None, config_name: str = "mkdocs.yml",
                          logo=None) -> Settings:
    """Settings from the options as the author wrote them (absent: the core's default).
    `logo` is the theme's (theme.logo, relative to docs_dir). ProjectError lists every
    wrong option, one line each."""
    from .settings import default_types

    root = Path(root).resolve()
    where = Where(root, root / docs_dir, root / site_dir)
    # The default cache_dir is checked too: it must keep out of a site_dir or docs_dir as well.
    written = {"cache_dir": BY_NAME["cache_dir"].default(), **(options or {})} \
        if isinstance(options or {}, dict) else options
    problems, values = problems_and_values(written, where, config_name)
    if problems:
        raise ProjectError("\n".join(problems))
    return Settings(root=root, site_name=site_name, site_url=site_url or "", docs_dir=docs_dir,
                    types=types if types is not None else default_types(docs_dir),
                    logo=logo_file(where.docs_dir, logo), **values)


LOGO_TYPES = (".svg", ".png")  # what the PDFs' header shows of theme.logo
LOGO_MAX_BYTES = 1_000_000


def logo_file(docs_dir: Path, logo) -> Path | None:
    """theme.logo as a file the PDFs can show: an SVG or PNG in the docs folder, else None
    (MkDocs also takes an address or an icon there, which a PDF cannot embed safely)."""
    if not isinstance(logo, str) or not logo.lower().endswith(LOGO_TYPES) or ":" in logo:
        return None
    path = (docs_dir / logo).resolve()
    if not (path.is_file() and path.is_relative_to(docs_dir.resolve())):
        return None
    if path.suffix.lower() == ".svg":
        # Every PDF shows it: an SVG logo meets the rules of SVGs in records (svg.py).
        from .svg import unsafe

        reason = unsafe(path.read_bytes()[:LOGO_MAX_BYTES + 1]) \
            if path.stat().st_size <= LOGO_MAX_BYTES else "it is larger than 1 MB"
        if reason:
            raise ProjectError(f"mkdocs.yml: theme.logo: {logo} cannot head the PDFs: {reason}; "
                               "allowed: a PNG, or an SVG with no script, handler or outside "
                               "reference")
    return path
