"""The last check before layout: elements that would make WeasyPrint embed or load
another document are removed from the tree WeasyPrint itself parsed.

Record HTML is already cleaned by nh3 when the body is rendered (`commsite.body`),
so this finds nothing in a normal build. It is here so the PDF package is safe on
its own terms, whatever HTML a host hands it: it works on the very tree WeasyPrint
lays out, so no difference between two HTML parsers can smuggle a tag past it.

- `<object>`, `<embed>`, `<iframe>` (and their kin) would render another file.
- `rel=attachment` on `<a>`/`<area>`/`<link>` would embed a file in the PDF.
- `<link>` of any kind would load a style sheet or attach a file; the print
  template has none, so every `<link>` came from a record.
- `<meta>` and `<title>` outside `<head>` would rewrite the PDF's metadata.

Everything else that loads something (`<img>`, CSS `url()`, SVG `<image>`) goes
through `fetcher.SafeFetcher`, which allows the record's own files only.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

EMBEDDING = {"object", "embed", "iframe", "frame", "frameset", "applet", "portal", "link"}
HEAD_ONLY = {"meta", "title"}
LINKING = {"a", "area"}


def _name(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()  # WeasyPrint parses without namespaces; be sure


def strip_unsafe(root: Element) -> list[str]:
    """Remove what the PDF must never embed, in place; returns what was removed."""
    removed: list[str] = []
    head = next((child for child in root if _name(child) == "head"), None)

    def visit(parent: Element, in_head: bool) -> None:
        for child in list(parent):
            name = _name(child)
            if name in EMBEDDING or (name in HEAD_ONLY and not in_head):
                removed.append(name)
                _remove_keeping_tail(parent, child)
                continue
            if name in LINKING and "attachment" in child.get("rel", "").lower().split():
                removed.append(f"{name} rel=attachment")
                del child.attrib["rel"]
            visit(child, in_head or child is head)

    visit(root, False)
    return removed


def _remove_keeping_tail(parent: Element, child: Element) -> None:
    # ElementTree keeps the text after an element in its `tail`: move it to the
    # previous sibling (or the parent's text) so no surrounding words are lost.
    if child.tail:
        index = list(parent).index(child)
        if index:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)
