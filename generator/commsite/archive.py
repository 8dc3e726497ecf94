"""The archive: records by year and by month, for the drop-down and its pages.

Months are listed newest first with their counts, as readers of a bulletin
archive expect ("July 2018 (2)"); only months that have records appear, so the
drop-down never offers an empty page.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from .listing import Choice, Listing
from .records import Record


def month_label(key: str) -> str:
    return dt.date.fromisoformat(key + "-01").strftime("%B %Y")


def month_url(key: str) -> str:
    return f"archive/{key[:4]}/{key[5:7]}/"


def months(records) -> list[Choice]:
    counts = Counter(r.month for r in records)
    return [Choice(key, month_label(key), counts[key], month_url(key))
            for key in sorted(counts, reverse=True)]


def years(records) -> list[Choice]:
    counts = Counter(str(r.date.year) for r in records)
    return [Choice(key, key, counts[key], f"archive/{key}/") for key in sorted(counts, reverse=True)]


def listings(records: tuple[Record, ...]) -> list[Listing]:
    """A page per year and per month; records keep the catalogue's order."""
    by_year: dict[str, list] = {}
    by_month: dict[str, list] = {}
    for record in records:
        by_year.setdefault(str(record.date.year), []).append(record)
        by_month.setdefault(record.month, []).append(record)
    out = [Listing(f"archive/{y}/", f"Archive: {y}", tuple(rs), "year", y)
           for y, rs in by_year.items()]
    out += [Listing(month_url(m), f"Archive: {month_label(m)}", tuple(rs), "month", m)
            for m, rs in by_month.items()]
    return out
