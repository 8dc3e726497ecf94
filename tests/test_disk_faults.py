"""Disks that cannot be written or are full: one plain line, no hang, the published site kept.

The read-only and full file systems are real tmpfs mounts (the tests run as root, as CI
does); without the right to mount, a folder without write permission stands in for the
read-only one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from commsite.pdf import print_job
from commsite.pdf.pool import RenderPool
from commsite.site import BuildFailure, Site

from . import zygote
from .pdf_helpers import build, mkdocs_project, project, settings

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
# Every way to build a site: each says a disk's refusal in the same line.
BUILDS = (["-m", "mkdocs", "build"], ["-m", "commsite.cli", "build"],
          ["-m", "commsite.cli", "build", "--host", "zensical"])


@contextlib.contextmanager
def tmpfs(folder: Path, options: str):
    """`folder` as a fresh tmpfs mounted with `options` (e.g. 'ro', 'size=1m')."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        assert options == "ro" and os.geteuid() != 0, done.stderr  # root must be able to mount
        folder.chmod(0o555)  # not root: a folder this user cannot write is as good
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def jobs_of(root: Path):
    site = Site(settings(root))
    site.load()
    return [print_job(r, site.catalogue) for r in site.records]


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_read_only_cache_is_one_line_before_any_pdf_is_rendered(tmp_path):
    root = mkdocs_project(tmp_path / "project")
    with tmpfs(tmp_path / "readonly", "ro") as cache:
        config = root / "mkdocs.yml"
        config.write_text(config.read_text().replace(
            "      old_after_months: 12\n", f"      old_after_months: 12\n      cache_dir: {cache}\n"))
        result = zygote.run(
            [sys.executable, "-m", "mkdocs", "build", "-f", str(config)],
            capture_output=True, text=True, timeout=120, env=ENV)  # never hangs
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "rendered" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert errors == [f"ERROR   -  cache_dir: the PDF cache folder {cache} cannot be written "
                      "(Read-only file system); set cache_dir to a folder you can write"] or \
        errors == [f"ERROR   -  cache_dir: the PDF cache folder {cache} cannot be written "
                   "(Permission denied); set cache_dir to a folder you can write"]
    assert not (root / "site").exists()


def test_workers_that_cannot_write_fail_their_jobs_and_the_pool_ends(tmp_path):
    """What hung the build for ever: every worker's write fails on a read-only folder."""
    jobs = jobs_of(project(tmp_path / "project"))
    with tmpfs(tmp_path / "readonly", "ro") as folder:
        pool = RenderPool(2, timeout=60)
        try:
            futures = [pool.submit(job, str(folder / f"{job.key}.pdf")) for job in jobs]
            results = [future.result(timeout=120) for future in futures]
        finally:
            pool.close()
    assert len(results) == 3
    assert all(r["error"].startswith("OSError: [Errno") for r in results), results


def test_a_fault_in_the_pool_s_own_thread_fails_every_job_with_its_reason(tmp_path, monkeypatch):
    jobs = jobs_of(project(tmp_path / "project"))
    pool = RenderPool(1, timeout=60)

    def broken(worker):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(pool, "_collect", broken)  # as when retiring a job raised
    try:
        futures = [pool.submit(job, str(tmp_path / f"{job.key}.pdf")) for job in jobs]
        results = [future.result(timeout=120) for future in futures]
        late = pool.submit(jobs[0], str(tmp_path / "late.pdf")).result(timeout=5)
    finally:
        pool.close()
    reason = "the PDF renderer stopped: OSError: [Errno 30] Read-only file system"
    assert [r["error"] for r in results] == [reason] * 3
    assert late["error"] == reason


def test_a_cache_that_cannot_be_written_stops_the_core_s_build_with_the_fix(tmp_path):
    root = project(tmp_path / "project")
    with tmpfs(tmp_path / "readonly", "ro") as cache:
        with pytest.raises(BuildFailure) as failure:
            build(root, cache_dir=cache)
    assert str(failure.value).startswith(f"cache_dir: the PDF cache folder {cache} cannot be "
                                         "written (")


@pytest.mark.parametrize("command", BUILDS, ids=lambda command: " ".join(command[1:]))
def test_a_full_disk_under_the_site_is_one_plain_line_and_the_old_site_stays(tmp_path, command):
    root = mkdocs_project(tmp_path / "project", "      pdf: false\n")
    with tmpfs(tmp_path / "small", "size=1m") as disk:  # a whole site needs about 3 MB
        site = disk / "site"
        site.mkdir()
        (site / "index.html").write_text("<p>The site readers have now.</p>")
        (site / "feeds").mkdir()
        (site / "feeds" / "all.atom").write_text("<feed/>")
        before = digest(site)
        result = zygote.run(
            [sys.executable, *command, "-f", str(root / "mkdocs.yml"), "--site-dir",
             str(site)], capture_output=True, text=True, timeout=300, env=ENV)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        [last] = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
        assert last.startswith(f"ERROR   -  commsite: the site could not be written: No space left on "
                               f"device: {site}/"), result.stderr
        assert last.endswith(f"; the published site {site} is as it was")
        assert digest(site) == before
        assert sorted(p.name for p in disk.iterdir()) == [".site.commsite-lock", "site"]


@pytest.mark.parametrize("command", BUILDS, ids=lambda command: " ".join(command[1:]))
def test_a_site_folder_that_cannot_be_written_is_one_plain_line(tmp_path, command):
    root = mkdocs_project(tmp_path / "project", "      pdf: false\n")
    with tmpfs(tmp_path / "readonly", "ro") as disk:
        result = zygote.run(
            [sys.executable, *command, "-f", str(root / "mkdocs.yml"),
             "--site-dir", str(disk / "site")], capture_output=True, text=True, timeout=300,
            env=ENV)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert line.startswith("ERROR   -  commsite: the site could not be written: ")
    assert f": {disk}/" in line and line.endswith(f"; the published site {disk / 'site'} is as it was")
