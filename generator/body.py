"""Record bodies: Markdown to HTML, once, for both the web page and the PDF.

One Python-Markdown instance with a fixed set of extensions renders every body,
so a record reads the same on screen and on paper whatever the host's own
Markdown settings are. While rendering, a small tree processor notes every image
and link, so the loader can check local files exist and images have alt text
without parsing the HTML again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import markdown
from markdown.treeprocessors import Treeprocessor

EXTENSIONS = ["extra", "sane_lists", "admonition", "toc"]


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


class BodyRenderer:
    """Not thread-safe (Python-Markdown keeps state per instance): one per process."""

    def __init__(self):
        self.md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
        self.md.treeprocessors.register(_Collect(self.md), "commsite_collect", 0)

    def render(self, text: str) -> Body:
        self.md.reset()
        html = self.md.convert(text)
        images, links = getattr(self.md, "commsite_refs", ([], []))
        return Body(html=html, toc=list(self.md.toc_tokens), images=images, links=links)
