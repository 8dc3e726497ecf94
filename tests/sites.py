"""The projects the tests build with `mkdocs build`, and one build of each per test run.

A build of the example site takes several seconds (and its PDFs most of them), so
every test that only reads a built site shares one build, made in a temporary copy
of the project by the session fixtures of tests/conftest.py. Those builds are for
reading: a test that changes a project or builds again copies it first
(`copy_project`, `copy_build`); tests/conftest.py fails the run when a shared build
was written to.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from commsite.project import load_project
from commsite.records import Record, load_records
from commsite.settings import Settings

from . import zygote

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "content", "bulletins", "webinars")


def empty_project(root: Path, config: str | None = None) -> Path:
    """A project with no records: a home page, and mkdocs.yml when `config` is given."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "content" / "index.md").write_text("---\ntitle: Home\n---\nHello.\n")
    if config is not None:
        (root / "mkdocs.yml").write_text(config)
    return root


def copy_project(dest: Path) -> Path:
    """The example project's sources (no site, no cache) in `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        else:
            shutil.copy2(src, dest / part)
    return dest


def with_pdf_cache(built: "Built", project: Path) -> Path:
    """`project` with a copy of the PDF cache of `built`: its build renders only the PDFs
    that differ (a cache entry is keyed by everything that shapes its PDF), and reuses the
    rest instead of rendering them again."""
    cache = built.settings.cache_dir
    if cache.is_dir():
        shutil.copytree(cache, project / cache.relative_to(built.project), dirs_exist_ok=True)
    return project


def mkdocs_build(project: Path, site: Path, **env) -> subprocess.CompletedProcess:
    return zygote.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"),
         "--site-dir", str(site)],
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env}, timeout=600)


@dataclass(frozen=True)
class Built:
    """A project built once: unpacks as (project, site, settings, records)."""

    project: Path
    site: Path
    settings: Settings
    records: list[Record]  # every record as loaded, drafts included
    result: subprocess.CompletedProcess  # the build's output (its stderr has the PDF counts)

    def __iter__(self):
        return iter((self.project, self.site, self.settings, self.records))


def copy_build(built: Built, dest: Path) -> Path:
    """A writable copy of a built project, its site and PDF cache included."""
    shutil.copytree(built.project, dest, symlinks=True)
    return dest


_BUILT: dict[str, Built] = {}


def build_once(name: str, make: Callable[[Path], Path], tmp_path_factory) -> Built:
    """The project `make` writes, built with `mkdocs build` the first time it is asked for.

    With parallel workers (pytest-xdist), the first worker to ask builds it in the run's
    shared temporary folder, behind a lock, and the others read that build."""
    if name not in _BUILT:
        if os.environ.get("PYTEST_XDIST_WORKER"):
            project, result = _build_shared(name, make, tmp_path_factory.getbasetemp().parent)
        else:
            project = make(tmp_path_factory.mktemp(name))
            result = mkdocs_build(project, project / "site")
        assert result.returncode == 0, result.stderr
        settings = load_project(project / "mkdocs.yml")
        _BUILT[name] = Built(project, project / "site", settings, load_records(settings), result)
    return _BUILT[name]


def _build_shared(name: str, make, shared: Path) -> tuple[Path, subprocess.CompletedProcess]:
    done = shared / f"{name}.build.json"
    with open(shared / f"{name}.build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            project = make(shared / name)
            result = mkdocs_build(project, project / "site")
            tmp = done.with_suffix(".tmp")
            tmp.write_text(json.dumps({"project": str(project), "args": result.args,
                                       "returncode": result.returncode,
                                       "stdout": result.stdout, "stderr": result.stderr}))
            tmp.replace(done)
        saved = json.loads(done.read_text())
    return Path(saved.pop("project")), subprocess.CompletedProcess(**saved)


def fingerprint(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's size and modification time: what a test that wrote into a shared build
    changed (cheap enough to take at the start and end of a run)."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}
