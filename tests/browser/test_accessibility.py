"""WCAG 2.2 AA as a reader meets it: axe-core in Chromium on the pages the issue
names, the live region, visible labels, and print. (Headings and language are in the
HTML the server sends: tests/test_build.py reads them.)"""

from __future__ import annotations

import io
import json
import re
import subprocess

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from pathlib import Path

from .conftest import AXE_TAGS, AXE_URL, CHROMIUM, CHROMIUM_ARGS, FACETS, require_axe
from tests.sites import ROOT

PA11Y = ROOT / "node_modules" / "pa11y"
PA11Y_RUN = Path(__file__).parent / "pa11y_run.js"
# What HTML_CodeSniffer finds in Material's own markup that our overrides cannot change,
# with the reason (code, selector): none at present.
THEME_FINDINGS: dict[tuple[str, str], str] = {}


def empty_query(example) -> str:
    for rtype in example.all_values("type"):
        for month in example.all_values("month"):
            if not example.matching(type=rtype, month=month):
                return f"?type={rtype}&month={month}"
    raise AssertionError("no empty combination of type and month")


def axe_pages(example) -> dict[str, str]:
    """The pages the issue names, chosen from the records."""
    records = example.records
    bulletin = next(r for r in records if r.type.key == "bulletin")
    webinar = next(r for r in records if r.type.key == "webinar" and r.qa)
    notice = next(r for r in records if r.type.key == "notice")
    return {
        "home": "/",
        "home filtered to nothing": "/" + empty_query(example),
        "bulletin": "/" + bulletin.url,
        "webinar with Q&A": "/" + webinar.url,
        "notice": "/" + notice.url,
        "archive month": "/" + example.static_page("month", example.all_values("month")[0]),
        "topic": "/" + example.static_page("topic", example.all_values("topic")[0]),
    }


AXE_PAGES = ["home", "home filtered to nothing", "bulletin", "webinar with Q&A", "notice",
             "archive month", "topic"]


def run_axe(page) -> list[dict]:
    require_axe()
    page.add_script_tag(url=AXE_URL)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return result["violations"]


def describe(violations) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
        f"    {n['target']}: {n['failureSummary']}" for n in v["nodes"][:5]) for v in violations)


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("name", AXE_PAGES)
def test_axe_finds_no_wcag_violations(open_page, example, name, width):
    page = open_page(viewport={"width": width, "height": 900})
    page.goto(axe_pages(example)[name])
    page.wait_for_load_state("load")
    if name.startswith("home"):
        page.locator("#comms-filters[data-answered]").wait_for(state="attached")
    if name == "home filtered to nothing":
        expect(page.locator("#comms-count")).to_have_text(
            f"Showing 0 of {len(example.records)} communications")
    violations = run_axe(page)
    assert violations == [], describe(violations)


def test_html_codesniffer_finds_no_errors_on_the_seven_page_types(example, base_url, tmp_path):
    """A second engine beside axe: HTML_CodeSniffer's WCAG 2 AA rules through pa11y,
    driving the same Debian Chromium."""
    if not PA11Y.is_dir():
        pytest.fail(f"pa11y is missing at {PA11Y}: run `npm ci` in {ROOT}", pytrace=False)
    pages = [{"url": example.url(path.lstrip("/")), "width": width,
              "waitFor": "#comms-filters[data-answered]" if name.startswith("home") else ""}
             for name, path in axe_pages(example).items() for width in (1280, 375)]
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"pages": pages, "chromium": CHROMIUM, "args": CHROMIUM_ARGS}))
    run = subprocess.run(["node", str(PA11Y_RUN), str(job)], capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    found = json.loads(run.stdout)
    assert len(found) == len(pages)
    ours = {page: [i for i in issues if (i["code"], i["selector"]) not in THEME_FINDINGS]
            for page, issues in found.items()}
    assert ours == {page: [] for page in found}, json.dumps(ours, indent=1)[:4000]


def test_filter_changes_are_announced_by_the_live_region(page, example):
    page.goto("/")
    status = page.get_by_role("status")
    expect(status).to_have_count(1)
    assert status.get_attribute("id") == "comms-count"
    assert status.get_attribute("aria-live") == "polite"
    total = len(example.records)
    expect(status).to_have_text(f"Showing {total} of {total} communications")
    for facet in FACETS:
        value = example.all_values(facet)[-1]
        page.select_option(f'select[name="{facet}"]', value)
        expected = example.matching(**{facet: value})
        expect(status).to_have_text(f"Showing {len(expected)} of {total} communications")
        page.get_by_role("button", name="Clear filters").click()
        expect(status).to_have_text(f"Showing {total} of {total} communications")
    # An empty result is announced as well as shown.
    page.goto("/" + empty_query(example))
    expect(status).to_have_text(f"Showing 0 of {total} communications")


def test_dropdowns_have_visible_labels(page, example):
    page.goto("/")
    labels = {"audience": "Audience", "type": "Type", "topic": "Topic", "month": "Month"}
    for facet, text in labels.items():
        label = page.locator("#comms-filters label", has_text=re.compile(f"^{text}$"))
        expect(label).to_be_visible()
        select = page.get_by_label(text, exact=True)
        expect(select).to_be_visible()
        assert select.get_attribute("name") == facet
    page.goto("/" + example.static_page("month", example.all_values("month")[0]))
    expect(page.locator(".comms-archive label")).to_be_visible()
    expect(page.get_by_label("Archive", exact=True)).to_be_visible()


def test_record_pages_print_cleanly(page, example):
    webinar = next(r for r in example.records if r.type.key == "webinar" and r.recording)
    page.goto("/" + webinar.url)
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer",
                     ".comms-pager", ".md-search"):
        assert page.locator(selector).count() == 0 or not page.locator(selector).first.is_visible(), \
            selector
    expect(page.locator("article h1")).to_have_text(webinar.title)
    text = printed_text(page)
    assert flat(webinar.title) in text
    # Links are followed by their address: the recording, and a topic page.
    assert flat(f"Recording of the webinar ({webinar.recording})") in text
    topic = webinar.topics[0]
    assert flat(f"{topic} ({example.url(example.static_page('topic', topic_slug(topic)))})") in text
    assert "Skip to content" not in text


def test_listings_print_without_filters_and_with_link_addresses(page, example):
    page.goto("/")
    page.locator("#comms-filters[data-answered]").wait_for(state="attached")
    page.emulate_media(media="print")
    for selector in ("#comms-filters", ".comms-browse", ".comms-skip", ".md-header",
                     ".md-sidebar--primary", ".md-footer"):
        assert not page.locator(selector).first.is_visible(), selector
    record = example.records[0]
    text = printed_text(page)
    assert flat(f"{record.title} ({example.url(record.url)})") in text
    assert "Browse by" not in text and "Clear filters" not in text

    month = example.all_values("month")[0]
    page.goto("/" + example.static_page("month", month))
    page.emulate_media(media="print")
    assert not page.locator(".comms-archive").is_visible()
    text = printed_text(page)
    assert flat("Archive: " + example.month_label(month)) in text
    for record in example.matching(month=month):
        assert flat(f"{record.title} ({example.url(record.url)})") in text


def printed_text(page) -> str:
    """The text of the page as Chromium prints it (its print stylesheet applied)."""
    reader = PdfReader(io.BytesIO(page.pdf()))
    return flat(" ".join(p.extract_text() for p in reader.pages))


def flat(text: str) -> str:
    """Text with its white space and line breaks folded, as a PDF's text comes out."""
    return re.sub(r"\s+", "", text)


def topic_slug(label: str) -> str:
    from commsite.records import topic_slug as slug
    return slug(label)
