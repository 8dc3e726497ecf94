"""Page weight, keyword search and filter speed in a real browser, beside an older commit:
`python benchmarks/filter_bench.py --records 1000 10000 --baseline f77f3c8`.

For each size, a synthetic site (benchmarks/corpus.py, PDFs off) is built with
`mkdocs build` by this checkout and by the baseline commit (checked out in a
temporary git worktree, imported through PYTHONPATH, with its own mkdocs.yml), served
on 127.0.0.1 (no compression, so bytes are what the files weigh) and opened in
Chromium (Debian's /usr/bin/chromium through Playwright, a fresh profile per view).
It prints, for each site:

- home HTML: the bytes of index.html;
- first view of home / of a record page: every byte the browser fetched (Chrome's
  encodedDataLength, headers included) until the network is idle, search index included;
- keyword query: the bytes fetched more, and the time from the last keystroke to the
  results being shown (our finder: its answer, which waits for typing to pause 250 ms;
  the baseline: Material's search box, its results list);
- filter change: `--changes` drop-down changes walking the facets, each timed from the
  change event to the new list laid out (our finder answers asynchronously from the
  index; the baseline hides and shows items in the page), median and 95th percentile.

Each change is checked: the count says as many as the records' metadata gives and every
listed item has the chosen values, so a fast but wrong answer is no success. The goals
(issue 15, at 10,000 records): home HTML <= 300 KB, first view of home <= 1.5 MB, of a
record <= 1 MB, a query <= 1 MB more shown <= 1 s after typing stops, a change laid out
<= 50 ms at the 95th percentile. Figures vary with the machine: compare runs on one machine.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import write_corpus  # noqa: E402

CHROMIUM = os.environ.get("COMMSITE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
QUERY = "federation"  # a topic word: some hundreds of records at 10,000
GOALS = {"home_html": 300 * 1024, "home_view": 1.5 * 1024 * 1024, "record_view": 1024 * 1024,
         "query_bytes": 1024 * 1024, "query_ms": 1000, "change_p95": 50}

# One change, timed in the page: [script returned, laid out] in ms, and what it shows.
TIME_CHANGE = """async ([name, value]) => {
  const form = document.getElementById("comms-filters");
  const select = form.querySelector(`select[name="${name}"]`);
  const list = document.getElementById("communications");
  const before = form.getAttribute("data-answered");
  const t0 = performance.now();
  select.value = value;
  select.dispatchEvent(new Event("change", {bubbles: true}));
  const t1 = performance.now();
  if (before !== null) {  // our finder answers from the index: wait for its answer
    await new Promise(resolve => {
      const done = () => form.getAttribute("data-answered") !== before && !form.hasAttribute("aria-busy");
      if (done()) return resolve();
      const observer = new MutationObserver(() => { if (done()) { observer.disconnect(); resolve(); } });
      observer.observe(form, {attributes: true});
    });
  }
  void list.getBoundingClientRect().height;  // forces style and layout now
  const t2 = performance.now();
  const shown = Array.from(list.children).filter(li => !li.hidden).map(li => li.dataset);
  return {times: [t1 - t0, t2 - t0], count: document.getElementById("comms-count").textContent,
          shown: shown.map(d => [d.audience, d.type, d.topics, d.month])};
}"""

OPTIONS = """() => Object.fromEntries(Array.from(document.querySelectorAll("#comms-filters select"))
  .filter(s => s.name !== "sort").map(s => [s.name, Array.from(s.options).map(o => o.value).filter(v => v)]))"""

STATE = """() => Object.fromEntries(Array.from(document.querySelectorAll("#comms-filters select"))
  .filter(s => s.name !== "sort").map(s => [s.name, s.value]))"""


def build(tree: Path, n: int, work: Path) -> Path:
    """The synthetic site of `n` records as the code in `tree` builds it."""
    config = write_corpus(n, work / "project", pdf=False,
                          config=(tree / "mkdocs.yml").read_text())
    site = work / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": os.pathsep.join([str(tree / "generator"), str(tree)])}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config),
                             "--site-dir", str(site)], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"the synthetic site did not build with {tree}:\n{result.stderr}")
    print(f"  built {n:,} records with {tree.name} in {time.perf_counter() - started:.0f} s",
          flush=True)
    return site


def facets_of(project: Path) -> list[dict[str, set[str]]]:
    """Each published record's filter values, from its metadata (this checkout's loader)."""
    from commsite.catalogue import Catalogue
    from commsite.project import load_project
    from commsite.records import load_records

    settings = load_project(project / "mkdocs.yml")
    catalogue = Catalogue(load_records(settings), settings)
    return [{"audience": set(r.audiences), "type": {r.type.key}, "topic": set(r.topic_slugs),
             "month": {r.month}} for r in catalogue.records]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as every web server does
    # TCP_NODELAY, as nginx and Apache set it: without it, a response written as headers
    # then body waits for the browser's delayed ACK on a kept-alive connection (about
    # 40 ms a request here), which measures the test server, not the page.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass


class Served:
    """The site on 127.0.0.1, served by another process, as a real server is: the browser's
    driver in this process then takes no time from the server's answers."""

    def __init__(self, site: Path):
        self.process = subprocess.Popen([sys.executable, __file__, "--serve", str(site)],
                                        stdout=subprocess.PIPE, text=True)
        self.base = f"http://127.0.0.1:{int(self.process.stdout.readline())}/"

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def serve(site: str) -> None:
    handler = functools.partial(QuietHandler, directory=site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    print(server.server_port, flush=True)
    server.serve_forever()


class Bytes:
    """Counts what the page fetches, through the DevTools protocol."""

    def __init__(self, context, page):
        self.total = 0
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.setCacheDisabled", {"cacheDisabled": False})
        session.on("Network.loadingFinished", self._finished)

    def _finished(self, event):
        self.total += int(event.get("encodedDataLength", 0))


def first_view(browser, url: str) -> int:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    counted = Bytes(context, page)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)
    context.close()
    return counted.total


def keyword_query(browser, base: str) -> tuple[int, float, str]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    counted = Bytes(context, page)
    page.goto(base, wait_until="networkidle")
    if page.locator("#comms-q").count():  # our finder
        box = page.locator("#comms-q")
        box.focus()
        page.wait_for_load_state("networkidle")  # what focusing fetches counts too
        before = counted.total
        page.evaluate("() => { window.__answered = document.getElementById('comms-filters').getAttribute('data-answered'); }")
        box.press_sequentially(QUERY[:-1])
        box.press(QUERY[-1])
        started = time.perf_counter()
        page.wait_for_function("""() => { const f = document.getElementById('comms-filters');
          return f.getAttribute('data-answered') !== window.__answered && !f.hasAttribute('aria-busy')
            && new URLSearchParams(location.search).get('q') === %r; }""" % QUERY, polling=5)
        elapsed = (time.perf_counter() - started) * 1000
        said = page.locator("#comms-count").text_content()
    else:  # Material's search (the baseline)
        before = counted.total
        box = page.locator(".md-search__input")
        box.click()
        box.press_sequentially(QUERY[:-1])
        box.press(QUERY[-1])
        started = time.perf_counter()
        page.wait_for_function("""() => { const m = document.querySelector('.md-search-result__meta');
          return m && /\\d/.test(m.textContent); }""", polling=5)
        elapsed = (time.perf_counter() - started) * 1000
        said = page.locator(".md-search-result__meta").text_content()
    page.wait_for_load_state("networkidle")
    fetched = counted.total - before
    context.close()
    return fetched, elapsed, said.strip()


def changes(options: dict[str, list[str]], count: int) -> list[tuple[str, str]]:
    """`count` changes that walk the facets in turn, narrowing and widening the list."""
    plan, cursor = [], {name: 0 for name in options}
    names = ["type", "audience", "topic", "month"]
    for i in range(count):
        name = names[i % len(names)]
        if (i // len(names)) % 2 == 1:
            value = ""  # every other round goes back to "All ..."
        else:
            value = options[name][cursor[name] % len(options[name])]
            cursor[name] += 7
        plan.append((name, value))
    return plan


def filter_changes(browser, base: str, records, n_changes: int) -> list[list[float]]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(base, wait_until="networkidle")
    page.wait_for_function("() => !document.querySelector('#comms-filters select[name=type]').disabled"
                           " && document.querySelector('#comms-filters select[name=type]')"
                           ".offsetParent !== null")
    plan = changes(page.evaluate(OPTIONS), n_changes)
    page.evaluate(TIME_CHANGE, ["type", plan[0][1]])  # warm-up (loads the index), not counted
    page.evaluate(TIME_CHANGE, ["type", ""])
    timings = []
    for name, value in plan:
        result = page.evaluate(TIME_CHANGE, [name, value])
        state = {k: v for k, v in page.evaluate(STATE).items() if v}
        want = sum(all(v in r[k] for k, v in state.items()) for r in records)
        if result["count"] != f"Showing {want} of {len(records)} communications":
            sys.exit(f"wrong count after {name}={value!r}: {result['count']} (want {want})")
        for audience, rtype, topics, month in result["shown"]:
            item = {"audience": set(audience.split()), "type": {rtype},
                    "topic": set(topics.split()), "month": {month}}
            if not all(v in item[k] for k, v in state.items()):
                sys.exit(f"an item that does not match after {name}={value!r}")
        timings.append(result["times"])
    context.close()
    return timings


def measure(site: Path, records, n_changes: int) -> dict:
    from playwright.sync_api import sync_playwright

    served = Served(site)
    record = next(p for p in sorted((site / "bulletins").iterdir()) if p.is_dir() and
                  (p / "index.html").is_file() and p.name != "page")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            figures = {"home_html": (site / "index.html").stat().st_size,
                       "home_view": first_view(browser, served.base),
                       "record_view": first_view(browser, f"{served.base}bulletins/{record.name}/")}
            figures["query_bytes"], figures["query_ms"], figures["query_said"] = \
                keyword_query(browser, served.base)
            laid_out = sorted(t[1] for t in filter_changes(browser, served.base, records, n_changes))
            figures["change_p50"] = statistics.median(laid_out)
            figures["change_p95"] = laid_out[min(len(laid_out) - 1, round(0.95 * (len(laid_out) - 1)))]
            browser.close()
    finally:
        served.close()
    return figures


def report(n: int, rows: dict[str, dict]) -> None:
    kb = lambda b: f"{b / 1024:,.0f} KB"  # noqa: E731
    lines = [("home page HTML", "home_html", kb), ("first view of home", "home_view", kb),
             ("first view of a record", "record_view", kb), ("keyword query, bytes more", "query_bytes", kb),
             ("keyword query, to results", "query_ms", lambda v: f"{v:,.0f} ms"),
             ("filter change laid out, p50", "change_p50", lambda v: f"{v:,.1f} ms"),
             ("filter change laid out, p95", "change_p95", lambda v: f"{v:,.1f} ms")]
    names = list(rows)
    print(f"\n{n:,} records" + "".join(f" | {name:>16}" for name in names) + " | goal")
    for label, key, shown in lines:
        goal = GOALS.get(key)
        cells = "".join(f" | {shown(rows[name][key]):>16}" for name in names)
        mark = ""
        if goal is not None:
            mark = f" | {shown(goal)}" + ("" if n < 10000 else (" met" if rows[names[0]][key] <= goal else " NOT MET"))
        print(f"  {label:<28}{cells}{mark}")
    for name in names:
        print(f"  {name} query '{QUERY}': {rows[name]['query_said']}")


def main() -> None:
    if sys.argv[1:2] == ["--serve"]:
        return serve(sys.argv[2])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000],
                        help="sizes of the synthetic sites (e.g. 1000 10000)")
    parser.add_argument("--changes", type=int, default=20, help="drop-down changes to time")
    parser.add_argument("--baseline", default="f77f3c8",
                        help="commit to measure beside this checkout ('' for none)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="commsite-bench-") as tmp:
        trees = {"this checkout": ROOT}
        if args.baseline:
            worktree = Path(tmp) / f"baseline-{args.baseline}"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                            str(worktree), args.baseline], check=True)
            trees[f"at {args.baseline}"] = worktree
        try:
            for n in args.records:
                rows, records = {}, None
                for name, tree in trees.items():
                    work = Path(tmp) / f"{n}-{tree.name}"
                    site = build(tree, n, work)
                    if records is None:
                        records = facets_of(work / "project")
                    rows[name] = measure(site, records, args.changes)
                report(n, rows)
        finally:
            if args.baseline:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(worktree)], check=False)


if __name__ == "__main__":
    main()
