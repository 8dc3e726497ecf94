"""The example site in a real Chromium, as readers meet it.

The example site is the one build of the test run (tests/conftest.py), served
on 127.0.0.1 by a server these fixtures start and stop, and opened in Debian's Chromium
driven by Playwright: its headless shell (package chromium-headless-shell,
/usr/lib/chromium/chromium-headless-shell, or $COMMSITE_CHROMIUM), the same Blink and V8 as
/usr/bin/chromium without the browser's own user interface, which is what Playwright itself
runs headless. It takes about half the CPU the full browser takes for the same tests
(`benchmarks/suite_bench.py tests/browser` with COMMSITE_CHROMIUM=/usr/bin/chromium beside
it; the figures are in the notes of issue 12).
A missing Chromium or axe-core is a failure with the command that installs it, never a skip.
The `page` and `open_page` fixtures lend a test one of the worker's tabs, made new again for
each test (`_Tab` says what that means and why; tests/browser/test_tabs.py holds it to that).

Expected values come from the records' own metadata, loaded by the core. The
browser's copy of the example is built with `page_size: PAGE_SIZE`, fewer than its
records, so its home page and some listings have more than one page (as a catalogue of
thousands has at the default 50); it reuses the shared build's PDFs from their cache.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest

from commsite.archive import month_label
from commsite.records import Record, topic_slug
from commsite.settings import Settings
from tests.sites import ROOT, build_once, copy_project, with_pdf_cache

CHROMIUM = os.environ.get("COMMSITE_CHROMIUM", "/usr/lib/chromium/chromium-headless-shell")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL = "/__tests__/axe.min.js"  # served from our origin: the site's CSP allows only 'self'
# The second engine: HTML_CodeSniffer, as pa11y ships it, run in the same pages.
HTMLCS = ROOT / "node_modules" / "@pa11y" / "html_codesniffer" / "build" / "HTMLCS.js"
HTMLCS_URL = "/__tests__/HTMLCS.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FACETS = ("audience", "type", "topic", "month", "status")
PAGE_SIZE = 12


@dataclass
class Example:
    """The built example site and what its records say."""

    project: Path
    site: Path
    settings: Settings
    records: list[Record]  # published, newest first (the home page's order)
    base: str = ""  # the server's root URL, set by the `base_url` fixture

    def url(self, path: str = "") -> str:
        return urljoin(self.base, path)

    # A record's facet values, from its metadata.
    @staticmethod
    def values(record: Record) -> dict[str, set[str]]:
        return {"audience": set(record.audiences), "type": {record.type.key},
                "topic": {topic_slug(t) for t in record.topics},
                "month": {record.date.strftime("%Y-%m")},
                "status": ({"action"} if record.action_required else set())
                | ({"superseded"} if record.superseded_by else set())}

    def matching(self, **state: str) -> list[Record]:
        return [r for r in self.records
                if all(not v or v in self.values(r)[facet] for facet, v in state.items())]

    def all_values(self, facet: str) -> list[str]:
        return sorted({v for r in self.records for v in self.values(r)[facet]})

    def static_page(self, facet: str, value: str) -> str:
        """The static page that lists one filter value (the no-JavaScript filter)."""
        if facet == "audience":
            return f"audiences/{value}/"
        if facet == "type":
            return f"{self.settings.type(value).url}/"
        if facet == "topic":
            return f"topics/{value}/"
        if facet == "status":
            return f"status/{value}/"
        return f"archive/{value[:4]}/{value[5:]}/"

    def record_urls(self, records) -> list[str]:
        return [self.url(r.url) for r in records]

    @staticmethod
    def month_label(value: str) -> str:
        return month_label(value)


@pytest.fixture(scope="session")
def example(example_build, tmp_path_factory) -> Example:
    """The example site with PAGE_SIZE records a page, built once (its PDFs from the shared
    build's cache), with what its records say."""
    def paged(dest: Path) -> Path:
        project = with_pdf_cache(example_build, copy_project(dest))
        config = project / "mkdocs.yml"
        text = config.read_text()
        assert "  - commsite:\n" in text
        config.write_text(text.replace("  - commsite:\n",
                                       f"  - commsite:\n      page_size: {PAGE_SIZE}\n", 1))
        return project

    built = build_once("example-paged", paged, tmp_path_factory)
    records = sorted((r for r in built.records if not r.draft), key=lambda r: r.date, reverse=True)
    return Example(built.project, built.site, built.settings, records)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path):
        tool = {AXE_URL: AXE, HTMLCS_URL: HTMLCS}.get(path.split("?")[0])
        if tool is not None:
            return str(tool)
        return super().translate_path(path)

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    # A site's server takes what a browser opens at once (the finder asks for several item
    # files together, each on its own connection with HTTP/1.0): the standard library's
    # backlog of 5 drops connections on a busy machine, which a reader's nginx never would.
    request_queue_size = 128


@pytest.fixture(scope="session")
def base_url(example) -> str:
    server = _Server(("127.0.0.1", 0), functools.partial(_Handler, directory=str(example.site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    example.base = f"http://127.0.0.1:{server.server_port}/"
    yield example.base
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install it with "
                    "`apt-get install -y chromium-headless-shell` (or set COMMSITE_CHROMIUM)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageErrors:
    """What went wrong for a page: script errors, console errors (a CSP violation is
    one) and requests the server answered with an error (with their address)."""

    def __init__(self, page):
        self.errors: list[str] = []
        self._handlers = {
            "pageerror": lambda err: self.errors.append(f"page error: {err}"),
            "console": lambda msg: msg.type == "error" and self.errors.append(
                f"console error: {msg.text}"),
            "response": lambda response: response.status >= 400 and self.errors.append(
                f"HTTP {response.status} for {response.url}"),
        }
        for event, handler in self._handlers.items():
            page.on(event, handler)

    def stop(self, page) -> None:
        for event, handler in self._handlers.items():
            page.remove_listener(event, handler)


DEFAULT_VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000


def _open_page(browser, base_url, **options):
    """A page in a browser context of its own (cookies, storage, cache, history)."""
    context = browser.new_context(base_url=base_url, **{"viewport": DEFAULT_VIEWPORT, **options})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return context, page, PageErrors(page)


class _Tab:
    """A page the `page` and `open_page` fixtures lend to one test at a time.

    A new browser context for each test started a new renderer process and loaded the
    site's scripts and styles cold, each time: about half the CPU of opening a page (the
    figures are in issue 12's notes). So the worker keeps its tabs, one context
    for each set of options (JavaScript on or off; the viewport is set per test), and a test
    gets a tab as a new one would be: no cookies, local or session storage, routes, print
    emulation or listeners of an earlier test, its viewport and time-out as asked, on
    about:blank. What stays is what a reader's browser keeps between visits of a site: the
    renderer, its HTTP cache and compiled scripts, and the tab's history (no test goes back
    further than its own first page). A tab that cannot be made new again is closed.
    A test that needs another context (other options, its own scripts, a cold cache)
    makes it with `_open_page` or `browser.new_context`; one that does to a lent tab what
    cannot be undone (`SPOILERS`) spoils it, and the tab is closed when it is given back."""

    # What a live tab cannot take back: init scripts, exposed functions, extra headers,
    # WebSocket routes (`unroute_all` leaves them), an offline or geolocation setting (page
    # or context), an installed or moved clock, a key or mouse button held down.
    SPOILERS = {"page": ("add_init_script", "expose_binding", "expose_function",
                         "set_extra_http_headers", "route_web_socket"),
                "context": ("add_init_script", "expose_binding", "expose_function",
                            "set_extra_http_headers", "route_web_socket", "set_offline",
                            "set_geolocation"),
                "clock": ("install", "fast_forward", "pause_at", "resume", "run_for",
                          "set_fixed_time", "set_system_time"),
                "keyboard": ("down",), "mouse": ("down",)}

    def __init__(self, key: str, context, page):
        self.key, self.context, self.page = key, context, page
        self.added: list[tuple[str, object]] = []
        self.spoiled = False
        # The listeners a test adds (page.on, page.once) are removed when it gives the tab back.
        for name in ("on", "once"):
            setattr(page, name, self._tracked(getattr(page, name)))
        owners = {"page": page, "context": context, "clock": context.clock,
                  "keyboard": page.keyboard, "mouse": page.mouse}
        for owner, names in self.SPOILERS.items():
            for name in names:
                setattr(owners[owner], name, self._spoiling(getattr(owners[owner], name)))

    def _tracked(self, add):
        def tracked(event, handler):
            self.added.append((event, handler))
            add(event, handler)
        return tracked

    def _spoiling(self, method):
        def spoiling(*args, **kwargs):
            self.spoiled = True
            return method(*args, **kwargs)
        return spoiling

    def lend(self, viewport) -> tuple[object, PageErrors]:
        self.page.set_viewport_size(viewport)
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.set_default_navigation_timeout(TIMEOUT_MS)
        errors = PageErrors(self.page)
        self.added.clear()  # the fixture's own, removed by errors.stop()
        return self.page, errors

    def take_back(self, errors: PageErrors, base_url: str) -> bool:
        """Stops listening for `errors` at once, then makes the tab new again; False when it
        cannot be (then it is closed)."""
        page = self.page
        errors.stop(page)
        try:
            if self.spoiled:
                raise RuntimeError("the test did to the tab what cannot be undone")
            for event, handler in self.added:
                page.remove_listener(event, handler)
            self.added.clear()
            ours = ("on", "once", *self.SPOILERS["page"])
            for attribute in [a for a in vars(page) if not a.startswith("_") and a not in ours]:
                delattr(page, attribute)  # what a test or its helpers kept on the page
            for other in self.context.pages:
                if other is not page:
                    other.close()  # windows the test opened
            if not page.url.startswith(base_url):
                raise RuntimeError("the tab left the site: its storage cannot be cleared")
            page.unroute_all()
            self.context.unroute_all()
            page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
            page.goto("about:blank")
            page.emulate_media(media="null", color_scheme="null", reduced_motion="null",
                               forced_colors="null", contrast="null")
            self.context.clear_cookies()
            self.context.clear_permissions()
            return True
        except Exception:
            try:
                self.context.close()
            except Exception:
                pass  # the browser went with it: the next test gets a new context or fails
            return False


class _Tabs:
    """The worker's tabs, free ones kept by the options of their context."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url = browser, base_url
        self.free: dict[str, list[_Tab]] = {}

    def lend(self, options: dict) -> tuple[_Tab, object, PageErrors]:
        options = dict(options)
        viewport = options.pop("viewport", DEFAULT_VIEWPORT)
        key = repr(sorted(options.items()))  # values may be dicts (headers, geolocation)
        free = self.free.setdefault(key, [])
        if free:
            tab = free.pop()
        else:
            context = self.browser.new_context(base_url=self.base_url, viewport=viewport,
                                               **options)
            tab = _Tab(key, context, context.new_page())
        return (tab, *tab.lend(viewport))

    def take_back(self, tab: _Tab, errors: PageErrors) -> None:
        if tab.take_back(errors, self.base_url):
            self.free[tab.key].append(tab)


@pytest.fixture(scope="session")
def tabs(browser, base_url) -> _Tabs:
    return _Tabs(browser, base_url)


@pytest.fixture
def page(tabs):
    """A page with JavaScript, as a new tab (see _Tab); the test fails if a script or the
    CSP logged an error."""
    tab, page, errors = tabs.lend({})
    yield page
    tabs.take_back(tab, errors)
    assert errors.errors == []


@pytest.fixture
def open_page(tabs):
    """Opens more pages with their own options (viewport, JavaScript off, ...)."""
    opened = []

    def make(**options):
        tab, page, errors = tabs.lend(options)
        opened.append((tab, errors))
        return page

    yield make
    for tab, errors in opened:
        tabs.take_back(tab, errors)
    assert [e for _, errors in opened for e in errors.errors] == []


def require_tools() -> None:
    for tool in (AXE, HTMLCS):
        if not tool.is_file():
            pytest.fail(f"{tool.name} is missing at {tool}: run `npm ci` in {ROOT}",
                        pytrace=False)
