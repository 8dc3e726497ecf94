"""A project's Settings from its mkdocs.yml options, for every host alike.

The MkDocs plugin passes the options MkDocs has already checked; the command
line reads mkdocs.yml itself (without importing MkDocs), so both hosts turn the
same options into the same Settings here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from .settings import DEFAULT_AUDIENCES, Settings, default_types


class ProjectError(Exception):
    """mkdocs.yml cannot be read or an option is wrong; the message says which."""


def settings_from_options(root: Path, options: dict, *, docs_dir: str = "content",
                          site_name: str = "Communications", site_url: str = "") -> Settings:
    build_date = options.get("build_date")
    extra = {}
    if build_date:
        try:
            extra["build_date"] = dt.date.fromisoformat(str(build_date))
        except ValueError:
            raise ProjectError(f"commsite: build_date: '{build_date}' is not a date written "
                               "YYYY-MM-DD") from None
    return Settings(
        root=root, site_name=site_name, site_url=site_url or "",
        language=options.get("language", "en"),
        audiences=dict(options.get("audiences") or DEFAULT_AUDIENCES),
        types=default_types(docs_dir),
        old_after_months=int(options.get("old_after_months", 12)),
        pdf=bool(options.get("pdf", True)), pdf_workers=int(options.get("pdf_workers", 0)),
        pdf_timeout=float(options.get("pdf_timeout", 60)),
        cache_dir=Path(options.get("cache_dir", ".cache/commsite")),
        pdf_cache_days=float(options.get("pdf_cache_days", 30)),
        allowed_phone_numbers=tuple(options.get("allowed_phone_numbers") or ()),
        allowed_email_domains=tuple(options.get("allowed_email_domains") or ()),
        **extra)


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml may hold tags (!ENV, !!python/name:) that only MkDocs resolves: keep them as None."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def load_project(config_file: Path) -> Settings:
    config_file = Path(config_file)
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    except (OSError, yaml.YAMLError) as err:
        raise ProjectError(f"{config_file}: cannot be read: {err}") from None
    options = {}
    for plugin in config.get("plugins") or []:
        if plugin == "commsite":
            options = {}
        elif isinstance(plugin, dict) and "commsite" in plugin:
            options = plugin["commsite"] or {}
    if isinstance(config.get("plugins"), dict):
        options = config["plugins"].get("commsite") or {}
    root = config_file.resolve().parent
    return settings_from_options(root, options, docs_dir=config.get("docs_dir", "docs"),
                                 site_name=config.get("site_name", "Communications"),
                                 site_url=config.get("site_url") or "")
