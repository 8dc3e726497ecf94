"""The site through Zensical, which runs no MkDocs plugins: a step before and after it.

Before: the core's Site is loaded and checked (bad records stop the build here, the
published site untouched), and every page of the plan is written as `<url>/index.md`
(front matter + our HTML) into a generated docs folder, with a copy of mkdocs.yml
without our plugin. Zensical rewrites links in raw HTML relative to the source file, so
a page's source sits where its output will (`<url>/index.md`), and our relative links
stay right. The folder is kept between builds and a file is written only when its text
changed, so Zensical's own cache skips what did not.

While `zensical build` runs (a process of its own, on its own core), this one renders the
listings (placeholders in the docs folder), writes the feeds, calendar files, emails and
attachments into the staging folder, and Pagefind indexes the record pages from our own
HTML (search.start_index). After it: each page gets its list, feed links and
Content-Security-Policy, the PDFs and header files are added, and the staging folder is
swapped in as the site only when everything is written (publish.py), exactly as the
MkDocs plugin does.

The folder lives in the cache folder (`<cache_dir>/zensical/`), never in `.cache/`,
which `zensical build --clean` empties whole.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from ..children import die_with_parent
from ..csp import with_meta_policy
from ..headers import host_files
from ..plan import Plan
from ..options import ProjectError
from ..parallel import map_shares
from ..project import read_config
from ..publish import SiteLock, discard, publish, staging_dir, write_failure
from ..search import SearchIndexError, start_index
from ..settings import Settings
from ..site import BuildFailure, Site
from .zensical_docs import (CONFIG, DOCS, INDEXED, KEPT, OUT, Kept, Written, render_fragments,
                            write_config, write_docs, write_indexed)

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


def write_files(plan: Plan, staging: Path, emails: dict | None = None) -> None:
    """What needs no page of Zensical's into `staging`: the attachments, feeds, calendar
    files, finder data and emails (the PDFs come with the pages, once they are rendered)."""
    for copied in plan.files:
        if not copied.pdf and not copied.path.startswith("assets/commsite/"):
            _place(copied.source, staging / copied.path, link=False)
    for rel, text in plan.texts(emails).items():
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        (staging / rel).write_text(text, encoding="utf-8")


def finish_site(plan: Plan, built: Path, staging: Path, done: Written) -> set[str]:
    """Zensical's output, with our lists, feed links and CSP, and the PDFs into `staging`;
    returns the pages' script hashes."""
    site = plan.site
    site.atom_feeds()  # worked out once, here, before the pages are shared out
    pages: list[str] = []
    for path in sorted(built.rglob("*")):
        if path.is_file():
            rel = path.relative_to(built).as_posix()
            if rel.endswith(".html"):
                pages.append(rel)
            else:
                _place(path, staging / rel, link=False)

    def finish(chunk: list[str]) -> list[str | tuple[str, ...]]:
        # each page: the hashes of its inline scripts, or what is wrong with it
        out: list[str | tuple[str, ...]] = []
        for rel in chunk:
            html = (built / rel).read_text(encoding="utf-8")
            if rel == "index.html" or rel.endswith("/index.html"):  # a page, not 404.html
                url = rel[:-len("index.html")]
                if url in done.fragments:
                    stand_in = done.stand_ins[url]
                    if stand_in not in html:
                        out.append(f"zensical build: {rel} lacks the place for its list; is "
                                   "the docs folder's page changed by hand?")
                        continue
                    html = html.replace(stand_in, done.fragments[url], 1)
                html = site.with_feed_links(html, url)
            html, found = with_meta_policy(html)
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            (staging / rel).write_text(html, encoding="utf-8")
            out.append(tuple(found))
        return out

    hashes: set[str] = set()
    # Thousands of pages, each read, patched and written on its own: on every core.
    for result in map_shares(finish, pages):
        if isinstance(result, str):
            raise BuildFailure(result)
        hashes.update(result)
    for copied in plan.files:
        if copied.pdf:
            _place(copied.source, staging / copied.path, link=True)
    for name, text in host_files(hashes).items():
        (staging / name).write_text(text, encoding="utf-8")
    return hashes


def said(output: list[str]) -> str:
    """What Zensical's last lines say went wrong: of its own traceback (a broken theme
    override, say), only the error at the end."""
    if any(line.startswith('  File "') for line in output):
        return re.sub(r"^[\w.]+(Error|Exception): ", "", output[-1])
    return "\n".join(output) or "no output"


class Zensical:
    """`zensical build` in its own process, while this one goes on."""

    def __init__(self, config: Path, *extra: str):
        self._process = subprocess.Popen(zensical_command("build", "-f", str(config), *extra),
                                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, text=True,
                                         preexec_fn=die_with_parent)
        # Read as it comes (a full pipe would stall Zensical while we work).
        self._output: list[str] = []
        self.started = time.perf_counter()
        self.ended = self.started
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self._process.stdout:
            self._output = (self._output + [line.rstrip("\n")])[-20:]
        self.ended = time.perf_counter()  # its output closes as it exits

    def wait(self) -> None:
        code = self._process.wait()
        self._reader.join()
        if code != 0:
            raise BuildFailure("zensical build failed: " + said(self._output))

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._reader.join()


def build(config_file: Path, settings: Settings, site_dir: Path,
          report: Callable[[str], None] = print, warn: Callable[[str], None] = print,
          strict: bool = False) -> dict:
    """One build of the site through Zensical; BuildFailure when it cannot publish (the
    published site is then untouched). Returns the seconds of each step."""
    times: dict[str, float] = {}
    start, cpu = time.perf_counter(), time.process_time()
    site = Site(settings, report=report, warn=warn)
    staging = zensical = indexing = None
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
        write_indexed(done, work / INDEXED)
        times["docs"] = done.seconds
        report(f"docs folder: {done.written} file(s) written, {done.kept} unchanged, "
               f"{done.removed} removed")
        # Zensical keeps its output between runs too (and rebuilds only what changed): a page
        # whose source we removed would stay there, so its output goes with it.
        drop_outputs(work, done.removed_sources, config_changed)
        mark = time.perf_counter()
        zensical = Zensical(config, *(["--strict"] if strict else []))
        staging = staging_dir(site_dir)
        # the finder's index, as the MkDocs plugin writes it (search.py), from our pages
        indexing = start_index(staging, settings.language, previous=site_dir,
                               pages=work / INDEXED)
        render_fragments(done, kept)
        write_files(plan, staging, kept.emails)
        # Kept entries are keyed by what they show, so saved before the build is done they
        # serve the next build just as well, whether this one publishes or not.
        kept.save()
        times["beside"] = time.perf_counter() - mark
        zensical.wait()
        times["zensical"] = zensical.ended - zensical.started
        report(site.finish_pdfs())
        mark = time.perf_counter()
        finish_site(plan, work / OUT, staging, done)
        report(indexing.finish())
        publish(staging, site_dir)
        staging = None
        times["finish"] = time.perf_counter() - mark
    except BuildFailure:
        raise
    except SearchIndexError as err:
        raise BuildFailure(str(err)) from None
    except ProjectError as err:
        raise BuildFailure(str(err)) from None
    except OSError as err:  # a full or read-only disk: one line, as the MkDocs route says it
        raise BuildFailure(write_failure(err, staging, site_dir)) from None
    finally:
        if zensical is not None:
            zensical.stop()
        if indexing is not None:
            indexing.cancel()
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
    try:
        lock = SiteLock(site_dir, report=say)
    except OSError as err:  # its folder cannot be made or written
        print(f"ERROR   -  {write_failure(err, None, site_dir)}", file=sys.stderr)
        return 1
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
        f"{times['zensical']:.2f} s, finishing {times['finish']:.2f} s; alongside Zensical "
        f"{times['beside']:.2f} s; commsite's CPU "
        f"{times['our_cpu']:.2f} s")
    return 0
