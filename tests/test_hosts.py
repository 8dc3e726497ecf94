"""The same site from every host (README: Hosts): MkDocs, ProperDocs and Zensical.

The example site and a generated corpus of 200 records are built with each host and
compared with the MkDocs build: the same page addresses and files, the same visible
text and links of our own markup (the theme's chrome may differ), the same PDFs byte
for byte (from the cache), the same feeds, calendar files and emails.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from . import zygote
from .sites import ROOT, build_once, copy_build, copy_project

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write_corpus  # noqa: E402

from .search_index import indexed  # noqa: E402

# The theme's own files and search index: each host ships its own.
THEIRS = ("assets/javascripts/", "assets/stylesheets/", "assets/images/", "search/",
          "search.json", "sitemap.xml", "sitemap.xml.gz")
# Our search index: compared by what it holds (Pagefind writes its chunks in no fixed order).
INDEX = "pagefind/"


def commsite(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return zygote.run([sys.executable, "-m", "commsite.cli", *args], cwd=cwd, timeout=900,
                      env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def host_build(project: Path, host: str, site: Path) -> subprocess.CompletedProcess:
    done = commsite("-f", str(project / "mkdocs.yml"), "build", "--host", host, "--strict",
                    "-d", str(site))
    assert done.returncode == 0, done.stderr
    return done


def ours(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and not p.relative_to(folder).as_posix().startswith(THEIRS + (INDEX,))}


# lxml's own parser (lxml.html's looks up a Python class for each element it hands back,
# a fifth of a comparison's time): a page parsed once, in a few milliseconds (html.parser
# took 50 s for the 200-record corpus's pages), and walked in Python (XPath's class tests
# on every element took two thirds of the time of a comparison).
_PARSER = etree.HTMLParser()
THEIR_CHROME = {"md-source-file", "md-content__button", "headerlink"}  # and id="__skip"
_FEEDS = etree.XPath('//head/link[@type="application/atom+xml"]/@href', smart_strings=False)


def _classes(element) -> list[str]:
    return (element.get("class") or "").split()


def _drop(element) -> None:
    """The element and what is inside it out of the tree, the text after it kept (as
    lxml.html's drop_tree does)."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    parent.remove(element)


def page_parts(page: Path) -> tuple[str, list[str], list[str]]:
    """The visible text and the links of what we put in the page's content area, and the
    page's feed links."""
    tree = etree.fromstring(page.read_bytes(), _PARSER)
    feeds = _FEEDS(tree)
    inner = next((el for el in tree.iter(etree.Element) if "md-content__inner" in _classes(el)),
                 None)
    assert inner is not None, f"{page}: no content area"
    theirs = [el for el in inner.iterdescendants(etree.Element)
              if el.get("id") == "__skip" or THEIR_CHROME.intersection(_classes(el))]
    for element in theirs:
        _drop(element)
    links = sorted(f"{el.tag} {attr}={el.get(attr)}" for attr in ("href", "src")
                   for el in inner.iterdescendants(etree.Element) if el.get(attr) is not None)
    for element in inner.iter("script", "style"):
        element.text = None  # the text around them counts, not theirs
    return " ".join(" ".join(inner.itertext()).split()), links, feeds


# The MkDocs builds compared with are shared and read-only (tests/conftest.py checks that no
# test writes into them): each of their pages is parsed once per worker, not once per host.
_expected_parts = functools.lru_cache(maxsize=None)(page_parts)


# ProperDocs writes MkDocs' pages byte for byte but for its name in this tag.
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def assert_same_site(expected: Path, actual: Path, host: str) -> int:
    """Every difference between two builds of one project, in one message; returns the
    number of pages compared."""
    problems = []
    mine, theirs = ours(expected), ours(actual)
    problems += [f"only in the MkDocs build: {p}" for p in sorted(mine - theirs)]
    problems += [f"only in the {host} build: {p}" for p in sorted(theirs - mine)]
    if indexed(expected) != indexed(actual):
        problems.append(f"the search index of the {host} build holds other pages or text")
    positions = [(site / INDEX / "positions.json").read_text() for site in (expected, actual)]
    if positions[0] != positions[1]:
        problems.append(f"the finder's table places the {host} build's index otherwise")
    pages = 0
    for rel in sorted(mine & theirs):
        a, b = expected / rel, actual / rel
        if rel.endswith("index.html"):
            pages += 1
            page = b.read_bytes()
            if b"Content-Security-Policy" not in page:
                problems.append(f"{rel}: no Content-Security-Policy")
            if GENERATOR.sub(b"", a.read_bytes()) == GENERATOR.sub(b"", page):
                continue  # the same page but for the generator's name: nothing to parse
            (text_a, links_a, feeds_a) = _expected_parts(a)
            (text_b, links_b, feeds_b) = page_parts(b)
            if (text_a, links_a) != (text_b, links_b):
                problems.append(f"{rel}: our text or links differ")
            if feeds_a != feeds_b:
                problems.append(f"{rel}: feed links differ")
        elif not rel.endswith((".html", "csp.txt", "_headers", ".htaccess")):
            # PDFs (from the cache), feeds, calendar files, emails, attachments, our CSS
            if a.read_bytes() != b.read_bytes():
                problems.append(f"{rel}: not the same bytes")
    assert not problems, "\n".join(problems[:30])
    return pages


@pytest.fixture(scope="module")
def example_hosts(example_build, tmp_path_factory):
    """The example project (with the shared build's PDF cache) built by each host."""
    project = copy_build(example_build, tmp_path_factory.mktemp("hosts") / "example")
    sites = {"mkdocs": example_build.site}
    results = {}
    for host in ("properdocs", "zensical"):
        sites[host] = project / f"site-{host}"
        results[host] = host_build(project, host, sites[host])
    return project, sites, results


@pytest.mark.parametrize("host", ["properdocs", "zensical"])
def test_the_example_site_is_the_same_from_every_host(example_hosts, host):
    project, sites, results = example_hosts
    pages = assert_same_site(sites["mkdocs"], sites[host], host)
    assert pages >= 60  # every record, listing and index: the comparison compared something
    pdfs = sorted(sites[host].rglob("*.pdf"))
    assert len([p for p in pdfs if p.parent.name == p.stem]) >= 20
    assert "0 rendered" in results[host].stderr, "the PDFs came from the cache"


def test_zensical_pages_carry_title_description_and_search_choices(example_hosts):
    project, sites, _ = example_hosts
    site = sites["zensical"]
    record = next((site / "bulletins").glob("*/index.html"))
    soup = BeautifulSoup(record.read_text(encoding="utf-8"), "lxml")
    mk = BeautifulSoup((sites["mkdocs"] / record.relative_to(site)).read_text(), "lxml")
    assert soup.title.string == mk.title.string
    assert soup.select_one('meta[name="description"]')["content"] == \
        mk.select_one('meta[name="description"]')["content"]
    assert len(soup.select("h1")) == 1, "the record's title is the page's only h1"
    import json

    located = {item["location"].split("#")[0]
               for item in json.loads((site / "search.json").read_text())["items"]}
    assert record.parent.relative_to(site).as_posix() + "/" in located
    assert "bulletins/" not in located and "topics/" not in located, \
        "listings stay out of search, as with MkDocs"
    for name in ("csp.txt", "_headers", ".htaccess"):
        assert "script-src 'self' 'wasm-unsafe-eval' 'sha256-" in (site / name).read_text()


@pytest.fixture(scope="session")
def corpus_200(tmp_path_factory):
    """A generated corpus of 200 records (issue 14's size) built by MkDocs once for the run:
    what each other host's build of it is compared with."""
    return build_once("corpus-200", lambda dest: write_corpus(200, dest, pdf=False).parent,
                      tmp_path_factory)


@pytest.mark.parametrize("host", ["properdocs", "zensical"])
def test_a_200_record_corpus_is_the_same_from_every_host(corpus_200, host, tmp_path):
    # The project as MkDocs left it, caches too, but not its site (compared where it is).
    project = tmp_path / "corpus"
    top = corpus_200.project
    shutil.copytree(top, project, symlinks=True,
                    ignore=lambda folder, names: ["site"] if Path(folder) == top else [])
    host_build(project, host, project / f"site-{host}")
    assert assert_same_site(corpus_200.site, project / f"site-{host}", host) > 200


def test_zensical_writes_only_what_changed_and_keeps_the_site_on_bad_records(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text().replace(
        "      old_after_months: 12\n", "      old_after_months: 12\n      pdf: false\n"))
    site = project / "out"
    first = host_build(project, "zensical", site)
    assert "0 unchanged" in first.stderr
    record = project / "bulletins" / "2018-07-12-la-bulletin.md"
    record.write_text(record.read_text().replace("Welcome to the July edition",
                                                 "Welcome to the new July edition"))
    second = host_build(project, "zensical", site)
    # the record's page and, since its body is in no listing, nothing else
    assert " 1 file(s) written" in second.stderr, second.stderr
    assert "Welcome to the new July edition" in \
        (site / "bulletins/2018-07-12-la-bulletin/index.html").read_text()
    # Listings kept from the last build (on disk) follow a new title; a kept file cut short
    # is only a slower build; a removed record's page leaves the site (Zensical keeps its
    # output). One build for the three.
    record.write_text(record.read_text().replace("title: LA Bulletin", "title: LA Bulletin (revised)"))
    kept = project / ".commsite-cache" / "zensical" / "kept.json"
    kept.write_text(kept.read_text()[:100])
    gone = next((project / "content" / "notices").glob("2017-*.md"))
    gone.unlink()
    host_build(project, "zensical", site)
    for listing in ("bulletins/index.html", "index.html", "audiences/la/index.html"):
        assert "LA Bulletin (revised)" in (site / listing).read_text(), listing
    assert not (site / "notices" / gone.stem).exists()
    assert (site / "notices").is_dir()
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    record.write_text(record.read_text().replace("audience: la", "audience: LA"))
    bad = commsite("-f", str(project / "mkdocs.yml"), "build", "--host", "zensical",
                   "-d", str(site))
    assert bad.returncode == 1
    assert "bulletins/2018-07-12-la-bulletin.md:4: audience: unknown key 'LA'" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_zensical_build_refuses_options_it_cannot_honour(tmp_path):
    project = copy_project(tmp_path / "p")
    done = commsite("-f", str(project / "mkdocs.yml"), "build", "--host", "zensical", "--dirty")
    assert done.returncode == 2
    assert "not an option with --host zensical: --dirty" in done.stderr
    assert not (project / "site").exists()


def test_a_zensical_failure_while_the_index_is_made_keeps_the_site_and_leaves_nothing(tmp_path):
    """Zensical builds in its own process while Pagefind indexes ours: when Zensical fails
    (here: a theme override with a syntax error), the build says what Zensical said, in a
    line, stops the index, and the last good site stays as it was, with no folder of the
    failed build beside it and no process of it left running."""
    project = copy_project(tmp_path / "p")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      old_after_months: 12\n", "      old_after_months: 12\n      pdf: false\n"))
    site = project / "out"
    host_build(project, "zensical", site)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    record = project / "bulletins" / "2018-07-12-la-bulletin.md"
    record.write_text(record.read_text().replace("Welcome to the July edition",
                                                 "Welcome to the new July edition"))
    (project / "overrides").mkdir()
    (project / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block content %}{{ broken( }}{% endblock %}\n')
    config.write_text(config.read_text().replace(
        "  font: false", "  custom_dir: overrides\n  font: false", 1))
    bad = commsite("-f", str(config), "build", "--host", "zensical", "-d", str(site))
    assert bad.returncode == 1
    assert "ERROR   -  zensical build failed: syntax error: unexpected `}` (in main.html:2)" \
        in bad.stderr, bad.stderr
    assert "Traceback" not in bad.stderr and 'File "' not in bad.stderr
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".out")) == \
        [".out.commsite-lock"], "no staging or index folder of the failed build is left"
    assert not _ours_running(project)


def _ours_running(project: Path) -> dict[int, str]:
    """The processes that work on `project` (Zensical, Pagefind): command line by pid."""
    found = {}
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            data = cmdline.read_bytes()
        except OSError:
            continue  # it ended while we looked
        if str(project).encode() in data:
            found[int(cmdline.parent.name)] = data.replace(b"\0", b" ").decode(errors="replace")
    return found


def test_a_zensical_build_killed_outright_takes_zensical_and_pagefind_with_it(tmp_path):
    """SIGKILL runs no clean-up: the kernel stops the children we started (PDEATHSIG), so
    no Zensical or Pagefind goes on writing after the build is gone, and nothing is
    published. Here both are stand-ins that would otherwise wait an hour."""
    import signal
    import time

    project = copy_project(tmp_path / "p")
    config = project / "mkdocs.yml"  # no PDFs: what is stopped here is Zensical and Pagefind
    config.write_text(config.read_text().replace(
        "      old_after_months: 12\n", "      old_after_months: 12\n      pdf: false\n"))
    fake = tmp_path / "fake"
    (fake / "zensical").mkdir(parents=True)
    (fake / "zensical" / "__init__.py").write_text("")
    (fake / "zensical" / "__main__.py").write_text("import time\ntime.sleep(3600)\n")
    (fake / "pagefind_bin").mkdir()
    sleeper = fake / "pagefind"
    sleeper.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(3600)\n")
    sleeper.chmod(0o755)
    (fake / "pagefind_bin" / "__init__.py").write_text(
        f"def get_executable():\n    return {str(sleeper)!r}\n")
    site = project / "out"
    build = subprocess.Popen(
        [sys.executable, "-m", "commsite.cli", "-f", str(project / "mkdocs.yml"), "build",
         "--host", "zensical", "-d", str(site)], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, env={**os.environ, "NO_MKDOCS_2_WARNING": "1",
                                        "PYTHONPATH": os.pathsep.join(
                                            [str(fake), *sys.path])})
    try:
        deadline = time.monotonic() + 120
        while not (any(" -m zensical build" in line for line in _ours_running(project).values())
                   and any(str(sleeper) in line for line in _ours_running(project).values())):
            assert build.poll() is None, "the build ended before both children were seen"
            assert time.monotonic() < deadline, _ours_running(project)
            time.sleep(0.02)  # a look at /proc: nothing to be told of
        build.send_signal(signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 30
        while _ours_running(project):
            assert time.monotonic() < deadline, _ours_running(project)
            time.sleep(0.02)
    finally:
        if build.poll() is None:
            build.kill()
        for pid in _ours_running(project):  # what a failure left: not for an hour
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    assert not site.exists(), "nothing published by a build killed before it was done"
