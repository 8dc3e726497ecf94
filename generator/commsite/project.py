"""A project's Settings from its mkdocs.yml, for hosts that read it themselves.

The MkDocs plugin gets the options from MkDocs; the command line reads mkdocs.yml
here (without importing MkDocs). Both hand the options, as the author wrote them,
to `options.settings_from_options`, so both get the same Settings and messages.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .options import ProjectError, settings_from_options
from .settings import Settings

__all__ = ["ProjectError", "dev_addr", "load_project", "settings_from_options"]


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml may hold tags (!ENV, !!python/name:) that only MkDocs resolves: keep them as None."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
# Dates stay text: `build_date: 2018-02-30` is then the option's own message, not a crash.
_ConfigLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_config(config_file: Path) -> dict:
    """mkdocs.yml as data (tags only MkDocs resolves read as None)."""
    config_file = Path(config_file)
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader) or {}
    except (OSError, yaml.YAMLError) as err:
        raise ProjectError(f"{config_file}: cannot be read: {err}") from None
    if not isinstance(config, dict):
        raise ProjectError(f"{config_file}: cannot be read: it is not a mapping of options")
    return config


def dev_addr(config_file: Path) -> str | None:
    """The address `mkdocs serve` listens on, when mkdocs.yml sets one (dev_addr)."""
    value = read_config(Path(config_file)).get("dev_addr")
    return str(value) if value else None


def load_project(config_file: Path) -> Settings:
    config_file = Path(config_file)
    config = read_config(config_file)
    options = {}
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):
        options = plugins.get("commsite") or {}
    else:
        for plugin in plugins:
            if isinstance(plugin, dict) and "commsite" in plugin:
                options = plugin["commsite"] or {}
    root = config_file.resolve().parent
    return settings_from_options(root, options, docs_dir=str(config.get("docs_dir") or "docs"),
                                 site_dir=str(config.get("site_dir") or "site"),
                                 site_name=config.get("site_name", "Communications"),
                                 site_url=config.get("site_url") or "",
                                 config_name=config_file.name,
                                 logo=(config.get("theme") or {}).get("logo")
                                 if isinstance(config.get("theme"), dict) else None)
