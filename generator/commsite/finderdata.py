"""The finder's own data for drop-down changes: each record's filter values, and the
list items in small files.

A change of the drop-downs without keywords is answered in the reader's browser from
`finder/facets.json` (assets/commsite.js): which records match, and every option's live
count, worked out from a few bytes per record, with no search engine round trip. The
items it shows come from `finder/items/<n>.json`, each the markup of `BATCH` records in
reading order, or from `finder/items/<facet>/<value number>/<n>.json`, the same for the
records of one value (the rarest value chosen: its first results are in its first file),
fetched only for the results on screen. Keywords go to the Pagefind
index (search.py), which answers them with the same filters.

Both files are written for the records the catalogue publishes, in its reading order,
so their counts and order are those of the static listings.
"""

from __future__ import annotations

import hashlib
import json
from typing import Callable

from .catalogue import Catalogue
from .records import Record

FOLDER = "finder"
FACETS_FILE = f"{FOLDER}/facets.json"
# Records per item file: one screenful of results (the finder shows 20 at a time), so
# a change fetches few files, each small.
BATCH = 20
# Records per file of one value's items: a change with two or three values chosen shows
# the records of the rarest that have the others too, a few in each screenful of it, so
# larger files there mean fewer requests before the list is shown.
VALUE_BATCH = 60
# A value's code: fixed-width digits of this alphabet (URL-safe base 64), so a record's
# values for one facet are a short string and the whole table a few bytes a record.
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


def _width(count: int) -> int:
    width, room = 1, len(DIGITS)
    while room < count:
        width, room = width + 1, room * len(DIGITS)
    return width


def _code(index: int, width: int) -> str:
    digits = ""
    for _ in range(width):
        index, digit = divmod(index, len(DIGITS))
        digits = DIGITS[digit] + digits
    return digits


def _item_files(out: dict[str, str], folder: str, markup: list[str], batch: int) -> None:
    for start in range(0, len(markup), batch):
        out[f"{folder}/{start // batch}.json"] = json.dumps(markup[start:start + batch],
                                                           ensure_ascii=False)


def finder_files(catalogue: Catalogue, item: Callable[[Record], str]) -> dict[str, str]:
    """`finder/facets.json` and the item files, by site path; `item(record)` is the
    record's list item as the home page shows it."""
    records = catalogue.records
    values = {name: [c.value for c in choices] for name, _, _, choices in catalogue.facets}
    rows = [catalogue.values_of(r) for r in records]
    out: dict[str, str] = {}
    markup = [item(r).strip() for r in records]
    _item_files(out, f"{FOLDER}/items", markup, BATCH)
    # The same items, per value of each facet: a rare topic's first results are then one
    # file, not one file for each of the places far apart where they sit in reading order.
    # Not per month: a month's records are next to each other in reading order already.
    for name, known in values.items():
        if name == "month":
            continue
        for number, value in enumerate(known):
            _item_files(out, f"{FOLDER}/items/{name}/{number}",
                        [markup[i] for i, row in enumerate(rows) if value in row[name]],
                        VALUE_BATCH)
    version = hashlib.sha256("\n".join(out[k] for k in sorted(out)).encode()).hexdigest()[:16]
    facets = {}
    for name, known in values.items():
        index = {value: i for i, value in enumerate(known)}
        width = _width(len(known))
        facets[name] = {"values": known, "width": width, "rows": ",".join(
            "".join(_code(index[v], width) for v in row[name] if v in index) for row in rows)}
    out[FACETS_FILE] = json.dumps({"total": len(records), "batch": BATCH,
                                   "value_batch": VALUE_BATCH, "version": version,
                                   "digits": DIGITS, "facets": facets},
                                  ensure_ascii=False, separators=(",", ":"))
    return out
