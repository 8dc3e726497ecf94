"""The site through Zensical, which runs no MkDocs plugins: a step before and after it.

Before: the core's Site is loaded and checked (bad records stop the build here, the
published site untouched), and every page of the plan is written as `<url>/index.md`
(front matter + our HTML) into a generated docs folder, with a copy of mkdocs.yml
without our plugin. Zensical rewrites links in raw HTML relative to the source file, so
a page's source sits where its output will (`<url>/index.md`), and our relative links
stay right. The folder is kept between builds and a file is written only when its text
changed, so Zensical's own cache skips what did not.

After `zensical build`: each page gets its feed links and Content-Security-Policy, and
the PDFs, attachments, feeds, calendar files, emails and header files are added, all
into a staging folder that is swapped in as the site only when everything is written
(publish.py), exactly as the MkDocs plugin does.

The folder lives in the cache folder (`<cache_dir>/zensical/`), never in `.cache/`,
which `zensical build --clean` empties whole.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Callable

from ..csp import with_meta_policy
from ..headers import host_files
from ..plan import Copied, Plan, assets, scripts, stylesheets
from ..options import ProjectError
from ..project import read_config
from ..publish import SiteLock, discard, publish, staging_dir
from ..settings import Settings
from ..site import BuildFailure, Site

WORK = "zensical"  # under the cache folder
DOCS, OUT, CONFIG = "docs", "site", "mkdocs.yml"


def work_dir(settings: Settings) -> Path:
    return settings.cache_dir / WORK


def page_text(page, html: str) -> str:
    """A page as Zensical reads it. Titles go in as HTML text: Zensical's theme, like
    Material's, prints them unescaped (the MkDocs plugin escapes them the same way)."""
    meta = {"title": escape(page.title)}
    if page.description:
        meta["description"] = escape(page.description)
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    if not page.searchable:
        lines += ["search:", "  exclude: true"]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + html + "\n"


def page_source(url: str) -> str:
    return url + "index.md"


def placeholder(html: str) -> str:
    """What stands in the docs folder for a fragment that is put in after `zensical build`.
    Listings are most of the site's HTML, and Markdown's raw-HTML parser is most of
    Zensical's time; they are not searched, so Zensical need not read them. The stand-in
    has an h1 exactly when the fragment has one: the theme adds the title as an h1 to a page
    without one, as it does under MkDocs."""
    return f"<div data-commsite-fragment>{'<h1></h1>' if '<h1' in html else ''}</div>"


@dataclass
class Written:
    """What one pass over the docs folder did (for the summary and the benchmark)."""

    written: int = 0
    kept: int = 0
    removed: int = 0
    removed_sources: list[str] = field(default_factory=list)  # docs-relative
    seconds: float = 0.0
    paths: list[str] = field(default_factory=list)
    fragments: dict[str, str] = field(default_factory=dict)  # page URL -> HTML to put in


def _write_if_changed(path: Path, data: bytes, done: Written) -> None:
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            done.kept += 1
            return
    except OSError:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # Zensical's watcher never sees half a file
    done.written += 1
    done.paths.append(path.as_posix())


def _copy_if_changed(source: Path, path: Path, done: Written) -> None:
    stat = source.stat()
    try:
        mine = path.stat()
        if (mine.st_size, mine.st_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            done.kept += 1
            return
    except OSError:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    shutil.copy2(source, tmp)
    os.replace(tmp, path)
    done.written += 1
    done.paths.append(path.as_posix())


def write_docs(plan: Plan, docs: Path, with_files: bool = False,
               memo: dict | None = None) -> Written:
    """Write the plan into `docs`: every page, the home page, the project's hand-written
    docs files and our assets; remove what the plan no longer has. Listings and the home
    page's list get a placeholder (their HTML is in `fragments`, for `finish_site`).
    `with_files` (a preview, where Zensical serves its output as it is) writes every page
    whole and also puts the copied files and text files there."""
    start = time.perf_counter()
    done = Written()
    settings = plan.site.settings
    wanted: set[Path] = set()
    own_docs = settings.root / _docs_dir(settings)
    texts: dict[str, bytes] = {}
    for page in plan.pages:
        html = page.render()
        if page.lists is not None and not page.searchable and not with_files:
            done.fragments[page.url] = html
            html = placeholder(html)
        texts[page_source(page.url)] = page_text(page, html).encode("utf-8")
    copies: dict[str, Path] = {}
    if own_docs.is_dir():
        for path in sorted(own_docs.rglob("*")):
            rel = path.relative_to(own_docs).as_posix()
            if path.is_file() and not rel.startswith(plan.owned_folder) and rel not in texts:
                copies[rel] = path
    home = copies.pop("index.md", None)
    if home is not None:  # the home page's own text, then our filters and list
        html = plan.home()
        if not with_files:
            done.fragments[""] = html
            html = placeholder(html)
        texts["index.md"] = (home.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
                             + html + "\n").encode("utf-8")
    for asset in assets():
        copies[f"assets/commsite/{asset.name}"] = asset
    if with_files:
        for copied in plan.files:
            copies[copied.path] = copied.source
        for path, text in plan.texts(memo).items():
            texts[path] = text.encode("utf-8")
    for rel, data in texts.items():
        wanted.add(docs / rel)
        _write_if_changed(docs / rel, data, done)
    for rel, source in copies.items():
        wanted.add(docs / rel)
        _copy_if_changed(source, docs / rel, done)
    if docs.is_dir():
        for path in sorted(docs.rglob("*"), reverse=True):
            if path.is_file() and path not in wanted:
                path.unlink()
                done.removed += 1
                done.removed_sources.append(path.relative_to(docs).as_posix())
                done.paths.append(path.as_posix())
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    done.seconds = time.perf_counter() - start
    return done


def _docs_dir(settings: Settings) -> str:
    notices = settings.type("notice").folder
    return notices.rsplit("/", 1)[0] if "/" in notices else "."


def write_config(config_file: Path, work: Path, site_dir: str = OUT, dev_addr: str = "") -> Path:
    """mkdocs.yml for Zensical: the project's own, without our plugin, reading the
    generated docs folder and linking our stylesheet and script."""
    config = read_config(config_file)
    root = Path(config_file).resolve().parent
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):
        plugins = {k: v for k, v in plugins.items() if k != "commsite"}
    else:
        plugins = [p for p in plugins if p != "commsite"
                   and not (isinstance(p, dict) and "commsite" in p)]
    config["plugins"] = plugins
    config["docs_dir"], config["site_dir"] = DOCS, site_dir
    config["extra_css"] = [*(config.get("extra_css") or []), *stylesheets()]
    config["extra_javascript"] = [*(config.get("extra_javascript") or []), *scripts()]
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str((root / theme["custom_dir"]).resolve())
    if dev_addr:
        config["dev_addr"] = dev_addr
    work.mkdir(parents=True, exist_ok=True)
    path = work / CONFIG
    text = json.dumps(config, ensure_ascii=False, indent=1, default=str)  # JSON is YAML
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def drop_outputs(work: Path, removed_sources: list[str], config_changed: bool) -> None:
    """Remove from Zensical's kept output what no source makes any more (all of it when
    the config changed: the theme or navigation of every page may differ)."""
    out = work / OUT
    if config_changed:
        shutil.rmtree(out, ignore_errors=True)
        return
    for rel in removed_sources:
        if rel.endswith(".md"):
            stem = rel[:-len(".md")]
            page = f"{stem[:-len('index')]}index.html" if stem.endswith("index") and (
                stem == "index" or stem.endswith("/index")) else f"{stem}/index.html"
            (out / page).unlink(missing_ok=True)
        else:
            (out / rel).unlink(missing_ok=True)


def zensical_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "zensical", *args]


def _place(source: Path, dest: Path, link: bool) -> None:
    """A file into the staging folder: hard-linked when it is a cache entry (only ever
    replaced, never changed in place), else copied (Zensical may rewrite its output)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if link:
        try:
            os.link(source, dest)
            return
        except OSError:
            pass  # another file system: copy
    shutil.copyfile(source, dest)


def finish_site(plan: Plan, built: Path, staging: Path, fragments: dict[str, str]) -> set[str]:
    """Zensical's output plus ours into `staging`; returns the pages' script hashes."""
    site = plan.site
    hashes: set[str] = set()
    for path in sorted(built.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(built).as_posix()
        dest = staging / rel
        if rel.endswith(".html"):
            html = path.read_text(encoding="utf-8")
            if rel == "index.html" or rel.endswith("/index.html"):  # a page, not 404.html
                url = rel[:-len("index.html")]
                if url in fragments:
                    stand_in = placeholder(fragments[url])
                    if stand_in not in html:
                        raise BuildFailure(f"zensical build: {rel} lacks the place for its "
                                           "list; is the docs folder's page changed by hand?")
                    html = html.replace(stand_in, fragments[url], 1)
                html = site.with_feed_links(html, url)
            html, found = with_meta_policy(html)
            hashes.update(found)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(html, encoding="utf-8")
        else:
            _place(path, dest, link=False)
    for copied in plan.files:
        if not copied.path.startswith("assets/commsite/"):
            _place(copied.source, staging / copied.path, link=copied.pdf)
    for rel, text in plan.texts().items():
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        (staging / rel).write_text(text, encoding="utf-8")
    for name, text in host_files(hashes).items():
        (staging / name).write_text(text, encoding="utf-8")
    return hashes


def run_zensical(config: Path, *extra: str) -> None:
    done = subprocess.run(zensical_command("build", "-f", str(config), *extra),
                          capture_output=True, text=True)
    if done.returncode != 0:
        output = (done.stderr or done.stdout).strip().splitlines()[-20:]
        raise BuildFailure("zensical build failed:\n" + "\n".join(output))


def build(config_file: Path, settings: Settings, site_dir: Path,
          report: Callable[[str], None] = print, warn: Callable[[str], None] = print,
          strict: bool = False) -> dict:
    """One build of the site through Zensical; BuildFailure when it cannot publish (the
    published site is then untouched). Returns the seconds of each step."""
    times: dict[str, float] = {}
    start = time.perf_counter()
    site = Site(settings, report=report, warn=warn)
    staging = None
    try:
        site.load()
        site.start_pdfs()
        plan = Plan(site)
        times["load"] = time.perf_counter() - start
        work = work_dir(settings)
        before = _read(work / CONFIG)
        config = write_config(config_file, work)
        config_changed = _read(config) != before
        done = write_docs(plan, work / DOCS)
        times["docs"] = done.seconds
        report(f"docs folder: {done.written} file(s) written, {done.kept} unchanged, "
               f"{done.removed} removed")
        # Zensical keeps its output between runs too (and rebuilds only what changed): a page
        # whose source we removed would stay there, so its output goes with it.
        drop_outputs(work, done.removed_sources, config_changed)
        mark = time.perf_counter()
        run_zensical(config, *(["--strict"] if strict else []))
        times["zensical"] = time.perf_counter() - mark
        report(site.finish_pdfs())
        mark = time.perf_counter()
        staging = staging_dir(site_dir)
        finish_site(plan, work / OUT, staging, done.fragments)
        publish(staging, site_dir)
        staging = None
        times["finish"] = time.perf_counter() - mark
    except BuildFailure:
        raise
    except ProjectError as err:
        raise BuildFailure(str(err)) from None
    finally:
        site.close()
        discard(staging)
    times["total"] = time.perf_counter() - start
    return times


def site_dir_of(config_file: Path, given: str | None) -> Path:
    """`-d DIR` (relative to the current folder, as for mkdocs), else mkdocs.yml's site_dir."""
    if given:
        return Path(given).resolve()
    config = read_config(config_file)
    return (Path(config_file).resolve().parent / str(config.get("site_dir") or "site")).resolve()


def main_build(config_file: Path, settings: Settings, argv: list[str]) -> int:
    """`commsite build --host zensical [-d DIR] [--strict]`: 0 built, 1 not built."""
    import argparse

    parser = argparse.ArgumentParser(prog="commsite build --host zensical")
    parser.add_argument("-d", "--site-dir")
    parser.add_argument("-s", "--strict", action="store_true")
    parser.add_argument("-q", "--quiet", action="store_true")
    args, rest = parser.parse_known_args(argv)
    if rest:
        parser.error(f"not an option with --host zensical: {' '.join(rest)} "
                     "(allowed: -d/--site-dir DIR, -s/--strict, -q/--quiet)")
    say = (lambda message: None) if args.quiet else \
        (lambda message: print(f"INFO    -  commsite: {message}", file=sys.stderr))
    site_dir = site_dir_of(config_file, args.site_dir)
    lock = SiteLock(site_dir, report=say)
    try:
        times = build(config_file, settings, site_dir, report=say,
                      warn=lambda message: print(f"WARNING -  commsite: {message}",
                                                 file=sys.stderr), strict=args.strict)
    except BuildFailure as err:
        print(f"ERROR   -  {err}", file=sys.stderr)
        return 1
    finally:
        lock.release()
    say(f"built with Zensical into {site_dir} in {times['total']:.2f} s: records "
        f"{times['load']:.2f} s, docs folder {times['docs']:.2f} s, zensical build "
        f"{times['zensical']:.2f} s, finishing {times['finish']:.2f} s")
    return 0
