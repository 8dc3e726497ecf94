"""Keys for listing-like fragments: what a listing can show of the records it lists.

A listing shows every field of its records but the body, each record's status and its
PDF's size, and the facets every page's filters offer. A fragment rendered once is
right for as long as these stay the same, so hosts that build again and again keep
fragments by this key: the MkDocs preview in memory (plugin/preview.py), the Zensical
route on disk between builds (hosts/zensical.py).
"""

from __future__ import annotations

import dataclasses
import hashlib

from .records import Record


def digest(*parts) -> bytes:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        hasher.update(len(data).to_bytes(8, "little"))  # so ("ab", "c") differs from ("a", "bc")
        hasher.update(data)
    return hasher.digest()


def item_key(record: Record, site) -> bytes:
    """Every field but the body (which no listing shows), the record's status (it depends on
    other records) and its PDF's size: all a listing item can show of a record."""
    fields = [(f.name, getattr(record, f.name)) for f in dataclasses.fields(record)
              if f.name not in ("body", "field_lines")]
    return digest(repr(fields), site.catalogue.status(record), site.pdf_info(record))


def facets_key(catalogue) -> bytes:
    """The filters' choices and counts, which every listing shows."""
    return digest(repr((catalogue.types, catalogue.audiences, catalogue.topics,
                        catalogue.months, catalogue.statuses)))
