"""Reading one record file into its fields, its body and the line of every field.

A record is `NAME.md` (YAML front matter between `---` lines, then Markdown) or
`NAME.yml`/`NAME.yaml` (a YAML mapping whose `body` holds the Markdown). This
module only turns bytes into Python values; whether the values are right is the
schema's job. Line numbers are kept per field so every later message can point
the author at the line to fix.

YAML is read with PyYAML's safe loader, changed in three ways:
- dates stay text, so `2018-02-30` or `12/07/2018` reach the schema and get a
  plain-English message instead of a constructor error or a silent datetime;
- anchors and aliases are refused: authors never need them, and they are how a
  "billion laughs" file makes a loader use all the memory there is;
- a key given twice is a problem, where PyYAML would silently keep the last.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .pasted import repair_curly_value, repair_spaces
from .problems import Problem, field_name

RECORD_SUFFIXES = (".md", ".yml", ".yaml")
MAX_BYTES = 1_000_000  # far above any real record; keeps a pasted 5 MB blob from stalling a build
MAX_DEPTH = 20  # records nest 3 deep; far deeper input would exhaust PyYAML's recursive composer
_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")


class _Fields:
    def construct_mapping(self, node, deep=False):
        # A field name is the text the author typed: 'on' or '1' is a (wrong) name, not
        # true or a number, so messages name it as typed and at its own line.
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key_node.tag = "tag:yaml.org,2002:str"
        return super().construct_mapping(node, deep)


class _Loader(_Fields, yaml.SafeLoader):
    """Pure Python: its error messages are the ones authors are shown."""


# libyaml's parser when PyYAML was built with it: several times faster on good files.
# A file it rejects is read again by _Loader, whose messages and marks we explain.
_FastLoader = type("_FastLoader", (_Fields, getattr(yaml, "CSafeLoader", yaml.SafeLoader)), {})

# Drop the timestamp resolver: every date stays a string for the schema to check.
_Loader.yaml_implicit_resolvers = _FastLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

@dataclass
class Source:
    """One record file, read but not yet validated."""

    path: Path
    rel: str  # shown in messages
    data: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)  # field path -> 1-based line in the file
    body: str = ""
    text: str = ""  # the whole file, line ends made '\n', for checks that read it all
    body_line: int = 1  # line of the file where the Markdown body starts
    start_line: int = 1  # line of the opening `---` or the first line of a YAML record
    fields_read: bool = True  # False: the file's problems kept its fields from being read

    def line_of(self, path: tuple) -> int:
        """The line of a field, or of its nearest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.start_line


def read_source(path: Path, rel: str) -> tuple[Source, list[Problem]]:
    """Read a record file: the source and its problems. Where problems kept the fields from
    being read, `fields_read` is False (and `text` is what could be decoded)."""
    src = Source(path=path, rel=rel)

    def unread(problems: list[Problem]):
        # The fields could not be read; the text still goes to checks that read it all.
        src.fields_read = False
        return src, problems

    def fail(line: int, message: str, field_name: str = ""):
        return unread([Problem(rel, line, field_name, message)])

    with open(path, "rb") as file:  # never more than the limit: a 3 GB file is not read whole
        raw = file.read(MAX_BYTES + 1)
        size = max(len(raw), os.fstat(file.fileno()).st_size)
    if len(raw) > MAX_BYTES:
        return fail(1, f"the file is {size:,} bytes; a record may be at most {MAX_BYTES:,} bytes "
                       "(put large material in an attachment)")
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark from Windows editors is harmless
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return fail(line, f"the file is not UTF-8 text (byte 0x{raw[err.start]:02x}); "
                          "save it as UTF-8 in your editor")
    text = src.text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return fail(1, "the file is empty; a record needs at least title, date, audience and summary")

    if path.suffix == ".md":
        lines = text.split("\n")
        if lines[0].rstrip() != "---":
            return fail(1, "the file must start with a '---' line, then the fields, then another "
                           "'---' line, then the text")
        close = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
        if close is None:
            return fail(1, "the front matter opened with '---' on line 1 never closes; "
                           "add a '---' line after the last field")
        yaml_text, first_line = "\n".join(lines[1:close]), 2
        src.body = "\n".join(lines[close + 1:])
        src.body_line = close + 2
    else:
        yaml_text, first_line = text, 1

    data, lines_map, problems = _parse_fields(yaml_text, first_line, rel)
    if data is None and problems:
        return unread(problems)
    if data is None:  # only '---' or comments: report the missing fields
        data = {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        return fail(first_line, f"the fields must be 'name: value' lines, but this is {kind}")
    src.data, src.lines, src.start_line = data, lines_map, max(first_line - 1, 1)
    if path.suffix != ".md":
        body = data.pop("body", "")
        src.body_line = lines_map.get(("body",), 1) + 1
        src.body = body if isinstance(body, str) else ""
        if not isinstance(body, str):
            return fail(src.line_of(("body",)), "must be Markdown text (use 'body: |' and indent "
                                                "the text below it)", "body")
    # Fields read despite problems (a key given twice, Word's characters repaired): the
    # problems stop the record, but its fields are still checked in the same run.
    return src, problems


def _parse_fields(text: str, first_line: int, rel: str):
    """_parse_yaml, after repairing what Word puts into pasted text: each repair is a
    problem in plain words, and the repaired fields are still read, so that the fields'
    own problems show in the same run."""
    text, spaces = repair_spaces(text)
    problems = [Problem(rel, index + first_line, "", "YAML syntax error: "
                        + message.format(line=index + first_line))
                for index, _, message in spaces]
    lines = text.split("\n")
    for index, line in enumerate(lines):
        # ': ' or ' #' inside curly quotes changes what the line means even where it reads
        # (a field in a field, a comment): the author meant quotes.
        repaired = repair_curly_value(line, only_if_misread=True)
        if repaired is not None:
            lines[index], message = repaired
            problems.append(Problem(rel, index + first_line, "", f"YAML syntax error: {message}"))
    while True:
        data, lines_map, found = _parse_yaml("\n".join(lines), first_line, rel)
        error = found[0] if data is None and found else None
        index = error.line - first_line if error else -1
        repaired = repair_curly_value(lines[index]) if 0 <= index < len(lines) else None
        if repaired is None:
            break
        lines[index], message = repaired
        problems.append(Problem(rel, error.line, "", f"YAML syntax error: {message}"))
    return data, lines_map, sorted(problems + found)


def _parse_yaml(text: str, first_line: int, rel: str, loader_class=_FastLoader):
    offset = first_line - 1
    problems: list[Problem] = []
    try:
        depth = 0
        for event in yaml.parse(text, Loader=loader_class):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1 + offset
                return None, {}, [Problem(rel, line, "", "YAML anchors and aliases ('&name', "
                                          "'*name') are not allowed in records; write the value out")]
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 + offset
                return None, {}, [Problem(rel, line, "", f"the fields are nested more than "
                                          f"{MAX_DEPTH} levels deep; check the brackets and "
                                          "indentation")]
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        if loader_class is not _Loader:
            return _parse_yaml(text, first_line, rel, _Loader)
        return None, {}, [_yaml_problem(err, text, first_line, rel)]
    lines: dict = {}
    if node is not None:
        _walk(node, (), lines, offset, rel, problems)
    return data, lines, problems


def _yaml_problem(err: yaml.YAMLError, text: str, first_line: int, rel: str) -> Problem:
    if not isinstance(err, yaml.MarkedYAMLError):
        return Problem(rel, first_line, "", f"YAML syntax error: {err}")
    context = err.context or ""
    # For a quote, bracket or key left open, PyYAML marks where it gave up (often the
    # end of the fields); the mistake is where that thing started: its context mark.
    opened = any(word in context for word in ("quoted scalar", "flow", "simple key"))
    mark = (err.context_mark if opened else None) or err.problem_mark or err.context_mark
    line = (mark.line + first_line) if mark else first_line
    what = " ".join(filter(None, [err.context, err.problem])) or "cannot be read"
    plain = _plain_yaml_error(what, "\t" in text)
    detail = f"{plain} (the YAML reader says: {what})" if plain else what
    return Problem(rel, line, "", f"YAML syntax error: {detail}")


# PyYAML's words, and what they mean for someone typing fields into a record.
_YAML_HINTS = (
    ("quoted scalar found unexpected end", "a quote opened on this line is never closed; "
                                           "add the closing quote"),
    ("'\\t'", "tabs are not allowed for indenting; use spaces"),
    ("mapping values are not allowed", "a value contains ': ', or a field is indented under "
                                       "another; put the value in quotes, or line the field up"),
    ("expected <block end>", "the lines are not lined up; indent sub-fields and list items by "
                             "the same number of spaces"),
    ("flow sequence", "a list opened with '[' on this line is not closed with ']'"),
    ("flow mapping", "a '{' on this line is not closed with '}'"),
    ("could not find expected ':'", "this line has no ':' after its field name; write "
                                    "'name: value'"),
    ("tag", "'!' starts a YAML tag; put the value in quotes"),
)


def _plain_yaml_error(what: str, has_tabs: bool) -> str:
    for words, plain in _YAML_HINTS:
        if words in what:
            return plain
    return "tabs are not allowed for indenting; use spaces" if has_tabs else ""


def _walk(node, path, lines, offset, rel, problems):
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                problems.append(Problem(rel, line, field_name((*path, key)),
                                        "given twice; keep one"))
            seen.add(key)
            lines[(*path, key)] = line
            _walk(value_node, (*path, key), lines, offset, rel, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1 + offset
            _walk(item, (*path, index), lines, offset, rel, problems)
