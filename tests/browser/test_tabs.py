"""The tabs the `page` and `open_page` fixtures lend (conftest._Tab): the next test gets a
tab as a new one would be, whatever the last test left in it, or a tab of its own."""

from __future__ import annotations

STATE = """async () => ({cookies: document.cookie, local: localStorage.length,
  session: sessionStorage.length, print: matchMedia("print").matches,
  width: innerWidth,
  geolocation: (await navigator.permissions.query({name: "geolocation"})).state})"""


def test_a_tab_comes_back_without_what_the_last_test_left(tabs, example):
    tab, page, errors = tabs.lend({"viewport": {"width": 375, "height": 700}})
    page.goto("/")
    page.evaluate("""() => { document.cookie = "left=1; path=/"; localStorage.setItem("left", "1");
        sessionStorage.setItem("left", "1"); }""")
    page.emulate_media(media="print")
    page.route("**/commsite.js", lambda route: route.abort())
    heard = []
    page.on("console", lambda message: heard.append(message.text))
    page.kept_by_a_helper = heard
    tab.context.grant_permissions(["geolocation"])
    with page.expect_popup():
        page.evaluate("window.open('/')")
    assert len(tab.context.pages) == 2
    assert page.evaluate(STATE) == {"cookies": "left=1", "local": 1, "session": 1,
                                    "print": True, "width": 375, "geolocation": "granted"}
    tabs.take_back(tab, errors)

    again, page, errors = tabs.lend({})
    assert again is tab, "the tab is lent again, not a new one"
    assert page.url == "about:blank"
    assert not hasattr(page, "kept_by_a_helper")
    assert tab.context.pages == [page], "the window the last test opened is closed"
    page.goto("/")
    # the finder's script is no longer routed away: it runs and answers
    page.locator("#comms-filters[data-answered]").wait_for(state="attached", timeout=5_000)
    page.evaluate("console.log('after')")
    assert page.evaluate(STATE) == {"cookies": "", "local": 0, "session": 0,
                                    "print": False, "width": 1280, "geolocation": "prompt"}
    assert heard == [], "the last test's listener is gone"
    tabs.take_back(tab, errors)
    assert errors.errors == []


def test_a_tab_that_cannot_be_made_new_is_closed(tabs, example):
    tab, page, errors = tabs.lend({})
    page.goto("about:blank")  # off the site: its storage can no longer be cleared from here
    tabs.take_back(tab, errors)
    assert page.is_closed()
    other, page, errors = tabs.lend({})
    assert other is not tab
    tabs.take_back(other, errors)


def test_a_tab_without_javascript_comes_back_too(tabs, example):
    tab, page, errors = tabs.lend({"java_script_enabled": False})
    page.goto("/")
    assert page.locator("#communications > li").count() > 0
    tabs.take_back(tab, errors)
    again, page, errors = tabs.lend({"java_script_enabled": False})
    assert again is tab and page.url == "about:blank"
    tabs.take_back(again, errors)
