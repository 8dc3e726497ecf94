"""The HTML that mammoth makes of a Word document, written as a record's Markdown body.

mammoth's HTML is small and regular: paragraphs, headings, lists (nested), tables,
links, bold, italic, images and line breaks. Each becomes the Markdown an author
would have typed, so the record stays easy to edit; text that Markdown would read
as markup (a '*', a '#' at a line's start, '<') is escaped, so it shows as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "thead", "tbody",
          "tr", "td", "th", "blockquote", "div"}
VOID = {"img", "br"}


@dataclass
class Node:
    tag: str
    attrs: dict = field(default_factory=dict)
    children: list = field(default_factory=list)  # Nodes and str


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return tree.root


def _escape(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _wrap(inner: str, mark: str) -> str:
    """**bold** with the spaces Word leaves inside a bold run moved outside the marks."""
    core = inner.strip()
    if not core:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    return f"{lead}{mark}{core}{mark}{trail}"


def inline(node, in_table: bool = False) -> str:
    if isinstance(node, str):
        text = _escape(node)
        return text.replace("|", "\\|") if in_table else text
    inner = "".join(inline(child, in_table) for child in node.children)
    tag = node.tag
    if tag in ("strong", "b"):
        return _wrap(inner, "**")
    if tag in ("em", "i"):
        return _wrap(inner, "*")
    if tag == "a":
        href = node.attrs.get("href", "")
        if not href or href.startswith("#") or not inner.strip():  # bookmarks, Word's own anchors
            return inner
        target = f"<{href}>" if re.search(r"[\s()<>]", href) else href
        return f"[{inner.strip()}]({target})"
    if tag == "img":
        src = node.attrs.get("src", "")
        alt = node.attrs.get("alt", "").replace("]", "\\]").replace("[", "\\[")
        return f"![{' '.join(alt.split())}]({src})" if src else ""
    if tag == "br":
        return " " if in_table else "  \n"
    if tag in BLOCKS:  # a paragraph inside a table cell or list item: its words
        return f" {inner} "
    return inner  # span, u, sup, sub, s...: the text


def _line_start(text: str) -> str:
    """Escape what Markdown would read as a heading, a list or a quote at a line's start."""
    if re.match(r"(#|[-+] |\d+[.)] |>)", text):
        match = re.match(r"\d+", text)
        return f"{match[0]}\\{text[len(match[0]):]}" if match else "\\" + text
    return text


def _tidy(text: str) -> str:
    return "\n".join(_line_start(line.strip()) for line in text.split("\n")).strip()


@dataclass
class Heading:
    level: int
    text: str  # Markdown
    plain: str  # the words, for a title


def plain_text(node) -> str:
    if isinstance(node, str):
        return node
    return "".join(plain_text(child) for child in node.children)


def blocks(node: Node, indent: str = "") -> list:
    """Markdown blocks (str) and Headings (levels are settled by the caller)."""
    out: list = []
    inline_run: list = []

    def flush():
        text = _tidy("".join(inline(n) for n in inline_run))
        if text:
            out.append(text.replace("\n", "\n" + indent))
        inline_run.clear()

    for child in node.children:
        if isinstance(child, str) or child.tag not in BLOCKS:
            inline_run.append(child)
            continue
        flush()
        tag = child.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = " ".join("".join(inline(n) for n in child.children).split())
            if text:
                out.append(Heading(int(tag[1]), text, " ".join(plain_text(child).split())))
        elif tag == "p":
            text = _tidy("".join(inline(n) for n in child.children))
            if text:
                out.append(text.replace("\n", "\n" + indent))
        elif tag in ("ul", "ol"):
            out.append(_list(child, indent))
        elif tag == "table":
            table = _table(child)
            if table:
                out.append(table)
        else:  # div, blockquote, stray cells: their content
            out += blocks(child, indent)
    flush()
    return out


def _list(node: Node, indent: str) -> str:
    lines, number = [], 0
    for item in node.children:
        if isinstance(item, str) or item.tag != "li":
            continue
        number += 1
        marker = f"{number}. " if node.tag == "ol" else "- "
        inner = [c for c in item.children if isinstance(c, str) or c.tag not in ("ul", "ol")]
        text = _tidy("".join(inline(c) for c in inner))
        text = " ".join(part for part in text.split("\n") if part) if "  \n" not in text else text
        lines.append(f"{indent}{marker}{text}".rstrip())
        for sub in item.children:
            if isinstance(sub, Node) and sub.tag in ("ul", "ol"):
                lines.append(_list(sub, indent + "    "))
    return "\n".join(lines)


def _rows(node: Node) -> list[Node]:
    rows = []
    for child in node.children:
        if isinstance(child, Node):
            rows += [child] if child.tag == "tr" else _rows(child)
    return rows


def _table(node: Node) -> str:
    rows = []
    for row in _rows(node):
        cells = [c for c in row.children if isinstance(c, Node) and c.tag in ("td", "th")]
        rows.append([" ".join(inline(c, in_table=True).split()) for c in cells])
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "| " + " | ".join(["---"] * width) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def to_markdown(html: str) -> tuple[str | None, str]:
    """(the first heading's text, or None; the Markdown body without it, headings from ##)."""
    found = blocks(parse(html))
    title = None
    headings = [b for b in found if isinstance(b, Heading)]
    if headings:
        title = headings[0].plain
        found.remove(headings[0])
        headings = headings[1:]
    shift = 2 - min((h.level for h in headings), default=2)
    parts = [f"{'#' * min(max(b.level + shift, 2), 6)} {b.text}" if isinstance(b, Heading) else b
             for b in found]
    return title, "\n\n".join(parts)
