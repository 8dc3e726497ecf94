"""WCAG 2.2 AA as a reader meets it: axe-core and HTML_CodeSniffer in Chromium on the
pages the issue names, the live region, visible labels, and print. (Headings and language are in the
HTML the server sends: tests/test_build.py reads them.)"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from ..pdf_helpers import page_texts
from .conftest import AXE_TAGS, AXE_URL, FACETS, HTMLCS_URL, require_tools

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
    """axe-core's violations, every element of each; what passed is not gathered or sent
    back (resultTypes: other kinds keep one element each), which was a good part of axe's
    CPU in Chromium and of Playwright's messages (issue 12's notes)."""
    page.add_script_tag(url=AXE_URL)
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
        "resultTypes: ['violations']}).then(result => result.violations)", AXE_TAGS)


# HTML_CodeSniffer's WCAG 2 AA errors (its warnings and notices ask for a person's
# judgement), each with a CSS path to its element, as pa11y's htmlcs runner reports them.
HTMLCS_ERRORS = """() => new Promise((resolve, reject) => {
  const path = element => {
    const parts = [];
    for (let el = element; el && el.nodeType === 1; el = el.parentElement) {
      if (el.id) { parts.unshift(`${el.localName}#${el.id}`); break; }
      const same = el.parentElement
        ? [...el.parentElement.children].filter(c => c.localName === el.localName) : [];
      parts.unshift(same.length > 1
        ? `${el.localName}:nth-of-type(${same.indexOf(el) + 1})` : el.localName);
    }
    return parts.join(" > ");
  };
  HTMLCS.process("WCAG2AA", document, () => resolve(HTMLCS.getMessages()
    .filter(m => m.type === HTMLCS.ERROR)
    .map(m => ({code: m.code, selector: m.element && m.element.nodeType === 1
      ? path(m.element) : "", message: m.msg}))), reject);
})"""


def run_htmlcs(page) -> list[dict]:
    page.add_script_tag(url=HTMLCS_URL)
    return page.evaluate(HTMLCS_ERRORS)


def describe(violations) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
        f"    {n['target']}: {n['failureSummary']}" for n in v["nodes"][:5]) for v in violations)


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("name", AXE_PAGES)
def test_axe_and_html_codesniffer_find_no_wcag_violations(open_page, example, name, width):
    """Two engines on each page, as a reader's browser shows it: axe-core (WCAG 2.2 AA tags)
    and, beside it, HTML_CodeSniffer's WCAG 2 AA rules (the engine pa11y runs)."""
    require_tools()
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
    found = [i for i in run_htmlcs(page) if (i["code"], i["selector"]) not in THEME_FINDINGS]
    assert found == [], json.dumps(found, indent=1)[:4000]


def test_both_engines_in_the_page_report_what_they_should(browser, base_url, example):
    """Each engine runs and reports: a text box without a label is an error, with its
    element. (Its own page, without the console check: HTML_CodeSniffer logs a missing
    translation for some of the errors it finds.)"""
    require_tools()
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        page.goto(axe_pages(example)["bulletin"])
        assert run_htmlcs(page) == []
        page.evaluate("document.querySelector('main').append(document.createElement('input'))")
        found = run_htmlcs(page)
        violations = run_axe(page)
    finally:
        context.close()
    assert [v["id"] for v in violations] == ["label"], describe(violations)
    assert [n["target"] for n in violations[0]["nodes"]] == [["main > input"]], \
        describe(violations)
    assert found and all(i["selector"].endswith("main > input") for i in found), found
    assert any(".H44" in i["code"] or ".F68" in i["code"] for i in found), found


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
    return flat(" ".join(page_texts(page.pdf())))


def flat(text: str) -> str:
    """Text with its white space and line breaks folded, as a PDF's text comes out."""
    return re.sub(r"\s+", "", text)


def topic_slug(label: str) -> str:
    from commsite.records import topic_slug as slug
    return slug(label)
