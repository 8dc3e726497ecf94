"""The record format as a JSON Schema, and its errors in plain English.

The schema is the single source of truth for which fields a record may have and
what each may hold: the loader validates against it, and the same document can
be handed to editors (VS Code's YAML extension) so authors see mistakes while
they type. Each property's `description` is the "what is allowed" half of our
messages, so the words an author reads in the editor and in the build agree.
"""

from __future__ import annotations

import datetime as dt
import re

from jsonschema import Draft202012Validator, FormatChecker

from .pasted import dash_hint
from .problems import Problem, did_you_mean, field_name
from .settings import Settings

DATE_HELP = "a date written YYYY-MM-DD, e.g. 2018-07-12"
WEBINAR_ONLY = ("slides", "recording", "qa", "start", "duration")
REQUIRED = ("title", "date", "audience", "summary")
START_PATTERN = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?$"


def _date(description: str) -> dict:
    return {"type": "string", "format": "date", "description": description}


def _text(description: str, max_length: int | None = None) -> dict:
    schema = {"type": "string", "minLength": 1, "description": description}
    if max_length:
        schema["maxLength"] = max_length
    return schema


def _list_of(description: str, item: str, **fields) -> dict:
    """A list of small records (changes, attachments, Q&A), each needing all its fields."""
    return {"type": "array", "description": description,
            "items": {"type": "object", "description": item, "required": list(fields),
                      "additionalProperties": False, "properties": fields}}


def record_schema(settings: Settings, type_key: str | None = None) -> dict:
    """The JSON Schema of one record type (None: the union, for editors)."""
    keys = list(settings.audiences)
    audience_help = "one audience key or a list of them: " + ", ".join(keys)
    props: dict = {
        "title": _text("the title, as text (at most 200 characters)", 200),
        "date": _date(f"the publication date: {DATE_HELP}"),
        "audience": {
            "description": audience_help,
            "anyOf": [
                {"type": "string", "enum": keys},
                # The list's own description completes "is an empty list; it must be ...";
                # its items need only the enum: a type check would add a second, vaguer
                # line ("must be string") beside "unknown key" for the same item.
                {"type": "array", "items": {"enum": keys}, "description": audience_help,
                 "minItems": 1, "uniqueItems": True},
            ],
        },
        "summary": _text(f"plain text of at most {settings.summary_max} characters, shown in "
                         "listings", settings.summary_max),
        "topics": {"type": "array", "items": _text("a topic label, e.g. GDPR", 60),
                   "uniqueItems": True, "description": "a list of topic labels, e.g. [GDPR, Portal]"},
        "updated": _date(f"the date of the latest change: {DATE_HELP}"),
        "changes": _list_of("a list of changes, each with 'date' and 'note'",
                            "a change with 'date' and 'note'",
                            date=_date(f"when it changed: {DATE_HELP}"),
                            note=_text("what changed, as text")),
        "draft": {"type": "boolean", "description": "true or false (true hides the record)"},
        "pdf": {"type": "boolean", "description": "true or false (false: no PDF for this record)"},
        "attachments": _list_of("a list of files, each with 'file' and 'title'",
                                "an attachment with 'file' and 'title'",
                                file=_text("a file path relative to the record's folder"),
                                title=_text("the attachment's title, as text")),
        "review_by": _date(f"when comms staff should review this record: {DATE_HELP}"),
        "superseded_by": {"type": "string", "pattern": r"^([a-z]+/)?[a-z0-9]+(-[a-z0-9]+)*$",
                          "description": "the file name, without .md, of the newer record that "
                                         "replaces this one, e.g. 2018-08-09-la-bulletin"},
        "action_required": _text("what readers must do, as text (at most 300 characters)", 300),
        "deadline": _date(f"the date by which readers must act: {DATE_HELP}"),
    }
    webinar = {
        "start": {"type": "string", "pattern": START_PATTERN,
                  "description": "the date and time it starts, e.g. 2018-07-03 14:00 (UK time, "
                                 "unless an offset such as +01:00 is given)"},
        "duration": {"type": "integer", "minimum": 1, "maximum": 1440,
                     "description": "how long it lasts, in minutes, e.g. 60"},
        "slides": _text("the slides file, relative to the record's folder"),
        "recording": {"type": "string", "pattern": r"^https?://\S+$",
                      "description": "the recording's web address, starting https://"},
        "qa": _list_of("the Q&A log: a list of entries with 'question' and 'answer'",
                       "a Q&A entry with 'question' and 'answer'",
                       question=_text("the question, as text"),
                       answer=_text("the answer, as Markdown text")),
    }
    if type_key in (None, "webinar"):
        props.update(webinar)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"commsite {type_key or 'record'}",
        "type": "object",
        "required": list(REQUIRED),
        "additionalProperties": False,
        "properties": props,
        "dependentRequired": {"deadline": ["action_required"], **(
            {"start": ["duration"], "duration": ["start"]} if type_key in (None, "webinar")
            else {})},
    }


def _kind(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    return "text"


class Checker:
    """Validates sources of one record type; built once per type, reused for every file."""

    def __init__(self, settings: Settings, type_key: str):
        self.type_key = type_key
        self.schema = record_schema(settings, type_key)
        self.validator = Draft202012Validator(self.schema, format_checker=FormatChecker())

    def check(self, src) -> list[Problem]:
        problems: set[Problem] = set()
        for error in self.validator.iter_errors(src.data):
            for path, message in self._explain(error):
                problems.add(Problem(src.rel, src.line_of(path), field_name(path), message))
        return sorted(problems)

    def _explain(self, error):
        path = tuple(error.absolute_path)
        schema, value, kind = error.schema, error.instance, error.validator
        allowed = schema.get("description", "")
        if kind == "required":
            for name in error.validator_value:
                if name not in value:
                    help_ = error.schema["properties"][name].get("description", "")
                    yield path + (name,), f"missing; it is required ({help_})"
        elif kind == "additionalProperties":
            known = list(schema.get("properties", {}))
            for name in value:
                if name in known:
                    continue
                if name in WEBINAR_ONLY and not path:
                    yield (name,), f"only webinars have '{name}'; remove it from this {self.type_key}"
                else:
                    yield path + (name,), (f"unknown field{did_you_mean(str(name), known)}; "
                                           f"allowed: {', '.join(known)}")
        elif kind == "anyOf":
            # The audience: pick the branch the author meant (one key, or a list).
            branch = 1 if isinstance(value, list) else 0
            inner = [e for e in error.context if e.schema_path and e.schema_path[0] == branch]
            if isinstance(value, (str, list)) and inner:
                for sub in inner:
                    yield from self._explain(sub)
            else:
                yield path, f"must be {allowed}, not {_kind(value)}"
        elif kind == "dependentRequired":
            for name, needs in error.validator_value.items():
                if name in value:
                    for other in needs:
                        if other not in value:
                            yield path + (name,), f"goes with '{other}'; add '{other}' or remove this"
        elif kind in ("minimum", "maximum"):
            yield path, f"{value} is not allowed; it must be {allowed}"
        elif kind == "enum":
            yield path, f"unknown key '{value}'; allowed: {', '.join(map(str, error.validator_value))}"
        elif kind == "type":
            yield path, f"must be {allowed or error.validator_value}, not {_kind(value)}"
        elif kind == "format":
            yield path, _bad_date(value)
        elif kind == "maxLength":
            yield path, f"is {len(value)} characters long; at most {error.validator_value} allowed"
        elif kind == "minLength":
            yield path, f"is empty; it must be {allowed}"
        elif kind == "minItems":
            yield path, f"is an empty list; it must be {allowed}"
        elif kind == "uniqueItems":
            yield path, "lists the same value twice; give each once"
        elif kind == "pattern":
            yield path, f"'{value}' is not allowed{dash_hint(value) or f'; it must be {allowed}'}"
        else:  # a keyword added to the schema later: still one readable line
            yield path, f"{error.message}; it must be {allowed}"


def _bad_date(value: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"'{value}' is not a real date (no such day); write it as YYYY-MM-DD, e.g. 2018-07-12"
    hint = dash_hint(value)
    if hint:
        return f"'{value}' is not a date in the form YYYY-MM-DD{hint}"
    return f"'{value}' is not a date in the form YYYY-MM-DD; write it like 2018-07-12"


def parse_date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)
