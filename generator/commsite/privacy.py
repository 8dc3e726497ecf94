"""Personal data that must never be published, found in a record's text line by line.

Comms staff paste from emails and helpdesk tickets; a patient's NHS number, a
colleague's mobile number or a date of birth can come along unnoticed. Each
pattern is tuned to what is really personal data, so the check stays worth
reading: ten digits are an NHS number only when the Modulus 11 check digit is
valid; phone numbers and email addresses the organisation publishes on purpose
are allowed in mkdocs.yml; a date is flagged only where it is called a date of
birth. A line that really is fine (a published test number, say) is accepted
with `commsite: allow` on that line, in a YAML comment or an HTML comment.

Findings never repeat the data in full: the check's output ends up in CI logs.
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate
from dataclasses import dataclass

ALLOW_MARK = "commsite: allow"

# Patterns start with the character they need, the look-behind after it: Python's re then
# skips ahead to candidates instead of trying every position.
NHS_NUMBER = re.compile(r"(\d)(?<![\d+]\d)(\d\d)[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
# UK numbers: +44 or 0, then 9 or 10 digits with optional spaces, hyphens or brackets.
# Spaces are [^\S\n] (any white space but a line end): a number never spans two lines.
_S = r"[^\S\n]"
UK_PHONE = re.compile(rf"(?:\+(?<![\w+].)44{_S}?(?:\(0\){_S}?)?|\((?<![\w+].)0|0(?<![\w+].))"
                      rf"[1-9](?:(?:{_S}|[\-)])?\d){{8,9}}(?!\d)")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})\b")
MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?{_S}+(?:{MONTHS})[a-z]*\.?{_S}+\d{{4}})")
DATE_OF_BIRTH = re.compile(rf"\b(?:d\.?o\.?b\b\.?|date{_S}+of{_S}+birth\b|born(?:{_S}+on)?\b)"
                           rf"(?:{_S}|[:,\-])*(?:is{_S}+|was{_S}+)?{DATE}", re.I)
# Words without which DATE_OF_BIRTH cannot match: most records have none of them.
BIRTH_WORDS = ("dob", "d.o", "do.", "birth", "born")


@dataclass(frozen=True)
class Finding:
    line: int
    kind: str
    message: str


def nhs_number_valid(digits: str) -> bool:
    """The NHS number Modulus 11 check: weights 10..2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1))) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def phone_key(text: str) -> str:
    """A phone number as national digits ('020 7946 0958' and '+44 (0)20 79460958' agree)."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("440"):
        digits = digits[2:]
    elif digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits


def _tail(text: str) -> str:
    return "…" + re.sub(r"\D", "", text)[-2:]


class PrivacyScanner:
    def __init__(self, allowed_phones=(), allowed_email_domains=()):
        self.allowed_phones = {phone_key(p) for p in allowed_phones}
        self.allowed_domains = tuple(d.lower().lstrip("@") for d in allowed_email_domains)

    def _domain_allowed(self, domain: str) -> bool:
        domain = domain.lower()
        return any(domain == d or domain.endswith("." + d) for d in self.allowed_domains)

    def scan(self, text: str, first_line: int = 1) -> list[Finding]:
        # Each pattern runs once over the whole text (a thousand records' lines one by one
        # took most of `commsite check`'s time); no pattern crosses a line end, so a
        # finding is the finding of its line alone.
        lines = text.split("\n")
        starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
        allowed = {i for i, line in enumerate(lines) if ALLOW_MARK in line}
        found: list[tuple[int, int, Finding]] = []  # (line index, kind's rank, finding)

        def line_of(position: int) -> int | None:
            index = bisect.bisect_right(starts, position) - 1
            return None if index in allowed else index

        taken: list[tuple[int, int]] = []
        for match in NHS_NUMBER.finditer(text):
            index = line_of(match.start())
            if index is not None and nhs_number_valid("".join(match.groups())):
                taken.append(match.span())
                found.append((index, 0, Finding(first_line + index, "NHS number", "an NHS number "
                              f"(ending {_tail(match[0])}, valid check digit)")))
        for match in UK_PHONE.finditer(text):
            index = line_of(match.start())
            if index is None or any(a < match.end() and match.start() < b for a, b in taken):
                continue
            if phone_key(match[0]) not in self.allowed_phones:
                found.append((index, 1, Finding(first_line + index, "phone number", "a UK phone "
                              f"number (ending {_tail(match[0])}) that is not in allowed_phone_numbers "
                              "(set under the commsite plugin in mkdocs.yml)")))
        for match in EMAIL.finditer(text) if "@" in text else ():
            index = line_of(match.start())
            if index is not None and not self._domain_allowed(match[1]):
                found.append((index, 2, Finding(first_line + index, "email address", "an email "
                              f"address at '{match[1]}', outside allowed_email_domains "
                              f"({', '.join(self.allowed_domains) or 'none set'}; set under "
                              "the commsite plugin in mkdocs.yml)")))
        lower = text.lower()
        births = DATE_OF_BIRTH.finditer(text) if any(w in lower for w in BIRTH_WORDS) else ()
        lines_of_birth = {line_of(m.start()) for m in births} - {None}
        found += [(index, 3, Finding(first_line + index, "date of birth", "a date of birth"))
                  for index in lines_of_birth]
        # In line order, and within a line in the order the kinds are listed above.
        return [finding for *_, finding in sorted(found, key=lambda item: item[:2])]
