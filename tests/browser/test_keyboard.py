"""Keyboard only: Tab from the top reaches each drop-down, a keyboard choice filters,
focus stays visible at every stop, and the skip link takes the reader to the results."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import FACETS

# What a reader sees of the focused element: where it is, whether something covers
# it, and its focus indicator (an outline or a box shadow).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const x = Math.min(Math.max(box.left + box.width / 2, 0), window.innerWidth - 1);
  const y = Math.min(Math.max(box.top + box.height / 2, 0), window.innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name") || "",
    text: (el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 60),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
    width: box.width, height: box.height,
    inView: box.bottom > 0 && box.right > 0 && box.top < window.innerHeight && box.left < window.innerWidth,
    covered: !(top && (el === top || el.contains(top) || top.contains(el))),
  };
}"""

MAX_TABS = 120


def settled_focus(page):
    """The focused element once scrolling and the theme's transitions (the search
    overlay fades out when focus leaves it) have settled: up to a second."""
    focused = page.evaluate(FOCUSED)
    for _ in range(20):
        if focused is None or (focused["inView"] and not focused["covered"]):
            break
        page.wait_for_timeout(50)
        focused = page.evaluate(FOCUSED)
    return focused


def tab_until(page, done):
    """Presses Tab from the top until done(focused); returns every stop on the way."""
    stops = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = settled_focus(page)
        stops.append(focused)
        if focused and done(focused):
            return stops
    raise AssertionError(f"not reached in {MAX_TABS} Tab presses: "
                         f"{[(s or {}).get('text') for s in stops]}")


def assert_focus_visible(stops):
    for stop in stops:
        assert stop is not None, "focus left the page"
        where = (stop["tag"], stop["id"] or stop["name"], stop["text"])
        assert stop["width"] > 0 and stop["height"] > 0 and stop["inView"], \
            f"focus on an element the reader cannot see: {where}"
        assert stop["outline"] or stop["shadow"], f"no visible focus indicator: {where}"
        assert not stop["covered"], f"focused element covered by something else: {where}"


@pytest.mark.parametrize("width", [1280, 375])
def test_tab_from_the_top_reaches_each_dropdown_with_focus_visible(open_page, example, width):
    page = open_page(viewport={"width": width, "height": 800})
    page.goto("/")
    page.locator("#comms-filters[data-answered]").wait_for(state="attached")
    stops = tab_until(page, lambda f: f["id"] in ("comms-clear", "comms-filters-toggle"))
    if stops[-1]["id"] == "comms-filters-toggle":
        # On a phone the drop-downs fold behind a button, which says how many are set.
        assert width < 800
        toggle = page.locator("#comms-filters-toggle")
        expect(toggle).to_have_text("Filters (0 active)")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        assert not page.locator('select[name="audience"]').is_visible()
        page.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        stops += tab_until(page, lambda f: f["id"] == "comms-clear")
    reached = [s["name"] for s in stops if s and s["tag"] == "select"]
    assert reached == list(FACETS)  # in reading order, each once
    assert [s["id"] for s in stops if s and s["tag"] == "input"][-1] == "comms-q"  # keywords first
    assert_focus_visible(stops)


def test_a_keyboard_choice_filters_the_list(page, example):
    page.goto("/")
    page.locator("#comms-filters[data-answered]").wait_for(state="attached")
    tab_until(page, lambda f: f["name"] == "type")
    page.keyboard.press("ArrowDown")  # the first type after "All types"
    first_type = page.locator('select[name="type"] option').nth(1).get_attribute("value")
    expected = example.matching(type=first_type)
    expect(page.locator("#comms-count")).to_have_text(
        f"Showing {len(expected)} of {len(example.records)} communications")
    visible = page.locator("#communications > li").evaluate_all(
        "items => items.filter(li => li.checkVisibility())"
        ".map(li => li.querySelector('.comms-item__title a').href)")
    assert visible == example.record_urls(expected)
    assert page.url.endswith(f"?type={first_type}")
    # Another key goes on to the next choice; focus stays on the drop-down.
    page.keyboard.press("ArrowDown")
    second_type = page.locator('select[name="type"] option').nth(2).get_attribute("value")
    expected = example.matching(type=second_type)
    expect(page.locator("#comms-count")).to_have_text(
        f"Showing {len(expected)} of {len(example.records)} communications")
    assert page.evaluate("document.activeElement.name") == "type"


def test_skip_link_takes_the_reader_to_the_results(page, example):
    page.goto("/?" + f"type={example.records[0].type.key}")
    page.locator("#comms-filters[data-answered]").wait_for(state="attached")
    stops = tab_until(page, lambda f: f["text"] == "Skip to results")
    assert_focus_visible(stops[-1:])  # shown when it has focus
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "comms-results"
    assert page.locator("#comms-results").is_visible()
    assert page.url.endswith("#comms-results")
    # The filter stays as it was, and the next Tab goes to the first listed result.
    first = example.matching(type=example.records[0].type.key)[0]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.href") == example.url(first.url)
    assert page.evaluate(
        "document.activeElement.closest('#communications') !== null")


def test_narrow_screen_menu_button_works_by_keyboard(open_page, example):
    page = open_page(viewport={"width": 375, "height": 800})
    page.goto("/")
    stops = tab_until(page, lambda f: f["text"] == "Navigation menu")
    assert_focus_visible(stops)
    menu = page.get_by_role("button", name="Navigation menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    drawer = page.locator(".md-sidebar--primary")
    expect(drawer.get_by_role("link", name="Bulletins", exact=True)).to_be_visible()
    # Focus moved into the open menu; Tab reaches its links, each visibly focused.
    stops = [settled_focus(page)]
    assert page.evaluate("document.activeElement.closest('.md-sidebar--primary') !== null")
    stops += tab_until(page, lambda f: f["text"] == "Bulletins")
    assert_focus_visible(stops)
    # Escape closes it and returns focus to the button; the closed menu's links
    # leave the Tab order (no focus on links the reader cannot see).
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(drawer.get_by_role("link", name="Bulletins", exact=True)).to_be_hidden()
    stops = tab_until(page, lambda f: f["id"] == "comms-q")
    assert_focus_visible(stops)
    # Enter on a link of the open menu goes there.
    page.goto("/")
    tab_until(page, lambda f: f["text"] == "Navigation menu")
    page.keyboard.press("Enter")
    settled_focus(page)
    tab_until(page, lambda f: f["text"] == "Bulletins")
    page.keyboard.press("Enter")
    page.wait_for_url(example.url(f"{example.settings.type('bulletin').url}/"))
