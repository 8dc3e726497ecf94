"""MkDocs events -> the core. Records become MkDocs pages so Material renders them;
listings are generated pages; PDFs are static files; the search index (search.py,
Pagefind) is written over the finished staging folder before it is published.
"""

from __future__ import annotations

from html import escape
import logging
import os
import re
from pathlib import Path

from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc

from ..copying import copy_file
from ..csp import with_meta_policy
from ..headers import host_files
from ..plan import Page, Plan, scripts, stylesheets
from ..publish import SiteLock, discard, publish, staging_dir, write_failure
from ..options import ProjectError, settings_from_options
from ..pages import long_date, problems_page
from ..search import SearchIndexError, index_site
from ..site import BuildFailure, Site
from ..templatecache import template_cache
from ..urls import relative
from .config import CommsiteConfig
from .errorpage import ProblemPages
from .preview import Preview, Tracked
from .themefiles import list_without_hidden_folders

log = logging.getLogger("mkdocs.plugins.commsite")


class _Copied(File):
    """A file of a record's folder (attachment, slides, image), copied by the kernel in
    bounded memory and holes kept (copying.py): a 2 GB attachment costs no 2 GB."""

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        copy_file(Path(self.abs_src_path), Path(self.abs_dest_path))


class _CachedPdf(_Copied):
    """A record's PDF from the PDF cache: hard-linked into the site, not copied (a cache
    entry is only ever replaced, never changed in place); copied when the cache and the
    site are on different file systems."""

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        dest = Path(self.abs_dest_path)
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.unlink(missing_ok=True)
            os.link(self.abs_src_path, dest)
        except OSError:
            super().copy_file(dirty)


FINDER_TOC = [{"level": 2, "id": "comms-heading", "name": "Find a communication",
               "children": []},
              {"level": 2, "id": "comms-results", "name": "Communications", "children": []}]


def _finder_toc(toc):
    """The home page's table of contents with the finder's sections first."""
    return get_toc(FINDER_TOC + [_token(item) for item in toc])


def _token(item) -> dict:
    return {"level": item.level, "id": item.id, "name": item.title,
            "children": [_token(child) for child in item.children]}


def header_search(html: str, page_url: str) -> str:
    """Material's header with a search box that asks our index: without Material's search
    plugin the theme has none. It submits to the finder (search/ without JavaScript)."""
    form = (f'<form class="comms-header-search" role="search" aria-label="Site" action='
            f'"{escape(relative("search/", page_url))}" method="get"><label for="comms-header-q"'
            ' class="md-visually-hidden comms-visually-hidden">Search all communications</label>'
            '<input type="search" id="comms-header-q" name="q" placeholder="Search" '
            'autocomplete="off"><button type="submit" class="comms-header-search__go">Search'
            '</button></form>')
    if 'data-md-component="search"' in html:  # a site that kept Material's search box
        return html
    # Material still writes the toggle of its (absent) search overlay: a checkbox without
    # a name (HTML_CodeSniffer H91, F68); it is never shown.
    html = html.replace('<input class="md-toggle" data-md-toggle="search" type="checkbox" '
                        'id="__search" autocomplete="off">',
                        '<input class="md-toggle" data-md-toggle="search" type="checkbox" '
                        'id="__search" autocomplete="off" aria-label="Search" hidden>', 1)
    marker = '<div class="md-header__source">'
    if marker in html:
        return html.replace(marker, form + marker, 1)
    return re.sub(r'(<nav class="md-header__inner[^>]*>.*?)(</nav>)',
                  lambda m: m[1] + form + m[2], html, count=1, flags=re.S)


def _take_over(files: Files, src_uri: str) -> None:
    """We generate this path: a hand-written file there is left out, with a warning."""
    existing = files.get_file_from_path(src_uri)
    if existing is not None:
        log.warning(f"commsite: '{src_uri}' is generated; the file in the docs is ignored")
        files.remove(existing)


class CommsitePlugin(BasePlugin[CommsiteConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.site: Site | None = None
        self._serving = False
        self._published: Path | None = None  # the site folder a build swaps into
        self._staging: Path | None = None
        self._lock: SiteLock | None = None  # held from staging until published or discarded
        self._script_hashes: set[str] = set()
        self._generated: dict[str, Page] = {}  # the page plan, by src_uri
        self._rendered: dict[str, str] = {}  # HTML rendered ahead of MkDocs in a preview
        self.preview: Preview | None = None  # `mkdocs serve --dirty`: rebuild what changed
        self._home: str | None = None
        self._plan: Plan | None = None
        self._written: dict = {}  # the options as the author wrote them
        self._problems_page: str | None = None  # a preview's answer while records are wrong

    def load_config(self, options, config_file_path=None):
        # The core checks and defaults the options (options.py): keep them as written.
        self._written = dict(options) if isinstance(options, dict) else options
        return super().load_config(options if isinstance(options, dict) else {},
                                   config_file_path)

    def on_startup(self, *, command, dirty):
        # `mkdocs serve` builds into its own temporary folder: nothing to protect there.
        self._serving = command == "serve"
        # MkDocs keeps this plugin object for the whole serve session, so the preview's
        # record of the last build lives from one rebuild to the next.
        if self._serving and dirty and self.preview is None:
            self.preview = Preview()

    def on_shutdown(self):
        if self.preview is not None:
            self.preview.close()

    def on_config(self, config):
        if not config.use_directory_urls:
            raise PluginError("commsite: set 'use_directory_urls: true' in mkdocs.yml; record "
                              "pages live at /<type>/<slug>/")
        root = Path(config.config_file_path).resolve().parent
        docs = os.path.relpath(Path(config.docs_dir).resolve(), root)
        site_dir = os.path.relpath(Path(config.site_dir).resolve(), root)
        try:
            self.settings = settings_from_options(root, self._written, docs_dir=docs,
                                                  site_dir=site_dir, site_name=config.site_name,
                                                  site_url=config.site_url or "",
                                                  config_name=Path(config.config_file_path).name,
                                                  logo=config.theme.get("logo"))
        except ProjectError as err:
            raise PluginError(str(err)) from None
        if self._serving:
            # An author's preview: drafts shown (with a banner); PDFs only when asked for,
            # since each edit rebuilds the site and a preview should follow typing.
            self.settings.preview = True
            self.settings.pdf = self.settings.pdf and (
                self.settings.preview_pdfs or os.environ.get("COMMSITE_PREVIEW_PDF") == "1")
        if "search" in config.plugins:
            # Material's search fetches the full text of every record on every first page
            # view (55 MB at 10,000 records); the finder and header search use Pagefind.
            log.info("commsite: Material's 'search' plugin is not needed: remove '- search' "
                     "from plugins in mkdocs.yml (commsite's search uses a Pagefind index)")
        list_without_hidden_folders(config.theme)  # a faster listing, the same files
        config.extra_css.extend(stylesheets())
        config.extra_javascript.extend(scripts())
        if not self._serving:
            # Build into a staging folder; on_post_build swaps it in only when all is written.
            self._published = Path(config.site_dir)
            self._lock = SiteLock(self._published, report=lambda message: log.info(
                f"commsite: {message}"))
            self._staging = staging_dir(self._published)
            config.site_dir = str(self._staging)
        return config

    def on_pre_build(self, config):
        # Before MkDocs cleans the site folder: bad records stop the build here, old site intact.
        # A missing speed-up is worth a warning, but `mkdocs build --strict` (as in
        # `make site`) fails on any warning, and a slow build is still a right one.
        warn = log.info if config.strict else log.warning
        self.site = Site(self.settings, report=lambda message: log.info(f"commsite: {message}"),
                         warn=lambda message: warn(f"commsite: {message}"))
        try:
            # A preview goes on with the records that load and shows the problems on every
            # page (errorpage.py): an author's browser never waits on a build that failed.
            self.site.load(keep_going=self._serving)
            self.site.start_pdfs()  # they render in worker processes while MkDocs builds HTML
        except BuildFailure as err:
            raise PluginError(str(err)) from None
        if self._serving:
            self._preview_notes()

    def _preview_notes(self):
        """The terminal of `commsite serve` lists the problems and the scheduled records."""
        problems, catalogue = self.site.problems, self.site.catalogue
        self._problems_page = problems_page(problems, self.settings) if problems else None
        if problems:
            count = len(problems)
            log.error("\n".join([f"commsite: {count} problem{'s' if count != 1 else ''} in the "
                                 "records; every page of the preview lists them until they are "
                                 "fixed:", *map(str, sorted(problems))]))
        for record in catalogue.scheduled:
            log.info(f"commsite: scheduled: {record.source} publishes on "
                     f"{long_date(record.date)}; shown in this preview only")

    def on_files(self, files: Files, config):
        self._plan = plan = Plan(self.site)
        for file in list(files):  # the plugin owns the notices folder
            if file.src_uri.startswith(plan.owned_folder):
                files.remove(file)
        made = Tracked if self.preview else File  # a preview decides which ones are modified
        self._generated = {page.source: page for page in plan.pages}
        self._rendered.clear()
        for page in plan.pages:
            _take_over(files, page.source)
            files.append(made.generated(
                config, page.source, content="",
                # listings are in the nav where mkdocs.yml puts them
                inclusion=InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV))
        for copied in plan.files:
            kind = made if self.preview else _CachedPdf if copied.pdf else _Copied
            files.append(kind.generated(config, copied.path, abs_src_path=str(copied.source)))
        # Feeds, calendar files and bulletin emails: text the core renders, served as is.
        texts = plan.texts(self.preview.emails if self.preview else None)
        for src_uri, text in texts.items():
            _take_over(files, src_uri)
            files.append(made.generated(config, src_uri, content=text))
        if self.preview:
            self._track_for_preview(files, config, texts)
        return files

    def _track_for_preview(self, files: Files, config, texts: dict[str, str]):
        """Render every fragment now and mark the pages whose HTML changed (preview.py)."""
        preview, site = self.preview, self.site
        preview.start(config, site)
        for src_uri, generated in self._generated.items():
            if generated.lists is None:
                html = generated.render()
            else:
                html = preview.fragment(f"{src_uri}\n{generated.title}", generated.lists,
                                        generated.render)
            self._rendered[src_uri] = html
            preview.track(files.get_file_from_path(src_uri), generated.title,
                          generated.description, generated.toc, generated.searchable, html)
        home = files.get_file_from_path("index.md")
        if home is not None:
            self._home = preview.fragment("index.md", site.records, self._plan.home)
            preview.track_written(home, self._home)
        for src_uri, text in texts.items():
            preview.track(files.get_file_from_path(src_uri), text)
        for file in files:
            if isinstance(file, Tracked) and file.abs_src_path is not None:
                preview.track_copy(file)
        preview.sweep(files)

    def on_page_markdown(self, markdown, page, config, files):
        generated = self._generated.get(page.file.src_uri)
        if generated is None:
            return markdown
        # Material prints page.meta title and description without escaping (MkDocs'
        # Jinja environment does not autoescape), so they go in as HTML text.
        page.meta["title"] = escape(generated.title)
        if generated.description:
            page.meta["description"] = escape(generated.description)
        if not generated.searchable:
            page.meta["search"] = {"exclude": True}
        return ""

    def on_page_content(self, html, page, config, files):
        if page.file.src_uri == "index.md":
            # The finder first, so the first result is on the first screen; the home
            # page's own text follows, and the table of contents lists both.
            page.toc = _finder_toc(page.toc)
            finder = self._home if self.preview else self._plan.home()
            title = re.match(r"\s*<h1[^>]*>.*?</h1>", html, re.S)  # a title of its own
            at = title.end() if title else 0
            return html[:at] + finder + html[at:]
        generated = self._generated.get(page.file.src_uri)
        if generated is None:
            return html
        if generated.toc:
            page.toc = get_toc(generated.toc)
        html = self._rendered.get(page.file.src_uri)
        return html if html is not None else generated.render()

    def on_env(self, env, config, files):
        env.bytecode_cache = template_cache()  # Material's templates, compiled once per user
        try:
            log.info(f"commsite: {self.site.finish_pdfs()}")
        except BuildFailure as err:
            raise PluginError(str(err)) from None
        if self.preview:
            self.preview.before_pages(config, files)
        return env

    def on_post_page(self, output, page, config):
        output = self.site.with_feed_links(output, page.url)
        output = header_search(output, page.url)
        output, hashes = with_meta_policy(output)
        self._script_hashes.update(hashes)
        return output

    def on_post_template(self, output_content, template_name, config):
        if template_name.endswith(".html"):
            output_content, hashes = with_meta_policy(output_content)
            self._script_hashes.update(hashes)
        return output_content

    def on_post_build(self, config):
        self.site.close()
        # One policy for every page, and the headers hosts read from files (README: Hosting).
        for name, text in host_files(self._script_hashes).items():
            Path(config.site_dir, name).write_text(text, encoding="utf-8")
        if not self.preview:  # a preview rewrites only some pages: keep every page's hashes
            self._script_hashes.clear()
        if self.preview:
            self.preview.built(config)
        try:
            previous = self._published if self._staging is not None else None
            summary = index_site(Path(config.site_dir), self.settings.language, previous)
            log.info(f"commsite: {summary}")
        except SearchIndexError as err:  # on_build_error discards the staging folder
            raise PluginError(f"commsite: {err}") from None
        if self._staging is not None:
            publish(self._staging, self._published)
            config.site_dir = str(self._published)
            self._staging = None
        self._unlock()

    def on_build_error(self, error):
        if self.preview:
            self.preview.failed()
        if self.site is not None:
            self.site.close()
        staging = self._staging
        discard(self._staging)
        self._staging = None
        self._unlock()
        if isinstance(error, OSError) and not self._serving:
            # A full disk, a folder without permission: one plain line, not a traceback.
            # Said as MkDocs says a BuildError: the line on stderr, then "Aborted".
            log.error(write_failure(error, staging, self._published))
            raise Abort("Aborted with a system error!") from None

    def _unlock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def on_serve(self, server, config, builder):
        ProblemPages(server, lambda: self._problems_page)
        docs = Path(config.docs_dir).resolve()
        for rtype in self.settings.types:
            folder = (self.settings.root / rtype.folder).resolve()
            # MkDocs watches docs_dir (so content/notices) itself: watching it twice would
            # scan its files twice a poll, and one save could start two rebuilds.
            if folder.is_dir() and not folder.is_relative_to(docs):
                server.watch(str(folder))
        return server
