"""The catalogue: published records in reading order, and the facets readers filter by.

Built once per build from the loaded records; every page, PDF and feed reads
from it, so a record's place, its neighbours and every count agree everywhere.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cached_property

from . import archive
from .listing import Choice, Listing, paginate
from .records import Record, topic_slug
from .settings import Settings


class Catalogue:
    def __init__(self, records: list[Record], settings: Settings):
        self.settings = settings
        self.drafts = [r for r in records if r.draft]
        # Dated after the build date: left out until that day's build (`commsite check` lists them).
        self.scheduled = sorted((r for r in records if r.date > settings.build_date),
                                key=lambda r: (r.date, r.slug))
        # A preview shows drafts and scheduled records (each with a banner) so authors see
        # them as they will be published.
        shown = [r for r in records if settings.preview
                 or (not r.draft and r.date <= settings.build_date)]
        # Newest first; records of one day keep a stable order (title, then slug).
        published = sorted(shown, key=lambda r: (r.title, r.slug))
        self.records: tuple[Record, ...] = tuple(sorted(published, key=lambda r: r.date,
                                                        reverse=True))
        self._by_type = defaultdict(list)
        for record in self.records:
            self._by_type[record.type.key].append(record)
        self.topic_labels = self._topic_labels()

    def _topic_labels(self) -> dict[str, str]:
        # One label per topic: the spelling authors use most (the newest on a tie).
        spellings: dict[str, Counter] = defaultdict(Counter)
        for record in self.records:
            for label in record.topics:
                spellings[topic_slug(label)][label] += 1
        return {slug: counts.most_common(1)[0][0] for slug, counts in spellings.items()}

    # Facets, in the order the drop-downs show them; computed once, read by every page.
    @cached_property
    def types(self) -> list[Choice]:
        return [Choice(t.key, t.label, len(self._by_type[t.key]), f"{t.url}/")
                for t in self.settings.types]

    @cached_property
    def audiences(self) -> list[Choice]:
        counts = Counter(a for r in self.records for a in r.audiences)
        return [Choice(key, label, counts[key], f"audiences/{key}/")
                for key, label in self.settings.audiences.items()]

    @cached_property
    def topics(self) -> list[Choice]:
        counts = Counter(s for r in self.records for s in r.topic_slugs)
        return sorted((Choice(slug, label, counts[slug], f"topics/{slug}/")
                       for slug, label in self.topic_labels.items()),
                      key=lambda c: c.label.casefold())

    @cached_property
    def months(self) -> list[Choice]:
        return archive.months(self.records)

    @property
    def facets(self) -> list[tuple[str, str, str, list[Choice]]]:
        """The finder's drop-downs in order: (name, label, "all" label, choices)."""
        return [("audience", "Audience", "All audiences", self.audiences),
                ("type", "Type", "All types", self.types),
                ("topic", "Topic", "All topics", self.topics),
                ("month", "Month", "All months", self.months),
                ("status", "Status", "Any status", self.statuses)]

    def audience_label(self, key: str) -> str:
        return self.settings.audiences[key]

    def topics_of(self, record: Record) -> list[Choice]:
        return [Choice(slug, self.topic_labels[slug], 0, f"topics/{slug}/")
                for slug in record.topic_slugs]

    def values_of(self, record: Record) -> dict[str, tuple[str, ...]]:
        """The record's value of each finder drop-down (audience, type, topic, month, status),
        as its page gives them to the search index and the finder's table holds them."""
        return {"audience": tuple(record.audiences), "type": (record.type.key,),
                "topic": tuple(record.topic_slugs), "month": (record.month,),
                "status": self.status(record)}

    def status(self, record: Record) -> tuple[str, ...]:
        """What a reader should know before opening it: 'action', 'superseded', 'draft'."""
        out = []
        if record.action_required:
            out.append("action")
        if self.replacement(record) is not None:
            out.append("superseded")
        if record.draft:
            out.append("draft")
        if self.is_scheduled(record):
            out.append("scheduled")
        return tuple(out)

    def is_scheduled(self, record: Record) -> bool:
        """Dated after the build date: only a preview shows it, until that day's build."""
        return record.date > self.settings.build_date

    @cached_property
    def statuses(self) -> list[Choice]:
        """The status filter's options; 'Action required' is always offered."""
        counts = Counter(s for r in self.records for s in self.status(r))
        labels = {"action": "Action required", "superseded": "Superseded", "draft": "Draft",
                  "scheduled": "Scheduled"}
        return [Choice(key, label, counts[key], f"status/{key}/") for key, label in labels.items()
                if key == "action" or counts[key]]

    @cached_property
    def _by_name(self) -> dict[str, Record]:
        names = {}
        for r in self.records:
            names.setdefault(r.slug, r)
            names[f"{r.type.url}/{r.slug}"] = r
        return names

    def replacement(self, record: Record) -> Record | None:
        """The published record that supersedes this one, if any."""
        return self._by_name.get(record.superseded_by) if record.superseded_by else None

    def position(self, record: Record) -> int:
        """The record's place in reading order (0: the newest): the finder sorts by it."""
        return self._positions[id(record)]

    @cached_property
    def _positions(self) -> dict[int, int]:
        return {id(r): i for i, r in enumerate(self.records)}

    def neighbours(self, record: Record) -> tuple[Record | None, Record | None]:
        """(older, newer) records of the same type."""
        same = self._by_type[record.type.key]
        i = next(i for i, r in enumerate(same) if r is record)
        return (same[i + 1] if i + 1 < len(same) else None, same[i - 1] if i > 0 else None)

    def is_old(self, record: Record) -> bool:
        built = self.settings.build_date
        months = (built.year - record.date.year) * 12 + built.month - record.date.month
        return months > self.settings.old_after_months or (
            months == self.settings.old_after_months and built.day > record.date.day)

    def home_listing(self) -> list[Listing]:
        """Every record, newest first, in pages: page 1 is the home page's list, the
        others are the static pages its page links lead to (the finder without JavaScript)."""
        return paginate(Listing("", "Communications", self.records, "all", ""),
                        self.settings.page_size)

    def listings(self) -> list[Listing]:
        """Every static listing page, one per page of a long listing, for the host to
        turn into pages (the home page's page 1 is the home page itself)."""
        out = [page for page in self.home_listing()[1:]]
        for listing in self._listings():
            out += paginate(listing, self.settings.page_size)
        return out

    def _listings(self) -> list[Listing]:
        out = [Listing(f"{t.url}/", t.plural, tuple(self._by_type[t.key]), "type", t.key)
               for t in self.settings.types]
        for choice in self.audiences:
            out.append(Listing(choice.url, f"For {choice.label}", tuple(
                r for r in self.records if choice.value in r.audiences), "audience", choice.value))
        for choice in self.topics:
            out.append(Listing(choice.url, f"Topic: {choice.label}", tuple(
                r for r in self.records if choice.value in r.topic_slugs), "topic", choice.value))
        for choice in self.statuses:
            out.append(Listing(choice.url, choice.label, tuple(
                r for r in self.records if choice.value in self.status(r)), "status", choice.value))
        out += archive.listings(self.records)
        return out
