"""The installed package is `commsite`, and nothing else: no generic top-level name
(`generator`) that would merge with a user's own folder of that name."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points


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
