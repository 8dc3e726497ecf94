"""The cache lives in .commsite-cache/ (no host's clean step empties it); a cache left in
the old default, .cache/commsite, is moved there once, saying so."""

from __future__ import annotations

import errno
import os

from commsite.project import load_project
from commsite.site import Site

from .sites import copy_project


def test_the_old_cache_is_moved_once_with_a_message(tmp_path):
    project = copy_project(tmp_path / "p")
    old = project / ".cache" / "commsite"
    old.mkdir(parents=True)
    (old / "bodies.json").write_text("{}")
    said = []
    Site(load_project(project / "mkdocs.yml"), report=said.append)
    assert (project / ".commsite-cache" / "bodies.json").read_text() == "{}"
    assert not old.exists()
    assert said == ["the cache moved from .cache/commsite to .commsite-cache, where no host's "
                    "clean step removes it"]
    said.clear()
    Site(load_project(project / "mkdocs.yml"), report=said.append)
    assert said == []


def test_an_old_cache_that_cannot_move_is_still_used(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "p")
    old = project / ".cache" / "commsite"
    old.mkdir(parents=True)

    def cross_device(src, dst):
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(src))

    monkeypatch.setattr(os, "replace", cross_device)  # .cache/ on another file system
    said = []
    settings = load_project(project / "mkdocs.yml")
    Site(settings, report=said.append)
    assert settings.cache_dir == old
    assert said == ["the cache stays in .cache/commsite (Invalid cross-device link); move it "
                    "to .commsite-cache yourself, or set cache_dir"]


def test_a_cache_dir_of_ones_own_is_left_alone(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / ".cache" / "commsite").mkdir(parents=True)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("      old_after_months: 12\n",
                                                 "      old_after_months: 12\n"
                                                 "      cache_dir: my-cache\n"))
    Site(load_project(config))
    assert (project / ".cache" / "commsite").is_dir()
    assert not (project / ".commsite-cache").exists()
