"""SVG images that can do nothing but show a picture, or a reason to refuse them.

An SVG is a document: opened at its own address it runs its scripts with the
site's origin, and no `<meta>` policy covers it. So an SVG is published only when
it holds no script (in any namespace), no event handler, no `foreignObject` (which
embeds HTML), no HTML element, no reference to anything outside itself (`href`,
`xlink:href`, CSS `url()` or `@import` to anything but its own `#id`), no
processing instruction (`<?xml-stylesheet?>` loads XSLT or CSS), no animation
that rewrites a link or a handler, and no DTD declarations (entities and
attribute defaults). The file is parsed, with defusedxml's hardened expat driver
(no entity expansion, no external fetches), never string-matched, and the reason
names the line, so the author can fix the export or choose PNG.
"""

from __future__ import annotations

import io
import re
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler, feature_namespaces
from xml.sax.xmlreader import InputSource

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XHTML_NS = "http://www.w3.org/1999/xhtml"
ACTIVE = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform", "animatecolor"}
# url(...) and @import in attribute values and <style> text; only url(#id) stays inside.
_URL = re.compile(r"url\(\s*(['\"]?)\s*(?!#)", re.I)
_IMPORT = re.compile(r"@import", re.I)


class Refused(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


class _Parser(DefusedExpatParser):
    def reset(self):
        super().reset()
        self._parser.StartDoctypeDeclHandler = self._doctype
        # <!DOCTYPE svg PUBLIC "..." "http://...svg11.dtd">: never fetched (by us or by a
        # browser); carry on without it. Entities, which would need it, are refused anyway.
        self._parser.ExternalEntityRefHandler = lambda *args: 1

    def _doctype(self, name, sysid, pubid, has_internal_subset):
        # An internal subset declares entities or default attributes (an ATTLIST can give
        # every element an onload); a bare <!DOCTYPE svg PUBLIC ...> from an editor is fine.
        if has_internal_subset:
            raise Refused(self._parser.CurrentLineNumber, "it declares a DTD (<!DOCTYPE ... [ ]>)")


class _Check(ContentHandler):
    def __init__(self):
        super().__init__()
        self.depth = 0
        self.in_style = False

    def setDocumentLocator(self, locator):
        self.locator = locator

    def _refuse(self, reason: str):
        raise Refused(self.locator.getLineNumber(), reason)

    def startElementNS(self, name, qname, attrs):
        ns, local = name
        tag = local.lower()
        if self.depth == 0 and (ns, local) != (SVG_NS, "svg"):
            self._refuse(f"its root element is <{qname or local}>, not an SVG <svg>")
        self.depth += 1
        if tag in ACTIVE:
            self._refuse(f"it holds <{local}>")
        if ns == XHTML_NS:
            self._refuse(f"it holds an HTML element <{local}>")
        for (attr_ns, attr), value in attrs.items():
            attr_l = attr.lower()
            if attr_l.startswith("on"):
                self._refuse(f"<{local}> has an event handler ({attr}=)")
            if attr_l == "href" and attr_ns in (None, XLINK_NS) and not value.strip().startswith("#"):
                self._refuse(f"<{local}> refers to '{value[:60]}' outside the image")
            if _URL.search(value) or _IMPORT.search(value):
                self._refuse(f"<{local}> {attr}= refers to a file outside the image (url())")
            if tag in ANIMATIONS and attr_l == "attributename":
                target = value.strip().lower().split(":")[-1]
                if target == "href" or target.startswith("on"):
                    self._refuse(f"<{local}> animates '{value}'")
        self.in_style = tag == "style"

    def endElementNS(self, name, qname):
        self.depth -= 1
        self.in_style = False

    def characters(self, content):
        if self.in_style and (_URL.search(content) or _IMPORT.search(content)):
            self._refuse("its <style> refers to a file outside the image (url() or @import)")

    def processingInstruction(self, target, data):
        self._refuse(f"it holds a processing instruction <?{target} ...?>")


def unsafe(data: bytes) -> str | None:
    """Why the SVG must not be published ('line 3: it holds <script>'), or None."""
    parser = _Parser()
    parser.setFeature(feature_namespaces, True)
    handler = _Check()
    parser.setContentHandler(handler)
    source = InputSource()
    source.setByteStream(io.BytesIO(data))
    try:
        parser.parse(source)
    except Refused as err:
        return str(err)
    except DefusedXmlException as err:
        line = getattr(getattr(parser, "_parser", None), "CurrentLineNumber", 1)
        return f"line {line}: it declares entities ({type(err).__name__})"
    except SAXParseException as err:
        return f"line {err.getLineNumber()}: it is not well-formed XML ({err.getMessage()})"
    if handler.depth != 0:
        return "it is not a complete SVG document"
    return None
