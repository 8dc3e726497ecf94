"""What a listing is made of: the choices of a facet and the static pages that list records."""

from __future__ import annotations

from dataclasses import dataclass, replace

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
    kind: str  # 'type', 'audience', 'topic', 'status', 'year', 'month', 'all'
    value: str
    # Long listings are split into pages: page 1 at `base`, page n at `base`page/n/.
    page: int = 1
    pages: int = 1
    base: str = ""  # the first page's URL ('' for the home page's listing)
    total: int = 0  # records of the whole listing, every page
    first: int = 1  # the number of this page's first record in the whole listing

    def page_url(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}page/{number}/"


def paginate(listing: Listing, size: int) -> list[Listing]:
    """The pages of a listing, `size` records each; an empty listing is one empty page."""
    chunks = [listing.records[i:i + size] for i in range(0, len(listing.records), size)] or [()]
    title = listing.title
    return [replace(listing, url=f"{listing.url}page/{n}/" if n > 1 else listing.url, records=chunk,
                    page=n, pages=len(chunks), base=listing.url, total=len(listing.records),
                    first=(n - 1) * size + 1,
                    title=title if n == 1 else f"{title}, page {n} of {len(chunks)}")
            for n, chunk in enumerate(chunks, start=1)]
