"""The search index as any host writes it: `index_site` over a built site folder.

Small hand-written sites, so each promise is seen at its edge: only marked content is
indexed, a site of drafts gets no index at all, a withdrawn page leaves the index on
the next build, and an index that cannot be written is one line, not a traceback.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from commsite.search import SearchIndexError, index_site

from .search_index import everything, indexed
from .test_build import copy_project, mkdocs_build, tree_digest


def write_page(site: Path, url: str, body: str, lang: str = "en") -> None:
    folder = site / url
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(
        f'<!doctype html><html lang="{lang}"><head><title>{url}</title></head><body>'
        f'<nav>Navigation chrome</nav>{body}</body></html>', encoding="utf-8")


def record(title: str, words: str, audience: str = "la") -> str:
    return (f'<article data-pagefind-body><h1>{title}</h1><p>{words}</p>'
            f'<div hidden data-pagefind-ignore><span data-pagefind-filter="audience">{audience}'
            f'</span></div></article>')


def test_only_marked_content_is_indexed_with_its_filters(tmp_path):
    write_page(tmp_path, "bulletins/one", record("Spoofing update", "Organisations must act."))
    write_page(tmp_path, "", "<h1>Home</h1><p>Listing text</p>")
    write_page(tmp_path, "drafts/x", "<article><h1>Secret draft</h1><p>Unreleased plan</p></article>")
    summary = index_site(tmp_path)
    assert summary.startswith("search index: 1 page")
    pages = indexed(tmp_path)
    assert list(pages) == ["/bulletins/one/"]
    assert pages["/bulletins/one/"]["filters"] == {"audience": ["la"]}
    assert "Navigation chrome" not in pages["/bulletins/one/"]["content"]
    text = everything(tmp_path)
    assert b"Secret draft" not in text and b"Unreleased" not in text and b"Listing text" not in text
    assert (tmp_path / "pagefind" / "pagefind.js").is_file()


def test_a_site_of_drafts_only_gets_no_index(tmp_path):
    # Pagefind indexes whole pages when none is marked: drafts would be found.
    write_page(tmp_path, "bulletins/one", record("Published", "words"))
    index_site(tmp_path)
    (tmp_path / "bulletins" / "one" / "index.html").unlink()
    write_page(tmp_path, "drafts/x", "<article><h1>Secret draft</h1></article>")
    assert index_site(tmp_path) == "search index: no published records to index"
    assert not (tmp_path / "pagefind").exists()  # the earlier index is gone too


def test_a_withdrawn_page_leaves_the_index(tmp_path):
    write_page(tmp_path, "bulletins/one", record("First", "alpha"))
    write_page(tmp_path, "bulletins/two", record("Second", "beta"))
    index_site(tmp_path)
    assert set(indexed(tmp_path)) == {"/bulletins/one/", "/bulletins/two/"}
    (tmp_path / "bulletins" / "two" / "index.html").unlink()
    index_site(tmp_path)
    assert set(indexed(tmp_path)) == {"/bulletins/one/"}
    assert b"beta" not in everything(tmp_path)


def test_an_index_that_cannot_be_written_is_one_line(tmp_path):
    write_page(tmp_path, "bulletins/one", record("First", "alpha"))
    (tmp_path / "pagefind").write_text("a file where the index's folder goes")
    with pytest.raises(SearchIndexError) as err:
        index_site(tmp_path)
    message = str(err.value)
    assert message.startswith("the search index could not be written: ")
    assert "\n" not in message and "Traceback" not in message


def test_pages_that_cannot_be_linked_for_pagefind_are_copied_and_index_the_same(
        tmp_path, monkeypatch):
    """Pagefind reads the marked pages from a folder of links beside the site; where links
    cannot be made (another file system), copies, with the same index."""
    site = tmp_path / "site"
    write_page(site, "bulletins/one", record("First", "alpha"))
    write_page(site, "", "<h1>Home</h1><p>Listing text</p>")
    index_site(site)
    linked = indexed(site)

    def refuse(source, dest):
        raise OSError(errno.EXDEV, "Invalid cross-device link", source)

    monkeypatch.setattr(os, "link", refuse)
    shutil.rmtree(site / "pagefind")
    assert index_site(site).startswith("search index: 1 page")
    assert indexed(site) == linked
    assert b"Listing text" not in everything(site)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_full_disk_while_the_pages_are_laid_out_for_pagefind_is_one_line(
        tmp_path, monkeypatch):
    site = tmp_path / "site"
    write_page(site, "bulletins/one", record("First", "alpha"))
    index_site(site)
    write_page(site, "bulletins/two", record("Second", "beta"))
    before = {p: p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}

    def full(source, dest, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", dest)

    monkeypatch.setattr(os, "link", full)
    monkeypatch.setattr(shutil, "copy2", full)
    with pytest.raises(SearchIndexError) as err:
        index_site(site)
    message = str(err.value)
    assert message.startswith("the search index could not be written: ")
    assert "No space left on device" in message and "\n" not in message
    # the site's index as it was, and nothing of the failed attempt beside the site
    assert {p: p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_words_are_indexed_in_the_records_language(tmp_path):
    write_page(tmp_path, "bulletins/one", record("First", "alpha"), lang="en-GB")
    assert index_site(tmp_path, language="en-GB").startswith("search index: 1 page")
    assert list((tmp_path / "pagefind").glob("wasm.en.pagefind"))


def built_without_pdfs(tmp_path: Path):
    """The example project, PDFs off, built once: (project, site, the build's result)."""
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - commsite:\n", "  - commsite:\n      pdf: false\n", 1))
    site = project / "site"
    first = mkdocs_build(project, site)
    assert first.returncode == 0, first.stderr
    return project, site, first


def test_a_build_whose_index_fails_stops_and_leaves_the_site_as_it_was(tmp_path):
    project, site, first = built_without_pdfs(tmp_path)
    assert "commsite: search index: " in first.stderr
    before = tree_digest(site)
    assert any(path.startswith("pagefind/") for path in before)
    # A file in the docs where the index's folder goes: MkDocs copies it, the index fails.
    (project / "content" / "pagefind").write_text("not a folder")
    second = mkdocs_build(project, site)
    assert second.returncode != 0
    lines = [line for line in second.stderr.splitlines() if "search index" in line]
    assert len(lines) == 1 and "could not be written" in lines[0], second.stderr
    assert "Traceback" not in second.stderr
    assert tree_digest(site) == before


def test_american_spellings_of_a_records_words_are_indexed_and_shown_to_nobody(example):
    # A record that says "organisation" is found by "organization" (spellings.py); the
    # words a reader sees stay as written, and words with one spelling get nothing ("for"
    # is not "four").
    import re

    from bs4 import BeautifulSoup

    pages = indexed(example.site)
    british = 0
    for record in (r for r in example.records if not r.draft):
        fragment = pages[f"/{record.url}"]
        page = BeautifulSoup((example.site / record.url / "index.html").read_text(), "lxml")
        article = page.select_one("article.comms-record")
        hidden = article.select_one(".comms-spellings")
        seen = " ".join(el.get_text(" ") for el in article.find_all(string=True)
                        if not el.find_parent(attrs={"hidden": True}))
        own = " ".join([record.title, record.summary, record.body.html]
                       + [f"{e.question} {e.answer_html}" for e in record.qa])
        if re.search(r"\borganis(ation|ations|ed|ing)\b", own, re.I):
            british += 1
            assert hidden is not None and hidden.has_attr("hidden")
            assert re.search(r"\borganiz", hidden.get_text())
            assert re.search(r"\borganiz", fragment["content"]), record.url
        if hidden is not None:
            assert not {"four", "our", "organise"} & set(hidden.get_text().split())
            assert not re.search(r"\borganiz", seen), "the American forms are not shown"
    assert british >= 2


def test_a_build_that_changes_no_record_page_reuses_the_published_index(tmp_path):
    # The staging folder starts empty; the published index serves again when it was made
    # from the same pages, and an edited record is indexed afresh.
    project, site, first = built_without_pdfs(tmp_path)
    before = {p.relative_to(site): p.read_bytes() for p in (site / "pagefind").rglob("*") if p.is_file()}
    home = project / "content" / "index.md"
    home.write_text(home.read_text() + "\nA new line on the home page.\n")  # not indexed
    second = mkdocs_build(project, site)
    assert second.returncode == 0, second.stderr
    assert "search index: " in second.stderr and "pages, unchanged" in second.stderr
    assert {p.relative_to(site): p.read_bytes()
            for p in (site / "pagefind").rglob("*") if p.is_file()} == before
    assert "A new line on the home page." in (site / "index.html").read_text()
    record = project / "bulletins" / "2018-07-12-la-bulletin.md"
    record.write_text(record.read_text() + "\nZanzibarquest is a new word.\n")
    third = mkdocs_build(project, site)
    assert third.returncode == 0, third.stderr
    assert "pages, unchanged" not in third.stderr
    assert any("zanzibarquest" in page["content"].lower() for page in indexed(site).values())
