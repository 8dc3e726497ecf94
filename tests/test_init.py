"""A new organisation's site: `commsite init`, installed from a wheel, built, published by CI."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from commsite.cli import main
from commsite.starter import commsite_version

from .sites import ROOT

PACKAGE = ROOT / "generator" / "commsite"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def test_the_example_site_carries_its_own_footer_and_no_theme_credit(example):
    project, site, settings, _ = example
    footer = BeautifulSoup((site / "index.html").read_text(), "lxml").find("footer")
    text = " ".join(footer.get_text(" ").split())
    assert "© NHSmail communications (example)" in text
    assert "Made with" not in text and "Material for MkDocs" not in text
    # Its own contacts are allowed: records may publish them.
    assert settings.allowed_phone_numbers == ("0300 303 4034",)
    assert settings.allowed_email_domains == ("nhs.net",)


def init(capsys, folder: Path, *argv) -> tuple[int, str, str]:
    code = main(["init", str(folder), *argv])
    out, err = capsys.readouterr()
    return code, out, err


EXPECTED = {"mkdocs.yml", "content/index.md", "README.md", "requirements.txt", ".gitignore",
            ".github/workflows/publish.yml", ".gitlab-ci.yml"}


def test_init_makes_a_site_folder_with_an_example_draft_of_each_type(tmp_path, capsys):
    folder = tmp_path / "comms"
    code, out, _ = init(capsys, folder, "--name", "Org “communications”: news")
    assert code == 0
    today = dt.date.today().isoformat()
    drafts = {f"bulletins/{today}-example-bulletin.md", f"webinars/{today}-example-webinar.md",
              f"content/notices/{today}-example-notice.md"}
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert files == EXPECTED | drafts
    assert f"Made the site 'Org “communications”: news' in {folder}/ (10 files):" in out
    assert "3. preview it: .venv/bin/commsite serve, then open http://127.0.0.1:8000/" in out
    config = yaml.load((folder / "mkdocs.yml").read_text(), Loader=yaml.SafeLoader)
    assert config["site_name"] == "Org “communications”: news"  # quoted for YAML
    assert config["extra"] == {"generator": False}
    assert config["copyright"] == "© Org “communications”: news"
    options = next(p["commsite"] for p in config["plugins"] if isinstance(p, dict))
    assert set(options) >= {"audiences", "allowed_phone_numbers", "allowed_email_domains"}
    assert options["brand_colour"] == "#1d4f91"
    assert (folder / "requirements.txt").read_text().splitlines()[-1] == \
        f"commsite=={commsite_version()}"
    for rel in drafts:
        assert "\ndraft: true\n" in (folder / rel).read_text()
    assert "site/" in (folder / ".gitignore").read_text().splitlines()
    # The new site checks clean: three drafts, nothing else to fix.
    code = main(["-f", str(folder / "mkdocs.yml"), "check"])
    out, err = capsys.readouterr()
    assert code == 0 and err.strip() == "3 records checked: no findings"
    assert out.count("draft: not published until 'draft: true' is removed") == 3


def test_init_never_writes_into_a_folder_that_holds_anything(tmp_path, capsys):
    folder = tmp_path / "existing"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    code, out, err = init(capsys, folder, "--name", "X")
    assert code == 2 and out == ""
    assert err.strip() == (f"commsite init: {folder} already exists and is not empty; nothing "
                           "was written (choose a new folder)")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    (tmp_path / "empty").mkdir()  # an empty folder is fine (a fresh git clone, say)
    assert init(capsys, tmp_path / "empty", "--name", "X")[0] == 0


def on_key(workflow: dict):
    # YAML 1.1 (PyYAML) reads the bare key `on` as true; GitHub reads it as "on".
    return workflow.get("on", workflow.get(True))


def test_the_ci_files_publish_on_every_push_and_every_morning(tmp_path, capsys):
    folder = tmp_path / "comms"
    assert init(capsys, folder, "--name", "Org communications")[0] == 0
    github = yaml.load((folder / ".github/workflows/publish.yml").read_text(),
                       Loader=yaml.SafeLoader)
    triggers = on_key(github)
    assert triggers["push"]["branches"] == ["main"]
    [schedule] = triggers["schedule"]
    minute, hour, *rest = schedule["cron"].split()
    assert rest == ["*", "*", "*"] and 1 <= int(hour) <= 22  # the same day in UTC and the UK
    assert github["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = github["jobs"]["build"], github["jobs"]["deploy"]
    uses = [step.get("uses", "") for step in build["steps"]]
    runs = [step.get("run", "") for step in build["steps"]]
    assert "actions/checkout@v4" in uses and "actions/upload-pages-artifact@v3" in uses
    assert "pip install -r requirements.txt" in runs
    assert "commsite build --site-dir site" in runs
    assert build["env"]["TZ"] == "Europe/London"
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "site"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v4"]
    assert "06:05 in winter (GMT) and 07:05 in summer (BST)" in \
        (folder / ".github/workflows/publish.yml").read_text()

    gitlab_text = (folder / ".gitlab-ci.yml").read_text()
    pages = yaml.load(gitlab_text, Loader=yaml.SafeLoader)["pages"]  # GitLab Pages' job name
    assert pages["artifacts"]["paths"] == ["public"]
    assert "commsite build --site-dir public" in pages["script"]
    assert "pip install -r requirements.txt" in pages["before_script"]
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in pages["rules"]
    assert {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"} in pages["rules"]
    assert pages["variables"]["TZ"] == "Europe/London"
    assert "Pipeline schedules > New schedule" in gitlab_text and "5 7 * * *" in gitlab_text


def package_data() -> set[str]:
    """Every file of the source package that is not Python code: what a wheel must carry."""
    return {p.relative_to(PACKAGE.parent).as_posix() for p in PACKAGE.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """commsite built as a wheel from a copy of the source (the tree stays clean), by the
    setuptools of the test environment (the [test] extra pins one [build-system] allows),
    through its PEP 517 hook, as `pip wheel --no-build-isolation` calls it (pip itself
    added a second of imports and gave the same files)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(PACKAGE, source / "generator" / "commsite",
                    ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run([sys.executable, "-c", "import sys; from setuptools import build_meta; "
                             "build_meta.build_wheel(sys.argv[1])", str(work / "dist")],
                            cwd=source, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    [built] = (work / "dist").glob("commsite-*.whl")
    return built


def test_the_wheel_carries_every_template_and_starter_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = package_data() - names
    assert not missing, f"not in the wheel: {sorted(missing)}"
    assert "commsite/starter/github/workflows/publish.yml" in names


def test_a_site_made_by_init_builds_with_commsite_installed_from_the_wheel(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # Its dependencies come from this environment's site-packages (as --system-site-packages
    # would give them, without a download); commsite itself only from the wheel.
    purelib = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()"
                                   "['purelib'])"], capture_output=True, text=True,
                                  check=True).stdout.strip())
    (purelib / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    site = tmp_path / "comms"
    # `commsite init` from the installed wheel, then its own requirements.txt installs it.
    install = subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps",
                              "--force-reinstall", "--no-index", str(wheel)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    commsite = venv / "bin" / "commsite"
    where = subprocess.run([python, "-c", "import commsite; print(commsite.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert where.stdout.startswith(str(venv)), where  # the wheel's copy, not the source tree
    made = subprocess.run([commsite, "init", str(site), "--name", "Org communications"],
                          capture_output=True, text=True, env=ENV)
    assert made.returncode == 0, made.stderr
    pinned = subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                             "--force-reinstall", "--find-links", str(wheel.parent), "-r",
                             str(site / "requirements.txt")], capture_output=True, text=True)
    assert pinned.returncode == 0, pinned.stderr  # the pin names the version of the wheel
    sources = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    built = subprocess.run([commsite, "build", "--site-dir", "site"], capture_output=True,
                           text=True, cwd=site, env=ENV)
    assert built.returncode == 0, built.stderr
    # What the build left beside the sources (the site, its lock, the caches) is what the
    # starter's .gitignore keeps out of the author's commits: git sees the sources alone.
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    seen = subprocess.run(["git", "-C", str(site), "ls-files", "--others", "--exclude-standard"],
                          capture_output=True, text=True, check=True).stdout.split()
    assert sorted(seen) == sources
    home = BeautifulSoup((site / "site" / "index.html").read_text(), "lxml")
    assert home.title.get_text().startswith("Org communications")
    assert "Made with Material" not in home.get_text()
    # The example drafts stay off the published site.
    assert not (site / "site" / "bulletins" / f"{dt.date.today()}-example-bulletin").exists()
