"""PDF/UA-1 repairs to what WeasyPrint writes, made once per PDF inside the cache.

WeasyPrint (70) tags a document well but for three faults, fixed here with pikepdf
on the finished file, before the worker hands it to the cache:

- The page margin boxes (the running header, "Page N of M") are tagged as `Span`s
  under `NonStruct` elements that no parent lists: orphans a screen reader never
  reaches and a validator rejects. They are page furniture, so their marked content
  becomes `/Artifact /Pagination` and they leave the parent tree.
- Table cells carry `/ID`s (TH) and `/Headers` (TD) but the structure root has no
  `/IDTree`, so no header can be resolved: the tree is written here.
- TH has no `/Scope`: a header in `thead` gets `/Column`, any other (the first cell of
  a row, as the metadata table of print.html) `/Row`.

Then every page with annotations gets `/Tabs /S` and every Link a `/Contents`, which
WeasyPrint writes today; they are only filled in if missing, so a change upstream
cannot quietly break them. Runs in the worker processes (imported there only).
"""

from __future__ import annotations

import re

import pikepdf
from pikepdf import Array, Dictionary, Name, String

# A marked-content sequence with an MCID, as WeasyPrint writes it: "/Span\n<</MCID 48>>\nBDC".
_TAGGED = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _reachable(root) -> tuple[set, list]:
    """The struct elements the tree reaches (by object id), and them in order."""
    seen, order, stack = set(), [], [root]
    while stack:
        node = stack.pop()
        for kid in _kids(node):
            if isinstance(kid, Dictionary) and "/S" in kid and kid.objgen not in seen:
                seen.add(kid.objgen)
                order.append(kid)
                stack.append(kid)
    return seen, order


def _artifacts(pdf, tree_root, reached: set) -> int:
    """Marked content whose element the tree never reaches becomes an artifact."""
    parent_tree = tree_root.get("/ParentTree")
    if parent_tree is None or "/Nums" not in parent_tree:
        return 0
    nums = parent_tree.Nums
    by_key = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    fixed = 0
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        entry = by_key.get(int(key)) if key is not None else None
        if not isinstance(entry, Array):
            continue
        orphans = {i for i, element in enumerate(entry)
                   if isinstance(element, Dictionary) and element.objgen not in reached}
        if not orphans:
            continue
        for i in orphans:
            entry[i] = pikepdf.Object.parse(b"null")
        streams = page.obj.Contents
        streams = list(streams) if isinstance(streams, Array) else [streams]
        for stream in streams:
            data = stream.read_bytes()
            new = _TAGGED.sub(lambda m: _ARTIFACT if int(m.group(1)) in orphans else m.group(0),
                              data)
            if new != data:
                stream.write(new)
        fixed += len(orphans)
    return fixed


def _tables(pdf, tree_root, elements: list) -> None:
    ids = []
    for element in elements:
        if "/ID" in element:
            ids.append((bytes(element.ID), element))
        if element.get("/S") == Name.TH:
            scope = Name.Column if element.get("/P", {}).get("/P", {}).get("/S") == Name.THead \
                else Name.Row
            attributes = element.get("/A")
            if isinstance(attributes, Array):  # several attribute owners: find /Table's
                attributes = next((a for a in attributes if isinstance(a, Dictionary)
                                   and a.get("/O") == Name.Table), None)
            if not isinstance(attributes, Dictionary):
                attributes = Dictionary(O=Name.Table)
                element.A = attributes
            if "/Scope" not in attributes:
                attributes.Scope = scope
    if ids:
        ids.sort(key=lambda pair: pair[0])  # a name tree's keys are in byte order
        names = Array()
        for key, element in ids:
            names.append(String(key))
            names.append(element)
        tree_root.IDTree = pdf.make_indirect(Dictionary(Names=names))


def _annotations(pdf) -> None:
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not annots:
            continue
        page.obj.Tabs = Name.S
        for annot in annots:
            if annot.get("/Subtype") == Name.Link and not str(annot.get("/Contents", "")):
                action = annot.get("/A")
                uri = str(action.get("/URI", "")) if action is not None else ""
                annot.Contents = String(uri or "Link within this document")


def repair(path: str) -> None:
    """Rewrite the PDF at `path` in place with the repairs above."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        tree_root = pdf.Root.get("/StructTreeRoot")
        if tree_root is not None:
            reached, elements = _reachable(tree_root)
            _artifacts(pdf, tree_root, reached)
            _tables(pdf, tree_root, elements)
        _annotations(pdf)
        # No new /ID: RENDER_OPTIONS asks for none, so the same HTML gives the same bytes.
        pdf.save(path, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
