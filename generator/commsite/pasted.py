"""Characters that Word (and web pages) put into pasted text, found and named in plain words.

Comms staff write records in Word first and paste them in. Word writes curly quotes
(“ ” ‘ ’), non-breaking spaces and en dashes where a record's YAML needs straight
quotes, ordinary spaces and hyphens. All look the same on screen, so a reader's
message about them must say which character it is, where, and what to type instead.
"""

from __future__ import annotations

import json
import re

SPACES = {
    "\u00a0": "a non-breaking space",
    "\u202f": "a narrow non-breaking space",
    "\u2007": "a figure space",
    "\u2009": "a thin space",
    "\u200b": "a zero-width space",
    "\u3000": "a wide space",
}
DASHES = {"\u2013": "en dashes (–)", "\u2014": "em dashes (—)", "\u2011": "non-breaking hyphens",
          "\u2212": "minus signs (−)"}
CURLY = "“”‘’"
WORD = "as Word writes them"

_ODD = "[" + "".join(SPACES) + "]"
# Where YAML needs an ordinary space: indenting a line, after a list's '-', after 'name:'.
_INDENT = re.compile(rf"^[ \t]*(?:-[ \t]*)*({_ODD})")
_AFTER_DASH = re.compile(rf"^[ \t]*-({_ODD})")
_AFTER_KEY = re.compile(rf"^[ \t]*(?:-[ \t]+)?([^\s:#'\"][^:]*?):({_ODD})")
# A value written in curly quotes: `title: “…”` or `- ‘…’`.
_CURLY_VALUE = re.compile(rf"^(?P<lead>[ \t]*(?:-[ \t]+)*(?:(?P<key>[^\s:#'\"{CURLY}-][^:]*?):"
                          rf"[ \t]+)?)[{CURLY}](?P<inner>.*)[{CURLY}][ \t]*$")


def repair_spaces(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The YAML text with odd spaces where YAML needs a space made ordinary, and for each
    one (0-based line, 1-based column, plain message)."""
    lines, found = text.split("\n"), []
    for index, line in enumerate(lines):
        while True:
            for pattern, where in ((_AFTER_KEY, "after '{key}:'"), (_AFTER_DASH, "after '-'"),
                                   (_INDENT, "at the start of the line")):
                match = pattern.match(line)
                if match:
                    break
            else:
                break
            group = match.lastindex
            column = match.start(group) + 1
            what = SPACES[match[group]]
            place = where.format(key=match[1].strip()) if group == 2 else where
            found.append((index, column, f"there is {what} at line {{line}} column {column}, "
                          f"{place} (Word and web pages put them in pasted text); YAML needs an "
                          "ordinary space there: delete it and type a space"))
            line = line[:match.start(group)] + " " + line[match.end(group):]
        lines[index] = line
    return "\n".join(lines), found


def repair_curly_value(line: str, only_if_misread: bool = False) -> tuple[str, str] | None:
    """(the line in straight quotes, plain message) when its value is in curly quotes;
    with `only_if_misread`, only where the quotes would be read as part of something else
    (': ' makes a field in a field, ' #' a comment)."""
    match = _CURLY_VALUE.match(line)
    if not match or not (match["key"] or "-" in match["lead"]):
        return None
    inner = match["inner"]
    if only_if_misread and not (": " in inner or " #" in inner or inner.endswith(":")):
        return None
    fixed = match["lead"] + json.dumps(match["inner"], ensure_ascii=False)  # JSON is YAML
    which = "“ ”" if line.rstrip()[-1] in "“”" else "‘ ’"
    what = f"the value of '{match['key'].strip()}'" if match["key"] else "this list item"
    return fixed, (f"{what} is in curly quotes {which}, {WORD}, which YAML does not read as "
                   f"quotes; use straight quotes: {fixed.strip()}")


def dash_hint(value: str) -> str:
    """'; it has en dashes (–), as Word writes them: use hyphens (-)' for a date or time
    typed with Word's dashes, else ''."""
    found = [name for char, name in DASHES.items() if char in value]
    if not found:
        return ""
    fixed = value.translate({ord(c): "-" for c in DASHES})
    return (f"; it has {' and '.join(found)}, {WORD}, where ordinary hyphens (-) belong: "
            f"write {fixed}")
