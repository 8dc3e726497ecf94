"""Sites built once per test run and shared by every test that reads them, and the
`browser` marker on everything under tests/browser (`pytest -m "not browser"` is the
fast loop)."""

from __future__ import annotations

import gc
import signal
import sys
from pathlib import Path

import pytest

from commsite.parallel import cores

from .ramtemp import use_memory_for_temporary_files
from .sites import ROOT, Built, build_once, copy_project, fingerprint
from .test_feeds import make_unusual

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write_corpus  # noqa: E402

BROWSER_TESTS = Path(__file__).parent / "browser"
_TEMP = pytest.StashKey[str | None]()


def pytest_configure(config):
    # The Ctrl-C tests send SIGINT as a terminal does. A run started in the background
    # (`&`, nohup, some CI runners) inherits SIGINT ignored, and so would every build it
    # starts, which would then finish instead of stopping: give the children the default.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    # Before pytest makes the run's temporary folder, and before the workers start (they
    # and every build they run inherit it): tests/ramtemp.py says why.
    config.stash[_TEMP] = use_memory_for_temporary_files()


def pytest_report_header(config):
    folder = config.stash.get(_TEMP, None)
    if folder:
        return f"temporary files: {folder} (in memory: tests/ramtemp.py; TMPDIR chooses another)"
    return None


def pytest_xdist_auto_num_workers(config):
    """`-n auto` (pyproject.toml): one worker more than the cores this process may use. Many
    tests spend part of their time waiting (on a preview server noticing a save, a build
    being interrupted, Chromium painting); the extra worker runs while they wait. The
    figures, interleaved runs of both settings, are in the notes of issue 12."""
    return cores() + 1


def pytest_collection_finish(session):
    # What is loaded by now (modules, the collected tests) lives as long as the run: the
    # collector skips it from here on (less of the workers' time in it: issue 12's notes).
    gc.freeze()


def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_TESTS in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def _shared(built: Built):
    """Yields the build, and fails the run if a test wrote into it (copy it instead)."""
    before = fingerprint(built.project)
    yield built
    changed = sorted(set(before.items()) ^ set(fingerprint(built.project).items()))
    assert not changed, f"a test wrote into the shared build of {built.project}: {changed[:5]}"


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> Built:
    """The example project, built with its PDFs once for the whole run (read it only)."""
    yield from _shared(build_once("example", copy_project, tmp_path_factory))


@pytest.fixture(scope="session")
def example(example_build) -> Built:
    """(project, site, settings, records) of the example site (tests/browser has its own
    `example`, served, from the same build)."""
    return example_build


@pytest.fixture(scope="session")
def unusual(tmp_path_factory) -> Built:
    """A small project without site_url: hostile text, drafts, clock changes."""
    yield from _shared(build_once("unusual", make_unusual, tmp_path_factory))


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory) -> Built:
    """A generated project of 73 records (benchmarks/corpus.py), without PDFs, built once for
    the run: the site that concurrent builds must leave whole (copy it), and the finder's
    table of more than three item files, the last one part-full (tests/test_finderdata.py)."""
    yield from _shared(build_once(
        "corpus-73", lambda dest: write_corpus(73, dest, pdf=False).parent, tmp_path_factory))
