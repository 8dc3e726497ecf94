"""A bulletin as an email: `email.html` to paste into the mailing tool, `email.txt` beside it.

The comms team sends the bulletin they published rather than retyping it, so
both files say what the page says: title, date, summary, any action required,
the body, attachments, and links to the page and its PDF.

Email clients ignore <style> blocks and stylesheets (or strip them), and many
lay out only tables reliably, so the HTML is a table of fixed width and every
element carries its own `style`: the body's HTML is rewritten tag by tag with
the styles below, its classes dropped. Outlook for Windows draws with Word's
engine, so: padding, borders and backgrounds of callouts (the action, admonitions,
quotes, rules) sit on table cells, where it honours them; no HTML5 element
(`<time>`, `<section>`...: it drops them); pixel line-heights come with
`mso-line-height-rule: exactly`; and the page's margin is the wrapper table's,
since it ignores `<body>` margins. doiuse-email checks this in the tests. Its links become absolute when the site
has an address, since an email has no page to resolve relative ones against.
The body arrives already sanitised (records.py); the rewriter escapes every
text and attribute it writes again, so nothing is trusted twice.

The plain-text version is for clients that show no HTML and for the mailing
tool's text part: headings underlined, lists marked, every link's address
written out after its text.
"""

from __future__ import annotations

import textwrap
from functools import cache
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .catalogue import Catalogue
from .pages import long_date
from .records import Record
from .templatecache import template_cache
from .urls import absolute, relative

TEMPLATES = Path(__file__).parent / "templates"
WIDTH = 72  # plain-text line length: fits every mail client without re-wrapping

FONT = "font-family:Arial,Helvetica,sans-serif;color:#212121;"
TEXT = FONT + "font-size:16px;line-height:24px;"
BRAND = "{brand}"  # the site's brand_colour, filled in by `styles`
# Inline styles, by tag. Every element gets one: Outlook does not pass fonts down into tables.
STYLES = {
    "body": "background-color:#f2f2f2;",
    "frame": "width:100%;background-color:#f2f2f2;border-collapse:collapse;",
    "frame_cell": "padding:24px 8px;",
    "sheet": "width:100%;max-width:640px;background-color:#ffffff;border-collapse:collapse;",
    "masthead": FONT + "font-size:16px;font-weight:bold;padding:16px 24px;color:#ffffff;"
                "background-color:" + BRAND + ";",
    "content": "padding:24px;",
    "footer": FONT + "font-size:14px;line-height:20px;padding:16px 24px;color:#555555;"
              "background-color:#f7f7f7;",
    "meta": TEXT + "margin:0 0 16px 0;color:#555555;",
    "summary": TEXT + "margin:0 0 16px 0;font-size:18px;line-height:27px;",
    "callout_table": "width:100%;border-collapse:collapse;",
    "callout_gap": "padding:0 0 16px 0;",
    "action": TEXT + "padding:12px 16px;border-left:6px solid #b35c00;"
              "background-color:#fff4e5;",
    "callout_p": TEXT + "margin:0 0 8px 0;",
    "h1": FONT + "font-size:28px;line-height:34px;font-weight:bold;margin:0 0 12px 0;",
    "h2": FONT + "font-size:22px;line-height:28px;font-weight:bold;margin:28px 0 12px 0;",
    "h3": FONT + "font-size:19px;line-height:25px;font-weight:bold;margin:24px 0 8px 0;",
    "h4": FONT + "font-size:17px;line-height:24px;font-weight:bold;margin:20px 0 8px 0;",
    "p": TEXT + "margin:0 0 16px 0;",
    "a": "color:" + BRAND + ";text-decoration:underline;",
    "ul": TEXT + "margin:0 0 16px 0;padding:0 0 0 24px;",
    "li": TEXT + "margin:0 0 8px 0;",
    "table": "width:100%;border-collapse:collapse;margin:0 0 16px 0;",
    "th": TEXT + "font-size:15px;font-weight:bold;text-align:left;vertical-align:top;"
          "padding:6px 8px;border:1px solid #cccccc;background-color:#f2f2f2;",
    "td": TEXT + "font-size:15px;text-align:left;vertical-align:top;padding:6px 8px;"
          "border:1px solid #cccccc;",
    "code": "font-family:Consolas,'Courier New',monospace;font-size:15px;"
            "background-color:#f2f2f2;padding:0 2px;",
    "pre": "font-family:Consolas,'Courier New',monospace;font-size:14px;line-height:20px;"
           "white-space:pre-wrap;background-color:#f2f2f2;padding:12px;margin:0 0 16px 0;",
    "blockquote": TEXT + "margin:0;",
    "quote_cell": "padding:0 0 0 12px;border-left:4px solid #cccccc;",
    "img": "max-width:100%;height:auto;border:0;",
    "rule_gap": "padding:8px 0 24px 0;",
    "rule": "border-top:1px solid #cccccc;font-size:1px;line-height:1px;",
    "strong": "font-weight:bold;",
    "em": "font-style:italic;",
    "admonition": TEXT + "padding:12px 16px;border-left:6px solid " + BRAND + ";"
                  "background-color:#f0f3f7;",
    "admonition-title": TEXT + "margin:0 0 8px 0;font-weight:bold;",
    "other": FONT,  # any other element: at least the font
}
for _same, _as in {"h5": "h4", "h6": "h4", "ol": "ul", "dl": "ul", "dd": "li", "dt": "strong",
                   "b": "strong", "i": "em", "cite": "em", "kbd": "code", "samp": "code",
                   "tt": "code"}.items():
    STYLES[_same] = STYLES[_as]
for _part in ("thead", "tbody", "tfoot", "tr"):
    STYLES[_part] = "vertical-align:top;"
for _key, _style in STYLES.items():  # Outlook honours a pixel line-height only with this
    if "line-height:" in _style:
        STYLES[_key] = "mso-line-height-rule:exactly;" + _style

# HTML5 elements Outlook for Windows drops, as the plain element it shows instead.
HTML5 = {"section": "div", "article": "div", "aside": "div", "header": "div", "footer": "div",
         "nav": "div", "main": "div", "figure": "div", "figcaption": "div", "details": "div",
         "summary": "div", "time": "span", "mark": "span"}
# A box drawn by a table cell: Outlook ignores padding and borders on other elements.
CELL_OPEN = ('<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
             'border="0" style="{table}"><tr style="vertical-align:top;"><td style="{gap}">'
             '<table role="presentation" '
             'width="100%" cellpadding="0" cellspacing="0" border="0" style="{table}">'
             '<tr style="vertical-align:top;">'
             '<td style="{cell}">')
CELL_CLOSE = "</td></tr></table></td></tr></table>"


def styles(brand: str) -> dict[str, str]:
    """The inline styles with the site's brand colour."""
    return {key: style.replace(BRAND, brand) for key, style in STYLES.items()}


def cell(style: dict, name: str, gap: str = "callout_gap") -> str:
    return CELL_OPEN.format(table=style["callout_table"], gap=style[gap], cell=style[name])

VOID = {"br", "hr", "img", "wbr", "col", "area"}
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "thead",
          "tbody", "tfoot", "tr", "pre", "blockquote", "hr", "dl", "dt", "dd", "figure",
          "figcaption", "details", "summary", "section", "article", "aside", "header", "footer",
          "caption"}


def is_bulletin(record: Record) -> bool:
    return record.type.key == "bulletin"


def email_paths(record: Record) -> tuple[str, str]:
    return f"{record.url}email.html", f"{record.url}email.txt"


def email_files(catalogue: Catalogue, has_pdf: Callable[[Record], bool]) -> dict[str, str]:
    """The email files of every published bulletin, by site-root-relative path."""
    out = {}
    for record in catalogue.records:
        if is_bulletin(record):
            out.update(bulletin_emails(record, catalogue, has_pdf))
    return out


def bulletin_emails(record: Record, catalogue: Catalogue,
                    has_pdf: Callable[[Record], bool]) -> dict[str, str]:
    """The two email files (HTML and plain text) of one bulletin, by site-root-relative path."""
    html_path, text_path = email_paths(record)
    return {html_path: email_html(record, catalogue, has_pdf),
            text_path: email_text(record, catalogue, has_pdf)}


@cache
def _environment() -> Environment:
    # Made at first use, not on import: the template cache's folder comes from the
    # environment (TMPDIR) of the build that uses it.
    # email.txt is plain text: escaping it for HTML would print '&amp;' to readers.
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(enabled_extensions=("html",), default=False),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, bytecode_cache=template_cache())
    env.filters["long_date"] = long_date
    return env


def _context(record: Record, catalogue: Catalogue, has_pdf: Callable[[Record], bool],
             link: Callable[[str], str]) -> dict:
    return dict(
        record=record, site_name=catalogue.settings.site_name,
        audiences=[catalogue.audience_label(k) for k in record.audiences],
        page_url=link(record.url), pdf_url=link(record.pdf_url) if has_pdf(record) else "",
        attachments=[(a.title, link(record.url + a.href)) for a in record.attachments],
        deadline_url=link(record.url + record.slug + "-deadline.ics")
        if record.action_required and record.deadline else "",
        language=catalogue.settings.language)


def email_html(record: Record, catalogue: Catalogue, has_pdf: Callable[[Record], bool]) -> str:
    """The bulletin as one HTML email. Links are absolute when site_url is set; otherwise
    relative to the file's own place beside the page, so it works opened from the site."""
    site_url = catalogue.settings.site_url
    here = email_paths(record)[0]

    def link(target: str) -> str:
        return absolute(site_url, target) or relative(target, here)

    page = absolute(site_url, record.url)
    style = styles(catalogue.settings.brand_colour)
    body = _Restyler(lambda href: _resolve(href, page, relative(record.url, here)), style,
                     own_image=lambda src: _own_image(src, site_url)).convert(record.body.html)
    return _environment().get_template("email.html").render(
        **_context(record, catalogue, has_pdf, link), style=style, body=body,
        cell=lambda name, gap="callout_gap": cell(style, name, gap), cell_close=CELL_CLOSE,
        image_source=_origin(site_url) or "'self'")


def email_text(record: Record, catalogue: Catalogue, has_pdf: Callable[[Record], bool]) -> str:
    """The bulletin as plain text. Addresses are absolute when site_url is set, else
    site-root paths ('/bulletins/...'): a relative address means nothing in an email."""
    site_url = catalogue.settings.site_url

    def link(target: str) -> str:
        return absolute(site_url, target) or "/" + target

    page = link(record.url)
    body = _TextWriter(lambda href: _resolve(href, page, page)).convert(record.body.html)
    return _environment().get_template("email.txt").render(
        **_context(record, catalogue, has_pdf, link), body=body,
        wrap=lambda text, indent="": textwrap.fill(
            " ".join(text.split()), WIDTH, initial_indent=indent, subsequent_indent=indent,
            break_long_words=False, break_on_hyphens=False),
        underline=lambda text, char: char * len(text))


def _origin(site_url: str) -> str:
    parts = urlsplit(site_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _own_image(src: str, site_url: str) -> bool:
    """An image of the site itself (at its absolute address when it has one). Every other
    image would tell its server who opened the email, and when: a tracking pixel. The
    loader refuses remote images already; an email never trusts that alone."""
    parts = urlsplit(src)
    if not site_url:
        return not (parts.scheme or parts.netloc)
    return src.startswith(site_url.rstrip("/") + "/")


def _resolve(href: str, page: str, fallback: str) -> str:
    """A body link as it must read from the email: resolved against `page` (the page's
    address, or for the text version its site-root path) when there is one; otherwise
    in-page anchors point at the page and the rest stay as written (the email files sit
    beside the page, so relative links still work when opened from the site)."""
    if page:
        return urljoin(page, href)
    return fallback + href if href.startswith("#") else href


class _Restyler(HTMLParser):
    """Re-writes sanitised body HTML with inline styles and without classes or ids."""

    def __init__(self, resolve: Callable[[str], str], style: dict[str, str],
                 own_image: Callable[[str], bool]):
        super().__init__(convert_charrefs=True)
        self.resolve, self.own_image = resolve, own_image
        self.style = style
        self.out: list[str] = []
        self.closing: list[str] = []  # what each open <div>/<blockquote> ends with

    def convert(self, html: str) -> str:
        self.out, self.closing = [], []
        self.feed(html)
        self.close()
        return "".join(self.out)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        STYLES = self.style
        tag = HTML5.get(tag, tag)
        classes = (attrs.get("class") or "").split()
        if tag == "hr":  # a rule Outlook draws: the top border of an empty cell
            self.out.append(cell(STYLES, "rule", "rule_gap") + "&nbsp;" + CELL_CLOSE)
            return
        if tag == "div" and "admonition" in classes:  # a callout: the cell draws its box
            self.out.append(cell(STYLES, "admonition"))
            self.closing.append(CELL_CLOSE)
            return
        if tag in ("div", "blockquote"):
            self.closing.append(CELL_CLOSE if tag == "blockquote" else "</div>")
            if tag == "blockquote":
                self.out.append(cell(STYLES, "quote_cell"))
        if "admonition-title" in classes:
            style = STYLES["admonition-title"]
        else:
            style = STYLES.get(tag, STYLES["other"])
        if attrs.get("style") and tag in ("td", "th"):
            # The sanitiser kept only text-align: a column's alignment is content.
            style += attrs["style"].strip().rstrip(";") + ";"
        keep = {"style": style} if tag != "br" else {}
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                keep[name] = self.resolve(attrs[name])
        if tag == "img" and not self.own_image(keep.get("src", "")):
            self.out.append(escape(attrs.get("alt") or "", quote=False))  # its words, not it
            return
        for name in ("alt", "title", "colspan", "rowspan", "lang", "dir", "start", "width",
                     "height"):
            if attrs.get(name) is not None:
                keep[name] = attrs[name]
        if tag == "table":
            # Older Outlook ignores CSS widths and spacing on tables; these attributes it reads.
            keep.update(cellpadding="0", cellspacing="0", width="100%")
        text = "".join(f' {name}="{escape(value)}"' for name, value in keep.items())
        self.out.append(f"<{tag}{text}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        tag = HTML5.get(tag, tag)
        if tag in ("div", "blockquote"):
            closing = self.closing.pop() if self.closing else f"</{tag}>"
            if tag == "blockquote":
                self.out.append("</blockquote>")
            self.out.append(closing)
        elif tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))


class _TextWriter(HTMLParser):
    """Body HTML to readable plain text, one block per paragraph, heading, item or row."""

    def __init__(self, resolve: Callable[[str], str]):
        super().__init__(convert_charrefs=True)
        self.resolve = resolve

    def convert(self, html: str) -> str:
        self.blocks: list[tuple[str, str]] = []  # (kind, text); kind 'item' packs tightly
        self.buf: list[str] = []
        self.lists: list[list] = []  # [tag, next number, width of its items' marker]
        self.marker = ""  # the list marker the next block of an item starts with
        self.heading = 0
        self.quote = 0
        self.pre = 0
        self.links: list[tuple[str, int]] = []  # (address, where its text starts in buf)
        self.row: list[str] | None = None
        self.feed(html)
        self.close()
        self._flush()
        out, previous = "", None
        for kind, text in self.blocks:
            if kind == "end":  # a list or table ended: what follows is not one of its items
                previous = kind
                continue
            if previous is not None:
                out += "\n" if kind == previous == "item" else "\n\n"
            out, previous = out + text, kind
        return out

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in BLOCKS or tag == "br":
            if tag == "br" and not self.pre:
                self.buf.append("\n")
                return
            if tag not in ("td", "th"):
                self._flush()
        if tag in ("ul", "ol"):
            self.lists.append([tag, int(attrs.get("start") or 1), 2])
        elif tag == "li" and self.lists:
            kind = self.lists[-1]
            self.marker = f"{kind[1]}. " if kind[0] == "ol" else "- "
            kind[1] += 1
            kind[2] = len(self.marker)
        elif tag in ("h2", "h3", "h4", "h5", "h6", "h1"):
            self.heading = int(tag[1])
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self.pre += 1
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.buf = []
        elif tag == "a":
            self.links.append((self.resolve(attrs.get("href") or ""), len(self.buf)))
        elif tag == "img" and attrs.get("alt"):
            self.buf.append(f"[Image: {attrs['alt']}]")
        elif tag == "hr":
            self.blocks.append(("hr", "-" * 20))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            address, start = self.links.pop()
            shown = "".join(self.buf[start:]).strip()
            plain = address.removeprefix("mailto:").removeprefix("tel:")
            if address and shown not in (address, plain):
                self.buf.append(f" ({plain if address.startswith('mailto:') else address})")
            return
        if tag in ("td", "th") and self.row is not None:
            self.row.append(" ".join("".join(self.buf).split()))
            self.buf = []
            return
        if tag == "tr" and self.row is not None:
            self.blocks.append(("item", textwrap.fill(
                " | ".join(self.row), WIDTH, initial_indent=self._prefix(),
                subsequent_indent=self._prefix() + "  ", break_long_words=False,
                break_on_hyphens=False)))
            self.row = None
            return
        if tag in BLOCKS:
            self._flush()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            if not self.lists:
                self.blocks.append(("end", ""))
        elif tag == "table":
            self.blocks.append(("end", ""))
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = 0
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data):
        self.buf.append(data)

    def _prefix(self) -> str:
        return "> " * self.quote

    def _flush(self):
        text = "".join(self.buf)
        self.buf = []
        if self.pre:
            if text.strip("\n"):
                self.blocks.append(("pre", "\n".join(self._prefix() + "    " + line
                                                     for line in text.strip("\n").splitlines())))
            return
        lines = [" ".join(part.split()) for part in text.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            return
        if self.heading:
            heading = " ".join(lines)
            # The title is underlined with '=' (email.txt), body headings with '-'.
            self.blocks.append(("heading", f"{heading}\n{'-' * len(heading)}"))
            return
        # An item's lines, and its later paragraphs, line up under the text after its marker.
        outer = "".join(" " * width for _, _, width in self.lists[:-1])
        first = rest = self._prefix() + outer
        kind = "text"
        if self.lists:
            rest += " " * self.lists[-1][2]
            if self.marker:
                first, self.marker, kind = first + self.marker, "", "item"
            else:
                first = rest
        wrapped = [textwrap.fill(line, WIDTH, initial_indent=first if i == 0 else rest,
                                 subsequent_indent=rest, break_long_words=False,
                                 break_on_hyphens=False) for i, line in enumerate(lines)]
        self.blocks.append((kind, "\n".join(wrapped)))
