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
    tab.context.route("**/commsite.js", lambda route: route.abort())
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


# What a test can do to a lent tab that the tab cannot undo: each closes it when given back.
SPOILS = {
    "an init script": lambda tab, page: page.add_init_script("window.left = 1"),
    "a context's init script": lambda tab, page: tab.context.add_init_script("window.left = 1"),
    "an exposed function": lambda tab, page: page.expose_function("left", lambda: 1),
    "a context's exposed binding": lambda tab, page: tab.context.expose_binding(
        "left", lambda source: 1),
    "extra headers": lambda tab, page: page.set_extra_http_headers({"x-left": "1"}),
    "a context's extra headers": lambda tab, page: tab.context.set_extra_http_headers(
        {"x-left": "1"}),
    "a WebSocket route": lambda tab, page: page.route_web_socket("**/left", lambda ws: None),
    "a context's WebSocket route": lambda tab, page: tab.context.route_web_socket(
        "**/left", lambda ws: None),
    "offline": lambda tab, page: tab.context.set_offline(True),
    "a geolocation": lambda tab, page: tab.context.set_geolocation(
        {"latitude": 51.5, "longitude": 0}),
    "an installed clock": lambda tab, page: page.clock.install(),
    "a fixed time": lambda tab, page: page.clock.set_fixed_time("2020-01-01"),
    "a key held down": lambda tab, page: page.keyboard.down("Shift"),
    "a mouse button held down": lambda tab, page: page.mouse.down(),
}


def test_a_tab_given_what_cannot_be_undone_is_closed(tabs, example):
    # The first spoiling is done to a tab that was lent and given back before.
    used, page, errors = tabs.lend({})
    page.goto("/csp.txt")
    tabs.take_back(used, errors)
    kept = []
    for i, (what, spoil) in enumerate(SPOILS.items()):
        tab, page, errors = tabs.lend({})
        assert i > 0 or tab is used, "the first is the tab lent before"
        page.goto("/csp.txt")  # on the site (a small file), so only the spoiling closes it
        spoil(tab, page)
        tabs.take_back(tab, errors)
        if not page.is_closed():
            kept.append(what)
    assert kept == [], f"tabs lent again after {kept}"
    tab, page, errors = tabs.lend({})
    page.goto("/")
    assert page.evaluate("typeof left") == "undefined", "no script or function of before"
    tabs.take_back(tab, errors)
    assert not page.is_closed(), "a tab nobody spoiled is lent again"
    assert errors.errors == []


def test_a_tab_without_javascript_comes_back_too(tabs, example):
    tab, page, errors = tabs.lend({"java_script_enabled": False})
    page.goto("/")
    assert page.locator("#communications > li").count() > 0
    tabs.take_back(tab, errors)
    again, page, errors = tabs.lend({"java_script_enabled": False})
    assert again is tab and page.url == "about:blank"
    tabs.take_back(again, errors)
