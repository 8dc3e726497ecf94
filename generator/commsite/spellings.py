"""American spellings of a record's British words, for the search index.

Records are written in British English; many readers type American spellings
("organization", "color", "center"). Pagefind stems words but does not know that
"organisation" and "organization" are one word, so each record page gives the index,
hidden from every reader, the American spelling of each of its words that has one
(templates/record.html). A search engine does the same with a synonym list at index
time; here the list is breame's table of British and American spellings (about 1,700
words), so no rule guesses wrongly ("for" is not "four").
"""

from __future__ import annotations

import html
import re

from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

from .records import Record

WORD = re.compile(r"[^\W\d_]+")  # "organisation's" is looked up as "organisation"
TAG = re.compile(r"<[^>]*>")


def applies(language: str) -> bool:
    """British English sites only: 'en' or 'en-GB' (and the other non-US Englishes)."""
    parts = language.lower().replace("_", "-").split("-")
    return parts[0] == "en" and parts[1:2] != ["us"]


def american_spellings(record: Record) -> list[str]:
    """The American spellings of the record's words that are spelled otherwise in British
    English, each once, in the order they first appear."""
    texts = [record.title, record.summary, " ".join(record.topics), record.body.html]
    texts += [f"{entry.question} {entry.answer_html}" for entry in record.qa]
    found: dict[str, None] = {}
    for text in texts:
        for word in WORD.findall(html.unescape(TAG.sub(" ", text)).lower()):
            other = BRITISH_ENGLISH_SPELLINGS.get(word)
            if other and other != word:
                found.setdefault(other, None)
    return list(found)
