"""A new record as `commsite new` (and `commsite init`, `commsite import`) writes it.

The text the template leaves for the author to replace is declared here once, so
the check that finds it still in a record (a blocking finding of `commsite check`
and of the build) and the template that writes it always agree.
"""

from __future__ import annotations

import json

# Every placeholder starts with this, in the summary and in the body: an author sees
# at a glance what is left to write, and a check finds it by this one string.
PLACEHOLDER = "TODO:"
PLACEHOLDER_SUMMARY = PLACEHOLDER + " one or two sentences about {title}."
PLACEHOLDER_BODY = PLACEHOLDER + " write the {kind} here in Markdown, in place of this line."
PLACEHOLDERS = (PLACEHOLDER,)  # what a check looks for in a record's fields and body

TEMPLATE = """---
# The title readers see. Changing it later never changes the web address.
title: {title}
# The publication date, YYYY-MM-DD. A date in the future keeps the record off the site until then.
date: {date}
# Who it is for: one key or a list. Allowed: {audience_keys}
audience: {audience}
# One or two plain sentences (at most 300 characters) for listings: what it covers or asks.
summary: {summary}
# Topic labels readers filter by, e.g. [GDPR, Anti-spoofing]. Reuse existing labels.
topics: []
# A draft stays off the published site (the preview shows it). Remove this line to publish.
draft: true
# pdf: false             # no PDF for this record
# updated: YYYY-MM-DD    # the date of the latest change, and what changed:
# changes:
#   - date: YYYY-MM-DD
#     note: What changed.
# review_by: YYYY-MM-DD  # `commsite check` reminds you when this date has passed
# superseded_by: NAME    # the file name (without .md) of the record that replaces this one
# action_required: What readers must do.
# deadline: YYYY-MM-DD   # the date by which they must do it
# attachments:           # files in this folder, e.g. attachments/notes.pdf
#   - file: attachments/notes.pdf
#     title: Release notes
{extra}---

{body}

<!-- Start headings at '##': the title is the page's only top heading.
     Images are files in this folder and need alt text: ![What the image shows](images/chart.png) -->
"""

WEBINAR_EXTRA = """# start: YYYY-MM-DD HH:MM  # when it starts (UK time); with duration, readers can add it to a calendar
# duration: 60           # minutes
# slides: slides/deck.pdf
# recording: https://...
# qa:                    # the Q&A log
#   - question: The question?
#     answer: The answer, in Markdown.
"""


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def new_record(*, type_key: str, kind: str, title: str, date: str, audiences: list[str],
               audience_keys, summary: str | None = None, body: str | None = None) -> str:
    """The text of a new draft record; summary and body default to the placeholders."""
    return TEMPLATE.format(
        title=quote(title), date=date, audience_keys=", ".join(audience_keys),
        audience=audiences[0] if len(audiences) == 1 else f"[{', '.join(audiences)}]",
        summary=quote(summary if summary is not None
                      else PLACEHOLDER_SUMMARY.format(title=title)),
        body=body if body is not None else PLACEHOLDER_BODY.format(kind=kind),
        extra=WEBINAR_EXTRA if type_key == "webinar" else "")
