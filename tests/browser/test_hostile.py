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


@pytest.mark.parametrize("path", ["", "bulletins/2024-04-01-hostile/"])
def test_no_script_from_a_record_runs(browser, hostile_site, path):
    context = browser.new_context(base_url=hostile_site)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(path)
        page.wait_for_load_state("load")
        if path:
            page.hover("text=Hover me")
            page.click("text=a javascript: link")
            page.wait_for_timeout(300)
            assert page.locator("#go").count() == 0  # the form never reached the page
            assert page.get_by_text("Text after.").is_visible()  # pasted CSS hid nothing
        assert page.evaluate("window.__pwned") is None
        assert dialogs == []
        assert page.locator("h1").first.inner_text() == (HOSTILE_TITLE if path else "Communications")
    finally:
        context.close()
