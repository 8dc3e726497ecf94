"""More broken records, each with the exact line its author reads (beside test_validation.py).

Together with test_validation.py these make the corpus of broken input the team
promised: every case names file, line and field, and none is a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from commsite.problems import RecordError
from commsite.records import load_records
from commsite.settings import Settings

F = "title: T\ndate: 2018-07-12\naudience: la\nsummary: S\n"
LAUGHS = (b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
          b"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
          b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n")

CASES = [
    ("cr-only-line-endings", "bulletins/x.md",
     ("---\r" + F.replace("\n", "\r") + "draft: maybe\r---\rText.\r").encode(),
     "bulletins/x.md:6: draft: must be true or false (true hides the record), not text"),
    ("billion-laughs", "bulletins/x.yml", LAUGHS,
     "bulletins/x.yml:1: YAML anchors and aliases ('&name', '*name') are not allowed in "
     "records; write the value out"),
    ("title-of-2000-characters", "bulletins/x.md",
     f"---\ntitle: {'A' * 2000}\ndate: 2018-07-12\naudience: la\nsummary: S\n---\nx\n".encode(),
     "bulletins/x.md:2: title: is 2000 characters long; at most 200 allowed"),
    ("a-5-MB-file", "bulletins/x.md", ("---\n" + F + "---\n" + "word " * 1_000_000).encode(),
     "bulletins/x.md:1: the file is 5,000,058 bytes; a record may be at most 1,000,000 bytes "
     "(put large material in an attachment)"),
    ("number-where-text-belongs", "bulletins/x.md",
     b"---\ntitle: T\ndate: 2018-07-12\naudience: la\nsummary: 300\n---\n",
     "bulletins/x.md:5: summary: must be plain text of at most 300 characters, shown in "
     "listings, not a number"),
    ("mapping-where-a-list-belongs", "bulletins/x.md", ("---\n" + F + "topics: {GDPR: yes}\n---\n").encode(),
     "bulletins/x.md:6: topics: must be a list of topic labels, e.g. [GDPR, Portal], not a set of fields"),
    ("text-where-fields-belong", "bulletins/x.md",
     ("---\n" + F + "attachments:\n  - notes.pdf\n---\n").encode(),
     "bulletins/x.md:7: attachments[1]: must be an attachment with 'file' and 'title', not text"),
    ("date-as-a-number", "bulletins/x.md",
     b"---\ntitle: T\ndate: 20180712\naudience: la\nsummary: S\n---\n",
     "bulletins/x.md:3: date: must be the publication date: a date written YYYY-MM-DD, e.g. "
     "2018-07-12, not a number"),
    ("utf-16-file", "bulletins/x.md", ("---\n" + F + "---\nx\n").encode("utf-16"),
     "bulletins/x.md:1: the file is not UTF-8 text (byte 0xff); save it as UTF-8 in your editor"),
    ("slug-with-spaces", "bulletins/LA bulletin 12 July.md", ("---\n" + F + "---\n").encode(),
     "bulletins/LA bulletin 12 July.md:1: the file name 'LA bulletin 12 July.md' cannot be a web "
     "address; use lowercase letters, digits and single hyphens, e.g. 'la-bulletin-12-july.md'"),
    ("recording-that-is-not-a-web-address", "webinars/x.md",
     ("---\n" + F + "recording: www.example.org/rec\n---\n").encode(),
     "webinars/x.md:6: recording: 'www.example.org/rec' is not allowed; it must be the "
     "recording's web address, starting https://"),
    ("qa-entry-without-an-answer", "webinars/x.md", ("---\n" + F + "qa:\n  - question: Why?\n---\n").encode(),
     "webinars/x.md:7: qa[1].answer: missing; it is required (the answer, as Markdown text)"),
]


@pytest.mark.parametrize("rel, data, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_record_gives_its_line(tmp_path: Path, rel, data, expected):
    path = tmp_path / rel
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    with pytest.raises(RecordError) as info:
        load_records(Settings(root=tmp_path))
    assert [str(p) for p in info.value.problems] == [expected]
