"""Options in mkdocs.yml: one line per wrong option, naming option, value and what is allowed,
the same in `commsite check`, `mkdocs build` and `mkdocs serve`; defaults declared once."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from commsite.cli import main
from commsite.options import OPTIONS, settings_from_options

from . import zygote
from .sites import empty_project

CONFIG = """site_name: Test
docs_dir: content
plugins:
  - search
  - commsite:
      pdf: false
{options}"""
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
AT = "mkdocs.yml: plugins.commsite"
AUDIENCES = ("allowed: a mapping of keys (lowercase letters, digits, hyphens) to the labels "
             "readers see, e.g. {la: Local Administrators, users: Users}")
CACHE = "allowed: a folder of its own, outside site_dir and docs_dir, e.g. .commsite-cache"

WRONG = [
    ("build_date: 2018-02-30", f"{AT}.build_date: '2018-02-30' is not allowed; allowed: a real "
                               "date written YYYY-MM-DD, e.g. 2018-08-01"),
    ("build_date: 2018-08-01 10:00", f"{AT}.build_date: '2018-08-01 10:00' is not allowed; "
                                     "allowed: a real date written YYYY-MM-DD, e.g. 2018-08-01"),
    ("audiences: [la, users]", f"{AT}.audiences: a list ['la', 'users'] is not allowed; {AUDIENCES}"),
    ("audiences: {}", f"{AT}.audiences: {{}} is not allowed; {AUDIENCES}"),
    ("audiences: {LA: Admins}", f"{AT}.audiences: a mapping is not allowed (the key 'LA' is not "
                                f"lowercase letters, digits and hyphens); {AUDIENCES}"),
    ("audiences: {la: }", f"{AT}.audiences: a mapping is not allowed (the key 'la' has no "
                          f"label); {AUDIENCES}"),
    ("pdf_timeout: -5", f"{AT}.pdf_timeout: -5 is not allowed; allowed: a number of seconds "
                        "above 0, e.g. 60"),
    ("pdf_timeout: 0", f"{AT}.pdf_timeout: 0 is not allowed; allowed: a number of seconds "
                       "above 0, e.g. 60"),
    ("pdf_timeout: .inf", f"{AT}.pdf_timeout: inf is not allowed; allowed: a number of seconds "
                          "above 0, e.g. 60"),
    ("pdf_workers: -1", f"{AT}.pdf_workers: -1 is not allowed; allowed: a whole number from 0 "
                        "(0: one per core), e.g. 2"),
    ("pdf_workers: 1.5", f"{AT}.pdf_workers: 1.5 is not allowed; allowed: a whole number from 0 "
                         "(0: one per core), e.g. 2"),
    ("old_after_months: 0", f"{AT}.old_after_months: 0 is not allowed; allowed: a whole number "
                            "of months from 1, e.g. 12"),
    ("old_after_months: twelve", f"{AT}.old_after_months: 'twelve' is not allowed; allowed: a "
                                 "whole number of months from 1, e.g. 12"),
    ("pdf_cache_days: -1", f"{AT}.pdf_cache_days: -1 is not allowed; allowed: a number of days "
                           "from 0 (0: never remove), e.g. 30"),
    ("max_file_mb: 0", f"{AT}.max_file_mb: 0 is not allowed; allowed: a number of megabytes "
                       "above 0, e.g. 100"),
    ("pdf: 'yes'", f"{AT}.pdf: 'yes' is not allowed; allowed: true or false"),
    ("preview_pdfs: 1", f"{AT}.preview_pdfs: 1 is not allowed; allowed: true or false"),
    ("language: ''", f"{AT}.language: '' is not allowed; allowed: a language tag such as en or "
                     "en-GB"),
    ("allowed_email_domains: nhs.net", f"{AT}.allowed_email_domains: 'nhs.net' is not allowed; "
                                       "allowed: a list of domains, e.g. [nhs.net]"),
    ("cache_dir: ''", f"{AT}.cache_dir: '' is not allowed; {CACHE}"),
    ("cache_dir: .", f"{AT}.cache_dir: '.' is not allowed (it holds site_dir 'site'); {CACHE}"),
    ("cache_dir: site/cache", f"{AT}.cache_dir: 'site/cache' is not allowed (inside site_dir "
                              f"'site'); {CACHE}"),
    ("cache_dir: content/cache", f"{AT}.cache_dir: 'content/cache' is not allowed (inside "
                                 f"docs_dir 'content'); {CACHE}"),
    ("pdf_timout: 30", f"{AT}.pdf_timout: not an option; did you mean pdf_timeout?"),
]


@pytest.fixture
def project(tmp_path, monkeypatch):
    empty_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def configure(project: Path, *options: str) -> None:
    (project / "mkdocs.yml").write_text(CONFIG.format(
        options="".join(f"      {option}\n" for option in options)))


@pytest.mark.parametrize("option, message", WRONG, ids=[w[0] for w in WRONG])
def test_check_names_the_option_its_value_and_what_is_allowed(project, capsys, option, message):
    configure(project, option)
    assert main(["check"]) == 2
    out, err = capsys.readouterr()
    assert err.splitlines() == [f"commsite check: {message}"]
    assert "Traceback" not in out + err


def test_every_wrong_option_is_reported_at_once_by_build_and_serve(project):
    """`mkdocs build`, `mkdocs serve` and `commsite build` print the same lines as check."""
    names = {}  # one wrong value per option (a YAML key given twice keeps the last)
    for option, message in WRONG[2:]:  # not build_date: MkDocs' YAML reader crashes on it
        names.setdefault(option.split(":")[0], (option, message))
    chosen = list(names.values())
    configure(project, *(option for option, _ in chosen))
    expected = [message for _, message in chosen]
    for command in (["build"], ["serve", "--dev-addr", "127.0.0.1:0"]):
        done = zygote.run([sys.executable, "-m", "mkdocs", *command], cwd=project,
                              capture_output=True, text=True, env=ENV, timeout=120)
        assert done.returncode != 0, command
        assert "Traceback" not in done.stderr
        lines = [line.removeprefix("ERROR   -  ") for line in done.stderr.splitlines()]
        for message in expected:
            assert message in lines, (command, message, done.stderr)
    assert not (project / "site").exists()
    done = zygote.run([sys.executable, "-m", "commsite.cli", "build"], cwd=project,
                          capture_output=True, text=True, env=ENV, timeout=120)
    assert done.returncode == 2
    assert sorted(done.stderr.splitlines()) == sorted(f"commsite build: {m}" for m in expected)


def test_an_impossible_unquoted_build_date_is_one_line_in_commsite_build(project):
    # MkDocs' own YAML reader turns 2018-02-30 into a crash before any plugin runs;
    # `commsite build` reads mkdocs.yml first and says what is wrong.
    configure(project, "build_date: 2018-02-30")
    done = zygote.run([sys.executable, "-m", "commsite.cli", "build"], cwd=project,
                          capture_output=True, text=True, env=ENV, timeout=120)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"commsite build: {WRONG[0][1]}"]


def test_a_real_unquoted_build_date_builds(project):
    configure(project, "build_date: 2018-08-01")
    done = zygote.run([sys.executable, "-m", "mkdocs", "build"], cwd=project,
                          capture_output=True, text=True, env=ENV, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_mkdocs_option_defaults_are_the_core_s(tmp_path):
    from commsite.plugin.config import CommsiteConfig

    config = CommsiteConfig()
    config.load_dict({})
    errors, warnings = config.validate()
    assert not errors and not warnings
    shown = {option.name: config[option.name] for option in OPTIONS}
    assert set(shown) == set(config.keys())
    assert settings_from_options(tmp_path, shown) == settings_from_options(tmp_path, {})
    # ... and the core's defaults are those the README promises.
    core = settings_from_options(tmp_path, {})
    assert (core.old_after_months, core.pdf_timeout, core.pdf_cache_days, core.max_file_mb,
            core.pdf_workers, core.pdf, core.language) == (12, 60, 30, 100, 0, True, "en")
