"""What a comms officer sees when a record is wrong, line for line.

Each test writes a few small record files into a temporary project and compares
the exact lines `load_records` reports (`path:line: field: message`), because
those lines are the whole interface for an author who is not a developer: the
file to open, the line to look at, the field at fault and what to write instead.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from commsite.problems import RecordError
from commsite.records import load_records
from commsite.settings import Settings

# The four required fields, lines 2-5 of a Markdown record (line 1 is '---').
FIELDS = "title: T\ndate: 2018-07-12\naudience: la\nsummary: S\n"

DATE_FORM = "is not a date in the form YYYY-MM-DD; write it like 2018-07-12"
NO_SUCH_DAY = "is not a real date (no such day); write it as YYYY-MM-DD, e.g. 2018-07-12"
BULLETIN_FIELDS = ("title, date, audience, summary, topics, updated, changes, draft, pdf, "
                   "attachments, review_by, superseded_by, action_required, deadline")
INSIDE = "give a path inside the record's folder, e.g. slides/deck.pdf"


def write(root: Path, relpath: str, text: str | bytes) -> Path:
    """Write a file under the project root exactly as given (no newline translation)."""
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def md(fields: str = FIELDS, body: str = "Text.\n") -> str:
    """A Markdown record: '---' on line 1, the fields from line 2, '---', the body."""
    return f"---\n{fields}---\n{body}"


def problems(root: Path) -> list[str]:
    """The lines an author would read, in the order they are reported."""
    with pytest.raises(RecordError) as info:
        load_records(Settings(root=root))
    return [str(p) for p in info.value.problems]


def load(root: Path) -> dict:
    """Records loaded without problems, by (type key, slug)."""
    return {(r.type.key, r.slug): r for r in load_records(Settings(root=root))}


# --- Reading the file: encoding, front matter, YAML syntax ------------------------------


@pytest.mark.parametrize("relpath, text, expected", [
    pytest.param(
        "bulletins/x.md",
        md("title: T\ndate: 2018-07-12\naudience: la\nsummary: 'S\ntopics: [GDPR]\n"),
        "bulletins/x.md:5: "
        "YAML syntax error: a quote opened on this line is never closed; add the closing quote "
        "(the YAML reader says: while scanning a quoted scalar found unexpected end of stream)",
        id="unclosed-quote-points-at-the-quote-not-the-end"),
    pytest.param(
        "bulletins/x.yml",
        'title: "T\ndate: 2018-07-12\naudience: la\nsummary: S\nbody: |\n  Text.\n',
        "bulletins/x.yml:1: "
        "YAML syntax error: a quote opened on this line is never closed; add the closing quote "
        "(the YAML reader says: while scanning a quoted scalar found unexpected end of stream)",
        id="unclosed-quote-in-yml"),
    pytest.param(
        "bulletins/x.md",
        md("title: T\ndate: 2018-07-12\naudience: la\nsummary: S\n  draft: true\n"),
        "bulletins/x.md:6: YAML syntax error: a value contains ': ', or a field is indented under "
        "another; put the value in quotes, or line the field up (the YAML reader says: mapping "
        "values are not allowed here)",
        id="over-indented-field"),
    pytest.param(
        "bulletins/x.md",
        md(FIELDS + "attachments:\n  - file: a.pdf\n   title: A\n"),
        "bulletins/x.md:8: YAML syntax error: the lines are not lined up; indent sub-fields and "
        "list items by the same number of spaces (the YAML reader says: while parsing a block "
        "collection expected <block end>, but found '<block mapping start>')",
        id="misaligned-list-item"),
    pytest.param(
        "bulletins/x.md",
        md(FIELDS + "topics: [GDPR, Portal\ndraft: false\n"),
        "bulletins/x.md:6: YAML syntax error: a list opened with '[' on this line is not closed "
        "with ']' (the YAML reader says: while parsing a flow sequence expected ',' or ']', but "
        "got ':')",
        id="unclosed-bracket-points-at-the-bracket"),
    pytest.param(
        "bulletins/x.md",
        md("title: T\ndate: 2018-07-12\naudience: la\nsummary S\ndraft: false\n"),
        "bulletins/x.md:5: YAML syntax error: this line has no ':' after its field name; write "
        "'name: value' (the YAML reader says: while scanning a simple key could not find "
        "expected ':')",
        id="missing-colon-points-at-the-key"),
])
def test_broken_yaml_names_the_line_to_fix(tmp_path, relpath, text, expected):
    write(tmp_path, relpath, text)
    assert problems(tmp_path) == [expected]


def test_tabs_for_indentation_are_explained(tmp_path):
    write(tmp_path, "bulletins/x.md", md(FIELDS + "topics:\n\t- GDPR\n"))
    assert problems(tmp_path) == [
        "bulletins/x.md:7: YAML syntax error: tabs are not allowed for indenting; use spaces (the "
        "YAML reader says: while scanning for the next token found character '\\t' that cannot "
        "start any token)"]


def test_front_matter_that_never_closes(tmp_path):
    write(tmp_path, "bulletins/x.md", "---\n" + FIELDS + "\nText.\n")
    assert problems(tmp_path) == [
        "bulletins/x.md:1: the front matter opened with '---' on line 1 never closes; "
        "add a '---' line after the last field"]


def test_markdown_file_not_starting_with_dashes(tmp_path):
    write(tmp_path, "bulletins/x.md", FIELDS + "---\nText.\n")
    assert problems(tmp_path) == [
        "bulletins/x.md:1: the file must start with a '---' line, then the fields, then another "
        "'---' line, then the text"]


@pytest.mark.parametrize("relpath, text", [
    ("bulletins/x.md", ""),
    ("bulletins/x.md", "\n  \n\n"),
    ("webinars/x.yml", ""),
])
def test_empty_file(tmp_path, relpath, text):
    write(tmp_path, relpath, text)
    assert problems(tmp_path) == [
        f"{relpath}:1: the file is empty; a record needs at least title, date, audience and "
        "summary"]


def test_non_utf8_bytes_name_the_line_and_byte(tmp_path):
    write(tmp_path, "bulletins/x.md", b"---\ntitle: T\nsummary: Caf\xe9 opening\n---\n")
    assert problems(tmp_path) == [
        "bulletins/x.md:3: the file is not UTF-8 text (byte 0xe9); save it as UTF-8 in your "
        "editor"]


@pytest.mark.parametrize("relpath, text", [
    ("bulletins/x.md", md(FIELDS + "topics: [GDPR]\n", "## Part\r\n\r\nText.\r\n")),
    ("bulletins/x.yml", FIELDS + "topics: [GDPR]\nbody: |\n  ## Part\n\n  Text.\n"),
])
def test_bom_and_crlf_line_endings_load(tmp_path, relpath, text):
    write(tmp_path, relpath, "\ufeff" + text.replace("\r\n", "\n").replace("\n", "\r\n"))
    record = load(tmp_path)["bulletin", "x"]
    assert (record.title, record.date, record.topics) == ("T", dt.date(2018, 7, 12), ("GDPR",))
    assert "\r" not in record.body.html and "<h2" in record.body.html


def test_problem_lines_are_right_with_crlf(tmp_path):
    write(tmp_path, "bulletins/x.md",
          "\ufeff" + md(FIELDS.replace("la", "LA")).replace("\n", "\r\n"))
    assert problems(tmp_path) == [
        "bulletins/x.md:4: audience: unknown key 'LA'; allowed: la, users"]


@pytest.mark.parametrize("fields, line", [
    ("title: &t T\ndate: 2018-07-12\naudience: la\nsummary: *t\n", 2),
    (FIELDS + "topics: &t [GDPR]\n", 6),
])
def test_yaml_anchors_and_aliases_are_refused(tmp_path, fields, line):
    write(tmp_path, "bulletins/x.md", md(fields))
    assert problems(tmp_path) == [
        f"bulletins/x.md:{line}: YAML anchors and aliases ('&name', '*name') are not allowed "
        "in records; write the value out"]


@pytest.mark.parametrize("fields, expected", [
    (FIELDS + "title: U\n", "bulletins/x.md:6: title: given twice; keep one"),
    (FIELDS + "changes:\n  - date: 2018-07-13\n    note: A\n    date: 2018-07-14\n",
     "bulletins/x.md:9: changes[1].date: given twice; keep one"),
])
def test_a_key_given_twice(tmp_path, fields, expected):
    write(tmp_path, "bulletins/x.md", md(fields))
    assert problems(tmp_path) == [expected]


# --- Text pasted from Word: curly quotes, non-breaking spaces, en dashes ----------------

CURLY = ("YAML syntax error: the value of 'title' is in curly quotes “ ”, as Word writes them, "
         "which YAML does not read as quotes; use straight quotes: ")


def test_curly_quotes_from_word_are_named_and_the_other_fields_still_checked(tmp_path):
    write(tmp_path, "bulletins/x.md", md("title: “LA Bulletin: 9 December 2026”\n"
                                         "date: 2026-12-09\naudience: LA\nsummary: S\n"))
    assert problems(tmp_path) == [
        f'bulletins/x.md:2: {CURLY}title: "LA Bulletin: 9 December 2026"',
        "bulletins/x.md:4: audience: unknown key 'LA'; allowed: la, users"]


def test_curly_single_quotes_in_a_list_item_and_in_a_yaml_record(tmp_path):
    write(tmp_path, "webinars/w.yml", FIELDS + "topics:\n  - ‘Portal: new look’\n"
          "body: Text.\n")
    assert problems(tmp_path) == [
        "webinars/w.yml:6: YAML syntax error: this list item is in curly quotes ‘ ’, as Word "
        "writes them, which YAML does not read as quotes; use straight quotes: "
        '- "Portal: new look"']


def test_curly_quotes_that_read_as_text_are_left_alone(tmp_path):
    write(tmp_path, "bulletins/x.md", md(FIELDS.replace("title: T", "title: “Use secure passwords”")))
    assert load(tmp_path)[("bulletin", "x")].title == "“Use secure passwords”"


@pytest.mark.parametrize("fields, expected", [
    ("title:\u00a0LA Bulletin\n" + FIELDS[8:],
     "bulletins/x.md:2: YAML syntax error: there is a non-breaking space at line 2 column 7, "
     "after 'title:'"),
    (FIELDS + "topics:\n\u00a0 - GDPR\n",
     "bulletins/x.md:7: YAML syntax error: there is a non-breaking space at line 7 column 1, "
     "at the start of the line"),
    (FIELDS + "topics:\n  -\u00a0GDPR\n",
     "bulletins/x.md:7: YAML syntax error: there is a non-breaking space at line 7 column 4, "
     "after '-'"),
    (FIELDS + "topics:\u202f[GDPR]\n",
     "bulletins/x.md:6: YAML syntax error: there is a narrow non-breaking space at line 6 "
     "column 8, after 'topics:'"),
])
def test_non_breaking_spaces_are_named_with_line_and_column(tmp_path, fields, expected):
    write(tmp_path, "bulletins/x.md", md(fields))
    assert problems(tmp_path) == [expected + " (Word and web pages put them in pasted text); "
                                  "YAML needs an ordinary space there: delete it and type a space"]


def test_a_non_breaking_space_inside_a_value_is_text(tmp_path):
    write(tmp_path, "bulletins/x.md", md(FIELDS.replace("title: T", "title: 9\u00a0December")))
    assert load(tmp_path)[("bulletin", "x")].title == "9\u00a0December"


@pytest.mark.parametrize("fields, expected", [
    (FIELDS.replace("2018-07-12", "2018–07–12"),
     "bulletins/x.md:3: date: '2018–07–12' is not a date in the form YYYY-MM-DD; it has en dashes "
     "(–), as Word writes them, where ordinary hyphens (-) belong: write 2018-07-12"),
    (FIELDS + "review_by: 2019—01-01\n",
     "bulletins/x.md:6: review_by: '2019—01-01' is not a date in the form YYYY-MM-DD; it has em "
     "dashes (—), as Word writes them, where ordinary hyphens (-) belong: write 2019-01-01"),
])
def test_word_dashes_in_dates_are_named(tmp_path, fields, expected):
    write(tmp_path, "bulletins/x.md", md(fields))
    assert problems(tmp_path) == [expected]


def test_word_dashes_in_a_webinar_start(tmp_path):
    write(tmp_path, "webinars/w.md", md(FIELDS + "start: 2018–07–03 14:00\nduration: 60\n"))
    assert problems(tmp_path) == [
        "webinars/w.md:6: start: '2018–07–03 14:00' is not allowed; it has en dashes (–), as Word "
        "writes them, where ordinary hyphens (-) belong: write 2018-07-03 14:00"]


def test_the_build_lists_syntax_field_and_body_problems_of_every_file_at_once(tmp_path):
    write(tmp_path, "bulletins/a.md", md("title: [unclosed\n" + FIELDS[8:], "![](x.png)\n"))
    write(tmp_path, "bulletins/b.md", md(FIELDS.replace("la", "LA"),
                                         "# Top\n\n![](chart.png)\n"))
    write(tmp_path, "bulletins/chart.png", b"\x89PNG\r\n\x1a\n")
    assert problems(tmp_path) == [
        "bulletins/a.md:2: YAML syntax error: a list opened with '[' on this line is not closed "
        "with ']' (the YAML reader says: while parsing a flow sequence expected ',' or ']', but "
        "got ':')",
        "bulletins/b.md:4: audience: unknown key 'LA'; allowed: la, users",
        "bulletins/b.md:7: body: '# Top' is a top-level heading; the title is the page's only "
        "one, so start body headings at '##'",
        "bulletins/b.md:9: body: the image 'chart.png' has no alt text; describe it: "
        "![what the image shows](chart.png)"]


# --- The fields: required, types, values -------------------------------------------------


def test_every_missing_required_field_is_reported(tmp_path):
    write(tmp_path, "bulletins/x.md", md("topics: [GDPR]\n"))
    assert problems(tmp_path) == [
        "bulletins/x.md:1: audience: missing; it is required (one audience key or a list of "
        "them: la, users)",
        "bulletins/x.md:1: date: missing; it is required (the publication date: a date written "
        "YYYY-MM-DD, e.g. 2018-07-12)",
        "bulletins/x.md:1: summary: missing; it is required (plain text of at most 300 "
        "characters, shown in listings)",
        "bulletins/x.md:1: title: missing; it is required (the title, as text (at most 200 "
        "characters))",
    ]


@pytest.mark.parametrize("relpath, fields, expected", [
    ("bulletins/x.md", FIELDS.replace("title: T", "title: 42"),
     "bulletins/x.md:2: title: must be the title, as text (at most 200 characters), "
     "not a number"),
    ("bulletins/x.md", FIELDS + "topics: GDPR\n",
     "bulletins/x.md:6: topics: must be a list of topic labels, e.g. [GDPR, Portal], not text"),
    ("bulletins/x.md", FIELDS + "draft: maybe\n",
     "bulletins/x.md:6: draft: must be true or false (true hides the record), not text"),
    ("webinars/x.md", FIELDS + "qa:\n  question: Why?\n  answer: Because.\n",
     "webinars/x.md:6: qa: must be the Q&A log: a list of entries with 'question' and "
     "'answer', not a set of fields"),
    ("bulletins/x.md", FIELDS.replace("summary: S", "summary:"),
     "bulletins/x.md:5: summary: must be plain text of at most 300 characters, shown in "
     "listings, not empty"),
])
def test_wrong_types(tmp_path, relpath, fields, expected):
    write(tmp_path, relpath, md(fields))
    assert problems(tmp_path) == [expected]


@pytest.mark.parametrize("fields, expected", [
    (FIELDS.replace("2018-07-12", "2018-02-30"),
     f"bulletins/x.md:3: date: '2018-02-30' {NO_SUCH_DAY}"),
    (FIELDS.replace("2018-07-12", "12/07/2018"),
     f"bulletins/x.md:3: date: '12/07/2018' {DATE_FORM}"),
    (FIELDS + "updated: 2018-02-30\n",
     f"bulletins/x.md:6: updated: '2018-02-30' {NO_SUCH_DAY}"),
    (FIELDS + "updated: 12/07/2018\n",
     f"bulletins/x.md:6: updated: '12/07/2018' {DATE_FORM}"),
    (FIELDS + "changes:\n  - date: 2018-02-30\n    note: A\n",
     f"bulletins/x.md:7: changes[1].date: '2018-02-30' {NO_SUCH_DAY}"),
    (FIELDS + "changes:\n  - date: 2018-07-13\n    note: A\n  - date: 12/07/2018\n    note: B\n",
     f"bulletins/x.md:9: changes[2].date: '12/07/2018' {DATE_FORM}"),
])
def test_invalid_dates(tmp_path, fields, expected):
    write(tmp_path, "bulletins/x.md", md(fields))
    assert problems(tmp_path) == [expected]


def test_updated_before_the_publication_date(tmp_path):
    write(tmp_path, "bulletins/x.md", md(FIELDS + "updated: 2018-07-11\n"))
    assert problems(tmp_path) == [
        "bulletins/x.md:6: updated: 2018-07-11 is before the publication date 2018-07-12; "
        "it must be the same day or later"]


@pytest.mark.parametrize("audience, expected", [
    ("audience: LA\n", "bulletins/x.md:4: audience: unknown key 'LA'; allowed: la, users"),
    ("audience: [la, staff]\n",
     "bulletins/x.md:4: audience[2]: unknown key 'staff'; allowed: la, users"),
    ("audience:\n  - la\n  - staff\n",
     "bulletins/x.md:6: audience[2]: unknown key 'staff'; allowed: la, users"),
    ("audience: [la, 3]\n", "bulletins/x.md:4: audience[2]: unknown key '3'; allowed: la, users"),
    ("audience: []\n", "bulletins/x.md:4: audience: is an empty list; it must be one audience "
                       "key or a list of them: la, users"),
    ("audience: [la, la]\n",
     "bulletins/x.md:4: audience: lists the same value twice; give each once"),
    ("audience: 3\n", "bulletins/x.md:4: audience: must be one audience key or a list of them: "
                      "la, users, not a number"),
])
def test_audiences(tmp_path, audience, expected):
    write(tmp_path, "bulletins/x.md", md(FIELDS.replace("audience: la\n", audience)))
    assert problems(tmp_path) == [expected]


def test_audience_keys_come_from_the_settings(tmp_path):
    write(tmp_path, "bulletins/x.md", md())
    with pytest.raises(RecordError) as info:
        load_records(Settings(root=tmp_path, audiences={"staff": "Staff"}))
    assert [str(p) for p in info.value.problems] == [
        "bulletins/x.md:4: audience: unknown key 'la'; allowed: staff"]


@pytest.mark.parametrize("fields, expected", [
    (FIELDS.replace("title:", "tittle:"), [
        "bulletins/x.md:1: title: missing; it is required (the title, as text (at most 200 "
        "characters))",
        f"bulletins/x.md:2: tittle: unknown field (did you mean 'title'?); allowed: "
        f"{BULLETIN_FIELDS}"]),
    (FIELDS + "colour: red\n",
     [f"bulletins/x.md:6: colour: unknown field; allowed: {BULLETIN_FIELDS}"]),
    (FIELDS + "changes:\n  - date: 2018-07-13\n    nte: Fixed a link.\n", [
        "bulletins/x.md:7: changes[1].note: missing; it is required (what changed, as text)",
        "bulletins/x.md:8: changes[1].nte: unknown field (did you mean 'note'?); allowed: "
        "date, note"]),
    # YAML would read these names as true, a number and a merge: they are names as typed.
    (FIELDS + "on: true\n",
     [f"bulletins/x.md:6: on: unknown field; allowed: {BULLETIN_FIELDS}"]),
    (FIELDS + "1: x\n",
     [f"bulletins/x.md:6: 1: unknown field; allowed: {BULLETIN_FIELDS}"]),
    (FIELDS + "<<: {draft: true}\n",
     [f"bulletins/x.md:6: <<: unknown field; allowed: {BULLETIN_FIELDS}"]),
])
def test_unknown_fields_suggest_the_known_one(tmp_path, fields, expected):
    write(tmp_path, "bulletins/x.md", md(fields))
    assert problems(tmp_path) == expected


def test_webinar_only_fields_on_a_bulletin(tmp_path):
    write(tmp_path, "bulletins/x.md", md(
        FIELDS + "qa:\n  - question: Q?\n    answer: A.\nslides: slides/deck.pdf\n"))
    assert problems(tmp_path) == [
        "bulletins/x.md:6: qa: only webinars have 'qa'; remove it from this bulletin",
        "bulletins/x.md:9: slides: only webinars have 'slides'; remove it from this bulletin"]


def test_summary_over_the_limit(tmp_path):
    write(tmp_path, "bulletins/x.md", md(FIELDS.replace("summary: S", "summary: " + "a" * 301)))
    write(tmp_path, "bulletins/y.md", md(FIELDS.replace("summary: S", "summary: " + "a" * 300)))
    assert problems(tmp_path) == [
        "bulletins/x.md:5: summary: is 301 characters long; at most 300 allowed"]


# --- File names: slugs -------------------------------------------------------------------


def test_duplicate_slug_within_a_type(tmp_path):
    write(tmp_path, "bulletins/x.md", md())
    write(tmp_path, "bulletins/x.yml", FIELDS)
    assert problems(tmp_path) == [
        "bulletins/x.yml:1: another bulletin has the slug 'x' (bulletins/x.md); "
        "rename one of the files"]


def test_same_slug_in_two_types_is_fine(tmp_path):
    write(tmp_path, "bulletins/x.md", md())
    write(tmp_path, "webinars/x.yml", FIELDS)
    assert sorted(load(tmp_path)) == [("bulletin", "x"), ("webinar", "x")]


@pytest.mark.parametrize("name, suggestion", [
    ("My Bulletin.md", "my-bulletin.md"),
    ("Bulletin.md", "bulletin.md"),
    ("café.yml", "cafe.yml"),
    ("Защита данных.md", "zashchita-dannykh.md"),  # any script: the name transliterated
    ("数据保护.yml", "shu-ju-bao-hu.yml"),
    ("index.md", "index-1.md"),
])
def test_file_names_that_cannot_be_web_addresses(tmp_path, name, suggestion):
    write(tmp_path, f"bulletins/{name}", md() if name.endswith(".md") else FIELDS)
    assert problems(tmp_path) == [
        f"bulletins/{name}:1: the file name '{name}' cannot be a web address; use lowercase "
        f"letters, digits and single hyphens, e.g. '{suggestion}'"]


# --- Files the record points at ----------------------------------------------------------


def attachment(file: str) -> str:
    return md(FIELDS + f"attachments:\n  - file: {file}\n    title: Notes\n")


@pytest.mark.parametrize("file, message", [
    ("attachments/nope.pdf", "'attachments/nope.pdf' does not exist in bulletins/; "
                             "check the spelling"),
    ("../secret.pdf", f"'../secret.pdf' leaves the record's folder; {INSIDE}"),
    ("attachments/../../secret.pdf",
     f"'attachments/../../secret.pdf' leaves the record's folder; {INSIDE}"),
    ("/etc/passwd", f"'/etc/passwd' is an absolute path; {INSIDE}"),
    ("attachments", f"'attachments' is a folder, not a file; {INSIDE}"),
])
def test_attachment_paths(tmp_path, file, message):
    write(tmp_path, "secret.pdf", b"%PDF-1.4\n")
    write(tmp_path, "bulletins/attachments/real.pdf", b"%PDF-1.4\n")
    write(tmp_path, "bulletins/x.md", attachment(file))
    assert problems(tmp_path) == [f"bulletins/x.md:7: attachments[1].file: {message}"]


def test_attachment_symlink_leaving_the_folder(tmp_path):
    write(tmp_path, "secret.pdf", b"%PDF-1.4\n")
    link = tmp_path / "bulletins" / "attachments" / "notes.pdf"
    link.parent.mkdir(parents=True)
    os.symlink(tmp_path / "secret.pdf", link)
    write(tmp_path, "bulletins/x.md", attachment("attachments/notes.pdf"))
    assert problems(tmp_path) == [
        "bulletins/x.md:7: attachments[1].file: 'attachments/notes.pdf' is a link that leaves "
        f"the record's folder; {INSIDE}"]


def test_attachment_symlink_inside_the_folder_is_fine(tmp_path):
    write(tmp_path, "bulletins/attachments/real.pdf", b"%PDF-1.4\n")
    os.symlink("real.pdf", tmp_path / "bulletins" / "attachments" / "notes.pdf")
    write(tmp_path, "bulletins/x.md", attachment("attachments/notes.pdf"))
    assert [a.rel for a in load(tmp_path)["bulletin", "x"].attachments] == ["attachments/notes.pdf"]


def test_slides_that_do_not_exist(tmp_path):
    write(tmp_path, "webinars/x.md", md(FIELDS + "slides: slides/deck.pdf\n"))
    assert problems(tmp_path) == [
        "webinars/x.md:6: slides: 'slides/deck.pdf' does not exist in webinars/; "
        "check the spelling"]


# --- The body ----------------------------------------------------------------------------


def test_images_need_alt_text_and_must_be_local(tmp_path):
    write(tmp_path, "bulletins/chart.png", b"\x89PNG\r\n\x1a\n")
    body = ("\nThe chart.png file shows it.\n\n"  # line 8: the name in prose, not the image
            "![](chart.png)\n\n"  # line 10
            "![A map](https://example.org/map.png)\n")  # line 12
    write(tmp_path, "bulletins/x.md", md(body=body))
    assert problems(tmp_path) == [
        "bulletins/x.md:10: body: the image 'chart.png' has no alt text; describe it: "
        "![what the image shows](chart.png)",
        "bulletins/x.md:12: body: the image 'https://example.org/map.png' is not a file of the "
        "record's folder; images must be files beside the record (remote images are not "
        "allowed)"]


def test_images_in_qa_answers_are_checked_and_published_like_the_body_s(tmp_path):
    write(tmp_path, "webinars/chart.png", b"\x89PNG\r\n\x1a\n")
    write(tmp_path, "webinars/map.png", b"\x89PNG\r\n\x1a\n")
    qa = ("qa:\n"
          "  - question: Where is the chart?\n"
          "    answer: Here it is ![](chart.png)\n"  # line 8
          "  - question: And the map?\n"
          "    answer: |\n"  # line 10
          "      ![The map of regions](map.png)\n"
          "      and ![a plan](plan.png)\n")
    write(tmp_path, "webinars/w.md", md(FIELDS + qa))
    assert problems(tmp_path) == [
        "webinars/w.md:8: qa[1].answer: the image 'chart.png' has no alt text; describe it: "
        "![what the image shows](chart.png)",
        "webinars/w.md:10: qa[2].answer: image: 'plan.png' does not exist in webinars/; "
        "check the spelling"]
    write(tmp_path, "webinars/w.md", md(FIELDS + qa.replace("![](", "![A bar chart](")
                                        .replace("and ![a plan](plan.png)", "and a plan")))
    record = load(tmp_path)["webinar", "w"]
    assert [f.rel for f in record.local_files] == ["chart.png", "map.png"]
    assert 'src="map.png"' in record.qa[1].answer_html


def test_image_that_does_not_exist(tmp_path):
    write(tmp_path, "bulletins/x.md", md(body="\n![A chart](images/chart.png)\n"))
    assert problems(tmp_path) == [
        "bulletins/x.md:8: body: image: 'images/chart.png' does not exist in bulletins/; "
        "check the spelling"]


@pytest.mark.parametrize("body, line", [
    ("\n# Agenda\n\nText.\n", 8),
    ("\nThe Agenda is below.\n\n# Agenda\n", 10),  # the words come earlier as prose
    ("\nThe Agenda is below.\n\nAgenda\n======\n", 10),  # a setext heading
])
def test_top_level_heading_in_the_body(tmp_path, body, line):
    write(tmp_path, "bulletins/x.md", md(body=body))
    assert problems(tmp_path) == [
        f"bulletins/x.md:{line}: body: '# Agenda' is a top-level heading; the title is the "
        "page's only one, so start body headings at '##'"]


def test_body_lines_in_a_yaml_record(tmp_path):
    write(tmp_path, "bulletins/x.yml", FIELDS + "body: |\n  Intro.\n\n  # Agenda\n")
    assert problems(tmp_path) == [
        "bulletins/x.yml:8: body: '# Agenda' is a top-level heading; the title is the page's "
        "only one, so start body headings at '##'"]


# --- A whole run --------------------------------------------------------------------------


def test_every_problem_of_the_run_is_reported_together_in_order(tmp_path):
    write(tmp_path, "webinars/w.md", md(FIELDS.replace("2018-07-12", "2018-02-30")))
    write(tmp_path, "bulletins/b.md", md(FIELDS.replace("audience: la", "audience: LA")
                                         + "colour: red\n"))
    write(tmp_path, "bulletins/a.yml", "title: 'A\n")
    write(tmp_path, "content/notices/Bad Name.md", md())
    write(tmp_path, "bulletins/ok.md", md())
    with pytest.raises(RecordError) as info:
        load_records(Settings(root=tmp_path))
    lines = [
        "bulletins/a.yml:1: "
        "YAML syntax error: a quote opened on this line is never closed; add the closing quote "
        "(the YAML reader says: while scanning a quoted scalar found unexpected end of stream)",
        "bulletins/b.md:4: audience: unknown key 'LA'; allowed: la, users",
        f"bulletins/b.md:6: colour: unknown field; allowed: {BULLETIN_FIELDS}",
        "content/notices/Bad Name.md:1: the file name 'Bad Name.md' cannot be a web address; "
        "use lowercase letters, digits and single hyphens, e.g. 'bad-name.md'",
        f"webinars/w.md:3: date: '2018-02-30' {NO_SUCH_DAY}",
    ]
    assert [str(p) for p in info.value.problems] == lines
    assert str(info.value) == info.value.report() == "\n".join(
        ["5 problems in the records; nothing was built:", *lines])


def test_one_problem_is_reported_in_the_singular(tmp_path):
    write(tmp_path, "bulletins/x.md", "")
    with pytest.raises(RecordError) as info:
        load_records(Settings(root=tmp_path))
    assert str(info.value).split("\n")[0] == "1 problem in the records; nothing was built:"


@pytest.mark.parametrize("relpath, text", [
    pytest.param("bulletins/x.md", bytes(range(256)) * 4, id="binary-junk"),
    pytest.param("bulletins/x.md", b"\x00\x01\x02---\n\xff\xfe", id="control-bytes"),
    pytest.param("bulletins/x.yml", "- title: T\n- date: 2018-07-12\n", id="top-level-list"),
    pytest.param("bulletins/x.md", "---\n- title\n---\n", id="front-matter-list"),
    pytest.param("bulletins/x.yml", "just some words\n", id="top-level-text"),
    pytest.param("bulletins/x.md", "---", id="dashes-only"),
    pytest.param("bulletins/x.md", "---\n---\n---\n", id="three-fences"),
    pytest.param("bulletins/x.yml", "---\n", id="yml-dashes-only"),
    pytest.param("bulletins/x.yml", "# only a comment\n", id="yml-comment-only"),
    pytest.param("bulletins/x.yml", FIELDS + "---\n" + FIELDS, id="two-documents"),
    pytest.param("bulletins/x.yml", FIELDS + "body: [not, text]\n", id="body-not-text"),
    pytest.param("bulletins/x.yml", "[" * 100_000, id="unclosed-deep-brackets"),
    pytest.param("bulletins/x.yml", "a: " + "[" * 5_000 + "]" * 5_000 + "\n", id="deep-nesting"),
    pytest.param("bulletins/x.md", md(FIELDS + "? [a, b]\n: c\n"), id="list-as-key"),
    pytest.param("bulletins/x.md", md(FIELDS + "1: x\nnull: y\n"), id="number-and-null-keys"),
    pytest.param("bulletins/x.md", md("title: !!python/object:os.system x\n"), id="python-tag"),
    pytest.param("bulletins/x.md", md(FIELDS + "topics: [[[GDPR]]]\n"), id="nested-topics"),
    pytest.param("bulletins/x.md", "---\na: " + "x" * 1_000_001 + "\n---\n", id="over-1-MB"),
])
def test_nasty_input_gives_problems_not_a_crash(tmp_path, relpath, text):
    write(tmp_path, relpath, text)
    found = problems(tmp_path)  # fails if anything but RecordError escapes
    assert found and all(line.startswith(f"{relpath}:") for line in found), found


# --- Records that are right --------------------------------------------------------------


def test_valid_markdown_bulletin_loads_with_its_values(tmp_path):
    write(tmp_path, "bulletins/attachments/notes.pdf", b"%PDF-1.4\n")
    write(tmp_path, "bulletins/chart.png", b"\x89PNG\r\n\x1a\n")
    write(tmp_path, "bulletins/2018-07-12-la-bulletin.md", md(
        "title: '  LA Bulletin: July  '\n"
        "date: 2018-07-12\n"
        "audience: [la, users]\n"
        "summary: Anti-spoofing   progress\n  and a Portal update.\n"
        "topics: [Anti-spoofing, Portal]\n"
        "updated: 2018-07-20\n"
        "changes:\n"
        "  - date: 2018-07-14\n    note: First.\n"
        "  - date: 2018-07-20\n    note: Second.\n"
        "draft: true\n"
        "pdf: false\n"
        "attachments:\n  - file: attachments/notes.pdf\n    title: Release notes\n",
        "\n## Portal\n\n![A bar chart](chart.png)\n"))
    record = load(tmp_path)["bulletin", "2018-07-12-la-bulletin"]
    assert record.title == "LA Bulletin: July"
    assert record.date == dt.date(2018, 7, 12) and type(record.date) is dt.date
    assert record.updated == dt.date(2018, 7, 20)
    assert record.audiences == ("la", "users")
    assert record.topics == ("Anti-spoofing", "Portal")
    assert record.summary == "Anti-spoofing progress and a Portal update."
    assert record.slug == "2018-07-12-la-bulletin"
    assert record.url == "bulletins/2018-07-12-la-bulletin/"
    assert record.source == "bulletins/2018-07-12-la-bulletin.md"
    assert [(c.date, c.note) for c in record.changes] == [
        (dt.date(2018, 7, 20), "Second."), (dt.date(2018, 7, 14), "First.")]
    assert (record.draft, record.pdf) == (True, False)
    assert [(a.rel, a.title) for a in record.attachments] == [
        ("attachments/notes.pdf", "Release notes")]
    assert [i.rel for i in record.images] == ["chart.png"]
    assert '<h2 id="portal">Portal</h2>' in record.body.html


@pytest.mark.parametrize("suffix", [".yml", ".yaml"])
def test_valid_yaml_bulletin_loads_with_its_values(tmp_path, suffix):
    write(tmp_path, f"bulletins/2018-06-04-la-bulletin{suffix}",
          "title: June bulletin\ndate: 2018-06-04\naudience: users\n"
          "summary: >\n  Folded\n  summary   text.\nbody: |\n  ## News\n\n  Some *news*.\n")
    record = load(tmp_path)["bulletin", "2018-06-04-la-bulletin"]
    assert (record.title, record.date, record.audiences, record.topics) == (
        "June bulletin", dt.date(2018, 6, 4), ("users",), ())
    assert record.summary == "Folded summary text."
    assert record.url == "bulletins/2018-06-04-la-bulletin/"
    assert (record.draft, record.pdf, record.updated) == (False, True, None)
    assert "<em>news</em>" in record.body.html


@pytest.mark.parametrize("relpath", ["webinars/2018-02-28-la-webinar.md",
                                     "webinars/2018-02-28-la-webinar.yml"])
def test_valid_webinar_renders_its_answers(tmp_path, relpath):
    write(tmp_path, "webinars/slides/deck.pdf", b"%PDF-1.4\n")
    fields = (FIELDS + "slides: slides/deck.pdf\n"
              "recording: https://video.example.org/2018-02-28\n"
              "qa:\n  - question: How long?\n    answer: |\n      After **90 days**.\n\n"
              "      - one\n      - two\n")
    write(tmp_path, relpath, md(fields, "Text.\n") if relpath.endswith(".md")
          else fields + "body: Text.\n")
    record = load(tmp_path)["webinar", "2018-02-28-la-webinar"]
    assert record.url == "webinars/2018-02-28-la-webinar/"
    assert (record.slides.rel, record.slides.title) == ("slides/deck.pdf", "Slides")
    assert record.recording == "https://video.example.org/2018-02-28"
    assert [q.question for q in record.qa] == ["How long?"]
    assert record.qa[0].answer_html == (
        "<p>After <strong>90 days</strong>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>")
    assert record.body.html == "<p>Text.</p>"


@pytest.mark.parametrize("name", ["2018-05-24-gdpr.md", "2018-05-24-gdpr.yml"])
def test_valid_notice_loads(tmp_path, name):
    text = md(FIELDS) if name.endswith(".md") else FIELDS + "body: Text.\n"
    write(tmp_path, f"content/notices/{name}", text)
    record = load(tmp_path)["notice", "2018-05-24-gdpr"]
    assert (record.title, record.date, record.audiences, record.summary) == (
        "T", dt.date(2018, 7, 12), ("la",), "S")
    assert record.url == "notices/2018-05-24-gdpr/"
    assert record.body.html == "<p>Text.</p>"


# --- The record's life: review, replacement, action, webinar times ----------------------


def test_lifecycle_fields_load(tmp_path):
    write(tmp_path, "webinars/2018-07-03-w.md", md(FIELDS.replace("2018-07-12", "2018-07-03") + (
        "start: 2018-07-03 14:00\nduration: 90\nreview_by: 2019-01-01\n"
        "action_required: Register  for the\n  webinar\ndeadline: 2018-07-02\n"
        "superseded_by: 2018-08-01-b\n")))
    write(tmp_path, "bulletins/2018-08-01-b.md", md(FIELDS.replace("2018-07-12", "2018-08-01")))
    webinar = load(tmp_path)["webinar", "2018-07-03-w"]
    assert webinar.start.isoformat() == "2018-07-03T14:00:00+01:00"  # British Summer Time
    assert webinar.duration.total_seconds() == 90 * 60
    assert webinar.review_by.isoformat() == "2019-01-01"
    assert webinar.action_required == "Register for the webinar"
    assert webinar.deadline.isoformat() == "2018-07-02"
    assert webinar.superseded_by == "2018-08-01-b"


def test_a_winter_start_is_gmt_and_an_offset_is_kept(tmp_path):
    write(tmp_path, "webinars/a.md", md(FIELDS + "start: 2018-01-24 10:30\nduration: 60\n"))
    write(tmp_path, "webinars/b.md", md(FIELDS + "start: 2018-01-24T10:30+02:00\nduration: 60\n"))
    loaded = load(tmp_path)
    assert loaded["webinar", "a"].start.isoformat() == "2018-01-24T10:30:00+00:00"
    assert loaded["webinar", "b"].start.isoformat() == "2018-01-24T10:30:00+02:00"


@pytest.mark.parametrize("relpath, extra, expected", [
    ("bulletins/x.md", "deadline: 2018-08-01\n",
     "bulletins/x.md:6: deadline: goes with 'action_required'; add 'action_required' or remove this"),
    ("webinars/x.md", "start: 2018-07-12 14:00\n",
     "webinars/x.md:6: start: goes with 'duration'; add 'duration' or remove this"),
    ("webinars/x.md", "start: 2018-07-12 25:00\nduration: 60\n",
     "webinars/x.md:6: start: '2018-07-12 25:00' is not a real date and time; write it like "
     "2018-07-03 14:00"),
    ("webinars/x.md", "start: 12/07/2018 2pm\nduration: 60\n",
     "webinars/x.md:6: start: '12/07/2018 2pm' is not allowed; it must be the date and time it "
     "starts, e.g. 2018-07-03 14:00 (UK time, unless an offset such as +01:00 is given)"),
    ("webinars/x.md", "start: 2018-07-12 14:00\nduration: 0\n",
     "webinars/x.md:7: duration: 0 is not allowed; it must be how long it lasts, in minutes, e.g. 60"),
    ("webinars/x.md", "start: 2018-07-12 14:00\nduration: 1 hour\n",
     "webinars/x.md:7: duration: must be how long it lasts, in minutes, e.g. 60, not text"),
    ("bulletins/x.md", "start: 2018-07-12 14:00\n",
     "bulletins/x.md:6: start: only webinars have 'start'; remove it from this bulletin"),
    ("bulletins/x.md", "superseded_by: Newer Bulletin\n",
     "bulletins/x.md:6: superseded_by: 'Newer Bulletin' is not allowed; it must be the file name, "
     "without .md, of the newer record that replaces this one, e.g. 2018-08-09-la-bulletin"),
    ("bulletins/x.md", "superseded_by: 2019-01-01-nothing\n",
     "bulletins/x.md:6: superseded_by: no record is called '2019-01-01-nothing'; give the file "
     "name of the newer record, without .md"),
    ("bulletins/x.md", "review_by: soon\n",
     f"bulletins/x.md:6: review_by: 'soon' {DATE_FORM}"),
])
def test_lifecycle_mistakes(tmp_path, relpath, extra, expected):
    write(tmp_path, relpath, md(FIELDS + extra))
    assert problems(tmp_path) == [expected]


def test_superseded_by_must_name_a_newer_record_unambiguously(tmp_path):
    write(tmp_path, "bulletins/old.md", md(FIELDS + "superseded_by: same\n"))
    write(tmp_path, "bulletins/same.md", md(FIELDS.replace("2018-07-12", "2018-07-01")))
    write(tmp_path, "webinars/same.md", md(FIELDS))
    write(tmp_path, "webinars/older.md", md(FIELDS + "superseded_by: bulletins/same\n"))
    assert problems(tmp_path) == [
        "bulletins/old.md:6: superseded_by: 'same' is the name of 2 records; write one of: "
        "bulletins/same, webinars/same",
        "webinars/older.md:6: superseded_by: 'bulletins/same' is not newer than this record; "
        "name the record that replaces it"]


def test_a_topic_needs_letters_or_digits_in_any_script(tmp_path):
    write(tmp_path, "bulletins/x.md", md(FIELDS + "topics: [Защита данных, 数据保护, '✉️ ✉️', '--']\n"))
    assert problems(tmp_path) == [
        "bulletins/x.md:6: topics[3]: '✉️ ✉️' has no letters or digits; use a word, e.g. GDPR",
        "bulletins/x.md:6: topics[4]: '--' has no letters or digits; use a word, e.g. GDPR"]
