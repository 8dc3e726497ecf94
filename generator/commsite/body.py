"""Record bodies: Markdown to HTML, once, for both the web page and the PDF.

One Python-Markdown instance with a fixed set of extensions renders every body,
so a record reads the same on screen and on paper whatever the host's own
Markdown settings are. While rendering, a small tree processor notes every image
and link, so the loader can check local files exist and images have alt text
without parsing the HTML again.

Bodies are written by staff but pasted from emails and other documents, so the
HTML passes nh3's allow-list sanitiser before it reaches a page or a PDF: no
script, no event handlers, no `javascript:`/`data:`/`file:` URLs, no iframe,
object, embed or form, no `style` beyond table alignment (so pasted CSS cannot
hide text), no `rel=attachment` (which would make WeasyPrint embed a file).

Rendering is most of the time a load takes, and a preview (`mkdocs serve`) loads
every record again after each save. So rendered bodies are kept, by a digest of
their Markdown, from one load to the next in the same process: a load renders only
the bodies that changed. Rendering depends on nothing but the text (the
extensions are fixed here), so a kept body is the body a fresh render would give,
whichever process rendered it (a load shares new bodies out between cores).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

EXTENSIONS = ["extra", "sane_lists", "admonition", "toc"]

# ammonia's (nh3's) defaults, which already exclude every active tag, less h1: the
# record's title is the page's only h1.
SAFE_TAGS = nh3.ALLOWED_TAGS - {"h1"}
SAFE_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    # ids are heading anchors and footnote targets; class carries admonition and
    # footnote styling; style is filtered down to text-align below.
    "*": {"id", "class", "title", "lang", "dir"},
    "th": nh3.ALLOWED_ATTRIBUTES["th"] | {"style"},
    "td": nh3.ALLOWED_ATTRIBUTES["td"] | {"style"},
    "a": {"href", "hreflang"},
}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


# Our own ids start "comms-" and Material's "__": a body must not take them (a
# duplicate id breaks in-page links and the filter script).
RESERVED_IDS = ("comms-", "__")


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "id" and value.lower().startswith(RESERVED_IDS):
        return None
    return value


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES, url_schemes=SAFE_SCHEMES,
                     clean_content_tags={"script", "style", "template"}, link_rel=None,
                     filter_style_properties={"text-align"}, attribute_filter=_keep_attribute)


@dataclass
class Body:
    html: str
    toc: list  # Python-Markdown's toc_tokens: [{'level', 'id', 'name', 'children'}]
    images: list = field(default_factory=list)  # (src, alt)
    links: list = field(default_factory=list)  # href


class _Collect(Treeprocessor):
    def run(self, root):
        images, links = [], []
        for el in root.iter():
            if el.tag == "img":
                images.append((el.get("src", ""), el.get("alt", "")))
            elif el.tag == "a" and el.get("href"):
                links.append(el.get("href"))
        self.md.commsite_refs = (images, links)


class _RawRefs(HTMLParser):
    """Images and links written as raw HTML, which Markdown keeps aside from its tree:
    `<img src="http://tracker.example/p.gif">` must meet the rules `![](...)` does."""

    def __init__(self, images: list, links: list):
        super().__init__(convert_charrefs=True)
        self.images, self.links = images, links

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append((attrs.get("src") or "", attrs.get("alt") or ""))
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


# The bodies the last finished load used, by digest of their Markdown. Only that load's:
# a long preview session that edits one record a thousand times keeps one version of it.
# They belong to one cache file: a process that loads another project (a test run, a tool
# that builds several sites) reads that project's file instead of rewriting it.
_kept: dict[bytes, Body] = {}
_kept_for: Path | None = None


def _copy_toc(tokens: list) -> list:
    # Only `children` holds anything mutable (copy.deepcopy took a tenth of a warm check).
    return [{**token, "children": _copy_toc(token["children"])} for token in tokens]


class BodyRenderer:
    """Not thread-safe (Python-Markdown keeps state per instance): one per process.

    Bodies rendered by the previous loader that called `keep()` are reused."""

    def __init__(self):
        self.md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
        self.md.treeprocessors.register(_Collect(self.md), "commsite_collect", 0)
        self._used: dict[bytes, Body] = {}
        self._since: dict[bytes, Body | None] = {}  # used since take_used(); None: kept

    def render(self, text: str) -> Body:
        key = self._key(text)
        body = self._used.get(key) or _kept.get(key)
        if body is None:
            body = self._render(text)
        self._used[key] = body
        self._since[key] = body if key not in _kept else None
        # A copy: a caller that changed its record's body must not change the kept one.
        return Body(body.html, _copy_toc(body.toc), list(body.images), list(body.links))

    def take_used(self) -> dict[bytes, Body | None]:
        """The bodies used since the last call (None for a kept one, which the other side
        has too), for the renderer of another process to `adopt` (see records.load_all):
        `keep` then keeps what every process used."""
        used, self._since = self._since, {}
        return used

    def adopt(self, used: dict[bytes, Body | None]) -> None:
        self._used.update((key, _kept[key] if body is None else body)
                          for key, body in used.items())

    @staticmethod
    def _key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def keep(self) -> None:
        """Keep this load's bodies for the next load, in place of the previous load's."""
        global _kept
        self.rendered_any = any(key not in _kept for key in self._used)
        _kept = self._used

    # The same memory on disk (in the cache folder), so a fresh process, such as the next
    # `commsite check` or `mkdocs build`, renders only the bodies changed since the last one.
    # The file is stamped with this module's source and the libraries' versions: a change
    # to how bodies render makes it stale, and a stale or broken file is simply ignored.

    @staticmethod
    @functools.cache  # the code that runs, and the libraries it loaded, for this process's life
    def _stamp() -> str:
        from importlib.metadata import version

        source = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
        return f"{source}|{version('markdown')}|{version('nh3')}"

    def load_from(self, path: Path) -> None:
        global _kept, _kept_for
        if _kept and _kept_for == path:
            return  # this process already remembers this project (a preview): that is fresher
        _kept, _kept_for = {}, path
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved.get("stamp") == self._stamp():
                _kept = {bytes.fromhex(k): Body(**v) for k, v in saved["bodies"].items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            pass

    def save_to(self, path: Path) -> None:
        if not getattr(self, "rendered_any", True):
            return
        data = {"stamp": self._stamp(), "bodies": {k.hex(): vars(b) for k, b in _kept.items()}}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # an unwritable cache only costs time; the PDF stage reports the folder

    def _render(self, text: str) -> Body:
        self.md.reset()
        html = sanitise(self.md.convert(text))
        images, links = getattr(self.md, "commsite_refs", ([], []))
        raw = [block for block in self.md.htmlStash.rawHtmlBlocks
               if isinstance(block, str) and "<" in block]
        if raw:
            parser = _RawRefs(images, links)
            for block in raw:
                parser.feed(block)
            parser.close()
        return Body(html=html, toc=list(self.md.toc_tokens), images=images, links=links)
