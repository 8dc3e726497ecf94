"""Two builds of one site at once: the second waits for the first, and the published site is
whole, exactly what a build alone publishes, whichever of them fails."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from commsite.publish import STAGING_MARK, WAITING, SiteLock

from .sites import copy_build

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
BROKEN = "---\ntitle: Broken\ndate: 2018-02-30\naudience: la\nsummary: S.\n---\nBody.\n"


def digest(folder: Path) -> dict[str, str]:
    """Every file's bytes; Pagefind's index by file count only: Pagefind names and fills its
    chunks differently from one build of the same site to the next."""
    files = {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(folder.rglob("*")) if p.is_file()}
    index = [name for name in files if name.startswith("pagefind/")]
    return {**{k: v for k, v in files.items() if k not in index}, "pagefind/": str(len(index))}


def build(config: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-f", str(config)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=ENV)


def wait_for_line(process: subprocess.Popen, text: str) -> list[str]:
    """The process's stderr lines up to the first holding `text` (all of them if none does)."""
    seen = []
    for line in process.stderr:
        seen.append(line)
        if text in line:
            break
    return seen


@pytest.fixture(scope="module")
def projects(corpus_build, tmp_path_factory):
    """A project of 73 records, built once (the run's shared build, copied: the lone
    build), and a second project beside it whose only record is broken, publishing into the
    same site folder."""
    good = copy_build(corpus_build, tmp_path_factory.mktemp("race") / "project") / "mkdocs.yml"
    bad = good.parent / "broken" / "mkdocs.yml"
    (bad.parent / "bulletins").mkdir(parents=True)
    (bad.parent / "content").mkdir()
    (bad.parent / "content" / "index.md").write_text("---\ntitle: Home\n---\nHello.\n")
    (bad.parent / "bulletins" / "2018-02-30-broken.md").write_text(BROKEN)
    bad.write_text(good.read_text() + "site_dir: ../site\n")
    return good, bad, digest(good.parent / "site")


def finish(good_build, bad_build, early: list[str]):
    good_err = good_build.communicate(timeout=300)[1]
    bad_err = "".join(early) + bad_build.communicate(timeout=300)[1]
    assert good_build.returncode == 0, good_err
    assert bad_build.returncode != 0
    assert "date: '2018-02-30' is not a real date" in bad_err
    return good_err, bad_err


def test_a_build_failing_while_another_runs_leaves_the_site_it_publishes_whole(projects):
    """The issue's timing: A runs, B starts while A writes its staging folder, B fails."""
    good, bad, alone = projects
    site = good.parent / "site"
    a = build(good)
    wait_for_line(a, "Building documentation to directory")  # A writes into its staging folder
    assert a.poll() is None and list(site.parent.glob(f"site{STAGING_MARK}*"))
    b = build(bad)
    early = wait_for_line(b, WAITING)
    assert any(WAITING in line for line in early), "".join(early)
    finish(a, b, early)
    assert digest(site) == alone
    assert not list(site.parent.glob(f"site{STAGING_MARK}*"))


def test_whichever_build_takes_the_site_first_the_result_is_the_same(projects):
    """Both wait while the site is locked; released, they race for it in either order."""
    good, bad, alone = projects
    site = good.parent / "site"
    held = SiteLock(site, report=lambda message: None)
    try:
        a, b = build(good), build(bad)
        early = {p: wait_for_line(p, WAITING) for p in (a, b)}
        assert all(any(WAITING in line for line in lines) for lines in early.values())
    finally:
        held.release()
    finish(a, b, early[b])
    assert digest(site) == alone
    assert not list(site.parent.glob(f"site{STAGING_MARK}*"))
