"""A PDF/UA-1 structure checker for the tests, written on pikepdf alone (none of our PDF
code): what a validator such as veraPDF rejects first, and what a screen reader needs.

`problems(path)` returns one line per fault, empty for a good PDF:
- every marked-content id (MCID) of every page is reached from the structure root,
  and every element of the parent tree is reached too (no orphans);
- an /IDTree when any element has an /ID, and every TD's /Headers resolves in it;
- /Scope on every TH, /Alt on every Figure;
- /Lang, a /Title shown as the window title (DisplayDocTitle), /MarkInfo /Marked;
- /Tabs /S on every page with annotations, /Contents on every Link, and every Link
  annotation reached from the tree (an OBJR).
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

_MCID = re.compile(rb"<<[^>]*?/MCID\s+(\d+)[^>]*>>\s*BDC")


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def walk(root):
    """(elements reached in document order, {(page objgen, mcid)}, {annotation objgen})."""
    elements, mcids, objrs = [], set(), set()

    def visit(node, page):
        page = node.get("/Pg", page)
        for kid in _kids(node):
            if isinstance(kid, Dictionary):
                if kid.get("/Type") == Name.MCR:
                    mcids.add((kid.get("/Pg", page).objgen, int(kid.MCID)))
                elif kid.get("/Type") == Name.OBJR:
                    objrs.add(kid.Obj.objgen)
                elif "/S" in kid:
                    elements.append(kid)
                    visit(kid, page)
            elif isinstance(kid, int) and page is not None:
                mcids.add((page.objgen, int(kid)))
    visit(root, None)
    return elements, mcids, objrs


def attribute(element, key: str):
    attributes = element.get("/A")
    for owner in (list(attributes) if isinstance(attributes, Array) else [attributes]):
        if isinstance(owner, Dictionary) and key in owner:
            return owner[key]
    return None


def _content(page) -> bytes:
    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, Array) else [contents]
    return b"\n".join(s.read_bytes() for s in streams if s is not None)


def _names(tree) -> dict:
    out = {}
    if tree is None:
        return out
    names = tree.get("/Names")
    if names is not None:
        for i in range(0, len(names), 2):
            out[bytes(names[i])] = names[i + 1]
    for kid in tree.get("/Kids") or []:
        out.update(_names(kid))
    return out


def problems(path: Path) -> list[str]:
    found: list[str] = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        if not str(root.get("/Lang", "")):
            found.append("no /Lang")
        title = str(pdf.docinfo.get("/Title", "")) if pdf.docinfo is not None else ""
        if not title:
            with pdf.open_metadata() as meta:
                title = meta.get("dc:title", "")
        if not title:
            found.append("no /Title")
        prefs = root.get("/ViewerPreferences")
        if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
            found.append("DisplayDocTitle is not true")
        mark = root.get("/MarkInfo")
        if mark is None or not bool(mark.get("/Marked", False)):
            found.append("not /Marked")
        tree = root.get("/StructTreeRoot")
        if tree is None:
            return found + ["no /StructTreeRoot"]
        elements, mcids, objrs = walk(tree)
        reached = {e.objgen for e in elements}
        for number, page in enumerate(pdf.pages, 1):
            for mcid in sorted({int(m) for m in _MCID.findall(_content(page))}):
                if (page.obj.objgen, mcid) not in mcids:
                    found.append(f"page {number}: MCID {mcid} is not reached from the root")
            annots = page.obj.get("/Annots") or []
            if len(annots) and page.obj.get("/Tabs") != Name.S:
                found.append(f"page {number}: annotations but no /Tabs /S")
            for annot in annots:
                if annot.get("/Subtype") != Name.Link:
                    continue
                if not str(annot.get("/Contents", "")):
                    found.append(f"page {number}: a Link without /Contents")
                if annot.objgen not in objrs:
                    found.append(f"page {number}: a Link the structure tree never reaches")
        parent_tree = tree.get("/ParentTree")
        nums = list(parent_tree.get("/Nums") or []) if parent_tree is not None else []
        for value in nums[1::2]:
            for element in (list(value) if isinstance(value, Array) else [value]):
                if isinstance(element, Dictionary) and element.objgen not in reached:
                    found.append(f"orphan {element.get('/S')} in the parent tree")
        ids = {bytes(e.ID) for e in elements if "/ID" in e}
        id_tree = _names(tree.get("/IDTree"))
        if ids and not id_tree:
            found.append(f"{len(ids)} element(s) with /ID but no /IDTree")
        for element in elements:
            kind = element.get("/S")
            if kind == Name.TH and attribute(element, "/Scope") is None:
                found.append("TH without /Scope")
            if kind == Name.Figure and not str(element.get("/Alt", "")):
                found.append("Figure without /Alt")
            for header in attribute(element, "/Headers") or []:
                if bytes(header) not in id_tree:
                    found.append(f"/Headers {bytes(header)!r} does not resolve in the /IDTree")
    return found
