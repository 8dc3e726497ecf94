"""`commsite serve --host zensical`: the live preview through `zensical serve`.

Zensical's server runs no hooks, but it watches its docs folder, rebuilds what changed
there and reloads the browser. So this preview watches what Zensical cannot see (the
record folders, the docs folder of the project, mkdocs.yml) and, after a save, writes
the generated docs folder again, where only the files whose text changed are replaced:
Zensical then rebuilds those pages. As in the MkDocs preview, drafts and scheduled
records are shown with their banners, and PDFs are left out unless asked for (--pdf).
Records with problems are left out and their problems printed, one line each, until
they are fixed; the preview goes on with the others.

The preview has its own folder (`<cache_dir>/zensical-preview/`): a build's docs folder
never holds drafts.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from ..plan import Plan
from ..settings import Settings
from ..site import BuildFailure, Site
from .zensical import zensical_command
from .zensical_docs import DOCS, write_config, write_docs

WORK = "zensical-preview"
POLL = 0.3  # seconds between looks at the watched folders


def say(message: str) -> None:
    print(f"INFO    -  commsite: {message}", file=sys.stderr, flush=True)


def _watched(settings: Settings, config_file: Path) -> dict[str, tuple[int, int]]:
    """Every file an author edits, with its size and time: a change in this is a save."""
    out = {}
    folders = {settings.root / t.folder for t in settings.types}
    folders.add(settings.root / settings.type("notice").folder.rsplit("/", 1)[0])
    for folder in folders:
        for path in folder.rglob("*") if folder.is_dir() else ():
            try:
                stat = path.stat()
            except OSError:
                continue  # removed while we looked
            if path.is_file() and not path.name.startswith("."):
                out[str(path)] = (stat.st_size, stat.st_mtime_ns)
    stat = Path(config_file).stat()
    out[str(config_file)] = (stat.st_size, stat.st_mtime_ns)
    return out


class DocsPreview:
    """Writes the preview's docs folder from the records as they are now."""

    def __init__(self, settings: Settings, work: Path, report: Callable[[str], None] = say):
        self.settings, self.work, self.report = settings, work, report
        self.emails: dict = {}  # Site.text_files' memo: emails only for bulletins that changed
        self._problems: list[str] = []
        self._scheduled: set[str] = set()

    def write(self) -> int:
        """One pass; returns how many files of the docs folder changed."""
        site = Site(self.settings, report=lambda message: None, warn=self.report)
        try:
            site.load(keep_going=True)
            site.start_pdfs()
            plan = Plan(site)
            done = write_docs(plan, self.work / DOCS, with_files=True, memo=self.emails)
            if self.settings.pdf:
                site.finish_pdfs()
        except BuildFailure as err:
            self.report(str(err))
            return 0
        finally:
            site.close()
        problems = [str(p) for p in sorted(site.problems)]
        if problems and problems != self._problems:
            self.report("\n".join([f"{len(problems)} problem(s) in the records; they are left "
                                   "out of the preview until fixed:", *problems]))
        elif self._problems and not problems:
            self.report("every record loads again")
        self._problems = problems
        scheduled = [record.source for record in site.catalogue.scheduled]
        for source in scheduled:
            if source not in self._scheduled:
                self.report(f"scheduled: {source} (shown in this preview only)")
        self._scheduled = set(scheduled)
        return done.written + done.removed


def _stop(signum, frame):
    raise KeyboardInterrupt  # TERM or HUP: stop as on Ctrl-C, and the server with us


def main_serve(config_file: Path, settings: Settings, argv: list[str], pdf: bool = False,
               address: str = "127.0.0.1:8000", preexec: Callable | None = None) -> int:
    """`address`: where to listen (the caller has checked it is free); `preexec` runs in
    the server's process before it starts (cli.py: it dies with us)."""
    parser = argparse.ArgumentParser(prog="commsite serve --host zensical")
    parser.add_argument("-a", "--dev-addr", default=address)
    args, rest = parser.parse_known_args(argv)
    if rest:
        parser.error(f"not an option with --host zensical: {' '.join(rest)} "
                     "(allowed: -a/--dev-addr IP:PORT, --pdf)")
    settings.preview = True
    settings.pdf = settings.pdf and (pdf or settings.preview_pdfs)
    work = settings.cache_dir / WORK
    config = write_config(config_file, work)
    preview = DocsPreview(settings, work)
    start = time.perf_counter()
    preview.write()
    say(f"docs folder ready in {time.perf_counter() - start:.1f} s; serving at "
        f"http://{args.dev_addr}/")
    # In this process's group: Ctrl-C in the terminal stops both.
    server = subprocess.Popen(zensical_command("serve", "-f", str(config), "-a", args.dev_addr),
                              preexec_fn=preexec)
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None:
            signal.signal(signum, _stop)
    seen = _watched(settings, config_file)
    try:
        while server.poll() is None:
            time.sleep(POLL)
            now = _watched(settings, config_file)
            if now != seen:
                if now.get(str(config_file)) != seen.get(str(config_file)):
                    write_config(config_file, work)  # Zensical restarts on a new config
                seen = now
                changed = preview.write()
                say(f"saved: {changed} page(s) or file(s) of the preview changed")
        return server.returncode or 0
    except KeyboardInterrupt:
        return 0
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
