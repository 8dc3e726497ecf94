"""The finder as a reader uses it: keywords with the drop-downs, the URL, live counts,
sorting, the phone's Filters button, the page a keyword box reaches without JavaScript,
and what is above the fold.

Which records a keyword should find is worked out from the records' own text (title,
summary, topics, body, Q&A): a word that starts with the keyword's stem, as a search
engine with English stemming matches it ("organisations" finds "organised").
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from .conftest import FACETS
from .test_filters import count_text, settled, show_all, shown

STEMS = {"spoofing": "spoof", "organisations": "organis", "passwords": "password"}


def words(record) -> str:
    parts = [record.title, record.summary, " ".join(record.topics), record.body.html]
    parts += [f"{entry.question} {entry.answer_html}" for entry in record.qa]
    return html.unescape(re.sub(r"<[^>]+>", " ", " ".join(parts)))


def finds(example, q: str, **state) -> list:
    """The records a keyword (and drop-down choices) should give, newest first."""
    stem = re.compile(r"\b" + STEMS[q], re.I)
    return [r for r in example.matching(**state) if stem.search(words(r))]


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def type_keywords(page, text: str):
    """Types as a reader does; the search starts once typing pauses."""
    box = page.get_by_role("searchbox", name="Search communications", exact=True)
    box.fill("")
    box.press_sequentially(text)
    page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=text)
    settled(page)


def option_counts(page, facet: str) -> dict[str, int]:
    texts = page.locator(f'#comms-filters select[name="{facet}"] option').evaluate_all(
        "options => options.filter(o => o.value).map(o => [o.value, o.textContent])")
    return {value: int(re.search(r"\((\d+)\)$", text)[1]) for value, text in texts}


def test_keywords_and_dropdowns_combine_and_the_url_carries_them(page, example):
    page.goto("/")
    settled(page)
    type_keywords(page, "spoofing")
    expected = finds(example, "spoofing")
    assert expected and len(expected) < len(example.records)
    expect(page.locator("#comms-count")).to_have_text(count_text(example, expected))
    assert sorted(show_all(page)) == sorted(example.record_urls(expected))
    page.select_option('select[name="audience"]', "la")
    settled(page)
    both = finds(example, "spoofing", audience="la")
    assert query(page.url) == {"q": "spoofing", "audience": "la"}
    expect(page.locator("#comms-count")).to_have_text(count_text(example, both))
    assert sorted(show_all(page)) == sorted(example.record_urls(both))
    # Results are the listing's own items, data-* attributes included.
    by_url = {example.url(r.url): r for r in both}
    for item in page.locator("#communications > li").all():
        record = by_url[item.locator(".comms-item__title a").evaluate("a => a.href")]
        assert item.get_attribute("data-type") == record.type.key
        assert item.get_attribute("data-audience").split() == list(record.audiences)
        assert item.get_attribute("data-month") == record.date.strftime("%Y-%m")
    # Reload restores it all; Back goes to the keyword alone, then to nothing.
    page.reload()
    settled(page)
    assert page.locator("#comms-q").input_value() == "spoofing"
    assert page.locator('select[name="audience"]').input_value() == "la"
    expect(page.locator("#comms-count")).to_have_text(count_text(example, both))
    page.go_back()
    settled(page)
    assert query(page.url) == {"q": "spoofing"}
    assert page.locator('select[name="audience"]').input_value() == ""
    expect(page.locator("#comms-count")).to_have_text(count_text(example, expected))
    page.go_forward()
    settled(page)
    # "Clear filters" clears the keywords as well.
    page.get_by_role("button", name="Clear filters").click()
    settled(page)
    assert query(page.url) == {}
    assert page.locator("#comms-q").input_value() == ""
    expect(page.locator("#comms-count")).to_have_text(count_text(example, example.records))


def test_stemming_finds_other_forms_of_a_word(page, example):
    # A record that says "organisation" or "organised" but never "organisations".
    other_forms = [r for r in example.records
                   if re.search(r"\borganis", words(r), re.I)
                   and not re.search(r"\borganisations\b", words(r), re.I)]
    assert other_forms
    page.goto("/?q=organisations")
    settled(page)
    found = show_all(page)
    assert sorted(found) == sorted(example.record_urls(finds(example, "organisations")))
    assert set(example.record_urls(other_forms)) <= set(found)


def test_american_spellings_find_the_british_records(page, example):
    # Records say "organisation" and "organised"; a reader types "organizations".
    page.goto("/?q=organisations")
    settled(page)
    british = show_all(page)
    assert british
    type_keywords(page, "organizations")
    assert sorted(show_all(page)) == sorted(british)
    # Shown to nobody: the record's text is as written.
    record = page.locator("#communications .comms-item__title a").first.get_attribute("href")
    page.goto(record)
    assert "organization" not in page.locator("article.comms-record").inner_text().lower()


def test_with_keywords_results_sort_by_relevance_or_date(page, example):
    page.goto("/")
    settled(page)
    sort = page.get_by_label("Sort by")
    assert not sort.is_visible()  # without keywords the list is newest first
    type_keywords(page, "passwords")
    expect(sort).to_be_visible()
    assert sort.input_value() == ""  # relevance first
    expected = finds(example, "passwords")
    by_relevance = show_all(page)
    assert sorted(by_relevance) == sorted(example.record_urls(expected))
    sort.select_option("date")
    settled(page)
    assert query(page.url) == {"q": "passwords", "sort": "date"}
    assert show_all(page) == example.record_urls(expected)  # newest first
    assert by_relevance != example.record_urls(expected), "relevance gave date order"


def test_every_option_counts_what_it_would_give_and_zero_says_so(page, example):
    page.goto("/?q=spoofing&audience=la")
    settled(page)
    state = {"audience": "la"}
    for facet in FACETS:
        others = {k: v for k, v in state.items() if k != facet}
        counts = option_counts(page, facet)
        assert counts == {value: len(finds(example, "spoofing", **others, **{facet: value}))
                          for value in counts}, facet
    # An option that would give nothing is offered as (0), and choosing it says so.
    facet, value = next((f, v) for f in ("month", "topic", "type") for v, n in
                        option_counts(page, f).items() if n == 0)
    page.select_option(f'select[name="{facet}"]', value)
    settled(page)
    expect(page.locator("#comms-count")).to_have_text(count_text(example, []))
    assert shown(page) == []
    expect(page.get_by_text("No communications match these filters")).to_be_visible()
    # Unfiltered again, the counts are the whole catalogue's.
    page.get_by_role("button", name="Clear filters").click()
    settled(page)
    assert option_counts(page, "type") == {t: len(example.matching(type=t))
                                           for t in example.all_values("type")}


def test_without_javascript_the_keyword_box_leads_to_the_browse_pages(open_page, example):
    page = open_page(java_script_enabled=False)
    page.goto("/")
    box = page.get_by_role("searchbox", name="Search communications", exact=True)
    expect(box).to_be_visible()
    box.fill("spoofing")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=spoofing$"))
    expect(page.locator("h1")).to_have_text("Search")
    expect(page.get_by_text("Searching the communications needs JavaScript")).to_be_visible()
    links = set(page.locator(".comms-browse a").evaluate_all(
        "links => links.filter(a => a.checkVisibility()).map(a => a.href)"))
    for facet in FACETS:
        for value in example.all_values(facet):
            assert example.url(example.static_page(facet, value)) in links, (facet, value)


def test_the_header_search_answers_in_the_finder(page, example):
    record = example.records[-1]
    page.goto("/" + record.url)
    header = page.locator(".md-header").get_by_role("searchbox")
    header.fill("spoofing")
    header.press("Enter")
    page.wait_for_function("() => location.pathname === '/' && location.search === '?q=spoofing'")
    settled(page)
    expect(page.locator("#comms-count")).to_have_text(count_text(example, finds(example, "spoofing")))
    assert page.locator("#comms-q").input_value() == "spoofing"


def test_narrow_screens_fold_the_dropdowns_behind_a_filters_button(open_page, example):
    page = open_page(viewport={"width": 390, "height": 844})
    rtype = example.records[0].type.key
    page.goto(f"/?type={rtype}")
    settled(page)
    button = page.locator("#comms-filters-toggle")
    expect(button).to_have_text("Filters (1 active)")
    expect(button).to_have_attribute("aria-expanded", "false")
    assert not page.locator('select[name="audience"]').is_visible()
    # The first result is within a screen and a half.
    top = page.locator("#communications > li").first.bounding_box()["y"]
    assert top < 1.5 * 844, top
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.locator('select[name="audience"]')).to_be_visible()
    page.select_option('select[name="audience"]', "la")
    settled(page)
    expect(button).to_have_text("Filters (2 active)")
    button.focus()
    page.keyboard.press(" ")
    expect(button).to_have_attribute("aria-expanded", "false")
    assert not page.locator('select[name="audience"]').is_visible()
    # Wide screens show the drop-downs and no button; the first result is on the first screen.
    wide = open_page(viewport={"width": 1280, "height": 800})
    wide.goto("/")
    settled(wide)
    assert not wide.locator("#comms-filters-toggle").is_visible()
    expect(wide.locator('select[name="audience"]')).to_be_visible()
    assert wide.locator("#communications > li").first.bounding_box()["y"] < 800


def test_tables_of_contents_list_the_finder_and_the_webinar_sections(page, example):
    toc = ".md-sidebar--secondary .md-nav__link"
    page.goto("/")
    links = page.locator(toc).all_inner_texts()
    assert [t.strip() for t in links][:2] == ["Find a communication", "Communications"]
    webinar = next(r for r in example.records
                   if r.type.key == "webinar" and r.qa and (r.slides or r.recording))
    page.goto("/" + webinar.url)
    links = [t.strip() for t in page.locator(toc).all_inner_texts()]
    assert "Slides and recording" in links and "Questions and answers" in links
    assert page.locator(".md-sidebar--secondary a[href='#comms-qa']").count() == 1


def test_the_menu_button_is_a_button_not_a_label_with_a_role(open_page, example):
    page = open_page(viewport={"width": 390, "height": 844})
    page.goto("/")
    settled(page)
    assert page.locator('label[for="__drawer"][role]').count() == 0
    menu = page.get_by_role("button", name="Navigation menu")
    assert menu.evaluate("el => el.tagName") == "BUTTON"


def test_a_dropped_request_is_asked_again_and_a_missing_table_is_said_plainly(browser, base_url,
                                                                              example):
    # A connection that drops once (a phone between masts) costs a retry, not the answer;
    # a table the server cannot give is said in the count line, and the next change, once
    # the server answers again, works.
    from .conftest import _open_page

    context, page, _ = _open_page(browser, base_url)
    try:
        dropped = set()

        def drop_once(route):
            if route.request.url in dropped:
                return route.continue_()
            dropped.add(route.request.url)
            return route.abort("connectionreset")

        page.route("**/finder/items/**", drop_once)
        page.goto("/")
        settled(page)
        page.select_option('#comms-filters select[name="audience"]', "la")
        settled(page)
        expected = example.matching(audience="la")
        expect(page.locator("#comms-count")).to_have_text(count_text(example, expected))
        assert show_all(page) == example.record_urls(expected)
        assert dropped, "the item files were asked for, and each dropped once"

        context.close()
        context, page, _ = _open_page(browser, base_url)
        page.route("**/finder/facets.json", lambda route: route.fulfill(status=404, body="gone"))
        page.goto("/")
        page.select_option('#comms-filters select[name="type"]', "bulletin")
        settled(page)
        expect(page.locator("#comms-count")).to_have_text(
            "Search is not available right now: the finder's table answered 404. "
            "The Browse by links list every communication.")
        page.unroute("**/finder/facets.json")
        page.select_option('#comms-filters select[name="type"]', "webinar")
        settled(page)
        expect(page.locator("#comms-count")).to_have_text(
            count_text(example, example.matching(type="webinar")))
    finally:
        context.close()
