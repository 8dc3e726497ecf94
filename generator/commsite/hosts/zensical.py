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

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from ..csp import with_meta_policy
from ..headers import host_files
from ..plan import Plan
from ..options import ProjectError
from ..project import read_config
from ..publish import SiteLock, discard, publish, staging_dir
from ..search import SearchIndexError, index_site
from ..settings import Settings
from ..site import BuildFailure, Site
from .zensical_docs import (CONFIG, DOCS, KEPT, OUT, Kept, placeholder, write_config,
                            write_docs)

WORK = "zensical"  # under the cache folder


def work_dir(settings: Settings) -> Path:
    return settings.cache_dir / WORK


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


def finish_site(plan: Plan, built: Path, staging: Path, fragments: dict[str, str],
                emails: dict | None = None) -> set[str]:
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
    for rel, text in plan.texts(emails).items():
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
    start, cpu = time.perf_counter(), time.process_time()
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
        kept = Kept(work / KEPT)
        done = write_docs(plan, work / DOCS, kept=kept)
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
        finish_site(plan, work / OUT, staging, done.fragments, kept.emails)
        try:  # the finder's index, as the MkDocs plugin writes it (search.py)
            report(index_site(staging, settings.language, previous=site_dir))
        except SearchIndexError as err:
            raise BuildFailure(str(err)) from None
        publish(staging, site_dir)
        staging = None
        kept.save()
        times["finish"] = time.perf_counter() - mark
    except BuildFailure:
        raise
    except ProjectError as err:
        raise BuildFailure(str(err)) from None
    finally:
        site.close()
        discard(staging)
    times["total"] = time.perf_counter() - start
    # CPU of this process alone (Zensical runs in a child): what a busy machine inflates least
    times["our_cpu"] = time.process_time() - cpu
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
        f"{times['zensical']:.2f} s, finishing {times['finish']:.2f} s; commsite's CPU "
        f"{times['our_cpu']:.2f} s")
    return 0
