"""`commsite import FILE.docx`: a Word document becomes a draft record, images beside it.

mammoth (made for exactly this) reads the document as its author sees it: headings,
lists, tables, links, bold and italic, images with their alt text; it leaves out
comments and tracked deletions, so neither leaks into a record. htmltomd writes
the Markdown. The title is the first heading (it leaves the body, and the other
headings start at '##'), else the document's own title property, else the file
name. Nothing is overwritten: every file's name is checked before the first write.
"""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedElementTree

from .htmltomd import to_markdown

# Word's "Title" style is a title too; everything else keeps mammoth's defaults.
STYLE_MAP = "p[style-name='Title'] => h1:fresh\np[style-name='Subtitle'] => h2:fresh"
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
CORE = "docProps/core.xml"
DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"


class ImportError_(Exception):
    """The document cannot be imported; the message says why, in one line."""


@dataclass
class Image:
    rel: str  # path inside the record's folder
    data: bytes
    alt: str


@dataclass
class Imported:
    title: str
    body: str
    images: list[Image] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the author should know or fix
    stem: str = ""  # what the images' names start with, until the record's name is known

    def named(self, stem: str) -> "Imported":
        """The same, its images named after the record (known once the title is)."""
        def rename(text: str) -> str:
            return text.replace(f"images/{self.stem}-", f"images/{stem}-")
        return Imported(self.title, rename(self.body),
                        [Image(rename(i.rel), i.data, i.alt) for i in self.images],
                        [rename(n) for n in self.notes], stem)


def _property_title(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as docx:
            root = DefusedElementTree.fromstring(docx.read(CORE))  # no entity expansion
    except (KeyError, ElementTree.ParseError, DefusedXmlException):
        return ""
    found = root.find(DC_TITLE)
    return " ".join((found.text or "").split()) if found is not None else ""


def read_docx(path: Path) -> Imported:
    """The document as a record's title, Markdown body and images; `named()` names the images
    after the record."""
    import mammoth  # only `commsite import` needs it

    image_stem = f"import-{uuid.uuid4().hex}"  # a name no document's own text holds

    if not zipfile.is_zipfile(path):
        raise ImportError_(f"{path}: not a Word document (.docx); in Word, choose File > Save "
                           "As > Word Document (.docx)")
    images: list[Image] = []
    notes: list[str] = []

    def convert(image):
        number = len(images) + 1
        extension = IMAGE_TYPES.get(image.content_type)
        if extension is None:
            notes.append(f"image {number} is {image.content_type}, which browsers cannot show; "
                         "it was left out: save it as PNG and add it by hand")
            images.append(Image("", b"", ""))
            return {"src": ""}
        with image.open() as stream:
            data = stream.read()
        rel = f"images/{image_stem}-{number}.{extension}"
        images.append(Image(rel, data, (image.alt_text or "").strip()))
        return {"src": rel}

    try:
        with open(path, "rb") as document:
            result = mammoth.convert_to_html(document, style_map=STYLE_MAP,
                                             convert_image=mammoth.images.img_element(convert))
    except (KeyError, ValueError, zipfile.BadZipFile) as err:
        raise ImportError_(f"{path}: cannot be read as a Word document ({err})") from None
    heading, body = to_markdown(result.value)
    title = heading or _property_title(path) or path.stem.replace("_", " ").strip()
    kept = [image for image in images if image.rel]
    for number, image in enumerate(images, 1):
        if image.rel and not image.alt:
            notes.append(f"image {number} ({image.rel}) has no alt text in the Word document; "
                         "describe it in the record: ![what the image shows](" + image.rel + ")")
    return Imported(title=title, body=body, images=kept, notes=notes, stem=image_stem)
