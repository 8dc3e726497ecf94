"""A preview that follows typing: `mkdocs serve --dirty` (what `commsite serve` runs).

MkDocs rebuilds the whole site after every save. With `--dirty` it rebuilds only the
pages whose `File.is_modified()` is true, but a page the plugin generates from
in-memory content always says it is, and a hand-written page goes by file times
only, so on its own dirty mode rebuilds every record page yet misses the home page
when a record's title changes.

The plugin keeps one `Preview` for the whole serve session (MkDocs keeps a plugin that
has `on_startup` across rebuilds), and each build it:

- renders every fragment up front and gives each generated page a digest of everything
  its HTML shows (the frame every page shares, its title, description, table of
  contents, fragment); the page is rebuilt only when that digest differs from the last
  good build's. An edit to a body rebuilds that record's page; a new title also
  rebuilds its neighbours, and the listings and home page that show it;
- keeps listing fragments (about a thousandth of a second per record listed, and the
  listings list each record several times) by a key of what they may show: the facets
  and every field of the records they list but the body, which listings never show;
- removes the output of pages that are gone (a record renamed or deleted);
- keeps the search index whole: Material's search plugin assumes one page changed per
  rebuild, so the preview gives it the entries of the pages that were not rebuilt. That
  reaches into the plugin (`search_index_prev`, `search_index.entries`), so the preview
  checks, before each build, that the installed Material is one it knows (MATERIAL_KNOWN,
  the pin in pyproject.toml) and still has them, and stops with a message if not, rather
  than serve a search that silently finds only the last pages rebuilt.

`mkdocs build` never creates a Preview: a normal build is exactly as without it.
"""

from __future__ import annotations

import logging
import os
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Iterable

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from ..fragments import digest, facets_key, item_key
from ..records import Record
from ..site import Site

DIRTY_WARNING = "A 'dirty' build is being performed"
# The Material releases whose search plugin the preview was written against (and tested
# with, tests/test_preview.py); pyproject.toml pins mkdocs-material to the same range.
MATERIAL_KNOWN = ((9, 5), (10, 0))  # from this release, up to (not including) that one


class Tracked(File):
    """A generated file that is modified only when the preview found its output changed."""

    changed = True

    def is_modified(self) -> bool:
        return self.changed


class _QuietDirtyWarning(logging.Filter):
    """MkDocs warns, when the preview starts, that dirty builds may leave navigation and links
    wrong; this preview rebuilds every page whose HTML changed, so the warning would only
    worry authors (and teach them to ignore warnings)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return DIRTY_WARNING not in record.getMessage()


class Preview:
    def __init__(self):
        self._built: dict[str, tuple[bytes, str]] = {}  # src_uri -> (digest, output path)
        self._frame = b""  # what every page shows besides its own content, last good build
        self._fragments: dict[bytes, str] = {}  # listing HTML by key, last good build
        self._search: dict[str, list[dict]] = {}  # search entries by page URL
        self.emails: dict = {}  # Site.text_files' memo
        self._pending: dict[str, tuple[bytes, str]] = {}
        self._pending_frame = b""
        self._pending_fragments: dict[bytes, str] = {}
        self._facets = b""  # this build's filter choices and counts
        self._items: dict[int, bytes] = {}  # this build's listing item keys, by id(record)
        self._filter = _QuietDirtyWarning()
        logging.getLogger("mkdocs.commands.build").addFilter(self._filter)

    def close(self) -> None:
        logging.getLogger("mkdocs.commands.build").removeFilter(self._filter)

    # -- before the pages are read -------------------------------------------------------

    def start(self, config, site: Site) -> None:
        """A new build: what every page shows besides its content (the config, the
        settings, the feeds linked from each head)."""
        config_text = Path(config.config_file_path).read_bytes() if config.config_file_path \
            else b""
        feeds = [(f.path, f.title, f.page) for f in site.atom_feeds()]
        # Every page's digest starts with the frame: when it changes, every page is stale.
        self._pending_frame = digest(config_text, repr(site.settings), feeds)
        self._pending, self._pending_fragments = {}, {}
        catalogue = site.catalogue
        self._facets = facets_key(catalogue)
        self._items = {id(r): item_key(r, site) for r in catalogue.records}

    def fragment(self, name: str, records: Iterable[Record], render: Callable[[], str]) -> str:
        """A listing-like fragment: kept from the last build when neither the facets nor
        any field but the body of the records it lists changed."""
        key = digest(self._pending_frame, self._facets, name,
                     *(self._items[id(r)] for r in records))
        html = self._pending_fragments.get(key) or self._fragments.get(key)
        if html is None:
            html = render()
        self._pending_fragments[key] = html
        return html

    def track(self, file: Tracked, *shown) -> None:
        """Rebuild `file` only when what it shows differs from the last good build."""
        mark = digest(self._pending_frame, *shown)
        file.changed = self._built.get(file.src_uri, (None,))[0] != mark
        self._pending[file.src_uri] = (mark, file.abs_dest_path)

    def track_copy(self, file: Tracked) -> None:
        """A file copied from disk (an attachment, a PDF from the cache). MkDocs copies it when
        it is newer than the copy, which misses an older file put back: undo an edit and the
        PDF cache hands back the PDF rendered before it, with its old time."""
        try:
            stat = os.stat(file.abs_src_path)
            shown = (stat.st_size, stat.st_mtime_ns)
        except OSError:
            shown = None
        self.track(file, file.abs_src_path, shown)

    def track_written(self, file: File, *shown) -> None:
        """A hand-written page (the home page): MkDocs rebuilds it when its source is newer
        than its output, so when what the plugin adds changed, the old output goes."""
        mark = digest(self._pending_frame, *shown)
        if self._built.get(file.src_uri, (None,))[0] != mark:
            _remove(file.abs_dest_path)
        self._pending[file.src_uri] = (mark, file.abs_dest_path)

    def sweep(self, files: Files) -> None:
        """After every file is tracked: the frame changed, so hand-written pages are stale
        too; and pages of the last build that are gone now lose their output."""
        if self._pending_frame != self._frame:
            for file in files.documentation_pages():
                if not isinstance(file, Tracked) and file.src_uri not in self._pending:
                    _remove(file.abs_dest_path)
        for src_uri, (_, path) in self._built.items():
            if src_uri not in self._pending:
                _remove(path)

    # -- while the pages are built -------------------------------------------------------

    def before_pages(self, config, files: Files) -> None:
        """Give Material's search the entries of the pages this build will not rebuild
        (its own merge keeps only the first rebuilt page, or none if it is the home page)."""
        search = _search_plugin(config)
        if search is None:
            return
        kept = []
        for file in files.documentation_pages(inclusion=InclusionLevel.is_in_serve):
            if file.page is not None and not file.is_modified():
                kept += self._search.get(file.page.url, [])
        search.search_index_prev = None
        search.search_index.entries = kept

    def built(self, config) -> None:
        """The build finished: its digests are what the site folder now holds."""
        self._built, self._frame = self._pending, self._pending_frame
        self._fragments = self._pending_fragments
        self._pending, self._pending_fragments = {}, {}
        search = _search_plugin(config)
        if search is not None:
            self._search = {}
            for entry in search.search_index.entries:
                self._search.setdefault(entry["location"].split("#")[0], []).append(entry)

    def failed(self) -> None:
        """The build stopped part way: pages it meant to rebuild may or may not have been
        written, so they are rebuilt next time whatever they show then."""
        for src_uri, (mark, _) in self._pending.items():
            if self._built.get(src_uri, (None,))[0] != mark:
                self._built.pop(src_uri, None)
        self._pending, self._pending_fragments = {}, {}


def _search_plugin(config):
    """Material's search plugin, checked to be one the preview knows; None when another
    search plugin (or none) is configured, which then indexes as it always does."""
    try:
        from material.plugins.search.plugin import SearchPlugin
    except ImportError:
        return None
    for plugin in config.plugins.values():
        if isinstance(plugin, SearchPlugin):
            check_search(plugin, version("mkdocs-material"))
            return plugin
    return None


def check_search(plugin, material: str) -> None:
    """Raises PluginError, saying what to do, unless `plugin` (Material `material`'s search)
    has what the preview changes, in a release the preview knows."""
    index = getattr(plugin, "search_index", None)
    missing = [name for name, ok in (
        ("search_index_prev", hasattr(plugin, "search_index_prev")),
        ("search_index.entries", isinstance(getattr(index, "entries", None), list))) if not ok]
    release = tuple(int(part) for part in material.split(".")[:2] if part.isdigit())
    if MATERIAL_KNOWN[0] <= release < MATERIAL_KNOWN[1] and not missing:
        return
    lacks = f", and its search plugin has no {' or '.join(missing)}" if missing else ""
    raise PluginError(
        f"commsite serve: Material {material} is installed{lacks}; the preview keeps the "
        f"search index whole through that plugin's internals and knows them in Material "
        f"9.5 up to 10 only. Install one of those (pip install 'mkdocs-material>=9.5,<10'), "
        f"or preview with `commsite serve --full`, which leaves the search to Material.")


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        return
    try:
        os.rmdir(os.path.dirname(path))  # a page's own folder, when nothing else is in it
    except OSError:
        pass
