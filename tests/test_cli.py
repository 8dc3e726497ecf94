"""The comms team's commands: what each prints and its exit status."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from commsite.blank import PLACEHOLDER
from commsite.cli import main
from commsite.privacy import PrivacyScanner, nhs_number_valid
from commsite.records import load_records
from commsite.settings import Settings
from commsite.source import read_source

from .sites import empty_project

ROOT = Path(__file__).resolve().parent.parent
CONFIG = """site_name: Test
docs_dir: content
plugins:
  - search
  - commsite:
      pdf: false
      allowed_phone_numbers: ["0300 303 4034"]
      allowed_email_domains: [nhs.net]
"""
FIELDS = "title: T\ndate: 2018-07-12\naudience: la\nsummary: A summary that says more.\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    empty_project(tmp_path, CONFIG)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMMSITE_BUILD_DATE", raising=False)
    return tmp_path


def write(root: Path, rel: str, text: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text)


def run(capsys, *argv) -> tuple[int, list[str], str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [line for line in out.splitlines() if line], err


# --- new -------------------------------------------------------------------------------


def test_new_writes_a_named_record_that_loads_once_filled_in(project, capsys):
    code, out, _ = run(capsys, "new", "bulletin", "--title", "LA Bulletin – 12 July 2018",
                       "--date", "2018-07-12", "--audience", "la")
    assert code == 0
    assert out == [
        "bulletins/2018-07-12-la-bulletin-12-july-2018.md",
        "A draft dated 2018-07-12. Next:",
        "  1. edit bulletins/2018-07-12-la-bulletin-12-july-2018.md: the summary, the topics and "
        "the text",
        "  2. preview it: run 'commsite serve' and open "
        "http://127.0.0.1:8000/bulletins/2018-07-12-la-bulletin-12-july-2018/",
        "  3. run 'commsite check' and fix what it lists",
        "  4. to publish it, remove the line 'draft: true'; the next build publishes it on "
        "2018-07-12 or later"]
    path = project / out[0]
    text = path.read_text()
    assert '# Who it is for: one key or a list. Allowed: la, users' in text
    record = load_records(Settings(root=project))[0]
    assert (record.title, record.date.isoformat(), record.audiences, record.draft) == (
        "LA Bulletin – 12 July 2018", "2018-07-12", ("la",), True)
    # The placeholders are the template's own, recognisable by one constant.
    assert record.summary == f"{PLACEHOLDER} one or two sentences about LA Bulletin – 12 July 2018."
    assert f"{PLACEHOLDER} write the bulletin here" in text
    # It refuses to overwrite.
    code, _, err = run(capsys, "new", "bulletin", "--title", "LA Bulletin – 12 July 2018",
                       "--date", "2018-07-12")
    assert code == 1
    assert "bulletins/2018-07-12-la-bulletin-12-july-2018.md already exists; nothing was written" in err
    assert path.read_text() == text


def test_new_puts_each_type_in_its_folder_and_webinars_get_their_fields(project, capsys):
    assert run(capsys, "new", "notice", "--title", "Use secure passwords", "--date",
               "2018-01-01", "--audience", "users", "--audience", "la")[1][0] == \
        "content/notices/2018-01-01-use-secure-passwords.md"
    code, out, _ = run(capsys, "new", "webinar", "--title", "LA Webinar", "--date", "2018-07-03")
    assert out[0] == "webinars/2018-07-03-la-webinar.md"
    assert "# start: YYYY-MM-DD HH:MM" in (project / out[0]).read_text()
    records = {r.type.key: r for r in load_records(Settings(root=project))}
    assert records["notice"].audiences == ("users", "la")


def test_new_names_a_record_titled_in_any_script_readably(project, capsys):
    """The file name is the title transliterated, as record and topic addresses are."""
    for title, name in (("Защита данных", "2018-07-12-zashchita-dannykh"),
                        ("Προστασία δεδομένων", "2018-07-12-prostasia-dedomenon"),
                        ("数据保护", "2018-07-12-shu-ju-bao-hu")):
        code, out, _ = run(capsys, "new", "bulletin", "--title", title, "--date", "2018-07-12")
        assert (code, out[0]) == (0, f"bulletins/{name}.md")
    titles = {r.slug: r.title for r in load_records(Settings(root=project))}
    assert titles["2018-07-12-zashchita-dannykh"] == "Защита данных"


def test_new_says_when_it_used_today_s_date(project, capsys):
    code, out, _ = run(capsys, "--build-date", "2026-12-09", "new", "notice", "--title", "Hi")
    assert code == 0 and out[0] == "content/notices/2026-12-09-hi.md"
    assert out[1] == "A draft dated 2026-12-09, today: give --date YYYY-MM-DD for another day. Next:"
    assert "date: 2026-12-09\n" in (project / out[0]).read_text()


@pytest.mark.parametrize("argv, message", [
    (["--date", "12/07/2018"], "commsite new: --date '12/07/2018' is not a date written YYYY-MM-DD"),
    (["--audience", "LA"], "commsite new: --audience: unknown key 'LA'; allowed: la, users"),
])
def test_new_refuses_bad_options(project, capsys, argv, message):
    code, _, err = run(capsys, "new", "bulletin", "--title", "X", *argv)
    assert code == 2 and err.strip() == message


# How a link finding says it is accepted (every must-not-publish finding says how).
LINK_ALLOW = "; correct it, or add 'commsite: allow' to the line if the address is right"


# --- check -----------------------------------------------------------------------------


def test_check_is_clean_on_a_good_project(project, capsys):
    write(project, "bulletins/2018-07-12-b.md", f"---\n{FIELDS}---\nCall 0300 303 4034.\n")
    code, out, err = run(capsys, "check")
    assert (code, out) == (0, [])
    assert err.strip() == "1 record checked: no findings"


def test_check_reports_validation_problems_and_its_own_findings(project, capsys):
    write(project, "bulletins/2018-07-12-a.md", "---\ntitle: A\ndate: 2018-02-30\naudience: la\n"
          "summary: A\n---\nSee [the July webinar](../../webinars/nope/) and [home](../../).\n")
    write(project, "bulletins/2018-07-13-b.md", "---\ntitle: Portal update\ndate: 2018-07-13\n"
          "audience: la\nsummary: Portal update.\nreview_by: 2018-09-01\n---\nText.\n")
    code, out, _ = run(capsys, "--build-date", "2018-10-01", "check")
    assert code == 1
    assert out == [
        "bulletins/2018-07-12-a.md:3: date: '2018-02-30' is not a real date (no such day); "
        "write it as YYYY-MM-DD, e.g. 2018-07-12",
        # A record whose fields are wrong still has its links checked, in the same run.
        "bulletins/2018-07-12-a.md:7: body: the link '../../webinars/nope/' leads to no page or "
        "file of the site" + LINK_ALLOW,
        "bulletins/2018-07-13-b.md:5: summary: only repeats the title; say in a sentence what the "
        "reader will find or must do",
        "bulletins/2018-07-13-b.md:6: review_by: 2018-09-01 has passed; review the record, then "
        "set the next review date",
    ]


def test_check_finds_links_that_lead_nowhere(project, capsys):
    write(project, "webinars/2018-07-03-w.md", f"---\n{FIELDS}---\nHello.\n")
    write(project, "bulletins/2018-07-12-b.md", f"---\n{FIELDS}---\nIntro.\n\n"
          "See [the webinar](../../webinars/2018-07-03-w/), [its PDF](../../webinars/2018-07-03-w/"
          "2018-07-03-w.pdf), [all bulletins](../), [GDPR](../../topics/gdpr/) and [a typo]"
          "(../../webinars/2018-07-30-w/).\n")
    code, out, _ = run(capsys, "check")
    assert code == 1
    assert sorted(out) == [
        "bulletins/2018-07-12-b.md:9: body: the link '../../topics/gdpr/' leads to no page or "
        "file of the site" + LINK_ALLOW,
        "bulletins/2018-07-12-b.md:9: body: the link '../../webinars/2018-07-30-w/' leads to no "
        "page or file of the site; did you mean '../../webinars/2018-07-03-w/'?" + LINK_ALLOW]


@pytest.mark.parametrize("href, meant", [
    ("../2018-07-30-notice/", "../2018-07-03-notice/"),  # a mistyped date
    ("/notices/2018-07-03-notise/", "/notices/2018-07-03-notice/"),  # from the root
    ("../2018-07-03-notice/2018-07-03-notice.pfd", "../2018-07-03-notice/2018-07-03-notice.pdf"),
    ("../../bulletin/", "../../bulletins/"),
    ("../../webinars/2016-01-01-something-else/", None),  # nothing close: no guess
])
def test_a_link_that_leads_nowhere_suggests_the_address_meant(project, capsys, href, meant):
    write(project, "content/notices/2018-07-03-notice.md", f"---\n{FIELDS}---\nHello.\n")
    write(project, "bulletins/2018-07-12-b.md", f"---\n{FIELDS}---\nHi.\n")
    # Its page is /notices/2018-07-12-linking/: relative links start from there.
    write(project, "content/notices/2018-07-12-linking.md", f"---\n{FIELDS}---\n[Link]({href})\n")
    code, out, _ = run(capsys, "check")
    assert code == 1 and len(out) == 1, out
    assert out[0].startswith(f"content/notices/2018-07-12-linking.md:7: body: the link '{href}' "
                             "leads to no page or file of the site")
    if meant is None:
        assert out[0].endswith("leads to no page or file of the site" + LINK_ALLOW)
    else:
        assert out[0].endswith(f"; did you mean '{meant}'?" + LINK_ALLOW)


def test_check_finds_links_that_lead_nowhere_in_qa_answers(project, capsys):
    write(project, "webinars/2018-07-03-w.md", f"---\n{FIELDS}qa:\n"
          "  - question: Where are the slides?\n"
          "    answer: On [the webinar page](../2018-07-03-w/).\n"   # line 8: fine
          "  - question: And last month's?\n"
          "    answer: See [June's webinar](../2018-06-05-w/).\n"    # line 10: no such page
          "---\nHello.\n")
    code, out, _ = run(capsys, "check")
    assert (code, out) == (1, ["webinars/2018-07-03-w.md:10: qa[2].answer: the link "
                               "'../2018-06-05-w/' leads to no page or file of the site"
                               + LINK_ALLOW])


def test_check_lists_scheduled_records_and_drafts_as_notes(project, capsys):
    write(project, "bulletins/2018-08-01-future.md", f"---\n{FIELDS.replace('2018-07-12', '2018-08-01')}---\nX.\n")
    write(project, "bulletins/2018-07-01-draft.md", f"---\n{FIELDS}draft: true\n---\nX.\n")
    code, out, _ = run(capsys, "--build-date", "2018-07-20", "check")
    assert code == 0
    assert out == ["bulletins/2018-07-01-draft.md: draft: not published until 'draft: true' is removed",
                   "bulletins/2018-08-01-future.md: scheduled: published from 2018-08-01"]
    assert run(capsys, "--build-date", "2018-08-01", "check")[1] == [
        "bulletins/2018-07-01-draft.md: draft: not published until 'draft: true' is removed"]


def test_check_finds_personal_data_and_accepts_a_marked_line(project, capsys):
    write(project, "bulletins/2018-07-12-b.md", f"---\n{FIELDS}---\n"
          "A patient, NHS number 943 476 5919, wrote in.\n"          # line 7
          "Invalid check digit: 943 476 5918.\n"                      # 8: not an NHS number
          "Ring 020 7946 0958 or the helpdesk on 0300 303 4034.\n"    # 9: first one only
          "Email jo.bloggs@gmail.com, not helpdesk@nhs.net.\n"        # 10: gmail only
          "Her DOB is 12/03/1980.\n"                                  # 11
          "Never send dates of birth to the helpdesk.\n"              # 12: advice, not data
          "Test number 943 476 5919 <!-- commsite: allow -->\n")      # 13: accepted
    code, out, _ = run(capsys, "check")
    assert code == 1
    tail = "; remove it, or add 'commsite: allow' to the line if it is meant to be published"
    assert out == [
        f"bulletins/2018-07-12-b.md:7: personal data: an NHS number (ending …19, valid check digit){tail}",
        f"bulletins/2018-07-12-b.md:9: personal data: a UK phone number (ending …58) that is not in "
        f"allowed_phone_numbers (set under the commsite plugin in mkdocs.yml){tail}",
        f"bulletins/2018-07-12-b.md:10: personal data: an email address at 'gmail.com', outside "
        f"allowed_email_domains (nhs.net; set under the commsite plugin in mkdocs.yml){tail}",
        f"bulletins/2018-07-12-b.md:11: personal data: a date of birth{tail}",
    ]


def test_personal_data_does_not_hide_a_record_s_other_findings(project, capsys):
    write(project, "bulletins/2018-07-12-b.md", f"---\n{FIELDS}---\n"
          "Ring Jo on 07700 900123.\n\nSee [the old notice](../../notices/gone/).\n")
    code, out, _ = run(capsys, "check")
    assert code == 1
    assert [line.split(": ")[0:2] for line in out] == [
        ["bulletins/2018-07-12-b.md:7", "personal data"], ["bulletins/2018-07-12-b.md:9", "body"]]


def test_check_finds_personal_data_in_a_file_that_does_not_validate(project, capsys):
    write(project, "bulletins/2018-07-12-b.md", f"---\n{FIELDS.replace('la', 'everyone')}---\n"
          "Ring Jo on 07700 900123.\n")
    code, out, _ = run(capsys, "check")
    assert code == 1
    assert out[0] == "bulletins/2018-07-12-b.md:4: audience: unknown key 'everyone'; allowed: la, users"
    assert out[1].startswith("bulletins/2018-07-12-b.md:7: personal data: a UK phone number "
                             "(ending …23)")
    assert len(out) == 2


def test_one_run_lists_every_problem_of_every_file(project, capsys):
    """YAML errors, field errors, alt text, links and personal data, all at once."""
    write(project, "bulletins/2018-07-10-a.md", "---\ntitle: “LA Bulletin: 10 July”\n"
          "date: 2018-07-10\naudience: la\nsummary: [unclosed\n---\n"
          "Patient 943 476 5919. See [the form](../../webinars/gone-too/).\n")
    write(project, "bulletins/2018-07-11-b.md", "---\ntitle: B\ndate: 2018-07-11\n"
          "audience: LA\nsummary: A summary that says more.\n---\n"
          "![](chart.png)\n\nSee [the old one](../2016-01-01-old-news/) or ring 020 7946 0958.\n")
    write(project, "bulletins/2018-07-12-c.md", f"---\n{FIELDS}---\n"
          "See [b](../2018-07-11-b/) and [nothing](../../webinars/gone/).\n")
    code, out, _ = run(capsys, "check")
    tail = "; remove it, or add 'commsite: allow' to the line if it is meant to be published"
    assert code == 1
    assert out == [
        "bulletins/2018-07-10-a.md:2: YAML syntax error: the value of 'title' is in curly quotes "
        "“ ”, as Word writes them, which YAML does not read as quotes; use straight quotes: "
        'title: "LA Bulletin: 10 July"',
        "bulletins/2018-07-10-a.md:5: YAML syntax error: a list opened with '[' on this line is "
        "not closed with ']' (the YAML reader says: while parsing a flow sequence expected ',' "
        "or ']', but got '<stream end>')",
        "bulletins/2018-07-10-a.md:7: body: the link '../../webinars/gone-too/' leads to no page "
        "or file of the site" + LINK_ALLOW,
        f"bulletins/2018-07-10-a.md:7: personal data: an NHS number (ending …19, valid check "
        f"digit){tail}",
        "bulletins/2018-07-11-b.md:4: audience: unknown key 'LA'; allowed: la, users",
        "bulletins/2018-07-11-b.md:7: body: image: 'chart.png' does not exist in bulletins/; "
        "check the spelling",
        "bulletins/2018-07-11-b.md:7: body: the image 'chart.png' has no alt text; describe it: "
        "![what the image shows](chart.png)",
        "bulletins/2018-07-11-b.md:9: body: the link '../2016-01-01-old-news/' leads to no page or file "
        "of the site" + LINK_ALLOW,
        "bulletins/2018-07-11-b.md:9: personal data: a UK phone number (ending …58) that is not "
        f"in allowed_phone_numbers (set under the commsite plugin in mkdocs.yml){tail}",
        "bulletins/2018-07-12-c.md:7: body: the link '../../webinars/gone/' leads to no page or "
        "file of the site" + LINK_ALLOW,
    ]


@pytest.mark.parametrize("number, valid", [
    ("9434765919", True), ("4010232137", True), ("9434765918", False), ("4010232138", False),
    ("1234567890", False),  # check digit would be 10: never valid
])
def test_nhs_number_check_digit(number, valid):
    assert nhs_number_valid(number) is valid
    found = PrivacyScanner().scan(f"Number {number[:3]} {number[3:6]} {number[6:]} here")
    assert bool([f for f in found if f.kind == "NHS number"]) is valid


@pytest.mark.parametrize("text, kinds", [
    ("Call +44 (0)20 7946 0958 today", ["phone number"]),
    ("Mobile 07700 900123", ["phone number"]),
    ("Freephone 0800 123 456", ["phone number"]),
    ("Published on 2018-07-12 at 14:00", []),
    ("Ref 20180712 and 12/07/2018", []),
    ("date of birth: 1 March 1980", ["date of birth"]),
    ("D.O.B. 1980-03-01", ["date of birth"]),
    ("ask for their date of birth", []),
    ("write to x@nhs.net or y@trust.nhs.net", []),
    ("Ring 020\n7946 0958 and quote 943 476\n5919", []),  # a number never spans two lines
    ("Line one\nCall 020 7946 0958\nBorn 1 March 1980 <!-- commsite: allow -->",
     ["phone number"]),
])
def test_privacy_patterns(text, kinds):
    scanner = PrivacyScanner(allowed_email_domains=["nhs.net"])
    assert [f.kind for f in scanner.scan(text)] == kinds
    assert all(f.line == 2 for f in scanner.scan(text)) or "\n" not in text


def test_check_says_when_it_cannot_run(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "check")
    assert code == 2 and err.startswith("commsite check: ") and "mkdocs.yml" in err
    (tmp_path / "mkdocs.yml").write_text("plugins: [\n")
    code, _, err = run(capsys, "check")
    assert code == 2 and "cannot be read" in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_project_is_found_wherever_f_is_written(project, capsys, monkeypatch, where):
    write(project, "bulletins/2018-07-12-b.md", f"---\n{FIELDS}---\nHello.\n")
    elsewhere = project / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    given = ["-f", str(project / "mkdocs.yml")]
    code, out, err = run(capsys, *(given + ["check"] if where == "before" else ["check"] + given))
    assert (code, err) == (0, "1 record checked: no findings\n"), out


# --- schema ----------------------------------------------------------------------------


def test_schema_validates_the_example_records_and_rejects_a_bad_one(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = json.loads("\n".join(out))
    assert schema["properties"]["audience"]["description"] == \
        "one audience key or a list of them: la, users"
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    settings = Settings(root=ROOT)
    for record in load_records(settings):
        # Fields as an editor's YAML extension reads them: dates stay text.
        source, _ = read_source(ROOT / record.source, record.source)
        assert not list(validator.iter_errors(source.data)), record.source
    assert list(validator.iter_errors({"title": "T", "date": "2018-02-30", "audience": "LA",
                                       "summary": "S"}))


# --- build and the installed command ----------------------------------------------------


def test_installed_command_builds_the_site(project):
    write(project, "bulletins/2018-07-12-b.md", f"---\n{FIELDS}---\nHello.\n")
    command = shutil.which("commsite", path=str(Path(sys.executable).parent))
    assert command, "the package installs a 'commsite' command"
    help_text = subprocess.run([command, "build", "--help"], capture_output=True, text=True)
    assert help_text.returncode == 0 and "mkdocs" in help_text.stdout
    elsewhere = project / "elsewhere"
    elsewhere.mkdir()
    # from another folder, the project named after the command, as `mkdocs build -f` takes it
    result = subprocess.run([command, "build", "-f", str(project / "mkdocs.yml"), "--site-dir",
                             str(project / "out")], capture_output=True, text=True, cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "A summary that says more." in (project / "out" / "index.html").read_text()
