"""The installed package is `commsite`, and nothing else: no generic top-level name
(`generator`) that would merge with a user's own folder of that name. Its pins say why
they are what they are, and what is installed meets them."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import entry_points, version
from pathlib import Path

from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _run(code: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True)


def test_the_package_is_commsite_and_no_generator_is_installed(tmp_path):
    found = _run("import commsite, pathlib; print(pathlib.Path(commsite.__file__).parent.name)",
                 tmp_path)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "commsite"
    missing = _run("import generator", tmp_path)
    assert missing.returncode != 0 and "No module named 'generator'" in missing.stderr


def test_a_user_folder_named_generator_does_not_shadow_commsite(tmp_path):
    (tmp_path / "generator").mkdir()
    (tmp_path / "generator" / "cli.py").write_text("raise SystemExit('the wrong package')\n")
    found = _run("import commsite.cli; print(commsite.cli.main.__module__)", tmp_path)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "commsite.cli"


def test_entry_points_name_the_commsite_package():
    scripts = {e.name: e.value for e in entry_points(group="console_scripts")}
    plugins = {e.name: e.value for e in entry_points(group="mkdocs.plugins")}
    assert scripts["commsite"] == "commsite.cli:main"
    assert plugins["commsite"] == "commsite.plugin.plugin:CommsitePlugin"


def pins() -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    return project["dependencies"] + [p for group in project["optional-dependencies"].values()
                                      for p in group]


def test_every_pin_says_why_beside_it():
    lines = PYPROJECT.read_text().splitlines()
    unexplained = []
    for pin in pins():
        at = next(i for i, line in enumerate(lines) if re.match(rf'\s*"{re.escape(pin)}",', line))
        beside = "#" in lines[at].split(f'"{pin}"', 1)[1]
        above = lines[at - 1].strip().startswith("#")
        if not (beside or above):
            unexplained.append(pin)
    assert unexplained == []
    assert {"weasyprint>=70", "mkdocs-material>=9.5,<10"} <= set(pins())


def test_the_installed_libraries_meet_the_pins():
    unmet = [f"{r}: {version(r.name)} installed" for r in map(Requirement, pins())
             if not r.specifier.contains(version(r.name), prereleases=True)]
    assert unmet == []
