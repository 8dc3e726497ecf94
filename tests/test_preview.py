"""The preview (`commsite serve`, `mkdocs serve --dirty`): right, not fast.

Speed is measured by benchmarks/preview_bench.py. These tests check that the preview
shows edits, drafts (with their banner) and no PDFs unless asked; that its partial
rebuilds leave the same site as a full one; and that the caches behind it change
nothing in a normal `mkdocs build`.

Servers and dirty builds run in child processes: MkDocs keeps a plugin object for the
life of a process once it has started serving, which must not leak into other tests.
"""

from __future__ import annotations

import filecmp
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from commsite.headers import host_files

from commsite import cli

from . import zygote
from .search_index import indexed
from .test_build import ROOT, copy_project, mkdocs_build

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
TINY = {
    "bulletins/2018-07-12-july.md": "title: July bulletin\ndate: 2018-07-12\naudience: la\n"
    "summary: The July news.\n",
    "bulletins/2018-06-04-june.md": "title: June bulletin\ndate: 2018-06-04\naudience: la\n"
    "summary: The June news.\n",
    "content/notices/2018-07-20-draft.md": "title: Draft notice\ndate: 2018-07-20\n"
    "audience: users\nsummary: Being written.\ndraft: true\n",
    "webinars/2018-07-03-webinar.md": "title: July webinar\ndate: 2018-07-03\naudience: la\n"
    "summary: The July webinar.\n",
}


def tiny_project(root: Path) -> Path:
    """Two bulletins and a draft, with the example's mkdocs.yml (PDFs on, as authors have)."""
    (root / "content").mkdir(parents=True)
    (root / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text())
    (root / "content" / "index.md").write_text("---\ntitle: Communications\n---\n\nHello.\n")
    for rel, fields in TINY.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"---\n{fields}---\n\nBody of {rel}.\n")
    return root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, b""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, b""


class Server:
    """`commsite serve` in its own process group, on a free port of 127.0.0.1."""

    def __init__(self, project: Path, *options: str, build_date: str | None = None):
        self.base = f"http://127.0.0.1:{free_port()}/"
        self.log = project / "serve.log"
        dated = ["--build-date", build_date] if build_date else []
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "commsite.cli", "-f", str(project / "mkdocs.yml"),
                 *dated, "serve", *options, "--dev-addr", self.base[7:-1]],
                cwd=project, stdout=log, stderr=subprocess.STDOUT, env=ENV,
                start_new_session=True)

    def wait_for_log(self, text: str, limit: float = 60) -> str:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            assert self.process.poll() is None, f"the server stopped:\n{self.log.read_text()}"
            log = self.log.read_text()
            if text in log:
                return log
            time.sleep(0.1)
        raise AssertionError(f"the terminal did not show {text!r} within {limit} s:\n"
                             f"{self.log.read_text()[-3000:]}")

    def wait_for(self, url: str, text: str, limit: float = 60) -> str:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            assert self.process.poll() is None, f"the server stopped:\n{self.log.read_text()}"
            status, body = get(self.base + url)
            page = body.decode("utf-8", "replace")
            if status == 200 and text in page:
                return page
            time.sleep(0.1)
        raise AssertionError(f"/{url} did not show {text!r} within {limit} s:\n"
                             f"{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # Ctrl-C: mkdocs cleans up after itself
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)


@pytest.fixture
def tiny(tmp_path):
    return tiny_project(tmp_path / "project")


def test_serve_shows_edits_and_drafts_and_skips_pdfs(tiny):
    server = Server(tiny)
    try:
        server.wait_for("", "</html>", limit=180)
        draft = server.wait_for("notices/2018-07-20-draft/", "</html>")
        assert 'class="admonition warning comms-draft"' in draft
        assert "This draft is shown only in the preview" in draft
        july = "bulletins/2018-07-12-july/"
        assert "2018-07-12-july.pdf" not in server.wait_for(july, "</html>")
        assert get(server.base + july + "2018-07-12-july.pdf")[0] == 404
        assert not list((tiny / ".commsite-cache").rglob("*.pdf")), "no PDF is rendered in a preview"

        # A save in any of the record folders shows.
        for rel, url in (("webinars/2018-07-03-webinar.md", "webinars/2018-07-03-webinar/"),
                         ("content/notices/2018-07-20-draft.md", "notices/2018-07-20-draft/"),
                         ("bulletins/2018-07-12-july.md", july)):
            marker = f"edit-{uuid.uuid4().hex}"
            (tiny / rel).write_text((tiny / rel).read_text() + f"\n{marker}\n")
            server.wait_for(url, marker)
        record = tiny / "bulletins/2018-07-12-july.md"
        title = f"Retitled {uuid.uuid4().hex[:8]}"
        record.write_text(record.read_text().replace("title: July bulletin", f"title: {title}"))
        server.wait_for(july, title)
        server.wait_for("", title)  # the home page and listings show the new title too
        server.wait_for("bulletins/", title)
        older = server.wait_for("bulletins/2018-06-04-june/", title)  # its neighbour's link
        assert marker in server.wait_for(july, marker)  # an earlier edit is still there
        assert "July bulletin" not in older
        assert "dirty' build" not in server.log.read_text()
    finally:
        server.stop()


def test_serve_shows_scheduled_records_with_a_banner_and_lists_them(tiny):
    server = Server(tiny, build_date="2018-07-10")
    try:
        july = server.wait_for("bulletins/2018-07-12-july/", "</html>", limit=180)
        banner = BeautifulSoup(july, "lxml").select_one(".comms-scheduled")
        assert banner is not None and " ".join(banner.get_text(" ").split()).startswith(
            "Scheduled: publishes on 12 July 2018")
        home = BeautifulSoup(server.wait_for("", "July bulletin"), "lxml")
        item = next(li for li in home.select("li[data-status]") if "July bulletin" in li.text)
        assert "scheduled" in item["data-status"].split() and "Scheduled" in item.text
        log = server.wait_for_log("publishes on")
        assert ("commsite: scheduled: bulletins/2018-07-12-july.md publishes on 12 July 2018; "
                "shown in this preview only") in log
        assert "2018-06-04-june.md publishes" not in log  # only the scheduled one
        june = server.wait_for("bulletins/2018-06-04-june/", "</html>")
        assert "comms-scheduled" not in june
    finally:
        server.stop()


def fetch(url: str) -> tuple[int, str, float]:
    """Status, page text and seconds taken; a page that does not answer in 20 s fails."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, body = err.code, err.read()
    return status, body.decode("utf-8", "replace"), time.monotonic() - start


def await_page(server: Server, url: str, status: int, text: str, limit: float = 60) -> str:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        assert server.process.poll() is None, f"the server stopped:\n{server.log.read_text()}"
        try:
            got, page, _ = fetch(server.base + url)
        except (urllib.error.URLError, ConnectionError):  # not listening yet
            got, page = 0, ""
        if got == status and text in page:
            return page
        time.sleep(0.1)
    raise AssertionError(f"/{url} did not answer {status} with {text!r} within {limit} s:\n"
                         f"{server.log.read_text()[-3000:]}")


def test_while_records_have_problems_every_page_answers_at_once_with_them(tiny):
    june = tiny / "bulletins/2018-06-04-june.md"
    good = june.read_text()
    june.write_text(good.replace("audience: la", "audience: LA"))  # broken from the start
    server = Server(tiny)
    try:
        page = await_page(server, "", 503, "problem in the records", limit=180)
        for url in ("", "webinars/", "bulletins/2018-07-12-july/", "no/such/page/"):
            status, page, seconds = fetch(server.base + url)
            assert status == 503, url
            cells = [" ".join(td.get_text(" ").split())
                     for td in BeautifulSoup(page, "lxml").select("tbody td")]
            assert cells == ["bulletins/2018-06-04-june.md", "4",
                             "audience : unknown key 'LA'; allowed: la, users"]
            assert "/livereload/" in page  # it reloads itself after the next build
        assert "1 problem in the records; every page of the preview lists them" in \
            server.wait_for_log("every page of the preview lists them")
        # Fixed: the site again, with the record.
        june.write_text(good)
        server.wait_for("bulletins/2018-06-04-june/", "June bulletin")
        # Broken while previewing (a YAML mistake this time): at once, never a spinner.
        june.write_text(good.replace("title: June bulletin", "title: [June"))
        page = await_page(server, "bulletins/2018-07-12-july/", 503, "YAML syntax error")
        assert "bulletins/2018-06-04-june.md" in page
        june.write_text(good)
        server.wait_for("bulletins/2018-07-12-july/", "July bulletin")
    finally:
        server.stop()


def test_serve_renders_pdfs_when_asked(tiny):
    server = Server(tiny, "--pdf")
    try:
        july = "bulletins/2018-07-12-july/"
        server.wait_for(july, "2018-07-12-july.pdf", limit=180)
        status, body = get(server.base + july + "2018-07-12-july.pdf")
        assert status == 200 and body.startswith(b"%PDF")
    finally:
        server.stop()


def test_commsite_serve_asks_mkdocs_for_dirty_rebuilds(monkeypatch, tiny):
    calls = []
    monkeypatch.setattr(cli, "run_mkdocs", lambda command, args, env: calls.append(
        (command, list(args.mkdocs_args), env)) or 0)
    config = str(tiny / "mkdocs.yml")
    for argv in (["serve"], ["serve", "--full"], ["serve", "--clean"], ["serve", "--pdf"]):
        assert cli.main(["-f", config, *argv]) == 0
    assert calls == [("serve", ["--dirty"], {}), ("serve", [], {}), ("serve", ["--clean"], {}),
                     ("serve", ["--dirty"], {"COMMSITE_PREVIEW_PDF": "1"})]


# Builds the project at argv[1] into argv[2] as `mkdocs serve --dirty` does, once, then
# again after each edit below; prints which files each rebuild wrote.
DIRTY_SESSION = textwrap.dedent("""
    import json, os, re, sys
    from pathlib import Path
    from mkdocs.config import load_config
    from mkdocs.commands.build import build
    config_file, site = sys.argv[1], sys.argv[2]
    root, url = Path(config_file).parent, "http://127.0.0.1:8000/"

    def rebuild():
        config = load_config(config_file=config_file, site_dir=site)
        config.site_url = url
        before = snapshot()
        try:
            build(config, serve_url=url, dirty=True)
        except Exception as err:
            return ["failed: " + type(err).__name__]
        after = snapshot()
        return sorted(k for k in after if before.get(k) != after[k])

    def snapshot():
        return {os.path.relpath(os.path.join(d, f), site): os.stat(os.path.join(d, f)).st_mtime_ns
                for d, _, files in os.walk(site) for f in files}

    def edit(rel, change):
        path = root / rel
        path.write_text(change(path.read_text()))
        return rebuild()

    load_config(config_file=config_file, site_dir=site).plugins.on_startup(
        command="serve", dirty=True)
    rebuild()
    steps = {}
    steps["body"] = edit("bulletins/2018-03-14-la-bulletin.md", lambda t: t + "\\nBODY-EDIT\\n")
    steps["title"] = edit("bulletins/2018-05-01-la-bulletin.md", lambda t: re.sub(
        "^title: .*$", "title: A new title", t, count=1, flags=re.M))
    steps["unchanged"] = rebuild()
    good = (root / "bulletins/2018-06-04-la-bulletin.md").read_text()
    steps["broken"] = edit("bulletins/2018-06-04-la-bulletin.md",
                           lambda t: t.replace("date: ", "date: 2018-02-30\\nwhen: ", 1))
    steps["fixed"] = edit("bulletins/2018-06-04-la-bulletin.md", lambda t: good + "\\nFIXED\\n")
    steps["draft"] = edit("content/notices/2017-11-08-manage-your-mailbox.md",
                          lambda t: t.replace("---\\n", "---\\ndraft: true\\n", 1))
    os.remove(root / "content/notices/2017-12-06-send-sensitive-data-securely.md")
    steps["deleted"] = rebuild()
    steps["home"] = edit("content/index.md", lambda t: t + "\\nHOME-EDIT\\n")
    print(json.dumps(steps))
""")

FULL_PREVIEW = textwrap.dedent("""
    import sys
    from mkdocs.config import load_config
    from mkdocs.commands.build import build
    config = load_config(config_file=sys.argv[1], site_dir=sys.argv[2])
    config.site_url = "http://127.0.0.1:8000/"
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url=config.site_url, dirty=False)
""")


def tree_differences(a: Path, b: Path) -> list[str]:
    names = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    names |= {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    return sorted(n for n in names if not ((a / n).is_file() and (b / n).is_file()
                                           and filecmp.cmp(a / n, b / n, shallow=False)))


def same_site(a: Path, b: Path) -> bool:
    """The same files but for the search index's, and the same pages in both indexes."""
    outside = [name for name in tree_differences(a, b) if not name.startswith("pagefind/")]
    assert outside == []
    assert indexed(a) == indexed(b)
    return True


def test_dirty_rebuilds_write_only_what_changed_and_match_a_full_build(tmp_path):
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("      old_after_months: 12\n",
                                                 "      old_after_months: 12\n      pdf: false\n"))
    dirty = tmp_path / "dirty"
    run = zygote.run([sys.executable, "-c", DIRTY_SESSION, str(config), str(dirty)],
                         capture_output=True, text=True, env=ENV, timeout=600)
    assert run.returncode == 0, run.stderr
    steps = json.loads(run.stdout.strip().splitlines()[-1])
    always = {"404.html", "sitemap.xml", "sitemap.xml.gz", *host_files(()).keys()}
    page = "bulletins/2018-03-14-la-bulletin/"

    def pages(paths):  # the search index's chunks aside
        return {p for p in paths if not p.startswith("pagefind/")}

    # A body shows on its own page and in the bulletin's emails; nothing else changes,
    # but for the search index's chunks that hold its words.
    assert pages(steps["body"]) == always | {page + "index.html", page + "email.html",
                                             page + "email.txt"}
    assert any(p.startswith("pagefind/fragment/") for p in steps["body"])
    assert set(steps["unchanged"]) == always  # the index too is left as it was
    # A broken record leaves the preview, which lists its problems on every page instead
    # (see test_while_records_have_problems_...), and comes back once fixed.
    assert "index.html" in steps["broken"]
    assert "bulletins/2018-06-04-la-bulletin/index.html" not in steps["broken"]
    # A title also shows on the home page, listings, neighbours and feeds.
    assert {"index.html", "bulletins/index.html", "feeds/all.atom",
            "bulletins/2018-04-09-la-bulletin/index.html"} <= set(steps["title"])
    assert "webinars/index.html" not in steps["title"]
    assert "index.html" in steps["home"]
    assert "FIXED" in (dirty / "bulletins/2018-06-04-la-bulletin/index.html").read_text()
    assert not (dirty / "notices/2017-12-06-send-sensitive-data-securely").exists()

    full = tmp_path / "full"
    run = zygote.run([sys.executable, "-c", FULL_PREVIEW, str(config), str(full)],
                         capture_output=True, text=True, env=ENV, timeout=600)
    assert run.returncode == 0, run.stderr
    # The same site, file for file, and a search index of the same pages, words and
    # filters (Pagefind writes its filter chunks in no fixed byte order).
    assert same_site(dirty, full)


def test_a_normal_build_is_the_same_with_warm_caches(tmp_path):
    """Two builds in one process (the second reuses rendered bodies) and one in a fresh
    process write the same bytes."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("      old_after_months: 12\n",
                                                 "      old_after_months: 12\n      pdf: false\n"))
    fresh = mkdocs_build(project, tmp_path / "fresh")
    assert fresh.returncode == 0, fresh.stderr
    for name in ("first", "second"):
        build(load_config(config_file=str(config), site_dir=str(tmp_path / name)))
    assert same_site(tmp_path / "first", tmp_path / "fresh")
    assert same_site(tmp_path / "second", tmp_path / "fresh")


# --- Material's search, as the preview knows it ---------------------------------------


def material_search(project: Path):
    """Material's search plugin of the example's mkdocs.yml, configured as for a build."""
    from material.plugins.search.plugin import SearchPlugin
    from mkdocs.config import load_config

    # The example no longer uses it (commsite's search is Pagefind's): as a site that still does.
    config_file = project / "mkdocs.yml"
    text = config_file.read_text()
    if "\n  - search\n" not in text:
        config_file.write_text(text.replace("plugins:\n", "plugins:\n  - search\n", 1))
    config = load_config(config_file=str(config_file))
    plugin = next(p for p in config.plugins.values() if isinstance(p, SearchPlugin))
    plugin.on_config(config)
    return plugin


def test_the_preview_knows_the_installed_material_and_pins_it(tmp_path):
    from importlib.metadata import version

    from commsite.plugin.preview import MATERIAL_KNOWN, check_search

    installed = version("mkdocs-material")
    plugin = material_search(tiny_project(tmp_path / "project"))
    check_search(plugin, installed)  # raises if the internals the preview uses moved
    assert hasattr(plugin, "search_index_prev") and isinstance(plugin.search_index.entries, list)
    # The range the preview knows is the one pyproject.toml pins.
    (low, high) = MATERIAL_KNOWN
    assert f'"mkdocs-material>={low[0]}.{low[1]},<{high[0]}"' in (ROOT / "pyproject.toml").read_text()


@pytest.mark.parametrize("material", ["10.0.0", "9.4.14"])
def test_a_material_release_the_preview_does_not_know_stops_it_with_what_to_do(
        tmp_path, material):
    from mkdocs.exceptions import PluginError

    from commsite.plugin.preview import check_search

    plugin = material_search(tiny_project(tmp_path / "project"))
    with pytest.raises(PluginError) as info:
        check_search(plugin, material)
    assert str(info.value) == (
        f"commsite serve: Material {material} is installed; the preview keeps the search index "
        "whole through that plugin's internals and knows them in Material 9.5 up to 10 only. "
        "Install one of those (pip install 'mkdocs-material>=9.5,<10'), or preview with "
        "`commsite serve --full`, which leaves the search to Material.")


def test_a_search_plugin_without_what_the_preview_changes_stops_it(tmp_path, monkeypatch):
    from importlib.metadata import version

    from mkdocs.exceptions import PluginError

    from commsite.plugin.preview import check_search

    plugin = material_search(tiny_project(tmp_path / "project"))
    # As if a release renamed it. MkDocs keeps one instance of a plugin that has on_startup
    # for the whole process (for `mkdocs serve`), so this one is every later test's too: the
    # attribute comes back when the test ends.
    monkeypatch.delattr(plugin, "search_index_prev")
    with pytest.raises(PluginError, match=r"its search plugin has no search_index_prev;"):
        check_search(plugin, version("mkdocs-material"))
