"""The search index of a built site: Pagefind over the record pages, after the build.

The finder on the home page and the header search ask this index in the reader's
browser. Pagefind splits it into small chunks fetched on demand, so a page loads
only the words and results it asks for, however many records the site has (a
full-text index in one file grows with the catalogue and is fetched by every page).

What is indexed is decided by the pages: only elements marked `data-pagefind-body`
(the article of a published record; never a draft's, never listings or navigation),
with the finder's filters (audience, type, topic, month, status), its sort key and
the item it shows, in hidden `data-pagefind-*` elements (templates/record.html).

Any host calls `index_site(site_dir, previous=published_site)` on the finished staging
folder before it publishes it (or `start_index` over the pages alone, to index while it
builds the rest); the index lands in `<site_dir>/pagefind/`. The binary comes in the
`pagefind_bin` wheel: no network, nothing to download at build time.
"""

from __future__ import annotations

import filecmp
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .children import die_with_parent

OUTPUT = "pagefind"  # the index's folder in the site; the finder's script loads from there
MARK = "data-pagefind-body"
# What the index in the folder was made from: a rebuild of the same pages (a preview after
# an edit that changed no indexed page) keeps it as it is. Pagefind writes its filter
# chunks in no fixed order, so indexing the same pages again would rewrite them.
DIGEST = "pages.sha256"
# Each indexed page's place in the finder's table (finderdata.py), by Pagefind's id for it,
# as a list in table order: the finder answers keywords with Pagefind's ids, then counts,
# filters and shows them from its own table and item files, with no fragment per result.
POSITIONS = "positions.json"
_ORDER = re.compile(rb'data-pagefind-sort="order:(\d+)"')
_FRAGMENT_SIGNATURE = b"pagefind_dcd"


class SearchIndexError(Exception):
    """The index could not be written: the message says why, in one line."""


def _executable() -> str:
    try:
        from pagefind_bin import get_executable
        return str(get_executable())
    except (ImportError, FileNotFoundError) as err:
        raise SearchIndexError("the search index needs Pagefind: install the package with "
                               f"pip install 'pagefind[bin]' ({err})") from None


def indexable_pages(site_dir: Path, language: str) -> tuple[dict[str, int | None], str,
                                                           list[str]]:
    """The pages that mark content for the index, by URL ('/bulletins/x/'), each with its
    place in the finder's table; a digest of them; and their files, relative to `site_dir`.
    Pagefind indexes every whole page when none marks content, so a site of drafts only
    would put them in the index."""
    digest = hashlib.sha256(f"{language}\n{_executable()}\n".encode())
    pages: dict[str, int | None] = {}
    files: list[str] = []
    for page in sorted(Path(site_dir).rglob("*.html")):
        try:
            data = page.read_bytes()
        except OSError:
            continue
        if MARK.encode() in data:
            rel = page.relative_to(site_dir).as_posix()
            order = _ORDER.search(data)
            pages["/" + rel.removesuffix("index.html")] = int(order[1]) if order else None
            files.append(rel)
            digest.update(f"{rel}\n{len(data)}\n".encode())
            digest.update(data)
    return pages, digest.hexdigest(), files


def _positions(index: Path, pages: dict[str, int | None]) -> str:
    """POSITIONS for a fresh index: Pagefind's id of the page at each place of the table
    (null where no indexed page holds it)."""
    ids: list[str | None] = [None] * (max((o for o in pages.values() if o is not None),
                                          default=-1) + 1)
    for fragment in (index / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        if not data.startswith(_FRAGMENT_SIGNATURE):
            raise ValueError(f"{fragment.name} is not a Pagefind fragment")
        order = pages.get(json.loads(data[len(_FRAGMENT_SIGNATURE):])["url"])
        if order is not None:
            ids[order] = fragment.name.removesuffix(".pf_fragment")
    return json.dumps(ids, separators=(",", ":"))


def index_site(site_dir: Path, language: str = "en", previous: Path | None = None,
               pages: Path | None = None) -> str:
    """Index the built site in `site_dir` (replacing any earlier index); returns a summary
    line ('search index: 29 pages, 1,204 words, 5 filters'). A site with nothing to index
    gets no index, and the finder then says search is not available.

    The index is written beside the site, then only the files whose bytes changed are
    replaced (Pagefind names chunks by their content): a preview that rebuilds after one
    edit rewrites a few chunks, not the whole index."""
    indexing = start_index(site_dir, language, previous, pages)
    try:
        return indexing.finish()
    finally:
        indexing.cancel()


def start_index(site_dir: Path, language: str = "en", previous: Path | None = None,
                pages: Path | None = None) -> "Indexing":
    """`index_site`, begun: Pagefind runs in its own process while the caller goes on
    (Zensical's host builds the pages meanwhile); `finish()` waits and writes the index.

    `pages` is a folder of the indexed pages alone, at their site paths, when they are not
    yet in `site_dir`: what Pagefind takes from a page is the `data-pagefind-body` element
    and what is inside it, so our article in a bare HTML page indexes exactly as the
    themed page does (same fragments, same names: tests/test_hosts.py)."""
    return Indexing(Path(site_dir), language, previous, Path(pages or site_dir))


class Indexing:
    """One run of Pagefind over a site's pages (see `start_index`)."""

    def __init__(self, site_dir: Path, language: str, previous: Path | None, pages: Path):
        self.out = site_dir / OUTPUT
        self._process: subprocess.Popen | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.summary = ""
        self.pages, digest, files = indexable_pages(pages, language)
        self._digest = digest
        count = len(self.pages)
        if not count:
            _remove(self.out)
            self.summary = "search index: no published records to index"
            return
        if _same_index(self.out, digest):
            self.summary = f"search index: {count:,} pages, unchanged"
            return
        # A staging folder starts empty: the published site's index serves as it is when it
        # was made from the same pages (a build that changed no record page), linked, not
        # rewritten.
        fresh_folder = not (self.out.exists() or self.out.is_symlink())  # else the author's
        if previous is not None and fresh_folder and _same_index(Path(previous) / OUTPUT, digest):
            try:
                shutil.copytree(Path(previous) / OUTPUT, self.out, copy_function=_link_or_copy)
                self.summary = f"search index: {count:,} pages, unchanged"
                return
            except OSError:
                _remove(self.out)  # indexed afresh below
        self._tmp = tempfile.TemporaryDirectory(dir=site_dir.parent, prefix=".commsite-index-")
        self._fresh = Path(self._tmp.name) / OUTPUT
        # Its output goes to a file, not a pipe: nobody reads a pipe until `finish`, and a
        # full one would stall Pagefind.
        self._log = Path(self._tmp.name) / "pagefind.log"
        try:
            if pages == site_dir:
                # Pagefind reads every HTML file under --site to find the marked ones, and
                # listings, archive months and topics mark none: it is given the marked
                # pages alone, linked at their paths (the same index; a page's address is
                # its path).
                pages = Path(self._tmp.name) / "pages"
                for rel in files:
                    (pages / rel).parent.mkdir(parents=True, exist_ok=True)
                    _link_or_copy(str(site_dir / rel), str(pages / rel))
            # One language for the whole index (the records' language: stemming follows it).
            command = [_executable(), "--site", str(pages), "--output-path", str(self._fresh),
                       "--force-language", language.split("-")[0].lower()]
            with open(self._log, "wb") as log:
                self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                                 stdout=log, stderr=subprocess.STDOUT,
                                                 preexec_fn=die_with_parent)
        except OSError as err:
            self.cancel()
            raise SearchIndexError(f"the search index could not be written: {err}") from None

    def finish(self, timeout: float = 600) -> str:
        """Wait for Pagefind and put the index in the site; returns the summary line."""
        if self._process is None:
            return self.summary
        fresh, process = self._fresh, self._process
        try:
            process.wait(timeout=timeout)
            stdout = self._log.read_text(encoding="utf-8", errors="replace")
        except subprocess.TimeoutExpired as err:
            raise SearchIndexError(f"the search index could not be written: {err}") from None
        finally:
            self._process = None
            if process.poll() is None:
                process.kill()
                process.wait()
        if process.returncode != 0 or not (fresh / "pagefind.js").is_file():
            detail = stdout.strip().splitlines()
            raise SearchIndexError("the search index could not be written: " + (
                detail[-1] if detail else f"pagefind exited {process.returncode}"))
        try:
            (fresh / POSITIONS).write_text(_positions(fresh, self.pages))
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise SearchIndexError(f"the search index could not be read back: {err}") from None
        (fresh / DIGEST).write_text(self._digest)
        try:
            _sync(fresh, self.out)
        except OSError as err:
            raise SearchIndexError(f"the search index could not be written: {err.strerror}: "
                                   f"{err.filename}") from None
        self.cancel()
        found = {what: re.search(rf"Indexed (\d+) {what}", stdout)
                 for what in ("page", "word", "filter")}
        return "search index: " + ", ".join(f"{int(m[1]):,} {what}s"
                                            for what, m in found.items() if m)

    def cancel(self) -> None:
        """Stop Pagefind if it still runs and remove its folder (after `finish`, only the
        folder); the site's own index is left as it was."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def _same_index(folder: Path, digest: str) -> bool:
    try:
        return ((folder / DIGEST).read_text() == digest and (folder / "pagefind.js").is_file()
                and (folder / POSITIONS).is_file())
    except OSError:
        return False


def _link_or_copy(source: str, dest: str) -> None:
    # Every writer of the index replaces files (os.replace), never changes one in place, so
    # the published site and the next one can share them.
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _sync(fresh: Path, out: Path) -> None:
    """Make `out` hold exactly `fresh`'s files, touching only the ones that differ."""
    if out.exists() and not out.is_dir():
        raise OSError(20, "not a folder", str(out))
    wanted = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
    if out.is_dir():
        for old in sorted(out.rglob("*"), reverse=True):
            rel = old.relative_to(out)
            if old.is_file() and rel not in wanted:
                old.unlink()
            elif old.is_dir() and not any(w.is_relative_to(rel) for w in wanted):
                old.rmdir()
    for rel in sorted(wanted):
        target = out / rel
        if target.is_file() and filecmp.cmp(fresh / rel, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(fresh / rel, target)
