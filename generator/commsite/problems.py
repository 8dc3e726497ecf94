"""Problems found in authors' records, reported one line each.

Comms officers, not developers, read these messages, so each one names the file
and line to open, the field at fault, what is wrong and what is allowed. The
loader collects every problem in a run before giving up, so an author fixes a
whole batch at once instead of one error per build.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field


def quiet(message: str) -> None:
    """Where a progress line or a note goes when no one listens (the default `report`)."""


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the project root, with forward slashes
    line: int
    field: str  # "" where no single field is at fault (e.g. broken YAML)
    message: str
    # What a finding means for a build (checks.audit): "" a validation problem, which always
    # stops it; UNPUBLISHABLE stops it when the record is published; ADVICE never does.
    kind: str = field(default="", compare=False)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


UNPUBLISHABLE, ADVICE = "unpublishable", "advice"


class RecordError(Exception):
    """Raised with every problem found in a run; str() gives one line each."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the records; nothing was built:"
        return "\n".join([head, *map(str, self.problems)])


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'title'?)' when a choice is close to what was typed, else ''."""
    close = difflib.get_close_matches(word.lower(), [c.lower() for c in choices], n=1, cutoff=0.6)
    if not close:
        return ""
    original = next(c for c in choices if c.lower() == close[0])
    return f" (did you mean '{original}'?)"


def field_name(path) -> str:
    """('qa', 2, 'answer') -> 'qa[3].answer': authors count list items from 1."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
