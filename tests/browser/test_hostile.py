"""A hostile record, opened in Chromium: its page runs none of the script it carries."""

from __future__ import annotations

import functools
import json
import http.server
import threading

import pytest

from tests.test_build import ROOT, mkdocs_build
from tests.test_content_safety import HOSTILE_TITLE, PIXEL_PNG

# Every way a pasted body could try to run code; each would set a flag or open a dialog.
ATTEMPTS = """Intro.

<script>window.__pwned = "script"</script>
<img src="x.png" alt="x" onerror="window.__pwned = 'onerror'">
<a href="javascript:window.__pwned='href'" id="js-link">a javascript: link</a>
<svg onload="window.__pwned = 'svg'"></svg>
<iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>
<object data="data:text/html,<script>alert(1)</script>"></object>
<form action="javascript:window.__pwned='form'"><button id="go">Go</button></form>
<div onmouseover="window.__pwned='hover'" id="hover">Hover me</div>
<style>body { display: none }</style>

Text after.
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    project = tmp_path_factory.mktemp("hostile-browser")
    (project / "content").mkdir()
    (project / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text().replace(
        "      old_after_months: 12\n", "      old_after_months: 12\n      pdf: false\n"))
    (project / "content" / "index.md").write_text("---\ntitle: Communications\n---\n\nHello.\n")
    (project / "bulletins").mkdir()
    (project / "bulletins" / "2024-04-01-hostile.md").write_text(
        f"---\ntitle: {json.dumps(HOSTILE_TITLE)}\ndate: 2024-04-01\n"
        f"audience: la\nsummary: Hostile <script>window.__pwned='summary'</script>\n---\n{ATTEMPTS}")
    (project / "bulletins" / "x.png").write_bytes(PIXEL_PNG)
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(project / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["", "?q=hostile+fish", "bulletins/2024-04-01-hostile/"])
def test_no_script_from_a_record_runs(browser, hostile_site, path):
    context = browser.new_context(base_url=hostile_site)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(path)
        page.wait_for_load_state("load")
        if path.startswith("?"):  # the finder shows it from the search index
            page.locator("#comms-filters[data-answered]").wait_for(state="attached")
            assert page.locator("#comms-count").inner_text() == "Showing 1 of 1 communications"
            assert page.locator("#communications h3 a").inner_text() == HOSTILE_TITLE
        elif path:
            page.hover("text=Hover me")
            page.click("text=a javascript: link")
            page.wait_for_timeout(300)
            assert page.locator("#go").count() == 0  # the form never reached the page
            assert page.get_by_text("Text after.").is_visible()  # pasted CSS hid nothing
        assert page.evaluate("window.__pwned") is None
        assert dialogs == []
        assert page.locator("h1").first.inner_text() == (
            HOSTILE_TITLE if path and not path.startswith("?") else "Communications")
    finally:
        context.close()


# --- an SVG opened at its own address -------------------------------------------------

_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}</svg>'
SVG_PROBES = {  # each sets window.__pwned when the SVG itself is opened in Chromium
    "handler": _SVG.replace("<svg ", "<svg onload=\"window.__pwned='onload'\" ").format(""),
    "script": _SVG.format("<script>window.__pwned = 'script'</script>"),
    "html script": _SVG.format('<h:script xmlns:h="http://www.w3.org/1999/xhtml">'
                               "window.__pwned = 'html'</h:script>"),
    "foreignObject": _SVG.format('<foreignObject width="10" height="10"><body xmlns='
                                 '"http://www.w3.org/1999/xhtml"><img src="nope.png" '
                                 "onerror=\"top.__pwned = 'foreign'\"/></body></foreignObject>"),
}


@pytest.fixture(scope="module")
def svg_site(tmp_path_factory):
    """A built site that publishes the safe SVG of the build tests, and beside it (outside
    the site, served from the same origin) the hostile SVGs the build refused."""
    from tests.test_publication_guard import SAFE_SVG

    project = tmp_path_factory.mktemp("svg-browser")
    (project / "content").mkdir()
    (project / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text().replace(
        "      old_after_months: 12\n", "      old_after_months: 12\n      pdf: false\n"))
    (project / "content" / "index.md").write_text("---\ntitle: Communications\n---\n\nHello.\n")
    (project / "bulletins" / "images").mkdir(parents=True)
    (project / "bulletins" / "images" / "chart.svg").write_text(SAFE_SVG)
    (project / "bulletins" / "2024-04-01-chart.md").write_text(
        "---\ntitle: Chart\ndate: 2024-04-01\naudience: la\nsummary: A chart of the month.\n"
        "---\n![A bar chart](images/chart.svg)\n")
    for name, svg in SVG_PROBES.items():
        (project / "probes").mkdir(exist_ok=True)
        (project / "probes" / f"{name.replace(' ', '-')}.svg").write_text(svg)
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(project)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield project, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def _opened(browser, url: str):
    """What happened when Chromium opened `url` itself: the flag, and every request."""
    context = browser.new_context()
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(url)
        page.wait_for_load_state("load")
        page.wait_for_function("document.readyState === 'complete'")
        return page.evaluate("window.__pwned || null"), requests
    finally:
        context.close()


@pytest.mark.parametrize("name", list(SVG_PROBES))
def test_an_svg_that_runs_script_when_opened_is_refused_by_the_build(browser, svg_site, name,
                                                                      tmp_path):
    from commsite.checks import audit
    from commsite.settings import Settings

    project, base = svg_site
    # Opened directly, this file runs its script: the probe can see what it must not.
    flag, _ = _opened(browser, f"{base}probes/{name.replace(' ', '-')}.svg")
    assert flag is not None
    # ... so the build refuses it as an image of a record.
    (tmp_path / "bulletins").mkdir()
    (tmp_path / "bulletins" / "probe.svg").write_text(SVG_PROBES[name])
    (tmp_path / "bulletins" / "2024-04-01-b.md").write_text(
        "---\ntitle: B\ndate: 2024-04-01\naudience: la\nsummary: A chart of the month.\n---\n"
        "![A chart](probe.svg)\n")
    finding, = audit(Settings(root=tmp_path)).stops
    assert "'probe.svg' is an SVG that could run code or load other files" in finding.message


def test_the_published_svg_opened_at_its_own_address_runs_and_loads_nothing(browser, svg_site):
    project, base = svg_site
    url = f"{base}site/bulletins/2024-04-01-chart/images/chart.svg"
    flag, requests = _opened(browser, url)
    assert flag is None
    assert requests == [url]  # no other file, no other server
