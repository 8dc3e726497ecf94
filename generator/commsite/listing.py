"""What a listing is made of: the choices of a facet and the static pages that list records."""

from __future__ import annotations

from dataclasses import dataclass

from .records import Record


@dataclass(frozen=True)
class Choice:
    """One value of a facet: an option in a drop-down and a static page."""

    value: str  # what goes in the URL query and in the items' data-* attributes
    label: str
    count: int
    url: str  # the static page listing exactly these records


@dataclass(frozen=True)
class Listing:
    """A static page that lists records: a type, an audience, a topic, a year or a month."""

    url: str
    title: str
    records: tuple[Record, ...]
    kind: str  # 'type', 'audience', 'topic', 'year', 'month'
    value: str
