"""The docs folder Zensical reads: every page of the plan as `<url>/index.md`.

Zensical rewrites links in raw HTML relative to the source file, so a page's source sits
where its output will be, and our relative links stay right. A file is written only when
its text changed (Zensical's own cache then skips the rest), and what the plan no longer
has is removed. Listings and the home page's list are placeholders here (`placeholder`):
their HTML is rendered while `zensical build` runs (`render_fragments`) and put in after
it (zensical.py). The record pages' own HTML is kept too (`Written.indexed`), for the
search index to be made from it while Zensical builds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Callable

from ..fragments import digest, facets_key, item_key
from ..parallel import map_shares
from ..plan import Plan, assets, scripts, stylesheets
from ..project import read_config
from ..settings import Settings
from ..site import Site

DOCS, OUT, CONFIG, KEPT, INDEXED = "docs", "site", "mkdocs.yml", "kept.json", "indexed"


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


def placeholder(titled: bool) -> str:
    """What stands in the docs folder for a fragment that is put in after `zensical build`.
    Listings are most of the site's HTML, and Markdown's raw-HTML parser is most of
    Zensical's time; they are not searched, so Zensical need not read them. The stand-in
    has an h1 exactly when the fragment has one (`titled`: the theme adds the title as an
    h1 to a page without one, as it does under MkDocs)."""
    return f"<div data-commsite-fragment>{'<h1></h1>' if titled else ''}</div>"


# Which fragments bring their own h1 (templates/listing.html, topics, archive, search):
# all but the home page's list, which follows the home page's own '# ' title.
def _titled(url: str) -> bool:
    return url != ""


@dataclass
class Written:
    """What one pass over the docs folder did (for the summary and the benchmark)."""

    written: int = 0
    kept: int = 0
    removed: int = 0
    removed_sources: list[str] = field(default_factory=list)  # docs-relative
    seconds: float = 0.0
    paths: list[str] = field(default_factory=list)
    # page URL -> (key name, records it lists, render): fragments not rendered yet
    later: dict[str, tuple] = field(default_factory=dict)
    fragments: dict[str, str] = field(default_factory=dict)  # page URL -> HTML to put in
    stand_ins: dict[str, str] = field(default_factory=dict)  # page URL -> its placeholder
    indexed: dict[str, str] = field(default_factory=dict)  # record page URL -> our HTML


class Kept:
    """Listing fragments and bulletin emails of the last build, on disk in the work folder:
    a listing is rendered again only when what it shows changed (fragments.py), an email
    only when its bulletin did (Site.text_files). Only this build's entries are saved, so
    the file never grows past one site; an unreadable file is an empty one."""

    def __init__(self, path: Path):
        self.path = path
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
            self._old = {bytes.fromhex(k): v for k, v in kept["fragments"].items()}
            self.emails = {bytes.fromhex(k): v for k, v in kept["emails"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._old, self.emails = {}, {}  # missing, cut short or of another version
        self._new: dict[bytes, str] = {}
        self._frame = b""

    def start(self, site: Site) -> None:
        self._frame = digest(repr(site.settings), facets_key(site.catalogue),
                             [(f.path, f.title, f.page) for f in site.atom_feeds()])
        self._items = {id(r): item_key(r, site) for r in site.records}

    def fragment(self, name: str, records, render: Callable[[], str]) -> str:
        key = digest(self._frame, name, *(self._items[id(r)] for r in records))
        html = self._new.get(key) or self._old.get(key)
        if html is None:
            html = render()
        self._new[key] = html
        return html

    def save(self) -> None:
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps({"fragments": {k.hex(): v for k, v in self._new.items()},
                                   "emails": {k.hex(): v for k, v in self.emails.items()}}),
                       encoding="utf-8")
        os.replace(tmp, self.path)


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


def _remove_unwanted(folder: Path, wanted: set[Path], done: Written) -> None:
    """Every file in `folder` that is not `wanted` removed, and the folders left empty."""
    if folder.is_dir():
        for path in sorted(folder.rglob("*"), reverse=True):
            if path.is_file() and path not in wanted:
                path.unlink()
                done.removed += 1
                done.removed_sources.append(path.relative_to(folder).as_posix())
                done.paths.append(path.as_posix())
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def _home_head(text: str) -> tuple[str, str]:
    """The home page's front matter and leading '# ' title (what comes before the finder),
    and the rest of its text (after it, as the MkDocs plugin places it)."""
    head = ""
    match = re.match(r"---\n.*?\n---\n", text, re.S)
    if match:
        head, text = match[0], text[match.end():]
    title = re.match(r"\s*# [^\n]*\n", text)
    if title:
        head, text = head + title[0], text[title.end():]
    return head + "\n", text.lstrip("\n")


def write_docs(plan: Plan, docs: Path, with_files: bool = False,
               memo: dict | None = None, kept: Kept | None = None) -> Written:
    """Write the plan into `docs`: every page, the home page, the project's hand-written
    docs files and our assets; remove what the plan no longer has. Listings and the home
    page's list get a placeholder (their HTML comes from `render_fragments`).
    `with_files` (a preview, where Zensical serves its output as it is) writes every page
    whole and also puts the copied files and text files there."""
    start = time.perf_counter()
    done = Written()
    settings = plan.site.settings
    wanted: set[Path] = set()
    own_docs = settings.root / _docs_dir(settings)
    texts: dict[str, bytes] = {}
    if kept is not None:
        kept.start(plan.site)
    # The record pages are most of the work and each stands alone: shared out between the
    # cores (parallel.py: forked copies; here, the same way, when it cannot fork).
    alone = [page for page in plan.pages if page.lists is None]
    rendered = dict(zip((page.url for page in alone),
                        map_shares(lambda chunk: [alone[i].render() for i in chunk],
                                   range(len(alone)))))
    for page in plan.pages:
        name = f"{page.url}\n{page.title}"
        if page.lists is not None and not page.searchable and not with_files:
            done.later[page.url] = (name, page.lists, page.render)
            html = done.stand_ins[page.url] = placeholder(_titled(page.url))
        elif kept is not None and page.lists is not None:
            html = kept.fragment(name, page.lists, page.render)
        else:
            html = rendered[page.url] if page.url in rendered else page.render()
        if page.searchable:
            done.indexed[page.url] = html
        texts[page_source(page.url)] = page_text(page, html).encode("utf-8")
    copies: dict[str, Path] = {}
    if own_docs.is_dir():
        for path in sorted(own_docs.rglob("*")):
            rel = path.relative_to(own_docs).as_posix()
            if path.is_file() and not rel.startswith(plan.owned_folder) and rel not in texts:
                copies[rel] = path
    home = copies.pop("index.md", None)
    if home is not None:  # the finder and the list first, then the home page's own text
        if not with_files:
            done.later[""] = ("", plan.site.records, plan.home)
            html = done.stand_ins[""] = placeholder(_titled(""))
        else:
            html = kept.fragment("", plan.site.records, plan.home) if kept else plan.home()
        head, text = _home_head(home.read_text(encoding="utf-8"))
        texts["index.md"] = (head + html + "\n\n" + text).encode("utf-8")
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
    _remove_unwanted(docs, wanted, done)
    done.seconds = time.perf_counter() - start
    return done


def render_fragments(done: Written, kept: Kept | None) -> None:
    """The HTML of the fragments that stand as placeholders in the docs folder, into
    `done.fragments` (from `kept` when what they list did not change)."""
    for url, (name, records, render) in done.later.items():
        html = kept.fragment(name, records, render) if kept is not None else render()
        if ("<h1" in html) != _titled(url):
            raise ValueError(f"the fragment of /{url} {'lacks' if _titled(url) else 'has'} "
                             "an h1, which its placeholder in the docs folder does not say")
        done.fragments[url] = html
    done.later.clear()


def write_indexed(done: Written, folder: Path) -> None:
    """The record pages' own HTML, each a bare page at its site path, for the search index
    (search.start_index); the folder holds exactly these (kept between builds: a page is
    written only when it changed)."""
    wanted: set[Path] = set()
    counts = Written()
    for url, html in done.indexed.items():
        path = folder / url / "index.html"
        wanted.add(path)
        _write_if_changed(path, (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>'
                                 f"<body>\n{html}\n</body></html>\n").encode("utf-8"), counts)
    _remove_unwanted(folder, wanted, counts)


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
