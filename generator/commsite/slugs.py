"""Web addresses made from words: record file names, `commsite new` titles, topic labels.

`slugify` is the one way words become an address: lowercase ASCII letters, digits and
single hyphens, any script transliterated by python-slugify ('Защита данных' gives
'zashchita-dannykh', '数据保护' 'shu-ju-bao-hu'). Its transliteration table is named
(text-unidecode), so an address does not change with whatever else is installed.

A topic's address must also be unique and stable: transliteration loses what tells
some words apart (the Chinese 事实 and 实时 both read 'shi-shi'), so a topic written
in a script other than Latin keeps its readable part and gains a short fingerprint
of its own letters: each label keeps its address for ever, whatever other topics
come and go, and two different labels never share one. Latin-script labels keep the
plain address ('Anti-spoofing' and 'anti spoofing' are one topic, 'anti-spoofing').
"""

from __future__ import annotations

import hashlib
import unicodedata

from slugify import slugify as _slugify


def slugify(text: str) -> str:
    """'Fish & chips, Café' -> 'fish-chips-cafe'; '' when there is nothing to spell."""
    return _slugify(text, backend="text-unidecode")


def topic_slug(label: str) -> str:
    """The address of a topic (under topics/); '' for a label with no letters or digits."""
    plain = slugify(label)
    if not _beyond_latin(label):
        return plain
    spelling = topic_spelling(label)
    if not spelling:
        return ""
    fingerprint = hashlib.sha256(spelling.encode("utf-8")).hexdigest()[:8]
    return f"{plain or 'topic'}-{fingerprint}"


def topic_spelling(label: str) -> str:
    """What makes two labels one topic: their letters, marks and digits, case and
    compatibility forms (full-width letters, ligatures) folded, words joined by '-'."""
    text = unicodedata.normalize("NFKC", label).casefold()
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in text)
    return "-".join(kept.split())


def _beyond_latin(label: str) -> bool:
    return any(c.isalpha() and not unicodedata.name(c, "").startswith("LATIN")
               for c in unicodedata.normalize("NFKC", label))
